//! Once a minute for a blue/green service: the load balancer's `HTTPCode_Target_5XX_Count`
//! for the minute (from the requests the production listener sends to each target group and
//! the 5xx share of the revision behind it), the CloudWatch alarms on it, and the chart's
//! sample. An alarm in ALARM stops the deployment under way (docs/rules/ecs-blue-green.md).
//!
//! Sources: CodeDeploy User Guide, "Monitoring deployments with CloudWatch alarms in
//! CodeDeploy" (<https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html>);
//! Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms" (an alarm goes to ALARM when
//! the metric breaches its threshold for the number of evaluation periods); Elastic Load
//! Balancing, CloudWatch metrics for your Application Load Balancer (`HTTPCode_Target_5XX_Count`,
//! Sum).

use crate::control::EcsTimer;
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::deploy_plan::fmt_percent;
use crate::ecs::deploy_rollback::stop_on_alarm;
use crate::ecs::ids::ServiceIdx;
use crate::ecs::task_set::{AlarmState, BlueGreen, TaskSetStatus, TrafficSample};
use crate::event::{EventKind, Source, Subject};
use crate::time::{Millis, SimTime};

const MINUTE: Millis = Millis::from_secs(60);

/// The minute timer fired.
pub fn on_minute(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    ctx.schedule(now.plus(MINUTE), EcsTimer::BlueGreenMinute(s));
    let errors = {
        let w = &*ctx.world;
        let Some(bg) = w.service(s).blue_green.as_deref() else {
            return;
        };
        minute_errors(w, bg, now)
    };
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    let weights = bg.production.weights;
    bg.samples.push(TrafficSample {
        at: now,
        weights,
        errors: Some(errors),
    });
    let mut changed = Vec::new();
    for a in &mut bg.alarms {
        a.breaching = if errors > a.threshold {
            a.breaching.saturating_add(1)
        } else {
            0
        };
        let to = if a.breaching >= a.evaluation_periods {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        };
        if a.state != to {
            changed.push((
                a.name.clone(),
                a.state,
                to,
                a.threshold,
                a.evaluation_periods,
            ));
            a.state = to;
        }
    }
    let in_alarm: Vec<String> = bg
        .alarms
        .iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .map(|a| a.name.clone())
        .collect();
    let name = ctx.world.service(s).name.clone();
    for (alarm, from, to, threshold, periods) in changed {
        ctx.emit_why(
            Source::Deploy(name.clone()),
            EventKind::AlarmStateChanged {
                service: name.clone(),
                alarm: alarm.as_str().into(),
                state: to.as_str().into(),
            },
            format!(
                "CloudWatch alarm {alarm}: {} → {}",
                from.as_str(),
                to.as_str()
            ),
            vec![Subject::Service(name.clone())],
            Some(format!(
                "HTTPCode_Target_5XX_Count (Sum, 60 s) was {} in the minute to {now}; the alarm fires above {} for {periods} period(s) in a row.",
                fmt_percent(errors),
                fmt_percent(threshold)
            )),
        );
    }
    if !in_alarm.is_empty() {
        stop_on_alarm(ctx, s, &in_alarm);
    }
}

/// 5xx responses in the minute that ends at `now`: requests per second × seconds × the
/// production weight of each target group × the 5xx share of the revision it serves. The
/// weights are piecewise constant between the chart's samples.
pub fn minute_errors(w: &EcsCluster, bg: &BlueGreen, now: SimTime) -> f64 {
    let from = SimTime(now.0.saturating_sub(MINUTE.0));
    let share = [error_share(w, bg, 0), error_share(w, bg, 1)];
    let mut total = 0.0;
    let mut at = from;
    let mut weights = weights_at(bg, from);
    for sample in bg.samples.iter().filter(|x| x.at > from && x.at < now) {
        total += span(at, sample.at) * rate(weights, share);
        at = sample.at;
        weights = sample.weights;
    }
    total += span(at, now) * rate(weights, share);
    total * bg.requests_per_second
}

fn span(a: SimTime, b: SimTime) -> f64 {
    b.since(a).secs_f64()
}

fn rate(weights: [f64; 2], share: [f64; 2]) -> f64 {
    weights[0] / 100.0 * share[0] + weights[1] / 100.0 * share[1]
}

/// The production weights in force at `t` (the last sample at or before it).
fn weights_at(bg: &BlueGreen, t: SimTime) -> [f64; 2] {
    bg.samples
        .iter()
        .take_while(|x| x.at <= t)
        .last()
        .map_or(bg.production.weights, |x| x.weights)
}

/// The 5xx share (0–1) of the revision in target group slot `slot`: its task set that is not
/// draining, else any of its task sets.
fn error_share(w: &EcsCluster, bg: &BlueGreen, slot: usize) -> f64 {
    let tg = bg.target_groups[slot];
    let set = bg
        .task_sets
        .iter()
        .filter(|t| t.target_group == tg)
        .min_by_key(|t| t.status == TaskSetStatus::Draining);
    set.map_or(0.0, |t| {
        bg.error_percent_of(w.task_definition(t.task_definition).revision) / 100.0
    })
}
