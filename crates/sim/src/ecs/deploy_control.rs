//! A learner (or the timeline) stopping or continuing a blue/green deployment: ECS's
//! `ContinueServiceDeployment` (a PAUSE hook awaiting action) and `StopServiceDeployment`
//! (stopType ROLLBACK), CodeDeploy's `StopDeployment` (optionally rolling back) and
//! `ContinueDeployment` (deploymentWaitType TERMINATION_WAIT) (docs/rules/ecs-blue-green.md,
//! "Stopping and continuing").
//!
//! Sources: Amazon ECS Developer Guide, "Continuing service deployments" and "Stopping Amazon
//! ECS service deployments"
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html>);
//! Amazon ECS API Reference, ContinueServiceDeployment, StopServiceDeployment; CodeDeploy API
//! Reference, StopDeployment (`autoRollbackEnabled`) and ContinueDeployment
//! (`deploymentWaitType`).

use crate::ecs::cluster::Ctx;
use crate::ecs::deploy_hooks::resolve_pause;
use crate::ecs::deploy_rollback::fail_with;
use crate::ecs::deploy_traffic::{active_mut, deploy_event};
use crate::ecs::ids::ServiceIdx;
use crate::ecs::task_set::{DeploymentState, StageKind};
use crate::ecs::task_set_links::request_step;
use crate::event::{EventKind, Source, Subject};
use crate::scenario::spec::{Action, DeploymentWaitType, HookTimeoutAction};

/// A timeline or console action of `Action::is_deploy_control`.
pub fn on_action(ctx: &mut Ctx, action: &Action) {
    if let Some(service) = service_of(action) {
        let line = match action {
            Action::ContinueServiceDeployment { action, .. } => format!(
                "aws ecs continue-service-deployment ({service}) --action {}",
                if *action == HookTimeoutAction::Continue {
                    "CONTINUE"
                } else {
                    "ROLLBACK"
                }
            ),
            Action::StopServiceDeployment { .. } => {
                format!("aws ecs stop-service-deployment ({service}) --stop-type ROLLBACK")
            }
            Action::StopDeployment { auto_rollback, .. } => format!(
                "aws deploy stop-deployment ({service}){}",
                if *auto_rollback {
                    " --auto-rollback-enabled"
                } else {
                    ""
                }
            ),
            Action::ContinueDeployment { wait_type, .. } => format!(
                "aws deploy continue-deployment ({service}) --deployment-wait-type {}",
                wait_type.as_api()
            ),
            _ => String::new(),
        };
        ctx.emit(
            Source::Scenario,
            EventKind::ActionApplied {
                description: line.as_str().into(),
            },
            line,
            vec![Subject::Service(service.into())],
        );
    }
    let result = match action {
        Action::ContinueServiceDeployment { service, action } => {
            with_service(ctx, service, |ctx, s| {
                resolve_pause(ctx, s, None, *action == HookTimeoutAction::Continue)
            })
        }
        Action::StopServiceDeployment { service } => with_service(ctx, service, stop_ecs),
        Action::StopDeployment {
            service,
            auto_rollback,
        } => with_service(ctx, service, |ctx, s| {
            stop_code_deploy(ctx, s, *auto_rollback)
        }),
        Action::ContinueDeployment { service, wait_type } => match wait_type {
            DeploymentWaitType::TerminationWait => with_service(ctx, service, end_termination_wait),
            DeploymentWaitType::ReadyWait => with_service(ctx, service, reroute_now),
        },
        _ => Ok(()),
    };
    if let (Err(message), Some(service)) = (result, service_of(action))
        && let Some(s) = ctx.world.service_by_name(service)
    {
        let id = ctx
            .world
            .service(s)
            .blue_green
            .as_deref()
            .and_then(|bg| bg.deployments.last())
            .map(|d| d.id.clone())
            .unwrap_or_default();
        deploy_event(ctx, s, &id, message, "Unchanged".into(), None);
    }
}

fn service_of(action: &Action) -> Option<&str> {
    match action {
        Action::ContinueServiceDeployment { service, .. }
        | Action::StopServiceDeployment { service }
        | Action::StopDeployment { service, .. }
        | Action::ContinueDeployment { service, .. } => Some(service),
        _ => None,
    }
}

fn with_service(
    ctx: &mut Ctx,
    service: &str,
    f: impl FnOnce(&mut Ctx, ServiceIdx) -> Result<(), String>,
) -> Result<(), String> {
    match ctx.world.service_by_name(service) {
        Some(s) if ctx.world.service(s).blue_green.is_some() => f(ctx, s),
        _ => Ok(()),
    }
}

/// `StopServiceDeployment --stop-type ROLLBACK`: an IN_PROGRESS deployment moves to
/// ROLLBACK_REQUESTED and rolls back (traffic back to the original revision, the new one
/// scaled in); one already rolling back "continues the rollback operation".
fn stop_ecs(ctx: &mut Ctx, s: ServiceIdx) -> Result<(), String> {
    let Some(d) = active_mut(ctx, s) else {
        return Err("stop-service-deployment: the service has no deployment in progress.".into());
    };
    if d.state == DeploymentState::RollingBack {
        return Err(format!(
            "stop-service-deployment: service deployment {} is already rolling back; the rollback continues.",
            d.id
        ));
    }
    let id = d.id.clone();
    deploy_event(
        ctx,
        s,
        &id,
        format!("Service deployment {id}: ROLLBACK_REQUESTED (stop-service-deployment --stop-type ROLLBACK)."),
        "ROLLBACK_REQUESTED".into(),
        Some("StopServiceDeployment with ROLLBACK works even when the service was not set up to roll back: ECS returns to the previous service revision.".into()),
    );
    fail_with(
        ctx,
        s,
        "ROLLBACK_REQUESTED",
        "StopServiceDeployment with stopType ROLLBACK.".into(),
        true,
        None,
    );
    Ok(())
}

/// `aws deploy stop-deployment`: the deployment is Stopped (`errorInformation.code`
/// MANUAL_STOP); with `--auto-rollback-enabled` CodeDeploy rolls back as after a failure (a
/// new deployment reroutes traffic to the original task set); without it the task sets and
/// listeners stay as they are.
fn stop_code_deploy(ctx: &mut Ctx, s: ServiceIdx, rollback: bool) -> Result<(), String> {
    let Some(d) = active_mut(ctx, s) else {
        return Err("stop-deployment: the service has no deployment in progress.".into());
    };
    if d.creator != "user" {
        return Err(format!(
            "stop-deployment: {} is a rollback deployment; Orca lets it finish.",
            d.id
        ));
    }
    fail_with(
        ctx,
        s,
        "MANUAL_STOP",
        "The deployment was stopped by a StopDeployment request.".into(),
        true,
        Some(rollback),
    );
    Ok(())
}

/// `aws deploy continue-deployment --deployment-wait-type READY_WAIT`: a deployment waiting
/// for someone to reroute traffic (`deploymentReadyOption` STOP_DEPLOYMENT) goes on to its
/// production traffic events now.
fn reroute_now(ctx: &mut Ctx, s: ServiceIdx) -> Result<(), String> {
    let now = ctx.now;
    let Some(d) = active_mut(ctx, s) else {
        return Err("continue-deployment: the service has no deployment in progress.".into());
    };
    let id = d.id.clone();
    let i = d.current;
    let in_progress = d.state == DeploymentState::InProgress;
    match d.stages.get_mut(i) {
        Some(st)
            if matches!(st.kind, StageKind::ReadyWait(_)) && st.shifts_done == 0 && in_progress =>
        {
            st.shifts_done = 1;
            st.due = Some(now);
        }
        _ => {
            return Err(format!(
                "continue-deployment: deployment {id} is not in a ready state (it is not waiting for traffic to be rerouted)."
            ));
        }
    }
    deploy_event(
        ctx,
        s,
        &id,
        format!("{id}: continue-deployment --deployment-wait-type READY_WAIT; production traffic is rerouted to the replacement task set now."),
        "InProgress".into(),
        Some("ContinueDeployment with READY_WAIT ends the ready wait of deploymentReadyOption STOP_DEPLOYMENT: the production traffic events begin.".into()),
    );
    request_step(ctx, s, now);
    Ok(())
}

/// `aws deploy continue-deployment --deployment-wait-type TERMINATION_WAIT`: the wait before
/// the original task set is terminated ends now.
fn end_termination_wait(ctx: &mut Ctx, s: ServiceIdx) -> Result<(), String> {
    let now = ctx.now;
    let Some(d) = active_mut(ctx, s) else {
        return Err("continue-deployment: the service has no deployment in progress.".into());
    };
    let i = d.current;
    let id = d.id.clone();
    let waiting = d
        .stages
        .get(i)
        .is_some_and(|st| matches!(st.kind, StageKind::Wait(_)) && !st.listed);
    if !waiting || d.state != DeploymentState::InProgress {
        return Err(format!(
            "continue-deployment: deployment {id} is not waiting to terminate the original task set."
        ));
    }
    if let Some(st) = d.stages.get_mut(i) {
        st.due = Some(now);
    }
    deploy_event(
        ctx,
        s,
        &id,
        format!("{id}: continue-deployment --deployment-wait-type TERMINATION_WAIT; the original task set is terminated now."),
        "InProgress".into(),
        Some("ContinueDeployment with TERMINATION_WAIT skips the rest of terminationWaitTimeInMinutes.".into()),
    );
    request_step(ctx, s, now);
    Ok(())
}
