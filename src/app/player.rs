//! Playback state of the app: the clock, play/pause, speed, quizzes and the selection.
//!
//! [`Player`] is plain data plus methods, so tests can drive it without a window; the plugin
//! advances its clock each frame. The world shown is always `playback.world()` at
//! `playback.now()`.
//!
//! A scenario's whole run is simulated before it can be played, which takes seconds for a
//! large one. [`Player::open`] and [`Player::start_reload`] do that on another thread
//! ([`Loading`]); [`Player::finish_loading`] swaps the result in once it is ready.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use bevy::prelude::*;
use orca_sim::{Playback, Scenario, SimTime, Subject};

use crate::app::AppSystems;
use crate::app::canvas::layout_ecs::on_canvas;
use crate::app::canvas::run_shape::RunStats;
use crate::app::library::{Progress, ScenarioSource};
use crate::scenario_file;

mod interventions;
mod review;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, end_frame.in_set(AppSystems::EndFrame));
}

/// Speeds the `[` and `]` keys step through.
pub const SPEEDS: [f32; 9] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

/// The most moments one frame stops at on its way (ten simulated minutes of a console watch's
/// one-second polls; a frame that passes over more only shows the rest at its end).
const MAX_STOPS: usize = 600;

/// Moments a frame's advance stops at on its way. A console command still printing (`kubectl
/// get -w`) looks at every simulated second, as it does in `orca run --commands`: at 64× and
/// 30 frames a second a frame passes over two seconds, and a pod state that lasted one would
/// otherwise never print.
pub trait Stops {
    /// The next moment to stop at, if any.
    fn next_stop(&self) -> Option<SimTime>;
    /// The playback is at that moment.
    fn stop(&mut self, playback: &Playback);
}

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
            Subject::Service(n) => Selection::Service(n.to_string()),
            Subject::Task(id) => Selection::Task(id.to_string()),
            Subject::Instance(n) => Selection::Instance(n.to_string()),
            Subject::TargetGroup(n) => Selection::TargetGroup(n.to_string()),
            Subject::Zone(n) => Selection::Zone(n.to_string()),
            // Pod cards share the task selection (both are cards keyed by name).
            Subject::Pod(n) => Selection::Task(n.to_string()),
            Subject::Node(n) => Selection::Node(n.to_string()),
            Subject::Deployment(n) => Selection::Deployment(n.to_string()),
        }
    }

    /// Whether a `Task` selection names a pod: in an EKS world, or in a side-by-side world
    /// when a pod has that name (otherwise it is an ECS task's id).
    pub fn names_pod(world: &orca_sim::World, id: &str) -> bool {
        world
            .eks
            .as_ref()
            .is_some_and(|eks| world.ecs.is_none() || eks.pods.iter().any(|p| p.name == id))
    }

    /// Whether `s` names the selected object (what [`Selection::from_subject`] of it would be).
    pub fn is(&self, s: &Subject) -> bool {
        match (self, s) {
            (Selection::Service(a), Subject::Service(b))
            | (Selection::Task(a), Subject::Task(b) | Subject::Pod(b))
            | (Selection::Instance(a), Subject::Instance(b))
            | (Selection::TargetGroup(a), Subject::TargetGroup(b))
            | (Selection::Zone(a), Subject::Zone(b))
            | (Selection::Node(a), Subject::Node(b))
            | (Selection::Deployment(a), Subject::Deployment(b)) => a == b.as_str(),
            _ => false,
        }
    }
}

/// The quiz being asked.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenQuiz {
    /// Index into `quiz_moments`.
    pub moment: usize,
    /// The order the choices are shown in: `order[k]` is the author's index of the `k`-th
    /// choice shown (`orca_sim::rng::choice_order`, drawn for this attempt).
    pub order: Vec<usize>,
    /// Choices ticked so far, as the author's indices.
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
    /// A scenario being simulated on another thread, to open or to reload.
    pub loading: Option<Loading>,
    /// A challenge's hints opened so far (they open in order; each costs score).
    pub hints_opened: usize,
    /// The challenge's result screen was closed for this run.
    pub result_dismissed: bool,
    /// The id of a quiz to ask once the scenario being opened is simulated (review).
    pending_review: Option<String>,
}

/// A scenario's run, simulated and sampled for the canvas's shape: what a [`Player`] needs,
/// made off the main thread.
pub struct Prepared {
    playback: Playback,
    layout_run: RunStats,
}

impl Prepared {
    /// Simulate the whole run, then sample the canvas's loads over it, telling `progress` how
    /// far it got (0 to 1; each half takes about as long).
    pub fn new(scenario: Arc<Scenario>, progress: &dyn Fn(f64)) -> Prepared {
        let mut playback = Playback::new_with_progress(scenario, &|f| progress(0.5 * f));
        let layout_run =
            RunStats::of_run_with_progress(&mut playback, &|f| progress(0.5 + 0.5 * f));
        Prepared {
            playback,
            layout_run,
        }
    }
}

/// What a finished [`Loading`] hands over.
pub struct Loaded {
    prepared: Prepared,
    /// Where it came from (for a file: the modification time and fingerprint of what was read).
    source: ScenarioSource,
}

/// A scenario being simulated on another thread.
pub struct Loading {
    /// What is being simulated, for the progress display.
    pub title: String,
    /// Reloading an edited file keeps the moment and the running version until it is ready;
    /// opening shows the new scenario at time zero meanwhile.
    pub reload: bool,
    /// The length of the run being simulated.
    pub end: SimTime,
    pub started: Instant,
    progress: Arc<AtomicU64>,
    result: Arc<Mutex<Option<Result<Loaded, String>>>>,
    cancel: Arc<AtomicBool>,
}

/// Unwinds a job that is no longer wanted (see [`Loading::spawn`]).
struct Cancelled;

impl Loading {
    /// Run `work` on its own thread. It reports its progress through the function it is
    /// given, which also ends it early (by unwinding) once this `Loading` is dropped, so an
    /// abandoned load does not keep a core busy.
    fn spawn(
        title: String,
        reload: bool,
        end: SimTime,
        work: impl FnOnce(&dyn Fn(f64)) -> Result<Loaded, String> + Send + 'static,
    ) -> Loading {
        let loading = Loading {
            title,
            reload,
            end,
            started: Instant::now(),
            progress: Arc::new(AtomicU64::new(0f64.to_bits())),
            result: Arc::new(Mutex::new(None)),
            cancel: Arc::new(AtomicBool::new(false)),
        };
        let (progress, result, cancel) = (
            loading.progress.clone(),
            loading.result.clone(),
            loading.cancel.clone(),
        );
        let failed = result.clone();
        let job = move || {
            let report = |f: f64| {
                if cancel.load(Ordering::Relaxed) {
                    std::panic::resume_unwind(Box::new(Cancelled));
                }
                progress.store(f.clamp(0.0, 1.0).to_bits(), Ordering::Relaxed);
            };
            let outcome =
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&report))) {
                    Ok(outcome) => outcome,
                    Err(payload) if payload.is::<Cancelled>() => return,
                    Err(payload) => Err(format!(
                        "simulating the scenario failed (a bug in Orca): {}",
                        panic_text(payload.as_ref())
                    )),
                };
            *result.lock().unwrap_or_else(PoisonError::into_inner) = Some(outcome);
        };
        if let Err(e) = std::thread::Builder::new()
            .name("orca-simulate".into())
            .spawn(job)
        {
            *failed.lock().unwrap_or_else(PoisonError::into_inner) = Some(Err(format!(
                "cannot start a thread to simulate the scenario: {e}"
            )));
        }
        loading
    }

    /// How much is done, 0 to 1.
    pub fn fraction(&self) -> f64 {
        f64::from_bits(self.progress.load(Ordering::Relaxed))
    }

    /// Whether the result is ready for [`Player::finish_loading`].
    pub fn is_done(&self) -> bool {
        self.result
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }
}

impl Drop for Loading {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// What [`Player::finish_loading`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// A scenario opened: it plays from its start.
    Opened,
    /// The edited file replaced the running version at the same moment.
    Reloaded,
    /// It failed; the error is in `load_error` and the running version stays.
    Failed,
}

impl Player {
    /// A player of `scenario`, simulated here and now (`orca shot`, tests); the app uses
    /// [`Player::open`].
    pub fn new(scenario: Arc<Scenario>, source: ScenarioSource, progress: Progress) -> Player {
        Player::from_prepared(Prepared::new(scenario, &|_| {}), source, progress)
    }

    /// A player that shows `scenario` at once while its run is simulated on another thread:
    /// until then it shows the world at time zero (its run cut to no length) and does not play;
    /// [`Player::finish_loading`] puts the whole run in.
    pub fn open(scenario: Arc<Scenario>, source: ScenarioSource, progress: Progress) -> Player {
        let at_zero = Arc::new(Scenario {
            duration: 0.0,
            ..(*scenario).clone()
        });
        let mut player = Player::new(at_zero, source.clone(), progress);
        let end = SimTime::from_secs_f64(scenario.duration);
        player.loading = Some(Loading::spawn(
            scenario.title.clone(),
            false,
            end,
            move |progress| {
                Ok(Loaded {
                    prepared: Prepared::new(scenario, progress),
                    source,
                })
            },
        ));
        player
    }

    /// Read the watched file again and simulate it on another thread; the running version
    /// plays on meanwhile. Nothing happens for a built-in scenario.
    pub fn start_reload(&mut self) {
        let ScenarioSource::File { path, .. } = &self.source else {
            return;
        };
        let path = path.clone();
        self.loading = Some(Loading::spawn(
            format!("{} (edited)", self.source.label()),
            true,
            self.end(),
            move |progress| {
                let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
                let file = scenario_file::read(&path)?;
                Ok(Loaded {
                    prepared: Prepared::new(Arc::new(file.scenario), progress),
                    source: ScenarioSource::File {
                        path,
                        modified,
                        fingerprint: Some(file.fingerprint),
                    },
                })
            },
        ));
    }

    /// A scenario is being opened: the player shows its world at time zero meanwhile.
    pub fn opening(&self) -> bool {
        self.loading.as_ref().is_some_and(|l| !l.reload)
    }

    /// If the background simulation is done, put its result in: an opened scenario from its
    /// start (playing if play was pressed meanwhile), a reloaded one at the same moment, or
    /// the error beside the running version.
    pub fn finish_loading(&mut self) -> Option<Finished> {
        let outcome = self
            .loading
            .as_ref()?
            .result
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()?;
        let reload = self.loading.take().is_some_and(|l| l.reload);
        Some(match outcome {
            Ok(loaded) if reload => {
                self.replace_prepared(loaded.prepared);
                self.source = loaded.source;
                Finished::Reloaded
            }
            Ok(loaded) => {
                let playing = self.playing;
                let progress = std::mem::take(&mut self.progress);
                let review = self.pending_review.take();
                *self = Player::from_prepared(loaded.prepared, loaded.source, progress);
                self.playing = playing;
                self.pending_review = review;
                Finished::Opened
            }
            Err(e) => {
                self.load_error = Some(e);
                self.pending_review = None;
                Finished::Failed
            }
        })
    }

    fn from_prepared(prepared: Prepared, source: ScenarioSource, progress: Progress) -> Player {
        let Prepared {
            playback,
            layout_run,
        } = prepared;
        let asked = vec![false; playback.quiz_moments().len()];
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
            loading: None,
            hints_opened: 0,
            result_dismissed: false,
            pending_review: None,
        }
    }

    /// Swap in a new version of the scenario, simulated here and now, staying at the same
    /// moment (the app reloads with [`Player::start_reload`]).
    pub fn replace_scenario(&mut self, scenario: Arc<Scenario>) {
        self.replace_prepared(Prepared::new(scenario, &|_| {}));
    }

    fn replace_prepared(&mut self, prepared: Prepared) {
        let at = self.now();
        self.playback = prepared.playback;
        self.layout_run = prepared.layout_run;
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

    /// Show another scenario from its start, keeping the learner's progress. Its run is
    /// simulated on another thread ([`Player::open`]).
    pub fn switch_scenario(&mut self, scenario: Arc<Scenario>, source: ScenarioSource) {
        let progress = std::mem::take(&mut self.progress);
        *self = Player::open(scenario, source, progress);
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        self.playback.scenario()
    }

    pub fn now(&self) -> SimTime {
        self.playback.now()
    }

    /// The end of the run (while a scenario is being opened: of the run being simulated).
    pub fn end(&self) -> SimTime {
        match &self.loading {
            Some(l) if !l.reload => l.end,
            _ => self.playback.end(),
        }
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

    /// Advance by `real_dt` seconds of wall time at the current speed, stopping at quizzes,
    /// and on the way at each moment `stops` asks for.
    pub fn tick(&mut self, real_dt: f64, stops: Option<&mut dyn Stops>) {
        self.frame_sim_dt_ms = 0.0;
        if !self.playing || self.quiz.is_some() || self.opening() {
            return;
        }
        let before = self.clock_ms;
        let target = (self.clock_ms + real_dt * 1000.0 * self.speed() as f64)
            .min(self.end().millis() as f64);
        if let Some(stops) = stops {
            self.stop_on_the_way(target, stops);
        }
        self.advance_to(target);
        self.frame_sim_dt_ms = (self.clock_ms - before).max(0.0);
        if self.now() >= self.end() {
            self.playing = false;
        }
    }

    /// Before a frame's advance to `target_ms`: stop at each moment `stops` names that comes
    /// before it (and before the next quiz), so that what changes between two frames is seen
    /// at its own moment. At most [`MAX_STOPS`] a frame; the frame's own moment is the last.
    fn stop_on_the_way(&mut self, target_ms: f64, stops: &mut dyn Stops) {
        let target = SimTime(target_ms.max(0.0) as u64);
        let limit = self
            .next_quiz(self.now(), target)
            .map_or(target, |(_, at)| at);
        for _ in 0..MAX_STOPS {
            let Some(at) = stops.next_stop() else {
                return;
            };
            if at <= self.now() || at >= limit {
                return;
            }
            self.clock_ms = at.millis() as f64;
            self.playback.seek(at);
            stops.stop(&self.playback);
        }
    }

    /// The first quiz moment not yet asked in `from..=target`: its index and moment.
    fn next_quiz(&self, from: SimTime, target: SimTime) -> Option<(usize, SimTime)> {
        self.playback
            .quiz_moments()
            .iter()
            .enumerate()
            .filter(|(i, m)| !self.asked[*i] && m.pause_at() >= from && m.pause_at() <= target)
            .min_by_key(|(_, m)| m.pause_at())
            .map(|(i, m)| (i, m.pause_at()))
    }

    /// Move forward to `target_ms`, stopping at the first quiz moment not yet asked.
    fn advance_to(&mut self, target_ms: f64) {
        let from = self.now();
        let target = SimTime(target_ms.max(0.0) as u64);
        match self.next_quiz(from, target) {
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
        let scenario = self.playback.scenario();
        let order = match scenario
            .quizzes
            .get(self.playback.quiz_moments()[moment].quiz)
        {
            Some(quiz) => {
                let attempt = self
                    .progress
                    .attempts(&self.source.progress_key(), &quiz.id);
                orca_sim::rng::choice_order(scenario.seed, &quiz.id, attempt, quiz.choices.len())
            }
            None => Vec::new(),
        };
        self.quiz = Some(OpenQuiz {
            moment,
            order,
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
        // Tasks, then pods (a side-by-side world has both).
        let ids: Vec<&str> = world
            .ecs
            .iter()
            .flat_map(|ecs| ecs.tasks.iter())
            .filter(|t| on_canvas(t, world.now))
            .map(|t| t.id.as_str())
            .chain(
                world
                    .eks
                    .iter()
                    .flat_map(|eks| eks.pods.iter())
                    .filter(|p| !p.gone)
                    .map(|p| p.name.as_str()),
            )
            .collect();
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
        let t = t.min(self.playback.end());
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

    /// Whether the learner has ever answered the quiz of this moment (in the progress file).
    fn answered(&self, moment: usize) -> bool {
        let key = self.source.progress_key();
        self.playback
            .quiz_moments()
            .get(moment)
            .and_then(|m| self.scenario().quizzes.get(m.quiz))
            .is_some_and(|q| self.progress.answer(&key, &q.id).is_some())
    }

    /// The first prediction never answered whose question comes before `t`.
    fn unanswered_prediction_before(&self, t: SimTime) -> Option<usize> {
        self.playback
            .quiz_moments()
            .iter()
            .enumerate()
            .filter(|(i, m)| m.predict && m.pause_at() < t && !self.answered(*i))
            .min_by_key(|(_, m)| m.pause_at())
            .map(|(i, _)| i)
    }

    /// What the learner may see of the run: nothing at or after the moment of the next
    /// prediction never answered (the timeline hides those events), `None` when everything
    /// may be shown. What is already behind the clock stays shown.
    pub fn hidden_from(&self) -> Option<SimTime> {
        let now = self.now();
        self.playback
            .quiz_moments()
            .iter()
            .enumerate()
            .filter(|(i, m)| m.predict && m.at > now && !self.answered(*i))
            .map(|(_, m)| m.at)
            .min()
    }

    /// Jump to a moment the learner chose (timeline, End). A prediction never answered before
    /// `t` is asked first: playback stops just before its moment and opens it, so seeking
    /// cannot skip a question and show its answer.
    pub fn seek_asking(&mut self, t: SimTime) {
        match self.unanswered_prediction_before(t.min(self.playback.end())) {
            Some(i) if self.quiz.as_ref().is_some_and(|q| q.moment == i) => {}
            Some(i) => {
                let at = self.playback.quiz_moments()[i].pause_at();
                self.playing = false;
                self.seek(at);
                self.open_quiz(i);
            }
            None => self.seek(t),
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

    /// Toggle the choice shown at `shown` (from 0, as keys 1–9 and the panel number them) of
    /// the open quiz, before answering.
    pub fn pick(&mut self, shown: usize) {
        let Some((moment, choice)) = self
            .quiz
            .as_ref()
            .and_then(|q| Some((q.moment, *q.order.get(shown)?)))
        else {
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
        self.progress
            .record(&key, &quiz.id, quiz.topic.as_deref(), picked, right);
        Some(right)
    }

    /// Close the answered quiz and play on.
    pub fn continue_after_quiz(&mut self) {
        if self.quiz.as_ref().is_some_and(|q| q.verdict.is_some()) {
            self.quiz = None;
            self.playing = true;
        }
    }

    /// Close the open quiz without an answer and play on: in presenter mode the class
    /// answered by hands and nothing is recorded. It is not asked again in this viewing.
    pub fn continue_unanswered(&mut self) {
        if self.quiz.take().is_some() {
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

/// The frame is drawn: from the next one, cards ease again.
fn end_frame(mut player: ResMut<Player>) {
    if player.jumped {
        player.end_frame();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::library;

    /// Asks to stop every simulated second, and remembers where it was stopped.
    struct EverySecond(Vec<SimTime>, SimTime);

    impl Stops for EverySecond {
        fn next_stop(&self) -> Option<SimTime> {
            Some(self.1.plus(orca_sim::Millis(1000)))
        }
        fn stop(&mut self, playback: &Playback) {
            self.0.push(playback.now());
            self.1 = playback.now();
        }
    }

    fn secs(range: std::ops::RangeInclusive<u64>) -> Vec<SimTime> {
        range.map(SimTime::from_secs).collect()
    }

    #[test]
    fn a_fast_frame_stops_at_each_moment_asked_for_on_its_way_but_not_past_a_quiz() {
        let scenario = library::built_in("eks-rolling-update").expect("built-in");
        let mut player = Player::new(
            scenario,
            ScenarioSource::BuiltIn("eks-rolling-update"),
            Progress::default(),
        );
        while player.speed() < 64.0 {
            player.faster();
        }
        player.toggle_play();
        // A quarter of a second at 64× is 16 simulated seconds: stops at 1 … 15, then 16.
        let mut stops = EverySecond(Vec::new(), player.now());
        player.tick(0.25, Some(&mut stops));
        assert_eq!(stops.0, secs(1..=15));
        assert_eq!(player.now(), SimTime::from_secs(16));
        // The scenario's first quiz pauses in the 30th second: the stops end before it and
        // the frame ends at it, with the quiz open.
        let quiz = player.playback.quiz_moments()[0].pause_at();
        assert!(
            quiz > SimTime::from_secs(29) && quiz < SimTime::from_secs(30),
            "{quiz:?}"
        );
        player.seek(SimTime::from_secs(20));
        let mut stops = EverySecond(Vec::new(), player.now());
        player.tick(0.25, Some(&mut stops));
        assert_eq!(stops.0, secs(21..=29));
        assert_eq!(player.now(), quiz);
        assert!(player.quiz.is_some());
    }

    #[test]
    fn sampling_the_run_for_the_canvas_reports_progress_forward_to_the_end() {
        for (name, _) in library::BUILT_IN {
            let scenario = library::built_in(name).expect("built-in");
            let mut a = Playback::new(scenario.clone());
            let mut b = Playback::new(scenario);
            let seen = std::cell::Cell::new(0.0);
            let with = RunStats::of_run_with_progress(&mut a, &|f| {
                assert!(f >= seen.get(), "{name}: progress goes forward");
                seen.set(f);
            });
            assert_eq!(with, RunStats::of_run(&mut b), "{name}");
            assert_eq!(seen.get(), 1.0);
            assert_eq!(a.now(), SimTime::ZERO);
        }
    }
}
