//! StatefulSets as data, and the pure rule of the StatefulSet controller's sync
//! (`pkg/controller/statefulset/stateful_set_control.go`, `updateStatefulSet`): which pod to
//! create, delete or wait for, given the pods by ordinal. The controller that applies it is
//! `statefulset_controller.rs`; the read model the app draws is `statefulset_read.rs`.
//! Rules and sources: `docs/rules/k8s-statefulsets.md`; Kubernetes, "StatefulSets"
//! (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/).
//!
//! A StatefulSet is an entry of `EksCluster::deployments` of kind `StatefulSet` (its name,
//! replicas, template, `minReadySeconds`); its ReplicaSet entries stand for its
//! ControllerRevisions, as a DaemonSet's do. What only a StatefulSet has is here.

use super::cluster::EksCluster;
pub use super::statefulset_state::*;

/// `<set>-<ordinal>`: a StatefulSet pod's stable name.
pub fn pod_name(set: &str, ordinal: u32) -> String {
    format!("{set}-{ordinal}")
}

/// `<template>-<set>-<ordinal>`: the claim a pod gets from a volume claim template.
pub fn claim_name(template: &str, pod: &str) -> String {
    format!("{template}-{pod}")
}

/// The StatefulSet entry of workload `d`, if it is one.
pub fn of_workload(c: &EksCluster, d: usize) -> Option<usize> {
    c.stateful_sets.iter().position(|s| s.workload == d)
}

/// The ordinal of pod `p`, if a StatefulSet owns it.
pub fn ordinal(c: &EksCluster, p: usize) -> Option<u32> {
    let d = c.pod_deployment(p);
    of_workload(c, d)?;
    c.pods[p]
        .name
        .strip_prefix(&c.deployments[d].name)?
        .strip_prefix('-')?
        .parse()
        .ok()
}

/// The name of the claim pod `p` mounts from its StatefulSet's first volume claim template.
pub fn pod_claim(c: &EksCluster, p: usize) -> Option<String> {
    let s = of_workload(c, c.pod_deployment(p))?;
    let t = c.stateful_sets[s].claim_templates.first()?;
    Some(claim_name(&t.name, &c.pods[p].name))
}

/// One ordinal as the controller sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Slot {
    /// A pod with this ordinal exists (terminating or not).
    pub exists: bool,
    pub terminating: bool,
    /// It runs the update revision.
    pub updated: bool,
    /// Running and Ready (and available for `minReadySeconds`).
    pub healthy: bool,
}

/// One step of a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Create(u32),
    /// An ordinal at or above `replicas`: scaled down.
    DeleteCondemned(u32),
    /// A pod of an old revision, replaced by the rolling update.
    DeleteForUpdate(u32),
    /// Nothing more this sync: the ordinal must be Running and Ready (or gone) first.
    WaitFor(u32),
}

/// The steps of one sync for `replicas`, the pods by ordinal (`slots`, as long as the highest
/// existing ordinal + 1 or `replicas`), the policy and the partition:
/// 1. every ordinal below `replicas` that has no pod gets one — with OrderedReady only the
///    lowest, and only when every lower ordinal is Running and Ready;
/// 2. pods at or above `replicas` are deleted from the highest ordinal down — with
///    OrderedReady one at a time, and only when every other pod is healthy;
/// 3. the rolling update: from the highest ordinal down to `partition`, the first pod of an
///    old revision is deleted (it is recreated at the update revision by step 1), one at a
///    time, each waiting for the ones above it to be Running and Ready again.
pub fn plan(replicas: u32, slots: &[Slot], policy: PodPolicy, partition: u32) -> Vec<Step> {
    let ordered = policy == PodPolicy::OrderedReady;
    let slot = |i: u32| slots.get(i as usize).copied().unwrap_or_default();
    let mut steps = Vec::new();
    for i in 0..replicas {
        let s = slot(i);
        if !s.exists {
            steps.push(Step::Create(i));
            if ordered {
                // The new pod is not Running and Ready yet: the sync ends here.
                return steps;
            }
            continue;
        }
        if ordered && (s.terminating || !s.healthy) {
            steps.push(Step::WaitFor(i));
            return steps;
        }
    }
    if !steps.is_empty() {
        return steps;
    }
    let condemned: Vec<u32> = (replicas..slots.len() as u32)
        .rev()
        .filter(|&i| slot(i).exists)
        .collect();
    for &i in &condemned {
        let s = slot(i);
        if s.terminating {
            if ordered {
                steps.push(Step::WaitFor(i));
                return steps;
            }
            continue;
        }
        steps.push(Step::DeleteCondemned(i));
        if ordered {
            return steps;
        }
    }
    if !condemned.is_empty() {
        return steps;
    }
    for i in (partition.min(replicas)..replicas).rev() {
        let s = slot(i);
        if !s.updated && !s.terminating {
            steps.push(Step::DeleteForUpdate(i));
            return steps;
        }
        if !s.healthy || s.terminating {
            steps.push(Step::WaitFor(i));
            return steps;
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(updated: bool) -> Slot {
        Slot {
            exists: true,
            terminating: false,
            updated,
            healthy: true,
        }
    }

    const STARTING: Slot = Slot {
        exists: true,
        terminating: false,
        updated: true,
        healthy: false,
    };

    #[test]
    fn names_follow_the_documented_pattern() {
        // The "StatefulSets" page's example: StatefulSet web, template www → www-web-0.
        assert_eq!(pod_name("web", 0), "web-0");
        assert_eq!(claim_name("www", &pod_name("web", 2)), "www-web-2");
    }

    #[test]
    fn ordered_ready_creates_one_pod_at_a_time() {
        // Deployment and Scaling Guarantees: web-1 is not created before web-0 is Running
        // and Ready, web-2 not before web-1.
        assert_eq!(
            plan(3, &[], PodPolicy::OrderedReady, 0),
            vec![Step::Create(0)]
        );
        assert_eq!(
            plan(3, &[STARTING], PodPolicy::OrderedReady, 0),
            vec![Step::WaitFor(0)]
        );
        assert_eq!(
            plan(3, &[up(true)], PodPolicy::OrderedReady, 0),
            vec![Step::Create(1)]
        );
        // Parallel: all at once, nobody waits.
        assert_eq!(
            plan(3, &[], PodPolicy::Parallel, 0),
            vec![Step::Create(0), Step::Create(1), Step::Create(2)]
        );
    }

    #[test]
    fn a_deleted_pod_is_recreated_with_its_ordinal() {
        // web-1 deleted and gone: the controller makes web-1 again, not web-3.
        let slots = [up(true), Slot::default(), up(true)];
        assert_eq!(
            plan(3, &slots, PodPolicy::OrderedReady, 0),
            vec![Step::Create(1)]
        );
    }

    #[test]
    fn scale_down_goes_from_the_highest_ordinal() {
        // Scaling web from 3 to 1: web-2 goes first, then web-1 once web-2 is gone.
        let slots = [up(true), up(true), up(true)];
        assert_eq!(
            plan(1, &slots, PodPolicy::OrderedReady, 0),
            vec![Step::DeleteCondemned(2)]
        );
        let terminating = Slot {
            terminating: true,
            ..up(true)
        };
        assert_eq!(
            plan(
                1,
                &[up(true), up(true), terminating],
                PodPolicy::OrderedReady,
                0
            ),
            vec![Step::WaitFor(2)]
        );
        assert_eq!(
            plan(1, &slots, PodPolicy::Parallel, 0),
            vec![Step::DeleteCondemned(2), Step::DeleteCondemned(1)]
        );
    }

    #[test]
    fn rolling_update_from_the_highest_ordinal_down() {
        // Rolling Updates: the controller deletes and recreates each pod from the largest
        // ordinal to the smallest, waiting for each updated pod to be Running and Ready.
        let old = [up(false), up(false), up(false)];
        assert_eq!(
            plan(3, &old, PodPolicy::OrderedReady, 0),
            vec![Step::DeleteForUpdate(2)]
        );
        // web-2 came back at the new revision but is not Ready: web-1 waits.
        let slots = [up(false), up(false), STARTING];
        assert_eq!(
            plan(3, &slots, PodPolicy::Parallel, 0),
            vec![Step::WaitFor(2)]
        );
        let slots = [up(false), up(false), up(true)];
        assert_eq!(
            plan(3, &slots, PodPolicy::OrderedReady, 0),
            vec![Step::DeleteForUpdate(1)]
        );
    }

    #[test]
    fn partition_keeps_lower_ordinals_on_the_old_revision() {
        // Partitioned rolling updates: with partition 2 of 3 replicas only web-2 is updated.
        let slots = [up(false), up(false), up(true)];
        assert_eq!(plan(3, &slots, PodPolicy::OrderedReady, 2), vec![]);
        assert_eq!(
            plan(
                3,
                &[up(false), up(false), up(false)],
                PodPolicy::OrderedReady,
                2
            ),
            vec![Step::DeleteForUpdate(2)]
        );
        // A partition above replicas updates nothing.
        assert_eq!(plan(3, &[up(false); 3], PodPolicy::OrderedReady, 5), vec![]);
    }
}
