//! Scaling on EKS (`docs/rules/k8s-autoscaling.md`): a load model and the Cluster Autoscaler's
//! settings; the HorizontalPodAutoscaler's rules are in `horizontal.rs`. The controllers that
//! run them are `hpa.rs` and `cluster_autoscaler.rs`.

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

pub use super::horizontal::{
    DOWNSCALE_STABILIZATION, Hpa, SYNC, TOLERANCE, hpa_recommendation, rescale_message,
};

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
    }
}
