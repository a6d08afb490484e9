//! The logs of the selected task or pod, in a collapsible section of the inspector: each ECS
//! container's CloudWatch log stream (`prefix/container/task-id`) with the events CloudWatch
//! holds, or why it holds none (no `logConfiguration`, not started, a stopped FireLens router
//! losing lines); a pod's container as `kubectl logs` prints it.

use bevy_egui::egui;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::k8s::cluster::{Cluster, ContainerState};
use orca_sim::logs::cloudwatch::{delivered, lost, stream_of, why_absent};
use orca_sim::logs::ecs_output::container_output;
use orca_sim::logs::eks_output::{previous_start, run_lines};
use orca_sim::logs::eks_side_output::run_lines as side_run_lines;
use orca_sim::world::TaskIdx;
use orca_sim::{Event, SimTime};

/// At most this many of the newest lines per container in the inspector (the logs window, K,
/// shows [`WINDOW_LINES`]; the console's `aws logs` and `kubectl logs` show everything).
pub const SHOWN: usize = 12;
/// At most this many of the newest lines per container in the logs window.
pub const WINDOW_LINES: usize = 500;

/// What the panel shows of one container: a heading, notes, and its newest lines.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerLog {
    pub heading: String,
    pub notes: Vec<String>,
    pub lines: Vec<String>,
}

fn newest(mut lines: Vec<String>, limit: usize) -> Vec<String> {
    if lines.len() > limit {
        lines.drain(..lines.len() - limit);
    }
    lines
}

/// Each container of a task, as CloudWatch Logs holds its output at `now`.
pub fn task_log_view(
    ecs: &EcsCluster,
    t: TaskIdx,
    now: SimTime,
    limit: usize,
) -> Vec<ContainerLog> {
    let task = ecs.task(t);
    let td = ecs.task_definition(task.task_definition);
    (0..task.containers.len().min(td.containers.len()))
        .map(|i| {
            let name = &td.containers[i].name;
            let mut notes: Vec<String> = why_absent(ecs, t, i, now).into_iter().collect();
            match stream_of(td, task, t, i) {
                Some(s) => {
                    let lines = delivered(ecs, &s, now)
                        .into_iter()
                        .map(|l| format!("[{}] {}", l.at, l.text))
                        .collect();
                    let gone = lost(ecs, &s, now);
                    if gone > 0 {
                        notes.push(format!(
                            "{gone} line{} written after the log router stopped never reached CloudWatch",
                            if gone == 1 { "" } else { "s" }
                        ));
                    }
                    ContainerLog {
                        heading: format!("{name} → {} · stream {}", s.group, s.name),
                        notes,
                        lines: newest(lines, limit),
                    }
                }
                // No stream: the output stays with the container runtime (`docker logs`).
                None => ContainerLog {
                    heading: format!("{name} → no CloudWatch stream"),
                    notes,
                    lines: newest(
                        container_output(ecs, t, i, now)
                            .into_iter()
                            .map(|l| format!("[{}] (runtime only) {}", l.at, l.text))
                            .collect(),
                        limit,
                    ),
                },
            }
        })
        .collect()
}

/// Each container of the pod as `kubectl logs POD -c NAME` prints it at `now`: the first app
/// container (as [`pod_log_view`]), then its native sidecars and further app containers.
pub fn pod_log_views(
    eks: &Cluster,
    p: usize,
    log: &[Event],
    now: SimTime,
    limit: usize,
) -> Vec<ContainerLog> {
    let pod = &eks.pods[p];
    let mut first = pod_log_view(eks, p, log, now, limit);
    if pod.side.is_empty() {
        return vec![first];
    }
    first.heading = format!(
        "kubectl logs {} -c {}",
        pod.name,
        eks.template_of(p).container
    );
    let mut out = vec![first];
    for s in &pod.side {
        out.push(ContainerLog {
            heading: format!("kubectl logs {} -c {}", pod.name, s.name),
            notes: Vec::new(),
            lines: newest(side_run_lines(eks, now, p, s, false), limit),
        });
    }
    out
}

/// The pod's container as `kubectl logs` prints it at `now`, or why it prints nothing.
pub fn pod_log_view(
    eks: &Cluster,
    p: usize,
    log: &[Event],
    now: SimTime,
    limit: usize,
) -> ContainerLog {
    let pod = &eks.pods[p];
    let t = eks.template_of(p);
    let heading = format!("kubectl logs {}", pod.name);
    let start = match &pod.state {
        ContainerState::Running { started_at } => *started_at,
        ContainerState::Terminated { .. } => previous_start(eks, log, p, now),
        ContainerState::Waiting { reason } => {
            return ContainerLog {
                heading,
                notes: vec![format!(
                    "container \"{}\" is waiting to start: {reason}",
                    t.container
                )],
                lines: Vec::new(),
            };
        }
    };
    ContainerLog {
        heading,
        notes: Vec::new(),
        lines: newest(
            run_lines(eks, log, now, p, start, false)
                .into_iter()
                .map(|l| l.text)
                .collect(),
            limit,
        ),
    }
}

pub(super) fn show(ui: &mut egui::Ui, c: &ContainerLog) {
    ui.label(egui::RichText::new(&c.heading).strong());
    for n in &c.notes {
        ui.label(egui::RichText::new(format!("⚠ {n}")).weak());
    }
    if c.lines.is_empty() && c.notes.is_empty() {
        ui.weak("(no lines yet)");
    }
    for l in &c.lines {
        ui.label(egui::RichText::new(l).monospace());
    }
    ui.add_space(4.0);
}

pub(super) fn task_logs(ui: &mut egui::Ui, ecs: &EcsCluster, t: TaskIdx, now: SimTime) {
    egui::CollapsingHeader::new("Logs (CloudWatch Logs)")
        .id_salt("task-logs")
        .default_open(true)
        .show(ui, |ui| {
            ui.weak("K opens them in a window");
            for c in task_log_view(ecs, t, now, SHOWN) {
                show(ui, &c);
            }
        });
}

pub(super) fn pod_logs(ui: &mut egui::Ui, eks: &Cluster, p: usize, log: &[Event], now: SimTime) {
    egui::CollapsingHeader::new("Logs (kubectl logs)")
        .id_salt("pod-logs")
        .default_open(true)
        .show(ui, |ui| {
            ui.weak("K opens them in a window");
            for c in pod_log_views(eks, p, log, now, SHOWN) {
                show(ui, &c);
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::panels::inspector_containers::tests::at;

    #[test]
    fn lines_written_after_the_firelens_router_stopped_are_shown_as_lost() {
        // web:1's router crashes 3 minutes after it starts; at 3:50 the app has written on.
        let pb = at("ecs-log-router-sidecar", 230);
        let ecs = pb.world().ecs.as_ref().expect("ecs");
        let view = task_log_view(ecs, TaskIdx(0), pb.world().now, SHOWN);
        let id = &ecs.task(TaskIdx(0)).id;
        let web = view
            .iter()
            .find(|c| c.heading.starts_with("web →"))
            .unwrap();
        assert!(
            web.heading.ends_with(&format!("web-firelens-{id}")),
            "{}",
            web.heading
        );
        assert!(
            web.notes
                .iter()
                .any(|n| n.ends_with("never reached CloudWatch")),
            "{:?}",
            web.notes
        );
        assert!(!web.lines.is_empty() && web.lines.len() <= SHOWN);
        // Every line shown was written before the router stopped, at 3:00.
        assert!(
            web.lines
                .iter()
                .all(|l| l.get(..7).is_some_and(|s| s <= "[03:00]")),
            "{:?}",
            web.lines
        );
    }

    #[test]
    fn a_running_pod_prints_its_run_as_kubectl_logs_does() {
        let pb = at("eks-ebs-volume-zone", 60);
        let eks = pb.world().eks.as_ref().expect("eks");
        let p = (0..eks.pods.len())
            .find(|&p| eks.pods[p].name.starts_with("orders-db") && !eks.pods[p].gone)
            .expect("orders-db");
        let v = pod_log_view(eks, p, pb.log(), pb.world().now, SHOWN);
        assert_eq!(v.heading, format!("kubectl logs {}", eks.pods[p].name));
        assert!(
            v.lines[0].contains("INFO  postgres starting"),
            "{:?}",
            v.lines
        );
    }
}
