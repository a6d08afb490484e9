//! The ReplicaSet controller (`pkg/controller/replicaset`): each ReplicaSet keeps as many pods
//! as its `spec.replicas`, creating the missing ones (Pending, for the scheduler) or deleting
//! the surplus, the least advanced first ([`decide`],
//! `docs/rules/k8s-deployments.md#which-pods-a-replicaset-removes`).

use std::cmp::Reverse;

use super::cluster::EksCtx;
use super::events;
use super::messages;
use super::objects::{self};
use crate::event::Subject;
use crate::time::SimTime;

/// A pod as the ReplicaSet controller ranks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    pub pod: usize,
    pub scheduled: bool,
    pub ready: bool,
    pub created_at: SimTime,
}

/// What one sync of a ReplicaSet does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Create(u32),
    /// Delete these pods, in this order.
    Delete(Vec<usize>),
    None,
}

/// Create the missing pods, or delete the surplus: unscheduled first, then not ready, then the
/// newest (ties in list order).
pub fn decide(replicas: u32, pods: &[Ranked]) -> Step {
    let have = pods.len() as u32;
    if have < replicas {
        return Step::Create(replicas - have);
    }
    if have == replicas {
        return Step::None;
    }
    let mut order = pods.to_vec();
    order.sort_by_key(|r| (r.scheduled, r.ready, Reverse(r.created_at)));
    Step::Delete(
        order
            .iter()
            .take((have - replicas) as usize)
            .map(|r| r.pod)
            .collect(),
    )
}

/// One pass over every ReplicaSet.
pub fn reconcile(ctx: &mut EksCtx) {
    // Count first (the counts kept as pods change, `pod_counts.rs`); rank only the pods of
    // ReplicaSets with too many (most seconds: none).
    ctx.world.settle_counts();
    let c = &*ctx.world;
    let have: Vec<u32> = c.counts.per_rs.iter().map(|k| k.pods).collect();
    // A DaemonSet's or StatefulSet's revisions are not ReplicaSets: their own controllers
    // keep their pods.
    let off = |rs: usize| {
        let r = &c.replica_sets[rs];
        !c.is_deployment(r.deployment) || have[rs] == r.spec_replicas
    };
    let surplus: Vec<bool> = (0..have.len())
        .map(|rs| !off(rs) && have[rs] > c.replica_sets[rs].spec_replicas)
        .collect();
    let mut by_rs: Vec<Vec<Ranked>> = vec![Vec::new(); c.replica_sets.len()];
    if surplus.contains(&true) {
        for (p, pod) in c.pods.iter().enumerate() {
            if pod.counts() && surplus[pod.replica_set] {
                by_rs[pod.replica_set].push(Ranked {
                    pod: p,
                    scheduled: pod.node.is_some(),
                    ready: pod.ready,
                    created_at: pod.created_at,
                });
            }
        }
    }
    let todo: Vec<usize> = (0..have.len()).filter(|&rs| !off(rs)).collect();
    for rs in todo {
        let mine = std::mem::take(&mut by_rs[rs]);
        let replicas = ctx.world.replica_sets[rs].spec_replicas;
        let count = have[rs] as usize;
        let step = if surplus[rs] {
            decide(replicas, &mine)
        } else {
            Step::Create(replicas - have[rs])
        };
        if step == Step::None {
            continue;
        }
        let r = &ctx.world.replica_sets[rs];
        let mut why = format!(
            "ReplicaSet {} has {count} pod{} for spec.replicas {replicas}",
            r.name,
            if count == 1 { "" } else { "s" }
        );
        if let Some(scaled) = &r.scaled_why {
            why.push_str(&format!(" (the deployment controller scaled it {scaled})"));
        }
        match step {
            Step::Create(n) => {
                for _ in 0..n {
                    create(ctx, rs, &why);
                }
            }
            Step::Delete(victims) => {
                why.push_str(
                    "; it deletes unscheduled pods first, then pods that are not ready, then the newest",
                );
                for p in victims {
                    delete(ctx, p, &why);
                }
            }
            Step::None => {}
        }
    }
}

fn create(ctx: &mut EksCtx, rs: usize, why: &str) {
    let p = objects::new_pod(ctx.world, &mut ctx.rngs.names, rs, ctx.now);
    ctx.world.pods[p].explain(ctx.now, format!("Created: {why}"));
    let name = ctx.world.pods[p].name.clone();
    let rs_name = ctx.world.replica_sets[rs].name.clone();
    let d = ctx.world.replica_sets[rs].deployment;
    let subjects = vec![
        Subject::Pod(name.as_str().into()),
        Subject::Deployment(ctx.world.deployments[d].name.clone().into()),
    ];
    events::normal(
        ctx,
        "SuccessfulCreate",
        format!("replicaset/{rs_name}"),
        messages::created_pod(&name),
        subjects,
        Some(why.to_string()),
    );
}

fn delete(ctx: &mut EksCtx, p: usize, why: &str) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    c.pods[p].explain(now, format!("Deleted by the ReplicaSet controller: {why}"));
    let rs = c.pods[p].replica_set;
    let rs_name = c.replica_sets[rs].name.clone();
    let name = c.pods[p].name.clone();
    let d = c.replica_sets[rs].deployment;
    let subjects = vec![
        Subject::Pod(name.as_str().into()),
        Subject::Deployment(c.deployments[d].name.clone().into()),
    ];
    events::normal(
        ctx,
        "SuccessfulDelete",
        format!("replicaset/{rs_name}"),
        messages::deleted_pod(&name),
        subjects,
        Some(why.to_string()),
    );
    objects::terminate(ctx, p);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(pod: usize, scheduled: bool, ready: bool, created: u64) -> Ranked {
        Ranked {
            pod,
            scheduled,
            ready,
            created_at: SimTime::from_secs(created),
        }
    }

    #[test]
    fn missing_pods_are_created() {
        assert_eq!(decide(3, &[pod(0, true, true, 0)]), Step::Create(2));
        assert_eq!(decide(1, &[pod(0, true, true, 0)]), Step::None);
    }

    #[test]
    fn the_least_advanced_pods_go_first() {
        let pods = [
            pod(0, true, true, 10),
            pod(1, true, true, 30),
            pod(2, true, false, 5),
            pod(3, false, false, 1),
            pod(4, true, true, 20),
        ];
        // Unscheduled, then not ready, then the newest ready ones.
        assert_eq!(decide(1, &pods), Step::Delete(vec![3, 2, 1, 4]));
    }
}
