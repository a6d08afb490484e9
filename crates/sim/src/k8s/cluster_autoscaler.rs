//! The Cluster Autoscaler on managed node groups (`docs/rules/k8s-autoscaling.md#cluster-autoscaler-scale-up`
//! and `#cluster-autoscaler-scale-down`): launched nodes join when their launch time is up;
//! every 10 s it grows the first node group that can host the unschedulable pods (a first-fit
//! estimate, [`estimate`]) and drains a node that stayed under half used for 10 minutes.

use super::autoscaling::{self, NODE_LAUNCH, SCALE_DOWN_THRESHOLD, SCALE_DOWN_UNNEEDED};
use super::cluster::{EksCluster, EksCtx, Node};
use super::events;
use super::eviction;
use super::objects;
use super::scheduler::{NodeView, Requests};
use crate::time::SimTime;

/// How many fresh template nodes the pods need, packed first fit in the given order (pods
/// larger than an empty node are left out), and which pods they would host. Each new node
/// starts with what the template already holds (its DaemonSet pods).
pub fn estimate(pending: &[Requests], node: &NodeView) -> (u32, Vec<usize>) {
    let base = (
        node.requested_cpu_millis,
        node.requested_memory_mib,
        node.pods,
    );
    // (cpu, memory, pods) per new node.
    let mut bins: Vec<(u32, u32, u32)> = Vec::new();
    let mut helped = Vec::new();
    let fits = |b: &(u32, u32, u32), req: &Requests| {
        b.0 + req.cpu_millis <= node.allocatable_cpu_millis
            && b.1 + req.memory_mib <= node.allocatable_memory_mib
            && b.2 < node.max_pods
    };
    for (i, req) in pending.iter().enumerate() {
        if !fits(&base, req) {
            continue;
        }
        match bins.iter_mut().find(|b| fits(b, req)) {
            Some(b) => {
                b.0 += req.cpu_millis;
                b.1 += req.memory_mib;
                b.2 += 1;
            }
            None => bins.push((base.0 + req.cpu_millis, base.1 + req.memory_mib, base.2 + 1)),
        }
        helped.push(i);
    }
    (bins.len() as u32, helped)
}

/// The group's new size for `needed` more nodes: current (nodes + launching) plus what the
/// launching ones do not cover yet, at most `max`; `None` when it cannot grow.
pub fn scale_up_to(nodes: u32, launching: u32, needed: u32, max: u32) -> Option<u32> {
    let current = nodes + launching;
    let to = (current + needed.saturating_sub(launching)).min(max);
    (to > current).then_some(to)
}

/// A node's utilization for scale-down: the larger of its requested CPU and memory fractions.
pub fn utilization(v: &NodeView) -> f64 {
    (v.requested_cpu_millis as f64 / v.allocatable_cpu_millis.max(1) as f64)
        .max(v.requested_memory_mib as f64 / v.allocatable_memory_mib.max(1) as f64)
}

/// One step of the Cluster Autoscaler.
pub fn reconcile(ctx: &mut EksCtx) {
    // Nodes that finished launching join now.
    let now = ctx.now;
    for g in 0..ctx.world.node_groups.len() {
        let launching = &mut ctx.world.node_groups[g].launching;
        let ready = launching.iter().filter(|t| **t <= now).count();
        launching.retain(|t| *t > now);
        for _ in 0..ready {
            join_node(ctx, g);
        }
    }
    let c = &mut *ctx.world;
    if c.node_groups.is_empty() || now < c.ca_next_scan {
        return;
    }
    c.ca_next_scan = now.plus(autoscaling::CA_SCAN);
    scale_up(ctx);
    scale_down(ctx);
}

/// A fresh node like `n`, as the estimate sees it: CA's template node carries the DaemonSet
/// pods that would run on it.
fn template_view(c: &EksCluster, n: &Node) -> NodeView {
    let (daemons, pods) = c.daemon_overhead();
    NodeView {
        name: n.name.clone(),
        allocatable_cpu_millis: n.allocatable_cpu_millis,
        allocatable_memory_mib: n.allocatable_memory_mib,
        max_pods: n.max_pods,
        requested_cpu_millis: daemons.cpu_millis,
        requested_memory_mib: daemons.memory_mib,
        pods,
        unschedulable: false,
        taint: None,
        gone: false,
    }
}

fn group_size(nodes: &[Node], g: usize) -> u32 {
    nodes
        .iter()
        .filter(|n| !n.gone && n.group == Some(g))
        .count() as u32
}

/// A node like the group's first ("template node") joins, in the next zone round-robin.
fn join_node(ctx: &mut EksCtx, g: usize) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    let Some(template) = c.nodes.iter().find(|n| n.group == Some(g)).cloned() else {
        return;
    };
    let z = group_size(&c.nodes, g) as usize % ctx.net.zones.len().max(1);
    // With its subnet full the instance cannot launch [model: the Auto Scaling group's
    // launch failure is not shown].
    let Some(node) = objects::node_like(&template, ctx.net, z, now) else {
        return;
    };
    let name = node.name.clone();
    c.nodes.push(node);
    let (object, subjects) = events::node(&name);
    events::normal(
        ctx,
        "RegisteredNode",
        object,
        format!("Node {name} event: Registered Node {name} in Controller"),
        subjects,
        None,
    );
}

fn scale_up(ctx: &mut EksCtx) {
    let now = ctx.now;
    let c = &*ctx.world;
    let pending: Vec<usize> = (0..c.pods.len())
        .filter(|&p| {
            let pod = &c.pods[p];
            pod.counts()
                && pod.node.is_none()
                && pod.reported_failed_scheduling
                && pod.daemon_node.is_none()
                && !c.deployments[c.pod_deployment(p)].fargate
        })
        .collect();
    if pending.is_empty() {
        return;
    }
    let requests: Vec<Requests> = pending.iter().map(|&p| c.requests_of(p)).collect();
    for g in 0..c.node_groups.len() {
        let Some(t) = c.nodes.iter().position(|n| n.group == Some(g)) else {
            continue;
        };
        let template = template_view(c, &c.nodes[t]);
        let (needed, helped) = estimate(&requests, &template);
        let ng = &c.node_groups[g];
        let nodes = group_size(&c.nodes, g);
        let launching = ng.launching.len() as u32;
        let Some(to) = scale_up_to(nodes, launching, needed, ng.max) else {
            continue;
        };
        if helped.is_empty() {
            continue;
        }
        let current = nodes + launching;
        let (asg, max) = (ng.asg.clone(), ng.max);
        let why = format!(
            "{} unschedulable pods fit a {} node ({}m CPU, {} MiB, {} pods allocatable) and pack first fit onto {needed}; the group has {nodes} nodes and {launching} launching, so it grows to {to} (max {max}); new nodes are Ready {} s later",
            helped.len(),
            ctx.world.nodes[t].instance_type,
            template.allocatable_cpu_millis,
            template.allocatable_memory_mib,
            template.max_pods,
            NODE_LAUNCH.0 / 1000
        );
        let ready_at = now.plus(NODE_LAUNCH);
        let c = &mut *ctx.world;
        for &i in &helped {
            c.pods[pending[i]].explain(
                now,
                format!("Triggered a scale-up of {asg} from {current} to {to} nodes: {why}"),
            );
        }
        for _ in current..to {
            c.node_groups[g].launching.push(ready_at);
        }
        c.ca_last_scale_up = Some(now);
        for i in helped {
            let (object, subjects) = events::pod(&ctx.world.pods[pending[i]].name);
            events::normal(
                ctx,
                "TriggeredScaleUp",
                object,
                autoscaling::triggered_scale_up(&asg, current, to, max),
                subjects,
                Some(why.clone()),
            );
        }
        return;
    }
}

fn scale_down(ctx: &mut EksCtx) {
    let now: SimTime = ctx.now;
    if ctx
        .world
        .ca_last_scale_up
        .is_some_and(|t| now.since(t) < SCALE_DOWN_UNNEEDED)
    {
        return;
    }
    let views = ctx.world.node_views();
    let mut removed_one = false;
    #[allow(clippy::needless_range_loop)] // the context is mutated inside the loop
    for n in 0..ctx.world.nodes.len() {
        let c = &mut *ctx.world;
        let Some(g) = c.nodes[n].group else {
            continue;
        };
        if c.nodes[n].gone {
            continue;
        }
        if c.nodes[n].draining {
            // DaemonSet pods are not drained: they go with the node.
            let empty = !c
                .pods
                .iter()
                .any(|p| !p.gone && p.node == Some(n) && p.daemon_node.is_none());
            if empty {
                objects::node_gone(c, ctx.net, n);
                let (object, subjects) = events::node(&c.nodes[n].name);
                // [inferred] CA's own wording for the removal.
                events::normal(
                    ctx,
                    "ScaleDown",
                    object,
                    "node removed by cluster autoscaler".into(),
                    subjects,
                    None,
                );
            }
            continue;
        }
        let used = utilization(&views[n]);
        let staying = c
            .nodes
            .iter()
            .filter(|m| !m.gone && !m.draining && m.group == Some(g))
            .count() as u32;
        let min = c.node_groups[g].min;
        // --skip-nodes-with-system-pods (default true): a kube-system pod that is not a
        // DaemonSet pod (CoreDNS) keeps its node.
        let system_pod = c.pods.iter().enumerate().any(|(p, pod)| {
            !pod.gone
                && pod.node == Some(n)
                && pod.daemon_node.is_none()
                && c.namespace_of(p) == "kube-system"
        });
        // Pods whose PodDisruptionBudget would not let them all be evicted keep the node
        // (CA FAQ, "What types of pods can prevent CA from removing a node?": pods with a
        // restrictive PDB; its simulation counts each eviction against the budget).
        let movable: Vec<usize> = (0..c.pods.len())
            .filter(|&p| {
                let pod = &c.pods[p];
                !pod.gone && pod.node == Some(n) && pod.counts() && pod.daemon_node.is_none()
            })
            .collect();
        let pdb_blocks = eviction::plan(c, &movable).is_err();
        if used >= SCALE_DOWN_THRESHOLD || staying <= min || system_pod || pdb_blocks {
            c.nodes[n].unneeded_since = None;
            continue;
        }
        let since = *c.nodes[n].unneeded_since.get_or_insert(now);
        if removed_one || now.since(since) < SCALE_DOWN_UNNEEDED {
            continue;
        }
        // Drain: evict its pods (their ReplicaSets recreate them elsewhere).
        removed_one = true;
        c.nodes[n].draining = true;
        c.nodes[n].to_be_deleted_at = Some(now);
        let why = format!(
            "its pods request {:.0}% of it (the larger of CPU and memory), under the {:.0}% threshold since {since} (10 minutes or more); the group keeps {} nodes, its minimum is {min}",
            used * 100.0,
            SCALE_DOWN_THRESHOLD * 100.0,
            staying - 1
        );
        let node = c.nodes[n].name.clone();
        let evicted = format!(
            "Evicted by the Cluster Autoscaler, which removes its node {node}: {why}; the ReplicaSet creates a replacement elsewhere"
        );
        let (object, subjects) = events::node(&node);
        events::normal(
            ctx,
            "ScaleDown",
            object,
            "marked the node as toBeDeleted/unschedulable".into(),
            subjects,
            Some(why),
        );
        let c = &*ctx.world;
        let on: Vec<usize> = (0..c.pods.len())
            .filter(|&p| {
                let pod = &c.pods[p];
                !pod.gone
                    && pod.node == Some(n)
                    && pod.deleting_at.is_none()
                    && pod.daemon_node.is_none()
            })
            .collect();
        for p in on {
            let (object, subjects) = events::pod(&ctx.world.pods[p].name);
            events::normal(
                ctx,
                "ScaleDown",
                object,
                "deleting pod for node scale down".into(),
                subjects,
                None,
            );
            // Through the Eviction API: the budgets were checked above, so it is allowed.
            let _ = eviction::evict(ctx, p, evicted.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m5_large() -> NodeView {
        NodeView {
            name: "template".into(),
            allocatable_cpu_millis: 1930,
            allocatable_memory_mib: 7134,
            max_pods: 29,
            requested_cpu_millis: 0,
            requested_memory_mib: 0,
            pods: 0,
            unschedulable: false,
            taint: None,
            gone: false,
        }
    }

    fn req(cpu_millis: u32, memory_mib: u32) -> Requests {
        Requests {
            cpu_millis,
            memory_mib,
        }
    }

    #[test]
    fn four_pending_500m_pods_need_two_m5_large_nodes() {
        // Three 500m pods fit one 1,930m node: the eks-autoscaling example.
        let (needed, helped) = estimate(&[req(500, 512); 4], &m5_large());
        assert_eq!((needed, helped.len()), (2, 4));
        assert_eq!(scale_up_to(2, 0, needed, 5), Some(4));
        // Nodes already launching count against the need; the maximum caps it.
        assert_eq!(scale_up_to(2, 2, needed, 5), None);
        assert_eq!(scale_up_to(4, 0, 3, 5), Some(5));
    }

    #[test]
    fn a_pod_bigger_than_a_node_does_not_count() {
        let (needed, helped) = estimate(&[req(4000, 512), req(500, 512)], &m5_large());
        assert_eq!((needed, helped), (1, vec![1]));
    }

    #[test]
    fn utilization_is_the_larger_fraction() {
        let mut v = m5_large();
        v.requested_cpu_millis = 965;
        v.requested_memory_mib = 700;
        assert_eq!(utilization(&v), 0.5);
    }
}
