//! The lifecycle of a blue/green deployment: CodeDeploy's lifecycle events for an ECS service
//! (BeforeInstall → Install → AfterInstall → AllowTestTraffic → AfterAllowTestTraffic →
//! BeforeAllowTraffic → AllowTraffic → AfterAllowTraffic, then the wait before the original
//! task set is terminated) and ECS's own lifecycle stages for BLUE_GREEN, LINEAR and CANARY
//! (PRE_SCALE_UP … BAKE_TIME → CLEAN_UP), with hooks that pass or fail, the traffic shift,
//! failure and rollback (docs/rules/ecs-blue-green.md).
//!
//! Sources: CodeDeploy User Guide, "What happens during an Amazon ECS deployment"
//! (<https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html>),
//! "AppSpec 'hooks' section" (reference-appspec-file-structure-hooks.html#appspec-hooks-ecs),
//! "Redeploy and roll back a deployment with CodeDeploy" (deployments-rollback-and-redeploy.html);
//! Amazon ECS Developer Guide, "Amazon ECS blue/green deployments"
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html>)
//! and "Lifecycle hooks for Amazon ECS service deployments".
//!
//! Each step of [`advance`] begins the current stage or checks whether it is done, so the
//! engine's next moment always follows from the deployment's state (seek = replay).

use crate::ecs::cluster::Ctx;
use crate::ecs::deploy_hooks::{self, HookCheck};
use crate::ecs::deploy_plan::{
    READY_TIMEOUT, READY_TIMEOUT_MESSAGE, Refused, code_deploy_id, code_deploy_stages, ecs_stages,
};
use crate::ecs::deploy_rollback::{fail, fail_with};
use crate::ecs::deploy_traffic::{
    active_mut, deploy_event, deployment_words, green_of, lifecycle_event, make_primary,
    route_test, shift_production,
};
use crate::ecs::ids::{ServiceIdx, TaskDefIdx};
use crate::ecs::task_set::{
    BgDeployment, BlueGreen, Controller, DeploymentState, Stability, StageKind, StageStatus,
    TaskSetStatus,
};
use crate::ecs::task_set_links::request_step;
use crate::ecs::traffic_shift;
use crate::ecs::{deployment_key, task_sets};
use crate::time::{Millis, SimTime};

/// `aws deploy create-deployment`: only a service with the CodeDeploy controller has a
/// deployment group.
pub fn create_deployment(ctx: &mut Ctx, s: ServiceIdx, td: TaskDefIdx) -> Result<String, Refused> {
    let code_deploy = ctx
        .world
        .service(s)
        .blue_green
        .as_deref()
        .is_some_and(|bg| bg.controller.is_code_deploy());
    if !code_deploy {
        return Err(Refused {
            code: "DeploymentGroupDoesNotExistException",
            message: format!(
                "No Deployment Group found for name: DgpECS-{}",
                ctx.world.service(s).name
            ),
        });
    }
    start_deployment(ctx, s, td)
}

/// `aws ecs update-service` on a blue/green service. A CodeDeploy service takes a new desired
/// count but no new task definition ("Unable to update task definition on services with a
/// CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.",
/// observed: boto/boto3#1936); an ECS service with a BLUE_GREEN, LINEAR or CANARY strategy
/// starts a deployment of the new task definition.
pub fn update_service(
    ctx: &mut Ctx,
    s: ServiceIdx,
    td: Option<TaskDefIdx>,
    desired_count: Option<u32>,
    force_new_deployment: bool,
) -> Result<(), Refused> {
    let Some(bg) = ctx.world.service(s).blue_green.as_deref() else {
        return Ok(());
    };
    let current = ctx.world.service(s).task_definition;
    let changes_td = td.is_some_and(|t| t != current);
    if bg.controller.is_code_deploy() && (changes_td || force_new_deployment) {
        return Err(Refused {
            code: "InvalidParameterException",
            message: if changes_td {
                "Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.".into()
            } else {
                "Cannot force a new deployment on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.".into()
            },
        });
    }
    if let Some(n) = desired_count {
        task_sets::set_desired(ctx, s, n);
    }
    if changes_td || force_new_deployment {
        start_deployment(ctx, s, td.unwrap_or(current))?;
    }
    Ok(())
}

/// Start a deployment of `td` on a blue/green service: `aws deploy create-deployment` for a
/// CodeDeploy service, `aws ecs update-service --task-definition` for one with an ECS
/// strategy. Returns the deployment's id.
pub fn start_deployment(ctx: &mut Ctx, s: ServiceIdx, td: TaskDefIdx) -> Result<String, Refused> {
    let now = ctx.now;
    let Some(bg) = ctx.world.service(s).blue_green.as_deref() else {
        return Err(Refused {
            code: "InvalidParameterException",
            message: "The service does not use blue/green deployments.".into(),
        });
    };
    if let Some(d) = bg.active() {
        // "Only one deployment can be in progress for a deployment group at a time" (CodeDeploy
        // quotas); ECS likewise runs one service deployment at a time [inferred for ECS].
        return Err(Refused {
            code: "DeploymentLimitExceededException",
            message: format!(
                "The Deployment Group already has an active Deployment {}",
                d.id
            ),
        });
    }
    let Some(blue) = bg.primary().map(|t| t.id.clone()) else {
        return Err(Refused {
            code: "InvalidParameterException",
            message: "The service has no PRIMARY task set.".into(),
        });
    };
    let (id, stages) = match &bg.controller {
        Controller::CodeDeploy {
            config_name,
            termination_wait,
            ready_wait,
            ..
        } => {
            let routing =
                traffic_shift::predefined(config_name).unwrap_or(traffic_shift::Routing::AllAtOnce);
            let stages = code_deploy_stages(bg, routing.schedule(), *termination_wait, *ready_wait);
            (code_deploy_id(ctx), stages)
        }
        Controller::Ecs {
            routing, bake_time, ..
        } => {
            let stages = ecs_stages(bg, routing.schedule(), *bake_time);
            (task_sets::new_id(ctx), stages)
        }
    };
    let from = ctx
        .world
        .task_definition(ctx.world.service(s).task_definition)
        .family_revision();
    let to = ctx.world.task_definition(td).family_revision();
    let bg = ctx
        .world
        .service_mut(s)
        .blue_green
        .as_deref_mut()
        .expect("checked above");
    bg.deployments.push(BgDeployment {
        id: id.clone(),
        state: DeploymentState::InProgress,
        creator: "user".into(),
        task_definition: td,
        blue,
        green: None,
        stages,
        current: 0,
        error: None,
        rollback: None,
        termination_wait_started: false,
        created_at: now,
        completed_at: None,
    });
    bg.steady_reported = false;
    let (what, status) = deployment_words(bg);
    deploy_event(
        ctx,
        s,
        &id,
        format!("{what} {id} created: {from} → {to}. Status {status}."),
        status,
        None,
    );
    request_step(ctx, s, now);
    Ok(id)
}

/// The step timer fired.
pub fn on_step_due(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    if bg.step_at != Some(now) {
        return;
    }
    bg.step_at = None;
    advance(ctx, s);
}

/// What a stage's check found.
enum Check {
    Done,
    /// Look again then (or when a task set changes, for `None`).
    Wait(Option<SimTime>),
    Failed {
        code: &'static str,
        message: String,
    },
}

/// Walk the active deployment forward as far as it can go now.
fn advance(ctx: &mut Ctx, s: ServiceIdx) {
    // Each round begins or ends one stage; a deployment has at most a dozen stages.
    for _ in 0..64 {
        let Some(bg) = ctx.world.service(s).blue_green.as_deref() else {
            return;
        };
        let Some(d) = bg.active() else {
            return;
        };
        if d.current >= d.stages.len() {
            complete(ctx, s);
            return;
        }
        let status = d.stages[d.current].status;
        match status {
            StageStatus::Pending => begin(ctx, s),
            _ => match check(ctx, s) {
                Check::Done => end_stage(ctx, s),
                Check::Wait(at) => {
                    if let Some(at) = at {
                        request_step(ctx, s, at);
                    }
                    return;
                }
                Check::Failed { code, message } => {
                    fail(ctx, s, code, message, false);
                }
            },
        }
    }
}

/// Begin the current stage: its entry action, then it is in progress.
fn begin(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    let Some(d) = active_mut(ctx, s) else {
        return;
    };
    let i = d.current;
    let id = d.id.clone();
    let st = &mut d.stages[i];
    st.status = StageStatus::InProgress;
    st.start = Some(now);
    let kind = st.kind.clone();
    let name = st.name.clone();
    let listed = st.listed;
    match kind {
        StageKind::Hook => {
            st.due = Some(now);
            deploy_hooks::start(ctx, s);
        }
        StageKind::Install => {
            st.due = Some(now.plus(READY_TIMEOUT));
            install(ctx, s, &id);
            let code_deploy = ctx
                .world
                .service(s)
                .blue_green
                .as_deref()
                .is_some_and(|bg| bg.controller.is_code_deploy());
            let message = if code_deploy {
                format!(
                    "{id} {name}: InProgress, replacement task set {} created.",
                    green_of(ctx, s)
                )
            } else {
                format!("{id} {name}: InProgress, the new revision's tasks start.")
            };
            lifecycle_event(
                ctx,
                s,
                &id,
                &name,
                "InProgress",
                message,
                Some("The replacement runs the new task definition at full size (scale 100 %) in the other target group; the production listener still sends everything to the original.".into()),
            );
        }
        StageKind::TestTraffic => {
            st.due = Some(now);
            route_test(ctx, s, &id);
            deploy_hooks::start(ctx, s);
        }
        StageKind::ProductionTraffic(_) => {
            st.due = Some(now);
            st.shifts_done = 0;
        }
        StageKind::ProductionStep {
            percent,
            hold,
            last,
        } => {
            // The step's weights change as it begins; it holds for the step bake time.
            let next = (!last).then(|| now.plus(hold));
            st.due = Some(now.plus(hold));
            st.shifts_done = 1;
            shift_production(ctx, s, &id, percent, next);
            deploy_hooks::start(ctx, s);
        }
        StageKind::Wait(wait) => {
            st.due = Some(now.plus(wait));
            if !listed {
                d.termination_wait_started = true;
                let message = format!(
                    "{id}: traffic is on the replacement; the original task set is terminated in {wait}."
                );
                deploy_event(ctx, s, &id, message, "InProgress".into(), Some("terminateBlueInstancesOnDeploymentSuccess waits terminationWaitTimeInMinutes before the original task set is deleted; until then traffic could be sent back to it.".into()));
            } else {
                lifecycle_event(
                    ctx,
                    s,
                    &id,
                    &name,
                    "InProgress",
                    format!("{id} {name}: both revisions keep running for {wait}."),
                    Some("bakeTimeInMinutes: after the full shift ECS keeps the original revision ready for a rollback this long.".into()),
                );
            }
        }
        StageKind::ReadyWait(wait) => {
            let until = now.plus(wait);
            st.due = Some(until);
            deploy_event(
                ctx,
                s,
                &id,
                format!(
                    "{id}: Ready. The replacement task set is installed and tested; production traffic stays on the original task set until someone reroutes it (continue-deployment --deployment-wait-type READY_WAIT), at the latest by {until}."
                ),
                "Ready".into(),
                Some(format!(
                    "deploymentReadyOption actionOnTimeout STOP_DEPLOYMENT: CodeDeploy does not move production traffic by itself. If no one continues the deployment within waitTimeInMinutes ({wait}), it is Stopped and traffic stays where it is."
                )),
            );
        }
        StageKind::CleanUp => {
            let blue = d.blue.clone();
            scale_down(ctx, s, &blue);
        }
        StageKind::RemoveReplacement => {
            if let Some(green) = d.green.clone() {
                scale_down(ctx, s, &green);
            }
        }
    }
}

/// Is the current stage done?
fn check(ctx: &mut Ctx, s: ServiceIdx) -> Check {
    let now = ctx.now;
    let Some(bg) = ctx.world.service(s).blue_green.as_deref() else {
        return Check::Wait(None);
    };
    let Some(d) = bg.active() else {
        return Check::Wait(None);
    };
    if st_has_run(d) {
        match deploy_hooks::check(ctx, s) {
            HookCheck::Proceed => {}
            HookCheck::Wait(at) => return Check::Wait(at),
            HookCheck::Failed { code, message } => return Check::Failed { code, message },
        }
    }
    let Some(bg) = ctx.world.service(s).blue_green.as_deref() else {
        return Check::Wait(None);
    };
    let Some(d) = bg.active() else {
        return Check::Wait(None);
    };
    let st = &d.stages[d.current];
    let due = st.due.unwrap_or(now);
    match &st.kind {
        StageKind::Hook => Check::Done,
        StageKind::ReadyWait(wait) => {
            if st.shifts_done > 0 {
                Check::Done
            } else if now < due {
                Check::Wait(Some(due))
            } else {
                // "If traffic rerouting is not started before the end of the specified wait
                // period, the deployment status is changed to Stopped" (CodeDeploy API
                // Reference, DeploymentReadyOption). [inferred] The error code TIMEOUT and
                // no rollback: a timeout is none of autoRollbackConfiguration's events
                // (DEPLOYMENT_FAILURE, DEPLOYMENT_STOP_ON_ALARM, DEPLOYMENT_STOP_ON_REQUEST).
                let message = format!(
                    "Traffic was not rerouted to the replacement task set within the wait time ({wait}) of deploymentReadyOption STOP_DEPLOYMENT."
                );
                fail_with(ctx, s, "TIMEOUT", message, true, Some(false));
                Check::Wait(None)
            }
        }
        StageKind::ProductionStep { hold, last, .. } => {
            let start = st.start.unwrap_or(now);
            if now < start.plus(*hold) {
                Check::Wait(Some(start.plus(*hold)))
            } else {
                if *last {
                    make_primary(ctx, s);
                }
                Check::Done
            }
        }
        StageKind::Install => {
            let steady = d
                .green
                .as_deref()
                .and_then(|g| bg.task_set(g))
                .is_some_and(|t| t.stability == Stability::SteadyState);
            if steady {
                Check::Done
            } else if now >= due {
                Check::Failed {
                    code: "TIMEOUT",
                    message: READY_TIMEOUT_MESSAGE.into(),
                }
            } else {
                Check::Wait(Some(due))
            }
        }
        StageKind::TestTraffic => Check::Done,
        StageKind::ProductionTraffic(schedule) => {
            let start = st.start.unwrap_or(now);
            let done = st.shifts_done as usize;
            let due_steps: Vec<(Millis, f64)> = schedule
                .steps
                .iter()
                .skip(done)
                .take_while(|(at, _)| start.plus(*at) <= now)
                .copied()
                .collect();
            let next = schedule
                .steps
                .get(done + due_steps.len())
                .map(|(at, _)| start.plus(*at));
            let id = d.id.clone();
            if let Some(&(_, percent)) = due_steps.last() {
                let steps = due_steps.len() as u32;
                if let Some(d) = active_mut(ctx, s) {
                    let i = d.current;
                    d.stages[i].shifts_done += steps;
                }
                shift_production(ctx, s, &id, percent, next);
            }
            match next {
                Some(at) => Check::Wait(Some(at)),
                None => {
                    make_primary(ctx, s);
                    Check::Done
                }
            }
        }
        StageKind::Wait(_) => {
            if now < due {
                Check::Wait(Some(due))
            } else {
                Check::Done
            }
        }
        StageKind::CleanUp | StageKind::RemoveReplacement => {
            let set = if st.kind == StageKind::CleanUp {
                Some(d.blue.clone())
            } else {
                d.green.clone()
            };
            let Some(set) = set else {
                return Check::Done;
            };
            let key = deployment_key(&set);
            let left = ctx
                .world
                .service(s)
                .tasks
                .iter()
                .any(|&t| ctx.world.task(t).deployment_key == Some(key));
            if left {
                Check::Wait(None)
            } else {
                delete_task_set(ctx, s, &set);
                Check::Done
            }
        }
    }
}

/// The current stage has a hook at work or done.
fn st_has_run(d: &BgDeployment) -> bool {
    d.stages.get(d.current).is_some_and(|st| st.run.is_some())
}

/// The current stage succeeded: record it and move on.
fn end_stage(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    let Some(d) = active_mut(ctx, s) else {
        return;
    };
    let i = d.current;
    let id = d.id.clone();
    let st = &mut d.stages[i];
    st.status = StageStatus::Succeeded;
    st.end = Some(now);
    st.due = None;
    let (name, listed) = (st.name.clone(), st.listed);
    d.current += 1;
    if listed {
        lifecycle_event(
            ctx,
            s,
            &id,
            &name,
            "Succeeded",
            format!("{id} {name}: Succeeded."),
            None,
        );
    }
}

/// Install / SCALE_UP: the replacement task set, at scale 100 % in the target group the
/// original does not use.
fn install(ctx: &mut Ctx, s: ServiceIdx, dep: &str) {
    let Some(bg) = ctx.world.service(s).blue_green.as_deref() else {
        return;
    };
    let Some(d) = bg.active() else {
        return;
    };
    let td = d.task_definition;
    let blue_tg = bg
        .task_set(&d.blue)
        .map_or(bg.target_groups[0], |t| t.target_group);
    let tg = if blue_tg == bg.target_groups[0] {
        bg.target_groups[1]
    } else {
        bg.target_groups[0]
    };
    let code_deploy = bg.controller.is_code_deploy();
    // ECS names the new revision's deployment by the id it already has; CodeDeploy's task set
    // gets an id of its own and the deployment's id as its externalId.
    let id = if code_deploy {
        task_sets::new_id(ctx)
    } else {
        dep.to_string()
    };
    let external = code_deploy.then(|| dep.to_string());
    if let Some(d) = active_mut(ctx, s) {
        d.green = Some(id.clone());
    }
    task_sets::create(
        ctx,
        s,
        &id,
        td,
        tg,
        TaskSetStatus::Active,
        100.0,
        external,
        true,
    );
}

/// A task set leaves: scale 0, DRAINING; its tasks stop through the task set pass.
fn scale_down(ctx: &mut Ctx, s: ServiceIdx, set: &str) {
    task_sets::set_scale(ctx, s, set, 0.0);
    if let Some(t) = ctx
        .world
        .service_mut(s)
        .blue_green
        .as_deref_mut()
        .and_then(|bg| bg.task_set_mut(set))
    {
        t.status = TaskSetStatus::Draining;
    }
}

fn delete_task_set(ctx: &mut Ctx, s: ServiceIdx, set: &str) {
    if let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() {
        bg.task_sets.retain(|t| t.id != set);
    }
    ctx.request_pass(s);
}

/// Every stage is done: the deployment succeeded (or, for ECS, its rollback did).
fn complete(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    let Some(d) = active_mut(ctx, s) else {
        return;
    };
    d.state = match d.state {
        DeploymentState::RollingBack => DeploymentState::RolledBack,
        _ => DeploymentState::Succeeded,
    };
    d.completed_at = Some(now);
    let id = d.id.clone();
    let state = d.state;
    let Some(bg) = ctx.world.service(s).blue_green.as_deref() else {
        return;
    };
    let (what, status) = if bg.controller.is_code_deploy() {
        ("Deployment", state.code_deploy())
    } else {
        ("Service deployment", state.ecs())
    };
    // A CodeDeploy rollback leaves the service on the original task definition.
    if let Some(td) = bg.primary().map(|t| t.task_definition) {
        ctx.world.service_mut(s).task_definition = td;
    }
    deploy_event(
        ctx,
        s,
        &id,
        format!("{what} {id}: {status}."),
        status.to_string(),
        None,
    );
    ctx.request_pass(s);
}

/// The active deployment's replacement and original, for the read model.
pub fn active_sets(bg: &BlueGreen) -> Option<(String, Option<String>)> {
    bg.active().map(|d| (d.blue.clone(), d.green.clone()))
}
