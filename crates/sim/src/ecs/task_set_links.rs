//! Where a blue/green service's state meets the rest of ECS: which target group a task
//! registers in (its task set's), how a service event names a task set's service, the
//! lifecycle engine's timer and the traffic chart's samples (docs/rules/ecs-blue-green.md).
//! Kept apart from `task_set.rs` (plain data the service holds) so that file imports nothing
//! of the controllers.

use crate::ecs::ServiceLoadBalancer;
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TargetGroupIdx, TaskIdx};
use crate::ecs::task_set::TrafficSample;
use crate::name::Name;
use crate::time::SimTime;

/// Ask the lifecycle engine to look at the service's deployment at `at` (one timer at a time:
/// an earlier request replaces a later one, and the engine derives its next moment from the
/// deployment's state each time it runs).
pub fn request_step(ctx: &mut Ctx, s: ServiceIdx, at: SimTime) {
    let at = at.max(ctx.now);
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    if bg.step_at.is_some_and(|t| t <= at) {
        return;
    }
    bg.step_at = Some(at);
    ctx.schedule(at, crate::control::EcsTimer::BlueGreenStep(s));
}

/// Record the production weights now (a point of the traffic chart), once per change.
pub fn record_sample(world: &mut EcsCluster, s: ServiceIdx, now: SimTime) {
    let Some(bg) = world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    let weights = bg.production.weights;
    if bg.samples.last().is_some_and(|x| x.weights == weights) {
        return;
    }
    bg.samples.push(TrafficSample {
        at: now,
        weights,
        errors: None,
    });
}

/// The `i`-th load balancer a task registers with (`None` past the last): its task set's
/// target group when the service is blue/green, else the service's load balancers. Asked by
/// position, so registering a task allocates no list of them.
pub fn load_balancer_for(
    world: &EcsCluster,
    s: ServiceIdx,
    t: TaskIdx,
    i: usize,
) -> Option<ServiceLoadBalancer> {
    let svc = world.service(s);
    let set = svc.blue_green.as_deref().and_then(|bg| {
        let id = world.task(t).deployment_id.as_deref()?;
        bg.task_set(id).map(|set| (bg, set))
    });
    match set {
        Some((bg, set)) => (i == 0).then(|| ServiceLoadBalancer {
            target_group: set.target_group,
            container_name: bg.container_name.as_str().into(),
            container_port: bg.container_port,
        }),
        None => svc.load_balancers.get(i).cloned(),
    }
}

/// The target groups whose health decides a task's: its task set's when the service is
/// blue/green, else the service's (no allocation: the health gate asks for every task).
pub fn target_groups_of(
    world: &EcsCluster,
    s: ServiceIdx,
    t: TaskIdx,
) -> impl Iterator<Item = TargetGroupIdx> + '_ {
    let svc = world.service(s);
    let own = svc.blue_green.as_deref().and_then(|bg| {
        let id = world.task(t).deployment_id.as_deref()?;
        bg.task_set(id).map(|set| set.target_group)
    });
    let service = svc
        .load_balancers
        .iter()
        .map(|lb| lb.target_group)
        .filter(move |_| own.is_none());
    own.into_iter().chain(service)
}

/// How a service event names the service of a task: `web`, or `web, taskSet ecs-svc/…` for a
/// task of a CodeDeploy task set (as in `(service web, taskSet ecs-svc/…) registered …`).
pub fn service_label(world: &EcsCluster, s: ServiceIdx, t: TaskIdx) -> Name {
    let svc = world.service(s);
    match (
        svc.blue_green.as_deref(),
        world.task(t).deployment_id.as_deref(),
    ) {
        (Some(bg), Some(id)) if bg.controller.is_code_deploy() => {
            format!("{}, taskSet {id}", svc.name).into()
        }
        _ => svc.name.clone(),
    }
}
