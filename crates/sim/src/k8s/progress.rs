//! The Deployment's `Progressing` condition and its progress deadline, as `syncRolloutStatus`
//! in `pkg/controller/deployment/progress.go` keeps them
//! (`docs/rules/k8s-deployments.md#conditions-and-progress-deadline`). The controller only sets
//! the condition: it records no event and does not roll back. `kubectl rollout status` reads the
//! condition and fails.

use super::cluster::{DeploymentCondition, DeploymentCounts};
use crate::time::{Millis, SimTime};

pub const NEW_RS_CREATED: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS: &str = "FoundNewReplicaSet";
pub const RS_UPDATED: &str = "ReplicaSetUpdated";
pub const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT: &str = "ProgressDeadlineExceeded";
/// `deploymentutil.PausedDeployReason` and `ResumedDeployReason`.
pub const PAUSED: &str = "DeploymentPaused";
pub const RESUMED: &str = "DeploymentResumed";

/// `checkPausedConditions` (kubernetes `pkg/controller/deployment/sync.go`): pausing a
/// Deployment sets `Progressing` to status **Unknown**, reason `DeploymentPaused`, "Deployment
/// is paused"; resuming one whose condition says paused sets Unknown, `DeploymentResumed`,
/// "Deployment is resumed", so the progress deadline counts from the resume. A condition that
/// already reports `ProgressDeadlineExceeded` is not overwritten. `None`: no change.
pub fn paused_condition(
    current: Option<&DeploymentCondition>,
    paused: bool,
    now: SimTime,
) -> Option<DeploymentCondition> {
    if current.is_some_and(|c| c.reason == TIMED_OUT) {
        return None;
    }
    let says_paused = current.is_some_and(|c| c.reason == PAUSED);
    let (reason, message) = match (paused, says_paused) {
        (true, false) => (PAUSED, "Deployment is paused"),
        (false, true) => (RESUMED, "Deployment is resumed"),
        _ => return None,
    };
    // `SetDeploymentCondition` keeps the transition time only when the status is the same.
    let last_transition = match current {
        Some(c) if c.unknown => c.last_transition,
        _ => now,
    };
    Some(DeploymentCondition {
        status: false,
        unknown: true,
        reason: reason.into(),
        message: message.into(),
        last_update: now,
        last_transition,
    })
}

/// `DeploymentComplete`: every replica is updated and available, and no old one is left.
pub fn complete(replicas: u32, status: DeploymentCounts) -> bool {
    status.updated == replicas && status.replicas == replicas && status.available == replicas
}

/// `DeploymentProgressing`: more updated, fewer old, more ready or more available pods than at
/// the last sync.
pub fn progressing(old: DeploymentCounts, new: DeploymentCounts) -> bool {
    let old_old = old.replicas.saturating_sub(old.updated);
    let new_old = new.replicas.saturating_sub(new.updated);
    new.updated > old.updated
        || new_old < old_old
        || new.ready > old.ready
        || new.available > old.available
}

/// `DeploymentTimedOut`: no progress seen for more than `progressDeadlineSeconds` since the
/// condition's last update (a complete rollout never times out).
pub fn timed_out(cond: &DeploymentCondition, deadline: Millis, now: SimTime) -> bool {
    match cond.reason.as_str() {
        NEW_RS_AVAILABLE => false,
        TIMED_OUT => true,
        _ => now > cond.last_update.plus(deadline),
    }
}

/// The condition after one `syncRolloutStatus`, or `None` when it does not change. `rs` is the
/// current ReplicaSet's name.
pub fn next_condition(
    current: Option<&DeploymentCondition>,
    replicas: u32,
    old: DeploymentCounts,
    new: DeploymentCounts,
    deadline: Millis,
    rs: &str,
    now: SimTime,
) -> Option<DeploymentCondition> {
    // A rollout that completed is not estimated again until a new one starts.
    let is_complete =
        new.replicas == new.updated && current.is_some_and(|c| c.reason == NEW_RS_AVAILABLE);
    if is_complete {
        return None;
    }
    let set = |status: bool, reason: &str, message: String, last_update: SimTime| {
        let last_transition = match current {
            Some(c) if c.status == status && !c.unknown => c.last_transition,
            _ => now,
        };
        Some(DeploymentCondition {
            status,
            unknown: false,
            reason: reason.into(),
            message,
            last_update,
            last_transition,
        })
    };
    if complete(replicas, new) {
        if current.is_some_and(|c| c.reason == NEW_RS_AVAILABLE) {
            return None;
        }
        return set(
            true,
            NEW_RS_AVAILABLE,
            format!("ReplicaSet \"{rs}\" has successfully progressed."),
            now,
        );
    }
    if progressing(old, new) {
        return set(
            true,
            RS_UPDATED,
            format!("ReplicaSet \"{rs}\" is progressing."),
            now,
        );
    }
    let c = current?;
    if c.reason != TIMED_OUT && timed_out(c, deadline, now) {
        return set(
            false,
            TIMED_OUT,
            format!("ReplicaSet \"{rs}\" has timed out progressing."),
            c.last_update,
        );
    }
    None
}

/// When the controller looks at a stuck Deployment again (`requeueStuckDeployment`): one second
/// after the deadline passes, `lastUpdateTime + progressDeadlineSeconds + 1 s`.
pub fn recheck_at(cond: &DeploymentCondition, deadline: Millis) -> Option<SimTime> {
    (cond.status && cond.reason != NEW_RS_AVAILABLE)
        .then(|| cond.last_update.plus(deadline).plus(Millis::from_secs(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pausing_sets_progressing_unknown_and_resuming_says_resumed() {
        let at = SimTime::from_secs(30);
        let running = DeploymentCondition {
            status: true,
            unknown: false,
            reason: RS_UPDATED.into(),
            message: "ReplicaSet \"web-1\" is progressing.".into(),
            last_update: SimTime::ZERO,
            last_transition: SimTime::ZERO,
        };
        let paused = paused_condition(Some(&running), true, at).expect("paused");
        assert!(paused.unknown);
        assert_eq!(
            (paused.reason.as_str(), paused.message.as_str()),
            (PAUSED, "Deployment is paused")
        );
        assert_eq!((paused.last_update, paused.last_transition), (at, at));
        // Paused again: nothing changes.
        assert_eq!(paused_condition(Some(&paused), true, at), None);
        let later = SimTime::from_secs(90);
        let resumed = paused_condition(Some(&paused), false, later).expect("resumed");
        assert!(resumed.unknown);
        assert_eq!(resumed.reason, RESUMED);
        // Unknown to Unknown: the transition time stays; the deadline counts from the resume.
        assert_eq!((resumed.last_update, resumed.last_transition), (later, at));
        // A Deployment that already timed out keeps saying so.
        let timed_out = DeploymentCondition {
            status: false,
            reason: TIMED_OUT.into(),
            ..running
        };
        assert_eq!(paused_condition(Some(&timed_out), true, at), None);
    }

    fn counts(replicas: u32, updated: u32, ready: u32, available: u32) -> DeploymentCounts {
        DeploymentCounts {
            replicas,
            updated,
            ready,
            available,
        }
    }

    fn s(x: u64) -> SimTime {
        SimTime::from_secs(x)
    }

    #[test]
    fn a_stuck_rollout_times_out_600_s_after_its_last_progress() {
        // The Deployments documentation, "Failed Deployment"
        // (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment):
        // with progressDeadlineSeconds 600 the condition becomes Progressing=False,
        // ProgressDeadlineExceeded, once the rollout made no progress for 10 minutes.
        let deadline = Millis::from_secs(600);
        let created = next_condition(
            None,
            4,
            counts(4, 0, 4, 4),
            counts(5, 1, 4, 4),
            deadline,
            "web-2",
            s(20),
        )
        .expect("progress");
        assert_eq!(
            (created.reason.as_str(), created.status),
            (RS_UPDATED, true)
        );
        // The same numbers later: no progress, not yet timed out.
        let stuck = counts(5, 2, 3, 3);
        let c = next_condition(
            Some(&created),
            4,
            counts(5, 1, 4, 4),
            stuck,
            deadline,
            "web-2",
            s(30),
        )
        .expect("fewer old pods is progress");
        assert_eq!(c.last_update, s(30));
        assert_eq!(
            next_condition(Some(&c), 4, stuck, stuck, deadline, "web-2", s(630)),
            None
        );
        assert_eq!(recheck_at(&c, deadline), Some(s(631)));
        let out = next_condition(Some(&c), 4, stuck, stuck, deadline, "web-2", s(631))
            .expect("timed out");
        assert_eq!(
            (out.status, out.reason.as_str(), out.message.as_str()),
            (
                false,
                TIMED_OUT,
                "ReplicaSet \"web-2\" has timed out progressing."
            )
        );
        assert_eq!(out.last_transition, s(631));
        assert_eq!(
            next_condition(Some(&out), 4, stuck, stuck, deadline, "web-2", s(700)),
            None
        );
    }

    #[test]
    fn a_complete_rollout_is_not_estimated_again() {
        let done = next_condition(
            None,
            3,
            counts(4, 3, 3, 3),
            counts(3, 3, 3, 3),
            Millis::from_secs(600),
            "web-2",
            s(40),
        )
        .expect("complete");
        assert_eq!(done.reason, NEW_RS_AVAILABLE);
        assert_eq!(recheck_at(&done, Millis::from_secs(600)), None);
        assert_eq!(
            next_condition(
                Some(&done),
                3,
                counts(3, 3, 3, 3),
                counts(3, 3, 2, 2),
                Millis::from_secs(600),
                "web-2",
                s(5000)
            ),
            None
        );
    }
}
