//! `aws logs …`: what CloudWatch Logs holds of the containers' output (the read model in
//! `crate::logs::cloudwatch`), in the shapes of the CloudWatch Logs API Reference
//! (GetLogEvents, FilterLogEvents, DescribeLogStreams) and the AWS CLI's examples
//! (<https://github.com/aws/aws-cli/tree/develop/awscli/examples/logs>). A group or stream
//! that does not exist is the service's `ResourceNotFoundException`.

use serde_json::{Value, json};

use super::args::{self, Args, Param};
use super::control_plane_logs;
use super::exception;
use super::{USAGE, shapes};
use crate::console::{Context, Outcome};
use crate::ecs::cluster::EcsCluster;
use crate::k8s::cluster::EksCluster;
use crate::logs::cloudwatch::{self, INGESTION_DELAY};
use crate::logs::filter_pattern::{FilterPattern, PatternError};
use crate::logs::{LogLine, StreamLines, epoch_millis};
use crate::logs::{ecs_performance, eks_cloudwatch, eks_performance};
use crate::security::Security;
use crate::time::SimTime;

/// The operations of `aws logs` Orca carries out (the CLI has many more).
pub const SUPPORTED: &[&str] = &[
    "describe-log-groups",
    "describe-log-streams",
    "describe-queries",
    "filter-log-events",
    "get-log-events",
    "get-query-results",
    "start-query",
    "stop-query",
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
    match op {
        "get-log-events" => get_log_events(cx, rest),
        "filter-log-events" => filter_log_events(cx, rest),
        "tail" => tail(cx, rest),
        "describe-log-streams" => describe_log_streams(cx, rest),
        // `aws::run_command` sends the Logs Insights operations to `logs_insights`.
        _ => describe_log_groups(cx, rest),
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
        Some(Ok(n)) => Err(out_of_range(op, "limit", n, 1, MAX_EVENTS as i64)),
    }
}

/// CloudWatch Logs' answer to a number outside `min..=max`: its validation message for the
/// request's `field`.
pub(super) fn out_of_range(op: &str, field: &str, n: i64, min: i64, max: i64) -> Outcome {
    let bound = if n < min {
        format!("greater than or equal to {min}")
    } else {
        format!("less than or equal to {max}")
    };
    exception(
        op,
        "InvalidParameterException",
        &format!(
            "1 validation error detected: Value '{n}' at '{field}' failed to satisfy constraint: Member must have value {bound}"
        ),
    )
}

/// A log group Orca models: one a task definition of the ECS cluster names, the EKS cluster's
/// control plane group once a log type has been on, or the containers' output Container
/// Insights collects on EKS.
pub(super) enum Group<'a> {
    Ecs(&'a EcsCluster, String),
    /// Container Insights' `/aws/ecs/containerinsights/<cluster>/performance`.
    EcsPerformance(&'a EcsCluster),
    /// Container Insights' `/aws/containerinsights/<cluster>/performance` (the agent).
    EksPerformance(&'a EksCluster),
    ControlPlane(&'a Security),
    /// Container Insights' `/aws/containerinsights/<cluster>/application` (Fluent Bit).
    Application(&'a EksCluster),
}

/// Every group that exists now, sorted by name, with its creation time.
pub(super) fn groups(cx: &Context) -> Vec<(String, SimTime)> {
    let mut out: Vec<(String, SimTime)> = cx
        .world
        .ecs
        .as_ref()
        .map(cloudwatch::groups)
        .unwrap_or_default()
        .into_iter()
        .map(|g| (g, SimTime::ZERO))
        .collect();
    out.extend(cx.world.ecs.as_ref().and_then(ecs_performance::group));
    out.extend(cx.world.eks.as_ref().and_then(eks_performance::group));
    if let Some(g) =
        control_plane_logs::security(cx).and_then(|s| control_plane_logs::group(s, cx.now))
    {
        out.push(g);
    }
    if let Some(g) = cx
        .world
        .eks
        .as_ref()
        .and_then(eks_cloudwatch::application_group)
    {
        out.push((g, SimTime::ZERO));
    }
    out.sort();
    out
}

/// The group named `name`, or the API's ResourceNotFoundException.
pub(super) fn group<'a>(cx: &Context<'a>, name: &str, op: &str) -> Result<Group<'a>, Outcome> {
    if let Some(e) = cx.world.ecs.as_ref()
        && cloudwatch::groups(e).iter().any(|g| g == name)
    {
        return Ok(Group::Ecs(e, name.to_string()));
    }
    if let Some(e) = cx.world.ecs.as_ref()
        && ecs_performance::group(e).is_some_and(|(g, _)| g == name)
    {
        return Ok(Group::EcsPerformance(e));
    }
    if let Some(k) = cx.world.eks.as_ref()
        && eks_performance::group(k).is_some_and(|(g, _)| g == name)
    {
        return Ok(Group::EksPerformance(k));
    }
    if let Some(k) = cx.world.eks.as_ref()
        && eks_cloudwatch::application_group(k).as_deref() == Some(name)
    {
        return Ok(Group::Application(k));
    }
    match control_plane_logs::security(cx) {
        Some(s) if control_plane_logs::group(s, cx.now).is_some_and(|(g, _)| g == name) => {
            Ok(Group::ControlPlane(s))
        }
        _ => Err(no_group(op)),
    }
}

/// The group's streams whose names `keep` accepts, in the order they were created, with what
/// CloudWatch holds of each.
pub(super) fn stream_views(
    g: &Group,
    cx: &Context,
    keep: impl Fn(&str) -> bool,
) -> Vec<StreamLines> {
    match g {
        Group::Ecs(ecs, group) => cloudwatch::streams(ecs, cx.now)
            .into_iter()
            .filter(|s| &s.group == group && keep(&s.name))
            .map(|s| {
                let lines = cloudwatch::delivered(ecs, &s, cx.now);
                let started = ecs.task(s.task).containers[s.container].started_at;
                StreamLines {
                    created: lines.first().map_or(started.unwrap_or(cx.now), |l| l.at),
                    name: s.name,
                    lines,
                }
            })
            .collect(),
        Group::EcsPerformance(ecs) => ecs_performance::streams(ecs, &cx.world.net, cx.now)
            .into_iter()
            .filter(|s| keep(&s.name))
            .collect(),
        Group::EksPerformance(k) => eks_performance::streams(k, cx.now)
            .into_iter()
            .filter(|s| keep(&s.name))
            .collect(),
        Group::Application(k) => eks_cloudwatch::application_streams(k, cx.log, cx.now)
            .into_iter()
            .filter(|s| keep(&s.name))
            .collect(),
        Group::ControlPlane(sec) => control_plane_logs::streams(cx, sec)
            .into_iter()
            .filter(|s| keep(&s.name))
            .collect(),
    }
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

fn get_log_events(cx: &Context, words: &[String]) -> Outcome {
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
    let g = match self::group(cx, group, OP) {
        Ok(g) => g,
        Err(o) => return o,
    };
    let name = args.one("--log-stream-name").unwrap_or_default();
    let Some(stream) = stream_views(&g, cx, |n| n == name).into_iter().next() else {
        return exception(
            OP,
            "ResourceNotFoundException",
            "The specified log stream does not exist.",
        );
    };
    let lines = stream.lines;
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

fn filter_log_events(cx: &Context, words: &[String]) -> Outcome {
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
    let g = match self::group(cx, group, OP) {
        Ok(g) => g,
        Err(o) => return o,
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
    let pattern = match pattern(&args, OP) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let mut found = matching(&g, cx, &names, prefix, &pattern);
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

/// `--filter-pattern`, parsed, or the API's InvalidParameterException.
fn pattern(args: &Args, op: &str) -> Result<FilterPattern, Outcome> {
    FilterPattern::parse(args.one("--filter-pattern").unwrap_or("")).map_err(|e| match e {
        PatternError::Invalid(why) => exception(
            op,
            "InvalidParameterException",
            &format!("Invalid filter pattern: {why}"),
        ),
        PatternError::Unsupported(what) => Outcome::Fail(format!(
            "error: Orca's console does not apply {what}; use terms (ERROR, \"a phrase\", ?any, -not) or a JSON pattern ({{ $.field = \"value\" }})\n"
        )),
    })
}

/// The delivered events of the group's streams (those named, or with the prefix) that match
/// `pattern`, in time order across the streams, with their stream's name and position.
fn matching(
    g: &Group,
    cx: &Context,
    names: &[&str],
    prefix: &str,
    pattern: &FilterPattern,
) -> Vec<(LogLine, String, usize)> {
    let mut found: Vec<(LogLine, String, usize)> = Vec::new();
    let keep = |n: &str| (names.is_empty() || names.contains(&n)) && n.starts_with(prefix);
    for (k, s) in stream_views(g, cx, keep).into_iter().enumerate() {
        for l in s.lines {
            if pattern.matches(&l.text) {
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
fn tail(cx: &Context, words: &[String]) -> Outcome {
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
    let g = match self::group(cx, group, OP) {
        Ok(g) => g,
        Err(o) => return o,
    };
    let names: Vec<&str> = args.list("--log-stream-names").collect();
    let prefix = args.one("--log-stream-name-prefix").unwrap_or("");
    let pattern = match pattern(&args, OP) {
        Ok(p) => p,
        Err(o) => return o,
    };
    let mut out = String::new();
    for (l, stream, _) in matching(&g, cx, &names, prefix, &pattern) {
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

fn describe_log_streams(cx: &Context, words: &[String]) -> Outcome {
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
    let g = match self::group(cx, group, OP) {
        Ok(g) => g,
        Err(o) => return o,
    };
    let prefix = args.one("--log-stream-name-prefix").unwrap_or("");
    let mut streams = stream_views(&g, cx, |n| n.starts_with(prefix));
    // The default order is by stream name (LogStreamName).
    streams.sort_by(|a, b| a.name.cmp(&b.name));
    let region = cx.world.net.region.as_str();
    let account = cx.world.net.account_id.as_str();
    let list: Vec<Value> = streams
        .iter()
        .map(|s| {
            let mut v = json!({
                "logStreamName": s.name,
                "creationTime": epoch_millis(s.created),
            });
            if let (Some(first), Some(last)) = (s.lines.first(), s.lines.last()) {
                v["firstEventTimestamp"] = json!(epoch_millis(first.at));
                v["lastEventTimestamp"] = json!(epoch_millis(last.at));
                v["lastIngestionTime"] = json!(epoch_millis(last.at.plus(INGESTION_DELAY)));
            }
            v["arn"] = json!(format!(
                "arn:aws:logs:{region}:{account}:log-group:{group}:log-stream:{}",
                s.name
            ));
            v["storedBytes"] = json!(0);
            v
        })
        .collect();
    shapes_print(&json!({ "logStreams": list }))
}

fn describe_log_groups(cx: &Context, words: &[String]) -> Outcome {
    let args = match parse(words, &[Param::text("--log-group-name-prefix")]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let prefix = args.one("--log-group-name-prefix").unwrap_or("");
    let region = cx.world.net.region.as_str();
    let account = cx.world.net.account_id.as_str();
    let groups: Vec<Value> = groups(cx)
        .into_iter()
        .filter(|(g, _)| g.starts_with(prefix))
        .map(|(g, created)| {
            let mut v = json!({
                "logGroupName": g,
                "creationTime": epoch_millis(created),
            });
            // ECS creates its Container Insights group with a retention of one day [inferred:
            // accounts' exported settings and AWS samples say so; the User Guide does not].
            if g.starts_with("/aws/ecs/containerinsights/") {
                v["retentionInDays"] = json!(1);
            }
            let rest = json!({
                "metricFilterCount": 0,
                "arn": format!("arn:aws:logs:{region}:{account}:log-group:{g}:*"),
                "storedBytes": 0,
                "logGroupClass": "STANDARD",
                "logGroupArn": format!("arn:aws:logs:{region}:{account}:log-group:{g}"),
            });
            if let (Some(v), Value::Object(rest)) = (v.as_object_mut(), rest) {
                v.extend(rest);
            }
            v
        })
        .collect();
    shapes_print(&json!({ "logGroups": groups }))
}

/// The groups that exist now, for Tab.
pub(crate) fn group_names(cx: &Context) -> Vec<String> {
    groups(cx).into_iter().map(|(g, _)| g).collect()
}

/// The streams of group `name` (none if there is no such group), for Tab.
pub(crate) fn stream_names(cx: &Context, name: &str) -> Vec<String> {
    match self::group(cx, name, "describe-log-streams") {
        Ok(g) => stream_views(&g, cx, |_| true)
            .into_iter()
            .map(|s| s.name)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The flags operation `op` takes, for Tab.
pub(crate) fn flags(op: &str) -> &'static [&'static str] {
    match op {
        "get-log-events" => &[
            "--log-group-name",
            "--log-stream-name",
            "--limit",
            "--start-from-head",
        ],
        "filter-log-events" => &[
            "--log-group-name",
            "--log-stream-names",
            "--log-stream-name-prefix",
            "--filter-pattern",
            "--limit",
        ],
        "tail" => &[
            "--since",
            "--filter-pattern",
            "--format",
            "--log-stream-names",
            "--log-stream-name-prefix",
            "--follow",
        ],
        "describe-log-streams" => &["--log-group-name", "--log-stream-name-prefix", "--limit"],
        "describe-log-groups" => &["--log-group-name-prefix"],
        _ => &[],
    }
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
}
