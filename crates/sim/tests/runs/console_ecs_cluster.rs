//! `aws ecs describe-clusters --include …` and `aws ecs list-attributes`: the counts by launch
//! type agree with the run, `containerInsights` is the scenario's setting, the capacity
//! providers and the managed-scaling policy are the cluster's, and the attributes are those
//! placement constraints read.

use crate::common;

use crate::say::{completions, failed, printed};
use orca_sim::ecs::TaskStatus;
use orca_sim::scenario::spec::LaunchType;
use orca_sim::{Playback, SimTime};
use serde_json::Value;

fn at(name: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(name));
    p.seek(SimTime::from_secs(secs));
    p
}

fn json(p: &Playback, line: &str) -> Value {
    serde_json::from_str(&printed(p, line)).unwrap_or_else(|e| panic!("`{line}`: {e}"))
}

/// The value of statistic `name` in a cluster's `statistics`.
fn stat(cluster: &Value, name: &str) -> usize {
    cluster["statistics"]
        .as_array()
        .and_then(|s| s.iter().find(|x| x["name"] == name))
        .and_then(|x| x["value"].as_str())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no statistic {name} in {cluster}"))
}

/// The tasks of the run whose last status is RUNNING.
fn running_tasks(p: &Playback) -> usize {
    p.world()
        .ecs
        .as_ref()
        .expect("ECS")
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .count()
}

#[test]
fn without_include_a_cluster_has_its_counts_and_no_settings() {
    let p = at("ecs-log-router-sidecar", 30);
    let v = json(&p, "aws ecs describe-clusters --clusters demo");
    let c = &v["clusters"][0];
    assert_eq!(c["statistics"], serde_json::json!([]));
    assert_eq!(c["tags"], serde_json::json!([]));
    assert!(c.get("settings").is_none(), "{c}");
    assert!(c.get("attachments").is_none(), "{c}");
}

#[test]
fn statistics_split_the_tasks_by_launch_type_mid_rollout() {
    // ecs-rolling-update at 0:36: web:2's four tasks are still starting beside web:1's four.
    let p = at("ecs-rolling-update", 36);
    let v = json(
        &p,
        "aws ecs describe-clusters --clusters demo --include STATISTICS",
    );
    let c = &v["clusters"][0];
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let running = running_tasks(&p);
    let pending = ecs
        .tasks
        .iter()
        .filter(|t| t.is_live() && t.last_status.is_starting())
        .count();
    assert!(pending > 0, "the new tasks are still starting");
    assert!(
        ecs.tasks
            .iter()
            .all(|t| t.launch_type == LaunchType::Fargate)
    );
    assert_eq!(stat(c, "runningFargateTasksCount"), running);
    assert_eq!(stat(c, "pendingFargateTasksCount"), pending);
    assert_eq!(stat(c, "runningEC2TasksCount"), 0);
    assert_eq!(stat(c, "pendingEC2TasksCount"), 0);
    assert_eq!(c["runningTasksCount"], running);
    assert_eq!(c["pendingTasksCount"], pending);
    assert_eq!(stat(c, "activeFargateServiceCount"), 1);
    assert_eq!(stat(c, "activeEC2ServiceCount"), 0);
    assert_eq!(stat(c, "drainingFargateServiceCount"), 0);
    let names: Vec<&str> = c["statistics"]
        .as_array()
        .expect("statistics")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "runningEC2TasksCount",
            "runningFargateTasksCount",
            "pendingEC2TasksCount",
            "pendingFargateTasksCount",
            "activeEC2ServiceCount",
            "activeFargateServiceCount",
            "drainingEC2ServiceCount",
            "drainingFargateServiceCount",
        ]
    );
}

#[test]
fn statistics_count_ec2_tasks_on_container_instances() {
    let p = at("ecs-cluster-auto-scaling", 30);
    let v = json(
        &p,
        "aws ecs describe-clusters --clusters shop --include STATISTICS",
    );
    let c = &v["clusters"][0];
    let running = running_tasks(&p);
    assert!(running > 0);
    assert_eq!(stat(c, "runningEC2TasksCount"), running);
    assert_eq!(stat(c, "runningFargateTasksCount"), 0);
    assert_eq!(stat(c, "activeEC2ServiceCount"), 1);
}

#[test]
fn settings_say_whether_container_insights_is_on() {
    for (scenario, value) in [
        ("ecs-log-router-sidecar", "enabled"),
        ("ecs-rolling-update", "disabled"),
    ] {
        let p = at(scenario, 10);
        let v = json(
            &p,
            "aws ecs describe-clusters --clusters demo --include SETTINGS",
        );
        assert_eq!(
            v["clusters"][0]["settings"],
            serde_json::json!([{"name": "containerInsights", "value": value}]),
            "{scenario}"
        );
    }
}

#[test]
fn fargate_capacity_providers_belong_to_a_cluster_whose_services_use_them() {
    let p = at("ecs-fargate-spot", 10);
    let v = json(&p, "aws ecs describe-clusters --clusters batch");
    assert_eq!(
        v["clusters"][0]["capacityProviders"],
        serde_json::json!(["FARGATE", "FARGATE_SPOT"])
    );
    let p = at("ecs-rolling-update", 10);
    let v = json(&p, "aws ecs describe-clusters --clusters demo");
    assert_eq!(v["clusters"][0]["capacityProviders"], serde_json::json!([]));
}

#[test]
fn attachments_name_the_managed_scaling_policy() {
    let p = at("ecs-cluster-auto-scaling", 10);
    let v = json(
        &p,
        "aws ecs describe-clusters --clusters shop --include ATTACHMENTS",
    );
    let c = &v["clusters"][0];
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let group = &ecs.auto_scaling_groups[0];
    assert_eq!(c["attachmentsStatus"], "UPDATE_COMPLETE");
    let a = &c["attachments"][0];
    assert_eq!(a["type"], "as_policy");
    assert_eq!(
        a["details"],
        serde_json::json!([
            {"name": "capacityProviderName", "value": group.capacity_provider},
            {"name": "scalingPolicyName", "value": group.policy},
        ])
    );
    // The same id every time it is asked for.
    let again = json(
        &p,
        "aws ecs describe-clusters --clusters shop --include ATTACHMENTS",
    );
    assert_eq!(again["clusters"][0]["attachments"][0]["id"], a["id"]);
}

#[test]
fn include_refuses_a_value_the_api_does_not_know() {
    let p = at("ecs-rolling-update", 10);
    let e = failed(
        &p,
        "aws ecs describe-clusters --clusters demo --include STATS",
    );
    assert!(
        e.contains("An error occurred (InvalidParameterException) when calling the DescribeClusters operation: Invalid include: STATS."),
        "{e}"
    );
    // Several values, and the query on them.
    let out = printed(
        &p,
        "aws ecs describe-clusters --clusters demo --include STATISTICS SETTINGS --query clusters[0].settings[0].value --output text",
    );
    assert_eq!(out.trim(), "disabled");
}

#[test]
fn list_attributes_gives_each_registered_instance_its_attributes() {
    let p = at("ecs-cluster-auto-scaling", 30);
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let registered: Vec<_> = ecs
        .instances
        .iter()
        .filter(|i| i.status != orca_sim::ecs::InstanceStatus::Inactive)
        .collect();
    assert!(!registered.is_empty());
    let all = json(
        &p,
        "aws ecs list-attributes --cluster shop --target-type container-instance",
    );
    let all = all["attributes"].as_array().expect("attributes");
    assert_eq!(all.len(), 3 * registered.len());
    // What describe-container-instances says of each instance, as name=value pairs.
    for inst in &registered {
        let mine: Vec<(String, String)> = all
            .iter()
            .filter(|a| a["targetId"] == inst.arn.as_str())
            .map(|a| (a["name"].to_string(), a["value"].to_string()))
            .collect();
        let d = json(
            &p,
            &format!(
                "aws ecs describe-container-instances --cluster shop --container-instances {}",
                inst.id
            ),
        );
        let described: Vec<(String, String)> = d["containerInstances"][0]["attributes"]
            .as_array()
            .expect("attributes")
            .iter()
            .map(|a| (a["name"].to_string(), a["value"].to_string()))
            .collect();
        assert_eq!(mine, described, "{}", inst.name);
    }
    let zone = registered[0].availability_zone.to_string();
    let by_value = json(
        &p,
        &format!(
            "aws ecs list-attributes --cluster shop --target-type container-instance --attribute-name ecs.availability-zone --attribute-value {zone}"
        ),
    );
    let expected = registered
        .iter()
        .filter(|i| i.availability_zone.as_ref() == zone.as_str())
        .count();
    let found = by_value["attributes"].as_array().expect("attributes");
    assert_eq!(found.len(), expected);
    assert!(found.iter().all(|a| a["value"] == zone.as_str()
        && a["name"] == "ecs.availability-zone"
        && a["targetType"] == "container-instance"));
}

#[test]
fn list_attributes_refuses_what_the_api_refuses() {
    let p = at("ecs-cluster-auto-scaling", 30);
    let e = failed(
        &p,
        "aws ecs list-attributes --cluster shop --target-type container-instance --attribute-value linux",
    );
    assert!(e.contains("(InvalidParameterException)"), "{e}");
    assert!(e.contains("Attribute name must be specified"), "{e}");
    let e = failed(&p, "aws ecs list-attributes --cluster shop");
    assert!(
        e.contains("the following arguments are required: --target-type"),
        "{e}"
    );
    let e = failed(
        &p,
        "aws ecs list-attributes --cluster shop --target-type task",
    );
    assert!(e.contains("Invalid target type: task"), "{e}");
    let e = failed(
        &p,
        "aws ecs list-attributes --cluster demo --target-type container-instance",
    );
    assert!(e.contains("ClusterNotFoundException"), "{e}");
}

#[test]
fn tab_offers_the_include_values_and_attribute_names() {
    let p = at("ecs-rolling-update", 10);
    let offered = completions(&p, "aws ecs describe-clusters --include ");
    assert!(offered.iter().any(|c| c == "STATISTICS"), "{offered:?}");
    let offered = completions(&p, "aws ecs list-attributes --attribute-name ");
    assert!(
        offered.iter().any(|c| c == "ecs.instance-type"),
        "{offered:?}"
    );
    let offered = completions(&p, "aws ecs list-");
    assert!(
        offered.iter().any(|c| c == "list-attributes"),
        "{offered:?}"
    );
}
