//! Container restart policies: when a container with an enabled `restartPolicy` exits, the ECS
//! agent may start it again inside the same task instead of letting the task stop
//! (docs/rules/ecs-tasks.md#container-restart-policy; sources: Amazon ECS Developer Guide,
//! "Restart individual containers in Amazon ECS tasks with container restart policies"
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-restart-policy.html>;
//! Amazon ECS API Reference, ContainerRestartPolicy
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerRestartPolicy.html>;
//! the agent's decision, `RestartTracker.ShouldRestart` in
//! <https://github.com/aws/amazon-ecs-agent/blob/master/ecs-agent/api/container/restart/restart_tracker.go>).
//!
//! The agent restarts an exited container unless the task is being stopped, its exit code is
//! one of `ignoredExitCodes`, or less than `restartAttemptPeriod` has passed since it started
//! (or, once restarted, since its last restart). A restart happens at once, with no back-off,
//! and adds one to the container's restart count. The task stays RUNNING and keeps its id,
//! address and targets; ECS records no service event (the count shows in the task metadata
//! endpoint and Container Insights). An exit the policy does not restart is an ordinary exit:
//! an essential container's stops the task.

use crate::control::EcsTimer;
use crate::ecs::cluster::Ctx;
use crate::ecs::ids::TaskIdx;
use crate::ecs::{
    ContainerStatus, DesiredStatus, FailMode, FailWindow, RestartPolicy, container_health,
};
use crate::elb::target_health;
use crate::event::{EventKind, Source, Subject};
use crate::time::{Millis, SimTime};

/// What the agent decides when a container with an enabled restart policy exits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// It ran `ran` since it started or was last restarted, at least the period.
    Restart { ran: Millis, period: Millis },
    /// The exit code is in `ignoredExitCodes`.
    Ignored { exit_code: i32 },
    /// It ran `ran` since it started or was last restarted, less than the period.
    TooSoon { ran: Millis, period: Millis },
}

/// The agent's rule for a container that exited with `exit_code` at `now`, having run since
/// `running_since` (its start, or its last restart).
pub fn decide(
    policy: &RestartPolicy,
    exit_code: i32,
    running_since: SimTime,
    now: SimTime,
) -> Decision {
    if policy.ignored_exit_codes.contains(&exit_code) {
        return Decision::Ignored { exit_code };
    }
    let (ran, period) = (now.since(running_since), policy.restart_attempt_period);
    if ran < period {
        Decision::TooSoon { ran, period }
    } else {
        Decision::Restart { ran, period }
    }
}

impl Decision {
    /// Why the container is or is not restarted, for the task's explanations.
    pub fn describe(&self, container: &str, exit_code: i32) -> String {
        match self {
            Decision::Restart { ran, period } => format!(
                "Container {container} exited with code {exit_code} after running {ran}, at least its restartAttemptPeriod of {period}, and the code is not one of its ignoredExitCodes, so the agent restarts it inside the task."
            ),
            Decision::Ignored { exit_code } => format!(
                "Container {container} exited with code {exit_code}, one of its restart policy's ignoredExitCodes, so the agent does not restart it."
            ),
            Decision::TooSoon { ran, period } => format!(
                "Container {container} exited with code {exit_code} after running {ran}, less than its restartAttemptPeriod of {period}, so the agent does not restart it."
            ),
        }
    }
}

/// The `container`-th container of a RUNNING task exited with `exit_code` now. Restarts it if
/// its policy allows and returns true; otherwise records why not (when it has a policy) and
/// returns false, leaving the exit to the caller.
pub fn on_exit(ctx: &mut Ctx, idx: TaskIdx, container: usize, exit_code: i32) -> bool {
    let now = ctx.now;
    let t = ctx.world.task(idx);
    let td = ctx.world.task_definition(t.task_definition);
    let (Some(def), Some(c)) = (td.containers.get(container), t.containers.get(container)) else {
        return false;
    };
    let Some(policy) = &def.restart_policy else {
        return false;
    };
    // The agent does not restart a container whose task it is stopping.
    if t.desired_status == DesiredStatus::Stopped {
        return false;
    }
    let since = c.last_restart_at.or(c.started_at).unwrap_or(now);
    let decision = decide(policy, exit_code, since, now);
    let text = decision.describe(&c.name, exit_code);
    if !matches!(decision, Decision::Restart { .. }) {
        ctx.world.task_mut(idx).explain(now, text);
        return false;
    }
    restart(ctx, idx, container, exit_code, text);
    true
}

fn restart(ctx: &mut Ctx, idx: TaskIdx, container: usize, exit_code: i32, why: String) {
    let now = ctx.now;
    let (name, count, exits_at) = {
        let world = &mut *ctx.world;
        let t = &mut world.tasks[idx.0 as usize];
        let def = &world.task_definitions[t.task_definition.0 as usize].containers[container];
        let c = &mut t.containers[container];
        c.restart_count += 1;
        c.last_restart_at = Some(now);
        c.last_status = ContainerStatus::Running;
        c.exit_code = None;
        // The application starts over: it refuses connections until it is up again, then
        // answers as before.
        c.app.failing.push(FailWindow {
            from: now,
            until: Some(now.plus(def.behavior.startup)),
            mode: FailMode::ConnectionRefused,
        });
        // An application that exits on its own does so again after the same time.
        c.app.exits_at = def
            .behavior
            .exits
            .filter(|_| c.exit_hit)
            .map(|e| (now.plus(e.after), e.exit_code));
        let out = (c.name.clone(), c.restart_count, c.app.exits_at);
        t.explain(now, why.clone());
        out
    };
    if let Some((at, _)) = exits_at {
        ctx.schedule(at, EcsTimer::ContainerExit(idx));
    }
    container_health::restart_check(ctx, idx, container);
    target_health::refresh_task(ctx, idx);
    let t = ctx.world.task(idx);
    let td = ctx.world.task_definition(t.task_definition);
    let id = t.id.clone();
    let service = t.service.map(|s| ctx.world.service(s).name.clone());
    ctx.emit_why(
        Source::Task(id.clone()),
        EventKind::ContainerRestarted {
            task: id.clone(),
            service,
            revision: td.revision,
            container: name.as_str().into(),
            exit_code,
            restart_count: count,
        },
        format!(
            "{} container {name} exited with code {exit_code}; the agent restarted it in the same task (restartCount {count})",
            td.family_revision()
        ),
        vec![Subject::Task(id)],
        Some(why),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(ignored: &[i32], period_secs: u64) -> RestartPolicy {
        RestartPolicy {
            ignored_exit_codes: ignored.to_vec(),
            restart_attempt_period: Millis::from_secs(period_secs),
        }
    }

    /// "By default, a container must run for 300 seconds before it can be restarted."
    #[test]
    fn default_period_300_restarts_after_300_s_and_not_after_299() {
        let p = policy(&[], 300);
        let start = SimTime::from_secs(10);
        assert_eq!(
            decide(&p, 1, start, SimTime::from_secs(310)),
            Decision::Restart {
                ran: Millis::from_secs(300),
                period: Millis::from_secs(300)
            }
        );
        assert_eq!(
            decide(&p, 1, start, SimTime::from_secs(309)),
            Decision::TooSoon {
                ran: Millis::from_secs(299),
                period: Millis::from_secs(300)
            }
        );
    }

    /// "A list of exit codes that Amazon ECS will ignore and not attempt a restart on", e.g.
    /// exit code 0 for a process that finished its work.
    #[test]
    fn an_ignored_exit_code_is_not_restarted_however_long_it_ran() {
        let p = policy(&[0], 60);
        assert_eq!(
            decide(&p, 0, SimTime::ZERO, SimTime::from_secs(3600)),
            Decision::Ignored { exit_code: 0 }
        );
        assert!(matches!(
            decide(&p, 1, SimTime::ZERO, SimTime::from_secs(3600)),
            Decision::Restart { .. }
        ));
    }
}
