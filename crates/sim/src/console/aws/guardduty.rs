//! `aws guardduty list-detectors`, `list-findings` and `get-findings` on the EKS cluster's
//! GuardDuty findings, in the shapes of the GuardDuty API Reference (ListDetectors,
//! ListFindings, GetFindings). Times are on the clock every CLI timestamp uses (the run starts
//! at 2026-01-05T09:00:00Z, `crate::time::START_UNIX_SECS`).

use serde_json::json;

use super::args::{self, Param};
use super::shapes::pretty;
use super::{Context, Outcome, USAGE};
use crate::security::{Finding, Security};

const OPERATIONS: &[&str] = &[
    "get-findings",
    "list-coverage",
    "list-detectors",
    "list-findings",
    "update-detector",
];

/// GuardDuty's string timestamp of a moment `ms` into the run, on the CLIs' clock.
fn time(ms: u64) -> String {
    crate::time::SimTime(ms).iso8601_millis_z()
}

fn finding(s: &Security, f: &Finding, account: &str, region: &str) -> serde_json::Value {
    let detector = s.detector_id();
    json!({
        "AccountId": account,
        "Arn": format!("arn:aws:guardduty:{region}:{account}:detector/{detector}/finding/{}", f.id),
        "CreatedAt": time(f.at_ms),
        "Description": f.title,
        "Id": f.id,
        "Partition": "aws",
        "Region": region,
        "Resource": match &f.runtime {
            Some(r) => super::guardduty_runtime::resource(s, r, account, region),
            None => json!({
            "ResourceType": "EKSCluster",
            "EksClusterDetails": {
                "Name": s.cluster,
                "Arn": format!("arn:aws:eks:{region}:{account}:cluster/{}", s.cluster),
                "Status": "ACTIVE",
            },
            "KubernetesDetails": {
                "KubernetesUserDetails": { "Username": f.username },
            },
            }),
        },
        "SchemaVersion": "2.0",
        "Service": match &f.runtime {
            Some(r) => super::guardduty_runtime::service(
                &detector,
                &r.activity,
                &r.container,
                &time(r.seen_at_ms),
            ),
            None => json!({
            "ServiceName": "guardduty",
            "DetectorId": detector,
            "FeatureName": "EksAuditLogs",
            "Count": 1,
            }),
        },
        "Severity": f.severity,
        "Title": f.title,
        "Type": f.finding_type,
        "UpdatedAt": time(f.at_ms),
    })
}

/// `aws guardduty <words…>`.
pub(super) fn run(words: &[String], cx: &Context) -> Outcome {
    let op = words.first().map(String::as_str).unwrap_or("");
    if !OPERATIONS.contains(&op) {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: argument operation: Invalid choice, valid choices are:\n\nget-findings                             | list-coverage\nlist-detectors                           | list-findings\nupdate-detector\n(the GuardDuty operations Orca simulates; the real CLI lists every operation here)\n"
        ));
    }
    // An ECS world's detector: Runtime Monitoring for Fargate tasks (guardduty_ecs.rs).
    if let Some(ecs) = cx.world.ecs.as_ref()
        && let Some(gd) = ecs.guardduty.as_ref()
    {
        return super::guardduty_ecs::run(op, &words[1..], cx, ecs, gd);
    }
    if op == "update-detector" {
        return Outcome::Fail(
            "\nOrca changes an EKS cluster's detector only through the scenario (security: (guardduty: …)); update-detector acts on an ECS world's detector.\n".into(),
        );
    }
    let eks = cx.world.eks.as_ref();
    let security = eks
        .and_then(|k| k.security.as_ref())
        .filter(|s| s.detector.is_some());
    if op == "list-detectors" {
        let ids: Vec<String> = security.map(|s| s.detector_id()).into_iter().collect();
        return Outcome::Print(pretty(&json!({ "DetectorIds": ids })));
    }
    let mut params = vec![Param::text("--detector-id").required()];
    if op == "get-findings" {
        params.push(Param::list("--finding-ids").required());
    }
    let args = match args::parse(&words[1..], &params) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let given = args.one("--detector-id").unwrap_or_default();
    let api = match op {
        "list-findings" => "ListFindings",
        "list-coverage" => "ListCoverage",
        _ => "GetFindings",
    };
    let Some(s) = security.filter(|s| s.detector_id() == given) else {
        return Outcome::Fail(format!(
            "\nAn error occurred (BadRequestException) when calling the {api} operation: The request is rejected because the input detectorId is not owned by the current account.\n"
        ));
    };
    if op == "list-coverage" {
        let resources: Vec<serde_json::Value> = eks
            .and_then(crate::security::runtime::coverage)
            .map(|c| {
                super::guardduty_runtime::coverage(s, &c, &cx.world.net.account_id, &time(cx.now.0))
            })
            .into_iter()
            .collect();
        return Outcome::Print(pretty(&json!({ "Resources": resources })));
    }
    if op == "list-findings" {
        let ids: Vec<&str> = s.findings.iter().map(|f| f.id.as_str()).collect();
        return Outcome::Print(pretty(&json!({ "FindingIds": ids })));
    }
    let (account, region) = (&cx.world.net.account_id, &cx.world.net.region);
    let wanted: Vec<&str> = args.list("--finding-ids").collect();
    let found: Vec<_> = s
        .findings
        .iter()
        .filter(|f| wanted.contains(&f.id.as_str()))
        .map(|f| finding(s, f, account, region))
        .collect();
    Outcome::Print(pretty(&json!({ "Findings": found })))
}
