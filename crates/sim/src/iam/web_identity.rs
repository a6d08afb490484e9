//! EKS: what the Pod Identity webhook puts in a new pod, and whether STS accepts a pod's
//! service account token for the role its annotation names (IRSA).
//!
//! Amazon EKS User Guide, "IAM roles for service accounts" and "EKS Pod Identity"; the
//! webhook's README <https://github.com/aws/amazon-eks-pod-identity-webhook>; Knowledge Center
//! "eks-troubleshoot-irsa-errors".

use super::{Iam, PodEnv, Trust, messages, policy::wildcard_match};

/// The `sub` claim of a service account's projected token.
pub fn subject(namespace: &str, service_account: &str) -> String {
    format!("system:serviceaccount:{namespace}:{service_account}")
}

/// What the webhooks inject into a pod created now with this service account: IRSA's
/// `AWS_ROLE_ARN` when the service account has the `eks.amazonaws.com/role-arn` annotation,
/// Pod Identity's container credentials URI when an association names it and the agent runs.
pub fn pod_env(iam: &Iam, namespace: &str, sa: &str, agent: bool) -> PodEnv {
    PodEnv {
        aws_role_arn: iam
            .service_account(namespace, sa)
            .and_then(|s| s.role_arn.clone()),
        pod_identity_role: iam
            .association(namespace, sa)
            .filter(|_| agent)
            .map(|a| a.role_arn.clone()),
    }
}

/// `sts:AssumeRoleWithWebIdentity` with the token of `namespace/sa` for `role_arn`: `Ok` or the
/// error the SDK raises. Checked in STS's order: the ARN's form, the OIDC provider, then the
/// role's trust policy (provider, `aud`, `sub`).
pub fn assume(
    iam: &Iam,
    role_arn: &str,
    namespace: &str,
    sa: &str,
) -> Result<(), (String, String)> {
    let well_formed = role_arn
        .strip_prefix("arn:aws:iam::")
        .and_then(|r| r.split_once(":role/"))
        .is_some_and(|(acct, name)| {
            acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty()
        });
    if !well_formed {
        return Err((
            messages::invalid_role_arn(),
            format!("The annotation's value {role_arn} is not a role ARN."),
        ));
    }
    if !iam.oidc_provider {
        return Err((
            messages::no_oidc_provider(&iam.oidc_issuer),
            "The cluster's OIDC issuer is not registered as an IAM OIDC identity provider, so STS cannot check the token.".into(),
        ));
    }
    let denied = |why: String| Err((messages::web_identity_access_denied(), why));
    let Some(role) = iam.role_by_arn(role_arn) else {
        return denied(format!("No role {role_arn} in the account."));
    };
    let Trust::WebIdentity {
        sub: want_sub,
        aud,
        string_like,
    } = &role.trust
    else {
        return denied(format!(
            "{} trusts {}, not the cluster's OIDC provider.",
            role.name,
            role.trust.principal()
        ));
    };
    if aud != "sts.amazonaws.com" {
        return denied(format!(
            "The trust policy wants aud {aud}; the token's audience is sts.amazonaws.com."
        ));
    }
    let sub = subject(namespace, sa);
    let ok = if *string_like {
        wildcard_match(want_sub, &sub, false)
    } else {
        want_sub == &sub
    };
    if !ok {
        return denied(format!(
            "The trust policy's {} sub is {want_sub}; the token's sub is {sub}.",
            if *string_like {
                "StringLike"
            } else {
                "StringEquals"
            }
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::spec::{IamSpec, RoleSpec, ServiceAccountSpec, TrustSpec};

    fn iam(sub: &str, string_like: bool, provider: bool) -> Iam {
        let spec = IamSpec {
            roles: vec![RoleSpec {
                name: "s3-reader".into(),
                trust: TrustSpec::WebIdentity {
                    sub: sub.into(),
                    aud: "sts.amazonaws.com".into(),
                    string_like,
                },
                statements: vec![],
            }],
            oidc_provider: provider,
            service_accounts: vec![ServiceAccountSpec {
                name: "reader".into(),
                namespace: "default".into(),
                role_arn: Some("arn:aws:iam::111122223333:role/s3-reader".into()),
            }],
            ..IamSpec::default()
        };
        Iam::build(&spec, "prod", "us-east-1", "111122223333").unwrap()
    }

    const ROLE: &str = "arn:aws:iam::111122223333:role/s3-reader";

    #[test]
    fn the_trust_policy_must_name_the_service_accounts_subject() {
        let good = iam("system:serviceaccount:default:reader", false, true);
        assert_eq!(assume(&good, ROLE, "default", "reader"), Ok(()));
        let err = assume(&good, ROLE, "default", "writer").unwrap_err();
        assert_eq!(
            err.0,
            "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity"
        );
        // StringLike with a namespace wildcard, as the user guide shows.
        let ns = iam("system:serviceaccount:default:*", true, true);
        assert_eq!(assume(&ns, ROLE, "default", "writer"), Ok(()));
        assert!(assume(&ns, ROLE, "other", "writer").is_err());
        // StringEquals does not expand wildcards.
        let literal = iam("system:serviceaccount:default:*", false, true);
        assert!(assume(&literal, ROLE, "default", "reader").is_err());
    }

    #[test]
    fn no_oidc_provider_and_a_malformed_arn() {
        let i = iam("system:serviceaccount:default:reader", false, false);
        let (msg, _) = assume(&i, ROLE, "default", "reader").unwrap_err();
        assert!(msg.starts_with("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: No OpenIDConnect provider found in your account for https://oidc.eks.us-east-1.amazonaws.com/id/"));
        let (msg, _) = assume(&i, "s3-reader", "default", "reader").unwrap_err();
        assert!(msg.ends_with("(ValidationError) when calling the AssumeRoleWithWebIdentity operation: Request ARN is invalid"));
    }

    #[test]
    fn the_webhook_injects_from_the_annotation_and_the_association() {
        let mut i = iam("system:serviceaccount:default:reader", false, true);
        let env = pod_env(&i, "default", "reader", true);
        assert_eq!(env.aws_role_arn.as_deref(), Some(ROLE));
        assert_eq!(env.pod_identity_role, None);
        i.associate(
            "default",
            "app",
            "arn:aws:iam::111122223333:role/app",
            crate::time::SimTime::ZERO,
        );
        assert!(
            pod_env(&i, "default", "app", true)
                .pod_identity_role
                .is_some()
        );
        // Without the agent add-on the association gives the pod nothing.
        assert!(
            pod_env(&i, "default", "app", false)
                .pod_identity_role
                .is_none()
        );
    }
}
