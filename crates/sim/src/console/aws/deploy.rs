//! `aws deploy …` for the CodeDeploy side of a blue/green ECS service: `get-deployment`,
//! `get-deployment-target`, `list-deployments` and `create-deployment`, and the blue/green
//! fields `aws ecs describe-services` adds (`taskSets` for a CODE_DEPLOY service, the
//! strategy of an ECS one). Output shapes follow the CodeDeploy API Reference (DeploymentInfo,
//! ECSTarget) and the AWS CLI's `deploy` examples (docs/rules/ecs-blue-green.md#console).
//!
//! `create-deployment` takes the AppSpec inline: `--revision
//! 'revisionType=AppSpecContent,appSpecContent={content=…}'` (or the JSON form) whose content
//! names the task definition after `TaskDefinition:` (YAML) or `"TaskDefinition": "…"` (JSON);
//! the application and deployment group are those the ECS console creates for a service,
//! `AppECS-<cluster>-<service>` and `DgpECS-<cluster>-<service>`.

use serde_json::{Value, json};

use super::api_error as exception;
use super::args::{self, Param};
use super::shapes::pretty;
use crate::console::{After, Context, Outcome};
use crate::ecs::Service;
use crate::ecs::cluster::EcsCluster;
use crate::ecs::task_set::{BgDeployment, BlueGreen, Controller, TaskSet};
use crate::scenario::spec::{Action, DeploymentWaitType};

/// The operations Orca carries out.
pub const SUPPORTED: &[&str] = &[
    "continue-deployment",
    "create-deployment",
    "get-deployment",
    "get-deployment-target",
    "list-deployments",
    "stop-deployment",
];

/// The options of each operation (Tab completion).
pub fn flags(op: &str) -> &'static [&'static str] {
    match op {
        "get-deployment" => &["--deployment-id"],
        "get-deployment-target" => &["--deployment-id", "--target-id"],
        "list-deployments" => &[
            "--application-name",
            "--deployment-group-name",
            "--include-only-statuses",
        ],
        "stop-deployment" => &[
            "--deployment-id",
            "--auto-rollback-enabled",
            "--no-auto-rollback-enabled",
        ],
        "continue-deployment" => &["--deployment-id", "--deployment-wait-type"],
        "create-deployment" => &[
            "--application-name",
            "--deployment-group-name",
            "--revision",
            "--deployment-config-name",
            "--description",
        ],
        _ => &[],
    }
}

/// `aws deploy <words…>`.
pub fn run(words: &[String], cx: &Context) -> Outcome {
    let Some(op) = words.first() else {
        return Outcome::Fail(format!(
            "{}\naws: error: the following arguments are required: operation\n",
            super::USAGE
        ));
    };
    let rest = &words[1..];
    let Some(ecs) = cx.world.ecs.as_ref() else {
        return Outcome::Fail(
            "\nAn error occurred (ApplicationDoesNotExistException): this scenario has no ECS cluster, so no CodeDeploy application.\n".into(),
        );
    };
    match op.as_str() {
        "get-deployment" => get_deployment(ecs, rest),
        "get-deployment-target" => get_deployment_target(ecs, rest),
        "list-deployments" => list_deployments(ecs, rest),
        "create-deployment" => create_deployment(ecs, rest),
        "stop-deployment" => stop_deployment(ecs, rest),
        "continue-deployment" => continue_deployment(ecs, rest),
        _ => Outcome::Fail(format!(
            "Orca does not simulate `aws deploy {op}`. The console carries out: {}.\n",
            SUPPORTED.join(", ")
        )),
    }
}

/// Every CodeDeploy deployment of the cluster's services, with its service.
fn all_deployments(
    ecs: &EcsCluster,
) -> impl Iterator<Item = (&Service, &BlueGreen, &BgDeployment)> {
    ecs.services
        .iter()
        .filter_map(|s| s.blue_green.as_deref().map(|bg| (s, bg)))
        .flat_map(|(s, bg)| {
            bg.deployments
                .iter()
                .filter(move |_| bg.controller.is_code_deploy())
                .map(move |d| (s, bg, d))
        })
}

fn find<'a>(
    ecs: &'a EcsCluster,
    id: &str,
) -> Option<(&'a Service, &'a BlueGreen, &'a BgDeployment)> {
    all_deployments(ecs).find(|(_, _, d)| d.id == id)
}

fn application(ecs: &EcsCluster, svc: &Service) -> String {
    format!("AppECS-{}-{}", ecs.name, svc.name)
}
fn group(ecs: &EcsCluster, svc: &Service) -> String {
    format!("DgpECS-{}-{}", ecs.name, svc.name)
}

fn listener_arn(ecs: &EcsCluster, bg: &BlueGreen, port: u16) -> String {
    let lb =
        super::elbv2::load_balancer_arn(&ecs.target_groups, ecs.target_group(bg.target_groups[0]));
    let hash = (0..16)
        .map(|i| {
            let x = (u32::from(port).wrapping_mul(2_654_435_761) >> (i % 8 * 4)) ^ (i as u32 * 7);
            char::from_digit(x % 16, 16).unwrap_or('0')
        })
        .collect::<String>();
    format!("{}/{hash}", lb.replacen(":loadbalancer/", ":listener/", 1))
}

fn get_deployment(ecs: &EcsCluster, words: &[String]) -> Outcome {
    let args = match args::parse(words, &[Param::text("--deployment-id").required()]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let id = args.one("--deployment-id").unwrap_or_default();
    let Some((svc, bg, d)) = find(ecs, id) else {
        return exception(
            "GetDeployment",
            "DeploymentDoesNotExistException",
            &format!("The deployment {id} could not be found."),
        );
    };
    Outcome::Print(pretty(
        &json!({ "deploymentInfo": deployment_info(ecs, svc, bg, d) }),
    ))
}

/// `deploymentInfo` (CodeDeploy API Reference, DeploymentInfo).
pub fn deployment_info(ecs: &EcsCluster, svc: &Service, bg: &BlueGreen, d: &BgDeployment) -> Value {
    let Controller::CodeDeploy {
        config_name,
        termination_wait,
        ready_wait,
        rollback_on_failure,
        rollback_on_alarm,
    } = &bg.controller
    else {
        return Value::Null;
    };
    let mut events = Vec::new();
    if *rollback_on_failure {
        events.push("DEPLOYMENT_FAILURE");
    }
    if *rollback_on_alarm {
        events.push("DEPLOYMENT_STOP_ON_ALARM");
    }
    let tg_name = |i: usize| ecs.target_group(bg.target_groups[i]).name.clone();
    let mut pair = json!({
        "targetGroups": [{"name": tg_name(0)}, {"name": tg_name(1)}],
        "prodTrafficRoute": {"listenerArns": [listener_arn(ecs, bg, bg.production.port)]},
    });
    if let Some(t) = &bg.test {
        pair["testTrafficRoute"] = json!({"listenerArns": [listener_arn(ecs, bg, t.port)]});
    }
    let mut v = json!({
        "applicationName": application(ecs, svc),
        "deploymentGroupName": group(ecs, svc),
        "deploymentConfigName": config_name,
        "deploymentId": d.id,
        "revision": {
            "revisionType": "AppSpecContent",
            "appSpecContent": {"content": format!(
                "{{\"version\": 0.0, \"Resources\": [{{\"TargetService\": {{\"Type\": \"AWS::ECS::Service\", \"Properties\": {{\"TaskDefinition\": \"{}\", \"LoadBalancerInfo\": {{\"ContainerName\": \"{}\", \"ContainerPort\": {}}}}}}}}}]}}",
                ecs.task_definition(d.task_definition).arn, bg.container_name, bg.container_port
            )},
        },
        "status": d.code_deploy_status(),
        "createTime": d.created_at.aws_cli(),
        "creator": d.creator,
        "ignoreApplicationStopFailures": false,
        "autoRollbackConfiguration": {"enabled": !events.is_empty(), "events": events},
        "updateOutdatedInstancesOnly": false,
        "deploymentStyle": {"deploymentType": "BLUE_GREEN", "deploymentOption": "WITH_TRAFFIC_CONTROL"},
        "instanceTerminationWaitTimeStarted": d.termination_wait_started,
        "blueGreenDeploymentConfiguration": {
            "terminateBlueInstancesOnDeploymentSuccess": {
                "action": "TERMINATE",
                "terminationWaitTimeInMinutes": termination_wait.0 / 60_000,
            },
            "deploymentReadyOption": match ready_wait {
                Some(wait) => json!({"actionOnTimeout": "STOP_DEPLOYMENT", "waitTimeInMinutes": wait.0 / 60_000}),
                None => json!({"actionOnTimeout": "CONTINUE_DEPLOYMENT", "waitTimeInMinutes": 0}),
            },
        },
        "loadBalancerInfo": {"targetGroupPairInfoList": [pair]},
        "fileExistsBehavior": "DISALLOW",
        "deploymentStatusMessages": [],
        "computePlatform": "ECS",
    });
    if let Some(t) = d.completed_at {
        v["completeTime"] = json!(t.aws_cli());
    }
    if let Some(e) = &d.error {
        v["errorInformation"] = json!({"code": e.code, "message": e.message});
    }
    if let Some(r) = &d.rollback {
        let mut info = json!({"rollbackMessage": r.rollback_message});
        if let Some(x) = &r.rollback_deployment_id {
            info["rollbackDeploymentId"] = json!(x);
        }
        if let Some(x) = &r.rollback_triggering_deployment_id {
            info["rollbackTriggeringDeploymentId"] = json!(x);
        }
        v["rollbackInfo"] = info;
    }
    v
}

fn get_deployment_target(ecs: &EcsCluster, words: &[String]) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--deployment-id").required(),
            Param::text("--target-id").required(),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let id = args.one("--deployment-id").unwrap_or_default();
    let target = args.one("--target-id").unwrap_or_default();
    let Some((svc, bg, d)) = find(ecs, id) else {
        return exception(
            "GetDeploymentTarget",
            "DeploymentDoesNotExistException",
            &format!("The deployment {id} could not be found."),
        );
    };
    let expected = format!("{}:{}", ecs.name, svc.name);
    if target != expected {
        return exception(
            "GetDeploymentTarget",
            "DeploymentTargetDoesNotExistException",
            &format!(
                "The deployment target {target} could not be found; this deployment's target is {expected}."
            ),
        );
    }
    let lifecycle: Vec<Value> = d
        .stages
        .iter()
        .filter(|st| st.listed)
        .map(|st| {
            let mut v = json!({"lifecycleEventName": st.name, "status": st.status.as_str()});
            if let Some(t) = st.start {
                v["startTime"] = json!(t.aws_cli());
            }
            if let Some(t) = st.end {
                v["endTime"] = json!(t.aws_cli());
            }
            v
        })
        .collect();
    let sets: Vec<Value> = [Some(d.blue.as_str()), d.green.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|id| bg.task_set(id))
        .map(|t| task_set_info(ecs, bg, d, t))
        .collect();
    Outcome::Print(pretty(&json!({"deploymentTarget": {
        "deploymentTargetType": "ECSTarget",
        "ecsTarget": {
            "deploymentId": d.id,
            "targetId": expected,
            "targetArn": svc.arn,
            "lastUpdatedAt": d.completed_at.unwrap_or(d.created_at).aws_cli(),
            "lifecycleEvents": lifecycle,
            "status": d.code_deploy_status(),
            "taskSetsInfo": sets,
        },
    }})))
}

/// One entry of `taskSetsInfo` (ECSTaskSet; the API really spells `identifer`).
fn task_set_info(ecs: &EcsCluster, bg: &BlueGreen, d: &BgDeployment, t: &TaskSet) -> Value {
    let slot = bg.slot(t.target_group);
    json!({
        "identifer": t.id,
        "desiredCount": t.computed_desired_count,
        "pendingCount": t.pending_count,
        "runningCount": t.running_count,
        "status": t.status.as_str(),
        "trafficWeight": bg.production.weights[slot],
        "targetGroup": {"name": ecs.target_group(t.target_group).name},
        "taskSetLabel": if t.id == d.blue { "Blue" } else { "Green" },
    })
}

fn list_deployments(ecs: &EcsCluster, words: &[String]) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--application-name"),
            Param::text("--deployment-group-name"),
            Param::list("--include-only-statuses"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let app = args.one("--application-name");
    let grp = args.one("--deployment-group-name");
    let statuses: Vec<&str> = args.list("--include-only-statuses").collect();
    // DeploymentStatus (CodeDeploy API Reference); the service refuses anything else.
    const STATUSES: [&str; 8] = [
        "Created",
        "Queued",
        "InProgress",
        "Baking",
        "Succeeded",
        "Failed",
        "Stopped",
        "Ready",
    ];
    if let Some(bad) = statuses.iter().find(|x| !STATUSES.contains(x)) {
        return exception(
            "ListDeployments",
            "InvalidDeploymentStatusException",
            &format!(
                "The deployment status {bad} is not valid; valid: {}",
                STATUSES.join(", ")
            ),
        );
    }
    let ids: Vec<&str> = all_deployments(ecs)
        .filter(|(s, _, _)| app.is_none_or(|a| a == application(ecs, s)))
        .filter(|(s, _, _)| grp.is_none_or(|g| g == group(ecs, s)))
        .filter(|(_, _, d)| statuses.is_empty() || statuses.contains(&d.code_deploy_status()))
        .map(|(_, _, d)| d.id.as_str())
        .collect();
    Outcome::Print(pretty(&json!({ "deployments": ids })))
}

/// The task definition an inline AppSpec names (`TaskDefinition: web:2`, or the JSON form,
/// or an ARN).
fn appspec_task_definition(revision: &str) -> Option<String> {
    let at = revision.find("TaskDefinition")? + "TaskDefinition".len();
    let rest = revision[at..].trim_start_matches(['"', '\'', ' ', ':', '\\']);
    let value: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '/' | '-' | '_' | '.'))
        .collect();
    let value = value
        .rsplit_once(":task-definition/")
        .map_or(value.as_str(), |(_, r)| r)
        .to_string();
    (!value.is_empty()).then_some(value)
}

fn create_deployment(ecs: &EcsCluster, words: &[String]) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--application-name").required(),
            Param::text("--deployment-group-name").required(),
            Param::text("--revision").required(),
            Param::text("--deployment-config-name"),
            Param::text("--description"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let op = "CreateDeployment";
    let app = args.one("--application-name").unwrap_or_default();
    let grp = args.one("--deployment-group-name").unwrap_or_default();
    let Some(svc) = ecs.services.iter().find(|s| application(ecs, s) == app) else {
        return exception(
            op,
            "ApplicationDoesNotExistException",
            &format!("No application found for name: {app}"),
        );
    };
    let code_deploy = svc
        .blue_green
        .as_deref()
        .is_some_and(|bg| bg.controller.is_code_deploy());
    if grp != group(ecs, svc) || !code_deploy {
        return exception(
            op,
            "DeploymentGroupDoesNotExistException",
            &format!("No Deployment Group found for name: {grp}"),
        );
    }
    if let Some(c) = args.one("--deployment-config-name")
        && crate::ecs::traffic_shift::predefined(c).is_none()
    {
        return exception(
            op,
            "DeploymentConfigDoesNotExistException",
            &format!("No deployment configuration found for name: {c}"),
        );
    }
    let revision = args.one("--revision").unwrap_or_default();
    let Some(td) = appspec_task_definition(revision) else {
        return exception(
            op,
            "InvalidRevisionException",
            "The AppSpec content names no TaskDefinition (give it as TaskDefinition: family:revision).",
        );
    };
    if ecs.task_definition_by_ref(&td).is_none() {
        return exception(
            op,
            "InvalidRevisionException",
            &format!("Task definition {td} does not exist."),
        );
    }
    if let Some(d) = svc.blue_green.as_deref().and_then(|bg| bg.active()) {
        return exception(
            op,
            "DeploymentLimitExceededException",
            &format!(
                "The Deployment Group already has an active Deployment {}",
                d.id
            ),
        );
    }
    Outcome::Act {
        actions: vec![Action::CreateDeployment {
            service: svc.name.to_string(),
            task_definition: td,
        }],
        after: After::Deployment {
            service: svc.name.to_string(),
        },
    }
}

/// A deployment in progress named by `--deployment-id`, or the API's error.
fn in_progress<'a>(
    ecs: &'a EcsCluster,
    op: &str,
    id: &str,
) -> Result<(&'a Service, &'a BgDeployment), Outcome> {
    let Some((svc, _, d)) = find(ecs, id) else {
        return Err(exception(
            op,
            "DeploymentDoesNotExistException",
            &format!("The deployment {id} could not be found."),
        ));
    };
    if !d.state.is_running() {
        return Err(exception(
            op,
            "DeploymentAlreadyCompletedException",
            &format!("Deployment {id} has already completed"),
        ));
    }
    Ok((svc, d))
}

/// `aws deploy stop-deployment --deployment-id d-… [--auto-rollback-enabled]` (CodeDeploy API
/// Reference, StopDeployment: `{"status": "Pending"|"Succeeded", "statusMessage"}`; the CLI's
/// example answers Succeeded, "No more commands will be scheduled for deployment …").
fn stop_deployment(ecs: &EcsCluster, words: &[String]) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--deployment-id").required(),
            Param::flag("--auto-rollback-enabled"),
            Param::flag("--no-auto-rollback-enabled"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let id = args.one("--deployment-id").unwrap_or_default();
    let (svc, d) = match in_progress(ecs, "StopDeployment", id) {
        Ok(x) => x,
        Err(o) => return o,
    };
    if d.creator != "user" {
        return exception(
            "StopDeployment",
            "InvalidDeploymentIdException",
            &format!("Deployment {id} is a rollback deployment; Orca lets it finish."),
        );
    }
    let reply = json!({
        "status": "Succeeded",
        "statusMessage": format!("No more commands will be scheduled for deployment {id}"),
    });
    Outcome::Act {
        actions: vec![Action::StopDeployment {
            service: svc.name.to_string(),
            auto_rollback: args.flag("--auto-rollback-enabled"),
        }],
        after: After::Text(pretty(&reply)),
    }
}

/// `aws deploy continue-deployment --deployment-id d-… --deployment-wait-type
/// READY_WAIT|TERMINATION_WAIT` (CodeDeploy API Reference, ContinueDeployment; no output).
/// READY_WAIT reroutes traffic to a replacement that waits for it (a deployment group with
/// `deploymentReadyOption` STOP_DEPLOYMENT, status `Ready`); TERMINATION_WAIT ends the wait
/// before the original task set is terminated.
fn continue_deployment(ecs: &EcsCluster, words: &[String]) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--deployment-id").required(),
            Param::text("--deployment-wait-type"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let op = "ContinueDeployment";
    let id = args.one("--deployment-id").unwrap_or_default();
    let (svc, d) = match in_progress(ecs, op, id) {
        Ok(x) => x,
        Err(o) => return o,
    };
    match args.one("--deployment-wait-type").unwrap_or("READY_WAIT") {
        "READY_WAIT" if d.is_ready_waiting() => Outcome::Act {
            actions: vec![Action::ContinueDeployment {
                service: svc.name.to_string(),
                wait_type: DeploymentWaitType::ReadyWait,
            }],
            after: After::Text(String::new()),
        },
        "READY_WAIT" => exception(
            op,
            "DeploymentIsNotInReadyStateException",
            &format!(
                "The deployment {id} is not in a ready state: {}",
                if ready_wait_of(&svc.blue_green) {
                    "it is not waiting for traffic to be rerouted (it waits only once the replacement task set is ready)."
                } else {
                    "its deployment group sends traffic to the replacement without waiting (deploymentReadyOption actionOnTimeout CONTINUE_DEPLOYMENT)."
                }
            ),
        ),
        "TERMINATION_WAIT" => {
            if !d.termination_wait_started || d.stages.get(d.current).is_none_or(|st| st.listed) {
                return exception(
                    op,
                    "DeploymentIsNotInReadyStateException",
                    &format!(
                        "The deployment {id} is not waiting to terminate the original task set."
                    ),
                );
            }
            Outcome::Act {
                actions: vec![Action::ContinueDeployment {
                    service: svc.name.to_string(),
                    wait_type: DeploymentWaitType::TerminationWait,
                }],
                after: After::Text(String::new()),
            }
        }
        other => Outcome::Fail(format!(
            "\nAn error occurred (InvalidDeploymentWaitTypeException) when calling the ContinueDeployment operation: The wait type {other} is invalid; valid: READY_WAIT, TERMINATION_WAIT\n"
        )),
    }
}

/// The service's deployment group waits for traffic to be rerouted (STOP_DEPLOYMENT).
fn ready_wait_of(bg: &Option<Box<BlueGreen>>) -> bool {
    bg.as_deref().is_some_and(|bg| {
        matches!(
            bg.controller,
            Controller::CodeDeploy {
                ready_wait: Some(_),
                ..
            }
        )
    })
}

/// `{"deploymentId": …}`: what create-deployment prints once the deployment exists.
pub fn reply_deployment(ecs: &EcsCluster, service: &str) -> String {
    let id = ecs
        .services
        .iter()
        .find(|s| s.name == service)
        .and_then(|s| s.blue_green.as_deref())
        .and_then(|bg| bg.deployments.last())
        .map(|d| d.id.clone())
        .unwrap_or_default();
    pretty(&json!({ "deploymentId": id }))
}

#[cfg(test)]
mod tests {
    use super::appspec_task_definition;

    #[test]
    fn the_appspec_names_its_task_definition() {
        assert_eq!(
            appspec_task_definition(
                "revisionType=AppSpecContent,appSpecContent={content=TaskDefinition: web:2}"
            )
            .as_deref(),
            Some("web:2")
        );
        assert_eq!(
            appspec_task_definition(r#"{"appSpecContent": {"content": "{\"TaskDefinition\": \"arn:aws:ecs:us-east-1:123456789012:task-definition/web:3\"}"}}"#).as_deref(),
            Some("web:3")
        );
        assert_eq!(appspec_task_definition("revisionType=S3"), None);
    }
}
