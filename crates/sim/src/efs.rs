//! Amazon EFS file systems: a regional AWS object that ECS tasks and EKS pods mount alike, so
//! both worlds hold the same data (`docs/rules/storage.md`). A file system has at most one
//! mount target per Availability Zone (Amazon EFS User Guide, "Managing mount targets",
//! https://docs.aws.amazon.com/efs/latest/ug/manage-fs-access-create-delete-mount-targets.html).

use serde::Serialize;

use crate::scenario::spec::EfsFileSystemSpec;

/// An EFS file system of the scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileSystem {
    /// `fs-…`.
    pub id: String,
    /// The zones with a mount target, in the cluster's zone order.
    pub mount_targets: Vec<String>,
    /// A One Zone file system's zone (its data is stored there only; its one mount target can
    /// only be there). None: Regional.
    pub availability_zone_name: Option<String>,
    /// Access point ids (`fsap-…`).
    pub access_points: Vec<String>,
    /// Files on it when the scenario starts.
    pub initial_files: u64,
    /// Files each task or pod that mounts it writes per minute while it runs (the
    /// application's behaviour, not an AWS setting).
    pub files_per_task_minute: u32,
    /// Size of each file in KiB.
    pub file_size_kib: u32,
}

impl FileSystem {
    /// The file system of a scenario's spec; no `mount_targets` means one in every zone (One
    /// Zone: in its zone).
    pub fn from_spec(f: &EfsFileSystemSpec, zones: &[String]) -> Self {
        let all = match &f.availability_zone_name {
            Some(z) => vec![z.clone()],
            None => zones.to_vec(),
        };
        FileSystem {
            id: f.file_system_id.clone(),
            mount_targets: f.mount_targets.clone().unwrap_or(all),
            availability_zone_name: f.availability_zone_name.clone(),
            access_points: f.access_points.clone(),
            initial_files: u64::from(f.files),
            files_per_task_minute: f.files_per_task_minute,
            file_size_kib: f.file_size_kib,
        }
    }

    /// Clients in `zone` reach it: a mount target is there.
    pub fn reachable_from(&self, zone: &str) -> bool {
        self.mount_targets.iter().any(|z| z == zone)
    }

    /// The files on it after `writer_seconds` seconds of tasks or pods writing (summed over
    /// the writers) [Orca model: a file count, not contents].
    pub fn files_after(&self, writer_seconds: u64) -> u64 {
        self.initial_files + writer_seconds * u64::from(self.files_per_task_minute) / 60
    }

    /// Bytes of `files` files.
    pub fn bytes_of(&self, files: u64) -> u64 {
        files * u64::from(self.file_size_kib) * 1024
    }
}

/// The file system's regional DNS name, which resolves only in zones with a mount target
/// (Amazon EFS User Guide, "Mounting on Amazon EC2 with a DNS name").
pub fn dns_name(file_system_id: &str, region: &str) -> String {
    format!("{file_system_id}.efs.{region}.amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs() -> FileSystem {
        FileSystem {
            id: "fs-0123456789abcdef0".into(),
            mount_targets: vec!["us-east-1a".into(), "us-east-1b".into()],
            availability_zone_name: None,
            access_points: Vec::new(),
            initial_files: 10,
            files_per_task_minute: 6,
            file_size_kib: 64,
        }
    }

    #[test]
    fn files_grow_with_the_writers_time_and_only_a_mount_target_zone_reaches_it() {
        let f = fs();
        // Two writers for one minute: 2 × 6 files.
        assert_eq!(f.files_after(120), 22);
        assert_eq!(f.bytes_of(22), 22 * 64 * 1024);
        assert!(f.reachable_from("us-east-1b"));
        assert!(!f.reachable_from("us-east-1c"));
        assert_eq!(
            dns_name(&f.id, "us-east-1"),
            "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com"
        );
    }
}
