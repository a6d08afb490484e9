//! kube-scheduler's binding cycle: every pending pod is bound to the node the pure
//! [`scheduler::schedule`] picks, or reported `FailedScheduling` once with the filter
//! histogram (`docs/rules/k8s-scheduling.md`). A pod a Fargate profile selects gets a Fargate
//! node of its own instead, once Fargate has provisioned it
//! (`docs/rules/k8s-scheduling.md#fargate-pods-on-eks`).

use super::cluster::{EksCluster, EksCtx};
use super::events;
use super::kubelet;
use super::messages;
use super::objects;
use super::scheduler::{self, Decision, NodeView};
use super::volume_binding::{self, Gate};
use super::volumes;
use super::wake::Wake;
use crate::event::Subject;
use crate::time::Millis;

/// Time to provision a Fargate node for a pod [model: typically 30–60 s].
pub const FARGATE_PROVISION_SECONDS: u64 = 40;

/// One scheduling pass over the pending pods: Fargate pods first, then the others in order.
pub fn reconcile(ctx: &mut EksCtx) {
    let now = ctx.now;
    let pending = pending(ctx.world);
    for &p in &pending {
        let c = &*ctx.world;
        let pod = &c.pods[p];
        if pod.node.is_some() || !pod.counts() || !c.deployments[c.pod_deployment(p)].fargate {
            continue;
        }
        match pod.fargate_ready_at {
            None => {
                ctx.world.pods[p].fargate_ready_at =
                    Some(now.plus(Millis::from_secs(FARGATE_PROVISION_SECONDS)));
            }
            Some(at) if at <= now => {
                // With every subnet full Fargate cannot start the pod yet; it tries again.
                let Some(n) = objects::fargate_node_for(ctx.world, ctx.net, p, now) else {
                    continue;
                };
                let why = format!(
                    "a Fargate profile selects the Deployment: Fargate provisioned a node of its own for the pod ({}) in {FARGATE_PROVISION_SECONDS} s",
                    ctx.world.nodes[n].instance_type
                );
                bind(ctx, p, n, why);
            }
            Some(_) => {}
        }
    }
    let mut views: Option<Vec<NodeView>> = None;
    for &p in &pending {
        let c = &*ctx.world;
        let pod = &c.pods[p];
        if pod.node.is_some() || !pod.counts() || c.deployments[c.pod_deployment(p)].fargate {
            continue;
        }
        if views.is_none() {
            let fresh = c.node_views();
            if fresh != c.wake.views {
                ctx.world.wake.views_version += 1;
            }
            views = Some(fresh);
        }
        let Some(views) = views.as_mut() else {
            continue;
        };
        let c = &*ctx.world;
        let pod = &c.pods[p];
        let req = c.requests_of(p);
        // A claim the pod mounts: the VolumeBinding plugin (`volume_binding.rs`).
        let gate = volume_binding::gate(c, p);
        // Plain pods reported unschedulable against this very view fail again the same way.
        let plain = pod.daemon_node.is_none() && matches!(gate, Gate::Free);
        let version = c.wake.views_version;
        if plain
            && !c.wake.visit_all
            && pod.reported_failed_scheduling
            && c.wake.unschedulable_at.get(&p) == Some(&version)
        {
            continue;
        }
        let decision = match (pod.daemon_node, &gate) {
            (_, Gate::Wait) => continue,
            (Some(n), _) => scheduler::schedule_daemon_pod(views, n, req),
            (None, Gate::UnboundImmediate) => Decision::Unschedulable(
                volumes::unbound_immediate_message(scheduler::in_snapshot(views)),
            ),
            (None, _) => {
                scheduler::schedule_with(views, req, &|i| volume_binding::node_reason(c, &gate, i))
            }
        };
        match decision {
            Decision::Bind(placement) if matches!(gate, Gate::Provision(_)) => {
                if let Gate::Provision(cl) = gate {
                    volume_binding::select_node(ctx, p, cl, placement.node);
                }
            }
            Decision::Bind(placement) => {
                let n = placement.node;
                let why = scheduler::why_bound(views, req, &placement);
                views[n].requested_cpu_millis += req.cpu_millis;
                views[n].requested_memory_mib += req.memory_mib;
                views[n].pods += 1;
                ctx.world.wake.views_version += 1;
                ctx.world.wake.unschedulable_at.remove(&p);
                bind(ctx, p, n, why);
            }
            Decision::Unschedulable(msg) => {
                if plain {
                    ctx.world.wake.unschedulable_at.insert(p, version);
                }
                if ctx.world.pods[p].reported_failed_scheduling {
                    continue;
                }
                ctx.world.pods[p].reported_failed_scheduling = true;
                let why = volume_binding::why_unschedulable(ctx.world, p, &gate).unwrap_or_else(|| format!(
                    "the pod requests {}m CPU and {} MiB and every node was filtered out (counted in the message); it stays Pending and is retried as the cluster changes",
                    req.cpu_millis, req.memory_mib
                ));
                ctx.world.pods[p].explain(ctx.now, format!("Pending: {msg}"));
                let (object, subjects) = events::pod(&ctx.world.pods[p].name);
                events::warning(ctx, "FailedScheduling", object, msg, subjects, Some(why));
            }
        }
    }
    if let Some(views) = views {
        let w = &mut ctx.world.wake;
        w.views = views;
        // Pods bound or gone leave the list.
        let pods = &ctx.world.pods;
        w.unschedulable_at
            .retain(|&p, _| pods[p].node.is_none() && pods[p].counts());
    }
}

/// Pods not bound yet that still count (a pass over every pod would find the same): only the
/// scheduler's set and the pods new since its last pass can be such pods.
pub fn pending_count(c: &EksCluster) -> u32 {
    let w = &c.wake;
    let pending = |&p: &usize| c.pods[p].counts() && c.pods[p].node.is_none();
    let len = c.pods.len();
    let seen = w.pending_seen.min(len);
    (w.pending.range(..seen).filter(|p| pending(p)).count()
        + (seen..len).filter(|p| pending(p)).count()) as u32
}

/// The pods not bound yet, in index order (every pod with the debug switch on); those bound,
/// gone or terminating since the last pass leave the set for good (`wake.rs`).
fn pending(c: &mut EksCluster) -> Vec<usize> {
    let len = c.pods.len();
    if c.wake.visit_all {
        return (0..len).collect();
    }
    let w = &mut c.wake;
    let pods = &c.pods;
    w.pending
        .retain(|&p| p >= len || (pods[p].node.is_none() && pods[p].counts()));
    Wake::due(&mut w.pending, &mut w.pending_seen, len)
}

/// Bind a pod to a node: the kubelet there sets up its network (an address of the node's
/// subnet) and starts pulling its image.
fn bind(ctx: &mut EksCtx, p: usize, n: usize, why: String) {
    let c = &mut *ctx.world;
    let node = c.nodes[n].name.clone();
    let name = c.pods[p].name.clone();
    c.pods[p].node = Some(n);
    c.wake.kubelet(p);
    let zone = c.nodes[n].zone.clone();
    c.pods[p].explain(ctx.now, format!("Bound to {node} in {zone}: {why}"));
    let ns = c.namespace_of(p).to_string();
    let (object, mut subjects) = events::pod(&name);
    subjects.push(Subject::Node(node.as_str().into()));
    events::normal(
        ctx,
        "Scheduled",
        object,
        messages::scheduled(&ns, &name, &node),
        subjects,
        Some(why),
    );
    // A pod whose volume must first be attached to the node waits for it (the kubelet's
    // volume manager); the attach/detach controller attaches it.
    if volumes::ready_on_node(ctx.world, p, ctx.now) {
        kubelet::start_sandbox(ctx, p);
    }
}
