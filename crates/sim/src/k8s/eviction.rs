//! The Eviction API (`POST …/pods/NAME/eviction`) and the PodDisruptionBudget status it reads
//! (`docs/rules/k8s-disruption.md`). `kubectl drain`, the Cluster Autoscaler and Karpenter
//! evict through it; `kubectl delete pod` does not (a delete never looks at a budget).
//!
//! Sources: kubernetes `pkg/registry/core/pod/storage/eviction.go` (`Create`, `canIgnorePDB`,
//! `checkAndDecrement`, `getPodDisruptionBudgets`) and `pkg/controller/disruption/disruption.go`
//! (the status). Orca computes a budget's status from the pods at the moment it is read, where
//! the disruption controller writes it a moment after pods change [model: the controller's
//! delay and the `DisruptedPods` map it keeps meanwhile are not modelled; an eviction deletes
//! the pod at once, so the next status already leaves it out].

use super::budget::{self, PdbStatus};
use super::cluster::{ContainerState, EksCluster, EksCtx, WorkloadKind};
use super::events;
use super::objects;

/// The 429 the API answers when a budget allows no more disruption.
pub const TOO_MANY_REQUESTS: &str =
    "Cannot evict pod as it would violate the pod's disruption budget.";
/// The 500 the API answers when more than one budget selects the pod.
pub const MORE_THAN_ONE: &str = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";

/// Why the Eviction API refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 429 TooManyRequests: budget `pdb` (index) allows no disruption; a client retries.
    Budget { pdb: usize, status: PdbStatus },
    /// 500: several budgets select the pod; retrying does not help.
    MoreThanOne,
}

impl Refusal {
    /// The API's message.
    pub fn message(&self) -> &'static str {
        match self {
            Refusal::Budget { .. } => TOO_MANY_REQUESTS,
            Refusal::MoreThanOne => MORE_THAN_ONE,
        }
    }
}

/// The pods budget `b` selects: live pods of its namespace whose labels match.
pub fn selected(c: &EksCluster, b: usize) -> Vec<usize> {
    let pdb = &c.pdbs[b];
    (0..c.pods.len())
        .filter(|&p| {
            !c.pods[p].gone && c.namespace_of(p) == pdb.namespace && pdb.selects(&c.pod_labels(p))
        })
        .collect()
}

/// The budget's status as the disruption controller computes it now.
pub fn status(c: &EksCluster, b: usize) -> PdbStatus {
    let pdb = &c.pdbs[b];
    let pods = selected(c, b);
    // `countHealthyPods`: Ready and not being deleted.
    let current_healthy = pods
        .iter()
        .filter(|&&p| c.pods[p].deleting_at.is_none() && c.pods[p].ready)
        .count() as u32;
    // `getExpectedScale`: the sum of the pods' controllers' scale, each controller once. A
    // DaemonSet has no scale: "found no controllers", and the controller's fail-safe sets
    // disruptionsAllowed to 0.
    let mut workloads: Vec<usize> = pods.iter().map(|&p| c.pod_deployment(p)).collect();
    workloads.sort_unstable();
    workloads.dedup();
    let needs_scale = pdb.max_unavailable.is_some()
        || matches!(
            pdb.min_available,
            Some(super::rollout::IntOrPercent::Percent(_))
        );
    if needs_scale
        && workloads
            .iter()
            .any(|&d| c.deployments[d].kind == WorkloadKind::DaemonSet)
    {
        return PdbStatus {
            current_healthy,
            ..PdbStatus::default()
        };
    }
    let scale: u32 = workloads.iter().map(|&d| c.deployments[d].replicas).sum();
    let (expected, desired) = budget::expected_and_desired(
        pdb.min_available,
        pdb.max_unavailable,
        pods.len() as u32,
        scale,
    );
    PdbStatus {
        current_healthy,
        desired_healthy: desired,
        expected_pods: expected,
        disruptions_allowed: budget::disruptions_allowed(current_healthy, desired, expected),
    }
}

/// The budgets that select pod `p`.
pub fn budgets_of(c: &EksCluster, p: usize) -> Vec<usize> {
    let labels = c.pod_labels(p);
    let ns = c.namespace_of(p);
    (0..c.pdbs.len())
        .filter(|&b| c.pdbs[b].namespace == ns && c.pdbs[b].selects(&labels))
        .collect()
}

/// `canIgnorePDB`: a pod being deleted, or still Pending (not bound, or no container has run
/// yet), is deleted without looking at budgets.
fn ignores_budgets(c: &EksCluster, p: usize) -> bool {
    let pod = &c.pods[p];
    let pending = pod.node.is_none()
        || (pod.restarts == 0 && matches!(pod.state, ContainerState::Waiting { .. }));
    pod.deleting_at.is_some() || pending
}

/// Whether the Eviction API would evict pod `p` now, after the evictions `used` already
/// counted against each budget (`used[b]`, for a plan of several evictions). `Ok(Some(b))`:
/// allowed, and it uses one of budget `b`'s disruptions.
pub fn check(c: &EksCluster, p: usize, used: &[u32]) -> Result<Option<usize>, Refusal> {
    if ignores_budgets(c, p) {
        return Ok(None);
    }
    let budgets = budgets_of(c, p);
    match budgets.as_slice() {
        [] => Ok(None),
        [b] => {
            let b = *b;
            let mut st = status(c, b);
            let spent = used.get(b).copied().unwrap_or(0);
            st.current_healthy = st.current_healthy.saturating_sub(spent);
            st.disruptions_allowed = st.disruptions_allowed.saturating_sub(spent);
            // An unready pod does not count as healthy: while the budget is met, evicting it
            // costs nothing.
            if !c.pods[p].ready
                && st.current_healthy >= st.desired_healthy
                && st.desired_healthy > 0
            {
                return Ok(None);
            }
            if st.disruptions_allowed == 0 {
                return Err(Refusal::Budget { pdb: b, status: st });
            }
            Ok(Some(b))
        }
        _ => Err(Refusal::MoreThanOne),
    }
}

/// Whether every pod of `pods` could be evicted, one after the other, now: the first refusal
/// and its pod (the Cluster Autoscaler's check before it drains a node).
pub fn plan(c: &EksCluster, pods: &[usize]) -> Result<(), (usize, Refusal)> {
    let mut used = vec![0u32; c.pdbs.len()];
    for &p in pods {
        match check(c, p, &used) {
            Ok(Some(b)) => used[b] += 1,
            Ok(None) => {}
            Err(r) => return Err((p, r)),
        }
    }
    Ok(())
}

/// Evict pod `p`: if the budgets allow it, the pod is deleted gracefully and `why` is recorded
/// on it (a pod never bound goes at once); otherwise the API's refusal. The caller records
/// its own events.
pub fn evict(ctx: &mut EksCtx, p: usize, why: String) -> Result<(), Refusal> {
    check(ctx.world, p, &[])?;
    let now = ctx.now;
    let c = &mut *ctx.world;
    if c.pods[p].gone || c.pods[p].deleting_at.is_some() {
        return Ok(());
    }
    objects::evict(c, p, now, why);
    if c.pods[p].node.is_none() {
        let net = &mut *ctx.net;
        objects::pod_gone(ctx.world, net, p);
    }
    Ok(())
}

/// Evict pod `p` as `kubectl drain` does: on success the kubelet stops its container
/// (`Killing`).
pub fn evict_and_kill(ctx: &mut EksCtx, p: usize, why: String) -> Result<(), Refusal> {
    let c = &*ctx.world;
    let running = c.pods[p].node.is_some()
        && c.pods[p].deleting_at.is_none()
        && matches!(c.pods[p].state, ContainerState::Running { .. });
    let container = c.template_of(p).container.clone();
    let name = c.pods[p].name.clone();
    evict(ctx, p, why)?;
    if running {
        events::stopping(ctx, &name, &container);
    }
    Ok(())
}

/// A budget's `namespace/name`, as Karpenter and kubectl name it.
pub fn key(c: &EksCluster, b: usize) -> String {
    format!("{}/{}", c.pdbs[b].namespace, c.pdbs[b].name)
}
