//! The desktop app: a Bevy window with the animated cluster canvas (Bevy 2D) and egui panels.
//!
//! One plugin per file. [`CorePlugin`] holds everything that works without a window or GPU
//! (actions, playback, hot reload, the canvas entities), so tests run it under
//! `MinimalPlugins`; [`window`] adds rendering, egui, the camera and the panels on top, for
//! [`run_app`] and [`run_shot`].

pub mod actions;
mod camera;
pub mod canvas;
mod capture;
pub mod cold_start;
mod font;
mod graphics;
mod highlights;
mod hot_reload;
mod image_highlight;
pub mod library;
mod loading;
mod panels;
pub mod player;
mod presenter;
mod presenter_view;
mod presenter_window;
mod screenshot;
mod session;
mod shot;
pub mod theme;
mod tick;
pub mod ui_state;
mod window;

use bevy::prelude::*;

pub use capture::capture;
pub use shot::run_shot;
pub use window::run_app;

/// What happens in a frame's `Update`, in this order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    /// Keys become [`actions::Actions`].
    RecordInput,
    /// Actions change playback and the panels' state.
    ApplyActions,
    /// A watched scenario file that changed is reloaded.
    Reload,
    /// The playback clock advances.
    Tick,
    /// The canvas entities mirror the world.
    Canvas,
    /// The camera and the highlights follow the canvas.
    View,
    /// The frame is done.
    EndFrame,
}

/// Actions, playback, hot reload and the canvas entities: no window or GPU needed.
pub struct CorePlugin;

impl Plugin for CorePlugin {
    fn build(&self, app: &mut App) {
        app.configure_sets(
            Update,
            (
                AppSystems::RecordInput,
                AppSystems::ApplyActions,
                AppSystems::Reload,
                AppSystems::Tick,
                AppSystems::Canvas,
                AppSystems::View,
                AppSystems::EndFrame,
            )
                .chain(),
        )
        .add_plugins((
            ui_state::plugin,
            actions::plugin,
            loading::plugin,
            hot_reload::plugin,
            player::plugin,
            tick::plugin,
            canvas::plugin,
        ));
    }
}
