//! Karpenter's disruption methods beyond emptiness and single-node consolidation
//! (`docs/rules/k8s-autoscaling.md#karpenter-in-orca`): multi-node consolidation, drift and
//! Spot interruption, on the built-in `eks-karpenter-disruption` scenario and variations of it.

use std::sync::Arc;

use crate::common;

use orca_sim::event::EventKind;
use orca_sim::{Event, Scenario, SimTime, Simulation};

fn source() -> String {
    std::fs::read_to_string(common::scenarios_dir().join("eks-karpenter-disruption.ron"))
        .expect("the built-in scenario")
}

/// The built-in scenario with `from` replaced by `to` in its text, run to the end.
fn run_with(from: &str, to: &str) -> Simulation {
    let src = source();
    assert!(src.contains(from), "{from}");
    let s: Arc<Scenario> = common::parse(&src.replacen(from, to, 1));
    let mut sim = Simulation::new(s);
    let end = sim.end();
    sim.advance_to(end);
    sim
}

fn run() -> Simulation {
    run_with("seed: 5", "seed: 5")
}

fn with_reason<'a>(sim: &'a Simulation, reason: &str) -> Vec<&'a Event> {
    sim.log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Kube { reason: r, .. } if r == reason))
        .collect()
}

fn on_nodes<'a>(events: &[&'a Event]) -> Vec<&'a Event> {
    events
        .iter()
        .copied()
        .filter(|e| e.source.to_string().starts_with("node/"))
        .collect()
}

#[test]
fn two_underutilized_nodes_go_in_one_command() {
    let sim = run();
    let underutilized: Vec<&Event> = on_nodes(&with_reason(&sim, "DisruptionTerminating"))
        .into_iter()
        .filter(|e| e.message() == "Disrupting Node: Underutilized")
        .collect();
    assert_eq!(underutilized.len(), 2, "two nodes");
    // In the same poll: batch went to 0 at 4:00, consolidateAfter is 60 s, the poll is 5:10.
    assert_eq!(underutilized[0].at, underutilized[1].at);
    assert_eq!(underutilized[0].at, SimTime::from_secs(310));
    assert_ne!(underutilized[0].source, underutilized[1].source);
    // No replacement launched for them, and nothing was empty.
    assert!(
        with_reason(&sim, "DisruptionLaunching")
            .iter()
            .all(|e| e.message() != "Launching NodeClaim: Underutilized")
    );
    assert!(
        with_reason(&sim, "DisruptionTerminating")
            .iter()
            .all(|e| !e.message().ends_with("Empty"))
    );
    let evicted: Vec<&Event> = with_reason(&sim, "Evicted")
        .into_iter()
        .filter(|e| e.message() == "Evicted pod: Underutilized")
        .collect();
    assert_eq!(evicted.len(), 2, "one web pod from each");
}

#[test]
fn a_budget_of_one_node_leaves_it_to_single_node_consolidation() {
    // Multi-node consolidation only considers the candidates the budget lets go: with one,
    // it has no pair, and single-node consolidation removes one node per poll.
    let sim = run_with("budget_nodes: \"100%\"", "budget_nodes: \"1\"");
    let at: Vec<SimTime> = on_nodes(&with_reason(&sim, "DisruptionTerminating"))
        .into_iter()
        .filter(|e| e.message() == "Disrupting Node: Underutilized")
        .map(|e| e.at)
        .collect();
    assert!(at.len() >= 2, "{at:?}");
    assert!(at[0] < at[1], "one at a time: {at:?}");
}

#[test]
fn when_empty_consolidates_nothing_that_runs_pods() {
    let sim = run_with(
        "consolidate_after: 60,",
        "consolidate_after: 60, consolidation_policy: WhenEmpty,",
    );
    assert!(
        with_reason(&sim, "DisruptionTerminating")
            .iter()
            .all(|e| !e.message().ends_with("Underutilized"))
    );
}

#[test]
fn a_new_ami_drifts_the_node_which_is_replaced_before_it_drains() {
    let sim = run();
    let drifted = with_reason(&sim, "Drifted");
    assert_eq!(drifted.len(), 1, "the one node left at 8:00");
    assert_eq!(drifted[0].at, SimTime::from_secs(480));
    assert_eq!(
        drifted[0].message(),
        "Status condition transitioned, Type: Drifted, Status: Unknown -> True, Reason: AMIDrift, Message: AMIDrift"
    );
    let launching = with_reason(&sim, "DisruptionLaunching");
    assert_eq!(launching.len(), 1);
    assert_eq!(launching[0].message(), "Launching NodeClaim: Drifted");
    let replacement = launching[0].source.to_string();
    let initialized = with_reason(&sim, "Initialized")
        .into_iter()
        .find(|e| e.source.to_string() == replacement)
        .map(|e| e.at)
        .expect("the replacement is Initialized");
    let drained: Vec<&Event> = with_reason(&sim, "DisruptionTerminating")
        .into_iter()
        .filter(|e| e.message().ends_with("Drifted"))
        .collect();
    assert_eq!(drained.len(), 2, "the node and its NodeClaim");
    assert_eq!(
        drained[0].at, initialized,
        "drained once the replacement is ready"
    );
    assert_eq!(drained[1].message(), "Disrupting NodeClaim: Drifted");
}

#[test]
fn no_drift_without_a_change() {
    let sim = run_with(
        "ami_id: \"ami-0f9e8d7c6b5a40312\"",
        "ami_id: \"ami-0a1b2c3d4e5f60718\"",
    );
    assert!(with_reason(&sim, "Drifted").is_empty());
    assert!(with_reason(&sim, "DisruptionLaunching").is_empty());
}

#[test]
fn with_the_queue_the_spot_node_is_drained_at_the_warning() {
    let sim = run();
    let warned = SimTime::from_secs(660);
    let spot = with_reason(&sim, "SpotInterrupted");
    assert_eq!(spot.len(), 2, "the NodeClaim and its node");
    assert!(
        spot.iter()
            .all(|e| e.at == warned && e.message() == "Spot interruption warning was triggered")
    );
    let term = with_reason(&sim, "TerminatingOnInterruption");
    assert_eq!(term.len(), 2);
    assert_eq!(
        term[0].message(),
        "Interruption triggered termination for the NodeClaim"
    );
    assert_eq!(
        term[1].message(),
        "Interruption triggered termination for the Node"
    );
    let evicted: Vec<&Event> = with_reason(&sim, "Evicted")
        .into_iter()
        .filter(|e| e.message() == "Evicted pod: Interrupted")
        .collect();
    assert_eq!(evicted.len(), 3);
    assert!(evicted.iter().all(|e| e.at == warned));
    // The web pods run again on a new node before the end of the 2-minute notice.
    let c = sim.world().eks.as_ref().expect("EKS");
    let web = c.deployment_index("web").expect("web");
    let scheduled_again = sim
        .log()
        .iter()
        .filter(|e| e.at > warned && e.message().contains("Successfully assigned default/web-"))
        .count();
    assert_eq!(scheduled_again, 3);
    assert_eq!(c.totals(web, sim.now()).0, 3);
}

#[test]
fn without_the_queue_the_node_just_goes_at_the_end_of_the_notice() {
    let sim = run_with("interruption_queue: true", "interruption_queue: false");
    assert!(with_reason(&sim, "SpotInterrupted").is_empty());
    assert!(with_reason(&sim, "TerminatingOnInterruption").is_empty());
    assert!(
        with_reason(&sim, "Evicted")
            .iter()
            .all(|e| e.message() != "Evicted pod: Interrupted")
    );
    let gone = SimTime::from_secs(660 + 120);
    let removed: Vec<&Event> = with_reason(&sim, "RemovingNode")
        .into_iter()
        .filter(|e| e.at == gone)
        .collect();
    assert_eq!(
        removed.len(),
        1,
        "the instance goes 2 minutes after the warning"
    );
    // Its pods went with it: the ReplicaSet's new ones wait for a node Karpenter launches.
    let pending_after = sim
        .log()
        .iter()
        .filter(|e| e.at == gone && e.message().starts_with("0/"))
        .count();
    assert_eq!(pending_after, 3);
}

#[test]
fn the_run_is_deterministic() {
    let log =
        |sim: &Simulation| -> Vec<String> { sim.log().iter().map(|e| e.log_line()).collect() };
    assert_eq!(log(&run()), log(&run()));
}
