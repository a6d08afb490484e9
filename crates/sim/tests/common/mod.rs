//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use orca_sim::{Scenario, Simulation};

pub fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios")
}

/// Every built-in scenario file: (file stem, parsed scenario).
pub fn built_in() -> Vec<(String, Arc<Scenario>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("scenarios folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let src = std::fs::read_to_string(&p).expect("read scenario");
            let name = p.file_stem().expect("stem").to_string_lossy().into_owned();
            let s = orca_sim::scenario::parse(&name, &src).unwrap_or_else(|e| panic!("{e}"));
            (name, Arc::new(s))
        })
        .collect()
}

/// The built-in scenario `name` (a file of `scenarios/` without `.ron`).
pub fn built_in_named(name: &str) -> Arc<Scenario> {
    built_in()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no built-in scenario {name}"))
}

/// Parse a scenario from text, panicking with the errors.
pub fn parse(src: &str) -> Arc<Scenario> {
    Arc::new(orca_sim::scenario::parse("test.ron", src).unwrap_or_else(|e| panic!("{e}")))
}

/// Run to the end and return the log lines.
pub fn run_log(s: &Arc<Scenario>) -> Vec<String> {
    let mut sim = Simulation::new(s.clone());
    let end = sim.end();
    sim.advance_to(end);
    sim.log().iter().map(|e| e.log_line()).collect()
}

/// The ECS part of a world, in tests of ECS scenarios.
pub trait EcsPart {
    fn ecs_cluster(&self) -> &orca_sim::ecs::cluster::EcsCluster;
}

impl EcsPart for orca_sim::World {
    fn ecs_cluster(&self) -> &orca_sim::ecs::cluster::EcsCluster {
        self.ecs.as_ref().expect("an ECS scenario")
    }
}

/// Run a console command (no files readable) as at the playback's moment.
pub fn console_run(p: &orca_sim::Playback, line: &str) -> orca_sim::console::Outcome {
    use orca_sim::console::{self, Context};
    let no_files = |path: &str| -> Result<String, String> { Err(format!("no such file: {path}")) };
    let cx = Context {
        world: p.world(),
        scenario: p.scenario(),
        now: p.now(),
        log: p.log(),
        files: &no_files,
        queries: None,
    };
    console::execute(line, &cx)
}

/// Run a console command that must print, as at the playback's moment.
pub fn console_print(p: &orca_sim::Playback, line: &str) -> String {
    match console_run(p, line) {
        orca_sim::console::Outcome::Print(s) => s,
        other => panic!("`{line}` did not print: {other:?}"),
    }
}

/// A timeline action naming a Kubernetes object: validation accepts it in `eks` with the name
/// `good`, refuses the name `bad` as "not a Kubernetes object name", and refuses it in an ECS
/// world.
pub fn assert_checks_object_name_and_world(
    eks: &str,
    action: impl Fn(&str) -> Vec<orca_sim::scenario::spec::Action>,
    good: &str,
    bad: &str,
) {
    use orca_sim::scenario::check_actions;
    let eks = built_in_named(eks);
    assert_eq!(check_actions(&eks, &action(good)), Ok(()));
    let problems = check_actions(&eks, &action(bad)).expect_err("not a Kubernetes object name");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("is not a Kubernetes object name")),
        "{problems:?}"
    );
    let ecs = built_in_named("ecs-rolling-update");
    let problems = check_actions(&ecs, &action(good)).expect_err("an ECS world");
    assert!(!problems.is_empty());
}
