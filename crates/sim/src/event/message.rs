//! What an event's message is made of, and the messages written when read.

use std::borrow::Cow;

use super::EventKind;
use crate::ecs::{DesiredStatus, StopCode, TaskStatus, messages};
use crate::elb::{TargetReason, TargetState};
use crate::name::Name;
use crate::text::text;

/// An event's message: written when the event is logged, or, for the events a large run logs
/// by the ten thousand (task and target state changes, a rollout's registrations, drains and
/// stops), the little the event's kind does not hold, so that [`super::Event::message`] writes
/// it only when someone reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// Shared and one pointer wide, so the message takes 16 bytes of every event.
    Written(Name),
    /// The text of an [`EventKind::TaskStateChanged`].
    TaskState {
        family: Name,
        desired: DesiredStatus,
    },
    /// The text of an [`EventKind::TargetHealthChanged`] that changes a registered target's
    /// state.
    TargetState {
        family: Name,
        reason: Option<TargetReason>,
    },
    /// The text of an [`EventKind::TargetHealthChanged`] that removes a target whose draining
    /// finished.
    TargetRemoved { family: Name },
    /// The text of an [`EventKind::TargetsRegistered`] or [`EventKind::TargetsDeregistered`]
    /// that names the service as the kind does (not a CodeDeploy task set): the target group's
    /// ARN.
    Targets { arn: Name },
    /// The text of an [`EventKind::DrainingBegun`] or [`EventKind::TaskStopRequested`]: the
    /// kind holds all of it.
    OfKind,
}

impl Message {
    /// Whether [`Event::message`] can write this text from an event of `kind`.
    pub(super) fn fits(&self, kind: &EventKind) -> bool {
        match self {
            Message::Written(_) => true,
            Message::TaskState { .. } => matches!(kind, EventKind::TaskStateChanged { .. }),
            Message::TargetState { .. } | Message::TargetRemoved { .. } => {
                matches!(kind, EventKind::TargetHealthChanged { .. })
            }
            Message::Targets { .. } => matches!(
                kind,
                EventKind::TargetsRegistered { .. } | EventKind::TargetsDeregistered { .. }
            ),
            Message::OfKind => matches!(
                kind,
                EventKind::DrainingBegun { .. } | EventKind::TaskStopRequested { .. }
            ),
        }
    }

    /// The text of an event of `kind` with this message.
    pub(super) fn write<'a>(&'a self, kind: &'a EventKind) -> Cow<'a, str> {
        match (self, kind) {
            (Message::Written(text), _) => Cow::Borrowed(text),
            (Message::Targets { arn }, EventKind::TargetsRegistered { service, count, .. }) => {
                Cow::Owned(messages::registered_targets(service, *count, arn))
            }
            (Message::Targets { arn }, EventKind::TargetsDeregistered { service, count, .. }) => {
                Cow::Owned(messages::deregistered_targets(service, *count, arn))
            }
            (
                Message::OfKind,
                EventKind::DrainingBegun {
                    service,
                    deployment,
                    count,
                },
            ) => Cow::Owned(messages::draining(service, deployment, *count)),
            (
                Message::OfKind,
                EventKind::TaskStopRequested {
                    stop_code, reason, ..
                },
            ) => Cow::Owned(stop_requested_text(*stop_code, reason)),
            (
                Message::TaskState { family, desired },
                EventKind::TaskStateChanged {
                    task,
                    revision,
                    from,
                    to,
                    ..
                },
            ) => Cow::Owned(task_state_text(
                family, *revision, task, *from, *to, *desired,
            )),
            (
                Message::TargetState { family, reason },
                EventKind::TargetHealthChanged {
                    target,
                    task,
                    revision,
                    from,
                    to,
                    ..
                },
            ) => Cow::Owned(target_state_text(
                target, task, family, *revision, *from, *to, *reason,
            )),
            (
                Message::TargetRemoved { family },
                EventKind::TargetHealthChanged {
                    target,
                    task,
                    revision,
                    ..
                },
            ) => Cow::Owned(target_removed_text(target, task, family, *revision)),
            // `Event::new` checks (debug builds) that a deferred text comes with its kind.
            _ => Cow::Borrowed(""),
        }
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::Written(text.into())
    }
}

/// The message of a task state change (`EventKind::TaskStateChanged`): its task definition
/// `family:revision`, the change, and the desired status then.
fn task_state_text(
    family: &str,
    revision: u32,
    task: &str,
    from: Option<TaskStatus>,
    to: TaskStatus,
    desired: DesiredStatus,
) -> String {
    // Written in one buffer.
    let capacity = family.len() + task.len() + 80;
    match from {
        // Only a task already running when the scenario starts is first seen RUNNING.
        None if to == TaskStatus::Running => text(
            capacity,
            format_args!(
                "{family}:{revision} task {task} already RUNNING when the scenario starts (desiredStatus {})",
                desired.as_str()
            ),
        ),
        None => text(
            capacity,
            format_args!(
                "{family}:{revision} task {task} created: lastStatus {}, desiredStatus {}",
                to.as_str(),
                desired.as_str()
            ),
        ),
        Some(f) => text(
            capacity,
            format_args!(
                "{family}:{revision} lastStatus {} → {} (desiredStatus {})",
                f.as_str(),
                to.as_str(),
                desired.as_str()
            ),
        ),
    }
}

/// The message of a registered target's state change (`EventKind::TargetHealthChanged`):
/// "registered target 10.0.1.5:8080 (task 1a2b3c4d, web:2): initial (Elb.…: …)" or
/// "target … : initial → healthy", with the reason code and description if any.
fn target_state_text(
    endpoint: &str,
    task: &str,
    family: &str,
    revision: u32,
    from: Option<TargetState>,
    to: TargetState,
    reason: Option<TargetReason>,
) -> String {
    let short = short_id(task);
    let description = reason.as_ref().map(|r| r.description());
    let reason_len = description.as_ref().map_or(0, |d| d.len() + 40);
    // Written in one buffer.
    let capacity = endpoint.len() + family.len() + reason_len + 80;
    match (from, &reason, &description) {
        (None, Some(r), Some(d)) => text(
            capacity,
            format_args!(
                "registered target {endpoint} (task {short}, {family}:{revision}): {} ({}: {d})",
                to.as_str(),
                r.code(),
            ),
        ),
        (None, _, _) => text(
            capacity,
            format_args!(
                "registered target {endpoint} (task {short}, {family}:{revision}): {}",
                to.as_str(),
            ),
        ),
        (Some(f), Some(r), Some(d)) => text(
            capacity,
            format_args!(
                "target {endpoint} (task {short}, {family}:{revision}): {} → {} ({}: {d})",
                f.as_str(),
                to.as_str(),
                r.code(),
            ),
        ),
        (Some(f), _, _) => text(
            capacity,
            format_args!(
                "target {endpoint} (task {short}, {family}:{revision}): {} → {}",
                f.as_str(),
                to.as_str()
            ),
        ),
    }
}

/// The first 8 characters of a task id, as target messages name a task.
fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// The message of a target removed once its draining finished.
fn target_removed_text(endpoint: &str, task: &str, family: &str, revision: u32) -> String {
    text(
        endpoint.len() + family.len() + 70,
        format_args!(
            "target {endpoint} (task {}, {family}:{revision}): draining finished, deregistered",
            short_id(task)
        ),
    )
}

/// The message of an [`EventKind::TaskStopRequested`] (Orca's wording: the task's desired
/// status, stop code and stopped reason, as `describe-tasks` shows them).
fn stop_requested_text(code: StopCode, reason: &str) -> String {
    text(
        reason.len() + 60,
        format_args!(
            "desiredStatus → STOPPED, stopCode {}: {reason}",
            code.as_str()
        ),
    )
}
