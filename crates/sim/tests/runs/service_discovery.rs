//! ECS service discovery (docs/rules/ecs-service-discovery.md): tasks register in Cloud Map as
//! they leave ACTIVATING and deregister as their stop begins; ECS reports container health to
//! Cloud Map, which applies it 30 seconds later; Route 53 answers with healthy records, or with
//! unhealthy ones when none is healthy; and what `aws servicediscovery` and `dig` print.

use crate::common;
use crate::say::{failed, printed};
use orca_sim::ecs::cloud_map::InstanceHealth;
use orca_sim::{Event, EventKind, Playback, SimTime, Simulation};

const NAME: &str = "ecs-service-discovery";

fn cloud_map_events(log: &[Event]) -> Vec<(SimTime, &EventKind)> {
    log.iter()
        .filter(|e| e.source.category() == "cloud-map")
        .map(|e| (e.at, &e.kind))
        .collect()
}

/// When each of a task's events happened: (registered, health changes, deregistered).
fn moments(
    log: &[Event],
    task: &str,
) -> (
    Option<SimTime>,
    Vec<(SimTime, InstanceHealth)>,
    Option<SimTime>,
) {
    let mut registered = None;
    let mut changes = Vec::new();
    let mut gone = None;
    for (at, kind) in cloud_map_events(log) {
        match kind {
            EventKind::CloudMapRegistered {
                task: t, health, ..
            } if &**t == task => {
                registered = Some(at);
                changes.push((at, *health));
            }
            EventKind::CloudMapHealthChanged {
                task: t, health, ..
            } if &**t == task => {
                changes.push((at, *health));
            }
            EventKind::CloudMapDeregistered { task: t, .. } if &**t == task => gone = Some(at),
            _ => {}
        }
    }
    (registered, changes, gone)
}

#[test]
fn a_task_with_a_container_health_check_registers_unhealthy_and_turns_healthy_30_s_after_ecs_reports_it()
 {
    let s = common::built_in_named(NAME);
    let mut sim = Simulation::new(s);
    sim.advance_to(SimTime::from_secs(200));
    let log = sim.log();
    let first = log
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::CloudMapRegistered { task, .. } => Some(task.clone()),
            _ => None,
        })
        .expect("an api:2 task registers");
    let (registered, changes, _) = moments(log, &first);
    // Registered as it reaches RUNNING (the end of ACTIVATING).
    let running = log
        .iter()
        .find(|e| {
            matches!(&e.kind, EventKind::TaskStateChanged { task, to, .. }
                if **task == *first && *to == orca_sim::ecs::TaskStatus::Running)
        })
        .expect("the task reaches RUNNING");
    assert_eq!(registered, Some(running.at));
    // The container health check passes; Cloud Map applies ECS's report 30 s later.
    let healthy_in_ecs = log
        .iter()
        .find(|e| {
            matches!(&e.kind, EventKind::TaskHealthChanged { task, health, .. }
                if **task == *first && *health == orca_sim::ecs::HealthStatus::Healthy)
        })
        .expect("the task turns HEALTHY")
        .at;
    assert_eq!(
        changes,
        vec![
            (running.at, InstanceHealth::Unhealthy),
            (
                healthy_in_ecs.plus(orca_sim::time::Millis::from_secs(30)),
                InstanceHealth::Healthy
            ),
        ]
    );
}

#[test]
fn a_task_deregisters_when_its_stop_begins_and_leaves_no_instance_behind() {
    let s = common::built_in_named(NAME);
    let mut sim = Simulation::new(s);
    sim.advance_to(SimTime::from_secs(480));
    let log = sim.log();
    let stops: Vec<_> = log
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::TaskStopRequested {
                task,
                was_running: true,
                ..
            } => Some((e.at, task.clone())),
            _ => None,
        })
        .collect();
    // Two api:1 tasks replaced by the update, one api:2 task that failed its health check.
    assert_eq!(stops.len(), 3, "{stops:?}");
    for (at, task) in &stops {
        let (_, _, gone) = moments(log, task);
        assert_eq!(
            gone,
            Some(*at),
            "task {task} deregisters as its stop begins"
        );
    }
    // What Cloud Map holds is exactly the live tasks.
    let ecs = sim.world().ecs.as_ref().expect("ecs");
    let mut registered: Vec<_> = ecs.cloud_map.services[0]
        .instances
        .iter()
        .map(|i| i.id.to_string())
        .collect();
    let mut live: Vec<_> = ecs
        .tasks
        .iter()
        .filter(|t| t.is_live())
        .map(|t| t.id.to_string())
        .collect();
    registered.sort();
    live.sort();
    assert_eq!(registered, live);
}

/// The gap of aws/containers-roadmap#830: the old tasks are gone while Cloud Map still holds
/// the new ones UNHEALTHY, so Route 53 fails open and `discover-instances` (HEALTHY by default)
/// finds nothing.
#[test]
fn while_no_instance_is_healthy_dns_answers_with_the_unhealthy_ones() {
    let s = common::built_in_named(NAME);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(66));
    let ecs = p.world().ecs.as_ref().expect("ecs");
    let svc = &ecs.cloud_map.services[0];
    assert_eq!(svc.instances.len(), 2);
    assert!(
        svc.instances
            .iter()
            .all(|i| i.health == InstanceHealth::Unhealthy)
    );
    let short = printed(&p, "dig +short api.shop.local");
    let mut answered: Vec<&str> = short.lines().collect();
    let mut addresses: Vec<&str> = svc.instances.iter().map(|i| i.ipv4.as_str()).collect();
    answered.sort();
    addresses.sort();
    assert_eq!(answered, addresses);
    let none = printed(
        &p,
        "aws servicediscovery discover-instances --namespace-name shop.local --service-name api",
    );
    assert!(none.contains("\"Instances\": []"), "{none}");
    let open = printed(
        &p,
        "aws servicediscovery discover-instances --namespace-name shop.local --service-name api --health-status HEALTHY_OR_ELSE_ALL --query 'length(Instances)'",
    );
    assert_eq!(open.trim(), "2");
    // Thirty seconds after ECS reported them, both are HEALTHY.
    p.seek(SimTime::from_secs(100));
    let health = printed(
        &p,
        &format!(
            "aws servicediscovery get-instances-health-status --service-id {} --output text",
            p.world().ecs.as_ref().expect("ecs").cloud_map.services[0].id
        ),
    );
    assert_eq!(health.matches("HEALTHY").count(), 2, "{health}");
    assert!(!health.contains("UNHEALTHY"), "{health}");
}

#[test]
fn the_console_shows_the_namespace_the_service_and_the_registry() {
    let s = common::built_in_named(NAME);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(20));
    let ecs = p.world().ecs.as_ref().expect("ecs");
    let cm = &ecs.cloud_map;
    let ns = printed(&p, "aws servicediscovery list-namespaces");
    assert!(ns.contains("\"Type\": \"DNS_PRIVATE\""), "{ns}");
    assert!(
        ns.contains(cm.namespaces[0].hosted_zone_id.as_str()),
        "{ns}"
    );
    let registries = printed(
        &p,
        "aws ecs describe-services --cluster shop --services api --query 'services[0].serviceRegistries[0].registryArn' --output text",
    );
    assert_eq!(registries.trim(), cm.services[0].arn);
    let listed = printed(
        &p,
        &format!(
            "aws servicediscovery list-instances --service-id {}",
            cm.services[0].id
        ),
    );
    for i in &cm.services[0].instances {
        assert!(
            listed.contains(i.id.as_str()) && listed.contains(i.ipv4.as_str()),
            "{listed}"
        );
    }
    assert!(
        listed.contains("\"ECS_CLUSTER_NAME\": \"shop\""),
        "{listed}"
    );
    assert!(
        !listed.contains("EC2_INSTANCE_ID"),
        "Fargate tasks have none: {listed}"
    );
    let err = failed(
        &p,
        "aws servicediscovery list-instances --service-id srv-nope",
    );
    assert!(err.contains("ServiceNotFound"), "{err}");
    let nx = printed(&p, "dig web.shop.local");
    assert!(nx.contains("status: NXDOMAIN"), "{nx}");
    let nodata = printed(&p, "dig api.shop.local SRV");
    assert!(
        nodata.contains("status: NOERROR") && nodata.contains("ANSWER: 0"),
        "{nodata}"
    );
}

/// Bridge mode on EC2: SRV records with the host port Docker mapped, on the instance's address;
/// a service without a health check registers UNKNOWN and every instance is answered.
#[test]
fn bridge_tasks_register_srv_records_with_their_host_port() {
    let s = common::parse(
        r#"(version: 1, title: "t", description: "d", seed: 3, duration: 120,
        world: Ecs(
            cluster: (name: "c"),
            capacity: (instances: [(name: "node", instance_type: "m5.large", count: 1)]),
            task_definitions: [(family: "api", revision: 1, network_mode: Bridge,
                containers: [(name: "api", image: "api:1", cpu: 256, memory: 256, port: 8080)])],
            service_discovery: (
                namespaces: [(name: "corp.internal")],
                services: [(name: "api", namespace: "corp.internal", dns_records: [(type: SRV, ttl: 10)], health_check_custom_config: false)],
            ),
            services: [(name: "api", task_definition: "api:1", desired_count: 2, launch_type: Ec2,
                start: Created,
                service_registries: [(registry: "api.corp.internal", container_name: "api", container_port: 8080)])],
        ),
        timeline: [], quizzes: [])"#,
    );
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(120));
    let ecs = p.world().ecs.as_ref().expect("ecs");
    let svc = &ecs.cloud_map.services[0];
    assert_eq!(svc.instances.len(), 2);
    for i in &svc.instances {
        let task = ecs.task_by_id(&i.id).map(|t| ecs.task(t)).expect("a task");
        assert_eq!(i.health, InstanceHealth::Unknown);
        assert_eq!(i.port, task.host_port, "the host port Docker mapped");
        assert!(i.port.is_some_and(|p| p != 8080), "dynamic host ports");
        assert!(i.attributes.iter().any(|(k, _)| *k == "EC2_INSTANCE_ID"));
    }
    let srv = printed(&p, "dig +short api.corp.internal SRV");
    let lines: Vec<&str> = srv.lines().collect();
    assert_eq!(lines.len(), 2, "{srv}");
    let first = &svc.instances[0];
    assert_eq!(
        lines[0],
        format!(
            "1 1 {} {}.api.corp.internal.",
            first.port.unwrap_or(0),
            first.id
        )
    );
    let host = printed(&p, &format!("dig +short {}.api.corp.internal", first.id));
    assert_eq!(host.trim(), first.ipv4.as_str());
    let err = failed(
        &p,
        &format!(
            "aws servicediscovery get-instances-health-status --service-id {}",
            svc.id
        ),
    );
    assert!(err.contains("doesn't have a health check"), "{err}");
}

#[test]
fn tab_completes_cloud_map_ids_names_and_dig_names() {
    let s = common::built_in_named(NAME);
    let p = Playback::new(s);
    let cx = orca_sim::console::Context::at(&p, &crate::say::no_files);
    let complete = |line: &str| orca_sim::console::complete::complete(line, &cx).candidates;
    let id = p.world().ecs.as_ref().expect("ecs").cloud_map.services[0]
        .id
        .to_string();
    assert_eq!(
        complete("aws servicediscovery list-instances --service-id "),
        vec![id]
    );
    assert_eq!(
        complete("aws servicediscovery discover-instances --namespace-name "),
        vec!["shop.local".to_string()]
    );
    assert!(complete("aws servicediscovery ").contains(&"discover-instances".to_string()));
    assert!(complete("dig ").contains(&"api.shop.local".to_string()));
    assert!(complete("aws ").contains(&"servicediscovery".to_string()));
}

/// The EKS side of the same question: CoreDNS answers a Service's name with its ClusterIP,
/// whichever pods are ready at the moment (a rollout changes the endpoints, not the record).
#[test]
fn a_kubernetes_service_name_resolves_to_its_cluster_ip_whatever_the_pods_do() {
    let s = common::built_in_named("eks-rolling-update");
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(10));
    let ip = printed(&p, "kubectl get svc web -o jsonpath='{.spec.clusterIP}'");
    let before = printed(&p, "dig +short web.default.svc.cluster.local");
    assert_eq!(before.trim(), ip.trim());
    let full = printed(&p, "dig web.default.svc.cluster.local");
    assert!(
        full.contains("\t5\tIN\tA\t"),
        "CoreDNS's 5-second TTL: {full}"
    );
    assert!(full.contains("SERVER: 172.20.0.10#53"), "{full}");
    // Mid-rollout, with pods starting and stopping, the record is the same.
    p.seek(SimTime::from_secs(90));
    assert_eq!(
        printed(&p, "dig +short web.default.svc.cluster.local"),
        before
    );
    // dig searches no domains: the short name is not found.
    let short = printed(&p, "dig web");
    assert!(short.contains("status: NXDOMAIN"), "{short}");
    assert!(
        short.contains("web.default.svc.cluster.local"),
        "it lists the names it knows: {short}"
    );
}

/// A status sent by hand (`update-instance-custom-health-status`), as a third-party checker
/// would: Cloud Map applies it 30 s later, Route 53 follows, and ECS, which reports changes of
/// the task's health only, leaves it.
#[test]
fn a_custom_health_status_sent_by_hand_applies_30_s_later_and_dns_follows() {
    let s = common::built_in_named(NAME);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(120));
    let svc = &p.world().ecs.as_ref().expect("ecs").cloud_map.services[0];
    let (id, victim, other) = (
        svc.id.to_string(),
        svc.instances[0].id.to_string(),
        svc.instances[1].ipv4.to_string(),
    );
    let reply = crate::say::act(
        &mut p,
        &format!(
            "aws servicediscovery update-instance-custom-health-status --service-id {id} --instance-id {victim} --status UNHEALTHY"
        ),
    );
    assert_eq!(reply, "", "the CLI prints nothing");
    p.seek(SimTime::from_secs(149));
    assert_eq!(
        printed(&p, "dig +short api.shop.local").lines().count(),
        2,
        "not yet"
    );
    p.seek(SimTime::from_secs(151));
    assert_eq!(printed(&p, "dig +short api.shop.local").trim(), other);
    let applied = p
        .log()
        .iter()
        .filter(|e| {
            matches!(&e.kind, EventKind::CloudMapHealthChanged { task, health: InstanceHealth::Unhealthy, .. }
                if **task == *victim)
        })
        .map(|e| e.at)
        .collect::<Vec<_>>();
    assert_eq!(applied, vec![SimTime::from_secs(150)]);
    // Refusals, as the API words them.
    let err = failed(
        &p,
        &format!(
            "aws servicediscovery update-instance-custom-health-status --service-id {id} --instance-id nope --status HEALTHY"
        ),
    );
    assert!(err.contains("InstanceNotFound"), "{err}");
    let err = failed(
        &p,
        &format!(
            "aws servicediscovery update-instance-custom-health-status --service-id {id} --instance-id {victim} --status SICK"
        ),
    );
    assert!(err.contains("not one of: HEALTHY, UNHEALTHY"), "{err}");
}
