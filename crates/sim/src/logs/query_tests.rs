//! The Logs Insights language: parsing (`super::super::query`) and carrying out (`super`).

use super::super::query::{self, CompileError};
use super::{Outcome, Record, run};

const MINUTE: u64 = 60_000;
const T0: u64 = 1_767_603_600_000;

/// Events of one stream, a minute apart from the run's start.
fn events<'a>(lines: &[&'a str]) -> Vec<Record<'a>> {
    lines
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            let at = T0 + i as u64 * MINUTE;
            Record::new(
                "123456789012:/ecs/web",
                "web/app/1",
                at,
                at + 200,
                l,
                i as u64,
            )
        })
        .collect()
}

fn go(q: &str, lines: &[&str]) -> Outcome {
    let parsed = query::parse(q).unwrap_or_else(|e| panic!("`{q}`: {e:?}"));
    run(&parsed, events(lines), query::DEFAULT_LIMIT)
}

/// Each row's value of `field` ("-" where the row has none).
fn column(o: &Outcome, field: &str) -> Vec<String> {
    o.rows
        .iter()
        .map(|r| {
            r.fields
                .iter()
                .find(|(f, _)| f == field)
                .map_or("-".into(), |(_, v)| v.clone())
        })
        .collect()
}

fn error(q: &str) -> CompileError {
    match query::parse(q) {
        Err(e) => e,
        Ok(parsed) => panic!("`{q}` compiled: {parsed:?}"),
    }
}

#[test]
fn errors_say_what_is_wrong_and_where() {
    let e = error("fields @message | filtr @message like /x/");
    assert_eq!((e.start, e.end), (18, 23));
    assert!(e.message.contains("unknown command 'filtr'"), "{e:?}");
    assert!(
        error("filter @message like /abc")
            .message
            .contains("unterminated regular expression")
    );
    assert!(error("limit 0").message.contains("from 1 to 100000"));
    assert!(error("limit 100001").message.contains("from 1 to 100000"));
    assert!(
        error("dedup @logStream | sort @timestamp")
            .message
            .contains("only limit can follow dedup")
    );
    assert!(
        error("fields frobnicate(@message)")
            .message
            .contains("unknown function 'frobnicate'")
    );
    assert!(
        error("stats median(x)")
            .message
            .contains("not an aggregate function")
    );
    assert!(
        error("filter x like /(/")
            .message
            .contains("invalid regular expression")
    );
    assert!(
        error("stats count(*) by bin(5 minutes)")
            .message
            .contains("bin takes a period")
    );
    assert!(
        error("parse @message \"a=* b=*\" as a")
            .message
            .contains("2 '*' but 1 names")
    );
    assert!(error("").message.contains("no command"));
    assert!(
        error(&"x".repeat(query::MAX_QUERY_LEN + 1))
            .message
            .contains("the most is 10000")
    );
    // Commands read in any case, as AWS's own samples write them; a comment runs to the line's end.
    query::parse(
        "FIELDS @message # the raw line\n| FILTER @message LIKE /x/ | SORT @timestamp DESC",
    )
    .expect("upper-case commands and a comment");
}

#[test]
fn without_fields_a_row_is_the_time_and_the_message_newest_first() {
    let o = go(
        "filter @message like /GET/",
        &["GET /a", "POST /b", "GET /c"],
    );
    assert_eq!(column(&o, "@message"), ["GET /c", "GET /a"]);
    assert_eq!(
        column(&o, "@timestamp"),
        ["2026-01-05 09:02:00.000", "2026-01-05 09:00:00.000"]
    );
    assert_eq!(o.rows[0].fields.len(), 2);
    assert_eq!((o.records_scanned, o.records_matched), (3, 2));
    assert_eq!(o.bytes_scanned, 6 + 7 + 6);
    assert!(o.rows.iter().all(|r| r.ptr.is_some()) && !o.aggregated);
}

#[test]
fn like_is_a_substring_or_a_regular_expression_and_case_sensitive_unless_told() {
    let lines = ["ERROR disk full", "error: timeout", "INFO ok"];
    assert_eq!(go("filter @message like 'ERROR'", &lines).rows.len(), 1);
    assert_eq!(go("filter @message like /(?i)error/", &lines).rows.len(), 2);
    assert_eq!(go("filter @message =~ /^[a-z]+:/", &lines).rows.len(), 1);
    assert_eq!(
        go("filter @message not like /ERROR|INFO/", &lines)
            .rows
            .len(),
        1
    );
}

#[test]
fn json_events_give_their_fields_flattened() {
    let lines = [
        r#"{"verb":"create","user":{"username":"admin","groups":["system:masters"]},"responseStatus":{"code":201}}"#,
        r#"{"verb":"get","user":{"username":"system:anonymous"},"responseStatus":{"code":403}}"#,
        r#"{"verb":"delete","user":{"username":"admin"},"responseStatus":{"code":200}}"#,
        "not json",
    ];
    let o = go(
        "filter responseStatus.code >= 400 | fields verb, user.username",
        &lines,
    );
    assert_eq!(column(&o, "verb"), ["get"]);
    assert_eq!(column(&o, "user.username"), ["system:anonymous"]);
    let o = go(
        "fields user.groups.0 as group | filter ispresent(group)",
        &lines,
    );
    assert_eq!(column(&o, "group"), ["system:masters"]);
    let o = go(
        r#"filter verb in ["create", "delete"] and user.username = "admin""#,
        &lines,
    );
    assert_eq!(o.rows.len(), 2);
    // A number compares with a number written as text, as the audit log's codes are read.
    assert_eq!(
        go(r#"filter responseStatus.code = "403""#, &lines)
            .rows
            .len(),
        1
    );
    assert_eq!(go("filter verb not in ['get']", &lines).rows.len(), 2);
}

#[test]
fn stats_aggregate_by_fields_and_by_time_bins() {
    let lines = [
        r#"{"path":"/a","ms":10}"#,
        r#"{"path":"/b","ms":30}"#,
        r#"{"path":"/a","ms":20}"#,
        r#"{"path":"/a"}"#,
    ];
    let o = go(
        "stats count(*) as n, count(ms) as timed, avg(ms), max(ms), sum(ms) by path | sort n desc",
        &lines,
    );
    assert!(o.aggregated && o.rows.iter().all(|r| r.ptr.is_none()));
    assert_eq!(column(&o, "path"), ["/a", "/b"]);
    assert_eq!(column(&o, "n"), ["3", "1"]);
    assert_eq!(column(&o, "timed"), ["2", "1"]);
    assert_eq!(column(&o, "avg(ms)"), ["15", "30"]);
    assert_eq!(column(&o, "max(ms)"), ["20", "30"]);
    assert_eq!(column(&o, "sum(ms)"), ["30", "30"]);
    let o = go(
        "stats count_distinct(path) as paths, pct(ms, 50) as p50, stddev(ms) as sd",
        &lines,
    );
    assert_eq!(column(&o, "paths"), ["2"]);
    assert_eq!(column(&o, "p50"), ["20"]);
    assert_eq!(column(&o, "sd"), ["10"]);
    // Four events a minute apart, in two-minute bins.
    let o = go("stats count(*) by bin(2m) as t | sort t", &lines);
    assert_eq!(
        column(&o, "t"),
        ["2026-01-05 09:00:00.000", "2026-01-05 09:02:00.000"]
    );
    assert_eq!(column(&o, "count(*)"), ["2", "2"]);
    // earliest and latest read the value of the first and last event that has one.
    let o = go("stats earliest(ms) as first, latest(ms) as last", &lines);
    assert_eq!(
        (column(&o, "first"), column(&o, "last")),
        (vec!["10".to_string()], vec!["20".to_string()])
    );
}

#[test]
fn a_filter_after_stats_on_the_events_fields_reads_the_events() {
    // As in the CloudWatch User Guide's Container Insights samples.
    let lines = [
        r#"{"stream":"stderr","name":"web"}"#,
        r#"{"stream":"stdout","name":"web"}"#,
        r#"{"stream":"stderr","name":"web"}"#,
    ];
    let o = go(
        r#"stats count() as errors by name | filter stream="stderr" | sort errors desc"#,
        &lines,
    );
    assert_eq!(column(&o, "errors"), ["2"]);
    assert_eq!(o.records_matched, 2);
    // A filter on what stats gives filters its rows.
    let o = go("stats count(*) as n by stream | filter n > 1", &lines);
    assert_eq!(column(&o, "stream"), ["stderr"]);
}

#[test]
fn sort_is_natural_and_limit_dedup_and_display_shape_the_rows() {
    let lines = [
        r#"{"host":"ip-10","n":9}"#,
        r#"{"host":"ip-9","n":10}"#,
        r#"{"host":"ip-10","n":1}"#,
        r#"{"n":5}"#,
    ];
    let o = go("sort host asc, n asc", &lines);
    assert_eq!(column(&o, "@message").len(), 4);
    let o = go("fields host, n | sort host asc, n asc", &lines);
    assert_eq!(column(&o, "host"), ["ip-9", "ip-10", "ip-10", "-"]);
    assert_eq!(column(&o, "n"), ["10", "1", "9", "5"]);
    let o = go("fields host, n | sort n desc | limit 2", &lines);
    assert_eq!(column(&o, "n"), ["10", "9"]);
    // dedup keeps the first of each value in the order so far, and every row without one.
    let o = go("fields host, n | sort n desc | dedup host", &lines);
    assert_eq!(column(&o, "n"), ["10", "9", "5"]);
    let o = go("fields host, n, n * 2 as twice | display twice", &lines);
    assert_eq!(o.rows[0].fields, [("twice".to_string(), "10".to_string())]);
}

#[test]
fn parse_takes_fields_out_of_the_message() {
    let lines = [
        "user=ana action=login",
        "user=bo action=logout",
        "nothing here",
    ];
    let o = go(
        r#"parse @message "user=* action=*" as user, action | filter ispresent(user)"#,
        &lines,
    );
    assert_eq!(column(&o, "user"), ["bo", "ana"]);
    assert_eq!(column(&o, "action"), ["logout", "login"]);
    let o = go(
        r"parse @message /action=(?<what>log\w+)/ | stats count(*) by what | sort what",
        &lines,
    );
    // [model] Events without the field make a group of their own, whose rows lack it.
    assert_eq!(column(&o, "what"), ["login", "logout", "-"]);
    assert_eq!(column(&o, "count(*)"), ["1", "1", "1"]);
}

#[test]
fn functions_and_arithmetic() {
    let lines = [r#"{"a":"  Mixed Case  ","b":7,"c":2}"#];
    let o = go(
        "fields toupper(trim(a)) as up, strlen(a) as len, b % c as rem, b ^ c as sq, \
         concat('x', b) as cat, substr('xyZfooxyZ', 3, 3) as mid, coalesce(missing, b) as co, \
         greatest(b, c, 11) as top, floor(b / c) as half",
        &lines,
    );
    let get = |f: &str| column(&o, f)[0].clone();
    assert_eq!(get("up"), "MIXED CASE");
    assert_eq!(get("len"), "14");
    assert_eq!(get("rem"), "1");
    assert_eq!(get("sq"), "49");
    assert_eq!(get("cat"), "x7");
    assert_eq!(get("mid"), "foo");
    assert_eq!(get("co"), "7");
    assert_eq!(get("top"), "11");
    assert_eq!(get("half"), "3");
}
