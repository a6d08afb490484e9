//! `aws ec2 …`: the operations Orca carries out, and `describe-instances` and
//! `terminate-instances` on the scenario's EC2 instances — the ECS cluster's container
//! instances and the EKS cluster's nodes on EC2 (Fargate runs no instance of the account) — in
//! the shapes of the Amazon EC2 API Reference (DescribeInstances: `Reservation`, `Instance`;
//! TerminateInstances) and the AWS CLI's examples. Rules: docs/rules/delivery-security-storage.md,
//! "EC2 instances, VPC and subnets in the console".

use serde_json::{Value, json};

use super::args::{self, Param};
use super::ec2_filters::{self, Filter};
use super::ec2_network::{self, not_found, subnet_id, vpc_id};
use super::shapes::pretty;
use super::{After, Context, Outcome};
use crate::ecs::InstanceStatus;
use crate::event::{EventKind, Subject};
use crate::scenario::spec::{Action, HttpTokens, InstanceMetadataSpec};
use crate::time::SimTime;

/// The EC2 operations Orca carries out (the CLI has hundreds).
pub const SUPPORTED: &[&str] = &[
    "describe-instances",
    "describe-subnets",
    "describe-volumes",
    "describe-vpcs",
    "modify-instance-metadata-options",
    "terminate-instances",
];

/// `aws ec2 <words…>`.
pub(super) fn run(words: &[String], cx: &Context) -> Outcome {
    let op = match super::operation(words, SUPPORTED, "EC2") {
        Ok(op) => op,
        Err(refused) => return refused,
    };
    let rest = &words[1..];
    match op {
        "describe-instances" => describe_instances(rest, cx),
        "describe-vpcs" => ec2_network::describe_vpcs(rest, cx),
        "describe-subnets" => ec2_network::describe_subnets(rest, cx),
        "describe-volumes" => Outcome::Print(pretty(&super::ebs::describe_volumes(
            cx.world.ecs.as_ref(),
            cx.now,
        ))),
        "modify-instance-metadata-options" => {
            super::iam::modify_instance_metadata_options(rest, cx)
        }
        _ => terminate_instances(rest, cx),
    }
}

/// EC2 lists a terminated instance for about an hour after it terminated (AWS CLI Command
/// Reference, `ec2 terminate-instances`: "Terminated instances remain visible after
/// termination (for approximately one hour)").
const VISIBLE_AFTER_TERMINATION: u64 = 3_600_000;

/// An instance's state as EC2 reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Launched, and its ECS agent has not registered it yet [inferred: EC2's `pending` ends
    /// when the instance boots, a little before the agent registers; Orca knows only the
    /// registration].
    Pending,
    Running,
    /// Terminated at that moment (when Orca knows it); by a Spot interruption or not.
    /// `shutting_down` in the first [`SHUTTING_DOWN`] after it.
    Terminated {
        at: Option<SimTime>,
        spot: bool,
        shutting_down: bool,
    },
}

/// How long a terminated instance shows `shutting-down` before `terminated`. [model] EC2
/// documents the state ("The instance is preparing to be terminated"), not its length; Orca
/// shows it for a minute after the termination began, with the instance's address still on it.
const SHUTTING_DOWN: u64 = 60_000;

impl State {
    /// Its network interface is gone (`terminated`; it stays while the instance shuts down).
    fn gone(self) -> bool {
        matches!(
            self,
            State::Terminated {
                shutting_down: false,
                ..
            }
        )
    }

    /// A terminated instance's state at `now`: `shutting-down` for a minute, then `terminated`.
    fn terminated(at: Option<SimTime>, spot: bool, now: SimTime) -> State {
        State::Terminated {
            at,
            spot,
            shutting_down: at.is_some_and(|at| now.0 < at.0.saturating_add(SHUTTING_DOWN)),
        }
    }
}

impl State {
    /// `State` of the instance: the code and name EC2 documents (InstanceState: pending 0,
    /// running 16, shutting-down 32, terminated 48, stopping 64, stopped 80).
    fn code_name(self) -> (u8, &'static str) {
        match self {
            State::Pending => (0, "pending"),
            State::Running => (16, "running"),
            State::Terminated {
                shutting_down: true,
                ..
            } => (32, "shutting-down"),
            State::Terminated { .. } => (48, "terminated"),
        }
    }
}

/// One EC2 instance of the scenario, as `describe-instances` shows it.
struct Instance {
    id: String,
    instance_type: String,
    zone: String,
    /// Empty when its subnet had no address left when it launched.
    ip: String,
    launched: SimTime,
    state: State,
    image: String,
    /// Sorted by key.
    tags: Vec<(String, String)>,
    /// The name of its instance profile's role.
    profile: Option<String>,
    spot: bool,
    metadata: InstanceMetadataSpec,
}

/// The AMI of the Amazon ECS-optimized or EKS-optimized Amazon Linux image in the region:
/// [inferred] an id of Orca's own in the real ones' shape (`ami-0` and 16 hex digits), the
/// same every time for the region (the real ids change with each AMI release).
fn optimized_ami(which: &str, region: &str) -> String {
    format!(
        "ami-0{:016x}",
        crate::hash::fnv(&format!("{which}-optimized-ami/{region}"))
    )
}

/// The name of the role a cluster's IAM model gives its instances, with the instance metadata
/// options (the defaults, hop limit 2 and IMDSv2 required, without a model).
fn iam_of(iam: Option<&crate::iam::Iam>) -> (Option<String>, InstanceMetadataSpec) {
    match iam {
        Some(i) => (
            i.instance_role
                .and_then(|r| i.roles.get(r))
                .map(|r| r.name.clone()),
            i.imds.options,
        ),
        None => (None, InstanceMetadataSpec::default()),
    }
}

fn tag(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

/// Every EC2 instance of the scenario EC2 still lists now: the ECS cluster's container
/// instances, then the EKS cluster's nodes on EC2, each in the order they were launched.
fn instances(cx: &Context) -> Vec<Instance> {
    let world = cx.world;
    let region = world.net.region.as_str();
    let now = cx.now;
    let visible = |s: State| match s {
        State::Terminated { at: Some(at), .. } => {
            now.0.saturating_sub(at.0) <= VISIBLE_AFTER_TERMINATION
        }
        _ => true,
    };
    let mut out = Vec::new();
    if let Some(ecs) = &world.ecs {
        let (profile, metadata) = iam_of(ecs.iam.as_ref());
        // The Spot Instances EC2 sent an interruption notice, read from the log once (only
        // when a terminated Spot Instance needs it).
        let interrupted: Vec<&str> = if ecs
            .instances
            .iter()
            .any(|i| i.spot && i.status == InstanceStatus::Inactive)
        {
            cx.log
                .iter()
                .filter_map(|e| match &e.kind {
                    EventKind::SpotInstanceInterruptionWarning { instance } => {
                        Some(instance.as_str())
                    }
                    _ => None,
                })
                .collect()
        } else {
            Vec::new()
        };
        for inst in &ecs.instances {
            let state = match inst.status {
                InstanceStatus::Registering => State::Pending,
                // A DRAINING container instance is a running EC2 instance.
                InstanceStatus::Active | InstanceStatus::Draining => State::Running,
                InstanceStatus::Inactive => State::terminated(
                    inst.terminated_at,
                    inst.spot && interrupted.contains(&inst.name.as_str()),
                    now,
                ),
            };
            if !visible(state) {
                continue;
            }
            let mut tags = vec![tag("Name", &inst.name)];
            if let Some(g) = inst
                .auto_scaling_group
                .and_then(|g| ecs.auto_scaling_groups.get(g as usize))
            {
                // An Auto Scaling group tags its instances with its name; the tag ECS puts on
                // a group it manages propagates at launch (`describe-auto-scaling-groups`).
                tags.push(tag("aws:autoscaling:groupName", &g.name));
                if g.managed_scaling.is_some() {
                    tags.push(tag("AmazonECSManaged", ""));
                }
            }
            tags.sort();
            out.push(Instance {
                id: inst.ec2_instance_id.to_string(),
                instance_type: inst.instance_type.clone(),
                zone: inst.availability_zone.to_string(),
                ip: inst.private_ip.to_string(),
                launched: inst.launched_at,
                state,
                image: optimized_ami("ecs", region),
                tags,
                profile: profile.clone(),
                spot: inst.spot,
                metadata,
            });
        }
    }
    if let Some(eks) = &world.eks {
        let (profile, metadata) = iam_of(eks.iam.as_ref());
        let cluster = eks.cluster_name.as_str();
        let spec = cx.scenario.world.eks();
        let gone_at = gone_nodes(cx, eks);
        for node in eks.nodes.iter().filter(|n| !n.fargate) {
            let claim = node.nodeclaim.as_ref().and_then(|c| {
                let k = eks.karpenter.as_ref()?;
                Some((k, k.claims.iter().find(|cl| cl.name == *c)?))
            });
            let state = if node.gone {
                State::terminated(
                    gone_at
                        .iter()
                        .find(|(n, _)| *n == node.name)
                        .and_then(|(_, at)| *at),
                    claim.is_some_and(|(_, c)| c.interrupted_at.is_some()),
                    now,
                )
            } else {
                State::Running
            };
            if !visible(state) {
                continue;
            }
            let mut tags = vec![tag(&format!("kubernetes.io/cluster/{cluster}"), "owned")];
            let group = node
                .group
                .and_then(|g| spec.and_then(|s| s.node_groups.get(g)));
            if let Some(g) = group {
                // What EKS puts on a managed node group's instances (observed in posted tag
                // listings). [model] No `Name`: only a launch template of the group sets one.
                tags.extend([
                    tag(
                        "aws:autoscaling:groupName",
                        &crate::k8s::names::node_group_asg(&g.name),
                    ),
                    tag("eks:cluster-name", cluster),
                    tag("eks:nodegroup-name", &g.name),
                    tag("k8s.io/cluster-autoscaler/enabled", "true"),
                    tag(&format!("k8s.io/cluster-autoscaler/{cluster}"), "owned"),
                ]);
            }
            if let Some((k, c)) = claim {
                // Karpenter's launch tags, then the ones its tagging controller adds once the
                // node registered (aws/karpenter-provider-aws, pkg/controllers/nodeclaim/tagging).
                // [model] Orca's scenarios have one EC2NodeClass, called `default` here.
                tags.extend([
                    tag("Name", &node.name),
                    tag("eks:eks-cluster-name", cluster),
                    tag("karpenter.k8s.aws/ec2nodeclass", "default"),
                    tag("karpenter.sh/nodeclaim", &c.name),
                    tag("karpenter.sh/nodepool", &k.pool.name),
                ]);
            }
            tags.sort();
            out.push(Instance {
                id: crate::iam::eks_calls::node_instance_id(&node.name),
                instance_type: node.instance_type.clone(),
                zone: node.zone.clone(),
                ip: node.private_ip.clone(),
                launched: node.created_at,
                state,
                image: claim
                    .map_or_else(|| optimized_ami("eks", region), |(_, c)| c.ami_id.clone()),
                tags,
                profile: profile.clone(),
                spot: claim.is_some_and(|(k, _)| k.pool.spot),
                metadata,
            });
        }
    }
    out
}

/// The EKS nodes that are gone, each with when it went: the moment of the last event that names
/// it (the Cluster Autoscaler's `ScaleDown` or Karpenter's `RemovingNode`, logged as the node
/// goes), if any.
fn gone_nodes<'a>(
    cx: &Context,
    eks: &'a crate::k8s::cluster::EksCluster,
) -> Vec<(&'a str, Option<SimTime>)> {
    let mut gone: Vec<(&str, Option<SimTime>)> = eks
        .nodes
        .iter()
        .filter(|n| n.gone && !n.fargate)
        .map(|n| (n.name.as_str(), None))
        .collect();
    let mut left = gone.len();
    for e in cx.log.iter().rev() {
        if left == 0 {
            break;
        }
        for s in e.subjects.iter() {
            if let Subject::Node(name) = s
                && let Some(g) = gone
                    .iter_mut()
                    .find(|(n, at)| at.is_none() && *n == name.as_str())
            {
                g.1 = Some(e.at);
                left -= 1;
            }
        }
    }
    gone
}

/// Whether `id` is an instance id in form: `i-` and hexadecimal digits.
fn well_formed(id: &str) -> bool {
    id.strip_prefix("i-")
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The filters `describe-instances` evaluates (the API knows many more).
const FILTERS: &[&str] = &[
    "availability-zone",
    "iam-instance-profile.arn",
    "image-id",
    "instance-id",
    "instance-lifecycle",
    "instance-state-code",
    "instance-state-name",
    "instance-type",
    "owner-id",
    "private-dns-name",
    "private-ip-address",
    "reservation-id",
    "subnet-id",
    "tag-key",
    "vpc-id",
];

/// A whole second, as EC2 keeps a launch time.
fn whole_second(t: SimTime) -> SimTime {
    SimTime(t.0 / 1000 * 1000)
}

/// The instance's reservation: `r-0` and 16 hex digits of Orca's own, from the instance id.
fn reservation_id(instance: &str) -> String {
    format!(
        "r-0{:016x}",
        crate::hash::fnv(&format!("reservation/{instance}"))
    )
}

fn profile_arn(account: &str, role: &str) -> String {
    // [inferred] A role made for EC2 in the console comes with an instance profile of its name.
    format!("arn:aws:iam::{account}:instance-profile/{role}")
}

/// `Instance` of DescribeInstances, in the API's order of its members.
fn instance_json(cx: &Context, i: &Instance) -> Value {
    let world = cx.world;
    let net = &world.net;
    let (code, name) = i.state.code_name();
    let terminated = i.state.gone();
    let mut v = json!({
        "AmiLaunchIndex": 0,
        "ImageId": i.image,
        "InstanceId": i.id,
        "InstanceType": i.instance_type,
        "LaunchTime": whole_second(i.launched).aws_cli(),
        "Monitoring": {"State": "disabled"},
        "Placement": {"AvailabilityZone": i.zone, "GroupName": "", "Tenancy": "default"},
    });
    // A terminated instance's network interface is gone, and with it its address, subnet and
    // VPC [inferred from the CLI's output for terminated instances].
    let dns = if terminated || i.ip.is_empty() {
        String::new()
    } else {
        crate::k8s::names::node_name(&i.ip, &net.region)
    };
    v["PrivateDnsName"] = json!(dns);
    if !terminated && !i.ip.is_empty() {
        v["PrivateIpAddress"] = json!(i.ip);
    }
    v["ProductCodes"] = json!([]);
    v["PublicDnsName"] = json!("");
    v["State"] = json!({"Code": code, "Name": name});
    v["StateTransitionReason"] = json!(match i.state {
        // `User initiated (2026-01-05 09:10:00 GMT)`: a call to TerminateInstances, the Auto
        // Scaling group's or the console's.
        State::Terminated {
            at: Some(at),
            spot: false,
            ..
        } => {
            let iso = whole_second(at).iso8601();
            format!(
                "User initiated ({} {} GMT)",
                iso.get(..10).unwrap_or_default(),
                iso.get(11..19).unwrap_or_default()
            )
        }
        _ => String::new(),
    });
    if !terminated {
        v["SubnetId"] = json!(subnet_id(world, &i.zone));
        v["VpcId"] = json!(vpc_id(world));
    }
    v["Architecture"] = json!("x86_64");
    if let Some(role) = &i.profile {
        let arn = profile_arn(&net.account_id, role);
        v["IamInstanceProfile"] = json!({
            "Arn": arn,
            "Id": super::iam_roles::instance_profile_id(&arn, role),
        });
    }
    if i.spot {
        v["InstanceLifecycle"] = json!("spot");
    }
    // StateReason codes: Amazon EC2 API Reference, "StateReason". [inferred] The wording of the
    // Spot message.
    match i.state {
        State::Pending => v["StateReason"] = json!({"Code": "pending", "Message": "pending"}),
        State::Terminated { spot: true, .. } => {
            v["StateReason"] = json!({
                "Code": "Server.SpotInstanceTermination",
                "Message": "Server.SpotInstanceTermination: Spot instance termination",
            });
        }
        State::Terminated { .. } => {
            v["StateReason"] = json!({
                "Code": "Client.UserInitiatedShutdown",
                "Message": "Client.UserInitiatedShutdown: User initiated shutdown",
            });
        }
        State::Running => {}
    }
    v["Tags"] = json!(
        i.tags
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect::<Vec<_>>()
    );
    v["MetadataOptions"] = json!({
        "State": "applied",
        "HttpTokens": if i.metadata.http_tokens == HttpTokens::Required { "required" } else { "optional" },
        "HttpPutResponseHopLimit": i.metadata.hop_limit,
        "HttpEndpoint": "enabled",
        "HttpProtocolIpv6": "disabled",
        "InstanceMetadataTags": "disabled",
    });
    v["PlatformDetails"] = json!("Linux/UNIX");
    v
}

/// The value of a filter's field for an instance, as the filter compares it (none: no value,
/// so no match).
fn field(cx: &Context, i: &Instance, name: &str) -> Option<String> {
    let terminated = i.state.gone();
    let (code, state) = i.state.code_name();
    Some(match name {
        "availability-zone" => i.zone.clone(),
        "iam-instance-profile.arn" => profile_arn(&cx.world.net.account_id, i.profile.as_ref()?),
        "image-id" => i.image.clone(),
        "instance-id" => i.id.clone(),
        "instance-lifecycle" if i.spot => "spot".into(),
        "instance-state-code" => code.to_string(),
        "instance-state-name" => state.into(),
        "instance-type" => i.instance_type.clone(),
        "owner-id" => cx.world.net.account_id.clone(),
        "private-dns-name" if !terminated && !i.ip.is_empty() => {
            crate::k8s::names::node_name(&i.ip, &cx.world.net.region)
        }
        "private-ip-address" if !terminated && !i.ip.is_empty() => i.ip.clone(),
        "reservation-id" => reservation_id(&i.id),
        "subnet-id" if !terminated => subnet_id(cx.world, &i.zone),
        "vpc-id" if !terminated => vpc_id(cx.world),
        _ => return None,
    })
}

/// Whether `i` passes every filter, or the API's refusal of a filter name.
fn passes(cx: &Context, i: &Instance, filters: &[Filter]) -> Result<bool, Outcome> {
    for f in filters {
        let keep = if let Some(key) = f.name.strip_prefix("tag:") {
            i.tags.iter().any(|(k, v)| k == key && f.matches(v))
        } else if f.name == "tag-key" {
            f.matches_any(i.tags.iter().map(|(k, _)| k.as_str()))
        } else if FILTERS.contains(&f.name.as_str()) {
            field(cx, i, &f.name).is_some_and(|v| f.matches(&v))
        } else {
            return Err(Outcome::Fail(ec2_filters::invalid(
                "DescribeInstances",
                &f.name,
                FILTERS,
            )));
        };
        if !keep {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `describe-instances [--instance-ids ID…] [--filters Name=…,Values=… …]`: one reservation
/// per instance (as an Auto Scaling group's, which launches them one at a time), each with its
/// owner and the instance.
fn describe_instances(words: &[String], cx: &Context) -> Outcome {
    const API: &str = "DescribeInstances";
    let args = match args::parse(
        words,
        &[Param::list("--instance-ids"), Param::list("--filters")],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let wanted: Vec<&str> = args.list("--instance-ids").collect();
    if let Some(bad) = wanted.iter().find(|w| !well_formed(w)) {
        return Outcome::Fail(format!(
            "\nAn error occurred (InvalidInstanceID.Malformed) when calling the {API} operation: Invalid id: \"{bad}\"\n"
        ));
    }
    let filters = match ec2_filters::parse(args.list("--filters")) {
        Ok(f) => f,
        Err(e) => return Outcome::Fail(e),
    };
    let all = instances(cx);
    let unknown: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|w| !all.iter().any(|i| i.id == *w))
        .collect();
    if !unknown.is_empty() {
        return not_found(API, "InvalidInstanceID.NotFound", "instance", &unknown);
    }
    let account = cx.world.net.account_id.as_str();
    let mut reservations = Vec::new();
    for i in &all {
        if !wanted.is_empty() && !wanted.contains(&i.id.as_str()) {
            continue;
        }
        match passes(cx, i, &filters) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(refused) => return refused,
        }
        reservations.push(json!({
            "ReservationId": reservation_id(&i.id),
            "OwnerId": account,
            "Groups": [],
            "Instances": [instance_json(cx, i)],
        }));
    }
    Outcome::Print(pretty(&json!({ "Reservations": reservations })))
}

/// `terminate-instances --instance-ids ID…`: the container instances' EC2 instances (an Auto
/// Scaling group replaces its own). Terminating an EKS node's instance is not modelled.
fn terminate_instances(words: &[String], cx: &Context) -> Outcome {
    const API: &str = "TerminateInstances";
    let args = match args::parse(words, &[Param::list("--instance-ids").required()]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let listed = instances(cx);
    let ecs = cx.world.ecs.as_ref();
    let mut actions = Vec::new();
    let mut states = Vec::new();
    let mut unknown = Vec::new();
    for id in args.list("--instance-ids") {
        let inst = ecs.and_then(|e| e.instances.iter().find(|i| i.ec2_instance_id == id));
        // Gone from EC2's list an hour after it terminated, as describe-instances shows.
        let Some(inst) = inst.filter(|_| listed.iter().any(|l| l.id == id)) else {
            if listed.iter().any(|l| l.id == id) {
                return Outcome::Fail(format!(
                    "Orca does not model terminating an EKS node's instance ({id}); `kubectl drain` moves a node's pods, and the node group or Karpenter decides which nodes go.\n"
                ));
            }
            unknown.push(id);
            continue;
        };
        let (code, name) = if inst.status == InstanceStatus::Inactive {
            // Already shutting down or terminated: it stays as it is.
            listed
                .iter()
                .find(|l| l.id == id)
                .map_or((48, "terminated"), |l| l.state.code_name())
        } else {
            actions.push(Action::TerminateInstance {
                instance: inst.name.clone(),
            });
            if inst.status == InstanceStatus::Registering {
                (0, "pending")
            } else {
                (16, "running")
            }
        };
        let (now_code, now_name) = if code == 48 || code == 32 {
            (code, name)
        } else {
            (32, "shutting-down")
        };
        states.push(json!({
            "CurrentState": {"Code": now_code, "Name": now_name},
            "InstanceId": id,
            "PreviousState": {"Code": code, "Name": name},
        }));
    }
    if !unknown.is_empty() {
        // No instance is terminated when one id is wrong (the CLI reference says so).
        return not_found(API, "InvalidInstanceID.NotFound", "instance", &unknown);
    }
    let reply = pretty(&json!({ "TerminatingInstances": states }));
    if actions.is_empty() {
        return Outcome::Print(reply);
    }
    Outcome::Act {
        actions,
        after: After::Text(reply),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_id_is_i_and_hex_digits() {
        assert!(well_formed("i-0abc"));
        assert!(well_formed("i-0123456789abcdef0"));
        assert!(!well_formed("nope"));
        assert!(!well_formed("i-"));
        assert!(!well_formed("i-xyz"));
        assert!(!well_formed("ecs-node-1"));
    }

    #[test]
    fn the_states_carry_ec2s_codes() {
        assert_eq!(State::Pending.code_name(), (0, "pending"));
        assert_eq!(State::Running.code_name(), (16, "running"));
        assert_eq!(
            State::Terminated {
                at: None,
                spot: false,
                shutting_down: false
            }
            .code_name(),
            (48, "terminated")
        );
        let at = Some(SimTime::from_secs(100));
        let shutting = State::terminated(at, false, SimTime::from_secs(159));
        assert_eq!(shutting.code_name(), (32, "shutting-down"));
        assert!(!shutting.gone());
        let gone = State::terminated(at, false, SimTime::from_secs(160));
        assert_eq!(gone.code_name(), (48, "terminated"));
        assert!(gone.gone());
    }
}
