//! The side panel on the right: services (or Deployments) with their charts, the inspector and
//! the legend. A quiz takes its place while it is open. While something is selected the
//! inspector comes first, so a click on a card shows its fields without scrolling (at 1280×720
//! the sections above it used to push it below the fold).

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::goals::goals_section;
use super::inspector::inspector;
use super::legend::legend;
use super::services::services;
use super::side_by_side::side_by_side;
use super::{PanelSystems, Root};
use crate::app::image_highlight::RegistryView;
use crate::app::player::{Player, Selection};
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_side_panel.in_set(PanelSystems::SidePanel).run_if(
            |ui_state: Res<UiState>, player: Res<Player>| {
                !ui_state.presenting && player.quiz.is_none()
            },
        ),
    );
}

fn show_side_panel(
    mut root: ResMut<Root>,
    mut player: ResMut<Player>,
    ui_state: Res<UiState>,
    mut registry_view: ResMut<RegistryView>,
    mut shown: Local<Option<Selection>>,
) {
    let Some(root) = root.ui() else { return };
    // A new selection scrolls the panel to the inspector's top once; after that the learner
    // scrolls freely.
    let changed = *shown != player.selection;
    if changed {
        *shown = player.selection.clone();
    }
    side_panel(
        root,
        &mut player,
        ui_state.show_legend,
        &mut registry_view,
        changed,
    );
}

/// The side panel's width: its default, its least, and its greatest share of the window.
const SIDE_DEFAULT: f32 = 360.0;
const SIDE_MIN: f32 = 280.0;
const SIDE_SHARE: f32 = 0.34;

fn side_panel(
    root: &mut egui::Ui,
    player: &mut Player,
    show_legend: bool,
    registry_view: &mut RegistryView,
    selection_changed: bool,
) {
    // At most a third of the window (a little more on a narrow one): its rows wrap rather than
    // push the canvas aside, so the cluster keeps the room its cards need to stay legible.
    let max = (root.max_rect().width() * SIDE_SHARE).max(SIDE_MIN);
    egui::Panel::right("side")
        .resizable(true)
        .default_size(SIDE_DEFAULT.min(max))
        .size_range(SIDE_MIN..=max)
        .show(root, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    side_by_side(ui, player.playback.world());
                    let selected = player.selection.is_some();
                    if selected {
                        let shown = ui.scope(|ui| inspector(ui, player)).response;
                        if selection_changed {
                            shown.scroll_to_me(Some(egui::Align::TOP));
                        }
                        ui.separator();
                    }
                    if !player.scenario().goals.is_empty() {
                        goals_section(ui, player);
                        ui.separator();
                    }
                    services(ui, player);
                    super::insights_charts::insights_section(ui, player);
                    super::security::security_sections(ui, player);
                    super::registry::registry(ui, player.playback.world(), registry_view);
                    if !selected {
                        ui.separator();
                        inspector(ui, player);
                    }
                    if show_legend {
                        ui.separator();
                        legend(ui);
                    }
                });
        });
}
