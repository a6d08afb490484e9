//! The inspector's containers and volumes of the selected task or pod: each container's role
//! (essential or not, log router, init container), where its `dependsOn` conditions stand, its
//! restarts; each volume (EFS with its mount target in the task's zone, Fargate ephemeral
//! storage, or the pod's claim, PersistentVolume, zone and attachment) and why the pod waits
//! for it. Then the logs (`inspector_logs`).

use bevy_egui::egui;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::container_deps::{DepState, reached};
use orca_sim::ecs::guardduty::{Agent, agent_status, watched};
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
    let volumes = task_volume_lines(ecs, t, now);
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
    // GuardDuty Runtime Monitoring's sidecar, or why the task has none.
    match task.guardduty_agent.as_deref() {
        Some(Agent::Added(name)) => out.push((
            format!("container {name}"),
            format!(
                "GuardDuty security agent (sidecar GuardDuty added, not in the task definition) · not essential · {}",
                agent_status(task)
            ),
        )),
        Some(Agent::Missing(_)) => out.push((
            "GuardDuty".to_string(),
            "no security agent: this task is not monitored (why: below)".to_string(),
        )),
        None if watched(ecs, task) == Some(false) => {
            out.push((
                "GuardDuty".to_string(),
                "no security agent: the task was launched before Runtime Monitoring was on, and GuardDuty never changes a running task; a new deployment brings the agent".to_string(),
            ))
        }
        None => {}
    }
    out
}

/// `(label, words)` for each volume of a task: its EFS volumes with the mount target of its
/// zone, and Fargate's ephemeral storage.
pub fn task_volume_lines(ecs: &EcsCluster, t: TaskIdx, now: SimTime) -> Vec<(String, String)> {
    let task = ecs.task(t);
    let td = ecs.task_definition(task.task_definition);
    let zone = &task.availability_zone;
    let mut out: Vec<(String, String)> = td
        .efs_volumes
        .iter()
        .map(|v| {
            let target = match file_system(ecs, &v.file_system_id) {
                Some(fs) if fs.mount_targets.iter().any(|z| z == zone) => {
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
    // Its own EBS volume, configured at deployment: made for this task in its zone, gone
    // with it (docs/rules/storage.md#ecs-managed-ebs).
    if let Some(v) = orca_sim::ecs::ebs_read::task_volume(ecs, t, now) {
        let why = match v.attachment_status {
            "ATTACHING" => " · the task stays PROVISIONING until it is attached",
            "FAILED" => " · ECS could not attach it, so the task cannot start",
            "DELETED" => " · deleted with the task: its files are gone",
            _ => "",
        };
        out.push((
            format!("volume {}", v.name),
            format!(
                "EBS {} · {} · {} GiB {} {} · {} · {} files{why}",
                v.volume_id,
                v.attachment_status,
                v.size_gib,
                v.volume_type,
                v.filesystem_type,
                v.availability_zone,
                v.files
            ),
        ));
    }
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
/// The pod's containers, one row each: shown right under the pod's status (as `kubectl describe
/// pod` lists Containers before Conditions), so a failing sidecar is in view without scrolling.
pub(super) fn pod_container_rows(ui: &mut egui::Ui, eks: &Cluster, p: usize) {
    ui.add_space(4.0);
    ui.strong("Containers");
    for (k, v) in pod_container_lines(eks, p) {
        kv(ui, &k, v);
    }
}

/// The pod's volumes and its containers' logs.
pub(super) fn pod_volumes_and_logs(
    ui: &mut egui::Ui,
    eks: &Cluster,
    p: usize,
    log: &[Event],
    now: SimTime,
) {
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
    // Several app containers or native sidecars: one row each, as the core reads them.
    if !pod.side.is_empty() {
        use orca_sim::k8s::read_containers::{ContainerKind, pod_containers};
        return pod_containers(eks, p)
            .into_iter()
            .map(|r| {
                let kind = match r.kind {
                    ContainerKind::App => "container",
                    ContainerKind::Sidecar => "sidecar (init, restartPolicy Always)",
                    ContainerKind::Init => "init container",
                };
                (
                    format!("{kind} {}", r.name),
                    format!(
                        "{} · ready {} · restarts {} · {}",
                        r.state, r.ready, r.restarts, r.why
                    ),
                )
            })
            .collect();
    }
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

#[cfg(test)]
pub(super) mod tests {
    use std::sync::Arc;

    use orca_sim::{Playback, SimTime};

    use super::*;

    /// A built-in scenario played to `secs`.
    pub(crate) fn at(name: &str, secs: u64) -> Playback {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.ron"));
        let src = std::fs::read_to_string(&path).expect("readable");
        let s = orca_sim::scenario::parse(&format!("{name}.ron"), &src).expect("parses");
        let mut p = Playback::new(Arc::new(s));
        p.seek(SimTime::from_secs(secs));
        p
    }

    #[test]
    fn a_pod_pinned_to_its_volume_s_zone_says_why_it_waits() {
        // 1:40: the node in us-east-1c was drained at 1:30; the replacement pod is Pending.
        let pb = at("eks-ebs-volume-zone", 100);
        let eks = pb.world().eks.as_ref().expect("eks");
        let p = (0..eks.pods.len())
            .find(|&p| {
                let pod = &eks.pods[p];
                !pod.gone && pod.name.starts_with("orders-db") && pod.node.is_none()
            })
            .expect("a pending orders-db pod");
        let lines = pod_volume_lines(eks, p, pb.world().now);
        let get = |k: &str| lines.iter().find(|(l, _)| l == k).map(|(_, v)| v.clone());
        assert!(
            get("claim data")
                .unwrap()
                .starts_with("Bound · 20 GiB · RWO")
        );
        assert_eq!(get("zone").unwrap(), "us-east-1c (EBS: this zone only)");
        assert!(
            get("waits because").unwrap().ends_with(
                "is an EBS volume in us-east-1c: only a node in us-east-1c can mount it"
            )
        );
    }

    #[test]
    fn a_task_in_a_zone_without_a_mount_target_shows_it_on_its_volume() {
        let pb = at("ecs-efs-mount-targets", 60);
        let ecs = pb.world().ecs.as_ref().expect("ecs");
        let line = |zone: &str| {
            let t = ecs
                .tasks
                .iter()
                .position(|t| t.availability_zone == zone)
                .expect("a task in the zone");
            task_volume_lines(ecs, TaskIdx(t as u32), pb.world().now)
        };
        let c = line("us-east-1c");
        assert!(c[0].1.contains("✕ no mount target in us-east-1c"), "{c:?}");
        let a = line("us-east-1a");
        assert!(a[0].1.ends_with("mount target in us-east-1a ✓"), "{a:?}");
        // Fargate's ephemeral storage, as the task definition asks (40 GiB here).
        assert!(
            a.iter()
                .any(|(k, v)| k == "ephemeralStorage" && v.starts_with("40 GiB"))
        );
    }

    #[test]
    fn a_task_shows_its_own_ebs_volume_and_why_it_waits_for_it() {
        // 2:10: the replacement of the task stopped at 2:00 is PROVISIONING while its new
        // volume attaches.
        let pb = at("ecs-managed-ebs", 130);
        let ecs = pb.world().ecs.as_ref().expect("ecs");
        let t = ecs
            .tasks
            .iter()
            .position(|t| t.last_status == orca_sim::ecs::TaskStatus::Provisioning)
            .expect("a provisioning task");
        let lines = task_volume_lines(ecs, TaskIdx(t as u32), pb.world().now);
        let (k, v) = &lines[0];
        assert_eq!(k, "volume data");
        assert!(
            v.starts_with("EBS vol-") && v.contains("ATTACHING · 20 GiB gp3 xfs"),
            "{v}"
        );
        assert!(v.contains("0 files"), "a new volume starts empty: {v}");
        assert!(
            v.ends_with("the task stays PROVISIONING until it is attached"),
            "{v}"
        );
    }

    #[test]
    fn the_app_container_depends_on_its_router_and_the_router_is_not_essential_in_web_1() {
        let pb = at("ecs-log-router-sidecar", 30);
        let ecs = pb.world().ecs.as_ref().expect("ecs");
        let lines = task_container_lines(ecs, TaskIdx(0));
        let router = lines
            .iter()
            .find(|(k, _)| k == "container log_router")
            .unwrap();
        assert!(
            router
                .1
                .starts_with("not essential, log router (FireLens, fluentbit) · RUNNING")
        );
        let web = lines.iter().find(|(k, _)| k == "container web").unwrap();
        assert!(
            web.1.contains("dependsOn log_router START: met ✓"),
            "{web:?}"
        );
    }
}
