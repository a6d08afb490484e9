//! What CloudWatch Logs holds of the containers' output at a moment.
//!
//! - `awslogs` (Amazon ECS Developer Guide, "Send Amazon ECS logs to CloudWatch",
//!   <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html>): the
//!   stream is `prefix/container-name/ecs-task-id` when `awslogs-stream-prefix` is given,
//!   otherwise the Docker container ID; Docker creates it when the container starts and sends
//!   every line.
//! - `awsfirelens` (Amazon ECS Developer Guide, "Send Amazon ECS logs to an AWS service or
//!   AWS Partner", <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html>):
//!   the container's output goes to the task's log router; FireLens tags it
//!   `<container name>-firelens-<task ID>`, and Fluent Bit's `cloudwatch_logs` output names the
//!   stream `log_stream_prefix` + tag. Only what the router receives while it runs reaches
//!   CloudWatch: lines written after it stopped are lost [inferred: the Docker fluentd driver
//!   ECS configures for FireLens connects asynchronously and drops what it cannot send; AWS
//!   recommends an essential log router for this reason].
//! - A container without `logConfiguration` has no stream at all.

use super::ecs_output::container_output;
use super::{LogLine, bounded};
use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::TaskIdx;
use crate::ecs::{ContainerStatus, Task, TaskDefinition};
use crate::scenario::spec::LogDriver;
use crate::time::{Millis, SimTime};

/// One log stream of one container of one task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    pub group: String,
    pub name: String,
    pub task: TaskIdx,
    pub container: usize,
    /// The log router container that carries it (FireLens), if any.
    pub router: Option<usize>,
}

/// CloudWatch Logs' `ingestionTime` follows the event by this much [model].
pub const INGESTION_DELAY: Millis = Millis(200);

/// The 64-hex-digit Docker container ID Orca gives a container (its stream name when awslogs
/// has no prefix) [model: derived from the task id and the container's name, FNV-1a].
pub fn docker_id(task_id: &str, container: &str) -> String {
    let mut out = String::with_capacity(64);
    let mut seed = crate::hash::FNV_OFFSET;
    for round in 0..4u8 {
        let h = crate::hash::fnv1a_from(
            seed ^ u64::from(round),
            task_id.bytes().chain([b'/']).chain(container.bytes()),
        );
        out.push_str(&format!("{h:016x}"));
        seed = h;
    }
    out
}

/// The stream a container's output goes to, if it has a log configuration.
pub fn stream_of(td: &TaskDefinition, t: &Task, task: TaskIdx, i: usize) -> Option<Stream> {
    let def = td.containers.get(i)?;
    let log = def.log.as_ref()?;
    let (name, router) = match log.log_driver {
        LogDriver::Awslogs => (
            match &log.stream_prefix {
                Some(p) => format!("{p}/{}/{}", def.name, t.id),
                None => docker_id(&t.id, &def.name),
            },
            None,
        ),
        LogDriver::Awsfirelens => (
            format!(
                "{}{}-firelens-{}",
                log.stream_prefix.as_deref().unwrap_or(""),
                def.name,
                t.id
            ),
            Some(td.containers.iter().position(|d| d.firelens.is_some())?),
        ),
    };
    Some(Stream {
        group: log.group.clone(),
        name,
        task,
        container: i,
        router,
    })
}

/// Every log group a task definition of the cluster names (they exist: Orca does not model
/// `awslogs-create-group`), sorted.
pub fn groups(ecs: &EcsCluster) -> Vec<String> {
    let mut g: Vec<String> = ecs
        .task_definitions
        .iter()
        .flat_map(|td| td.containers.iter())
        .filter_map(|c| c.log.as_ref().map(|l| l.group.clone()))
        .collect();
    g.sort();
    g.dedup();
    g
}

/// The streams that exist at `now`, in the order tasks were created: an awslogs stream once its
/// container started, a FireLens stream once its router delivered a line of it.
pub fn streams(ecs: &EcsCluster, now: SimTime) -> Vec<Stream> {
    let mut out = Vec::new();
    for (k, t) in ecs.tasks.iter().enumerate() {
        let idx = TaskIdx(k as u32);
        let td = ecs.task_definition(t.task_definition);
        for i in 0..t.containers.len() {
            let Some(s) = stream_of(td, t, idx, i) else {
                continue;
            };
            let exists = match s.router {
                None => t.containers[i].started_at.is_some_and(|at| at <= now),
                Some(_) => !delivered(ecs, &s, now).is_empty(),
            };
            if exists {
                out.push(s);
            }
        }
    }
    out
}

/// When the log router `r` of a task was running: from its start to its stop (or now).
fn router_window(
    ecs: &EcsCluster,
    task: TaskIdx,
    r: usize,
    now: SimTime,
) -> Option<(SimTime, SimTime)> {
    let c = ecs.task(task).containers.get(r)?;
    let from = c.started_at?;
    let until = match c.last_status {
        ContainerStatus::Stopped => c.stopped_at.unwrap_or(now),
        _ => now,
    };
    Some((from, until.min(now)))
}

/// The events of a stream CloudWatch holds at `now`, oldest first (the newest
/// [`super::MAX_LINES`]).
pub fn delivered(ecs: &EcsCluster, s: &Stream, now: SimTime) -> Vec<LogLine> {
    let lines = container_output(ecs, s.task, s.container, now);
    let lines = match s.router {
        None => lines,
        Some(r) => {
            let Some((from, until)) = router_window(ecs, s.task, r, now) else {
                return Vec::new();
            };
            // A line written while the router ran reaches it; one written after is lost.
            let stopped = ecs.task(s.task).containers[r].last_status == ContainerStatus::Stopped;
            lines
                .into_iter()
                .filter(|l| l.at >= from && (l.at < until || (!stopped && l.at <= until)))
                .collect()
        }
    };
    bounded(lines)
}

/// How many lines of the stream's container were written but never reached CloudWatch by
/// `now` (FireLens with its router stopped), for a panel to say so.
pub fn lost(ecs: &EcsCluster, s: &Stream, now: SimTime) -> usize {
    if s.router.is_none() {
        return 0;
    }
    container_output(ecs, s.task, s.container, now)
        .len()
        .saturating_sub(delivered(ecs, s, now).len())
}

/// Why a container's output is not in CloudWatch, or `None` if it is: for a logs panel and
/// the console.
pub fn why_absent(ecs: &EcsCluster, task: TaskIdx, i: usize, now: SimTime) -> Option<String> {
    let t = ecs.task(task);
    let td = ecs.task_definition(t.task_definition);
    let def = td.containers.get(i)?;
    let Some(log) = &def.log else {
        return Some(format!(
            "container {} has no logConfiguration: its output stays with the container runtime and no CloudWatch log stream is created",
            def.name
        ));
    };
    let s = stream_of(td, t, task, i)?;
    if t.containers[i].started_at.is_none_or(|at| at > now) {
        return Some(format!("container {} has not started yet", def.name));
    }
    if let Some(r) = s.router {
        let rc = &t.containers[r];
        if rc.last_status == ContainerStatus::Stopped && lost(ecs, &s, now) > 0 {
            return Some(format!(
                "container {} logs through FireLens ({}) and its log router {} stopped at {}: what it wrote since then is lost",
                def.name,
                log.log_driver.as_str(),
                rc.name,
                rc.stopped_at.map_or_else(String::new, |at| at.iso8601())
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_docker_id_is_64_hex_digits_and_stable() {
        let a = docker_id("4d590253bb114126b7afa7b58eea9221", "web");
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, docker_id("4d590253bb114126b7afa7b58eea9221", "web"));
        assert_ne!(
            a,
            docker_id("4d590253bb114126b7afa7b58eea9221", "log_router")
        );
    }
}
