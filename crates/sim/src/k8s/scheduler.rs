//! kube-scheduler, as far as Orca needs it (`docs/rules/k8s-scheduling.md`): filter nodes by
//! requests against allocatable and the pod limit, score the rest by LeastAllocated +
//! BalancedAllocation, and explain a failure with the `FailedScheduling` histogram.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// What the scheduler knows of a node.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub allocatable_cpu_millis: u32,
    pub allocatable_memory_mib: u32,
    pub max_pods: u32,
    pub requested_cpu_millis: u32,
    pub requested_memory_mib: u32,
    pub pods: u32,
    /// Cordoned (`spec.unschedulable`): the NodeUnschedulable filter, first in the
    /// scheduler's order.
    pub unschedulable: bool,
    /// The `FailedScheduling` reason of a NoSchedule taint the pod does not tolerate, which
    /// the TaintToleration filter reports next: not Ready yet, a Fargate node, a node Karpenter
    /// is disrupting or the Cluster Autoscaler is removing (with the taint's time).
    pub taint: Option<Cow<'static, str>>,
    /// The Node object is deleted: it has left the scheduler's snapshot, so it is neither
    /// considered nor counted in a `FailedScheduling` message.
    pub gone: bool,
}

/// A pod's requests (sum over its containers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Requests {
    pub cpu_millis: u32,
    pub memory_mib: u32,
}

/// Why a node was filtered out, worded as the scheduler words it.
pub fn filter(node: &NodeView, pod: Requests) -> Vec<&str> {
    let mut reasons = Vec::new();
    if node.unschedulable {
        reasons.push("node(s) were unschedulable");
        return reasons;
    }
    if let Some(taint) = node.taint.as_deref() {
        reasons.push(taint);
        return reasons;
    }
    if node.pods >= node.max_pods {
        reasons.push("Too many pods");
    }
    if node
        .allocatable_cpu_millis
        .saturating_sub(node.requested_cpu_millis)
        < pod.cpu_millis
    {
        reasons.push("Insufficient cpu");
    }
    if node
        .allocatable_memory_mib
        .saturating_sub(node.requested_memory_mib)
        < pod.memory_mib
    {
        reasons.push("Insufficient memory");
    }
    reasons
}

/// The node passes every filter: `filter(node, pod)` is empty.
fn fits(node: &NodeView, pod: Requests) -> bool {
    !node.unschedulable
        && node.taint.is_none()
        && node.pods < node.max_pods
        && node
            .allocatable_cpu_millis
            .saturating_sub(node.requested_cpu_millis)
            >= pod.cpu_millis
        && node
            .allocatable_memory_mib
            .saturating_sub(node.requested_memory_mib)
            >= pod.memory_mib
}

/// NodeResourcesFit (LeastAllocated, cpu and memory weighted 1) + BalancedAllocation, each
/// 0–100, weight 1: higher is better. Computed as if the pod were already on the node.
pub fn score(node: &NodeView, pod: Requests) -> f64 {
    let frac = |req: u32, alloc: u32| {
        if alloc == 0 {
            1.0
        } else {
            (req as f64 / alloc as f64).min(1.0)
        }
    };
    let cpu = frac(
        node.requested_cpu_millis + pod.cpu_millis,
        node.allocatable_cpu_millis,
    );
    let mem = frac(
        node.requested_memory_mib + pod.memory_mib,
        node.allocatable_memory_mib,
    );
    let least_allocated = ((1.0 - cpu) * 100.0 + (1.0 - mem) * 100.0) / 2.0;
    let mean = (cpu + mem) / 2.0;
    let std_dev = (((cpu - mean).powi(2) + (mem - mean).powi(2)) / 2.0).sqrt();
    let balanced = (1.0 - std_dev) * 100.0;
    least_allocated + balanced
}

/// The node the scheduler picked, and why.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// Index of the chosen node.
    pub node: usize,
    /// Nodes that passed the filters.
    pub feasible: u32,
    /// The chosen node's score (0–200).
    pub score: f64,
}

/// The outcome of scheduling one pod.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Bind(Placement),
    /// No node fits: the `FailedScheduling` message.
    Unschedulable(String),
}

impl Decision {
    /// The chosen node, if any.
    pub fn node(&self) -> Option<usize> {
        match self {
            Decision::Bind(p) => Some(p.node),
            Decision::Unschedulable(_) => None,
        }
    }
}

/// Why a pod went where it did: "2 of 3 nodes fit 250m CPU and 256 MiB; ip-… scored highest
/// (171.4 of 200, LeastAllocated + BalancedAllocation)".
pub fn why_bound(nodes: &[NodeView], pod: Requests, placement: &Placement) -> String {
    format!(
        "{} of {} nodes fit {}m CPU and {} MiB; {} scored highest ({:.1} of 200, LeastAllocated + BalancedAllocation)",
        placement.feasible,
        in_snapshot(nodes),
        pod.cpu_millis,
        pod.memory_mib,
        nodes[placement.node].name,
        placement.score
    )
}

/// Pick the best feasible node; ties go to the lower index (Kubernetes breaks ties at random;
/// see `docs/rules/README.md#known-differences-from-the-real-services`).
pub fn schedule(nodes: &[NodeView], pod: Requests) -> Decision {
    schedule_with(nodes, pod, &|_| None)
}

/// [`schedule`] with one more filter, run on the nodes that pass the others (as the
/// VolumeBinding plugin runs after NodeUnschedulable and NodeResourcesFit): `extra(i)` is the
/// reason node `i` fails it. Such a reason is not one preemption can fix.
pub fn schedule_with(
    nodes: &[NodeView],
    pod: Requests,
    extra: &dyn Fn(usize) -> Option<&'static str>,
) -> Decision {
    let mut histogram: BTreeMap<&str, u32> = BTreeMap::new();
    let mut best: Option<(f64, usize)> = None;
    let mut feasible = 0;
    // Per node: could evicting lower-priority pods help (a resource shortage) or not.
    let (mut victims, mut not_helpful) = (0, 0);
    for (i, n) in nodes.iter().enumerate() {
        if n.gone {
            continue;
        }
        // `filter` allocates its reasons; most nodes have none, so check that first.
        let mut reasons = if fits(n, pod) {
            Vec::new()
        } else {
            filter(n, pod)
        };
        if reasons.is_empty()
            && let Some(r) = extra(i)
        {
            reasons.push(r);
        }
        if reasons.is_empty() {
            feasible += 1;
            let s = score(n, pod);
            if best.is_none_or(|(b, _)| s > b) {
                best = Some((s, i));
            }
        } else {
            if reasons.iter().all(|r| is_resource(r)) {
                victims += 1;
            } else {
                not_helpful += 1;
            }
            for r in reasons {
                *histogram.entry(r).or_default() += 1;
            }
        }
    }
    match best {
        Some((score, node)) => Decision::Bind(Placement {
            node,
            feasible,
            score,
        }),
        None => Decision::Unschedulable(failed_scheduling(
            in_snapshot(nodes),
            &histogram,
            victims,
            not_helpful,
        )),
    }
}

/// A DaemonSet pod: the DaemonSet controller pins it to node `n` (a node affinity on the
/// node's name), and it tolerates the unschedulable and not-ready taints, so only that node is
/// considered and only for room. The other nodes fail the affinity
/// (`node(s) didn't match Pod's node affinity/selector`).
pub fn schedule_daemon_pod(nodes: &[NodeView], n: usize, pod: Requests) -> Decision {
    const AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector";
    let total = in_snapshot(nodes);
    let mut histogram: BTreeMap<&str, u32> = BTreeMap::new();
    // Its node deleted, the pod's affinity matches no node left in the snapshot.
    let Some(node) = nodes.get(n).filter(|v| !v.gone) else {
        if total > 0 {
            histogram.insert(AFFINITY, total as u32);
        }
        return Decision::Unschedulable(failed_scheduling(total, &histogram, 0, total as u32));
    };
    let mut view = node.clone();
    view.unschedulable = false;
    view.taint = None;
    let reasons = filter(&view, pod);
    if reasons.is_empty() {
        return Decision::Bind(Placement {
            node: n,
            feasible: 1,
            score: score(&view, pod),
        });
    }
    for r in reasons {
        *histogram.entry(r).or_default() += 1;
    }
    let others = total.saturating_sub(1) as u32;
    if others > 0 {
        *histogram.entry(AFFINITY).or_default() += others;
    }
    Decision::Unschedulable(failed_scheduling(total, &histogram, 1, others))
}

/// The nodes in the scheduler's snapshot: `FitError`'s `NumAllNodes` is
/// `nodeInfoSnapshot.NumNodes()` (`pkg/scheduler/schedule_one.go`, `schedulePod`), and a
/// deleted Node leaves the scheduler's cache, so it is not in the total.
pub fn in_snapshot(nodes: &[NodeView]) -> usize {
    nodes.iter().filter(|n| !n.gone).count()
}

/// With no node at all, the scheduler fails before filtering (`ErrNoNodesAvailable` in
/// `pkg/scheduler/schedule_one.go`).
pub const NO_NODES_AVAILABLE: &str = "no nodes available to schedule pods";

/// Resource shortages are what preemption could fix (Orca's pods share one priority, so no
/// victims exist); other reasons make preemption "not helpful".
fn is_resource(reason: &str) -> bool {
    reason.starts_with("Insufficient") || reason == "Too many pods"
}

/// `0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: 0/3 nodes
/// are available: 3 No preemption victims found for incoming pod.` Entries are sorted as
/// strings; `victims` and `not_helpful` count nodes for the preemption part.
pub fn failed_scheduling(
    total: usize,
    histogram: &BTreeMap<&str, u32>,
    victims: u32,
    not_helpful: u32,
) -> String {
    let mut entries: Vec<String> = histogram.iter().map(|(r, n)| format!("{n} {r}")).collect();
    entries.sort();
    let mut pre = Vec::new();
    if not_helpful > 0 {
        pre.push(format!(
            "{not_helpful} Preemption is not helpful for scheduling"
        ));
    }
    if victims > 0 {
        pre.push(format!(
            "{victims} No preemption victims found for incoming pod"
        ));
    }
    pre.sort();
    if total == 0 {
        return NO_NODES_AVAILABLE.to_string();
    }
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        entries.join(", "),
        pre.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, cpu_free: u32, mem_free: u32) -> NodeView {
        NodeView {
            name: name.into(),
            allocatable_cpu_millis: 1930,
            allocatable_memory_mib: 7518,
            max_pods: 29,
            requested_cpu_millis: 1930 - cpu_free,
            requested_memory_mib: 7518 - mem_free,
            pods: 3,
            unschedulable: false,
            taint: None,
            gone: false,
        }
    }

    #[test]
    fn the_reference_example_message() {
        let nodes = vec![
            node("a", 100, 5000),
            node("b", 200, 5000),
            node("c", 300, 5000),
        ];
        let pod = Requests {
            cpu_millis: 500,
            memory_mib: 256,
        };
        assert_eq!(
            schedule(&nodes, pod),
            Decision::Unschedulable(
                "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
                    .into()
            )
        );
    }

    #[test]
    fn histogram_entries_sort_as_strings() {
        let nodes = vec![
            node("a", 100, 5000),
            node("b", 100, 5000),
            node("c", 1900, 100),
        ];
        let pod = Requests {
            cpu_millis: 500,
            memory_mib: 256,
        };
        let Decision::Unschedulable(m) = schedule(&nodes, pod) else {
            panic!("nothing fits")
        };
        assert_eq!(
            m,
            "0/3 nodes are available: 1 Insufficient memory, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
        );
    }

    /// Untolerated NoSchedule taints are reported by the TaintToleration filter as
    /// `node(s) had untolerated taint {key: value}`, after NodeUnschedulable (a cordoned node
    /// is "unschedulable" whatever its taints). kube-scheduler's `pkg/scheduler/framework/
    /// plugins/tainttoleration`; the message shape is the documented example's
    /// (`{node-role.kubernetes.io/control-plane: }`).
    #[test]
    fn taints_are_reported_by_key_and_value_after_unschedulable() {
        let mut not_ready = node("new", 1930, 7518);
        not_ready.taint = Some(crate::k8s::cluster::TAINT_NOT_READY.into());
        let mut fargate = node("fargate", 1930, 7518);
        fargate.taint = Some(crate::k8s::cluster::TAINT_FARGATE.into());
        let mut cordoned_and_not_ready = not_ready.clone();
        cordoned_and_not_ready.unschedulable = true;
        let pod = Requests {
            cpu_millis: 500,
            memory_mib: 256,
        };
        let nodes = vec![
            not_ready,
            fargate,
            cordoned_and_not_ready,
            node("full", 100, 5000),
        ];
        let Decision::Unschedulable(m) = schedule(&nodes, pod) else {
            panic!("nothing fits")
        };
        assert_eq!(
            m,
            "0/4 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {eks.amazonaws.com/compute-type: fargate}, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling."
        );
    }

    /// A deleted node has left the scheduler's snapshot (`NumAllNodes` is the snapshot's
    /// `NumNodes()`, `pkg/scheduler/schedule_one.go`): it counts neither in the total nor as
    /// unschedulable, while a cordoned node that still exists does.
    #[test]
    fn a_deleted_node_is_not_counted() {
        let mut gone = node("gone", 1930, 7518);
        gone.unschedulable = true;
        gone.gone = true;
        let mut cordoned = node("cordoned", 1930, 7518);
        cordoned.unschedulable = true;
        let nodes = vec![gone, node("a", 100, 5000), cordoned, node("b", 200, 5000)];
        let pod = Requests {
            cpu_millis: 500,
            memory_mib: 256,
        };
        assert_eq!(
            schedule(&nodes, pod),
            Decision::Unschedulable(
                "0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
                    .into()
            )
        );
        // A fitting node among them: "1 of 3 nodes fit".
        let mut with_room = nodes.clone();
        with_room.push(node("c", 1900, 7000));
        let Decision::Bind(placement) = schedule(&with_room, pod) else {
            panic!("c fits")
        };
        assert_eq!(placement.node, 4);
        assert!(why_bound(&with_room, pod, &placement).starts_with("1 of 4 nodes fit"));
    }

    #[test]
    fn with_every_node_deleted_no_nodes_are_available() {
        let mut gone = node("gone", 1930, 7518);
        gone.gone = true;
        let pod = Requests {
            cpu_millis: 500,
            memory_mib: 256,
        };
        assert_eq!(
            schedule(&[gone.clone()], pod),
            Decision::Unschedulable("no nodes available to schedule pods".into())
        );
        assert_eq!(
            schedule_daemon_pod(&[gone, node("a", 100, 5000)], 0, pod),
            Decision::Unschedulable(
                "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
                    .into()
            )
        );
    }

    #[test]
    fn least_allocated_spreads_onto_the_emptiest_node() {
        let nodes = vec![
            node("busy", 400, 1000),
            node("idle", 1900, 7000),
            node("mid", 1000, 4000),
        ];
        let pod = Requests {
            cpu_millis: 250,
            memory_mib: 256,
        };
        assert_eq!(schedule(&nodes, pod).node(), Some(1));
    }

    #[test]
    fn the_pod_limit_filters_a_node() {
        let mut full = node("full", 1900, 7000);
        full.pods = 29;
        assert_eq!(
            filter(
                &full,
                Requests {
                    cpu_millis: 1,
                    memory_mib: 1
                }
            ),
            vec!["Too many pods"]
        );
    }
}
