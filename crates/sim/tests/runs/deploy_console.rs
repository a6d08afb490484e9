//! The console's blue/green side: `aws deploy get-deployment`, `get-deployment-target`,
//! `list-deployments` and `create-deployment`, and what `aws ecs describe-services` and
//! `update-service` do with a CODE_DEPLOY service (docs/rules/ecs-blue-green.md#console).

use crate::common;

use crate::say::{act, failed, no_files, printed, run};
use orca_sim::console::{self, Context, Outcome};
use orca_sim::{Playback, SimTime};

const CANARY: &str = "ecs-codedeploy-canary-rollback";

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).expect("JSON")
}

/// The canary scenario at `secs`.
fn canary_at(secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(CANARY));
    p.seek(SimTime::from_secs(secs));
    p
}

/// The deployment ids of the canary scenario's service, oldest first.
fn deployment_ids(p: &Playback) -> Vec<String> {
    let v = json(&printed(p, "aws deploy list-deployments"));
    v["deployments"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d.as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn describe_services_shows_the_task_sets_of_a_code_deploy_service() {
    // 1:50: the canary runs (10 % on the replacement), before the alarm at 2:00.
    let p = canary_at(110);
    let out = printed(
        &p,
        "aws ecs describe-services --cluster demo --services web",
    );
    insta::assert_snapshot!("describe_services_code_deploy_task_sets", out);
    let v = json(&out);
    let svc = &v["services"][0];
    assert_eq!(svc["deploymentController"]["type"], "CODE_DEPLOY");
    assert_eq!(svc["deployments"].as_array().map(Vec::len), Some(0));
    let sets = svc["taskSets"].as_array().expect("taskSets");
    assert_eq!(sets.len(), 2);
    assert_eq!(sets[0]["status"], "ACTIVE", "the replacement, newest first");
    assert_eq!(sets[0]["computedDesiredCount"], 4);
    assert_eq!(sets[0]["stabilityStatus"], "STEADY_STATE");
    assert_eq!(sets[0]["scale"]["unit"], "PERCENT");
    assert_eq!(sets[1]["status"], "PRIMARY");
    assert!(
        sets[0]["externalId"]
            .as_str()
            .is_some_and(|x| x.starts_with("d-"))
    );
}

#[test]
fn get_deployment_target_shows_lifecycle_events_and_traffic_weights() {
    let p = canary_at(110);
    let id = deployment_ids(&p).remove(0);
    let out = printed(
        &p,
        &format!("aws deploy get-deployment-target --deployment-id {id} --target-id demo:web"),
    );
    insta::assert_snapshot!("get_deployment_target_mid_canary", out);
    let v = json(&out);
    let target = &v["deploymentTarget"]["ecsTarget"];
    assert_eq!(target["status"], "InProgress");
    let sets = target["taskSetsInfo"].as_array().expect("taskSetsInfo");
    assert_eq!(sets[0]["taskSetLabel"], "Blue");
    assert_eq!(sets[0]["trafficWeight"], 90.0);
    assert_eq!(sets[1]["taskSetLabel"], "Green");
    assert_eq!(sets[1]["trafficWeight"], 10.0);
    assert!(
        sets[1]["identifer"].as_str().is_some(),
        "the API's spelling"
    );
    let events: Vec<(String, String)> = target["lifecycleEvents"]
        .as_array()
        .expect("lifecycleEvents")
        .iter()
        .map(|e| {
            (
                e["lifecycleEventName"].as_str().unwrap_or_default().into(),
                e["status"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    assert_eq!(events[6], ("AllowTraffic".into(), "InProgress".into()));
    assert_eq!(events[7], ("AfterAllowTraffic".into(), "Pending".into()));
    let wrong = failed(
        &p,
        &format!("aws deploy get-deployment-target --deployment-id {id} --target-id demo:api"),
    );
    assert!(
        wrong.contains("DeploymentTargetDoesNotExistException"),
        "{wrong}"
    );
}

#[test]
fn get_deployment_shows_the_alarm_stop_and_the_rollback() {
    let p = canary_at(900);
    let ids = deployment_ids(&p);
    assert_eq!(ids.len(), 2);
    let stopped = printed(
        &p,
        &format!("aws deploy get-deployment --deployment-id {}", ids[0]),
    );
    let rollback = printed(
        &p,
        &format!("aws deploy get-deployment --deployment-id {}", ids[1]),
    );
    insta::assert_snapshot!("get_deployment_stopped_by_alarm", stopped);
    let s = json(&stopped);
    let info = &s["deploymentInfo"];
    assert_eq!(info["status"], "Stopped");
    assert_eq!(info["errorInformation"]["code"], "ALARM_ACTIVE");
    assert_eq!(
        info["rollbackInfo"]["rollbackDeploymentId"],
        ids[1].as_str()
    );
    assert_eq!(info["computePlatform"], "ECS");
    let r = json(&rollback);
    assert_eq!(r["deploymentInfo"]["creator"], "codeDeployRollback");
    assert_eq!(r["deploymentInfo"]["status"], "Succeeded");
    assert_eq!(
        r["deploymentInfo"]["rollbackInfo"]["rollbackTriggeringDeploymentId"],
        ids[0].as_str()
    );
    let missing = failed(&p, "aws deploy get-deployment --deployment-id d-NOPE12345");
    assert!(
        missing.contains("DeploymentDoesNotExistException"),
        "{missing}"
    );
}

#[test]
fn a_code_deploy_service_refuses_a_new_task_definition_through_update_service() {
    let p = canary_at(10);
    let out = failed(
        &p,
        "aws ecs update-service --cluster demo --service web --task-definition web:2",
    );
    assert_eq!(
        out,
        "\nAn error occurred (InvalidParameterException) when calling the UpdateService operation: Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.\n"
    );
}

#[test]
fn create_deployment_starts_one_deployment_at_a_time() {
    let mut p = canary_at(10);
    let line = "aws deploy create-deployment --application-name AppECS-demo-web --deployment-group-name DgpECS-demo-web --revision 'revisionType=AppSpecContent,appSpecContent={content=TaskDefinition: web:2}'";
    let Outcome::Act { actions, after } = run(&p, line) else {
        panic!("create-deployment acts");
    };
    for a in actions {
        p.intervene(a);
    }
    let reply = json(&console::reply(&after, p.world(), p.log(), p.now()));
    let id = reply["deploymentId"].as_str().expect("an id").to_string();
    assert!(id.starts_with("d-") && id.len() == 11, "{id}");
    assert_eq!(deployment_ids(&p), std::slice::from_ref(&id));
    let again = failed(&p, line);
    assert!(
        again.contains(&format!(
            "(DeploymentLimitExceededException) when calling the CreateDeployment operation: The Deployment Group already has an active Deployment {id}"
        )),
        "{again}"
    );
    let wrong_group = failed(
        &p,
        "aws deploy create-deployment --application-name AppECS-demo-web --deployment-group-name DgpECS-demo-api --revision 'revisionType=AppSpecContent,appSpecContent={content=TaskDefinition: web:2}'",
    );
    assert!(
        wrong_group.contains("DeploymentGroupDoesNotExistException"),
        "{wrong_group}"
    );
    let no_td = failed(
        &p,
        "aws deploy create-deployment --application-name AppECS-demo-web --deployment-group-name DgpECS-demo-web --revision 'revisionType=AppSpecContent,appSpecContent={content=TaskDefinition: web:9}'",
    );
    assert!(no_td.contains("InvalidRevisionException"), "{no_td}");
}

#[test]
fn a_linear_service_shows_its_strategy_and_revisions() {
    let mut p = Playback::new(common::built_in_named("ecs-linear-bake"));
    p.seek(SimTime::from_secs(200));
    let v = json(&printed(
        &p,
        "aws ecs describe-services --cluster demo --services web",
    ));
    let svc = &v["services"][0];
    assert_eq!(svc["deploymentController"]["type"], "ECS");
    assert_eq!(svc["deploymentConfiguration"]["strategy"], "LINEAR");
    assert_eq!(
        svc["deploymentConfiguration"]["linearConfiguration"]["stepPercent"],
        25.0
    );
    assert_eq!(svc["deploymentConfiguration"]["bakeTimeInMinutes"], 3);
    let deployments = svc["deployments"].as_array().expect("deployments");
    assert_eq!(deployments.len(), 2);
    assert_eq!(deployments[0]["status"], "PRIMARY");
    assert_eq!(deployments[0]["rolloutState"], "IN_PROGRESS");
    assert_eq!(deployments[1]["status"], "ACTIVE");
}

#[test]
fn tab_completes_aws_deploy_operations_and_options() {
    let p = canary_at(10);
    let complete = |line: &str| {
        let cx = Context {
            world: p.world(),
            scenario: p.scenario(),
            now: p.now(),
            log: p.log(),
            files: &no_files,
            queries: None,
        };
        console::complete::complete(line, &cx).candidates
    };
    assert_eq!(complete("aws de"), ["deploy"]);
    assert_eq!(
        complete("aws deploy get-"),
        ["get-deployment", "get-deployment-target"]
    );
    assert_eq!(
        complete("aws deploy get-deployment-target --t"),
        ["--target-id"]
    );
}

/// The hooks scenario at `secs` (the pause hook awaits action from 2:02 to the timeline's
/// continue at 5:00).
fn hooks_at(secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named("ecs-native-hooks"));
    p.seek(SimTime::from_secs(secs));
    p
}

fn service_deployment_arn(p: &Playback) -> String {
    let v = json(&printed(
        p,
        "aws ecs list-service-deployments --cluster demo --service web",
    ));
    v["serviceDeployments"][0]["serviceDeploymentArn"]
        .as_str()
        .expect("an ARN")
        .to_string()
}

#[test]
fn service_deployments_show_the_stage_and_the_paused_hook() {
    let p = hooks_at(200);
    let list = printed(
        &p,
        "aws ecs list-service-deployments --cluster demo --service web",
    );
    insta::assert_snapshot!("list_service_deployments_paused", list);
    let arn = service_deployment_arn(&p);
    assert!(
        arn.starts_with("arn:aws:ecs:us-east-1:123456789012:service-deployment/demo/web/"),
        "{arn}"
    );
    let out = printed(
        &p,
        &format!("aws ecs describe-service-deployments --service-deployment-arns {arn}"),
    );
    insta::assert_snapshot!("describe_service_deployments_paused", out);
    let v = json(&out);
    let d = &v["serviceDeployments"][0];
    assert_eq!(d["status"], "IN_PROGRESS");
    assert_eq!(d["lifecycleStage"], "POST_TEST_TRAFFIC_SHIFT");
    let hook = &d["lifecycleHookDetails"][0];
    assert_eq!(hook["targetType"], "PAUSE");
    assert_eq!(hook["status"], "AWAITING_ACTION");
    assert_eq!(hook["timeoutAction"], "ROLLBACK");
    assert!(
        hook["hookId"]
            .as_str()
            .is_some_and(|h| h.starts_with("ecs-pause-"))
    );
    let missing = json(&printed(
        &p,
        "aws ecs describe-service-deployments --service-deployment-arns arn:aws:ecs:us-east-1:123456789012:service-deployment/demo/web/nope",
    ));
    assert_eq!(missing["failures"][0]["reason"], "MISSING");
}

#[test]
fn continue_service_deployment_releases_the_pause_hook() {
    let mut p = hooks_at(200);
    let arn = service_deployment_arn(&p);
    let d = json(&printed(
        &p,
        &format!("aws ecs describe-service-deployments --service-deployment-arns {arn}"),
    ));
    let hook = d["serviceDeployments"][0]["lifecycleHookDetails"][0]["hookId"]
        .as_str()
        .expect("a hookId")
        .to_string();
    let wrong = failed(
        &p,
        &format!(
            "aws ecs continue-service-deployment --service-deployment-arn {arn} --hook-id ecs-pause-x"
        ),
    );
    insta::assert_snapshot!("continue_service_deployment_wrong_hook", wrong);
    let bad_action = failed(
        &p,
        &format!(
            "aws ecs continue-service-deployment --service-deployment-arn {arn} --hook-id {hook} --action GO"
        ),
    );
    assert!(bad_action.contains("ValidationException"), "{bad_action}");
    let reply = act(
        &mut p,
        &format!(
            "aws ecs continue-service-deployment --service-deployment-arn {arn} --hook-id {hook}"
        ),
    );
    assert_eq!(json(&reply)["serviceDeploymentArn"], arn.as_str());
    p.seek(SimTime::from_secs(210));
    let d = json(&printed(
        &p,
        &format!("aws ecs describe-service-deployments --service-deployment-arns {arn}"),
    ));
    assert_eq!(
        d["serviceDeployments"][0]["lifecycleStage"],
        "PRE_PRODUCTION_TRAFFIC_SHIFT"
    );
    // The hook is no longer awaiting action.
    let again = failed(
        &p,
        &format!(
            "aws ecs continue-service-deployment --service-deployment-arn {arn} --hook-id {hook}"
        ),
    );
    assert!(again.contains("InvalidParameterException"), "{again}");
}

#[test]
fn stop_service_deployment_rolls_back_and_refuses_abort() {
    let mut p = hooks_at(200);
    let arn = service_deployment_arn(&p);
    let abort = failed(
        &p,
        &format!(
            "aws ecs stop-service-deployment --service-deployment-arn {arn} --stop-type ABORT"
        ),
    );
    insta::assert_snapshot!("stop_service_deployment_abort", abort);
    let reply = act(
        &mut p,
        &format!(
            "aws ecs stop-service-deployment --service-deployment-arn {arn} --stop-type ROLLBACK"
        ),
    );
    assert_eq!(json(&reply)["serviceDeploymentArn"], arn.as_str());
    p.seek(SimTime::from_secs(400));
    let d = json(&printed(
        &p,
        &format!("aws ecs describe-service-deployments --service-deployment-arns {arn}"),
    ));
    let d = &d["serviceDeployments"][0];
    assert_eq!(d["status"], "ROLLBACK_SUCCESSFUL");
    assert!(d["rollback"]["serviceRevisionArn"].as_str().is_some());
    let done = failed(
        &p,
        &format!("aws ecs stop-service-deployment --service-deployment-arn {arn}"),
    );
    assert!(done.contains("can no longer be stopped"), "{done}");
}

#[test]
fn stop_deployment_and_continue_deployment_for_code_deploy() {
    // 1:50: the canary runs; stop it with a rollback.
    let mut p = canary_at(110);
    let id = deployment_ids(&p).remove(0);
    let reply = act(
        &mut p,
        &format!("aws deploy stop-deployment --deployment-id {id} --auto-rollback-enabled"),
    );
    insta::assert_snapshot!("stop_deployment_reply", reply);
    p.seek(SimTime::from_secs(130));
    let ids = deployment_ids(&p);
    assert_eq!(ids.len(), 2, "a rollback deployment");
    let v = json(&printed(
        &p,
        &format!("aws deploy get-deployment --deployment-id {id}"),
    ));
    assert_eq!(v["deploymentInfo"]["status"], "Stopped");
    assert_eq!(
        v["deploymentInfo"]["errorInformation"]["code"],
        "MANUAL_STOP"
    );
    let done = failed(
        &p,
        &format!("aws deploy stop-deployment --deployment-id {id}"),
    );
    assert!(
        done.contains("DeploymentAlreadyCompletedException"),
        "{done}"
    );
    let ready = failed(
        &p,
        &format!(
            "aws deploy continue-deployment --deployment-id {} --deployment-wait-type READY_WAIT",
            ids[1]
        ),
    );
    assert!(
        ready.contains("DeploymentIsNotInReadyStateException"),
        "{ready}"
    );
}

#[test]
fn continue_deployment_ready_wait_reroutes_a_ready_deployment() {
    const REROUTE: &str = "ecs-codedeploy-manual-reroute";
    // 1:00: the replacement is still being installed.
    let mut p = Playback::new(common::built_in_named(REROUTE));
    p.seek(SimTime::from_secs(60));
    let id = deployment_ids(&p).remove(0);
    let continue_ready = format!(
        "aws deploy continue-deployment --deployment-id {id} --deployment-wait-type READY_WAIT"
    );
    let early = failed(&p, &continue_ready);
    assert!(
        early.contains("DeploymentIsNotInReadyStateException")
            && early.contains("not waiting for traffic to be rerouted"),
        "{early}"
    );
    // 2:00: installed and tested, the deployment is Ready (deploymentReadyOption STOP_DEPLOYMENT).
    p.seek(SimTime::from_secs(120));
    let info = json(&printed(
        &p,
        &format!("aws deploy get-deployment --deployment-id {id}"),
    ));
    let info = &info["deploymentInfo"];
    assert_eq!(info["status"], "Ready");
    assert_eq!(
        info["blueGreenDeploymentConfiguration"]["deploymentReadyOption"],
        serde_json::json!({"actionOnTimeout": "STOP_DEPLOYMENT", "waitTimeInMinutes": 10})
    );
    let ready = json(&printed(
        &p,
        "aws deploy list-deployments --include-only-statuses Ready",
    ));
    assert_eq!(ready["deployments"], serde_json::json!([id.clone()]));
    let none = json(&printed(
        &p,
        "aws deploy list-deployments --include-only-statuses InProgress Succeeded",
    ));
    assert_eq!(none["deployments"], serde_json::json!([]));
    let bad = failed(
        &p,
        "aws deploy list-deployments --include-only-statuses Waiting",
    );
    assert!(bad.contains("InvalidDeploymentStatusException"), "{bad}");
    let termination = failed(
        &p,
        &format!(
            "aws deploy continue-deployment --deployment-id {id} --deployment-wait-type TERMINATION_WAIT"
        ),
    );
    assert!(
        termination.contains("DeploymentIsNotInReadyStateException"),
        "{termination}"
    );
    assert_eq!(act(&mut p, &continue_ready), "");
    p.seek(SimTime::from_secs(180));
    let info = json(&printed(
        &p,
        &format!("aws deploy get-deployment --deployment-id {id}"),
    ));
    assert_eq!(info["deploymentInfo"]["status"], "InProgress");
    let rerouted = p.log().iter().any(|e| {
        e.message().contains("AllowTraffic: Succeeded") && e.at == SimTime::from_secs(120)
    });
    assert!(rerouted, "AllowTraffic ran when the learner continued");
}
