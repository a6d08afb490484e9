//! A command file carried out against a run, as `orca run FILE --commands CMDS` does: the
//! scenario plays; at each command's moment the command runs as the console would run it
//! (an acting command becomes an intervention of the [`Playback`], a reading command prints
//! what the tool prints at that moment).
//!
//! A command that keeps printing (`kubectl get -w`, `rollout status`, `aws logs tail --follow`,
//! `aws ecs wait`; [`super::watch`]) goes on doing so as the run plays, until it ends by itself,
//! the file's next command stops it (as Ctrl+C would before typing that command) or the run
//! ends.
//!
//! Commands run moment by moment, oldest first; commands of one moment run in file order. Once
//! the commands of a moment have run, every event up to and including that moment is final
//! (later commands only change what follows them), which is what lets the CLI stream the log.

use std::sync::Arc;

use super::commands::{CommandFileError, TimedCommand};
use super::watch::{Ended, Watch};
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
    /// What a command that keeps printing printed later, at `at` (not the command itself).
    pub watched: bool,
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
    /// The command still printing, if any.
    watch: Option<(TimedCommand, Watch)>,
    end: SimTime,
    /// The Logs Insights queries the script's commands started.
    queries: super::QueryBook,
}

impl Script {
    /// Run the scenario (as [`Playback::new`] does) and get ready to carry out `commands`
    /// (in time order, as [`super::commands::parse`] gives them).
    pub fn new(scenario: Arc<Scenario>, commands: Vec<TimedCommand>) -> Script {
        let end = SimTime::from_secs_f64(scenario.duration);
        Script {
            playback: Playback::new(scenario),
            commands,
            next: 0,
            watch: None,
            end,
            queries: super::QueryBook::default(),
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
        let next_command = self.commands.get(self.next).map(|c| c.at);
        while let Some((origin, watch)) = &mut self.watch {
            let due = watch.next_poll();
            let in_time = match next_command {
                Some(at) => due < at,
                None => due <= self.end,
            };
            if !in_time {
                // The next command stops it (or the run ends).
                self.watch = None;
                break;
            }
            self.playback.seek(due);
            let polled = {
                let p = &self.playback;
                let cx = Context::at(p, files);
                watch.poll(&cx)
            };
            let out = CommandOutput {
                at: due,
                line: origin.line,
                column: origin.column,
                command: origin.command.clone(),
                output: polled.output,
                failed: polled.ended == Some(Ended::Failed),
                acted: false,
                watched: true,
            };
            if polled.ended.is_some() {
                self.watch = None;
            }
            if !out.output.is_empty() {
                return Some((due, vec![out]));
            }
        }
        let at = next_command?;
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
        // A command stops the one still printing, as Ctrl+C before typing it would.
        self.watch = None;
        let outcome = {
            let p = &self.playback;
            let cx = Context::at(p, files).with_queries(&self.queries);
            super::execute(&c.command, &cx)
        };
        let (output, failed, acted) = match outcome {
            Outcome::Print(s) => (s, false, false),
            Outcome::Fail(s) => (s, true, false),
            Outcome::Watch { first, watch } => {
                self.watch = Some((c.clone(), *watch));
                (first, false, false)
            }
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
            watched: false,
        }
    }
}

/// The transcript line a command's output is printed under in the log:
/// `[01:30] console                  $ kubectl get pods`; what a command still running printed
/// later: `[01:31] console                  … kubectl get pods -w`.
pub fn log_line(c: &CommandOutput) -> String {
    let mark = if c.watched { '…' } else { '$' };
    format!("[{}] {:<24} {mark} {}", c.at, "console", c.command)
}
