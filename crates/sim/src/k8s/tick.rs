//! One second of the EKS cluster: the controllers and the kubelet run, and what they report
//! becomes log events.

use crate::control::{Ctx, EksTimer};
use crate::event::{EventKind, Source, Subject};
use crate::k8s::cluster::Cluster;
use crate::time::Millis;

/// The controller context of the EKS side.
pub type EksCtx<'a> = Ctx<'a, Cluster>;

/// Advance the EKS cluster by one second and log what it reported.
pub fn on_tick(ctx: &mut EksCtx) {
    let now = ctx.now;
    let cluster = &mut *ctx.world;
    cluster.tick_at(now);
    let events = cluster.take_events();
    let claim_nodes: Vec<(String, String)> = cluster.karpenter.as_ref().map_or(Vec::new(), |k| {
        k.claims
            .iter()
            .filter_map(|c| {
                k.node_of_claim(&c.name, &cluster.nodes)
                    .map(|n| (c.name.clone(), n.to_string()))
            })
            .collect()
    });
    for e in events {
        let mut subjects = Vec::new();
        if let Some(pod) = e.object.strip_prefix("pod/") {
            subjects.push(Subject::Pod(pod.to_string()));
        }
        if let Some(d) = e.object.strip_prefix("deployment/") {
            subjects.push(Subject::Deployment(d.to_string()));
        }
        if let Some(n) = e.object.strip_prefix("node/") {
            subjects.push(Subject::Node(n.to_string()));
        }
        // A NodeClaim's events are about its node once it has one.
        if let Some(claim) = e.object.strip_prefix("nodeclaim/")
            && let Some((_, n)) = claim_nodes.iter().find(|(c, _)| c == claim)
        {
            subjects.push(Subject::Node(n.clone()));
        }
        ctx.emit(
            Source::Kube(e.object.clone()),
            EventKind::Kube {
                warning: e.warning,
                reason: e.reason.to_string(),
                object: e.object,
            },
            e.message,
            subjects,
        );
    }
    ctx.schedule(now.plus(Millis::from_secs(1)), EksTimer::Tick);
}
