//! The containers of one task definition together: `dependsOn` (names, cycles, conditions
//! the other container can meet), `startTimeout`, and the log configuration (an `awsfirelens`
//! container needs the task's log router). Sources: Amazon ECS API Reference,
//! ContainerDependency, ContainerDefinition (`startTimeout`, `logConfiguration`,
//! `firelensConfiguration`); Amazon CloudWatch Logs API Reference, CreateLogGroup (names).

use super::Problems;
use super::common::{check_limit, quoted_names};
use crate::scenario::limits::{DEPENDS_ON, START_TIMEOUT};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{DependencyCondition, LogDriver, TaskDefinitionSpec};

pub(super) fn containers_together(out: &mut Problems, td: &TaskDefinitionSpec, cp: &Path) {
    let names: Vec<&str> = td.containers.iter().map(|c| c.name.as_str()).collect();
    let routers: Vec<usize> = (0..td.containers.len())
        .filter(|&i| td.containers[i].firelens_configuration.is_some())
        .collect();
    if routers.len() > 1 {
        out.push((
            cp.index(routers[1]).field("firelens_configuration"),
            format!(
                "a task has at most one log router; {} and {} both have firelens_configuration",
                quoted(names[routers[0]]),
                quoted(names[routers[1]])
            ),
        ));
    }
    for (i, c) in td.containers.iter().enumerate() {
        let p = cp.index(i);
        if let Some(t) = c.start_timeout {
            check_limit(
                out,
                p.field("start_timeout"),
                "start_timeout",
                t,
                START_TIMEOUT,
                " s",
            );
        }
        let dp = p.field("depends_on");
        if c.depends_on.len() > DEPENDS_ON {
            out.push((
                dp.clone(),
                format!(
                    "{} dependencies; a container can depend on each of the other {DEPENDS_ON} containers of a task at most once",
                    c.depends_on.len()
                ),
            ));
            continue;
        }
        for (k, d) in c.depends_on.iter().enumerate() {
            let dpk = dp.index(k);
            if c.depends_on[..k]
                .iter()
                .any(|e| e.container_name == d.container_name)
            {
                out.push((
                    dpk.field("container_name"),
                    format!(
                        "{} is named twice in depends_on; give each container once",
                        quoted(&d.container_name)
                    ),
                ));
                continue;
            }
            if d.container_name == c.name {
                out.push((
                    dpk.field("container_name"),
                    format!(
                        "container {} depends on itself; name another container of the task",
                        quoted(&c.name)
                    ),
                ));
                continue;
            }
            let Some(j) = names.iter().position(|n| *n == d.container_name) else {
                let others: Vec<&str> = names.iter().copied().filter(|n| *n != c.name).collect();
                out.push((
                    dpk.field("container_name"),
                    format!(
                        "no container {} in this task definition; valid: {}",
                        quoted(&d.container_name),
                        if others.is_empty() {
                            "none (the task has one container)".to_string()
                        } else {
                            quoted_names(&others)
                        }
                    ),
                ));
                continue;
            };
            let dep = &td.containers[j];
            match d.condition {
                // "This condition can't be set on an essential container."
                DependencyCondition::Complete | DependencyCondition::Success if dep.essential => {
                    out.push((
                        dpk.field("condition"),
                        format!(
                            "condition {} on {}, which is essential: an essential container that exits stops the task, so COMPLETE and SUCCESS may only name a container with essential: false",
                            d.condition.as_str(),
                            quoted(&dep.name)
                        ),
                    ));
                }
                // "This requires that the dependent container has health checks configured."
                DependencyCondition::Healthy if dep.health_check.is_none() => out.push((
                    dpk.field("condition"),
                    format!(
                        "condition HEALTHY on {}, which has no health_check; give it a health_check or use START",
                        quoted(&dep.name)
                    ),
                )),
                _ => {}
            }
        }
    }
    if let Some(cycle) = find_cycle(td) {
        let first = cycle[0];
        out.push((
            cp.index(first).field("depends_on"),
            format!(
                "a dependency cycle: {}; no container in it could ever start",
                cycle
                    .iter()
                    .chain(std::iter::once(&first))
                    .map(|&i| quoted(names[i]))
                    .collect::<Vec<_>>()
                    .join(" → ")
            ),
        ));
    }
    logs(out, td, cp, &routers);
}

/// A cycle of `dependsOn` among the containers, as indices in order, if there is one
/// (depth-first search; at most 10 containers).
fn find_cycle(td: &TaskDefinitionSpec) -> Option<Vec<usize>> {
    let n = td.containers.len();
    let edges: Vec<Vec<usize>> = td
        .containers
        .iter()
        .map(|c| {
            c.depends_on
                .iter()
                .filter_map(|d| {
                    td.containers
                        .iter()
                        .position(|o| o.name == d.container_name && o.name != c.name)
                })
                .collect()
        })
        .collect();
    // 0 = not seen, 1 = on the current path, 2 = done.
    let mut mark = vec![0u8; n];
    let mut path = Vec::new();
    fn visit(
        i: usize,
        edges: &[Vec<usize>],
        mark: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        mark[i] = 1;
        path.push(i);
        for &j in &edges[i] {
            if mark[j] == 1 {
                let from = path.iter().position(|&k| k == j).unwrap_or(0);
                return Some(path[from..].to_vec());
            }
            if mark[j] == 0
                && let Some(c) = visit(j, edges, mark, path)
            {
                return Some(c);
            }
        }
        path.pop();
        mark[i] = 2;
        None
    }
    (0..n).find_map(|i| {
        if mark[i] == 0 {
            visit(i, &edges, &mut mark, &mut path)
        } else {
            None
        }
    })
}

/// Log group names: 1–512 characters of `a-zA-Z0-9_-/.#` (CloudWatch Logs API Reference,
/// CreateLogGroup); stream names may not contain `:` or `*` (CreateLogStream).
fn logs(out: &mut Problems, td: &TaskDefinitionSpec, cp: &Path, routers: &[usize]) {
    for (i, c) in td.containers.iter().enumerate() {
        let Some(l) = &c.log_configuration else {
            continue;
        };
        let lp = cp.index(i).field("log_configuration");
        let ok = |ch: char| ch.is_ascii_alphanumeric() || "_-/.#".contains(ch);
        if l.group.is_empty() || l.group.len() > 512 || !l.group.chars().all(ok) {
            out.push((
                lp.field("group"),
                format!(
                    "the log group name {} is not valid; 1 to 512 characters of letters, digits and _ - / . #, e.g. \"/ecs/web\"",
                    quoted(&l.group)
                ),
            ));
        }
        if let Some(prefix) = &l.stream_prefix
            && (prefix.is_empty() || prefix.len() > 256 || prefix.contains([':', '*']))
        {
            out.push((
                lp.field("stream_prefix"),
                format!(
                    "the stream prefix {} is not valid; 1 to 256 characters without : or *, e.g. \"web\"",
                    quoted(prefix)
                ),
            ));
        }
        if l.log_driver == LogDriver::Awsfirelens && routers.is_empty() {
            out.push((
                lp.field("log_driver"),
                format!(
                    "container {} uses the awsfirelens log driver, but no container of the task has firelens_configuration; add a log router container (e.g. image \"public.ecr.aws/aws-observability/aws-for-fluent-bit:stable\") with firelens_configuration: (type: FluentBit)",
                    quoted(&c.name)
                ),
            ));
        }
        if l.log_driver == LogDriver::Awsfirelens && c.firelens_configuration.is_some() {
            out.push((
                lp.field("log_driver"),
                "the log router cannot send its own output through itself; give it the awslogs driver".into(),
            ));
        }
    }
}
