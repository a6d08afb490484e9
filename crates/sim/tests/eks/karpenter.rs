//! Karpenter on EKS (`docs/rules/k8s-autoscaling.md#karpenter`): batching, right-sizing, `limits.cpu`, consolidation
//! policies, replacing a node with a cheaper one, `consolidateAfter`, disruption budgets and
//! determinism, each on a small scenario driven by `kubectl scale`.

use crate::common;

use orca_sim::k8s::cluster::EksCluster as Cluster;
use orca_sim::{Event, SimTime, Simulation};

/// A cluster with one `system` node of `system_type` and a Karpenter NodePool (`node_pool` is
/// the inside of its parentheses); `web` starts at 0 replicas of `cpu` millicores and
/// `memory` MiB, and the timeline scales it: `(seconds, replicas)`. Run to the end.
fn scenario(
    system_type: &str,
    node_pool: &str,
    cpu: u32,
    memory: u32,
    scales: &[(u32, u32)],
    duration: u32,
) -> Simulation {
    let mut sim = at_start(system_type, node_pool, cpu, memory, scales, duration);
    let end = sim.end();
    sim.advance_to(end);
    sim
}

/// The same, not run yet.
fn at_start(
    system_type: &str,
    node_pool: &str,
    cpu: u32,
    memory: u32,
    scales: &[(u32, u32)],
    duration: u32,
) -> Simulation {
    let timeline: Vec<String> = scales
        .iter()
        .map(|(at, n)| {
            format!("(at: {at}, action: ScaleDeployment(deployment: \"web\", replicas: {n}))")
        })
        .collect();
    let src = format!(
        "(version: 1, title: \"karpenter test\", seed: 3, duration: {duration},
world: Eks(
    cluster: (name: \"demo\", availability_zones: [\"us-east-1a\", \"us-east-1b\"]),
    node_groups: [(name: \"system\", instance_type: \"{system_type}\", count: 1)],
    karpenter: ({node_pool}),
    deployments: [(name: \"web\", replicas: 0,
        container: (name: \"web\", image: \"web:v1\", cpu: {cpu}, memory: {memory}))],
),
timeline: [{}],
)",
        timeline.join(", ")
    );
    Simulation::new(common::parse(&src))
}

fn eks(sim: &Simulation) -> &Cluster {
    sim.world().eks.as_ref().expect("an EKS world")
}

fn with_reason<'a>(sim: &'a Simulation, reason: &str) -> Vec<&'a Event> {
    sim.log()
        .iter()
        .filter(|e| {
            matches!(&e.kind, orca_sim::event::EventKind::Kube { reason: r, .. } if r == reason)
        })
        .collect()
}

/// The pods of `web` (the DaemonSet pods and CoreDNS left out).
fn web_pods(c: &Cluster) -> Vec<&orca_sim::k8s::cluster::Pod> {
    (0..c.pods.len())
        .filter(|&p| !c.pods[p].gone && c.pod_deployment(p) == 0)
        .map(|p| &c.pods[p])
        .collect()
}

fn pending(c: &Cluster) -> usize {
    c.pods
        .iter()
        .filter(|p| !p.gone && p.deleting_at.is_none() && p.node.is_none())
        .count()
}

// A t3.micro keeps 625 MiB allocatable: pods of 1 GiB never fit the system node.
const TINY: &str = "t3.micro";

#[test]
fn six_pending_500m_pods_get_one_c5_xlarge() {
    // 6 × 500m = 3000m and 6 GiB: a c5.large (1930m) is too small; the c5.xlarge (3920m,
    // $0.17/h) is the cheapest that holds them all, cheaper than an m5.xlarge ($0.192/h).
    let sim = scenario(TINY, "", 500, 1024, &[(10, 6)], 180);
    let k = eks(&sim).karpenter.as_ref().expect("Karpenter");
    assert_eq!(k.claims.len(), 1, "one NodeClaim for the whole batch");
    assert_eq!(k.claims[0].instance_type.name, "c5.xlarge");
    assert!(k.claims[0].name.starts_with("default-") && k.claims[0].name.len() == 13);
    let nominated = with_reason(&sim, "Nominated");
    assert_eq!(nominated.len(), 6);
    let expected = format!("Pod should schedule on: nodeclaim/{}", k.claims[0].name);
    assert!(nominated.iter().all(|e| e.message() == expected));
    // Every pod ends up running on the new node.
    let c = eks(&sim);
    let node = k.claims[0].node.expect("registered");
    assert!(c.nodes[node].ready);
    assert_eq!(
        c.nodes[node].nodeclaim.as_deref(),
        Some(k.claims[0].name.as_str())
    );
    assert_eq!(
        web_pods(c).iter().filter(|p| p.node == Some(node)).count(),
        6
    );
    assert_eq!(pending(c), 0);
}

#[test]
fn the_node_is_ready_within_a_minute_of_the_batch() {
    let sim = scenario(TINY, "", 500, 1024, &[(10, 2)], 180);
    let at = |reason: &str| with_reason(&sim, reason).first().map(|e| e.at);
    let nominated = at("Nominated").expect("nominated");
    let launched = at("Launched").expect("launched");
    let initialized = at("Initialized").expect("initialized");
    assert!(nominated < launched && launched < initialized);
    assert!(initialized.since(nominated).0 < 60_000, "{initialized}");
    // The pods are scheduled only once the node is Ready (its DaemonSet pods, which tolerate
    // the not-ready taint, as soon as it registers).
    let scheduled = sim
        .log()
        .iter()
        .filter(|e| {
            e.message()
                .starts_with("Successfully assigned default/web-")
        })
        .map(|e| e.at)
        .min()
        .expect("scheduled");
    assert_eq!(scheduled, initialized);
}

#[test]
fn pods_pending_within_a_second_share_a_batch() {
    // 2 pods at 0:10 and 2 more at 0:11: the batch stays open while pods keep arriving.
    let sim = scenario(TINY, "", 500, 1024, &[(10, 2), (11, 4)], 120);
    let times: Vec<SimTime> = with_reason(&sim, "Nominated")
        .iter()
        .map(|e| e.at)
        .collect();
    assert_eq!(times.len(), 4);
    assert!(times.iter().all(|t| *t == times[0]), "{times:?}");
    let k = eks(&sim).karpenter.as_ref().expect("Karpenter");
    assert_eq!(k.claims.len(), 1);
}

#[test]
fn a_steady_trickle_is_cut_after_ten_seconds() {
    // One more pod every second from 0:10 to 0:29: the batch closes at its 10 s maximum, not
    // when the trickle stops.
    let scales: Vec<(u32, u32)> = (0..20).map(|i| (10 + i, 1 + i)).collect();
    let sim = scenario(TINY, "", 250, 1024, &scales, 120);
    let first = with_reason(&sim, "Nominated")
        .first()
        .map(|e| e.at)
        .expect("nominated");
    assert!(
        first >= SimTime::from_secs(20) && first <= SimTime::from_secs(22),
        "{first}"
    );
}

#[test]
fn the_cpu_limit_leaves_pods_pending_with_karpenters_event() {
    // Only c5.xlarge (4 vCPUs) is allowed and limits.cpu is 4: one node holds 7 of the 10 pods
    // (3920m allocatable), the other 3 stay Pending.
    let sim = scenario(
        TINY,
        "instance_types: [\"c5.xlarge\"], cpu_limit: 4",
        500,
        1024,
        &[(10, 10)],
        240,
    );
    let k = eks(&sim).karpenter.as_ref().expect("Karpenter");
    assert_eq!(k.claims.len(), 1);
    assert!(k.cpu_in_use() <= 4);
    let refused: Vec<&Event> = with_reason(&sim, "FailedScheduling")
        .into_iter()
        .filter(|e| e.message().starts_with("Failed to schedule pod"))
        .collect();
    assert_eq!(refused.len(), 3, "one event per pod, not one per batch");
    assert!(refused.iter().all(|e| e.message()
        == "Failed to schedule pod, all available instance types exceed limits for nodepool \"default\""));
    assert_eq!(pending(eks(&sim)), 3);
}

#[test]
fn a_pod_larger_than_every_allowed_type_is_refused() {
    let sim = scenario(
        TINY,
        "instance_types: [\"c5.large\"]",
        3000,
        1024,
        &[(10, 1)],
        60,
    );
    assert!(
        eks(&sim)
            .karpenter
            .as_ref()
            .expect("Karpenter")
            .claims
            .is_empty()
    );
    let refused = with_reason(&sim, "FailedScheduling");
    assert!(refused.iter().any(|e| e.message()
        == "Failed to schedule pod, incompatible with nodepool \"default\", daemonset overhead={\"cpu\":\"125m\",\"pods\":\"2\"}, no instance type satisfied resources {\"cpu\":\"3125m\",\"memory\":\"1Gi\",\"pods\":\"3\"} and requirements karpenter.sh/nodepool In [default], node.kubernetes.io/instance-type In [c5.large]"));
}

#[test]
fn when_empty_waits_consolidate_after_from_the_last_pod_leaving() {
    // The pods go at 3:20 (they exit 2 s after SIGTERM); consolidateAfter is 120 s.
    let sim = scenario(
        TINY,
        "consolidation_policy: WhenEmpty, consolidate_after: 120",
        500,
        1024,
        &[(10, 4), (200, 0)],
        420,
    );
    let disrupted: Vec<&Event> = with_reason(&sim, "DisruptionTerminating")
        .into_iter()
        .filter(|e| e.source.to_string().starts_with("node/"))
        .collect();
    assert_eq!(disrupted.len(), 1);
    assert_eq!(disrupted[0].message(), "Disrupting Node: Empty");
    let at = disrupted[0].at;
    assert!(
        at >= SimTime::from_secs(202 + 120) && at <= SimTime::from_secs(202 + 120 + 10),
        "{at}"
    );
    let c = eks(&sim);
    let k = c.karpenter.as_ref().expect("Karpenter");
    assert!(k.claims[0].gone);
    assert!(
        c.nodes
            .iter()
            .filter(|n| n.nodeclaim.is_some())
            .all(|n| n.gone)
    );
    assert!(with_reason(&sim, "RemovingNode").iter().any(|e| e.at > at));
}

/// 6 pods of 500m: 3 fill the m5.large system node (1930m), 3 go to a Karpenter c5.large. At
/// 3:20 the Deployment scales to 3 and the system node's pods go (same age: the lowest index is
/// deleted first), so the Karpenter node's 3 pods would fit on the system node.
fn movable(policy: &str) -> Simulation {
    scenario(
        "m5.large",
        &format!("consolidation_policy: {policy}"),
        500,
        512,
        &[(10, 6), (200, 3)],
        360,
    )
}

#[test]
fn when_empty_keeps_a_node_whose_pods_could_move() {
    let sim = movable("WhenEmpty");
    assert!(with_reason(&sim, "DisruptionTerminating").is_empty());
    let refusals = with_reason(&sim, "Unconsolidatable");
    assert!(!refusals.is_empty());
    assert!(
        refusals
            .iter()
            .all(|e| e.message() == "NodePool \"default\" has non-empty consolidation disabled")
    );
    // Deduplicated for 15 minutes: one for the node, one for the NodeClaim.
    assert_eq!(refusals.len(), 2);
    let k = eks(&sim).karpenter.as_ref().expect("Karpenter");
    assert!(!k.claims[0].gone);
}

#[test]
fn when_empty_or_underutilized_moves_the_pods_and_removes_the_node() {
    let sim = movable("WhenEmptyOrUnderutilized");
    let disrupted: Vec<&Event> = with_reason(&sim, "DisruptionTerminating");
    assert_eq!(disrupted.len(), 2, "the node and its NodeClaim");
    assert_eq!(disrupted[0].message(), "Disrupting Node: Underutilized");
    assert_eq!(
        disrupted[1].message(),
        "Disrupting NodeClaim: Underutilized"
    );
    assert!(disrupted[0].at > SimTime::from_secs(200));
    let evicted = with_reason(&sim, "Evicted");
    assert_eq!(evicted.len(), 3);
    assert!(
        evicted
            .iter()
            .all(|e| e.message() == "Evicted pod: Underutilized")
    );
    // The ReplicaSet recreated them on the system node; nothing is left Pending.
    let c = eks(&sim);
    assert_eq!(c.totals(0, sim.now()).0, 3);
    assert_eq!(pending(c), 0);
    assert!(c.karpenter.as_ref().expect("Karpenter").claims[0].gone);
    assert!(c.pods.iter().filter(|p| !p.gone).all(|p| p.node == Some(0)));
}

/// Five c5.large nodes, one 1500m pod each; at 2:00 the Deployment scales to 0.
fn five_empty_nodes(budget: &str) -> Simulation {
    scenario(
        TINY,
        &format!("instance_types: [\"c5.large\"], budget_nodes: \"{budget}\""),
        1500,
        1024,
        &[(10, 5), (120, 0)],
        300,
    )
}

fn node_disruptions(sim: &Simulation) -> Vec<SimTime> {
    with_reason(sim, "DisruptionTerminating")
        .into_iter()
        .filter(|e| e.source.to_string().starts_with("node/"))
        .map(|e| e.at)
        .collect()
}

#[test]
fn nodes_spread_over_the_zones() {
    let sim = five_empty_nodes("10%");
    let k = eks(&sim).karpenter.as_ref().expect("Karpenter");
    assert_eq!(k.claims.len(), 5);
    let in_a = k.claims.iter().filter(|c| c.zone == "us-east-1a").count();
    assert_eq!((in_a, 5 - in_a), (3, 2));
}

#[test]
fn a_10_percent_budget_removes_one_of_five_empty_nodes_per_poll() {
    // ceil(10 % × 5) = 1 node at a time; the next goes at the next 10 s poll.
    let times = node_disruptions(&five_empty_nodes("10%"));
    assert_eq!(times.len(), 5);
    for w in times.windows(2) {
        assert_eq!(w[1].since(w[0]).0, 10_000, "{times:?}");
    }
}

#[test]
fn a_100_percent_budget_removes_every_empty_node_at_once() {
    let times = node_disruptions(&five_empty_nodes("100%"));
    assert_eq!(times.len(), 5);
    assert!(times.iter().all(|t| *t == times[0]));
}

#[test]
fn a_zero_budget_blocks_disruption() {
    let sim = five_empty_nodes("0");
    assert!(node_disruptions(&sim).is_empty());
    let blocked = with_reason(&sim, "DisruptionBlocked");
    assert!(!blocked.is_empty());
    assert_eq!(blocked[0].source.to_string(), "nodepool/default");
    assert_eq!(
        blocked[0].message(),
        "No allowed disruptions due to blocking budget"
    );
    // Deduplicated to one a minute.
    for w in blocked.windows(2) {
        assert!(w[1].at.since(w[0].at).0 >= 60_000);
    }
}

#[test]
fn the_same_seed_gives_the_same_nodeclaims_and_log() {
    let run = || {
        let sim = five_empty_nodes("10%");
        let names: Vec<String> = eks(&sim)
            .karpenter
            .as_ref()
            .expect("Karpenter")
            .claims
            .iter()
            .map(|c| c.name.clone())
            .collect();
        let log: Vec<String> = sim.log().iter().map(|e| e.log_line()).collect();
        (names, log)
    };
    let (names, log) = run();
    assert_eq!((names.clone(), log), run());
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "{names:?}");
}

/// 6 pods of 500m / 1 GiB get one c5.xlarge (nothing fits the t3.micro system node). At 3:20
/// the Deployment scales to 3: the c5.xlarge keeps 1500m / 3 GiB, which fit nowhere else but
/// fit one c5.large ($0.085/h, half the c5.xlarge's $0.17/h).
fn replaceable(node_pool: &str) -> Simulation {
    scenario(TINY, node_pool, 500, 1024, REPLACEABLE, 420)
}

const REPLACEABLE: &[(u32, u32)] = &[(10, 6), (200, 3)];

fn first_at(sim: &Simulation, reason: &str, source: &str) -> Option<SimTime> {
    with_reason(sim, reason)
        .iter()
        .find(|e| e.source.to_string() == source)
        .map(|e| e.at)
}

#[test]
fn a_node_whose_pods_fit_one_cheaper_node_is_replaced() {
    let sim = replaceable("");
    let c = eks(&sim);
    let k = c.karpenter.as_ref().expect("Karpenter");
    assert_eq!(k.claims.len(), 2, "the c5.xlarge and its replacement");
    let (old, new) = (&k.claims[0], &k.claims[1]);
    assert_eq!(old.instance_type.name, "c5.xlarge");
    assert_eq!(new.instance_type.name, "c5.large");
    assert!(old.gone && !new.gone);
    assert_eq!(k.replacing, None, "the command is over");

    let new_claim = format!("nodeclaim/{}", new.name);
    let old_node = format!(
        "node/{}",
        c.nodes[old.node.expect("registered")].name.as_str()
    );
    let launching = with_reason(&sim, "DisruptionLaunching");
    assert_eq!(launching.len(), 1);
    assert_eq!(launching[0].source.to_string(), new_claim);
    assert_eq!(launching[0].message(), "Launching NodeClaim: Underutilized");
    let waiting = with_reason(&sim, "DisruptionWaitingReadiness");
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        waiting[0].message(),
        "Waiting on readiness to continue disruption"
    );
    // The replacement goes through the same lifecycle as any NodeClaim.
    let launched = first_at(&sim, "Launched", &new_claim).expect("launched");
    let registered = first_at(&sim, "Registered", &new_claim).expect("registered");
    let initialized = first_at(&sim, "Initialized", &new_claim).expect("initialized");
    assert!(launching[0].at < launched && launched < registered && registered < initialized);

    // The old node is deleted and drained only once the replacement is Initialized.
    let terminating: Vec<&Event> = with_reason(&sim, "DisruptionTerminating");
    assert_eq!(terminating.len(), 2, "the old node and its NodeClaim");
    assert_eq!(terminating[0].source.to_string(), old_node);
    assert_eq!(terminating[0].message(), "Disrupting Node: Underutilized");
    assert_eq!(
        terminating[1].message(),
        "Disrupting NodeClaim: Underutilized"
    );
    let evicted = with_reason(&sim, "Evicted");
    assert_eq!(evicted.len(), 3);
    assert!(
        evicted
            .iter()
            .all(|e| e.at >= initialized && e.message() == "Evicted pod: Underutilized")
    );
    assert_eq!(terminating[0].at, initialized);
    let removed = first_at(&sim, "RemovingNode", &old_node).expect("old node removed");
    assert!(removed > initialized);

    // The pods end on the new node; nothing is Pending.
    let node = new.node.expect("registered");
    assert!(c.nodes[node].ready);
    let running = web_pods(c);
    assert_eq!(running.len(), 3);
    assert!(running.iter().all(|p| p.node == Some(node)));
    assert_eq!(pending(c), 0);
}

#[test]
fn the_old_node_is_tainted_before_the_replacement_launches() {
    // Karpenter cordons the candidate first, then launches the replacement and waits for it.
    let launch_at = with_reason(&replaceable(""), "DisruptionLaunching")
        .first()
        .map(|e| e.at)
        .expect("a replace");
    let mut sim = at_start(TINY, "", 500, 1024, REPLACEABLE, 420);
    sim.advance_to(launch_at);
    let c = eks(&sim);
    let k = c.karpenter.as_ref().expect("Karpenter");
    let r = k.replacing.as_ref().expect("a replace in flight");
    assert_eq!((r.candidates.len(), r.replacements.len()), (1, 1));
    let old = k.claims[r.candidates[0]].node.expect("registered");
    assert!(c.nodes[old].draining, "tainted karpenter.sh/disrupted");
    assert!(
        !k.claims[r.replacements[0]]
            .node
            .is_some_and(|n| c.nodes[n].ready)
    );
    // Its pods still run there: nothing is evicted before the replacement is Ready.
    let on_old = web_pods(c)
        .iter()
        .filter(|p| p.deleting_at.is_none() && p.node == Some(old))
        .count();
    assert_eq!(on_old, 3);
}

#[test]
fn no_replace_without_a_strictly_cheaper_type() {
    // Only the c5.xlarge and the pricier m5.xlarge are allowed: nothing cheaper holds 3 pods.
    let sim = replaceable("instance_types: [\"c5.xlarge\", \"m5.xlarge\"]");
    assert!(with_reason(&sim, "DisruptionLaunching").is_empty());
    assert!(with_reason(&sim, "DisruptionTerminating").is_empty());
    let refusals = with_reason(&sim, "Unconsolidatable");
    assert!(!refusals.is_empty());
    assert!(
        refusals
            .iter()
            .all(|e| e.message() == "Can't replace with a cheaper node")
    );
    let k = eks(&sim).karpenter.as_ref().expect("Karpenter");
    assert_eq!(k.claims.len(), 1);
    assert!(!k.claims[0].gone);
}

#[test]
fn no_replace_when_both_nodes_would_exceed_the_cpu_limit() {
    // limits.cpu 5: the c5.xlarge (4 vCPUs) and a c5.large (2) would be 6 while both exist.
    let sim = replaceable("cpu_limit: 5");
    assert!(with_reason(&sim, "DisruptionLaunching").is_empty());
    let k = eks(&sim).karpenter.as_ref().expect("Karpenter");
    assert_eq!(k.claims.len(), 1);
    assert!(!k.claims[0].gone);
    // Unconsolidatable is deduplicated for 15 minutes per node, whatever it says: the refusal
    // while the node ran 6 pods ("Can't replace with a cheaper node") hides the next one.
    let sim = scenario(TINY, "cpu_limit: 5", 500, 1024, REPLACEABLE, 1080);
    assert!(with_reason(&sim, "DisruptionLaunching").is_empty());
    let last = with_reason(&sim, "Unconsolidatable")
        .last()
        .map(|e| e.message().into_owned())
        .expect("refusals");
    assert!(
        last.starts_with("Not all pods would schedule, default/web-")
            && last.ends_with(
                " => all available instance types exceed limits for nodepool \"default\""
            ),
        "{last}"
    );
    // limits.cpu 6 leaves exactly room for both.
    let sim = replaceable("cpu_limit: 6");
    assert_eq!(with_reason(&sim, "DisruptionLaunching").len(), 1);
}

#[test]
fn a_zero_budget_blocks_a_replace() {
    let sim = replaceable("budget_nodes: \"0\"");
    assert!(with_reason(&sim, "DisruptionLaunching").is_empty());
    assert!(with_reason(&sim, "DisruptionTerminating").is_empty());
    assert!(!with_reason(&sim, "DisruptionBlocked").is_empty());
    let k = eks(&sim).karpenter.as_ref().expect("Karpenter");
    assert_eq!(k.claims.len(), 1);
}

#[test]
fn a_replace_is_deterministic() {
    let run = || {
        let sim = replaceable("");
        let k = eks(&sim).karpenter.as_ref().expect("Karpenter");
        let claims: Vec<(String, &str)> = k
            .claims
            .iter()
            .map(|c| (c.name.clone(), c.instance_type.name))
            .collect();
        let log: Vec<String> = sim.log().iter().map(|e| e.log_line()).collect();
        (claims, log)
    };
    assert_eq!(run(), run());
}
