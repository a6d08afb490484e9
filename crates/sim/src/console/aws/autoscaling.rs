//! `aws application-autoscaling describe-scalable-targets`, `describe-scaling-policies` and
//! `describe-scaling-activities` on the scenario's ECS service auto scaling, in the shapes of the
//! Application Auto Scaling API Reference (DescribeScalableTargets, DescribeScalingPolicies,
//! DescribeScalingActivities) and the AWS CLI's examples for them
//! (<https://docs.aws.amazon.com/cli/latest/reference/application-autoscaling/>).
//!
//! The activities are read back from the run's log (one `ScalingActivity` event each, written
//! by `aas::metric_minute`): Orca applies a scaling decision to the service at the moment it is
//! taken, so an activity's `EndTime` is its `StartTime` [model: AAS reports the end once ECS
//! accepted the new desired count, seconds later].

use serde_json::{Value, json};

use super::args::{self, Param};
use super::shapes::pretty;
use super::{Context, Outcome};
use crate::aas::alarms::SERVICE_CPU_METRIC;
use crate::ecs::Service;
use crate::ecs::cluster::EcsCluster;
use crate::event::EventKind;
use crate::time::SimTime;
use crate::world::World;

/// The operations Orca carries out.
pub const SUPPORTED: &[&str] = &[
    "describe-scalable-targets",
    "describe-scaling-activities",
    "describe-scaling-policies",
];

/// The values `--service-namespace` takes (the API's ServiceNamespace enum).
const NAMESPACES: &[&str] = &[
    "ecs",
    "elasticmapreduce",
    "ec2",
    "appstream",
    "dynamodb",
    "rds",
    "sagemaker",
    "custom-resource",
    "comprehend",
    "lambda",
    "cassandra",
    "kafka",
    "elasticache",
    "neptune",
    "workspaces",
];

const DIMENSION: &str = "ecs:service:DesiredCount";

/// `aws application-autoscaling <words…>`.
pub(super) fn run(words: &[String], cx: &Context) -> Outcome {
    let op = match super::operation(words, SUPPORTED, "Application Auto Scaling") {
        Ok(op) => op,
        Err(refused) => return refused,
    };
    let params: &[Param] = match op {
        "describe-scalable-targets" => &[
            Param::text("--service-namespace").required(),
            Param::list("--resource-ids"),
            Param::text("--scalable-dimension"),
        ],
        "describe-scaling-policies" => &[
            Param::text("--service-namespace").required(),
            Param::list("--policy-names"),
            Param::text("--resource-id"),
            Param::text("--scalable-dimension"),
        ],
        _ => &[
            Param::text("--service-namespace").required(),
            Param::text("--resource-id"),
            Param::text("--scalable-dimension"),
            Param::flag("--include-not-scaled-activities"),
        ],
    };
    let args = match args::parse(&words[1..], params) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let namespace = args.one("--service-namespace").unwrap_or_default();
    if !NAMESPACES.contains(&namespace) {
        return validation(
            op,
            &format!(
                "Value '{namespace}' at 'serviceNamespace' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                NAMESPACES.join(", ")
            ),
        );
    }
    if let Some(d) = args.one("--scalable-dimension")
        && !d.contains(':')
    {
        return validation(
            op,
            &format!(
                "Value '{d}' at 'scalableDimension' failed to satisfy constraint: Member must satisfy enum value set: [ecs:service:DesiredCount, …]"
            ),
        );
    }
    // Only ECS services scale here; another namespace, or another dimension, has nothing.
    let ecs = cx
        .world
        .ecs
        .as_ref()
        .filter(|_| namespace == "ecs")
        .filter(|_| {
            args.one("--scalable-dimension")
                .is_none_or(|d| d == DIMENSION)
        });
    let scaled: Vec<&Service> = ecs
        .map(|e| e.services.iter().filter(|s| scales(s)).collect())
        .unwrap_or_default();
    let ecs_name = ecs.map_or("", |e| e.name.as_str());
    match op {
        "describe-scalable-targets" => {
            let wanted: Vec<&str> = args.list("--resource-ids").collect();
            let list: Vec<Value> = scaled
                .iter()
                .filter(|s| {
                    wanted.is_empty() || wanted.contains(&resource_id(ecs_name, s).as_str())
                })
                .map(|s| scalable_target(cx.world, ecs_name, s))
                .collect();
            Outcome::Print(pretty(&json!({ "ScalableTargets": list })))
        }
        "describe-scaling-policies" => {
            let names: Vec<&str> = args.list("--policy-names").collect();
            let resource = args.one("--resource-id");
            let list: Vec<Value> = scaled
                .iter()
                .filter(|s| resource.is_none_or(|r| r == resource_id(ecs_name, s)))
                .flat_map(|s| policies(cx.world, ecs_name, s))
                .filter(|p| names.is_empty() || names.iter().any(|n| p["PolicyName"] == *n))
                .collect();
            Outcome::Print(pretty(&json!({ "ScalingPolicies": list })))
        }
        _ => {
            let resource = args.one("--resource-id");
            let list = match ecs {
                Some(e) => activities(cx, e, resource),
                None => Vec::new(),
            };
            Outcome::Print(pretty(&json!({ "ScalingActivities": list })))
        }
    }
}

/// The service has a scalable target: a target-tracking or a step scaling policy.
fn scales(s: &Service) -> bool {
    s.scaling.is_some() || !s.step_scaling.is_empty()
}

/// `service/<cluster>/<service>`, the ResourceId of an ECS service.
pub(super) fn resource_id(cluster: &str, s: &Service) -> String {
    format!("service/{cluster}/{}", s.name)
}

/// A deterministic UUID for `seed` (reading must not draw from the run's random streams).
pub(super) fn uuid_of(seed: &str) -> String {
    let h = crate::hash::fnv1a(seed.bytes());
    let g = crate::hash::fnv1a(seed.bytes().rev());
    let hex = format!("{h:016x}{g:016x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[17..20],
        &hex[20..32]
    )
}

/// The ARN of a scaling policy of service `s`:
/// `arn:aws:autoscaling:<region>:<account>:scalingPolicy:<uuid>:resource/ecs/service/<cluster>/<service>:policyName/<name>`.
pub(super) fn policy_arn(world: &World, cluster: &str, s: &Service, policy: &str) -> String {
    let resource = resource_id(cluster, s);
    format!(
        "arn:aws:autoscaling:{}:{}:scalingPolicy:{}:resource/ecs/{resource}:policyName/{policy}",
        world.net.region,
        world.net.account_id,
        uuid_of(&format!("{resource}/{policy}"))
    )
}

/// The ARN of a CloudWatch alarm.
pub(super) fn alarm_arn(world: &World, name: &str) -> String {
    format!(
        "arn:aws:cloudwatch:{}:{}:alarm:{name}",
        world.net.region, world.net.account_id
    )
}

/// The service's capacity bounds: the target-tracking policy's, else the first step policy's
/// (Orca keeps them with the policies; AAS keeps them on the scalable target).
fn capacity(s: &Service) -> (u32, u32) {
    match (&s.scaling, s.step_scaling.first()) {
        (Some(t), _) => (t.min, t.max),
        (None, Some(p)) => (p.min, p.max),
        (None, None) => (0, 0),
    }
}

/// When the scenario began: the scalable targets and policies are there from the start.
fn created() -> String {
    SimTime::ZERO.aws_cli()
}

fn scalable_target(world: &World, cluster: &str, s: &Service) -> Value {
    let (min, max) = capacity(s);
    let resource = resource_id(cluster, s);
    let id: String = uuid_of(&resource).chars().filter(|c| *c != '-').collect();
    json!({
        "ServiceNamespace": "ecs",
        "ResourceId": resource,
        "ScalableDimension": DIMENSION,
        "MinCapacity": min,
        "MaxCapacity": max,
        "RoleARN": format!(
            "arn:aws:iam::{}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
            world.net.account_id
        ),
        "CreationTime": created(),
        "SuspendedState": {
            "DynamicScalingInSuspended": false,
            "DynamicScalingOutSuspended": false,
            "ScheduledScalingSuspended": false,
        },
        "ScalableTargetARN": format!(
            "arn:aws:application-autoscaling:{}:{}:scalable-target/{}",
            world.net.region,
            world.net.account_id,
            &id[..32.min(id.len())]
        ),
    })
}

/// The service's policies: target tracking first, then the step policies in file order.
fn policies(world: &World, cluster: &str, s: &Service) -> Vec<Value> {
    let resource = resource_id(cluster, s);
    let alarm = |name: &str| json!({"AlarmName": name, "AlarmARN": alarm_arn(world, name)});
    // The fields every policy has, around its type's configuration and its alarms.
    let policy = |name: &str, kind: &str, config: Value, alarms: Vec<Value>| {
        let mut v = json!({
            "PolicyARN": policy_arn(world, cluster, s, name),
            "PolicyName": name,
            "ServiceNamespace": "ecs",
            "ResourceId": resource,
            "ScalableDimension": DIMENSION,
            "PolicyType": kind,
        });
        let key = match kind {
            "TargetTrackingScaling" => "TargetTrackingScalingPolicyConfiguration",
            _ => "StepScalingPolicyConfiguration",
        };
        v[key] = config;
        v["Alarms"] = json!(alarms);
        v["CreationTime"] = json!(created());
        v
    };
    let mut out = Vec::new();
    if let Some(t) = &s.scaling {
        let config = json!({
            "TargetValue": t.target,
            "PredefinedMetricSpecification": {"PredefinedMetricType": SERVICE_CPU_METRIC},
            "ScaleOutCooldown": t.scale_out_cooldown.0 / 1000,
            "ScaleInCooldown": t.scale_in_cooldown.0 / 1000,
            "DisableScaleIn": t.disable_scale_in,
        });
        let alarms = vec![alarm(&t.alarm_high), alarm(&t.alarm_low)];
        out.push(policy(&t.policy, "TargetTrackingScaling", config, alarms));
    }
    for p in &s.step_scaling {
        let steps: Vec<Value> = p
            .steps
            .iter()
            .map(|step| {
                let mut v = json!({});
                if let Some(l) = step.lower {
                    v["MetricIntervalLowerBound"] = json!(l);
                }
                if let Some(u) = step.upper {
                    v["MetricIntervalUpperBound"] = json!(u);
                }
                v["ScalingAdjustment"] = json!(step.adjustment);
                v
            })
            .collect();
        let mut config = json!({
            "AdjustmentType": format!("{:?}", p.adjustment_type),
            "StepAdjustments": steps,
        });
        if let Some(m) = p.min_adjustment_magnitude {
            config["MinAdjustmentMagnitude"] = json!(m);
        }
        config["Cooldown"] = json!(p.cooldown.0 / 1000);
        config["MetricAggregationType"] = json!(format!("{:?}", p.aggregation));
        out.push(policy(
            &p.policy,
            "StepScaling",
            config,
            vec![alarm(&p.alarm)],
        ));
    }
    out
}

/// The scaling activities so far, newest first, from the log.
fn activities(cx: &Context, ecs: &EcsCluster, resource: Option<&str>) -> Vec<Value> {
    cx.log
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, e)| {
            let EventKind::ScalingActivity {
                service, desired, ..
            } = &e.kind
            else {
                return None;
            };
            let svc = ecs.services.iter().find(|s| s.name == *service)?;
            let id = resource_id(&ecs.name, svc);
            if resource.is_some_and(|r| r != id) {
                return None;
            }
            let message = e.message();
            let (description, cause) = match message.split_once(" Cause: ") {
                Some((d, c)) => (d.to_string(), c.to_string()),
                None => (message.to_string(), String::new()),
            };
            let at = e.at.aws_cli();
            Some(json!({
                "ActivityId": uuid_of(&format!("{id}/{i}")),
                "ServiceNamespace": "ecs",
                "ResourceId": id,
                "ScalableDimension": DIMENSION,
                "Description": description,
                "Cause": cause,
                "StartTime": at,
                "EndTime": at,
                "StatusCode": "Successful",
                "StatusMessage": format!(
                    "Successfully set desired count to {desired}. Change successfully fulfilled by ecs."
                ),
            }))
        })
        .collect()
}

/// The API's `ValidationException` for operation `op`.
fn validation(op: &str, detail: &str) -> Outcome {
    super::exception(
        op,
        "ValidationException",
        &format!("1 validation error detected: {detail}"),
    )
}
