//! ECS service discovery: ECS registers each task of a service that has `serviceRegistries` as
//! an instance of its Cloud Map service, reports the task's health to Cloud Map, and
//! deregisters it when the task stops (docs/rules/ecs-service-discovery.md).
//!
//! When (Amazon ECS Developer Guide, "Amazon ECS task lifecycle"): registration is among the
//! work of ACTIVATING, so Orca registers as the task leaves it for RUNNING (where its targets
//! register too); deregistration is among the work of DEACTIVATING, as the stop begins.
//!
//! Health, with `HealthCheckCustomConfig` (ECS "uses information from container and health
//! checks, as well as your task state, to update the health with AWS Cloud Map", ECS guide,
//! "Service discovery considerations"):
//! - A task without a container health check registers HEALTHY: Route 53 returns its record at
//!   once (observed: aws/amazon-ecs-agent#1421, records served "as soon as task starts").
//! - A task with one registers UNHEALTHY and is reported HEALTHY when its container health
//!   check passes [inferred: aws/containers-roadmap#830 and anomalyco/sst#5915 describe Cloud
//!   Map routing to a new task only once ECS reports it healthy].
//! - A task whose health turns UNHEALTHY is reported UNHEALTHY.
//! - Cloud Map applies a reported status about 30 seconds after the request, and a repeated
//!   request does not hasten it (AWS Cloud Map API Reference, HealthCheckCustomConfig: the
//!   deprecated `FailureThreshold` is always 1, "Cloud Map waits for approximately 30
//!   seconds").

use crate::control::EcsTimer;
use crate::ecs::Host;
use crate::ecs::cloud_map::{Instance, InstanceHealth};
use crate::ecs::cluster::Ctx;
use crate::ecs::ids::TaskIdx;
use crate::ecs::{HealthStatus, NetworkMode};
use crate::event::{EventKind, Source, Subject};
use crate::name::Name;
use crate::time::Millis;

/// How long Cloud Map takes to apply a custom health status ECS reports.
pub const APPLY_DELAY: Millis = Millis(30_000);

/// Register a task that is about to reach RUNNING in its service's Cloud Map service, if any.
/// A task already running when the scenario starts is healthy already. (Inlined to a test of
/// an empty list where the scenario has no Cloud Map, as in most: a large cluster's every task
/// passes here.)
#[inline]
pub fn register(ctx: &mut Ctx, idx: TaskIdx, already_healthy: bool) {
    if !ctx.world.cloud_map.services.is_empty() {
        register_task(ctx, idx, already_healthy);
    }
}

fn register_task(ctx: &mut Ctx, idx: TaskIdx, already_healthy: bool) {
    let t = ctx.world.task(idx);
    let Some(s) = t.service else {
        return;
    };
    let Some(reg) = ctx.world.service(s).service_registries.first().cloned() else {
        return;
    };
    let now = ctx.now;
    let td = ctx.world.task_definition(t.task_definition);
    let svc = ctx.world.service(s);
    // The SRV record's port: the host port ECS mapped for the container in bridge mode, the
    // container's own port otherwise, or the registry's `port`.
    let port = match (reg.container_port, td.network_mode) {
        (Some(cp), NetworkMode::Bridge) => Some(t.host_port.unwrap_or(cp)),
        (Some(cp), _) => Some(cp),
        (None, _) => reg.port,
    };
    let checked = td
        .containers
        .iter()
        .any(|c| c.essential && c.health_check.is_some());
    let cm = &ctx.world.cloud_map.services[reg.service];
    let health = if !cm.custom_health {
        InstanceHealth::Unknown
    } else if checked && !already_healthy {
        InstanceHealth::Unhealthy
    } else {
        InstanceHealth::Healthy
    };
    let mut attributes: Vec<(&'static str, Name)> = vec![
        ("AVAILABILITY_ZONE", t.availability_zone.clone()),
        ("REGION", ctx.net.region.as_str().into()),
        ("ECS_SERVICE_NAME", svc.name.clone()),
        ("ECS_CLUSTER_NAME", ctx.world.name.as_str().into()),
        ("ECS_TASK_DEFINITION_FAMILY", td.family.as_str().into()),
    ];
    if let Host::Instance(i) = t.host {
        attributes.push((
            "EC2_INSTANCE_ID",
            ctx.world.instance(i).ec2_instance_id.clone(),
        ));
    }
    let instance = Instance {
        id: t.id.clone(),
        task: idx,
        ipv4: t.private_ip.clone(),
        port,
        attributes,
        health,
        reported: None,
        registered_at: now,
    };
    let (task, service) = (t.id.clone(), svc.name.clone());
    let address = match port {
        Some(p) => format!("{}:{p}", instance.ipv4),
        None => instance.ipv4.to_string(),
    };
    let dns_name = cm.dns_name.clone();
    ctx.world.cloud_map.services[reg.service]
        .instances
        .push(instance);
    if already_healthy {
        // Registered before the scenario starts, as its targets are: nothing to report.
        return;
    }
    ctx.world.task_mut(idx).explain(
        now,
        format!(
            "ECS registered the task in Cloud Map service {dns_name} as {}: Route 53 answers for {dns_name} with the records of healthy instances.",
            health.as_str()
        ),
    );
    let why = match health {
        InstanceHealth::Unhealthy => Some(
            "The task has a container health check: ECS reports it HEALTHY to Cloud Map once that check passes, and Route 53 leaves its record out of answers until then (unless no record is healthy).",
        ),
        InstanceHealth::Healthy => Some(
            "The task has no container health check: ECS reports it HEALTHY from the start, so Route 53 answers with its record at once.",
        ),
        InstanceHealth::Unknown => Some(
            "The Cloud Map service has no health check (HealthCheckCustomConfig): every registered instance is answered, whatever its health.",
        ),
    };
    ctx.emit_why(
        Source::CloudMap(dns_name.clone()),
        EventKind::CloudMapRegistered {
            service,
            registry: dns_name.clone(),
            task: task.clone(),
            health,
        },
        format!(
            "ECS registered instance {task} ({address}) in {dns_name}; health {}",
            health.as_str()
        ),
        [Subject::Task(task)],
        why,
    );
}

/// The task's health status changed: ECS reports the new one to Cloud Map, which applies it
/// [`APPLY_DELAY`] later. ECS reports changes only [inferred]: a status someone else sent stays
/// until the task's health changes again.
pub fn task_health_changed(ctx: &mut Ctx, idx: TaskIdx, health: HealthStatus) {
    let wanted = match health {
        HealthStatus::Healthy => InstanceHealth::Healthy,
        HealthStatus::Unhealthy => InstanceHealth::Unhealthy,
        HealthStatus::Unknown => return,
    };
    let mut schedule = false;
    for svc in 0..ctx.world.cloud_map.services.len() {
        schedule |= report(ctx, svc, idx, wanted);
    }
    if schedule {
        ctx.schedule(ctx.now.plus(APPLY_DELAY), EcsTimer::CloudMapHealth(idx));
    }
}

/// An `UpdateInstanceCustomHealthStatus` request for task `idx`'s instance in Cloud Map
/// service `svc`: a status that matches the instance's cancels one not applied yet; another
/// waits [`APPLY_DELAY`], and repeating it does not hasten it. True when a status now waits.
fn report(ctx: &mut Ctx, svc: usize, idx: TaskIdx, wanted: InstanceHealth) -> bool {
    let due = ctx.now.plus(APPLY_DELAY);
    let svc = &mut ctx.world.cloud_map.services[svc];
    if !svc.custom_health {
        return false;
    }
    let mut waits = false;
    for inst in svc.instances.iter_mut().filter(|i| i.task == idx) {
        if inst.health == wanted {
            inst.reported = None;
        } else if inst.reported.map(|r| r.0) != Some(wanted) {
            inst.reported = Some((wanted, due));
            waits = true;
        }
    }
    waits
}

/// `aws servicediscovery update-instance-custom-health-status` (or the timeline's
/// `UpdateInstanceCustomHealthStatus`): someone other than ECS sends a status for a task's
/// instance. Nothing happens if the instance is not registered (the API's InstanceNotFound;
/// the console refuses it before).
pub fn custom_health_request(
    ctx: &mut Ctx,
    registry: &str,
    instance: &str,
    status: crate::scenario::spec::CustomHealthStatus,
) {
    let Some(svc) = ctx
        .world
        .cloud_map
        .services
        .iter()
        .position(|s| s.dns_name.as_str() == registry)
    else {
        return;
    };
    let Some(idx) = ctx.world.cloud_map.services[svc]
        .instances
        .iter()
        .find(|i| i.id.as_str() == instance)
        .map(|i| i.task)
    else {
        return;
    };
    let wanted = match status {
        crate::scenario::spec::CustomHealthStatus::Healthy => InstanceHealth::Healthy,
        crate::scenario::spec::CustomHealthStatus::Unhealthy => InstanceHealth::Unhealthy,
    };
    if report(ctx, svc, idx, wanted) {
        ctx.schedule(ctx.now.plus(APPLY_DELAY), EcsTimer::CloudMapHealth(idx));
    }
}

/// Cloud Map applies the statuses ECS reported for a task that are due now.
pub fn on_health_due(ctx: &mut Ctx, idx: TaskIdx) {
    let now = ctx.now;
    let mut changed = Vec::new();
    for svc in &mut ctx.world.cloud_map.services {
        for inst in svc.instances.iter_mut().filter(|i| i.task == idx) {
            if let Some((health, at)) = inst.reported
                && at <= now
            {
                inst.health = health;
                inst.reported = None;
                changed.push((svc.dns_name.clone(), inst.id.clone(), health));
            }
        }
    }
    let service = ctx
        .world
        .task(idx)
        .service
        .map(|s| ctx.world.service(s).name.clone());
    let Some(service) = service else {
        return;
    };
    for (dns_name, task, health) in changed {
        ctx.world.task_mut(idx).explain(
            now,
            format!(
                "Cloud Map now holds the task's instance in {dns_name} as {}, 30 seconds after that status was reported.",
                health.as_str()
            ),
        );
        let why = match health {
            InstanceHealth::Healthy => {
                "A HEALTHY status was reported for the task 30 seconds ago (by ECS when its container health check passed, or by an UpdateInstanceCustomHealthStatus request); Cloud Map applies a reported status about 30 seconds after the request. Route 53 now answers with its record."
            }
            _ => {
                "An UNHEALTHY status was reported for the task 30 seconds ago (by ECS when its container health check failed, or by an UpdateInstanceCustomHealthStatus request); Cloud Map applies a reported status about 30 seconds after the request. Route 53 now leaves its record out of answers, unless no record is healthy."
            }
        };
        ctx.emit_why(
            Source::CloudMap(dns_name.clone()),
            EventKind::CloudMapHealthChanged {
                service: service.clone(),
                registry: dns_name.clone(),
                task: task.clone(),
                health,
            },
            format!("Instance {task} in {dns_name} is now {}", health.as_str()),
            [Subject::Task(task)],
            Some(why),
        );
    }
}

/// Deregister a stopping task's instances (nothing if it has none).
#[inline]
pub fn deregister(ctx: &mut Ctx, idx: TaskIdx) {
    if !ctx.world.cloud_map.services.is_empty() {
        deregister_task(ctx, idx);
    }
}

fn deregister_task(ctx: &mut Ctx, idx: TaskIdx) {
    let mut gone = Vec::new();
    for svc in &mut ctx.world.cloud_map.services {
        if let Some(pos) = svc.instances.iter().position(|i| i.task == idx) {
            let inst = svc.instances.remove(pos);
            gone.push((svc.dns_name.clone(), inst.id, svc.ttl_any()));
        }
    }
    if gone.is_empty() {
        return;
    }
    let service = ctx
        .world
        .task(idx)
        .service
        .map(|s| ctx.world.service(s).name.clone())
        .unwrap_or_default();
    for (dns_name, task, ttl) in gone {
        let now = ctx.now;
        ctx.world.task_mut(idx).explain(
            now,
            format!("ECS deregistered the task from Cloud Map service {dns_name}: Route 53 no longer answers with its address, though clients may keep a cached answer for up to {ttl} s."),
        );
        ctx.emit_why(
            Source::CloudMap(dns_name.clone()),
            EventKind::CloudMapDeregistered {
                service: service.clone(),
                registry: dns_name.clone(),
                task: task.clone(),
            },
            format!("ECS deregistered instance {task} from {dns_name}"),
            [Subject::Task(task)],
            Some(format!(
                "The task is stopping: ECS deregisters it from Cloud Map as the stop begins (DEACTIVATING). Clients that resolved {dns_name} in the last {ttl} seconds (the record's TTL) may still send it requests until their cached answer expires."
            )),
        );
    }
}
