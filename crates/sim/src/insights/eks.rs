//! Container Insights on EKS: the CloudWatch agent (the `amazon-cloudwatch-observability`
//! add-on, or the quick-start DaemonSets in `amazon-cloudwatch`) publishes in the namespace
//! `ContainerInsights` (Amazon CloudWatch User Guide, "Amazon EKS and Kubernetes Container
//! Insights metrics",
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-EKS.html>):
//!
//! - cluster: `cluster_node_count`, `cluster_failed_node_count`;
//! - node (`ClusterName`, `NodeName`): `node_cpu_utilization`, `node_memory_utilization`,
//!   `node_number_of_running_pods`;
//! - pod (`ClusterName`, `Namespace`, `PodName` — the workload's name, pods of one Deployment
//!   together — and, per pod, `FullPodName`): `pod_cpu_utilization`, `pod_memory_utilization`
//!   (of the node's capacity), `pod_memory_utilization_over_pod_limit`,
//!   `pod_number_of_container_restarts`.
//!
//! What a pod uses is Orca's model: CPU from its Deployment's load (the utilization the HPA
//! sees), memory a share of its request that grows with CPU; an image that is OOM-killed
//! `oom_after_seconds` after it starts leaks: its memory climbs linearly from that share to its
//! limit, which it reaches at the kill. Orca's pods have no limit apart from their request, so
//! the limit is the request [model].

use super::series::{Datum, MAX_OBJECTS, PERIOD, Sample};
use crate::k8s::cluster::{ContainerState, EksCluster, EksCtx};
use crate::time::SimTime;

/// What the kubelet, the container runtime and the system pods of a node use besides the
/// scenario's pods (CPU millicores, memory MiB), and what a node has beyond its allocatable
/// [model; the same numbers `kubectl top node` uses].
pub const NODE_OVERHEAD: (u32, u32) = (60, 550);
pub const NODE_RESERVED: (u32, u32) = (90, 900);

fn running_since(eks: &EksCluster, p: usize) -> Option<SimTime> {
    let pod = &eks.pods[p];
    match pod.state {
        ContainerState::Running { started_at } if pod.deleting_at.is_none() && !pod.gone => {
            Some(started_at)
        }
        _ => None,
    }
}

/// CPU (millicores) and memory (MiB) pod `p` uses at `now`.
pub fn pod_usage(eks: &EksCluster, p: usize, now: SimTime) -> (u32, u32) {
    let d = eks.pod_deployment(p);
    let dep = &eks.deployments[d];
    let req = eks.requests_of(p);
    let ready = (0..eks.pods.len())
        .filter(|&q| {
            let pod = &eks.pods[q];
            !pod.gone && eks.pod_deployment(q) == d && pod.counts() && pod.ready
        })
        .count() as u32;
    let util = dep
        .load
        .as_ref()
        .map_or(0.4, |l| l.utilization_per_pod(now, ready.max(1)));
    // [model] A pod serves `rps_per_pod` at 100 % of its CPU request; one whose container names
    // no request uses what Orca's default request would be (250m) at that load.
    let full = if eks.template_of(p).cpu_requested {
        req.cpu_millis
    } else {
        req.cpu_millis + crate::scenario::spec::defaults::cpu_request()
    };
    let cpu = ((f64::from(full) * util / 100.0).round() as u32).max(1);
    let base = f64::from(req.memory_mib) * (0.3 + 0.3 * (util / 100.0).min(1.0));
    let behavior = &eks.template_of(p).behavior;
    let memory = match (behavior.oom_after_seconds, running_since(eks, p)) {
        (Some(oom), Some(start)) if oom > 0 => {
            let share = (now.since(start).secs_f64() / oom as f64).clamp(0.0, 1.0);
            let limit = f64::from(req.memory_mib).max(base);
            base + (limit - base) * share
        }
        _ => base,
    };
    (cpu, (memory.round() as u32).max(4))
}

/// The limit `pod_memory_utilization_over_pod_limit` divides by (MiB): the memory request,
/// which Orca takes as the limit [model]. A pod without one has no limit, and so no such
/// metric: the User Guide's performance log entries for EKS give the `pod_*_limit` fields only
/// for a pod all of whose containers set a limit.
pub fn pod_memory_limit(eks: &EksCluster, p: usize) -> Option<u32> {
    Some(eks.requests_of(p).memory_mib).filter(|m| *m > 0)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The datapoints of one minute.
pub fn sample(eks: &EksCluster, cluster: &str, now: SimTime) -> Vec<Datum> {
    let cl = || ("ClusterName", cluster.to_string());
    let mut data = Vec::new();
    let nodes: Vec<usize> = (0..eks.nodes.len())
        .filter(|&n| !eks.nodes[n].gone && !eks.nodes[n].fargate)
        .collect();
    data.push(Datum {
        metric: "cluster_node_count",
        dimensions: vec![cl()],
        value: nodes.len() as f64,
        unit: "Count",
    });
    data.push(Datum {
        metric: "cluster_failed_node_count",
        dimensions: vec![cl()],
        value: nodes.iter().filter(|&&n| !eks.nodes[n].ready).count() as f64,
        unit: "Count",
    });
    let running: Vec<usize> = (0..eks.pods.len())
        .filter(|&p| running_since(eks, p).is_some())
        .collect();
    let usage: Vec<(usize, (u32, u32))> = running
        .iter()
        .map(|&p| (p, pod_usage(eks, p, now)))
        .collect();
    let capacity = |n: usize| {
        let node = &eks.nodes[n];
        (
            f64::from(node.allocatable_cpu_millis + NODE_RESERVED.0),
            f64::from(node.allocatable_memory_mib + NODE_RESERVED.1),
        )
    };
    let (mut cpu_sum, mut mem_sum) = (0.0, 0.0);
    for &n in &nodes {
        let node = &eks.nodes[n];
        if !node.ready {
            continue;
        }
        let on: Vec<&(usize, (u32, u32))> = usage
            .iter()
            .filter(|(p, _)| eks.pods[*p].node == Some(n))
            .collect();
        let cpu = NODE_OVERHEAD.0 + on.iter().map(|(_, u)| u.0).sum::<u32>();
        let mem = NODE_OVERHEAD.1 + on.iter().map(|(_, u)| u.1).sum::<u32>();
        let (cc, mc) = capacity(n);
        let dims = vec![cl(), ("NodeName", node.name.clone())];
        let cpu_pct = round2(f64::from(cpu) * 100.0 / cc);
        let mem_pct = round2(f64::from(mem) * 100.0 / mc);
        cpu_sum += cpu_pct;
        mem_sum += mem_pct;
        data.push(Datum {
            metric: "node_cpu_utilization",
            dimensions: dims.clone(),
            value: cpu_pct,
            unit: "Percent",
        });
        data.push(Datum {
            metric: "node_memory_utilization",
            dimensions: dims.clone(),
            value: mem_pct,
            unit: "Percent",
        });
        data.push(Datum {
            metric: "node_number_of_running_pods",
            dimensions: dims,
            value: on.len() as f64,
            unit: "Count",
        });
    }
    let ready_nodes = nodes.iter().filter(|&&n| eks.nodes[n].ready).count();
    if ready_nodes > 0 {
        data.push(Datum {
            metric: "node_cpu_utilization",
            dimensions: vec![cl()],
            value: round2(cpu_sum / ready_nodes as f64),
            unit: "Percent",
        });
        data.push(Datum {
            metric: "node_memory_utilization",
            dimensions: vec![cl()],
            value: round2(mem_sum / ready_nodes as f64),
            unit: "Percent",
        });
    }
    // Pods, per pod (FullPodName) for the first MAX_OBJECTS, and per workload (PodName).
    let mut per_workload: Vec<(String, String, Vec<PodValues>)> = Vec::new();
    for (k, &(p, (cpu, mem))) in usage.iter().enumerate() {
        let pod = &eks.pods[p];
        let Some(n) = pod.node else { continue };
        let (cc, mc) = capacity(n);
        let values = [
            Some(round2(f64::from(cpu) * 100.0 / cc)),
            Some(round2(f64::from(mem) * 100.0 / mc)),
            pod_memory_limit(eks, p).map(|l| round2(f64::from(mem) * 100.0 / f64::from(l))),
            Some(f64::from(pod.restarts)),
        ];
        let ns = eks.namespace_of(p).to_string();
        let workload = eks.deployments[eks.pod_deployment(p)].name.clone();
        if k < MAX_OBJECTS {
            let dims = vec![
                cl(),
                ("Namespace", ns.clone()),
                ("PodName", workload.clone()),
                ("FullPodName", pod.name.clone()),
            ];
            push_pod(&mut data, &dims, values);
        }
        match per_workload
            .iter_mut()
            .find(|(w, n, _)| *w == workload && *n == ns)
        {
            Some((_, _, v)) => v.push(values),
            None => per_workload.push((workload, ns, vec![values])),
        }
    }
    for (workload, ns, values) in per_workload {
        // The average of the pods that have the value.
        let avg = |i: usize| {
            let xs: Vec<f64> = values.iter().filter_map(|v| v[i]).collect();
            (!xs.is_empty()).then(|| round2(xs.iter().sum::<f64>() / xs.len() as f64))
        };
        let dims = vec![cl(), ("Namespace", ns), ("PodName", workload)];
        let restarts = values.iter().filter_map(|v| v[3]).sum();
        push_pod(&mut data, &dims, [avg(0), avg(1), avg(2), Some(restarts)]);
    }
    data
}

/// A pod's CPU and memory utilization, memory over its limit (none without a limit) and
/// restarts.
type PodValues = [Option<f64>; 4];

fn push_pod(data: &mut Vec<Datum>, dims: &[(&'static str, String)], v: PodValues) {
    let names = [
        ("pod_cpu_utilization", "Percent"),
        ("pod_memory_utilization", "Percent"),
        ("pod_memory_utilization_over_pod_limit", "Percent"),
        ("pod_number_of_container_restarts", "Count"),
    ];
    for (i, (metric, unit)) in names.into_iter().enumerate() {
        if let Some(value) = v[i] {
            data.push(Datum {
                metric,
                dimensions: dims.to_vec(),
                value,
                unit,
            });
        }
    }
}

/// Each second of the cluster: on the minute, when the agent runs, take a sample.
pub fn on_tick(ctx: &mut EksCtx) {
    // The CloudWatch Observability add-on collects from the moment it is ACTIVE.
    if !ctx.world.insights.enabled
        && ctx
            .world
            .cloudwatch_observability
            .is_some_and(|a| ctx.now >= a.active_at)
    {
        ctx.world.insights = super::Insights::enabled(&ctx.world.cluster_name);
    }
    if !ctx.world.insights.enabled || !ctx.now.0.is_multiple_of(PERIOD.0) {
        return;
    }
    let data = sample(ctx.world, &ctx.world.insights.cluster, ctx.now);
    let at = ctx.now;
    ctx.world.insights.push(Sample {
        at,
        data,
        tasks: Vec::new(),
    });
}
