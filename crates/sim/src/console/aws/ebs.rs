//! ECS-managed EBS volumes in the console (`docs/rules/storage.md#ecs-managed-ebs`): a task's
//! `attachments` entry in `describe-tasks`, a deployment's `volumeConfigurations` in
//! `describe-services`, and `aws ec2 describe-volumes`.

use serde_json::{Value, json};

use crate::ecs::cluster::EcsCluster;
use crate::ecs::ebs::TaskEbsVolume;
use crate::ecs::ebs_read;
use crate::scenario::spec::ServiceVolumeConfigurationSpec;
use crate::time::SimTime;

/// The task's `attachments` entry for its volume (ECS API `Attachment`: `id`, `type`,
/// `status`, `details` as name/value pairs). The type `AmazonElasticBlockStorage` and the
/// detail names are those the ECS developer guide shows for a volume attachment; their set
/// and order here are inferred.
pub(super) fn attachment(task_id: &str, v: &TaskEbsVolume) -> Value {
    let e = &v.config.managed_ebs_volume;
    let mut details = vec![
        ("roleArn", e.role_arn.clone()),
        ("volumeName", v.name.clone()),
        ("deleteOnTermination", "true".to_string()),
        ("volumeId", v.volume_id.clone()),
        ("volumeSizeInGiB", v.size_gib.to_string()),
        ("volumeType", e.volume_type.as_str().to_string()),
        ("fileSystem", e.filesystem_type.as_str().to_string()),
        ("encrypted", e.encrypted.to_string()),
    ];
    if let Some(s) = &e.snapshot_id {
        details.push(("snapshotId", s.clone()));
    }
    if let Some(r) = &v.reason {
        details.push(("statusReason", r.clone()));
    }
    json!({
        // Orca model: an attachment id derived from the task's.
        "id": format!("{}-ebs", &task_id[..8.min(task_id.len())]),
        "type": "AmazonElasticBlockStorage",
        "status": v.attachment_status(),
        "details": details
            .into_iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect::<Vec<_>>(),
    })
}

/// A deployment's `volumeConfigurations` (ECS API `ServiceVolumeConfiguration`).
pub(super) fn volume_configurations(c: &[ServiceVolumeConfigurationSpec]) -> Value {
    json!(
        c.iter()
            .map(|c| {
                let e = &c.managed_ebs_volume;
                let mut m = json!({
                    "encrypted": e.encrypted,
                    "volumeType": e.volume_type.as_str(),
                    "roleArn": e.role_arn,
                    "filesystemType": e.filesystem_type.as_str(),
                });
                if let Some(g) = e.size_in_gib {
                    m["sizeInGiB"] = json!(g);
                }
                if let Some(s) = &e.snapshot_id {
                    m["snapshotId"] = json!(s);
                }
                if let Some(i) = e.iops {
                    m["iops"] = json!(i);
                }
                if let Some(t) = e.throughput {
                    m["throughput"] = json!(t);
                }
                json!({"name": c.name, "managedEBSVolume": m})
            })
            .collect::<Vec<_>>()
    )
}

/// `aws ec2 describe-volumes`: the volumes ECS created for tasks that EC2 still lists (EC2
/// API `Volume`; other volumes of the account are not modelled).
pub(super) fn describe_volumes(ecs: Option<&EcsCluster>, now: SimTime) -> Value {
    let volumes: Vec<Value> = ecs
        .map(|c| ebs_read::volumes(c, now))
        .unwrap_or_default()
        .into_iter()
        .map(|v| {
            let attachments = if v.ec2_state == Some("in-use") {
                // Orca model: ECS attaches the volume to the task's host; the instance id of a
                // Fargate host is not shown.
                json!([{"State": "attached", "VolumeId": v.volume_id, "DeleteOnTermination": true}])
            } else {
                json!([])
            };
            json!({
                "Attachments": attachments,
                "AvailabilityZone": v.availability_zone,
                "Size": v.size_gib,
                "State": v.ec2_state,
                "VolumeId": v.volume_id,
                "VolumeType": v.volume_type,
                "Tags": [{"Key": "AmazonECSManaged", "Value": "true"}],
            })
        })
        .collect();
    json!({ "Volumes": volumes })
}
