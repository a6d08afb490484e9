//! Blue/green, linear and canary deployments (docs/rules/ecs-blue-green.md): CodeDeploy's
//! lifecycle events in order, the predefined configurations' schedules as listener weights
//! over time, the termination wait, failure and rollback on a hook or an alarm; ECS's LINEAR
//! strategy with its bake time. Sources: CodeDeploy User Guide (deployment-steps-ecs,
//! deployment-configurations, deployments-rollback-and-redeploy); Amazon ECS API Reference
//! (TaskSet, DeploymentConfiguration, LinearConfiguration).

use crate::common;

use common::EcsPart;

use std::sync::Arc;

use orca_sim::ecs::blue_green_read::{traffic_chart, traffic_view};
use orca_sim::ecs::ids::ServiceIdx;
use orca_sim::ecs::task_set::{BlueGreen, DeploymentState, TaskSetStatus};
use orca_sim::event::EventKind;
use orca_sim::time::{Millis, SimTime};
use orca_sim::{Scenario, Simulation};

const WEB: ServiceIdx = ServiceIdx(0);

/// A CodeDeploy service of 4 Fargate tasks (web:1), a deployment of web:2 at 0:30.
/// `controller` goes inside `CodeDeploy(…)`, `traffic` inside `traffic_shift: (…)`.
fn code_deploy(controller: &str, traffic: &str, duration: u32) -> Arc<Scenario> {
    common::parse(&code_deploy_src(controller, traffic, duration))
}

fn code_deploy_src(controller: &str, traffic: &str, duration: u32) -> String {
    format!(
        r#"(
    version: 1,
    title: "codedeploy",
    seed: 7,
    duration: {duration},
    world: Ecs(
        cluster: (name: "demo"),
        task_definitions: [
            (family: "web", revision: 1, cpu: 256, memory: 512, containers: [(name: "web", image: "web:v1", port: 80)]),
            (family: "web", revision: 2, cpu: 256, memory: 512, containers: [(name: "web", image: "web:v2", port: 80)]),
        ],
        target_groups: [
            (name: "tg-1", port: 80, target_type: Ip, deregistration_delay_seconds: 10),
            (name: "tg-2", port: 80, target_type: Ip, deregistration_delay_seconds: 10),
        ],
        services: [(
            name: "web", task_definition: "web:1", desired_count: 4, launch_type: Fargate,
            load_balancers: [(target_group: "tg-1", container_name: "web", container_port: 80)],
            deployment_controller: CodeDeploy({controller}),
            traffic_shift: (alternate_target_group: "tg-2", {traffic}),
        )],
    ),
    timeline: [(at: 30, action: CreateDeployment(service: "web", task_definition: "web:2"))],
)"#
    )
}

fn run(s: &Arc<Scenario>, secs: u64) -> Simulation {
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(SimTime::from_secs(secs));
    sim
}

fn bg(sim: &Simulation) -> &BlueGreen {
    sim.world()
        .ecs_cluster()
        .service(WEB)
        .blue_green
        .as_deref()
        .expect("a blue/green service")
}

/// (time, stage, status) of every lifecycle event line of deployment `id`.
fn lifecycle(sim: &Simulation, id: &str) -> Vec<(SimTime, String, String)> {
    sim.log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::LifecycleEvent {
                deployment,
                stage,
                status,
                ..
            } if deployment == id => Some((e.at, stage.to_string(), status.to_string())),
            _ => None,
        })
        .collect()
}

/// The moments the production weight of the replacement (tg-2) changed, and to what.
fn replacement_steps(sim: &Simulation) -> Vec<(SimTime, f64)> {
    let chart = traffic_chart(sim.world().ecs_cluster(), WEB).expect("a chart");
    chart.weights.iter().map(|(t, w)| (*t, w[1])).collect()
}

fn secs(t: SimTime) -> u64 {
    t.secs()
}

// CodeDeploy User Guide, deployment-steps-ecs: the lifecycle events run in this order; without
// a test listener AllowTestTraffic and AfterAllowTestTraffic are left out.
#[test]
fn lifecycle_events_run_in_the_documented_order() {
    let s = code_deploy(
        r#"deployment_config_name: "CodeDeployDefault.ECSAllAtOnce", termination_wait_minutes: 1"#,
        "test_listener: 8080",
        900,
    );
    let sim = run(&s, 900);
    let d = &bg(&sim).deployments[0];
    let succeeded: Vec<String> = lifecycle(&sim, &d.id)
        .into_iter()
        .filter(|(_, _, status)| status == "Succeeded")
        .map(|(_, stage, _)| stage)
        .collect();
    assert_eq!(
        succeeded,
        [
            "BeforeInstall",
            "Install",
            "AfterInstall",
            "AllowTestTraffic",
            "AfterAllowTestTraffic",
            "BeforeAllowTraffic",
            "AllowTraffic",
            "AfterAllowTraffic"
        ]
    );
    assert_eq!(d.state, DeploymentState::Succeeded);

    let s = code_deploy(
        r#"deployment_config_name: "CodeDeployDefault.ECSAllAtOnce", termination_wait_minutes: 1"#,
        "",
        900,
    );
    let sim = run(&s, 900);
    let d = &bg(&sim).deployments[0];
    let stages: Vec<String> = lifecycle(&sim, &d.id)
        .into_iter()
        .filter(|(_, _, status)| status == "Succeeded")
        .map(|(_, stage, _)| stage)
        .collect();
    assert!(
        !stages.iter().any(|s| s.contains("TestTraffic")),
        "{stages:?}"
    );
    assert_eq!(stages.len(), 6);
}

// Deployment configurations: ECSCanary10Percent5Minutes shifts 10 %, then the remaining 90 %
// five minutes later; the original task set goes after the termination wait.
#[test]
fn canary_shifts_10_percent_then_the_rest_after_5_minutes_and_terminates_the_original() {
    let s = code_deploy(
        r#"deployment_config_name: "CodeDeployDefault.ECSCanary10Percent5Minutes", termination_wait_minutes: 2"#,
        "",
        1200,
    );
    let sim = run(&s, 1200);
    let steps = replacement_steps(&sim);
    // [t0: 0 %], [t1: 10 %], [t1 + 5 min: 100 %]
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert_eq!(steps[1].1, 10.0);
    assert_eq!(steps[2].1, 100.0);
    assert_eq!(secs(steps[2].0) - secs(steps[1].0), 300);
    let b = bg(&sim);
    let d = &b.deployments[0];
    assert_eq!(d.state, DeploymentState::Succeeded);
    assert!(d.termination_wait_started);
    // The original is deleted; the replacement is PRIMARY with all 4 tasks.
    assert_eq!(b.task_sets.len(), 1);
    assert_eq!(Some(b.task_sets[0].id.as_str()), d.green.as_deref());
    assert_eq!(b.task_sets[0].status, TaskSetStatus::Primary);
    assert_eq!(b.task_sets[0].running_count, 4);
    // "(service web) updated computedDesiredCount for taskSet <blue> to 0." comes after the
    // two-minute wait that began at 100 %.
    let zero = sim
        .log()
        .iter()
        .find(|e| {
            e.message()
                == format!(
                    "(service web) updated computedDesiredCount for taskSet {} to 0.",
                    d.blue
                )
        })
        .expect("the original task set is scaled to 0");
    assert_eq!(secs(zero.at), secs(steps[2].0) + 120);
}

// ECSLinear10PercentEvery1Minutes: 10 % more every minute, 100 % nine minutes after the first.
#[test]
fn linear_10_percent_every_minute_reaches_100_after_9_minutes() {
    let s = code_deploy(
        r#"deployment_config_name: "CodeDeployDefault.ECSLinear10PercentEvery1Minutes", termination_wait_minutes: 0"#,
        "",
        1200,
    );
    let sim = run(&s, 1200);
    let steps: Vec<(SimTime, f64)> = replacement_steps(&sim).into_iter().skip(1).collect();
    let percents: Vec<f64> = steps.iter().map(|(_, p)| *p).collect();
    assert_eq!(
        percents,
        [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0]
    );
    assert_eq!(secs(steps[9].0) - secs(steps[0].0), 9 * 60);
}

// A hook that answers Failed fails the deployment with HOOK_EXECUTION_FAILURE; with rollback
// on, CodeDeploy starts a rollback deployment that reroutes to the original task set.
#[test]
fn a_failed_hook_rolls_back_to_the_original_task_set() {
    let s = code_deploy(
        r#"deployment_config_name: "CodeDeployDefault.ECSAllAtOnce""#,
        r#"test_listener: 8080, hooks: [(stage: "AfterAllowTestTraffic", duration_seconds: 20, succeeds: false)]"#,
        900,
    );
    let sim = run(&s, 900);
    let b = bg(&sim);
    assert_eq!(b.deployments.len(), 2);
    let (failed, rollback) = (&b.deployments[0], &b.deployments[1]);
    assert_eq!(failed.state, DeploymentState::Failed);
    assert_eq!(
        failed.error.as_ref().map(|e| e.code.as_str()),
        Some("HOOK_EXECUTION_FAILURE")
    );
    assert_eq!(rollback.creator, "codeDeployRollback");
    assert_eq!(rollback.state, DeploymentState::Succeeded);
    assert_eq!(
        failed
            .rollback
            .as_ref()
            .and_then(|r| r.rollback_deployment_id.as_deref()),
        Some(rollback.id.as_str())
    );
    // Production never moved; the test listener went back to tg-1.
    assert_eq!(b.production.weights, [100.0, 0.0]);
    assert_eq!(b.test.as_ref().map(|t| t.weights), Some([100.0, 0.0]));
    assert_eq!(b.task_sets.len(), 1);
    assert_eq!(b.task_sets[0].id, failed.blue);
    let live_v2 = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| t.is_live() && t.task_definition.0 == 1)
        .count();
    assert_eq!(live_v2, 0);
}

// "If BeforeInstall fails, rollback is not possible": there is no replacement yet.
#[test]
fn a_failed_before_install_hook_fails_without_a_rollback() {
    let s = code_deploy(
        r#"deployment_config_name: "CodeDeployDefault.ECSAllAtOnce""#,
        r#"hooks: [(stage: "BeforeInstall", duration_seconds: 5, succeeds: false)]"#,
        300,
    );
    let sim = run(&s, 300);
    let b = bg(&sim);
    assert_eq!(b.deployments.len(), 1);
    assert_eq!(b.deployments[0].state, DeploymentState::Failed);
    assert!(b.deployments[0].green.is_none());
    assert_eq!(b.task_sets.len(), 1);
}

/// The canary scenario's service, with the alarm and 5xx share of `traffic`.
fn canary_with_alarm(rollback_on_alarm: bool) -> Arc<Scenario> {
    code_deploy(
        &format!(
            r#"deployment_config_name: "CodeDeployDefault.ECSCanary10Percent5Minutes", auto_rollback: (on_failure: true, on_alarm: {rollback_on_alarm})"#
        ),
        r#"alarms: [(name: "web-5xx", threshold: 30)], requests_per_second: 100, error_percent: [(2, 20.0)]"#,
        900,
    )
}

// An alarm in ALARM stops the deployment (Stopped, ALARM_ACTIVE); rollback reroutes all
// traffic to the original at once, not on the canary's schedule.
#[test]
fn an_alarm_during_the_canary_stops_the_deployment_and_traffic_returns_at_once() {
    let sim = run(&canary_with_alarm(true), 900);
    let b = bg(&sim);
    let (stopped, rollback) = (&b.deployments[0], &b.deployments[1]);
    assert_eq!(stopped.state, DeploymentState::Stopped);
    let error = stopped.error.as_ref().expect("errorInformation");
    assert_eq!(error.code, "ALARM_ACTIVE");
    assert!(error.message.ends_with("Activated alarms: web-5xx"));
    assert_eq!(
        stopped
            .rollback
            .as_ref()
            .map(|r| r.rollback_message.clone()),
        Some(format!(
            "Deployment {} terminated. Automatic rollback is triggered with a DeploymentId {}.",
            stopped.id, rollback.id
        ))
    );
    let steps = replacement_steps(&sim);
    // 0 % → 10 % (canary) → 0 % (rollback), never 100 %.
    let percents: Vec<f64> = steps.iter().map(|(_, p)| *p).collect();
    assert_eq!(percents, [0.0, 10.0, 0.0]);
    let alarm_at = sim
        .log()
        .iter()
        .find(|e| matches!(&e.kind, EventKind::AlarmStateChanged { state, .. } if state == "ALARM"))
        .expect("the alarm fires")
        .at;
    assert_eq!(
        steps[2].0, alarm_at,
        "the reroute happens when the alarm fires"
    );
    assert!(secs(alarm_at) - secs(steps[1].0) < 300, "within the canary");
    assert_eq!(b.task_sets.len(), 1);
    assert_eq!(b.task_sets[0].id, stopped.blue);
}

// With DEPLOYMENT_STOP_ON_ALARM off the deployment stops and nothing is undone.
#[test]
fn without_rollback_on_alarm_the_canary_weights_stay() {
    let sim = run(&canary_with_alarm(false), 900);
    let b = bg(&sim);
    assert_eq!(b.deployments.len(), 1);
    assert_eq!(b.deployments[0].state, DeploymentState::Stopped);
    assert_eq!(b.production.weights, [90.0, 10.0]);
    assert_eq!(b.task_sets.len(), 2);
}

// The read model during the canary: 10 % on the replacement, the next shift five minutes after
// the first, the task sets labelled Blue and Green.
#[test]
fn the_read_model_shows_weights_stage_and_next_shift() {
    let s = code_deploy(
        r#"deployment_config_name: "CodeDeployDefault.ECSCanary10Percent5Minutes""#,
        "",
        900,
    );
    let full = run(&s, 900);
    let first = replacement_steps(&full)[1].0;
    let sim = run(&s, secs(first) + 10);
    let v = traffic_view(sim.world().ecs_cluster(), WEB).expect("a view");
    assert_eq!(v.controller, "CODE_DEPLOY");
    assert_eq!(
        v.listeners[0].weights,
        [("tg-1".to_string(), 90.0), ("tg-2".to_string(), 10.0)]
    );
    let d = v.deployment.expect("a deployment");
    assert_eq!(d.stage, "AllowTraffic");
    assert_eq!(d.status, "InProgress");
    assert_eq!(d.replacement_percent, 10.0);
    assert_eq!(d.next_shift_at, Some(first.plus(Millis::from_secs(300))));
    let labels: Vec<(&str, &str)> = v.task_sets.iter().map(|t| (t.label, t.status)).collect();
    assert_eq!(labels, [("Blue", "PRIMARY"), ("Green", "ACTIVE")]);
}

// ECS LINEAR (stepPercent 25, stepBakeTimeInMinutes 2) with bakeTimeInMinutes 3: 25 % more
// every 2 minutes, each step after its PRE_PRODUCTION_TRAFFIC_SHIFT hook (20 s; "invoked
// before every traffic shift step", API Reference, DeploymentLifecycleHook), so 100 % comes
// 3 × (2 min + 20 s) = 7 minutes after the first step; then both revisions for 3 minutes,
// then CLEAN_UP.
#[test]
fn ecs_linear_reaches_100_after_three_step_bakes_and_cleans_up_after_the_bake_time() {
    let s = common::built_in_named("ecs-linear-bake");
    let sim = run(&s, 1200);
    let steps: Vec<(SimTime, f64)> = replacement_steps(&sim).into_iter().skip(1).collect();
    let percents: Vec<f64> = steps.iter().map(|(_, p)| *p).collect();
    assert_eq!(percents, [25.0, 50.0, 75.0, 100.0]);
    assert_eq!(secs(steps[1].0) - secs(steps[0].0), 2 * 60 + 20);
    assert_eq!(secs(steps[3].0) - secs(steps[0].0), 7 * 60);
    let b = bg(&sim);
    let d = &b.deployments[0];
    assert_eq!(d.state, DeploymentState::Succeeded);
    let stages = lifecycle(&sim, &d.id);
    let bake_done = stages
        .iter()
        .find(|(_, stage, status)| stage == "BAKE_TIME" && status == "Succeeded")
        .expect("the bake time ends")
        .0;
    assert_eq!(secs(bake_done), secs(steps[3].0) + 180);
    assert_eq!(b.task_sets.len(), 1);
    assert_eq!(
        sim.world()
            .ecs_cluster()
            .task_definition(b.task_sets[0].task_definition)
            .revision,
        2
    );
}

// ECS rolls a failed service deployment back itself: ROLLBACK_SUCCESSFUL, the old revision
// keeps serving.
#[test]
fn an_ecs_hook_failure_rolls_the_service_deployment_back() {
    let src = std::fs::read_to_string(common::scenarios_dir().join("ecs-linear-bake.ron"))
        .expect("the scenario")
        .replace(
            r#"duration_seconds: 20, succeeds: true"#,
            r#"duration_seconds: 20, succeeds: false"#,
        );
    let s = common::parse(&src);
    let sim = run(&s, 1200);
    let b = bg(&sim);
    assert_eq!(b.deployments[0].state, DeploymentState::RolledBack);
    assert_eq!(b.deployments[0].state.ecs(), "ROLLBACK_SUCCESSFUL");
    assert_eq!(b.production.weights, [100.0, 0.0]);
    assert_eq!(b.task_sets.len(), 1);
    assert_eq!(b.task_sets[0].id, b.deployments[0].blue);
}

// The replacement task set must be steady within an hour; otherwise the deployment fails
// ("The deployment timed out while waiting for the replacement task set to become healthy.",
// observed) and, with rollback on failure, traffic never leaves the original.
#[test]
fn a_replacement_that_never_becomes_healthy_times_out_after_an_hour() {
    let src = code_deploy_src(
        r#"deployment_config_name: "CodeDeployDefault.ECSAllAtOnce""#,
        "",
        4200,
    )
    .replace(
        r#"image: "web:v2", port: 80)"#,
        r#"image: "web:v2", port: 80, behavior: (fails_health_checks: (after_seconds: 0, response: Status(500))))"#,
    );
    let sim = run(&common::parse(&src), 4200);
    let b = bg(&sim);
    let failed = &b.deployments[0];
    assert_eq!(failed.state, DeploymentState::Failed);
    let error = failed.error.as_ref().expect("errorInformation");
    assert_eq!(error.code, "TIMEOUT");
    assert_eq!(
        error.message,
        "The deployment timed out while waiting for the replacement task set to become healthy."
    );
    let install = &failed.stages[1];
    assert_eq!(install.name, "Install");
    let (start, end) = (install.start.expect("started"), install.end.expect("ended"));
    assert_eq!(end.since(start), Millis::from_secs(3600));
    assert_eq!(b.deployments[1].creator, "codeDeployRollback");
    assert_eq!(b.production.weights, [100.0, 0.0]);
    assert_eq!(b.task_sets.len(), 1);
    assert_eq!(b.task_sets[0].id, failed.blue);
}

// During the termination wait the original task set still runs, so an alarm still rolls the
// deployment back: traffic goes from 100 % on the replacement back to the original.
#[test]
fn an_alarm_during_the_termination_wait_still_rolls_back() {
    // 1 % errors: 6 a minute at the 10 % canary (below 30), 60 a minute at 100 %.
    let s = code_deploy(
        r#"deployment_config_name: "CodeDeployDefault.ECSCanary10Percent5Minutes", termination_wait_minutes: 10"#,
        r#"alarms: [(name: "web-5xx", threshold: 30)], requests_per_second: 100, error_percent: [(2, 1.0)]"#,
        1500,
    );
    let sim = run(&s, 1500);
    let b = bg(&sim);
    let stopped = &b.deployments[0];
    assert_eq!(stopped.state, DeploymentState::Stopped);
    assert!(stopped.termination_wait_started);
    let percents: Vec<f64> = replacement_steps(&sim).iter().map(|(_, p)| *p).collect();
    assert_eq!(percents, [0.0, 10.0, 100.0, 0.0]);
    assert_eq!(b.deployments[1].state, DeploymentState::Succeeded);
    assert_eq!(b.task_sets.len(), 1);
    assert_eq!(b.task_sets[0].id, stopped.blue);
    assert_eq!(b.task_sets[0].status, TaskSetStatus::Primary);
}

/// The CodeDeploy service with a test listener and `ready_wait_minutes`, and `timeline` entries
/// after the deployment at 0:30.
fn ready_wait(minutes: u32, timeline: &str, duration: u32) -> Arc<Scenario> {
    let src = code_deploy_src(
        &format!(
            r#"deployment_config_name: "CodeDeployDefault.ECSAllAtOnce", termination_wait_minutes: 1, ready_wait_minutes: {minutes}"#
        ),
        "test_listener: 8080",
        duration,
    )
    .replace(
        r#"task_definition: "web:2"))],"#,
        &format!(r#"task_definition: "web:2")){timeline}],"#),
    );
    common::parse(&src)
}

/// When the deployment's ready wait began (its `Ready` line).
fn ready_at(sim: &Simulation) -> SimTime {
    sim.log()
        .iter()
        .find(|e| e.message().contains(": Ready. The replacement task set"))
        .map(|e| e.at)
        .expect("the deployment became Ready")
}

// CodeDeploy API Reference, DeploymentReadyOption: with STOP_DEPLOYMENT the replacement gets no
// production traffic "unless traffic rerouting is started using ContinueDeployment"; the
// deployment's status meanwhile is Ready (DeploymentStatus).
#[test]
fn a_ready_wait_holds_production_traffic_until_continue_deployment() {
    let s = ready_wait(
        10,
        r#", (at: 300, action: ContinueDeployment(service: "web", wait_type: ReadyWait))"#,
        900,
    );
    let sim = run(&s, 299);
    let b = bg(&sim);
    let d = &b.deployments[0];
    assert_eq!(d.code_deploy_status(), "Ready");
    assert!(ready_at(&sim) < SimTime::from_secs(299));
    assert_eq!(
        b.production.weights,
        [100.0, 0.0],
        "production stays on web:1"
    );
    assert_eq!(
        b.test.as_ref().map(|t| t.weights),
        Some([0.0, 100.0]),
        "the test listener already points at web:2"
    );
    let stages: Vec<String> = lifecycle(&sim, &d.id)
        .into_iter()
        .map(|(_, stage, _)| stage)
        .collect();
    assert!(
        !stages
            .iter()
            .any(|s| s.contains("AllowTraffic") && !s.contains("Test"))
    );

    let sim = run(&s, 900);
    let b = bg(&sim);
    let d = &b.deployments[0];
    assert_eq!(d.state, DeploymentState::Succeeded);
    let allow = lifecycle(&sim, &d.id)
        .into_iter()
        .find(|(_, stage, status)| stage == "AllowTraffic" && status == "Succeeded")
        .map(|(at, _, _)| secs(at));
    assert_eq!(allow, Some(300), "production moves when someone continues");
    let steps: Vec<(u64, f64)> = replacement_steps(&sim)
        .into_iter()
        .map(|(t, p)| (secs(t), p))
        .collect();
    assert_eq!(steps.iter().find(|(_, p)| *p > 0.0), Some(&(300, 100.0)));
}

// "If traffic rerouting is not started before the end of the specified wait period, the
// deployment status is changed to Stopped" (DeploymentReadyOption). Production never moved.
#[test]
fn a_ready_wait_that_runs_out_stops_the_deployment_without_moving_traffic() {
    let s = ready_wait(2, "", 900);
    let sim = run(&s, 900);
    let b = bg(&sim);
    let d = &b.deployments[0];
    assert_eq!(d.state, DeploymentState::Stopped);
    assert_eq!(d.code_deploy_status(), "Stopped");
    assert_eq!(d.error.as_ref().map(|e| e.code.as_str()), Some("TIMEOUT"));
    assert_eq!(
        d.completed_at.map(secs),
        Some(secs(ready_at(&sim)) + 120),
        "stopped when the 2 minutes ran out"
    );
    assert!(replacement_steps(&sim).iter().all(|(_, p)| *p == 0.0));
    assert_eq!(b.production.weights, [100.0, 0.0]);
    assert_eq!(
        b.deployments.len(),
        1,
        "a timeout is not a rollback trigger"
    );
}

// A continue-deployment that comes before the replacement is ready changes nothing: the
// deployment still waits when it becomes Ready, and the log says why the request did nothing.
#[test]
fn continue_deployment_before_the_replacement_is_ready_is_refused() {
    let s = ready_wait(
        3,
        r#", (at: 40, action: ContinueDeployment(service: "web", wait_type: ReadyWait))"#,
        900,
    );
    let sim = run(&s, 900);
    let refused = sim
        .log()
        .iter()
        .find(|e| e.at == SimTime::from_secs(40) && e.message().contains("not in a ready state"));
    assert!(refused.is_some(), "the request is refused in the log");
    assert_eq!(bg(&sim).deployments[0].state, DeploymentState::Stopped);
}
