//! The header: the scenario's title and source, the quiz score, and the playback controls
//! (restart, step, play, speed, the clock) with the view buttons.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::palette::ink;
use super::{PanelSystems, Root};
use crate::app::actions::Actions;
use crate::app::player::{Player, SPEEDS};
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_header.in_set(PanelSystems::Header),
    );
}

fn show_header(
    mut root: ResMut<Root>,
    mut player: ResMut<Player>,
    mut ui_state: ResMut<UiState>,
    mut actions: MessageWriter<Actions>,
) {
    let Some(root) = root.ui() else { return };
    header(root, &mut player, &mut ui_state, &mut actions);
}

fn header(
    root: &mut egui::Ui,
    player: &mut Player,
    ui_state: &mut UiState,
    actions: &mut MessageWriter<Actions>,
) {
    egui::Panel::top("header").show(root, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            // The right-hand items first; the title and the file then take what is left and
            // are cut with "…" rather than run under them.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let (right, answered, total) = player.score();
                if let Some(shot) = &ui_state.last_screenshot {
                    ui.weak(format!("saved {shot}"));
                }
                if let Some(notice) = &ui_state.notice {
                    ui.weak(notice);
                }
                if ui
                    .button("📊 Progress")
                    .on_hover_text("G: every scenario and topic")
                    .clicked()
                {
                    actions.write(Actions::ToggleProgress);
                }
                if total > 0 {
                    ui.label(
                        egui::RichText::new(format!(
                            "Quiz score {right}/{answered} · {total} questions"
                        ))
                        .strong(),
                    )
                    .on_hover_text(
                        "Right at the first try out of questions answered (answering again is practice); kept in your progress file.",
                    );
                }
                if let Some(e) = &player.progress.last_error {
                    ui.colored_label(ink(ui, egui::Color32::from_rgb(255, 190, 120)), "⚠ progress file")
                        .on_hover_text(e.as_str());
                }
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(&player.scenario().title)
                                .heading()
                                .strong(),
                        )
                        .truncate(),
                    );
                    ui.add(
                        egui::Label::new(egui::RichText::new(player.source.label()).weak())
                            .truncate(),
                    );
                });
            });
        });
        ui.horizontal(|ui| {
            let play = if player.playing {
                "⏸ Pause"
            } else {
                "▶ Play"
            };
            if ui.button("⟲ Restart").on_hover_text("R").clicked() {
                actions.write(Actions::Restart);
            }
            if ui
                .button("⏮ Back")
                .on_hover_text("← previous event")
                .clicked()
            {
                actions.write(Actions::StepBack);
            }
            if ui.button(play).on_hover_text("Space").clicked() {
                actions.write(Actions::TogglePlay);
            }
            if ui.button("Next ⏭").on_hover_text("→ next event").clicked() {
                actions.write(Actions::StepForward);
            }
            ui.separator();
            if ui.button("−").on_hover_text("[ slower").clicked() {
                actions.write(Actions::Slower);
            }
            ui.label(egui::RichText::new(format!("{}×", player.speed())).monospace())
                .on_hover_text(format!("Speeds: {SPEEDS:?}"));
            if ui.button("+").on_hover_text("] faster").clicked() {
                actions.write(Actions::Faster);
            }
            ui.separator();
            ui.label(
                egui::RichText::new(format!("{} / {}", player.now(), player.end()))
                    .monospace()
                    .size(18.0),
            );
            ui.separator();
            if ui.button("📂 Scenarios…").on_hover_text("O").clicked() {
                ui_state.show_picker = !ui_state.show_picker;
            }
            if ui
                .button("Fit")
                .on_hover_text("F: fit the cluster in view")
                .clicked()
            {
                actions.write(Actions::Fit);
            }
            if ui.button("A−").on_hover_text("Ctrl+-").clicked() {
                actions.write(Actions::TextSmaller);
            }
            if ui.button("A+").on_hover_text("Ctrl+=").clicked() {
                actions.write(Actions::TextBigger);
            }
            if ui
                .button(if ui_state.presenting {
                    "Panels"
                } else {
                    "Present"
                })
                .on_hover_text("P: hide or show the side panel and the event log")
                .clicked()
            {
                actions.write(Actions::TogglePresenting);
            }
            if ui.button("Legend").on_hover_text("L").clicked() {
                ui_state.show_legend = !ui_state.show_legend;
            }
            if ui.button("? Keys").on_hover_text("?").clicked() {
                ui_state.show_help = !ui_state.show_help;
            }
        });
        ui.add_space(2.0);
    });
}
