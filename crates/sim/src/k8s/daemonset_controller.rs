//! The DaemonSet controller (`pkg/controller/daemon`): one pod of each DaemonSet on every
//! eligible node, created as the node joins, and a rolling update within `maxUnavailable`
//! when the template changes (`docs/rules/k8s-scheduling.md#daemonsets-and-eks-system-pods`).
//!
//! A node is eligible when it exists, is an EC2 node (DaemonSet pods never run on Fargate), and
//! carries no taint the DaemonSet does not tolerate: every DaemonSet tolerates the not-ready and
//! unschedulable taints the controller adds, EKS's own tolerate everything, others do not
//! tolerate the taints of a node being removed (`karpenter.sh/disrupted`,
//! `ToBeDeletedByClusterAutoscaler`).

use super::cluster::{EksCluster, EksCtx};
use super::events;
use super::messages;
use super::objects::{self};
use super::rollout::IntOrPercent;
use crate::event::Subject;
use crate::time::SimTime;

/// One pass over every DaemonSet.
pub fn reconcile(ctx: &mut EksCtx) {
    for d in 0..ctx.world.deployments.len() {
        if ctx.world.is_daemon_set(d) {
            sync(ctx, d);
        }
    }
}

/// The pods of one DaemonSet on one node, as the controller sees them: the current revision's
/// and older ones (not terminating), and whether one is still terminating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnNode {
    pub new: Vec<usize>,
    pub old: Vec<usize>,
    pub terminating: bool,
}

/// What one node's pods mean for the rolling update (`rollingUpdate` with `maxSurge` 0,
/// `pkg/controller/daemon/update.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeState {
    /// No pod, or both an old and a new one: the manage loop sorts it out; unavailable.
    Unsettled,
    /// The current revision's pod, available or not.
    New { available: bool },
    /// An old pod, available or not: a candidate for replacement.
    Old { pod: usize, available: bool },
}

/// `maxUnavailable` for `desired` nodes: a percentage rounds up for DaemonSets
/// (`GetScaledValueFromIntOrPercent(..., true)`), at least 1 when the field is not 0.
pub fn max_unavailable(v: IntOrPercent, desired: u32) -> u32 {
    match v {
        IntOrPercent::Int(n) => n,
        IntOrPercent::Percent(p) => (p as u64 * desired as u64).div_ceil(100) as u32,
    }
}

/// The old pods to delete now: every unavailable old pod, then available ones while fewer
/// than `max_unavailable` nodes are unavailable (in node order).
pub fn pods_to_replace(nodes: &[NodeState], max_unavailable: u32) -> Vec<usize> {
    let mut unavailable = 0u32;
    let mut replace = Vec::new();
    let mut candidates = Vec::new();
    for n in nodes {
        match *n {
            NodeState::Unsettled => unavailable += 1,
            NodeState::New { available } => unavailable += u32::from(!available),
            NodeState::Old {
                pod,
                available: false,
            } => replace.push(pod),
            NodeState::Old { pod, .. } => {
                if unavailable < max_unavailable {
                    candidates.push(pod);
                }
            }
        }
    }
    let room = max_unavailable.saturating_sub(unavailable) as usize;
    replace.extend(candidates.into_iter().take(room));
    replace
}

fn eligible(c: &EksCluster, d: usize, n: usize) -> bool {
    let node = &c.nodes[n];
    !node.gone && !node.fargate && (!node.draining || c.deployments[d].tolerates_all_taints)
}

fn sync(ctx: &mut EksCtx, d: usize) {
    let now = ctx.now;
    let rs = match ctx.world.current_replica_set(d) {
        Some(rs) => rs,
        None => objects::new_replica_set(ctx.world, d, now),
    };
    let c = &*ctx.world;
    let mut on: Vec<OnNode> = vec![OnNode::default(); c.nodes.len()];
    for (p, pod) in c.pods.iter().enumerate() {
        let Some(n) = pod.daemon_node else {
            continue;
        };
        if pod.gone || c.replica_sets[pod.replica_set].deployment != d {
            continue;
        }
        if !pod.counts() {
            on[n].terminating = true;
        } else if pod.replica_set == rs {
            on[n].new.push(p);
        } else {
            on[n].old.push(p);
        }
    }
    let nodes: Vec<usize> = (0..c.nodes.len()).filter(|&n| eligible(c, d, n)).collect();
    // manage: a pod for every eligible node that has none. A pod still terminating counts as
    // one (the controller owns it until it is gone), so with maxSurge 0 the new pod comes
    // only after the old one has stopped.
    let missing: Vec<usize> = nodes
        .iter()
        .copied()
        .filter(|&n| on[n].new.is_empty() && on[n].old.is_empty() && !on[n].terminating)
        .collect();
    for n in missing {
        create(ctx, d, rs, n);
    }
    // rollingUpdate (maxSurge 0): replace old pods within maxUnavailable.
    let c = &*ctx.world;
    let states: Vec<NodeState> = nodes
        .iter()
        .map(|&n| match (&on[n].new[..], &on[n].old[..]) {
            ([p], []) => NodeState::New {
                available: c.is_available(*p, now),
            },
            ([], [p]) => NodeState::Old {
                pod: *p,
                available: c.is_available(*p, now),
            },
            _ => NodeState::Unsettled,
        })
        .collect();
    let desired = nodes.len() as u32;
    let limit = max_unavailable(c.deployments[d].max_unavailable, desired);
    let victims = pods_to_replace(&states, limit);
    if victims.is_empty() {
        return;
    }
    let dep = &c.deployments[d];
    let unavailable = states
        .iter()
        .filter(|s| {
            matches!(
                s,
                NodeState::Unsettled | NodeState::New { available: false }
            )
        })
        .count();
    let why = format!(
        "DaemonSet {} rolls out a new template node by node: maxUnavailable {} of {desired} nodes is {limit} (a percentage rounds up), {unavailable} node(s) are unavailable now, so {} old pod(s) go and a new pod replaces each",
        dep.name,
        dep.max_unavailable,
        victims.len()
    );
    for p in victims {
        delete(ctx, d, p, &why);
    }
}

/// A pod for node `n`, pinned there; the scheduler binds it.
fn create(ctx: &mut EksCtx, d: usize, rs: usize, n: usize) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    let ds = c.deployments[d].name.clone();
    let node = c.nodes[n].name.clone();
    let p = objects::new_pod_hashed(c, rs, &ds, &node, now);
    c.pods[p].daemon_node = Some(n);
    let why =
        format!("DaemonSet {ds} runs one pod on every node it may run on, and {node} has none");
    c.pods[p].explain(now, format!("Created: {why}"));
    let name = c.pods[p].name.clone();
    events::normal(
        ctx,
        "SuccessfulCreate",
        format!("daemonset/{ds}"),
        messages::created_pod(&name),
        vec![
            Subject::Pod(name.as_str().into()),
            Subject::Node(node.into()),
        ],
        Some(why),
    );
}

/// Delete an old pod (`SuccessfulDelete`); a running container gets SIGTERM.
fn delete(ctx: &mut EksCtx, d: usize, p: usize, why: &str) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    let ds = c.deployments[d].name.clone();
    c.pods[p].explain(now, format!("Deleted by the DaemonSet controller: {why}"));
    let name = c.pods[p].name.clone();
    events::normal(
        ctx,
        "SuccessfulDelete",
        format!("daemonset/{ds}"),
        messages::deleted_pod(&name),
        vec![Subject::Pod(name.as_str().into())],
        Some(why.to_string()),
    );
    objects::terminate(ctx, p);
}

/// `kubectl get ds`: DESIRED, CURRENT, READY, UP-TO-DATE, AVAILABLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DaemonSetStatus {
    pub desired: u32,
    pub current: u32,
    pub ready: u32,
    pub up_to_date: u32,
    pub available: u32,
}

/// The status the DaemonSet controller reports.
pub fn status(c: &EksCluster, d: usize, now: SimTime) -> DaemonSetStatus {
    let current = c.current_replica_set(d);
    let mut s = DaemonSetStatus {
        desired: (0..c.nodes.len()).filter(|&n| eligible(c, d, n)).count() as u32,
        current: 0,
        ready: 0,
        up_to_date: 0,
        available: 0,
    };
    for (p, pod) in c.pods.iter().enumerate() {
        if pod.daemon_node.is_none()
            || !pod.counts()
            || pod.node.is_none()
            || c.replica_sets[pod.replica_set].deployment != d
        {
            continue;
        }
        s.current += 1;
        s.ready += u32::from(pod.ready);
        s.available += u32::from(c.is_available(p, now));
        s.up_to_date += u32::from(Some(pod.replica_set) == current);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_unavailable_rounds_percentages_up() {
        // A DaemonSet's maxUnavailable (default 1) scales a percentage with rounding up: the
        // VPC CNI's 10 % of 3 nodes lets 1 node update at a time, of 25 nodes 3.
        assert_eq!(max_unavailable(IntOrPercent::Int(1), 40), 1);
        assert_eq!(max_unavailable(IntOrPercent::Percent(10), 3), 1);
        assert_eq!(max_unavailable(IntOrPercent::Percent(10), 25), 3);
    }

    #[test]
    fn one_node_at_a_time_with_max_unavailable_1() {
        let old = |pod| NodeState::Old {
            pod,
            available: true,
        };
        // Three old pods: one goes.
        assert_eq!(pods_to_replace(&[old(0), old(1), old(2)], 1), vec![0]);
        // Its node now waits for the new pod to be available: nothing else goes.
        let states = [NodeState::New { available: false }, old(1), old(2)];
        assert_eq!(pods_to_replace(&states, 1), Vec::<usize>::new());
        // An old pod that is not available is replaced at once, whatever the budget.
        let states = [
            NodeState::New { available: false },
            NodeState::Old {
                pod: 1,
                available: false,
            },
            old(2),
        ];
        assert_eq!(pods_to_replace(&states, 1), vec![1]);
    }
}
