//! The demand a service or Deployment serves (`load`), shared by the ECS and EKS worlds.

use super::Problems;
use super::caps::MAX_DURATION;
use crate::scenario::locate::Path;
use crate::scenario::spec::LoadSpec;

/// Requests per second, for one pod or a whole service: Orca's cap, far above any service a
/// lesson shows, so that utilization and replica arithmetic stay finite.
pub const MAX_RPS: f64 = 1_000_000_000.0;

pub(super) fn load(out: &mut Problems, l: &LoadSpec, lp: &Path) {
    if !(l.rps_per_pod.is_finite() && l.rps_per_pod > 0.0) {
        out.push((
            lp.field("rps_per_pod"),
            format!("rps_per_pod {} must be a positive number", l.rps_per_pod),
        ));
    } else if l.rps_per_pod > MAX_RPS {
        out.push((
            lp.field("rps_per_pod"),
            format!(
                "rps_per_pod {} is out of range; valid: more than 0 and at most {MAX_RPS}",
                l.rps_per_pod
            ),
        ));
    }
    if l.points.is_empty() || l.points.len() > 1000 {
        out.push((
            lp.field("points"),
            format!(
                "{} points; give 1 to 1000 (seconds, requests per second) points",
                l.points.len()
            ),
        ));
    }
    let mut last = 0.0;
    for (j, (t, v)) in l.points.iter().enumerate() {
        if !(t.is_finite() && v.is_finite()) || *t < last || *t < 0.0 || *v < 0.0 {
            out.push((
                lp.field("points").index(j),
                format!(
                    "point ({t}, {v}): times start at 0 and must not go backwards, and rates must be ≥ 0"
                ),
            ));
        } else if *t > MAX_DURATION || *v > MAX_RPS {
            out.push((
                lp.field("points").index(j),
                format!(
                    "point ({t}, {v}) is out of range; times go up to {MAX_DURATION} seconds and rates up to {MAX_RPS} requests per second"
                ),
            ));
        }
        if t.is_finite() {
            last = t.max(last);
        }
    }
    if let Some(m) = &l.memory {
        let mp = lp.field("memory");
        for (field, v) in [
            ("idle_percent", m.idle_percent),
            ("percent_at_rps_per_pod", m.percent_at_rps_per_pod),
        ] {
            if !(v.is_finite() && (0.0..=100.0).contains(&v)) {
                out.push((
                    mp.field(field),
                    format!("{field} {v} is out of range; valid: 0 to 100 (percent of the task's memory)"),
                ));
            }
        }
    }
}
