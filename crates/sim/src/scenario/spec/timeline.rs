//! The timeline: what happens to the world at given moments.

use super::{
    CircuitBreakerSpec, FailureResponse, HpaSpec, HttpTokens, K8sDeploymentSpec, K8sServiceSpec,
    StatementSpec, TaskDefinitionSpec, TrustSpec, defaults,
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
        /// `--volume-configurations`: new settings for the EBS volume each task gets (a change
        /// starts a new deployment).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        volume_configurations: Option<Vec<super::ServiceVolumeConfigurationSpec>>,
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
    /// `aws servicediscovery update-instance-custom-health-status`: a health status for a task's
    /// Cloud Map instance, as a custom health checker sends it; Cloud Map applies it about 30 s
    /// later. `registry` is the Cloud Map service's DNS name, `instance` the task id.
    UpdateInstanceCustomHealthStatus {
        registry: String,
        instance: String,
        status: super::CustomHealthStatus,
    },
    /// `aws ecs run-task`: standalone tasks of a task definition, outside any service (a batch
    /// job, a database migration). Placed once each, never replaced.
    RunTask {
        /// `family:revision`.
        task_definition: String,
        #[serde(default = "defaults::one")]
        count: u32,
        /// `Ec2` unless given (the cluster's instances) or a capacity provider strategy is;
        /// `Fargate` needs the awsvpc network mode.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        launch_type: Option<super::LaunchType>,
        /// `--capacity-provider-strategy`, instead of a launch type: which capacity provider
        /// each task goes to (`base`, then `weight`). A task that fits no instance of an Auto
        /// Scaling group provider with managed scaling waits in PROVISIONING for one.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        capacity_provider_strategy: Vec<super::CapacityProviderItem>,
        /// The task group (`family:NAME` unless given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        /// `--started-by`: who started it (shown as `startedBy`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        started_by: Option<String>,
        /// `--overrides`: another task role or execution role, other sizes, a command or
        /// environment variables for these tasks only.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        overrides: Option<super::TaskOverrideSpec>,
    },
    /// `aws ecs start-task`: one standalone task of a task definition on each container
    /// instance named (by its name in the scenario), with no placement strategy.
    StartTask {
        /// `family:revision`.
        task_definition: String,
        /// The container instances, one task on each (1–10).
        container_instances: Vec<String>,
        /// The task group (`family:NAME` unless given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        /// `--started-by`: who started it (shown as `startedBy`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        started_by: Option<String>,
        /// `--overrides`, as for `RunTask`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        overrides: Option<super::TaskOverrideSpec>,
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
    /// `kubectl set resources deployment/<deployment> --requests=cpu=<cpu>m,memory=<memory>Mi`:
    /// new requests for the first container (a new revision rolls out). Give `cpu`, `memory`
    /// or both, in millicores and MiB.
    SetResources {
        deployment: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cpu: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        memory: Option<u32>,
    },
    /// `aws eks create-addon --addon-name <name>`: Orca installs `metrics-server` (the Metrics
    /// API that `kubectl top` and the HPA read), ACTIVE a minute later.
    CreateAddon {
        name: String,
    },
    /// `aws eks update-cluster-config --logging '{"clusterLogging":[{"types":[…],"enabled":…}]}'`:
    /// turn control plane log types on or off; from then on what they record goes to (or no
    /// longer goes to) CloudWatch Logs.
    UpdateClusterLogging {
        types: Vec<super::LogType>,
        enabled: bool,
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
    /// `kubectl patch statefulset <stateful_set>`: a new image (a new revision rolls out from
    /// the highest ordinal down), a replica count, or the RollingUpdate `partition`; what is
    /// left out stays.
    UpdateStatefulSet {
        stateful_set: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        replicas: Option<u32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partition: Option<u32>,
    },
    /// `kubectl delete pod <pod>` (pod names come from the run: the same scenario and seed give
    /// the same names).
    DeletePod {
        pod: String,
    },
    /// `aws efs create-mount-target` for an EFS file system of the EKS world in a subnet of
    /// `zone`: the mount target is `available` some time later, and nodes there can mount it.
    CreateMountTarget {
        file_system_id: String,
        zone: String,
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
        spec: Box<K8sDeploymentSpec>,
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
    /// `aws ecr put-image`: a push to a repository of the scenario's registry — a new image
    /// (with `tag`, or untagged), or with `image_digest` the tag put on an image that is there.
    PushImage {
        repository: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image_digest: Option<String>,
        #[serde(default = "defaults::image_size_mib")]
        size_mib: f64,
        /// The packages inside the new image (`name version`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        packages: Vec<String>,
    },
    /// `aws ecr batch-delete-image` of one image id: a tag (only the tag comes off an image
    /// that has others) or a digest (the image goes).
    DeleteImage {
        repository: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image_digest: Option<String>,
    },
    /// `aws ecr start-image-scan` (basic scanning: one scan per image per 24 hours).
    StartImageScan {
        repository: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image_digest: Option<String>,
    },
    /// `kubectl apply -f` of a PodDisruptionBudget (policy/v1): it is created, or its
    /// `minAvailable`/`maxUnavailable` and selector change.
    ApplyPdb {
        pdb: super::PdbSpec,
    },
    /// `aws deploy create-deployment` for a service with the CodeDeploy deployment controller:
    /// an AppSpec whose `TargetService` runs `task_definition` (`family:revision`).
    CreateDeployment {
        service: String,
        task_definition: String,
    },
    /// `aws ecs continue-service-deployment --action CONTINUE|ROLLBACK` on the paused hook of
    /// the service's deployment (ECS BLUE_GREEN, LINEAR or CANARY strategy).
    ContinueServiceDeployment {
        service: String,
        /// `CONTINUE` (the API's default) or `ROLLBACK`.
        #[serde(default = "super::continue_by_default")]
        action: super::HookTimeoutAction,
    },
    /// `aws ecs stop-service-deployment --stop-type ROLLBACK` of the service's deployment in
    /// progress (ECS BLUE_GREEN, LINEAR or CANARY strategy).
    StopServiceDeployment {
        service: String,
    },
    /// `aws deploy stop-deployment [--auto-rollback-enabled]` of the service's CodeDeploy
    /// deployment in progress.
    StopDeployment {
        service: String,
        #[serde(default)]
        auto_rollback: bool,
    },
    /// `aws deploy continue-deployment --deployment-wait-type …`: the service's CodeDeploy
    /// deployment ends a wait — `TerminationWait` (the default): the wait before the original
    /// task set is terminated; `ReadyWait`: the replacement is ready and traffic is rerouted
    /// now (a deployment group with `ready_wait_minutes`).
    ContinueDeployment {
        service: String,
        #[serde(default)]
        wait_type: DeploymentWaitType,
    },
    /// `aws ec2 modify-instance-metadata-options` on every instance (or node) of the cluster:
    /// `--http-put-response-hop-limit` and `--http-tokens`. Takes effect at once.
    ModifyInstanceMetadataOptions {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hop_limit: Option<u8>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        http_tokens: Option<HttpTokens>,
    },
    /// `aws iam put-role-policy`: the role's statements become `statements`.
    PutRolePolicy {
        role: String,
        statements: Vec<StatementSpec>,
        /// The `--policy-document` argument as it was typed at the console (`file://web.json`
        /// or the JSON itself), for the command line the log shows; left out, the line says
        /// `file://policy.json`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        document: Option<String>,
    },
    /// `aws iam update-assume-role-policy`: the role's trust becomes `trust`.
    UpdateAssumeRolePolicy {
        role: String,
        trust: TrustSpec,
        /// As for `PutRolePolicy`; left out, the line says `file://trust.json`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        document: Option<String>,
    },
    /// `kubectl annotate serviceaccount <name> eks.amazonaws.com/role-arn=<arn> --overwrite`
    /// (or `…/role-arn-` to remove it, `role_arn` left out). Only pods created afterwards see
    /// it.
    AnnotateServiceAccount {
        service_account: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role_arn: Option<String>,
    },
    /// `kubectl create serviceaccount <name>` in the `default` namespace, without annotations
    /// (an annotation that follows gives it IRSA's role). Creating one that exists changes
    /// nothing (the console refuses it as kubectl does).
    CreateServiceAccount {
        service_account: String,
    },
    /// `aws eks create-pod-identity-association` for a service account of the `default`
    /// namespace. Only pods created afterwards see it.
    CreatePodIdentityAssociation {
        service_account: String,
        role_arn: String,
    },
    /// `aws eks delete-pod-identity-association` of the association of a service account (of
    /// `namespace`, `default` unless given). Pods created afterwards get no Pod Identity; pods
    /// that already run keep the credentials they were given (the role session stays valid
    /// until it expires, Amazon EKS API Reference, DeletePodIdentityAssociation).
    DeletePodIdentityAssociation {
        service_account: String,
        #[serde(default = "default_namespace")]
        namespace: String,
    },
    /// `kubectl exec -n <namespace> <pod> -- sh`: someone opens a shell in a pod.
    ExecIntoPod {
        pod: String,
        #[serde(default = "default_namespace")]
        namespace: String,
    },
    /// A container of a pod does something at run time (`pod`: a pod's name or
    /// `deploy/<name>`, the Deployment's first running pod; with `node_group`, its first
    /// running pod on a node of that group). GuardDuty Runtime Monitoring sees it only where
    /// its agent runs.
    RuntimeActivity {
        pod: String,
        #[serde(default = "default_namespace")]
        namespace: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node_group: Option<String>,
        activity: super::ContainerActivity,
    },
    /// A container of the ECS service's first RUNNING task does something at run time;
    /// GuardDuty Runtime Monitoring sees it only when its agent sidecar runs in that task.
    TaskRuntimeActivity {
        service: String,
        activity: super::ContainerActivity,
    },
    /// `aws guardduty update-detector --features …` on an ECS world's detector: turn Runtime
    /// Monitoring and its automated agent configuration for Fargate on or off (a feature left
    /// out stays as it is).
    UpdateDetector {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        runtime_monitoring: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ecs_fargate_agent_management: Option<bool>,
    },
    /// `kubectl create clusterrolebinding <name> --clusterrole=<cluster_role> --user=<user>`.
    CreateClusterRoleBinding {
        name: String,
        cluster_role: String,
        user: String,
    },
    /// `kubectl delete clusterrolebinding <name>`: the role's grant ends.
    DeleteClusterRoleBinding {
        name: String,
    },
    /// `kubectl apply -f` of the Karpenter NodePool's EC2NodeClass with `amiSelectorTerms:
    /// [{id: <ami_id>}]`: NodeClaims launched from another AMI become `Drifted` and Karpenter
    /// replaces them.
    UpdateEc2NodeClass {
        ami_id: String,
    },
    /// EC2 sends a Spot Instance interruption warning for the instance of the Karpenter
    /// NodeClaim created `nodeclaim`-th (0 is the first Karpenter launched); the instance is
    /// interrupted 2 minutes later. Needs a Spot NodePool (`spot: true`).
    SpotInterruptNodeClaim {
        nodeclaim: u32,
    },
    /// A caption for the learner, shown in the event log.
    Note(String),
}

fn default_namespace() -> String {
    "default".into()
}

/// `deploymentWaitType` of `ContinueDeployment` (CodeDeploy API Reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DeploymentWaitType {
    /// `READY_WAIT`: reroute traffic to the replacement task set now.
    ReadyWait,
    /// `TERMINATION_WAIT`: terminate the original task set now.
    #[default]
    TerminationWait,
}

impl DeploymentWaitType {
    pub fn as_api(self) -> &'static str {
        match self {
            DeploymentWaitType::ReadyWait => "READY_WAIT",
            DeploymentWaitType::TerminationWait => "TERMINATION_WAIT",
        }
    }
}

impl Action {
    /// Whether the action works on the EKS part of the world.
    pub fn is_eks(&self) -> bool {
        matches!(
            self,
            Action::SetImage { .. }
                | Action::SetResources { .. }
                | Action::CreateAddon { .. }
                | Action::UpdateClusterLogging { .. }
                | Action::ScaleDeployment { .. }
                | Action::RolloutUndo { .. }
                | Action::Autoscale { .. }
                | Action::RolloutRestart { .. }
                | Action::RolloutPause { .. }
                | Action::RolloutResume { .. }
                | Action::DeletePod { .. }
                | Action::CreateMountTarget { .. }
                | Action::UpdateStatefulSet { .. }
                | Action::CordonNode { .. }
                | Action::UncordonNode { .. }
                | Action::DrainNode { .. }
                | Action::ApplyDeployment { .. }
                | Action::ApplyService { .. }
                | Action::ApplyHpa { .. }
                | Action::ApplyPdb { .. }
                | Action::UpdateEc2NodeClass { .. }
                | Action::SpotInterruptNodeClaim { .. }
                | Action::RuntimeActivity { .. }
                | Action::DeleteClusterRoleBinding { .. }
        )
    }

    /// Whether the action works on either part (it names a service or a Deployment).
    pub fn is_either(&self) -> bool {
        matches!(self, Action::SetLoad { .. })
            || self.is_ecr()
            || self.is_iam()
            || self.is_audited()
    }

    /// Whether the action works on the registry (either world has one).
    pub fn is_ecr(&self) -> bool {
        matches!(
            self,
            Action::PushImage { .. } | Action::DeleteImage { .. } | Action::StartImageScan { .. }
        )
    }

    /// Whether the action changes IAM (or instance metadata); it needs the world's `iam`.
    pub fn is_iam(&self) -> bool {
        matches!(
            self,
            Action::ModifyInstanceMetadataOptions { .. }
                | Action::PutRolePolicy { .. }
                | Action::UpdateAssumeRolePolicy { .. }
                | Action::AnnotateServiceAccount { .. }
                | Action::CreateServiceAccount { .. }
                | Action::CreatePodIdentityAssociation { .. }
                | Action::DeletePodIdentityAssociation { .. }
        )
    }

    /// Whether the action stops or continues a blue/green deployment (`ecs::deploy_control`).
    pub fn is_deploy_control(&self) -> bool {
        matches!(
            self,
            Action::ContinueServiceDeployment { .. }
                | Action::StopServiceDeployment { .. }
                | Action::StopDeployment { .. }
                | Action::ContinueDeployment { .. }
        )
    }

    /// Whether the action is a Kubernetes API call GuardDuty and the audit log see.
    pub fn is_audited(&self) -> bool {
        matches!(
            self,
            Action::ExecIntoPod { .. } | Action::CreateClusterRoleBinding { .. }
        )
    }
}
