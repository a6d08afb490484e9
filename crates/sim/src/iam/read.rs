//! What the inspector shows about a task's or pod's identity: the roles it could use, whether
//! instance metadata answers it, and each of its application's calls with the role that
//! answered, the chain step that supplied the credentials and why, and the verdict.

use serde::Serialize;

use super::chain::{self, ChainStep, Runs};
use super::{CallRecord, Iam, Workload};
use crate::ecs::Host;
use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::TaskIdx;
use crate::k8s::cluster::EksCluster;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IdentityView {
    /// `task role`, `execution role`, `instance role`, `AWS_ROLE_ARN (IRSA)`, `Pod Identity
    /// association`, `node role` — each with the role ARN or `none`.
    pub roles: Vec<(String, String)>,
    /// Whether instance metadata answers this task or pod, and why.
    pub imds_reachable: bool,
    pub imds_why: String,
    /// The credentials the SDK finds now, in the chain's order.
    pub answer: Answer,
    /// The instance or node the task or pod runs on (none on Fargate or before placement).
    pub host: Option<String>,
    pub calls: Vec<CallView>,
}

/// Where a container's credentials come from: the path the canvas draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CredentialSource {
    /// An ECS task role, from the agent's credentials endpoint (chain step 11).
    TaskRole,
    /// IRSA: the projected service account token exchanged with STS (chain step 3).
    WebIdentity,
    /// EKS Pod Identity: the agent on the node (chain step 11).
    PodIdentity,
    /// The instance (or node) role from instance metadata (chain step 12): every container
    /// on the host that reaches metadata gets the same role.
    InstanceMetadata,
}

impl CredentialSource {
    /// The endpoint the SDK asks, with the address AWS documents for it.
    pub fn endpoint(self) -> &'static str {
        match self {
            // Amazon ECS Developer Guide, "Task IAM role": the agent serves credentials at
            // 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.
            CredentialSource::TaskRole => "ECS agent credentials endpoint 169.254.170.2",
            // Amazon EKS User Guide, "IAM roles for service accounts": the SDK reads the token
            // file and calls sts:AssumeRoleWithWebIdentity itself.
            CredentialSource::WebIdentity => "STS AssumeRoleWithWebIdentity (projected token)",
            // Amazon EKS User Guide, "Pod Identity": the agent listens on 169.254.170.23.
            CredentialSource::PodIdentity => "EKS Pod Identity Agent 169.254.170.23",
            CredentialSource::InstanceMetadata => "instance metadata 169.254.169.254",
        }
    }

    /// Whether the endpoint runs on the instance or node (not a regional service).
    pub fn on_host(self) -> bool {
        self != CredentialSource::WebIdentity
    }

    /// The role's kind as the path names it.
    pub fn role_kind(self, eks: bool) -> &'static str {
        match (self, eks) {
            (CredentialSource::TaskRole, _) => "task role",
            (CredentialSource::WebIdentity, _) => "IRSA role",
            (CredentialSource::PodIdentity, _) => "Pod Identity role",
            (CredentialSource::InstanceMetadata, false) => "instance role",
            (CredentialSource::InstanceMetadata, true) => "node role",
        }
    }
}

/// What the SDK's chain finds now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// None: no provider had credentials ("Unable to locate credentials").
    pub source: Option<CredentialSource>,
    pub role_arn: Option<String>,
    /// Why this provider answered (and the earlier ones did not), or why none did.
    pub why: String,
    /// IRSA: the error STS gave the token, which the SDK raises (it does not fall through).
    pub refused: Option<String>,
}

impl Answer {
    fn of(found: Result<chain::Found, String>, eks: bool, refused: Option<String>) -> Answer {
        match found {
            Ok(f) => Answer {
                source: Some(match (f.step, eks) {
                    (ChainStep::WebIdentity, _) => CredentialSource::WebIdentity,
                    (ChainStep::ContainerProvider, false) => CredentialSource::TaskRole,
                    (ChainStep::ContainerProvider, true) => CredentialSource::PodIdentity,
                    (ChainStep::InstanceMetadata, _) => CredentialSource::InstanceMetadata,
                }),
                role_arn: Some(f.role_arn),
                why: f.why,
                refused,
            },
            Err(why) => Answer {
                source: None,
                role_arn: None,
                why,
                refused,
            },
        }
    }

    /// The role's name (the part of its ARN after `role/`).
    pub fn role_name(&self) -> Option<&str> {
        self.role_arn
            .as_deref()
            .map(|a| a.rsplit_once(":role/").map_or(a, |(_, n)| n))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallView {
    pub action: String,
    pub resource: String,
    pub every_seconds: f64,
    pub made: u32,
    pub denied: u32,
    /// The last call: allowed, by which role, through which chain step, the SDK's result.
    pub allowed: Option<bool>,
    pub role_arn: Option<String>,
    /// `12 instance metadata (169.254.169.254)`.
    pub chain_step: Option<String>,
    pub result: Option<String>,
    pub why: Option<String>,
}

fn calls(iam: &Iam, w: &Workload) -> Vec<CallView> {
    let app = &iam.app_calls[w.app];
    app.calls
        .iter()
        .zip(&w.calls)
        .map(|(c, r): (_, &CallRecord)| CallView {
            action: c.action.clone(),
            resource: c.resource.clone(),
            every_seconds: c.every.0 as f64 / 1000.0,
            made: r.made,
            denied: r.denied,
            allowed: r.last.as_ref().map(|o| o.allowed),
            role_arn: r.last.as_ref().and_then(|o| o.role_arn.clone()),
            chain_step: r
                .last
                .as_ref()
                .and_then(|o| o.step)
                .map(|s| format!("{} {}", s.number(), s.name())),
            result: r.last.as_ref().map(|o| o.result.clone()),
            why: r.last.as_ref().map(|o| o.why.clone()),
        })
        .collect()
}

fn or_none(v: Option<String>) -> String {
    v.unwrap_or_else(|| "none".into())
}

/// A task's identity, when the scenario models IAM.
pub fn task_identity(c: &EcsCluster, idx: TaskIdx) -> Option<IdentityView> {
    let iam = c.iam.as_ref()?;
    let t = c.task(idx);
    let td = c.task_definition(t.task_definition);
    let runs = match t.host {
        Host::Instance(_) | Host::AwaitingCapacity => Runs::EcsEc2(td.network_mode),
        Host::Fargate => Runs::Fargate,
    };
    let imds = chain::imds_reachable(runs, &iam.imds);
    // A `RunTask` override replaces the definition's role for this task; the inspector says so.
    let role = |given: Option<&str>, from_def: &Option<String>| match given {
        Some(r) if from_def.as_deref() != Some(r) => format!("{r} (RunTask override)"),
        _ => or_none(from_def.clone()),
    };
    let mut roles = vec![
        (
            "task role".to_string(),
            role(t.task_role_arn(td), &td.task_role_arn),
        ),
        (
            "execution role".to_string(),
            role(t.execution_role_arn(td), &td.execution_role_arn),
        ),
    ];
    if runs != Runs::Fargate {
        roles.push(("instance role".into(), or_none(iam.instance_role_arn())));
    }
    let answer =
        super::ecs_calls::credentials(c, idx).map(|(found, _)| Answer::of(found, false, None))?;
    let host = match t.host {
        Host::Instance(i) => Some(c.instance(i).name.clone()),
        _ => None,
    };
    Some(IdentityView {
        roles,
        imds_reachable: imds.is_ok(),
        imds_why: imds.unwrap_or_else(|e| e),
        answer,
        host,
        calls: iam
            .tasks
            .get(&idx.0)
            .map(|w| calls(iam, w))
            .unwrap_or_default(),
    })
}

/// A pod's identity, when the scenario models IAM and the pod's Deployment makes calls.
pub fn pod_identity(c: &EksCluster, pod: usize) -> Option<IdentityView> {
    let iam = c.iam.as_ref()?;
    let p = c.pods.get(pod)?;
    let w = iam.pods.get(&p.name)?;
    let env = w.env.clone()?;
    let fargate = p.node.is_some_and(|n| c.nodes[n].fargate);
    let runs = if fargate {
        Runs::Fargate
    } else {
        Runs::EksEc2Pod
    };
    let imds = chain::imds_reachable(runs, &iam.imds);
    let sa = &iam.app_calls[w.app].service_account;
    let mut roles = vec![
        (
            "service account".to_string(),
            format!("{}/{sa}", c.namespace),
        ),
        (
            "AWS_ROLE_ARN (IRSA)".to_string(),
            or_none(env.aws_role_arn.clone()),
        ),
        (
            "Pod Identity association".to_string(),
            or_none(env.pod_identity_role.clone()),
        ),
    ];
    if !fargate {
        roles.push(("node role".into(), or_none(iam.instance_role_arn())));
    }
    let (found, _, refused) = super::eks_calls::credentials(c, iam, pod, &env, sa);
    let answer = Answer::of(found, true, refused.map(|(error, _)| error));
    Some(IdentityView {
        roles,
        imds_reachable: imds.is_ok(),
        imds_why: imds.unwrap_or_else(|e| e),
        answer,
        host: p.node.filter(|_| !fargate).map(|n| c.nodes[n].name.clone()),
        calls: calls(iam, w),
    })
}
