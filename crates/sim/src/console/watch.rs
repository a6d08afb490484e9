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
    /// `kubectl get -w`: the list's header and the rows seen last, by object.
    Rows {
        header: String,
        seen: Vec<Seen>,
        /// The header has been printed (not yet when the list was empty or `--watch-only`:
        /// kubectl prints it with the first row).
        header_printed: bool,
        /// `--output-watch-events`: each row starts with ADDED, MODIFIED or DELETED.
        events: bool,
    },
    /// `kubectl get … -o yaml|json|name -w`: each object's last state and what it printed.
    Objects {
        seen: Vec<Seen>,
        /// YAML documents after the first are separated by `---`.
        yaml: bool,
        /// Objects printed so far.
        printed: u32,
    },
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
    /// `kubectl rollout status`: the last status line printed, and `--timeout` (how long after
    /// the command it gives up; none: never).
    Status {
        last: String,
        timeout: Option<Millis>,
    },
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
    /// `kubectl get -w` on the list `table` (a kubectl table, or "No resources found…" for an
    /// empty list): what kubectl prints first, and the watch that goes on from it. With
    /// `--watch-only` it prints nothing first; with `--output-watch-events` each row starts
    /// with its event (the first list's rows are ADDED).
    pub fn rows(table: &str, watch_only: bool, events: bool) -> (String, Box<Watch>) {
        Watch::listed_rows(table, table_rows(table), watch_only, events)
    }

    /// [`Watch::rows`] for a table without a NAME column (`kubectl get events`): `keys` gives
    /// each row's object and what must change for it to print again, in the table's order.
    pub fn keyed_rows(
        table: &str,
        keys: Vec<(String, String)>,
        watch_only: bool,
        events: bool,
    ) -> (String, Box<Watch>) {
        let listed = table
            .lines()
            .skip(1)
            .zip(keys)
            .map(|(line, (key, steady))| Seen {
                key,
                steady,
                line: line.trim_end().to_string(),
                events: None,
            })
            .collect();
        Watch::listed_rows(table, listed, watch_only, events)
    }

    fn listed_rows(
        table: &str,
        listed: Vec<Seen>,
        watch_only: bool,
        events: bool,
    ) -> (String, Box<Watch>) {
        let header = match listed.is_empty() {
            true => String::new(),
            false => table.lines().next().unwrap_or("").trim_end().to_string(),
        };
        let printed_list = !watch_only && !listed.is_empty();
        let first = if watch_only {
            String::new()
        } else if listed.is_empty() || !events {
            table.to_string()
        } else {
            let mut out = with_event("EVENT", &header);
            for row in &listed {
                out += &with_event("ADDED", &row.line);
            }
            out
        };
        let watch = Watch::new(Mode::Rows {
            header,
            seen: listed,
            header_printed: printed_list,
            events,
        });
        (first, watch)
    }

    /// `kubectl get … -o yaml|json|name -w` on `objects` (each object's key, its state as
    /// text, and what it prints as): kubectl prints each object on its own (a YAML document
    /// after `---` from the second on; not a `List`), first all of them unless `--watch-only`,
    /// then each one that changes or goes.
    pub fn objects(
        objects: Vec<(String, String, ObjectText)>,
        yaml: bool,
        watch_only: bool,
    ) -> (String, Box<Watch>) {
        let seen: Vec<Seen> = objects
            .into_iter()
            .map(|(key, steady, text)| match text {
                ObjectText::Plain(line) => Seen {
                    key,
                    steady,
                    line,
                    events: None,
                },
                ObjectText::PerEvent([added, modified, deleted]) => Seen {
                    key,
                    steady,
                    line: added,
                    events: Some(Box::new([modified, deleted])),
                },
            })
            .collect();
        let mut printed = 0;
        let mut first = String::new();
        if !watch_only {
            for o in &seen {
                print_object(&mut first, &o.line, yaml, &mut printed);
            }
        }
        (
            first,
            Watch::new(Mode::Objects {
                seen,
                yaml,
                printed,
            }),
        )
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

    /// `kubectl rollout status` after printing `line`, giving up `timeout` after the command.
    pub fn status(line: &str, timeout: Option<Millis>) -> Box<Watch> {
        Watch::new(Mode::Status {
            last: line.trim_end().to_string(),
            timeout,
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
            Mode::Rows {
                header,
                seen,
                header_printed,
                events,
            } => match outcome {
                Outcome::Watch { watch, .. } => match watch.mode {
                    Mode::Rows {
                        header: now_header,
                        seen: now,
                        ..
                    } => {
                        if !now_header.is_empty() && !now.is_empty() {
                            *header = now_header;
                        }
                        let mut output = changed_rows(seen, now, *events);
                        if !output.is_empty() && !*header_printed {
                            *header_printed = true;
                            let head = if *events {
                                with_event("EVENT", header)
                            } else {
                                format!("{header}\n")
                            };
                            output.insert_str(0, &head);
                        }
                        Polled {
                            output,
                            ended: None,
                        }
                    }
                    _ => Polled::default(),
                },
                Outcome::Fail(e) => failed(e),
                Outcome::Print(_) | Outcome::Act { .. } => Polled::default(),
            },
            Mode::Objects {
                seen,
                yaml,
                printed,
            } => match outcome {
                Outcome::Watch { watch, .. } => match watch.mode {
                    Mode::Objects { seen: now, .. } => {
                        let mut output = String::new();
                        for (_, o) in changed(seen, now) {
                            print_object(&mut output, &o, *yaml, printed);
                        }
                        Polled {
                            output,
                            ended: None,
                        }
                    }
                    _ => Polled::default(),
                },
                Outcome::Fail(e) => failed(e),
                Outcome::Print(_) | Outcome::Act { .. } => Polled::default(),
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
            Mode::Status { last, timeout } => match outcome {
                Outcome::Watch { first, .. } => {
                    let line = first.trim_end().to_string();
                    let mut output = String::new();
                    if line != *last {
                        *last = line;
                        output = first;
                    }
                    // kubectl's watch gives up with the wait package's error.
                    if timeout.is_some_and(|t| cx.now >= started.plus(t)) {
                        output.push_str("error: timed out waiting for the condition\n");
                        return Polled {
                            output,
                            ended: Some(Ended::Failed),
                        };
                    }
                    Polled {
                        output,
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

/// One object as a watch last saw it: a table's row, or an object printed on its own.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    /// Which object: the NAME column (NAMESPACE/NAME with `-A`), or namespace/name.
    key: String,
    /// What must change for it to print again: the row without what changes by itself (AGE,
    /// the "(… ago)" of RESTARTS), or the whole object.
    steady: String,
    /// What it prints as.
    line: String,
    /// With `--output-watch-events` and `-o json|yaml|jsonpath`: what it prints as when
    /// MODIFIED and when DELETED (`line` is its ADDED text): kubectl prints the watch event,
    /// `{type, object}`, not the object.
    events: Option<Box<[String; 2]>>,
}

impl Seen {
    /// What it prints as for `event` (ADDED, MODIFIED, DELETED).
    fn text(&self, event: &str) -> String {
        match (&self.events, event) {
            (Some(t), "MODIFIED") => t[0].clone(),
            (Some(t), "DELETED") => t[1].clone(),
            _ => self.line.clone(),
        }
    }
}

/// How one object prints in a watch of objects: its text, or with `--output-watch-events` its
/// text as each event (ADDED, MODIFIED, DELETED).
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectText {
    Plain(String),
    PerEvent([String; 3]),
}

/// The rows of a kubectl table (none for "No resources found…"): each object's key is the NAME
/// column (NAMESPACE and NAME with `-A`); AGE and the "(… ago)" of RESTARTS change as time
/// passes, not when the object does.
fn table_rows(table: &str) -> Vec<Seen> {
    let mut lines = table.lines();
    let Some(header) = lines.next().filter(|h| h.starts_with("NAME")) else {
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
            Seen {
                key,
                steady,
                line: line.trim_end().to_string(),
                events: None,
            }
        })
        .collect()
}

/// What kubectl's watch prints going from the rows `seen` to the rows `now` (which become
/// `seen`): the row of each object that is new or changed, in the list's order, then the last
/// row of each object that is gone (kubectl prints a deleted object's final state).
fn changed_rows(seen: &mut Vec<Seen>, now: Vec<Seen>, events: bool) -> String {
    let mut out = String::new();
    for (event, line) in changed(seen, now) {
        if events {
            out += &with_event(event, &line);
        } else {
            out += &line;
            out.push('\n');
        }
    }
    out
}

/// What is new (ADDED) or changed (MODIFIED) in `now` against `seen`, in `now`'s order, then
/// the last state of what is gone (DELETED), each as printed; `seen` becomes `now`.
fn changed(seen: &mut Vec<Seen>, now: Vec<Seen>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for o in &now {
        match seen.iter().find(|s| s.key == o.key) {
            None => out.push(("ADDED", o.text("ADDED"))),
            Some(before) if before.steady != o.steady => out.push(("MODIFIED", o.text("MODIFIED"))),
            Some(_) => {}
        }
    }
    for gone in seen.iter().filter(|s| !now.iter().any(|o| o.key == s.key)) {
        out.push(("DELETED", gone.text("DELETED")));
    }
    *seen = now;
    out
}

/// One object as a watch prints it: YAML documents after the first follow a `---` line.
fn print_object(out: &mut String, text: &str, yaml: bool, printed: &mut u32) {
    if yaml && *printed > 0 {
        out.push_str("---\n");
    }
    out.push_str(text);
    if !text.ends_with('\n') {
        out.push('\n');
    }
    *printed += 1;
}

/// A row (or the header) with `--output-watch-events`' EVENT column before it.
fn with_event(event: &str, line: &str) -> String {
    format!("{event:<11}{line}\n")
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

    fn changed(seen: &mut Vec<Seen>, table: &str) -> String {
        changed_rows(seen, table_rows(table), false)
    }

    #[test]
    fn a_row_prints_again_when_its_object_changes_not_when_it_ages() {
        let mut seen = table_rows(BEFORE);
        let aged = BEFORE.replace("40s", "41s").replace(" 2s", " 3s");
        assert_eq!(changed(&mut seen, &aged), "");
        let running = "NAME                   READY   STATUS    RESTARTS      AGE
web-7d4b9c8f6d-aaaaa   1/1     Running   0             45s
web-7d4b9c8f6d-bbbbb   1/1     Running   0             7s
web-7d4b9c8f6d-ccccc   0/1     Pending   0             1s
";
        assert_eq!(
            changed(&mut seen, running),
            "web-7d4b9c8f6d-bbbbb   1/1     Running   0             7s\nweb-7d4b9c8f6d-ccccc   0/1     Pending   0             1s\n"
        );
    }

    #[test]
    fn restarts_ago_is_time_not_change() {
        let a = "NAME    READY   STATUS    RESTARTS      AGE\nweb-1   1/1     Running   2 (15s ago)   3m\n";
        let b = "NAME    READY   STATUS    RESTARTS      AGE\nweb-1   1/1     Running   2 (16s ago)   3m\n";
        let c = "NAME    READY   STATUS             RESTARTS     AGE\nweb-1   0/1     CrashLoopBackOff   3 (1s ago)   3m\n";
        let mut seen = table_rows(a);
        assert_eq!(changed(&mut seen, b), "");
        assert!(changed(&mut seen, c).contains("CrashLoopBackOff"));
    }

    #[test]
    fn all_namespaces_key_by_namespace_and_name() {
        let t = "NAMESPACE     NAME      READY   STATUS    RESTARTS   AGE\ndefault       web-1     1/1     Running   0          1m\nkube-system   web-1     1/1     Running   0          1m\n";
        let keys: Vec<String> = table_rows(t).into_iter().map(|r| r.key).collect();
        assert_eq!(keys, ["default/web-1", "kube-system/web-1"]);
    }

    #[test]
    fn a_deleted_object_prints_its_last_row() {
        let mut seen = table_rows(BEFORE);
        let gone = "NAME                   READY   STATUS    RESTARTS   AGE
web-7d4b9c8f6d-bbbbb   1/1     Running   0          3s
";
        assert_eq!(
            changed(&mut seen, gone),
            "web-7d4b9c8f6d-bbbbb   1/1     Running   0          3s\nweb-7d4b9c8f6d-aaaaa   1/1     Running   0          40s\n"
        );
        // Gone for good: it does not print again.
        assert_eq!(changed(&mut seen, gone), "");
    }

    #[test]
    fn watch_events_name_each_change() {
        let (first, _) = Watch::rows(BEFORE, false, true);
        assert_eq!(
            first,
            "EVENT      NAME                   READY   STATUS    RESTARTS   AGE
ADDED      web-7d4b9c8f6d-aaaaa   1/1     Running   0          40s
ADDED      web-7d4b9c8f6d-bbbbb   0/1     Pending   0          2s
"
        );
        let mut seen = table_rows(BEFORE);
        let next = "NAME                   READY   STATUS    RESTARTS   AGE
web-7d4b9c8f6d-bbbbb   1/1     Running   0          3s
web-7d4b9c8f6d-ccccc   0/1     Pending   0          0s
";
        assert_eq!(
            changed_rows(&mut seen, table_rows(next), true),
            "MODIFIED   web-7d4b9c8f6d-bbbbb   1/1     Running   0          3s
ADDED      web-7d4b9c8f6d-ccccc   0/1     Pending   0          0s
DELETED    web-7d4b9c8f6d-aaaaa   1/1     Running   0          40s
"
        );
    }

    #[test]
    fn an_empty_list_or_watch_only_prints_no_header_until_a_row() {
        let (first, w) = Watch::rows("No resources found in default namespace.\n", false, false);
        assert_eq!(first, "No resources found in default namespace.\n");
        assert!(
            matches!(&w.mode, Mode::Rows { header_printed: false, seen, .. } if seen.is_empty())
        );
        let (first, w) = Watch::rows(BEFORE, true, false);
        assert_eq!(first, "");
        assert!(
            matches!(&w.mode, Mode::Rows { header_printed: false, seen, .. } if seen.len() == 2)
        );
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
