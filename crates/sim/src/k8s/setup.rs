//! Building an EKS cluster as a scenario starts it: managed-node-group nodes spread over the
//! zones, and Deployments already rolled out at revision 1 (every pod running and ready where
//! the scheduler can place it). Nothing here records events.

use rand_chacha::ChaCha8Rng;

use super::cluster::{ContainerState, DeploymentState, EksCluster, Template};
use super::kubelet;
use super::objects;
use super::scheduler;
use crate::aws::instance_types::InstanceType;
use crate::net::Network;
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
    let now = SimTime::ZERO;
    c.deployments
        .push(DeploymentState::new(name, replicas, template, now));
    let d = c.deployments.len() - 1;
    let rs = objects::new_replica_set(c, d);
    c.replica_sets[rs].spec_replicas = replicas;
    let mut views = c.node_views();
    let req = c.deployments[d].template.requests;
    for _ in 0..replicas {
        let p = objects::new_pod(c, names, rs, now);
        if let Some(n) = scheduler::schedule(&views, req).node() {
            views[n].requested_cpu_millis += req.cpu_millis;
            views[n].requested_memory_mib += req.memory_mib;
            views[n].pods += 1;
            c.pods[p].node = Some(n);
            if objects::assign_pod_ip(c, net, p).is_some() {
                let t = c.deployments[d].template.clone();
                kubelet::already_running(&mut c.pods[p], &t, now);
            }
        }
    }
    d
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
        if let Some(n) = objects::fargate_node_for(c, net, p, now) {
            c.pods[p].node = Some(n);
            objects::assign_pod_ip(c, net, p);
            let t = c.deployments[d].template.clone();
            kubelet::already_running(&mut c.pods[p], &t, now);
        }
    }
}
