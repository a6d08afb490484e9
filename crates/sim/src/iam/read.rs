//! What the inspector shows about a task's or pod's identity: the roles it could use, whether
//! instance metadata answers it, and each of its application's calls with the role that
//! answered, the chain step that supplied the credentials and why, and the verdict.

use serde::Serialize;

use super::chain::{self, Runs};
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
    pub calls: Vec<CallView>,
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
    let mut roles = vec![
        ("task role".to_string(), or_none(td.task_role_arn.clone())),
        (
            "execution role".to_string(),
            or_none(td.execution_role_arn.clone()),
        ),
    ];
    if runs != Runs::Fargate {
        roles.push(("instance role".into(), or_none(iam.instance_role_arn())));
    }
    Some(IdentityView {
        roles,
        imds_reachable: imds.is_ok(),
        imds_why: imds.unwrap_or_else(|e| e),
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
        ("AWS_ROLE_ARN (IRSA)".to_string(), or_none(env.aws_role_arn)),
        (
            "Pod Identity association".to_string(),
            or_none(env.pod_identity_role),
        ),
    ];
    if !fargate {
        roles.push(("node role".into(), or_none(iam.instance_role_arn())));
    }
    Some(IdentityView {
        roles,
        imds_reachable: imds.is_ok(),
        imds_why: imds.unwrap_or_else(|e| e),
        calls: calls(iam, w),
    })
}
