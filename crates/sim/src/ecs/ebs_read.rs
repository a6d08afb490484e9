//! The read model of ECS-managed EBS volumes (`docs/rules/storage.md#ecs-managed-ebs`): per
//! task its volume — id, size, type, zone, state, files — as the app draws it and
//! `aws ec2 describe-volumes` lists it.

use serde::Serialize;

use super::Task;
use super::cluster::EcsCluster;
use super::ebs::{EbsState, TaskEbsVolume};
use super::ids::TaskIdx;
use super::volumes::writing_seconds;
use crate::time::SimTime;

/// One task's EBS volume at a moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EbsVolumeCard {
    pub volume_id: String,
    /// The task (32 hex digits) it belongs to.
    pub task: String,
    /// The task definition volume it backs.
    pub name: String,
    pub size_gib: u32,
    /// `gp3`, `io2`, ...
    pub volume_type: &'static str,
    pub filesystem_type: &'static str,
    pub availability_zone: String,
    /// The task attachment's status: `ATTACHING`, `ATTACHED`, `FAILED`, `DELETED`.
    pub attachment_status: &'static str,
    /// EC2's state: `creating`, `available`, `in-use`, `deleting`; None once deleted.
    pub ec2_state: Option<&'static str>,
    /// Files the task wrote to it so far (a new volume starts empty; the count is gone with the
    /// volume when the task stops).
    pub files: u64,
}

fn card(task: &Task, v: &TaskEbsVolume, now: SimTime) -> EbsVolumeCard {
    let e = &v.config.managed_ebs_volume;
    let files = if v.state == EbsState::Deleted {
        0
    } else {
        writing_seconds(task, now) * u64::from(e.files_per_task_minute) / 60
    };
    EbsVolumeCard {
        volume_id: v.volume_id.clone(),
        task: task.id.to_string(),
        name: v.name.clone(),
        size_gib: v.size_gib,
        volume_type: e.volume_type.as_str(),
        filesystem_type: e.filesystem_type.as_str(),
        availability_zone: v.availability_zone.clone(),
        attachment_status: v.attachment_status(),
        ec2_state: v.ec2_state(now),
        files,
    }
}

/// The EBS volume of task `t` at `now`, if its service gave it one.
pub fn task_volume(c: &EcsCluster, t: TaskIdx, now: SimTime) -> Option<EbsVolumeCard> {
    let task = c.task(t);
    task.ebs.as_deref().map(|v| card(task, v, now))
}

/// Every EBS volume EC2 still lists at `now` (not yet gone after deletion), in task order:
/// what `aws ec2 describe-volumes` shows.
pub fn volumes(c: &EcsCluster, now: SimTime) -> Vec<EbsVolumeCard> {
    c.tasks
        .iter()
        .filter(|t| t.created_at <= now)
        .filter_map(|t| t.ebs.as_deref().map(|v| card(t, v, now)))
        .filter(|v| v.ec2_state.is_some())
        .collect()
}
