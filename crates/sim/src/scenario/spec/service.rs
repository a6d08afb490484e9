//! ECS services: deployment configuration, load balancers, placement and capacity providers.

use super::{
    DeploymentControllerSpec, LoadSpec, ServiceAutoScalingSpec, StrategySpec, TrafficShiftSpec,
    defaults,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum LaunchType {
    #[default]
    Fargate,
    Ec2,
}

/// `schedulingStrategy`: REPLICA keeps `desiredCount` tasks; DAEMON runs exactly one task on
/// each ACTIVE container instance that meets the placement constraints ("Amazon ECS services",
/// Service scheduler concepts, Daemon:
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html#service_scheduler_daemon>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SchedulingStrategy {
    #[default]
    Replica,
    Daemon,
}

impl SchedulingStrategy {
    /// The API's spelling: `REPLICA` or `DAEMON`.
    pub fn as_str(self) -> &'static str {
        match self {
            SchedulingStrategy::Replica => "REPLICA",
            SchedulingStrategy::Daemon => "DAEMON",
        }
    }

    pub fn is_replica(&self) -> bool {
        *self == SchedulingStrategy::Replica
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ServiceStart {
    /// The service already runs its desired tasks, healthy, when the scenario starts.
    #[default]
    Steady,
    /// The service is created when the scenario starts and launches its first tasks.
    Created,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSpec {
    pub name: String,
    /// `family:revision`.
    pub task_definition: String,
    /// `REPLICA` (the default) or `DAEMON`.
    #[serde(default, skip_serializing_if = "SchedulingStrategy::is_replica")]
    pub scheduling_strategy: SchedulingStrategy,
    /// Required for a REPLICA service; a DAEMON service takes none (ECS sets it to the number
    /// of instances that can run the task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_count: Option<u32>,
    #[serde(default)]
    pub launch_type: LaunchType,
    #[serde(default)]
    pub deployment_configuration: DeploymentConfigurationSpec,
    #[serde(default)]
    pub health_check_grace_period_seconds: u32,
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancerSpec>,
    /// Empty means the AWS default for services: spread over zones, then over instances.
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategy>,
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraint>,
    #[serde(default)]
    pub start: ServiceStart,
    /// Application Auto Scaling: target tracking on ECSServiceAverageCPUUtilization and/or
    /// step scaling policies.
    #[serde(default)]
    pub auto_scaling: Option<ServiceAutoScalingSpec>,
    /// The demand the service serves, which sets its tasks' CPU (and, with `memory`, memory)
    /// utilization (`rps_per_pod` is per task here).
    #[serde(default)]
    pub load: Option<LoadSpec>,
    /// `FARGATE` / `FARGATE_SPOT` (launch_type Fargate) or Auto Scaling group capacity
    /// providers (launch_type Ec2), with base and weight.
    #[serde(default)]
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    /// `deploymentController`: ECS (the default) or a CodeDeploy deployment group.
    #[serde(default, skip_serializing_if = "DeploymentControllerSpec::is_ecs")]
    pub deployment_controller: DeploymentControllerSpec,
    /// The second target group, listeners, hooks and alarms of a blue/green, linear or canary
    /// deployment (CodeDeploy, or a non-rolling `strategy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_shift: Option<TrafficShiftSpec>,
    /// `volumeConfigurations`: the Amazon EBS volume each task gets for its task definition's
    /// `configured_at_launch` volume.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volume_configurations: Vec<super::ServiceVolumeConfigurationSpec>,
    /// `serviceRegistries`: the Cloud Map service the tasks register in (at most one, as the
    /// API allows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_registries: Vec<super::ServiceRegistrySpec>,
}

impl ServiceSpec {
    /// Deploys blue/green (the CodeDeploy controller, or a BLUE_GREEN, LINEAR or CANARY
    /// strategy) rather than rolling its tasks.
    pub fn is_blue_green(&self) -> bool {
        !self.deployment_controller.is_ecs() || !self.deployment_configuration.strategy.is_rolling()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CapacityProvider {
    Fargate,
    FargateSpot,
    /// The capacity provider of one of the cluster's `auto_scaling_groups`, by its name.
    Asg(String),
}

impl CapacityProvider {
    pub fn as_str(&self) -> &str {
        match self {
            CapacityProvider::Fargate => "FARGATE",
            CapacityProvider::FargateSpot => "FARGATE_SPOT",
            CapacityProvider::Asg(name) => name,
        }
    }

    pub fn is_fargate(&self) -> bool {
        !matches!(self, CapacityProvider::Asg(_))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityProviderItem {
    pub capacity_provider: CapacityProvider,
    #[serde(default)]
    pub base: u32,
    /// The API default is 0; at least one item needs a weight above 0.
    #[serde(default)]
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentConfigurationSpec {
    /// Left out: 100 for a REPLICA service, 0 for a DAEMON service ([`Self::minimum_healthy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_healthy_percent: Option<u32>,
    /// Left out: 200 for a REPLICA service, 100 for a DAEMON service ([`Self::maximum`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_percent: Option<u32>,
    #[serde(default)]
    pub deployment_circuit_breaker: CircuitBreakerSpec,
    /// `strategy`: ROLLING (the default), BLUE_GREEN, LINEAR or CANARY.
    #[serde(default, skip_serializing_if = "StrategySpec::is_rolling")]
    pub strategy: StrategySpec,
    /// `bakeTimeInMinutes`: both revisions keep running this long after the full shift.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bake_time_in_minutes: Option<u32>,
}

impl DeploymentConfigurationSpec {
    /// `minimumHealthyPercent`, or its default for the scheduling strategy.
    pub fn minimum_healthy(&self, strategy: SchedulingStrategy) -> u32 {
        self.minimum_healthy_percent
            .unwrap_or_else(|| defaults::minimum_healthy_percent(strategy))
    }

    /// `maximumPercent`, or its default for the scheduling strategy.
    pub fn maximum(&self, strategy: SchedulingStrategy) -> u32 {
        self.maximum_percent
            .unwrap_or_else(|| defaults::maximum_percent(strategy))
    }
}

/// Off by default, as in the API (the console turns it on).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitBreakerSpec {
    #[serde(default)]
    pub enable: bool,
    #[serde(default)]
    pub rollback: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancerSpec {
    pub target_group: String,
    pub container_name: String,
    pub container_port: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlacementStrategy {
    /// Balance tasks over the values of a field.
    Spread(SpreadField),
    /// Place on the instance with the least of this resource left.
    Binpack(BinpackField),
    Random,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpreadField {
    /// `attribute:ecs.availability-zone`
    AvailabilityZone,
    /// `instanceId` (alias `host`)
    InstanceId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BinpackField {
    Cpu,
    Memory,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PlacementConstraint {
    /// Every task on a different instance.
    DistinctInstance,
    /// A cluster query language expression, e.g. `attribute:ecs.instance-type =~ t3.*` or
    /// `attribute:ecs.availability-zone in [us-east-1a, us-east-1b]`.
    MemberOf(String),
}
