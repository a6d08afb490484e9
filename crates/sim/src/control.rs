//! The controller contract, shared by the ECS and the EKS side.
//!
//! A controller is a reconcile step: it observes the part of the world it controls, takes one
//! bounded step decided by a pure rule function, applies it, and records what it did as typed
//! [`Event`]s (with the objects they are about and, for decisions, a why with the numbers). It
//! sees the world through a [`Ctx`]: its part (`world`), the shared network, the clock, the
//! timer queue, the seeded randomness and the log. This module sits below every controller and
//! the engine sits above them, so controllers never import the engine.

use crate::ecr::Registry;
use crate::ecs::ids::{InstanceIdx, ServiceIdx, TargetGroupIdx, TaskIdx};
use crate::event::{Event, EventKind, Message, Source, Subject, Subjects};
use crate::name::Name;
use crate::net::Network;
use crate::radix_heap::RadixHeap;
use crate::rng::Rngs;
use crate::scenario::spec::TimingsSpec;
use crate::time::{Millis, SimTime};

/// Something due at a moment. Handlers check that the object still expects it (its stored due
/// time equals now), so a superseded timer is simply ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    /// The scenario's i-th timeline entry.
    Timeline(u32),
    /// The scenario's i-th quiz, asked at a moment.
    QuizAt(u32),
    /// A goal's deadline or the run's end: the goals are looked at.
    Goals,
    Ecs(EcsTimer),
    Eks(EksTimer),
    Ecr(EcrTimer),
}

/// Timers of the ECS part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EcsTimer {
    TaskStep(TaskIdx),
    ContainerHealth(TaskIdx),
    ContainerExit(TaskIdx),
    /// A container of the task waits for its dependencies (`dependsOn`) until this moment.
    ContainerDeps(TaskIdx),
    Target(TargetGroupIdx, TaskIdx),
    SchedulerPass(ServiceIdx),
    /// A CloudWatch one-minute period for ECS service metrics and target tracking.
    MetricMinute,
    /// A one-minute period of Container Insights (cluster setting `containerInsights`).
    InsightsMinute,
    /// A one-minute period of ECS managed scaling (`CapacityProviderReservation`).
    ManagedScaling,
    /// The ECS agent of an instance an Auto Scaling group launched registers it.
    InstanceRegistered(InstanceIdx),
    /// EC2 reclaims a Spot Instance at the end of its interruption notice.
    SpotTermination(InstanceIdx),
    /// A blue/green deployment's next step is due (a hook answers, traffic shifts, a wait ends).
    BlueGreenStep(ServiceIdx),
    /// A one-minute CloudWatch period of a blue/green service's 5xx alarms and traffic chart.
    BlueGreenMinute(ServiceIdx),
    /// The task's application makes its due AWS calls (`iam::ecs_calls`).
    AppCalls(TaskIdx),
    /// GuardDuty publishes the runtime findings due now (`ecs::guardduty`).
    GuardDutyFindings,
    /// Cloud Map applies a health status ECS reported for the task (`ecs::service_discovery`).
    CloudMapHealth(TaskIdx),
}

/// Timers of the EKS part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EksTimer {
    /// One second of the EKS cluster (the kubelet and the controllers resync about that often).
    Tick,
}

/// Timers of the registry (Amazon ECR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EcrTimer {
    /// Lifecycle policies are applied to every repository that has one.
    Lifecycle,
    /// The vulnerability feed publishes its i-th CVE.
    CvePublished(u32),
    /// A scan of an image (repository, image index) is due to complete.
    ScanDone(u32, u32),
}

/// The timer queue. Within one instant, the scenario's timeline entries (scripted actions and
/// the learner's interventions) run first, in timeline order; every other timer runs in the
/// order it was scheduled. A timeline entry's place therefore does not depend on when it was
/// put in the queue, so an intervention added to a restored snapshot runs exactly where it runs
/// in a fresh run of the scenario that contains it.
#[derive(Debug, Clone, Default)]
pub struct Timers {
    /// Keyed by the moment (high 64 bits) and the order within it (low 64 bits).
    heap: RadixHeap<Timer>,
    seq: u64,
}

/// Order keys of scheduled timers start here; below are the timeline entries' indices.
const SCHEDULED: u64 = 1 << 32;

fn key(at: SimTime, order: u64) -> u128 {
    (u128::from(at.0) << 64) | u128::from(order)
}

fn moment(key: u128) -> SimTime {
    SimTime((key >> 64) as u64)
}

impl Timers {
    pub fn schedule(&mut self, at: SimTime, timer: Timer) {
        self.seq += 1;
        self.heap.push(key(at, SCHEDULED + self.seq), timer);
    }

    /// Queue the timeline's entry `index` at `at`.
    pub fn schedule_timeline(&mut self, at: SimTime, index: u32) {
        self.heap
            .push(key(at, u64::from(index)), Timer::Timeline(index));
    }

    /// Take a timeline entry out of the queue (an intervention undone).
    pub fn cancel_timeline(&mut self, index: u32) {
        self.heap.retain(|t| *t != Timer::Timeline(index));
    }

    /// The next timer to run, if any (found once: asking again, or taking it out, costs
    /// nothing more).
    pub fn peek(&mut self) -> Option<&Timer> {
        self.heap.peek_mut().map(|(_, t)| t)
    }

    /// The moment of the next timer, if any, without changing the queue (see
    /// [`Timers::next_at_mut`]).
    pub fn next_at(&self) -> Option<SimTime> {
        self.heap.peek().map(|(k, _)| moment(k))
    }

    /// [`Timers::next_at`], finding the next timer once (see [`Timers::peek`]).
    pub fn next_at_mut(&mut self) -> Option<SimTime> {
        self.heap.peek_mut().map(|(k, _)| moment(k))
    }

    /// The next timer due at or before `now`, in the order they were scheduled.
    pub fn pop_due(&mut self, now: SimTime) -> Option<Timer> {
        if self.next_at_mut()? <= now {
            self.heap.pop().map(|(_, t)| t)
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

/// What a controller works with during one step: its part of the world (`world`: the ECS
/// cluster or the EKS cluster), the shared network, the clock, the timers, the seeded randomness
/// and the log.
pub struct Ctx<'a, P> {
    pub now: SimTime,
    pub world: &'a mut P,
    pub net: &'a mut Network,
    /// The registry images are pulled from (read only: the ECR controller changes it).
    pub registry: &'a Registry,
    pub timers: &'a mut Timers,
    pub rngs: &'a mut Rngs,
    pub log: &'a mut Vec<Event>,
    pub timings: &'a Timings,
}

impl From<EcsTimer> for Timer {
    fn from(t: EcsTimer) -> Timer {
        Timer::Ecs(t)
    }
}

impl From<EcrTimer> for Timer {
    fn from(t: EcrTimer) -> Timer {
        Timer::Ecr(t)
    }
}

impl From<EksTimer> for Timer {
    fn from(t: EksTimer) -> Timer {
        Timer::Eks(t)
    }
}

impl<P> Ctx<'_, P> {
    /// Be called back at `at` (never earlier than now).
    pub fn schedule(&mut self, at: SimTime, timer: impl Into<Timer>) {
        self.timers.schedule(at.max(self.now), timer.into());
    }

    /// Record an event that carries no decision.
    pub fn emit(
        &mut self,
        source: Source,
        kind: EventKind,
        message: impl Into<Message>,
        subjects: impl Into<Subjects>,
    ) {
        self.emit_why(source, kind, message, subjects, None::<Name>);
    }

    /// Record a line that reports what happened (`EventKind::ActionApplied` with the line as
    /// its description), with the why behind it if any.
    pub fn announce(
        &mut self,
        source: Source,
        line: String,
        subjects: Vec<Subject>,
        why: Option<String>,
    ) {
        let kind = EventKind::ActionApplied {
            description: line.as_str().into(),
        };
        self.emit_why(source, kind, line, subjects, why);
    }

    /// Record an event and the rule and numbers behind it.
    pub fn emit_why(
        &mut self,
        source: Source,
        kind: EventKind,
        message: impl Into<Message>,
        subjects: impl Into<Subjects>,
        why: Option<impl Into<Name>>,
    ) {
        // A why written as a `Name` is kept as it is; a `String` is copied into one.
        let why = why.map(Into::into);
        self.log
            .push(Event::new(self.now, source, kind, message, subjects, why));
    }
}
