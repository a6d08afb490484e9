//! Container dependencies (`dependsOn`) and essential containers, on a one-task Fargate service
//! created at 0:00 (docs/rules/containers-and-logs.md#container-dependencies). Sources: Amazon
//! ECS API Reference, ContainerDependency and ContainerDefinition (`essential`,
//! `startTimeout`).

use std::sync::Arc;

use orca_sim::ecs::{ContainerStatus, StopCode, TaskStatus};
use orca_sim::{EventKind, SimTime, Simulation};

/// Service `web` (1 Fargate task of web:1, created at 0:00) with `containers` (RON).
fn run(containers: &str, to: u64) -> Simulation {
    let src = format!(
        r#"(version: 1, title: "deps", seed: 5, duration: 1000,
    world: Ecs(
        cluster: (name: "c", availability_zones: ["us-east-1a", "us-east-1b"]),
        task_definitions: [(family: "web", revision: 1, cpu: 512, memory: 1024,
            containers: [{containers}])],
        services: [(name: "web", task_definition: "web:1", desired_count: 1, launch_type: Fargate, start: Created)],
        timings: (provisioning_seconds: (5, 5), image_pull_seconds: (10, 10), activating_seconds: (2, 2),
            target_registration_seconds: (10, 10), sigterm_exit_seconds: (2, 2),
            deprovisioning_seconds: (5, 5), scheduler_reaction_seconds: 1),
    ),
)"#
    );
    let s = orca_sim::scenario::parse("deps.ron", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    let mut sim = Simulation::new(Arc::new(s));
    sim.advance_to(SimTime::from_secs(to));
    sim
}

/// The first task's containers: (name, status, started at, exit code).
fn containers(sim: &Simulation) -> Vec<(String, ContainerStatus, Option<SimTime>, Option<i32>)> {
    let ecs = sim.world().ecs.as_ref().expect("ECS");
    ecs.tasks[0]
        .containers
        .iter()
        .map(|c| (c.name.to_string(), c.last_status, c.started_at, c.exit_code))
        .collect()
}

fn stop_codes(sim: &Simulation) -> Vec<(SimTime, StopCode, String)> {
    sim.log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TaskStopRequested {
                stop_code, reason, ..
            } => Some((e.at, *stop_code, reason.to_string())),
            _ => None,
        })
        .collect()
}

// The task reaches RUNNING at 5 + 10 + 2 = 17 s with these timings.
const RUNNING_AT: u64 = 17;

const MIGRATE_OK: &str = r#"(name: "migrate", image: "migrate:v1", essential: false,
    behavior: (exits: (after_seconds: 20, exit_code: 0)))"#;
const MIGRATE_FAILS: &str = r#"(name: "migrate", image: "migrate:v1", essential: false,
    behavior: (exits: (after_seconds: 20, exit_code: 1)))"#;

/// "SUCCESS … requires that the container exits with a zero status": web starts when the
/// migration exits 0, not before.
#[test]
fn a_success_dependency_starts_its_dependent_when_it_exits_zero() {
    let web = r#"(name: "web", image: "web:v1", depends_on: [(container_name: "migrate", condition: Success)])"#;
    let sim = run(&format!("{MIGRATE_OK}, {web}"), 30);
    let c = containers(&sim);
    assert_eq!(
        c[0].1,
        ContainerStatus::Running,
        "migrate still runs at 0:30"
    );
    assert_eq!(c[1].1, ContainerStatus::Pending, "web waits for it");
    let sim = run(&format!("{MIGRATE_OK}, {web}"), 60);
    let c = containers(&sim);
    assert_eq!(c[0].1, ContainerStatus::Stopped);
    assert_eq!(c[0].3, Some(0));
    assert_eq!(c[1].1, ContainerStatus::Running);
    assert_eq!(c[1].2, Some(SimTime::from_secs(RUNNING_AT + 20)));
    let ecs = sim.world().ecs.as_ref().expect("ECS");
    assert_eq!(ecs.tasks[0].last_status, TaskStatus::Running);
    assert!(
        stop_codes(&sim).is_empty(),
        "the migration's exit stops nothing"
    );
}

/// A SUCCESS dependency that exits 1 can never be met: the essential web gives up and the task
/// stops as for an essential container's exit [inferred reason].
#[test]
fn a_failed_success_dependency_stops_the_task_when_the_dependent_is_essential() {
    let web = r#"(name: "web", image: "web:v1", depends_on: [(container_name: "migrate", condition: Success)])"#;
    let sim = run(&format!("{MIGRATE_FAILS}, {web}"), 60);
    let c = containers(&sim);
    assert_eq!(c[1].1, ContainerStatus::Stopped);
    assert_eq!(c[1].2, None, "web never started");
    let stops = stop_codes(&sim);
    assert_eq!(stops[0].0, SimTime::from_secs(RUNNING_AT + 20));
    assert_eq!(stops[0].1, StopCode::EssentialContainerExited);
    assert_eq!(stops[0].2, "Essential container in task exited");
}

/// COMPLETE accepts any exit code.
#[test]
fn a_complete_dependency_accepts_a_non_zero_exit() {
    let web = r#"(name: "web", image: "web:v1", depends_on: [(container_name: "migrate", condition: Complete)])"#;
    let sim = run(&format!("{MIGRATE_FAILS}, {web}"), 60);
    let c = containers(&sim);
    assert_eq!(c[1].1, ContainerStatus::Running);
    assert!(stop_codes(&sim).is_empty());
}

/// HEALTHY waits for the dependency's first passing health check: interval 5 s, the app up
/// after 12 s → first pass at the check at 15 s after its start.
#[test]
fn a_healthy_dependency_starts_its_dependent_after_the_first_passing_check() {
    let db = r#"(name: "db", image: "db:v1", behavior: (startup_seconds: 12),
        health_check: (command: ["CMD-SHELL", "pg_isready"], interval: 5, timeout: 2, retries: 3))"#;
    let web = r#"(name: "web", image: "web:v1", depends_on: [(container_name: "db", condition: Healthy)])"#;
    let sim = run(&format!("{db}, {web}"), 60);
    let c = containers(&sim);
    assert_eq!(c[1].1, ContainerStatus::Running);
    assert_eq!(c[1].2, Some(SimTime::from_secs(RUNNING_AT + 15)));
}

/// "containerA gives up and not start" when its dependency does not reach the condition within
/// the dependency's startTimeout; a non-essential dependent gives up and the task runs on.
#[test]
fn a_dependent_gives_up_at_the_start_timeout_and_only_an_essential_one_stops_the_task() {
    let slow = r#"(name: "slow", image: "slow:v1", essential: false, start_timeout: 30,
        behavior: (exits: (after_seconds: 200, exit_code: 0)))"#;
    let helper = r#"(name: "helper", image: "helper:v1", essential: false,
        depends_on: [(container_name: "slow", condition: Complete)])"#;
    let web = r#"(name: "web", image: "web:v1")"#;
    let sim = run(&format!("{slow}, {helper}, {web}"), 100);
    let c = containers(&sim);
    assert_eq!(c[1].1, ContainerStatus::Stopped, "helper gave up");
    assert_eq!(c[1].2, None);
    assert_eq!(c[2].1, ContainerStatus::Running, "web runs on");
    assert!(stop_codes(&sim).is_empty());
    let gave_up = sim
        .log()
        .iter()
        .find(|e| matches!(&e.kind, EventKind::ContainerStateChanged { container, .. } if container == "helper"))
        .expect("an event");
    assert_eq!(gave_up.at, SimTime::from_secs(RUNNING_AT + 30));
    assert!(
        gave_up.message().contains("without starting"),
        "{}",
        gave_up.message()
    );
}

/// A START dependency orders the start only: app and router start in the same instant,
/// router first; a non-essential router exiting later leaves the task RUNNING.
#[test]
fn a_non_essential_sidecar_exit_leaves_the_task_running() {
    let router = r#"(name: "router", image: "fluent-bit:v1", essential: false,
        behavior: (exits: (after_seconds: 30, exit_code: 139)))"#;
    let web = r#"(name: "web", image: "web:v1", depends_on: [(container_name: "router", condition: Start)])"#;
    let sim = run(&format!("{router}, {web}"), 100);
    let c = containers(&sim);
    assert_eq!(c[0].2, Some(SimTime::from_secs(RUNNING_AT)));
    assert_eq!(c[1].2, Some(SimTime::from_secs(RUNNING_AT)));
    assert_eq!(c[0].1, ContainerStatus::Stopped);
    assert_eq!(c[0].3, Some(139));
    assert_eq!(c[1].1, ContainerStatus::Running);
    let ecs = sim.world().ecs.as_ref().expect("ECS");
    assert_eq!(ecs.tasks[0].last_status, TaskStatus::Running);
    assert!(stop_codes(&sim).is_empty());
}
