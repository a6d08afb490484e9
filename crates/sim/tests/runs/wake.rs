//! The event-driven EKS passes (`k8s/wake.rs`) change when work is done, never what happens:
//! every built-in scenario with an EKS cluster logs the same events byte for byte when the
//! kubelet and the scheduler visit every pod every second, and after every instant each pod the
//! kubelet's set leaves out has nothing due and each pod the scheduler's set leaves out is bound
//! or no longer counts. The pod counts kept per ReplicaSet (`k8s/pod_counts.rs`) equal a
//! recount at every instant.

use crate::common;

use orca_sim::k8s::cluster::{ContainerState, EksCluster, Template};
use orca_sim::k8s::pod_counts::PodCounts;
use orca_sim::{SimTime, Simulation};

fn json(sim: &Simulation) -> String {
    serde_json::to_string(sim.log()).expect("events serialize")
}

/// The invariant the sets keep: what they leave out needs no visit.
fn check(c: &EksCluster, name: &str, at: SimTime) {
    let w = &c.wake;
    for (p, pod) in c.pods.iter().enumerate() {
        if p < w.kubelet_seen && !w.kubelet.contains(&p) {
            let settled = pod.gone
                || pod.node.is_none()
                || (pod.deleting_at.is_none()
                    && matches!(pod.state, ContainerState::Running { .. })
                    && pod.probe_due.is_none()
                    && pod.exits_at.is_none());
            assert!(
                settled,
                "{name} at {at}: pod {} left out of the kubelet's pass with something due: {pod:?}",
                pod.name
            );
        }
        if p < w.pending_seen && !w.pending.contains(&p) {
            assert!(
                pod.node.is_some() || !pod.counts(),
                "{name} at {at}: pending pod {} left out of the scheduler's pass",
                pod.name
            );
        }
    }
}

/// The per-ReplicaSet counts the controllers read (`k8s/pod_counts.rs`), once settled, equal
/// a count over every pod, and each Deployment's list holds exactly its ReplicaSets.
fn check_counts(c: &EksCluster, name: &str, at: SimTime) {
    let mut settled = c.clone();
    settled.settle_counts();
    let settled = settled.counts;
    assert_eq!(
        settled.per_rs,
        PodCounts::<Template>::recount(c.pods.iter().map(|p| p.share()), c.replica_sets.len()),
        "{name} at {at}: the kept pod counts differ from a recount"
    );
    let pending = c
        .pods
        .iter()
        .filter(|p| p.counts() && p.node.is_none())
        .count() as u32;
    assert_eq!(
        orca_sim::k8s::scheduler_binding::pending_count(c),
        pending,
        "{name} at {at}: pending pods"
    );
    for d in 0..c.deployments.len() {
        let ready: u32 = (0..c.pods.len())
            .filter(|&p| c.pods[p].counts() && c.pods[p].ready && c.pod_deployment(p) == d)
            .count() as u32;
        let kept: u32 = settled
            .replica_sets_of(d)
            .iter()
            .map(|&rs| settled.per_rs[rs].ready)
            .sum();
        assert_eq!(kept, ready, "{name} at {at}: endpoints of workload {d}");
        let listed: Vec<usize> = (0..c.replica_sets.len())
            .filter(|&i| c.replica_sets[i].deployment == d)
            .collect();
        assert_eq!(
            settled.replica_sets_of(d),
            listed.as_slice(),
            "{name} at {at}: the ReplicaSets listed for workload {d}"
        );
    }
}

#[test]
fn visiting_every_pod_gives_the_same_log() {
    let mut compared = 0;
    for (name, s) in common::built_in() {
        let mut event_driven = Simulation::new(s.clone());
        if event_driven.world().eks.is_none() {
            continue;
        }
        let end = event_driven.end();
        let mut every_pod = Simulation::new(s.clone()).visiting_every_pod();
        while event_driven.next_due().is_some_and(|t| t <= end) {
            let Some(at) = event_driven.step() else {
                break;
            };
            if let Some(c) = &event_driven.world().eks {
                check(c, &name, at);
                check_counts(c, &name, at);
            }
        }
        every_pod.advance_to(end);
        event_driven.advance_to(end);
        assert_eq!(
            json(&event_driven),
            json(&every_pod),
            "{name}: the event-driven passes changed the log"
        );
        compared += 1;
    }
    assert!(compared >= 10, "only {compared} EKS scenarios compared");
}
