//! The console's view of ECS service auto scaling: `aws application-autoscaling
//! describe-scalable-targets | describe-scaling-policies | describe-scaling-activities` and
//! `aws cloudwatch describe-alarms | describe-alarm-history`, checked against what the run
//! did (its scaling and alarm events); EC2 Auto Scaling's `describe-auto-scaling-groups` and
//! `describe-scaling-activities` and `aws ecs describe-capacity-providers` for cluster auto
//! scaling; and `aws ecs list-clusters | list-task-definitions | list-task-definition-families`.

use crate::common;

use crate::say::{failed, printed};
use orca_sim::{EventKind, Playback, SimTime};
use serde_json::Value;

fn json(p: &Playback, line: &str) -> Value {
    serde_json::from_str(&printed(p, line)).unwrap_or_else(|e| panic!("`{line}`: {e}"))
}

fn at(name: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(name));
    p.seek(SimTime::from_secs(secs));
    p
}

#[test]
fn scaling_activities_are_the_runs_scaling_decisions_newest_first() {
    let p = at("ecs-target-tracking", 35 * 60);
    // What the run decided: (moment, desired count, message), oldest first.
    let decided: Vec<(SimTime, u32, String)> = p
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ScalingActivity { desired, .. } => {
                Some((e.at, *desired, e.message().to_string()))
            }
            _ => None,
        })
        .collect();
    assert!(
        decided.len() >= 3,
        "the scenario scales out twice and in once"
    );
    let v = json(
        &p,
        "aws application-autoscaling describe-scaling-activities --service-namespace ecs --resource-id service/demo/web",
    );
    let shown = v["ScalingActivities"].as_array().expect("a list");
    assert_eq!(shown.len(), decided.len());
    for (a, (when, desired, message)) in shown.iter().zip(decided.iter().rev()) {
        assert_eq!(a["ResourceId"], "service/demo/web");
        assert_eq!(a["ScalableDimension"], "ecs:service:DesiredCount");
        assert_eq!(a["StartTime"], when.aws_cli());
        assert_eq!(a["StatusCode"], "Successful");
        assert_eq!(
            a["Description"],
            format!("Setting desired count to {desired}.")
        );
        assert_eq!(
            a["StatusMessage"],
            format!(
                "Successfully set desired count to {desired}. Change successfully fulfilled by ecs."
            )
        );
        let cause = a["Cause"].as_str().expect("a cause");
        assert!(cause.starts_with("monitor alarm TargetTracking-service/demo/web-Alarm"));
        assert!(cause.ends_with("in state ALARM triggered policy web-cpu50-target-tracking"));
        assert!(message.ends_with(cause), "{message}");
    }
    // The newest is the scale-in, caused by AlarmLow; the oldest a scale-out by AlarmHigh.
    assert!(shown[0]["Cause"].as_str().unwrap().contains("-AlarmLow-"));
    assert!(
        shown[shown.len() - 1]["Cause"]
            .as_str()
            .unwrap()
            .contains("-AlarmHigh-")
    );
    // Another resource, or another namespace, has none; a namespace that does not exist is
    // the API's validation error.
    let none = json(
        &p,
        "aws application-autoscaling describe-scaling-activities --service-namespace ecs --resource-id service/demo/other",
    );
    assert_eq!(none["ScalingActivities"], serde_json::json!([]));
    let dynamo = json(
        &p,
        "aws application-autoscaling describe-scaling-activities --service-namespace dynamodb",
    );
    assert_eq!(dynamo["ScalingActivities"], serde_json::json!([]));
    let e = failed(
        &p,
        "aws application-autoscaling describe-scaling-activities --service-namespace ecss",
    );
    assert!(
        e.contains("(ValidationException) when calling the DescribeScalingActivities operation: 1 validation error detected: Value 'ecss' at 'serviceNamespace'"),
        "{e}"
    );
    let e = failed(
        &p,
        "aws application-autoscaling describe-scaling-activities",
    );
    assert!(e.contains("--service-namespace"), "{e}");
}

#[test]
fn the_scalable_target_and_policies_are_the_scenarios() {
    let p = at("ecs-target-tracking", 60);
    let svc = &p.world().ecs.as_ref().unwrap().services[0];
    let tt = svc.scaling.as_ref().expect("a target-tracking policy");
    let targets = json(
        &p,
        "aws application-autoscaling describe-scalable-targets --service-namespace ecs",
    );
    let t = &targets["ScalableTargets"][0];
    assert_eq!(t["ResourceId"], "service/demo/web");
    assert_eq!(t["MinCapacity"], tt.min);
    assert_eq!(t["MaxCapacity"], tt.max);
    let policies = json(
        &p,
        "aws application-autoscaling describe-scaling-policies --service-namespace ecs --policy-names web-cpu50-target-tracking",
    );
    let pol = &policies["ScalingPolicies"][0];
    assert_eq!(pol["PolicyType"], "TargetTrackingScaling");
    let cfg = &pol["TargetTrackingScalingPolicyConfiguration"];
    assert_eq!(cfg["TargetValue"], tt.target);
    assert_eq!(
        cfg["PredefinedMetricSpecification"]["PredefinedMetricType"],
        "ECSServiceAverageCPUUtilization"
    );
    assert_eq!(cfg["ScaleOutCooldown"], tt.scale_out_cooldown.0 / 1000);
    let alarms: Vec<&str> = pol["Alarms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["AlarmName"].as_str().unwrap())
        .collect();
    assert_eq!(alarms, [tt.alarm_high.as_str(), tt.alarm_low.as_str()]);
    let arn = pol["PolicyARN"].as_str().unwrap();
    assert!(
        arn.starts_with("arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:")
            && arn.ends_with(":resource/ecs/service/demo/web:policyName/web-cpu50-target-tracking"),
        "{arn}"
    );

    // Step scaling: the steps' bounds as the API gives them (a missing bound is left out).
    let p = at("ecs-step-scaling", 60);
    let svc = &p.world().ecs.as_ref().unwrap().services[0];
    let v = json(
        &p,
        "aws application-autoscaling describe-scaling-policies --service-namespace ecs",
    );
    let shown = v["ScalingPolicies"].as_array().unwrap();
    assert_eq!(shown.len(), svc.step_scaling.len());
    for (pol, spec) in shown.iter().zip(&svc.step_scaling) {
        assert_eq!(pol["PolicyType"], "StepScaling");
        assert_eq!(pol["PolicyName"], spec.policy);
        assert_eq!(pol["Alarms"][0]["AlarmName"], spec.alarm);
        let steps = pol["StepScalingPolicyConfiguration"]["StepAdjustments"]
            .as_array()
            .unwrap();
        assert_eq!(steps.len(), spec.steps.len());
        for (shown, step) in steps.iter().zip(&spec.steps) {
            assert_eq!(shown["ScalingAdjustment"], step.adjustment);
            assert_eq!(
                shown
                    .get("MetricIntervalLowerBound")
                    .and_then(Value::as_f64),
                step.lower
            );
            assert_eq!(
                shown
                    .get("MetricIntervalUpperBound")
                    .and_then(Value::as_f64),
                step.upper
            );
        }
    }
}

#[test]
fn describe_alarms_gives_each_alarms_state_and_the_datapoints_behind_it() {
    let p = at("ecs-target-tracking", 35 * 60);
    let tt = p.world().ecs.as_ref().unwrap().services[0]
        .scaling
        .clone()
        .expect("a target-tracking policy");
    let v = json(&p, "aws cloudwatch describe-alarms");
    let alarms = v["MetricAlarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 2);
    let find = |name: &str| {
        alarms
            .iter()
            .find(|a| a["AlarmName"] == name)
            .unwrap_or_else(|| panic!("no alarm {name}"))
    };
    let high = find(&tt.alarm_high);
    let low = find(&tt.alarm_low);
    assert_eq!(high["StateValue"], tt.high.as_str());
    assert_eq!(low["StateValue"], tt.low.as_str());
    // AlarmHigh: 3 of 3 above the target; AlarmLow: 15 of 15 below 90 % of it.
    assert_eq!(
        (
            &high["EvaluationPeriods"],
            &high["Threshold"],
            &high["ComparisonOperator"]
        ),
        (
            &serde_json::json!(3),
            &serde_json::json!(50.0),
            &serde_json::json!("GreaterThanThreshold")
        )
    );
    assert_eq!(low["EvaluationPeriods"], 15);
    assert_eq!(low["Threshold"], 45.0);
    assert_eq!(low["Namespace"], "AWS/ECS");
    assert_eq!(low["MetricName"], "CPUUtilization");
    // The low alarm went to ALARM at 30:00 on fifteen datapoints, each stamped with its minute.
    assert_eq!(tt.low.as_str(), "ALARM");
    let reason = low["StateReason"].as_str().unwrap();
    assert!(
        reason.starts_with("Threshold Crossed: 15 out of the last 15 datapoints ["),
        "{reason}"
    );
    assert!(
        reason.ends_with(
            "were less than the threshold (45.0) (minimum 15 datapoints for OK -> ALARM transition)."
        ),
        "{reason}"
    );
    assert_eq!(reason.matches(" (05/01/26 09:").count(), 15, "{reason}");
    assert!(reason.contains("(05/01/26 09:29:00)"), "{reason}");
    assert_eq!(
        low["StateUpdatedTimestamp"],
        SimTime::from_secs(30 * 60).aws_cli()
    );
    assert!(high["AlarmDescription"].as_str().unwrap().starts_with(
        "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy arn:aws:autoscaling:"
    ));
    // Filters.
    let v = json(&p, "aws cloudwatch describe-alarms --state-value ALARM");
    let names: Vec<&str> = v["MetricAlarms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["AlarmName"].as_str().unwrap())
        .collect();
    assert_eq!(names, [tt.alarm_low.as_str()]);
    let v = json(
        &p,
        "aws cloudwatch describe-alarms --alarm-name-prefix nothing",
    );
    assert_eq!(v["MetricAlarms"], serde_json::json!([]));
    let e = failed(&p, "aws cloudwatch describe-alarms --state-value RED");
    assert!(
        e.contains("(ValidationError) when calling the DescribeAlarms operation"),
        "{e}"
    );
}

#[test]
fn alarm_history_follows_the_logs_state_changes() {
    let p = at("ecs-target-tracking", 35 * 60);
    let tt = p.world().ecs.as_ref().unwrap().services[0]
        .scaling
        .clone()
        .unwrap();
    let changes: Vec<(SimTime, String)> = p
        .log()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::AlarmStateChanged { alarm, state, .. } if **alarm == *tt.alarm_high => {
                Some((e.at, state.to_string()))
            }
            _ => None,
        })
        .collect();
    assert!(changes.len() >= 3, "{changes:?}");
    let v = json(
        &p,
        &format!(
            "aws cloudwatch describe-alarm-history --alarm-name {} --history-item-type StateUpdate",
            tt.alarm_high
        ),
    );
    let items = v["AlarmHistoryItems"].as_array().unwrap();
    assert_eq!(items.len(), changes.len());
    let mut before = "INSUFFICIENT_DATA".to_string();
    for (item, (when, to)) in items.iter().rev().zip(&changes) {
        assert_eq!(item["Timestamp"], when.aws_cli());
        assert_eq!(
            item["HistorySummary"],
            format!("Alarm updated from {before} to {to}")
        );
        let data: Value = serde_json::from_str(item["HistoryData"].as_str().unwrap()).unwrap();
        assert_eq!(data["oldState"]["stateValue"], before.as_str());
        assert_eq!(data["newState"]["stateValue"], to.as_str());
        before = to.clone();
    }
    // Without a type, the alarm's creation comes last (oldest).
    let v = json(
        &p,
        &format!(
            "aws cloudwatch describe-alarm-history --alarm-name {}",
            tt.alarm_high
        ),
    );
    let items = v["AlarmHistoryItems"].as_array().unwrap();
    assert_eq!(
        items[items.len() - 1]["HistoryItemType"],
        "ConfigurationUpdate"
    );
}

#[test]
fn a_blue_green_deployment_alarm_is_a_load_balancer_5xx_alarm() {
    let p = at("ecs-codedeploy-canary-rollback", 150);
    let v = json(&p, "aws cloudwatch describe-alarms --alarm-names web-5xx");
    let a = &v["MetricAlarms"][0];
    assert_eq!(a["Namespace"], "AWS/ApplicationELB");
    assert_eq!(a["MetricName"], "HTTPCode_Target_5XX_Count");
    assert_eq!(a["Statistic"], "Sum");
    assert_eq!(a["StateValue"], "ALARM");
    let reason = a["StateReason"].as_str().unwrap();
    assert!(
        reason.starts_with("Threshold Crossed: 1 out of the last 1 datapoints [")
            && reason.contains("was greater than the threshold (30.0)"),
        "{reason}"
    );
    // An EKS scenario has no CloudWatch alarms and no ECS scalable targets.
    let p = at("eks-rolling-update", 30);
    let v = json(&p, "aws cloudwatch describe-alarms");
    assert_eq!(v["MetricAlarms"], serde_json::json!([]));
    let v = json(
        &p,
        "aws application-autoscaling describe-scalable-targets --service-namespace ecs",
    );
    assert_eq!(v["ScalableTargets"], serde_json::json!([]));
}

#[test]
fn list_clusters_and_task_definitions_give_arns() {
    let p = at("ecs-sandbox-stuck-rollout", 60);
    let ecs = p.world().ecs.as_ref().unwrap();
    let v = json(&p, "aws ecs list-clusters");
    assert_eq!(v["clusterArns"], serde_json::json!([ecs.arn]));
    let v = json(&p, "aws ecs list-task-definitions");
    let arns: Vec<&str> = v["taskDefinitionArns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(arns.len() >= 2, "web:1 and web:2: {arns:?}");
    assert!(arns.windows(2).all(|w| w[0] < w[1]), "ascending: {arns:?}");
    let v = json(&p, "aws ecs list-task-definitions --sort DESC");
    let desc: Vec<&str> = v["taskDefinitionArns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(desc, arns.iter().rev().copied().collect::<Vec<_>>());
    let v = json(&p, "aws ecs list-task-definitions --family-prefix nope");
    assert_eq!(v["taskDefinitionArns"], serde_json::json!([]));
    let v = json(&p, "aws ecs list-task-definitions --status INACTIVE");
    assert_eq!(v["taskDefinitionArns"], serde_json::json!([]));
    assert!(failed(&p, "aws ecs list-clusters --cluster demo").contains("Unknown options"));
}

#[test]
fn list_task_definition_families_gives_the_family_names_sorted() {
    // web:1, migrate:1 and report:1, registered in that order.
    let p = at("ecs-standalone-task", 60);
    let all = "{\n    \"families\": [\n        \"migrate\",\n        \"report\",\n        \"web\"\n    ]\n}";
    assert_eq!(printed(&p, "aws ecs list-task-definition-families"), all);
    // Every revision is ACTIVE: ALL is ACTIVE, and no family is INACTIVE.
    assert_eq!(
        printed(&p, "aws ecs list-task-definition-families --status ACTIVE"),
        all
    );
    assert_eq!(
        printed(&p, "aws ecs list-task-definition-families --status ALL"),
        all
    );
    assert_eq!(
        printed(
            &p,
            "aws ecs list-task-definition-families --status INACTIVE"
        ),
        "{\n    \"families\": []\n}"
    );
    assert_eq!(
        printed(
            &p,
            "aws ecs list-task-definition-families --family-prefix re"
        ),
        "{\n    \"families\": [\n        \"report\"\n    ]\n}"
    );
    assert_eq!(
        printed(
            &p,
            "aws ecs list-task-definition-families --family-prefix nope"
        ),
        "{\n    \"families\": []\n}"
    );
    // A family with two revisions is named once.
    let p = at("ecs-rolling-update", 40);
    assert_eq!(
        printed(
            &p,
            "aws ecs list-task-definition-families --query families --output text"
        ),
        "web\n"
    );
    assert_eq!(
        failed(&p, "aws ecs list-task-definition-families --status DELETED"),
        "\nAn error occurred (InvalidParameterException) when calling the ListTaskDefinitionFamilies operation: Invalid status: DELETED. Valid values are ACTIVE, INACTIVE and ALL.\n"
    );
    assert!(
        failed(&p, "aws ecs list-task-definition-families --cluster demo")
            .contains("Unknown options: --cluster, demo")
    );
    // An EKS scenario has no ECS cluster, as for every `aws ecs` operation.
    assert!(
        failed(
            &at("eks-rolling-update", 30),
            "aws ecs list-task-definition-families"
        )
        .contains(
            "(ClusterNotFoundException) when calling the ListTaskDefinitionFamilies operation"
        )
    );
    // Tab offers the operation, its options and their values.
    let p = at("ecs-standalone-task", 60);
    let complete = |line: &str| crate::say::completions(&p, line);
    assert_eq!(
        complete("aws ecs list-task-definition-f"),
        ["list-task-definition-families"]
    );
    assert_eq!(
        complete("aws ecs list-task-definition-families --"),
        ["--family-prefix", "--output", "--query", "--status"]
    );
    assert_eq!(
        complete("aws ecs list-task-definition-families --status "),
        ["ACTIVE", "ALL", "INACTIVE"]
    );
    assert_eq!(
        complete("aws ecs list-task-definition-families --family-prefix "),
        ["migrate", "report", "web"]
    );
}

#[test]
fn cluster_auto_scaling_shows_its_group_activities_and_alarms() {
    let launched = |p: &Playback| -> Vec<(String, SimTime)> {
        p.log()
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::InstanceLaunched { instance, .. } => Some((instance.to_string(), e.at)),
                _ => None,
            })
            .collect()
    };
    // 4:00: the scale-out of 3:00 has launched three instances that have not registered yet.
    let p = at("ecs-cluster-auto-scaling", 240);
    let ecs = p.world().ecs.as_ref().unwrap();
    let group = &ecs.auto_scaling_groups[0];
    let starts = launched(&p);
    assert_eq!(starts.len(), 3);
    let v = json(&p, "aws autoscaling describe-scaling-activities");
    let acts = v["Activities"].as_array().unwrap();
    assert_eq!(acts.len(), starts.len());
    for a in acts {
        assert_eq!(a["StatusCode"], "InProgress");
        assert!(a.get("EndTime").is_none());
        assert!(
            a["Cause"].as_str().unwrap().starts_with(
                "At 2026-01-05T09:03:00Z a monitor alarm TargetTracking-asg-api-AlarmHigh-"
            ),
            "{a}"
        );
    }
    let v = json(&p, "aws autoscaling describe-auto-scaling-groups");
    let g = &v["AutoScalingGroups"][0];
    assert_eq!(g["AutoScalingGroupName"], group.name);
    assert_eq!(g["DesiredCapacity"], group.desired_capacity);
    let pending: Vec<&Value> = g["Instances"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["LifecycleState"] == "Pending")
        .collect();
    assert_eq!(pending.len(), starts.len());
    for (name, _) in &starts {
        let inst = ecs.instances.iter().find(|i| i.name == *name).unwrap();
        let id = inst.ec2_instance_id.as_str();
        assert!(pending.iter().any(|i| i["InstanceId"] == id), "{id}");
        assert!(
            acts.iter()
                .any(|a| a["Description"] == format!("Launching a new EC2 instance: {id}")),
            "{id}"
        );
    }
    // 29:00: the launches finished when their container instances registered; the scale-in of
    // 27:00 terminated two instances.
    let p = at("ecs-cluster-auto-scaling", 29 * 60);
    let v = json(&p, "aws autoscaling describe-scaling-activities");
    let acts = v["Activities"].as_array().unwrap();
    let registered: Vec<SimTime> = p
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::InstanceStateChanged { status, .. } if **status == *"ACTIVE"))
        .map(|e| e.at)
        .collect();
    let ends: Vec<&str> = acts
        .iter()
        .filter(|a| a["Description"].as_str().unwrap().starts_with("Launching"))
        .map(|a| a["EndTime"].as_str().expect("finished"))
        .collect();
    assert_eq!(ends.len(), 3);
    for end in ends {
        assert!(registered.iter().any(|t| t.aws_cli() == end), "{end}");
    }
    let terminations = acts
        .iter()
        .filter(|a| {
            a["Description"]
                .as_str()
                .unwrap()
                .starts_with("Terminating EC2 instance: i-")
        })
        .count();
    assert_eq!(terminations, 2);
    assert!(acts.iter().all(|a| a["StatusCode"] == "Successful"));
    // Managed scaling's alarms are CapacityProviderReservation alarms against the target
    // capacity.
    let v = json(
        &p,
        "aws cloudwatch describe-alarms --alarm-name-prefix TargetTracking-asg-api-",
    );
    let alarms = v["MetricAlarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 2);
    for a in alarms {
        assert_eq!(a["Namespace"], "AWS/ECS/ManagedScaling");
        assert_eq!(a["MetricName"], "CapacityProviderReservation");
        assert_eq!(a["Threshold"], 100.0);
    }
    assert_eq!(alarms[1]["EvaluationPeriods"], 15);
    // The capacity providers: the group's, then the two every account has.
    let v = json(&p, "aws ecs describe-capacity-providers");
    let names: Vec<&str> = v["capacityProviders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [group.capacity_provider.as_str(), "FARGATE", "FARGATE_SPOT"]
    );
    let v = json(
        &p,
        "aws ecs describe-capacity-providers --capacity-providers nope",
    );
    assert_eq!(v["failures"][0]["reason"], "MISSING");
    assert_eq!(v["capacityProviders"], serde_json::json!([]));
    let v = json(
        &p,
        &format!(
            "aws ecs describe-capacity-providers --capacity-providers {}",
            group.capacity_provider
        ),
    );
    let managed = &v["capacityProviders"][0]["autoScalingGroupProvider"]["managedScaling"];
    assert_eq!(
        managed["targetCapacity"],
        group.managed_scaling.as_ref().unwrap().target_capacity
    );
}

#[test]
fn metric_statistics_aggregate_the_minutes_of_each_period() {
    let p = at("ecs-target-tracking", 12 * 60);
    let svc = &p.world().ecs.as_ref().unwrap().services[0];
    let v = json(&p, "aws cloudwatch list-metrics --namespace AWS/ECS");
    assert_eq!(v["Metrics"][0]["MetricName"], "CPUUtilization");
    assert_eq!(
        v["Metrics"][0]["Dimensions"],
        serde_json::json!([{"Name": "ClusterName", "Value": "demo"}, {"Name": "ServiceName", "Value": "web"}])
    );
    let base = "aws cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization --dimensions Name=ClusterName,Value=demo Name=ServiceName,Value=web --start-time 2026-01-05T09:00:00Z --end-time 2026-01-05T09:12:00Z";
    let v = json(
        &p,
        &format!("{base} --period 300 --statistics Average Maximum SampleCount"),
    );
    let points = v["Datapoints"].as_array().unwrap();
    assert_eq!(points.len(), 3, "09:00, 09:05 and 09:10");
    for (k, d) in points.iter().enumerate() {
        let from = SimTime::from_secs(300 * k as u64);
        assert_eq!(d["Timestamp"], from.aws_cli());
        // The minutes that start in the period: their samples end a minute later.
        let minutes: Vec<f64> = svc
            .metrics
            .iter()
            .filter(|m| {
                let start = m.at.0 - 60_000;
                start >= from.0 && start < (from.0 + 300_000).min(720_000)
            })
            .map(|m| m.cpu)
            .collect();
        assert_eq!(d["SampleCount"], minutes.len() as f64);
        let mean = minutes.iter().sum::<f64>() / minutes.len() as f64;
        assert!((d["Average"].as_f64().unwrap() - mean).abs() < 1e-9);
        let max = minutes.iter().copied().fold(f64::MIN, f64::max);
        assert_eq!(d["Maximum"], max);
        assert_eq!(d["Unit"], "Percent");
    }
    // The spike of 5:00 shows in the second period.
    assert!(points[1]["Maximum"].as_f64().unwrap() > 90.0);
    // A metric is asked for by its exact dimensions.
    let v = json(
        &p,
        "aws cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization --dimensions Name=ClusterName,Value=demo --start-time 2026-01-05T09:00:00Z --end-time 2026-01-05T09:12:00Z --period 60 --statistics Average",
    );
    assert_eq!(v["Datapoints"], serde_json::json!([]));
    let e = failed(&p, &format!("{base} --period 90 --statistics Average"));
    assert!(e.contains("(InvalidParameterValue)"), "{e}");
    let e = failed(&p, &format!("{base} --period 60 --statistics Median"));
    assert!(
        e.contains("The parameter Statistics.member.1 must be a value in the set"),
        "{e}"
    );
    let e = failed(
        &p,
        "aws cloudwatch get-metric-statistics --namespace AWS/ECS --metric-name CPUUtilization --start-time 2026-01-05T09:10:00Z --end-time 2026-01-05T09:00:00Z --period 60 --statistics Average",
    );
    assert!(e.contains("StartTime must be less than"), "{e}");
    let e = failed(
        &p,
        "aws cloudwatch get-metric-statistics --namespace AWS/ECS",
    );
    assert!(e.contains("--metric-name"), "{e}");
}

#[test]
fn container_insights_metrics_are_in_cloudwatch_when_collected() {
    let p = at("ecs-log-router-sidecar", 10 * 60);
    let ecs = p.world().ecs.as_ref().unwrap();
    let v = json(
        &p,
        "aws cloudwatch list-metrics --namespace ECS/ContainerInsights --metric-name RunningTaskCount",
    );
    let metrics = v["Metrics"].as_array().unwrap();
    assert!(!metrics.is_empty());
    let service = ecs.services[0].name.to_string();
    let series = ecs.insights.series(
        "RunningTaskCount",
        &[("ClusterName", &ecs.name), ("ServiceName", &service)],
    );
    assert!(!series.is_empty());
    let v = json(
        &p,
        &format!(
            "aws cloudwatch get-metric-statistics --namespace ECS/ContainerInsights --metric-name RunningTaskCount --dimensions Name=ClusterName,Value={} Name=ServiceName,Value={service} --start-time {} --end-time {} --period 60 --statistics Maximum",
            ecs.name,
            SimTime::ZERO.aws_cli(),
            SimTime::from_secs(600).aws_cli()
        ),
    );
    let points = v["Datapoints"].as_array().unwrap();
    assert_eq!(points.len(), series.len());
    for (d, (end, value)) in points.iter().zip(&series) {
        assert_eq!(d["Maximum"], *value);
        assert_eq!(d["Timestamp"], SimTime(end.0 - 60_000).aws_cli());
        assert_eq!(d["Unit"], "Count");
    }
    // A scenario whose cluster does not collect has no Container Insights metrics.
    let p = at("ecs-rolling-update", 300);
    let v = json(
        &p,
        "aws cloudwatch list-metrics --namespace ECS/ContainerInsights",
    );
    assert_eq!(v["Metrics"], serde_json::json!([]));
}
