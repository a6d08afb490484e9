//! Caps that keep a hostile or mistaken file from exhausting memory or time: how many objects a
//! file may declare and how many tasks its services may want at once.

use std::collections::HashMap;

use super::Problems;
use crate::scenario::limits;
use crate::scenario::locate::Path;
use crate::scenario::spec::{Action, EcsWorld, Scenario};

/// Container instances in a cluster (instance groups' counts added up): the ECS quota.
pub const MAX_INSTANCES: u32 = limits::INSTANCE_COUNT.max as u32;
/// The ECS quota of tasks per service.
pub const MAX_DESIRED: u32 = limits::DESIRED_COUNT.max as u32;
/// Tasks all services together may want at once: desired counts, auto scaling maximums and
/// timeline updates, whichever is largest for each service.
pub const MAX_TASKS_TOTAL: u64 = 10_000;
pub const MAX_TASK_DEFINITIONS: usize = 1_000;
pub const MAX_SERVICES: usize = 1_000;
pub const MAX_TARGET_GROUPS: usize = 100;
pub const MAX_TIMELINE: usize = 10_000;
pub const MAX_QUIZZES: usize = 500;
/// A day: scenarios are lessons, not soak tests.
pub const MAX_DURATION: f64 = limits::DAY_SECONDS as f64;
/// Problems reported for one file. Each is located by walking the source, so a file full of
/// mistakes would otherwise take minutes to report; nobody fixes more than this at once.
pub const MAX_PROBLEMS: usize = 100;

/// Most instances one Auto Scaling group may hold in a scenario (Orca's cap).
pub const MAX_ASG_SIZE: u32 = limits::ASG_MAX_SIZE.max as u32;

/// The most tasks each service may want (desired count, auto scaling maximum, timeline
/// updates), added up, against [`MAX_TASKS_TOTAL`].
pub(super) fn tasks_total(out: &mut Problems, s: &Scenario, w: &EcsWorld, sp: &Path) {
    let mut peak: HashMap<&str, u64> = HashMap::new();
    for svc in &w.services {
        let most = (svc.desired_count as u64).max(
            svc.auto_scaling
                .as_ref()
                .map_or(0, |a| a.max_capacity as u64),
        );
        let e = peak.entry(svc.name.as_str()).or_insert(0);
        *e = (*e).max(most);
    }
    for entry in &s.timeline {
        if let Action::UpdateService {
            service,
            desired_count: Some(d),
            ..
        } = &entry.action
            && let Some(e) = peak.get_mut(service.as_str())
        {
            *e = (*e).max(*d as u64);
        }
    }
    let total: u64 = peak.values().sum();
    if total > MAX_TASKS_TOTAL {
        out.push((
            sp.clone(),
            format!(
                "the services may want {total} tasks at once (desired counts, auto scaling maximums and timeline updates added up); Orca simulates at most {MAX_TASKS_TOTAL}"
            ),
        ));
    }
}
