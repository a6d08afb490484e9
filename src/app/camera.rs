//! The camera over the canvas: its viewport is the part of the window the panels leave free;
//! it fits the scene when asked (F, presentation mode, the picker), when that area changes
//! size, or when the scene grows while the user has not moved it; drag pans, the wheel zooms.
//! It decides the canvas's detail: a fit shows cards when their text is legible whole
//! (`view::fit`), else counts; zooming in past legible brings the cards back, zooming out
//! turns them into counts, keeping the host under the pointer where it was. It tells the
//! canvas what it shows (`CanvasView`). A second camera carries egui's panels over the whole
//! window.

use bevy::camera::Viewport;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::app::AppSystems;
use crate::app::actions::Actions;
use crate::app::canvas::palette::CANVAS_BG;
use crate::app::canvas::scene::{Area, Detail};
use crate::app::canvas::sync::Canvas;
use crate::app::canvas::view::{self, CanvasView, LEGIBLE_SCALE};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CanvasRect>()
        .init_resource::<ViewState>()
        .add_systems(Startup, spawn_cameras)
        .add_systems(
            Update,
            (
                refit_on_request,
                pan_zoom,
                fit_camera,
                keep_anchor,
                share_view,
            )
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
    /// The detail just changed by zooming: keep this host where it was on screen.
    anchor: Option<Anchor>,
}

/// A point of a host box that should stay under the same screen point when the detail
/// changes (the host grows or shrinks around it).
#[derive(Debug, Clone)]
struct Anchor {
    detail: Detail,
    host: String,
    /// Where in the host, as fractions of its width and height.
    at: Vec2,
    /// Where on screen, from the viewport's centre, in logical pixels (y down).
    screen: Vec2,
}

/// Zooming out past this scale (layout units per pixel) shows less detail (cards become
/// counts, hosts become tiles); zooming in below the lower one shows more (the gap keeps a
/// zoom at the edge from flickering).
const TO_LESS: f32 = LEGIBLE_SCALE * 1.05;
const TO_MORE: f32 = LEGIBLE_SCALE * 0.95;

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

/// Drag with the left or middle button to pan; the wheel zooms around the pointer, and
/// changes the detail when it crosses the legible zoom.
pub fn pan_zoom(
    rect: Res<CanvasRect>,
    buttons: Res<ButtonInput<MouseButton>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    window: Query<&Window, With<PrimaryWindow>>,
    canvas: Res<Canvas>,
    mut canvas_view: ResMut<CanvasView>,
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
        let detail = if new_scale > TO_LESS && factor > 1.0 {
            canvas_view.detail.less()
        } else if new_scale < TO_MORE && factor < 1.0 {
            canvas_view.detail.more()
        } else {
            None
        }
        .unwrap_or(canvas_view.detail);
        if detail != canvas_view.detail {
            let pointer = tf.translation.truncate() + Vec2::new(offset.x, -offset.y) * new_scale;
            view.anchor = anchor_at(&canvas.scene.hosts, pointer, offset, detail);
            canvas_view.detail = detail;
        }
    }
}

/// The host under (or nearest to) `pointer`, a point in Bevy world space.
fn anchor_at(
    hosts: &[crate::app::canvas::scene::HostBox],
    pointer: Vec2,
    screen: Vec2,
    detail: Detail,
) -> Option<Anchor> {
    let p = Vec2::new(pointer.x, -pointer.y);
    let distance = |a: &Area| {
        let dx = (a.x - p.x).max(p.x - a.x - a.w).max(0.0);
        let dy = (a.y - p.y).max(p.y - a.y - a.h).max(0.0);
        dx * dx + dy * dy
    };
    let host = hosts
        .iter()
        .min_by(|a, b| distance(&a.area).total_cmp(&distance(&b.area)))?;
    let a = host.area;
    Some(Anchor {
        detail,
        host: host.key.clone(),
        at: Vec2::new(
            ((p.x - a.x) / a.w).clamp(0.0, 1.0),
            ((p.y - a.y) / a.h).clamp(0.0, 1.0),
        ),
        screen,
    })
}

/// Once the canvas shows the detail the wheel asked for, move the camera so the anchored
/// host is under the pointer again.
fn keep_anchor(
    canvas: Res<Canvas>,
    mut view: ResMut<ViewState>,
    mut cam: Query<(&mut Transform, &Projection), With<CanvasCamera>>,
) {
    let Some(anchor) = &view.anchor else { return };
    if canvas.scene.detail != anchor.detail {
        return;
    }
    if let (Some(host), Ok((mut tf, Projection::Orthographic(o)))) = (
        canvas.scene.hosts.iter().find(|h| h.key == anchor.host),
        cam.single_mut(),
    ) {
        let a = host.area;
        let point = Vec2::new(a.x + anchor.at.x * a.w, -(a.y + anchor.at.y * a.h));
        let c = point - Vec2::new(anchor.screen.x, -anchor.screen.y) * o.scale;
        tf.translation.x = c.x;
        tf.translation.y = c.y;
    }
    view.anchor = None;
}

/// Tell the canvas the size of its area and what part of the layout is on screen.
fn share_view(
    rect: Res<CanvasRect>,
    mut canvas_view: ResMut<CanvasView>,
    cam: Query<(&Transform, &Projection), With<CanvasCamera>>,
) {
    let Ok((tf, Projection::Orthographic(o))) = cam.single() else {
        return;
    };
    if rect.size.x < 10.0 || rect.size.y < 10.0 {
        return;
    }
    let visible = Some(view::visible_area(
        tf.translation.truncate(),
        o.scale,
        rect.size,
    ));
    if canvas_view.viewport != Some(rect.size) {
        debug!(
            "canvas area {} × {} logical pixels",
            rect.size.x, rect.size.y
        );
        canvas_view.viewport = Some(rect.size);
    }
    if canvas_view.visible != visible {
        canvas_view.visible = visible;
    }
}

/// Keep the camera's viewport on the canvas rect and fit the scene when asked, when the
/// window (or panel layout) changes size, or when the scene grows while the user has not moved.
pub fn fit_camera(
    rect: Res<CanvasRect>,
    canvas: Res<Canvas>,
    mut canvas_view: ResMut<CanvasView>,
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
    let Some((detail, b, scale)) = view::fit(&canvas.scene.fit, rect.size) else {
        return;
    };
    view.fit_requested = false;
    view.last_size = rect.size;
    view.anchor = None;
    if resized {
        view.user_moved = false;
    }
    if canvas_view.detail != detail {
        canvas_view.detail = detail;
    }
    let c = b.center();
    tf.translation.x = c.x;
    tf.translation.y = c.y;
    if let Projection::Orthographic(o) = projection.as_mut() {
        o.scale = scale;
    }
}
