//! The traffic chart of a blue/green service (from `ecs::blue_green_read::traffic_chart`):
//! each target group's share of production traffic over time, as steps (a weight holds until
//! the listener changes it), and the rollback alarms' metric — the 5xx count of each minute —
//! against each alarm's threshold, dotted. Time in `mm:ss` like the other charts.

use bevy_egui::egui;
use orca_sim::SimTime;
use orca_sim::ecs::blue_green_read::TrafficChart;

use super::{Mark, SERIES, chart, key, now_key, now_line, reference_line, series_key, series_line};

pub(in crate::app::panels) fn traffic_metrics(
    ui: &mut egui::Ui,
    service: &str,
    c: &TrafficChart,
    now: f64,
) {
    ui.separator();
    ui.heading(format!("Traffic: {service}"));
    ui.label(egui::RichText::new("production listener: % of requests to each target group").weak());
    let mut keys = [
        series_key(0, &c.target_groups[0]),
        series_key(1, &c.target_groups[1]),
        now_key(),
    ];
    // The lines take their colours from `keys`, which `chart` turns into the theme's.
    chart(ui, format!("traffic-{service}"), 120.0, &mut keys)
        .include_y(100.0)
        .show(ui, |p| {
            for (g, k) in keys[..2].iter().enumerate() {
                p.line(series_line(k, steps(&c.weights, g, now).into()));
            }
            p.vline(now_line(&keys, now));
        });
    if c.thresholds.is_empty() && c.errors.is_empty() {
        return;
    }
    ui.label(
        egui::RichText::new("HTTPCode_Target_5XX_Count each minute (the rollback alarm's metric)")
            .weak(),
    );
    let errors = key("5xx count", SERIES[2], Mark::Solid);
    let thresholds: Vec<(super::Key, f64)> = c
        .thresholds
        .iter()
        .enumerate()
        .map(|(i, (name, t))| {
            (
                key(
                    format!("{name} threshold"),
                    SERIES[(3 + i) % SERIES.len()],
                    Mark::Dotted,
                ),
                *t,
            )
        })
        .collect();
    let mut keys = vec![errors];
    keys.extend(thresholds.iter().map(|(k, _)| k.clone()));
    keys.push(now_key());
    let top = thresholds.iter().map(|t| t.1 * 1.5).fold(10.0, f64::max);
    chart(ui, format!("errors-{service}"), 110.0, &mut keys)
        .include_y(top)
        .show(ui, |p| {
            let points: Vec<[f64; 2]> =
                c.errors.iter().map(|(at, e)| [at.secs_f64(), *e]).collect();
            p.line(series_line(&keys[0], points.into()));
            for (k, (_, t)) in keys[1..].iter().zip(&thresholds) {
                p.hline(reference_line(k, *t));
            }
            p.vline(now_line(&keys, now));
        });
}

/// Target group `g`'s weight as a step line: each point holds until the next one, the last
/// until `now` (seconds).
pub(super) fn steps(weights: &[(SimTime, [f64; 2])], g: usize, now: f64) -> Vec<[f64; 2]> {
    let mut out: Vec<[f64; 2]> = Vec::new();
    for (at, w) in weights {
        let x = at.secs_f64();
        if let Some(&[_, prev]) = out.last() {
            out.push([x, prev]);
        }
        out.push([x, w[g]]);
    }
    if let Some(&[x, last]) = out.last()
        && now > x
    {
        out.push([now, last]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weight_holds_until_the_listener_changes_it_and_the_last_one_until_now() {
        let w = [
            (SimTime::from_secs(0), [100.0, 0.0]),
            (SimTime::from_secs(101), [90.0, 10.0]),
            (SimTime::from_secs(120), [100.0, 0.0]),
        ];
        assert_eq!(
            steps(&w, 1, 300.0),
            vec![
                [0.0, 0.0],
                [101.0, 0.0],
                [101.0, 10.0],
                [120.0, 10.0],
                [120.0, 0.0],
                [300.0, 0.0]
            ]
        );
        // Seen before the last change: nothing after now is invented, and no point is added.
        assert_eq!(steps(&w[..1], 0, 0.0), vec![[0.0, 100.0]]);
        assert!(steps(&[], 0, 50.0).is_empty());
    }
}
