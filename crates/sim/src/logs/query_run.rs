//! Carrying out a Logs Insights query ([`super::query`]) over log events: each event is a
//! record of its system fields (`@timestamp`, `@message`, `@logStream`, `@log`,
//! `@ingestionTime`) and, when its message is a JSON object, the fields CloudWatch Logs
//! discovers in it (nested keys joined with `.`, array elements by index: `user.groups.0`;
//! Amazon CloudWatch Logs User Guide, "Supported logs and discovered fields"). The commands
//! run in order, each on the rows the one before left.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::Value;

use super::query::{Aggregate, Cmp, Command, Expr, Named, ParseWith, Pattern, Query};
use crate::time::{START_UNIX_SECS, SimTime};

/// The most fields a JSON event gives a record (CloudWatch Logs discovers up to 1,000 per
/// event; User Guide, "Supported logs and discovered fields").
const MAX_DISCOVERED: usize = 1_000;

/// A value of a record's field.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Num(f64),
    Str(String),
    /// A moment, in milliseconds since the Unix epoch (`@timestamp`, `bin(…)`): a number in
    /// arithmetic and comparisons, a date where a result shows it.
    Time(u64),
    Bool(bool),
}

impl Val {
    fn num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Time(t) => Some(*t as f64),
            Val::Str(s) => s.trim().parse().ok(),
            Val::Bool(b) => Some(f64::from(u8::from(*b))),
            Val::Null => None,
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Val::Null => false,
            Val::Bool(b) => *b,
            Val::Num(n) => *n != 0.0,
            Val::Time(_) => true,
            Val::Str(s) => !s.is_empty(),
        }
    }

    /// The value as a result shows it: `2026-01-05 09:01:26.037` for a moment.
    pub fn text(&self) -> Option<String> {
        match self {
            Val::Null => None,
            Val::Num(n) => Some(number(*n)),
            Val::Str(s) => Some(s.clone()),
            Val::Time(t) => Some(result_time(*t)),
            Val::Bool(b) => Some(if *b { "1" } else { "0" }.into()),
        }
    }
}

/// A whole number without a fraction, others as Rust's shortest round-tripping form.
fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// `2026-01-05 09:01:26.037`: how query results show a moment (UTC).
pub fn result_time(epoch_ms: u64) -> String {
    let rel = epoch_ms.saturating_sub(START_UNIX_SECS * 1000);
    let z = SimTime(rel).iso8601_millis_z();
    z.trim_end_matches('Z').replacen('T', " ", 1)
}

/// One log event as the query sees it: its system fields, the fields discovered in a JSON
/// message (when first read), and the fields the query gave it. It borrows the event's text.
#[derive(Debug, Clone, Default)]
pub struct Record<'a> {
    event: Option<Event<'a>>,
    /// Fields the query set (`fields`, `parse`, a `stats` result); they hide the event's own.
    set: BTreeMap<String, Val>,
    /// The fields of a JSON message, discovered when a query first reads one.
    json: std::cell::OnceCell<BTreeMap<String, Val>>,
    /// Which event this is, for the row's `@ptr` (none for a `stats` result).
    ptr: Option<u64>,
}

#[derive(Debug, Clone, Copy)]
struct Event<'a> {
    log: &'a str,
    stream: &'a str,
    at: u64,
    ingested: u64,
    message: &'a str,
}

impl<'a> Record<'a> {
    /// An event of stream `stream` in group `log` (`ACCOUNT:GROUP`), written at `at` (epoch
    /// milliseconds) and ingested at `ingested`; `ptr` tells it apart from the others.
    pub fn new(
        log: &'a str,
        stream: &'a str,
        at: u64,
        ingested: u64,
        message: &'a str,
        ptr: u64,
    ) -> Record<'a> {
        Record {
            event: Some(Event {
                log,
                stream,
                at,
                ingested,
                message,
            }),
            set: BTreeMap::new(),
            json: std::cell::OnceCell::new(),
            ptr: Some(ptr),
        }
    }

    fn get(&self, name: &str) -> Val {
        if let Some(v) = self.set.get(name) {
            return v.clone();
        }
        let Some(e) = self.event else {
            return Val::Null;
        };
        match name {
            "@timestamp" => Val::Time(e.at),
            "@ingestionTime" => Val::Time(e.ingested),
            "@message" => Val::Str(e.message.to_string()),
            "@logStream" => Val::Str(e.stream.to_string()),
            "@log" => Val::Str(e.log.to_string()),
            _ => self
                .json
                .get_or_init(|| discovered(e.message))
                .get(name)
                .cloned()
                .unwrap_or(Val::Null),
        }
    }

    fn time(&self) -> u64 {
        self.event.map_or(0, |e| e.at)
    }

    fn message_len(&self) -> usize {
        self.event.map_or(0, |e| e.message.len())
    }
}

/// The fields of a message that is a JSON object; none for any other.
fn discovered(message: &str) -> BTreeMap<String, Val> {
    let mut fields = BTreeMap::new();
    if message.trim_start().starts_with('{')
        && let Ok(Value::Object(map)) = serde_json::from_str::<Value>(message)
    {
        let mut n = 0;
        for (k, v) in &map {
            discover(&mut fields, k, v, &mut n);
        }
    }
    fields
}

fn discover(out: &mut BTreeMap<String, Val>, path: &str, v: &Value, n: &mut usize) {
    if *n >= MAX_DISCOVERED {
        return;
    }
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                discover(out, &format!("{path}.{k}"), v, n);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                discover(out, &format!("{path}.{i}"), v, n);
            }
        }
        Value::Null => {}
        Value::Bool(b) => {
            *n += 1;
            out.insert(path.into(), Val::Str(b.to_string()));
        }
        Value::Number(x) => {
            *n += 1;
            out.insert(path.into(), x.as_f64().map_or(Val::Null, Val::Num));
        }
        Value::String(s) => {
            *n += 1;
            out.insert(path.into(), Val::Str(s.clone()));
        }
    }
}

/// One result: its fields in the order the query names them (a field with no value in this
/// row is left out of it), and the event it is, unless it is a `stats` result.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub fields: Vec<(String, String)>,
    pub ptr: Option<u64>,
}

/// What a query found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub rows: Vec<Row>,
    /// Whether the rows are `stats` results (which carry no `@ptr`).
    pub aggregated: bool,
    pub records_scanned: usize,
    pub records_matched: usize,
    pub bytes_scanned: usize,
}

/// Carry out `query` over `records`, returning at most `limit` rows.
///
/// Rows come newest first until a `sort` orders them [model: inferred from the User Guide's
/// `dedup` page, which says a query without `sort` keeps "the default descending sort order
/// using @timestamp"].
pub fn run(query: &Query, mut rows: Vec<Record<'_>>, limit: usize) -> Outcome {
    rows.sort_by_key(|r| std::cmp::Reverse(r.time()));
    let records_scanned = rows.len();
    let bytes_scanned = rows.iter().map(Record::message_len).sum();
    let mut shown: Vec<String> = Vec::new();
    let mut display: Option<Vec<String>> = None;
    let mut aggregated = false;
    let mut records_matched = records_scanned;
    let mut limit = limit;
    // Filters carried out early: see `Command::Stats` below.
    let mut done = vec![false; query.commands.len()];
    for (i, command) in query.commands.iter().enumerate() {
        if done[i] {
            continue;
        }
        match command {
            Command::Fields(list) | Command::Display(list) => {
                for r in &mut rows {
                    assign(r, list);
                }
                let names = list.iter().map(|n| n.name.clone());
                if matches!(command, Command::Display(_)) {
                    display = Some(names.collect());
                } else {
                    for n in names {
                        if !shown.contains(&n) {
                            shown.push(n);
                        }
                    }
                }
            }
            Command::Filter(e) => {
                rows.retain(|r| eval(e, r).truthy());
                if !aggregated {
                    records_matched = rows.len();
                }
            }
            Command::Parse { source, how } => {
                for r in &mut rows {
                    parse_into(r, source, how);
                }
                let names: Vec<String> = match how {
                    ParseWith::Glob { names, .. } => names.clone(),
                    ParseWith::Regex(re) => {
                        re.capture_names().flatten().map(String::from).collect()
                    }
                };
                for n in names {
                    if !shown.contains(&n) {
                        shown.push(n);
                    }
                }
            }
            Command::Stats { aggregates, by } => {
                let out: Vec<String> = by
                    .iter()
                    .map(|n| n.name.clone())
                    .chain(aggregates.iter().map(|a| a.name.clone()))
                    .collect();
                // AWS's own sample queries filter after `stats` on fields it does not give
                // (`stats count() as n by kubernetes.container_name | filter stream="stderr"`):
                // such a filter reads the events, so it is carried out before the `stats`
                // [model: inferred from those samples; the User Guide does not say].
                for (j, later) in query.commands.iter().enumerate().skip(i + 1) {
                    match later {
                        Command::Stats { .. } => break,
                        Command::Filter(e) if reads_none_of(e, &out) => {
                            rows.retain(|r| eval(e, r).truthy());
                            done[j] = true;
                        }
                        _ => {}
                    }
                }
                if !aggregated {
                    records_matched = rows.len();
                }
                rows = stats(&rows, aggregates, by);
                shown = out;
                aggregated = true;
            }
            Command::Sort(keys) => rows.sort_by(|a, b| {
                for (k, desc) in keys {
                    let o = order(&eval(k, a), &eval(k, b));
                    let o = if *desc { o.reverse() } else { o };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            }),
            Command::Limit(n) => limit = limit.min(*n),
            Command::Dedup(keys) => {
                let mut seen = std::collections::HashSet::new();
                rows.retain(|r| {
                    let key: Vec<Option<String>> = keys.iter().map(|k| eval(k, r).text()).collect();
                    // "null values are not treated as duplicates" (User Guide, "dedup").
                    key.iter().any(Option::is_none) || seen.insert(key)
                });
                if !aggregated {
                    records_matched = rows.len();
                }
            }
        }
    }
    // Without `fields`, `display` or `stats`, a row is the event's time and message ("the
    // query results display the @timestamp field and all log data in the @message field").
    let columns = display.unwrap_or(if shown.is_empty() {
        vec!["@timestamp".into(), "@message".into()]
    } else {
        shown
    });
    let rows = rows
        .iter()
        .map(|r| Row {
            fields: columns
                .iter()
                .filter_map(|c| r.get(c).text().map(|v| (c.clone(), v)))
                .collect(),
            ptr: r.ptr,
        })
        // [model] A `stats` row with no value at all (a group of events without the `by`
        // field, none of which has what it aggregates) is not shown.
        .filter(|r| !(aggregated && r.fields.is_empty()))
        .take(limit)
        .collect();
    Outcome {
        rows,
        aggregated,
        records_scanned,
        records_matched,
        bytes_scanned,
    }
}

/// Whether expression `e` reads none of the fields `names`.
fn reads_none_of(e: &Expr, names: &[String]) -> bool {
    match e {
        Expr::Field(f) => !names.contains(f),
        Expr::Str(_) | Expr::Num(_) | Expr::Bin(_) => true,
        Expr::Not(x) | Expr::Neg(x) | Expr::Like(x, ..) => reads_none_of(x, names),
        Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(a, _, b) | Expr::Arith(a, _, b) => {
            reads_none_of(a, names) && reads_none_of(b, names)
        }
        Expr::In(x, items, _) => {
            reads_none_of(x, names) && items.iter().all(|i| reads_none_of(i, names))
        }
        Expr::Call(_, args) => args.iter().all(|a| reads_none_of(a, names)),
    }
}

fn assign(r: &mut Record<'_>, list: &[Named]) {
    for n in list {
        if let Expr::Field(f) = &n.expr
            && *f == n.name
        {
            continue;
        }
        let v = eval(&n.expr, r);
        r.set.insert(n.name.clone(), v);
    }
}

fn parse_into(r: &mut Record<'_>, source: &Expr, how: &ParseWith) {
    let text = match eval(source, r) {
        Val::Null => return,
        v => v.text().unwrap_or_default(),
    };
    match how {
        ParseWith::Glob { parts, names } => {
            if let Some(values) = glob(&text, parts) {
                for (n, v) in names.iter().zip(values) {
                    r.set.insert(n.clone(), Val::Str(v));
                }
            }
        }
        ParseWith::Regex(re) => {
            if let Some(c) = re.captures(&text) {
                for n in re.capture_names().flatten() {
                    if let Some(m) = c.name(n) {
                        r.set
                            .insert(n.to_string(), Val::Str(m.as_str().to_string()));
                    }
                }
            }
        }
    }
}

/// The text between the literal `parts` of a glob, in order (the first match of each part
/// after the one before; `*` takes the shortest text up to the next part, the last one the
/// rest of the line).
fn glob(text: &str, parts: &[String]) -> Option<Vec<String>> {
    let (first, rest) = parts.split_first()?;
    let mut at = text.find(first.as_str())? + first.len();
    let mut out = Vec::new();
    for (i, p) in rest.iter().enumerate() {
        let last = i + 1 == rest.len();
        if last && p.is_empty() {
            out.push(text[at..].to_string());
            at = text.len();
        } else {
            let end = text[at..].find(p.as_str())? + at;
            out.push(text[at..end].to_string());
            at = end + p.len();
        }
    }
    Some(out)
}

fn eval(e: &Expr, r: &Record<'_>) -> Val {
    match e {
        Expr::Field(f) => r.get(f),
        Expr::Str(s) => Val::Str(s.clone()),
        Expr::Num(n) => Val::Num(*n),
        Expr::Not(x) => Val::Bool(!eval(x, r).truthy()),
        Expr::Neg(x) => eval(x, r).num().map_or(Val::Null, |n| Val::Num(-n)),
        Expr::And(a, b) => Val::Bool(eval(a, r).truthy() && eval(b, r).truthy()),
        Expr::Or(a, b) => Val::Bool(eval(a, r).truthy() || eval(b, r).truthy()),
        Expr::Compare(a, cmp, b) => {
            let (a, b) = (eval(a, r), eval(b, r));
            if a == Val::Null || b == Val::Null {
                return Val::Bool(false);
            }
            let o = compare(&a, &b);
            Val::Bool(match cmp {
                Cmp::Eq => o == Ordering::Equal,
                Cmp::Ne => o != Ordering::Equal,
                Cmp::Lt => o == Ordering::Less,
                Cmp::Le => o != Ordering::Greater,
                Cmp::Gt => o == Ordering::Greater,
                Cmp::Ge => o != Ordering::Less,
            })
        }
        Expr::Arith(a, op, b) => match (eval(a, r).num(), eval(b, r).num()) {
            (Some(x), Some(y)) => match op {
                '+' => Val::Num(x + y),
                '-' => Val::Num(x - y),
                '*' => Val::Num(x * y),
                '/' if y != 0.0 => Val::Num(x / y),
                '%' if y != 0.0 => Val::Num(x % y),
                '^' => Val::Num(x.powf(y)),
                _ => Val::Null,
            },
            _ => Val::Null,
        },
        Expr::Like(x, pattern, negated) => {
            let Some(text) = eval(x, r).text() else {
                return Val::Bool(false);
            };
            let found = match pattern {
                Pattern::Regex(re) => re.is_match(&text),
                Pattern::Substring(s) => text.contains(s.as_str()),
            };
            Val::Bool(found != *negated)
        }
        Expr::In(x, items, negated) => {
            let v = eval(x, r);
            if v == Val::Null {
                return Val::Bool(false);
            }
            let found = items
                .iter()
                .any(|i| compare(&v, &eval(i, r)) == Ordering::Equal);
            Val::Bool(found != *negated)
        }
        Expr::Bin(period) => {
            let t = r.time();
            Val::Time(t - t % period)
        }
        Expr::Call(f, args) => call(f, args, r),
    }
}

/// Numbers compare as numbers (a string that reads as one included); other values as text.
fn compare(a: &Val, b: &Val) -> Ordering {
    let numeric = |v: &Val| matches!(v, Val::Num(_) | Val::Time(_));
    if (numeric(a) || numeric(b))
        && let (Some(x), Some(y)) = (a.num(), b.num())
    {
        return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    }
    a.text()
        .unwrap_or_default()
        .cmp(&b.text().unwrap_or_default())
}

/// `sort`'s "natural" order (User Guide, "sort"): ascending, every value that is not a number
/// comes before every number; numbers compare as numbers; other values chunk by chunk, a run
/// of digits against a run of digits by its length and then its digits, other runs by their
/// characters. [model] A row without the field comes after every value.
fn order(a: &Val, b: &Val) -> Ordering {
    let is_num = |v: &Val| matches!(v, Val::Num(_) | Val::Time(_));
    match (a, b) {
        (Val::Null, Val::Null) => Ordering::Equal,
        (Val::Null, _) => Ordering::Greater,
        (_, Val::Null) => Ordering::Less,
        _ if is_num(a) && is_num(b) => compare(a, b),
        _ if is_num(a) => Ordering::Greater,
        _ if is_num(b) => Ordering::Less,
        _ => natural(&a.text().unwrap_or_default(), &b.text().unwrap_or_default()),
    }
}

/// Compare two texts chunk by chunk (digit runs by length, then by digits).
fn natural(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a, b);
    loop {
        let (cx, rx) = chunk(x);
        let (cy, ry) = chunk(y);
        let o = match (cx, cy) {
            ("", "") => return Ordering::Equal,
            (p, q)
                if p.starts_with(|c: char| c.is_ascii_digit())
                    && q.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                p.len().cmp(&q.len()).then_with(|| p.cmp(q))
            }
            (p, q) => p.cmp(q),
        };
        if o != Ordering::Equal {
            return o;
        }
        (x, y) = (rx, ry);
    }
}

/// The first run of digits, or of other characters, and the rest.
fn chunk(s: &str) -> (&str, &str) {
    let digit = s.starts_with(|c: char| c.is_ascii_digit());
    let end = s
        .find(|c: char| c.is_ascii_digit() != digit)
        .unwrap_or(s.len());
    s.split_at(end)
}

fn call(f: &str, args: &[Expr], r: &Record<'_>) -> Val {
    let vals: Vec<Val> = args.iter().map(|a| eval(a, r)).collect();
    let text = |i: usize| vals.get(i).and_then(Val::text);
    let num = |i: usize| vals.get(i).and_then(Val::num);
    match f {
        "ispresent" => Val::Bool(vals.first().is_some_and(|v| *v != Val::Null)),
        "isempty" => Val::Bool(text(0).is_none_or(|s| s.is_empty())),
        "isblank" => Val::Bool(text(0).is_none_or(|s| s.trim().is_empty())),
        "strlen" => text(0).map_or(Val::Null, |s| Val::Num(s.chars().count() as f64)),
        "tolower" => text(0).map_or(Val::Null, |s| Val::Str(s.to_lowercase())),
        "toupper" => text(0).map_or(Val::Null, |s| Val::Str(s.to_uppercase())),
        "trim" => text(0).map_or(Val::Null, |s| Val::Str(s.trim().to_string())),
        "ltrim" => text(0).map_or(Val::Null, |s| Val::Str(s.trim_start().to_string())),
        "rtrim" => text(0).map_or(Val::Null, |s| Val::Str(s.trim_end().to_string())),
        "concat" => Val::Str((0..vals.len()).filter_map(text).collect()),
        "substr" => match (text(0), num(1)) {
            (Some(s), Some(start)) => {
                let start = start.max(0.0) as usize;
                let chars = s.chars().skip(start);
                Val::Str(match num(2) {
                    Some(len) => chars.take(len.max(0.0) as usize).collect(),
                    None => chars.collect(),
                })
            }
            _ => Val::Null,
        },
        "replace" => match (text(0), text(1), text(2)) {
            (Some(s), Some(from), Some(to)) if !from.is_empty() => Val::Str(s.replace(&from, &to)),
            (Some(s), ..) => Val::Str(s),
            _ => Val::Null,
        },
        "strcontains" => match (text(0), text(1)) {
            (Some(s), Some(sub)) => Val::Bool(s.contains(&sub)),
            _ => Val::Null,
        },
        "abs" => num(0).map_or(Val::Null, |n| Val::Num(n.abs())),
        "ceil" => num(0).map_or(Val::Null, |n| Val::Num(n.ceil())),
        "floor" => num(0).map_or(Val::Null, |n| Val::Num(n.floor())),
        "sqrt" => num(0)
            .filter(|n| *n >= 0.0)
            .map_or(Val::Null, |n| Val::Num(n.sqrt())),
        "log" => num(0)
            .filter(|n| *n > 0.0)
            .map_or(Val::Null, |n| Val::Num(n.ln())),
        "greatest" | "least" => {
            let xs = (0..vals.len()).filter_map(num);
            let pick = if f == "greatest" {
                xs.reduce(f64::max)
            } else {
                xs.reduce(f64::min)
            };
            pick.map_or(Val::Null, Val::Num)
        }
        "coalesce" => vals
            .into_iter()
            .find(|v| *v != Val::Null)
            .unwrap_or(Val::Null),
        _ => Val::Null,
    }
}

fn stats<'a>(rows: &[Record<'a>], aggregates: &[Aggregate], by: &[Named]) -> Vec<Record<'a>> {
    // Groups in the order their first row came, each with its key's values.
    let mut groups: Vec<(Vec<Val>, Vec<&Record<'a>>)> = Vec::new();
    let mut index: std::collections::HashMap<Vec<Option<String>>, usize> = Default::default();
    for r in rows {
        let key: Vec<Val> = by.iter().map(|n| eval(&n.expr, r)).collect();
        let text: Vec<Option<String>> = key.iter().map(Val::text).collect();
        let i = *index.entry(text).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(r);
    }
    if by.is_empty() && groups.is_empty() {
        groups.push((Vec::new(), Vec::new()));
    }
    groups
        .into_iter()
        .map(|(key, members)| {
            let mut out = Record::default();
            for (n, v) in by.iter().zip(key) {
                out.set.insert(n.name.clone(), v);
            }
            for a in aggregates {
                out.set.insert(a.name.clone(), aggregate(a, &members));
            }
            out
        })
        .collect()
}

fn aggregate(a: &Aggregate, rows: &[&Record<'_>]) -> Val {
    let values = || {
        rows.iter()
            .map(|r| a.arg.as_ref().map_or(Val::Num(1.0), |e| eval(e, r)))
            .filter(|v| *v != Val::Null)
    };
    let numbers = || values().filter_map(|v| v.num());
    match a.function.as_str() {
        "count" => Val::Num(values().count() as f64),
        "count_distinct" => {
            let set: std::collections::HashSet<String> =
                values().filter_map(|v| v.text()).collect();
            Val::Num(set.len() as f64)
        }
        "sum" => Val::Num(numbers().sum()),
        "stddev" => {
            // The sample standard deviation [model: the User Guide says only "standard
            // deviation"].
            let xs: Vec<f64> = numbers().collect();
            if xs.len() < 2 {
                return if xs.is_empty() {
                    Val::Null
                } else {
                    Val::Num(0.0)
                };
            }
            let mean = xs.iter().sum::<f64>() / xs.len() as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
            Val::Num(var.sqrt())
        }
        "avg" => {
            let (n, s) = numbers().fold((0usize, 0.0), |(n, s), x| (n + 1, s + x));
            if n == 0 {
                Val::Null
            } else {
                Val::Num(s / n as f64)
            }
        }
        "min" | "max" => {
            let want = if a.function == "min" {
                Ordering::Less
            } else {
                Ordering::Greater
            };
            values()
                .filter(|v| v.num().is_some())
                .reduce(|best, v| if compare(&v, &best) == want { v } else { best })
                .unwrap_or(Val::Null)
        }
        "pct" => {
            let mut xs: Vec<f64> = numbers().collect();
            if xs.is_empty() {
                return Val::Null;
            }
            xs.sort_by(|a, b| a.partial_cmp(b).unwrap_or(Ordering::Equal));
            // The nearest rank [model: CloudWatch Logs does not say how it ranks].
            let p = a.percentile.unwrap_or(50.0) / 100.0;
            let rank = ((p * xs.len() as f64).ceil() as usize).clamp(1, xs.len());
            Val::Num(xs[rank - 1])
        }
        "earliest" | "latest" => {
            let pick = rows
                .iter()
                .filter(|r| a.arg.as_ref().is_some_and(|e| eval(e, r) != Val::Null));
            let r = if a.function == "earliest" {
                pick.min_by_key(|r| r.time())
            } else {
                pick.max_by_key(|r| r.time())
            };
            match (r, &a.arg) {
                (Some(r), Some(e)) => eval(e, r),
                _ => Val::Null,
            }
        }
        _ => Val::Null,
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
