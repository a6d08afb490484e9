//! One second of the EKS cluster: the controllers and the kubelet, each one reconcile step, in
//! this order. Each records its own events.

use super::{
    cluster_autoscaler, daemonset_controller, deployment_controller, drain, hpa,
    karpenter_controller, kubelet, metrics, replicaset_controller, scheduler_binding,
    statefulset_controller, volume_controller,
};
use crate::control::EksTimer;
use crate::time::Millis;

pub use super::cluster::EksCtx;

/// Run one second of the cluster, then ask for the next.
pub fn on_tick(ctx: &mut EksCtx) {
    // Autoscalers: the HPAs (every 15 s) change Deployments' replicas; the charts sample as
    // they sync. Node autoscaling: the Cluster Autoscaler or Karpenter.
    let synced = hpa::reconcile(ctx);
    metrics::sample(ctx, &synced);
    cluster_autoscaler::reconcile(ctx);
    karpenter_controller::reconcile(ctx);
    // Workloads: Deployments set their ReplicaSets' replicas, ReplicaSets create or delete
    // pods, DaemonSets keep a pod on every node, StatefulSets keep their ordinals, the
    // scheduler binds pending pods, volumes are provisioned and attached, and each node's
    // kubelet runs its pods.
    deployment_controller::reconcile(ctx);
    replicaset_controller::reconcile(ctx);
    daemonset_controller::reconcile(ctx);
    statefulset_controller::reconcile(ctx);
    scheduler_binding::reconcile(ctx);
    volume_controller::reconcile(ctx);
    kubelet::reconcile(ctx);
    // A running `kubectl drain` sees the pods the kubelet removed and retries refused
    // evictions.
    drain::reconcile(ctx);
    // The applications' AWS calls, with the credentials each pod's SDK finds.
    crate::iam::eks_calls::reconcile(ctx);
    // Container Insights samples what the second left, once a minute, if its agent runs.
    crate::insights::eks::on_tick(ctx);
    crate::security::runtime::on_tick(ctx);
    ctx.schedule(ctx.now.plus(Millis::from_secs(1)), EksTimer::Tick);
}
