//! What one scheduler pass observes when it begins — the bounds, the PRIMARY deployment, the
//! live tasks with their deployments and health gates — and what it has done so far. The
//! steps of the pass (`starts`, `stops`, `status`) read and update this record.

use super::bounds::Bounds;
use super::health_gate::{self, Gate};
use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::{ServiceIdx, TaskIdx};
use crate::ecs::placement::SpreadCounts;
use crate::ecs::{Host, InstanceStatus, TaskStatus};
use crate::name::Name;
use crate::net::Zone;
use crate::time::SimTime;

/// What a pass needs of one task live when it began, read from the world once. A pass looks at
/// its service's tasks several times (deployment counts, stop candidates, spread counts, the
/// tally); these rows sit side by side, so the later looks read neither the tasks again nor
/// their instances. The pass keeps `live` and `unhealthy` in step with what it does itself
/// (the only changes to these tasks while it runs: it stops some, and the health gates mark
/// failing ones).
#[derive(Debug, Clone, Copy)]
pub(super) struct Row {
    pub t: TaskIdx,
    /// The task's deployment as a position in [`LiveDeployments`]' ids (first match of its
    /// key), or [`Row::UNLISTED`].
    dep: u32,
    pub host: Host,
    pub zone: u32,
    pub running: bool,
    /// Its status is one of the starting ones (`TaskStatus::is_starting`).
    pub starting: bool,
    /// Its deployment key reads its deployment id back exactly (`TaskBrief::key_exact`).
    pub key_exact: bool,
    pub draining: bool,
    pub live: bool,
    /// The scheduler has acted on a failed health check of the task (`unhealthy_reason`).
    pub unhealthy: bool,
    /// Its health gate is open (`Gate::Healthy`) when the pass began.
    pub healthy: bool,
    /// Its health gate says it fails its health checks (`Gate::Failing`) when the pass began.
    pub failing: bool,
}

impl Row {
    const UNLISTED: u32 = u32::MAX;

    /// The position of the deployment this row counts for in [`Pass::rows_of`] (live, not
    /// acted on as unhealthy, not on a DRAINING instance, of a listed deployment), if any.
    fn counts_for(&self) -> Option<usize> {
        (self.live && !self.unhealthy && !self.draining && self.dep != Row::UNLISTED)
            .then_some(self.dep as usize)
    }

    /// The position of its deployment in [`Pass::deployments`], if listed.
    pub fn listed_at(&self) -> Option<usize> {
        (self.dep != Row::UNLISTED).then_some(self.dep as usize)
    }

    /// Its gate when the pass began: 0 open, 1 not yet, 2 failing.
    pub fn gate_kind(&self) -> u8 {
        match (self.healthy, self.failing) {
            (true, _) => 0,
            (false, false) => 1,
            (false, true) => 2,
        }
    }

    /// The instance the task is on, if any.
    pub fn instance(&self) -> Option<usize> {
        match self.host {
            Host::Instance(i) => Some(i.0 as usize),
            Host::Fargate | Host::AwaitingCapacity => None,
        }
    }
}

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
    /// The service's live tasks when the pass began, in the service's order.
    pub rows: Vec<Row>,
    pub deployments: LiveDeployments,
    /// The health gates the pass records, in `rows` order: those of the live tasks that had
    /// not counted as healthy yet or are not healthy now, and that have something to record
    /// (a task that counted and still is has nothing to record, nor has a task waiting for
    /// its checks with no moment to wake the service at; its row says what the rest of the
    /// pass needs).
    pub gates: Vec<(TaskIdx, Gate)>,
    /// Every live task had counted as healthy and still was when the pass began (its gate
    /// does not depend on the time).
    pub all_settled: bool,
    /// Failing tasks to stop once their replacements have started (emptied when there is no
    /// room and one stops first instead).
    pub failing: Vec<TaskIdx>,
    /// Tasks this pass launched, in order.
    pub launched: Vec<TaskIdx>,
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
    /// Per deployment of `deployments` (by position), how many rows count for it (what
    /// [`Pass::rows_of`] gives) and how many of those are not healthy; kept in step by
    /// [`Pass::stopped`] and [`Pass::failing_noticed`], so the steps that only count need
    /// not walk the rows again.
    counting: Vec<Counting>,
    /// Rows live and healthy (their gate open when the pass began).
    healthy_live: u32,
    /// How many tasks the cluster had when the pass observed (every task created since is one
    /// the pass launched, unless something else created tasks during the pass).
    pub tasks_at_observe: usize,
}

/// See [`Pass::counting`].
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counting {
    pub rows: u32,
    pub not_healthy: u32,
}

impl Pass {
    /// Observe service `s` at `now`; `None` if it has no PRIMARY deployment. Each live task is
    /// read once: its row and its health gate.
    pub fn observe(world: &EcsCluster, now: SimTime, s: ServiceIdx) -> Option<Pass> {
        let svc = world.service(s);
        let cfg = &svc.deployment_configuration;
        let bounds = Bounds::new(
            svc.desired_count,
            cfg.minimum_healthy_percent,
            cfg.maximum_percent,
        );
        let primary = svc.primary()?.id.clone();
        let (ids, keys) = LiveDeployments::listed(world, s);
        let gate_of = health_gate::ServiceGates::new(world, now, s);
        // Most passes find no DRAINING instance: then no task's instance needs reading.
        let any_draining = world.any_draining();
        // The briefs of the tasks (`ecs::task_table`), not the tasks: they lie side by side,
        // while each task sits behind its own pointer.
        let mut rows = Vec::with_capacity(svc.tasks.len());
        let mut gates = Vec::new();
        let mut all_settled = true;
        for &t in &svc.tasks {
            let task = world.tasks.brief(t);
            if !task.live {
                continue;
            }
            // Most tasks already counted as healthy and still are: no gate to build or keep.
            let gate = if gate_of.settled(t, &task) {
                None
            } else {
                Some(gate_of.gate_of_brief(t, &task))
            };
            let dep = task
                .deployment_key
                .and_then(|key| keys.iter().position(|k| *k == key))
                .map_or(Row::UNLISTED, |p| p as u32);
            rows.push(Row {
                t,
                dep,
                host: task.host,
                zone: task.zone,
                running: task.last_status == TaskStatus::Running,
                starting: task.last_status.is_starting(),
                key_exact: task.key_exact,
                draining: any_draining && host_draining(world, task.host),
                live: true,
                unhealthy: task.unhealthy,
                healthy: matches!(gate, None | Some(Gate::Healthy(_))),
                failing: matches!(gate, Some(Gate::Failing(_))),
            });
            if let Some(gate) = gate
                && !(matches!(gate, Gate::Healthy(_)) && task.counted)
            {
                all_settled = false;
                // `health_gate::record` does nothing with a gate that waits for no moment.
                if !matches!(gate, Gate::NotYet { wake: None, .. }) {
                    gates.push((t, gate));
                }
            }
        }
        // [inferred] A DAEMON service's task on a DRAINING instance is not counted against the
        // upper bound: its instance no longer wants one, and the new instance that replaces
        // it gets its own task at once ("adds the daemon tasks to them", Amazon ECS Developer
        // Guide, "Amazon ECS services", Daemon), not after the drained task stops last.
        let counted = if super::daemon::is_daemon(world, s) {
            rows.iter().filter(|r| !r.draining).count()
        } else {
            rows.len()
        };
        let failing = rows.iter().filter(|r| r.failing).map(|r| r.t).collect();
        let mut counting = vec![Counting::default(); ids.len()];
        let mut healthy_live = 0;
        for r in &rows {
            healthy_live += u32::from(r.healthy);
            if let Some(c) = r.counts_for().and_then(|p| counting.get_mut(p)) {
                c.rows += 1;
                c.not_healthy += u32::from(!r.healthy);
            }
        }
        Some(Pass {
            s,
            name: svc.name.clone(),
            primary,
            rules: bounds.rules(),
            bounds: bounds.counting(counted as u32, 0),
            rows,
            deployments: LiveDeployments { ids, keys },
            gates,
            all_settled,
            failing,
            launched: Vec::new(),
            progressed: false,
            placement_failed: false,
            throttled: None,
            credited: Vec::new(),
            budget: 0,
            counting,
            healthy_live,
            tasks_at_observe: world.tasks.len(),
        })
    }

    /// The rows of tasks live when the pass began that still count for deployment `dep`:
    /// live, not failing, not on a DRAINING instance.
    pub fn rows_of<'a>(
        &'a self,
        world: &'a EcsCluster,
        dep: &'a str,
    ) -> impl Iterator<Item = &'a Row> + 'a {
        // Positions are first matches, so equal positions mean equal ids; a deployment that
        // was not listed (created during this pass) is compared by id.
        let wanted = self
            .deployments
            .ids
            .iter()
            .position(|id| id == dep)
            .map(|p| p as u32);
        self.rows.iter().filter(move |r| {
            let same = match wanted {
                Some(w) if r.dep != Row::UNLISTED => r.dep == w,
                _ => world.task(r.t).deployment_id.as_deref() == Some(dep),
            };
            #[cfg(debug_assertions)]
            {
                let task = world.task(r.t);
                debug_assert_eq!(r.live, task.is_live(), "row of {}: live", task.id);
                debug_assert_eq!(
                    r.unhealthy,
                    task.unhealthy_reason.is_some(),
                    "row of {}",
                    task.id
                );
                debug_assert_eq!(
                    r.draining,
                    on_draining_instance(world, r.t),
                    "row of {}",
                    task.id
                );
            }
            r.live && !r.unhealthy && same && !r.draining
        })
    }

    /// How many rows count for deployment `dep` ([`Pass::rows_of`]`.count()`), and how many
    /// of them are not healthy.
    pub fn counting(&self, world: &EcsCluster, dep: &str) -> Counting {
        match self.deployments.ids.iter().position(|id| id == dep) {
            Some(p) => {
                let c = self.counting.get(p).copied().unwrap_or_default();
                debug_assert_eq!(
                    (c.rows, c.not_healthy),
                    (
                        self.rows_of(world, dep).count() as u32,
                        self.rows_of(world, dep).filter(|r| !r.healthy).count() as u32
                    ),
                    "the pass's counts for {dep} are out of step with its rows"
                );
                c
            }
            // Created during this pass (a rollback): its id is compared with each task's.
            None => Counting {
                rows: self.rows_of(world, dep).count() as u32,
                not_healthy: self.rows_of(world, dep).filter(|r| !r.healthy).count() as u32,
            },
        }
    }

    /// Rows live and healthy now (their gate was open when the pass began).
    pub fn healthy_live(&self) -> u32 {
        debug_assert_eq!(
            self.healthy_live,
            self.rows.iter().filter(|r| r.healthy && r.live).count() as u32
        );
        self.healthy_live
    }

    /// The task of row `t` was stopped by this pass.
    pub fn stopped(&mut self, t: TaskIdx) {
        let Some(row) = self.row_mut(t) else {
            return;
        };
        if !row.live {
            return;
        }
        let (counts_for, healthy) = (row.counts_for(), row.healthy);
        row.live = false;
        self.healthy_live -= u32::from(healthy);
        if let Some(c) = counts_for.and_then(|p| self.counting.get_mut(p)) {
            c.rows -= 1;
            c.not_healthy -= u32::from(!healthy);
        }
    }

    /// The scheduler acted on the failed health checks of the failing tasks (`health_gate::
    /// record` gave each an `unhealthy_reason`).
    pub fn failing_noticed(&mut self) {
        for row in self.rows.iter_mut().filter(|r| r.failing) {
            if let Some(c) = row.counts_for().and_then(|p| self.counting.get_mut(p)) {
                c.rows -= 1;
                c.not_healthy -= u32::from(!row.healthy);
            }
            row.unhealthy = true;
        }
    }

    fn row_mut(&mut self, t: TaskIdx) -> Option<&mut Row> {
        // Rows follow the service's task list, which is in creation (index) order.
        match self.rows.binary_search_by_key(&t, |r| r.t) {
            Ok(i) => Some(&mut self.rows[i]),
            Err(_) => self.rows.iter_mut().find(|r| r.t == t),
        }
    }

    /// Live tasks of the service per zone and per instance now: the rows still live and the
    /// tasks this pass launched (what [`SpreadCounts::of`] counts, without reading every task).
    pub fn spread_counts(&self, world: &EcsCluster, zones: &[Zone]) -> SpreadCounts {
        let mut counts = SpreadCounts::empty(world, zones);
        let launched = self.launched.iter().map(|&t| {
            let task = world.task(t);
            (task.is_live(), task.host, task.zone)
        });
        let rows = self.rows.iter().map(|r| (r.live, r.host, r.zone as usize));
        for (live, host, zone) in rows.chain(launched) {
            if live {
                counts.add(host, zone);
            }
        }
        #[cfg(debug_assertions)]
        {
            let of = SpreadCounts::of(world, zones, self.s);
            debug_assert!(
                of.per_zone == counts.per_zone && of.per_instance == counts.per_instance,
                "the pass's rows are out of step with the service's tasks"
            );
        }
        counts
    }
}

/// The service's deployments when a pass begins, so the pass compares small numbers (positions
/// in this list) instead of deployment ids.
pub(super) struct LiveDeployments {
    pub ids: Vec<Name>,
    /// Their keys (`Deployment::key`), in the same order.
    pub keys: Vec<u64>,
}

impl LiveDeployments {
    /// The ids of the service's deployments and their keys.
    fn listed(world: &EcsCluster, s: ServiceIdx) -> (Vec<Name>, Vec<u64>) {
        let deployments = &world.service(s).deployments;
        let ids = deployments.iter().map(|d| d.id.clone()).collect();
        let keys = deployments.iter().map(|d| d.key).collect();
        (ids, keys)
    }
}

/// True when the task runs on a container instance that is DRAINING.
pub(super) fn on_draining_instance(world: &EcsCluster, t: TaskIdx) -> bool {
    host_draining(world, world.task(t).host)
}

/// True when `host` is a container instance that is DRAINING.
fn host_draining(world: &EcsCluster, host: Host) -> bool {
    match host {
        Host::Instance(i) => world.instance(i).status == InstanceStatus::Draining,
        _ => false,
    }
}
