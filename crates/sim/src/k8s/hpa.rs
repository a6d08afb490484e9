//! The HorizontalPodAutoscaler controller: every 15 s each HPA reads the average CPU
//! utilization of its Deployment's ready pods and sets `replicas` from the pure
//! [`Hpa::sync_explained`] (formula, tolerance, then the legacy path or `behavior`;
//! `docs/rules/k8s-autoscaling.md#hpa-the-replica-formula`).

use rand::Rng;

use super::addons;
use super::autoscaling::{self, Hpa};
use super::cluster::{EksCluster, EksCtx, Template};
use super::endpoints;
use super::events;
use super::hpa_conditions::set;
use crate::event::Subject;
use crate::time::SimTime;

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
        let hpa = &ctx.world.hpas[h];
        let in_range = (hpa.min_replicas..=hpa.max_replicas).contains(&current);
        // `reconcileAutoscaler` checks a target at 0 first, then the bounds (which need no
        // metric), then computes the metric.
        // The metrics are fetched before the pods' requests are read (`GetResourceReplicas`).
        let unmeasured = if current == 0 {
            Some(Unmeasured::Disabled)
        } else if !in_range {
            None
        } else if !addons::metrics_api(ctx.world.metrics_server, now) {
            Some(Unmeasured::Failed(addons::NO_METRICS_API.to_string()))
        } else {
            missing_cpu_request(ctx.world, d).map(Unmeasured::Failed)
        };
        if let Some(why) = unmeasured {
            let hpa = &mut ctx.world.hpas[h];
            hpa.unmeasured(now, current, utilization, &why);
            if let Unmeasured::Failed(error) = why {
                let name = hpa.name.clone();
                failed_metric_events(ctx, d, &name, &error);
            }
            synced.push(d);
            continue;
        }
        let hpa: &mut Hpa = &mut ctx.world.hpas[h];
        hpa.measured = in_range;
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

/// Why a sync computed no replica count from the metric.
#[derive(Debug, Clone, PartialEq)]
pub enum Unmeasured {
    /// The target is scaled to 0 while `minReplicas` is at least 1: the HPA stays out of it.
    Disabled,
    /// The CPU utilization could not be computed; the replica calculator's error, e.g.
    /// `missing request for cpu in container web of Pod web-…`.
    Failed(String),
}

/// `calculatePodRequests` (`pkg/controller/podautoscaler/replica_calculator.go`): utilization is
/// usage over request, so a pod whose container names no CPU request fails the whole metric:
/// `missing request for cpu in container <container> of Pod <pod>`. Every pod the selector
/// matches counts, terminating ones included, so after a fix the error lasts until the last old
/// pod is gone. The API lists pods in no set order; Orca names the oldest [inferred].
pub fn missing_cpu_request(c: &EksCluster, d: usize) -> Option<String> {
    // Most Deployments request CPU in every revision: no pod needs reading.
    if c.replica_sets
        .iter()
        .all(|rs| rs.deployment != d || unrequested(&rs.template).is_none())
    {
        return None;
    }
    c.pods
        .iter()
        .filter(|p| !p.gone && c.replica_sets[p.replica_set].deployment == d)
        .find_map(|p| {
            unrequested(&c.replica_sets[p.replica_set].template).map(|container| {
                format!(
                    "missing request for cpu in container {container} of Pod {}",
                    p.name
                )
            })
        })
}

/// The first container of a template without a CPU request, in the order the replica
/// calculator reads them: the app containers, then the native sidecars (restartable init
/// containers); ordinary init containers do not count.
pub fn unrequested(t: &Template) -> Option<&str> {
    if !t.cpu_requested {
        return Some(&t.container);
    }
    t.containers
        .iter()
        .find(|c| !c.cpu_requested)
        .map(|c| c.name.as_str())
        .or_else(|| {
            t.init_containers
                .iter()
                .find(|i| i.sidecar.is_some() && !i.cpu_requested)
                .map(|i| i.name.as_str())
        })
}

/// The two warnings of a sync whose metric failed: `FailedGetResourceMetric` from the metric
/// (`computeStatusForResourceMetric` → `getUnableComputeReplicaCountCondition`) and
/// `FailedComputeMetricsReplicas` from `reconcileAutoscaler`, each wrapping the error as the
/// controller does (`horizontal.go`).
fn failed_metric_events(ctx: &mut EksCtx, d: usize, hpa: &str, error: &str) {
    let object = format!("horizontalpodautoscaler/{hpa}");
    let subjects = || {
        vec![Subject::Deployment(
            ctx.world.deployments[d].name.clone().into(),
        )]
    };
    let (s1, s2) = (subjects(), subjects());
    let why = if error == addons::NO_METRICS_API {
        "the HPA reads CPU usage from the Metrics API (metrics.k8s.io), which metrics-server serves; EKS does not install it, so nothing answers and the HPA changes nothing (aws eks create-addon --addon-name metrics-server)"
    } else {
        "utilization is usage ÷ request; with no CPU request on a container the HPA cannot compute it, and it changes nothing until every pod of the Deployment requests CPU"
    }
    .to_string();
    events::warning(
        ctx,
        "FailedGetResourceMetric",
        object.clone(),
        failed_resource_metric(error),
        s1,
        Some(why.clone()),
    );
    events::warning(
        ctx,
        "FailedComputeMetricsReplicas",
        object,
        failed_compute_replicas(error),
        s2,
        Some(why),
    );
}

/// `FailedGetResourceMetric`'s message: `failed to get cpu utilization: <error>`.
pub fn failed_resource_metric(error: &str) -> String {
    format!("failed to get cpu utilization: {error}")
}

/// `FailedComputeMetricsReplicas`' message, for an HPA with its one CPU metric.
pub fn failed_compute_replicas(error: &str) -> String {
    format!(
        "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: {}",
        failed_resource_metric(error)
    )
}

impl Hpa {
    /// A sync that computes no replica count (`reconcileAutoscaler`): AbleToScale says the
    /// controller read the target's scale, ScalingActive turns False with why, ScalingLimited
    /// stays as it was, nothing is rescaled, and `status.currentMetrics` has no value.
    pub fn unmeasured(&mut self, now: SimTime, current: u32, utilization: f64, why: &Unmeasured) {
        // recordInitialRecommendation runs before the metric is read.
        if self.history.is_empty() {
            self.history.push((now, current));
        }
        // Still the load's, for the charts.
        self.current_utilization = utilization;
        self.measured = false;
        set(
            &mut self.conditions.able_to_scale,
            now,
            true,
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale".into(),
        );
        let (reason, message) = match why {
            Unmeasured::Disabled => (
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero".to_string(),
            ),
            Unmeasured::Failed(error) => (
                "FailedGetResourceMetric",
                format!(
                    "the HPA was unable to compute the replica count: {}",
                    failed_resource_metric(error)
                ),
            ),
        };
        set(
            &mut self.conditions.scaling_active,
            now,
            false,
            reason,
            message,
        );
    }
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
