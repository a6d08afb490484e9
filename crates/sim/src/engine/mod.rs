//! The discrete-event engine: a timer queue, the dispatch of due timers to the controllers, the
//! scenario timeline and quiz triggers. [`Simulation`] is the API the CLI and the app drive;
//! [`Playback`] adds fast seeking backwards.

mod actions;
mod build;
mod playback;
mod quiz;

pub use crate::world::ip_in_zone;
pub use playback::{Playback, QuizMoment};

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use crate::ecs::{container_health, service_scheduler, task_lifecycle};
use crate::elb::target_health;
use crate::event::{Event, EventKind, Source, Subject};
use crate::rng::Rngs;
use crate::scenario::spec::{Scenario, TimingsSpec};
use crate::time::{Millis, SimTime};
use crate::world::{ServiceIdx, TargetGroupIdx, TaskIdx, World};

/// Something due at a moment. Handlers check that the object still expects it (its stored due
/// time equals now), so a superseded timer is simply ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    TaskStep(TaskIdx),
    ContainerHealth(TaskIdx),
    ContainerExit(TaskIdx),
    Target(TargetGroupIdx, TaskIdx),
    SchedulerPass(ServiceIdx),
    Timeline(u32),
    QuizAt(u32),
    /// One second of the EKS cluster.
    EksTick,
    /// A CloudWatch one-minute period for ECS service metrics and target tracking.
    MetricMinute,
    /// A one-minute period of ECS managed scaling (`CapacityProviderReservation`).
    ManagedScaling,
    /// The ECS agent of an instance an Auto Scaling group launched registers it.
    InstanceRegistered(crate::world::InstanceIdx),
    /// EC2 reclaims a Spot Instance at the end of its interruption notice.
    SpotTermination(crate::world::InstanceIdx),
}

#[derive(Debug, Clone, Default)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(SimTime, u64, Timer)>>,
    seq: u64,
}

impl Timers {
    pub fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.seq += 1;
        self.heap.push(Reverse((at, self.seq, timer)));
    }

    pub fn next_at(&self) -> Option<SimTime> {
        self.heap.peek().map(|Reverse((t, _, _))| *t)
    }

    fn pop_due(&mut self, now: SimTime) -> Option<Timer> {
        if self.next_at()? <= now {
            self.heap.pop().map(|Reverse((_, _, t))| t)
        } else {
            None
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// Lifecycle durations as millisecond ranges (resolved from the scenario's `timings`).
#[derive(Debug, Clone, PartialEq)]
pub struct Timings {
    pub provisioning: (Millis, Millis),
    pub image_pull: (Millis, Millis),
    pub activating: (Millis, Millis),
    pub target_registration: (Millis, Millis),
    pub sigterm_exit: (Millis, Millis),
    pub deprovisioning: (Millis, Millis),
    pub scheduler_reaction: Millis,
    pub instance_launch: (Millis, Millis),
}

impl From<&TimingsSpec> for Timings {
    fn from(t: &TimingsSpec) -> Self {
        let r = |(a, b): (f64, f64)| (Millis::from_secs_f64(a), Millis::from_secs_f64(b));
        Timings {
            provisioning: r(t.provisioning_seconds),
            image_pull: r(t.image_pull_seconds),
            activating: r(t.activating_seconds),
            target_registration: r(t.target_registration_seconds),
            sigterm_exit: r(t.sigterm_exit_seconds),
            deprovisioning: r(t.deprovisioning_seconds),
            scheduler_reaction: Millis::from_secs_f64(t.scheduler_reaction_seconds),
            instance_launch: r(t.instance_launch_seconds),
        }
    }
}

/// What a controller works with during one step: the world, the clock, the timers, the seeded
/// randomness and the log.
pub struct Ctx<'a> {
    pub now: SimTime,
    pub world: &'a mut World,
    pub timers: &'a mut Timers,
    pub rngs: &'a mut Rngs,
    pub log: &'a mut Vec<Event>,
    pub timings: &'a Timings,
}

impl Ctx<'_> {
    pub fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.timers.schedule(at.max(self.now), timer);
    }

    pub fn emit(
        &mut self,
        source: Source,
        kind: EventKind,
        message: String,
        subjects: Vec<Subject>,
    ) {
        self.emit_why(source, kind, message, subjects, None);
    }

    pub fn emit_why(
        &mut self,
        source: Source,
        kind: EventKind,
        message: String,
        subjects: Vec<Subject>,
        why: Option<String>,
    ) {
        self.log.push(Event {
            at: self.now,
            source,
            kind,
            message,
            subjects,
            why,
        });
    }

    /// Ask the service scheduler to look at a service soon (after its reaction time); several
    /// requests before then share one pass.
    pub fn request_pass(&mut self, service: ServiceIdx) {
        let at = self.now.plus(self.timings.scheduler_reaction);
        self.request_pass_at(service, at);
    }

    /// Ask for a scheduler pass at a given moment (a health gate opening, a retry).
    pub fn request_pass_at(&mut self, service: ServiceIdx, at: SimTime) {
        let at = at.max(self.now);
        let s = self.world.service_mut(service);
        if s.pass_at.is_some_and(|t| t <= at) {
            return;
        }
        s.pass_at = Some(at);
        self.timers.schedule(at, Timer::SchedulerPass(service));
    }
}

/// A running simulation of one scenario.
#[derive(Debug, Clone)]
pub struct Simulation {
    scenario: Arc<Scenario>,
    timings: Arc<Timings>,
    state: SimState,
    log: Vec<Event>,
}

/// Everything that changes as the simulation runs (except the append-only log).
#[derive(Debug, Clone)]
pub struct SimState {
    world: World,
    timers: Timers,
    rngs: Rngs,
    quiz_fired: Vec<bool>,
}

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
}

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
            },
            log: Vec::new(),
            scenario,
        };
        let scenario = sim.scenario.clone();
        sim.with_ctx(SimTime::ZERO, |ctx| build::start(ctx, &scenario));
        for (i, entry) in scenario.timeline.iter().enumerate() {
            sim.state
                .timers
                .schedule(SimTime::from_secs_f64(entry.at), Timer::Timeline(i as u32));
        }
        for (i, q) in scenario.quizzes.iter().enumerate() {
            if let crate::scenario::spec::Trigger::At(at) = q.trigger {
                sim.state
                    .timers
                    .schedule(SimTime::from_secs_f64(at), Timer::QuizAt(i as u32));
            }
        }
        sim.process_instant(SimTime::ZERO, 0);
        sim
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    pub fn now(&self) -> SimTime {
        self.state.world.now
    }

    /// The end of the scenario (its `duration`).
    pub fn end(&self) -> SimTime {
        SimTime::from_secs_f64(self.scenario.duration)
    }

    pub fn world(&self) -> &World {
        &self.state.world
    }

    /// Every event so far, oldest first.
    pub fn log(&self) -> &[Event] {
        &self.log
    }

    /// The next moment something is due, if anything is.
    pub fn next_due(&self) -> Option<SimTime> {
        self.state.timers.next_at()
    }

    /// Run everything due up to and including `t`, then stand at `t`. Going backwards is not
    /// possible here (see [`Playback::seek`]); an earlier `t` does nothing.
    pub fn advance_to(&mut self, t: SimTime) {
        while let Some(next) = self.state.timers.next_at() {
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
        let next = self.state.timers.next_at()?;
        let log_start = self.log.len();
        self.process_instant(next, log_start);
        Some(next)
    }

    /// Run until at least one new event is logged or `limit` is reached; returns the instant
    /// of the new events.
    pub fn advance_to_next_event(&mut self, limit: SimTime) -> Option<SimTime> {
        let before = self.log.len();
        while self.log.len() == before {
            match self.state.timers.next_at() {
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

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            state: self.state.clone(),
            log_len: self.log.len(),
        }
    }

    /// Go back to a snapshot taken earlier in this run (the log is cut back to that moment).
    pub fn restore(&mut self, snapshot: &Snapshot) {
        self.state = snapshot.state.clone();
        self.log.truncate(snapshot.log_len);
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

    fn with_ctx<R>(&mut self, now: SimTime, f: impl FnOnce(&mut Ctx) -> R) -> R {
        self.state.world.now = now;
        let mut ctx = Ctx {
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
        while let Some(timer) = self.state.timers.pop_due(at) {
            guard += 1;
            if guard > MAX_TIMERS_PER_INSTANT {
                debug_assert!(false, "timer storm at {at}");
                break;
            }
            let scenario = self.scenario.clone();
            self.with_ctx(at, |ctx| dispatch(ctx, &scenario, timer));
        }
        let scenario = self.scenario.clone();
        let fired = std::mem::take(&mut self.state.quiz_fired);
        let mut fired = fired;
        self.with_ctx(at, |ctx| quiz::check(ctx, &scenario, &mut fired, log_start));
        self.state.quiz_fired = fired;
    }
}

fn dispatch(ctx: &mut Ctx, scenario: &Scenario, timer: Timer) {
    match timer {
        Timer::TaskStep(task) => task_lifecycle::on_step_due(ctx, task),
        Timer::ContainerExit(task) => task_lifecycle::on_container_exit_due(ctx, task),
        Timer::ContainerHealth(task) => container_health::on_due(ctx, task),
        Timer::Target(tg, task) => target_health::on_due(ctx, tg, task),
        Timer::SchedulerPass(service) => service_scheduler::on_pass_due(ctx, service),
        Timer::Timeline(i) => {
            if let Some(entry) = scenario.timeline.get(i as usize) {
                actions::apply(ctx, &entry.action);
            }
        }
        Timer::QuizAt(i) => quiz::ask_at(ctx, scenario, i as usize),
        Timer::EksTick => eks_tick(ctx),
        Timer::MetricMinute => metric_minute(ctx),
        Timer::ManagedScaling => {
            crate::ecs::capacity_provider::on_minute(ctx);
            ctx.schedule(ctx.now.plus(Millis::from_secs(60)), Timer::ManagedScaling);
        }
        Timer::InstanceRegistered(i) => crate::ecs::capacity_provider::on_registered(ctx, i),
        Timer::SpotTermination(i) => crate::ecs::capacity_provider::on_spot_termination(ctx, i),
    }
}

/// One CloudWatch period: each service with a load model publishes its average CPU (and, if
/// modelled, memory) utilization; the target-tracking and step scaling alarms record it, and
/// the policies whose alarms are in ALARM are weighed together ([`crate::aas::choose`]).
fn metric_minute(ctx: &mut Ctx) {
    use crate::aas::AlarmState;
    use crate::ecs::{DeploymentStatus, RolloutState, ServiceSample, TaskStatus};
    use crate::scenario::spec::AlarmMetric;
    let now = ctx.now;
    for si in 0..ctx.world.services.len() {
        let s = ServiceIdx(si as u32);
        let running = ctx
            .world
            .service(s)
            .tasks
            .iter()
            .filter(|&&t| {
                let task = ctx.world.task(t);
                task.is_live() && task.last_status == TaskStatus::Running
            })
            .count() as u32;
        let Some(load) = ctx.world.service(s).load.clone() else {
            continue;
        };
        // No running task: no datapoint (missing data never counts as low utilization).
        if running == 0 {
            continue;
        }
        let noise: f64 = rand::Rng::random_range(&mut ctx.rngs.load, -2.0..2.0);
        let cpu = (load.utilization_per_pod(now, running) + noise).clamp(0.0, 100.0);
        // Drawn only when memory is modelled, so other scenarios keep their random sequence.
        let memory = load.memory_per_task(now, running).map(|m| {
            let noise: f64 = rand::Rng::random_range(&mut ctx.rngs.load, -1.0..1.0);
            (m + noise).clamp(0.0, 100.0)
        });
        let name = ctx.world.service(s).name.clone();
        let desired = ctx.world.service(s).desired_count;
        let deploying = ctx.world.service(s).deployments.iter().any(|d| {
            d.status == DeploymentStatus::Primary && d.rollout_state == RolloutState::InProgress
        }) && ctx.world.service(s).deployments.len() > 1;
        let svc = ctx.world.service_mut(s);
        let mut changes = Vec::new();
        if let Some(tt) = svc.scaling.as_mut() {
            changes = tt.record(cpu);
        }
        for p in &mut svc.step_scaling {
            let value = match p.metric {
                AlarmMetric::CpuUtilization => Some(cpu),
                AlarmMetric::MemoryUtilization => memory,
            };
            if let Some(state) = value.and_then(|v| p.record(v)) {
                changes.push((p.alarm.clone(), state));
            }
        }
        // Every policy says what it would do; one decision runs.
        let tt = svc
            .scaling
            .as_ref()
            .and_then(|t| t.propose(now, desired, deploying).map(|d| (d, t.target)));
        let steps: Vec<(usize, crate::aas::step_scaling::StepProposal)> = svc
            .step_scaling
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.propose(now, desired, deploying).map(|x| (i, x)))
            .collect();
        let candidates: Vec<&crate::aas::Decision> = tt
            .iter()
            .map(|(d, _)| d)
            .chain(steps.iter().map(|(_, p)| &p.decision))
            .collect();
        let decision = crate::aas::choose(&candidates).and_then(|k| {
            if let Some((d, target)) = tt.as_ref().filter(|_| k == 0) {
                let t = svc.scaling.as_mut()?;
                t.commit(now, d);
                let why = format!(
                    "ECSServiceAverageCPUUtilization {cpu:.1} % against a target of {target:.0} %: {} ({desired} tasks × {cpu:.1} / target, rounded {}).",
                    if d.out { "scale out" } else { "scale in" },
                    if d.out { "up" } else { "down" }
                );
                return Some((d.clone(), t.policy.clone(), why));
            }
            let (i, p) = steps.get(k - usize::from(tt.is_some()))?;
            let policy = svc.step_scaling.get_mut(*i)?;
            policy.commit(now, p);
            Some((p.decision.clone(), policy.policy.clone(), p.why.clone()))
        });
        for (alarm, state) in changes {
            ctx.emit(
                Source::AutoScaling(name.clone()),
                EventKind::AlarmStateChanged {
                    service: name.clone(),
                    alarm: alarm.clone(),
                    state: state.as_str().to_string(),
                },
                format!("CloudWatch alarm {alarm} is now {}", state.as_str()),
                vec![Subject::Service(name.clone())],
            );
        }
        if let Some((d, policy, why)) = decision {
            let message = crate::aas::activity(d.desired, &d.alarm, &policy);
            ctx.emit_why(
                Source::AutoScaling(name.clone()),
                EventKind::ScalingActivity {
                    service: name.clone(),
                    desired: d.desired,
                    scale_out: d.out,
                },
                message,
                vec![Subject::Service(name.clone())],
                Some(why),
            );
            crate::ecs::service_scheduler::update_service(
                ctx,
                s,
                None,
                Some(d.desired),
                false,
                None,
                None,
            );
        }
        let svc = ctx.world.service_mut(s);
        let (high, low) = svc.scaling.as_ref().map_or((false, false), |t| {
            (t.high == AlarmState::Alarm, t.low == AlarmState::Alarm)
        });
        let sample = ServiceSample {
            at: now,
            cpu,
            desired: svc.desired_count,
            running,
            alarm_high: high,
            alarm_low: low,
            memory,
            step_alarms: svc
                .step_scaling
                .iter()
                .map(|p| p.state == AlarmState::Alarm)
                .collect(),
        };
        svc.metrics.push(sample);
    }
    ctx.schedule(now.plus(Millis::from_secs(60)), Timer::MetricMinute);
}

/// Advance the EKS cluster by one second and log what it reported.
fn eks_tick(ctx: &mut Ctx) {
    let now = ctx.now;
    let Some(cluster) = ctx.world.eks.as_mut() else {
        return;
    };
    cluster.tick_at(now);
    let events = cluster.take_events();
    let claim_nodes: Vec<(String, String)> = cluster.karpenter.as_ref().map_or(Vec::new(), |k| {
        k.claims
            .iter()
            .filter_map(|c| {
                k.node_of_claim(&c.name, &cluster.nodes)
                    .map(|n| (c.name.clone(), n.to_string()))
            })
            .collect()
    });
    for e in events {
        let mut subjects = Vec::new();
        if let Some(pod) = e.object.strip_prefix("pod/") {
            subjects.push(Subject::Pod(pod.to_string()));
        }
        if let Some(d) = e.object.strip_prefix("deployment/") {
            subjects.push(Subject::Deployment(d.to_string()));
        }
        if let Some(n) = e.object.strip_prefix("node/") {
            subjects.push(Subject::Node(n.to_string()));
        }
        // A NodeClaim's events are about its node once it has one.
        if let Some(claim) = e.object.strip_prefix("nodeclaim/")
            && let Some((_, n)) = claim_nodes.iter().find(|(c, _)| c == claim)
        {
            subjects.push(Subject::Node(n.clone()));
        }
        ctx.emit(
            Source::Kube(e.object.clone()),
            EventKind::Kube {
                warning: e.warning,
                reason: e.reason.to_string(),
                object: e.object,
            },
            e.message,
            subjects,
        );
    }
    ctx.schedule(now.plus(Millis::from_secs(1)), Timer::EksTick);
}
