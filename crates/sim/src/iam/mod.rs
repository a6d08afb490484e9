//! IAM for containers: roles and their policies, which credentials a task's or pod's SDK
//! finds, and whether each AWS call the modelled application makes is allowed.
//!
//! `policy.rs` (Allow/Deny evaluation), `chain.rs` (the SDK's credential chain and instance
//! metadata reachability), `web_identity.rs` (IRSA's `AssumeRoleWithWebIdentity` and Pod
//! Identity), `execution.rs` (the task execution role at task start), `ecs_calls.rs` and
//! `eks_calls.rs` (the application's calls, as controllers), `read.rs` (what the inspector
//! shows), `messages.rs` (the wording). Rules in docs/rules/iam.md.

pub mod actions;
pub mod chain;
pub mod ecs_calls;
pub mod eks_calls;
pub mod execution;
pub mod messages;
pub mod policy;
pub mod policy_document;
pub mod read;
pub mod web_identity;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::scenario::spec::{Effect, IamSpec, TrustSpec};
use crate::time::{Millis, SimTime};
use chain::{ChainStep, ImdsSettings};
use policy::Decision;

/// A role as IAM holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    pub name: String,
    pub arn: String,
    pub trust: Trust,
    pub statements: Vec<Statement>,
}

impl Role {
    /// The name of the role's one inline policy in Orca: `<role>-policy` (its statements).
    pub fn policy_name(&self) -> String {
        format!("{}-policy", self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Trust {
    EcsTasks,
    Ec2,
    PodsEks,
    WebIdentity {
        sub: String,
        aud: String,
        string_like: bool,
    },
}

impl Trust {
    /// The trust policy's principal, as `aws iam get-role` shows it.
    pub fn principal(&self) -> &'static str {
        match self {
            Trust::EcsTasks => "ecs-tasks.amazonaws.com",
            Trust::Ec2 => "ec2.amazonaws.com",
            Trust::PodsEks => "pods.eks.amazonaws.com",
            Trust::WebIdentity { .. } => "oidc-provider",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub deny: bool,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// The calls one application makes (a task definition family's tasks or a Deployment's pods).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppCalls {
    pub target: String,
    pub service_account: String,
    pub calls: Vec<AwsCall>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwsCall {
    pub action: String,
    pub resource: String,
    pub every: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceAccount {
    pub namespace: String,
    pub name: String,
    /// `eks.amazonaws.com/role-arn`.
    pub role_arn: Option<String>,
    /// When it was created: the start of the run for the scenario's own (and those an
    /// annotation names [model]), the moment of the timeline's CreateServiceAccount otherwise.
    pub created_at: SimTime,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Association {
    pub namespace: String,
    pub service_account: String,
    pub role_arn: String,
    /// `a-` and 17 characters, as EKS names associations.
    pub id: String,
    /// When it was created (the scenario's own associations: when the run starts).
    pub created_at: SimTime,
}

/// What one call did the last time it was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallOutcome {
    /// The chain step that supplied credentials (none: no credentials at all).
    pub step: Option<ChainStep>,
    /// The role whose session made the call.
    pub role_arn: Option<String>,
    pub decision: Option<Decision>,
    pub allowed: bool,
    /// What the SDK returned: `200 OK` or its error.
    pub result: String,
    /// Why these credentials and this decision.
    pub why: String,
}

/// One call of one task or pod: when it is next made, how often it was allowed and denied.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRecord {
    pub next_at: SimTime,
    pub made: u32,
    pub denied: u32,
    pub last: Option<CallOutcome>,
}

/// What the SDK of one pod sees of IRSA and Pod Identity: the webhooks set it when the pod is
/// created, so a later annotation or association needs a new pod.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PodEnv {
    /// `AWS_ROLE_ARN` (IRSA).
    pub aws_role_arn: Option<String>,
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (Pod Identity): the association's role.
    pub pod_identity_role: Option<String>,
}

/// The calls of one task or pod.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Workload {
    /// Index into `Iam::app_calls`.
    pub app: usize,
    pub env: Option<PodEnv>,
    pub calls: Vec<CallRecord>,
}

/// IAM of a scenario's account, and what its applications' calls did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Iam {
    pub account_id: String,
    pub region: String,
    pub roles: Vec<Role>,
    /// Index of the instance profile's role (ECS container instance role, EKS node role).
    pub instance_role: Option<usize>,
    pub imds: ImdsSettings,
    pub app_calls: Vec<AppCalls>,
    /// EKS: the cluster's OIDC issuer URL and whether IAM knows it as a provider.
    pub oidc_issuer: String,
    pub oidc_provider: bool,
    pub service_accounts: Vec<ServiceAccount>,
    pub associations: Vec<Association>,
    /// EKS: the Pod Identity Agent add-on runs on the nodes.
    pub pod_identity_agent: bool,
    /// The cluster's name (Pod Identity session names carry it).
    pub cluster: String,
    /// ECS tasks by task index, EKS pods by name.
    pub tasks: BTreeMap<u32, Workload>,
    pub pods: BTreeMap<String, Workload>,
}

/// A role's ARN in an account.
pub fn role_arn(account_id: &str, name: &str) -> String {
    format!("arn:aws:iam::{account_id}:role/{name}")
}

/// The id of the Pod Identity association of `namespace/sa`: `a-` and 17 characters, as EKS
/// names them; Orca derives them from the names.
pub fn association_id(namespace: &str, sa: &str) -> String {
    let key = format!("{namespace}/{sa}");
    let digits = format!("{:016x}{:016x}", fnv(&key), fnv(&format!("{key}#")));
    format!("a-{}", &digits[..17])
}

/// A stable 64-bit FNV-1a hash, for identifiers Orca derives from names (not from the seeded
/// streams, so scenarios without IAM draw exactly what they drew before).
pub use crate::hash::fnv;

impl Iam {
    /// The model of `spec`, or none when the scenario says nothing about IAM.
    pub fn build(spec: &IamSpec, cluster: &str, region: &str, account_id: &str) -> Option<Iam> {
        if spec.is_empty() {
            return None;
        }
        let roles: Vec<Role> = spec
            .roles
            .iter()
            .map(|r| Role {
                name: r.name.clone(),
                arn: role_arn(account_id, &r.name),
                trust: match &r.trust {
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
                },
                statements: r
                    .statements
                    .iter()
                    .map(|s| Statement {
                        deny: s.effect == Effect::Deny,
                        actions: s.actions.clone(),
                        resources: s.resources.clone(),
                    })
                    .collect(),
            })
            .collect();
        let instance_role = spec
            .instance_role
            .as_ref()
            .and_then(|n| roles.iter().position(|r| &r.name == n));
        let mut iam = Iam {
            account_id: account_id.to_string(),
            region: region.to_string(),
            roles,
            instance_role,
            imds: ImdsSettings {
                options: spec.instance_metadata,
                ecs_awsvpc_block_imds: spec.ecs_awsvpc_block_imds,
                iptables_block_imds: spec.iptables_block_imds,
            },
            app_calls: spec
                .app_calls
                .iter()
                .map(|a| AppCalls {
                    target: a.target.clone(),
                    service_account: a.service_account.clone().unwrap_or("default".into()),
                    calls: a
                        .calls
                        .iter()
                        .map(|c| AwsCall {
                            action: c.action.clone(),
                            resource: c.resource.clone(),
                            every: Millis::from_secs_f64(c.every_seconds),
                        })
                        .collect(),
                })
                .collect(),
            oidc_issuer: crate::eks_endpoint::oidc_issuer(cluster, region),
            oidc_provider: spec.oidc_provider,
            service_accounts: spec
                .service_accounts
                .iter()
                .map(|s| ServiceAccount {
                    namespace: s.namespace.clone(),
                    name: s.name.clone(),
                    role_arn: s.role_arn.clone(),
                    created_at: SimTime::ZERO,
                })
                .collect(),
            associations: Vec::new(),
            pod_identity_agent: false,
            cluster: cluster.to_string(),
            tasks: BTreeMap::new(),
            pods: BTreeMap::new(),
        };
        for a in &spec.pod_identity_associations {
            iam.associate(&a.namespace, &a.service_account, &a.role_arn, SimTime::ZERO);
        }
        Some(iam)
    }

    pub fn role_by_arn(&self, arn: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.arn == arn)
    }

    pub fn role_by_name(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    pub fn instance_role_arn(&self) -> Option<String> {
        self.instance_role.map(|i| self.roles[i].arn.clone())
    }

    /// The application whose calls a task definition family or Deployment makes.
    pub fn app_for(&self, target: &str) -> Option<usize> {
        self.app_calls.iter().position(|a| a.target == target)
    }

    pub fn service_account(&self, namespace: &str, name: &str) -> Option<&ServiceAccount> {
        self.service_accounts
            .iter()
            .find(|s| s.namespace == namespace && s.name == name)
    }

    pub fn association(&self, namespace: &str, sa: &str) -> Option<&Association> {
        self.associations
            .iter()
            .find(|a| a.namespace == namespace && a.service_account == sa)
    }

    /// `aws eks delete-pod-identity-association`: the association of `namespace/sa` goes, and
    /// its id is returned (`None` when there is none: nothing changes). The webhook then injects
    /// nothing into the account's new pods; pods already running keep what they were given.
    pub fn disassociate(&mut self, namespace: &str, sa: &str) -> Option<String> {
        let at = self
            .associations
            .iter()
            .position(|a| a.namespace == namespace && a.service_account == sa)?;
        Some(self.associations.remove(at).id)
    }

    /// `aws eks create-pod-identity-association` (one per service account: a second replaces
    /// nothing and is refused by the console before it gets here).
    pub fn associate(&mut self, namespace: &str, sa: &str, role_arn: &str, now: SimTime) {
        if self.association(namespace, sa).is_some() {
            return;
        }
        let id = association_id(namespace, sa);
        self.associations.push(Association {
            namespace: namespace.to_string(),
            service_account: sa.to_string(),
            role_arn: role_arn.to_string(),
            id,
            created_at: now,
        });
    }

    /// Fresh call records for an application's calls, the first due at `now`.
    pub fn records(&self, app: usize, now: SimTime) -> Vec<CallRecord> {
        self.app_calls[app]
            .calls
            .iter()
            .map(|_| CallRecord {
                next_at: now,
                made: 0,
                denied: 0,
                last: None,
            })
            .collect()
    }
}

/// Decide one call with the credentials the chain found, and say why. `session` names the
/// role session (the task id, the instance id, ...).
pub fn decide(
    iam: &Iam,
    found: Result<chain::Found, String>,
    session: &str,
    call: &AwsCall,
) -> CallOutcome {
    let found = match found {
        Ok(f) => f,
        Err(why) => {
            return CallOutcome {
                step: None,
                role_arn: None,
                decision: None,
                allowed: false,
                result: messages::NO_CREDENTIALS.into(),
                why,
            };
        }
    };
    let Some(role) = iam.role_by_arn(&found.role_arn) else {
        // Validation names every role a task, association or instance profile refers to;
        // an annotation's role ARN may name none, which STS refuses before any call.
        return CallOutcome {
            step: Some(found.step),
            role_arn: Some(found.role_arn),
            decision: None,
            allowed: false,
            result: messages::web_identity_access_denied(),
            why: format!("{} The role does not exist in the account.", found.why),
        };
    };
    let decision = policy::evaluate(role, &call.action, &call.resource);
    let principal = messages::assumed_role_arn(&iam.account_id, &role.name, session);
    let verdict = match decision {
        Decision::Allowed { statement } => format!(
            "Statement {} of {} allows {} on {}.",
            statement + 1,
            role.name,
            call.action,
            call.resource
        ),
        Decision::ExplicitDeny { statement } => format!(
            "Statement {} of {} denies {} explicitly; an explicit Deny wins over any Allow.",
            statement + 1,
            role.name,
            call.action
        ),
        Decision::ImplicitDeny => format!(
            "No statement of {} allows {} on {}: implicitly denied.",
            role.name, call.action, call.resource
        ),
    };
    CallOutcome {
        step: Some(found.step),
        role_arn: Some(role.arn.clone()),
        decision: Some(decision),
        allowed: decision.allowed(),
        result: if decision.allowed() {
            "200 OK".into()
        } else {
            messages::sdk_access_denied(&principal, &call.action, &call.resource, decision)
        },
        why: format!("{} {verdict}", found.why),
    }
}

/// The line the log shows for a call: Orca's own wording for a success, the SDK's error
/// (after the action it failed) for a failure.
pub fn log_line(call: &AwsCall, o: &CallOutcome) -> String {
    if o.allowed {
        format!(
            "{} {} → 200 OK as {} ({})",
            call.action,
            call.resource,
            o.role_arn.as_deref().unwrap_or(""),
            o.step.map_or("", |s| s.name())
        )
    } else {
        format!("{} failed: {}", call.action, o.result)
    }
}

/// Whether an outcome differs from the last one in what the log reports (credentials or
/// verdict), so a call repeated every few seconds is logged when it changes, not each time.
pub fn changed(last: Option<&CallOutcome>, new: &CallOutcome) -> bool {
    last.is_none_or(|l| {
        l.allowed != new.allowed
            || l.role_arn != new.role_arn
            || l.step != new.step
            || l.result != new.result
    })
}
