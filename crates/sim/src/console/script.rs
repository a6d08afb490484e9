//! A command file carried out against a run, as `orca run FILE --commands CMDS` does: the
//! scenario plays; at each command's moment the command runs as the console would run it
//! (an acting command becomes an intervention of the [`Playback`], a reading command prints
//! what the tool prints at that moment).
//!
//! Commands run moment by moment, oldest first; commands of one moment run in file order. Once
//! the commands of a moment have run, every event up to and including that moment is final
//! (later commands only change what follows them), which is what lets the CLI stream the log.

use std::sync::Arc;

use super::commands::{CommandFileError, TimedCommand};
use super::{Context, Outcome};
use crate::engine::Playback;
use crate::scenario::spec::Scenario;
use crate::time::SimTime;

/// What one command of the file did.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandOutput {
    pub at: SimTime,
    /// 1-based line of the command file.
    pub line: usize,
    /// 1-based column where the command starts.
    pub column: usize,
    pub command: String,
    /// What the tool printed (for an acting command, its reply once the action took effect).
    pub output: String,
    /// The tool refused the command (its error output); nothing changed.
    pub failed: bool,
    /// The command changed the run.
    pub acted: bool,
}

/// The command file's commands that lie past the end of the run, as errors to report before
/// running anything: a command there would never run.
pub fn past_the_end(commands: &[TimedCommand], end: SimTime) -> Vec<CommandFileError> {
    commands
        .iter()
        .filter(|c| c.at > end)
        .map(|c| CommandFileError {
            line: c.line,
            column: c.column,
            message: format!(
                "{} is after the end of the run ({end}); valid times: 0 to {end}",
                c.at
            ),
        })
        .collect()
}

/// A run driven by a command file.
pub struct Script {
    playback: Playback,
    commands: Vec<TimedCommand>,
    next: usize,
}

impl Script {
    /// Run the scenario (as [`Playback::new`] does) and get ready to carry out `commands`
    /// (in time order, as [`super::commands::parse`] gives them).
    pub fn new(scenario: Arc<Scenario>, commands: Vec<TimedCommand>) -> Script {
        Script {
            playback: Playback::new(scenario),
            commands,
            next: 0,
        }
    }

    pub fn playback(&self) -> &Playback {
        &self.playback
    }

    /// Stand at moment `t` (after the commands: to read the goals where the run stops).
    pub fn seek(&mut self, t: SimTime) {
        self.playback.seek(t);
    }

    /// Carry out the commands of the next moment that has any, in file order. Returns that
    /// moment and what each command did, or `None` when every command has run. Afterwards the
    /// playback stands at that moment.
    pub fn next_moment(
        &mut self,
        files: &dyn Fn(&str) -> Result<String, String>,
    ) -> Option<(SimTime, Vec<CommandOutput>)> {
        let at = self.commands.get(self.next)?.at;
        self.playback.seek(at);
        let mut outputs = Vec::new();
        while let Some(c) = self.commands.get(self.next).filter(|c| c.at == at) {
            let c = c.clone();
            self.next += 1;
            outputs.push(self.carry_out(&c, files));
        }
        Some((at, outputs))
    }

    fn carry_out(
        &mut self,
        c: &TimedCommand,
        files: &dyn Fn(&str) -> Result<String, String>,
    ) -> CommandOutput {
        let outcome = {
            let p = &self.playback;
            let cx = Context {
                world: p.world(),
                scenario: p.scenario(),
                now: p.now(),
                log: p.log(),
                files,
            };
            super::execute(&c.command, &cx)
        };
        let (output, failed, acted) = match outcome {
            Outcome::Print(s) => (s, false, false),
            Outcome::Fail(s) => (s, true, false),
            Outcome::Act { actions, after } => {
                for a in actions {
                    self.playback.intervene(a);
                }
                let p = &self.playback;
                (
                    super::reply(&after, p.world(), p.log(), p.now()),
                    false,
                    true,
                )
            }
        };
        CommandOutput {
            at: self.playback.now(),
            line: c.line,
            column: c.column,
            command: c.command.clone(),
            output,
            failed,
            acted,
        }
    }
}

/// The transcript line a command's output is printed under in the log:
/// `[01:30] console                  $ kubectl get pods`.
pub fn log_line(c: &CommandOutput) -> String {
    format!("[{}] {:<24} $ {}", c.at, "console", c.command)
}
