//! EKS control plane logging and GuardDuty EKS Protection (docs/rules/security-monitoring.md).
//!
//! - Control plane logs (Amazon EKS User Guide, "Send control plane logs to CloudWatch
//!   Logs"): five types, all off by default, each enabled on its own, into the log group
//!   `/aws/eks/<cluster>/cluster`; the audit log's stream is `kube-apiserver-audit-<hash>`.
//! - GuardDuty EKS Protection (GuardDuty User Guide, "EKS Protection"): with the detector's
//!   `EKS_AUDIT_LOGS` feature GuardDuty reads the cluster's audit log "through an independent
//!   and duplicative stream" — control plane logging need not be on.
//! - Findings (GuardDuty User Guide, "EKS audit logs finding types"):
//!   `Execution:Kubernetes/ExecInKubeSystemPod` (Medium) for a command run inside a pod in
//!   `kube-system`; `Policy:Kubernetes/AnonymousAccessGranted` (High) for a binding that
//!   grants `system:anonymous` a role.

use serde::Serialize;

pub mod audit;
pub mod exec;
pub mod read;
pub mod runtime;

use crate::iam::fnv;
use crate::scenario::spec::{Action, ContainerActivity, EksSecuritySpec, LogType};

/// One GuardDuty finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// 32 hex digits.
    pub id: String,
    pub finding_type: String,
    /// GuardDuty's number: High 8, Medium 5 (the levels are documented; the values within
    /// their ranges, 7.0–8.9 and 4.0–6.9, are inferred).
    pub severity: f64,
    pub title: String,
    /// The Kubernetes user that made the call.
    pub username: String,
    /// `pods/exec` on `kube-system/<pod>`, `clusterrolebindings/<name>`.
    pub target: String,
    pub at_ms: u64,
    /// A Runtime Monitoring finding: the container and node, and what it did.
    pub runtime: Option<RuntimeContext>,
}

/// What GuardDuty's agent reported of a runtime event (`Service.RuntimeDetails`, and the
/// resource's Kubernetes workload, container and node).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuntimeContext {
    pub namespace: String,
    pub pod: String,
    pub pod_uid: String,
    /// The pod's Deployment (or DaemonSet, StatefulSet).
    pub workload: String,
    pub container: String,
    pub image: String,
    pub node: String,
    pub node_ip: String,
    pub instance_type: String,
    pub zone: String,
    pub activity: ContainerActivity,
    /// When the agent saw it (the finding comes later).
    pub seen_at_ms: u64,
}

impl Finding {
    /// GuardDuty's level for the number (GuardDuty User Guide, "Severity levels of GuardDuty
    /// findings"): High 7.0–8.9, Medium 4.0–6.9, Low 1.0–3.9; Critical 9.0–10.0.
    pub fn severity_label(&self) -> &'static str {
        match self.severity {
            s if s >= 9.0 => "Critical",
            s if s >= 7.0 => "High",
            s if s >= 4.0 => "Medium",
            _ => "Low",
        }
    }
}

/// The cluster's monitoring setup and what GuardDuty found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Security {
    pub cluster: String,
    /// The log types sent to CloudWatch Logs now, in the API's order.
    pub logging: Vec<LogType>,
    /// Those sent when the scenario started, and each change since (milliseconds, type, on):
    /// whether an entry reached CloudWatch depends on the setting when it was made.
    pub logging_at_start: Vec<LogType>,
    pub logging_changes: Vec<(u64, LogType, bool)>,
    /// A detector exists; `audit`: its EKS audit log monitoring is on.
    pub detector: Option<bool>,
    pub findings: Vec<Finding>,
    /// The kubectl API calls made so far, oldest first (`audit`).
    pub audited: Vec<audit::ApiCall>,
    /// Runtime Monitoring, when the detector has it on.
    pub runtime: Option<runtime::Runtime>,
}

impl Security {
    pub fn build(spec: &EksSecuritySpec, cluster: &str) -> Security {
        let mut logging = spec.control_plane_logging.clone();
        logging.sort();
        logging.dedup();
        Security {
            cluster: cluster.to_string(),
            logging_at_start: logging.clone(),
            logging_changes: Vec::new(),
            logging,
            detector: spec.guardduty.as_ref().map(|g| g.eks_audit_logs),
            findings: Vec::new(),
            audited: Vec::new(),
            runtime: spec
                .guardduty
                .as_ref()
                .and_then(|g| g.runtime_monitoring.as_ref())
                .map(|r| runtime::Runtime::build(r, Vec::new())),
        }
    }

    /// Whether log type `t` was sent to CloudWatch Logs at `at_ms`.
    pub fn sent_at(&self, t: LogType, at_ms: u64) -> bool {
        self.logging_changes
            .iter()
            .rfind(|(at, ty, _)| *at <= at_ms && *ty == t)
            .map_or(self.logging_at_start.contains(&t), |(_, _, on)| *on)
    }

    pub fn log_group(&self) -> String {
        format!("/aws/eks/{}/cluster", self.cluster)
    }

    /// The detector's id (32 hex digits, derived from the cluster's name).
    pub fn detector_id(&self) -> String {
        format!("{:016x}{:016x}", fnv(&self.cluster), fnv("guardduty"))
    }

    /// The log stream of type `t` in [`Security::log_group`]: its prefix and 32 hex digits
    /// naming the control plane instance that writes it. The API server writes the api, audit
    /// and authenticator streams, so they share its digits (as `kube-apiserver-<id>` and
    /// `kube-apiserver-audit-<id>` do in the Amazon EKS User Guide, "Send control plane logs to
    /// CloudWatch Logs"). [model] One instance of each component; the digits are Orca's.
    pub fn stream_name(&self, t: LogType) -> String {
        let component = match t {
            LogType::Api | LogType::Audit | LogType::Authenticator => "kube-apiserver",
            LogType::ControllerManager => "kube-controller-manager",
            LogType::Scheduler => "kube-scheduler",
        };
        format!(
            "{}{:016x}{:016x}",
            t.stream_prefix(),
            fnv(&format!("{}/{component}", self.cluster)),
            fnv(&format!("{component}/{}", self.cluster))
        )
    }

    /// Where the audit log entry of an API call goes.
    pub fn audit_destination(&self) -> String {
        if self.logging.contains(&LogType::Audit) {
            format!(
                "audit log → {} (stream {})",
                self.log_group(),
                self.stream_name(LogType::Audit)
            )
        } else {
            "audit log: not sent to CloudWatch Logs (the audit log type is off)".into()
        }
    }
}

/// `aws eks update-cluster-config --logging`: log types `types` on or off from `at_ms`. Returns
/// the command line, and what changed (or that nothing did: the API refuses an update that
/// changes nothing, "No changes needed for the logging config provided").
pub fn update_logging(s: &mut Security, types: &[LogType], enabled: bool, at_ms: u64) -> String {
    let mut names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    names.dedup();
    let command = format!(
        "aws eks update-cluster-config --name {} --logging '{{\"clusterLogging\":[{{\"types\":[{}],\"enabled\":{enabled}}}]}}'",
        s.cluster,
        names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let changed: Vec<LogType> = types
        .iter()
        .copied()
        .filter(|t| s.logging.contains(t) != enabled)
        .collect();
    if changed.is_empty() {
        return format!(
            "{command}  →  InvalidParameterException: No changes needed for the logging config provided"
        );
    }
    for &t in &changed {
        s.logging_changes.push((at_ms, t, enabled));
        if enabled {
            s.logging.push(t);
        } else {
            s.logging.retain(|x| *x != t);
        }
    }
    s.logging.sort();
    s.logging.dedup();
    let list = changed
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if enabled {
        format!(
            "{command}  →  from now on {list} go to CloudWatch Logs ({})",
            s.log_group()
        )
    } else {
        format!("{command}  →  {list} no longer go to CloudWatch Logs")
    }
}

/// The finding an audited API call produces, if any: (type, severity, title, target).
pub fn finding_for(action: &Action) -> Option<(&'static str, f64, String, String)> {
    match action {
        Action::ExecIntoPod { pod, namespace } if namespace == "kube-system" => Some((
            "Execution:Kubernetes/ExecInKubeSystemPod",
            5.0,
            "Command executed inside a pod in kube-system namespace.".to_string(),
            format!("pods/exec kube-system/{pod}"),
        )),
        Action::CreateClusterRoleBinding {
            name,
            cluster_role,
            user,
        } if user == "system:anonymous" => Some((
            "Policy:Kubernetes/AnonymousAccessGranted",
            8.0,
            format!("Anonymous user was granted access ({cluster_role})."),
            format!("clusterrolebindings/{name}"),
        )),
        _ => None,
    }
}

/// Record an audited call (`audit::call_of`) whose entry the timeline announces: returns the
/// lines to log (the command, where its audit entry went, and a finding when GuardDuty's audit
/// log monitoring sees one).
pub fn apply(s: &mut Security, action: &Action, call: audit::ApiCall) -> Vec<(bool, String)> {
    let at_ms = call.at_ms;
    let mut out = vec![
        (false, call.command.clone()),
        (false, s.audit_destination()),
    ];
    s.audited.push(call);
    if s.detector == Some(true)
        && let Some((kind, severity, title, target)) = finding_for(action)
    {
        let id = format!(
            "{:016x}{:016x}",
            fnv(&format!("{kind}/{target}")),
            fnv(&format!("{at_ms}"))
        );
        out.push((
            true,
            format!(
                "GuardDuty finding {kind} (severity {severity:.1}, EKSCluster {}): {title}",
                s.cluster
            ),
        ));
        s.findings.push(Finding {
            id,
            finding_type: kind.into(),
            severity,
            title,
            username: crate::k8s::rbac::CLUSTER_CREATOR.into(),
            target,
            at_ms,
            runtime: None,
        });
    }
    out
}

/// [`apply`] of a call built in an empty cluster (tests of the timeline's audited calls).
#[cfg(test)]
pub(crate) fn apply_at(s: &mut Security, action: &Action, at_ms: u64) -> Vec<(bool, String)> {
    let call = audit::call_of(action, &crate::k8s::cluster::EksCluster::new(), at_ms)
        .expect("an audited call");
    apply(s, action, call)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::spec::GuardDutySpec;

    fn exec() -> Action {
        Action::ExecIntoPod {
            pod: "coredns-1".into(),
            namespace: "kube-system".into(),
        }
    }

    #[test]
    fn guardduty_sees_the_audit_log_though_control_plane_logging_is_off() {
        let mut s = Security::build(
            &EksSecuritySpec {
                control_plane_logging: vec![],
                guardduty: Some(GuardDutySpec {
                    eks_audit_logs: true,
                    runtime_monitoring: None,
                }),
            },
            "prod",
        );
        let lines = apply_at(&mut s, &exec(), 1000);
        assert!(lines[1].1.contains("not sent to CloudWatch Logs"));
        assert_eq!(s.findings.len(), 1);
        assert_eq!(
            s.findings[0].finding_type,
            "Execution:Kubernetes/ExecInKubeSystemPod"
        );
        // Exec into a pod of another namespace is not this finding.
        let other = Action::ExecIntoPod {
            pod: "web-1".into(),
            namespace: "default".into(),
        };
        apply_at(&mut s, &other, 2000);
        assert_eq!(s.findings.len(), 1);
    }

    #[test]
    fn no_findings_without_eks_audit_log_monitoring_and_audit_logs_go_to_the_cluster_group() {
        let mut s = Security::build(
            &EksSecuritySpec {
                control_plane_logging: vec![LogType::Audit, LogType::Api],
                guardduty: Some(GuardDutySpec {
                    eks_audit_logs: false,
                    runtime_monitoring: None,
                }),
            },
            "prod",
        );
        let lines = apply_at(&mut s, &exec(), 1000);
        assert!(s.findings.is_empty());
        assert!(
            lines[1]
                .1
                .starts_with("audit log → /aws/eks/prod/cluster (stream kube-apiserver-audit-")
        );
        let anon = Action::CreateClusterRoleBinding {
            name: "open".into(),
            cluster_role: "cluster-admin".into(),
            user: "system:anonymous".into(),
        };
        s.detector = Some(true);
        apply_at(&mut s, &anon, 3000);
        assert_eq!(
            s.findings[0].finding_type,
            "Policy:Kubernetes/AnonymousAccessGranted"
        );
        assert_eq!(s.findings[0].severity, 8.0);
        assert_eq!(s.findings[0].severity_label(), "High");
    }
}
