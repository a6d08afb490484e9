//! The command line as a user runs it: `orca check`, `orca run`, and the README's example.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn orca(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orca"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("orca runs")
}

/// `orca` with `args`, killed (and the test failed) if it has not finished within `secs`.
fn orca_within(secs: u64, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orca"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orca runs");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let out = child.wait_with_output().expect("output");
            panic!(
                "orca {args:?} still running after {secs} s; stderr: {}",
                text(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn temp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("orca-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, content).expect("write");
    p
}

#[test]
fn check_accepts_the_built_in_scenarios() {
    let out = orca(&["check", "scenarios"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"))
        .expect("scenarios folder")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "ron"))
        })
        .count();
    assert!(files >= 17);
    assert!(
        text(&out.stdout).contains(&format!("{files} scenario(s) valid")),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn check_reports_file_line_column_and_exits_1() {
    let good = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ecs-rolling-update.ron"),
    )
    .expect("read");
    let bad = temp(
        "typo.ron",
        &good.replacen("desired_count: 4", "desird_count: 4", 1),
    );
    let out = orca(&["check", bad.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    let line = good
        .lines()
        .position(|l| l.contains("desired_count: 4"))
        .expect("field present")
        + 1;
    assert!(
        err.contains(&format!("typo.ron:{line}:")),
        "error must name the line {line}: {err}"
    );
    assert!(err.contains("desird_count"), "{err}");
    let missing = orca(&["check", "no/such/file.ron"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("no such file"));
}

#[test]
fn run_prints_the_event_log_with_stamps_and_quiz_lines() {
    let out = orca(&["run", "scenarios/ecs-failed-health-check.ron"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let log = text(&out.stdout);
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with('[') && l.as_bytes()[3] == b':')
    );
    assert!(log.contains("(service web) has reached a steady state."));
    assert!(log.contains("deployment failed: tasks failed to start."));
    assert!(log.contains("quiz "), "quiz moments are part of the log");
    // --until stops early; --only filters by source.
    let early = text(
        &orca(&[
            "run",
            "scenarios/ecs-failed-health-check.ron",
            "--until",
            "60",
            "--only",
            "service",
        ])
        .stdout,
    );
    assert!(early.lines().count() < lines.len());
    assert!(
        early.lines().all(|l| l[8..].starts_with("service ")),
        "{early}"
    );
    assert!(!early.contains("[01:"), "nothing after --until 60: {early}");
}

#[test]
fn run_json_prints_one_object_per_event() {
    let out = orca(&[
        "run",
        "scenarios/ecs-tight-capacity.ron",
        "--json",
        "--until",
        "120",
    ]);
    assert!(out.status.success());
    let mut n = 0;
    for line in text(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON");
        assert!(
            v.get("at").is_some() && v.get("message").is_some(),
            "{line}"
        );
        n += 1;
    }
    assert!(n > 10);
}

#[test]
fn the_readme_example_scenario_is_valid() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    let block = readme
        .split("```ron\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README has a ron example");
    let file = temp("readme.ron", block);
    let out = orca(&["check", file.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let run = text(&orca(&["run", file.to_str().expect("utf-8 path")]).stdout);
    assert!(run.contains("How many web:2 tasks start"), "{run}");
}

/// A fresh, empty folder for one test.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("orca-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn check_and_run_refuse_a_fifo_at_once() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("pipe.ron");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: mkfifo is not available");
        return;
    }
    let path = fifo.to_str().expect("utf-8 path");
    for args in [["check", path], ["run", path]] {
        let out = orca_within(10, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains(
                "pipe.ron: not a regular file (a FIFO); scenario files are regular files"
            ),
            "{}",
            text(&out.stderr)
        );
    }
    let out = orca_within(10, &["check", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("not a regular file (a character device)"));
    let _ = std::fs::remove_dir_all(&dir);
}
