//! `RunTask` timeline actions (`docs/rules/ecs-standalone-tasks.md`): the task definition
//! exists, the count is one `RunTask` call's (1–10), Fargate gets an awsvpc task definition, and
//! the task group and `startedBy` are what the API takes.

use super::Problems;
use super::ecs_index::EcsIndex;
use crate::ecs::standalone::{
    MAX_COUNT, MAX_START_INSTANCES, MAX_STRATEGY_ITEMS, RunTask, StartTask,
};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{
    CapacityProvider, LaunchType, NetworkMode, TaskDefinitionSpec, TaskOverrideSpec,
};

/// `startedBy`: "Up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward
/// slash (/), and underscores (_) are allowed" (Amazon ECS API Reference, `RunTask`).
const STARTED_BY_MAX: usize = 128;
/// `group`: Orca's cap (the API names no length); a task group is a short label.
const GROUP_MAX: usize = 255;

pub(super) fn run_task(out: &mut Problems, ix: &EcsIndex, a: RunTask, ap: &Path) {
    let tp = ap.field("task_definition");
    let strategy_ok = strategy(out, ix, &a, ap);
    match ix.find_td(a.task_definition) {
        Ok((_, td)) => {
            if let Some(o) = a.overrides {
                overrides(out, ix, td, o, strategy_ok.then(|| a.runs_on()), ap);
            }
            if strategy_ok
                && a.runs_on() == LaunchType::Fargate
                && td.network_mode != NetworkMode::Awsvpc
            {
                let (field, instead) = match a.strategy.is_empty() {
                    true => ("launch_type", "launch_type: Ec2"),
                    false => (
                        "capacity_provider_strategy",
                        "an Auto Scaling group's capacity provider",
                    ),
                };
                out.push((
                    ap.field(field),
                    format!(
                        "task definition {} uses the {:?} network mode, but Fargate runs awsvpc tasks only; use {instead} or a task definition with network_mode: Awsvpc",
                        quoted(a.task_definition),
                        td.network_mode
                    ),
                ));
            }
        }
        Err(e) => out.push((tp, e)),
    }
    if !(1..=MAX_COUNT).contains(&a.count) {
        out.push((
            ap.field("count"),
            format!(
                "count {} is out of range; valid: 1–{MAX_COUNT} (one RunTask call starts at most {MAX_COUNT} tasks; add another RunTask for more)",
                a.count
            ),
        ));
    }
    labels(out, a.started_by, a.group, ap);
}

/// `StartTask` timeline actions: the task definition exists, 1–10 container instances of the
/// scenario by name, and the task group, `startedBy` and overrides as for `RunTask`.
pub(super) fn start_task(out: &mut Problems, ix: &EcsIndex, a: StartTask, ap: &Path) {
    match ix.find_td(a.task_definition) {
        Ok((_, td)) => {
            if let Some(o) = a.overrides {
                overrides(out, ix, td, o, Some(LaunchType::Ec2), ap);
            }
        }
        Err(e) => out.push((ap.field("task_definition"), e)),
    }
    let cp = ap.field("container_instances");
    let n = a.container_instances.len();
    if !(1..=MAX_START_INSTANCES).contains(&n) {
        out.push((
            cp.clone(),
            format!("{n} container instances; a StartTask names 1 to {MAX_START_INSTANCES}"),
        ));
    }
    for (i, name) in a.container_instances.iter().enumerate() {
        if !ix.instance_set.contains(name) {
            let valid = if ix.instances.is_empty() {
                "the cluster has no container instances (capacity.instances)".to_string()
            } else {
                format!("valid: {}", super::common::quoted_names(&ix.instances))
            };
            out.push((
                cp.index(i),
                format!(
                    "container instance {} is not one of the cluster's; {valid}",
                    quoted(name)
                ),
            ));
        }
    }
    labels(out, a.started_by, a.group, ap);
}

/// The `started_by` and `group` of a `RunTask` or `StartTask`.
fn labels(out: &mut Problems, started_by: Option<&str>, group: Option<&str>, ap: &Path) {
    if let Some(s) = started_by {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_');
        if s.is_empty() || s.chars().count() > STARTED_BY_MAX || !s.chars().all(allowed) {
            out.push((
                ap.field("started_by"),
                format!(
                    "started_by {} is not a valid startedBy; valid: 1 to {STARTED_BY_MAX} letters, digits, '-', '/' and '_'",
                    quoted(s)
                ),
            ));
        }
    }
    if let Some(g) = group
        && (g.is_empty() || g.chars().count() > GROUP_MAX || g.chars().any(char::is_control))
    {
        out.push((
            ap.field("group"),
            format!(
                "group {} is not a valid task group; valid: 1 to {GROUP_MAX} printable characters, e.g. \"family:migrate\"",
                quoted(g)
            ),
        ));
    }
}

/// The capacity provider strategy of a `RunTask` (what the API refuses:
/// `ecs::standalone::refusal`); whether it is usable.
fn strategy(out: &mut Problems, ix: &EcsIndex, a: &RunTask, ap: &Path) -> bool {
    let items = a.strategy;
    if items.is_empty() {
        return true;
    }
    let sp = ap.field("capacity_provider_strategy");
    let before = out.len();
    if a.launch_type.is_some() {
        out.push((
            ap.field("launch_type"),
            "a RunTask takes a launch_type or a capacity_provider_strategy, not both (the API refuses both); remove one".into(),
        ));
    }
    let asgs: Vec<&str> =
        ix.w.capacity
            .auto_scaling_groups
            .iter()
            .map(|g| g.capacity_provider.as_str())
            .collect();
    for (i, item) in items.iter().enumerate() {
        if let CapacityProvider::Asg(name) = &item.capacity_provider
            && !asgs.contains(&name.as_str())
        {
            let valid = match asgs.is_empty() {
                true => "the cluster has no Auto Scaling group (capacity.auto_scaling_groups); Fargate and FargateSpot need none".to_string(),
                false => format!("valid: Fargate, FargateSpot, {}", asgs.iter().map(|a| format!("Asg({})", quoted(a))).collect::<Vec<_>>().join(", ")),
            };
            out.push((
                sp.index(i).field("capacity_provider"),
                format!(
                    "capacity provider {} is not one of the cluster's; {valid}",
                    quoted(name)
                ),
            ));
        }
    }
    if items.len() > MAX_STRATEGY_ITEMS {
        out.push((
            sp.clone(),
            format!(
                "{} capacity providers; a strategy has at most {MAX_STRATEGY_ITEMS}",
                items.len()
            ),
        ));
    }
    if items.iter().filter(|i| i.base > 0).count() > 1 {
        out.push((
            sp.clone(),
            "more than one item sets a base; only one may".into(),
        ));
    }
    if items.len() > 1 && items.iter().all(|i| i.weight == 0) {
        out.push((
            sp.clone(),
            "no item has a weight; with several capacity providers at least one needs weight: 1 or more".into(),
        ));
    }
    let fargate = items
        .iter()
        .filter(|i| i.capacity_provider.is_fargate())
        .count();
    if fargate > 0 && fargate < items.len() {
        out.push((
            sp,
            "the strategy mixes Fargate and Auto Scaling group capacity providers; a strategy uses one kind only".into(),
        ));
    }
    out.len() == before
}

/// A `RunTask`'s `overrides` for task definition `td` (what the API refuses:
/// `ecs::standalone::refusal`); `runs_on` when the strategy is usable.
fn overrides(
    out: &mut Problems,
    ix: &EcsIndex,
    td: &TaskDefinitionSpec,
    o: &TaskOverrideSpec,
    runs_on: Option<LaunchType>,
    ap: &Path,
) {
    let op = ap.field("overrides");
    for (i, c) in o.container_overrides.iter().enumerate() {
        let cp = op.field("container_overrides").index(i);
        let Some(def) = td.containers.iter().find(|d| d.name == c.name) else {
            out.push((
                cp.field("name"),
                format!(
                    "container {} is not a container of {}; valid: {}",
                    quoted(&c.name),
                    quoted(&format!("{}:{}", td.family, td.revision)),
                    super::common::quoted_names(td.containers.iter().map(|c| c.name.as_str()))
                ),
            ));
            continue;
        };
        let hard = c.memory.or(def.memory);
        if let (Some(m), Some(task)) = (hard, o.memory.or(td.memory))
            && m > task
        {
            out.push((
                cp.field("memory"),
                format!(
                    "container {} would have a hard memory limit of {m} MiB, more than the task's {task} MiB; the API refuses a container larger than its task",
                    quoted(&c.name)
                ),
            ));
        }
    }
    let length = crate::ecs::standalone::overrides_json(o)
        .to_string()
        .chars()
        .count();
    if length > crate::ecs::standalone::MAX_OVERRIDES_CHARS {
        out.push((
            op.clone(),
            format!(
                "the overrides take {length} characters as JSON; the API allows at most {}",
                crate::ecs::standalone::MAX_OVERRIDES_CHARS
            ),
        ));
    }
    if runs_on == Some(LaunchType::Fargate) && (o.cpu.is_some() || o.memory.is_some()) {
        match (o.cpu.or(td.cpu), o.memory.or(td.memory)) {
            (Some(cpu), Some(memory)) => {
                if let Err(e) = crate::aws::fargate::validate_task_size(cpu, memory) {
                    let field = match e {
                        crate::aws::fargate::FargateSizeError::Cpu { .. } => "cpu",
                        crate::aws::fargate::FargateSizeError::Memory { .. } => "memory",
                    };
                    out.push((op.field(field), format!("the task runs on Fargate: {e}")));
                }
            }
            _ => out.push((
                op.clone(),
                "the task runs on Fargate, which needs both a task-level cpu and memory; give both"
                    .into(),
            )),
        }
    }
    if !ix.w.iam.is_empty() {
        for (field, arn) in [
            ("task_role_arn", &o.task_role_arn),
            ("execution_role_arn", &o.execution_role_arn),
        ] {
            if let Some(arn) = arn {
                super::iam::role_ref(
                    out,
                    &ix.w.iam,
                    &ix.w.cluster.account_id,
                    arn,
                    op.field(field),
                    field,
                );
            }
        }
    }
}
