//! `aws ecs list-service-deployments`, `describe-service-deployments`,
//! `stop-service-deployment` and `continue-service-deployment` for a service with an ECS
//! BLUE_GREEN, LINEAR or CANARY strategy: the deployment's `lifecycleStage` and the
//! `lifecycleHookDetails` of its hooks, a rollback on request, a pause hook released
//! (docs/rules/ecs-blue-green.md#console).
//!
//! Sources: Amazon ECS API Reference, ListServiceDeployments, DescribeServiceDeployments,
//! ServiceDeployment, ServiceDeploymentBrief, DeploymentLifecycleHookDetail,
//! StopServiceDeployment, ContinueServiceDeployment; AWS CLI reference for the four commands
//! (`--service-deployment-arn`, `--hook-id`, `--action`, `--stop-type`).
//!
//! Orca lists only the deployments of blue/green services (a rolling service's deployments are
//! in `describe-services`).

use serde_json::{Value, json};

use super::args::Param;
use super::shapes::pretty;
use super::{EcsContext, args, parse};
use crate::console::{After, Outcome};
use crate::ecs::Service;
use crate::ecs::task_set::{BgDeployment, BlueGreen, DeploymentState, StageStatus};
use crate::scenario::spec::{Action, HookTimeoutAction};

/// The service deployment's id in its ARN: 22 URL-safe characters (as in
/// `…:service-deployment/MyCluster/MyService/r9i43YFjvgF_xlg7m2eJ1r`, API Reference
/// examples), made from the deployment's own id so a replay gives the same ARN [inferred: how
/// ECS draws it is not published].
fn arn_id(id: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut h = crate::hash::fnv1a_from(0x9e37_79b9_7f4a_7c15, id.bytes());
    (0..22)
        .map(|i| {
            h ^= h >> 31;
            h = h.wrapping_mul(0x94d0_49bb_1331_11eb).wrapping_add(i);
            ALPHABET[(h >> 58) as usize] as char
        })
        .collect()
}

/// `arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>`.
pub fn deployment_arn(svc: &Service, d: &BgDeployment) -> String {
    format!(
        "{}/{}",
        svc.arn.replacen(":service/", ":service-deployment/", 1),
        arn_id(&d.id)
    )
}

/// `arn:aws:ecs:<region>:<account>:service-revision/<cluster>/<service>/<digits>`: a task set
/// stands for a service revision [model], its number for the revision's.
fn revision_arn(svc: &Service, task_set: &str) -> String {
    format!(
        "{}/{}",
        svc.arn.replacen(":service/", ":service-revision/", 1),
        task_set.trim_start_matches("ecs-svc/")
    )
}

/// Every ECS-strategy deployment of the cluster with its service, oldest first.
/// The options of an operation that names its deployment by ARN (no `--cluster`).
fn by_arn(words: &[String], params: &[Param]) -> Result<args::Args, Outcome> {
    args::parse(words, params).map_err(Outcome::Fail)
}

fn all<'a>(
    cx: &'a EcsContext,
) -> impl Iterator<Item = (&'a Service, &'a BlueGreen, &'a BgDeployment)> {
    cx.ecs.services.iter().flat_map(|s| {
        s.blue_green
            .as_deref()
            .filter(|bg| !bg.controller.is_code_deploy())
            .into_iter()
            .flat_map(move |bg| bg.deployments.iter().map(move |d| (s, bg, d)))
    })
}

fn find<'a>(
    cx: &'a EcsContext,
    arn: &str,
) -> Option<(&'a Service, &'a BlueGreen, &'a BgDeployment)> {
    all(cx).find(|(s, _, d)| deployment_arn(s, d) == arn)
}

/// `ServiceDeployment.status` as the API has it: a rollback asked for is ROLLBACK_REQUESTED
/// until it is under way; Orca starts it at once, so it shows ROLLBACK_IN_PROGRESS.
fn status(d: &BgDeployment) -> &'static str {
    d.state.ecs()
}

/// The stage the deployment is at (`lifecycleStage`), or the last it reached.
fn lifecycle_stage(d: &BgDeployment) -> Option<&str> {
    let live = |st: &&crate::ecs::task_set::Stage| {
        st.listed && st.status != StageStatus::Pending && st.status != StageStatus::Skipped
    };
    d.stages
        .get(d.current)
        .filter(live)
        .or_else(|| d.stages.iter().rev().find(live))
        .map(|st| st.name.as_str())
}

fn brief(cx: &EcsContext, svc: &Service, d: &BgDeployment) -> Value {
    let mut v = json!({
        "serviceDeploymentArn": deployment_arn(svc, d),
        "serviceArn": svc.arn,
        "clusterArn": cx.ecs.arn,
        "startedAt": d.created_at.aws_cli(),
        "createdAt": d.created_at.aws_cli(),
        "targetServiceRevisionArn": revision_arn(svc, d.green.as_deref().unwrap_or(&d.id)),
        "status": status(d),
    });
    if let Some(t) = d.completed_at {
        v["finishedAt"] = json!(t.aws_cli());
    }
    v
}

pub(super) fn list(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::text("--service").required(),
            Param::list("--status"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let Some(s) = args.one("--service").and_then(|n| cx.service_named(n)) else {
        return cx.exception(
            "ServiceNotFoundException",
            "The service could not be found.",
        );
    };
    let svc = &cx.ecs.services[s];
    let wanted: Vec<&str> = args.list("--status").collect();
    let items: Vec<Value> = all(cx)
        .filter(|(x, _, _)| x.name == svc.name)
        .filter(|(_, _, d)| wanted.is_empty() || wanted.contains(&status(d)))
        .map(|(x, _, d)| brief(cx, x, d))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    Outcome::Print(pretty(&json!({ "serviceDeployments": items })))
}

pub(super) fn describe(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match by_arn(
        words,
        &[Param::list("--service-deployment-arns").required()],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for arn in args.list("--service-deployment-arns") {
        match find(cx, arn) {
            Some((svc, bg, d)) => found.push(full(cx, svc, bg, d)),
            None => failures.push(json!({"arn": arn, "reason": "MISSING"})),
        }
    }
    Outcome::Print(pretty(
        &json!({"serviceDeployments": found, "failures": failures}),
    ))
}

/// `ServiceDeployment` with `lifecycleStage` and `lifecycleHookDetails` (the hooks at work at
/// the current stage).
fn full(cx: &EcsContext, svc: &Service, bg: &BlueGreen, d: &BgDeployment) -> Value {
    let revision = |id: &str| {
        let t = bg.task_set(id);
        json!({
            "arn": revision_arn(svc, id),
            "requestedTaskCount": t.map_or(0, |t| t.computed_desired_count),
            "runningTaskCount": t.map_or(0, |t| t.running_count),
            "pendingTaskCount": t.map_or(0, |t| t.pending_count),
        })
    };
    let mut v = brief(cx, svc, d);
    v["sourceServiceRevisions"] = json!([revision(&d.blue)]);
    if let Some(g) = &d.green {
        v["targetServiceRevision"] = revision(g);
    }
    if let Some(stage) = lifecycle_stage(d) {
        v["lifecycleStage"] = json!(stage);
    }
    if let Some(e) = &d.error {
        v["statusReason"] = json!(format!("{}: {}", e.code, e.message));
    }
    if matches!(
        d.state,
        DeploymentState::RollingBack | DeploymentState::RolledBack
    ) {
        v["rollback"] = json!({
            "reason": d.error.as_ref().map_or("", |e| e.message.as_str()),
            "startedAt": d.stages.iter().filter_map(|st| st.end).max().unwrap_or(d.created_at).aws_cli(),
            "serviceRevisionArn": revision_arn(svc, &d.blue),
        });
    }
    let hooks: Vec<Value> = d
        .stages
        .get(d.current)
        .and_then(|st| st.hook.as_ref().zip(st.run.as_ref()))
        .map(|(h, r)| {
            let mut x = json!({
                "hookId": r.id,
                "targetType": h.target.as_str(),
                "status": r.status.as_str(),
                "expiresAt": r.expires_at.aws_cli(),
                "timeoutAction": if h.timeout_continues { "CONTINUE" } else { "ROLLBACK" },
            });
            if h.target == crate::ecs::lifecycle_hooks::HookTarget::Lambda {
                x["targetArn"] = json!(format!(
                    "{}:function:{}",
                    svc.arn
                        .split(":service/")
                        .next()
                        .unwrap_or_default()
                        .replacen(":ecs:", ":lambda:", 1),
                    h.function
                ));
            }
            x
        })
        .into_iter()
        .collect();
    if !hooks.is_empty() {
        v["lifecycleHookDetails"] = json!(hooks);
    }
    v
}

/// The deployment an ARN names, or the CLI's error.
fn target<'a>(
    cx: &'a EcsContext,
    arn: &str,
) -> Result<(&'a Service, &'a BlueGreen, &'a BgDeployment), Outcome> {
    find(cx, arn).ok_or_else(|| {
        cx.exception(
            "ServiceDeploymentNotFoundException",
            "The service deployment does not exist.",
        )
    })
}

pub(super) fn stop(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match by_arn(
        words,
        &[
            Param::text("--service-deployment-arn").required(),
            Param::text("--stop-type"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let arn = args.one("--service-deployment-arn").unwrap_or_default();
    match args.one("--stop-type") {
        None | Some("ROLLBACK") => {}
        // The enum lists ABORT, but "The valid values are ROLLBACK" (API Reference,
        // StopServiceDeployment); the wording of the refusal is Orca's [inferred].
        Some("ABORT") => {
            return cx.exception(
                "InvalidParameterException",
                "stopType ABORT is not supported for this service deployment. The valid value is ROLLBACK.",
            );
        }
        Some(other) => {
            return Outcome::Fail(format!(
                "\nAn error occurred (ValidationException) when calling the StopServiceDeployment operation: 1 validation error detected: Value '{other}' at 'stopType' failed to satisfy constraint: Member must satisfy enum value set: [ABORT, ROLLBACK]\n"
            ));
        }
    }
    let (svc, _, d) = match target(cx, arn) {
        Ok(x) => x,
        Err(o) => return o,
    };
    if !d.state.is_running() {
        // "You can stop a deployment that is in any of the following states": PENDING,
        // IN_PROGRESS, STOP_REQUESTED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS (Developer
        // Guide, stop-service-deployment); the exception's wording is Orca's [inferred].
        return cx.exception(
            "InvalidParameterException",
            &format!(
                "The service deployment is {} and can no longer be stopped.",
                status(d)
            ),
        );
    }
    Outcome::Act {
        actions: vec![Action::StopServiceDeployment {
            service: svc.name.to_string(),
        }],
        after: After::Text(pretty(&json!({ "serviceDeploymentArn": arn }))),
    }
}

pub(super) fn continue_(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match by_arn(
        words,
        &[
            Param::text("--service-deployment-arn").required(),
            Param::text("--hook-id").required(),
            Param::text("--action"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let action = match args.one("--action") {
        None | Some("CONTINUE") => HookTimeoutAction::Continue,
        Some("ROLLBACK") => HookTimeoutAction::Rollback,
        Some(other) => {
            return Outcome::Fail(format!(
                "\nAn error occurred (ValidationException) when calling the ContinueServiceDeployment operation: 1 validation error detected: Value '{other}' at 'action' failed to satisfy constraint: Member must satisfy enum value set: [ROLLBACK, CONTINUE]\n"
            ));
        }
    };
    let arn = args.one("--service-deployment-arn").unwrap_or_default();
    let hook_id = args.one("--hook-id").unwrap_or_default();
    let (svc, _, d) = match target(cx, arn) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let run = d.stages.get(d.current).and_then(|st| st.run.as_ref());
    // "The pause hook must be in AWAITING_ACTION status" and the deployment IN_PROGRESS
    // (Developer Guide, continue-service-deployment); the wording is Orca's [inferred].
    let awaiting = d.state == DeploymentState::InProgress
        && run.is_some_and(|r| {
            r.id == hook_id && r.status == crate::ecs::lifecycle_hooks::HookStatus::AwaitingAction
        });
    if !awaiting {
        return cx.exception(
            "InvalidParameterException",
            &format!(
                "The hook {hook_id} is not in AWAITING_ACTION status for this service deployment."
            ),
        );
    }
    Outcome::Act {
        actions: vec![Action::ContinueServiceDeployment {
            service: svc.name.to_string(),
            action,
        }],
        after: After::Text(pretty(&json!({ "serviceDeploymentArn": arn }))),
    }
}
