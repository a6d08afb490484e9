//! The camera over the canvas (fit, pan, zoom), clicking to select, and the overlay lines:
//! target-group links, the selection and quiz highlights.

use bevy::camera::Viewport;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use orca_sim::Subject;

use super::canvas::{Area, Canvas, CardAnim, Selectable};
use super::player::{Player, Selection};

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

#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct DashedGizmos;

/// The camera that shows the cluster canvas (egui has its own, full-window camera).
#[derive(Component)]
pub struct CanvasCamera;

pub fn setup_camera(
    mut commands: Commands,
    mut store: ResMut<GizmoConfigStore>,
    mut egui_settings: ResMut<bevy_egui::EguiGlobalSettings>,
) {
    use bevy::camera::CameraOutputMode;
    use bevy::camera::visibility::RenderLayers;
    use bevy::render::render_resource::BlendState;
    egui_settings.auto_create_primary_context = false;
    commands.spawn((
        CanvasCamera,
        Camera2d,
        Camera {
            clear_color: ClearColorConfig::Custom(super::canvas::CANVAS_BG),
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
    let (config, _) = store.config_mut::<DefaultGizmoConfigGroup>();
    config.line.width = 3.0;
    let (dashed, _) = store.config_mut::<DashedGizmos>();
    dashed.line.width = 3.0;
    dashed.line.style = GizmoLineStyle::Dashed {
        gap_scale: 3.0,
        line_scale: 4.0,
    };
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

/// Drag with the left or middle button to pan; the wheel zooms around the pointer.
#[allow(clippy::too_many_arguments)]
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

/// Clicking a card, instance, zone or target group selects it.
pub fn on_click(
    click: On<Pointer<Click>>,
    q: Query<&Selectable>,
    mut player: ResMut<Player>,
    rect: Res<CanvasRect>,
) {
    if rect.pointer_over_ui || click.button != PointerButton::Primary {
        return;
    }
    if let Ok(sel) = q.get(click.entity) {
        player.selection = Some(sel.0.clone());
    }
}

fn outline(gizmos: &mut Gizmos, center: Vec2, size: Vec2, color: Color) {
    gizmos.rect_2d(Isometry2d::from_translation(center), size, color);
}

/// Target-group links, the selection outline and quiz highlights.
pub fn draw_overlays(
    player: Res<Player>,
    canvas: Res<Canvas>,
    cards: Query<&CardAnim>,
    mut solid: Gizmos,
) {
    let scene = &canvas.scene;
    let card_pos = |id: &str| -> Option<Vec2> {
        let e = canvas.entities.get(&format!("card:{id}"))?;
        cards.get(*e).ok().map(|a| a.position())
    };
    let area_of = |key: &str| -> Option<(Vec2, Vec2)> {
        if let Some(id) = key.strip_prefix("card:") {
            let p = card_pos(id)?;
            return Some((p, Vec2::new(super::canvas::CARD_W, super::canvas::CARD_H)));
        }
        let a: &Area = scene.areas.get(key)?;
        Some((a.center(), Vec2::new(a.w, a.h)))
    };
    let world = player.playback.world();
    let keys_for = |s: &Subject| -> Vec<String> {
        match s {
            Subject::Task(id) => vec![format!("card:{id}")],
            Subject::Instance(n) => vec![format!("inst:{n}")],
            Subject::TargetGroup(n) => vec![format!("tg:{n}")],
            Subject::Zone(n) => vec![format!("zone:{n}")],
            Subject::Pod(n) => vec![format!("card:{n}")],
            Subject::Node(n) => vec![format!("node:{n}")],
            Subject::Deployment(_) => world
                .eks
                .iter()
                .flat_map(|c| c.pods.iter().filter(|p| !p.gone))
                .map(|p| format!("card:{}", p.name))
                .collect(),
            Subject::Service(n) => world
                .ecs
                .iter()
                .flat_map(|ecs| {
                    ecs.services
                        .iter()
                        .filter(|svc| &svc.name == n)
                        .flat_map(|svc| svc.tasks.iter())
                        .map(|t| format!("card:{}", ecs.task(*t).id))
                })
                .collect(),
        }
    };
    let highlight = Color::srgb(1.0, 0.90, 0.20);
    // A quiz about particular tasks highlights those, not every task of their service.
    let names_tasks = player
        .quiz_subjects()
        .iter()
        .any(|s| matches!(s, Subject::Task(_)));
    for s in player.quiz_subjects() {
        if names_tasks && matches!(s, Subject::Service(_)) {
            continue;
        }
        for key in keys_for(s) {
            if let Some((c, size)) = area_of(&key) {
                outline(&mut solid, c, size + Vec2::splat(10.0), highlight);
                outline(
                    &mut solid,
                    c,
                    size + Vec2::splat(18.0),
                    highlight.with_alpha(0.5),
                );
            }
        }
    }
    if let Some(sel) = &player.selection {
        let key = match sel {
            Selection::Task(id) => format!("card:{id}"),
            Selection::Instance(n) => format!("inst:{n}"),
            Selection::TargetGroup(n) => format!("tg:{n}"),
            Selection::Zone(n) => format!("zone:{n}"),
            Selection::Node(n) => format!("node:{n}"),
            Selection::Service(_) | Selection::Deployment(_) => String::new(),
        };
        let keys = match sel {
            Selection::Service(n) => keys_for(&Subject::Service(n.clone())),
            _ => vec![key],
        };
        for key in keys {
            if let Some((c, size)) = area_of(&key) {
                outline(&mut solid, c, size + Vec2::splat(6.0), Color::WHITE);
            }
        }
    }
}
