//! The plan of a blue/green deployment: a service's blue/green state built from its scenario
//! entry, the lifecycle events (CodeDeploy) or stages (ECS) a deployment walks through, and
//! the names and limits they use (docs/rules/ecs-blue-green.md).
//!
//! Sources: CodeDeploy User Guide, "What happens during an Amazon ECS deployment"
//! (<https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-steps-ecs.html>) and
//! "AppSpec 'hooks' section" (reference-appspec-file-structure-hooks.html#appspec-hooks-ecs);
//! Amazon ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html>).

use crate::ecs::cluster::Ctx;
use crate::ecs::ids::TargetGroupIdx;
use crate::ecs::lifecycle_hooks::{
    DEFAULT_CALL_BACK_DELAY, DEFAULT_TIMEOUT, HookAnswer, HookTarget,
};
use crate::ecs::task_set::{
    BlueGreen, Controller, DeploymentAlarm, Hook, Listener, Stage, StageKind, StageStatus,
};
use crate::ecs::traffic_shift::{self, Schedule};
use crate::elb::TargetGroup;
use crate::rng::hex;
use crate::scenario::spec::{
    DeploymentControllerSpec, HookSpec, HookStatusSpec, HookTargetSpec, HookTimeoutAction,
    ServiceSpec,
};
use crate::time::Millis;

/// The replacement task set must be steady within an hour ("The deployment timed out while
/// waiting for the replacement task set to become healthy", observed; ECS Developer Guide,
/// blue/green deployment with CodeDeploy).
pub const READY_TIMEOUT: Millis = Millis::from_secs(3600);

/// `READY_TIMEOUT`'s message.
pub const READY_TIMEOUT_MESSAGE: &str =
    "The deployment timed out while waiting for the replacement task set to become healthy.";

/// The CodeDeploy lifecycle events with a hook, in order (AppSpec hooks for ECS).
pub const CODE_DEPLOY_HOOKS: [&str; 5] = [
    "BeforeInstall",
    "AfterInstall",
    "AfterAllowTestTraffic",
    "BeforeAllowTraffic",
    "AfterAllowTraffic",
];

/// The ECS lifecycle stages that take a hook, in order (API Reference,
/// DeploymentLifecycleHook.lifecycleStages). RECONCILE_SERVICE runs only when a deployment
/// starts with more than one ACTIVE service revision, which Orca never has (one deployment at
/// a time), so a hook there is accepted and never invoked.
pub const ECS_HOOK_STAGES: [&str; 8] = [
    "RECONCILE_SERVICE",
    "PRE_SCALE_UP",
    "POST_SCALE_UP",
    "TEST_TRAFFIC_SHIFT",
    "POST_TEST_TRAFFIC_SHIFT",
    "PRE_PRODUCTION_TRAFFIC_SHIFT",
    "PRODUCTION_TRAFFIC_SHIFT",
    "POST_PRODUCTION_TRAFFIC_SHIFT",
];

/// "PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or PRODUCTION_TRAFFIC_SHIFT
/// stages. These stages are only valid for AWS_LAMBDA hooks" (API Reference,
/// DeploymentLifecycleHook; Developer Guide, pause-lifecycle-hooks).
pub const LAMBDA_ONLY_STAGES: [&str; 2] = ["TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT"];

/// The blue/green state of a service built from its scenario entry, or `None` for a rolling
/// service. Validation has checked the names.
pub fn from_spec(spec: &ServiceSpec, tgs: &[TargetGroup]) -> Option<Box<BlueGreen>> {
    let ts = spec.traffic_shift.as_ref()?;
    let strategy = &spec.deployment_configuration.strategy;
    let controller = match &spec.deployment_controller {
        DeploymentControllerSpec::CodeDeploy(cd) => Controller::CodeDeploy {
            config_name: cd.deployment_config_name.clone(),
            termination_wait: Millis::from_secs(u64::from(cd.termination_wait_minutes) * 60),
            ready_wait: cd
                .ready_wait_minutes
                .map(|m| Millis::from_secs(u64::from(m) * 60)),
            rollback_on_failure: cd.auto_rollback.on_failure,
            rollback_on_alarm: cd.auto_rollback.on_alarm,
        },
        DeploymentControllerSpec::Ecs if !strategy.is_rolling() => Controller::Ecs {
            strategy: strategy.as_str().to_string(),
            routing: traffic_shift::ecs_strategy(strategy),
            bake_time: Millis::from_secs(
                u64::from(
                    spec.deployment_configuration
                        .bake_time_in_minutes
                        .unwrap_or(0),
                ) * 60,
            ),
        },
        DeploymentControllerSpec::Ecs => return None,
    };
    let find = |name: &str| {
        tgs.iter()
            .position(|t| t.name == name)
            .map(|i| TargetGroupIdx(i as u32))
    };
    let lb = spec.load_balancers.first()?;
    let first = find(&lb.target_group)?;
    let second = find(&ts.alternate_target_group)?;
    Some(Box::new(BlueGreen {
        controller,
        target_groups: [first, second],
        container_name: lb.container_name.clone(),
        container_port: lb.container_port,
        production: Listener {
            port: ts.production_listener,
            weights: [100.0, 0.0],
        },
        test: ts.test_listener.map(|port| Listener {
            port,
            weights: [100.0, 0.0],
        }),
        task_sets: Vec::new(),
        deployments: Vec::new(),
        hooks: ts
            .hooks
            .iter()
            .map(|h| (h.stage.clone(), hook(h)))
            .collect(),
        alarms: ts
            .alarms
            .iter()
            .map(|a| DeploymentAlarm {
                name: a.name.clone(),
                threshold: a.threshold,
                evaluation_periods: a.evaluation_periods.max(1),
                state: crate::ecs::task_set::AlarmState::InsufficientData,
                breaching: 0,
            })
            .collect(),
        requests_per_second: ts.requests_per_second,
        error_percent: ts.error_percent.clone(),
        step_at: None,
        samples: Vec::new(),
        steady_reported: false,
    }))
}

/// A hook from its scenario entry. Without `answers` it answers once, SUCCEEDED or FAILED
/// after `succeeds` (the older form of the file, which keeps its meaning).
pub fn hook(h: &HookSpec) -> Hook {
    let answers = if h.answers.is_empty() {
        vec![if h.succeeds {
            HookAnswer::Succeeded
        } else {
            HookAnswer::Failed
        }]
    } else {
        h.answers
            .iter()
            .map(|a| match a.hook_status {
                HookStatusSpec::Succeeded => HookAnswer::Succeeded,
                HookStatusSpec::Failed => HookAnswer::Failed,
                HookStatusSpec::Invalid => HookAnswer::Invalid,
                HookStatusSpec::InProgress => HookAnswer::InProgress {
                    call_back_delay: a
                        .call_back_delay
                        .map_or(DEFAULT_CALL_BACK_DELAY, |s| Millis::from_secs(u64::from(s))),
                },
            })
            .collect()
    };
    let timeout = h.timeout.as_ref();
    Hook {
        function: h.function.clone(),
        target: match h.target_type {
            HookTargetSpec::Lambda => HookTarget::Lambda,
            HookTargetSpec::Pause => HookTarget::Pause,
        },
        duration: Millis::from_secs(u64::from(h.duration_seconds)),
        answers,
        timeout: timeout.map_or(DEFAULT_TIMEOUT, |t| {
            Millis::from_secs(u64::from(t.timeout_in_minutes) * 60)
        }),
        timeout_continues: timeout.is_some_and(|t| t.action == HookTimeoutAction::Continue),
    }
}

pub(super) fn stage(bg: &BlueGreen, name: &str, kind: StageKind, listed: bool) -> Stage {
    let hooked = match kind {
        StageKind::Hook => true,
        // ECS invokes Lambda hooks while test and production traffic shift.
        StageKind::TestTraffic | StageKind::ProductionStep { .. } => {
            !bg.controller.is_code_deploy()
        }
        _ => false,
    };
    Stage {
        name: name.to_string(),
        hook: if hooked {
            bg.hook_for(name).cloned()
        } else {
            None
        },
        kind,
        listed,
        status: StageStatus::Pending,
        start: None,
        end: None,
        due: None,
        shifts_done: 0,
        run: None,
    }
}

/// CodeDeploy's lifecycle events for ECS, in order; without a test listener the two test
/// traffic events are left out (CodeDeploy User Guide, deployment-steps-ecs). The wait before
/// the original task set is terminated and its termination are steps of the deployment, not
/// lifecycle events.
pub(super) fn code_deploy_stages(
    bg: &BlueGreen,
    schedule: Schedule,
    wait: Millis,
    ready_wait: Option<Millis>,
) -> Vec<Stage> {
    let mut v = vec![
        stage(bg, "BeforeInstall", StageKind::Hook, true),
        stage(bg, "Install", StageKind::Install, true),
        stage(bg, "AfterInstall", StageKind::Hook, true),
    ];
    if bg.test.is_some() {
        v.push(stage(bg, "AllowTestTraffic", StageKind::TestTraffic, true));
        v.push(stage(bg, "AfterAllowTestTraffic", StageKind::Hook, true));
    }
    // With STOP_DEPLOYMENT the replacement, installed and tested, waits for someone to
    // reroute traffic before the production events begin [inferred: the ready wait sits
    // between the test traffic events and BeforeAllowTraffic, as CodeDeploy's console shows
    // "Wait for the replacement to be ready" before "Reroute traffic"]. Not a lifecycle event.
    if let Some(ready) = ready_wait {
        v.push(stage(bg, "ReadyWait", StageKind::ReadyWait(ready), false));
    }
    v.push(stage(bg, "BeforeAllowTraffic", StageKind::Hook, true));
    v.push(stage(
        bg,
        "AllowTraffic",
        StageKind::ProductionTraffic(schedule),
        true,
    ));
    v.push(stage(bg, "AfterAllowTraffic", StageKind::Hook, true));
    v.push(stage(bg, "Wait", StageKind::Wait(wait), false));
    v.push(stage(
        bg,
        "TerminateOriginalTaskSet",
        StageKind::CleanUp,
        false,
    ));
    v
}

/// ECS's lifecycle stages. RECONCILE_SERVICE, which runs only with more than one active
/// revision, is left out (Orca runs one deployment at a time). A linear or canary shift
/// repeats PRE_PRODUCTION_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT for every step ("For
/// linear and canary deployments, this stage is invoked before every traffic shift step",
/// API Reference, DeploymentLifecycleHook); each step holds for the step bake time after its
/// weights change, so a hook's time adds to the schedule [inferred: the order of a step's
/// hook and its bake time is not published].
pub(super) fn ecs_stages(bg: &BlueGreen, schedule: Schedule, bake: Millis) -> Vec<Stage> {
    let mut v = vec![
        stage(bg, "PRE_SCALE_UP", StageKind::Hook, true),
        stage(bg, "SCALE_UP", StageKind::Install, true),
        stage(bg, "POST_SCALE_UP", StageKind::Hook, true),
        stage(bg, "TEST_TRAFFIC_SHIFT", StageKind::TestTraffic, true),
        stage(bg, "POST_TEST_TRAFFIC_SHIFT", StageKind::Hook, true),
    ];
    let steps = &schedule.steps;
    for (k, &(at, percent)) in steps.iter().enumerate() {
        let next = steps.get(k + 1).map(|(n, _)| *n);
        let hold = next.map_or(Millis::ZERO, |n| Millis(n.0.saturating_sub(at.0)));
        v.push(stage(
            bg,
            "PRE_PRODUCTION_TRAFFIC_SHIFT",
            StageKind::Hook,
            true,
        ));
        v.push(stage(
            bg,
            "PRODUCTION_TRAFFIC_SHIFT",
            StageKind::ProductionStep {
                percent,
                hold,
                last: next.is_none(),
            },
            true,
        ));
    }
    v.push(stage(
        bg,
        "POST_PRODUCTION_TRAFFIC_SHIFT",
        StageKind::Hook,
        true,
    ));
    v.push(stage(bg, "BAKE_TIME", StageKind::Wait(bake), true));
    v.push(stage(bg, "CLEAN_UP", StageKind::CleanUp, true));
    v
}

/// Why a deployment could not be created (the API's error).
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

impl Refused {
    /// `An error occurred (Code) when calling the Operation operation: message`.
    pub fn cli_error(&self, operation: &str) -> String {
        format!(
            "An error occurred ({}) when calling the {operation} operation: {}",
            self.code, self.message
        )
    }
}

/// The `aws deploy create-deployment` line of a deployment of `task_definition`, with the
/// application and deployment group names the ECS console gives a service's CodeDeploy setup
/// (`AppECS-<cluster>-<service>`, `DgpECS-<cluster>-<service>`).
pub fn create_deployment_cli(cluster: &str, service: &str, task_definition: &str) -> String {
    format!(
        "aws deploy create-deployment --application-name AppECS-{cluster}-{service} --deployment-group-name DgpECS-{cluster}-{service} --revision 'revisionType=AppSpecContent,appSpecContent={{content=TaskDefinition: {task_definition}}}'"
    )
}

/// `d-` and nine characters, as CodeDeploy names deployments (`d-RPCR1U3TW`).
pub(super) fn code_deploy_id(ctx: &mut Ctx) -> String {
    format!("d-{}", hex(&mut ctx.rngs.ids, 9).to_uppercase())
}

/// Listener weights giving `percent` to `slot` and the rest to the other target group.
pub(super) fn weights_for(slot: usize, percent: f64) -> [f64; 2] {
    let mut w = [100.0 - percent, 100.0 - percent];
    w[slot] = percent;
    w
}

/// `10`, `12.5`.
pub fn fmt_percent(p: f64) -> String {
    let r = (p * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}
