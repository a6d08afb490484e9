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
    /// The EFS CSI driver's parameters, for a class of `efs.csi.aws.com`.
    pub efs: Option<EfsParameters>,
}

/// The parameters of an EFS StorageClass (`provisioningMode: efs-ap`): each claim gets an
/// access point on `file_system_id` whose root is `<base_path>/<PV name>`, owned by the next
/// free GID of the range.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EfsParameters {
    pub file_system_id: String,
    pub directory_perms: String,
    pub gid_range_start: u32,
    pub gid_range_end: u32,
    pub base_path: String,
}

/// What an EFS PersistentVolume mounts: the file system through an access point (its
/// `volumeHandle` is `fs-…::fsap-…`), or, for a PV written by hand, the file system's root or
/// a directory of it (`access_point_id` empty, `gid` 0).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EfsSource {
    pub file_system_id: String,
    pub access_point_id: String,
    /// The access point's POSIX user and group id.
    pub gid: u32,
    /// The access point's root directory (a PV written by hand: the directory it mounts).
    pub root_directory: String,
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

/// What a PersistentVolume written by hand (static provisioning) says beyond its EFS source:
/// no provisioner made it, and it waits `Available` until the PV controller binds a claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManualPv {
    /// `spec.storageClassName` (`""`: none).
    pub storage_class: String,
    /// `Retain` or `Delete`.
    pub reclaim_policy: &'static str,
    /// `spec.csi.volumeHandle` as written.
    pub volume_handle: String,
    /// `spec.mountOptions`.
    pub mount_options: Vec<String>,
    /// `volumeAttributes.encryptInTransit`.
    pub encrypt_in_transit: bool,
}

/// A PersistentVolume: an EBS volume (one zone, one node at a time) or an EFS access point
/// (`efs`: every zone with a mount target, any number of nodes; no zone, no attachment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Volume {
    /// `pvc-<uid of the claim>`, or the name a PV written by hand has.
    pub name: String,
    /// The claim it is bound to (a PV written by hand is `Available` until one binds).
    pub claim: Option<usize>,
    pub zone: String,
    pub storage_gib: u32,
    pub access: AccessMode,
    /// The EBS volume id (`vol-…`): the PV's `volumeHandle`.
    pub volume_id: String,
    pub volume_type: String,
    pub created_at: SimTime,
    pub attachment: Option<Attachment>,
    /// Set for a volume of the EFS CSI driver.
    pub efs: Option<EfsSource>,
    /// Set for a PV written by hand (static provisioning).
    pub manual: Option<ManualPv>,
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
    /// Amazon EFS file systems in the cluster's VPC.
    pub file_systems: Vec<crate::efs::FileSystem>,
    /// Seconds pods have spent writing to each file system (by index), summed over the pods.
    pub efs_writer_seconds: Vec<u64>,
    /// The EFS CSI driver add-on is installed.
    pub efs_driver: bool,
    /// The cluster's region (the file systems' DNS names).
    pub region: String,
    /// Pods (by uid) whose EFS `FailedMount` was reported.
    pub reported_mount_failed: Vec<String>,
    /// Mount targets being created: (file system index, zone, when it is `available`).
    pub creating_mount_targets: Vec<(usize, String, SimTime)>,
}

impl Storage {
    /// The file system with this id.
    pub fn file_system(&self, id: &str) -> Option<usize> {
        self.file_systems.iter().position(|f| f.id == id)
    }

    /// The claim called `name` in `namespace`.
    pub fn claim_named(&self, namespace: &str, name: &str) -> Option<usize> {
        self.claims
            .iter()
            .position(|c| c.name == name && c.namespace == namespace)
    }
}
