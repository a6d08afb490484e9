//! The presenter window itself: a second OS window and the camera that draws its egui (its
//! own context and schedule, nothing of the canvas). `presenter.rs` opens and closes it,
//! `presenter_view.rs` fills it.

use bevy::camera::RenderTarget;
use bevy::camera::visibility::RenderLayers;
use bevy::ecs::schedule::ScheduleLabel;
use bevy::prelude::*;
use bevy::window::{WindowRef, WindowResolution};
use bevy_egui::EguiSchedule;

/// The egui pass of the presenter window.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct PresenterContextPass;

/// The presenter window's camera (it draws egui only).
#[derive(Component)]
pub struct PresenterCamera;

/// Open the presenter window: the window and the camera that draws its egui.
pub fn spawn_window(commands: &mut Commands) -> (Entity, Entity) {
    let window = commands
        .spawn(Window {
            title: "Orca — presenter".to_owned(),
            resolution: WindowResolution::new(900, 720),
            ..default()
        })
        .id();
    let camera = commands
        .spawn((
            PresenterCamera,
            Camera2d,
            Camera {
                clear_color: ClearColorConfig::Custom(Color::srgb(0.08, 0.09, 0.11)),
                ..default()
            },
            // Nothing of the canvas: egui only.
            RenderLayers::none(),
            RenderTarget::Window(WindowRef::Entity(window)),
            EguiSchedule::new(PresenterContextPass),
        ))
        .id();
    (window, camera)
}
