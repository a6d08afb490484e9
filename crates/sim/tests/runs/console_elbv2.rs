//! `aws elbv2 describe-load-balancers`: the Application Load Balancers in front of the target
//! groups, in the DescribeLoadBalancers shape, through `--query` and `--output`, with the API's
//! errors; and that the ARN it prints is the one `describe-target-groups` names.

use crate::common;

use crate::say::{completions, failed, printed};
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

const WEB_ALB_ARN: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-alb/3c8c83442185e961";

/// `ecs-rolling-update`'s one load balancer, as `describe-load-balancers` prints it.
const WEB_ALB: &str = r#"{
    "LoadBalancers": [
        {
            "LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-alb/3c8c83442185e961",
            "DNSName": "web-alb-1611932645.us-east-1.elb.amazonaws.com",
            "CanonicalHostedZoneId": "Z35SXDOTRQ7X7K",
            "CreatedTime": "2026-01-05T09:00:00+00:00",
            "LoadBalancerName": "web-alb",
            "Scheme": "internet-facing",
            "VpcId": "vpc-066c38b43da06d716",
            "State": {
                "Code": "active"
            },
            "Type": "application",
            "AvailabilityZones": [
                {
                    "ZoneName": "us-east-1a",
                    "SubnetId": "subnet-0d41c8b3a2a215d98",
                    "LoadBalancerAddresses": []
                },
                {
                    "ZoneName": "us-east-1b",
                    "SubnetId": "subnet-0c886e447f10fc571",
                    "LoadBalancerAddresses": []
                },
                {
                    "ZoneName": "us-east-1c",
                    "SubnetId": "subnet-046d57f36d96b3d4a",
                    "LoadBalancerAddresses": []
                }
            ],
            "SecurityGroups": [
                "sg-02795d90b8765c48a"
            ],
            "IpAddressType": "ipv4"
        }
    ]
}"#;

#[test]
fn describe_load_balancers_prints_the_alb_in_front_of_the_target_group() {
    let p = at("ecs-rolling-update", 40);
    assert_eq!(printed(&p, "aws elbv2 describe-load-balancers"), WEB_ALB);
    // By name or by ARN: the same load balancer.
    assert_eq!(
        printed(&p, "aws elbv2 describe-load-balancers --names web-alb"),
        WEB_ALB
    );
    assert_eq!(
        printed(
            &p,
            &format!("aws elbv2 describe-load-balancers --load-balancer-arns {WEB_ALB_ARN}")
        ),
        WEB_ALB
    );
    // The ARN and VPC are the ones the target group names; the target group is the one in
    // front of that ARN.
    let tgs = json(&p, "aws elbv2 describe-target-groups");
    assert_eq!(tgs["TargetGroups"][0]["LoadBalancerArns"][0], WEB_ALB_ARN);
    let lbs: Value = serde_json::from_str(WEB_ALB).expect("JSON");
    assert_eq!(
        tgs["TargetGroups"][0]["VpcId"],
        lbs["LoadBalancers"][0]["VpcId"]
    );
    let behind = json(
        &p,
        &format!("aws elbv2 describe-target-groups --load-balancer-arn {WEB_ALB_ARN}"),
    );
    assert_eq!(behind["TargetGroups"][0]["TargetGroupName"], "web-tg");
    // The same at any other moment: nothing in it changes as the run plays.
    assert_eq!(
        printed(
            &at("ecs-rolling-update", 600),
            "aws elbv2 describe-load-balancers"
        ),
        WEB_ALB
    );
}

#[test]
fn describe_load_balancers_goes_through_query_and_output() {
    let p = at("ecs-rolling-update", 40);
    assert_eq!(
        printed(
            &p,
            "aws elbv2 describe-load-balancers --names web-alb --query LoadBalancers[0].DNSName --output text"
        ),
        "web-alb-1611932645.us-east-1.elb.amazonaws.com\n"
    );
    assert_eq!(
        printed(
            &p,
            "aws elbv2 describe-load-balancers --query 'LoadBalancers[].[LoadBalancerName,Scheme,Type,State.Code]' --output text"
        ),
        "web-alb\tinternet-facing\tapplication\tactive\n"
    );
    let text = printed(&p, "aws elbv2 describe-load-balancers --output text");
    assert_eq!(
        text.lines().next(),
        Some(
            "LOADBALANCERS\tZ35SXDOTRQ7X7K\t2026-01-05T09:00:00+00:00\tweb-alb-1611932645.us-east-1.elb.amazonaws.com\tipv4\tarn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-alb/3c8c83442185e961\tweb-alb\tinternet-facing\tapplication\tvpc-066c38b43da06d716"
        ),
        "{text}"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("AVAILABILITYZONES\t"))
            .count(),
        3,
        "{text}"
    );
    let table = printed(&p, "aws elbv2 describe-load-balancers --output table");
    assert_eq!(
        table.lines().nth(1).map(|l| l.trim_matches(['|', ' '])),
        Some("DescribeLoadBalancers"),
        "{table}"
    );
    assert!(
        table.contains("||  LoadBalancerName     |  web-alb "),
        "{table}"
    );
    let yaml = printed(&p, "aws elbv2 describe-load-balancers --output yaml");
    assert!(
        yaml.starts_with(&format!(
            "LoadBalancers:\n- LoadBalancerArn: {WEB_ALB_ARN}\n  DNSName: web-alb-1611932645.us-east-1.elb.amazonaws.com\n"
        )),
        "{yaml}"
    );
}

#[test]
fn describe_load_balancers_gives_the_apis_errors() {
    let p = at("ecs-rolling-update", 40);
    assert_eq!(
        failed(&p, "aws elbv2 describe-load-balancers --names nope"),
        "\nAn error occurred (LoadBalancerNotFound) when calling the DescribeLoadBalancers operation: Load balancers '[nope]' not found\n"
    );
    // Every name it does not know, none of those it does.
    assert_eq!(
        failed(
            &p,
            "aws elbv2 describe-load-balancers --names web-alb nope other"
        ),
        "\nAn error occurred (LoadBalancerNotFound) when calling the DescribeLoadBalancers operation: Load balancers '[nope, other]' not found\n"
    );
    let unknown = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/nope/0123456789abcdef";
    assert_eq!(
        failed(
            &p,
            &format!("aws elbv2 describe-load-balancers --load-balancer-arns {unknown}")
        ),
        format!(
            "\nAn error occurred (LoadBalancerNotFound) when calling the DescribeLoadBalancers operation: Load balancers '[{unknown}]' not found\n"
        )
    );
    // A name where an ARN belongs, or an ARN of another region.
    assert_eq!(
        failed(
            &p,
            "aws elbv2 describe-load-balancers --load-balancer-arns web-alb"
        ),
        "\nAn error occurred (ValidationError) when calling the DescribeLoadBalancers operation: 'web-alb' is not a valid load balancer ARN\n"
    );
    let elsewhere = WEB_ALB_ARN.replace("us-east-1", "eu-west-1");
    assert_eq!(
        failed(
            &p,
            &format!("aws elbv2 describe-load-balancers --load-balancer-arns {elsewhere}")
        ),
        format!(
            "\nAn error occurred (ValidationError) when calling the DescribeLoadBalancers operation: '{elsewhere}' is not a valid load balancer ARN\n"
        )
    );
    assert_eq!(
        failed(
            &p,
            &format!(
                "aws elbv2 describe-load-balancers --names web-alb --load-balancer-arns {WEB_ALB_ARN}"
            )
        ),
        "\nAn error occurred (ValidationError) when calling the DescribeLoadBalancers operation: Load balancer names and load balancer ARNs cannot be specified at the same time\n"
    );
    assert!(
        failed(&p, "aws elbv2 describe-load-balancers --cluster demo")
            .contains("Unknown options: --cluster, demo")
    );
}

#[test]
fn without_target_groups_there_is_no_load_balancer() {
    for (scenario, secs) in [("eks-rolling-update", 30), ("ecs-fargate-spot", 30)] {
        let p = at(scenario, secs);
        assert_eq!(
            printed(&p, "aws elbv2 describe-load-balancers"),
            "{\n    \"LoadBalancers\": []\n}",
            "{scenario}"
        );
        assert_eq!(
            failed(&p, "aws elbv2 describe-load-balancers --names web-alb"),
            "\nAn error occurred (LoadBalancerNotFound) when calling the DescribeLoadBalancers operation: Load balancers '[web-alb]' not found\n",
            "{scenario}"
        );
    }
}

#[test]
fn two_target_groups_behind_one_alb_show_one_load_balancer() {
    // Blue/green: web-tg-1 and web-tg-2 both sit behind web-alb.
    let p = at("ecs-codedeploy-canary-rollback", 10);
    let v = json(&p, "aws elbv2 describe-load-balancers");
    let lbs = v["LoadBalancers"].as_array().expect("a list");
    assert_eq!(lbs.len(), 1, "{v}");
    assert_eq!(lbs[0]["LoadBalancerName"], "web-alb");
    let arn = lbs[0]["LoadBalancerArn"].as_str().expect("an ARN");
    let tgs = json(&p, "aws elbv2 describe-target-groups");
    for tg in tgs["TargetGroups"].as_array().expect("a list") {
        assert_eq!(tg["LoadBalancerArns"], serde_json::json!([arn]), "{tg}");
    }
    let behind = json(
        &p,
        &format!(
            "aws elbv2 describe-target-groups --load-balancer-arn {arn} --query TargetGroups[].TargetGroupName"
        ),
    );
    assert_eq!(behind, serde_json::json!(["web-tg-1", "web-tg-2"]));
}

#[test]
fn tab_completes_describe_load_balancers() {
    let p = at("ecs-rolling-update", 40);
    assert!(completions(&p, "aws elbv2 ").contains(&"describe-load-balancers".to_string()));
    assert_eq!(
        completions(&p, "aws elbv2 describe-load-balancers --"),
        ["--load-balancer-arns", "--names", "--output", "--query"]
    );
    assert_eq!(
        completions(&p, "aws elbv2 describe-load-balancers --names "),
        ["web-alb"]
    );
    assert_eq!(
        completions(
            &p,
            "aws elbv2 describe-load-balancers --load-balancer-arns "
        ),
        [WEB_ALB_ARN]
    );
    // describe-target-groups --names still offers the target groups.
    assert_eq!(
        completions(&p, "aws elbv2 describe-target-groups --names "),
        ["web-tg"]
    );
}
