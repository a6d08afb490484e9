//! `aws iam get-role`, `aws iam get-role-policy`, `aws iam list-open-id-connect-providers` and
//! `aws ec2 modify-instance-metadata-options` against the scenario's IAM model, in the shapes
//! of the IAM and EC2 API references (GetRole, GetRolePolicy, ModifyInstanceMetadataOptions) as
//! the CLI prints them; the listing and policy-changing operations are in `iam_policies`.

use serde_json::{Value, json};

use super::api_error as exception;
use super::args::{self, Param};
use super::iam_roles::{get_role, model};
use super::shapes::pretty;
use super::{After, Context, Outcome, USAGE};
use crate::scenario::spec::{Action, HttpTokens};

/// The operations of `aws iam` Orca carries out.
pub const OPERATIONS: &[&str] = &[
    "get-role",
    "get-role-policy",
    "list-attached-role-policies",
    "list-open-id-connect-providers",
    "list-role-policies",
    "list-roles",
    "put-role-policy",
    "update-assume-role-policy",
];

/// `aws iam <words…>`.
pub(super) fn run(words: &[String], cx: &Context) -> Outcome {
    let op = words.first().map(String::as_str).unwrap_or("");
    if !OPERATIONS.contains(&op) {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: argument operation: Invalid choice, valid choices are:\n\n{}\n(the IAM operations Orca simulates; the real CLI lists every IAM operation here)\n",
            super::two_columns(OPERATIONS)
        ));
    }
    match op {
        "list-open-id-connect-providers" => return list_oidc_providers(&words[1..], cx),
        "list-roles" | "list-role-policies" | "list-attached-role-policies" => {
            return super::iam_policies::list(op, &words[1..], cx);
        }
        "put-role-policy" | "update-assume-role-policy" => {
            return super::iam_policies::change(op, &words[1..], cx);
        }
        _ => {}
    }
    let mut params = vec![Param::text("--role-name").required()];
    if op == "get-role-policy" {
        params.push(Param::text("--policy-name").required());
    }
    let args = match args::parse(&words[1..], &params) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let name = args.one("--role-name").unwrap_or_default();
    let api = if op == "get-role" {
        "GetRole"
    } else {
        "GetRolePolicy"
    };
    let Some(iam) = model(cx) else {
        return exception(
            api,
            "NoSuchEntity",
            &format!("The role with name {name} cannot be found."),
        );
    };
    let Some(role) = iam.role_by_name(name) else {
        return exception(
            api,
            "NoSuchEntity",
            &format!("The role with name {name} cannot be found."),
        );
    };
    if op == "get-role" {
        return Outcome::Print(pretty(&json!({ "Role": get_role(iam, role) })));
    }
    let policy = args.one("--policy-name").unwrap_or_default();
    if policy != role.policy_name() || role.statements.is_empty() {
        return exception(
            api,
            "NoSuchEntity",
            &format!("The role policy with name {policy} cannot be found."),
        );
    }
    Outcome::Print(pretty(&json!({
        "RoleName": role.name,
        "PolicyName": policy,
        "PolicyDocument": {
            "Version": "2012-10-17",
            "Statement": role.statements.iter().map(|s| json!({
                "Effect": if s.deny { "Deny" } else { "Allow" },
                "Action": one_or_list(&s.actions),
                "Resource": one_or_list(&s.resources),
            })).collect::<Vec<_>>(),
        },
    })))
}

fn one_or_list(v: &[String]) -> Value {
    match v {
        [one] => json!(one),
        many => json!(many),
    }
}

/// `list-open-id-connect-providers` (IAM API Reference, ListOpenIDConnectProviders): the
/// cluster's OIDC issuer when the scenario registered it as an identity provider
/// (`iam.oidc_provider`), which IRSA needs before STS accepts a pod's token (EKS User Guide,
/// "Create an IAM OIDC provider for your cluster"). [model] The account has no other provider.
fn list_oidc_providers(words: &[String], cx: &Context) -> Outcome {
    if let Err(e) = args::parse(words, &[]) {
        return Outcome::Fail(e);
    }
    let providers: Vec<Value> = model(cx)
        .filter(|iam| iam.oidc_provider)
        .map(|iam| {
            json!({"Arn": format!(
                "arn:aws:iam::{}:oidc-provider/{}",
                iam.account_id,
                iam.oidc_issuer.trim_start_matches("https://")
            )})
        })
        .into_iter()
        .collect();
    Outcome::Print(pretty(&json!({ "OpenIDConnectProviderList": providers })))
}

/// `aws ec2 modify-instance-metadata-options --instance-id i-… [--http-put-response-hop-limit
/// N] [--http-tokens required|optional]`. Orca keeps one set of options for the cluster's
/// instances, so the change applies to all of them (Orca model).
pub(super) fn modify_instance_metadata_options(words: &[String], cx: &Context) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--instance-id").required(),
            Param::int("--http-put-response-hop-limit"),
            Param::text("--http-tokens"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let op = "ModifyInstanceMetadataOptions";
    let id = args.one("--instance-id").unwrap_or_default();
    let known = cx
        .world
        .ecs
        .as_ref()
        .is_some_and(|e| e.instances.iter().any(|i| i.ec2_instance_id == id))
        || cx.world.eks.as_ref().is_some_and(|k| {
            k.nodes
                .iter()
                .any(|n| !n.fargate && crate::iam::eks_calls::node_instance_id(&n.name) == id)
        });
    if !known {
        return exception(
            op,
            "InvalidInstanceID.NotFound",
            &format!("The instance ID '{id}' does not exist"),
        );
    }
    let Some(iam) = model(cx) else {
        return Outcome::Fail(
            "Orca models instance metadata only in scenarios with an iam section.\n".into(),
        );
    };
    let hop_limit = match args.one("--http-put-response-hop-limit") {
        None => None,
        Some(h) => match h.parse::<u8>() {
            Ok(n) if (1..=64).contains(&n) => Some(n),
            _ => {
                return exception(
                    op,
                    "InvalidParameterValue",
                    &format!(
                        "The HttpPutResponseHopLimit value '{h}' is not valid. Specify a value from 1 to 64."
                    ),
                );
            }
        },
    };
    let http_tokens = match args.one("--http-tokens") {
        None => None,
        Some("required") => Some(HttpTokens::Required),
        Some("optional") => Some(HttpTokens::Optional),
        Some(other) => {
            return Outcome::Fail(format!(
                "\nInvalid value '{other}' for parameter --http-tokens: valid values are optional, required\n"
            ));
        }
    };
    if hop_limit.is_none() && http_tokens.is_none() {
        return exception(
            op,
            "InvalidParameterCombination",
            "No parameter changes were specified.",
        );
    }
    let tokens = http_tokens.unwrap_or(iam.imds.options.http_tokens);
    let reply = pretty(&json!({
        "InstanceId": id,
        "InstanceMetadataOptions": {
            "State": "pending",
            "HttpTokens": if tokens == HttpTokens::Required { "required" } else { "optional" },
            "HttpPutResponseHopLimit": hop_limit.unwrap_or(iam.imds.options.hop_limit),
            "HttpEndpoint": "enabled",
            "HttpProtocolIpv6": "disabled",
            "InstanceMetadataTags": "disabled",
        },
    }));
    Outcome::Act {
        actions: vec![Action::ModifyInstanceMetadataOptions {
            hop_limit,
            http_tokens,
        }],
        after: After::Text(reply),
    }
}
