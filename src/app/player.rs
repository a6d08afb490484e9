//! Playback state of the app: the clock, play/pause, speed, quizzes and the selection.
//!
//! [`Player`] is plain data plus methods, so tests can drive it without a window; the plugin
//! advances its clock each frame. The world shown is always `playback.world()` at
//! `playback.now()`.

use std::sync::Arc;

use bevy::prelude::*;
use orca_sim::{Playback, Scenario, SimTime, Subject};

use crate::app::AppSystems;
use crate::app::canvas::layout::RunStats;
use crate::app::canvas::layout_ecs::on_canvas;
use crate::app::library::{Progress, ScenarioSource};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            tick.in_set(AppSystems::Tick),
            end_frame.in_set(AppSystems::EndFrame),
        ),
    );
}

/// Speeds the `[` and `]` keys step through.
pub const SPEEDS: [f32; 9] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

/// What the inspector shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Task(String),
    Instance(String),
    Service(String),
    TargetGroup(String),
    Zone(String),
    Node(String),
    Deployment(String),
}

impl Selection {
    pub fn from_subject(s: &Subject) -> Selection {
        match s {
            Subject::Service(n) => Selection::Service(n.clone()),
            Subject::Task(id) => Selection::Task(id.clone()),
            Subject::Instance(n) => Selection::Instance(n.clone()),
            Subject::TargetGroup(n) => Selection::TargetGroup(n.clone()),
            Subject::Zone(n) => Selection::Zone(n.clone()),
            // Pod cards share the task selection (both are cards keyed by name).
            Subject::Pod(n) => Selection::Task(n.clone()),
            Subject::Node(n) => Selection::Node(n.clone()),
            Subject::Deployment(n) => Selection::Deployment(n.clone()),
        }
    }
}

/// The quiz being asked.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenQuiz {
    /// Index into `quiz_moments`.
    pub moment: usize,
    /// Choices ticked so far.
    pub picked: Vec<usize>,
    /// Set once the learner has answered: was it right?
    pub verdict: Option<bool>,
}

#[derive(Resource)]
pub struct Player {
    pub playback: Playback,
    pub source: ScenarioSource,
    /// The displayed moment in milliseconds (fractional while playing smoothly).
    clock_ms: f64,
    pub playing: bool,
    speed_index: usize,
    pub quiz: Option<OpenQuiz>,
    /// Per quiz moment: already asked in this viewing.
    asked: Vec<bool>,
    pub selection: Option<Selection>,
    /// Simulated milliseconds that passed in the last frame (0 when paused; negative never).
    pub frame_sim_dt_ms: f64,
    /// The clock jumped (seek, step, restart, reload): animations snap instead of easing.
    pub jumped: bool,
    /// The last problem loading or reloading a scenario, shown in the app.
    pub load_error: Option<String>,
    pub progress: Progress,
    /// The canvas's loads sampled over the run, from which it takes one shape for the whole
    /// scenario (see `canvas::layout::choose_shape`).
    pub layout_run: RunStats,
}

impl Player {
    pub fn new(scenario: Arc<Scenario>, source: ScenarioSource, progress: Progress) -> Player {
        let mut playback = Playback::new(scenario);
        let asked = vec![false; playback.quiz_moments().len()];
        let layout_run = RunStats::of_run(&mut playback);
        Player {
            playback,
            source,
            clock_ms: 0.0,
            playing: false,
            speed_index: 2,
            quiz: None,
            asked,
            selection: None,
            frame_sim_dt_ms: 0.0,
            jumped: true,
            load_error: None,
            progress,
            layout_run,
        }
    }

    /// Swap in a new version of the scenario (hot reload), staying at the same moment.
    pub fn replace_scenario(&mut self, scenario: Arc<Scenario>) {
        let at = self.now();
        self.playback = Playback::new(scenario);
        self.layout_run = RunStats::of_run(&mut self.playback);
        self.asked = self
            .playback
            .quiz_moments()
            .iter()
            .map(|m| m.pause_at() < at)
            .collect();
        self.quiz = None;
        self.load_error = None;
        self.seek(at);
    }

    /// Show another scenario from its start, keeping the learner's progress.
    pub fn switch_scenario(&mut self, scenario: Arc<Scenario>, source: ScenarioSource) {
        let progress = std::mem::take(&mut self.progress);
        *self = Player::new(scenario, source, progress);
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        self.playback.scenario()
    }

    pub fn now(&self) -> SimTime {
        self.playback.now()
    }

    pub fn end(&self) -> SimTime {
        self.playback.end()
    }

    pub fn speed(&self) -> f32 {
        SPEEDS[self.speed_index]
    }

    pub fn faster(&mut self) {
        self.speed_index = (self.speed_index + 1).min(SPEEDS.len() - 1);
    }

    pub fn slower(&mut self) {
        self.speed_index = self.speed_index.saturating_sub(1);
    }

    pub fn toggle_play(&mut self) {
        if self.quiz.is_some() {
            return;
        }
        if !self.playing && self.now() >= self.end() {
            self.restart();
        }
        self.playing = !self.playing;
    }

    /// Advance by `real_dt` seconds of wall time at the current speed, stopping at quizzes.
    pub fn tick(&mut self, real_dt: f64) {
        self.frame_sim_dt_ms = 0.0;
        if !self.playing || self.quiz.is_some() {
            return;
        }
        let before = self.clock_ms;
        let target = (self.clock_ms + real_dt * 1000.0 * self.speed() as f64)
            .min(self.end().millis() as f64);
        self.advance_to(target);
        self.frame_sim_dt_ms = (self.clock_ms - before).max(0.0);
        if self.now() >= self.end() {
            self.playing = false;
        }
    }

    /// Move forward to `target_ms`, stopping at the first quiz moment not yet asked.
    fn advance_to(&mut self, target_ms: f64) {
        let from = self.now();
        let target = SimTime(target_ms.max(0.0) as u64);
        let next_quiz = self
            .playback
            .quiz_moments()
            .iter()
            .enumerate()
            .filter(|(i, m)| !self.asked[*i] && m.pause_at() >= from && m.pause_at() <= target)
            .min_by_key(|(_, m)| m.pause_at())
            .map(|(i, m)| (i, m.pause_at()));
        match next_quiz {
            Some((i, at)) => {
                self.clock_ms = at.millis() as f64;
                self.playback.seek(at);
                self.open_quiz(i);
            }
            None => {
                self.clock_ms = target_ms;
                self.playback.seek(target);
            }
        }
    }

    fn open_quiz(&mut self, moment: usize) {
        self.asked[moment] = true;
        self.playing = false;
        self.quiz = Some(OpenQuiz {
            moment,
            picked: Vec::new(),
            verdict: None,
        });
    }

    /// Open the quiz whose moment is within a second of `t` (for `orca shot`
    /// pictures of a quiz); returns whether one was opened.
    pub fn open_quiz_near(&mut self, t: SimTime) -> bool {
        let found = self
            .playback
            .quiz_moments()
            .iter()
            .position(|m| m.pause_at().millis().abs_diff(t.millis()) < 1000);
        match found {
            Some(i) => {
                self.seek(self.playback.quiz_moments()[i].pause_at());
                self.open_quiz(i);
                true
            }
            None => false,
        }
    }

    /// Move the selection to the next (or previous) task that is on the canvas, in launch
    /// order, wrapping around.
    pub fn select_adjacent_task(&mut self, forward: bool) {
        let world = self.playback.world();
        let ids: Vec<&str> = if let Some(eks) = &world.eks {
            eks.pods
                .iter()
                .filter(|p| !p.gone)
                .map(|p| p.name.as_str())
                .collect()
        } else {
            world
                .ecs
                .iter()
                .flat_map(|ecs| ecs.tasks.iter())
                .filter(|t| on_canvas(t, world.now))
                .map(|t| t.id.as_str())
                .collect()
        };
        if ids.is_empty() {
            return;
        }
        let current = match &self.selection {
            Some(Selection::Task(id)) => ids.iter().position(|x| x == id),
            _ => None,
        };
        let n = ids.len();
        let next = match (current, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.selection = Some(Selection::Task(ids[next].to_string()));
    }

    /// Called once a frame has been drawn: the next frame eases again.
    pub fn end_frame(&mut self) {
        self.jumped = false;
    }

    /// Jump to a moment (timeline click or drag). Quizzes before it count as passed.
    pub fn seek(&mut self, t: SimTime) {
        let t = t.min(self.end());
        self.playback.seek(t);
        self.clock_ms = t.millis() as f64;
        self.jumped = true;
        if self.quiz.as_ref().is_some_and(|q| q.verdict.is_none()) {
            // Leaving a quiz unanswered by seeking away: it can be asked again.
            if let Some(q) = self.quiz.take() {
                self.asked[q.moment] = false;
            }
        }
        self.quiz = None;
        for (i, m) in self.playback.quiz_moments().iter().enumerate() {
            if m.pause_at() > t {
                self.asked[i] = false;
            }
        }
    }

    /// Step to the next moment something happens (or the next quiz).
    pub fn step_forward(&mut self) {
        if self.quiz.is_some() {
            return;
        }
        self.playing = false;
        let now = self.now();
        if let Some(next) = self.playback.next_event_after(now) {
            self.jumped = true;
            self.advance_to(next.millis() as f64);
        }
    }

    /// Step back to the previous moment something happened.
    pub fn step_back(&mut self) {
        self.playing = false;
        let now = self.now();
        let target = self
            .playback
            .prev_event_before(now)
            .unwrap_or(SimTime::ZERO);
        self.seek(target);
    }

    pub fn restart(&mut self) {
        self.playing = false;
        self.seek(SimTime::ZERO);
        for a in &mut self.asked {
            *a = false;
        }
    }

    /// Toggle a choice of the open quiz (before answering).
    pub fn pick(&mut self, choice: usize) {
        let Some(moment) = self.quiz.as_ref().map(|q| q.moment) else {
            return;
        };
        let multi = self
            .scenario()
            .quizzes
            .get(self.playback.quiz_moments()[moment].quiz)
            .is_some_and(|quiz| quiz.correct.len() > 1);
        let Some(q) = self.quiz.as_mut() else { return };
        if q.verdict.is_some() {
            return;
        }
        if q.picked.contains(&choice) {
            q.picked.retain(|c| *c != choice);
        } else if multi {
            q.picked.push(choice);
        } else {
            q.picked = vec![choice];
        }
    }

    /// Submit the picked choices; returns whether they were right.
    pub fn answer(&mut self) -> Option<bool> {
        let q = self.quiz.as_mut()?;
        if q.verdict.is_some() || q.picked.is_empty() {
            return q.verdict;
        }
        let moment = &self.playback.quiz_moments()[q.moment];
        let quiz = self.playback.scenario().quizzes.get(moment.quiz)?;
        let mut picked = q.picked.clone();
        picked.sort_unstable();
        let mut correct = quiz.correct.clone();
        correct.sort_unstable();
        let right = picked == correct;
        q.verdict = Some(right);
        let key = self.source.progress_key();
        self.progress.record(&key, &quiz.id, picked, right);
        Some(right)
    }

    /// Close the answered quiz and play on.
    pub fn continue_after_quiz(&mut self) {
        if self.quiz.as_ref().is_some_and(|q| q.verdict.is_some()) {
            self.quiz = None;
            self.playing = true;
        }
    }

    /// Right answers out of quizzes answered in this scenario (from the progress file).
    pub fn score(&self) -> (usize, usize, usize) {
        let key = self.source.progress_key();
        let total = self.scenario().quizzes.len();
        let (right, answered) = self.progress.score(&key, self.scenario());
        (right, answered, total)
    }

    /// The subjects the open quiz is about, for highlighting.
    pub fn quiz_subjects(&self) -> &[Subject] {
        match &self.quiz {
            Some(q) => &self.playback.quiz_moments()[q.moment].subjects,
            None => &[],
        }
    }
}

fn tick(time: Res<Time>, mut player: ResMut<Player>) {
    player.tick(time.delta_secs_f64());
}

/// The frame is drawn: from the next one, cards ease again.
fn end_frame(mut player: ResMut<Player>) {
    if player.jumped {
        player.end_frame();
    }
}
