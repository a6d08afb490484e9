//! Command files for `orca run FILE --commands CMDS`: one command per line, each after the
//! moment it runs at — `1:30 kubectl scale deployment/web --replicas=5` or
//! `90 aws ecs describe-services …` (seconds). `#` starts a comment; blank lines are skipped.

use crate::time::SimTime;

/// One line of a command file.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedCommand {
    pub at: SimTime,
    pub command: String,
    /// 1-based line number in the file.
    pub line: usize,
    /// 1-based column where the command starts (after the time).
    pub column: usize,
}

/// A problem in a command file, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandFileError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// The commands of a file in time order (lines with the same time keep their order).
pub fn parse(src: &str) -> Result<Vec<TimedCommand>, Vec<CommandFileError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in src.lines().enumerate() {
        let line = i + 1;
        let text = strip_comment(raw);
        let trimmed = text.trim_start();
        if trimmed.trim().is_empty() {
            continue;
        }
        let column = text.len() - trimmed.len() + 1;
        let (time, rest) = match trimmed.split_once(char::is_whitespace) {
            Some((t, r)) => (t, r.trim()),
            None => (trimmed.trim(), ""),
        };
        let at = match parse_time(time) {
            Some(at) => at,
            None => {
                errors.push(CommandFileError {
                    line,
                    column,
                    message: format!(
                        "expected a time (`m:ss`, `h:mm:ss` or seconds) before the command, found `{}`",
                        shorten(time)
                    ),
                });
                continue;
            }
        };
        if rest.is_empty() {
            errors.push(CommandFileError {
                line,
                column: column + time.len(),
                message: format!("no command after the time `{time}`"),
            });
            continue;
        }
        // The command starts after the time and the blanks that follow it.
        let after_time = &trimmed[time.len()..];
        let command_column =
            column + time.len() + (after_time.len() - after_time.trim_start().len());
        out.push(TimedCommand {
            at,
            command: rest.to_string(),
            line,
            column: command_column,
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    out.sort_by_key(|c| c.at);
    Ok(out)
}

/// The line without a `#` comment (a `#` inside quotes is kept).
fn strip_comment(line: &str) -> &str {
    let (mut single, mut double) = (false, false);
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double => return &line[..i],
            _ => {}
        }
    }
    line
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// `90`, `90.5`, `1:30`, `1:02:03`.
pub fn parse_time(s: &str) -> Option<SimTime> {
    let parts: Vec<&str> = s.split(':').collect();
    let secs = match parts.as_slice() {
        [s] => s
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)?,
        [m, s] => {
            let m: u64 = m.parse().ok()?;
            let s: f64 = s.parse().ok().filter(|v: &f64| (0.0..60.0).contains(v))?;
            m as f64 * 60.0 + s
        }
        [h, m, s] => {
            let h: u64 = h.parse().ok()?;
            let m: u64 = m.parse().ok().filter(|m| *m < 60)?;
            let s: f64 = s.parse().ok().filter(|v: &f64| (0.0..60.0).contains(v))?;
            h as f64 * 3600.0 + m as f64 * 60.0 + s
        }
        _ => return None,
    };
    // A week is far beyond any scenario's duration; larger numbers are typos.
    (secs <= 7.0 * 86_400.0).then(|| SimTime::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_seconds_or_clock_stamps() {
        assert_eq!(parse_time("90"), Some(SimTime::from_secs(90)));
        assert_eq!(parse_time("1:30"), Some(SimTime::from_secs(90)));
        assert_eq!(parse_time("1:02:03"), Some(SimTime::from_secs(3723)));
        assert_eq!(parse_time("0.5"), Some(SimTime(500)));
        assert_eq!(parse_time("1:75"), None);
        assert_eq!(parse_time("-3"), None);
        assert_eq!(parse_time("abc"), None);
    }

    #[test]
    fn a_file_gives_its_commands_in_time_order_without_comments() {
        let src = "# a teacher's check\n\n2:00 kubectl get pods   # after the rollout\n30 aws ecs describe-services --cluster demo --services web\n1:00 kubectl logs 'web # not a comment'\n";
        let cmds = parse(src).expect("valid");
        let got: Vec<(u64, &str, usize)> = cmds
            .iter()
            .map(|c| (c.at.secs(), c.command.as_str(), c.line))
            .collect();
        assert_eq!(
            got,
            [
                (
                    30,
                    "aws ecs describe-services --cluster demo --services web",
                    4
                ),
                (60, "kubectl logs 'web # not a comment'", 5),
                (120, "kubectl get pods", 3),
            ]
        );
    }

    #[test]
    fn bad_lines_are_reported_with_line_and_column() {
        let errors = parse("  soon kubectl get pods\n1:00\n").expect_err("invalid");
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].line, errors[0].column), (1, 3));
        assert!(
            errors[0].message.contains("expected a time"),
            "{}",
            errors[0].message
        );
        assert_eq!(errors[1].line, 2);
        assert_eq!(errors[1].message, "no command after the time `1:00`");
    }
}
