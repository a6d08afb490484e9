//! GuardDuty Runtime Monitoring (docs/rules/security-monitoring.md): the agent's DaemonSet in
//! `amazon-guardduty`, a runtime finding only where a running agent pod is on the pod's node,
//! coverage, and nothing on Fargate or without the add-on.

use crate::common;
use orca_sim::security::read::guardduty;
use orca_sim::security::runtime::{self, AgentOnNode, Management};
use orca_sim::{SimTime, Simulation};

fn at(s: &std::sync::Arc<orca_sim::Scenario>, secs: u64) -> Simulation {
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(SimTime::from_secs(secs));
    sim
}

/// A one-node cluster with `security` as given and an api pod that resolves a C&C domain at
/// 0:30 (`fargate`: the api Deployment runs on Fargate).
fn world(security: &str, fargate: bool) -> std::sync::Arc<orca_sim::Scenario> {
    let profiles = if fargate {
        r#"fargate_profiles: [(name: "fp", deployments: ["api"])],"#
    } else {
        ""
    };
    common::parse(&format!(
        r#"(
    version: 1, title: "t", description: "d", seed: 3, duration: 200,
    world: Eks(
        cluster: (name: "prod"),
        node_groups: [(name: "ng", instance_type: "m5.large", count: 1)],
        {profiles}
        deployments: [(name: "api", replicas: 1, container: (name: "api", image: "api:v1", cpu: 100, memory: 128))],
        security: {security},
    ),
    timeline: [(at: 30, action: RuntimeActivity(pod: "deploy/api", activity: RunCryptoMiner("/tmp/xmrig")))],
)"#
    ))
}

#[test]
fn the_agent_runs_where_it_fits_and_only_there_an_event_becomes_a_finding() {
    let s = common::built_in_named("eks-guardduty-runtime");
    // Before the first lookup's finding is due (2:00 + 60 s): nothing yet.
    let sim = at(&s, 179);
    let c = sim.world().eks.as_ref().unwrap();
    assert!(c.security.as_ref().unwrap().findings.is_empty());
    // The add-on's DaemonSet: one pod per EC2 node in amazon-guardduty; one is Pending.
    let d = runtime::agent_daemon_set(c).expect("the add-on is installed");
    let agents: Vec<(String, bool)> = c
        .pods
        .iter()
        .filter(|p| !p.gone && c.replica_sets[p.replica_set].deployment == d)
        .map(|p| (c.deployments[d].namespace.clone(), p.node.is_some()))
        .collect();
    assert_eq!(agents.len(), 2, "{agents:?}");
    assert!(agents.iter().all(|(ns, _)| ns == "amazon-guardduty"));
    assert_eq!(agents.iter().filter(|(_, bound)| *bound).count(), 1);
    let sim = at(&s, 300);
    let c = sim.world().eks.as_ref().unwrap();
    let sec = c.security.as_ref().unwrap();
    assert_eq!(sec.findings.len(), 1, "the packed node's lookup is unseen");
    let f = &sec.findings[0];
    assert_eq!(
        (f.finding_type.as_str(), f.severity, f.at_ms),
        ("Backdoor:Runtime/C&CActivity.B!DNS", 8.0, 180_000)
    );
    let r = f.runtime.as_ref().unwrap();
    let node = c.nodes.iter().position(|n| n.name == r.node).unwrap();
    assert!(runtime::agent_on(c, node).covered());
    // Coverage: UNHEALTHY, 1 of 2 compatible nodes covered, the packed node's pod Pending.
    let cov = runtime::coverage(c).unwrap();
    assert!(!cov.healthy);
    assert_eq!((cov.covered_nodes, cov.compatible_nodes), (1, 2));
    assert_eq!(cov.management, Management::AutoManaged);
    let packed = cov
        .nodes
        .iter()
        .find(|(_, g, _)| g.as_deref() == Some("packed"))
        .unwrap();
    assert!(
        matches!(&packed.2, AgentOnNode::NotRunning { status, .. } if status == "Pending"),
        "{packed:?}"
    );
    // The panel's view gives each finding and each node a why.
    let v = guardduty(c).unwrap();
    assert!(
        v.findings[0]
            .why
            .contains("resolves beacon.c2-relay.example")
    );
    let (status, issue, nodes) = v.coverage.unwrap();
    assert_eq!(status, "UNHEALTHY");
    assert!(issue.unwrap().contains("1 of 2 compatible nodes"));
    assert!(
        nodes
            .iter()
            .any(|n| !n.covered && n.why.contains("Pending"))
    );
}

#[test]
fn without_the_add_on_nothing_is_seen_and_coverage_says_why() {
    let s = world(
        "(guardduty: (runtime_monitoring: (eks_addon_management: false)))",
        false,
    );
    let sim = at(&s, 200);
    let c = sim.world().eks.as_ref().unwrap();
    assert!(runtime::agent_daemon_set(c).is_none());
    assert!(c.security.as_ref().unwrap().findings.is_empty());
    let cov = runtime::coverage(c).unwrap();
    assert_eq!(cov.management, Management::NotInstalled);
    assert!(!cov.healthy && cov.issue.unwrap().contains("add-on is not installed"));
    assert!(sim.log().iter().any(|e| e.message().contains(
        "GuardDuty sees nothing of it: the aws-guardduty-agent add-on is not installed"
    )));
}

#[test]
fn an_add_on_installed_by_hand_covers_the_node_and_a_crypto_miner_is_found() {
    let s = world(
        "(guardduty: (runtime_monitoring: (eks_addon_management: false, manual_addon: true)))",
        false,
    );
    let sim = at(&s, 200);
    let c = sim.world().eks.as_ref().unwrap();
    let cov = runtime::coverage(c).unwrap();
    assert_eq!(cov.management, Management::Manual);
    assert!(cov.healthy && cov.issue.is_none());
    assert_eq!((cov.covered_nodes, cov.compatible_nodes), (1, 1));
    let f = &c.security.as_ref().unwrap().findings;
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].finding_type, "Impact:Runtime/CryptoMinerExecuted");
    assert_eq!(f[0].at_ms, 90_000, "60 s after the 0:30 event");
}

#[test]
fn a_pod_on_fargate_is_never_covered_and_does_not_count_as_a_compatible_node() {
    let s = world("(guardduty: (runtime_monitoring: ()))", true);
    let sim = at(&s, 200);
    let c = sim.world().eks.as_ref().unwrap();
    assert!(c.security.as_ref().unwrap().findings.is_empty());
    let cov = runtime::coverage(c).unwrap();
    // The EC2 node runs the agent; the Fargate node is not compatible, so the cluster is
    // HEALTHY although the api pod on Fargate is unmonitored.
    assert!(cov.healthy);
    assert_eq!((cov.covered_nodes, cov.compatible_nodes), (1, 1));
    assert!(cov.nodes.iter().any(|(_, _, a)| *a == AgentOnNode::Fargate));
    assert!(sim.log().iter().any(|e| {
        e.message()
            .contains("is a Fargate node: Runtime Monitoring does not support EKS on Fargate")
    }));
}

#[test]
fn with_runtime_monitoring_off_the_audit_log_feature_does_not_see_runtime_events() {
    let s = world("(guardduty: (eks_audit_logs: true))", false);
    let sim = at(&s, 200);
    let c = sim.world().eks.as_ref().unwrap();
    assert!(runtime::coverage(c).is_none());
    assert!(runtime::agent_daemon_set(c).is_none());
    assert!(c.security.as_ref().unwrap().findings.is_empty());
    assert!(sim.log().iter().any(|e| {
        e.message()
            .contains("Runtime Monitoring (RUNTIME_MONITORING) is off")
    }));
}

#[test]
fn a_finding_still_due_survives_a_snapshot_restore() {
    let s = common::built_in_named("eks-guardduty-runtime");
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(SimTime::from_secs(150));
    let snap = sim.snapshot();
    sim.advance_to(SimTime::from_secs(200));
    let direct = sim.world().eks.as_ref().unwrap().security.clone();
    sim.restore(&snap);
    sim.advance_to(SimTime::from_secs(200));
    let again = sim.world().eks.as_ref().unwrap().security.clone();
    assert_eq!(direct, again);
    assert_eq!(again.unwrap().findings.len(), 1);
}
