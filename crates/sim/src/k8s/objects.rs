//! Making and removing the objects several controllers share: a ReplicaSet for a Deployment's
//! template, a pod with its generated name, the eviction of a pod, a node joining the cluster.

use rand::Rng;

use super::backoff::Backoff;
use super::cluster::{ContainerState, EksCluster, Node, Pod, ReplicaSet};
use super::names;
use crate::aws::instance_types::InstanceType;
use crate::net::Network;
use crate::time::{Millis, SimTime};

/// A well-behaved app exits this long after SIGTERM [model].
pub const SIGTERM_EXIT_SECONDS: u64 = 2;

/// A new ReplicaSet for the Deployment's current template, at the next revision, with no
/// replicas yet.
pub fn new_replica_set(c: &mut EksCluster, d: usize) -> usize {
    let revision = c
        .replica_sets
        .iter()
        .filter(|r| r.deployment == d)
        .map(|r| r.revision)
        .max()
        .unwrap_or(0)
        + 1;
    let dep = &c.deployments[d];
    let hash = dep.template.hash();
    c.replica_sets.push(ReplicaSet {
        name: format!("{}-{hash}", dep.name),
        deployment: d,
        deleted: false,
        revision,
        template: dep.template.clone(),
        pod_template_hash: hash,
        spec_replicas: 0,
    });
    c.replica_sets.len() - 1
}

/// A new pod of a ReplicaSet, Pending: `<replicaset>-<5 random characters>` and a uid.
pub fn new_pod(c: &mut EksCluster, rs: usize, now: SimTime) -> usize {
    let name = names::pod_name(&c.replica_sets[rs].name, &mut c.rng);
    let uid = crate::rng::hex(&mut c.rng, 8);
    c.pods.push(Pod {
        name,
        uid,
        replica_set: rs,
        node: None,
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
        due: None,
        readiness_failures: 0,
        liveness_failures: 0,
        startup_failures: 0,
        started: false,
        reported_failed_scheduling: false,
        fargate_ready_at: None,
    });
    c.pods.len() - 1
}

/// Evict a pod (the API's graceful delete): it terminates, and its ReplicaSet creates a
/// replacement.
pub fn evict(c: &mut EksCluster, p: usize, now: SimTime) {
    let pod = &mut c.pods[p];
    pod.deleting_at = Some(now);
    pod.ready = false;
    pod.due = Some(now.plus(Millis::from_secs(SIGTERM_EXIT_SECONDS)));
}

/// The name of a new EC2 node in the i-th zone: its private DNS name, from its address in the
/// zone's subnet.
pub fn node_name_in(c: &mut EksCluster, net: &Network, zone: usize) -> String {
    let ip = format!(
        "10.0.{}.{}",
        zone * 16 + c.rng.random_range(0..4),
        10 + c.rng.random_range(0..240)
    );
    names::node_name(&ip, &net.region)
}

/// A node of an EC2 instance type in the i-th zone, named after its private address.
pub fn ec2_node(
    c: &mut EksCluster,
    net: &Network,
    zone: usize,
    t: &InstanceType,
    now: SimTime,
) -> Node {
    Node {
        name: node_name_in(c, net, zone),
        instance_type: t.name.to_string(),
        zone: net
            .zones
            .get(zone)
            .map(|z| z.name.clone())
            .unwrap_or_default(),
        allocatable_cpu_millis: t.eks_allocatable_cpu_millis(),
        allocatable_memory_mib: t.eks_allocatable_memory_mib(),
        max_pods: t.eks_max_pods(),
        fargate: false,
        gone: false,
        group: None,
        unneeded_since: None,
        draining: false,
        ready: true,
        nodeclaim: None,
        created_at: now,
    }
}

/// A Fargate node sized for one pod: requests rounded up to a Fargate size, plus the
/// 256 MiB Fargate adds for Kubernetes components [inferred from the EKS Fargate docs].
pub fn fargate_node_for(c: &mut EksCluster, net: &Network, p: usize, now: SimTime) -> usize {
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
    let z = fargate_nodes % net.zones.len().max(1);
    let ip = format!(
        "10.0.{}.{}",
        z * 16 + c.rng.random_range(0..4),
        10 + c.rng.random_range(0..240)
    );
    let host = names::node_name(&ip, &net.region);
    c.nodes.push(Node {
        name: format!("fargate-{host}"),
        instance_type: format!(
            "Fargate {:.2} vCPU / {} GB",
            cpu as f64 / 1000.0,
            memory as f64 / 1024.0
        ),
        zone: net.zones.get(z).map(|z| z.name.clone()).unwrap_or_default(),
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
        created_at: now,
    });
    c.nodes.len() - 1
}
