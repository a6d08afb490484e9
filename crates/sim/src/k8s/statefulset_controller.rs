//! The StatefulSet controller (`pkg/controller/statefulset`): one sync per StatefulSet per
//! second. It observes the pods by ordinal, asks `statefulset::plan` what to do, creates each
//! pod's claims before the pod, and records the controller's events with the wording of
//! `stateful_pod_control.go` (`recordPodEvent`, `recordClaimEvent`)
//! (`docs/rules/k8s-statefulsets.md`).

use super::cluster::{ContainerState, EksCtx};
use super::events;
use super::objects::{self};
use super::statefulset::{self, PodPolicy, Slot, Step};
use super::volumes::Claim;
use crate::event::Subject;

/// One sync of every StatefulSet.
pub fn reconcile(ctx: &mut EksCtx) {
    for s in 0..ctx.world.stateful_sets.len() {
        sync(ctx, s);
    }
}

/// `create Pod web-0 in StatefulSet web successful` (`recordPodEvent`, verb create/delete).
pub fn pod_event(verb: &str, pod: &str, set: &str) -> String {
    format!("{verb} Pod {pod} in StatefulSet {set} successful")
}

/// `create Claim data-web-0 Pod web-0 in StatefulSet web success` (`recordClaimEvent`).
pub fn claim_event(claim: &str, pod: &str, set: &str) -> String {
    format!("create Claim {claim} Pod {pod} in StatefulSet {set} success")
}

fn sync(ctx: &mut EksCtx, s: usize) {
    let now = ctx.now;
    let d = ctx.world.stateful_sets[s].workload;
    let update = match ctx.world.current_replica_set(d) {
        Some(rs) => rs,
        None => objects::new_replica_set(ctx.world, d, now),
    };
    let c = &*ctx.world;
    let set = &c.stateful_sets[s];
    let replicas = c.deployments[d].replicas;
    let mut slots: Vec<Slot> = vec![Slot::default(); replicas as usize];
    let mut pod_at: Vec<Option<usize>> = vec![None; replicas as usize];
    for p in 0..c.pods.len() {
        if c.pods[p].gone || c.pod_deployment(p) != d {
            continue;
        }
        let Some(i) = statefulset::ordinal(c, p) else {
            continue;
        };
        let i = i as usize;
        if i >= slots.len() {
            slots.resize(i + 1, Slot::default());
            pod_at.resize(i + 1, None);
        }
        let pod = &c.pods[p];
        slots[i] = Slot {
            exists: true,
            terminating: pod.deleting_at.is_some(),
            updated: pod.replica_set == update,
            healthy: pod.node.is_some()
                && matches!(pod.state, ContainerState::Running { .. })
                && c.is_available(p, now),
        };
        pod_at[i] = Some(p);
    }
    let steps = statefulset::plan(replicas, &slots, set.policy, set.partition);
    let (policy, partition) = (set.policy, set.partition);
    let name = c.deployments[d].name.clone();
    // status.currentRevision follows the update revision once every pod runs it.
    let complete = slots.len() == replicas as usize
        && slots
            .iter()
            .all(|x| x.exists && !x.terminating && x.updated);
    let current = if complete || set.current_revision.is_none() {
        Some(update)
    } else {
        set.current_revision
    };
    ctx.world.stateful_sets[s].current_revision = current;
    ctx.world.stateful_sets[s].waiting_for = None;
    for step in steps {
        match step {
            Step::Create(i) => {
                let rs = match current {
                    Some(cur) if i < partition => cur,
                    _ => update,
                };
                let why = create_why(&name, i, policy, partition, rs != update);
                create(ctx, s, rs, i, why);
            }
            Step::DeleteCondemned(i) => {
                let why = format!(
                    "StatefulSet {name} has spec.replicas {replicas}, so ordinal {i} is no longer wanted; pods go from the highest ordinal down{}; its claims stay",
                    if policy == PodPolicy::OrderedReady {
                        ", one at a time (OrderedReady)"
                    } else {
                        ", all at once (Parallel)"
                    }
                );
                if let Some(p) = pod_at.get(i as usize).copied().flatten() {
                    delete(ctx, d, p, why);
                }
            }
            Step::DeleteForUpdate(i) => {
                let why = format!(
                    "RollingUpdate: the pod template changed, and the controller replaces pods from the highest ordinal down to the partition ({partition}), one at a time, each after those above it are Running and Ready again; {} runs the old revision, so it is deleted and recreated with the same name and claims",
                    statefulset::pod_name(&name, i)
                );
                if let Some(p) = pod_at.get(i as usize).copied().flatten() {
                    delete(ctx, d, p, why);
                }
            }
            Step::WaitFor(i) => ctx.world.stateful_sets[s].waiting_for = Some(i),
        }
    }
}

fn create_why(set: &str, i: u32, policy: PodPolicy, partition: u32, old: bool) -> String {
    let mut why = match (policy, i) {
        (PodPolicy::Parallel, _) => format!(
            "StatefulSet {set} (podManagementPolicy Parallel) creates every missing ordinal at once; {} is missing",
            statefulset::pod_name(set, i)
        ),
        (PodPolicy::OrderedReady, 0) => format!(
            "StatefulSet {set} (OrderedReady) creates its pods in order from ordinal 0; {} is missing",
            statefulset::pod_name(set, 0)
        ),
        (PodPolicy::OrderedReady, _) => format!(
            "StatefulSet {set} (OrderedReady) creates ordinal {i} only once every lower ordinal is Running and Ready, as {} is now",
            statefulset::pod_name(set, i - 1)
        ),
    };
    if old {
        why.push_str(&format!(
            "; its ordinal is below the partition ({partition}), so it gets the current (old) revision"
        ));
    }
    why
}

/// Create the pod of ordinal `i` from revision `rs`, after its claims.
fn create(ctx: &mut EksCtx, s: usize, rs: usize, i: u32, why: String) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    let d = c.stateful_sets[s].workload;
    let set = c.deployments[d].name.clone();
    let pod = statefulset::pod_name(&set, i);
    let namespace = c.deployments[d].namespace.clone();
    for t in c.stateful_sets[s].claim_templates.clone() {
        let claim = statefulset::claim_name(&t.name, &pod);
        if ctx.world.storage.claim_named(&namespace, &claim).is_some() {
            continue;
        }
        ctx.world.storage.claims.push(Claim {
            name: claim.clone(),
            namespace: namespace.clone(),
            class: t.class,
            storage_gib: t.storage_gib,
            access: t.access,
            created_at: now,
            volume: None,
            provisioning: None,
            reported_waiting: false,
            selected_node: None,
        });
        events::normal(
            ctx,
            "SuccessfulCreate",
            format!("statefulset/{set}"),
            claim_event(&claim, &pod, &set),
            vec![Subject::Pod(pod.as_str().into())],
            Some(format!(
                "volumeClaimTemplates {}: every pod of the StatefulSet gets a claim of its own, named <template>-<pod>; it is created before the pod and is never deleted with it",
                t.name
            )),
        );
    }
    let c = &mut *ctx.world;
    let p = objects::new_pod_named(c, rs, pod.clone(), now);
    c.pods[p].explain(now, format!("Created: {why}"));
    events::normal(
        ctx,
        "SuccessfulCreate",
        format!("statefulset/{set}"),
        pod_event("create", &pod, &set),
        vec![Subject::Pod(pod.into())],
        Some(why),
    );
}

/// Delete pod `p` (`SuccessfulDelete`); a running container gets SIGTERM. Its claims stay.
fn delete(ctx: &mut EksCtx, d: usize, p: usize, why: String) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    let set = c.deployments[d].name.clone();
    c.pods[p].explain(now, format!("Deleted by the StatefulSet controller: {why}"));
    let name = c.pods[p].name.clone();
    events::normal(
        ctx,
        "SuccessfulDelete",
        format!("statefulset/{set}"),
        pod_event("delete", &name, &set),
        vec![Subject::Pod(name.as_str().into())],
        Some(why),
    );
    objects::terminate(ctx, p);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_wording_is_the_controllers() {
        // stateful_pod_control.go: recordPodEvent and recordClaimEvent.
        assert_eq!(
            pod_event("create", "web-0", "web"),
            "create Pod web-0 in StatefulSet web successful"
        );
        assert_eq!(
            claim_event("www-web-0", "web-0", "web"),
            "create Claim www-web-0 Pod web-0 in StatefulSet web success"
        );
        assert_eq!(
            pod_event("delete", "web-2", "web"),
            "delete Pod web-2 in StatefulSet web successful"
        );
    }
}
