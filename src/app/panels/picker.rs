//! The scenario picker (`O`): open a file by path (it reloads when saved) or a built-in one.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::palette::ink;
use super::{PanelSystems, Root};
use crate::app::camera::ViewState;
use crate::app::library;
use crate::app::player::Player;
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_picker.in_set(PanelSystems::Picker),
    );
}

fn show_picker(
    mut root: ResMut<Root>,
    mut player: ResMut<Player>,
    mut ui_state: ResMut<UiState>,
    mut view: ResMut<ViewState>,
) {
    let Some(root) = root.ui() else { return };
    if ui_state.show_picker {
        let ctx = root.ctx().clone();
        picker(&ctx, &mut player, &mut ui_state, &mut view);
    } else {
        ui_state.typing = false;
    }
}

fn picker(ctx: &egui::Context, player: &mut Player, ui_state: &mut UiState, view: &mut ViewState) {
    let mut open = true;
    let mut typing = false;
    let screen = ctx.content_rect();
    egui::Window::new("Scenarios")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .fixed_size([
            660.0_f32.min(screen.width() - 40.0),
            (screen.height() - 120.0).max(200.0),
        ])
        .show(ctx, |ui| {
            ui.label("Open a scenario file (it reloads when you save it):");
            ui.horizontal(|ui| {
                let field = ui.add(
                    egui::TextEdit::singleline(&mut ui_state.open_path)
                        .hint_text("path/to/scenario.ron")
                        .desired_width(480.0),
                );
                typing = field.has_focus();
                if ui.button("Open").clicked() {
                    let path = std::path::PathBuf::from(ui_state.open_path.trim());
                    match library::load_file(&path) {
                        Ok((s, source)) => {
                            player.switch_scenario(s, source);
                            ui_state.show_intro = true;
                            ui_state.show_picker = false;
                            ui_state.picker_error = None;
                            view.fit_requested = true;
                        }
                        Err(e) => ui_state.picker_error = Some(e),
                    }
                }
            });
            if let Some(e) = &ui_state.picker_error {
                ui.label(
                    egui::RichText::new(e)
                        .monospace()
                        .color(ink(ui, egui::Color32::from_rgb(255, 120, 120))),
                );
            }
            ui.separator();
            ui.label("Built in:");
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let mut last_kind = "";
                    for (name, title, description) in library::built_in_list() {
                        let kind = if name.starts_with("eks") {
                            "Amazon EKS (Kubernetes)"
                        } else {
                            "Amazon ECS"
                        };
                        if kind != last_kind {
                            last_kind = kind;
                            ui.add_space(4.0);
                            ui.strong(kind);
                        }
                        ui.group(|ui| {
                            ui.set_width(ui.available_width());
                            if ui
                                .button(egui::RichText::new(&title).strong().size(16.0))
                                .clicked()
                            {
                                match library::built_in(name) {
                                    Ok(s) => {
                                        player.switch_scenario(
                                            s,
                                            library::ScenarioSource::BuiltIn(name),
                                        );
                                        ui_state.show_intro = true;
                                        ui_state.show_picker = false;
                                        view.fit_requested = true;
                                    }
                                    Err(e) => ui_state.picker_error = Some(e),
                                }
                            }
                            ui.label(egui::RichText::new(description).weak());
                        });
                    }
                });
        });
    ui_state.typing = typing;
    if !open {
        ui_state.show_picker = false;
    }
}
