//! IAM changes from the timeline and the console: instance metadata options, a role's policy
//! or trust, a service account's annotation, a Pod Identity association. Each takes effect
//! where the real one does: metadata options and policies at the next call, an annotation or
//! association only in pods created afterwards (the webhook mutates pods at creation).

use super::{Iam, Statement, Trust};
use crate::scenario::spec::{Action, Effect, TrustSpec};

/// Apply `action` to the account's IAM; the command line it stands for, or none if it is not
/// an IAM action.
pub fn apply(iam: &mut Iam, action: &Action) -> Option<String> {
    match action {
        Action::ModifyInstanceMetadataOptions {
            hop_limit,
            http_tokens,
        } => {
            let mut line = "aws ec2 modify-instance-metadata-options".to_string();
            if let Some(h) = hop_limit {
                iam.imds.options.hop_limit = *h;
                line.push_str(&format!(" --http-put-response-hop-limit {h}"));
            }
            if let Some(t) = http_tokens {
                iam.imds.options.http_tokens = *t;
                line.push_str(match t {
                    crate::scenario::spec::HttpTokens::Required => " --http-tokens required",
                    crate::scenario::spec::HttpTokens::Optional => " --http-tokens optional",
                });
            }
            Some(line)
        }
        Action::PutRolePolicy { role, statements } => {
            let r = iam.roles.iter_mut().find(|r| &r.name == role)?;
            r.statements = statements
                .iter()
                .map(|s| Statement {
                    deny: s.effect == Effect::Deny,
                    actions: s.actions.clone(),
                    resources: s.resources.clone(),
                })
                .collect();
            Some(format!(
                "aws iam put-role-policy --role-name {role} --policy-name {role}-policy --policy-document file://policy.json"
            ))
        }
        Action::UpdateAssumeRolePolicy { role, trust } => {
            let r = iam.roles.iter_mut().find(|r| &r.name == role)?;
            r.trust = match trust {
                TrustSpec::EcsTasks => Trust::EcsTasks,
                TrustSpec::Ec2 => Trust::Ec2,
                TrustSpec::PodsEks => Trust::PodsEks,
                TrustSpec::WebIdentity {
                    sub,
                    aud,
                    string_like,
                } => Trust::WebIdentity {
                    sub: sub.clone(),
                    aud: aud.clone(),
                    string_like: *string_like,
                },
            };
            Some(format!(
                "aws iam update-assume-role-policy --role-name {role} --policy-document file://trust.json"
            ))
        }
        Action::AnnotateServiceAccount {
            service_account,
            role_arn,
        } => {
            match iam
                .service_accounts
                .iter_mut()
                .find(|s| s.namespace == "default" && &s.name == service_account)
            {
                Some(sa) => sa.role_arn = role_arn.clone(),
                None => iam.service_accounts.push(super::ServiceAccount {
                    namespace: "default".into(),
                    name: service_account.clone(),
                    role_arn: role_arn.clone(),
                }),
            }
            Some(match role_arn {
                Some(arn) => format!(
                    "kubectl annotate serviceaccount {service_account} eks.amazonaws.com/role-arn={arn} --overwrite"
                ),
                None => format!(
                    "kubectl annotate serviceaccount {service_account} eks.amazonaws.com/role-arn-"
                ),
            })
        }
        Action::CreatePodIdentityAssociation {
            service_account,
            role_arn,
        } => {
            iam.associate("default", service_account, role_arn);
            Some(format!(
                "aws eks create-pod-identity-association --cluster-name {} --namespace default --service-account {service_account} --role-arn {role_arn}",
                iam.cluster
            ))
        }
        _ => None,
    }
}
