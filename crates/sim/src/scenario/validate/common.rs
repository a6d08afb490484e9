//! Helpers shared by every part of validation: lists of names in messages, range and name
//! checks, duplicate names, the end of the scenario.

use std::collections::HashSet;

use super::Problems;
use super::caps::MAX_DURATION;
use crate::aws::instance_types;
use crate::scenario::limits::{HTTP_STATUS, Range};
use crate::scenario::locate::Path;
use crate::scenario::shown::{self, quoted};
use crate::scenario::spec::Scenario;

/// Presenter notes (`notes` of a timeline entry or a quiz) are read off a screen while
/// teaching: at most this many characters (Orca's own cap, about a page).
pub const MAX_NOTES: usize = 2_000;

/// A `notes` text is within [`MAX_NOTES`].
pub(super) fn notes(out: &mut Problems, text: &str, p: Path) {
    let len = text.chars().count();
    if len > MAX_NOTES {
        out.push((
            p,
            format!(
                "notes {} is {len} characters long; at most {MAX_NOTES} (the presenter reads them during the class: keep them to the point)",
                shown::quoted_start(text)
            ),
        ));
    }
}

/// Names listed in one message; the rest are counted.
const MAX_LISTED: usize = 20;

/// `"a", "b", "c"` (each once, in order), cut after [`MAX_LISTED`] names.
pub(super) fn quoted_names<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    let mut seen = HashSet::new();
    let mut listed: Vec<String> = Vec::new();
    let mut more = 0usize;
    for n in names {
        let n = n.as_ref();
        if !seen.insert(n.to_string()) {
            continue;
        }
        if listed.len() < MAX_LISTED {
            listed.push(quoted(n));
        } else {
            more += 1;
        }
    }
    let mut s = listed.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

/// `defined: "a", "b"` or `none are defined`.
pub(super) fn list<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    let q = quoted_names(names);
    if q.is_empty() {
        "none are defined".into()
    } else {
        format!("defined: {q}")
    }
}

pub(super) fn check_range<T: PartialOrd + std::fmt::Display>(
    out: &mut Problems,
    path: Path,
    what: &str,
    value: T,
    lo: T,
    hi: T,
    unit: &str,
) {
    if value < lo || value > hi {
        out.push((
            path,
            format!("{what} {value}{unit} is out of range; valid: {lo}–{hi}{unit}"),
        ));
    }
}

/// [`check_range`] against one of the documented [`Range`]s.
pub(super) fn check_limit(
    out: &mut Problems,
    path: Path,
    what: &str,
    value: impl Into<i128>,
    range: Range,
    unit: &str,
) {
    check_range(out, path, what, value.into(), range.min, range.max, unit);
}

pub(super) fn check_fraction(out: &mut Problems, path: Path, value: f64) {
    if !(0.0..=1.0).contains(&value) {
        out.push((
            path,
            format!("fraction {value} is not a share; valid: 0.0 to 1.0 (1.0 = every task)"),
        ));
    }
}

pub(super) fn check_seconds(out: &mut Problems, path: Path, what: &str, value: f64, max: f64) {
    if !value.is_finite() || value < 0.0 || value > max {
        out.push((
            path,
            format!("{what} {value} is out of range; valid: 0 to {max} seconds"),
        ));
    }
}

pub(super) fn check_status(out: &mut Problems, path: Path, code: u16) {
    check_limit(out, path, "HTTP status", code, HTTP_STATUS, "");
}

/// Why `name` is not a valid AWS-style name of at most `max` characters, where `allowed` says
/// which characters may appear (`allowed_text` in words).
pub(super) fn name_problem(
    what: &str,
    name: &str,
    max: usize,
    allowed: impl Fn(char) -> bool,
    allowed_text: &str,
) -> Option<String> {
    if name.is_empty() {
        return Some(format!("{what} is empty; use 1–{max} {allowed_text}"));
    }
    let len = name.chars().count();
    if len > max {
        return Some(format!(
            "{what} {} is {len} characters long; at most {max}",
            shown::quoted_start(name)
        ));
    }
    name.chars().find(|&c| !allowed(c)).map(|c| {
        format!(
            "{what} {} contains {c:?}; use only {allowed_text}",
            quoted(name)
        )
    })
}

/// ECS names (clusters, services, task definition families, containers): up to 255 letters,
/// digits, hyphens and underscores.
pub(super) fn ecs_name_problem(what: &str, name: &str) -> Option<String> {
    name_problem(
        what,
        name,
        255,
        |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
        "letters, digits, hyphens and underscores",
    )
}

/// Target group and load balancer names: up to 32 letters, digits and hyphens, not starting or
/// ending with a hyphen.
pub(super) fn elb_name_problem(what: &str, name: &str) -> Option<String> {
    name_problem(
        what,
        name,
        32,
        |c| c.is_ascii_alphanumeric() || c == '-',
        "letters, digits and hyphens",
    )
    .or_else(|| {
        (name.starts_with('-') || name.ends_with('-'))
            .then(|| format!("{what} {} may not start or end with a hyphen", quoted(name)))
    })
}

/// The message for an instance type Orca does not know, with the name cut if it is long.
pub(super) fn unknown_instance_type(name: &str) -> String {
    instance_types::unknown_type_message(&shown::bare(name))
}

/// Records names and reports the second use of one.
pub(super) struct Unique<'a> {
    seen: HashSet<&'a str>,
}

impl<'a> Unique<'a> {
    pub(super) fn new() -> Self {
        Unique {
            seen: HashSet::new(),
        }
    }

    /// False (and a problem) when `name` was seen before. Empty names are left to the name check.
    pub(super) fn check(
        &mut self,
        out: &mut Problems,
        path: Path,
        what: &str,
        name: &'a str,
    ) -> bool {
        if name.is_empty() || self.seen.insert(name) {
            return true;
        }
        out.push((
            path,
            format!(
                "{what} {} is defined twice; each needs its own name",
                quoted(name)
            ),
        ));
        false
    }
}

/// The end of the scenario that times are checked against; when the duration itself is invalid
/// (and reported), the longest allowed, so one mistake gives one error.
pub(super) fn scenario_end(s: &Scenario) -> f64 {
    if s.duration.is_finite() && s.duration > 0.0 && s.duration <= MAX_DURATION {
        s.duration
    } else {
        MAX_DURATION
    }
}

/// A Kubernetes object name (RFC 1123 label): lowercase letters, digits and '-', 1–63
/// characters, starting and ending with a letter or digit.
pub(super) fn dns_label_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut() {
        let names: Vec<String> = (0..25).map(|i| format!("n{i}")).collect();
        let s = list(&names);
        assert!(s.starts_with("defined: \"n0\", \"n1\""), "{s}");
        assert!(s.ends_with("\"n19\" and 5 more"), "{s}");
        assert_eq!(list(Vec::<String>::new()), "none are defined");
    }
}
