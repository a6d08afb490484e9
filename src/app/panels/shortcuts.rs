//! The keyboard shortcuts overlay (`?`).

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::{PanelSystems, Root};
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_shortcuts
            .in_set(PanelSystems::Shortcuts)
            .run_if(|ui_state: Res<UiState>| ui_state.show_help),
    );
}

pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    ("→", "step to the next event"),
    ("←", "step back to the previous event"),
    ("[  ]", "slower / faster (0.25× to 64×)"),
    ("R", "restart from 0:00"),
    ("Home / End", "jump to the start / the end"),
    ("1 – 9, Enter", "pick a quiz answer, answer, continue"),
    (
        "C",
        "open / close the console (aws ecs …, kubectl …, orca …)",
    ),
    (
        "A, right-click",
        "actions for the selected task, pod, host, service or Deployment",
    ),
    ("Ctrl + Z", "undo your last action"),
    (
        "Ctrl + S",
        "save the session (with your actions) as a scenario file",
    ),
    ("F", "fit the cluster in view"),
    ("drag, wheel", "pan and zoom the canvas"),
    ("Ctrl + =  /  Ctrl + -", "bigger / smaller text and panels"),
    ("Ctrl + 0", "reset text size"),
    ("L", "show / hide the legend"),
    ("K", "the selected task's or pod's logs, in a window"),
    (
        "I",
        "show / hide the selected task's or pod's credential path",
    ),
    ("O", "open the scenario picker"),
    ("G", "your progress: every scenario and topic"),
    ("N", "newest events first / oldest first"),
    ("P", "presentation mode: canvas only (with the timeline)"),
    (
        "T",
        "theme: dark / light, high contrast (for a bright room)",
    ),
    (
        "F5",
        "presenter mode: a second window for the teacher (H count, Enter reveal)",
    ),
    (
        "Tab / Shift+Tab",
        "select the next / previous task (shown in the inspector)",
    ),
    ("F12", "save a picture of the window (PNG, current folder)"),
    ("Esc", "deselect, close overlays"),
    ("?", "this overlay"),
];

fn show_shortcuts(mut root: ResMut<Root>, mut ui_state: ResMut<UiState>) {
    let Some(root) = root.ui() else { return };
    let ctx = root.ctx().clone();
    help(&ctx, &mut ui_state);
}

fn help(ctx: &egui::Context, ui_state: &mut UiState) {
    egui::Window::new("Keyboard shortcuts")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            egui::Grid::new("keys")
                .num_columns(2)
                .spacing([24.0, 6.0])
                .show(ui, |ui| {
                    for (k, what) in SHORTCUTS {
                        ui.label(egui::RichText::new(*k).monospace().strong());
                        ui.label(*what);
                        ui.end_row();
                    }
                });
            if ui.button("Close (Esc)").clicked() {
                ui_state.show_help = false;
            }
        });
}
