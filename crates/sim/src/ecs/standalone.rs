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
use crate::scenario::spec::{
    CapacityProvider, CapacityProviderItem, LaunchType, NetworkMode, TaskOverrideSpec,
};

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
        self.cli_error_of("RunTask")
    }

    /// As the AWS CLI prints it for operation `op` (`RunTask`, `StartTask`).
    pub fn cli_error_of(&self, op: &str) -> String {
        format!(
            "An error occurred ({}) when calling the {op} operation: {}",
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
    if let Some(o) = run.overrides
        && let Some(refused) = overrides_refusal(world, def, o, launch_type)
    {
        return Some(refused);
    }
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
        if task.service.is_none() && task.is_live() && task.group().map(|g| &**g) == Some(group) {
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
    // What each task reserves, when the overrides change its definition's size.
    let size = call
        .overrides
        .map(|o| ctx.world.task_definition(td).reservation(Some(o)));
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
            Placing::Standalone(launch_type, size),
            td,
            provider.as_deref(),
            &mut counts,
            &mut ctx.rngs.placement,
        );
        let owner = Owner::Standalone {
            launch_type,
            group: group.clone(),
            started_by: started_by.clone(),
            overrides: call.overrides.cloned(),
            started_with: crate::ecs::StartedWith::RunTask,
        };
        match placed {
            Ok(p) => {
                let mut why = placed_why(ctx, &p.host, &group, provider.as_deref());
                why += &overrides_why(call.overrides, size);
                let t = task_lifecycle::launch_standalone(ctx, owner, td, p, provider, why);
                started.tasks.push(t);
            }
            Err(problem) if placement::waits_for_capacity(ctx.world, provider.as_deref()) => {
                let why = format!(
                    "Started by RunTask in task group {group}. {} No service watches it, so it is not replaced when it stops.{}",
                    placement::waiting_why(provider.as_deref(), &problem),
                    overrides_why(call.overrides, size)
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
        let (td, group) = (
            task.task_definition,
            task.group().cloned().unwrap_or_default(),
        );
        let size = task
            .overrides()
            .is_some()
            .then(|| task.reservation(ctx.world.task_definition(td)));
        let mut counts = group_counts(ctx.world, &ctx.net.zones, &group);
        if let Ok(p) = placement::place_for(
            ctx.world,
            &ctx.net.zones,
            Placing::Standalone(LaunchType::Ec2, size),
            td,
            Some(&provider),
            &mut counts,
            &mut ctx.rngs.placement,
        ) {
            task_lifecycle::place_waiting(ctx, t, p);
        }
    }
}

/// What a call's overrides change for its tasks, in words (empty without any); `size` is
/// what each task reserves with them.
fn overrides_why(overrides: Option<&TaskOverrideSpec>, size: Option<(u32, u32)>) -> String {
    let Some(o) = overrides.filter(|o| !o.is_empty()) else {
        return String::new();
    };
    let mut parts = Vec::new();
    if let Some(r) = &o.task_role_arn {
        parts.push(format!("its application's AWS calls use the task role {r}"));
    }
    if let Some(r) = &o.execution_role_arn {
        parts.push(format!(
            "the agent pulls its images and fetches its secrets with the execution role {r}"
        ));
    }
    let sized = o.cpu.is_some()
        || o.memory.is_some()
        || o.container_overrides
            .iter()
            .any(|c| c.cpu.is_some() || c.memory.is_some() || c.memory_reservation.is_some());
    if let (true, Some((cpu, memory))) = (sized, size) {
        parts.push(format!("it reserves {cpu} CPU units and {memory} MiB"));
    }
    for c in &o.container_overrides {
        if let Some(cmd) = &c.command {
            parts.push(format!("container {} runs {:?}", c.name, cmd.join(" ")));
        }
        if !c.environment.is_empty() {
            let vars: Vec<String> = c
                .environment
                .iter()
                .map(|e| format!("{}={}", e.name, e.value))
                .collect();
            parts.push(format!("container {} gets {}", c.name, vars.join(", ")));
        }
    }
    let shown = o
        .container_overrides
        .iter()
        .any(|c| c.command.is_some() || !c.environment.is_empty());
    format!(
        " Overrides: {}.{}",
        parts.join("; "),
        if shown {
            " (Orca keeps the command and environment and shows them; the simulated application behaves as its task definition says.)"
        } else {
            ""
        }
    )
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

/// "A total of 8192 characters are allowed for overrides. This limit includes the JSON formatting
/// characters of the override structure" (Amazon ECS API Reference, `RunTask`, `overrides`).
pub const MAX_OVERRIDES_CHARS: usize = 8192;

/// `overrides` as the API takes them and `describe-tasks` shows them (`TaskOverride`): only
/// what was given, in the API's field names (task-level `cpu` and `memory` are strings).
pub fn overrides_json(o: &TaskOverrideSpec) -> serde_json::Value {
    use serde_json::{Map, Value, json};
    let mut v = Map::new();
    if !o.container_overrides.is_empty() {
        let list = o
            .container_overrides
            .iter()
            .map(|c| {
                let mut m = Map::new();
                m.insert("name".into(), json!(c.name));
                if let Some(cmd) = &c.command {
                    m.insert("command".into(), json!(cmd));
                }
                if !c.environment.is_empty() {
                    let env: Vec<Value> = c
                        .environment
                        .iter()
                        .map(|e| json!({"name": e.name, "value": e.value}))
                        .collect();
                    m.insert("environment".into(), Value::Array(env));
                }
                for (key, value) in [
                    ("cpu", c.cpu),
                    ("memory", c.memory),
                    ("memoryReservation", c.memory_reservation),
                ] {
                    if let Some(x) = value {
                        m.insert(key.into(), json!(x));
                    }
                }
                Value::Object(m)
            })
            .collect();
        v.insert("containerOverrides".into(), Value::Array(list));
    }
    if let Some(cpu) = o.cpu {
        v.insert("cpu".into(), json!(cpu.to_string()));
    }
    if let Some(r) = &o.execution_role_arn {
        v.insert("executionRoleArn".into(), json!(r));
    }
    if let Some(m) = o.memory {
        v.insert("memory".into(), json!(m.to_string()));
    }
    if let Some(r) = &o.task_role_arn {
        v.insert("taskRoleArn".into(), json!(r));
    }
    Value::Object(v)
}

/// What the API refuses in a call's `overrides`, for task definition `def` run on `launch_type`.
fn overrides_refusal(
    world: &EcsCluster,
    def: &crate::ecs::TaskDefinition,
    o: &TaskOverrideSpec,
    launch_type: LaunchType,
) -> Option<Refused> {
    if let Some(c) = o
        .container_overrides
        .iter()
        .find(|c| !def.containers.iter().any(|d| d.name == c.name))
    {
        // Observed wording (the API's answer to an override naming no container of the task
        // definition, as reported by users of `RunTask`).
        return Refused::new(
            "InvalidParameterException",
            format!(
                "Override for container named {} is not a container in the TaskDefinition.",
                c.name
            ),
        );
    }
    let length = overrides_json(o).to_string().chars().count();
    if length > MAX_OVERRIDES_CHARS {
        // [inferred] wording: the API documents the limit, not the message.
        return Refused::new(
            "InvalidParameterException",
            format!(
                "Container Overrides length must be at most {MAX_OVERRIDES_CHARS}; got {length} characters."
            ),
        );
    }
    let task_memory = o.memory.or(def.memory);
    if let Some(task_memory) = task_memory {
        for c in &def.containers {
            let hard = o.container(&c.name).and_then(|x| x.memory).or(c.memory);
            if hard.is_some_and(|m| m > task_memory) {
                // The wording RegisterTaskDefinition answers with (observed); [inferred] that
                // RunTask answers overrides the same way.
                return Refused::new(
                    "ClientException",
                    format!(
                        "The 'memory' setting for container '{}' is greater than for the task.",
                        c.name
                    ),
                );
            }
        }
    }
    if launch_type == LaunchType::Fargate && (o.cpu.is_some() || o.memory.is_some()) {
        let (cpu, memory) = (o.cpu.or(def.cpu), o.memory.or(def.memory));
        let valid = match (cpu, memory) {
            (Some(c), Some(m)) => crate::aws::fargate::validate_task_size(c, m).is_ok(),
            _ => false,
        };
        if !valid {
            // The wording RegisterTaskDefinition answers with (observed); [inferred] for RunTask.
            return Refused::new(
                "ClientException",
                format!(
                    "No Fargate configuration exists for given values: {} CPU, {} memory. See the Amazon ECS documentation for the valid values.",
                    cpu.unwrap_or(0),
                    memory.unwrap_or(0)
                ),
            );
        }
    }
    if let Some(iam) = &world.iam {
        for (what, arn) in [
            ("taskRoleArn", &o.task_role_arn),
            ("executionRoleArn", &o.execution_role_arn),
        ] {
            if let Some(arn) = arn
                && iam.role_by_arn(arn).is_none()
            {
                // Orca's wording: the scenario's IAM holds every role there is.
                let roles: Vec<&str> = iam.roles.iter().map(|r| r.arn.as_str()).collect();
                return Refused::new(
                    "InvalidParameterException",
                    format!(
                        "Orca: overrides.{what} {arn} is not a role of this scenario; its roles are {}.",
                        roles.join(", ")
                    ),
                );
            }
        }
    }
    None
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
    /// `--overrides`, when given.
    pub overrides: Option<&'a TaskOverrideSpec>,
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
            overrides,
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
            overrides: overrides.as_ref(),
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
        line + &cli_labels(self.group, self.started_by, self.overrides)
    }
}

/// Carry out a `RunTask` action; the line to log when the call was refused or placed fewer
/// tasks than asked (the API's `failures`), else `None`. A timeline action is assumed to carry
/// the network configuration an awsvpc task needs (the scenario's subnets). The call's failures
/// are kept for its reply (`EcsCluster::last_run_task`).
pub fn apply(ctx: &mut Ctx, run: &RunTask) -> Option<String> {
    carry_out(
        ctx,
        ("RunTask", "run-task"),
        (run.task_definition, run.group, run.started_by),
        run.count as usize,
        |world, td| refusal(world, td, run, true),
        |ctx, td, group, started_by| self::run(ctx, td, run, group, started_by),
    )
}

/// The `--group`, `--started-by` and `--overrides` of a call's command line.
fn cli_labels(
    group: Option<&str>,
    started_by: Option<&str>,
    overrides: Option<&TaskOverrideSpec>,
) -> String {
    let mut line = String::new();
    if let Some(g) = group {
        line += &format!(" --group {g}");
    }
    if let Some(s) = started_by {
        line += &format!(" --started-by {s}");
    }
    if let Some(o) = overrides {
        line += &format!(" --overrides '{}'", overrides_json(o));
    }
    line
}

/// What `RunTask` and `StartTask` do alike: find the task definition, answer the API's refusal,
/// launch the tasks in their task group, keep the failures for the reply
/// (`EcsCluster::last_run_task`), and say what to log when some of the `asked` tasks failed.
/// `(op, command)` name the call (`RunTask`, `run-task`); `(task definition, group, started
/// by)` are the call's.
fn carry_out(
    ctx: &mut Ctx,
    (op, command): (&str, &str),
    (task_definition, group, started_by): (&str, Option<&str>, Option<&str>),
    asked: usize,
    refused: impl FnOnce(&EcsCluster, TaskDefIdx) -> Option<Refused>,
    launch: impl FnOnce(&mut Ctx, TaskDefIdx, Name, Name) -> Started,
) -> Option<String> {
    let Some(td) = ctx.world.task_definition_by_ref(task_definition) else {
        return Some(
            Refused {
                code: "ClientException",
                message: format!("Unable to describe task definition {task_definition}."),
            }
            .cli_error_of(op),
        );
    };
    if let Some(e) = refused(ctx.world, td) {
        return Some(e.cli_error_of(op));
    }
    let group = group_of(ctx.world, td, group);
    let started_by: Name = started_by.unwrap_or_default().into();
    let before = ctx.world.tasks.len();
    let started = launch(ctx, td, group, started_by);
    ctx.world.last_run_task = Some(Box::new((before, started.failures.clone())));
    if started.failures.is_empty() {
        return None;
    }
    let failures: Vec<String> = started
        .failures
        .iter()
        .map(|f| match &f.arn {
            Some(arn) => format!("{} ({arn})", f.reason),
            None => f.reason.clone(),
        })
        .collect();
    Some(format!(
        "{command} started {} of {asked} tasks; failures: {}",
        started.tasks.len(),
        failures.join(", ")
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
        let Some(group) = t.group() else { continue };
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

/// `StartTask` takes "up to 10 container instances" (Amazon ECS API Reference, `StartTask`,
/// `containerInstances`).
pub const MAX_START_INSTANCES: usize = 10;

/// A `StartTask` call as a timeline action or the console gives it: the container instances by
/// their names in the scenario.
#[derive(Debug, Clone, Copy)]
pub struct StartTask<'a> {
    /// `family:revision`.
    pub task_definition: &'a str,
    pub container_instances: &'a [String],
    pub group: Option<&'a str>,
    pub started_by: Option<&'a str>,
    pub overrides: Option<&'a TaskOverrideSpec>,
}

impl<'a> StartTask<'a> {
    /// The call a `StartTask` timeline action stands for.
    pub fn of(action: &'a crate::scenario::spec::Action) -> Option<StartTask<'a>> {
        let crate::scenario::spec::Action::StartTask {
            task_definition,
            container_instances,
            group,
            started_by,
            overrides,
        } = action
        else {
            return None;
        };
        Some(StartTask {
            task_definition,
            container_instances,
            group: group.as_deref(),
            started_by: started_by.as_deref(),
            overrides: overrides.as_ref(),
        })
    }

    /// The command line, as the log shows an action: the instances by their container
    /// instance ids when the cluster has them.
    pub fn cli(&self, world: &EcsCluster) -> String {
        let ids: Vec<&str> = self
            .container_instances
            .iter()
            .map(|n| {
                world
                    .instance_by_name(n)
                    .map_or(n.as_str(), |i| world.instance(i).id.as_str())
            })
            .collect();
        let line = format!(
            "aws ecs start-task --cluster {} --task-definition {} --container-instances {}",
            world.name,
            self.task_definition,
            ids.join(" ")
        );
        line + &cli_labels(self.group, self.started_by, self.overrides)
    }
}

/// A `StartTask` call the API refuses as a whole: `instances` container instances named (found
/// or not), `overrides` and `network_configuration` as for [`refusal`].
pub fn start_refusal(
    world: &EcsCluster,
    td: TaskDefIdx,
    instances: usize,
    overrides: Option<&TaskOverrideSpec>,
    network_configuration: bool,
) -> Option<Refused> {
    let n = instances;
    if !(1..=MAX_START_INSTANCES).contains(&n) {
        // [inferred] wording: the API documents the limit, not the message.
        return Refused::new(
            "InvalidParameterException",
            format!(
                "containerInstances must name 1 to {MAX_START_INSTANCES} container instances; got {n}."
            ),
        );
    }
    let def = world.task_definition(td);
    if let Some(o) = overrides
        && let Some(refused) = overrides_refusal(world, def, o, LaunchType::Ec2)
    {
        return Some(refused);
    }
    if def.network_mode == NetworkMode::Awsvpc && !network_configuration {
        return Refused::new(
            "InvalidParameterException",
            "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
        );
    }
    None
}

/// Carry out `StartTask`: one task of `td` on each instance named, in the order given. An
/// instance that cannot take it gets a failure instead: `INACTIVE` when it was deregistered,
/// `AGENT` or `RESOURCE:*` as for `RunTask` (Developer Guide, "API failure reasons"), and
/// `DRAINING` when it is draining. [inferred] The guide says draining "prevents new tasks from
/// being scheduled for placement on the container instance" and names no StartTask reason for
/// it; `DRAINING` is Orca's.
pub fn start(
    ctx: &mut Ctx,
    td: TaskDefIdx,
    call: &StartTask,
    group: Name,
    started_by: Name,
) -> Started {
    let mut started = Started::default();
    let size = call
        .overrides
        .map(|o| ctx.world.task_definition(td).reservation(Some(o)));
    for name in call.container_instances {
        let Some(i) = ctx.world.instance_by_name(name) else {
            started.failures.push(Failure {
                arn: Some(name.clone()),
                reason: "MISSING".into(),
            });
            continue;
        };
        match placement::place_on(ctx.world, &ctx.net.zones, i, td, size) {
            Ok(p) => {
                let on = ctx.world.instance(i).name.clone();
                let mut why = format!(
                    "Started by StartTask in task group {group}, on {on}, the container instance the call named (no placement strategy): no service watches it, so it is not replaced when it stops, and its health status changes nothing."
                );
                why += &overrides_why(call.overrides, size);
                let owner = Owner::Standalone {
                    launch_type: LaunchType::Ec2,
                    group: group.clone(),
                    started_by: started_by.clone(),
                    overrides: call.overrides.cloned(),
                    started_with: crate::ecs::StartedWith::StartTask,
                };
                let t = task_lifecycle::launch_standalone(ctx, owner, td, p, None, why);
                started.tasks.push(t);
            }
            Err(Some(problem)) => started.failures.push(failure(ctx.world, &problem)),
            Err(None) => {
                let inst = ctx.world.instance(i);
                let reason = match inst.status {
                    InstanceStatus::Draining => "DRAINING",
                    _ => "INACTIVE",
                };
                started.failures.push(Failure {
                    arn: Some(inst.arn.clone()),
                    reason: reason.into(),
                });
            }
        }
    }
    started
}

/// Carry out a `StartTask` action; the line to log when the call was refused or some instance
/// took no task, else `None` (as [`apply`] does for `RunTask`).
pub fn apply_start(ctx: &mut Ctx, call: &StartTask) -> Option<String> {
    let n = call.container_instances.len();
    carry_out(
        ctx,
        ("StartTask", "start-task"),
        (call.task_definition, call.group, call.started_by),
        n,
        |world, td| start_refusal(world, td, n, call.overrides, true),
        |ctx, td, group, started_by| start(ctx, td, call, group, started_by),
    )
}
