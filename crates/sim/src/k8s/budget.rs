//! Voluntary disruption's objects and pure rules (`docs/rules/k8s-disruption.md`): a
//! PodDisruptionBudget, the status the disruption controller computes for it, and a running
//! `kubectl drain`. `eviction.rs` applies the rules to the cluster; `drain.rs` runs the drains.
//!
//! Sources: the disruption controller, kubernetes `pkg/controller/disruption/disruption.go`
//! (`getExpectedPodCount`, `getExpectedScale`, `countHealthyPods`, `updatePdbStatus`), and
//! "Specifying a Disruption Budget for your Application"
//! (<https://kubernetes.io/docs/tasks/run-application/configure-pdb/>).

use serde::Serialize;

use super::rollout::IntOrPercent;
use crate::time::SimTime;

/// kubectl retries an eviction the API refused with 429 after this long (kubectl
/// `pkg/cmd/drain/drain.go`: `EvictErrorRetryDelay: 5 * time.Second`).
pub const EVICT_RETRY_SECONDS: u64 = 5;

/// A PodDisruptionBudget (policy/v1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pdb {
    pub name: String,
    pub namespace: String,
    /// `spec.minAvailable`.
    pub min_available: Option<IntOrPercent>,
    /// `spec.maxUnavailable`.
    pub max_unavailable: Option<IntOrPercent>,
    /// `spec.selector.matchLabels`, sorted by key.
    pub selector: Vec<(String, String)>,
    pub created_at: SimTime,
}

impl Pdb {
    /// The selector matches these labels. An empty selector matches nothing (the Eviction API:
    /// "a PDB with a nil or empty selector … should match nothing, not everything").
    pub fn selects(&self, labels: &[(String, String)]) -> bool {
        !self.selector.is_empty() && self.selector.iter().all(|l| labels.contains(l))
    }

    /// `metav1.FormatLabelSelector`: `app=web,tier=front`.
    pub fn selector_text(&self) -> String {
        let parts: Vec<String> = self
            .selector
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.join(",")
    }
}

/// `status` of a PodDisruptionBudget, as `kubectl describe pdb` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PdbStatus {
    /// `currentHealthy`: selected pods that are Ready and not being deleted.
    pub current_healthy: u32,
    /// `desiredHealthy`.
    pub desired_healthy: u32,
    /// `expectedPods`.
    pub expected_pods: u32,
    /// `disruptionsAllowed`.
    pub disruptions_allowed: u32,
}

/// `intstr.GetScaledValueFromIntOrPercent(v, total, roundUp=true)`: a count as it is, a
/// percentage of `total` rounded up. The disruption controller rounds up for both fields.
pub fn scaled_up(v: IntOrPercent, total: u32) -> u32 {
    match v {
        IntOrPercent::Int(n) => n,
        IntOrPercent::Percent(p) => (p as u64 * total as u64).div_ceil(100) as u32,
    }
}

/// `getExpectedPodCount`: (expectedCount, desiredHealthy). `pods` is how many pods the
/// selector picks (terminating ones included); `scale` is the sum of their controllers'
/// `replicas` (a Deployment's `spec.replicas`), used by `maxUnavailable` and by a percentage
/// `minAvailable`. An integer `minAvailable` expects the pods that exist.
pub fn expected_and_desired(
    min_available: Option<IntOrPercent>,
    max_unavailable: Option<IntOrPercent>,
    pods: u32,
    scale: u32,
) -> (u32, u32) {
    if let Some(mu) = max_unavailable {
        return (scale, scale.saturating_sub(scaled_up(mu, scale)));
    }
    match min_available {
        Some(IntOrPercent::Int(n)) => (pods, n),
        Some(p @ IntOrPercent::Percent(_)) => (scale, scaled_up(p, scale)),
        None => (0, 0),
    }
}

/// `updatePdbStatus`: `currentHealthy - desiredHealthy`, never below zero, and zero while the
/// budget expects no pods.
pub fn disruptions_allowed(current_healthy: u32, desired_healthy: u32, expected: u32) -> u32 {
    if expected == 0 {
        return 0;
    }
    current_healthy.saturating_sub(desired_healthy)
}

/// Where one pod of a running drain is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DrainPod {
    /// kubectl asks the Eviction API again at this moment (the last answer was 429).
    RetryAt(SimTime),
    /// Evicted: kubectl polls until the pod object is gone.
    Evicted,
    /// Gone, and kubectl printed `pod/NAME evicted`.
    Done,
    /// The Eviction API refused with an error kubectl does not retry (several budgets select
    /// the pod): the drain ends in error once the other pods are done.
    Failed,
}

/// A `kubectl drain NODE --ignore-daemonsets` that is still running: kubectl evicts the pods it
/// listed when it started, one goroutine each, retrying refused evictions every 5 s, and
/// prints `node/NAME drained` once every one is gone (kubectl `pkg/drain/drain.go`,
/// `evictPods`, `waitForDelete`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeDrain {
    /// Index into the cluster's nodes.
    pub node: usize,
    pub started_at: SimTime,
    /// The pods kubectl listed (by index), and where each is.
    pub pods: Vec<(usize, DrainPod)>,
    /// What kubectl printed at the moment it started (the console shows it as the command's
    /// reply); every line also goes to the event log as it is printed.
    pub first_output: Vec<String>,
    /// Every pod is gone and kubectl printed `node/NAME drained`, or it stopped on an error.
    pub finished: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_up_for_both_fields() {
        // minAvailable 50% of 5 replicas: 2.5 rounds up to 3 pods that must stay healthy.
        assert_eq!(
            expected_and_desired(Some(IntOrPercent::Percent(50)), None, 5, 5),
            (5, 3)
        );
        // maxUnavailable 30% of 5: 1.5 rounds up to 2 may be down, so 3 must stay healthy.
        assert_eq!(
            expected_and_desired(None, Some(IntOrPercent::Percent(30)), 5, 5),
            (5, 3)
        );
        // maxUnavailable 1 of 3 replicas: 2 must stay healthy.
        assert_eq!(
            expected_and_desired(None, Some(IntOrPercent::Int(1)), 3, 3),
            (3, 2)
        );
    }

    #[test]
    fn an_integer_min_available_expects_the_pods_that_exist() {
        // The configure-pdb task's example: minAvailable 2 over 3 pods of a scale-3 workload.
        assert_eq!(
            expected_and_desired(Some(IntOrPercent::Int(2)), None, 3, 3),
            (3, 2)
        );
        // During a surge, 4 pods exist: the integer form counts them, a percentage does not.
        assert_eq!(
            expected_and_desired(Some(IntOrPercent::Int(2)), None, 4, 3),
            (4, 2)
        );
        assert_eq!(
            expected_and_desired(Some(IntOrPercent::Percent(100)), None, 4, 3),
            (3, 3)
        );
    }

    #[test]
    fn allowed_disruptions_are_healthy_minus_desired_and_never_negative() {
        assert_eq!(disruptions_allowed(3, 2, 3), 1);
        assert_eq!(disruptions_allowed(2, 2, 3), 0);
        assert_eq!(disruptions_allowed(1, 2, 3), 0);
        // A budget that expects no pods allows nothing.
        assert_eq!(disruptions_allowed(0, 0, 0), 0);
        // maxUnavailable 100% (or minAvailable 0) allows every healthy pod to go.
        let (e, d) = expected_and_desired(None, Some(IntOrPercent::Percent(100)), 3, 3);
        assert_eq!(disruptions_allowed(3, d, e), 3);
    }

    #[test]
    fn an_empty_selector_selects_nothing() {
        let mut pdb = Pdb {
            name: "web".into(),
            namespace: "default".into(),
            min_available: Some(IntOrPercent::Int(1)),
            max_unavailable: None,
            selector: vec![],
            created_at: SimTime::ZERO,
        };
        let labels = vec![("app".to_string(), "web".to_string())];
        assert!(!pdb.selects(&labels));
        pdb.selector = labels.clone();
        assert!(pdb.selects(&labels));
        assert_eq!(pdb.selector_text(), "app=web");
    }
}
