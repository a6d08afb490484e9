//! The HorizontalPodAutoscaler's rules (`docs/rules/k8s-autoscaling.md#hpa-the-replica-formula`
//! and `#hpa-scaling-behavior`), as `pkg/controller/podautoscaler/horizontal.go` applies them:
//! the replica formula with its tolerance, then one of two paths.
//!
//! - **Without `spec.behavior`** (the legacy path, `normalizeDesiredReplicas`): the highest
//!   recommendation of the last 300 s (the downscale stabilization flag), then at most
//!   `max(2 × current, 4)` per sync (`calculateScaleUpLimit`), then `[minReplicas, maxReplicas]`.
//! - **With `spec.behavior`** (`normalizeDesiredReplicasWithBehaviors`): the API server fills in
//!   what is left out (`SetDefaults_HorizontalPodAutoscalerBehavior`, `pkg/apis/autoscaling/v2/
//!   defaults.go`); stabilization windows per direction; rate policies (`Pods`, `Percent`) over
//!   their `periodSeconds`, chosen by `selectPolicy` (`Max`, `Min`, `Disabled`); per-direction
//!   tolerance.

use serde::Serialize;

use crate::time::{Millis, SimTime};

pub use super::hpa_conditions::{Condition, Conditions};
use super::hpa_conditions::{limit_verdict, set};

/// The HPA tolerance (`--horizontal-pod-autoscaler-tolerance`): no scaling while
/// |ratio − 1| ≤ 0.1.
pub const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-sync-period`.
pub const SYNC: Millis = Millis::from_secs(15);
/// `--horizontal-pod-autoscaler-downscale-stabilization`.
pub const DOWNSCALE_STABILIZATION: Millis = Millis::from_secs(300);
/// `scaleUpLimitFactor` and `scaleUpLimitMinimum` of the legacy path.
pub const SCALE_UP_LIMIT_FACTOR: u32 = 2;
pub const SCALE_UP_LIMIT_MINIMUM: u32 = 4;

/// `desiredReplicas = ceil(current × metric / target)`, unless the ratio is within the
/// tolerance (`1 − down ≤ ratio ≤ 1 + up`). `ready` pods report `utilization`; pods that are
/// not ready count as 0 % on a scale-up and are left out on a scale-down
/// (`docs/rules/k8s-autoscaling.md#hpa-the-replica-formula`).
pub fn hpa_recommendation(
    current: u32,
    ready: u32,
    utilization: f64,
    target: f64,
    tolerance: Tolerance,
) -> u32 {
    if current == 0 || target <= 0.0 {
        return current;
    }
    let ratio = utilization / target;
    if tolerance.within(ratio) {
        return current;
    }
    if ratio > 1.0 {
        // Scale-up: not-ready pods are assumed to use 0 %, which lowers the average; a ratio
        // that falls back within the tolerance (or below 1) leaves the count.
        let avg = utilization * ready as f64 / current as f64;
        let r = avg / target;
        if tolerance.within(r) || r < 1.0 {
            return current;
        }
        (current as f64 * r).ceil() as u32
    } else {
        // Scale-down on the ready pods only.
        (ready as f64 * ratio).ceil().max(1.0) as u32
    }
}

/// The tolerance on each side of the target ratio.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tolerance {
    pub up: f64,
    pub down: f64,
}

impl Default for Tolerance {
    fn default() -> Self {
        Tolerance {
            up: TOLERANCE,
            down: TOLERANCE,
        }
    }
}

impl Tolerance {
    /// `tolerances.isWithin`.
    pub fn within(&self, ratio: f64) -> bool {
        1.0 - self.down <= ratio && ratio <= 1.0 + self.up
    }
}

/// `selectPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SelectPolicy {
    Max,
    Min,
    Disabled,
}

/// One `HPAScalingPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Policy {
    /// At most `value` pods per `period`.
    Pods { value: u32, period: Millis },
    /// At most `value` % of the count at the start of the `period`.
    Percent { value: u32, period: Millis },
}

impl Policy {
    fn period(&self) -> Millis {
        match *self {
            Policy::Pods { period, .. } | Policy::Percent { period, .. } => period,
        }
    }
}

/// `HPAScalingRules` with every field filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalingRules {
    pub stabilization_window: Millis,
    pub select_policy: SelectPolicy,
    pub policies: Vec<Policy>,
    /// Per-direction tolerance (`HPAConfigurableTolerance`); `None`: the controller's 0.1.
    pub tolerance: Option<f64>,
}

/// `spec.behavior` as the API server stores it, defaults filled in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Behavior {
    pub scale_up: ScalingRules,
    pub scale_down: ScalingRules,
}

/// What a scenario may set in one direction; `None` takes the default (`copyHPAScalingRules`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RulesOverride {
    pub stabilization_window: Option<Millis>,
    pub select_policy: Option<SelectPolicy>,
    pub policies: Option<Vec<Policy>>,
    pub tolerance: Option<f64>,
}

impl Behavior {
    /// `SetDefaults_HorizontalPodAutoscalerBehavior` (defaults.go): scale up with no
    /// stabilization, `Max` of 4 pods and 100 % per 15 s; scale down `Max` of 100 % per 15 s,
    /// its window left to the controller's flag (300 s, `maybeInitScaleDownStabilizationWindow`).
    pub fn defaulted(up: RulesOverride, down: RulesOverride) -> Behavior {
        let fifteen = Millis::from_secs(15);
        let fill = |o: RulesOverride, default: ScalingRules| ScalingRules {
            stabilization_window: o
                .stabilization_window
                .unwrap_or(default.stabilization_window),
            select_policy: o.select_policy.unwrap_or(default.select_policy),
            policies: o.policies.unwrap_or(default.policies),
            tolerance: o.tolerance.or(default.tolerance),
        };
        Behavior {
            scale_up: fill(
                up,
                ScalingRules {
                    stabilization_window: Millis::ZERO,
                    select_policy: SelectPolicy::Max,
                    policies: vec![
                        Policy::Pods {
                            value: 4,
                            period: fifteen,
                        },
                        Policy::Percent {
                            value: 100,
                            period: fifteen,
                        },
                    ],
                    tolerance: None,
                },
            ),
            scale_down: fill(
                down,
                ScalingRules {
                    stabilization_window: DOWNSCALE_STABILIZATION,
                    select_policy: SelectPolicy::Max,
                    policies: vec![Policy::Percent {
                        value: 100,
                        period: fifteen,
                    }],
                    tolerance: None,
                },
            ),
        }
    }

    fn longest_period(rules: &ScalingRules) -> Millis {
        rules
            .policies
            .iter()
            .map(Policy::period)
            .max()
            .unwrap_or(Millis::ZERO)
    }
}

/// Replicas added (or removed) by scale events strictly after `now − period`
/// (`getReplicasChangePerPeriod`).
fn change_in_period(events: &[(SimTime, u32)], period: Millis, now: SimTime) -> i64 {
    events
        .iter()
        .filter(|(t, _)| now.since(*t) < period)
        .map(|(_, n)| *n as i64)
        .sum()
}

/// `calculateScaleUpLimitWithScalingRules`: the most replicas the policies allow now.
pub fn scale_up_limit_with_rules(
    current: u32,
    up_events: &[(SimTime, u32)],
    down_events: &[(SimTime, u32)],
    rules: &ScalingRules,
    now: SimTime,
) -> u32 {
    if rules.select_policy == SelectPolicy::Disabled {
        return current;
    }
    let proposals = rules.policies.iter().map(|p| {
        let start = current as i64 - change_in_period(up_events, p.period(), now)
            + change_in_period(down_events, p.period(), now);
        match *p {
            Policy::Pods { value, .. } => start + value as i64,
            // Rounded up, so that a percentage always allows at least one more pod.
            Policy::Percent { value, .. } => {
                (start as f64 * (1.0 + value as f64 / 100.0)).ceil() as i64
            }
        }
    });
    let limit = match rules.select_policy {
        SelectPolicy::Min => proposals.min(),
        _ => proposals.max(),
    };
    limit.unwrap_or(current as i64).clamp(0, u32::MAX as i64) as u32
}

/// `calculateScaleDownLimitWithBehaviors`: the fewest replicas the policies allow now.
pub fn scale_down_limit_with_rules(
    current: u32,
    up_events: &[(SimTime, u32)],
    down_events: &[(SimTime, u32)],
    rules: &ScalingRules,
    now: SimTime,
) -> u32 {
    if rules.select_policy == SelectPolicy::Disabled {
        return current;
    }
    let proposals = rules.policies.iter().map(|p| {
        let start = current as i64 - change_in_period(up_events, p.period(), now)
            + change_in_period(down_events, p.period(), now);
        match *p {
            Policy::Pods { value, .. } => start - value as i64,
            // Truncated, as Go's int32 conversion does.
            Policy::Percent { value, .. } => (start as f64 * (1.0 - value as f64 / 100.0)) as i64,
        }
    });
    // For scaling down, the largest change is the smallest count.
    let limit = match rules.select_policy {
        SelectPolicy::Min => proposals.max(),
        _ => proposals.min(),
    };
    limit.unwrap_or(current as i64).clamp(0, u32::MAX as i64) as u32
}

/// `calculateScaleUpLimit` of the legacy path: `max(2 × current, 4)`.
pub fn legacy_scale_up_limit(current: u32) -> u32 {
    (SCALE_UP_LIMIT_FACTOR * current).max(SCALE_UP_LIMIT_MINIMUM)
}

/// One HorizontalPodAutoscaler.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hpa {
    pub name: String,
    pub deployment: usize,
    pub min_replicas: u32,
    pub max_replicas: u32,
    pub target_cpu_utilization: f64,
    /// `spec.behavior` (defaults filled in); `None` takes the legacy path.
    pub behavior: Option<Behavior>,
    /// The recommendations of past syncs (the controller's `recommendations`), for the
    /// stabilization windows.
    pub history: Vec<(SimTime, u32)>,
    /// Scale-ups and scale-downs (moment, replicas changed), for the rate policies.
    pub scale_up_events: Vec<(SimTime, u32)>,
    pub scale_down_events: Vec<(SimTime, u32)>,
    pub next_sync: SimTime,
    /// The last observed average utilization, for the charts and the inspector.
    pub current_utilization: f64,
    /// The last sync computed the utilization (`status.currentMetrics` has it); false before the
    /// first sync and after a sync that could not (kubectl then shows `<unknown>`).
    pub measured: bool,
    /// `status.conditions`.
    pub conditions: Conditions,
}

impl Hpa {
    /// An HPA whose first sync is at `first_sync`.
    pub fn new(
        name: &str,
        deployment: usize,
        min_replicas: u32,
        max_replicas: u32,
        target_cpu_utilization: f64,
        behavior: Option<Behavior>,
        first_sync: SimTime,
    ) -> Hpa {
        Hpa {
            name: name.into(),
            deployment,
            min_replicas,
            max_replicas,
            target_cpu_utilization,
            behavior,
            history: Vec::new(),
            scale_up_events: Vec::new(),
            scale_down_events: Vec::new(),
            next_sync: first_sync,
            current_utilization: 0.0,
            measured: false,
            conditions: Conditions::default(),
        }
    }

    /// One sync: the replica count to set, or None to leave it.
    pub fn sync(
        &mut self,
        now: SimTime,
        current: u32,
        ready: u32,
        utilization: f64,
    ) -> Option<u32> {
        self.sync_explained(now, current, ready, utilization)
            .map(|r| r.replicas)
    }

    /// The pods' average CPU as `status.currentMetrics` gives it (`averageValue`, a quantity
    /// such as `760m` or `1`): the utilization last observed × the pod's CPU request.
    pub fn average_value(&self, cpu_request_millis: u32) -> String {
        let millis =
            (self.current_utilization * f64::from(cpu_request_millis) / 100.0).round() as u64;
        if millis.is_multiple_of(1000) {
            (millis / 1000).to_string()
        } else {
            format!("{millis}m")
        }
    }

    fn tolerance(&self) -> Tolerance {
        let b = self.behavior.as_ref();
        Tolerance {
            up: b.and_then(|b| b.scale_up.tolerance).unwrap_or(TOLERANCE),
            down: b.and_then(|b| b.scale_down.tolerance).unwrap_or(TOLERANCE),
        }
    }

    /// [`Hpa::sync`], with the event's reason and the formula and its numbers when the count
    /// changes (`reconcileAutoscaler`).
    pub fn sync_explained(
        &mut self,
        now: SimTime,
        current: u32,
        ready: u32,
        utilization: f64,
    ) -> Option<Rescale> {
        self.current_utilization = utilization;
        // recordInitialRecommendation: the first sync remembers the current count.
        if self.history.is_empty() {
            self.history.push((now, current));
        }
        let (min, max) = (self.min_replicas, self.max_replicas);
        if current > max || current < min {
            let (to, reason) = if current > max {
                (max, "Current number of replicas above Spec.MaxReplicas")
            } else {
                (min, "Current number of replicas below Spec.MinReplicas")
            };
            self.succeeded(now, to);
            return Some(self.rescaled(
                now,
                current,
                to,
                reason.into(),
                format!("the Deployment has {current} replicas, outside minReplicas {min} and maxReplicas {max}"),
            ));
        }
        let target = self.target_cpu_utilization;
        let tolerance = self.tolerance();
        let recommended = hpa_recommendation(current, ready, utilization, target, tolerance);
        set(
            &mut self.conditions.scaling_active,
            now,
            true,
            "ValidMetricFound",
            "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)".into(),
        );
        let formula = formula(current, ready, utilization, target, recommended, tolerance);
        let (desired, limit_why) = match self.behavior.clone() {
            None => self.normalize_legacy(now, current, recommended),
            Some(b) => self.normalize_with_behavior(&b, now, current, recommended),
        };
        if desired == current {
            return None;
        }
        self.succeeded(now, desired);
        let reason = if recommended > current {
            "cpu resource utilization (percentage of request) above target"
        } else {
            "All metrics below target"
        };
        Some(self.rescaled(
            now,
            current,
            desired,
            reason.into(),
            format!("{formula}{limit_why}"),
        ))
    }

    /// After a change of the target's scale: AbleToScale says so until the next sync.
    fn succeeded(&mut self, now: SimTime, to: u32) {
        set(
            &mut self.conditions.able_to_scale,
            now,
            true,
            "SucceededRescale",
            format!("the HPA controller was able to update the target scale to {to}"),
        );
    }

    /// The stabilization's AbleToScale and the bounds' ScalingLimited of one sync.
    fn normalized(
        &mut self,
        now: SimTime,
        able: &'static str,
        (limited, reason, message): (bool, &'static str, String),
    ) {
        let able_message = match able {
            "ScaleUpStabilized" => {
                "recent recommendations were lower than current one, applying the lowest recent recommendation"
            }
            "ScaleDownStabilized" => {
                "recent recommendations were higher than current one, applying the highest recent recommendation"
            }
            _ => "recommended size matches current size",
        };
        set(
            &mut self.conditions.able_to_scale,
            now,
            true,
            able,
            able_message.into(),
        );
        set(
            &mut self.conditions.scaling_limited,
            now,
            limited,
            reason,
            message,
        );
    }

    fn rescaled(
        &mut self,
        now: SimTime,
        from: u32,
        to: u32,
        reason: String,
        why: String,
    ) -> Rescale {
        // storeScaleEvent: only an HPA with a behavior keeps them.
        if let Some(b) = &self.behavior {
            if to > from {
                let keep = Behavior::longest_period(&b.scale_up);
                self.scale_up_events.retain(|(t, _)| now.since(*t) < keep);
                self.scale_up_events.push((now, to - from));
            } else {
                let keep = Behavior::longest_period(&b.scale_down);
                self.scale_down_events.retain(|(t, _)| now.since(*t) < keep);
                self.scale_down_events.push((now, from - to));
            }
        }
        Rescale {
            replicas: to,
            reason,
            why,
        }
    }

    /// `normalizeDesiredReplicas`: stabilize on the highest recommendation of the last 300 s
    /// (`stabilizeRecommendation` keeps samples not older than the window), then
    /// `convertDesiredReplicasWithRules`.
    fn normalize_legacy(&mut self, now: SimTime, current: u32, recommended: u32) -> (u32, String) {
        let window = DOWNSCALE_STABILIZATION;
        self.history.retain(|(t, _)| now.since(*t) <= window);
        let stabilized = self
            .history
            .iter()
            .map(|(_, r)| *r)
            .fold(recommended, u32::max);
        self.history.push((now, recommended));
        let limit = legacy_scale_up_limit(current);
        let max_allowed = self.max_replicas.min(limit);
        let desired = stabilized.clamp(self.min_replicas, max_allowed.max(self.min_replicas));
        let verdict = if stabilized < self.min_replicas {
            "TooFewReplicas"
        } else if stabilized > max_allowed && self.max_replicas > limit {
            "ScaleUpLimit"
        } else if stabilized > max_allowed {
            "TooManyReplicas"
        } else {
            "DesiredWithinRange"
        };
        let able = if stabilized != recommended {
            "ScaleDownStabilized"
        } else {
            "ReadyForNewScale"
        };
        self.normalized(now, able, limit_verdict(stabilized, desired, verdict));
        let mut why = String::new();
        if stabilized != recommended {
            why.push_str(&format!(
                "; the highest recommendation of the last {} s is {stabilized}",
                window.0 / 1000
            ));
        }
        if stabilized > limit && limit < self.max_replicas {
            why.push_str(&format!(
                "; the HPA has no behavior section, so the controller's older rule allows at most max(2 × {current}, 4) = {limit} per sync (ScaleUpLimit)"
            ));
        } else if stabilized > self.max_replicas {
            why.push_str(&format!(", kept at maxReplicas {}", self.max_replicas));
        } else if stabilized < self.min_replicas {
            why.push_str(&format!(", kept at minReplicas {}", self.min_replicas));
        }
        (desired, why)
    }

    /// `normalizeDesiredReplicasWithBehaviors`: stabilization windows per direction
    /// (`stabilizeRecommendationWithBehaviors`: only samples newer than each window count),
    /// then the rate policies (`convertDesiredReplicasWithBehaviorRate`).
    fn normalize_with_behavior(
        &mut self,
        b: &Behavior,
        now: SimTime,
        current: u32,
        recommended: u32,
    ) -> (u32, String) {
        let (up_w, down_w) = (
            b.scale_up.stabilization_window,
            b.scale_down.stabilization_window,
        );
        let mut up_rec = recommended;
        let mut down_rec = recommended;
        for &(t, r) in &self.history {
            if now.since(t) < up_w {
                up_rec = up_rec.min(r);
            }
            if now.since(t) < down_w {
                down_rec = down_rec.max(r);
            }
        }
        let keep = up_w.max(down_w);
        self.history.retain(|(t, _)| now.since(*t) <= keep);
        self.history.push((now, recommended));
        let stabilized = current.max(up_rec).min(down_rec);
        let mut why = String::new();
        if stabilized != recommended {
            why.push_str(&format!(
                "; stabilization (scaleUp {} s: lowest recent {up_rec}, scaleDown {} s: highest recent {down_rec}) gives {stabilized}",
                up_w.0 / 1000,
                down_w.0 / 1000
            ));
        }
        let (min, max) = (self.min_replicas, self.max_replicas);
        let mut verdict = "DesiredWithinRange";
        let desired = if stabilized > current {
            let limit = scale_up_limit_with_rules(
                current,
                &self.scale_up_events,
                &self.scale_down_events,
                &b.scale_up,
                now,
            )
            .max(current);
            let allowed = max.min(limit);
            if stabilized > allowed {
                verdict = if limit < max {
                    "ScaleUpLimit"
                } else {
                    "TooManyReplicas"
                };
                if allowed == limit && limit < max {
                    why.push_str(&format!(
                        "; the scaleUp policies ({}, selectPolicy {:?}) allow at most {limit} now (ScaleUpLimit)",
                        describe(&b.scale_up.policies),
                        b.scale_up.select_policy
                    ));
                } else {
                    why.push_str(&format!(", kept at maxReplicas {max}"));
                }
                allowed
            } else {
                stabilized
            }
        } else if stabilized < current {
            let limit = scale_down_limit_with_rules(
                current,
                &self.scale_up_events,
                &self.scale_down_events,
                &b.scale_down,
                now,
            )
            .min(current);
            let allowed = min.max(limit);
            if stabilized < allowed {
                verdict = if limit > min {
                    "ScaleDownLimit"
                } else {
                    "TooFewReplicas"
                };
                if allowed == limit && limit > min {
                    why.push_str(&format!(
                        "; the scaleDown policies ({}, selectPolicy {:?}) allow no fewer than {limit} now (ScaleDownLimit)",
                        describe(&b.scale_down.policies),
                        b.scale_down.select_policy
                    ));
                } else {
                    why.push_str(&format!(", kept at minReplicas {min}"));
                }
                allowed
            } else {
                stabilized
            }
        } else {
            stabilized
        };
        let able = if recommended >= current {
            "ScaleUpStabilized"
        } else {
            "ScaleDownStabilized"
        };
        self.normalized(now, able, limit_verdict(stabilized, desired, verdict));
        (desired, why)
    }
}

/// A rescale: the new count, the reason `SuccessfulRescale` gives, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Rescale {
    pub replicas: u32,
    pub reason: String,
    pub why: String,
}

fn describe(policies: &[Policy]) -> String {
    policies
        .iter()
        .map(|p| match *p {
            Policy::Pods { value, period } => format!("{value} pods per {} s", period.0 / 1000),
            Policy::Percent { value, period } => format!("{value} % per {} s", period.0 / 1000),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The replica formula with its numbers.
fn formula(
    current: u32,
    ready: u32,
    utilization: f64,
    target: f64,
    recommended: u32,
    tolerance: Tolerance,
) -> String {
    let tol = if tolerance == Tolerance::default() {
        format!("the {TOLERANCE} tolerance")
    } else {
        format!("the tolerance (−{}, +{})", tolerance.down, tolerance.up)
    };
    if recommended > current && ready < current {
        let avg = utilization * ready as f64 / current as f64;
        format!(
            "CPU at {utilization:.1}% of request on {ready} ready pods, the {} not ready counted at 0%: average {avg:.1}% against a target of {target}%; desiredReplicas = ceil({current} × {avg:.1} / {target}) = {recommended}",
            current - ready
        )
    } else if recommended > current {
        format!(
            "CPU at {utilization:.1}% of request against a target of {target}% (outside {tol}); desiredReplicas = ceil({current} × {utilization:.1} / {target}) = {recommended}"
        )
    } else if recommended < current {
        format!(
            "CPU at {utilization:.1}% of request against a target of {target}% (outside {tol}); desiredReplicas = ceil({ready} ready × {utilization:.1} / {target}) = {recommended}"
        )
    } else {
        format!(
            "CPU at {utilization:.1}% of request against a target of {target}% (within {tol}); desiredReplicas stays {current}"
        )
    }
}

/// `SuccessfulRescale`: `New size: <n>; reason: <reason>`.
pub fn rescale_message(new_size: u32, reason: &str) -> String {
    format!("New size: {new_size}; reason: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: u64) -> SimTime {
        SimTime::from_secs(x)
    }

    fn hpa(min: u32, max: u32, target: f64, behavior: Option<Behavior>) -> Hpa {
        Hpa::new("web", 0, min, max, target, behavior, s(15))
    }

    #[test]
    fn recommendations_follow_the_formula_and_tolerance() {
        let t = Tolerance::default();
        // 2 pods at 150 % with a 60 % target: ceil(2 × 150 / 60) = 5.
        assert_eq!(hpa_recommendation(2, 2, 150.0, 60.0, t), 5);
        // Within 10 % of the target: no change.
        assert_eq!(hpa_recommendation(4, 4, 65.0, 60.0, t), 4);
        assert_eq!(hpa_recommendation(4, 4, 55.0, 60.0, t), 4);
        // Just beyond the tolerance: ceil(10 × 0.889) = 9.
        assert_eq!(hpa_recommendation(10, 10, 53.3, 60.0, t), 9);
        // Not-ready pods count as 0 % on a scale-up: 4 pods, 2 ready at 100 % → average 50 %.
        assert_eq!(hpa_recommendation(4, 2, 100.0, 60.0, t), 4);
        assert_eq!(hpa_recommendation(4, 2, 150.0, 60.0, t), 5);
    }

    #[test]
    fn without_behavior_a_sync_grows_to_at_most_twice_or_four() {
        // horizontal.go, calculateScaleUpLimit: max(scaleUpLimitFactor 2 × current,
        // scaleUpLimitMinimum 4). The eks-autoscaling example: 2 pods at 300 % of a 60 %
        // target want ceil(2 × 300 / 60) = 10; the first sync may reach max(4, 4) = 4.
        assert_eq!(legacy_scale_up_limit(1), 4);
        assert_eq!(legacy_scale_up_limit(2), 4);
        assert_eq!(legacy_scale_up_limit(3), 6);
        assert_eq!(legacy_scale_up_limit(10), 20);
        let mut h = hpa(2, 10, 60.0, None);
        let r = h.sync_explained(s(15), 2, 2, 300.0).expect("scales up");
        assert_eq!(r.replicas, 4);
        assert_eq!(
            r.why,
            "CPU at 300.0% of request against a target of 60% (outside the 0.1 tolerance); desiredReplicas = ceil(2 × 300.0 / 60) = 10; the HPA has no behavior section, so the controller's older rule allows at most max(2 × 2, 4) = 4 per sync (ScaleUpLimit)"
        );
        assert_eq!(
            rescale_message(r.replicas, &r.reason),
            "New size: 4; reason: cpu resource utilization (percentage of request) above target"
        );
        // The next sync, 4 ready pods at 150 %: ceil(4 × 150 / 60) = 10, capped at 8.
        assert_eq!(h.sync(s(30), 4, 4, 150.0), Some(8));
    }

    #[test]
    fn with_the_default_behavior_a_sync_adds_4_pods_or_100_percent() {
        // defaults.go: scaleUp policies Pods 4 / 15 s and Percent 100 / 15 s, selectPolicy
        // Max: from 2 pods, max(2 + 4, 2 × 2) = 6.
        let b = Behavior::defaulted(RulesOverride::default(), RulesOverride::default());
        assert_eq!(b.scale_down.stabilization_window, DOWNSCALE_STABILIZATION);
        let mut h = hpa(2, 10, 60.0, Some(b));
        assert_eq!(h.sync(s(15), 2, 2, 300.0), Some(6));
        // 15 s later the period of the first step is over: from 6, max(6 + 4, 12) = 10 (max).
        assert_eq!(h.sync(s(30), 6, 6, 300.0), Some(10));
    }

    #[test]
    fn scale_down_policies_limit_each_period() {
        // The HPA documentation, "Scaling Policies"
        // (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#scaling-policies):
        // scaleDown Pods 4 / 60 s and Percent 10 / 60 s, the larger change wins. From 80
        // replicas toward 10: 8 go first; at 72, 10 % is 7.2, rounded up to 8; at 40 or fewer
        // the Pods policy (4) applies.
        let minute = Millis::from_secs(60);
        let down = RulesOverride {
            stabilization_window: Some(Millis::ZERO),
            policies: Some(vec![
                Policy::Pods {
                    value: 4,
                    period: minute,
                },
                Policy::Percent {
                    value: 10,
                    period: minute,
                },
            ]),
            ..RulesOverride::default()
        };
        let b = Behavior::defaulted(RulesOverride::default(), down);
        let mut h = hpa(1, 100, 50.0, Some(b));
        // 80 pods at 6.25 %: ceil(80 × 6.25 / 50) = 10.
        assert_eq!(h.sync(s(0), 80, 80, 6.25), Some(72));
        assert_eq!(h.sync(s(15), 72, 72, 6.9), None, "the minute is not over");
        assert_eq!(h.sync(s(60), 72, 72, 6.9), Some(64));
        let mut h2 = hpa(1, 100, 50.0, h.behavior.clone());
        assert_eq!(h2.sync(s(0), 30, 30, 16.0), Some(26), "Pods: 30 − 4");
    }

    #[test]
    fn a_disabled_direction_never_moves() {
        let down = RulesOverride {
            select_policy: Some(SelectPolicy::Disabled),
            ..RulesOverride::default()
        };
        let b = Behavior::defaulted(RulesOverride::default(), down);
        let mut h = hpa(1, 10, 50.0, Some(b));
        for k in 0..40 {
            assert_eq!(h.sync(s(15 * k), 8, 8, 5.0), None);
        }
        assert_eq!(
            h.sync(s(700), 8, 8, 200.0),
            Some(10),
            "scaling up still works"
        );
    }

    #[test]
    fn a_scale_up_tolerance_of_5_percent_reacts_to_6_percent_above_target() {
        // The HPA documentation, "Tolerance" (per-HPA `tolerance`, Kubernetes 1.33+): with
        // scaleUp tolerance 0.05, 6 % above target is outside it, while the default 0.1
        // ignores it.
        let t = Tolerance {
            up: 0.05,
            down: TOLERANCE,
        };
        assert_eq!(
            hpa_recommendation(10, 10, 53.0, 50.0, Tolerance::default()),
            10
        );
        assert_eq!(hpa_recommendation(10, 10, 53.0, 50.0, t), 11);
    }

    #[test]
    fn scale_down_waits_for_the_stabilization_window() {
        let mut h = hpa(2, 20, 50.0, None);
        // High load recommends 10, then load drops: the max of the last 300 s holds.
        assert_eq!(h.sync(SimTime::ZERO, 10, 10, 50.0), None);
        let mut t = SimTime::ZERO;
        let mut first_down = None;
        for _ in 0..30 {
            t = t.plus(SYNC);
            if let Some(n) = h.sync(t, 10, 10, 10.0) {
                first_down = Some((t, n));
                break;
            }
        }
        let (when, to) = first_down.expect("scales down eventually");
        assert!(
            when.since(SimTime::ZERO) > DOWNSCALE_STABILIZATION,
            "{when}"
        );
        assert_eq!(to, 2, "ceil(10 × 10 / 50) = 2, the minimum");
    }

    #[test]
    fn replicas_outside_the_bounds_are_brought_back() {
        let mut h = hpa(2, 10, 50.0, None);
        let r = h.sync_explained(s(15), 14, 14, 50.0).expect("above max");
        assert_eq!(
            rescale_message(r.replicas, &r.reason),
            "New size: 10; reason: Current number of replicas above Spec.MaxReplicas"
        );
    }
    fn condition(h: &Hpa, kind: &str) -> (bool, &'static str) {
        let (_, c) = h
            .conditions
            .listed()
            .into_iter()
            .find(|(t, _)| *t == kind)
            .unwrap_or_else(|| panic!("no {kind}"));
        (c.status, c.reason)
    }

    #[test]
    fn each_sync_sets_the_conditions_kubectl_describe_shows() {
        // No sync yet: no conditions.
        let mut h = hpa(2, 10, 60.0, None);
        assert!(h.conditions.listed().is_empty());
        // Legacy path: 2 pods at 300 % want 10, the older rule allows 4 (ScaleUpLimit), and
        // the change itself makes AbleToScale SucceededRescale.
        assert_eq!(h.sync(s(15), 2, 2, 300.0), Some(4));
        assert_eq!(condition(&h, "AbleToScale"), (true, "SucceededRescale"));
        assert_eq!(condition(&h, "ScalingActive"), (true, "ValidMetricFound"));
        assert_eq!(condition(&h, "ScalingLimited"), (true, "ScaleUpLimit"));
        // At 10 of 10 the maximum holds the count: TooManyReplicas.
        let mut h = hpa(2, 10, 60.0, None);
        assert_eq!(h.sync(s(15), 10, 10, 300.0), None);
        assert_eq!(condition(&h, "ScalingLimited"), (true, "TooManyReplicas"));
        assert_eq!(condition(&h, "AbleToScale"), (true, "ReadyForNewScale"));
        // Load gone: the highest recommendation of the last 300 s (50, from the sync before)
        // holds the count (ScaleDownStabilized), and the maximum still holds that.
        assert_eq!(h.sync(s(30), 10, 10, 6.0), None);
        assert_eq!(condition(&h, "AbleToScale"), (true, "ScaleDownStabilized"));
        assert_eq!(condition(&h, "ScalingLimited"), (true, "TooManyReplicas"));
        // Below the minimum: TooFewReplicas once the window has passed.
        let mut t = s(30);
        while h.sync(t, 10, 10, 6.0).is_none() {
            t = t.plus(SYNC);
        }
        assert_eq!(condition(&h, "ScalingLimited"), (true, "TooFewReplicas"));
        // With a behavior the stabilization's reason follows the direction of the
        // recommendation (stabilizeRecommendationWithBehaviors).
        let b = Behavior::defaulted(RulesOverride::default(), RulesOverride::default());
        let mut h = hpa(1, 10, 60.0, Some(b));
        assert_eq!(h.sync(s(15), 4, 4, 60.0), None);
        assert_eq!(condition(&h, "AbleToScale"), (true, "ScaleUpStabilized"));
        assert_eq!(h.sync(s(30), 4, 4, 10.0), None);
        assert_eq!(condition(&h, "AbleToScale"), (true, "ScaleDownStabilized"));
    }
}
