//! The console's blue/green side: `aws deploy get-deployment`, `get-deployment-target`,
//! `list-deployments` and `create-deployment`, and what `aws ecs describe-services` and
//! `update-service` do with a CODE_DEPLOY service (docs/rules/ecs-blue-green.md#console).

use crate::common;

use crate::say::{failed, no_files, printed, run};
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
