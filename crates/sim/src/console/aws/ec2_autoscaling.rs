//! `aws autoscaling describe-auto-scaling-groups` and `describe-scaling-activities` on the EC2
//! Auto Scaling groups behind the cluster's capacity providers, in the shapes of the Amazon EC2
//! Auto Scaling API Reference (AutoScalingGroup, Instance, Activity) and the AWS CLI's examples
//! (<https://docs.aws.amazon.com/cli/latest/reference/autoscaling/>); and `aws ecs
//! describe-capacity-providers` (ECS API Reference, CapacityProvider).
//!
//! What Orca models of a group is its size, its instances and managed scaling; what it does not
//! (launch templates, subnets by id, lifecycle hooks other than managed draining) is left out
//! of the shapes rather than invented (docs/rules/ecs-scaling.md#the-alarms-in-the-console).

use serde_json::{Value, json};

use super::args::{self, Param};
use super::autoscaling::uuid_of;
use super::shapes::pretty;
use super::{Context, EcsContext, Outcome};
use crate::ecs::auto_scaling_group::AutoScalingGroup;
use crate::ecs::cluster::EcsCluster;
use crate::ecs::{ContainerInstance, InstanceStatus};
use crate::event::EventKind;
use crate::time::SimTime;
use crate::world::World;

/// The operations Orca carries out.
pub const SUPPORTED: &[&str] = &[
    "describe-auto-scaling-groups",
    "describe-scaling-activities",
];

/// `arn:aws:autoscaling:<region>:<account>:autoScalingGroup:<uuid>:autoScalingGroupName/<name>`.
fn group_arn(world: &World, g: &AutoScalingGroup) -> String {
    format!(
        "arn:aws:autoscaling:{}:{}:autoScalingGroup:{}:autoScalingGroupName/{}",
        world.net.region,
        world.net.account_id,
        uuid_of(&format!("asg/{}", g.name)),
        g.name
    )
}

/// The ARN of the target-tracking policy ECS managed scaling puts on group `g`.
pub(super) fn managed_policy_arn(world: &World, g: &AutoScalingGroup) -> String {
    format!(
        "arn:aws:autoscaling:{}:{}:scalingPolicy:{}:autoScalingGroupName/{}:policyName/{}",
        world.net.region,
        world.net.account_id,
        uuid_of(&format!("asg/{}/{}", g.name, g.policy)),
        g.name,
        g.policy
    )
}

/// `2026-01-05T09:03:00Z`, how EC2 Auto Scaling's activity causes stamp a moment.
fn cause_stamp(at: SimTime) -> String {
    let z = at.iso8601_millis_z();
    format!("{}Z", &z[..19])
}

/// `aws autoscaling <words…>`.
pub(super) fn run(words: &[String], cx: &Context) -> Outcome {
    let op = match super::operation(words, SUPPORTED, "EC2 Auto Scaling") {
        Ok(op) => op,
        Err(refused) => return refused,
    };
    let ecs = cx.world.ecs.as_ref();
    let groups: &[AutoScalingGroup] = ecs.map_or(&[], |e| e.auto_scaling_groups.as_slice());
    if op == "describe-auto-scaling-groups" {
        let args = match args::parse(&words[1..], &[Param::list("--auto-scaling-group-names")]) {
            Ok(a) => a,
            Err(e) => return Outcome::Fail(e),
        };
        let names: Vec<&str> = args.list("--auto-scaling-group-names").collect();
        let list: Vec<Value> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| names.is_empty() || names.contains(&g.name.as_str()))
            .filter_map(|(i, g)| Some(group(cx.world, ecs?, i, g)))
            .collect();
        return Outcome::Print(pretty(&json!({ "AutoScalingGroups": list })));
    }
    let args = match args::parse(
        &words[1..],
        &[
            Param::text("--auto-scaling-group-name"),
            Param::list("--activity-ids"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let list = match ecs {
        Some(e) => activities(cx, e, args.one("--auto-scaling-group-name")),
        None => Vec::new(),
    };
    let ids: Vec<&str> = args.list("--activity-ids").collect();
    let list: Vec<Value> = list
        .into_iter()
        .filter(|a| ids.is_empty() || ids.iter().any(|id| a["ActivityId"] == *id))
        .collect();
    Outcome::Print(pretty(&json!({ "Activities": list })))
}

/// The group's instances that are not terminated, as the group lists them.
fn instance(inst: &ContainerInstance, protected: bool) -> Option<Value> {
    let state = match inst.status {
        InstanceStatus::Registering => "Pending",
        InstanceStatus::Active => "InService",
        // Managed instance draining holds a scale-in in a lifecycle hook until the instance's
        // tasks have gone [inferred: ECS uses a termination lifecycle hook for this].
        InstanceStatus::Draining if inst.terminate_when_drained => "Terminating:Wait",
        InstanceStatus::Draining => "InService",
        InstanceStatus::Inactive => return None,
    };
    Some(json!({
        "InstanceId": inst.ec2_instance_id.as_str(),
        "InstanceType": inst.instance_type,
        "AvailabilityZone": inst.availability_zone.as_str(),
        "LifecycleState": state,
        "HealthStatus": "Healthy",
        // With managed termination protection ECS protects the instances that run tasks.
        "ProtectedFromScaleIn": protected && !inst.tasks.is_empty(),
    }))
}

fn group(world: &World, ecs: &EcsCluster, i: usize, g: &AutoScalingGroup) -> Value {
    let instances: Vec<Value> = ecs
        .instances
        .iter()
        .filter(|inst| inst.auto_scaling_group == Some(i as u32))
        .filter_map(|inst| instance(inst, g.managed_termination_protection))
        .collect();
    let zones: Vec<&str> = world.net.zones.iter().map(|z| z.name.as_str()).collect();
    let arn = group_arn(world, g);
    json!({
        "AutoScalingGroupName": g.name,
        "AutoScalingGroupARN": arn,
        "MinSize": g.min_size,
        "MaxSize": g.max_size,
        "DesiredCapacity": g.desired_capacity,
        "DefaultCooldown": 300,
        "AvailabilityZones": zones,
        "LoadBalancerNames": [],
        "TargetGroupARNs": [],
        "HealthCheckType": "EC2",
        "HealthCheckGracePeriod": 0,
        "Instances": instances,
        "CreatedTime": SimTime::ZERO.aws_cli(),
        "SuspendedProcesses": [],
        "EnabledMetrics": [],
        // ECS tags the groups it manages for a capacity provider with managed scaling.
        "Tags": if g.managed_scaling.is_some() {
            json!([{
                "ResourceId": g.name,
                "ResourceType": "auto-scaling-group",
                "Key": "AmazonECSManaged",
                "Value": "",
                "PropagateAtLaunch": true,
            }])
        } else {
            json!([])
        },
        "TerminationPolicies": ["Default"],
        "NewInstancesProtectedFromScaleIn": g.managed_termination_protection,
        "ServiceLinkedRoleARN": format!(
            "arn:aws:iam::{}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
            world.net.account_id
        ),
        "CapacityRebalance": false,
    })
}

/// The groups' activities so far, newest first, from the log: each instance launched or
/// terminated, and each launch that failed. [model] A launch is Successful once the instance's
/// container instance registered, a termination once the instance is gone; until then they are
/// InProgress (MidLifecycleAction while managed draining holds the instance).
fn activities(cx: &Context, ecs: &EcsCluster, only: Option<&str>) -> Vec<Value> {
    let registered_at = |instance: &str| {
        cx.log.iter().find_map(|e| match &e.kind {
            EventKind::InstanceStateChanged {
                instance: name,
                status,
            } if **name == *instance && **status == *"ACTIVE" => Some(e.at),
            _ => None,
        })
    };
    let mut out = Vec::new();
    for (i, e) in cx.log.iter().enumerate().rev() {
        let (group, instance, launch) = match &e.kind {
            EventKind::InstanceLaunched {
                group, instance, ..
            } => (group, Some(instance), true),
            EventKind::InstanceTerminating {
                group, instance, ..
            } => (group, Some(instance), false),
            EventKind::InstanceLaunchFailed { group, .. } => (group, None, true),
            _ => continue,
        };
        if only.is_some_and(|g| g != group.as_str()) {
            continue;
        }
        let Some(g) = ecs.auto_scaling_groups.iter().find(|g| *g.name == **group) else {
            continue;
        };
        let message = e.message();
        // The activity's description has no full stop after the instance id; the log's line does.
        let (description, cause) = match message.split_once(" Cause: ") {
            Some((d, c)) => (d.trim_end_matches('.').to_string(), c.to_string()),
            None => (message.to_string(), String::new()),
        };
        // Orca's log prints its clock ("At 03:00"); the API prints UTC.
        let cause = cause.replace(
            &format!("At {} ", e.at),
            &format!("At {} ", cause_stamp(e.at)),
        );
        let inst = instance.and_then(|n| ecs.instances.iter().find(|x| *x.name == **n));
        let (status, end) = match (inst, launch) {
            (None, _) => ("Failed", Some(e.at)),
            (Some(x), true) => match registered_at(&x.name) {
                Some(t) => ("Successful", Some(t)),
                None => ("InProgress", None),
            },
            (Some(x), false) => match x.terminated_at {
                Some(t) if t <= cx.now => ("Successful", Some(t)),
                _ if x.status == InstanceStatus::Draining => ("MidLifecycleAction", None),
                _ => ("InProgress", None),
            },
        };
        let mut v = json!({
            "ActivityId": uuid_of(&format!("asg/{}/{i}", g.name)),
            "AutoScalingGroupName": g.name,
            "Description": description,
            "Cause": if inst.is_none() {
                format!(
                    "At {} an instance was started in response to a difference between desired and actual capacity.",
                    cause_stamp(e.at)
                )
            } else {
                cause
            },
            "StartTime": e.at.aws_cli(),
        });
        if let Some(t) = end {
            v["EndTime"] = json!(t.aws_cli());
        }
        v["StatusCode"] = json!(status);
        if inst.is_none() {
            v["StatusMessage"] = json!(
                description
                    .split_once("Status Reason: ")
                    .map_or(description.as_str(), |(_, r)| r)
            );
        }
        v["Progress"] = json!(if end.is_some() { 100 } else { 50 });
        let zone = inst.map(|x| x.availability_zone.as_str()).unwrap_or("");
        v["Details"] = json!(json!({"Availability Zone": zone}).to_string());
        v["AutoScalingGroupARN"] = json!(group_arn(cx.world, g));
        out.push(v);
    }
    out
}

/// `aws ecs describe-capacity-providers [--capacity-providers NAME…]`: the cluster's Auto
/// Scaling group providers, then FARGATE and FARGATE_SPOT (every account has them).
pub(super) fn describe_capacity_providers(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match args::parse(words, &[Param::list("--capacity-providers")]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let arn = |name: &str| {
        format!(
            "arn:aws:ecs:{}:{}:capacity-provider/{name}",
            cx.world.net.region, cx.world.net.account_id
        )
    };
    let mut all: Vec<(String, Value)> = cx
        .ecs
        .auto_scaling_groups
        .iter()
        .map(|g| {
            let managed = match &g.managed_scaling {
                Some(m) => json!({
                    "status": "ENABLED",
                    "targetCapacity": m.target_capacity,
                    "minimumScalingStepSize": m.minimum_scaling_step_size,
                    "maximumScalingStepSize": m.maximum_scaling_step_size,
                    "instanceWarmupPeriod": m.instance_warmup.0 / 1000,
                }),
                None => json!({"status": "DISABLED"}),
            };
            let protection = if g.managed_termination_protection {
                "ENABLED"
            } else {
                "DISABLED"
            };
            (
                g.capacity_provider.clone(),
                json!({
                    "capacityProviderArn": arn(&g.capacity_provider),
                    "name": g.capacity_provider,
                    "status": "ACTIVE",
                    "autoScalingGroupProvider": {
                        "autoScalingGroupArn": group_arn(cx.world, g),
                        "managedScaling": managed,
                        "managedTerminationProtection": protection,
                        "managedDraining": "ENABLED",
                    },
                    "tags": [],
                }),
            )
        })
        .collect();
    for name in ["FARGATE", "FARGATE_SPOT"] {
        all.push((
            name.to_string(),
            json!({"capacityProviderArn": arn(name), "name": name, "status": "ACTIVE", "tags": []}),
        ));
    }
    let wanted: Vec<&str> = args.list("--capacity-providers").collect();
    if wanted.is_empty() {
        let list: Vec<Value> = all.into_iter().map(|(_, v)| v).collect();
        return Outcome::Print(pretty(&json!({"capacityProviders": list, "failures": []})));
    }
    let mut list = Vec::new();
    let mut failures = Vec::new();
    for w in wanted {
        match all
            .iter()
            .find(|(n, v)| n == w || v["capacityProviderArn"] == *w)
        {
            Some((_, v)) => list.push(v.clone()),
            None => failures.push(json!({"arn": w, "reason": "MISSING"})),
        }
    }
    Outcome::Print(pretty(
        &json!({"capacityProviders": list, "failures": failures}),
    ))
}
