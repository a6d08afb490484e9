//! GuardDuty Runtime Monitoring for Amazon ECS on AWS Fargate: which tasks get the GuardDuty
//! security agent, and the cluster's coverage (docs/rules/security-monitoring.md, "GuardDuty
//! Runtime Monitoring (ECS on Fargate)").
//!
//! - GuardDuty User Guide, "How Runtime Monitoring works with Fargate (Amazon ECS only)"
//!   (<https://docs.aws.amazon.com/guardduty/latest/ug/how-runtime-monitoring-works-ecs-fargate.html>):
//!   for a new Fargate task GuardDuty attaches a sidecar container in which its security agent
//!   runs; it never adds one to a task that is already running (tasks are immutable).
//! - "Managing automated security agent for Fargate (Amazon ECS only)"
//!   (<https://docs.aws.amazon.com/guardduty/latest/ug/managing-gdu-agent-ecs-automated.html>):
//!   a service whose last deployment started before automated agent configuration was turned
//!   on needs a new deployment (`forceNewDeployment`) before its tasks are monitored.
//! - Amazon ECS Developer Guide, "Troubleshooting Runtime Monitoring"
//!   (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-guard-duty-troubleshooting.html>):
//!   without a task execution role "the task starts without the GuardDuty security agent
//!   sidecar container".
//! - "Runtime coverage and troubleshooting for Fargate (Amazon ECS only)"
//!   (<https://docs.aws.amazon.com/guardduty/latest/ug/gdu-assess-coverage-ecs.html>): coverage
//!   is assessed per task; the issue texts below are the documented ones.
//!
//! Orca's model, inferred: the sidecar's status follows its task's (it starts and stops with
//! it); the cluster is HEALTHY when every RUNNING Fargate task runs the agent; the first issue
//! is the resource's `Issue`, all of them are `FargateDetails.Issues`.

use serde::Serialize;

pub use crate::ecs::guardduty_state::{Agent, EcsFinding, EcsGuardDuty, Missing};

use crate::control::EcsTimer;
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::{Host, Task, TaskStatus};
use crate::event::{Source, Subject};
use crate::iam::fnv;
use crate::scenario::spec::{Action, ContainerActivity, EcsGuardDutySpec};
use crate::time::SimTime;

/// The agent container's name: this prefix and six letters or digits (as `describe-tasks`
/// shows it, e.g. `aws-guardduty-agent-mfjGLB`; the ECS troubleshooting page names it
/// `aws-gd-agent`).
pub const AGENT_PREFIX: &str = "aws-guardduty-agent-";
/// The agent's image in GuardDuty's ECR repository for us-east-1 (GuardDuty User Guide, "Amazon
/// ECR repository hosting GuardDuty agent"; the tag is inferred).
pub const AGENT_IMAGE: &str =
    "593207742271.dkr.ecr.us-east-1.amazonaws.com/aws-guardduty-agent-fargate:v1.5.0-Fg_x86_64";

/// The detector of an ECS world from its scenario entry.
pub fn build(spec: &EcsGuardDutySpec, cluster: &str) -> EcsGuardDuty {
    let on = spec.runtime_monitoring && spec.ecs_fargate_agent_management;
    EcsGuardDuty {
        detector_id: format!("{:016x}{:016x}", fnv(cluster), fnv("guardduty")),
        runtime_monitoring: spec.runtime_monitoring,
        fargate_agent: spec.ecs_fargate_agent_management,
        since: on.then_some(SimTime::ZERO),
        findings: Vec::new(),
    }
}

/// The agent a task launched now gets, with the sentence its inspector shows; `None` when
/// GuardDuty has no detector or Runtime Monitoring is off (nothing to say).
pub fn decide(
    world: &EcsCluster,
    task: &Task,
    deployment_started: SimTime,
) -> Option<(Agent, String)> {
    let gd = world.guardduty.as_ref().filter(|g| g.runtime_monitoring)?;
    let td = world.task_definition(task.task_definition);
    let decided = if task.host != Host::Fargate {
        (
            Agent::Missing(Missing::NotFargate),
            "GuardDuty adds no security agent: this is an EC2 task, and automated agent configuration for Fargate covers Fargate tasks only (EC2 instances get the agent on the instance, which Orca does not model).".to_string(),
        )
    } else if !gd.fargate_agent {
        (
            Agent::Missing(Missing::DeployedBefore),
            "GuardDuty adds no security agent: Runtime Monitoring is on, but its automated agent configuration for AWS Fargate (ECS_FARGATE_AGENT_MANAGEMENT) is off.".to_string(),
        )
    } else if gd.since.is_some_and(|since| deployment_started < since) {
        (
            Agent::Missing(Missing::DeployedBefore),
            format!(
                "GuardDuty adds no security agent: this task's deployment started at {deployment_started}, before automated agent configuration for Fargate was turned on at {}. A running deployment keeps its tasks as they were; a new deployment (update-service --force-new-deployment) brings the agent.",
                gd.since.unwrap_or(SimTime::ZERO)
            ),
        )
    } else if td.execution_role_arn.is_none() {
        (
            Agent::Missing(Missing::NoExecutionRole),
            format!(
                "GuardDuty adds no security agent: task definition {} has no task execution role, which Fargate needs to pull the agent's image from GuardDuty's ECR repository; the task runs without it.",
                td.family_revision()
            ),
        )
    } else {
        let name = agent_name(&task.id);
        let why = format!(
            "GuardDuty Runtime Monitoring attached its security agent as a sidecar container, {name}: automated agent configuration for Fargate was on when this task's deployment started."
        );
        (Agent::Added(name), why)
    };
    Some(decided)
}

/// `aws-guardduty-agent-` and six letters or digits, derived from the task id (a replay gives
/// the same name).
pub fn agent_name(task_id: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut h = fnv(task_id);
    let mut name = String::from(AGENT_PREFIX);
    for _ in 0..6 {
        name.push(ALPHABET[(h % ALPHABET.len() as u64) as usize] as char);
        h /= ALPHABET.len() as u64;
    }
    name
}

/// Whether GuardDuty watches the task: `None` where the question does not arise (Runtime
/// Monitoring off, or not a Fargate task), else whether its agent sidecar runs in it.
pub fn watched(world: &EcsCluster, task: &Task) -> Option<bool> {
    let on = world
        .guardduty
        .as_ref()
        .is_some_and(|g| g.runtime_monitoring);
    (on && task.host == Host::Fargate).then_some(matches!(
        task.guardduty_agent.as_deref(),
        Some(Agent::Added(_))
    ))
}

/// The sidecar's `lastStatus`: it starts and stops with its task [inferred].
pub fn agent_status(task: &Task) -> &'static str {
    match task.last_status {
        TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating => "PENDING",
        TaskStatus::Running | TaskStatus::Deactivating => "RUNNING",
        TaskStatus::Stopping | TaskStatus::Deprovisioning | TaskStatus::Stopped => "STOPPED",
    }
}

/// `aws guardduty update-detector --features …` (timeline `UpdateDetector`): the features
/// change now; tasks already running keep what they have.
pub fn on_action(ctx: &mut Ctx, action: &Action) {
    let Action::UpdateDetector {
        runtime_monitoring,
        ecs_fargate_agent_management,
    } = action
    else {
        return;
    };
    let now = ctx.now;
    let Some(gd) = ctx.world.guardduty.as_mut() else {
        return;
    };
    let was_on = gd.runtime_monitoring && gd.fargate_agent;
    if let Some(on) = runtime_monitoring {
        gd.runtime_monitoring = *on;
    }
    if let Some(on) = ecs_fargate_agent_management {
        gd.fargate_agent = *on;
    }
    let is_on = gd.runtime_monitoring && gd.fargate_agent;
    if is_on && !was_on {
        gd.since = Some(now);
    } else if !is_on {
        gd.since = None;
    }
    let feature = |on: &Option<bool>, name: &str| {
        on.map(|on| format!("{name} {}", if on { "ENABLED" } else { "DISABLED" }))
    };
    let features: Vec<String> = [
        feature(runtime_monitoring, "RUNTIME_MONITORING"),
        feature(ecs_fargate_agent_management, "ECS_FARGATE_AGENT_MANAGEMENT"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let line = format!("aws guardduty update-detector: {}", features.join(", "));
    ctx.announce(Source::Scenario, line, Vec::new(), None);
    let (message, why) = if is_on && !was_on {
        let running = running_fargate_tasks(ctx.world).count();
        (
            format!(
                "Runtime Monitoring with automated agent configuration for Fargate is on: new Fargate tasks of new deployments get the security agent; the {running} running Fargate task(s) do not."
            ),
            "GuardDuty never changes a running task (Fargate tasks are immutable): it attaches its agent sidecar when a task starts, and a service's tasks get it once a deployment starts after this moment.".to_string(),
        )
    } else if !is_on && was_on {
        (
            "Automated agent configuration for Fargate is off: new tasks start without the security agent; tasks that have it keep it.".to_string(),
            "GuardDuty cannot remove its agent from a running task; it only stops adding it to new ones.".to_string(),
        )
    } else {
        return;
    };
    ctx.announce(Source::GuardDuty, message, Vec::new(), Some(why));
}

fn running_fargate_tasks(world: &EcsCluster) -> impl Iterator<Item = &Task> {
    world.services.iter().flat_map(move |s| {
        s.tasks
            .iter()
            .map(move |&t| world.task(t))
            .filter(|t| t.host == Host::Fargate && t.last_status == TaskStatus::Running)
    })
}

/// The cluster's runtime coverage (`list-coverage`), or `None` without Runtime Monitoring.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EcsCoverage {
    /// `HEALTHY` or `UNHEALTHY`.
    pub status: &'static str,
    pub management: &'static str,
    /// RUNNING Fargate tasks with the agent, and all of them.
    pub covered: usize,
    pub tasks: usize,
    /// The documented issue texts, one per cause.
    pub issues: Vec<String>,
}

pub fn coverage(world: &EcsCluster) -> Option<EcsCoverage> {
    let gd = world.guardduty.as_ref().filter(|g| g.runtime_monitoring)?;
    let (mut covered, mut tasks) = (0, 0);
    let mut before: Vec<String> = Vec::new();
    let mut no_role: Vec<String> = Vec::new();
    for task in running_fargate_tasks(world) {
        tasks += 1;
        match task.guardduty_agent.as_deref() {
            Some(Agent::Added(_)) => covered += 1,
            Some(Agent::Missing(Missing::NoExecutionRole)) => {
                let td = world
                    .task_definition(task.task_definition)
                    .family_revision();
                if !no_role.contains(&td) {
                    no_role.push(td);
                }
            }
            _ => {
                let service = task.service.map(|s| world.service(s).name.to_string());
                if let Some(name) = service.filter(|n| !before.contains(n)) {
                    before.push(name);
                }
            }
        }
    }
    let mut issues = Vec::new();
    if !gd.fargate_agent && tasks > covered {
        // [inferred] wording: the documented issues all assume the automation is on.
        issues.push("Automated agent configuration for AWS Fargate (ECS only) is disabled: GuardDuty does not add its security agent to new tasks.".to_string());
    } else if !before.is_empty() {
        let names: Vec<String> = before.iter().map(|n| format!("'{n}'")).collect();
        issues.push(format!(
            "Services deployed before enabling Automated Agent Configuration are not covered. Impacted service name(s): {}",
            names.join(", ")
        ));
    }
    for td in no_role {
        issues.push(format!(
            "TaskExecutionRole missing from TaskDefinition - '{td}'"
        ));
    }
    Some(EcsCoverage {
        status: if covered == tasks {
            "HEALTHY"
        } else {
            "UNHEALTHY"
        },
        management: gd.management(),
        covered,
        tasks,
        issues,
    })
}

/// Seconds from a runtime event the agent saw to its finding (the same model as on EKS:
/// GuardDuty documents no figure).
const FINDING_DELAY: crate::time::Millis =
    crate::time::Millis::from_secs(crate::security::runtime::FINDING_DELAY_SECONDS);

/// Timeline `TaskRuntimeActivity`: a container of the service's first RUNNING task does
/// something; GuardDuty sees it only through an agent sidecar running in that task, and
/// publishes the finding [`FINDING_DELAY`] later.
pub fn runtime_activity(ctx: &mut Ctx, service: &str, activity: &ContainerActivity) {
    let now = ctx.now;
    let what = crate::security::runtime::describe(activity);
    let Some(s) = ctx.world.service_by_name(service) else {
        return;
    };
    let running = ctx
        .world
        .service(s)
        .tasks
        .iter()
        .copied()
        .find(|&t| ctx.world.task(t).last_status == TaskStatus::Running);
    let Some(t) = running else {
        let line =
            format!("service {service} has no RUNNING task for the runtime activity ({what})");
        ctx.announce(Source::Scenario, line, Vec::new(), None);
        return;
    };
    let task = ctx.world.task(t);
    let td = ctx.world.task_definition(task.task_definition);
    let container = td
        .containers
        .first()
        .map(|c| (c.name.clone(), c.image.clone()));
    let (container, image) = container.unwrap_or_default();
    let subjects = vec![
        Subject::Service(task_service_name(ctx.world, t)),
        Subject::Task(task.id.clone()),
    ];
    let line = format!(
        "container {container} of task {} (service {service}) {what}",
        task.short_id()
    );
    ctx.announce(Source::Scenario, line, subjects.clone(), None);
    let task = ctx.world.task(t);
    let td = ctx.world.task_definition(task.task_definition);
    let gd = ctx.world.guardduty.as_ref();
    let agent = match (gd, task.guardduty_agent.as_deref()) {
        (Some(g), Some(Agent::Added(name))) if g.runtime_monitoring => Ok(name.clone()),
        (None, _) => Err("the account has no GuardDuty detector".to_string()),
        (Some(g), _) if !g.runtime_monitoring => {
            Err("the detector's Runtime Monitoring is off".to_string())
        }
        (Some(_), Some(Agent::Missing(Missing::NoExecutionRole))) => Err(format!(
            "task {} runs without the GuardDuty security agent: its task definition {} has no task execution role",
            task.short_id(),
            td.family_revision()
        )),
        (Some(_), _) => Err(format!(
            "task {} runs without the GuardDuty security agent: it was launched by a deployment that started before automated agent configuration for Fargate was on",
            task.short_id()
        )),
    };
    let name = match agent {
        Ok(name) => name,
        Err(why) => {
            let line = format!("GuardDuty sees nothing of it: {why}");
            ctx.announce(Source::GuardDuty, line, subjects, Some(why));
            return;
        }
    };
    let (kind, severity, title) = crate::security::runtime::finding_type(activity);
    let id = format!(
        "{:016x}{:016x}",
        fnv(&task.id),
        fnv(&format!("{kind}{}", now.0))
    );
    let finding = EcsFinding {
        id,
        finding_type: kind.to_string(),
        severity,
        title: title.to_string(),
        service: service.to_string(),
        task_arn: task.arn.clone(),
        task_definition_arn: td.arn.clone(),
        task_created_at: task.created_at,
        task_started_at: task.started_at,
        started_by: task.started_by.to_string(),
        container: container.to_string(),
        image: image.to_string(),
        activity: activity.clone(),
        seen_at: now,
        at: now.plus(FINDING_DELAY),
    };
    let why = format!(
        "the GuardDuty security agent runs in task {} as its sidecar container {name} and reports the task's runtime events",
        task.short_id()
    );
    if let Some(g) = ctx.world.guardduty.as_mut() {
        g.findings.push(finding);
    }
    let line = format!(
        "GuardDuty's agent in task {} saw it; a finding follows in {}",
        ctx.world.task(t).short_id(),
        FINDING_DELAY
    );
    ctx.announce(Source::GuardDuty, line, subjects, Some(why));
    ctx.schedule(now.plus(FINDING_DELAY), EcsTimer::GuardDutyFindings);
}

/// The findings due now are published: one log line each.
pub fn publish_due(ctx: &mut Ctx) {
    let now = ctx.now;
    let Some(gd) = ctx.world.guardduty.as_ref() else {
        return;
    };
    let cluster = ctx.world.name.clone();
    let due: Vec<(String, Vec<Subject>)> = gd
        .findings
        .iter()
        .filter(|f| f.at == now)
        .map(|f| {
            let short = f.task_arn.rsplit('/').next().unwrap_or_default();
            (
                format!(
                    "GuardDuty finding {} (severity {:.1}, ECSCluster {cluster}, task {} of service {}): {}",
                    f.finding_type,
                    f.severity,
                    &short[..8.min(short.len())],
                    f.service,
                    f.title
                ),
                vec![Subject::Service(f.service.as_str().into())],
            )
        })
        .collect();
    for (line, subjects) in due {
        ctx.announce(Source::GuardDuty, line, subjects, None);
    }
}

fn task_service_name(world: &EcsCluster, t: crate::ecs::ids::TaskIdx) -> crate::name::Name {
    world
        .task(t)
        .service
        .map(|s| world.service(s).name.clone())
        .unwrap_or_default()
}
