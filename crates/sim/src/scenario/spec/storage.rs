//! Storage on EKS: StorageClasses and PersistentVolumeClaims (the EBS CSI driver provisions
//! one zone-bound volume per claim). Defaults are the Kubernetes API's and the driver's.
//! Rules: `docs/rules/storage.md`.

use serde::{Deserialize, Serialize};

/// `volumeBindingMode` of a StorageClass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum VolumeBindingMode {
    /// The Kubernetes default: the volume is created as soon as the claim exists, in a zone
    /// chosen without knowing where its pod will run.
    #[default]
    Immediate,
    /// The volume is created once a pod uses the claim, in the zone of the node the scheduler
    /// picked for that pod.
    WaitForFirstConsumer,
}

/// A `storage.k8s.io/v1` StorageClass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageClassSpec {
    pub name: String,
    /// The CSI driver that provisions its volumes (default the EBS CSI driver).
    #[serde(default = "ebs_provisioner")]
    pub provisioner: String,
    #[serde(default)]
    pub volume_binding_mode: VolumeBindingMode,
    /// `parameters.type`: the EBS volume type (driver default gp3).
    #[serde(default = "gp3")]
    pub volume_type: String,
    /// The `storageclass.kubernetes.io/is-default-class` annotation: claims that name no class
    /// get this one.
    #[serde(default)]
    pub is_default: bool,
    /// EFS CSI driver parameters (`provisioner: "efs.csi.aws.com"`): `provisioningMode`
    /// (only `efs-ap`, an access point per claim).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_mode: Option<String>,
    /// `fileSystemId`: the EFS file system the access points are made on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_system_id: Option<String>,
    /// `directoryPerms`: the octal permissions of each access point's root directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_perms: Option<String>,
    /// `gidRangeStart` (driver default 50000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gid_range_start: Option<u32>,
    /// `gidRangeEnd` (driver default 7000000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gid_range_end: Option<u32>,
    /// `basePath`: the directory under which each access point's root is made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
}

/// An access mode of a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AccessModeSpec {
    /// One node at a time (`RWO`): what an EBS volume allows.
    #[default]
    ReadWriteOnce,
    /// Many nodes at once (`RWX`): EFS, not EBS.
    ReadWriteMany,
}

/// A PersistentVolumeClaim in the scenario's namespace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistentVolumeClaimSpec {
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

/// The EBS CSI driver's name.
pub fn ebs_provisioner() -> String {
    crate::k8s::volumes::EBS_CSI.into()
}

fn gp3() -> String {
    "gp3".into()
}

fn four() -> u32 {
    4
}

/// `persistentVolumeReclaimPolicy` of a PersistentVolume written by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ReclaimPolicySpec {
    /// The Kubernetes default for a PV written by hand: the volume (and the data) stays when
    /// its claim is deleted.
    #[default]
    Retain,
    Delete,
}

/// A PersistentVolume written by hand (static provisioning) for the EFS CSI driver
/// (aws-efs-csi-driver, `examples/kubernetes/efs/static_provisioning`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersistentVolumeSpec {
    pub name: String,
    /// `spec.capacity.storage` in GiB: a placeholder for EFS, which is elastic, but the PV
    /// controller compares it with the claim's request.
    #[serde(default = "five")]
    pub storage_gib: u32,
    #[serde(default = "read_write_many")]
    pub access_mode: AccessModeSpec,
    /// `spec.storageClassName`: `""` (no class; the default) or a class name. A claim binds
    /// to a PV of the same class.
    #[serde(default)]
    pub storage_class: String,
    #[serde(default)]
    pub reclaim_policy: ReclaimPolicySpec,
    /// `spec.csi.driver` (only the EFS CSI driver is simulated for PVs written by hand).
    #[serde(default = "efs_driver")]
    pub driver: String,
    /// `spec.csi.volumeHandle`: `fs-…`, `fs-…:/dir`, `fs-…::fsap-…` or `fs-…:/dir:fsap-…`.
    pub volume_handle: String,
    /// `spec.mountOptions`, passed to the EFS mount helper (`az=us-east-1a`: the mount
    /// target of that zone, for a node in another zone).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mount_options: Vec<String>,
    /// `spec.csi.volumeAttributes.encryptInTransit` (driver default true: TLS).
    #[serde(default = "yes")]
    pub encrypt_in_transit: bool,
}

fn five() -> u32 {
    5
}

fn read_write_many() -> AccessModeSpec {
    AccessModeSpec::ReadWriteMany
}

fn efs_driver() -> String {
    crate::k8s::volumes::EFS_CSI.into()
}

fn yes() -> bool {
    true
}
