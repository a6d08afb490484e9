//! Amazon EFS as the ECS world holds it: file systems with their mount targets (the regional
//! object shared with EKS, `crate::efs`), and the EFS volumes of task definitions. Plain data;
//! the rules are in `volumes.rs`.

use serde::Serialize;

pub use crate::efs::FileSystem;

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
