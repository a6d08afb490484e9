//! The storage objects of the EKS world as plain data: StorageClasses, PersistentVolumeClaims,
//! the PersistentVolumes provisioned for them and their attachment to a node. The rules about
//! them are in `volumes.rs` (which re-exports these types) and the controllers that change
//! them in `volume_binding.rs` and `volume_controller.rs`.

use serde::Serialize;

use crate::time::SimTime;

/// An access mode of a claim or volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AccessMode {
    ReadWriteOnce,
    ReadWriteMany,
}

impl AccessMode {
    /// kubectl's ACCESS MODES column.
    pub fn short(self) -> &'static str {
        match self {
            AccessMode::ReadWriteOnce => "RWO",
            AccessMode::ReadWriteMany => "RWX",
        }
    }
}

/// A StorageClass.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StorageClass {
    pub name: String,
    pub provisioner: String,
    /// `volumeBindingMode: WaitForFirstConsumer` (else `Immediate`).
    pub wait_for_first_consumer: bool,
    /// `parameters.type`.
    pub volume_type: String,
    pub is_default: bool,
}

/// A volume being created for a claim: in `zone`, for the pod the scheduler put on `node`
/// (none for an `Immediate` claim), ready at `done_at`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provisioning {
    pub node: Option<usize>,
    pub zone: String,
    pub done_at: SimTime,
}

/// A PersistentVolumeClaim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    pub name: String,
    pub namespace: String,
    /// Index into `Storage::classes` (resolved at build: named, or the default class).
    pub class: Option<usize>,
    pub storage_gib: u32,
    pub access: AccessMode,
    pub created_at: SimTime,
    /// The PersistentVolume it is bound to.
    pub volume: Option<usize>,
    pub provisioning: Option<Provisioning>,
    /// `WaitForFirstConsumer` was reported (once).
    pub reported_waiting: bool,
    /// The `volume.kubernetes.io/selected-node` annotation: the node the scheduler chose for
    /// the claim's first consumer.
    pub selected_node: Option<usize>,
}

/// Where a volume is attached: to `node`, usable from `ready_at`; detached at `detach_at`
/// once no pod on the node uses it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attachment {
    pub node: usize,
    pub ready_at: SimTime,
    pub detach_at: Option<SimTime>,
}

/// A PersistentVolume (an EBS volume): one zone, one node at a time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Volume {
    /// `pvc-<uid of the claim>`.
    pub name: String,
    pub claim: usize,
    pub zone: String,
    pub storage_gib: u32,
    pub access: AccessMode,
    /// The EBS volume id (`vol-…`): the PV's `volumeHandle`.
    pub volume_id: String,
    pub volume_type: String,
    pub created_at: SimTime,
    pub attachment: Option<Attachment>,
}

/// The storage part of the EKS world.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Storage {
    /// The minor version of the cluster's Kubernetes (1.`minor`).
    pub minor: u32,
    pub classes: Vec<StorageClass>,
    pub claims: Vec<Claim>,
    pub volumes: Vec<Volume>,
    /// Pods (by uid) whose Multi-Attach error or successful attach was reported.
    pub reported_multi_attach: Vec<String>,
    pub reported_attached: Vec<String>,
}

impl Storage {
    /// The claim called `name` in `namespace`.
    pub fn claim_named(&self, namespace: &str, name: &str) -> Option<usize> {
        self.claims
            .iter()
            .position(|c| c.name == name && c.namespace == namespace)
    }
}
