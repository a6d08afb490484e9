//! Scaling charts in the side panel: EKS utilization against the HPA target with replicas,
//! pods and nodes; ECS service CPU against its target-tracking target and step-scaling alarms;
//! an Auto Scaling group's CapacityProviderReservation against the target capacity.

use bevy_egui::egui;
use orca_sim::k8s::cluster::Cluster;

/// A fixed chart of the side panel: time on x from 0, no dragging or zooming (the timeline
/// does the navigating).
fn chart<'a>(id: impl egui::AsId, height: f32) -> egui_plot::Plot<'a> {
    egui_plot::Plot::new(id)
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_y(0.0)
}

/// EKS scaling charts: utilization against the HPA target, and replicas, pods and nodes over
/// time.
pub(super) fn eks_metrics(ui: &mut egui::Ui, eks: &Cluster, now: f64) {
    use egui_plot::{HLine, Legend, Line, PlotPoints, VLine};
    ui.separator();
    ui.heading("Metrics");
    let series = |f: &dyn Fn(&orca_sim::k8s::cluster::Sample) -> f64| -> PlotPoints<'static> {
        eks.samples
            .iter()
            .map(|s| [s.at.secs_f64(), f(s)])
            .collect::<Vec<_>>()
            .into()
    };
    let name = &eks.deployments[0].name;
    ui.label(egui::RichText::new(format!("deployment/{name}: average CPU, % of request")).weak());
    chart("cpu", 130.0)
        .include_y(100.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("utilization", series(&|s| s.utilization)));
            if let Some(t) = eks.samples.last().and_then(|s| s.target) {
                p.hline(HLine::new("HPA target", t).style(egui_plot::LineStyle::dashed_loose()));
            }
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
    ui.label(egui::RichText::new("pods and nodes").weak());
    chart("counts", 130.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("desired replicas", series(&|s| s.desired as f64)));
            p.line(Line::new("ready pods", series(&|s| s.ready as f64)));
            p.line(Line::new("pending pods", series(&|s| s.pending as f64)));
            p.line(Line::new("nodes", series(&|s| s.nodes as f64)));
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
}

/// Target tracking charts: CPU against the target, desired and running tasks.
pub(super) fn service_metrics(
    ui: &mut egui::Ui,
    svc: &orca_sim::ecs::Service,
    alarms: &[orca_sim::aas::alarms::AlarmSummary],
    now: f64,
) {
    use egui_plot::{HLine, Legend, Line, PlotPoints, VLine};
    ui.separator();
    ui.heading(format!("Metrics: {}", svc.name));
    let series = |f: &dyn Fn(&orca_sim::ecs::ServiceSample) -> f64| -> PlotPoints<'static> {
        svc.metrics
            .iter()
            .map(|m| [m.at.secs_f64(), f(m)])
            .collect::<Vec<_>>()
            .into()
    };
    ui.label(egui::RichText::new("ECSServiceAverageCPUUtilization (1-minute datapoints)").weak());
    chart(format!("cpu-{}", svc.name), 130.0)
        .include_y(100.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("CPU %", series(&|m| m.cpu)));
            if svc.metrics.iter().any(|m| m.memory.is_some()) {
                p.line(Line::new(
                    "memory %",
                    series(&|m| m.memory.unwrap_or(f64::NAN)),
                ));
            }
            if let Some(t) = &svc.scaling {
                p.hline(HLine::new("target", t.target).style(egui_plot::LineStyle::dashed_loose()));
            }
            for s in &svc.step_scaling {
                p.hline(
                    HLine::new(s.alarm.clone(), s.threshold)
                        .style(egui_plot::LineStyle::dotted_dense()),
                );
            }
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
    alarm_lines(ui, alarms);
    chart(format!("tasks-{}", svc.name), 120.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("desired", series(&|m| m.desired as f64)));
            p.line(Line::new("running", series(&|m| m.running as f64)));
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
}

/// Managed scaling charts: CapacityProviderReservation against the target capacity, and the
/// group's instances with the tasks waiting for them.
pub(super) fn capacity_metrics(
    ui: &mut egui::Ui,
    g: &orca_sim::ecs::capacity_provider::AutoScalingGroup,
    alarms: &[orca_sim::aas::alarms::AlarmSummary],
    now: f64,
) {
    use egui_plot::{HLine, Legend, Line, PlotPoints, VLine};
    ui.separator();
    ui.heading(format!(
        "Capacity provider {} (ASG {})",
        g.capacity_provider, g.name
    ));
    let series = |f: &dyn Fn(&orca_sim::ecs::capacity_provider::ReservationSample) -> f64| -> PlotPoints<'static> {
        g.samples
            .iter()
            .map(|m| [m.at.secs_f64(), f(m)])
            .collect::<Vec<_>>()
            .into()
    };
    let target = g
        .managed_scaling
        .as_ref()
        .map_or(100.0, |m| m.target_capacity as f64);
    ui.label(
        egui::RichText::new("CapacityProviderReservation = M needed / N in group × 100").weak(),
    );
    chart(format!("cpr-{}", g.name), 120.0)
        .include_y(200.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("reservation %", series(&|m| m.reservation)));
            p.hline(
                HLine::new("target capacity", target).style(egui_plot::LineStyle::dashed_loose()),
            );
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
    alarm_lines(ui, alarms);
    ui.label(
        egui::RichText::new(format!(
            "desired {} (min {}, max {})",
            g.desired_capacity, g.min_size, g.max_size
        ))
        .weak(),
    );
    chart(format!("asg-{}", g.name), 110.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new(
                "desired instances",
                series(&|m| m.desired as f64),
            ));
            p.line(Line::new("registered", series(&|m| m.registered as f64)));
            p.line(Line::new("tasks waiting", series(&|m| m.waiting as f64)));
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
}

/// One line per alarm: its short name (target tracking's generated names end in
/// `AlarmHigh-<uuid>` / `AlarmLow-<uuid>`; hover for the full name) and where it stands.
fn alarm_lines(ui: &mut egui::Ui, alarms: &[orca_sim::aas::alarms::AlarmSummary]) {
    for alarm in alarms {
        let short = alarm
            .alarm
            .find("-Alarm")
            .map(|i| &alarm.alarm[i + 1..])
            .map_or(alarm.alarm.as_str(), |rest| {
                rest.split('-').next().unwrap_or(rest)
            });
        ui.label(egui::RichText::new(format!("{short} · {}", alarm.describe())).weak())
            .on_hover_text(&alarm.alarm);
    }
}
