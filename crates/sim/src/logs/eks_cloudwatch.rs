//! What CloudWatch Logs holds of an EKS cluster's container output when Container Insights
//! collects it: the Amazon CloudWatch Observability add-on runs Fluent Bit as a DaemonSet that
//! tails every container's log file on its node and sends it to
//! `/aws/containerinsights/<cluster>/application` (Amazon CloudWatch User Guide, "Send logs to
//! CloudWatch Logs" for Container Insights on Amazon EKS, and the add-on's Fluent Bit
//! configuration, `application-log.conf`):
//! - input: `tail` of `/var/log/containers/*.log`, tagged `application.*`, except the files of
//!   `cloudwatch-agent*`, `fluent-bit*`, `aws-node*` and `kube-proxy*` pods (`Exclude_Path`);
//! - the `kubernetes` filter adds the pod's metadata under `kubernetes` (labels and annotations
//!   off);
//! - output: `cloudwatch_logs` with `log_stream_prefix ${HOST_NAME}-`, so a stream is the node's
//!   name, `-`, and the tag: `application.var.log.containers.<pod>_<namespace>_<container>-<container
//!   id>.log`. A restarted container is a new container with a new log file: a new stream.
//!
//! Fluent Bit reads only what is written once it runs (`Read_from_Head Off`, the
//! configuration's default): with the add-on installed during the run, from when it is ACTIVE.
//! Fluent Bit runs on EC2 nodes only: a Fargate pod's output is not in this group (Fargate
//! has its own log router, configured in the `aws-observability` namespace, not modelled).
//! [model] The first container of each pod; every run of it (`eks_output::run_starts`), to the
//! next (or to the pod's end); `stream` is `stdout`; the container id is Orca's (64 hex digits
//! derived from the pod and the run's start); the record leaves out `container_hash`.

use serde_json::json;

use super::{LogLine, StreamLines};
use crate::event::{Event, Source};
use crate::k8s::cluster::EksCluster;
use crate::time::SimTime;

/// Pods whose log files Fluent Bit leaves out (`Exclude_Path`).
const EXCLUDED: [&str; 4] = ["cloudwatch-agent", "fluent-bit", "aws-node", "kube-proxy"];

/// `/aws/containerinsights/<cluster>/application`, when Container Insights collects logs.
pub fn application_group(eks: &EksCluster) -> Option<String> {
    eks.insights
        .enabled
        .then(|| format!("/aws/containerinsights/{}/application", eks.cluster_name))
}

/// When the pod's container stopped for good: when its deletion began, or, for a pod that is
/// gone without one (its node went), its last event; `now` while it lives.
fn end_of(eks: &EksCluster, log: &[Event], p: usize, now: SimTime) -> SimTime {
    let pod = &eks.pods[p];
    if let Some(at) = pod.deleting_at {
        return at.min(now);
    }
    if pod.gone {
        let object = format!("pod/{}", pod.name);
        return log
            .iter()
            .take_while(|e| e.at <= now)
            .filter(|e| matches!(&e.source, Source::Kube(o) if o == &object))
            .map(|e| e.at)
            .last()
            .unwrap_or(now);
    }
    now
}

/// The streams of the application group at `now`, in the order the pods were created.
pub fn application_streams(eks: &EksCluster, log: &[Event], now: SimTime) -> Vec<StreamLines> {
    let mut out = Vec::new();
    for (p, pod) in eks.pods.iter().enumerate() {
        let Some(n) = pod.node else { continue };
        let node = &eks.nodes[n];
        if node.fargate || EXCLUDED.iter().any(|x| pod.name.starts_with(x)) {
            continue;
        }
        let t = eks.template_of(p);
        let namespace = eks.namespace_of(p);
        let end = end_of(eks, log, p, now);
        // Fluent Bit reads new lines only (`Read_from_Head Off`): from when the add-on's
        // pods run.
        let since = eks
            .cloudwatch_observability
            .map_or(SimTime::ZERO, |a| a.active_at);
        if end < since {
            continue;
        }
        for start in super::eks_output::run_starts(eks, log, p, end) {
            let id =
                super::cloudwatch::docker_id(&format!("{}/{}", pod.uid, start.0), &t.container);
            let metadata = json!({
                "pod_name": pod.name,
                "namespace_name": namespace,
                "pod_id": pod.uid,
                "host": node.name,
                "container_name": t.container,
                "docker_id": id,
                "container_image": t.image,
            });
            let lines: Vec<LogLine> = super::eks_output::run_lines(eks, log, end, p, start, true)
                .into_iter()
                .filter(|l| l.at >= since)
                .map(|l| LogLine {
                    at: l.at,
                    text: json!({
                        "time": format!("{}000Z", l.at.iso8601().trim_end_matches("+00:00")),
                        "stream": "stdout",
                        "_p": "F",
                        "log": l.text,
                        "kubernetes": metadata,
                    })
                    .to_string(),
                })
                .collect();
            if lines.is_empty() {
                continue;
            }
            out.push(StreamLines {
                name: format!(
                    "{}-application.var.log.containers.{}_{namespace}_{}-{id}.log",
                    node.name, pod.name, t.container
                ),
                created: start.max(since),
                lines: super::bounded(lines),
            });
        }
    }
    out
}
