//! How the EKS controllers record what they did: one `kubectl get events` line
//! (`TYPE REASON OBJECT MESSAGE`) as a log [`crate::event::Event`], with the objects it is about
//! and, for a decision, the rule and numbers behind it.

use super::cluster::EksCtx;
use crate::event::{EventKind, Source, Subject};

/// A `Normal` event.
pub fn normal(
    ctx: &mut EksCtx,
    reason: &str,
    object: String,
    message: String,
    subjects: Vec<Subject>,
    why: Option<String>,
) {
    record(ctx, false, reason, (object, None), message, subjects, why);
}

/// A `Warning` event.
pub fn warning(
    ctx: &mut EksCtx,
    reason: &str,
    object: String,
    message: String,
    subjects: Vec<Subject>,
    why: Option<String>,
) {
    record(ctx, true, reason, (object, None), message, subjects, why);
}

/// An event the kubelet records about one container of a pod: its object reference names the
/// container too (`involvedObject.fieldPath`, from [`container_ref`]). The kubelet refers to
/// the container this way for image pulls, creating, starting and stopping it, its probes'
/// failures and restart back-offs (`kubecontainer.GenerateContainerRef`, kubernetes
/// pkg/kubelet/container/ref.go; kuberuntime_manager.go `doBackOff`).
#[allow(clippy::too_many_arguments)]
pub fn container(
    ctx: &mut EksCtx,
    warning: bool,
    reason: &str,
    object: String,
    field_path: String,
    message: String,
    subjects: Vec<Subject>,
    why: Option<String>,
) {
    record(
        ctx,
        warning,
        reason,
        (object, Some(field_path)),
        message,
        subjects,
        why,
    );
}

/// `Normal Killing` `Stopping container NAME` on pod `pod`: the kubelet stops the pod's (first
/// app) container `container` as the pod is deleted or evicted.
pub fn stopping(ctx: &mut EksCtx, pod_name: &str, container: &str) {
    let (object, subjects) = pod(pod_name);
    let message = super::messages::stopping_container(container);
    let at = container_ref(container, false);
    record(
        ctx,
        false,
        "Killing",
        (object, Some(at)),
        message,
        subjects,
        None,
    );
}

/// How an object reference locates a container within its pod (kubelet `fieldPath`,
/// pkg/kubelet/container/ref.go): `spec.containers{app}`, or `spec.initContainers{init}` for
/// an init container (a restartable one, a sidecar, included).
pub fn container_ref(name: &str, init: bool) -> String {
    if init {
        format!("spec.initContainers{{{name}}}")
    } else {
        format!("spec.containers{{{name}}}")
    }
}

fn record(
    ctx: &mut EksCtx,
    warning: bool,
    reason: &str,
    (object, field_path): (String, Option<String>),
    message: String,
    subjects: Vec<Subject>,
    why: Option<String>,
) {
    ctx.emit_why(
        Source::Kube(object.as_str().into()),
        EventKind::Kube {
            warning,
            reason: reason.into(),
            object: object.into(),
            field_path: field_path.map(Into::into),
        },
        message,
        subjects,
        why,
    );
}

/// A change of an object's status condition (`kubectl describe` lists it under Conditions; it
/// is not an event `kubectl get events` shows): `Progressing=False (ProgressDeadlineExceeded):
/// <message>`.
#[allow(clippy::too_many_arguments)]
pub fn condition(
    ctx: &mut EksCtx,
    object: String,
    subjects: Vec<Subject>,
    condition: &str,
    status: bool,
    reason: &str,
    message: String,
    why: String,
) {
    let shown = format!(
        "{condition}={} ({reason}): {message}",
        if status { "True" } else { "False" }
    );
    ctx.emit_why(
        Source::Kube(object.as_str().into()),
        EventKind::KubeCondition {
            object: object.as_str().into(),
            condition: condition.into(),
            status,
            reason: reason.into(),
        },
        shown,
        subjects,
        Some(why),
    );
}

/// `pod/<name>` and the pod as the event's subject.
pub fn pod(name: &str) -> (String, Vec<Subject>) {
    (format!("pod/{name}"), vec![Subject::Pod(name.into())])
}

/// `node/<name>` and the node as the event's subject.
pub fn node(name: &str) -> (String, Vec<Subject>) {
    (format!("node/{name}"), vec![Subject::Node(name.into())])
}

/// `deployment/<name>` and the Deployment as the event's subject.
pub fn deployment(name: &str) -> (String, Vec<Subject>) {
    (
        format!("deployment/{name}"),
        vec![Subject::Deployment(name.into())],
    )
}
