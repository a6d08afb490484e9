//! The discrete-event engine: a timer queue, the dispatch of due timers to the controllers, the
//! scenario timeline and quiz triggers. [`Simulation`] is the API the CLI and the app drive;
//! [`Playback`] adds fast seeking backwards.

mod actions;
mod audited;
mod build;
pub use build::applied_template;
mod playback;
mod quiz;
mod update_service;

pub use playback::{Intervention, Playback, QuizMoment, SNAPSHOT_BUDGET, WORK_PER_SNAPSHOT};

use std::sync::Arc;

use crate::control::{Ctx, EcrTimer, EcsTimer, EksTimer, Timer, Timers, Timings};
use crate::ecr::controller::{self as ecr_controller, EcrCtx};
use crate::ecs::cluster::EcsCluster;
use crate::ecs::{capacity_provider, container_health, service_scheduler, task_lifecycle};
use crate::elb::target_health;
use crate::event::{Event, EventKind, Source, Subject};
use crate::goals::{self, GoalStatus};
use crate::k8s::cluster::EksCluster;
use crate::rng::Rngs;
use crate::scenario::spec::Scenario;
use crate::time::{Millis, SimTime};
use crate::world::World;

/// What the engine's own steps (timeline actions, quizzes) work with: the whole world. A
/// controller gets the part it controls through [`WorldCtx::ecs`] or [`WorldCtx::eks`].
pub struct WorldCtx<'a> {
    pub now: SimTime,
    pub world: &'a mut World,
    pub timers: &'a mut Timers,
    pub rngs: &'a mut Rngs,
    pub log: &'a mut Vec<Event>,
    pub timings: &'a Timings,
}

impl WorldCtx<'_> {
    /// The controller context of the ECS part, if the world has one.
    pub fn ecs(&mut self) -> Option<Ctx<'_, EcsCluster>> {
        let World { ecs, net, ecr, .. } = &mut *self.world;
        Some(Ctx {
            now: self.now,
            world: ecs.as_mut()?,
            net,
            registry: ecr,
            timers: self.timers,
            rngs: self.rngs,
            log: self.log,
            timings: self.timings,
        })
    }

    /// The controller context of the EKS part, if the world has one.
    pub fn eks(&mut self) -> Option<Ctx<'_, EksCluster>> {
        let World { eks, net, ecr, .. } = &mut *self.world;
        Some(Ctx {
            now: self.now,
            world: eks.as_mut()?,
            net,
            registry: ecr,
            timers: self.timers,
            rngs: self.rngs,
            log: self.log,
            timings: self.timings,
        })
    }

    /// The registry controller's context.
    pub fn ecr(&mut self) -> EcrCtx<'_> {
        EcrCtx {
            now: self.now,
            reg: &mut self.world.ecr,
            timers: self.timers,
            log: self.log,
        }
    }

    pub fn schedule(&mut self, at: SimTime, timer: impl Into<Timer>) {
        self.timers.schedule(at.max(self.now), timer.into());
    }

    pub fn emit(
        &mut self,
        source: Source,
        kind: EventKind,
        message: String,
        subjects: Vec<Subject>,
    ) {
        self.log
            .push(Event::new(self.now, source, kind, message, subjects, None));
    }
}

/// A running simulation of one scenario.
#[derive(Debug, Clone)]
pub struct Simulation {
    scenario: Arc<Scenario>,
    timings: Arc<Timings>,
    state: SimState,
    /// The events logged since `log_base` (all of them unless [`Simulation::detach_log`] was
    /// called).
    log: Vec<Event>,
    /// How many events were logged before `log[0]`.
    log_base: usize,
    /// The log lives elsewhere (a [`Playback`] keeps the one copy); restoring a snapshot
    /// empties the window instead of cutting the log back.
    windowed: bool,
    event_limit: usize,
    /// Timers dispatched so far by this simulation (not part of its state: a restore does
    /// not set it back). A playback measures the work between its snapshots with it.
    work: u64,
}

/// Everything that changes as the simulation runs (except the append-only log).
#[derive(Debug, Clone)]
pub struct SimState {
    world: World,
    timers: Timers,
    rngs: Rngs,
    quiz_fired: Vec<bool>,
    /// Where each of the scenario's goals stands.
    goals: Vec<GoalStatus>,
    /// The run reached the event limit at this moment and went no further.
    halted_at: Option<SimTime>,
}

/// The most events one run logs. A run that reaches it stops there with an event that says
/// so: the log and the world grow with the events, and this keeps any scenario's memory
/// bounded (an event takes a few hundred bytes; see README, "Memory").
pub const MAX_EVENTS: usize = 1_000_000;

/// A saved moment of a simulation; restoring it and running on gives the same results as never
/// having left it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    state: SimState,
    log_len: usize,
}

impl Snapshot {
    pub fn at(&self) -> SimTime {
        self.state.world.now
    }

    /// The snapshot's timer queue, for an intervention added (or undone) after it was taken.
    pub(crate) fn timers_mut(&mut self) -> &mut Timers {
        &mut self.state.timers
    }

    /// A rough size of the snapshot in bytes, as if it shared nothing with other snapshots.
    pub fn approx_bytes(&self) -> usize {
        self.state.world.approx_bytes() + self.state.timers.len() * TIMER_BYTES
    }

    /// A rough size of what this snapshot holds beyond `older`, an earlier snapshot of the
    /// same run: the objects it shares with `older` are not counted (see [`crate::cow_vec`]).
    pub fn approx_bytes_beyond(&self, older: &Snapshot) -> usize {
        self.state.world.approx_bytes_beyond(&older.state.world)
            + self.state.timers.len() * TIMER_BYTES
    }
}

/// A queued timer's size in bytes (with the heap's slack), for snapshot sizes.
const TIMER_BYTES: usize = 48;

impl Snapshot {
    /// The moment's state, kept; and a rough size of what it holds beyond the snapshots
    /// taken before it in this run (the objects written or added since the last of them).
    /// Exact while nothing but the simulation and its snapshots holds the world's objects.
    fn of(sim: &Simulation) -> (Snapshot, usize) {
        let bytes = sim.state.world.approx_unshared_bytes() + sim.state.timers.len() * TIMER_BYTES;
        (sim.snapshot(), bytes)
    }
}

/// Room for the events a run of `world` will likely log, reserved when it is built so that the
/// log is not copied as it grows: a rolling update of a 10,000-task cluster logs 160,000 events
/// (20 MB), and each doubling of a growing `Vec` copies what it holds — with the app's allocator
/// (mimalloc, `src/lib.rs`) a copy a large log pays for, where glibc's `realloc` remaps the pages.
/// Replacing one task logs about 16 events (its start, its states, its target's registration,
/// health and draining, the old task's stop); the room is twice that per task or pod the world
/// wants, so one full replacement and a good part of a second fit. Room not written is address
/// space, not memory (the pages are given when first written). [model] A run that logs more
/// grows the log as before.
fn expected_events(world: &World) -> usize {
    const PER_REPLICA: usize = 32;
    let ecs = world.ecs.as_ref().map_or(0, |c| {
        c.services.iter().map(|s| s.desired_count as usize).sum()
    });
    let eks = world.eks.as_ref().map_or(0, |c| {
        c.deployments.iter().map(|d| d.replicas as usize).sum()
    });
    ((ecs + eks) * PER_REPLICA).min(MAX_EVENTS)
}

/// How many timers ahead the engine prefetches what a timer reads (`prefetch.rs`).
const PREFETCH_AHEAD: usize = 4;

/// A guard against a controller bug rescheduling itself for ever at one instant.
const MAX_TIMERS_PER_INSTANT: usize = 5_000_000;

impl Simulation {
    /// Build the world of a validated scenario at time zero.
    pub fn new(scenario: Arc<Scenario>) -> Self {
        let timings = Arc::new(build::timings(&scenario));
        let mut rngs = Rngs::new(scenario.seed);
        let world = build::world(&scenario, &mut rngs);
        let mut sim = Simulation {
            timings,
            state: SimState {
                world,
                timers: Timers::default(),
                rngs,
                quiz_fired: vec![false; scenario.quizzes.len()],
                goals: vec![GoalStatus::NotYet; scenario.goals.len()],
                halted_at: None,
            },
            log: Vec::new(),
            log_base: 0,
            windowed: false,
            event_limit: MAX_EVENTS,
            work: 0,
            scenario,
        };
        sim.log.reserve(expected_events(&sim.state.world));
        let scenario = sim.scenario.clone();
        sim.with_ctx(SimTime::ZERO, |ctx| build::start(ctx, &scenario));
        for (i, entry) in scenario.timeline.iter().enumerate() {
            sim.state
                .timers
                .schedule_timeline(SimTime::from_secs_f64(entry.at), i as u32);
        }
        for (i, q) in scenario.quizzes.iter().enumerate() {
            if let crate::scenario::spec::Trigger::At(at) = q.trigger {
                sim.state
                    .timers
                    .schedule(SimTime::from_secs_f64(at), Timer::QuizAt(i as u32));
            }
        }
        // Goals are looked at after every instant; their deadlines and the run's end are
        // instants of their own, so a goal is decided on time even when nothing else happens.
        if !scenario.goals.is_empty() {
            let end = SimTime::from_secs_f64(scenario.duration);
            let mut moments: Vec<SimTime> =
                scenario.goals.iter().flat_map(goals::moments).collect();
            moments.push(end);
            moments.sort();
            moments.dedup();
            for at in moments {
                sim.state.timers.schedule(at, Timer::Goals);
            }
        }
        sim.process_instant(SimTime::ZERO, 0);
        sim
    }

    /// Where each of the scenario's goals stands now (in the order of `goals`).
    pub fn goals(&self) -> &[GoalStatus] {
        &self.state.goals
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    pub fn now(&self) -> SimTime {
        self.state.world.now
    }

    /// The end of the scenario (its `duration`), or the moment the run stopped at the event
    /// limit.
    pub fn end(&self) -> SimTime {
        let end = SimTime::from_secs_f64(self.scenario.duration);
        self.state.halted_at.map_or(end, |h| h.min(end))
    }

    /// The moment the run stopped because it reached the event limit, if it did.
    pub fn halted_at(&self) -> Option<SimTime> {
        self.state.halted_at
    }

    pub fn event_limit(&self) -> usize {
        self.event_limit
    }

    /// Stop runs at `limit` events instead of [`MAX_EVENTS`] (tests of the limit).
    pub fn with_event_limit(mut self, limit: usize) -> Self {
        self.event_limit = limit;
        self
    }

    /// Debug switch for tests: the EKS kubelet and scheduler visit every pod every second
    /// instead of those `k8s/wake.rs` keeps (the log must not change).
    pub fn visiting_every_pod(mut self) -> Self {
        if let Some(eks) = self.state.world.eks.as_mut() {
            eks.wake.visit_all = true;
        }
        self
    }

    /// Swap in the same scenario with entries added to (or taken off) the end of its timeline:
    /// the learner's interventions. The entries both share keep their indices.
    pub(crate) fn set_scenario(&mut self, scenario: Arc<Scenario>) {
        debug_assert!(
            scenario.timeline.starts_with(&self.scenario.timeline)
                || self.scenario.timeline.starts_with(&scenario.timeline)
        );
        self.scenario = scenario;
    }

    pub fn world(&self) -> &World {
        &self.state.world
    }

    /// Every event so far, oldest first (after [`Simulation::detach_log`]: those logged since
    /// the last restore).
    pub fn log(&self) -> &[Event] {
        &self.log
    }

    /// How many events have been logged up to now, in all.
    pub fn log_len(&self) -> usize {
        self.log_base + self.log.len()
    }

    /// Hand the log over to the caller, who keeps the one copy of it; from here on the
    /// simulation keeps only what it logs after the last restore ([`Simulation::log`]).
    pub(crate) fn detach_log(&mut self) -> Vec<Event> {
        self.windowed = true;
        self.log_base += self.log.len();
        std::mem::take(&mut self.log)
    }

    /// How many timers this simulation has dispatched, restores notwithstanding: a measure of
    /// the work it has done.
    pub fn work(&self) -> u64 {
        self.work
    }

    /// The next moment something is due, if anything is.
    pub fn next_due(&self) -> Option<SimTime> {
        self.state.timers.next_at()
    }

    /// Run everything due up to and including `t`, then stand at `t`. Going backwards is not
    /// possible here (see [`Playback::seek`]); an earlier `t` does nothing.
    pub fn advance_to(&mut self, t: SimTime) {
        while let Some(next) = self.next_to_run() {
            if next > t {
                break;
            }
            let log_start = self.log.len();
            self.process_instant(next, log_start);
        }
        if t > self.state.world.now {
            self.state.world.now = t;
        }
    }

    /// Run the next instant at which something is due, whether or not it logs anything.
    /// Returns that instant.
    pub fn step(&mut self) -> Option<SimTime> {
        let next = self.next_to_run()?;
        let log_start = self.log.len();
        self.process_instant(next, log_start);
        Some(next)
    }

    /// Run until at least one new event is logged or `limit` is reached; returns the instant
    /// of the new events.
    pub fn advance_to_next_event(&mut self, limit: SimTime) -> Option<SimTime> {
        let before = self.log.len();
        while self.log.len() == before {
            match self.next_to_run() {
                Some(next) if next <= limit => {
                    self.process_instant(next, self.log.len());
                }
                _ => {
                    self.advance_to(limit);
                    return None;
                }
            }
        }
        Some(self.state.world.now)
    }

    /// The next moment something is due, unless the run has stopped at the event limit.
    fn next_to_run(&mut self) -> Option<SimTime> {
        if self.state.halted_at.is_some() {
            return None;
        }
        self.state.timers.next_at_mut()
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            state: self.state.clone(),
            log_len: self.log_len(),
        }
    }

    /// Go back to a snapshot taken earlier in this run (the log is cut back to that moment).
    pub fn restore(&mut self, snapshot: &Snapshot) {
        self.state = snapshot.state.clone();
        if self.windowed {
            self.log.clear();
            self.log_base = snapshot.log_len;
        } else {
            self.log.truncate(snapshot.log_len);
        }
    }

    /// Go to a snapshot of this run, backwards or forwards: the log is cut back, or filled in
    /// from `full_log` (the log of a complete run), so it always matches the restored state.
    pub fn restore_with_log(&mut self, snapshot: &Snapshot, full_log: &[Event]) {
        self.state = snapshot.state.clone();
        self.log.truncate(snapshot.log_len);
        let have = self.log.len();
        if have < snapshot.log_len {
            let fill = full_log.get(have..snapshot.log_len).unwrap_or(&[]);
            self.log.extend_from_slice(fill);
        }
    }

    fn with_ctx<R>(&mut self, now: SimTime, f: impl FnOnce(&mut WorldCtx) -> R) -> R {
        self.state.world.now = now;
        let mut ctx = WorldCtx {
            now,
            world: &mut self.state.world,
            timers: &mut self.state.timers,
            rngs: &mut self.state.rngs,
            log: &mut self.log,
            timings: &self.timings,
        };
        f(&mut ctx)
    }

    fn process_instant(&mut self, at: SimTime, log_start: usize) {
        self.state.world.now = at;
        let mut guard = 0usize;
        let scenario = self.scenario.clone();
        while let Some(timer) = self.state.timers.pop_due(at) {
            guard += 1;
            if guard > MAX_TIMERS_PER_INSTANT {
                debug_assert!(false, "timer storm at {at}");
                break;
            }
            self.work += 1;
            // The objects the coming timers read come into the cache meanwhile: those of the
            // timer `PREFETCH_AHEAD` places on (one timer's work is too short for a first read
            // from memory to arrive by the next), and what the next one's task points to.
            if let Some(far) = self.state.timers.ahead_due(at, PREFETCH_AHEAD) {
                self.state.world.prefetch_for(&far);
            }
            if let Some(next) = self.state.timers.peek_due(at) {
                self.state.world.prefetch_for(&next);
                self.state.world.prefetch_beyond(&next);
            }
            self.with_ctx(at, |ctx| dispatch(ctx, &scenario, timer));
        }
        let fired = std::mem::take(&mut self.state.quiz_fired);
        let mut fired = fired;
        self.with_ctx(at, |ctx| quiz::check(ctx, &scenario, &mut fired, log_start));
        self.state.quiz_fired = fired;
        if !scenario.goals.is_empty() {
            self.check_goals(at, log_start, &scenario);
        }
        if self.log_len() >= self.event_limit && self.state.halted_at.is_none() {
            self.halt(at);
        }
    }

    /// Look at the open goals after the instant `at` and log each one that is decided.
    fn check_goals(&mut self, at: SimTime, log_start: usize, scenario: &Scenario) {
        let end = SimTime::from_secs_f64(scenario.duration);
        let events = self.log.get(log_start..).unwrap_or(&[]);
        let changed = goals::check(
            scenario,
            &mut self.state.goals,
            &self.state.world,
            events,
            at,
            end,
        );
        for i in changed {
            let (Some(goal), Some(status)) = (scenario.goals.get(i), self.state.goals.get(i))
            else {
                continue;
            };
            let what = goals::describe(goal);
            let (kind, message) = match status {
                GoalStatus::Failed { reason, .. } => (
                    EventKind::GoalFailed {
                        goal: i as u32,
                        reason: reason.as_str().into(),
                    },
                    format!("Goal {} failed: {what} — {reason}", i + 1),
                ),
                _ => (
                    EventKind::GoalMet { goal: i as u32 },
                    format!("Goal {} met: {what}", i + 1),
                ),
            };
            self.with_ctx(at, |ctx| ctx.emit(Source::Goal, kind, message, Vec::new()));
        }
    }

    /// Stop the run here: it has logged as many events as one run keeps.
    fn halt(&mut self, at: SimTime) {
        let limit = self.event_limit;
        let message = format!(
            "Orca stopped this run at {at}: it has logged {limit} events, the most one run keeps. Shorten the scenario's duration or lower its counts to see the rest."
        );
        self.with_ctx(at, |ctx| {
            ctx.emit(
                Source::Scenario,
                EventKind::RunStopped { events: limit },
                message,
                Vec::new(),
            )
        });
        self.state.halted_at = Some(at);
    }
}

/// Run what a due timer asks for. The engine's own timers (timeline, quizzes) see the whole
/// world; every other timer goes to a controller of the part it belongs to.
fn dispatch(ctx: &mut WorldCtx, scenario: &Scenario, timer: Timer) {
    match timer {
        Timer::Timeline(i) => {
            if let Some(entry) = scenario.timeline.get(i as usize) {
                actions::apply(ctx, &entry.action);
            }
        }
        Timer::QuizAt(i) => quiz::ask_at(ctx, scenario, i as usize),
        // Only an instant to look at the goals (after every instant).
        Timer::Goals => {}
        Timer::Ecs(t) => {
            if let Some(mut ecs) = ctx.ecs() {
                dispatch_ecs(&mut ecs, t);
            }
        }
        Timer::Eks(t) => {
            if let Some(mut eks) = ctx.eks() {
                match t {
                    EksTimer::Tick => crate::k8s::tick::on_tick(&mut eks),
                }
            }
        }
        Timer::Ecr(t) => {
            let mut ecr = ctx.ecr();
            match t {
                EcrTimer::Lifecycle => ecr_controller::on_lifecycle(&mut ecr),
                EcrTimer::CvePublished(v) => ecr_controller::on_cve_published(&mut ecr, v as usize),
                EcrTimer::ScanDone(r, i) => {
                    ecr_controller::on_scan_done(&mut ecr, r as usize, i as usize)
                }
            }
        }
    }
}

/// Which ECS controller handles each ECS timer.
fn dispatch_ecs(ctx: &mut crate::ecs::cluster::Ctx, timer: EcsTimer) {
    match timer {
        EcsTimer::TaskStep(task) => task_lifecycle::on_step_due(ctx, task),
        EcsTimer::ContainerExit(task) => task_lifecycle::on_container_exit_due(ctx, task),
        EcsTimer::ContainerHealth(task) => {
            container_health::on_due(ctx, task);
            // A dependency may have become HEALTHY.
            task_lifecycle::resolve_dependencies(ctx, task);
        }
        EcsTimer::ContainerDeps(task) => task_lifecycle::resolve_dependencies(ctx, task),
        EcsTimer::CloudMapHealth(task) => crate::ecs::service_discovery::on_health_due(ctx, task),
        EcsTimer::Target(tg, task) => target_health::on_due(ctx, tg, task),
        EcsTimer::SchedulerPass(service) => service_scheduler::on_pass_due(ctx, service),
        EcsTimer::MetricMinute => crate::aas::metric_minute::on_minute(ctx),
        EcsTimer::InsightsMinute => crate::insights::ecs::on_minute(ctx),
        EcsTimer::ManagedScaling => {
            capacity_provider::on_minute(ctx);
            ctx.schedule(
                ctx.now.plus(Millis::from_secs(60)),
                EcsTimer::ManagedScaling,
            );
        }
        EcsTimer::InstanceRegistered(i) => {
            capacity_provider::on_registered(ctx, i);
            // Standalone tasks have no scheduler pass: the new instance takes them at once.
            crate::ecs::standalone::on_instance_registered(ctx, i);
        }
        EcsTimer::SpotTermination(i) => capacity_provider::on_spot_termination(ctx, i),
        EcsTimer::BlueGreenStep(s) => crate::ecs::codedeploy::on_step_due(ctx, s),
        EcsTimer::BlueGreenMinute(s) => crate::ecs::deploy_alarms::on_minute(ctx, s),
        EcsTimer::AppCalls(task) => crate::iam::ecs_calls::on_due(ctx, task),
        EcsTimer::GuardDutyFindings => crate::ecs::guardduty::publish_due(ctx),
    }
}
