//! Seekable playback of a scenario: the app's and the CLI's view of a whole run.
//!
//! The scenario is run to its end once (milliseconds for the built-in scenarios), keeping a
//! snapshot every so often. Seeking to any moment restores the last snapshot at or before it
//! and runs forward from there; determinism makes that identical to playing straight through.

use std::sync::Arc;

use crate::engine::{Simulation, Snapshot};
use crate::event::{Event, EventKind, Subject};
use crate::scenario::spec::Scenario;
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

pub struct Playback {
    sim: Simulation,
    snapshots: Vec<Snapshot>,
    full_log: Arc<Vec<Event>>,
    quiz_moments: Vec<QuizMoment>,
    end: SimTime,
}

/// Snapshots per run (the interval adapts to the scenario's length).
const SNAPSHOTS: u64 = 64;

impl Playback {
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let mut sim = Simulation::new(scenario);
        let end = sim.end();
        let interval = Millis((end.0 / SNAPSHOTS).max(5_000));
        let mut snapshots = vec![sim.snapshot()];
        let mut next = SimTime::ZERO.plus(interval);
        while next < end {
            sim.advance_to(next);
            snapshots.push(sim.snapshot());
            next = next.plus(interval);
        }
        sim.advance_to(end);
        let full_log = Arc::new(sim.log().to_vec());
        let quiz_moments = full_log
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::QuizAsked { quiz, predict } => Some(QuizMoment {
                    quiz: sim.scenario().quizzes.iter().position(|q| &q.id == quiz)?,
                    at: e.at,
                    predict: *predict,
                    subjects: e.subjects.clone(),
                }),
                _ => None,
            })
            .collect();
        if let Some(first) = snapshots.first() {
            sim.restore(first);
        }
        Playback {
            sim,
            snapshots,
            full_log,
            quiz_moments,
            end,
        }
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        self.sim.scenario()
    }

    pub fn now(&self) -> SimTime {
        self.sim.now()
    }

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
        self.sim.log()
    }

    pub fn quiz_moments(&self) -> &[QuizMoment] {
        &self.quiz_moments
    }

    /// Stand at moment `t` (clamped to the scenario's end), forwards or backwards.
    pub fn seek(&mut self, t: SimTime) {
        let t = t.min(self.end);
        let i = self.snapshots.partition_point(|s| s.at() <= t);
        let best = &self.snapshots[i.saturating_sub(1)];
        if t < self.sim.now() || best.at() > self.sim.now() {
            self.sim.restore_with_log(best, &self.full_log);
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
}
