//! Container Insights' performance log events on ECS: with the cluster setting
//! `containerInsights` enabled, ECS writes each minute's measurements as JSON log events to
//! `/aws/ecs/containerinsights/<cluster>/performance` (Amazon CloudWatch User Guide, "Amazon ECS
//! Container Insights performance log events",
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-reference-performance-logs-ECS.html>),
//! which Logs Insights queries (`stats avg(CpuUtilized) by TaskId`). A read model of the
//! samples `insights::ecs` keeps.
//!
//! - `Type: "Task"` for each RUNNING task: `TaskId`, `TaskDefinitionFamily`,
//!   `TaskDefinitionRevision` (a string), `ContainerInstanceId` and `EC2InstanceId` on EC2,
//!   `ClusterName`, `AccountID`, `Region`, `AvailabilityZone`, `KnownStatus`, `LaunchType`,
//!   `CreatedAt`, `StartedAt`, `Timestamp` (epoch milliseconds, numbers), `CpuUtilized`,
//!   `CpuReserved` (CPU units), `MemoryUtilized`, `MemoryReserved` (MiB), and the
//!   `CloudWatchMetrics` block that makes them metrics;
//! - `Type: "Service"` for each service: `DesiredTaskCount`, `RunningTaskCount`,
//!   `PendingTaskCount`, `DeploymentCount`, `TaskSetCount`;
//! - `Type: "Cluster"`: `TaskCount`, `ServiceCount`.
//!
//! Streams: `AgentTelemetry-<container instance id>` for the tasks on an EC2 instance (User
//! Guide), `FargateTelemetry-<n>` for a Fargate task, `ServiceTelemetry-<service>` and
//! `ClusterTelemetry-<cluster>` [inferred from accounts' stream names; the User Guide names only
//! the first]. [model] A Fargate stream's number is drawn from the task's id; a Task event
//! names its `ServiceName` when a service started it (seen on Fargate); the storage and
//! network fields, `PullStoppedAt`, `ContainerInstanceCount` and `Type: "Container"` events are
//! not written; at most `insights::series::MAX_OBJECTS` tasks a minute get an event.

use serde_json::{Value, json};

use super::performance::{self, Streams};
use super::{StreamLines, epoch_millis};
use crate::ecs::Host;
use crate::ecs::cluster::EcsCluster;
use crate::insights::Datum;
use crate::net::Network;
use crate::scenario::spec::LaunchType;
use crate::time::SimTime;

/// The group's name, once Container Insights has written to it, and when it was created.
pub fn group(ecs: &EcsCluster) -> Option<(String, SimTime)> {
    let created = performance::created(&ecs.insights)?;
    Some((
        format!("/aws/ecs/containerinsights/{}/performance", ecs.name),
        created,
    ))
}

/// The group's streams at `now`, in the order they were created.
pub fn streams(ecs: &EcsCluster, net: &Network, now: SimTime) -> Vec<StreamLines> {
    let mut out = Streams::default();
    for sample in &ecs.insights.samples {
        if sample.at > now {
            break;
        }
        let at = performance::minute_of(sample);
        let stamp = epoch_millis(at);
        let cluster = &ecs.name;
        for d in &sample.tasks {
            let t = ecs.task(d.task);
            let td = ecs.task_definition(t.task_definition);
            let (cpu, memory) = t.reservation(td);
            let mut e = json!({
                "Version": "0",
                "Type": "Task",
                "TaskId": t.id.as_str(),
                "TaskDefinitionFamily": td.family,
                "TaskDefinitionRevision": td.revision.to_string(),
            });
            let stream = match t.host {
                Host::Instance(i) => {
                    let inst = ecs.instance(i);
                    e["ContainerInstanceId"] = json!(inst.id);
                    e["EC2InstanceId"] = json!(inst.ec2_instance_id.as_str());
                    format!("AgentTelemetry-{}", inst.id)
                }
                _ => format!(
                    "FargateTelemetry-{}",
                    1000 + crate::hash::fnv(t.id.as_str()) % 9000
                ),
            };
            if let Some(s) = t.service {
                e["ServiceName"] = json!(ecs.service(s).name.as_str());
            }
            let launch = match t.launch_type {
                LaunchType::Fargate => "FARGATE",
                _ => "EC2",
            };
            for (k, v) in [
                ("ClusterName", json!(cluster)),
                ("AccountID", json!(net.account_id)),
                ("Region", json!(net.region)),
                ("AvailabilityZone", json!(t.availability_zone.as_str())),
                ("KnownStatus", json!("RUNNING")),
                ("LaunchType", json!(launch)),
                ("CreatedAt", json!(epoch_millis(t.created_at))),
            ] {
                e[k] = v;
            }
            if let Some(s) = t.started_at {
                e["StartedAt"] = json!(epoch_millis(s));
            }
            for (k, v) in [
                ("Timestamp", json!(stamp)),
                ("CpuUtilized", json!(d.cpu)),
                ("CpuReserved", json!(f64::from(cpu))),
                ("MemoryUtilized", json!(d.memory as u64)),
                ("MemoryReserved", json!(memory)),
                (
                    "CloudWatchMetrics",
                    metrics(
                        &[
                            ("CpuUtilized", "None"),
                            ("CpuReserved", "None"),
                            ("MemoryUtilized", "Megabytes"),
                            ("MemoryReserved", "Megabytes"),
                        ],
                        json!([["ClusterName"], ["ClusterName", "TaskDefinitionFamily"]]),
                    ),
                ),
            ] {
                e[k] = v;
            }
            out.push(&stream, at, e.to_string());
        }
        for svc in &ecs.services {
            let count = |metric: &str| value(&sample.data, metric, Some(svc.name.as_str()));
            let e = json!({
                "Version": "0",
                "Type": "Service",
                "ServiceName": svc.name.as_str(),
                "ClusterName": cluster,
                "Timestamp": stamp,
                "DesiredTaskCount": count("DesiredTaskCount"),
                "RunningTaskCount": count("RunningTaskCount"),
                "PendingTaskCount": count("PendingTaskCount"),
                "DeploymentCount": count("DeploymentCount"),
                "TaskSetCount": 0,
                "CloudWatchMetrics": metrics(
                    &[
                        ("DesiredTaskCount", "Count"),
                        ("RunningTaskCount", "Count"),
                        ("PendingTaskCount", "Count"),
                        ("DeploymentCount", "Count"),
                        ("TaskSetCount", "Count"),
                    ],
                    json!([["ServiceName", "ClusterName"]]),
                ),
            });
            out.push(&format!("ServiceTelemetry-{}", svc.name), at, e.to_string());
        }
        let e = json!({
            "Version": "0",
            "Type": "Cluster",
            "ClusterName": cluster,
            "Timestamp": stamp,
            "TaskCount": value(&sample.data, "TaskCount", None),
            "ServiceCount": value(&sample.data, "ServiceCount", None),
            "CloudWatchMetrics": metrics(
                &[("TaskCount", "Count"), ("ServiceCount", "Count")],
                json!([["ClusterName"]]),
            ),
        });
        out.push(&format!("ClusterTelemetry-{cluster}"), at, e.to_string());
    }
    out.done()
}

/// The whole count of `metric` in a sample: the cluster's, or one service's.
fn value(data: &[Datum], metric: &str, service: Option<&str>) -> u64 {
    data.iter()
        .find(|d| {
            d.metric == metric
                && match service {
                    Some(s) => d
                        .dimensions
                        .iter()
                        .any(|(k, v)| *k == "ServiceName" && v == s),
                    None => d.dimensions.len() == 1,
                }
        })
        .map_or(0, |d| d.value.max(0.0) as u64)
}

/// The embedded metric definition an ECS performance event carries.
fn metrics(names: &[(&str, &str)], dimensions: Value) -> Value {
    performance::embedded_metrics("ECS/ContainerInsights", names, dimensions)
}
