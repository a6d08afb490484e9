//! One test per documented rule or worked example of the ECS files in `docs/rules/`
//! (ecs-deployments.md, ecs-tasks.md, elb.md, ecs-service-events.md, ecs-placement.md,
//! ecs-scaling.md), each on a small scenario written as RON text. Assertions use the
//! structured event kinds and, where the rules quote a message, the exact wording.
//!
//! Most scenarios fix every lifecycle duration (`timings` with equal bounds), so the moments
//! the rules produce can be asserted to the millisecond.

use crate::common;

use common::EcsPart;
use std::collections::BTreeMap;
use std::sync::Arc;

use orca_sim::ecs::service_scheduler::bounds::{lower_bound, upper_bound};
use orca_sim::ecs::{
    DesiredStatus, Host, InstanceStatus, RolloutState, StopCode, Task, TaskStatus, circuit_breaker,
};
use orca_sim::elb::TargetState;
use orca_sim::{Event, EventKind, Millis, Scenario, SimTime, Simulation};

// ---------------------------------------------------------------------------------------------
// Scenario builder

const ZONES: [&str; 3] = ["us-east-1a", "us-east-1b", "us-east-1c"];

/// Every lifecycle step takes a fixed time: PROVISIONING 5 s, PENDING 10 s, ACTIVATING 2 s,
/// target registration 10 s, SIGTERM → exit 2 s, DEPROVISIONING 5 s, scheduler reaction 1 s.
const EXACT_TIMINGS: &str = "timings: (provisioning_seconds: (5, 5), image_pull_seconds: (10, 10), \
     activating_seconds: (2, 2), target_registration_seconds: (10, 10), sigterm_exit_seconds: (2, 2), \
     deprovisioning_seconds: (5, 5), scheduler_reaction_seconds: 1),";

/// The target registration delay of [`EXACT_TIMINGS`].
const REGISTRATION: u64 = 10_000;

#[derive(Clone)]
struct TargetGroup {
    interval: u32,
    timeout: u32,
    healthy: u32,
    unhealthy: u32,
    deregistration_delay: u32,
}

impl Default for TargetGroup {
    fn default() -> Self {
        TargetGroup {
            interval: 10,
            timeout: 5,
            healthy: 5,
            unhealthy: 2,
            deregistration_delay: 45,
        }
    }
}

/// A cluster with one service `web` whose task definition family `web` has one revision per
/// entry of `revisions` (each entry: extra fields for that revision's container).
#[derive(Clone)]
struct Ecs {
    /// `None`: Fargate. `Some((type, count))`: EC2 instances spread over the zones.
    ec2: Option<(&'static str, u32)>,
    zones: usize,
    desired: u32,
    min: u32,
    max: u32,
    breaker: bool,
    rollback: bool,
    lb: Option<TargetGroup>,
    grace: u32,
    revisions: Vec<String>,
    service_extra: String,
    timeline: Vec<(f64, String)>,
    duration: u32,
    exact_timings: bool,
    seed: u64,
}

impl Default for Ecs {
    fn default() -> Self {
        Ecs {
            ec2: None,
            zones: 3,
            desired: 4,
            min: 100,
            max: 200,
            breaker: false,
            rollback: false,
            lb: Some(TargetGroup::default()),
            grace: 0,
            revisions: vec![String::new(), String::new()],
            service_extra: String::new(),
            timeline: vec![(30.0, update_to(2))],
            duration: 900,
            exact_timings: true,
            seed: 11,
        }
    }
}

fn update_to(revision: u32) -> String {
    format!(r#"UpdateService(service: "web", task_definition: "web:{revision}")"#)
}

impl Ecs {
    fn ron(&self) -> String {
        let (launch, mode, target_type) = match self.ec2 {
            Some(_) => ("Ec2", "Bridge", "Instance"),
            None => ("Fargate", "Awsvpc", "Ip"),
        };
        let zones: Vec<String> = ZONES[..self.zones]
            .iter()
            .map(|z| format!("\"{z}\""))
            .collect();
        let capacity = match self.ec2 {
            Some((ty, n)) => format!(
                r#"capacity: (instances: [(name: "node", instance_type: "{ty}", count: {n})]),"#
            ),
            None => String::new(),
        };
        let task_definitions: Vec<String> = self
            .revisions
            .iter()
            .enumerate()
            .map(|(i, extra)| {
                let rev = i + 1;
                let extra = if extra.is_empty() {
                    String::new()
                } else {
                    format!(", {extra}")
                };
                format!(
                    r#"(family: "web", revision: {rev}, cpu: 512, memory: 1024, network_mode: {mode},
                        containers: [(name: "web", image: "web:v{rev}", port: 8080{extra})])"#
                )
            })
            .collect();
        let (target_groups, load_balancers) = match &self.lb {
            Some(tg) => (
                format!(
                    r#"target_groups: [(name: "web-tg", port: 8080, target_type: {target_type},
                        health_check: (path: "/health", interval_seconds: {}, timeout_seconds: {},
                            healthy_threshold_count: {}, unhealthy_threshold_count: {}),
                        deregistration_delay_seconds: {})],"#,
                    tg.interval, tg.timeout, tg.healthy, tg.unhealthy, tg.deregistration_delay
                ),
                r#"load_balancers: [(target_group: "web-tg", container_name: "web", container_port: 8080)],"#
                    .to_string(),
            ),
            None => (String::new(), String::new()),
        };
        let grace = if self.grace > 0 {
            format!("health_check_grace_period_seconds: {},", self.grace)
        } else {
            String::new()
        };
        let timeline: Vec<String> = self
            .timeline
            .iter()
            .map(|(at, action)| format!("(at: {at:?}, action: {action})"))
            .collect();
        format!(
            r#"(
    version: 1, title: "rule", seed: {seed}, duration: {duration},
    world: Ecs(
        cluster: (name: "c", availability_zones: [{zones}]),
        {capacity}
        task_definitions: [{task_definitions}],
        {target_groups}
        services: [(name: "web", task_definition: "web:1", desired_count: {desired}, launch_type: {launch},
            deployment_configuration: (minimum_healthy_percent: {min}, maximum_percent: {max},
                deployment_circuit_breaker: (enable: {breaker}, rollback: {rollback})),
            {grace} {load_balancers} {service_extra})],
        {timings}
    ),
    timeline: [{timeline}],
)"#,
            seed = self.seed,
            duration = self.duration,
            zones = zones.join(", "),
            task_definitions = task_definitions.join(",\n"),
            desired = self.desired,
            min = self.min,
            max = self.max,
            breaker = self.breaker,
            rollback = self.rollback,
            service_extra = self.service_extra,
            timings = if self.exact_timings {
                EXACT_TIMINGS
            } else {
                ""
            },
            timeline = timeline.join(", "),
        )
    }

    fn scenario(&self) -> Arc<Scenario> {
        let src = self.ron();
        Arc::new(
            orca_sim::scenario::parse("rule.ron", &src)
                .unwrap_or_else(|e| panic!("{e}\n--- scenario ---\n{src}")),
        )
    }

    fn run(&self) -> Simulation {
        let mut sim = Simulation::new(self.scenario());
        let end = sim.end();
        sim.advance_to(end);
        sim
    }

    fn run_until(&self, secs: u64) -> Simulation {
        let mut sim = Simulation::new(self.scenario());
        sim.advance_to(SimTime::from_secs(secs));
        sim
    }
}

// ---------------------------------------------------------------------------------------------
// Reading the results

fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

/// The scheduler's start and stop decisions (service events), in order.
fn scheduler_actions(sim: &Simulation) -> Vec<&Event> {
    sim.log()
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::TasksStarted { .. } | EventKind::TasksStopped { .. }
            )
        })
        .collect()
}

fn service_messages(sim: &Simulation) -> Vec<String> {
    sim.log()
        .iter()
        .filter(|e| e.source.category() == "service")
        .map(|e| e.message().into_owned())
        .collect()
}

fn task<'a>(sim: &'a Simulation, id: &str) -> &'a Task {
    let i = sim
        .world()
        .ecs_cluster()
        .task_by_id(id)
        .expect("task exists");
    sim.world().ecs_cluster().task(i)
}

fn revision_of(sim: &Simulation, t: &Task) -> u32 {
    sim.world()
        .ecs_cluster()
        .task_definition(t.task_definition)
        .revision
}

/// When a task reached a lifecycle state.
fn reached(sim: &Simulation, id: &str, status: TaskStatus) -> Option<SimTime> {
    sim.log().iter().find_map(|e| match &e.kind {
        EventKind::TaskStateChanged { task, to, .. } if task == id && *to == status => Some(e.at),
        _ => None,
    })
}

/// When a task's target changed to `to` (first time).
fn target_became(sim: &Simulation, id: &str, to: TargetState) -> Option<SimTime> {
    sim.log().iter().find_map(|e| match &e.kind {
        EventKind::TargetHealthChanged {
            task, to: state, ..
        } if task == id && *state == to => Some(e.at),
        _ => None,
    })
}

/// Tasks of a revision, in launch order.
fn tasks_of(sim: &Simulation, revision: u32) -> Vec<&Task> {
    sim.world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| revision_of(sim, t) == revision)
        .collect()
}

fn launched_after(sim: &Simulation, revision: u32, t: SimTime) -> Vec<&Task> {
    tasks_of(sim, revision)
        .into_iter()
        .filter(|x| x.created_at > t)
        .collect()
}

/// RUNNING or PENDING with desiredStatus RUNNING: what `maximumPercent` caps (the scheduler's
/// own definition, `Task::is_live`).
fn live(sim: &Simulation) -> Vec<&Task> {
    sim.world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| t.is_live())
        .collect()
}

fn running(sim: &Simulation) -> Vec<&Task> {
    sim.world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| t.is_live() && t.last_status == TaskStatus::Running)
        .collect()
}

/// Run event by event, calling `check` after every instant.
fn step_through(s: &Ecs, mut check: impl FnMut(&Simulation)) -> Simulation {
    let mut sim = Simulation::new(s.scenario());
    check(&sim);
    let end = sim.end();
    while sim.next_due().is_some_and(|t| t <= end) {
        sim.step();
        check(&sim);
    }
    sim.advance_to(end);
    sim
}

fn deployment_completed(sim: &Simulation) -> Vec<(SimTime, String, u32)> {
    sim.log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::DeploymentCompleted {
                deployment,
                revision,
                ..
            } => Some((e.at, deployment.to_string(), *revision)),
            _ => None,
        })
        .collect()
}

/// The deployment the update at `at` created (the PRIMARY just after it).
fn deployment_created_by_update(s: &Ecs, at: u64) -> String {
    let mut sim = Simulation::new(s.scenario());
    sim.advance_to(SimTime::from_millis(at * 1000 + 1));
    sim.world().ecs_cluster().services[0]
        .primary()
        .expect("a primary deployment")
        .id
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Rolling update bounds (docs/rules/ecs-deployments.md#rolling-update-bounds)

#[test]
fn bounds_round_min_up_and_max_down() {
    // lower = ceil(desired × min%), upper = floor(desired × max%).
    assert_eq!(lower_bound(4, 50), 2);
    assert_eq!(lower_bound(2, 75), 2, "ceil(1.5) = 2");
    assert_eq!(lower_bound(3, 50), 2, "ceil(1.5) = 2");
    assert_eq!(upper_bound(4, 200), 8);
    assert_eq!(upper_bound(3, 125), 3, "floor(3.75) = 3");
    assert_eq!(upper_bound(4, 100), 4);
    assert_eq!(lower_bound(7, 0), 0);
}

#[test]
fn desired_4_min_50_max_100_stops_two_old_tasks_before_starting() {
    let s = Ecs {
        min: 50,
        max: 100,
        ..Ecs::default()
    };
    let sim = step_through(&s, |sim| {
        assert!(
            live(sim).len() <= 4,
            "max 100 %: at most 4 running or pending"
        );
    });
    let after: Vec<_> = scheduler_actions(&sim)
        .into_iter()
        .filter(|e| e.at > secs(30))
        .collect();
    let first = after.first().expect("the scheduler acts after the update");
    match &first.kind {
        EventKind::TasksStopped { tasks, running, .. } => {
            assert_eq!(tasks.len(), 2, "4 − ceil(4 × 50 %) = 2 may stop first");
            assert!(running);
            for id in tasks {
                assert_eq!(revision_of(&sim, task(&sim, id)), 1, "old tasks stop");
            }
        }
        other => panic!("first action should stop 2 old tasks, got {other:?}"),
    }
    assert!(
        first
            .message()
            .starts_with("(service web) has stopped 2 running tasks: (task "),
        "{}",
        first.message()
    );
    // Nothing starts in the same instant before the stop.
    assert!(
        !after
            .iter()
            .any(|e| e.at < first.at && matches!(e.kind, EventKind::TasksStarted { .. }))
    );
    let done = deployment_completed(&sim);
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].2, 2);
}

#[test]
fn desired_2_min_75_max_100_is_stuck_and_says_so() {
    let s = Ecs {
        desired: 2,
        min: 75,
        max: 100,
        ..Ecs::default()
    };
    let sim = s.run();
    // docs/rules/ecs-service-events.md#deployment-and-steady-state, quoted exactly.
    let stuck = "(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.";
    let events: Vec<_> = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::DeploymentStuck { .. }))
        .collect();
    assert_eq!(events.len(), 1, "reported once while the cause lasts");
    assert_eq!(events[0].message(), stuck);
    assert_eq!(events[0].at, secs(31), "the first pass after the update");
    let acted: Vec<_> = scheduler_actions(&sim)
        .into_iter()
        .filter(|e| e.at > secs(30))
        .collect();
    assert!(acted.is_empty(), "neither a start nor a stop: {acted:?}");
    let svc = &sim.world().ecs_cluster().services[0];
    assert_eq!(svc.deployments.len(), 2);
    assert_eq!(
        svc.primary().expect("primary").rollout_state,
        RolloutState::InProgress
    );
}

#[test]
fn desired_3_max_125_never_runs_a_fourth_task() {
    let s = Ecs {
        desired: 3,
        min: 50,
        max: 125,
        ..Ecs::default()
    };
    let mut most = 0;
    let sim = step_through(&s, |sim| most = most.max(live(sim).len()));
    assert_eq!(
        most, 3,
        "floor(3 × 125 %) = 3 tasks at most, old and new together"
    );
    // min 50 %: ceil(1.5) = 2 must stay healthy, so one old task stops first.
    let first = scheduler_actions(&sim)
        .into_iter()
        .find(|e| e.at > secs(30))
        .expect("an action");
    assert!(
        matches!(&first.kind, EventKind::TasksStopped { tasks, .. } if tasks.len() == 1),
        "{first:?}"
    );
    assert_eq!(deployment_completed(&sim).len(), 1);
}

#[test]
fn min_100_max_200_desired_4_starts_4_new_tasks_at_once() {
    let s = Ecs::default();
    let sim = s.run();
    let actions: Vec<_> = scheduler_actions(&sim)
        .into_iter()
        .filter(|e| e.at > secs(30))
        .collect();
    match &actions[0].kind {
        EventKind::TasksStarted {
            tasks, revision, ..
        } => {
            assert_eq!(tasks.len(), 4, "floor(4 × 200 %) − 4 running = 4 may start");
            assert_eq!(*revision, 2);
        }
        other => panic!("first action should start 4 tasks, got {other:?}"),
    }
    assert_eq!(actions[0].at, secs(31));
    // min 100 %: no old task stops before a new one is healthy.
    let first_healthy = launched_after(&sim, 2, secs(30))
        .iter()
        .filter_map(|t| target_became(&sim, &t.id, TargetState::Healthy))
        .min()
        .expect("new targets turn healthy");
    let first_stop = actions
        .iter()
        .find(|e| matches!(e.kind, EventKind::TasksStopped { .. }))
        .expect("old tasks stop");
    assert!(first_stop.at > first_healthy);
    assert_eq!(live(&sim).len(), 4);
}

#[test]
fn a_finished_rollout_reports_deployment_completed_then_steady_state() {
    let s = Ecs::default();
    let id = deployment_created_by_update(&s, 30);
    let sim = s.run();
    let msgs = service_messages(&sim);
    let n = msgs.len();
    assert_eq!(
        msgs[n - 2],
        format!("(service web) (deployment {id}) deployment completed.")
    );
    assert_eq!(msgs[n - 1], "(service web) has reached a steady state.");
    let svc = &sim.world().ecs_cluster().services[0];
    assert_eq!(svc.deployments.len(), 1, "the old deployment is gone");
    assert_eq!(svc.deployments[0].id, id);
    assert_eq!(svc.deployments[0].rollout_state, RolloutState::Completed);
    assert_eq!(
        svc.deployments[0].rollout_state_reason,
        format!("ECS deployment {id} completed.")
    );
    // Every old task stopped with the scheduler's reason, naming the new deployment.
    for t in tasks_of(&sim, 1) {
        assert_eq!(t.last_status, TaskStatus::Stopped);
        assert_eq!(t.stop_code, Some(StopCode::ServiceSchedulerInitiated));
        assert_eq!(
            t.stopped_reason.as_deref(),
            Some(format!("Scaling activity initiated by (deployment {id})").as_str())
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Load balancer: registration, first check, thresholds, draining, wording (docs/rules/elb.md,
// docs/rules/ecs-service-events.md#load-balancer-targets)

#[test]
fn a_new_target_is_initial_then_healthy_after_one_passing_check() {
    let s = Ecs {
        lb: Some(TargetGroup {
            interval: 30,
            healthy: 5,
            ..TargetGroup::default()
        }),
        ..Ecs::default()
    };
    let sim = s.run();
    let new = launched_after(&sim, 2, secs(30));
    assert_eq!(new.len(), 4);
    for t in new {
        let registered = sim
            .log()
            .iter()
            .find(|e| {
                matches!(&e.kind, EventKind::TargetHealthChanged { task, from: None, to, .. }
                    if *task == t.id && *to == TargetState::Initial)
            })
            .expect("registered as initial");
        assert!(
            registered.message().ends_with(
                "initial (Elb.RegistrationInProgress: Target registration is in progress)"
            ),
            "{}",
            registered.message()
        );
        assert_eq!(
            Some(registered.at),
            reached(&sim, &t.id, TaskStatus::Running),
            "ECS registers the target when the task reaches RUNNING"
        );
        // HealthyThresholdCount is 5, but a new target needs one passing check: the first,
        // sent when registration completes.
        let healthy = target_became(&sim, &t.id, TargetState::Healthy).expect("healthy");
        assert_eq!(healthy.since(registered.at), Millis(REGISTRATION));
        // The transition is initial → healthy directly.
        assert!(sim.log().iter().any(|e| matches!(&e.kind,
            EventKind::TargetHealthChanged { task, from: Some(TargetState::Initial), to: TargetState::Healthy, .. }
            if *task == t.id)));
    }
    // The service event for the registration has no trailing period
    // (docs/rules/ecs-service-events.md#load-balancer-targets).
    let tg_arn = &sim.world().ecs_cluster().target_groups[0].arn;
    assert!(service_messages(&sim).contains(&format!(
        "(service web) registered 1 targets in (target-group {tg_arn})"
    )));
}

/// Revision 2's application answers every check with HTTP 500 (or not at all).
fn failing_v2(response: &str) -> Vec<String> {
    vec![
        String::new(),
        format!("behavior: (fails_health_checks: (after_seconds: 0, response: {response}))"),
    ]
}

#[test]
fn a_failing_target_is_unhealthy_after_the_threshold_of_failures_one_interval_apart() {
    let s = Ecs {
        lb: Some(TargetGroup {
            interval: 10,
            unhealthy: 3,
            ..TargetGroup::default()
        }),
        revisions: failing_v2("Status(500)"),
        ..Ecs::default()
    };
    let sim = s.run();
    let new = launched_after(&sim, 2, secs(30));
    assert!(!new.is_empty());
    let tg_arn = sim.world().ecs_cluster().target_groups[0].arn.clone();
    for t in new {
        let Some(running) = reached(&sim, &t.id, TaskStatus::Running) else {
            continue;
        };
        // Checks at registration + 0, 10, 20 s fail; the third makes it unhealthy.
        let unhealthy = target_became(&sim, &t.id, TargetState::Unhealthy).expect("unhealthy");
        assert_eq!(unhealthy.since(running), Millis(REGISTRATION + 2 * 10_000));
        assert!(
            sim.log().iter().any(|e| e.at == unhealthy
                && e.message().ends_with(
                    "initial → unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [500])"
                )),
            "reason code and description (docs/rules/elb.md#target-states-and-reason-codes)"
        );
        // The scheduler reports it (Fargate form, no instance:
        // docs/rules/ecs-service-events.md#health-check-failures) and replaces the task.
        let report = format!(
            "(service web) (task {}) (port 8080) is unhealthy in (target-group {tg_arn}) due to (reason Health checks failed with these codes: [500])",
            t.id
        );
        let reported = sim
            .log()
            .iter()
            .find(|e| e.message() == report)
            .expect("service event");
        // Within the scheduler's reaction time (1 s here).
        assert!(
            reported.at >= unhealthy && reported.at <= unhealthy.plus(Millis(1000)),
            "reported at {} for a target unhealthy at {unhealthy}",
            reported.at
        );
        assert_eq!(t.stop_code, Some(StopCode::ServiceSchedulerInitiated));
        assert_eq!(
            t.stopped_reason.as_deref(),
            Some(format!("Task failed ELB health checks in (target-group {tg_arn})").as_str())
        );
    }
}

#[test]
fn a_timed_out_check_fails_when_its_timeout_expires() {
    let s = Ecs {
        lb: Some(TargetGroup {
            interval: 10,
            timeout: 5,
            unhealthy: 2,
            ..TargetGroup::default()
        }),
        revisions: failing_v2("Timeout"),
        ..Ecs::default()
    };
    let sim = s.run();
    let t = launched_after(&sim, 2, secs(30))[0];
    let running = reached(&sim, &t.id, TaskStatus::Running).expect("runs");
    let unhealthy = target_became(&sim, &t.id, TargetState::Unhealthy).expect("unhealthy");
    // Checks sent at registration + 0 and + 10 s; the second times out 5 s later.
    assert_eq!(
        unhealthy.since(running),
        Millis(REGISTRATION + 10_000 + 5_000)
    );
    assert!(
        sim.log()
            .iter()
            .any(|e| e.at == unhealthy
                && e.message().ends_with("(Target.Timeout: Request timed out)"))
    );
}

#[test]
fn ec2_targets_are_named_by_instance_and_dynamic_host_port() {
    let s = Ecs {
        ec2: Some(("t3.large", 3)),
        desired: 3,
        revisions: failing_v2("Status(502)"),
        ..Ecs::default()
    };
    let sim = s.run();
    let t = launched_after(&sim, 2, secs(30))[0];
    let Host::Instance(i) = t.host else {
        panic!("EC2 task on an instance")
    };
    let ec2 = &sim.world().ecs_cluster().instance(i).ec2_instance_id;
    let port = t.host_port.expect("bridge mode maps a host port");
    assert!((32768..=60999).contains(&port), "ephemeral port {port}");
    let tg_arn = &sim.world().ecs_cluster().target_groups[0].arn;
    let report = format!(
        "(service web) (task {}) (instance {ec2}) (port {port}) is unhealthy in (target-group {tg_arn}) due to (reason Health checks failed with these codes: [502])",
        t.id
    );
    assert!(
        service_messages(&sim).contains(&report),
        "missing: {report}"
    );
}

#[test]
fn draining_lasts_the_deregistration_delay_then_ecs_sends_sigterm() {
    let s = Ecs::default();
    let new_deployment = deployment_created_by_update(&s, 30);
    let sim = s.run();
    let tg_arn = sim.world().ecs_cluster().target_groups[0].arn.clone();
    let old = tasks_of(&sim, 1);
    assert_eq!(old.len(), 4);
    let old_deployment = old[0].deployment_id.clone().expect("deployment");
    for t in old {
        let draining = target_became(&sim, &t.id, TargetState::Draining).expect("drains");
        let unused = target_became(&sim, &t.id, TargetState::Unused).expect("deregistered");
        assert_eq!(
            unused.since(draining),
            Millis(45_000),
            "deregistration delay 45 s"
        );
        // DEACTIVATING lasts exactly the draining; then SIGTERM (STOPPING).
        assert_eq!(
            reached(&sim, &t.id, TaskStatus::Deactivating),
            Some(draining)
        );
        assert_eq!(reached(&sim, &t.id, TaskStatus::Stopping), Some(unused));
        // The documented sequence (docs/rules/ecs-service-events.md#real-sequences): stopped →
        // deregistered → draining, all at the same moment.
        let at_stop: Vec<String> = sim
            .log()
            .iter()
            .filter(|e| e.at == draining && e.source.category() == "service")
            .map(|e| e.message().into_owned())
            .collect();
        let stopped = at_stop
            .iter()
            .position(|m| m.starts_with("(service web) has stopped") && m.contains(t.id.as_str()))
            .expect("has stopped");
        let dereg = format!("(service web) deregistered 1 targets in (target-group {tg_arn})");
        let drain = format!(
            "(service web, taskSet {old_deployment}) has begun draining connections on 1 tasks."
        );
        let d = at_stop[stopped..]
            .iter()
            .position(|m| *m == dereg)
            .expect("deregistered");
        assert!(at_stop[stopped + d..].contains(&drain));
        assert_ne!(old_deployment, new_deployment);
    }
}

// ---------------------------------------------------------------------------------------------
// Circuit breaker and rollback (docs/rules/ecs-deployments.md#deployment-circuit-breaker)

#[test]
fn breaker_threshold_is_half_the_desired_count_between_3_and_200() {
    for d in 1..=6 {
        assert_eq!(circuit_breaker::threshold(d), 3, "desired {d}");
    }
    assert_eq!(circuit_breaker::threshold(7), 4);
    assert_eq!(circuit_breaker::threshold(10), 5);
    assert_eq!(circuit_breaker::threshold(25), 13);
    assert_eq!(circuit_breaker::threshold(400), 200);
    assert_eq!(circuit_breaker::threshold(5000), 200);
}

/// Health-check stops of revision `revision` tasks, in order, up to the breaker's trip.
fn failed_before_trip(sim: &Simulation, revision: u32) -> (usize, &Event) {
    let trip = sim
        .log()
        .iter()
        .position(|e| matches!(e.kind, EventKind::DeploymentFailed { .. }))
        .expect("the breaker trips");
    let failed = sim.log()[..trip]
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::TaskStopRequested { revision: r, reason, .. }
                if *r == revision && (reason.starts_with("Task failed ELB health checks")
                    || reason.starts_with("Task failed container health checks")
                    || reason.starts_with("CannotPullContainerError")))
        })
        .count();
    (failed, &sim.log()[trip])
}

#[test]
fn breaker_trips_after_exactly_3_failed_tasks_for_desired_4_and_rolls_back() {
    let s = Ecs {
        breaker: true,
        rollback: true,
        revisions: failing_v2("Status(500)"),
        ..Ecs::default()
    };
    // The steady service's deployment is the last COMPLETED one.
    let completed = {
        let sim = Simulation::new(s.scenario());
        let d = sim.world().ecs_cluster().services[0]
            .primary()
            .expect("primary")
            .clone();
        assert_eq!(d.rollout_state, RolloutState::Completed);
        d.id
    };
    let failing = deployment_created_by_update(&s, 30);
    let sim = s.run();
    // The third failure trips it (the trip is logged at the moment of the third stop).
    let (failed, trip) = failed_before_trip(&sim, 2);
    assert_eq!(failed, 3, "clamp(ceil(4 / 2), 3, 200) = 3");
    assert_eq!(
        trip.message(),
        format!("(service web) (deployment {failing}) deployment failed: tasks failed to start.")
    );
    let i = sim
        .log()
        .iter()
        .position(|e| std::ptr::eq(e, trip))
        .expect("in log");
    let rollback = &sim.log()[i + 1];
    assert!(
        matches!(&rollback.kind, EventKind::RollingBack { to_deployment, revision: 1, .. } if *to_deployment == completed)
    );
    assert_eq!(
        rollback.message(),
        format!("(service web) rolling back to deployment {completed}.")
    );
    // The rollback is a new PRIMARY deployment of web:1 that completes.
    let svc = &sim.world().ecs_cluster().services[0];
    let primary = svc.primary().expect("primary");
    assert_ne!(
        primary.id, completed,
        "a new deployment, not the old one revived"
    );
    assert_eq!(
        sim.world()
            .ecs_cluster()
            .task_definition(primary.task_definition)
            .revision,
        1
    );
    assert_eq!(primary.rollout_state, RolloutState::Completed);
    let done = deployment_completed(&sim);
    assert_eq!(
        done.last().map(|d| (&d.1, d.2)),
        Some((&primary.id.to_string(), 1))
    );
    assert!(
        done.iter().all(|d| d.1 != failing),
        "the failed one never completes"
    );
}

#[test]
fn breaker_rollback_reason_is_recorded_on_the_deployments() {
    let s = Ecs {
        breaker: true,
        rollback: true,
        revisions: failing_v2("Status(500)"),
        ..Ecs::default()
    };
    let completed = Simulation::new(s.scenario()).world().ecs_cluster().services[0]
        .primary()
        .expect("primary")
        .id
        .clone();
    let mut sim = Simulation::new(s.scenario());
    let end = sim.end();
    // Stop right after the trip and look at describe-services' deployments.
    while sim.advance_to_next_event(end).is_some() {
        if sim
            .log()
            .iter()
            .any(|e| matches!(e.kind, EventKind::RollingBack { .. }))
        {
            break;
        }
    }
    let svc = &sim.world().ecs_cluster().services[0];
    let failed = svc
        .deployments
        .iter()
        .find(|d| d.rollout_state == RolloutState::Failed)
        .expect("a FAILED deployment");
    assert_eq!(
        failed.rollout_state_reason,
        "ECS deployment circuit breaker: tasks failed to start."
    );
    assert_eq!(failed.failed_tasks, 3);
    assert_eq!(failed.status.as_str(), "ACTIVE");
    let primary = svc.primary().expect("primary");
    assert_eq!(primary.rollout_state, RolloutState::InProgress);
    assert_eq!(
        primary.rollout_state_reason,
        format!("ECS deployment circuit breaker: rolling back to deploymentId {completed}.")
    );
}

#[test]
fn rollback_goes_to_the_last_completed_deployment_not_the_first() {
    // web:1 (steady) → web:2 at 0:30 completes → web:3 at 10:00 fails: back to web:2.
    let s = Ecs {
        breaker: true,
        rollback: true,
        revisions: vec![
            String::new(),
            String::new(),
            "behavior: (fails_health_checks: (after_seconds: 0, response: Status(503)))".into(),
        ],
        timeline: vec![(30.0, update_to(2)), (600.0, update_to(3))],
        duration: 1500,
        ..Ecs::default()
    };
    let second = deployment_created_by_update(&s, 30);
    let sim = s.run();
    let done = deployment_completed(&sim);
    assert_eq!(
        done.first().map(|d| (&d.1, d.2)),
        Some((&second, 2)),
        "web:2 completes before the next update"
    );
    assert!(done[0].0 < secs(600));
    let rollback = sim
        .log()
        .iter()
        .find(|e| matches!(e.kind, EventKind::RollingBack { .. }))
        .expect("rolls back");
    assert_eq!(
        rollback.message(),
        format!("(service web) rolling back to deployment {second}.")
    );
    let svc = &sim.world().ecs_cluster().services[0];
    assert_eq!(
        sim.world()
            .ecs_cluster()
            .task_definition(svc.primary().expect("primary").task_definition)
            .revision,
        2
    );
    assert!(running(&sim).iter().all(|t| revision_of(&sim, t) == 2));
    assert_eq!(running(&sim).len(), 4);
}

#[test]
fn breaker_trips_after_4_failed_tasks_for_desired_7() {
    let s = Ecs {
        desired: 7,
        breaker: true,
        rollback: false,
        revisions: failing_v2("Status(500)"),
        ..Ecs::default()
    };
    let sim = s.run();
    let (failed, _) = failed_before_trip(&sim, 2);
    assert_eq!(failed, 4, "clamp(ceil(7 / 2), 3, 200) = 4");
    // Without rollback the FAILED deployment stays and no web:2 task is launched after it.
    assert!(
        !sim.log()
            .iter()
            .any(|e| matches!(e.kind, EventKind::RollingBack { .. }))
    );
    let trip_at = sim
        .log()
        .iter()
        .find(|e| matches!(e.kind, EventKind::DeploymentFailed { .. }))
        .map(|e| e.at)
        .expect("trip");
    assert!(
        !sim.log().iter().any(
            |e| e.at > trip_at && matches!(e.kind, EventKind::TasksStarted { revision: 2, .. })
        ),
        "a FAILED deployment stops launching tasks"
    );
}

#[test]
fn without_the_breaker_ecs_keeps_replacing_failing_tasks() {
    let s = Ecs {
        revisions: failing_v2("Status(500)"),
        ..Ecs::default()
    };
    let sim = s.run();
    assert!(
        !sim.log()
            .iter()
            .any(|e| matches!(e.kind, EventKind::DeploymentFailed { .. }))
    );
    let replaced = launched_after(&sim, 2, secs(30)).len();
    assert!(replaced > 8, "{replaced} web:2 tasks launched");
    // The old tasks were never healthy-replaced: min 100 % keeps all 4 running.
    assert_eq!(
        running(&sim)
            .iter()
            .filter(|t| revision_of(&sim, t) == 1)
            .count(),
        4
    );
}

// ---------------------------------------------------------------------------------------------
// Health gates: grace period, 40 seconds, container checks, replacement order
// (docs/rules/ecs-deployments.md#health-gate-when-a-new-task-counts-as-healthy)

#[test]
fn the_grace_period_holds_back_load_balancer_failures() {
    let s = Ecs {
        lb: Some(TargetGroup {
            interval: 10,
            unhealthy: 2,
            ..TargetGroup::default()
        }),
        grace: 120,
        revisions: failing_v2("Status(500)"),
        duration: 400,
        ..Ecs::default()
    };
    let sim = s.run();
    let mut checked = 0;
    for t in launched_after(&sim, 2, secs(30)) {
        let Some(running) = reached(&sim, &t.id, TaskStatus::Running) else {
            continue;
        };
        let Some(unhealthy) = target_became(&sim, &t.id, TargetState::Unhealthy) else {
            continue;
        };
        if running.plus(Millis(120_000)) > sim.end() {
            continue;
        }
        // The target fails 20 s after registration, well inside the grace period...
        assert_eq!(unhealthy.since(running), Millis(REGISTRATION + 10_000));
        // ...and the scheduler acts on it exactly when the 120 s are over, not before.
        let noticed = sim
            .log()
            .iter()
            .find(|e| matches!(&e.kind, EventKind::TaskUnhealthy { task, .. } if *task == t.id))
            .map(|e| e.at)
            .unwrap_or_else(|| panic!("{} not noticed: {:#?}", t.id, t.why));
        assert_eq!(noticed, running.plus(Millis(120_000)));
        // max 200 % is full (4 old + 4 new), so failing tasks stop one pass at a time.
        let stopped = t.stopping_at.expect("stopped");
        assert!(stopped >= noticed, "no stop during the grace period");
        checked += 1;
    }
    assert!(checked >= 4, "{checked} tasks checked");
}

#[test]
fn without_any_health_check_a_task_counts_as_healthy_after_40_seconds_running() {
    let s = Ecs {
        desired: 1,
        lb: None,
        ..Ecs::default()
    };
    let sim = s.run();
    let new = launched_after(&sim, 2, secs(30))[0];
    let running = reached(&sim, &new.id, TaskStatus::Running).expect("runs");
    let old = tasks_of(&sim, 1)[0];
    assert_eq!(old.stopping_at, Some(running.plus(Millis(40_000))));
    let done = deployment_completed(&sim);
    assert_eq!(done.len(), 1);
}

/// A container health check with the given interval and retries, run through CMD-SHELL.
fn container_check(interval: u32, retries: u32, start_period: u32) -> String {
    format!(
        r#"health_check: (command: ["CMD-SHELL", "curl -f http://localhost:8080/health || exit 1"], interval: {interval}, timeout: 5, retries: {retries}, start_period: {start_period})"#
    )
}

#[test]
fn a_container_health_check_marks_the_task_unhealthy_after_its_retries() {
    let check = container_check(10, 3, 0);
    let s = Ecs {
        desired: 1,
        lb: None,
        revisions: vec![
            check.clone(),
            format!(
                "{check}, behavior: (fails_health_checks: (after_seconds: 0, response: Status(500)))"
            ),
        ],
        ..Ecs::default()
    };
    let sim = s.run();
    let t = launched_after(&sim, 2, secs(30))[0];
    let running = reached(&sim, &t.id, TaskStatus::Running).expect("runs");
    let unhealthy = sim
        .log()
        .iter()
        .find(|e| {
            matches!(&e.kind, EventKind::TaskHealthChanged { task, health, .. }
                if *task == t.id && health.as_str() == "UNHEALTHY")
        })
        .expect("UNHEALTHY")
        .at;
    // Docker's first check runs one interval after the container starts: 10, 20, 30 s fail.
    assert_eq!(unhealthy.since(running), Millis(30_000));
    let msgs = service_messages(&sim);
    let report = format!(
        "(service web) (task {}) failed container health checks.",
        t.id
    );
    let i = msgs.iter().position(|m| *m == report).expect("reported");
    assert!(
        msgs[i + 1..].iter().any(|m| *m
            == format!(
                "(service web) has stopped 1 running tasks: (task {}).",
                t.id
            )),
        "the failing task is stopped (docs/rules/elb.md#replacement-order-for-an-unhealthy-task-behind-a-load-balancer)"
    );
    assert_eq!(
        t.stopped_reason.as_deref(),
        Some("Task failed container health checks")
    );
}

#[test]
fn failures_during_the_start_period_do_not_count() {
    let check = container_check(10, 3, 60);
    let s = Ecs {
        desired: 1,
        lb: None,
        revisions: vec![
            check.clone(),
            format!(
                "{check}, behavior: (fails_health_checks: (after_seconds: 0, response: Status(500)))"
            ),
        ],
        ..Ecs::default()
    };
    let sim = s.run();
    let t = launched_after(&sim, 2, secs(30))[0];
    let running = reached(&sim, &t.id, TaskStatus::Running).expect("runs");
    let unhealthy = sim
        .log()
        .iter()
        .find(|e| {
            matches!(&e.kind, EventKind::TaskHealthChanged { task, health, .. }
                if *task == t.id && health.as_str() == "UNHEALTHY")
        })
        .expect("UNHEALTHY")
        .at;
    // Checks at 10 … 50 s are ignored; 60, 70, 80 s count.
    assert_eq!(unhealthy.since(running), Millis(80_000));
}

#[test]
fn with_room_under_maximum_percent_the_replacement_starts_before_the_unhealthy_task_stops() {
    let s = Ecs {
        desired: 1,
        max: 200,
        timeline: vec![(
            60.0,
            r#"FailHealthChecks(service: "web", response: Status(503))"#.into(),
        )],
        ..Ecs::default()
    };
    let sim = s.run();
    let failing = &tasks_of(&sim, 1)[0];
    let noticed = sim
        .log()
        .iter()
        .position(
            |e| matches!(&e.kind, EventKind::TaskUnhealthy { task, .. } if *task == failing.id),
        )
        .expect("noticed");
    let after = &sim.log()[noticed..];
    let started = after
        .iter()
        .position(|e| matches!(e.kind, EventKind::TasksStarted { .. }))
        .expect("a replacement starts");
    let stopped = after
        .iter()
        .position(|e| matches!(&e.kind, EventKind::TasksStopped { tasks, .. } if tasks.contains(&failing.id)))
        .expect("the failing task stops");
    assert!(
        started < stopped,
        "start first when maximumPercent leaves room"
    );
    assert!(
        after[started]
            .message()
            .ends_with(". Amazon ECS replaced 1 tasks due to an unhealthy status."),
        "{}",
        after[started].message()
    );
    // The suffix belongs to that replacement only.
    let suffixed = sim
        .log()
        .iter()
        .filter(|e| e.message().contains("due to an unhealthy status"))
        .count();
    assert_eq!(suffixed, 1);
}

#[test]
fn without_room_the_unhealthy_task_stops_before_its_replacement_starts() {
    let s = Ecs {
        desired: 1,
        min: 0,
        max: 100,
        timeline: vec![(
            60.0,
            r#"FailHealthChecks(service: "web", response: Status(503))"#.into(),
        )],
        ..Ecs::default()
    };
    let sim = s.run();
    let failing = &tasks_of(&sim, 1)[0];
    let msgs = service_messages(&sim);
    let stopped = msgs
        .iter()
        .position(|m| {
            *m == format!(
                "(service web) has stopped 1 running tasks: (task {}).",
                failing.id
            )
        })
        .expect("stops");
    let started = msgs
        .iter()
        .position(|m| m.starts_with("(service web) has started 1 tasks:"))
        .expect("replacement");
    assert!(
        stopped < started,
        "stop first when maximumPercent leaves no room"
    );
    assert!(
        msgs[started].ends_with(". Amazon ECS replaced 1 tasks due to an unhealthy status."),
        "{}",
        msgs[started]
    );
    let mut most = 0;
    step_through(&s, |sim| most = most.max(live(sim).len()));
    assert_eq!(most, 1);
}

// ---------------------------------------------------------------------------------------------
// Placement (docs/rules/ecs-placement.md)

fn per<K: Ord>(tasks: &[&Task], key: impl Fn(&Task) -> K) -> Vec<usize> {
    let mut m = BTreeMap::new();
    for t in tasks {
        *m.entry(key(t)).or_insert(0) += 1;
    }
    m.into_values().collect()
}

fn instance_of(t: &Task) -> u32 {
    match t.host {
        Host::Instance(i) => i.0,
        Host::Fargate | Host::AwaitingCapacity => u32::MAX,
    }
}

#[test]
fn ec2_default_placement_spreads_over_zones_then_instances() {
    for (instances, desired) in [(6, 6), (6, 9), (3, 7), (5, 10)] {
        let s = Ecs {
            ec2: Some(("m5.xlarge", instances)),
            desired,
            timeline: vec![],
            duration: 60,
            ..Ecs::default()
        };
        let sim = s.run();
        let tasks = running(&sim);
        assert_eq!(tasks.len() as u32, desired);
        let zones = per(&tasks, |t| t.availability_zone.clone());
        let (lo, hi) = (zones.iter().min(), zones.iter().max());
        assert!(
            hi.zip(lo).is_some_and(|(h, l)| h - l <= 1),
            "{instances} instances, {desired} tasks: zones {zones:?}"
        );
        // Within each zone, the zone's instances are balanced.
        for zone in ZONES {
            let mut hosts: BTreeMap<u32, usize> = sim
                .world()
                .ecs_cluster()
                .instances
                .iter()
                .enumerate()
                .filter(|(_, i)| i.availability_zone == zone)
                .map(|(n, _)| (n as u32, 0))
                .collect();
            for t in tasks.iter().filter(|t| t.availability_zone == zone) {
                *hosts.entry(instance_of(t)).or_default() += 1;
            }
            let (lo, hi) = (hosts.values().min(), hosts.values().max());
            assert!(
                hi.zip(lo).is_none_or(|(h, l)| h - l <= 1),
                "{instances} instances, {desired} tasks: {zone} {hosts:?}"
            );
        }
    }
}

#[test]
fn binpack_memory_fills_one_instance_before_the_next() {
    // A t3.large registers 7,680 MiB: seven 1,024-MiB tasks fit; the eighth goes elsewhere.
    let s = Ecs {
        ec2: Some(("t3.large", 3)),
        desired: 8,
        service_extra: "placement_strategy: [Binpack(Memory)],".into(),
        timeline: vec![],
        duration: 60,
        ..Ecs::default()
    };
    let sim = s.run();
    let mut hosts = per(&running(&sim), instance_of);
    hosts.sort_unstable();
    // CPU allows 4 tasks of 512 units on 2 vCPU: binpack on memory still packs until CPU runs out.
    assert_eq!(hosts, vec![4, 4], "packed, not spread");
}

#[test]
fn distinct_instance_leaves_the_extra_task_unplaced() {
    let s = Ecs {
        ec2: Some(("m5.xlarge", 2)),
        desired: 3,
        service_extra: "placement_constraints: [DistinctInstance],".into(),
        timeline: vec![],
        duration: 120,
        ..Ecs::default()
    };
    let sim = s.run();
    let hosts = per(&running(&sim), instance_of);
    assert_eq!(hosts, vec![1, 1], "one task per instance");
    // No reason narrower than the general sentence applies (constraints, not resources).
    let unable = "(service web) was unable to place a task because no container instance met all of its requirements. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";
    assert!(service_messages(&sim).iter().any(|m| m == unable));
}

#[test]
fn too_little_memory_names_the_closest_matching_instance() {
    let s = Ecs {
        ec2: Some(("t3.medium", 1)),
        desired: 4,
        timeline: vec![],
        duration: 60,
        ..Ecs::default()
    };
    let sim = s.run();
    // 3,840 MiB registered: three 1,024-MiB tasks fit.
    assert_eq!(running(&sim).len(), 3);
    let id = &sim.world().ecs_cluster().instances[0].id;
    let expected = format!(
        "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance {id}) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
    );
    assert!(service_messages(&sim).contains(&expected));
}

/// The "unable to place" events, with their times.
fn unable_to_place(sim: &Simulation) -> Vec<(SimTime, String)> {
    sim.log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::UnableToPlace { .. }))
        .map(|e| (e.at, e.message().into_owned()))
        .collect()
}

/// One t3.medium holds three of the four 1,024-MiB tasks: the fourth never fits.
fn one_task_too_many() -> Ecs {
    Ecs {
        ec2: Some(("t3.medium", 1)),
        desired: 4,
        lb: None,
        timeline: vec![],
        duration: 3600,
        ..Ecs::default()
    }
}

#[test]
fn a_duplicate_unable_to_place_message_is_suppressed_for_6_hours() {
    // docs/rules/ecs-service-events.md#general-rules: a duplicate message is suppressed until its cause is resolved or 6 hours
    // pass. The scheduler retries every 15 s; the log says it once, then again after 6 h.
    let s = Ecs {
        duration: 7 * 3600,
        ..one_task_too_many()
    };
    let sim = s.run();
    let events = unable_to_place(&sim);
    assert_eq!(events.len(), 2, "{events:?}");
    let ((first, text), (second, again)) = (events[0].clone(), events[1].clone());
    assert_eq!(text, again);
    assert!(text.ends_with("has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."));
    let gap = second.since(first);
    assert!(
        gap >= Millis::from_secs(6 * 3600) && gap < Millis::from_secs(6 * 3600 + 30),
        "repeated after {gap}"
    );
}

#[test]
fn a_placed_task_resolves_the_cause_so_the_same_message_is_reported_again() {
    // At 600 s a task crashes: its replacement fits where it ran, so a task is placed (the
    // cause is resolved), and the fourth task, still not fitting, is a new occurrence.
    let s = Ecs {
        timeline: vec![(
            600.0,
            r#"ContainerExits(service: "web", count: 1, exit_code: 1)"#.into(),
        )],
        ..one_task_too_many()
    };
    let sim = s.run();
    let events = unable_to_place(&sim);
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].1, events[1].1);
    assert!(events[0].0 < secs(60));
    let replaced = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| t.created_at > secs(600))
        .map(|t| t.created_at)
        .min()
        .expect("a replacement started");
    assert!(
        replaced <= events[1].0 && events[1].0 < secs(700),
        "reported again at {} after the replacement started at {replaced}",
        events[1].0
    );
}

#[test]
fn a_different_unable_to_place_reason_is_a_new_event() {
    // The only instance is terminated: the reason changes from insufficient memory to no
    // container instances, which is reported at once although no task was placed.
    let s = Ecs {
        timeline: vec![(600.0, r#"TerminateInstance(instance: "node")"#.into())],
        ..one_task_too_many()
    };
    let sim = s.run();
    let events = unable_to_place(&sim);
    assert_eq!(events.len(), 2, "{events:?}");
    assert!(events[0].1.contains("has insufficient memory available."));
    assert_eq!(
        events[1].1,
        "(service web) was unable to place a task. Reason: No Container Instances were found in your cluster."
    );
    assert!(secs(600) <= events[1].0 && events[1].0 < secs(630));
}

// ---------------------------------------------------------------------------------------------
// Task lifecycle and stop reasons (docs/rules/ecs-tasks.md)

#[test]
fn a_task_of_a_steady_service_is_first_seen_running_not_walking_from_provisioning() {
    let s = Ecs {
        service_extra: "start: Steady,".into(),
        timeline: vec![],
        duration: 60,
        ..Ecs::default()
    };
    let sim = s.run();
    let t = &sim.world().ecs_cluster().tasks[0];
    let changes: Vec<(SimTime, Option<TaskStatus>, TaskStatus, String)> = sim
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TaskStateChanged { task, from, to, .. } if *task == t.id => {
                Some((e.at, *from, *to, e.message().into_owned()))
            }
            _ => None,
        })
        .collect();
    let expected = format!(
        "web:1 task {} already RUNNING when the scenario starts (desiredStatus RUNNING)",
        t.id
    );
    assert_eq!(
        changes,
        vec![(SimTime::ZERO, None, TaskStatus::Running, expected)]
    );
}

#[test]
fn an_image_that_cannot_be_pulled_fails_to_start_and_is_throttled() {
    let s = Ecs {
        breaker: true,
        rollback: true,
        revisions: vec![String::new(), "behavior: (image_pull: NotFound)".into()],
        ..Ecs::default()
    };
    let sim = s.run();
    let failed = launched_after(&sim, 2, secs(30));
    assert!(failed.len() >= 3);
    for t in &failed {
        assert!(!t.reached_running, "PENDING → STOPPED without RUNNING");
        assert_eq!(t.last_status, TaskStatus::Stopped);
        assert_eq!(t.stop_code, Some(StopCode::TaskFailedToStart));
        let reason = t.stopped_reason.as_deref().unwrap_or_default();
        assert!(
            reason.starts_with("CannotPullContainerError: ") && reason.contains("web:v2"),
            "{reason}"
        );
        assert!(reached(&sim, &t.id, TaskStatus::Running).is_none());
    }
    // Stage 1 of the breaker: tasks that never reach RUNNING count.
    let (count, trip) = failed_before_trip(&sim, 2);
    assert_eq!(count, 3);
    assert!(
        trip.message()
            .ends_with("deployment failed: tasks failed to start.")
    );
}

#[test]
fn tasks_that_keep_failing_to_start_throttle_the_service() {
    let s = Ecs {
        desired: 2,
        revisions: vec![String::new(), "behavior: (image_pull: AccessDenied)".into()],
        duration: 1800,
        ..Ecs::default()
    };
    let sim = s.run();
    // docs/rules/ecs-tasks.md#service-throttle: repeated PENDING → STOPPED makes ECS back off,
    // and it says so once.
    let throttled: Vec<_> = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Throttled { .. }))
        .collect();
    assert_eq!(throttled.len(), 1);
    assert_eq!(
        throttled[0].message(),
        "(service web) is unable to consistently start tasks successfully."
    );
    // The delay between launches grows, up to 15 minutes.
    let launches: Vec<SimTime> = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::TasksStarted { revision: 2, .. }))
        .map(|e| e.at)
        .collect();
    let gaps: Vec<u64> = launches.windows(2).map(|w| w[1].since(w[0]).0).collect();
    assert!(gaps.len() >= 4, "{launches:?}");
    assert!(
        gaps.windows(2).all(|g| g[1] >= g[0]),
        "growing gaps {gaps:?}"
    );
    assert!(gaps.iter().all(|&g| g <= 15 * 60_000 + 60_000), "{gaps:?}");
    // The old tasks are untouched: nothing new ever became healthy.
    assert_eq!(running(&sim).len(), 2);
    assert!(running(&sim).iter().all(|t| revision_of(&sim, t) == 1));
    let reason = launched_after(&sim, 2, secs(30))[0]
        .stopped_reason
        .clone()
        .unwrap_or_default();
    assert!(
        reason.starts_with("CannotPullContainerError: ")
            && reason.ends_with(
                "pull access denied, repository does not exist or may require authorization"
            ),
        "{reason}"
    );
}

#[test]
fn an_essential_container_exit_stops_the_task_and_ecs_replaces_it() {
    let s = Ecs {
        timeline: vec![(
            60.0,
            r#"ContainerExits(service: "web", count: 1, exit_code: 137)"#.into(),
        )],
        ..Ecs::default()
    };
    let sim = s.run();
    let t = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .find(|t| t.stop_code == Some(StopCode::EssentialContainerExited))
        .expect("a task stopped");
    assert_eq!(
        t.stopped_reason.as_deref(),
        Some("Essential container in task exited")
    );
    assert_eq!(t.containers[0].exit_code, Some(137));
    assert_eq!(t.stopping_at, Some(secs(60)));
    assert_eq!(running(&sim).len(), 4, "ECS starts a replacement");
    let replacement = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .find(|x| x.created_at > secs(60))
        .expect("replacement");
    assert_eq!(revision_of(&sim, replacement), revision_of(&sim, t));
}

#[test]
fn a_terminated_instance_stops_its_tasks_and_ecs_places_them_elsewhere() {
    let s = Ecs {
        ec2: Some(("m5.xlarge", 3)),
        desired: 3,
        timeline: vec![(60.0, r#"TerminateInstance(instance: "node-1")"#.into())],
        ..Ecs::default()
    };
    let sim = s.run();
    let gone = &sim.world().ecs_cluster().instances[0];
    assert_eq!(gone.status.as_str(), "INACTIVE");
    assert!(gone.tasks.is_empty());
    let lost: Vec<&Task> = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| instance_of(t) == 0)
        .collect();
    assert!(!lost.is_empty());
    for t in lost {
        assert_eq!(t.last_status, TaskStatus::Stopped);
        assert_eq!(t.stopped_at, Some(secs(60)));
        // docs/rules/ecs-tasks.md#stopped-reasons, quoted exactly.
        assert_eq!(
            t.stopped_reason.as_deref(),
            Some(
                format!(
                    "Host EC2 (instance {}) stopped/terminated",
                    gone.ec2_instance_id
                )
                .as_str()
            )
        );
        assert_eq!(t.stop_code, Some(StopCode::TerminationNotice));
    }
    let now = running(&sim);
    assert_eq!(now.len(), 3);
    assert!(now.iter().all(|t| instance_of(t) != 0));
}

/// The service events at `at` that deregister and drain targets
/// (docs/rules/ecs-service-events.md#load-balancer-targets).
fn deregistration_messages(sim: &Simulation, at: SimTime) -> Vec<String> {
    sim.log()
        .iter()
        .filter(|e| {
            e.at == at
                && matches!(
                    e.kind,
                    EventKind::TargetsDeregistered { .. } | EventKind::DrainingBegun { .. }
                )
        })
        .map(|e| e.message().into_owned())
        .collect()
}

#[test]
fn a_crashed_task_has_its_target_deregistered_and_drained_with_service_events() {
    let s = Ecs {
        timeline: vec![(
            60.0,
            r#"ContainerExits(service: "web", count: 1, exit_code: 1)"#.into(),
        )],
        ..Ecs::default()
    };
    let sim = s.run();
    let t = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .find(|t| t.stop_code == Some(StopCode::EssentialContainerExited))
        .expect("a task crashed");
    let tg_arn = &sim.world().ecs_cluster().target_groups[0].arn;
    let task_set = t.deployment_id.clone().expect("a service task");
    // docs/rules/ecs-service-events.md#load-balancer-targets, quoted exactly.
    assert_eq!(
        deregistration_messages(&sim, secs(60)),
        vec![
            format!("(service web) deregistered 1 targets in (target-group {tg_arn})"),
            format!("(service web, taskSet {task_set}) has begun draining connections on 1 tasks."),
        ]
    );
    assert_eq!(
        target_became(&sim, &t.id, TargetState::Draining),
        Some(secs(60))
    );
}

#[test]
fn a_terminated_host_has_its_tasks_targets_deregistered_with_service_events() {
    let s = Ecs {
        ec2: Some(("m5.xlarge", 3)),
        desired: 3,
        timeline: vec![(60.0, r#"TerminateInstance(instance: "node-1")"#.into())],
        ..Ecs::default()
    };
    let sim = s.run();
    let lost: Vec<&Task> = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| instance_of(t) == 0 && t.stopped_at == Some(secs(60)))
        .collect();
    assert!(!lost.is_empty());
    let tg_arn = &sim.world().ecs_cluster().target_groups[0].arn;
    let mut expected = Vec::new();
    for t in &lost {
        let task_set = t.deployment_id.clone().expect("a service task");
        expected.push(format!(
            "(service web) deregistered 1 targets in (target-group {tg_arn})"
        ));
        expected.push(format!(
            "(service web, taskSet {task_set}) has begun draining connections on 1 tasks."
        ));
        assert_eq!(
            target_became(&sim, &t.id, TargetState::Draining),
            Some(secs(60))
        );
    }
    assert_eq!(deregistration_messages(&sim, secs(60)), expected);
}

#[test]
fn an_availability_zone_outage_fails_its_targets_and_tasks_move_to_other_zones() {
    let s = Ecs {
        desired: 3,
        timeline: vec![(60.0, r#"ZoneOutage(zone: "us-east-1a")"#.into())],
        ..Ecs::default()
    };
    let sim = s.run();
    let in_a: Vec<&Task> = tasks_of(&sim, 1)
        .into_iter()
        .filter(|t| t.availability_zone == "us-east-1a" && t.created_at == SimTime::ZERO)
        .collect();
    assert_eq!(in_a.len(), 1);
    let t = in_a[0];
    // The load balancer cannot reach the zone: its checks time out (reason Target.Timeout,
    // docs/rules/elb.md#target-states-and-reason-codes).
    let unhealthy = target_became(&sim, &t.id, TargetState::Unhealthy).expect("unhealthy");
    assert!(unhealthy > secs(60));
    assert!(sim.log().iter().any(|e| {
        matches!(&e.kind, EventKind::TaskUnhealthy { task, .. } if *task == t.id)
            && e.message().ends_with("due to (reason Request timed out)")
    }));
    let now = running(&sim);
    assert_eq!(now.len(), 3);
    assert!(now.iter().all(|t| t.availability_zone != "us-east-1a"));
    assert!(
        sim.world()
            .ecs_cluster()
            .tasks
            .iter()
            .filter(|t| t.created_at > secs(60))
            .all(|t| t.availability_zone != "us-east-1a"),
        "nothing new is placed in the zone"
    );
}

#[test]
fn stop_task_by_the_user_is_replaced() {
    let s = Ecs {
        timeline: vec![(60.0, r#"StopTask(service: "web", count: 1)"#.into())],
        ..Ecs::default()
    };
    let sim = s.run();
    let t = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .find(|t| t.stop_code == Some(StopCode::UserInitiated))
        .expect("stopped by the user");
    assert_eq!(t.stopped_reason.as_deref(), Some("Task stopped by user"));
    assert_eq!(running(&sim).len(), 4);
    assert!(
        !sim.log()
            .iter()
            .any(|e| e.message().contains("due to an unhealthy status")),
        "a user stop is not an unhealthy replacement"
    );
}

#[test]
fn an_application_that_ignores_sigterm_is_killed_after_stop_timeout() {
    let s = Ecs {
        lb: None,
        desired: 1,
        revisions: vec![
            "stop_timeout: 20, behavior: (ignores_sigterm: true)".into(),
            String::new(),
        ],
        ..Ecs::default()
    };
    let sim = s.run();
    let old = tasks_of(&sim, 1)[0];
    let stopping = reached(&sim, &old.id, TaskStatus::Stopping).expect("SIGTERM");
    let deprovisioning = reached(&sim, &old.id, TaskStatus::Deprovisioning).expect("exited");
    assert_eq!(
        deprovisioning.since(stopping),
        Millis(20_000),
        "SIGKILL after stopTimeout"
    );
    assert_eq!(old.containers[0].exit_code, Some(137), "128 + SIGKILL");
    // A well-behaved application exits on SIGTERM (2 s here) with code 0.
    let new = launched_after(&sim, 2, secs(30))[0];
    assert_eq!(new.containers[0].exit_code, None);
    assert_eq!(new.desired_status, DesiredStatus::Running);
}

#[test]
fn a_spot_interruption_stops_fargate_spot_tasks_with_its_own_stop_code() {
    let s = Ecs {
        lb: None,
        desired: 4,
        service_extra: "capacity_provider_strategy: [(capacity_provider: Fargate, base: 1, weight: 1), (capacity_provider: FargateSpot, weight: 1)],".into(),
        timeline: vec![(60.0, r#"SpotInterruption(service: "web", count: 1)"#.into())],
        ..Ecs::default()
    };
    let sim = s.run();
    let t = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .find(|t| t.stop_code == Some(StopCode::SpotInterruption))
        .expect("interrupted");
    assert_eq!(
        t.stopped_reason.as_deref(),
        Some("Your Spot Task was interrupted.")
    );
    assert_eq!(t.capacity_provider.as_deref(), Some("FARGATE_SPOT"));
    assert_eq!(running(&sim).len(), 4);
}

#[test]
fn a_rollback_tripped_while_replacing_a_failed_task_still_runs() {
    // min 0 % / max 150 %: the old tasks stop at once, and each failing web:2 task is replaced
    // start-first. The third failure trips the breaker in the middle of such a replacement.
    let s = Ecs {
        desired: 2,
        min: 0,
        max: 150,
        breaker: true,
        rollback: true,
        revisions: failing_v2("Status(500)"),
        ..Ecs::default()
    };
    let sim = s.run();
    let (failed, _) = failed_before_trip(&sim, 2);
    assert_eq!(failed, 3);
    let svc = &sim.world().ecs_cluster().services[0];
    let primary = svc.primary().expect("the rollback deployment is PRIMARY");
    assert_eq!(
        sim.world()
            .ecs_cluster()
            .task_definition(primary.task_definition)
            .revision,
        1
    );
    assert_eq!(primary.rollout_state, RolloutState::Completed);
    assert_eq!(svc.deployments.len(), 1);
    let now = running(&sim);
    assert_eq!(now.len(), 2);
    assert!(now.iter().all(|t| revision_of(&sim, t) == 1));
}

#[test]
fn a_failed_old_task_is_replaced_with_its_own_revision_during_a_rollout() {
    // docs/rules/ecs-deployments.md#replacing-unhealthy-tasks-outside-a-deployment (Nov 2025): a
    // task that fails during a rolling deployment is replaced with the revision
    // it belonged to. At 0:40 the web:2 tasks are still PENDING when a web:1 container exits.
    let s = Ecs {
        timeline: vec![
            (30.0, update_to(2)),
            (
                40.0,
                r#"ContainerExits(service: "web", count: 1, exit_code: 1)"#.into(),
            ),
        ],
        ..Ecs::default()
    };
    let sim = s.run();
    let crashed = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .find(|t| t.stop_code == Some(StopCode::EssentialContainerExited))
        .expect("a task exited");
    assert_eq!(revision_of(&sim, crashed), 1);
    let replacement = sim
        .log()
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::TasksStarted {
                tasks, revision, ..
            } if e.at > secs(40) => Some((tasks.clone(), *revision, e.at)),
            _ => None,
        })
        .expect("a replacement starts");
    assert_eq!(replacement.1, 1, "replaced with web:1, not web:2");
    assert_eq!(replacement.0.len(), 1);
    assert_eq!(replacement.2, secs(41));
    // The rollout still ends with 4 web:2 tasks and nothing else.
    assert_eq!(deployment_completed(&sim).len(), 1);
    let now = running(&sim);
    assert_eq!(now.len(), 4);
    assert!(now.iter().all(|t| revision_of(&sim, t) == 2));
}

#[test]
fn fargate_spreads_a_service_over_its_zones() {
    let s = Ecs {
        desired: 7,
        timeline: vec![],
        duration: 60,
        ..Ecs::default()
    };
    let sim = s.run();
    let mut zones = per(&running(&sim), |t| t.availability_zone.clone());
    zones.sort_unstable();
    assert_eq!(zones, vec![2, 2, 3]);
}

#[test]
fn scale_in_stops_tasks_from_the_zone_with_the_most_first() {
    // Four instances over three zones: us-east-1a has two of them. Nine tasks spread 3/3/3;
    // scaling in to 3 must leave one task per zone (default spread, stopping side:
    // docs/rules/ecs-placement.md#which-task-stops-first).
    let s = Ecs {
        ec2: Some(("m5.xlarge", 4)),
        desired: 9,
        min: 100,
        timeline: vec![(
            60.0,
            r#"UpdateService(service: "web", desired_count: 3)"#.into(),
        )],
        duration: 300,
        ..Ecs::default()
    };
    let sim = s.run();
    let before: Vec<&Task> = tasks_of(&sim, 1);
    assert_eq!(per(&before, |t| t.availability_zone.clone()), vec![3, 3, 3]);
    let stop = scheduler_actions(&sim)
        .into_iter()
        .find(|e| e.at > secs(60))
        .expect("scale-in");
    assert!(
        matches!(&stop.kind, EventKind::TasksStopped { tasks, .. } if tasks.len() == 6),
        "{stop:?}"
    );
    let left = running(&sim);
    assert_eq!(per(&left, |t| t.availability_zone.clone()), vec![1, 1, 1]);
    // No deployment for a desired-count change: the service is simply steady again.
    assert!(deployment_completed(&sim).is_empty());
    assert_eq!(
        service_messages(&sim).last().map(String::as_str),
        Some("(service web) has reached a steady state.")
    );
}

#[test]
fn an_unhealthy_target_recovers_only_after_the_healthy_threshold() {
    // Steady targets are checked every 10 s from 0:00. The application fails from 1:00 to
    // 1:40; the grace period (300 s from the start) keeps ECS from replacing the tasks.
    let s = Ecs {
        lb: Some(TargetGroup {
            interval: 10,
            healthy: 5,
            unhealthy: 2,
            ..TargetGroup::default()
        }),
        grace: 300,
        timeline: vec![(
            60.0,
            r#"FailHealthChecks(service: "web", response: Status(503), recover_after: 40)"#.into(),
        )],
        duration: 200,
        ..Ecs::default()
    };
    let sim = s.run();
    for t in tasks_of(&sim, 1) {
        let unhealthy = target_became(&sim, &t.id, TargetState::Unhealthy).expect("unhealthy");
        // Failing checks at 1:00 and 1:10.
        assert_eq!(unhealthy, secs(70));
        let healthy_again = sim
            .log()
            .iter()
            .find_map(|e| match &e.kind {
                EventKind::TargetHealthChanged {
                    task,
                    from: Some(TargetState::Unhealthy),
                    to: TargetState::Healthy,
                    ..
                } if *task == t.id => Some(e.at),
                _ => None,
            })
            .expect("recovers");
        // Passing checks at 1:40, 1:50, 2:00, 2:10, 2:20: HealthyThresholdCount 5.
        assert_eq!(healthy_again, secs(140));
    }
    assert!(
        !sim.log()
            .iter()
            .any(|e| matches!(e.kind, EventKind::TaskUnhealthy { .. })),
        "inside the grace period nothing is replaced"
    );
    assert_eq!(running(&sim).len(), 4);
}

// ---------------------------------------------------------------------------------------------
// Container instance draining (docs/rules/ecs-scaling.md#container-instance-draining)

fn on_instance<'a>(sim: &'a Simulation, name: &str) -> Vec<&'a Task> {
    let w = sim.world().ecs_cluster();
    let i = w.instance_by_name(name).expect("instance");
    live(sim)
        .into_iter()
        .filter(|t| t.host == Host::Instance(i))
        .collect()
}

#[test]
fn draining_with_min_100_max_200_starts_replacements_before_stopping() {
    let s = Ecs {
        ec2: Some(("m5.xlarge", 3)),
        desired: 3,
        timeline: vec![(60.0, r#"DrainInstance(instance: "node-1")"#.into())],
        duration: 400,
        ..Ecs::default()
    };
    assert_eq!(on_instance(&s.run_until(59), "node-1").len(), 1);
    let sim = step_through(&s, |sim| {
        // The healthy count never drops below minimumHealthyPercent 100 % of 3.
        let up = running(sim)
            .into_iter()
            .filter(|t| t.desired_status == DesiredStatus::Running)
            .count();
        assert!(up >= 3, "{up} running at {}", sim.now());
    });
    assert!(on_instance(&sim, "node-1").is_empty());
    assert_eq!(running(&sim).len(), 3);
    assert_eq!(
        sim.world().ecs_cluster().tasks.len(),
        4,
        "one replacement, not more"
    );
    let w = sim.world().ecs_cluster();
    let i = w.instance_by_name("node-1").expect("instance");
    assert_eq!(w.instance(i).status, InstanceStatus::Draining);
    assert_eq!(w.services[0].desired_count, 3);
}

#[test]
fn draining_with_min_50_max_100_stops_two_tasks_before_starting_two() {
    // Three instances in one zone: four tasks spread 2, 1, 1; node-1 holds two.
    let s = Ecs {
        ec2: Some(("m5.xlarge", 3)),
        zones: 1,
        desired: 4,
        min: 50,
        max: 100,
        timeline: vec![(60.0, r#"DrainInstance(instance: "node-1")"#.into())],
        duration: 400,
        ..Ecs::default()
    };
    let before = s.run_until(59);
    let drained: Vec<String> = on_instance(&before, "node-1")
        .iter()
        .map(|t| t.id.to_string())
        .collect();
    assert_eq!(drained.len(), 2);
    let sim = s.run();
    let stopped_at: Vec<SimTime> = drained
        .iter()
        .map(|id| task(&sim, id).stopping_at.expect("stopped"))
        .collect();
    // Both stop in the same pass (healthy 4 − lower bound 2 = 2 may stop) ...
    assert_eq!(stopped_at[0], stopped_at[1]);
    let replacements: Vec<&Task> = launched_after(&sim, 1, secs(60));
    assert_eq!(replacements.len(), 2);
    // ... and the replacements start only after that (maximumPercent 100 allows 4 RUNNING or
    // PENDING tasks; stopping ones no longer count).
    assert!(
        replacements.iter().all(|t| t.created_at > stopped_at[0]),
        "replacements at {:?}, stops at {:?}",
        replacements
            .iter()
            .map(|t| t.created_at)
            .collect::<Vec<_>>(),
        stopped_at
    );
    assert!(on_instance(&sim, "node-1").is_empty());
    assert_eq!(running(&sim).len(), 4);
}
