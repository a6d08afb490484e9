//! `kubectl describe statefulset` and `get statefulset -o json|yaml`
//! (`docs/rules/k8s-statefulsets.md`). The describe layout follows kubectl's
//! `describeStatefulSet` (`pkg/describe/describe.go`): replicas desired and total, the update
//! strategy with its partition, the pods' phases, the pod template, the volume claim templates
//! and the Events of `statefulset/<name>`.

use std::fmt::Write;

use serde_json::{Value, json};

use super::Kube;
use crate::k8s::statefulset;
use crate::k8s::statefulset_read;
use crate::time::SimTime;

/// `kubectl describe statefulset <name>` for workload `d`.
/// `events` is the Events section of `statefulset/<name>`.
pub fn describe(k: &Kube, d: usize, events: &str) -> String {
    let ss = &k.eks.deployments[d];
    let set = statefulset::of_workload(k.eks, d).map(|s| &k.eks.stateful_sets[s]);
    let (pods, running, waiting, failed) = k.workload_pods_status(d);
    let t = &ss.template;
    let mut o = String::new();
    let _ = writeln!(o, "Name:               {}", ss.name);
    let _ = writeln!(o, "Namespace:          {}", ss.namespace);
    let _ = writeln!(o, "CreationTimestamp:  {}", SimTime::ZERO.rfc1123());
    let _ = writeln!(o, "Selector:           app={}", ss.name);
    let _ = writeln!(o, "Labels:             <none>");
    let _ = writeln!(o, "Annotations:        <none>");
    let _ = writeln!(
        o,
        "Replicas:           {} desired | {} total",
        ss.replicas,
        pods.len()
    );
    let _ = writeln!(o, "Update Strategy:    RollingUpdate");
    let _ = writeln!(o, "  Partition:        {}", set.map_or(0, |s| s.partition));
    let _ = writeln!(
        o,
        "Pods Status:        {running} Running / {waiting} Waiting / 0 Succeeded / {failed} Failed"
    );
    o.push_str(&super::pod_template::described(
        &[format!("app={}", ss.name)],
        t,
        ss,
    ));
    if let Some(ct) = set.and_then(|s| s.claim_templates.first()) {
        let class = ct
            .class
            .map(|c| k.eks.storage.classes[c].name.clone())
            .unwrap_or_default();
        let _ = writeln!(o, "Volume Claims:");
        let _ = writeln!(o, "  Name:          {}", ct.name);
        let _ = writeln!(o, "  StorageClass:  {class}");
        let _ = writeln!(o, "  Labels:        <none>");
        let _ = writeln!(o, "  Annotations:   <none>");
        let _ = writeln!(o, "  Capacity:      {}Gi", ct.storage_gib);
        let _ = writeln!(o, "  Access Modes:  [{:?}]", ct.access);
    } else {
        let _ = writeln!(o, "Volume Claims:  <none>");
    }
    o.push_str(events);
    o
}

/// The StatefulSet as `-o json` shows it.
pub fn object(k: &Kube, d: usize) -> Value {
    let ss = &k.eks.deployments[d];
    let set = statefulset::of_workload(k.eks, d).map(|s| &k.eks.stateful_sets[s]);
    let st = statefulset_read::status(k.eks, d, k.now);
    let rev = |r: Option<usize>| {
        r.map(|r| k.eks.replica_sets[r].name.clone())
            .unwrap_or_default()
    };
    let templates: Vec<Value> = set
        .map(|s| s.claim_templates.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|ct| {
            json!({
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": ct.name},
                "spec": {
                    "accessModes": [format!("{:?}", ct.access)],
                    "resources": {"requests": {"storage": format!("{}Gi", ct.storage_gib)}},
                    "storageClassName": ct.class.map(|c| k.eks.storage.classes[c].name.clone()),
                    "volumeMode": "Filesystem",
                },
            })
        })
        .collect();
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {
            "name": ss.name,
            "namespace": ss.namespace,
            "generation": k.eks.current_replica_set(d).map_or(1, |r| k.eks.replica_sets[r].revision),
        },
        "spec": {
            "replicas": ss.replicas,
            "serviceName": set.and_then(|s| s.service_name.clone()).unwrap_or_default(),
            "podManagementPolicy": set.map_or("OrderedReady", |s| s.policy.as_str()),
            "minReadySeconds": ss.min_ready_seconds,
            "selector": {"matchLabels": {"app": ss.name}},
            "updateStrategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"partition": set.map_or(0, |s| s.partition)},
            },
            "template": {
                "metadata": {"labels": {"app": ss.name}},
                "spec": {"containers": [{
                    "name": ss.template.container,
                    "image": ss.template.image,
                    "ports": [{"containerPort": ss.template.port, "protocol": "TCP"}],
                }]},
            },
            "volumeClaimTemplates": templates,
        },
        "status": {
            "replicas": st.current,
            "readyReplicas": st.ready,
            "currentReplicas": st.current - st.updated.min(st.current),
            "updatedReplicas": st.updated,
            "currentRevision": rev(set.and_then(|s| s.current_revision)),
            "updateRevision": rev(k.eks.current_replica_set(d)),
        },
    })
}
