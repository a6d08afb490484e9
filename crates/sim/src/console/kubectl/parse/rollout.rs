//! `kubectl rollout status|history|undo|restart|pause|resume deployment/<name>` (kubectl's
//! `pkg/cmd/rollout`), with `rollout status`'s `--watch` and `--timeout`.

use super::{Command, DryRun, Flags, Kind, RolloutVerb, Scope, kind_and_names, scope_of};
use crate::console::suggest;
use crate::time::Millis;

/// How `kubectl rollout status` waits: `--watch` (default true: until the rollout is done or
/// fails) and `--timeout` (how long before it gives up; zero or none: for ever).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub watch: bool,
    pub timeout: Option<Millis>,
}

impl Default for Wait {
    fn default() -> Self {
        Wait {
            watch: true,
            timeout: None,
        }
    }
}

/// `kubectl rollout <verb> …`: the command and the namespaces it applies to.
pub(super) fn parse(rest: &[String]) -> Result<(Command, Scope), String> {
    let Some(verb) = rest.first() else {
        return Err("error: Required resource not specified.\n".into());
    };
    let verb = match verb.as_str() {
        "status" => RolloutVerb::Status,
        "history" => RolloutVerb::History,
        "undo" => RolloutVerb::Undo,
        "restart" => RolloutVerb::Restart,
        "pause" => RolloutVerb::Pause,
        "resume" => RolloutVerb::Resume,
        other => {
            let close = suggest::similar(
                other,
                &["history", "pause", "restart", "resume", "status", "undo"],
            );
            let mut e = format!("error: unknown command \"{other}\" for \"kubectl rollout\"");
            if !close.is_empty() {
                e.push_str("\n\nDid you mean this?");
                for c in close {
                    e.push_str(&format!("\n\t{c}"));
                }
            }
            e.push('\n');
            return Err(e);
        }
    };
    let mut known = vec![
        ("namespace", true),
        ("to-revision", true),
        ("revision", true),
    ];
    // `--watch` and `--timeout` are `rollout status`'s own flags.
    if verb == RolloutVerb::Status {
        known.extend([("watch", false), ("timeout", true)]);
    }
    // `--dry-run` is `rollout undo`'s own.
    if verb == RolloutVerb::Undo {
        known.push(("dry-run", true));
    }
    let p = Flags {
        cmd: "rollout",
        known: &known,
    }
    .parse(&rest[1..])?;
    let scope = scope_of(&p);
    let (kind, names) = kind_and_names(&p.positional, "rollout")?;
    if kind == Kind::StatefulSet && verb == RolloutVerb::Status {
        let [name] = names.as_slice() else {
            return Err("error: required resource name not specified\n".into());
        };
        return Ok((
            Command::StatefulSetRolloutStatus { name: name.clone() },
            scope,
        ));
    }
    if kind != Kind::Deployment {
        return Err(format!(
            "error: no rollout for {}: Orca's Deployments are the resources with rollouts\n",
            kind.resource()
        ));
    }
    let [name] = names.as_slice() else {
        return Err("error: required resource name not specified\n".into());
    };
    // `undo --to-revision=N`, or the revision `history --revision=N` shows in full.
    let flag = if verb == RolloutVerb::History {
        "revision"
    } else {
        "to-revision"
    };
    let to_revision = match p.get(flag) {
        Some(r) => Some(r.parse::<u32>().map_err(|_| {
            format!("error: invalid argument \"{r}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax\n")
        })?),
        None => None,
    };
    let timeout = match p.get("timeout") {
        Some(t) => go_duration(t).map_err(|e| {
            format!("error: invalid argument \"{t}\" for \"--timeout\" flag: {e}\n")
        })?,
        None => None,
    };
    let dry_run = DryRun::parse(p.get("dry-run"))?;
    Ok((
        Command::Rollout {
            verb,
            name: name.clone(),
            to_revision,
            wait: Wait {
                // `--watch` is on unless given as false.
                watch: p.get("watch").is_none() || p.has("watch"),
                timeout,
            },
            dry_run,
        },
        scope,
    ))
}

/// A duration as Go's `time.ParseDuration` reads it (`90s`, `1m30s`, `1.5h`, `500ms`; `0`
/// alone needs no unit), to the millisecond; `None` for zero (kubectl: "zero means never").
/// Errors are Go's: `time: missing unit in duration "5"`, `time: unknown unit "d" in duration
/// "5d"`, `time: invalid duration "x"`.
pub(super) fn go_duration(text: &str) -> Result<Option<Millis>, String> {
    let invalid = || format!("time: invalid duration \"{text}\"");
    let s = text.strip_prefix('+').unwrap_or(text);
    if s.starts_with('-') {
        // A negative timeout is valid Go; kubectl then gives up at once. Orca waits for ever
        // only on zero, so a negative one is refused rather than misread.
        return Err(format!(
            "{}; Orca takes a timeout of zero or more",
            invalid()
        ));
    }
    if s == "0" {
        return Ok(None);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total_ms = 0f64;
    let mut rest = s;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let ms_per = match unit {
            "" => return Err(format!("time: missing unit in duration \"{text}\"")),
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            other => {
                return Err(format!(
                    "time: unknown unit \"{other}\" in duration \"{text}\""
                ));
            }
        };
        total_ms += value * ms_per;
    }
    // Go's durations stop at about 292 years; a timeout that long is a wait for ever here.
    if total_ms >= 9.2e15 {
        return Err(invalid());
    }
    Ok(match total_ms.round() as u64 {
        0 if total_ms > 0.0 => Some(Millis(1)),
        0 => None,
        ms => Some(Millis(ms)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_go_reads_them() {
        assert_eq!(go_duration("0"), Ok(None));
        assert_eq!(go_duration("0s"), Ok(None));
        assert_eq!(go_duration("90s"), Ok(Some(Millis(90_000))));
        assert_eq!(go_duration("1m30s"), Ok(Some(Millis(90_000))));
        assert_eq!(go_duration("1.5h"), Ok(Some(Millis(5_400_000))));
        assert_eq!(go_duration("250ms"), Ok(Some(Millis(250))));
        assert_eq!(
            go_duration("5"),
            Err("time: missing unit in duration \"5\"".into())
        );
        assert_eq!(
            go_duration("5d"),
            Err("time: unknown unit \"d\" in duration \"5d\"".into())
        );
        assert_eq!(
            go_duration("abc"),
            Err("time: invalid duration \"abc\"".into())
        );
        assert!(go_duration("-5s").is_err());
    }
}
