//! What a user's kubectl does to the cluster, beyond `set image`, `scale` and `rollout undo`
//! (those live on [`EksCluster`]): delete a pod, cordon, uncordon or drain a node, restart,
//! pause and resume a rollout. Each changes the objects as the API server would and records the
//! events the cluster's components then write; the controllers carry on from there. `kubectl
//! drain` runs over time: `drain.rs`.

use super::cluster::{EksCluster, EksCtx};
use super::events;
use super::objects;
use crate::k8s::cluster::ContainerState;
use crate::time::SimTime;

/// `kubectl delete pod`: a graceful delete. The kubelet stops the container (`Killing`) and the
/// ReplicaSet creates a replacement.
pub fn delete_pod(ctx: &mut EksCtx, p: usize) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    if c.pods[p].gone || c.pods[p].deleting_at.is_some() {
        return;
    }
    let running =
        c.pods[p].node.is_some() && matches!(c.pods[p].state, ContainerState::Running { .. });
    let container = c.template_of(p).container.clone();
    let name = c.pods[p].name.clone();
    let owner = if c.is_daemon_pod(p) {
        "its DaemonSet creates a replacement on the same node"
    } else if super::statefulset::ordinal(c, p).is_some() {
        "its StatefulSet creates it again, with the same name and claims, once it is gone"
    } else {
        "its ReplicaSet creates a replacement"
    };
    objects::evict(
        c,
        p,
        now,
        format!("Deleted by the user (kubectl delete pod); {owner}."),
    );
    if c.pods[p].node.is_none() {
        // Never scheduled: nothing runs, the object goes at once.
        let net = &mut *ctx.net;
        objects::pod_gone(ctx.world, net, p);
        return;
    }
    if running {
        events::stopping(ctx, &name, &container);
    }
}

/// `kubectl cordon` (`on`) or `uncordon`: `spec.unschedulable`, reported by the kubelet as the
/// node's status.
pub fn cordon(ctx: &mut EksCtx, n: usize, on: bool) {
    if ctx.world.nodes[n].cordoned == on {
        return;
    }
    ctx.world.nodes[n].cordoned = on;
    let name = ctx.world.nodes[n].name.clone();
    let (object, subjects) = events::node(&name);
    let (reason, status) = if on {
        ("NodeNotSchedulable", "NodeNotSchedulable")
    } else {
        ("NodeSchedulable", "NodeSchedulable")
    };
    events::normal(
        ctx,
        reason,
        object,
        format!("Node {name} status is now: {status}"),
        subjects,
        Some(if on {
            "Cordoned: the scheduler places no new pod on it; the pods on it keep running.".into()
        } else {
            "Uncordoned: the scheduler may place pods on it again.".into()
        }),
    );
}

/// `kubectl rollout restart`: the `kubectl.kubernetes.io/restartedAt` annotation changes the
/// pod template, so the deployment controller rolls out a new ReplicaSet of the same
/// container.
pub fn rollout_restart(c: &mut EksCluster, d: usize, now: crate::time::SimTime) {
    let mut t = c.deployments[d].template.clone();
    t.restarted_at = Some(now);
    c.set_template(d, t, now);
}

/// `kubectl rollout undo --to-revision=N`: the template of revision N comes back (without a
/// revision: the previous one). `Err` with kubectl's message when there is none.
pub fn rollout_undo_to(
    c: &mut EksCluster,
    d: usize,
    revision: Option<u32>,
    now: crate::time::SimTime,
) -> Result<String, String> {
    let Some(rev) = revision else {
        return c.rollout_undo(d, now);
    };
    let t = c
        .replica_sets
        .iter()
        .find(|r| r.deployment == d && !r.deleted && r.revision == rev)
        .map(|r| r.template.clone());
    match t {
        Some(t) => {
            c.set_template(d, t, now);
            Ok(format!(
                "deployment.apps/{} rolled back",
                c.deployments[d].name
            ))
        }
        None => Err(format!(
            "error: unable to find specified revision {rev} in history"
        )),
    }
}

/// A new level of offered load from `now`: the curve keeps its value at `now`, ramps to `rps`
/// over 10 seconds (a load balancer shifts traffic in seconds, not instantly [model]) and stays
/// there; the scripted points after `now` are dropped.
pub fn set_load(load: &mut super::autoscaling::Load, now: crate::time::SimTime, rps: f64) {
    let current = load.rps_at(now);
    load.points.retain(|(t, _)| *t < now);
    load.points.push((now, current));
    load.points
        .push((now.plus(crate::time::Millis::from_secs(10)), rps.max(0.0)));
}

/// `kubectl autoscale`: a HorizontalPodAutoscaler for Deployment `d` with these replica bounds
/// and CPU target (the settings of its HPA replaced if it has one). The controller syncs it at
/// its next 15-second period.
pub fn autoscale(c: &mut EksCluster, d: usize, (min, max): (u32, u32), target: f64, now: SimTime) {
    if let Some(h) = c.hpas.iter_mut().find(|h| h.deployment == d) {
        h.min_replicas = min;
        h.max_replicas = max;
        h.target_cpu_utilization = target;
        return;
    }
    let name = c.deployments[d].name.clone();
    // `kubectl autoscale` writes no `behavior`, so the controller takes its legacy path.
    c.hpas.push(super::autoscaling::Hpa::new(
        &name, d, min, max, target, None, now,
    ));
}

/// `kubectl set resources deployment/<d> --requests=…`: the first container's new requests (a
/// new revision rolls out). Returns the command as typed, or `None` for an unknown Deployment.
pub fn set_resources(
    ctx: &mut EksCtx,
    deployment: &str,
    cpu: Option<u32>,
    memory: Option<u32>,
) -> Option<String> {
    let now = ctx.now;
    let c = &mut *ctx.world;
    let d = c.deployment_index(deployment)?;
    let container = c.deployments[d].template.container.clone();
    c.set_requests(d, cpu, memory, now);
    let requests: Vec<String> = [
        cpu.map(|m| format!("cpu={m}m")),
        memory.map(|m| format!("memory={m}Mi")),
    ]
    .into_iter()
    .flatten()
    .collect();
    Some(format!(
        "kubectl set resources deployment/{deployment} -c={container} --requests={}",
        requests.join(",")
    ))
}

/// `aws eks create-addon --addon-name metrics-server`: the add-on is CREATING, and ACTIVE with
/// the Metrics API a minute later (`addons.rs`). A second create changes nothing (the API
/// refuses it: `ResourceInUseException`).
pub fn create_addon(ctx: &mut EksCtx, name: &str) {
    let now = ctx.now;
    let mut command = format!(
        "aws eks create-addon --cluster-name {} --addon-name {name}",
        ctx.world.cluster_name
    );
    let installed = if name == super::addons::CLOUDWATCH_OBSERVABILITY {
        &mut ctx.world.cloudwatch_observability
    } else {
        &mut ctx.world.metrics_server
    };
    if installed.is_none() {
        *installed = Some(super::addons::Addon::created(now));
    } else {
        command.push_str("  →  ResourceInUseException: Addon already exists.");
    }
    ctx.emit(
        crate::event::Source::Scenario,
        crate::event::EventKind::ActionApplied {
            description: command.as_str().into(),
        },
        command,
        Vec::new(),
    );
}
