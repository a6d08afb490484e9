//! Golden event logs: the full `orca run` output (one `Event::log_line()` per line) of every
//! scenario in `scenarios/*.ron`, run to its end. A change in any rule, timing or wording shows
//! up as a snapshot diff to review (`INSTA_UPDATE=always` rewrites them; read the diff as an
//! AWS engineer would before accepting it).

use crate::common;

use std::path::Path;
use std::sync::Arc;

use common::{built_in as scenarios, scenarios_dir};
use orca_sim::{Scenario, Simulation};

fn log_of(s: &Arc<Scenario>) -> String {
    let mut sim = Simulation::new(s.clone());
    let end = sim.end();
    sim.advance_to(end);
    assert!(
        sim.log().windows(2).all(|w| w[0].at <= w[1].at),
        "the log is in time order"
    );
    sim.log()
        .iter()
        .map(|e| e.log_line())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn golden_event_logs() {
    let all = scenarios();
    assert!(
        !all.is_empty(),
        "no scenarios found in {:?}",
        scenarios_dir()
    );
    let mut failed = Vec::new();
    for (name, s) in &all {
        let log = log_of(s);
        assert!(!log.is_empty(), "{name}: empty log");
        // Check every scenario before failing, so one run shows every changed log.
        let outcome = std::panic::catch_unwind(|| insta::assert_snapshot!(name.as_str(), log));
        if outcome.is_err() {
            failed.push(name.clone());
        }
    }
    assert!(failed.is_empty(), "changed event logs: {failed:?}");
}

#[test]
fn every_golden_log_belongs_to_a_scenario() {
    let names: Vec<String> = scenarios().into_iter().map(|(n, _)| n).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/runs/snapshots");
    for entry in std::fs::read_dir(&dir).expect("the snapshots folder") {
        let file = entry.expect("a directory entry").file_name();
        let file = file.to_string_lossy();
        let Some(stem) = file
            .strip_prefix("runs__golden__")
            .and_then(|f| f.strip_suffix(".snap"))
        else {
            continue;
        };
        assert!(
            names.iter().any(|n| n == stem),
            "{file} has no scenarios/{stem}.ron; delete the stale snapshot"
        );
    }
}
