//! The Deployment controller's rolling-update arithmetic
//! (`docs/rules/k8s-deployments.md#one-rolling-update-sync`, from
//! `pkg/controller/deployment/rolling.go` and `util/deployment_util.go`).

/// `maxSurge` / `maxUnavailable`: an absolute number or a percentage of `replicas`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum IntOrPercent {
    Int(u32),
    Percent(u32),
}

impl Default for IntOrPercent {
    /// Both fields default to 25 %.
    fn default() -> Self {
        IntOrPercent::Percent(25)
    }
}

/// `ResolveFenceposts`: surge rounds up, unavailable rounds down, both 0 → unavailable 1,
/// unavailable capped at `replicas`. Returns `(surge, unavailable)`.
pub fn resolve_fenceposts(
    max_surge: IntOrPercent,
    max_unavailable: IntOrPercent,
    replicas: u32,
) -> (u32, u32) {
    let surge = match max_surge {
        IntOrPercent::Int(n) => n,
        IntOrPercent::Percent(p) => (p as u64 * replicas as u64).div_ceil(100) as u32,
    };
    let mut unavailable = match max_unavailable {
        IntOrPercent::Int(n) => n,
        IntOrPercent::Percent(p) => (p as u64 * replicas as u64 / 100) as u32,
    };
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable.min(replicas))
}

impl std::fmt::Display for IntOrPercent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrPercent::Int(n) => write!(f, "{n}"),
            IntOrPercent::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// Why the bounds are what they are, with the rounding
/// (`docs/rules/k8s-deployments.md#maxsurge-and-maxunavailable-rounding`): "maxSurge 25% of 10
/// rounds up to 3, so up to 13 pods; maxUnavailable 25% of 10 rounds down to 2, so at least 8
/// available".
pub fn why_fenceposts(
    max_surge: IntOrPercent,
    max_unavailable: IntOrPercent,
    replicas: u32,
) -> String {
    let (surge, unavailable) = resolve_fenceposts(max_surge, max_unavailable, replicas);
    let resolved = |v: IntOrPercent, dir: &str, n: u32| match v {
        IntOrPercent::Int(_) => format!("{v}"),
        IntOrPercent::Percent(_) => format!("{v} of {replicas} rounds {dir} to {n}"),
    };
    let raw_unavailable = match max_unavailable {
        IntOrPercent::Int(n) => n,
        IntOrPercent::Percent(p) => (p as u64 * replicas as u64 / 100) as u32,
    };
    let mut u = format!(
        "maxUnavailable {}",
        resolved(max_unavailable, "down", raw_unavailable)
    );
    if surge == 0 && raw_unavailable == 0 {
        u.push_str(", and with maxSurge 0 too it becomes 1");
    } else if raw_unavailable > replicas {
        u.push_str(&format!(", capped at the {replicas} replicas"));
    }
    format!(
        "maxSurge {}, so up to {} pods; {u}, so at least {} available",
        resolved(max_surge, "up", surge),
        replicas + surge,
        replicas - unavailable
    )
}

/// The numbers behind one [`rolling_step`] (`docs/rules/k8s-deployments.md#one-rolling-update-sync`).
pub fn why_step(
    replicas: u32,
    surge: u32,
    unavailable: u32,
    new: RsState,
    old: &[RsState],
    step: &RolloutStep,
) -> String {
    let max_total = replicas + surge;
    let current_total: u32 = new.spec + old.iter().map(|r| r.spec).sum::<u32>();
    match step {
        RolloutStep::ScaleUpNew { from, to } => format!(
            "the ReplicaSets ask for {current_total} of at most {max_total} pods, so the new one grows by min({max_total} − {current_total}, {replicas} − {from}) = {}",
            to - from
        ),
        RolloutStep::ScaleDownOld(changes) => {
            let all_pods = new.pods + old.iter().map(|r| r.pods).sum::<u32>();
            let min_available = replicas.saturating_sub(unavailable);
            let new_unavailable = new.spec.saturating_sub(new.available);
            let cut: u32 = changes.iter().map(|(_, from, to)| from - to).sum();
            format!(
                "no room to grow ({current_total} of at most {max_total} pods); {all_pods} pods exist, at least {min_available} must stay available and {new_unavailable} new ones are not available yet: maxScaledDown = {all_pods} − {min_available} − {new_unavailable} = {}, so the old ReplicaSets shrink by {cut} (unavailable old pods first)",
                all_pods as i64 - min_available as i64 - new_unavailable as i64
            )
        }
        RolloutStep::Wait => "nothing may change".into(),
    }
}

/// One ReplicaSet as the controller sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RsState {
    /// `spec.replicas`
    pub spec: u32,
    /// `status.replicas`: pods that exist (not terminating).
    pub pods: u32,
    /// `status.availableReplicas`: ready for at least `minReadySeconds`.
    pub available: u32,
}

/// What one sync of `rolloutRolling` decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolloutStep {
    /// Scale the new ReplicaSet from → to (a sync that scales up does nothing else).
    ScaleUpNew { from: u32, to: u32 },
    /// Scale old ReplicaSets down: (index into `old`, from, to), oldest first.
    ScaleDownOld(Vec<(usize, u32, u32)>),
    /// Nothing may change now.
    Wait,
}

/// `NewRSNewReplicas` followed, if the new RS was not scaled, by `reconcileOldReplicaSets`.
/// `old` is ordered oldest first.
pub fn rolling_step(
    replicas: u32,
    surge: u32,
    unavailable: u32,
    new: RsState,
    old: &[RsState],
) -> RolloutStep {
    // Scale up the new RS.
    let max_total = replicas + surge;
    let current_total: u32 = new.spec + old.iter().map(|r| r.spec).sum::<u32>();
    if current_total < max_total && new.spec < replicas {
        let grow = (max_total - current_total).min(replicas - new.spec);
        return RolloutStep::ScaleUpNew {
            from: new.spec,
            to: new.spec + grow,
        };
    }
    // Scale down old RSs.
    let all_pods: i64 = (new.pods + old.iter().map(|r| r.pods).sum::<u32>()) as i64;
    let min_available = replicas.saturating_sub(unavailable) as i64;
    let new_unavailable = new.spec.saturating_sub(new.available) as i64;
    let mut max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return RolloutStep::Wait;
    }
    let mut specs: Vec<u32> = old.iter().map(|r| r.spec).collect();
    // 1. Clean up unhealthy old replicas (spec − available), oldest first.
    for (i, r) in old.iter().enumerate() {
        if max_scaled_down <= 0 {
            break;
        }
        let unhealthy = specs[i].saturating_sub(r.available) as i64;
        let cut = unhealthy.min(max_scaled_down);
        specs[i] -= cut as u32;
        max_scaled_down -= cut;
    }
    // 2. Scale down available old replicas down to minAvailable, oldest first.
    let available_all: i64 = (new.available
        + old
            .iter()
            .zip(&specs)
            .map(|(r, s)| r.available.min(*s))
            .sum::<u32>()) as i64;
    let mut excess = available_all - min_available;
    if excess > 0 {
        for s in specs.iter_mut() {
            if excess <= 0 {
                break;
            }
            let cut = (*s as i64).min(excess);
            *s -= cut as u32;
            excess -= cut;
        }
    }
    let changes: Vec<(usize, u32, u32)> = old
        .iter()
        .zip(&specs)
        .enumerate()
        .filter(|(_, (r, s))| r.spec != **s)
        .map(|(i, (r, s))| (i, r.spec, *s))
        .collect();
    if changes.is_empty() {
        RolloutStep::Wait
    } else {
        RolloutStep::ScaleDownOld(changes)
    }
}

/// Run syncs to the end assuming every pod the controller asks for becomes available before
/// the next sync; returns the (total pods, available) after each step. Used by tests and by
/// the app's explanation of a rollout.
pub fn ideal_rollout(replicas: u32, surge: u32, unavailable: u32) -> Vec<(u32, u32)> {
    let mut new = RsState {
        spec: 0,
        pods: 0,
        available: 0,
    };
    let mut old = vec![RsState {
        spec: replicas,
        pods: replicas,
        available: replicas,
    }];
    let mut trace = Vec::new();
    for _ in 0..10_000 {
        match rolling_step(replicas, surge, unavailable, new, &old) {
            RolloutStep::ScaleUpNew { to, .. } => {
                new.spec = to;
                new.pods = to;
            }
            RolloutStep::ScaleDownOld(changes) => {
                for (i, _, to) in changes {
                    old[i].spec = to;
                    old[i].pods = to;
                    old[i].available = old[i].available.min(to);
                }
            }
            RolloutStep::Wait => {
                if new.available == new.spec {
                    break;
                }
            }
        }
        trace.push((
            new.pods + old.iter().map(|r| r.pods).sum::<u32>(),
            new.available + old.iter().map(|r| r.available).sum::<u32>(),
        ));
        // The new pods become ready before the next sync.
        new.available = new.spec;
        trace.push((
            new.pods + old.iter().map(|r| r.pods).sum::<u32>(),
            new.available + old.iter().map(|r| r.available).sum::<u32>(),
        ));
        if new.spec == replicas && old.iter().all(|r| r.spec == 0) {
            break;
        }
    }
    trace
}

#[cfg(test)]
mod tests {
    use super::*;

    const P25: IntOrPercent = IntOrPercent::Percent(25);

    #[test]
    fn fenceposts_match_the_reference_table() {
        // replicas → (surge, unavailable) with the 25 %/25 % defaults.
        assert_eq!(resolve_fenceposts(P25, P25, 1), (1, 0));
        assert_eq!(resolve_fenceposts(P25, P25, 3), (1, 0));
        assert_eq!(resolve_fenceposts(P25, P25, 4), (1, 1));
        assert_eq!(resolve_fenceposts(P25, P25, 10), (3, 2));
    }

    #[test]
    fn both_zero_means_one_unavailable_and_unavailable_is_capped() {
        assert_eq!(
            resolve_fenceposts(IntOrPercent::Int(0), IntOrPercent::Percent(10), 5),
            (0, 1)
        );
        assert_eq!(
            resolve_fenceposts(IntOrPercent::Int(1), IntOrPercent::Int(9), 4),
            (1, 4)
        );
    }

    #[test]
    fn pods_stay_within_the_reference_bounds_during_a_rollout() {
        // replicas 10: between 8 and 13 pods; replicas 4: 3 to 5; replicas 3: ≥ 3 available, ≤ 4.
        for (replicas, lo, hi) in [(10, 8, 13), (4, 3, 5), (3, 3, 4), (1, 1, 2)] {
            let (s, u) = resolve_fenceposts(P25, P25, replicas);
            let trace = ideal_rollout(replicas, s, u);
            assert!(!trace.is_empty());
            // The bounds are reached, not just respected.
            assert_eq!(
                trace.iter().map(|t| t.0).max(),
                Some(hi),
                "replicas {replicas}"
            );
            for (total, available) in trace {
                assert!(total <= hi, "replicas {replicas}: {total} pods > {hi}");
                assert!(
                    available >= lo,
                    "replicas {replicas}: {available} available < {lo}"
                );
            }
        }
    }

    #[test]
    fn a_sync_scales_up_or_down_never_both() {
        let new = RsState {
            spec: 0,
            pods: 0,
            available: 0,
        };
        let old = [RsState {
            spec: 10,
            pods: 10,
            available: 10,
        }];
        // First sync: new RS 0 → 3 (maxSurge 3), old untouched.
        assert_eq!(
            rolling_step(10, 3, 2, new, &old),
            RolloutStep::ScaleUpNew { from: 0, to: 3 }
        );
        // Next sync, new pods not ready: old may drop to 8 (minAvailable) since 13 pods exist
        // and 3 new are unavailable: maxScaledDown = 13 − 8 − 3 = 2.
        let new = RsState {
            spec: 3,
            pods: 3,
            available: 0,
        };
        assert_eq!(
            rolling_step(10, 3, 2, new, &old),
            RolloutStep::ScaleDownOld(vec![(0, 10, 8)])
        );
    }

    #[test]
    fn the_fenceposts_explain_their_rounding() {
        assert_eq!(
            why_fenceposts(P25, P25, 10),
            "maxSurge 25% of 10 rounds up to 3, so up to 13 pods; maxUnavailable 25% of 10 rounds down to 2, so at least 8 available"
        );
        assert_eq!(
            why_fenceposts(IntOrPercent::Int(0), IntOrPercent::Percent(10), 5),
            "maxSurge 0, so up to 5 pods; maxUnavailable 10% of 5 rounds down to 0, and with maxSurge 0 too it becomes 1, so at least 4 available"
        );
        assert_eq!(
            why_fenceposts(IntOrPercent::Int(1), IntOrPercent::Int(9), 4),
            "maxSurge 1, so up to 5 pods; maxUnavailable 9, capped at the 4 replicas, so at least 0 available"
        );
    }

    #[test]
    fn a_step_explains_its_numbers() {
        let old = [RsState {
            spec: 10,
            pods: 10,
            available: 10,
        }];
        let new = RsState {
            spec: 0,
            pods: 0,
            available: 0,
        };
        let up = rolling_step(10, 3, 2, new, &old);
        assert_eq!(
            why_step(10, 3, 2, new, &old, &up),
            "the ReplicaSets ask for 10 of at most 13 pods, so the new one grows by min(13 − 10, 10 − 0) = 3"
        );
        let new = RsState {
            spec: 3,
            pods: 3,
            available: 0,
        };
        let down = rolling_step(10, 3, 2, new, &old);
        assert_eq!(
            why_step(10, 3, 2, new, &old, &down),
            "no room to grow (13 of at most 13 pods); 13 pods exist, at least 8 must stay available and 3 new ones are not available yet: maxScaledDown = 13 − 8 − 3 = 2, so the old ReplicaSets shrink by 2 (unavailable old pods first)"
        );
    }

    #[test]
    fn unhealthy_old_replicas_are_removed_first() {
        // Old RS with 2 of its 5 pods not available: those go before available ones.
        let new = RsState {
            spec: 2,
            pods: 2,
            available: 0,
        };
        let old = [RsState {
            spec: 5,
            pods: 5,
            available: 3,
        }];
        // maxTotal 5+2=7 = current total: no scale-up. all 7 − minAvailable 4 − newUnavail 2 = 1.
        assert_eq!(
            rolling_step(5, 2, 1, new, &old),
            RolloutStep::ScaleDownOld(vec![(0, 5, 4)])
        );
    }
}
