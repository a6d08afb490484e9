//! The controller contract, shared by the ECS and the EKS side.
//!
//! A controller is a reconcile step: it observes the part of the world it controls, takes one
//! bounded step decided by a pure rule function, applies it, and records what it did as typed
//! [`Event`]s (with the objects they are about and, for decisions, a why with the numbers). It
//! sees the world through a [`Ctx`]: its part (`world`), the shared network, the clock, the
//! timer queue, the seeded randomness and the log. This module sits below every controller and
//! the engine sits above them, so controllers never import the engine.

use std::collections::BTreeSet;

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
    /// Scheduled timers by moment; those of one moment come out in the order they were
    /// scheduled (`RadixHeap` keeps equal keys first in, first out).
    heap: RadixHeap<Timer>,
    /// Timeline entries by moment, then timeline index (few: a scenario's timeline).
    timeline: BTreeSet<(SimTime, u32)>,
}

impl Timers {
    pub fn schedule(&mut self, at: SimTime, timer: Timer) {
        match timer {
            Timer::Timeline(index) => self.schedule_timeline(at, index),
            timer => self.heap.push(at.0, timer),
        }
    }

    /// Queue the timeline's entry `index` at `at`.
    pub fn schedule_timeline(&mut self, at: SimTime, index: u32) {
        self.timeline.insert((at, index));
    }

    /// Take a timeline entry out of the queue (an intervention undone).
    pub fn cancel_timeline(&mut self, index: u32) {
        self.timeline.retain(|(_, i)| *i != index);
    }

    /// The next timeline entry, if it comes before (or with) every scheduled timer whose
    /// moment is `scheduled`.
    fn timeline_first(&self, scheduled: Option<SimTime>) -> Option<(SimTime, u32)> {
        let first = *self.timeline.first()?;
        scheduled.is_none_or(|at| first.0 <= at).then_some(first)
    }

    /// The next timer to run, if it is due at `now` and already found (a hint for what to
    /// fetch into the cache: it moves nothing in the queue, so the timers scheduled at `now`
    /// afterwards still go straight into their place).
    pub fn peek_due(&self, now: SimTime) -> Option<Timer> {
        let bound = self.heap.lower_bound().map(SimTime);
        if let Some((at, index)) = self.timeline_first(bound) {
            return (at <= now).then_some(Timer::Timeline(index));
        }
        let (at, t) = self.heap.peek_in_front()?;
        (at <= now.0).then_some(*t)
    }

    /// A timer due by `now` that comes `n` timers after the next one, if the queue can tell
    /// without looking far (the scheduled timers of the moment in front): for prefetching only,
    /// it may miss a timer and it does not count timeline entries.
    pub fn ahead_due(&self, now: SimTime, n: usize) -> Option<Timer> {
        let (at, t) = self.heap.ahead(n)?;
        (at <= now.0).then_some(*t)
    }

    /// The moment of the next timer, if any, without changing the queue (see
    /// [`Timers::next_at_mut`]).
    pub fn next_at(&self) -> Option<SimTime> {
        let scheduled = self.heap.peek().map(|(at, _)| SimTime(at));
        self.timeline_first(scheduled)
            .map(|(at, _)| at)
            .or(scheduled)
    }

    /// [`Timers::next_at`], finding the next timer once (see [`Timers::peek_due`]). The
    /// scheduled timers are looked at only when the next timeline entry does not come first:
    /// a look ahead moves the heap's last key forward, and a timer scheduled below it waits in
    /// a slower heap of its own (`RadixHeap::lower_bound`).
    pub fn next_at_mut(&mut self) -> Option<SimTime> {
        let timeline = self.timeline.first().map(|(at, _)| *at);
        match (timeline, self.heap.lower_bound()) {
            (Some(at), Some(bound)) if at.0 <= bound => Some(at),
            (timeline, Some(_)) => {
                let (at, _) = self.heap.peek_mut()?;
                let at = SimTime(at);
                Some(timeline.map_or(at, |t| t.min(at)))
            }
            (timeline, None) => timeline,
        }
    }

    /// The next timer due at or before `now`, in the order they were scheduled. When nothing
    /// is due, the scheduled timers stay where they are (see [`Timers::next_at_mut`]).
    pub fn pop_due(&mut self, now: SimTime) -> Option<Timer> {
        let bound = self.heap.lower_bound();
        if let Some(&(at, index)) = self.timeline.first()
            && at <= now
        {
            // A timeline entry runs before the scheduled timers of its moment.
            let scheduled = match bound {
                Some(bound) if bound < at.0 => self.heap.peek_mut().map(|(k, _)| k),
                bound => bound,
            };
            if scheduled.is_none_or(|k| at.0 <= k) {
                self.timeline.remove(&(at, index));
                return Some(Timer::Timeline(index));
            }
        }
        if bound? > now.0 {
            return None;
        }
        let (at, _) = self.heap.peek_mut()?;
        if at <= now.0 {
            self.heap.pop().map(|(_, t)| t)
        } else {
            None
        }
    }

    pub fn len(&self) -> usize {
        self.heap.len() + self.timeline.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty() && self.timeline.is_empty()
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

#[cfg(test)]
mod tests {
    use super::{EcsTimer, Timer, Timers};
    use crate::ecs::ids::TaskIdx;
    use crate::time::SimTime;
    use proptest::prelude::*;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    #[derive(Debug, Clone)]
    enum Op {
        /// Schedule a timer this many milliseconds after the current moment (often zero).
        Schedule(u16),
        /// Queue a timeline entry this many milliseconds after the current moment.
        Timeline(u16),
        /// Take a timeline entry out again (an intervention undone).
        Cancel(u8),
        /// Run what is due up to this many milliseconds later.
        Advance(u16),
        NextAt,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => (0..4000u16).prop_map(|d| Op::Schedule(if d < 2000 { d % 3 } else { d })),
            1 => (0..4000u16).prop_map(Op::Timeline),
            1 => any::<u8>().prop_map(Op::Cancel),
            3 => (0..3000u16).prop_map(Op::Advance),
            1 => Just(Op::NextAt),
        ]
    }

    /// The order the queue promises, as one key per timer: the moment, then timeline
    /// entries by index before every scheduled timer, then scheduled timers in the order
    /// they were scheduled.
    fn key(at: u64, timer: Timer, seq: u64) -> (u64, u64) {
        match timer {
            Timer::Timeline(index) => (at, u64::from(index)),
            _ => (at, (1 << 32) + seq),
        }
    }

    proptest! {
        /// Whatever is scheduled, queued from the timeline, undone and run, the timers come
        /// out in the promised order, each at its moment, and the next moment is the least.
        #[test]
        fn timers_run_in_moment_then_timeline_then_scheduling_order(
            ops in proptest::collection::vec(op(), 0..300)
        ) {
            let mut timers = Timers::default();
            let mut reference = BinaryHeap::new();
            let mut now = 0u64;
            let mut seq = 0u64;
            let mut next_index = 0u32;
            for op in ops {
                match op {
                    Op::Schedule(d) => {
                        seq += 1;
                        let timer = Timer::Ecs(EcsTimer::TaskStep(TaskIdx(seq as u32)));
                        timers.schedule(SimTime(now + u64::from(d)), timer);
                        reference.push(Reverse((key(now + u64::from(d), timer, seq), timer)));
                    }
                    Op::Timeline(d) => {
                        next_index += 1;
                        let timer = Timer::Timeline(next_index);
                        timers.schedule_timeline(SimTime(now + u64::from(d)), next_index);
                        reference.push(Reverse((key(now + u64::from(d), timer, 0), timer)));
                    }
                    Op::Cancel(i) => {
                        let index = u32::from(i) % (next_index + 1);
                        timers.cancel_timeline(index);
                        reference.retain(|Reverse((_, t))| *t != Timer::Timeline(index));
                    }
                    Op::Advance(d) => {
                        now += u64::from(d);
                        loop {
                            let want = match reference.peek() {
                                Some(Reverse(((at, _), t))) if *at <= now => Some(*t),
                                _ => None,
                            };
                            let hint = timers.peek_due(SimTime(now));
                            if let Some(hint) = hint {
                                prop_assert_eq!(Some(hint), want);
                            }
                            let got = timers.pop_due(SimTime(now));
                            prop_assert_eq!(got, want);
                            if want.is_none() {
                                break;
                            }
                            reference.pop();
                        }
                    }
                    Op::NextAt => {
                        let want = reference.peek().map(|Reverse(((at, _), _))| SimTime(*at));
                        prop_assert_eq!(timers.next_at(), want);
                        prop_assert_eq!(timers.next_at_mut(), want);
                    }
                }
                prop_assert_eq!(timers.len(), reference.len());
            }
        }
    }
}
