//! The scheduler's VolumeBinding plugin, for a pod that mounts a PersistentVolumeClaim
//! (`docs/rules/storage.md#ebs-on-eks`; Kubernetes, "Storage Classes", volume binding mode,
//! https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode, and
//! `pkg/scheduler/framework/plugins/volumebinding/binder.go`):
//! - a claim bound to a volume pins the pod to the volume's zone: other nodes fail with the
//!   node-affinity reason;
//! - an `Immediate` claim not bound yet fails the whole pod in PreFilter;
//! - a `WaitForFirstConsumer` claim lets the scheduler pick any node, then the volume is
//!   created in that node's zone (the PVC's `volume.kubernetes.io/selected-node`), and the pod
//!   is bound once the volume is (the scheduler's PreBind waits for it).

use super::cluster::{EksCluster, EksCtx};
use super::events;
use super::volumes::{self, Provisioning};
use crate::event::Subject;

/// What a pod's claim asks of the scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// No claim: nothing to check.
    Free,
    /// Its volume is being created for it: the pod waits in the binding cycle.
    Wait,
    /// An `Immediate` claim that is not bound yet.
    UnboundImmediate,
    /// A claim bound to a volume in this zone.
    Zone(String),
    /// A `WaitForFirstConsumer` claim not bound yet: any node, and picking one provisions it.
    Provision(usize),
}

/// The gate of pod `p`.
pub fn gate(c: &EksCluster, p: usize) -> Gate {
    let Some(cl) = volumes::claim_of(c, p) else {
        return Gate::Free;
    };
    let claim = &c.storage.claims[cl];
    if let Some(v) = claim.volume {
        // An EFS volume has no zone: every node may mount it (if its zone has a mount target,
        // which the kubelet finds out, not the scheduler).
        if c.storage.volumes[v].efs.is_some() {
            return Gate::Free;
        }
        return Gate::Zone(c.storage.volumes[v].zone.clone());
    }
    if claim.provisioning.is_some() {
        return Gate::Wait;
    }
    match claim.class.map(|k| &c.storage.classes[k]) {
        Some(k) if k.wait_for_first_consumer => Gate::Provision(cl),
        _ => Gate::UnboundImmediate,
    }
}

/// Why node `n` fails the gate, if it does.
pub fn node_reason(c: &EksCluster, gate: &Gate, n: usize) -> Option<&'static str> {
    match gate {
        Gate::Zone(z) if &c.nodes[n].zone != z => {
            Some(volumes::node_conflict_reason(c.storage.minor))
        }
        _ => None,
    }
}

/// The explanation of a `FailedScheduling` the claim caused, if it did.
pub fn why_unschedulable(c: &EksCluster, p: usize, gate: &Gate) -> Option<String> {
    let claim = volumes::claim_of(c, p).map(|cl| &c.storage.claims[cl])?;
    match gate {
        Gate::Zone(z) => {
            let v = claim.volume.map(|v| c.storage.volumes[v].name.clone())?;
            let here = c
                .nodes
                .iter()
                .filter(|n| !n.gone && !n.fargate && &n.zone == z)
                .count();
            Some(format!(
                "the pod mounts claim {}, bound to EBS volume {v} in {z}; an EBS volume can only be attached to an instance in its own Availability Zone, so the PersistentVolume's node affinity allows only nodes in {z} ({here} there, none with room or schedulable); it stays Pending until one is",
                claim.name
            ))
        }
        Gate::UnboundImmediate => Some(format!(
            "the pod mounts claim {}, whose StorageClass binds Immediate and which has no volume yet: the scheduler does not look at any node until it is bound",
            claim.name
        )),
        _ => None,
    }
}

/// The scheduler picked node `n` for pod `p` whose `WaitForFirstConsumer` claim `cl` is not
/// bound: it records the node on the claim and the provisioner creates the volume in the
/// node's zone. The pod stays Pending until then.
pub fn select_node(ctx: &mut EksCtx, p: usize, cl: usize, n: usize) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    let zone = c.nodes[n].zone.clone();
    let node = c.nodes[n].name.clone();
    c.storage.claims[cl].selected_node = Some(n);
    c.storage.claims[cl].provisioning = Some(Provisioning {
        node: Some(n),
        zone: zone.clone(),
        done_at: now.plus(volumes::PROVISION),
    });
    let claim = c.storage.claims[cl].name.clone();
    c.pods[p].explain(
        now,
        format!(
            "Pending: the scheduler chose {node} in {zone}; claim {claim} waits for its first consumer, so the EBS volume is created now, in {zone}, and the pod is bound once it is"
        ),
    );
    let pod = c.pods[p].name.clone();
    start_provisioning(ctx, cl, Some((&pod, &node)));
}

/// `ExternalProvisioning` then `Provisioning` on the claim.
pub fn start_provisioning(ctx: &mut EksCtx, cl: usize, for_pod: Option<(&str, &str)>) {
    let c = &*ctx.world;
    let claim = &c.storage.claims[cl];
    let (name, ns) = (claim.name.clone(), claim.namespace.clone());
    let class = claim.class.map(|k| c.storage.classes[k].clone());
    let provisioner = class
        .as_ref()
        .map_or(volumes::EBS_CSI.to_string(), |k| k.provisioner.clone());
    let zone = claim
        .provisioning
        .as_ref()
        .map(|p| p.zone.clone())
        .unwrap_or_default();
    let (object, subjects) = claim_object(&name, &zone);
    let why = match for_pod {
        Some((pod, node)) => format!(
            "WaitForFirstConsumer: pod {pod} was scheduled to {node}, so the claim is annotated volume.kubernetes.io/selected-node={node} and the volume is created in {zone}"
        ),
        None if class.as_ref().is_some_and(|k| k.efs.is_some()) => format!(
            "volumeBindingMode Immediate: {provisioner} makes an access point for the claim at once; an EFS volume belongs to no zone"
        ),
        None => format!(
            "volumeBindingMode Immediate: the volume is created as soon as the claim exists, in a zone chosen without knowing where its pod will run ({zone})"
        ),
    };
    events::normal(
        ctx,
        "ExternalProvisioning",
        object.clone(),
        volumes::external_provisioning(&provisioner),
        subjects.clone(),
        Some(why),
    );
    events::normal(
        ctx,
        "Provisioning",
        object,
        volumes::provisioning(&ns, &name),
        subjects,
        None,
    );
}

/// `persistentvolumeclaim/<name>` and the zone it is about as the event's subjects.
pub fn claim_object(name: &str, zone: &str) -> (String, Vec<Subject>) {
    let subjects = if zone.is_empty() {
        Vec::new()
    } else {
        vec![Subject::Zone(zone.into())]
    };
    (format!("persistentvolumeclaim/{name}"), subjects)
}
