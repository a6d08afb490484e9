//! `aws logs start-query | get-query-results | describe-queries | stop-query`: CloudWatch Logs
//! Insights over the log groups Orca models (the query language in `crate::logs::query`), in
//! the shapes of the CloudWatch Logs API Reference (StartQuery, GetQueryResults,
//! DescribeQueries, StopQuery; <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html>).
//!
//! A query is asynchronous in CloudWatch Logs: `start-query` answers with its id, and
//! `get-query-results` reads what it found. The console keeps the queries of its session in a
//! [`QueryBook`] (the app's console panel, or a command script, owns one).
//! [model] A query completes at the moment it starts: a real one runs for seconds, and a
//! query started while the run is paused would never finish. So `stop-query` always finds it
//! ended.

use std::sync::Mutex;

use rand::SeedableRng;
use serde_json::{Value, json};

use super::args::{Args, Param};
use super::logs::{self, Group};
use super::{exception, shapes};
use crate::console::{Context, Outcome};
use crate::logs::cloudwatch::INGESTION_DELAY;
use crate::logs::query::{self, CompileError, DEFAULT_LIMIT, MAX_LIMIT};
use crate::logs::query_run::{self, Record};
use crate::logs::{StreamLines, epoch_millis};
use crate::time::{START_UNIX_SECS, SimTime};

/// A session keeps its newest this many queries (and what they found); an older one's id is
/// then unknown [model: CloudWatch Logs keeps results for 7 days; the cap bounds what a long
/// command script holds].
pub const MAX_KEPT: usize = 100;

/// A query may read at most this many log groups ("up to 50 log groups", API Reference,
/// StartQuery, `logGroupNames`).
const MAX_GROUPS: usize = 50;

/// A query this console session started, and what it found.
#[derive(Debug, Clone)]
pub struct StartedQuery {
    pub id: String,
    pub at: SimTime,
    pub groups: Vec<String>,
    pub query_string: String,
    pub found: query_run::Outcome,
}

/// The Logs Insights queries of one console session, oldest first. Start and read them from
/// any command of the session; nothing else changes them.
#[derive(Debug, Default)]
pub struct QueryBook(Mutex<Book>);

#[derive(Debug, Default)]
struct Book {
    /// The newest [`MAX_KEPT`], oldest first.
    kept: Vec<StartedQuery>,
    /// How many the session started (an id's draw counts them).
    started: usize,
}

impl QueryBook {
    fn with<R>(&self, f: impl FnOnce(&mut Book) -> R) -> R {
        // A panic while the book was held cannot leave it half-written (a push and a count).
        let mut book = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut book)
    }

    /// How many queries the session started.
    pub fn len(&self) -> usize {
        self.with(|b| b.started)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids of the session's queries, for Tab.
    pub fn ids(&self) -> Vec<String> {
        self.with(|b| b.kept.iter().map(|q| q.id.clone()).collect())
    }

    /// The queries kept, oldest first.
    fn kept(&self) -> Vec<StartedQuery> {
        self.with(|b| b.kept.clone())
    }
}

/// `aws logs OP …` for the Logs Insights operations (`aws::run_command` routes them here).
pub fn run(op: &str, words: &[String], cx: &Context) -> Outcome {
    match op {
        "start-query" => start(cx, words),
        "get-query-results" => results(cx, words),
        "describe-queries" => describe(cx, words),
        _ => stop(cx, words),
    }
}

fn parse(words: &[String], params: &[Param]) -> Result<Args, Outcome> {
    super::args::parse(words, params).map_err(Outcome::Fail)
}

fn start(cx: &Context, words: &[String]) -> Outcome {
    const OP: &str = "start-query";
    let args = match parse(
        words,
        &[
            Param::text("--log-group-name"),
            Param::list("--log-group-names"),
            Param::list("--log-group-identifiers"),
            Param::int("--start-time").required(),
            Param::int("--end-time").required(),
            Param::text("--query-string").required(),
            Param::int("--limit"),
            Param::text("--query-language"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let time = |name: &str| match args.int(name) {
        Some(Ok(n)) => Ok(n),
        Some(Err(e)) => Err(Outcome::Fail(e)),
        None => Ok(0),
    };
    let (from, to) = match (time("--start-time"), time("--end-time")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(o), _) | (_, Err(o)) => return o,
    };
    for (name, v) in [("startTime", from), ("endTime", to)] {
        if v < 0 {
            // The SDK checks the model's minimum before it sends anything.
            return Outcome::Fail(format!(
                "\nParameter validation failed:\nInvalid value for parameter {name}, value: {v}, valid min value: 0\n"
            ));
        }
    }
    let limit = match args.int("--limit") {
        None => DEFAULT_LIMIT,
        Some(Err(e)) => return Outcome::Fail(e),
        Some(Ok(n)) if n < 1 => {
            return Outcome::Fail(format!(
                "\nParameter validation failed:\nInvalid value for parameter limit, value: {n}, valid min value: 1\n"
            ));
        }
        Some(Ok(n)) if n > MAX_LIMIT as i64 => {
            return logs::out_of_range(OP, "limit", n, 1, MAX_LIMIT as i64);
        }
        Some(Ok(n)) => n as usize,
    };
    match args.one("--query-language") {
        None | Some("CWLI") => {}
        Some(other @ ("SQL" | "PPL")) => {
            return Outcome::Fail(format!(
                "error: Orca's console carries out Logs Insights QL (CWLI) queries, not {other}\n"
            ));
        }
        Some(other) => {
            return exception(
                OP,
                "InvalidParameterException",
                &format!(
                    "1 validation error detected: Value '{other}' at 'queryLanguage' failed to satisfy constraint: Member must satisfy enum value set: [CWLI, SQL, PPL]"
                ),
            );
        }
    }
    let names = match group_names(cx, &args) {
        Ok(n) => n,
        Err(o) => return o,
    };
    if from > to {
        // [model] The API Reference does not give the message.
        return exception(
            OP,
            "InvalidParameterException",
            "endTime must be greater than or equal to startTime",
        );
    }
    let text = args.one("--query-string").unwrap_or_default();
    let parsed = match query::parse(text) {
        Ok(q) => q,
        Err(e) => return malformed(text, &e),
    };
    let mut groups = Vec::new();
    for name in &names {
        match logs::group(cx, name, OP) {
            Ok(g) => groups.push(g),
            Err(_) => {
                // The message StartQuery gives for a group that does not exist.
                return exception(
                    OP,
                    "ResourceNotFoundException",
                    &format!(
                        "Log group '{name}' does not exist for account ID '{}'",
                        cx.world.net.account_id
                    ),
                );
            }
        }
    }
    // Both ends are whole seconds and both are included.
    let window = (from as u64 * 1000)..=(to as u64 * 1000 + 999);
    let views = views(cx, &names, &groups);
    let found = query_run::run(&parsed, records(&views, window), limit);
    let Some(book) = cx.queries else {
        return Outcome::Fail(
            "error: this console keeps no Logs Insights queries (start-query needs a console session)\n"
                .into(),
        );
    };
    let id = book.with(|b| {
        let id = query_id(cx.now, text, &names, b.started);
        b.started += 1;
        if b.kept.len() >= MAX_KEPT {
            b.kept.remove(0);
        }
        b.kept.push(StartedQuery {
            id: id.clone(),
            at: cx.now,
            groups: names.clone(),
            query_string: text.to_string(),
            found,
        });
        id
    });
    Outcome::Print(shapes::pretty(&json!({ "queryId": id })))
}

/// The groups named by exactly one of `--log-group-name`, `--log-group-names` and
/// `--log-group-identifiers` (names or ARNs).
fn group_names(cx: &Context, args: &Args) -> Result<Vec<String>, Outcome> {
    let one: Vec<String> = args
        .one("--log-group-name")
        .map(str::to_string)
        .into_iter()
        .collect();
    let many: Vec<String> = args.list("--log-group-names").map(str::to_string).collect();
    let ids: Vec<String> = args
        .list("--log-group-identifiers")
        .map(|i| group_of_identifier(cx, i))
        .collect();
    let given: Vec<Vec<String>> = [one, many, ids]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect();
    let [names] = given.as_slice() else {
        // [model] The API Reference says a request "must include exactly one" of them; the
        // message is Orca's.
        return Err(exception(
            "start-query",
            "InvalidParameterException",
            "A StartQuery operation must include exactly one of logGroupName, logGroupNames or logGroupIdentifiers",
        ));
    };
    if names.len() > MAX_GROUPS {
        return Err(exception(
            "start-query",
            "InvalidParameterException",
            &format!(
                "1 validation error detected: Value at 'logGroupNames' failed to satisfy constraint: Member must have length less than or equal to {MAX_GROUPS}"
            ),
        ));
    }
    let mut names = names.clone();
    names.dedup();
    Ok(names)
}

/// A log group's name from its identifier: the name itself, or its ARN
/// (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME`).
fn group_of_identifier(cx: &Context, id: &str) -> String {
    let prefix = format!(
        "arn:aws:logs:{}:{}:log-group:",
        cx.world.net.region, cx.world.net.account_id
    );
    id.strip_prefix(&prefix).unwrap_or(id).to_string()
}

/// What each group holds now: `ACCOUNT:GROUP` (a record's `@log`) and its streams.
fn views(cx: &Context, names: &[String], groups: &[Group]) -> Vec<(String, Vec<StreamLines>)> {
    let account = cx.world.net.account_id.as_str();
    names
        .iter()
        .zip(groups)
        .map(|(name, g)| {
            (
                format!("{account}:{name}"),
                logs::stream_views(g, cx, |_| true),
            )
        })
        .collect()
}

/// Every event of the groups written within `window` (epoch milliseconds).
fn records(
    views: &[(String, Vec<StreamLines>)],
    window: std::ops::RangeInclusive<u64>,
) -> Vec<Record<'_>> {
    let mut out = Vec::new();
    for (gi, (log, streams)) in views.iter().enumerate() {
        for (si, s) in streams.iter().enumerate() {
            for (li, l) in s.lines.iter().enumerate() {
                let at = epoch_millis(l.at);
                if !window.contains(&at) {
                    continue;
                }
                let ingested = epoch_millis(l.at.plus(INGESTION_DELAY));
                let ptr = (gi as u64) << 48 | (si as u64) << 24 | li as u64;
                out.push(Record::new(log, &s.name, at, ingested, &l.text, ptr));
            }
        }
    }
    out
}

/// A query id: a UUID drawn from what the query is and when it started (the same session and
/// commands give the same ids).
fn query_id(now: SimTime, text: &str, names: &[String], n: usize) -> String {
    let mut h = crate::hash::fnv(text);
    for g in names {
        h = crate::hash::fnv1a_from(h, g.bytes());
    }
    h = crate::hash::fnv1a_from(h, now.0.to_le_bytes().into_iter().chain(n.to_le_bytes()));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(h);
    crate::rng::uuid(&mut rng)
}

/// The CLI's MalformedQueryException. [model] CloudWatch Logs' own messages are not
/// documented; Orca's say what is wrong and where (line and position, counted from 1).
fn malformed(text: &str, e: &CompileError) -> Outcome {
    let before = &text[..e.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.chars().rev().take_while(|c| *c != '\n').count() + 1;
    exception(
        "start-query",
        "MalformedQueryException",
        &format!("{} at line {line} and position {column}", e.message),
    )
}

/// The id a command names, or the service's answer when the session has no such query.
fn find(cx: &Context, op: &str, id: &str) -> Result<StartedQuery, Outcome> {
    cx.queries
        .and_then(|b| b.with(|b| b.kept.iter().find(|q| q.id == id).cloned()))
        .ok_or_else(|| {
            // [model] The message is Orca's: the API Reference lists ResourceNotFoundException.
            exception(
                op,
                "ResourceNotFoundException",
                &format!("Query {id} does not exist"),
            )
        })
}

/// `@ptr`: an opaque pointer to the event a row came from [model: CloudWatch Logs' pointers are
/// longer; this one names the query's group, stream and event].
fn pointer(q: &StartedQuery, ptr: u64) -> String {
    let mut bytes = q.id.as_bytes()[..8.min(q.id.len())].to_vec();
    bytes.extend_from_slice(&ptr.to_be_bytes());
    crate::eks_endpoint::base64(&bytes)
}

fn results(cx: &Context, words: &[String]) -> Outcome {
    const OP: &str = "get-query-results";
    let args = match parse(
        words,
        &[
            Param::text("--query-id").required(),
            Param::int("--max-items"),
            Param::text("--next-token"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let q = match find(cx, OP, args.one("--query-id").unwrap_or_default()) {
        Ok(q) => q,
        Err(o) => return o,
    };
    let rows: Vec<Value> = q
        .found
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<Value> = r
                .fields
                .iter()
                .map(|(f, v)| json!({ "field": f, "value": v }))
                .collect();
            if let (false, Some(p)) = (q.found.aggregated, r.ptr) {
                cells.push(json!({ "field": "@ptr", "value": pointer(&q, p) }));
            }
            Value::Array(cells)
        })
        .collect();
    let f = |n: usize| n as f64;
    Outcome::Print(shapes::pretty(&json!({
        "queryLanguage": "CWLI",
        "results": rows,
        "statistics": {
            "recordsMatched": f(q.found.records_matched),
            "recordsScanned": f(q.found.records_scanned),
            "bytesScanned": f(q.found.bytes_scanned),
        },
        "status": "Complete",
    })))
}

fn describe(cx: &Context, words: &[String]) -> Outcome {
    const OP: &str = "describe-queries";
    let args = match parse(
        words,
        &[
            Param::text("--log-group-name"),
            Param::text("--status"),
            Param::int("--max-results"),
            Param::text("--query-language"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let statuses = [
        "Scheduled",
        "Running",
        "Complete",
        "Failed",
        "Cancelled",
        "Timeout",
        "Unknown",
    ];
    if let Some(s) = args.one("--status")
        && !statuses.contains(&s)
    {
        return exception(
            OP,
            "InvalidParameterException",
            &format!(
                "1 validation error detected: Value '{s}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                statuses.join(", ")
            ),
        );
    }
    let max = match args.int("--max-results") {
        None => 1000,
        Some(Err(e)) => return Outcome::Fail(e),
        Some(Ok(n)) if (1..=1000).contains(&n) => n as usize,
        Some(Ok(n)) => return logs::out_of_range(OP, "maxResults", n, 1, 1000),
    };
    let group = args.one("--log-group-name");
    let list = cx.queries.map(QueryBook::kept).unwrap_or_default();
    let queries: Vec<Value> = list
        .iter()
        .rev()
        .filter(|_| args.one("--status").is_none_or(|s| s == "Complete"))
        .filter(|q| group.is_none_or(|g| q.groups.iter().any(|x| x == g)))
        .take(max)
        .map(|q| {
            json!({
                "queryLanguage": "CWLI",
                "queryId": q.id,
                "queryString": q.query_string,
                "status": "Complete",
                "createTime": epoch_millis(q.at),
                "logGroupName": q.groups.first().cloned().unwrap_or_default(),
            })
        })
        .collect();
    Outcome::Print(shapes::pretty(&json!({ "queries": queries })))
}

fn stop(cx: &Context, words: &[String]) -> Outcome {
    const OP: &str = "stop-query";
    let args = match parse(words, &[Param::text("--query-id").required()]) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let id = args.one("--query-id").unwrap_or_default();
    if let Err(o) = find(cx, OP, id) {
        return o;
    }
    // "If the query has already ended, the operation returns an error indicating that the
    // specified query is not running." (API Reference, StopQuery) [model: the code and words
    // are Orca's]
    exception(
        OP,
        "InvalidParameterException",
        &format!("Query {id} is not running: it is Complete"),
    )
}

/// The epoch seconds of the run's start and of this moment: what `--start-time` and
/// `--end-time` take (for Tab and help).
pub fn epoch_seconds(now: SimTime) -> (u64, u64) {
    (START_UNIX_SECS, START_UNIX_SECS + now.0.div_ceil(1000))
}

/// The flags operation `op` takes, for Tab.
pub fn flags(op: &str) -> &'static [&'static str] {
    match op {
        "start-query" => &[
            "--log-group-name",
            "--log-group-names",
            "--log-group-identifiers",
            "--start-time",
            "--end-time",
            "--query-string",
            "--limit",
        ],
        "get-query-results" | "stop-query" => &["--query-id"],
        "describe-queries" => &["--log-group-name", "--status", "--max-results"],
        _ => &[],
    }
}
