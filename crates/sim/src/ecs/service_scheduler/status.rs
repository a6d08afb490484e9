//! Status: what a pass records once it has acted — running and pending counts, deployments
//! without tasks dropped, the deployment COMPLETED, a deployment that cannot move ("stuck"),
//! the steady state, and the pass's bounds and decision for the app ([`SchedulerView`])
//! (docs/rules/ecs-deployments.md#orcas-scheduler-pass;
//! docs/rules/ecs-service-events.md#deployment-and-steady-state).

use super::health_gate::{Gate, health_gate};
use super::observe::Pass;
use super::starts::DUPLICATE_MESSAGE_SUPPRESSION;
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TaskIdx};
use crate::ecs::quiet_memo::Recorded;
use crate::ecs::{
    DeploymentStatus, RolloutState, SchedulerView, Suppressed, TaskStatus, deployment_key,
    deployments, messages,
};
use crate::event::{EventKind, Source, Subject};
use crate::name::Name;
use crate::time::{Millis, SimTime};

/// The steady-state message repeats after the same 6 hours as any other message.
const STEADY_REPEAT: Millis = DUPLICATE_MESSAGE_SUPPRESSION;

/// Whether the removals of stopped tasks from service `s`'s list since a quiet pass that
/// recorded `r` (or the time since) change what the pass would record now.
pub(super) fn changed_by_removals(
    w: &EcsCluster,
    now: SimTime,
    s: ServiceIdx,
    r: &Recorded,
) -> bool {
    let svc = w.service(s);
    let Some(primary) = svc.primary() else {
        return true;
    };
    (r.completion_waits && only_primary_left(w, s, &primary.id))
        || (r.steady_waits && svc.tasks.len() == r.live as usize)
        || (r.steady && steady_repeat_due(w, now, s))
        || svc
            .deployments
            .iter()
            .any(|d| without_tasks(w, s, &primary.id, d))
}

/// Record the outcome of a pass.
pub(super) fn record(ctx: &mut Ctx, pass: &Pass) -> Recorded {
    // From the pass's rows when they can tell (they almost always can), else from every task.
    let from_rows = after_from_rows(ctx.world, pass);
    ctx.world.tasks.refresh();
    let tally = match from_rows {
        Some((tally, counts)) => {
            #[cfg(debug_assertions)]
            {
                let (running, pending, per_deployment) = deployments::counts_of(ctx.world, pass.s);
                let walked = Counts {
                    running,
                    pending,
                    per_deployment,
                };
                debug_assert_eq!(counts, walked, "counts from the pass's rows");
                debug_assert_eq!(
                    tally,
                    Tally::of(ctx.world, ctx.now, pass),
                    "tally from the pass's rows"
                );
            }
            counts.set(ctx.world, pass.s);
            tally
        }
        None => {
            deployments::refresh_counts(ctx.world, pass.s);
            Tally::of(ctx.world, ctx.now, pass)
        }
    };
    drop_deployments_without_tasks(ctx.world, pass);
    complete_deployment(ctx, pass, &tally);
    report_stuck(ctx, pass, &tally);
    let steady = report_steady(ctx, pass, &tally);
    let bounds = pass.bounds.counting(tally.live, pass.bounds.healthy);
    let decision = if steady {
        "Steady: every desired task is running and healthy.".to_string()
    } else {
        let mut decision = bounds.explain();
        decision.push('.');
        decision
    };
    ctx.world.service_mut(pass.s).last_pass = SchedulerView {
        at: ctx.now,
        upper: bounds.upper,
        lower: bounds.lower,
        running_or_pending: bounds.running_or_pending,
        healthy: bounds.healthy,
        decision,
        bounds,
    };
    let desired = pass.bounds.desired;
    let svc = ctx.world.service(pass.s);
    Recorded {
        live: tally.live,
        completion_waits: tally.primary_state == Some(RolloutState::InProgress)
            && tally.primary_live == desired
            && tally.primary_healthy == desired,
        steady_waits: steady_but_for_listed(svc, pass, &tally)
            && svc.tasks.len() != tally.live as usize,
        steady,
    }
}

/// runningCount and pendingCount of the service and of each of its deployments (in the
/// service's order), as [`deployments::refresh_counts`] counts them.
#[derive(Debug, PartialEq)]
struct Counts {
    running: u32,
    pending: u32,
    per_deployment: Vec<(u32, u32)>,
}

impl Counts {
    fn set(self, w: &mut EcsCluster, s: ServiceIdx) {
        let svc = w.service_mut(s);
        svc.running_count = self.running;
        svc.pending_count = self.pending;
        for (d, (r, p)) in svc.deployments.iter_mut().zip(self.per_deployment) {
            d.running_count = r;
            d.pending_count = p;
        }
    }
}

/// The tally and the counts after the pass acted, from the pass's rows and the tasks it
/// launched instead of a walk over every task of the service (two walks, with each task's
/// brief read, were a tenth of the hour of `benches/simulate.rs`). A row whose task nobody
/// wrote since the pass observed is as it was ([`crate::ecs::task_table::TaskTable::
/// written_since_refresh`], asked before this record refreshes); the others are read again.
/// The gates the pass computed still hold (the same moment), and a launched task is not
/// RUNNING, so its gate is not open yet.
///
/// `None` when the rows cannot tell: a deployment whose id is not one Orca writes
/// (`ecs-svc/` and digits, whose keys compare as the ids do), a task created during the pass
/// that the pass did not launch, or a launched task already RUNNING. The caller walks the
/// tasks then.
fn after_from_rows(w: &EcsCluster, pass: &Pass) -> Option<(Tally, Counts)> {
    let svc = w.service(pass.s);
    if !svc.deployments.iter().all(|d| d.key_exact)
        || w.tasks.len() != pass.tasks_at_observe + pass.launched.len()
    {
        return None;
    }
    let primary_key = deployment_key(&pass.primary);
    let listed = &pass.deployments;
    // Each listed deployment's place in the service's list now (a rollback during the pass
    // adds one).
    let now_at: Vec<Option<usize>> = listed
        .ids
        .iter()
        .map(|id| svc.deployments.iter().position(|d| d.id == *id))
        .collect();
    let mut counts = Counts {
        running: 0,
        pending: 0,
        per_deployment: Vec::new(),
    };
    let mut tally = Tally::empty(w, pass);
    let mut add = |tally: &mut Tally, kind: u8, primary: bool, running: bool, starting: bool| {
        tally.add(kind, primary, starting);
        counts.running += u32::from(running);
        counts.pending += u32::from(starting);
    };
    let mut per_deployment = vec![(0u32, 0u32); svc.deployments.len()];
    for r in &pass.rows {
        let (live, running, starting) = if w.tasks.written_since_refresh(r.t) {
            let brief = w.tasks.brief(r.t);
            (
                brief.live,
                brief.last_status == TaskStatus::Running,
                brief.last_status.is_starting(),
            )
        } else {
            (r.live, r.running, r.starting)
        };
        if !live {
            continue;
        }
        let listed_at = r.listed_at();
        let primary = listed_at.is_some_and(|p| listed.keys[p] == primary_key);
        add(&mut tally, r.gate_kind(), primary, running, starting);
        // Keys of `ecs-svc/<digits>` ids compare as the ids do (`task_table::key_of`); a task
        // whose key is not exact belongs to none of these deployments.
        if r.key_exact
            && let Some(i) = listed_at.and_then(|p| now_at[p])
        {
            per_deployment[i].0 += u32::from(running);
            per_deployment[i].1 += u32::from(starting);
        }
    }
    for &t in &pass.launched {
        let brief = w.tasks.brief(t);
        if !brief.live {
            continue;
        }
        if brief.last_status == TaskStatus::Running {
            return None;
        }
        let starting = brief.last_status.is_starting();
        let primary = brief.deployment_key == Some(primary_key);
        add(&mut tally, 1, primary, false, starting);
        if brief.key_exact
            && let Some(key) = brief.deployment_key
            && let Some(i) = svc.deployments.iter().position(|d| d.key == key)
        {
            per_deployment[i].1 += u32::from(starting);
        }
    }
    counts.per_deployment = per_deployment;
    Some((tally, counts))
}

/// Every task of service `s` (live or not yet forgotten) belongs to deployment `primary`.
fn only_primary_left(w: &EcsCluster, s: ServiceIdx, primary: &str) -> bool {
    let primary_key = Some(deployment_key(primary));
    w.service(s)
        .tasks
        .iter()
        .all(|&t| w.tasks.brief(t).deployment_key == primary_key)
}

/// The service's tasks after the pass acted, counted in one walk.
#[derive(Debug, PartialEq)]
struct Tally {
    live: u32,
    primary_live: u32,
    primary_healthy: u32,
    starting: u32,
    all_healthy: bool,
    /// No live task is waiting for its health gate.
    settled: bool,
    primary_state: Option<RolloutState>,
}

impl Tally {
    fn of(w: &EcsCluster, now: SimTime, pass: &Pass) -> Tally {
        // Gates computed at the start of this pass still hold (same moment; stopped tasks are
        // no longer live); only tasks launched in this pass are new, and they are not RUNNING.
        // The rows say which gates were open or failing.
        let kind_of = |g: &Gate| match g {
            Gate::Healthy(_) => 0u8,
            Gate::NotYet { .. } => 1,
            Gate::Failing(_) => 2,
        };
        // The rows are in the order of the service's tasks when the pass began, and the pass
        // only appends tasks to that list or takes stopped ones out: one walk in step with the
        // service's tasks finds each row (stepping over tasks stopped since). Should the order
        // ever differ, the rows are looked up by task instead (sorted once, on the first miss).
        let mut next = 0usize;
        let mut sorted: Option<Vec<(TaskIdx, u8)>> = None;
        let mut gate_kind = |t: TaskIdx| -> u8 {
            // Tasks that stopped during the pass are not asked for: step over them.
            while pass
                .rows
                .get(next)
                .is_some_and(|r| !w.tasks.brief(r.t).live)
            {
                next += 1;
            }
            if let Some(r) = pass.rows.get(next)
                && r.t == t
            {
                next += 1;
                return r.gate_kind();
            }
            // A task that is not RUNNING (one this pass launched) is not healthy yet: no lookup.
            if w.tasks.brief(t).last_status != TaskStatus::Running {
                debug_assert_eq!(kind_of(&health_gate(w, now, t)), 1);
                return 1;
            }
            let known = sorted.get_or_insert_with(|| {
                let mut known: Vec<(TaskIdx, u8)> =
                    pass.rows.iter().map(|r| (r.t, r.gate_kind())).collect();
                known.sort_unstable_by_key(|(t, _)| *t);
                known
            });
            known
                .binary_search_by_key(&t, |(x, _)| *x)
                .ok()
                .map(|i| known[i].1)
                .unwrap_or_else(|| kind_of(&health_gate(w, now, t)))
        };
        let svc = w.service(pass.s);
        let mut tally = Tally::empty(w, pass);
        let primary_key = deployment_key(&pass.primary);
        for &t in &svc.tasks {
            let task = w.tasks.brief(t);
            let is_primary = task.deployment_key == Some(primary_key);
            if !task.live {
                continue;
            }
            tally.add(gate_kind(t), is_primary, task.last_status.is_starting());
        }
        tally
    }

    /// Nothing counted yet.
    fn empty(w: &EcsCluster, pass: &Pass) -> Tally {
        Tally {
            live: 0,
            primary_live: 0,
            primary_healthy: 0,
            starting: 0,
            all_healthy: true,
            settled: true,
            primary_state: w.service(pass.s).primary().map(|d| d.rollout_state),
        }
    }

    /// Count one live task: its gate's kind (0 open, 1 not yet, 2 failing), whether it belongs
    /// to the pass's PRIMARY, whether it is still starting.
    fn add(&mut self, kind: u8, primary: bool, starting: bool) {
        self.live += 1;
        self.all_healthy &= kind == 0;
        self.settled &= kind != 1;
        self.starting += u32::from(starting);
        if primary {
            self.primary_live += 1;
            self.primary_healthy += u32::from(kind == 0);
        }
    }

    /// Tasks of older deployments are still live.
    fn old_left(&self) -> bool {
        self.live > self.primary_live
    }
}

/// Drop deployments that no longer have any task. The PRIMARY stays even without tasks: it may
/// have been created during this pass (a circuit-breaker rollback tripped by a stop).
fn drop_deployments_without_tasks(w: &mut EcsCluster, pass: &Pass) {
    let svc = w.service(pass.s);
    let keep: Vec<Name> = svc
        .deployments
        .iter()
        .filter(|d| !without_tasks(w, pass.s, &pass.primary, d))
        .map(|d| d.id.clone())
        .collect::<Vec<Name>>();
    w.service_mut(pass.s)
        .deployments
        .retain(|d| keep.contains(&d.id));
}

/// Deployment `d` of service `s` is to be dropped: it is neither `primary` (the PRIMARY when
/// the pass began) nor PRIMARY now, and no task of the service's list belongs to it.
fn without_tasks(w: &EcsCluster, s: ServiceIdx, primary: &str, d: &crate::ecs::Deployment) -> bool {
    if d.id == primary || d.status == DeploymentStatus::Primary {
        return false;
    }
    let key = Some(d.key);
    !w.service(s)
        .tasks
        .iter()
        .any(|&t| w.tasks.brief(t).deployment_key == key)
}

/// The PRIMARY deployment has all its tasks running and healthy and no older task is left:
/// COMPLETED.
fn complete_deployment(ctx: &mut Ctx, pass: &Pass, tally: &Tally) {
    let desired = pass.bounds.desired;
    if !(tally.primary_state == Some(RolloutState::InProgress)
        && tally.primary_live == desired
        && tally.primary_healthy == desired
        && only_primary_left(ctx.world, pass.s, &pass.primary))
    {
        return;
    }
    let (now, name, primary) = (ctx.now, &pass.name, &pass.primary);
    let td = ctx
        .world
        .service(pass.s)
        .primary()
        .map(|d| d.task_definition);
    let svc = ctx.world.service_mut(pass.s);
    if let Some(d) = svc.deployments.iter_mut().find(|d| d.id == *primary) {
        d.rollout_state = RolloutState::Completed;
        d.rollout_state_reason = messages::rollout_completed(primary);
        d.updated_at = now;
    }
    if let Some(td) = td {
        svc.last_completed = Some((primary.clone(), td));
        let revision = ctx.world.task_definition(td).revision;
        ctx.emit_why(
            Source::Service(name.clone()),
            EventKind::DeploymentCompleted {
                service: name.clone(),
                deployment: primary.clone(),
                revision,
            },
            messages::deployment_completed(name, primary),
            [Subject::Service(name.clone())],
            Some(format!(
                "All {desired} tasks of the deployment are running and healthy and no task of an older deployment is left."
            )),
        );
    }
}

/// Nothing could start or stop, nothing is still starting or waiting for its health gate,
/// and the deployment is not done: the deployment configuration keeps it from moving. Said
/// once, until something moves again.
fn report_stuck(ctx: &mut Ctx, pass: &Pass, tally: &Tally) {
    let desired = pass.bounds.desired;
    let bounds = pass.bounds.counting(tally.live, pass.bounds.healthy);
    let needs_work = tally.primary_live != desired || tally.old_left();
    if tally.primary_state == Some(RolloutState::InProgress)
        && !pass.progressed
        && needs_work
        && tally.settled
        && tally.starting == 0
        && !pass.placement_failed
        && pass.throttled.is_none()
        && (bounds.room() == 0 || tally.primary_live >= desired)
        && (pass.budget <= 0 || !tally.old_left())
    {
        let name = &pass.name;
        let svc = ctx.world.service_mut(pass.s);
        if !svc.is_suppressed(Suppressed::DeploymentStuck) {
            svc.suppressed.push(Suppressed::DeploymentStuck);
            ctx.emit_why(
                Source::Service(name.clone()),
                EventKind::DeploymentStuck {
                    service: name.clone(),
                },
                messages::deployment_stuck(name),
                [Subject::Service(name.clone())],
                Some(format!(
                    "{}: no task may start and no healthy task may stop.",
                    bounds.explain()
                )),
            );
        }
    } else if pass.progressed {
        ctx.world
            .service_mut(pass.s)
            .suppressed
            .retain(|x| *x != Suppressed::DeploymentStuck);
    }
}

/// One COMPLETED deployment with every desired task running and healthy: the steady state,
/// reported when reached and again every 6 hours. Returns whether the service is steady.
fn report_steady(ctx: &mut Ctx, pass: &Pass, tally: &Tally) -> bool {
    let now = ctx.now;
    let svc = ctx.world.service(pass.s);
    let steady = steady_but_for_listed(svc, pass, tally) && svc.tasks.len() == tally.live as usize;
    let was_steady = svc.steady;
    let repeat_due = steady_repeat_due(ctx.world, now, pass.s);
    if steady && (!was_steady || repeat_due) {
        let svc = ctx.world.service_mut(pass.s);
        svc.steady = true;
        svc.last_steady_message_at = Some(now);
        let name = &pass.name;
        ctx.emit(
            Source::Service(name.clone()),
            EventKind::SteadyState {
                service: name.clone(),
            },
            messages::steady_state(name),
            [Subject::Service(name.clone())],
        );
        ctx.request_pass_at(pass.s, now.plus(STEADY_REPEAT));
    } else if !steady {
        ctx.world.service_mut(pass.s).steady = false;
    }
    ctx.world.service(pass.s).steady
}

/// The service is steady but perhaps for listed tasks that are not live: one COMPLETED
/// deployment and every desired task live and healthy.
fn steady_but_for_listed(svc: &crate::ecs::Service, pass: &Pass, tally: &Tally) -> bool {
    svc.primary()
        .is_some_and(|d| d.rollout_state == RolloutState::Completed)
        && svc.deployments.len() == 1
        && tally.live == pass.bounds.desired
        && tally.all_healthy
}

/// The steady-state message was last reported 6 hours ago or more.
fn steady_repeat_due(w: &EcsCluster, now: SimTime, s: ServiceIdx) -> bool {
    w.service(s)
        .last_steady_message_at
        .is_some_and(|t| now >= t.plus(STEADY_REPEAT))
}
