//! IAM changes from the timeline and the console: instance metadata options, a role's policy
//! or trust, a service account's annotation, a Pod Identity association. Each takes effect
//! where the real one does: metadata options and policies at the next call, an annotation or
//! association only in pods created afterwards (the webhook mutates pods at creation).

use super::{Iam, Statement, Trust};
use crate::scenario::spec::{Action, Effect, TrustSpec};
use crate::time::SimTime;

/// Apply `action` to the account's IAM; the command line it stands for, or none if it is not
/// an IAM action.
pub fn apply(iam: &mut Iam, action: &Action, now: SimTime) -> Option<String> {
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
        Action::PutRolePolicy {
            role,
            statements,
            document,
        } => {
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
                "aws iam put-role-policy --role-name {role} --policy-name {role}-policy --policy-document {}",
                document_argument(document.as_deref(), "file://policy.json")
            ))
        }
        Action::UpdateAssumeRolePolicy {
            role,
            trust,
            document,
        } => {
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
                "aws iam update-assume-role-policy --role-name {role} --policy-document {}",
                document_argument(document.as_deref(), "file://trust.json")
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
                    created_at: SimTime::ZERO,
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
        Action::CreateServiceAccount { service_account } => {
            if !iam
                .service_accounts
                .iter()
                .any(|s| s.namespace == "default" && &s.name == service_account)
            {
                iam.service_accounts.push(super::ServiceAccount {
                    namespace: "default".into(),
                    name: service_account.clone(),
                    role_arn: None,
                    created_at: now,
                });
            }
            Some(format!("kubectl create serviceaccount {service_account}"))
        }
        Action::CreatePodIdentityAssociation {
            service_account,
            role_arn,
        } => {
            iam.associate("default", service_account, role_arn, now);
            Some(format!(
                "aws eks create-pod-identity-association --cluster-name {} --namespace default --service-account {service_account} --role-arn {role_arn}",
                iam.cluster
            ))
        }
        Action::DeletePodIdentityAssociation {
            service_account,
            namespace,
        } => {
            let id = iam.disassociate(namespace, service_account)?;
            Some(format!(
                "aws eks delete-pod-identity-association --cluster-name {} --association-id {id}",
                iam.cluster
            ))
        }
        _ => None,
    }
}

/// A `--policy-document` argument as a shell line shows it: as typed (`file://…`), JSON in
/// single quotes (as it would have been typed; a quote inside is written `'\''`), or `default`
/// when the action does not say.
fn document_argument(document: Option<&str>, default: &str) -> String {
    match document {
        None => default.to_string(),
        Some(d) if d.starts_with("file://") || d.starts_with("fileb://") => d.to_string(),
        Some(d) => format!("'{}'", d.replace('\'', "'\\''")),
    }
}

/// The parts of a world an IAM action changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub ecs: bool,
    pub eks: bool,
}

/// Where an IAM action goes in a world whose ECS and EKS parts may each model IAM (`ecs`,
/// `eks`: the role names of a part that has an `iam` section). Service accounts and Pod
/// Identity associations are EKS objects; a role's policy or trust changes in every part that
/// declares the role (a side-by-side world is one account, so a role both declare is one
/// role); instance metadata options change on every part's instances and nodes. `Err` says
/// why no part can take it.
pub fn route(action: &Action, ecs: Option<&[&str]>, eks: Option<&[&str]>) -> Result<Parts, String> {
    let parts = match action {
        Action::AnnotateServiceAccount { .. }
        | Action::CreateServiceAccount { .. }
        | Action::CreatePodIdentityAssociation { .. }
        | Action::DeletePodIdentityAssociation { .. } => {
            if eks.is_none() {
                return Err(
                    "this action changes EKS IAM, but the eks part has no iam section; add iam under eks"
                        .into(),
                );
            }
            Parts {
                ecs: false,
                eks: true,
            }
        }
        Action::PutRolePolicy { role, .. } | Action::UpdateAssumeRolePolicy { role, .. } => {
            let has = |part: Option<&[&str]>| part.is_some_and(|r| r.contains(&role.as_str()));
            let parts = Parts {
                ecs: has(ecs),
                eks: has(eks),
            };
            if !(parts.ecs || parts.eks) {
                let mut names: Vec<&str> = ecs.into_iter().chain(eks).flatten().copied().collect();
                names.sort_unstable();
                names.dedup();
                return Err(format!(
                    "role \"{role}\" is not defined in either part's iam; valid: {}",
                    if names.is_empty() {
                        "none (no part declares a role)".to_string()
                    } else {
                        names.join(", ")
                    }
                ));
            }
            parts
        }
        _ => Parts {
            ecs: ecs.is_some(),
            eks: eks.is_some(),
        },
    };
    if parts.ecs || parts.eks {
        Ok(parts)
    } else {
        Err(
            "this action changes IAM, but the world has no iam section; add iam with its roles"
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn put(role: &str) -> Action {
        Action::PutRolePolicy {
            role: role.into(),
            statements: Vec::new(),
            document: None,
        }
    }

    /// The log's command line shows the document as it was given: a file as typed, JSON in
    /// single quotes (with a quote inside closed, escaped and reopened), or the scenario's
    /// stand-in.
    #[test]
    fn the_document_argument_is_shown_as_typed() {
        assert_eq!(
            document_argument(None, "file://policy.json"),
            "file://policy.json"
        );
        assert_eq!(
            document_argument(Some("file://web.json"), "file://policy.json"),
            "file://web.json"
        );
        assert_eq!(
            document_argument(Some(r#"{"Sid":"it's"}"#), "file://policy.json"),
            r#"'{"Sid":"it'\''s"}'"#
        );
    }

    #[test]
    fn a_side_by_side_world_routes_each_action_to_the_part_it_names() {
        let ecs: &[&str] = &["ecsInstanceRole", "orders-task-role", "shared"];
        let eks: &[&str] = &["eksNodeRole", "ledger-irsa", "shared"];
        let route2 = |a: &Action| route(a, Some(ecs), Some(eks));
        assert_eq!(
            route2(&put("ledger-irsa")),
            Ok(Parts {
                ecs: false,
                eks: true
            })
        );
        assert_eq!(
            route2(&put("orders-task-role")),
            Ok(Parts {
                ecs: true,
                eks: false
            })
        );
        // One account: a role both parts declare is the same role.
        assert_eq!(
            route2(&put("shared")),
            Ok(Parts {
                ecs: true,
                eks: true
            })
        );
        let err = route2(&put("nope")).unwrap_err();
        assert!(err.contains("eksNodeRole, ecsInstanceRole") || err.contains("ecsInstanceRole"));
        let annotate = Action::AnnotateServiceAccount {
            service_account: "ledger".into(),
            role_arn: None,
        };
        assert_eq!(
            route2(&annotate),
            Ok(Parts {
                ecs: false,
                eks: true
            })
        );
        assert!(route(&annotate, Some(ecs), None).is_err());
        let imds = Action::ModifyInstanceMetadataOptions {
            hop_limit: Some(1),
            http_tokens: None,
        };
        assert_eq!(
            route(&imds, Some(ecs), None),
            Ok(Parts {
                ecs: true,
                eks: false
            })
        );
        assert_eq!(
            route2(&imds),
            Ok(Parts {
                ecs: true,
                eks: true
            })
        );
        assert!(route(&imds, None, None).is_err());
    }
}
