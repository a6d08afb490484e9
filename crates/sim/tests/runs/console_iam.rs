//! The console's IAM commands: `aws iam get-role` and `get-role-policy` in the IAM API's
//! shapes, their NoSuchEntity errors, and `aws ec2 modify-instance-metadata-options` changing
//! what a running task's SDK finds.

use crate::common;

use crate::say::{failed, printed, run};
use orca_sim::console::{self, Outcome};
use orca_sim::iam::read::task_identity;
use orca_sim::world::TaskIdx;
use orca_sim::{Playback, SimTime};

#[test]
fn get_role_shows_the_trust_policy_and_get_role_policy_the_statements() {
    let p = Playback::new(common::built_in_named("ecs-task-role"));
    insta::assert_snapshot!(
        "iam_get_role_task_role",
        printed(&p, "aws iam get-role --role-name orders-task-role")
    );
    insta::assert_snapshot!(
        "iam_get_role_policy_instance_role",
        printed(
            &p,
            "aws iam get-role-policy --role-name ecsInstanceRole --policy-name ecsInstanceRole-policy"
        )
    );
    assert_eq!(
        failed(&p, "aws iam get-role --role-name nobody"),
        "\nAn error occurred (NoSuchEntity) when calling the GetRole operation: The role with name nobody cannot be found.\n"
    );
    assert!(failed(&p, "aws iam get-role").contains("--role-name"));
    let p = Playback::new(common::built_in_named("eks-irsa-trust-policy"));
    insta::assert_snapshot!(
        "iam_get_role_irsa",
        printed(&p, "aws iam get-role --role-name reports-s3-reader")
    );
}

#[test]
fn a_hop_limit_set_from_the_console_cuts_a_borrowing_task_off() {
    let mut p = Playback::new(common::built_in_named("ecs-task-role"));
    p.seek(SimTime::from_secs(30));
    let id = p.world().ecs.as_ref().unwrap().instances[0]
        .ec2_instance_id
        .clone();
    let line = format!(
        "aws ec2 modify-instance-metadata-options --instance-id {id} --http-put-response-hop-limit 1 --http-tokens required"
    );
    let Outcome::Act { actions, after } = run(&p, &line) else {
        panic!("`{line}` did not act");
    };
    for a in actions {
        p.intervene(a);
    }
    let reply = console::reply(&after, p.world(), p.log(), p.now());
    let v: serde_json::Value = serde_json::from_str(&reply).expect("JSON");
    assert_eq!(v["InstanceMetadataOptions"]["HttpPutResponseHopLimit"], 1);
    assert_eq!(v["InstanceMetadataOptions"]["HttpTokens"], "required");
    p.seek(SimTime::from_secs(45));
    let c = p.world().ecs.as_ref().unwrap();
    let view = task_identity(c, TaskIdx(0)).unwrap();
    assert!(!view.imds_reachable);
    assert_eq!(view.calls[0].allowed, Some(false));
    assert_eq!(
        view.calls[0].result.as_deref(),
        Some("botocore.exceptions.NoCredentialsError: Unable to locate credentials")
    );
    let e = failed(
        &p,
        "aws ec2 modify-instance-metadata-options --instance-id i-0123 --http-tokens required",
    );
    assert!(e.contains("InvalidInstanceID.NotFound"), "{e}");
    let e = failed(
        &p,
        &format!(
            "aws ec2 modify-instance-metadata-options --instance-id {id} --http-put-response-hop-limit 65"
        ),
    );
    assert!(e.contains("InvalidParameterValue"), "{e}");
}

#[test]
fn config_flags_the_privileged_revision_when_it_is_registered() {
    let mut p = Playback::new(common::built_in_named("ecs-config-privileged"));
    p.seek(SimTime::from_secs(30));
    let before = printed(&p, "aws configservice describe-compliance-by-config-rule");
    let v: serde_json::Value = serde_json::from_str(&before).expect("JSON");
    for r in v["ComplianceByConfigRules"].as_array().unwrap() {
        assert_eq!(r["Compliance"]["ComplianceType"], "COMPLIANT", "{r}");
    }
    p.seek(SimTime::from_secs(61));
    insta::assert_snapshot!(
        "config_describe_compliance_after_privileged",
        printed(&p, "aws configservice describe-compliance-by-config-rule")
    );
    insta::assert_snapshot!(
        "config_details_privileged",
        printed(
            &p,
            "aws configservice get-compliance-details-by-config-rule --config-rule-name ecs-containers-nonprivileged --compliance-types NON_COMPLIANT"
        )
    );
    assert!(
        failed(
            &p,
            "aws configservice describe-compliance-by-config-rule --config-rule-names nope"
        )
        .contains("NoSuchConfigRuleException")
    );
    // metrics:3 fixes both settings: the latest revision is compliant again.
    p.seek(SimTime::from_secs(241));
    let after = printed(&p, "aws configservice describe-compliance-by-config-rule");
    assert!(!after.contains("NON_COMPLIANT"), "{after}");
}

#[test]
fn guardduty_lists_and_describes_its_findings() {
    let mut p = Playback::new(common::built_in_named("eks-guardduty-audit"));
    p.seek(SimTime::from_secs(30));
    let detectors = printed(&p, "aws guardduty list-detectors");
    let v: serde_json::Value = serde_json::from_str(&detectors).expect("JSON");
    let id = v["DetectorIds"][0].as_str().unwrap().to_string();
    let none = printed(
        &p,
        &format!("aws guardduty list-findings --detector-id {id}"),
    );
    assert!(none.contains("\"FindingIds\": []"), "{none}");
    p.seek(SimTime::from_secs(61));
    let list = printed(
        &p,
        &format!("aws guardduty list-findings --detector-id {id}"),
    );
    let v: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    let finding = v["FindingIds"][0].as_str().unwrap().to_string();
    insta::assert_snapshot!(
        "guardduty_get_findings_exec",
        printed(
            &p,
            &format!("aws guardduty get-findings --detector-id {id} --finding-ids {finding}")
        )
    );
    assert!(
        failed(&p, "aws guardduty list-findings --detector-id 12ab")
            .contains("BadRequestException")
    );
}

#[test]
fn guardduty_list_coverage_and_a_runtime_finding() {
    let mut p = Playback::new(common::built_in_named("eks-guardduty-runtime"));
    p.seek(SimTime::from_secs(60));
    let detectors = printed(&p, "aws guardduty list-detectors");
    let v: serde_json::Value = serde_json::from_str(&detectors).expect("JSON");
    let id = v["DetectorIds"][0].as_str().unwrap().to_string();
    insta::assert_snapshot!(
        "guardduty_list_coverage_unhealthy",
        printed(
            &p,
            &format!("aws guardduty list-coverage --detector-id {id}")
        )
    );
    p.seek(SimTime::from_secs(181));
    let list = printed(
        &p,
        &format!("aws guardduty list-findings --detector-id {id}"),
    );
    let v: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    let ids = v["FindingIds"].as_array().unwrap();
    assert_eq!(ids.len(), 1, "{list}");
    let finding = ids[0].as_str().unwrap().to_string();
    insta::assert_snapshot!(
        "guardduty_get_findings_runtime_dns",
        printed(
            &p,
            &format!("aws guardduty get-findings --detector-id {id} --finding-ids {finding}")
        )
    );
    assert!(
        failed(&p, "aws guardduty list-coverage --detector-id 12ab")
            .contains("(BadRequestException) when calling the ListCoverage operation")
    );
    assert!(failed(&p, "aws guardduty list-coverage").contains("--detector-id"));
    // The agent's pods, one Pending, in their namespace.
    let pods = printed(&p, "kubectl get pods -n amazon-guardduty");
    assert!(
        pods.contains("aws-guardduty-agent-") && pods.contains("Pending"),
        "{pods}"
    );
}

#[test]
fn a_reverse_shell_finding_shows_the_network_connection_and_the_process() {
    let s = common::parse(
        r#"(
    version: 1, title: "t", description: "d", seed: 3, duration: 200,
    world: Eks(
        cluster: (name: "prod"),
        node_groups: [(name: "ng", instance_type: "m5.large", count: 1)],
        deployments: [(name: "api", replicas: 1, container: (name: "api", image: "api:v1", cpu: 100, memory: 128))],
        security: (guardduty: (runtime_monitoring: ())),
    ),
    timeline: [(at: 30, action: RuntimeActivity(pod: "deploy/api", activity: OpenReverseShell("198.51.100.7:4444")))],
)"#,
    );
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(91));
    let detectors = printed(&p, "aws guardduty list-detectors");
    let v: serde_json::Value = serde_json::from_str(&detectors).expect("JSON");
    let id = v["DetectorIds"][0].as_str().unwrap().to_string();
    let list = printed(
        &p,
        &format!("aws guardduty list-findings --detector-id {id}"),
    );
    let v: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    let finding = v["FindingIds"][0].as_str().unwrap().to_string();
    let out = printed(
        &p,
        &format!("aws guardduty get-findings --detector-id {id} --finding-ids {finding}"),
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let f = &v["Findings"][0];
    assert_eq!(f["Type"], "Execution:Runtime/ReverseShell");
    let action = &f["Service"]["Action"];
    assert_eq!(action["ActionType"], "NETWORK_CONNECTION");
    let c = &action["NetworkConnectionAction"];
    assert_eq!(c["RemoteIpDetails"]["IpAddressV4"], "198.51.100.7");
    assert_eq!(c["RemotePortDetails"]["Port"], 4444);
    assert_eq!(
        f["Service"]["RuntimeDetails"]["Process"]["ExecutablePath"],
        "/bin/sh"
    );
    // The one EC2 node runs the agent: coverage is HEALTHY, with no Issue.
    let cov = printed(
        &p,
        &format!("aws guardduty list-coverage --detector-id {id}"),
    );
    assert!(
        cov.contains("\"CoverageStatus\": \"HEALTHY\"") && !cov.contains("Issue"),
        "{cov}"
    );
}
