//! The scenario's title and description in a window when it opens: start, or look around
//! first.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::{PanelSystems, Root};
use crate::app::player::Player;
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_intro.in_set(PanelSystems::Intro).run_if(
            |ui_state: Res<UiState>, player: Res<Player>| {
                ui_state.show_intro && player.quiz.is_none()
            },
        ),
    );
}

fn show_intro(mut root: ResMut<Root>, mut player: ResMut<Player>, mut ui_state: ResMut<UiState>) {
    let Some(root) = root.ui() else { return };
    let ctx = root.ctx().clone();
    intro(&ctx, &mut player, &mut ui_state);
}

fn intro(ctx: &egui::Context, player: &mut Player, ui_state: &mut UiState) {
    let scenario = player.scenario().clone();
    egui::Window::new(egui::RichText::new(&scenario.title).strong())
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .default_width(560.0)
        .show(ctx, |ui| {
            ui.set_max_width(560.0);
            ui.label(egui::RichText::new(&scenario.description).size(16.0));
            ui.add_space(8.0);
            ui.weak(format!(
                "{} quiz question(s) · {} long · press ? for the keys",
                scenario.quizzes.len(),
                player.end()
            ));
            ui.horizontal(|ui| {
                if ui
                    .button(egui::RichText::new("▶ Start  (Space)").size(16.0))
                    .clicked()
                {
                    ui_state.show_intro = false;
                    player.toggle_play();
                }
                if ui.button("Look around first  (Esc)").clicked() {
                    ui_state.show_intro = false;
                }
            });
        });
}
