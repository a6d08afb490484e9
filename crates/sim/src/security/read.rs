//! What the side panel shows of EKS control plane logging: each of the five log types,
//! whether it is on, where it goes, and what it would hold for the run's events so far.
//!
//! Amazon EKS User Guide, "Send control plane logs to CloudWatch Logs": `api` (the API
//! server's own log), `audit` (who called the API and what they did), `authenticator` (the
//! IAM authenticator's decisions for each request made with IAM credentials),
//! `controllerManager` (the core control loops) and `scheduler` (where pods are placed). The
//! audit entries are the kubectl calls of the timeline and the console (`super::audit`); the
//! scheduler's and the controller manager's are their events. That the api and authenticator
//! logs hold a line for each of those calls, made with IAM credentials through kubectl, is
//! inferred. `aws logs` prints the same entries in each component's own format
//! (`console::aws::control_plane_logs`).

use serde::Serialize;

use super::Security;
use crate::event::{Event, EventKind};
use crate::scenario::spec::LogType;
use crate::time::SimTime;

/// One control plane log type as the panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogTypeView {
    pub log_type: LogType,
    /// It is sent to CloudWatch Logs now.
    pub enabled: bool,
    /// `/aws/eks/<cluster>/cluster` and the stream's prefix.
    pub destination: String,
    /// What reached CloudWatch Logs (recorded while the type was on), newest last: at most
    /// `keep`.
    pub entries: Vec<(SimTime, String)>,
    /// How many entries reached CloudWatch Logs in all.
    pub count: usize,
    /// How many it would have recorded while it was off.
    pub not_sent: usize,
}

/// The Kubernetes event reasons each component logs (the scheduler binds pods; the controller
/// manager's ReplicaSet, Deployment and DaemonSet controllers create and scale).
pub fn component(reason: &str) -> Option<LogType> {
    match reason {
        "Scheduled" | "FailedScheduling" => Some(LogType::Scheduler),
        "SuccessfulCreate" | "SuccessfulDelete" | "ScalingReplicaSet" => {
            Some(LogType::ControllerManager)
        }
        _ => None,
    }
}

/// The five log types, in the API's order, with at most `keep` entries each. An entry reached
/// CloudWatch Logs when its type was on at the moment it was made (`aws eks
/// update-cluster-config` can turn types on and off during the run).
pub fn log_types(s: &Security, log: &[Event], keep: usize) -> Vec<LogTypeView> {
    LogType::ALL
        .iter()
        .map(|&t| {
            let all: Vec<(SimTime, String)> = match t {
                LogType::Audit | LogType::Api => s
                    .audited
                    .iter()
                    .map(|c| (SimTime(c.at_ms), c.command.clone()))
                    .collect(),
                LogType::Authenticator => s
                    .audited
                    .iter()
                    .map(|c| {
                        (
                            SimTime(c.at_ms),
                            format!(
                                "kubernetes-admin authenticated with IAM credentials: {}",
                                c.command
                            ),
                        )
                    })
                    .collect(),
                LogType::Scheduler | LogType::ControllerManager => log
                    .iter()
                    .filter(|e| {
                        matches!(&e.kind, EventKind::Kube { reason, .. } if component(reason) == Some(t))
                    })
                    .map(|e| (e.at, e.message().into_owned()))
                    .collect(),
            };
            let (sent, not_sent): (Vec<_>, Vec<_>) =
                all.into_iter().partition(|(at, _)| s.sent_at(t, at.0));
            let count = sent.len();
            LogTypeView {
                log_type: t,
                enabled: s.logging.contains(&t),
                destination: format!("{} (streams {}…)", s.log_group(), t.stream_prefix()),
                entries: sent.into_iter().skip(count.saturating_sub(keep)).collect(),
                count,
                not_sent: not_sent.len(),
            }
        })
        .collect()
}

/// One GuardDuty finding as the side panel lists it, with why it is there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingView {
    pub at: SimTime,
    pub finding_type: String,
    pub severity: f64,
    pub severity_label: &'static str,
    /// `EKSCluster prod`, and for a runtime finding the pod and node.
    pub resource: String,
    pub why: String,
}

/// One node's Runtime Monitoring coverage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeCoverageView {
    pub node: String,
    pub node_group: Option<String>,
    pub covered: bool,
    pub why: String,
}

/// GuardDuty for the panel: every finding, and Runtime Monitoring's coverage (None: off).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuardDutyView {
    pub findings: Vec<FindingView>,
    /// `HEALTHY` or `UNHEALTHY`, the issue, and each node.
    pub coverage: Option<(&'static str, Option<String>, Vec<NodeCoverageView>)>,
}

/// What GuardDuty found on the cluster and where its runtime agent runs.
pub fn guardduty(c: &crate::k8s::cluster::EksCluster) -> Option<GuardDutyView> {
    let s = c.security.as_ref()?;
    s.detector?;
    let findings = s
        .findings
        .iter()
        .map(|f| {
            let (resource, why) = match &f.runtime {
                Some(r) => (
                    format!("EKSCluster {}, pod {}/{}, node {}", s.cluster, r.namespace, r.pod, r.node),
                    format!(
                        "Runtime Monitoring: the GuardDuty agent on {} saw container {} {} at {}; GuardDuty reported it {} s later (the delay is Orca's)",
                        r.node,
                        r.container,
                        super::runtime::describe(&r.activity),
                        SimTime(r.seen_at_ms),
                        super::runtime::FINDING_DELAY_SECONDS
                    ),
                ),
                None => (
                    format!("EKSCluster {}", s.cluster),
                    format!(
                        "EKS audit log monitoring: the API server's audit log recorded {} by {}",
                        f.target, f.username
                    ),
                ),
            };
            FindingView {
                at: SimTime(f.at_ms),
                finding_type: f.finding_type.clone(),
                severity: f.severity,
                severity_label: f.severity_label(),
                resource,
                why,
            }
        })
        .collect();
    let coverage = super::runtime::coverage(c).map(|cov| {
        let nodes = cov
            .nodes
            .iter()
            .map(|(node, group, agent)| NodeCoverageView {
                node: node.clone(),
                node_group: group.clone(),
                covered: agent.covered(),
                why: agent.why(node),
            })
            .collect();
        (
            if cov.healthy { "HEALTHY" } else { "UNHEALTHY" },
            cov.issue,
            nodes,
        )
    });
    Some(GuardDutyView { findings, coverage })
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
        super::super::apply_at(
            &mut s,
            &Action::ExecIntoPod {
                pod: "coredns-1".into(),
                namespace: "kube-system".into(),
            },
            60_000,
        );
        let ev = |reason: &str, msg: &str| {
            Event::new(
                SimTime(1000),
                Source::Kube("pod/web-1".into()),
                EventKind::Kube {
                    warning: false,
                    reason: reason.into(),
                    object: "pod/web-1".into(),
                    field_path: None,
                },
                msg.to_string(),
                Vec::new(),
                None,
            )
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
        // Off: what it would have recorded is counted, not listed.
        let cm = by(LogType::ControllerManager);
        assert_eq!((cm.count, cm.not_sent, cm.entries.len()), (0, 1, 0));
        assert!(
            by(LogType::Audit)
                .destination
                .starts_with("/aws/eks/prod/cluster (streams kube-apiserver-audit-")
        );
        // At most `keep` entries, the newest.
        let v = log_types(&s, &[log[0].clone(), log[0].clone()], 1);
        assert_eq!((v[4].count, v[4].entries.len()), (2, 1));
    }

    #[test]
    fn a_type_turned_on_during_the_run_sends_only_what_comes_after() {
        let mut s = Security::build(&EksSecuritySpec::default(), "prod");
        let exec = |pod: &str| Action::ExecIntoPod {
            pod: pod.into(),
            namespace: "kube-system".into(),
        };
        super::super::apply_at(&mut s, &exec("coredns-1"), 30_000);
        let line = super::super::update_logging(&mut s, &[LogType::Audit], true, 60_000);
        assert!(line.starts_with("aws eks update-cluster-config --name prod --logging '{\"clusterLogging\":[{\"types\":[\"audit\"],\"enabled\":true}]}'"), "{line}");
        assert!(
            line.ends_with("from now on audit go to CloudWatch Logs (/aws/eks/prod/cluster)"),
            "{line}"
        );
        super::super::apply_at(&mut s, &exec("coredns-2"), 90_000);
        let audit = |s: &Security| log_types(s, &[], 5).remove(1);
        let a = audit(&s);
        assert!(a.enabled);
        assert_eq!((a.count, a.not_sent), (1, 1));
        assert_eq!(
            a.entries[0].1,
            "kubectl exec -n kube-system coredns-2 -- sh"
        );
        // Turned off again: what was sent stays sent, what comes after is not.
        let line = super::super::update_logging(&mut s, &[LogType::Audit], false, 120_000);
        assert!(
            line.ends_with("audit no longer go to CloudWatch Logs"),
            "{line}"
        );
        super::super::apply_at(&mut s, &exec("coredns-3"), 150_000);
        let a = audit(&s);
        assert!(!a.enabled);
        assert_eq!((a.count, a.not_sent), (1, 2));
        // Asking for the setting it already has changes nothing, as the API says.
        let line = super::super::update_logging(&mut s, &[LogType::Audit], false, 160_000);
        assert!(
            line.ends_with("No changes needed for the logging config provided"),
            "{line}"
        );
        assert_eq!(s.logging_changes.len(), 2);
    }
}
