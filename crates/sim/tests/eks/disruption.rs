//! PodDisruptionBudgets and node autoscaling (`docs/rules/k8s-disruption.md#the-autoscalers-and-budgets`):
//! Karpenter does not consolidate a node whose pods a budget holds and says so.

use crate::common;

use orca_sim::{Event, EventKind, SimTime, Simulation};

/// 6 pods of 500m: 3 on the m5.large system node, 3 on a Karpenter node; at 3:20 the
/// Deployment scales to 3 so the Karpenter node's pods could move (as in `karpenter.rs`'s
/// `movable`), with a budget `budget` (the inside of a `pod_disruption_budgets` entry).
fn movable_with(budget: &str) -> Simulation {
    let src = format!(
        "(version: 1, title: \"pdb test\", seed: 3, duration: 360,
world: Eks(
    cluster: (name: \"demo\", availability_zones: [\"us-east-1a\", \"us-east-1b\"]),
    node_groups: [(name: \"system\", instance_type: \"m5.large\", count: 1)],
    karpenter: (consolidation_policy: WhenEmptyOrUnderutilized),
    deployments: [(name: \"web\", replicas: 0,
        container: (name: \"web\", image: \"web:v1\", cpu: 500, memory: 512, readiness_probe: true))],
    pod_disruption_budgets: [({budget})],
),
timeline: [(at: 10, action: ScaleDeployment(deployment: \"web\", replicas: 6)), (at: 200, action: ScaleDeployment(deployment: \"web\", replicas: 3))],
)"
    );
    let mut sim = Simulation::new(common::parse(&src));
    let end = sim.end();
    sim.advance_to(end);
    sim
}

fn with_reason<'a>(sim: &'a Simulation, reason: &str) -> Vec<&'a Event> {
    sim.log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Kube { reason: r, .. } if r == reason))
        .collect()
}

#[test]
fn a_budget_that_allows_no_disruption_keeps_the_node_and_karpenter_says_why() {
    // minAvailable 100 % of 3 replicas: 3 must stay, 0 disruptions allowed.
    let sim = movable_with(
        "name: \"web\", min_available: Some(Percent(100)), match_labels: {\"app\": \"web\"}",
    );
    assert!(with_reason(&sim, "DisruptionTerminating").is_empty());
    let blocked: Vec<&Event> = with_reason(&sim, "DisruptionBlocked")
        .into_iter()
        .filter(|e| e.message().starts_with("Pdb"))
        .collect();
    // Once for the node and once for its NodeClaim within the 15-minute window.
    assert_eq!(blocked.len(), 2, "{blocked:?}");
    assert!(
        blocked.iter().all(
            |e| e.message() == "Pdb prevents pod evictions (PodDisruptionBudget=[default/web])"
        )
    );
    // Karpenter filters candidates by budget before it looks at where the pods would go.
    assert!(blocked[0].at < SimTime::from_secs(200));
    let c = sim.world().eks.as_ref().expect("EKS");
    assert!(!c.karpenter.as_ref().expect("Karpenter").claims[0].gone);
}

#[test]
fn a_budget_with_room_lets_karpenter_consolidate_one_pod_at_a_time() {
    // maxUnavailable 1: the termination evicts one pod, retries the others as replacements
    // become Ready, and the node goes in the end.
    let sim = movable_with(
        "name: \"web\", max_unavailable: Some(Count(1)), match_labels: {\"app\": \"web\"}",
    );
    let terminating = with_reason(&sim, "DisruptionTerminating");
    assert_eq!(terminating.len(), 2);
    let evicted = with_reason(&sim, "Evicted");
    assert_eq!(evicted.len(), 3);
    // Not all at the same moment: the budget let one go at a time.
    assert!(evicted[0].at < evicted[2].at, "{evicted:?}");
    let c = sim.world().eks.as_ref().expect("EKS");
    assert!(c.karpenter.as_ref().expect("Karpenter").claims[0].gone);
}

/// A NodePool with `expire_after` seconds; 6 pods of 500m: 3 on the system node, 3 on a
/// Karpenter node.
fn expiring(expire_after: &str) -> Simulation {
    let src = format!(
        "(version: 1, title: \"expiry test\", seed: 3, duration: 360,
world: Eks(
    cluster: (name: \"demo\", availability_zones: [\"us-east-1a\", \"us-east-1b\"]),
    node_groups: [(name: \"system\", instance_type: \"m5.large\", count: 1)],
    karpenter: (consolidation_policy: WhenEmpty, expire_after: {expire_after}),
    deployments: [(name: \"web\", replicas: 0,
        container: (name: \"web\", image: \"web:v1\", cpu: 500, memory: 512))],
),
timeline: [(at: 10, action: ScaleDeployment(deployment: \"web\", replicas: 6))],
)"
    );
    let mut sim = Simulation::new(common::parse(&src));
    let end = sim.end();
    sim.advance_to(end);
    sim
}

#[test]
fn an_expired_nodeclaim_is_replaced_and_its_pods_move() {
    // Karpenter docs, "Disruption": expireAfter deletes a NodeClaim once it is that old.
    let sim = expiring("Some(120)");
    let c = sim.world().eks.as_ref().expect("EKS");
    let k = c.karpenter.as_ref().expect("Karpenter");
    let first = &k.claims[0];
    assert!(first.gone, "the first NodeClaim expired");
    assert_eq!(first.disruption, Some("Expired"));
    let evicted = with_reason(&sim, "Evicted");
    assert!(
        evicted
            .iter()
            .all(|e| e.message() == "Evicted pod: Expired")
    );
    // Exactly 120 s after the claim was created (the controller looks every second), its 3
    // pods at once: expiry is forceful, no budget spreads it.
    let expiry = first
        .created_at
        .plus(orca_sim::time::Millis::from_secs(120));
    assert_eq!(evicted.iter().filter(|e| e.at == expiry).count(), 3);
    assert!(evicted.iter().all(|e| e.at >= expiry));
    // The replacement expires in its turn, 120 s after its own creation.
    let second = &k.claims[1];
    let second_expiry = second
        .created_at
        .plus(orca_sim::time::Millis::from_secs(120));
    assert_eq!(evicted.iter().filter(|e| e.at == second_expiry).count(), 3);
    // Its pods were provisioned for again: a new NodeClaim, and nothing left pending.
    assert!(k.claims.len() >= 2);
    assert!(
        c.pods
            .iter()
            .filter(|p| p.counts())
            .all(|p| p.node.is_some()),
        "every web pod runs again"
    );
}

#[test]
fn without_expiry_the_nodeclaim_stays() {
    let sim = expiring("None");
    let c = sim.world().eks.as_ref().expect("EKS");
    assert!(!c.karpenter.as_ref().expect("Karpenter").claims[0].gone);
    assert!(with_reason(&sim, "Evicted").is_empty());
}
