//! Default values, kept in one place so the README's table and the code agree.

use super::SchedulingStrategy;

pub fn target_capacity() -> u32 {
    100
}
pub fn maximum_scaling_step_size() -> u32 {
    10_000
}
pub fn instance_warmup_period() -> u32 {
    300
}
/// Boot plus ECS agent registration [model: typically one to two minutes].
pub fn instance_launch() -> (f64, f64) {
    (70.0, 100.0)
}
pub fn node_pool_name() -> String {
    "default".into()
}
pub fn karpenter_instance_types() -> Vec<String> {
    crate::aws::instance_types::all()
        .iter()
        .filter(|t| ['c', 'm', 'r'].iter().any(|c| t.name.starts_with(*c)))
        .map(|t| t.name.to_string())
        .collect()
}
/// Karpenter's `expireAfter` default, 720h, in seconds.
pub fn expire_after() -> Option<u64> {
    Some(720 * 3_600)
}
/// The AMI a NodePool's EC2NodeClass selects when the scenario names none (an Orca value).
pub fn karpenter_ami_id() -> String {
    "ami-0e7f1a2b3c4d5e6f7".into()
}
pub fn budget_nodes() -> String {
    "10%".into()
}
pub fn duration() -> f64 {
    900.0
}
pub fn progress_deadline() -> u32 {
    600
}
pub fn revision_history_limit() -> u32 {
    10
}
pub fn hpa_target() -> u32 {
    80
}
/// Application Auto Scaling cooldowns for ECS services: 300 s.
pub fn cooldown() -> u32 {
    300
}
/// CloudWatch alarm period on ECS service metrics: one minute.
pub fn alarm_period() -> u32 {
    60
}
pub fn cpu_request() -> u32 {
    250
}
/// A Kubernetes container's CPU request when the scenario names none: [`cpu_request`].
pub fn cpu_request_named() -> Option<u32> {
    Some(cpu_request())
}
pub fn memory_request() -> u32 {
    256
}
pub fn k8s_port() -> u16 {
    8080
}
pub fn k8s_startup() -> u32 {
    5
}
pub fn region() -> String {
    "us-east-1".into()
}
pub fn account_id() -> String {
    "123456789012".into()
}
pub fn zones() -> Vec<String> {
    vec![
        "us-east-1a".into(),
        "us-east-1b".into(),
        "us-east-1c".into(),
    ]
}
pub fn one() -> u32 {
    1
}
pub fn yes() -> bool {
    true
}
pub fn fraction() -> f64 {
    1.0
}
pub fn exit_code() -> i32 {
    1
}
pub fn startup_seconds() -> f64 {
    5.0
}
/// Container health check: interval 30 s, timeout 5 s, retries 3, start period off.
pub fn hc_interval() -> u32 {
    30
}
pub fn hc_timeout() -> u32 {
    5
}
pub fn hc_retries() -> u32 {
    3
}
/// "By default, a container must run for 300 seconds before it can be restarted" (Amazon ECS
/// API Reference, ContainerRestartPolicy).
pub fn restart_attempt_period() -> u32 {
    300
}
pub fn port() -> u16 {
    80
}
pub fn path() -> String {
    "/".into()
}
/// ALB health check (HTTP, instance and ip targets): 30 s, 5 s, healthy 5, unhealthy 2, 200.
pub fn tg_interval() -> u32 {
    30
}
pub fn tg_timeout() -> u32 {
    5
}
pub fn tg_healthy_threshold() -> u32 {
    5
}
pub fn tg_unhealthy_threshold() -> u32 {
    2
}
pub fn matcher() -> String {
    "200".into()
}
/// `deregistration_delay.timeout_seconds`.
pub fn deregistration_delay() -> u32 {
    300
}
/// REPLICA services: 100; DAEMON services: 0 ("The default value for a daemon service for
/// `minimumHealthyPercent` is 0%", Amazon ECS Developer Guide, "Amazon ECS services", Daemon).
pub fn minimum_healthy_percent(strategy: SchedulingStrategy) -> u32 {
    match strategy {
        SchedulingStrategy::Replica => 100,
        SchedulingStrategy::Daemon => 0,
    }
}
/// REPLICA services: 200; DAEMON services: 100, the only value they accept (same section).
pub fn maximum_percent(strategy: SchedulingStrategy) -> u32 {
    match strategy {
        SchedulingStrategy::Replica => 200,
        SchedulingStrategy::Daemon => 100,
    }
}
pub fn provisioning() -> (f64, f64) {
    (4.0, 12.0)
}
pub fn image_pull() -> (f64, f64) {
    (6.0, 20.0)
}
pub fn activating() -> (f64, f64) {
    (1.0, 3.0)
}
pub fn registration() -> (f64, f64) {
    (5.0, 15.0)
}
pub fn sigterm_exit() -> (f64, f64) {
    (1.0, 3.0)
}
pub fn deprovisioning() -> (f64, f64) {
    (5.0, 12.0)
}
pub fn scheduler_reaction() -> f64 {
    1.0
}

// --- Amazon ECR (docs/rules/ecr.md)

/// Amazon Inspector's re-scan duration for ECR images in new accounts: 14 days (Inspector User
/// Guide, "Configuring the ECR re-scan duration").
pub fn rescan_days() -> Option<u32> {
    Some(14)
}
/// ECR applies a lifecycle policy "within 24 hours" (ECR User Guide, "Lifecycle policies");
/// Orca evaluates once a day unless the scenario says otherwise [inferred].
pub fn lifecycle_interval() -> f64 {
    86_400.0
}
/// A typical small service image [model].
pub fn image_size_mib() -> f64 {
    60.0
}
/// An init container runs 5 seconds unless told otherwise [model].
pub fn init_runs_seconds() -> u32 {
    5
}

/// A request that may be missing, written as a bare number (`cpu: 250`), `None`, or
/// `Some(250)`; a bare number when written back.
pub mod optional_request {
    use serde::de::{self, Deserializer, Visitor};
    use serde::ser::Serializer;
    use std::fmt;

    pub fn serialize<S: Serializer>(value: &Option<u32>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_u32(*v),
            None => s.serialize_none(),
        }
    }

    struct Request;

    impl<'de> Visitor<'de> for Request {
        type Value = Option<u32>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a request in whole units such as 250, or None for no request")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
                .and_then(|v| self.visit_u64(v))
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(Request)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
        d.deserialize_any(Request)
    }
}
