//! IAM policy documents as the console's `aws iam put-role-policy` and `aws iam
//! update-assume-role-policy` receive them: JSON in IAM's policy grammar, turned into the
//! statements and the trust Orca models, or refused with IAM's `MalformedPolicyDocument`
//! message (or Orca's own when the document is valid IAM that Orca does not model).
//!
//! Grammar: IAM User Guide, "IAM JSON policy element reference" and "Grammar of the IAM JSON
//! policy language" (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>):
//! `Statement` is one object or a list; `Effect` is `Allow` or `Deny`; `Action` and `Resource`
//! are a string or a list; identity-based policies have no `Principal`, role trust policies
//! have a `Principal` and no `Resource`. Sizes: IAM User Guide, "IAM and AWS STS quotas" (a
//! role's inline policies 10,240 characters in all; a trust policy 2,048 by default).
//!
//! The error texts are those IAM returns as the CLI prints them (`MalformedPolicyDocument`,
//! `LimitExceeded`), as reported in the IAM User Guide's troubleshooting pages and by users
//! [observed]; which check IAM makes first when a document breaks several rules is not
//! documented, so Orca's order is its own [inferred].

use serde_json::{Map, Value};

use super::Iam;
use crate::scenario::iam_caps::{MAX_PATTERN_LEN, MAX_PATTERNS, MAX_STATEMENTS};
use crate::scenario::spec::{Effect, StatementSpec, TrustSpec};

/// A role's inline policies together: at most 10,240 characters (IAM quotas).
pub const MAX_INLINE_POLICY: usize = 10_240;
/// A role trust policy: at most 2,048 characters by default (IAM quotas, "Role trust policy
/// length"; it can be raised to 4,096).
pub const MAX_TRUST_POLICY: usize = 2_048;

/// Why a document was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// IAM's error: its code (`MalformedPolicyDocument`, `LimitExceeded`) and message.
    Iam { code: &'static str, message: String },
    /// Valid IAM that Orca does not model: Orca's own explanation.
    Unmodelled(String),
}

fn malformed(message: impl Into<String>) -> Refusal {
    Refusal::Iam {
        code: "MalformedPolicyDocument",
        message: message.into(),
    }
}

fn unmodelled(message: impl Into<String>) -> Refusal {
    Refusal::Unmodelled(message.into())
}

/// The document's statements, each an object.
fn statements(text: &str) -> Result<Vec<Map<String, Value>>, Refusal> {
    let doc: Value =
        serde_json::from_str(text).map_err(|_| malformed("Syntax errors in policy."))?;
    let Value::Object(doc) = doc else {
        return Err(malformed("Syntax errors in policy."));
    };
    if let Some(v) = doc.get("Version")
        && !matches!(v.as_str(), Some("2012-10-17" | "2008-10-17"))
    {
        // [observed] IAM answers an unknown Version this way.
        return Err(malformed("The policy failed legacy parsing"));
    }
    let list = match doc.get("Statement") {
        Some(Value::Object(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .map(|s| match s {
                Value::Object(o) => Ok(o.clone()),
                _ => Err(malformed("Syntax errors in policy.")),
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(malformed("Syntax errors in policy.")),
    };
    if list.is_empty() {
        return Err(malformed("Syntax errors in policy."));
    }
    Ok(list)
}

/// A string or a list of strings (`Action`, `Resource`, a principal); `None` if it is neither.
fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(a) => a.iter().map(|x| x.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

fn effect(s: &Map<String, Value>) -> Result<Effect, Refusal> {
    match s.get("Effect").map(Value::as_str) {
        None => Err(malformed("Missing required field Effect")),
        Some(Some("Allow")) => Ok(Effect::Allow),
        Some(Some("Deny")) => Ok(Effect::Deny),
        // [observed] Effect is case-sensitive.
        Some(_) => Err(malformed("Invalid effect: must be Allow or Deny")),
    }
}

/// The actions of a statement: each `service:action` (or `*`).
fn actions(s: &Map<String, Value>) -> Result<Vec<String>, Refusal> {
    if s.contains_key("NotAction") {
        return Err(unmodelled(
            "Orca models Action, not NotAction: list the actions the statement covers",
        ));
    }
    let Some(v) = s.get("Action") else {
        return Err(malformed("Policy statement must contain actions."));
    };
    let list = strings(v).ok_or_else(|| malformed("Syntax errors in policy."))?;
    if list.is_empty() {
        return Err(malformed("Policy statement must contain actions."));
    }
    if list.iter().any(|a| a != "*" && !a.contains(':')) {
        return Err(malformed(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ));
    }
    Ok(list)
}

/// Orca's caps on a statement's lists, which bound what a call's evaluation costs.
fn within_caps(what: &str, list: &[String]) -> Result<(), Refusal> {
    if list.len() > MAX_PATTERNS || list.iter().any(|p| p.chars().count() > MAX_PATTERN_LEN) {
        return Err(unmodelled(format!(
            "Orca models at most {MAX_PATTERNS} {what} per statement, each at most {MAX_PATTERN_LEN} characters"
        )));
    }
    Ok(())
}

/// The statements of an identity-based policy (`put-role-policy --policy-document`).
pub fn identity_policy(role: &str, text: &str) -> Result<Vec<StatementSpec>, Refusal> {
    if text.chars().filter(|c| !c.is_whitespace()).count() > MAX_INLINE_POLICY {
        return Err(Refusal::Iam {
            code: "LimitExceeded",
            message: format!(
                "Maximum policy size of {MAX_INLINE_POLICY} bytes exceeded for role {role}"
            ),
        });
    }
    let list = statements(text)?;
    if list.len() > MAX_STATEMENTS {
        return Err(unmodelled(format!(
            "Orca models at most {MAX_STATEMENTS} statements in a role's policy"
        )));
    }
    list.iter()
        .map(|s| {
            if s.contains_key("Principal") || s.contains_key("NotPrincipal") {
                return Err(malformed("Has prohibited field Principal"));
            }
            let effect = effect(s)?;
            let actions = actions(s)?;
            if s.contains_key("NotResource") {
                return Err(unmodelled(
                    "Orca models Resource, not NotResource: list the resources the statement covers",
                ));
            }
            let resources = match s.get("Resource") {
                None => return Err(malformed("Policy statement must contain resources.")),
                Some(v) => strings(v).ok_or_else(|| malformed("Syntax errors in policy."))?,
            };
            if resources.is_empty() {
                return Err(malformed("Policy statement must contain resources."));
            }
            if s.contains_key("Condition") {
                return Err(unmodelled(
                    "Orca does not model conditions in a role's permissions policy: leave Condition out",
                ));
            }
            within_caps("actions", &actions)?;
            within_caps("resources", &resources)?;
            Ok(StatementSpec {
                effect,
                actions,
                resources,
            })
        })
        .collect()
}

/// The trust of a role trust policy (`update-assume-role-policy --policy-document`), for the
/// account of `iam` (whose cluster's OIDC issuer a web identity trust must name).
pub fn trust_policy(iam: &Iam, text: &str) -> Result<TrustSpec, Refusal> {
    if text.chars().filter(|c| !c.is_whitespace()).count() > MAX_TRUST_POLICY {
        return Err(Refusal::Iam {
            code: "LimitExceeded",
            message: format!("Cannot exceed quota for ACLSizePerRole: {MAX_TRUST_POLICY}"),
        });
    }
    let list = statements(text)?;
    for s in &list {
        if s.contains_key("Resource") || s.contains_key("NotResource") {
            return Err(malformed("Has prohibited field Resource"));
        }
        effect(s)?;
        let acts = actions(s)?;
        if acts
            .iter()
            .any(|a| !a.to_ascii_lowercase().starts_with("sts:"))
        {
            return Err(malformed(
                "AssumeRole policy may only specify STS AssumeRole actions.",
            ));
        }
        if !s.contains_key("Principal") && !s.contains_key("NotPrincipal") {
            return Err(malformed("Missing required field Principal"));
        }
    }
    let [s] = list.as_slice() else {
        return Err(unmodelled(
            "Orca models one trust statement per role (one principal that may assume it)",
        ));
    };
    if effect(s)? == Effect::Deny {
        return Err(unmodelled(
            "Orca models a trust statement that allows; a Deny alone trusts no one",
        ));
    }
    let acts: Vec<String> = actions(s)?.iter().map(|a| a.to_ascii_lowercase()).collect();
    let has = |a: &str| acts.iter().any(|x| x == a || x == "sts:*");
    let Some(Value::Object(principal)) = s.get("Principal") else {
        return Err(unmodelled(
            "Orca models a Principal with one Service or one Federated entry",
        ));
    };
    let services = principal.get("Service").and_then(strings);
    let federated = principal.get("Federated").and_then(strings);
    match (services.as_deref(), federated.as_deref(), principal.len()) {
        (Some([service]), None, 1) => {
            let trust = match service.as_str() {
                "ecs-tasks.amazonaws.com" => TrustSpec::EcsTasks,
                "ec2.amazonaws.com" => TrustSpec::Ec2,
                "pods.eks.amazonaws.com" => TrustSpec::PodsEks,
                other => {
                    return Err(unmodelled(format!(
                        "Orca models the service principals ecs-tasks.amazonaws.com, ec2.amazonaws.com and pods.eks.amazonaws.com, not {other}"
                    )));
                }
            };
            if !has("sts:assumerole") {
                return Err(unmodelled(format!(
                    "{service} assumes a role with sts:AssumeRole: the statement must allow it"
                )));
            }
            // EKS User Guide, "EKS Pod Identity": the trust allows sts:AssumeRole and
            // sts:TagSession (the agent tags the session with the cluster, namespace and pod).
            if trust == TrustSpec::PodsEks && !has("sts:tagsession") {
                return Err(unmodelled(
                    "EKS Pod Identity tags its sessions: the trust must allow sts:AssumeRole and sts:TagSession",
                ));
            }
            Ok(trust)
        }
        (None, Some([provider]), 1) => {
            web_identity(iam, s, provider, has("sts:assumerolewithwebidentity"))
        }
        _ => Err(unmodelled(
            "Orca models a Principal with one Service (ecs-tasks, ec2 or pods.eks .amazonaws.com) or the cluster's OIDC provider as Federated",
        )),
    }
}

/// IRSA's trust: the cluster's OIDC provider, `sts:AssumeRoleWithWebIdentity`, and conditions on
/// the token's `sub` and `aud` (EKS User Guide, "Assign IAM roles to Kubernetes service
/// accounts").
fn web_identity(
    iam: &Iam,
    s: &Map<String, Value>,
    provider: &str,
    allows_web_identity: bool,
) -> Result<TrustSpec, Refusal> {
    let issuer = iam.oidc_issuer.trim_start_matches("https://");
    let ours = format!("arn:aws:iam::{}:oidc-provider/{issuer}", iam.account_id);
    // [inferred] IAM checks that a federated principal exists when it stores the policy, as
    // it does for roles and users: a provider that is not registered is refused.
    if provider != ours || !iam.oidc_provider {
        return Err(malformed(format!(
            "Invalid principal in policy: \"FEDERATED\":\"{provider}\""
        )));
    }
    if !allows_web_identity {
        return Err(unmodelled(
            "a web identity principal assumes the role with sts:AssumeRoleWithWebIdentity: the statement must allow it",
        ));
    }
    let Some(Value::Object(condition)) = s.get("Condition") else {
        return Err(unmodelled(format!(
            "Orca models IRSA trust with conditions on {issuer}:sub and {issuer}:aud (StringEquals or StringLike), as the EKS User Guide writes it"
        )));
    };
    let (sub_key, aud_key) = (format!("{issuer}:sub"), format!("{issuer}:aud"));
    let mut sub: Option<(String, bool)> = None;
    let mut aud: Option<String> = None;
    for (op, keys) in condition {
        let like = match op.as_str() {
            "StringEquals" => false,
            "StringLike" => true,
            other => {
                return Err(unmodelled(format!(
                    "Orca models the condition operators StringEquals and StringLike, not {other}"
                )));
            }
        };
        let Value::Object(keys) = keys else {
            return Err(malformed("Syntax errors in policy."));
        };
        for (key, value) in keys {
            let value = match strings(value).as_deref() {
                Some([one]) => one.clone(),
                _ => {
                    return Err(unmodelled(format!(
                        "Orca models one value for {key}, written as a string"
                    )));
                }
            };
            if *key == sub_key {
                sub = Some((value, like));
            } else if *key == aud_key {
                aud = Some(value);
            } else {
                return Err(unmodelled(format!(
                    "Orca models the condition keys {sub_key} and {aud_key}, not {key}"
                )));
            }
        }
    }
    let (Some((sub, string_like)), Some(aud)) = (sub, aud) else {
        return Err(unmodelled(format!(
            "Orca models IRSA trust with conditions on both {sub_key} and {aud_key}"
        )));
    };
    if sub.chars().count() > MAX_PATTERN_LEN || aud.chars().count() > MAX_PATTERN_LEN {
        return Err(unmodelled(format!(
            "Orca models condition values of at most {MAX_PATTERN_LEN} characters"
        )));
    }
    Ok(TrustSpec::WebIdentity {
        sub,
        aud,
        string_like,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::spec::IamSpec;

    fn iam(provider: bool) -> Iam {
        let spec = IamSpec {
            oidc_provider: provider,
            roles: vec![crate::scenario::spec::RoleSpec {
                name: "r".into(),
                trust: TrustSpec::EcsTasks,
                statements: Vec::new(),
            }],
            ..IamSpec::default()
        };
        Iam::build(&spec, "analytics", "us-east-1", "123456789012").expect("an iam model")
    }

    fn code(r: Result<impl std::fmt::Debug, Refusal>) -> (String, String) {
        match r {
            Err(Refusal::Iam { code, message }) => (code.to_string(), message),
            Err(Refusal::Unmodelled(m)) => ("orca".into(), m),
            Ok(v) => ("ok".into(), format!("{v:?}")),
        }
    }

    #[test]
    fn a_permissions_policy_becomes_statements() {
        // The S3 read policy of the EKS User Guide's IRSA walkthrough, shortened.
        let doc = r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::reports-bucket", "arn:aws:s3:::reports-bucket/*"]},
            {"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}"#;
        let s = identity_policy("r", doc).expect("valid");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].actions, ["s3:GetObject", "s3:ListBucket"]);
        assert_eq!(s[0].resources.len(), 2);
        assert_eq!(s[1].effect, Effect::Deny);
        assert_eq!(s[1].resources, ["*"]);
        // One statement as an object, no Version.
        let one = r#"{"Statement": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}}"#;
        assert_eq!(
            identity_policy("r", one).expect("valid")[0].actions,
            ["sqs:*"]
        );
    }

    #[test]
    fn a_malformed_permissions_policy_gets_iams_message() {
        for (doc, want) in [
            ("{not json", "Syntax errors in policy."),
            (r#"{"Statement": []}"#, "Syntax errors in policy."),
            (
                r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject"}}"#,
                "Policy statement must contain resources.",
            ),
            (
                r#"{"Statement": {"Effect": "Allow", "Resource": "*"}}"#,
                "Policy statement must contain actions.",
            ),
            (
                r#"{"Statement": {"Action": "s3:GetObject", "Resource": "*"}}"#,
                "Missing required field Effect",
            ),
            (
                r#"{"Statement": {"Effect": "Allow", "Action": "GetObject", "Resource": "*"}}"#,
                "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
            ),
            (
                r#"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}}"#,
                "Has prohibited field Principal",
            ),
            (
                r#"{"Version": "2020-01-01", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
                "The policy failed legacy parsing",
            ),
        ] {
            assert_eq!(
                code(identity_policy("r", doc)),
                ("MalformedPolicyDocument".into(), want.into()),
                "{doc}"
            );
        }
        let big = format!(
            r#"{{"Statement": {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "{}"}}}}"#,
            "a".repeat(MAX_INLINE_POLICY)
        );
        assert_eq!(code(identity_policy("r", &big)).0, "LimitExceeded");
    }

    #[test]
    fn valid_iam_that_orca_does_not_model_says_so() {
        let cond = r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}}}"#;
        assert_eq!(code(identity_policy("r", cond)).0, "orca");
        let not_action =
            r#"{"Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}"#;
        assert_eq!(code(identity_policy("r", not_action)).0, "orca");
    }

    const ISSUER: &str = "oidc.eks.us-east-1.amazonaws.com/id/";

    fn irsa_doc(iam: &Iam, op: &str, sub: &str) -> String {
        let issuer = iam.oidc_issuer.trim_start_matches("https://");
        assert!(issuer.starts_with(ISSUER), "{issuer}");
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow",
              "Principal": {{"Federated": "arn:aws:iam::123456789012:oidc-provider/{issuer}"}},
              "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"{op}": {{"{issuer}:sub": "{sub}", "{issuer}:aud": "sts.amazonaws.com"}}}}}}]}}"#
        )
    }

    #[test]
    fn the_eks_user_guides_irsa_trust_becomes_a_web_identity_trust() {
        let iam = iam(true);
        let doc = irsa_doc(
            &iam,
            "StringEquals",
            "system:serviceaccount:default:reports",
        );
        assert_eq!(
            trust_policy(&iam, &doc),
            Ok(TrustSpec::WebIdentity {
                sub: "system:serviceaccount:default:reports".into(),
                aud: "sts.amazonaws.com".into(),
                string_like: false,
            })
        );
        let like = irsa_doc(&iam, "StringLike", "system:serviceaccount:default:*");
        assert!(matches!(
            trust_policy(&iam, &like),
            Ok(TrustSpec::WebIdentity {
                string_like: true,
                ..
            })
        ));
        // Without the provider registered in IAM, the principal does not exist.
        let no_provider = super::tests::iam(false);
        let (code_, message) = code(trust_policy(&no_provider, &doc));
        assert_eq!(code_, "MalformedPolicyDocument");
        assert!(
            message.starts_with("Invalid principal in policy: \"FEDERATED\":"),
            "{message}"
        );
    }

    #[test]
    fn service_principals_and_their_rules() {
        let iam = iam(true);
        let service = |svc: &str, action: &str| {
            format!(
                r#"{{"Statement": {{"Effect": "Allow", "Principal": {{"Service": "{svc}"}}, "Action": {action}}}}}"#
            )
        };
        assert_eq!(
            trust_policy(
                &iam,
                &service("ecs-tasks.amazonaws.com", r#""sts:AssumeRole""#)
            ),
            Ok(TrustSpec::EcsTasks)
        );
        assert_eq!(
            trust_policy(
                &iam,
                &service(
                    "pods.eks.amazonaws.com",
                    r#"["sts:AssumeRole", "sts:TagSession"]"#
                )
            ),
            Ok(TrustSpec::PodsEks)
        );
        // Pod Identity without TagSession, a permission action, a Resource.
        assert_eq!(
            code(trust_policy(
                &iam,
                &service("pods.eks.amazonaws.com", r#""sts:AssumeRole""#)
            ))
            .0,
            "orca"
        );
        assert_eq!(
            code(trust_policy(
                &iam,
                &service("ec2.amazonaws.com", r#""s3:GetObject""#)
            )),
            (
                "MalformedPolicyDocument".into(),
                "AssumeRole policy may only specify STS AssumeRole actions.".into()
            )
        );
        let with_resource = r#"{"Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Resource": "*"}}"#;
        assert_eq!(
            code(trust_policy(&iam, with_resource)).1,
            "Has prohibited field Resource"
        );
        let big = format!(
            r#"{{"Statement": {{"Effect": "Allow", "Principal": {{"Service": "{}"}}, "Action": "sts:AssumeRole"}}}}"#,
            "a".repeat(MAX_TRUST_POLICY)
        );
        assert_eq!(code(trust_policy(&iam, &big)).0, "LimitExceeded");
    }
}
