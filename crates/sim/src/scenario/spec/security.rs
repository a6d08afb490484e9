//! EKS security monitoring as a scenario sets it up: which control plane log types go to
//! CloudWatch Logs, and whether GuardDuty's EKS Protection watches the audit log.

use serde::{Deserialize, Serialize};

/// An EKS control plane log type (`aws eks update-cluster-config --logging`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LogType {
    Api,
    Audit,
    Authenticator,
    ControllerManager,
    Scheduler,
}

impl LogType {
    pub const ALL: [LogType; 5] = [
        LogType::Api,
        LogType::Audit,
        LogType::Authenticator,
        LogType::ControllerManager,
        LogType::Scheduler,
    ];

    /// The API's name: `api`, `audit`, `authenticator`, `controllerManager`, `scheduler`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogType::Api => "api",
            LogType::Audit => "audit",
            LogType::Authenticator => "authenticator",
            LogType::ControllerManager => "controllerManager",
            LogType::Scheduler => "scheduler",
        }
    }

    /// The log stream's prefix in `/aws/eks/<cluster>/cluster`.
    pub fn stream_prefix(self) -> &'static str {
        match self {
            LogType::Api => "kube-apiserver-",
            LogType::Audit => "kube-apiserver-audit-",
            LogType::Authenticator => "authenticator-",
            LogType::ControllerManager => "kube-controller-manager-",
            LogType::Scheduler => "kube-scheduler-",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EksSecuritySpec {
    /// Control plane log types sent to CloudWatch Logs (all off by default).
    #[serde(default)]
    pub control_plane_logging: Vec<LogType>,
    /// A GuardDuty detector in the account and Region.
    #[serde(default)]
    pub guardduty: Option<GuardDutySpec>,
}

impl EksSecuritySpec {
    pub fn is_empty(&self) -> bool {
        self == &EksSecuritySpec::default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardDutySpec {
    /// The detector's `EKS_AUDIT_LOGS` feature (EKS Protection).
    #[serde(default = "yes")]
    pub eks_audit_logs: bool,
}

fn yes() -> bool {
    true
}
