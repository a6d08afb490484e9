//! DaemonSets and the pods EKS runs itself (`docs/rules/k8s-scheduling.md#daemonsets-and-eks-system-pods`):
//! what they take out of every node, and a pod on every node as nodes join.

use crate::common;

use orca_sim::k8s::cluster::EksCluster;
use orca_sim::k8s::daemonset_controller;
use orca_sim::{EventKind, SimTime, Simulation};

/// One zone, `world` inside `Eks(...)`, run for `duration` seconds.
fn eks_sim(world: &str, timeline: &str, duration: u32) -> Simulation {
    let src = format!(
        "(version: 1, title: \"daemonset test\", seed: 7, duration: {duration},
world: Eks(cluster: (name: \"demo\", availability_zones: [\"us-east-1a\"]), {world}),
timeline: [{timeline}],
)"
    );
    Simulation::new(common::parse(&src))
}

fn cluster(sim: &Simulation) -> &EksCluster {
    sim.world().eks.as_ref().expect("an EKS world")
}

/// The live pods of the workload called `name` on node `n`.
fn pods_of_on(c: &EksCluster, name: &str, n: usize) -> usize {
    (0..c.pods.len())
        .filter(|&p| {
            !c.pods[p].gone
                && c.pods[p].node == Some(n)
                && c.deployments[c.pod_deployment(p)].name == name
        })
        .count()
}

fn failed_scheduling(sim: &Simulation) -> Vec<String> {
    sim.log()
        .iter()
        .filter(
            |e| matches!(&e.kind, EventKind::Kube { reason, .. } if reason == "FailedScheduling"),
        )
        .map(|e| e.message().into_owned())
        .collect()
}

#[test]
fn daemonset_pods_take_cpu_out_of_the_nodes_allocatable() {
    // An m5.large has 1930m allocatable (`Node allocatable on EKS`). Before any workload, EKS
    // puts aws-node (25m) and kube-proxy (100m) on it, and with one node both CoreDNS replicas
    // (100m each) land there too: 1930 − 325 = 1605m is what the scheduler can still place.
    let world = |cpu: u32| {
        format!(
            "node_groups: [(name: \"ng-1\", instance_type: \"m5.large\", count: 1)],
deployments: [(name: \"big\", replicas: 1, container: (name: \"big\", image: \"big:v1\", cpu: {cpu}, memory: 256))],"
        )
    };
    let mut fits = eks_sim(&world(1605), "", 30);
    fits.advance_to(SimTime::from_secs(30));
    let c = cluster(&fits);
    assert_eq!(pods_of_on(c, "aws-node", 0), 1);
    assert_eq!(pods_of_on(c, "kube-proxy", 0), 1);
    assert_eq!(pods_of_on(c, "coredns", 0), 2);
    assert_eq!(pods_of_on(c, "big", 0), 1, "1605m fits exactly");
    assert!(failed_scheduling(&fits).is_empty());

    let mut short = eks_sim(&world(1606), "", 30);
    short.advance_to(SimTime::from_secs(30));
    assert_eq!(pods_of_on(cluster(&short), "big", 0), 0, "1606m does not");
    assert_eq!(
        failed_scheduling(&short),
        vec![
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
        ]
    );
}

#[test]
fn daemonset_pods_count_against_max_pods() {
    // The "+ 2" in the max-pods formula (3 ENIs × 9 + 2 = 29 on an m5.large) is room for the
    // two host-network pods on every node, aws-node and kube-proxy. With CoreDNS's 2 replicas
    // also there, 25 slots are left: of 30 tiny pods, 5 wait with `Too many pods`.
    let mut sim = eks_sim(
        "node_groups: [(name: \"ng-1\", instance_type: \"m5.large\", count: 1)],
deployments: [(name: \"tiny\", replicas: 30, container: (name: \"tiny\", image: \"tiny:v1\", cpu: 10, memory: 16))],",
        "",
        30,
    );
    sim.advance_to(SimTime::from_secs(30));
    let c = cluster(&sim);
    assert_eq!(c.nodes[0].max_pods, 29);
    assert_eq!(pods_of_on(c, "tiny", 0), 25);
    let refused = failed_scheduling(&sim);
    assert_eq!(refused.len(), 5);
    assert!(refused.iter().all(|m| m
        == "0/1 nodes are available: 1 Too many pods. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."));
}

#[test]
fn a_scenario_daemonset_runs_one_pod_on_every_ec2_node_and_none_on_fargate() {
    // A DaemonSet "ensures that all (or some) Nodes run a copy of a Pod"; DaemonSet pods do
    // not run on Fargate (EKS User Guide, "Fargate considerations").
    let mut sim = eks_sim(
        "node_groups: [(name: \"ng-1\", instance_type: \"m5.large\", count: 3)],
fargate_profiles: [(name: \"fp\", deployments: [\"api\"])],
deployments: [
    (name: \"web\", replicas: 2, container: (name: \"web\", image: \"web:v1\")),
    (name: \"api\", replicas: 1, container: (name: \"api\", image: \"api:v1\")),
],
daemon_sets: [(name: \"log-agent\", container: (name: \"fluent-bit\", image: \"fluent-bit:3.1\", cpu: 50, memory: 64))],",
        "",
        120,
    );
    sim.advance_to(SimTime::from_secs(120));
    let c = cluster(&sim);
    let ec2: Vec<usize> = (0..c.nodes.len())
        .filter(|&n| !c.nodes[n].gone && !c.nodes[n].fargate)
        .collect();
    assert_eq!(ec2.len(), 3);
    for &n in &ec2 {
        assert_eq!(pods_of_on(c, "log-agent", n), 1, "{}", c.nodes[n].name);
        assert_eq!(pods_of_on(c, "aws-node", n), 1);
        assert_eq!(pods_of_on(c, "kube-proxy", n), 1);
    }
    let fargate = (0..c.nodes.len())
        .find(|&n| !c.nodes[n].gone && c.nodes[n].fargate)
        .expect("api's Fargate node");
    assert_eq!(pods_of_on(c, "log-agent", fargate), 0);
    let d = c.daemon_set_index("log-agent").expect("the DaemonSet");
    let s = daemonset_controller::status(c, d, sim.now());
    assert_eq!(
        (s.desired, s.current, s.ready, s.up_to_date, s.available),
        (3, 3, 3, 3, 3)
    );
    // Its pods are named after it and live in the scenario's namespace; EKS's own are in
    // kube-system.
    let p = (0..c.pods.len())
        .find(|&p| c.pod_deployment(p) == d)
        .expect("a log-agent pod");
    assert!(c.pods[p].name.starts_with("log-agent-"));
    assert_eq!(c.namespace_of(p), "default");
    let q = (0..c.pods.len())
        .find(|&p| c.deployments[c.pod_deployment(p)].name == "aws-node")
        .expect("an aws-node pod");
    assert_eq!(c.namespace_of(q), "kube-system");
}

#[test]
fn a_node_that_joins_gets_a_pod_of_every_daemonset() {
    // The Cluster Autoscaler adds a node for Pending pods: as it registers, the DaemonSet
    // controller creates a pod of every DaemonSet for it, bound to it by name. The CNI and kube-proxy images are in the EKS AMI:
    // `already present on machine`.
    let mut sim = eks_sim(
        "node_groups: [(name: \"ng-1\", instance_type: \"m5.large\", count: 1, min: 1, max: 2)],
cluster_autoscaler: true,
deployments: [(name: \"web\", replicas: 4, container: (name: \"web\", image: \"web:v1\", cpu: 500, memory: 256))],",
        "",
        300,
    );
    sim.advance_to(SimTime::from_secs(300));
    let c = cluster(&sim);
    let live: Vec<usize> = (0..c.nodes.len()).filter(|&n| !c.nodes[n].gone).collect();
    assert_eq!(live.len(), 2, "the Cluster Autoscaler added a node");
    let new = live[1];
    assert_eq!(pods_of_on(c, "aws-node", new), 1);
    assert_eq!(pods_of_on(c, "kube-proxy", new), 1);
    let log: Vec<String> = sim.log().iter().map(|e| e.message().into_owned()).collect();
    let registered = log
        .iter()
        .position(|m| m.contains("Registered Node") && m.contains(&c.nodes[new].name))
        .expect("registered");
    let started = log
        .iter()
        .position(|m| *m == "Started container aws-node")
        .expect("aws-node started on the new node");
    assert!(registered < started, "{registered} {started}");
    assert!(log.iter().any(|m| m.starts_with(
        "Container image \"602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:"
    ) && m.ends_with("already present on machine")));
}
