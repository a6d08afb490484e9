//! GuardDuty Runtime Monitoring on the EKS cluster (docs/rules/security-monitoring.md,
//! "GuardDuty Runtime Monitoring").
//!
//! - GuardDuty User Guide, "Runtime Monitoring" and "How Runtime Monitoring works with Amazon
//!   EKS clusters" (<https://docs.aws.amazon.com/guardduty/latest/ug/runtime-monitoring.html>):
//!   the GuardDuty security agent, the EKS add-on `aws-guardduty-agent`, runs as a DaemonSet in
//!   the namespace `amazon-guardduty` and collects the runtime events (processes, files,
//!   network, DNS) of the node it runs on; GuardDuty supports no EKS cluster on Fargate. With
//!   automated agent configuration (`EKS_ADDON_MANAGEMENT`) GuardDuty installs and updates the
//!   add-on; without it one installs the add-on by hand.
//! - "Runtime coverage and troubleshooting for Amazon EKS clusters"
//!   (<https://docs.aws.amazon.com/guardduty/latest/ug/eks-runtime-monitoring-coverage.html>):
//!   a cluster's coverage is `HEALTHY` or `UNHEALTHY`; when it is unhealthy GuardDuty cannot
//!   receive the runtime events and generates no Runtime Monitoring finding.
//! - "GuardDuty Runtime Monitoring finding types"
//!   (<https://docs.aws.amazon.com/guardduty/latest/ug/findings-runtime-monitoring.html>): the
//!   types below, all current (none is on the retired list).
//!
//! Orca's model, inferred: a runtime event is seen when a running agent pod is on the pod's
//! node at that moment; the finding appears [`FINDING_DELAY_SECONDS`] later; the cluster's
//! coverage is HEALTHY only when every EC2 node runs a ready agent pod.

use serde::Serialize;

use super::Finding;
use crate::event::{Source, Subject};
use crate::iam::fnv;
use crate::k8s::cluster::{ContainerState, EksCluster, EksCtx, Template};
use crate::k8s::rollout::IntOrPercent;
use crate::k8s::scheduler::Requests;
use crate::scenario::spec::{Action, ContainerActivity, RuntimeMonitoringSpec};
use crate::time::{Millis, SimTime};

/// The add-on's name and its DaemonSet's.
pub const AGENT: &str = "aws-guardduty-agent";
/// The namespace the add-on runs in.
pub const NAMESPACE: &str = "amazon-guardduty";
/// The agent container's requests: 200m CPU and 256 MiB (GuardDuty User Guide, "Configuring
/// EKS add-on parameters", the default `resources.requests`).
pub const AGENT_REQUESTS: Requests = Requests {
    cpu_millis: 200,
    memory_mib: 256,
};
/// The add-on version Orca shows (inferred: a recent `eksbuild` of the agent).
pub const ADDON_VERSION: &str = "v1.10.0-eksbuild.2";
/// Seconds from a runtime event the agent saw to its finding (inferred: GuardDuty documents
/// no figure; findings take on the order of a minute).
pub const FINDING_DELAY_SECONDS: u64 = 60;

/// How the agent got onto the cluster (`CoverageEksClusterDetails.ManagementType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Management {
    AutoManaged,
    Manual,
    /// Runtime Monitoring is on, but no one installed the add-on.
    NotInstalled,
}

impl Management {
    pub fn as_api(self) -> &'static str {
        match self {
            Management::AutoManaged => "AUTO_MANAGED",
            Management::Manual => "MANUAL",
            Management::NotInstalled => "DISABLED",
        }
    }
}

/// A runtime event the agent saw, waiting for GuardDuty to turn it into a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pending {
    pub due: SimTime,
    pub finding: Finding,
    pub line: String,
    pub why: String,
    pub subjects: Vec<Subject>,
}

/// Runtime Monitoring's state on the cluster.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Runtime {
    pub management: Management,
    /// The scenario's node group names, by index (a node's `group`).
    pub groups: Vec<String>,
    pub pending: Vec<Pending>,
}

impl Runtime {
    pub fn build(spec: &RuntimeMonitoringSpec, groups: Vec<String>) -> Runtime {
        let management = if spec.eks_addon_management {
            Management::AutoManaged
        } else if spec.manual_addon {
            Management::Manual
        } else {
            Management::NotInstalled
        };
        Runtime {
            management,
            groups,
            pending: Vec::new(),
        }
    }
}

/// Where the agent stands on one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum AgentOnNode {
    /// A ready agent pod runs there.
    Running { pod: String },
    /// Its pod is there but not running (Pending, pulling its image, crashing): the status.
    NotRunning { pod: String, status: String },
    /// No agent pod: the add-on is not installed.
    NoAddon,
    /// A Fargate node: GuardDuty does not support EKS on Fargate and DaemonSets never run there.
    Fargate,
}

impl AgentOnNode {
    pub fn covered(&self) -> bool {
        matches!(self, AgentOnNode::Running { .. })
    }

    /// Why a runtime event on this node is or is not seen.
    pub fn why(&self, node: &str) -> String {
        match self {
            AgentOnNode::Running { pod } => format!(
                "the GuardDuty security agent ({NAMESPACE}/{pod}) runs on {node} and reports its runtime events"
            ),
            AgentOnNode::NotRunning { pod, status } => format!(
                "the GuardDuty agent's pod on {node} ({NAMESPACE}/{pod}) is {status}, not running: nothing on {node} is monitored"
            ),
            AgentOnNode::NoAddon => format!(
                "the {AGENT} add-on is not installed (automated agent configuration is off and no one installed it by hand): no node is monitored, {node} included"
            ),
            AgentOnNode::Fargate => format!(
                "{node} is a Fargate node: Runtime Monitoring does not support EKS on Fargate and the agent's DaemonSet never runs there"
            ),
        }
    }
}

/// The agent's DaemonSet, if the add-on is on the cluster.
pub fn agent_daemon_set(c: &EksCluster) -> Option<usize> {
    (0..c.deployments.len()).find(|&d| {
        c.is_daemon_set(d)
            && c.deployments[d].name == AGENT
            && c.deployments[d].namespace == NAMESPACE
    })
}

/// The agent on node `n`.
pub fn agent_on(c: &EksCluster, n: usize) -> AgentOnNode {
    if c.nodes.get(n).is_some_and(|node| node.fargate) {
        return AgentOnNode::Fargate;
    }
    let Some(d) = agent_daemon_set(c) else {
        return AgentOnNode::NoAddon;
    };
    let pod = c.pods.iter().find(|p| {
        !p.gone
            && p.deleting_at.is_none()
            && p.daemon_node == Some(n)
            && c.replica_sets[p.replica_set].deployment == d
    });
    match pod {
        Some(p) if p.ready && matches!(p.state, ContainerState::Running { .. }) => {
            AgentOnNode::Running {
                pod: p.name.clone(),
            }
        }
        Some(p) => AgentOnNode::NotRunning {
            pod: p.name.clone(),
            status: p.status(),
        },
        // The controller has not made it yet (or the node is being removed).
        None => AgentOnNode::NotRunning {
            pod: "(none yet)".into(),
            status: "not created".into(),
        },
    }
}

/// Install the add-on's DaemonSet when Runtime Monitoring's agent is managed or installed by
/// hand: the DaemonSet controller then creates a pod for every EC2 node, which the scheduler
/// binds where it fits. Call after the scenario's pods are placed: the add-on comes onto a
/// running cluster.
pub fn install_agent(c: &mut EksCluster, region: &str, groups: Vec<String>) {
    let Some(r) = c.security.as_mut().and_then(|s| s.runtime.as_mut()) else {
        return;
    };
    r.groups = groups;
    if r.management == Management::NotInstalled {
        return;
    }
    // The registry is inferred: an ECR repository of GuardDuty's in the cluster's Region.
    let image = format!(
        "{}.dkr.ecr.{region}.amazonaws.com/aws-guardduty-agent:{}",
        "206089838810",
        ADDON_VERSION.trim_end_matches("-eksbuild.2")
    );
    let template = Template {
        container: AGENT.into(),
        pull_policy: crate::scenario::spec::ImagePullPolicy::default_for(&image),
        image,
        requests: AGENT_REQUESTS,
        cpu_requested: true,
        own: AGENT_REQUESTS,
        port: 0,
        readiness_probe: false,
        liveness_probe: false,
        startup_probe: false,
        behavior: crate::k8s::cluster::AppBehavior {
            startup_seconds: 5,
            ..Default::default()
        },
        restarted_at: None,
        claim: None,
        init_containers: Vec::new(),
        containers: Vec::new(),
    };
    let d = crate::k8s::setup::add_daemon_set(c, AGENT, template, IntOrPercent::Int(1));
    c.deployments[d].namespace = NAMESPACE.into();
}

/// What the activity is, as GuardDuty's finding type, severity, title and the detail it shows
/// (severities: the finding types' pages, "Default severity: High", except
/// `Execution:Runtime/NewBinaryExecuted`, Medium).
pub fn finding_type(a: &ContainerActivity) -> (&'static str, f64, &'static str) {
    match a {
        ContainerActivity::QueryCommandAndControlDomain(_) => (
            "Backdoor:Runtime/C&CActivity.B!DNS",
            8.0,
            "A container queried a domain name associated with a known command and control server.",
        ),
        ContainerActivity::QueryBitcoinDomain(_) => (
            "CryptoCurrency:Runtime/BitcoinTool.B!DNS",
            8.0,
            "A container queried a domain name associated with cryptocurrency activity.",
        ),
        ContainerActivity::RunCryptoMiner(_) => (
            "Impact:Runtime/CryptoMinerExecuted",
            8.0,
            "A container executed a process associated with cryptocurrency mining.",
        ),
        ContainerActivity::OpenReverseShell(_) => (
            "Execution:Runtime/ReverseShell",
            8.0,
            "A process in a container created a reverse shell.",
        ),
        ContainerActivity::RunNewBinary(_) => (
            "Execution:Runtime/NewBinaryExecuted",
            5.0,
            "A newly created or recently modified binary was executed in a container.",
        ),
    }
}

/// What the container did, in words.
pub fn describe(a: &ContainerActivity) -> String {
    match a {
        ContainerActivity::QueryCommandAndControlDomain(d)
        | ContainerActivity::QueryBitcoinDomain(d) => {
            format!("resolves {d}")
        }
        ContainerActivity::RunCryptoMiner(p) | ContainerActivity::RunNewBinary(p) => {
            format!("executes {p}")
        }
        ContainerActivity::OpenReverseShell(r) => format!("opens a reverse shell to {r}"),
    }
}

/// The pod an activity names: a pod's name, or `deploy/<name>`'s first running pod (on a node
/// of `group` when given).
pub fn resolve(
    c: &EksCluster,
    groups: &[String],
    target: &str,
    namespace: &str,
    group: Option<&str>,
) -> Result<usize, String> {
    let deployment = target
        .strip_prefix("deploy/")
        .or_else(|| target.strip_prefix("deployment/"));
    let in_group = |p: usize| {
        group.is_none_or(|g| {
            c.pods[p]
                .node
                .and_then(|n| c.nodes[n].group)
                .and_then(|i| groups.get(i))
                .is_some_and(|name| name == g)
        })
    };
    let found = (0..c.pods.len()).find(|&p| {
        let pod = &c.pods[p];
        let dep = &c.deployments[c.pod_deployment(p)];
        !pod.gone
            && pod.deleting_at.is_none()
            && matches!(pod.state, ContainerState::Running { .. })
            && c.namespace_of(p) == namespace
            && match deployment {
                Some(name) => dep.name == name && !c.is_daemon_set(c.pod_deployment(p)),
                None => pod.name == target,
            }
            && in_group(p)
    });
    found.ok_or_else(|| match (deployment, group) {
        (Some(name), Some(g)) => format!(
            "no running pod of Deployment {namespace}/{name} on a node of node group {g}: nothing happens"
        ),
        (Some(name), None) => {
            format!("no running pod of Deployment {namespace}/{name}: nothing happens")
        }
        (None, _) => format!("no running pod {namespace}/{target}: nothing happens"),
    })
}

/// Carry out a `RuntimeActivity`: the container does it; the agent on its node sees it or not.
pub fn act(ctx: &mut EksCtx, action: &Action) {
    let Action::RuntimeActivity {
        pod,
        namespace,
        node_group,
        activity,
    } = action
    else {
        return;
    };
    let now = ctx.now;
    let c = &*ctx.world;
    let Some(s) = c.security.as_ref() else {
        return;
    };
    let groups = s
        .runtime
        .as_ref()
        .map(|r| r.groups.clone())
        .unwrap_or_default();
    let p = match resolve(c, &groups, pod, namespace, node_group.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            ctx.announce(Source::Scenario, e, Vec::new(), None);
            return;
        }
    };
    let pod = &c.pods[p];
    let Some(n) = pod.node else {
        return;
    };
    let node = c.nodes[n].name.clone();
    let template = c.template_of(p).clone();
    let line = format!(
        "{namespace}/{} (container {}, on {node}) {}",
        pod.name,
        template.container,
        describe(activity)
    );
    let subjects = vec![
        Subject::Pod(pod.name.as_str().into()),
        Subject::Node(node.as_str().into()),
    ];
    let agent = agent_on(c, n);
    let detector_on = s.detector.is_some();
    let runtime_on = s.runtime.is_some();
    let why = match (detector_on, runtime_on) {
        (false, _) => "the account has no GuardDuty detector".to_string(),
        (true, false) => {
            "the detector's Runtime Monitoring (RUNTIME_MONITORING) is off: only EKS audit log monitoring looks at the cluster, and this is not an API call".to_string()
        }
        (true, true) => agent.why(&node),
    };
    let seen = detector_on && runtime_on && agent.covered();
    let pending = seen.then(|| {
        let (kind, severity, title) = finding_type(activity);
        let id = format!(
            "{:016x}{:016x}",
            fnv(&format!("{kind}/{}", pod.uid)),
            fnv(&format!("{}", now.0))
        );
        let context = super::RuntimeContext {
            namespace: namespace.clone(),
            pod: pod.name.clone(),
            pod_uid: pod.uid.clone(),
            workload: c.deployments[c.pod_deployment(p)].name.clone(),
            container: template.container.clone(),
            image: template.image.clone(),
            node: node.clone(),
            node_ip: c.nodes[n].private_ip.clone(),
            instance_type: c.nodes[n].instance_type.clone(),
            zone: c.nodes[n].zone.clone(),
            activity: activity.clone(),
            seen_at_ms: now.0,
        };
        let due = now.plus(Millis::from_secs(FINDING_DELAY_SECONDS));
        Pending {
            due,
            finding: Finding {
                id,
                finding_type: kind.into(),
                severity,
                title: title.into(),
                username: String::new(),
                target: format!("pods/{namespace}/{}", pod.name),
                at_ms: due.0,
                runtime: Some(context),
            },
            line: format!(
                "GuardDuty finding {kind} (severity {severity:.1}, EKSCluster {}, pod {namespace}/{}, node {node}): {title}",
                s.cluster, pod.name
            ),
            why: format!(
                "{why}; GuardDuty matched the event to {kind} and reports it {FINDING_DELAY_SECONDS} s after it happened (the delay is Orca's)"
            ),
            subjects: subjects.clone(),
        }
    });
    ctx.announce(Source::Scenario, line, subjects.clone(), None);
    let Some(pending) = pending else {
        ctx.announce(
            Source::GuardDuty,
            format!("GuardDuty sees nothing of it: {why}"),
            subjects,
            Some(why),
        );
        return;
    };
    ctx.announce(
        Source::GuardDuty,
        format!(
            "GuardDuty's agent on {node} saw it; a finding follows in {FINDING_DELAY_SECONDS} s"
        ),
        subjects,
        Some(why),
    );
    if let Some(r) = ctx.world.security.as_mut().and_then(|s| s.runtime.as_mut()) {
        r.pending.push(pending);
    }
}

/// Turn the runtime events whose time has come into findings.
pub fn on_tick(ctx: &mut EksCtx) {
    let now = ctx.now;
    let Some(s) = ctx.world.security.as_mut() else {
        return;
    };
    let Some(r) = s.runtime.as_mut() else {
        return;
    };
    if r.pending.is_empty() {
        return;
    }
    let (due, later): (Vec<Pending>, Vec<Pending>) =
        r.pending.drain(..).partition(|p| p.due <= now);
    r.pending = later;
    let mut lines = Vec::new();
    for p in due {
        s.findings.push(p.finding);
        lines.push((p.line, p.subjects, p.why));
    }
    for (line, subjects, why) in lines {
        ctx.announce(Source::GuardDuty, line, subjects, Some(why));
    }
}

/// The cluster's coverage as `list-coverage` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub healthy: bool,
    pub issue: Option<String>,
    pub management: Management,
    /// EC2 nodes with a running agent pod, and all EC2 nodes (Fargate nodes are not
    /// compatible).
    pub covered_nodes: u32,
    pub compatible_nodes: u32,
    /// Each node: its name, its node group (None: Fargate or Karpenter), the agent there.
    pub nodes: Vec<(String, Option<String>, AgentOnNode)>,
}

/// The coverage of the cluster now (None: Runtime Monitoring is off).
pub fn coverage(c: &EksCluster) -> Option<Coverage> {
    let r = c.security.as_ref()?.runtime.as_ref()?;
    let nodes: Vec<(String, Option<String>, AgentOnNode)> = (0..c.nodes.len())
        .filter(|&n| !c.nodes[n].gone)
        .map(|n| {
            let group = c.nodes[n].group.and_then(|i| r.groups.get(i).cloned());
            (c.nodes[n].name.clone(), group, agent_on(c, n))
        })
        .collect();
    let compatible = nodes
        .iter()
        .filter(|(_, _, a)| *a != AgentOnNode::Fargate)
        .count() as u32;
    let covered = nodes.iter().filter(|(_, _, a)| a.covered()).count() as u32;
    // The issue texts are Orca's (inferred): the guide lists issue types without their exact
    // strings.
    let issue = if r.management == Management::NotInstalled {
        Some(format!(
            "The {AGENT} add-on is not installed on the cluster: install it, or turn on automated agent configuration (EKS_ADDON_MANAGEMENT)."
        ))
    } else if covered < compatible {
        Some(format!(
            "The GuardDuty agent is not running on {} of {compatible} compatible nodes.",
            compatible - covered
        ))
    } else {
        None
    };
    Some(Coverage {
        healthy: issue.is_none(),
        issue,
        management: r.management,
        covered_nodes: covered,
        compatible_nodes: compatible,
        nodes,
    })
}

#[cfg(test)]
#[path = "runtime_tests.rs"]
mod tests;
