//! The progress view (G): every scenario and topic with questions answered, right at the
//! first try, missed and retaken; the score counts first attempts only.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::{PanelSystems, Root};
use crate::app::library;
use crate::app::player::Player;
use crate::app::ui_state::UiState;
use crate::progress_report::{self, Tally};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_progress_view
            .in_set(PanelSystems::Picker)
            .run_if(|ui_state: Res<UiState>| ui_state.show_progress),
    );
}

fn show_progress_view(mut root: ResMut<Root>, player: Res<Player>, mut ui_state: ResMut<UiState>) {
    let Some(root) = root.ui() else { return };
    let ctx = root.ctx().clone();
    let summary = progress_report::summary(&player.progress, &library::known_scenarios());
    egui::Window::new("Your progress")
        .collapsible(false)
        .resizable(true)
        .default_size([640.0, 480.0])
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(&ctx, |ui| {
            ui.label(
                egui::RichText::new(format!(
                    "{} right at the first try out of {} answered ({} questions known)",
                    summary.overall.first_right,
                    summary.overall.answered,
                    summary.overall.questions
                ))
                .strong(),
            );
            ui.weak("The score counts first attempts; answering again is practice (retakes).");
            if let Some(e) = &player.progress.last_error {
                ui.colored_label(egui::Color32::from_rgb(255, 190, 120), format!("⚠ {e}"));
            }
            egui::ScrollArea::vertical().show(ui, |ui| {
                table(ui, "by-topic", "Topic", &summary.topics);
                ui.add_space(8.0);
                table(ui, "by-scenario", "Scenario", &summary.scenarios);
            });
            ui.add_space(6.0);
            ui.weak("`orca progress --export FILE.csv` writes every answer for a teacher.");
            if ui.button("Close (G or Esc)").clicked() {
                ui_state.show_progress = false;
            }
        });
}

fn table(ui: &mut egui::Ui, id: &str, what: &str, rows: &[(String, Tally)]) {
    egui::Grid::new(id)
        .num_columns(5)
        .striped(true)
        .spacing([18.0, 4.0])
        .show(ui, |ui| {
            for h in [what, "Answered", "Right first try", "Missed", "Retakes"] {
                ui.label(egui::RichText::new(h).strong());
            }
            ui.end_row();
            for (name, t) in rows {
                ui.label(name);
                ui.label(format!("{} / {}", t.answered, t.questions));
                ui.label(t.first_right.to_string());
                ui.label(t.missed.to_string());
                ui.label(t.retakes.to_string());
                ui.end_row();
            }
        });
}
