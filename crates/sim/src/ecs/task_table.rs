//! The cluster's tasks, with a compact [`TaskBrief`] of each beside them for the loops that
//! read every task of a service (the scheduler's pass, the deployment counts).
//!
//! Each `Task` sits behind its own pointer (a [`CowVec`], so snapshots share them), and a
//! pass over a service of 1,000 tasks spent most of its time waiting for each task's first
//! cache line (`benches/simulate.rs`). The briefs lie side by side (64 bytes each); a pass
//! reads them instead.
//!
//! Keeping them in step: every write to a task goes through this table (`IndexMut`, `get_mut`,
//! `iter_mut`, ...), which marks its brief stale; [`TaskTable::refresh`] rewrites the stale
//! ones. [`TaskTable::brief`] is right whatever the order: a stale brief is computed from the
//! task instead. So a refresh only makes reads faster, and a forgotten one cannot make them
//! wrong. Debug builds (every test) check each fresh brief they read against its task.
//!
//! The briefs are a cache, not state: a clone (a playback's snapshot) does not copy them (it
//! costs a pointer per task, as before), and the first refresh after restoring one rebuilds
//! them. Equality, `Debug` and serialization are those of the tasks.
//!
//! The table also counts, per service, the writes to its live tasks and the tasks created for
//! it ([`TaskTable::write_stamp`]): a scheduler pass that found nothing to do may be repeated
//! without looking at the tasks again while the stamp stays the same
//! (`service_scheduler::quiet`). A task that is not live never becomes live again (its desired
//! status stays STOPPED, or it has stopped), so writes to it cannot change what a pass does.

use std::fmt;
use std::ops::{Deref, Index, IndexMut};

use serde::{Serialize, Serializer};

use crate::cow_vec::CowVec;
use crate::ecs::ids::{ServiceIdx, TaskDefIdx, TaskIdx};
use crate::ecs::{HealthStatus, Host, Task, TaskStatus};
use crate::time::SimTime;

/// What the hot loops read of a task, copied out of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskBrief {
    pub started_at: Option<SimTime>,
    /// `Task::deployment_key`.
    pub deployment_key: Option<u64>,
    pub host: Host,
    pub service: Option<ServiceIdx>,
    pub task_definition: TaskDefIdx,
    pub zone: u32,
    pub last_status: TaskStatus,
    pub health_status: HealthStatus,
    /// `Task::is_live`.
    pub live: bool,
    /// It counted as healthy for its deployment (`healthy_at` is set).
    pub counted: bool,
    /// The scheduler acted on a failed health check of it (`unhealthy_reason` is set).
    pub unhealthy: bool,
    /// Its `deployment_id` is `ecs-svc/` and digits that `deployment_key` reads back
    /// exactly, so equal keys of two such ids mean equal ids.
    pub key_exact: bool,
    /// Written since the last refresh: read the task instead.
    stale: bool,
}

impl TaskBrief {
    pub fn of(task: &Task) -> TaskBrief {
        debug_assert_eq!(
            task.deployment_key_exact,
            task.deployment_id.as_deref().is_some_and(key_is_exact),
            "task {}: deployment_key_exact out of step with its deployment id",
            task.id
        );
        TaskBrief {
            started_at: task.started_at,
            deployment_key: task.deployment_key,
            host: task.host,
            service: task.service,
            task_definition: task.task_definition,
            zone: task.zone as u32,
            last_status: task.last_status,
            health_status: task.health_status,
            live: task.is_live(),
            counted: task.healthy_at.is_some(),
            unhealthy: task.unhealthy_reason.is_some(),
            key_exact: task.deployment_key_exact,
            stale: false,
        }
    }
}

/// [`crate::ecs::deployment_key`] of `id`, and whether it is exact: `ecs-svc/` and digits with
/// no leading zero that fit a `u64`. The key is then the number, and two such ids with the same
/// key are the same id. The digits are read once (a task's creation and a deployment's need
/// both halves).
pub fn key_of(id: &str) -> (u64, bool) {
    let found = match id
        .strip_prefix("ecs-svc/")
        .map(|digits| (digits, digits.parse::<u64>()))
    {
        // `deployment_key` is then the number.
        Some((digits, Ok(n))) => (
            n,
            digits.bytes().all(|b| b.is_ascii_digit())
                && !(digits.len() > 1 && digits.starts_with('0')),
        ),
        _ => (crate::ecs::deployment_key(id), false),
    };
    debug_assert_eq!(found.0, crate::ecs::deployment_key(id));
    found
}

/// The exactness half of [`key_of`].
pub fn key_is_exact(id: &str) -> bool {
    key_of(id).1
}

/// The cluster's tasks and their briefs. Reads go to the [`CowVec`] (`Deref`); writes go
/// through the methods here, which mark what they write stale.
#[derive(Default)]
pub struct TaskTable {
    tasks: CowVec<Task>,
    /// `briefs[i]` describes `tasks[i]` unless it is marked stale; shorter than `tasks` after a
    /// clone (the missing ones are computed when read, and rebuilt by a refresh).
    briefs: Vec<TaskBrief>,
    /// The positions marked stale since the last refresh, each once.
    stale: Vec<u32>,
    /// Per service (by index): writes to its live tasks and tasks created for it while the
    /// briefs were whole, and one more for each time they were rebuilt whole, since writes
    /// in between were not counted (see [`TaskTable::write_stamp`]).
    service_writes: Vec<u32>,
}

/// What [`TaskTable::write_stamp`] returns: equal stamps of a service mean that none of its
/// live tasks was written and no task was created for it in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteStamp(u32);

impl TaskTable {
    pub const fn new() -> Self {
        TaskTable {
            tasks: CowVec::new(),
            briefs: Vec::new(),
            stale: Vec::new(),
            service_writes: Vec::new(),
        }
    }

    /// The write stamp of service `s`; `None` while the briefs are not whole (after a clone or
    /// a write to every task, until the next refresh: writes then are not counted), or before
    /// the first task of `s` was counted (a whole rebuild changes only the stamps it knows).
    pub fn write_stamp(&self, s: ServiceIdx) -> Option<WriteStamp> {
        if self.briefs.len() != self.tasks.len() {
            return None;
        }
        self.service_writes
            .get(s.0 as usize)
            .copied()
            .map(WriteStamp)
    }

    /// Count a write to a live task of `s` (or a task created for it).
    fn count_write(&mut self, s: ServiceIdx) {
        let i = s.0 as usize;
        if self.service_writes.len() <= i {
            self.service_writes.resize(i + 1, 0);
        }
        self.service_writes[i] = self.service_writes[i].wrapping_add(1);
    }

    /// Count a change to what a pass reads of task `t` that is not a write to the task (its
    /// target's state in a target group), as a write to it.
    pub fn touch(&mut self, t: TaskIdx) {
        self.mark(t.0 as usize);
    }

    /// The brief of task `t`, as it is now.
    pub fn brief(&self, t: TaskIdx) -> TaskBrief {
        let i = t.0 as usize;
        match self.briefs.get(i) {
            Some(b) if !b.stale => {
                #[cfg(debug_assertions)]
                debug_assert_eq!(
                    *b,
                    TaskBrief::of(&self.tasks[i]),
                    "the brief of task {} is out of step with it",
                    self.tasks[i].id
                );
                *b
            }
            _ => TaskBrief::of(&self.tasks[i]),
        }
    }

    /// Whether task `t` was written (or created) since the last refresh: its brief is stale
    /// or not there. A scheduler pass refreshes before it observes and not again until it
    /// records, so at its record this says which tasks it (or anything it set off) wrote.
    pub fn written_since_refresh(&self, t: TaskIdx) -> bool {
        self.briefs.get(t.0 as usize).is_none_or(|b| b.stale)
    }

    /// Rewrite the briefs of the tasks written since the last refresh (all of them after a
    /// clone).
    pub fn refresh(&mut self) {
        if self.briefs.len() != self.tasks.len() {
            self.stale.clear();
            self.briefs = self.tasks.iter().map(TaskBrief::of).collect();
            for writes in &mut self.service_writes {
                *writes = writes.wrapping_add(1);
            }
            return;
        }
        for i in self.stale.drain(..) {
            let i = i as usize;
            let brief = TaskBrief::of(&self.tasks[i]);
            debug_assert!(
                self.briefs[i].live || !brief.live,
                "task {} became live again: the write stamps would miss its writes",
                self.tasks[i].id
            );
            self.briefs[i] = brief;
        }
    }

    /// Task `i` is (about to be) written. A stale brief still says whether the task was live
    /// before its first write since the refresh, and a task that was not live is not live now.
    fn mark(&mut self, i: usize) {
        let Some(b) = self.briefs.get_mut(i) else {
            return;
        };
        let counted = b.live.then_some(b.service).flatten();
        if !b.stale {
            b.stale = true;
            self.stale.push(i as u32);
        }
        if let Some(s) = counted {
            self.count_write(s);
        }
    }

    /// Every brief is to be rebuilt (after a write to many tasks).
    fn mark_all(&mut self) {
        self.briefs.clear();
        self.stale.clear();
    }

    pub fn push(&mut self, task: Task) {
        if self.briefs.len() == self.tasks.len() {
            self.briefs.push(TaskBrief::of(&task));
            if let Some(s) = task.service {
                self.count_write(s);
            }
        }
        self.tasks.push(task);
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut Task> {
        self.mark(index);
        self.tasks.get_mut(index)
    }

    /// Every task, writable (every brief is rebuilt at the next refresh).
    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut Task> + ExactSizeIterator {
        self.mark_all();
        self.tasks.iter_mut()
    }
}

impl Deref for TaskTable {
    type Target = CowVec<Task>;

    fn deref(&self) -> &CowVec<Task> {
        &self.tasks
    }
}

impl Index<usize> for TaskTable {
    type Output = Task;

    fn index(&self, index: usize) -> &Task {
        &self.tasks[index]
    }
}

impl IndexMut<usize> for TaskTable {
    fn index_mut(&mut self, index: usize) -> &mut Task {
        self.mark(index);
        &mut self.tasks[index]
    }
}

impl<'a> IntoIterator for &'a TaskTable {
    type Item = &'a Task;
    type IntoIter = crate::cow_vec::Iter<'a, Task>;

    fn into_iter(self) -> Self::IntoIter {
        self.tasks.iter()
    }
}

/// Cheap: shares every task, and leaves the briefs to be rebuilt.
impl Clone for TaskTable {
    fn clone(&self) -> Self {
        TaskTable {
            tasks: self.tasks.clone(),
            briefs: Vec::new(),
            stale: Vec::new(),
            service_writes: Vec::new(),
        }
    }
}

impl PartialEq for TaskTable {
    fn eq(&self, other: &Self) -> bool {
        self.tasks == other.tasks
    }
}

impl fmt::Debug for TaskTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.tasks.fmt(f)
    }
}

impl Serialize for TaskTable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.tasks.serialize(serializer)
    }
}

impl FromIterator<Task> for TaskTable {
    fn from_iter<I: IntoIterator<Item = Task>>(iter: I) -> Self {
        let mut table = TaskTable::new();
        for task in iter {
            table.push(task);
        }
        table
    }
}

#[cfg(test)]
mod tests {
    use super::{key_is_exact, key_of};
    use crate::ecs::deployment_key;

    /// One reading of the digits gives the key `deployment_key` gives, and says which ids
    /// read back exactly.
    #[test]
    fn key_of_agrees_with_deployment_key_and_key_is_exact() {
        for id in [
            "ecs-svc/1234567890123456789",
            "ecs-svc/0",
            "ecs-svc/01",
            "ecs-svc/+5",
            "ecs-svc/",
            "ecs-svc/99999999999999999999",
            "ecs-svc/12a",
            "blue",
        ] {
            assert_eq!(key_of(id), (deployment_key(id), key_is_exact(id)), "{id}");
        }
        assert_eq!(key_of("ecs-svc/42"), (42, true));
        assert!(!key_of("ecs-svc/042").1);
        assert!(!key_of("ecs-svc/+5").1);
        assert!(!key_of("ecs-svc/99999999999999999999").1);
        assert!(!key_of("ecs-svc/").1);
        assert!(!key_of("blue").1);
        assert!(key_of("ecs-svc/0").1);
    }
}
