//! Container health checks (the task definition's `healthCheck`), run by the agent in each
//! container, and the task `healthStatus` they add up to.
//!
//! Docker runs the first check one `interval` after the container starts; a check that gets
//! no answer fails after `timeout`; `retries` consecutive failures make the container
//! UNHEALTHY, one success makes it HEALTHY; failures during `startPeriod` do not count. The task
//! is UNHEALTHY if any essential container is, HEALTHY if all essential containers with a check
//! are, UNKNOWN otherwise.

use crate::control::EcsTimer;
use crate::ecs::cluster::Ctx;
use crate::ecs::ids::TaskIdx;
use crate::ecs::{FailMode, HealthCheck, HealthStatus, TaskStatus};
use crate::event::{EventKind, Source, Subject};
use crate::probe::{Prober, Thresholds, Verdict};
use crate::time::SimTime;

/// Begin checking a task's containers when it reaches RUNNING. A task that is already running
/// when the scenario starts begins HEALTHY.
pub fn start(ctx: &mut Ctx, idx: TaskIdx, already_healthy: bool) {
    let now = ctx.now;
    let world = &mut *ctx.world;
    let t = &mut world.tasks[idx.0 as usize];
    let td = &world.task_definitions[t.task_definition.0 as usize];
    for (c, def) in t.containers.iter_mut().zip(&td.containers) {
        let Some(hc) = &def.health_check else {
            continue;
        };
        // A container still waiting for its dependencies (`dependsOn`) is checked once it
        // starts (`start_one`).
        if c.last_status != crate::ecs::ContainerStatus::Running {
            continue;
        }
        let mut p = prober(hc, now);
        if already_healthy {
            p.verdict = Verdict::Healthy;
            c.health_status = HealthStatus::Healthy;
        }
        c.health_check = Some(p);
    }
    if already_healthy && t.containers.iter().any(|c| c.health_check.is_some()) {
        t.health_status = HealthStatus::Healthy;
    }
    reschedule(ctx, idx);
}

/// Begin checking one container that started after its task reached RUNNING (it waited for
/// its dependencies): as Docker does for any container, first check one interval from now.
pub fn start_one(ctx: &mut Ctx, idx: TaskIdx, container: usize) {
    let now = ctx.now;
    {
        let world = &mut *ctx.world;
        let t = &mut world.tasks[idx.0 as usize];
        let td = &world.task_definitions[t.task_definition.0 as usize];
        let (Some(c), Some(hc)) = (
            t.containers.get_mut(container),
            td.containers
                .get(container)
                .and_then(|d| d.health_check.as_ref()),
        ) else {
            return;
        };
        c.health_check = Some(prober(hc, now));
        c.health_status = HealthStatus::Unknown;
    }
    update(ctx, idx);
}

/// A container's health check as Docker starts it with the container: first check one
/// `interval` after `started`, failures counted once `startPeriod` has passed.
fn prober(hc: &HealthCheck, started: SimTime) -> Prober {
    let mut p = Prober::new(
        started.plus(hc.interval),
        hc.interval,
        hc.timeout,
        Thresholds {
            healthy_from_initial: 1,
            healthy_from_unhealthy: 1,
            unhealthy_after: hc.retries,
        },
    );
    p.count_failures_from = started.plus(hc.start_period);
    p
}

/// The `container`-th container of a task was restarted in place: its health check starts
/// over (status UNKNOWN, first check one interval from now, a new start period), as Docker's
/// does when a container starts.
pub fn restart_check(ctx: &mut Ctx, idx: TaskIdx, container: usize) {
    // Checks that fell before the restart are judged first.
    update(ctx, idx);
    let now = ctx.now;
    let world = &mut *ctx.world;
    let t = &mut world.tasks[idx.0 as usize];
    let td = &world.task_definitions[t.task_definition.0 as usize];
    let (Some(c), Some(hc)) = (
        t.containers.get_mut(container),
        td.containers
            .get(container)
            .and_then(|d| d.health_check.as_ref()),
    ) else {
        return;
    };
    c.health_check = Some(prober(hc, now));
    c.health_status = HealthStatus::Unknown;
    update(ctx, idx);
}

pub fn on_due(ctx: &mut Ctx, idx: TaskIdx) {
    if ctx.world.task(idx).health_next_at == Some(ctx.now) {
        update(ctx, idx);
    }
}

/// Evaluate every check due by now (also called when a fault changes what the app answers).
pub fn update(ctx: &mut Ctx, idx: TaskIdx) {
    let now = ctx.now;
    let mut explanations = Vec::new();
    {
        let t = ctx.world.task_mut(idx);
        if t.last_status >= TaskStatus::Stopping {
            return;
        }
        for c in &mut t.containers {
            let signal = c.app.signal();
            let Some(p) = c.health_check.as_mut() else {
                continue;
            };
            for tr in p.catch_up(now, &signal) {
                c.health_status = match tr.to {
                    Verdict::Healthy => HealthStatus::Healthy,
                    Verdict::Unhealthy => HealthStatus::Unhealthy,
                    Verdict::Initial => HealthStatus::Unknown,
                };
                let text = match (tr.to, tr.check.failure) {
                    (Verdict::Unhealthy, Some(mode)) => format!(
                        "Container {} is UNHEALTHY: {} consecutive health checks failed ({}; interval {}, retries {}).",
                        c.name,
                        p.thresholds.unhealthy_after,
                        describe_failure(mode, p.timeout),
                        p.interval,
                        p.thresholds.unhealthy_after
                    ),
                    _ => format!("Container {} is HEALTHY: its health check passed.", c.name),
                };
                explanations.push((tr.at, text));
            }
        }
    }
    for (at, text) in explanations {
        ctx.world.task_mut(idx).explain(at, text);
    }
    let t = ctx.world.task(idx);
    let health = task_health(t);
    if health != t.health_status {
        let td = ctx.world.task_definition(t.task_definition);
        let service = t.service;
        let kind = EventKind::TaskHealthChanged {
            task: t.id.clone(),
            service: service.map(|s| ctx.world.service(s).name.clone()),
            revision: td.revision,
            health,
        };
        let message = format!(
            "{} healthStatus {} → {}",
            td.family_revision(),
            t.health_status.as_str(),
            health.as_str()
        );
        let id = t.id.clone();
        ctx.world.task_mut(idx).health_status = health;
        ctx.emit(
            Source::Task(id.clone()),
            kind,
            message,
            vec![Subject::Task(id)],
        );
        super::service_discovery::task_health_changed(ctx, idx, health);
        if let Some(s) = service {
            ctx.request_pass(s);
        }
    }
    reschedule(ctx, idx);
}

/// Task health from its essential containers that define a check.
fn task_health(t: &crate::ecs::Task) -> HealthStatus {
    let mut checked = t
        .containers
        .iter()
        .filter(|c| c.essential && c.health_check.is_some())
        .peekable();
    if checked.peek().is_none() {
        return t.health_status;
    }
    let statuses: Vec<_> = checked.map(|c| c.health_status).collect();
    if statuses.contains(&HealthStatus::Unhealthy) {
        HealthStatus::Unhealthy
    } else if statuses.iter().all(|s| *s == HealthStatus::Healthy) {
        HealthStatus::Healthy
    } else {
        HealthStatus::Unknown
    }
}

fn reschedule(ctx: &mut Ctx, idx: TaskIdx) {
    let t = ctx.world.task(idx);
    let next = t
        .containers
        .iter()
        .filter_map(|c| c.health_check.as_ref()?.next_transition(&c.app.signal()))
        .min();
    ctx.world.task_mut(idx).health_next_at = next;
    if let Some(at) = next {
        ctx.schedule(at, EcsTimer::ContainerHealth(idx));
    }
}

pub fn describe_failure(mode: FailMode, timeout: crate::time::Millis) -> String {
    match mode {
        FailMode::Status(code) => format!("the application answered HTTP {code}"),
        FailMode::Timeout => format!("no answer within the {timeout} timeout"),
        FailMode::ConnectionRefused => {
            "connection refused: the application is not listening yet".into()
        }
    }
}
