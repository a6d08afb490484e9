//! Container Insights' performance log events on EKS: the CloudWatch agent writes each
//! minute's measurements as JSON log events to `/aws/containerinsights/<cluster>/performance`,
//! one stream per node named after it (Amazon CloudWatch User Guide, "Amazon EKS and
//! Kubernetes Container Insights performance log events",
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-reference-performance-logs-EKS.html>;
//! the agent's `log_stream_name: '{NodeName}'`), which Logs Insights queries
//! (`STATS avg(node_cpu_utilization) by NodeName`). A read model of the samples
//! `insights::eks` keeps.
//!
//! - `"Type": "Node"`: `ClusterName`, `InstanceId`, `InstanceType`, `NodeName`, `Sources`,
//!   `Timestamp` (epoch milliseconds as a string), `Version` `"0"`, `kubernetes.host`,
//!   `node_cpu_utilization`, `node_memory_utilization`, `node_number_of_running_pods`;
//! - `"Type": "Pod"`, one per running pod: `Namespace`, `PodName` (the workload),
//!   `kubernetes` (`host`, `namespace_name`, `pod_id`, `pod_name`, `pod_owners`),
//!   `pod_cpu_utilization`, `pod_memory_utilization`, `pod_memory_utilization_over_pod_limit`,
//!   `pod_number_of_container_restarts`, `pod_status`;
//! - `"Type": "Cluster"`: `cluster_node_count`, `cluster_failed_node_count`.
//!
//! Keys in the agent's order (sorted), with the `CloudWatchMetrics` block (namespace
//! `ContainerInsights`) of the metrics Orca publishes. [model] The Cluster event goes to the
//! first node's stream (the agent elected to collect cluster data writes it to its own node's
//! stream; which node that is, Orca does not model); the other event types (`NodeFS`,
//! `NodeNet`, `PodNet`, `Container`, `ClusterService`, …) and the fields Orca does not
//! measure are not written; at most `insights::series::MAX_OBJECTS` pods a minute get an
//! event, as for their datapoints.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::performance::{self, Streams};
use super::{StreamLines, epoch_millis};
use crate::insights::Datum;
use crate::k8s::cluster::EksCluster;
use crate::time::SimTime;

/// The group's name, once the agent has written to it, and when it was created.
pub fn group(eks: &EksCluster) -> Option<(String, SimTime)> {
    let created = performance::created(&eks.insights)?;
    Some((
        format!("/aws/containerinsights/{}/performance", eks.cluster_name),
        created,
    ))
}

/// The value of a datapoint's dimension.
fn dim<'a>(d: &'a Datum, name: &str) -> Option<&'a str> {
    d.dimensions
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.as_str())
}

/// An event with its keys sorted, as the agent writes them.
fn sorted(fields: Vec<(&str, Value)>) -> String {
    let map: BTreeMap<&str, Value> = fields.into_iter().collect();
    let obj: serde_json::Map<String, Value> =
        map.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    Value::Object(obj).to_string()
}

fn metrics(names: &[(&str, &str)], dimensions: Value) -> Value {
    performance::embedded_metrics("ContainerInsights", names, dimensions)
}

/// The group's streams at `now`, one per node, in the order they were created.
pub fn streams(eks: &EksCluster, now: SimTime) -> Vec<StreamLines> {
    let mut out = Streams::default();
    let cluster = eks.cluster_name.as_str();
    let by_name: std::collections::HashMap<&str, usize> = eks
        .pods
        .iter()
        .enumerate()
        .map(|(i, p)| (p.name.as_str(), i))
        .collect();
    for sample in &eks.insights.samples {
        if sample.at > now {
            break;
        }
        let at = performance::minute_of(sample);
        let stamp = epoch_millis(at).to_string();
        let base = |kind: &str| {
            vec![
                ("ClusterName", json!(cluster)),
                ("Timestamp", json!(stamp)),
                ("Type", json!(kind)),
                ("Version", json!("0")),
            ]
        };
        // Nodes: the datapoints named by `NodeName` alone.
        let mut nodes: Vec<(&str, Vec<&Datum>)> = Vec::new();
        for d in &sample.data {
            if d.dimensions.len() == 2
                && let Some(n) = dim(d, "NodeName")
            {
                match nodes.iter_mut().find(|(m, _)| *m == n) {
                    Some((_, v)) => v.push(d),
                    None => nodes.push((n, vec![d])),
                }
            }
        }
        if let (Some((leader, _)), Some(count), Some(failed)) = (
            nodes.first(),
            cluster_value(&sample.data, "cluster_node_count"),
            cluster_value(&sample.data, "cluster_failed_node_count"),
        ) {
            let mut e = base("Cluster");
            e.push(("Sources", json!(["apiserver"])));
            e.push(("cluster_node_count", json!(count as u64)));
            e.push(("cluster_failed_node_count", json!(failed as u64)));
            out.push(leader, at, sorted(e));
        }
        for (name, data) in &nodes {
            let node = eks.nodes.iter().find(|n| n.name == *name);
            let mut e = base("Node");
            e.push(("NodeName", json!(name)));
            e.push((
                "InstanceId",
                json!(crate::iam::eks_calls::node_instance_id(name)),
            ));
            if let Some(n) = node {
                e.push(("InstanceType", json!(n.instance_type)));
            }
            e.push(("Sources", json!(["cadvisor", "/proc", "pod", "calculated"])));
            e.push(("kubernetes", json!({ "host": name })));
            for d in data {
                e.push((d.metric, json!(d.value)));
            }
            e.push((
                "CloudWatchMetrics",
                metrics(
                    &[
                        ("node_cpu_utilization", "Percent"),
                        ("node_memory_utilization", "Percent"),
                        ("node_number_of_running_pods", "Count"),
                    ],
                    json!([["NodeName", "ClusterName"]]),
                ),
            ));
            out.push(name, at, sorted(e));
        }
        // Pods: the datapoints named by `FullPodName`.
        let mut pods: Vec<(&str, Vec<&Datum>)> = Vec::new();
        for d in &sample.data {
            if let Some(p) = dim(d, "FullPodName") {
                match pods.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, v)) => v.push(d),
                    None => pods.push((p, vec![d])),
                }
            }
        }
        for (full, data) in &pods {
            let Some(&p) = by_name.get(full) else {
                continue;
            };
            let pod = &eks.pods[p];
            let Some(host) = pod.node.map(|n| eks.nodes[n].name.as_str()) else {
                continue;
            };
            let namespace = eks.namespace_of(p);
            let workload = data
                .first()
                .and_then(|d| dim(d, "PodName"))
                .unwrap_or_default();
            let mut e = base("Pod");
            e.push(("Namespace", json!(namespace)));
            e.push(("NodeName", json!(host)));
            e.push(("PodName", json!(workload)));
            e.push(("Sources", json!(["cadvisor", "pod", "calculated"])));
            e.push((
                "kubernetes",
                json!({
                    "host": host,
                    "namespace_name": namespace,
                    "pod_id": pod.uid,
                    "pod_name": pod.name,
                    "pod_owners": [{ "owner_kind": "Deployment", "owner_name": workload }],
                }),
            ));
            for d in data {
                e.push((d.metric, json!(d.value)));
            }
            e.push(("pod_status", json!("Running")));
            e.push((
                "CloudWatchMetrics",
                metrics(
                    &[
                        ("pod_cpu_utilization", "Percent"),
                        ("pod_memory_utilization", "Percent"),
                        ("pod_memory_utilization_over_pod_limit", "Percent"),
                        ("pod_number_of_container_restarts", "Count"),
                    ],
                    json!([["PodName", "Namespace", "ClusterName"]]),
                ),
            ));
            out.push(host, at, sorted(e));
        }
    }
    out.done()
}

/// A cluster-wide datapoint's value.
fn cluster_value(data: &[Datum], metric: &str) -> Option<f64> {
    data.iter()
        .find(|d| d.metric == metric && d.dimensions.len() == 1)
        .map(|d| d.value)
}
