//! `kubectl …` against the simulated EKS cluster: reading commands print what kubectl prints
//! for this moment (tables, `describe`, `-o yaml|json|name|wide`, `rollout status|history`,
//! `top`, `logs`), acting commands become timeline actions with kubectl's reply.
//!
//! The scenario's objects live in the `default` namespace, EKS's own (aws-node, kube-proxy,
//! CoreDNS) in `kube-system`; `-n NS` and `-A` choose, through [`Kube`]'s scope. Labels: pods
//! and workloads `app=<name>` (pods of a Deployment also `pod-template-hash`), nodes the
//! well-known EKS labels.

mod act;
mod api_resources;
mod apply;
mod describe;
mod describe_identity;
mod describe_init;
mod describe_side;
mod endpoint_slices;
mod events;
mod events_command;
mod get;
mod get_kinds;
mod jsonpath;
mod kind;
mod labels;
mod list_order;
mod namespaces_endpoints;
mod objects;
pub mod parse;
mod pdb;
mod pod_template;
mod rbac;
mod requests;
mod select;
mod service_accounts;
mod services;
pub(crate) use act::CLIENT_VERSION;
pub(crate) use services::KUBE_DNS_IP;
pub use services::SERVER_VERSION;
mod show_labels;
mod statefulset;
mod storage;
mod table;
mod top_logs;
mod watch_objects;
pub(crate) mod yaml;

use parse::{Command, Kind, Output, Scope};

use super::{Context, Outcome};
use crate::event::{Event, EventKind, Source};
use crate::k8s::cluster::{ContainerState, EksCluster, WorkloadKind};
use crate::time::SimTime;

/// `kubectl <words…>`.
pub fn run(words: &[String], cx: &Context) -> Outcome {
    if let Some(outcome) = rbac::run(words, cx) {
        return outcome;
    }
    if let Some(outcome) = service_accounts::run(words, cx) {
        return outcome;
    }
    if let Some(outcome) = events_command::run(words, cx) {
        return outcome;
    }
    if let Some(outcome) = endpoint_slices::run(words, cx) {
        return outcome;
    }
    let (command, scope) = match parse::parse_line(words) {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(e),
    };
    let Some(eks) = cx.world.eks.as_ref() else {
        return Outcome::Fail(
            "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n\n(This scenario has no EKS cluster: try aws ecs.)\n"
                .into(),
        );
    };
    let k = Kube {
        eks,
        cx,
        now: cx.now,
        scope,
    };
    match command {
        Command::Get {
            kind,
            output,
            ref sort_by,
            ref field_selector,
            ..
        } if (storage::is_storage(kind) || namespaces_endpoints::handles(kind))
            && (matches!(output, Output::JsonPath | Output::CustomColumns)
                || field_selector.is_some()
                || sort_by.is_some()) =>
        {
            Outcome::Fail(format!(
                "error: Orca's console prints {} as a table only: -o jsonpath, -o custom-columns, --sort-by and --field-selector are simulated for pods, deployments, replicasets, daemonsets, statefulsets, nodes, services, hpa, pdb and events\n",
                kind.resource()
            ))
        }
        Command::Get {
            kind,
            names,
            output,
            ..
        } if storage::is_storage(kind) => storage::get(&k, kind, &names, output),
        Command::Get {
            kind,
            names,
            output,
            show_labels,
            no_headers,
            ..
        } if namespaces_endpoints::handles(kind) => show_labels::without_headers(
            show_labels::with_labels(
                namespaces_endpoints::get(&k, kind, &names, output),
                show_labels.then_some((kind, output)),
                &k,
            ),
            no_headers,
        ),
        Command::Get {
            kind,
            names,
            output,
            selector,
            template,
            sort_by,
            field_selector,
            watch,
            show_labels,
            no_headers,
        } => watching(
            watch,
            show_labels::without_headers(
                show_labels::with_labels(
                    get::get(
                        &k,
                        kind,
                        &names,
                        get::Printing {
                            output,
                            template: template.as_deref(),
                            sort_by: sort_by.as_deref(),
                            field_selector: field_selector.as_deref(),
                            watch,
                        },
                        selector.as_deref(),
                    ),
                    show_labels.then_some((kind, output)),
                    &k,
                ),
                // A watched table keeps its header: the watch reads its columns from it.
                no_headers && watch.is_none(),
            ),
        ),
        Command::GetKinds {
            kinds,
            output,
            selector,
            show_labels,
            no_headers,
        } => show_labels::without_headers(
            get_kinds::get_kinds(&k, &kinds, output, selector.as_deref(), show_labels),
            no_headers,
        ),
        Command::Describe {
            kind,
            selector: Some(_),
            ..
        } if !describe::selects(kind) => Outcome::Fail(format!(
            "error: Orca's console describes by label (-l) pods, deployments, daemonsets, statefulsets, replicasets and nodes, not {}\n",
            kind.resource()
        )),
        Command::Describe { kind, names, .. } if storage::is_storage(kind) => {
            storage::describe(&k, kind, &names)
        }
        Command::Describe { kind, names, .. } if namespaces_endpoints::handles(kind) => {
            namespaces_endpoints::describe(&k, kind, &names)
        }
        Command::Describe {
            kind,
            names,
            selector,
        } => describe::describe(&k, kind, &names, selector.as_deref()),
        Command::Top {
            kind,
            name,
            selector,
            sort_by,
        } => top_logs::top(
            &k,
            kind,
            top_logs::TopFilter {
                name: name.as_deref(),
                selector: selector.as_deref(),
                sort_by: sort_by.as_deref(),
            },
        ),
        Command::Logs {
            pod,
            container,
            previous,
            tail,
            selector,
            prefix,
            follow,
        } => {
            let out = top_logs::logs_of(
                &k,
                &pod,
                selector.as_deref(),
                top_logs::LogOptions {
                    container: container.as_deref(),
                    previous,
                    tail,
                    prefix,
                },
            );
            match out {
                // `-f` keeps printing the lines the container writes next.
                Outcome::Print(s) if follow => Outcome::Watch {
                    watch: crate::console::watch::Watch::container_lines(&s),
                    first: s,
                },
                other => other,
            }
        }
        other => act::act_on(&k, other),
    }
}

/// `kubectl get -w` prints the list (unless `--watch-only`), then the row of each object as it
/// changes or goes, until stopped (`console::watch`); an empty list is watched too, as pods may
/// come. `-o yaml|json|name|jsonpath` are watched object by object (`get::watched_objects`);
/// other output formats print the list at this moment and say so.
fn watching(watch: Option<parse::GetWatch>, out: Outcome) -> Outcome {
    let Some(how) = watch else {
        return out;
    };
    match out {
        Outcome::Print(s) if is_table(&s) || s.starts_with("No resources found") => {
            let (first, watch) = crate::console::watch::Watch::rows(&s, how.only, how.events);
            Outcome::Watch { first, watch }
        }
        Outcome::Print(s) => Outcome::Print(
            s + "(-w: with this output format the console prints the list at this moment; as a table or with -o yaml|json|name|jsonpath it keeps printing each change.)\n",
        ),
        other => other,
    }
}

/// A kubectl table: its first line is a header of capitalised column names.
fn is_table(s: &str) -> bool {
    s.lines()
        .next()
        .is_some_and(|h| h.starts_with("NAME") && h.chars().all(|c| !c.is_lowercase()))
}

/// What a kubectl command reads: the EKS cluster, the log, the moment, and the namespaces the
/// command applies to. The iterators over namespaced objects (`pods`, `deployments`,
/// `daemon_sets`, `replica_sets`) yield only those in scope.
/// Every Service's DNS name in the cluster and its ClusterIP, as CoreDNS answers for them:
/// `<service>.<namespace>.svc.cluster.local.` (Kubernetes documentation, "DNS for Services and
/// Pods"). Empty without an EKS cluster.
pub(crate) fn service_names(cx: &Context) -> Vec<(String, String)> {
    let Some(eks) = cx.world.eks.as_ref() else {
        return Vec::new();
    };
    let k = Kube {
        eks,
        cx,
        now: cx.now,
        scope: Scope::All,
    };
    services::services(&k)
        .into_iter()
        .map(|s| {
            (
                format!("{}.{}.svc.cluster.local.", s.name, s.namespace),
                s.cluster_ip,
            )
        })
        .collect()
}

/// The namespace of the object an event names (`pod/x`, `deployment/x`…), for readers outside
/// kubectl (the control plane's logs).
pub(crate) fn event_namespace(cx: &Context, object: &str) -> String {
    let Some(eks) = cx.world.eks.as_ref() else {
        return "default".into();
    };
    Kube {
        eks,
        cx,
        now: cx.now,
        scope: Scope::All,
    }
    .event_namespace(object)
    .to_string()
}

pub(crate) struct Kube<'a> {
    pub eks: &'a EksCluster,
    pub cx: &'a Context<'a>,
    pub now: SimTime,
    pub scope: Scope,
}

impl Kube<'_> {
    /// `-A`: every namespace.
    pub fn all_namespaces(&self) -> bool {
        self.scope == Scope::All
    }

    /// An object in namespace `ns` is in scope.
    pub fn in_scope(&self, ns: &str) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Namespace(n) => n == ns,
        }
    }

    /// The objects of `kind` that `names` picks from `all` (every one without names), and the
    /// NotFound errors of the names not there, printed after what was found; or, when nothing
    /// was found, what kubectl answers instead (`No resources found`, or the errors alone).
    pub fn named<'a>(
        &self,
        kind: Kind,
        all: &'a [String],
        names: &[String],
    ) -> Result<(Vec<&'a String>, String), Outcome> {
        let found: Vec<&String> = all
            .iter()
            .filter(|n| names.is_empty() || names.contains(n))
            .collect();
        let missing: String = names
            .iter()
            .filter(|n| !all.contains(n))
            .map(|n| {
                format!(
                    "Error from server (NotFound): {} \"{n}\" not found\n",
                    kind.resource()
                )
            })
            .collect();
        if !found.is_empty() {
            return Ok((found, missing));
        }
        Err(if !names.is_empty() {
            Outcome::Fail(missing)
        } else if kind.namespaced() {
            Outcome::Print(self.no_resources())
        } else {
            Outcome::Print("No resources found\n".into())
        })
    }

    /// kubectl's answer for an empty list: `No resources found in <ns> namespace.`, or without
    /// a namespace under `-A`.
    pub fn no_resources(&self) -> String {
        match &self.scope {
            Scope::All => "No resources found\n".into(),
            Scope::Namespace(ns) => format!("No resources found in {ns} namespace.\n"),
        }
    }

    /// Live pods (not gone) in every namespace, by index (what is on a node).
    pub fn all_pods(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.eks.pods.len()).filter(|&p| !self.eks.pods[p].gone)
    }

    /// Live pods in scope.
    pub fn pods(&self) -> impl Iterator<Item = usize> + '_ {
        self.all_pods()
            .filter(|&p| self.in_scope(self.eks.namespace_of(p)))
    }

    /// A pod's namespace: its workload's.
    pub fn pod_namespace(&self, p: usize) -> &str {
        self.eks.namespace_of(p)
    }

    /// Deployments in scope (not DaemonSets).
    pub fn deployments(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.eks.deployments.len()).filter(|&d| {
            let w = &self.eks.deployments[d];
            w.kind == WorkloadKind::Deployment && self.in_scope(&w.namespace)
        })
    }

    /// DaemonSets in scope.
    pub fn daemon_sets(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.eks.deployments.len()).filter(|&d| {
            let w = &self.eks.deployments[d];
            w.kind == WorkloadKind::DaemonSet && self.in_scope(&w.namespace)
        })
    }

    /// StatefulSets in scope.
    pub fn stateful_sets(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.eks.deployments.len()).filter(|&d| {
            let w = &self.eks.deployments[d];
            w.kind == WorkloadKind::StatefulSet && self.in_scope(&w.namespace)
        })
    }

    pub fn deployment_named(&self, name: &str) -> Option<usize> {
        self.deployments()
            .find(|&d| self.eks.deployments[d].name == name)
    }

    pub fn daemon_set_named(&self, name: &str) -> Option<usize> {
        self.daemon_sets()
            .find(|&d| self.eks.deployments[d].name == name)
    }

    pub fn pod_named(&self, name: &str) -> Option<usize> {
        self.pods().find(|&p| self.eks.pods[p].name == name)
    }

    pub fn nodes(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.eks.nodes.len()).filter(|&n| !self.eks.nodes[n].gone)
    }

    pub fn node_named(&self, name: &str) -> Option<usize> {
        self.nodes().find(|&n| self.eks.nodes[n].name == name)
    }

    /// ReplicaSets in scope: those of Deployments (a DaemonSet's entries stand for its
    /// ControllerRevisions, which `get rs` does not list).
    pub fn replica_sets(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.eks.replica_sets.len()).filter(|&r| {
            let rs = &self.eks.replica_sets[r];
            let w = &self.eks.deployments[rs.deployment];
            !rs.deleted && w.kind == WorkloadKind::Deployment && self.in_scope(&w.namespace)
        })
    }

    /// The namespace of the object an event is about (`pod/x`, `deployment/x`…): its own;
    /// nodes' events are recorded in `default`.
    pub fn event_namespace(&self, object: &str) -> &str {
        let Some((kind, name)) = object.split_once('/') else {
            return "default";
        };
        let eks = self.eks;
        let workload = match kind {
            "pod" => eks
                .pods
                .iter()
                .position(|p| p.name == name)
                .map(|p| eks.pod_deployment(p)),
            "replicaset" => eks
                .replica_sets
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.deployment),
            "deployment" | "daemonset" | "statefulset" => eks.deployments.iter().position(|d| {
                d.name == name
                    && match kind {
                        "daemonset" => d.kind == WorkloadKind::DaemonSet,
                        "statefulset" => d.kind == WorkloadKind::StatefulSet,
                        _ => d.kind == WorkloadKind::Deployment,
                    }
            }),
            "horizontalpodautoscaler" | "hpa" => eks
                .hpas
                .iter()
                .find(|h| h.name == name)
                .map(|h| h.deployment),
            _ => None,
        };
        workload.map_or("default", |d| eks.deployments[d].namespace.as_str())
    }

    /// `kubectl`'s NotFound.
    pub fn not_found(kind: Kind, name: &str) -> Outcome {
        Outcome::Fail(format!(
            "Error from server (NotFound): {} \"{name}\" not found\n",
            kind.resource()
        ))
    }

    /// The labels of a pod: a DaemonSet's pods carry `controller-revision-hash` where a
    /// Deployment's carry `pod-template-hash`.
    pub fn pod_labels(&self, p: usize) -> Vec<(String, String)> {
        self.eks.pod_labels(p)
    }

    /// The labels of a node, as EKS sets them.
    pub fn node_labels(&self, n: usize) -> Vec<(String, String)> {
        let node = &self.eks.nodes[n];
        let mut l = vec![
            ("kubernetes.io/arch".into(), "amd64".into()),
            ("kubernetes.io/hostname".into(), node.name.clone()),
            ("kubernetes.io/os".into(), "linux".into()),
            ("topology.kubernetes.io/zone".into(), node.zone.clone()),
            (
                "topology.kubernetes.io/region".into(),
                self.cx.world.net.region.clone(),
            ),
        ];
        if node.fargate {
            l.push(("eks.amazonaws.com/compute-type".into(), "fargate".into()));
        } else {
            l.push((
                "node.kubernetes.io/instance-type".into(),
                node.instance_type.clone(),
            ));
        }
        if let Some(g) = node.group.and_then(|g| self.node_group_name(g)) {
            l.push(("eks.amazonaws.com/nodegroup".into(), g));
        }
        if let Some(k) = &self.eks.karpenter
            && node.nodeclaim.is_some()
        {
            l.push(("karpenter.sh/nodepool".into(), k.pool.name.clone()));
        }
        l
    }

    /// A managed node group's name, from the scenario.
    pub fn node_group_name(&self, g: usize) -> Option<String> {
        self.cx
            .scenario
            .world
            .eks()
            .and_then(|k| k.node_groups.get(g).map(|x| x.name.clone()))
    }

    /// The events of one object (`pod/web-…`), oldest first.
    pub fn events_of<'b>(&'b self, object: &'b str) -> impl Iterator<Item = &'b Event> + 'b {
        self.cx
            .log
            .iter()
            .filter(move |e| matches!(&e.source, Source::Kube(o) if o == object))
    }

    /// Every Kubernetes event so far.
    pub fn kube_events(&self) -> impl Iterator<Item = &Event> + '_ {
        self.cx
            .log
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Kube { .. }))
    }
}

/// The component that reports an event with this reason, for the `From` column.
pub fn reporter(reason: &str) -> &'static str {
    match reason {
        "Scheduled" | "FailedScheduling" => "default-scheduler",
        "ScalingReplicaSet" | "DeploymentRollback" | "DeploymentPaused" | "DeploymentResumed" => {
            "deployment-controller"
        }
        "SuccessfulCreate" | "SuccessfulDelete" => "replicaset-controller",
        "SuccessfulRescale" | "FailedGetResourceMetric" | "FailedComputeMetricsReplicas" => {
            "horizontal-pod-autoscaler"
        }
        "TriggeredScaleUp" | "NotTriggerScaleUp" | "ScaleDown" => "cluster-autoscaler",
        "RegisteredNode" | "RemovingNode" | "NodeNotReady" => "node-controller",
        "NodeNotSchedulable" | "NodeSchedulable" | "NodeReady" | "Starting" => "kubelet",
        "WaitForFirstConsumer" | "ExternalProvisioning" => "persistentvolume-controller",
        "Provisioning" | "ProvisioningSucceeded" | "ProvisioningFailed" => {
            crate::k8s::volumes::EBS_CSI_CONTROLLER
        }
        "SuccessfulAttachVolume" | "FailedAttachVolume" => "attachdetach-controller",
        r if r.starts_with("Disruption")
            || r.starts_with("Nominated")
            || r == "Launched"
            || r == "Registered"
            || r == "Initialized"
            || r == "Unconsolidatable" =>
        {
            "karpenter"
        }
        _ => "kubelet",
    }
}

impl Kube<'_> {
    /// The pods of workload `d` that count (not terminating or gone), and how many are running,
    /// waiting and failed: the "Pods Status" line of `kubectl describe daemonset|statefulset`.
    pub(super) fn workload_pods_status(&self, d: usize) -> (Vec<usize>, usize, usize, usize) {
        let pods: Vec<usize> = self
            .all_pods()
            .filter(|&p| self.eks.pod_deployment(p) == d && self.eks.pods[p].counts())
            .collect();
        let running = pods
            .iter()
            .filter(|&&p| matches!(self.eks.pods[p].state, ContainerState::Running { .. }))
            .count();
        let failed = pods
            .iter()
            .filter(|&&p| {
                matches!(self.eks.pods[p].state, ContainerState::Terminated { exit_code, .. } if exit_code != 0)
            })
            .count();
        let waiting = pods.len() - running - failed;
        (pods, running, waiting, failed)
    }
}
