//! `aws elbv2 describe-target-health`, `describe-target-groups` and `describe-load-balancers`:
//! the target groups of the ECS services and the Application Load Balancers in front of them,
//! in the shapes of the Elastic Load Balancing API Reference (DescribeTargetHealth,
//! DescribeTargetGroups, DescribeLoadBalancers) and the AWS CLI's examples
//! (<https://github.com/aws/aws-cli/tree/develop/awscli/examples/elbv2>). A target's state,
//! reason code and description are the ones the simulation keeps (`crate::elb`), so the
//! console shows what the canvas and the log show. Orca's own: the VPC, subnet and security
//! group ids and the digits of a load balancer's DNS name (derived from names, the same every
//! time; the VPC's and the subnets' are `ec2_network`'s, which every command shares).

use serde_json::{Value, json};

use super::args::{self, Param};
use super::ec2_network::{subnet_id, vpc_id};
use super::exception;
use super::shapes;
use crate::console::{Context, Outcome};
use crate::ecs::cluster::EcsCluster;
use crate::elb::{TargetGroup, TargetState};
use crate::scenario::spec::TargetType;

/// The operations of `aws elbv2` Orca carries out (the CLI has many more).
pub const SUPPORTED: &[&str] = &[
    "describe-load-balancers",
    "describe-target-groups",
    "describe-target-health",
];

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
        "describe-load-balancers" => describe_load_balancers(cx, groups, &words[1..]),
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
    let vpc = vpc_id(cx.world);
    let found: Vec<Value> = groups
        .iter()
        .filter(|g| names.is_empty() || names.contains(&g.name.as_str()))
        .filter(|g| arns.is_empty() || arns.contains(&g.arn.as_str()))
        .filter(|g| lb.is_none_or(|l| load_balancer_arn(groups, g) == l))
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
                "LoadBalancerArns": [load_balancer_arn(groups, g)],
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

/// A load balancer in front of the target groups, as the scenario names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadBalancer<'a> {
    pub name: &'a str,
    pub arn: &'a str,
}

/// The load balancers the target groups name, each once, in the order the scenario first
/// names them.
pub fn load_balancers(groups: &[TargetGroup]) -> Vec<LoadBalancer<'_>> {
    let mut found: Vec<LoadBalancer> = Vec::new();
    for g in groups {
        if !found.iter().any(|lb| lb.name == g.load_balancer) {
            found.push(LoadBalancer {
                name: &g.load_balancer,
                arn: &g.load_balancer_arn,
            });
        }
    }
    found
}

/// The ARN of the load balancer in front of `g`. The world draws one ARN per target group, so
/// two target groups behind the same load balancer (blue/green) hold two; the console shows
/// one load balancer with the ARN of the first target group that names it.
pub fn load_balancer_arn<'a>(groups: &'a [TargetGroup], g: &'a TargetGroup) -> &'a str {
    groups
        .iter()
        .find(|o| o.load_balancer == g.load_balancer)
        .map_or(&g.load_balancer_arn, |o| &o.load_balancer_arn)
}

/// `describe-load-balancers [--names N…] [--load-balancer-arns ARN…]`: every load balancer in
/// front of a target group (none in a scenario without target groups), as an internet-facing
/// Application Load Balancer in every zone of the network.
fn describe_load_balancers(cx: &Context, groups: &[TargetGroup], words: &[String]) -> Outcome {
    const OP: &str = "describe-load-balancers";
    let args = match args::parse(
        words,
        &[Param::list("--names"), Param::list("--load-balancer-arns")],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let names: Vec<&str> = args.list("--names").collect();
    let arns: Vec<&str> = args.list("--load-balancer-arns").collect();
    if !names.is_empty() && !arns.is_empty() {
        return exception(
            OP,
            "ValidationError",
            "Load balancer names and load balancer ARNs cannot be specified at the same time",
        );
    }
    let net = &cx.world.net;
    // An ARN of another region or account, or not an ARN at all, is not valid here.
    let arn_prefix = format!(
        "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/",
        net.region, net.account_id
    );
    if let Some(bad) = arns.iter().find(|a| !a.starts_with(&arn_prefix)) {
        return exception(
            OP,
            "ValidationError",
            &format!("'{bad}' is not a valid load balancer ARN"),
        );
    }
    let all = load_balancers(groups);
    let missing: Vec<&str> = names
        .iter()
        .filter(|n| !all.iter().any(|lb| lb.name == **n))
        .chain(arns.iter().filter(|a| !all.iter().any(|lb| lb.arn == **a)))
        .copied()
        .collect();
    if !missing.is_empty() {
        // The API lists what it did not find as a Java list prints: `[a, b]` (observed with
        // one name; the separator for several is inferred).
        return exception(
            OP,
            "LoadBalancerNotFound",
            &format!("Load balancers '[{}]' not found", missing.join(", ")),
        );
    }
    let cluster = cx.world.ecs.as_ref().map_or("", |e| e.name.as_str());
    let vpc = vpc_id(cx.world);
    let found: Vec<Value> = all
        .iter()
        .filter(|lb| names.is_empty() || names.contains(&lb.name))
        .filter(|lb| arns.is_empty() || arns.contains(&lb.arn))
        .map(|lb| {
            let zones: Vec<Value> = net
                .zones
                .iter()
                .map(|z| {
                    json!({
                        "ZoneName": z.name.as_str(),
                        "SubnetId": subnet_id(cx.world, &z.name),
                        "LoadBalancerAddresses": [],
                    })
                })
                .collect();
            json!({
                "LoadBalancerArn": lb.arn,
                "DNSName": dns_name(lb.name, &net.region),
                "CanonicalHostedZoneId": canonical_hosted_zone_id(&net.region),
                "CreatedTime": crate::time::SimTime::ZERO.aws_cli(),
                "LoadBalancerName": lb.name,
                "Scheme": "internet-facing",
                "VpcId": vpc,
                "State": {"Code": "active"},
                "Type": "application",
                "AvailabilityZones": zones,
                "SecurityGroups": [security_group_id(cluster, lb.name)],
                "IpAddressType": "ipv4",
            })
        })
        .collect();
    Outcome::Print(shapes::pretty(&json!({ "LoadBalancers": found })))
}

/// An internet-facing load balancer's DNS name, `NAME-DIGITS.REGION.elb.amazonaws.com`: the
/// digits AWS draws when it creates one are Orca's here, ten of them, from the name.
fn dns_name(name: &str, region: &str) -> String {
    let digits = 1_000_000_000 + crate::hash::fnv(&format!("elb-dns/{name}")) % 1_000_000_000;
    format!("{name}-{digits}.{region}.elb.amazonaws.com")
}

/// The load balancer's security group: an id of Orca's own, derived from names as the VPC's
/// (`ec2_network::vpc_id`).
fn security_group_id(cluster: &str, load_balancer: &str) -> String {
    format!(
        "sg-0{:016x}",
        crate::hash::fnv(&format!("sg/{cluster}/{load_balancer}"))
    )
}

/// The Route 53 hosted zone of the region's Application Load Balancers (AWS General Reference,
/// "Elastic Load Balancing endpoints and quotas", the Application Load Balancers column).
fn canonical_hosted_zone_id(region: &str) -> String {
    let known = match region {
        "us-east-1" => "Z35SXDOTRQ7X7K",
        "us-east-2" => "Z3AADJGX6KTTL2",
        "us-west-1" => "Z368ELLRRE2KJ0",
        "us-west-2" => "Z1H1FL5HABSF5",
        "ca-central-1" => "ZQSVJUPU6J1EY",
        "sa-east-1" => "Z2P70J7HTTTPLU",
        "eu-west-1" => "Z32O12XQLNTSW2",
        "eu-west-2" => "ZHURV8PSTC4K8",
        "eu-west-3" => "Z3Q77PNBQS71R4",
        "eu-central-1" => "Z215JYRZR1TBD5",
        "eu-north-1" => "Z23TAZ6LKFMNIO",
        "eu-south-1" => "Z3ULH7SSC9OV64",
        "ap-south-1" => "ZP97RAFLXTNZK",
        "ap-northeast-1" => "Z14GRHDCWA56QT",
        "ap-northeast-2" => "ZWKZPGTI48KDX",
        "ap-northeast-3" => "Z5LXEXXYW11ES",
        "ap-southeast-1" => "Z1LMS91P8CMLE5",
        "ap-southeast-2" => "Z1GM3OXH4ZPM65",
        "ap-east-1" => "Z3DQVH9N71FHZ0",
        "af-south-1" => "Z268VQBMOI5EKX",
        "me-south-1" => "ZS929ML54UICD",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    // [inferred] Another region: an id of Orca's own in the shape of the real ones (`Z` and
    // 13 upper-case letters and digits), the same every time for the region.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut h = crate::hash::fnv(&format!("elb-zone/{region}"));
    let mut id = String::from("Z");
    for _ in 0..13 {
        id.push(char::from(ALPHABET[(h % 36) as usize]));
        h /= 36;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_albs_dns_name_and_hosted_zone_are_the_regions() {
        assert_eq!(
            dns_name("web-alb", "us-east-1"),
            "web-alb-1611932645.us-east-1.elb.amazonaws.com"
        );
        assert_eq!(canonical_hosted_zone_id("us-east-1"), "Z35SXDOTRQ7X7K");
        assert_eq!(canonical_hosted_zone_id("eu-west-2"), "ZHURV8PSTC4K8");
        // A region without a known zone: an id in the real ones' shape, the same every time.
        let other = canonical_hosted_zone_id("xx-test-1");
        assert_eq!(other, canonical_hosted_zone_id("xx-test-1"));
        assert_eq!(other.len(), 14, "{other}");
        assert!(other.starts_with('Z'), "{other}");
        assert!(
            other
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()),
            "{other}"
        );
    }
}
