//! `aws ecs describe-clusters [--clusters …] [--include …]` and `aws ecs list-attributes`, in
//! the shapes of the ECS API Reference (DescribeClusters, ListAttributes):
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html>,
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListAttributes.html>
//! (docs/rules/delivery-security-storage.md#aws-ecs-describe-clusters-and-list-attributes).
//!
//! A scenario has one cluster; any other name is a `MISSING` failure. The extra parts of a
//! cluster come only when `--include` asks for them, as the API says: `STATISTICS` (the task
//! and service counts by launch type), `SETTINGS` (`containerInsights`, as the scenario set
//! it), `ATTACHMENTS` (the scaling policy managed scaling created for each Auto Scaling group
//! capacity provider), `TAGS` and `CONFIGURATIONS` (a scenario's cluster has neither).

use serde_json::{Value, json};

use super::args::{self, Param};
use super::shapes::pretty;
use super::{EcsContext, Outcome};
use crate::ecs::cluster::EcsCluster;
use crate::ecs::{InstanceStatus, TaskStatus};
use crate::scenario::spec::LaunchType;

/// The values `--include` takes (DescribeClusters, "Valid Values").
const INCLUDE: [&str; 5] = [
    "ATTACHMENTS",
    "CONFIGURATIONS",
    "SETTINGS",
    "STATISTICS",
    "TAGS",
];

/// `describe-clusters [--clusters NAME|ARN …] [--include WHAT …]`; the cluster `default` when
/// none is named.
pub(super) fn describe_clusters(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match args::parse(
        words,
        &[Param::list("--clusters"), Param::list("--include")],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let include: Vec<&str> = args.list("--include").collect();
    if let Some(bad) = include.iter().find(|w| !INCLUDE.contains(w)) {
        // The API lists the valid values; the wording of the refusal is Orca's.
        return super::exception(
            cx.op,
            "InvalidParameterException",
            &format!(
                "Invalid include: {bad}. Valid values are ATTACHMENTS, CONFIGURATIONS, SETTINGS, STATISTICS and TAGS."
            ),
        );
    }
    let mut wanted: Vec<&str> = args.list("--clusters").collect();
    if wanted.is_empty() {
        wanted.push("default");
    }
    let (mut clusters, mut failures) = (Vec::new(), Vec::new());
    for w in wanted {
        if w == cx.ecs.name || w == cx.ecs.arn {
            clusters.push(cluster(cx, &include));
        } else {
            let arn = if w.starts_with("arn:") {
                w.to_string()
            } else {
                format!(
                    "arn:aws:ecs:{}:{}:cluster/{w}",
                    cx.world.net.region, cx.world.net.account_id
                )
            };
            failures.push(super::shapes::failure(&arn, "MISSING"));
        }
    }
    Outcome::Print(pretty(
        &json!({ "clusters": clusters, "failures": failures }),
    ))
}

/// The cluster as DescribeClusters returns it, with the parts `include` asks for.
fn cluster(cx: &EcsContext, include: &[&str]) -> Value {
    let ecs = cx.ecs;
    let counts = Counts::of(ecs);
    let registered = ecs
        .instances
        .iter()
        .filter(|i| matches!(i.status, InstanceStatus::Active | InstanceStatus::Draining))
        .count();
    let providers = capacity_providers(ecs);
    let mut v = json!({
        "clusterArn": ecs.arn,
        "clusterName": ecs.name,
        "status": "ACTIVE",
        "registeredContainerInstancesCount": registered,
        "runningTasksCount": counts.running_ec2 + counts.running_fargate,
        "pendingTasksCount": counts.pending_ec2 + counts.pending_fargate,
        "activeServicesCount": ecs.services.len(),
        // [inferred] The CLI prints these two lists empty when `--include` does not ask for
        // them (the API only says the information "isn't included").
        "statistics": [],
        "tags": [],
        "capacityProviders": providers,
        "defaultCapacityProviderStrategy": [],
    });
    if include.contains(&"STATISTICS") {
        v["statistics"] = counts.statistics();
    }
    if include.contains(&"SETTINGS") {
        let insights = if ecs.insights.enabled {
            "enabled"
        } else {
            "disabled"
        };
        v["settings"] = json!([{"name": "containerInsights", "value": insights}]);
    }
    if include.contains(&"ATTACHMENTS") {
        v["attachments"] = attachments(cx);
        v["attachmentsStatus"] = json!("UPDATE_COMPLETE");
    }
    v
}

/// The cluster's capacity providers: its Auto Scaling groups' and, when a service uses them,
/// FARGATE and FARGATE_SPOT (a strategy may only name providers associated with the cluster:
/// "Amazon ECS capacity providers", Developer Guide).
fn capacity_providers(ecs: &EcsCluster) -> Vec<String> {
    let mut providers: Vec<String> = ecs
        .auto_scaling_groups
        .iter()
        .map(|g| g.capacity_provider.clone())
        .collect();
    for fargate in ["FARGATE", "FARGATE_SPOT"] {
        let used = ecs
            .services
            .iter()
            .any(|s| s.capacity_providers.iter().any(|(p, _, _)| p == fargate));
        if used {
            providers.push(fargate.to_string());
        }
    }
    providers
}

/// [inferred] Managed scaling creates a target tracking scaling policy for the capacity
/// provider's Auto Scaling group (`ECSManagedAutoScalingPolicy-…`, "Amazon ECS cluster auto
/// scaling", Developer Guide); DescribeClusters lists it as an `as_policy` attachment. The
/// attachment's id is Orca's, derived from the policy's name.
fn attachments(cx: &EcsContext) -> Value {
    let list: Vec<Value> = cx
        .ecs
        .auto_scaling_groups
        .iter()
        .filter(|g| g.managed_scaling.is_some())
        .map(|g| {
            json!({
                "id": super::autoscaling::uuid_of(&g.policy),
                "type": "as_policy",
                "status": "CREATED",
                "details": [
                    {"name": "capacityProviderName", "value": g.capacity_provider},
                    {"name": "scalingPolicyName", "value": g.policy},
                ],
            })
        })
        .collect();
    json!(list)
}

/// Task and service counts by launch type (`--include STATISTICS`).
#[derive(Debug, Default, PartialEq)]
struct Counts {
    running_ec2: usize,
    running_fargate: usize,
    pending_ec2: usize,
    pending_fargate: usize,
    active_ec2_services: usize,
    active_fargate_services: usize,
}

impl Counts {
    fn of(ecs: &EcsCluster) -> Counts {
        let mut c = Counts::default();
        for t in ecs.tasks.iter() {
            let fargate = t.launch_type == LaunchType::Fargate;
            if t.last_status == TaskStatus::Running {
                *if fargate {
                    &mut c.running_fargate
                } else {
                    &mut c.running_ec2
                } += 1;
            } else if t.is_live() && t.last_status.is_starting() {
                *if fargate {
                    &mut c.pending_fargate
                } else {
                    &mut c.pending_ec2
                } += 1;
            }
        }
        for s in &ecs.services {
            // [inferred] A service with a capacity provider strategy counts where its tasks
            // run: FARGATE and FARGATE_SPOT are Fargate, an Auto Scaling group's is EC2.
            let fargate = match s.capacity_providers.first() {
                Some((p, _, _)) => p.starts_with("FARGATE"),
                None => s.launch_type == LaunchType::Fargate,
            };
            *if fargate {
                &mut c.active_fargate_services
            } else {
                &mut c.active_ec2_services
            } += 1;
        }
        c
    }

    /// The statistics DescribeClusters documents, in its order. Every service of a scenario is
    /// ACTIVE (Orca does not delete services), so none is DRAINING.
    fn statistics(&self) -> Value {
        let stat = |name: &str, n: usize| json!({"name": name, "value": n.to_string()});
        json!([
            stat("runningEC2TasksCount", self.running_ec2),
            stat("runningFargateTasksCount", self.running_fargate),
            stat("pendingEC2TasksCount", self.pending_ec2),
            stat("pendingFargateTasksCount", self.pending_fargate),
            stat("activeEC2ServiceCount", self.active_ec2_services),
            stat("activeFargateServiceCount", self.active_fargate_services),
            stat("drainingEC2ServiceCount", 0),
            stat("drainingFargateServiceCount", 0),
        ])
    }
}

/// `list-attributes --target-type container-instance [--cluster C] [--attribute-name N
/// [--attribute-value V]]`: one entry per attribute of each registered container instance.
pub(super) fn list_attributes(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match super::parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::text("--target-type").required(),
            Param::text("--attribute-name"),
            Param::text("--attribute-value"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    // `TargetType` has one value; the wording of a refusal is Orca's.
    let target_type = args.one("--target-type").unwrap_or_default();
    if target_type != "container-instance" {
        return cx.exception(
            "InvalidParameterException",
            &format!("Invalid target type: {target_type}. The valid value is container-instance."),
        );
    }
    let name = args.one("--attribute-name");
    let value = args.one("--attribute-value");
    if value.is_some() && name.is_none() {
        // "You must also specify an attribute name to use this parameter."
        return cx.exception(
            "InvalidParameterException",
            "Attribute name must be specified when attribute value is specified.",
        );
    }
    let mut attributes = Vec::new();
    for inst in cx
        .ecs
        .instances
        .iter()
        .filter(|i| i.status != InstanceStatus::Inactive)
    {
        for (n, v) in inst.attributes() {
            if name.is_some_and(|x| x != n) || value.is_some_and(|x| x != v) {
                continue;
            }
            attributes.push(json!({
                "name": n,
                "value": v,
                "targetType": "container-instance",
                "targetId": inst.arn,
            }));
        }
    }
    Outcome::Print(pretty(&json!({ "attributes": attributes })))
}
