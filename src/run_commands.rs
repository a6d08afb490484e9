//! `orca run FILE --commands CMDS [--save OUT.ron]`: the scenario driven by a command file, as
//! a teacher's script or CI runs it. The log streams as for a plain run; each command's output
//! is printed in it at the command's moment, after that moment's events.
//!
//! At the end it prints every goal's outcome (met, failed with the reason and the moment, or not
//! yet when the run stopped before deciding it) and the score.
//!
//! Exit status: 0 when the run finished, every command was carried out and every goal is met;
//! 1 when the scenario or the command file has errors (nothing runs) or the session cannot be
//! saved; 2 for a wrong command line; 3 when a goal failed or was not met when the run stopped;
//! 4 when every goal is met but a tool refused a command; 130 after Ctrl-C.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use orca_sim::console::commands;
use orca_sim::console::script::{self, CommandOutput, Script};
use orca_sim::goals::{self, GoalStatus};
use orca_sim::{Event, Scenario, SimTime};

use crate::output::{Closed, INTERRUPTED, Out, note};
use crate::run_args::RunArgs;

/// A goal failed, or was not met when the run stopped.
pub const GOAL_NOT_MET: u8 = 3;
/// A tool refused a command of the file (and no goal failed).
pub const COMMAND_REFUSED: u8 = 4;

/// A file a command names (`file://…`, `-f FILE`), read with the scenario-file size cap.
/// Relative paths are relative to the command file's folder.
fn reader(base: PathBuf) -> impl Fn(&str) -> Result<String, String> {
    move |path: &str| {
        let path = Path::new(path.strip_prefix("file://").unwrap_or(path));
        let path = if path.is_relative() {
            base.join(path)
        } else {
            path.to_path_buf()
        };
        crate::scenario_file::read_text(&path)
    }
}

pub fn run(
    args: &RunArgs,
    commands_path: &Path,
    scenario: Scenario,
    until: SimTime,
    interrupted: &AtomicBool,
) -> ExitCode {
    let name = commands_path.display().to_string();
    let src = match crate::scenario_file::read_text(commands_path) {
        Ok(src) => src,
        Err(e) => {
            note(&e);
            return ExitCode::from(1);
        }
    };
    let end = SimTime::from_secs_f64(scenario.duration);
    let cmds = match commands::parse(&src) {
        Ok(cmds) => cmds,
        Err(errors) => {
            for e in errors {
                note(&format!("{name}:{}:{}: {}", e.line, e.column, e.message));
            }
            return ExitCode::from(1);
        }
    };
    let late = script::past_the_end(&cmds, end);
    if !late.is_empty() {
        for e in late {
            note(&format!("{name}:{}:{}: {}", e.line, e.column, e.message));
        }
        return ExitCode::from(1);
    }
    if let Some(save) = &args.save
        && save.exists()
    {
        note(&format!(
            "{}: already exists; --save never writes over a file, name a new one",
            save.display()
        ));
        return ExitCode::from(1);
    }
    let base = commands_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let files = reader(base);
    let cmds: Vec<_> = cmds.into_iter().filter(|c| c.at <= until).collect();
    let mut script = Script::new(Arc::new(scenario), cmds);
    let mut out = Out::stdout();
    let mut printed = 0usize;
    let mut refused = 0usize;
    let keep =
        |e: &Event| args.only.is_empty() || args.only.iter().any(|o| o == e.source.category());
    let result: Result<Option<SimTime>, Closed> = (|| {
        while let Some((at, outputs)) = script.next_moment(&files) {
            let log = script.playback().full_log().clone();
            printed = print_events(&mut out, &log, printed, at, args.json, &keep)?;
            for o in &outputs {
                if o.failed {
                    refused += 1;
                    // The CLI starts some errors with an empty line; name the first one
                    // that says something.
                    let first = o
                        .output
                        .lines()
                        .find(|l| !l.trim().is_empty())
                        .unwrap_or_default();
                    note(&format!("{name}:{}:{}: {first}", o.line, o.column));
                }
                print_command(&mut out, o, args.json)?;
            }
            if interrupted.load(Ordering::SeqCst) {
                return Ok(Some(at));
            }
        }
        let log = script.playback().full_log().clone();
        print_events(&mut out, &log, printed, until, args.json, &keep)?;
        Ok(None)
    })();
    match result {
        Err(Closed) => return ExitCode::SUCCESS,
        Ok(Some(at)) => {
            let _ = out.flush();
            note(&format!(
                "interrupted at {at} of {until}: the log above goes up to there"
            ));
            return ExitCode::from(INTERRUPTED);
        }
        Ok(None) => {}
    }
    if out.flush().is_err() {
        return ExitCode::SUCCESS;
    }
    if let Some(save) = &args.save {
        match save_session(&script, save) {
            Ok(()) => note(&format!("session saved to {}", save.display())),
            Err(e) => {
                note(&e);
                return ExitCode::from(1);
            }
        }
    }
    script.seek(until);
    let goals_met = match print_goals(&mut out, &script, until, args.json) {
        Ok(met) => met,
        Err(Closed) => return ExitCode::SUCCESS,
    };
    if out.flush().is_err() {
        return ExitCode::SUCCESS;
    }
    if !goals_met {
        return ExitCode::from(GOAL_NOT_MET);
    }
    if refused > 0 {
        note(&format!(
            "{refused} command(s) of {name} were refused by their tool (listed above)"
        ));
        return ExitCode::from(COMMAND_REFUSED);
    }
    ExitCode::SUCCESS
}

/// Print the events of `log` from index `from` up to and including moment `to`; returns the
/// index of the first event not printed.
fn print_events(
    out: &mut Out,
    log: &[Event],
    from: usize,
    to: SimTime,
    json: bool,
    keep: &dyn Fn(&Event) -> bool,
) -> Result<usize, Closed> {
    let upto = from + log[from..].partition_point(|e| e.at <= to);
    for e in log[from..upto].iter().filter(|e| keep(e)) {
        if json {
            match serde_json::to_string(e) {
                Ok(line) => out.line(&line)?,
                Err(err) => {
                    note(&format!("cannot encode an event as JSON: {err}"));
                    return Err(Closed);
                }
            }
        } else {
            out.line(&e.log_line())?;
        }
    }
    Ok(upto)
}

/// A command and what it printed: `[01:30] console  $ kubectl get pods` then the output,
/// indented; or one JSON object.
fn print_command(out: &mut Out, o: &CommandOutput, json: bool) -> Result<(), Closed> {
    if json {
        let v = serde_json::json!({
            "at": o.at,
            "source": "Console",
            "command": o.command,
            "line": o.line,
            "output": o.output,
            "failed": o.failed,
            "acted": o.acted,
            "watched": o.watched,
        });
        return out.line(&v.to_string());
    }
    out.line(&script::log_line(o))?;
    for l in o.output.trim_end().lines() {
        out.line(&format!("        {l}"))?;
    }
    Ok(())
}

/// Every goal's outcome where the run stopped, and the score (no hints are opened headless).
/// Returns whether every goal is met.
fn print_goals(out: &mut Out, script: &Script, at: SimTime, json: bool) -> Result<bool, Closed> {
    let p = script.playback();
    let scenario = p.scenario();
    let status = p.goals();
    if scenario.goals.is_empty() {
        return Ok(true);
    }
    let met = status.iter().filter(|s| s.is_met()).count();
    let score = goals::score(met, scenario.goals.len(), 0);
    if json {
        let list: Vec<serde_json::Value> = scenario
            .goals
            .iter()
            .zip(status)
            .map(|(g, s)| serde_json::json!({ "goal": goals::describe(g), "status": s }))
            .collect();
        let v = serde_json::json!({ "goals": list, "met": met, "score": score, "at": at });
        out.line(&v.to_string())?;
        return Ok(met == scenario.goals.len());
    }
    out.line("")?;
    out.line(&format!("Goals at {at}:"))?;
    for (i, (g, s)) in scenario.goals.iter().zip(status).enumerate() {
        let what = goals::describe(g);
        let line = match s {
            GoalStatus::Met { at } => format!("  {}. met      [{at}] {what}", i + 1),
            GoalStatus::Failed { at, reason } => {
                format!("  {}. FAILED   [{at}] {what} — {reason}", i + 1)
            }
            GoalStatus::NotYet => format!("  {}. not yet          {what}", i + 1),
        };
        out.line(&line)?;
    }
    out.line(&format!(
        "{met} of {} goals met; score {score} of 100 (hints opened: 0)",
        scenario.goals.len()
    ))?;
    Ok(met == scenario.goals.len())
}

/// Write the session as a scenario, creating the file (never replacing one).
fn save_session(script: &Script, path: &Path) -> Result<(), String> {
    let text = orca_sim::scenario::to_ron(script.playback().scenario())?;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("{}: cannot save the session: {e}", path.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("{}: cannot save the session: {e}", path.display()))
}
