//! The one-minute period of ECS service auto scaling: each service with a load model publishes
//! its CloudWatch datapoint, the alarms of its target-tracking and step scaling policies record
//! it, and one scaling decision (the largest, scale-out first — [`crate::aas::choose`]) updates
//! the service's desired count.

use crate::control::EcsTimer;
use crate::ecs::cluster::Ctx;
use crate::ecs::ids::ServiceIdx;
use crate::event::{EventKind, Source, Subject};
use crate::time::Millis;

/// One CloudWatch period: each service with a load model publishes its average CPU (and, if
/// modelled, memory) utilization; the target-tracking and step scaling alarms record it, and
/// the policies whose alarms are in ALARM are weighed together ([`crate::aas::choose`]).
pub fn on_minute(ctx: &mut Ctx) {
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
    ctx.schedule(now.plus(Millis::from_secs(60)), EcsTimer::MetricMinute);
}
