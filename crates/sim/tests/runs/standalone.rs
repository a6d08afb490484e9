//! Standalone tasks (`aws ecs run-task`, `RunTask` actions): placed once in their task group, not
//! replaced when they stop, their health ignored; what `run-task` answers (tasks and failures)
//! and what it refuses (docs/rules/ecs-standalone-tasks.md).

use crate::common;

use crate::say::{act, failed, printed};
use orca_sim::ecs::{DesiredStatus, StopCode, TaskStatus};
use orca_sim::{EventKind, Playback, SimTime, Simulation};

const NAME: &str = "ecs-standalone-task";

#[test]
fn a_standalone_task_stops_when_its_essential_container_exits_and_is_not_replaced() {
    let s = common::built_in_named(NAME);
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(SimTime::from_secs(300));
    let ecs = sim.world().ecs.as_ref().expect("ecs");
    let migrate: Vec<_> = ecs
        .tasks
        .iter()
        .filter(|t| ecs.task_definition(t.task_definition).family == "migrate")
        .collect();
    assert_eq!(migrate.len(), 1, "one migrate task, never a second");
    let t = migrate[0];
    assert_eq!(t.service, None);
    assert_eq!(t.group().map(|g| &**g), Some("family:migrate"));
    assert_eq!(&*t.started_by, "deploy-pipeline");
    assert_eq!(t.last_status, TaskStatus::Stopped);
    assert_eq!(t.stop_code, Some(StopCode::EssentialContainerExited));
    assert_eq!(t.containers[0].exit_code, Some(0));
    // The web task stopped by hand was replaced: the service keeps two running.
    let web_running = ecs
        .tasks
        .iter()
        .filter(|t| t.service.is_some() && t.is_live() && t.last_status == TaskStatus::Running)
        .count();
    assert_eq!(web_running, 2);
}

#[test]
fn run_task_without_room_logs_its_failure_and_starts_nothing() {
    let s = common::built_in_named(NAME);
    let mut sim = Simulation::new(s);
    sim.advance_to(SimTime::from_secs(240));
    let reports = |sim: &Simulation| {
        let ecs = sim.world().ecs.as_ref().expect("ecs");
        ecs.tasks
            .iter()
            .filter(|t| ecs.task_definition(t.task_definition).family == "report")
            .map(|t| (t.last_status, t.overrides().cloned()))
            .collect::<Vec<_>>()
    };
    assert!(reports(&sim).is_empty(), "report:1 fits on no t3.medium");
    // At 4:01 the scenario runs it again with a 1 GiB memory override: that one task fits.
    sim.advance_to(SimTime::from_secs(300));
    let after = reports(&sim);
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(after[0].0, TaskStatus::Running);
    let memory = after[0]
        .1
        .as_ref()
        .and_then(|o| o.container("report"))
        .and_then(|c| c.memory);
    assert_eq!(memory, Some(1024));
    let line = sim
        .log()
        .iter()
        .map(|e| e.message().into_owned())
        .find(|m| m.starts_with("run-task started"))
        .expect("the failure is logged");
    assert!(
        line.starts_with("run-task started 0 of 1 tasks; failures: RESOURCE:MEMORY (arn:aws:ecs:us-east-1:123456789012:container-instance/demo/"),
        "{line}"
    );
}

#[test]
fn run_task_spreads_a_task_group_over_zones_and_replies_with_its_tasks() {
    let s = common::built_in_named(NAME);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(10));
    let out = act(
        &mut p,
        "aws ecs run-task --cluster demo --task-definition migrate --count 2 --group batch --started-by me",
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let tasks = v["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 2, "{out}");
    assert_eq!(v["failures"].as_array().map(Vec::len), Some(0));
    let zones: Vec<&str> = tasks
        .iter()
        .map(|t| t["availabilityZone"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b"], "spread over the zones");
    for t in tasks {
        assert_eq!(t["group"], "batch");
        assert_eq!(t["startedBy"], "me");
        assert_eq!(t["lastStatus"], "PENDING");
        assert_eq!(t["launchType"], "EC2");
        // Without overrides, describe-tasks still lists one container override per container.
        assert_eq!(
            t["overrides"],
            serde_json::json!({"containerOverrides": [{"name": "migrate"}], "inferenceAcceleratorOverrides": []})
        );
    }
    let listed = printed(&p, "aws ecs list-tasks --cluster demo --started-by me");
    let v: serde_json::Value = serde_json::from_str(&listed).expect("JSON");
    assert_eq!(v["taskArns"].as_array().map(Vec::len), Some(2));
    // The action is in the log as the command it stands for.
    assert!(p.log().iter().any(|e| matches!(&e.kind, EventKind::ActionApplied { description }
        if description.starts_with("aws ecs run-task --cluster demo --task-definition migrate:1 --count 2 --launch-type EC2 --group batch --started-by me"))));
}

#[test]
fn run_task_answers_resource_memory_with_the_closest_instance() {
    let s = common::built_in_named(NAME);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(10));
    let out = act(
        &mut p,
        "aws ecs run-task --cluster demo --task-definition report:1",
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["tasks"].as_array().map(Vec::len), Some(0), "{out}");
    assert_eq!(v["failures"][0]["reason"], "RESOURCE:MEMORY");
    let arn = v["failures"][0]["arn"].as_str().unwrap_or("");
    assert!(
        arn.starts_with("arn:aws:ecs:us-east-1:123456789012:container-instance/demo/"),
        "{arn}"
    );
}

#[test]
fn run_task_refuses_what_the_api_refuses() {
    let s = common::built_in_named(NAME);
    let p = Playback::new(s);
    for (line, wanted) in [
        (
            "aws ecs run-task --cluster demo --task-definition migrate --launch-type FARGATE",
            "(ClientException) when calling the RunTask operation: Task definition migrate:1 does not support launch type FARGATE",
        ),
        (
            "aws ecs run-task --cluster demo --task-definition migrate --count 11",
            "(InvalidParameterException) when calling the RunTask operation: count must be between 1 and 10",
        ),
        (
            "aws ecs run-task --cluster demo --task-definition nope",
            "(ClientException) when calling the RunTask operation: Unable to describe task definition nope.",
        ),
        (
            "aws ecs run-task --cluster demo --task-definition migrate --launch-type EXTERNAL",
            "Invalid launch type EXTERNAL",
        ),
        ("aws ecs run-task --cluster demo", "--task-definition"),
        (
            "aws ecs run-task --cluster demo --task-definition migrate --placement-strategy type=random",
            "Orca does not simulate `run-task --placement-strategy`",
        ),
        (
            r#"aws ecs run-task --cluster demo --task-definition migrate --overrides '{"containerOverrides": [{"name": "migrations", "command": ["up"]}]}'"#,
            "(InvalidParameterException) when calling the RunTask operation: Override for container named migrations is not a container in the TaskDefinition.",
        ),
        (
            r#"aws ecs run-task --cluster demo --task-definition migrate --overrides '{"memory": "256"}'"#,
            "(ClientException) when calling the RunTask operation: The 'memory' setting for container 'migrate' is greater than for the task.",
        ),
        (
            r#"aws ecs run-task --cluster demo --task-definition migrate --overrides '{"cpu": 256}'"#,
            "Invalid type for parameter overrides.cpu, value: 256, valid types: <class 'str'>",
        ),
    ] {
        let out = failed(&p, line);
        assert!(out.contains(wanted), "`{line}`: {out}");
    }
}

#[test]
fn an_awsvpc_task_needs_a_network_configuration() {
    let s = common::built_in_named("ecs-failed-health-check");
    let p = Playback::new(s.clone());
    let ecs = p.world().ecs.as_ref().expect("ecs");
    let awsvpc = ecs
        .task_definitions
        .iter()
        .find(|t| t.network_mode == orca_sim::scenario::spec::NetworkMode::Awsvpc)
        .map(|t| t.family_revision())
        .expect("an awsvpc task definition in this scenario");
    let out = failed(
        &p,
        &format!(
            "aws ecs run-task --cluster {} --task-definition {awsvpc} --launch-type FARGATE",
            ecs.name
        ),
    );
    assert!(
        out.contains(
            "Network Configuration must be provided when networkMode 'awsvpc' is specified."
        ),
        "{out}"
    );
}

#[test]
fn a_standalone_task_ignores_its_failing_health_check() {
    // A task definition whose container health check fails: a service would replace the task;
    // a standalone task keeps running, UNHEALTHY.
    let src = r#"(
        version: 1, title: "t", description: "d", seed: 1, duration: 400,
        world: Ecs(
            cluster: (name: "c", availability_zones: ["us-east-1a"]),
            capacity: (instances: [(name: "n", instance_type: "t3.medium", count: 1)]),
            task_definitions: [(
                family: "job", revision: 1, network_mode: Bridge,
                containers: [(name: "job", image: "job:1", cpu: 256, memory: 256,
                    health_check: (command: ["CMD-SHELL", "exit 1"], interval: 10, retries: 2),
                    behavior: (fails_health_checks: (after_seconds: 0, response: Status(500))))],
            )],
            services: [],
        ),
        timeline: [(at: 10, action: RunTask(task_definition: "job:1"))],
        quizzes: [],
    )"#;
    let s = common::parse(src);
    let mut sim = Simulation::new(s);
    sim.advance_to(SimTime::from_secs(400));
    let ecs = sim.world().ecs.as_ref().expect("ecs");
    assert_eq!(ecs.tasks.len(), 1);
    let t = &ecs.tasks[0];
    assert_eq!(
        t.health_status,
        orca_sim::ecs::HealthStatus::Unhealthy,
        "its check failed"
    );
    assert_eq!(t.last_status, TaskStatus::Running, "and nothing stopped it");
    assert_eq!(t.desired_status, DesiredStatus::Running);
}

#[test]
fn a_session_with_run_task_saves_as_a_scenario_that_replays_the_same_log() {
    let s = common::built_in_named(NAME);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(20));
    act(
        &mut p,
        "aws ecs run-task --cluster demo --task-definition migrate --count 2 --group batch --started-by me",
    );
    p.seek(SimTime::from_secs(200));
    act(
        &mut p,
        "aws ecs run-task --cluster demo --task-definition report:1",
    );
    act(
        &mut p,
        r#"aws ecs run-task --cluster demo --task-definition report:1 --overrides '{"containerOverrides": [{"name": "report", "memory": 1024, "environment": [{"name": "MONTH", "value": "11"}]}]}'"#,
    );
    let saved = orca_sim::scenario::to_ron(p.scenario()).expect("serializes");
    assert!(saved.contains("RunTask("), "{saved}");
    assert!(saved.contains("overrides:"), "{saved}");
    let again = orca_sim::scenario::parse("saved.ron", &saved).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&again, p.scenario().as_ref());
    let mut sim = Simulation::new(std::sync::Arc::new(again));
    sim.advance_to(sim.end());
    assert_eq!(sim.log(), p.full_log().as_slice());
}

/// The tasks `run-task` started after the task list had `before` tasks: (last status, capacity
/// provider, container instance name or "").
fn standalone_since(p: &Playback, before: usize) -> Vec<(TaskStatus, String, String)> {
    let ecs = p.world().ecs.as_ref().expect("ecs");
    ecs.tasks
        .iter()
        .skip(before)
        .filter(|t| t.service.is_none())
        .map(|t| {
            let on = match t.host {
                orca_sim::ecs::Host::Instance(i) => ecs.instance(i).name.clone(),
                _ => String::new(),
            };
            (
                t.last_status,
                t.capacity_provider.clone().unwrap_or_default(),
                on,
            )
        })
        .collect()
}

#[test]
fn run_task_with_a_capacity_provider_strategy_waits_in_provisioning_for_managed_scaling() {
    // Both m5.large of asg-api are full (two api tasks each). With a strategy of its capacity
    // provider, the three tasks are created and wait; without one they would fail.
    let s = common::built_in_named("ecs-cluster-auto-scaling");
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(30));
    let before = p.world().ecs.as_ref().expect("ecs").tasks.len();
    let out = act(
        &mut p,
        "aws ecs run-task --cluster shop --task-definition api:1 --count 3 --capacity-provider-strategy capacityProvider=cp-api,weight=1 --query \"[tasks[].[lastStatus,capacityProviderName,group], failures]\" --output json",
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(v[0].as_array().map(Vec::len), Some(3), "{out}");
    for t in v[0].as_array().into_iter().flatten() {
        assert_eq!(
            t,
            &serde_json::json!(["PROVISIONING", "cp-api", "family:api"])
        );
    }
    assert_eq!(v[1], serde_json::json!([]), "waiting is not failing: {out}");
    // Managed scaling counts them: at the next minute the group grows for them (2 busy
    // instances + 2 more for three 1-vCPU tasks on 2-vCPU instances: 200 %, 2 → 4).
    p.seek(SimTime::from_secs(61));
    let scaled = p
        .log()
        .iter()
        .map(|e| e.message().into_owned())
        .find(|m| m.starts_with("Launching a new EC2 instance"))
        .expect("the group scales out for the standalone tasks");
    assert!(
        scaled.contains("changing the desired capacity from 2 to 4"),
        "{scaled}"
    );
    // The new instances take them as they register; no service pass is involved.
    p.seek(SimTime::from_secs(180));
    let tasks = standalone_since(&p, before);
    assert_eq!(tasks.len(), 3);
    for (status, provider, on) in &tasks {
        assert_eq!(*status, TaskStatus::Running, "{tasks:?}");
        assert_eq!(provider, "cp-api");
        assert!(
            on == "asg-api-3" || on == "asg-api-4",
            "on a new instance: {tasks:?}"
        );
    }
}

#[test]
fn a_strategy_splits_the_call_by_base_then_weight() {
    // worker:1 is awsvpc; FARGATE takes the base, then the weights share the rest.
    let s = common::built_in_named("ecs-fargate-spot");
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(20));
    let before = p.world().ecs.as_ref().expect("ecs").tasks.len();
    act(
        &mut p,
        "aws ecs run-task --cluster batch --task-definition worker:1 --count 4 --network-configuration awsvpcConfiguration={subnets=[subnet-1]} --capacity-provider-strategy capacityProvider=FARGATE,base=1,weight=1 capacityProvider=FARGATE_SPOT,weight=1",
    );
    let providers: Vec<String> = standalone_since(&p, before)
        .into_iter()
        .map(|(_, provider, _)| provider)
        .collect();
    // One for the base, then the three others in turn by the share of weight beyond the base
    // (tasks beyond base ÷ weight; equal shares go to the first item): FARGATE, FARGATE_SPOT,
    // FARGATE. Three tasks split 1:1 as two and one.
    assert_eq!(
        providers,
        ["FARGATE", "FARGATE", "FARGATE_SPOT", "FARGATE"],
        "base 1 on FARGATE, the other three split 1:1"
    );
    let ecs = p.world().ecs.as_ref().expect("ecs");
    assert!(
        ecs.tasks
            .iter()
            .skip(before)
            .all(|t| t.host == orca_sim::ecs::Host::Fargate),
        "a strategy of Fargate providers runs on Fargate"
    );
}

#[test]
fn run_task_refuses_what_the_api_refuses_in_a_capacity_provider_strategy() {
    let s = common::built_in_named("ecs-cluster-auto-scaling");
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(30));
    let run = "aws ecs run-task --cluster shop --task-definition api:1";
    for (args, expected) in [
        (
            "--launch-type EC2 --capacity-provider-strategy capacityProvider=cp-api,weight=1",
            "(InvalidParameterException) when calling the RunTask operation: Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.",
        ),
        (
            "--capacity-provider-strategy capacityProvider=cp-other,weight=1",
            "(InvalidParameterException) when calling the RunTask operation: The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster.",
        ),
        (
            "--capacity-provider-strategy capacityProvider=cp-api,weight=0 capacityProvider=FARGATE,weight=0",
            "At least one capacity provider in the strategy must have a weight greater than 0.",
        ),
        (
            "--capacity-provider-strategy capacityProvider=cp-api,weight=1 capacityProvider=FARGATE,weight=1",
            "cannot mix Fargate capacity providers and Auto Scaling group capacity providers",
        ),
        (
            "--capacity-provider-strategy capacityProvider=cp-api,weight=1,base=1 capacityProvider=cp-api,weight=1,base=2",
            "Only one capacity provider in a capacity provider strategy can have a base defined.",
        ),
        (
            "--capacity-provider-strategy capacityProvider=cp-api,weight=x",
            "Invalid type for parameter capacityProviderStrategy[0].weight, value: x, valid types: <class 'int'>",
        ),
        (
            "--capacity-provider-strategy weight=1",
            "Missing required parameter in capacityProviderStrategy[0]: \"capacityProvider\"",
        ),
        (
            "--capacity-provider-strategy capacityProvider=FARGATE,weight=1",
            "does not support launch type FARGATE: Fargate requires the awsvpc network mode.",
        ),
    ] {
        let line = format!("{run} {args}");
        let out = failed(&p, &line);
        assert!(out.contains(expected), "{line}\n{out}");
    }
    // The JSON form of the same strategy works as the shorthand does.
    let out = act(
        &mut p,
        &format!(
            "{run} --capacity-provider-strategy '[{{\"capacityProvider\":\"cp-api\",\"weight\":1}}]' --query \"tasks[0].capacityProviderName\""
        ),
    );
    assert_eq!(out.trim(), "\"cp-api\"");
}

#[test]
fn a_container_memory_override_lets_the_report_fit_where_its_definition_does_not() {
    let s = common::built_in_named(NAME);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(10));
    // report:1 reserves 4 GiB, more than a t3.medium has; with 1 GiB it fits.
    let out = act(
        &mut p,
        r#"aws ecs run-task --cluster demo --task-definition report:1 --overrides '{"containerOverrides": [{"name": "report", "memory": 1024, "command": ["report", "--month", "11"]}]}'"#,
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["failures"].as_array().map(Vec::len), Some(0), "{out}");
    let task = &v["tasks"][0];
    assert_eq!(task["memory"], "1024", "{out}");
    assert_eq!(task["containers"][0]["memory"], "1024");
    assert_eq!(
        task["overrides"],
        serde_json::json!({
            "containerOverrides": [{"name": "report", "command": ["report", "--month", "11"], "memory": 1024}],
            "inferenceAcceleratorOverrides": []
        })
    );
    let ecs = p.world().ecs.as_ref().expect("ecs");
    let t = ecs.tasks.last().expect("the report task");
    let why = &t.why[0].text;
    assert!(
        why.contains("it reserves 512 CPU units and 1024 MiB"),
        "{why}"
    );
    assert!(
        why.contains("container report runs \"report --month 11\""),
        "{why}"
    );
    // The instance reserves the overridden 1 GiB, and gets it back when the task stops.
    let orca_sim::ecs::Host::Instance(i) = t.host else {
        panic!("on an instance: {:?}", t.host)
    };
    let used = |p: &Playback| p.world().ecs.as_ref().expect("ecs").instance(i).used_memory;
    let with_report = used(&p);
    let id = t.id.to_string();
    act(
        &mut p,
        &format!("aws ecs stop-task --cluster demo --task {id}"),
    );
    p.seek(SimTime::from_secs(120));
    let ecs = p.world().ecs.as_ref().expect("ecs");
    let t = ecs
        .tasks
        .iter()
        .find(|t| *t.id == *id)
        .expect("still listed");
    assert_eq!(t.last_status, TaskStatus::Stopped);
    assert_eq!(used(&p), with_report - 1024);
}

#[test]
fn a_task_role_override_gives_the_one_off_task_its_own_credentials() {
    // ecs-task-role: at 1:30 the hop limit cuts orders:1 (no task role) off the instance role.
    let s = common::built_in_named("ecs-task-role");
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(100));
    let before = p.world().ecs.as_ref().expect("ecs").tasks.len();
    act(
        &mut p,
        r#"aws ecs run-task --cluster shop --task-definition orders:1 --overrides '{"taskRoleArn": "arn:aws:iam::123456789012:role/orders-task-role"}'"#,
    );
    let id = p.world().ecs.as_ref().expect("ecs").tasks[before]
        .id
        .to_string();
    let described = printed(
        &p,
        &format!("aws ecs describe-tasks --cluster shop --tasks {id}"),
    );
    let v: serde_json::Value = serde_json::from_str(&described).expect("JSON");
    assert_eq!(
        v["tasks"][0]["overrides"]["taskRoleArn"],
        "arn:aws:iam::123456789012:role/orders-task-role",
        "{described}"
    );
    p.seek(SimTime::from_secs(140));
    let calls: Vec<(String, Option<String>, bool)> = p
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::AwsCall {
                workload,
                action,
                role,
                allowed,
                ..
            } if **workload == *id => Some((
                action.to_string(),
                role.as_deref().map(str::to_string),
                *allowed,
            )),
            _ => None,
        })
        .collect();
    let role = Some("arn:aws:iam::123456789012:role/orders-task-role".to_string());
    assert!(
        calls.contains(&("s3:GetObject".into(), role.clone(), true)),
        "reads are allowed by orders-task-role: {calls:?}"
    );
    assert!(
        calls.contains(&("s3:PutObject".into(), role, false)),
        "writes are not: {calls:?}"
    );
    // The service's own orders:1 tasks, still without a task role, have no credentials.
    let service_task_calls = p.log().iter().any(|e| {
        matches!(&e.kind, EventKind::AwsCall { workload, role: Some(_), .. }
            if **workload != *id && e.at > SimTime::from_secs(100) && e.at <= SimTime::from_secs(140))
    });
    assert!(!service_task_calls, "the service's tasks found no role");
    let refused = failed(
        &p,
        r#"aws ecs run-task --cluster shop --task-definition orders:1 --overrides '{"taskRoleArn": "arn:aws:iam::123456789012:role/nope"}'"#,
    );
    assert!(
        refused.contains("overrides.taskRoleArn arn:aws:iam::123456789012:role/nope is not a role of this scenario"),
        "{refused}"
    );
}

#[test]
fn start_task_puts_one_task_on_each_instance_named_and_answers_for_the_others() {
    let s = common::built_in_named(NAME);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(10));
    let ecs = p.world().ecs.as_ref().expect("ecs");
    let (node1, node2) = (ecs.instances[0].clone(), ecs.instances[1].clone());
    // By container instance id and by ARN, as list-container-instances gives them.
    let out = act(
        &mut p,
        &format!(
            "aws ecs start-task --cluster demo --task-definition migrate --container-instances {} {} --started-by me",
            node2.id, node1.arn
        ),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let on: Vec<&str> = v["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| t["containerInstanceArn"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(on, [node2.arn.as_str(), node1.arn.as_str()], "{out}");
    // The card and the inspector say which call started it.
    let started_with = p
        .world()
        .ecs
        .as_ref()
        .and_then(|e| e.tasks.last())
        .and_then(|t| t.standalone.as_ref())
        .map(|s| s.started_with.command());
    assert_eq!(started_with, Some("start-task"));
    assert_eq!(v["failures"].as_array().map(Vec::len), Some(0));
    assert!(p.log().iter().any(|e| matches!(&e.kind, EventKind::ActionApplied { description }
        if *description == format!("aws ecs start-task --cluster demo --task-definition migrate:1 --container-instances {} {} --started-by me", node2.id, node1.id))));
    // report:1 does not fit on a t3.medium; an instance the cluster does not have is MISSING.
    let out = act(
        &mut p,
        &format!(
            "aws ecs start-task --cluster demo --task-definition report:1 --container-instances {} 0123456789abcdef",
            node1.id
        ),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["tasks"].as_array().map(Vec::len), Some(0), "{out}");
    assert_eq!(
        v["failures"],
        serde_json::json!([
            {"arn": node1.arn, "reason": "RESOURCE:MEMORY"},
            {"arn": "arn:aws:ecs:us-east-1:123456789012:container-instance/demo/0123456789abcdef", "reason": "MISSING"}
        ])
    );
    // A DRAINING instance takes no new task.
    act(
        &mut p,
        &format!(
            "aws ecs update-container-instances-state --cluster demo --container-instances {} --status DRAINING",
            node2.id
        ),
    );
    let out = act(
        &mut p,
        &format!(
            "aws ecs start-task --cluster demo --task-definition migrate --container-instances {}",
            node2.id
        ),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        v["failures"],
        serde_json::json!([{"arn": node2.arn, "reason": "DRAINING"}]),
        "{out}"
    );
    let eleven = [node1.id.as_str(); 11].join(" ");
    let refused = failed(
        &p,
        &format!(
            "aws ecs start-task --cluster demo --task-definition migrate --container-instances {eleven}"
        ),
    );
    assert!(
        refused.contains("(InvalidParameterException) when calling the StartTask operation: containerInstances must name 1 to 10"),
        "{refused}"
    );
    let saved = orca_sim::scenario::to_ron(p.scenario()).expect("serializes");
    assert!(saved.contains("StartTask("), "{saved}");
    let again = orca_sim::scenario::parse("saved.ron", &saved).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = Simulation::new(std::sync::Arc::new(again));
    sim.advance_to(sim.end());
    assert_eq!(sim.log(), p.full_log().as_slice());
}
