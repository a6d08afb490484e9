//! Storage of ECS tasks: Amazon EFS file systems (with their mount targets), the task
//! definition volumes that mount them, and Amazon EBS volumes configured at deployment
//! (`configuredAtLaunch` in the task definition, `volumeConfigurations` on the service). Field
//! names follow the ECS API (`volumes[].efsVolumeConfiguration`,
//! `ServiceManagedEBSVolumeConfiguration`); defaults are the API's. Rules:
//! `docs/rules/storage.md#efs-for-ecs-tasks` and `#ecs-managed-ebs`.

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
    /// `configuredAtLaunch`: the volume is an Amazon EBS volume the service (or `run-task`)
    /// configures at deployment; one such volume per task definition.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub configured_at_launch: bool,
}

/// One entry of a service's `volumeConfigurations` (`ServiceVolumeConfiguration`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceVolumeConfigurationSpec {
    /// The task definition volume (`configured_at_launch: true`) it configures.
    pub name: String,
    pub managed_ebs_volume: ManagedEbsVolumeSpec,
}

/// An Amazon EBS volume type (`volumeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum EbsVolumeType {
    Gp2,
    #[default]
    Gp3,
    Io1,
    Io2,
    St1,
    Sc1,
    Standard,
}

impl EbsVolumeType {
    pub fn as_str(self) -> &'static str {
        match self {
            EbsVolumeType::Gp2 => "gp2",
            EbsVolumeType::Gp3 => "gp3",
            EbsVolumeType::Io1 => "io1",
            EbsVolumeType::Io2 => "io2",
            EbsVolumeType::St1 => "st1",
            EbsVolumeType::Sc1 => "sc1",
            EbsVolumeType::Standard => "standard",
        }
    }
}

/// `filesystemType` of an ECS-managed EBS volume (default `xfs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum EbsFilesystemType {
    Ext3,
    Ext4,
    #[default]
    Xfs,
}

impl EbsFilesystemType {
    pub fn as_str(self) -> &'static str {
        match self {
            EbsFilesystemType::Ext3 => "ext3",
            EbsFilesystemType::Ext4 => "ext4",
            EbsFilesystemType::Xfs => "xfs",
        }
    }
}

/// `managedEBSVolume` (`ServiceManagedEBSVolumeConfiguration`): how ECS creates the one new
/// volume of each task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedEbsVolumeSpec {
    /// `roleArn`: the ECS infrastructure role ECS assumes to create and attach the volumes.
    pub role_arn: String,
    #[serde(default)]
    pub volume_type: EbsVolumeType,
    /// `sizeInGiB`; with a snapshot it defaults to the snapshot's size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size_in_gib: Option<u32>,
    /// `snapshotId` (`snap-` and 8 or 17 hexadecimal digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iops: Option<u32>,
    /// `throughput` in MiB/s (gp3 only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<u32>,
    #[serde(default)]
    pub filesystem_type: EbsFilesystemType,
    /// `encrypted`: on unless set to false (the API's default).
    #[serde(default = "encrypted_by_default")]
    pub encrypted: bool,
    /// Files each running task writes to its volume per minute (how the application behaves;
    /// not an AWS field).
    #[serde(default)]
    pub files_per_task_minute: u32,
}

fn encrypted_by_default() -> bool {
    true
}
