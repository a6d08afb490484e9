//! A corpus of broken scenarios (`tests/malformed/*.ron`), each with the exact errors it must
//! give (`*.expected`: `file:line:col: message` lines). A change in wording or location fails.

mod common;

use std::path::PathBuf;

use orca_sim::scenario::{self, MAX_FILE_BYTES};

fn corpus() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_malformed_scenario_gives_its_expected_errors() {
    let files = corpus();
    assert!(
        files.len() >= 25,
        "only {} malformed scenarios",
        files.len()
    );
    let mut failures = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let src = std::fs::read_to_string(&path).expect("read");
        let expected = std::fs::read_to_string(path.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        match scenario::parse(&name, &src) {
            Ok(_) => failures.push(format!("{name}: parsed without error")),
            Err(e) => {
                let got = e.to_string();
                if got.trim() != expected.trim() {
                    failures.push(format!(
                        "{name}:\n  expected: {}\n  got:      {got}",
                        expected.trim()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_built_in_scenario_is_valid() {
    // `common::built_in` panics with the errors if any file is invalid.
    assert!(common::built_in().len() >= 4);
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
fn random_mutations_never_panic() {
    let base = std::fs::read_to_string(common::scenarios_dir().join("ecs-failed-health-check.ron"))
        .expect("read");
    let bytes = base.as_bytes();
    let alphabet = b"(),:[]{}\"'0123456789-.eE_abcxyzSomeNone \n/*#!";
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut rejected = 0;
    for _ in 0..2000 {
        let mut m = bytes.to_vec();
        for _ in 0..(1 + next() % 4) {
            let pos = (next() as usize) % m.len();
            match next() % 3 {
                0 => {
                    m.remove(pos);
                }
                1 => m.insert(pos, alphabet[(next() as usize) % alphabet.len()]),
                _ => m[pos] = alphabet[(next() as usize) % alphabet.len()],
            }
        }
        let Ok(src) = String::from_utf8(m) else {
            continue;
        };
        match scenario::parse("mutant.ron", &src) {
            Ok(s) => {
                // A mutation that still parses must also run.
                let mut sim = orca_sim::Simulation::new(std::sync::Arc::new(s));
                sim.advance_to(orca_sim::SimTime::from_secs(120));
            }
            Err(e) => {
                rejected += 1;
                for err in &e.0 {
                    assert!(err.line >= 1 && err.column >= 1, "{err}");
                    assert!(!err.message.is_empty());
                }
            }
        }
    }
    assert!(rejected > 500, "only {rejected} mutants rejected");
}
