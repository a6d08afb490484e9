//! The deployment circuit breaker.
//!
//! Each task of the in-progress deployment that fails to launch, or that ECS stops because it
//! failed its health checks, adds one to the deployment's `failedTasks`; a task that becomes
//! healthy resets it (failures are consecutive). At `clamp(ceil(0.5 × desired), 3, 200)` the
//! deployment is FAILED and stops launching tasks, and with `rollback` ECS starts a new
//! deployment of the last COMPLETED one.

use crate::ecs::cluster::Ctx;
use crate::ecs::ids::ServiceIdx;
use crate::ecs::{DeploymentStatus, RolloutState, deployments, messages};
use crate::event::{EventKind, Source, Subject};

/// The failure threshold: half the desired count, rounded up, at least 3 and at most 200
/// (the current documentation; the 2023 guide said at least 10).
pub fn threshold(desired_count: u32) -> u32 {
    desired_count.div_ceil(2).clamp(3, 200)
}

/// A task of `deployment` failed.
pub fn record_failure(ctx: &mut Ctx, service: ServiceIdx, deployment: &str) {
    let svc = ctx.world.service_mut(service);
    let enabled = svc.deployment_configuration.circuit_breaker_enable;
    let Some(d) = svc.deployment_mut(deployment) else {
        return;
    };
    if d.status != DeploymentStatus::Primary || d.rollout_state != RolloutState::InProgress {
        return;
    }
    d.failed_tasks += 1;
    let (failed, limit) = (d.failed_tasks, threshold(d.desired_count));
    if enabled && failed >= limit {
        trip(ctx, service, failed, limit);
    }
}

/// A task of `deployment` became healthy: the consecutive count starts over.
pub fn record_success(ctx: &mut Ctx, service: ServiceIdx, deployment: &str) {
    if let Some(d) = ctx.world.service_mut(service).deployment_mut(deployment)
        && d.status == DeploymentStatus::Primary
        && d.rollout_state == RolloutState::InProgress
    {
        d.failed_tasks = 0;
    }
}

fn trip(ctx: &mut Ctx, service: ServiceIdx, failed: u32, limit: u32) {
    let now = ctx.now;
    let svc = ctx.world.service_mut(service);
    let name = svc.name.clone();
    let rollback = svc.deployment_configuration.circuit_breaker_rollback;
    let last_completed = svc.last_completed.clone();
    let Some(d) = svc
        .deployments
        .iter_mut()
        .find(|d| d.status == DeploymentStatus::Primary)
    else {
        return;
    };
    d.rollout_state = RolloutState::Failed;
    d.rollout_state_reason = messages::ROLLOUT_BREAKER_FAILED.to_string();
    d.updated_at = now;
    let failed_id = d.id.clone();
    let (td, desired) = (d.task_definition, d.desired_count);
    let revision = ctx.world.task_definition(td).revision;
    ctx.emit_why(
        Source::Service(name.clone()),
        EventKind::DeploymentFailed {
            service: name.clone(),
            deployment: failed_id.clone(),
            revision,
        },
        messages::deployment_failed(&name, &failed_id),
        vec![Subject::Service(name.clone())],
        Some(format!(
            "{failed} consecutive failed tasks reached the circuit breaker threshold clamp(ceil(0.5 × {desired}), 3, 200) = {limit}."
        )),
    );
    if !rollback {
        ctx.request_pass(service);
        return;
    }
    let Some((to_id, td)) = last_completed else {
        ctx.request_pass(service);
        return;
    };
    let to_revision = ctx.world.task_definition(td).revision;
    deployments::new_deployment(
        ctx,
        service,
        td,
        Some(messages::rollout_rolling_back(&to_id)),
    );
    ctx.emit_why(
        Source::Service(name.clone()),
        EventKind::RollingBack {
            service: name.clone(),
            to_deployment: to_id.clone(),
            revision: to_revision,
        },
        messages::rolling_back(&name, &to_id),
        vec![Subject::Service(name)],
        Some(format!(
            "rollback is enabled: ECS starts a new deployment of the last COMPLETED deployment {to_id} (revision {to_revision})."
        )),
    );
}

#[cfg(test)]
mod tests {
    use super::threshold;

    #[test]
    fn desired_1_to_6_trips_after_3() {
        for d in 1..=6 {
            assert_eq!(threshold(d), 3, "desired {d}");
        }
    }

    #[test]
    fn desired_7_trips_after_4_and_10_after_5() {
        assert_eq!(threshold(7), 4);
        assert_eq!(threshold(10), 5);
    }

    #[test]
    fn desired_25_trips_after_13() {
        assert_eq!(threshold(25), 13);
    }

    #[test]
    fn desired_400_or_more_caps_at_200() {
        assert_eq!(threshold(400), 200);
        assert_eq!(threshold(800), 200);
    }
}
