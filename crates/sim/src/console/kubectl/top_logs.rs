//! `kubectl top` from the load model (what metrics-server would report), and `kubectl logs`:
//! the modelled output of the application — its start line, the kubelet's probe requests and
//! how they were answered, and how it ended.

use std::fmt::Write;

use super::parse::Kind;
use super::table::render;
use super::{Kube, Outcome};
use crate::k8s::cluster::ContainerState;
use crate::time::{Millis, SimTime};

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
        let lines = run_lines(k, p, previous_start(k, pod_name), true);
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
        ContainerState::Terminated { .. } => previous_start(k, pod_name),
    };
    Outcome::Print(tail_of(run_lines(k, p, started, false), tail))
}

/// When the container's previous run started: the last `Started` event before the current one.
fn previous_start(k: &Kube, pod: &str) -> SimTime {
    let object = format!("pod/{pod}");
    let starts: Vec<SimTime> = k
        .events_of(&object)
        .filter(|e| matches!(&e.kind, crate::event::EventKind::Kube { reason, .. } if reason == "Started"))
        .map(|e| e.at)
        .collect();
    match starts.len() {
        0 => SimTime::ZERO,
        1 => starts[0],
        n => starts[n - 2],
    }
}

fn tail_of(lines: Vec<String>, tail: Option<usize>) -> String {
    let skip = tail.map_or(0, |n| lines.len().saturating_sub(n));
    let mut out = String::new();
    for l in lines.into_iter().skip(skip) {
        let _ = writeln!(out, "{l}");
    }
    out
}

/// The lines one run of the container wrote from `start`: the app starting, the kubelet's
/// probes every 10 s answered as the app's behaviour says, and the end of the run if it ended.
fn run_lines(k: &Kube, p: usize, start: SimTime, previous: bool) -> Vec<String> {
    let pod = &k.eks.pods[p];
    let t = k.eks.template_of(p);
    let b = &t.behavior;
    let stamp = |at: SimTime| at.iso8601().replace("+00:00", "Z");
    let node_ip = pod.node.map_or_else(
        || "10.0.0.1".to_string(),
        |n| k.eks.nodes[n].private_ip.clone(),
    );
    let mut lines = vec![format!(
        "{} INFO  {} starting (image {})",
        stamp(start),
        t.container,
        t.image
    )];
    let up = start.plus(Millis::from_secs(b.startup_seconds));
    // The run ends at the next restart (previous run) or now.
    let next_start = if previous {
        let object = format!("pod/{}", pod.name);
        k.events_of(&object)
            .filter(|e| matches!(&e.kind, crate::event::EventKind::Kube { reason, .. } if reason == "Started"))
            .map(|e| e.at)
            .find(|&at| at > start)
            .unwrap_or(k.now)
    } else {
        k.now
    };
    let crash = b
        .crashes_after_seconds
        .map(|s| start.plus(Millis::from_secs(s)))
        .filter(|&at| at <= next_start);
    let oom = b
        .oom_after_seconds
        .map(|s| start.plus(Millis::from_secs(s)))
        .filter(|&at| at <= next_start);
    let end = [crash, oom]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(next_start);
    if up <= end {
        lines.push(format!(
            "{} INFO  listening on :{} (started in {}s)",
            stamp(up),
            t.port,
            b.startup_seconds
        ));
    }
    let mut at = start.plus(Millis::from_secs(10));
    while at <= end && lines.len() < 2000 {
        if at >= up {
            let probes = [
                (t.readiness_probe, "/ready", b.readiness_fails_with),
                (t.liveness_probe, "/healthz", b.liveness_fails_with),
            ];
            for (on, path, fails) in probes {
                if on {
                    let code = fails.unwrap_or(200);
                    lines.push(format!(
                        "{node_ip} - - [{}] \"GET {path} HTTP/1.1\" {code} {} \"-\" \"kube-probe/1.31\"",
                        stamp(at),
                        if code == 200 { 2 } else { 21 }
                    ));
                }
            }
        }
        at = at.plus(Millis::from_secs(10));
    }
    if let Some(c) = crash
        && Some(c) == [crash, oom].into_iter().flatten().min()
    {
        lines.push(format!(
            "{} ERROR configuration invalid: cannot start {}; exiting with status 1",
            stamp(c),
            t.container
        ));
    }
    // An OOM kill leaves no last words: the kernel ends the process.
    lines
}
