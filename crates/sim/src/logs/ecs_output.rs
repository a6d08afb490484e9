//! What a container of an ECS task writes to stdout and stderr [model: Orca's applications;
//! real ones print what their authors chose]. The lines follow what the simulation knows:
//!
//! - the start of the process, and the moment the application listens (`startup_seconds`);
//! - the container health check's requests (Docker runs the command inside the container, so
//!   the application logs a request from 127.0.0.1 every `interval`), answered as the
//!   application's behaviour says at that moment; a request refused or timed out leaves no line;
//! - once a minute, how many requests the task served from the service's load (its share of
//!   the requests per second), or how many failed while the application fails;
//! - how the run ended: an error line before a crash with a non-zero code, a shutdown line on
//!   SIGTERM, nothing on SIGKILL (137) or a segfault (139) — the kernel ends the process.
//!
//! A log router (FireLens) writes Fluent Bit's own start-up lines instead of requests.

use super::{LogLine, bounded, stamp};
use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::TaskIdx;
use crate::ecs::{ContainerStatus, FailMode, TaskStatus};
use crate::time::{Millis, SimTime};

const MINUTE: Millis = Millis::from_secs(60);

/// The path a health check command asks for: the path of its first `http://` URL, else
/// `/health`.
pub fn health_path(command: &[String]) -> String {
    command
        .iter()
        .flat_map(|w| w.split_whitespace())
        .find_map(|w| {
            let rest = w.strip_prefix("http://")?;
            Some(rest.find('/').map_or("/", |i| &rest[i..]).to_string())
        })
        .unwrap_or_else(|| "/health".into())
}

/// The lines container `i` of `task` wrote in its current run, up to `until` (the newest
/// [`super::MAX_LINES`]). Nothing if it never started.
pub fn container_output(ecs: &EcsCluster, task: TaskIdx, i: usize, until: SimTime) -> Vec<LogLine> {
    let t = ecs.task(task);
    let td = ecs.task_definition(t.task_definition);
    let (Some(c), Some(def)) = (t.containers.get(i), td.containers.get(i)) else {
        return Vec::new();
    };
    let Some(first_start) = c.started_at else {
        return Vec::new();
    };
    let start = c.last_restart_at.unwrap_or(first_start);
    if start > until {
        return Vec::new();
    }
    let end = c.stopped_at.filter(|&s| s <= until).unwrap_or(until);
    let mut lines = Vec::new();
    let mut push = |at: SimTime, text: String| lines.push(LogLine { at, text });
    if let Some(kind) = def.firelens {
        push(start, "Fluent Bit v1.9.10".into());
        push(
            start,
            format!(
                "[{}] [ info] [engine] started (pid=1), FireLens type {}",
                stamp(start),
                kind.as_str()
            ),
        );
        let workers = td.containers.iter().filter(|d| {
            d.log
                .as_ref()
                .is_some_and(|l| l.log_driver == crate::scenario::spec::LogDriver::Awsfirelens)
        });
        for (n, _) in workers.enumerate() {
            push(
                start,
                format!(
                    "[{}] [ info] [output:cloudwatch_logs:cloudwatch_logs.{n}] worker #0 started",
                    stamp(start)
                ),
            );
        }
    } else {
        push(
            start,
            format!(
                "{} INFO  {} starting (image {})",
                stamp(start),
                c.name,
                c.image
            ),
        );
        if let Some(up) = c.app.up_at.filter(|&u| u <= end) {
            let what = def
                .port
                .map_or_else(|| "ready".to_string(), |p| format!("listening on :{p}"));
            push(up, format!("{} INFO  {what}", stamp(up)));
        }
        let mut events: Vec<LogLine> = Vec::new();
        if let Some(hc) = &def.health_check {
            let path = health_path(&hc.command);
            let mut at = start.plus(hc.interval);
            let mut n = 0;
            while at <= end && n < 4 * super::MAX_LINES {
                let code = match c.app.answer_at(at) {
                    None => Some(200),
                    Some(FailMode::Status(code)) => Some(code),
                    Some(FailMode::Timeout | FailMode::ConnectionRefused) => None,
                };
                if let Some(code) = code {
                    events.push(LogLine {
                        at,
                        text: format!(
                            "127.0.0.1 - - [{}] \"GET {path} HTTP/1.1\" {code} {} \"-\" \"curl/8.5.0\"",
                            stamp(at),
                            if code == 200 { 2 } else { 21 }
                        ),
                    });
                }
                at = at.plus(hc.interval);
                n += 1;
            }
        }
        if def.port.is_some()
            && let Some(load) = t.service.and_then(|s| ecs.service(s).load.as_ref())
            && let Some(up) = c.app.up_at
        {
            let service = t.service;
            let mut at = up.plus(MINUTE);
            let mut n = 0;
            while at <= end && n < super::MAX_LINES {
                // The task's share of the requests, among the tasks of its service serving then.
                let serving = service.map_or(1, |s| {
                    ecs.service(s)
                        .tasks
                        .iter()
                        .chain(std::iter::once(&task))
                        .filter(|&&o| serving_at(ecs, o, at))
                        .map(|o| o.0)
                        .collect::<std::collections::BTreeSet<_>>()
                        .len()
                        .max(1)
                });
                let requests = (load.rps_at(at) * 60.0 / serving as f64).round() as u64;
                let text = match c.app.answer_at(at) {
                    None => format!(
                        "{} INFO  served {requests} requests in the last minute (HTTP 200)",
                        stamp(at)
                    ),
                    Some(FailMode::Status(code)) => format!(
                        "{} ERROR {requests} requests in the last minute failed with HTTP {code}",
                        stamp(at)
                    ),
                    Some(_) => format!(
                        "{} WARN  {requests} requests in the last minute timed out",
                        stamp(at)
                    ),
                };
                events.push(LogLine { at, text });
                at = at.plus(MINUTE);
                n += 1;
            }
        }
        events.sort_by_key(|l| l.at);
        lines.extend(events);
    }
    // How the run ended.
    if let Some(stopped) = c.stopped_at.filter(|&s| s <= until)
        && c.last_status == ContainerStatus::Stopped
    {
        match c.exit_code {
            Some(0) if t.stopping_at.is_some_and(|s| s <= stopped) => lines.push(LogLine {
                at: stopped,
                text: format!("{} INFO  received SIGTERM, shutting down", stamp(stopped)),
            }),
            Some(0) => lines.push(LogLine {
                at: stopped,
                text: format!("{} INFO  done, exiting", stamp(stopped)),
            }),
            // SIGKILL (137) and SIGSEGV (139) leave no last words.
            Some(137 | 139) | None => {}
            Some(code) => lines.push(LogLine {
                at: stopped,
                text: format!(
                    "{} ERROR unrecoverable error; exiting with status {code}",
                    stamp(stopped)
                ),
            }),
        }
    }
    bounded(lines)
}

/// The task's application serves requests at `at` (RUNNING, started, not yet stopping).
fn serving_at(ecs: &EcsCluster, task: TaskIdx, at: SimTime) -> bool {
    let t = ecs.task(task);
    t.started_at.is_some_and(|s| s <= at)
        && t.stopping_at.is_none_or(|s| s > at)
        && t.last_status != TaskStatus::Provisioning
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_health_path_is_read_from_the_command() {
        let cmd = |s: &str| vec!["CMD-SHELL".to_string(), s.to_string()];
        assert_eq!(
            health_path(&cmd("curl -f http://localhost:8080/health || exit 1")),
            "/health"
        );
        assert_eq!(
            health_path(&cmd("curl -f http://localhost/ || exit 1")),
            "/"
        );
        assert_eq!(health_path(&cmd("pgrep nginx")), "/health");
    }
}
