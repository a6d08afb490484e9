//! Building an EKS cluster as a scenario starts it: managed-node-group nodes spread over the
//! zones, EKS's own workloads (`kube-system`), and Deployments and DaemonSets already rolled
//! out at revision 1 (every pod running and ready where the scheduler can place it). Nothing
//! here records events.

use rand_chacha::ChaCha8Rng;

use super::cluster::{
    AppBehavior, ContainerState, DeploymentState, EksCluster, Template, WorkloadKind,
};
use super::kubelet;
use super::objects;
use super::rollout::IntOrPercent;
use super::scheduler::{self, Requests};
use crate::aws::instance_types::InstanceType;
use crate::net::Network;
use crate::scenario::spec::ImagePullPolicy;
use crate::time::SimTime;

/// Nodes of several managed node groups, spread round-robin over the zones, each with an
/// address of its zone's subnet (a node whose subnet is full is not launched).
pub fn add_node_groups(c: &mut EksCluster, net: &mut Network, groups: &[(&InstanceType, u32)]) {
    let mut launched = 0;
    for (gi, (instance_type, count)) in groups.iter().enumerate() {
        for _ in 0..*count {
            let z = launched % net.zones.len().max(1);
            launched += 1;
            if let Some(mut node) = objects::ec2_node(net, z, instance_type, SimTime::ZERO) {
                node.group = Some(gi);
                c.nodes.push(node);
            }
        }
    }
}

/// Add a Deployment that is already rolled out at revision 1: every pod running and ready
/// where the scheduler can place it. Returns its index.
pub fn add_deployment(
    c: &mut EksCluster,
    net: &mut Network,
    names: &mut ChaCha8Rng,
    name: &str,
    replicas: u32,
    template: Template,
) -> usize {
    let d = add_deployment_unplaced(c, names, name, replicas, template);
    place_pods(c, net);
    d
}

/// Add a Deployment rolled out at revision 1 whose pods [`place_pods`] places later (pod names
/// from the `names` stream, in order). Returns its index.
pub fn add_deployment_unplaced(
    c: &mut EksCluster,
    names: &mut ChaCha8Rng,
    name: &str,
    replicas: u32,
    template: Template,
) -> usize {
    let now = SimTime::ZERO;
    c.deployments
        .push(DeploymentState::new(name, replicas, template, now));
    let d = c.deployments.len() - 1;
    let rs = objects::new_replica_set(c, d, now);
    c.replica_sets[rs].spec_replicas = replicas;
    for _ in 0..replicas {
        objects::new_pod(c, names, rs, now);
    }
    d
}

/// Add a DaemonSet rolled out at revision 1; [`place_pods`] puts its pods on the nodes.
pub fn add_daemon_set(
    c: &mut EksCluster,
    name: &str,
    template: Template,
    max_unavailable: IntOrPercent,
) -> usize {
    let mut dep = DeploymentState::new(name, 0, template, SimTime::ZERO);
    dep.kind = WorkloadKind::DaemonSet;
    dep.max_unavailable = max_unavailable;
    dep.max_surge = IntOrPercent::Int(0);
    dep.progressing = None;
    c.deployments.push(dep);
    let d = c.deployments.len() - 1;
    objects::new_replica_set(c, d, SimTime::ZERO);
    d
}

/// The ECR registry of EKS's add-on images in a region.
fn eks_registry(region: &str) -> String {
    format!("602401143452.dkr.ecr.{region}.amazonaws.com")
}

fn system_template(container: &str, image: String, cpu: u32, memory: u32, port: u16) -> Template {
    Template {
        container: container.into(),
        pull_policy: ImagePullPolicy::default_for(&image),
        image,
        requests: Requests {
            cpu_millis: cpu,
            memory_mib: memory,
        },
        cpu_requested: true,
        own: Requests {
            cpu_millis: cpu,
            memory_mib: memory,
        },
        port,
        readiness_probe: false,
        liveness_probe: false,
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

/// What EKS runs in `kube-system` of every cluster (`docs/rules/k8s-scheduling.md#daemonsets-and-eks-system-pods`):
/// the VPC CNI (`aws-node`, 25m CPU) and `kube-proxy` (100m CPU) as DaemonSets on the host
/// network, the EKS Pod Identity Agent where the add-on is installed, and CoreDNS, a Deployment
/// of 2 replicas (100m CPU, 70 MiB). The EKS AMI caches the images of the first two. On a
/// cluster without EC2 capacity CoreDNS runs on Fargate, as the EKS guide sets it up with a
/// Fargate profile for `kube-system`. Their pods are placed by [`place_pods`].
pub fn add_system_workloads(
    c: &mut EksCluster,
    region: &str,
    pod_identity_agent: bool,
    fargate_only: bool,
) {
    let registry = eks_registry(region);
    let cni = format!("{registry}/amazon-k8s-cni:v1.19.2-eksbuild.1");
    let proxy = format!("{registry}/eks/kube-proxy:v1.31.3-minimal-eksbuild.2");
    c.ami_images = vec![cni.clone(), proxy.clone()];
    let mut daemon_sets = vec![
        (
            system_template("aws-node", cni, 25, 0, 61678),
            "aws-node",
            IntOrPercent::Percent(10),
        ),
        (
            system_template("kube-proxy", proxy, 100, 0, 10249),
            "kube-proxy",
            IntOrPercent::Percent(10),
        ),
    ];
    if pod_identity_agent {
        daemon_sets.push((
            system_template(
                "eks-pod-identity-agent",
                format!("{registry}/eks/eks-pod-identity-agent:0.1.10"),
                0,
                0,
                2703,
            ),
            "eks-pod-identity-agent",
            IntOrPercent::Percent(10),
        ));
    }
    for (template, name, max_unavailable) in daemon_sets {
        let d = add_daemon_set(c, name, template, max_unavailable);
        let dep = &mut c.deployments[d];
        dep.namespace = "kube-system".into();
        dep.system = true;
        dep.host_network = true;
        dep.tolerates_all_taints = true;
    }
    let mut coredns = system_template(
        "coredns",
        format!("{registry}/eks/coredns:v1.11.4-eksbuild.2"),
        100,
        70,
        8080,
    );
    coredns.readiness_probe = true;
    coredns.liveness_probe = true;
    let now = SimTime::ZERO;
    let mut dep = DeploymentState::new("coredns", 2, coredns, now);
    dep.namespace = "kube-system".into();
    dep.system = true;
    dep.max_unavailable = IntOrPercent::Int(1);
    dep.fargate = fargate_only;
    c.deployments.push(dep);
    let d = c.deployments.len() - 1;
    let rs = objects::new_replica_set(c, d, SimTime::ZERO);
    c.replica_sets[rs].spec_replicas = 2;
    annotate_replica_sets(c, d);
    let rs_name = c.replica_sets[rs].name.clone();
    for _ in 0..2 {
        objects::new_pod_hashed(c, rs, &rs_name, "kube-system", now);
    }
}

/// Place every pod not placed yet as the cluster has them when the scenario starts, running and
/// ready: a pod of each DaemonSet on every EC2 node, then the pods of EKS's own Deployments,
/// then the others in order where the scheduler puts them (a pod that fits nowhere stays
/// Pending); a Deployment on Fargate gets a Fargate node per pod.
pub fn place_pods(c: &mut EksCluster, net: &mut Network) {
    let now = SimTime::ZERO;
    for d in 0..c.deployments.len() {
        if !c.is_daemon_set(d) {
            continue;
        }
        let Some(rs) = c.current_replica_set(d) else {
            continue;
        };
        let placed: Vec<usize> = c
            .pods
            .iter()
            .filter(|p| !p.gone && p.replica_set == rs)
            .filter_map(|p| p.daemon_node)
            .collect();
        for n in 0..c.nodes.len() {
            if c.nodes[n].gone || c.nodes[n].fargate || placed.contains(&n) {
                continue;
            }
            let name = c.deployments[d].name.clone();
            let node = c.nodes[n].name.clone();
            let p = objects::new_pod_hashed(c, rs, &name, &node, now);
            c.pods[p].daemon_node = Some(n);
            c.pods[p].node = Some(n);
            if objects::assign_pod_ip(c, net, p).is_some() {
                let t = c.deployments[d].template.clone();
                kubelet::already_running(&mut c.pods[p], &t, now);
                c.counts.touch(p);
            }
        }
    }
    let mut order: Vec<usize> = (0..c.pods.len())
        .filter(|&p| !c.pods[p].gone && c.pods[p].node.is_none() && !c.is_daemon_pod(p))
        .collect();
    order.sort_by_key(|&p| !c.deployments[c.pod_deployment(p)].system);
    let mut views = c.node_views();
    for p in order {
        let d = c.pod_deployment(p);
        let t = c.deployments[d].template.clone();
        if c.deployments[d].fargate {
            if let Some(n) = objects::fargate_node_for(c, net, p, now) {
                c.pods[p].node = Some(n);
                objects::assign_pod_ip(c, net, p);
                kubelet::already_running(&mut c.pods[p], &t, now);
                c.counts.touch(p);
            }
            continue;
        }
        let req = t.requests;
        if let Some(n) = scheduler::schedule(&views, req).node() {
            views[n].requested_cpu_millis += req.cpu_millis;
            views[n].requested_memory_mib += req.memory_mib;
            views[n].pods += 1;
            c.pods[p].node = Some(n);
            if objects::assign_pod_ip(c, net, p).is_some() {
                kubelet::already_running(&mut c.pods[p], &t, now);
                c.counts.touch(p);
            }
        }
    }
}

/// The `desired-replicas` / `max-replicas` annotations of a Deployment's ReplicaSets as the
/// controller would have written them when it rolled the Deployment out with its settings
/// (call after changing `max_surge`, `replicas` or the strategy at build time).
pub fn annotate_replica_sets(c: &mut EksCluster, d: usize) {
    let dep = &c.deployments[d];
    let surge = if dep.recreate {
        0
    } else {
        super::rollout::resolve_fenceposts(dep.max_surge, dep.max_unavailable, dep.replicas).0
    };
    let (desired, max) = (dep.replicas, dep.replicas + surge);
    for rs in c.replica_sets.iter_mut().filter(|r| r.deployment == d) {
        rs.desired_replicas = Some(desired);
        rs.max_replicas = Some(max);
    }
}

/// Move a Deployment onto Fargate (a Fargate profile selects it): each of its pods is
/// re-placed on a Fargate node of its own, as if it had been created there.
pub fn use_fargate(c: &mut EksCluster, net: &mut Network, d: usize) {
    let now = SimTime::ZERO;
    c.deployments[d].fargate = true;
    for p in 0..c.pods.len() {
        if c.pods[p].gone || c.pod_deployment(p) != d {
            continue;
        }
        // Off the EC2 node it was placed on: its address there goes back.
        if let (Some(n), Some(ip)) = (c.pods[p].node, c.pods[p].ip.take())
            && let Some(z) = net.zone_index(&c.nodes[n].zone)
        {
            net.release_ip(z, &ip);
        }
        let pod = &mut c.pods[p];
        pod.node = None;
        pod.state = ContainerState::Waiting {
            reason: "ContainerCreating".into(),
        };
        pod.ready = false;
        pod.ready_since = None;
        c.counts.touch(p);
        if let Some(n) = objects::fargate_node_for(c, net, p, now) {
            c.pods[p].node = Some(n);
            objects::assign_pod_ip(c, net, p);
            let t = c.deployments[d].template.clone();
            kubelet::already_running(&mut c.pods[p], &t, now);
            c.counts.touch(p);
        }
    }
}
