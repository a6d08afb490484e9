//! A Service's endpoints, as the EndpointSlice controller publishes them: the pods of its
//! Deployment that are ready and not terminating (`docs/rules/k8s-pods.md#what-each-probe-does`).

use super::cluster::{EksCluster, Pod};

/// The pod is an endpoint: it exists, is not terminating, and is ready.
pub fn is_endpoint(pod: &Pod) -> bool {
    pod.counts() && pod.ready
}

/// The pods behind the Deployment's Service.
pub fn endpoints(c: &EksCluster, d: usize) -> Vec<usize> {
    (0..c.pods.len())
        .filter(|&p| is_endpoint(&c.pods[p]) && c.pod_deployment(p) == d)
        .collect()
}

/// How many pods are behind the Deployment's Service (`endpoints(c, d).len()`), read from the
/// per-ReplicaSet counts (`pod_counts.rs`) instead of a pass over every pod.
pub fn endpoint_count(c: &mut EksCluster, d: usize) -> u32 {
    c.settle_counts();
    c.counts
        .replica_sets_of(d)
        .iter()
        .map(|&rs| c.counts.per_rs[rs].ready)
        .sum()
}
