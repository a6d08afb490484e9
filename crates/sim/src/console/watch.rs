//! Commands that keep printing while the run plays, as they do at a terminal until they end or
//! Ctrl+C stops them:
//! - `kubectl get … -w` prints its table, then the row of each object that changes (kubectl's
//!   watch prints an object again on every update; AGE ticking is not an update);
//! - `kubectl rollout status deploy/NAME` prints "Waiting for …" each time the counts change and
//!   ends with "successfully rolled out" (or the progress-deadline error, exit 1);
//! - `aws logs tail GROUP --follow` prints each new log line;
//! - `aws ecs wait …` asks again every `delay` seconds, up to its attempts (botocore's waiter
//!   config), and ends silently on success or with the CLI's failure message.
//!
//! A command that streams returns [`crate::console::Outcome::Watch`]: what it printed at once,
//! and a [`Watch`] whose [`Watch::poll`] the driver (the app's console, `orca run --commands`)
//! calls as the run advances. A poll carries the command out again at that moment and prints
//! only what is new. Polls are at most one per simulated second (waiters: one per delay), and a
//! run that moves back before the last poll stops the watch: what it printed is history.

use std::collections::HashMap;

use super::{Context, Outcome};
use crate::time::{Millis, SimTime};

/// A command that goes on printing as the run plays.
#[derive(Debug, Clone, PartialEq)]
pub struct Watch {
    /// The command's words, carried out again at each poll.
    words: Vec<String>,
    mode: Mode,
    started: SimTime,
    /// The moment of the last poll (or of the command).
    last: SimTime,
}

#[derive(Debug, Clone, PartialEq)]
enum Mode {
    /// `kubectl get -w`: the rows printed so far, by object, with what may not change unseen.
    Rows { seen: Vec<(String, String)> },
    /// `aws logs tail --follow`: how many times each line has been printed (two tasks may
    /// write the same line at the same second).
    Lines {
        printed: HashMap<String, u32>,
        /// `kubectl logs -f`: the stream ends when the container does (its log starts over:
        /// fewer lines than the last poll saw); `aws logs tail` reads a group and goes on.
        ends_with_container: bool,
        /// Lines the last poll saw.
        seen: usize,
    },
    /// `kubectl rollout status`: the last status line printed.
    Status { last: String },
    /// `aws ecs wait`: the waiter's name, delay and attempts.
    Waiter {
        name: &'static str,
        delay: Millis,
        attempts: u32,
    },
}

/// How a watch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It ended as the tool ends (exit 0).
    Done,
    /// The tool failed (its error is the poll's output; exit 1).
    Failed,
    /// The run went back before the watch's last poll.
    RunMovedBack,
}

/// What one poll printed, and whether the watch is over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Polled {
    pub output: String,
    pub ended: Option<Ended>,
}

/// At most one poll per simulated second for lists, lines and statuses.
const EVERY: Millis = Millis(1000);
/// The most log lines a follow remembers having printed (older ones may print again).
const MAX_REMEMBERED: usize = 50_000;

impl Watch {
    /// `kubectl get -w` after printing `table`.
    pub fn rows(table: &str) -> Box<Watch> {
        Watch::new(Mode::Rows { seen: rows(table) })
    }

    /// `aws logs tail --follow` after printing `lines`.
    pub fn lines(lines: &str) -> Box<Watch> {
        Watch::new(Mode::Lines {
            printed: counted(lines),
            ends_with_container: false,
            seen: lines.lines().count(),
        })
    }

    /// `kubectl logs -f` after printing `lines`.
    pub fn container_lines(lines: &str) -> Box<Watch> {
        Watch::new(Mode::Lines {
            printed: counted(lines),
            ends_with_container: true,
            seen: lines.lines().count(),
        })
    }

    /// `kubectl rollout status` after printing `line`.
    pub fn status(line: &str) -> Box<Watch> {
        Watch::new(Mode::Status {
            last: line.trim_end().to_string(),
        })
    }

    /// An `aws ecs wait` waiter that was not met at its first attempt.
    pub fn waiter(name: &'static str, delay_secs: u32, attempts: u32) -> Box<Watch> {
        Watch::new(Mode::Waiter {
            name,
            delay: Millis::from_secs(delay_secs as u64),
            attempts,
        })
    }

    fn new(mode: Mode) -> Box<Watch> {
        Box::new(Watch {
            words: Vec::new(),
            mode,
            started: SimTime::ZERO,
            last: SimTime::ZERO,
        })
    }

    /// The command line's words and its moment (set by [`crate::console::execute`]).
    pub(super) fn started(mut self: Box<Self>, words: &[String], now: SimTime) -> Box<Watch> {
        self.words = words.to_vec();
        self.started = now;
        self.last = now;
        self
    }

    /// The command the watch carries out, as typed (its words joined).
    pub fn command(&self) -> String {
        self.words.join(" ")
    }

    /// The next moment a poll would print anything new (the driver may poll later; it may
    /// not poll earlier to any effect).
    pub fn next_poll(&self) -> SimTime {
        match &self.mode {
            Mode::Waiter { delay, .. } => {
                // The attempts are counted from the command: the n-th is at started + n × delay.
                let done = self.last.since(self.started).0 / delay.0.max(1);
                self.started.plus(Millis(delay.0 * (done + 1)))
            }
            _ => self.last.plus(EVERY),
        }
    }

    /// Carry the command out again at `cx.now` and say what is new.
    pub fn poll(&mut self, cx: &Context) -> Polled {
        if cx.now < self.last {
            return Polled {
                output: format!(
                    "(the run went back to {}: the watch stopped; run the command again to watch from here)\n",
                    cx.now
                ),
                ended: Some(Ended::RunMovedBack),
            };
        }
        if cx.now < self.next_poll() {
            return Polled::default();
        }
        self.last = cx.now;
        let outcome = super::execute_words(&self.words, cx);
        let started = self.started;
        match &mut self.mode {
            Mode::Rows { seen } => match outcome {
                Outcome::Watch { first, .. } | Outcome::Print(first) => Polled {
                    output: changed_rows(seen, &first),
                    ended: None,
                },
                Outcome::Fail(e) => failed(e),
                Outcome::Act { .. } => Polled::default(),
            },
            Mode::Lines {
                printed,
                ends_with_container,
                seen,
            } => match outcome {
                Outcome::Watch { first, .. } | Outcome::Print(first) => {
                    let count = first.lines().count();
                    if *ends_with_container && count < *seen {
                        // The container stopped and a new one writes a new log.
                        return Polled {
                            output: String::new(),
                            ended: Some(Ended::Done),
                        };
                    }
                    *seen = count;
                    if printed.len() >= MAX_REMEMBERED {
                        printed.clear();
                    }
                    let mut out = String::new();
                    let mut now: HashMap<&str, u32> = HashMap::new();
                    // kubectl says which pod it reads once, when it starts.
                    let chosen =
                        |l: &str| l.starts_with("Found ") && l.contains(" pods, using pod/");
                    for line in first.lines().filter(|l| !chosen(l)) {
                        let n = now.entry(line).or_insert(0);
                        *n += 1;
                        let had = printed.entry(line.to_string()).or_insert(0);
                        if *n > *had {
                            *had = *n;
                            out.push_str(line);
                            out.push('\n');
                        }
                    }
                    Polled {
                        output: out,
                        ended: None,
                    }
                }
                Outcome::Fail(e) => failed(e),
                Outcome::Act { .. } => Polled::default(),
            },
            Mode::Status { last } => match outcome {
                Outcome::Watch { first, .. } => {
                    let line = first.trim_end().to_string();
                    if line == *last {
                        return Polled::default();
                    }
                    *last = line;
                    Polled {
                        output: first,
                        ended: None,
                    }
                }
                Outcome::Print(done) => Polled {
                    output: done,
                    ended: Some(Ended::Done),
                },
                Outcome::Fail(e) => failed(e),
                Outcome::Act { .. } => Polled::default(),
            },
            Mode::Waiter {
                name,
                delay,
                attempts,
            } => match outcome {
                // Success prints nothing; a failure acceptor prints the CLI's message.
                Outcome::Print(_) => Polled {
                    output: String::new(),
                    ended: Some(Ended::Done),
                },
                Outcome::Fail(e) => failed(e),
                Outcome::Watch { .. } | Outcome::Act { .. } => {
                    let asked = 1 + cx.now.since(started).0 / delay.0.max(1);
                    if asked >= *attempts as u64 {
                        Polled {
                            output: format!("\nWaiter {name} failed: Max attempts exceeded\n"),
                            ended: Some(Ended::Failed),
                        }
                    } else {
                        Polled::default()
                    }
                }
            },
        }
    }
}

fn counted(lines: &str) -> HashMap<String, u32> {
    let mut printed = HashMap::new();
    for line in lines.lines() {
        *printed.entry(line.to_string()).or_insert(0) += 1;
    }
    printed
}

fn failed(e: String) -> Polled {
    Polled {
        output: e,
        ended: Some(Ended::Failed),
    }
}

/// The rows of a kubectl table, each as (the object's key, the row with what changes by itself
/// left out): the key is the NAME column (NAMESPACE and NAME with `-A`); AGE and the "(… ago)"
/// of RESTARTS change as time passes, not when the object does.
fn rows(table: &str) -> Vec<(String, String)> {
    let mut lines = table.lines();
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let starts = column_starts(header);
    let names: Vec<&str> = header.split_whitespace().collect();
    let key_columns = if names.first() == Some(&"NAMESPACE") {
        2
    } else {
        1
    };
    lines
        .filter(|l| !l.trim().is_empty() && !l.starts_with('('))
        .map(|line| {
            let cells = cells(line, &starts);
            let key = cells
                .iter()
                .take(key_columns)
                .cloned()
                .collect::<Vec<_>>()
                .join("/");
            let steady = cells
                .iter()
                .zip(names.iter())
                .filter(|(_, name)| **name != "AGE")
                .map(|(cell, _)| without_ago(cell))
                .collect::<Vec<_>>()
                .join("\u{1f}");
            (key, steady)
        })
        .collect()
}

/// The rows of `table` that are new or changed since `seen` (which becomes `table`'s rows).
fn changed_rows(seen: &mut Vec<(String, String)>, table: &str) -> String {
    let now = rows(table);
    let mut out = String::new();
    for (line, (key, steady)) in table
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('('))
        .zip(now.iter())
    {
        let before = seen.iter().find(|(k, _)| k == key).map(|(_, s)| s);
        if before != Some(steady) {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    *seen = now;
    out
}

/// Byte offsets where the header's columns start (kubectl pads columns with spaces).
fn column_starts(header: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut prev_space = true;
    for (i, c) in header.char_indices() {
        if c != ' ' && prev_space {
            starts.push(i);
        }
        prev_space = c == ' ';
    }
    starts
}

/// A row cut at the header's column starts (a cell may run past its column: it ends at the
/// next space run after the next column's start, as kubectl's padding leaves one).
fn cells(line: &str, starts: &[usize]) -> Vec<String> {
    let mut out = Vec::with_capacity(starts.len());
    for (n, &from) in starts.iter().enumerate() {
        let to = starts.get(n + 1).copied().unwrap_or(line.len());
        let cell = line
            .get(from.min(line.len())..to.min(line.len()))
            .unwrap_or("");
        out.push(cell.trim().to_string());
    }
    out
}

/// `2 (15s ago)` → `2`.
fn without_ago(cell: &str) -> String {
    match cell.find(" (") {
        Some(i) if cell.ends_with("ago)") => cell[..i].to_string(),
        _ => cell.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "NAME                   READY   STATUS    RESTARTS   AGE
web-7d4b9c8f6d-aaaaa   1/1     Running   0          40s
web-7d4b9c8f6d-bbbbb   0/1     Pending   0          2s
";

    #[test]
    fn a_row_prints_again_when_its_object_changes_not_when_it_ages() {
        let mut seen = rows(BEFORE);
        let aged = BEFORE.replace("40s", "41s").replace(" 2s", " 3s");
        assert_eq!(changed_rows(&mut seen, &aged), "");
        let running = "NAME                   READY   STATUS    RESTARTS      AGE
web-7d4b9c8f6d-aaaaa   1/1     Running   0             45s
web-7d4b9c8f6d-bbbbb   1/1     Running   0             7s
web-7d4b9c8f6d-ccccc   0/1     Pending   0             1s
";
        assert_eq!(
            changed_rows(&mut seen, running),
            "web-7d4b9c8f6d-bbbbb   1/1     Running   0             7s\nweb-7d4b9c8f6d-ccccc   0/1     Pending   0             1s\n"
        );
    }

    #[test]
    fn restarts_ago_is_time_not_change() {
        let a = "NAME    READY   STATUS    RESTARTS      AGE\nweb-1   1/1     Running   2 (15s ago)   3m\n";
        let b = "NAME    READY   STATUS    RESTARTS      AGE\nweb-1   1/1     Running   2 (16s ago)   3m\n";
        let c = "NAME    READY   STATUS             RESTARTS     AGE\nweb-1   0/1     CrashLoopBackOff   3 (1s ago)   3m\n";
        let mut seen = rows(a);
        assert_eq!(changed_rows(&mut seen, b), "");
        assert!(changed_rows(&mut seen, c).contains("CrashLoopBackOff"));
    }

    #[test]
    fn all_namespaces_key_by_namespace_and_name() {
        let t = "NAMESPACE     NAME      READY   STATUS    RESTARTS   AGE\ndefault       web-1     1/1     Running   0          1m\nkube-system   web-1     1/1     Running   0          1m\n";
        let keys: Vec<String> = rows(t).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["default/web-1", "kube-system/web-1"]);
    }

    #[test]
    fn waiter_polls_fall_on_its_delay_from_the_command() {
        let w = Watch::waiter("ServicesStable", 15, 40).started(&[], SimTime::from_secs(10));
        assert_eq!(w.next_poll(), SimTime::from_secs(25));
        let mut w2 = w.clone();
        w2.last = SimTime::from_secs(27);
        assert_eq!(w2.next_poll(), SimTime::from_secs(40));
    }
}
