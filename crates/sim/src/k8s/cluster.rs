//! The EKS part of the world: nodes, Deployments with their ReplicaSets and pods, the
//! HorizontalPodAutoscalers, the managed node groups the Cluster Autoscaler resizes, Karpenter's
//! NodePool and NodeClaims, and the metric samples the charts draw. Plain data; the controllers
//! in this folder change it, one reconcile step each (see `tick.rs` for their order).

use serde::Serialize;
use std::borrow::Cow;

use super::autoscaling::{Hpa, Load, NodeGroupScaling};
use super::backoff::{Backoff, PullBackoff};
use super::budget::{NodeDrain, Pdb};
use super::karpenter::Karpenter;
use super::messages::ProbeKind;
use super::names;
use super::rollout::{IntOrPercent, RsState};
use super::scheduler::{NodeView, Requests};
use crate::control::Ctx;
use crate::probe::{Prober, Signal};
use crate::scenario::spec::ImagePullPolicy;
use crate::time::{Millis, SimTime};
use crate::why::Why;

/// The controller context of the EKS side: [`Ctx`] over the EKS cluster.
pub type EksCtx<'a> = Ctx<'a, EksCluster>;

/// The old name of [`EksCluster`].
pub type Cluster = EksCluster;

/// What the application in a pod's container does, set per template.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct AppBehavior {
    /// Seconds from container start until it answers probes.
    pub startup_seconds: u64,
    /// Readiness checks fail with this status code (for ever).
    pub readiness_fails_with: Option<u16>,
    /// Liveness checks fail with this status code after the app is up.
    pub liveness_fails_with: Option<u16>,
    /// The process exits with code 1 this many seconds after it starts.
    pub crashes_after_seconds: Option<u64>,
    /// The image tag does not exist.
    pub image_missing: bool,
    /// The process exceeds its memory limit this many seconds after it starts (OOMKilled,
    /// exit code 137).
    pub oom_after_seconds: Option<u64>,
}

/// A pod template: one container.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Template {
    pub container: String,
    pub image: String,
    /// `imagePullPolicy`, resolved (`image_pull.rs`).
    pub pull_policy: ImagePullPolicy,
    pub requests: Requests,
    /// The first app container names a CPU request (`resources.requests.cpu`); without one its
    /// request counts as 0m and an HPA on CPU utilization cannot compute it.
    pub cpu_requested: bool,
    /// The first app container's own requests (`requests` adds the other containers'), which
    /// `kubectl set resources` replaces.
    pub own: Requests,
    pub port: u16,
    pub readiness_probe: bool,
    pub liveness_probe: bool,
    /// A startup probe (period 10 s, failureThreshold 30): liveness and readiness wait for it.
    pub startup_probe: bool,
    pub behavior: AppBehavior,
    /// The `kubectl.kubernetes.io/restartedAt` annotation `kubectl rollout restart` sets: a new
    /// template, so a new ReplicaSet, with the same container.
    pub restarted_at: Option<SimTime>,
    /// The PersistentVolumeClaim the pod mounts (`volumes[].persistentVolumeClaim.claimName`).
    pub claim: Option<String>,
    /// Init containers, in the order they run (native sidecars among them).
    pub init_containers: Vec<InitContainer>,
    /// The pod's app containers after the first (`container`), in spec order.
    pub containers: Vec<ExtraContainer>,
}

/// An init container of a template: its name, image, how long it runs and its exit code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InitContainer {
    pub name: String,
    pub image: String,
    pub pull_policy: ImagePullPolicy,
    pub runs: Millis,
    pub exit_code: i32,
    /// It names a CPU request (a native sidecar without one fails an HPA on CPU).
    pub cpu_requested: bool,
    /// `restartPolicy: Always`: a native sidecar, with how its process behaves.
    pub sidecar: Option<SideBehavior>,
}

/// How the process of a native sidecar or of a pod's further app container behaves [Orca
/// model]: it answers nothing until `startup` after its start, its readiness probe fails from
/// `not_ready_after`, its liveness probe from `liveness_fails_after`, it exits with code 1 at
/// `crashes_after`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SideBehavior {
    pub startup_probe: bool,
    pub readiness_probe: bool,
    pub startup: Millis,
    pub crashes_after: Option<Millis>,
    pub not_ready_after: Option<Millis>,
    pub liveness_probe: bool,
    /// Its liveness checks fail from this long after its start.
    pub liveness_fails_after: Option<Millis>,
}

/// An app container of a template after the first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExtraContainer {
    pub name: String,
    pub image: String,
    pub pull_policy: ImagePullPolicy,
    /// It names a CPU request (without one it fails an HPA on CPU).
    pub cpu_requested: bool,
    pub behavior: SideBehavior,
}

/// The kubelet's record of a pod's container other than its first app container: a native
/// sidecar (`init_index` is its place among the init containers, and their count) or a further
/// app container. Made when the container first starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideStatus {
    pub name: String,
    pub init_index: Option<(u32, u32)>,
    pub state: ContainerState,
    /// When the current (or last) run started.
    pub started_at: SimTime,
    /// Its startup probe passed in this run (or it has none).
    pub started: bool,
    pub ready: bool,
    pub restarts: u32,
    pub backoff: Backoff,
    /// The next moment the kubelet looks at it.
    pub due: Option<SimTime>,
    /// Its last termination (reason, exit code), for `Last State`.
    pub last: Option<(String, i32)>,
    /// When the run before this one started (`kubectl logs -p`).
    pub previous_start: Option<SimTime>,
    /// The pod is terminating and this container got SIGTERM; it exits at `due`.
    pub stopping: bool,
    /// Its image is being pulled (a further app container's, before its first start); the
    /// pull takes this long.
    pub pulling: Option<Millis>,
    pub pull_backoff: PullBackoff,
}

impl Template {
    /// The `pod-template-hash` label of the template's ReplicaSet.
    pub fn hash(&self) -> String {
        let mut text = format!(
            "{}|{}|{}|{}|{}",
            self.container,
            self.image,
            self.requests.cpu_millis,
            self.requests.memory_mib,
            self.port
        );
        if let Some(at) = self.restarted_at {
            text.push_str(&format!("|restartedAt={}", at.millis()));
        }
        // A policy the API server would not have set is part of the template (a default one is
        // left out, so templates written before the field hash as they did).
        if self.pull_policy != ImagePullPolicy::default_for(&self.image) {
            text.push_str(&format!("|imagePullPolicy={}", self.pull_policy.as_str()));
        }
        for i in &self.init_containers {
            text.push_str(&format!("|init={}:{}", i.name, i.image));
            if i.pull_policy != ImagePullPolicy::default_for(&i.image) {
                text.push_str(&format!("|imagePullPolicy={}", i.pull_policy.as_str()));
            }
            if i.sidecar.is_some() {
                text.push_str("|restartPolicy=Always");
            }
        }
        for c in &self.containers {
            text.push_str(&format!("|container={}:{}", c.name, c.image));
            if c.pull_policy != ImagePullPolicy::default_for(&c.image) {
                text.push_str(&format!("|imagePullPolicy={}", c.pull_policy.as_str()));
            }
        }
        names::pod_template_hash(&text)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// The private DNS name, from the address: `ip-10-0-1-23.ec2.internal`.
    pub name: String,
    /// The instance's address in its zone's subnet.
    pub private_ip: String,
    pub instance_type: String,
    pub zone: String,
    pub allocatable_cpu_millis: u32,
    pub allocatable_memory_mib: u32,
    pub max_pods: u32,
    /// A Fargate node: made for one pod, gone with it.
    pub fargate: bool,
    pub gone: bool,
    /// The managed node group it belongs to (index into `node_groups`).
    pub group: Option<usize>,
    /// The Cluster Autoscaler found it unneeded since then.
    pub unneeded_since: Option<SimTime>,
    /// The Cluster Autoscaler is draining it for removal, or Karpenter tainted it
    /// `karpenter.sh/disrupted:NoSchedule`: nothing new schedules there.
    pub draining: bool,
    /// When the Cluster Autoscaler tainted it `ToBeDeletedByClusterAutoscaler=<Unix time>:NoSchedule`
    /// to remove it (the taint's value is that time).
    pub to_be_deleted_at: Option<SimTime>,
    /// The kubelet reports Ready (a Karpenter node registers a little before it is Ready).
    pub ready: bool,
    /// `spec.unschedulable`, set by `kubectl cordon` or `drain`: nothing new schedules there.
    pub cordoned: bool,
    /// The Karpenter NodeClaim that launched it (its NodePool is `EksCluster::karpenter`).
    pub nodeclaim: Option<String>,
    /// When the node object appeared (zero for the scenario's first nodes).
    pub created_at: SimTime,
    /// Images pulled onto it since it started, beside those its AMI caches (`image_pull.rs`).
    pub images: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplicaSet {
    pub name: String,
    /// Index of the Deployment that owns it.
    pub deployment: usize,
    /// Deleted by the revisionHistoryLimit clean-up (kept in the list so indices stay valid).
    pub deleted: bool,
    pub revision: u32,
    pub template: Template,
    /// The `pod-template-hash` of `template`.
    pub pod_template_hash: String,
    pub spec_replicas: u32,
    /// The `deployment.kubernetes.io/desired-replicas` annotation: the Deployment's `replicas`
    /// when the controller last sized it.
    pub desired_replicas: Option<u32>,
    /// The `deployment.kubernetes.io/max-replicas` annotation: `replicas + maxSurge` then.
    pub max_replicas: Option<u32>,
    /// Why the deployment controller last scaled it, with the numbers.
    pub scaled_why: Option<String>,
    /// `metadata.creationTimestamp` (zero for the ReplicaSets a scenario starts with): what
    /// `kubectl get rs` counts its AGE from.
    pub created_at: SimTime,
}

/// The container's state as `kubectl describe pod` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ContainerState {
    Waiting { reason: String },
    Running { started_at: SimTime },
    Terminated { reason: String, exit_code: i32 },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pod {
    pub name: String,
    pub uid: String,
    pub replica_set: usize,
    pub node: Option<usize>,
    /// `status.podIP`: a VPC address of the node's subnet (the node's own on Fargate), from
    /// the moment the pod is bound until it is gone.
    pub ip: Option<String>,
    pub created_at: SimTime,
    pub state: ContainerState,
    pub ready: bool,
    pub ready_since: Option<SimTime>,
    pub restarts: u32,
    /// Set when the pod is being deleted (Terminating).
    pub deleting_at: Option<SimTime>,
    /// The pod object is gone.
    pub gone: bool,
    /// The restart back-off (CrashLoopBackOff).
    pub backoff: Backoff,
    /// The image-pull back-off (ImagePullBackOff), the kubelet's other back-off.
    pub pull_backoff: PullBackoff,
    /// The kubelet is pulling the image, a pull this long; it ends at `due`.
    pub pulling: Option<Millis>,
    /// When the next kubelet step for this pod is due (pull done, restart after back-off,
    /// exit after SIGTERM).
    pub due: Option<SimTime>,
    /// The kubelet's probe workers for the running container.
    pub probes: Probes,
    /// The next moment one of the probes needs the kubelet (a check that fails or changes a
    /// verdict; passing checks of a healthy probe are counted without a visit).
    pub probe_due: Option<SimTime>,
    /// The running container exits at this moment (a crash, or OOMKilled when `true`).
    pub exits_at: Option<(SimTime, bool)>,
    /// The startup probe has succeeded since the container started (or there is none).
    pub started: bool,
    /// The scheduler reported `FailedScheduling` for it (the event is written once).
    pub reported_failed_scheduling: bool,
    /// A Fargate node is being provisioned for this pod until then.
    pub fargate_ready_at: Option<SimTime>,
    /// A DaemonSet pod: the node it is made for (the DaemonSet controller pins it there with
    /// a node affinity).
    pub daemon_node: Option<usize>,
    /// Init containers that have completed (they run in order before the container).
    pub init_done: u32,
    /// An init container is running now (it ends at `due`).
    pub init_running: bool,
    /// Its native sidecars and further app containers, once started (`sidecars.rs`).
    pub side: Vec<SideStatus>,
    /// Why the pod is as it is, oldest first: pending, bound, not ready, restarted, deleted.
    pub why: Vec<Why>,
}

impl Pod {
    /// The first app container is ready: running, started, its readiness probe passing (or
    /// none).
    pub fn main_ready(&self) -> bool {
        matches!(self.state, ContainerState::Running { .. })
            && self.started
            && self
                .probes
                .readiness
                .as_ref()
                .is_none_or(|w| w.prober.verdict == crate::probe::Verdict::Healthy)
    }

    /// kubectl's RESTARTS: the app containers' and the native sidecars' restarts together.
    pub fn restarts_total(&self) -> u32 {
        self.restarts + self.side.iter().map(|s| s.restarts).sum::<u32>()
    }

    /// The READY column's counts: ready containers (app containers and native sidecars) and
    /// all of them; ordinary init containers do not count.
    pub fn ready_counts(&self, t: &Template) -> (usize, usize) {
        let sidecars = t
            .init_containers
            .iter()
            .filter(|i| i.sidecar.is_some())
            .count();
        let of = 1 + t.containers.len() + sidecars;
        let ready = usize::from(self.deleting_at.is_none() && self.main_ready())
            + self
                .side
                .iter()
                .filter(|s| s.ready && matches!(s.state, ContainerState::Running { .. }))
                .count();
        (ready, of)
    }

    /// The pod exists and is not terminating: it counts toward its ReplicaSet.
    pub fn counts(&self) -> bool {
        !self.gone && self.deleting_at.is_none()
    }

    /// What the pod adds to its ReplicaSet's counts (`pod_counts.rs`).
    pub fn share(&self) -> super::pod_counts::Share {
        let counts = self.counts();
        let ready = counts && self.ready;
        super::pod_counts::Share {
            rs: self.replica_set,
            existing: !self.gone,
            counts,
            ready,
            ready_since: if ready { self.ready_since } else { None },
        }
    }

    /// Record why the pod is as it is.
    pub fn explain(&mut self, at: SimTime, text: impl Into<String>) {
        self.why.push(Why {
            at,
            text: text.into(),
        });
    }
}

/// A probe the kubelet runs on a container, as `probe.rs` computes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeWorker {
    pub kind: ProbeKind,
    pub prober: Prober,
    /// What the application answers on the probe's path over time.
    pub signal: Signal,
}

/// The probe workers of a pod's running container. Liveness and readiness start once the
/// startup probe (if any) succeeded.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Probes {
    pub startup: Option<ProbeWorker>,
    pub liveness: Option<ProbeWorker>,
    pub readiness: Option<ProbeWorker>,
}

/// What kind of workload an entry of `EksCluster::deployments` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum WorkloadKind {
    /// A Deployment: ReplicaSets of `replicas` pods.
    #[default]
    Deployment,
    /// A DaemonSet: one pod on every eligible node. Its ReplicaSet entries stand for its
    /// ControllerRevisions (one per template; `spec_replicas` unused).
    DaemonSet,
    /// A StatefulSet: pods `<name>-<ordinal>`, each with claims of its own
    /// (`EksCluster::stateful_sets`). Its ReplicaSet entries stand for its ControllerRevisions.
    StatefulSet,
}

/// One workload (a Deployment, or a DaemonSet) and its rollout settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentState {
    pub name: String,
    pub kind: WorkloadKind,
    /// `default` for the scenario's workloads, `kube-system` for EKS's own.
    pub namespace: String,
    /// One of the components EKS runs itself (VPC CNI, kube-proxy, CoreDNS, the Pod Identity
    /// agent): the app may draw it dimmed and fold it away.
    pub system: bool,
    /// The pods use the node's network namespace (`hostNetwork: true`): the node's address, no
    /// address of their own.
    pub host_network: bool,
    /// A DaemonSet that tolerates every taint (`tolerations: [{operator: Exists}]`, as EKS's
    /// own DaemonSets do); others tolerate only the default DaemonSet tolerations.
    pub tolerates_all_taints: bool,
    pub replicas: u32,
    pub max_surge: IntOrPercent,
    pub max_unavailable: IntOrPercent,
    pub min_ready_seconds: u64,
    pub progress_deadline_seconds: u64,
    /// `spec.template`: the pod template the current ReplicaSet must match.
    pub template: Template,
    /// The `Progressing` condition (`docs/rules/k8s-deployments.md#conditions-and-progress-deadline`).
    pub progressing: Option<DeploymentCondition>,
    /// `Progressing` is False with `ProgressDeadlineExceeded` (kept with the condition).
    pub progress_deadline_exceeded: bool,
    /// `status` as the deployment controller last wrote it: progress is measured against it.
    pub status: DeploymentCounts,
    /// `strategy.type: Recreate`: every old pod goes before any new one starts.
    pub recreate: bool,
    /// A Fargate profile selects the Deployment: each pod gets its own Fargate node.
    pub fargate: bool,
    /// The Service in front of the Deployment: (name, type, port).
    pub service: Option<(String, String, u16)>,
    /// Old ReplicaSets kept for `rollout undo` (default 10).
    pub revision_history_limit: u32,
    /// The demand this Deployment serves (drives CPU utilization), if modelled.
    pub load: Option<Load>,
    /// `spec.paused` (`kubectl rollout pause`): template changes wait; scaling still works.
    pub paused: bool,
}

impl DeploymentState {
    /// A Deployment with the API defaults (RollingUpdate 25 % / 25 %, progress deadline 600 s,
    /// revision history 10), rolled out at `now`: its `Progressing` condition says its
    /// ReplicaSet has successfully progressed.
    pub fn new(name: &str, replicas: u32, template: Template, now: SimTime) -> DeploymentState {
        let message = format!(
            "ReplicaSet \"{name}-{}\" has successfully progressed.",
            template.hash()
        );
        DeploymentState {
            name: name.into(),
            kind: WorkloadKind::Deployment,
            namespace: "default".into(),
            system: false,
            host_network: false,
            tolerates_all_taints: false,
            replicas,
            max_surge: IntOrPercent::default(),
            max_unavailable: IntOrPercent::default(),
            min_ready_seconds: 0,
            progress_deadline_seconds: 600,
            template,
            progressing: Some(DeploymentCondition {
                status: true,
                unknown: false,
                reason: "NewReplicaSetAvailable".into(),
                message,
                last_update: now,
                last_transition: now,
            }),
            progress_deadline_exceeded: false,
            status: DeploymentCounts {
                replicas,
                updated: replicas,
                ready: replicas,
                available: replicas,
            },
            recreate: false,
            fargate: false,
            service: None,
            revision_history_limit: 10,
            load: None,
            paused: false,
        }
    }
}

/// A Deployment's `status` counts the controller compares between syncs to see progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct DeploymentCounts {
    /// `status.replicas`: pods of every ReplicaSet that are not terminating.
    pub replicas: u32,
    /// `status.updatedReplicas`: those of the current ReplicaSet.
    pub updated: u32,
    /// `status.readyReplicas`.
    pub ready: u32,
    /// `status.availableReplicas`.
    pub available: u32,
}

/// One entry of a Deployment's `status.conditions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeploymentCondition {
    pub status: bool,
    /// The status is `Unknown` (pausing or resuming a Deployment sets it so); `status` is then
    /// not shown.
    pub unknown: bool,
    /// `NewReplicaSetCreated`, `FoundNewReplicaSet`, `ReplicaSetUpdated`,
    /// `NewReplicaSetAvailable`, `ProgressDeadlineExceeded`, `DeploymentPaused`,
    /// `DeploymentResumed`.
    pub reason: String,
    pub message: String,
    /// The last time the controller saw progress (the deadline counts from it).
    pub last_update: SimTime,
    /// The last time the status changed.
    pub last_transition: SimTime,
}

/// One sample of the metrics the charts show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    pub at: SimTime,
    /// Average CPU utilization (percent of request) of the first Deployment's ready pods.
    pub utilization: f64,
    /// The HPA target, if the first Deployment has an HPA.
    pub target: Option<f64>,
    pub desired: u32,
    pub ready: u32,
    pub pending: u32,
    pub nodes: u32,
}

/// The Amazon EKS cluster of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EksCluster {
    pub namespace: String,
    pub deployments: Vec<DeploymentState>,
    pub nodes: Vec<Node>,
    pub replica_sets: Vec<ReplicaSet>,
    pub pods: Vec<Pod>,
    /// How each image behaves (images not listed start and serve normally).
    pub images: Vec<(String, AppBehavior)>,
    /// The metrics-server add-on (the Metrics API); `None`: not installed.
    pub metrics_server: Option<super::addons::Addon>,
    /// The EKS cluster's name (`aws eks … --cluster-name`).
    pub cluster_name: String,
    pub hpas: Vec<Hpa>,
    /// Managed node groups the Cluster Autoscaler may resize (empty: no autoscaler).
    pub node_groups: Vec<NodeGroupScaling>,
    /// The Cluster Autoscaler's next scan.
    pub ca_next_scan: SimTime,
    /// The Cluster Autoscaler's last scale-up (scale-down waits 10 minutes after it).
    pub ca_last_scale_up: Option<SimTime>,
    /// Karpenter and its NodePool, when the cluster runs it instead of the Cluster Autoscaler.
    pub karpenter: Option<Karpenter>,
    /// Metrics sampled every 15 s, for the charts.
    pub samples: Vec<Sample>,
    /// Images the EKS optimized AMI caches (the VPC CNI and kube-proxy): on an EC2 node they
    /// are "already present on machine".
    pub ami_images: Vec<String>,
    /// The run's seed, mixed into the names of the pods Orca names without drawing from the
    /// `names` stream (DaemonSet and EKS system pods): another seed gives other names, as
    /// Kubernetes' random suffixes would, while the scenario's own pod names stay where the
    /// `names` stream puts them.
    pub name_seed: u64,
    /// PodDisruptionBudgets, in the order they were created.
    pub pdbs: Vec<Pdb>,
    /// `kubectl drain` commands still running (and finished ones, kept for their output).
    pub drains: Vec<NodeDrain>,
    /// StorageClasses, claims and the volumes provisioned for them.
    pub storage: super::storage::Storage,
    /// IAM of the account, when the scenario models it.
    pub iam: Option<crate::iam::Iam>,
    /// Control plane logging and GuardDuty's findings.
    pub security: Option<crate::security::Security>,
    /// Container Insights: whether the CloudWatch agent runs, and its one-minute samples.
    pub insights: crate::insights::Insights,
    /// The Amazon CloudWatch Observability add-on, once created: Container Insights collects
    /// from the moment it is ACTIVE.
    pub cloudwatch_observability: Option<super::addons::Addon>,
    /// ClusterRoleBindings: the built-in ones, then those created, oldest first (`rbac.rs`).
    pub cluster_role_bindings: Vec<super::rbac::ClusterRoleBinding>,
    /// What only the StatefulSets among `deployments` have.
    pub stateful_sets: Vec<super::statefulset_state::StatefulSet>,
    /// Which pods the kubelet and the scheduler look at in their next pass (`wake.rs`).
    pub wake: super::wake::Wake,
    /// Per-ReplicaSet pod counts and each Deployment's ReplicaSets (`pod_counts.rs`).
    pub counts: super::pod_counts::PodCounts<Template>,
}

impl Default for EksCluster {
    fn default() -> Self {
        EksCluster::new()
    }
}

impl EksCluster {
    /// A cluster with nothing in it yet.
    pub fn new() -> EksCluster {
        EksCluster {
            namespace: "default".into(),
            deployments: Vec::new(),
            nodes: Vec::new(),
            replica_sets: Vec::new(),
            pods: Vec::new(),
            images: Vec::new(),
            metrics_server: Some(super::addons::Addon::from_start()),
            cluster_name: String::new(),
            hpas: Vec::new(),
            node_groups: Vec::new(),
            ca_next_scan: SimTime::ZERO,
            ca_last_scale_up: None,
            karpenter: None,
            samples: Vec::new(),
            ami_images: Vec::new(),
            name_seed: 0,
            pdbs: Vec::new(),
            drains: Vec::new(),
            storage: super::storage::Storage::default(),
            iam: None,
            security: None,
            insights: crate::insights::Insights::default(),
            cloudwatch_observability: None,
            cluster_role_bindings: super::rbac::defaults(),
            stateful_sets: Vec::new(),
            wake: super::wake::Wake::default(),
            counts: super::pod_counts::PodCounts::default(),
        }
    }

    /// The labels of a pod: `app=<workload>`, and `pod-template-hash` (a Deployment's pods) or
    /// `controller-revision-hash` (a DaemonSet's).
    pub fn pod_labels(&self, p: usize) -> Vec<(String, String)> {
        let rs = &self.replica_sets[self.pods[p].replica_set];
        let hash = if self.deployments[rs.deployment].kind != WorkloadKind::Deployment {
            "controller-revision-hash"
        } else {
            "pod-template-hash"
        };
        let mut labels = self.template_labels(rs.deployment);
        labels.push((hash.into(), rs.pod_template_hash.clone()));
        labels.sort();
        labels
    }

    /// The Deployment called `name` (in the scenario's namespace).
    pub fn deployment_index(&self, name: &str) -> Option<usize> {
        self.deployments
            .iter()
            .position(|d| d.name == name && d.kind == WorkloadKind::Deployment && !d.system)
    }

    /// The DaemonSet called `name`.
    pub fn daemon_set_index(&self, name: &str) -> Option<usize> {
        self.deployments
            .iter()
            .position(|d| d.name == name && d.kind == WorkloadKind::DaemonSet)
    }

    /// The StatefulSet called `name`.
    pub fn stateful_set_index(&self, name: &str) -> Option<usize> {
        self.deployments
            .iter()
            .position(|d| d.name == name && d.kind == WorkloadKind::StatefulSet)
    }

    /// The workload is a Deployment (its ReplicaSets are real ReplicaSets).
    pub fn is_deployment(&self, d: usize) -> bool {
        self.deployments[d].kind == WorkloadKind::Deployment
    }

    /// The workload is a DaemonSet.
    pub fn is_daemon_set(&self, d: usize) -> bool {
        self.deployments[d].kind == WorkloadKind::DaemonSet
    }

    /// A pod of a DaemonSet.
    pub fn is_daemon_pod(&self, p: usize) -> bool {
        self.pods[p].daemon_node.is_some()
    }

    /// What the DaemonSets put on a new EC2 node: their pods' requests and their number (the
    /// Cluster Autoscaler's template node and Karpenter's daemonset overhead count them).
    pub fn daemon_overhead(&self) -> (Requests, u32) {
        let mut r = Requests {
            cpu_millis: 0,
            memory_mib: 0,
        };
        let mut pods = 0;
        for d in self
            .deployments
            .iter()
            .filter(|d| d.kind == WorkloadKind::DaemonSet)
        {
            r.cpu_millis += d.template.requests.cpu_millis;
            r.memory_mib += d.template.requests.memory_mib;
            pods += 1;
        }
        (r, pods)
    }

    /// The namespace of a pod (its workload's).
    pub fn namespace_of(&self, p: usize) -> &str {
        &self.deployments[self.pod_deployment(p)].namespace
    }

    /// The Deployment a pod belongs to.
    pub fn pod_deployment(&self, p: usize) -> usize {
        self.replica_sets[self.pods[p].replica_set].deployment
    }

    /// The resources a pod requests.
    pub fn requests_of(&self, p: usize) -> Requests {
        self.replica_sets[self.pods[p].replica_set]
            .template
            .requests
    }

    /// The pod template of a pod.
    pub fn template_of(&self, p: usize) -> &Template {
        &self.replica_sets[self.pods[p].replica_set].template
    }

    pub fn behavior_of(&self, image: &str) -> AppBehavior {
        self.images
            .iter()
            .find(|(i, _)| i == image)
            .map(|(_, b)| b.clone())
            .unwrap_or(AppBehavior {
                startup_seconds: 5,
                ..AppBehavior::default()
            })
    }

    /// Bring `counts` up to date with the pods (`pod_counts.rs`).
    pub fn settle_counts(&mut self) {
        let (pods, replica_sets) = (&self.pods, &self.replica_sets);
        self.counts.settle(
            pods.len(),
            |p| pods[p].share(),
            replica_sets.len(),
            |rs| replica_sets[rs].deployment,
        );
        // The invariant, where the counts are read: a change to a pod's readiness, deletion
        // or existence that did not call `counts.touch` shows here in debug builds and tests.
        debug_assert_eq!(
            self.counts.per_rs,
            super::pod_counts::PodCounts::<Template>::recount(
                self.pods.iter().map(Pod::share),
                self.replica_sets.len()
            ),
            "the kept pod counts differ from a recount"
        );
    }

    /// List the ReplicaSets created since the last call under their Deployments.
    pub fn see_replica_sets(&mut self) {
        let replica_sets = &self.replica_sets;
        self.counts
            .see_replica_sets(replica_sets.len(), |rs| replica_sets[rs].deployment);
    }

    /// Deployment `d`'s ReplicaSet of its current template, through `counts`' list and memo.
    pub fn current_replica_set_kept(&mut self, d: usize) -> Option<usize> {
        let replica_sets = &self.replica_sets;
        self.counts
            .current(d, &self.deployments[d].template, Template::hash, |rs, h| {
                !replica_sets[rs].deleted && replica_sets[rs].pod_template_hash == h
            })
    }

    /// The ReplicaSet the Deployment's current template belongs to.
    pub fn current_replica_set(&self, d: usize) -> Option<usize> {
        let h = self.deployments[d].template.hash();
        self.counts
            .replica_sets_of(d)
            .iter()
            .copied()
            .find(|&i| !self.replica_sets[i].deleted && self.replica_sets[i].pod_template_hash == h)
    }

    /// What the scheduler sees of every node (one pass over the pods).
    pub fn node_views(&self) -> Vec<NodeView> {
        let mut views: Vec<NodeView> = self
            .nodes
            .iter()
            .map(|n| NodeView {
                name: n.name.clone(),
                allocatable_cpu_millis: n.allocatable_cpu_millis,
                allocatable_memory_mib: n.allocatable_memory_mib,
                max_pods: n.max_pods,
                requested_cpu_millis: 0,
                requested_memory_mib: 0,
                pods: 0,
                // Kubernetes' taints as the scheduler reports them (`kubectl describe node`'s
                // Taints): the node lifecycle controller's not-ready taint, EKS's Fargate
                // taint, Karpenter's disruption taint, and the Cluster Autoscaler's
                // ToBeDeletedByClusterAutoscaler taint, whose value is the Unix time it was
                // added (cluster-autoscaler `utils/taints`: `MarkToBeDeleted`).
                unschedulable: n.gone || n.cordoned,
                taint: if n.fargate {
                    Some(Cow::Borrowed(TAINT_FARGATE))
                } else if !n.ready {
                    Some(Cow::Borrowed(TAINT_NOT_READY))
                } else if n.draining && n.nodeclaim.is_some() {
                    Some(Cow::Borrowed(TAINT_KARPENTER_DISRUPTED))
                } else if n.draining {
                    Some(Cow::Owned(format!(
                        "node(s) had untolerated taint {{ToBeDeletedByClusterAutoscaler: {}}}",
                        to_be_deleted_value(n)
                    )))
                } else {
                    None
                },
                gone: n.gone,
            })
            .collect();
        for p in &self.pods {
            if p.gone {
                continue;
            }
            if let Some(v) = p.node.and_then(|n| views.get_mut(n)) {
                let req = self.replica_sets[p.replica_set].template.requests;
                v.requested_cpu_millis += req.cpu_millis;
                v.requested_memory_mib += req.memory_mib;
                v.pods += 1;
            }
        }
        views
    }

    /// Pods on each node that exist (terminating ones included).
    pub fn pods_per_node(&self) -> Vec<Vec<usize>> {
        let mut on = vec![Vec::new(); self.nodes.len()];
        for (p, pod) in self.pods.iter().enumerate() {
            if let Some(n) = pod.node
                && !pod.gone
            {
                on[n].push(p);
            }
        }
        on
    }

    /// A pod is available: ready for at least its Deployment's `minReadySeconds`.
    pub fn is_available(&self, p: usize, now: SimTime) -> bool {
        let pod = &self.pods[p];
        let min_ready =
            Millis::from_secs(self.deployments[self.pod_deployment(p)].min_ready_seconds);
        pod.ready && pod.ready_since.is_some_and(|t| now.since(t) >= min_ready)
    }

    /// A ReplicaSet as the deployment controller sees it at `now`.
    pub fn rs_state(&self, rs: usize, now: SimTime) -> RsState {
        let mut pods = 0;
        let mut available = 0;
        for (p, pod) in self.pods.iter().enumerate() {
            if pod.replica_set == rs && pod.counts() {
                pods += 1;
                if self.is_available(p, now) {
                    available += 1;
                }
            }
        }
        RsState {
            spec: self.replica_sets[rs].spec_replicas,
            pods,
            available,
        }
    }

    /// A Deployment's pods that count (not terminating), and how many of them are available.
    pub fn totals(&self, d: usize, now: SimTime) -> (u32, u32) {
        let mut totals = (0, 0);
        for (p, pod) in self.pods.iter().enumerate() {
            if pod.counts() && self.pod_deployment(p) == d {
                totals.0 += 1;
                if self.is_available(p, now) {
                    totals.1 += 1;
                }
            }
        }
        totals
    }

    /// (updated, old pods still running, updated available) for `kubectl rollout status`.
    pub fn rollout_counts(&self, d: usize, now: SimTime) -> (u32, u32, u32) {
        let Some(new) = self.current_replica_set(d) else {
            return (0, 0, 0);
        };
        let st = self.rs_state(new, now);
        let old = self
            .pods
            .iter()
            .filter(|p| {
                !p.gone && p.replica_set != new && self.replica_sets[p.replica_set].deployment == d
            })
            .count() as u32;
        (st.pods, old, st.available)
    }

    /// Pods that exist at all, terminating ones included.
    pub fn existing_pods(&self) -> usize {
        self.pods.iter().filter(|p| !p.gone).count()
    }

    // --- What kubectl changes in a Deployment's spec (the controllers act on it next tick).

    /// `kubectl set image`: a new revision rolls out. The image's behaviour comes from
    /// `images`.
    pub fn set_image(&mut self, d: usize, image: &str, _now: SimTime) {
        let behavior = self.behavior_of(image);
        let dep = &mut self.deployments[d];
        dep.template.image = image.to_string();
        dep.template.behavior = behavior;
    }

    /// `kubectl set resources`: new requests for the first container, in place of its own (the
    /// other containers' stay); a new revision rolls out.
    pub fn set_requests(&mut self, d: usize, cpu: Option<u32>, memory: Option<u32>, _now: SimTime) {
        // The pod's sum loses the container's old request and gains the new one.
        let replace = |sum: &mut u32, own: &mut u32, new: u32| {
            *sum = sum.saturating_sub(*own).saturating_add(new);
            *own = new;
        };
        let t = &mut self.deployments[d].template;
        if let Some(cpu) = cpu {
            replace(&mut t.requests.cpu_millis, &mut t.own.cpu_millis, cpu);
            t.cpu_requested = true;
        }
        if let Some(memory) = memory {
            replace(&mut t.requests.memory_mib, &mut t.own.memory_mib, memory);
        }
    }

    /// A new pod template (a new revision rolls out).
    pub fn set_template(&mut self, d: usize, template: Template, _now: SimTime) {
        self.deployments[d].template = template;
    }

    /// `kubectl scale`: a new replica count (no new revision).
    pub fn scale(&mut self, d: usize, replicas: u32) {
        self.deployments[d].replicas = replicas;
    }

    /// `kubectl rollout undo`: copy the previous revision's template back.
    pub fn rollout_undo(&mut self, d: usize, now: SimTime) -> Result<String, String> {
        let current = self.current_replica_set(d);
        let prev = self
            .replica_sets
            .iter()
            .enumerate()
            .filter(|(i, r)| Some(*i) != current && r.deployment == d && !r.deleted)
            .max_by_key(|(_, r)| r.revision)
            .map(|(_, r)| r.template.clone());
        match prev {
            Some(t) => {
                self.set_template(d, t, now);
                Ok(format!(
                    "deployment.apps/{} rolled back",
                    self.deployments[d].name
                ))
            }
            None => Err("error: no rollout history found".into()),
        }
    }
}

/// `FailedScheduling` reasons of the NoSchedule taints Orca's nodes carry (the TaintToleration
/// filter's `node(s) had untolerated taint {key: value}`): a node that is not Ready yet
/// (`node.kubernetes.io/not-ready`, added by the node lifecycle controller and the kubelet at
/// registration), an EKS Fargate node (`eks.amazonaws.com/compute-type=fargate`), and a node
/// Karpenter is disrupting (`karpenter.sh/disrupted`).
pub const TAINT_NOT_READY: &str = "node(s) had untolerated taint {node.kubernetes.io/not-ready: }";
pub const TAINT_FARGATE: &str =
    "node(s) had untolerated taint {eks.amazonaws.com/compute-type: fargate}";
pub const TAINT_KARPENTER_DISRUPTED: &str =
    "node(s) had untolerated taint {karpenter.sh/disrupted: }";

/// The value of the Cluster Autoscaler's `ToBeDeletedByClusterAutoscaler` taint on `n`: the
/// Unix time it was added, on the clock the CLIs' timestamps use.
pub fn to_be_deleted_value(n: &Node) -> u64 {
    crate::time::START_UNIX_SECS + n.to_be_deleted_at.unwrap_or(n.created_at).0 / 1000
}
