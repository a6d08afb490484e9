//! `orca record FILE --from T --to T --fps N --out FILE.gif|FILE.png [--size WxH] [--speed X]`:
//! the app's view (what `orca shot` renders) at every frame's moment, written as an animated
//! GIF or APNG. The plan (which moments, how long each is shown, what fits in memory) is
//! checked here before a window opens; `app::capture` renders, `record_encode` writes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use orca_sim::SimTime;

use crate::output::note;

#[derive(Args, Debug, Clone)]
pub struct RecordArgs {
    pub file: PathBuf,
    /// The first moment (m:ss, h:mm:ss or seconds; default the start).
    #[arg(long, value_name = "TIME", default_value = "0")]
    pub from: String,
    /// The last moment (default the scenario's end).
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// Frames per simulated second (1–30).
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub fps: u32,
    /// Simulated seconds the recording plays per second (0.1–100; 1 plays in real time).
    #[arg(long, value_name = "X", default_value_t = 1.0)]
    pub speed: f64,
    /// The animation to write: .gif for a GIF, .png (or .apng) for an animated PNG.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The window's size, WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1280x720")]
    pub size: String,
    /// Record the presentation layout (P in the app): the canvas, header and timeline, without
    /// the side panel and the event log.
    #[arg(long)]
    pub present: bool,
}

/// The most frames one recording may have.
pub const MAX_FRAMES: u64 = 600;
/// The frames are held in memory until written: at most this many bytes of pixels.
pub const MAX_BYTES: u64 = 768 * 1024 * 1024;
/// A frame is shown at least 20 ms: GIF delays are in hundredths of a second and viewers
/// slow down anything shorter than two.
const MIN_FRAME_MILLIS: f64 = 20.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Gif,
    Apng,
}

/// What to render and how to write it.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub moments: Vec<SimTime>,
    /// How long each frame is shown in the file.
    pub frame_millis: f64,
    pub size: (u32, u32),
    pub format: Format,
}

/// `1280x720` (or with `×`) → (1280, 720), within what a window may be.
pub fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("--size must be WIDTHxHEIGHT, like 960x540; got {s:?}");
    let (w, h) = s.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if !(64..=3840).contains(&w) || !(64..=2160).contains(&h) {
        return Err(format!(
            "--size must be 64–3840 wide and 64–2160 high; got {w}×{h}"
        ));
    }
    Ok((w, h))
}

fn parse_moment(flag: &str, s: &str) -> Result<SimTime, String> {
    orca_sim::console::commands::parse_time(s.trim()).ok_or_else(|| {
        format!("{flag} must be a time as m:ss, h:mm:ss or seconds (like 1:30 or 90); got {s:?}")
    })
}

pub fn format_of(out: &Path) -> Result<Format, String> {
    match out
        .extension()
        .map(|x| x.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("gif") => Ok(Format::Gif),
        Some("png" | "apng") => Ok(Format::Apng),
        _ => Err(format!(
            "{}: the recording's name must end in .gif (animated GIF) or .png (animated PNG)",
            out.display()
        )),
    }
}

/// Check the arguments against the scenario's length `end` and the limits. Errors say what
/// would be accepted.
pub fn plan(args: &RecordArgs, end: SimTime) -> Result<Plan, String> {
    let format = format_of(&args.out)?;
    let size = parse_size(&args.size)?;
    if !(1..=30).contains(&args.fps) {
        return Err(format!("--fps must be 1–30; got {}", args.fps));
    }
    if !(args.speed.is_finite() && (0.1..=100.0).contains(&args.speed)) {
        return Err(format!("--speed must be 0.1–100; got {}", args.speed));
    }
    let frame_millis = 1000.0 / (args.fps as f64 * args.speed);
    if frame_millis < MIN_FRAME_MILLIS {
        return Err(format!(
            "--fps {} at --speed {} shows each frame {frame_millis:.1} ms; viewers show a frame at \
             least {MIN_FRAME_MILLIS} ms: lower --fps or --speed (fps × speed ≤ 50)",
            args.fps, args.speed
        ));
    }
    let from = parse_moment("--from", &args.from)?;
    let mut to = match &args.to {
        Some(t) => parse_moment("--to", t)?,
        None => end,
    };
    if from > end {
        return Err(format!("--from {from} is past the scenario's end ({end})"));
    }
    if to > end {
        note(&format!(
            "--to {to} is past the scenario's end ({end}); recording to the end"
        ));
        to = end;
    }
    if to <= from {
        return Err(format!("--to ({to}) must come after --from ({from})"));
    }
    let span_ms = to.millis() - from.millis();
    // Frames at from, from + 1/fps, … up to and including `to` when it falls on one.
    let frames = span_ms * args.fps as u64 / 1000 + 1;
    if frames > MAX_FRAMES {
        return Err(format!(
            "{from}–{to} at {} frames per second is {frames} frames; at most {MAX_FRAMES}: \
             shorten the span or lower --fps",
            args.fps
        ));
    }
    let bytes = frames * size.0 as u64 * size.1 as u64 * 3;
    if bytes > MAX_BYTES {
        return Err(format!(
            "{frames} frames of {}×{} hold {} MB while recording; at most {} MB: \
             use a smaller --size, a shorter span or a lower --fps",
            size.0,
            size.1,
            bytes / (1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        ));
    }
    let moments = (0..frames)
        .map(|i| SimTime(from.millis() + i * 1000 / args.fps as u64))
        .collect();
    Ok(Plan {
        moments,
        frame_millis,
        size,
        format,
    })
}

/// `orca record`.
pub fn run(args: &RecordArgs) -> ExitCode {
    let (scenario, source) = match crate::app::library::load_file(&args.file) {
        Ok(loaded) => loaded,
        Err(e) => {
            note(&e);
            return ExitCode::from(1);
        }
    };
    let end = SimTime::from_secs_f64(scenario.duration);
    let plan = match plan(args, end) {
        Ok(plan) => plan,
        Err(e) => {
            note(&e);
            return ExitCode::from(2);
        }
    };
    let frames = plan.moments.len();
    let pictures = match crate::app::capture(
        scenario,
        source,
        plan.moments.clone(),
        plan.size,
        args.present,
    ) {
        Ok(pictures) => pictures,
        Err(status) => return status,
    };
    let mut file = match std::fs::File::create(&args.out) {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => {
            note(&format!("{}: {e}", args.out.display()));
            return ExitCode::from(1);
        }
    };
    let written = match plan.format {
        Format::Gif => crate::record_encode::write_gif(&mut file, &pictures, plan.frame_millis),
        Format::Apng => crate::record_encode::write_apng(&mut file, &pictures, plan.frame_millis),
    }
    .and_then(|()| {
        use std::io::Write;
        file.flush().map_err(|e| e.to_string())
    });
    match written {
        Ok(()) => {
            let bytes = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
            let mut out = crate::output::Out::stdout();
            let _ = out
                .line(&format!(
                    "wrote {}: {frames} frames, {}×{}, {} KB",
                    args.out.display(),
                    plan.size.0,
                    plan.size.1,
                    bytes.div_ceil(1024)
                ))
                .and_then(|()| out.flush());
            ExitCode::SUCCESS
        }
        Err(e) => {
            note(&format!("{}: {e}", args.out.display()));
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(from: &str, to: Option<&str>, fps: u32, out: &str, size: &str) -> RecordArgs {
        RecordArgs {
            file: PathBuf::from("s.ron"),
            from: from.into(),
            to: to.map(String::from),
            fps,
            speed: 1.0,
            out: PathBuf::from(out),
            size: size.into(),
            present: false,
        }
    }

    #[test]
    fn frames_fall_every_one_over_fps_from_from_to_to() {
        let p = plan(
            &args("1:00", Some("62"), 2, "a.gif", "960x540"),
            SimTime::from_secs(600),
        )
        .expect("valid");
        assert_eq!(
            p.moments,
            [60_000, 60_500, 61_000, 61_500, 62_000].map(SimTime)
        );
        assert_eq!(p.frame_millis, 500.0);
        assert_eq!((p.size, p.format), ((960, 540), Format::Gif));
    }

    #[test]
    fn to_defaults_to_the_end_and_is_cut_to_it() {
        let end = SimTime::from_secs(10);
        let p = plan(&args("0", None, 1, "a.png", "640x360"), end).expect("valid");
        assert_eq!(p.moments.len(), 11);
        assert_eq!(p.format, Format::Apng);
        let p = plan(&args("0", Some("0:20"), 1, "a.png", "640x360"), end).expect("valid");
        assert_eq!(p.moments.last(), Some(&end));
    }

    #[test]
    fn absurd_recordings_are_refused_with_what_would_do() {
        let end = SimTime::from_secs(3600);
        let e = plan(&args("0", Some("10:00"), 10, "a.gif", "640x360"), end).expect_err("frames");
        assert!(e.contains("6001 frames; at most 600"), "{e}");
        let e = plan(&args("0", Some("100"), 5, "a.gif", "3840x2160"), end).expect_err("memory");
        assert!(e.contains("at most 768 MB"), "{e}");
        let e = plan(&args("0", Some("10"), 1, "a.gif", "10x10"), end).expect_err("size");
        assert!(e.contains("64–3840"), "{e}");
        let e = plan(&args("0", Some("10"), 1, "a.gif", "big"), end).expect_err("size");
        assert!(e.contains("WIDTHxHEIGHT"), "{e}");
        let e = plan(&args("0", Some("10"), 1, "a.mp4", "640x360"), end).expect_err("format");
        assert!(e.contains(".gif"), "{e}");
        let e = plan(&args("20", Some("10"), 1, "a.gif", "640x360"), end).expect_err("order");
        assert!(e.contains("must come after"), "{e}");
        let e = plan(&args("1:75", Some("10"), 1, "a.gif", "640x360"), end).expect_err("time");
        assert!(e.contains("m:ss"), "{e}");
        let e = plan(&args("0", Some("10"), 0, "a.gif", "640x360"), end).expect_err("fps");
        assert!(e.contains("1–30"), "{e}");
        let mut fast = args("0", Some("10"), 30, "a.gif", "640x360");
        fast.speed = 4.0;
        assert!(plan(&fast, end).expect_err("fast").contains("≤ 50"));
    }
}
