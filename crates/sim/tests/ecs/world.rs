//! World lookups and bookkeeping the rules rely on: task definition references and the private
//! IP addresses of each zone's subnet.

use crate::common;

use common::EcsPart;

use orca_sim::ecs::TaskStatus;
use orca_sim::{EventKind, SimTime, Simulation};

fn fargate_web(desired: u32) -> String {
    format!(
        r#"(
    version: 1, title: "world", seed: 5, duration: 600,
    world: Ecs(
        cluster: (name: "c", availability_zones: ["us-east-1a"]),
        task_definitions: [
            (family: "web", revision: 1, cpu: 256, memory: 512, network_mode: Awsvpc,
                containers: [(name: "web", image: "web:v1", port: 8080)]),
            (family: "web", revision: 2, cpu: 256, memory: 512, network_mode: Awsvpc,
                containers: [(name: "web", image: "web:v2", port: 8080)]),
            (family: "web-api", revision: 1, cpu: 256, memory: 512, network_mode: Awsvpc,
                containers: [(name: "api", image: "api:v1", port: 8080)]),
        ],
        services: [(name: "web", task_definition: "web:2", desired_count: {desired}, launch_type: Fargate,
            start: Steady)],
    ),
    timeline: [],
)"#
    )
}

#[test]
fn a_task_definition_reference_is_compared_as_family_and_revision() {
    let sim = Simulation::new(common::parse(&fargate_web(1)));
    let w = sim.world().ecs_cluster();
    let found = |r: &str| {
        w.task_definition_by_ref(r).map(|i| {
            (
                w.task_definition(i).family.as_str(),
                w.task_definition(i).revision,
            )
        })
    };
    assert_eq!(found("web:2"), Some(("web", 2)));
    assert_eq!(found("web:1"), Some(("web", 1)));
    assert_eq!(found("web-api:1"), Some(("web-api", 1)));
    // The revision is a number, not text.
    assert_eq!(found("web:02"), Some(("web", 2)));
    assert_eq!(found("web:3"), None);
    assert_eq!(found("web-api:2"), None);
    assert_eq!(found("web"), None);
    assert_eq!(found("web:two"), None);
    assert_eq!(found("api:1"), None);
    // The service was built on the revision it names, not on the first definition.
    let svc = &w.services[0];
    assert_eq!(w.task_definition(svc.task_definition).revision, 2);
}

/// Every task's address is in the single zone's subnet 10.0.0.0/20, and no two tasks that are
/// not STOPPED share one.
fn assert_addresses_in_subnet_and_unique(sim: &Simulation) {
    let mut live = std::collections::BTreeSet::new();
    for t in &sim.world().ecs_cluster().tasks {
        assert!(
            orca_sim::net::ip_offset_in_zone(0, &t.private_ip).is_some(),
            "task {} has {:?}, outside 10.0.0.0/20",
            t.id,
            t.private_ip
        );
        if t.last_status != TaskStatus::Stopped {
            assert!(
                live.insert(t.private_ip.as_str()),
                "{} is used twice at {}",
                t.private_ip,
                sim.now()
            );
        }
    }
}

#[test]
fn a_full_subnet_fails_placement_with_insufficient_free_addresses() {
    // One zone, one /20 subnet: 4,091 usable addresses, one per Fargate task.
    let sim = {
        let mut sim = Simulation::new(common::parse(&fargate_web(4095)));
        sim.advance_to(SimTime::from_secs(120));
        sim
    };
    let running = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .count();
    assert_eq!(running, 4091);
    assert_eq!(
        sim.world().ecs_cluster().tasks.len(),
        4091,
        "nothing placed without an address"
    );
    assert_addresses_in_subnet_and_unique(&sim);
    let messages: Vec<String> = sim
        .log()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::UnableToPlace { .. }))
        .map(|e| e.message().into_owned())
        .collect();
    assert_eq!(
        messages,
        vec![
            "(service web) was unable to place a task. Reason: InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request."
        ]
    );
}

#[test]
fn stopped_tasks_give_their_addresses_back_so_long_runs_stay_in_the_subnet() {
    // Three rolling updates of 2,000 Fargate tasks at maximumPercent 200 hand out 8,000
    // addresses in a subnet of 4,091: only reuse keeps them inside it.
    let src = fargate_web(2000).replace(
        "timeline: [],",
        r#"timeline: [
            (at: 30.0, action: UpdateService(service: "web", task_definition: "web:1")),
            (at: 900.0, action: UpdateService(service: "web", task_definition: "web:2")),
            (at: 1800.0, action: UpdateService(service: "web", task_definition: "web:1")),
        ],"#,
    );
    let mut sim = Simulation::new(common::parse(
        &src.replace("duration: 600", "duration: 2700"),
    ));
    let mut at = 0;
    while at < 2700 {
        at += 30;
        sim.advance_to(SimTime::from_secs(at));
        assert_addresses_in_subnet_and_unique(&sim);
    }
    assert!(
        sim.world().ecs_cluster().tasks.len() >= 8000,
        "{}",
        sim.world().ecs_cluster().tasks.len()
    );
    let running = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .count();
    assert_eq!(running, 2000);
}

#[test]
fn awsvpc_tasks_on_ec2_stop_being_placed_when_the_subnet_is_full() {
    // 70 m5.4xlarge instances have room for 4,480 tasks of 256 CPU units, but their subnet has
    // 4,091 addresses: 70 for the instances and 4,021 for the tasks' network interfaces.
    let src = r#"(
    version: 1, title: "world", seed: 5, duration: 120,
    world: Ecs(
        cluster: (name: "c", availability_zones: ["us-east-1a"]),
        capacity: (instances: [(name: "node", instance_type: "m5.4xlarge", count: 70)]),
        task_definitions: [
            (family: "web", revision: 1, cpu: 256, memory: 512, network_mode: Awsvpc,
                containers: [(name: "web", image: "web:v1", port: 8080)]),
        ],
        services: [(name: "web", task_definition: "web:1", desired_count: 4100, launch_type: Ec2,
            start: Steady)],
    ),
    timeline: [],
)"#;
    let mut sim = Simulation::new(common::parse(src));
    sim.advance_to(SimTime::from_secs(120));
    assert_eq!(sim.world().ecs_cluster().tasks.len(), 4021);
    assert_addresses_in_subnet_and_unique(&sim);
    let last = sim
        .log()
        .iter()
        .rfind(|e| matches!(e.kind, EventKind::UnableToPlace { .. }))
        .expect("placement failed");
    assert_eq!(
        last.message(),
        "(service web) was unable to place a task. Reason: InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request."
    );
}

/// The briefs the scheduler's passes read (`ecs::task_table`) describe each task as it is: after
/// a run, after a write (before and after a refresh), and in a clone, which does not share the
/// original's later writes.
#[test]
fn a_task_brief_follows_every_write_to_its_task() {
    use orca_sim::ecs::ids::TaskIdx;
    use orca_sim::ecs::task_table::TaskBrief;

    let mut sim = Simulation::new(common::parse(&fargate_web(3)));
    sim.advance_to(SimTime::from_secs(120));
    let mut tasks = sim.world().ecs_cluster().tasks.clone();
    let all = |tasks: &orca_sim::ecs::task_table::TaskTable| {
        (0..tasks.len()).all(|i| tasks.brief(TaskIdx(i as u32)) == TaskBrief::of(&tasks[i]))
    };
    // A clone starts without briefs: they are computed from the tasks, then rebuilt.
    assert!(all(&tasks));
    tasks.refresh();
    assert!(all(&tasks));
    assert!(tasks.brief(TaskIdx(0)).live);

    let snapshot = tasks.clone();
    tasks[0].last_status = TaskStatus::Stopped;
    tasks[1].healthy_at = None;
    // Before a refresh the written tasks' briefs are computed from them…
    assert!(!tasks.brief(TaskIdx(0)).live);
    assert!(!tasks.brief(TaskIdx(1)).counted);
    assert!(all(&tasks));
    // …and after one they are stored again.
    tasks.refresh();
    assert!(!tasks.brief(TaskIdx(0)).live);
    assert!(all(&tasks));
    // The clone taken before the writes still describes the tasks as they were.
    assert!(snapshot.brief(TaskIdx(0)).live);
    assert!(snapshot.brief(TaskIdx(1)).counted);
    // Writing every task at once rebuilds every brief.
    for t in tasks.iter_mut() {
        t.zone = 0;
        t.started_at = None;
    }
    assert!(tasks.brief(TaskIdx(2)).started_at.is_none());
    tasks.refresh();
    assert!(all(&tasks));
}

/// Equal deployment keys mean equal ids only for `ecs-svc/` and digits written as Orca writes
/// them; anything else is compared as text.
#[test]
fn a_deployment_key_is_exact_only_for_canonical_ids() {
    use orca_sim::ecs::deployment_key;
    use orca_sim::ecs::task_table::key_is_exact;

    assert!(key_is_exact("ecs-svc/1234567890123456789"));
    assert!(key_is_exact("ecs-svc/0"));
    // Two spellings of one number, a sign, a number past u64, another prefix.
    assert!(!key_is_exact("ecs-svc/0123"));
    assert_eq!(
        deployment_key("ecs-svc/0123"),
        deployment_key("ecs-svc/123")
    );
    assert!(!key_is_exact("ecs-svc/+5"));
    assert!(!key_is_exact("ecs-svc/99999999999999999999"));
    assert!(!key_is_exact("ecs-svc/"));
    assert!(!key_is_exact("deploy/123"));
}
