//! What `aws ecs describe-services` adds for a blue/green service: for CODE_DEPLOY the
//! controller, an empty `deployments` and the `taskSets` (ECS API Reference, TaskSet; AWS CLI
//! example `ecs/describe-services` with a task set); for ECS's strategies the strategy settings
//! (DeploymentConfiguration) and one deployment per revision
//! (docs/rules/ecs-blue-green.md#console).

use serde_json::{Value, json};

use crate::ecs::Service;
use crate::ecs::cluster::EcsCluster;
use crate::ecs::task_set::{BlueGreen, Controller, TaskSet};
use crate::scenario::spec::LaunchType;

/// What `describe-services` adds for a blue/green service: for CODE_DEPLOY the controller,
/// an empty `deployments` and the `taskSets`; for ECS's strategies the strategy settings and
/// the revisions as deployments.
pub fn service_fields(v: &mut Value, ecs: &EcsCluster, svc: &Service) {
    let Some(bg) = svc.blue_green.as_deref() else {
        return;
    };
    match &bg.controller {
        Controller::CodeDeploy { .. } => {
            v["deploymentController"] = json!({"type": "CODE_DEPLOY"});
            v["deployments"] = json!([]);
            v["taskSets"] = json!(
                bg.task_sets
                    .iter()
                    .rev()
                    .map(|t| task_set(ecs, svc, bg, t))
                    .collect::<Vec<_>>()
            );
        }
        Controller::Ecs {
            strategy,
            routing,
            bake_time,
        } => {
            let dc = &mut v["deploymentConfiguration"];
            dc["strategy"] = json!(strategy);
            dc["bakeTimeInMinutes"] = json!(bake_time.0 / 60_000);
            match routing {
                crate::ecs::traffic_shift::Routing::Linear {
                    percent,
                    interval_minutes,
                } => {
                    dc["linearConfiguration"] =
                        json!({"stepPercent": percent, "stepBakeTimeInMinutes": interval_minutes});
                }
                crate::ecs::traffic_shift::Routing::Canary {
                    percent,
                    interval_minutes,
                } => {
                    dc["canaryConfiguration"] = json!({"canaryPercent": percent, "canaryBakeTimeInMinutes": interval_minutes});
                }
                crate::ecs::traffic_shift::Routing::AllAtOnce => {}
            }
            let active = bg.active().and_then(|d| d.green.clone());
            v["deployments"] = json!(
                bg.task_sets
                    .iter()
                    .rev()
                    .map(|t| {
                        let primary = match &active {
                            Some(g) => *g == t.id,
                            None => t.status == crate::ecs::task_set::TaskSetStatus::Primary,
                        };
                        json!({
                            "id": t.id,
                            "status": if primary { "PRIMARY" } else { "ACTIVE" },
                            "taskDefinition": ecs.task_definition(t.task_definition).arn,
                            "desiredCount": t.computed_desired_count,
                            "pendingCount": t.pending_count,
                            "runningCount": t.running_count,
                            "createdAt": t.created_at.aws_cli(),
                            "updatedAt": t.updated_at.aws_cli(),
                            "rolloutState": if primary && active.is_some() { "IN_PROGRESS" } else { "COMPLETED" },
                        })
                    })
                    .collect::<Vec<_>>()
            );
        }
    }
}

/// A task set as `describe-services` shows it (ECS API Reference, TaskSet).
fn task_set(ecs: &EcsCluster, svc: &Service, bg: &BlueGreen, t: &TaskSet) -> Value {
    let id = t.id.trim_start_matches("ecs-svc/");
    let mut v = json!({
        "id": t.id,
        "taskSetArn": format!("{}/{}", svc.arn.replacen(":service/", ":task-set/", 1), id),
        "serviceArn": svc.arn,
        "clusterArn": ecs.arn,
        "startedBy": "CODE_DEPLOY",
        "status": t.status.as_str(),
        "taskDefinition": ecs.task_definition(t.task_definition).arn,
        "computedDesiredCount": t.computed_desired_count,
        "pendingCount": t.pending_count,
        "runningCount": t.running_count,
        "createdAt": t.created_at.aws_cli(),
        "updatedAt": t.updated_at.aws_cli(),
        "launchType": if svc.launch_type == LaunchType::Fargate { "FARGATE" } else { "EC2" },
        "loadBalancers": [{
            "targetGroupArn": ecs.target_group(t.target_group).arn,
            "containerName": bg.container_name,
            "containerPort": bg.container_port,
        }],
        "serviceRegistries": [],
        "scale": {"value": t.scale, "unit": "PERCENT"},
        "stabilityStatus": t.stability.as_str(),
        "stabilityStatusAt": t.updated_at.aws_cli(),
    });
    if let Some(x) = &t.external_id {
        v["externalId"] = json!(x);
    }
    if svc.launch_type == LaunchType::Fargate {
        v["platformVersion"] = json!("1.4.0");
        v["platformFamily"] = json!("Linux");
    }
    v
}
