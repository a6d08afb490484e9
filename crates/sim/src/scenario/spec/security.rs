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

/// The account's GuardDuty detector, seen from an ECS world: Runtime Monitoring and its
/// automated agent configuration for AWS Fargate (API `DetectorFeatureConfiguration`
/// `RUNTIME_MONITORING` with the additional configuration `ECS_FARGATE_AGENT_MANAGEMENT`).
/// Both default to off: the detector exists, and `UpdateDetector` (or `aws guardduty
/// update-detector`) turns them on during the run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcsGuardDutySpec {
    #[serde(default)]
    pub runtime_monitoring: bool,
    #[serde(default)]
    pub ecs_fargate_agent_management: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardDutySpec {
    /// The detector's `EKS_AUDIT_LOGS` feature (EKS Protection).
    #[serde(default = "yes")]
    pub eks_audit_logs: bool,
    /// The detector's `RUNTIME_MONITORING` feature and how its agent gets onto the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_monitoring: Option<RuntimeMonitoringSpec>,
}

/// GuardDuty Runtime Monitoring for the EKS cluster (GuardDuty User Guide, "Runtime
/// Monitoring"; API `DetectorFeatureConfiguration` `RUNTIME_MONITORING` with the additional
/// configuration `EKS_ADDON_MANAGEMENT`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeMonitoringSpec {
    /// `EKS_ADDON_MANAGEMENT`: GuardDuty installs and updates the `aws-guardduty-agent` add-on
    /// itself (automated agent configuration).
    #[serde(default = "yes")]
    pub eks_addon_management: bool,
    /// The `aws-guardduty-agent` add-on installed by hand (`aws eks create-addon`), as one
    /// does when automated agent configuration is off.
    #[serde(default)]
    pub manual_addon: bool,
}

impl RuntimeMonitoringSpec {
    /// The agent's DaemonSet is on the cluster.
    pub fn agent_installed(&self) -> bool {
        self.eks_addon_management || self.manual_addon
    }
}

/// What a container does at run time that the GuardDuty security agent sees (its DNS
/// queries, the processes it starts, its connections).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContainerActivity {
    /// It resolves a domain on GuardDuty's threat intelligence list of command and control
    /// servers.
    QueryCommandAndControlDomain(String),
    /// It resolves a domain known for Bitcoin or other cryptocurrency activity.
    QueryBitcoinDomain(String),
    /// It executes a crypto-mining binary (the process's path).
    RunCryptoMiner(String),
    /// It opens a reverse shell to a remote address (`ip:port`).
    OpenReverseShell(String),
    /// It executes a binary that was created or modified in the container after it started
    /// (the binary's path).
    RunNewBinary(String),
}

fn yes() -> bool {
    true
}
