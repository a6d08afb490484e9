//! `aws ecs run-task`: standalone tasks (`ecs::standalone`, docs/rules/ecs-standalone-tasks.md).
//! The command becomes a `RunTask` action; its reply, `{"tasks": […], "failures": […]}`, is
//! written from the world once the action took effect.

use serde_json::json;

use super::args::{self, Args, Param};
use super::shapes;
use super::{EcsContext, parse};
use crate::console::{After, Outcome};
use crate::ecs::standalone::{self, MAX_COUNT};
use crate::scenario::spec::{Action, LaunchType};
use crate::time::SimTime;
use crate::world::World;

/// `RunTask` parameters the real CLI takes and Orca does not simulate (AWS CLI Command
/// Reference, `aws ecs run-task`).
const NOT_SIMULATED: &[&str] = &[
    "--placement-strategy",
    "--placement-constraints",
    "--platform-version",
    "--enable-execute-command",
    "--enable-ecs-managed-tags",
    "--propagate-tags",
    "--tags",
    "--reference-id",
    "--volume-configurations",
    "--client-token",
];

/// The answer to a command that gives an option Orca does not simulate (one of `flags`):
/// what the command does instead (`does`).
fn not_simulated(words: &[String], flags: &[&str], command: &str, does: &str) -> Option<Outcome> {
    let flag = words.iter().find_map(|w| {
        let name = w.split_once('=').map_or(w.as_str(), |(n, _)| n);
        flags.iter().find(|f| **f == name)
    })?;
    Some(Outcome::Fail(format!(
        "Orca does not simulate `{command} {flag}`. It {does}.\n"
    )))
}

pub(super) fn run_task(cx: &EcsContext, words: &[String]) -> Outcome {
    if let Some(refused) = not_simulated(
        words,
        NOT_SIMULATED,
        "run-task",
        "runs a task definition with --count, --launch-type EC2|FARGATE or --capacity-provider-strategy, --group, --started-by, --network-configuration and --overrides",
    ) {
        return refused;
    }
    let args = match parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::text("--task-definition").required(),
            Param::int("--count"),
            Param::text("--launch-type"),
            Param::list("--capacity-provider-strategy"),
            Param::text("--group"),
            Param::text("--started-by"),
            Param::text("--network-configuration"),
            Param::text("--overrides"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let td = match task_definition(cx, &args) {
        Ok(td) => td,
        Err(o) => return o,
    };
    let count = match args.int("--count") {
        None => 1,
        Some(Ok(n)) if (1..=MAX_COUNT as i64).contains(&n) => n as u32,
        Some(Ok(n)) => {
            return cx.exception(
                "InvalidParameterException",
                &format!("count must be between 1 and {MAX_COUNT}; got {n}."),
            );
        }
        Some(Err(e)) => return Outcome::Fail(e),
    };
    // With neither a launch type nor a capacity provider strategy, a cluster without a default
    // capacity provider strategy runs the task with the EC2 launch type (Amazon ECS API
    // Reference, `RunTask`, `launchType`); Orca's clusters have no default strategy.
    let launch_type = match args.one("--launch-type") {
        None => None,
        Some("EC2") => Some(LaunchType::Ec2),
        Some("FARGATE") => Some(LaunchType::Fargate),
        Some(other) => {
            return cx.exception(
                "InvalidParameterException",
                &format!(
                    "Invalid launch type {other}. Orca runs tasks with EC2 or FARGATE (EXTERNAL and MANAGED_INSTANCES are not simulated)."
                ),
            );
        }
    };
    let strategy_words: Vec<&str> = args.list("--capacity-provider-strategy").collect();
    let strategy = if strategy_words.is_empty() {
        Vec::new()
    } else {
        match args::capacity_provider_strategy(&strategy_words) {
            Ok(s) => s,
            Err(e) => return Outcome::Fail(e),
        }
    };
    let overrides = match args
        .one("--overrides")
        .map(super::overrides::parse)
        .transpose()
    {
        Ok(o) => o,
        Err(e) => return Outcome::Fail(e),
    };
    let network = args.one("--network-configuration").is_some();
    let td_idx = crate::ecs::ids::TaskDefIdx(td as u32);
    let def = &cx.ecs.task_definitions[td];
    let task_definition = format!("{}:{}", def.family, def.revision);
    let (group, started_by) = (args.one("--group"), args.one("--started-by"));
    let call = standalone::RunTask {
        task_definition: &task_definition,
        count,
        launch_type,
        strategy: &strategy,
        group,
        started_by,
        overrides: overrides.as_ref(),
    };
    if let Some(refused) = standalone::refusal(cx.ecs, td_idx, &call, network) {
        return cx.exception(refused.code, &refused.message);
    }
    Outcome::Act {
        actions: vec![Action::RunTask {
            task_definition,
            count,
            launch_type,
            capacity_provider_strategy: strategy,
            group: group.map(str::to_string),
            started_by: started_by.map(str::to_string),
            overrides,
        }],
        after: After::RunTask {
            before: cx.ecs.tasks.len(),
        },
    }
}

/// `StartTask` parameters the real CLI takes and Orca does not simulate (AWS CLI Command
/// Reference, `aws ecs start-task`).
const START_NOT_SIMULATED: &[&str] = &[
    "--enable-execute-command",
    "--enable-ecs-managed-tags",
    "--propagate-tags",
    "--tags",
    "--reference-id",
    "--volume-configurations",
];

/// `aws ecs start-task`: one standalone task on each container instance named, with no
/// placement strategy (`ecs::standalone::start`).
pub(super) fn start_task(cx: &EcsContext, words: &[String]) -> Outcome {
    if let Some(refused) = not_simulated(
        words,
        START_NOT_SIMULATED,
        "start-task",
        "starts a task definition on the container instances named, with --group, --started-by, --network-configuration and --overrides",
    ) {
        return refused;
    }
    let args = match parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::text("--task-definition").required(),
            Param::list("--container-instances").required(),
            Param::text("--group"),
            Param::text("--started-by"),
            Param::text("--network-configuration"),
            Param::text("--overrides"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let td = match task_definition(cx, &args) {
        Ok(td) => td,
        Err(o) => return o,
    };
    let overrides = match args
        .one("--overrides")
        .map(super::overrides::parse)
        .transpose()
    {
        Ok(o) => o,
        Err(e) => return Outcome::Fail(e),
    };
    // The instances the cluster has, by their names in the scenario; the others are the
    // API's MISSING failures, answered in the reply.
    let (mut names, mut missing) = (Vec::new(), Vec::new());
    for given in args.list("--container-instances") {
        match cx.instance_named(given) {
            Some(i) => names.push(cx.ecs.instances[i].name.clone()),
            None if given.starts_with("arn:") => missing.push(given.to_string()),
            None => missing.push(format!(
                "arn:aws:ecs:{}:{}:container-instance/{}/{given}",
                cx.world.net.region, cx.world.net.account_id, cx.ecs.name
            )),
        }
    }
    let def = &cx.ecs.task_definitions[td];
    let task_definition = format!("{}:{}", def.family, def.revision);
    let (group, started_by) = (args.one("--group"), args.one("--started-by"));
    let network = args.one("--network-configuration").is_some();
    let td_idx = crate::ecs::ids::TaskDefIdx(td as u32);
    // The whole list counts toward the API's limit of 10, found or not.
    let all = names.len() + missing.len();
    if let Some(refused) =
        standalone::start_refusal(cx.ecs, td_idx, all, overrides.as_ref(), network)
    {
        return cx.exception(refused.code, &refused.message);
    }
    if names.is_empty() {
        let failures: Vec<_> = missing
            .iter()
            .map(|arn| json!({ "arn": arn, "reason": "MISSING" }))
            .collect();
        return Outcome::Print(shapes::pretty(
            &json!({ "tasks": [], "failures": failures }),
        ));
    }
    Outcome::Act {
        actions: vec![Action::StartTask {
            task_definition,
            container_instances: names,
            group: group.map(str::to_string),
            started_by: started_by.map(str::to_string),
            overrides,
        }],
        after: After::StartTask {
            before: cx.ecs.tasks.len(),
            missing,
        },
    }
}

/// [`reply`] for `start-task`, with a `MISSING` failure for each container instance the
/// cluster does not have.
pub fn reply_start(world: &World, now: SimTime, before: usize, missing: &[String]) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&reply(world, now, before))
        .unwrap_or_else(|_| json!({ "tasks": [], "failures": [] }));
    if let Some(failures) = v["failures"].as_array_mut() {
        failures.extend(
            missing
                .iter()
                .map(|arn| json!({ "arn": arn, "reason": "MISSING" })),
        );
    }
    shapes::pretty(&v)
}

/// `{"tasks": […], "failures": […]}` once the action took effect: the standalone tasks created
/// since the command (the task list had `before` tasks; a task waiting for a capacity
/// provider's instance is among them, PROVISIONING), and the failures the call kept
/// (`EcsCluster::last_run_task`).
pub fn reply(world: &World, now: SimTime, before: usize) -> String {
    let Some(ecs) = world.ecs.as_ref() else {
        return String::new();
    };
    let tasks: Vec<_> = ecs
        .tasks
        .iter()
        .skip(before)
        .filter(|t| t.service.is_none())
        .map(|t| shapes::task(world, ecs, now, t))
        .collect();
    let failures: Vec<_> = match ecs.last_run_task.as_deref() {
        Some((b, failures)) if *b == before => failures
            .iter()
            .map(|f| match &f.arn {
                Some(arn) => json!({ "arn": arn, "reason": f.reason }),
                None => json!({ "reason": f.reason }),
            })
            .collect(),
        _ => Vec::new(),
    };
    shapes::pretty(&json!({ "tasks": tasks, "failures": failures }))
}

/// The task definition `--task-definition` names (`family`, `family:revision` or its ARN), or
/// the API's refusal, as RunTask and StartTask answer it.
fn task_definition(cx: &EcsContext, args: &Args) -> Result<usize, Outcome> {
    let given = args.one("--task-definition").unwrap_or_default();
    cx.task_definition_named(given).ok_or_else(|| {
        cx.exception(
            "ClientException",
            &format!("Unable to describe task definition {given}."),
        )
    })
}
