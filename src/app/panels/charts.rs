//! Scaling charts in the side panel: EKS utilization against the HPA target with replicas,
//! pods and nodes; ECS service CPU against its target-tracking target and step-scaling alarms;
//! an Auto Scaling group's CapacityProviderReservation against the target capacity.
//!
//! Time reads `mm:ss` as everywhere else in the app. Each chart's legend is a row above it
//! (egui_plot's own legend sits on the plotted lines), with the line's colour and its style:
//! series are solid, targets dashed, alarm thresholds dotted, now a white vertical line.

use super::palette::ink;
use bevy_egui::egui::{self, Color32};
use egui_plot::{GridInput, HLine, HoverPosition, Line, LineStyle, VLine};
use orca_sim::SimTime;
use orca_sim::k8s::cluster::Cluster;

mod traffic;
pub(super) use traffic::traffic_metrics;

/// The colours of a chart's series, in the order they are added.
const SERIES: [Color32; 4] = [
    Color32::from_rgb(235, 110, 90),
    Color32::from_rgb(90, 160, 235),
    Color32::from_rgb(150, 205, 95),
    Color32::from_rgb(205, 125, 225),
];
/// Targets and thresholds.
pub(super) const REFERENCE: Color32 = Color32::from_rgb(175, 180, 200);
const NOW: Color32 = Color32::WHITE;

/// How a line is drawn, in the chart and in its legend.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Mark {
    Solid,
    Dashed,
    Dotted,
    Now,
}

/// One entry of a chart's legend.
#[derive(Clone)]
pub(super) struct Key {
    name: String,
    color: Color32,
    mark: Mark,
}

pub(super) fn key(name: impl Into<String>, color: Color32, mark: Mark) -> Key {
    Key {
        name: name.into(),
        color,
        mark,
    }
}

pub(super) fn series_key(n: usize, name: &str) -> Key {
    key(name, SERIES[n % SERIES.len()], Mark::Solid)
}

/// The legend of a chart, as a row of samples and names above it.
fn legend(ui: &mut egui::Ui, keys: &[Key]) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for k in keys {
            let (rect, _) = ui.allocate_exact_size(egui::vec2(22.0, 12.0), egui::Sense::hover());
            let p = ui.painter();
            let stroke = egui::Stroke::new(2.5, k.color);
            let (l, r, y) = (rect.left(), rect.right(), rect.center().y);
            match k.mark {
                Mark::Solid => {
                    p.line_segment([egui::pos2(l, y), egui::pos2(r, y)], stroke);
                }
                Mark::Dashed => {
                    for x in [l, l + 9.0, l + 18.0] {
                        p.line_segment([egui::pos2(x, y), egui::pos2((x + 5.0).min(r), y)], stroke);
                    }
                }
                Mark::Dotted => {
                    for x in [l + 2.0, l + 8.0, l + 14.0, l + 20.0] {
                        p.circle_filled(egui::pos2(x, y), 1.5, k.color);
                    }
                }
                Mark::Now => {
                    let x = rect.center().x;
                    p.line_segment(
                        [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
                        stroke,
                    );
                }
            }
            ui.label(egui::RichText::new(&k.name).color(ink(ui, egui::Color32::from_gray(215))));
            ui.add_space(10.0);
        }
    });
}

/// A moment of the run as the app writes it (`01:30`); nothing before the start.
fn mm_ss(secs: f64) -> String {
    if secs < 0.0 {
        String::new()
    } else {
        SimTime::from_secs_f64(secs).to_string()
    }
}

/// Grid steps of whole minutes or round seconds: about five labelled steps across the chart
/// (`major`), with finer unlabelled lines between (each a multiple of the finer one).
fn time_steps(input: &GridInput) -> [f64; 3] {
    const STEPS: [f64; 13] = [
        5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0,
    ];
    let span = (input.bounds.1 - input.bounds.0).abs();
    let major = STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 5.0)
        .unwrap_or(STEPS[STEPS.len() - 1]);
    let minor = STEPS
        .iter()
        .copied()
        .rfind(|s| *s < major && major % s == 0.0)
        .unwrap_or(major);
    [minor, major, 2.0 * major]
}

/// A fixed chart of the side panel: time on x from 0 in `mm:ss`, no dragging or zooming (the
/// timeline does the navigating), its legend above it.
pub(super) fn chart<'a>(
    ui: &mut egui::Ui,
    id: impl egui::AsId,
    height: f32,
    keys: &mut [Key],
) -> egui_plot::Plot<'a> {
    // The keys (and so the lines drawn from them) in the panel's theme.
    for k in keys.iter_mut() {
        k.color = ink(ui, k.color);
    }
    legend(ui, keys);
    // The spacer tells the axis which step it labels, so the labels keep one rhythm.
    let labelled = std::rc::Rc::new(std::cell::Cell::new(60.0));
    let set = labelled.clone();
    egui_plot::Plot::new(id)
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_y(0.0)
        .x_grid_spacer(move |input| {
            let steps = time_steps(&input);
            set.set(steps[1]);
            egui_plot::uniform_grid_spacer(move |_| steps)(input)
        })
        .x_axis_formatter(move |mark, _| {
            let step = labelled.get();
            if (mark.value / step).fract().abs() < 1e-6 {
                mm_ss(mark.value)
            } else {
                String::new()
            }
        })
        .label_formatter(|pos: &HoverPosition<'_>| match pos {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(format!(
                "{plot_name}\n{} · {:.0}",
                mm_ss(position.x),
                position.y
            )),
            _ => None,
        })
}

/// A series in its legend's colour.
pub(super) fn series_line<'a>(k: &Key, points: egui_plot::PlotPoints<'a>) -> Line<'a> {
    Line::new(k.name.clone(), points).color(k.color).width(2.0)
}

/// A horizontal target (dashed) or threshold (dotted).
pub(super) fn reference_line(k: &Key, y: f64) -> HLine {
    let style = if k.mark == Mark::Dotted {
        LineStyle::dotted_dense()
    } else {
        LineStyle::dashed_loose()
    };
    HLine::new(k.name.clone(), y).color(k.color).style(style)
}

pub(super) fn now_line(keys: &[Key], now: f64) -> VLine {
    let color = keys
        .iter()
        .find(|k| k.mark == Mark::Now)
        .map_or(NOW, |k| k.color);
    VLine::new("now", now).color(color)
}

pub(super) fn now_key() -> Key {
    key("now", NOW, Mark::Now)
}

/// EKS scaling charts: utilization against the HPA target, and replicas, pods and nodes over
/// time.
pub(super) fn eks_metrics(ui: &mut egui::Ui, eks: &Cluster, now: f64) {
    use egui_plot::PlotPoints;
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
    // A pod without a CPU request has no utilization; Orca's load model measures it against the
    // request it would have by default, and the HPA, as in Kubernetes, reads <unknown>.
    let of = if eks.deployments[0].template.cpu_requested {
        "% of request".to_string()
    } else {
        format!(
            "% of {}m (its pods request no CPU: the HPA sees <unknown>)",
            orca_sim::scenario::spec::defaults::cpu_request()
        )
    };
    ui.label(egui::RichText::new(format!("deployment/{name}: average CPU, {of}")).weak());
    let target = eks.samples.last().and_then(|s| s.target);
    let mut keys = vec![series_key(0, "utilization")];
    if target.is_some() {
        keys.push(key("HPA target", REFERENCE, Mark::Dashed));
    }
    keys.push(now_key());
    chart(ui, "cpu", 130.0, &mut keys)
        .include_y(100.0)
        .show(ui, |p| {
            p.line(series_line(&keys[0], series(&|s| s.utilization)));
            if let Some(t) = target {
                p.hline(reference_line(&keys[1], t));
            }
            p.vline(now_line(&keys, now));
        });
    ui.label(egui::RichText::new("pods and nodes").weak());
    let mut keys = [
        series_key(0, "desired replicas"),
        series_key(1, "ready pods"),
        series_key(2, "pending pods"),
        series_key(3, "nodes"),
        now_key(),
    ];
    chart(ui, "counts", 130.0, &mut keys).show(ui, |p| {
        p.line(series_line(&keys[0], series(&|s| s.desired as f64)));
        p.line(series_line(&keys[1], series(&|s| s.ready as f64)));
        p.line(series_line(&keys[2], series(&|s| s.pending as f64)));
        p.line(series_line(&keys[3], series(&|s| s.nodes as f64)));
        p.vline(now_line(&keys, now));
    });
}

/// Target tracking charts: CPU against the target, desired and running tasks.
pub(super) fn service_metrics(
    ui: &mut egui::Ui,
    svc: &orca_sim::ecs::Service,
    alarms: &[orca_sim::aas::alarms::AlarmSummary],
    now: f64,
) {
    use egui_plot::PlotPoints;
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
    let cpu = series_key(0, "CPU %");
    let memory = svc
        .metrics
        .iter()
        .any(|m| m.memory.is_some())
        .then(|| series_key(1, "memory %"));
    let target = svc
        .scaling
        .as_ref()
        .map(|t| (key("target", REFERENCE, Mark::Dashed), t.target));
    // Each step-scaling alarm's threshold, dotted, in a colour after the series'.
    let thresholds: Vec<(Key, f64)> = svc
        .step_scaling
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let color = SERIES[(2 + i) % SERIES.len()];
            (key(s.alarm.clone(), color, Mark::Dotted), s.threshold)
        })
        .collect();
    let mut keys = vec![cpu.clone()];
    keys.extend(memory.clone());
    keys.extend(target.iter().map(|(k, _)| k.clone()));
    keys.extend(thresholds.iter().map(|(k, _)| k.clone()));
    keys.push(now_key());
    chart(ui, format!("cpu-{}", svc.name), 130.0, &mut keys)
        .include_y(100.0)
        .show(ui, |p| {
            p.line(series_line(&cpu, series(&|m| m.cpu)));
            if let Some(k) = &memory {
                p.line(series_line(k, series(&|m| m.memory.unwrap_or(f64::NAN))));
            }
            if let Some((k, t)) = &target {
                p.hline(reference_line(k, *t));
            }
            for (k, t) in &thresholds {
                p.hline(reference_line(k, *t));
            }
            p.vline(now_line(&keys, now));
        });
    alarm_lines(ui, alarms);
    let mut keys = [
        series_key(0, "desired"),
        series_key(1, "running"),
        now_key(),
    ];
    chart(ui, format!("tasks-{}", svc.name), 120.0, &mut keys).show(ui, |p| {
        p.line(series_line(&keys[0], series(&|m| m.desired as f64)));
        p.line(series_line(&keys[1], series(&|m| m.running as f64)));
        p.vline(now_line(&keys, now));
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
    use egui_plot::PlotPoints;
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
    let mut keys = [
        series_key(0, "reservation %"),
        key("target capacity", REFERENCE, Mark::Dashed),
        now_key(),
    ];
    chart(ui, format!("cpr-{}", g.name), 120.0, &mut keys)
        .include_y(200.0)
        .show(ui, |p| {
            p.line(series_line(&keys[0], series(&|m| m.reservation)));
            p.hline(reference_line(&keys[1], target));
            p.vline(now_line(&keys, now));
        });
    alarm_lines(ui, alarms);
    ui.label(
        egui::RichText::new(format!(
            "desired {} (min {}, max {})",
            g.desired_capacity, g.min_size, g.max_size
        ))
        .weak(),
    );
    let mut keys = [
        series_key(0, "desired instances"),
        series_key(1, "registered"),
        series_key(2, "tasks waiting"),
        now_key(),
    ];
    chart(ui, format!("asg-{}", g.name), 110.0, &mut keys).show(ui, |p| {
        p.line(series_line(&keys[0], series(&|m| m.desired as f64)));
        p.line(series_line(&keys[1], series(&|m| m.registered as f64)));
        p.line(series_line(&keys[2], series(&|m| m.waiting as f64)));
        p.vline(now_line(&keys, now));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(from: f64, to: f64) -> [f64; 3] {
        time_steps(&GridInput {
            bounds: (from, to),
            base_step_size: 1.0,
        })
    }

    #[test]
    fn the_time_axis_is_labelled_in_whole_minutes_or_round_seconds() {
        // Ten minutes: a label every two minutes, a line every minute.
        assert_eq!(steps(0.0, 600.0), [60.0, 120.0, 240.0]);
        // A minute: every 15 s, lines every 5 s.
        assert_eq!(steps(0.0, 60.0), [5.0, 15.0, 30.0]);
        // 45 minutes: every 10 minutes, lines every 5.
        assert_eq!(steps(0.0, 2700.0), [300.0, 600.0, 1200.0]);
        assert_eq!(mm_ss(90.0), "01:30");
        assert_eq!(mm_ss(3900.0), "1:05:00");
        assert_eq!(mm_ss(-5.0), "");
    }
}
