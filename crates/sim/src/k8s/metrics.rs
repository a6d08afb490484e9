//! The metrics the charts draw, sampled when the first Deployment's HPA syncs (every 15 s
//! without an HPA).

use super::autoscaling;
use super::cluster::{EksCtx, Sample};
use super::endpoints;

/// Take this second's samples: one for each sync of an HPA of the first Deployment, or one
/// every 15 s when the cluster has no HPA.
pub fn sample(ctx: &mut EksCtx, hpa_synced: &[usize]) {
    let c = &mut *ctx.world;
    let n = if c.hpas.is_empty() {
        usize::from(ctx.now.0.is_multiple_of(autoscaling::SYNC.0))
    } else {
        hpa_synced.iter().filter(|&&d| d == 0).count()
    };
    if n == 0 || c.deployments.is_empty() {
        return;
    }
    let ready = endpoints::endpoint_count(c, 0);
    let c = &*c;
    let utilization = c
        .hpas
        .iter()
        .find(|h| h.deployment == 0)
        .map(|h| h.current_utilization)
        .unwrap_or_else(|| {
            c.deployments[0]
                .load
                .as_ref()
                .map_or(0.0, |l| l.utilization_per_pod(ctx.now, ready))
        });
    let sample = Sample {
        at: ctx.now,
        utilization,
        target: c
            .hpas
            .iter()
            .find(|h| h.deployment == 0)
            .map(|h| h.target_cpu_utilization),
        desired: c.deployments[0].replicas,
        ready,
        pending: super::scheduler_binding::pending_count(c),
        nodes: c.nodes.iter().filter(|n| !n.gone && !n.fargate).count() as u32,
    };
    for _ in 0..n {
        ctx.world.samples.push(sample.clone());
    }
}
