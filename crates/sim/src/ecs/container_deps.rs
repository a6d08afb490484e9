//! Container dependencies (`dependsOn`): the order in which the ECS agent starts the containers
//! of a task, and what a container waiting for another one does when the other never gets there
//! (docs/rules/containers-and-logs.md#container-dependencies).
//!
//! Sources: Amazon ECS API Reference, "ContainerDependency" and "ContainerDefinition"
//! (`dependsOn`, `startTimeout`)
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDependency.html>;
//! Amazon ECS Developer Guide, "Container dependency"
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#container_definition_dependson>.
//!
//! - `START`: the other container has started. `COMPLETE`: it has exited (any code). `SUCCESS`:
//!   it has exited with code 0. `HEALTHY`: its health check has passed; this is looked at only
//!   while the task starts.
//! - A container whose dependencies are not met yet stays PENDING. It waits at most the other
//!   container's `startTimeout` (3 minutes when not given); then it gives up and does not start.
//! - A condition that can no longer be met (a SUCCESS dependency that exited with another code,
//!   a HEALTHY dependency that turned UNHEALTHY or stopped, a dependency that itself gave up)
//!   makes the waiting container give up at once [inferred: the agent stops waiting when the
//!   dependency reaches a terminal state; the documentation only says the container does not
//!   start].
//! - A container that gives up is STOPPED without having run. If it is essential, the task
//!   stops as for an essential container's exit (stopCode EssentialContainerExited) [inferred:
//!   the documentation says the task transitions to STOPPED, not with which reason].
//! - The task reaches RUNNING when the containers without unmet dependencies have started;
//!   the others start later, inside the RUNNING task [model: Orca's task walks one lifecycle;
//!   the agent reports RUNNING once its containers are running or done].

use crate::control::EcsTimer;
use crate::ecs::cluster::Ctx;
use crate::ecs::ids::TaskIdx;
use crate::ecs::{
    Container, ContainerDefinition, ContainerStatus, FailWindow, HealthStatus, TaskStatus,
    container_health,
};
use crate::event::{EventKind, Source, Subject};
use crate::scenario::spec::DependencyCondition;
use crate::time::SimTime;

/// Where one dependency stands for the container waiting on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepState {
    Met,
    Waiting,
    /// It can never be met; the text says why.
    Never(String),
}

/// Has `dep` reached `condition`? Pure: the documented meaning of each condition.
pub fn reached(condition: DependencyCondition, dep: &Container) -> DepState {
    let stopped = dep.last_status == ContainerStatus::Stopped;
    let ran = dep.started_at.is_some();
    if stopped && !ran {
        return DepState::Never(format!("container {} stopped without starting", dep.name));
    }
    match condition {
        DependencyCondition::Start if ran => DepState::Met,
        DependencyCondition::Start => DepState::Waiting,
        DependencyCondition::Complete if stopped => DepState::Met,
        DependencyCondition::Complete => DepState::Waiting,
        DependencyCondition::Success => match (stopped, dep.exit_code) {
            (true, Some(0)) => DepState::Met,
            (true, code) => DepState::Never(format!(
                "container {} exited with code {}, not 0 (condition SUCCESS)",
                dep.name,
                code.map_or_else(|| "unknown".to_string(), |c| c.to_string())
            )),
            (false, _) => DepState::Waiting,
        },
        DependencyCondition::Healthy => match dep.health_status {
            HealthStatus::Healthy => DepState::Met,
            HealthStatus::Unhealthy => DepState::Never(format!(
                "container {} is UNHEALTHY (condition HEALTHY)",
                dep.name
            )),
            HealthStatus::Unknown if stopped => DepState::Never(format!(
                "container {} stopped before its health check passed (condition HEALTHY)",
                dep.name
            )),
            HealthStatus::Unknown => DepState::Waiting,
        },
    }
}

/// What the agent does now with a PENDING container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Start,
    Wait,
    GiveUp(String),
}

/// The decision for container `i` of a task whose containers began waiting at `since`.
/// Pure: every dependency met → start; one that can never be met, or one not met when its
/// `startTimeout` since `since` has passed → give up; otherwise wait.
pub fn decide(
    defs: &[ContainerDefinition],
    containers: &[Container],
    i: usize,
    since: SimTime,
    now: SimTime,
) -> Decision {
    let Some(def) = defs.get(i) else {
        return Decision::Wait;
    };
    let mut all_met = true;
    for (name, cond) in &def.depends_on {
        let Some(j) = defs.iter().position(|d| &d.name == name) else {
            // Validation refuses unknown names; a dangling one can never be met.
            return Decision::GiveUp(format!("it depends on {name}, which is not in the task"));
        };
        let (Some(dep), Some(dep_def)) = (containers.get(j), defs.get(j)) else {
            return Decision::Wait;
        };
        match reached(*cond, dep) {
            DepState::Met => {}
            DepState::Never(why) => return Decision::GiveUp(why),
            DepState::Waiting => {
                all_met = false;
                let deadline = since.plus(dep_def.start_timeout);
                if now >= deadline {
                    return Decision::GiveUp(format!(
                        "container {name} did not reach {} within its startTimeout of {}",
                        cond.as_str(),
                        dep_def.start_timeout
                    ));
                }
            }
        }
    }
    if all_met {
        Decision::Start
    } else {
        Decision::Wait
    }
}

/// The moment a waiting container `i` gives up if nothing changes: the earliest `startTimeout`
/// of the dependencies it still waits for.
pub fn give_up_at(
    defs: &[ContainerDefinition],
    containers: &[Container],
    i: usize,
    since: SimTime,
) -> Option<SimTime> {
    let def = defs.get(i)?;
    def.depends_on
        .iter()
        .filter_map(|(name, cond)| {
            let j = defs.iter().position(|d| &d.name == name)?;
            (reached(*cond, containers.get(j)?) == DepState::Waiting)
                .then(|| since.plus(defs[j].start_timeout))
        })
        .min()
}

/// Start a container's process now: its application's fate (when it answers, when it fails,
/// when it exits) is fixed from its behaviour and the launch's draws.
pub fn start_container(
    c: &mut Container,
    def: &ContainerDefinition,
    now: SimTime,
    already_healthy: bool,
) {
    let b = &def.behavior;
    c.last_status = ContainerStatus::Running;
    c.started_at = Some(now);
    c.app.up_at = Some(if already_healthy {
        now
    } else {
        now.plus(b.startup)
    });
    if let Some(f) = b.fails_health_checks.filter(|_| c.fault_hit) {
        c.app.failing.push(FailWindow {
            from: now.plus(f.after),
            until: None,
            mode: f.response,
        });
    }
    if let Some(e) = b.exits.filter(|_| c.exit_hit) {
        c.app.exits_at = Some((now.plus(e.after), e.exit_code));
    }
}

/// Which containers start when the task reaches RUNNING: those without dependencies, then,
/// repeatedly, those whose dependencies the started ones meet (a START dependency on a
/// container that starts in the same instant is met).
pub fn initial_starts(defs: &[ContainerDefinition], containers: &mut [Container], now: SimTime) {
    let n = containers.len().min(defs.len());
    for i in 0..n {
        if defs[i].depends_on.is_empty() {
            start_container(&mut containers[i], &defs[i], now, false);
        }
    }
    let mut changed = true;
    while changed {
        changed = false;
        for i in 0..n {
            if containers[i].last_status == ContainerStatus::Pending
                && !defs[i].depends_on.is_empty()
                && decide(defs, containers, i, now, now) == Decision::Start
            {
                start_container(&mut containers[i], &defs[i], now, false);
                changed = true;
            }
        }
    }
}

/// The outcome of looking at a task's waiting containers.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    /// An essential container gave up: the task must stop.
    pub essential_gave_up: bool,
}

/// Look at every PENDING container of a RUNNING task: start those whose dependencies are met,
/// give up on those that can never start, and wake up again at the next `startTimeout`.
pub fn resolve(ctx: &mut Ctx, idx: TaskIdx) -> Resolution {
    let mut out = Resolution::default();
    let now = ctx.now;
    loop {
        let t = ctx.world.task(idx);
        if t.last_status != TaskStatus::Running
            || t.desired_status != crate::ecs::DesiredStatus::Running
        {
            return out;
        }
        let since = t.started_at.unwrap_or(now);
        let td = ctx.world.task_definition(t.task_definition);
        let next = (0..t.containers.len())
            .filter(|&i| t.containers[i].last_status == ContainerStatus::Pending)
            .map(|i| (i, decide(&td.containers, &t.containers, i, since, now)))
            .find(|(_, d)| *d != Decision::Wait);
        let Some((i, decision)) = next else {
            break;
        };
        match decision {
            Decision::Start => start_later(ctx, idx, i),
            Decision::GiveUp(why) => {
                out.essential_gave_up |= give_up(ctx, idx, i, &why);
            }
            Decision::Wait => {}
        }
    }
    // Wake up when the first waiting container would give up.
    let t = ctx.world.task(idx);
    let since = t.started_at.unwrap_or(now);
    let td = ctx.world.task_definition(t.task_definition);
    let wake = (0..t.containers.len())
        .filter(|&i| t.containers[i].last_status == ContainerStatus::Pending)
        .filter_map(|i| give_up_at(&td.containers, &t.containers, i, since))
        .filter(|&at| at > now)
        .min();
    if let Some(at) = wake {
        ctx.schedule(at, EcsTimer::ContainerDeps(idx));
    }
    out
}

/// A waiting container's dependencies are met: it starts inside the running task.
fn start_later(ctx: &mut Ctx, idx: TaskIdx, i: usize) {
    let now = ctx.now;
    let (why, exits_at) = {
        let world = &mut *ctx.world;
        let t = &mut world.tasks[idx.0 as usize];
        let td = &world.task_definitions[t.task_definition.0 as usize];
        let def = &td.containers[i];
        start_container(&mut t.containers[i], def, now, false);
        let deps = def
            .depends_on
            .iter()
            .map(|(n, c)| format!("{n} {}", c.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        (
            format!(
                "Container {} started: its dependencies are met ({deps}).",
                def.name
            ),
            t.containers[i].app.exits_at,
        )
    };
    ctx.world.task_mut(idx).explain(now, why);
    if let Some((at, _)) = exits_at {
        ctx.schedule(at, EcsTimer::ContainerExit(idx));
    }
    container_health::start_one(ctx, idx, i);
    emit(ctx, idx, i);
}

/// A waiting container gives up: STOPPED without having run. True if it is essential.
fn give_up(ctx: &mut Ctx, idx: TaskIdx, i: usize, why: &str) -> bool {
    let now = ctx.now;
    let essential = {
        let c = &mut ctx.world.task_mut(idx).containers[i];
        c.last_status = ContainerStatus::Stopped;
        c.stopped_at = Some(now);
        c.reason = Some(format!("dependency not met: {why}"));
        c.essential
    };
    let name = ctx.world.task(idx).containers[i].name.clone();
    ctx.world.task_mut(idx).explain(
        now,
        format!(
            "Container {name} will not start: {why}.{}",
            if essential {
                " It is essential, so the task stops."
            } else {
                " It is not essential, so the task goes on without it."
            }
        ),
    );
    emit(ctx, idx, i);
    essential
}

/// Record a container's new state as an event of its task.
pub fn emit(ctx: &mut Ctx, idx: TaskIdx, i: usize) {
    let t = ctx.world.task(idx);
    let td = ctx.world.task_definition(t.task_definition);
    let c = &t.containers[i];
    let service = t.service.map(|s| ctx.world.service(s).name.clone());
    let message = match (c.last_status, c.started_at, c.exit_code) {
        (ContainerStatus::Stopped, None, _) => format!(
            "{} container {} STOPPED without starting ({})",
            td.family_revision(),
            c.name,
            c.reason.as_deref().unwrap_or("dependency not met")
        ),
        (ContainerStatus::Stopped, _, code) => format!(
            "{} container {} lastStatus STOPPED, exitCode {}{}",
            td.family_revision(),
            c.name,
            code.map_or_else(|| "null".to_string(), |c| c.to_string()),
            if c.essential {
                ""
            } else {
                " (not essential: the task keeps running)"
            }
        ),
        (s, _, _) => format!(
            "{} container {} lastStatus {}",
            td.family_revision(),
            c.name,
            s.as_str()
        ),
    };
    let kind = EventKind::ContainerStateChanged {
        task: t.id.clone(),
        service,
        revision: td.revision,
        container: c.name.as_str().into(),
        to: c.last_status,
        exit_code: c.exit_code,
        essential: c.essential,
    };
    let id = t.id.clone();
    ctx.emit(
        Source::Task(id.clone()),
        kind,
        message,
        vec![Subject::Task(id)],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::{AppFate, Behavior};
    use crate::scenario::spec::ImagePull;
    use crate::time::Millis;

    fn def(name: &str, deps: &[(&str, DependencyCondition)]) -> ContainerDefinition {
        ContainerDefinition {
            name: name.into(),
            image: "img".into(),
            essential: true,
            cpu: 0,
            memory: None,
            memory_reservation: None,
            port: None,
            host_port: None,
            health_check: None,
            stop_timeout: Millis::from_secs(30),
            restart_policy: None,
            depends_on: deps.iter().map(|(n, c)| (n.to_string(), *c)).collect(),
            start_timeout: Millis::from_secs(180),
            log: None,
            firelens: None,
            privileged: false,
            readonly_root_filesystem: false,
            user: None,
            secrets: Vec::new(),
            behavior: Behavior {
                startup: Millis(0),
                fails_health_checks: None,
                exits: None,
                image_pull: ImagePull::Succeeds,
                ignores_sigterm: false,
            },
        }
    }

    fn container(name: &str) -> Container {
        Container {
            name: name.into(),
            image: "img".into(),
            image_digest: None,
            essential: true,
            last_status: ContainerStatus::Pending,
            health_status: HealthStatus::Unknown,
            exit_code: None,
            reason: None,
            started_at: None,
            health_check: None,
            app: AppFate::default(),
            fault_hit: false,
            exit_hit: false,
            restart_count: 0,
            last_restart_at: None,
            stopped_at: None,
        }
    }

    fn exited(name: &str, code: i32) -> Container {
        let mut c = container(name);
        c.started_at = Some(SimTime::ZERO);
        c.last_status = ContainerStatus::Stopped;
        c.exit_code = Some(code);
        c
    }

    /// API Reference: "SUCCESS - This condition is the same as COMPLETE, but it also requires
    /// that the container exits with a zero status."
    #[test]
    fn success_needs_exit_code_zero_and_complete_takes_any() {
        assert_eq!(
            reached(DependencyCondition::Success, &exited("migrate", 0)),
            DepState::Met
        );
        assert!(matches!(
            reached(DependencyCondition::Success, &exited("migrate", 1)),
            DepState::Never(_)
        ));
        assert_eq!(
            reached(DependencyCondition::Complete, &exited("migrate", 1)),
            DepState::Met
        );
        let mut running = container("migrate");
        running.started_at = Some(SimTime::ZERO);
        running.last_status = ContainerStatus::Running;
        assert_eq!(
            reached(DependencyCondition::Complete, &running),
            DepState::Waiting
        );
        assert_eq!(reached(DependencyCondition::Start, &running), DepState::Met);
    }

    /// "HEALTHY - This condition validates that the dependent container passes its Docker
    /// health check before permitting other containers to start."
    #[test]
    fn healthy_waits_for_the_health_check_and_fails_on_unhealthy() {
        let mut db = container("db");
        db.started_at = Some(SimTime::ZERO);
        db.last_status = ContainerStatus::Running;
        assert_eq!(
            reached(DependencyCondition::Healthy, &db),
            DepState::Waiting
        );
        db.health_status = HealthStatus::Healthy;
        assert_eq!(reached(DependencyCondition::Healthy, &db), DepState::Met);
        db.health_status = HealthStatus::Unhealthy;
        assert!(matches!(
            reached(DependencyCondition::Healthy, &db),
            DepState::Never(_)
        ));
    }

    /// `startTimeout`: "If a startTimeout value is specified for containerB and it doesn't
    /// reach the desired status within that time then containerA gives up and not start."
    #[test]
    fn a_waiting_container_gives_up_at_its_dependencys_start_timeout() {
        let mut b = def("b", &[]);
        b.start_timeout = Millis::from_secs(60);
        let defs = vec![b, def("a", &[("b", DependencyCondition::Complete)])];
        let mut cs = vec![container("b"), container("a")];
        cs[0].started_at = Some(SimTime::ZERO);
        cs[0].last_status = ContainerStatus::Running;
        let since = SimTime::ZERO;
        assert_eq!(
            decide(&defs, &cs, 1, since, SimTime::ZERO.plus(Millis(59_999))),
            Decision::Wait
        );
        assert_eq!(
            give_up_at(&defs, &cs, 1, since),
            Some(SimTime::ZERO.plus(Millis::from_secs(60)))
        );
        assert!(matches!(
            decide(
                &defs,
                &cs,
                1,
                since,
                SimTime::ZERO.plus(Millis::from_secs(60))
            ),
            Decision::GiveUp(_)
        ));
    }

    /// START chains start in one instant, in dependency order; a COMPLETE dependency keeps its
    /// dependent PENDING while it runs.
    #[test]
    fn initial_starts_follow_start_chains_and_hold_complete() {
        let defs = vec![
            def("app", &[("router", DependencyCondition::Start)]),
            def("router", &[]),
            def("worker", &[("migrate", DependencyCondition::Complete)]),
            def("migrate", &[]),
        ];
        let mut cs: Vec<Container> = ["app", "router", "worker", "migrate"]
            .iter()
            .map(|n| container(n))
            .collect();
        initial_starts(&defs, &mut cs, SimTime::ZERO);
        let status: Vec<_> = cs.iter().map(|c| c.last_status).collect();
        assert_eq!(
            status,
            vec![
                ContainerStatus::Running,
                ContainerStatus::Running,
                ContainerStatus::Pending,
                ContainerStatus::Running
            ]
        );
    }
}
