//! `kubectl get`: the tables kubectl prints (and `-o wide|name|json|yaml`), from the simulated
//! objects; ages count from the object's creation, as kubectl's AGE column does.

use super::jsonpath::{self, Template};
use super::labels::Selector;
use super::objects;
use super::parse::{Kind, Output};
use super::select::{FieldSelector, sort_by_path};
use super::table::render;
use super::yaml::{json_text, list_of};
use super::{Kube, Outcome};
use crate::event::EventKind;
use crate::k8s::cluster::{ContainerState, EksCluster};
use crate::k8s::read;
use crate::time::SimTime;

use super::services::{NODE_VERSION, services};

/// How `kubectl get` prints: `-o`, the template of `-o jsonpath=…`, and `--sort-by`.
#[derive(Debug, Clone, Copy)]
pub struct Printing<'a> {
    pub output: Output,
    pub template: Option<&'a str>,
    pub sort_by: Option<&'a str>,
    pub field_selector: Option<&'a str>,
    /// `-w`: with `-o yaml|json|name` the objects are listed one by one for the watch
    /// (`watched_objects`); a table is watched from its rows (`super::watching`).
    pub watch: Option<super::parse::GetWatch>,
}

pub fn get(
    k: &Kube,
    kind: Kind,
    names: &[String],
    printing: Printing,
    selector: Option<&str>,
) -> Outcome {
    let output = printing.output;
    let all_namespaces = k.all_namespaces();
    let selector = match selector.map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => return Outcome::Fail(e),
    };
    let wanted = |name: &str| names.is_empty() || names.iter().any(|n| n == name);
    // Names given and not found are NotFound errors, printed after what was found.
    let mut missing: Vec<&String> = Vec::new();
    let found: Vec<usize> = match kind {
        Kind::Pod => {
            let list: Vec<usize> = k
                .pods()
                .filter(|&p| wanted(&k.eks.pods[p].name))
                .filter(|&p| {
                    selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&k.pod_labels(p)))
                })
                .collect();
            missing.extend(
                names
                    .iter()
                    .filter(|n| !list.iter().any(|&p| &k.eks.pods[p].name == *n)),
            );
            list
        }
        Kind::Deployment | Kind::DaemonSet | Kind::StatefulSet => {
            let workloads: Vec<usize> = match kind {
                Kind::Deployment => k.deployments().collect(),
                Kind::DaemonSet => k.daemon_sets().collect(),
                _ => k.stateful_sets().collect(),
            };
            let list: Vec<usize> = workloads
                .into_iter()
                .filter(|&d| wanted(&k.eks.deployments[d].name))
                .filter(|&d| {
                    selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&k.eks.template_labels(d)))
                })
                .collect();
            missing.extend(
                names
                    .iter()
                    .filter(|n| !list.iter().any(|&d| &k.eks.deployments[d].name == *n)),
            );
            list
        }
        Kind::ReplicaSet => {
            let list: Vec<usize> = k
                .replica_sets()
                .filter(|&r| wanted(&k.eks.replica_sets[r].name))
                .filter(|&r| {
                    let rs = &k.eks.replica_sets[r];
                    selector.as_ref().is_none_or(|s| {
                        let mut labels = k.eks.template_labels(rs.deployment);
                        labels.push(("pod-template-hash".into(), rs.pod_template_hash.clone()));
                        s.matches(&labels)
                    })
                })
                .collect();
            missing.extend(
                names
                    .iter()
                    .filter(|n| !list.iter().any(|&r| &k.eks.replica_sets[r].name == *n)),
            );
            list
        }
        Kind::Node => {
            let list: Vec<usize> = k
                .nodes()
                .filter(|&n| wanted(&k.eks.nodes[n].name))
                .filter(|&n| {
                    selector
                        .as_ref()
                        .is_none_or(|s| s.matches(&k.node_labels(n)))
                })
                .collect();
            missing.extend(
                names
                    .iter()
                    .filter(|n| !list.iter().any(|&x| &k.eks.nodes[x].name == *n)),
            );
            list
        }
        Kind::Hpa => {
            let list: Vec<usize> = (0..k.eks.hpas.len())
                .filter(|&h| k.in_scope(&k.eks.deployments[k.eks.hpas[h].deployment].namespace))
                .filter(|&h| wanted(&k.eks.hpas[h].name))
                .collect();
            missing.extend(
                names
                    .iter()
                    .filter(|n| !list.iter().any(|&h| &k.eks.hpas[h].name == *n)),
            );
            list
        }
        Kind::Service => {
            // The `kubernetes` Service of the API server and one per Deployment with a
            // Service, by position in `services` (names given: in the order given).
            let all = services(k);
            let mut list: Vec<usize> = (0..all.len()).filter(|&i| wanted(&all[i].name)).collect();
            if !names.is_empty() {
                list.sort_by_key(|&i| names.iter().position(|n| *n == all[i].name));
            }
            missing.extend(
                names
                    .iter()
                    .filter(|n| !list.iter().any(|&i| &all[i].name == *n)),
            );
            list
        }
        Kind::Event => {
            return super::events::get(
                k,
                printing.output,
                printing.template,
                printing.sort_by,
                printing.field_selector,
                printing.watch,
            );
        }
        Kind::Pdb => {
            let list = super::pdb::list(k, &|n| wanted(n));
            missing.extend(
                names
                    .iter()
                    .filter(|n| !list.iter().any(|&b| &k.eks.pdbs[b].name == *n)),
            );
            list
        }
        Kind::PersistentVolumeClaim
        | Kind::PersistentVolume
        | Kind::StorageClass
        | Kind::Namespace
        | Kind::Endpoints => Vec::new(),
    };
    let mut found = found;
    super::list_order::sort(k, kind, &mut found, names);
    if let Some(fs) = printing.field_selector {
        match FieldSelector::parse(kind, fs) {
            Ok(fs) => found.retain(|&i| fs.matches(&objects::object(k, kind, i))),
            Err(e) => return Outcome::Fail(e),
        }
    }
    if let Some(expr) = printing.sort_by {
        match sort(k, kind, &mut found, expr) {
            Ok(()) => {}
            Err(e) => return Outcome::Fail(e),
        }
    }
    if let Some(how) = printing.watch
        && matches!(
            output,
            Output::Json | Output::Yaml | Output::Name | Output::JsonPath
        )
        && missing.is_empty()
    {
        let template = match output {
            Output::JsonPath => match Template::parse(printing.template.unwrap_or_default()) {
                Ok(t) => Some(t),
                Err(e) => return Outcome::Fail(e),
            },
            _ => None,
        };
        return watched_objects(k, kind, &found, output, template.as_ref(), how);
    }
    let mut out = String::new();
    if !found.is_empty() {
        out = match output {
            Output::CustomColumns => {
                let spec = printing.template.unwrap_or_default();
                let cols = match jsonpath::columns(spec) {
                    Ok(c) => c,
                    Err(e) => return Outcome::Fail(e),
                };
                let header: Vec<&str> = cols.iter().map(|(h, _)| h.as_str()).collect();
                let rows: Vec<Vec<String>> = found
                    .iter()
                    .map(|&i| {
                        let object = objects::object(k, kind, i);
                        cols.iter()
                            .map(|(_, path)| jsonpath::cell(path, &object))
                            .collect()
                    })
                    .collect();
                render(&header, &rows)
            }
            Output::JsonPath => {
                let template = printing.template.unwrap_or_default();
                let value = listed(k, kind, &found, names.len() == 1);
                match Template::parse(template) {
                    Ok(t) => t.execute(&value),
                    Err(e) => return Outcome::Fail(e),
                }
            }
            Output::Name => found
                .iter()
                .map(|&i| format!("{}/{}\n", kind.prefix(), name_of(k, kind, i)))
                .collect(),
            Output::Json | Output::Yaml => {
                let value = listed(k, kind, &found, names.len() == 1);
                if output == Output::Json {
                    json_text(&value)
                } else {
                    super::yaml::to_yaml(&value)
                }
            }
            Output::Table | Output::Wide => {
                table(k, kind, &found, output == Output::Wide, all_namespaces)
            }
        };
    } else if names.is_empty() {
        return Outcome::Print(k.no_resources());
    }
    if missing.is_empty() {
        Outcome::Print(out)
    } else {
        let errors: String = missing
            .iter()
            .map(|n| {
                format!(
                    "Error from server (NotFound): {} \"{n}\" not found\n",
                    kind.resource()
                )
            })
            .collect();
        if out.is_empty() {
            Outcome::Fail(errors)
        } else {
            Outcome::Print(out + &errors)
        }
    }
}

/// `kubectl get … -o yaml|json|name|jsonpath -w` on the objects `found` (`watch_objects`).
fn watched_objects(
    k: &Kube,
    kind: Kind,
    found: &[usize],
    output: Output,
    template: Option<&Template>,
    how: super::parse::GetWatch,
) -> Outcome {
    let objects = found
        .iter()
        .map(|&i| {
            (
                objects::object(k, kind, i),
                format!("{}/{}\n", kind.prefix(), name_of(k, kind, i)),
            )
        })
        .collect();
    super::watch_objects::watched(k, objects, output, template, how)
}

fn name_of(k: &Kube, kind: Kind, i: usize) -> String {
    match kind {
        Kind::Pod => k.eks.pods[i].name.clone(),
        Kind::Deployment | Kind::DaemonSet | Kind::StatefulSet => k.eks.deployments[i].name.clone(),
        Kind::ReplicaSet => k.eks.replica_sets[i].name.clone(),
        Kind::Node => k.eks.nodes[i].name.clone(),
        Kind::Hpa => k.eks.hpas[i].name.clone(),
        Kind::Service => services(k)
            .get(i)
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        Kind::Pdb => k.eks.pdbs[i].name.clone(),
        Kind::Event
        | Kind::PersistentVolumeClaim
        | Kind::PersistentVolume
        | Kind::StorageClass
        | Kind::Namespace
        | Kind::Endpoints => String::new(),
    }
}

/// An age as kubectl prints it, from an object's creation to now.
pub fn age(now: SimTime, created: SimTime) -> String {
    now.since(created).kube_age()
}

/// The RESTARTS column: `2 (45s ago)` after a restart, else the count.
pub fn restarts(k: &Kube, p: usize) -> String {
    let pod = &k.eks.pods[p];
    let total = pod.restarts_total();
    if total == 0 {
        return "0".into();
    }
    let object = format!("pod/{}", pod.name);
    let last = k
        .events_of(&object)
        .filter(|e| matches!(&e.kind, EventKind::Kube { reason, .. } if reason == "Started"))
        .map(|e| e.at)
        .last();
    match last {
        Some(at) => format!("{total} ({} ago)", k.now.since(at).kube_age()),
        None => total.to_string(),
    }
}

/// The pod's READY column for a pod with several containers: ready app containers and
/// native sidecars / all of them (kubectl's `printPod`; ordinary init containers do not
/// count).
pub fn ready_of(k: &Kube, p: usize) -> String {
    let pod = &k.eks.pods[p];
    let t = k.eks.template_of(p);
    if t.containers.is_empty() && t.init_containers.iter().all(|i| i.sidecar.is_none()) {
        return ready_column(pod.ready).into();
    }
    let (ready, of) = pod.ready_counts(t);
    format!("{ready}/{of}")
}

/// The pod's READY column: ready containers / containers.
pub fn ready_column(ready: bool) -> &'static str {
    if ready { "1/1" } else { "0/1" }
}

/// The STATUS column: kubectl shows `Completed`/`Error` for terminated containers and the
/// waiting reason while waiting.
pub fn pod_status(k: &Kube, p: usize) -> String {
    let pod = &k.eks.pods[p];
    if pod.deleting_at.is_none()
        && pod.node.is_some()
        && let ContainerState::Terminated { exit_code, .. } = &pod.state
    {
        return if *exit_code == 0 {
            "Completed".into()
        } else {
            pod.status()
        };
    }
    pod.status()
}

/// A node's STATUS column.
pub fn node_status(k: &Kube, n: usize) -> String {
    let node = &k.eks.nodes[n];
    let mut s = if node.ready { "Ready" } else { "NotReady" }.to_string();
    if node_cordoned(node) {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// `spec.unschedulable`: set by `kubectl cordon`/`drain` (the autoscalers taint instead).
pub fn node_cordoned(node: &crate::k8s::cluster::Node) -> bool {
    node.cordoned
}

fn table(k: &Kube, kind: Kind, found: &[usize], wide: bool, all_namespaces: bool) -> String {
    let now = k.now;
    // Under `-A` each row starts with the object's own namespace.
    let ns = |namespace: &str, mut row: Vec<String>| {
        if all_namespaces {
            row.insert(0, namespace.to_string());
        }
        row
    };
    let header = |h: &[&'static str]| -> Vec<&'static str> {
        let mut v = Vec::new();
        if all_namespaces {
            v.push("NAMESPACE");
        }
        v.extend_from_slice(h);
        v
    };
    match kind {
        Kind::Pod => {
            let mut h = vec!["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
            if wide {
                h.extend(["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
            }
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|&p| {
                    let pod = &k.eks.pods[p];
                    let mut r = vec![
                        pod.name.clone(),
                        ready_of(k, p),
                        pod_status(k, p),
                        restarts(k, p),
                        age(now, pod.created_at),
                    ];
                    if wide {
                        let nominated = k.eks.karpenter.as_ref().and_then(|kp| {
                            kp.nominated
                                .get(&p)
                                .and_then(|&c| kp.claims.get(c))
                                .map(|c| c.name.clone())
                        });
                        r.extend([
                            pod.ip.clone().unwrap_or_else(|| "<none>".into()),
                            pod.node
                                .map_or_else(|| "<none>".into(), |n| k.eks.nodes[n].name.clone()),
                            nominated.unwrap_or_else(|| "<none>".into()),
                            "<none>".into(),
                        ]);
                    }
                    ns(k.pod_namespace(p), r)
                })
                .collect();
            render(&header(&h), &rows)
        }
        Kind::Deployment => {
            let mut h = vec!["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"];
            if wide {
                h.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
            }
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|&d| {
                    let st = read::deployment_status(k.eks, d, now);
                    let dep = &k.eks.deployments[d];
                    let mut r = vec![
                        dep.name.clone(),
                        st.ready_column(),
                        st.updated_replicas.to_string(),
                        st.available_replicas.to_string(),
                        age(now, SimTime::ZERO),
                    ];
                    if wide {
                        r.extend([
                            dep.template.container.clone(),
                            dep.template.image.clone(),
                            EksCluster::format_labels(&k.eks.selector_labels(d)),
                        ]);
                    }
                    ns(&dep.namespace, r)
                })
                .collect();
            render(&header(&h), &rows)
        }
        Kind::ReplicaSet => {
            let mut h = vec!["NAME", "DESIRED", "CURRENT", "READY", "AGE"];
            if wide {
                h.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
            }
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|&r| {
                    let st = read::replica_set_status(k.eks, r, now);
                    let rs = &k.eks.replica_sets[r];
                    let mut row = vec![
                        rs.name.clone(),
                        st.desired.to_string(),
                        st.replicas.to_string(),
                        st.ready_replicas.to_string(),
                        age(now, rs.created_at),
                    ];
                    if wide {
                        row.extend([rs.template.container.clone(), rs.template.image.clone(), {
                            let mut selector = k.eks.selector_labels(rs.deployment);
                            selector
                                .push(("pod-template-hash".into(), rs.pod_template_hash.clone()));
                            EksCluster::format_labels(&selector)
                        }]);
                    }
                    ns(&k.eks.deployments[rs.deployment].namespace, row)
                })
                .collect();
            render(&header(&h), &rows)
        }
        Kind::Node => {
            let mut h = vec!["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
            if wide {
                h.extend([
                    "INTERNAL-IP",
                    "EXTERNAL-IP",
                    "OS-IMAGE",
                    "KERNEL-VERSION",
                    "CONTAINER-RUNTIME",
                ]);
            }
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|&n| {
                    let node = &k.eks.nodes[n];
                    let mut r = vec![
                        node.name.clone(),
                        node_status(k, n),
                        "<none>".into(),
                        age(now, node.created_at),
                        NODE_VERSION.into(),
                    ];
                    if wide {
                        r.extend([
                            node.private_ip.clone(),
                            "<none>".into(),
                            "Amazon Linux 2023.6.20250203".into(),
                            "6.1.127-135.201.amzn2023.x86_64".into(),
                            "containerd://1.7.25".into(),
                        ]);
                    }
                    r
                })
                .collect();
            render(&h, &rows)
        }
        Kind::Hpa => {
            let h = [
                "NAME",
                "REFERENCE",
                "TARGETS",
                "MINPODS",
                "MAXPODS",
                "REPLICAS",
                "AGE",
            ];
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|&i| {
                    let hpa = &k.eks.hpas[i];
                    let dep = &k.eks.deployments[hpa.deployment];
                    // Before its first sync, and after one that could not compute the
                    // utilization, the HPA has no current metric.
                    let current = if hpa.measured {
                        format!("{:.0}%", hpa.current_utilization)
                    } else {
                        "<unknown>".to_string()
                    };
                    ns(
                        &dep.namespace,
                        vec![
                            hpa.name.clone(),
                            format!("Deployment/{}", dep.name),
                            format!("cpu: {current}/{:.0}%", hpa.target_cpu_utilization),
                            hpa.min_replicas.to_string(),
                            hpa.max_replicas.to_string(),
                            dep.replicas.to_string(),
                            age(now, SimTime::ZERO),
                        ],
                    )
                })
                .collect();
            render(&header(&h), &rows)
        }
        Kind::Service => {
            let mut h = vec![
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ];
            if wide {
                h.push("SELECTOR");
            }
            let all = services(k);
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|&i| {
                    let s = &all[i];
                    let mut r = vec![
                        s.name.clone(),
                        s.kind.clone(),
                        s.cluster_ip.clone(),
                        s.external.clone(),
                        s.ports.clone(),
                        age(now, SimTime::ZERO),
                    ];
                    if wide {
                        r.push(if s.selector.is_empty() {
                            "<none>".into()
                        } else {
                            EksCluster::format_labels(&s.selector)
                        });
                    }
                    ns(&s.namespace, r)
                })
                .collect();
            render(&header(&h), &rows)
        }
        Kind::StatefulSet => {
            // kubectl's StatefulSet columns (`printers/internalversion/printers.go`,
            // `statefulSetColumnDefinitions`): READY is ready/spec.replicas.
            let mut h = vec!["NAME", "READY", "AGE"];
            if wide {
                h.extend(["CONTAINERS", "IMAGES"]);
            }
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|&d| {
                    let st = crate::k8s::statefulset_read::status(k.eks, d, now);
                    let ss = &k.eks.deployments[d];
                    let mut r = vec![
                        ss.name.clone(),
                        format!("{}/{}", st.ready, st.replicas),
                        age(now, SimTime::ZERO),
                    ];
                    if wide {
                        r.extend([ss.template.container.clone(), ss.template.image.clone()]);
                    }
                    ns(&ss.namespace, r)
                })
                .collect();
            render(&header(&h), &rows)
        }
        Kind::DaemonSet => {
            // kubectl's DaemonSet columns (`printers/internalversion/printers.go`,
            // `daemonSetColumnDefinitions`); Orca's DaemonSets have no node selector.
            let mut h = vec![
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ];
            if wide {
                h.extend(["CONTAINERS", "IMAGES", "SELECTOR"]);
            }
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|&d| {
                    let st = crate::k8s::daemonset_controller::status(k.eks, d, now);
                    let ds = &k.eks.deployments[d];
                    let mut r = vec![
                        ds.name.clone(),
                        st.desired.to_string(),
                        st.current.to_string(),
                        st.ready.to_string(),
                        st.up_to_date.to_string(),
                        st.available.to_string(),
                        "<none>".into(),
                        age(now, SimTime::ZERO),
                    ];
                    if wide {
                        r.extend([
                            ds.template.container.clone(),
                            ds.template.image.clone(),
                            EksCluster::format_labels(&k.eks.selector_labels(d)),
                        ]);
                    }
                    ns(&ds.namespace, r)
                })
                .collect();
            render(&header(&h), &rows)
        }
        Kind::Pdb => super::pdb::table(k, found, all_namespaces),
        Kind::Event
        | Kind::PersistentVolumeClaim
        | Kind::PersistentVolume
        | Kind::StorageClass
        | Kind::Namespace
        | Kind::Endpoints => String::new(),
    }
}

/// What `-o json|yaml|jsonpath` prints from: one object when one was named and found, else a
/// `List` of them.
fn listed(k: &Kube, kind: Kind, found: &[usize], one_named: bool) -> serde_json::Value {
    list_of(
        found.iter().map(|&i| objects::object(k, kind, i)).collect(),
        one_named,
    )
}

/// `--sort-by`: the objects in the order of the field the path finds in each (numbers by value,
/// strings and timestamps as text; objects without it first), kept in their order on ties. A
/// path no object has is an error, as in kubectl.
fn sort(k: &Kube, kind: Kind, found: &mut Vec<usize>, expr: &str) -> Result<(), String> {
    sort_by_path(found, |&i| objects::object(k, kind, i), expr)
}
