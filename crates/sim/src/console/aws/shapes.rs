//! The JSON the ECS API returns, in its field names and order (ECS API Reference: Service,
//! Deployment, Task, Container, ContainerInstance, TaskDefinition), built from the simulated
//! world. Timestamps are ISO 8601 as AWS CLI v2 prints them.

use serde_json::{Value, json};

use super::EcsContext;
use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::TaskIdx;
use crate::ecs::{Host, InstanceStatus, Service, Task};
use crate::event::{Event, Source};
use crate::scenario::spec::{
    BinpackField, LaunchType, NetworkMode, PlacementConstraint, PlacementStrategy, SpreadField,
};
use crate::time::SimTime;
use crate::world::World;

/// JSON indented by four spaces, as the CLI prints it.
pub use crate::console::json::pretty;

pub fn failure(arn: &str, reason: &str) -> Value {
    json!({ "arn": arn, "reason": reason })
}

/// The ARN a service name would have in this cluster (for a `MISSING` failure).
pub fn service_arn(world: &World, ecs: &EcsCluster, given: &str) -> String {
    if given.starts_with("arn:") {
        return given.to_string();
    }
    format!(
        "arn:aws:ecs:{}:{}:service/{}/{given}",
        world.net.region, world.net.account_id, ecs.name
    )
}

fn launch_type(l: LaunchType) -> &'static str {
    match l {
        LaunchType::Fargate => "FARGATE",
        LaunchType::Ec2 => "EC2",
    }
}

fn at(t: SimTime) -> Value {
    Value::String(t.aws_cli())
}

/// A deterministic id for the i-th event of a run, in UUID form (the API gives each service
/// event one; reading must not draw from the run's random streams).
fn event_id(i: usize, e: &Event) -> String {
    let h = crate::hash::fnv1a(e.message().bytes().chain(i.to_le_bytes()));
    let g = h.rotate_left(29) ^ 0x9e37_79b9_7f4a_7c15;
    let hex = format!("{h:016x}{g:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn placement_strategy(s: &PlacementStrategy) -> Value {
    match s {
        PlacementStrategy::Spread(SpreadField::AvailabilityZone) => {
            json!({"type": "spread", "field": "attribute:ecs.availability-zone"})
        }
        PlacementStrategy::Spread(SpreadField::InstanceId) => {
            json!({"type": "spread", "field": "instanceId"})
        }
        PlacementStrategy::Binpack(BinpackField::Cpu) => json!({"type": "binpack", "field": "cpu"}),
        PlacementStrategy::Binpack(BinpackField::Memory) => {
            json!({"type": "binpack", "field": "memory"})
        }
        PlacementStrategy::Random => json!({"type": "random"}),
    }
}

fn placement_constraint(c: &PlacementConstraint) -> Value {
    match c {
        PlacementConstraint::DistinctInstance => json!({"type": "distinctInstance"}),
        PlacementConstraint::MemberOf(e) => json!({"type": "memberOf", "expression": e}),
    }
}

/// A service as `describe-services` shows it, with its 100 newest events (newest first).
fn service(world: &World, ecs: &EcsCluster, log: &[Event], svc: &Service) -> Value {
    let td = |i| ecs.task_definition(i).arn.clone();
    let dc = &svc.deployment_configuration;
    let events: Vec<Value> = log
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, e)| matches!(&e.source, Source::Service(n) if *n == svc.name))
        .take(100)
        .map(|(i, e)| json!({"id": event_id(i, e), "createdAt": at(e.at), "message": e.message()}))
        .collect();
    let fargate = svc.launch_type == LaunchType::Fargate;
    let deployments: Vec<Value> = svc
        .deployments
        .iter()
        .rev()
        .map(|d| {
            let mut v = json!({
                "id": d.id,
                "status": d.status.as_str(),
                "taskDefinition": td(d.task_definition),
                "desiredCount": d.desired_count,
                "pendingCount": d.pending_count,
                "runningCount": d.running_count,
                "failedTasks": d.failed_tasks,
                "createdAt": at(d.created_at),
                "updatedAt": at(d.updated_at),
                "launchType": launch_type(svc.launch_type),
            });
            if fargate {
                v["platformVersion"] = json!("1.4.0");
                v["platformFamily"] = json!("Linux");
            }
            v["rolloutState"] = json!(d.rollout_state.as_str());
            v["rolloutStateReason"] = json!(d.rollout_state_reason);
            if !d.volume_configurations.is_empty() {
                v["volumeConfigurations"] =
                    super::ebs::volume_configurations(&d.volume_configurations);
            }
            v
        })
        .collect();
    // Services exist from the scenario's start.
    let created = SimTime::ZERO;
    let mut v = json!({
        "serviceArn": svc.arn,
        "serviceName": svc.name,
        "clusterArn": ecs.arn,
        "loadBalancers": svc.load_balancers.iter().map(|lb| json!({
            "targetGroupArn": ecs.target_group(lb.target_group).arn,
            "containerName": lb.container_name,
            "containerPort": lb.container_port,
        })).collect::<Vec<_>>(),
        "serviceRegistries": svc.service_registries.iter().map(|r| {
            let mut v = json!({"registryArn": ecs.cloud_map.services[r.service].arn});
            if let Some(p) = r.port {
                v["port"] = json!(p);
            }
            if let (Some(name), Some(port)) = (&r.container_name, r.container_port) {
                v["containerName"] = json!(name.as_str());
                v["containerPort"] = json!(port);
            }
            v
        }).collect::<Vec<_>>(),
        "status": svc.status,
        "desiredCount": svc.desired_count,
        "runningCount": svc.running_count,
        "pendingCount": svc.pending_count,
    });
    if svc.capacity_providers.is_empty() {
        v["launchType"] = json!(launch_type(svc.launch_type));
    } else {
        v["capacityProviderStrategy"] = json!(
            svc.capacity_providers
                .iter()
                .map(|(p, base, weight)| json!({"capacityProvider": p, "weight": weight, "base": base}))
                .collect::<Vec<_>>()
        );
    }
    if fargate {
        v["platformVersion"] = json!("LATEST");
        v["platformFamily"] = json!("Linux");
    }
    v["taskDefinition"] = json!(td(svc.task_definition));
    v["deploymentConfiguration"] = json!({
        "deploymentCircuitBreaker": {"enable": dc.circuit_breaker_enable, "rollback": dc.circuit_breaker_rollback},
        "maximumPercent": dc.maximum_percent,
        "minimumHealthyPercent": dc.minimum_healthy_percent,
    });
    v["deployments"] = json!(deployments);
    v["events"] = json!(events);
    v["createdAt"] = at(created);
    v["placementConstraints"] = json!(
        svc.placement_constraints
            .iter()
            .map(placement_constraint)
            .collect::<Vec<_>>()
    );
    v["placementStrategy"] = json!(
        svc.placement_strategy
            .iter()
            .map(placement_strategy)
            .collect::<Vec<_>>()
    );
    v["healthCheckGracePeriodSeconds"] = json!(svc.health_check_grace_period.0 / 1000);
    v["schedulingStrategy"] = json!(svc.scheduling_strategy.as_str());
    v["deploymentController"] = json!({"type": "ECS"});
    v["createdBy"] = json!(format!(
        "arn:aws:iam::{}:role/orca-teacher",
        world.net.account_id
    ));
    v["enableECSManagedTags"] = json!(false);
    v["propagateTags"] = json!("NONE");
    v["enableExecuteCommand"] = json!(false);
    super::blue_green_shape::service_fields(&mut v, ecs, svc);
    v
}

pub fn describe_services(cx: &EcsContext, found: &[usize], failures: Vec<Value>) -> String {
    let services: Vec<Value> = found
        .iter()
        .map(|&s| service(cx.world, cx.ecs, cx.log, &cx.ecs.services[s]))
        .collect();
    pretty(&json!({ "services": services, "failures": failures }))
}

/// `update-service`'s answer: the service as the update left it.
pub fn reply_service(world: &World, log: &[Event], name: &str) -> String {
    let Some(ecs) = world.ecs.as_ref() else {
        return String::new();
    };
    match ecs.services.iter().find(|s| s.name == name) {
        Some(svc) => pretty(&json!({ "service": service(world, ecs, log, svc) })),
        None => String::new(),
    }
}

/// A task as `describe-tasks` shows it (the API lists a task's fields alphabetically).
/// A task's `overrides` as `describe-tasks` shows them: one container override per container
/// (its name alone when `RunTask` changed nothing of it), then what the call overrode for the
/// whole task, in the service model's order.
fn task_overrides(
    td: &crate::ecs::TaskDefinition,
    o: Option<&crate::scenario::spec::TaskOverrideSpec>,
) -> Value {
    let given = o.map_or(Value::Null, crate::ecs::standalone::overrides_json);
    let per_container: Vec<Value> = td
        .containers
        .iter()
        .map(|c| {
            given["containerOverrides"]
                .as_array()
                .and_then(|l| l.iter().find(|x| x["name"] == c.name.as_str()))
                .cloned()
                .unwrap_or_else(|| json!({ "name": c.name }))
        })
        .collect();
    let mut v = json!({ "containerOverrides": per_container });
    for key in [
        "cpu",
        "inferenceAcceleratorOverrides",
        "executionRoleArn",
        "memory",
        "taskRoleArn",
    ] {
        if key == "inferenceAcceleratorOverrides" {
            v[key] = json!([]);
        } else if !given[key].is_null() {
            v[key] = given[key].clone();
        }
    }
    v
}

pub(super) fn task(world: &World, ecs: &EcsCluster, now: SimTime, t: &Task) -> Value {
    let td = ecs.task_definition(t.task_definition);
    let containers: Vec<Value> = t
        .containers
        .iter()
        .map(|c| {
            let def = td.containers.iter().find(|d| d.name == c.name);
            let mut v = json!({
                "containerArn": format!(
                    "arn:aws:ecs:{}:{}:container/{}/{}/{}",
                    world.net.region, world.net.account_id, ecs.name, t.id, c.name
                ),
                "taskArn": t.arn,
                "name": c.name,
                "image": c.image,
                "lastStatus": c.last_status.as_str(),
            });
            if let Some(code) = c.exit_code {
                v["exitCode"] = json!(code);
            }
            if let Some(r) = &c.reason {
                v["reason"] = json!(r);
            }
            if let Some(d) = &c.image_digest {
                v["imageDigest"] = json!(d);
            }
            let binding = match (def.and_then(|d| d.port), t.host_port) {
                (Some(port), Some(host)) => {
                    vec![json!({"bindIP": "0.0.0.0", "containerPort": port, "hostPort": host, "protocol": "tcp"})]
                }
                _ => Vec::new(),
            };
            v["networkBindings"] = json!(binding);
            v["networkInterfaces"] = if td.network_mode == NetworkMode::Awsvpc && !t.private_ip.is_empty() {
                json!([{"attachmentId": format!("{}-eni", &t.id[..8.min(t.id.len())]), "privateIpv4Address": t.private_ip}])
            } else {
                json!([])
            };
            v["healthStatus"] = json!(c.health_status.as_str());
            // A `RunTask` override of the container's size shows in its place.
            let over = t.overrides().and_then(|o| o.container(&c.name));
            let cpu = over.and_then(|o| o.cpu).or(def.map(|d| d.cpu));
            v["cpu"] = json!(cpu.unwrap_or(0).to_string());
            if let Some(m) = over.and_then(|o| o.memory).or(def.and_then(|d| d.memory)) {
                v["memory"] = json!(m.to_string());
            }
            v
        })
        .collect();
    let mut containers = containers;
    // GuardDuty's security agent sidecar is a container of the task, not of its task
    // definition (ECS Developer Guide, "Troubleshooting Runtime Monitoring": DescribeTasks
    // lists it; it has no ECS Exec agent).
    if let Some(crate::ecs::guardduty::Agent::Added(name)) = t.guardduty_agent.as_deref() {
        containers.push(json!({
            "containerArn": format!(
                "arn:aws:ecs:{}:{}:container/{}/{}/{}",
                world.net.region, world.net.account_id, ecs.name, t.id, name
            ),
            "taskArn": t.arn,
            "name": name,
            "image": crate::ecs::guardduty::AGENT_IMAGE,
            "lastStatus": crate::ecs::guardduty::agent_status(t),
            "networkBindings": [],
            "networkInterfaces": [],
            "healthStatus": "UNKNOWN",
            "managedAgents": [],
        }));
    }
    let mut v = json!({
        "availabilityZone": t.availability_zone,
        "clusterArn": ecs.arn,
        "connectivity": if t.started_at.is_some() { "CONNECTED" } else { "DISCONNECTED" },
        "containers": containers,
        "cpu": t.reservation(td).0.to_string(),
        "createdAt": at(t.created_at),
        "desiredStatus": t.desired_status.as_str(),
        "enableExecuteCommand": false,
        "group": match (t.service, t.group()) {
            (Some(s), _) => format!("service:{}", ecs.service(s).name),
            (None, Some(g)) => g.to_string(),
            (None, None) => format!("family:{}", td.family),
        },
        "healthStatus": t.health_status.as_str(),
        "lastStatus": t.last_status.as_str(),
        "launchType": launch_type(t.launch_type),
        "memory": t.reservation(td).1.to_string(),
        "overrides": task_overrides(td, t.overrides()),
    });
    if let Some(e) = t.ebs.as_deref() {
        // `attachments` comes first, as the API lists a task's fields alphabetically.
        let rest = std::mem::take(&mut v);
        v = json!({ "attachments": [super::ebs::attachment(&t.id, e)] });
        if let (Some(o), Value::Object(r)) = (v.as_object_mut(), rest) {
            o.extend(r);
        }
    }
    if let Some(cp) = &t.capacity_provider {
        v["capacityProviderName"] = json!(cp);
    }
    if let Host::Instance(i) = t.host {
        v["containerInstanceArn"] = json!(ecs.instance(i).arn);
    }
    if t.launch_type == LaunchType::Fargate {
        v["platformVersion"] = json!("1.4.0");
        v["platformFamily"] = json!("Linux");
    }
    if let Some(p) = t.pull_started_at {
        v["pullStartedAt"] = at(p);
    }
    if let Some(s) = t.started_at {
        v["startedAt"] = at(s);
    }
    // RunTask without --started-by leaves it out.
    if !t.started_by.is_empty() {
        v["startedBy"] = json!(t.started_by);
    }
    if let Some(code) = t.stop_code {
        v["stopCode"] = json!(code.as_str());
    }
    if let Some(s) = t.stopped_at {
        v["stoppedAt"] = at(s);
    }
    if let Some(r) = &t.stopped_reason {
        v["stoppedReason"] = json!(r);
    }
    if let Some(s) = t.stopping_at {
        v["stoppingAt"] = at(s);
    }
    v["taskArn"] = json!(t.arn);
    v["taskDefinitionArn"] = json!(td.arn);
    v["version"] = json!(version_of(t, now));
    v
}

/// The task's `version`: ECS increments it on every state change; Orca counts the lifecycle
/// steps the task has been through (its explanations) as a stand-in [inferred].
fn version_of(t: &Task, _now: SimTime) -> usize {
    t.why.len().max(1)
}

pub fn describe_tasks(cx: &EcsContext, found: &[usize], failures: Vec<Value>) -> String {
    let tasks: Vec<Value> = found
        .iter()
        .map(|&t| task(cx.world, cx.ecs, cx.now, cx.ecs.task(TaskIdx(t as u32))))
        .collect();
    pretty(&json!({ "tasks": tasks, "failures": failures }))
}

/// `stop-task`'s answer: the task as the stop left it.
pub fn reply_task(world: &World, now: SimTime, id: &str) -> String {
    let Some(ecs) = world.ecs.as_ref() else {
        return String::new();
    };
    match ecs.tasks.iter().find(|t| t.id == id) {
        Some(t) => pretty(&json!({ "task": task(world, ecs, now, t) })),
        None => String::new(),
    }
}

fn resources(cpu: u32, memory: u32, ports: &[u16]) -> Value {
    let mut ports: Vec<String> = ports.iter().map(u16::to_string).collect();
    ports.sort();
    json!([
        {"name": "CPU", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": cpu},
        {"name": "MEMORY", "type": "INTEGER", "doubleValue": 0.0, "longValue": 0, "integerValue": memory},
        {"name": "PORTS", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0, "integerValue": 0, "stringSetValue": ports},
        {"name": "PORTS_UDP", "type": "STRINGSET", "doubleValue": 0.0, "longValue": 0, "integerValue": 0, "stringSetValue": []},
    ])
}

fn container_instance(ecs: &EcsCluster, i: usize) -> Value {
    let inst = &ecs.instances[i];
    let (running, pending) = inst.tasks.iter().fold((0, 0), |(r, p), &t| {
        let task = ecs.task(t);
        if task.last_status == crate::ecs::TaskStatus::Running {
            (r + 1, p)
        } else if task.last_status.is_starting() {
            (r, p + 1)
        } else {
            (r, p)
        }
    });
    let mut v = json!({
        "containerInstanceArn": inst.arn,
        "ec2InstanceId": inst.ec2_instance_id,
        "version": 1,
        "versionInfo": {"agentVersion": "1.89.1", "agentHash": "a8e1dd4b", "dockerVersion": "DockerVersion: 25.0.8"},
        "remainingResources": resources(inst.remaining_cpu(), inst.remaining_memory(), &inst.reserved_ports),
        "registeredResources": resources(inst.registered_cpu, inst.registered_memory, &[22, 2375, 2376, 51678, 51679]),
        "status": inst.status.as_str(),
        "agentConnected": inst.agent_connected,
        "runningTasksCount": running,
        "pendingTasksCount": pending,
        "attributes": inst
            .attributes()
            .iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect::<Vec<_>>(),
        "registeredAt": at(inst.launched_at),
        "attachments": [],
        "tags": [{"key": "Name", "value": inst.name}],
    });
    if inst.status == InstanceStatus::Draining {
        v["statusReason"] = json!("Instance is being drained");
    }
    if let Some(cp) = &inst.capacity_provider {
        v["capacityProviderName"] = json!(cp);
    }
    v
}

pub fn describe_container_instances(
    ecs: &EcsCluster,
    found: &[usize],
    failures: Vec<Value>,
) -> String {
    let list: Vec<Value> = found.iter().map(|&i| container_instance(ecs, i)).collect();
    pretty(&json!({ "containerInstances": list, "failures": failures }))
}

/// `update-container-instances-state`'s answer.
pub fn reply_container_instances(world: &World, names: &[String]) -> String {
    let Some(ecs) = world.ecs.as_ref() else {
        return String::new();
    };
    let found: Vec<usize> = names
        .iter()
        .filter_map(|n| ecs.instances.iter().position(|i| &i.name == n))
        .collect();
    describe_container_instances(ecs, &found, Vec::new())
}

/// A container's `logConfiguration` as ECS prints it: the driver and its options.
fn log_configuration(l: &crate::scenario::spec::LogConfigurationSpec, region: &str) -> Value {
    use crate::scenario::spec::LogDriver;
    let mut options = serde_json::Map::new();
    match l.log_driver {
        LogDriver::Awslogs => {
            options.insert("awslogs-group".into(), json!(l.group));
            options.insert("awslogs-region".into(), json!(region));
            if let Some(p) = &l.stream_prefix {
                options.insert("awslogs-stream-prefix".into(), json!(p));
            }
        }
        LogDriver::Awsfirelens => {
            options.insert("Name".into(), json!("cloudwatch_logs"));
            options.insert("region".into(), json!(region));
            options.insert("log_group_name".into(), json!(l.group));
            if let Some(p) = &l.stream_prefix {
                options.insert("log_stream_prefix".into(), json!(p));
            }
        }
    }
    json!({"logDriver": l.log_driver.as_str(), "options": options, "secretOptions": []})
}

pub fn describe_task_definition(world: &World, ecs: &EcsCluster, i: usize) -> String {
    let td = &ecs.task_definitions[i];
    let containers: Vec<Value> = td
        .containers
        .iter()
        .map(|c| {
            let mut v = json!({ "name": c.name, "image": c.image, "cpu": c.cpu });
            if let Some(m) = c.memory {
                v["memory"] = json!(m);
            }
            if let Some(m) = c.memory_reservation {
                v["memoryReservation"] = json!(m);
            }
            v["portMappings"] = match c.port {
                Some(p) => json!([{
                    "containerPort": p,
                    "hostPort": match td.network_mode {
                        NetworkMode::Awsvpc | NetworkMode::Host => p,
                        NetworkMode::Bridge => c.host_port.unwrap_or(0),
                    },
                    "protocol": "tcp"
                }]),
                None => json!([]),
            };
            v["essential"] = json!(c.essential);
            v["environment"] = json!([]);
            v["mountPoints"] = json!([]);
            v["volumesFrom"] = json!([]);
            if !c.secrets.is_empty() {
                // `secrets[].name` is the environment variable; Orca keeps only the ARN and
                // names the variable after the secret (Orca model).
                v["secrets"] = json!(c
                    .secrets
                    .iter()
                    .map(|s| json!({
                        "name": s.rsplit(':').next().unwrap_or(s).to_uppercase().replace('-', "_"),
                        "valueFrom": s,
                    }))
                    .collect::<Vec<_>>());
            }
            if let Some(h) = &c.health_check {
                v["healthCheck"] = json!({
                    "command": h.command,
                    "interval": h.interval.0 / 1000,
                    "timeout": h.timeout.0 / 1000,
                    "retries": h.retries,
                    "startPeriod": h.start_period.0 / 1000,
                });
            }
            if !c.depends_on.is_empty() {
                v["dependsOn"] = json!(
                    c.depends_on
                        .iter()
                        .map(|(n, cond)| json!({"containerName": n, "condition": cond.as_str()}))
                        .collect::<Vec<_>>()
                );
            }
            v["stopTimeout"] = json!(c.stop_timeout.0 / 1000);
            if let Some(u) = &c.user {
                v["user"] = json!(u);
            }
            if c.privileged {
                v["privileged"] = json!(true);
            }
            if c.readonly_root_filesystem {
                v["readonlyRootFilesystem"] = json!(true);
            }
            if let Some(l) = &c.log {
                v["logConfiguration"] = log_configuration(l, &world.net.region);
            }
            if let Some(f) = c.firelens {
                v["firelensConfiguration"] = json!({"type": f.as_str()});
            }
            v
        })
        .collect();
    let network_mode = td.network_mode.as_str();
    let mut v = json!({
        "taskDefinitionArn": td.arn,
        "containerDefinitions": containers,
        "family": td.family,
    });
    if let Some(r) = &td.task_role_arn {
        v["taskRoleArn"] = json!(r);
    }
    if let Some(r) = &td.execution_role_arn {
        v["executionRoleArn"] = json!(r);
    }
    v["networkMode"] = json!(network_mode);
    v["revision"] = json!(td.revision);
    v["volumes"] = json!([]);
    v["status"] = json!("ACTIVE");
    v["placementConstraints"] = json!([]);
    v["compatibilities"] = if td.network_mode == NetworkMode::Awsvpc {
        json!(["EC2", "FARGATE"])
    } else {
        json!(["EC2"])
    };
    if let Some(cpu) = td.cpu {
        v["cpu"] = json!(cpu.to_string());
    }
    if let Some(m) = td.memory {
        v["memory"] = json!(m.to_string());
    }
    v["registeredAt"] = at(SimTime::ZERO);
    v["registeredBy"] = json!(format!(
        "arn:aws:iam::{}:role/orca-teacher",
        world.net.account_id
    ));
    pretty(&json!({ "taskDefinition": v, "tags": [] }))
}
