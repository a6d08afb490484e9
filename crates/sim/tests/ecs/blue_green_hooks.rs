//! ECS-native lifecycle hooks (docs/rules/ecs-blue-green.md, "Lifecycle hooks"): a hook at
//! every hookable stage in the documented order, PRE_PRODUCTION_TRAFFIC_SHIFT and
//! PRODUCTION_TRAFFIC_SHIFT at every step of a linear or canary shift, Lambda answers as a
//! sequence (IN_PROGRESS re-invoked after 30 s or callBackDelay), timeouts with ROLLBACK or
//! CONTINUE, PAUSE hooks released by ContinueServiceDeployment, StopServiceDeployment, and
//! CodeDeploy's StopDeployment / ContinueDeployment. Sources: Amazon ECS Developer Guide,
//! deployment-lifecycle-hooks, lambda-lifecycle-hooks, pause-lifecycle-hooks,
//! continue-service-deployment, stop-service-deployment; ECS API Reference,
//! DeploymentLifecycleHook, DeploymentLifecycleHookTimeoutConfiguration; CodeDeploy API
//! Reference, StopDeployment, ContinueDeployment.

use crate::common;

use common::EcsPart;

use std::sync::Arc;

use orca_sim::ecs::ids::ServiceIdx;
use orca_sim::ecs::task_set::{BlueGreen, DeploymentState};
use orca_sim::event::EventKind;
use orca_sim::time::SimTime;
use orca_sim::{Scenario, Simulation};

const WEB: ServiceIdx = ServiceIdx(0);

/// An ECS service of 2 Fargate tasks (web:1) with `strategy`, `hooks` in its traffic shift and
/// an update to web:2 at 0:30 followed by `timeline`.
fn ecs(strategy: &str, hooks: &str, timeline: &str) -> Arc<Scenario> {
    common::parse(&format!(
        r#"(
    version: 1,
    title: "hooks",
    seed: 7,
    duration: 3600,
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
            name: "web", task_definition: "web:1", desired_count: 2, launch_type: Fargate,
            load_balancers: [(target_group: "tg-1", container_name: "web", container_port: 80)],
            deployment_configuration: (strategy: {strategy}, bake_time_in_minutes: 1),
            traffic_shift: (alternate_target_group: "tg-2", test_listener: 8080, hooks: [{hooks}]),
        )],
    ),
    timeline: [(at: 30, action: UpdateService(service: "web", task_definition: "web:2")), {timeline}],
)"#
    ))
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

/// (seconds, stage, status, message) of every lifecycle line.
fn lines(sim: &Simulation) -> Vec<(u64, String, String, String)> {
    sim.log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::LifecycleEvent { stage, status, .. } => Some((
                e.at.secs(),
                stage.to_string(),
                status.to_string(),
                e.message().into_owned(),
            )),
            _ => None,
        })
        .collect()
}

/// The stages at which a hook was invoked (first invocations), in order.
fn invoked(sim: &Simulation) -> Vec<String> {
    lines(sim)
        .into_iter()
        .filter(|(_, _, _, m)| m.contains(": InProgress, hook "))
        .map(|(_, stage, _, _)| stage)
        .collect()
}

/// A Lambda hook at `stage` answering SUCCEEDED after 5 s.
fn lambda(stage: &str) -> String {
    format!(r#"(stage: "{stage}", function: "check", duration_seconds: 5),"#)
}

fn all_stages() -> String {
    [
        "PRE_SCALE_UP",
        "POST_SCALE_UP",
        "TEST_TRAFFIC_SHIFT",
        "POST_TEST_TRAFFIC_SHIFT",
        "PRE_PRODUCTION_TRAFFIC_SHIFT",
        "PRODUCTION_TRAFFIC_SHIFT",
        "POST_PRODUCTION_TRAFFIC_SHIFT",
    ]
    .iter()
    .map(|s| lambda(s))
    .collect()
}

// BLUE_GREEN: one hook at each hookable stage, in the documented order (RECONCILE_SERVICE
// runs only with more than one ACTIVE revision, which this service never has).
#[test]
fn blue_green_invokes_every_stage_hook_in_order() {
    let sim = run(&ecs("BlueGreen", &all_stages(), ""), 1200);
    assert_eq!(
        invoked(&sim),
        [
            "PRE_SCALE_UP",
            "POST_SCALE_UP",
            "TEST_TRAFFIC_SHIFT",
            "POST_TEST_TRAFFIC_SHIFT",
            "PRE_PRODUCTION_TRAFFIC_SHIFT",
            "PRODUCTION_TRAFFIC_SHIFT",
            "POST_PRODUCTION_TRAFFIC_SHIFT",
        ]
    );
    assert_eq!(bg(&sim).deployments[0].state, DeploymentState::Succeeded);
}

// LINEAR 25 %: PRE_PRODUCTION_TRAFFIC_SHIFT before every one of the four steps and
// PRODUCTION_TRAFFIC_SHIFT at every step.
#[test]
fn linear_runs_the_production_hooks_at_every_step() {
    let strategy = "Linear(step_percent: 25.0, step_bake_time_in_minutes: 1)";
    let sim = run(&ecs(strategy, &all_stages(), ""), 1800);
    let production: Vec<String> = invoked(&sim)
        .into_iter()
        .filter(|s| s.contains("PRODUCTION"))
        .collect();
    let mut expected = Vec::new();
    for _ in 0..4 {
        expected.push("PRE_PRODUCTION_TRAFFIC_SHIFT");
        expected.push("PRODUCTION_TRAFFIC_SHIFT");
    }
    expected.push("POST_PRODUCTION_TRAFFIC_SHIFT");
    assert_eq!(production, expected);
    assert_eq!(bg(&sim).deployments[0].state, DeploymentState::Succeeded);
}

// CANARY: two steps (the canary, then the rest), each with both production hooks.
#[test]
fn canary_runs_the_production_hooks_at_both_steps() {
    let strategy = "Canary(canary_percent: 10.0, canary_bake_time_in_minutes: 2)";
    let hooks = lambda("PRE_PRODUCTION_TRAFFIC_SHIFT") + &lambda("PRODUCTION_TRAFFIC_SHIFT");
    let sim = run(&ecs(strategy, &hooks, ""), 1800);
    assert_eq!(
        invoked(&sim),
        [
            "PRE_PRODUCTION_TRAFFIC_SHIFT",
            "PRODUCTION_TRAFFIC_SHIFT",
            "PRE_PRODUCTION_TRAFFIC_SHIFT",
            "PRODUCTION_TRAFFIC_SHIFT",
        ]
    );
    // The second step's pre hook starts when the canary's bake (2 minutes from its weights)
    // ends: the canary step's own hook runs within that time.
    let l = lines(&sim);
    let starts: Vec<u64> = l
        .iter()
        .filter(|(_, s, _, m)| s == "PRE_PRODUCTION_TRAFFIC_SHIFT" && m.contains("invoked"))
        .map(|(t, ..)| *t)
        .collect();
    assert_eq!(starts[1] - starts[0], 5 + 120);
}

fn stage_lines(sim: &Simulation, stage: &str) -> Vec<(u64, String)> {
    lines(sim)
        .into_iter()
        .filter(|(_, s, _, _)| s == stage)
        .map(|(t, _, _, m)| (t, m))
        .collect()
}

// lambda-lifecycle-hooks: IN_PROGRESS → invoked again after 30 s by default.
#[test]
fn in_progress_then_succeeded_is_asked_again_30_seconds_later() {
    let hooks = r#"(stage: "POST_TEST_TRAFFIC_SHIFT", function: "check", duration_seconds: 5,
        answers: [(hook_status: InProgress), (hook_status: Succeeded)]),"#;
    let sim = run(&ecs("BlueGreen", hooks, ""), 1200);
    let l = stage_lines(&sim, "POST_TEST_TRAFFIC_SHIFT");
    let t0 = l[0].0;
    let at: Vec<u64> = l.iter().map(|(t, _)| t - t0).collect();
    // invoked, IN_PROGRESS at +5, invoked again at +35, SUCCEEDED at +40, stage Succeeded.
    assert_eq!(at, [0, 5, 35, 40, 40], "{l:#?}");
    assert!(l[1].1.contains("answered IN_PROGRESS (invocation 1)"));
    assert!(l[2].1.contains("invoked again (invocation 2)"));
    assert!(l[4].1.ends_with("POST_TEST_TRAFFIC_SHIFT: Succeeded."));
    assert_eq!(bg(&sim).deployments[0].state, DeploymentState::Succeeded);
}

// {"hookStatus": "IN_PROGRESS", "callBackDelay": 60}: the next invocation 60 s later.
#[test]
fn call_back_delay_sets_when_the_hook_is_asked_again() {
    let hooks = r#"(stage: "PRE_SCALE_UP", function: "check", duration_seconds: 5,
        answers: [(hook_status: InProgress, call_back_delay: 60), (hook_status: Succeeded)]),"#;
    let sim = run(&ecs("BlueGreen", hooks, ""), 1200);
    let l = stage_lines(&sim, "PRE_SCALE_UP");
    let t0 = l[0].0;
    assert_eq!(l[2].0 - t0, 65, "{l:#?}");
    assert_eq!(l.last().map(|x| x.0 - t0), Some(70));
}

fn timing_out(action: &str) -> Arc<Scenario> {
    let hooks = format!(
        r#"(stage: "POST_TEST_TRAFFIC_SHIFT", function: "check", duration_seconds: 5,
        answers: [(hook_status: InProgress)], timeout: (timeout_in_minutes: 3, action: {action})),"#
    );
    ecs("BlueGreen", &hooks, "")
}

// timeoutConfiguration: a hook still IN_PROGRESS after timeoutInMinutes is TIMED_OUT; ROLLBACK
// rolls the deployment back, CONTINUE goes on.
#[test]
fn a_timed_out_hook_rolls_back_or_continues_as_configured() {
    let sim = run(&timing_out("Rollback"), 1800);
    let l = stage_lines(&sim, "POST_TEST_TRAFFIC_SHIFT");
    let t0 = l[0].0;
    let out = l
        .iter()
        .find(|(_, m)| m.contains("TIMED_OUT"))
        .expect("timed out");
    assert_eq!(out.0 - t0, 180);
    let b = bg(&sim);
    assert_eq!(b.deployments[0].state, DeploymentState::RolledBack);
    assert_eq!(b.production.weights, [100.0, 0.0]);

    let sim = run(&timing_out("Continue"), 1800);
    let b = bg(&sim);
    assert_eq!(b.deployments[0].state, DeploymentState::Succeeded);
    assert_eq!(b.production.weights, [0.0, 100.0]);
}

fn paused(timeline: &str) -> Arc<Scenario> {
    let hooks = r#"(stage: "POST_TEST_TRAFFIC_SHIFT", target_type: Pause,
        timeout: (timeout_in_minutes: 10)),"#;
    ecs("BlueGreen", hooks, timeline)
}

// pause-lifecycle-hooks: the deployment waits in AWAITING_ACTION until ContinueServiceDeployment
// (here at 5:00), or rolls back when the timeout (10 minutes, action ROLLBACK) passes.
#[test]
fn a_pause_hook_waits_for_continue_or_times_out() {
    let sim = run(
        &paused(r#"(at: 300, action: ContinueServiceDeployment(service: "web"))"#),
        1800,
    );
    let l = stage_lines(&sim, "POST_TEST_TRAFFIC_SHIFT");
    assert!(l[0].1.contains("AWAITING_ACTION"), "{l:#?}");
    assert_eq!(l[1].0, 300);
    assert!(
        l[1].1.contains("ContinueServiceDeployment action CONTINUE"),
        "{l:#?}"
    );
    assert_eq!(bg(&sim).deployments[0].state, DeploymentState::Succeeded);

    let sim = run(&paused(""), 1800);
    let l = stage_lines(&sim, "POST_TEST_TRAFFIC_SHIFT");
    assert_eq!(l[1].0 - l[0].0, 600);
    assert!(l[1].1.contains("TIMED_OUT"));
    assert_eq!(bg(&sim).deployments[0].state, DeploymentState::RolledBack);
}

// ContinueServiceDeployment with action ROLLBACK rolls the deployment back at once.
#[test]
fn continue_with_rollback_rolls_back() {
    let sim = run(
        &paused(
            r#"(at: 300, action: ContinueServiceDeployment(service: "web", action: Rollback))"#,
        ),
        1800,
    );
    let b = bg(&sim);
    assert_eq!(b.deployments[0].state, DeploymentState::RolledBack);
    let e = b.deployments[0].error.as_ref().expect("an error");
    assert_eq!(e.code, "ROLLBACK_REQUESTED");
}

// stop-service-deployment --stop-type ROLLBACK during a linear shift: ROLLBACK_REQUESTED, then
// traffic back to web:1 and the new revision scaled in.
#[test]
fn stop_service_deployment_rolls_back_a_linear_shift() {
    let strategy = "Linear(step_percent: 25.0, step_bake_time_in_minutes: 5)";
    let sim = run(
        &ecs(
            strategy,
            "",
            r#"(at: 400, action: StopServiceDeployment(service: "web"))"#,
        ),
        1800,
    );
    let statuses: Vec<(u64, String)> = sim
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::BlueGreenDeployment { status, .. } => {
                Some((e.at.secs(), status.to_string()))
            }
            _ => None,
        })
        .collect();
    assert!(statuses.contains(&(400, "ROLLBACK_REQUESTED".to_string())));
    assert!(statuses.contains(&(400, "ROLLBACK_IN_PROGRESS".to_string())));
    let b = bg(&sim);
    assert_eq!(b.deployments[0].state.ecs(), "ROLLBACK_SUCCESSFUL");
    assert_eq!(b.production.weights, [100.0, 0.0]);
    assert_eq!(b.task_sets.len(), 1);
}
