//! The DAEMON scheduling strategy's part of a pass: its desired count follows the instances
//! that can run it, and its task on a DRAINING instance stops only after the other tasks there
//! (docs/rules/ecs-daemon.md; source: Amazon ECS Developer Guide, "Amazon ECS services",
//! Daemon, <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html#service_scheduler_daemon>).
//!
//! Everything else — which instance a new task goes to (one without a task of the service,
//! `placement::constraint_problem`), the rolling update within `minimumHealthyPercent` 0 and
//! `maximumPercent` 100 — is the replica scheduler's own pass.

use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TaskIdx};
use crate::ecs::{Host, TaskStatus, placement};
use crate::scenario::spec::SchedulingStrategy;

pub(super) fn is_daemon(world: &EcsCluster, s: ServiceIdx) -> bool {
    world.service(s).scheduling_strategy == SchedulingStrategy::Daemon
}

/// A DAEMON service's desired count is the number of ACTIVE container instances that meet its
/// placement constraints ("exactly one task on each active container instance"); instances
/// that register raise it, DRAINING or terminated ones lower it. ECS sets it itself, so no
/// service event reports the change. The PRIMARY deployment wants as many.
pub(super) fn follow_instances(ctx: &mut Ctx, s: ServiceIdx) {
    if !is_daemon(ctx.world, s) {
        return;
    }
    let n = placement::daemon_instances(ctx.world, s);
    let svc = ctx.world.service_mut(s);
    svc.desired_count = n;
    let primary = svc.primary().map(|d| d.id.clone());
    if let Some(d) = primary.and_then(|id| svc.deployment_mut(&id)) {
        d.desired_count = n;
    }
}

/// A daemon task on a DRAINING instance waits while any other task there has not reached
/// STOPPED (one still draining from its load balancer included): "Amazon
/// ECS prioritizes the daemon task to be the first task to launch on the instances and the
/// last task to stop". Tasks of other daemon services do not hold it back.
pub(super) fn stops_last(world: &EcsCluster, t: TaskIdx) -> bool {
    let Host::Instance(i) = world.task(t).host else {
        return false;
    };
    let Some(s) = world.task(t).service else {
        return false;
    };
    if !is_daemon(world, s) {
        return false;
    }
    world.instance(i).tasks.iter().any(|&other| {
        let o = world.task(other);
        o.last_status != TaskStatus::Stopped && o.service.is_none_or(|os| !is_daemon(world, os))
    })
}
