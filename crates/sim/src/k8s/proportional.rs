//! Scaling a Deployment whose `replicas` changed (`kubectl scale`, the HPA): the deployment
//! controller's `isScalingEvent` and `scale` in `pkg/controller/deployment/sync.go`, with
//! `GetProportion` / `getReplicaSetFraction` from `util/deployment_util.go`
//! (`docs/rules/k8s-deployments.md#scaling-during-a-rollout`).
//!
//! Every ReplicaSet the controller scales carries the annotations
//! `deployment.kubernetes.io/desired-replicas` (the Deployment's `replicas` then) and
//! `max-replicas` (`replicas + maxSurge` then). A ReplicaSet with pods whose `desired-replicas`
//! differs from the Deployment's `replicas` means a scaling event: that sync only scales. With
//! one ReplicaSet that has pods, it goes to `replicas`; during a rollout the change is shared
//! among the ReplicaSets with pods, in proportion to their sizes ("proportional scaling").

/// One ReplicaSet of the Deployment as `scale` sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaledRs {
    /// `spec.replicas`.
    pub spec: u32,
    /// The `max-replicas` annotation, if set.
    pub max_replicas: Option<u32>,
    /// Creation order (a larger number is newer).
    pub created: usize,
}

/// `isScalingEvent`: some ReplicaSet with pods was last sized for another `replicas`.
pub fn is_scaling_event(replicas: u32, active_desired: &[Option<u32>]) -> bool {
    active_desired
        .iter()
        .any(|d| d.is_some_and(|desired| desired != replicas))
}

/// `getReplicaSetFraction`: how much this ReplicaSet would grow (or shrink) to keep its share,
/// `round(spec × (replicas + maxSurge) / max-replicas) − spec`; its whole size when scaling to 0.
/// `status_replicas` stands in for a missing annotation.
pub fn fraction(rs: ScaledRs, replicas: u32, surge: u32, status_replicas: u32) -> i64 {
    if replicas == 0 {
        return -(rs.spec as i64);
    }
    let deployment_replicas = (replicas + surge) as f64;
    let annotated = rs.max_replicas.unwrap_or(status_replicas).max(1) as f64;
    // Go's math.Round: halves away from zero (f64::round does the same).
    let new_size = (rs.spec as f64 * deployment_replicas / annotated).round() as i64;
    new_size - rs.spec as i64
}

/// `scale`, for a rolling update with more than one ReplicaSet that has pods: the new size of
/// each ReplicaSet in `rses` (same order). The change, `replicas + maxSurge` minus what they
/// ask for now, is handed out largest ReplicaSet first (a tie goes to the newer one when
/// growing, to the older one when shrinking), each getting its `fraction` within what is left;
/// the leftover goes to the first (largest) one. ReplicaSets without pods stay at 0.
pub fn proportional_sizes(
    replicas: u32,
    surge: u32,
    status_replicas: u32,
    rses: &[ScaledRs],
) -> Vec<u32> {
    let total: i64 = rses.iter().map(|r| r.spec as i64).sum();
    let allowed: i64 = if replicas > 0 {
        (replicas + surge) as i64
    } else {
        0
    };
    let to_add = allowed - total;
    let order = scale_order(rses, to_add > 0);
    let mut sizes: Vec<i64> = rses.iter().map(|r| r.spec as i64).collect();
    let mut added: i64 = 0;
    if to_add != 0 {
        for &i in &order {
            // GetProportion: nothing more once everything is handed out.
            if to_add == added {
                break;
            }
            let f = fraction(rses[i], replicas, surge, status_replicas);
            let left = to_add - added;
            let p = if to_add > 0 { f.min(left) } else { f.max(left) };
            sizes[i] += p;
            added += p;
        }
        if let Some(&first) = order.first() {
            sizes[first] = (sizes[first] + to_add - added).max(0);
        }
    }
    sizes.into_iter().map(|s| s.max(0) as u32).collect()
}

/// The ReplicaSets with pods in the order `scale` visits them: largest first; on a tie the
/// newer first when growing (`ReplicaSetsBySizeNewer`), the older first when shrinking
/// (`ReplicaSetsBySizeOlder`).
pub fn scale_order(rses: &[ScaledRs], growing: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rses.len()).filter(|&i| rses[i].spec > 0).collect();
    if growing {
        order.sort_by_key(|&i| {
            (
                std::cmp::Reverse(rses[i].spec),
                std::cmp::Reverse(rses[i].created),
            )
        });
    } else {
        order.sort_by_key(|&i| (std::cmp::Reverse(rses[i].spec), rses[i].created));
    }
    order
}

/// Why the sizes are what they are: "replicas 15 + maxSurge 3 = 18, the ReplicaSets ask for 13:
/// 5 more, shared by size: web-a round(8 × 18 / 13) = 11, web-b round(5 × 18 / 13) = 7".
pub fn why_proportional(
    replicas: u32,
    surge: u32,
    status_replicas: u32,
    rses: &[ScaledRs],
    names: &[String],
    sizes: &[u32],
) -> String {
    let total: u32 = rses.iter().filter(|r| r.spec > 0).map(|r| r.spec).sum();
    let allowed = if replicas > 0 { replicas + surge } else { 0 };
    let diff = allowed as i64 - total as i64;
    let parts: Vec<String> = rses
        .iter()
        .zip(names)
        .zip(sizes)
        .filter(|((r, _), _)| r.spec > 0)
        .map(|((r, n), s)| {
            let annotated = r.max_replicas.unwrap_or(status_replicas);
            format!(
                "{n} {} → {s} (its share round({} × {allowed} / {annotated}))",
                r.spec, r.spec
            )
        })
        .collect();
    format!(
        "spec.replicas is now {replicas} during a rollout: proportional scaling allows replicas {replicas} + maxSurge {surge} = {allowed} pods and the ReplicaSets with pods ask for {total}, so {} {} shared by size (the largest first, leftovers to it): {}",
        diff.abs(),
        if diff >= 0 { "more are" } else { "fewer are" },
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_adds_3_to_the_old_and_2_to_the_new_replica_set() {
        // The Deployments documentation, "Proportional scaling"
        // (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#proportional-scaling):
        // 10 replicas, maxSurge 3, maxUnavailable 2, a rollout to an unresolvable image stuck
        // with the old ReplicaSet at 8 and the new one at 5, both last scaled for 10 replicas
        // (max-replicas 13). Scaled to 15 (maxSurge stays 3): 5 more, 3 to the old ReplicaSet
        // (8 → 11) and 2 to the new one (5 → 7).
        let old = ScaledRs {
            spec: 8,
            max_replicas: Some(13),
            created: 0,
        };
        let new = ScaledRs {
            spec: 5,
            max_replicas: Some(13),
            created: 1,
        };
        assert!(is_scaling_event(15, &[Some(10), Some(10)]));
        assert!(!is_scaling_event(10, &[Some(10), None]));
        assert_eq!(fraction(old, 15, 3, 13), 3, "round(8 × 18 / 13) = 11");
        assert_eq!(fraction(new, 15, 3, 13), 2, "round(5 × 18 / 13) = 7");
        assert_eq!(proportional_sizes(15, 3, 13, &[old, new]), vec![11, 7]);
    }

    #[test]
    fn scaling_down_shrinks_the_largest_first_and_leftovers_go_to_it() {
        // 15 → 5 (maxSurge 25 % of 5 = 2): 7 allowed, 18 asked for, 11 fewer.
        let old = ScaledRs {
            spec: 11,
            max_replicas: Some(18),
            created: 0,
        };
        let new = ScaledRs {
            spec: 7,
            max_replicas: Some(18),
            created: 1,
        };
        // old: round(11 × 7 / 18) = 4 (−7); new: round(7 × 7 / 18) = 3 (−4); nothing left over.
        assert_eq!(proportional_sizes(5, 2, 18, &[old, new]), vec![4, 3]);
        // To 0: every ReplicaSet gives its whole size.
        assert_eq!(proportional_sizes(0, 0, 18, &[old, new]), vec![0, 0]);
    }

    #[test]
    fn replica_sets_without_pods_are_not_scaled_up() {
        let empty = ScaledRs {
            spec: 0,
            max_replicas: Some(13),
            created: 0,
        };
        let a = ScaledRs {
            spec: 6,
            max_replicas: Some(13),
            created: 1,
        };
        let b = ScaledRs {
            spec: 6,
            max_replicas: Some(13),
            created: 2,
        };
        // 12 asked for, 20 + 5 = 25 allowed: 13 more. a and b tie at 6: the newer (b) first;
        // each gets round(6 × 25 / 13) − 6 = 6, and the leftover 1 goes to b.
        assert_eq!(
            proportional_sizes(20, 5, 13, &[empty, a, b]),
            vec![0, 12, 13]
        );
    }
}
