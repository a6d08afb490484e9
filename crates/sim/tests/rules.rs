//! One test per documented rule or worked example of the reference
//! (`shared/reference/aws-and-kubernetes-behaviour.md` §1–§6), each on a small scenario.

mod common;

use std::sync::Arc;

use orca_sim::ecs::{DesiredStatus, TaskStatus, lower_bound, upper_bound};
use orca_sim::{Event, Scenario, SimTime, Simulation};

/// A one-service scenario. `launch` is `Fargate` or `Ec2`; on EC2 the cluster gets `instances`
/// t3.large instances (2 vCPU, 8 GiB) spread over three zones.
struct Spec<'a> {
    launch: &'a str,
    instances: u32,
    desired: u32,
    min: u32,
    max: u32,
    /// Extra fields for the service (placement, grace period…).
    service_extra: &'a str,
    /// Extra fields for both task definitions' container.
    container_extra: &'a str,
    /// Extra fields for revision 2's container only.
    v2_extra: &'a str,
    load_balancer: bool,
    timeline: &'a str,
    duration: u32,
}

impl Default for Spec<'_> {
    fn default() -> Self {
        Spec {
            launch: "Fargate",
            instances: 0,
            desired: 4,
            min: 100,
            max: 200,
            service_extra: "",
            container_extra: "",
            v2_extra: "",
            load_balancer: true,
            timeline: r#"(at: 30, action: UpdateService(service: "web", task_definition: "web:2")),"#,
            duration: 900,
        }
    }
}

fn scenario(s: &Spec) -> Arc<Scenario> {
    let ec2 = s.launch == "Ec2";
    let (mode, tg_type) = if ec2 {
        ("Bridge", "Instance")
    } else {
        ("Awsvpc", "Ip")
    };
    let capacity = if ec2 {
        format!(
            r#"capacity: (instances: [(name: "node", instance_type: "t3.large", count: {})]),"#,
            s.instances
        )
    } else {
        String::new()
    };
    let lb = if s.load_balancer {
        r#"load_balancers: [(target_group: "web-tg", container_name: "web", container_port: 8080)],"#
    } else {
        ""
    };
    let td = |rev: u32, extra: &str| {
        format!(
            r#"(family: "web", revision: {rev}, cpu: 512, memory: 1024, network_mode: {mode},
                containers: [(name: "web", image: "web:v{rev}", port: 8080 {c} {extra})])"#,
            c = if s.container_extra.is_empty() {
                String::new()
            } else {
                format!(", {}", s.container_extra)
            },
            extra = if extra.is_empty() {
                String::new()
            } else {
                format!(", {extra}")
            },
        )
    };
    let src = format!(
        r#"(
        version: 1, title: "rule", description: "", seed: 11, duration: {duration},
        world: Ecs(
            cluster: (name: "c"),
            {capacity}
            task_definitions: [{td1}, {td2}],
            target_groups: [(name: "web-tg", port: 8080, target_type: {tg_type},
                health_check: (path: "/", interval_seconds: 10, healthy_threshold_count: 3, unhealthy_threshold_count: 3),
                deregistration_delay_seconds: 45)],
            services: [(name: "web", task_definition: "web:1", desired_count: {desired}, launch_type: {launch},
                deployment_configuration: (minimum_healthy_percent: {min}, maximum_percent: {max},
                    deployment_circuit_breaker: (enable: true, rollback: true)),
                {lb} {service_extra})],
        ),
        timeline: [{timeline}],
        quizzes: [],
    )"#,
        duration = s.duration,
        td1 = td(1, ""),
        td2 = td(2, s.v2_extra),
        desired = s.desired,
        launch = s.launch,
        min = s.min,
        max = s.max,
        service_extra = s.service_extra,
        timeline = s.timeline,
    );
    common::parse(&src)
}

fn run(s: &Arc<Scenario>) -> Simulation {
    let mut sim = Simulation::new(s.clone());
    let end = sim.end();
    sim.advance_to(end);
    sim
}

fn service_events(sim: &Simulation) -> Vec<&Event> {
    sim.log()
        .iter()
        .filter(|e| e.source.category() == "service")
        .collect()
}

/// Tasks with desiredStatus RUNNING that are not STOPPED (what maximumPercent caps).
fn live(sim: &Simulation) -> usize {
    sim.world()
        .tasks
        .iter()
        .filter(|t| {
            t.desired_status == DesiredStatus::Running && t.last_status != TaskStatus::Stopped
        })
        .count()
}

fn first_after<'a>(events: &[&'a Event], t: SimTime) -> &'a Event {
    events
        .iter()
        .find(|e| e.at > t)
        .copied()
        .expect("an event after the update")
}

#[test]
fn bounds_round_like_ecs() {
    // §1: min rounds up, max rounds down.
    assert_eq!(lower_bound(4, 50), 2);
    assert_eq!(upper_bound(4, 100), 4);
    assert_eq!(lower_bound(2, 75), 2);
    assert_eq!(upper_bound(3, 125), 3);
    assert_eq!(upper_bound(4, 200), 8);
}

#[test]
fn desired_4_min_50_max_100_stops_two_before_starting() {
    let s = scenario(&Spec {
        launch: "Ec2",
        instances: 2,
        min: 50,
        max: 100,
        ..Default::default()
    });
    let sim = run(&s);
    let ev = service_events(&sim);
    let first = first_after(&ev, SimTime::from_secs(30));
    assert!(
        first
            .message
            .starts_with("(service web) has stopped 2 running tasks:"),
        "{}",
        first.message
    );
    assert!(
        sim.log()
            .iter()
            .any(|e| e.message.contains("deployment completed"))
    );
}

#[test]
fn desired_2_min_75_max_100_can_neither_stop_nor_start() {
    let s = scenario(&Spec {
        desired: 2,
        min: 75,
        max: 100,
        ..Default::default()
    });
    let sim = run(&s);
    let stuck = "(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.";
    assert!(
        sim.log().iter().any(|e| e.message == stuck),
        "no stuck event"
    );
    let after: Vec<_> = service_events(&sim)
        .into_iter()
        .filter(|e| e.at > SimTime::from_secs(30))
        .filter(|e| e.message.contains("has started") || e.message.contains("has stopped"))
        .collect();
    assert!(after.is_empty(), "{after:?}");
}

#[test]
fn desired_3_max_125_never_runs_an_extra_task() {
    let s = scenario(&Spec {
        desired: 3,
        min: 50,
        max: 125,
        ..Default::default()
    });
    let mut sim = Simulation::new(s);
    let end = sim.end();
    let mut most = 0;
    while sim.advance_to_next_event(end).is_some() {
        most = most.max(live(&sim));
    }
    assert_eq!(most, 3, "floor(3 × 125 %) = 3 tasks at most");
    assert!(
        sim.log()
            .iter()
            .any(|e| e.message.contains("deployment completed"))
    );
}

#[test]
fn min_100_max_200_starts_all_four_new_tasks_at_once() {
    let sim = run(&scenario(&Spec::default()));
    let ev = service_events(&sim);
    let first = first_after(&ev, SimTime::from_secs(30));
    assert!(
        first
            .message
            .starts_with("(service web) has started 4 tasks:"),
        "{}",
        first.message
    );
}

/// (registered at, became healthy at) for each target of revision 2.
fn target_times(sim: &Simulation, to: &str) -> Vec<(SimTime, SimTime)> {
    let mut out = Vec::new();
    for e in sim.log() {
        if e.source.category() == "target-group" && e.message.contains("web:2): initial (") {
            let task = e
                .message
                .split("(task ")
                .nth(1)
                .and_then(|x| x.split(',').next());
            if let Some(task) = task {
                let done = sim.log().iter().find(|x| {
                    x.message
                        .contains(&format!("(task {task}, web:2): initial → {to}"))
                });
                if let Some(d) = done {
                    out.push((e.at, d.at));
                }
            }
        }
    }
    out
}

#[test]
fn a_new_target_turns_healthy_after_one_passing_check() {
    let sim = run(&scenario(&Spec::default()));
    let times = target_times(&sim, "healthy");
    assert_eq!(times.len(), 4);
    for (reg, healthy) in times {
        let d = healthy.since(reg);
        // The first check comes within one interval (10 s) of registration.
        assert!(
            d.0 > 0 && d.0 <= 10_000 + 5_000,
            "initial → healthy after {d:?}"
        );
    }
}

#[test]
fn a_failing_target_turns_unhealthy_after_the_unhealthy_threshold() {
    let s = scenario(&Spec {
        v2_extra: "behavior: (fails_health_checks: (response: Status(500)))",
        ..Default::default()
    });
    let sim = run(&s);
    let times = target_times(&sim, "unhealthy");
    assert!(!times.is_empty());
    for (reg, bad) in times {
        let d = bad.since(reg).0;
        // Checks begin once registration completes (up to `target_registration_seconds`
        // after the target is added) and within one interval; three failed checks 10 s apart
        // then take 20 s more.
        let reg_max = (s_timings_registration_max() * 1000.0) as u64;
        assert!(
            (20_000..=30_000 + reg_max).contains(&d),
            "initial → unhealthy after {d} ms"
        );
    }
    let unhealthy = sim
        .log()
        .iter()
        .find(|e| e.message.contains("is unhealthy in (target-group"))
        .expect("event");
    assert!(
        unhealthy
            .message
            .ends_with("due to (reason Health checks failed with these codes: [500])")
    );
}

#[test]
fn draining_lasts_the_deregistration_delay() {
    let sim = run(&scenario(&Spec::default()));
    let starts: Vec<_> = sim
        .log()
        .iter()
        .filter(|e| e.message.contains("healthy → draining"))
        .collect();
    assert_eq!(starts.len(), 4);
    for s in starts {
        let task = s
            .message
            .split("(task ")
            .nth(1)
            .and_then(|x| x.split(',').next())
            .expect("task");
        let end = sim
            .log()
            .iter()
            .find(|e| {
                e.message
                    .contains(&format!("(task {task}, web:1): draining finished"))
            })
            .expect("draining ends");
        assert_eq!(
            end.at.since(s.at).0,
            45_000,
            "deregistration_delay_seconds: 45"
        );
    }
}

#[test]
fn circuit_breaker_trips_after_three_failures_and_rolls_back_to_the_completed_deployment() {
    let s = scenario(&Spec {
        v2_extra: "behavior: (fails_health_checks: (response: Status(500)))",
        ..Default::default()
    });
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(SimTime::from_secs(20));
    let completed = sim.world().services[0]
        .primary()
        .expect("primary")
        .id
        .clone();
    let sim = run(&s);
    let trip = sim
        .log()
        .iter()
        .position(|e| {
            e.message
                .ends_with("deployment failed: tasks failed to start.")
        })
        .expect("breaker trips");
    let failures = sim.log()[..=trip]
        .iter()
        .filter(|e| {
            e.source.category() == "service" && e.message.contains("is unhealthy in (target-group")
        })
        .count();
    assert_eq!(failures, 3, "threshold clamp(ceil(4 / 2), 3, 200) = 3");
    let rollback = &sim.log()[trip + 1];
    assert_eq!(
        rollback.message,
        format!("(service web) rolling back to deployment {completed}.")
    );
    // The rollback completes on web:1.
    let last_done = sim
        .log()
        .iter()
        .rev()
        .find(|e| e.message.contains("deployment completed"))
        .expect("done");
    assert!(last_done.at > rollback.at);
    let svc = &sim.world().services[0];
    let td = sim
        .world()
        .task_definition(svc.primary().expect("primary").task_definition);
    assert_eq!(td.revision, 1);
}

#[test]
fn the_grace_period_ignores_load_balancer_failures() {
    let s = scenario(&Spec {
        v2_extra: "behavior: (fails_health_checks: (response: Status(500)))",
        service_extra: "health_check_grace_period_seconds: 120,",
        ..Default::default()
    });
    let sim = run(&s);
    let first_started = sim
        .log()
        .iter()
        .find(|e| {
            e.message.contains("web:2 lastStatus ACTIVATING → RUNNING")
                || e.message.contains("ACTIVATING → RUNNING")
        })
        .filter(|e| e.at > SimTime::from_secs(30))
        .map(|e| e.at)
        .expect("a web:2 task runs");
    let first_replaced = sim
        .log()
        .iter()
        .find(|e| e.message.contains("is unhealthy in (target-group"))
        .expect("replaced after the grace period");
    assert!(
        first_replaced.at.since(first_started).0 >= 120_000 - 60_000,
        "no replacement during the 120 s grace period: started {first_started}, replaced {}",
        first_replaced.at
    );
    assert!(first_replaced.at >= SimTime::from_secs(30 + 120));
}

#[test]
fn without_health_checks_a_task_is_healthy_after_40_seconds_running() {
    let s = scenario(&Spec {
        load_balancer: false,
        desired: 1,
        ..Default::default()
    });
    let sim = run(&s);
    let running = sim
        .log()
        .iter()
        .find(|e| {
            e.at > SimTime::from_secs(30)
                && e.message.contains("web:2 lastStatus ACTIVATING → RUNNING")
        })
        .expect("web:2 runs");
    let stop = sim
        .log()
        .iter()
        .find(|e| {
            e.message
                .starts_with("(service web) has stopped 1 running tasks")
        })
        .expect("old task stops");
    let d = stop.at.since(running.at).0;
    assert!(
        (40_000..=42_000).contains(&d),
        "old task stopped {d} ms after the new one ran"
    );
}

fn tasks_per(sim: &Simulation, key: impl Fn(&orca_sim::ecs::Task) -> String) -> Vec<usize> {
    let mut m = std::collections::BTreeMap::new();
    for t in sim
        .world()
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
    {
        *m.entry(key(t)).or_insert(0) += 1;
    }
    m.into_values().collect()
}

#[test]
fn ec2_placement_spreads_over_zones_then_instances() {
    let s = scenario(&Spec {
        launch: "Ec2",
        instances: 6,
        desired: 6,
        timeline: "",
        duration: 120,
        ..Default::default()
    });
    let sim = run(&s);
    assert_eq!(
        tasks_per(&sim, |t| t.availability_zone.clone()),
        vec![2, 2, 2]
    );
    assert_eq!(tasks_per(&sim, |t| format!("{:?}", t.host)), vec![1; 6]);
}

#[test]
fn binpack_memory_fills_one_instance_first() {
    let s = scenario(&Spec {
        launch: "Ec2",
        instances: 3,
        desired: 3,
        service_extra: "placement_strategy: [Binpack(Memory)],",
        timeline: "",
        duration: 120,
        ..Default::default()
    });
    let sim = run(&s);
    assert_eq!(tasks_per(&sim, |t| format!("{:?}", t.host)), vec![3]);
}

#[test]
fn distinct_instance_leaves_a_task_unplaced_when_instances_run_out() {
    let s = scenario(&Spec {
        launch: "Ec2",
        instances: 2,
        desired: 3,
        service_extra: "placement_constraints: [DistinctInstance],",
        timeline: "",
        duration: 120,
        ..Default::default()
    });
    let sim = run(&s);
    assert_eq!(tasks_per(&sim, |t| format!("{:?}", t.host)), vec![1, 1]);
    assert!(sim.log().iter().any(|e| {
        e.message
            .contains("(service web) was unable to place a task")
    }));
}

#[test]
fn an_image_that_cannot_be_pulled_stops_the_task_before_running() {
    let s = scenario(&Spec {
        v2_extra: "behavior: (image_pull: NotFound)",
        ..Default::default()
    });
    let sim = run(&s);
    let failed: Vec<_> = sim
        .world()
        .tasks
        .iter()
        .filter(|t| t.stop_code.map(|c| c.as_str()) == Some("TaskFailedToStart"))
        .collect();
    assert!(failed.len() >= 3, "{} tasks failed to start", failed.len());
    for t in &failed {
        assert!(!t.reached_running);
        assert_eq!(t.task_definition.0, 1, "only web:2 tasks fail");
        let reason = t.stopped_reason.as_deref().unwrap_or("");
        assert!(reason.starts_with("CannotPullContainerError"), "{reason}");
    }
    assert!(
        sim.world()
            .tasks
            .iter()
            .filter(|t| t.task_definition.0 == 1)
            .all(|t| !t.reached_running),
        "no web:2 task ever runs"
    );
    // Stage 1 of the circuit breaker: tasks that never reach RUNNING count as failures.
    assert!(sim.log().iter().any(|e| {
        e.message
            .ends_with("deployment failed: tasks failed to start.")
    }));
}

fn s_timings_registration_max() -> f64 {
    orca_sim::scenario::spec::defaults::registration().1
}

#[test]
fn an_essential_container_exit_stops_the_task_and_ecs_replaces_it() {
    let s = scenario(&Spec {
        timeline: r#"(at: 60, action: ContainerExits(service: "web", count: 1, exit_code: 137)),"#,
        ..Default::default()
    });
    let sim = run(&s);
    let t = sim
        .world()
        .tasks
        .iter()
        .find(|t| t.stop_code.map(|c| c.as_str()) == Some("EssentialContainerExited"))
        .expect("a task stopped");
    assert_eq!(
        t.stopped_reason.as_deref(),
        Some("Essential container in task exited")
    );
    assert_eq!(t.containers[0].exit_code, Some(137));
    let running = sim
        .world()
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .count();
    assert_eq!(running, 4, "ECS starts a replacement");
}

#[test]
fn a_terminated_instance_loses_its_tasks_and_ecs_places_them_elsewhere() {
    let s = scenario(&Spec {
        launch: "Ec2",
        instances: 3,
        desired: 3,
        timeline: r#"(at: 60, action: TerminateInstance(instance: "node-1")),"#,
        ..Default::default()
    });
    let sim = run(&s);
    let on_1: Vec<_> = sim
        .world()
        .tasks
        .iter()
        .filter(|t| matches!(t.host, orca_sim::ecs::Host::Instance(i) if i.0 == 0))
        .collect();
    assert!(on_1.iter().all(|t| t.last_status == TaskStatus::Stopped));
    let running = sim
        .world()
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .count();
    assert_eq!(running, 3);
}

#[test]
fn a_zone_outage_fails_its_targets_and_tasks_move_to_other_zones() {
    let s = scenario(&Spec {
        desired: 3,
        timeline: r#"(at: 60, action: ZoneOutage(zone: "us-east-1a")),"#,
        ..Default::default()
    });
    let sim = run(&s);
    assert!(
        sim.log()
            .iter()
            .any(|e| e.message.contains("is unhealthy in (target-group"))
    );
    let running_in_a = sim
        .world()
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running && t.availability_zone == "us-east-1a")
        .count();
    assert_eq!(running_in_a, 0);
    let running = sim
        .world()
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .count();
    assert_eq!(running, 3);
}
