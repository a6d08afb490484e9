//! ALB target health: registration, health checks, draining.
//!
//! A new target is `initial` until its first check; one passing check makes it `healthy`,
//! `UnhealthyThresholdCount` consecutive failures make it `unhealthy` (from `initial` or
//! `healthy`), and it recovers after `HealthyThresholdCount` successes. Deregistration puts it in
//! `draining` for the deregistration delay, after which it is gone.

use crate::control::EcsTimer;
use crate::ecs::cluster::Ctx;
use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::{ServiceIdx, TargetGroupIdx, TaskIdx};
use crate::ecs::{FailMode, Host, messages};
use crate::elb::{Target, TargetReason, TargetState};
use crate::event::{EventKind, Message, Source, Subject};
use crate::name::Name;
use crate::net::Network;
use crate::probe::{Prober, Signal, Thresholds, Verdict};
use crate::rng::between;
use crate::scenario::spec::TargetType;
use crate::time::SimTime;

/// Register a task that reached RUNNING with each of its service's target groups.
pub fn register_task(ctx: &mut Ctx, service: ServiceIdx, task: TaskIdx, already_healthy: bool) {
    let now = ctx.now;
    let mut next = 0;
    while let Some(lb) =
        crate::ecs::task_set_links::load_balancer_for(ctx.world, service, task, next)
    {
        next += 1;
        let t = ctx.world.task(task);
        let tg = ctx.world.target_group(lb.target_group);
        let (id, port) = match (tg.target_type, t.host) {
            (TargetType::Instance, Host::Instance(i)) => (
                ctx.world.instance(i).ec2_instance_id.clone(),
                t.host_port.unwrap_or(lb.container_port),
            ),
            _ => (t.private_ip.clone(), lb.container_port),
        };
        let registration = if already_healthy {
            crate::time::Millis::ZERO
        } else {
            between(
                &mut ctx.rngs.timing,
                ctx.timings.target_registration.0,
                ctx.timings.target_registration.1,
            )
        };
        let hc = &tg.health_check;
        let mut prober = Prober::new(
            now.plus(registration),
            hc.interval,
            hc.timeout,
            Thresholds {
                healthy_from_initial: 1,
                healthy_from_unhealthy: hc.healthy_threshold_count,
                unhealthy_after: hc.unhealthy_threshold_count,
            },
        );
        let (state, reason) = if already_healthy {
            prober.verdict = Verdict::Healthy;
            (TargetState::Healthy, None)
        } else {
            (
                TargetState::Initial,
                Some(TargetReason::RegistrationInProgress),
            )
        };
        let target = Target {
            address: Target::address_of(&id, port),
            id,
            port,
            availability_zone: t.availability_zone.clone(),
            task,
            service,
            state,
            reason,
            registered_at: now,
            prober,
            container: lb.container_name.clone(),
            next_at: None,
            drain_until: None,
            ever_healthy: already_healthy,
        };
        let tg_arn = tg.arn.clone();
        ctx.world
            .target_group_mut(lb.target_group)
            .insert_target(target);
        // What a scheduler pass reads of the task changed (`TaskTable::touch`).
        ctx.world.tasks.touch(task);
        emit_change(ctx, lb.target_group, task, None);
        if !already_healthy {
            let name = ctx.world.service(service).name.clone();
            let label = crate::ecs::task_set_links::service_label(ctx.world, service, task);
            ctx.emit(
                Source::Service(name.clone()),
                EventKind::TargetsRegistered {
                    service: name.clone(),
                    target_group: ctx.world.target_group(lb.target_group).name.clone(),
                    count: 1,
                },
                targets_message(&label, &name, tg_arn, true),
                [
                    Subject::Service(name),
                    Subject::Task(ctx.world.task(task).id.clone()),
                    Subject::TargetGroup(ctx.world.target_group(lb.target_group).name.clone()),
                ],
            );
        }
        reschedule(ctx, lb.target_group, task);
    }
}

/// Deregister a task's targets: they drain for the deregistration delay. Returns when the last
/// one finishes draining.
///
/// ECS deregisters the targets of a task that stops for any reason (a scheduler decision, a
/// crashed essential container, a terminated host) and reports each in the service events
/// ("deregistered 1 targets", "has begun draining connections on 1 tasks"). `already_down`
/// says the task's containers are gone, so ECS does not wait for the drain to stop it; it only
/// changes the explanation.
pub fn deregister_task(
    ctx: &mut Ctx,
    service: ServiceIdx,
    task: TaskIdx,
    already_down: bool,
) -> Option<SimTime> {
    let now = ctx.now;
    let mut until = None;
    let mut next = 0;
    while let Some(lb) =
        crate::ecs::task_set_links::load_balancer_for(ctx.world, service, task, next)
    {
        next += 1;
        let tg = ctx.world.target_group_mut(lb.target_group);
        let delay = tg.deregistration_delay;
        let tg_arn = tg.arn.clone();
        let tg_name = tg.name.clone();
        let Some(pos) = tg.position_of(task) else {
            continue;
        };
        let from = tg.targets[pos].state;
        if from == TargetState::Draining {
            until = until.max(tg.targets[pos].drain_until);
            continue;
        }
        tg.set_state(pos, TargetState::Draining);
        let target = &mut tg.targets[pos];
        target.reason = Some(TargetReason::DeregistrationInProgress);
        target.drain_until = Some(now.plus(delay));
        target.next_at = Some(now.plus(delay));
        until = until.max(target.drain_until);
        ctx.world.tasks.touch(task);
        ctx.schedule(now.plus(delay), EcsTimer::Target(lb.target_group, task));
        emit_change(ctx, lb.target_group, task, Some(from));
        let name = ctx.world.service(service).name.clone();
        let label = crate::ecs::task_set_links::service_label(ctx.world, service, task);
        let task_id = ctx.world.task(task).id.clone();
        let task_set = ctx
            .world
            .task(task)
            .deployment_id
            .clone()
            .unwrap_or_default();
        let subjects = [
            Subject::Service(name.clone()),
            Subject::Task(task_id),
            Subject::TargetGroup(tg_name.clone()),
        ];
        ctx.emit(
            Source::Service(name.clone()),
            EventKind::TargetsDeregistered {
                service: name.clone(),
                target_group: tg_name,
                count: 1,
            },
            targets_message(&label, &name, tg_arn, false),
            subjects.clone(),
        );
        ctx.emit_why(
            Source::Service(name.clone()),
            EventKind::DrainingBegun {
                service: name.clone(),
                deployment: task_set.clone(),
                count: 1,
            },
            Message::OfKind,
            subjects,
            // Written straight into a `Name`: one allocation per drain, not a `String` and a
            // copy (the longer text of a task already gone still goes through a `String`).
            Some(if already_down {
                Name::format(format_args!(
                    "The task's containers are already gone, so ECS stops it without waiting; its target still drains for the target group's deregistration delay ({delay})."
                ))
            } else {
                Name::format(format_args!(
                    "The target drains for the target group's deregistration delay ({delay}) so in-flight requests can finish."
                ))
            }),
        );
    }
    until
}

/// What the application behind a target answers the load balancer, including zone outages
/// (the load balancer cannot reach the zone: checks time out).
pub fn signal(world: &EcsCluster, net: &Network, target: &Target) -> Signal {
    let app = world
        .task(target.task)
        .containers
        .iter()
        .find(|c| c.name == target.container)
        .map(|c| &c.app);
    let outages: &[(SimTime, Option<SimTime>)] = net
        .zone(&target.availability_zone)
        .map_or(&[], |z| z.outages.as_slice());
    let mut points = app.map(|a| a.change_points()).unwrap_or_default();
    for &(from, until) in outages {
        points.push(from);
        points.extend(until);
    }
    Signal::from_fn(points, |t| {
        if outages
            .iter()
            .any(|&(from, until)| from <= t && until.is_none_or(|u| t < u))
        {
            Some(FailMode::Timeout)
        } else {
            app.map_or(Some(FailMode::ConnectionRefused), |a| a.answer_at(t))
        }
    })
}

pub fn on_due(ctx: &mut Ctx, tg: TargetGroupIdx, task: TaskIdx) {
    let now = ctx.now;
    let Some(target) = ctx.world.target_group(tg).target_of(task) else {
        return;
    };
    if target.next_at != Some(now) {
        return;
    }
    if target.state == TargetState::Draining {
        if target.drain_until.is_some_and(|u| u <= now) {
            emit_removed(ctx, tg, task);
            ctx.world.target_group_mut(tg).remove_targets_of(task);
            ctx.world.tasks.touch(task);
        }
        return;
    }
    update(ctx, tg, task);
}

/// Evaluate the checks due by now for one target (also when a fault or an outage changes what
/// it answers).
pub fn update(ctx: &mut Ctx, tg: TargetGroupIdx, task: TaskIdx) {
    let now = ctx.now;
    let Some(pos) = ctx.world.target_group(tg).position_of(task) else {
        return;
    };
    let sig = signal(ctx.world, ctx.net, &ctx.world.target_group(tg).targets[pos]);
    let group = ctx.world.target_group_mut(tg);
    let target = &mut group.targets[pos];
    if target.state == TargetState::Draining {
        return;
    }
    let transitions = target.prober.catch_up(now, &sig);
    if target.reason == Some(TargetReason::RegistrationInProgress)
        && now >= target.prober.first_check_at
    {
        target.reason = Some(TargetReason::InitialHealthChecking);
    }
    let mut changes = Vec::new();
    for tr in transitions {
        let from = target.state;
        target.state = match tr.to {
            Verdict::Healthy => TargetState::Healthy,
            Verdict::Unhealthy => TargetState::Unhealthy,
            Verdict::Initial => TargetState::Initial,
        };
        target.reason = match (tr.to, tr.check.failure) {
            (Verdict::Unhealthy, Some(FailMode::Status(code))) => {
                Some(TargetReason::ResponseCodeMismatch(code))
            }
            (Verdict::Unhealthy, Some(FailMode::Timeout)) => Some(TargetReason::Timeout),
            (Verdict::Unhealthy, _) => Some(TargetReason::FailedHealthChecks),
            _ => None,
        };
        if tr.to == Verdict::Healthy {
            target.ever_healthy = true;
        }
        changes.push((from, tr));
    }
    let (service, state) = (target.service, target.state);
    // The probe may have moved the state several times; the compact array takes the last.
    let moved = group.states.get(pos) != Some(&state);
    group.set_state(pos, state);
    if moved {
        ctx.world.tasks.touch(task);
    }
    for (from, tr) in changes {
        let text = match tr.to {
            Verdict::Healthy => {
                "Target is healthy in its target group: a health check passed.".to_string()
            }
            _ => {
                let t = ctx.world.target_group(tg);
                let reason = t.targets[pos]
                    .reason
                    .as_ref()
                    .map(|r| r.description())
                    .unwrap_or_default();
                format!(
                    "Target is unhealthy in {}: {} consecutive health checks failed ({reason}).",
                    t.name, t.health_check.unhealthy_threshold_count
                )
            }
        };
        ctx.world.task_mut(task).explain(tr.at, text);
        emit_change(ctx, tg, task, Some(from));
    }
    ctx.request_pass(service);
    // What the target answers did not change while its checks ran.
    reschedule_with(ctx, tg, task, &sig);
}

/// The message of a target registered (or deregistered) in the target group `arn`: written
/// when read (`event::Message::Targets`) when it names the service as the event's kind does;
/// written now when it names a CodeDeploy task set too.
fn targets_message(label: &Name, service: &Name, arn: Name, registered: bool) -> Message {
    match (label == service, registered) {
        (true, _) => Message::Targets { arn },
        (false, true) => messages::registered_targets(label, 1, &arn).into(),
        (false, false) => messages::deregistered_targets(label, 1, &arn).into(),
    }
}

fn reschedule(ctx: &mut Ctx, tg: TargetGroupIdx, task: TaskIdx) {
    let Some(target) = ctx.world.target_group(tg).target_of(task) else {
        return;
    };
    let sig = signal(ctx.world, ctx.net, target);
    reschedule_with(ctx, tg, task, &sig);
}

/// [`reschedule`] with the target's signal already at hand.
fn reschedule_with(ctx: &mut Ctx, tg: TargetGroupIdx, task: TaskIdx, sig: &Signal) {
    let now = ctx.now;
    let Some(target) = ctx.world.target_group(tg).target_of(task) else {
        return;
    };
    let mut next = target.prober.next_transition(sig);
    if target.reason == Some(TargetReason::RegistrationInProgress)
        && target.prober.first_check_at > now
    {
        next = Some(next.map_or(target.prober.first_check_at, |n| {
            n.min(target.prober.first_check_at)
        }));
    }
    if let Some(t) = ctx.world.target_group_mut(tg).target_of_mut(task) {
        t.next_at = next;
    }
    if let Some(at) = next {
        ctx.schedule(at, EcsTimer::Target(tg, task));
    }
}

/// Recompute every target of a task (its application's behaviour changed).
pub fn refresh_task(ctx: &mut Ctx, task: TaskIdx) {
    let groups: Vec<TargetGroupIdx> = (0..ctx.world.target_groups.len())
        .map(|i| TargetGroupIdx(i as u32))
        .filter(|g| ctx.world.target_group(*g).target_of(task).is_some())
        .collect();
    for g in groups {
        update(ctx, g, task);
    }
}

/// Recompute every target in a zone (an outage began or ended).
pub fn refresh_zone(ctx: &mut Ctx, zone: &str) {
    let mut affected = Vec::new();
    for (g, tg) in ctx.world.target_groups.iter().enumerate() {
        for t in &tg.targets {
            if t.availability_zone == zone {
                affected.push((TargetGroupIdx(g as u32), t.task));
            }
        }
    }
    for (g, t) in affected {
        update(ctx, g, t);
    }
}

fn emit_change(ctx: &mut Ctx, tg: TargetGroupIdx, task: TaskIdx, from: Option<TargetState>) {
    let group = ctx.world.target_group(tg);
    let Some(target) = group.target_of(task) else {
        return;
    };
    let t = ctx.world.task(task);
    let td = ctx.world.task_definition(t.task_definition);
    let endpoint = target.address.clone();
    // Every target of every task changes state several times: the text is written when read
    // (`event::target_state_text`).
    let message = Message::TargetState {
        family: td.family.clone(),
        reason: target.reason,
    };
    let kind = EventKind::TargetHealthChanged {
        target_group: group.name.clone(),
        target: endpoint,
        task: t.id.clone(),
        service: t.service.map(|s| ctx.world.service(s).name.clone()),
        revision: td.revision,
        from,
        to: target.state,
    };
    let subjects = [
        Subject::TargetGroup(group.name.clone()),
        Subject::Task(t.id.clone()),
    ];
    ctx.emit(
        Source::TargetGroup(group.name.clone()),
        kind,
        message,
        subjects,
    );
}

fn emit_removed(ctx: &mut Ctx, tg: TargetGroupIdx, task: TaskIdx) {
    let group = ctx.world.target_group(tg);
    let Some(target) = group.target_of(task) else {
        return;
    };
    let t = ctx.world.task(task);
    let td = ctx.world.task_definition(t.task_definition);
    let endpoint = target.address.clone();
    // Written when read (`event::target_removed_text`), as the other target changes.
    let message = Message::TargetRemoved {
        family: td.family.clone(),
    };
    let kind = EventKind::TargetHealthChanged {
        target_group: group.name.clone(),
        target: endpoint,
        task: t.id.clone(),
        service: t.service.map(|s| ctx.world.service(s).name.clone()),
        revision: td.revision,
        from: Some(TargetState::Draining),
        to: TargetState::Unused,
    };
    let subjects = [
        Subject::TargetGroup(group.name.clone()),
        Subject::Task(t.id.clone()),
    ];
    ctx.emit(
        Source::TargetGroup(group.name.clone()),
        kind,
        message,
        subjects,
    );
}
