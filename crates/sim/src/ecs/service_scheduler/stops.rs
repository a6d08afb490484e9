//! Stops: which tasks a pass may stop — failing tasks whose replacements started, old tasks
//! that are not healthy (freely), tasks on DRAINING instances, tasks beyond a lowered desired
//! count and healthy old tasks (only while healthy − lower stays positive) — which of several
//! candidates goes first, and how the stops are reported
//! (docs/rules/ecs-deployments.md#orcas-scheduler-pass;
//! docs/rules/ecs-placement.md#which-task-stops-first;
//! docs/rules/ecs-scaling.md#container-instance-draining).

use super::observe::{Pass, Row, on_draining_instance};
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TaskIdx};
use crate::ecs::placement::SpreadCounts;
use crate::ecs::task_lifecycle::{self, StopCause};
use crate::ecs::{Host, TaskStatus, UnhealthyReason, messages};
use crate::event::{EventKind, Source, Subject, text};
use crate::name::Name;
use crate::net::Zone;

/// A task a pass decided to stop, and why.
pub(super) struct Stop {
    pub t: TaskIdx,
    pub cause: StopCause,
    pub why: String,
    /// The rollout scales the task's (old) deployment down by this stop. Not for failing
    /// tasks or tasks leaving a DRAINING instance: those are replaced.
    pub scales_down: bool,
}

/// Service tasks on a DRAINING instance that have not reached RUNNING are stopped at once
/// (docs/rules/ecs-scaling.md#container-instance-draining); their replacements start
/// elsewhere in this pass.
pub(super) fn stop_starting_on_draining(ctx: &mut Ctx, s: ServiceIdx) {
    // Most passes find no DRAINING instance: then no task needs looking at.
    if !ctx
        .world
        .instances
        .iter()
        .any(|i| i.status == crate::ecs::InstanceStatus::Draining)
    {
        return;
    }
    let stops: Vec<Stop> = ctx
        .world
        .service(s)
        .tasks
        .iter()
        .copied()
        .filter(|&t| {
            let task = ctx.world.task(t);
            task.is_live() && task.last_status.is_starting() && on_draining_instance(ctx.world, t)
        })
        .map(|t| {
            let deployment = ctx.world.task(t).deployment_id.clone().unwrap_or_default();
            Stop {
                t,
                cause: StopCause::Scheduler { deployment },
                why: "Stopped at once: its container instance is DRAINING and it had not reached RUNNING.".to_string(),
                scales_down: false,
            }
        })
        .collect();
    if !stops.is_empty() {
        let name = ctx.world.service(s).name.clone();
        execute(ctx, &name, stops);
    }
}

/// Choose the pass's stops (a pure decision over what the pass observed and the world now),
/// in the order they are reported. Leaves the remaining budget and the healthy count in `pass`.
pub(super) fn choose(world: &EcsCluster, zones: &[Zone], pass: &mut Pass) -> Vec<Stop> {
    let healthy_now = pass.rows.iter().filter(|r| r.healthy && r.live).count() as u32;
    pass.bounds.healthy = healthy_now;
    let mut budget = healthy_now as i64 - pass.bounds.lower as i64;
    let may_stop = budget;
    // "healthy 5 − lower 4 = 1 may stop (stop 1 of 1; upper …, lower …)"
    let budget_why = |before: i64| {
        text(
            pass.rules.len() + 100,
            format_args!(
                "{} (stop {} of {may_stop}; {})",
                pass.bounds.stop_text(),
                may_stop - before + 1,
                pass.rules
            ),
        )
    };
    let primary = &pass.primary;
    let mut stops = Vec::new();
    for &t in &pass.failing {
        stops.push(Stop {
            t,
            cause: failing_cause(world, t),
            why: format!(
                "Replaced because it failed its health checks; the replacement could start first ({}).",
                pass.rules
            ),
            scales_down: false,
        });
    }
    let mut counts = pass.spread_counts(world, zones);
    let svc = world.service(pass.s);
    // Old deployments, oldest first.
    let mut old_unready = Vec::new();
    let mut old_healthy = Vec::new();
    for dep in svc.deployments.iter().filter(|d| d.id != *primary) {
        for row in pass.rows_of(world, &dep.id) {
            if row.healthy {
                old_healthy.push(row);
            } else {
                old_unready.push(row);
            }
        }
    }
    let scaling = StopCause::Scheduler {
        deployment: primary.clone(),
    };
    let mut old_unready = Candidates::of(old_unready);
    let mut old_healthy = Candidates::of(old_healthy);
    while !old_unready.is_empty() {
        let t = pick_to_stop(&mut old_unready, &mut counts);
        stops.push(Stop {
            t,
            cause: scaling.clone(),
            why: format!(
                "Stopped by deployment {primary}: an old task that is not healthy can stop without lowering the healthy count."
            ),
            scales_down: true,
        });
    }
    // Tasks on DRAINING instances stop as far as the lower bound allows: with minimum healthy
    // 100 % only once their replacements are healthy
    // (docs/rules/ecs-scaling.md#container-instance-draining). The stoppedReason is the
    // scheduler's usual one [inferred: AWS documents none for draining].
    let drained = pass
        .rows
        .iter()
        .filter(|r| r.live && r.draining)
        .filter(|r| !pass.failing.contains(&r.t))
        .filter(|r| !super::daemon::stops_last(world, r.t));
    let mut drained = Candidates::of(drained);
    while budget > 0 && !drained.is_empty() {
        let t = pick_to_stop(&mut drained, &mut counts);
        let deployment = world.task(t).deployment_id.clone().unwrap_or_default();
        stops.push(Stop {
            t,
            cause: StopCause::Scheduler { deployment },
            why: format!(
                "Stopped because its container instance is DRAINING: {}.",
                budget_why(budget)
            ),
            scales_down: false,
        });
        budget -= 1;
    }
    // Primary excess (desired count lowered).
    let primary_tasks: Vec<&Row> = pass.rows_of(world, primary).collect();
    let primary_desired = svc
        .deployment(primary)
        .map_or(pass.bounds.desired, |d| d.desired_count);
    let mut excess = (primary_tasks.len() as u32).saturating_sub(primary_desired);
    if excess > 0 {
        let (unready, ready): (Vec<&Row>, Vec<&Row>) =
            primary_tasks.iter().partition(|r| !r.healthy);
        let (mut unready, mut ready) = (Candidates::of(unready), Candidates::of(ready));
        while excess > 0 && !unready.is_empty() {
            let t = pick_to_stop(&mut unready, &mut counts);
            stops.push(Stop {
                t,
                cause: scaling.clone(),
                why: format!(
                    "Stopped because the desired count is {primary_desired}: a task that is not healthy goes first."
                ),
                scales_down: true,
            });
            excess -= 1;
        }
        while excess > 0 && budget > 0 && !ready.is_empty() {
            let t = pick_to_stop(&mut ready, &mut counts);
            stops.push(Stop {
                t,
                cause: scaling.clone(),
                why: format!(
                    "Stopped because the desired count is {primary_desired}: {}.",
                    budget_why(budget)
                ),
                scales_down: true,
            });
            excess -= 1;
            budget -= 1;
        }
    }
    while budget > 0 && !old_healthy.is_empty() {
        let t = pick_to_stop(&mut old_healthy, &mut counts);
        stops.push(Stop {
            t,
            cause: scaling.clone(),
            why: {
                let budget = budget_why(budget);
                text(
                    primary.len() + budget.len() + 30,
                    format_args!("Stopped by deployment {primary}: {budget}."),
                )
            },
            scales_down: true,
        });
        budget -= 1;
    }
    pass.budget = budget;
    stops
}

/// Carry out the chosen stops: the rollout scales old deployments down by the tasks it stops,
/// then the stops are reported and made; failing tasks replaced in this pass are no longer
/// waiting for a replacement.
pub(super) fn apply(ctx: &mut Ctx, pass: &mut Pass, stops: Vec<Stop>) {
    if !stops.is_empty() {
        pass.progressed = true;
        for stop in stops.iter().filter(|x| x.scales_down) {
            let dep = ctx
                .world
                .task(stop.t)
                .deployment_id
                .clone()
                .unwrap_or_default();
            if dep != pass.primary
                && let Some(d) = ctx.world.service_mut(pass.s).deployment_mut(&dep)
            {
                d.desired_count = d.desired_count.saturating_sub(1);
            }
        }
        for stop in &stops {
            pass.stopped(stop.t);
        }
        execute(ctx, &pass.name, stops);
    }
    for (dep, n) in pass.credited.drain(..) {
        if let Some(d) = ctx.world.service_mut(pass.s).deployment_mut(&dep) {
            d.unhealthy_to_replace = d.unhealthy_to_replace.saturating_sub(n);
        }
    }
}

/// The stop cause of a failing task: the health check that failed it.
pub(super) fn failing_cause(world: &EcsCluster, t: TaskIdx) -> StopCause {
    match &world.task(t).unhealthy_reason {
        Some(UnhealthyReason::TargetGroup { target_group, .. }) => {
            StopCause::LoadBalancerHealthCheck {
                target_group_arn: world.target_group(*target_group).arn.clone(),
            }
        }
        _ => StopCause::ContainerHealthCheck,
    }
}

/// Candidates for stopping, with what [`pick_to_stop`] compares, from the pass's rows (the
/// world does not change while a pass chooses its stops).
struct Candidates(Vec<Candidate>);

#[derive(Clone, Copy)]
struct Candidate {
    t: TaskIdx,
    waiting: bool,
    running: bool,
    zone: usize,
    instance: Option<usize>,
}

impl Candidates {
    fn of<'a>(rows: impl IntoIterator<Item = &'a Row>) -> Self {
        Candidates(
            rows.into_iter()
                .map(|r| Candidate {
                    t: r.t,
                    waiting: r.host == Host::AwaitingCapacity,
                    running: r.running,
                    zone: r.zone as usize,
                    instance: r.instance(),
                })
                .collect(),
        )
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Choose which candidate to stop: tasks still waiting for capacity first, then those not yet
/// RUNNING; then from the zone with the most tasks of the service, the instance with the most,
/// then the oldest (docs/rules/ecs-placement.md#which-task-stops-first). A DAEMON service
/// stops its tasks the same way: it has no placement strategy, and the Daemon section of
/// "Amazon ECS services" gives it the no-strategy rule (zone with the most running tasks of the
/// service, then the instance with the most;
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html#service_scheduler_daemon>).
fn pick_to_stop(candidates: &mut Candidates, counts: &mut SpreadCounts) -> TaskIdx {
    let key = |c: &Candidate| {
        let on_instance = c.instance.map_or(0, |i| counts.per_instance[i]);
        (
            !c.waiting,
            c.running,
            std::cmp::Reverse(counts.per_zone[c.zone]),
            std::cmp::Reverse(on_instance),
            c.t,
        )
    };
    let pos = candidates
        .0
        .iter()
        .enumerate()
        .min_by_key(|(_, c)| key(c))
        .map(|(p, _)| p)
        .unwrap_or(0);
    // Keys end with the task index, so the order of the rest does not matter.
    let c = candidates.0.swap_remove(pos);
    if !c.waiting
        && let Some(n) = counts.per_zone.get_mut(c.zone)
    {
        *n = n.saturating_sub(1);
    }
    if let Some(i) = c.instance {
        let n = &mut counts.per_instance[i];
        *n = n.saturating_sub(1);
    }
    c.t
}

/// Report the stops of a pass the way ECS does (running and pending tasks separately), then
/// carry them out.
pub(super) fn execute(ctx: &mut Ctx, name: &Name, stops: Vec<Stop>) {
    let now = ctx.now;
    let (running, pending): (Vec<&Stop>, Vec<&Stop>) = stops
        .iter()
        .partition(|x| ctx.world.task(x.t).last_status == TaskStatus::Running);
    if !running.is_empty() {
        let ids: Vec<Name> = running
            .iter()
            .map(|x| ctx.world.task(x.t).id.clone())
            .collect();
        let mut subjects = vec![Subject::Service(name.clone())];
        subjects.extend(ids.iter().map(|i| Subject::Task(i.clone())));
        ctx.emit_why(
            Source::Service(name.clone()),
            EventKind::TasksStopped {
                service: name.clone(),
                tasks: ids.clone(),
                running: true,
            },
            messages::stopped_running_tasks(name, &ids),
            subjects,
            running.first().map(|x| x.why.clone()),
        );
    }
    if !pending.is_empty() {
        let ids: Vec<Name> = pending
            .iter()
            .map(|x| ctx.world.task(x.t).id.clone())
            .collect();
        let mut subjects = vec![Subject::Service(name.clone())];
        subjects.extend(ids.iter().map(|i| Subject::Task(i.clone())));
        ctx.emit_why(
            Source::Service(name.clone()),
            EventKind::TasksStopped {
                service: name.clone(),
                tasks: ids,
                running: false,
            },
            messages::stopped_pending_tasks(name, pending.len()),
            subjects,
            pending.first().map(|x| x.why.clone()),
        );
    }
    for stop in stops {
        ctx.world.task_mut(stop.t).explain(now, stop.why);
        task_lifecycle::stop(ctx, stop.t, stop.cause);
    }
}
