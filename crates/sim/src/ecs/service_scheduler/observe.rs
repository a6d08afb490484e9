//! What one scheduler pass observes when it begins — the bounds, the PRIMARY deployment, the
//! live tasks with their deployments and health gates — and what it has done so far. The
//! steps of the pass (`starts`, `stops`, `status`) read and update this record.

use super::bounds::Bounds;
use super::health_gate::{self, Gate};
use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::{ServiceIdx, TaskIdx};
use crate::ecs::{Host, InstanceStatus};
use crate::name::Name;
use crate::time::SimTime;

/// One scheduler pass over one service.
pub(super) struct Pass {
    pub s: ServiceIdx,
    pub name: Name,
    /// The PRIMARY deployment when the pass began (a rollback during the pass adds a newer
    /// one; the pass still works for this one).
    pub primary: Name,
    /// The bounds; `running_or_pending` follows the pass's starts and stops, `healthy` is
    /// counted when the pass chooses its stops.
    pub bounds: Bounds,
    /// `bounds.rules()`, written once per pass for the explanations.
    pub rules: String,
    /// The service's live tasks when the pass began.
    pub live: Vec<TaskIdx>,
    pub deployments: LiveDeployments,
    /// The health gate of each live task, in `live` order.
    pub gates: Vec<(TaskIdx, Gate)>,
    /// Failing tasks to stop once their replacements have started (emptied when there is no
    /// room and one stops first instead).
    pub failing: Vec<TaskIdx>,
    /// Whether the pass started or stopped a task.
    pub progressed: bool,
    /// A task fitted nowhere (the pass retries later).
    pub placement_failed: bool,
    /// The service throttle delays launches until then.
    pub throttled: Option<SimTime>,
    /// Per deployment, failing tasks this pass stops after starting their replacements: their
    /// start already said "replaced due to an unhealthy status", so their stop must not count
    /// them again.
    pub credited: Vec<(Name, u32)>,
    /// Healthy tasks that may still stop (healthy − lower, less the stops chosen so far).
    pub budget: i64,
}

impl Pass {
    /// Observe service `s` at `now`; `None` if it has no PRIMARY deployment.
    pub fn observe(world: &EcsCluster, now: SimTime, s: ServiceIdx) -> Option<Pass> {
        let svc = world.service(s);
        let cfg = &svc.deployment_configuration;
        let bounds = Bounds::new(
            svc.desired_count,
            cfg.minimum_healthy_percent,
            cfg.maximum_percent,
        );
        let primary = svc.primary()?.id.clone();
        let live: Vec<TaskIdx> = svc
            .tasks
            .iter()
            .copied()
            .filter(|&t| world.task(t).is_live())
            .collect();
        let deployments = LiveDeployments::of(world, s, &live);
        let gates = health_gate::evaluate(world, now, &live);
        // [inferred] A DAEMON service's task on a DRAINING instance is not counted against the
        // upper bound: its instance no longer wants one, and the new instance that replaces
        // it gets its own task at once ("adds the daemon tasks to them", Amazon ECS Developer
        // Guide, "Amazon ECS services", Daemon), not after the drained task stops last.
        let counted = if super::daemon::is_daemon(world, s) {
            live.iter()
                .filter(|&&t| !on_draining_instance(world, t))
                .count()
        } else {
            live.len()
        };
        let failing = gates
            .iter()
            .filter(|(_, g)| matches!(g, Gate::Failing(_)))
            .map(|(t, _)| *t)
            .collect();
        Some(Pass {
            s,
            name: svc.name.clone(),
            primary,
            rules: bounds.rules(),
            bounds: bounds.counting(counted as u32, 0),
            live,
            deployments,
            gates,
            failing,
            progressed: false,
            placement_failed: false,
            throttled: None,
            credited: Vec::new(),
            budget: 0,
        })
    }

    /// The tasks of the pass's `live` list that still count for deployment `dep`.
    pub fn tasks_of<'a>(
        &'a self,
        world: &'a EcsCluster,
        dep: &'a str,
    ) -> impl Iterator<Item = TaskIdx> + 'a {
        self.deployments.tasks_of(world, &self.live, dep)
    }
}

/// The deployment of each task live when a pass begins, as a position in the service's
/// deployments, so the pass compares small numbers instead of deployment ids.
pub(super) struct LiveDeployments {
    ids: Vec<Name>,
    /// Parallel to the pass's `live` tasks; `None` for a task whose deployment is not listed.
    positions: Vec<Option<usize>>,
}

impl LiveDeployments {
    fn of(world: &EcsCluster, s: ServiceIdx, live: &[TaskIdx]) -> Self {
        let ids: Vec<Name> = world
            .service(s)
            .deployments
            .iter()
            .map(|d| d.id.clone())
            .collect();
        let keys: Vec<u64> = ids
            .iter()
            .map(|id| crate::ecs::deployment_key(id))
            .collect();
        let positions = live
            .iter()
            .map(|&t| {
                let key = world.task(t).deployment_key?;
                keys.iter().position(|k| *k == key)
            })
            .collect();
        LiveDeployments { ids, positions }
    }

    /// The tasks of `live` (the list this was built from) that still count for deployment
    /// `dep`: live, not failing, not on a DRAINING instance.
    fn tasks_of<'a>(
        &'a self,
        world: &'a EcsCluster,
        live: &'a [TaskIdx],
        dep: &'a str,
    ) -> impl Iterator<Item = TaskIdx> + 'a {
        // Positions are first matches, so equal positions mean equal ids; a deployment that
        // was not listed (created during this pass) is compared by id.
        let wanted = self.ids.iter().position(|id| id == dep);
        live.iter()
            .zip(&self.positions)
            .filter(move |&(&t, &position)| {
                let task = world.task(t);
                let same = match (position, wanted) {
                    (Some(p), Some(w)) => p == w,
                    _ => task.deployment_id.as_deref() == Some(dep),
                };
                task.is_live()
                    && task.unhealthy_reason.is_none()
                    && same
                    && !on_draining_instance(world, t)
            })
            .map(|(&t, _)| t)
    }
}

/// True when the task runs on a container instance that is DRAINING.
pub(super) fn on_draining_instance(world: &EcsCluster, t: TaskIdx) -> bool {
    match world.task(t).host {
        Host::Instance(i) => world.instance(i).status == InstanceStatus::Draining,
        _ => false,
    }
}
