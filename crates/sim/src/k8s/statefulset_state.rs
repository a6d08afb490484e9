//! What only a StatefulSet has, as plain data (its pod management policy, partition, volume
//! claim templates and revisions). `statefulset.rs` re-exports it with the rules about it.

use serde::Serialize;

use super::storage::AccessMode;

/// `spec.podManagementPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PodPolicy {
    OrderedReady,
    Parallel,
}

impl PodPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            PodPolicy::OrderedReady => "OrderedReady",
            PodPolicy::Parallel => "Parallel",
        }
    }
}

/// One of `volumeClaimTemplates`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimTemplate {
    pub name: String,
    /// Index into `Storage::classes` (named, or the default class).
    pub class: Option<usize>,
    pub storage_gib: u32,
    pub access: AccessMode,
}

/// What only a StatefulSet has.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatefulSet {
    /// Its entry in `EksCluster::deployments`.
    pub workload: usize,
    pub policy: PodPolicy,
    /// `updateStrategy.rollingUpdate.partition`.
    pub partition: u32,
    pub service_name: Option<String>,
    pub claim_templates: Vec<ClaimTemplate>,
    /// `status.currentRevision`: the revision (ReplicaSet entry) pods below the partition are
    /// created from; it becomes the update revision once every pod runs it.
    pub current_revision: Option<usize>,
    /// The ordinal the last sync waited for (to be Running and Ready, or gone), if it did.
    pub waiting_for: Option<u32>,
}
