//! Every panel and dialog (egui), one plugin per file. egui lays panels out in the order they
//! are shown, each taking an edge of what is left, and what is left at the end is the canvas;
//! so the panels run in the order of [`PanelSystems`], all inside one window-sized [`Root`].

pub mod actions_menu;
mod charts;
pub mod console;
mod event_log;
mod goals;
mod header;
mod insights_charts;
mod inspector;
mod inspector_containers;
mod inspector_identity;
mod inspector_logs;
mod intro;
mod legend;
mod load_error;
mod logs_window;
pub(crate) mod palette;
mod picker;
mod progress_view;
mod projector_quiz;
mod quiz;
mod registry;
mod security;
mod services;
mod shortcuts;
mod side_by_side;
mod side_panel;
mod timeline;

use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::app::camera::CanvasRect;
use crate::app::font::FONT_BYTES;
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Root>()
        .configure_sets(
            EguiPrimaryContextPass,
            (
                PanelSystems::Open,
                PanelSystems::Header,
                PanelSystems::LoadError,
                PanelSystems::Timeline,
                PanelSystems::Console,
                PanelSystems::EventLog,
                PanelSystems::SidePanel,
                PanelSystems::Quiz,
                PanelSystems::Canvas,
                PanelSystems::Intro,
                PanelSystems::Shortcuts,
                PanelSystems::Picker,
                PanelSystems::Close,
            )
                .chain(),
        )
        .add_systems(
            EguiPrimaryContextPass,
            (
                open_root.in_set(PanelSystems::Open),
                measure_canvas.in_set(PanelSystems::Canvas),
                close_root.in_set(PanelSystems::Close),
            ),
        )
        .add_plugins((
            header::plugin,
            load_error::plugin,
            timeline::plugin,
            console::plugin,
            event_log::plugin,
            side_panel::plugin,
            quiz::plugin,
            projector_quiz::plugin,
            intro::plugin,
            shortcuts::plugin,
            picker::plugin,
            progress_view::plugin,
            actions_menu::plugin,
            goals::plugin,
            logs_window::plugin,
        ));
}

/// The order the panels are shown in, which is the order egui lays them out in.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PanelSystems {
    /// Fonts and text size; a fresh [`Root`].
    Open,
    /// Top.
    Header,
    /// Top, under the header.
    LoadError,
    /// Bottom.
    Timeline,
    /// Bottom, above the timeline: the console, when open (C).
    Console,
    /// Bottom, above the timeline (and the console).
    EventLog,
    /// Right.
    SidePanel,
    /// Right: a quiz takes a panel beside the canvas, never on top of it, so what it is about
    /// stays in view; the canvas refits to the space left.
    Quiz,
    /// What is left is the canvas.
    Canvas,
    /// Windows over everything.
    Intro,
    Shortcuts,
    Picker,
    /// Keyboard focus handed back; the root is dropped.
    Close,
}

/// The window-sized egui `Ui` this frame's panels are laid out in, from
/// [`PanelSystems::Open`] to [`PanelSystems::Close`].
#[derive(Resource, Default)]
pub struct Root(Option<egui::Ui>);

impl Root {
    pub fn ui(&mut self) -> Option<&mut egui::Ui> {
        self.0.as_mut()
    }
}

fn open_root(
    mut contexts: EguiContexts,
    ui_state: Res<UiState>,
    mut root: ResMut<Root>,
    mut fonts_set: Local<bool>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    if !*fonts_set {
        *fonts_set = true;
        install_fonts(&ctx);
    }
    if (ctx.zoom_factor() - ui_state.text_scale).abs() > 0.001 {
        ctx.set_zoom_factor(ui_state.text_scale);
    }
    root.0 = Some(egui::Ui::new(
        ctx.clone(),
        "orca-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    ));
    Ok(())
}

/// The shipped font (for ✓, ✗, ⇣ …) in every egui text, one point larger than egui's sizes.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "dejavu".into(),
        std::sync::Arc::new(egui::FontData::from_static(FONT_BYTES)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("dejavu".into());
    }
    ctx.set_fonts(fonts);
    let mut style = (*ctx.global_style()).clone();
    style
        .text_styles
        .iter_mut()
        .for_each(|(_, f)| f.size += 1.0);
    ctx.set_global_style(style);
}

/// The area the panels left is the canvas's: the camera's viewport, in logical pixels.
fn measure_canvas(
    mut root: ResMut<Root>,
    mut rect: ResMut<CanvasRect>,
    window: Query<&Window, With<PrimaryWindow>>,
) {
    let Some(root) = root.ui() else { return };
    let ctx = root.ctx().clone();
    let free = root.available_rect_before_wrap();
    let ppp = ctx.pixels_per_point();
    let window_scale = window.single().map(|w| w.scale_factor()).unwrap_or(1.0);
    let to_logical = ppp / window_scale;
    let new_rect = CanvasRect {
        min: Vec2::new(free.min.x, free.min.y) * to_logical,
        size: Vec2::new(free.width(), free.height()) * to_logical,
        scale: window_scale,
        pointer_over_ui: ctx.pointer_hover_pos().is_none_or(|p| {
            !free.contains(p)
                || ctx
                    .layer_id_at(p)
                    .is_some_and(|l| l.order != egui::Order::Background)
        }),
    };
    if *rect != new_rect {
        *rect = new_rect;
    }
}

/// Buttons never keep the keyboard: Space, Tab and the arrows stay Orca's shortcuts (egui
/// would otherwise move focus between buttons and press the focused one).
fn close_root(mut root: ResMut<Root>, ui_state: Res<UiState>) {
    let Some(ui) = root.0.take() else { return };
    if !ui_state.typing && !ui_state.console_focus {
        ui.ctx().memory_mut(|m| {
            if let Some(id) = m.focused() {
                m.surrender_focus(id);
            }
        });
    }
}
