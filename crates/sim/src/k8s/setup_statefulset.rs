//! A scenario's StatefulSet as the run starts: the workload with its first revision and its
//! volume claim templates, and no pods yet — the StatefulSet controller creates them in the
//! first seconds, in order (`docs/rules/k8s-statefulsets.md`).

use super::cluster::{DeploymentState, EksCluster, Template, WorkloadKind};
use super::objects;
use super::rollout::IntOrPercent;
use super::statefulset::{ClaimTemplate, PodPolicy, StatefulSet};
use super::storage::AccessMode;
use crate::scenario::spec::{AccessModeSpec, PodManagementPolicy, StatefulSetSpec};
use crate::time::SimTime;

/// Add the StatefulSet `spec` with pod template `t` (validation guarantees its classes exist).
pub fn add_stateful_set(c: &mut EksCluster, spec: &StatefulSetSpec, t: Template) -> usize {
    let mut dep = DeploymentState::new(&spec.name, spec.replicas, t, SimTime::ZERO);
    dep.kind = WorkloadKind::StatefulSet;
    dep.namespace = c.namespace.clone();
    dep.min_ready_seconds = u64::from(spec.min_ready_seconds);
    dep.max_surge = IntOrPercent::Int(0);
    dep.max_unavailable = IntOrPercent::Int(1);
    dep.progressing = None;
    dep.status = Default::default();
    c.deployments.push(dep);
    let d = c.deployments.len() - 1;
    let rs = objects::new_replica_set(c, d, SimTime::ZERO);
    let default_class = c.storage.classes.iter().position(|s| s.is_default);
    let claim_templates = spec
        .volume_claim_templates
        .iter()
        .map(|v| ClaimTemplate {
            name: v.name.clone(),
            class: match &v.storage_class {
                Some(n) => c.storage.classes.iter().position(|s| &s.name == n),
                None => default_class,
            },
            storage_gib: v.storage_gib,
            access: match v.access_mode {
                AccessModeSpec::ReadWriteOnce => AccessMode::ReadWriteOnce,
                AccessModeSpec::ReadWriteMany => AccessMode::ReadWriteMany,
            },
        })
        .collect();
    c.stateful_sets.push(StatefulSet {
        workload: d,
        policy: match spec.pod_management_policy {
            PodManagementPolicy::OrderedReady => PodPolicy::OrderedReady,
            PodManagementPolicy::Parallel => PodPolicy::Parallel,
        },
        partition: spec.partition,
        service_name: spec.service_name.clone(),
        claim_templates,
        current_revision: Some(rs),
        waiting_for: None,
    });
    d
}
