//! A corpus of broken scenarios (`tests/malformed/*.ron`), each with the exact errors it must
//! give (`*.expected`: `file:line:col: message` lines). A change in wording or location fails.
//!
//! After a deliberate change of wording, `ORCA_BLESS=1 cargo test -p orca-sim --test scenario`
//! rewrites the `.expected` files; review the diff before keeping it.

use crate::common;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use orca_sim::scenario::locate::Index;
use orca_sim::scenario::{self, MAX_FILE_BYTES, limits};
use orca_sim::{SimTime, Simulation};

fn corpus() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    ron_files(&dir)
}

fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The errors of `src`, one `file:line:col: message` per line; "" when it parses.
fn errors(name: &str, src: &str) -> String {
    match scenario::parse(name, src) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

/// The errors of a file's bytes, as `orca check` reads them (they need not be UTF-8).
fn errors_in_bytes(name: &str, bytes: &[u8]) -> String {
    match scenario::parse_bytes(name, bytes) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_malformed_scenario_gives_its_expected_errors() {
    let files = corpus();
    assert!(
        files.len() >= 25,
        "only {} malformed scenarios",
        files.len()
    );
    let bless = std::env::var_os("ORCA_BLESS").is_some();
    let mut failures = Vec::new();
    for path in files {
        let name = file_name(&path);
        let bytes = std::fs::read(&path).expect("read");
        let got = errors_in_bytes(&name, &bytes);
        let expected_path = path.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, format!("{got}\n")).expect("write .expected");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        if got.is_empty() {
            failures.push(format!("{name}: parsed without error"));
        } else if got.trim_end() != expected.trim_end() {
            failures.push(format!(
                "{name}:\n  expected: {}\n  got:      {got}",
                expected.trim_end().replace('\n', "\n            ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_error_points_inside_its_file() {
    for path in corpus() {
        let name = file_name(&path);
        let bytes = std::fs::read(&path).expect("read");
        let Err(e) = scenario::parse_bytes(&name, &bytes) else {
            continue;
        };
        let lines = line_count(&String::from_utf8_lossy(&bytes));
        for err in &e.0 {
            assert!(
                err.line >= 1 && err.line <= lines && err.column >= 1,
                "{err}: outside the file"
            );
        }
    }
}

/// Lines as an editor counts them: ended by a line feed, a carriage return and line feed, or a
/// carriage return alone.
fn line_count(src: &str) -> usize {
    let lone_cr = src
        .match_indices('\r')
        .filter(|(i, _)| !src[i + 1..].starts_with('\n'))
        .count();
    src.matches('\n').count() + lone_cr + 1
}

#[test]
fn every_built_in_scenario_parses_without_errors() {
    let files = ron_files(&common::scenarios_dir());
    assert!(files.len() >= 4, "only {} scenarios", files.len());
    for path in files {
        let name = file_name(&path);
        let src = std::fs::read_to_string(&path).expect("read");
        assert_eq!(errors(&name, &src), "", "{name} must be valid");
    }
}

#[test]
fn an_oversized_file_is_refused_before_parsing() {
    let src = format!("// {}\n", "x".repeat(MAX_FILE_BYTES));
    let e = scenario::parse("big.ron", &src).expect_err("too big");
    assert_eq!(
        e.to_string(),
        "big.ron:1:1: the file is 1.0 MiB; scenario files are limited to 1 MiB"
    );
}

#[test]
fn a_leading_byte_order_mark_is_skipped() {
    let src = generated(ONE_TD, ONE_SERVICE, "");
    assert_eq!(errors("bom.ron", &format!("\u{feff}{src}")), "");
    // RON's own errors keep the column the editor shows, which does not count the mark.
    assert_eq!(
        errors("bom.ron", "\u{feff}(version: 1 title: \"t\")"),
        "bom.ron:1:13: Expected comma; fields and list items are separated by commas, and brackets must match"
    );
}

/// The names of the Rust types behind the scenario format, read from its source.
fn spec_type_names() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/scenario/spec");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("spec folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
        for line in text.lines() {
            for keyword in ["pub struct ", "pub enum "] {
                if let Some(rest) = line.trim_start().strip_prefix(keyword) {
                    let name: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
                    names.push(name);
                }
            }
        }
    }
    assert!(names.len() > 40, "only {} types found", names.len());
    names
}

/// The first type name that `message` mentions, other than those a scenario file writes itself
/// (the enums whose variants it names are spelt by variant, never by type).
fn type_named_in(message: &str, types: &[String]) -> Option<String> {
    message
        .split(|c: char| !c.is_alphanumeric())
        .find(|word| types.iter().any(|t| t == word))
        .map(str::to_string)
        .or_else(|| {
            [
                "struct ", "enum ", "u32", "i32", "u16", "u64", "usize", "f64",
            ]
            .into_iter()
            .find(|k| message.contains(k))
            .map(str::to_string)
        })
}

#[test]
fn no_message_names_a_type_of_the_code() {
    // The reader knows the file's words (service "web", health_check), not the Rust types
    // behind them (ServiceSpec, TargetGroupHealthCheckSpec).
    let types = spec_type_names();
    let mut leaks = Vec::new();
    for path in corpus() {
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap_or_default();
        for line in expected.lines() {
            if let Some(t) = type_named_in(line, &types) {
                leaks.push(format!("{line}\n  names {t}"));
            }
        }
    }
    // Every value of the built-in scenarios in turn becomes something of the wrong shape.
    let replacements = ["Foo", "Foo(a: 1)", "(a: 1)", "[1]", "\"x\"", "(1, 2, 3)"];
    for path in ron_files(&common::scenarios_dir()) {
        let src = std::fs::read_to_string(&path).expect("read");
        for (at, _) in src.match_indices(": ") {
            let start = at + 2;
            let end = start + src[start..].find([',', '\n']).unwrap_or(src.len() - start);
            for r in replacements {
                let mutant = format!("{}{r}{}", &src[..start], &src[end..]);
                let Err(e) = scenario::parse("mutant.ron", &mutant) else {
                    continue;
                };
                for err in &e.0 {
                    if let Some(t) = type_named_in(&err.message, &types) {
                        leaks.push(format!(
                            "{err}\n  names {t} ({} with {r})",
                            file_name(&path)
                        ));
                    }
                }
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}

#[test]
fn no_message_repeats_a_long_value_whole() {
    // A 500 KB string or name pasted into a file once gave 500 KB error lines. Every string,
    // field name and variant of the built-in scenarios in turn becomes 10,000 characters long:
    // no message may show more than the first 60 of them.
    let long = "q".repeat(10_000);
    let too_much = "q".repeat(61);
    let mut failures = Vec::new();
    for path in ron_files(&common::scenarios_dir()) {
        let src = std::fs::read_to_string(&path).expect("read");
        for (start, end) in string_and_name_spans(&src) {
            let mutant = format!("{}{long}{}", &src[..start], &src[end..]);
            let Err(e) = scenario::parse("mutant.ron", &mutant) else {
                continue;
            };
            for err in &e.0 {
                if err.message.contains(&too_much) {
                    let line = src[..start].matches('\n').count() + 1;
                    failures.push(format!(
                        "{}:{line}: {}",
                        file_name(&path),
                        err.message.replace(&long, "<long>")
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Byte ranges of the contents of the string literals of a RON file, and of the names before
/// a colon or a parenthesis (fields and variants), outside comments.
fn string_and_name_spans(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                out.push((start, i.min(b.len())));
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            c if c.is_ascii_alphabetic() => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                if matches!(b.get(i), Some(b':' | b'(')) {
                    out.push((start, i));
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// A small valid Fargate scenario with `extra` added to its top level, and `services` and
/// `task_definitions` as given.
fn generated(task_definitions: &str, services: &str, extra: &str) -> String {
    format!(
        "(version: 1, title: \"generated\", duration: 600,
world: Ecs(
cluster: (name: \"demo\"),
task_definitions: [{task_definitions}],
services: [{services}],
),
{extra})"
    )
}

const ONE_TD: &str = "(family: \"web\", revision: 1, cpu: 256, memory: 512, containers: [(name: \"web\", image: \"web:1\", port: 80)])";
const ONE_SERVICE: &str = "(name: \"web\", task_definition: \"web:1\", desired_count: 1)";

#[test]
fn generated_base_is_valid() {
    assert_eq!(errors("gen.ron", &generated(ONE_TD, ONE_SERVICE, "")), "");
}

#[test]
fn more_than_10000_timeline_entries_are_refused() {
    let entries = "(at: 1, action: Note(\"n\")),".repeat(10_001);
    let src = generated(ONE_TD, ONE_SERVICE, &format!("timeline: [{entries}],"));
    assert_eq!(
        errors("gen.ron", &src),
        "gen.ron:7:11: 10001 timeline entries; at most 10000"
    );
}

#[test]
fn more_than_500_quizzes_are_refused() {
    let quizzes: String = (0..501)
        .map(|i| {
            format!(
                "(id: \"q{i}\", question: \"?\", choices: [\"a\", \"b\"], correct: [0], explanation: \"because\", trigger: At(1)),"
            )
        })
        .collect();
    let src = generated(ONE_TD, ONE_SERVICE, &format!("quizzes: [{quizzes}],"));
    assert_eq!(
        errors("gen.ron", &src),
        "gen.ron:7:10: 501 quizzes; at most 500"
    );
}

#[test]
fn more_than_1000_task_definitions_are_refused() {
    let tds: String = (1..=1001)
        .map(|r| ONE_TD.replace("revision: 1", &format!("revision: {r}")) + ",")
        .collect();
    let src = generated(&tds, ONE_SERVICE, "");
    assert_eq!(
        errors("gen.ron", &src),
        "gen.ron:4:19: 1001 task definitions; at most 1000"
    );
}

#[test]
fn more_than_1000_services_are_refused() {
    let services: String = (0..1001)
        .map(|i| ONE_SERVICE.replace("\"web\", task", &format!("\"web{i}\", task")) + ",")
        .collect();
    let src = generated(ONE_TD, &services, "");
    assert_eq!(
        errors("gen.ron", &src),
        "gen.ron:5:11: 1001 services; at most 1000"
    );
}

#[test]
fn many_instance_groups_are_refused_without_naming_every_instance() {
    // 2,000 groups of 5,000 instances would be ten million names; validation stops counting.
    let groups: String = (0..2000)
        .map(|i| format!("(name: \"g{i}\", instance_type: \"m5.large\", count: 5000),"))
        .collect();
    let src = format!(
        "(version: 1, title: \"t\", world: Ecs(cluster: (name: \"c\"), capacity: (instances: [{groups}]), task_definitions: [], services: []))"
    );
    let started = std::time::Instant::now();
    let e = errors("gen.ron", &src);
    assert_eq!(
        e,
        "gen.ron:1:69: 10000000 container instances in all; ECS registers at most 5000 per cluster"
    );
    assert!(started.elapsed().as_secs() < 10, "validation took too long");
}

/// A xorshift64 generator: the same mutations on every run, no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Parses `src`; when it is accepted, runs it for `secs` simulated seconds. Returns whether it
/// was rejected, or the panic message.
fn parse_and_run(name: &str, src: &str, secs: u64) -> Result<bool, String> {
    catch_unwind(AssertUnwindSafe(|| match scenario::parse(name, src) {
        Ok(s) => {
            // A scenario that passes validation must run: the engine relies on it.
            let mut sim = Simulation::new(Arc::new(s));
            sim.advance_to(SimTime::from_secs(secs));
            false
        }
        Err(e) => {
            for err in &e.0 {
                assert!(err.line >= 1 && err.column >= 1, "{err}");
                assert!(!err.message.is_empty());
            }
            true
        }
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

#[test]
fn random_byte_mutations_never_panic() {
    let bases: Vec<(String, Vec<u8>)> = ron_files(&common::scenarios_dir())
        .into_iter()
        .map(|p| (file_name(&p), std::fs::read(&p).expect("read")))
        .collect();
    let alphabet = b"(),:[]{}\"'0123456789-.eE_abcxyzSomeNone \n/*#!";
    let mut rng = XorShift(0x2545_f491_4f6c_dd1d);
    let mut rejected = 0;
    let mut panics = Vec::new();
    for n in 0..2000 {
        let (base_name, base) = &bases[n % bases.len()];
        let mut m = base.clone();
        for _ in 0..(1 + rng.below(4)) {
            if m.is_empty() {
                break;
            }
            let pos = rng.below(m.len());
            match rng.below(3) {
                0 => {
                    m.remove(pos);
                }
                1 => m.insert(pos, alphabet[rng.below(alphabet.len())]),
                _ => m[pos] = alphabet[rng.below(alphabet.len())],
            }
        }
        // A file that is no longer UTF-8 is refused at its first invalid byte.
        let src = match String::from_utf8(m) {
            Ok(src) => src,
            Err(e) => {
                let errors = scenario::parse_bytes("mutant.ron", e.as_bytes())
                    .expect_err("not UTF-8")
                    .0;
                assert!(errors[0].message.contains("not UTF-8"), "{}", errors[0]);
                rejected += 1;
                continue;
            }
        };
        match parse_and_run("mutant.ron", &src, 120) {
            Ok(true) => rejected += 1,
            Ok(false) => {}
            Err(msg) => panics.push(format!("mutant {n} of {base_name}: {msg}\n{src}")),
        }
    }
    assert!(panics.is_empty(), "{}", panics.join("\n\n"));
    assert!(rejected > 500, "only {rejected} mutants rejected");
}

#[test]
fn extreme_numbers_are_rejected_or_run() {
    // Every number of every built-in scenario in turn becomes 0, a huge value, a negative, a
    // fraction or a cap: validation must refuse it or the engine must run it.
    let replacements = [
        "0",
        "1",
        "-1",
        "0.5",
        "1e300",
        "5000",
        "65536",
        "86400",
        "4294967295",
    ];
    let mut panics = Vec::new();
    let mut tried = 0;
    for path in ron_files(&common::scenarios_dir()) {
        let name = file_name(&path);
        let src = std::fs::read_to_string(&path).expect("read");
        let numbers = number_spans(&src);
        for &(start, end) in &numbers {
            for r in replacements {
                let mutant = format!("{}{r}{}", &src[..start], &src[end..]);
                tried += 1;
                if let Err(msg) = parse_and_run(&name, &mutant, 600) {
                    let line = src[..start].matches('\n').count() + 1;
                    panics.push(format!("{name}:{line}: number → {r}: {msg}"));
                }
            }
        }
    }
    assert!(tried > 100, "only {tried} mutants");
    assert!(panics.is_empty(), "{}", panics.join("\n"));
}

/// Scenarios that give every field a value (`tests/malformed/every-field/`), so that each number
/// of the format can be set to an extreme in turn.
fn every_field_scenarios() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/malformed/every-field");
    ron_files(&dir)
}

#[test]
fn the_every_field_scenarios_are_valid() {
    let files = every_field_scenarios();
    assert_eq!(files.len(), 3);
    for path in files {
        let src = std::fs::read_to_string(&path).expect("read");
        assert_eq!(parse_and_run(&file_name(&path), &src, 600), Ok(false));
    }
}

#[test]
fn every_whole_number_has_a_documented_range_that_validation_keeps_and_the_engine_runs() {
    // `max_surge: Count(4294967295)` once passed validation and overflowed the rollout's
    // `replicas + maxSurge`. Every whole number of the every-field scenarios in turn: its place
    // has a range in `scenario::limits`, one past either end is refused, and the largest value
    // allowed is refused for another reason or runs.
    let mut failures = Vec::new();
    for path in every_field_scenarios() {
        let name = file_name(&path);
        let src = std::fs::read_to_string(&path).expect("read");
        let index = Index::new(&src);
        for (start, end) in number_spans(&src) {
            let with = |value: &str| format!("{}{value}{}", &src[..start], &src[end..]);
            // Fields that take a fraction take 0.5 as well; their bounds are checked elsewhere.
            if scenario::ron_options()
                .from_str::<orca_sim::Scenario>(&with("0.5"))
                .is_ok()
            {
                continue;
            }
            let line = src[..start].matches('\n').count() + 1;
            let Some(v) = index.value_near(start) else {
                failures.push(format!("{name}:{line}: no value at the number"));
                continue;
            };
            let pattern = limits::pattern(&v.route);
            let Some(range) = limits::of(&pattern) else {
                failures.push(format!("{name}:{line}: {pattern} has no documented range"));
                continue;
            };
            let negative = src[..start].ends_with('-');
            if negative {
                continue;
            }
            for outside in [range.max + 1, range.min - 1] {
                if (0..=u64::MAX as i128).contains(&outside)
                    && scenario::parse(&name, &with(&outside.to_string())).is_ok()
                {
                    failures.push(format!("{name}:{line}: {pattern} {outside} is accepted"));
                }
            }
            if let Err(msg) = parse_and_run(&name, &with(&range.max.to_string()), 600) {
                failures.push(format!(
                    "{name}:{line}: {pattern} {} panics: {msg}",
                    range.max
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Byte ranges of the number literals of a RON file (outside strings and comments).
fn number_spans(src: &str) -> Vec<(usize, usize)> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            c if c.is_ascii_digit()
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let start = i;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b'_') {
                    i += 1;
                }
                out.push((start, i));
            }
            _ => i += 1,
        }
    }
    out
}

#[test]
fn a_file_full_of_mistakes_reports_the_first_hundred_quickly() {
    // Each error is located by walking the source; 9,000 of them took over two minutes.
    let entries = "(at: 1, action: StopTask(service: \"nope\")),".repeat(9_000);
    let src = generated(ONE_TD, ONE_SERVICE, &format!("timeline: [{entries}],"));
    let started = std::time::Instant::now();
    let e = scenario::parse("gen.ron", &src).expect_err("unknown services");
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(e.0.len(), 101);
    assert_eq!(
        e.0[0].to_string(),
        "gen.ron:1:1: 8900 more problems are not shown; fix the 100 listed first"
    );
    assert_eq!(
        e.0[1].to_string(),
        "gen.ron:7:46: service \"nope\" is not defined; defined: \"web\""
    );
}
