//! `aws guardduty` on an ECS world (docs/rules/security-monitoring.md, "GuardDuty Runtime
//! Monitoring (ECS on Fargate)"): list-detectors, update-detector --features (shorthand and
//! JSON), list-coverage with the ECS cluster's Fargate coverage, and what describe-tasks shows
//! of the agent sidecar.

use crate::common;

use crate::say::{act, failed, printed};
use orca_sim::{Playback, SimTime};

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).expect("JSON")
}

fn at(secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named("ecs-guardduty-fargate-agent"));
    p.seek(SimTime::from_secs(secs));
    p
}

fn detector(p: &Playback) -> String {
    let v = json(&printed(p, "aws guardduty list-detectors"));
    v["DetectorIds"][0]
        .as_str()
        .expect("one detector")
        .to_string()
}

#[test]
fn update_detector_turns_on_runtime_monitoring_and_list_coverage_reports_the_cluster() {
    // 0:30: the detector exists, Runtime Monitoring is off: no coverage to report.
    let mut p = at(30);
    let id = detector(&p);
    let none = json(&printed(
        &p,
        &format!("aws guardduty list-coverage --detector-id {id}"),
    ));
    assert_eq!(none["Resources"], serde_json::json!([]));
    let wrong = failed(
        &p,
        "aws guardduty update-detector --detector-id 0123 --features Name=RUNTIME_MONITORING,Status=ENABLED",
    );
    assert!(wrong.contains("BadRequestException"), "{wrong}");
    let both = failed(
        &p,
        &format!(
            "aws guardduty update-detector --detector-id {id} --features Name=EKS_RUNTIME_MONITORING,Status=ENABLED Name=RUNTIME_MONITORING,Status=ENABLED"
        ),
    );
    assert!(
        both.contains("Specifying both EKS Runtime Monitoring"),
        "{both}"
    );
    let reply = act(
        &mut p,
        &format!(
            r#"aws guardduty update-detector --detector-id {id} --features '[{{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{{"Name":"ECS_FARGATE_AGENT_MANAGEMENT","Status":"ENABLED"}}]}}]'"#
        ),
    );
    assert_eq!(reply, "", "update-detector prints nothing");
    p.seek(SimTime::from_secs(40));
    let v = json(&printed(
        &p,
        &format!("aws guardduty list-coverage --detector-id {id}"),
    ));
    let r = &v["Resources"][0];
    assert_eq!(r["ResourceDetails"]["ResourceType"], "ECS");
    let details = &r["ResourceDetails"]["EcsClusterDetails"];
    assert_eq!(details["ClusterName"], "demo");
    assert_eq!(details["FargateDetails"]["ManagementType"], "AUTO_MANAGED");
    assert_eq!(r["CoverageStatus"], "UNHEALTHY");
    assert_eq!(
        r["Issue"],
        "Services deployed before enabling Automated Agent Configuration are not covered. Impacted service name(s): 'web', 'report'"
    );
    assert_eq!(r["DetectorId"], id.as_str());
}

#[test]
fn describe_tasks_lists_the_agent_sidecar_of_a_new_task() {
    // 5:00: web's tasks come from the deployment forced at 3:00.
    let p = at(300);
    let tasks = json(&printed(
        &p,
        "aws ecs list-tasks --cluster demo --service-name web",
    ));
    let arn = tasks["taskArns"][0].as_str().expect("a task").to_string();
    let v = json(&printed(
        &p,
        &format!("aws ecs describe-tasks --cluster demo --tasks {arn}"),
    ));
    let containers = v["tasks"][0]["containers"].as_array().expect("containers");
    assert_eq!(containers.len(), 2, "web and the agent");
    let agent = &containers[1];
    assert!(
        agent["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("aws-guardduty-agent-")),
        "{agent}"
    );
    assert_eq!(agent["lastStatus"], "RUNNING");
    assert_eq!(agent["managedAgents"], serde_json::json!([]));
}

#[test]
fn list_findings_and_get_findings_show_the_task_of_a_runtime_finding() {
    let p = at(390);
    let id = detector(&p);
    let none = json(&printed(
        &p,
        &format!("aws guardduty list-findings --detector-id {id}"),
    ));
    assert_eq!(
        none["FindingIds"],
        serde_json::json!([]),
        "not published before 7:00"
    );
    let p = at(430);
    let ids = json(&printed(
        &p,
        &format!("aws guardduty list-findings --detector-id {id}"),
    ));
    let finding_id = ids["FindingIds"][0]
        .as_str()
        .expect("one finding")
        .to_string();
    let v = json(&printed(
        &p,
        &format!("aws guardduty get-findings --detector-id {id} --finding-ids {finding_id}"),
    ));
    let f = &v["Findings"][0];
    assert_eq!(f["Type"], "Impact:Runtime/CryptoMinerExecuted");
    assert_eq!(f["Resource"]["ResourceType"], "ECSCluster");
    let task = &f["Resource"]["EcsClusterDetails"]["TaskDetails"];
    assert!(
        task["Arn"]
            .as_str()
            .is_some_and(|a| a.contains(":task/demo/")),
        "{task}"
    );
    assert_eq!(task["Containers"][0]["Name"], "web");
    assert_eq!(f["Service"]["FeatureName"], "RuntimeMonitoring");
    assert_eq!(
        f["Service"]["RuntimeDetails"]["Process"]["ExecutablePath"],
        "/tmp/.cache/xmrig"
    );
}
