//! The scenario's network as EC2 describes it: `aws ec2 describe-vpcs` (one VPC) and
//! `describe-subnets` (one subnet per zone, `crate::net`), in the shapes of the Amazon EC2 API
//! Reference (DescribeVpcs, DescribeSubnets: `Vpc`, `Subnet`) and the AWS CLI's examples.
//! The ids are Orca's own, derived from the cluster's name (not drawn, so they are the same
//! every time): every command that names the VPC or a subnet — these, `describe-instances`,
//! `elbv2 describe-target-groups` and `describe-load-balancers` — takes them from here.

use serde_json::{Value, json};

use super::args::{self, Param};
use super::ec2_filters::{self, Filter};
use super::shapes::pretty;
use super::{Context, Outcome};
use crate::net::{USABLE_ADDRESSES_PER_SUBNET, Zone};
use crate::world::World;

/// The VPC's CIDR block: the zones' /20 subnets are `10.0.0.0/20`, `10.0.16.0/20`, … in it
/// (`crate::net::subnet_cidr`).
pub(super) const VPC_CIDR: &str = "10.0.0.0/16";

/// The name the network's ids derive from: the ECS cluster's (as `elbv2` always derived them),
/// else the EKS cluster's.
fn owner(world: &World) -> &str {
    match (&world.ecs, &world.eks) {
        (Some(e), _) => e.name.as_str(),
        (None, Some(k)) => k.cluster_name.as_str(),
        (None, None) => "",
    }
}

/// The scenario's VPC: `vpc-0` and 16 hex digits of Orca's own.
pub(super) fn vpc_id(world: &World) -> String {
    format!(
        "vpc-0{:016x}",
        crate::hash::fnv(&format!("vpc/{}", owner(world)))
    )
}

/// The subnet of zone `zone`, in the scenario's VPC: an id of Orca's own, as [`vpc_id`].
pub(super) fn subnet_id(world: &World, zone: &str) -> String {
    format!(
        "subnet-0{:016x}",
        crate::hash::fnv(&format!("{zone}/subnet/{}", owner(world)))
    )
}

/// The addresses of a zone's subnet no network interface holds: the 4,091 a /20 leaves after
/// the five AWS reserves, less those handed out and not given back (Amazon VPC User Guide,
/// "Subnet CIDR blocks"). [model] Only what Orca places takes one: container instances,
/// awsvpc and Fargate tasks, EKS nodes and pods; a load balancer's own interfaces do not.
pub(super) fn available_ips(zone: &Zone) -> u32 {
    let held = zone.next_ip.saturating_sub(zone.free_ips.len() as u32);
    USABLE_ADDRESSES_PER_SUBNET.saturating_sub(held)
}

/// `[{"Key": …, "Value": …}]` of one `Name` tag.
fn name_tag(name: &str) -> Value {
    json!([{"Key": "Name", "Value": name}])
}

const VPC_FILTERS: &[&str] = &[
    "cidr",
    "cidr-block-association.cidr-block",
    "is-default",
    "owner-id",
    "state",
    "vpc-id",
];

const SUBNET_FILTERS: &[&str] = &[
    "availability-zone",
    "cidr-block",
    "default-for-az",
    "owner-id",
    "state",
    "subnet-id",
    "vpc-id",
];

/// Whether `filter` (of an operation that knows `known`) keeps an object with these fields
/// and tags, or the API's refusal of its name.
fn keeps(
    api: &str,
    known: &[&str],
    filter: &Filter,
    field: impl Fn(&str) -> Option<String>,
    tags: &[(&str, &str)],
) -> Result<bool, Outcome> {
    if let Some(key) = filter.name.strip_prefix("tag:") {
        return Ok(tags.iter().any(|(k, v)| *k == key && filter.matches(v)));
    }
    if filter.name == "tag-key" {
        return Ok(filter.matches_any(tags.iter().map(|(k, _)| *k)));
    }
    if !known.contains(&filter.name.as_str()) {
        return Err(Outcome::Fail(ec2_filters::invalid(
            api,
            &filter.name,
            known,
        )));
    }
    Ok(field(&filter.name).is_some_and(|v| filter.matches(&v)))
}

/// `describe-vpcs [--vpc-ids ID…] [--filters …]`.
pub(super) fn describe_vpcs(words: &[String], cx: &Context) -> Outcome {
    const API: &str = "DescribeVpcs";
    let args = match args::parse(words, &[Param::list("--vpc-ids"), Param::list("--filters")]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let filters = match ec2_filters::parse(args.list("--filters")) {
        Ok(f) => f,
        Err(e) => return Outcome::Fail(e),
    };
    let world = cx.world;
    let id = vpc_id(world);
    let account = world.net.account_id.as_str();
    let unknown: Vec<&str> = args.list("--vpc-ids").filter(|v| *v != id).collect();
    if !unknown.is_empty() {
        return not_found(API, "InvalidVpcID.NotFound", "vpc", &unknown);
    }
    let name = format!("{}-vpc", owner(world));
    let tags = [("Name", name.as_str())];
    let field = |f: &str| {
        Some(match f {
            "cidr" | "cidr-block-association.cidr-block" => VPC_CIDR.to_string(),
            "is-default" => "false".into(),
            "owner-id" => account.to_string(),
            "state" => "available".into(),
            "vpc-id" => id.clone(),
            _ => return None,
        })
    };
    for f in &filters {
        match keeps(API, VPC_FILTERS, f, field, &tags) {
            Ok(true) => {}
            Ok(false) => return Outcome::Print(pretty(&json!({ "Vpcs": [] }))),
            Err(refused) => return refused,
        }
    }
    let owner = owner(world);
    let vpc = json!({
        "CidrBlock": VPC_CIDR,
        "DhcpOptionsId": format!("dopt-0{:016x}", crate::hash::fnv(&format!("dopt/{owner}"))),
        "State": "available",
        "VpcId": id,
        "OwnerId": account,
        "InstanceTenancy": "default",
        "CidrBlockAssociationSet": [{
            "AssociationId": format!(
                "vpc-cidr-assoc-0{:016x}",
                crate::hash::fnv(&format!("vpc-cidr/{owner}"))
            ),
            "CidrBlock": VPC_CIDR,
            "CidrBlockState": {"State": "associated"},
        }],
        "IsDefault": false,
        "Tags": name_tag(&name),
    });
    Outcome::Print(pretty(&json!({ "Vpcs": [vpc] })))
}

/// `describe-subnets [--subnet-ids ID…] [--filters …]`: one subnet per zone, in the zones'
/// order.
pub(super) fn describe_subnets(words: &[String], cx: &Context) -> Outcome {
    const API: &str = "DescribeSubnets";
    let args = match args::parse(
        words,
        &[Param::list("--subnet-ids"), Param::list("--filters")],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let filters = match ec2_filters::parse(args.list("--filters")) {
        Ok(f) => f,
        Err(e) => return Outcome::Fail(e),
    };
    let world = cx.world;
    let net = &world.net;
    let vpc = vpc_id(world);
    let ids: Vec<String> = net
        .zones
        .iter()
        .map(|z| subnet_id(world, &z.name))
        .collect();
    let wanted: Vec<&str> = args.list("--subnet-ids").collect();
    let unknown: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !ids.iter().any(|id| id == w))
        .collect();
    if !unknown.is_empty() {
        return not_found(API, "InvalidSubnetID.NotFound", "subnet", &unknown);
    }
    let mut out = Vec::new();
    for (zone, id) in net.zones.iter().zip(&ids) {
        if !wanted.is_empty() && !wanted.contains(&id.as_str()) {
            continue;
        }
        let name = format!("{}-{}", owner(world), zone.name);
        let tags = [("Name", name.as_str())];
        let field = |f: &str| {
            Some(match f {
                "availability-zone" => zone.name.to_string(),
                "cidr-block" => zone.subnet_cidr.clone(),
                "default-for-az" => "false".into(),
                "owner-id" => net.account_id.clone(),
                "state" => "available".into(),
                "subnet-id" => id.clone(),
                "vpc-id" => vpc.clone(),
                _ => return None,
            })
        };
        let mut kept = true;
        for f in &filters {
            match keeps(API, SUBNET_FILTERS, f, field, &tags) {
                Ok(k) => kept &= k,
                Err(refused) => return refused,
            }
        }
        if !kept {
            continue;
        }
        out.push(json!({
            "AvailabilityZone": zone.name.as_str(),
            "AvailableIpAddressCount": available_ips(zone),
            "CidrBlock": zone.subnet_cidr,
            "DefaultForAz": false,
            "MapPublicIpOnLaunch": false,
            "State": "available",
            "SubnetId": id,
            "VpcId": vpc,
            "OwnerId": net.account_id,
            "AssignIpv6AddressOnCreation": false,
            "Ipv6CidrBlockAssociationSet": [],
            "Tags": name_tag(&name),
            "SubnetArn": format!("arn:aws:ec2:{}:{}:subnet/{id}", net.region, net.account_id),
            "EnableDns64": false,
            "Ipv6Native": false,
            "PrivateDnsNameOptionsOnLaunch": {
                "HostnameType": "ip-name",
                "EnableResourceNameDnsARecord": false,
                "EnableResourceNameDnsAAAARecord": false,
            },
        }));
    }
    Outcome::Print(pretty(&json!({ "Subnets": out })))
}

/// EC2's `…NotFound` for ids it does not have: `The vpc ID 'vpc-1' does not exist`, or for
/// several `The vpc IDs 'vpc-1, vpc-2' do not exist` (the plural form is observed for
/// instances; that VPCs and subnets say it the same way is inferred).
pub(super) fn not_found(api: &str, code: &str, what: &str, ids: &[&str]) -> Outcome {
    let message = match ids {
        [one] => format!("The {what} ID '{one}' does not exist"),
        many => format!("The {what} IDs '{}' do not exist", many.join(", ")),
    };
    Outcome::Fail(format!(
        "\nAn error occurred ({code}) when calling the {api} operation: {message}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_zones_subnet_lies_in_the_vpcs_cidr() {
        // VPC_CIDR is 10.0.0.0/16: each zone's /20 must start with 10.0.
        for i in 0..16 {
            let cidr = crate::net::subnet_cidr(i);
            assert!(cidr.starts_with("10.0.") && cidr.ends_with("/20"), "{cidr}");
        }
    }

    #[test]
    fn a_subnets_free_addresses_count_those_handed_out_and_not_given_back() {
        let mut z = Zone::new("us-east-1a", 0);
        assert_eq!(available_ips(&z), 4091);
        z.next_ip = 10;
        assert_eq!(available_ips(&z), 4081);
        z.free_ips.extend([2, 5]);
        assert_eq!(available_ips(&z), 4083);
    }
}
