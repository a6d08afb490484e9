//! The persistentvolume-controller binding a claim to a PersistentVolume written by hand
//! (static provisioning, `docs/rules/storage.md#efs-on-eks`): before any provisioning it looks
//! for an `Available` PV of the claim's class that holds the request (`efs_static::best_match`)
//! and binds the two, which Kubernetes records as no event; a claim of no class that none
//! matches gets `FailedBinding` and stays Pending. Source: Kubernetes
//! `pkg/controller/volume/persistentvolume/pv_controller.go`, `syncUnboundClaim`.

use super::cluster::EksCtx;
use super::efs_static::{self, Candidate};
use super::events;
use super::volume_binding::claim_object;

/// The class name claim `cl` asks for (`""`: none).
fn class_name(ctx: &EksCtx, cl: usize) -> String {
    let s = &ctx.world.storage;
    s.claims[cl]
        .class
        .map(|k| s.classes[k].name.clone())
        .unwrap_or_default()
}

/// One step of unbound claim `cl` against the PVs written by hand. True: the claim is bound,
/// or it has no class and waits (`FailedBinding`); false: dynamic provisioning is next.
pub fn bind(ctx: &mut EksCtx, cl: usize) -> bool {
    let class = class_name(ctx, cl);
    let s = &ctx.world.storage;
    let claim = &s.claims[cl];
    let manual: Vec<usize> = (0..s.volumes.len())
        .filter(|&v| s.volumes[v].manual.is_some())
        .collect();
    let candidates: Vec<Candidate<'_>> = manual
        .iter()
        .map(|&v| {
            let vol = &s.volumes[v];
            Candidate {
                class: vol.manual.as_ref().map_or("", |m| m.storage_class.as_str()),
                storage_gib: vol.storage_gib,
                access: vol.access,
                bound: vol.claim.is_some(),
            }
        })
        .collect();
    if let Some(i) = efs_static::best_match(&class, claim.storage_gib, claim.access, &candidates) {
        let v = manual[i];
        let s = &mut ctx.world.storage;
        s.volumes[v].claim = Some(cl);
        s.claims[cl].volume = Some(v);
        return true;
    }
    if !class.is_empty() {
        return false;
    }
    if !ctx.world.storage.claims[cl].reported_waiting {
        ctx.world.storage.claims[cl].reported_waiting = true;
        let name = ctx.world.storage.claims[cl].name.clone();
        let (object, subjects) = claim_object(&name, "");
        events::normal(
            ctx,
            "FailedBinding",
            object,
            efs_static::NO_VOLUME_NO_CLASS.into(),
            subjects,
            Some(
                "the claim names no StorageClass, so nothing provisions a volume for it; it binds only to a PersistentVolume of no class written by hand that holds its request with its access mode, and none is Available".into(),
            ),
        );
    }
    true
}
