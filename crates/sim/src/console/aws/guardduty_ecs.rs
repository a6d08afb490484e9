//! `aws guardduty` on an ECS world's detector: `list-detectors`, `update-detector --features`
//! (Runtime Monitoring and its automated agent configuration for Fargate), `list-coverage` (the
//! cluster's Fargate coverage), and `list-findings` / `get-findings` (runtime findings on the
//! cluster's tasks). Shapes from the GuardDuty API Reference (UpdateDetector, ListCoverage,
//! CoverageResource, CoverageEcsClusterDetails, FargateDetails, Finding, EcsTaskDetails).

use serde_json::{Value, json};

use super::args::{self, Param};
use super::shapes::pretty;
use super::{Context, Outcome};
use crate::console::After;
use crate::ecs::cluster::EcsCluster;
use crate::ecs::guardduty::{self, EcsFinding, EcsGuardDuty};
use crate::scenario::spec::Action;

/// The detector's features (`DetectorFeature`) and additional configurations
/// (`FeatureAdditionalConfiguration`) the API accepts.
const FEATURES: [&str; 10] = [
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "EKS_RUNTIME_MONITORING",
    "RUNTIME_MONITORING",
    "EKS_ADDON_MANAGEMENT",
    "ECS_FARGATE_AGENT_MANAGEMENT",
    "EC2_AGENT_MANAGEMENT",
];

fn bad_request(api: &str, message: &str) -> Outcome {
    Outcome::Fail(format!(
        "\nAn error occurred (BadRequestException) when calling the {api} operation: {message}\n"
    ))
}

/// `aws guardduty <op> …` with the ECS cluster's detector.
pub(super) fn run(
    op: &str,
    words: &[String],
    cx: &Context,
    ecs: &EcsCluster,
    gd: &EcsGuardDuty,
) -> Outcome {
    if op == "list-detectors" {
        return Outcome::Print(pretty(&json!({ "DetectorIds": [gd.detector_id] })));
    }
    let mut params = vec![Param::text("--detector-id").required()];
    match op {
        "get-findings" => params.push(Param::list("--finding-ids").required()),
        "update-detector" => params.push(Param::list("--features")),
        _ => {}
    }
    let args = match args::parse(words, &params) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let api = match op {
        "list-findings" => "ListFindings",
        "list-coverage" => "ListCoverage",
        "update-detector" => "UpdateDetector",
        _ => "GetFindings",
    };
    if args.one("--detector-id") != Some(gd.detector_id.as_str()) {
        return bad_request(
            api,
            "The request is rejected because the input detectorId is not owned by the current account.",
        );
    }
    match op {
        "update-detector" => {
            let text: Vec<&str> = args.list("--features").collect();
            update_detector(&text.join(" "))
        }
        "list-coverage" => {
            let resources: Vec<Value> = guardduty::coverage(ecs)
                .map(|c| coverage(ecs, gd, &c, cx))
                .into_iter()
                .collect();
            Outcome::Print(pretty(&json!({ "Resources": resources })))
        }
        "list-findings" => {
            let ids: Vec<&str> = published(gd, cx).map(|f| f.id.as_str()).collect();
            Outcome::Print(pretty(&json!({ "FindingIds": ids })))
        }
        _ => {
            let wanted: Vec<&str> = args.list("--finding-ids").collect();
            let found: Vec<Value> = published(gd, cx)
                .filter(|f| wanted.contains(&f.id.as_str()))
                .map(|f| finding(ecs, gd, f, cx))
                .collect();
            Outcome::Print(pretty(&json!({ "Findings": found })))
        }
    }
}

/// The findings GuardDuty has published by now.
fn published<'a>(gd: &'a EcsGuardDuty, cx: &'a Context) -> impl Iterator<Item = &'a EcsFinding> {
    gd.findings.iter().filter(|f| f.at <= cx.now)
}

/// A runtime finding on a task (GuardDuty API Reference: Finding, Resource with
/// `EcsClusterDetails.TaskDetails`, Service with `RuntimeDetails`). `ResourceType`
/// `ECSCluster` as real findings show it.
fn finding(ecs: &EcsCluster, gd: &EcsGuardDuty, f: &EcsFinding, cx: &Context) -> Value {
    let (account, region) = (&cx.world.net.account_id, &cx.world.net.region);
    json!({
        "AccountId": account,
        "Arn": format!("arn:aws:guardduty:{region}:{account}:detector/{}/finding/{}", gd.detector_id, f.id),
        "CreatedAt": f.at.iso8601_millis_z(),
        "Description": f.title,
        "Id": f.id,
        "Partition": "aws",
        "Region": region,
        "Resource": {
            "ResourceType": "ECSCluster",
            "EcsClusterDetails": {
                "Name": ecs.name,
                "Arn": ecs.arn,
                "Status": "ACTIVE",
                "TaskDetails": {
                    "Arn": f.task_arn,
                    "DefinitionArn": f.task_definition_arn,
                    "TaskCreatedAt": f.task_created_at.aws_cli(),
                    "StartedAt": f.task_started_at.map(|t| t.aws_cli()),
                    "StartedBy": f.started_by,
                    "LaunchType": "FARGATE",
                    "Containers": [{"Name": f.container, "Image": f.image}],
                },
            },
        },
        "SchemaVersion": "2.0",
        "Service": super::guardduty_runtime::service(
            &gd.detector_id,
            &f.activity,
            &f.container,
            &f.seen_at.iso8601_millis_z(),
        ),
        "Severity": f.severity,
        "Title": f.title,
        "Type": f.finding_type,
        "UpdatedAt": f.at.iso8601_millis_z(),
    })
}

/// `--features` in the CLI's shorthand (`Name=RUNTIME_MONITORING,Status=ENABLED,
/// AdditionalConfiguration=[{Name=ECS_FARGATE_AGENT_MANAGEMENT,Status=ENABLED}]`) or as JSON:
/// the (name, status) of each feature and additional configuration.
fn update_detector(text: &str) -> Outcome {
    let api = "UpdateDetector";
    let pairs = match name_status_pairs(text) {
        Ok(p) => p,
        Err(e) => return Outcome::Fail(format!("\nError parsing parameter '--features': {e}\n")),
    };
    // [inferred] GuardDuty's usual wording for a value outside its enums.
    let invalid = "The request is rejected because an invalid or out-of-range value is specified as an input parameter.";
    for (name, status) in &pairs {
        if !FEATURES.contains(&name.as_str()) || !matches!(status.as_str(), "ENABLED" | "DISABLED")
        {
            return bad_request(api, invalid);
        }
    }
    let status_of = |wanted: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == wanted)
            .map(|(_, s)| s == "ENABLED")
    };
    if status_of("EKS_RUNTIME_MONITORING").is_some() && status_of("RUNTIME_MONITORING").is_some() {
        // The API Reference, DetectorFeatureConfiguration.
        return bad_request(
            api,
            "Specifying both EKS Runtime Monitoring (EKS_RUNTIME_MONITORING) and Runtime Monitoring (RUNTIME_MONITORING) will cause an error.",
        );
    }
    let action = Action::UpdateDetector {
        runtime_monitoring: status_of("RUNTIME_MONITORING"),
        ecs_fargate_agent_management: status_of("ECS_FARGATE_AGENT_MANAGEMENT"),
    };
    // The features Orca does not model on an ECS world are accepted and change nothing.
    // "This command produces no output."
    Outcome::Act {
        actions: vec![action],
        after: After::Text(String::new()),
    }
}

/// Each object's `Name` and `Status`, innermost objects first as they close.
fn name_status_pairs(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut stack: Vec<(Option<String>, Option<String>)> = vec![(None, None)];
    let mut pairs = Vec::new();
    let close =
        |entry: (Option<String>, Option<String>), pairs: &mut Vec<(String, String)>| match entry {
            (Some(n), Some(s)) => {
                pairs.push((n, s));
                Ok(())
            }
            (None, None) => Ok(()),
            (Some(n), None) => Err(format!("the feature {n} has no Status")),
            (None, Some(_)) => Err("a Status without a Name".to_string()),
        };
    let words: Vec<(char, String)> = tokens(text);
    let mut i = 0;
    while i < words.len() {
        let (sep, word) = &words[i];
        match (*sep, word.as_str()) {
            ('{', _) => stack.push((None, None)),
            ('}', _) => {
                if stack.len() > 1
                    && let Some(entry) = stack.pop()
                {
                    close(entry, &mut pairs)?;
                }
            }
            (_, "Name") | (_, "Status") => {
                let value = words
                    .get(i + 1)
                    .filter(|(s, _)| *s == 'w')
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| format!("{word} has no value"))?;
                if let Some(top) = stack.last_mut() {
                    if word == "Name" {
                        if let Some(done) = top.0.replace(value) {
                            // Shorthand lists features side by side: a new Name starts a new one.
                            let status = top.1.take();
                            close((Some(done), status), &mut pairs)?;
                        }
                    } else {
                        top.1 = Some(value);
                    }
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    while let Some(entry) = stack.pop() {
        close(entry, &mut pairs)?;
    }
    if pairs.is_empty() {
        return Err("expected Name=<feature>,Status=ENABLED|DISABLED".into());
    }
    Ok(pairs)
}

/// Words and braces: ('w', word), ('{', ""), ('}', "").
fn tokens(text: &str) -> Vec<(char, String)> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(('w', std::mem::take(&mut word)));
        }
        if c == '{' || c == '}' {
            out.push((c, String::new()));
        }
    }
    if !word.is_empty() {
        out.push(('w', word));
    }
    out
}

/// `list-coverage`'s one resource, the ECS cluster.
fn coverage(
    ecs: &EcsCluster,
    gd: &EcsGuardDuty,
    c: &guardduty::EcsCoverage,
    cx: &Context,
) -> Value {
    let mut r = json!({
        "ResourceId": ecs.arn,
        "DetectorId": gd.detector_id,
        "AccountId": cx.world.net.account_id,
        "ResourceDetails": {
            "EcsClusterDetails": {
                "ClusterName": ecs.name,
                "FargateDetails": {
                    "Issues": c.issues,
                    "ManagementType": c.management,
                },
                "ContainerInstanceDetails": {
                    "CoveredContainerInstances": 0,
                    "CompatibleContainerInstances": 0,
                },
            },
            "ResourceType": "ECS",
        },
        "CoverageStatus": c.status,
        "UpdatedAt": cx.now.aws_cli(),
    });
    if let Some(issue) = c.issues.first() {
        r["Issue"] = json!(issue);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::name_status_pairs;

    fn pairs(text: &str) -> Vec<(String, String)> {
        name_status_pairs(text).expect("parses")
    }

    #[test]
    fn shorthand_and_json_give_the_same_features() {
        let want = vec![
            (
                "ECS_FARGATE_AGENT_MANAGEMENT".to_string(),
                "ENABLED".to_string(),
            ),
            ("RUNTIME_MONITORING".to_string(), "ENABLED".to_string()),
        ];
        assert_eq!(
            pairs(
                "Name=RUNTIME_MONITORING,Status=ENABLED,AdditionalConfiguration=[{Name=ECS_FARGATE_AGENT_MANAGEMENT,Status=ENABLED}]"
            ),
            want
        );
        assert_eq!(
            pairs(
                r#"[{"Name":"RUNTIME_MONITORING","Status":"ENABLED","AdditionalConfiguration":[{"Name":"ECS_FARGATE_AGENT_MANAGEMENT","Status":"ENABLED"}]}]"#
            ),
            want
        );
        assert_eq!(
            pairs(r#"[{"Status":"DISABLED","Name":"RUNTIME_MONITORING"}]"#),
            vec![("RUNTIME_MONITORING".to_string(), "DISABLED".to_string())]
        );
        assert!(name_status_pairs("Name=RUNTIME_MONITORING").is_err());
    }
}
