//! EC2 capacity of an ECS cluster: container instances and Auto Scaling groups.

use super::defaults;
use serde::{Deserialize, Serialize};

/// EC2 capacity. Fargate needs no declaration: it is always there (unless a zone is down).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacitySpec {
    #[serde(default)]
    pub instances: Vec<InstanceGroupSpec>,
    /// EC2 Auto Scaling groups, each behind an ECS capacity provider (`Asg("<name>")` in a
    /// service's `capacity_provider_strategy`).
    #[serde(default)]
    pub auto_scaling_groups: Vec<AutoScalingGroupSpec>,
    /// The ECS agent's `ECS_IMAGE_PULL_BEHAVIOR` on every container instance.
    #[serde(default, skip_serializing_if = "EcsImagePullBehavior::is_default")]
    pub image_pull_behavior: EcsImagePullBehavior,
}

/// The ECS agent's `ECS_IMAGE_PULL_BEHAVIOR` (Amazon ECS Developer Guide, "Container image pull
/// behavior for the EC2 and external launch types"): what a container instance does with the
/// images earlier tasks pulled onto it (`ecs/image_cache.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum EcsImagePullBehavior {
    /// `default`: pull; if the pull fails, run the copy cached on the instance.
    #[default]
    Default,
    /// `always`: pull; if the pull fails, the task fails.
    Always,
    /// `once`: pull only if no earlier task on the instance pulled the image.
    Once,
    /// `prefer-cached`: pull only if the instance has no cached copy.
    PreferCached,
}

impl EcsImagePullBehavior {
    pub fn is_default(&self) -> bool {
        *self == EcsImagePullBehavior::Default
    }

    /// The agent setting's value.
    pub fn as_str(self) -> &'static str {
        match self {
            EcsImagePullBehavior::Default => "default",
            EcsImagePullBehavior::Always => "always",
            EcsImagePullBehavior::Once => "once",
            EcsImagePullBehavior::PreferCached => "prefer-cached",
        }
    }
}

/// An Auto Scaling group of identical container instances and the capacity provider that
/// fronts it. Its instances are named `<name>-1`, `<name>-2`, ... and balanced over the
/// cluster's zones, as an ASG balances its subnets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingGroupSpec {
    /// The Auto Scaling group's name.
    pub name: String,
    /// The capacity provider's name, which strategies refer to.
    pub capacity_provider: String,
    pub instance_type: String,
    #[serde(default)]
    pub min_size: u32,
    pub max_size: u32,
    /// Instances running when the scenario starts.
    pub desired_capacity: u32,
    /// ECS managed scaling; absent means DISABLED (the ASG keeps its desired capacity and tasks
    /// that do not fit are reported "unable to place").
    #[serde(default)]
    pub managed_scaling: Option<ManagedScalingSpec>,
    /// With managed termination protection ECS lets the ASG terminate only instances that run
    /// no tasks (API default DISABLED; it needs managed scaling).
    #[serde(default)]
    pub managed_termination_protection: bool,
}

/// `managedScaling` of a capacity provider, with the API's defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedScalingSpec {
    /// Percent of the ASG's instances that should run tasks (1–100; below 100 keeps spares).
    #[serde(default = "defaults::target_capacity")]
    pub target_capacity: u32,
    #[serde(default = "defaults::one")]
    pub minimum_scaling_step_size: u32,
    #[serde(default = "defaults::maximum_scaling_step_size")]
    pub maximum_scaling_step_size: u32,
    /// Seconds a new instance warms up; no further scale-out step runs meanwhile.
    #[serde(default = "defaults::instance_warmup_period")]
    pub instance_warmup_period: u32,
}

impl Default for ManagedScalingSpec {
    fn default() -> Self {
        ManagedScalingSpec {
            target_capacity: defaults::target_capacity(),
            minimum_scaling_step_size: 1,
            maximum_scaling_step_size: defaults::maximum_scaling_step_size(),
            instance_warmup_period: defaults::instance_warmup_period(),
        }
    }
}

/// One or more identical EC2 container instances. With `count` > 1 they are named
/// `<name>-1`, `<name>-2`, ... and, without an explicit zone, spread over the cluster's zones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceGroupSpec {
    pub name: String,
    pub instance_type: String,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default = "defaults::one")]
    pub count: u32,
    /// EC2 Spot Instances (they can get a two-minute interruption notice).
    #[serde(default)]
    pub spot: bool,
    /// `ECS_ENABLE_SPOT_INSTANCE_DRAINING=true` in the agent's config: the agent sets its
    /// instance DRAINING when the interruption notice arrives (default false).
    #[serde(default)]
    pub spot_instance_draining: bool,
}
