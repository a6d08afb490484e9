//! Amazon EFS as the ECS world holds it: file systems with their mount targets, and the EFS
//! volumes of task definitions. Plain data; the rules are in `volumes.rs`.

use serde::Serialize;

/// An EFS file system of the scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileSystem {
    /// `fs-…`.
    pub id: String,
    /// The zones with a mount target, in the cluster's zone order.
    pub mount_targets: Vec<String>,
    /// Access point ids (`fsap-…`).
    pub access_points: Vec<String>,
    /// Files on it when the scenario starts.
    pub initial_files: u64,
    /// Files each task that mounts it writes per minute while it runs (the application's
    /// behaviour, not an AWS setting).
    pub files_per_task_minute: u32,
    /// Size of each file in KiB.
    pub file_size_kib: u32,
}

/// A task definition volume backed by EFS (`efsVolumeConfiguration`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EfsVolume {
    pub name: String,
    pub file_system_id: String,
    /// `rootDirectory` (default `/`).
    pub root_directory: String,
    pub transit_encryption: bool,
    pub access_point_id: Option<String>,
    /// `authorizationConfig.iam: ENABLED`: the task role is used to mount.
    pub iam: bool,
}
