//! `RunTask` timeline actions (`docs/rules/ecs-standalone-tasks.md`): the task definition
//! exists, the count is one `RunTask` call's (1–10), Fargate gets an awsvpc task definition, and
//! the task group and `startedBy` are what the API takes.

use super::Problems;
use super::ecs_index::EcsIndex;
use crate::ecs::standalone::{MAX_COUNT, RunTask};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{LaunchType, NetworkMode};

/// `startedBy`: "Up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward
/// slash (/), and underscores (_) are allowed" (Amazon ECS API Reference, `RunTask`).
const STARTED_BY_MAX: usize = 128;
/// `group`: Orca's cap (the API names no length); a task group is a short label.
const GROUP_MAX: usize = 255;

pub(super) fn run_task(out: &mut Problems, ix: &EcsIndex, a: RunTask, ap: &Path) {
    let tp = ap.field("task_definition");
    match ix.find_td(a.task_definition) {
        Ok((_, td)) => {
            if a.launch_type == LaunchType::Fargate && td.network_mode != NetworkMode::Awsvpc {
                out.push((
                    ap.field("launch_type"),
                    format!(
                        "task definition {} uses the {:?} network mode, but Fargate runs awsvpc tasks only; use launch_type: Ec2 or a task definition with network_mode: Awsvpc",
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
    if let Some(s) = a.started_by {
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
    if let Some(g) = a.group
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
