//! The legend at the bottom of the side panel: each card state's colour, glyph and meaning,
//! the revision stripes, the link styles and the host backgrounds.

use bevy::prelude::Color;
use bevy_egui::egui;

use super::palette::{c32, ink};
use crate::app::canvas::card_state::CardState;
use crate::app::canvas::palette::{
    INSTANCE_BOOTING_BG, INSTANCE_GONE_BG, NEW_REVISION, OLD_REVISION, STANDALONE,
};

pub(super) fn legend(ui: &mut egui::Ui) {
    egui::CollapsingHeader::new(egui::RichText::new("Legend").heading())
        .default_open(true)
        .show(ui, |ui| {
            ui.spacing_mut().item_spacing.y = 2.0;
            for s in CardState::ALL {
                if s == CardState::Deprovisioning || s == CardState::Activating {
                    continue;
                }
                row(ui, Some(s.color()), s.label()).on_hover_text(s.meaning());
            }
            row(
                ui,
                Some(NEW_REVISION),
                "left stripe: new (PRIMARY) revision",
            );
            row(ui, Some(OLD_REVISION), "left stripe: older revision");
            row(
                ui,
                Some(STANDALONE),
                "left stripe: standalone task (run-task or start-task, no service)",
            );
            row(
                ui,
                None,
                "— solid link to a target: ok; - - dashed: bad or draining",
            );
            row(
                ui,
                Some(INSTANCE_BOOTING_BG),
                "◔ host booting: REGISTERING instance, NotReady node",
            );
            row(
                ui,
                Some(INSTANCE_GONE_BG),
                "⇣ ✕ host leaving: draining or terminated instance, disrupted node",
            );
            row(
                ui,
                None,
                "GD✓ / GD✗ on a Fargate task: GuardDuty's security agent runs in it / does not (Runtime Monitoring on)",
            );
            row(
                ui,
                None,
                "DNS✓ / DNS✗ on a task: its Cloud Map instance is healthy / unhealthy; Route 53 leaves unhealthy records out of its answers unless none is healthy",
            );
        });
}

/// A swatch (or its room) and a text that wraps within the panel, so the legend never widens
/// the side panel.
fn row(ui: &mut egui::Ui, swatch: Option<Color>, text: &str) -> egui::Response {
    ui.horizontal(|ui| {
        let (r, _) = ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
        if let Some(c) = swatch {
            ui.painter().rect_filled(r, 2.0, ink(ui, c32(c)));
        }
        ui.add(egui::Label::new(text).wrap())
    })
    .inner
}
