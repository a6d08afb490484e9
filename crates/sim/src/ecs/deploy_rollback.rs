//! A blue/green deployment that fails (a hook answers Failed, the replacement is not healthy
//! in time) or is stopped by an alarm, and its rollback: CodeDeploy starts a rollback
//! deployment (`creator: codeDeployRollback`) that reroutes traffic to the original task set;
//! ECS rolls the same service deployment back (docs/rules/ecs-blue-green.md).
//!
//! Sources: CodeDeploy User Guide, "Redeploy and roll back a deployment with CodeDeploy"
//! (<https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html>),
//! API Reference AutoRollbackConfiguration, ErrorInformation, RollbackInfo; the ALARM_ACTIVE
//! message and the rollback message as public deployment logs show them (observed); Amazon ECS
//! Developer Guide, "Amazon ECS blue/green deployments" (rollback).

use crate::ecs::cluster::Ctx;
use crate::ecs::deploy_plan::{code_deploy_id, stage};
use crate::ecs::deploy_traffic::{deploy_event, lifecycle_event, reroute_to};
use crate::ecs::ids::ServiceIdx;
use crate::ecs::task_set::{
    BgDeployment, Controller, DeploymentState, ErrorInfo, RollbackInfo, Stage, StageKind,
    StageStatus,
};
use crate::ecs::task_set_links::request_step;

/// The deployment fails (a hook, a timeout) or is stopped (an alarm): its stage fails, what is
/// left is skipped, and it rolls back if it is set to.
pub fn fail(ctx: &mut Ctx, s: ServiceIdx, code: &'static str, message: String, stopped: bool) {
    fail_with(ctx, s, code, message, stopped, None);
}

/// [`fail`], with the CodeDeploy rollback decided by the caller (`aws deploy stop-deployment
/// --auto-rollback-enabled`) instead of the deployment group's settings.
pub fn fail_with(
    ctx: &mut Ctx,
    s: ServiceIdx,
    code: &'static str,
    message: String,
    stopped: bool,
    rollback: Option<bool>,
) {
    let now = ctx.now;
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    let controller = bg.controller.clone();
    let Some(d) = bg.active_mut() else {
        return;
    };
    if d.state != DeploymentState::InProgress {
        return;
    }
    let i = d.current.min(d.stages.len().saturating_sub(1));
    let failed_stage = d.stages.get(i).map(|st| st.name.clone());
    if let Some(st) = d.stages.get_mut(i)
        && st.status == StageStatus::InProgress
    {
        st.status = StageStatus::Failed;
        st.end = Some(now);
        st.due = None;
    }
    for st in d.stages.iter_mut().skip(i) {
        if st.status == StageStatus::Pending {
            st.status = StageStatus::Skipped;
        }
    }
    d.error = Some(ErrorInfo {
        code: code.to_string(),
        message: message.clone(),
    });
    let id = d.id.clone();
    let green = d.green.clone();
    let blue = d.blue.clone();
    match controller {
        Controller::CodeDeploy {
            rollback_on_failure,
            rollback_on_alarm,
            ..
        } => {
            d.state = if stopped {
                DeploymentState::Stopped
            } else {
                DeploymentState::Failed
            };
            d.completed_at = Some(now);
            let status = d.state.code_deploy();
            if let Some(stage) = failed_stage.filter(|_| !stopped) {
                lifecycle_event(
                    ctx,
                    s,
                    &id,
                    &stage,
                    "Failed",
                    format!("{id} {stage}: Failed."),
                    None,
                );
            }
            deploy_event(
                ctx,
                s,
                &id,
                format!("Deployment {id}: {status} ({code}). {message}"),
                status.to_string(),
                None,
            );
            let wanted = rollback.unwrap_or(if stopped {
                rollback_on_alarm
            } else {
                rollback_on_failure
            });
            match green {
                Some(green) if wanted => code_deploy_rollback(ctx, s, &id, &blue, &green),
                _ => {
                    let why = if wanted {
                        "There is no replacement task set yet, so there is nothing to roll back: the original keeps serving."
                    } else if rollback == Some(false) {
                        "StopDeployment without autoRollbackEnabled: the task sets and listeners stay as they are."
                    } else {
                        "Automatic rollback is off for this cause: the task sets and listeners stay as they are."
                    };
                    deploy_event(
                        ctx,
                        s,
                        &id,
                        format!("Deployment {id}: no rollback."),
                        status.to_string(),
                        Some(why.into()),
                    );
                    ctx.request_pass(s);
                }
            }
        }
        Controller::Ecs { .. } => {
            // ECS rolls the same service deployment back.
            d.state = DeploymentState::RollingBack;
            let has_green = green.is_some();
            if has_green {
                d.stages.push(Stage {
                    name: "ROLLBACK".into(),
                    kind: StageKind::RemoveReplacement,
                    listed: false,
                    hook: None,
                    status: StageStatus::Pending,
                    start: None,
                    end: None,
                    due: None,
                    shifts_done: 0,
                    run: None,
                });
                d.current = d.stages.len() - 1;
            } else {
                d.current = d.stages.len();
            }
            deploy_event(
                ctx,
                s,
                &id,
                format!("Service deployment {id}: ROLLBACK_IN_PROGRESS ({code}). {message}"),
                "ROLLBACK_IN_PROGRESS".into(),
                Some("ECS sends all traffic back to the original revision and scales the new one in.".into()),
            );
            reroute_to(ctx, s, &id, &blue);
            request_step(ctx, s, now);
        }
    }
}

/// CodeDeploy's rollback: a new deployment (`creator: codeDeployRollback`) that sends traffic
/// back to the original task set and removes the replacement.
pub(super) fn code_deploy_rollback(
    ctx: &mut Ctx,
    s: ServiceIdx,
    failed: &str,
    blue: &str,
    green: &str,
) {
    let now = ctx.now;
    let id = code_deploy_id(ctx);
    let message = format!(
        "Deployment {failed} terminated. Automatic rollback is triggered with a DeploymentId {id}."
    );
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    let td = bg.task_set(blue).map(|t| t.task_definition);
    if let Some(d) = bg.deployments.iter_mut().find(|d| d.id == failed) {
        d.rollback = Some(RollbackInfo {
            rollback_deployment_id: Some(id.clone()),
            rollback_triggering_deployment_id: None,
            rollback_message: message.clone(),
        });
    }
    let Some(td) = td else {
        return;
    };
    // The reroute happens as the rollback is created (below); its AllowTraffic event only
    // records it [inferred: the lifecycle events of a rollback deployment are not published].
    let mut reroute = stage(bg, "AllowTraffic", StageKind::Hook, true);
    reroute.hook = None;
    bg.deployments.push(BgDeployment {
        id: id.clone(),
        state: DeploymentState::InProgress,
        creator: "codeDeployRollback".into(),
        task_definition: td,
        blue: blue.to_string(),
        green: Some(green.to_string()),
        stages: vec![
            reroute,
            stage(
                bg,
                "TerminateReplacementTaskSet",
                StageKind::RemoveReplacement,
                false,
            ),
        ],
        current: 0,
        error: None,
        rollback: Some(RollbackInfo {
            rollback_deployment_id: None,
            rollback_triggering_deployment_id: Some(failed.to_string()),
            rollback_message: message.clone(),
        }),
        termination_wait_started: false,
        created_at: now,
        completed_at: None,
    });
    deploy_event(
        ctx,
        s,
        &id,
        format!("Deployment {id} created by codeDeployRollback: {message}"),
        "InProgress".into(),
        Some("Rolling back an ECS deployment means rerouting traffic to the original task set; CodeDeploy does it as a new deployment.".into()),
    );
    reroute_to(ctx, s, &id, blue);
    request_step(ctx, s, now);
}

/// An alarm the deployment watches is in ALARM: stop it (and roll back if set to).
pub fn stop_on_alarm(ctx: &mut Ctx, s: ServiceIdx, alarms: &[String]) {
    let watching = ctx
        .world
        .service(s)
        .blue_green
        .as_deref()
        .and_then(|bg| bg.active())
        .is_some_and(|d| {
            // Once the original is being terminated there is nothing left to return to: the
            // deployment is past the point an alarm can roll it back [inferred].
            let terminating = d
                .stages
                .get(d.current)
                .is_some_and(|st| st.kind == StageKind::CleanUp);
            d.state == DeploymentState::InProgress && d.creator == "user" && !terminating
        });
    if !watching {
        return;
    }
    let code_deploy = ctx
        .world
        .service(s)
        .blue_green
        .as_deref()
        .is_some_and(|bg| bg.controller.is_code_deploy());
    let message = if code_deploy {
        format!(
            "One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: {}",
            alarms.join(", ")
        )
    } else {
        format!("CloudWatch alarm(s) in ALARM: {}.", alarms.join(", "))
    };
    fail(ctx, s, "ALARM_ACTIVE", message, true);
}
