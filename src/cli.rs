//! The command line: `orca [FILE]`, `orca check`, `orca run`, `orca shot`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use orca_sim::{Event, SimTime, Simulation};

use crate::scenario_file;

#[derive(Parser, Debug)]
#[command(
    name = "orca",
    version,
    about = "Watch Amazon ECS and Amazon EKS do their work, and predict what they will do next.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A scenario file to open in the app (without one, the built-in library opens).
    pub file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate scenario files or folders of them; exits 1 if any has an error.
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run a scenario without a window and print its event log.
    Run(RunArgs),
    /// Render the app's view of a scenario at a moment to a PNG file.
    Shot(ShotArgs),
}

#[derive(Args, Debug)]
pub struct RunArgs {
    pub file: PathBuf,
    /// Stop at this many seconds instead of the scenario's end.
    #[arg(long, value_name = "SECS")]
    pub until: Option<f64>,
    /// Print one JSON object per event instead of text.
    #[arg(long)]
    pub json: bool,
    /// Only print events from these sources (service, target-group, task, instance, autoscaling,
    /// deployment, replicaset, pod, scenario, quiz).
    #[arg(long, value_delimiter = ',', value_name = "SOURCES")]
    pub only: Vec<String>,
}

#[derive(Args, Debug, Clone)]
pub struct ShotArgs {
    pub file: PathBuf,
    /// The moment to show, in seconds since the scenario started.
    #[arg(long, value_name = "SECS")]
    pub at: f64,
    /// The PNG file to write.
    #[arg(long, value_name = "PNG")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 1280)]
    pub width: u32,
    #[arg(long, default_value_t = 720)]
    pub height: u32,
}

fn scenario_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = fs::read_dir(path)
            .map_err(|e| format!("{}: cannot read folder: {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() || p.extension().is_some_and(|x| x == "ron") {
                scenario_files(&p, out)?;
            }
        }
        Ok(())
    } else if path.exists() {
        out.push(path.to_path_buf());
        Ok(())
    } else {
        Err(format!("{}: no such file or folder", path.display()))
    }
}

pub fn check(paths: &[PathBuf]) -> ExitCode {
    let mut files = Vec::new();
    let mut failed = false;
    for p in paths {
        if let Err(e) = scenario_files(p, &mut files) {
            eprintln!("{e}");
            failed = true;
        }
    }
    let mut ok = 0;
    for f in &files {
        match scenario_file::read(f) {
            Ok(_) => ok += 1,
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    let bad = files.len() - ok;
    if failed {
        eprintln!("{ok} scenario(s) valid, {bad} with errors");
        ExitCode::from(1)
    } else {
        println!("{ok} scenario(s) valid");
        ExitCode::SUCCESS
    }
}

pub fn run(args: &RunArgs) -> ExitCode {
    let scenario = match scenario_file::read(&args.file) {
        Ok(file) => file.scenario,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let mut sim = Simulation::new(Arc::new(scenario));
    let until = match args.until {
        Some(s) if s.is_finite() && s >= 0.0 => SimTime::from_secs_f64(s),
        Some(s) => {
            eprintln!("--until must be a number of seconds ≥ 0; got {s}");
            return ExitCode::from(2);
        }
        None => sim.end(),
    };
    sim.advance_to(until);
    let keep =
        |e: &Event| args.only.is_empty() || args.only.iter().any(|o| o == e.source.category());
    for e in sim.log().iter().filter(|e| keep(e)) {
        if args.json {
            match serde_json::to_string(e) {
                Ok(line) => println!("{line}"),
                Err(err) => {
                    eprintln!("cannot encode an event as JSON: {err}");
                    return ExitCode::from(1);
                }
            }
        } else {
            println!("{}", e.log_line());
        }
    }
    ExitCode::SUCCESS
}
