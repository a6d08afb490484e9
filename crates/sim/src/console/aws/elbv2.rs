//! `aws elbv2 describe-target-health` and `describe-target-groups`: the target groups of the
//! ECS services, in the shapes of the Elastic Load Balancing API Reference (DescribeTargetHealth,
//! DescribeTargetGroups) and the AWS CLI's examples
//! (<https://github.com/aws/aws-cli/tree/develop/awscli/examples/elbv2>). A target's state,
//! reason code and description are the ones the simulation keeps (`crate::elb`), so the
//! console shows what the canvas and the log show. Orca's own: the VPC id.

use serde_json::{Value, json};

use super::args::{self, Param};
use super::exception;
use super::shapes;
use crate::console::{Context, Outcome};
use crate::ecs::cluster::EcsCluster;
use crate::elb::{TargetGroup, TargetState};
use crate::scenario::spec::TargetType;

/// The operations of `aws elbv2` Orca carries out (the CLI has many more).
pub const SUPPORTED: &[&str] = &["describe-target-groups", "describe-target-health"];

/// `aws elbv2 <words…>`.
pub fn run(words: &[String], cx: &Context) -> Outcome {
    let op = match super::operation(words, SUPPORTED, "Elastic Load Balancing") {
        Ok(op) => op,
        Err(o) => return o,
    };
    let groups: &[TargetGroup] = cx
        .world
        .ecs
        .as_ref()
        .map_or(&[], |e: &EcsCluster| &e.target_groups);
    match op {
        "describe-target-health" => describe_target_health(groups, &words[1..]),
        _ => describe_target_groups(cx, groups, &words[1..]),
    }
}

fn describe_target_health(groups: &[TargetGroup], words: &[String]) -> Outcome {
    const OP: &str = "describe-target-health";
    let args = match args::parse(
        words,
        &[
            Param::text("--target-group-arn").required(),
            Param::list("--targets"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let arn = args.one("--target-group-arn").unwrap_or_default();
    if !arn.starts_with("arn:") {
        return exception(
            OP,
            "ValidationError",
            &format!("'{arn}' is not a valid target group ARN"),
        );
    }
    let Some(tg) = groups.iter().find(|g| g.arn.as_str() == arn) else {
        return exception(
            OP,
            "TargetGroupNotFound",
            &format!("Target groups '{arn}' not found"),
        );
    };
    // `--targets Id=10.0.1.5,Port=80 …`: only those (a target not registered is `unused`,
    // Target.NotRegistered, as the API answers).
    let wanted: Vec<(String, Option<u16>)> = args
        .list("--targets")
        .map(|t| {
            let mut id = String::new();
            let mut port = None;
            for part in t.split(',') {
                match part.split_once('=') {
                    Some(("Id", v)) => id = v.to_string(),
                    Some(("Port", v)) => port = v.parse().ok(),
                    _ => {}
                }
            }
            (id, port)
        })
        .collect();
    let ip = tg.target_type == TargetType::Ip;
    let describe =
        |id: &str, port: u16, zone: &str, state: TargetState, reason: Option<(&str, String)>| {
            let mut target = json!({"Id": id, "Port": port});
            if ip && !zone.is_empty() {
                target["AvailabilityZone"] = json!(zone);
            }
            let mut health = json!({"State": state.as_str()});
            if let Some((code, description)) = reason {
                health["Reason"] = json!(code);
                health["Description"] = json!(description);
            }
            json!({"Target": target, "HealthCheckPort": port.to_string(), "TargetHealth": health})
        };
    let registered = |t: &crate::elb::Target| {
        let reason = t.reason.map(|r| (r.code(), r.description()));
        describe(&t.id, t.port, &t.availability_zone, t.state, reason)
    };
    let out: Vec<Value> = if wanted.is_empty() {
        tg.targets.iter().map(registered).collect()
    } else {
        wanted
            .iter()
            .map(|(id, port)| {
                let port = port.unwrap_or(tg.port);
                match tg
                    .targets
                    .iter()
                    .find(|t| t.id.as_str() == id && t.port == port)
                {
                    Some(t) => registered(t),
                    None => describe(
                        id,
                        port,
                        "",
                        TargetState::Unused,
                        Some((
                            "Target.NotRegistered",
                            "Target is not registered to the target group".into(),
                        )),
                    ),
                }
            })
            .collect()
    };
    Outcome::Print(shapes::pretty(&json!({ "TargetHealthDescriptions": out })))
}

fn describe_target_groups(cx: &Context, groups: &[TargetGroup], words: &[String]) -> Outcome {
    const OP: &str = "describe-target-groups";
    let args = match args::parse(
        words,
        &[
            Param::list("--names"),
            Param::list("--target-group-arns"),
            Param::text("--load-balancer-arn"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let names: Vec<&str> = args.list("--names").collect();
    let arns: Vec<&str> = args.list("--target-group-arns").collect();
    for n in &names {
        if !groups.iter().any(|g| g.name.as_str() == *n) {
            return exception(
                OP,
                "TargetGroupNotFound",
                "One or more target groups not found",
            );
        }
    }
    for a in &arns {
        if !groups.iter().any(|g| g.arn.as_str() == *a) {
            return exception(
                OP,
                "TargetGroupNotFound",
                &format!("Target groups '{a}' not found"),
            );
        }
    }
    let lb = args.one("--load-balancer-arn");
    let vpc = vpc_id(cx);
    let found: Vec<Value> = groups
        .iter()
        .filter(|g| names.is_empty() || names.contains(&g.name.as_str()))
        .filter(|g| arns.is_empty() || arns.contains(&g.arn.as_str()))
        .filter(|g| lb.is_none_or(|l| g.load_balancer_arn == l))
        .map(|g| {
            let hc = &g.health_check;
            json!({
                "TargetGroupArn": g.arn.as_str(),
                "TargetGroupName": g.name.as_str(),
                "Protocol": "HTTP",
                "Port": g.port,
                "VpcId": vpc,
                "HealthCheckProtocol": "HTTP",
                "HealthCheckPort": "traffic-port",
                "HealthCheckEnabled": true,
                "HealthCheckIntervalSeconds": hc.interval.0 / 1000,
                "HealthCheckTimeoutSeconds": hc.timeout.0 / 1000,
                "HealthyThresholdCount": hc.healthy_threshold_count,
                "UnhealthyThresholdCount": hc.unhealthy_threshold_count,
                "HealthCheckPath": hc.path,
                "Matcher": {"HttpCode": hc.matcher},
                "LoadBalancerArns": [g.load_balancer_arn],
                "TargetType": match g.target_type {
                    TargetType::Ip => "ip",
                    TargetType::Instance => "instance",
                },
                "ProtocolVersion": "HTTP1",
                "IpAddressType": "ipv4",
            })
        })
        .collect();
    Outcome::Print(shapes::pretty(&json!({ "TargetGroups": found })))
}

/// The cluster's VPC: an id of Orca's own, derived from the cluster's name (not the
/// scenario's title, which a teacher may reword), the same every time.
fn vpc_id(cx: &Context) -> String {
    let cluster = cx.world.ecs.as_ref().map_or("", |e| e.name.as_str());
    format!("vpc-0{:016x}", crate::iam::fnv(&format!("vpc/{cluster}")))
}
