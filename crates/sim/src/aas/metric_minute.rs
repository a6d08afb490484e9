//! The one-minute period of ECS service auto scaling, as a controller: for each service with a
//! load model it observes the CloudWatch datapoint (average CPU and, if modelled, memory
//! utilization of its running tasks), records it in the alarms of its target-tracking and step
//! scaling policies, lets the policies propose and [`crate::aas::choose`] pick one decision
//! (a pure rule), applies it to the service's desired count (`aws ecs update-service` through
//! `ecs::deployments`), and records the minute for the charts
//! (docs/rules/ecs-scaling.md#target-tracking, #step-scaling,
//! #several-policies-on-one-service).

use crate::aas::step_scaling::StepProposal;
use crate::aas::{AlarmState, Decision, choose};
use crate::control::EcsTimer;
use crate::ecs::cluster::Ctx;
use crate::ecs::ids::ServiceIdx;
use crate::ecs::{DeploymentStatus, RolloutState, Service, ServiceSample, TaskStatus, deployments};
use crate::event::{EventKind, Source, Subject};
use crate::scenario::spec::AlarmMetric;
use crate::time::{Millis, SimTime};

/// One CloudWatch period for every service, then the next one in a minute.
pub fn on_minute(ctx: &mut Ctx) {
    for si in 0..ctx.world.services.len() {
        minute_of(ctx, ServiceIdx(si as u32));
    }
    ctx.schedule(ctx.now.plus(Millis::from_secs(60)), EcsTimer::MetricMinute);
}

/// A service's datapoints for one minute.
#[derive(Debug, Clone, Copy)]
struct Datapoint {
    /// RUNNING tasks the average is over.
    running: u32,
    cpu: f64,
    memory: Option<f64>,
}

/// The proposal that runs this minute, and which policy made it.
enum Chosen {
    TargetTracking(Decision),
    /// The i-th step scaling policy of the service.
    Step(usize, StepProposal),
}

fn minute_of(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    // Observe.
    let Some(point) = observe(ctx, s) else {
        return;
    };
    let svc = ctx.world.service_mut(s);
    let changes = record_in_alarms(svc, &point);
    // Decide (pure), then start the cooldown of the policy that acts.
    let chosen = decide(svc, now);
    let action = chosen.map(|c| commit(svc, now, c, &point));
    // Apply and record.
    let name = svc.name.clone();
    for (alarm, state) in changes {
        ctx.emit(
            Source::AutoScaling(name.clone()),
            EventKind::AlarmStateChanged {
                service: name.clone(),
                alarm: alarm.as_str().into(),
                state: state.as_str().into(),
            },
            format!("CloudWatch alarm {alarm} is now {}", state.as_str()),
            vec![Subject::Service(name.clone())],
        );
    }
    if let Some((d, policy, why)) = action {
        ctx.emit_why(
            Source::AutoScaling(name.clone()),
            EventKind::ScalingActivity {
                service: name.clone(),
                desired: d.desired,
                scale_out: d.out,
            },
            crate::aas::activity(d.desired, &d.alarm, &policy),
            vec![Subject::Service(name.clone())],
            Some(why),
        );
        deployments::update_service(ctx, s, None, Some(d.desired), false, None, None);
    }
    record_sample(ctx.world.service_mut(s), now, &point);
}

/// The service's datapoint: none without a load model or without a RUNNING task (missing
/// data never counts as low utilization).
fn observe(ctx: &mut Ctx, s: ServiceIdx) -> Option<Datapoint> {
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
    let load = ctx.world.service(s).load.as_ref()?;
    if running == 0 {
        return None;
    }
    let now = ctx.now;
    let noise: f64 = rand::Rng::random_range(&mut ctx.rngs.load, -2.0..2.0);
    let cpu = (load.utilization_per_pod(now, running) + noise).clamp(0.0, 100.0);
    // Drawn only when memory is modelled, so other scenarios keep their random sequence.
    let memory = load.memory_per_task(now, running).map(|m| {
        let noise: f64 = rand::Rng::random_range(&mut ctx.rngs.load, -1.0..1.0);
        (m + noise).clamp(0.0, 100.0)
    });
    Some(Datapoint {
        running,
        cpu,
        memory,
    })
}

/// Record the datapoint in every alarm of the service; returns the alarm state changes as
/// (alarm name, new state), target tracking first.
fn record_in_alarms(svc: &mut Service, point: &Datapoint) -> Vec<(String, AlarmState)> {
    let mut changes = Vec::new();
    if let Some(tt) = svc.scaling.as_mut() {
        changes = tt.record(point.cpu);
    }
    for p in &mut svc.step_scaling {
        let value = match p.metric {
            AlarmMetric::CpuUtilization => Some(point.cpu),
            AlarmMetric::MemoryUtilization => point.memory,
        };
        if let Some(state) = value.and_then(|v| p.record(v)) {
            changes.push((p.alarm.clone(), state));
        }
    }
    changes
}

/// Every policy says what it would do for the current desired count; [`choose`] picks the one
/// that runs. Scale-in is suspended while a deployment is in progress.
fn decide(svc: &Service, now: SimTime) -> Option<Chosen> {
    let desired = svc.desired_count;
    let deploying = svc.deployments.iter().any(|d| {
        d.status == DeploymentStatus::Primary && d.rollout_state == RolloutState::InProgress
    }) && svc.deployments.len() > 1;
    let tt = svc
        .scaling
        .as_ref()
        .and_then(|t| t.propose(now, desired, deploying));
    let mut steps: Vec<(usize, StepProposal)> = svc
        .step_scaling
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.propose(now, desired, deploying).map(|x| (i, x)))
        .collect();
    let candidates: Vec<&Decision> = tt
        .iter()
        .chain(steps.iter().map(|(_, p)| &p.decision))
        .collect();
    let k = choose(&candidates)?;
    match tt {
        Some(d) if k == 0 => Some(Chosen::TargetTracking(d)),
        _ => {
            let k = k - usize::from(tt.is_some());
            (k < steps.len()).then(|| {
                let (i, p) = steps.swap_remove(k);
                Chosen::Step(i, p)
            })
        }
    }
}

/// Start the chosen policy's cooldown; returns the decision, the policy's name and the why.
fn commit(
    svc: &mut Service,
    now: SimTime,
    chosen: Chosen,
    point: &Datapoint,
) -> (Decision, String, String) {
    let desired = svc.desired_count;
    match chosen {
        Chosen::TargetTracking(d) => {
            let t = svc
                .scaling
                .as_mut()
                .expect("a target-tracking decision comes from the service's policy");
            t.commit(now, &d);
            let cpu = point.cpu;
            let why = format!(
                "ECSServiceAverageCPUUtilization {cpu:.1} % against a target of {:.0} %: {} ({desired} tasks × {cpu:.1} / target, rounded {}).",
                t.target,
                if d.out { "scale out" } else { "scale in" },
                if d.out { "up" } else { "down" }
            );
            (d, t.policy.clone(), why)
        }
        Chosen::Step(i, p) => {
            let policy = &mut svc.step_scaling[i];
            policy.commit(now, &p);
            (p.decision, policy.policy.clone(), p.why)
        }
    }
}

/// The minute's sample for the charts, with the desired count after any scaling.
fn record_sample(svc: &mut Service, now: SimTime, point: &Datapoint) {
    let (high, low) = svc.scaling.as_ref().map_or((false, false), |t| {
        (t.high == AlarmState::Alarm, t.low == AlarmState::Alarm)
    });
    let sample = ServiceSample {
        at: now,
        cpu: point.cpu,
        desired: svc.desired_count,
        running: point.running,
        alarm_high: high,
        alarm_low: low,
        memory: point.memory,
        step_alarms: svc
            .step_scaling
            .iter()
            .map(|p| p.state == AlarmState::Alarm)
            .collect(),
    };
    svc.metrics.push(sample);
}
