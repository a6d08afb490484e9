//! Standalone tasks: `aws ecs run-task`. No service watches them: each is placed once, walks the
//! task lifecycle, and stops when its essential container exits or someone stops it. It is not
//! replaced, it registers with no load balancer, and its health status changes nothing ("A
//! standalone task ignores its health status"; docs/rules/ecs-standalone-tasks.md).
//!
//! `RunTask` places what it can and answers with the tasks it started and a failure for each one
//! it could not place; it does not wait for capacity (Amazon ECS API Reference, `RunTask`:
//! `tasks` and `failures`; the failure reasons `RESOURCE:MEMORY`, `RESOURCE:CPU`,
//! `RESOURCE:PORTS` and `AGENT` are those of the Amazon ECS Developer Guide's "API failure
//! reasons"). With no registered container instance at all, EC2 refuses the whole call with
//! `InvalidParameterException: No Container Instances were found in your cluster.`

use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{TaskDefIdx, TaskIdx};
use crate::ecs::messages::PlacementProblem;
use crate::ecs::placement::{self, Placing, SpreadCounts};
use crate::ecs::task_lifecycle::{self, Owner};
use crate::ecs::{Host, InstanceStatus};
use crate::name::Name;
use crate::net::Zone;
use crate::scenario::spec::{LaunchType, NetworkMode};

/// `RunTask` starts at most 10 tasks per call (Amazon ECS API Reference, `RunTask`, `count`:
/// "You can specify up to 10 tasks for each call").
pub const MAX_COUNT: u32 = 10;

/// One task `RunTask` could not start, as its `failures` list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The container instance that came closest, when one did.
    pub arn: Option<String>,
    pub reason: String,
}

/// What one `RunTask` call did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Started {
    pub tasks: Vec<TaskIdx>,
    pub failures: Vec<Failure>,
}

/// Why the API refuses a `RunTask` call as a whole: its error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

impl Refused {
    fn new(code: &'static str, message: impl Into<String>) -> Option<Refused> {
        Some(Refused {
            code,
            message: message.into(),
        })
    }

    /// As the AWS CLI prints it.
    pub fn cli_error(&self) -> String {
        format!(
            "An error occurred ({}) when calling the RunTask operation: {}",
            self.code, self.message
        )
    }
}

/// A `RunTask` call the API refuses as a whole, before placing anything.
pub fn refusal(
    world: &EcsCluster,
    td: TaskDefIdx,
    launch_type: LaunchType,
    count: u32,
    network_configuration: bool,
) -> Option<Refused> {
    if !(1..=MAX_COUNT).contains(&count) {
        // [inferred] wording: the API documents the range, not the message.
        return Refused::new(
            "InvalidParameterException",
            format!("count must be between 1 and {MAX_COUNT}."),
        );
    }
    let def = world.task_definition(td);
    if launch_type == LaunchType::Fargate && def.network_mode != NetworkMode::Awsvpc {
        // Fargate runs awsvpc tasks only (Amazon ECS Developer Guide, "Fargate task networking").
        // [inferred] wording; the rule is documented, the message is Orca's.
        return Refused::new(
            "ClientException",
            format!(
                "Task definition {} does not support launch type FARGATE: Fargate requires the awsvpc network mode.",
                def.family_revision()
            ),
        );
    }
    if def.network_mode == NetworkMode::Awsvpc && !network_configuration {
        return Refused::new(
            "InvalidParameterException",
            "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
        );
    }
    if launch_type == LaunchType::Ec2
        && !world
            .instances
            .iter()
            .any(|i| matches!(i.status, InstanceStatus::Active | InstanceStatus::Draining))
    {
        return Refused::new(
            "InvalidParameterException",
            "No Container Instances were found in your cluster.",
        );
    }
    None
}

/// The task group of a standalone task: `family:NAME` unless `RunTask` named one.
pub fn group_of(world: &EcsCluster, td: TaskDefIdx, group: Option<&str>) -> Name {
    match group {
        Some(g) if !g.is_empty() => g.into(),
        _ => format!("family:{}", world.task_definition(td).family).into(),
    }
}

/// Live standalone tasks of task group `group` per zone and per instance: a spread of standalone
/// tasks counts their task group (Amazon ECS Developer Guide, "Task placement strategies").
fn group_counts(world: &EcsCluster, zones: &[Zone], group: &str) -> SpreadCounts {
    let mut counts = SpreadCounts::empty(world, zones);
    for task in world.tasks.iter() {
        if task.service.is_none() && task.is_live() && task.group.as_deref() == Some(group) {
            counts.add(task.host, task.zone);
        }
    }
    counts
}

/// Carry out `RunTask`: place and launch up to `count` tasks of `td`, in one task group.
pub fn run(
    ctx: &mut Ctx,
    td: TaskDefIdx,
    count: u32,
    launch_type: LaunchType,
    group: Name,
    started_by: Name,
) -> Started {
    let mut started = Started::default();
    let mut counts = group_counts(ctx.world, &ctx.net.zones, &group);
    for _ in 0..count.min(MAX_COUNT) {
        let placed = placement::place_for(
            ctx.world,
            &ctx.net.zones,
            Placing::Standalone(launch_type),
            td,
            None,
            &mut counts,
            &mut ctx.rngs.placement,
        );
        match placed {
            Ok(p) => {
                let why = placed_why(ctx, &p.host, &group);
                let owner = Owner::Standalone {
                    launch_type,
                    group: group.clone(),
                    started_by: started_by.clone(),
                };
                let t = task_lifecycle::launch_standalone(ctx, owner, td, p, why);
                started.tasks.push(t);
            }
            Err(problem) => started.failures.push(failure(ctx.world, &problem)),
        }
    }
    started
}

fn placed_why(ctx: &Ctx, host: &Host, group: &str) -> String {
    let on = match host {
        Host::Instance(i) => ctx.world.instance(*i).name.clone(),
        Host::Fargate => "Fargate".to_string(),
        Host::AwaitingCapacity => "no host yet".to_string(),
    };
    format!(
        "Started by RunTask in task group {group}, on {on}: no service watches it, so it is not replaced when it stops, and its health status changes nothing."
    )
}

/// A placement problem as a `RunTask` failure.
pub fn failure(world: &EcsCluster, problem: &PlacementProblem) -> Failure {
    let arn_of = |id: &str| {
        world
            .instances
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.arn.clone())
    };
    let (arn, reason) = match problem {
        PlacementProblem::InsufficientMemory { container_instance } => {
            (arn_of(container_instance), "RESOURCE:MEMORY")
        }
        PlacementProblem::InsufficientCpu { container_instance } => {
            (arn_of(container_instance), "RESOURCE:CPU")
        }
        PlacementProblem::PortInUse { container_instance } => {
            (arn_of(container_instance), "RESOURCE:PORTS")
        }
        PlacementProblem::AgentDisconnected { container_instance } => {
            (arn_of(container_instance), "AGENT")
        }
        PlacementProblem::MissingAttribute { container_instance } => {
            (arn_of(container_instance), "ATTRIBUTE")
        }
        PlacementProblem::NoInstances => {
            (None, "No Container Instances were found in your cluster.")
        }
        PlacementProblem::NoInstanceMetRequirements => (None, "RESOURCE"),
        PlacementProblem::FargateCapacityUnavailable => (
            None,
            "Capacity is unavailable at this time. Please try again later or in a different availability zone",
        ),
        // [inferred] the task's network interface cannot get an address (EC2's
        // InsufficientFreeAddressesInSubnet, as the service event of the same case says).
        PlacementProblem::SubnetOutOfAddresses => (None, "InsufficientFreeAddressesInSubnet"),
    };
    Failure {
        arn,
        reason: reason.to_string(),
    }
}

/// A `RunTask` call as a timeline action or the console gives it.
#[derive(Debug, Clone, Copy)]
pub struct RunTask<'a> {
    /// `family:revision`.
    pub task_definition: &'a str,
    pub count: u32,
    pub launch_type: LaunchType,
    pub group: Option<&'a str>,
    pub started_by: Option<&'a str>,
}

impl<'a> RunTask<'a> {
    /// The call a `RunTask` timeline action stands for (EC2 unless it names a launch type).
    pub fn of(action: &'a crate::scenario::spec::Action) -> Option<RunTask<'a>> {
        let crate::scenario::spec::Action::RunTask {
            task_definition,
            count,
            launch_type,
            group,
            started_by,
        } = action
        else {
            return None;
        };
        Some(RunTask {
            task_definition,
            count: *count,
            launch_type: launch_type.unwrap_or(LaunchType::Ec2),
            group: group.as_deref(),
            started_by: started_by.as_deref(),
        })
    }

    /// The command line, as the log shows an action.
    pub fn cli(&self, cluster: &str) -> String {
        let mut line = format!(
            "aws ecs run-task --cluster {cluster} --task-definition {}",
            self.task_definition
        );
        if self.count != 1 {
            line += &format!(" --count {}", self.count);
        }
        line += match self.launch_type {
            LaunchType::Ec2 => " --launch-type EC2",
            LaunchType::Fargate => " --launch-type FARGATE",
        };
        if let Some(g) = self.group {
            line += &format!(" --group {g}");
        }
        if let Some(s) = self.started_by {
            line += &format!(" --started-by {s}");
        }
        line
    }
}

/// Carry out a `RunTask` action; the line to log when the call was refused or placed fewer
/// tasks than asked (the API's `failures`), else `None`. A timeline action is assumed to carry
/// the network configuration an awsvpc task needs (the scenario's subnets).
pub fn apply(ctx: &mut Ctx, run: &RunTask) -> Option<String> {
    let Some(td) = ctx.world.task_definition_by_ref(run.task_definition) else {
        return Some(
            Refused {
                code: "ClientException",
                message: format!(
                    "Unable to describe task definition {}.",
                    run.task_definition
                ),
            }
            .cli_error(),
        );
    };
    if let Some(e) = refusal(ctx.world, td, run.launch_type, run.count, true) {
        return Some(e.cli_error());
    }
    let group = group_of(ctx.world, td, run.group);
    let started_by: Name = run.started_by.unwrap_or_default().into();
    let started = self::run(ctx, td, run.count, run.launch_type, group, started_by);
    if started.failures.is_empty() {
        return None;
    }
    let reasons: Vec<String> = started
        .failures
        .iter()
        .map(|f| match &f.arn {
            Some(arn) => format!("{} ({arn})", f.reason),
            None => f.reason.clone(),
        })
        .collect();
    Some(format!(
        "run-task started {} of {} tasks; failures: {}",
        started.tasks.len(),
        run.count,
        reasons.join(", ")
    ))
}

/// One task group of standalone tasks, as the side panel sums it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSummary {
    pub group: Name,
    /// The task definitions its tasks run, `family:revision`, in order of first use.
    pub task_definitions: Vec<String>,
    /// RUNNING and desired RUNNING.
    pub running: u32,
    /// Not RUNNING yet, desired RUNNING.
    pub pending: u32,
    /// Stopped or on their way there.
    pub stopped: u32,
}

/// The standalone tasks' task groups, in order of their first task.
pub fn groups(world: &EcsCluster) -> Vec<GroupSummary> {
    let mut out: Vec<GroupSummary> = Vec::new();
    for t in world.tasks.iter().filter(|t| t.service.is_none()) {
        let Some(group) = &t.group else { continue };
        let i = match out.iter().position(|g| &g.group == group) {
            Some(i) => i,
            None => {
                out.push(GroupSummary {
                    group: group.clone(),
                    task_definitions: Vec::new(),
                    running: 0,
                    pending: 0,
                    stopped: 0,
                });
                out.len() - 1
            }
        };
        let g = &mut out[i];
        let td = world.task_definition(t.task_definition).family_revision();
        if !g.task_definitions.contains(&td) {
            g.task_definitions.push(td);
        }
        if !t.is_live() {
            g.stopped += 1;
        } else if t.last_status == crate::ecs::TaskStatus::Running {
            g.running += 1;
        } else {
            g.pending += 1;
        }
    }
    out
}
