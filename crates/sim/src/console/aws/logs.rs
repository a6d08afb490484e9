//! `aws logs …`: what CloudWatch Logs holds of the containers' output (the read model in
//! `crate::logs::cloudwatch`), in the shapes of the CloudWatch Logs API Reference
//! (GetLogEvents, FilterLogEvents, DescribeLogStreams) and the AWS CLI's examples
//! (<https://github.com/aws/aws-cli/tree/develop/awscli/examples/logs>). A group or stream
//! that does not exist is the service's `ResourceNotFoundException`.

use serde_json::{Value, json};

use super::args::{self, Args, Param};
use super::exception;
use super::{USAGE, shapes};
use crate::console::{Context, Outcome};
use crate::ecs::cluster::EcsCluster;
use crate::logs::cloudwatch::{self, INGESTION_DELAY, Stream};
use crate::logs::{LogLine, epoch_millis};

/// The operations of `aws logs` Orca carries out (the CLI has many more).
pub const SUPPORTED: &[&str] = &[
    "describe-log-groups",
    "describe-log-streams",
    "filter-log-events",
    "get-log-events",
    "tail",
];

/// GetLogEvents and FilterLogEvents return at most 10,000 events by default.
const MAX_EVENTS: usize = 10_000;

fn no_group(op: &str) -> Outcome {
    exception(
        op,
        "ResourceNotFoundException",
        "The specified log group does not exist.",
    )
}

/// `aws logs <words…>`.
pub fn run(words: &[String], cx: &Context) -> Outcome {
    let op = match super::operation(words, SUPPORTED, "CloudWatch Logs") {
        Ok(op) => op,
        Err(o) => return o,
    };
    let rest = &words[1..];
    let ecs = cx.world.ecs.as_ref();
    match op {
        "get-log-events" => get_log_events(ecs, cx, rest),
        "filter-log-events" => filter_log_events(ecs, cx, rest),
        "tail" => tail(ecs, cx, rest),
        "describe-log-streams" => describe_log_streams(ecs, cx, rest),
        _ => describe_log_groups(ecs, cx, rest),
    }
}

fn parse(words: &[String], params: &[Param]) -> Result<Args, Outcome> {
    args::parse(words, params).map_err(Outcome::Fail)
}

/// The limit given, checked as the service does (1 to 10,000).
fn limit(args: &Args, op: &str) -> Result<usize, Outcome> {
    match args.int("--limit") {
        None => Ok(MAX_EVENTS),
        Some(Err(e)) => Err(Outcome::Fail(e)),
        Some(Ok(n)) if (1..=MAX_EVENTS as i64).contains(&n) => Ok(n as usize),
        Some(Ok(n)) => Err(exception(
            op,
            "InvalidParameterException",
            &format!(
                "1 validation error detected: Value '{n}' at 'limit' failed to satisfy constraint: Member must have value {}",
                if n < 1 {
                    "greater than or equal to 1"
                } else {
                    "less than or equal to 10000"
                }
            ),
        )),
    }
}

fn group_exists(ecs: Option<&EcsCluster>, group: &str) -> bool {
    ecs.is_some_and(|e| cloudwatch::groups(e).iter().any(|g| g == group))
}

fn streams_of(ecs: Option<&EcsCluster>, cx: &Context, group: &str) -> Vec<Stream> {
    ecs.map(|e| {
        cloudwatch::streams(e, cx.now)
            .into_iter()
            .filter(|s| s.group == group)
            .collect()
    })
    .unwrap_or_default()
}

fn event(l: &LogLine) -> Value {
    json!({
        "timestamp": epoch_millis(l.at),
        "message": l.text,
        "ingestionTime": epoch_millis(l.at.plus(INGESTION_DELAY)),
    })
}

/// A 56-digit token or event id, as CloudWatch Logs prints them [model: the digits are Orca's].
fn digits(a: u64, b: u64) -> String {
    format!("{a:028}{b:028}")
}

fn get_log_events(ecs: Option<&EcsCluster>, cx: &Context, words: &[String]) -> Outcome {
    const OP: &str = "get-log-events";
    let args = match parse(
        words,
        &[
            Param::text("--log-group-name"),
            Param::text("--log-group-identifier"),
            Param::text("--log-stream-name").required(),
            Param::int("--limit"),
            Param::flag("--start-from-head"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let group = match group_of(&args, OP) {
        Ok(g) => g,
        Err(o) => return o,
    };
    let limit = match limit(&args, OP) {
        Ok(n) => n,
        Err(o) => return o,
    };
    if !group_exists(ecs, group) {
        return no_group(OP);
    }
    let name = args.one("--log-stream-name").unwrap_or_default();
    let Some(ecs) = ecs else {
        return no_group(OP);
    };
    let Some(stream) = streams_of(Some(ecs), cx, group)
        .into_iter()
        .find(|s| s.name == name)
    else {
        return exception(
            OP,
            "ResourceNotFoundException",
            "The specified log stream does not exist.",
        );
    };
    let lines = cloudwatch::delivered(ecs, &stream, cx.now);
    // Without --start-from-head the newest events come back (the last page).
    let (from, to) = if args.flag("--start-from-head") {
        (0, lines.len().min(limit))
    } else {
        (lines.len().saturating_sub(limit), lines.len())
    };
    let events: Vec<Value> = lines[from..to].iter().map(event).collect();
    shapes_print(&json!({
        "events": events,
        "nextForwardToken": format!("f/{}", digits(to as u64, 0)),
        "nextBackwardToken": format!("b/{}", digits(from as u64, 0)),
    }))
}

fn shapes_print(v: &Value) -> Outcome {
    Outcome::Print(shapes::pretty(v))
}

/// A CloudWatch Logs filter pattern for unstructured lines: every term must appear (a quoted
/// term as one phrase); an empty pattern matches everything (CloudWatch Logs User Guide,
/// "Filter pattern syntax for metric filters, subscription filters, filter log events").
pub fn matches(pattern: &str, line: &str) -> bool {
    let mut terms = Vec::new();
    let mut rest = pattern.trim();
    while !rest.is_empty() {
        if let Some(q) = rest.strip_prefix('"') {
            let end = q.find('"').unwrap_or(q.len());
            terms.push(&q[..end]);
            rest = q.get(end + 1..).unwrap_or("").trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            terms.push(&rest[..end]);
            rest = rest[end..].trim_start();
        }
    }
    terms.iter().all(|t| line.contains(t))
}

fn filter_log_events(ecs: Option<&EcsCluster>, cx: &Context, words: &[String]) -> Outcome {
    const OP: &str = "filter-log-events";
    let args = match parse(
        words,
        &[
            Param::text("--log-group-name"),
            Param::text("--log-group-identifier"),
            Param::list("--log-stream-names"),
            Param::text("--log-stream-name-prefix"),
            Param::text("--filter-pattern"),
            Param::int("--limit"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let group = match group_of(&args, OP) {
        Ok(g) => g,
        Err(o) => return o,
    };
    let limit = match limit(&args, OP) {
        Ok(n) => n,
        Err(o) => return o,
    };
    let (Some(ecs), true) = (ecs, group_exists(ecs, group)) else {
        return no_group(OP);
    };
    let names: Vec<&str> = args.list("--log-stream-names").collect();
    if !names.is_empty() && args.one("--log-stream-name-prefix").is_some() {
        return exception(
            OP,
            "InvalidParameterException",
            "logStreamNames and logStreamNamePrefix are mutually exclusive",
        );
    }
    let prefix = args.one("--log-stream-name-prefix").unwrap_or("");
    let pattern = args.one("--filter-pattern").unwrap_or("");
    let mut found = matching(ecs, cx, group, &names, prefix, pattern);
    found.truncate(limit);
    let events: Vec<Value> = found
        .iter()
        .enumerate()
        .map(|(n, (l, stream, _))| {
            json!({
                "logStreamName": stream,
                "timestamp": epoch_millis(l.at),
                "message": l.text,
                "ingestionTime": epoch_millis(l.at.plus(INGESTION_DELAY)),
                "eventId": digits(epoch_millis(l.at), n as u64),
            })
        })
        .collect();
    shapes_print(&json!({ "events": events, "searchedLogStreams": [] }))
}

/// The delivered events of `group`'s streams (those named, or with the prefix) that match
/// `pattern`, in time order across the streams, with their stream's name and position.
fn matching(
    ecs: &EcsCluster,
    cx: &Context,
    group: &str,
    names: &[&str],
    prefix: &str,
    pattern: &str,
) -> Vec<(LogLine, String, usize)> {
    let mut found: Vec<(LogLine, String, usize)> = Vec::new();
    for (k, s) in streams_of(Some(ecs), cx, group).iter().enumerate() {
        if (!names.is_empty() && !names.contains(&s.name.as_str())) || !s.name.starts_with(prefix) {
            continue;
        }
        for l in cloudwatch::delivered(ecs, s, cx.now) {
            if matches(pattern, &l.text) {
                found.push((l, s.name.clone(), k));
            }
        }
    }
    found.sort_by(|a, b| a.0.at.cmp(&b.0.at).then(a.2.cmp(&b.2)));
    found
}

/// `aws logs tail GROUP [--since 10m] [--filter-pattern P] [--format detailed|short]`: the
/// group's events from `--since` ago (10 minutes by default) up to now, one per line — in the
/// detailed format the time (ISO 8601), the stream and the message; in the short format the
/// time to the second and the message (AWS CLI Command Reference, `aws logs tail`). The CLI
/// reads them with FilterLogEvents. `--follow` would keep printing new events; the console
/// prints those up to this moment and says so.
fn tail(ecs: Option<&EcsCluster>, cx: &Context, words: &[String]) -> Outcome {
    const OP: &str = "filter-log-events";
    let (group, rest) = match words.split_first() {
        Some((g, rest)) if !g.starts_with("--") => (g.as_str(), rest),
        _ => {
            return Outcome::Fail(format!(
                "{USAGE}\naws: error: the following arguments are required: group_name\n"
            ));
        }
    };
    let args = match parse(
        rest,
        &[
            Param::text("--since"),
            Param::text("--filter-pattern"),
            Param::text("--format"),
            Param::list("--log-stream-names"),
            Param::text("--log-stream-name-prefix"),
            Param::flag("--follow"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let since = args.one("--since").unwrap_or("10m");
    // A relative time, or an ISO 8601 timestamp (AWS CLI Command Reference, `aws logs tail`,
    // `--since`: "can be an ISO 8601 timestamp or a relative time").
    let from = match (relative(since), crate::time::from_iso8601(since)) {
        (Some(back), _) => crate::time::SimTime(cx.now.0.saturating_sub(back.0)),
        (None, Some(ms)) => crate::time::SimTime(ms.max(0) as u64),
        (None, None) => {
            return Outcome::Fail(format!(
                "\nInvalid value for --since: '{since}'. Give a relative time, a number and s, m, h, d or w (30s, 10m, 2h, 1d, 1w), or an ISO 8601 timestamp ({}, or a date).\n",
                crate::time::SimTime::ZERO.iso8601_millis_z()
            ));
        }
    };
    let short = match args.one("--format").unwrap_or("detailed") {
        "detailed" | "json" => false,
        "short" => true,
        other => {
            return Outcome::Fail(format!(
                "{USAGE}\naws: error: argument --format: Invalid choice, valid choices are:\n\ndetailed                                 | short\njson\n\n(You gave: {other})\n"
            ));
        }
    };
    let (Some(ecs), true) = (ecs, group_exists(ecs, group)) else {
        return no_group(OP);
    };
    let names: Vec<&str> = args.list("--log-stream-names").collect();
    let prefix = args.one("--log-stream-name-prefix").unwrap_or("");
    let pattern = args.one("--filter-pattern").unwrap_or("");
    let mut out = String::new();
    for (l, stream, _) in matching(ecs, cx, group, &names, prefix, pattern) {
        if l.at < from {
            continue;
        }
        let at = l.at.aws_cli();
        if short {
            out.push_str(&format!("{} {}\n", &at[..at.len().min(19)], l.text));
        } else {
            out.push_str(&format!("{at} {stream} {}\n", l.text));
        }
    }
    if args.flag("--follow") {
        // New lines print as the run plays, until Ctrl+C (`console::watch`).
        return Outcome::Watch {
            watch: crate::console::watch::Watch::lines(&out),
            first: out,
        };
    }
    Outcome::Print(out)
}

/// `30s`, `10m`, `2h`, `1d`, `1w` as a span of time.
fn relative(text: &str) -> Option<crate::time::Millis> {
    let unit = text.chars().last()?;
    let n: u64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let secs = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return None,
    };
    n.checked_mul(secs)?
        .checked_mul(1000)
        .map(crate::time::Millis)
}

fn describe_log_streams(ecs: Option<&EcsCluster>, cx: &Context, words: &[String]) -> Outcome {
    const OP: &str = "describe-log-streams";
    let args = match parse(
        words,
        &[
            Param::text("--log-group-name"),
            Param::text("--log-group-identifier"),
            Param::text("--log-stream-name-prefix"),
            Param::int("--limit"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let group = match group_of(&args, OP) {
        Ok(g) => g,
        Err(o) => return o,
    };
    let (Some(ecs), true) = (ecs, group_exists(ecs, group)) else {
        return no_group(OP);
    };
    let prefix = args.one("--log-stream-name-prefix").unwrap_or("");
    let mut streams: Vec<(Stream, Vec<LogLine>)> = streams_of(Some(ecs), cx, group)
        .into_iter()
        .filter(|s| s.name.starts_with(prefix))
        .map(|s| {
            let lines = cloudwatch::delivered(ecs, &s, cx.now);
            (s, lines)
        })
        .collect();
    // The default order is by stream name (LogStreamName).
    streams.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    let region = cx.world.net.region.as_str();
    let account = cx.world.net.account_id.as_str();
    let list: Vec<Value> = streams
        .iter()
        .map(|(s, lines)| {
            let c = &ecs.task(s.task).containers[s.container];
            let created = lines
                .first()
                .map_or(c.started_at.unwrap_or(cx.now), |l| l.at);
            let mut v = json!({
                "logStreamName": s.name,
                "creationTime": epoch_millis(created),
            });
            if let (Some(first), Some(last)) = (lines.first(), lines.last()) {
                v["firstEventTimestamp"] = json!(epoch_millis(first.at));
                v["lastEventTimestamp"] = json!(epoch_millis(last.at));
                v["lastIngestionTime"] = json!(epoch_millis(last.at.plus(INGESTION_DELAY)));
            }
            v["arn"] = json!(format!(
                "arn:aws:logs:{region}:{account}:log-group:{}:log-stream:{}",
                s.group, s.name
            ));
            v["storedBytes"] = json!(0);
            v
        })
        .collect();
    shapes_print(&json!({ "logStreams": list }))
}

fn describe_log_groups(ecs: Option<&EcsCluster>, cx: &Context, words: &[String]) -> Outcome {
    let args = match parse(words, &[Param::text("--log-group-name-prefix")]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let prefix = args.one("--log-group-name-prefix").unwrap_or("");
    let region = cx.world.net.region.as_str();
    let account = cx.world.net.account_id.as_str();
    let groups: Vec<Value> = ecs
        .map(cloudwatch::groups)
        .unwrap_or_default()
        .into_iter()
        .filter(|g| g.starts_with(prefix))
        .map(|g| {
            json!({
                "logGroupName": g,
                "creationTime": epoch_millis(crate::time::SimTime::ZERO),
                "metricFilterCount": 0,
                "arn": format!("arn:aws:logs:{region}:{account}:log-group:{g}:*"),
                "storedBytes": 0,
                "logGroupClass": "STANDARD",
                "logGroupArn": format!("arn:aws:logs:{region}:{account}:log-group:{g}"),
            })
        })
        .collect();
    shapes_print(&json!({ "logGroups": groups }))
}

/// `--log-group-name` or `--log-group-identifier`, or the API's error when neither is given.
fn group_of<'a>(args: &'a Args, op: &str) -> Result<&'a str, Outcome> {
    args.one("--log-group-name")
        .or_else(|| args.one("--log-group-identifier"))
        .ok_or_else(|| {
            exception(
                op,
                "InvalidParameterException",
                "Should provide either logGroupName or logGroupIdentifier.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn relative_times_read_as_the_cli_reads_them() {
        use crate::time::Millis;
        assert_eq!(super::relative("30s"), Some(Millis(30_000)));
        assert_eq!(super::relative("10m"), Some(Millis(600_000)));
        assert_eq!(super::relative("2h"), Some(Millis(7_200_000)));
        assert_eq!(super::relative("1w"), Some(Millis(604_800_000)));
        for bad in ["", "m", "10", "10x", "-5m", "99999999999999999999d"] {
            assert_eq!(super::relative(bad), None, "{bad}");
        }
    }

    #[test]
    fn filter_patterns_need_every_term_and_quoted_phrases() {
        assert!(matches("", "anything"));
        assert!(matches("ERROR", "2026 ERROR boom"));
        assert!(!matches("ERROR", "2026 INFO fine"));
        assert!(matches("ERROR 500", "ERROR failed with HTTP 500"));
        assert!(!matches("ERROR 503", "ERROR failed with HTTP 500"));
        assert!(matches("\"GET /health\"", "\"GET /health HTTP/1.1\" 200"));
        assert!(!matches("\"GET /ready\"", "\"GET /health HTTP/1.1\" 200"));
    }
}
