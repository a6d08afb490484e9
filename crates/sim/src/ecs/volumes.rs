//! Storage of ECS tasks (`docs/rules/storage.md#efs-for-ecs-tasks`): Amazon EFS file systems
//! with one mount target per Availability Zone that task definition volumes
//! (`efsVolumeConfiguration`) mount, and Fargate ephemeral storage.
//!
//! A task reaches its file system through the mount target in its own zone: the file system's
//! DNS name resolves only there. Without one, the task fails to start with the error efs-utils
//! prints (observed in public reports, e.g. https://github.com/aws/copilot-cli/issues/5419;
//! the cause is explained in https://github.com/aws/efs-utils/issues/90). Data written to the
//! file system is shared by every task that mounts it and outlives the tasks.

use serde::Serialize;

use super::cluster::EcsCluster;
pub use super::efs::*;
use super::ids::TaskIdx;
use super::{Task, TaskStatus};
use crate::time::SimTime;

/// The stopped reason of a task whose zone has no mount target for a file system it mounts
/// (observed; the DNS name is `<fs id>.efs.<region>.amazonaws.com`).
pub fn no_mount_target_reason(file_system_id: &str, region: &str) -> String {
    format!(
        "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"{file_system_id}.efs.{region}.amazonaws.com\" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID. See https://docs.aws.amazon.com/console/efs/mount-dns-name for more detail. Attempting to lookup mount target ip address using botocore. Failed to import necessary dependency botocore, please install botocore first. : unsuccessful EFS utils command execution; code: 1"
    )
}

/// The file system a volume mounts.
pub fn file_system<'a>(c: &'a EcsCluster, id: &str) -> Option<&'a FileSystem> {
    c.file_systems.iter().find(|f| f.id == id)
}

/// Why task `t` cannot set up its EFS volumes in its zone, if it cannot: the first volume whose
/// file system has no mount target there.
pub fn mount_failure(c: &EcsCluster, t: TaskIdx, region: &str) -> Option<String> {
    let task = c.task(t);
    let td = c.task_definition(task.task_definition);
    td.efs_volumes.iter().find_map(|v| {
        let fs = file_system(c, &v.file_system_id)?;
        (!fs.mount_targets
            .iter()
            .any(|z| *z == task.availability_zone))
        .then(|| no_mount_target_reason(&fs.id, region))
    })
}

/// The seconds a task has been writing: from RUNNING until it was asked to stop (or `now`).
/// Its EFS file systems and its own EBS volume (`ebs_read`) fill at this pace.
pub(super) fn writing_seconds(task: &Task, now: SimTime) -> u64 {
    let Some(start) = task.started_at else {
        return 0;
    };
    if !task.reached_running && task.last_status != TaskStatus::Running {
        return 0;
    }
    let end = task.stopping_at.unwrap_or(now).min(now);
    end.since(start).0 / 1000
}

/// What is on a file system at `now`, as the app and `aws efs describe-file-systems` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileSystemCard {
    pub id: String,
    pub mount_targets: Vec<String>,
    pub files: u64,
    pub bytes: u64,
    /// Tasks (by id) that mount it and run now.
    pub mounted_by: Vec<String>,
}

/// Every file system at `now`: the files the tasks that mounted it wrote while they ran stay
/// after the tasks are gone, and every task sees all of them.
pub fn file_system_cards(c: &EcsCluster, now: SimTime) -> Vec<FileSystemCard> {
    c.file_systems
        .iter()
        .map(|fs| {
            let mounts = |task: &Task| {
                c.task_definition(task.task_definition)
                    .efs_volumes
                    .iter()
                    .any(|v| v.file_system_id == fs.id)
            };
            let task_seconds: u64 = c
                .tasks
                .iter()
                .filter(|t| mounts(t))
                .map(|t| writing_seconds(t, now))
                .sum();
            let files = fs.files_after(task_seconds);
            let mounted_by = c
                .tasks
                .iter()
                .filter(|t| mounts(t) && t.last_status == TaskStatus::Running && t.is_live())
                .map(|t| t.id.to_string())
                .collect();
            FileSystemCard {
                id: fs.id.clone(),
                mount_targets: fs.mount_targets.clone(),
                files,
                bytes: fs.bytes_of(files),
                mounted_by,
            }
        })
        .collect()
}

/// The Fargate ephemeral storage of a task definition in GiB: 20 unless it asks for 21–200
/// (ECS API `EphemeralStorage`).
pub fn ephemeral_storage_gib(requested: Option<u32>) -> u32 {
    requested.unwrap_or(20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_missing_mount_target_error_names_the_dns_name_of_the_file_system() {
        let r = no_mount_target_reason("fs-0e4a39a0b7bb8b885", "us-east-1");
        assert!(r.starts_with("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"fs-0e4a39a0b7bb8b885.efs.us-east-1.amazonaws.com\" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID."));
    }

    #[test]
    fn fargate_ephemeral_storage_defaults_to_20_gib() {
        assert_eq!(ephemeral_storage_gib(None), 20);
        assert_eq!(ephemeral_storage_gib(Some(200)), 200);
    }
}
