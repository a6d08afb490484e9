//! Karpenter's controllers, one reconcile step per second (`docs/rules/k8s-autoscaling.md#karpenter-in-orca`):
//! advance each NodeClaim's lifecycle (Launched → Registered → Initialized), mark NodeClaims
//! `Drifted`, drain replaced nodes once their replacements are Initialized, close a
//! provisioning batch when it is due and solve it with the pure [`pack`], expire old
//! NodeClaims, and every 10 s run the disruption controller (`karpenter_disruption.rs`). What
//! they do to claims and nodes is in `karpenter_actions.rs`. Karpenter nodes live in
//! `EksCluster::nodes` (`group: None`, `nodeclaim: Some(..)`).

use std::collections::BTreeSet;

use super::cluster::{EksCtx, Node};
use super::events;
use super::karpenter::{
    ClaimPhase, DISRUPTION_POLL, INITIALIZED_AFTER, Karpenter, LAUNCHED_AFTER, Load, NodeClaim,
    REGISTERED_AFTER, Replace, Unfit, batch_closes, condition_transitioned, exceeds_limits,
    nominated, pack, too_big,
};
use super::karpenter_actions::{
    claim_event, create_claim, drain_claim, evict_claim_pods, mark_disrupted,
    movable_pods_per_node, node_event, overhead,
};
use super::karpenter_disruption::{disrupt, mark_drifted};
use super::karpenter_interruption::notice_over;
use super::objects;
use super::scheduler::Requests;

/// Karpenter's reconcile step for this second: NodeClaim lifecycle, the replace command in
/// flight, provisioning, then (every 10 s) disruption.
pub fn reconcile(ctx: &mut EksCtx) {
    let Some(mut k) = ctx.world.karpenter.take() else {
        return;
    };
    claim_lifecycle(ctx, &mut k);
    mark_drifted(ctx, &mut k);
    continue_replace(ctx, &mut k);
    provision(ctx, &mut k);
    expire(ctx, &mut k);
    evict_pods(ctx, &mut k);
    count_claim_pods(ctx, &mut k);
    finish_terminations(ctx, &mut k);
    notice_over(ctx, &mut k);
    if ctx.now >= k.next_disruption {
        k.next_disruption = ctx.now.plus(DISRUPTION_POLL);
        disrupt(ctx, &mut k);
    }
    ctx.world.karpenter = Some(k);
}

/// Launched, Registered (the node object appears, not Ready yet), Initialized (Ready).
fn claim_lifecycle(ctx: &mut EksCtx, k: &mut Karpenter) {
    let now = ctx.now;
    for c in 0..k.claims.len() {
        if k.claims[c].gone {
            continue;
        }
        let age = now.since(k.claims[c].created_at);
        if k.claims[c].phase == ClaimPhase::Created && age >= LAUNCHED_AFTER {
            k.claims[c].phase = ClaimPhase::Launched;
            claim_event(
                ctx,
                k,
                c,
                "Launched",
                condition_transitioned("Launched"),
                None,
            );
        }
        if k.claims[c].phase == ClaimPhase::Launched && age >= REGISTERED_AFTER {
            // The instance needs an address of its zone's subnet; it waits while that is full.
            let Some(n) = register_claim_node(ctx, &k.claims[c]) else {
                continue;
            };
            k.claims[c].phase = ClaimPhase::Registered;
            k.claims[c].node = Some(n);
            k.claims[c].pods_changed_at = now;
            let node = ctx.world.nodes[n].name.clone();
            node_event(
                ctx,
                n,
                "RegisteredNode",
                format!("Node {node} event: Registered Node {node} in Controller"),
                None,
            );
            claim_event(
                ctx,
                k,
                c,
                "Registered",
                condition_transitioned("Registered"),
                None,
            );
        }
        if k.claims[c].phase == ClaimPhase::Registered && age >= INITIALIZED_AFTER {
            k.claims[c].phase = ClaimPhase::Initialized;
            if let Some(n) = k.claims[c].node {
                ctx.world.nodes[n].ready = true;
                let node = ctx.world.nodes[n].name.clone();
                // The node lifecycle controller's wording.
                node_event(
                    ctx,
                    n,
                    "NodeReady",
                    format!("Node {node} status is now: NodeReady"),
                    None,
                );
            }
            claim_event(
                ctx,
                k,
                c,
                "Initialized",
                condition_transitioned("Initialized"),
                None,
            );
        }
    }
}

/// The node of a claim: its private DNS name from an address in the zone's subnet, as
/// managed-node-group nodes get.
fn register_claim_node(ctx: &mut EksCtx, claim: &NodeClaim) -> Option<usize> {
    let z = ctx.net.zone_index(&claim.zone).unwrap_or(0);
    let mut node: Node = objects::ec2_node(ctx.net, z, claim.instance_type, ctx.now)?;
    node.ready = false;
    node.nodeclaim = Some(claim.name.clone());
    ctx.world.nodes.push(node);
    Some(ctx.world.nodes.len() - 1)
}

/// The provisioner: collect unschedulable pods into a batch, and when the batch closes,
/// nominate them to in-flight NodeClaims with room or to new ones.
fn provision(ctx: &mut EksCtx, k: &mut Karpenter) {
    let c = &*ctx.world;
    let waiting = |p: usize| c.pods[p].counts() && c.pods[p].node.is_none();
    k.nominated.retain(|&p, _| waiting(p));
    k.failed_reported.retain(|&p| waiting(p));
    let pending: BTreeSet<usize> = (0..c.pods.len())
        .filter(|&p| {
            let pod = &c.pods[p];
            pod.counts()
                && pod.node.is_none()
                && pod.reported_failed_scheduling
                && pod.daemon_node.is_none()
                && !c.deployments[c.pod_deployment(p)].fargate
                && !k
                    .nominated
                    .get(&p)
                    .is_some_and(|&c| k.claims[c].in_flight())
        })
        .collect();
    if pending.is_empty() {
        k.batch_started = None;
        k.batch.clear();
        return;
    }
    let now = ctx.now;
    let started = *k.batch_started.get_or_insert(now);
    if pending.iter().any(|p| !k.batch.contains(p)) {
        k.batch_last_new = now;
    }
    k.batch = pending;
    if !batch_closes(now, started, k.batch_last_new) {
        return;
    }
    let batch: Vec<usize> = std::mem::take(&mut k.batch).into_iter().collect();
    k.batch_started = None;
    let window = format!(
        "Karpenter batched {} pending pods for {} s (it closes a batch 1 s after the last new pod, 10 s at most)",
        batch.len(),
        now.since(started).0 / 1000
    );
    solve(ctx, k, &batch, &window);
}

fn solve(ctx: &mut EksCtx, k: &mut Karpenter, batch: &[usize], window: &str) {
    let c = &*ctx.world;
    // In-flight claims first: what they can still hold after the pods nominated to them.
    let mut room: Vec<(usize, Load)> = k
        .claims
        .iter()
        .enumerate()
        .filter(|(_, c)| c.in_flight())
        .map(|(i, _)| (i, overhead(c)))
        .collect();
    for (&p, &claim) in &k.nominated {
        if let Some(r) = room.iter_mut().find(|r| r.0 == claim)
            && c.pods[p].counts()
            && c.pods[p].node.is_none()
        {
            r.1 = r.1.plus(c.requests_of(p));
        }
    }
    let mut rest = Vec::new();
    for &p in batch {
        let req = ctx.world.requests_of(p);
        let slot = room
            .iter_mut()
            .find(|r| r.1.plus(req).fits(k.claims[r.0].instance_type));
        match slot {
            Some(r) => {
                r.1 = r.1.plus(req);
                let claim = r.0;
                let why = format!(
                    "{window}; the NodeClaim {} ({}, still launching) has room for its {}m CPU and {} MiB",
                    k.claims[claim].name,
                    k.claims[claim].instance_type.name,
                    req.cpu_millis,
                    req.memory_mib
                );
                nominate(ctx, k, p, claim, why);
            }
            None => rest.push(p),
        }
    }
    if rest.is_empty() {
        return;
    }
    let requests: Vec<Requests> = rest.iter().map(|&p| ctx.world.requests_of(p)).collect();
    let cpu_left = k.pool.cpu_limit.map(|l| l.saturating_sub(k.cpu_in_use()));
    let overhead = overhead(&*ctx.world);
    let packing = pack(&requests, &k.pool.instance_types, cpu_left, overhead);
    for (t, pods) in packing.claims {
        let load = pods.iter().fold(overhead, |l, &i| l.plus(requests[i]));
        let why = format!(
            "{window}; packed largest first, a new NodeClaim holds {} of them ({}m CPU, {} MiB) and {} is the cheapest allowed type that fits ({:.4} USD/h){}",
            load.pods,
            load.cpu_millis,
            load.memory_mib,
            t.name,
            t.on_demand_usd_per_hour(),
            cpu_left.map_or(String::new(), |l| format!(
                ", within the {l} vCPUs limits.cpu leaves"
            ))
        );
        let claim = create_claim(ctx, k, t);
        for i in pods {
            nominate(ctx, k, rest[i], claim, why.clone());
        }
    }
    for (i, unfit) in packing.unfit {
        let p = rest[i];
        if !k.failed_reported.insert(p) {
            continue;
        }
        let (msg, why) = match unfit {
            Unfit::ExceedsLimits => (
                exceeds_limits(&k.pool.name),
                format!(
                    "limits.cpu is {} vCPUs and the NodePool's NodeClaims already use {}: every allowed type that fits the pod would exceed it",
                    k.pool.cpu_limit.unwrap_or(0),
                    k.cpu_in_use()
                ),
            ),
            Unfit::TooBig => (
                too_big(&k.pool.name, &k.pool.instance_types, overhead, requests[i]),
                format!(
                    "no allowed instance type ({}) has {}m CPU and {} MiB allocatable for one pod",
                    k.pool
                        .instance_types
                        .iter()
                        .map(|t| t.name)
                        .collect::<Vec<_>>()
                        .join(", "),
                    requests[i].cpu_millis,
                    requests[i].memory_mib
                ),
            ),
        };
        ctx.world.pods[p].explain(
            ctx.now,
            format!("Pending: Karpenter cannot launch a node for it: {why}"),
        );
        let (object, subjects) = events::pod(&ctx.world.pods[p].name);
        events::warning(ctx, "FailedScheduling", object, msg, subjects, Some(why));
    }
}

fn nominate(ctx: &mut EksCtx, k: &mut Karpenter, p: usize, claim: usize, why: String) {
    k.nominated.insert(p, claim);
    ctx.world.pods[p].explain(
        ctx.now,
        format!(
            "Nominated to NodeClaim {}: it schedules there once the node is Ready; {why}",
            k.claims[claim].name
        ),
    );
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    events::normal(
        ctx,
        "Nominated",
        object,
        nominated(&k.claims[claim].name),
        subjects,
        Some(why),
    );
}

/// `consolidateAfter` counts from the last pod (other than DaemonSet pods) that arrived on or
/// left a node.
fn count_claim_pods(ctx: &mut EksCtx, k: &mut Karpenter) {
    let on = movable_pods_per_node(ctx.world);
    for c in k.claims.iter_mut().filter(|c| !c.gone) {
        if let Some(n) = c.node {
            let count = on[n].len() as u32;
            if count != c.pods_seen {
                c.pods_seen = count;
                c.pods_changed_at = ctx.now;
            }
        }
    }
}

/// A disrupted node whose pods are gone is deleted and its instance terminated.
fn finish_terminations(ctx: &mut EksCtx, k: &mut Karpenter) {
    for c in 0..k.claims.len() {
        let claim = &k.claims[c];
        if claim.gone || claim.disruption.is_none() || claim.pods_seen > 0 {
            continue;
        }
        // A replaced node stays until its replacement is Initialized and it was drained.
        if k.replacing
            .as_ref()
            .is_some_and(|r| r.replaces(c) && !r.draining)
        {
            continue;
        }
        k.claims[c].gone = true;
        if let Some(n) = k.claims[c].node {
            objects::node_gone(ctx.world, ctx.net, n);
            let node = ctx.world.nodes[n].name.clone();
            // The node lifecycle controller's wording when a node object goes away.
            node_event(
                ctx,
                n,
                "RemovingNode",
                format!("Node {node} event: Removing Node {node} from Controller"),
                None,
            );
        }
    }
}

/// The replace command in flight: once every replacement is Initialized, delete the
/// candidates (drain them); once they are all gone, the command is over.
fn continue_replace(ctx: &mut EksCtx, k: &mut Karpenter) {
    let Some(r) = k.replacing.clone() else {
        return;
    };
    if r.candidates.iter().all(|&c| k.claims[c].gone) {
        k.replacing = None;
        return;
    }
    if !r.draining && r.replacements.iter().any(|&n| k.claims[n].gone) {
        // A replacement went away before it was Initialized (a Spot interruption): Karpenter
        // un-taints the candidates and starts over at its next poll (karpenter docs,
        // "Disruption Controller": "If a replacement node fails to initialize, un-taint the
        // node(s), and restart from Step (1)").
        for &c in &r.candidates {
            k.claims[c].disruption = None;
            k.claims[c].disruption_why = None;
            if let Some(n) = k.claims[c].node {
                ctx.world.nodes[n].draining = false;
            }
        }
        k.replacing = None;
        return;
    }
    if r.draining
        || r.replacements
            .iter()
            .any(|&n| k.claims[n].phase < ClaimPhase::Initialized)
    {
        return;
    }
    let names: Vec<String> = r
        .replacements
        .iter()
        .map(|&n| k.claims[n].name.clone())
        .collect();
    for &c in &r.candidates {
        let why = format!(
            "{} {} Initialized; {}",
            if names.len() == 1 {
                "its replacement"
            } else {
                "its replacements"
            },
            if names.len() == 1 {
                format!("{} is", names[0])
            } else {
                format!("{} are", names.join(", "))
            },
            k.claims[c].disruption_why.clone().unwrap_or_default()
        );
        drain_claim(ctx, k, c, why);
    }
    k.replacing = Some(Replace {
        draining: true,
        ..r
    });
}

/// Expiration (karpenter `pkg/controllers/nodeclaim/expiration/controller.go`): a NodeClaim
/// whose age reaches the NodePool's `expireAfter` is deleted. It is forceful: no disruption
/// budget, no replacement launched first; the termination controller taints the node and
/// evicts its pods (PodDisruptionBudgets still hold each eviction), and the pods that find no
/// room are provisioned for as any pending pod. Karpenter records no event of its own for the
/// expiry (it logs "deleting expired nodeclaim"); the evictions say `Evicted pod: Expired`
/// [inferred: the reason Karpenter's terminator gives for an expired NodeClaim].
fn expire(ctx: &mut EksCtx, k: &mut Karpenter) {
    let Some(after) = k.pool.expire_after else {
        return;
    };
    let now = ctx.now;
    for c in 0..k.claims.len() {
        let claim = &k.claims[c];
        if claim.gone
            || claim.disruption.is_some()
            || claim.node.is_none()
            || now < claim.created_at.plus(after)
            || k.replacing
                .as_ref()
                .is_some_and(|r| r.launched(c) || r.replaces(c))
        {
            continue;
        }
        let why = format!(
            "the NodeClaim was created at {} and expireAfter is {} s: it is deleted whatever the disruption budgets say, and its pods are evicted",
            claim.created_at,
            after.0 / 1000
        );
        mark_disrupted(ctx, k, c, "Expired");
        k.claims[c].evicting = true;
        k.claims[c].disruption_why = Some(why);
        evict_claim_pods(ctx, k, c);
    }
}

/// The termination controller's eviction queue: every second, each pod still on a node being
/// terminated is evicted through the Eviction API; one a PodDisruptionBudget refuses stays and
/// is tried again (karpenter `pkg/controllers/node/termination/terminator/eviction.go`:
/// a 429 is requeued) [model: Karpenter backs off between tries; Orca tries every second].
fn evict_pods(ctx: &mut EksCtx, k: &mut Karpenter) {
    for c in 0..k.claims.len() {
        if k.claims[c].evicting && !k.claims[c].gone {
            evict_claim_pods(ctx, k, c);
        }
    }
}
