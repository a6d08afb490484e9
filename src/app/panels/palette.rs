//! Colours the panels share: canvas colours as egui colours, and one colour per event source.

use bevy::prelude::*;
use bevy_egui::egui;

use crate::app::canvas::palette::paint;
use crate::settings::Theme;

pub(super) fn c32(c: Color) -> egui::Color32 {
    let s = c.to_srgba();
    egui::Color32::from_rgba_unmultiplied(
        (s.red * 255.0) as u8,
        (s.green * 255.0) as u8,
        (s.blue * 255.0) as u8,
        (s.alpha * 255.0) as u8,
    )
}

pub(super) fn source_color(category: &str) -> egui::Color32 {
    match category {
        "service" => egui::Color32::from_rgb(110, 180, 255),
        "target-group" => egui::Color32::from_rgb(200, 160, 255),
        "cloud-map" => egui::Color32::from_rgb(150, 220, 120),
        "task" => egui::Color32::from_rgb(150, 150, 160),
        "volume" => egui::Color32::from_rgb(120, 210, 230),
        "instance" => egui::Color32::from_rgb(240, 170, 90),
        "scenario" => egui::Color32::from_rgb(120, 220, 160),
        "deployment" => egui::Color32::from_rgb(110, 180, 255),
        "replicaset" => egui::Color32::from_rgb(200, 160, 255),
        "pod" => egui::Color32::from_rgb(180, 200, 210),
        "node" => egui::Color32::from_rgb(240, 170, 90),
        "autoscaling" => egui::Color32::from_rgb(255, 150, 120),
        "registry" => egui::Color32::from_rgb(120, 210, 230),
        "deploy" => egui::Color32::from_rgb(130, 230, 200),
        "config" | "guardduty" => egui::Color32::from_rgb(255, 140, 170),
        _ => egui::Color32::from_rgb(255, 225, 60),
    }
}

/// A goal met, an answer right.
pub(super) const OK: egui::Color32 = egui::Color32::from_rgb(120, 230, 140);
/// A goal failed, an answer wrong.
pub(super) const BAD: egui::Color32 = egui::Color32::from_rgb(255, 120, 120);
/// Not decided yet.
pub(super) const MUTED: egui::Color32 = egui::Color32::from_rgb(170, 170, 180);

/// A colour of the dark palette as the panel's theme shows it (the canvas's rule,
/// [`paint`]): unchanged on dark panels, turned around on light ones so it stays legible.
pub(crate) fn ink(ui: &egui::Ui, c: egui::Color32) -> egui::Color32 {
    if ui.visuals().dark_mode {
        return c;
    }
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    c32(paint(Theme::Light, Color::srgba_u8(r, g, b, a)))
}
// Identity and security (the inspector's identity section, the security sections).
/// A warning that is not a failure: credentials borrowed from the instance or node role.
pub(super) const WARN: egui::Color32 = egui::Color32::from_rgb(255, 200, 90);
// The registry panel (ECR): finding severities, an image the lifecycle policy would expire,
// the selected image's row.
pub(super) const SEVERITY_CRITICAL: egui::Color32 = egui::Color32::from_rgb(255, 110, 110);
pub(super) const SEVERITY_HIGH: egui::Color32 = egui::Color32::from_rgb(255, 170, 90);
pub(super) const SEVERITY_MEDIUM: egui::Color32 = egui::Color32::from_rgb(240, 215, 100);
pub(super) const SEVERITY_OTHER: egui::Color32 = egui::Color32::from_rgb(170, 190, 210);
pub(super) const EXPIRING: egui::Color32 = egui::Color32::from_rgb(255, 150, 120);
