//! Amazon ECR in whole runs: the three ECR scenarios' outcomes (a lifecycle policy expiring an
//! image in use, an immutable tag, continuous scanning), the `aws ecr` commands' output and
//! errors, and the registry read model.

use crate::common;

use crate::say::{act, failed, no_files, printed};
use orca_sim::console::{self, Context};
use orca_sim::ecr::read;
use orca_sim::k8s::cluster::ContainerState;
use orca_sim::{Playback, SimTime};

fn at(name: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(name));
    p.seek(SimTime::from_secs(secs));
    p
}

const LIFECYCLE: &str = "ecr-lifecycle-expires-running-image";

#[test]
fn lifecycle_preview_and_describe_images_before_the_pass() {
    let p = at(LIFECYCLE, 200);
    let images = printed(&p, "aws ecr describe-images --repository-name web");
    insta::assert_snapshot!("ecr_describe_images", images);
    let preview = printed(
        &p,
        "aws ecr get-lifecycle-policy-preview --repository-name web",
    );
    insta::assert_snapshot!("ecr_lifecycle_preview", preview);
    let v: serde_json::Value = serde_json::from_str(&preview).expect("JSON");
    assert_eq!(v["summary"]["expiringImageTotalCount"], 1);
    assert_eq!(v["previewResults"][0]["imageTags"][0], "v1");
    assert_eq!(v["previewResults"][0]["appliedRulePriority"], 1);
}

#[test]
fn the_read_model_shows_who_uses_an_image_and_what_would_expire() {
    let p = at(LIFECYCLE, 200);
    let repos = read::repositories(p.world());
    assert_eq!(repos.len(), 1);
    let v1 = repos[0]
        .images
        .iter()
        .find(|i| i.tags == ["v1"])
        .expect("v1");
    assert_eq!(v1.tasks.len(), 2, "both running tasks name web:v1");
    assert_eq!(v1.expires_by_rule, Some(1));
    let b41 = repos[0]
        .images
        .iter()
        .find(|i| i.tags == ["build-41"])
        .expect("build-41");
    assert_eq!(b41.expires_by_rule, None, "no rule selects build-41");
    // Newest first.
    assert_eq!(repos[0].images[0].tags, ["v3"]);
}

#[test]
fn expired_image_fails_the_scale_out_with_cannot_pull_container() {
    let p = at(LIFECYCLE, 600);
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let reasons: Vec<&str> = ecs
        .tasks
        .iter()
        .filter_map(|t| t.stopped_reason.as_deref())
        .collect();
    assert!(!reasons.is_empty(), "the new task stopped");
    assert!(reasons.iter().all(|r| *r
        == "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1: 123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v1: not found"));
    let running = ecs.tasks.iter().filter(|t| t.is_live()).count();
    assert!(
        running >= 2,
        "the two tasks that pulled v1 before keep running"
    );
    assert!(
        p.world().ecr.repositories[0]
            .images
            .iter()
            .all(|i| !i.tags.contains(&"v1".to_string()))
    );
}

#[test]
fn basic_scans_are_limited_to_one_per_image_per_day() {
    let mut p = at(LIFECYCLE, 30);
    let started = act(
        &mut p,
        "aws ecr start-image-scan --repository-name web --image-id imageTag=build-41",
    );
    assert!(started.contains("\"status\": \"IN_PROGRESS\""), "{started}");
    p.seek(SimTime::from_secs(90));
    let findings = printed(
        &p,
        "aws ecr describe-image-scan-findings --repository-name web --image-id imageTag=build-41",
    );
    assert!(findings.contains("\"status\": \"COMPLETE\""), "{findings}");
    let again = failed(
        &p,
        "aws ecr start-image-scan --repository-name web --image-id imageTag=build-41",
    );
    assert_eq!(
        again,
        "\nAn error occurred (LimitExceededException) when calling the StartImageScan operation: The scan quota per image has been exceeded. Wait and try again.\n"
    );
}

#[test]
fn unknown_repository_and_image_errors_read_like_ecr() {
    let p = at(LIFECYCLE, 10);
    insta::assert_snapshot!(
        "ecr_errors",
        [
            failed(&p, "aws ecr describe-images --repository-name api"),
            failed(
                &p,
                "aws ecr describe-images --repository-name web --image-ids imageTag=v9"
            ),
            failed(
                &p,
                "aws ecr describe-image-scan-findings --repository-name web --image-id imageTag=v1"
            ),
            printed(
                &p,
                "aws ecr batch-delete-image --repository-name web --image-ids imageTag=v9"
            ),
            failed(&p, "aws ecr get-lifecycle-polcy --repository-name web"),
        ]
        .join("\n----\n")
    );
}

const IMMUTABLE: &str = "ecr-immutable-tag";

#[test]
fn an_immutable_repository_refuses_the_console_push_of_an_existing_tag() {
    let mut p = at(IMMUTABLE, 100);
    let refused = failed(
        &p,
        "aws ecr put-image --repository-name web --image-tag v1 --image-manifest file://manifest.json",
    );
    assert_eq!(
        refused,
        "\nAn error occurred (ImageTagAlreadyExistsException) when calling the PutImage operation: The image tag 'v1' already exists in the 'web' repository and cannot be overwritten because the repository is immutable.\n"
    );
    let pushed = act(
        &mut p,
        "aws ecr put-image --repository-name web --image-tag v9",
    );
    insta::assert_snapshot!("ecr_put_image", pushed);
    let listed = printed(&p, "aws ecr list-images --repository-name web");
    assert!(listed.contains("\"imageTag\": \"v9\""), "{listed}");
    let v: serde_json::Value = serde_json::from_str(&pushed).expect("JSON");
    let digest = v["image"]["imageId"]["imageDigest"]
        .as_str()
        .expect("digest");
    assert!(
        listed.contains(digest),
        "the reply's digest is the pushed image's"
    );
}

#[test]
fn a_pod_whose_tag_was_never_pushed_backs_off_pulling() {
    let p = at(IMMUTABLE, 400);
    let eks = p.world().eks.as_ref().expect("EKS");
    let waiting: Vec<&str> = eks
        .pods
        .iter()
        .filter(|pod| !pod.gone)
        .filter_map(|pod| match &pod.state {
            ContainerState::Waiting { reason } => Some(reason.as_str()),
            _ => None,
        })
        .collect();
    assert!(!waiting.is_empty(), "a web:v3 pod is waiting");
    assert!(
        waiting
            .iter()
            .all(|r| *r == "ErrImagePull" || *r == "ImagePullBackOff"),
        "{waiting:?}"
    );
    let log: Vec<String> = p.log().iter().map(|e| e.message().into_owned()).collect();
    assert!(log.iter().any(|m| m == "Failed to pull image \"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v3\": rpc error: code = NotFound desc = failed to pull and unpack image \"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v3\": not found"));
}

const SCANNING: &str = "ecr-continuous-scanning";

#[test]
fn a_new_cve_flags_the_continuously_scanned_image_only() {
    let before = at(SCANNING, 110);
    let web = "aws ecr describe-image-scan-findings --repository-name web --image-id imageTag=v7";
    let worker =
        "aws ecr describe-image-scan-findings --repository-name worker --image-id imageTag=v3";
    let counts = |p: &Playback, line: &str| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(&printed(p, line)).expect("JSON");
        v["imageScanFindings"]["findingSeverityCounts"].clone()
    };
    assert_eq!(counts(&before, web), serde_json::json!({}));
    assert_eq!(counts(&before, worker), serde_json::json!({"MEDIUM": 1}));
    let after = at(SCANNING, 130);
    assert_eq!(counts(&after, web), serde_json::json!({"CRITICAL": 1}));
    assert_eq!(counts(&after, worker), serde_json::json!({"MEDIUM": 1}));
    insta::assert_snapshot!("ecr_enhanced_findings", printed(&after, web));
    let manual = failed(
        &after,
        "aws ecr start-image-scan --repository-name web --image-id imageTag=v7",
    );
    assert!(manual.contains("(ValidationException)"), "{manual}");
}

#[test]
fn get_lifecycle_policy_shows_the_policy_and_the_last_pass() {
    let before = at(LIFECYCLE, 200);
    let v: serde_json::Value = serde_json::from_str(&printed(
        &before,
        "aws ecr get-lifecycle-policy --repository-name web",
    ))
    .expect("JSON");
    assert!(v.get("lastEvaluatedAt").is_none(), "no pass before 5:00");
    let text: serde_json::Value =
        serde_json::from_str(v["lifecyclePolicyText"].as_str().expect("text")).expect("policy");
    assert_eq!(text["rules"][0]["selection"]["tagPrefixList"][0], "v");
    assert_eq!(
        text["rules"][0]["selection"]["countType"],
        "imageCountMoreThan"
    );
    let after = at(LIFECYCLE, 310);
    let v: serde_json::Value = serde_json::from_str(&printed(
        &after,
        "aws ecr get-lifecycle-policy --repository-name web",
    ))
    .expect("JSON");
    assert_eq!(v["lastEvaluatedAt"], "2026-01-05T09:05:00+00:00");
}

#[test]
fn tab_completes_ecr_operations_flags_and_repositories() {
    let p = at(SCANNING, 10);
    let cx = Context {
        world: p.world(),
        scenario: p.scenario(),
        now: p.now(),
        log: p.log(),
        files: &no_files,
        queries: None,
    };
    let c = |line: &str| console::complete::complete(line, &cx).candidates;
    assert_eq!(c("aws ec"), ["ec2", "ecr", "ecs"]);
    assert_eq!(c("aws ecr list-"), ["list-images"]);
    assert_eq!(c("aws ecr list-images --rep"), ["--repository-name"]);
    assert_eq!(
        c("aws ecr list-images --repository-name w"),
        ["web", "worker"]
    );
}

#[test]
fn a_task_remembers_the_digest_it_pulled_when_a_mutable_tag_moves() {
    // web's tags are MUTABLE: a push of v1 moves the tag; the running tasks keep the digest
    // they pulled, which describe-tasks shows and the read model counts as in use.
    let mut p = at(LIFECYCLE, 30);
    let old = p.world().ecr.repositories[0].images[0].digest.clone();
    act(
        &mut p,
        "aws ecr put-image --repository-name web --image-tag v1",
    );
    p.seek(SimTime::from_secs(40));
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let task = ecs.tasks.iter().find(|t| t.is_live()).expect("a task");
    assert_eq!(
        task.containers[0].image_digest.as_deref(),
        Some(old.as_str())
    );
    let out = printed(
        &p,
        &format!("aws ecs describe-tasks --cluster demo --tasks {}", task.id),
    );
    assert!(
        out.contains(&format!("\"imageDigest\": \"{old}\"")),
        "{out}"
    );
    let repos = read::repositories(p.world());
    let old_row = repos[0]
        .images
        .iter()
        .find(|i| i.digest == old)
        .expect("old");
    assert!(
        old_row.tags.is_empty(),
        "the tag moved away: the old image is untagged"
    );
    assert_eq!(
        old_row.tasks.len(),
        2,
        "both tasks still run the old digest"
    );
    let new_row = repos[0]
        .images
        .iter()
        .find(|i| i.tags == ["v1"])
        .expect("new");
    assert!(new_row.tasks.is_empty());
}

#[test]
fn the_read_model_lists_findings_and_scan_settings_for_the_registry_panel() {
    use orca_sim::scenario::spec::{ScanFrequency, Severity};
    let before = at("ecr-continuous-scanning", 100);
    let after = at("ecr-continuous-scanning", 200);
    let web = |p: &Playback| {
        read::repositories(p.world())
            .into_iter()
            .find(|r| r.name == "web")
            .expect("web")
    };
    let r = web(&before);
    assert_eq!(r.scan_frequency, ScanFrequency::ContinuousScan);
    assert!(r.enhanced);
    assert!(r.lifecycle_rules.is_empty());
    let v7 = |r: &read::RepositoryRow| r.images.iter().find(|i| i.tags == ["v7"]).cloned();
    assert!(
        v7(&r).expect("v7").findings.is_empty(),
        "no finding before the CVE is published at 2:00"
    );
    let found = v7(&web(&after)).expect("v7").findings;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].id, "CVE-2026-0142");
    assert_eq!(found[0].severity, Severity::Critical);
    assert_eq!(found[0].package, "openssl 3.0.13");
}

#[test]
fn the_read_model_lists_the_lifecycle_rules_in_priority_order() {
    let p = at(LIFECYCLE, 200);
    let repos = read::repositories(p.world());
    let rules = &repos[0].lifecycle_rules;
    assert!(!rules.is_empty());
    assert!(
        rules
            .windows(2)
            .all(|w| w[0].rule_priority < w[1].rule_priority)
    );
    let v1 = repos[0]
        .images
        .iter()
        .find(|i| i.tags == ["v1"])
        .expect("v1");
    assert!(
        rules
            .iter()
            .any(|r| Some(r.rule_priority) == v1.expires_by_rule)
    );
}

#[test]
fn the_registry_scanning_configuration_says_which_repositories_are_rescanned() {
    // ecr-continuous-scanning: enhanced scanning, web continuously scanned, worker on push.
    let p = at("ecr-continuous-scanning", 10);
    let v: serde_json::Value =
        serde_json::from_str(&printed(&p, "aws ecr get-registry-scanning-configuration"))
            .expect("JSON");
    assert_eq!(
        v,
        serde_json::json!({
            "registryId": "123456789012",
            "scanningConfiguration": {
                "scanType": "ENHANCED",
                "rules": [
                    {"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "web", "filterType": "WILDCARD"}]},
                    {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "worker", "filterType": "WILDCARD"}]},
                ],
            },
        })
    );
    // What describe-repositories says of each repository agrees with the rules.
    let repos: serde_json::Value =
        serde_json::from_str(&printed(&p, "aws ecr describe-repositories")).expect("JSON");
    for r in repos["repositories"].as_array().expect("repositories") {
        let name = r["repositoryName"].as_str().expect("a name");
        let on_push = r["imageScanningConfiguration"]["scanOnPush"] == true;
        let ruled = v["scanningConfiguration"]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .any(|rule| rule["repositoryFilters"][0]["filter"] == name);
        assert_eq!(on_push, ruled, "{name}");
    }
    // A basic registry whose repositories are scanned by hand has no rule.
    let p = at(LIFECYCLE, 10);
    let v: serde_json::Value =
        serde_json::from_str(&printed(&p, "aws ecr get-registry-scanning-configuration"))
            .expect("JSON");
    assert_eq!(v["scanningConfiguration"]["scanType"], "BASIC");
    assert_eq!(v["scanningConfiguration"]["rules"], serde_json::json!([]));
    assert!(
        failed(
            &p,
            "aws ecr put-registry-scanning-configuration --scan-type ENHANCED"
        )
        .contains("Orca does not simulate `aws ecr put-registry-scanning-configuration`")
    );
}
