//! Blue/green services: the CodeDeploy deployment controller and ECS's BLUE_GREEN, LINEAR and
//! CANARY strategies — two target groups, listeners, a known deployment configuration,
//! percentages and bake times in range, hooks at stages that exist, alarms — and the timeline
//! actions that deploy them (docs/rules/ecs-blue-green.md).

use std::collections::HashSet;

use super::Problems;
use super::common::{check_limit, check_range, list};
use super::ecs_index::EcsIndex;
use super::task_definition::{FitAt, task_definition_fits};
use crate::ecs::deploy_plan::{CODE_DEPLOY_HOOKS, ECS_HOOK_STAGES, LAMBDA_ONLY_STAGES};
use crate::ecs::traffic_shift::{PREDEFINED, predefined};
use crate::scenario::limits::{
    BAKE_MINUTES, CALL_BACK_SECONDS, DEPLOYMENT_ALARMS, EVALUATION_PERIODS, HOOK_ANSWERS,
    HOOK_SECONDS, HOOK_TIMEOUT_MINUTES, MAX_REQUESTS_PER_SECOND, PORT, READY_WAIT_MINUTES,
    TERMINATION_WAIT_MINUTES,
};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{
    Action, DeploymentControllerSpec, HookSpec, HookTargetSpec, SchedulingStrategy, ServiceSpec,
    StrategySpec, TrafficShiftSpec,
};

pub(super) fn service(out: &mut Problems, ix: &EcsIndex, svc: &ServiceSpec, p: &Path) {
    let strategy = &svc.deployment_configuration.strategy;
    let dp = p.field("deployment_configuration");
    let code_deploy = match &svc.deployment_controller {
        DeploymentControllerSpec::CodeDeploy(cd) => {
            let cp = p.field("deployment_controller");
            if predefined(&cd.deployment_config_name).is_none() {
                out.push((
                    cp.field("deployment_config_name"),
                    format!(
                        "deployment configuration {} is not one Orca knows; valid: {}",
                        quoted(&cd.deployment_config_name),
                        PREDEFINED
                            .iter()
                            .map(|(n, _)| quoted(n))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
            check_limit(
                out,
                cp.field("termination_wait_minutes"),
                "termination_wait_minutes",
                cd.termination_wait_minutes,
                TERMINATION_WAIT_MINUTES,
                " minutes",
            );
            if let Some(wait) = cd.ready_wait_minutes {
                check_limit(
                    out,
                    cp.field("ready_wait_minutes"),
                    "ready_wait_minutes",
                    wait,
                    READY_WAIT_MINUTES,
                    " minutes",
                );
            }
            if !strategy.is_rolling() {
                out.push((
                    dp.field("strategy"),
                    format!(
                        "strategy {} belongs to the ECS deployment controller; with CodeDeploy the deployment configuration name decides how traffic shifts",
                        strategy.as_str()
                    ),
                ));
            }
            true
        }
        DeploymentControllerSpec::Ecs => false,
    };
    if !svc.is_blue_green() {
        if svc.traffic_shift.is_some() {
            out.push((
                p.field("traffic_shift"),
                "traffic_shift is used only by a service with deployment_controller CodeDeploy(…) or a strategy BlueGreen, Linear(…) or Canary(…); this service rolls its tasks".into(),
            ));
        }
        if svc.deployment_configuration.bake_time_in_minutes.is_some() {
            out.push((
                dp.field("bake_time_in_minutes"),
                "bake_time_in_minutes applies to the BlueGreen, Linear and Canary strategies, not to a rolling update".into(),
            ));
        }
        return;
    }
    let what = if code_deploy {
        "the CODE_DEPLOY deployment controller"
    } else {
        "a BLUE_GREEN, LINEAR or CANARY strategy"
    };
    if svc.scheduling_strategy == SchedulingStrategy::Daemon {
        out.push((
            p.field("scheduling_strategy"),
            format!("a DAEMON service cannot use {what}; use scheduling_strategy Replica"),
        ));
    }
    strategy_numbers(out, svc, &dp);
    let Some(ts) = &svc.traffic_shift else {
        out.push((
            p.field("name"),
            format!(
                "service {} uses {what} but has no traffic_shift: it needs two target groups (load_balancers[0] and traffic_shift.alternate_target_group) and a production listener",
                quoted(&svc.name)
            ),
        ));
        return;
    };
    let tp = p.field("traffic_shift");
    match svc.load_balancers.as_slice() {
        [] => out.push((
            p.field("load_balancers"),
            format!("{what} needs two target groups; load_balancers is empty, so there is not even the first"),
        )),
        [first] => {
            if first.target_group == ts.alternate_target_group {
                out.push((
                    tp.field("alternate_target_group"),
                    format!(
                        "the alternate target group must differ from load_balancers[0] ({}); {what} shifts traffic between two target groups",
                        quoted(&first.target_group)
                    ),
                ));
            }
        }
        [_, ..] => out.push((
            p.field("load_balancers"),
            format!("{what}: Orca models one load balancer entry (the first target group); the second goes in traffic_shift.alternate_target_group"),
        )),
    }
    if ix.target_group(&ts.alternate_target_group).is_none() {
        out.push((
            tp.field("alternate_target_group"),
            format!(
                "target group {} is not defined; {}",
                quoted(&ts.alternate_target_group),
                list(ix.w.target_groups.iter().map(|t| t.name.as_str()))
            ),
        ));
    }
    traffic(out, ix, svc, ts, &tp, code_deploy);
}

/// Percentages and bake times of the ECS strategies (Amazon ECS API Reference,
/// DeploymentConfiguration, LinearConfiguration, CanaryConfiguration).
fn strategy_numbers(out: &mut Problems, svc: &ServiceSpec, dp: &Path) {
    let dc = &svc.deployment_configuration;
    if let Some(b) = dc.bake_time_in_minutes {
        check_limit(
            out,
            dp.field("bake_time_in_minutes"),
            "bake_time_in_minutes",
            b,
            BAKE_MINUTES,
            " minutes",
        );
    } else if dc.strategy == StrategySpec::BlueGreen {
        out.push((
            dp.field("strategy"),
            "strategy BlueGreen needs bake_time_in_minutes (0–1440): how long both revisions run after the shift".into(),
        ));
    }
    let sp = dp.field("strategy");
    match &dc.strategy {
        StrategySpec::Linear(l) => {
            if !l.step_percent.is_finite() || !(3.0..=100.0).contains(&l.step_percent) {
                out.push((
                    sp.field("step_percent"),
                    format!(
                        "step_percent {} is out of range; valid: 3.0–100.0",
                        l.step_percent
                    ),
                ));
            }
            check_limit(
                out,
                sp.field("step_bake_time_in_minutes"),
                "step_bake_time_in_minutes",
                l.step_bake_time_in_minutes,
                BAKE_MINUTES,
                " minutes",
            );
        }
        StrategySpec::Canary(c) => {
            if !c.canary_percent.is_finite() || !(0.1..=100.0).contains(&c.canary_percent) {
                out.push((
                    sp.field("canary_percent"),
                    format!(
                        "canary_percent {} is out of range; valid: 0.1–100.0",
                        c.canary_percent
                    ),
                ));
            }
            check_limit(
                out,
                sp.field("canary_bake_time_in_minutes"),
                "canary_bake_time_in_minutes",
                c.canary_bake_time_in_minutes,
                BAKE_MINUTES,
                " minutes",
            );
        }
        StrategySpec::Rolling | StrategySpec::BlueGreen => {}
    }
}

fn traffic(
    out: &mut Problems,
    ix: &EcsIndex,
    svc: &ServiceSpec,
    ts: &TrafficShiftSpec,
    tp: &Path,
    code_deploy: bool,
) {
    check_limit(
        out,
        tp.field("production_listener"),
        "production_listener",
        ts.production_listener,
        PORT,
        "",
    );
    if let Some(t) = ts.test_listener {
        check_limit(out, tp.field("test_listener"), "test_listener", t, PORT, "");
        if t == ts.production_listener {
            out.push((
                tp.field("test_listener"),
                format!(
                    "the test listener needs a port of its own; {t} is the production listener's"
                ),
            ));
        }
    }
    let stages: &[&str] = if code_deploy {
        &CODE_DEPLOY_HOOKS
    } else {
        &ECS_HOOK_STAGES
    };
    let mut seen = HashSet::new();
    for (i, h) in ts.hooks.iter().enumerate() {
        let hp = tp.field("hooks").index(i);
        if !stages.contains(&h.stage.as_str()) {
            out.push((
                hp.field("stage"),
                format!(
                    "{} is not a lifecycle {} that takes a hook here; valid: {}",
                    quoted(&h.stage),
                    if code_deploy { "event" } else { "stage" },
                    stages
                        .iter()
                        .map(|s| quoted(s))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        } else if !seen.insert(h.stage.as_str()) {
            out.push((
                hp.field("stage"),
                format!(
                    "a second hook for {}; each lifecycle event runs one hook function",
                    quoted(&h.stage)
                ),
            ));
        }
        if code_deploy && ts.test_listener.is_none() && h.stage == "AfterAllowTestTraffic" {
            out.push((
                hp.field("stage"),
                "AfterAllowTestTraffic happens only with a test listener; add traffic_shift.test_listener".into(),
            ));
        }
        check_limit(
            out,
            hp.field("duration_seconds"),
            "duration_seconds",
            h.duration_seconds,
            HOOK_SECONDS,
            " s",
        );
        hook_target(out, h, &hp, code_deploy);
    }
    if ts.alarms.len() > DEPLOYMENT_ALARMS {
        out.push((
            tp.field("alarms"),
            format!(
                "{} alarms; a deployment watches at most {DEPLOYMENT_ALARMS}",
                ts.alarms.len()
            ),
        ));
    }
    let mut names = HashSet::new();
    for (i, a) in ts.alarms.iter().enumerate() {
        let ap = tp.field("alarms").index(i);
        if a.name.trim().is_empty() || !names.insert(a.name.as_str()) {
            out.push((
                ap.field("name"),
                format!("alarm name {} is empty or used twice", quoted(&a.name)),
            ));
        }
        if !a.threshold.is_finite() || a.threshold < 0.0 {
            out.push((
                ap.field("threshold"),
                format!(
                    "threshold {} is not a count of 5xx responses; valid: 0 or more",
                    a.threshold
                ),
            ));
        }
        check_limit(
            out,
            ap.field("evaluation_periods"),
            "evaluation_periods",
            a.evaluation_periods,
            EVALUATION_PERIODS,
            "",
        );
    }
    if !ts.requests_per_second.is_finite() {
        out.push((
            tp.field("requests_per_second"),
            "requests_per_second is not a number".into(),
        ));
    } else {
        check_range(
            out,
            tp.field("requests_per_second"),
            "requests_per_second",
            ts.requests_per_second,
            0.0,
            MAX_REQUESTS_PER_SECOND,
            "",
        );
    }
    let mut revisions = HashSet::new();
    for (i, (rev, pct)) in ts.error_percent.iter().enumerate() {
        let ep = tp.field("error_percent").index(i);
        if !revisions.insert(*rev) {
            out.push((ep.clone(), format!("revision {rev} is listed twice")));
        }
        ix.revision_ref(out, svc, *rev, ep.clone());
        if !pct.is_finite() || !(0.0..=100.0).contains(pct) {
            out.push((
                ep,
                format!("error percentage {pct} is out of range; valid: 0.0–100.0"),
            ));
        }
    }
}

/// `CreateDeployment`: a CodeDeploy service and a task definition that exists and fits.
pub(super) fn create_deployment(
    out: &mut Problems,
    ix: &EcsIndex,
    service: &str,
    task_definition: &str,
    ap: &Path,
) {
    let svc = ix.service_ref(out, service, ap.field("service"));
    if let Some(svc) = svc
        && svc.deployment_controller.is_ecs()
    {
        out.push((
            ap.field("service"),
            format!(
                "service {} has no CodeDeploy deployment group (deployment_controller is Ecs); deploy it with UpdateService",
                quoted(service)
            ),
        ));
    }
    let tp = ap.field("task_definition");
    match ix.find_td(task_definition) {
        Ok(td) => {
            if let Some(svc) = svc {
                task_definition_fits(out, ix, svc, td, FitAt::Update(&tp));
            }
        }
        Err(e) => out.push((tp, e)),
    }
}

/// `UpdateService` on a CodeDeploy service may not change its task definition or force a new
/// deployment (observed error of UpdateService, boto/boto3#1936).
pub(super) fn update_service(
    out: &mut Problems,
    svc: &ServiceSpec,
    task_definition: Option<&str>,
    force_new_deployment: bool,
    ap: &Path,
) {
    if svc.deployment_controller.is_ecs() {
        return;
    }
    if task_definition.is_some() {
        out.push((
            ap.field("task_definition"),
            "Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment (CreateDeployment).".into(),
        ));
    }
    if force_new_deployment {
        out.push((
            ap.field("force_new_deployment"),
            "Cannot force a new deployment on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment (CreateDeployment).".into(),
        ));
    }
}

/// `ContinueServiceDeployment` and `StopServiceDeployment` act on a service with an ECS
/// BLUE_GREEN, LINEAR or CANARY strategy (the first needs a PAUSE hook to act on);
/// `StopDeployment` and `ContinueDeployment` on a CodeDeploy service.
pub(super) fn deploy_control(out: &mut Problems, ix: &EcsIndex, a: &Action, ap: &Path) {
    let (service, wants_code_deploy) = match a {
        Action::ContinueServiceDeployment { service, .. }
        | Action::StopServiceDeployment { service } => (service, false),
        Action::StopDeployment { service, .. } | Action::ContinueDeployment { service, .. } => {
            (service, true)
        }
        _ => return,
    };
    let Some(svc) = ix.service_ref(out, service, ap.field("service")) else {
        return;
    };
    let code_deploy = !svc.deployment_controller.is_ecs();
    if wants_code_deploy && !code_deploy {
        out.push((
            ap.field("service"),
            format!(
                "service {} has no CodeDeploy deployment (deployment_controller is Ecs); use StopServiceDeployment or ContinueServiceDeployment for an ECS deployment",
                quoted(service)
            ),
        ));
    } else if !wants_code_deploy && (code_deploy || !svc.is_blue_green()) {
        out.push((
            ap.field("service"),
            format!(
                "service {} has no ECS blue/green deployment to act on; this action needs deployment_controller Ecs with a strategy BlueGreen, Linear(…) or Canary(…){}",
                quoted(service),
                if code_deploy { " (use StopDeployment or ContinueDeployment for CodeDeploy)" } else { "" }
            ),
        ));
    } else if matches!(a, Action::ContinueServiceDeployment { .. })
        && !svc.traffic_shift.as_ref().is_some_and(|ts| {
            ts.hooks
                .iter()
                .any(|h| h.target_type == HookTargetSpec::Pause)
        })
    {
        out.push((
            ap.clone(),
            format!(
                "ContinueServiceDeployment releases a PAUSE hook, but service {} has none; add a hook with target_type: Pause",
                quoted(service)
            ),
        ));
    }
}

/// What only ECS's hooks have (target type, answers, timeout), and what each allows: a PAUSE
/// hook not at a Lambda-only stage and without answers; answers and delays in range
/// (API Reference, DeploymentLifecycleHook, DeploymentLifecycleHookTimeoutConfiguration).
fn hook_target(out: &mut Problems, h: &HookSpec, hp: &Path, code_deploy: bool) {
    let pause = h.target_type == HookTargetSpec::Pause;
    if code_deploy {
        let extra = [
            (pause, "target_type"),
            (!h.answers.is_empty(), "answers"),
            (h.timeout.is_some(), "timeout"),
        ];
        for (given, field) in extra {
            if given {
                out.push((
                    hp.field(field),
                    format!(
                        "{field} belongs to ECS's lifecycle hooks (deployment_controller Ecs); a CodeDeploy hook is a Lambda function that answers Succeeded or Failed (use succeeds)"
                    ),
                ));
            }
        }
        return;
    }
    if pause && LAMBDA_ONLY_STAGES.contains(&h.stage.as_str()) {
        out.push((
            hp.field("target_type"),
            format!(
                "a Pause hook cannot run at {}: TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT take only Lambda hooks; valid stages for Pause: {}",
                h.stage,
                ECS_HOOK_STAGES
                    .iter()
                    .filter(|s| !LAMBDA_ONLY_STAGES.contains(s))
                    .map(|s| quoted(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    if pause && !h.answers.is_empty() {
        out.push((
            hp.field("answers"),
            "a Pause hook has no function to answer; it waits for ContinueServiceDeployment (leave answers out, or use target_type: Lambda)".into(),
        ));
    }
    if h.answers.len() > HOOK_ANSWERS {
        out.push((
            hp.field("answers"),
            format!(
                "{} answers; Orca scripts at most {HOOK_ANSWERS} (the last answer repeats)",
                h.answers.len()
            ),
        ));
    }
    for (j, a) in h.answers.iter().enumerate() {
        if let Some(d) = a.call_back_delay {
            check_limit(
                out,
                hp.field("answers").index(j).field("call_back_delay"),
                "call_back_delay",
                d,
                CALL_BACK_SECONDS,
                " s",
            );
        }
    }
    if let Some(t) = &h.timeout {
        check_limit(
            out,
            hp.field("timeout").field("timeout_in_minutes"),
            "timeout_in_minutes",
            t.timeout_in_minutes,
            HOOK_TIMEOUT_MINUTES,
            " minutes",
        );
    }
}
