//! Container output and where it goes: what each container of a task writes (modelled from
//! the application's behaviour and the load), and what CloudWatch Logs holds of it at a moment
//! (the `awslogs` driver, or FireLens through the task's log router). A read model: it is
//! computed from the world at one moment, so seeking and replay need nothing more
//! (docs/rules/containers-and-logs.md#logs).

pub mod cloudwatch;
pub mod ecs_output;
pub mod ecs_performance;
pub mod eks_cloudwatch;
pub mod eks_output;
pub mod eks_performance;
pub mod eks_side_output;
pub mod filter_pattern;
mod performance;
pub mod query;
pub mod query_run;

use crate::time::{START_UNIX_SECS, SimTime};

/// One line a container wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: SimTime,
    pub text: String,
}

/// A log stream as CloudWatch Logs holds it at a moment: its name, when it was created, and its
/// events, oldest first (the EKS groups' streams; an ECS stream is read from its task).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamLines {
    pub name: String,
    pub created: SimTime,
    pub lines: Vec<LogLine>,
}

/// At most this many lines are generated for one run of one container; older ones are
/// dropped first (the newest lines are what a panel or a console shows).
pub const MAX_LINES: usize = 2_000;

/// Milliseconds since the Unix epoch, as CloudWatch Logs gives `timestamp`.
pub fn epoch_millis(t: SimTime) -> u64 {
    START_UNIX_SECS * 1000 + t.0
}

/// `2026-01-05T09:01:26.037Z`, the stamp the modelled applications print.
pub fn stamp(t: SimTime) -> String {
    let iso = t.iso8601();
    // 2026-01-05T09:01:26.037000+00:00 → 2026-01-05T09:01:26.037Z
    match iso.split_once('.') {
        Some((head, tail)) => format!("{head}.{}Z", &tail[..3.min(tail.len())]),
        None => iso,
    }
}

/// Keep the newest `MAX_LINES` lines.
pub(crate) fn bounded(mut lines: Vec<LogLine>) -> Vec<LogLine> {
    if lines.len() > MAX_LINES {
        lines.drain(..lines.len() - MAX_LINES);
    }
    lines
}
