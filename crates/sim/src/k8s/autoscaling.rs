//! Scaling on EKS (`docs/rules/k8s-autoscaling.md`): a load model, the
//! HorizontalPodAutoscaler (autoscaling/v2 with its default behaviour) and the Cluster
//! Autoscaler's settings. The controllers that run them are `hpa.rs` and
//! `cluster_autoscaler.rs`.

use crate::time::{Millis, SimTime};

/// Demand over time: requests per second at moments, linear in between, flat after the last.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Load {
    pub points: Vec<(SimTime, f64)>,
    /// Requests per second one pod serves at 100 % of its CPU request.
    pub rps_per_pod: f64,
    /// Memory utilization (idle percent, percent at `rps_per_pod`), ECS services only.
    pub memory: Option<(f64, f64)>,
}

impl Load {
    pub fn rps_at(&self, t: SimTime) -> f64 {
        let Some(first) = self.points.first() else {
            return 0.0;
        };
        if t <= first.0 {
            return first.1;
        }
        for w in self.points.windows(2) {
            let ((t0, v0), (t1, v1)) = (w[0], w[1]);
            if t <= t1 {
                let span = t1.since(t0).0.max(1) as f64;
                return v0 + (v1 - v0) * (t.since(t0).0 as f64 / span);
            }
        }
        self.points.last().map_or(0.0, |p| p.1)
    }

    /// CPU utilization (percent of request) of each of `ready` pods sharing the load evenly.
    pub fn utilization_per_pod(&self, t: SimTime, ready: u32) -> f64 {
        if ready == 0 || self.rps_per_pod <= 0.0 {
            return 0.0;
        }
        self.rps_at(t) / ready as f64 / self.rps_per_pod * 100.0
    }

    /// Memory utilization of each of `ready` tasks sharing the load evenly: linear from the
    /// idle percent at no requests to the given percent at `rps_per_pod` (capped at 100).
    pub fn memory_per_task(&self, t: SimTime, ready: u32) -> Option<f64> {
        let (idle, full) = self.memory?;
        let share = self.utilization_per_pod(t, ready) / 100.0;
        Some((idle + (full - idle) * share).clamp(0.0, 100.0))
    }
}

/// The HPA tolerance: no scaling while |ratio − 1| ≤ 0.1.
pub const TOLERANCE: f64 = 0.1;
pub const SYNC: Millis = Millis::from_secs(15);
pub const DOWNSCALE_STABILIZATION: Millis = Millis::from_secs(300);

/// `desiredReplicas = ceil(current × metric / target)`, unless within tolerance. `ready` pods
/// report `utilization`; pods that are not ready count as 0 % on a scale-up and are left
/// out on a scale-down (`docs/rules/k8s-autoscaling.md#hpa-the-replica-formula`).
pub fn hpa_recommendation(current: u32, ready: u32, utilization: f64, target: f64) -> u32 {
    if current == 0 || target <= 0.0 {
        return current;
    }
    let ratio = utilization / target;
    if (ratio - 1.0).abs() <= TOLERANCE {
        return current;
    }
    if ratio > 1.0 {
        // Scale-up: not-ready pods are assumed to use 0 %, which lowers the average.
        let avg = utilization * ready as f64 / current as f64;
        let r = avg / target;
        if r <= 1.0 + TOLERANCE {
            return current;
        }
        (current as f64 * r).ceil() as u32
    } else {
        // Scale-down on the ready pods only.
        (ready as f64 * ratio).ceil().max(1.0) as u32
    }
}

/// The scale-up limit of an HPA without `behavior` (Orca's HPAs have none), per sync:
/// `max(2 × current, 4)` — `calculateScaleUpLimit` on the controller's legacy path
/// (`normalizeDesiredReplicas` in kubernetes `pkg/controller/podautoscaler/horizontal.go`;
/// docs/rules/k8s-autoscaling.md, "Without `behavior`").
pub fn scale_up_limit(current: u32) -> u32 {
    current.saturating_mul(2).max(4)
}

/// One HorizontalPodAutoscaler.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hpa {
    pub name: String,
    pub deployment: usize,
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub target_cpu_utilization: f64,
    /// Recommendations of the last 300 s (for the scale-down stabilization window).
    pub history: Vec<(SimTime, u32)>,
    pub next_sync: SimTime,
    /// The last observed average utilization, for the charts and the inspector.
    pub current_utilization: f64,
}

impl Hpa {
    /// One sync: the replica count to set, or None to leave it.
    pub fn sync(
        &mut self,
        now: SimTime,
        current: u32,
        ready: u32,
        utilization: f64,
    ) -> Option<u32> {
        self.sync_explained(now, current, ready, utilization)
            .map(|(n, _)| n)
    }

    /// [`Hpa::sync`], with the formula and its numbers when the count changes.
    pub fn sync_explained(
        &mut self,
        now: SimTime,
        current: u32,
        ready: u32,
        utilization: f64,
    ) -> Option<(u32, String)> {
        self.current_utilization = utilization;
        let target = self.target_cpu_utilization;
        let recommended = hpa_recommendation(current, ready, utilization, target);
        let raw = recommended.clamp(self.min_replicas, self.max_replicas);
        self.history.push((now, raw));
        self.history
            .retain(|(t, _)| now.since(*t) <= DOWNSCALE_STABILIZATION);
        // Stabilization (as `stabilizeRecommendationWithBehaviors`): scale-down follows the
        // highest recommendation of the window, scale-up (window 0) the latest one.
        let down = self.history.iter().map(|(_, r)| *r).max().unwrap_or(raw);
        let mut desired = current;
        if raw > current {
            desired = raw;
        }
        if down < current {
            desired = down;
        }
        // The legacy path: up to at most max(2 × current, 4) per sync; down as stabilized.
        let limit = scale_up_limit(current);
        let limited = desired > limit;
        if desired > current {
            desired = desired.min(limit);
        }
        let desired = desired.clamp(self.min_replicas, self.max_replicas);
        if desired == current {
            return None;
        }
        let mut why = if desired > current {
            if ready < current {
                let avg = utilization * ready as f64 / current as f64;
                format!(
                    "CPU at {utilization:.1}% of request on {ready} ready pods, the {} not ready counted at 0%: average {avg:.1}% against a target of {target}%; desiredReplicas = ceil({current} × {avg:.1} / {target}) = {recommended}",
                    current - ready
                )
            } else {
                format!(
                    "CPU at {utilization:.1}% of request against a target of {target}% (outside the {TOLERANCE} tolerance); desiredReplicas = ceil({current} × {utilization:.1} / {target}) = {recommended}"
                )
            }
        } else {
            format!(
                "CPU at {utilization:.1}% of request against a target of {target}% (outside the {TOLERANCE} tolerance); desiredReplicas = ceil({ready} ready × {utilization:.1} / {target}) = {recommended}"
            )
        };
        if raw != recommended {
            why.push_str(&format!(
                ", kept within minReplicas {} and maxReplicas {}: {raw}",
                self.min_replicas, self.max_replicas
            ));
        }
        if desired > current && limited {
            why.push_str(&format!(
                "; without a scaling behavior the HPA grows at most to max(2 × {current}, 4) = {limit} per sync"
            ));
        }
        if desired < current {
            why.push_str(&format!(
                "; the highest recommendation of the last {} s is {down}, so it scales down to {desired}",
                DOWNSCALE_STABILIZATION.0 / 1000
            ));
        }
        Some((desired, why))
    }
}

/// `SuccessfulRescale` wording.
pub fn rescale_message(new_size: u32, up: bool) -> String {
    if up {
        format!(
            "New size: {new_size}; reason: cpu resource utilization (percentage of request) above target"
        )
    } else {
        format!("New size: {new_size}; reason: All metrics below target")
    }
}

/// Cluster Autoscaler settings for one managed node group.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NodeGroupScaling {
    pub name: String,
    /// `eks-<group>-<id>`: the ASG name CA reports.
    pub asg: String,
    pub min: u32,
    pub max: u32,
    /// Nodes asked for and not yet joined: (ready at).
    pub launching: Vec<SimTime>,
    /// Index of a node of this group to copy (the "template node").
    pub instance_type: String,
}

pub const CA_SCAN: Millis = Millis::from_secs(10);
/// From the ASG scale-up to the node being Ready [model: 1–2 minutes on EKS].
pub const NODE_LAUNCH: Millis = Millis::from_secs(75);
pub const SCALE_DOWN_UNNEEDED: Millis = Millis::from_secs(600);
pub const SCALE_DOWN_THRESHOLD: f64 = 0.5;

/// `TriggeredScaleUp` wording.
pub fn triggered_scale_up(asg: &str, from: u32, to: u32, max: u32) -> String {
    format!("pod triggered scale-up: [{{{asg} {from}->{to} (max: {max})}}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recommendations_follow_the_formula_and_tolerance() {
        // 2 pods at 150 % with a 60 % target: ceil(2 × 150 / 60) = 5.
        assert_eq!(hpa_recommendation(2, 2, 150.0, 60.0), 5);
        // Within 10 % of the target: no change.
        assert_eq!(hpa_recommendation(4, 4, 65.0, 60.0), 4);
        assert_eq!(hpa_recommendation(4, 4, 55.0, 60.0), 4);
        // Just beyond the tolerance: ceil(10 × 0.889) = 9.
        assert_eq!(hpa_recommendation(10, 10, 53.3, 60.0), 9);
        // Not-ready pods count as 0 % on a scale-up: 4 pods, 2 ready at 100 % → average 50 %.
        assert_eq!(hpa_recommendation(4, 2, 100.0, 60.0), 4);
        assert_eq!(hpa_recommendation(4, 2, 150.0, 60.0), 5);
    }

    #[test]
    fn scale_up_without_behavior_is_limited_to_double_or_4() {
        assert_eq!(scale_up_limit(1), 4);
        assert_eq!(scale_up_limit(2), 4);
        assert_eq!(scale_up_limit(3), 6);
        assert_eq!(scale_up_limit(10), 20);
        let mut h = Hpa {
            name: "web".into(),
            deployment: 0,
            min_replicas: 1,
            max_replicas: 50,
            target_cpu_utilization: 50.0,
            history: Vec::new(),
            next_sync: SimTime::ZERO,
            current_utilization: 0.0,
        };
        // 2 pods at 500 % would want 20; the first step may reach max(2 × 2, 4) = 4.
        assert_eq!(h.sync(SimTime::ZERO, 2, 2, 500.0), Some(4));
    }

    #[test]
    fn a_rescale_explains_the_formula_with_its_numbers() {
        let mut h = Hpa {
            name: "web".into(),
            deployment: 0,
            min_replicas: 2,
            max_replicas: 10,
            target_cpu_utilization: 60.0,
            history: Vec::new(),
            next_sync: SimTime::ZERO,
            current_utilization: 0.0,
        };
        // The eks-autoscaling example: 2 pods at 300 % of a 60 % target want 10; capped at 4.
        let (n, why) = h
            .sync_explained(SimTime::ZERO, 2, 2, 300.0)
            .expect("scales up");
        assert_eq!(n, 4);
        assert_eq!(
            why,
            "CPU at 300.0% of request against a target of 60% (outside the 0.1 tolerance); desiredReplicas = ceil(2 × 300.0 / 60) = 10; without a scaling behavior the HPA grows at most to max(2 × 2, 4) = 4 per sync"
        );
        // 4 pods, 2 ready at 150 %: the not-ready ones count as 0 %.
        let (n, why) = h
            .sync_explained(SimTime::from_secs(15), 4, 2, 150.0)
            .expect("scales up");
        assert_eq!(n, 5);
        assert!(
            why.starts_with("CPU at 150.0% of request on 2 ready pods, the 2 not ready counted at 0%: average 75.0%"),
            "{why}"
        );
    }

    #[test]
    fn scale_down_waits_for_the_stabilization_window() {
        let mut h = Hpa {
            name: "web".into(),
            deployment: 0,
            min_replicas: 2,
            max_replicas: 20,
            target_cpu_utilization: 50.0,
            history: Vec::new(),
            next_sync: SimTime::ZERO,
            current_utilization: 0.0,
        };
        // High load recommends 10, then load drops: the max of the last 300 s holds.
        assert_eq!(h.sync(SimTime::ZERO, 10, 10, 50.0), None);
        let mut t = SimTime::ZERO;
        let mut first_down = None;
        for _ in 0..30 {
            t = t.plus(SYNC);
            if let Some(n) = h.sync(t, 10, 10, 10.0) {
                first_down = Some((t, n));
                break;
            }
        }
        let (when, to) = first_down.expect("scales down eventually");
        assert!(
            when.since(SimTime::ZERO) > DOWNSCALE_STABILIZATION,
            "{when}"
        );
        assert_eq!(to, 2, "ceil(10 × 10 / 50) = 2, the minimum");
    }

    #[test]
    fn load_interpolates_and_splits_over_ready_pods() {
        let load = Load {
            points: vec![(SimTime::ZERO, 100.0), (SimTime::from_secs(100), 300.0)],
            rps_per_pod: 100.0,
            memory: None,
        };
        assert_eq!(load.rps_at(SimTime::from_secs(50)), 200.0);
        assert_eq!(load.rps_at(SimTime::from_secs(500)), 300.0);
        assert_eq!(load.utilization_per_pod(SimTime::from_secs(100), 4), 75.0);
        assert_eq!(load.utilization_per_pod(SimTime::from_secs(100), 0), 0.0);
    }

    #[test]
    fn scale_up_events_use_the_reference_wording() {
        assert_eq!(
            triggered_scale_up("eks-ng-1-abc123", 2, 3, 5),
            "pod triggered scale-up: [{eks-ng-1-abc123 2->3 (max: 5)}]"
        );
        assert_eq!(
            rescale_message(5, true),
            "New size: 5; reason: cpu resource utilization (percentage of request) above target"
        );
        assert_eq!(
            rescale_message(3, false),
            "New size: 3; reason: All metrics below target"
        );
    }
}
