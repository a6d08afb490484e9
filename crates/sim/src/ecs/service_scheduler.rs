//! The ECS service scheduler for REPLICA services with the rolling-update (`ECS`) deployment
//! controller: keeps `desiredCount` tasks running, rolls deployments within the
//! `minimumHealthyPercent` / `maximumPercent` bounds, and replaces unhealthy tasks.
//!
//! The bounds, the health gates and the event wording are documented; the pass-by-pass
//! algorithm is not, so each pass follows Orca's model of it (reference §1) [model]:
//! 1. `upper = floor(desired × max% / 100)` caps RUNNING + PENDING tasks of all deployments;
//!    `lower = ceil(desired × min% / 100)` is the floor on RUNNING *and healthy* tasks.
//! 2. Unhealthy tasks are replaced: start first when `upper` leaves room, else stop one first.
//! 3. Start: launch up to `upper − (running + pending)` tasks a deployment still needs.
//! 4. Stop: old tasks that are not healthy stop freely; healthy ones only while
//!    `healthy − lower` stays positive.
//! 5. When the new deployment has all its tasks healthy and no old task is left, it is
//!    COMPLETED and the service reports a steady state.

use crate::ecs::cluster::Ctx;
use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::{ServiceIdx, TaskDefIdx, TaskIdx};
use crate::ecs::placement::{self, SpreadCounts};
use crate::ecs::task_lifecycle::{self, Placement, StopCause};
use crate::ecs::{
    Deployment, DeploymentStatus, HealthStatus, Host, InstanceStatus, RolloutState, SchedulerView,
    Suppressed, TaskStatus, UnhealthyReason, circuit_breaker, lower_bound, messages, upper_bound,
};
use crate::elb::TargetState;
use crate::event::{EventKind, HealthCheckKind, Source, Subject};
use crate::rng::digits;
use crate::scenario::spec::TargetType;
use crate::time::{Millis, SimTime};

/// Without health checks and without a load balancer, a task counts as healthy once it has
/// been RUNNING this long.
pub const NO_HEALTH_CHECK_RULE: Millis = Millis::from_secs(40);
/// How long the scheduler waits before trying again to place a task that did not fit [model].
const PLACEMENT_RETRY: Millis = Millis::from_secs(15);
/// A duplicate service event message is suppressed until its cause is resolved or this long
/// has passed (reference §5); the steady-state message repeats after the same 6 hours.
const DUPLICATE_MESSAGE_SUPPRESSION: Millis = Millis::from_secs(6 * 3600);
const STEADY_REPEAT: Millis = DUPLICATE_MESSAGE_SUPPRESSION;
/// Consecutive launch failures before the service throttle delays new launches [model].
const THROTTLE_AFTER: u32 = 3;

/// Is a task healthy enough to count toward `lower`, failing, or not there yet?
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    Healthy(HealthyBy),
    /// Not (yet) healthy; look again at `wake` if set (the 40-second rule, the grace period).
    NotYet {
        wake: Option<SimTime>,
    },
    /// Failed its health checks past the grace period: to be replaced.
    Failing(UnhealthyReason),
}

/// Which rules made a task healthy. Kept as flags so the scheduler can evaluate thousands of
/// gates per pass without building text; [`HealthyBy::describe`] writes the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HealthyBy {
    pub container_checks: bool,
    pub load_balancer: bool,
    pub forty_seconds: bool,
}

impl HealthyBy {
    pub fn describe(&self, world: &EcsCluster, t: TaskIdx) -> String {
        let mut rules = Vec::new();
        if self.container_checks {
            rules.push("its container health checks report HEALTHY".to_string());
        }
        if self.load_balancer
            && let Some(s) = world.task(t).service
        {
            for lb in &world.service(s).load_balancers {
                rules.push(format!(
                    "its target is healthy in {}",
                    world.target_group(lb.target_group).name
                ));
            }
        }
        if self.forty_seconds {
            rules.push("it has been RUNNING for 40s and has neither container health checks nor a load balancer".into());
        }
        rules.join(" and ")
    }
}

/// The documented "healthy" rules for a service task (reference §1, "When a new task counts as
/// healthy"), with `healthCheckGracePeriodSeconds` holding back unhealthy verdicts.
pub fn health_gate(world: &EcsCluster, now: SimTime, t: TaskIdx) -> Gate {
    let task = world.task(t);
    let Some(s) = task.service else {
        return Gate::NotYet { wake: None };
    };
    if task.last_status != TaskStatus::Running || !task.is_live() {
        return Gate::NotYet { wake: None };
    }
    let svc = world.service(s);
    let td = world.task_definition(task.task_definition);
    let started = task.started_at.unwrap_or(now);
    let grace_end = started.plus(svc.health_check_grace_period);
    let in_grace = now < grace_end;
    let mut healthy = true;
    let mut wake = None;
    let mut by = HealthyBy::default();
    let has_check = td.has_essential_health_check();
    if has_check {
        match task.health_status {
            HealthStatus::Healthy => by.container_checks = true,
            HealthStatus::Unhealthy if !in_grace => {
                let container = task
                    .containers
                    .iter()
                    .find(|c| c.essential && c.health_status == HealthStatus::Unhealthy)
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                return Gate::Failing(UnhealthyReason::ContainerHealthCheck { container });
            }
            HealthStatus::Unhealthy => {
                healthy = false;
                wake = Some(grace_end);
            }
            HealthStatus::Unknown => healthy = false,
        }
    }
    for lb in &svc.load_balancers {
        let tg = world.target_group(lb.target_group);
        match tg.target_of(t) {
            Some(target) if target.state == TargetState::Healthy => by.load_balancer = true,
            Some(target) if target.state == TargetState::Unhealthy && !in_grace => {
                let reason = target
                    .reason
                    .as_ref()
                    .map(|r| r.description())
                    .unwrap_or_else(|| "Health checks failed".into());
                return Gate::Failing(UnhealthyReason::TargetGroup {
                    target_group: lb.target_group,
                    reason,
                });
            }
            Some(target) if target.state == TargetState::Unhealthy => {
                healthy = false;
                wake = Some(grace_end);
            }
            _ => healthy = false,
        }
    }
    if !has_check && svc.load_balancers.is_empty() {
        let at = started.plus(NO_HEALTH_CHECK_RULE);
        // Tasks of a service that was already steady when the scenario began have long
        // passed the 40 s mark (`healthy_at` is set for them at the start).
        if now < at && task.healthy_at.is_none() {
            healthy = false;
            wake = Some(at);
        } else {
            by.forty_seconds = true;
        }
    }
    if healthy {
        Gate::Healthy(by)
    } else {
        Gate::NotYet { wake }
    }
}

/// A service whose tasks are already running and healthy when the scenario starts.
pub fn start_steady(ctx: &mut Ctx, s: ServiceIdx) {
    let td = ctx.world.service(s).task_definition;
    let id = new_deployment(ctx, s, td, None);
    let now = ctx.now;
    {
        let d = ctx
            .world
            .service_mut(s)
            .deployment_mut(&id)
            .expect("just created");
        d.rollout_state = RolloutState::Completed;
        d.rollout_state_reason = messages::rollout_completed(&id);
    }
    let desired = ctx.world.service(s).desired_count;
    let mut counts = SpreadCounts::of(ctx.world, &ctx.net.zones, s);
    for _ in 0..desired {
        let provider = task_lifecycle::choose_capacity_provider(ctx.world, s);
        let Ok(p) = placement::place(
            ctx.world,
            &ctx.net.zones,
            s,
            td,
            provider.as_deref(),
            &mut counts,
            &mut ctx.rngs.placement,
        ) else {
            break;
        };
        let t = task_lifecycle::launch_running(ctx, s, &id, td, p, provider);
        ctx.world.task_mut(t).healthy_at = Some(now);
    }
    let svc = ctx.world.service_mut(s);
    svc.last_completed = Some((id, td));
    ctx.request_pass_at(s, now);
}

/// A service created when the scenario starts: its first deployment launches every task.
pub fn create(ctx: &mut Ctx, s: ServiceIdx) {
    let td = ctx.world.service(s).task_definition;
    new_deployment(ctx, s, td, None);
    let now = ctx.now;
    ctx.request_pass_at(s, now);
}

/// Start a new PRIMARY deployment of `td`; the previous primary becomes ACTIVE and is scaled
/// down by the rollout. Returns the new deployment's id.
pub fn new_deployment(
    ctx: &mut Ctx,
    s: ServiceIdx,
    td: TaskDefIdx,
    reason: Option<String>,
) -> String {
    let now = ctx.now;
    let id = format!("ecs-svc/{}", digits(&mut ctx.rngs.ids, 19));
    let live: Vec<(String, u32)> = {
        let w = &*ctx.world;
        w.service(s)
            .deployments
            .iter()
            .map(|d| {
                let n = w
                    .service(s)
                    .tasks
                    .iter()
                    .filter(|&&t| {
                        let task = w.task(t);
                        task.is_live() && task.deployment_id.as_deref() == Some(&d.id)
                    })
                    .count() as u32;
                (d.id.clone(), n)
            })
            .collect()
    };
    let svc = ctx.world.service_mut(s);
    for d in &mut svc.deployments {
        if d.status == DeploymentStatus::Primary {
            d.status = DeploymentStatus::Active;
            d.updated_at = now;
        }
        // An old deployment keeps the tasks it has; the rollout scales it down from there.
        if let Some((_, n)) = live.iter().find(|(i, _)| *i == d.id) {
            d.desired_count = *n;
        }
    }
    svc.deployments.push(Deployment {
        id: id.clone(),
        status: DeploymentStatus::Primary,
        task_definition: td,
        desired_count: svc.desired_count,
        pending_count: 0,
        running_count: 0,
        failed_tasks: 0,
        rollout_state: RolloutState::InProgress,
        rollout_state_reason: reason.unwrap_or_else(|| messages::rollout_in_progress(&id)),
        created_at: now,
        updated_at: now,
        unhealthy_to_replace: 0,
    });
    svc.task_definition = td;
    svc.steady = false;
    // A new task definition clears the throttle and lets messages be reported afresh.
    svc.consecutive_launch_failures = 0;
    svc.throttled_until = None;
    svc.suppressed.clear();
    ctx.request_pass(s);
    id
}

/// `aws ecs update-service`.
pub fn update_service(
    ctx: &mut Ctx,
    s: ServiceIdx,
    task_definition: Option<TaskDefIdx>,
    desired_count: Option<u32>,
    force_new_deployment: bool,
    minimum_healthy_percent: Option<u32>,
    maximum_percent: Option<u32>,
) {
    let svc = ctx.world.service_mut(s);
    if let Some(m) = minimum_healthy_percent {
        svc.deployment_configuration.minimum_healthy_percent = m;
    }
    if let Some(m) = maximum_percent {
        svc.deployment_configuration.maximum_percent = m;
    }
    if let Some(n) = desired_count {
        svc.desired_count = n;
        if let Some(p) = svc
            .deployments
            .iter_mut()
            .find(|d| d.status == DeploymentStatus::Primary)
        {
            p.desired_count = n;
        }
        svc.steady = false;
        svc.suppressed.retain(|x| *x != Suppressed::DeploymentStuck);
    }
    let current = svc.task_definition;
    let td = task_definition.unwrap_or(current);
    if td != current || force_new_deployment {
        new_deployment(ctx, s, td, None);
    }
    ctx.request_pass(s);
}

/// A task of the service stopped before it reached RUNNING: the service throttle backs off.
pub fn record_launch_failure(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    let svc = ctx.world.service_mut(s);
    svc.consecutive_launch_failures += 1;
    let n = svc.consecutive_launch_failures;
    if n < THROTTLE_AFTER {
        return;
    }
    // Back off 30 s, doubling, up to the documented 15 minutes [model].
    let delay = Millis::from_secs((30u64 << (n - THROTTLE_AFTER).min(5)).min(15 * 60));
    svc.throttled_until = Some(now.plus(delay));
    if !svc.is_suppressed(Suppressed::Throttled) {
        svc.suppressed.push(Suppressed::Throttled);
        let name = svc.name.clone();
        ctx.emit_why(
            Source::Service(name.clone()),
            EventKind::Throttled { service: name.clone() },
            messages::throttled(&name),
            vec![Subject::Service(name)],
            Some(format!(
                "{n} tasks in a row stopped before reaching RUNNING; ECS waits {delay} before the next launch and backs off further (up to 15 minutes) while failures continue."
            )),
        );
    }
    ctx.request_pass_at(s, now.plus(delay));
}

pub fn on_pass_due(ctx: &mut Ctx, s: ServiceIdx) {
    if ctx.world.service(s).pass_at != Some(ctx.now) {
        return;
    }
    ctx.world.service_mut(s).pass_at = None;
    pass(ctx, s);
}

/// The tasks a pass decided to stop, and why.
struct Stops {
    list: Vec<(TaskIdx, StopCause, String)>,
}

/// True when a task of `provider` that fits nowhere waits in PROVISIONING for capacity (an Auto
/// Scaling group provider with managed scaling) instead of being reported unable to place.
fn waits_for_capacity(world: &EcsCluster, provider: Option<&str>) -> bool {
    provider.is_some_and(|p| {
        world
            .auto_scaling_groups
            .iter()
            .any(|g| g.capacity_provider == p && g.managed_scaling.is_some())
    })
}

/// Place the service's tasks that wait for capacity, oldest first, on instances that have
/// registered since.
fn place_waiting(ctx: &mut Ctx, s: ServiceIdx) {
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

/// The deployment of each task live when a pass begins, as a position in the service's
/// deployments, so the pass compares small numbers instead of deployment ids.
struct LiveDeployments {
    ids: Vec<String>,
    /// Parallel to the pass's `live` tasks; `None` for a task whose deployment is not listed.
    positions: Vec<Option<usize>>,
}

impl LiveDeployments {
    fn of(world: &EcsCluster, s: ServiceIdx, live: &[TaskIdx]) -> Self {
        let ids: Vec<String> = world
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
fn on_draining_instance(world: &EcsCluster, t: TaskIdx) -> bool {
    match world.task(t).host {
        Host::Instance(i) => world.instance(i).status == InstanceStatus::Draining,
        _ => false,
    }
}

/// Service tasks on a DRAINING instance that have not reached RUNNING are stopped at once
/// [doc: container-instance-draining]; their replacements start elsewhere in this pass.
fn stop_starting_on_draining(ctx: &mut Ctx, s: ServiceIdx, name: &str) {
    let list: Vec<(TaskIdx, StopCause, String)> = ctx
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
            (
                t,
                StopCause::Scheduler { deployment },
                "Stopped at once: its container instance is DRAINING and it had not reached RUNNING.".to_string(),
            )
        })
        .collect();
    if !list.is_empty() {
        execute_stops(ctx, s, name, Stops { list });
    }
}

fn pass(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    let svc = ctx.world.service(s);
    if svc.status != "ACTIVE" {
        return;
    }
    let name = svc.name.clone();
    place_waiting(ctx, s);
    stop_starting_on_draining(ctx, s, &name);
    let svc = ctx.world.service(s);
    let name = svc.name.clone();
    let desired = svc.desired_count;
    let cfg = svc.deployment_configuration.clone();
    let upper = upper_bound(desired, cfg.maximum_percent);
    let lower = lower_bound(desired, cfg.minimum_healthy_percent);
    let bounds = format!(
        "upper bound floor({desired} × {}%) = {upper}, lower bound ceil({desired} × {}%) = {lower}",
        cfg.maximum_percent, cfg.minimum_healthy_percent
    );
    let Some(primary) = svc.primary().map(|d| d.id.clone()) else {
        return;
    };

    // 1. Health gates.
    let live: Vec<TaskIdx> = svc
        .tasks
        .iter()
        .copied()
        .filter(|&t| ctx.world.task(t).is_live())
        .collect();
    let live_deployments = LiveDeployments::of(ctx.world, s, &live);
    let mut gates = Vec::with_capacity(live.len());
    for &t in &live {
        let gate = health_gate(ctx.world, now, t);
        match &gate {
            Gate::Healthy(by) => {
                if ctx.world.task(t).healthy_at.is_none() {
                    let rule = by.describe(ctx.world, t);
                    let task = ctx.world.task_mut(t);
                    task.healthy_at = Some(now);
                    task.explain(
                        now,
                        format!("Counts as healthy for the deployment: {rule}."),
                    );
                    let dep = task.deployment_id.clone().unwrap_or_default();
                    circuit_breaker::record_success(ctx, s, &dep);
                }
            }
            Gate::Failing(reason) => {
                if ctx.world.task(t).unhealthy_reason.is_none() {
                    notice_failing(ctx, s, t, reason.clone());
                }
            }
            Gate::NotYet { wake: Some(at) } => ctx.request_pass_at(s, *at),
            Gate::NotYet { wake: None } => {}
        }
        gates.push((t, gate));
    }
    let failing: Vec<TaskIdx> = gates
        .iter()
        .filter(|(_, g)| matches!(g, Gate::Failing(_)))
        .map(|(t, _)| *t)
        .collect();
    let mut live_count = live.len() as u32;
    let mut progressed = false;

    // 2. No room to start a replacement first: stop one unhealthy task first.
    let mut failing_to_stop: &[TaskIdx] = &failing;
    if live_count >= upper && !failing.is_empty() {
        let first = failing[0];
        let stops = Stops {
            list: vec![(
                first,
                failing_cause(ctx.world, first),
                format!(
                    "Replaced because it failed its health checks. No room to start the replacement first ({} running or pending, {bounds}), so it stops first.",
                    live_count
                ),
            )],
        };
        execute_stops(ctx, s, &name, stops);
        live_count -= 1;
        progressed = true;
        failing_to_stop = &[];
    }

    // 3. Starts, primary first, then older deployments replacing their failed tasks.
    let mut placement_failed = false;
    let throttled = ctx.world.service(s).throttled_until.filter(|t| *t > now);
    let mut order: Vec<String> = vec![primary.clone()];
    order.extend(
        ctx.world
            .service(s)
            .deployments
            .iter()
            .rev()
            .filter(|d| d.id != primary)
            .map(|d| d.id.clone()),
    );
    let mut counts = SpreadCounts::of(ctx.world, &ctx.net.zones, s);
    // Failing tasks this pass stops after starting their replacements (step 4): the start
    // already counts them as replaced "due to an unhealthy status"; their stop, which adds
    // them to `unhealthy_to_replace`, must then not count them a second time.
    let mut credited: Vec<(String, u32)> = Vec::new();
    for dep_id in order {
        let Some(dep) = ctx.world.service(s).deployment(&dep_id) else {
            continue;
        };
        if dep.rollout_state == RolloutState::Failed {
            continue;
        }
        // Tasks on a DRAINING instance are on their way out: their replacements start like
        // any missing task, within the upper bound.
        let have = live_deployments.tasks_of(ctx.world, &live, &dep_id).count() as u32;
        let need = dep.desired_count.saturating_sub(have);
        if need == 0 {
            continue;
        }
        if let Some(until) = throttled {
            ctx.request_pass_at(s, until);
            break;
        }
        let room = upper.saturating_sub(live_count);
        let n = need.min(room);
        let td_idx = dep.task_definition;
        let mut ids = Vec::new();
        for _ in 0..n {
            let provider = task_lifecycle::choose_capacity_provider(ctx.world, s);
            let placed = placement::place(
                ctx.world,
                &ctx.net.zones,
                s,
                td_idx,
                provider.as_deref(),
                &mut counts,
                &mut ctx.rngs.placement,
            );
            let why = format!(
                "Started by deployment {dep_id}: {live_count} running or pending < {bounds}, and the deployment needs {} more.",
                need - ids.len() as u32
            );
            match placed {
                Ok(p) => {
                    let t = task_lifecycle::launch(ctx, s, &dep_id, td_idx, p, provider, why);
                    ids.push(ctx.world.task(t).id.clone());
                    live_count += 1;
                }
                Err(problem) if waits_for_capacity(ctx.world, provider.as_deref()) => {
                    let why = format!(
                        "{why} No instance of capacity provider {} fits it ({}), so it waits in PROVISIONING for managed scaling to add one.",
                        provider.as_deref().unwrap_or_default(),
                        problem.reason()
                    );
                    let waiting = Placement {
                        host: Host::AwaitingCapacity,
                        zone_index: 0,
                        host_port: None,
                    };
                    let t = task_lifecycle::launch(ctx, s, &dep_id, td_idx, waiting, provider, why);
                    ids.push(ctx.world.task(t).id.clone());
                    live_count += 1;
                }
                Err(problem) => {
                    placement_failed = true;
                    report_unable_to_place(ctx, s, &name, &problem);
                    ctx.request_pass_at(s, now.plus(PLACEMENT_RETRY));
                    break;
                }
            }
        }
        if !ids.is_empty() {
            progressed = true;
            let stopping_after = failing_to_stop
                .iter()
                .filter(|&&t| ctx.world.task(t).deployment_id.as_deref() == Some(&dep_id))
                .count() as u32;
            let svc = ctx.world.service_mut(s);
            // A task was started: the cause of "unable to place" is resolved.
            svc.unable_to_place_reported = None;
            let d = svc.deployment_mut(&dep_id).expect("deployment exists");
            let from_earlier = d.unhealthy_to_replace.min(ids.len() as u32);
            d.unhealthy_to_replace -= from_earlier;
            let from_this_pass = stopping_after.min(ids.len() as u32 - from_earlier);
            if from_this_pass > 0 {
                credited.push((dep_id.clone(), from_this_pass));
            }
            let replaced = from_earlier + from_this_pass;
            let revision = ctx.world.task_definition(td_idx).revision;
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
                    "{} running or pending before this pass; {bounds}; deployment {dep_id} needed {need}, so {} started.",
                    live_count - ids.len() as u32,
                    ids.len()
                )),
            );
        }
        if placement_failed {
            break;
        }
    }

    // 4. Stops.
    let healthy_now = gates
        .iter()
        .filter(|(t, g)| matches!(g, Gate::Healthy(_)) && ctx.world.task(*t).is_live())
        .count() as i64;
    let mut budget = healthy_now - lower as i64;
    let mut stops = Stops { list: Vec::new() };
    for &t in failing_to_stop {
        stops.list.push((t, failing_cause(ctx.world, t), format!(
            "Replaced because it failed its health checks; the replacement could start first ({bounds})."
        )));
    }
    let mut healthy_set: Vec<TaskIdx> = gates
        .iter()
        .filter(|(_, g)| matches!(g, Gate::Healthy(_)))
        .map(|(t, _)| *t)
        .collect();
    healthy_set.sort_unstable();
    let is_healthy = |t: TaskIdx| healthy_set.binary_search(&t).is_ok();
    let mut stop_counts = SpreadCounts::of(ctx.world, &ctx.net.zones, s);
    let svc = ctx.world.service(s);
    // Old deployments, oldest first.
    let old_ids: Vec<String> = svc
        .deployments
        .iter()
        .filter(|d| d.id != primary)
        .map(|d| d.id.clone())
        .collect();
    let task_of = |w: &EcsCluster, dep: &str| -> Vec<TaskIdx> {
        live_deployments.tasks_of(w, &live, dep).collect()
    };
    let mut old_unready = Vec::new();
    let mut old_healthy = Vec::new();
    for dep in &old_ids {
        for t in task_of(ctx.world, dep) {
            if is_healthy(t) {
                old_healthy.push(t);
            } else {
                old_unready.push(t);
            }
        }
    }
    let scaling = StopCause::Scheduler {
        deployment: primary.clone(),
    };
    let mut old_unready = Candidates::of(ctx.world, old_unready);
    let mut old_healthy = Candidates::of(ctx.world, old_healthy);
    while !old_unready.is_empty() {
        let t = pick_to_stop(&mut old_unready, &mut stop_counts);
        stops.list.push((t, scaling.clone(), format!(
            "Stopped by deployment {primary}: an old task that is not healthy can stop without lowering the healthy count."
        )));
    }
    // Tasks on DRAINING instances stop as far as the lower bound allows: with minimum healthy
    // 100 % only once their replacements are healthy [doc: container-instance-draining]. The
    // stoppedReason is the scheduler's usual one [inferred: AWS documents none for draining].
    let drained: Vec<TaskIdx> = live
        .iter()
        .copied()
        .filter(|&t| ctx.world.task(t).is_live() && on_draining_instance(ctx.world, t))
        .filter(|t| !failing_to_stop.contains(t))
        .collect();
    let drained_all = drained.clone();
    let mut drained = Candidates::of(ctx.world, drained);
    while budget > 0 && !drained.is_empty() {
        let before = budget;
        let t = pick_to_stop(&mut drained, &mut stop_counts);
        let deployment = ctx.world.task(t).deployment_id.clone().unwrap_or_default();
        stops.list.push((t, StopCause::Scheduler { deployment }, format!(
            "Stopped because its container instance is DRAINING: healthy {healthy_now} − lower bound {lower} = {before} more may stop ({bounds})."
        )));
        budget -= 1;
    }
    // Primary excess (desired count lowered).
    let primary_tasks = task_of(ctx.world, &primary);
    let primary_desired = ctx
        .world
        .service(s)
        .deployment(&primary)
        .map_or(desired, |d| d.desired_count);
    let mut excess = (primary_tasks.len() as u32).saturating_sub(primary_desired);
    if excess > 0 {
        let (unready, ready): (Vec<TaskIdx>, Vec<TaskIdx>) =
            primary_tasks.iter().partition(|&&t| !is_healthy(t));
        let (mut unready, mut ready) = (
            Candidates::of(ctx.world, unready),
            Candidates::of(ctx.world, ready),
        );
        while excess > 0 && !unready.is_empty() {
            let t = pick_to_stop(&mut unready, &mut stop_counts);
            stops.list.push((t, scaling.clone(), format!(
                "Stopped because the desired count is {primary_desired}: a task that is not healthy goes first."
            )));
            excess -= 1;
        }
        while excess > 0 && budget > 0 && !ready.is_empty() {
            let t = pick_to_stop(&mut ready, &mut stop_counts);
            stops.list.push((t, scaling.clone(), format!(
                "Stopped because the desired count is {primary_desired}: healthy {healthy_now} − {bounds}."
            )));
            excess -= 1;
            budget -= 1;
        }
    }
    while budget > 0 && !old_healthy.is_empty() {
        let before = budget;
        let t = pick_to_stop(&mut old_healthy, &mut stop_counts);
        stops.list.push((t, scaling.clone(), format!(
            "Stopped by deployment {primary}: healthy {healthy_now} − lower bound {lower} = {} more may stop ({bounds}).",
            before
        )));
        budget -= 1;
    }
    if !stops.list.is_empty() {
        progressed = true;
        // The rollout scales old deployments down by the tasks it stops.
        for (t, cause, _) in &stops.list {
            if matches!(cause, StopCause::Scheduler { .. }) && !drained_all.contains(t) {
                let dep = ctx.world.task(*t).deployment_id.clone().unwrap_or_default();
                if dep != primary
                    && let Some(d) = ctx.world.service_mut(s).deployment_mut(&dep)
                {
                    d.desired_count = d.desired_count.saturating_sub(1);
                }
            }
        }
        execute_stops(ctx, s, &name, stops);
    }
    for (dep, n) in credited {
        if let Some(d) = ctx.world.service_mut(s).deployment_mut(&dep) {
            d.unhealthy_to_replace = d.unhealthy_to_replace.saturating_sub(n);
        }
    }

    // 5. Bookkeeping, completion, stuck configuration, steady state.
    refresh_counts(ctx.world, s);
    let w = &*ctx.world;
    // Gates computed at the start of this pass still hold (same moment; stopped tasks are
    // no longer live); only tasks launched in this pass are new, and they are not RUNNING.
    let mut known: Vec<(TaskIdx, u8)> = gates
        .iter()
        .map(|(t, g)| {
            let kind = match g {
                Gate::Healthy(_) => 0,
                Gate::NotYet { .. } => 1,
                Gate::Failing(_) => 2,
            };
            (*t, kind)
        })
        .collect();
    known.sort_unstable_by_key(|(t, _)| *t);
    let gate_kind = |t: TaskIdx| -> u8 {
        known
            .binary_search_by_key(&t, |(x, _)| *x)
            .ok()
            .map(|i| known[i].1)
            .unwrap_or_else(|| match health_gate(w, now, t) {
                Gate::Healthy(_) => 0,
                Gate::NotYet { .. } => 1,
                Gate::Failing(_) => 2,
            })
    };
    let svc = w.service(s);
    // One walk over the service's tasks gathers what the checks below need (counts only).
    let (mut live_now, mut primary_live, mut primary_healthy, mut starting) =
        (0u32, 0u32, 0u32, 0u32);
    let (mut only_primary_left, mut all_healthy, mut settled) = (true, true, true);
    let primary_key = crate::ecs::deployment_key(&primary);
    for &t in &svc.tasks {
        let task = w.task(t);
        let is_primary = task.deployment_key == Some(primary_key);
        only_primary_left &= is_primary;
        if !task.is_live() {
            continue;
        }
        let kind = gate_kind(t);
        live_now += 1;
        all_healthy &= kind == 0;
        settled &= kind != 1;
        starting += u32::from(task.last_status.is_starting());
        if is_primary {
            primary_live += 1;
            primary_healthy += u32::from(kind == 0);
        }
    }
    let primary_state = svc.primary().map(|d| d.rollout_state);
    let old_left = live_now > primary_live;

    // Drop deployments that no longer have any task. The PRIMARY stays even without tasks: it
    // may have been created during this pass (a circuit-breaker rollback tripped by a stop).
    let keep: Vec<String> = svc
        .deployments
        .iter()
        .filter(|d| {
            d.id == primary || d.status == DeploymentStatus::Primary || {
                let key = Some(crate::ecs::deployment_key(&d.id));
                svc.tasks.iter().any(|&t| w.task(t).deployment_key == key)
            }
        })
        .map(|d| d.id.clone())
        .collect();
    let svc = ctx.world.service_mut(s);
    svc.deployments.retain(|d| keep.contains(&d.id));

    if primary_state == Some(RolloutState::InProgress)
        && primary_live == desired
        && primary_healthy == desired
        && only_primary_left
    {
        let td = ctx.world.service(s).primary().map(|d| d.task_definition);
        let svc = ctx.world.service_mut(s);
        if let Some(d) = svc.deployments.iter_mut().find(|d| d.id == primary) {
            d.rollout_state = RolloutState::Completed;
            d.rollout_state_reason = messages::rollout_completed(&primary);
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
                messages::deployment_completed(&name, &primary),
                vec![Subject::Service(name.clone())],
                Some(format!(
                    "All {desired} tasks of the deployment are running and healthy and no task of an older deployment is left."
                )),
            );
        }
    }

    let room = upper.saturating_sub(live_now);
    let needs_work = primary_live != desired || old_left;
    if primary_state == Some(RolloutState::InProgress)
        && !progressed
        && needs_work
        && settled
        && starting == 0
        && !placement_failed
        && throttled.is_none()
        && (room == 0 || primary_live >= desired)
        && (budget <= 0 || !old_left)
    {
        let svc = ctx.world.service_mut(s);
        if !svc.is_suppressed(Suppressed::DeploymentStuck) {
            svc.suppressed.push(Suppressed::DeploymentStuck);
            ctx.emit_why(
                Source::Service(name.clone()),
                EventKind::DeploymentStuck { service: name.clone() },
                messages::deployment_stuck(&name),
                vec![Subject::Service(name.clone())],
                Some(format!(
                    "{} running or pending leaves no room under the {bounds}, and {healthy_now} healthy allows no task to stop.",
                    live_now
                )),
            );
        }
    } else if progressed {
        ctx.world
            .service_mut(s)
            .suppressed
            .retain(|x| *x != Suppressed::DeploymentStuck);
    }

    let svc = ctx.world.service(s);
    let steady = svc
        .primary()
        .is_some_and(|d| d.rollout_state == RolloutState::Completed)
        && svc.deployments.len() == 1
        && live_now == desired
        && all_healthy
        && svc.tasks.len() == live_now as usize;
    let was_steady = svc.steady;
    let repeat_due = svc
        .last_steady_message_at
        .is_some_and(|t| now >= t.plus(STEADY_REPEAT));
    if steady && (!was_steady || repeat_due) {
        let svc = ctx.world.service_mut(s);
        svc.steady = true;
        svc.last_steady_message_at = Some(now);
        ctx.emit(
            Source::Service(name.clone()),
            EventKind::SteadyState {
                service: name.clone(),
            },
            messages::steady_state(&name),
            vec![Subject::Service(name.clone())],
        );
        ctx.request_pass_at(s, now.plus(STEADY_REPEAT));
    } else if !steady {
        ctx.world.service_mut(s).steady = false;
    }

    let decision = if ctx.world.service(s).steady {
        "Steady: every desired task is running and healthy.".to_string()
    } else {
        format!(
            "{} running or pending, {healthy_now} healthy; {bounds}.",
            live_now
        )
    };
    ctx.world.service_mut(s).last_pass = SchedulerView {
        at: now,
        upper,
        lower,
        running_or_pending: live_now,
        healthy: healthy_now.max(0) as u32,
        decision,
    };
}

fn failing_cause(world: &EcsCluster, t: TaskIdx) -> StopCause {
    match &world.task(t).unhealthy_reason {
        Some(UnhealthyReason::TargetGroup { target_group, .. }) => {
            StopCause::LoadBalancerHealthCheck {
                target_group_arn: world.target_group(*target_group).arn.clone(),
            }
        }
        _ => StopCause::ContainerHealthCheck,
    }
}

/// Report a task the scheduler saw fail its health checks (once per task).
fn notice_failing(ctx: &mut Ctx, s: ServiceIdx, t: TaskIdx, reason: UnhealthyReason) {
    let now = ctx.now;
    let name = ctx.world.service(s).name.clone();
    let task = ctx.world.task(t);
    let id = task.id.clone();
    let revision = ctx.world.task_definition(task.task_definition).revision;
    let (message, check, why) = match &reason {
        UnhealthyReason::ContainerHealthCheck { container } => (
            messages::failed_container_health_checks(&name, &id),
            HealthCheckKind::Container,
            format!(
                "Essential container {container} reports UNHEALTHY, so the task is UNHEALTHY and the service replaces it."
            ),
        ),
        UnhealthyReason::TargetGroup {
            target_group,
            reason,
        } => {
            let tg = ctx.world.target_group(*target_group);
            let target = tg.target_of(t);
            let port = target.map_or(0, |x| x.port);
            let instance = match (tg.target_type, task.host) {
                (TargetType::Instance, Host::Instance(i)) => {
                    Some(ctx.world.instance(i).ec2_instance_id.clone())
                }
                _ => None,
            };
            (
                messages::unhealthy_in_target_group(
                    &name,
                    &id,
                    instance.as_deref(),
                    port,
                    &tg.arn,
                    reason,
                ),
                HealthCheckKind::LoadBalancer,
                format!(
                    "Its target failed {} consecutive health checks in {} ({reason}), so the service replaces it.",
                    tg.health_check.unhealthy_threshold_count, tg.name
                ),
            )
        }
    };
    let task = ctx.world.task_mut(t);
    task.unhealthy_reason = Some(reason);
    task.explain(now, why.clone());
    ctx.emit_why(
        Source::Service(name.clone()),
        EventKind::TaskUnhealthy {
            service: name.clone(),
            task: id.clone(),
            revision,
            check,
        },
        message,
        vec![Subject::Service(name), Subject::Task(id)],
        Some(why),
    );
}

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
        Source::Service(name.to_string()),
        EventKind::UnableToPlace {
            service: name.to_string(),
            reason: message.clone(),
        },
        message,
        vec![Subject::Service(name.to_string())],
        Some("No instance has room for the task (or every zone is unavailable). ECS retries every 15 seconds; it does not repeat the same message until a task is placed or 6 hours pass, but a different reason or closest-matching instance is reported at once.".into()),
    );
}

/// Candidates for stopping, with what [`pick_to_stop`] compares read from the world once (the
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
    fn of(world: &EcsCluster, tasks: impl IntoIterator<Item = TaskIdx>) -> Self {
        Candidates(
            tasks
                .into_iter()
                .map(|t| {
                    let task = world.task(t);
                    Candidate {
                        t,
                        waiting: task.host == Host::AwaitingCapacity,
                        running: task.last_status == TaskStatus::Running,
                        zone: task.zone,
                        instance: match task.host {
                            Host::Instance(i) => Some(i.0 as usize),
                            Host::Fargate | Host::AwaitingCapacity => None,
                        },
                    }
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
/// then the oldest.
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
fn execute_stops(ctx: &mut Ctx, s: ServiceIdx, name: &str, stops: Stops) {
    let now = ctx.now;
    let (running, pending): (Vec<_>, Vec<_>) = stops
        .list
        .iter()
        .partition(|(t, _, _)| ctx.world.task(*t).last_status == TaskStatus::Running);
    if !running.is_empty() {
        let ids: Vec<String> = running
            .iter()
            .map(|(t, _, _)| ctx.world.task(*t).id.clone())
            .collect();
        let mut subjects = vec![Subject::Service(name.to_string())];
        subjects.extend(ids.iter().map(|i| Subject::Task(i.clone())));
        ctx.emit_why(
            Source::Service(name.to_string()),
            EventKind::TasksStopped {
                service: name.to_string(),
                tasks: ids.clone(),
                running: true,
            },
            messages::stopped_running_tasks(name, &ids),
            subjects,
            running.first().map(|(_, _, why)| why.clone()),
        );
    }
    if !pending.is_empty() {
        let ids: Vec<String> = pending
            .iter()
            .map(|(t, _, _)| ctx.world.task(*t).id.clone())
            .collect();
        let mut subjects = vec![Subject::Service(name.to_string())];
        subjects.extend(ids.iter().map(|i| Subject::Task(i.clone())));
        ctx.emit_why(
            Source::Service(name.to_string()),
            EventKind::TasksStopped {
                service: name.to_string(),
                tasks: ids,
                running: false,
            },
            messages::stopped_pending_tasks(name, pending.len()),
            subjects,
            pending.first().map(|(_, _, why)| why.clone()),
        );
    }
    for (t, cause, why) in stops.list {
        ctx.world.task_mut(t).explain(now, why);
        task_lifecycle::stop(ctx, t, cause);
    }
    let _ = s;
}

/// runningCount / pendingCount of the service and of each deployment.
pub fn refresh_counts(world: &mut EcsCluster, s: ServiceIdx) {
    // (deployment index, running?, starting?) per live task; deployments are few, so a
    // position lookup by id is cheaper than cloning ids.
    let svc = world.service(s);
    let mut per_dep = vec![(0u32, 0u32); svc.deployments.len()];
    let (mut running, mut pending) = (0, 0);
    for &t in &svc.tasks {
        let task = world.task(t);
        if !task.is_live() {
            continue;
        }
        let run = task.last_status == TaskStatus::Running;
        let start = task.last_status.is_starting();
        running += u32::from(run);
        pending += u32::from(start);
        if let Some(i) = task
            .deployment_id
            .as_deref()
            .and_then(|id| svc.deployments.iter().position(|d| d.id == id))
        {
            per_dep[i].0 += u32::from(run);
            per_dep[i].1 += u32::from(start);
        }
    }
    let svc = world.service_mut(s);
    svc.running_count = running;
    svc.pending_count = pending;
    for (d, (r, p)) in svc.deployments.iter_mut().zip(per_dep) {
        d.running_count = r;
        d.pending_count = p;
    }
}
