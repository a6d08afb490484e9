//! Which pods the per-second passes must look at (the event-driven bookkeeping of `tick.rs`).
//! The second stays the clock and the controllers keep their order; a pass skips the objects
//! for which nothing can be due, so its work follows what changed rather than the cluster's
//! size. Each set is a superset of the pods its pass would act on if it visited every pod:
//!
//! - `kubelet`: every pod except those gone, unbound, or running with nothing scheduled (no
//!   probe check that needs a visit, no exit, not terminating). A pod leaves it only when the
//!   kubelet finds it so; it comes back when it is bound (`scheduler_binding::bind`) or
//!   deleted (`objects::evict`, `objects::terminate`), the only ways such a pod changes from
//!   outside the kubelet. New pods join on their own (every index from `kubelet_seen` on).
//! - `pending`: every pod not yet bound that still counts. Pods are never unbound, so a pod
//!   leaves it for good once bound, gone or terminating; new pods join on their own.
//!
//! - `unschedulable_at`: pending pods the scheduler need not filter again until its view of
//!   the nodes changes (`scheduler_binding::reconcile`).
//!
//! `visit_all` turns the sets off (every pass visits every pod, as before): the property test
//! `tests/runs/wake.rs` runs each built-in scenario both ways and compares the logs.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::scheduler::NodeView;

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Wake {
    /// Pods the kubelet visits in its next pass (with those from `kubelet_seen` on).
    pub kubelet: BTreeSet<usize>,
    /// Pods `0..kubelet_seen` existed at the kubelet's last pass.
    pub kubelet_seen: usize,
    /// Pods the scheduler looks at (with those from `pending_seen` on).
    pub pending: BTreeSet<usize>,
    pub pending_seen: usize,
    /// Debug switch: visit every pod every second (the engine before these sets).
    pub visit_all: bool,
    /// The scheduler's view of the nodes as its last pass left it, and a number that changes
    /// whenever that view does (`scheduler_binding::reconcile`).
    #[serde(skip)]
    pub views: Vec<NodeView>,
    pub views_version: u64,
    /// Pods without a claim and not a DaemonSet's that the scheduler found unschedulable (and
    /// reported), with the view's number then: against the same view, the same pod fails the
    /// same way (`scheduler::schedule` is a function of the view and the requests), so it is
    /// not filtered again until the view changes (a node added, Ready, uncordoned or
    /// untainted, a pod bound elsewhere or gone).
    pub unschedulable_at: BTreeMap<usize, u64>,
}

impl Wake {
    /// Something about pod `p` changed from outside the kubelet: visit it in the next pass.
    pub fn kubelet(&mut self, p: usize) {
        if p < self.kubelet_seen {
            self.kubelet.insert(p);
        }
    }

    /// The pods a pass over `0..len` visits, in index order, with those new since its last
    /// pass added (`seen` moves to `len`).
    pub fn due(set: &mut BTreeSet<usize>, seen: &mut usize, len: usize) -> Vec<usize> {
        set.extend(*seen..len);
        *seen = (*seen).max(len);
        set.range(..len).copied().collect()
    }

    /// The kubelet's next pod from `from` on (below `len`), new pods included: a pod woken
    /// during the pass at a later index is still visited in it, as a pass over every pod would.
    pub fn next_for_kubelet(&mut self, from: usize, len: usize) -> Option<usize> {
        if self.kubelet_seen < len {
            self.kubelet.extend(self.kubelet_seen..len);
            self.kubelet_seen = len;
        }
        self.kubelet.range(from..len).next().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_pods_join_and_old_ones_only_when_woken() {
        let mut w = Wake::default();
        assert_eq!(
            Wake::due(&mut w.kubelet, &mut w.kubelet_seen, 3),
            vec![0, 1, 2]
        );
        w.kubelet.remove(&1);
        w.kubelet.remove(&2);
        // Waking a pod not yet seen is a no-op: it joins as new anyway.
        w.kubelet(5);
        assert_eq!(
            Wake::due(&mut w.kubelet, &mut w.kubelet_seen, 4),
            vec![0, 3]
        );
        w.kubelet(2);
        assert_eq!(
            Wake::due(&mut w.kubelet, &mut w.kubelet_seen, 6),
            vec![0, 2, 3, 4, 5]
        );
    }
}
