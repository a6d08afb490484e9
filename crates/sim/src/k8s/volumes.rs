//! Storage objects of the EKS world — StorageClasses, PersistentVolumeClaims, the
//! PersistentVolumes the EBS CSI driver provisions for them and their attachment to a node —
//! and the pure rules about them: the scheduler's volume reasons (worded for the cluster's
//! Kubernetes version), the PVC event texts, the read model the app draws.
//! Rules and sources: `docs/rules/storage.md`.

use serde::Serialize;

use super::cluster::EksCluster;
pub use super::efs_csi::{EFS_CSI, EFS_GID_RANGE_END, EFS_GID_RANGE_START};
pub use super::storage::*;
use crate::time::{Millis, SimTime};

/// The EBS CSI driver (EKS User Guide, "Use Kubernetes volume storage with Amazon EBS",
/// https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html).
pub const EBS_CSI: &str = "ebs.csi.aws.com";
/// The provisioner name EKS Auto Mode uses for EBS.
pub const EBS_CSI_AUTO_MODE: &str = "ebs.csi.eks.amazonaws.com";
/// The `From` of the provisioner's events: the driver's controller pod [model: the real name
/// ends in the pod's random suffix and the provisioner's identity].
pub const EBS_CSI_CONTROLLER: &str = "ebs.csi.aws.com_ebs-csi-controller-6d9b9b7f4c-2xq8j";
/// CreateVolume until the volume is `available` [model: a few seconds].
pub const PROVISION: Millis = Millis::from_secs(6);
/// AttachVolume until the volume is `in-use` on the instance [model: about ten seconds].
pub const ATTACH: Millis = Millis::from_secs(10);
/// DetachVolume after the last pod using it on a node is gone [model: about ten seconds].
pub const DETACH: Millis = Millis::from_secs(10);
/// The Kubernetes version Orca's wording follows when a scenario declares none.
pub const DEFAULT_MINOR: u32 = 33;

/// `"1.33"` → 33. Validation accepts only `1.N`.
pub fn minor_of(version: Option<&str>) -> u32 {
    version
        .and_then(|v| v.strip_prefix("1."))
        .and_then(|m| m.parse().ok())
        .unwrap_or(DEFAULT_MINOR)
}

/// The VolumeBinding plugin's reason for a node outside the zone of a pod's bound volume.
/// Kubernetes PR #129887 reworded it; Orca takes 1.33 as the first release with the new text
/// (inferred from the PR's merge date) —
/// `pkg/scheduler/framework/plugins/volumebinding/binder.go`, `ErrReasonNodeConflict`.
pub fn node_conflict_reason(minor: u32) -> &'static str {
    if minor <= 32 {
        "node(s) had volume node affinity conflict"
    } else {
        "node(s) didn't match PersistentVolume's node affinity"
    }
}

/// The PreFilter failure of a pod whose `Immediate` claim is not bound yet
/// (`ErrReasonBindConflict`'s sibling in binder.go): no node is even looked at, and preemption
/// cannot help.
pub fn unbound_immediate_message(nodes: usize) -> String {
    if nodes == 0 {
        return super::scheduler::NO_NODES_AVAILABLE.to_string();
    }
    format!(
        "0/{nodes} nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/{nodes} nodes are available: {nodes} Preemption is not helpful for scheduling."
    )
}

/// `Normal WaitForFirstConsumer` (persistentvolume-controller).
pub const WAITING_FOR_FIRST_CONSUMER: &str =
    "waiting for first consumer to be created before binding";

/// `Normal ExternalProvisioning` (persistentvolume-controller).
pub fn external_provisioning(provisioner: &str) -> String {
    format!(
        "Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
    )
}

/// `Normal Provisioning` (the CSI external-provisioner).
pub fn provisioning(namespace: &str, claim: &str) -> String {
    format!("External provisioner is provisioning volume for claim \"{namespace}/{claim}\"")
}

/// `Normal ProvisioningSucceeded`.
pub fn provisioning_succeeded(volume: &str) -> String {
    format!("Successfully provisioned volume {volume}")
}

/// `Warning FailedAttachVolume` (attachdetach-controller) for a ReadWriteOnce volume still
/// attached to another node.
pub fn multi_attach(volume: &str) -> String {
    format!(
        "Multi-Attach error for volume \"{volume}\" Volume is already exclusively attached to one node and can't be attached to another"
    )
}

/// `Normal SuccessfulAttachVolume` (attachdetach-controller).
pub fn attach_succeeded(volume: &str) -> String {
    format!("AttachVolume.Attach succeeded for volume \"{volume}\"")
}

/// The claim a pod mounts, if any.
pub fn claim_of(c: &EksCluster, p: usize) -> Option<usize> {
    if let Some(name) = super::statefulset::pod_claim(c, p) {
        return c.storage.claim_named(c.namespace_of(p), &name);
    }
    let name = c.template_of(p).claim.as_deref()?;
    c.storage.claim_named(c.namespace_of(p), name)
}

/// The EFS parameters of claim `cl`'s class, if it is an EFS class.
pub fn efs_class(c: &EksCluster, cl: usize) -> Option<&EfsParameters> {
    let k = c.storage.claims[cl].class?;
    c.storage.classes[k].efs.as_ref()
}

/// The node can mount EFS volume `v`: the driver's node plugin runs there (the add-on's
/// DaemonSet on an EC2 node; built into Fargate) and the file system has a mount target in
/// the zone the mount helper looks in (the node's own, or the PV's `az=` mount option's).
pub fn efs_mountable(c: &EksCluster, v: &Volume, n: usize) -> bool {
    let Some(src) = &v.efs else {
        return false;
    };
    efs_driver_on(c, n)
        && c.storage
            .file_system(&src.file_system_id)
            .is_some_and(|f| c.storage.file_systems[f].reachable_from(efs_mount_zone(c, v, n)))
}

/// The EFS CSI driver's node plugin runs on node `n`: the add-on is installed, or it is a
/// Fargate node, where the driver is built in (EKS User Guide, efs-csi: "You can't use
/// dynamic provisioning for persistent volumes with Fargate nodes, but you can use static
/// provisioning"; the add-on's DaemonSet does not run on Fargate).
pub fn efs_driver_on(c: &EksCluster, n: usize) -> bool {
    c.storage.efs_driver || c.nodes[n].fargate
}

/// The zone whose mount target node `n` mounts EFS volume `v` through.
pub fn efs_mount_zone<'a>(c: &'a EksCluster, v: &'a Volume, n: usize) -> &'a str {
    let options = v.manual.as_ref().map_or(&[][..], |m| &m.mount_options[..]);
    super::efs_static::mount_zone(options, &c.nodes[n].zone)
}

/// The volume is attached to the pod's node and usable: the kubelet may set the pod up. A pod
/// without a claim is always ready; an EFS volume needs no attachment, only a node that can
/// mount it.
pub fn ready_on_node(c: &EksCluster, p: usize, now: SimTime) -> bool {
    let Some(cl) = claim_of(c, p) else {
        return true;
    };
    let Some(v) = c.storage.claims[cl].volume else {
        return false;
    };
    if c.storage.volumes[v].efs.is_some() {
        return c.pods[p]
            .node
            .is_some_and(|n| efs_mountable(c, &c.storage.volumes[v], n));
    }
    match (&c.storage.volumes[v].attachment, c.pods[p].node) {
        (Some(a), Some(n)) => a.node == n && a.ready_at <= now,
        _ => false,
    }
}

/// kubectl's STATUS of a claim.
pub fn claim_phase(claim: &Claim) -> &'static str {
    if claim.volume.is_some() {
        "Bound"
    } else {
        "Pending"
    }
}

/// A volume as the app draws it: in its zone, attached (or attaching) to a node, used by pods.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VolumeCard {
    pub volume: String,
    pub claim: String,
    pub zone: String,
    pub size_gib: u32,
    pub volume_type: String,
    /// `Attaching`, `Attached`, `Detaching` or `Available` (attached nowhere).
    pub state: &'static str,
    pub node: Option<String>,
    /// The pods (by name) that mount it and exist.
    pub pods: Vec<String>,
}

/// Every EBS volume of the cluster for the canvas (EFS volumes are in `efs_read`).
pub fn volume_cards(c: &EksCluster, now: SimTime) -> Vec<VolumeCard> {
    c.storage
        .volumes
        .iter()
        .filter(|v| v.efs.is_none())
        .filter_map(|v| {
            let cl = v.claim?;
            let claim = &c.storage.claims[cl];
            let pods = (0..c.pods.len())
                .filter(|&p| !c.pods[p].gone && claim_of(c, p) == Some(cl))
                .map(|p| c.pods[p].name.clone())
                .collect();
            let state = match &v.attachment {
                None => "Available",
                Some(a) if a.detach_at.is_some() => "Detaching",
                Some(a) if a.ready_at > now => "Attaching",
                Some(_) => "Attached",
            };
            Some(VolumeCard {
                volume: v.name.clone(),
                claim: claim.name.clone(),
                zone: v.zone.clone(),
                size_gib: v.storage_gib,
                volume_type: v.volume_type.clone(),
                state,
                node: v.attachment.as_ref().map(|a| c.nodes[a.node].name.clone()),
                pods,
            })
        })
        .collect()
}

/// Why a pod that mounts a claim waits, for the inspector: Pending for its volume's zone, or
/// ContainerCreating until its volume is attached to its node. None: the volume is not the
/// reason.
pub fn pod_volume_reason(c: &EksCluster, p: usize, now: SimTime) -> Option<String> {
    let cl = claim_of(c, p)?;
    let pod = &c.pods[p];
    if pod.gone || ready_on_node(c, p, now) && pod.node.is_some() {
        return None;
    }
    let claim = &c.storage.claims[cl];
    let efs_volume = claim
        .volume
        .is_some_and(|v| c.storage.volumes[v].efs.is_some());
    if efs_volume || efs_class(c, cl).is_some_and(|e| !e.file_system_id.is_empty()) {
        return Some(efs_reason(c, cl, pod.node));
    }
    let Some(v) = claim.volume else {
        return Some(match &claim.provisioning {
            Some(pr) => format!(
                "claim {} is being provisioned: a new EBS volume in {}",
                claim.name, pr.zone
            ),
            None if claim.class.is_none() => format!(
                "claim {} names no StorageClass, so nothing provisions it, and no PersistentVolume written by hand matches it (FailedBinding)",
                claim.name
            ),
            None => format!("claim {} is not bound to a volume yet", claim.name),
        });
    };
    let vol = &c.storage.volumes[v];
    Some(match (pod.node, &vol.attachment) {
        (None, _) => format!(
            "volume {} (claim {}) is an EBS volume in {}: only a node in {} can mount it",
            vol.name, claim.name, vol.zone, vol.zone
        ),
        (Some(n), Some(a)) if a.node != n => format!(
            "Multi-Attach: volume {} is still attached to {}, and a ReadWriteOnce EBS volume attaches to one node at a time",
            vol.name, c.nodes[a.node].name
        ),
        (Some(n), _) => format!(
            "volume {} is being attached to {}",
            vol.name, c.nodes[n].name
        ),
    })
}

/// Why a pod whose claim is an EFS one waits.
fn efs_reason(c: &EksCluster, cl: usize, node: Option<usize>) -> String {
    let claim = &c.storage.claims[cl];
    let Some(v) = claim.volume else {
        let fs = efs_class(c, cl).map_or("", |e| e.file_system_id.as_str());
        return if !c.storage.efs_driver {
            format!(
                "claim {} waits for {EFS_CSI}, which is not running: the aws-efs-csi-driver add-on is not installed",
                claim.name
            )
        } else {
            format!(
                "claim {} is being provisioned: an access point on {fs}",
                claim.name
            )
        };
    };
    let vol = &c.storage.volumes[v];
    let fs = vol.efs.as_ref().map_or("", |s| s.file_system_id.as_str());
    match node {
        None => format!("volume {} is not mounted yet", vol.name),
        Some(n) if !efs_driver_on(c, n) => format!(
            "{} cannot mount EFS volume {}: the EFS CSI driver's node plugin does not run there (the aws-efs-csi-driver add-on is not installed)",
            c.nodes[n].name, vol.name
        ),
        Some(n) => format!(
            "{} in {} cannot mount EFS volume {}: no mount target of {fs} in {}",
            c.nodes[n].name,
            c.nodes[n].zone,
            vol.name,
            efs_mount_zone(c, vol, n)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_node_conflict_reason_follows_the_version() {
        assert_eq!(
            node_conflict_reason(32),
            "node(s) had volume node affinity conflict"
        );
        assert_eq!(
            node_conflict_reason(33),
            "node(s) didn't match PersistentVolume's node affinity"
        );
        assert_eq!(minor_of(Some("1.31")), 31);
        assert_eq!(minor_of(None), DEFAULT_MINOR);
    }

    #[test]
    fn the_reference_pvc_events_are_worded_as_kubernetes_words_them() {
        assert_eq!(
            external_provisioning("ebs.csi.aws.com"),
            "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
        );
        assert_eq!(
            provisioning("default", "ebs-claim"),
            "External provisioner is provisioning volume for claim \"default/ebs-claim\""
        );
        assert_eq!(
            multi_attach("pvc-1"),
            "Multi-Attach error for volume \"pvc-1\" Volume is already exclusively attached to one node and can't be attached to another"
        );
    }
}
