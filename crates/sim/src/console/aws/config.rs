//! `aws configservice describe-compliance-by-config-rule` and
//! `get-compliance-details-by-config-rule` on the scenario's AWS Config rules, in the shapes of
//! the AWS Config API Reference (DescribeComplianceByConfigRule,
//! GetComplianceDetailsByConfigRule).

use serde_json::json;

use super::args::{self, Param};
use super::shapes::pretty;
use super::{Context, Outcome, USAGE};
use crate::compliance::ComplianceType;

const OPERATIONS: &[&str] = &[
    "describe-compliance-by-config-rule",
    "get-compliance-details-by-config-rule",
];

/// `aws configservice <words…>`.
pub(super) fn run(words: &[String], cx: &Context) -> Outcome {
    let op = words.first().map(String::as_str).unwrap_or("");
    if !OPERATIONS.contains(&op) {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: argument operation: Invalid choice, valid choices are:\n\ndescribe-compliance-by-config-rule       | get-compliance-details-by-config-rule\n(the AWS Config operations Orca simulates; the real CLI lists every operation here)\n"
        ));
    }
    let (rules, evals) = match cx.world.ecs.as_ref() {
        Some(e) => (e.config_rules.as_slice(), e.config_evaluations.as_slice()),
        None => (&[][..], &[][..]),
    };
    let missing = |api: &str, name: &str| {
        Outcome::Fail(format!(
            "\nAn error occurred (NoSuchConfigRuleException) when calling the {api} operation: The ConfigRule '{name}' provided in the request is invalid. Please check the configRule name.\n"
        ))
    };
    if op == "describe-compliance-by-config-rule" {
        let args = match args::parse(&words[1..], &[Param::list("--config-rule-names")]) {
            Ok(a) => a,
            Err(e) => return Outcome::Fail(e),
        };
        let asked: Vec<&str> = args.list("--config-rule-names").collect();
        if let Some(bad) = asked.iter().find(|n| !rules.iter().any(|r| r == *n)) {
            return missing("DescribeComplianceByConfigRule", bad);
        }
        let list: Vec<_> = rules
            .iter()
            .filter(|r| asked.is_empty() || asked.contains(&r.as_str()))
            .map(|r| {
                let bad = evals
                    .iter()
                    .filter(|e| &e.rule == r && e.compliance == ComplianceType::NonCompliant)
                    .count();
                let compliance = if bad > 0 {
                    json!({
                        "ComplianceType": "NON_COMPLIANT",
                        "ComplianceContributorCount": {"CappedCount": bad, "CapExceeded": false},
                    })
                } else if evals.iter().any(|e| &e.rule == r) {
                    json!({"ComplianceType": "COMPLIANT"})
                } else {
                    json!({"ComplianceType": "INSUFFICIENT_DATA"})
                };
                json!({"ConfigRuleName": r, "Compliance": compliance})
            })
            .collect();
        return Outcome::Print(pretty(&json!({ "ComplianceByConfigRules": list })));
    }
    let args = match args::parse(
        &words[1..],
        &[
            Param::text("--config-rule-name").required(),
            Param::list("--compliance-types"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let name = args.one("--config-rule-name").unwrap_or_default();
    if !rules.iter().any(|r| r == name) {
        return missing("GetComplianceDetailsByConfigRule", name);
    }
    let types: Vec<&str> = args.list("--compliance-types").collect();
    let results: Vec<_> = evals
        .iter()
        .filter(|e| e.rule == name)
        .filter(|e| types.is_empty() || types.contains(&e.compliance.as_str()))
        .map(|e| {
            let mut v = json!({
                "EvaluationResultIdentifier": {
                    "EvaluationResultQualifier": {
                        "ConfigRuleName": e.rule,
                        "ResourceType": "AWS::ECS::TaskDefinition",
                        "ResourceId": e.resource,
                    },
                },
                "ComplianceType": e.compliance.as_str(),
            });
            if !e.annotation.is_empty() {
                v["Annotation"] = json!(e.annotation);
            }
            v
        })
        .collect();
    Outcome::Print(pretty(&json!({ "EvaluationResults": results })))
}
