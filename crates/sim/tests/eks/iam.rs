//! IAM for EKS pods (docs/rules/iam.md): IRSA's web identity before Pod Identity's container
//! provider before the node role from instance metadata; STS's refusals; the webhook's
//! injection only into new pods.

use crate::common;
use orca_sim::iam::read::pod_identity;
use orca_sim::{EventKind, SimTime, Simulation};

fn at(name: &str, secs: u64) -> Simulation {
    let mut sim = Simulation::new(common::built_in_named(name));
    sim.advance_to(SimTime::from_secs(secs));
    sim
}

/// (pod's Deployment prefix, chain step text, role name, allowed) of an app pod's first call.
type Call = (String, Option<String>, Option<String>, Option<bool>);

/// Every app pod's first call.
fn calls(sim: &Simulation) -> Vec<Call> {
    let c = sim.world().eks.as_ref().unwrap();
    let mut out = Vec::new();
    for (i, p) in c.pods.iter().enumerate() {
        if p.gone {
            continue;
        }
        if let Some(v) = pod_identity(c, i) {
            let call = &v.calls[0];
            out.push((
                p.name.split('-').next().unwrap().to_string(),
                call.chain_step.clone(),
                call.role_arn
                    .as_ref()
                    .map(|a| a.rsplit('/').next().unwrap().to_string()),
                call.allowed,
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn web_identity_comes_before_pod_identity_which_comes_before_the_node_role() {
    let sim = at("eks-pod-identity-vs-irsa", 60);
    let got = calls(&sim);
    let find = |d: &str| got.iter().find(|c| c.0 == d).cloned().unwrap();
    let ledger = find("ledger");
    assert!(ledger.1.as_deref().unwrap().starts_with("3 "));
    assert_eq!(
        (ledger.2.as_deref(), ledger.3),
        (Some("ledger-dynamodb"), Some(true))
    );
    let notifier = find("notifier");
    assert!(notifier.1.as_deref().unwrap().starts_with("11 "));
    assert_eq!(notifier.2.as_deref(), Some("notifier-sqs"));
    let legacy = find("legacy");
    assert!(legacy.1.as_deref().unwrap().starts_with("12 "));
    assert_eq!(
        (legacy.2.as_deref(), legacy.3),
        (Some("eksNodeRole"), Some(true))
    );
    // Hop limit 1 at 2:00: only the pod that fell through to instance metadata loses it.
    let sim = at("eks-pod-identity-vs-irsa", 200);
    let got = calls(&sim);
    for c in &got {
        assert_eq!(c.3, Some(c.0 != "legacy"), "{c:?}");
    }
}

#[test]
fn a_trust_policy_sub_mismatch_is_refused_until_corrected() {
    let sim = at("eks-irsa-trust-policy", 60);
    let c = sim.world().eks.as_ref().unwrap();
    let (i, _) = c
        .pods
        .iter()
        .enumerate()
        .find(|(_, p)| p.name.starts_with("reports-"))
        .unwrap();
    let v = pod_identity(c, i).unwrap();
    assert_eq!(
        v.calls[0].result.as_deref(),
        Some(
            "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity"
        )
    );
    assert!(
        v.calls[0]
            .why
            .as_deref()
            .unwrap()
            .contains("system:serviceaccount:default:report;")
    );
    assert!(v.calls[0].denied >= 3);
    let sim = at("eks-irsa-trust-policy", 200);
    let allowed = sim
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::AwsCall { allowed: true, .. }))
        .count();
    assert_eq!(
        allowed, 2,
        "each of the two pods logs its first success once"
    );
}

#[test]
fn guardduty_finds_exec_and_anonymous_access_with_control_plane_logging_off() {
    let sim = at("eks-guardduty-audit", 200);
    let s = sim.world().eks.as_ref().unwrap().security.as_ref().unwrap();
    assert!(s.logging.is_empty(), "control plane logging is off");
    let types: Vec<(&str, f64)> = s
        .findings
        .iter()
        .map(|f| (f.finding_type.as_str(), f.severity))
        .collect();
    assert_eq!(
        types,
        vec![
            ("Execution:Kubernetes/ExecInKubeSystemPod", 5.0),
            ("Policy:Kubernetes/AnonymousAccessGranted", 8.0)
        ]
    );
    assert!(
        s.findings[0]
            .target
            .starts_with("pods/exec kube-system/coredns-")
    );
    let lines: Vec<String> = sim.log().iter().map(|e| e.message().into_owned()).collect();
    assert!(
        lines
            .iter()
            .any(|l| l == "audit log: not sent to CloudWatch Logs (the audit log type is off)")
    );
}

#[test]
fn the_identity_view_names_the_provider_and_sts_refusal() {
    use orca_sim::iam::read::CredentialSource;
    let sim = at("eks-pod-identity-vs-irsa", 60);
    let c = sim.world().eks.as_ref().unwrap();
    let source = |prefix: &str| {
        let i = c
            .pods
            .iter()
            .position(|p| !p.gone && p.name.starts_with(prefix))
            .unwrap();
        let v = pod_identity(c, i).unwrap();
        (
            v.answer.source,
            v.answer.role_name().map(String::from),
            v.host,
        )
    };
    let (s, role, host) = source("ledger-");
    assert_eq!(
        (s, role.as_deref()),
        (Some(CredentialSource::WebIdentity), Some("ledger-dynamodb"))
    );
    assert!(host.is_some());
    assert_eq!(source("notifier-").0, Some(CredentialSource::PodIdentity));
    let (s, role, _) = source("legacy-");
    assert_eq!(
        (s, role.as_deref()),
        (
            Some(CredentialSource::InstanceMetadata),
            Some("eksNodeRole")
        )
    );
    // STS refuses the token of a role whose trust names another service account.
    let sim = at("eks-irsa-trust-policy", 60);
    let c = sim.world().eks.as_ref().unwrap();
    let i = c
        .pods
        .iter()
        .position(|p| p.name.starts_with("reports-"))
        .unwrap();
    let v = pod_identity(c, i).unwrap();
    assert_eq!(v.answer.source, Some(CredentialSource::WebIdentity));
    assert!(
        v.answer
            .refused
            .as_deref()
            .unwrap()
            .contains("AssumeRoleWithWebIdentity")
    );
}

#[test]
fn a_web_identity_session_is_named_by_the_clock_the_consoles_timestamps_use() {
    // The trust policy fixed at 2:00, but the role may not read the object: the denial names
    // the role session, `botocore-session-<Unix time the pod was created>`.
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/eks-irsa-trust-policy.ron"),
    )
    .expect("the built-in scenario");
    let src = src.replace(
        r#"(actions: ["s3:GetObject", "s3:ListBucket"]"#,
        r#"(actions: ["s3:ListBucket"]"#,
    );
    let mut sim = Simulation::new(common::parse(&src));
    sim.advance_to(SimTime::from_secs(200));
    let c = sim.world().eks.as_ref().unwrap();
    let (i, p) = c
        .pods
        .iter()
        .enumerate()
        .find(|(_, p)| p.name.starts_with("reports-"))
        .unwrap();
    let session = format!(
        "assumed-role/reports-s3-reader/botocore-session-{}",
        orca_sim::time::START_UNIX_SECS + p.created_at.0 / 1000
    );
    let result = pod_identity(c, i).unwrap().calls[0].result.clone().unwrap();
    assert!(result.contains(&session), "{result}");
}
