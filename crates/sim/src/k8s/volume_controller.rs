//! The storage controllers, one pass per second (`docs/rules/storage.md#ebs-on-eks`): the
//! persistentvolume-controller with the EBS CSI driver's external provisioner (claims waiting
//! for their first consumer, volumes created for `Immediate` claims at once and for
//! `WaitForFirstConsumer` claims in the zone of the node the scheduler chose), and the
//! attachdetach-controller (a ReadWriteOnce volume is attached to one node at a time; a pod on
//! another node gets the Multi-Attach error until the volume is detached from the old one).
//! Sources: EKS User Guide, "Use Kubernetes volume storage with Amazon EBS"
//! (https://docs.aws.amazon.com/eks/latest/userguide/ebs-csi.html); Kubernetes, "Persistent
//! Volumes" (https://kubernetes.io/docs/concepts/storage/persistent-volumes/); the
//! attach/detach controller (`pkg/controller/volume/attachdetach`).

use rand::Rng;

use super::cluster::EksCtx;
use super::efs_provision;
use super::events;
use super::static_binding;
use super::volume_binding::{self, claim_object};
use super::volumes::{self, Attachment, Provisioning, Volume};
use crate::event::Subject;

/// One pass: claims, then detaching, then attaching.
pub fn reconcile(ctx: &mut EksCtx) {
    efs_provision::mount_targets_available(ctx.world, ctx.now);
    if ctx.world.storage.claims.is_empty() {
        return;
    }
    for cl in 0..ctx.world.storage.claims.len() {
        claim(ctx, cl);
    }
    detach(ctx);
    attach(ctx);
    efs_provision::report_mounts(ctx);
    efs_provision::write_second(ctx.world);
}

fn claim(ctx: &mut EksCtx, cl: usize) {
    let now = ctx.now;
    let c = &*ctx.world;
    let claim = &c.storage.claims[cl];
    if claim.volume.is_some() {
        return;
    }
    if claim.provisioning.is_none() && static_binding::bind(ctx, cl) {
        return;
    }
    let c = &*ctx.world;
    let claim = &c.storage.claims[cl];
    if volumes::efs_class(c, cl).is_some() {
        efs_provision::claim(ctx, cl);
        return;
    }
    let wffc = claim
        .class
        .is_some_and(|k| c.storage.classes[k].wait_for_first_consumer);
    match &claim.provisioning {
        Some(p) if p.done_at <= now => provisioned(ctx, cl),
        Some(_) => {}
        None if wffc => {
            if !claim.reported_waiting {
                let name = claim.name.clone();
                ctx.world.storage.claims[cl].reported_waiting = true;
                let (object, subjects) = claim_object(&name, "");
                events::normal(
                    ctx,
                    "WaitForFirstConsumer",
                    object,
                    volumes::WAITING_FOR_FIRST_CONSUMER.into(),
                    subjects,
                    Some(
                        "volumeBindingMode WaitForFirstConsumer: no volume is created until a pod using the claim is scheduled, so that the volume lands in that pod's zone".into(),
                    ),
                );
            }
        }
        None => {
            // Immediate: the external provisioner picks a zone among those with nodes, at
            // random (no pod tells it where) [model: the CSI driver's topology].
            let mut zones: Vec<String> = c
                .nodes
                .iter()
                .filter(|n| !n.gone && !n.fargate)
                .map(|n| n.zone.clone())
                .collect();
            zones.sort();
            zones.dedup();
            if zones.is_empty() {
                return;
            }
            let zone = zones[ctx.rngs.placement.random_range(0..zones.len())].clone();
            ctx.world.storage.claims[cl].provisioning = Some(Provisioning {
                node: None,
                zone,
                done_at: now.plus(volumes::PROVISION),
            });
            volume_binding::start_provisioning(ctx, cl, None);
        }
    }
}

/// The volume exists: a PV bound to the claim.
fn provisioned(ctx: &mut EksCtx, cl: usize) {
    let now = ctx.now;
    let name = format!("pvc-{}", crate::rng::uuid(&mut ctx.rngs.names));
    let volume_id = format!("vol-0{}", crate::rng::hex(&mut ctx.rngs.ids, 16));
    let c = &mut *ctx.world;
    let claim = &mut c.storage.claims[cl];
    let Some(p) = claim.provisioning.take() else {
        return;
    };
    let volume_type = claim.class.map_or("gp3".to_string(), |k| {
        c.storage.classes[k].volume_type.clone()
    });
    let claim_name = claim.name.clone();
    let size = claim.storage_gib;
    c.storage.volumes.push(Volume {
        name: name.clone(),
        claim: Some(cl),
        zone: p.zone.clone(),
        storage_gib: size,
        access: claim.access,
        volume_id: volume_id.clone(),
        volume_type: volume_type.clone(),
        created_at: now,
        attachment: None,
        efs: None,
        manual: None,
    });
    claim.volume = Some(c.storage.volumes.len() - 1);
    let (object, subjects) = claim_object(&claim_name, &p.zone);
    events::normal(
        ctx,
        "ProvisioningSucceeded",
        object,
        volumes::provisioning_succeeded(&name),
        subjects,
        Some(format!(
            "CreateVolume made {volume_id} ({size} GiB {volume_type}) in {}; its PersistentVolume {name} carries node affinity for topology.kubernetes.io/zone={} and is bound to the claim",
            p.zone, p.zone
        )),
    );
}

/// A volume attached to a node where no pod uses it any more is detached; one attached to a
/// node that is gone is free at once (the instance is terminated) [model].
fn detach(ctx: &mut EksCtx) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    for v in 0..c.storage.volumes.len() {
        let Some(a) = c.storage.volumes[v].attachment.clone() else {
            continue;
        };
        if c.nodes[a.node].gone {
            c.storage.volumes[v].attachment = None;
            continue;
        }
        let Some(cl) = c.storage.volumes[v].claim else {
            continue;
        };
        let in_use = (0..c.pods.len()).any(|p| {
            !c.pods[p].gone && c.pods[p].node == Some(a.node) && volumes::claim_of(c, p) == Some(cl)
        });
        let att = c.storage.volumes[v]
            .attachment
            .as_mut()
            .expect("checked above");
        match (in_use, att.detach_at) {
            (true, _) => att.detach_at = None,
            (false, None) => att.detach_at = Some(now.plus(volumes::DETACH)),
            (false, Some(t)) if t <= now => c.storage.volumes[v].attachment = None,
            (false, Some(_)) => {}
        }
    }
}

/// Attach each bound pod's volume to its node, or report that it cannot be.
fn attach(ctx: &mut EksCtx) {
    let now = ctx.now;
    for p in 0..ctx.world.pods.len() {
        let c = &*ctx.world;
        let pod = &c.pods[p];
        let Some(n) = pod.node else { continue };
        if !pod.counts() || c.nodes[n].fargate {
            continue;
        }
        let Some(cl) = volumes::claim_of(c, p) else {
            continue;
        };
        let Some(v) = c.storage.claims[cl].volume else {
            continue;
        };
        let vol = &c.storage.volumes[v];
        if vol.efs.is_some() {
            // EFS needs no attachment: the node plugin mounts it (efs_provision).
            continue;
        }
        let uid = pod.uid.clone();
        let (pod_name, node) = (pod.name.clone(), c.nodes[n].name.clone());
        let volume = vol.name.clone();
        match vol.attachment.clone() {
            None => {
                ctx.world.storage.volumes[v].attachment = Some(Attachment {
                    node: n,
                    ready_at: now.plus(volumes::ATTACH),
                    detach_at: None,
                });
                ctx.world.pods[p].explain(
                    now,
                    format!("ContainerCreating: attaching EBS volume {volume} to {node}"),
                );
            }
            Some(a) if a.node == n => {
                if a.ready_at <= now && !ctx.world.storage.reported_attached.contains(&uid) {
                    ctx.world.storage.reported_attached.push(uid);
                    let (object, mut subjects) = events::pod(&pod_name);
                    subjects.push(Subject::Node(node.as_str().into()));
                    events::normal(
                        ctx,
                        "SuccessfulAttachVolume",
                        object,
                        volumes::attach_succeeded(&volume),
                        subjects,
                        None,
                    );
                }
            }
            Some(a) => {
                if ctx.world.storage.reported_multi_attach.contains(&uid) {
                    continue;
                }
                ctx.world.storage.reported_multi_attach.push(uid);
                let other = ctx.world.nodes[a.node].name.clone();
                let why = format!(
                    "{volume} is a ReadWriteOnce EBS volume still attached to {other}; it can be attached to {node} only after it is detached there, once no pod on {other} uses it"
                );
                ctx.world.pods[p].explain(now, format!("ContainerCreating: {why}"));
                let (object, mut subjects) = events::pod(&pod_name);
                subjects.push(Subject::Node(other.into()));
                events::warning(
                    ctx,
                    "FailedAttachVolume",
                    object,
                    volumes::multi_attach(&volume),
                    subjects,
                    Some(why),
                );
            }
        }
    }
}
