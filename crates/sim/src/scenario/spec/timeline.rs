//! The timeline: what happens to the world at given moments.

use super::{
    CircuitBreakerSpec, FailureResponse, HpaSpec, K8sDeploymentSpec, K8sServiceSpec,
    TaskDefinitionSpec, defaults,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// Seconds since the scenario started.
    pub at: f64,
    pub action: Action,
    /// What the presenter may say at this moment: shown in the app's presenter view only,
    /// never to the class.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// `aws ecs update-service`: a new task definition, desired count or deployment settings.
    UpdateService {
        service: String,
        #[serde(default)]
        task_definition: Option<String>,
        #[serde(default)]
        desired_count: Option<u32>,
        #[serde(default)]
        force_new_deployment: bool,
        #[serde(default)]
        minimum_healthy_percent: Option<u32>,
        #[serde(default)]
        maximum_percent: Option<u32>,
        /// `deploymentCircuitBreaker` in `--deployment-configuration`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        circuit_breaker: Option<CircuitBreakerSpec>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        health_check_grace_period_seconds: Option<u32>,
    },
    /// `aws ecs stop-task` on running tasks of a service.
    StopTask {
        service: String,
        #[serde(default = "defaults::one")]
        count: u32,
    },
    /// `aws ecs stop-task --task <id>`: one task, by its id (task ids are deterministic for a
    /// scenario and seed, so a saved session can name them).
    StopTaskById {
        task: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// Running tasks of a service start failing their health checks (a dependency went down).
    FailHealthChecks {
        service: String,
        #[serde(default)]
        revision: Option<u32>,
        /// Share of the running tasks hit, 0 to 1.
        #[serde(default = "defaults::fraction")]
        fraction: f64,
        #[serde(default)]
        response: FailureResponse,
        /// Seconds until the application recovers; never if left out.
        #[serde(default)]
        recover_after: Option<f64>,
    },
    /// The application of a service's running tasks (optionally of one revision) answers its
    /// health checks again, and the revision's new tasks start healthy: whatever made it fail
    /// (a fault, or the revision's own behaviour) is fixed.
    RecoverHealthChecks {
        service: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        revision: Option<u32>,
    },
    /// The offered load (requests per second) of a service or Deployment changes to `rps`,
    /// ramping over 10 seconds; the scripted load curve after this moment is replaced.
    SetLoad {
        target: String,
        rps: f64,
    },
    /// An essential container of running tasks exits.
    ContainerExits {
        service: String,
        #[serde(default = "defaults::one")]
        count: u32,
        #[serde(default = "defaults::exit_code")]
        exit_code: i32,
    },
    /// Fargate Spot reclaims capacity: `count` running FARGATE_SPOT tasks of the service are
    /// interrupted (two-minute warning).
    SpotInterruption {
        service: String,
        #[serde(default = "defaults::one")]
        count: u32,
    },
    /// An EC2 container instance is terminated.
    TerminateInstance {
        instance: String,
    },
    /// `aws ecs update-container-instances-state --status DRAINING`: nothing new is placed on
    /// the instance and its service tasks are replaced within the deployment configuration.
    DrainInstance {
        instance: String,
    },
    /// `aws ecs update-container-instances-state --status ACTIVE`: a DRAINING instance takes
    /// tasks again.
    ActivateInstance {
        instance: String,
    },
    /// EC2 reclaims a Spot Instance: a two-minute interruption notice, then termination.
    SpotInstanceInterruption {
        instance: String,
    },
    /// An Availability Zone loses connectivity: its targets fail health checks and nothing new
    /// is placed there.
    ZoneOutage {
        zone: String,
    },
    ZoneRecovers {
        zone: String,
    },
    /// `kubectl set image deployment/<deployment> <container>=<image>`.
    SetImage {
        deployment: String,
        image: String,
    },
    /// `kubectl scale deployment/<deployment> --replicas=N`.
    ScaleDeployment {
        deployment: String,
        replicas: u32,
    },
    /// `kubectl rollout undo deployment/<deployment> [--to-revision=N]`.
    RolloutUndo {
        deployment: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_revision: Option<u32>,
    },
    /// `kubectl rollout restart deployment/<deployment>`: a new ReplicaSet of the same
    /// template rolls out.
    RolloutRestart {
        deployment: String,
    },
    /// `kubectl rollout pause deployment/<deployment>`.
    RolloutPause {
        deployment: String,
    },
    /// `kubectl rollout resume deployment/<deployment>`.
    RolloutResume {
        deployment: String,
    },
    /// `kubectl delete pod <pod>` (pod names come from the run: the same scenario and seed give
    /// the same names).
    DeletePod {
        pod: String,
    },
    /// `kubectl autoscale deployment/<deployment> --min=N --max=M --cpu-percent=P`: a
    /// HorizontalPodAutoscaler for the Deployment (its settings replaced if it has one).
    Autoscale {
        deployment: String,
        #[serde(default = "defaults::one")]
        min_replicas: u32,
        max_replicas: u32,
        #[serde(default = "defaults::hpa_target")]
        target_cpu_utilization: u32,
    },
    /// `kubectl cordon <node>`.
    CordonNode {
        node: String,
    },
    /// `kubectl uncordon <node>`.
    UncordonNode {
        node: String,
    },
    /// `kubectl drain <node> --ignore-daemonsets`: cordon it and evict its pods but the
    /// DaemonSets' (those stay, as kubectl leaves them).
    DrainNode {
        node: String,
    },
    /// `aws ecs register-task-definition`: a new revision of a family, which `UpdateService`
    /// may then name.
    RegisterTaskDefinition {
        task_definition: TaskDefinitionSpec,
    },
    /// `kubectl apply -f` of a Deployment that exists: its spec becomes `spec` (`service`,
    /// `hpa` and `load` left out; a Service and an HPA are applied on their own). A changed pod
    /// template rolls out a new ReplicaSet, as the deployment controller does; rollout
    /// settings and the replica count change in place. With `keep_replicas` the manifest left
    /// `spec.replicas` out and the current count stays.
    ApplyDeployment {
        spec: K8sDeploymentSpec,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        keep_replicas: bool,
    },
    /// `kubectl apply -f` of a Service selecting a Deployment's pods: it is created, or its
    /// type and port change.
    ApplyService {
        deployment: String,
        service: K8sServiceSpec,
    },
    /// `kubectl apply -f` of a HorizontalPodAutoscaler (autoscaling/v2, CPU utilization) on a
    /// Deployment: it is created, or its bounds and target change.
    ApplyHpa {
        name: String,
        deployment: String,
        hpa: HpaSpec,
    },
    /// A caption for the learner, shown in the event log.
    Note(String),
}

impl Action {
    /// Whether the action works on the EKS part of the world.
    pub fn is_eks(&self) -> bool {
        matches!(
            self,
            Action::SetImage { .. }
                | Action::ScaleDeployment { .. }
                | Action::RolloutUndo { .. }
                | Action::Autoscale { .. }
                | Action::RolloutRestart { .. }
                | Action::RolloutPause { .. }
                | Action::RolloutResume { .. }
                | Action::DeletePod { .. }
                | Action::CordonNode { .. }
                | Action::UncordonNode { .. }
                | Action::DrainNode { .. }
                | Action::ApplyDeployment { .. }
                | Action::ApplyService { .. }
                | Action::ApplyHpa { .. }
        )
    }

    /// Whether the action works on either part (it names a service or a Deployment).
    pub fn is_either(&self) -> bool {
        matches!(self, Action::SetLoad { .. })
    }
}
