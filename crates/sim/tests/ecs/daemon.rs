//! The DAEMON scheduling strategy, one test per documented rule (docs/rules/ecs-daemon.md;
//! source: Amazon ECS Developer Guide, "Amazon ECS services", Daemon,
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html#service_scheduler_daemon>).
//! `scenarios/ecs-daemon.ron` is the base of the cluster-level rules.

use crate::common;

use common::EcsPart;

use std::sync::Arc;

use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::{DesiredStatus, Host, InstanceStatus, TaskStatus};
use orca_sim::time::SimTime;
use orca_sim::{Scenario, Simulation};

fn built_in() -> Arc<Scenario> {
    let src = std::fs::read_to_string(common::scenarios_dir().join("ecs-daemon.ron"))
        .expect("the scenario file");
    common::parse(&src)
}

/// Three m5.large and two t3.medium instances, a DAEMON service with `service_extra` and a
/// timeline.
fn cluster(service_extra: &str, timeline: &str) -> String {
    format!(
        r#"(
    version: 1,
    title: "daemon",
    seed: 5,
    duration: 600,
    world: Ecs(
        cluster: (name: "demo", availability_zones: ["us-east-1a", "us-east-1b"]),
        capacity: (instances: [
            (name: "big", instance_type: "m5.large", count: 3),
            (name: "small", instance_type: "t3.medium", count: 2),
        ]),
        task_definitions: [
            (family: "agent", revision: 1, network_mode: Bridge,
             containers: [(name: "agent", image: "public.ecr.aws/datadog/agent:7", cpu: 128, memory: 256)]),
            (family: "agent", revision: 2, network_mode: Bridge,
             containers: [(name: "agent", image: "public.ecr.aws/datadog/agent:7.1", cpu: 128, memory: 256)]),
        ],
        services: [(name: "agent", task_definition: "agent:1", scheduling_strategy: Daemon, launch_type: Ec2{service_extra})],
    ),
    timeline: [{timeline}],
)"#
    )
}

fn at(s: &Arc<Scenario>, secs: u64) -> Simulation {
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(SimTime::from_secs(secs));
    sim
}

/// Live (desired RUNNING) tasks of service `s` on each instance, by instance name.
fn live_per_instance(w: &EcsCluster, service: &str) -> Vec<(String, usize)> {
    w.instances
        .iter()
        .map(|inst| {
            let n = inst
                .tasks
                .iter()
                .filter(|&&t| {
                    let task = w.task(t);
                    task.desired_status == DesiredStatus::Running
                        && task.service.is_some_and(|s| w.service(s).name == service)
                })
                .count();
            (inst.name.clone(), n)
        })
        .collect()
}

fn service<'a>(w: &'a EcsCluster, name: &str) -> &'a orca_sim::ecs::Service {
    w.services
        .iter()
        .find(|s| s.name == name)
        .expect("the service")
}

// "The daemon scheduling strategy deploys exactly one task on each active container instance
// that meets all of the task placement constraints."

#[test]
fn exactly_one_task_runs_on_each_active_instance_and_the_desired_count_is_their_number() {
    let s = common::parse(&cluster("", ""));
    let sim = at(&s, 120);
    let w = sim.world().ecs_cluster();
    let per = live_per_instance(w, "agent");
    assert_eq!(per.len(), 5);
    assert!(per.iter().all(|(_, n)| *n == 1), "{per:?}");
    assert_eq!(service(w, "agent").desired_count, 5);
    assert_eq!(service(w, "agent").running_count, 5);
}

#[test]
fn only_instances_that_meet_the_placement_constraints_get_a_task() {
    let s = common::parse(&cluster(
        r#", placement_constraints: [MemberOf("attribute:ecs.instance-type == m5.large")]"#,
        "",
    ));
    let sim = at(&s, 120);
    let w = sim.world().ecs_cluster();
    for (name, n) in live_per_instance(w, "agent") {
        let want = usize::from(name.starts_with("big"));
        assert_eq!(n, want, "{name}");
    }
    assert_eq!(service(w, "agent").desired_count, 3);
}

// "The default value for a daemon service for maximumPercent is 100%. The default value for a
// daemon service for minimumHealthyPercent is 0%."

#[test]
fn a_daemon_service_defaults_to_minimum_healthy_0_and_maximum_100() {
    let s = common::parse(&cluster("", ""));
    let sim = at(&s, 0);
    let dc = &service(sim.world().ecs_cluster(), "agent").deployment_configuration;
    assert_eq!((dc.minimum_healthy_percent, dc.maximum_percent), (0, 100));
}

// "A rolling update stops the old task on an instance before starting the new one": with
// maximumPercent 100 no instance ever has two live tasks of the service, and with
// minimumHealthyPercent 0 every old task may stop in the first step.

#[test]
fn a_rollout_with_the_defaults_stops_every_old_task_before_a_new_one_starts() {
    let s = common::parse(&cluster(
        "",
        r#"(at: 120, action: UpdateService(service: "agent", task_definition: "agent:2"))"#,
    ));
    let mut sim = Simulation::new(s.clone());
    let mut first_new: Option<SimTime> = None;
    let mut last_old_stop: Option<SimTime> = None;
    for secs in 120..=400 {
        sim.advance_to(SimTime::from_secs(secs));
        let w = sim.world().ecs_cluster();
        let per = live_per_instance(w, "agent");
        assert!(per.iter().all(|(_, n)| *n <= 1), "at {secs}s: {per:?}");
        for t in &w.tasks {
            let rev = w.task_definition(t.task_definition).revision;
            if rev == 2 && first_new.is_none() {
                first_new = Some(t.created_at);
            }
            if rev == 1 && t.desired_status == DesiredStatus::Stopped {
                last_old_stop = last_old_stop.max(t.stopping_at);
            }
        }
    }
    let (first_new, last_old_stop) = (first_new.expect("new tasks"), last_old_stop.expect("stops"));
    assert!(
        last_old_stop <= first_new,
        "old tasks stopped by {last_old_stop:?}, first new task at {first_new:?}"
    );
    let w = sim.world().ecs_cluster();
    let revs: Vec<u32> = w
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .map(|t| w.task_definition(t.task_definition).revision)
        .collect();
    assert_eq!(revs, vec![2; 5]);
}

// "When the service scheduler stops running tasks, it attempts to maintain balance across the
// Availability Zones in your cluster": without a placement strategy (a daemon service has none)
// it stops tasks in the zone with the most running tasks of the service, on the instance with
// the most (the Daemon section of "Amazon ECS services").

#[test]
fn a_rollout_that_stops_some_daemon_tasks_takes_them_from_the_fullest_zone() {
    // Two groups of three, each spread a, b, a by its Auto Scaling group: four instances in
    // us-east-1a and two in us-east-1b, in the order a, b, a, a, b, a. Minimum healthy 60 %
    // of 6 keeps 4, so the rollout's first step stops 2 — both from us-east-1a (4 → 3 → 2);
    // the task order alone would take one from each zone.
    let src = format!(
        r#"(
    version: 1,
    title: "daemon zones",
    seed: 5,
    duration: 600,
    world: Ecs(
        cluster: (name: "demo", availability_zones: ["us-east-1a", "us-east-1b"]),
        capacity: (instances: [
            (name: "east", instance_type: "m5.large", count: 3),
            (name: "west", instance_type: "m5.large", count: 3),
        ]),
        task_definitions: [
            (family: "agent", revision: 1, network_mode: Bridge,
             containers: [(name: "agent", image: "public.ecr.aws/datadog/agent:7", cpu: 128, memory: 256)]),
            (family: "agent", revision: 2, network_mode: Bridge,
             containers: [(name: "agent", image: "public.ecr.aws/datadog/agent:7.1", cpu: 128, memory: 256)]),
        ],
        services: [(name: "agent", task_definition: "agent:1", scheduling_strategy: Daemon, launch_type: Ec2,
                    deployment_configuration: (minimum_healthy_percent: 60))],
    ),
    timeline: [{}],
)"#,
        r#"(at: 120, action: UpdateService(service: "agent", task_definition: "agent:2"))"#
    );
    let s = common::parse(&src);
    let mut sim = at(&s, 119);
    let w = sim.world().ecs_cluster();
    let zones: Vec<&str> = w
        .instances
        .iter()
        .map(|i| i.availability_zone.as_str())
        .collect();
    assert_eq!(
        zones,
        [
            "us-east-1a",
            "us-east-1b",
            "us-east-1a",
            "us-east-1a",
            "us-east-1b",
            "us-east-1a"
        ]
    );
    assert_eq!(service(w, "agent").running_count, 6);
    // The first step of the rollout: the old tasks told to stop.
    let mut first_step: Vec<String> = Vec::new();
    for secs in 120..=180 {
        sim.advance_to(SimTime::from_secs(secs));
        let w = sim.world().ecs_cluster();
        first_step = w
            .tasks
            .iter()
            .filter(|t| {
                w.task_definition(t.task_definition).revision == 1
                    && t.desired_status == DesiredStatus::Stopped
            })
            .map(|t| t.availability_zone.to_string())
            .collect();
        if !first_step.is_empty() {
            break;
        }
    }
    assert_eq!(first_step, ["us-east-1a", "us-east-1a"]);
}

// "The service scheduler also monitors when new container instances are added to your cluster
// and adds the daemon tasks to them." And the daemon task is "the first task to launch on the
// instances".

#[test]
fn an_instance_that_registers_gets_a_daemon_task_first() {
    let s = built_in();
    let sim = at(&s, 300);
    let w = sim.world().ecs_cluster();
    let new = w
        .instances
        .iter()
        .position(|i| i.name == "asg-web-4")
        .expect("managed scaling launched asg-web-4");
    assert_eq!(w.instances[new].status, InstanceStatus::Active);
    let on_new: Vec<_> = w
        .tasks
        .iter()
        .filter(|t| matches!(t.host, Host::Instance(i) if i.0 as usize == new))
        .collect();
    let daemon: Vec<_> = on_new
        .iter()
        .filter(|t| t.service.is_some_and(|s| w.service(s).name == "log-router"))
        .collect();
    assert_eq!(daemon.len(), 1);
    // The web task that waited for this instance (created in PROVISIONING at 1:01) is placed
    // after the daemon task is created.
    for t in &on_new {
        let placed = t.pull_started_at.unwrap_or(t.created_at);
        assert!(daemon[0].created_at <= placed, "{} placed first", t.id);
    }
    assert_eq!(service(w, "log-router").desired_count, 4);
}

// "The daemon service scheduler does not place any tasks on instances that have a DRAINING
// status. If a container instance transitions to DRAINING, the daemon tasks on it are
// stopped" — and the daemon task is "the last task to stop".

#[test]
fn on_a_draining_instance_the_daemon_task_stops_after_every_other_task_there() {
    let s = built_in();
    let mut sim = Simulation::new(s.clone());
    let mut daemon_stopped = false;
    for secs in 540..=1000 {
        sim.advance_to(SimTime::from_secs(secs));
        let w = sim.world().ecs_cluster();
        let drained = w
            .instances
            .iter()
            .position(|i| i.name == "asg-web-1")
            .expect("asg-web-1");
        let on = |name: &'static str| {
            w.tasks.iter().filter(move |t| {
                matches!(t.host, Host::Instance(i) if i.0 as usize == drained)
                    && t.service.is_some_and(|s| w.service(s).name == name)
            })
        };
        if on("log-router").any(|t| t.desired_status == DesiredStatus::Stopped) {
            daemon_stopped = true;
            assert!(
                on("web").all(|t| t.last_status == TaskStatus::Stopped),
                "at {secs}s the log router stops while a web task is still on asg-web-1"
            );
        }
        // Nothing of the service is placed on the DRAINING instance again.
        assert!(
            on("log-router")
                .filter(|t| t.created_at.secs() >= 540)
                .count()
                == 0,
            "at {secs}s"
        );
    }
    assert!(daemon_stopped, "the log router on asg-web-1 never stopped");
    let w = sim.world().ecs_cluster();
    let drained = w
        .instances
        .iter()
        .find(|i| i.name == "asg-web-1")
        .expect("asg-web-1");
    assert!(drained.tasks.is_empty());
    // The four ACTIVE instances (2, 3, 4 and the new 5) have one each.
    assert_eq!(service(w, "log-router").desired_count, 4);
}

// "Fargate tasks do not support the DAEMON scheduling strategy." A DAEMON service takes no
// desired count [inferred: refused], and "the maximum percent parameter must be 100".

#[test]
fn fargate_a_desired_count_and_a_maximum_above_100_are_refused_for_a_daemon_service() {
    let refused = |from: &str, to: &str| {
        let src = cluster("", "").replace(from, to);
        match orca_sim::scenario::parse("daemon.ron", &src) {
            Ok(_) => panic!("accepted: {to}"),
            Err(e) => e.to_string(),
        }
    };
    let fargate = refused("launch_type: Ec2)", "launch_type: Fargate)");
    assert!(
        fargate.contains("scheduling_strategy Daemon, which Fargate does not support"),
        "{fargate}"
    );
    let desired = refused("launch_type: Ec2", "launch_type: Ec2, desired_count: 2");
    assert!(desired.contains("remove desired_count: 2"), "{desired}");
    let max = refused(
        "launch_type: Ec2",
        "launch_type: Ec2, deployment_configuration: (maximum_percent: 200)",
    );
    assert!(max.contains("maximum_percent must be 100"), "{max}");
}
