//! What Karpenter's controllers do to NodeClaims and nodes, shared by the provisioner, the
//! disruption controller (`karpenter_disruption.rs`) and the termination steps in
//! `karpenter_controller.rs`: events on a NodeClaim and its node, creating a NodeClaim,
//! tainting (`mark_disrupted`), deleting and draining (`drain_claim`, `evict_claim_pods`
//! through the Eviction API), starting a replace command, and the `Unconsolidatable` and
//! `DisruptionBlocked` reports.

use rand::Rng;

use super::cluster::{EksCluster, EksCtx};
use super::events;
use super::eviction;
use super::karpenter::{
    BLOCKED_DEDUPE, ClaimPhase, Karpenter, Load, NodeClaim, Replace, UNCONSOLIDATABLE_DEDUPE,
    WAITING_ON_READINESS, disrupting, launching,
};
use super::names;
use crate::aws::instance_types::InstanceType;
use crate::event::Subject;

/// An event on a NodeClaim: about its node once it has one.
pub(super) fn claim_event(
    ctx: &mut EksCtx,
    k: &Karpenter,
    c: usize,
    reason: &str,
    message: String,
    why: Option<String>,
) {
    let subjects = k.claims[c]
        .node
        .map(|n| vec![Subject::Node(ctx.world.nodes[n].name.clone().into())])
        .unwrap_or_default();
    let object = format!("nodeclaim/{}", k.claims[c].name);
    events::normal(ctx, reason, object, message, subjects, why);
}

pub(super) fn node_event(
    ctx: &mut EksCtx,
    n: usize,
    reason: &str,
    message: String,
    why: Option<String>,
) {
    let (object, subjects) = events::node(&ctx.world.nodes[n].name);
    events::normal(ctx, reason, object, message, subjects, why);
}

/// A new NodeClaim of type `t`, in the zone where the pool has the fewest claims (the
/// first such zone on a tie), named from the seeded RNG.
pub(super) fn create_claim(ctx: &mut EksCtx, k: &mut Karpenter, t: &'static InstanceType) -> usize {
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
        zone: zone.to_string(),
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
        ami_id: k.pool.ami_id.clone(),
        drifted: None,
        interrupted_at: None,
    });
    k.claims.len() - 1
}

/// The pods on each node that a disruption would move: every pod but DaemonSet pods (they go
/// with their node).
pub(super) fn movable_pods_per_node(c: &EksCluster) -> Vec<Vec<usize>> {
    let mut on = c.pods_per_node();
    for pods in &mut on {
        pods.retain(|&p| c.pods[p].daemon_node.is_none());
    }
    on
}

/// Karpenter's daemonset overhead: what the DaemonSets put on every new node.
pub(super) fn overhead(c: &EksCluster) -> Load {
    let (r, pods) = c.daemon_overhead();
    Load {
        cpu_millis: r.cpu_millis,
        memory_mib: r.memory_mib,
        pods,
    }
}

/// Taint the node `karpenter.sh/disrupted:NoSchedule`, then drain it: each pod is evicted
/// and its ReplicaSet creates a replacement elsewhere. The node goes once it is empty.
pub(super) fn terminate_claim(
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
pub(super) fn mark_disrupted(ctx: &mut EksCtx, k: &mut Karpenter, c: usize, reason: &'static str) {
    k.claims[c].disruption = Some(reason);
    if let Some(n) = k.claims[c].node {
        ctx.world.nodes[n].draining = true;
    }
}

/// Replace: taint the candidates and launch the new NodeClaims at once (Karpenter cordons
/// before it launches, so no new pod lands on a candidate meanwhile); the candidates are
/// drained once every replacement is Initialized (`continue_replace`).
pub(super) fn start_replace(
    ctx: &mut EksCtx,
    k: &mut Karpenter,
    candidates: &[usize],
    types: &[&'static InstanceType],
    reason: &'static str,
    why: String,
) {
    for &c in candidates {
        mark_disrupted(ctx, k, c, reason);
        k.claims[c].disruption_why = Some(why.clone());
    }
    let replacements: Vec<usize> = types.iter().map(|t| create_claim(ctx, k, t)).collect();
    k.replacing = Some(Replace {
        candidates: candidates.to_vec(),
        replacements: replacements.clone(),
        draining: false,
    });
    // The orchestration queue reports both on its first look at a replacement; the
    // events are deduplicated for 2 minutes, longer than the launch takes.
    for r in replacements {
        claim_event(
            ctx,
            k,
            r,
            "DisruptionLaunching",
            launching(reason),
            Some(why.clone()),
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
}

/// The NodeClaim is deleted (`DisruptionTerminating`) and the termination controller
/// evicts the node's pods.
pub(super) fn drain_claim(ctx: &mut EksCtx, k: &mut Karpenter, c: usize, why: String) {
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

pub(super) fn evict_claim_pods(ctx: &mut EksCtx, k: &mut Karpenter, c: usize) {
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
pub(super) fn pdb_blocked(ctx: &mut EksCtx, k: &mut Karpenter, c: usize, pods: &[usize]) -> bool {
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

pub(super) fn unconsolidatable(ctx: &mut EksCtx, k: &mut Karpenter, c: usize, msg: &str) {
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

pub(super) fn budget_blocked(ctx: &mut EksCtx, k: &mut Karpenter, budget: &str) {
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
