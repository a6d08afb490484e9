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
    record(ctx, false, reason, object, message, subjects, why);
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
    record(ctx, true, reason, object, message, subjects, why);
}

fn record(
    ctx: &mut EksCtx,
    warning: bool,
    reason: &str,
    object: String,
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
