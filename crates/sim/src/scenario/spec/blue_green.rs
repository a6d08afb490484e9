//! Blue/green, linear and canary deployments of an ECS service: the CodeDeploy deployment
//! controller (`deploymentController: CODE_DEPLOY` with a deployment group) and ECS's own
//! strategies (`deploymentConfiguration.strategy` BLUE_GREEN / LINEAR / CANARY), the traffic
//! both shift between two target groups, their lifecycle hooks as scenario data, and the
//! CloudWatch alarm that can roll them back (docs/rules/ecs-blue-green.md).

use serde::{Deserialize, Serialize};

/// `deploymentController.type`. `Ecs` (the default) rolls tasks over, or shifts traffic when
/// the deployment configuration's `strategy` says so; `CodeDeploy` hands deployments to a
/// CodeDeploy deployment group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum DeploymentControllerSpec {
    #[default]
    Ecs,
    CodeDeploy(CodeDeploySpec),
}

impl DeploymentControllerSpec {
    pub fn is_ecs(&self) -> bool {
        *self == DeploymentControllerSpec::Ecs
    }
}

/// The CodeDeploy deployment group of the service (`deploymentStyle` BLUE_GREEN /
/// WITH_TRAFFIC_CONTROL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeDeploySpec {
    /// A predefined configuration (`CodeDeployDefault.ECSCanary10Percent5Minutes`, …).
    #[serde(default = "default_config_name")]
    pub deployment_config_name: String,
    /// `terminateBlueInstancesOnDeploymentSuccess.terminationWaitTimeInMinutes` (action
    /// TERMINATE). The classic ECS console's default is 60.
    #[serde(default = "default_termination_wait")]
    pub termination_wait_minutes: u32,
    /// `deploymentReadyOption {actionOnTimeout: STOP_DEPLOYMENT, waitTimeInMinutes}`: once the
    /// replacement task set is ready (and has passed its test traffic hooks) the deployment
    /// waits, status `Ready`, for `aws deploy continue-deployment --deployment-wait-type
    /// READY_WAIT` before production traffic moves; after this many minutes without it the
    /// deployment is `Stopped`. Left out: `CONTINUE_DEPLOYMENT`, traffic moves at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_wait_minutes: Option<u32>,
    /// `autoRollbackConfiguration`: roll back on DEPLOYMENT_FAILURE / DEPLOYMENT_STOP_ON_ALARM.
    #[serde(default)]
    pub auto_rollback: AutoRollbackSpec,
}

fn default_config_name() -> String {
    "CodeDeployDefault.ECSAllAtOnce".into()
}
fn default_termination_wait() -> u32 {
    60
}

/// `autoRollbackConfiguration.events` (the console turns both on by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoRollbackSpec {
    #[serde(default = "yes")]
    pub on_failure: bool,
    #[serde(default = "yes")]
    pub on_alarm: bool,
}

fn yes() -> bool {
    true
}

impl Default for AutoRollbackSpec {
    fn default() -> Self {
        AutoRollbackSpec {
            on_failure: true,
            on_alarm: true,
        }
    }
}

/// `deploymentConfiguration.strategy` of an ECS-controlled service.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum StrategySpec {
    #[default]
    Rolling,
    BlueGreen,
    Linear(#[serde(default)] LinearSpec),
    Canary(#[serde(default)] CanarySpec),
}

impl StrategySpec {
    pub fn is_rolling(&self) -> bool {
        *self == StrategySpec::Rolling
    }
    /// The API's spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            StrategySpec::Rolling => "ROLLING",
            StrategySpec::BlueGreen => "BLUE_GREEN",
            StrategySpec::Linear(_) => "LINEAR",
            StrategySpec::Canary(_) => "CANARY",
        }
    }
}

/// `linearConfiguration` (API defaults: 10 %, 6 minutes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearSpec {
    #[serde(default = "default_step_percent")]
    pub step_percent: f64,
    #[serde(default = "default_step_bake")]
    pub step_bake_time_in_minutes: u32,
}

fn default_step_percent() -> f64 {
    10.0
}
fn default_step_bake() -> u32 {
    6
}

impl Default for LinearSpec {
    fn default() -> Self {
        LinearSpec {
            step_percent: default_step_percent(),
            step_bake_time_in_minutes: default_step_bake(),
        }
    }
}

/// `canaryConfiguration` (API defaults: 5 %, 10 minutes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CanarySpec {
    #[serde(default = "default_canary_percent")]
    pub canary_percent: f64,
    #[serde(default = "default_canary_bake")]
    pub canary_bake_time_in_minutes: u32,
}

fn default_canary_percent() -> f64 {
    5.0
}
fn default_canary_bake() -> u32 {
    10
}

impl Default for CanarySpec {
    fn default() -> Self {
        CanarySpec {
            canary_percent: default_canary_percent(),
            canary_bake_time_in_minutes: default_canary_bake(),
        }
    }
}

/// What a blue/green service shifts traffic with, whichever controller runs it: the second
/// target group, the listeners, the lifecycle hooks, the alarms and the requests that reach it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficShiftSpec {
    /// The second target group (`alternateTargetGroupArn`; CodeDeploy's target group pair).
    /// The service's `load_balancers[0]` names the first.
    pub alternate_target_group: String,
    /// Port of the production listener of the load balancer.
    #[serde(default = "default_production_port")]
    pub production_listener: u16,
    /// Port of the optional test listener (same load balancer).
    #[serde(default)]
    pub test_listener: Option<u16>,
    /// Lifecycle hooks: CodeDeploy hook event names or ECS lifecycle stages.
    #[serde(default)]
    pub hooks: Vec<HookSpec>,
    /// CloudWatch alarms on the load balancer's 5xx count that stop the deployment.
    #[serde(default)]
    pub alarms: Vec<DeploymentAlarmSpec>,
    /// Requests per second the production listener receives (constant).
    #[serde(default = "default_rps")]
    pub requests_per_second: f64,
    /// Percentage of requests each revision answers with a 5xx, by task definition revision
    /// (left out: 0).
    #[serde(default)]
    pub error_percent: Vec<(u32, f64)>,
}

fn default_production_port() -> u16 {
    80
}
fn default_rps() -> f64 {
    100.0
}

/// A lifecycle hook (an AWS Lambda function) as scenario data: when it runs, how long it takes
/// and what it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookSpec {
    /// `AfterAllowTestTraffic` (CodeDeploy) or `POST_TEST_TRAFFIC_SHIFT` (ECS).
    pub stage: String,
    /// The function's name (shown in the log).
    #[serde(default = "default_hook_name")]
    pub function: String,
    /// Seconds from invocation to its answer.
    #[serde(default = "default_hook_seconds")]
    pub duration_seconds: u32,
    /// `true`: Succeeded; `false`: Failed. The answer of a hook without `answers`.
    #[serde(default = "yes")]
    pub succeeds: bool,
    /// `targetType` (ECS strategies): a Lambda function (the default) or a `Pause` that waits
    /// for `ContinueServiceDeployment`.
    #[serde(default)]
    pub target_type: HookTargetSpec,
    /// What the Lambda function answers at each invocation, in order; the last answer repeats.
    /// Left out: one answer, SUCCEEDED or FAILED after `succeeds` (ECS strategies only).
    #[serde(default)]
    pub answers: Vec<HookAnswerSpec>,
    /// `timeoutConfiguration` (ECS strategies; API defaults 1,440 minutes, ROLLBACK).
    #[serde(default)]
    pub timeout: Option<HookTimeoutSpec>,
}

/// `DeploymentLifecycleHook.targetType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HookTargetSpec {
    /// `AWS_LAMBDA`.
    #[default]
    Lambda,
    /// `PAUSE`.
    Pause,
}

/// One answer of a Lambda hook: `{"hookStatus": …, "callBackDelay": …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookAnswerSpec {
    pub hook_status: HookStatusSpec,
    /// Seconds before ECS invokes the function again after `InProgress` (default 30).
    #[serde(default)]
    pub call_back_delay: Option<u32>,
}

/// `hookStatus` as the function returns it; `Invalid` stands for a missing or unknown value or
/// an error of the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HookStatusSpec {
    Succeeded,
    Failed,
    InProgress,
    Invalid,
}

/// `timeoutConfiguration {timeoutInMinutes, action}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HookTimeoutSpec {
    #[serde(default = "default_hook_timeout")]
    pub timeout_in_minutes: u32,
    #[serde(default)]
    pub action: HookTimeoutAction,
}

/// `ContinueServiceDeployment.action` when left out: CONTINUE.
pub fn continue_by_default() -> HookTimeoutAction {
    HookTimeoutAction::Continue
}

fn default_hook_timeout() -> u32 {
    1_440
}

/// `timeoutConfiguration.action`, also `ContinueServiceDeployment`'s `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HookTimeoutAction {
    #[default]
    Rollback,
    Continue,
}

fn default_hook_name() -> String {
    "validate-deployment".into()
}
fn default_hook_seconds() -> u32 {
    30
}

/// A CloudWatch alarm on `HTTPCode_Target_5XX_Count` (Sum, period 60 s): ALARM when the sum is
/// greater than `threshold` for `evaluation_periods` periods in a row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentAlarmSpec {
    pub name: String,
    pub threshold: f64,
    #[serde(default = "one")]
    pub evaluation_periods: u32,
}

fn one() -> u32 {
    1
}
