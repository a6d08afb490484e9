//! The classroom kit under Xvfb: `orca record` writes a GIF or APNG whose frames decode and
//! change over time, and `orca handout` writes a page naming every quiz with pictures that
//! decode, and refuses to write over files it did not write.
//!
//! Skipped with a message without `xvfb-run` or a Vulkan driver, unless
//! `ORCA_REQUIRE_RENDER=1` (set by `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn required() -> bool {
    std::env::var("ORCA_REQUIRE_RENDER").is_ok_and(|v| v == "1")
}

/// `None` when the test can run; otherwise prints why it is skipped (or fails when required).
fn cannot_render() -> Option<()> {
    let why = if Command::new("xvfb-run").arg("--help").output().is_err() {
        "xvfb-run is not installed (apt-get install xvfb xauth)"
    } else if !Path::new(ICD).exists() && std::env::var_os("VK_ICD_FILENAMES").is_none() {
        "no Vulkan driver (apt-get install mesa-vulkan-drivers libvulkan1)"
    } else {
        return None;
    };
    if required() {
        panic!("the classroom render tests cannot run and ORCA_REQUIRE_RENDER=1: {why}");
    }
    eprintln!("skipping: {why}");
    Some(())
}

const ICD: &str = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// `orca ARGS` under Xvfb; `None` (skipped) when no adapter draws.
fn orca_rendering(args: &[&std::ffi::OsStr]) -> Option<Output> {
    let mut cmd = Command::new("xvfb-run");
    cmd.args(["-a", "-s", "-screen 0 1280x720x24"])
        .arg(env!("CARGO_BIN_EXE_orca"))
        .args(args)
        .env("WGPU_BACKEND", "vulkan");
    if Path::new(ICD).exists() {
        cmd.env("VK_ICD_FILENAMES", ICD);
    }
    let result = cmd.output().expect("xvfb-run starts");
    let stderr = String::from_utf8_lossy(&result.stderr);
    if !result.status.success()
        && (stderr.contains("Unable to find a GPU") || stderr.contains("No suitable adapter"))
    {
        if required() {
            panic!("no graphics adapter and ORCA_REQUIRE_RENDER=1:\n{stderr}");
        }
        eprintln!("skipping: no graphics adapter:\n{stderr}");
        return None;
    }
    Some(result)
}

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("orca-classroom-{}-{name}", std::process::id()))
}

/// Each frame of a GIF composited onto the canvas, as RGBA.
fn gif_frames(path: &Path) -> (u16, u16, Vec<Vec<u8>>) {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut d = options
        .read_info(std::fs::File::open(path).expect("gif exists"))
        .expect("gif header");
    let (w, h) = (d.width() as usize, d.height() as usize);
    let mut canvas = vec![0u8; w * h * 4];
    let mut frames = Vec::new();
    while let Some(f) = d.read_next_frame().expect("gif frame") {
        for y in 0..f.height as usize {
            for x in 0..f.width as usize {
                let s = (y * f.width as usize + x) * 4;
                if f.buffer[s + 3] != 0 {
                    let t = ((y + f.top as usize) * w + x + f.left as usize) * 4;
                    canvas[t..t + 4].copy_from_slice(&f.buffer[s..s + 4]);
                }
            }
        }
        frames.push(canvas.clone());
    }
    (w as u16, h as u16, frames)
}

#[test]
fn record_writes_a_gif_whose_frames_change_over_time() {
    if cannot_render().is_some() {
        return;
    }
    let out = temp("rolling.gif");
    let _ = std::fs::remove_file(&out);
    let file = scenario("ecs-rolling-update.ron");
    let Some(result) = orca_rendering(&[
        "record".as_ref(),
        file.as_os_str(),
        "--from".as_ref(),
        "0:40".as_ref(),
        "--to".as_ref(),
        "44".as_ref(),
        "--fps".as_ref(),
        "1".as_ref(),
        "--size".as_ref(),
        "640x360".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]) else {
        return;
    };
    assert!(
        result.status.success(),
        "orca record failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(stdout.contains("5 frames, 640×360"), "{stdout}");
    let (w, h, frames) = gif_frames(&out);
    assert_eq!((w, h), (640, 360));
    // Five moments, each a frame (the playhead moves every second, so none merge).
    assert_eq!(frames.len(), 5);
    assert_ne!(
        frames[0], frames[4],
        "the recording does not change over time"
    );
    let _ = std::fs::remove_file(&out);
}

#[test]
fn record_writes_an_apng_and_refuses_absurd_requests_before_opening_a_window() {
    // Refusals need no renderer.
    let file = scenario("ecs-rolling-update.ron");
    let refused = Command::new(env!("CARGO_BIN_EXE_orca"))
        .args(["record"])
        .arg(&file)
        .args(["--to", "10:00", "--fps", "30", "--out", "x.gif"])
        .env_remove("DISPLAY")
        .output()
        .expect("orca runs");
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("at most 600"), "{stderr}");
    if cannot_render().is_some() {
        return;
    }
    let out = temp("rolling.png");
    let _ = std::fs::remove_file(&out);
    let Some(result) = orca_rendering(&[
        "record".as_ref(),
        file.as_os_str(),
        "--from".as_ref(),
        "40".as_ref(),
        "--to".as_ref(),
        "41".as_ref(),
        "--fps".as_ref(),
        "2".as_ref(),
        "--size".as_ref(),
        "480x270".as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
    ]) else {
        return;
    };
    assert!(
        result.status.success(),
        "orca record failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&out).expect("apng exists"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let actl = reader.info().animation_control.expect("an animated PNG");
    assert_eq!(actl.num_frames, 3);
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let mut sizes = Vec::new();
    for _ in 0..3 {
        reader.next_frame(&mut buf).expect("frame decodes");
        let fc = reader.info().frame_control.expect("fcTL");
        sizes.push((fc.width, fc.height));
    }
    assert_eq!(sizes[0], (480, 270));
    // Later frames store only what changed: smaller than the whole picture, not empty.
    assert!(
        sizes[1..]
            .iter()
            .all(|&(w, h)| w * h < 480 * 270 && w * h > 0)
    );
    let _ = std::fs::remove_file(&out);
}

#[test]
fn handout_names_every_quiz_with_pictures_and_never_overwrites_others_files() {
    if cannot_render().is_some() {
        return;
    }
    let dir = temp("handout");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    // A file the handout did not write is in the way: refused, untouched.
    std::fs::write(dir.join("index.html"), "the teacher's own page").expect("write");
    let file = scenario("ecs-rolling-update.ron");
    let args = |force: bool| {
        let mut a: Vec<&std::ffi::OsStr> = vec![
            "handout".as_ref(),
            file.as_os_str(),
            "--out".as_ref(),
            dir.as_os_str(),
            "--size".as_ref(),
            "640x360".as_ref(),
        ];
        if force {
            a.push("--force".as_ref());
        }
        a
    };
    let refused = Command::new(env!("CARGO_BIN_EXE_orca"))
        .args(args(false))
        .output()
        .expect("orca runs");
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("index.html") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("index.html")).expect("kept"),
        "the teacher's own page"
    );
    let Some(result) = orca_rendering(&args(true)) else {
        return;
    };
    assert!(
        result.status.success(),
        "orca handout failed:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let html = std::fs::read_to_string(dir.join("index.html")).expect("page");
    let text = std::fs::read_to_string(&file).expect("scenario");
    let s = orca_sim::scenario::parse("s.ron", &text).expect("parses");
    for q in &s.quizzes {
        assert!(
            html.contains(&orca::handout_html::escape(&q.question)),
            "the page lacks {:?}",
            q.question
        );
    }
    let mut pictures = 0;
    for part in html.split("<img src=\"").skip(1) {
        let name = &part[..part.find('"').expect("closing quote")];
        let decoder = png::Decoder::new(std::io::BufReader::new(
            std::fs::File::open(dir.join(name)).expect("picture exists"),
        ));
        let info = decoder.read_info().expect("picture decodes");
        assert_eq!(
            (info.info().width, info.info().height),
            (640, 360),
            "{name}"
        );
        pictures += 1;
    }
    assert!(pictures >= s.quizzes.len(), "{pictures} pictures");
    // A second run replaces its own files without --force.
    let again = orca_rendering(&args(false)).expect("rendered before");
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
