//! The memos of quiet scheduler passes that the cluster keeps (`service_scheduler::quiet` says
//! what they are for and when a pass may be repeated without looking again). A cache, like the
//! tasks' briefs: a clone of the cluster (a playback's snapshot) starts without them, equality
//! ignores them, and they are one pointer wide while there are none (every snapshot holds the
//! field).

use std::fmt;

use crate::ecs::Service;
use crate::ecs::ids::ServiceIdx;
use crate::ecs::task_table::WriteStamp;

/// The memos of the cluster's services' last quiet passes, and a count of the container
/// instances' status changes since the first memo.
#[derive(Default)]
pub struct QuietPasses(Option<Box<Memos>>);

#[derive(Default)]
struct Memos {
    by_service: Vec<Option<Memo>>,
    instance_changes: u32,
}

/// What a quiet pass read beyond the tasks (whose writes [`WriteStamp`] counts).
pub(crate) struct Memo {
    pub tasks: WriteStamp,
    pub instances: InstancesStamp,
    /// The service as the pass left it, without its task list, view and scaling records.
    pub service: Box<Service>,
    pub recorded: Recorded,
}

/// The container instances (and the task definitions and target groups) as a pass saw them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InstancesStamp {
    pub count: usize,
    pub draining: u32,
    pub changes: u32,
    pub task_definitions: usize,
    pub target_groups: usize,
}

/// What a repeat of a quiet pass must check again. The removal of stopped tasks from the
/// service's list is the one change a repeat allows, and it can complete the PRIMARY
/// deployment, drop an older one, or make the service steady; time, for its part, can make the
/// steady state's message due again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Recorded {
    /// The live tasks the pass counted.
    pub live: u32,
    /// The PRIMARY is IN_PROGRESS with all its desired tasks live and healthy: it completes
    /// once no task of an older deployment is listed.
    pub completion_waits: bool,
    /// The service would be steady but for listed tasks that are not live.
    pub steady_waits: bool,
    /// The service is steady.
    pub steady: bool,
}

impl QuietPasses {
    /// A container instance's status changed (`EcsCluster::set_instance_status`).
    pub fn instance_changed(&mut self) {
        if let Some(m) = &mut self.0 {
            m.instance_changes = m.instance_changes.wrapping_add(1);
        }
    }

    /// How many times a container instance's status changed since the first memo.
    pub(crate) fn instance_changes(&self) -> u32 {
        self.0.as_ref().map_or(0, |m| m.instance_changes)
    }

    pub(crate) fn memo(&self, s: ServiceIdx) -> Option<&Memo> {
        self.0
            .as_ref()
            .and_then(|m| m.by_service.get(s.0 as usize))
            .and_then(Option::as_ref)
    }

    /// Keep `memo` for service `s` (`None` forgets its memo).
    pub(crate) fn set(&mut self, s: ServiceIdx, memo: Option<Memo>) {
        let i = s.0 as usize;
        let memos = match (&mut self.0, &memo) {
            (Some(m), _) => m,
            (None, None) => return,
            (None, Some(_)) => self.0.insert(Box::default()),
        };
        if memos.by_service.len() <= i {
            if memo.is_none() {
                return;
            }
            memos.by_service.resize_with(i + 1, || None);
        }
        memos.by_service[i] = memo;
    }
}

/// A cache: a clone starts empty.
impl Clone for QuietPasses {
    fn clone(&self) -> Self {
        QuietPasses::default()
    }
}

/// A cache: not part of the cluster's state.
impl PartialEq for QuietPasses {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl fmt::Debug for QuietPasses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QuietPasses")
    }
}
