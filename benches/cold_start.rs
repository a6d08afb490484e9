//! Cold start of the release app: from `main` to its first drawn frame, and to the opened
//! scenario's run being ready to play (goal: first frame ≤ 1.5 s). Runs the binary
//! (`ORCA_COLD_START=1 orca FILE`, which reports both times on standard error and quits) under
//! one Xvfb server with Mesa's software Vulkan, `RUNS` times (default 5), and prints the median
//! and the slowest, plus the wall time of the whole process (exec, window, first frame, exit).
//!
//! Run with `cargo bench --bench cold_start`. Without Xvfb or a Vulkan driver it says so and
//! measures nothing.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| (1..=50).contains(n))
        .unwrap_or(5);
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ecs-rolling-update.ron");
    let display = ":87";
    let xvfb = Command::new("Xvfb")
        .args([display, "-screen", "0", "1280x720x24", "-nolisten", "tcp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut xvfb) = xvfb else {
        eprintln!("cold_start: Xvfb is not installed (apt-get install xvfb); nothing measured");
        return;
    };
    std::thread::sleep(Duration::from_millis(800));
    let scratch = std::env::temp_dir().join(format!("orca-cold-start-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&scratch);
    let (mut first, mut ready, mut wall) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        let start = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_orca"))
            .arg(&scenario)
            .env("DISPLAY", display)
            .env("ORCA_COLD_START", "1")
            .env("WGPU_BACKEND", "vulkan")
            .env(
                "VK_ICD_FILENAMES",
                std::env::var_os("VK_ICD_FILENAMES")
                    .unwrap_or_else(|| "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json".into()),
            )
            .env("ORCA_PROGRESS", scratch.join("progress.ron"))
            .env("ORCA_SETTINGS", scratch.join("settings.ron"))
            .output();
        let elapsed = start.elapsed();
        let Ok(out) = out else {
            eprintln!("cold_start: cannot run orca");
            break;
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        let at = |label: &str| -> Option<u64> {
            let line = stderr.lines().find(|l| l.contains(label))?;
            let rest = line.split(label).nth(1)?;
            rest.split_whitespace().next()?.parse().ok()
        };
        match (at("first frame drawn at "), at("scenario ready at ")) {
            (Some(f), Some(r)) => {
                println!(
                    "run {}: first frame {f} ms, ready {r} ms, process {} ms",
                    i + 1,
                    elapsed.as_millis()
                );
                first.push(f);
                ready.push(r);
                wall.push(elapsed.as_millis() as u64);
            }
            _ => {
                eprintln!("cold_start: run {} reported nothing:\n{stderr}", i + 1);
                break;
            }
        }
    }
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    let _ = std::fs::remove_dir_all(&scratch);
    let summary = |name: &str, v: &mut Vec<u64>| {
        if v.is_empty() {
            return;
        }
        v.sort_unstable();
        println!(
            "{name}: median {} ms, slowest {} ms over {} runs",
            v[v.len() / 2],
            v[v.len() - 1],
            v.len()
        );
    };
    summary("first frame drawn", &mut first);
    summary("scenario ready", &mut ready);
    summary("whole process", &mut wall);
}
