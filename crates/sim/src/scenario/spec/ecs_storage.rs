//! Storage of ECS tasks: Amazon EFS file systems (with their mount targets) and the task
//! definition volumes that mount them. Field names follow the ECS API
//! (`volumes[].efsVolumeConfiguration`); defaults are the API's. Rules:
//! `docs/rules/storage.md#efs-for-ecs-tasks`.

use serde::{Deserialize, Serialize};

/// An Amazon EFS file system in the cluster's VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EfsFileSystemSpec {
    /// `fs-` and 8 or 17 hexadecimal digits.
    pub file_system_id: String,
    /// The zones with a mount target (one per zone at most). None: every zone of the cluster
    /// (a One Zone file system: its own zone).
    #[serde(default)]
    pub mount_targets: Option<Vec<String>>,
    /// `AvailabilityZoneName`: a One Zone file system, stored in this zone only, with at most
    /// one mount target, in this zone. None: a Regional file system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone_name: Option<String>,
    /// Access points (`fsap-` and 17 hexadecimal digits).
    #[serde(default)]
    pub access_points: Vec<String>,
    /// Files on it when the scenario starts.
    #[serde(default)]
    pub files: u32,
    /// Files each running task (or, on EKS, pod) that mounts it writes per minute (how the
    /// application behaves; not an AWS field). EKS scenarios may call it
    /// `files_per_pod_minute`.
    #[serde(default, alias = "files_per_pod_minute")]
    pub files_per_task_minute: u32,
    /// The size of each file in KiB.
    #[serde(default = "file_kib")]
    pub file_size_kib: u32,
}

fn file_kib() -> u32 {
    64
}

/// `transitEncryption`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum TransitEncryption {
    Enabled,
    #[default]
    Disabled,
}

/// `efsVolumeConfiguration` of a task definition volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EfsVolumeConfigurationSpec {
    pub file_system_id: String,
    /// `rootDirectory` (default `/`); with an access point it must be `/` or left out.
    #[serde(default)]
    pub root_directory: Option<String>,
    #[serde(default)]
    pub transit_encryption: TransitEncryption,
    /// `authorizationConfig.accessPointId`: needs transit encryption.
    #[serde(default)]
    pub access_point_id: Option<String>,
    /// `authorizationConfig.iam: ENABLED` (mount with the task role): needs transit encryption.
    #[serde(default)]
    pub iam: bool,
}

/// A task definition volume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskVolumeSpec {
    pub name: String,
    /// An EFS file system (without it, a bind mount on the task's own storage).
    #[serde(default)]
    pub efs_volume_configuration: Option<EfsVolumeConfigurationSpec>,
}
