//! The side panel's first section: each ECS service with its deployments and the scheduler's
//! bounds and last decision, or each Kubernetes Deployment with its ReplicaSets and
//! `kubectl rollout status`; then the scaling charts.

use bevy_egui::egui;
use orca_sim::k8s::cluster::{Cluster, DeploymentState};

use super::charts::{capacity_metrics, eks_metrics, service_metrics};
use super::palette::c32;
use crate::app::canvas::palette::{NEW_REVISION, OLD_REVISION};
use crate::app::player::{Player, Selection};

pub(super) fn services(ui: &mut egui::Ui, player: &mut Player) {
    let now = player.playback.world().now;
    if let Some(eks) = &player.playback.world().eks {
        ui.heading("Deployments");
        for d in 0..eks.deployments.len() {
            deployment_summary(ui, eks, d, now);
            ui.add_space(6.0);
        }
        if eks.samples.len() > 1
            && (!eks.hpas.is_empty() || !eks.node_groups.is_empty() || eks.karpenter.is_some())
        {
            eks_metrics(ui, eks, now.secs_f64());
        }
        return;
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
            select = Some(Selection::Service(svc.name.clone()));
        }
        for d in &svc.deployments {
            let dtd = world.task_definition(d.task_definition);
            let primary = d.status == orca_sim::ecs::DeploymentStatus::Primary;
            ui.horizontal(|ui| {
                let (r, _) = ui.allocate_exact_size(egui::vec2(8.0, 16.0), egui::Sense::hover());
                ui.painter().rect_filled(
                    r,
                    1.0,
                    c32(if primary { NEW_REVISION } else { OLD_REVISION }),
                );
                ui.label(
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
                );
            });
        }
        let lp = &svc.last_pass;
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
    for svc in &world.services {
        if svc.metrics.len() > 1 {
            service_metrics(ui, svc, now);
        }
    }
    for g in &world.auto_scaling_groups {
        if g.managed_scaling.is_some() && g.samples.len() > 1 {
            capacity_metrics(ui, g, now);
        }
    }
}

pub(super) fn deployment_summary(
    ui: &mut egui::Ui,
    eks: &Cluster,
    d: usize,
    now: orca_sim::SimTime,
) {
    let (updated, old, updated_available) = eks.rollout_counts(d, now);
    let (pods, available) = eks.totals(d, now);
    let dep = &eks.deployments[d];
    let (surge, unavailable, fewest, most) = rollout_bounds(dep);
    ui.label(
        egui::RichText::new(format!(
            "deployment/{}   replicas {} · pods {} · available {}",
            dep.name, dep.replicas, pods, available
        ))
        .strong(),
    );
    ui.label(
        egui::RichText::new(format!(
            "RollingUpdate: maxSurge {surge}, maxUnavailable {unavailable} → between {fewest} and {most} pods"
        ))
        .weak(),
    );
    let current = eks.current_replica_set(d);
    for (i, rs) in eks.replica_sets.iter().enumerate() {
        if rs.deployment != d || rs.deleted {
            continue;
        }
        let (have, ready) = replica_set_status(eks, i);
        ui.horizontal(|ui| {
            let (r, _) = ui.allocate_exact_size(egui::vec2(8.0, 16.0), egui::Sense::hover());
            ui.painter().rect_filled(
                r,
                1.0,
                c32(if Some(i) == current {
                    NEW_REVISION
                } else {
                    OLD_REVISION
                }),
            );
            ui.label(
                egui::RichText::new(format!(
                    "replicaset/{}  rev {}  desired {} current {} ready {}",
                    rs.name, rs.revision, rs.spec_replicas, have, ready
                ))
                .monospace(),
            );
        });
    }
    let status = if dep.progress_deadline_exceeded {
        orca_sim::k8s::messages::progress_deadline_exceeded(&dep.name)
    } else {
        orca_sim::k8s::messages::rollout_status(
            &dep.name,
            dep.replicas,
            updated,
            old,
            updated_available,
        )
    };
    ui.label(
        egui::RichText::new(format!("$ kubectl rollout status\n{status}"))
            .monospace()
            .italics(),
    );
}

/// Domain fact decided here until the core provides it: a rolling update's bounds, as
/// (maxSurge, maxUnavailable, fewest available pods, most pods). The fenceposts come from the
/// core's `resolve_fenceposts`, but the bounds `replicas − maxUnavailable` and
/// `replicas + maxSurge` are worked out here; the deployment controller computes them for its
/// own step and should expose them.
fn rollout_bounds(dep: &DeploymentState) -> (u32, u32, u32, u32) {
    let (surge, unavailable) = orca_sim::k8s::rollout::resolve_fenceposts(
        dep.max_surge,
        dep.max_unavailable,
        dep.replicas,
    );
    (
        surge,
        unavailable,
        dep.replicas.saturating_sub(unavailable),
        dep.replicas + surge,
    )
}

/// Domain fact decided here until the core provides it: a ReplicaSet's status as (current,
/// ready), counted from the pods: current = pods not terminating, ready = pods whose Ready
/// condition holds (no minReadySeconds, so not availableReplicas). The core's ReplicaSet
/// controller should expose `status.replicas`, `readyReplicas` and `availableReplicas`.
fn replica_set_status(eks: &Cluster, rs: usize) -> (usize, usize) {
    let current = eks
        .pods
        .iter()
        .filter(|p| !p.gone && p.replica_set == rs && p.deleting_at.is_none())
        .count();
    let ready = eks
        .pods
        .iter()
        .filter(|p| !p.gone && p.replica_set == rs && p.ready)
        .count();
    (current, ready)
}
