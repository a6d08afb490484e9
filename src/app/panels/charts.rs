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
pub(super) fn service_metrics(ui: &mut egui::Ui, svc: &orca_sim::ecs::Service, now: f64) {
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
    if let Some(t) = &svc.scaling {
        let [(high_m, high_n, high_at), (low_m, low_n, low_at)] = target_tracking_alarms(t.target);
        ui.label(
            egui::RichText::new(format!(
                "AlarmHigh {} ({high_m} of {high_n} above {high_at:.0} %) · AlarmLow {} ({low_m} of {low_n} below {low_at:.0} %)",
                t.high.as_str(),
                t.low.as_str(),
            ))
            .weak(),
        );
    }
    for s in &svc.step_scaling {
        ui.label(
            egui::RichText::new(format!(
                "{} {} ({} {} {:.0} %, {} of {}) → policy {}",
                s.alarm,
                s.state.as_str(),
                s.metric.as_str(),
                s.comparison.words(),
                s.threshold,
                s.datapoints_to_alarm,
                s.evaluation_periods,
                s.policy
            ))
            .weak(),
        );
    }
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
    let (low_m, low_n) = managed_scaling_scale_in_datapoints();
    ui.label(
        egui::RichText::new(format!(
            "scale-out alarm {} · scale-in alarm {} ({low_m} of {low_n} below {target:.0} %) · desired {} (min {}, max {})",
            g.high.as_str(),
            g.low.as_str(),
            g.desired_capacity,
            g.min_size,
            g.max_size
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

/// Domain fact written here until the core provides it: the two CloudWatch alarms of a
/// target-tracking policy as (datapoints to alarm, evaluation periods, threshold) — AlarmHigh
/// 3 of 3 above the target, AlarmLow 15 of 15 below target × `LOW_FACTOR`. The core evaluates
/// them (`aas`, which has `HIGH_DATAPOINTS` and `LOW_DATAPOINTS`); it should expose each
/// alarm's definition, as it does for step-scaling alarms.
fn target_tracking_alarms(target: f64) -> [(u32, u32, f64); 2] {
    [(3, 3, target), (15, 15, target * orca_sim::aas::LOW_FACTOR)]
}

/// Domain fact written here until the core provides it: ECS managed scaling's scale-in alarm,
/// 15 of 15 one-minute datapoints below the target capacity, as (datapoints, periods). The core
/// has it as `capacity_provider::SCALE_IN_DATAPOINTS`; it should expose the alarm with the group.
fn managed_scaling_scale_in_datapoints() -> (u32, u32) {
    (15, 15)
}
