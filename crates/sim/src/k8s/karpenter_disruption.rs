//! Karpenter's disruption controller (karpenter `pkg/controllers/disruption/controller.go`):
//! every 10 s it tries its methods in order and carries out the first command one of them
//! finds — emptiness, drift, multi-node consolidation, single-node consolidation
//! (`NewMethods`: "Delete any empty NodeClaims", "Terminate any NodeClaims that have drifted",
//! "identify multiple NodeClaims that we can consolidate simultaneously", "fall back our single
//! NodeClaim consolidation"), within the NodePool's disruption budget. Beside it, the NodeClaim
//! disruption controller's drift check (`mark_drifted`).

use super::cluster::EksCtx;
use super::eviction;
use super::karpenter::{
    ClaimPhase, ConsolidationPolicy, Karpenter, Load, Replacement, allowed_disruptions,
    drifted_condition, first_n, multi_replacement, pack, replace_exceeds_limits, replacement,
};
use super::karpenter_actions::{
    budget_blocked, claim_event, movable_pods_per_node, overhead, pdb_blocked, start_replace,
    terminate_claim, unconsolidatable,
};
use super::scheduler::{self, Decision, Requests};
use crate::aws::instance_types::InstanceType;

/// The NodeClaim disruption controller's drift check (karpenter
/// `pkg/controllers/nodeclaim/disruption/drift.go`; the AWS provider's `IsDrifted` compares
/// the instance's AMI with those the EC2NodeClass resolves to, reason `AMIDrift`): a launched
/// NodeClaim whose AMI is no longer the EC2NodeClass's gets the `Drifted` condition. Karpenter
/// reacts to the EC2NodeClass change through its watch; Orca checks every second.
pub(super) fn mark_drifted(ctx: &mut EksCtx, k: &mut Karpenter) {
    for c in 0..k.claims.len() {
        let claim = &k.claims[c];
        if claim.gone
            || claim.drifted.is_some()
            || claim.phase < ClaimPhase::Launched
            || claim.ami_id == k.pool.ami_id
        {
            continue;
        }
        let why = format!(
            "the NodeClaim was launched from {} and the EC2NodeClass now selects {}",
            claim.ami_id, k.pool.ami_id
        );
        k.claims[c].drifted = Some(("AMIDrift", ctx.now));
        claim_event(
            ctx,
            k,
            c,
            "Drifted",
            drifted_condition("AMIDrift"),
            Some(why),
        );
    }
}

/// The budget as the disruption controller sees it this poll.
struct Budget {
    allowed: u32,
    text: String,
}

fn budget(k: &Karpenter) -> Budget {
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
    Budget {
        allowed,
        text: format!(
            "the budget nodes {} of the pool's {total} nodes, {disrupting} already disrupting, allows {allowed} more",
            k.pool.budget_nodes
        ),
    }
}

/// The disruption controller: emptiness, then drift, then (with `WhenEmptyOrUnderutilized`)
/// multi-node and single-node consolidation; one command per poll, within the NodePool's
/// budget.
pub(super) fn disrupt(ctx: &mut EksCtx, k: &mut Karpenter) {
    let now = ctx.now;
    let b = budget(k);
    let on = movable_pods_per_node(ctx.world);
    let pods_of: Vec<usize> = k
        .claims
        .iter()
        .map(|c| c.node.map_or(0, |n| on[n].len()))
        .collect();
    // Any graceful method's candidate: an Initialized NodeClaim not being disrupted and not
    // a replacement of the command in flight.
    let eligible = |k: &Karpenter, c: usize| {
        let claim = &k.claims[c];
        !claim.gone
            && claim.disruption.is_none()
            && claim.phase == ClaimPhase::Initialized
            && k.replacing.as_ref().is_none_or(|r| !r.launched(c))
    };
    let candidates: Vec<usize> = (0..k.claims.len())
        .filter(|&c| {
            eligible(k, c) && now.since(k.claims[c].pods_changed_at) >= k.pool.consolidate_after
        })
        .collect();
    let empty: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&c| pods_of[c] == 0)
        .collect();
    if !empty.is_empty() {
        if b.allowed == 0 {
            budget_blocked(ctx, k, &b.text);
            return;
        }
        for &c in empty.iter().take(b.allowed as usize) {
            let why = format!(
                "the node has had no pods for consolidateAfter ({} s); {}",
                k.pool.consolidate_after.0 / 1000,
                b.text
            );
            terminate_claim(ctx, k, c, "Empty", why);
        }
        return;
    }
    let mut drifted: Vec<usize> = (0..k.claims.len())
        .filter(|&c| eligible(k, c) && k.claims[c].drifted.is_some())
        .collect();
    drifted.sort_by_key(|&c| (k.claims[c].drifted.map(|d| d.1), c));
    if drift(ctx, k, &drifted, &pods_of, &b) {
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
    if multi_node(ctx, k, &busy, &b) {
        return;
    }
    single_node(ctx, k, busy, &b);
}

/// The pods of a NodeClaim's node that a disruption moves.
fn pods_to_move(ctx: &EksCtx, k: &Karpenter, c: usize) -> Vec<usize> {
    let Some(n) = k.claims[c].node else {
        return Vec::new();
    };
    let c_ = &*ctx.world;
    let mut pods: Vec<usize> = c_.pods_per_node()[n]
        .iter()
        .copied()
        .filter(|&p| c_.pods[p].daemon_node.is_none() && c_.pods[p].counts())
        .collect();
    pods.sort_unstable();
    pods
}

/// Drift (karpenter `pkg/controllers/disruption/drift.go`, `ComputeCommands`): drifted
/// candidates oldest `Drifted` first; the empty ones go together within the budget, else the
/// first whose pods can all be scheduled — on the other nodes, or on new NodeClaims launched
/// first — is replaced. No `consolidateAfter`, no price condition. `true` when it acted or the
/// budget stopped it.
fn drift(
    ctx: &mut EksCtx,
    k: &mut Karpenter,
    drifted: &[usize],
    pods_of: &[usize],
    b: &Budget,
) -> bool {
    if drifted.is_empty() {
        return false;
    }
    if b.allowed == 0 {
        budget_blocked(ctx, k, &b.text);
        return true;
    }
    let empty: Vec<usize> = drifted
        .iter()
        .copied()
        .filter(|&c| pods_of[c] == 0)
        .take(b.allowed as usize)
        .collect();
    if !empty.is_empty() {
        for c in empty {
            let why = format!("{}; the node has no pods; {}", drift_why(k, c), b.text);
            terminate_claim(ctx, k, c, "Drifted", why);
        }
        return true;
    }
    for &c in drifted {
        let pods = pods_to_move(ctx, k, c);
        if pdb_blocked(ctx, k, c, &pods) {
            continue;
        }
        let Some(n) = k.claims[c].node else {
            continue;
        };
        match fits_elsewhere(ctx, &[n], &pods) {
            Ok(()) => {
                let why = format!(
                    "{}; its {} pods fit on the other nodes; {}",
                    drift_why(k, c),
                    pods.len(),
                    b.text
                );
                terminate_claim(ctx, k, c, "Drifted", why);
                return true;
            }
            Err(left) => {
                if k.replacing.is_some() {
                    continue;
                }
                let requests: Vec<Requests> =
                    left.iter().map(|&p| ctx.world.requests_of(p)).collect();
                let cpu_left = k.pool.cpu_limit.map(|l| l.saturating_sub(k.cpu_in_use()));
                let packing = pack(
                    &requests,
                    &k.pool.instance_types,
                    cpu_left,
                    overhead(&*ctx.world),
                );
                if !packing.unfit.is_empty() {
                    // Not all pods would schedule: Karpenter leaves the node for a later poll.
                    continue;
                }
                let types: Vec<&'static InstanceType> =
                    packing.claims.iter().map(|(t, _)| *t).collect();
                let names: Vec<&str> = types.iter().map(|t| t.name).collect();
                let why = format!(
                    "{}; {} of its pods fit nowhere else, so Karpenter launches {} first and drains the node once {} Initialized; {}",
                    drift_why(k, c),
                    left.len(),
                    names.join(", "),
                    if names.len() == 1 {
                        "it is"
                    } else {
                        "they are"
                    },
                    b.text
                );
                start_replace(ctx, k, &[c], &types, "Drifted", why);
                return true;
            }
        }
    }
    false
}

fn drift_why(k: &Karpenter, c: usize) -> String {
    format!(
        "the NodeClaim is Drifted ({}: launched from {}, the EC2NodeClass selects {})",
        k.claims[c].drifted.map_or("", |d| d.0),
        k.claims[c].ami_id,
        k.pool.ami_id
    )
}

/// What consolidating a set of nodes together would take.
enum MultiPlan {
    /// Every pod fits on the other nodes.
    Delete { pods: usize },
    /// The pods that fit nowhere else fit one cheaper NodeClaim of this type.
    Replace {
        t: &'static InstanceType,
        load: Load,
    },
}

/// A PodDisruptionBudget allowing no disruption covers one of the pods (checked quietly:
/// single-node consolidation reports it).
fn pdb_refuses(ctx: &EksCtx, pods: &[usize]) -> bool {
    let c = &*ctx.world;
    pods.iter().any(|&p| {
        eviction::budgets_of(c, p)
            .into_iter()
            .any(|b| eviction::status(c, b).disruptions_allowed == 0)
    })
}

/// Multi-node consolidation (karpenter `pkg/controllers/disruption/multinodeconsolidation.go`):
/// the candidates that the budget lets go, in disruption order, and the largest first `n`
/// (at least 2) that can go together: their pods fit on the remaining nodes, or on those and
/// one new NodeClaim cheaper than the `n` nodes together. `true` when it acted.
fn multi_node(ctx: &mut EksCtx, k: &mut Karpenter, busy: &[usize], b: &Budget) -> bool {
    let cands: Vec<usize> = busy
        .iter()
        .copied()
        .filter(|&c| !pdb_refuses(ctx, &pods_to_move(ctx, k, c)))
        .take(b.allowed as usize)
        .collect();
    let plan = |n: usize| plan_multi(ctx, k, &cands[..n]);
    let Some(n) = first_n(cands.len(), |n| plan(n).is_some()) else {
        return false;
    };
    let Some(plan) = plan(n) else {
        return false;
    };
    let set = &cands[..n];
    let names: Vec<String> = set
        .iter()
        .filter_map(|&c| k.claims[c].node.map(|n| ctx.world.nodes[n].name.clone()))
        .collect();
    match plan {
        MultiPlan::Delete { pods } => {
            let why = format!(
                "WhenEmptyOrUnderutilized, multi-node: the {} pods of {n} nodes ({}) fit on the remaining nodes, so they go together without a replacement; {}",
                pods,
                names.join(", "),
                b.text
            );
            for &c in set {
                terminate_claim(ctx, k, c, "Underutilized", why.clone());
            }
        }
        MultiPlan::Replace { t, load } => {
            let total: f64 = set
                .iter()
                .map(|&c| k.claims[c].instance_type.on_demand_usd_per_hour())
                .sum();
            let why = format!(
                "WhenEmptyOrUnderutilized, multi-node: of the pods of {n} nodes ({}), {} fit nowhere else ({}m CPU, {} MiB); they fit one {} ({:.4} USD/h), cheaper than the {n} nodes together ({:.4} USD/h); {}",
                names.join(", "),
                load.pods,
                load.cpu_millis,
                load.memory_mib,
                t.name,
                t.on_demand_usd_per_hour(),
                total,
                b.text
            );
            start_replace(ctx, k, set, &[t], "Underutilized", why);
        }
    }
    true
}

/// Can the NodeClaims `set` go together, and how?
fn plan_multi(ctx: &EksCtx, k: &Karpenter, set: &[usize]) -> Option<MultiPlan> {
    let nodes: Vec<usize> = set.iter().filter_map(|&c| k.claims[c].node).collect();
    let pods: Vec<usize> = set.iter().flat_map(|&c| pods_to_move(ctx, k, c)).collect();
    let left = match fits_elsewhere(ctx, &nodes, &pods) {
        Ok(()) => return Some(MultiPlan::Delete { pods: pods.len() }),
        Err(left) => left,
    };
    if k.replacing.is_some() {
        return None;
    }
    let requests: Vec<Requests> = left.iter().map(|&p| ctx.world.requests_of(p)).collect();
    let overhead = overhead(&*ctx.world);
    if pack(&requests, &k.pool.instance_types, None, overhead)
        .claims
        .len()
        != 1
    {
        return None;
    }
    let load = requests.iter().fold(overhead, |l, &r| l.plus(r));
    let current: Vec<&'static InstanceType> =
        set.iter().map(|&c| k.claims[c].instance_type).collect();
    let cpu_left = k.pool.cpu_limit.map(|l| l.saturating_sub(k.cpu_in_use()));
    multi_replacement(&k.pool.instance_types, &current, load, cpu_left)
        .map(|t| MultiPlan::Replace { t, load })
}

/// Single-node consolidation: the first candidate that can be deleted, or replaced with one
/// cheaper node.
fn single_node(ctx: &mut EksCtx, k: &mut Karpenter, busy: Vec<usize>, b: &Budget) {
    let allowed = b.allowed;
    let budget = &b.text;
    for c in busy {
        let Some(n) = k.claims[c].node else {
            continue;
        };
        let pods = pods_to_move(ctx, k, c);
        if pdb_blocked(ctx, k, c, &pods) {
            continue;
        }
        match fits_elsewhere(ctx, &[n], &pods) {
            Ok(()) => {
                if allowed == 0 {
                    budget_blocked(ctx, k, budget);
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
                            budget_blocked(ctx, k, budget);
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
                        start_replace(ctx, k, &[c], &[t], "Underutilized", why);
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

/// Would every pod in `pods` fit on the schedulable nodes other than `nodes`? The pods that
/// do not.
fn fits_elsewhere(ctx: &EksCtx, nodes: &[usize], pods: &[usize]) -> Result<(), Vec<usize>> {
    let c = &*ctx.world;
    let mut views = c.node_views();
    for &node in nodes {
        if let Some(v) = views.get_mut(node) {
            v.unschedulable = true;
        }
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

/// `UpdateEc2NodeClass`: the EC2NodeClass's AMI changes (as `kubectl apply` of it would); the
/// next disruption pass finds the NodeClaims launched from the old AMI drifted.
pub(crate) fn update_node_class(ctx: &mut EksCtx, ami_id: &str) {
    let Some(k) = ctx.world.karpenter.as_mut() else {
        return;
    };
    k.pool.ami_id = ami_id.to_string();
    ctx.emit(
        crate::event::Source::Scenario,
        crate::event::EventKind::ActionApplied {
            description: "kubectl apply -f … ec2nodeclass/default".into(),
        },
        format!(
            "kubectl apply -f …  →  ec2nodeclass.karpenter.k8s.aws/default configured (amiSelectorTerms: id {ami_id})"
        ),
        Vec::new(),
    );
}
