//! The audit log's side of applying an action (`security::audit`): a call only the timeline
//! makes (an exec, a role binding) announces where its audit entry went and what GuardDuty made
//! of it; a kubectl action of an EKS world is recorded with the command lines it announced.

use crate::engine::WorldCtx;
use crate::event::{EventKind, Source};
use crate::k8s::tick::EksCtx;
use crate::scenario::spec::Action;

/// An exec or a role binding the timeline makes: the call, where its entry went, a finding.
pub(super) fn timeline_call(ctx: &mut WorldCtx, action: &Action) {
    let at_ms = ctx.now.0;
    // `kubectl exec` names a pod, or `deploy/<name>` for one of a Deployment's pods.
    let resolved = match (action, ctx.world.eks.as_ref()) {
        (Action::ExecIntoPod { pod, namespace }, Some(k)) => {
            crate::security::exec::resolve_pod(k, pod, namespace).map(|p| Action::ExecIntoPod {
                pod: p,
                namespace: namespace.clone(),
            })
        }
        (a, _) => Ok(a.clone()),
    };
    let call = match (&resolved, ctx.world.eks.as_ref()) {
        (Ok(a), Some(k)) => crate::security::audit::call_of(a, k, at_ms),
        _ => None,
    };
    // A role binding the timeline creates is in the cluster from now on (`k8s::rbac`).
    if let (
        Ok(Action::CreateClusterRoleBinding {
            name,
            cluster_role,
            user,
        }),
        Some(k),
    ) = (&resolved, ctx.world.eks.as_mut())
    {
        crate::k8s::rbac::create_binding(
            &mut k.cluster_role_bindings,
            name,
            cluster_role,
            user,
            ctx.now,
        );
    }
    let lines = match (
        resolved,
        call,
        ctx.world.eks.as_mut().and_then(|k| k.security.as_mut()),
    ) {
        (Ok(a), Some(call), Some(s)) => crate::security::apply(s, &a, call),
        (Err(e), _, _) => vec![(false, e)],
        _ => Vec::new(),
    };
    for (finding, line) in lines {
        let source = if finding {
            Source::GuardDuty
        } else {
            Source::Scenario
        };
        ctx.emit(
            source,
            EventKind::ActionApplied {
                description: line.as_str().into(),
            },
            line,
            Vec::new(),
        );
    }
}

/// Apply kubectl action `action` with `apply`, then record its call (looked up before `apply`
/// changes the cluster: a deleted pod's namespace).
pub(super) fn kubectl(ctx: &mut EksCtx, action: &Action, apply: fn(&mut EksCtx, &Action)) {
    let call = crate::security::audit::call_of(action, ctx.world, ctx.now.0);
    let first = ctx.log.len();
    apply(ctx, action);
    if let Some(call) = call {
        record(ctx, call, first);
    }
}

/// Record a kubectl call in the audit log, with the command line(s) the action announced since
/// event `first` (without the outcome an announcement adds after `  →  `). An action that
/// announced nothing changed nothing (a name that is not there): no call is recorded.
fn record(ctx: &mut EksCtx, mut call: crate::security::audit::ApiCall, first: usize) {
    let lines: Vec<&str> = ctx.log[first..]
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ActionApplied { description } => Some(
                description
                    .split_once("  →  ")
                    .map_or(description.as_ref(), |(command, _)| command),
            ),
            _ => None,
        })
        .filter(|l| l.starts_with("kubectl "))
        .collect();
    if lines.is_empty() {
        return;
    }
    call.command = lines.join("; ");
    if let Some(s) = ctx.world.security.as_mut() {
        s.audited.push(call);
    }
}

/// The API call of a kubectl command the timeline applies through IAM (annotating or creating a
/// service account), as the API server sees it before the change.
pub(super) fn kubectl_call(
    ctx: &WorldCtx,
    action: &Action,
) -> Option<crate::security::audit::ApiCall> {
    let k = ctx.world.eks.as_ref()?;
    crate::security::audit::call_of(action, k, ctx.now.0)
}

/// Record `call` in the audit log, with the command line the log announced.
pub(super) fn record_iam_kubectl(
    ctx: &mut WorldCtx,
    mut call: crate::security::audit::ApiCall,
    line: &str,
) {
    call.command = line.to_string();
    if let Some(s) = ctx.world.eks.as_mut().and_then(|k| k.security.as_mut()) {
        s.audited.push(call);
    }
}
