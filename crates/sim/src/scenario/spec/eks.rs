//! The EKS world: managed node groups, Fargate profiles, Deployments, the images they run,
//! Services, the HPA and Karpenter's NodePool.

use super::sidecars::{ContainerRestartPolicy, ImagePullPolicy, K8sAppContainerSpec};
use super::{ClusterSpec, EcrSpec, EksSecuritySpec, IamSpec, LoadSpec, defaults};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EksWorld {
    pub cluster: ClusterSpec,
    /// Managed node groups (EC2 instances joined as nodes).
    #[serde(default)]
    pub node_groups: Vec<NodeGroupSpec>,
    /// Fargate profiles: the Deployments they select run one pod per Fargate node.
    #[serde(default)]
    pub fargate_profiles: Vec<FargateProfileSpec>,
    pub deployments: Vec<K8sDeploymentSpec>,
    /// DaemonSets of the scenario: one pod on every EC2 node (EKS's own, aws-node,
    /// kube-proxy and CoreDNS, are always there).
    #[serde(default)]
    pub daemon_sets: Vec<DaemonSetSpec>,
    /// StatefulSets of the scenario (stable names, a claim per pod).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stateful_sets: Vec<super::StatefulSetSpec>,
    /// The EKS Pod Identity Agent add-on (`eks-pod-identity-agent`, a DaemonSet in
    /// kube-system) is installed.
    #[serde(default)]
    pub pod_identity_agent: bool,
    /// The Amazon CloudWatch Observability add-on (`amazon-cloudwatch-observability`: the
    /// CloudWatch agent and Fluent Bit as DaemonSets) is installed: Container Insights
    /// publishes node and pod metrics once a minute.
    #[serde(default)]
    pub cloudwatch_observability: bool,
    /// metrics-server (the Kubernetes Metrics API that `kubectl top` and the HPA read) is
    /// installed; Orca's default. `false` is an EKS cluster as it comes: `kubectl top` answers
    /// `error: Metrics API not available` and an HPA on CPU `<unknown>`, until `aws eks
    /// create-addon --addon-name metrics-server`.
    #[serde(default = "defaults::yes")]
    pub metrics_server: bool,
    /// How each image behaves; an image not listed here starts and serves normally.
    #[serde(default)]
    pub images: Vec<ImageSpec>,
    /// A Service in front of the first Deployment (its endpoints are the ready pods).
    #[serde(default)]
    pub service: Option<K8sServiceSpec>,
    /// Run the Cluster Autoscaler on the node groups (within their min/max).
    #[serde(default)]
    pub cluster_autoscaler: bool,
    /// A Karpenter NodePool: Karpenter launches right-sized nodes for unschedulable pods and
    /// consolidates them (an alternative to `cluster_autoscaler`, not a companion).
    #[serde(default)]
    pub karpenter: Option<NodePoolSpec>,
    /// Amazon ECR: repositories the pod specs' images may name.
    #[serde(default, skip_serializing_if = "EcrSpec::is_empty")]
    pub ecr: EcrSpec,
    /// PodDisruptionBudgets: the Eviction API (`kubectl drain`, the Cluster Autoscaler,
    /// Karpenter) keeps to them.
    #[serde(default)]
    pub pod_disruption_budgets: Vec<super::PdbSpec>,
    /// The cluster's Kubernetes version (`"1.33"`): some messages changed between versions.
    /// None: 1.33.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<String>,
    /// StorageClasses (none: claims cannot be provisioned).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage_classes: Vec<super::StorageClassSpec>,
    /// Amazon EFS file systems in the cluster's VPC, with their mount targets (what EFS
    /// StorageClasses provision access points on).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub efs_file_systems: Vec<super::EfsFileSystemSpec>,
    /// The Amazon EFS CSI driver add-on (`aws-efs-csi-driver`: the `efs-csi-controller`
    /// Deployment and the `efs-csi-node` DaemonSet) is installed. Without it nothing
    /// provisions or mounts a volume of `efs.csi.aws.com`.
    #[serde(default)]
    pub efs_csi_driver: bool,
    /// PersistentVolumeClaims the Deployments' pods may mount.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persistent_volume_claims: Vec<super::PersistentVolumeClaimSpec>,
    /// PersistentVolumes written by hand (static provisioning: an EFS file system, a
    /// directory of it or an access point); the PV controller binds claims to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persistent_volumes: Vec<super::PersistentVolumeSpec>,
    /// Roles, the node role and instance metadata, service accounts (IRSA), Pod Identity
    /// associations and the application's AWS calls.
    #[serde(
        default,
        skip_serializing_if = "crate::scenario::spec::IamSpec::is_empty"
    )]
    pub iam: IamSpec,
    /// Control plane logging and GuardDuty EKS Protection.
    #[serde(
        default,
        skip_serializing_if = "crate::scenario::spec::EksSecuritySpec::is_empty"
    )]
    pub security: EksSecuritySpec,
}

/// A Karpenter `NodePool` (karpenter.sh/v1). Defaults are Karpenter's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodePoolSpec {
    /// `metadata.name`; NodeClaims are named `<name>-<5 random characters>`.
    #[serde(default = "defaults::node_pool_name")]
    pub name: String,
    /// The `node.kubernetes.io/instance-type In [...]` requirement. Default: the c, m and r
    /// types Orca knows, as the `instance-category In [c, m, r]` of Karpenter's example pool.
    #[serde(default = "defaults::karpenter_instance_types")]
    pub instance_types: Vec<String>,
    /// `limits.cpu` in vCPUs over every node of the pool; none means no limit.
    #[serde(default)]
    pub cpu_limit: Option<u32>,
    /// `disruption.consolidationPolicy`.
    #[serde(default)]
    pub consolidation_policy: ConsolidationPolicy,
    /// `disruption.consolidateAfter` in seconds (Karpenter default 0s): how long a node must
    /// see no pod arrive or leave before it may be consolidated.
    #[serde(default)]
    pub consolidate_after: u32,
    /// `disruption.budgets[0].nodes`: how many nodes may be disrupted at once, a count ("2")
    /// or a percentage of the pool's nodes rounded up ("10%", the default).
    #[serde(default = "defaults::budget_nodes")]
    pub budget_nodes: String,
    /// `template.spec.expireAfter` in seconds (Karpenter default 720h; `None` is `Never`): a
    /// NodeClaim that old is deleted and its node drained, whatever the budgets say.
    #[serde(default = "defaults::expire_after")]
    pub expire_after: Option<u64>,
    /// The AMI its EC2NodeClass selects (`amiSelectorTerms: [{id: ...}]`): NodeClaims are
    /// launched from it, and an `UpdateEc2NodeClass` that changes it makes them `Drifted`.
    #[serde(default = "defaults::karpenter_ami_id")]
    pub ami_id: String,
    /// `karpenter.sh/capacity-type In [spot]`: NodeClaims are Spot instances (default
    /// on-demand).
    #[serde(default)]
    pub spot: bool,
    /// Karpenter's `settings.interruptionQueue` is set: an SQS queue fed by EventBridge with
    /// EC2 Spot interruption warnings, so Karpenter drains a Spot node as soon as the warning
    /// comes. Without it the node just disappears when EC2 interrupts the instance.
    #[serde(default)]
    pub interruption_queue: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ConsolidationPolicy {
    /// Only nodes without (non-DaemonSet) pods are removed.
    WhenEmpty,
    /// Empty nodes, and nodes whose pods fit elsewhere, are removed.
    #[default]
    WhenEmptyOrUnderutilized,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargateProfileSpec {
    pub name: String,
    /// The Deployments whose pods the profile selects.
    pub deployments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeGroupSpec {
    pub name: String,
    pub instance_type: String,
    #[serde(default = "defaults::one")]
    pub count: u32,
    /// Bounds for the Cluster Autoscaler (default: the group's count).
    #[serde(default)]
    pub min: Option<u32>,
    #[serde(default)]
    pub max: Option<u32>,
}

/// `maxSurge` / `maxUnavailable`: a number of pods or a percentage of replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Amount {
    Count(u32),
    Percent(u32),
}

impl Default for Amount {
    fn default() -> Self {
        Amount::Percent(25)
    }
}

/// The rollout's IntOrString, as the scenario build and `kubectl apply` both need it.
impl From<Amount> for crate::k8s::rollout::IntOrPercent {
    fn from(a: Amount) -> Self {
        match a {
            Amount::Count(n) => Self::Int(n),
            Amount::Percent(p) => Self::Percent(p),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sDeploymentSpec {
    pub name: String,
    /// `spec.replicas` (Kubernetes default 1).
    #[serde(default = "defaults::one")]
    pub replicas: u32,
    #[serde(default)]
    pub max_surge: Amount,
    #[serde(default)]
    pub max_unavailable: Amount,
    #[serde(default)]
    pub min_ready_seconds: u32,
    #[serde(default = "defaults::progress_deadline")]
    pub progress_deadline_seconds: u32,
    /// `RollingUpdate` (the default, using max_surge/max_unavailable) or `Recreate`.
    #[serde(default)]
    pub strategy: K8sStrategy,
    /// Old ReplicaSets kept for `rollout undo` (Kubernetes default 10).
    #[serde(default = "defaults::revision_history_limit")]
    pub revision_history_limit: u32,
    pub container: K8sContainerSpec,
    /// `initContainers`: run one after the other, each to completion, before the container
    /// (a native sidecar, `restart_policy: Always`, is started and keeps running).
    #[serde(default)]
    pub init_containers: Vec<K8sInitContainerSpec>,
    /// The pod's further app containers, after `container` (`spec.containers[1..]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<K8sAppContainerSpec>,
    /// A Service selecting this Deployment's pods.
    #[serde(default)]
    pub service: Option<K8sServiceSpec>,
    /// A HorizontalPodAutoscaler on CPU utilization.
    #[serde(default)]
    pub hpa: Option<HpaSpec>,
    /// The demand the Deployment serves, which sets its pods' CPU utilization.
    #[serde(default)]
    pub load: Option<LoadSpec>,
    /// A PersistentVolumeClaim the pod template mounts (`volumes[].persistentVolumeClaim`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persistent_volume_claim: Option<String>,
}

/// An init container of a pod template, and how its process behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sInitContainerSpec {
    pub name: String,
    pub image: String,
    /// `imagePullPolicy`; unset, the API server's default for the image's tag (`Always` for
    /// `latest` or no tag, else `IfNotPresent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<ImagePullPolicy>,
    /// Seconds the process runs before it exits (waiting for a database, a migration…).
    #[serde(default = "defaults::init_runs_seconds")]
    pub runs_seconds: u32,
    /// Its exit code: 0 completes it; anything else fails it, and the kubelet runs it again
    /// after a back-off.
    #[serde(default)]
    pub exit_code: i32,
    /// Its CPU request in millicores: a sidecar's adds to the pod's app containers' (it runs
    /// beside them); an ordinary init container's counts only while it runs, so the pod
    /// requests the larger of the two (see `engine::build::pod_requests`).
    /// Left out (or `None`), it names no request, as in a manifest: that fails an HPA on CPU
    /// when the container is a native sidecar (Kubernetes reads the app containers' and the
    /// sidecars' requests).
    #[serde(
        default,
        with = "defaults::optional_request",
        skip_serializing_if = "Option::is_none"
    )]
    pub cpu: Option<u32>,
    /// Its memory request in MiB, counted the same way.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub memory: u32,
    /// `restartPolicy: Always` makes it a native sidecar: started in its turn, it keeps
    /// running beside the app containers (the fields below describe its process).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<ContainerRestartPolicy>,
    /// A sidecar's startup probe: the next init container waits until it passes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub startup_probe: bool,
    /// A sidecar's readiness probe: the pod is Ready only while it passes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub readiness_probe: bool,
    /// Seconds from a sidecar's start until it answers its probes.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub startup_seconds: u32,
    /// A sidecar's process exits with code 1 this many seconds after it starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crashes_after_seconds: Option<u32>,
    /// A sidecar's readiness checks fail (HTTP 503) from this many seconds after it starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_ready_after_seconds: Option<u32>,
    /// A sidecar's liveness probe (period 10 s, failureThreshold 3): the third failure in a
    /// row makes the kubelet kill and restart the sidecar alone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub liveness_probe: bool,
    /// A sidecar's liveness checks fail (HTTP 503) from this many seconds after it starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness_fails_after_seconds: Option<u32>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A DaemonSet (apps/v1): one pod on every EC2 node that it may run on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaemonSetSpec {
    pub name: String,
    pub container: K8sContainerSpec,
    /// `updateStrategy.rollingUpdate.maxUnavailable` (Kubernetes default 1; a percentage of
    /// the nodes rounds up).
    #[serde(default = "daemon_set_max_unavailable")]
    pub max_unavailable: Amount,
}

/// A DaemonSet's `maxUnavailable` (apps/v1 default: 1).
fn daemon_set_max_unavailable() -> Amount {
    Amount::Count(1)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaSpec {
    #[serde(default = "defaults::one")]
    pub min_replicas: u32,
    pub max_replicas: u32,
    /// Average CPU utilization target, percent of the request (Kubernetes default 80).
    #[serde(default = "defaults::hpa_target")]
    pub target_cpu_utilization: u32,
    /// `spec.behavior`. Present (even empty), the API server fills in its defaults and the
    /// HPA scales by its policies; absent, the controller takes its older path: at most
    /// max(2 × current, 4) replicas per sync.
    #[serde(default)]
    pub behavior: Option<HpaBehaviorSpec>,
}

/// `spec.behavior` of an HPA: what is left out takes the Kubernetes default.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaBehaviorSpec {
    #[serde(default)]
    pub scale_up: Option<HpaScalingRulesSpec>,
    #[serde(default)]
    pub scale_down: Option<HpaScalingRulesSpec>,
}

/// `HPAScalingRules`. Defaults: scale up with no stabilization, Max of Pods 4 and Percent 100
/// per 15 s; scale down with a 300 s window, Max of Percent 100 per 15 s.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HpaScalingRulesSpec {
    #[serde(default)]
    pub stabilization_window_seconds: Option<u32>,
    #[serde(default)]
    pub select_policy: Option<HpaSelectPolicy>,
    #[serde(default)]
    pub policies: Option<Vec<HpaPolicySpec>>,
    /// This direction's tolerance (Kubernetes 1.33+; the controller's 0.1 otherwise).
    #[serde(default)]
    pub tolerance: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HpaSelectPolicy {
    /// The policy that allows the biggest change (the default).
    Max,
    /// The policy that allows the smallest change.
    Min,
    /// No scaling in this direction.
    Disabled,
}

/// `HPAScalingPolicy`: `Pods(value: 4, period_seconds: 15)` or
/// `Percent(value: 100, period_seconds: 15)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HpaPolicySpec {
    Pods { value: u32, period_seconds: u32 },
    Percent { value: u32, period_seconds: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum K8sStrategy {
    #[default]
    RollingUpdate,
    Recreate,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sContainerSpec {
    pub name: String,
    pub image: String,
    /// `imagePullPolicy`; unset, the API server's default for the image's tag (`Always` for
    /// `latest` or no tag, else `IfNotPresent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_pull_policy: Option<ImagePullPolicy>,
    /// CPU request in millicores (`cpu: 250`); left out, Orca's default of 250m. `cpu: None`
    /// names no request, as a manifest without `resources.requests.cpu`: the scheduler counts
    /// 0m and an HPA on CPU utilization cannot compute it (`FailedGetResourceMetric`).
    #[serde(
        default = "defaults::cpu_request_named",
        with = "defaults::optional_request"
    )]
    pub cpu: Option<u32>,
    /// Memory request in MiB.
    #[serde(default = "defaults::memory_request")]
    pub memory: u32,
    #[serde(default = "defaults::k8s_port")]
    pub port: u16,
    /// An HTTP readiness probe with the Kubernetes defaults (period 10 s, failureThreshold 3).
    #[serde(default)]
    pub readiness_probe: bool,
    /// An HTTP liveness probe with the Kubernetes defaults.
    #[serde(default)]
    pub liveness_probe: bool,
    /// A startup probe (failureThreshold 30, period 10 s): the other probes wait for it.
    #[serde(default)]
    pub startup_probe: bool,
}

/// How the application in an image behaves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImageSpec {
    pub image: String,
    /// Seconds from container start until the app answers probes.
    #[serde(default = "defaults::k8s_startup")]
    pub startup_seconds: u32,
    #[serde(default)]
    pub readiness_fails_with: Option<u16>,
    #[serde(default)]
    pub liveness_fails_with: Option<u16>,
    /// The process exits with code 1 this many seconds after it starts (a bad config).
    #[serde(default)]
    pub crashes_after_seconds: Option<u32>,
    /// The tag does not exist in the registry.
    #[serde(default)]
    pub missing: bool,
    /// The process exceeds its memory limit this many seconds after starting (OOMKilled).
    #[serde(default)]
    pub oom_after_seconds: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum K8sServiceType {
    #[default]
    ClusterIP,
    LoadBalancer,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct K8sServiceSpec {
    pub name: String,
    /// `ClusterIP` (the default) or `LoadBalancer`.
    #[serde(default)]
    pub service_type: K8sServiceType,
    #[serde(default = "defaults::port")]
    pub port: u16,
}

#[cfg(test)]
mod tests {
    use crate::scenario::spec::WorldSpec;
    use crate::scenario::{parse, to_ron};

    fn scenario(container: &str) -> String {
        format!(
            "(version: 1, title: \"t\", seed: 1, duration: 60,
world: Eks(cluster: (name: \"demo\", availability_zones: [\"us-east-1a\"]),
node_groups: [(name: \"ng\", instance_type: \"m5.large\", count: 1)],
deployments: [(name: \"web\", replicas: 1, container: {container})]))"
        )
    }

    fn cpu_of(container: &str) -> Result<Option<u32>, String> {
        let s = parse("t.ron", &scenario(container)).map_err(|e| e.to_string())?;
        match &s.world {
            WorldSpec::Eks(w) => Ok(w.deployments[0].container.cpu),
            _ => Err("not EKS".into()),
        }
    }

    #[test]
    fn a_cpu_request_is_a_number_none_or_left_out() {
        let c = |cpu: &str| format!("(name: \"web\", image: \"web:v1\"{cpu})");
        assert_eq!(cpu_of(&c(", cpu: 300")), Ok(Some(300)));
        assert_eq!(cpu_of(&c(", cpu: Some(300)")), Ok(Some(300)));
        assert_eq!(cpu_of(&c(", cpu: None")), Ok(None));
        // Left out: Orca's default request.
        assert_eq!(cpu_of(&c("")), Ok(Some(250)));
        let err = cpu_of(&c(", cpu: \"lots\"")).expect_err("a string is no request");
        assert!(
            err.contains("t.ron:4:") && err.contains("or None for no request"),
            "{err}"
        );
        let err = cpu_of(&c(", cpu: -5")).expect_err("negative");
        assert!(err.contains("t.ron:4:"), "{err}");
    }

    #[test]
    fn a_missing_request_is_written_back_as_none() {
        let s = parse(
            "t.ron",
            &scenario("(name: \"web\", image: \"web:v1\", cpu: None)"),
        )
        .expect("valid");
        let text = to_ron(&s).expect("writes");
        assert!(text.contains("cpu: None"), "{text}");
        let again = parse("t.ron", &text).expect("reads back");
        assert_eq!(again.world, s.world);
        let s = parse("t.ron", &scenario("(name: \"web\", image: \"web:v1\")")).expect("valid");
        let text = to_ron(&s).expect("writes");
        assert!(text.contains("cpu: 250"), "{text}");
    }
}
