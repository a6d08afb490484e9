//! `aws ec2 describe-instances`, `describe-vpcs`, `describe-subnets` and `aws sts
//! get-caller-identity`: the instances listed are the model's (ECS container instances, EKS
//! nodes on EC2, not Fargate), their states follow the run (pending until registered, running
//! while DRAINING, terminated for an hour), every filter and EC2's errors, the VPC and subnet
//! ids agree across EC2 and Elastic Load Balancing, a subnet's free addresses fall as tasks take
//! them, and the caller is the scenario's account and role.

use crate::common;
use crate::say::{act, failed, printed};
use orca_sim::ecs::InstanceStatus;
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

/// `Reservations[].Instances[]` of `describe-instances` with `args`, checking that each
/// reservation holds one instance of the scenario's account.
fn instances(p: &Playback, args: &str) -> Vec<Value> {
    let v = json(p, &format!("aws ec2 describe-instances {args}"));
    let reservations = v["Reservations"].as_array().expect("Reservations");
    reservations
        .iter()
        .map(|r| {
            assert_eq!(r["OwnerId"], "123456789012");
            assert!(r["ReservationId"].as_str().unwrap().starts_with("r-0"));
            assert_eq!(r["Groups"], serde_json::json!([]));
            let list = r["Instances"].as_array().expect("Instances");
            assert_eq!(list.len(), 1, "one instance per reservation");
            list[0].clone()
        })
        .collect()
}

fn ids(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|i| i["InstanceId"].as_str().unwrap().to_string())
        .collect()
}

/// A list of one id, as `ids` gives it.
fn one(id: &str) -> Vec<String> {
    vec![id.to_string()]
}

fn tag<'a>(i: &'a Value, key: &str) -> Option<&'a str> {
    i["Tags"]
        .as_array()?
        .iter()
        .find(|t| t["Key"] == key)
        .and_then(|t| t["Value"].as_str())
}

fn by_id<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|i| i["InstanceId"] == id)
        .unwrap_or_else(|| panic!("{id} not listed"))
}

fn ec2_id(p: &Playback, name: &str) -> String {
    let ecs = p.world().ecs.as_ref().expect("ECS");
    ecs.instances
        .iter()
        .find(|i| i.name == name)
        .map(|i| i.ec2_instance_id.to_string())
        .unwrap_or_else(|| panic!("no instance {name}"))
}

/// `ip-10-0-0-4.ec2.internal`, as EC2 names an address's host in us-east-1.
fn dns(ip: &str) -> String {
    format!("ip-{}.ec2.internal", ip.replace('.', "-"))
}

#[test]
fn describe_instances_lists_the_container_instances_as_the_model_has_them() {
    let p = at("ecs-instance-draining", 30);
    let list = instances(&p, "");
    let ecs = p.world().ecs.as_ref().expect("ECS");
    assert_eq!(list.len(), ecs.instances.len());
    assert_eq!(list.len(), 3);
    for inst in &ecs.instances {
        let i = by_id(&list, &inst.ec2_instance_id);
        assert_eq!(i["InstanceType"], inst.instance_type.as_str());
        assert_eq!(
            i["Placement"]["AvailabilityZone"],
            inst.availability_zone.as_str()
        );
        assert_eq!(i["PrivateIpAddress"], inst.private_ip.as_str());
        assert_eq!(i["PrivateDnsName"], dns(&inst.private_ip).as_str());
        assert_eq!(
            i["State"],
            serde_json::json!({"Code": 16, "Name": "running"})
        );
        assert_eq!(tag(i, "Name"), Some(inst.name.as_str()));
        // The scenario's instances are Spot Instances.
        assert_eq!(i["InstanceLifecycle"], "spot");
        assert_eq!(i["LaunchTime"], "2026-01-05T09:00:00+00:00");
        assert_eq!(i["Architecture"], "x86_64");
        assert_eq!(i["PlatformDetails"], "Linux/UNIX");
    }
    // One ECS-optimized AMI for all, an id in the real ones' shape.
    let ami = list[0]["ImageId"].as_str().unwrap();
    assert!(ami.starts_with("ami-0") && ami.len() == 21, "{ami}");
    assert!(list.iter().all(|i| i["ImageId"] == ami));
    // The fields in the CLI's order.
    let keys: Vec<&str> = list[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        &keys[..17],
        [
            "AmiLaunchIndex",
            "ImageId",
            "InstanceId",
            "InstanceType",
            "LaunchTime",
            "Monitoring",
            "Placement",
            "PrivateDnsName",
            "PrivateIpAddress",
            "ProductCodes",
            "PublicDnsName",
            "State",
            "StateTransitionReason",
            "SubnetId",
            "VpcId",
            "Architecture",
            "InstanceLifecycle",
        ]
    );
    assert_eq!(keys.last(), Some(&"PlatformDetails"));
}

#[test]
fn a_draining_instance_runs_on_and_a_spot_interrupted_one_reads_terminated() {
    // ecs-node-2 is DRAINING from 1:00: still a running EC2 instance.
    let p = at("ecs-instance-draining", 90);
    let node2 = ec2_id(&p, "ecs-node-2");
    let ecs = p.world().ecs.as_ref().expect("ECS");
    assert!(
        ecs.instances
            .iter()
            .any(|i| i.name == "ecs-node-2" && i.status == InstanceStatus::Draining)
    );
    let i = instances(&p, &format!("--instance-ids {node2}"));
    assert_eq!(i[0]["State"]["Name"], "running");
    // ecs-node-3 gets its two-minute notice at 5:00: running until 7:00, then terminated.
    let node3 = ec2_id(&p, "ecs-node-3");
    let p = at("ecs-instance-draining", 400);
    let i = instances(&p, &format!("--instance-ids {node3}"));
    assert_eq!(i[0]["State"]["Name"], "running");
    let p = at("ecs-instance-draining", 450);
    let ecs = p.world().ecs.as_ref().expect("ECS");
    assert!(
        ecs.instances
            .iter()
            .any(|i| i.name == "ecs-node-3" && i.status == InstanceStatus::Inactive)
    );
    // For a minute it shuts down, its network interface still on it.
    let i = &instances(&p, &format!("--instance-ids {node3}"))[0];
    assert_eq!(
        i["State"],
        serde_json::json!({"Code": 32, "Name": "shutting-down"})
    );
    assert_eq!(i["StateReason"]["Code"], "Server.SpotInstanceTermination");
    assert!(i.get("PrivateIpAddress").is_some(), "{i}");
    assert_eq!(
        ids(&instances(
            &p,
            "--filters Name=instance-state-name,Values=shutting-down"
        )),
        std::slice::from_ref(&node3)
    );
    let p = at("ecs-instance-draining", 490);
    let i = &instances(&p, &format!("--instance-ids {node3}"))[0];
    assert_eq!(
        i["State"],
        serde_json::json!({"Code": 48, "Name": "terminated"})
    );
    assert_eq!(i["StateReason"]["Code"], "Server.SpotInstanceTermination");
    // Its network interface went with it.
    assert_eq!(i["PrivateDnsName"], "");
    for gone in ["PrivateIpAddress", "SubnetId", "VpcId"] {
        assert!(i.get(gone).is_none(), "{gone}: {i}");
    }
    assert_eq!(tag(i, "Name"), Some("ecs-node-3"));
}

#[test]
fn an_instance_terminated_from_the_console_reads_terminated_by_its_user() {
    let mut p = at("ecs-instance-draining", 30);
    let id = ec2_id(&p, "ecs-node-1");
    act(
        &mut p,
        &format!("aws ec2 terminate-instances --instance-ids {id}"),
    );
    p.seek(SimTime::from_secs(40));
    let i = &instances(&p, &format!("--instance-ids {id}"))[0];
    assert_eq!(i["State"]["Name"], "shutting-down");
    assert_eq!(i["State"]["Code"], 32);
    // Asked again while it shuts down, it stays shutting down.
    let again: serde_json::Value = serde_json::from_str(&printed(
        &p,
        &format!("aws ec2 terminate-instances --instance-ids {id}"),
    ))
    .expect("JSON");
    assert_eq!(
        again["TerminatingInstances"][0]["PreviousState"]["Name"],
        "shutting-down"
    );
    assert_eq!(
        again["TerminatingInstances"][0]["CurrentState"]["Name"],
        "shutting-down"
    );
    p.seek(SimTime::from_secs(95));
    let i = &instances(&p, &format!("--instance-ids {id}"))[0];
    assert_eq!(i["State"]["Name"], "terminated");
    assert_eq!(i["State"]["Code"], 48);
    assert_eq!(
        i["StateTransitionReason"],
        "User initiated (2026-01-05 09:00:30 GMT)"
    );
    assert_eq!(
        i["StateReason"],
        serde_json::json!({
            "Code": "Client.UserInitiatedShutdown",
            "Message": "Client.UserInitiatedShutdown: User initiated shutdown",
        })
    );
    // The other two run on; terminating it again changes nothing.
    let running = instances(&p, "--filters Name=instance-state-name,Values=running");
    assert_eq!(running.len(), 2);
    assert!(!ids(&running).contains(&id));
    let again = printed(
        &p,
        &format!("aws ec2 terminate-instances --instance-ids {id}"),
    );
    assert!(again.contains("\"terminated\""), "{again}");
}

#[test]
fn a_terminated_instance_is_listed_for_an_hour_then_not_at_all() {
    // ecs-instance-draining run long enough: ecs-node-3 terminates at 7:00 (420 s).
    let path = common::scenarios_dir().join("ecs-instance-draining.ron");
    let src = std::fs::read_to_string(path).expect("scenario");
    assert!(src.contains("duration: 600,"));
    let scenario = common::parse(&src.replace("duration: 600,", "duration: 4200,"));
    let mut p = Playback::new(scenario);
    p.seek(SimTime::from_secs(30));
    let node3 = ec2_id(&p, "ecs-node-3");
    p.seek(SimTime::from_secs(420 + 3590));
    assert_eq!(
        instances(&p, &format!("--instance-ids {node3}"))[0]["State"]["Name"],
        "terminated"
    );
    p.seek(SimTime::from_secs(420 + 3610));
    assert_eq!(instances(&p, "").len(), 2);
    let e = failed(
        &p,
        &format!("aws ec2 describe-instances --instance-ids {node3}"),
    );
    assert!(e.contains("InvalidInstanceID.NotFound"), "{e}");
    let e = failed(
        &p,
        &format!("aws ec2 terminate-instances --instance-ids {node3}"),
    );
    assert!(e.contains("InvalidInstanceID.NotFound"), "{e}");
}

#[test]
fn an_auto_scaling_groups_instances_are_pending_until_registered_and_carry_its_tags() {
    // The group launches instances at about 3:00; their agents register them later.
    let p = at("ecs-cluster-auto-scaling", 200);
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let registering: Vec<String> = ecs
        .instances
        .iter()
        .filter(|i| i.status == InstanceStatus::Registering)
        .map(|i| i.ec2_instance_id.to_string())
        .collect();
    assert!(!registering.is_empty());
    let pending = instances(&p, "--filters Name=instance-state-name,Values=pending");
    assert_eq!(ids(&pending), registering);
    assert_eq!(pending[0]["State"]["Code"], 0);
    assert_eq!(pending[0]["StateReason"]["Code"], "pending");
    let all = instances(&p, "");
    assert_eq!(all.len(), ecs.instances.len());
    for i in &all {
        assert_eq!(tag(i, "aws:autoscaling:groupName"), Some("asg-api"));
        // The group's AmazonECSManaged tag propagates at launch.
        assert_eq!(tag(i, "AmazonECSManaged"), Some(""));
        assert!(tag(i, "Name").unwrap().starts_with("asg-api-"));
    }
    // After the scale-in, the instances the group terminated read terminated (within the hour).
    let p = at("ecs-cluster-auto-scaling", 2100);
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let inactive: Vec<String> = ecs
        .instances
        .iter()
        .filter(|i| i.status == InstanceStatus::Inactive)
        .map(|i| i.ec2_instance_id.to_string())
        .collect();
    assert!(!inactive.is_empty());
    let terminated = instances(&p, "--filters Name=instance-state-name,Values=terminated");
    assert_eq!(ids(&terminated), inactive);
    for i in &terminated {
        let reason = i["StateTransitionReason"].as_str().unwrap();
        assert!(
            reason.starts_with("User initiated (2026-01-05 09:"),
            "{reason}"
        );
    }
}

#[test]
fn eks_nodes_are_listed_with_the_instance_id_of_their_provider_id() {
    let p = at("eks-rolling-update", 10);
    let eks = p.world().eks.as_ref().expect("EKS");
    let list = instances(&p, "");
    assert_eq!(list.len(), eks.nodes.iter().filter(|n| !n.fargate).count());
    assert_eq!(list.len(), 3);
    for node in &eks.nodes {
        // `ProviderID: aws:///us-east-1a/i-…` in kubectl's description of the node.
        let described = printed(&p, &format!("kubectl describe node {}", node.name));
        let provider = described
            .lines()
            .find_map(|l| l.strip_prefix("ProviderID:"))
            .expect("ProviderID")
            .trim();
        let (zone, id) = provider
            .trim_start_matches("aws:///")
            .split_once('/')
            .expect("aws:///ZONE/ID");
        let i = by_id(&list, id);
        assert_eq!(zone, node.zone);
        assert_eq!(i["Placement"]["AvailabilityZone"], node.zone.as_str());
        assert_eq!(i["InstanceType"], node.instance_type.as_str());
        assert_eq!(i["PrivateIpAddress"], node.private_ip.as_str());
        // In us-east-1 a node's name is its instance's private DNS name.
        assert_eq!(i["PrivateDnsName"], node.name.as_str());
        assert_eq!(i["State"]["Name"], "running");
        assert_eq!(tag(i, "eks:nodegroup-name"), Some("ng-1"));
        assert_eq!(tag(i, "eks:cluster-name"), Some("demo"));
        assert_eq!(tag(i, "kubernetes.io/cluster/demo"), Some("owned"));
        assert!(
            tag(i, "aws:autoscaling:groupName")
                .unwrap()
                .starts_with("eks-ng-1-")
        );
    }
    // The EKS-optimized AMI is not the ECS-optimized one.
    let ecs_ami = instances(&at("ecs-instance-draining", 0), "")[0]["ImageId"].clone();
    assert_ne!(list[0]["ImageId"], ecs_ami);
    // The id modify-instance-metadata-options takes is the one listed.
    assert!(
        !failed(
            &p,
            &format!(
                "aws ec2 modify-instance-metadata-options --instance-id {} --http-tokens required",
                list[0]["InstanceId"].as_str().unwrap()
            )
        )
        .contains("NotFound")
    );
    // Terminating a node's instance is not modelled: a note, not "does not exist".
    let e = failed(
        &p,
        &format!(
            "aws ec2 terminate-instances --instance-ids {}",
            list[0]["InstanceId"].as_str().unwrap()
        ),
    );
    assert!(e.contains("Orca does not model"), "{e}");
}

#[test]
fn karpenter_nodes_carry_their_nodepool_and_a_removed_one_reads_terminated() {
    // Two waves give two Karpenter nodes; at 3:00 consolidation removes the first.
    let p = at("eks-karpenter", 250);
    let eks = p.world().eks.as_ref().expect("EKS");
    let list = instances(&p, "");
    assert_eq!(list.len(), eks.nodes.iter().filter(|n| !n.fargate).count());
    let karpenter: Vec<_> = eks.nodes.iter().filter(|n| n.nodeclaim.is_some()).collect();
    assert!(karpenter.len() >= 2);
    let mut gone = 0;
    for node in karpenter {
        let i = list
            .iter()
            .find(|i| tag(i, "Name") == Some(node.name.as_str()))
            .unwrap_or_else(|| panic!("{} not listed", node.name));
        assert_eq!(tag(i, "karpenter.sh/nodepool"), Some("default"));
        assert_eq!(tag(i, "karpenter.sh/nodeclaim"), node.nodeclaim.as_deref());
        // The AMI the NodePool's EC2NodeClass selects (the scenario names none).
        assert_eq!(i["ImageId"], "ami-0e7f1a2b3c4d5e6f7");
        assert_eq!(i["InstanceType"], node.instance_type.as_str());
        if node.gone {
            gone += 1;
            assert_eq!(i["State"]["Name"], "terminated");
            let reason = i["StateTransitionReason"].as_str().unwrap();
            assert!(
                reason.starts_with("User initiated (2026-01-05 09:0"),
                "{reason}"
            );
        } else {
            assert_eq!(i["State"]["Name"], "running");
        }
    }
    assert_eq!(gone, 1);
    // The node group's node has no Karpenter tags.
    let system = list
        .iter()
        .find(|i| tag(i, "eks:nodegroup-name") == Some("system"))
        .expect("the system node group's node");
    assert_eq!(tag(system, "karpenter.sh/nodepool"), None);
}

#[test]
fn fargate_runs_no_ec2_instance_of_the_account() {
    let p = at("ecs-rolling-update", 10);
    assert_eq!(
        printed(&p, "aws ec2 describe-instances"),
        "{\n    \"Reservations\": []\n}"
    );
    let p = at("eks-fargate", 60);
    let eks = p.world().eks.as_ref().expect("EKS");
    assert!(eks.nodes.iter().any(|n| n.fargate));
    let ec2 = eks.nodes.iter().filter(|n| !n.fargate && !n.gone).count();
    assert_eq!(
        instances(&p, "--filters Name=instance-state-name,Values=running").len(),
        ec2
    );
}

#[test]
fn a_side_by_side_scenario_lists_both_clusters_instances_in_one_vpc() {
    let p = at("side-by-side-rolling-update", 10);
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let eks = p.world().eks.as_ref().expect("EKS");
    let list = instances(&p, "");
    assert_eq!(
        list.len(),
        ecs.instances.len() + eks.nodes.iter().filter(|n| !n.fargate).count()
    );
    let vpc = json(&p, "aws ec2 describe-vpcs")["Vpcs"][0]["VpcId"].clone();
    assert!(list.iter().all(|i| i["VpcId"] == vpc));
}

#[test]
fn every_filter_keeps_what_it_names() {
    // ecs-node-1 (us-east-1a) and ecs-node-2 (us-east-1b) run; ecs-node-3 (us-east-1a) is gone
    // (terminated at 7:00, shut down a minute later).
    let p = at("ecs-instance-draining", 490);
    let n1 = ec2_id(&p, "ecs-node-1");
    let n2 = ec2_id(&p, "ecs-node-2");
    let n3 = ec2_id(&p, "ecs-node-3");
    let with = |f: &str| {
        let mut v = ids(&instances(&p, &format!("--filters {f}")));
        v.sort();
        v
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<_>>()
    };
    assert_eq!(
        with("Name=instance-state-name,Values=running"),
        sorted(vec![&n1, &n2])
    );
    assert_eq!(with("Name=instance-state-name,Values=terminated"), one(&n3));
    assert_eq!(
        with("Name=instance-state-name,Values=running,terminated").len(),
        3
    );
    assert_eq!(with("Name=instance-state-code,Values=48"), one(&n3));
    assert_eq!(with("Name=instance-type,Values=m5.large").len(), 3);
    assert_eq!(with("Name=instance-type,Values=m5.*").len(), 3);
    assert!(with("Name=instance-type,Values=t3.medium").is_empty());
    assert_eq!(with("Name=availability-zone,Values=us-east-1b"), one(&n2));
    assert_eq!(with("Name=availability-zone,Values=us-east-1?").len(), 3);
    assert_eq!(with("Name=tag:Name,Values=ecs-node-2"), one(&n2));
    assert_eq!(with("Name=tag:Name,Values=ecs-node-*").len(), 3);
    assert!(with("Name=tag:Team,Values=*").is_empty());
    assert_eq!(with("Name=tag-key,Values=Name").len(), 3);
    assert_eq!(with(&format!("Name=instance-id,Values={n1}")), one(&n1));
    // An unknown id in a filter matches nothing; it is no error.
    assert!(with("Name=instance-id,Values=i-0000000000000000").is_empty());
    assert_eq!(with("Name=instance-lifecycle,Values=spot").len(), 3);
    // Filters all apply.
    assert_eq!(
        with("Name=instance-state-name,Values=running Name=availability-zone,Values=us-east-1a"),
        one(&n1)
    );
    // The terminated instance has no subnet any more.
    let subnets = json(&p, "aws ec2 describe-subnets");
    let subnet_a = subnets["Subnets"][0]["SubnetId"].as_str().unwrap();
    assert_eq!(with(&format!("Name=subnet-id,Values={subnet_a}")), one(&n1));
    let vpc = subnets["Subnets"][0]["VpcId"].as_str().unwrap();
    assert_eq!(with(&format!("Name=vpc-id,Values={vpc}")).len(), 2);
    // The same filters in JSON.
    assert_eq!(
        with(
            r#"'[{"Name": "instance-state-name", "Values": ["running"]}, {"Name": "availability-zone", "Values": ["us-east-1a"]}]'"#
        ),
        one(&n1)
    );
    // With --instance-ids too.
    assert_eq!(
        ids(&instances(
            &p,
            &format!(
                "--instance-ids {n1} {n3} --filters Name=instance-state-name,Values=terminated"
            )
        )),
        one(&n3)
    );
    // A filter EC2 does not know, and one Orca does not evaluate.
    let e = failed(
        &p,
        "aws ec2 describe-instances --filters Name=nope,Values=x",
    );
    assert!(
        e.contains("An error occurred (InvalidParameterValue) when calling the DescribeInstances operation: The filter 'nope' is invalid"),
        "{e}"
    );
    let e = failed(
        &p,
        "aws ec2 describe-instances --filters Name=instance-type,Value=x",
    );
    assert!(
        e.contains("Unknown parameter in Filters[0]: \"Value\""),
        "{e}"
    );
}

#[test]
fn unknown_and_malformed_instance_ids_get_ec2s_errors() {
    let p = at("ecs-instance-draining", 30);
    assert_eq!(
        failed(&p, "aws ec2 describe-instances --instance-ids i-0abc"),
        "\nAn error occurred (InvalidInstanceID.NotFound) when calling the DescribeInstances operation: The instance ID 'i-0abc' does not exist\n"
    );
    let known = ec2_id(&p, "ecs-node-1");
    assert_eq!(
        failed(
            &p,
            &format!("aws ec2 describe-instances --instance-ids i-0abc {known} i-0def")
        ),
        "\nAn error occurred (InvalidInstanceID.NotFound) when calling the DescribeInstances operation: The instance IDs 'i-0abc, i-0def' do not exist\n"
    );
    assert_eq!(
        failed(&p, "aws ec2 describe-instances --instance-ids nope"),
        "\nAn error occurred (InvalidInstanceID.Malformed) when calling the DescribeInstances operation: Invalid id: \"nope\"\n"
    );
    let e = failed(
        &p,
        "aws ec2 terminate-instances --instance-ids i-0abc i-0def",
    );
    assert!(
        e.contains("TerminateInstances operation: The instance IDs 'i-0abc, i-0def' do not exist"),
        "{e}"
    );
    let e = failed(&p, "aws ec2 describe-nothing");
    assert!(e.contains("Invalid choice"), "{e}");
    assert!(e.contains("describe-instances"), "{e}");
}

#[test]
fn describe_instances_goes_through_query_and_output() {
    let p = at("ecs-instance-draining", 490);
    let (n1, n2, n3) = (
        ec2_id(&p, "ecs-node-1"),
        ec2_id(&p, "ecs-node-2"),
        ec2_id(&p, "ecs-node-3"),
    );
    assert_eq!(
        printed(
            &p,
            "aws ec2 describe-instances --query 'Reservations[].Instances[].[InstanceId,State.Name]' --output text"
        ),
        format!("{n1}\trunning\n{n2}\trunning\n{n3}\tterminated\n")
    );
    let table = printed(
        &p,
        "aws ec2 describe-instances --query 'Reservations[].Instances[].[InstanceId,State.Name]' --output table",
    );
    assert!(table.contains("DescribeInstances"), "{table}");
    assert!(
        table.contains(&n3) && table.contains("terminated"),
        "{table}"
    );
    assert_eq!(
        printed(
            &p,
            &format!(
                "aws ec2 describe-instances --instance-ids {n2} --query Reservations[0].Instances[0].PrivateDnsName --output text"
            )
        ),
        "ip-10-0-16-4.ec2.internal\n"
    );
}

#[test]
fn the_vpc_and_subnet_ids_agree_across_ec2_and_elbv2() {
    let p = at("ecs-instance-draining", 30);
    let vpcs = json(&p, "aws ec2 describe-vpcs");
    let vpc = &vpcs["Vpcs"][0];
    assert_eq!(vpcs["Vpcs"].as_array().unwrap().len(), 1);
    assert_eq!(vpc["CidrBlock"], "10.0.0.0/16");
    assert_eq!(vpc["State"], "available");
    assert_eq!(vpc["IsDefault"], false);
    assert_eq!(vpc["OwnerId"], "123456789012");
    let vpc_id = vpc["VpcId"].as_str().unwrap();
    let subnets = json(&p, "aws ec2 describe-subnets");
    let subnets = subnets["Subnets"].as_array().unwrap();
    let net = &p.world().net;
    assert_eq!(subnets.len(), net.zones.len());
    for (s, z) in subnets.iter().zip(&net.zones) {
        assert_eq!(s["AvailabilityZone"], z.name.as_str());
        assert_eq!(s["CidrBlock"], z.subnet_cidr.as_str());
        assert_eq!(s["VpcId"], vpc_id);
        assert_eq!(s["State"], "available");
        assert_eq!(s["MapPublicIpOnLaunch"], false);
    }
    let subnet_of = |zone: &str| {
        subnets
            .iter()
            .find(|s| s["AvailabilityZone"] == zone)
            .map(|s| s["SubnetId"].clone())
            .unwrap()
    };
    // Elastic Load Balancing names the same VPC and subnets.
    let tgs = json(&p, "aws elbv2 describe-target-groups");
    assert_eq!(tgs["TargetGroups"][0]["VpcId"], vpc_id);
    let lbs = json(&p, "aws elbv2 describe-load-balancers");
    let lb = &lbs["LoadBalancers"][0];
    assert_eq!(lb["VpcId"], vpc_id);
    for z in lb["AvailabilityZones"].as_array().unwrap() {
        assert_eq!(z["SubnetId"], subnet_of(z["ZoneName"].as_str().unwrap()));
    }
    // So does every instance, in its zone's subnet.
    for i in instances(&p, "") {
        assert_eq!(i["VpcId"], vpc_id);
        assert_eq!(
            i["SubnetId"],
            subnet_of(i["Placement"]["AvailabilityZone"].as_str().unwrap())
        );
    }
    // By id and by filter; unknown ids get EC2's errors.
    let b = subnet_of("us-east-1b");
    let one = json(
        &p,
        &format!(
            "aws ec2 describe-subnets --subnet-ids {}",
            b.as_str().unwrap()
        ),
    );
    assert_eq!(one["Subnets"].as_array().unwrap().len(), 1);
    assert_eq!(one["Subnets"][0]["AvailabilityZone"], "us-east-1b");
    let f = json(
        &p,
        "aws ec2 describe-subnets --filters Name=availability-zone,Values=us-east-1a",
    );
    assert_eq!(f["Subnets"][0]["SubnetId"], subnet_of("us-east-1a"));
    assert_eq!(
        json(
            &p,
            &format!("aws ec2 describe-subnets --filters Name=vpc-id,Values={vpc_id}")
        )["Subnets"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        json(&p, &format!("aws ec2 describe-vpcs --vpc-ids {vpc_id}")),
        vpcs
    );
    assert_eq!(
        json(
            &p,
            "aws ec2 describe-vpcs --filters Name=tag:Name,Values=shop-vpc"
        ),
        vpcs
    );
    assert_eq!(
        printed(
            &p,
            "aws ec2 describe-vpcs --filters Name=is-default,Values=true"
        ),
        "{\n    \"Vpcs\": []\n}"
    );
    assert_eq!(
        failed(&p, "aws ec2 describe-vpcs --vpc-ids vpc-0123"),
        "\nAn error occurred (InvalidVpcID.NotFound) when calling the DescribeVpcs operation: The vpc ID 'vpc-0123' does not exist\n"
    );
    assert_eq!(
        failed(&p, "aws ec2 describe-subnets --subnet-ids subnet-0123"),
        "\nAn error occurred (InvalidSubnetID.NotFound) when calling the DescribeSubnets operation: The subnet ID 'subnet-0123' does not exist\n"
    );
    assert!(
        failed(&p, "aws ec2 describe-subnets --filters Name=nope,Values=x")
            .contains("DescribeSubnets operation: The filter 'nope' is invalid")
    );
    // The ALB's VPC id is what it always was (its test pins it).
    let vpc = json(&at("ecs-rolling-update", 40), "aws ec2 describe-vpcs");
    assert_eq!(vpc["Vpcs"][0]["VpcId"], "vpc-066c38b43da06d716");
}

#[test]
fn a_subnets_free_addresses_fall_as_awsvpc_tasks_take_them() {
    // ecs-rolling-update: Fargate tasks, one address each, in three zones. From 0:30 the
    // rollout runs old and new tasks side by side.
    let free = |p: &Playback| -> Vec<u64> {
        json(p, "aws ec2 describe-subnets")["Subnets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["AvailableIpAddressCount"].as_u64().unwrap())
            .collect()
    };
    let holding = |p: &Playback, zone: &str| -> u64 {
        let ecs = p.world().ecs.as_ref().expect("ECS");
        ecs.tasks
            .iter()
            .filter(|t| {
                t.last_status != orca_sim::ecs::TaskStatus::Stopped
                    && !t.private_ip.is_empty()
                    && t.availability_zone.as_str() == zone
            })
            .count() as u64
    };
    let zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    let before = at("ecs-rolling-update", 0);
    let during = at("ecs-rolling-update", 60);
    for p in [&before, &during] {
        for (n, zone) in zones.iter().enumerate() {
            assert_eq!(free(p)[n], 4091 - holding(p, zone), "{zone}");
        }
    }
    let total = |p: &Playback| free(p).iter().sum::<u64>();
    assert_eq!(total(&before), 3 * 4091 - 4);
    assert!(total(&during) < total(&before));
    // EKS nodes and the pods on them hold addresses too.
    let p = at("eks-rolling-update", 0);
    assert!(total(&p) < 3 * 4091 - 3);
}

#[test]
fn sts_names_the_scenarios_account_and_the_role_that_created_its_objects() {
    let ecs = at("ecs-rolling-update", 10);
    let eks = at("eks-rolling-update", 10);
    let who = json(&ecs, "aws sts get-caller-identity");
    assert_eq!(json(&eks, "aws sts get-caller-identity"), who);
    let keys: Vec<&str> = who
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["UserId", "Account", "Arn"]);
    assert_eq!(who["Account"], "123456789012");
    assert_eq!(
        who["Arn"],
        "arn:aws:sts::123456789012:assumed-role/orca-teacher/learner"
    );
    let user = who["UserId"].as_str().unwrap();
    let (role_id, session) = user.split_once(':').expect("ROLEID:SESSION");
    assert_eq!(session, "learner");
    assert_eq!(role_id.len(), 21, "{role_id}");
    assert!(role_id.starts_with("AROA"));
    assert!(
        role_id[4..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    );
    // The role is the one the scenario's service names as its creator.
    let services = json(
        &ecs,
        "aws ecs describe-services --cluster demo --services web",
    );
    assert_eq!(
        services["services"][0]["createdBy"],
        "arn:aws:iam::123456789012:role/orca-teacher"
    );
    assert_eq!(
        printed(
            &ecs,
            "aws sts get-caller-identity --query Account --output text"
        ),
        "123456789012\n"
    );
    // Another account: another ARN and role id.
    let path = common::scenarios_dir().join("eks-rolling-update.ron");
    let src = std::fs::read_to_string(path).expect("scenario");
    let other = src.replace(
        "cluster: (name: \"demo\")",
        "cluster: (name: \"demo\", account_id: \"210987654321\")",
    );
    assert_ne!(other, src);
    let p = Playback::new(common::parse(&other));
    let them = json(&p, "aws sts get-caller-identity");
    assert_eq!(them["Account"], "210987654321");
    assert_eq!(
        them["Arn"],
        "arn:aws:sts::210987654321:assumed-role/orca-teacher/learner"
    );
    assert_ne!(them["UserId"], who["UserId"]);
    let e = failed(&ecs, "aws sts assume-role");
    assert!(
        e.contains("Invalid choice") && e.contains("get-caller-identity"),
        "{e}"
    );
}

#[test]
fn the_instance_profile_and_metadata_options_are_the_iam_models() {
    let mut p = at("ecs-task-role", 30);
    let id = ec2_id(
        &p,
        &p.world().ecs.as_ref().unwrap().instances[0].name.clone(),
    );
    let i = &instances(&p, &format!("--instance-ids {id}"))[0];
    assert_eq!(
        i["IamInstanceProfile"]["Arn"],
        "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole"
    );
    assert!(
        i["IamInstanceProfile"]["Id"]
            .as_str()
            .unwrap()
            .starts_with("AIPA")
    );
    assert_eq!(i["MetadataOptions"]["HttpPutResponseHopLimit"], 2);
    act(
        &mut p,
        &format!(
            "aws ec2 modify-instance-metadata-options --instance-id {id} --http-put-response-hop-limit 1"
        ),
    );
    p.seek(SimTime::from_secs(31));
    let i = &instances(&p, &format!("--instance-ids {id}"))[0];
    assert_eq!(i["MetadataOptions"]["HttpPutResponseHopLimit"], 1);
    // Without an IAM model: no instance profile.
    let i = &instances(&at("ecs-instance-draining", 30), "")[0];
    assert!(i.get("IamInstanceProfile").is_none());
}

#[test]
fn tab_completes_the_new_service_operations_and_instance_ids() {
    let p = at("ecs-instance-draining", 30);
    let complete = |line: &str| crate::say::completions(&p, line);
    assert!(complete("aws s").contains(&"sts".to_string()));
    assert_eq!(complete("aws sts "), ["get-caller-identity"]);
    assert_eq!(
        complete("aws ec2 describe-"),
        [
            "describe-instances",
            "describe-subnets",
            "describe-volumes",
            "describe-vpcs"
        ]
    );
    let mut want: Vec<String> = ["ecs-node-1", "ecs-node-2", "ecs-node-3"]
        .iter()
        .map(|n| ec2_id(&p, n))
        .collect();
    want.sort();
    assert_eq!(complete("aws ec2 describe-instances --instance-ids "), want);
    assert!(complete("aws ec2 describe-instances --").contains(&"--filters".to_string()));
    let e = failed(&p, "aws nope");
    assert!(e.contains("sts"), "{e}");
}
