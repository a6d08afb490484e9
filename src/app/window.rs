//! The window: Bevy's default plugins (rendering, input, picking), egui, and the plugins that
//! only make sense with a window (font, camera, highlights, panels, F12 screenshots) on top of
//! [`CorePlugin`]; and `orca [FILE]`, which opens it.

use std::path::PathBuf;

use bevy::prelude::*;

use crate::app::library::{self, Progress, ScenarioSource};
use crate::app::player::Player;
use crate::app::ui_state::UiState;
use crate::app::{
    CorePlugin, camera, font, graphics, highlights, loading, panels, presenter, presenter_view,
    screenshot, theme,
};
use crate::settings::Settings;

/// Window, rendering, egui, camera and picking on top of [`CorePlugin`].
pub(super) fn add_view_plugins(app: &mut App, title: String, size: (u32, u32), shot: bool) {
    use bevy::window::{PresentMode, WindowResolution};
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title,
                    resolution: WindowResolution::new(size.0, size.1),
                    present_mode: if shot {
                        PresentMode::AutoNoVsync
                    } else {
                        PresentMode::AutoVsync
                    },
                    ..default()
                }),
                ..default()
            })
            .set(bevy::render::RenderPlugin {
                synchronous_pipeline_compilation: true,
                ..default()
            })
            // INFO and above unless RUST_LOG asks for more (its directives are added to these).
            .set(bevy::log::LogPlugin {
                filter: "wgpu=error,naga=warn,bevy_render=warn,bevy_winit=warn".into(),
                level: bevy::log::Level::INFO,
                ..default()
            }),
    )
    .add_plugins(bevy_egui::EguiPlugin::default())
    .add_plugins(CorePlugin)
    .add_plugins((
        font::plugin,
        camera::plugin,
        highlights::plugin,
        crate::app::image_highlight::plugin,
        panels::plugin,
        screenshot::plugin,
        loading::window_plugin,
        presenter::plugin,
        presenter_view::plugin,
        theme::plugin,
    ));
    if shot {
        app.insert_resource(bevy::winit::WinitSettings::continuous());
    } else {
        app.insert_resource(bevy::winit::WinitSettings::game());
    }
}

/// Open the window on a scenario (a file, or the first built-in with the picker open).
pub fn run_app(file: Option<PathBuf>) -> std::process::ExitCode {
    if let Some(status) = graphics::check() {
        return status;
    }
    let progress = Progress::load(library::default_progress_path());
    if let Some(e) = &progress.last_error {
        eprintln!("{e}");
    }
    let (scenario, source, show_picker) = match file {
        Some(path) => match library::load_file(&path) {
            Ok((s, src)) => (s, src, false),
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::from(1);
            }
        },
        None => match library::built_in(library::BUILT_IN[0].0) {
            Ok(s) => (s, ScenarioSource::BuiltIn(library::BUILT_IN[0].0), true),
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::from(1);
            }
        },
    };
    let title = format!("Orca — {}", scenario.title);
    let mut app = App::new();
    // The window opens at once; the run is simulated on another thread meanwhile.
    let player = Player::open(scenario, source, progress);
    app.insert_resource(player);
    // The theme and text size the learner chose last time.
    let settings = Settings::load(crate::settings::default_path());
    if let Some(e) = &settings.last_error {
        eprintln!("{e}");
    }
    app.insert_resource(UiState {
        show_picker,
        show_intro: !show_picker,
        theme: settings.theme,
        text_scale: settings.text_scale,
        notice: settings.last_error.clone(),
        ..default()
    });
    app.insert_resource(theme::SavedSettings(settings));
    graphics::install_panic_hook();
    add_view_plugins(&mut app, title, (1280, 800), false);
    if super::cold_start::requested() {
        app.add_plugins(super::cold_start::plugin);
    }
    app.run();
    std::process::ExitCode::SUCCESS
}
