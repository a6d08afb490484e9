//! The theme (dark, or light and high-contrast for a bright room) and the text size: egui's
//! look in every window, the cameras' background, and remembering both in the settings file
//! when the learner changes them. The canvas paints its colours through
//! [`palette::paint`](crate::app::canvas::palette::paint), the panels through `panels::palette::ink`.

use bevy::prelude::*;
use bevy_egui::{EguiContext, egui};

use crate::app::AppSystems;
use crate::app::camera::CanvasCamera;
use crate::app::canvas::palette::{CANVAS_BG, paint};
use crate::app::ui_state::UiState;
use crate::settings::{Settings, Theme};

/// The settings file the app remembers the theme and text size in (only `orca` with a window
/// has one; shots and tests keep theirs in memory).
#[derive(Resource, Debug)]
pub struct SavedSettings(pub Settings);

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (remember_settings, paint_backgrounds, style_egui).after(AppSystems::ApplyActions),
    );
}

/// Save the theme and text size when they change (the file is written only if it was read
/// correctly; a failure shows in the header).
fn remember_settings(saved: Option<ResMut<SavedSettings>>, mut ui_state: ResMut<UiState>) {
    let Some(mut saved) = saved else { return };
    let s = &saved.0;
    if s.theme == ui_state.theme && (s.text_scale - ui_state.text_scale).abs() < 1e-6 {
        return;
    }
    let before = s.last_error.clone();
    saved.0.set(ui_state.theme, ui_state.text_scale);
    if saved.0.last_error != before
        && let Some(e) = &saved.0.last_error
    {
        ui_state.notice = Some(e.clone());
    }
}

/// The canvas camera clears to the theme's canvas colour.
fn paint_backgrounds(ui_state: Res<UiState>, mut cameras: Query<&mut Camera, With<CanvasCamera>>) {
    let bg = paint(ui_state.theme, CANVAS_BG);
    for mut camera in &mut cameras {
        if !matches!(camera.clear_color, ClearColorConfig::Custom(c) if c == bg) {
            camera.clear_color = ClearColorConfig::Custom(bg);
        }
    }
}

/// Every egui context (the main window's and the presenter's) takes the theme's visuals.
fn style_egui(ui_state: Res<UiState>, mut contexts: Query<&mut EguiContext>) {
    for mut ctx in &mut contexts {
        let ctx = ctx.get_mut();
        let want = match ui_state.theme {
            Theme::Dark => egui::Theme::Dark,
            Theme::Light => egui::Theme::Light,
        };
        if ctx.theme() != want || ctx.style_of(egui::Theme::Light).visuals.panel_fill != LIGHT_PANEL
        {
            ctx.set_visuals_of(egui::Theme::Light, visuals(Theme::Light));
            ctx.set_theme(want);
        }
    }
}

const LIGHT_PANEL: egui::Color32 = egui::Color32::WHITE;

/// egui's visuals for a theme: its dark ones, or its light ones with black text, white
/// panels and firmer lines (text at well over 7:1 on every panel).
pub fn visuals(theme: Theme) -> egui::Visuals {
    match theme {
        Theme::Dark => egui::Visuals::dark(),
        Theme::Light => {
            let mut v = egui::Visuals::light();
            let black = egui::Color32::BLACK;
            v.panel_fill = LIGHT_PANEL;
            v.window_fill = egui::Color32::WHITE;
            v.faint_bg_color = egui::Color32::from_gray(238);
            v.extreme_bg_color = egui::Color32::from_gray(246);
            v.widgets.noninteractive.fg_stroke.color = black;
            v.widgets.noninteractive.bg_stroke.color = egui::Color32::from_gray(110);
            v.widgets.inactive.fg_stroke.color = black;
            v.widgets.inactive.bg_stroke = egui::Stroke::new(1.0, egui::Color32::from_gray(90));
            v.widgets.hovered.fg_stroke.color = black;
            v.widgets.active.fg_stroke.color = black;
            v.window_stroke = egui::Stroke::new(1.0, egui::Color32::from_gray(90));
            v.hyperlink_color = egui::Color32::from_rgb(0, 60, 170);
            v.selection.bg_fill = egui::Color32::from_rgb(0, 90, 200);
            v.selection.stroke = egui::Stroke::new(1.0, egui::Color32::WHITE);
            v
        }
    }
}
