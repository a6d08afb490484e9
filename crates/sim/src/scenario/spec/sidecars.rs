//! Several containers per pod: native sidecars (init containers with `restartPolicy: Always`)
//! and app containers after the first. Kubernetes documentation, "Sidecar Containers"
//! <https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/>.

use serde::{Deserialize, Serialize};

/// A container's own `restartPolicy`; Kubernetes accepts only `Always`, and only on an init
/// container, where it makes a native sidecar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ContainerRestartPolicy {
    Always,
}

/// An app container of a pod after the first, and how its process behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sAppContainerSpec {
    pub name: String,
    pub image: String,
    /// Its CPU request in millicores, added to the pod's (the scheduler and the node's
    /// allocated resources see the sum of a pod's app containers and sidecars).
    #[serde(default)]
    pub cpu: u32,
    /// Its memory request in MiB, added to the pod's.
    #[serde(default)]
    pub memory: u32,
    /// A startup probe (period 10 s, failureThreshold 30).
    #[serde(default)]
    pub startup_probe: bool,
    /// A readiness probe (period 10 s, failureThreshold 3).
    #[serde(default)]
    pub readiness_probe: bool,
    /// Seconds from its start until it answers its probes.
    #[serde(default)]
    pub startup_seconds: u32,
    /// The process exits with code 1 this many seconds after it starts.
    #[serde(default)]
    pub crashes_after_seconds: Option<u32>,
    /// Its readiness checks fail (HTTP 503) from this many seconds after it starts.
    #[serde(default)]
    pub not_ready_after_seconds: Option<u32>,
    /// A liveness probe (period 10 s, failureThreshold 3): the third failure in a row makes
    /// the kubelet kill and restart this container alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub liveness_probe: bool,
    /// Its liveness checks fail (HTTP 503) from this many seconds after it starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_fails_after_seconds: Option<u32>,
}
