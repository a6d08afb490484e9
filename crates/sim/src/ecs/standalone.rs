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
//!
//! With a capacity provider strategy instead of a launch type, each task goes to the provider
//! the strategy picks; one that fits no instance of an Auto Scaling group provider with managed
//! scaling waits in PROVISIONING, and managed scaling counts it ("Amazon ECS selects a capacity
//! provider for each task by following the capacity provider strategy from the service,
//! standalone task, or the cluster default", Developer Guide, "Amazon ECS managed scaling
//! behavior"). A new instance of the provider takes it when it registers.

use crate::ecs::capacity_provider;
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{TaskDefIdx, TaskIdx};
use crate::ecs::messages::PlacementProblem;
use crate::ecs::placement::{self, Placement, Placing, SpreadCounts};
use crate::ecs::task_lifecycle::{self, Owner};
use crate::ecs::{Host, InstanceStatus};
use crate::name::Name;
use crate::net::Zone;
use crate::scenario::spec::{CapacityProvider, CapacityProviderItem, LaunchType, NetworkMode};

/// `RunTask` starts at most 10 tasks per call (Amazon ECS API Reference, `RunTask`, `count`:
/// "You can specify up to 10 tasks for each call").
pub const MAX_COUNT: u32 = 10;

/// "A capacity provider strategy can contain a maximum of 20 capacity providers" (Amazon ECS
/// API Reference, `RunTask`, `capacityProviderStrategy`).
pub const MAX_STRATEGY_ITEMS: usize = 20;

pub use crate::ecs::messages::RunTaskFailure as Failure;

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

/// A `RunTask` call the API refuses as a whole, before placing anything. `network_configuration`
/// says whether the call carries one (a timeline action always does: the scenario's subnets).
pub fn refusal(
    world: &EcsCluster,
    td: TaskDefIdx,
    run: &RunTask,
    network_configuration: bool,
) -> Option<Refused> {
    let count = run.count;
    if !(1..=MAX_COUNT).contains(&count) {
        // [inferred] wording: the API documents the range, not the message.
        return Refused::new(
            "InvalidParameterException",
            format!("count must be between 1 and {MAX_COUNT}."),
        );
    }
    if let Some(refused) = strategy_refusal(world, run) {
        return Some(refused);
    }
    let launch_type = run.runs_on();
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
    // An Auto Scaling group provider may have no instance yet: its tasks wait for one.
    if launch_type == LaunchType::Ec2
        && run.strategy.is_empty()
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

/// What the API refuses in a capacity provider strategy (Amazon ECS API Reference, `RunTask`
/// and `CapacityProviderStrategyItem`): a strategy with a launch type, a provider the cluster
/// does not have, more than 20 items, several items none of which has a weight, more than one
/// `base`, and (Developer Guide, "Amazon ECS capacity providers") Fargate and Auto Scaling
/// group providers in one strategy.
fn strategy_refusal(world: &EcsCluster, run: &RunTask) -> Option<Refused> {
    let items = run.strategy;
    if items.is_empty() {
        return None;
    }
    if run.launch_type.is_some() {
        // Observed wording (the API's error for both, as tools report it).
        return Refused::new(
            "InvalidParameterException",
            "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.",
        );
    }
    let known = |p: &CapacityProvider| match p {
        CapacityProvider::Fargate | CapacityProvider::FargateSpot => true,
        CapacityProvider::Asg(name) => world
            .auto_scaling_groups
            .iter()
            .any(|g| g.capacity_provider == *name),
    };
    if !items.iter().all(|i| known(&i.capacity_provider)) {
        // Observed wording.
        return Refused::new(
            "InvalidParameterException",
            "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
        );
    }
    // [inferred] wording below: the rules are documented, the messages are Orca's.
    if items.len() > MAX_STRATEGY_ITEMS {
        return Refused::new(
            "InvalidParameterException",
            format!(
                "A capacity provider strategy can contain at most {MAX_STRATEGY_ITEMS} capacity providers."
            ),
        );
    }
    if items.iter().filter(|i| i.base > 0).count() > 1 {
        return Refused::new(
            "InvalidParameterException",
            "Only one capacity provider in a capacity provider strategy can have a base defined.",
        );
    }
    if items.len() > 1 && items.iter().all(|i| i.weight == 0) {
        return Refused::new(
            "InvalidParameterException",
            "At least one capacity provider in the strategy must have a weight greater than 0.",
        );
    }
    let fargate = items
        .iter()
        .filter(|i| i.capacity_provider.is_fargate())
        .count();
    if fargate > 0 && fargate < items.len() {
        return Refused::new(
            "InvalidParameterException",
            "A capacity provider strategy cannot mix Fargate capacity providers and Auto Scaling group capacity providers.",
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

/// Carry out `RunTask`: place and launch up to `count` tasks of `td`, in one task group. With a
/// capacity provider strategy each task goes to the provider the strategy picks (counting this
/// call's tasks: `base`, then `weight`); one that fits no instance of an Auto Scaling group
/// provider with managed scaling is started in PROVISIONING, waiting for an instance, instead
/// of failing.
pub fn run(
    ctx: &mut Ctx,
    td: TaskDefIdx,
    call: &RunTask,
    group: Name,
    started_by: Name,
) -> Started {
    let launch_type = call.runs_on();
    let strategy: Vec<(String, u32, u32)> = call
        .strategy
        .iter()
        .map(|i| (i.capacity_provider.as_str().to_string(), i.base, i.weight))
        .collect();
    let mut per_provider: Vec<(String, u32)> = Vec::new();
    let mut started = Started::default();
    let mut counts = group_counts(ctx.world, &ctx.net.zones, &group);
    for _ in 0..call.count.min(MAX_COUNT) {
        // [inferred] The guide does not say what a standalone call's base and weights count;
        // Orca counts the tasks of the call, as a service counts its own tasks.
        let provider = (!strategy.is_empty()).then(|| {
            let count = |p: &str| {
                per_provider
                    .iter()
                    .find(|(q, _)| q == p)
                    .map_or(0.0, |(_, n)| *n as f64)
            };
            // One item with weight 0 is allowed: it takes every task.
            placement::pick_provider(&strategy, count).unwrap_or_else(|| strategy[0].0.clone())
        });
        if let Some(p) = &provider {
            match per_provider.iter_mut().find(|(q, _)| q == p) {
                Some((_, n)) => *n += 1,
                None => per_provider.push((p.clone(), 1)),
            }
        }
        let placed = placement::place_for(
            ctx.world,
            &ctx.net.zones,
            Placing::Standalone(launch_type),
            td,
            provider.as_deref(),
            &mut counts,
            &mut ctx.rngs.placement,
        );
        let owner = Owner::Standalone {
            launch_type,
            group: group.clone(),
            started_by: started_by.clone(),
        };
        match placed {
            Ok(p) => {
                let why = placed_why(ctx, &p.host, &group, provider.as_deref());
                let t = task_lifecycle::launch_standalone(ctx, owner, td, p, provider, why);
                started.tasks.push(t);
            }
            Err(problem) if placement::waits_for_capacity(ctx.world, provider.as_deref()) => {
                let why = format!(
                    "Started by RunTask in task group {group}. {} No service watches it, so it is not replaced when it stops.",
                    placement::waiting_why(provider.as_deref(), &problem)
                );
                let waiting = Placement::awaiting_capacity();
                let t = task_lifecycle::launch_standalone(ctx, owner, td, waiting, provider, why);
                started.tasks.push(t);
            }
            Err(problem) => started.failures.push(failure(ctx.world, &problem)),
        }
    }
    started
}

/// Instance `i` registered: if it belongs to a capacity provider, the standalone tasks waiting
/// for that provider's capacity are placed, oldest first, on whatever fits now (a service's
/// waiting tasks get a scheduler pass, `capacity_provider::on_registered`).
pub fn on_instance_registered(ctx: &mut Ctx, i: crate::ecs::ids::InstanceIdx) {
    let inst = ctx.world.instance(i);
    if inst.status != InstanceStatus::Active {
        return;
    }
    let Some(provider) = inst.capacity_provider.clone() else {
        return;
    };
    let waiting = capacity_provider::waiting_tasks(ctx.world, &provider);
    for t in waiting {
        let task = ctx.world.task(t);
        if task.service.is_some() {
            continue;
        }
        let (td, group) = (task.task_definition, task.group.clone().unwrap_or_default());
        let mut counts = group_counts(ctx.world, &ctx.net.zones, &group);
        if let Ok(p) = placement::place_for(
            ctx.world,
            &ctx.net.zones,
            Placing::Standalone(LaunchType::Ec2),
            td,
            Some(&provider),
            &mut counts,
            &mut ctx.rngs.placement,
        ) {
            task_lifecycle::place_waiting(ctx, t, p);
        }
    }
}

fn placed_why(ctx: &Ctx, host: &Host, group: &str, provider: Option<&str>) -> String {
    let on = match host {
        Host::Instance(i) => ctx.world.instance(*i).name.clone(),
        Host::Fargate => "Fargate".to_string(),
        Host::AwaitingCapacity => "no host yet".to_string(),
    };
    let via = provider.map_or(String::new(), |p| format!(" (capacity provider {p})"));
    format!(
        "Started by RunTask in task group {group}, on {on}{via}: no service watches it, so it is not replaced when it stops, and its health status changes nothing."
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
    /// `--launch-type`, when given.
    pub launch_type: Option<LaunchType>,
    /// `--capacity-provider-strategy` (empty: none given).
    pub strategy: &'a [CapacityProviderItem],
    pub group: Option<&'a str>,
    pub started_by: Option<&'a str>,
}

impl<'a> RunTask<'a> {
    /// The call a `RunTask` timeline action stands for.
    pub fn of(action: &'a crate::scenario::spec::Action) -> Option<RunTask<'a>> {
        let crate::scenario::spec::Action::RunTask {
            task_definition,
            count,
            launch_type,
            capacity_provider_strategy,
            group,
            started_by,
        } = action
        else {
            return None;
        };
        Some(RunTask {
            task_definition,
            count: *count,
            launch_type: *launch_type,
            strategy: capacity_provider_strategy,
            group: group.as_deref(),
            started_by: started_by.as_deref(),
        })
    }

    /// What the tasks run on: Fargate for a strategy of Fargate providers, EC2 for one of Auto
    /// Scaling group providers; else the launch type given, EC2 when none was (a cluster with
    /// no default capacity provider strategy, as Orca's are; Amazon ECS API Reference,
    /// `RunTask`, `launchType`).
    pub fn runs_on(&self) -> LaunchType {
        match self.strategy.first() {
            Some(i) if i.capacity_provider.is_fargate() => LaunchType::Fargate,
            Some(_) => LaunchType::Ec2,
            None => self.launch_type.unwrap_or(LaunchType::Ec2),
        }
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
        if self.strategy.is_empty() || self.launch_type.is_some() {
            line += match self.launch_type.unwrap_or(LaunchType::Ec2) {
                LaunchType::Ec2 => " --launch-type EC2",
                LaunchType::Fargate => " --launch-type FARGATE",
            };
        }
        if !self.strategy.is_empty() {
            line += " --capacity-provider-strategy";
            for i in self.strategy {
                line += &format!(" capacityProvider={}", i.capacity_provider.as_str());
                if i.base > 0 {
                    line += &format!(",base={}", i.base);
                }
                line += &format!(",weight={}", i.weight);
            }
        }
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
/// the network configuration an awsvpc task needs (the scenario's subnets). The call's failures
/// are kept for its reply (`EcsCluster::last_run_task`).
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
    if let Some(e) = refusal(ctx.world, td, run, true) {
        return Some(e.cli_error());
    }
    let group = group_of(ctx.world, td, run.group);
    let started_by: Name = run.started_by.unwrap_or_default().into();
    let before = ctx.world.tasks.len();
    let started = self::run(ctx, td, run, group, started_by);
    ctx.world.last_run_task = Some((before, started.failures.clone()));
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
