//! The AWS calls an EKS pod's application makes, one step per second of the cluster (after the
//! kubelet): a pod seen for the first time gets what the webhooks inject at creation (IRSA's
//! `AWS_ROLE_ARN`, Pod Identity's container credentials URI); a running pod makes its due
//! calls with the credentials its SDK's chain finds — web identity (refused by STS if the
//! trust policy does not match), the Pod Identity agent, or the node role from instance
//! metadata when it answers.

use crate::event::{EventKind, Source, Subject};
use crate::k8s::cluster::{ContainerState, EksCluster, EksCtx};
use crate::name::Name;

use super::chain::{self, ChainInput, ChainStep, ContainerSource, Runs};
use super::{CallOutcome, Iam, PodEnv, Workload, changed, decide, fnv, web_identity};

/// The EC2 instance id Orca gives an EKS node on EC2: `i-0` and 16 hex digits derived from its
/// name — the id `kubectl describe node` prints in its `ProviderID`, `aws ec2
/// describe-instances` lists and IMDS names a node role's session after.
pub fn node_instance_id(node: &str) -> String {
    format!("i-0{:016x}", fnv(node))
}

/// The pod's Deployment name, for an application pod.
fn deployment_of(c: &EksCluster, pod: usize) -> Option<&str> {
    let p = &c.pods[pod];
    let d = &c.deployments[c.replica_sets.get(p.replica_set)?.deployment];
    (!d.system).then_some(d.name.as_str())
}

/// The credentials the SDK of pod `pod` finds now, and the role session's name; or the error
/// STS gave the web identity provider.
pub fn credentials(
    c: &EksCluster,
    iam: &Iam,
    pod: usize,
    env: &PodEnv,
    sa: &str,
) -> (
    Result<chain::Found, String>,
    String,
    Option<(String, String)>,
) {
    let p = &c.pods[pod];
    let node = p.node.map(|n| &c.nodes[n]);
    let runs = if node.is_some_and(|n| n.fargate) {
        Runs::Fargate
    } else {
        Runs::EksEc2Pod
    };
    let imds = chain::imds_reachable(runs, &iam.imds).map(|how| (iam.instance_role_arn(), how));
    let input = ChainInput {
        web_identity: env.aws_role_arn.clone(),
        container: env
            .pod_identity_role
            .clone()
            .map(|r| (r, ContainerSource::PodIdentity)),
        imds,
    };
    let found = chain::resolve(&input);
    let mut refused = None;
    let session = match &found {
        Ok(f) if f.step == ChainStep::WebIdentity => {
            if let Err(e) = web_identity::assume(iam, &f.role_arn, &c.namespace, sa) {
                refused = Some(e);
            }
            // The SDK names the session after the clock: the clock the CLIs' timestamps show.
            format!(
                "botocore-session-{}",
                crate::time::START_UNIX_SECS + p.created_at.0 / 1000
            )
        }
        Ok(f) if f.step == ChainStep::ContainerProvider => {
            // Inferred truncation to STS's 64-character session name limit.
            let s = format!("eks-{}-{}-{}", iam.cluster, p.name, p.uid);
            s.chars().take(64).collect()
        }
        _ => node.map(|n| node_instance_id(&n.name)).unwrap_or_default(),
    };
    (found, session, refused)
}

/// One call made: its index, what it did, whether the log shows it.
type Made = (usize, CallOutcome, bool);

/// Give new application pods their webhook environment, and make running pods' due calls.
pub fn reconcile(ctx: &mut EksCtx) {
    let now = ctx.now;
    let Some(iam) = ctx.world.iam.as_ref() else {
        return;
    };
    if iam.app_calls.is_empty() {
        return;
    }
    let c = &*ctx.world;
    let mut new_pods: Vec<(String, Workload)> = Vec::new();
    let mut due: Vec<usize> = Vec::new();
    for (i, p) in c.pods.iter().enumerate() {
        if p.gone {
            continue;
        }
        let Some(dep) = deployment_of(c, i) else {
            continue;
        };
        let Some(app) = iam.app_for(dep) else {
            continue;
        };
        match iam.pods.get(&p.name) {
            None => {
                let sa = &iam.app_calls[app].service_account;
                let env = web_identity::pod_env(iam, &c.namespace, sa, iam.pod_identity_agent);
                new_pods.push((
                    p.name.clone(),
                    Workload {
                        app,
                        env: Some(env),
                        calls: Vec::new(),
                    },
                ));
            }
            Some(w) => {
                let running =
                    matches!(p.state, ContainerState::Running { .. }) && p.deleting_at.is_none();
                if running && (w.calls.is_empty() || w.calls.iter().any(|r| r.next_at <= now)) {
                    due.push(i);
                }
            }
        }
    }
    let mut outcomes: Vec<(usize, Vec<Made>)> = Vec::new();
    for &i in &due {
        let p = &c.pods[i];
        let w = &iam.pods[&p.name];
        let app = &iam.app_calls[w.app];
        let env = w.env.clone().unwrap_or(PodEnv {
            aws_role_arn: None,
            pod_identity_role: None,
        });
        let (found, session, refused) = credentials(c, iam, i, &env, &app.service_account);
        let mut list = Vec::new();
        for (k, call) in app.calls.iter().enumerate() {
            let rec = w.calls.get(k);
            if rec.is_some_and(|r| r.next_at > now) {
                continue;
            }
            let o = match &refused {
                Some((error, why)) => CallOutcome {
                    step: Some(ChainStep::WebIdentity),
                    role_arn: env.aws_role_arn.clone(),
                    decision: None,
                    allowed: false,
                    result: error.clone(),
                    why: format!(
                        "AWS_ROLE_ARN is set (IRSA), so the web identity provider answers first and its failure is raised: the SDK does not fall back to later providers. {why}"
                    ),
                },
                None => decide(iam, found.clone(), &session, call),
            };
            let log = changed(rec.and_then(|r| r.last.as_ref()), &o);
            list.push((k, o, log));
        }
        outcomes.push((i, list));
    }
    let records_for = |iam: &Iam, app: usize| iam.records(app, now);
    let iam = ctx.world.iam.as_mut().expect("checked above");
    for (name, mut w) in new_pods {
        w.calls = records_for(iam, w.app);
        iam.pods.insert(name, w);
    }
    let mut to_log = Vec::new();
    for (i, list) in outcomes {
        let name = ctx.world.pods[i].name.clone();
        let iam = ctx.world.iam.as_mut().expect("checked above");
        let Some(w) = iam.pods.get_mut(&name) else {
            continue;
        };
        let calls = iam.app_calls[w.app].calls.clone();
        for (k, o, log) in list {
            let rec = &mut w.calls[k];
            rec.made += 1;
            if !o.allowed {
                rec.denied += 1;
            }
            rec.next_at = now.plus(calls[k].every);
            if log {
                to_log.push((name.clone(), calls[k].clone(), o.clone()));
            }
            rec.last = Some(o);
        }
    }
    for (pod, call, o) in to_log {
        let message = super::log_line(&call, &o);
        ctx.emit_why(
            Source::Kube(format!("pod/{pod}").into()),
            EventKind::AwsCall {
                workload: pod.as_str().into(),
                action: call.action.as_str().into(),
                resource: call.resource.as_str().into(),
                role: o.role_arn.as_deref().map(Name::from),
                allowed: o.allowed,
            },
            message,
            vec![Subject::Pod(pod.as_str().into())],
            Some(o.why),
        );
    }
}
