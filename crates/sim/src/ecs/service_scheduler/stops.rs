//! Stops: which tasks a pass may stop — failing tasks whose replacements started, old tasks
//! that are not healthy (freely), tasks on DRAINING instances, tasks beyond a lowered desired
//! count and healthy old tasks (only while healthy − lower stays positive) — which of several
//! candidates goes first, and how the stops are reported
//! (docs/rules/ecs-deployments.md#orcas-scheduler-pass;
//! docs/rules/ecs-placement.md#which-task-stops-first;
//! docs/rules/ecs-scaling.md#container-instance-draining).

use super::bounds::STOP_CAPACITY;
use super::observe::{Pass, Row, on_draining_instance};
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TaskIdx};
use crate::ecs::placement::SpreadCounts;
use crate::ecs::task_lifecycle::{self, StopCause};
use crate::ecs::{Host, TaskStatus, UnhealthyReason, messages};
use crate::event::{EventKind, Source, Subject};
use crate::name::Name;
use crate::net::Zone;
use crate::text::push_i64;
use std::cmp::Reverse;

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
    if !ctx.world.any_draining() {
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
    let healthy_now = pass.healthy_live();
    pass.bounds.healthy = healthy_now;
    let mut budget = healthy_now as i64 - pass.bounds.lower as i64;
    let may_stop = budget;
    // "{lead}healthy 5 − lower 4 = 1 may stop (stop 1 of 1; upper …, lower …)." in one buffer.
    let budget_why = |lead: &[&str], before: i64| {
        let lead_len: usize = lead.iter().map(|p| p.len()).sum();
        let mut why = String::with_capacity(lead_len + STOP_CAPACITY + pass.rules.len() + 40);
        for part in lead {
            why.push_str(part);
        }
        pass.bounds.write_stop(&mut why);
        why.push_str(" (stop ");
        push_i64(&mut why, may_stop - before + 1);
        why.push_str(" of ");
        push_i64(&mut why, may_stop);
        why.push_str("; ");
        why.push_str(&pass.rules);
        why.push_str(").");
        why
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
    // The spread counts are counted at the first pick: most passes pick nothing.
    let mut counts = None;
    let svc = world.service(pass.s);
    // Old deployments, oldest first.
    // Sized for every row at once when there is an old deployment (growing them step by step
    // cost more than the room); most passes have none, and allocate nothing.
    // Healthy old tasks are candidates only while the budget allows a stop (it only falls
    // from here), and the rows of a deployment are gathered only when they hold a candidate:
    // most passes gather none.
    let gathered = |dep: &str| {
        let c = pass.counting(world, dep);
        c.not_healthy > 0 || (budget > 0 && c.rows > 0)
    };
    let room = if svc
        .deployments
        .iter()
        .any(|d| d.id != *primary && gathered(&d.id))
    {
        pass.rows.len()
    } else {
        0
    };
    let mut old_unready = Vec::with_capacity(room);
    let mut old_healthy = Vec::with_capacity(room);
    for dep in svc
        .deployments
        .iter()
        .filter(|d| d.id != *primary && gathered(&d.id))
    {
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
    let old_unready = Candidates::of(old_unready);
    let mut picker = Picker::lazy(old_unready, &mut counts, pass, world, zones);
    while let Some(t) = picker.as_mut().and_then(Picker::pick) {
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
    let drained = Candidates::within(budget, drained);
    let mut picker = Picker::lazy(drained, &mut counts, pass, world, zones);
    while budget > 0
        && let Some(t) = picker.as_mut().and_then(Picker::pick)
    {
        let deployment = world.task(t).deployment_id.clone().unwrap_or_default();
        stops.push(Stop {
            t,
            cause: StopCause::Scheduler { deployment },
            why: budget_why(
                &["Stopped because its container instance is DRAINING: "],
                budget,
            ),
            scales_down: false,
        });
        budget -= 1;
    }
    // Primary excess (desired count lowered).
    // Counted first: the rows are gathered only when there is an excess to stop (rarely).
    let primary_desired = svc
        .deployment(primary)
        .map_or(pass.bounds.desired, |d| d.desired_count);
    let mut excess = pass
        .counting(world, primary)
        .rows
        .saturating_sub(primary_desired);
    if excess > 0 {
        let (unready, ready): (Vec<&Row>, Vec<&Row>) =
            pass.rows_of(world, primary).partition(|r| !r.healthy);
        let mut picker = Picker::lazy(Candidates::of(unready), &mut counts, pass, world, zones);
        while excess > 0
            && let Some(t) = picker.as_mut().and_then(Picker::pick)
        {
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
        let ready = Candidates::within(budget, ready);
        let mut picker = Picker::lazy(ready, &mut counts, pass, world, zones);
        while excess > 0
            && budget > 0
            && let Some(t) = picker.as_mut().and_then(Picker::pick)
        {
            stops.push(Stop {
                t,
                cause: scaling.clone(),
                why: budget_why(
                    &[&format!(
                        "Stopped because the desired count is {primary_desired}: "
                    )],
                    budget,
                ),
                scales_down: true,
            });
            excess -= 1;
            budget -= 1;
        }
    }
    let old_healthy = Candidates::within(budget, old_healthy);
    let mut picker = Picker::lazy(old_healthy, &mut counts, pass, world, zones);
    while budget > 0
        && let Some(t) = picker.as_mut().and_then(Picker::pick)
    {
        stops.push(Stop {
            t,
            cause: scaling.clone(),
            why: budget_why(&["Stopped by deployment ", primary, ": "], budget),
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
                target_group_arn: world.target_group(*target_group).arn.to_string(),
            }
        }
        _ => StopCause::ContainerHealthCheck,
    }
}

/// Candidates for stopping, with what a [`Picker`] compares, from the pass's rows (the
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

impl Candidate {
    /// Waiting for capacity, then not RUNNING, then RUNNING: the first part of the stop order.
    fn class(&self) -> u8 {
        u8::from(!self.waiting) * 2 + u8::from(self.running)
    }
}

impl Candidates {
    /// The candidates among `rows` when a budget of healthy tasks allows a stop; none when
    /// it does not (nothing would be picked).
    fn within<'a>(budget: i64, rows: impl IntoIterator<Item = &'a Row>) -> Self {
        if budget > 0 {
            Candidates::of(rows)
        } else {
            Candidates(Vec::new())
        }
    }

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
}

/// Choose which candidate to stop: tasks still waiting for capacity first, then those not yet
/// RUNNING; then from the zone with the most tasks of the service, the instance with the most,
/// then the oldest (docs/rules/ecs-placement.md#which-task-stops-first). A DAEMON service
/// stops its tasks the same way: it has no placement strategy, and the Daemon section of
/// "Amazon ECS services" gives it the no-strategy rule (zone with the most running tasks of the
/// service, then the instance with the most;
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html#service_scheduler_daemon>).
///
/// A [`Picker`] takes the candidates one by one in that order. It holds the spread counts
/// while it picks (each pick lowers the counts of its zone and instance, which moves the
/// candidates that share them down the order) and keeps the candidates of each zone sorted by
/// the rest of the order, so a pick costs a few steps rather than a look at every candidate.
struct Picker<'a> {
    counts: &'a mut SpreadCounts,
    /// The candidates until the first pick sorts them (a pass often picks none).
    unsorted: Option<Candidates>,
    /// Per zone, its candidates sorted by [`Key`], the first to pick last (so it pops).
    zones: Vec<Vec<Key>>,
    /// The candidates on instances, as (instance, task, zone position), sorted: who moves
    /// when a pick lowers an instance's count.
    on_instance: Vec<(usize, TaskIdx, usize)>,
    /// (task, class, instance) of each candidate on an instance, sorted by task: what a pick
    /// looks up of the task it took.
    classes: Vec<(TaskIdx, u8, usize)>,
}

/// A candidate's place within its zone: its class (waiting for capacity, then not RUNNING,
/// then RUNNING), then the most tasks on its instance, then the oldest.
type Key = (u8, Reverse<u32>, TaskIdx);

impl<'a> Picker<'a> {
    fn new(candidates: Candidates, counts: &'a mut SpreadCounts) -> Self {
        Picker {
            counts,
            unsorted: Some(candidates),
            zones: Vec::new(),
            on_instance: Vec::new(),
            classes: Vec::new(),
        }
    }

    /// A picker over `candidates`, if there are any, with the pass's spread counts (counted
    /// into `slot` by the first picker that has candidates; most passes pick nothing).
    fn lazy(
        candidates: Candidates,
        slot: &'a mut Option<SpreadCounts>,
        pass: &Pass,
        world: &EcsCluster,
        zones: &[Zone],
    ) -> Option<Self> {
        if candidates.0.is_empty() {
            return None;
        }
        let counts = slot.get_or_insert_with(|| pass.spread_counts(world, zones));
        Some(Picker::new(candidates, counts))
    }

    /// Sort the candidates by the counts as they are at the first pick.
    fn sort(&mut self, candidates: Candidates) {
        let counts = &*self.counts;
        let zone_count = counts.per_zone.len().max(1);
        // Every list sized once (a pass's candidates are counted; growing the lists step by
        // step was a third of the sort's time).
        let mut per_zone = vec![0usize; zone_count];
        for c in &candidates.0 {
            per_zone[c.zone.min(zone_count - 1)] += 1;
        }
        let mut zones: Vec<Vec<Key>> = per_zone.iter().map(|&n| Vec::with_capacity(n)).collect();
        let mut on_instance = Vec::with_capacity(candidates.0.len());
        let mut classes = Vec::with_capacity(candidates.0.len());
        for c in candidates.0 {
            let zone = c.zone.min(zone_count - 1);
            let key = Self::key(counts, c.class(), c.instance, c.t);
            zones[zone].push(key);
            if let Some(i) = c.instance {
                on_instance.push((i, c.t, zone));
                classes.push((c.t, c.class(), i));
            }
        }
        for z in &mut zones {
            z.sort_unstable_by(|a, b| b.cmp(a));
        }
        on_instance.sort_unstable();
        classes.sort_unstable();
        self.zones = zones;
        self.on_instance = on_instance;
        self.classes = classes;
    }

    fn key(counts: &SpreadCounts, class: u8, instance: Option<usize>, t: TaskIdx) -> Key {
        let on_instance = instance.map_or(0, |i| counts.per_instance[i]);
        (class, Reverse(on_instance), t)
    }

    /// The next task to stop, or `None` when no candidate is left.
    fn pick(&mut self) -> Option<TaskIdx> {
        if let Some(candidates) = self.unsorted.take() {
            self.sort(candidates);
        }
        #[cfg(debug_assertions)]
        let expected = self.slow_pick();
        // The zone whose first candidate comes first: lowest class, then the zone with the
        // most tasks, then the rest of the key (the zone's count is the same for all of its
        // candidates, so each zone's own order decides within it).
        let per_zone = &self.counts.per_zone;
        let (zone, _) = self
            .zones
            .iter()
            .enumerate()
            .filter_map(|(z, keys)| {
                let &(class, on_instance, t) = keys.last()?;
                let in_zone = per_zone.get(z).copied().unwrap_or(0);
                Some((z, (class, Reverse(in_zone), on_instance, t)))
            })
            .min_by_key(|(_, key)| *key)?;
        let (class, _, t) = self.zones[zone].pop()?;
        if class >= 2
            && let Some(n) = self.counts.per_zone.get_mut(zone)
        {
            *n = n.saturating_sub(1);
        }
        self.lower_instance(t);
        #[cfg(debug_assertions)]
        debug_assert_eq!(Some(t), expected, "the picker and the stop order disagree");
        Some(t)
    }

    /// The instance of picked task `t`, if any, has one task fewer: the other candidates
    /// there move down their zone.
    fn lower_instance(&mut self, t: TaskIdx) {
        let Ok(at) = self.classes.binary_search_by_key(&t, |(x, _, _)| *x) else {
            return;
        };
        let i = self.classes[at].2;
        let from = self.on_instance.partition_point(|(j, _, _)| *j < i);
        let to = self.on_instance.partition_point(|(j, _, _)| *j <= i);
        let mut moved = Vec::new();
        for &(_, other, z) in &self.on_instance[from..to] {
            if other == t {
                continue;
            }
            let Ok(c) = self.classes.binary_search_by_key(&other, |(x, _, _)| *x) else {
                continue;
            };
            let old = Self::key(self.counts, self.classes[c].1, Some(i), other);
            let keys = &mut self.zones[z];
            // Sorted descending: search with the order reversed.
            if let Ok(p) = keys.binary_search_by(|k| old.cmp(k)) {
                keys.remove(p);
                moved.push((z, self.classes[c].1, other));
            }
        }
        let n = &mut self.counts.per_instance[i];
        *n = n.saturating_sub(1);
        for (z, class, other) in moved {
            let new = Self::key(self.counts, class, Some(i), other);
            let keys = &mut self.zones[z];
            let p = keys.partition_point(|k| *k > new);
            keys.insert(p, new);
        }
    }

    /// The first candidate by the whole stop order, found by looking at every one (what
    /// debug builds check each pick against).
    #[cfg(debug_assertions)]
    fn slow_pick(&self) -> Option<TaskIdx> {
        let instance_of: std::collections::HashMap<TaskIdx, usize> =
            self.classes.iter().map(|&(t, _, i)| (t, i)).collect();
        self.zones
            .iter()
            .enumerate()
            .flat_map(|(z, keys)| keys.iter().map(move |k| (z, *k)))
            .map(|(z, (class, _, t))| {
                let on_instance = instance_of
                    .get(&t)
                    .map_or(0, |&i| self.counts.per_instance[i]);
                let in_zone = self.counts.per_zone.get(z).copied().unwrap_or(0);
                (class, Reverse(in_zone), Reverse(on_instance), t)
            })
            .min()
            .map(|(_, _, _, t)| t)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::ids::InstanceIdx;
    use proptest::prelude::*;

    /// The stop order as the scheduler wrote it before the [`Picker`]: every candidate's whole
    /// key, looked at on every pick.
    fn linear(mut candidates: Vec<Candidate>, counts: &mut SpreadCounts) -> Vec<TaskIdx> {
        let mut picked = Vec::new();
        while !candidates.is_empty() {
            let key = |c: &Candidate| {
                let on_instance = c.instance.map_or(0, |i| counts.per_instance[i]);
                (
                    !c.waiting,
                    c.running,
                    Reverse(counts.per_zone[c.zone]),
                    Reverse(on_instance),
                    c.t,
                )
            };
            let pos = (0..candidates.len())
                .min_by_key(|&p| key(&candidates[p]))
                .unwrap_or(0);
            let c = candidates.swap_remove(pos);
            if !c.waiting {
                counts.per_zone[c.zone] = counts.per_zone[c.zone].saturating_sub(1);
            }
            if let Some(i) = c.instance {
                counts.per_instance[i] = counts.per_instance[i].saturating_sub(1);
            }
            picked.push(c.t);
        }
        picked
    }

    /// (waiting, running, zone, instance) per candidate, and live tasks that are not
    /// candidates, on 3 zones and 6 instances (instance i is in zone i % 3).
    type Shape = (bool, bool, usize, Option<usize>);

    fn shapes() -> impl Strategy<Value = (Vec<Shape>, Vec<usize>)> {
        let candidate = (
            any::<bool>(),
            any::<bool>(),
            0..3usize,
            proptest::option::of(0..6usize),
        )
            .prop_map(|(waiting, running, zone, instance)| {
                if waiting {
                    (true, false, zone, None)
                } else {
                    (false, running, instance.map_or(zone, |i| i % 3), instance)
                }
            });
        (
            proptest::collection::vec(candidate, 0..40),
            proptest::collection::vec(0..6usize, 0..20),
        )
    }

    proptest! {
        #[test]
        fn the_picker_stops_in_the_documented_order((shape, others) in shapes()) {
            let candidates: Vec<Candidate> = shape
                .iter()
                .enumerate()
                .map(|(n, &(waiting, running, zone, instance))| Candidate {
                    t: TaskIdx(n as u32 * 3 + 1),
                    waiting,
                    running,
                    zone,
                    instance,
                })
                .collect();
            let mut counts = SpreadCounts::sized(3, 6);
            for c in &candidates {
                let host = match (c.waiting, c.instance) {
                    (true, _) => Host::AwaitingCapacity,
                    (false, Some(i)) => Host::Instance(InstanceIdx(i as u32)),
                    (false, None) => Host::Fargate,
                };
                counts.add(host, c.zone);
            }
            for &i in &others {
                counts.add(Host::Instance(InstanceIdx(i as u32)), i % 3);
            }
            let mut reference = SpreadCounts::sized(3, 6);
            reference.per_zone.clone_from(&counts.per_zone);
            reference.per_instance.clone_from(&counts.per_instance);
            let expected = linear(candidates.clone(), &mut reference);

            let mut picker = Picker::new(Candidates(candidates), &mut counts);
            let mut picked = Vec::new();
            while let Some(t) = picker.pick() {
                picked.push(t);
            }
            prop_assert_eq!(picked, expected);
            prop_assert_eq!(&counts.per_zone, &reference.per_zone);
            prop_assert_eq!(&counts.per_instance, &reference.per_instance);
        }
    }
}
