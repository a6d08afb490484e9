//! IAM roles as the CLI shows them, shared by the IAM operations (`iam.rs`, `iam_policies.rs`)
//! and by the operations that name a role or instance profile (`sts.rs`, `ec2_instances.rs`,
//! `control_plane_logs.rs`): the account's model, a role in GetRole's shape,
//! and the unique ids IAM gives roles and instance profiles.

use serde_json::{Value, json};

use super::Context;
use crate::iam::{Iam, Role, Trust, fnv};

/// The account's IAM, from whichever cluster the scenario has.
pub(super) fn model<'a>(cx: &'a Context) -> Option<&'a Iam> {
    cx.world
        .ecs
        .as_ref()
        .and_then(|e| e.iam.as_ref())
        .or_else(|| cx.world.eks.as_ref().and_then(|k| k.iam.as_ref()))
}

/// A role's unique id: `AROA` and 17 characters (IAM User Guide, "IAM identifiers", unique
/// ID prefixes), which Orca derives from the role's ARN and name.
pub(super) fn role_id(arn: &str, name: &str) -> String {
    unique_id("AROA", arn, name)
}

/// An instance profile's unique id: `AIPA` and 17 characters, derived as [`role_id`].
pub(super) fn instance_profile_id(arn: &str, name: &str) -> String {
    unique_id("AIPA", arn, name)
}

fn unique_id(prefix: &str, arn: &str, name: &str) -> String {
    let id: String = format!("{:016X}{:016X}", fnv(arn), fnv(name))
        .chars()
        .take(17)
        .collect();
    format!("{prefix}{id}")
}

/// `Role` of GetRole: its trust policy as the document IAM returns (URL-decoded by the CLI).
pub(super) fn get_role(iam: &Iam, role: &Role) -> Value {
    let statement = match &role.trust {
        Trust::WebIdentity {
            sub,
            aud,
            string_like,
        } => {
            let issuer = iam.oidc_issuer.trim_start_matches("https://");
            let op = if *string_like {
                "StringLike"
            } else {
                "StringEquals"
            };
            json!({
                "Effect": "Allow",
                "Principal": {
                    "Federated": format!("arn:aws:iam::{}:oidc-provider/{issuer}", iam.account_id)
                },
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": { op: {
                    format!("{issuer}:sub"): sub,
                    format!("{issuer}:aud"): aud,
                }},
            })
        }
        Trust::PodsEks => json!({
            "Effect": "Allow",
            "Principal": { "Service": "pods.eks.amazonaws.com" },
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }),
        other => json!({
            "Effect": "Allow",
            "Principal": { "Service": other.principal() },
            "Action": "sts:AssumeRole",
        }),
    };
    json!({
        "Path": "/",
        "RoleName": role.name,
        "RoleId": role_id(&role.arn, &role.name),
        "Arn": role.arn,
        "CreateDate": "2025-01-01T00:00:00+00:00",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [statement],
        },
        "MaxSessionDuration": 3600,
        "RoleLastUsed": {},
    })
}
