//! A side-by-side world's comparison, first in the side panel: each ECS service next to the
//! EKS Deployment of the same name (else the one in the same place), row by row in each
//! orchestrator's own words — desiredCount next to replicas, minimumHealthyPercent and
//! maximumPercent next to maxUnavailable and maxSurge, healthy targets next to ready and
//! available pods, the rollout state next to the `Progressing` condition.

use bevy_egui::egui;
use orca_sim::World;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::k8s::cluster::Cluster;
use orca_sim::k8s::read;
use orca_sim::{SimTime, ecs};

/// One row: what it compares, the ECS side, the EKS side.
pub type Row = (&'static str, String, String);

/// The pairs of (service, Deployment) to compare: same name first, then in order.
pub fn pairs(ecs: &EcsCluster, eks: &Cluster) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut taken = vec![false; eks.deployments.len()];
    let mut unpaired = Vec::new();
    for (s, svc) in ecs.services.iter().enumerate() {
        match eks.deployments.iter().position(|d| d.name == svc.name) {
            Some(d) if !taken[d] => {
                taken[d] = true;
                out.push((s, d));
            }
            _ => unpaired.push(s),
        }
    }
    let mut free = (0..eks.deployments.len()).filter(|d| !taken[*d]);
    for s in unpaired {
        if let Some(d) = free.next() {
            out.push((s, d));
        }
    }
    out.sort_unstable();
    out
}

/// The rows comparing service `s` with Deployment `d` now.
pub fn rows(ecs: &EcsCluster, s: usize, eks: &Cluster, d: usize, now: SimTime) -> Vec<Row> {
    let svc = &ecs.services[s];
    let dep = &eks.deployments[d];
    let status = read::deployment_status(eks, d, now);
    let bounds = read::rollout_bounds(eks, d);
    let lp = &svc.last_pass;
    let cfg = &svc.deployment_configuration;
    let mut rows: Vec<Row> = vec![(
        "wants",
        format!("desiredCount {}", svc.desired_count),
        format!("replicas {}", dep.replicas),
    )];
    if svc.blue_green.is_some() {
        rows.push((
            "a rollout keeps",
            "blue/green: a second task set, then traffic moves".into(),
            format!(
                "between {} and {} pods",
                bounds.min_available, bounds.max_pods
            ),
        ));
    } else {
        rows.push((
            "a rollout keeps at least",
            format!(
                "minimumHealthyPercent {} → {} healthy",
                cfg.minimum_healthy_percent, lp.lower
            ),
            format!(
                "maxUnavailable {} → {} available",
                bounds.max_unavailable, bounds.min_available
            ),
        ));
        rows.push((
            "and at most",
            format!(
                "maximumPercent {} → {} tasks",
                cfg.maximum_percent, lp.upper
            ),
            format!("maxSurge {} → {} pods", bounds.max_surge, bounds.max_pods),
        ));
    }
    rows.push((
        "now",
        format!(
            "running {} · pending {}",
            svc.running_count, svc.pending_count
        ),
        format!(
            "pods {} · updated {}",
            status.total_replicas, status.updated_replicas
        ),
    ));
    rows.push((
        "serving",
        format!("healthy {}", lp.healthy),
        format!(
            "ready {} · available {}",
            status.ready_replicas, status.available_replicas
        ),
    ));
    let primary = svc
        .deployments
        .iter()
        .find(|x| x.status == ecs::DeploymentStatus::Primary);
    let progressing = read::deployment_conditions(eks, d, now)
        .into_iter()
        .find(|c| c.kind == "Progressing");
    rows.push((
        "rollout",
        primary.map_or_else(
            || "no deployment".to_string(),
            |p| format!("PRIMARY {}", p.rollout_state.as_str()),
        ),
        progressing.map_or_else(
            || "Progressing not set yet".to_string(),
            |c| {
                let state = if c.unknown {
                    "Unknown"
                } else if c.status {
                    "True"
                } else {
                    "False"
                };
                format!("Progressing {state}: {}", c.reason)
            },
        ),
    ));
    let hpa = eks.hpas.iter().find(|h| h.deployment == d);
    if svc.scaling.is_some() || hpa.is_some() {
        rows.push((
            "scales by",
            svc.scaling.as_ref().map_or_else(
                || "nothing".to_string(),
                |t| {
                    format!(
                        "target tracking {:.0} % CPU, {}–{} tasks",
                        t.target, t.min, t.max
                    )
                },
            ),
            hpa.map_or_else(
                || "nothing".to_string(),
                |h| {
                    format!(
                        "HPA {:.0} % CPU, {}–{} replicas",
                        h.target_cpu_utilization, h.min_replicas, h.max_replicas
                    )
                },
            ),
        ));
    }
    rows
}

/// The comparison section, shown only for a side-by-side world.
pub(super) fn side_by_side(ui: &mut egui::Ui, world: &World) {
    let (Some(ecs), Some(eks)) = (&world.ecs, &world.eks) else {
        return;
    };
    ui.heading("Side by side");
    // Two columns, ECS then EKS, each row under a line saying what it compares: at a third
    // of the window, three columns would break the API's long field names.
    let half = ((ui.available_width() - 8.0) / 2.0).max(60.0);
    for (s, d) in pairs(ecs, eks) {
        egui::Grid::new(("side-by-side", s))
            .num_columns(2)
            .min_col_width(half)
            .max_col_width(half)
            .spacing([8.0, 2.0])
            .show(ui, |ui| {
                ui.strong(format!("ECS · service {}", ecs.services[s].name));
                ui.strong(format!("EKS · deployment/{}", eks.deployments[d].name));
                ui.end_row();
                for (what, e, k) in rows(ecs, s, eks, d, world.now) {
                    ui.label(egui::RichText::new(what).weak().italics());
                    ui.end_row();
                    ui.add(egui::Label::new(e).wrap());
                    ui.add(egui::Label::new(k).wrap());
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
    }
    ui.separator();
}

#[cfg(test)]
mod tests {
    use super::*;
    use orca_sim::Playback;

    #[test]
    fn the_rolling_update_lines_up_both_vocabularies() {
        let scenario =
            crate::app::library::built_in("side-by-side-rolling-update").expect("built in");
        let mut pb = Playback::new(scenario);
        pb.seek(SimTime::from_secs(75));
        let world = pb.world();
        let (ecs, eks) = (
            world.ecs.as_ref().expect("ecs"),
            world.eks.as_ref().expect("eks"),
        );
        assert_eq!(pairs(ecs, eks), vec![(0, 0)]);
        let rows = rows(ecs, 0, eks, 0, world.now);
        let row = |what: &str| rows.iter().find(|r| r.0 == what).expect(what).clone();
        let wants = row("wants");
        assert!(wants.1.starts_with("desiredCount ") && wants.2.starts_with("replicas "));
        let keeps = row("a rollout keeps at least");
        assert!(keeps.1.contains("minimumHealthyPercent"), "{}", keeps.1);
        assert!(keeps.2.contains("maxUnavailable"), "{}", keeps.2);
        assert!(row("and at most").2.contains("maxSurge"));
        // Mid-rollout at 1:15: ECS's deployment is in progress and Kubernetes says why it
        // is progressing.
        let rollout = row("rollout");
        assert!(rollout.1.starts_with("PRIMARY "), "{}", rollout.1);
        assert!(rollout.2.starts_with("Progressing "), "{}", rollout.2);
    }

    #[test]
    fn a_service_pairs_with_the_deployment_of_its_name_first() {
        let scenario = crate::app::library::built_in("side-by-side-load-spike").expect("built in");
        let pb = Playback::new(scenario);
        let world = pb.world();
        let (ecs, eks) = (
            world.ecs.as_ref().expect("ecs"),
            world.eks.as_ref().expect("eks"),
        );
        for (s, d) in pairs(ecs, eks) {
            assert_eq!(ecs.services[s].name, eks.deployments[d].name);
        }
        let rows = rows(ecs, 0, eks, 0, world.now);
        assert!(
            rows.iter()
                .any(|r| r.0 == "scales by" && r.2.starts_with("HPA "))
        );
    }
}
