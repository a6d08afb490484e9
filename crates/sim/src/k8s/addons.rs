//! EKS add-ons Orca models as installable:
//! - metrics-server, which serves the Kubernetes Metrics API (`metrics.k8s.io`) that `kubectl
//!   top` and the HPA read. An EKS cluster does not come with it (Amazon EKS User Guide, "View
//!   resource usage with the Kubernetes Metrics Server"); `aws eks create-addon --addon-name
//!   metrics-server` installs it as an add-on. docs/rules/k8s-autoscaling.md#hpa-without-a-metric.
//! - the Amazon CloudWatch Observability add-on (`amazon-cloudwatch-observability`: the
//!   CloudWatch agent and Fluent Bit as DaemonSets), with which Container Insights publishes
//!   metrics and sends the containers' output to CloudWatch Logs (Amazon CloudWatch User Guide,
//!   "Install the CloudWatch agent with the Amazon CloudWatch Observability EKS add-on").
//!   docs/rules/containers-and-logs.md#container-insights.

use serde::Serialize;

use crate::time::{Millis, SimTime};

/// The add-on's name in `aws eks create-addon --addon-name`.
pub const METRICS_SERVER: &str = "metrics-server";

/// The version Orca reports for it [inferred: an `eksbuild` version of the upstream v0.7
/// release; the EKS console lists the current ones].
pub const METRICS_SERVER_VERSION: &str = "v0.7.2-eksbuild.1";

/// The CloudWatch Observability add-on's name.
pub const CLOUDWATCH_OBSERVABILITY: &str = "amazon-cloudwatch-observability";

/// The version Orca reports for it [inferred: an `eksbuild` version of a v2 release; `aws eks
/// describe-addon-versions` lists the current ones].
pub const CLOUDWATCH_OBSERVABILITY_VERSION: &str = "v2.6.0-eksbuild.1";

/// The add-ons `create-addon` installs, in the order Tab offers them.
pub const INSTALLABLE: [&str; 2] = [METRICS_SERVER, CLOUDWATCH_OBSERVABILITY];

/// The version Orca reports for add-on `name`.
pub fn version(name: &str) -> &'static str {
    if name == CLOUDWATCH_OBSERVABILITY {
        CLOUDWATCH_OBSERVABILITY_VERSION
    } else {
        METRICS_SERVER_VERSION
    }
}

/// From `create-addon` to ACTIVE: metrics-server's pods start and take their first scrape
/// (metric resolution 15 s), or the CloudWatch agent's and Fluent Bit's pods start on the nodes
/// [model, both].
pub const METRICS_SERVER_STARTS: Millis = Millis::from_secs(60);

/// The replica calculator's error while nothing serves `metrics.k8s.io` (`GetResourceMetric`:
/// the API server answers NotFound for the aggregated API's resource).
pub const NO_METRICS_API: &str = "unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

/// An installed add-on: when it was created and when it became ACTIVE.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Addon {
    pub created_at: SimTime,
    pub active_at: SimTime,
}

impl Addon {
    /// Installed before the scenario starts.
    pub fn from_start() -> Addon {
        Addon {
            created_at: SimTime::ZERO,
            active_at: SimTime::ZERO,
        }
    }

    /// Created at `now`; ACTIVE once its pods serve.
    pub fn created(now: SimTime) -> Addon {
        Addon {
            created_at: now,
            active_at: now.plus(METRICS_SERVER_STARTS),
        }
    }

    /// `CREATING` or `ACTIVE` at `now`.
    pub fn status(&self, now: SimTime) -> &'static str {
        if now >= self.active_at {
            "ACTIVE"
        } else {
            "CREATING"
        }
    }
}

/// Whether the Metrics API serves at `now`.
pub fn metrics_api(metrics_server: Option<Addon>, now: SimTime) -> bool {
    metrics_server.is_some_and(|a| now >= a.active_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metrics_api_serves_once_the_add_on_is_active() {
        let at = |s| SimTime::from_secs(s);
        assert!(!metrics_api(None, at(1000)));
        assert!(metrics_api(Some(Addon::from_start()), SimTime::ZERO));
        let a = Addon::created(at(240));
        assert_eq!(a.status(at(240)), "CREATING");
        assert!(!metrics_api(Some(a), at(299)));
        assert_eq!(a.status(at(300)), "ACTIVE");
        assert!(metrics_api(Some(a), at(300)));
    }
}
