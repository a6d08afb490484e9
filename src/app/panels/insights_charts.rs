//! Container Insights in the side panel: per ECS service, or per Kubernetes workload, CPU and
//! memory utilisation over time as the agent (EKS) or the cluster setting (ECS) published it
//! (`orca_sim::insights::read::utilization`), one point a minute, time in `mm:ss`. Without the
//! agent or the setting nothing is published, and the section says why.

use bevy_egui::egui;
use egui_plot::PlotPoints;
use orca_sim::SimTime;
use orca_sim::insights::Insights;
use orca_sim::insights::read::{Utilization, utilization};

use super::charts::{
    Mark, REFERENCE, chart, key, now_key, now_line, reference_line, series_key, series_line,
};
use crate::app::player::Player;

/// The section, collapsed unless the cluster publishes.
pub(super) fn insights_section(ui: &mut egui::Ui, player: &Player) {
    let world = player.playback.world();
    let now = world.now;
    let parts: Vec<(&'static str, &Insights)> = world
        .ecs
        .iter()
        .map(|c| ("ECS", &c.insights))
        .chain(world.eks.iter().map(|c| ("EKS", &c.insights)))
        .collect();
    if parts.is_empty() {
        return;
    }
    let enabled = parts.iter().any(|(_, i)| i.enabled);
    ui.separator();
    egui::CollapsingHeader::new("Container Insights")
        .id_salt("container-insights")
        .default_open(enabled)
        .show(ui, |ui| {
            for (kind, ins) in parts {
                part(ui, kind, ins, now);
            }
        });
}

/// What is not published, and why (the agent or setting is absent, or the first minute has
/// not passed).
pub fn absent_note(kind: &str, ins: &Insights) -> Option<String> {
    if !ins.enabled {
        return Some(match kind {
            "ECS" => "Off: this cluster's containerInsights setting is not enabled, so ECS publishes no ECS/ContainerInsights metrics.".to_string(),
            _ => "Off: no CloudWatch agent runs on the nodes (the Amazon CloudWatch Observability add-on is not installed), so nothing is published to ContainerInsights.".to_string(),
        });
    }
    ins.samples
        .is_empty()
        .then(|| "On: the first datapoints arrive at the end of the first minute.".to_string())
}

fn part(ui: &mut egui::Ui, kind: &str, ins: &Insights, now: SimTime) {
    if let Some(note) = absent_note(kind, ins) {
        ui.label(egui::RichText::new(note).weak());
        return;
    }
    ui.label(
        egui::RichText::new(format!(
            "namespace {} · cluster {} · 1-minute datapoints",
            if kind == "ECS" {
                "ECS/ContainerInsights"
            } else {
                "ContainerInsights"
            },
            ins.cluster
        ))
        .weak(),
    );
    let all = utilization(ins);
    // EKS's own pods (kube-system) are published too; the learner's workloads are charted.
    let system = all.iter().filter(|u| u.namespace == "kube-system").count();
    for u in all.iter().filter(|u| u.namespace != "kube-system") {
        object_chart(ui, u, now.secs_f64());
    }
    if system > 0 {
        ui.label(
            egui::RichText::new(format!(
                "{system} kube-system workloads are published too (not charted here)."
            ))
            .weak(),
        );
    }
}

fn points(series: &[(SimTime, f64)]) -> PlotPoints<'static> {
    series
        .iter()
        .map(|(at, v)| [at.secs_f64(), *v])
        .collect::<Vec<_>>()
        .into()
}

/// One object's CPU and memory, in percent, with the 100 % line when memory is measured
/// against the pod's limit (where the kernel's OOM killer acts).
fn object_chart(ui: &mut egui::Ui, u: &Utilization, now: f64) {
    ui.label(egui::RichText::new(format!("{}: CPU and memory, %", u.object)).strong());
    let mut metrics = vec![u.cpu_metric, u.memory_metric];
    let over = (!u.memory_over_limit.is_empty()).then(|| {
        metrics.push("pod_memory_utilization_over_pod_limit");
        series_key(2, "memory of limit")
    });
    ui.label(egui::RichText::new(metrics.join(" · ")).weak());
    let cpu = series_key(0, "CPU");
    let memory = series_key(
        1,
        if over.is_some() {
            "memory of node"
        } else {
            "memory"
        },
    );
    let limit = over
        .as_ref()
        .map(|_| key("limit: OOM kill", REFERENCE, Mark::Dotted));
    let mut keys = vec![cpu, memory];
    keys.extend(over.clone());
    keys.extend(limit.clone());
    keys.push(now_key());
    // The lines take their colours from `keys`, which `chart` turns into the theme's.
    chart(ui, format!("insights-{}", u.object), 120.0, &mut keys)
        .include_y(100.0)
        .show(ui, |p| {
            p.line(series_line(&keys[0], points(&u.cpu)));
            p.line(series_line(&keys[1], points(&u.memory)));
            let mut next = 2;
            if over.is_some() {
                p.line(series_line(&keys[next], points(&u.memory_over_limit)));
                next += 1;
            }
            if limit.is_some() {
                p.hline(reference_line(&keys[next], 100.0));
            }
            p.vline(now_line(&keys, now));
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_agent_or_setting_the_section_says_why_nothing_is_there() {
        let off = Insights::default();
        assert!(
            absent_note("ECS", &off)
                .unwrap()
                .contains("containerInsights")
        );
        assert!(
            absent_note("EKS", &off)
                .unwrap()
                .contains("CloudWatch agent")
        );
        let on = Insights::enabled("demo");
        assert!(absent_note("EKS", &on).unwrap().starts_with("On:"));
    }
}
