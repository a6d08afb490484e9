//! Container restart policies (docs/rules/ecs-tasks.md#container-restart-policy): the worked
//! example of the rules file, each part on a small Fargate service whose two tasks run from the
//! start. Sources: Amazon ECS Developer Guide, "Restart individual containers in Amazon ECS
//! tasks with container restart policies"; Amazon ECS API Reference, ContainerRestartPolicy;
//! the agent's `RestartTracker.ShouldRestart`.

use std::sync::Arc;

use crate::common::EcsPart;
use orca_sim::ecs::{ContainerStatus, DesiredStatus, StopCode, TaskStatus};
use orca_sim::{EventKind, SimTime, Simulation};

/// Service `web` (2 Fargate tasks of web:1, RUNNING since 0:00, no load balancer) whose
/// container has `container_extra`; `timeline` entries are `(seconds, action)`.
fn sim(container_extra: &str, timeline: &[(u32, &str)]) -> Simulation {
    let timeline: Vec<String> = timeline
        .iter()
        .map(|(at, action)| format!("(at: {at}, action: {action})"))
        .collect();
    let src = format!(
        r#"(version: 1, title: "restart policy", seed: 5, duration: 1000,
    world: Ecs(
        cluster: (name: "c", availability_zones: ["us-east-1a", "us-east-1b"]),
        task_definitions: [(family: "web", revision: 1, cpu: 256, memory: 512,
            containers: [(name: "web", image: "web:v1", port: 8080, {container_extra})])],
        services: [(name: "web", task_definition: "web:1", desired_count: 2, launch_type: Fargate)],
        timings: (provisioning_seconds: (5, 5), image_pull_seconds: (10, 10), activating_seconds: (2, 2),
            target_registration_seconds: (10, 10), sigterm_exit_seconds: (2, 2),
            deprovisioning_seconds: (5, 5), scheduler_reaction_seconds: 1),
    ),
    timeline: [{}],
)"#,
        timeline.join(", ")
    );
    let s = orca_sim::scenario::parse("restart.ron", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    Simulation::new(Arc::new(s))
}

fn run(container_extra: &str, timeline: &[(u32, &str)], to: u64) -> Simulation {
    let mut sim = sim(container_extra, timeline);
    sim.advance_to(SimTime::from_secs(to));
    sim
}

/// `(time, task, restart count)` of every restart in the log.
fn restarts(sim: &Simulation) -> Vec<(SimTime, String, u32)> {
    sim.log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ContainerRestarted {
                task,
                restart_count,
                ..
            } => Some((e.at, task.to_string(), *restart_count)),
            _ => None,
        })
        .collect()
}

fn stop_requests(sim: &Simulation) -> Vec<(SimTime, StopCode)> {
    sim.log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TaskStopRequested { stop_code, .. } => Some((e.at, *stop_code)),
            _ => None,
        })
        .collect()
}

const EXITS_AFTER_400: &str =
    "behavior: (exits: (after_seconds: 400, exit_code: 1)), restart_policy: (enabled: true)";

#[test]
fn with_the_default_period_a_container_that_ran_400_s_is_restarted_in_its_task_each_time() {
    // restartAttemptPeriod 300 (the default); the application exits with code 1 400 s after
    // each start: restarted at 6:40 (count 1) and again at 13:20 (count 2).
    let sim = run(EXITS_AFTER_400, &[], 1000);
    let r = restarts(&sim);
    assert_eq!(r.len(), 4, "two tasks, two restarts each: {r:?}");
    let first = &r[0].1;
    let of_first: Vec<(SimTime, u32)> = r
        .iter()
        .filter(|x| &x.1 == first)
        .map(|x| (x.0, x.2))
        .collect();
    assert_eq!(
        of_first,
        vec![(SimTime::from_secs(400), 1), (SimTime::from_secs(800), 2)]
    );
    // The task was never replaced: still RUNNING, same id, its container RUNNING with the
    // count, and no task stopped or started after the scenario began.
    assert!(stop_requests(&sim).is_empty());
    let w = sim.world().ecs_cluster();
    assert_eq!(w.tasks.len(), 2);
    let t = w.task(w.task_by_id(first).expect("task"));
    assert_eq!(t.last_status, TaskStatus::Running);
    assert_eq!(t.desired_status, DesiredStatus::Running);
    let c = &t.containers[0];
    assert_eq!(
        (c.last_status, c.restart_count, c.last_restart_at),
        (ContainerStatus::Running, 2, Some(SimTime::from_secs(800)))
    );
    let restart = sim
        .log()
        .iter()
        .find(|e| matches!(e.kind, EventKind::ContainerRestarted { .. }))
        .expect("a restart");
    assert_eq!(
        restart.message(),
        "web:1 container web exited with code 1; the agent restarted it in the same task (restartCount 1)"
    );
    assert!(
        restart.why.as_deref().is_some_and(
            |w| w.contains("after running 6m 40s, at least its restartAttemptPeriod of 5m")
        ),
        "{:?}",
        restart.why
    );
}

#[test]
fn a_container_that_exits_before_the_period_is_not_restarted_and_its_task_stops() {
    // The same application exiting after 100 s: 100 s < 300 s, so the essential container's
    // exit stops the task and the service replaces it.
    let sim = run(
        "behavior: (exits: (after_seconds: 100, exit_code: 1)), restart_policy: (enabled: true)",
        &[],
        150,
    );
    assert!(restarts(&sim).is_empty());
    let stops = stop_requests(&sim);
    assert_eq!(
        stops,
        vec![
            (SimTime::from_secs(100), StopCode::EssentialContainerExited),
            (SimTime::from_secs(100), StopCode::EssentialContainerExited),
        ]
    );
    let w = sim.world().ecs_cluster();
    let t = &w.tasks[0];
    assert!(t.why.iter().any(|w| w.text
        == "Container web exited with code 1 after running 1m 40s, less than its restartAttemptPeriod of 5m, so the agent does not restart it."));
    assert_eq!(w.tasks.len(), 4, "two replacements");
}

#[test]
fn an_ignored_exit_code_is_not_restarted() {
    let sim = run(
        "behavior: (exits: (after_seconds: 400, exit_code: 0)), \
         restart_policy: (enabled: true, ignored_exit_codes: [0], restart_attempt_period: 60)",
        &[],
        450,
    );
    assert!(restarts(&sim).is_empty());
    assert_eq!(
        stop_requests(&sim)[0],
        (SimTime::from_secs(400), StopCode::EssentialContainerExited)
    );
}

#[test]
fn a_disabled_policy_restarts_nothing() {
    let sim = run(
        "behavior: (exits: (after_seconds: 400, exit_code: 1)), restart_policy: (enabled: false)",
        &[],
        450,
    );
    assert!(restarts(&sim).is_empty());
    assert_eq!(stop_requests(&sim).len(), 2);
}

#[test]
fn a_container_is_restarted_at_most_once_per_period_counted_from_its_last_restart() {
    // Exits at 6:40 (ran 400 s since 0:00): restarted. Exits again at 8:20, 100 s after that
    // restart: not restarted, so the task stops.
    let exits = r#"ContainerExits(service: "web", count: 1, exit_code: 137)"#;
    let sim = run(
        "restart_policy: (enabled: true)",
        &[(400, exits), (500, exits)],
        600,
    );
    let r = restarts(&sim);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!((r[0].0, r[0].2), (SimTime::from_secs(400), 1));
    let w = sim.world().ecs_cluster();
    let t = w.task(w.task_by_id(&r[0].1).expect("task"));
    assert_eq!(t.stop_code, Some(StopCode::EssentialContainerExited));
    assert_eq!(t.stopping_at, Some(SimTime::from_secs(500)));
    assert_eq!(t.containers[0].exit_code, Some(137));
}

#[test]
fn a_restarted_container_health_check_starts_over() {
    // A container check (interval 10 s, retries 3): HEALTHY before the exit at 6:40, UNKNOWN
    // after the restart until its first check 10 s later reports HEALTHY again.
    let check = r#"health_check: (command: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], interval: 10, timeout: 5, retries: 3)"#;
    let extra = format!("{EXITS_AFTER_400}, {check}");
    let health_at = |secs: u64| {
        let sim = run(&extra, &[], secs);
        sim.world().ecs_cluster().tasks[0].health_status
    };
    use orca_sim::ecs::HealthStatus;
    assert_eq!(health_at(399), HealthStatus::Healthy);
    assert_eq!(health_at(405), HealthStatus::Unknown);
    assert_eq!(health_at(411), HealthStatus::Healthy);
}

#[test]
fn behind_a_load_balancer_a_restarted_task_keeps_its_target() {
    // The same restart behind an ALB target group (checks every 10 s, unhealthy after 2
    // failures): the application is down for its 5 s startup, at most one check fails, and
    // the task keeps its registered target, so nothing is deregistered or replaced.
    let src = r#"(version: 1, title: "restart behind an ALB", seed: 5, duration: 600,
    world: Ecs(
        cluster: (name: "c", availability_zones: ["us-east-1a", "us-east-1b"]),
        task_definitions: [(family: "web", revision: 1, cpu: 256, memory: 512,
            containers: [(name: "web", image: "web:v1", port: 8080,
                behavior: (exits: (after_seconds: 400, exit_code: 1)), restart_policy: (enabled: true))])],
        target_groups: [(name: "web-tg", port: 8080, target_type: Ip,
            health_check: (path: "/health", interval_seconds: 10, timeout_seconds: 5,
                healthy_threshold_count: 5, unhealthy_threshold_count: 2))],
        services: [(name: "web", task_definition: "web:1", desired_count: 2, launch_type: Fargate,
            load_balancers: [(target_group: "web-tg", container_name: "web", container_port: 8080)])],
    ),
)"#;
    let s = orca_sim::scenario::parse("restart-alb.ron", src).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(Arc::new(s));
    sim.advance_to(SimTime::from_secs(600));
    assert_eq!(restarts(&sim).len(), 2);
    assert!(stop_requests(&sim).is_empty());
    assert!(!sim.log().iter().any(|e| matches!(
        e.kind,
        EventKind::TargetsDeregistered { .. } | EventKind::TaskUnhealthy { .. }
    )));
    let w = sim.world().ecs_cluster();
    assert!(
        w.target_groups[0]
            .targets
            .iter()
            .all(|t| t.state == orca_sim::elb::TargetState::Healthy),
        "both targets healthy again"
    );
}
