//! Traffic-shift schedules: how much production traffic the replacement gets, and when, for
//! CodeDeploy's deployment configurations and ECS's BLUE_GREEN, LINEAR and CANARY strategies.
//! Pure rules, unit-tested on the documented examples (docs/rules/ecs-blue-green.md).
//!
//! Sources: CodeDeploy User Guide, "Working with deployment configurations in CodeDeploy"
//! (<https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html>,
//! predefined configurations for an Amazon ECS compute platform) and the API's
//! TrafficRoutingConfig / TimeBasedLinear / TimeBasedCanary; Amazon ECS API Reference,
//! DeploymentConfiguration, LinearConfiguration, CanaryConfiguration.

use serde::Serialize;

use crate::time::Millis;

/// `trafficRoutingConfig`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Routing {
    AllAtOnce,
    /// `TimeBasedLinear {linearPercentage, linearInterval}` (interval in minutes).
    Linear {
        percent: f64,
        interval_minutes: u32,
    },
    /// `TimeBasedCanary {canaryPercentage, canaryInterval}`.
    Canary {
        percent: f64,
        interval_minutes: u32,
    },
}

/// The predefined CodeDeploy configurations for ECS, by name.
pub const PREDEFINED: [(&str, Routing); 5] = [
    ("CodeDeployDefault.ECSAllAtOnce", Routing::AllAtOnce),
    (
        "CodeDeployDefault.ECSLinear10PercentEvery1Minutes",
        Routing::Linear {
            percent: 10.0,
            interval_minutes: 1,
        },
    ),
    (
        "CodeDeployDefault.ECSLinear10PercentEvery3Minutes",
        Routing::Linear {
            percent: 10.0,
            interval_minutes: 3,
        },
    ),
    (
        "CodeDeployDefault.ECSCanary10Percent5Minutes",
        Routing::Canary {
            percent: 10.0,
            interval_minutes: 5,
        },
    ),
    (
        "CodeDeployDefault.ECSCanary10Percent15Minutes",
        Routing::Canary {
            percent: 10.0,
            interval_minutes: 15,
        },
    ),
];

/// The routing of a predefined configuration.
pub fn predefined(name: &str) -> Option<Routing> {
    PREDEFINED.iter().find(|(n, _)| *n == name).map(|(_, r)| *r)
}

/// Steps of a shift: from `at` after the shift began, the replacement gets `percent` of the
/// production traffic. Increasing in both; the last step is 100 %.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub steps: Vec<(Millis, f64)>,
}

impl Schedule {
    /// The replacement's share `elapsed` after the shift began (0 before the first step).
    pub fn percent_at(&self, elapsed: Millis) -> f64 {
        self.steps
            .iter()
            .take_while(|(at, _)| *at <= elapsed)
            .last()
            .map_or(0.0, |(_, p)| *p)
    }

    /// When the replacement reaches 100 %.
    pub fn full_at(&self) -> Millis {
        self.steps.last().map_or(Millis::ZERO, |(at, _)| *at)
    }
}

fn minutes(m: u64) -> Millis {
    Millis::from_secs(m * 60)
}

/// `percent` more every `interval` minutes, starting at once, until 100 %. "Shifts 10 percent of
/// traffic every minute until all traffic is shifted": the first 10 % moves when the shift
/// begins, the tenth (100 %) nine intervals later [inferred: AWS states the rate, not the
/// minute of each step].
fn linear(percent: f64, interval_minutes: u32) -> Schedule {
    let percent = percent.clamp(0.1, 100.0);
    let n = (100.0 / percent - 1e-9).ceil().max(1.0) as u64;
    let steps = (0..n)
        .map(|k| {
            let p = (((k + 1) as f64 * percent) * 1e6).round() / 1e6;
            (minutes(k * u64::from(interval_minutes)), p.min(100.0))
        })
        .collect();
    Schedule { steps }
}

/// `percent` at once, the rest `interval` minutes later.
fn canary(percent: f64, interval_minutes: u32) -> Schedule {
    let percent = percent.clamp(0.0, 100.0);
    if percent >= 100.0 {
        return Schedule {
            steps: vec![(Millis::ZERO, 100.0)],
        };
    }
    Schedule {
        steps: vec![
            (Millis::ZERO, percent),
            (minutes(u64::from(interval_minutes)), 100.0),
        ],
    }
}

impl Routing {
    pub fn schedule(self) -> Schedule {
        match self {
            Routing::AllAtOnce => Schedule {
                steps: vec![(Millis::ZERO, 100.0)],
            },
            Routing::Linear {
                percent,
                interval_minutes,
            } => linear(percent, interval_minutes),
            Routing::Canary {
                percent,
                interval_minutes,
            } => canary(percent, interval_minutes),
        }
    }

    /// `TimeBasedLinear`, `TimeBasedCanary` or `AllAtOnce`.
    pub fn type_name(self) -> &'static str {
        match self {
            Routing::AllAtOnce => "AllAtOnce",
            Routing::Linear { .. } => "TimeBasedLinear",
            Routing::Canary { .. } => "TimeBasedCanary",
        }
    }
}

/// ECS's own strategies: BLUE_GREEN shifts everything at once; LINEAR moves `stepPercent` and
/// then waits `stepBakeTimeInMinutes` before the next step (no wait after 100 %); CANARY moves
/// `canaryPercent`, waits `canaryBakeTimeInMinutes`, then moves the rest. The bake time of the
/// whole deployment follows the schedule (it is a stage of its own).
pub fn ecs_strategy(strategy: &crate::scenario::spec::StrategySpec) -> Routing {
    use crate::scenario::spec::StrategySpec;
    match strategy {
        StrategySpec::Rolling | StrategySpec::BlueGreen => Routing::AllAtOnce,
        StrategySpec::Linear(l) => Routing::Linear {
            percent: l.step_percent,
            interval_minutes: l.step_bake_time_in_minutes,
        },
        StrategySpec::Canary(c) => Routing::Canary {
            percent: c.canary_percent,
            interval_minutes: c.canary_bake_time_in_minutes,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::spec::{CanarySpec, LinearSpec, StrategySpec};

    fn mins(s: &Schedule) -> Vec<(u64, f64)> {
        s.steps
            .iter()
            .map(|(at, p)| (at.secs_f64() as u64 / 60, *p))
            .collect()
    }

    #[test]
    fn all_at_once_is_one_step() {
        let s = predefined("CodeDeployDefault.ECSAllAtOnce")
            .unwrap()
            .schedule();
        assert_eq!(mins(&s), vec![(0, 100.0)]);
    }

    // "ECSLinear10PercentEvery1Minutes: shifts 10 percent of traffic every minute until all
    // traffic is shifted": 10 % at once, 100 % nine shifts later.
    #[test]
    fn linear_10_every_minute_reaches_100_after_9_minutes() {
        let s = predefined("CodeDeployDefault.ECSLinear10PercentEvery1Minutes")
            .unwrap()
            .schedule();
        assert_eq!(s.steps.len(), 10);
        assert_eq!(mins(&s)[0], (0, 10.0));
        assert_eq!(mins(&s)[4], (4, 50.0));
        assert_eq!(s.full_at(), Millis::from_secs(9 * 60));
        assert_eq!(s.percent_at(Millis::from_secs(90)), 20.0);
    }

    #[test]
    fn linear_10_every_3_minutes_reaches_100_after_27_minutes() {
        let s = predefined("CodeDeployDefault.ECSLinear10PercentEvery3Minutes")
            .unwrap()
            .schedule();
        assert_eq!(s.full_at(), Millis::from_secs(27 * 60));
        assert_eq!(s.percent_at(Millis::from_secs(3 * 60 - 1)), 10.0);
        assert_eq!(s.percent_at(Millis::from_secs(3 * 60)), 20.0);
    }

    // "ECSCanary10Percent5Minutes: shifts 10 percent of traffic in the first increment. The
    // remaining 90 percent is deployed five minutes later."
    #[test]
    fn canary_10_then_the_rest_after_5_or_15_minutes() {
        let s = predefined("CodeDeployDefault.ECSCanary10Percent5Minutes")
            .unwrap()
            .schedule();
        assert_eq!(mins(&s), vec![(0, 10.0), (5, 100.0)]);
        let s = predefined("CodeDeployDefault.ECSCanary10Percent15Minutes")
            .unwrap()
            .schedule();
        assert_eq!(mins(&s), vec![(0, 10.0), (15, 100.0)]);
    }

    #[test]
    fn unknown_config_names_are_not_predefined() {
        assert!(predefined("CodeDeployDefault.ECSCanary10Percent10Minutes").is_none());
        assert!(predefined("CodeDeployDefault.OneAtATime").is_none());
    }

    // ECS LinearConfiguration defaults: stepPercent 10, stepBakeTimeInMinutes 6 → 100 % at
    // minute 54; a step that does not divide 100 ends with a smaller last step.
    #[test]
    fn ecs_linear_defaults_and_uneven_steps() {
        let s = ecs_strategy(&StrategySpec::Linear(LinearSpec::default())).schedule();
        assert_eq!(s.full_at(), Millis::from_secs(54 * 60));
        let s = ecs_strategy(&StrategySpec::Linear(LinearSpec {
            step_percent: 30.0,
            step_bake_time_in_minutes: 2,
        }))
        .schedule();
        assert_eq!(mins(&s), vec![(0, 30.0), (2, 60.0), (4, 90.0), (6, 100.0)]);
    }

    // ECS CanaryConfiguration defaults: canaryPercent 5, canaryBakeTimeInMinutes 10.
    #[test]
    fn ecs_canary_defaults() {
        let s = ecs_strategy(&StrategySpec::Canary(CanarySpec::default())).schedule();
        assert_eq!(mins(&s), vec![(0, 5.0), (10, 100.0)]);
        let s = ecs_strategy(&StrategySpec::BlueGreen).schedule();
        assert_eq!(mins(&s), vec![(0, 100.0)]);
    }
}
