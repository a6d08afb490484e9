//! The legend at the bottom of the side panel: each card state's colour, glyph and meaning,
//! the revision stripes, the link styles and the host backgrounds.

use bevy_egui::egui;

use super::palette::c32;
use crate::app::canvas::card_state::CardState;
use crate::app::canvas::palette::{
    INSTANCE_BOOTING_BG, INSTANCE_GONE_BG, NEW_REVISION, OLD_REVISION,
};

pub(super) fn legend(ui: &mut egui::Ui) {
    egui::CollapsingHeader::new(egui::RichText::new("Legend").heading())
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("legend-grid")
                .num_columns(2)
                .spacing([8.0, 2.0])
                .show(ui, |ui| {
                    for s in CardState::ALL {
                        if s == CardState::Deprovisioning || s == CardState::Activating {
                            continue;
                        }
                        let (r, _) =
                            ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                        ui.painter().rect_filled(r, 2.0, c32(s.color()));
                        ui.label(s.label()).on_hover_text(s.meaning());
                        ui.end_row();
                    }
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                    ui.painter().rect_filled(r, 2.0, c32(NEW_REVISION));
                    ui.label("left stripe: new (PRIMARY) revision");
                    ui.end_row();
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                    ui.painter().rect_filled(r, 2.0, c32(OLD_REVISION));
                    ui.label("left stripe: older revision");
                    ui.end_row();
                    ui.label("— / - -");
                    ui.label("link to target: solid ok, dashed bad/draining");
                    ui.end_row();
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                    ui.painter().rect_filled(r, 2.0, c32(INSTANCE_BOOTING_BG));
                    ui.label("◔ host booting: REGISTERING instance, NotReady node");
                    ui.end_row();
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                    ui.painter().rect_filled(r, 2.0, c32(INSTANCE_GONE_BG));
                    ui.label("⇣ ✕ host leaving: draining or terminated instance, disrupted node");
                    ui.end_row();
                });
        });
}
