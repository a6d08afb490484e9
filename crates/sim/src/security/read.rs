//! What the side panel shows of EKS control plane logging: each of the five log types,
//! whether it is on, where it goes, and what it would hold for the run's events so far.
//!
//! Amazon EKS User Guide, "Send control plane logs to CloudWatch Logs": `api` (the API
//! server's own log), `audit` (who called the API and what they did), `authenticator` (the
//! IAM authenticator's decisions for each request made with IAM credentials),
//! `controllerManager` (the core control loops) and `scheduler` (where pods are placed). The
//! audit entries are the audited calls Orca models (`kubectl exec`, `kubectl create
//! clusterrolebinding`); the scheduler's and the controller manager's are their events. That
//! the api and authenticator logs hold a line for each of the audited calls, made with IAM
//! credentials through kubectl, is inferred.

use serde::Serialize;

use super::Security;
use crate::event::{Event, EventKind};
use crate::scenario::spec::LogType;
use crate::time::SimTime;

/// One control plane log type as the panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogTypeView {
    pub log_type: LogType,
    pub enabled: bool,
    /// `/aws/eks/<cluster>/cluster` and the stream's prefix.
    pub destination: String,
    /// What it recorded (enabled) or would have recorded (off), newest last: at most `keep`.
    pub entries: Vec<(SimTime, String)>,
    /// How many entries there are in all.
    pub count: usize,
}

/// The Kubernetes event reasons each component logs (the scheduler binds pods; the controller
/// manager's ReplicaSet, Deployment and DaemonSet controllers create and scale).
fn component(reason: &str) -> Option<LogType> {
    match reason {
        "Scheduled" | "FailedScheduling" => Some(LogType::Scheduler),
        "SuccessfulCreate" | "SuccessfulDelete" | "ScalingReplicaSet" => {
            Some(LogType::ControllerManager)
        }
        _ => None,
    }
}

/// The five log types, in the API's order, with at most `keep` entries each.
pub fn log_types(s: &Security, log: &[Event], keep: usize) -> Vec<LogTypeView> {
    LogType::ALL
        .iter()
        .map(|&t| {
            let all: Vec<(SimTime, String)> = match t {
                LogType::Audit | LogType::Api => s
                    .audited
                    .iter()
                    .map(|(at, cmd)| (SimTime(*at), cmd.clone()))
                    .collect(),
                LogType::Authenticator => s
                    .audited
                    .iter()
                    .map(|(at, cmd)| {
                        (
                            SimTime(*at),
                            format!("kubernetes-admin authenticated with IAM credentials: {cmd}"),
                        )
                    })
                    .collect(),
                LogType::Scheduler | LogType::ControllerManager => log
                    .iter()
                    .filter(|e| {
                        matches!(&e.kind, EventKind::Kube { reason, .. } if component(reason) == Some(t))
                    })
                    .map(|e| (e.at, e.message.clone()))
                    .collect(),
            };
            let count = all.len();
            LogTypeView {
                log_type: t,
                enabled: s.logging.contains(&t),
                destination: format!("{} (streams {}…)", s.log_group(), t.stream_prefix()),
                entries: all.into_iter().skip(count.saturating_sub(keep)).collect(),
                count,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Source;
    use crate::scenario::spec::{Action, EksSecuritySpec};

    #[test]
    fn each_type_keeps_its_own_entries_and_only_enabled_types_are_on() {
        let mut s = Security::build(
            &EksSecuritySpec {
                control_plane_logging: vec![LogType::Audit, LogType::Scheduler],
                guardduty: None,
            },
            "prod",
        );
        super::super::apply(
            &mut s,
            &Action::ExecIntoPod {
                pod: "coredns-1".into(),
                namespace: "kube-system".into(),
            },
            60_000,
        );
        let ev = |reason: &str, msg: &str| Event {
            at: SimTime(1000),
            source: Source::Kube("pod/web-1".into()),
            kind: EventKind::Kube {
                warning: false,
                reason: reason.into(),
                object: "pod/web-1".into(),
            },
            message: msg.into(),
            subjects: Vec::new(),
            why: None,
        };
        let log = vec![
            ev("Scheduled", "Successfully assigned default/web-1 to n1"),
            ev("SuccessfulCreate", "Created pod: web-1"),
            ev("Pulled", "Container image pulled"),
        ];
        let v = log_types(&s, &log, 5);
        let by = |t: LogType| v.iter().find(|x| x.log_type == t).unwrap();
        assert!(by(LogType::Audit).enabled && by(LogType::Scheduler).enabled);
        assert!(!by(LogType::Api).enabled && !by(LogType::ControllerManager).enabled);
        assert_eq!(
            by(LogType::Audit).entries,
            vec![(
                SimTime(60_000),
                "kubectl exec -n kube-system coredns-1 -- sh".to_string()
            )]
        );
        assert_eq!(by(LogType::Scheduler).count, 1);
        assert_eq!(by(LogType::ControllerManager).count, 1);
        assert!(
            by(LogType::Audit)
                .destination
                .starts_with("/aws/eks/prod/cluster (streams kube-apiserver-audit-")
        );
        // At most `keep` entries, the newest.
        let v = log_types(&s, &[log[0].clone(), log[0].clone()], 1);
        assert_eq!((v[4].count, v[4].entries.len()), (2, 1));
    }
}
