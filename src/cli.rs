//! The command line: `orca [FILE]`, `orca check`, `orca run`, `orca shot`, `orca record`, `orca import`.

pub use crate::output::{Closed, INTERRUPTED, Out, note};
pub use crate::run_args::RunArgs;
use std::collections::HashSet;
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

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
    /// Validate scenario files or folders of them; exits 1 if any has an error. Warnings
    /// (quizzes whose answer length or position gives them away) do not change the status.
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run a scenario without a window and print its event log as it goes (progress on a
    /// terminal's standard error after a second; Ctrl-C stops it, status 130).
    Run(RunArgs),
    /// Render the app's view of a scenario at a moment to a PNG file.
    Shot(ShotArgs),
    /// Show your quiz progress (first attempts score; retakes are practice), export it for a
    /// teacher, or reset it.
    Progress(ProgressArgs),
    /// Build a scenario from ECS task and service definitions (JSON) or Kubernetes manifests
    /// (YAML); fields Orca does not model are listed as warnings. Never overwrites OUT.
    Import(ImportArgs),
    /// Record the app's view of a scenario from one moment to another as an animated GIF or
    /// PNG (a window opens while it renders, as for `shot`).
    Record(crate::record::RecordArgs),
    /// Write a printable page for a class into a folder: the scenario's description, a
    /// picture at each quiz and event, the questions, and the answers at the end. Never
    /// writes over files an earlier handout did not write, unless --force.
    Handout(crate::handout::HandoutArgs),
}

#[derive(Args, Debug)]
pub struct ProgressArgs {
    /// Write one row per answered question to FILE: CSV for a .csv name, JSON for .json.
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
    /// Forget every answer (asks for confirmation on standard input).
    #[arg(long, conflicts_with = "export")]
    pub reset: bool,
    /// With --reset: do not ask (for scripts).
    #[arg(long, requires = "reset")]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The scenario file to write (it must not exist yet).
    #[arg(short = 'o', long = "out", value_name = "OUT.ron")]
    pub out: PathBuf,
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
    /// The colours: `dark` (the default) or `light` (high contrast, for a bright room).
    #[arg(long, value_enum, default_value = "dark")]
    pub theme: crate::settings::Theme,
    /// Select something first, as a click would: a task id or pod name (or their first
    /// characters: the first live one), an instance, node, service or Deployment name, or an
    /// ECR image (`repository:tag`, `repository@sha256:…`, `sha256:…`), whose tasks and pods
    /// are outlined as a click in the registry panel does.
    #[arg(long, value_name = "NAME")]
    pub select: Option<String>,
}

/// The `.ron` files under the paths `check` was given: folders are walked (following
/// symbolic links, each folder once, so `ln -s . loop` does not go round for ever) and each
/// file is listed once, however many paths lead to it.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    seen_files: HashSet<PathBuf>,
    seen_dirs: HashSet<PathBuf>,
    /// `.ron` files met, counting each path that leads to one.
    found: usize,
    /// Paths that could not be checked, already reported.
    problems: usize,
}

impl Walk {
    fn problem(&mut self, text: String) {
        note(&text);
        self.problems += 1;
    }

    /// A path given on the command line.
    fn given(&mut self, path: &Path) {
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => return self.missing(path, &e),
        };
        if meta.is_dir() {
            let key = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if self.seen_dirs.contains(&key) {
                return;
            }
            let before = self.found;
            self.dir(path);
            if self.found == before {
                self.problem(format!(
                    "{}: no .ron scenario files in this folder",
                    path.display()
                ));
            }
        } else {
            // Named explicitly: checked whatever its name (scenario_file says what is wrong
            // with a FIFO or a device).
            self.file(path);
        }
    }

    fn missing(&mut self, path: &Path, e: &io::Error) {
        let text = if e.kind() != io::ErrorKind::NotFound {
            format!("{}: cannot read: {e}", path.display())
        } else if fs::symlink_metadata(path).is_ok() {
            format!(
                "{}: a symbolic link to something that does not exist",
                path.display()
            )
        } else {
            format!("{}: no such file or directory", path.display())
        };
        self.problem(text);
    }

    fn file(&mut self, path: &Path) {
        let key = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if self.seen_files.insert(key) {
            self.files.push(path.to_path_buf());
        }
    }

    /// Walk a folder: its `.ron` files and its subfolders, sorted by name, skipping folders
    /// already walked (a symbolic link back up the tree, or two paths to one folder).
    fn dir(&mut self, path: &Path) {
        let key = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !self.seen_dirs.insert(key) {
            return;
        }
        let entries = match fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => {
                return self.problem(format!("{}: cannot read folder: {e}", path.display()));
            }
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(e) => self.problem(format!("{}: cannot read folder: {e}", path.display())),
            }
        }
        paths.sort();
        for p in paths {
            if p.is_dir() {
                self.dir(&p);
            } else if p.extension().is_some_and(|x| x == "ron") {
                self.found += 1;
                match fs::metadata(&p) {
                    Ok(_) => self.file(&p),
                    Err(e) => self.missing(&p, &e),
                }
            }
        }
    }
}

pub fn check(paths: &[PathBuf]) -> ExitCode {
    let mut walk = Walk::default();
    for p in paths {
        walk.given(p);
    }
    let mut ok = 0;
    let mut bad = 0;
    let mut warned = 0;
    for f in &walk.files {
        match scenario_file::read(f) {
            Ok(file) => {
                ok += 1;
                for w in &file.warnings {
                    note(w);
                }
                warned += file.warnings.len();
            }
            Err(e) => {
                note(&e);
                bad += 1;
            }
        }
    }
    if walk.files.is_empty() {
        // Nothing was checked: the reasons are above, and no count would add anything.
        return ExitCode::from(1);
    }
    let warnings = match warned {
        0 => String::new(),
        1 => " (1 warning)".to_string(),
        n => format!(" ({n} warnings)"),
    };
    let unchecked = match walk.problems {
        0 => String::new(),
        1 => "; 1 path could not be checked".to_string(),
        n => format!("; {n} paths could not be checked"),
    };
    if bad > 0 || walk.problems > 0 {
        note(&format!(
            "{ok} scenario(s) valid{warnings}, {bad} with errors{unchecked}"
        ));
        ExitCode::from(1)
    } else {
        let mut out = Out::stdout();
        let _ = out
            .line(&format!("{ok} scenario(s) valid{warnings}"))
            .and_then(|()| out.flush());
        ExitCode::SUCCESS
    }
}

/// `orca progress`: the summary, `--export FILE.csv|FILE.json`, or `--reset`.
pub fn progress(args: &ProgressArgs) -> ExitCode {
    use crate::progress::{self, Progress};
    use crate::progress_report as report;
    let Some(path) = progress::default_path() else {
        note("no progress file: neither XDG_DATA_HOME, HOME nor ORCA_PROGRESS is set");
        return ExitCode::from(1);
    };
    let mut p = Progress::load(Some(path.clone()));
    if let Some(e) = &p.last_error {
        note(e);
    }
    let known = crate::app::library::known_scenarios();
    if args.reset {
        let answers: usize = p.scenarios.values().map(|r| r.len()).sum();
        if !args.yes {
            note(&format!(
                "Forget all {answers} answered question(s) in {}? Type yes to confirm:",
                path.display()
            ));
            let mut line = String::new();
            let confirmed = io::stdin().read_line(&mut line).is_ok()
                && matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes");
            if !confirmed {
                note("Nothing was reset.");
                return ExitCode::from(1);
            }
        }
        return match p.reset() {
            Ok(()) => {
                note(&format!("Progress reset: {}", path.display()));
                ExitCode::SUCCESS
            }
            Err(e) => {
                note(&e);
                ExitCode::from(1)
            }
        };
    }
    if let Some(file) = &args.export {
        let rows = report::rows(&p, &known);
        let ext = file
            .extension()
            .map(|x| x.to_string_lossy().to_ascii_lowercase());
        let text = match ext.as_deref() {
            Some("csv") => report::to_csv(&rows),
            Some("json") => match report::to_json(&rows) {
                Ok(t) => t,
                Err(e) => {
                    note(&e);
                    return ExitCode::from(1);
                }
            },
            _ => {
                note(&format!(
                    "{}: the export file's name must end in .csv or .json",
                    file.display()
                ));
                return ExitCode::from(2);
            }
        };
        return match fs::write(file, text) {
            Ok(()) => {
                note(&format!(
                    "{} question(s) written to {}",
                    rows.len(),
                    file.display()
                ));
                ExitCode::SUCCESS
            }
            Err(e) => {
                note(&format!("{}: {e}", file.display()));
                ExitCode::from(1)
            }
        };
    }
    let summary = report::summary(&p, &known);
    let now = progress::unix_now();
    let schedule = crate::review::schedule(&p, now);
    let next_in = schedule.next_due_at.map(|at| at.saturating_sub(now));
    let due = crate::review::rows(schedule.due, |key| {
        crate::app::library::open_key(key).map(|(s, _)| s)
    });
    let text = format!(
        "{}\n{}",
        report::summary_text(&summary),
        crate::review::due_text(&due, next_in)
    );
    let mut out = Out::stdout();
    let _ = out
        .line(&format!("Progress file: {}", path.display()))
        .and_then(|()| text.lines().try_for_each(|l| out.line(l)))
        .and_then(|()| out.flush());
    ExitCode::SUCCESS
}

/// The event sources `--only` takes (`Source::category`).
pub const SOURCES: &[&str] = &[
    "service",
    "target-group",
    "cloud-map",
    "task",
    "volume",
    "instance",
    "autoscaling",
    "deploy",
    "deployment",
    "replicaset",
    "pod",
    "node",
    "registry",
    "config",
    "guardduty",
    "scenario",
    "quiz",
    "goal",
];

/// Wall time after which `orca run` shows its progress (when standard error is a terminal);
/// `ORCA_PROGRESS_AFTER_MS` sets another (the tests use 0, so a run that has become fast still
/// shows it).
const PROGRESS_AFTER: Duration = Duration::from_secs(1);

fn progress_after() -> Duration {
    std::env::var("ORCA_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(PROGRESS_AFTER, Duration::from_millis)
}

pub fn run(args: &RunArgs) -> ExitCode {
    let unknown: Vec<&str> = args
        .only
        .iter()
        .map(String::as_str)
        .filter(|o| !SOURCES.contains(o))
        .collect();
    if !unknown.is_empty() {
        note(&format!(
            "--only: unknown source{} {}; the sources are: {}",
            if unknown.len() > 1 { "s" } else { "" },
            unknown
                .iter()
                .map(|o| format!("{o:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            SOURCES.join(", ")
        ));
        return ExitCode::from(2);
    }
    if let Some(s) = args.until
        && !(s.is_finite() && s >= 0.0)
    {
        note(&format!("--until must be a number of seconds ≥ 0; got {s}"));
        return ExitCode::from(2);
    }
    let scenario = match scenario_file::read(&args.file) {
        Ok(file) => file.scenario,
        Err(e) => {
            note(&e);
            return ExitCode::from(1);
        }
    };
    let end = SimTime::from_secs_f64(scenario.duration);
    let until = match args.until {
        Some(s) if SimTime::from_secs_f64(s) > end => {
            note(&format!(
                "--until {s} is past the scenario's end ({end}); running to the end"
            ));
            end
        }
        Some(s) => SimTime::from_secs_f64(s),
        None => end,
    };
    let interrupted = Arc::new(AtomicBool::new(false));
    {
        let flag = interrupted.clone();
        // Where SIGINT is already handled or ignored (a background job of a script), that
        // stays so; Ctrl-C then does what it did before.
        let _ = ctrlc::try_set_handler(move || flag.store(true, Ordering::SeqCst));
    }
    if let Some(commands) = &args.commands {
        return crate::run_commands::run(args, commands, scenario, until, &interrupted);
    }
    let mut out = Out::stdout();
    let mut progress = ProgressLine::new(io::stderr().is_terminal());
    let sim = Simulation::new(Arc::new(scenario));
    match print_run(sim, until, args, &mut out, &mut progress, &interrupted) {
        Ok(RunEnd::Done) => match out.flush() {
            Ok(()) | Err(Closed) => ExitCode::SUCCESS,
        },
        Ok(RunEnd::Interrupted { at, events }) => {
            let _ = out.flush();
            note(&format!(
                "interrupted at {at} of {until}: {events} events simulated; the log above goes up to there"
            ));
            ExitCode::from(INTERRUPTED)
        }
        Err(Closed) => {
            progress.clear();
            ExitCode::SUCCESS
        }
    }
}

enum RunEnd {
    Done,
    Interrupted { at: SimTime, events: usize },
}

/// Run `sim` to `until` one instant at a time, printing each event as it is logged, showing
/// progress, and stopping early on Ctrl-C.
fn print_run(
    mut sim: Simulation,
    until: SimTime,
    args: &RunArgs,
    out: &mut Out,
    progress: &mut ProgressLine,
    interrupted: &AtomicBool,
) -> Result<RunEnd, Closed> {
    let keep =
        |e: &Event| args.only.is_empty() || args.only.iter().any(|o| o == e.source.category());
    let mut printed = 0;
    loop {
        let more = match sim.next_due() {
            Some(t) if t <= until => sim.step().is_some(),
            _ => false,
        };
        if !more {
            // Nothing left before `until` (or the run stopped at the event limit): stand there.
            sim.advance_to(until);
        }
        let new = &sim.log()[printed..];
        if !new.is_empty() {
            progress.clear();
            for e in new.iter().filter(|e| keep(e)) {
                if args.json {
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
            printed = sim.log().len();
        }
        if !more {
            progress.clear();
            return Ok(RunEnd::Done);
        }
        if interrupted.load(Ordering::SeqCst) {
            progress.clear();
            return Ok(RunEnd::Interrupted {
                at: sim.now(),
                events: sim.log_len(),
            });
        }
        if progress.due() {
            // What is printed so far reaches the reader while the run goes on.
            out.flush()?;
            progress.draw(sim.now(), until, sim.log_len());
        }
    }
}

/// `Simulating 12:30 / 1:00:00 (20 %), 123456 events` on standard error, redrawn in place,
/// once a run has taken more than [`PROGRESS_AFTER`] and only on a terminal.
struct ProgressLine {
    enabled: bool,
    started: Instant,
    after: Duration,
    last: Option<Instant>,
    shown: bool,
}

impl ProgressLine {
    fn new(enabled: bool) -> ProgressLine {
        ProgressLine {
            enabled,
            started: Instant::now(),
            after: progress_after(),
            last: None,
            shown: false,
        }
    }

    /// Time to redraw (or, off a terminal, to flush the output): every 100 ms after the
    /// first second.
    fn due(&mut self) -> bool {
        let now = Instant::now();
        if now.duration_since(self.started) < self.after {
            return false;
        }
        if self
            .last
            .is_some_and(|t| now.duration_since(t) < Duration::from_millis(100))
        {
            return false;
        }
        self.last = Some(now);
        true
    }

    fn draw(&mut self, at: SimTime, until: SimTime, events: usize) {
        if !self.enabled {
            return;
        }
        let _ = write!(
            io::stderr(),
            "\r\x1b[2K{}",
            progress_text(at, until, events)
        );
        self.shown = true;
    }

    fn clear(&mut self) {
        if self.shown {
            let _ = write!(io::stderr(), "\r\x1b[2K");
            self.shown = false;
        }
    }
}

/// The progress line's text.
pub fn progress_text(at: SimTime, until: SimTime, events: usize) -> String {
    let percent = if until.millis() == 0 {
        100
    } else {
        (at.millis() * 100 / until.millis()).min(100)
    };
    format!("Simulating {at} / {until} ({percent} %), {events} events (Ctrl-C stops)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_of_the_built_in_scenarios_is_one_only_takes() {
        for (name, src) in crate::app::library::BUILT_IN {
            let scenario = orca_sim::scenario::parse(name, src).expect("built-in parses");
            let mut sim = Simulation::new(Arc::new(scenario));
            let end = sim.end();
            sim.advance_to(end);
            for e in sim.log() {
                assert!(
                    SOURCES.contains(&e.source.category()),
                    "{name}: {}",
                    e.source.category()
                );
            }
        }
    }

    #[test]
    fn printing_instant_by_instant_logs_what_one_advance_logs() {
        let src = crate::app::library::BUILT_IN[0].1;
        let scenario = Arc::new(orca_sim::scenario::parse("s.ron", src).expect("parses"));
        let mut whole = Simulation::new(scenario.clone());
        let until = SimTime::from_secs(150);
        whole.advance_to(until);
        let mut stepped = Simulation::new(scenario);
        while stepped.next_due().is_some_and(|t| t <= until) && stepped.step().is_some() {}
        stepped.advance_to(until);
        assert_eq!(stepped.log(), whole.log());
        assert_eq!(stepped.world(), whole.world());
    }

    #[test]
    fn the_progress_line_says_where_the_run_is() {
        assert_eq!(
            progress_text(SimTime::from_secs(750), SimTime::from_secs(3600), 1234),
            "Simulating 12:30 / 1:00:00 (20 %), 1234 events (Ctrl-C stops)"
        );
    }
}
