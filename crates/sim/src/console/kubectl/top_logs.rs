//! `kubectl top` from the load model (what metrics-server would report), and `kubectl logs`:
//! the modelled output of the application — its start line, the kubelet's probe requests and
//! how they were answered, and how it ended.

use std::fmt::Write;

use super::parse::Kind;
use super::table::render;
use super::{Kube, Outcome};
use crate::k8s::cluster::ContainerState;
use crate::logs::eks_output;

/// CPU (millicores) and memory (MiB) a pod uses now, as metrics-server would report it: the
/// core's usage model (`insights::eks::pod_usage`), which Container Insights publishes too.
pub fn pod_usage(k: &Kube, p: usize) -> (u32, u32) {
    crate::insights::eks::pod_usage(k.eks, p, k.now)
}

fn running(k: &Kube, p: usize) -> bool {
    let pod = &k.eks.pods[p];
    pod.deleting_at.is_none() && matches!(pod.state, ContainerState::Running { .. })
}

pub fn top(k: &Kube, kind: Kind) -> Outcome {
    match kind {
        Kind::Pod => {
            let rows: Vec<Vec<String>> = k
                .pods()
                .filter(|&p| running(k, p))
                .map(|p| {
                    let (cpu, mem) = pod_usage(k, p);
                    let mut row = vec![
                        k.eks.pods[p].name.clone(),
                        format!("{cpu}m"),
                        format!("{mem}Mi"),
                    ];
                    if k.all_namespaces() {
                        row.insert(0, k.pod_namespace(p).to_string());
                    }
                    row
                })
                .collect();
            if rows.is_empty() {
                return Outcome::Fail(k.no_resources());
            }
            let mut header = vec!["NAME", "CPU(cores)", "MEMORY(bytes)"];
            if k.all_namespaces() {
                header.insert(0, "NAMESPACE");
            }
            Outcome::Print(render(&header, &rows))
        }
        _ => {
            let rows: Vec<Vec<String>> = k
                .nodes()
                .filter(|&n| !k.eks.nodes[n].fargate)
                .map(|n| {
                    let node = &k.eks.nodes[n];
                    // The kubelet, the container runtime and the system pods use some too.
                    let (mut cpu, mut mem) = crate::insights::eks::NODE_OVERHEAD;
                    for p in k
                        .all_pods()
                        .filter(|&p| k.eks.pods[p].node == Some(n) && running(k, p))
                    {
                        let (c, m) = pod_usage(k, p);
                        cpu += c;
                        mem += m;
                    }
                    // Percentages of capacity, as `kubectl top node` reports them.
                    let cpu_pct =
                        u64::from(cpu) * 100 / u64::from(node.allocatable_cpu_millis.max(1) + 90);
                    let mem_pct =
                        u64::from(mem) * 100 / u64::from(node.allocatable_memory_mib.max(1) + 900);
                    if node.ready {
                        vec![
                            node.name.clone(),
                            format!("{cpu}m"),
                            format!("{cpu_pct}%"),
                            format!("{mem}Mi"),
                            format!("{mem_pct}%"),
                        ]
                    } else {
                        vec![
                            node.name.clone(),
                            "<unknown>".into(),
                            "<unknown>".into(),
                            "<unknown>".into(),
                            "<unknown>".into(),
                        ]
                    }
                })
                .collect();
            Outcome::Print(render(
                &["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"],
                &rows,
            ))
        }
    }
}

pub fn logs(k: &Kube, pod_name: &str, previous: bool, tail: Option<usize>) -> Outcome {
    let Some(p) = k.pod_named(pod_name) else {
        return Kube::not_found(Kind::Pod, pod_name);
    };
    let pod = &k.eks.pods[p];
    let t = k.eks.template_of(p);
    if previous {
        if pod.restarts == 0 {
            return Outcome::Fail(format!(
                "Error from server (BadRequest): previous terminated container \"{}\" in pod \"{pod_name}\" not found\n",
                t.container
            ));
        }
        let lines = eks_output::run_lines(
            k.eks,
            k.cx.log,
            k.now,
            p,
            eks_output::previous_start(k.cx.log, pod_name),
            true,
        );
        return Outcome::Print(tail_of(lines, tail));
    }
    let started = match &pod.state {
        ContainerState::Running { started_at } => *started_at,
        ContainerState::Waiting { reason } => {
            return Outcome::Fail(format!(
                "Error from server (BadRequest): container \"{}\" in pod \"{pod_name}\" is waiting to start: {}\n",
                t.container,
                match reason.as_str() {
                    "ImagePullBackOff" | "ErrImagePull" => "trying and failing to pull image",
                    "ContainerCreating" => "ContainerCreating",
                    other => other,
                }
            ));
        }
        ContainerState::Terminated { .. } => eks_output::previous_start(k.cx.log, pod_name),
    };
    Outcome::Print(tail_of(
        eks_output::run_lines(k.eks, k.cx.log, k.now, p, started, false),
        tail,
    ))
}

fn tail_of(lines: Vec<String>, tail: Option<usize>) -> String {
    let skip = tail.map_or(0, |n| lines.len().saturating_sub(n));
    let mut out = String::new();
    for l in lines.into_iter().skip(skip) {
        let _ = writeln!(out, "{l}");
    }
    out
}
