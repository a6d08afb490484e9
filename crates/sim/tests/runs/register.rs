//! `aws ecs register-task-definition --cli-input-json file://…` adds a revision the service can
//! then be updated to; `create-service` checks its input and refuses (the engine cannot add a
//! service to a running cluster). The task definition is written from the shape of the AWS
//! CLI reference's example ("Example 1: To register a task definition with a JSON file",
//! <https://docs.aws.amazon.com/cli/latest/reference/ecs/register-task-definition.html>).

use crate::common;

use std::sync::Arc;

use orca_sim::console::{self, Context, Outcome};
use orca_sim::scenario::spec::Scenario;
use orca_sim::{Playback, SimTime};

fn scenario(name: &str) -> Arc<Scenario> {
    common::built_in_named(name)
}

fn run(p: &Playback, line: &str, files: &[(&str, &str)]) -> Outcome {
    let read = |path: &str| -> Result<String, String> {
        files
            .iter()
            .find(|(n, _)| *n == path)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| format!("[Errno 2] No such file or directory: '{path}'"))
    };
    let cx = Context {
        world: p.world(),
        scenario: p.scenario(),
        now: p.now(),
        log: p.log(),
        files: &read,
        queries: None,
    };
    console::execute(line, &cx)
}

const TD: &str = r#"{
    "family": "web",
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "256",
    "memory": "512",
    "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    "containerDefinitions": [
        {
            "name": "web",
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v3",
            "cpu": 0,
            "essential": true,
            "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
            "logConfiguration": {"logDriver": "awslogs"}
        }
    ]
}
"#;

#[test]
fn a_registered_revision_is_printed_and_a_service_can_roll_to_it() {
    let mut p = Playback::new(scenario("ecs-rolling-update"));
    p.seek(SimTime::from_secs(60));
    let out = run(
        &p,
        "aws ecs register-task-definition --cli-input-json file://td.json",
        &[("td.json", TD)],
    );
    let Outcome::Act { actions, after } = out else {
        panic!("did not act: {out:?}")
    };
    for a in actions {
        p.intervene(a);
    }
    let reply = console::reply(&after, p.world(), p.log(), p.now());
    insta::assert_snapshot!("register_task_definition", reply);
    let json_end = reply
        .find("\nOrca does not model")
        .expect("the ignored fields are listed");
    let v: serde_json::Value = serde_json::from_str(&reply[..json_end]).expect("JSON");
    assert_eq!(
        v["taskDefinition"]["revision"], 3,
        "the family's latest plus one"
    );
    // executionRoleArn is modelled (docs/rules/iam.md): read, kept and shown, not ignored.
    assert!(!reply.contains("td.json:7:25: executionRoleArn"), "{reply}");
    assert_eq!(
        v["taskDefinition"]["executionRoleArn"],
        "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
    );
    assert!(
        reply.contains("containerDefinitions[0].logConfiguration"),
        "{reply}"
    );
    // The new revision is there to roll out.
    let Outcome::Act { actions, .. } = run(
        &p,
        "aws ecs update-service --cluster demo --service web --task-definition web:3",
        &[],
    ) else {
        panic!("update-service to the new revision")
    };
    for a in actions {
        p.intervene(a);
    }
    p.seek(SimTime::from_secs(400));
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let running_v3 = ecs
        .tasks
        .iter()
        .filter(|t| t.is_live() && ecs.task_definitions[t.task_definition.0 as usize].revision == 3)
        .count();
    assert!(running_v3 > 0, "tasks of web:3 run");
    // A saved session is a valid scenario.
    let saved = orca_sim::scenario::to_ron(p.scenario()).expect("RON");
    orca_sim::scenario::parse("saved.ron", &saved).expect("orca check accepts the session");
}

#[test]
fn malformed_task_definitions_are_refused_with_a_place() {
    let p = Playback::new(scenario("ecs-rolling-update"));
    let fail = |text: &str| match run(
        &p,
        "aws ecs register-task-definition --cli-input-json file://td.json",
        &[("td.json", text)],
    ) {
        Outcome::Fail(e) => e,
        other => panic!("not refused: {other:?}"),
    };
    let e = fail(&TD.replace("\"cpu\": 0", "\"cpu\": \"zero\""));
    assert!(
        e.contains("td.json:12:20: containerDefinitions[0].cpu: expected an integer, got a string"),
        "{e}"
    );
    let e = fail(&TD.replace("\"family\": \"web\",", "\"family\": \"web\""));
    assert!(e.contains("Invalid JSON: td.json:3:"), "{e}");
    let e = fail(&TD.replace("\"family\": \"web\",", ""));
    assert!(e.contains("td.json:1:1: family: required"), "{e}");
    let e = fail(&format!("{{\"taskDefinition\": {TD}}}"));
    assert!(
        e.contains("Unknown parameter in input: \"taskDefinition\""),
        "{e}"
    );
    match run(
        &p,
        "aws ecs register-task-definition --cli-input-json file://missing.json",
        &[],
    ) {
        Outcome::Fail(e) => assert!(
            e.contains("Unable to load paramfile file://missing.json"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn create_service_checks_its_input_then_refuses() {
    let p = Playback::new(scenario("ecs-rolling-update"));
    let svc = r#"{"cluster": "demo", "serviceName": "api", "taskDefinition": "web:2", "desiredCount": 2, "launchType": "FARGATE"}"#;
    match run(
        &p,
        "aws ecs create-service --cli-input-json file://svc.json",
        &[("svc.json", svc)],
    ) {
        Outcome::Fail(e) => {
            assert!(e.contains("(InvalidParameterException) when calling the CreateService operation: Orca cannot add service api"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    let bad = svc.replace("\"desiredCount\": 2", "\"desiredCount\": -2");
    match run(
        &p,
        "aws ecs create-service --cli-input-json file://svc.json",
        &[("svc.json", &bad)],
    ) {
        Outcome::Fail(e) => assert!(e.contains("svc.json:1:"), "{e}"),
        other => panic!("{other:?}"),
    }
    let same = svc.replace("\"api\"", "\"web\"");
    match run(
        &p,
        "aws ecs create-service --cli-input-json file://svc.json",
        &[("svc.json", &same)],
    ) {
        Outcome::Fail(e) => assert!(e.contains("Creation of service was not idempotent."), "{e}"),
        other => panic!("{other:?}"),
    }
}
