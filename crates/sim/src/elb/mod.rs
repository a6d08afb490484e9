//! Elastic Load Balancing: Application Load Balancer target groups, their targets and health.

pub mod target_health;

use serde::Serialize;

use crate::cow_vec::CowVec;
use crate::ecs::ids::{ServiceIdx, TaskIdx};
use crate::name::Name;
use crate::probe::Prober;
use crate::scenario::spec::TargetType;
use crate::time::{Millis, SimTime};

/// `TargetHealth.State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TargetState {
    Initial,
    Healthy,
    Unhealthy,
    Draining,
    Unused,
}

impl TargetState {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetState::Initial => "initial",
            TargetState::Healthy => "healthy",
            TargetState::Unhealthy => "unhealthy",
            TargetState::Draining => "draining",
            TargetState::Unused => "unused",
        }
    }
}

/// `TargetHealth.Reason` codes with their descriptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TargetReason {
    RegistrationInProgress,
    InitialHealthChecking,
    ResponseCodeMismatch(u16),
    Timeout,
    FailedHealthChecks,
    DeregistrationInProgress,
}

impl TargetReason {
    pub fn code(&self) -> &'static str {
        match self {
            TargetReason::RegistrationInProgress => "Elb.RegistrationInProgress",
            TargetReason::InitialHealthChecking => "Elb.InitialHealthChecking",
            TargetReason::ResponseCodeMismatch(_) => "Target.ResponseCodeMismatch",
            TargetReason::Timeout => "Target.Timeout",
            TargetReason::FailedHealthChecks => "Target.FailedHealthChecks",
            TargetReason::DeregistrationInProgress => "Target.DeregistrationInProgress",
        }
    }

    pub fn description(&self) -> String {
        match self {
            TargetReason::RegistrationInProgress => "Target registration is in progress".into(),
            TargetReason::InitialHealthChecking => "Initial health checks in progress".into(),
            TargetReason::ResponseCodeMismatch(code) => {
                format!("Health checks failed with these codes: [{code}]")
            }
            TargetReason::Timeout => "Request timed out".into(),
            TargetReason::FailedHealthChecks => "Health checks failed".into(),
            TargetReason::DeregistrationInProgress => "Target deregistration is in progress".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// IP address (ip targets) or EC2 instance id (instance targets).
    pub id: Name,
    pub port: u16,
    /// `id:port`, as the target's events name it ([`Target::endpoint`]), written once.
    pub address: Name,
    pub availability_zone: Name,
    pub task: TaskIdx,
    pub service: ServiceIdx,
    pub state: TargetState,
    pub reason: Option<TargetReason>,
    pub registered_at: SimTime,
    pub prober: Prober,
    /// The container that answers the checks.
    pub container: Name,
    /// The next moment this target's state changes (a timer is due then).
    pub next_at: Option<SimTime>,
    /// Draining ends (deregistration delay elapsed).
    pub drain_until: Option<SimTime>,
    /// Healthy at least once since registration (the scheduler's health gate).
    pub ever_healthy: bool,
}

impl Target {
    /// `10.0.1.23:80` or `i-0abc…:32768`.
    pub fn endpoint(&self) -> &str {
        &self.address
    }

    /// The `address` of a target `id` on `port`.
    pub fn address_of(id: &str, port: u16) -> Name {
        // The port's digits by hand: every target a rollout registers is named this way.
        let mut digits = [0u8; 5];
        let (mut at, mut n) = (digits.len(), port);
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let port = std::str::from_utf8(&digits[at..]).unwrap_or_default();
        Name::concat(&[id, ":", port])
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetGroupHealthCheck {
    pub path: String,
    pub interval: Millis,
    pub timeout: Millis,
    pub healthy_threshold_count: u32,
    pub unhealthy_threshold_count: u32,
    pub matcher: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetGroup {
    pub name: Name,
    pub arn: Name,
    pub load_balancer: String,
    pub load_balancer_arn: String,
    pub port: u16,
    pub target_type: TargetType,
    pub health_check: TargetGroupHealthCheck,
    pub deregistration_delay: Millis,
    /// Sorted by task (a [`CowVec`]: snapshots share the targets nothing wrote to). Add and
    /// remove targets only with [`TargetGroup::insert_target`] and
    /// [`TargetGroup::remove_targets_of`], which keep `task_keys` in step.
    pub targets: CowVec<Target>,
    /// Each target's task number, in `targets`' order: what lookups search. Every element
    /// of `targets` sits behind its own pointer, so a binary search over them misses the
    /// cache at every step; this array is a few kilobytes (the canvas looks up every task's
    /// target on every frame, the health gates on every scheduler pass).
    #[serde(skip)]
    pub task_keys: Vec<u32>,
    /// Each target's state, in `targets`' order: the health gates read only the state of
    /// every task's target on every pass, and reading it here instead of behind each target's
    /// pointer saves a cache miss per task (most of a pass's time at 10,000 tasks). Change a
    /// target's state only with [`TargetGroup::set_state`], which keeps both in step.
    #[serde(skip)]
    pub states: Vec<TargetState>,
}

/// The first position of `key` in sorted `keys`, searching forward from `from` (where the
/// previous search ended) when `key` is not below the key before it, and anew otherwise;
/// leaves `from` at the first position whose key is `key` or more.
///
/// The forward search gallops (steps of 1, 2, 4, … then a binary search in the last step): a
/// pass asking for its tasks in order finds each a step or two on, and a reader that starts
/// from 0 for each task (the canvas reads one task's health gate at a time) pays a logarithm
/// instead of a walk over the group's targets, which had made reading 10,000 tasks into the
/// canvas quadratic (`benches/frame.rs`).
fn first_from(keys: &[u32], key: u32, from: &mut usize) -> Option<usize> {
    if *from > keys.len() || (*from > 0 && keys[*from - 1] >= key) {
        *from = keys.partition_point(|&k| k < key);
    } else {
        let rest = &keys[*from..];
        // Every key before `rest[below]` is below `key`; `rest[step - 1]` is the next to test.
        let (mut below, mut step) = (0, 1);
        while step <= rest.len() && rest[step - 1] < key {
            below = step;
            step *= 2;
        }
        let end = step.min(rest.len());
        *from += below + rest[below..end].partition_point(|&k| k < key);
    }
    (keys.get(*from) == Some(&key)).then_some(*from)
}

impl TargetGroup {
    /// Where the target of `task` is in `targets` (kept sorted by task, so this is a binary
    /// search: health gates look targets up for every task on every scheduler pass).
    pub fn position_of(&self, task: TaskIdx) -> Option<usize> {
        self.task_keys.binary_search(&task.0).ok()
    }

    /// [`TargetGroup::position_of`] for lookups that come in increasing task order (a pass
    /// over a service's tasks): `from` is where the previous lookup ended, and the search
    /// steps forward from there instead of starting over. Any order gives the same answer;
    /// a task before `from` is searched for anew.
    pub fn position_from(&self, task: TaskIdx, from: &mut usize) -> Option<usize> {
        let at = first_from(&self.task_keys, task.0, from)?;
        // A task with several targets here: the one `position_of` finds.
        if self.task_keys.get(at + 1) == Some(&task.0) {
            return self.position_of(task);
        }
        Some(at)
    }

    pub fn target_of(&self, task: TaskIdx) -> Option<&Target> {
        self.position_of(task).map(|i| &self.targets[i])
    }

    pub fn target_of_mut(&mut self, task: TaskIdx) -> Option<&mut Target> {
        self.position_of(task).map(|i| &mut self.targets[i])
    }

    /// The state of the target of `task`, read from the compact `states` array.
    pub fn state_of(&self, task: TaskIdx) -> Option<TargetState> {
        self.state_at(self.position_of(task)?)
    }

    /// The state of the target at `i` (a position in `targets`).
    pub fn state_at(&self, i: usize) -> Option<TargetState> {
        let state = *self.states.get(i)?;
        debug_assert_eq!(
            state, self.targets[i].state,
            "states out of step with targets"
        );
        Some(state)
    }

    /// Set the state of the target at `pos` (a position in `targets`).
    pub fn set_state(&mut self, pos: usize, state: TargetState) {
        self.targets[pos].state = state;
        self.states[pos] = state;
    }

    /// Add a target, keeping `targets` sorted by task.
    pub fn insert_target(&mut self, target: Target) {
        // A new task has the highest index yet: its target almost always goes last.
        let key = target.task.0;
        let at = if self.task_keys.last().is_none_or(|&k| k < key) {
            self.task_keys.len()
        } else {
            self.task_keys.partition_point(|&k| k < key)
        };
        self.task_keys.insert(at, target.task.0);
        self.states.insert(at, target.state);
        self.targets.insert(at, target);
    }

    /// Remove the task's targets (a range, since `targets` is sorted by task).
    pub fn remove_targets_of(&mut self, task: TaskIdx) {
        let from = self.task_keys.partition_point(|&k| k < task.0);
        let to = self.task_keys.partition_point(|&k| k <= task.0);
        self.task_keys.drain(from..to);
        self.states.drain(from..to);
        self.targets.remove_range(from..to);
    }

    /// When every registered target is unhealthy, an ALB "fails open" and routes to all of them.
    pub fn fails_open(&self) -> bool {
        let mut in_service = self
            .targets
            .iter()
            .filter(|t| t.state != TargetState::Draining && t.state != TargetState::Unused)
            .peekable();
        in_service.peek().is_some() && in_service.all(|t| t.state == TargetState::Unhealthy)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    #[test]
    fn a_targets_address_is_its_id_and_port() {
        for port in [0u16, 7, 80, 8080, 32768, 65535] {
            assert_eq!(
                super::Target::address_of("10.0.1.5", port).as_str(),
                format!("10.0.1.5:{port}")
            );
        }
    }

    proptest! {
        /// Searching forward from the last answer finds what a search from scratch finds,
        /// in any order of questions.
        #[test]
        fn a_search_from_the_last_answer_agrees_with_one_from_scratch(
            mut keys in proptest::collection::vec(0..300u32, 0..200),
            questions in proptest::collection::vec(0..304u32, 0..60),
        ) {
            keys.sort_unstable();
            let mut from = 0;
            for key in questions {
                let first = keys.partition_point(|&k| k < key);
                let expected = (keys.get(first) == Some(&key)).then_some(first);
                prop_assert_eq!(super::first_from(&keys, key, &mut from), expected);
                prop_assert_eq!(from, first);
            }
        }
    }
}
