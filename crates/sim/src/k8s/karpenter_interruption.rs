//! Spot interruptions of Karpenter nodes (`docs/rules/k8s-autoscaling.md#karpenter-in-orca`).
//! EC2 warns 2 minutes before it interrupts a Spot instance (Amazon EC2 User Guide, "Spot
//! Instance interruption notices"). With an interruption queue (Karpenter's
//! `settings.interruptionQueue`, fed by EventBridge), the AWS provider's interruption
//! controller reads the warning and deletes the NodeClaim at once (karpenter-provider-aws
//! `pkg/controllers/interruption/controller.go`: `SpotInterruptionKind` → `CordonAndDrain`):
//! the node is tainted, its pods are evicted through the Eviction API, and the provisioner
//! launches capacity for them while the notice runs. Without the queue Karpenter hears
//! nothing: the node and its pods vanish when EC2 takes the instance back.

use super::cluster::EksCtx;
use super::events;
use super::karpenter::{Karpenter, SPOT_INTERRUPTED, SPOT_NOTICE, terminating_on_interruption};
use super::karpenter_actions::{evict_claim_pods, mark_disrupted};
use super::objects;

/// The disruption reason Orca gives an interrupted NodeClaim (its pods' `Evicted pod:
/// Interrupted`). [inferred: the terminator's eviction event carries the NodeClaim's
/// disruption reason; the interruption controller's deletion is not one of the disruption
/// controller's reasons.]
pub const INTERRUPTED: &str = "Interrupted";

/// EC2's Spot interruption warning for the instance of the `nth` NodeClaim Karpenter created.
/// Nothing happens when that NodeClaim does not exist (yet) or its instance is gone.
pub fn warning(ctx: &mut EksCtx, nth: usize) {
    let Some(mut k) = ctx.world.karpenter.take() else {
        return;
    };
    warn(ctx, &mut k, nth);
    ctx.world.karpenter = Some(k);
}

fn warn(ctx: &mut EksCtx, k: &mut Karpenter, c: usize) {
    let Some(claim) = k.claims.get(c) else {
        return;
    };
    if claim.gone || claim.interrupted_at.is_some() || !k.pool.spot {
        return;
    }
    let now = ctx.now;
    k.claims[c].interrupted_at = Some(now);
    let end = now.plus(SPOT_NOTICE);
    if !k.pool.interruption_queue {
        // Nobody tells Karpenter; the instance just goes at the end of the notice.
        return;
    }
    let node = k.claims[c].node;
    let object = format!("nodeclaim/{}", k.claims[c].name);
    let subjects = node
        .map(|n| events::node(&ctx.world.nodes[n].name).1)
        .unwrap_or_default();
    let why = format!(
        "EventBridge put EC2's Spot interruption warning on Karpenter's interruption queue: the instance is interrupted at {end}, 2 minutes after the warning"
    );
    events::warning(
        ctx,
        "SpotInterrupted",
        object.clone(),
        SPOT_INTERRUPTED.into(),
        subjects.clone(),
        Some(why.clone()),
    );
    if let Some(n) = node {
        let (nobj, nsub) = events::node(&ctx.world.nodes[n].name);
        events::warning(
            ctx,
            "SpotInterrupted",
            nobj,
            SPOT_INTERRUPTED.into(),
            nsub,
            Some(why.clone()),
        );
    }
    let why = format!(
        "{why}; Karpenter deletes the NodeClaim at once (CordonAndDrain) so its pods move while the instance still runs"
    );
    events::warning(
        ctx,
        "TerminatingOnInterruption",
        object,
        terminating_on_interruption("NodeClaim"),
        subjects,
        Some(why.clone()),
    );
    if let Some(n) = node {
        let (nobj, nsub) = events::node(&ctx.world.nodes[n].name);
        events::warning(
            ctx,
            "TerminatingOnInterruption",
            nobj,
            terminating_on_interruption("Node"),
            nsub,
            Some(why.clone()),
        );
    }
    // A replace command that counted on this node or launched it is left to finish on its
    // own terms; the NodeClaim itself is deleted now.
    mark_disrupted(ctx, k, c, INTERRUPTED);
    k.claims[c].evicting = true;
    k.claims[c].disruption_why = Some(why);
    evict_claim_pods(ctx, k, c);
}

/// At the end of the notice EC2 interrupts the instance: the node and whatever still runs on
/// it are gone. [model: without the queue the real node lingers NotReady until Karpenter's
/// garbage collection finds its instance gone; Orca removes it when the instance goes.]
pub(super) fn notice_over(ctx: &mut EksCtx, k: &mut Karpenter) {
    let now = ctx.now;
    for c in 0..k.claims.len() {
        let claim = &k.claims[c];
        let Some(at) = claim.interrupted_at else {
            continue;
        };
        if claim.gone || now < at.plus(SPOT_NOTICE) {
            continue;
        }
        k.claims[c].gone = true;
        if let Some(n) = k.claims[c].node {
            objects::node_gone(ctx.world, ctx.net, n);
            let node = ctx.world.nodes[n].name.clone();
            let (object, subjects) = events::node(&node);
            events::normal(
                ctx,
                "RemovingNode",
                object,
                format!("Node {node} event: Removing Node {node} from Controller"),
                subjects,
                Some(format!(
                    "EC2 interrupted the Spot instance 2 minutes after its interruption warning at {at}"
                )),
            );
        }
    }
}
