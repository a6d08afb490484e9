//! `kubectl top` from the load model (what metrics-server would report), and `kubectl logs`:
//! the modelled output of the application — its start line, the kubelet's probe requests and
//! how they were answered, and how it ended.

use std::fmt::Write;

use super::labels::Selector;
use super::parse::Kind;
use super::table::render;
use super::{Kube, Outcome};
use crate::k8s::cluster::{ContainerState, Template};
use crate::k8s::messages;
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

/// What `kubectl top` shows: one object by name, or those a selector picks, in an order.
#[derive(Debug, Clone, Copy, Default)]
pub struct TopFilter<'a> {
    pub name: Option<&'a str>,
    pub selector: Option<&'a str>,
    pub sort_by: Option<&'a str>,
}

/// `kubectl top pod|node [NAME]`. Rows come by namespace and name (kubectl's
/// `PodMetricsSorter` and `NodeMetricsSorter` without `--sort-by`), or the most used first with
/// `--sort-by cpu|memory` (kubectl `pkg/cmd/top`, `metricsutil/metrics_printer.go`). A name
/// without metrics — no such pod, or one not running yet — is the Metrics API's NotFound
/// (`podmetrics.metrics.k8s.io "default/NAME" not found`).
pub fn top(k: &Kube, kind: Kind, filter: TopFilter) -> Outcome {
    let TopFilter {
        name,
        selector,
        sort_by,
    } = filter;
    // kubectl top asks the Metrics API first (`metricsutil`'s support check).
    if !crate::k8s::addons::metrics_api(k.eks.metrics_server, k.now) {
        return Outcome::Fail("error: Metrics API not available\n".into());
    }
    let selector = match selector.map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Outcome::Fail(e),
    };
    // Most used first with --sort-by (a stable sort: equals keep their order by name).
    let by_usage = |usage: &mut Vec<(u32, u32, Vec<String>)>| match sort_by {
        Some("cpu") => usage.sort_by_key(|u| std::cmp::Reverse(u.0)),
        Some("memory") => usage.sort_by_key(|u| std::cmp::Reverse(u.1)),
        _ => {}
    };
    match kind {
        Kind::Pod => {
            let mut pods: Vec<usize> = k
                .pods()
                .filter(|&p| running(k, p))
                .filter(|&p| {
                    selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&k.pod_labels(p)))
                })
                .filter(|&p| name.is_none_or(|n| k.eks.pods[p].name == n))
                .collect();
            if let (Some(n), true) = (name, pods.is_empty()) {
                let ns = match &k.scope {
                    super::parse::Scope::Namespace(ns) => ns.as_str(),
                    super::parse::Scope::All => "default",
                };
                return Outcome::Fail(format!(
                    "Error from server (NotFound): podmetrics.metrics.k8s.io \"{ns}/{n}\" not found\n"
                ));
            }
            pods.sort_by(|&a, &b| {
                (k.pod_namespace(a), &k.eks.pods[a].name)
                    .cmp(&(k.pod_namespace(b), &k.eks.pods[b].name))
            });
            let mut usage: Vec<(u32, u32, Vec<String>)> = pods
                .into_iter()
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
                    (cpu, mem, row)
                })
                .collect();
            by_usage(&mut usage);
            let rows: Vec<Vec<String>> = usage.into_iter().map(|u| u.2).collect();
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
            let mut nodes: Vec<usize> = k
                .nodes()
                .filter(|&n| !k.eks.nodes[n].fargate)
                .filter(|&n| {
                    selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&k.node_labels(n)))
                })
                .filter(|&n| name.is_none_or(|want| k.eks.nodes[n].name == want))
                .collect();
            if let (Some(n), true) = (name, nodes.is_empty()) {
                return Outcome::Fail(format!(
                    "Error from server (NotFound): nodemetrics.metrics.k8s.io \"{n}\" not found\n"
                ));
            }
            // Nodes without metrics (not ready) print after the others, as `<unknown>`
            // (`PrintNodeMetrics`' missing-metrics lines).
            nodes.sort_by(|&a, &b| {
                let (a, b) = (&k.eks.nodes[a], &k.eks.nodes[b]);
                (!a.ready, &a.name).cmp(&(!b.ready, &b.name))
            });
            let mut usage: Vec<(u32, u32, Vec<String>)> = nodes
                .into_iter()
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
                        let row = vec![
                            node.name.clone(),
                            format!("{cpu}m"),
                            format!("{cpu_pct}%"),
                            format!("{mem}Mi"),
                            format!("{mem_pct}%"),
                        ];
                        (cpu, mem, row)
                    } else {
                        // No metrics from a node that is not ready: last with --sort-by.
                        let row = vec![
                            node.name.clone(),
                            "<unknown>".into(),
                            "<unknown>".into(),
                            "<unknown>".into(),
                            "<unknown>".into(),
                        ];
                        (0, 0, row)
                    }
                })
                .collect();
            by_usage(&mut usage);
            let rows: Vec<Vec<String>> = usage.into_iter().map(|u| u.2).collect();
            Outcome::Print(render(
                &["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"],
                &rows,
            ))
        }
    }
}

/// kubectl's list of a pod's containers (`AllContainerNames` in kubectl's
/// `pkg/cmd/util/podcmd/podcmd.go`): the app containers, then the init containers marked
/// `(init)`.
fn all_container_names(t: &Template) -> String {
    std::iter::once(t.container.clone())
        .chain(t.containers.iter().map(|c| c.name.clone()))
        .chain(
            t.init_containers
                .iter()
                .map(|c| format!("{} (init)", c.name)),
        )
        .collect::<Vec<_>>()
        .join(", ")
}

/// `kubectl logs POD [-c NAME]`. Without `-c`, kubectl takes the pod's first container and,
/// when the pod has others (init containers included), says so on stderr first:
/// `Defaulted container "web" out of: web, log-router (init)` (`FindOrDefaultContainerByName`
/// in kubectl's `podcmd.go`, since kubectl 1.21); a name the pod does not have is refused
/// there too.
/// What `kubectl logs` prints besides its target.
#[derive(Debug, Clone, Copy)]
pub struct LogOptions<'a> {
    pub container: Option<&'a str>,
    pub previous: bool,
    pub tail: Option<usize>,
    pub prefix: bool,
}

/// `kubectl logs TARGET` or `kubectl logs -l SELECTOR`. A workload (`deploy/web`,
/// `rs/…`, `ds/…`, `sts/…`) stands for one of its pods, chosen as kubectl chooses (a pod on a
/// node first, then Running before Pending, ready before not, ready longer, more restarts,
/// older), and kubectl says which when there are several. A selector prints every matching
/// pod's logs one after another, the last 10 lines of each unless `--tail` says otherwise
/// (kubectl's documented default with a selector).
pub fn logs_of(k: &Kube, target: &str, selector: Option<&str>, o: LogOptions) -> Outcome {
    if let Some(selector) = selector {
        let selector = match Selector::parse(selector) {
            Ok(s) => s,
            Err(e) => return Outcome::Fail(e),
        };
        let pods: Vec<usize> = k
            .pods()
            .filter(|&p| selector.matches(&k.pod_labels(p)))
            .collect();
        if pods.is_empty() {
            return Outcome::Print(k.no_resources());
        }
        let mut out = String::new();
        for p in pods {
            let name = k.eks.pods[p].name.clone();
            let tail = o.tail.or(Some(10));
            match logs(k, &name, o.container, o.previous, tail) {
                Outcome::Print(s) | Outcome::Fail(s) => out.push_str(&prefixed(k, p, &s, o)),
                Outcome::Act { .. } | Outcome::Watch { .. } => {}
            }
        }
        return Outcome::Print(out);
    }
    let Some((kind_word, name)) = target.split_once('/') else {
        return single(k, target, o);
    };
    let Some(kind) = Kind::from_word(kind_word) else {
        return Outcome::Fail(format!(
            "error: the server doesn't have a resource type \"{kind_word}\"\n"
        ));
    };
    let pods: Vec<usize> = match kind {
        Kind::Pod => return single(k, name, o),
        Kind::Deployment | Kind::DaemonSet | Kind::StatefulSet => {
            let found = match kind {
                Kind::Deployment => k.deployments().find(|&d| k.eks.deployments[d].name == name),
                Kind::DaemonSet => k.daemon_sets().find(|&d| k.eks.deployments[d].name == name),
                _ => k
                    .stateful_sets()
                    .find(|&d| k.eks.deployments[d].name == name),
            };
            let Some(d) = found else {
                return Kube::not_found(kind, name);
            };
            k.pods()
                .filter(|&p| k.eks.replica_sets[k.eks.pods[p].replica_set].deployment == d)
                .collect()
        }
        Kind::ReplicaSet => {
            let Some(r) = k
                .replica_sets()
                .find(|&r| k.eks.replica_sets[r].name == name)
            else {
                return Kube::not_found(kind, name);
            };
            k.pods()
                .filter(|&p| k.eks.pods[p].replica_set == r)
                .collect()
        }
        other => {
            return Outcome::Fail(format!(
                "error: cannot get the logs of a {}: name a pod, a deployment, a replicaset, a daemonset or a statefulset\n",
                other.prefix()
            ));
        }
    };
    let Some(&chosen) = pods.iter().min_by_key(|&&p| logging_order(k, p)) else {
        return Outcome::Fail(format!(
            "error: {}/{name} has no pods to read logs from\n",
            kind.prefix()
        ));
    };
    let pod_name = k.eks.pods[chosen].name.clone();
    let found = if pods.len() > 1 {
        format!("Found {} pods, using pod/{pod_name}\n", pods.len())
    } else {
        String::new()
    };
    match single(k, &pod_name, o) {
        Outcome::Print(s) => Outcome::Print(found + &s),
        Outcome::Fail(s) => Outcome::Fail(found + &s),
        other => other,
    }
}

/// One pod's logs, prefixed if asked.
fn single(k: &Kube, pod_name: &str, o: LogOptions) -> Outcome {
    let out = logs(k, pod_name, o.container, o.previous, o.tail);
    match (o.prefix, out, k.pod_named(pod_name)) {
        (true, Outcome::Print(s), Some(p)) => Outcome::Print(prefixed(k, p, &s, o)),
        (_, out, _) => out,
    }
}

/// With `--prefix`, each log line begins with `[pod/NAME/CONTAINER]`.
fn prefixed(k: &Kube, p: usize, text: &str, o: LogOptions) -> String {
    if !o.prefix {
        return text.to_string();
    }
    let pod = &k.eks.pods[p];
    let container = o
        .container
        .map_or_else(|| k.eks.template_of(p).container.clone(), str::to_string);
    text.lines()
        .map(|l| format!("[pod/{}/{container}] {l}\n", pod.name))
        .collect()
}

/// kubectl's order for choosing a workload's pod to read (`podutils.ByLogging`): on a node,
/// Running before Pending, ready, ready longer, more restarts, older.
fn logging_order(k: &Kube, p: usize) -> impl Ord {
    let pod = &k.eks.pods[p];
    // The pod's phase: a pod whose container never started is Pending; one that started
    // (crash-looping or terminating included) is Running.
    let status = pod.status();
    let pending = matches!(
        status.as_str(),
        "Pending" | "ContainerCreating" | "ErrImagePull" | "ImagePullBackOff"
    ) || status.starts_with("Init");
    (
        pod.node.is_none(),
        pending,
        !pod.ready,
        pod.ready_since.map_or(u64::MAX, |t| t.0),
        std::cmp::Reverse(pod.restarts),
        pod.created_at.0,
        p,
    )
}

pub fn logs(
    k: &Kube,
    pod_name: &str,
    container: Option<&str>,
    previous: bool,
    tail: Option<usize>,
) -> Outcome {
    let Some(p) = k.pod_named(pod_name) else {
        return Kube::not_found(Kind::Pod, pod_name);
    };
    let t = k.eks.template_of(p);
    let several = !t.containers.is_empty() || !t.init_containers.is_empty();
    match container {
        Some(c) if c != t.container => {
            let known = t.containers.iter().any(|x| x.name == c)
                || t.init_containers.iter().any(|x| x.name == c);
            if !known {
                return Outcome::Fail(format!(
                    "error: container {c} is not valid for pod {pod_name} out of: {}\n",
                    all_container_names(t)
                ));
            }
            side_logs(k, p, pod_name, c, previous, tail)
        }
        Some(_) => main_logs(k, p, pod_name, previous, tail),
        None if several => {
            let note = format!(
                "Defaulted container \"{}\" out of: {}\n",
                t.container,
                all_container_names(t)
            );
            match main_logs(k, p, pod_name, previous, tail) {
                Outcome::Print(s) => Outcome::Print(note + &s),
                Outcome::Fail(s) => Outcome::Fail(note + &s),
                other => other,
            }
        }
        None => main_logs(k, p, pod_name, previous, tail),
    }
}

/// The logs of a native sidecar or further app container (an ordinary init container's
/// output is not modelled: it shows how its run started and ended).
fn side_logs(
    k: &Kube,
    p: usize,
    pod_name: &str,
    c: &str,
    previous: bool,
    tail: Option<usize>,
) -> Outcome {
    let pod = &k.eks.pods[p];
    let Some(s) = pod.side.iter().find(|s| s.name == c) else {
        let t = k.eks.template_of(p);
        if let Some(ic) = t
            .init_containers
            .iter()
            .find(|i| i.name == c && i.sidecar.is_none())
            && (pod.init_done as usize)
                > t.init_containers
                    .iter()
                    .position(|i| i.name == c)
                    .unwrap_or(usize::MAX)
        {
            // A completed init container: the start and end of its last run.
            let started = k
                .events_of(&format!("pod/{pod_name}"))
                .filter(|e| e.message() == messages::started_container(c))
                .map(|e| e.at)
                .last()
                .unwrap_or(pod.created_at);
            let stamp = crate::time::SimTime::iso8601_micro_z;
            return Outcome::Print(format!(
                "{} INFO  {} starting (image {})\n{} INFO  {} done; exiting with status 0\n",
                stamp(started),
                ic.name,
                ic.image,
                stamp(started.plus(ic.runs)),
                ic.name
            ));
        }
        // The init container whose image cannot be pulled says so; the others wait.
        let pulling = t
            .init_containers
            .get(pod.init_done as usize)
            .is_some_and(|i| i.name == c)
            && matches!(&pod.state, ContainerState::Waiting { reason }
                if reason == "Init:ErrImagePull" || reason == "Init:ImagePullBackOff");
        let waiting = if pulling {
            "trying and failing to pull image"
        } else {
            "PodInitializing"
        };
        return Outcome::Fail(format!(
            "Error from server (BadRequest): container \"{c}\" in pod \"{pod_name}\" is waiting to start: {waiting}\n"
        ));
    };
    if previous && s.previous_start.is_none() {
        return Outcome::Fail(format!(
            "Error from server (BadRequest): previous terminated container \"{c}\" in pod \"{pod_name}\" not found\n"
        ));
    }
    // A further app container whose image is not there yet has never run.
    if let ContainerState::Waiting { reason } = &s.state
        && (s.pulling.is_some() || reason == "ErrImagePull" || reason == "ImagePullBackOff")
    {
        let waiting = match reason.as_str() {
            "ErrImagePull" | "ImagePullBackOff" => "trying and failing to pull image",
            other => other,
        };
        return Outcome::Fail(format!(
            "Error from server (BadRequest): container \"{c}\" in pod \"{pod_name}\" is waiting to start: {waiting}\n"
        ));
    }
    Outcome::Print(tail_of(
        crate::logs::eks_side_output::run_lines(k.eks, k.now, p, s, previous),
        tail,
    ))
}

fn main_logs(k: &Kube, p: usize, pod_name: &str, previous: bool, tail: Option<usize>) -> Outcome {
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
            eks_output::previous_start(k.eks, k.cx.log, p, k.now),
            true,
        );
        return Outcome::Print(tail_of(texts(lines), tail));
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
                    // While init containers run, the container waits with PodInitializing.
                    other if other.starts_with("Init:") => "PodInitializing",
                    other => other,
                }
            ));
        }
        ContainerState::Terminated { .. } => eks_output::previous_start(k.eks, k.cx.log, p, k.now),
    };
    Outcome::Print(tail_of(
        texts(eks_output::run_lines(
            k.eks, k.cx.log, k.now, p, started, false,
        )),
        tail,
    ))
}

fn texts(lines: Vec<crate::logs::LogLine>) -> Vec<String> {
    lines.into_iter().map(|l| l.text).collect()
}

fn tail_of(lines: Vec<String>, tail: Option<usize>) -> String {
    let skip = tail.map_or(0, |n| lines.len().saturating_sub(n));
    let mut out = String::new();
    for l in lines.into_iter().skip(skip) {
        let _ = writeln!(out, "{l}");
    }
    out
}
