//! Amazon EBS volumes that ECS creates and manages for the tasks of a service
//! (`docs/rules/storage.md#ecs-managed-ebs`): the task definition declares one volume
//! `configuredAtLaunch`, the service supplies its `volumeConfigurations`
//! (`ServiceManagedEBSVolumeConfiguration`), and ECS creates **one new volume per task** in
//! the task's Availability Zone, attaches it before the containers start, and detaches and
//! deletes it when the task stops ("Ephemeral when attached to a task maintained by a
//! service": Amazon ECS Developer Guide, "Storage options for Amazon ECS tasks"; "Use Amazon
//! EBS volumes with Amazon ECS", ebs-volumes.html).
//!
//! The pure rules (ranges per volume type, the failure wording) and the volume a task holds
//! (plain data) are here; `task_lifecycle.rs` calls [`create_for_task`], [`attach_step`] and
//! [`release`] at the task's steps; `ebs_read.rs` is the read model.

use serde::Serialize;

use super::cluster::Ctx;
use super::ids::TaskIdx;
use crate::event::{EventKind, Source, Subject};
use crate::name::Name;
use crate::rng::hex;
use crate::scenario::spec::{EbsVolumeType, ServiceVolumeConfigurationSpec};
use crate::time::{Millis, SimTime};

/// `sizeInGiB` per volume type (ECS API `ServiceManagedEBSVolumeConfiguration`: gp2 and gp3
/// 1–16,384; io1 and io2 4–16,384; st1 and sc1 125–16,384; standard 1–1,024).
pub fn size_range(t: EbsVolumeType) -> (u32, u32) {
    match t {
        EbsVolumeType::Gp2 | EbsVolumeType::Gp3 => (1, 16_384),
        EbsVolumeType::Io1 | EbsVolumeType::Io2 => (4, 16_384),
        EbsVolumeType::St1 | EbsVolumeType::Sc1 => (125, 16_384),
        EbsVolumeType::Standard => (1, 1_024),
    }
}

/// `iops` per volume type (same API page: gp3 3,000–16,000, io1 100–64,000, io2
/// 100–256,000; required for io1 and io2; "not supported for st1, sc1, or standard"). For gp2
/// the value is the type's baseline, not a setting: Orca refuses it there too (inferred).
pub fn iops_range(t: EbsVolumeType) -> Option<(u32, u32)> {
    match t {
        EbsVolumeType::Gp3 => Some((3_000, 16_000)),
        EbsVolumeType::Io1 => Some((100, 64_000)),
        EbsVolumeType::Io2 => Some((100, 256_000)),
        _ => None,
    }
}

/// `iops` must be given for io1 and io2.
pub fn iops_required(t: EbsVolumeType) -> bool {
    matches!(t, EbsVolumeType::Io1 | EbsVolumeType::Io2)
}

/// `throughput` in MiB/s, gp3 only (same API page: "This parameter is only supported for the
/// gp3 volume type"; 125–1,000 is the range of the EC2 CreateVolume parameter it maps to).
pub const THROUGHPUT: (u32, u32) = (125, 1_000);

/// The size of a volume created from a snapshot with no `sizeInGiB` is the snapshot's.
/// Orca model: snapshots are not modelled, so every snapshot is 8 GiB.
pub const SNAPSHOT_GIB: u32 = 8;

/// Orca model: how long ECS takes to attach a new volume once the task's network interface is
/// attached (AWS publishes no number; the task stays PROVISIONING meanwhile).
pub const ATTACH: Millis = Millis(10_000);

/// Orca model: how long a deleted volume stays `deleting` in `describe-volumes`.
pub const DELETE: Millis = Millis(5_000);

/// The stopped reason of a task whose volume ECS could not attach because it could not assume
/// the infrastructure role. The text is the attachment status reason listed in the Amazon ECS
/// Developer Guide ("Status reasons for Amazon EBS volume attachment to Amazon ECS tasks",
/// troubleshoot-ebs-volumes-scenarios.html; the English wording is rebuilt from a translated
/// copy of the page — inferred). That it becomes the task's stoppedReason, with stopCode
/// TaskFailedToStart, is inferred.
pub fn cannot_assume_role_reason(role_arn: &str) -> String {
    format!(
        "ECS was unable to assume the configured ECS Infrastructure Role '{role_arn}'. Please verify that the role being passed has the proper trust relationship with Amazon ECS"
    )
}

/// Where the volume of a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EbsState {
    /// Created, being attached: attachment `ATTACHING`.
    Attaching,
    /// Attached to the task (EC2 `in-use`): attachment `ATTACHED`.
    Attached,
    /// ECS could not attach it (attachment `FAILED`).
    Failed,
    /// The task stopped: detached and deleted (`deleteOnTermination` is always true for a
    /// service's volumes). EC2 shows `deleting` for [`DELETE`], then nothing.
    Deleted,
}

/// The one EBS volume ECS created for a task (plain data).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskEbsVolume {
    /// `vol-` and 17 hexadecimal digits, drawn from the seeded id stream.
    pub volume_id: String,
    /// The task definition volume it backs.
    pub name: String,
    /// The task's zone: a volume lives in one Availability Zone.
    pub availability_zone: String,
    pub config: ServiceVolumeConfigurationSpec,
    pub size_gib: u32,
    pub state: EbsState,
    pub created_at: SimTime,
    /// When ECS began attaching it (the task's network interface was attached).
    pub attaching_since: Option<SimTime>,
    pub attached_at: Option<SimTime>,
    pub deleted_at: Option<SimTime>,
    /// The attachment's status reason when it failed.
    pub reason: Option<String>,
}

impl TaskEbsVolume {
    /// EC2's state of the volume at `now` (`describe-volumes`), or None once it is gone.
    pub fn ec2_state(&self, now: SimTime) -> Option<&'static str> {
        match self.state {
            EbsState::Attaching if self.attaching_since.is_none() => Some("creating"),
            EbsState::Attaching | EbsState::Failed => Some("available"),
            EbsState::Attached => Some("in-use"),
            EbsState::Deleted => match self.deleted_at {
                Some(d) if now < d.plus(DELETE) => Some("deleting"),
                _ => None,
            },
        }
    }

    /// The attachment's `status` in `describe-tasks`.
    pub fn attachment_status(&self) -> &'static str {
        match self.state {
            EbsState::Attaching => "ATTACHING",
            EbsState::Attached => "ATTACHED",
            EbsState::Failed => "FAILED",
            EbsState::Deleted => "DELETED",
        }
    }
}

/// A new task of a service with a volume configuration gets its volume, in its zone, when it
/// is placed (a task waiting for an instance gets it once placed). Records an event when
/// `announce` (not for a task already running when the scenario starts).
pub fn create_for_task(ctx: &mut Ctx, idx: TaskIdx, announce: bool) {
    let t = ctx.world.task(idx);
    if t.ebs.is_some() || t.availability_zone.is_empty() {
        return;
    }
    let Some(service) = t.service else { return };
    let td = ctx.world.task_definition(t.task_definition);
    let Some(name) = td.configured_at_launch.clone() else {
        return;
    };
    let svc = ctx.world.service(service);
    let config = t
        .deployment_id
        .as_deref()
        .and_then(|d| svc.deployment(d))
        .map(|d| &d.volume_configurations)
        .unwrap_or(&svc.volume_configurations)
        .iter()
        .find(|c| c.name == name)
        .cloned();
    let Some(config) = config else { return };
    let (task_id, zone, service_name) =
        (t.id.clone(), t.availability_zone.clone(), svc.name.clone());
    let e = &config.managed_ebs_volume;
    let size_gib = e.size_in_gib.unwrap_or(SNAPSHOT_GIB);
    let volume_id = format!("vol-{}", hex(&mut ctx.rngs.ids, 17));
    let message = format!(
        "EBS volume {volume_id} created for volume {name} in {zone}: {} {size_gib} GiB, {}{}{}",
        e.volume_type.as_str(),
        e.filesystem_type.as_str(),
        if e.encrypted { ", encrypted" } else { "" },
        e.snapshot_id
            .as_deref()
            .map(|s| format!(", from snapshot {s}"))
            .unwrap_or_default()
    );
    let now = ctx.now;
    let t = ctx.world.task_mut(idx);
    t.ebs = Some(Box::new(TaskEbsVolume {
        volume_id: volume_id.clone(),
        name,
        availability_zone: zone.to_string(),
        config,
        size_gib,
        state: EbsState::Attaching,
        created_at: now,
        attaching_since: None,
        attached_at: None,
        deleted_at: None,
        reason: None,
    }));
    t.explain(
        now,
        format!("ECS created a new, empty EBS volume {volume_id} for it in its zone; it is attached before the containers start."),
    );
    if announce {
        emit(
            ctx,
            &task_id,
            Some(service_name.clone()),
            &volume_id,
            "CREATED",
            message,
        );
    }
}

/// A task already running when the scenario starts has had its volume attached since.
pub fn attached_before_start(ctx: &mut Ctx, idx: TaskIdx) {
    let now = ctx.now;
    if let Some(v) = ctx.world.task_mut(idx).ebs.as_deref_mut() {
        v.state = EbsState::Attached;
        v.attaching_since = Some(now);
        v.attached_at = Some(now);
    }
}

/// The end of PROVISIONING for a task with a volume. The first time, ECS assumes the
/// infrastructure role and begins attaching the volume, which takes [`ATTACH`] (returned: the
/// task stays PROVISIONING that long); the second time the volume is attached and the task
/// goes on (`Ok(None)`, as for a task without a volume). A role ECS cannot assume fails the
/// task: `Err(stopped reason)`.
pub fn attach_step(ctx: &mut Ctx, idx: TaskIdx) -> Result<Option<Millis>, String> {
    let now = ctx.now;
    let t = ctx.world.task(idx);
    let Some(v) = t.ebs.as_deref() else {
        return Ok(None);
    };
    if v.state != EbsState::Attaching {
        return Ok(None);
    }
    let role = v.config.managed_ebs_volume.role_arn.clone();
    let (task_id, volume_id) = (t.id.clone(), v.volume_id.clone());
    let first = v.attaching_since.is_none();
    let service = t.service.map(|s| ctx.world.service(s).name.clone());
    // The infrastructure role must be one of the scenario's when it models IAM (Orca model:
    // its trust policy and permissions are not modelled).
    if let Some(iam) = &ctx.world.iam
        && iam.role_by_arn(&role).is_none()
    {
        let reason = cannot_assume_role_reason(&role);
        if let Some(v) = ctx.world.task_mut(idx).ebs.as_deref_mut() {
            v.state = EbsState::Failed;
            v.reason = Some(reason.clone());
        }
        emit(
            ctx,
            &task_id,
            service,
            &volume_id,
            "FAILED",
            format!("EBS volume {volume_id} attachment FAILED: {reason}"),
        );
        return Err(reason);
    }
    let v = ctx.world.task_mut(idx).ebs.as_deref_mut();
    let Some(v) = v else { return Ok(None) };
    if first {
        v.attaching_since = Some(now);
        return Ok(Some(ATTACH));
    }
    v.state = EbsState::Attached;
    v.attached_at = Some(now);
    emit(
        ctx,
        &task_id,
        service,
        &volume_id,
        "ATTACHED",
        format!("EBS volume {volume_id} attached to task {task_id}"),
    );
    Ok(None)
}

/// The task reached STOPPED: its volume is detached and deleted with it.
pub fn release(ctx: &mut Ctx, idx: TaskIdx) {
    let now = ctx.now;
    let t = ctx.world.task(idx);
    let Some(v) = t.ebs.as_deref() else { return };
    if v.state == EbsState::Deleted {
        return;
    }
    let (task_id, volume_id) = (t.id.clone(), v.volume_id.clone());
    let service = t.service.map(|s| ctx.world.service(s).name.clone());
    if let Some(v) = ctx.world.task_mut(idx).ebs.as_deref_mut() {
        v.state = EbsState::Deleted;
        v.deleted_at = Some(now);
    }
    emit(
        ctx,
        &task_id,
        service,
        &volume_id,
        "DELETED",
        format!(
            "EBS volume {volume_id} detached and deleted with task {task_id} (deleteOnTermination): its files are gone"
        ),
    );
}

fn emit(
    ctx: &mut Ctx,
    task: &Name,
    service: Option<Name>,
    volume: &str,
    status: &str,
    message: String,
) {
    ctx.emit(
        Source::Volume(volume.into()),
        EventKind::EbsVolume {
            task: task.clone(),
            service,
            volume: volume.into(),
            status: status.into(),
        },
        message,
        vec![Subject::Task(task.clone())],
    );
}

/// `--volume-configurations` in the CLI's shorthand syntax, as `update-service` is typed.
pub fn cli_shorthand(c: &[ServiceVolumeConfigurationSpec]) -> String {
    c.iter()
        .map(|c| {
            let e = &c.managed_ebs_volume;
            let mut m = vec![
                format!("roleArn={}", e.role_arn),
                format!("volumeType={}", e.volume_type.as_str()),
            ];
            if let Some(g) = e.size_in_gib {
                m.push(format!("sizeInGiB={g}"));
            }
            if let Some(s) = &e.snapshot_id {
                m.push(format!("snapshotId={s}"));
            }
            if let Some(i) = e.iops {
                m.push(format!("iops={i}"));
            }
            if let Some(t) = e.throughput {
                m.push(format!("throughput={t}"));
            }
            m.push(format!("filesystemType={}", e.filesystem_type.as_str()));
            format!("name={},managedEBSVolume={{{}}}", c.name, m.join(","))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_volume_type() {
        assert_eq!(size_range(EbsVolumeType::Gp3), (1, 16_384));
        assert_eq!(size_range(EbsVolumeType::Io2), (4, 16_384));
        assert_eq!(size_range(EbsVolumeType::St1), (125, 16_384));
        assert_eq!(size_range(EbsVolumeType::Standard), (1, 1_024));
    }

    #[test]
    fn iops_are_required_for_provisioned_iops_volumes_only() {
        assert!(iops_required(EbsVolumeType::Io1));
        assert!(!iops_required(EbsVolumeType::Gp3));
        assert_eq!(iops_range(EbsVolumeType::Gp3), Some((3_000, 16_000)));
        assert_eq!(iops_range(EbsVolumeType::Sc1), None);
    }
}
