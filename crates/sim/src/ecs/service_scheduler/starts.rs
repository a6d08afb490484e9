//! Starts: launch what each deployment still needs within the upper bound, replace failing
//! tasks (start first when the upper bound leaves room, else stop one first), place tasks, and
//! let tasks of a managed-scaling capacity provider wait in PROVISIONING for an instance
//! (docs/rules/ecs-deployments.md#orcas-scheduler-pass,
//! #replacing-unhealthy-tasks-outside-a-deployment; docs/rules/ecs-scaling.md, managed
//! scaling; docs/rules/ecs-service-events.md#unable-to-place-a-task).

use super::bounds::EXPLAIN_ROOM_CAPACITY;
use super::observe::Pass;
use super::stops::{self, Stop};
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TaskDefIdx, TaskIdx};
use crate::ecs::placement::{self, Placement, SpreadCounts};
use crate::ecs::{Host, RolloutState, TaskStatus, circuit_breaker, messages, task_lifecycle};
use crate::event::{EventKind, Source, Subject};
use crate::name::Name;
use crate::text::push_u64;
use crate::time::Millis;

/// How long the scheduler waits before trying again to place a task that did not fit [model].
const PLACEMENT_RETRY: Millis = Millis::from_secs(15);
/// A duplicate service event message is suppressed until its cause is resolved or this long
/// has passed (docs/rules/ecs-service-events.md#general-rules; source:
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html>).
pub(super) const DUPLICATE_MESSAGE_SUPPRESSION: Millis = Millis::from_secs(6 * 3600);

/// Place the service's tasks that wait for capacity, oldest first, on instances that have
/// registered since.
pub(super) fn place_waiting(ctx: &mut Ctx, s: ServiceIdx) {
    if !ctx.world.service(s).may_have_waiting {
        return;
    }
    let waiting: Vec<TaskIdx> = ctx
        .world
        .service(s)
        .tasks
        .iter()
        .copied()
        .filter(|&t| {
            let task = ctx.world.task(t);
            task.host == Host::AwaitingCapacity && task.last_status == TaskStatus::Provisioning
        })
        .collect();
    if waiting.is_empty() {
        ctx.world.service_mut(s).may_have_waiting = false;
        return;
    }
    let mut counts = SpreadCounts::of(ctx.world, &ctx.net.zones, s);
    for t in waiting {
        let task = ctx.world.task(t);
        let provider = task.capacity_provider.clone();
        let td = task.task_definition;
        if let Ok(p) = placement::place(
            ctx.world,
            &ctx.net.zones,
            s,
            td,
            provider.as_deref(),
            &mut counts,
            &mut ctx.rngs.placement,
        ) {
            task_lifecycle::place_waiting(ctx, t, p);
        }
    }
}

/// A failing task's replacement starts first when the upper bound leaves room for it. When it
/// does not, one failing task stops first (the rest wait for a later pass): that stop.
pub(super) fn stop_first_for_replacement(world: &EcsCluster, pass: &Pass) -> Option<Stop> {
    let first = *pass.failing.first()?;
    if pass.bounds.room() > 0 {
        return None;
    }
    Some(Stop {
        t: first,
        cause: stops::failing_cause(world, first),
        why: format!(
            "Replaced because it failed its health checks. No room to start the replacement first ({}), so it stops first.",
            pass.bounds.explain_room()
        ),
        scales_down: false,
    })
}

/// Launch, for the PRIMARY deployment first and then older deployments replacing their failed
/// tasks, what each still needs, within the room the upper bound leaves.
pub(super) fn launch(ctx: &mut Ctx, pass: &mut Pass) {
    let now = ctx.now;
    pass.throttled = ctx
        .world
        .service(pass.s)
        .throttled_until
        .filter(|t| *t > now);
    let mut order: Vec<Name> = vec![pass.primary.clone()];
    order.extend(
        ctx.world
            .service(pass.s)
            .deployments
            .iter()
            .rev()
            .filter(|d| d.id != pass.primary)
            .map(|d| d.id.clone()),
    );
    // The spread counts are counted for the first launch: most passes launch nothing.
    let mut counts = None;
    for dep_id in order {
        let Some(dep) = ctx.world.service(pass.s).deployment(&dep_id) else {
            continue;
        };
        if dep.rollout_state == RolloutState::Failed {
            continue;
        }
        // Tasks on a DRAINING instance are on their way out: their replacements start like
        // any missing task, within the upper bound.
        let have = pass.counting(ctx.world, &dep_id).rows;
        let need = dep.desired_count.saturating_sub(have);
        if need == 0 {
            continue;
        }
        if let Some(until) = pass.throttled {
            ctx.request_pass_at(pass.s, until);
            break;
        }
        if pass.bounds.room() == 0 {
            // Nothing may start: `launch_for` would start none.
            continue;
        }
        let td = dep.task_definition;
        let before = pass.bounds;
        let counts = counts.get_or_insert_with(|| pass.spread_counts(ctx.world, &ctx.net.zones));
        let ids = launch_for(ctx, pass, &dep_id, td, need, counts);
        if !ids.is_empty() {
            report_started(ctx, pass, &dep_id, td, need, ids, before);
        }
        if pass.placement_failed {
            break;
        }
    }
}

/// Launch up to `need` tasks of deployment `dep_id` while the upper bound leaves room;
/// returns their ids.
fn launch_for(
    ctx: &mut Ctx,
    pass: &mut Pass,
    dep_id: &Name,
    td: TaskDefIdx,
    need: u32,
    counts: &mut SpreadCounts,
) -> Vec<Name> {
    let s = pass.s;
    let n = need.min(pass.bounds.room());
    let mut ids: Vec<Name> = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let provider = task_lifecycle::choose_capacity_provider(ctx.world, s);
        let placed = placement::place(
            ctx.world,
            &ctx.net.zones,
            s,
            td,
            provider.as_deref(),
            counts,
            &mut ctx.rngs.placement,
        );
        // "Started by deployment ecs-svc/…: upper …, lower …: 6 running or pending leaves
        // room for 2, and the deployment needs 2 more." One buffer for all of it.
        let mut why = String::with_capacity(dep_id.len() + EXPLAIN_ROOM_CAPACITY + 70);
        why.push_str("Started by deployment ");
        why.push_str(dep_id);
        why.push_str(": ");
        pass.bounds.write_explain_room(&mut why);
        why.push_str(", and the deployment needs ");
        push_u64(&mut why, u64::from(need - ids.len() as u32));
        why.push_str(" more.");
        match placed {
            Ok(p) => {
                let t = task_lifecycle::launch(ctx, s, dep_id, td, p, provider, why);
                ids.push(ctx.world.task(t).id.clone());
                pass.launched.push(t);
                pass.bounds.running_or_pending += 1;
            }
            Err(problem) if placement::waits_for_capacity(ctx.world, provider.as_deref()) => {
                let why = format!(
                    "{why} {}",
                    placement::waiting_why(provider.as_deref(), &problem)
                );
                let waiting = Placement::awaiting_capacity();
                ctx.world.service_mut(s).may_have_waiting = true;
                let t = task_lifecycle::launch(ctx, s, dep_id, td, waiting, provider, why);
                ids.push(ctx.world.task(t).id.clone());
                pass.launched.push(t);
                pass.bounds.running_or_pending += 1;
            }
            Err(problem) => {
                pass.placement_failed = true;
                report_unable_to_place(ctx, s, &pass.name, &problem);
                ctx.request_pass_at(s, ctx.now.plus(PLACEMENT_RETRY));
                // [inferred] A task the deployment could not place counts as one that failed to
                // launch. The Developer Guide ("How the Amazon ECS deployment circuit breaker
                // detects failures") counts tasks that fail to reach RUNNING and does not
                // mention placement; users report the breaker rolling deployments back when
                // the cluster lacks resources (aws/containers-roadmap#1273, "ability to define
                // for which errors the CB apply"; aws-samples/cost-effective-aws-deployment-of-
                // comfyui#19). The guide's stage 1 (tasks that fail to reach RUNNING) applies
                // while no task of the deployment is RUNNING, so only then; how many failures
                // one retry adds is not published: Orca counts one per attempt that finds no
                // instance.
                if !has_running_task(ctx.world, s, dep_id) {
                    circuit_breaker::record_failure(ctx, s, dep_id);
                }
                break;
            }
        }
    }
    ids
}

/// Whether a task of deployment `dep_id` is RUNNING (the circuit breaker's stage 2).
fn has_running_task(world: &EcsCluster, s: ServiceIdx, dep_id: &str) -> bool {
    world.service(s).tasks.iter().any(|&t| {
        let task = world.task(t);
        task.last_status == TaskStatus::Running && task.deployment_id.as_deref() == Some(dep_id)
    })
}

/// "has started N tasks", with how many of them replace unhealthy tasks.
fn report_started(
    ctx: &mut Ctx,
    pass: &mut Pass,
    dep_id: &Name,
    td: TaskDefIdx,
    need: u32,
    ids: Vec<Name>,
    before: super::bounds::Bounds,
) {
    pass.progressed = true;
    let started = ids.len() as u32;
    let stopping_after = pass
        .failing
        .iter()
        .filter(|&&t| ctx.world.task(t).deployment_id.as_deref() == Some(dep_id))
        .count() as u32;
    let svc = ctx.world.service_mut(pass.s);
    // A task was started: the cause of "unable to place" is resolved.
    svc.unable_to_place_reported = None;
    let d = svc.deployment_mut(dep_id).expect("deployment exists");
    let from_earlier = d.unhealthy_to_replace.min(started);
    d.unhealthy_to_replace -= from_earlier;
    let from_this_pass = stopping_after.min(started - from_earlier);
    if from_this_pass > 0 {
        pass.credited.push((dep_id.clone(), from_this_pass));
    }
    let replaced = from_earlier + from_this_pass;
    let revision = ctx.world.task_definition(td).revision;
    let name = pass.name.clone();
    let mut subjects = vec![Subject::Service(name.clone())];
    subjects.extend(ids.iter().map(|i| Subject::Task(i.clone())));
    ctx.emit_why(
        Source::Service(name.clone()),
        EventKind::TasksStarted {
            service: name.clone(),
            deployment: dep_id.clone(),
            revision,
            tasks: ids.clone(),
            replaced_unhealthy: replaced,
        },
        messages::started_tasks(&name, &ids, replaced),
        subjects,
        Some(format!(
            "{}; deployment {dep_id} needed {need}, so {started} started.",
            before.explain_room()
        )),
    );
}

/// True when a task of `provider` that fits nowhere waits in PROVISIONING for capacity (an Auto
/// Scaling group provider with managed scaling) instead of being reported unable to place.
fn report_unable_to_place(
    ctx: &mut Ctx,
    s: ServiceIdx,
    name: &str,
    problem: &messages::PlacementProblem,
) {
    let now = ctx.now;
    let message = messages::unable_to_place(name, problem);
    let svc = ctx.world.service_mut(s);
    // ECS suppresses a duplicate message until its cause is resolved (a task is placed, which
    // clears the record) or 6 hours pass. A different text (another closest-matching instance,
    // another reason) is a new message.
    let duplicate = svc
        .unable_to_place_reported
        .as_ref()
        .is_some_and(|(at, text)| {
            *text == message && now.since(*at) < DUPLICATE_MESSAGE_SUPPRESSION
        });
    if duplicate {
        return;
    }
    svc.unable_to_place_reported = Some((now, message.clone()));
    ctx.emit_why(
        Source::Service(name.into()),
        EventKind::UnableToPlace {
            service: name.into(),
            reason: message.as_str().into(),
        },
        message,
        [Subject::Service(name.into())],
        Some(Name::from("No instance has room for the task (or every zone is unavailable). ECS retries every 15 seconds; it does not repeat the same message until a task is placed or 6 hours pass, but a different reason or closest-matching instance is reported at once.")),
    );
}
