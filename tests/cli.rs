//! The command line as a user runs it: `orca check`, `orca run`, and the README's example.

mod common;

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
    // Read both pipes while it runs, so a long output cannot fill a pipe and stall it.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            let err = stderr.join().expect("stderr");
            panic!(
                "orca {args:?} still running after {secs} s; stderr: {}",
                text(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
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
        text(&out.stdout).contains(&format!("{files} scenario(s) valid\n")),
        "{}",
        text(&out.stdout)
    );
    // The built-in quizzes give nothing away by length or position, and all have a topic.
    assert!(
        !text(&out.stderr).contains("warning"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn check_warns_about_quizzes_that_give_their_answer_away_but_accepts_them() {
    let dir = temp_dir("check-warn");
    let quiz = |i: usize| {
        format!(
            "(id: \"q{i}\", question: \"Q?\", choices: [\"No\", \"Yes, because the scheduler keeps the old tasks until the new ones are healthy\", \"Maybe\"], correct: [1], explanation: \"E.\", trigger: At(1), topic: \"deployments\")"
        )
    };
    let src = format!(
        "(version: 1, title: \"T\", world: Ecs(cluster: (name: \"c\"), task_definitions: [], services: []),\n quizzes: [\n{},\n{},\n{}\n])",
        quiz(0),
        quiz(1),
        quiz(2)
    );
    let file = dir.join("gamed.ron");
    std::fs::write(&file, src).expect("write");
    let out = orca(&["check", file.to_str().expect("utf-8 path")]);
    assert!(out.status.success(), "warnings do not fail the check");
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "gamed.ron:2:11: warning: in 3 of 3 quizzes the right answer is the longest choice"
        ),
        "{err}"
    );
    assert!(
        err.contains("gamed.ron:2:11: warning: the right answer is choice 1 in 3 of 3 quizzes"),
        "{err}"
    );
    assert!(err.contains("its length gives it away"), "{err}");
    assert_eq!(text(&out.stdout), "1 scenario(s) valid (5 warnings)\n");
    let _ = std::fs::remove_dir_all(&dir);
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

/// A task or target state change writes its text when read (`Event::message`): `--json` carries
/// the same text the plain log prints, event by event.
#[test]
fn run_json_carries_the_texts_the_log_prints() {
    let args = [
        "run",
        "scenarios/ecs-failed-health-check.ron",
        "--until",
        "300",
    ];
    let plain = text(&orca(&args).stdout);
    let json = text(&orca(&[&args[..], &["--json"]].concat()).stdout);
    let messages: Vec<String> = json
        .lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("valid JSON");
            v["message"].as_str().expect("a message").to_string()
        })
        .collect();
    let lines: Vec<&str> = plain.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(lines.len(), messages.len(), "{plain}");
    for (line, message) in lines.iter().zip(&messages) {
        assert!(
            !message.is_empty() && line.ends_with(message.as_str()),
            "{line} / {message}"
        );
    }
    assert!(
        messages
            .iter()
            .any(|m| m.contains(" lastStatus PENDING → ACTIVATING"))
    );
    assert!(messages.iter().any(|m| m.starts_with("registered target ")));
    assert!(
        messages
            .iter()
            .any(|m| m.contains("): initial → unhealthy (Target."))
    );
}

#[test]
fn the_readme_example_scenario_is_valid() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README");
    // The first RON block that is a whole scenario (others show a part, such as `goals`).
    let block = readme
        .split("```ron\n")
        .skip(1)
        .filter_map(|rest| rest.split("```").next())
        .find(|b| b.trim_start().starts_with('('))
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

#[test]
fn check_walks_symlinked_folders_once_and_stops_at_loops() {
    let dir = temp_dir("loops");
    let good = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ecs-rolling-update.ron");
    std::fs::copy(&good, dir.join("a.ron")).expect("copy");
    std::fs::create_dir(dir.join("sub")).expect("sub");
    std::fs::copy(&good, dir.join("sub/b.ron")).expect("copy");
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(".", dir.join("x")).expect("symlink");
        symlink(".", dir.join("y")).expect("symlink");
        symlink("..", dir.join("sub/up")).expect("symlink");
        symlink("sub", dir.join("alias")).expect("symlink");
    }
    let path = dir.to_str().expect("utf-8 path");
    let out = orca_within(20, &["check", path, path]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "2 scenario(s) valid\n");
    // An error is reported once, not once per path that leads to the file.
    std::fs::write(dir.join("sub/b.ron"), "(").expect("write");
    let out = orca_within(20, &["check", path]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.matches("b.ron:").count(), 1, "{err}");
    assert!(err.contains("1 scenario(s) valid, 1 with errors"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_says_what_was_not_there_instead_of_counting_nothing() {
    let out = orca_within(10, &["check", "no/such/file.ron"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "no/such/file.ron: no such file or directory\n"
    );
    let dir = temp_dir("empty");
    std::fs::write(dir.join("notes.txt"), "not a scenario").expect("write");
    let path = dir.to_str().expect("utf-8 path");
    let out = orca_within(10, &["check", path]);
    assert_eq!(out.status.code(), Some(1), "nothing was checked");
    assert_eq!(
        text(&out.stderr),
        format!("{path}: no .ron scenario files in this folder\n")
    );
    // With something checked, the count says what could not be.
    let out = orca_within(
        10,
        &["check", "scenarios/ecs-rolling-update.ron", "no/such.ron"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("1 scenario(s) valid, 0 with errors; 1 path could not be checked"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_rejects_an_unknown_source_listing_the_valid_ones() {
    let out = orca_within(
        10,
        &[
            "run",
            "scenarios/ecs-rolling-update.ron",
            "--only",
            "service,servcie",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert!(
        err.contains("--only: unknown source \"servcie\"; the sources are: service, target-group,"),
        "{err}"
    );
}

#[test]
fn run_into_a_closed_pipe_exits_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orca"))
        .args(["run", "scenarios/ecs-cluster-auto-scaling.ron", "--json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orca runs");
    // The reader goes away before orca writes anything, like `head` after its lines.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("output");
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert_eq!(err, "");
}

#[test]
fn run_until_is_bounded_by_the_scenario() {
    let out = orca_within(
        20,
        &["run", "scenarios/ecs-rolling-update.ron", "--until", "1e12"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("--until 1000000000000 is past the scenario's end (")
            && err.contains("); running to the end"),
        "{err}"
    );
    let whole = orca(&["run", "scenarios/ecs-rolling-update.ron"]);
    assert_eq!(out.stdout, whole.stdout);
}

fn big_file(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let path = dir.join("big.ron");
    // 10,000 tasks on 500 instances for 2.5 hours, every service rolled out five times (the
    // engine has become fast enough that one rollout is over in well under a second): seconds
    // of work, within the run-cost cap (20,500 objects × 9,000 s < 200,000,000 object-seconds).
    let mut more = String::new();
    for (i, at) in [1800, 3600, 5400, 7200].into_iter().enumerate() {
        for s in 0..20 {
            let rev = if i % 2 == 0 { 1 } else { 2 };
            more += &format!(
                "(at: {at}, action: UpdateService(service: \"svc{s}\", task_definition: \"svc{s}:{rev}\")),\n"
            );
        }
    }
    let text = common::big_scenario(20, 500, 500, 9_000).replacen(
        "timeline: [",
        &format!("timeline: [{more}"),
        1,
    );
    std::fs::write(&path, text).expect("write");
    path
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_long_run_and_says_how_far_it_got() {
    use std::os::unix::process::CommandExt;
    let path = big_file("ctrl-c");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orca"));
    cmd.args(["run", path.to_str().expect("utf-8 path")])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // As from a terminal: SIGINT not ignored (a test run started in the background of a
    // script inherits it ignored, and orca leaves it so).
    // SAFETY: only resets a signal disposition between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("orca runs");
    let stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut { stdout }, &mut s);
        s
    });
    std::thread::sleep(Duration::from_millis(700));
    let pid = libc::pid_t::try_from(child.id()).expect("a pid");
    // SAFETY: sends SIGINT to the child this test started and has not yet waited for.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0, "SIGINT sent");
    let started = Instant::now();
    let out = child.wait_with_output().expect("output");
    assert!(started.elapsed() < Duration::from_secs(5), "stops at once");
    let log = reader.join().expect("reader");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted at ") && err.contains("events simulated"),
        "{err}"
    );
    assert!(log.lines().count() > 0, "the events so far are printed");
    assert!(
        !log.contains("[23:59:"),
        "it stopped well before the end of the day"
    );
    let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
}

#[cfg(unix)]
#[test]
fn a_long_run_shows_its_progress_on_a_terminal() {
    // `script` gives orca a terminal for standard error; stdout goes to a file.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipping: `script` (util-linux) is not installed");
        return;
    }
    let path = big_file("progress");
    let log = path.with_extension("log");
    let cmd = format!(
        "{} run {} > {}",
        env!("CARGO_BIN_EXE_orca"),
        path.display(),
        log.display()
    );
    // The run takes less than the usual second before progress shows on a fast machine.
    let out = Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .env("ORCA_PROGRESS_AFTER_MS", "0")
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let screen = text(&out.stdout);
    assert!(screen.contains("Simulating "), "{screen}");
    assert!(screen.contains(" / 2:30:00 ("), "{screen}");
    assert!(std::fs::metadata(&log).is_ok_and(|m| m.len() > 0));
    let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
}

#[test]
fn a_run_off_a_terminal_shows_no_progress() {
    let path = big_file("no-progress");
    let out = orca_within(120, &["run", path.to_str().expect("utf-8 path")]);
    assert!(out.status.success());
    assert_eq!(text(&out.stderr), "");
    let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
}

/// `orca ARGS` with the environment changed, within `secs`.
fn orca_env_within(secs: u64, env: &[(&str, Option<&str>)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_orca"));
    cmd.args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    let mut child = cmd.spawn().expect("orca runs");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            panic!("orca {args:?} still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn without_a_display_the_app_and_shot_say_what_is_missing() {
    let png = std::env::temp_dir().join(format!("orca-nodisplay-{}.png", std::process::id()));
    let png = png.to_str().expect("utf-8 path");
    let shot = [
        "shot",
        "scenarios/ecs-rolling-update.ron",
        "--at",
        "10",
        "--out",
        png,
    ];
    let app = ["scenarios/ecs-rolling-update.ron"];
    for args in [&shot[..], &app[..]] {
        let out = orca_env_within(30, &[("DISPLAY", None), ("WAYLAND_DISPLAY", None)], args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            err.starts_with("no display: DISPLAY is not set") && err.contains("xvfb-run -a orca"),
            "{err}"
        );
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn without_a_vulkan_driver_shot_says_how_to_install_one() {
    let png = std::env::temp_dir().join(format!("orca-novulkan-{}.png", std::process::id()));
    let out = orca_env_within(
        60,
        &[
            // A display is named (none needs to run: the driver is looked for first) …
            ("DISPLAY", Some(":4242")),
            // … and the Vulkan loader is pointed at a driver that is not there.
            ("VK_ICD_FILENAMES", Some("/nonexistent/orca-test-icd.json")),
            ("VK_DRIVER_FILES", Some("/nonexistent/orca-test-icd.json")),
            ("WGPU_BACKEND", Some("vulkan")),
        ],
        &[
            "shot",
            "scenarios/ecs-rolling-update.ron",
            "--at",
            "10",
            "--out",
            png.to_str().expect("utf-8 path"),
        ],
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.contains("no Vulkan driver found") && err.contains("apt install mesa-vulkan-drivers"),
        "{err}"
    );
}

/// `orca shot` under Xvfb, rendering `frames` frames; `None` (after saying why) where it
/// cannot run, unless `ORCA_REQUIRE_RENDER=1`.
fn shot_stderr(frames: u32) -> Option<String> {
    let required = std::env::var("ORCA_REQUIRE_RENDER").is_ok_and(|v| v == "1");
    let icd = Path::new("/usr/share/vulkan/icd.d/lvp_icd.x86_64.json");
    let missing = if Command::new("xvfb-run").arg("--help").output().is_err() {
        Some("xvfb-run is not installed")
    } else if !icd.exists() && std::env::var_os("VK_ICD_FILENAMES").is_none() {
        Some("no Vulkan driver")
    } else {
        None
    };
    if let Some(why) = missing {
        assert!(!required, "ORCA_REQUIRE_RENDER=1 but {why}");
        eprintln!("skipping: {why}");
        return None;
    }
    let png = std::env::temp_dir().join(format!("orca-log-{}-{frames}.png", std::process::id()));
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x720x24"])
        .arg(env!("CARGO_BIN_EXE_orca"))
        .args([
            "shot",
            "scenarios/ecs-rolling-update.ron",
            "--at",
            "60",
            "--out",
        ])
        .arg(&png)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("RUST_LOG")
        .env("ORCA_SHOT_FRAMES", frames.to_string())
        .stdin(Stdio::null())
        .output()
        .expect("xvfb-run runs");
    let _ = std::fs::remove_file(&png);
    assert!(out.status.success(), "{}", text(&out.stderr));
    Some(text(&out.stderr))
}

#[test]
fn default_logging_is_info_and_up_and_nothing_per_frame() {
    let (Some(short), Some(long)) = (shot_stderr(40), shot_stderr(70)) else {
        return;
    };
    for log in [&short, &long] {
        assert!(
            !log.contains("DEBUG") && !log.contains("TRACE"),
            "nothing below INFO by default: {log}"
        );
    }
    assert_eq!(
        short.lines().count(),
        long.lines().count(),
        "30 more frames, no more lines:\n{short}\n---\n{long}"
    );
}

/// `orca progress …` with the progress file at `file`, `input` on standard input.
fn orca_progress(file: &Path, args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_orca"))
        .arg("progress")
        .args(args)
        .env("ORCA_PROGRESS", file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run orca");
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().expect("orca output")
}

#[test]
fn progress_summarises_exports_and_resets_after_confirmation() {
    let dir = temp_dir("progress-command");
    let file = dir.join("progress.ron");
    // Written by an older Orca: one answer per quiz, no version.
    let old = "(scenarios: {\"builtin:ecs-rolling-update\": {\"how-many-start\": (picked: [2], correct: true), \"when-old-stops\": (picked: [0], correct: false)}})";
    std::fs::write(&file, old).expect("write");
    let out = orca_progress(&file, &[], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    assert!(
        summary.contains("Score: 1 right at the first try out of 2 answered"),
        "{summary}"
    );
    assert!(
        summary.lines().any(|l| l.contains("ecs-rolling-update")
            && l.contains("2/4   answered")
            && l.contains("1 missed")),
        "{summary}"
    );
    assert!(summary.contains("Deployments and rollouts"), "{summary}");
    // The missed question is due for review, with its scenario and question; the right one is not.
    assert!(summary.contains("Review: 1 question due"), "{summary}");
    assert!(
        summary.lines().any(|l| l.contains("missed at first try")
            && l.contains("ECS rolling update: the happy path")),
        "{summary}"
    );
    assert!(
        summary.contains("A web:2 task is RUNNING, but the load balancer still reports it"),
        "{summary}"
    );

    let csv = dir.join("out.csv");
    let out = orca_progress(&file, &["--export", csv.to_str().expect("utf-8")], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&csv).expect("csv");
    assert!(
        written.starts_with("scenario,quiz,topic,first_correct"),
        "{written}"
    );
    assert!(
        written
            .contains("ecs-rolling-update,how-many-start,Deployments and rollouts,true,2,1,0,true"),
        "{written}"
    );
    let json = dir.join("out.json");
    let out = orca_progress(&file, &["--export", json.to_str().expect("utf-8")], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("parses");
    assert_eq!(rows.as_array().map(Vec::len), Some(2));
    let out = orca_progress(&file, &["--export", "x.txt"], "");
    assert_eq!(out.status.code(), Some(2));

    // Reset asks first; anything but yes keeps every answer.
    let out = orca_progress(&file, &["--reset"], "no\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("Nothing was reset"));
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), old);
    let out = orca_progress(&file, &["--reset"], "yes\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = orca_progress(&file, &[], "");
    assert!(text(&out.stdout).contains("out of 0 answered"));
    assert!(text(&out.stdout).contains("Review: nothing due"));
    // --yes is for scripts.
    std::fs::write(&file, old).expect("write");
    let out = orca_progress(&file, &["--reset", "--yes"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreadable_progress_file_is_kept_and_the_user_is_told() {
    let dir = temp_dir("progress-unreadable");
    let file = dir.join("progress.ron");
    std::fs::write(&file, [0xff, 0xfe, 0x00]).expect("write");
    let out = orca_progress(&file, &[], "");
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("could not be read (not UTF-8 text)"), "{err}");
    let aside: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains("progress.ron.unreadable-"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read(&aside[0]).expect("kept"),
        vec![0xff, 0xfe, 0x00]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_commands_carries_out_a_solution_and_reports_every_goal() {
    let out = orca(&[
        "run",
        "scenarios/challenge-eks-bad-image.ron",
        "--commands",
        "tests/challenges/challenge-eks-bad-image.solution.txt",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The command's output sits in the log at its moment, after that moment's events.
    let undo = stdout
        .find("[01:20] console                  $ kubectl rollout undo deployment/web")
        .expect("the command in the log");
    assert!(
        stdout[undo..].contains("deployment.apps/web rolled back"),
        "{stdout}"
    );
    let stamps_before: Vec<&str> = stdout[..undo]
        .lines()
        .filter_map(|l| l.strip_prefix('[').and_then(|l| l.get(..5)))
        .collect();
    assert!(
        stamps_before.iter().all(|t| *t <= "01:20"),
        "{stamps_before:?}"
    );
    assert!(stdout.contains("Goals at 10:00:"), "{stdout}");
    assert!(
        stdout.contains("2 of 2 goals met; score 100 of 100"),
        "{stdout}"
    );
}

#[test]
fn run_commands_exits_3_when_a_goal_fails_and_says_why() {
    let out = orca(&[
        "run",
        "scenarios/challenge-eks-bad-image.ron",
        "--commands",
        "tests/challenges/challenge-eks-bad-image.wrong.txt",
        "--only",
        "goal",
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{stdout}");
    assert!(
        stdout.contains("1. FAILED   [05:00] Deployment web is available"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 of 2 goals met; score 50 of 100"),
        "{stdout}"
    );
}

#[test]
fn run_commands_reports_a_bad_file_with_line_and_column_and_runs_nothing() {
    let cmds = temp(
        "bad-times.txt",
        "# comment\n  soon kubectl get pods\n99:00 kubectl get pods\n",
    );
    let cmds_arg = cmds.to_string_lossy().into_owned();
    let out = orca(&[
        "run",
        "scenarios/eks-sandbox-drain.ron",
        "--commands",
        &cmds_arg,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing ran");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "{cmds_arg}:2:3: expected a time (`m:ss`, `h:mm:ss` or seconds) before the command"
        )),
        "{stderr}"
    );
    // Past the end is checked once the times read.
    let late = temp("late.txt", "99:00 kubectl get pods\n");
    let late_arg = late.to_string_lossy().into_owned();
    let out = orca(&[
        "run",
        "scenarios/eks-sandbox-drain.ron",
        "--commands",
        &late_arg,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(&format!(
            "{late_arg}:1:7: 1:39:00 is after the end of the run (30:00); valid times: 0 to 30:00"
        )),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn run_commands_lists_a_refused_command_and_exits_4() {
    let cmds = temp("typo.txt", "0:10 kubectl scal deploy web --replicas=3\n");
    let cmds_arg = cmds.to_string_lossy().into_owned();
    let out = orca(&[
        "run",
        "scenarios/eks-sandbox-drain.ron",
        "--commands",
        &cmds_arg,
        "--until",
        "30",
    ]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stderr).contains(&format!(
            "{cmds_arg}:1:6: error: unknown command \"scal\" for \"kubectl\""
        )),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("Did you mean this?"));
}

#[test]
fn run_commands_saves_the_session_as_a_scenario_that_replays_the_log() {
    let dir = temp_dir("save-session");
    let save = dir.join("session.ron");
    let _ = std::fs::remove_file(&save);
    let save_arg = save.to_string_lossy().into_owned();
    let solution = "tests/challenges/challenge-ecs-zone-outage.solution.txt";
    let scenario = "scenarios/challenge-ecs-zone-outage.ron";
    let first = orca(&["run", scenario, "--commands", solution, "--save", &save_arg]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let check = orca(&["check", &save_arg]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let replay = orca(&["run", &save_arg]);
    // The same events; the session's log also carries the commands' output.
    let events = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with('[') && !l.contains("] console "))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(events(&text(&replay.stdout)), events(&text(&first.stdout)));
    // Never over an existing file.
    let again = orca(&["run", scenario, "--commands", solution, "--save", &save_arg]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn import_writes_a_scenario_that_runs_and_never_overwrites() {
    let dir = temp_dir("import");
    let out = dir.join("nginx.ron");
    let out_arg = out.to_str().expect("utf-8 path");
    let first = orca(&[
        "import",
        "crates/sim/tests/import/nginx-deployment.yaml",
        "-o",
        out_arg,
    ]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let said = text(&first.stderr);
    assert!(
        said.contains("nginx-deployment.yaml:8:5: metadata.labels"),
        "warnings name file:line:col: {said}"
    );
    assert!(said.contains("wrote "), "{said}");
    let check = orca(&["check", out_arg]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    // Already rolled out and without a timeline, it runs quietly: nothing happens until the
    // learner acts.
    let run = orca(&["run", out_arg, "--until", "60"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    // A second import to the same file changes nothing.
    let written = std::fs::read(&out).expect("written");
    let again = orca(&[
        "import",
        "crates/sim/tests/import/nginx-deployment.yaml",
        "-o",
        out_arg,
    ]);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("never overwrites"));
    assert_eq!(std::fs::read(&out).expect("kept"), written);
    // A file that is neither JSON nor a manifest is refused with its place.
    let junk = dir.join("junk.yaml");
    std::fs::write(&junk, "kind: [\n").expect("write");
    let bad = orca(&[
        "import",
        junk.to_str().expect("utf-8 path"),
        "-o",
        dir.join("junk.ron").to_str().expect("utf-8 path"),
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("junk.yaml:"),
        "{}",
        text(&bad.stderr)
    );
    assert!(!dir.join("junk.ron").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
