//! A banner under the header while the watched scenario file has an error: the last good
//! version keeps running.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::palette::ink;
use super::{PanelSystems, Root};
use crate::app::player::Player;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_load_error.in_set(PanelSystems::LoadError),
    );
}

fn show_load_error(mut root: ResMut<Root>, player: Res<Player>) {
    let Some(root) = root.ui() else { return };
    if let Some(err) = player.load_error.clone() {
        egui::Panel::top("error")
            .frame(egui::Frame::default().fill(ink(root, egui::Color32::from_rgb(110, 25, 25))).inner_margin(6.0))
            .show(root, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        egui::RichText::new(format!(
                            "⚠ The edited file has an error; still showing the last good version.\n{err}"
                        ))
                        .color(ink(ui, egui::Color32::WHITE))
                        .monospace(),
                    );
                });
            });
    }
}
