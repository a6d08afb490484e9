//! Property tests: invariants that hold for any service, deployment configuration and capacity.
//!
//! ECS: random clusters of one or two services (desired 1–10, minimumHealthyPercent 0/25/50/75/
//! 100, maximumPercent 100/125/150/200, Fargate or 1–6 EC2 instances of a random known type,
//! load balancer / container health check / neither, an optional failing revision and an
//! optional circuit breaker) are generated as RON text, parsed (which also exercises
//! validation), updated at 0:30 and stepped instant by instant to the end; the invariants are
//! checked after every instant.

use crate::common;

use common::EcsPart;
use std::collections::BTreeMap;

use orca_sim::aws::instance_types;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::service_scheduler::bounds::{lower_bound, upper_bound};
use orca_sim::ecs::service_scheduler::{Gate, health_gate};
use orca_sim::ecs::{DesiredStatus, HealthStatus, Host, RolloutState, StopCode, TaskStatus};
use orca_sim::elb::TargetState;
use orca_sim::world::{ServiceIdx, TaskIdx};
use orca_sim::{EventKind, SimTime, Simulation};
use proptest::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Check {
    LoadBalancer,
    Container,
    /// Neither: the 40-second rule.
    None,
}

#[derive(Debug, Clone)]
struct Svc {
    desired: u32,
    min: u32,
    max: u32,
    /// Task size (CPU units, MiB), a valid Fargate pair.
    size: (u32, u32),
    check: Check,
    /// Revision 2's application fails its health checks in this share of tasks.
    failing: Option<(f64, bool)>,
    breaker: Option<bool>,
}

/// A fault injected at some moment (to exercise replacement paths; the healthy floor is not
/// checked once a fault has hit the service).
#[derive(Debug, Clone, Copy)]
enum Fault {
    StopTask,
    ContainerExits,
    /// The first instance (EC2 only; on Fargate, a zone outage instead).
    TerminateInstance,
    /// us-east-1a for 5 minutes.
    ZoneOutage,
    FailHealthChecks,
}

#[derive(Debug, Clone)]
struct Case {
    /// `None`: Fargate; else (instance count, instance type).
    ec2: Option<(u32, &'static str)>,
    services: Vec<Svc>,
    /// A fault at this many seconds.
    fault: Option<(Fault, u32)>,
    seed: u64,
}

fn svc() -> impl Strategy<Value = Svc> {
    (
        1u32..=10,
        prop::sample::select(vec![0u32, 25, 50, 75, 100]),
        prop::sample::select(vec![100u32, 125, 150, 200]),
        prop::sample::select(vec![(256u32, 512u32), (512, 1024), (1024, 2048)]),
        prop::sample::select(vec![Check::LoadBalancer, Check::Container, Check::None]),
        prop::option::of((0.0f64..=1.0, any::<bool>())),
        prop::option::of(any::<bool>()),
    )
        .prop_map(|(desired, min, max, size, check, failing, breaker)| Svc {
            desired,
            min,
            max,
            size,
            check,
            failing,
            breaker,
        })
}

fn case() -> impl Strategy<Value = Case> {
    let types: Vec<&'static str> = instance_types::all().iter().map(|t| t.name).collect();
    (
        prop::option::of((1u32..=6, prop::sample::select(types))),
        prop::collection::vec(svc(), 1..=2),
        prop::option::weighted(
            0.3,
            (
                prop::sample::select(vec![
                    Fault::StopTask,
                    Fault::ContainerExits,
                    Fault::TerminateInstance,
                    Fault::ZoneOutage,
                    Fault::FailHealthChecks,
                ]),
                10u32..=600,
            ),
        ),
        any::<u64>(),
    )
        .prop_map(|(ec2, services, fault, seed)| Case {
            ec2,
            services,
            fault,
            seed,
        })
}

fn scenario_text(c: &Case) -> String {
    let (launch, mode, tg_type, capacity) = match c.ec2 {
        Some((n, ty)) => (
            "Ec2",
            "Bridge",
            "Instance",
            format!(r#"capacity: (instances: [(name: "n", instance_type: "{ty}", count: {n})]),"#),
        ),
        None => ("Fargate", "Awsvpc", "Ip", String::new()),
    };
    let mut defs = Vec::new();
    let mut tgs = Vec::new();
    let mut services = Vec::new();
    let mut timeline = Vec::new();
    // Every service registers its tasks in Cloud Map (SRV records suit both network modes).
    let mut discovery = Vec::new();
    for (i, s) in c.services.iter().enumerate() {
        let name = format!("s{i}");
        discovery.push(format!(
            r#"(name: "{name}", namespace: "prop.local", dns_records: [(type: SRV, ttl: 10)])"#
        ));
        let check = match s.check {
            Check::Container => {
                r#", health_check: (command: ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"], interval: 10)"#
            }
            _ => "",
        };
        let fail = match s.failing {
            Some((fraction, timeout)) => format!(
                ", behavior: (fails_health_checks: (fraction: {fraction:?}, response: {}))",
                if timeout { "Timeout" } else { "Status(500)" }
            ),
            None => String::new(),
        };
        let (cpu, memory) = s.size;
        for (rev, extra) in [(1, String::new()), (2, fail)] {
            defs.push(format!(
                r#"(family: "{name}", revision: {rev}, cpu: {cpu}, memory: {memory}, network_mode: {mode},
                    containers: [(name: "app", image: "{name}:{rev}", port: 8080 {check} {extra})])"#
            ));
        }
        let lb = if s.check == Check::LoadBalancer {
            tgs.push(format!(
                r#"(name: "{name}-tg", port: 8080, target_type: {tg_type}, health_check: (interval_seconds: 10), deregistration_delay_seconds: 15)"#
            ));
            format!(
                r#"load_balancers: [(target_group: "{name}-tg", container_name: "app", container_port: 8080)],"#
            )
        } else {
            String::new()
        };
        let (enable, rollback) = match s.breaker {
            Some(rollback) => (true, rollback),
            None => (false, false),
        };
        services.push(format!(
            r#"(name: "{name}", task_definition: "{name}:1", desired_count: {desired}, launch_type: {launch},
                deployment_configuration: (minimum_healthy_percent: {min}, maximum_percent: {max},
                    deployment_circuit_breaker: (enable: {enable}, rollback: {rollback})),
                service_registries: [(registry: "{name}.prop.local", container_name: "app", container_port: 8080)],
                {lb})"#,
            desired = s.desired,
            min = s.min,
            max = s.max,
        ));
        timeline.push(format!(
            r#"(at: 30, action: UpdateService(service: "{name}", task_definition: "{name}:2"))"#
        ));
    }
    if let Some((fault, at)) = c.fault {
        let actions = match (fault, c.ec2.is_some()) {
            (Fault::StopTask, _) => vec![(at, r#"StopTask(service: "s0", count: 2)"#.to_string())],
            (Fault::ContainerExits, _) => {
                vec![(
                    at,
                    r#"ContainerExits(service: "s0", count: 1, exit_code: 137)"#.into(),
                )]
            }
            (Fault::TerminateInstance, true) => {
                let first = if c.ec2.is_some_and(|(n, _)| n > 1) {
                    "n-1"
                } else {
                    "n"
                };
                vec![(at, format!(r#"TerminateInstance(instance: "{first}")"#))]
            }
            (Fault::TerminateInstance | Fault::ZoneOutage, _) => vec![
                (at, r#"ZoneOutage(zone: "us-east-1a")"#.into()),
                (at + 300, r#"ZoneRecovers(zone: "us-east-1a")"#.into()),
            ],
            (Fault::FailHealthChecks, _) => vec![(
                at,
                r#"FailHealthChecks(service: "s0", fraction: 0.5, recover_after: 120)"#.into(),
            )],
        };
        for (at, action) in actions {
            timeline.push(format!("(at: {at}, action: {action})"));
        }
    }
    format!(
        r#"(version: 1, title: "property", seed: {seed}, duration: 900,
        world: Ecs(
            cluster: (name: "c"),
            {capacity}
            task_definitions: [{defs}],
            target_groups: [{tgs}],
            service_discovery: (namespaces: [(name: "prop.local")], services: [{discovery}]),
            services: [{services}],
        ),
        timeline: [{timeline}])"#,
        seed = c.seed,
        discovery = discovery.join(",\n"),
        defs = defs.join(",\n"),
        tgs = tgs.join(",\n"),
        services = services.join(",\n"),
        timeline = timeline.join(", "),
    )
}

/// What the checks remember between instants, per service.
#[derive(Debug, Default, Clone)]
struct Seen {
    /// A task of the service failed (a health check, a launch) or was stopped by a fault: from
    /// then on the healthy floor is no longer checked.
    fault: bool,
    healthy: u32,
}

/// Something went wrong for a task of the service, as opposed to the scheduler's own rolling
/// decisions: an unhealthy verdict (target or container), a health-check replacement, or a stop
/// code other than `ServiceSchedulerInitiated`.
fn fault_in(w: &EcsCluster, s: ServiceIdx) -> bool {
    let failed_task = w.tasks.iter().any(|t| {
        t.service == Some(s)
            && (t.unhealthy_reason.is_some()
                || t.health_status == HealthStatus::Unhealthy
                || t.stop_code
                    .is_some_and(|c| c != StopCode::ServiceSchedulerInitiated))
    });
    let failed_target = w.target_groups.iter().any(|g| {
        g.targets
            .iter()
            .any(|x| x.service == s && x.state == TargetState::Unhealthy)
    });
    failed_task || failed_target
}

fn check(
    sim: &Simulation,
    c: &Case,
    last_t: SimTime,
    logged: usize,
    seen: &mut [Seen],
) -> Result<(), TestCaseError> {
    let w = sim.world().ecs_cluster();
    let now = sim.world().now;
    prop_assert!(now >= last_t, "time went back from {last_t} to {now}");
    // The log only grows, in time order, and nothing is logged in the future.
    let log = sim.log();
    for e in &log[logged.saturating_sub(1)..] {
        prop_assert!(e.at <= now, "event at {} logged at {now}", e.at);
    }
    prop_assert!(
        log[logged.saturating_sub(1)..]
            .windows(2)
            .all(|p| p[0].at <= p[1].at),
        "log out of order at {now}"
    );
    // State changes only move forward: a task's lastStatus along the lifecycle, a target from
    // initial to a verdict, between verdicts, or out through draining.
    for e in &log[logged..] {
        match &e.kind {
            EventKind::TaskStateChanged {
                task,
                from: Some(from),
                to,
                ..
            } => prop_assert!(from < to, "task {task}: {from:?} → {to:?} at {now}"),
            EventKind::TargetHealthChanged {
                target,
                from: Some(from),
                to,
                ..
            } => {
                use TargetState::*;
                let ok = matches!(
                    (from, to),
                    (Initial, Healthy | Unhealthy | Draining)
                        | (Healthy, Unhealthy | Draining)
                        | (Unhealthy, Healthy | Draining)
                        | (Draining, Unused)
                );
                prop_assert!(ok, "target {target}: {from:?} → {to:?} at {now}");
            }
            _ => {}
        }
    }

    for (i, spec) in c.services.iter().enumerate() {
        let s = ServiceIdx(i as u32);
        let svc = w.service(s);
        // The scheduler's own count for maximumPercent: desiredStatus RUNNING, not STOPPED
        // (`Task::is_live`), over every deployment of the service.
        let live: Vec<TaskIdx> = (0..w.tasks.len())
            .map(|t| TaskIdx(t as u32))
            .filter(|&t| w.task(t).service == Some(s) && w.task(t).is_live())
            .collect();
        let upper = upper_bound(spec.desired, spec.max);
        prop_assert!(
            live.len() as u32 <= upper,
            "{}: {} running or pending > floor({} × {}%) = {upper} at {now}",
            svc.name,
            live.len(),
            spec.desired,
            spec.max
        );
        // The healthy floor (minimumHealthyPercent), checked while nothing has failed: the
        // scheduler never stops a task that counts as healthy (by its own health gate) when
        // that takes the count below ceil(desired × min%). Capacity may keep the count below
        // the floor from the start; it must then never drop.
        let healthy = live
            .iter()
            .filter(|&&t| matches!(health_gate(w, now, t), Gate::Healthy(_)))
            .count() as u32;
        let memo = &mut seen[i];
        memo.fault |= fault_in(w, s);
        if !memo.fault && healthy < memo.healthy {
            let lower = lower_bound(spec.desired, spec.min);
            prop_assert!(
                healthy >= lower,
                "{}: healthy fell from {} to {healthy}, below ceil({} × {}%) = {lower}, at {now}",
                svc.name,
                memo.healthy,
                spec.desired,
                spec.min
            );
        }
        memo.healthy = healthy;
        // Bookkeeping: the service lists exactly its tasks that are not STOPPED.
        let mut listed = svc.tasks.clone();
        listed.sort_unstable();
        let not_stopped: Vec<TaskIdx> = (0..w.tasks.len())
            .map(|t| TaskIdx(t as u32))
            .filter(|&t| {
                w.task(t).service == Some(s) && w.task(t).last_status != TaskStatus::Stopped
            })
            .collect();
        prop_assert_eq!(listed, not_stopped, "{} task list", &svc.name);
        prop_assert_eq!(
            svc.deployments
                .iter()
                .filter(|d| d.status.as_str() == "PRIMARY")
                .count(),
            1,
            "{}: one PRIMARY deployment",
            &svc.name
        );
    }

    for t in &w.tasks {
        if t.desired_status == DesiredStatus::Stopped || t.last_status == TaskStatus::Stopped {
            prop_assert!(
                t.stop_code.is_some(),
                "task {} stopping without stopCode",
                t.id
            );
            prop_assert!(
                t.stopped_reason.as_deref().is_some_and(|r| !r.is_empty()),
                "task {} stopping without stoppedReason",
                t.id
            );
        }
        if t.last_status == TaskStatus::Stopped {
            prop_assert!(t.stopped_at.is_some_and(|at| at <= now));
            prop_assert_eq!(t.desired_status, DesiredStatus::Stopped);
        }
    }

    // Load balancer targets follow their tasks: a RUNNING task that ECS wants running is
    // registered with its service's target groups, and a draining target's task is stopping.
    for (g, group) in w.target_groups.iter().enumerate() {
        for x in &group.targets {
            let t = w.task(x.task);
            if x.state == TargetState::Draining {
                prop_assert_eq!(
                    t.desired_status,
                    DesiredStatus::Stopped,
                    "draining target {}",
                    x.endpoint()
                );
            }
        }
        for (i, svc) in w.services.iter().enumerate() {
            if !svc
                .load_balancers
                .iter()
                .any(|lb| lb.target_group.0 as usize == g)
            {
                continue;
            }
            for &t in &svc.tasks {
                let task = w.task(t);
                if task.is_live() && task.last_status == TaskStatus::Running {
                    prop_assert!(
                        group.target_of(t).is_some(),
                        "s{i}: RUNNING task {} has no target in {}",
                        task.id,
                        group.name
                    );
                }
            }
        }
    }

    // No instance holds more than it registered, and what it holds is what its tasks reserve.
    let mut reserved: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for t in &w.tasks {
        if let (Host::Instance(i), false) = (t.host, t.last_status == TaskStatus::Stopped) {
            let td = w.task_definition(t.task_definition);
            let r = reserved.entry(i.0).or_default();
            r.0 += td.reserved_cpu();
            r.1 += td.reserved_memory();
        }
    }
    for (i, inst) in w.instances.iter().enumerate() {
        prop_assert!(
            inst.used_cpu <= inst.registered_cpu,
            "{}: {} of {} CPU units used",
            inst.name,
            inst.used_cpu,
            inst.registered_cpu
        );
        prop_assert!(
            inst.used_memory <= inst.registered_memory,
            "{}: {} of {} MiB used",
            inst.name,
            inst.used_memory,
            inst.registered_memory
        );
        let (cpu, memory) = reserved.get(&(i as u32)).copied().unwrap_or_default();
        prop_assert_eq!(
            (inst.used_cpu, inst.used_memory),
            (cpu, memory),
            "{} bookkeeping",
            &inst.name
        );
    }
    // Service discovery: Cloud Map holds one instance for each task that is RUNNING and meant to
    // stay so (registered as it reaches RUNNING, deregistered as its stop begins), no other,
    // with the task's address and, in bridge mode, its mapped host port.
    let mut registered: Vec<u32> = Vec::new();
    for svc in &w.cloud_map.services {
        for i in &svc.instances {
            let t = w.task(i.task);
            prop_assert_eq!(i.id.as_str(), t.id.as_str());
            prop_assert_eq!(i.ipv4.as_str(), t.private_ip.as_str());
            prop_assert_eq!(i.port, Some(t.host_port.unwrap_or(8080)), "task {}", &t.id);
            registered.push(i.task.0);
        }
    }
    registered.sort_unstable();
    let expected: Vec<u32> = w
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.last_status == TaskStatus::Running && t.desired_status == DesiredStatus::Running
        })
        .map(|(i, _)| i as u32)
        .collect();
    prop_assert_eq!(registered, expected, "Cloud Map instances at {}", now);
    Ok(())
}

/// With enough capacity, no failure and a configuration that allows a start or a stop, every
/// update completes; a configuration that allows neither reports that it is stuck.
fn check_outcome(sim: &Simulation, c: &Case) -> Result<(), TestCaseError> {
    if c.ec2.is_some() || c.fault.is_some() {
        return Ok(());
    }
    for (i, spec) in c.services.iter().enumerate() {
        if spec.failing.is_some() {
            continue;
        }
        let name = format!("s{i}");
        let room = upper_bound(spec.desired, spec.max) > spec.desired;
        let slack = lower_bound(spec.desired, spec.min) < spec.desired;
        let completed = sim.log().iter().any(|e| {
            matches!(&e.kind, EventKind::DeploymentCompleted { service, revision: 2, .. } if *service == name)
        });
        let stuck = sim
            .log()
            .iter()
            .any(|e| matches!(&e.kind, EventKind::DeploymentStuck { service } if *service == name));
        if room || slack {
            prop_assert!(completed, "{name}: the update did not complete");
            prop_assert!(!stuck, "{name}: reported stuck although it could move");
            let svc = &sim.world().ecs_cluster().services[i];
            prop_assert_eq!(svc.deployments.len(), 1);
            prop_assert_eq!(svc.deployments[0].rollout_state, RolloutState::Completed);
        } else {
            prop_assert!(
                stuck,
                "{name}: neither start nor stop allowed, but no stuck event"
            );
            prop_assert!(!completed);
        }
    }
    Ok(())
}

/// A fixed seed and 64 cases keep `cargo test` quick and reproducible; `PROPTEST_CASES=5000`
/// and `PROPTEST_RNG_SEED=<n>` explore further by hand.
pub fn config(cases: u32, seed: u64) -> ProptestConfig {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    ProptestConfig {
        cases: env("PROPTEST_CASES").map_or(cases, |n| n as u32),
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(env("PROPTEST_RNG_SEED").unwrap_or(seed)),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(64, 0x0c0a))]

    #[test]
    fn deployments_respect_bounds_capacity_and_stop_reasons(c in case()) {
        let src = scenario_text(&c);
        let s = orca_sim::scenario::parse("property.ron", &src)
            .unwrap_or_else(|e| panic!("{e}\n--- scenario ---\n{src}"));
        let mut sim = Simulation::new(std::sync::Arc::new(s));
        let end = sim.end();
        let mut seen = vec![Seen::default(); c.services.len()];
        let mut last = SimTime::ZERO;
        check(&sim, &c, last, 0, &mut seen)?;
        while sim.next_due().is_some_and(|t| t <= end) {
            let logged = sim.log().len();
            let at = sim.step().expect("something was due");
            prop_assert!(at >= last, "step went back from {last} to {at}");
            check(&sim, &c, last, logged, &mut seen)?;
            last = at;
        }
        sim.advance_to(end);
        check_outcome(&sim, &c)?;
    }
}

mod eks {
    use orca_sim::k8s::rollout::{IntOrPercent, resolve_fenceposts};
    use orca_sim::{SimTime, Simulation};
    use proptest::prelude::*;

    fn int_or_percent() -> impl Strategy<Value = IntOrPercent> {
        prop_oneof![
            (0u32..=4).prop_map(IntOrPercent::Int),
            prop::sample::select(vec![0u32, 10, 25, 50, 100]).prop_map(IntOrPercent::Percent),
        ]
    }

    fn amount(v: IntOrPercent) -> String {
        match v {
            IntOrPercent::Int(n) => format!("Count({n})"),
            IntOrPercent::Percent(p) => format!("Percent({p})"),
        }
    }

    proptest! {
        #![proptest_config(super::config(48, 0xe15))]

        /// While no pod fails: available ≥ replicas − maxUnavailable and
        /// pods (not terminating) ≤ replicas + maxSurge; the rollout completes.
        #[test]
        fn rollouts_respect_max_surge_and_max_unavailable(
            replicas in 1u32..=12,
            surge in int_or_percent(),
            unavailable in int_or_percent(),
            seed in any::<u64>(),
        ) {
            prop_assume!(!(matches!(surge, IntOrPercent::Int(0) | IntOrPercent::Percent(0))
                && matches!(unavailable, IntOrPercent::Int(0) | IntOrPercent::Percent(0))));
            let src = format!(
                "(version: 1, title: \"rollout\", seed: {seed}, duration: 600,
world: Eks(
    cluster: (name: \"demo\", availability_zones: [\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]),
    node_groups: [(name: \"ng\", instance_type: \"m5.xlarge\", count: 3)],
    deployments: [(name: \"web\", replicas: {replicas}, max_surge: {}, max_unavailable: {},
        container: (name: \"web\", image: \"app:1\", cpu: 100, memory: 128, readiness_probe: true))],
    images: [(image: \"app:2\", startup_seconds: 3)],
),
timeline: [(at: 0, action: SetImage(deployment: \"web\", image: \"app:2\"))],
)",
                amount(surge),
                amount(unavailable)
            );
            let mut sim = Simulation::new(crate::common::parse(&src));
            let (s, u) = resolve_fenceposts(surge, unavailable, replicas);
            for t in 1..=600 {
                sim.advance_to(SimTime::from_secs(t));
                let c = sim.world().eks.as_ref().expect("EKS");
                let (pods, available) = c.totals(0, sim.now());
                prop_assert!(pods <= replicas + s, "{pods} pods > {replicas} + {s} at {}", sim.now());
                prop_assert!(available + u >= replicas, "{available} available < {replicas} − {u} at {}", sim.now());
            }
            let c = sim.world().eks.as_ref().expect("EKS");
            prop_assert_eq!(c.totals(0, sim.now()), (replicas, replicas));
        }
    }
}

mod hpa {
    use orca_sim::k8s::autoscaling::Hpa;
    use orca_sim::{Millis, SimTime};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(super::config(256, 0x4a))]

        /// Whatever the load, the HPA (without `behavior`) keeps replicas within [min, max],
        /// never grows faster than max(2 × current, 4) per sync, and never shrinks within 300 s
        /// of a higher recommendation.
        #[test]
        fn replicas_stay_within_bounds_and_policies(
            min in 1u32..5,
            extra in 0u32..30,
            target in 20.0f64..90.0,
            loads in prop::collection::vec(0.0f64..400.0, 1..80),
        ) {
            let max = min + extra;
            let mut h = Hpa::new("web", 0, min, max, target, None, SimTime::ZERO);
            let mut replicas = min;
            let mut t = SimTime::ZERO;
            for total in loads {
                // `total` is the load in "percent of one pod", shared by the replicas.
                let utilization = total / replicas as f64;
                if let Some(n) = h.sync(t, replicas, replicas, utilization) {
                    prop_assert!((min..=max).contains(&n), "{n} outside [{min}, {max}]");
                    if n > replicas {
                        prop_assert!(n <= (replicas * 2).max(4));
                    }
                    replicas = n;
                }
                t = t.plus(Millis::from_secs(15));
            }
        }
    }
}
