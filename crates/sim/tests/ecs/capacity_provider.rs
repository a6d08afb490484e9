//! ECS cluster auto scaling: Auto Scaling group capacity providers with managed scaling
//! (docs/rules/ecs-scaling.md#managed-scaling-capacityproviderreservation). The scenario
//! `ecs-cluster-auto-scaling.ron` is the base; tests vary it.

use crate::common;

use common::EcsPart;

use std::sync::Arc;

use orca_sim::ecs::capacity_provider::estimate_instances;
use orca_sim::ecs::{Host, InstanceStatus, TaskStatus};
use orca_sim::event::EventKind;
use orca_sim::time::SimTime;
use orca_sim::{Scenario, Simulation};

/// A built-in scenario file with some text replaced (each replacement must match).
fn from_file(file: &str, replacements: &[(&str, &str)]) -> Arc<Scenario> {
    let mut src =
        std::fs::read_to_string(common::scenarios_dir().join(file)).expect("the scenario file");
    for (from, to) in replacements {
        assert!(src.contains(from), "{file} contains {from:?}");
        src = src.replace(from, to);
    }
    common::parse(&src)
}

fn with(replacements: &[(&str, &str)]) -> Arc<Scenario> {
    from_file("ecs-cluster-auto-scaling.ron", replacements)
}

fn running(sim: &Simulation) -> usize {
    sim.world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .count()
}

fn at(s: &Arc<Scenario>, secs: u64) -> Simulation {
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(SimTime::from_secs(secs));
    sim
}

fn group_instances(sim: &Simulation, status: InstanceStatus) -> usize {
    sim.world()
        .ecs_cluster()
        .instances
        .iter()
        .filter(|i| i.auto_scaling_group.is_some() && i.status == status)
        .count()
}

#[test]
fn tasks_that_fit_nowhere_wait_in_provisioning_without_an_unable_to_place_event() {
    let s = with(&[]);
    let sim = at(&s, 150);
    let w = sim.world().ecs_cluster();
    let waiting: Vec<_> = w
        .tasks
        .iter()
        .filter(|t| t.host == Host::AwaitingCapacity)
        .collect();
    assert_eq!(waiting.len(), 6);
    assert!(
        waiting
            .iter()
            .all(|t| t.last_status == TaskStatus::Provisioning
                && t.capacity_provider.as_deref() == Some("cp-api"))
    );
    assert!(
        !sim.log()
            .iter()
            .any(|e| matches!(e.kind, EventKind::UnableToPlace { .. }))
    );
    // They count as pending: the service does not start more.
    assert_eq!(w.services[0].pending_count, 6);
}

#[test]
fn the_group_scales_out_to_m_over_target_and_the_tasks_run_on_the_new_instances() {
    let s = with(&[]);
    let sim = at(&s, 181);
    let g = &sim.world().ecs_cluster().auto_scaling_groups[0];
    // N = 2 in the group, six tasks of 1 vCPU need three m5.large: M = 5, reservation 250 %.
    let sample = g.samples.last().expect("a datapoint at 3:00");
    assert_eq!(sample.at, SimTime::from_secs(180));
    assert_eq!(sample.reservation, 250.0);
    assert_eq!(g.desired_capacity, 5);
    assert_eq!(group_instances(&sim, InstanceStatus::Registering), 3);
    let launches = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InstanceLaunched { .. }))
        .count();
    assert_eq!(launches, 3);
    let first = sim
        .log()
        .iter()
        .find(|e| matches!(e.kind, EventKind::InstanceLaunched { .. }))
        .expect("a launch");
    assert!(
        first
            .message()
            .starts_with("Launching a new EC2 instance: i-0")
    );
    assert!(
        first
            .message()
            .contains("changing the desired capacity from 2 to 5")
    );
    assert!(first.message().contains("ECSManagedAutoScalingPolicy-"));
    assert!(
        first
            .message()
            .contains("TargetTracking-asg-api-AlarmHigh-")
    );

    let sim = at(&s, 420);
    let w = sim.world().ecs_cluster();
    assert_eq!(group_instances(&sim, InstanceStatus::Active), 5);
    let running: Vec<_> = w
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .collect();
    assert_eq!(running.len(), 10);
    for t in &running {
        let Host::Instance(i) = t.host else {
            panic!("a running task has an instance");
        };
        assert_eq!(
            w.instances[i.0 as usize].capacity_provider.as_deref(),
            Some("cp-api")
        );
        assert_eq!(
            t.availability_zone,
            w.instances[i.0 as usize].availability_zone
        );
    }
}

#[test]
fn instance_warmup_blocks_the_next_scale_out_step() {
    // With steps of at most one instance, one is added, then nothing until the 300 s warm-up
    // has passed.
    let s = with(&[(
        "managed_scaling: (target_capacity: 100)",
        "managed_scaling: (target_capacity: 100, maximum_scaling_step_size: 1)",
    )]);
    let sim = at(&s, 420);
    let launches: Vec<SimTime> = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InstanceLaunched { .. }))
        .map(|e| e.at)
        .collect();
    assert_eq!(launches, vec![SimTime::from_secs(180)]);
    let sim = at(&s, 600);
    let launches: Vec<SimTime> = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InstanceLaunched { .. }))
        .map(|e| e.at)
        .collect();
    assert_eq!(
        launches,
        vec![SimTime::from_secs(180), SimTime::from_secs(480)],
        "the second step waits for the warm-up (180 s + 300 s)"
    );
}

#[test]
fn a_target_capacity_below_100_keeps_spare_instances() {
    let s = with(&[(
        "managed_scaling: (target_capacity: 100)",
        "managed_scaling: (target_capacity: 50)",
    )]);
    // Two busy instances at a target of 50 %: reservation 100 % > 50 %, so at 1:00 the group
    // grows to ⌈2 × 100 / 50⌉ = 4, two of them spare.
    let sim = at(&s, 61);
    assert_eq!(
        sim.world().ecs_cluster().auto_scaling_groups[0].desired_capacity,
        4
    );
    // At 2:00 four of the six new tasks fit on the spares; the two left need one more
    // instance: M = 5, ⌈5 × 100 / 50⌉ = 10, capped by max_size 8 — after the warm-up of the
    // 1:00 step (until 6:00).
    let sim = at(&s, 350);
    assert_eq!(
        sim.world().ecs_cluster().auto_scaling_groups[0].desired_capacity,
        4
    );
    let sim = at(&s, 361);
    assert_eq!(
        sim.world().ecs_cluster().auto_scaling_groups[0].desired_capacity,
        8
    );
}

#[test]
fn without_managed_scaling_the_service_reports_unable_to_place() {
    let s = with(&[
        (
            "                    managed_scaling: (target_capacity: 100),\n",
            "",
        ),
        (
            "managed_termination_protection: true",
            "managed_termination_protection: false",
        ),
    ]);
    let sim = at(&s, 400);
    assert!(
        sim.log()
            .iter()
            .any(|e| matches!(e.kind, EventKind::UnableToPlace { .. }))
    );
    assert!(
        !sim.world()
            .ecs_cluster()
            .tasks
            .iter()
            .any(|t| t.host == Host::AwaitingCapacity)
    );
    assert_eq!(
        sim.world().ecs_cluster().auto_scaling_groups[0].desired_capacity,
        2
    );
}

#[test]
fn scale_in_waits_fifteen_low_datapoints_and_terminates_only_empty_instances() {
    let s = with(&[]);
    let mut sim = Simulation::new(s.clone());
    // The desired count drops at 12:00; the tasks are gone by about 12:35.
    sim.advance_to(SimTime::from_secs(26 * 60 + 30));
    assert_eq!(group_instances(&sim, InstanceStatus::Inactive), 0);
    sim.advance_to(SimTime::from_secs(35 * 60));
    let terminations: Vec<_> = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InstanceTerminating { .. }))
        .collect();
    assert_eq!(terminations.len(), 2);
    // The first minute whose datapoint is low is 13:00; the 15th is 27:00.
    assert!(
        terminations
            .iter()
            .all(|e| e.at == SimTime::from_secs(27 * 60))
    );
    let w = sim.world().ecs_cluster();
    assert_eq!(w.auto_scaling_groups[0].desired_capacity, 3);
    for i in w
        .instances
        .iter()
        .filter(|i| i.status == InstanceStatus::Inactive)
    {
        // No task was ever stopped because its host went away.
        assert!(!sim.log().iter().any(|e| e.message().contains(&format!(
            "Host EC2 (instance {}) stopped/terminated",
            i.ec2_instance_id
        ))));
    }
    assert_eq!(running(&sim), 3);
}

#[test]
fn min_size_bounds_the_scale_in() {
    let s = with(&[
        ("min_size: 1", "min_size: 4"),
        ("desired_capacity: 2", "desired_capacity: 4"),
        ("desired_count: 3)", "desired_count: 1)"),
    ]);
    let sim = at(&s, 2100);
    assert_eq!(
        sim.world().ecs_cluster().auto_scaling_groups[0].desired_capacity,
        4
    );
    assert_eq!(group_instances(&sim, InstanceStatus::Active), 4);
}

#[test]
fn the_binpack_estimate_packs_the_largest_tasks_first() {
    let s = with(&[]);
    let sim = Simulation::new(s);
    let td = &sim.world().ecs_cluster().task_definitions[0];
    // m5.large: 2048 CPU units; the task reserves 1024, so two per instance.
    assert_eq!(estimate_instances(&[td; 6], "m5.large", 0), 3);
    assert_eq!(estimate_instances(&[td; 5], "m5.large", 0), 3);
    // Room on an instance still registering is used first.
    assert_eq!(estimate_instances(&[td; 5], "m5.large", 2), 1);
    assert_eq!(estimate_instances(&[td; 1], "m5.xlarge", 0), 1);
    assert_eq!(estimate_instances(&[], "m5.large", 0), 0);
}

#[test]
fn the_same_seed_gives_the_same_instances_and_log() {
    let s = with(&[]);
    let a = at(&s, 2100);
    let b = at(&s, 2100);
    assert_eq!(a.log(), b.log());
    assert_eq!(a.world(), b.world());
}

#[test]
fn a_launch_into_a_full_subnet_fails_with_the_auto_scaling_activity() {
    // One zone: its /20 has 4,091 addresses; the two instances take 2 and 4,089 Fargate tasks
    // of another service the rest, so the group cannot launch an instance.
    let s = with(&[
        (
            r#"availability_zones: ["us-east-1a", "us-east-1b"]"#,
            r#"availability_zones: ["us-east-1a"]"#,
        ),
        (
            "        task_definitions: [\n",
            "        task_definitions: [\n            (family: \"filler\", revision: 1, cpu: 256, memory: 512, containers: [(name: \"f\", image: \"f:1\")]),\n",
        ),
        (
            "        services: [\n",
            "        services: [\n            (name: \"filler\", task_definition: \"filler:1\", desired_count: 4089, launch_type: Fargate),\n",
        ),
    ]);
    let sim = at(&s, 400);
    let failed: Vec<_> = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::InstanceLaunchFailed { .. }))
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].message().starts_with(
        "Launching a new EC2 instance. Status Reason: There are not enough free addresses in subnet '10.0.0.0/20' (us-east-1a)"
    ));
    assert_eq!(group_instances(&sim, InstanceStatus::Registering), 0);
    assert!(
        sim.world()
            .ecs_cluster()
            .instances
            .iter()
            .all(|i| !i.private_ip.is_empty())
    );
}

/// Two instances; binpack puts both tasks on the first, so the second is empty and the group
/// scales in 15 minutes in. The ASG's choice (zone balance, then the oldest, then the first)
/// falls on the busy instance.
fn two_instances(protection: bool) -> Arc<Scenario> {
    with(&[
        (
            "managed_termination_protection: true",
            if protection {
                "managed_termination_protection: true"
            } else {
                "managed_termination_protection: false"
            },
        ),
        (
            "desired_count: 4,",
            "desired_count: 2,\n                placement_strategy: [Binpack(Cpu)],",
        ),
        (
            "(at: 120, action: UpdateService(service: \"api\", desired_count: 10)),",
            "",
        ),
        (
            "(at: 720, action: UpdateService(service: \"api\", desired_count: 3)),",
            "",
        ),
        ("trigger: When(CapacityScaledOut),", "trigger: At(100),"),
        ("trigger: When(CapacityScaledIn),", "trigger: At(110),"),
    ])
}

#[test]
fn without_termination_protection_a_busy_instance_is_drained_before_it_is_terminated() {
    let s = two_instances(false);
    let sim = at(&s, 2100);
    let w = sim.world().ecs_cluster();
    let terminated: Vec<_> = w
        .instances
        .iter()
        .filter(|i| i.status == InstanceStatus::Inactive)
        .collect();
    assert_eq!(terminated.len(), 1);
    let log = sim.log();
    // Which instance the ASG picks (zone balance, then the oldest) decides whether draining
    // is needed; either way no task dies with its host.
    assert!(
        !log.iter()
            .any(|e| e.message().contains("stopped/terminated"))
    );
    assert_eq!(running(&sim), 2);
    let drained = log.iter().any(|e| e.message().contains("status DRAINING"));
    let picked_busy = log.iter().any(|e| {
        matches!(e.kind, EventKind::InstanceTerminating { .. })
            && e.why
                .as_deref()
                .is_some_and(|w| w.contains("managed instance draining"))
    });
    assert_eq!(drained, picked_busy);
    assert!(
        picked_busy,
        "this layout makes the ASG pick the busy instance"
    );
}

#[test]
fn with_termination_protection_only_the_empty_instance_goes() {
    let s = two_instances(true);
    let sim = at(&s, 2100);
    let log = sim.log();
    assert!(!log.iter().any(|e| e.message().contains("status DRAINING")));
    let w = sim.world().ecs_cluster();
    let gone: Vec<&str> = w
        .instances
        .iter()
        .filter(|i| i.status == InstanceStatus::Inactive)
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(gone, vec!["asg-api-2"]);
}

fn draining_scenario(replacements: &[(&str, &str)]) -> Arc<Scenario> {
    from_file("ecs-instance-draining.ron", replacements)
}

#[test]
fn spot_instance_draining_moves_the_tasks_before_ec2_reclaims_the_instance() {
    let s = draining_scenario(&[]);
    let sim = at(&s, 600);
    let log = sim.log();
    let warning = log
        .iter()
        .find(|e| matches!(e.kind, EventKind::SpotInstanceInterruptionWarning { .. }))
        .expect("a warning");
    assert_eq!(warning.at, SimTime::from_secs(300));
    let w = sim.world().ecs_cluster();
    let i = w.instance_by_name("ecs-node-3").expect("instance");
    assert_eq!(w.instance(i).status, InstanceStatus::Inactive);
    assert_eq!(w.instance(i).terminated_at, Some(SimTime::from_secs(420)));
    assert!(
        !log.iter()
            .any(|e| e.message().contains("stopped/terminated"))
    );
    assert_eq!(running(&sim), 4);
}

#[test]
fn without_spot_instance_draining_the_tasks_die_with_the_instance() {
    let s = draining_scenario(&[(
        "spot_instance_draining: true",
        "spot_instance_draining: false",
    )]);
    let sim = at(&s, 600);
    let w = sim.world().ecs_cluster();
    let i = w.instance_by_name("ecs-node-3").expect("instance");
    let ec2 = w.instance(i).ec2_instance_id.clone();
    // Nothing moves during the notice: the instance stays ACTIVE.
    let before = at(&s, 419);
    assert_eq!(
        before.world().ecs_cluster().instance(i).status,
        InstanceStatus::Active
    );
    let killed: Vec<_> = w
        .tasks
        .iter()
        .filter(|t| {
            t.stopped_reason.as_deref()
                == Some(format!("Host EC2 (instance {ec2}) stopped/terminated").as_str())
        })
        .collect();
    assert_eq!(killed.len(), 2);
    assert!(
        killed
            .iter()
            .all(|t| t.stopping_at == Some(SimTime::from_secs(420)))
    );
    // The service replaces them afterwards.
    assert_eq!(running(&sim), 4);
}
