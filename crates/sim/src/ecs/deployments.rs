//! Operations on a service's deployments that several controllers share: a new deployment
//! (an update, a rollback), `aws ecs update-service`, the service throttle's launch-failure
//! count and the running/pending counts. They change state and ask for a scheduler pass
//! ([`Ctx::request_pass`]); none runs a controller, so the task lifecycle, the circuit breaker
//! and Application Auto Scaling can use them without depending on the service scheduler.

use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TaskDefIdx, TaskIdx};
use crate::ecs::{Deployment, DeploymentStatus, RolloutState, Suppressed, TaskStatus, messages};
use crate::event::{EventKind, Source, Subject};
use crate::name::Name;
use crate::rng::digits;
use crate::time::Millis;

/// Consecutive launch failures before the service throttle delays new launches [model].
const THROTTLE_AFTER: u32 = 3;

/// Start a new PRIMARY deployment of `td`; the previous primary becomes ACTIVE and is scaled
/// down by the rollout. Returns the new deployment's id.
pub fn new_deployment(
    ctx: &mut Ctx,
    s: ServiceIdx,
    td: TaskDefIdx,
    reason: Option<String>,
) -> Name {
    let now = ctx.now;
    let id = Name::from(format!("ecs-svc/{}", digits(&mut ctx.rngs.ids, 19)));
    let live: Vec<(Name, u32)> = {
        let w = &*ctx.world;
        w.service(s)
            .deployments
            .iter()
            .map(|d| {
                let n = w
                    .service(s)
                    .tasks
                    .iter()
                    .filter(|&&t| {
                        let task = w.task(t);
                        task.is_live() && task.deployment_id.as_deref() == Some(&d.id)
                    })
                    .count() as u32;
                (d.id.clone(), n)
            })
            .collect()
    };
    let svc = ctx.world.service_mut(s);
    for d in &mut svc.deployments {
        if d.status == DeploymentStatus::Primary {
            d.status = DeploymentStatus::Active;
            d.updated_at = now;
        }
        // An old deployment keeps the tasks it has; the rollout scales it down from there.
        if let Some((_, n)) = live.iter().find(|(i, _)| *i == d.id) {
            d.desired_count = *n;
        }
    }
    let (key, key_exact) = crate::ecs::task_table::key_of(&id);
    svc.deployments.push(Deployment {
        id: id.clone(),
        key,
        key_exact,
        status: DeploymentStatus::Primary,
        task_definition: td,
        desired_count: svc.desired_count,
        pending_count: 0,
        running_count: 0,
        failed_tasks: 0,
        rollout_state: RolloutState::InProgress,
        rollout_state_reason: reason.unwrap_or_else(|| messages::rollout_in_progress(&id)),
        created_at: now,
        updated_at: now,
        unhealthy_to_replace: 0,
        volume_configurations: svc.volume_configurations.clone(),
    });
    svc.task_definition = td;
    svc.steady = false;
    // A new task definition clears the throttle and lets messages be reported afresh.
    svc.consecutive_launch_failures = 0;
    svc.throttled_until = None;
    svc.suppressed.clear();
    ctx.request_pass(s);
    id
}

/// `aws ecs update-service`.
pub fn update_service(
    ctx: &mut Ctx,
    s: ServiceIdx,
    task_definition: Option<TaskDefIdx>,
    desired_count: Option<u32>,
    force_new_deployment: bool,
    minimum_healthy_percent: Option<u32>,
    maximum_percent: Option<u32>,
) {
    let svc = ctx.world.service_mut(s);
    if let Some(m) = minimum_healthy_percent {
        svc.deployment_configuration.minimum_healthy_percent = m;
    }
    if let Some(m) = maximum_percent {
        svc.deployment_configuration.maximum_percent = m;
    }
    if let Some(n) = desired_count {
        svc.desired_count = n;
        if let Some(p) = svc
            .deployments
            .iter_mut()
            .find(|d| d.status == DeploymentStatus::Primary)
        {
            p.desired_count = n;
        }
        svc.steady = false;
        svc.suppressed.retain(|x| *x != Suppressed::DeploymentStuck);
    }
    let current = svc.task_definition;
    let td = task_definition.unwrap_or(current);
    if td != current || force_new_deployment {
        new_deployment(ctx, s, td, None);
    }
    ctx.request_pass(s);
}

/// A task of the service stopped before it reached RUNNING: the service throttle backs off.
pub fn record_launch_failure(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    let svc = ctx.world.service_mut(s);
    svc.consecutive_launch_failures += 1;
    let n = svc.consecutive_launch_failures;
    if n < THROTTLE_AFTER {
        return;
    }
    // Back off 30 s, doubling, up to the documented 15 minutes [model].
    let delay = Millis::from_secs((30u64 << (n - THROTTLE_AFTER).min(5)).min(15 * 60));
    svc.throttled_until = Some(now.plus(delay));
    if !svc.is_suppressed(Suppressed::Throttled) {
        svc.suppressed.push(Suppressed::Throttled);
        let name = svc.name.clone();
        ctx.emit_why(
            Source::Service(name.clone()),
            EventKind::Throttled { service: name.clone() },
            messages::throttled(&name),
            vec![Subject::Service(name)],
            Some(format!(
                "{n} tasks in a row stopped before reaching RUNNING; ECS waits {delay} before the next launch and backs off further (up to 15 minutes) while failures continue."
            )),
        );
    }
    ctx.request_pass_at(s, now.plus(delay));
}

/// A task of the service reached RUNNING: the throttle's count starts over and its message may
/// be reported again.
pub fn record_launch_success(ctx: &mut Ctx, s: ServiceIdx) {
    let svc = ctx.world.service_mut(s);
    svc.consecutive_launch_failures = 0;
    svc.throttled_until = None;
    svc.suppressed.retain(|x| *x != Suppressed::Throttled);
}

/// runningCount / pendingCount of the service and of each deployment.
pub fn refresh_counts(world: &mut EcsCluster, s: ServiceIdx) {
    let (running, pending, per_dep) = counts_of(world, s);
    let svc = world.service_mut(s);
    svc.running_count = running;
    svc.pending_count = pending;
    for (d, (r, p)) in svc.deployments.iter_mut().zip(per_dep) {
        d.running_count = r;
        d.pending_count = p;
    }
}

/// What [`refresh_counts`] sets: the service's runningCount and pendingCount, and each
/// deployment's (in the service's order), counted over every task of the service.
pub fn counts_of(world: &EcsCluster, s: ServiceIdx) -> (u32, u32, Vec<(u32, u32)>) {
    // (deployment index, running?, starting?) per live task; deployments are few, so a
    // position lookup is cheaper than cloning ids. Keys are compared first (numbers; equal
    // ids give equal keys) and the ids only where the keys match.
    let svc = world.service(s);
    debug_assert!(
        svc.deployments
            .iter()
            .all(|d| (d.key, d.key_exact) == crate::ecs::task_table::key_of(&d.id)),
        "a deployment's key is out of step with its id"
    );
    let keys: Vec<u64> = svc.deployments.iter().map(|d| d.key).collect();
    // Where both ids are `ecs-svc/<digits>` as Orca writes them, equal keys are equal ids
    // (`task_table::key_of`): the task's brief answers without reading the task.
    let exact: Vec<bool> = svc.deployments.iter().map(|d| d.key_exact).collect();
    let mut per_dep = vec![(0u32, 0u32); svc.deployments.len()];
    let (mut running, mut pending) = (0, 0);
    for &t in &svc.tasks {
        let brief = world.tasks.brief(t);
        if !brief.live {
            continue;
        }
        let run = brief.last_status == TaskStatus::Running;
        let start = brief.last_status.is_starting();
        running += u32::from(run);
        pending += u32::from(start);
        let found = match brief.deployment_key {
            Some(key) if brief.key_exact => (0..keys.len()).find(|&i| {
                keys[i] == key && (exact[i] || same_deployment(world, t, &svc.deployments[i].id))
            }),
            _ => (0..keys.len()).find(|&i| same_deployment(world, t, &svc.deployments[i].id)),
        };
        if let Some(i) = found {
            per_dep[i].0 += u32::from(run);
            per_dep[i].1 += u32::from(start);
        }
    }
    (running, pending, per_dep)
}

/// Task `t` was launched by deployment `id`.
fn same_deployment(world: &EcsCluster, t: TaskIdx, id: &str) -> bool {
    world.task(t).deployment_id.as_deref() == Some(id)
}
