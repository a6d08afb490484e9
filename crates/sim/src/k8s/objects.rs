//! Making and removing the objects several controllers share: a ReplicaSet for a Deployment's
//! template, a pod with its generated name, the eviction of a pod, a node joining the cluster.

use rand_chacha::ChaCha8Rng;

use super::backoff::{Backoff, PullBackoff};
use super::cluster::{ContainerState, EksCluster, EksCtx, Node, Pod, Probes, ReplicaSet};
use super::events;
use super::names;
use crate::aws::instance_types::InstanceType;
use crate::net::Network;
use crate::time::{Millis, SimTime};

/// A well-behaved app exits this long after SIGTERM [model].
pub const SIGTERM_EXIT_SECONDS: u64 = 2;

/// A new ReplicaSet for the Deployment's current template, at the next revision, with no
/// replicas yet, created at `now`.
pub fn new_replica_set(c: &mut EksCluster, d: usize, now: SimTime) -> usize {
    c.see_replica_sets();
    let revision = c
        .counts
        .replica_sets_of(d)
        .iter()
        .map(|&i| c.replica_sets[i].revision)
        .max()
        .unwrap_or(0)
        + 1;
    let dep = &c.deployments[d];
    let hash = dep.template.hash();
    let (surge, _) =
        super::rollout::resolve_fenceposts(dep.max_surge, dep.max_unavailable, dep.replicas);
    c.replica_sets.push(ReplicaSet {
        name: format!("{}-{hash}", dep.name),
        deployment: d,
        deleted: false,
        revision,
        template: dep.template.clone(),
        pod_template_hash: hash,
        spec_replicas: 0,
        desired_replicas: Some(dep.replicas),
        max_replicas: Some(dep.replicas + if dep.recreate { 0 } else { surge }),
        scaled_why: None,
        created_at: now,
    });
    c.see_replica_sets();
    c.replica_sets.len() - 1
}

/// A new pod of a ReplicaSet, Pending: `<replicaset>-<5 random characters>` and a uid, drawn
/// from the `names` stream.
pub fn new_pod(c: &mut EksCluster, names_rng: &mut ChaCha8Rng, rs: usize, now: SimTime) -> usize {
    let name = names::pod_name(&c.replica_sets[rs].name, names_rng);
    let uid = crate::rng::hex(names_rng, 8);
    push_pod(c, rs, name, uid, now)
}

/// A new pod of one of EKS's own workloads or of a DaemonSet: `<prefix>-<5 characters>`, the
/// characters and the uid derived from `seed` (the node's name for a DaemonSet pod) and the
/// run's seed ([`EksCluster::name_seed`]) rather
/// than drawn from the `names` stream, so that the scenario's pod names do not depend on how
/// many nodes or system pods there are [model: Kubernetes draws them at random].
pub fn new_pod_hashed(
    c: &mut EksCluster,
    rs: usize,
    prefix: &str,
    seed: &str,
    now: SimTime,
) -> usize {
    // The run's seed is part of the hash: another seed, other names.
    let (suffix, uid) =
        names::hashed_suffix_and_uid(&format!("{prefix}|{seed}|{}|{}", c.pods.len(), c.name_seed));
    push_pod(c, rs, format!("{prefix}-{suffix}"), uid, now)
}

/// A new pod with a name its controller chose (a StatefulSet's `<set>-<ordinal>`), its uid
/// derived from the name, the number of pods so far and the run's seed [model: Kubernetes
/// draws uids at random].
pub fn new_pod_named(c: &mut EksCluster, rs: usize, name: String, now: SimTime) -> usize {
    let (_, uid) =
        names::hashed_suffix_and_uid(&format!("{name}|{}|{}", c.pods.len(), c.name_seed));
    push_pod(c, rs, name, uid, now)
}

fn push_pod(c: &mut EksCluster, rs: usize, name: String, uid: String, now: SimTime) -> usize {
    c.pods.push(Pod {
        name,
        uid,
        replica_set: rs,
        node: None,
        ip: None,
        created_at: now,
        state: ContainerState::Waiting {
            reason: "ContainerCreating".into(),
        },
        ready: false,
        ready_since: None,
        restarts: 0,
        deleting_at: None,
        gone: false,
        backoff: Backoff::default(),
        pull_backoff: PullBackoff::default(),
        pulling: None,
        due: None,
        probes: Probes::default(),
        probe_due: None,
        exits_at: None,
        started: false,
        reported_failed_scheduling: false,
        fargate_ready_at: None,
        daemon_node: None,
        init_done: 0,
        init_running: false,
        side: Vec::new(),
        why: Vec::new(),
    });
    c.pods.len() - 1
}

/// Evict a pod (the API's graceful delete) for the reason given: it terminates, and its
/// ReplicaSet creates a replacement.
pub fn evict(c: &mut EksCluster, p: usize, now: SimTime, why: String) {
    let pod = &mut c.pods[p];
    pod.explain(now, why);
    pod.deleting_at = Some(now);
    pod.ready = false;
    pod.due = Some(now.plus(Millis::from_secs(SIGTERM_EXIT_SECONDS)));
    c.wake.kubelet(p);
    c.counts.touch(p);
}

/// A controller deleted pod `p` (its `SuccessfulDelete` is already recorded): it stops being
/// ready and terminates — at once if it never ran or has no node, else its container gets
/// SIGTERM (the kubelet's `Killing` event) and exits [`SIGTERM_EXIT_SECONDS`] later.
pub fn terminate(ctx: &mut EksCtx, p: usize) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    let pod = &mut c.pods[p];
    pod.deleting_at = Some(now);
    pod.ready = false;
    c.counts.touch(p);
    if pod.node.is_none() || !matches!(pod.state, ContainerState::Running { .. }) {
        pod_gone(c, ctx.net, p);
        return;
    }
    pod.due = Some(now.plus(Millis::from_secs(SIGTERM_EXIT_SECONDS)));
    let name = pod.name.clone();
    c.wake.kubelet(p);
    let container = c.template_of(p).container.clone();
    events::stopping(ctx, &name, &container);
    super::sidecars::sigterm_apps(ctx, p);
}

/// The pod object is gone: its address goes back to its node's subnet (a pod on Fargate
/// shares its node's address, which goes with the node).
pub fn pod_gone(c: &mut EksCluster, net: &mut Network, p: usize) {
    let host_network = c.deployments[c.pod_deployment(p)].host_network;
    let pod = &mut c.pods[p];
    pod.gone = true;
    c.counts.touch(p);
    let Some(ip) = pod.ip.take() else {
        return;
    };
    if let Some(n) = pod.node
        && !c.nodes[n].fargate
        && !host_network
        && let Some(z) = net.zone_index(&c.nodes[n].zone)
    {
        net.release_ip(z, &ip);
    }
}

/// The node object is gone and its instance terminated: its address goes back to the subnet,
/// and the pods still bound to it (its DaemonSet pods) go with it.
pub fn node_gone(c: &mut EksCluster, net: &mut Network, n: usize) {
    for p in 0..c.pods.len() {
        if c.pods[p].node == Some(n) && !c.pods[p].gone {
            pod_gone(c, net, p);
        }
    }
    let node = &mut c.nodes[n];
    node.gone = true;
    if let Some(z) = net.zone_index(&node.zone) {
        net.release_ip(z, &node.private_ip);
    }
}

/// A pod bound to an EC2 node takes an address of the node's subnet: the VPC CNI gives each
/// pod a VPC address (`docs/rules/k8s-scheduling.md#node-allocatable-on-eks`); a pod on the
/// host network, or on Fargate, shares the node's. `None` when the subnet is full.
pub fn assign_pod_ip(c: &mut EksCluster, net: &mut Network, p: usize) -> Option<String> {
    let n = c.pods[p].node?;
    let node = &c.nodes[n];
    let host_network = c.deployments[c.pod_deployment(p)].host_network;
    let ip = if node.fargate || host_network {
        Some(node.private_ip.clone())
    } else {
        net.try_allocate_ip(net.zone_index(&node.zone)?)
    };
    c.pods[p].ip = ip.clone();
    ip
}

/// A node like `template` (a managed node group's first node) in the i-th zone, with an
/// address of its own. `None` when the subnet is full.
pub fn node_like(template: &Node, net: &mut Network, zone: usize, now: SimTime) -> Option<Node> {
    let ip = net.try_allocate_ip(zone)?;
    Some(Node {
        name: names::node_name(&ip, &net.region),
        private_ip: ip,
        zone: net.zones[zone].name.to_string(),
        gone: false,
        unneeded_since: None,
        draining: false,
        to_be_deleted_at: None,
        cordoned: false,
        created_at: now,
        images: Vec::new(),
        ..template.clone()
    })
}

/// A node of an EC2 instance type in the i-th zone, with an address of the zone's subnet and
/// named after it (`ip-10-0-1-23.ec2.internal`). `None` when the subnet is full.
pub fn ec2_node(net: &mut Network, zone: usize, t: &InstanceType, now: SimTime) -> Option<Node> {
    let ip = net.try_allocate_ip(zone)?;
    Some(Node {
        name: names::node_name(&ip, &net.region),
        private_ip: ip,
        instance_type: t.name.to_string(),
        zone: net.zones[zone].name.to_string(),
        allocatable_cpu_millis: t.eks_allocatable_cpu_millis(),
        allocatable_memory_mib: t.eks_allocatable_memory_mib(),
        max_pods: t.eks_max_pods(),
        fargate: false,
        gone: false,
        group: None,
        unneeded_since: None,
        draining: false,
        to_be_deleted_at: None,
        ready: true,
        cordoned: false,
        nodeclaim: None,
        created_at: now,
        images: Vec::new(),
    })
}

/// A Fargate node sized for one pod: requests rounded up to a Fargate size, plus the
/// 256 MiB Fargate adds for Kubernetes components [inferred from the EKS Fargate docs]. Fargate
/// nodes take turns over the zones; a full subnet passes the turn to the next zone. `None`
/// when every subnet is full.
pub fn fargate_node_for(
    c: &mut EksCluster,
    net: &mut Network,
    p: usize,
    now: SimTime,
) -> Option<usize> {
    let req = c.requests_of(p);
    let cpu = [250u32, 500, 1000, 2000, 4000, 8000, 16000]
        .into_iter()
        .find(|c| *c >= req.cpu_millis)
        .unwrap_or(16000);
    let fargate_cpu_units = cpu * 1024 / 1000;
    let memory = crate::aws::fargate::valid_memory_for_cpu(fargate_cpu_units)
        .and_then(|v| v.into_iter().find(|m| *m >= req.memory_mib + 256))
        .unwrap_or(req.memory_mib + 256);
    let fargate_nodes = c.nodes.iter().filter(|n| n.fargate).count();
    let zones = net.zones.len().max(1);
    let (z, ip) = (0..zones)
        .map(|k| (fargate_nodes + k) % zones)
        .find_map(|z| net.try_allocate_ip(z).map(|ip| (z, ip)))?;
    let host = names::node_name(&ip, &net.region);
    c.nodes.push(Node {
        name: format!("fargate-{host}"),
        private_ip: ip,
        instance_type: format!(
            "Fargate {:.2} vCPU / {} GB",
            cpu as f64 / 1000.0,
            memory as f64 / 1024.0
        ),
        zone: net.zones[z].name.to_string(),
        allocatable_cpu_millis: cpu,
        allocatable_memory_mib: memory,
        max_pods: 1,
        fargate: true,
        gone: false,
        group: None,
        unneeded_since: None,
        draining: false,
        to_be_deleted_at: None,
        ready: true,
        cordoned: false,
        nodeclaim: None,
        created_at: now,
        images: Vec::new(),
    });
    Some(c.nodes.len() - 1)
}
