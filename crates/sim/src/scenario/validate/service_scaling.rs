//! Application Auto Scaling of ECS services: target tracking and step scaling policies with
//! their alarms and step adjustments.

use super::Problems;
use super::caps::MAX_DESIRED;
use super::common::{Unique, check_limit, name_problem};
use crate::scenario::limits::{
    COOLDOWN, EVALUATION_PERIODS, MIN_ADJUSTMENT_MAGNITUDE, SCALING_ADJUSTMENT,
};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{
    AdjustmentType, AlarmMetric, ServiceAutoScalingSpec, ServiceSpec, StepAdjustmentSpec,
    StepScalingPolicySpec,
};

/// Application Auto Scaling policies per scalable target (AAS quota).
pub const MAX_SCALING_POLICIES: usize = 50;
/// Steps in one step scaling policy: Orca's cap (AWS documents none).
pub const MAX_STEPS: usize = 20;
/// Step bounds are percentage points from the alarm's threshold on a utilization metric, which
/// ECS reports from 0 up to a few hundred percent (tasks may burst above their reservation):
/// Orca's cap.
pub const MAX_STEP_BOUND: f64 = 1_000.0;

pub(super) fn auto_scaling(
    out: &mut Problems,
    svc: &ServiceSpec,
    a: &ServiceAutoScalingSpec,
    ap: &Path,
) {
    if a.min_capacity > a.max_capacity {
        out.push((
            ap.field("min_capacity"),
            format!(
                "min_capacity {} is above max_capacity {}",
                a.min_capacity, a.max_capacity
            ),
        ));
    }
    if a.max_capacity > MAX_DESIRED {
        out.push((
            ap.field("max_capacity"),
            format!(
                "max_capacity {} is above the ECS limit of {MAX_DESIRED} tasks per service",
                a.max_capacity
            ),
        ));
    }
    match a.target_cpu_utilization {
        Some(t) if !(t.is_finite() && t > 0.0 && t <= 100.0) => {
            out.push((
                ap.field("target_cpu_utilization"),
                format!("target_cpu_utilization {t} is out of range; valid: more than 0 and at most 100 (percent)"),
            ));
        }
        Some(_) => {}
        None => {
            // The three target-tracking settings mean nothing without the policy.
            let orphans: [(&'static str, bool, &str); 3] = [
                (
                    "scale_out_cooldown_seconds",
                    a.scale_out_cooldown_seconds.is_some(),
                    "a step policy has its own cooldown_seconds",
                ),
                (
                    "scale_in_cooldown_seconds",
                    a.scale_in_cooldown_seconds.is_some(),
                    "a step policy has its own cooldown_seconds",
                ),
                (
                    "disable_scale_in",
                    a.disable_scale_in.is_some(),
                    "a step policy scales in only through steps that remove tasks",
                ),
            ];
            for (field, set, instead) in orphans {
                if set {
                    out.push((
                        ap.field(field),
                        format!(
                            "{field} belongs to the target-tracking policy, and there is none; set target_cpu_utilization, or leave {field} out ({instead})"
                        ),
                    ));
                }
            }
            if a.step_scaling.is_empty() {
                out.push((
                    ap.clone(),
                    "auto scaling has no policy; set target_cpu_utilization (target tracking) or add step_scaling policies".into(),
                ));
            }
        }
    }
    for (field, value) in [
        ("scale_out_cooldown_seconds", a.scale_out_cooldown_seconds),
        ("scale_in_cooldown_seconds", a.scale_in_cooldown_seconds),
    ] {
        if let Some(v) = value {
            check_limit(out, ap.field(field), field, v, COOLDOWN, "");
        }
    }
    if svc.load.is_none() {
        out.push((
            ap.clone(),
            "auto scaling needs a load: (rps_per_pod, points) to produce CPU utilization".into(),
        ));
    }
    let sp = ap.field("step_scaling");
    if a.step_scaling.len() > MAX_SCALING_POLICIES {
        out.push((
            sp.clone(),
            format!(
                "{} step scaling policies; Application Auto Scaling allows at most {MAX_SCALING_POLICIES} per service",
                a.step_scaling.len()
            ),
        ));
    }
    let mut names = Unique::new();
    for (i, policy) in a.step_scaling.iter().enumerate() {
        let pp = sp.index(i);
        if let Some(e) = name_problem(
            "policy name",
            &policy.name,
            256,
            |c| !c.is_control(),
            "printable characters",
        ) {
            out.push((pp.field("name"), e));
        }
        names.check(out, pp.field("name"), "step scaling policy", &policy.name);
        step_policy(out, svc, policy, &pp);
    }
}

fn step_policy(out: &mut Problems, svc: &ServiceSpec, p: &StepScalingPolicySpec, pp: &Path) {
    let alarm = &p.alarm;
    let alp = pp.field("alarm");
    if let Some(e) = name_problem(
        "alarm name",
        &alarm.name,
        255,
        |c| !c.is_control(),
        "printable characters",
    ) {
        out.push((alp.field("name"), e));
    }
    if alarm.period_seconds != 60 {
        out.push((
            alp.field("period_seconds"),
            format!(
                "period_seconds {} is not modelled; ECS publishes CPUUtilization and MemoryUtilization every minute and Orca's alarms use that period: valid: 60",
                alarm.period_seconds
            ),
        ));
    }
    check_limit(
        out,
        alp.field("evaluation_periods"),
        "evaluation_periods",
        alarm.evaluation_periods,
        EVALUATION_PERIODS,
        " (one day of one-minute periods)",
    );
    if let Some(m) = alarm.datapoints_to_alarm
        && (m == 0 || m > alarm.evaluation_periods)
    {
        out.push((
            alp.field("datapoints_to_alarm"),
            format!(
                "datapoints_to_alarm {m} is out of range; valid: 1 to evaluation_periods ({})",
                alarm.evaluation_periods
            ),
        ));
    }
    if !(alarm.threshold.is_finite() && (0.0..=100.0).contains(&alarm.threshold)) {
        out.push((
            alp.field("threshold"),
            format!(
                "threshold {} is out of range; {} is a percentage: valid: 0 to 100",
                alarm.threshold,
                alarm.metric.as_str()
            ),
        ));
    }
    if alarm.metric == AlarmMetric::MemoryUtilization
        && svc.load.as_ref().is_some_and(|l| l.memory.is_none())
    {
        out.push((
            alp.field("metric"),
            "MemoryUtilization needs a memory model; add memory: (idle_percent: …, percent_at_rps_per_pod: …) to the service's load".into(),
        ));
    }
    if let Some(m) = p.min_adjustment_magnitude {
        if p.adjustment_type != AdjustmentType::PercentChangeInCapacity {
            out.push((
                pp.field("min_adjustment_magnitude"),
                format!(
                    "min_adjustment_magnitude {m} applies only to adjustment_type PercentChangeInCapacity, not {:?}; leave it out",
                    p.adjustment_type
                ),
            ));
        } else if m == 0 {
            out.push((
                pp.field("min_adjustment_magnitude"),
                "min_adjustment_magnitude 0 changes nothing; valid: 1 or more tasks, or leave it out".into(),
            ));
        } else {
            check_limit(
                out,
                pp.field("min_adjustment_magnitude"),
                "min_adjustment_magnitude",
                m,
                MIN_ADJUSTMENT_MAGNITUDE,
                "",
            );
        }
    }
    check_limit(
        out,
        pp.field("cooldown_seconds"),
        "cooldown_seconds",
        p.cooldown_seconds,
        COOLDOWN,
        "",
    );
    step_adjustments(out, p, pp);
}

/// The step adjustment rules of `PutScalingPolicy`, plus Orca's rule that the steps cover
/// exactly the side of the threshold on which the alarm fires.
fn step_adjustments(out: &mut Problems, p: &StepScalingPolicySpec, pp: &Path) {
    let sp = pp.field("step_adjustments");
    let steps = &p.step_adjustments;
    if steps.is_empty() || steps.len() > MAX_STEPS {
        out.push((
            sp.clone(),
            format!("{} step adjustments; give 1 to {MAX_STEPS}", steps.len()),
        ));
        return;
    }
    let fmt = |b: Option<f64>| b.map_or("none".to_string(), |v| v.to_string());
    let mut shape_ok = true;
    for (j, st) in steps.iter().enumerate() {
        let stp = sp.index(j);
        for (field, b) in [
            ("lower_bound", st.lower_bound),
            ("upper_bound", st.upper_bound),
        ] {
            if b.is_some_and(|v| !v.is_finite()) {
                out.push((
                    stp.field(field),
                    format!("{field} {} is not a number", fmt(b)),
                ));
                shape_ok = false;
            } else if let Some(v) = b.filter(|v| v.abs() > MAX_STEP_BOUND) {
                out.push((
                    stp.field(field),
                    format!(
                        "{field} {v} is out of range; valid: -{MAX_STEP_BOUND} to {MAX_STEP_BOUND} (percentage points from the threshold)"
                    ),
                ));
                shape_ok = false;
            }
        }
        match (st.lower_bound, st.upper_bound) {
            (None, None) => {
                out.push((
                    stp.clone(),
                    "a step needs a lower_bound or an upper_bound (AAS: they cannot both be null in one step)".into(),
                ));
                shape_ok = false;
            }
            (Some(l), Some(u)) if l >= u => {
                out.push((
                    stp.field("upper_bound"),
                    format!("upper_bound {u} is not above lower_bound {l}"),
                ));
                shape_ok = false;
            }
            _ => {}
        }
        check_limit(
            out,
            stp.field("scaling_adjustment"),
            "scaling_adjustment",
            st.scaling_adjustment,
            SCALING_ADJUSTMENT,
            "",
        );
        if p.adjustment_type == AdjustmentType::ExactCapacity && st.scaling_adjustment < 0 {
            out.push((
                stp.field("scaling_adjustment"),
                format!(
                    "scaling_adjustment {} is a desired count with ExactCapacity; valid: 0 or more",
                    st.scaling_adjustment
                ),
            ));
        }
    }
    for (field, missing) in [
        (
            "lower_bound",
            (|s| s.lower_bound.is_none()) as fn(&StepAdjustmentSpec) -> bool,
        ),
        ("upper_bound", |s| s.upper_bound.is_none()),
    ] {
        let open: Vec<usize> = (0..steps.len()).filter(|&j| missing(&steps[j])).collect();
        if let Some(&second) = open.get(1) {
            out.push((
                sp.index(second),
                format!(
                    "steps {} both leave out {field}; at most one step may be unbounded on that side",
                    open.iter().map(|j| j.to_string()).collect::<Vec<_>>().join(" and ")
                ),
            ));
            shape_ok = false;
        }
    }
    if !shape_ok {
        return;
    }
    // Ordered from the lowest range up; each must start where the previous one ends.
    let mut order: Vec<usize> = (0..steps.len()).collect();
    order.sort_by(|&x, &y| {
        let key = |j: usize| steps[j].lower_bound.unwrap_or(f64::NEG_INFINITY);
        key(x).total_cmp(&key(y))
    });
    for w in order.windows(2) {
        let (a, b) = (&steps[w[0]], &steps[w[1]]);
        let (Some(end), Some(start)) = (a.upper_bound, b.lower_bound) else {
            // An unbounded upper end below another step always overlaps it.
            out.push((
                sp.index(w[1]),
                format!(
                    "this step (lower_bound {}) overlaps step {}, which has no upper_bound",
                    fmt(b.lower_bound),
                    w[0]
                ),
            ));
            return;
        };
        if start != end {
            let what = if start > end { "a gap" } else { "an overlap" };
            out.push((
                sp.index(w[1]).field("lower_bound"),
                format!(
                    "lower_bound {start} leaves {what} after step {} (upper_bound {end}); step ranges must meet exactly, so start this step at {end}",
                    w[0]
                ),
            ));
            return;
        }
    }
    let (first, last) = (order[0], order[order.len() - 1]);
    let threshold = p.alarm.threshold;
    let metric = p.alarm.metric.as_str();
    let op = p.alarm.comparison_operator;
    if op.above() {
        for (j, st) in steps.iter().enumerate() {
            for (field, b) in [
                ("lower_bound", st.lower_bound),
                ("upper_bound", st.upper_bound),
            ] {
                if let Some(v) = b.filter(|v| *v < 0.0) {
                    out.push((
                        sp.index(j).field(field),
                        format!(
                            "{field} {v} is below the threshold, but alarm {} ({op:?}) fires only when {metric} is {} {threshold}; bounds are relative to the threshold and must be 0 or more",
                            quoted(&p.alarm.name),
                            op.words()
                        ),
                    ));
                    return;
                }
            }
        }
        if let Some(l) = steps[first].lower_bound.filter(|l| *l > 0.0) {
            out.push((
                sp.index(first).field("lower_bound"),
                format!(
                    "the lowest step starts at lower_bound {l}, so a metric between {threshold} and {} would match no step; start it at 0",
                    threshold + l
                ),
            ));
        }
        if let Some(u) = steps[last].upper_bound {
            out.push((
                sp.index(last).field("upper_bound"),
                format!(
                    "the highest step ends at upper_bound {u}, so a metric of {} or more would match no step; leave out its upper_bound",
                    threshold + u
                ),
            ));
        }
    } else {
        for (j, st) in steps.iter().enumerate() {
            for (field, b) in [
                ("lower_bound", st.lower_bound),
                ("upper_bound", st.upper_bound),
            ] {
                if let Some(v) = b.filter(|v| *v > 0.0) {
                    out.push((
                        sp.index(j).field(field),
                        format!(
                            "{field} {v} is above the threshold, but alarm {} ({op:?}) fires only when {metric} is {} {threshold}; bounds are relative to the threshold and must be 0 or less",
                            quoted(&p.alarm.name),
                            op.words()
                        ),
                    ));
                    return;
                }
            }
        }
        if let Some(u) = steps[last].upper_bound.filter(|u| *u < 0.0) {
            out.push((
                sp.index(last).field("upper_bound"),
                format!(
                    "the highest step ends at upper_bound {u}, so a metric between {} and {threshold} would match no step; end it at 0",
                    threshold + u
                ),
            ));
        }
        if let Some(l) = steps[first].lower_bound {
            out.push((
                sp.index(first).field("lower_bound"),
                format!(
                    "the lowest step starts at lower_bound {l}, so a metric of {} or less would match no step; leave out its lower_bound",
                    threshold + l
                ),
            ));
        }
    }
}
