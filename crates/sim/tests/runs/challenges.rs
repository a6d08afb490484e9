//! Every challenge in `scenarios/` (a scenario with goals) has a reference solution,
//! `tests/challenges/NAME.solution.txt`, that meets every goal with every command carried out,
//! and a wrong solution, `NAME.wrong.txt`, that fails at least one goal: the same command files
//! `orca run NAME.ron --commands …` takes.

use crate::common;

use std::path::PathBuf;
use std::sync::Arc;

use orca_sim::console::commands;
use orca_sim::console::script::Script;
use orca_sim::goals::{self, GoalStatus};
use orca_sim::{Scenario, Simulation};

fn solutions_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/challenges")
}

fn no_files(path: &str) -> Result<String, String> {
    Err(format!("no such file: {path}"))
}

/// Run `scenario` with the command file `file`: each goal's final status, and the commands a
/// tool refused.
fn run(scenario: &Arc<Scenario>, file: &str) -> (Vec<GoalStatus>, Vec<String>) {
    let path = solutions_dir().join(file);
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
    let cmds = commands::parse(&src).unwrap_or_else(|e| panic!("{file}: {e:?}"));
    let mut script = Script::new(scenario.clone(), cmds);
    let mut refused = Vec::new();
    while let Some((_, outputs)) = script.next_moment(&no_files) {
        for o in outputs.into_iter().filter(|o| o.failed) {
            refused.push(format!("{file}:{}: {} → {}", o.line, o.command, o.output));
        }
    }
    // The session replays as a plain scenario, and its goals end as the script's did.
    let saved = orca_sim::scenario::to_ron(script.playback().scenario()).expect("RON");
    let saved = orca_sim::scenario::parse(file, &saved).expect("the session parses");
    let mut sim = Simulation::new(Arc::new(saved));
    let end = sim.end();
    sim.advance_to(end);
    assert_eq!(
        sim.log(),
        &script.playback().full_log()[..],
        "{file}: replay"
    );
    (sim.goals().to_vec(), refused)
}

fn report(scenario: &Scenario, status: &[GoalStatus]) -> String {
    scenario
        .goals
        .iter()
        .zip(status)
        .map(|(g, s)| format!("  {} — {s:?}", goals::describe(g)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_challenge_has_a_solution_that_meets_its_goals_and_a_wrong_one_that_does_not() {
    let challenges: Vec<_> = common::built_in()
        .into_iter()
        .filter(|(_, s)| !s.goals.is_empty())
        .collect();
    assert!(challenges.len() >= 6, "{} challenges", challenges.len());
    let mut problems = Vec::new();
    for (name, s) in &challenges {
        assert!(!s.hints.is_empty(), "{name}: a challenge has hints");
        let (good, refused) = run(s, &format!("{name}.solution.txt"));
        if !good.iter().all(GoalStatus::is_met) {
            problems.push(format!(
                "{name}: the solution does not meet every goal:\n{}",
                report(s, &good)
            ));
        }
        if !refused.is_empty() {
            problems.push(format!("{name}: refused commands:\n{}", refused.join("\n")));
        }
        let (wrong, _) = run(s, &format!("{name}.wrong.txt"));
        if !wrong.iter().any(GoalStatus::is_failed) {
            problems.push(format!(
                "{name}: the wrong solution fails no goal:\n{}",
                report(s, &wrong)
            ));
        }
        // Without any command the challenge is not met either.
        let mut sim = Simulation::new(s.clone());
        let end = sim.end();
        sim.advance_to(end);
        if sim.goals().iter().all(GoalStatus::is_met) {
            problems.push(format!("{name}: doing nothing meets every goal"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
