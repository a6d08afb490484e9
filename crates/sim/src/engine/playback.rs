//! Seekable playback of a scenario: the app's and the CLI's view of a whole run.
//!
//! The scenario is run to its end once (milliseconds for the built-in scenarios), keeping a
//! snapshot after every so much work (timers dispatched, [`WORK_PER_SNAPSHOT`] at first) or
//! simulated time (a 64th of the run, 5 s at least), whichever comes first, so a seek replays
//! a bounded amount of work however busy the stretch it lands in. Seeking to
//! any moment restores the last snapshot at or before it and runs forward from there;
//! determinism makes that identical to playing straight through. Snapshots share the tasks
//! and targets nothing wrote to between them ([`crate::cow_vec`]), so one costs the objects
//! that changed since the one before, not the whole world.
//!
//! The learner can act on the run: an intervention becomes an entry of the run's timeline at
//! the current moment, and the run is simulated again from the last snapshot before it. The
//! scripted timeline keeps playing after an intervention. Undoing the last intervention takes
//! its entry out again. Either way the result equals a fresh run of the scenario with those
//! entries in its timeline.
//!
//! Memory stays bounded: the log is kept once (the simulation keeps only what it logged since
//! the last restore), snapshots thin out (every other one dropped, the work between them
//! doubled) when their estimated size passes [`SNAPSHOT_BUDGET`], and a run stops at
//! [`crate::engine::MAX_EVENTS`] events.

use std::sync::Arc;

use crate::engine::{Simulation, Snapshot};
use crate::event::{Event, EventKind, Subject};
use crate::scenario::spec::{Action, Scenario, TimelineEntry};
use crate::time::{Millis, SimTime};
use crate::world::World;

/// A quiz and the moment it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizMoment {
    /// Index into the scenario's `quizzes`.
    pub quiz: usize,
    /// The moment of the trigger.
    pub at: SimTime,
    pub predict: bool,
    /// What to highlight.
    pub subjects: Vec<Subject>,
}

impl QuizMoment {
    /// Where playback stops to ask: at the moment, or just before it for a prediction.
    pub fn pause_at(&self) -> SimTime {
        if self.predict {
            SimTime(self.at.0.saturating_sub(1))
        } else {
            self.at
        }
    }
}

/// Something the learner did to the run, at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Intervention {
    pub at: SimTime,
    pub action: Action,
    /// Its index in the effective scenario's timeline.
    index: u32,
}

pub struct Playback {
    sim: Simulation,
    snapshots: Vec<Snapshot>,
    /// The estimated size of what each snapshot holds beyond the one before it, in bytes.
    snapshot_bytes: Vec<usize>,
    /// A snapshot is kept after this many timers dispatched since the last one, or
    /// `interval` of simulated time, whichever comes first.
    work_per_snapshot: u64,
    interval: Millis,
    full_log: Arc<Vec<Event>>,
    quiz_moments: Vec<QuizMoment>,
    end: SimTime,
    interventions: Vec<Intervention>,
    snapshot_budget: usize,
}

/// Timers dispatched between two snapshots at most, before any thinning. Measured on the seek
/// bench (a 10,000-task rolling update, idle machine, 2026-12-04): 500 opens in 1.8–2.1 s with
/// 184 snapshots, 470 MB, seeks p95 11–15 ms; 250 opens in 2.1–2.6 s with 365 snapshots,
/// 553 MB, seeks p95 7–11 ms. Both meet the seek goal (p95 ≤ 50 ms); 500 is the one that
/// opens within 2 s.
pub const WORK_PER_SNAPSHOT: u64 = 500;
/// Snapshots per run at least, in quiet runs (the interval adapts to the scenario's length).
const SNAPSHOTS: u64 = 64;
/// How many times the progress callback hears of the run's advance in simulated time, at
/// most, besides after each snapshot.
const PROGRESS_STEPS: u64 = 64;
/// The most memory the snapshots of one run may take, by their estimated size.
pub const SNAPSHOT_BUDGET: usize = 512 << 20;

impl Playback {
    pub fn new(scenario: Arc<Scenario>) -> Self {
        Playback::of(Simulation::new(scenario))
    }

    /// [`Playback::new`], telling `progress` how much of the run is simulated (0 to 1) as it
    /// goes: after each snapshot, and 1 at the end. For an app that simulates a large scenario
    /// in the background; the callback only watches, so the playback is the same.
    pub fn new_with_progress(scenario: Arc<Scenario>, progress: &dyn Fn(f64)) -> Self {
        Playback::build(
            Simulation::new(scenario),
            SNAPSHOT_BUDGET,
            WORK_PER_SNAPSHOT,
            progress,
        )
    }

    /// Play back a simulation that stands at time zero (a test may have lowered its event
    /// limit).
    pub fn of(sim: Simulation) -> Self {
        Playback::with_snapshot_budget(sim, SNAPSHOT_BUDGET)
    }

    /// [`Playback::of`] with the snapshots kept within `budget` bytes.
    pub fn with_snapshot_budget(sim: Simulation, budget: usize) -> Self {
        Playback::with_snapshots(sim, budget, WORK_PER_SNAPSHOT)
    }

    /// [`Playback::with_snapshot_budget`], keeping a snapshot after every `work` timers
    /// dispatched (before any thinning) instead of [`WORK_PER_SNAPSHOT`].
    pub fn with_snapshots(sim: Simulation, budget: usize, work: u64) -> Self {
        Playback::build(sim, budget, work, &|_| {})
    }

    fn build(mut sim: Simulation, budget: usize, work: u64, progress: &dyn Fn(f64)) -> Self {
        let end = sim.end();
        let full_log = Arc::new(sim.detach_log());
        let mut p = Playback {
            snapshots: Vec::new(),
            snapshot_bytes: Vec::new(),
            work_per_snapshot: work.max(1),
            interval: Millis((end.0 / SNAPSHOTS).max(5_000)),
            full_log,
            quiz_moments: Vec::new(),
            end,
            interventions: Vec::new(),
            snapshot_budget: budget,
            sim,
        };
        p.keep_snapshot();
        p.run_to_end(progress);
        p.seek(SimTime::ZERO);
        p
    }

    /// Run from where the simulation stands (the last snapshot) to the end, taking snapshots,
    /// and make the log of the whole run from what was kept before and what this run logged.
    fn run_to_end(&mut self, progress: &dyn Fn(f64)) {
        let scenario_end = SimTime::from_secs_f64(self.sim.scenario().duration);
        let fraction = |t: SimTime| t.0 as f64 / scenario_end.0.max(1) as f64;
        let progress_step = (scenario_end.0 / PROGRESS_STEPS).max(1);
        let mut told = self.sim.now().0 / progress_step;
        let mut since = self.sim.work();
        let mut last = self.sim.now();
        while self.sim.next_due().is_some_and(|t| t <= scenario_end) {
            let Some(at) = self.sim.step() else { break };
            if self.sim.halted_at().is_some() {
                break;
            }
            let due = self.sim.work() - since >= self.work_per_snapshot
                || at.0 - last.0 >= self.interval.0;
            if due && at < scenario_end {
                last = at;
                self.keep_snapshot();
                since = self.sim.work();
                told = at.0 / progress_step;
                progress(fraction(at));
            } else if at.0 / progress_step > told {
                told = at.0 / progress_step;
                progress(fraction(at));
            }
        }
        self.sim.advance_to(scenario_end);
        progress(1.0);
        self.end = self.sim.end();
        let base = self.sim.log_len() - self.sim.log().len();
        let log = Arc::make_mut(&mut self.full_log);
        log.truncate(base);
        log.extend_from_slice(self.sim.log());
        let scenario = self.sim.scenario().clone();
        self.quiz_moments = self
            .full_log
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::QuizAsked { quiz, predict } => Some(QuizMoment {
                    quiz: scenario.quizzes.iter().position(|q| &q.id == quiz)?,
                    at: e.at,
                    predict: *predict,
                    subjects: e.subjects.to_vec(),
                }),
                _ => None,
            })
            .collect();
    }

    /// Keep a snapshot of the moment the simulation stands at; while the snapshots pass their
    /// budget, keep every other one and double the work between them.
    fn keep_snapshot(&mut self) {
        if self
            .snapshots
            .last()
            .is_some_and(|s| s.at() >= self.sim.now())
        {
            return;
        }
        let (snapshot, bytes) = Snapshot::of(&self.sim);
        self.snapshot_bytes.push(bytes);
        self.snapshots.push(snapshot);
        while self.snapshot_bytes() > self.snapshot_budget && self.snapshots.len() > 1 {
            self.work_per_snapshot = self.work_per_snapshot.saturating_mul(2);
            self.interval = self.interval.times(2);
            // The first snapshot (time zero) always stays.
            let mut i = 0;
            self.snapshots.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            // What each one holds beyond the one now before it.
            self.snapshot_bytes = (0..self.snapshots.len())
                .map(|i| match i.checked_sub(1) {
                    None => self.snapshots[i].approx_bytes(),
                    Some(before) => self.snapshots[i].approx_bytes_beyond(&self.snapshots[before]),
                })
                .collect();
        }
    }

    /// The estimated size of the kept snapshots, in bytes (within the budget unless there is
    /// only the first one).
    pub fn snapshot_bytes(&self) -> usize {
        self.snapshot_bytes.iter().sum()
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        self.sim.scenario()
    }

    pub fn now(&self) -> SimTime {
        self.sim.now()
    }

    /// The end of the run: the scenario's duration, or the moment the run stopped at the event
    /// limit.
    pub fn end(&self) -> SimTime {
        self.end
    }

    pub fn world(&self) -> &World {
        self.sim.world()
    }

    /// Every event of the whole run.
    pub fn full_log(&self) -> &Arc<Vec<Event>> {
        &self.full_log
    }

    /// The events up to now.
    pub fn log(&self) -> &[Event] {
        let n = self.sim.log_len().min(self.full_log.len());
        &self.full_log[..n]
    }

    /// Where each of the scenario's goals stands at the current moment.
    pub fn goals(&self) -> &[crate::goals::GoalStatus] {
        self.sim.goals()
    }

    pub fn quiz_moments(&self) -> &[QuizMoment] {
        &self.quiz_moments
    }

    /// How many snapshots the run keeps (they thin out for large worlds).
    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    /// Stand at moment `t` (clamped to the run's end), forwards or backwards.
    pub fn seek(&mut self, t: SimTime) {
        let t = t.min(self.end);
        let i = self.snapshots.partition_point(|s| s.at() <= t);
        let best = &self.snapshots[i.saturating_sub(1)];
        if t < self.sim.now() || best.at() > self.sim.now() {
            self.sim.restore(best);
        }
        self.sim.advance_to(t);
    }

    /// The first moment after `t` at which something is logged.
    pub fn next_event_after(&self, t: SimTime) -> Option<SimTime> {
        let i = self.full_log.partition_point(|e| e.at <= t);
        self.full_log.get(i).map(|e| e.at)
    }

    /// The last moment before `t` at which something was logged.
    pub fn prev_event_before(&self, t: SimTime) -> Option<SimTime> {
        let i = self.full_log.partition_point(|e| e.at < t);
        i.checked_sub(1).map(|i| self.full_log[i].at)
    }

    /// What the learner did so far, oldest first.
    pub fn interventions(&self) -> &[Intervention] {
        &self.interventions
    }

    /// Do `action` now: it becomes a timeline entry at the current moment and the run is
    /// simulated again from there. Playback stays at the same moment, which now shows the
    /// action's effect.
    pub fn intervene(&mut self, action: Action) {
        let at = self.now();
        let mut scenario = (**self.sim.scenario()).clone();
        scenario.timeline.push(TimelineEntry {
            at: at.secs_f64(),
            action: action.clone(),
            notes: String::new(),
        });
        let index = (scenario.timeline.len() - 1) as u32;
        self.interventions.push(Intervention { at, action, index });
        self.rerun_from(at, Arc::new(scenario), |timers| {
            timers.schedule_timeline(at, index)
        });
    }

    /// Take the last intervention back: the run is simulated again without it. Playback stays
    /// at the same moment. Returns what was undone.
    pub fn undo_intervention(&mut self) -> Option<Intervention> {
        let last = self.interventions.pop()?;
        let now = self.now();
        let mut scenario = (**self.sim.scenario()).clone();
        scenario.timeline.truncate(last.index as usize);
        let index = last.index;
        self.rerun_from(last.at, Arc::new(scenario), |timers| {
            timers.cancel_timeline(index)
        });
        self.seek(now);
        Some(last)
    }

    /// The run changed from `at` on: keep the snapshots from before it (patched with
    /// `patch`), simulate the new scenario from the last of them to the end, stand at `at`.
    fn rerun_from(
        &mut self,
        at: SimTime,
        scenario: Arc<Scenario>,
        patch: impl Fn(&mut crate::control::Timers),
    ) {
        let keep = self.snapshots.partition_point(|s| s.at() < at);
        if keep == 0 {
            // Nothing was simulated before `at` (it is time zero): start afresh.
            let limit = self.sim.event_limit();
            let interventions = std::mem::take(&mut self.interventions);
            let sim = Simulation::new(scenario).with_event_limit(limit);
            *self = Playback::with_snapshots(sim, self.snapshot_budget, WORK_PER_SNAPSHOT);
            self.interventions = interventions;
            self.seek(at);
            return;
        }
        self.snapshots.truncate(keep);
        self.snapshot_bytes.truncate(keep);
        for s in &mut self.snapshots {
            patch(s.timers_mut());
        }
        self.sim.set_scenario(scenario);
        if let Some(last) = self.snapshots.last() {
            self.sim.restore(last);
        }
        self.run_to_end(&|_| {});
        self.seek(at);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_rises_to_one_and_changes_nothing() {
        let src = include_str!("../../../../scenarios/ecs-rolling-update.ron");
        let scenario = Arc::new(crate::scenario::parse("s.ron", src).expect("parses"));
        let seen = std::cell::RefCell::new(Vec::new());
        let with = Playback::new_with_progress(scenario.clone(), &|f| seen.borrow_mut().push(f));
        let seen = seen.into_inner();
        assert!(seen.len() > 2, "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert!(seen.iter().all(|f| (0.0..=1.0).contains(f)), "{seen:?}");
        assert_eq!(seen.last(), Some(&1.0));
        let without = Playback::new(scenario);
        assert_eq!(with.full_log(), without.full_log());
        assert_eq!(with.end(), without.end());
        assert_eq!(with.world(), without.world());
    }
}
