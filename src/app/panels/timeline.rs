//! The timeline at the bottom: a tick per event, a diamond per quiz, the current moment;
//! click or drag to move through time.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};
use orca_sim::{SimTime, Source};

use super::palette::{ink, source_color};
use super::{PanelSystems, Root};
use crate::app::player::Player;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_timeline.in_set(PanelSystems::Timeline),
    );
}

fn show_timeline(mut root: ResMut<Root>, mut player: ResMut<Player>) {
    let Some(root) = root.ui() else { return };
    timeline(root, &mut player);
}

fn timeline(root: &mut egui::Ui, player: &mut Player) {
    egui::Panel::bottom("timeline")
        .exact_size(44.0)
        .show(root, |ui| {
            let (rect, response) =
                ui.allocate_exact_size(ui.available_size(), egui::Sense::click_and_drag());
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 4.0, ink(ui, egui::Color32::from_rgb(24, 27, 34)));
            let end = player.end().millis().max(1) as f32;
            let x_of =
                |t: SimTime| rect.left() + 8.0 + (rect.width() - 16.0) * (t.millis() as f32 / end);
            let mid = rect.center().y;
            // Nothing at or after a prediction never answered: its ticks and texts would
            // give the answer away.
            let hidden_from = player.hidden_from();
            let shown = |e: &&orca_sim::Event| {
                !matches!(e.source, Source::Task(_)) && hidden_from.is_none_or(|h| e.at < h)
            };
            // One tick per pixel column and kind of source: a long run has hundreds of
            // thousands of events, and a tick drawn over an identical one adds nothing (the
            // log is in time order, so a column's events are next to each other).
            let mut column: (i32, Vec<&str>) = (i32::MIN, Vec::new());
            for e in player.playback.full_log().iter().filter(shown) {
                let x = x_of(e.at);
                let (col, kind) = (x.round() as i32, e.source.category());
                if col != column.0 {
                    column = (col, Vec::new());
                }
                if column.1.contains(&kind) {
                    continue;
                }
                column.1.push(kind);
                painter.line_segment(
                    [egui::pos2(x, mid - 7.0), egui::pos2(x, mid + 7.0)],
                    egui::Stroke::new(
                        1.0,
                        ink(ui, source_color(e.source.category())).gamma_multiply(0.7),
                    ),
                );
            }
            for m in player.playback.quiz_moments() {
                let x = x_of(m.at);
                let c = egui::pos2(x, rect.top() + 8.0);
                let pts = vec![
                    c + egui::vec2(0.0, -6.0),
                    c + egui::vec2(6.0, 0.0),
                    c + egui::vec2(0.0, 6.0),
                    c + egui::vec2(-6.0, 0.0),
                ];
                painter.add(egui::Shape::convex_polygon(
                    pts,
                    ink(ui, egui::Color32::from_rgb(255, 225, 60)),
                    egui::Stroke::new(1.0, ink(ui, egui::Color32::BLACK)),
                ));
            }
            let x = x_of(player.now());
            painter.line_segment(
                [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
                egui::Stroke::new(3.0, ink(ui, egui::Color32::WHITE)),
            );
            if let Some(p) = response.interact_pointer_pos()
                && (response.clicked() || response.dragged())
            {
                let frac = ((p.x - rect.left() - 8.0) / (rect.width() - 16.0)).clamp(0.0, 1.0);
                let t = SimTime((frac * end) as u64);
                player.playing = false;
                player.seek_asking(t);
            }
            let label_color = ink(ui, egui::Color32::from_gray(170));
            painter.text(
                egui::pos2(rect.left() + 8.0, rect.bottom() - 2.0),
                egui::Align2::LEFT_BOTTOM,
                "00:00",
                egui::FontId::proportional(11.0),
                label_color,
            );
            painter.text(
                egui::pos2(rect.right() - 8.0, rect.bottom() - 2.0),
                egui::Align2::RIGHT_BOTTOM,
                player.end().to_string(),
                egui::FontId::proportional(11.0),
                label_color,
            );
            let hover_text = response.hover_pos().map(|p| {
                let frac = ((p.x - rect.left() - 8.0) / (rect.width() - 16.0)).clamp(0.0, 1.0);
                let t = SimTime((frac * end) as u64);
                let near = player
                    .playback
                    .full_log()
                    .iter()
                    .filter(shown)
                    .min_by_key(|e| e.at.millis().abs_diff(t.millis()));
                match near {
                    Some(e) if (x_of(e.at) - p.x).abs() < 6.0 => {
                        format!("[{}] {}", e.at, e.message())
                    }
                    _ => {
                        format!("{t} — click or drag to move through time. ◆ quiz, ticks = events")
                    }
                }
            });
            if let Some(text) = hover_text {
                response.on_hover_text(text);
            }
        });
}
