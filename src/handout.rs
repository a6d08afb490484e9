//! `orca handout FILE --out DIR [--force] [--size WxH]`: a printable page for a class — the
//! scenario's title and description, a picture of the app at each quiz's moment and at each
//! of the scenario's own events, the questions (choices in the author's order) and, at the
//! end, the answers with their explanations. `DIR/index.html` plus `DIR/*.png`, one folder
//! that works offline.
//!
//! It never writes over a file it did not write: `DIR/.orca-handout` lists what the last
//! handout wrote there, and any other file in the way stops it before anything is rendered,
//! unless `--force`.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use orca_sim::{Playback, Scenario, SimTime};

use crate::handout_html::{Moment, MomentKind, page};
use crate::output::note;
use crate::record_encode::Picture;

#[derive(Args, Debug, Clone)]
pub struct HandoutArgs {
    pub file: PathBuf,
    /// The folder to write index.html and the pictures into (made if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Write over files in DIR that an earlier handout did not write.
    #[arg(long)]
    pub force: bool,
    /// The pictures' size, WIDTHxHEIGHT.
    #[arg(long, value_name = "WxH", default_value = "1280x720")]
    pub size: String,
}

/// The most pictures one handout has: every quiz's moment first, then the scenario's events.
pub const MAX_PICTURES: usize = 40;
/// The list of files the last handout wrote into its folder.
pub const MANIFEST: &str = ".orca-handout";

/// The moments of the handout in time order: each quiz (at the moment playback stops to ask
/// it) and each of the scenario's own events (its timeline: updates, faults, notes). Moments
/// within a second of each other share a picture; at most [`MAX_PICTURES`] pictures, quizzes
/// first. Returns the moments and the times of the pictures.
pub fn moments(playback: &Playback) -> (Vec<Moment>, Vec<SimTime>) {
    let scenario = playback.scenario();
    let mut out: Vec<Moment> = Vec::new();
    for (i, m) in playback.quiz_moments().iter().enumerate() {
        if scenario.quizzes.get(m.quiz).is_some() {
            out.push(Moment {
                at: m.pause_at(),
                kind: MomentKind::Quiz {
                    number: i + 1,
                    quiz: m.quiz,
                    predict: m.predict,
                },
                picture: None,
            });
        }
    }
    for e in playback.full_log().iter() {
        if e.source == orca_sim::event::Source::Scenario {
            out.push(Moment {
                at: e.at,
                kind: MomentKind::Event(e.message().to_string()),
                picture: None,
            });
        }
    }
    out.sort_by_key(|m| (m.at, !matches!(m.kind, MomentKind::Event(_))));
    // Quizzes take pictures first, then events, in time order, while there is room.
    let mut pictures: Vec<SimTime> = Vec::new();
    for quizzes_pass in [true, false] {
        for m in out.iter_mut() {
            if matches!(m.kind, MomentKind::Quiz { .. }) != quizzes_pass {
                continue;
            }
            let near = pictures
                .iter()
                .position(|t| t.millis().abs_diff(m.at.millis()) < 1000);
            m.picture = match near {
                Some(k) => Some(k),
                None if pictures.len() < MAX_PICTURES => {
                    pictures.push(m.at);
                    Some(pictures.len() - 1)
                }
                None => None,
            };
        }
    }
    // Pictures numbered in time order, as the page shows them.
    let mut order: Vec<usize> = (0..pictures.len()).collect();
    order.sort_by_key(|&k| pictures[k]);
    let mut renumbered = vec![0; pictures.len()];
    for (new, &old) in order.iter().enumerate() {
        renumbered[old] = new;
    }
    for m in out.iter_mut() {
        m.picture = m.picture.map(|k| renumbered[k]);
    }
    pictures.sort();
    (out, pictures)
}

/// The picture files' names, one per picture time.
pub fn picture_names(times: &[SimTime]) -> Vec<String> {
    times
        .iter()
        .enumerate()
        .map(|(k, t)| {
            format!(
                "picture-{:02}-at-{}.png",
                k + 1,
                t.to_string().replace(':', "-")
            )
        })
        .collect()
}

/// Files in `dir` that writing `names` would replace although no earlier handout wrote them.
pub fn in_the_way(dir: &Path, names: &[String]) -> Vec<String> {
    let ours: Vec<String> = fs::read_to_string(dir.join(MANIFEST))
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default();
    names
        .iter()
        .filter(|n| fs::symlink_metadata(dir.join(n)).is_ok() && !ours.contains(n))
        .cloned()
        .collect()
}

/// Write `bytes` to `path` through a temporary file in the same folder, so a reader never
/// sees half a file.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("orca-tmp");
    let result = fs::File::create(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|()| f.sync_all()))
        .and_then(|()| fs::rename(&tmp, path));
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })
}

fn png_bytes(p: &Picture) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, p.width, p.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&p.rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// `orca handout`.
pub fn run(args: &HandoutArgs) -> ExitCode {
    let size = match crate::record::parse_size(&args.size) {
        Ok(size) => size,
        Err(e) => {
            note(&e);
            return ExitCode::from(2);
        }
    };
    if args.out.exists() && !args.out.is_dir() {
        note(&format!(
            "{}: not a folder; --out names the folder the handout is written into",
            args.out.display()
        ));
        return ExitCode::from(2);
    }
    let (scenario, source) = match crate::app::library::load_file(&args.file) {
        Ok(loaded) => loaded,
        Err(e) => {
            note(&e);
            return ExitCode::from(1);
        }
    };
    let playback = Playback::new(scenario.clone());
    let (moments, times) = moments(&playback);
    let names = picture_names(&times);
    let mut all_names = names.clone();
    all_names.push("index.html".to_string());
    let blocked = in_the_way(&args.out, &all_names);
    if !blocked.is_empty() && !args.force {
        note(&format!(
            "{}: would write over {} that an earlier handout did not write: {}; choose another \
             folder, move them away, or add --force",
            args.out.display(),
            if blocked.len() == 1 {
                "a file"
            } else {
                "files"
            },
            blocked.join(", ")
        ));
        return ExitCode::from(1);
    }
    let pictures = if times.is_empty() {
        Vec::new()
    } else {
        match crate::app::capture(scenario.clone(), source, times.clone(), size, false) {
            Ok(p) => p,
            Err(status) => return status,
        }
    };
    match write(args, &scenario, &moments, &names, &pictures) {
        Ok(()) => {
            let mut out = crate::output::Out::stdout();
            let _ = out
                .line(&format!(
                    "wrote {}: {} question(s), {} picture(s)",
                    args.out.join("index.html").display(),
                    scenario.quizzes.len(),
                    pictures.len()
                ))
                .and_then(|()| out.flush());
            ExitCode::SUCCESS
        }
        Err(e) => {
            note(&e);
            ExitCode::from(1)
        }
    }
}

fn write(
    args: &HandoutArgs,
    scenario: &Arc<Scenario>,
    moments: &[Moment],
    names: &[String],
    pictures: &[Picture],
) -> Result<(), String> {
    fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let mut written: Vec<String> = fs::read_to_string(args.out.join(MANIFEST))
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default();
    let remember = |name: &str, written: &mut Vec<String>| -> Result<(), String> {
        if !written.iter().any(|w| w == name) {
            written.push(name.to_string());
        }
        // The list first: a file is never left written without it.
        write_whole(
            &args.out.join(MANIFEST),
            (written.join("\n") + "\n").as_bytes(),
        )
    };
    for (name, picture) in names.iter().zip(pictures) {
        remember(name, &mut written)?;
        write_whole(&args.out.join(name), &png_bytes(picture)?)?;
    }
    let html = page(scenario, moments, names);
    remember("index.html", &mut written)?;
    write_whole(&args.out.join("index.html"), html.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn playback(name: &str) -> Playback {
        let src = crate::app::library::BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
            .expect("built-in");
        Playback::new(Arc::new(
            orca_sim::scenario::parse(name, src).expect("parses"),
        ))
    }

    #[test]
    fn every_quiz_is_a_moment_with_a_picture_in_time_order() {
        let (name, _) = crate::app::library::BUILT_IN[0];
        let p = playback(name);
        let (moments, times) = moments(&p);
        let quizzes = moments
            .iter()
            .filter(|m| matches!(m.kind, MomentKind::Quiz { .. }))
            .count();
        assert_eq!(quizzes, p.quiz_moments().len());
        assert!(moments.windows(2).all(|w| w[0].at <= w[1].at));
        for m in &moments {
            let k = m
                .picture
                .expect("a picture for each moment of a small scenario");
            assert!(times[k].millis().abs_diff(m.at.millis()) < 1000);
        }
        assert!(times.len() <= MAX_PICTURES);
        assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    }

    #[test]
    fn files_an_earlier_handout_wrote_may_be_replaced_others_not() {
        let dir = std::env::temp_dir().join(format!("orca-handout-way-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        let names = vec![
            "index.html".to_string(),
            "picture-01-at-00-10.png".to_string(),
        ];
        assert!(in_the_way(&dir, &names).is_empty());
        fs::write(dir.join("index.html"), "mine").expect("write");
        assert_eq!(in_the_way(&dir, &names), ["index.html"]);
        fs::write(dir.join(MANIFEST), "index.html\n").expect("write");
        assert!(in_the_way(&dir, &names).is_empty());
        let _ = fs::remove_dir_all(&dir);
    }
}
