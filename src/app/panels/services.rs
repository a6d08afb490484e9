//! The side panel's first section: each ECS service with its deployments and the scheduler's
//! bounds and last decision, or each Kubernetes Deployment with its ReplicaSets and
//! `kubectl rollout status`; then the scaling charts.

use bevy_egui::egui;
use orca_sim::ecs::ids::ServiceIdx;
use orca_sim::k8s::cluster::Cluster;
use orca_sim::k8s::read;

use super::charts::{capacity_metrics, eks_metrics, service_metrics, traffic_metrics};
use super::palette::{WARN, c32, ink};
use crate::app::canvas::palette::{NEW_REVISION, OLD_REVISION, STANDALONE};
use crate::app::player::{Player, Selection};

pub(super) fn services(ui: &mut egui::Ui, player: &mut Player) {
    let now = player.playback.world().now;
    if let Some(eks) = &player.playback.world().eks {
        ui.heading("Deployments");
        let workloads = read::workloads(eks, now);
        for w in workloads.iter().filter(|w| !w.system) {
            if w.kind == "deployment" {
                deployment_summary(ui, eks, w.index, now);
            } else {
                ui.label(
                    egui::RichText::new(format!(
                        "{}/{}   ready {} of {} (one pod per node)",
                        w.kind, w.name, w.ready, w.desired
                    ))
                    .strong(),
                );
            }
            ui.add_space(6.0);
        }
        // EKS's own workloads in one line: they are there, they take room on every node.
        let system: Vec<String> = workloads
            .iter()
            .filter(|w| w.system)
            .map(|w| format!("{}/{} {}/{}", w.kind, w.name, w.ready, w.desired))
            .collect();
        if !system.is_empty() {
            // No hover text: `orca shot` renders with the pointer at the window's centre.
            ui.label(
                egui::RichText::new(format!("EKS's own, in kube-system: {}", system.join(" · ")))
                    .weak(),
            );
            ui.add_space(6.0);
        }
        if eks.samples.len() > 1
            && (!eks.hpas.is_empty() || !eks.node_groups.is_empty() || eks.karpenter.is_some())
        {
            eks_metrics(ui, eks, now.secs_f64());
        }
        // A side-by-side world goes on with its ECS services.
        if player.playback.world().ecs.is_none() {
            return;
        }
        ui.separator();
    }
    ui.heading("Services");
    let now = now.secs_f64();
    let Some(world) = &player.playback.world().ecs else {
        return;
    };
    let mut select = None;
    for svc in &world.services {
        let td = world.task_definition(svc.task_definition);
        let r = ui.add(
            egui::Label::new(
                egui::RichText::new(format!(
                    "{}  ({}, {})   desired {} · running {} · pending {}",
                    svc.name,
                    td.family_revision(),
                    match svc.launch_type {
                        orca_sim::scenario::spec::LaunchType::Fargate => "FARGATE",
                        orca_sim::scenario::spec::LaunchType::Ec2 => "EC2",
                    },
                    svc.desired_count,
                    svc.running_count,
                    svc.pending_count
                ))
                .strong(),
            )
            .sense(egui::Sense::click()),
        );
        if r.clicked() {
            select = Some(Selection::Service(svc.name.to_string()));
        }
        for d in &svc.deployments {
            let dtd = world.task_definition(d.task_definition);
            let primary = d.status == orca_sim::ecs::DeploymentStatus::Primary;
            ui.horizontal(|ui| {
                let (r, _) = ui.allocate_exact_size(egui::vec2(8.0, 16.0), egui::Sense::hover());
                ui.painter().rect_filled(
                    r,
                    1.0,
                    ink(ui, c32(if primary { NEW_REVISION } else { OLD_REVISION })),
                );
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(format!(
                            "{:<7} {}  {}  running {} pending {}{}",
                            d.status.as_str(),
                            dtd.family_revision(),
                            d.rollout_state.as_str(),
                            d.running_count,
                            d.pending_count,
                            if d.failed_tasks > 0 {
                                format!("  failed {}", d.failed_tasks)
                            } else {
                                String::new()
                            }
                        ))
                        .monospace(),
                    )
                    .wrap(),
                );
            });
        }
        // ECS service discovery: the Cloud Map service, its instances and what DNS answers now.
        for reg in &svc.service_registries {
            let cm = &world.cloud_map.services[reg.service];
            let records: Vec<String> = cm
                .records
                .iter()
                .map(|(kind, ttl)| format!("{} {ttl} s", kind.as_str()))
                .collect();
            let healthy = cm
                .instances
                .iter()
                .filter(|i| i.health == orca_sim::ecs::cloud_map::InstanceHealth::Healthy)
                .count();
            ui.label(
                egui::RichText::new(format!(
                    "service discovery: {} ({}) · {} registered · {} HEALTHY · DNS answers {}",
                    cm.dns_name,
                    records.join(", "),
                    cm.instances.len(),
                    healthy,
                    cm.dns_answer().len()
                ))
                .weak(),
            );
        }
        let lp = &svc.last_pass;
        // A blue/green service is not rolled by the replica scheduler's bounds: its task sets
        // and traffic are in the event log (deploy) and `aws deploy get-deployment`.
        if svc.blue_green.is_some() {
            let s = world.service_by_name(&svc.name);
            let view = s.and_then(|s| orca_sim::ecs::blue_green_read::traffic_view(world, s));
            if let Some(d) = view.as_ref().and_then(|v| v.deployment.as_ref()) {
                ui.label(egui::RichText::new(deployment_line(d)).monospace());
                if let Some(e) = &d.error {
                    ui.label(egui::RichText::new(e).italics());
                }
                if d.status == "Ready" {
                    ui.label(
                        egui::RichText::new(format!(
                            "waiting for you to reroute traffic: aws deploy continue-deployment --deployment-id {} --deployment-wait-type READY_WAIT",
                            d.id
                        ))
                        .italics(),
                    );
                }
            }
            ui.label(
                egui::RichText::new(
                    "blue/green: task sets and listener weights on the canvas and in the Traffic chart below; stages in the log (deploy) and `aws deploy get-deployment`",
                )
                .weak(),
            );
            ui.add_space(6.0);
            continue;
        }
        ui.label(
            egui::RichText::new(format!(
                "bounds: min healthy {} ({} %) · max {} ({} %) · healthy now {}",
                lp.lower,
                svc.deployment_configuration.minimum_healthy_percent,
                lp.upper,
                svc.deployment_configuration.maximum_percent,
                lp.healthy
            ))
            .weak(),
        );
        if !lp.decision.is_empty() {
            ui.label(egui::RichText::new(format!("scheduler: {}", lp.decision)).italics());
        }
        ui.add_space(6.0);
    }
    if select.is_some() {
        player.selection = select;
    }
    standalone_groups(ui, world);
    for (i, svc) in world.services.iter().enumerate() {
        if svc.metrics.len() > 1 {
            let alarms = orca_sim::ecs::read::service_alarms(world, ServiceIdx(i as u32));
            service_metrics(ui, svc, &alarms, now);
        }
    }
    for (i, svc) in world.services.iter().enumerate() {
        if let Some(c) = orca_sim::ecs::blue_green_read::traffic_chart(world, ServiceIdx(i as u32))
        {
            traffic_metrics(ui, &svc.name, &c, now);
        }
    }
    for (i, g) in world.auto_scaling_groups.iter().enumerate() {
        if g.samples.len() > 1
            && let Some(alarms) = orca_sim::ecs::read::capacity_provider_alarms(world, i)
        {
            capacity_metrics(ui, g, &alarms, now);
        }
    }
}

/// Standalone tasks (`run-task`, `start-task`) per task group: no service keeps them, so no
/// desired count.
fn standalone_groups(ui: &mut egui::Ui, world: &orca_sim::ecs::cluster::EcsCluster) {
    for g in orca_sim::ecs::standalone::groups(world) {
        ui.horizontal(|ui| {
            let (r, _) = ui.allocate_exact_size(egui::vec2(8.0, 16.0), egui::Sense::hover());
            ui.painter().rect_filled(r, 1.0, ink(ui, c32(STANDALONE)));
            ui.add(
                egui::Label::new(
                    egui::RichText::new(format!(
                        "standalone {}  ({})   running {} · pending {} · stopped {}",
                        g.group,
                        g.task_definitions.join(", "),
                        g.running,
                        g.pending,
                        g.stopped
                    ))
                    .strong(),
                )
                .wrap(),
            );
        });
        ui.label(
            egui::RichText::new("standalone: no service replaces these tasks when they stop")
                .weak(),
        );
        ui.add_space(6.0);
    }
}

/// "deployment d-… Ready · ReadyWait InProgress until 11:43 · replacement 0 % of production".
fn deployment_line(d: &orca_sim::ecs::blue_green_read::DeploymentView) -> String {
    let mut line = format!("deployment {} {}", d.id, d.status);
    if !d.stage.is_empty() {
        line.push_str(&format!(" · {} {}", d.stage, d.stage_status));
    }
    if let Some(at) = d.stage_due {
        line.push_str(&format!(" until {at}"));
    }
    line.push_str(&format!(
        " · replacement {} % of production",
        d.replacement_percent.round()
    ));
    line
}

pub(super) fn deployment_summary(
    ui: &mut egui::Ui,
    eks: &Cluster,
    d: usize,
    now: orca_sim::SimTime,
) {
    let status = read::deployment_status(eks, d, now);
    let bounds = read::rollout_bounds(eks, d);
    let dep = &eks.deployments[d];
    ui.label(
        egui::RichText::new(format!(
            "deployment/{}   replicas {} · pods {} · available {}",
            dep.name, dep.replicas, status.total_replicas, status.available_replicas
        ))
        .strong(),
    );
    ui.label(
        egui::RichText::new(format!(
            "RollingUpdate: maxSurge {}, maxUnavailable {} → between {} and {} pods",
            bounds.max_surge, bounds.max_unavailable, bounds.min_available, bounds.max_pods
        ))
        .weak(),
    );
    let current = eks.current_replica_set(d);
    for (i, rs) in eks.replica_sets.iter().enumerate() {
        if rs.deployment != d || rs.deleted {
            continue;
        }
        let rs_status = read::replica_set_status(eks, i, now);
        ui.horizontal(|ui| {
            let (r, _) = ui.allocate_exact_size(egui::vec2(8.0, 16.0), egui::Sense::hover());
            ui.painter().rect_filled(
                r,
                1.0,
                ink(
                    ui,
                    c32(if Some(i) == current {
                        NEW_REVISION
                    } else {
                        OLD_REVISION
                    }),
                ),
            );
            ui.add(
                egui::Label::new(
                    egui::RichText::new(format!(
                        "replicaset/{}  rev {}  desired {} current {} ready {} available {}",
                        rs.name,
                        rs.revision,
                        rs_status.desired,
                        rs_status.replicas,
                        rs_status.ready_replicas,
                        rs_status.available_replicas
                    ))
                    .monospace(),
                )
                .wrap(),
            );
        });
    }
    ui.label(
        egui::RichText::new(format!(
            "$ kubectl rollout status\n{}",
            read::rollout_status(eks, d, now)
        ))
        .monospace()
        .italics(),
    );
    if let Some(hpa) = eks.hpas.iter().find(|h| h.deployment == d) {
        hpa_summary(ui, hpa);
    }
}

/// The HPA of a Deployment as `kubectl get hpa` sums it up, and, when it cannot compute a
/// replica count, why (its ScalingActive condition), marked ⚠ so colour is not the only sign.
fn hpa_summary(ui: &mut egui::Ui, hpa: &orca_sim::k8s::autoscaling::Hpa) {
    let current = if hpa.measured {
        format!("{:.0}%", hpa.current_utilization)
    } else {
        "<unknown>".to_string()
    };
    ui.label(
        egui::RichText::new(format!(
            "horizontalpodautoscaler/{}  cpu: {current}/{:.0}% · {}–{} replicas",
            hpa.name, hpa.target_cpu_utilization, hpa.min_replicas, hpa.max_replicas
        ))
        .monospace(),
    );
    if let Some(active) = hpa.conditions.scaling_active.as_ref().filter(|c| !c.status) {
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!(
                    "⚠ ScalingActive False ({}): {}",
                    active.reason, active.message
                ))
                .color(ink(ui, WARN)),
            )
            .wrap(),
        );
    }
}
