//! StatefulSets (apps/v1) on EKS: stable pod names, one PersistentVolumeClaim per pod from
//! `volumeClaimTemplates`, ordered or parallel pod management, RollingUpdate with `partition`.
//! Defaults are the Kubernetes API's. Rules: `docs/rules/k8s-statefulsets.md`.

use super::{AccessModeSpec, K8sContainerSpec, defaults};
use serde::{Deserialize, Serialize};

/// `spec.podManagementPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PodManagementPolicy {
    /// The default: pods are created 0..N-1, each once the one before is Running and Ready,
    /// and removed from the highest ordinal down, one at a time.
    #[default]
    OrderedReady,
    /// Pods are created and removed all at once, without waiting for each other.
    Parallel,
}

/// A StatefulSet of the scenario's namespace. It starts with no pods: the controller creates
/// them as the run begins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatefulSetSpec {
    pub name: String,
    /// `spec.replicas` (Kubernetes default 1).
    #[serde(default = "defaults::one")]
    pub replicas: u32,
    /// `spec.serviceName`: the headless Service that gives each pod its DNS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    pub container: K8sContainerSpec,
    #[serde(default)]
    pub pod_management_policy: PodManagementPolicy,
    /// `updateStrategy.rollingUpdate.partition`: only ordinals at or above it are updated.
    #[serde(default)]
    pub partition: u32,
    #[serde(default)]
    pub min_ready_seconds: u32,
    /// `volumeClaimTemplates`: each pod gets a claim `<template>-<set>-<ordinal>` of its own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_claim_templates: Vec<VolumeClaimTemplateSpec>,
}

/// One entry of `volumeClaimTemplates`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeClaimTemplateSpec {
    /// `metadata.name`, the first part of every claim's name.
    pub name: String,
    /// `spec.storageClassName`; none takes the default class.
    #[serde(default)]
    pub storage_class: Option<String>,
    /// `spec.resources.requests.storage` in GiB.
    #[serde(default = "four")]
    pub storage_gib: u32,
    #[serde(default)]
    pub access_mode: AccessModeSpec,
}

fn four() -> u32 {
    4
}
