//! A first time-driven EKS model: managed-node-group nodes, one Deployment with its
//! ReplicaSets and pods, the deployment and ReplicaSet controllers, the scheduler and a kubelet
//! (image pull, start, readiness and liveness probes, CrashLoopBackOff, termination).
//!
//! It advances in whole seconds (the kubelet and controllers resync about that often) and
//! records kubectl-style events. It is driven from Rust for now: the scenario format, the
//! engine's snapshots and the canvas do not know about it yet (issue 4 continues there).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::autoscaling::{self, Hpa, Load, NodeGroupScaling};
use super::backoff::Backoff;
use super::messages::{self, ProbeKind};
use super::names;
use super::rollout::{IntOrPercent, RolloutStep, RsState, resolve_fenceposts, rolling_step};
use super::scheduler::{self, Decision, NodeView, Requests};
use crate::aws::instance_types::InstanceType;
use crate::time::{Millis, SimTime};

/// What the application in a pod's container does, set per template.
#[derive(Debug, Clone, PartialEq, Default)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub container: String,
    pub image: String,
    pub requests: Requests,
    pub port: u16,
    pub readiness_probe: bool,
    pub liveness_probe: bool,
    /// A startup probe (period 10 s, failureThreshold 30): liveness and readiness wait for it.
    pub startup_probe: bool,
    pub behavior: AppBehavior,
}

impl Template {
    fn hash(&self) -> String {
        names::pod_template_hash(&format!(
            "{}|{}|{}|{}|{}",
            self.container,
            self.image,
            self.requests.cpu_millis,
            self.requests.memory_mib,
            self.port
        ))
    }
}

/// Probe settings (Kubernetes defaults: period 10 s, failure threshold 3).
const PROBE_PERIOD: u64 = 10;
const FAILURE_THRESHOLD: u32 = 3;
/// Startup probes get a longer window: 30 × 10 s = 300 s.
const STARTUP_FAILURE_THRESHOLD: u32 = 30;
/// Image pull time [model].
const PULL_SECONDS: u64 = 3;
/// Time to provision a Fargate node for a pod [model: typically 30–60 s].
const FARGATE_PROVISION_SECONDS: u64 = 40;
/// A well-behaved app exits this long after SIGTERM [model].
const SIGTERM_EXIT_SECONDS: u64 = 2;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub name: String,
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
    /// The kubelet reports Ready (a Karpenter node registers a little before it is Ready).
    pub ready: bool,
    /// The Karpenter NodeClaim that launched it (its NodePool is `Cluster::karpenter`).
    pub nodeclaim: Option<String>,
    /// When the node object appeared (zero for the scenario's first nodes).
    pub created_at: SimTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaSet {
    pub name: String,
    /// Index of the Deployment that owns it.
    pub deployment: usize,
    /// Deleted by the revisionHistoryLimit clean-up (kept in the list so indices stay valid).
    pub deleted: bool,
    pub revision: u32,
    pub template: Template,
    pub spec_replicas: u32,
}

/// The container's state as `kubectl describe pod` shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum ContainerState {
    Waiting { reason: String },
    Running { started_at: SimTime },
    Terminated { reason: String, exit_code: i32 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pod {
    pub name: String,
    pub uid: String,
    pub replica_set: usize,
    pub node: Option<usize>,
    pub created_at: SimTime,
    pub state: ContainerState,
    pub ready: bool,
    pub ready_since: Option<SimTime>,
    pub restarts: u32,
    /// Set when the pod is being deleted (Terminating).
    pub deleting_at: Option<SimTime>,
    /// The pod object is gone.
    pub gone: bool,
    backoff: Backoff,
    /// When the next kubelet step for this pod is due (pull done, restart after back-off).
    due: Option<SimTime>,
    readiness_failures: u32,
    liveness_failures: u32,
    startup_failures: u32,
    /// The startup probe has succeeded since the container started (or there is none).
    started: bool,
    pub(super) reported_failed_scheduling: bool,
    /// A Fargate node is being provisioned for this pod until then.
    fargate_ready_at: Option<SimTime>,
}

impl Pod {
    /// kubectl's STATUS column.
    pub fn status(&self) -> String {
        if self.deleting_at.is_some() {
            return "Terminating".into();
        }
        if self.node.is_none() {
            return "Pending".into();
        }
        match &self.state {
            ContainerState::Waiting { reason } => reason.clone(),
            ContainerState::Running { .. } => "Running".into(),
            ContainerState::Terminated { reason, .. } => reason.clone(),
        }
    }

    pub(super) fn counts(&self) -> bool {
        !self.gone && self.deleting_at.is_none()
    }
}

/// One event line: `TYPE REASON OBJECT MESSAGE`.
#[derive(Debug, Clone, PartialEq)]
pub struct K8sEvent {
    pub at: SimTime,
    pub warning: bool,
    pub reason: &'static str,
    pub object: String,
    pub message: String,
}

impl K8sEvent {
    /// `[mm:ss] Normal   ScalingReplicaSet  deployment/web  Scaled up …`
    pub fn line(&self) -> String {
        format!(
            "[{}] {:<7} {:<18} {:<32} {}",
            self.at,
            if self.warning { "Warning" } else { "Normal" },
            self.reason,
            self.object,
            self.message
        )
    }
}

/// One Deployment and its rollout settings.
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentState {
    pub name: String,
    pub replicas: u32,
    pub max_surge: IntOrPercent,
    pub max_unavailable: IntOrPercent,
    pub min_ready_seconds: u64,
    pub progress_deadline_seconds: u64,
    /// `spec.template`: the pod template the current ReplicaSet must match.
    pub template: Template,
    /// The last time the rollout made progress (for `progressDeadlineSeconds`).
    last_progress: SimTime,
    pub progress_deadline_exceeded: bool,
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
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub now: SimTime,
    pub namespace: String,
    pub deployments: Vec<DeploymentState>,
    pub nodes: Vec<Node>,
    pub replica_sets: Vec<ReplicaSet>,
    pub pods: Vec<Pod>,
    pub events: Vec<K8sEvent>,
    pub(super) zones: Vec<String>,
    pub(super) region: String,
    /// How each image behaves (images not listed start and serve normally).
    pub images: Vec<(String, AppBehavior)>,
    pub hpas: Vec<Hpa>,
    /// Managed node groups the Cluster Autoscaler may resize (empty: no autoscaler).
    pub node_groups: Vec<NodeGroupScaling>,
    next_ca_scan: SimTime,
    last_scale_up: Option<SimTime>,
    /// Karpenter and its NodePool, when the cluster runs it instead of the Cluster Autoscaler.
    pub karpenter: Option<super::karpenter::Karpenter>,
    /// Metrics sampled every 15 s, for the charts.
    pub samples: Vec<Sample>,
    /// (pods, available) per ReplicaSet, counted once at the start of each second.
    tick_counts: Vec<(u32, u32)>,
    pub(super) rng: ChaCha8Rng,
}

/// One sample of the metrics the charts show.
#[derive(Debug, Clone, PartialEq)]
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

impl Cluster {
    /// A cluster of `count` nodes of one instance type spread over `zones`, with a Deployment
    /// already rolled out at revision 1.
    pub fn new(
        seed: u64,
        instance_type: &InstanceType,
        count: u32,
        zones: &[&str],
        deployment: &str,
        replicas: u32,
        template: Template,
    ) -> Cluster {
        let zones: Vec<String> = zones.iter().map(|z| z.to_string()).collect();
        Cluster::with_node_groups(
            seed,
            &[(instance_type, count)],
            &zones,
            "us-east-1",
            deployment,
            replicas,
            template,
        )
    }

    /// Nodes of several groups, spread round-robin over `zones`; a Deployment at revision 1.
    pub fn with_node_groups(
        seed: u64,
        groups: &[(&InstanceType, u32)],
        zones: &[String],
        region: &str,
        deployment: &str,
        replicas: u32,
        template: Template,
    ) -> Cluster {
        let mut c = Cluster::empty(seed, groups, zones, region);
        c.add_deployment(deployment, replicas, template);
        c
    }

    /// Nodes of several groups spread round-robin over `zones`, no workloads yet.
    pub fn empty(
        seed: u64,
        groups: &[(&InstanceType, u32)],
        zones: &[String],
        region: &str,
    ) -> Cluster {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut nodes = Vec::new();
        for (gi, (instance_type, count)) in groups.iter().enumerate() {
            for _ in 0..*count {
                let z = nodes.len() % zones.len().max(1);
                // Node IPs sit in the zone's subnet (10.0.0.0/20, 10.0.16.0/20, …).
                let ip = format!(
                    "10.0.{}.{}",
                    z * 16 + rng.random_range(0..4),
                    10 + rng.random_range(0..240)
                );
                nodes.push(Node {
                    name: names::node_name(&ip, region),
                    instance_type: instance_type.name.to_string(),
                    zone: zones.get(z).cloned().unwrap_or_default(),
                    allocatable_cpu_millis: instance_type.eks_allocatable_cpu_millis(),
                    allocatable_memory_mib: instance_type.eks_allocatable_memory_mib(),
                    max_pods: instance_type.eks_max_pods(),
                    fargate: false,
                    gone: false,
                    group: Some(gi),
                    unneeded_since: None,
                    draining: false,
                    ready: true,
                    nodeclaim: None,
                    created_at: SimTime::ZERO,
                });
            }
        }
        Cluster {
            now: SimTime::ZERO,
            namespace: "default".into(),
            deployments: Vec::new(),
            nodes,
            replica_sets: Vec::new(),
            pods: Vec::new(),
            events: Vec::new(),
            zones: zones.to_vec(),
            region: region.to_string(),
            images: Vec::new(),
            hpas: Vec::new(),
            node_groups: Vec::new(),
            next_ca_scan: SimTime::ZERO,
            last_scale_up: None,
            karpenter: None,
            samples: Vec::new(),
            tick_counts: Vec::new(),
            rng,
        }
    }

    /// Add a Deployment that is already rolled out at revision 1: every pod running and ready
    /// where the scheduler can place it. Returns its index.
    pub fn add_deployment(&mut self, name: &str, replicas: u32, template: Template) -> usize {
        self.deployments.push(DeploymentState {
            name: name.into(),
            replicas,
            max_surge: IntOrPercent::default(),
            max_unavailable: IntOrPercent::default(),
            min_ready_seconds: 0,
            progress_deadline_seconds: 600,
            template,
            last_progress: self.now,
            progress_deadline_exceeded: false,
            recreate: false,
            fargate: false,
            service: None,
            revision_history_limit: 10,
            load: None,
        });
        let d = self.deployments.len() - 1;
        let rs = self.new_replica_set(d);
        self.replica_sets[rs].spec_replicas = replicas;
        let mut views = self.node_views();
        let req = self.deployments[d].template.requests;
        for _ in 0..replicas {
            let p = self.create_pod(rs, false);
            if let Decision::Bind(n) = scheduler::schedule(&views, req) {
                views[n].requested_cpu_millis += req.cpu_millis;
                views[n].requested_memory_mib += req.memory_mib;
                views[n].pods += 1;
                let now = self.now;
                let pod = &mut self.pods[p];
                pod.node = Some(n);
                pod.state = ContainerState::Running { started_at: now };
                pod.ready = true;
                pod.ready_since = Some(now);
                pod.started = true;
            }
        }
        self.events.clear();
        d
    }

    /// The Deployment called `name`.
    pub fn deployment_index(&self, name: &str) -> Option<usize> {
        self.deployments.iter().position(|d| d.name == name)
    }

    pub(super) fn emit(
        &mut self,
        warning: bool,
        reason: &'static str,
        object: String,
        message: String,
    ) {
        self.events.push(K8sEvent {
            at: self.now,
            warning,
            reason,
            object,
            message,
        });
    }

    fn new_replica_set(&mut self, d: usize) -> usize {
        let revision = self
            .replica_sets
            .iter()
            .filter(|r| r.deployment == d)
            .map(|r| r.revision)
            .max()
            .unwrap_or(0)
            + 1;
        let dep = &self.deployments[d];
        self.replica_sets.push(ReplicaSet {
            name: format!("{}-{}", dep.name, dep.template.hash()),
            deployment: d,
            deleted: false,
            revision,
            template: dep.template.clone(),
            spec_replicas: 0,
        });
        self.replica_sets.len() - 1
    }

    fn create_pod(&mut self, rs: usize, announce: bool) -> usize {
        let name = names::pod_name(&self.replica_sets[rs].name, &mut self.rng);
        let uid = crate::rng::hex(&mut self.rng, 8);
        self.pods.push(Pod {
            name: name.clone(),
            uid,
            replica_set: rs,
            node: None,
            created_at: self.now,
            state: ContainerState::Waiting {
                reason: "ContainerCreating".into(),
            },
            ready: false,
            ready_since: None,
            restarts: 0,
            deleting_at: None,
            gone: false,
            backoff: Backoff::default(),
            due: None,
            readiness_failures: 0,
            liveness_failures: 0,
            startup_failures: 0,
            started: false,
            reported_failed_scheduling: false,
            fargate_ready_at: None,
        });
        if announce {
            let rs_name = self.replica_sets[rs].name.clone();
            self.emit(
                false,
                "SuccessfulCreate",
                format!("replicaset/{rs_name}"),
                messages::created_pod(&name),
            );
        }
        self.pods.len() - 1
    }

    /// What the scheduler sees of every node (one pass over the pods).
    pub(super) fn node_views(&self) -> Vec<NodeView> {
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
                unschedulable: n.fargate || n.gone || n.draining || !n.ready,
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

    /// Change the container image: a new revision rolls out. The image's behaviour comes
    /// from `images`.
    pub fn set_image(&mut self, d: usize, image: &str) {
        let behavior = self.behavior_of(image);
        let now = self.now;
        let dep = &mut self.deployments[d];
        dep.template.image = image.to_string();
        dep.template.behavior = behavior;
        dep.last_progress = now;
        dep.progress_deadline_exceeded = false;
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

    /// Move a Deployment onto Fargate (a Fargate profile selects it): each of its pods is
    /// re-placed on a Fargate node of its own, as if it had been created there.
    pub fn use_fargate(&mut self, d: usize) {
        self.deployments[d].fargate = true;
        for p in 0..self.pods.len() {
            if !self.pods[p].gone && self.replica_sets[self.pods[p].replica_set].deployment == d {
                let n = self.fargate_node_for(p);
                let now = self.now;
                let pod = &mut self.pods[p];
                pod.node = Some(n);
                pod.state = ContainerState::Running { started_at: now };
                pod.ready = true;
                pod.ready_since = Some(now);
                pod.started = true;
            }
        }
    }

    /// `kubectl scale`: a new replica count (no new revision).
    pub fn scale(&mut self, d: usize, replicas: u32) {
        self.deployments[d].replicas = replicas;
    }

    /// Run the controllers and the kubelet for the second ending at `now`.
    pub fn tick_at(&mut self, now: SimTime) {
        self.now = now;
        self.tick();
    }

    /// Events recorded since the last call.
    pub fn take_events(&mut self) -> Vec<K8sEvent> {
        std::mem::take(&mut self.events)
    }

    fn pod_deployment(&self, p: usize) -> usize {
        self.replica_sets[self.pods[p].replica_set].deployment
    }

    /// The pods that are endpoints of the Deployment's Service: ready and not terminating.
    pub fn endpoints(&self, d: usize) -> Vec<usize> {
        (0..self.pods.len())
            .filter(|&p| self.pods[p].counts() && self.pods[p].ready && self.pod_deployment(p) == d)
            .collect()
    }

    /// The ReplicaSet the Deployment's current template belongs to.
    pub fn current_replica_set(&self, d: usize) -> Option<usize> {
        self.current_rs(d)
    }

    /// (updated, old pods still running, updated available) for `kubectl rollout status`.
    pub fn rollout_counts(&self, d: usize) -> (u32, u32, u32) {
        let Some(new) = self.current_rs(d) else {
            return (0, 0, 0);
        };
        let st = self.rs_state(new);
        let old: u32 = (0..self.replica_sets.len())
            .filter(|&i| i != new && self.replica_sets[i].deployment == d)
            .map(|i| {
                self.pods
                    .iter()
                    .filter(|p| p.replica_set == i && !p.gone)
                    .count() as u32
            })
            .sum();
        (st.pods, old, st.available)
    }

    /// Change the template's behaviour along with its image (scenario faults).
    pub fn set_template(&mut self, d: usize, template: Template) {
        let now = self.now;
        let dep = &mut self.deployments[d];
        dep.template = template;
        dep.last_progress = now;
        dep.progress_deadline_exceeded = false;
    }

    /// `kubectl rollout undo`: copy the previous revision's template back.
    pub fn rollout_undo(&mut self, d: usize) -> Result<String, String> {
        let current = self.current_rs(d);
        let prev = self
            .replica_sets
            .iter()
            .enumerate()
            .filter(|(i, r)| Some(*i) != current && r.deployment == d && !r.deleted)
            .max_by_key(|(_, r)| r.revision)
            .map(|(_, r)| r.template.clone());
        match prev {
            Some(t) => {
                self.set_template(d, t);
                Ok(format!(
                    "deployment.apps/{} rolled back",
                    self.deployments[d].name
                ))
            }
            None => Err("error: no rollout history found".into()),
        }
    }

    fn current_rs(&self, d: usize) -> Option<usize> {
        let h = self.deployments[d].template.hash();
        self.replica_sets
            .iter()
            .position(|r| r.deployment == d && !r.deleted && r.template.hash() == h)
    }

    /// The ReplicaSet's state from this second's counts (inside a tick).
    fn rs_state_now(&self, rs: usize) -> RsState {
        match self.tick_counts.get(rs) {
            Some(&(pods, available)) => RsState {
                spec: self.replica_sets[rs].spec_replicas,
                pods,
                available,
            },
            None => self.rs_state(rs),
        }
    }

    fn rs_state(&self, rs: usize) -> RsState {
        let pods: Vec<&Pod> = self
            .pods
            .iter()
            .filter(|p| p.replica_set == rs && p.counts())
            .collect();
        let min_ready =
            Millis::from_secs(self.deployments[self.replica_sets[rs].deployment].min_ready_seconds);
        RsState {
            spec: self.replica_sets[rs].spec_replicas,
            pods: pods.len() as u32,
            available: pods
                .iter()
                .filter(|p| {
                    p.ready
                        && p.ready_since
                            .is_some_and(|t| self.now.since(t) >= min_ready)
                })
                .count() as u32,
        }
    }

    /// A Deployment's pods that count (not terminating), and how many of them are available.
    pub fn totals(&self, d: usize) -> (u32, u32) {
        let states: Vec<RsState> = (0..self.replica_sets.len())
            .filter(|&i| self.replica_sets[i].deployment == d)
            .map(|i| self.rs_state(i))
            .collect();
        (
            states.iter().map(|s| s.pods).sum(),
            states.iter().map(|s| s.available).sum(),
        )
    }

    /// Pods that exist at all, terminating ones included.
    pub fn existing_pods(&self) -> usize {
        self.pods.iter().filter(|p| !p.gone).count()
    }

    /// Advance second by second to `t`.
    pub fn advance_to(&mut self, t: SimTime) {
        while self.now.plus(Millis::from_secs(1)) <= t {
            self.now = self.now.plus(Millis::from_secs(1));
            self.tick();
        }
    }

    /// Count pods and available pods per ReplicaSet in one pass.
    fn count_replica_sets(&mut self) {
        let mut counts = vec![(0u32, 0u32); self.replica_sets.len()];
        for p in &self.pods {
            if !p.counts() {
                continue;
            }
            let rs = p.replica_set;
            let min_ready = Millis::from_secs(
                self.deployments[self.replica_sets[rs].deployment].min_ready_seconds,
            );
            counts[rs].0 += 1;
            if p.ready
                && p.ready_since
                    .is_some_and(|t| self.now.since(t) >= min_ready)
            {
                counts[rs].1 += 1;
            }
        }
        self.tick_counts = counts;
    }

    fn tick(&mut self) {
        self.hpa_sync();
        self.cluster_autoscaler();
        self.karpenter();
        self.count_replica_sets();
        for d in 0..self.deployments.len() {
            self.deployment_sync(d);
        }
        self.replica_set_sync();
        self.schedule_pending();
        for p in 0..self.pods.len() {
            self.kubelet(p);
        }
    }

    fn deployment_sync(&mut self, d: usize) {
        let new = match self.current_rs(d) {
            Some(i) => i,
            None => self.new_replica_set(d),
        };
        // An old ReplicaSet that becomes current again (rollout undo) takes the next revision
        // number, as the deployment controller does.
        let newest = self
            .replica_sets
            .iter()
            .filter(|r| r.deployment == d && !r.deleted)
            .map(|r| r.revision)
            .max()
            .unwrap_or(0);
        if self.replica_sets[new].revision < newest {
            self.replica_sets[new].revision = newest + 1;
        }
        if self.deployments[d].recreate {
            self.recreate_sync(d, new);
            return;
        }
        let dep = &self.deployments[d];
        let replicas = dep.replicas;
        let (surge, unavailable) = resolve_fenceposts(dep.max_surge, dep.max_unavailable, replicas);
        let old: Vec<usize> = {
            let mut v: Vec<usize> = (0..self.replica_sets.len())
                .filter(|&i| {
                    i != new
                        && self.replica_sets[i].deployment == d
                        && self.replica_sets[i].spec_replicas > 0
                })
                .collect();
            v.sort_by_key(|&i| self.replica_sets[i].revision);
            v
        };
        // A lower replica count with no rollout under way (kubectl scale, the HPA): the
        // deployment controller's plain `scale` of the current ReplicaSet.
        if old.is_empty() && self.replica_sets[new].spec_replicas > replicas {
            let from = self.replica_sets[new].spec_replicas;
            self.replica_sets[new].spec_replicas = replicas;
            let name = self.replica_sets[new].name.clone();
            let object = format!("deployment/{}", self.deployments[d].name);
            self.emit(
                false,
                "ScalingReplicaSet",
                object,
                messages::scaled_replica_set(&name, from, replicas),
            );
            return;
        }
        let old_states: Vec<RsState> = old.iter().map(|&i| self.rs_state_now(i)).collect();
        let step = rolling_step(
            replicas,
            surge,
            unavailable,
            self.rs_state_now(new),
            &old_states,
        );
        let object = format!("deployment/{}", self.deployments[d].name);
        match step {
            RolloutStep::ScaleUpNew { from, to } => {
                self.replica_sets[new].spec_replicas = to;
                let name = self.replica_sets[new].name.clone();
                self.emit(
                    false,
                    "ScalingReplicaSet",
                    object,
                    messages::scaled_replica_set(&name, from, to),
                );
                self.deployments[d].last_progress = self.now;
            }
            RolloutStep::ScaleDownOld(changes) => {
                for (k, from, to) in changes {
                    let rs = old[k];
                    self.replica_sets[rs].spec_replicas = to;
                    let name = self.replica_sets[rs].name.clone();
                    self.emit(
                        false,
                        "ScalingReplicaSet",
                        object.clone(),
                        messages::scaled_replica_set(&name, from, to),
                    );
                }
                self.deployments[d].last_progress = self.now;
            }
            RolloutStep::Wait => {}
        }
        // Progress also counts when new pods become available.
        let done = self.rs_state_now(new).available >= replicas
            && old.iter().all(|&i| self.rs_state_now(i).pods == 0);
        let dep = &self.deployments[d];
        if done {
            self.clean_up_history(d, new);
            self.deployments[d].last_progress = self.now;
        } else if !dep.progress_deadline_exceeded
            && self.now.since(dep.last_progress) > Millis::from_secs(dep.progress_deadline_seconds)
        {
            self.deployments[d].progress_deadline_exceeded = true;
            let name = self.replica_sets[new].name.clone();
            let object = format!("deployment/{}", self.deployments[d].name);
            self.emit(
                true,
                "ProgressDeadlineExceeded",
                object,
                format!("ReplicaSet \"{name}\" has timed out progressing."),
            );
        }
    }

    /// Average CPU utilization (percent of request) of a Deployment's ready pods, with a
    /// little seeded noise; (ready pods, utilization).
    pub fn utilization(&mut self, d: usize) -> (u32, f64) {
        let ready = (0..self.pods.len())
            .filter(|&p| self.pods[p].counts() && self.pods[p].ready && self.pod_deployment(p) == d)
            .count() as u32;
        let base = self.deployments[d]
            .load
            .as_ref()
            .map_or(0.0, |l| l.utilization_per_pod(self.now, ready));
        let noise = if base > 0.0 {
            self.rng.random_range(-2.0..2.0)
        } else {
            0.0
        };
        (ready, (base + noise).max(0.0))
    }

    fn hpa_sync(&mut self) {
        for h in 0..self.hpas.len() {
            if self.hpas[h].next_sync > self.now {
                continue;
            }
            self.hpas[h].next_sync = self.now.plus(autoscaling::SYNC);
            let d = self.hpas[h].deployment;
            let current = self.deployments[d].replicas;
            let (ready, utilization) = self.utilization(d);
            let now = self.now;
            if let Some(n) = self.hpas[h].sync(now, current, ready, utilization) {
                self.deployments[d].replicas = n;
                let name = self.hpas[h].name.clone();
                self.emit(
                    false,
                    "SuccessfulRescale",
                    format!("horizontalpodautoscaler/{name}"),
                    autoscaling::rescale_message(n, n > current),
                );
            }
            if d == 0 {
                self.sample();
            }
        }
        if self.hpas.is_empty() && self.now.0.is_multiple_of(autoscaling::SYNC.0) {
            self.sample();
        }
    }

    fn sample(&mut self) {
        if self.deployments.is_empty() {
            return;
        }
        let utilization = self
            .hpas
            .iter()
            .find(|h| h.deployment == 0)
            .map(|h| h.current_utilization)
            .unwrap_or_else(|| {
                let ready = self.endpoints(0).len() as u32;
                self.deployments[0]
                    .load
                    .as_ref()
                    .map_or(0.0, |l| l.utilization_per_pod(self.now, ready))
            });
        let pending = self
            .pods
            .iter()
            .filter(|p| p.counts() && p.node.is_none())
            .count() as u32;
        self.samples.push(Sample {
            at: self.now,
            utilization,
            target: self
                .hpas
                .iter()
                .find(|h| h.deployment == 0)
                .map(|h| h.target_cpu_utilization),
            desired: self.deployments[0].replicas,
            ready: self.endpoints(0).len() as u32,
            pending,
            nodes: self.nodes.iter().filter(|n| !n.gone && !n.fargate).count() as u32,
        });
    }

    /// The Cluster Autoscaler: add nodes for unschedulable pods, remove nodes that stay
    /// under half used for 10 minutes.
    fn cluster_autoscaler(&mut self) {
        // Nodes that finished launching join now.
        for g in 0..self.node_groups.len() {
            let now = self.now;
            let ready: Vec<SimTime> = self.node_groups[g]
                .launching
                .iter()
                .copied()
                .filter(|t| *t <= now)
                .collect();
            self.node_groups[g].launching.retain(|t| *t > now);
            for _ in ready {
                self.join_node(g);
            }
        }
        if self.node_groups.is_empty() || self.now < self.next_ca_scan {
            return;
        }
        self.next_ca_scan = self.now.plus(autoscaling::CA_SCAN);
        self.ca_scale_up();
        self.ca_scale_down();
    }

    fn group_size(&self, g: usize) -> u32 {
        self.nodes
            .iter()
            .filter(|n| !n.gone && n.group == Some(g))
            .count() as u32
    }

    fn template_node(&self, g: usize) -> Option<&Node> {
        self.nodes.iter().find(|n| n.group == Some(g))
    }

    fn join_node(&mut self, g: usize) {
        let Some(template) = self.template_node(g).cloned() else {
            return;
        };
        let z = self.group_size(g) as usize % self.zones.len().max(1);
        let ip = format!(
            "10.0.{}.{}",
            z * 16 + self.rng.random_range(0..4),
            10 + self.rng.random_range(0..240)
        );
        let name = names::node_name(&ip, &self.region);
        self.nodes.push(Node {
            name: name.clone(),
            zone: self.zones.get(z).cloned().unwrap_or_default(),
            gone: false,
            unneeded_since: None,
            draining: false,
            created_at: self.now,
            ..template
        });
        self.emit(
            false,
            "RegisteredNode",
            format!("node/{name}"),
            format!("Node {name} event: Registered Node {name} in Controller"),
        );
    }

    fn ca_scale_up(&mut self) {
        let pending: Vec<usize> = (0..self.pods.len())
            .filter(|&p| {
                self.pods[p].counts()
                    && self.pods[p].node.is_none()
                    && self.pods[p].reported_failed_scheduling
                    && !self.deployments[self.pod_deployment(p)].fargate
            })
            .collect();
        if pending.is_empty() {
            return;
        }
        for g in 0..self.node_groups.len() {
            let Some(t) = self.template_node(g).cloned() else {
                continue;
            };
            // Bin-pack the pending pods onto fresh template nodes to see how many are needed.
            let mut bins: Vec<(u32, u32, u32)> = Vec::new();
            let mut helped = Vec::new();
            for &p in &pending {
                let req = self.replica_sets[self.pods[p].replica_set]
                    .template
                    .requests;
                if req.cpu_millis > t.allocatable_cpu_millis
                    || req.memory_mib > t.allocatable_memory_mib
                {
                    continue;
                }
                match bins.iter_mut().find(|b| {
                    b.0 + req.cpu_millis <= t.allocatable_cpu_millis
                        && b.1 + req.memory_mib <= t.allocatable_memory_mib
                        && b.2 < t.max_pods
                }) {
                    Some(b) => {
                        b.0 += req.cpu_millis;
                        b.1 += req.memory_mib;
                        b.2 += 1;
                    }
                    None => bins.push((req.cpu_millis, req.memory_mib, 1)),
                }
                helped.push(p);
            }
            let ng = &self.node_groups[g];
            let current = self.group_size(g) + ng.launching.len() as u32;
            let needed = (bins.len() as u32).saturating_sub(ng.launching.len() as u32);
            let to = (current + needed).min(ng.max);
            if to <= current || helped.is_empty() {
                continue;
            }
            let (asg, max) = (ng.asg.clone(), ng.max);
            let ready_at = self.now.plus(autoscaling::NODE_LAUNCH);
            for _ in current..to {
                self.node_groups[g].launching.push(ready_at);
            }
            self.last_scale_up = Some(self.now);
            for p in helped {
                let name = self.pods[p].name.clone();
                self.emit(
                    false,
                    "TriggeredScaleUp",
                    format!("pod/{name}"),
                    autoscaling::triggered_scale_up(&asg, current, to, max),
                );
            }
            return;
        }
    }

    fn ca_scale_down(&mut self) {
        let now = self.now;
        if self
            .last_scale_up
            .is_some_and(|t| now.since(t) < autoscaling::SCALE_DOWN_UNNEEDED)
        {
            return;
        }
        let views = self.node_views();
        let mut removed_one = false;
        #[allow(clippy::needless_range_loop)] // `self` is mutated inside the loop
        for n in 0..self.nodes.len() {
            let Some(g) = self.nodes[n].group else {
                continue;
            };
            if self.nodes[n].gone {
                continue;
            }
            if self.nodes[n].draining {
                let empty = !self.pods.iter().any(|p| !p.gone && p.node == Some(n));
                if empty {
                    self.nodes[n].gone = true;
                    let name = self.nodes[n].name.clone();
                    // [inferred] CA's own wording for the removal.
                    self.emit(
                        false,
                        "ScaleDown",
                        format!("node/{name}"),
                        "node removed by cluster autoscaler".into(),
                    );
                }
                continue;
            }
            let v = &views[n];
            let used = (v.requested_cpu_millis as f64 / v.allocatable_cpu_millis.max(1) as f64)
                .max(v.requested_memory_mib as f64 / v.allocatable_memory_mib.max(1) as f64);
            let staying = self
                .nodes
                .iter()
                .filter(|m| !m.gone && !m.draining && m.group == Some(g))
                .count() as u32;
            let can_shrink = staying > self.node_groups[g].min;
            if used >= autoscaling::SCALE_DOWN_THRESHOLD || !can_shrink {
                self.nodes[n].unneeded_since = None;
                continue;
            }
            let since = *self.nodes[n].unneeded_since.get_or_insert(now);
            if removed_one || now.since(since) < autoscaling::SCALE_DOWN_UNNEEDED {
                continue;
            }
            // Drain: evict its pods (their ReplicaSets recreate them elsewhere).
            removed_one = true;
            self.nodes[n].draining = true;
            let name = self.nodes[n].name.clone();
            self.emit(
                false,
                "ScaleDown",
                format!("node/{name}"),
                "marked the node as toBeDeleted/unschedulable".into(),
            );
            let on: Vec<usize> = (0..self.pods.len())
                .filter(|&p| {
                    !self.pods[p].gone
                        && self.pods[p].node == Some(n)
                        && self.pods[p].deleting_at.is_none()
                })
                .collect();
            for p in on {
                let pname = self.pods[p].name.clone();
                self.emit(
                    false,
                    "ScaleDown",
                    format!("pod/{pname}"),
                    "deleting pod for node scale down".into(),
                );
                self.evict(p);
            }
        }
    }

    /// Evict a pod: it terminates, and its ReplicaSet creates a replacement.
    pub(super) fn evict(&mut self, p: usize) {
        let pod = &mut self.pods[p];
        pod.deleting_at = Some(self.now);
        pod.ready = false;
        pod.due = Some(self.now.plus(Millis::from_secs(SIGTERM_EXIT_SECONDS)));
    }

    /// Once a rollout is complete, delete the oldest empty ReplicaSets beyond
    /// `revisionHistoryLimit` (they can no longer be rolled back to).
    fn clean_up_history(&mut self, d: usize, new: usize) {
        let mut old: Vec<usize> = (0..self.replica_sets.len())
            .filter(|&i| {
                let r = &self.replica_sets[i];
                i != new
                    && r.deployment == d
                    && !r.deleted
                    && r.spec_replicas == 0
                    && !self.pods.iter().any(|p| !p.gone && p.replica_set == i)
            })
            .collect();
        let limit = self.deployments[d].revision_history_limit as usize;
        if old.len() <= limit {
            return;
        }
        old.sort_by_key(|&i| self.replica_sets[i].revision);
        let excess = old.len() - limit;
        for &i in old.iter().take(excess) {
            self.replica_sets[i].deleted = true;
        }
    }

    /// `Recreate`: scale every old ReplicaSet to 0, wait until their pods are gone, then scale
    /// the new one up to `replicas` at once.
    fn recreate_sync(&mut self, d: usize, new: usize) {
        let object = format!("deployment/{}", self.deployments[d].name);
        let replicas = self.deployments[d].replicas;
        let mut scaled = false;
        for rs in 0..self.replica_sets.len() {
            if rs != new
                && self.replica_sets[rs].deployment == d
                && self.replica_sets[rs].spec_replicas > 0
            {
                let from = self.replica_sets[rs].spec_replicas;
                self.replica_sets[rs].spec_replicas = 0;
                let name = self.replica_sets[rs].name.clone();
                self.emit(
                    false,
                    "ScalingReplicaSet",
                    object.clone(),
                    messages::scaled_replica_set(&name, from, 0),
                );
                scaled = true;
            }
        }
        if scaled {
            self.deployments[d].last_progress = self.now;
            return;
        }
        let old_pods_left = self.pods.iter().any(|p| {
            !p.gone && p.replica_set != new && self.replica_sets[p.replica_set].deployment == d
        });
        if old_pods_left {
            return;
        }
        let from = self.replica_sets[new].spec_replicas;
        if from != replicas {
            self.replica_sets[new].spec_replicas = replicas;
            let name = self.replica_sets[new].name.clone();
            self.emit(
                false,
                "ScalingReplicaSet",
                object,
                messages::scaled_replica_set(&name, from, replicas),
            );
            self.deployments[d].last_progress = self.now;
        }
    }

    fn replica_set_sync(&mut self) {
        let mut by_rs: Vec<Vec<usize>> = vec![Vec::new(); self.replica_sets.len()];
        for (p, pod) in self.pods.iter().enumerate() {
            if pod.counts() {
                by_rs[pod.replica_set].push(p);
            }
        }
        for (rs, mine) in by_rs.into_iter().enumerate() {
            let want = self.replica_sets[rs].spec_replicas as usize;
            if mine.len() < want {
                for _ in mine.len()..want {
                    self.create_pod(rs, true);
                }
            } else if mine.len() > want {
                // Delete order: unscheduled, then not ready, then newest.
                let mut order = mine.clone();
                order.sort_by_key(|&p| {
                    let pod = &self.pods[p];
                    (
                        pod.node.is_some(),
                        pod.ready,
                        std::cmp::Reverse(pod.created_at),
                    )
                });
                for &p in order.iter().take(mine.len() - want) {
                    self.delete_pod(p);
                }
            }
        }
    }

    fn delete_pod(&mut self, p: usize) {
        let rs_name = self.replica_sets[self.pods[p].replica_set].name.clone();
        let name = self.pods[p].name.clone();
        self.emit(
            false,
            "SuccessfulDelete",
            format!("replicaset/{rs_name}"),
            messages::deleted_pod(&name),
        );
        let pod = &mut self.pods[p];
        pod.deleting_at = Some(self.now);
        pod.ready = false;
        if pod.node.is_none() || !matches!(pod.state, ContainerState::Running { .. }) {
            pod.gone = true;
            return;
        }
        pod.due = Some(self.now.plus(Millis::from_secs(SIGTERM_EXIT_SECONDS)));
        let c = self.replica_sets[self.pods[p].replica_set]
            .template
            .container
            .clone();
        self.emit(
            false,
            "Killing",
            format!("pod/{name}"),
            messages::stopping_container(&c),
        );
    }

    /// A Fargate node sized for one pod: requests rounded up to a Fargate size, plus the
    /// 256 MiB Fargate adds for Kubernetes components [inferred from the EKS Fargate docs].
    fn fargate_node_for(&mut self, p: usize) -> usize {
        let req = self.replica_sets[self.pods[p].replica_set]
            .template
            .requests;
        let cpu = [250u32, 500, 1000, 2000, 4000, 8000, 16000]
            .into_iter()
            .find(|c| *c >= req.cpu_millis)
            .unwrap_or(16000);
        let fargate_cpu_units = cpu * 1024 / 1000;
        let memory = crate::aws::fargate::valid_memory_for_cpu(fargate_cpu_units)
            .and_then(|v| v.into_iter().find(|m| *m >= req.memory_mib + 256))
            .unwrap_or(req.memory_mib + 256);
        let fargate_nodes = self.nodes.iter().filter(|n| n.fargate).count();
        let z = fargate_nodes % self.zones.len().max(1);
        let ip = format!(
            "10.0.{}.{}",
            z * 16 + self.rng.random_range(0..4),
            10 + self.rng.random_range(0..240)
        );
        let host = names::node_name(&ip, &self.region);
        self.nodes.push(Node {
            name: format!("fargate-{host}"),
            instance_type: format!(
                "Fargate {:.2} vCPU / {} GB",
                cpu as f64 / 1000.0,
                memory as f64 / 1024.0
            ),
            zone: self.zones.get(z).cloned().unwrap_or_default(),
            allocatable_cpu_millis: cpu,
            allocatable_memory_mib: memory,
            max_pods: 1,
            fargate: true,
            gone: false,
            group: None,
            unneeded_since: None,
            draining: false,
            ready: true,
            nodeclaim: None,
            created_at: self.now,
        });
        self.nodes.len() - 1
    }

    fn bind(&mut self, p: usize, n: usize) {
        let node = self.nodes[n].name.clone();
        let name = self.pods[p].name.clone();
        self.pods[p].node = Some(n);
        self.pods[p].due = Some(self.now.plus(Millis::from_secs(PULL_SECONDS)));
        let ns = self.namespace.clone();
        self.emit(
            false,
            "Scheduled",
            format!("pod/{name}"),
            messages::scheduled(&ns, &name, &node),
        );
        let image = self.replica_sets[self.pods[p].replica_set]
            .template
            .image
            .clone();
        self.emit(
            false,
            "Pulling",
            format!("pod/{name}"),
            messages::pulling(&image),
        );
    }

    fn schedule_pending(&mut self) {
        for p in 0..self.pods.len() {
            if self.pods[p].node.is_some()
                || !self.pods[p].counts()
                || !self.deployments[self.pod_deployment(p)].fargate
            {
                continue;
            }
            {
                match self.pods[p].fargate_ready_at {
                    None => {
                        self.pods[p].fargate_ready_at =
                            Some(self.now.plus(Millis::from_secs(FARGATE_PROVISION_SECONDS)));
                    }
                    Some(at) if at <= self.now => {
                        let n = self.fargate_node_for(p);
                        self.bind(p, n);
                    }
                    Some(_) => {}
                }
            }
        }
        let mut views: Option<Vec<NodeView>> = None;
        for p in 0..self.pods.len() {
            if self.pods[p].node.is_some()
                || !self.pods[p].counts()
                || self.deployments[self.pod_deployment(p)].fargate
            {
                continue;
            }
            let views = views.get_or_insert_with(|| self.node_views());
            let req = self.replica_sets[self.pods[p].replica_set]
                .template
                .requests;
            match scheduler::schedule(views, req) {
                Decision::Bind(n) => {
                    views[n].requested_cpu_millis += req.cpu_millis;
                    views[n].requested_memory_mib += req.memory_mib;
                    views[n].pods += 1;
                    self.bind(p, n)
                }
                Decision::Unschedulable(msg) => {
                    if !self.pods[p].reported_failed_scheduling {
                        self.pods[p].reported_failed_scheduling = true;
                        let name = self.pods[p].name.clone();
                        self.emit(true, "FailedScheduling", format!("pod/{name}"), msg);
                    }
                }
            }
        }
    }

    fn start_container(&mut self, p: usize) {
        let t = self.replica_sets[self.pods[p].replica_set].template.clone();
        let name = self.pods[p].name.clone();
        self.emit(
            false,
            "Created",
            format!("pod/{name}"),
            messages::created_container(&t.container),
        );
        self.emit(
            false,
            "Started",
            format!("pod/{name}"),
            messages::started_container(&t.container),
        );
        let pod = &mut self.pods[p];
        pod.state = ContainerState::Running {
            started_at: self.now,
        };
        pod.due = None;
        pod.readiness_failures = 0;
        pod.liveness_failures = 0;
        pod.startup_failures = 0;
        pod.started = !t.startup_probe;
        if !t.readiness_probe && !t.startup_probe {
            pod.ready = true;
            pod.ready_since = Some(self.now);
        }
    }

    fn crash(&mut self, p: usize, reason: &str, exit_code: i32) {
        let now = self.now;
        let pod = &mut self.pods[p];
        pod.state = ContainerState::Terminated {
            reason: reason.into(),
            exit_code,
        };
        pod.ready = false;
        pod.ready_since = None;
        let delay = pod.backoff.next_delay(now);
        pod.due = Some(now.plus(delay));
        if delay.0 > 0 {
            let t = &self.replica_sets[self.pods[p].replica_set].template;
            let (c, name, uid) = (
                t.container.clone(),
                self.pods[p].name.clone(),
                self.pods[p].uid.clone(),
            );
            self.pods[p].state = ContainerState::Waiting {
                reason: "CrashLoopBackOff".into(),
            };
            let ns = self.namespace.clone();
            self.emit(
                true,
                "BackOff",
                format!("pod/{name}"),
                messages::back_off_restarting(&c, &name, &ns, &uid),
            );
        }
    }

    fn kubelet(&mut self, p: usize) {
        let now = self.now;
        let pod = &self.pods[p];
        if pod.gone || pod.node.is_none() {
            return;
        }
        // Termination after SIGTERM.
        if pod.deleting_at.is_some() {
            if pod.due.is_none_or(|d| d <= now) {
                self.pods[p].gone = true;
                if let Some(n) = self.pods[p].node
                    && self.nodes[n].fargate
                {
                    self.nodes[n].gone = true;
                }
            }
            return;
        }
        // Fast path: a running container with nothing due this second (most pods, most
        // seconds) costs no allocation.
        match &pod.state {
            ContainerState::Running { started_at } => {
                let t = &self.replica_sets[pod.replica_set].template;
                let up = now.since(*started_at).0 / 1000;
                let b = &t.behavior;
                let crash_due = b.crashes_after_seconds.is_some_and(|a| up >= a)
                    || b.oom_after_seconds.is_some_and(|a| up >= a);
                let probes = t.readiness_probe || t.liveness_probe || !pod.started;
                let probe_due = probes && up != 0 && up.is_multiple_of(PROBE_PERIOD);
                if !crash_due && !probe_due {
                    return;
                }
            }
            ContainerState::Waiting { .. } | ContainerState::Terminated { .. } => {
                if pod.due.is_some_and(|d| d > now) {
                    return;
                }
            }
        }
        let t = self.replica_sets[pod.replica_set].template.clone();
        let name = pod.name.clone();
        match pod.state.clone() {
            ContainerState::Waiting { reason } => {
                if pod.due.is_some_and(|d| d > now) {
                    return;
                }
                if t.behavior.image_missing {
                    if reason == "ContainerCreating" || reason == "ImagePullBackOff" {
                        self.emit(
                            true,
                            "Failed",
                            format!("pod/{name}"),
                            messages::failed_pull(&t.image),
                        );
                        let delay = self.pods[p]
                            .backoff
                            .next_delay(now)
                            .max(Millis::from_secs(10));
                        self.pods[p].state = ContainerState::Waiting {
                            reason: "ImagePullBackOff".into(),
                        };
                        self.pods[p].due = Some(now.plus(delay));
                        self.emit(
                            false,
                            "BackOff",
                            format!("pod/{name}"),
                            messages::back_off_pulling(&t.image),
                        );
                    }
                    return;
                }
                if reason == "ContainerCreating" {
                    let bytes = 50_000_000 + self.rng.random_range(0..90_000_000u64);
                    self.emit(
                        false,
                        "Pulled",
                        format!("pod/{name}"),
                        messages::pulled(&t.image, PULL_SECONDS as f64, bytes),
                    );
                } else {
                    self.pods[p].restarts += 1;
                    self.emit(
                        false,
                        "Pulled",
                        format!("pod/{name}"),
                        messages::already_present(&t.image),
                    );
                }
                self.start_container(p);
            }
            ContainerState::Terminated { .. } => {
                if pod.due.is_some_and(|d| d <= now) {
                    self.pods[p].restarts += 1;
                    self.emit(
                        false,
                        "Pulled",
                        format!("pod/{name}"),
                        messages::already_present(&t.image),
                    );
                    self.start_container(p);
                }
            }
            ContainerState::Running { started_at } => {
                let up = now.since(started_at).0 / 1000;
                if let Some(after) = t.behavior.crashes_after_seconds
                    && up >= after
                {
                    self.crash(p, "Error", 1);
                    return;
                }
                if let Some(after) = t.behavior.oom_after_seconds
                    && up >= after
                {
                    self.crash(p, "OOMKilled", 137);
                    return;
                }
                // Probes every period, counted from the container start.
                if up == 0 || !up.is_multiple_of(PROBE_PERIOD) {
                    return;
                }
                let answering = up >= t.behavior.startup_seconds;
                let ip = format!("10.0.{}.{}", p % 3, 20 + p % 200);
                if !self.pods[p].started {
                    // Liveness and readiness wait until the startup probe succeeds.
                    if answering {
                        self.pods[p].started = true;
                        if !t.readiness_probe {
                            self.pods[p].ready = true;
                            self.pods[p].ready_since = Some(now);
                        }
                    } else {
                        self.pods[p].startup_failures += 1;
                        let out = messages::connection_refused_output(&ip, t.port, "/started");
                        self.emit(
                            true,
                            "Unhealthy",
                            format!("pod/{name}"),
                            messages::probe_failed(ProbeKind::Startup, &out),
                        );
                        if self.pods[p].startup_failures >= STARTUP_FAILURE_THRESHOLD {
                            self.emit(
                                false,
                                "Killing",
                                format!("pod/{name}"),
                                format!(
                                    "Container {} failed startup probe, will be restarted",
                                    t.container
                                ),
                            );
                            self.crash(p, "Error", 137);
                        }
                    }
                    return;
                }
                if t.liveness_probe {
                    let bad = if !answering {
                        Some(messages::connection_refused_output(&ip, t.port, "/healthz"))
                    } else {
                        t.behavior
                            .liveness_fails_with
                            .map(messages::http_status_output)
                    };
                    match bad {
                        Some(out) => {
                            self.pods[p].liveness_failures += 1;
                            self.emit(
                                true,
                                "Unhealthy",
                                format!("pod/{name}"),
                                messages::probe_failed(ProbeKind::Liveness, &out),
                            );
                            if self.pods[p].liveness_failures >= FAILURE_THRESHOLD {
                                self.emit(
                                    false,
                                    "Killing",
                                    format!("pod/{name}"),
                                    messages::killing_liveness(&t.container),
                                );
                                self.crash(p, "Error", 137);
                                return;
                            }
                        }
                        None => self.pods[p].liveness_failures = 0,
                    }
                }
                if t.readiness_probe {
                    let bad = if !answering {
                        Some(messages::connection_refused_output(&ip, t.port, "/ready"))
                    } else {
                        t.behavior
                            .readiness_fails_with
                            .map(messages::http_status_output)
                    };
                    match bad {
                        Some(out) => {
                            self.pods[p].readiness_failures += 1;
                            self.emit(
                                true,
                                "Unhealthy",
                                format!("pod/{name}"),
                                messages::probe_failed(ProbeKind::Readiness, &out),
                            );
                            if self.pods[p].readiness_failures >= FAILURE_THRESHOLD {
                                self.pods[p].ready = false;
                                self.pods[p].ready_since = None;
                            }
                        }
                        None => {
                            self.pods[p].readiness_failures = 0;
                            if !self.pods[p].ready {
                                self.pods[p].ready = true;
                                self.pods[p].ready_since = Some(now);
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::instance_types::lookup;

    fn template(image: &str) -> Template {
        Template {
            container: "web".into(),
            image: image.into(),
            requests: Requests {
                cpu_millis: 250,
                memory_mib: 256,
            },
            port: 8080,
            readiness_probe: true,
            liveness_probe: true,
            startup_probe: false,
            behavior: AppBehavior {
                startup_seconds: 5,
                ..AppBehavior::default()
            },
        }
    }

    fn cluster(replicas: u32) -> Cluster {
        let it = lookup("m5.large").expect("known type");
        Cluster::new(
            7,
            it,
            3,
            &["us-east-1a", "us-east-1b", "us-east-1c"],
            "web",
            replicas,
            template("nginx:1.27"),
        )
    }

    #[test]
    fn a_rollout_of_10_replicas_stays_between_8_and_13_pods() {
        let mut c = cluster(10);
        c.set_image(0, "nginx:1.28");
        let mut first_scale = None;
        for _ in 0..300 {
            c.advance_to(c.now.plus(Millis::from_secs(1)));
            let (pods, available) = c.totals(0);
            assert!(pods <= 13, "{pods} pods at {}", c.now);
            assert!(available >= 8, "{available} available at {}", c.now);
            if first_scale.is_none() {
                first_scale = c
                    .events
                    .iter()
                    .find(|e| e.reason == "ScalingReplicaSet")
                    .cloned();
            }
        }
        let first = first_scale.expect("the rollout starts");
        assert!(
            first.message.starts_with("Scaled up replica set web-")
                && first.message.ends_with(" from 0 to 3"),
            "{}",
            first.message
        );
        let new_rs = c.current_rs(0).expect("new RS");
        assert_eq!(c.rs_state(new_rs).available, 10, "rollout completes");
        assert_eq!(c.replica_sets[new_rs].revision, 2);
        assert_eq!(c.existing_pods(), 10, "old pods are gone");
    }

    #[test]
    fn a_crashing_version_loops_with_growing_back_off_and_undo_restores() {
        let mut c = cluster(3);
        let mut bad = template("nginx:bad-config");
        bad.behavior.crashes_after_seconds = Some(2);
        c.set_template(0, bad);
        c.advance_to(SimTime::from_secs(400));
        let new_rs = c.current_rs(0).expect("new RS");
        let crashing: Vec<&Pod> = c
            .pods
            .iter()
            .filter(|p| p.replica_set == new_rs && !p.gone)
            .collect();
        assert!(!crashing.is_empty());
        assert!(
            crashing.iter().all(|p| p.restarts >= 4),
            "restarts: {:?}",
            crashing.iter().map(|p| p.restarts).collect::<Vec<_>>()
        );
        assert!(c.events.iter().any(|e| {
            e.reason == "BackOff"
                && e.message
                    .starts_with("Back-off restarting failed container web in pod web-")
        }));
        // maxUnavailable 0 for 3 replicas: the old pods keep serving.
        assert_eq!(c.totals(0).1, 3);
        // After 600 s without progress the deadline passes; Kubernetes does not roll back.
        c.advance_to(SimTime::from_secs(700));
        assert!(c.deployments[0].progress_deadline_exceeded);
        assert!(
            c.events
                .iter()
                .any(|e| e.reason == "ProgressDeadlineExceeded")
        );
        assert_eq!(
            c.rollout_undo(0).as_deref(),
            Ok("deployment.apps/web rolled back")
        );
        c.advance_to(SimTime::from_secs(800));
        let (pods, available) = c.totals(0);
        assert_eq!((pods, available), (3, 3));
        assert!(
            c.pods
                .iter()
                .filter(|p| !p.gone)
                .all(|p| p.status() == "Running")
        );
    }

    #[test]
    fn readiness_failures_keep_pods_running_but_out_of_service() {
        let mut c = cluster(3);
        let mut t = template("nginx:1.28");
        t.behavior.readiness_fails_with = Some(503);
        c.set_template(0, t);
        c.advance_to(SimTime::from_secs(120));
        let new_rs = c.current_rs(0).expect("new RS");
        let pods: Vec<&Pod> = c
            .pods
            .iter()
            .filter(|p| p.replica_set == new_rs && !p.gone)
            .collect();
        assert!(!pods.is_empty());
        assert!(
            pods.iter()
                .all(|p| p.status() == "Running" && !p.ready && p.restarts == 0)
        );
        assert!(
            c.events
                .iter()
                .any(|e| e.message
                    == "Readiness probe failed: HTTP probe failed with statuscode: 503")
        );
    }

    #[test]
    fn a_pod_too_big_for_any_node_fails_scheduling() {
        let mut c = cluster(2);
        let mut t = template("nginx:1.28");
        t.requests.cpu_millis = 4000;
        c.set_template(0, t);
        c.advance_to(SimTime::from_secs(30));
        let e = c
            .events
            .iter()
            .find(|e| e.reason == "FailedScheduling")
            .expect("event");
        assert_eq!(
            e.message,
            "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
        );
        assert!(c.pods.iter().any(|p| !p.gone && p.status() == "Pending"));
    }

    #[test]
    fn recreate_stops_every_old_pod_before_starting_new_ones() {
        let mut c = cluster(4);
        c.deployments[0].recreate = true;
        c.set_image(0, "nginx:1.28");
        let mut saw_gap = false;
        for _ in 0..120 {
            c.advance_to(c.now.plus(Millis::from_secs(1)));
            let new = c.current_rs(0).expect("new RS");
            let old_alive = c.pods.iter().any(|p| !p.gone && p.replica_set != new);
            let new_alive = c.pods.iter().any(|p| !p.gone && p.replica_set == new);
            assert!(
                !(old_alive && new_alive),
                "old and new pods together at {}",
                c.now
            );
            saw_gap |= !old_alive && !new_alive;
        }
        assert!(saw_gap, "Recreate has a moment with no pods");
        assert_eq!(c.totals(0), (4, 4));
        let scaling: Vec<&str> = c
            .events
            .iter()
            .filter(|e| e.reason == "ScalingReplicaSet")
            .map(|e| e.message.as_str())
            .collect();
        assert!(
            scaling[0].ends_with("from 4 to 0") && scaling[1].ends_with("from 0 to 4"),
            "{scaling:?}"
        );
    }

    #[test]
    fn a_startup_probe_holds_liveness_back_and_oom_restarts() {
        let mut c = cluster(1);
        let mut t = template("slow:v2");
        t.startup_probe = true;
        // The app needs 60 s to start; liveness alone (3 × 10 s) would kill it first.
        t.behavior.startup_seconds = 60;
        c.set_template(0, t);
        c.advance_to(SimTime::from_secs(120));
        assert!(
            c.events
                .iter()
                .any(|e| e.message.starts_with("Startup probe failed:"))
        );
        assert!(
            !c.events
                .iter()
                .any(|e| e.message.contains("failed liveness probe"))
        );
        let new = c.current_rs(0).expect("new RS");
        assert!(
            c.pods
                .iter()
                .any(|p| !p.gone && p.replica_set == new && p.ready && p.restarts == 0)
        );

        let mut t = template("leaky:v3");
        t.behavior.oom_after_seconds = Some(20);
        c.set_template(0, t);
        c.advance_to(SimTime::from_secs(200));
        let new = c.current_rs(0).expect("new RS");
        let leaky = c
            .pods
            .iter()
            .find(|p| !p.gone && p.replica_set == new)
            .expect("pod");
        assert!(leaky.restarts >= 1);
    }

    #[test]
    fn on_fargate_every_pod_gets_its_own_node() {
        let mut c = Cluster::with_node_groups(
            3,
            &[],
            &["a".into(), "b".into()],
            "us-east-1",
            "web",
            3,
            template("nginx:1.27"),
        );
        c.use_fargate(0);
        assert_eq!(c.nodes.iter().filter(|n| !n.gone).count(), 3);
        assert!(
            c.nodes
                .iter()
                .all(|n| n.fargate && n.max_pods == 1 && n.name.starts_with("fargate-ip-"))
        );
        c.set_image(0, "nginx:1.28");
        c.advance_to(SimTime::from_secs(200));
        assert_eq!(c.totals(0), (3, 3));
        let live: Vec<&Node> = c.nodes.iter().filter(|n| !n.gone).collect();
        assert_eq!(live.len(), 3, "old pods' Fargate nodes went away with them");
        // 250m / 256 MiB rounds up to 0.25 vCPU with 512 MiB (256 MiB request + 256 MiB overhead).
        assert!(
            live.iter()
                .all(|n| n.allocatable_cpu_millis == 250 && n.allocatable_memory_mib == 512)
        );
    }

    #[test]
    fn revision_history_limit_deletes_the_oldest_empty_replica_sets() {
        let mut c = cluster(2);
        c.deployments[0].revision_history_limit = 2;
        for v in 2..=6 {
            c.set_image(0, &format!("nginx:1.{v}"));
            c.advance_to(c.now.plus(Millis::from_secs(120)));
        }
        let kept: Vec<u32> = c
            .replica_sets
            .iter()
            .filter(|r| !r.deleted)
            .map(|r| r.revision)
            .collect();
        assert_eq!(
            kept,
            vec![4, 5, 6],
            "current revision 6 plus the 2 newest old ones"
        );
        // Undo goes to the newest kept revision.
        assert!(c.rollout_undo(0).is_ok());
        c.advance_to(c.now.plus(Millis::from_secs(120)));
        let current = c.current_rs(0).expect("rs");
        assert_eq!(c.replica_sets[current].template.image, "nginx:1.5");
        assert_eq!(
            c.replica_sets[current].revision, 7,
            "the reused ReplicaSet takes the next revision"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_events() {
        let run = || {
            let mut c = cluster(4);
            c.set_image(0, "nginx:1.28");
            c.advance_to(SimTime::from_secs(200));
            c.events.iter().map(K8sEvent::line).collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }
}

#[cfg(test)]
mod two_deployments {
    use super::*;
    use crate::aws::instance_types::lookup;

    #[test]
    fn deployments_roll_out_independently() {
        let it = lookup("m5.large").expect("known type");
        let t = |image: &str| Template {
            container: "app".into(),
            image: image.into(),
            requests: Requests {
                cpu_millis: 100,
                memory_mib: 128,
            },
            port: 8080,
            readiness_probe: true,
            liveness_probe: false,
            startup_probe: false,
            behavior: AppBehavior {
                startup_seconds: 3,
                ..AppBehavior::default()
            },
        };
        let mut c = Cluster::empty(1, &[(it, 2)], &["a".into(), "b".into()], "us-east-1");
        let web = c.add_deployment("web", 3, t("web:1"));
        let api = c.add_deployment("api", 2, t("api:1"));
        assert_eq!((c.totals(web), c.totals(api)), ((3, 3), (2, 2)));
        c.set_image(web, "web:2");
        c.advance_to(SimTime::from_secs(120));
        assert_eq!(c.totals(web), (3, 3));
        assert_eq!(c.totals(api), (2, 2));
        let web_rs = c.current_rs(web).expect("rs");
        assert_eq!(c.replica_sets[web_rs].revision, 2);
        assert_eq!(
            c.replica_sets[c.current_rs(api).expect("rs")].revision,
            1,
            "api untouched"
        );
        assert!(
            c.events
                .iter()
                .all(|e| !e.message.contains("replica set api-"))
        );
    }
}
