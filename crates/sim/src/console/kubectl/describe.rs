//! `kubectl describe pod|deployment|replicaset|node`: the objects' fields, their conditions and
//! the Events section, laid out as kubectl lays them out (kubernetes.io, "Debug Running Pods";
//! the repeated-event notation `3m (x4 over 5m)`).

use std::fmt::Write;

use super::get::age;
use super::labels::Selector;
use super::list_order;
use super::parse::Kind;
use super::services::services;
use super::{Kube, Outcome, reporter};
use crate::event::EventKind;
use crate::k8s::cluster::{ContainerState, EksCluster, WorkloadKind};
use crate::k8s::read;
use crate::time::SimTime;

/// The kinds `kubectl describe -l` filters by their labels in Orca (those whose labels `kubectl
/// get -l` reads too).
pub fn selects(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Pod
            | Kind::Deployment
            | Kind::DaemonSet
            | Kind::StatefulSet
            | Kind::ReplicaSet
            | Kind::Node
    )
}

pub fn describe(k: &Kube, kind: Kind, names: &[String], selector: Option<&str>) -> Outcome {
    let selector = match selector.map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Outcome::Fail(e),
    };
    let picked =
        |labels: Vec<(String, String)>| selector.as_ref().is_none_or(|s| s.matches(&labels));
    let workload = |d: usize| {
        let w = &k.eks.deployments[d];
        picked(k.eks.template_labels(d))
            .then(|| (list_order::key(Some(&w.namespace), &w.name), w.name.clone()))
    };
    // Each object's storage key and name: without names, describe prints every object in
    // the order the API server lists them (`list_order`).
    let mut all: Vec<(String, String)> = match kind {
        Kind::Pod => k
            .pods()
            .filter(|&p| picked(k.pod_labels(p)))
            .map(|p| {
                let name = &k.eks.pods[p].name;
                (
                    list_order::key(Some(k.pod_namespace(p)), name),
                    name.clone(),
                )
            })
            .collect(),
        Kind::Deployment => k.deployments().filter_map(workload).collect(),
        Kind::DaemonSet => k.daemon_sets().filter_map(workload).collect(),
        Kind::StatefulSet => k.stateful_sets().filter_map(workload).collect(),
        Kind::ReplicaSet => k
            .replica_sets()
            .filter(|&r| picked(replica_set_labels(k, r)))
            .map(|r| {
                let rs = &k.eks.replica_sets[r];
                let ns = &k.eks.deployments[rs.deployment].namespace;
                (list_order::key(Some(ns), &rs.name), rs.name.clone())
            })
            .collect(),
        Kind::Node => k
            .nodes()
            .filter(|&n| picked(k.node_labels(n)))
            .map(|n| {
                let name = &k.eks.nodes[n].name;
                (list_order::key(None, name), name.clone())
            })
            .collect(),
        Kind::Service => services(k)
            .into_iter()
            .map(|s| (list_order::key(Some(&s.namespace), &s.name), s.name))
            .collect(),
        Kind::Hpa => k
            .eks
            .hpas
            .iter()
            .filter(|h| k.in_scope(&k.eks.deployments[h.deployment].namespace))
            .map(|h| {
                let ns = &k.eks.deployments[h.deployment].namespace;
                (list_order::key(Some(ns), &h.name), h.name.clone())
            })
            .collect(),
        Kind::Pdb => super::pdb::list(k, &|_| true)
            .into_iter()
            .map(|b| {
                let pdb = &k.eks.pdbs[b];
                (
                    list_order::key(Some(&pdb.namespace), &pdb.name),
                    pdb.name.clone(),
                )
            })
            .collect(),
        Kind::Event
        | Kind::PersistentVolumeClaim
        | Kind::PersistentVolume
        | Kind::StorageClass
        | Kind::Namespace
        | Kind::Endpoints => Vec::new(),
    };
    all.sort();
    let all: Vec<String> = all.into_iter().map(|(_, name)| name).collect();
    let targets: Vec<String> = if names.is_empty() {
        all.clone()
    } else {
        names.to_vec()
    };
    let mut out = Vec::new();
    for name in &targets {
        let text = match kind {
            Kind::Pod => k.pod_named(name).map(|p| pod(k, p)),
            Kind::Deployment => k.deployment_named(name).map(|d| deployment(k, d)),
            Kind::DaemonSet => k.daemon_set_named(name).map(|d| daemon_set(k, d)),
            Kind::StatefulSet => k
                .stateful_sets()
                .find(|&d| &k.eks.deployments[d].name == name)
                .map(|d| {
                    let events = events(k, &format!("statefulset/{name}"));
                    super::statefulset::describe(k, d, &events)
                }),
            Kind::ReplicaSet => k
                .replica_sets()
                .find(|&r| &k.eks.replica_sets[r].name == name)
                .map(|r| replica_set(k, r)),
            Kind::Node => k.node_named(name).map(|n| node(k, n)),
            Kind::Hpa => k
                .eks
                .hpas
                .iter()
                .position(|h| {
                    &h.name == name && k.in_scope(&k.eks.deployments[h.deployment].namespace)
                })
                .map(|h| hpa(k, h)),
            Kind::Service => services(k)
                .into_iter()
                .find(|s| &s.name == name)
                .map(|s| super::namespaces_endpoints::describe_service(k, &s)),
            Kind::Pdb => super::pdb::named(k, name).map(|b| super::pdb::describe(k, b)),
            Kind::Event
            | Kind::PersistentVolumeClaim
            | Kind::PersistentVolume
            | Kind::StorageClass
            | Kind::Namespace
            | Kind::Endpoints => None,
        };
        match text {
            Some(t) => out.push(t),
            None => return Kube::not_found(kind, name),
        }
    }
    if out.is_empty() {
        return Outcome::Print(k.no_resources());
    }
    Outcome::Print(out.join("\n\n"))
}

/// The Events section of an object: repeats of the same reason and message folded into one
/// row with their count and first sighting.
pub(super) fn events(k: &Kube, object: &str) -> String {
    struct Row<'a> {
        warning: bool,
        reason: &'a str,
        message: std::borrow::Cow<'a, str>,
        first: SimTime,
        last: SimTime,
        count: u32,
    }
    let mut rows: Vec<Row> = Vec::new();
    for e in k.events_of(object) {
        let EventKind::Kube {
            warning, reason, ..
        } = &e.kind
        else {
            continue;
        };
        match rows
            .iter_mut()
            .find(|r| r.reason == reason && r.message == e.message())
        {
            Some(r) => {
                r.last = e.at;
                r.count += 1;
            }
            None => rows.push(Row {
                warning: *warning,
                reason,
                message: e.message(),
                first: e.at,
                last: e.at,
                count: 1,
            }),
        }
    }
    if rows.is_empty() {
        return "Events:  <none>\n".into();
    }
    rows.sort_by_key(|r| r.last);
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let age = if r.count > 1 {
                format!(
                    "{} (x{} over {})",
                    k.now.since(r.last).kube_age(),
                    r.count,
                    k.now.since(r.first).kube_age()
                )
            } else {
                k.now.since(r.last).kube_age()
            };
            vec![
                if r.warning { "Warning" } else { "Normal" }.to_string(),
                r.reason.to_string(),
                age,
                if object.starts_with("statefulset/") {
                    // The StatefulSet controller records its events on the set.
                    "statefulset-controller".to_string()
                } else if object.starts_with("daemonset/")
                    && matches!(r.reason, "SuccessfulCreate" | "SuccessfulDelete")
                {
                    // So does the DaemonSet controller (pkg/controller/daemon: `SuccessfulCreate`
                    // "Created pod: …" recorded by "daemonset-controller").
                    "daemonset-controller".to_string()
                } else if r.reason.starts_with("Provisioning") && efs_claim(k, object) {
                    // The EFS CSI driver's external provisioner reports these.
                    crate::k8s::efs_csi::EFS_CSI_CONTROLLER.to_string()
                } else {
                    reporter(r.reason).to_string()
                },
                r.message.to_string(),
            ]
        })
        .collect();
    let mut header_rows = vec![vec![
        "----".to_string(),
        "------".into(),
        "----".into(),
        "----".into(),
        "-------".into(),
    ]];
    header_rows.extend(table);
    let body = super::table::render_padded(
        &["Type", "Reason", "Age", "From", "Message"],
        &header_rows,
        2,
    );
    let mut out = String::from("Events:\n");
    for line in body.lines() {
        let _ = writeln!(out, "  {line}");
    }
    out
}

fn pod(k: &Kube, p: usize) -> String {
    let pod = &k.eks.pods[p];
    let rs = &k.eks.replica_sets[pod.replica_set];
    let t = &rs.template;
    let labels = k.pod_labels(p);
    let mut o = String::new();
    let _ = writeln!(o, "Name:             {}", pod.name);
    let _ = writeln!(o, "Namespace:        {}", k.pod_namespace(p));
    let _ = writeln!(o, "Priority:         0");
    let _ = writeln!(
        o,
        "Service Account:  {}",
        crate::k8s::service_accounts::of_pod(k.eks, p)
    );
    match pod.node {
        Some(n) => {
            let node = &k.eks.nodes[n];
            let _ = writeln!(o, "Node:             {}/{}", node.name, node.private_ip);
        }
        None => {
            let _ = writeln!(o, "Node:             <none>");
        }
    }
    let _ = writeln!(o, "Start Time:       {}", pod.created_at.rfc1123());
    for (i, (lk, lv)) in labels.iter().enumerate() {
        let head = if i == 0 {
            "Labels:           "
        } else {
            "                  "
        };
        let _ = writeln!(o, "{head}{lk}={lv}");
    }
    let _ = writeln!(o, "Annotations:      <none>");
    let phase = match (&pod.node, &pod.state) {
        (None, _) => "Pending",
        (Some(_), ContainerState::Running { .. }) => "Running",
        (Some(_), _) if pod.restarts > 0 => "Running",
        _ => "Pending",
    };
    let _ = writeln!(
        o,
        "Status:           {}",
        if pod.deleting_at.is_some() {
            "Terminating"
        } else {
            phase
        }
    );
    if let Some(at) = pod.deleting_at {
        let _ = writeln!(o, "Termination Grace Period:  30s");
        let _ = writeln!(o, "Deletion Timestamp:        {}", at.rfc1123());
    }
    let _ = writeln!(o, "IP:               {}", pod.ip.as_deref().unwrap_or(""));
    if let Some(ip) = &pod.ip {
        let _ = writeln!(o, "IPs:\n  IP:           {ip}");
    }
    // A DaemonSet's or StatefulSet's pod is controlled by it (Orca keeps their revisions as
    // ReplicaSet entries, which are ControllerRevisions on a cluster).
    let w = &k.eks.deployments[rs.deployment];
    let owner = match w.kind {
        WorkloadKind::Deployment => format!("ReplicaSet/{}", rs.name),
        WorkloadKind::DaemonSet => format!("DaemonSet/{}", w.name),
        WorkloadKind::StatefulSet => format!("StatefulSet/{}", w.name),
    };
    let _ = writeln!(o, "Controlled By:    {owner}");
    super::describe_init::init_containers(&mut o, pod, t);
    let _ = writeln!(o, "Containers:");
    let _ = writeln!(o, "  {}:", t.container);
    let _ = writeln!(o, "    Image:          {}", t.image);
    let _ = writeln!(o, "    Port:           {}/TCP", t.port);
    // On the host network the API server defaults hostPort to the container port.
    let host_port = if w.host_network { t.port } else { 0 };
    let _ = writeln!(o, "    Host Port:      {host_port}/TCP");
    match &pod.state {
        // While the init containers run, the container waits to be initialized.
        ContainerState::Waiting { reason } if reason.starts_with("Init:") => {
            let _ = writeln!(o, "    State:          Waiting");
            let _ = writeln!(o, "      Reason:       PodInitializing");
        }
        ContainerState::Waiting { reason } => {
            let _ = writeln!(o, "    State:          Waiting");
            let _ = writeln!(o, "      Reason:       {reason}");
        }
        ContainerState::Running { started_at } => {
            let _ = writeln!(o, "    State:          Running");
            let _ = writeln!(o, "      Started:      {}", started_at.rfc1123());
        }
        ContainerState::Terminated { reason, exit_code } => {
            let _ = writeln!(o, "    State:          Terminated");
            let _ = writeln!(o, "      Reason:       {reason}");
            let _ = writeln!(o, "      Exit Code:    {exit_code}");
        }
    }
    // With several containers the pod's Ready is theirs together; this is the first one's.
    let ready = if pod.side.is_empty() {
        pod.ready
    } else {
        pod.main_ready() && pod.deleting_at.is_none()
    };
    let _ = writeln!(
        o,
        "    Ready:          {}",
        if ready { "True" } else { "False" }
    );
    let _ = writeln!(o, "    Restart Count:  {}", pod.restarts);
    super::requests::requests_block(&mut o, t);
    for probe in read::probe_settings(k.eks, p) {
        let label = format!("{}:", probe.name());
        let _ = writeln!(o, "    {label:<10}      {}", probe.describe());
    }
    let injected = super::describe_identity::injected(k.eks, pod);
    injected.container_lines(&mut o);
    for c in &t.containers {
        let s = pod.side.iter().find(|s| s.name == c.name);
        super::describe_side::container(&mut o, &c.name, &c.image, s, "PodInitializing");
    }
    let _ = writeln!(o, "Conditions:");
    let _ = writeln!(o, "  Type                        Status");
    for c in read::pod_conditions(pod) {
        let _ = writeln!(
            o,
            "  {:<28}{}",
            c.kind,
            if c.status { "True " } else { "False " }
        );
    }
    injected.volume_lines(&mut o);
    let _ = writeln!(o, "QoS Class:                   Burstable");
    let _ = writeln!(o, "Node-Selectors:              <none>");
    let tolerations = pod_tolerations(w);
    for (i, t) in tolerations.iter().enumerate() {
        let head = if i == 0 { "Tolerations:" } else { "" };
        let _ = writeln!(o, "{head:<29}{t}");
    }
    o.push_str(&events(k, &format!("pod/{}", pod.name)));
    o
}

fn deployment(k: &Kube, d: usize) -> String {
    let dep = &k.eks.deployments[d];
    let st = read::deployment_status(k.eks, d, k.now);
    let current = k.eks.current_replica_set(d);
    let revision = current.map_or(1, |r| k.eks.replica_sets[r].revision);
    let mut o = String::new();
    let _ = writeln!(o, "Name:                   {}", dep.name);
    let _ = writeln!(o, "Namespace:              {}", dep.namespace);
    let _ = writeln!(o, "CreationTimestamp:      {}", SimTime::ZERO.rfc1123());
    let labels = label_list(&k.eks.template_labels(d));
    multiline(&mut o, "Labels:", 24, &labels);
    let _ = writeln!(
        o,
        "Annotations:            deployment.kubernetes.io/revision: {revision}"
    );
    let _ = writeln!(
        o,
        "Selector:               {}",
        EksCluster::format_labels(&k.eks.selector_labels(d))
    );
    // status.unavailableReplicas: desired minus available, never below zero (the deployment
    // controller's calculateStatus).
    let unavailable = dep.replicas.saturating_sub(st.available_replicas);
    let _ = writeln!(
        o,
        "Replicas:               {} desired | {} updated | {} total | {} available | {} unavailable",
        dep.replicas, st.updated_replicas, st.total_replicas, st.available_replicas, unavailable
    );
    let _ = writeln!(
        o,
        "StrategyType:           {}",
        if dep.recreate {
            "Recreate"
        } else {
            "RollingUpdate"
        }
    );
    let _ = writeln!(o, "MinReadySeconds:        {}", dep.min_ready_seconds);
    if !dep.recreate {
        let _ = writeln!(
            o,
            "RollingUpdateStrategy:  {} max unavailable, {} max surge",
            dep.max_unavailable, dep.max_surge
        );
    }
    o.push_str(&super::pod_template::described(&labels, &dep.template, dep));
    let _ = writeln!(o, "Conditions:");
    let _ = writeln!(o, "  Type           Status  Reason");
    let _ = writeln!(o, "  ----           ------  ------");
    let available = st.available_replicas >= read::rollout_bounds(k.eks, d).min_available;
    let _ = writeln!(
        o,
        "  Available      {:<8}{}",
        if available { "True" } else { "False" },
        if available {
            "MinimumReplicasAvailable"
        } else {
            "MinimumReplicasUnavailable"
        }
    );
    let unknown = dep.progressing.as_ref().filter(|p| p.unknown);
    let (progressing, reason) = if dep.progress_deadline_exceeded {
        ("False", "ProgressDeadlineExceeded")
    } else if let Some(p) = unknown {
        // Paused or just resumed (`checkPausedConditions`).
        ("Unknown", p.reason.as_str())
    } else if st.updated_replicas == dep.replicas && st.available_replicas >= dep.replicas {
        ("True", "NewReplicaSetAvailable")
    } else {
        ("True", "ReplicaSetUpdated")
    };
    let _ = writeln!(o, "  Progressing    {progressing:<8}{reason}");
    let old: Vec<String> = k
        .replica_sets()
        .filter(|&r| Some(r) != current && k.eks.replica_sets[r].deployment == d)
        .filter(|&r| {
            let s = read::replica_set_status(k.eks, r, k.now);
            s.desired > 0 || s.replicas > 0
        })
        .map(|r| {
            let s = read::replica_set_status(k.eks, r, k.now);
            format!(
                "{} ({}/{} replicas created)",
                k.eks.replica_sets[r].name, s.replicas, s.desired
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "OldReplicaSets:  {}",
        if old.is_empty() {
            "<none>".into()
        } else {
            old.join(", ")
        }
    );
    let new = current.map_or_else(
        || "<none>".to_string(),
        |r| {
            let s = read::replica_set_status(k.eks, r, k.now);
            format!(
                "{} ({}/{} replicas created)",
                k.eks.replica_sets[r].name, s.replicas, s.desired
            )
        },
    );
    let _ = writeln!(o, "NewReplicaSet:   {new}");
    o.push_str(&events(k, &format!("deployment/{}", dep.name)));
    o
}

fn replica_set(k: &Kube, r: usize) -> String {
    let rs = &k.eks.replica_sets[r];
    let st = read::replica_set_status(k.eks, r, k.now);
    let dep = &k.eks.deployments[rs.deployment];
    let waiting = k
        .pods()
        .filter(|&p| {
            k.eks.pods[p].replica_set == r && k.eks.pods[p].counts() && !k.eks.pods[p].ready
        })
        .count();
    let failed = k
        .pods()
        .filter(|&p| {
            k.eks.pods[p].replica_set == r
                && matches!(k.eks.pods[p].state, ContainerState::Terminated { .. })
        })
        .count();
    let mut o = String::new();
    let _ = writeln!(o, "Name:           {}", rs.name);
    let _ = writeln!(o, "Namespace:      {}", dep.namespace);
    let mut selector = k.eks.selector_labels(rs.deployment);
    selector.push(("pod-template-hash".into(), rs.pod_template_hash.clone()));
    let _ = writeln!(
        o,
        "Selector:       {}",
        EksCluster::format_labels(&selector)
    );
    let labels = label_list(&replica_set_labels(k, r));
    multiline(&mut o, "Labels:", 16, &labels);
    let _ = writeln!(
        o,
        "Annotations:    deployment.kubernetes.io/desired-replicas: {}",
        dep.replicas
    );
    let _ = writeln!(
        o,
        "                deployment.kubernetes.io/revision: {}",
        rs.revision
    );
    let _ = writeln!(o, "Controlled By:  Deployment/{}", dep.name);
    let _ = writeln!(
        o,
        "Replicas:       {} current / {} desired",
        st.replicas, st.desired
    );
    let _ = writeln!(
        o,
        "Pods Status:    {} Running / {waiting} Waiting / 0 Succeeded / {failed} Failed",
        st.ready_replicas
    );
    o.push_str(&super::pod_template::described(&labels, &rs.template, dep));
    o.push_str(&events(k, &format!("replicaset/{}", rs.name)));
    o
}

/// `kubectl describe daemonset` (kubectl `pkg/describe/describe.go`, `describeDaemonSet`:
/// it prints no Namespace line; the status counts as the DaemonSet controller reports them).
fn daemon_set(k: &Kube, d: usize) -> String {
    let ds = &k.eks.deployments[d];
    let st = crate::k8s::daemonset_controller::status(k.eks, d, k.now);
    let current = k.eks.current_replica_set(d);
    let generation = current.map_or(1, |r| k.eks.replica_sets[r].revision);
    let (_, running, waiting, failed) = k.workload_pods_status(d);
    let t = &ds.template;
    let mut o = String::new();
    let _ = writeln!(o, "Name:           {}", ds.name);
    let _ = writeln!(
        o,
        "Selector:       {}",
        EksCluster::format_labels(&k.eks.selector_labels(d))
    );
    let _ = writeln!(o, "Node-Selector:  <none>");
    let labels = label_list(&k.eks.template_labels(d));
    multiline(&mut o, "Labels:", 16, &labels);
    let _ = writeln!(
        o,
        "Annotations:    deprecated.daemonset.template.generation: {generation}"
    );
    let _ = writeln!(o, "Desired Number of Nodes Scheduled: {}", st.desired);
    let _ = writeln!(o, "Current Number of Nodes Scheduled: {}", st.current);
    let _ = writeln!(
        o,
        "Number of Nodes Scheduled with Up-to-date Pods: {}",
        st.up_to_date
    );
    let _ = writeln!(
        o,
        "Number of Nodes Scheduled with Available Pods: {}",
        st.available
    );
    let _ = writeln!(o, "Number of Nodes Misscheduled: 0");
    let _ = writeln!(
        o,
        "Pods Status:  {running} Running / {waiting} Waiting / 0 Succeeded / {failed} Failed"
    );
    o.push_str(&super::pod_template::described(&labels, t, ds));
    o.push_str(&events(k, &format!("daemonset/{}", ds.name)));
    o
}

fn node(k: &Kube, n: usize) -> String {
    let node = &k.eks.nodes[n];
    let usage = read::node_usage(k.eks, n);
    let mut o = String::new();
    let _ = writeln!(o, "Name:               {}", node.name);
    let _ = writeln!(o, "Roles:              <none>");
    for (i, (lk, lv)) in k.node_labels(n).iter().enumerate() {
        let head = if i == 0 {
            "Labels:             "
        } else {
            "                    "
        };
        let _ = writeln!(o, "{head}{lk}={lv}");
    }
    let _ = writeln!(o, "CreationTimestamp:  {}", node.created_at.rfc1123());
    let mut taints: Vec<String> = Vec::new();
    if node.cordoned {
        taints.push("node.kubernetes.io/unschedulable:NoSchedule".into());
    }
    if node.draining {
        taints.push(if node.nodeclaim.is_some() {
            "karpenter.sh/disrupted:NoSchedule".into()
        } else {
            format!(
                "ToBeDeletedByClusterAutoscaler={}:NoSchedule",
                crate::k8s::cluster::to_be_deleted_value(node)
            )
        });
    }
    if !node.ready {
        taints.push("node.kubernetes.io/not-ready:NoSchedule".into());
    }
    for (i, t) in taints.iter().enumerate() {
        let head = if i == 0 {
            "Taints:             "
        } else {
            "                    "
        };
        let _ = writeln!(o, "{head}{t}");
    }
    if taints.is_empty() {
        let _ = writeln!(o, "Taints:             <none>");
    }
    let _ = writeln!(o, "Unschedulable:      {}", node.cordoned);
    let _ = writeln!(o, "Conditions:");
    let _ = writeln!(
        o,
        "  Type             Status  Reason                       Message"
    );
    let _ = writeln!(
        o,
        "  ----             ------  ------                       -------"
    );
    let _ = writeln!(
        o,
        "  MemoryPressure   False   KubeletHasSufficientMemory   kubelet has sufficient memory available"
    );
    let _ = writeln!(
        o,
        "  DiskPressure     False   KubeletHasNoDiskPressure     kubelet has no disk pressure"
    );
    let _ = writeln!(
        o,
        "  PIDPressure      False   KubeletHasSufficientPID      kubelet has sufficient PID available"
    );
    if node.ready {
        let _ = writeln!(
            o,
            "  Ready            True    KubeletReady                 kubelet is posting ready status"
        );
    } else {
        let _ = writeln!(
            o,
            "  Ready            False   KubeletNotReady              container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"
        );
    }
    let _ = writeln!(o, "Addresses:");
    let _ = writeln!(o, "  InternalIP:   {}", node.private_ip);
    let _ = writeln!(o, "  InternalDNS:  {}", node.name);
    let _ = writeln!(o, "  Hostname:     {}", node.name);
    let _ = writeln!(o, "Capacity:");
    let _ = writeln!(o, "  pods:               {}", node.max_pods);
    let _ = writeln!(o, "Allocatable:");
    let _ = writeln!(o, "  cpu:                {}m", node.allocatable_cpu_millis);
    let _ = writeln!(o, "  memory:             {}Mi", node.allocatable_memory_mib);
    let _ = writeln!(o, "  pods:               {}", node.max_pods);
    let _ = writeln!(o, "System Info:");
    let _ = writeln!(
        o,
        "  Kubelet Version:            {}",
        super::services::NODE_VERSION
    );
    let _ = writeln!(o, "  Container Runtime Version:  containerd://1.7.25");
    let _ = writeln!(
        o,
        "ProviderID:                   aws:///{}/{}",
        node.zone,
        crate::iam::eks_calls::node_instance_id(&node.name)
    );
    // Every namespace's pods on the node, as kubectl lists them (a list of pods with the
    // node's name: by namespace, then name, `list_order`).
    let mut pods: Vec<usize> = k
        .all_pods()
        .filter(|&p| k.eks.pods[p].node == Some(n))
        .collect();
    pods.sort_by_cached_key(|&p| list_order::key(Some(k.pod_namespace(p)), &k.eks.pods[p].name));
    let _ = writeln!(o, "Non-terminated Pods:          ({} in total)", pods.len());
    let header = [
        "Namespace",
        "Name",
        "CPU Requests",
        "CPU Limits",
        "Memory Requests",
        "Memory Limits",
        "Age",
    ];
    let mut rows = vec![
        header
            .iter()
            .map(|h| "-".repeat(h.len()))
            .collect::<Vec<String>>(),
    ];
    for &p in &pods {
        let req = k.eks.requests_of(p);
        let pct = |x: u32, of: u32| (u64::from(x) * 100 / u64::from(of.max(1))) as u32;
        // A quantity of zero prints as `0` (resource.Quantity's String), not `0m` or `0Mi`.
        let quantity = |x: u32, unit: &str, of: u32| match x {
            0 => "0 (0%)".to_string(),
            _ => format!("{x}{unit} ({}%)", pct(x, of)),
        };
        rows.push(vec![
            k.pod_namespace(p).to_string(),
            k.eks.pods[p].name.clone(),
            quantity(req.cpu_millis, "m", node.allocatable_cpu_millis),
            "0 (0%)".into(),
            quantity(req.memory_mib, "Mi", node.allocatable_memory_mib),
            "0 (0%)".into(),
            age(k.now, k.eks.pods[p].created_at),
        ]);
    }
    for line in super::table::render(&header, &rows).lines() {
        let _ = writeln!(o, "  {line}");
    }
    let _ = writeln!(o, "Allocated resources:");
    let _ = writeln!(
        o,
        "  (Total limits may be over 100 percent, i.e., overcommitted.)"
    );
    let _ = writeln!(o, "  Resource           Requests     Limits");
    let _ = writeln!(o, "  --------           --------     ------");
    let cpu = format!("{}m ({}%)", usage.requested_cpu_millis, usage.cpu_percent());
    let mem = format!(
        "{}Mi ({}%)",
        usage.requested_memory_mib,
        usage.memory_percent()
    );
    let _ = writeln!(o, "  cpu                {cpu:<13}0 (0%)");
    let _ = writeln!(o, "  memory             {mem:<13}0 (0%)");
    o.push_str(&events(k, &format!("node/{}", node.name)));
    o
}

/// An EC2 instance id for a node (stable from its name; EKS shows it in the provider ID).
fn hpa(k: &Kube, h: usize) -> String {
    let hpa = &k.eks.hpas[h];
    let dep = &k.eks.deployments[hpa.deployment];
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Name:                                                  {}",
        hpa.name
    );
    let _ = writeln!(
        o,
        "Namespace:                                             {}",
        dep.namespace
    );
    let _ = writeln!(
        o,
        "CreationTimestamp:                                     {}",
        SimTime::ZERO.rfc1123()
    );
    let _ = writeln!(
        o,
        "Reference:                                             Deployment/{}",
        dep.name
    );
    let _ = writeln!(
        o,
        "Metrics:                                               ( current / target )"
    );
    let current = if hpa.measured {
        format!(
            "{:.0}% ({})",
            hpa.current_utilization,
            hpa.average_value(dep.template.requests.cpu_millis)
        )
    } else {
        "<unknown>".to_string()
    };
    let _ = writeln!(
        o,
        "  resource cpu on pods  (as a percentage of request):  {current} / {:.0}%",
        hpa.target_cpu_utilization
    );
    let _ = writeln!(
        o,
        "Min replicas:                                          {}",
        hpa.min_replicas
    );
    let _ = writeln!(
        o,
        "Max replicas:                                          {}",
        hpa.max_replicas
    );
    let _ = writeln!(
        o,
        "Deployment pods:                                       {} current / {} desired",
        read::deployment_status(k.eks, hpa.deployment, k.now).total_replicas,
        dep.replicas
    );
    // A block of its own in kubectl's tabwriter: each column as wide as its widest cell + 2.
    let conditions = hpa.conditions.listed();
    if !conditions.is_empty() {
        let rows: Vec<[String; 4]> = [
            ["Type", "Status", "Reason", "Message"].map(String::from),
            ["----", "------", "------", "-------"].map(String::from),
        ]
        .into_iter()
        .chain(conditions.iter().map(|(t, c)| {
            [
                t.to_string(),
                if c.status { "True" } else { "False" }.to_string(),
                c.reason.to_string(),
                c.message.clone(),
            ]
        }))
        .collect();
        let width = |i: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0) + 2;
        let (w0, w1, w2) = (width(0) + 2, width(1), width(2));
        let _ = writeln!(o, "Conditions:");
        for r in &rows {
            let first = format!("  {}", r[0]);
            let _ = writeln!(o, "{first:<w0$}{:<w1$}{:<w2$}{}", r[1], r[2], r[3]);
        }
    }
    o.push_str(&events(k, &format!("horizontalpodautoscaler/{}", hpa.name)));
    o
}

/// `persistentvolumeclaim/<name>` of a claim whose class is the EFS CSI driver's.
fn efs_claim(k: &Kube, object: &str) -> bool {
    object
        .strip_prefix("persistentvolumeclaim/")
        .and_then(|n| k.eks.storage.claims.iter().position(|c| c.name == n))
        .is_some_and(|cl| crate::k8s::volumes::efs_class(k.eks, cl).is_some())
}

/// A ReplicaSet's labels: its Deployment's template labels and its `pod-template-hash`.
fn replica_set_labels(k: &Kube, r: usize) -> Vec<(String, String)> {
    let rs = &k.eks.replica_sets[r];
    let mut labels = k.eks.template_labels(rs.deployment);
    labels.push(("pod-template-hash".into(), rs.pod_template_hash.clone()));
    labels.sort();
    labels
}

/// Labels as `key=value` lines, sorted by key (kubectl's `printLabelsMultiline`).
fn label_list(labels: &[(String, String)]) -> Vec<String> {
    let mut lines: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    lines.sort();
    lines
}

/// `key` padded to `width`, then the first item; each further item on its own line under it.
fn multiline(o: &mut String, key: &str, width: usize, items: &[String]) {
    for (i, item) in items.iter().enumerate() {
        let head = if i == 0 { key } else { "" };
        let _ = writeln!(o, "{head:<width$}{item}");
    }
    if items.is_empty() {
        let _ = writeln!(o, "{key:<width$}<none>");
    }
}

/// A pod's tolerations as `kubectl describe pod` lists them (sorted by key, kubectl's
/// `printPodTolerationsMultiline`). Every pod gets the DefaultTolerationSeconds admission
/// plugin's `not-ready` and `unreachable` for 300 s; a DaemonSet's pods get the DaemonSet
/// controller's instead (`AddOrUpdateDaemonPodTolerations`, pkg/controller/daemon/util:
/// `not-ready` and `unreachable` without a limit, the disk, memory and PID pressure and
/// `unschedulable` taints, and `network-unavailable` on the host network), and a workload that
/// tolerates every taint (EKS's VPC CNI and kube-proxy) lists `op=Exists` first.
fn pod_tolerations(w: &crate::k8s::cluster::DeploymentState) -> Vec<String> {
    if w.kind != WorkloadKind::DaemonSet {
        return vec![
            "node.kubernetes.io/not-ready:NoExecute op=Exists for 300s".into(),
            "node.kubernetes.io/unreachable:NoExecute op=Exists for 300s".into(),
        ];
    }
    let mut keys = vec![
        "node.kubernetes.io/disk-pressure:NoSchedule",
        "node.kubernetes.io/memory-pressure:NoSchedule",
        "node.kubernetes.io/not-ready:NoExecute",
        "node.kubernetes.io/pid-pressure:NoSchedule",
        "node.kubernetes.io/unreachable:NoExecute",
        "node.kubernetes.io/unschedulable:NoSchedule",
    ];
    if w.host_network {
        keys.push("node.kubernetes.io/network-unavailable:NoSchedule");
    }
    keys.sort_unstable();
    let all = w.tolerates_all_taints.then(|| "op=Exists".to_string());
    all.into_iter()
        .chain(keys.into_iter().map(|k| format!("{k} op=Exists")))
        .collect()
}
