//! Karpenter's controllers, one reconcile step per second (`docs/rules/k8s-autoscaling.md#karpenter-in-orca`):
//! advance each NodeClaim's lifecycle (Launched → Registered → Initialized), drain a replaced
//! node once its replacement is Initialized, close a provisioning batch when it is due and
//! solve it with the pure [`pack`], and every 10 s run the disruption controller (empty nodes,
//! then single-node consolidation through [`replacement`]) within the NodePool's budget
//! ([`allowed_disruptions`]). Karpenter nodes live in `EksCluster::nodes` (`group: None`,
//! `nodeclaim: Some(..)`).

use std::collections::BTreeSet;

use rand::Rng;

use super::cluster::{EksCluster, EksCtx, Node};
use super::events;
use super::eviction;
use super::karpenter::{
    BLOCKED_DEDUPE, ClaimPhase, ConsolidationPolicy, DISRUPTION_POLL, INITIALIZED_AFTER, Karpenter,
    LAUNCHED_AFTER, Load, NodeClaim, REGISTERED_AFTER, Replace, Replacement,
    UNCONSOLIDATABLE_DEDUPE, Unfit, WAITING_ON_READINESS, allowed_disruptions, batch_closes,
    condition_transitioned, disrupting, exceeds_limits, launching, nominated, pack,
    replace_exceeds_limits, replacement, too_big,
};
use super::names;
use super::objects;
use super::scheduler::{self, Decision, Requests};
use crate::aws::instance_types::InstanceType;
use crate::event::Subject;

/// Karpenter's reconcile step for this second: NodeClaim lifecycle, the replace command in
/// flight, provisioning, then (every 10 s) disruption.
pub fn reconcile(ctx: &mut EksCtx) {
    let Some(mut k) = ctx.world.karpenter.take() else {
        return;
    };
    claim_lifecycle(ctx, &mut k);
    continue_replace(ctx, &mut k);
    provision(ctx, &mut k);
    expire(ctx, &mut k);
    evict_pods(ctx, &mut k);
    count_claim_pods(ctx, &mut k);
    finish_terminations(ctx, &mut k);
    if ctx.now >= k.next_disruption {
        k.next_disruption = ctx.now.plus(DISRUPTION_POLL);
        disrupt(ctx, &mut k);
    }
    ctx.world.karpenter = Some(k);
}

/// An event on a NodeClaim: about its node once it has one.
fn claim_event(
    ctx: &mut EksCtx,
    k: &Karpenter,
    c: usize,
    reason: &str,
    message: String,
    why: Option<String>,
) {
    let subjects = k.claims[c]
        .node
        .map(|n| vec![Subject::Node(ctx.world.nodes[n].name.clone())])
        .unwrap_or_default();
    let object = format!("nodeclaim/{}", k.claims[c].name);
    events::normal(ctx, reason, object, message, subjects, why);
}

fn node_event(ctx: &mut EksCtx, n: usize, reason: &str, message: String, why: Option<String>) {
    let (object, subjects) = events::node(&ctx.world.nodes[n].name);
    events::normal(ctx, reason, object, message, subjects, why);
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

/// A new NodeClaim of type `t`, in the zone where the pool has the fewest claims (the
/// first such zone on a tie), named from the seeded RNG.
fn create_claim(ctx: &mut EksCtx, k: &mut Karpenter, t: &'static InstanceType) -> usize {
    let zone = ctx
        .net
        .zones
        .iter()
        .map(|z| &z.name)
        .min_by_key(|z| k.claims.iter().filter(|c| !c.gone && c.zone == **z).count())
        .cloned()
        .unwrap_or_default();
    let rng = &mut ctx.rngs.names;
    let suffix: String = (0..5)
        .map(|_| names::SAFE_ALPHABET[rng.random_range(0..names::SAFE_ALPHABET.len())] as char)
        .collect();
    k.claims.push(NodeClaim {
        name: format!("{}-{suffix}", k.pool.name),
        instance_type: t,
        zone,
        created_at: ctx.now,
        phase: ClaimPhase::Created,
        node: None,
        pods_seen: 0,
        pods_changed_at: ctx.now,
        disruption: None,
        unconsolidatable_reported_at: None,
        disruption_why: None,
        evicting: false,
        pdb_blocked_reported_at: None,
        gone: false,
    });
    k.claims.len() - 1
}

/// The pods on each node that a disruption would move: every pod but DaemonSet pods (they go
/// with their node).
fn movable_pods_per_node(c: &EksCluster) -> Vec<Vec<usize>> {
    let mut on = c.pods_per_node();
    for pods in &mut on {
        pods.retain(|&p| c.pods[p].daemon_node.is_none());
    }
    on
}

/// Karpenter's daemonset overhead: what the DaemonSets put on every new node.
fn overhead(c: &EksCluster) -> Load {
    let (r, pods) = c.daemon_overhead();
    Load {
        cpu_millis: r.cpu_millis,
        memory_mib: r.memory_mib,
        pods,
    }
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
        if k.replacing.is_some_and(|r| r.candidate == c && !r.draining) {
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

/// The disruption controller: emptiness first, then single-node consolidation (delete the
/// node, or replace it with one cheaper node), one command per poll, within the NodePool's
/// budget.
fn disrupt(ctx: &mut EksCtx, k: &mut Karpenter) {
    let now = ctx.now;
    let total = k
        .claims
        .iter()
        .filter(|c| !c.gone && c.node.is_some())
        .count() as u32;
    let disrupting = k
        .claims
        .iter()
        .filter(|c| !c.gone && c.disruption.is_some())
        .count() as u32;
    let allowed = allowed_disruptions(k.pool.budget_nodes, total, disrupting);
    let budget = format!(
        "the budget nodes {} of the pool's {total} nodes, {disrupting} already disrupting, allows {allowed} more",
        k.pool.budget_nodes
    );
    let on = movable_pods_per_node(ctx.world);
    let candidates: Vec<usize> = (0..k.claims.len())
        .filter(|&c| {
            let claim = &k.claims[c];
            !claim.gone
                && claim.disruption.is_none()
                && claim.phase == ClaimPhase::Initialized
                && k.replacing.is_none_or(|r| r.replacement != c)
                && now.since(claim.pods_changed_at) >= k.pool.consolidate_after
        })
        .collect();
    let pods_of: Vec<usize> = k
        .claims
        .iter()
        .map(|c| c.node.map_or(0, |n| on[n].len()))
        .collect();
    let empty: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&c| pods_of[c] == 0)
        .collect();
    if !empty.is_empty() {
        if allowed == 0 {
            budget_blocked(ctx, k, &budget);
            return;
        }
        for &c in empty.iter().take(allowed as usize) {
            let why = format!(
                "the node has had no pods for consolidateAfter ({} s); {budget}",
                k.pool.consolidate_after.0 / 1000
            );
            terminate_claim(ctx, k, c, "Empty", why);
        }
        return;
    }
    let mut busy: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&c| pods_of[c] > 0)
        .collect();
    if k.pool.consolidation_policy == ConsolidationPolicy::WhenEmpty {
        let msg = format!(
            "NodePool \"{}\" has non-empty consolidation disabled",
            k.pool.name
        );
        for c in busy {
            unconsolidatable(ctx, k, c, &msg);
        }
        return;
    }
    // Cheapest to disrupt first: fewest pods (Karpenter's disruption cost grows with them).
    busy.sort_by_key(|&c| (pods_of[c], c));
    for c in busy {
        let Some(n) = k.claims[c].node else {
            continue;
        };
        let mut pods = on[n].clone();
        pods.retain(|&p| ctx.world.pods[p].counts());
        if pdb_blocked(ctx, k, c, &pods) {
            continue;
        }
        match fits_elsewhere(ctx, n, &pods) {
            Ok(()) => {
                if allowed == 0 {
                    budget_blocked(ctx, k, &budget);
                    return;
                }
                let why = format!(
                    "WhenEmptyOrUnderutilized: its {} pods fit on the other nodes, so it can go without a replacement; {budget}",
                    pods.len()
                );
                terminate_claim(ctx, k, c, "Underutilized", why);
                return;
            }
            Err(left) => {
                // The pods that fit nowhere would need new claims: one cheaper claim is a
                // replacement, more is never worth it.
                let requests: Vec<Requests> =
                    left.iter().map(|&p| ctx.world.requests_of(p)).collect();
                let packing = pack(
                    &requests,
                    &k.pool.instance_types,
                    None,
                    overhead(&*ctx.world),
                );
                if packing.claims.len() != 1 {
                    let msg = format!(
                        "Can't remove without creating {} candidates",
                        packing.claims.len()
                    );
                    unconsolidatable(ctx, k, c, &msg);
                    continue;
                }
                let load = requests
                    .iter()
                    .fold(overhead(&*ctx.world), |l, &r| l.plus(r));
                let cpu_left = k.pool.cpu_limit.map(|l| l.saturating_sub(k.cpu_in_use()));
                let current = k.claims[c].instance_type;
                match replacement(&k.pool.instance_types, current, load, cpu_left) {
                    Replacement::Launch(t) => {
                        if k.replacing.is_some() {
                            continue;
                        }
                        if allowed == 0 {
                            budget_blocked(ctx, k, &budget);
                            return;
                        }
                        let why = format!(
                            "WhenEmptyOrUnderutilized: {} of its pods fit nowhere else ({}m CPU, {} MiB); they fit one {} ({:.4} USD/h), strictly cheaper than its {} ({:.4} USD/h); {budget}",
                            load.pods,
                            load.cpu_millis,
                            load.memory_mib,
                            t.name,
                            t.on_demand_usd_per_hour(),
                            current.name,
                            current.on_demand_usd_per_hour()
                        );
                        start_replace(ctx, k, c, t, why);
                        return;
                    }
                    Replacement::ExceedsLimits => {
                        let pods: Vec<String> = left
                            .iter()
                            .map(|&p| ctx.world.pods[p].name.clone())
                            .collect();
                        let msg = replace_exceeds_limits(&k.pool.name, &pods);
                        unconsolidatable(ctx, k, c, &msg);
                    }
                    Replacement::NotCheaper => {
                        unconsolidatable(ctx, k, c, "Can't replace with a cheaper node");
                    }
                }
            }
        }
    }
}

/// Would every pod in `pods` fit on the other schedulable nodes? The pods that do not.
fn fits_elsewhere(ctx: &EksCtx, node: usize, pods: &[usize]) -> Result<(), Vec<usize>> {
    let c = &*ctx.world;
    let mut views = c.node_views();
    if let Some(v) = views.get_mut(node) {
        v.unschedulable = true;
    }
    let mut order = pods.to_vec();
    order.sort_by_key(|&p| {
        let r = c.requests_of(p);
        (
            std::cmp::Reverse(r.cpu_millis),
            std::cmp::Reverse(r.memory_mib),
            p,
        )
    });
    let mut left = Vec::new();
    for p in order {
        let req = c.requests_of(p);
        match scheduler::schedule(&views, req) {
            Decision::Bind(placement) => {
                let v = &mut views[placement.node];
                v.requested_cpu_millis += req.cpu_millis;
                v.requested_memory_mib += req.memory_mib;
                v.pods += 1;
            }
            Decision::Unschedulable(_) => left.push(p),
        }
    }
    if left.is_empty() { Ok(()) } else { Err(left) }
}

/// Taint the node `karpenter.sh/disrupted:NoSchedule`, then drain it: each pod is evicted
/// and its ReplicaSet creates a replacement elsewhere. The node goes once it is empty.
fn terminate_claim(
    ctx: &mut EksCtx,
    k: &mut Karpenter,
    c: usize,
    reason: &'static str,
    why: String,
) {
    mark_disrupted(ctx, k, c, reason);
    drain_claim(ctx, k, c, why);
}

/// Karpenter's `markDisrupted`: the NodeClaim gets its disruption reason and the node the
/// `karpenter.sh/disrupted:NoSchedule` taint, so nothing new schedules there.
fn mark_disrupted(ctx: &mut EksCtx, k: &mut Karpenter, c: usize, reason: &'static str) {
    k.claims[c].disruption = Some(reason);
    if let Some(n) = k.claims[c].node {
        ctx.world.nodes[n].draining = true;
    }
}

/// Replace: taint the candidate and launch the cheaper NodeClaim at once (Karpenter
/// cordons before it launches, so no new pod lands on the candidate meanwhile); the
/// candidate is drained once the replacement is Initialized (`continue_replace`).
fn start_replace(
    ctx: &mut EksCtx,
    k: &mut Karpenter,
    c: usize,
    t: &'static InstanceType,
    why: String,
) {
    let reason = "Underutilized";
    mark_disrupted(ctx, k, c, reason);
    let r = create_claim(ctx, k, t);
    k.replacing = Some(Replace {
        candidate: c,
        replacement: r,
        draining: false,
    });
    k.claims[c].disruption_why = Some(why.clone());
    // The orchestration queue reports both on its first look at the replacement; the
    // events are deduplicated for 2 minutes, longer than the launch takes.
    claim_event(
        ctx,
        k,
        r,
        "DisruptionLaunching",
        launching(reason),
        Some(why),
    );
    claim_event(
        ctx,
        k,
        r,
        "DisruptionWaitingReadiness",
        WAITING_ON_READINESS.into(),
        None,
    );
}

/// The replace command in flight: once the replacement is Initialized, delete the
/// candidate (drain it); once the candidate is gone, the command is over.
fn continue_replace(ctx: &mut EksCtx, k: &mut Karpenter) {
    let Some(r) = k.replacing else {
        return;
    };
    if k.claims[r.candidate].gone {
        k.replacing = None;
        return;
    }
    if r.draining || k.claims[r.replacement].phase < ClaimPhase::Initialized {
        return;
    }
    k.replacing = Some(Replace {
        draining: true,
        ..r
    });
    let why = format!(
        "its replacement {} is Initialized; {}",
        k.claims[r.replacement].name,
        k.claims[r.candidate]
            .disruption_why
            .clone()
            .unwrap_or_default()
    );
    drain_claim(ctx, k, r.candidate, why);
}

/// The NodeClaim is deleted (`DisruptionTerminating`) and the termination controller
/// evicts the node's pods.
fn drain_claim(ctx: &mut EksCtx, k: &mut Karpenter, c: usize, why: String) {
    let reason = k.claims[c].disruption.unwrap_or("Underutilized");
    let Some(n) = k.claims[c].node else {
        return;
    };
    node_event(
        ctx,
        n,
        "DisruptionTerminating",
        disrupting("Node", reason),
        Some(why.clone()),
    );
    claim_event(
        ctx,
        k,
        c,
        "DisruptionTerminating",
        disrupting("NodeClaim", reason),
        Some(why.clone()),
    );
    k.claims[c].evicting = true;
    k.claims[c].disruption_why = Some(why);
    evict_claim_pods(ctx, k, c);
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
                .is_some_and(|r| r.replacement == c || r.candidate == c)
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

fn evict_claim_pods(ctx: &mut EksCtx, k: &mut Karpenter, c: usize) {
    let reason = k.claims[c].disruption.unwrap_or("Underutilized");
    let Some(n) = k.claims[c].node else {
        return;
    };
    let why = k.claims[c].disruption_why.clone().unwrap_or_default();
    let on: Vec<usize> = (0..ctx.world.pods.len())
        .filter(|&p| {
            let pod = &ctx.world.pods[p];
            pod.node == Some(n) && pod.counts() && pod.daemon_node.is_none()
        })
        .collect();
    let node = ctx.world.nodes[n].name.clone();
    let evicted = format!(
        "Evicted by Karpenter, which disrupts its node {node} ({reason}): {why}; the ReplicaSet creates a replacement elsewhere"
    );
    for p in on {
        let name = ctx.world.pods[p].name.clone();
        if eviction::evict(ctx, p, evicted.clone()).is_err() {
            continue;
        }
        let (object, subjects) = events::pod(&name);
        events::normal(
            ctx,
            "Evicted",
            object,
            format!("Evicted pod: {reason}"),
            subjects,
            None,
        );
    }
}

/// Karpenter's candidate check (`pdb.Limits.CanEvictPods`): a node with a pod whose
/// PodDisruptionBudget allows no disruption now is not a candidate; Karpenter says so on the
/// node and its NodeClaim, `Pdb prevents pod evictions (PodDisruptionBudget=[NS/NAME])`
/// (karpenter `pkg/controllers/disruption/types.go`, `NewCandidate`), at most once per
/// dedupe window [model: the same window as `Unconsolidatable`].
fn pdb_blocked(ctx: &mut EksCtx, k: &mut Karpenter, c: usize, pods: &[usize]) -> bool {
    let c_ = &*ctx.world;
    let blocking = pods.iter().find_map(|&p| {
        eviction::budgets_of(c_, p)
            .into_iter()
            .find(|&b| eviction::status(c_, b).disruptions_allowed == 0)
    });
    let Some(b) = blocking else {
        return false;
    };
    let now = ctx.now;
    if k.claims[c]
        .pdb_blocked_reported_at
        .is_some_and(|t| now.since(t) < UNCONSOLIDATABLE_DEDUPE)
    {
        return true;
    }
    k.claims[c].pdb_blocked_reported_at = Some(now);
    let key = eviction::key(ctx.world, b);
    let st = eviction::status(ctx.world, b);
    let msg = format!("Pdb prevents pod evictions (PodDisruptionBudget=[{key}])");
    let why = format!(
        "PodDisruptionBudget {key} allows {} disruptions: {} of its pods are healthy and it needs {}",
        st.disruptions_allowed, st.current_healthy, st.desired_healthy
    );
    if let Some(n) = k.claims[c].node {
        node_event(ctx, n, "DisruptionBlocked", msg.clone(), Some(why.clone()));
    }
    claim_event(ctx, k, c, "DisruptionBlocked", msg, Some(why));
    true
}

fn unconsolidatable(ctx: &mut EksCtx, k: &mut Karpenter, c: usize, msg: &str) {
    let now = ctx.now;
    if k.claims[c]
        .unconsolidatable_reported_at
        .is_some_and(|t| now.since(t) < UNCONSOLIDATABLE_DEDUPE)
    {
        return;
    }
    k.claims[c].unconsolidatable_reported_at = Some(now);
    if let Some(n) = k.claims[c].node {
        node_event(ctx, n, "Unconsolidatable", msg.into(), None);
    }
    claim_event(ctx, k, c, "Unconsolidatable", msg.into(), None);
}

fn budget_blocked(ctx: &mut EksCtx, k: &mut Karpenter, budget: &str) {
    let now = ctx.now;
    if k.blocked_reported_at
        .is_some_and(|t| now.since(t) < BLOCKED_DEDUPE)
    {
        return;
    }
    k.blocked_reported_at = Some(now);
    events::normal(
        ctx,
        "DisruptionBlocked",
        format!("nodepool/{}", k.pool.name),
        "No allowed disruptions due to blocking budget".into(),
        Vec::new(),
        Some(budget.to_string()),
    );
}
