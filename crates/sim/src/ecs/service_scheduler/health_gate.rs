//! The health gate: when a RUNNING service task counts as healthy toward the lower bound, when
//! it is failing and must be replaced, and what it is still waiting for
//! (docs/rules/ecs-deployments.md#health-gate-when-a-new-task-counts-as-healthy and
//! #health-check-grace-period; sources:
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html>,
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/load-balancer-healthcheck.html>).
//!
//! [`health_gate`] is the one place these rules are written: the scheduler's pass and the read
//! model the app shows (`ecs::read`) both call it.

use crate::ecs::circuit_breaker;
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TargetGroupIdx, TaskDefIdx, TaskIdx};
use crate::ecs::task_table::TaskBrief;
use crate::ecs::{HealthStatus, Host, TaskStatus, UnhealthyReason, messages};
use crate::elb::TargetState;
use crate::event::{EventKind, HealthCheckKind, Source, Subject};
use crate::scenario::spec::TargetType;
use crate::time::{Millis, SimTime};

/// Without health checks and without a load balancer, a task counts as healthy once it has
/// been RUNNING this long.
pub const NO_HEALTH_CHECK_RULE: Millis = Millis::from_secs(40);

/// Is a task healthy enough to count toward `lower`, failing, or not there yet?
#[derive(Debug, Clone, PartialEq)]
pub enum Gate {
    Healthy(HealthyBy),
    /// Not (yet) healthy; look again at `wake` if set (the 40-second rule, the grace period).
    NotYet {
        wake: Option<SimTime>,
        waiting: Waiting,
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

/// What a task that does not count as healthy is waiting for (flags, like [`HealthyBy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Waiting {
    /// It is not a live RUNNING task of a service: still starting, stopping, or standalone.
    pub not_running: bool,
    /// Its essential containers' health checks have not reported HEALTHY yet.
    pub container_checks: bool,
    /// A target of it is not healthy yet in its target group (initial, or not registered).
    pub target: bool,
    /// Its checks report unhealthy, but the health check grace period holds that back until
    /// the gate's `wake`.
    pub grace_period: bool,
    /// No health check and no load balancer: it has been RUNNING for less than 40 seconds
    /// (until the gate's `wake`).
    pub forty_seconds: bool,
}

impl HealthyBy {
    pub fn describe(&self, world: &EcsCluster, t: TaskIdx) -> String {
        let mut out = String::with_capacity(96);
        self.write_description(world, t, &mut out);
        out
    }

    /// [`HealthyBy::describe`] written into `out`: the rules joined by " and " (a task's
    /// explanation around it, written once per task that turns healthy).
    pub fn write_description(&self, world: &EcsCluster, t: TaskIdx, out: &mut String) {
        let mut first = true;
        let mut rule = |out: &mut String, text: &str| {
            if !first {
                out.push_str(" and ");
            }
            first = false;
            out.push_str(text);
        };
        if self.container_checks {
            rule(out, "its container health checks report HEALTHY");
        }
        if self.load_balancer
            && let Some(s) = world.task(t).service
        {
            for tg in crate::ecs::task_set_links::target_groups_of(world, s, t) {
                rule(out, "its target is healthy in ");
                out.push_str(&world.target_group(tg).name);
            }
        }
        if self.forty_seconds {
            rule(
                out,
                "it has been RUNNING for 40s and has neither container health checks nor a load balancer",
            );
        }
    }
}

impl Waiting {
    /// What the task waits for, in words; `wake` is the gate's.
    pub fn describe(&self, wake: Option<SimTime>) -> String {
        let mut parts = Vec::new();
        if self.not_running {
            parts.push("it is not a RUNNING task of a service".to_string());
        }
        if self.container_checks {
            parts.push("its container health checks have not reported HEALTHY yet".into());
        }
        if self.target {
            parts.push("its target is not healthy yet in the target group".into());
        }
        if self.grace_period {
            parts.push(match wake {
                Some(at) => format!(
                    "its health checks fail, but the health check grace period holds that back until {at}"
                ),
                None => "its health checks fail, but the health check grace period holds that back".into(),
            });
        }
        if self.forty_seconds {
            parts.push(match wake {
                Some(at) => format!(
                    "without health checks or a load balancer it counts as healthy once RUNNING for 40s, at {at}"
                ),
                None => "without health checks or a load balancer it counts as healthy once RUNNING for 40s".into(),
            });
        }
        parts.join("; ")
    }
}

/// The documented "healthy" rules for a service task, with `healthCheckGracePeriodSeconds`
/// holding back unhealthy verdicts.
pub fn health_gate(world: &EcsCluster, now: SimTime, t: TaskIdx) -> Gate {
    match world.task(t).service {
        Some(s) => ServiceGates::new(world, now, s).gate(t),
        None => not_running(),
    }
}

/// The gate of a task that is not a live RUNNING task of a service.
fn not_running() -> Gate {
    Gate::NotYet {
        wake: None,
        waiting: Waiting {
            not_running: true,
            ..Waiting::default()
        },
    }
}

/// What the gates of one service's tasks share at one moment, looked up once: a pass asks
/// for the gate of every live task of the service.
pub(crate) struct ServiceGates<'a> {
    world: &'a EcsCluster,
    now: SimTime,
    s: ServiceIdx,
    /// The service's target groups, in order, unless it is blue/green (then each task's
    /// task set decides: [`crate::ecs::task_set_links::target_groups_of`]).
    target_groups: Option<Vec<TargetGroupIdx>>,
    /// Per target group of `target_groups`, where the last lookup ended: a pass asks in the
    /// order of the service's tasks, which is the order of each group's targets.
    cursors: Vec<std::cell::Cell<usize>>,
    /// The last task definition asked about and whether it has an essential container with
    /// a health check: a service's tasks share one or two, and looking through a definition's
    /// containers for every task of a pass cost more than the rest of its gate.
    last_check: std::cell::Cell<Option<(TaskDefIdx, bool)>>,
}

impl<'a> ServiceGates<'a> {
    pub(crate) fn new(world: &'a EcsCluster, now: SimTime, s: ServiceIdx) -> Self {
        let svc = world.service(s);
        let target_groups = svc.blue_green.is_none().then(|| {
            svc.load_balancers
                .iter()
                .map(|lb| lb.target_group)
                .collect()
        });
        let cursors = target_groups.as_ref().map_or(Vec::new(), |tgs: &Vec<_>| {
            tgs.iter().map(|_| std::cell::Cell::new(0)).collect()
        });
        ServiceGates {
            world,
            now,
            s,
            target_groups,
            cursors,
            last_check: std::cell::Cell::new(None),
        }
    }

    /// Whether task definition `td` has an essential container with a health check.
    fn has_check(&self, td: TaskDefIdx) -> bool {
        match self.last_check.get() {
            Some((last, has)) if last == td => has,
            _ => {
                let has = self.world.task_definition(td).has_essential_health_check();
                self.last_check.set(Some((td, has)));
                has
            }
        }
    }

    /// The gate of task `t`, a task of this service.
    pub(crate) fn gate(&self, t: TaskIdx) -> Gate {
        self.gate_of_brief(t, &self.world.tasks.brief(t))
    }

    /// Whether task `t` already counted as healthy and its gate is still open: what the gate
    /// of most tasks on most passes says, and then there is nothing to record. The same rules
    /// as [`ServiceGates::gate_of_brief`] for that one answer, without building a [`Gate`]:
    /// counted, a RUNNING live task of this service, its essential containers' checks (if
    /// any) HEALTHY and its target healthy in each of the service's target groups. The
    /// grace period and the 40-second rule hold back only tasks that are not healthy or have
    /// not counted, so time does not enter. `false` sends the caller to the full gate (also
    /// for blue/green services, whose target groups come from each task's task set).
    pub(crate) fn settled(&self, t: TaskIdx, task: &TaskBrief) -> bool {
        if !task.counted
            || task.service != Some(self.s)
            || task.last_status != TaskStatus::Running
            || !task.live
        {
            return false;
        }
        if task.health_status != HealthStatus::Healthy && self.has_check(task.task_definition) {
            return false;
        }
        let Some(target_groups) = &self.target_groups else {
            return false;
        };
        for (cursor, &tg_idx) in self.cursors.iter().zip(target_groups) {
            let tg = self.world.target_group(tg_idx);
            let mut from = cursor.get();
            let pos = tg.position_from(t, &mut from);
            cursor.set(from);
            if pos.and_then(|i| tg.state_at(i)) != Some(TargetState::Healthy) {
                return false;
            }
        }
        debug_assert!(
            matches!(health_gate(self.world, self.now, t), Gate::Healthy(_)),
            "a settled task's gate is not open"
        );
        true
    }

    /// The gate of task `t` from its brief (what a pass reads instead of the task: the task
    /// itself only when it fails its container health checks).
    pub(crate) fn gate_of_brief(&self, t: TaskIdx, task: &TaskBrief) -> Gate {
        let (world, now, s) = (self.world, self.now, self.s);
        if task.service != Some(s) {
            return health_gate(world, now, t);
        }
        if task.last_status != TaskStatus::Running || !task.live {
            return not_running();
        }
        let svc = world.service(s);
        let started = task.started_at.unwrap_or(now);
        let grace_end = started.plus(svc.health_check_grace_period);
        let in_grace = now < grace_end;
        let mut healthy = true;
        let mut wake = None;
        let mut by = HealthyBy::default();
        let mut waiting = Waiting::default();
        let has_check = self.has_check(task.task_definition);
        if has_check {
            match task.health_status {
                HealthStatus::Healthy => by.container_checks = true,
                HealthStatus::Unhealthy if !in_grace => {
                    let container = world
                        .task(t)
                        .containers
                        .iter()
                        .find(|c| c.essential && c.health_status == HealthStatus::Unhealthy)
                        .map(|c| c.name.to_string())
                        .unwrap_or_default();
                    return Gate::Failing(UnhealthyReason::ContainerHealthCheck { container });
                }
                HealthStatus::Unhealthy => {
                    healthy = false;
                    wake = Some(grace_end);
                    waiting.grace_period = true;
                }
                HealthStatus::Unknown => {
                    healthy = false;
                    waiting.container_checks = true;
                }
            }
        }
        let task_sets;
        let target_groups: &[TargetGroupIdx] = match &self.target_groups {
            Some(tgs) => tgs,
            None => {
                task_sets =
                    crate::ecs::task_set_links::target_groups_of(world, s, t).collect::<Vec<_>>();
                &task_sets
            }
        };
        for (k, &tg_idx) in target_groups.iter().enumerate() {
            let tg = world.target_group(tg_idx);
            // Only a service's own target groups have cursors (none for blue/green task sets).
            let state = match self.cursors.get(k) {
                Some(cursor) => {
                    let mut from = cursor.get();
                    let pos = tg.position_from(t, &mut from);
                    cursor.set(from);
                    pos.and_then(|i| tg.state_at(i))
                }
                None => tg.state_of(t),
            };
            match state {
                Some(TargetState::Healthy) => by.load_balancer = true,
                Some(TargetState::Unhealthy) if !in_grace => {
                    let reason = tg
                        .target_of(t)
                        .and_then(|target| target.reason.as_ref())
                        .map(|r| r.description())
                        .unwrap_or_else(|| "Health checks failed".into());
                    return Gate::Failing(UnhealthyReason::TargetGroup {
                        target_group: tg_idx,
                        reason,
                    });
                }
                Some(TargetState::Unhealthy) => {
                    healthy = false;
                    wake = Some(grace_end);
                    waiting.grace_period = true;
                }
                _ => {
                    healthy = false;
                    waiting.target = true;
                }
            }
        }
        if !has_check && svc.load_balancers.is_empty() {
            let at = started.plus(NO_HEALTH_CHECK_RULE);
            // Tasks of a service that was already steady when the scenario began have long
            // passed the 40 s mark (`healthy_at` is set for them at the start).
            if now < at && !task.counted {
                healthy = false;
                wake = Some(at);
                waiting.forty_seconds = true;
            } else {
                by.forty_seconds = true;
            }
        }
        if healthy {
            Gate::Healthy(by)
        } else {
            Gate::NotYet { wake, waiting }
        }
    }
}

/// The gates of `live` tasks at `now`, in that order (the pass's observation). What the tasks
/// of one service share is looked up once for them.
pub fn evaluate(world: &EcsCluster, now: SimTime, live: &[TaskIdx]) -> Vec<(TaskIdx, Gate)> {
    let mut shared: Option<ServiceGates> = None;
    live.iter()
        .map(|&t| {
            let gate = match world.task(t).service {
                None => not_running(),
                Some(s) => match &shared {
                    Some(g) if g.s == s => g.gate(t),
                    _ => shared.insert(ServiceGates::new(world, now, s)).gate(t),
                },
            };
            (t, gate)
        })
        .collect()
}

/// Act on the gates a pass observed, in order: a task healthy for the first time is recorded
/// (and resets the circuit breaker's count), a failing one is reported once, and a gate that
/// will open by itself (the grace period ending, the 40-second mark) gets a pass then.
pub fn record<'a>(
    ctx: &mut Ctx,
    s: ServiceIdx,
    gates: impl IntoIterator<Item = &'a (TaskIdx, Gate)>,
) {
    let now = ctx.now;
    for (t, gate) in gates {
        let t = *t;
        match gate {
            Gate::Healthy(by) => {
                if ctx.world.task(t).healthy_at.is_none() {
                    let mut why = String::with_capacity(140);
                    why.push_str("Counts as healthy for the deployment: ");
                    by.write_description(ctx.world, t, &mut why);
                    why.push('.');
                    let task = ctx.world.task_mut(t);
                    task.healthy_at = Some(now);
                    task.explain(now, why);
                    let dep = task.deployment_id.clone().unwrap_or_default();
                    circuit_breaker::record_success(ctx, s, &dep);
                }
            }
            Gate::Failing(reason) => {
                if ctx.world.task(t).unhealthy_reason.is_none() {
                    notice_failing(ctx, s, t, reason.clone());
                }
            }
            Gate::NotYet { wake: Some(at), .. } => ctx.request_pass_at(s, *at),
            Gate::NotYet { wake: None, .. } => {}
        }
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
        [Subject::Service(name), Subject::Task(id)],
        Some(why),
    );
}
