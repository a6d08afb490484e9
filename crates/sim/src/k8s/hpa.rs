//! The HorizontalPodAutoscaler controller: every 15 s each HPA reads the average CPU
//! utilization of its Deployment's ready pods and sets `replicas` from the pure
//! [`Hpa::sync_explained`] (formula, tolerance, then the legacy path or `behavior`;
//! `docs/rules/k8s-autoscaling.md#hpa-the-replica-formula`).

use rand::Rng;

use super::autoscaling::{self, Hpa};
use super::cluster::EksCtx;
use super::endpoints;
use super::events;
use crate::event::Subject;

/// Sync every HPA that is due. Returns the Deployments whose HPA synced.
pub fn reconcile(ctx: &mut EksCtx) -> Vec<usize> {
    let now = ctx.now;
    let mut synced = Vec::new();
    for h in 0..ctx.world.hpas.len() {
        if ctx.world.hpas[h].next_sync > now {
            continue;
        }
        ctx.world.hpas[h].next_sync = now.plus(autoscaling::SYNC);
        let d = ctx.world.hpas[h].deployment;
        let current = ctx.world.deployments[d].replicas;
        let (ready, utilization) = utilization(ctx, d);
        let hpa: &mut Hpa = &mut ctx.world.hpas[h];
        if let Some(r) = hpa.sync_explained(now, current, ready, utilization) {
            let name = hpa.name.clone();
            let n = r.replicas;
            ctx.world.deployments[d].replicas = n;
            let subjects = vec![Subject::Deployment(
                ctx.world.deployments[d].name.clone().into(),
            )];
            events::normal(
                ctx,
                "SuccessfulRescale",
                format!("horizontalpodautoscaler/{name}"),
                autoscaling::rescale_message(n, &r.reason),
                subjects,
                Some(r.why),
            );
        }
        synced.push(d);
    }
    synced
}

/// Average CPU utilization (percent of request) of a Deployment's ready pods, with a little
/// seeded noise: (ready pods, utilization).
pub fn utilization(ctx: &mut EksCtx, d: usize) -> (u32, f64) {
    let c = &mut *ctx.world;
    let ready = endpoints::endpoint_count(c, d);
    let base = c.deployments[d]
        .load
        .as_ref()
        .map_or(0.0, |l| l.utilization_per_pod(ctx.now, ready));
    let noise = if base > 0.0 {
        ctx.rngs.load.random_range(-2.0..2.0)
    } else {
        0.0
    };
    (ready, (base + noise).max(0.0))
}
