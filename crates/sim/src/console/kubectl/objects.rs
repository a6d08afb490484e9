//! Kubernetes objects as the API server returns them (`-o json`, `-o yaml`): `apiVersion`,
//! `kind`, `metadata`, `spec`, `status`, with the fields Orca models. kubectl prints their keys
//! in alphabetical order (they come to it as JSON maps), so every map is sorted.

use serde_json::{Map, Value, json};

use super::Kube;
use super::parse::Kind;
use super::services::{NODE_VERSION, services};
use crate::k8s::cluster::ContainerState;
use crate::k8s::read;
use crate::time::SimTime;

pub fn object(k: &Kube, kind: Kind, i: usize) -> Value {
    let v = match kind {
        Kind::Pod => pod(k, i),
        Kind::Deployment => deployment(k, i),
        Kind::ReplicaSet => replica_set(k, i),
        Kind::DaemonSet => daemon_set(k, i),
        Kind::StatefulSet => super::statefulset::object(k, i),
        Kind::Node => node(k, i),
        Kind::Hpa => hpa(k, i),
        Kind::Service => service(k, i),
        Kind::Pdb => super::pdb::object(k, i),
        Kind::Event
        | Kind::PersistentVolumeClaim
        | Kind::PersistentVolume
        | Kind::StorageClass
        | Kind::Namespace
        | Kind::Endpoints => Value::Null,
    };
    sorted(v)
}

/// The value with every map's keys in alphabetical order.
pub(super) fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

pub(super) fn ts(t: SimTime) -> String {
    // RFC 3339 without fractions, as the API server writes creationTimestamp.
    let iso = t.iso8601();
    format!("{}Z", &iso[..19])
}

/// A uid for an object from its kind and name (the API server draws them at random; reading
/// must not draw from the run's streams).
pub(super) fn uid(kind: &str, name: &str) -> String {
    let h = crate::hash::fnv1a(kind.bytes().chain(name.bytes()));
    let g = h.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15;
    let x = format!("{h:016x}{g:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &x[..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

fn labels(pairs: Vec<(String, String)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect(),
    )
}

fn container(t: &crate::k8s::cluster::Template) -> Value {
    let mut c = json!({
        "image": t.image,
        "imagePullPolicy": t.pull_policy.as_str(),
        "name": t.container,
        "ports": [{"containerPort": t.port, "protocol": "TCP"}],
        "resources": {"requests": {"memory": format!("{}Mi", t.requests.memory_mib)}},
    });
    if t.cpu_requested {
        c["resources"]["requests"]["cpu"] = json!(format!("{}m", t.requests.cpu_millis));
    }
    let probe = |path: &str, failure: u32| json!({"failureThreshold": failure, "httpGet": {"path": path, "port": t.port, "scheme": "HTTP"}, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1});
    if t.readiness_probe {
        c["readinessProbe"] = probe("/ready", 3);
    }
    if t.liveness_probe {
        c["livenessProbe"] = probe("/healthz", 3);
    }
    if t.startup_probe {
        c["startupProbe"] = probe("/started", 30);
    }
    c
}

fn pod(k: &Kube, p: usize) -> Value {
    let pod = &k.eks.pods[p];
    let rs = &k.eks.replica_sets[pod.replica_set];
    let t = &rs.template;
    let conditions: Vec<Value> = read::pod_conditions(pod)
        .into_iter()
        .map(|c| {
            let mut v = json!({"status": if c.status { "True" } else { "False" }, "type": c.kind});
            if let Some(r) = c.reason {
                v["reason"] = json!(r);
            }
            v
        })
        .collect();
    let state = match &pod.state {
        ContainerState::Waiting { reason } => json!({"waiting": {"reason": reason}}),
        ContainerState::Running { started_at } => {
            json!({"running": {"startedAt": ts(*started_at)}})
        }
        ContainerState::Terminated { reason, exit_code } => {
            json!({"terminated": {"exitCode": exit_code, "reason": reason}})
        }
    };
    let phase = if pod.node.is_none() {
        "Pending"
    } else if matches!(pod.state, ContainerState::Running { .. }) || pod.restarts > 0 {
        "Running"
    } else {
        "Pending"
    };
    // A DaemonSet's or StatefulSet's pod is owned by the workload itself, a Deployment's by
    // its ReplicaSet.
    let w = &k.eks.deployments[rs.deployment];
    let (owner_kind, owner) = match w.kind {
        crate::k8s::cluster::WorkloadKind::Deployment => ("ReplicaSet", &rs.name),
        crate::k8s::cluster::WorkloadKind::DaemonSet => ("DaemonSet", &w.name),
        crate::k8s::cluster::WorkloadKind::StatefulSet => ("StatefulSet", &w.name),
    };
    let mut metadata = json!({
        "creationTimestamp": ts(pod.created_at),
        "generateName": format!("{owner}-"),
        "labels": labels(k.pod_labels(p)),
        "name": pod.name,
        "namespace": k.pod_namespace(p),
        "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": owner_kind, "name": owner, "uid": uid(owner_kind, owner)}],
        "uid": pod.uid,
    });
    // A StatefulSet names its pods itself (`web-0`), without generateName.
    if w.kind == crate::k8s::cluster::WorkloadKind::StatefulSet
        && let Some(m) = metadata.as_object_mut()
    {
        m.remove("generateName");
    }
    if let Some(at) = pod.deleting_at {
        metadata["deletionTimestamp"] = json!(ts(at));
        metadata["deletionGracePeriodSeconds"] = json!(30);
    }
    let mut spec = json!({
        "containers": [container(t)],
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "serviceAccountName": crate::k8s::service_accounts::of_pod(k.eks, p),
        "terminationGracePeriodSeconds": 30,
    });
    if let Some(n) = pod.node {
        spec["nodeName"] = json!(k.eks.nodes[n].name);
    }
    let mut status = json!({
        "conditions": conditions,
        "phase": phase,
        "qosClass": "Burstable",
        "startTime": ts(pod.created_at),
    });
    if pod.node.is_some() {
        status["containerStatuses"] = json!([{
            "image": t.image,
            "name": t.container,
            "ready": pod.ready,
            "restartCount": pod.restarts,
            "started": matches!(pod.state, ContainerState::Running { .. }),
            "state": state,
        }]);
    }
    if let Some(ip) = &pod.ip {
        status["podIP"] = json!(ip);
        status["podIPs"] = json!([{"ip": ip}]);
    }
    if let Some(n) = pod.node {
        status["hostIP"] = json!(k.eks.nodes[n].private_ip);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec, "status": status})
}

fn deployment(k: &Kube, d: usize) -> Value {
    let dep = &k.eks.deployments[d];
    let st = read::deployment_status(k.eks, d, k.now);
    let revision = k
        .eks
        .current_replica_set(d)
        .map_or(1, |r| k.eks.replica_sets[r].revision);
    let strategy = if dep.recreate {
        json!({"type": "Recreate"})
    } else {
        json!({"rollingUpdate": {"maxSurge": int_or_percent(dep.max_surge), "maxUnavailable": int_or_percent(dep.max_unavailable)}, "type": "RollingUpdate"})
    };
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "annotations": {"deployment.kubernetes.io/revision": revision.to_string()},
            "creationTimestamp": ts(SimTime::ZERO),
            "generation": revision,
            "labels": labels(k.eks.template_labels(d)),
            "name": dep.name,
            "namespace": dep.namespace,
            "uid": uid("Deployment", &dep.name),
        },
        "spec": {
            "minReadySeconds": dep.min_ready_seconds,
            "progressDeadlineSeconds": dep.progress_deadline_seconds,
            "replicas": dep.replicas,
            "revisionHistoryLimit": dep.revision_history_limit,
            "selector": {"matchLabels": labels(k.eks.selector_labels(d))},
            "strategy": strategy,
            "template": {"metadata": {"labels": labels(k.eks.template_labels(d))}, "spec": {"containers": [container(&dep.template)]}},
        },
        "status": deployment_status(k, d, &st, revision),
    })
}

/// A Deployment's `status`: the counts, with `unavailableReplicas` only when some are (the API
/// omits a zero), and its conditions as `kubectl describe` lists them. Orca keeps the times of
/// `Progressing` only; `Available` is shown without them [model].
fn deployment_status(k: &Kube, d: usize, st: &read::DeploymentStatus, revision: u32) -> Value {
    let dep = &k.eks.deployments[d];
    let conditions: Vec<Value> = read::deployment_conditions(k.eks, d, k.now)
        .into_iter()
        .map(|c| {
            let status = if c.unknown {
                "Unknown"
            } else if c.status {
                "True"
            } else {
                "False"
            };
            let mut v =
                json!({"message": c.message, "reason": c.reason, "status": status, "type": c.kind});
            if let (Some(p), "Progressing") = (&dep.progressing, c.kind) {
                v["lastTransitionTime"] = json!(ts(p.last_transition));
                v["lastUpdateTime"] = json!(ts(p.last_update));
            }
            v
        })
        .collect();
    let mut status = json!({
        "availableReplicas": st.available_replicas,
        "conditions": conditions,
        "observedGeneration": revision,
        "readyReplicas": st.ready_replicas,
        "replicas": st.total_replicas,
        "updatedReplicas": st.updated_replicas,
    });
    let unavailable = dep.replicas.saturating_sub(st.available_replicas);
    if unavailable > 0 {
        status["unavailableReplicas"] = json!(unavailable);
    }
    status
}

fn replica_set(k: &Kube, r: usize) -> Value {
    let rs = &k.eks.replica_sets[r];
    let st = read::replica_set_status(k.eks, r, k.now);
    let dep = &k.eks.deployments[rs.deployment];
    let hash = (
        "pod-template-hash".to_string(),
        rs.pod_template_hash.clone(),
    );
    let mut own = k.eks.template_labels(rs.deployment);
    own.push(hash.clone());
    let mut selector = k.eks.selector_labels(rs.deployment);
    selector.push(hash);
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "annotations": {"deployment.kubernetes.io/desired-replicas": dep.replicas.to_string(), "deployment.kubernetes.io/revision": rs.revision.to_string()},
            "creationTimestamp": ts(rs.created_at),
            "labels": labels(own.clone()),
            "name": rs.name,
            "namespace": dep.namespace,
            "ownerReferences": [{"apiVersion": "apps/v1", "blockOwnerDeletion": true, "controller": true, "kind": "Deployment", "name": dep.name, "uid": uid("Deployment", &dep.name)}],
            "uid": uid("ReplicaSet", &rs.name),
        },
        "spec": {
            "replicas": st.desired,
            "selector": {"matchLabels": labels(selector)},
            "template": {"metadata": {"labels": labels(own.clone())}, "spec": {"containers": [container(&rs.template)]}},
        },
        "status": {
            "availableReplicas": st.available_replicas,
            "readyReplicas": st.ready_replicas,
            "replicas": st.replicas,
        },
    })
}

fn daemon_set(k: &Kube, d: usize) -> Value {
    let ds = &k.eks.deployments[d];
    let st = crate::k8s::daemonset_controller::status(k.eks, d, k.now);
    let generation = k
        .eks
        .current_replica_set(d)
        .map_or(1, |r| k.eks.replica_sets[r].revision);
    let mut template = json!({"metadata": {"labels": labels(k.eks.template_labels(d))}, "spec": {"containers": [container(&ds.template)]}});
    if ds.host_network {
        template["spec"]["hostNetwork"] = json!(true);
    }
    if ds.tolerates_all_taints {
        template["spec"]["tolerations"] = json!([{"operator": "Exists"}]);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {
            "annotations": {"deprecated.daemonset.template.generation": generation.to_string()},
            "creationTimestamp": ts(SimTime::ZERO),
            "generation": generation,
            "labels": labels(k.eks.template_labels(d)),
            "name": ds.name,
            "namespace": ds.namespace,
            "uid": uid("DaemonSet", &ds.name),
        },
        "spec": {
            "revisionHistoryLimit": 10,
            "selector": {"matchLabels": labels(k.eks.selector_labels(d))},
            "template": template,
            "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": int_or_percent(ds.max_unavailable)}, "type": "RollingUpdate"},
        },
        "status": {
            "currentNumberScheduled": st.current,
            "desiredNumberScheduled": st.desired,
            "numberAvailable": st.available,
            "numberMisscheduled": 0,
            "numberReady": st.ready,
            "observedGeneration": generation,
            "updatedNumberScheduled": st.up_to_date,
        },
    })
}

fn node(k: &Kube, n: usize) -> Value {
    let node = &k.eks.nodes[n];
    let mut spec = json!({"providerID": format!("aws:///{}/{}", node.zone, node.name)});
    if node.cordoned {
        spec["unschedulable"] = json!(true);
        spec["taints"] =
            json!([{"effect": "NoSchedule", "key": "node.kubernetes.io/unschedulable"}]);
    }
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "creationTimestamp": ts(node.created_at),
            "labels": labels(k.node_labels(n)),
            "name": node.name,
            "uid": uid("Node", &node.name),
        },
        "spec": spec,
        "status": {
            "addresses": [{"address": node.private_ip, "type": "InternalIP"}, {"address": node.name, "type": "InternalDNS"}, {"address": node.name, "type": "Hostname"}],
            "allocatable": {"cpu": format!("{}m", node.allocatable_cpu_millis), "memory": format!("{}Mi", node.allocatable_memory_mib), "pods": node.max_pods.to_string()},
            "conditions": [{"reason": if node.ready { "KubeletReady" } else { "KubeletNotReady" }, "status": if node.ready { "True" } else { "False" }, "type": "Ready"}],
            "nodeInfo": {"architecture": "amd64", "containerRuntimeVersion": "containerd://1.7.25", "kubeletVersion": NODE_VERSION, "operatingSystem": "linux", "osImage": "Amazon Linux 2023.6.20250203"},
        },
    })
}

fn hpa(k: &Kube, h: usize) -> Value {
    let hpa = &k.eks.hpas[h];
    let dep = &k.eks.deployments[hpa.deployment];
    let mut v = json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": hpa.name, "namespace": dep.namespace, "uid": uid("HorizontalPodAutoscaler", &hpa.name)},
        "spec": {
            "maxReplicas": hpa.max_replicas,
            "metrics": [{"resource": {"name": "cpu", "target": {"averageUtilization": hpa.target_cpu_utilization.round() as u32, "type": "Utilization"}}, "type": "Resource"}],
            "minReplicas": hpa.min_replicas,
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": dep.name},
        },
        "status": {
            "conditions": hpa.conditions.listed().iter().map(|(t, c)| json!({
                "lastTransitionTime": ts(c.since),
                "message": c.message,
                "reason": c.reason,
                "status": if c.status { "True" } else { "False" },
                "type": t,
            })).collect::<Vec<_>>(),
            "currentReplicas": dep.replicas,
            "desiredReplicas": dep.replicas,
        },
    });
    // `status.currentMetrics`: the utilization when the last sync computed it; an empty status
    // for the metric when it failed (`computeReplicasForMetrics` fills one per metric); none
    // before the first sync or when no metric was read.
    let failed = hpa
        .conditions
        .scaling_active
        .as_ref()
        .is_some_and(|c| c.reason == "FailedGetResourceMetric");
    let current = if hpa.measured {
        Some(
            json!([{"resource": {"current": {"averageUtilization": hpa.current_utilization.round() as u32, "averageValue": hpa.average_value(dep.template.requests.cpu_millis)}, "name": "cpu"}, "type": "Resource"}]),
        )
    } else if failed {
        Some(json!([{"type": ""}]))
    } else {
        None
    };
    if let Some(current) = current {
        v["status"]["currentMetrics"] = current;
    }
    v
}

fn service(k: &Kube, i: usize) -> Value {
    let all = services(k);
    let Some(s) = all.get(i) else {
        return Value::Null;
    };
    let ports: Vec<Value> = s
        .port_list
        .iter()
        .map(|p| {
            let mut v =
                json!({"port": p.port, "protocol": p.protocol, "targetPort": p.target_port});
            if let Some(n) = p.name {
                v["name"] = json!(n);
            }
            if let Some(n) = p.node_port {
                v["nodePort"] = json!(n);
            }
            v
        })
        .collect();
    let mut spec = json!({
        "clusterIP": s.cluster_ip,
        "ports": ports,
        "type": s.kind,
    });
    if !s.selector.is_empty() {
        spec["selector"] = labels(s.selector.clone());
    }
    let status = if s.kind == "LoadBalancer" {
        json!({"loadBalancer": {"ingress": [{"hostname": s.external}]}})
    } else {
        json!({"loadBalancer": {}})
    };
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": service_metadata(s),
        "spec": spec,
        "status": status,
    })
}

/// A Service's `metadata`: labels and annotations only when it has some, as the API omits
/// empty maps.
fn service_metadata(s: &super::services::ServiceRow) -> Value {
    let mut m = json!({"name": s.name, "namespace": s.namespace, "uid": uid("Service", &s.name)});
    if !s.labels.is_empty() {
        m["labels"] = labels(s.labels.clone());
    }
    if !s.annotations.is_empty() {
        m["annotations"] = labels(s.annotations.clone());
    }
    m
}

/// An `IntOrString` as the API serves it: a number (`1`) or a percentage string (`"25%"`).
fn int_or_percent(v: crate::k8s::rollout::IntOrPercent) -> Value {
    match v {
        crate::k8s::rollout::IntOrPercent::Int(n) => json!(n),
        crate::k8s::rollout::IntOrPercent::Percent(_) => json!(v.to_string()),
    }
}
