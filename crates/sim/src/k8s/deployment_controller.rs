//! The deployment controller (`pkg/controller/deployment`): for each Deployment, a scaling
//! event (its `replicas` changed, `proportional.rs`) is handled alone: one ReplicaSet with pods
//! goes to `replicas`, or, during a rollout, the change is shared in proportion. Otherwise find
//! or create the ReplicaSet of its current template, then take one bounded step: RollingUpdate
//! through the pure [`rolling_step`] (scale the new ReplicaSet up, or old ones down, never both
//! in one sync) or Recreate through [`recreate_step`].
//! Afterwards: clean up revision history once the rollout is complete, and keep the
//! `Progressing` condition (`progress.rs`). Rules: `docs/rules/k8s-deployments.md`.

use super::cluster::{DeploymentCondition, DeploymentCounts, EksCluster, EksCtx};
use super::events;
use super::messages;
use super::objects;
use super::progress;
use super::proportional::{self, ScaledRs};
use super::rollout::{
    RolloutStep, RsState, resolve_fenceposts, rolling_step, why_fenceposts, why_step,
};
use crate::time::{Millis, SimTime};

/// Per ReplicaSet, counted once at the start of the controller's pass: pods that count (not
/// terminating), ready and available pods, and pods that exist at all (terminating ones
/// included).
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    pods: u32,
    ready: u32,
    available: u32,
    existing: u32,
}

/// One pass of the deployment controller over every Deployment.
pub fn reconcile(ctx: &mut EksCtx) {
    ctx.world.settle_counts();
    let counts = count(ctx.world, ctx.now);
    for d in 0..ctx.world.deployments.len() {
        if ctx.world.is_deployment(d) {
            sync(ctx, d, &counts);
        }
    }
}

/// The counts kept as pods change (`pod_counts.rs`), settled at the start of the pass.
fn count(c: &EksCluster, now: SimTime) -> Vec<Counts> {
    c.replica_sets
        .iter()
        .zip(&c.counts.per_rs)
        .map(|(r, k)| {
            // `EksCluster::is_available` with the ReplicaSet's `minReadySeconds`.
            let min_ready = Millis::from_secs(c.deployments[r.deployment].min_ready_seconds);
            Counts {
                pods: k.pods,
                ready: k.ready,
                available: k.available(now, min_ready),
                existing: k.existing,
            }
        })
        .collect()
}

/// The ReplicaSet as the controller sees it in this pass (a ReplicaSet made during the pass
/// is counted live).
fn state(c: &EksCluster, counts: &[Counts], rs: usize, now: SimTime) -> RsState {
    match counts.get(rs) {
        Some(k) => RsState {
            spec: c.replica_sets[rs].spec_replicas,
            pods: k.pods,
            available: k.available,
        },
        None => c.rs_state(rs, now),
    }
}

fn existing(c: &EksCluster, counts: &[Counts], rs: usize) -> u32 {
    match counts.get(rs) {
        Some(k) => k.existing,
        None => c
            .pods
            .iter()
            .filter(|p| !p.gone && p.replica_set == rs)
            .count() as u32,
    }
}

fn sync(ctx: &mut EksCtx, d: usize, counts: &[Counts]) {
    let now = ctx.now;
    let current = ctx.world.current_replica_set_kept(d);
    if let Some(n) = current {
        sync_revision(ctx.world, d, n);
    }
    if ctx.world.deployments[d].paused {
        // A paused Deployment is only scaled (`sync` in the controller), never rolled out.
        if scaling_event(ctx.world, d) {
            scale(ctx, d, current, counts);
            ctx.world.deployments[d].status = status_of(ctx.world, d, current, counts);
        }
        return;
    }
    if scaling_event(ctx.world, d) {
        scale(ctx, d, current, counts);
        // `sync` writes the status but estimates no progress.
        ctx.world.deployments[d].status = status_of(ctx.world, d, current, counts);
        return;
    }
    let new = match current {
        Some(i) => {
            found_new_replica_set(ctx.world, d, i, now);
            i
        }
        None => {
            let rs = objects::new_replica_set(ctx.world, d, now);
            created_new_replica_set(ctx.world, d, rs, now);
            rs
        }
    };
    sync_revision(ctx.world, d, new);
    let c = &mut *ctx.world;
    if c.deployments[d].recreate {
        recreate(ctx, d, new, counts);
        sync_rollout_status(ctx, d, new, counts);
        return;
    }
    let dep = &c.deployments[d];
    let replicas = dep.replicas;
    let (max_surge, max_unavailable) = (dep.max_surge, dep.max_unavailable);
    let (surge, unavailable) = resolve_fenceposts(max_surge, max_unavailable, replicas);
    let mut old: Vec<usize> = c
        .counts
        .replica_sets_of(d)
        .iter()
        .copied()
        .filter(|&i| i != new && c.replica_sets[i].spec_replicas > 0)
        .collect();
    old.sort_by_key(|&i| c.replica_sets[i].revision);
    let new_state = state(c, counts, new, now);
    let old_states: Vec<RsState> = old.iter().map(|&i| state(c, counts, i, now)).collect();
    let step = rolling_step(replicas, surge, unavailable, new_state, &old_states);
    // The explanation is written only for a step that records an event.
    let bounds = || why_fenceposts(max_surge, max_unavailable, replicas);
    match &step {
        RolloutStep::ScaleUpNew { from, to } => {
            ctx.world.replica_sets[new].spec_replicas = *to;
            let why = format!(
                "{}: {}",
                bounds(),
                why_step(replicas, surge, unavailable, new_state, &old_states, &step)
            );
            scaled(ctx, d, new, *from, *to, why);
        }
        RolloutStep::ScaleDownOld(changes) => {
            let why = format!(
                "{}: {}",
                bounds(),
                why_step(replicas, surge, unavailable, new_state, &old_states, &step)
            );
            for &(k, from, to) in changes {
                let rs = old[k];
                ctx.world.replica_sets[rs].spec_replicas = to;
                scaled(ctx, d, rs, from, to, why.clone());
            }
        }
        RolloutStep::Wait => {}
    }
    let c = &*ctx.world;
    let done = state(c, counts, new, now).available >= replicas
        && old.iter().all(|&i| state(c, counts, i, now).pods == 0);
    if done {
        clean_up_history(ctx.world, d, new, counts);
    }
    sync_rollout_status(ctx, d, new, counts);
}

/// An old ReplicaSet that becomes current again (rollout undo) takes the next revision number,
/// as `getAllReplicaSetsAndSyncRevision` does.
fn sync_revision(c: &mut EksCluster, d: usize, new: usize) {
    let newest = c
        .counts
        .replica_sets_of(d)
        .iter()
        .map(|&i| &c.replica_sets[i])
        .filter(|r| !r.deleted)
        .map(|r| r.revision)
        .max()
        .unwrap_or(0);
    if c.replica_sets[new].revision < newest {
        c.replica_sets[new].revision = newest + 1;
    }
}

/// `isScalingEvent`: a ReplicaSet with pods was last sized for another `replicas`.
fn scaling_event(c: &EksCluster, d: usize) -> bool {
    let desired: Vec<Option<u32>> = c
        .counts
        .replica_sets_of(d)
        .iter()
        .map(|&i| &c.replica_sets[i])
        .filter(|r| !r.deleted && r.spec_replicas > 0)
        .map(|r| r.desired_replicas)
        .collect();
    proportional::is_scaling_event(c.deployments[d].replicas, &desired)
}

/// `scale`: one ReplicaSet with pods (or none: the newest) goes to `replicas`; a saturated new
/// ReplicaSet sends the old ones to 0; otherwise, in a rolling update, proportional scaling.
/// Every ReplicaSet it looks at is annotated with the new `replicas`.
fn scale(ctx: &mut EksCtx, d: usize, new: Option<usize>, counts: &[Counts]) {
    let now = ctx.now;
    let c = &*ctx.world;
    let dep = &c.deployments[d];
    let replicas = dep.replicas;
    let all: Vec<usize> = c
        .counts
        .replica_sets_of(d)
        .iter()
        .copied()
        .filter(|&i| !c.replica_sets[i].deleted)
        .collect();
    let active: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| c.replica_sets[i].spec_replicas > 0)
        .collect();
    if active.len() <= 1 {
        // FindActiveOrLatest.
        let Some(target) = active.first().copied().or(new).or(all.last().copied()) else {
            return;
        };
        let from = c.replica_sets[target].spec_replicas;
        if from == replicas {
            annotate(ctx.world, d, target);
            return;
        }
        let why = format!(
            "spec.replicas is now {replicas} and {} is the only ReplicaSet with pods, so it goes straight to {replicas}",
            c.replica_sets[target].name
        );
        ctx.world.replica_sets[target].spec_replicas = replicas;
        scaled(ctx, d, target, from, replicas, why);
        return;
    }
    if let Some(n) = new {
        let r = &c.replica_sets[n];
        let available = state(c, counts, n, now).available;
        let saturated = r.spec_replicas == replicas
            && r.desired_replicas == Some(replicas)
            && available == replicas;
        if saturated {
            let new_name = r.name.clone();
            let olds: Vec<(usize, u32)> = active
                .iter()
                .filter(|&&o| o != n)
                .map(|&o| (o, c.replica_sets[o].spec_replicas))
                .collect();
            for (o, from) in olds {
                let why = format!(
                    "the new ReplicaSet {new_name} already has all {replicas} replicas available, so the old ones go to 0"
                );
                ctx.world.replica_sets[o].spec_replicas = 0;
                scaled(ctx, d, o, from, 0, why);
            }
            return;
        }
    }
    if dep.recreate {
        return;
    }
    let (surge, _) = resolve_fenceposts(dep.max_surge, dep.max_unavailable, replicas);
    let rses: Vec<ScaledRs> = all
        .iter()
        .map(|&i| ScaledRs {
            spec: c.replica_sets[i].spec_replicas,
            max_replicas: c.replica_sets[i].max_replicas,
            created: i,
        })
        .collect();
    let status_replicas = dep.status.replicas;
    let sizes = proportional::proportional_sizes(replicas, surge, status_replicas, &rses);
    let names: Vec<String> = all
        .iter()
        .map(|&i| c.replica_sets[i].name.clone())
        .collect();
    let why =
        proportional::why_proportional(replicas, surge, status_replicas, &rses, &names, &sizes);
    let total: u32 = rses.iter().map(|r| r.spec).sum();
    let growing = (replicas + surge) as i64 > total as i64 && replicas > 0;
    for k in proportional::scale_order(&rses, growing) {
        let rs = all[k];
        let from = rses[k].spec;
        if sizes[k] == from {
            annotate(ctx.world, d, rs);
            continue;
        }
        ctx.world.replica_sets[rs].spec_replicas = sizes[k];
        scaled(ctx, d, rs, from, sizes[k], why.clone());
    }
}

/// `SetReplicasAnnotations`: `desired-replicas` = the Deployment's `replicas`, `max-replicas` =
/// `replicas + maxSurge`.
fn annotate(c: &mut EksCluster, d: usize, rs: usize) {
    let dep = &c.deployments[d];
    let surge = if dep.recreate {
        0
    } else {
        resolve_fenceposts(dep.max_surge, dep.max_unavailable, dep.replicas).0
    };
    let (desired, max) = (dep.replicas, dep.replicas + surge);
    let r = &mut c.replica_sets[rs];
    r.desired_replicas = Some(desired);
    r.max_replicas = Some(max);
}

/// `Recreate`: every old ReplicaSet to 0, then, once their pods are gone, the new one straight
/// to `replicas` (`docs/rules/k8s-deployments.md#recreate`).
fn recreate(ctx: &mut EksCtx, d: usize, new: usize, counts: &[Counts]) {
    let c = &*ctx.world;
    let replicas = c.deployments[d].replicas;
    let old: Vec<usize> = c
        .counts
        .replica_sets_of(d)
        .iter()
        .copied()
        .filter(|&rs| rs != new)
        .collect();
    let old_specs: Vec<u32> = old
        .iter()
        .map(|&rs| c.replica_sets[rs].spec_replicas)
        .collect();
    let old_pods_left = old.iter().any(|&rs| existing(c, counts, rs) > 0);
    let step = recreate_step(
        replicas,
        c.replica_sets[new].spec_replicas,
        &old_specs,
        old_pods_left,
    );
    match step {
        RecreateStep::ScaleDownOld(down) => {
            for (k, from) in down {
                ctx.world.replica_sets[old[k]].spec_replicas = 0;
                let why =
                    "strategy Recreate: every old pod goes before any new one starts".to_string();
                scaled(ctx, d, old[k], from, 0, why);
            }
        }
        RecreateStep::ScaleUpNew { from, to } => {
            ctx.world.replica_sets[new].spec_replicas = to;
            let why = format!(
                "strategy Recreate: the old pods are gone, so the new ReplicaSet goes straight to {to}"
            );
            scaled(ctx, d, new, from, to, why);
        }
        RecreateStep::Wait => {}
    }
}

/// What one Recreate sync does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecreateStep {
    /// Scale these old ReplicaSets (index into `old_specs`, from) to 0.
    ScaleDownOld(Vec<(usize, u32)>),
    /// Scale the new ReplicaSet from → to.
    ScaleUpNew {
        from: u32,
        to: u32,
    },
    Wait,
}

/// One Recreate sync: scale every old ReplicaSet that still asks for pods to 0; when none does
/// and none of their pods is left, scale the new ReplicaSet to `replicas`.
pub fn recreate_step(
    replicas: u32,
    new_spec: u32,
    old_specs: &[u32],
    old_pods_left: bool,
) -> RecreateStep {
    let down: Vec<(usize, u32)> = old_specs
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > 0)
        .map(|(k, s)| (k, *s))
        .collect();
    if !down.is_empty() {
        RecreateStep::ScaleDownOld(down)
    } else if old_pods_left || new_spec == replicas {
        RecreateStep::Wait
    } else {
        RecreateStep::ScaleUpNew {
            from: new_spec,
            to: replicas,
        }
    }
}

/// `Normal ScalingReplicaSet` on the Deployment; the ReplicaSet is annotated with the
/// Deployment's `replicas` (`scaleReplicaSet`).
fn scaled(ctx: &mut EksCtx, d: usize, rs: usize, from: u32, to: u32, why: String) {
    annotate(ctx.world, d, rs);
    ctx.world.replica_sets[rs].scaled_why = Some(format!("{from} → {to}: {why}"));
    let name = ctx.world.replica_sets[rs].name.clone();
    let (object, subjects) = events::deployment(&ctx.world.deployments[d].name);
    events::normal(
        ctx,
        "ScalingReplicaSet",
        object,
        messages::scaled_replica_set(&name, from, to),
        subjects,
        Some(why),
    );
}

/// `getNewReplicaSet` created the ReplicaSet of a new template: `Progressing=True`,
/// `NewReplicaSetCreated`.
fn created_new_replica_set(c: &mut EksCluster, d: usize, rs: usize, now: SimTime) {
    let message = format!("Created new replica set \"{}\"", c.replica_sets[rs].name);
    set_progressing(c, d, true, progress::NEW_RS_CREATED, message, now);
}

/// `getNewReplicaSet` found the ReplicaSet of the template: `FoundNewReplicaSet` when the
/// Deployment has no `Progressing` condition yet.
fn found_new_replica_set(c: &mut EksCluster, d: usize, rs: usize, now: SimTime) {
    if c.deployments[d].progressing.is_none() {
        let message = format!("Found new replica set \"{}\"", c.replica_sets[rs].name);
        set_progressing(c, d, true, progress::FOUND_NEW_RS, message, now);
    }
}

fn set_progressing(
    c: &mut EksCluster,
    d: usize,
    status: bool,
    reason: &str,
    message: String,
    now: SimTime,
) {
    let dep = &mut c.deployments[d];
    let last_transition = match &dep.progressing {
        Some(p) if p.status == status && !p.unknown => p.last_transition,
        _ => now,
    };
    dep.progressing = Some(DeploymentCondition {
        status,
        unknown: false,
        reason: reason.into(),
        message,
        last_update: now,
        last_transition,
    });
}

/// `calculateStatus`: the Deployment's status counts from this pass's counts.
fn status_of(c: &EksCluster, d: usize, new: Option<usize>, counts: &[Counts]) -> DeploymentCounts {
    let mut status = DeploymentCounts::default();
    for &rs in c.counts.replica_sets_of(d) {
        let k = counts.get(rs).copied().unwrap_or_default();
        status.replicas += k.pods;
        status.ready += k.ready;
        status.available += k.available;
        if Some(rs) == new {
            status.updated = k.pods;
        }
    }
    status
}

/// `syncRolloutStatus`: the Deployment's status from this pass's counts, and its `Progressing`
/// condition (`progress::next_condition`). The controller records no event for it; Orca logs a
/// change of the condition's status (`ProgressDeadlineExceeded` and the recovery from it) as a
/// condition line, not as a `kubectl get events` line. Kubernetes does not roll back.
fn sync_rollout_status(ctx: &mut EksCtx, d: usize, new: usize, counts: &[Counts]) {
    let now = ctx.now;
    let c = &*ctx.world;
    let status = status_of(c, d, Some(new), counts);
    let dep = &c.deployments[d];
    let deadline = Millis::from_secs(dep.progress_deadline_seconds);
    let old = dep.status;
    let next = progress::next_condition(
        dep.progressing.as_ref(),
        dep.replicas,
        old,
        status,
        deadline,
        &c.replica_sets[new].name,
        now,
    );
    // From Unknown (paused or resumed) a status is not a flip of True and False.
    let was = dep
        .progressing
        .as_ref()
        .filter(|p| !p.unknown)
        .map(|p| p.status);
    let dep = &mut ctx.world.deployments[d];
    dep.status = status;
    let Some(cond) = next else {
        return;
    };
    dep.progress_deadline_exceeded = cond.reason == progress::TIMED_OUT;
    let flipped = was.is_some_and(|w| w != cond.status);
    let since = cond.last_update;
    dep.progressing = Some(cond.clone());
    if !flipped {
        return;
    }
    let name = dep.name.clone();
    let why = if cond.status {
        "the rollout moves again, so the Progressing condition is True again".to_string()
    } else {
        format!(
            "no progress (more updated, fewer old, more ready or more available pods) since {since}, more than progressDeadlineSeconds ({} s); the controller only sets the condition, records no event and does not roll back; `kubectl rollout status` now fails with: {}",
            deadline.0 / 1000,
            messages::progress_deadline_exceeded(&name)
        )
    };
    let (object, subjects) = events::deployment(&name);
    events::condition(
        ctx,
        object,
        subjects,
        "Progressing",
        cond.status,
        &cond.reason,
        cond.message,
        why,
    );
}

/// Once a rollout is complete, delete the oldest empty ReplicaSets beyond
/// `revisionHistoryLimit` (they can no longer be rolled back to).
fn clean_up_history(c: &mut EksCluster, d: usize, new: usize, counts: &[Counts]) {
    let limit = c.deployments[d].revision_history_limit as usize;
    let candidates: Vec<usize> = c
        .counts
        .replica_sets_of(d)
        .iter()
        .copied()
        .filter(|&i| {
            let r = &c.replica_sets[i];
            i != new && !r.deleted && r.spec_replicas == 0
        })
        .collect();
    if candidates.len() <= limit {
        return;
    }
    let empty: Vec<(usize, u32)> = candidates
        .into_iter()
        .filter(|&i| existing(c, counts, i) == 0)
        .map(|i| (i, c.replica_sets[i].revision))
        .collect();
    for i in history_to_delete(&empty, limit) {
        c.replica_sets[i].deleted = true;
    }
}

/// Of the empty old ReplicaSets `(index, revision)`, those beyond `limit`, oldest first
/// (`docs/rules/k8s-deployments.md#revisions-and-rollout-undo`).
pub fn history_to_delete(empty_old: &[(usize, u32)], limit: usize) -> Vec<usize> {
    if empty_old.len() <= limit {
        return Vec::new();
    }
    let mut by_age = empty_old.to_vec();
    by_age.sort_by_key(|&(_, revision)| revision);
    by_age
        .iter()
        .take(empty_old.len() - limit)
        .map(|&(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recreate_scales_old_to_zero_waits_for_their_pods_then_scales_up_at_once() {
        assert_eq!(
            recreate_step(4, 0, &[4, 0], true),
            RecreateStep::ScaleDownOld(vec![(0, 4)])
        );
        assert_eq!(recreate_step(4, 0, &[0, 0], true), RecreateStep::Wait);
        assert_eq!(
            recreate_step(4, 0, &[0, 0], false),
            RecreateStep::ScaleUpNew { from: 0, to: 4 }
        );
        assert_eq!(recreate_step(4, 4, &[0], false), RecreateStep::Wait);
    }

    #[test]
    fn history_keeps_the_newest_old_revisions() {
        // Revisions 1..=5 are old and empty; a limit of 2 keeps 4 and 5.
        let old = [(3, 4), (0, 1), (4, 5), (1, 2), (2, 3)];
        assert_eq!(history_to_delete(&old, 2), vec![0, 1, 2]);
        assert!(history_to_delete(&old, 10).is_empty());
    }
}
