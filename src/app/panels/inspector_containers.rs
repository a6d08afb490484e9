//! The inspector's containers and volumes of the selected task or pod: each container's role
//! (essential or not, log router, init container), where its `dependsOn` conditions stand, its
//! restarts; each volume (EFS with its mount target in the task's zone, Fargate ephemeral
//! storage, or the pod's claim, PersistentVolume, zone and attachment) and why the pod waits
//! for it. Then the logs (`inspector_logs`).

use bevy_egui::egui;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::container_deps::{DepState, reached};
use orca_sim::ecs::volumes::file_system;
use orca_sim::ecs::{ContainerStatus, Host};
use orca_sim::k8s::cluster::{Cluster, ContainerState};
use orca_sim::k8s::volumes::{claim_of, claim_phase, pod_volume_reason, volume_cards};
use orca_sim::world::TaskIdx;
use orca_sim::{Event, SimTime};

use super::inspector_logs::{pod_logs, task_logs};

/// One row: a label and its words.
fn kv(ui: &mut egui::Ui, k: &str, v: impl Into<String>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(k).weak());
        ui.label(egui::RichText::new(v.into()).monospace());
    });
}

/// The task's containers, volumes and logs.
pub(super) fn task_containers(ui: &mut egui::Ui, ecs: &EcsCluster, t: TaskIdx, now: SimTime) {
    ui.add_space(4.0);
    ui.strong("Containers");
    for line in task_container_lines(ecs, t) {
        kv(ui, &line.0, line.1);
    }
    let volumes = task_volume_lines(ecs, t);
    if !volumes.is_empty() {
        ui.add_space(4.0);
        ui.strong("Volumes");
        for line in volumes {
            kv(ui, &line.0, line.1);
        }
    }
    task_logs(ui, ecs, t, now);
}

/// `(label, words)` for each container of a task, in the definition's order.
pub fn task_container_lines(ecs: &EcsCluster, t: TaskIdx) -> Vec<(String, String)> {
    let task = ecs.task(t);
    let td = ecs.task_definition(task.task_definition);
    let mut out = Vec::new();
    for (def, c) in td.containers.iter().zip(&task.containers) {
        let mut roles = vec![
            if def.essential {
                "essential"
            } else {
                "not essential"
            }
            .to_string(),
        ];
        if let Some(f) = def.firelens {
            roles.push(format!("log router (FireLens, {})", f.as_str()));
        }
        let mut words = format!("{} · {}", roles.join(", "), c.last_status.as_str());
        if let Some(x) = c.exit_code {
            words.push_str(&format!(" · exit {x}"));
        }
        if c.restart_count > 0 {
            words.push_str(&format!(" · restarted {}×", c.restart_count));
        }
        for (dep, cond) in &def.depends_on {
            let state = match task.containers.iter().find(|o| &o.name == dep) {
                Some(o) => match reached(*cond, o) {
                    DepState::Met => "met ✓".to_string(),
                    DepState::Waiting if c.last_status == ContainerStatus::Pending => {
                        "waiting ◔".to_string()
                    }
                    DepState::Waiting => "not met".to_string(),
                    DepState::Never(why) => format!("never ✕: {why}"),
                },
                None => "no such container".to_string(),
            };
            words.push_str(&format!("\n  dependsOn {dep} {}: {state}", cond.as_str()));
        }
        out.push((format!("container {}", def.name), words));
    }
    out
}

/// `(label, words)` for each volume of a task: its EFS volumes with the mount target of its
/// zone, and Fargate's ephemeral storage.
pub fn task_volume_lines(ecs: &EcsCluster, t: TaskIdx) -> Vec<(String, String)> {
    let task = ecs.task(t);
    let td = ecs.task_definition(task.task_definition);
    let zone = &task.availability_zone;
    let mut out: Vec<(String, String)> = td
        .efs_volumes
        .iter()
        .map(|v| {
            let target = match file_system(ecs, &v.file_system_id) {
                Some(fs) if fs.mount_targets.contains(zone) => {
                    format!("mount target in {zone} ✓")
                }
                Some(_) => format!(
                    "✕ no mount target in {zone}: the file system's DNS name does not resolve here, the task cannot mount it"
                ),
                None => "file system not found".to_string(),
            };
            (
                format!("volume {}", v.name),
                format!(
                    "EFS {}{} · {target}",
                    v.file_system_id,
                    if v.transit_encryption {
                        " (TLS)"
                    } else {
                        ""
                    }
                ),
            )
        })
        .collect();
    if task.host == Host::Fargate {
        out.push((
            "ephemeralStorage".to_string(),
            format!(
                "{} GiB (Fargate; 20 GiB unless the task definition asks for up to 200)",
                td.ephemeral_storage_gib
            ),
        ));
    }
    out
}

/// The pod's init containers, container, volume and logs.
pub(super) fn pod_containers(
    ui: &mut egui::Ui,
    eks: &Cluster,
    p: usize,
    log: &[Event],
    now: SimTime,
) {
    ui.add_space(4.0);
    ui.strong("Containers");
    for (k, v) in pod_container_lines(eks, p) {
        kv(ui, &k, v);
    }
    let volumes = pod_volume_lines(eks, p, now);
    if !volumes.is_empty() {
        ui.add_space(4.0);
        ui.strong("Volumes");
        for (k, v) in volumes {
            kv(ui, &k, v);
        }
    }
    pod_logs(ui, eks, p, log, now);
}

/// `(label, words)` for the init containers (in the order they run) and the container.
pub fn pod_container_lines(eks: &Cluster, p: usize) -> Vec<(String, String)> {
    let pod = &eks.pods[p];
    let t = eks.template_of(p);
    let mut out = Vec::new();
    for (i, ic) in t.init_containers.iter().enumerate() {
        let i = i as u32;
        let state = if i < pod.init_done {
            format!("Terminated (Completed, exit {})", ic.exit_code)
        } else if i == pod.init_done && pod.init_running {
            "Running".to_string()
        } else {
            "Waiting (PodInitializing)".to_string()
        };
        out.push((
            format!("init container {}", ic.name),
            format!("runs to completion before {} · {state}", t.container),
        ));
    }
    let state = match &pod.state {
        ContainerState::Waiting { reason } => format!("Waiting ({reason})"),
        ContainerState::Running { .. } => "Running".to_string(),
        ContainerState::Terminated { reason, exit_code } => {
            format!("Terminated ({reason}, exit {exit_code})")
        }
    };
    out.push((
        format!("container {}", t.container),
        format!("{state} · ready {} · restarts {}", pod.ready, pod.restarts),
    ));
    out
}

/// `(label, words)` for the pod's claim: its phase, PersistentVolume, zone, attachment, and
/// why the pod waits for it.
pub fn pod_volume_lines(eks: &Cluster, p: usize, now: SimTime) -> Vec<(String, String)> {
    let Some(cl) = claim_of(eks, p) else {
        return Vec::new();
    };
    let claim = &eks.storage.claims[cl];
    let mut out = vec![(
        format!("claim {}", claim.name),
        format!(
            "{} · {} GiB · {}",
            claim_phase(claim),
            claim.storage_gib,
            claim.access.short()
        ),
    )];
    if let Some(v) = claim.volume {
        let vol = &eks.storage.volumes[v];
        let card = volume_cards(eks, now)
            .into_iter()
            .find(|c| c.volume == vol.name);
        out.push((
            "PersistentVolume".to_string(),
            format!("{} ({}, {})", vol.name, vol.volume_id, vol.volume_type),
        ));
        out.push((
            "zone".to_string(),
            format!("{} (EBS: this zone only)", vol.zone),
        ));
        out.push((
            "attachment".to_string(),
            match card {
                Some(c) => match c.node {
                    Some(n) => format!("{} · {n}", c.state),
                    None => c.state.to_string(),
                },
                None => "unknown".to_string(),
            },
        ));
    }
    if let Some(why) = pod_volume_reason(eks, p, now) {
        out.push(("waits because".to_string(), why));
    }
    out
}
