//! An HPA's status conditions (`status.conditions`: AbleToScale, ScalingActive,
//! ScalingLimited) and how a sync sets them (`setCondition` in
//! `pkg/controller/podautoscaler/horizontal.go`;
//! docs/rules/k8s-autoscaling.md#hpa-status-conditions).

use serde::Serialize;

use crate::time::SimTime;

/// One condition of an HPA's status, as `kubectl describe hpa` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub status: bool,
    pub reason: &'static str,
    pub message: String,
    /// When its status last changed (`lastTransitionTime`).
    pub since: SimTime,
}

/// The conditions the controller sets on each sync (`horizontal.go`): AbleToScale (the
/// stabilization's verdict, or SucceededRescale after a change), ScalingActive (a replica
/// count could be computed from the metric) and ScalingLimited (the bounds or the rate held
/// the count back). Empty until the first sync.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Conditions {
    pub able_to_scale: Option<Condition>,
    pub scaling_active: Option<Condition>,
    pub scaling_limited: Option<Condition>,
}

impl Conditions {
    /// (type, condition) in the order kubectl prints them.
    pub fn listed(&self) -> Vec<(&'static str, &Condition)> {
        [
            ("AbleToScale", &self.able_to_scale),
            ("ScalingActive", &self.scaling_active),
            ("ScalingLimited", &self.scaling_limited),
        ]
        .into_iter()
        .filter_map(|(t, c)| c.as_ref().map(|c| (t, c)))
        .collect()
    }
}

/// `setCondition`: the new status, reason and message; the transition time moves only when the
/// status changes.
pub(super) fn set(
    slot: &mut Option<Condition>,
    now: SimTime,
    status: bool,
    reason: &'static str,
    message: String,
) {
    let since = match slot {
        Some(c) if c.status == status => c.since,
        _ => now,
    };
    *slot = Some(Condition {
        status,
        reason,
        message,
        since,
    });
}

/// `convertDesiredReplicasWithRules` / `convertDesiredReplicasWithBehaviorRate`'s verdict on
/// `desired` against the stabilized recommendation: (limited?, reason, message).
pub(super) fn limit_verdict(
    stabilized: u32,
    desired: u32,
    reason: &'static str,
) -> (bool, &'static str, String) {
    let message = match reason {
        "ScaleUpLimit" => {
            "the desired replica count is increasing faster than the maximum scale rate"
        }
        "TooManyReplicas" => "the desired replica count is more than the maximum replica count",
        "ScaleDownLimit" => {
            "the desired replica count is decreasing faster than the maximum scale rate"
        }
        "TooFewReplicas" => "the desired replica count is less than the minimum replica count",
        _ => "the desired count is within the acceptable range",
    };
    (desired != stabilized, reason, message.to_string())
}
