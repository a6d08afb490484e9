//! Application Auto Scaling step scaling (docs/rules/ecs-scaling.md#step-scaling): each test is
//! one documented rule or example, first on a policy alone (exact metric values), then in whole
//! runs where the load model and its ±2 % noise drive the alarms.

use crate::common;

use common::EcsPart;

use orca_sim::aas::step_scaling::{StepAdjustment, new_capacity, percent_change, step_for};
use orca_sim::aas::{AlarmState, Decision, StepScaling, choose};
use orca_sim::scenario::spec::{
    AdjustmentType, AlarmMetric, ComparisonOperator, MetricAggregationType,
};
use orca_sim::{EventKind, Millis, SimTime, Simulation};

fn steps(list: &[(Option<f64>, Option<f64>, i32)]) -> Vec<StepAdjustment> {
    list.iter()
        .map(|&(lower, upper, adjustment)| StepAdjustment {
            lower,
            upper,
            adjustment,
        })
        .collect()
}

/// A policy on a one-minute alarm (1 of 1 datapoints), min 1, max 100, cooldown 300 s.
fn policy(
    threshold: f64,
    comparison: ComparisonOperator,
    adjustment_type: AdjustmentType,
    list: &[(Option<f64>, Option<f64>, i32)],
) -> StepScaling {
    StepScaling {
        policy: "step".into(),
        alarm: "alarm".into(),
        metric: AlarmMetric::CpuUtilization,
        threshold,
        comparison,
        evaluation_periods: 1,
        datapoints_to_alarm: 1,
        aggregation: MetricAggregationType::Average,
        adjustment_type,
        steps: steps(list),
        min_adjustment_magnitude: None,
        cooldown: Millis::from_secs(300),
        min: 1,
        max: 100,
        state: AlarmState::InsufficientData,
        datapoints: Vec::new(),
        last_scale_out: None,
        last_scale_in: None,
    }
}

/// The AAS guide's worked example: threshold 50 %, nothing at 50–60, +10 % at 60–70, +30 %
/// from 70.
fn worked_example() -> StepScaling {
    policy(
        50.0,
        ComparisonOperator::GreaterThanOrEqualToThreshold,
        AdjustmentType::PercentChangeInCapacity,
        &[
            (Some(0.0), Some(10.0), 0),
            (Some(10.0), Some(20.0), 10),
            (Some(20.0), None, 30),
        ],
    )
}

fn at(secs: u64) -> SimTime {
    SimTime::from_secs(secs)
}

/// The desired count `p` asks for when its alarm sees `metric` once, at 10 minutes.
fn desired_after(mut p: StepScaling, metric: f64, current: u32) -> Option<u32> {
    p.record(metric);
    p.propose(at(600), current, false)
        .map(|x| x.decision.desired)
}

#[test]
fn worked_example_adds_nothing_at_55_ten_percent_at_65_thirty_percent_at_75() {
    // 55 %: the alarm is in ALARM, but the step [0, 10) adds 0 tasks.
    let mut p = worked_example();
    assert_eq!(p.record(55.0), Some(AlarmState::Alarm));
    assert!(p.propose(at(600), 10, false).is_none());
    // 65 %: step [10, 20): 10 % of 10 = 1.
    assert_eq!(desired_after(worked_example(), 65.0, 10), Some(11));
    let mut p = worked_example();
    p.record(65.0);
    assert_eq!(
        p.propose(at(600), 10, false).map(|x| x.why),
        Some("CPUUtilization 65.0 % is +15.0 from the threshold 50 %: step [+10, +20) → +10 % applied to 10 tasks gives 11 (min 1, max 100).".into())
    );
    // 75 %: step [20, ∞): 30 % of 10 = 3.
    assert_eq!(desired_after(worked_example(), 75.0, 10), Some(13));
    // 45 %: no breach, no action.
    assert_eq!(desired_after(worked_example(), 45.0, 10), None);
}

#[test]
fn percent_values_above_one_round_down() {
    // 30 % of 11 = 3.3 → 3; 30 % of 14 = 4.2 → 4.
    assert_eq!(percent_change(11, 30, None), 3);
    assert_eq!(percent_change(14, 30, None), 4);
    assert_eq!(
        new_capacity(AdjustmentType::PercentChangeInCapacity, 19, 10, None),
        20
    );
}

#[test]
fn percent_values_between_zero_and_one_become_one() {
    // 10 % of 5 = 0.5 → +1.
    assert_eq!(percent_change(5, 10, None), 1);
    assert_eq!(desired_after(worked_example(), 65.0, 5), Some(6));
}

#[test]
fn percent_values_between_minus_one_and_zero_become_minus_one() {
    // −10 % of 5 = −0.5 → −1.
    assert_eq!(percent_change(5, -10, None), -1);
}

#[test]
fn percent_values_below_minus_one_round_toward_zero() {
    // −30 % of 11 = −3.3 → −3 (not −4).
    assert_eq!(percent_change(11, -30, None), -3);
    assert_eq!(
        new_capacity(AdjustmentType::PercentChangeInCapacity, 11, -30, None),
        8
    );
}

#[test]
fn above_the_threshold_the_lower_bound_is_inclusive_and_the_upper_exclusive() {
    // Exactly 60 % is +10 from the threshold: the step [10, 20), not [0, 10).
    assert_eq!(desired_after(worked_example(), 60.0, 10), Some(11));
    // Exactly 70 % belongs to [20, ∞).
    assert_eq!(desired_after(worked_example(), 70.0, 10), Some(13));
    // Just below 70 % is still [10, 20).
    assert_eq!(desired_after(worked_example(), 69.99, 10), Some(11));
    // Exactly at the threshold (a ≥ alarm breaches): [0, 10), which adds nothing.
    assert_eq!(desired_after(worked_example(), 50.0, 10), None);
}

#[test]
fn below_the_threshold_the_upper_bound_is_inclusive_and_the_lower_exclusive() {
    let scale_in = || {
        policy(
            40.0,
            ComparisonOperator::LessThanThreshold,
            AdjustmentType::ChangeInCapacity,
            &[(Some(-10.0), Some(0.0), -1), (None, Some(-10.0), -2)],
        )
    };
    // Exactly 30 % is −10: the step (−∞, −10], not (−10, 0].
    assert_eq!(desired_after(scale_in(), 30.0, 10), Some(8));
    let mut p = scale_in();
    p.record(30.0);
    assert_eq!(
        p.propose(at(600), 10, false).map(|x| x.why),
        Some("CPUUtilization 30.0 % is -10.0 from the threshold 40 %: step (−∞, -10] → -2 tasks applied to 10 tasks gives 8 (min 1, max 100).".into())
    );
    assert_eq!(desired_after(scale_in(), 30.01, 10), Some(9));
    // The same bounds read by the pure lookup, at the threshold itself on a ≤ alarm.
    let s = steps(&[(Some(-10.0), Some(0.0), -1), (None, Some(-10.0), -2)]);
    assert_eq!(step_for(&s, 0.0, false).map(|s| s.adjustment), Some(-1));
}

#[test]
fn min_adjustment_magnitude_lifts_25_percent_of_4_tasks_to_2() {
    // The AAS example: 25 % of 4 tasks is 1; MinAdjustmentMagnitude 2 adds 2 tasks.
    let mut p = policy(
        50.0,
        ComparisonOperator::GreaterThanThreshold,
        AdjustmentType::PercentChangeInCapacity,
        &[(Some(0.0), None, 25)],
    );
    assert_eq!(desired_after(p.clone(), 80.0, 4), Some(5));
    p.min_adjustment_magnitude = Some(2);
    assert_eq!(desired_after(p.clone(), 80.0, 4), Some(6));
    // With 20 tasks, 25 % is 5, above the minimum: 25.
    assert_eq!(desired_after(p, 80.0, 20), Some(25));
}

#[test]
fn exact_capacity_sets_the_desired_count() {
    let p = policy(
        80.0,
        ComparisonOperator::GreaterThanOrEqualToThreshold,
        AdjustmentType::ExactCapacity,
        &[(Some(0.0), None, 12)],
    );
    assert_eq!(desired_after(p.clone(), 90.0, 5), Some(12));
    // Already at 12: nothing to do. Above 12 it is a scale-in to 12.
    assert_eq!(desired_after(p.clone(), 90.0, 12), None);
    assert_eq!(desired_after(p, 90.0, 15), Some(12));
}

#[test]
fn min_and_max_capacity_clamp_every_step() {
    let mut p = worked_example();
    p.max = 12;
    // 30 % of 10 = 3 → 13, clamped to 12.
    assert_eq!(desired_after(p.clone(), 75.0, 10), Some(12));
    // At max nothing runs.
    assert_eq!(desired_after(p, 75.0, 12), None);
    let mut q = policy(
        40.0,
        ComparisonOperator::LessThanThreshold,
        AdjustmentType::ChangeInCapacity,
        &[(None, Some(0.0), -5)],
    );
    q.min = 4;
    // 6 − 5 = 1, raised to min 4.
    assert_eq!(desired_after(q.clone(), 10.0, 6), Some(4));
    // A desired count below min is raised to min by the next scale-out, even from a scale-in
    // policy's clamp.
    assert_eq!(desired_after(q, 10.0, 2), Some(4));
}

#[test]
fn during_the_cooldown_the_tasks_just_added_count_toward_the_next_scale_out() {
    // The AAS example: +2 tasks, then during the cooldown a step of +3 adds only 1.
    let mut p = policy(
        50.0,
        ComparisonOperator::GreaterThanOrEqualToThreshold,
        AdjustmentType::ChangeInCapacity,
        &[(Some(0.0), Some(10.0), 2), (Some(10.0), None, 3)],
    );
    p.record(55.0);
    let first = p.propose(at(60), 10, false).expect("scale out");
    assert_eq!(first.decision.desired, 12);
    p.commit(at(60), &first);
    // A minute later the alarm is still in ALARM on the same step: 10 + 2 = 12, nothing new.
    p.record(55.0);
    assert!(p.propose(at(120), 12, false).is_none());
    // The more aggressive step: 10 + 3 = 13, one more task.
    p.record(65.0);
    let larger = p.propose(at(180), 12, false).expect("a larger scale-out");
    assert_eq!((larger.decision.desired, larger.base), (13, 10));
    p.commit(at(180), &larger);
    // After the cooldown (300 s from the first scale-out) the step applies to the 13 tasks.
    p.record(65.0);
    assert!(p.propose(at(300), 13, false).is_none());
    p.record(65.0);
    assert_eq!(
        p.propose(at(360), 13, false).map(|x| x.decision.desired),
        Some(16)
    );
}

#[test]
fn scale_in_waits_for_the_cooldown_and_a_scale_out_ends_it() {
    let mut p = policy(
        50.0,
        ComparisonOperator::GreaterThanOrEqualToThreshold,
        AdjustmentType::ChangeInCapacity,
        // Mixed steps on one alarm (AWS allows it): remove a task just above the threshold,
        // add one far above.
        &[(Some(0.0), Some(10.0), -1), (Some(10.0), None, 1)],
    );
    p.record(55.0);
    let down = p.propose(at(60), 10, false).expect("scale in");
    p.commit(at(60), &down);
    p.record(55.0);
    assert!(
        p.propose(at(120), 9, false).is_none(),
        "blocked by the cooldown"
    );
    p.record(70.0);
    let up = p
        .propose(at(180), 9, false)
        .expect("scale-out is never blocked");
    p.commit(at(180), &up);
    assert_eq!(p.last_scale_in, None);
}

#[test]
fn scale_in_is_suspended_during_a_deployment() {
    let mut p = policy(
        40.0,
        ComparisonOperator::LessThanThreshold,
        AdjustmentType::ChangeInCapacity,
        &[(None, Some(0.0), -1)],
    );
    p.record(10.0);
    assert!(p.propose(at(60), 5, true).is_none());
    assert!(p.propose(at(60), 5, false).is_some());
}

#[test]
fn the_alarm_needs_m_of_n_datapoints_and_the_average_picks_the_step() {
    let mut p = worked_example();
    p.evaluation_periods = 3;
    p.datapoints_to_alarm = 2;
    assert_eq!(p.record(80.0), None, "still INSUFFICIENT_DATA");
    assert_eq!(p.record(40.0), None);
    // 2 of 3 breach: ALARM. The average (80 + 40 + 60) / 3 = 60 is +10: +10 %.
    assert_eq!(p.record(60.0), Some(AlarmState::Alarm));
    assert_eq!(
        p.propose(at(180), 10, false).map(|x| x.decision.desired),
        Some(11)
    );
    // Maximum would use 80: +30 %.
    p.aggregation = MetricAggregationType::Maximum;
    assert_eq!(
        p.propose(at(180), 10, false).map(|x| x.decision.desired),
        Some(13)
    );
}

#[test]
fn policies_scale_out_if_any_asks_and_the_largest_capacity_wins() {
    let d = |desired, out| Decision {
        desired,
        alarm: String::new(),
        out,
    };
    // A scale-out beats any scale-in.
    assert_eq!(choose(&[&d(3, false), &d(6, true)]), Some(1));
    // Between scale-outs, the largest.
    assert_eq!(choose(&[&d(6, true), &d(8, true), &d(7, true)]), Some(1));
    // Between scale-ins, the largest capacity (the smallest step down).
    assert_eq!(choose(&[&d(3, false), &d(5, false)]), Some(1));
    // Ties go to the first (target tracking comes first).
    assert_eq!(choose(&[&d(6, true), &d(6, true)]), Some(0));
    assert_eq!(choose(&[]), None);
}

// ---------------------------------------------------------------------------------------------
// Whole runs

/// One Fargate service of `desired` tasks with `auto_scaling` and `load` (RON bodies).
fn scenario(desired: u32, auto_scaling: &str, load: &str, duration: u32) -> String {
    format!(
        r#"(
    version: 1,
    title: "step scaling",
    seed: 3,
    duration: {duration},
    world: Ecs(
        cluster: (name: "demo"),
        task_definitions: [
            (family: "web", revision: 1, cpu: 512, memory: 1024,
             containers: [(name: "web", image: "web:v1", port: 80)]),
        ],
        services: [
            (
                name: "web",
                task_definition: "web:1",
                desired_count: {desired},
                auto_scaling: {auto_scaling},
                load: {load},
            ),
        ],
    ),
)"#
    )
}

/// (seconds, new desired count, message) of every scaling activity.
fn activities(src: &str) -> Vec<(u64, u32, String)> {
    let s = common::parse(src);
    let mut sim = Simulation::new(s);
    let end = sim.end();
    sim.advance_to(end);
    sim.log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ScalingActivity { desired, .. } => Some((
                e.at.since(SimTime::ZERO).0 / 1000,
                *desired,
                e.message().into_owned(),
            )),
            _ => None,
        })
        .collect()
}

const STEP_OUT_PLUS_ONE: &str = r#"(
    name: "plus-one",
    alarm: (name: "cpu-high", metric: CPUUtilization, evaluation_periods: 1, threshold: 60,
            comparison_operator: GreaterThanThreshold),
    adjustment_type: ChangeInCapacity,
    step_adjustments: [(lower_bound: 0, scaling_adjustment: 1)],
    cooldown_seconds: 120,
)"#;

#[test]
fn a_policy_runs_again_while_its_alarm_stays_in_alarm_once_the_cooldown_allows() {
    // 2 tasks at 400 requests per second stay far above 60 % until max 6: 400 / 6 = 67 %.
    let src = scenario(
        2,
        &format!("(min_capacity: 1, max_capacity: 6, step_scaling: [{STEP_OUT_PLUS_ONE}])"),
        "(rps_per_pod: 100, points: [(0, 400)])",
        1200,
    );
    let got: Vec<(u64, u32)> = activities(&src).iter().map(|a| (a.0, a.1)).collect();
    // First datapoint at 1:00, then every cooldown (120 s) until max.
    assert_eq!(got, vec![(60, 3), (180, 4), (300, 5), (420, 6)]);
}

#[test]
fn activities_read_like_describe_scaling_activities() {
    let src = scenario(
        2,
        &format!("(min_capacity: 1, max_capacity: 3, step_scaling: [{STEP_OUT_PLUS_ONE}])"),
        "(rps_per_pod: 100, points: [(0, 400)])",
        300,
    );
    let got = activities(&src);
    assert_eq!(
        got[0].2,
        "Setting desired count to 3. Cause: monitor alarm cpu-high in state ALARM triggered policy plus-one"
    );
}

#[test]
fn with_target_tracking_the_faster_alarm_acts_first_and_the_larger_scale_out_wins() {
    // 4 tasks at 90 %: the step alarm (1 of 1) adds a task at 1:00; target tracking's
    // AlarmHigh needs 3 of 3 and then asks for ceil(5 × 72 / 50) = 8, larger than +1.
    let src = scenario(
        4,
        &format!(
            "(min_capacity: 1, max_capacity: 20, target_cpu_utilization: 50, step_scaling: [{STEP_OUT_PLUS_ONE}])"
        ),
        "(rps_per_pod: 100, points: [(0, 360)])",
        300,
    );
    let got = activities(&src);
    assert!(got[0].2.ends_with("triggered policy plus-one"), "{got:?}");
    assert_eq!((got[0].0, got[0].1), (60, 5));
    let tt = got
        .iter()
        .find(|a| a.2.ends_with("web-cpu50-target-tracking"))
        .expect("target tracking acts too");
    assert_eq!(tt.0, 180);
    assert!(tt.1 >= 7, "{got:?}");
}

#[test]
fn a_memory_alarm_scales_on_the_memory_model() {
    // CPU stays at 30 % (no CPU alarm would fire); memory is 40 + (90 − 40) × 0.3 = 55 %.
    let src = scenario(
        4,
        r#"(min_capacity: 1, max_capacity: 5, step_scaling: [(
            name: "mem-out",
            alarm: (name: "mem-high", metric: MemoryUtilization, evaluation_periods: 2,
                    threshold: 50, comparison_operator: GreaterThanOrEqualToThreshold),
            adjustment_type: ChangeInCapacity,
            step_adjustments: [(lower_bound: 0, scaling_adjustment: 1)],
        )])"#,
        "(rps_per_pod: 100, points: [(0, 120)], memory: (idle_percent: 40, percent_at_rps_per_pod: 90))",
        200,
    );
    let got = activities(&src);
    assert_eq!((got[0].0, got[0].1), (120, 5), "{got:?}");
    let s = common::parse(&src);
    let mut sim = Simulation::new(s);
    sim.advance_to(SimTime::from_secs(60));
    let sample = &sim.world().ecs_cluster().services[0].metrics[0];
    assert!(
        sample.memory.is_some_and(|m| (53.0..57.0).contains(&m)),
        "{sample:?}"
    );
    assert_eq!(sample.step_alarms, vec![false]);
}

#[test]
fn target_tracking_files_without_step_policies_parse_as_before() {
    let src = scenario(
        2,
        "(min_capacity: 2, max_capacity: 10, target_cpu_utilization: 50)",
        "(rps_per_pod: 100, points: [(0, 60)])",
        120,
    );
    let s = common::parse(&src);
    let orca_sim::scenario::spec::WorldSpec::Ecs(w) = &s.world else {
        panic!("an ECS world");
    };
    let a = w.services[0].auto_scaling.as_ref().expect("auto scaling");
    assert_eq!(a.target_cpu_utilization, Some(50.0));
    assert!(a.step_scaling.is_empty());
    let sim = Simulation::new(common::parse(&src));
    let svc = &sim.world().ecs_cluster().services[0];
    let tt = svc.scaling.as_ref().expect("a target-tracking policy");
    assert_eq!(tt.scale_out_cooldown, Millis::from_secs(300));
    assert!(svc.step_scaling.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Properties

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x57e9),
        ..ProptestConfig::default()
    })]

    /// Whatever the metric does, a step policy acts only in ALARM, stays within [min, max],
    /// moves in the direction it says, and never scales in twice within its cooldown.
    #[test]
    fn a_step_policy_stays_within_bounds_and_cooldowns(
        min in 0u32..5,
        extra in 0u32..40,
        start in 0u32..50,
        kind in 0usize..3,
        out_adj in 1i32..60,
        in_adj in -60i32..-1,
        metrics in prop::collection::vec(0.0f64..100.0, 1..120),
    ) {
        let max = min + extra;
        let adjustment_type = [
            AdjustmentType::ChangeInCapacity,
            AdjustmentType::PercentChangeInCapacity,
            AdjustmentType::ExactCapacity,
        ][kind];
        let (up, down) = if adjustment_type == AdjustmentType::ExactCapacity {
            (out_adj, 0)
        } else {
            (out_adj, in_adj)
        };
        // One alarm with steps on both sides of a neutral band (AWS allows mixed signs).
        let mut p = policy(
            50.0,
            ComparisonOperator::GreaterThanOrEqualToThreshold,
            adjustment_type,
            &[(None, Some(10.0), down), (Some(10.0), Some(30.0), 0), (Some(30.0), None, up)],
        );
        p.min = min;
        p.max = max;
        let mut current = start;
        let mut last_in: Option<SimTime> = None;
        for (i, m) in metrics.into_iter().enumerate() {
            let now = SimTime::from_secs(60 * (i as u64 + 1));
            p.record(m);
            if let Some(x) = p.propose(now, current, false) {
                prop_assert_eq!(p.state, AlarmState::Alarm);
                let d = x.decision.desired;
                prop_assert!((min..=max).contains(&d), "{} outside [{}, {}]", d, min, max);
                prop_assert_eq!(x.decision.out, d > current);
                prop_assert_ne!(d, current);
                if !x.decision.out {
                    prop_assert!(last_in.is_none_or(|t| now.since(t) >= p.cooldown));
                    last_in = Some(now);
                } else {
                    last_in = None;
                }
                p.commit(now, &x);
                current = d;
            }
        }
    }
}
