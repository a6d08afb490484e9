//! The deployment circuit breaker and tasks that cannot be placed
//! (docs/rules/ecs-deployments.md#tasks-that-cannot-be-placed). Inferred from public reports
//! (aws/containers-roadmap#1273): while no task of the deployment is RUNNING, each placement
//! attempt that finds no instance counts as one task that failed to launch.

use std::sync::Arc;

use crate::common::EcsPart;
use orca_sim::ecs::RolloutState;
use orca_sim::{EventKind, SimTime, Simulation};

/// Two t3.medium instances (about 3,840 MiB each) run 4 api:1 tasks of 1,536 MiB, 50/100, with
/// the circuit breaker and rollback; at 0:30 the service is updated to api:2 of `v2_memory`
/// MiB.
fn run(v2_memory: u32) -> Simulation {
    let src = format!(
        r#"(version: 1, title: "breaker", seed: 4, duration: 600,
    world: Ecs(
        cluster: (name: "demo", availability_zones: ["us-east-1a", "us-east-1b"]),
        capacity: (instances: [(name: "node", instance_type: "t3.medium", count: 2)]),
        task_definitions: [
            (family: "api", revision: 1, network_mode: Bridge,
             containers: [(name: "api", image: "api:v1", cpu: 1024, memory: 1536, port: 8080)]),
            (family: "api", revision: 2, network_mode: Bridge,
             containers: [(name: "api", image: "api:v2", cpu: 1024, memory: {v2_memory}, port: 8080)]),
        ],
        services: [(name: "api", task_definition: "api:1", desired_count: 4, launch_type: Ec2,
            deployment_configuration: (minimum_healthy_percent: 50, maximum_percent: 100,
                deployment_circuit_breaker: (enable: true, rollback: true)))],
        timings: (provisioning_seconds: (5, 5), image_pull_seconds: (10, 10), activating_seconds: (2, 2),
            target_registration_seconds: (10, 10), sigterm_exit_seconds: (2, 2),
            deprovisioning_seconds: (5, 5), scheduler_reaction_seconds: 1),
    ),
    timeline: [(at: 30, action: UpdateService(service: "api", task_definition: "api:2"))],
)"#
    );
    let s = orca_sim::scenario::parse("breaker.ron", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    let mut sim = Simulation::new(Arc::new(s));
    let end = sim.end();
    sim.advance_to(end);
    sim
}

fn unable_to_place_attempts(sim: &Simulation) -> usize {
    sim.log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::UnableToPlace { .. }))
        .count()
}

#[test]
fn placement_failures_trip_the_circuit_breaker_and_roll_back() {
    // api:2 needs 4,096 MiB: no instance can hold it. desired 4 → threshold 3. Every
    // scheduler pass tries again (at the latest 15 s after the last try, sooner when a task or
    // target changes), and the third failed try trips the breaker: no api:2 task ever existed.
    let sim = run(4096);
    let failed = sim
        .log()
        .iter()
        .find(|e| matches!(e.kind, EventKind::DeploymentFailed { revision: 2, .. }))
        .expect("the breaker trips");
    let first_attempt = sim
        .log()
        .iter()
        .find(|e| matches!(e.kind, EventKind::UnableToPlace { .. }))
        .expect("unable to place")
        .at;
    assert!(
        failed.at.since(first_attempt) <= orca_sim::Millis::from_secs(30),
        "three tries, at most 15 s apart: tripped {} after the first",
        failed.at.since(first_attempt)
    );
    let w = sim.world().ecs_cluster();
    assert!(
        w.tasks
            .iter()
            .all(|t| w.task_definition(t.task_definition).revision == 1),
        "no api:2 task was ever created"
    );
    assert!(
        failed
            .why
            .as_deref()
            .is_some_and(|w| w.starts_with("3 consecutive failed tasks")),
        "{:?}",
        failed.why
    );
    assert!(
        sim.log()
            .iter()
            .any(|e| matches!(e.kind, EventKind::RollingBack { revision: 1, .. }))
    );
    // The rollback to api:1 completes: 4 api:1 tasks again.
    let svc = &w.services[0];
    let primary = svc.primary().expect("primary");
    assert_eq!(w.task_definition(primary.task_definition).revision, 1);
    assert_eq!(primary.rollout_state, RolloutState::Completed);
    assert_eq!(svc.running_count, 4);
}

#[test]
fn placement_failures_while_the_deployment_has_a_running_task_do_not_count() {
    // api:2 of 1,536 MiB fits, but only where api:1 tasks have stopped: the scheduler reports
    // "unable to place" while api:2 tasks already run, which is stage 2 of the breaker, so the
    // rollout completes without tripping it.
    let sim = run(1536);
    assert!(unable_to_place_attempts(&sim) > 0);
    assert!(
        !sim.log()
            .iter()
            .any(|e| matches!(e.kind, EventKind::DeploymentFailed { .. }))
    );
    let w = sim.world().ecs_cluster();
    let primary = w.services[0].primary().expect("primary");
    assert_eq!(w.task_definition(primary.task_definition).revision, 2);
    assert_eq!(primary.rollout_state, RolloutState::Completed);
    assert!(sim.now() >= SimTime::from_secs(600));
}
