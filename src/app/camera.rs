//! The camera over the canvas: its viewport is the part of the window the panels leave free;
//! it fits the scene when asked (F, presentation mode, the picker), when that area changes
//! size, or when the scene grows while the user has not moved it; drag pans, the wheel zooms.
//! A second camera carries egui's panels over the whole window.

use bevy::camera::Viewport;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::app::AppSystems;
use crate::app::actions::Actions;
use crate::app::canvas::palette::CANVAS_BG;
use crate::app::canvas::sync::Canvas;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CanvasRect>()
        .init_resource::<ViewState>()
        .add_systems(Startup, spawn_cameras)
        .add_systems(
            Update,
            (refit_on_request, pan_zoom, fit_camera)
                .chain()
                .in_set(AppSystems::View),
        );
}

/// The part of the window the canvas owns (egui panels take the rest), in logical pixels.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct CanvasRect {
    pub min: Vec2,
    pub size: Vec2,
    /// Physical pixels per logical pixel.
    pub scale: f32,
    /// The pointer is over an egui panel or window.
    pub pointer_over_ui: bool,
}

#[derive(Resource, Debug, Default)]
pub struct ViewState {
    pub fit_requested: bool,
    pub user_moved: bool,
    last_size: Vec2,
}

/// The camera that shows the cluster canvas (egui has its own, full-window camera).
#[derive(Component)]
pub struct CanvasCamera;

/// The canvas camera, and egui's camera over the whole window (no render layers, drawn after
/// the canvas with alpha blending).
fn spawn_cameras(mut commands: Commands, mut egui_settings: ResMut<bevy_egui::EguiGlobalSettings>) {
    use bevy::camera::CameraOutputMode;
    use bevy::camera::visibility::RenderLayers;
    use bevy::render::render_resource::BlendState;
    egui_settings.auto_create_primary_context = false;
    commands.spawn((
        CanvasCamera,
        Camera2d,
        Camera {
            clear_color: ClearColorConfig::Custom(CANVAS_BG),
            ..default()
        },
    ));
    commands.spawn((
        bevy_egui::PrimaryEguiContext,
        Camera2d,
        RenderLayers::none(),
        Camera {
            order: 1,
            output_mode: CameraOutputMode::Write {
                blend_state: Some(BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
    ));
}

/// The Fit action, and presentation mode (which changes the free area), ask for a refit.
fn refit_on_request(mut actions: MessageReader<Actions>, mut view: ResMut<ViewState>) {
    for a in actions.read() {
        match a {
            Actions::Fit => {
                view.fit_requested = true;
                view.user_moved = false;
            }
            Actions::TogglePresenting => view.fit_requested = true,
            _ => {}
        }
    }
}

/// Drag with the left or middle button to pan; the wheel zooms around the pointer.
pub fn pan_zoom(
    rect: Res<CanvasRect>,
    buttons: Res<ButtonInput<MouseButton>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    window: Query<&Window, With<PrimaryWindow>>,
    mut view: ResMut<ViewState>,
    mut cam: Query<(&mut Transform, &mut Projection), With<CanvasCamera>>,
) {
    let Ok((mut tf, mut projection)) = cam.single_mut() else {
        return;
    };
    let Projection::Orthographic(o) = projection.as_mut() else {
        return;
    };
    let cursor = window.single().ok().and_then(|w| w.cursor_position());
    let inside = cursor.is_some_and(|c| {
        c.x >= rect.min.x
            && c.y >= rect.min.y
            && c.x <= rect.min.x + rect.size.x
            && c.y <= rect.min.y + rect.size.y
    });
    if !inside || rect.pointer_over_ui {
        return;
    }
    if (buttons.pressed(MouseButton::Left) || buttons.pressed(MouseButton::Middle))
        && motion.delta != Vec2::ZERO
    {
        tf.translation.x -= motion.delta.x * o.scale;
        tf.translation.y += motion.delta.y * o.scale;
        view.user_moved = true;
    }
    if scroll.delta.y != 0.0 {
        let Some(c) = cursor else { return };
        let factor = (1.0 - scroll.delta.y.clamp(-5.0, 5.0) * 0.1).clamp(0.5, 1.5);
        let new_scale = (o.scale * factor).clamp(0.2, 20.0);
        // Keep the point under the cursor fixed.
        let offset = c - (rect.min + rect.size / 2.0);
        let world_before = Vec2::new(offset.x, -offset.y) * o.scale;
        let world_after = Vec2::new(offset.x, -offset.y) * new_scale;
        tf.translation.x += world_before.x - world_after.x;
        tf.translation.y += world_before.y - world_after.y;
        o.scale = new_scale;
        view.user_moved = true;
    }
}

/// Keep the camera's viewport on the canvas rect and fit the scene when asked, when the
/// window (or panel layout) changes size, or when the scene grows while the user has not moved.
pub fn fit_camera(
    rect: Res<CanvasRect>,
    canvas: Res<Canvas>,
    mut view: ResMut<ViewState>,
    mut cam: Query<(&mut Camera, &mut Transform, &mut Projection), With<CanvasCamera>>,
) {
    let Ok((mut camera, mut tf, mut projection)) = cam.single_mut() else {
        return;
    };
    if rect.size.x < 10.0 || rect.size.y < 10.0 {
        return;
    }
    let pos = (rect.min * rect.scale).as_uvec2();
    let size = (rect.size * rect.scale).as_uvec2().max(UVec2::ONE);
    let vp = Viewport {
        physical_position: pos,
        physical_size: size,
        ..default()
    };
    if camera
        .viewport
        .as_ref()
        .map(|v| (v.physical_position, v.physical_size))
        != Some((vp.physical_position, vp.physical_size))
    {
        camera.viewport = Some(vp);
    }
    let resized = view.last_size != rect.size;
    let grew = canvas.bounds_changed && !view.user_moved;
    if !(view.fit_requested || resized || grew) {
        return;
    }
    let Some(b) = canvas.scene.bounds else { return };
    view.fit_requested = false;
    view.last_size = rect.size;
    if resized {
        view.user_moved = false;
    }
    let margin = 40.0;
    let scale = ((b.w + 2.0 * margin) / rect.size.x)
        .max((b.h + 2.0 * margin) / rect.size.y)
        // Never magnify more than 1.6× (text would look blown up on a tiny cluster).
        .max(1.0 / 1.6);
    let c = b.center();
    tf.translation.x = c.x;
    tf.translation.y = c.y;
    if let Projection::Orthographic(o) = projection.as_mut() {
        o.scale = scale;
    }
}
