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
    /// `imagePullPolicy`; unset, the API server's default for the image's tag (`Always` for
    /// `latest` or no tag, else `IfNotPresent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<ImagePullPolicy>,
    /// Its CPU request in millicores, added to the pod's (the scheduler and the node's
    /// allocated resources see the sum of a pod's app containers and sidecars). Left out (or
    /// `None`), it names no request, as in a manifest, which fails an HPA on CPU as it does in
    /// Kubernetes.
    #[serde(
        default,
        with = "super::defaults::optional_request",
        skip_serializing_if = "Option::is_none"
    )]
    pub cpu: Option<u32>,
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

/// A container's `imagePullPolicy`: when the kubelet pulls its image (Kubernetes documentation,
/// "Images", Image pull policy <https://kubernetes.io/docs/concepts/containers/images/>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImagePullPolicy {
    /// Every time a container starts: the kubelet asks the registry; layers the node already
    /// has are not downloaded again.
    Always,
    /// Only when the node does not have the image.
    IfNotPresent,
    /// Never: the image must already be on the node (`ErrImageNeverPull` otherwise).
    Never,
}

impl ImagePullPolicy {
    /// The API server's default when a container names none (`SetDefaults_Container` in
    /// `pkg/apis/core/v1/defaults.go`): `Always` for the tag `latest` or no tag at all (which
    /// means `latest`), `IfNotPresent` for any other tag or a digest.
    pub fn default_for(image: &str) -> ImagePullPolicy {
        // The tag is after the last ':' that comes after the last '/' (a registry's port is
        // before a '/'); a digest follows '@'.
        if image.contains('@') {
            return ImagePullPolicy::IfNotPresent;
        }
        let last = image.rsplit('/').next().unwrap_or(image);
        match last.rsplit_once(':') {
            Some((_, tag)) if tag != "latest" => ImagePullPolicy::IfNotPresent,
            _ => ImagePullPolicy::Always,
        }
    }

    /// `policy`, or the default for `image`.
    pub fn resolve(policy: Option<ImagePullPolicy>, image: &str) -> ImagePullPolicy {
        policy.unwrap_or_else(|| ImagePullPolicy::default_for(image))
    }

    /// The field's value as the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ImagePullPolicy::Always => "Always",
            ImagePullPolicy::IfNotPresent => "IfNotPresent",
            ImagePullPolicy::Never => "Never",
        }
    }

    /// The value of the API's field, if it is one.
    pub fn parse(s: &str) -> Option<ImagePullPolicy> {
        [
            ImagePullPolicy::Always,
            ImagePullPolicy::IfNotPresent,
            ImagePullPolicy::Never,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::ImagePullPolicy::{self, *};

    #[test]
    fn the_default_pull_policy_follows_the_tag() {
        // Kubernetes documentation, "Images", Default image pull policy.
        for (image, policy) in [
            ("nginx", Always),
            ("nginx:latest", Always),
            ("nginx:1.25", IfNotPresent),
            ("localhost:5000/web", Always),
            ("localhost:5000/web:v2", IfNotPresent),
            (
                "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:latest",
                Always,
            ),
            ("nginx@sha256:0123abcd", IfNotPresent),
        ] {
            assert_eq!(ImagePullPolicy::default_for(image), policy, "{image}");
        }
        assert_eq!(ImagePullPolicy::resolve(Some(Never), "nginx"), Never);
        assert_eq!(ImagePullPolicy::parse("IfNotPresent"), Some(IfNotPresent));
        assert_eq!(ImagePullPolicy::parse("ifnotpresent"), None);
    }
}
