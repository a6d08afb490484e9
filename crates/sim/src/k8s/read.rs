//! What the app shows of the EKS cluster, computed here so the view decides nothing: a pod's
//! conditions and probes, a ReplicaSet's and a Deployment's status as kubectl prints them, a
//! node's requested resources. Pure functions of the state and the moment.

use serde::Serialize;

use super::cluster::{ContainerState, EksCluster, Pod};
use super::kubelet;
use super::messages::{self, ProbeKind};
use super::rollout::{resolve_fenceposts, why_fenceposts};
use crate::probe::Verdict;
use crate::time::SimTime;

/// Per-container rows of a pod (state, ready, restarts, why): `read_containers.rs`.
pub use super::read_containers::{ContainerKind, ContainerRow, pod_containers};

/// One entry of a pod's `status.conditions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PodCondition {
    /// `PodScheduled`, `PodReadyToStartContainers`, `Initialized`, `ContainersReady`, `Ready`.
    pub kind: &'static str,
    pub status: bool,
    /// The reason Kubernetes gives when the condition is False.
    pub reason: Option<&'static str>,
}

/// A pod's conditions (`docs/rules/k8s-pods.md#pod-phase-and-kubectl-status`). An unscheduled
/// pod has only `PodScheduled` (False, `Unschedulable` once the scheduler said so); a scheduled
/// one also has its sandbox (`PodReadyToStartContainers`, True once it has an address),
/// `Initialized` (False while an init container has not completed), `ContainersReady` and `Ready`
/// (the readiness of its one container; `ContainersNotReady` when False).
pub fn pod_conditions(pod: &Pod) -> Vec<PodCondition> {
    let cond = |kind, status: bool, reason| PodCondition {
        kind,
        status,
        reason: (!status).then_some(reason).flatten(),
    };
    if pod.node.is_none() {
        let reason = pod.reported_failed_scheduling.then_some("Unschedulable");
        return vec![cond("PodScheduled", false, reason)];
    }
    let not_ready = Some("ContainersNotReady");
    // Initialized stays False while an init container has not completed
    // (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-conditions).
    let initializing =
        matches!(&pod.state, ContainerState::Waiting { reason } if reason.starts_with("Init:"));
    vec![
        cond("PodScheduled", true, None),
        cond("PodReadyToStartContainers", pod.ip.is_some(), None),
        cond(
            "Initialized",
            !initializing,
            Some("ContainersNotInitialized"),
        ),
        cond("ContainersReady", pod.ready, not_ready),
        cond("Ready", pod.ready, not_ready),
    ]
}

/// A probe of a pod's container as `kubectl describe pod` shows it
/// (`http-get http://:8080/ready delay=0s timeout=1s period=10s #success=1 #failure=3`), with
/// its progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeSettings {
    pub kind: ProbeKind,
    pub path: &'static str,
    pub port: u16,
    pub period_seconds: u64,
    pub timeout_seconds: u64,
    pub success_threshold: u32,
    pub failure_threshold: u32,
    /// Its verdict for the running container, if the probe runs now (liveness and readiness
    /// wait for a startup probe).
    pub verdict: Option<Verdict>,
    /// Consecutive failures so far ("2 of 3").
    pub consecutive_failures: u32,
}

impl ProbeSettings {
    /// `Liveness`, `Readiness` or `Startup`.
    pub fn name(&self) -> &'static str {
        match self.kind {
            ProbeKind::Liveness => "Liveness",
            ProbeKind::Readiness => "Readiness",
            ProbeKind::Startup => "Startup",
        }
    }

    /// The handler and timing as `kubectl describe pod` prints them:
    /// `http-get http://:8080/ready delay=0s timeout=1s period=10s #success=1 #failure=3`.
    pub fn describe(&self) -> String {
        format!(
            "http-get http://:{}{} delay=0s timeout={}s period={}s #success={} #failure={}",
            self.port,
            self.path,
            self.timeout_seconds,
            self.period_seconds,
            self.success_threshold,
            self.failure_threshold
        )
    }
}

/// The probes a pod's container uses, with the Kubernetes defaults Orca applies.
pub fn probe_settings(c: &EksCluster, p: usize) -> Vec<ProbeSettings> {
    let pod = &c.pods[p];
    template_probes(c.template_of(p))
        .into_iter()
        .map(|mut s| {
            let worker = match s.kind {
                ProbeKind::Startup => &pod.probes.startup,
                ProbeKind::Liveness => &pod.probes.liveness,
                ProbeKind::Readiness => &pod.probes.readiness,
            };
            s.verdict = worker.as_ref().map(|w| w.prober.verdict);
            s.consecutive_failures = worker.as_ref().map_or(0, |w| w.prober.consecutive_failures);
            s
        })
        .collect()
}

/// The probes a template's container sets, in the order kubectl describes them (liveness,
/// readiness, startup: `describeContainerProbe`), with the Kubernetes defaults Orca applies
/// and no progress.
pub fn template_probes(t: &super::cluster::Template) -> Vec<ProbeSettings> {
    [
        (ProbeKind::Liveness, t.liveness_probe),
        (ProbeKind::Readiness, t.readiness_probe),
        (ProbeKind::Startup, t.startup_probe),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(kind, _)| {
        let th = kubelet::thresholds(kind);
        ProbeSettings {
            kind,
            path: kubelet::path(kind),
            port: t.port,
            period_seconds: kubelet::PROBE_PERIOD.0 / 1000,
            timeout_seconds: kubelet::PROBE_TIMEOUT.0 / 1000,
            success_threshold: th.healthy_from_unhealthy,
            failure_threshold: th.unhealthy_after,
            verdict: None,
            consecutive_failures: 0,
        }
    })
    .collect()
}

/// A ReplicaSet's `status` (`kubectl get rs`: DESIRED, CURRENT, READY; and AVAILABLE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplicaSetStatus {
    /// `spec.replicas` (DESIRED).
    pub desired: u32,
    /// `status.replicas`: pods that exist and are not terminating (CURRENT).
    pub replicas: u32,
    /// `status.readyReplicas`.
    pub ready_replicas: u32,
    /// `status.availableReplicas`: ready for at least the Deployment's `minReadySeconds`.
    pub available_replicas: u32,
}

pub fn replica_set_status(c: &EksCluster, rs: usize, now: SimTime) -> ReplicaSetStatus {
    let mut s = ReplicaSetStatus {
        desired: c.replica_sets[rs].spec_replicas,
        replicas: 0,
        ready_replicas: 0,
        available_replicas: 0,
    };
    for (p, pod) in c.pods.iter().enumerate() {
        if pod.replica_set != rs || !pod.counts() {
            continue;
        }
        s.replicas += 1;
        s.ready_replicas += u32::from(pod.ready);
        s.available_replicas += u32::from(c.is_available(p, now));
    }
    s
}

/// A Deployment as `kubectl get deploy` prints it: READY `ready/replicas`, UP-TO-DATE,
/// AVAILABLE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeploymentStatus {
    /// `spec.replicas`.
    pub replicas: u32,
    /// `status.readyReplicas` over every ReplicaSet.
    pub ready_replicas: u32,
    /// `status.updatedReplicas`: pods of the current template, not terminating.
    pub updated_replicas: u32,
    /// `status.availableReplicas`.
    pub available_replicas: u32,
    /// `status.replicas`: every pod that is not terminating.
    pub total_replicas: u32,
}

impl DeploymentStatus {
    /// The READY column: `2/3`.
    pub fn ready_column(&self) -> String {
        format!("{}/{}", self.ready_replicas, self.replicas)
    }
}

pub fn deployment_status(c: &EksCluster, d: usize, now: SimTime) -> DeploymentStatus {
    let current = c.current_replica_set(d);
    let mut s = DeploymentStatus {
        replicas: c.deployments[d].replicas,
        ready_replicas: 0,
        updated_replicas: 0,
        available_replicas: 0,
        total_replicas: 0,
    };
    for rs in (0..c.replica_sets.len()).filter(|&rs| c.replica_sets[rs].deployment == d) {
        let r = replica_set_status(c, rs, now);
        s.ready_replicas += r.ready_replicas;
        s.available_replicas += r.available_replicas;
        s.total_replicas += r.replicas;
        if Some(rs) == current {
            s.updated_replicas = r.replicas;
        }
    }
    s
}

/// One of a Deployment's `status.conditions`, as `kubectl describe deployment` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeploymentConditionView {
    /// `Available` or `Progressing`.
    pub kind: &'static str,
    pub status: bool,
    /// The status is `Unknown` (a paused or just resumed Deployment's `Progressing`).
    pub unknown: bool,
    pub reason: String,
    pub message: String,
}

/// `Available` (at least `replicas − maxUnavailable` available pods) and `Progressing` (kept
/// by the deployment controller, `progress.rs`).
pub fn deployment_conditions(
    c: &EksCluster,
    d: usize,
    now: SimTime,
) -> Vec<DeploymentConditionView> {
    let dep = &c.deployments[d];
    let (_, unavailable) = resolve_fenceposts(dep.max_surge, dep.max_unavailable, dep.replicas);
    let available = deployment_status(c, d, now).available_replicas >= dep.replicas - unavailable;
    let mut out = vec![if available {
        DeploymentConditionView {
            kind: "Available",
            status: true,
            unknown: false,
            reason: "MinimumReplicasAvailable".into(),
            message: "Deployment has minimum availability.".into(),
        }
    } else {
        DeploymentConditionView {
            kind: "Available",
            status: false,
            unknown: false,
            reason: "MinimumReplicasUnavailable".into(),
            message: "Deployment does not have minimum availability.".into(),
        }
    }];
    if let Some(p) = &dep.progressing {
        out.push(DeploymentConditionView {
            kind: "Progressing",
            status: p.status,
            unknown: p.unknown,
            reason: p.reason.clone(),
            message: p.message.clone(),
        });
    }
    out
}

/// What `kubectl rollout status deployment/<name>` prints now.
pub fn rollout_status(c: &EksCluster, d: usize, now: SimTime) -> String {
    let dep = &c.deployments[d];
    if dep.progress_deadline_exceeded {
        return messages::progress_deadline_exceeded(&dep.name);
    }
    let (updated, old, updated_available) = c.rollout_counts(d, now);
    messages::rollout_status(&dep.name, dep.replicas, updated, old, updated_available)
}

/// The bounds a rolling update keeps: at least `min_available` available pods and at most
/// `max_pods` pods, and why (the fenceposts' rounding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RolloutBounds {
    /// maxSurge and maxUnavailable resolved to pod counts (surge rounds up, unavailable down).
    pub max_surge: u32,
    pub max_unavailable: u32,
    pub min_available: u32,
    pub max_pods: u32,
    pub why: String,
}

pub fn rollout_bounds(c: &EksCluster, d: usize) -> RolloutBounds {
    let dep = &c.deployments[d];
    let (surge, unavailable) = resolve_fenceposts(dep.max_surge, dep.max_unavailable, dep.replicas);
    RolloutBounds {
        max_surge: surge,
        max_unavailable: unavailable,
        min_available: dep.replicas - unavailable,
        max_pods: dep.replicas + surge,
        why: why_fenceposts(dep.max_surge, dep.max_unavailable, dep.replicas),
    }
}

/// What the pods on a node request of it, as `kubectl describe node` sums it ("Allocated
/// resources"), and how many pods it holds of its max-pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NodeUsage {
    pub requested_cpu_millis: u32,
    pub allocatable_cpu_millis: u32,
    pub requested_memory_mib: u32,
    pub allocatable_memory_mib: u32,
    pub pods: u32,
    pub max_pods: u32,
}

impl NodeUsage {
    /// Requested CPU as a percentage of allocatable, rounded down as kubectl prints it.
    pub fn cpu_percent(&self) -> u32 {
        (self.requested_cpu_millis as u64 * 100 / self.allocatable_cpu_millis.max(1) as u64) as u32
    }

    pub fn memory_percent(&self) -> u32 {
        (self.requested_memory_mib as u64 * 100 / self.allocatable_memory_mib.max(1) as u64) as u32
    }
}

/// The requests of every pod bound to the node that still exists (terminating pods hold their
/// requests until they are gone, as the scheduler counts them).
pub fn node_usage(c: &EksCluster, n: usize) -> NodeUsage {
    let node = &c.nodes[n];
    let mut u = NodeUsage {
        requested_cpu_millis: 0,
        allocatable_cpu_millis: node.allocatable_cpu_millis,
        requested_memory_mib: 0,
        allocatable_memory_mib: node.allocatable_memory_mib,
        pods: 0,
        max_pods: node.max_pods,
    };
    for (p, pod) in c.pods.iter().enumerate() {
        if pod.gone || pod.node != Some(n) {
            continue;
        }
        let req = c.requests_of(p);
        u.requested_cpu_millis += req.cpu_millis;
        u.requested_memory_mib += req.memory_mib;
        u.pods += 1;
    }
    u
}

/// The pods bound to node `n` that are not gone (terminating ones included: they hold their
/// requests and count against max-pods until they are gone), in creation order.
pub fn pods_on_node(c: &EksCluster, n: usize) -> Vec<usize> {
    (0..c.pods.len())
        .filter(|&p| !c.pods[p].gone && c.pods[p].node == Some(n))
        .collect()
}

/// The cluster's namespaces, sorted as the API server lists them: the four every cluster has
/// (`default`, `kube-node-lease`, `kube-public`, `kube-system`; Kubernetes documentation,
/// "Namespaces", Initial namespaces) and those the scenario's workloads and claims live in.
pub fn namespaces(c: &EksCluster) -> Vec<String> {
    let mut v: Vec<String> = ["default", "kube-node-lease", "kube-public", "kube-system"]
        .into_iter()
        .map(String::from)
        .chain(c.deployments.iter().map(|d| d.namespace.clone()))
        .chain(c.storage.claims.iter().map(|cl| cl.namespace.clone()))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Whether pod `p` belongs to one of EKS's own `kube-system` workloads (aws-node, kube-proxy,
/// CoreDNS…): the canvas counts them on their node instead of drawing a card each.
pub fn is_system_pod(c: &EksCluster, p: usize) -> bool {
    c.deployments[c.replica_sets[c.pods[p].replica_set].deployment].system
}

/// A workload in one line, as `kubectl get deploy` / `get ds` would sum it up: kind, name, and
/// ready pods over the pods it wants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkloadReady {
    /// Its index in `EksCluster::deployments`.
    pub index: usize,
    /// `deployment` or `daemonset`.
    pub kind: &'static str,
    pub name: String,
    pub namespace: String,
    pub system: bool,
    pub ready: u32,
    pub desired: u32,
}

/// Every workload of the cluster, the scenario's first, then EKS's own.
pub fn workloads(c: &EksCluster, now: SimTime) -> Vec<WorkloadReady> {
    let mut out: Vec<WorkloadReady> = (0..c.deployments.len())
        .map(|d| {
            let dep = &c.deployments[d];
            let (kind, ready, desired) = if c.is_daemon_set(d) {
                let s = super::daemonset_controller::status(c, d, now);
                ("daemonset", s.ready, s.desired)
            } else if dep.kind == super::cluster::WorkloadKind::StatefulSet {
                let s = super::statefulset_read::status(c, d, now);
                ("statefulset", s.ready, s.replicas)
            } else {
                let s = deployment_status(c, d, now);
                ("deployment", s.ready_replicas, s.replicas)
            };
            WorkloadReady {
                index: d,
                kind,
                name: dep.name.clone(),
                namespace: dep.namespace.clone(),
                system: dep.system,
                ready,
                desired,
            }
        })
        .collect();
    out.sort_by_key(|w| w.system);
    out
}

/// The pods of Deployment `d` that are not gone, through its ReplicaSets.
pub fn pods_of_deployment(c: &EksCluster, d: usize) -> Vec<usize> {
    (0..c.pods.len())
        .filter(|&p| !c.pods[p].gone && c.replica_sets[c.pods[p].replica_set].deployment == d)
        .collect()
}

/// kubectl's READY column of pod `p`: ready containers over containers, app containers and
/// native sidecars (ordinary init containers do not count).
pub fn ready_containers(c: &EksCluster, p: usize) -> (u32, u32) {
    let pod = &c.pods[p];
    if pod.side.is_empty() {
        return (u32::from(pod.ready), 1);
    }
    let (ready, of) = pod.ready_counts(c.template_of(p));
    (ready as u32, of as u32)
}

/// Why a pod with no node waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PendingReason {
    /// A Fargate pod: Fargate is making its node.
    FargateProvisioning,
    /// Karpenter nominated it to a NodeClaim it is launching.
    Nominated,
    /// No node has room (or the scheduler has not tried yet): `FailedScheduling`.
    Unschedulable,
}

pub fn pending_reason(c: &EksCluster, p: usize) -> PendingReason {
    let pod = &c.pods[p];
    if c.deployments[c.replica_sets[pod.replica_set].deployment].fargate {
        PendingReason::FargateProvisioning
    } else if c
        .karpenter
        .as_ref()
        .is_some_and(|k| k.nominated.contains_key(&p))
    {
        PendingReason::Nominated
    } else {
        PendingReason::Unschedulable
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::instance_types::lookup;
    use crate::k8s::cluster::{AppBehavior, Template};
    use crate::k8s::scheduler::Requests;
    use crate::k8s::setup;
    use crate::net::Network;
    use crate::rng::Rngs;

    fn template() -> Template {
        Template {
            container: "web".into(),
            image: "web:v1".into(),
            pull_policy: crate::scenario::spec::ImagePullPolicy::IfNotPresent,
            requests: Requests {
                cpu_millis: 250,
                memory_mib: 256,
            },
            cpu_requested: true,
            own: Requests {
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
            restarted_at: None,
            claim: None,
            init_containers: Vec::new(),
            containers: Vec::new(),
        }
    }

    /// Two m5.large nodes (1,930m allocatable) and `web` with 3 pods running since 0:00.
    fn cluster(replicas: u32) -> EksCluster {
        let mut c = EksCluster::new();
        let mut net = Network::new(
            "us-east-1",
            "1",
            &["us-east-1a".into(), "us-east-1b".into()],
        );
        let mut rngs = Rngs::new(1);
        setup::add_node_groups(&mut c, &mut net, &[(lookup("m5.large").expect("type"), 2)]);
        setup::add_deployment(
            &mut c,
            &mut net,
            &mut rngs.names,
            "web",
            replicas,
            template(),
        );
        c
    }

    fn s(x: u64) -> SimTime {
        SimTime::from_secs(x)
    }

    #[test]
    fn a_running_ready_pod_has_every_condition_true() {
        let c = cluster(3);
        let conditions = pod_conditions(&c.pods[0]);
        let kinds: Vec<&str> = conditions.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                "PodScheduled",
                "PodReadyToStartContainers",
                "Initialized",
                "ContainersReady",
                "Ready"
            ]
        );
        assert!(conditions.iter().all(|c| c.status && c.reason.is_none()));
    }

    #[test]
    fn a_not_ready_pod_and_an_unschedulable_one() {
        let mut c = cluster(3);
        c.pods[0].ready = false;
        let ready = pod_conditions(&c.pods[0]);
        assert_eq!(
            ready[4],
            PodCondition {
                kind: "Ready",
                status: false,
                reason: Some("ContainersNotReady")
            }
        );
        assert_eq!(ready[3].reason, Some("ContainersNotReady"));
        c.pods[1].node = None;
        assert_eq!(
            pod_conditions(&c.pods[1]),
            [PodCondition {
                kind: "PodScheduled",
                status: false,
                reason: None
            }]
        );
        c.pods[1].reported_failed_scheduling = true;
        assert_eq!(pod_conditions(&c.pods[1])[0].reason, Some("Unschedulable"));
    }

    #[test]
    fn probes_use_the_kubernetes_defaults() {
        let c = cluster(1);
        let probes = probe_settings(&c, 0);
        assert_eq!(probes.len(), 2);
        // Liveness, then readiness, as kubectl describes them.
        assert_eq!(probes[0].kind, ProbeKind::Liveness);
        let readiness = &probes[1];
        assert_eq!(readiness.kind, ProbeKind::Readiness);
        assert_eq!(readiness.path, "/ready");
        assert_eq!(
            (
                readiness.period_seconds,
                readiness.timeout_seconds,
                readiness.success_threshold,
                readiness.failure_threshold
            ),
            (10, 1, 1, 3)
        );
        assert_eq!(readiness.verdict, Some(Verdict::Healthy));
        let mut c = c;
        c.replica_sets[0].template.startup_probe = true;
        let startup = &probe_settings(&c, 0)[2];
        assert_eq!(startup.kind, ProbeKind::Startup);
        assert_eq!(startup.failure_threshold, 30, "startup: 30 × 10 s");
    }

    #[test]
    fn available_honours_min_ready_seconds() {
        let mut c = cluster(3);
        c.deployments[0].min_ready_seconds = 10;
        // One pod became ready at 0:25: ready, but at 0:30 not yet available for 10 s.
        c.pods[2].ready_since = Some(s(25));
        c.pods[1].ready = false;
        c.pods[1].ready_since = None;
        let st = replica_set_status(&c, 0, s(30));
        assert_eq!(
            st,
            ReplicaSetStatus {
                desired: 3,
                replicas: 3,
                ready_replicas: 2,
                available_replicas: 1
            }
        );
        assert_eq!(replica_set_status(&c, 0, s(35)).available_replicas, 2);
        let d = deployment_status(&c, 0, s(30));
        assert_eq!(d.ready_column(), "2/3");
        assert_eq!((d.updated_replicas, d.available_replicas), (3, 1));
    }

    #[test]
    fn a_terminating_pod_leaves_the_counts_but_not_its_node() {
        let mut c = cluster(3);
        c.pods[0].deleting_at = Some(s(10));
        c.pods[0].ready = false;
        assert_eq!(replica_set_status(&c, 0, s(10)).replicas, 2);
        let n = c.pods[0].node.expect("bound");
        let on = c.pods.iter().filter(|p| p.node == Some(n)).count() as u32;
        let u = node_usage(&c, n);
        assert_eq!(u.pods, on);
        assert_eq!(u.requested_cpu_millis, 250 * on);
        assert_eq!(u.allocatable_cpu_millis, 1930);
        assert_eq!(u.max_pods, 29);
    }

    #[test]
    fn node_usage_sums_the_requests_kubectl_shows() {
        let c = cluster(3);
        // Least allocated spreads: 2 pods on one node, 1 on the other.
        let mut counts: Vec<u32> = (0..2).map(|n| node_usage(&c, n).pods).collect();
        counts.sort();
        assert_eq!(counts, [1, 2]);
        let busy = (0..2)
            .find(|&n| node_usage(&c, n).pods == 2)
            .expect("a node with 2");
        let u = node_usage(&c, busy);
        assert_eq!((u.requested_cpu_millis, u.requested_memory_mib), (500, 512));
        assert_eq!(u.cpu_percent(), 25, "500m of 1,930m, rounded down");
    }

    #[test]
    fn rollout_bounds_and_status() {
        let c = cluster(10);
        let b = rollout_bounds(&c, 0);
        assert_eq!((b.min_available, b.max_pods), (8, 13));
        assert!(b.why.starts_with("maxSurge 25% of 10 rounds up to 3"));
        assert_eq!(
            rollout_status(&c, 0, s(1)),
            "deployment \"web\" successfully rolled out"
        );
        let conditions = deployment_conditions(&c, 0, s(1));
        assert_eq!(
            conditions
                .iter()
                .map(|c| (c.kind, c.status, c.reason.as_str()))
                .collect::<Vec<_>>(),
            [
                ("Available", true, "MinimumReplicasAvailable"),
                ("Progressing", true, "NewReplicaSetAvailable")
            ]
        );
    }
}
