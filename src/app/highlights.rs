//! What the canvas points out: clicking a card, instance, node, zone or target group selects
//! it (outlined in white), and the objects the open quiz is about are outlined in yellow.

use bevy::prelude::*;
use orca_sim::Subject;

use crate::app::AppSystems;
use crate::app::camera::{CanvasRect, fit_camera};
use crate::app::canvas::scene::{Area, CARD_H, CARD_W};
use crate::app::canvas::sync::{Canvas, CardAnim, Selectable};
use crate::app::player::{Player, Selection};

pub(super) fn plugin(app: &mut App) {
    app.init_gizmo_group::<DashedGizmos>()
        .add_systems(Startup, thick_outlines)
        .add_systems(
            Update,
            draw_highlights.in_set(AppSystems::View).after(fit_camera),
        )
        .add_observer(select_on_click);
}

/// Dashed gizmo lines, configured but drawn with nowhere (the links are sprites); left for a
/// change of its own, as removing it renumbers entities and so shifts a few glyph pixels.
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct DashedGizmos;

fn thick_outlines(mut store: ResMut<GizmoConfigStore>) {
    let (config, _) = store.config_mut::<DefaultGizmoConfigGroup>();
    config.line.width = 3.0;
    let (dashed, _) = store.config_mut::<DashedGizmos>();
    dashed.line.width = 3.0;
    dashed.line.style = GizmoLineStyle::Dashed {
        gap_scale: 3.0,
        line_scale: 4.0,
    };
}

/// Clicking a card, instance, zone or target group selects it.
fn select_on_click(
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

/// The quiz highlights and the selection outline.
fn draw_highlights(
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
            return Some((p, Vec2::new(CARD_W, CARD_H)));
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
            Subject::Deployment(name) => pods_of_deployment(world, name)
                .into_iter()
                .map(|p| format!("card:{p}"))
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

fn outline(gizmos: &mut Gizmos, center: Vec2, size: Vec2, color: Color) {
    gizmos.rect_2d(Isometry2d::from_translation(center), size, color);
}

/// Domain fact decided here until the core provides it: which pods a Deployment owns. Today
/// every pod that is not gone counts, whatever its Deployment (right while a scenario has one
/// Deployment); the core should map a Deployment to its pods through its ReplicaSets.
fn pods_of_deployment<'a>(world: &'a orca_sim::World, _deployment: &str) -> Vec<&'a str> {
    world
        .eks
        .iter()
        .flat_map(|c| c.pods.iter().filter(|p| !p.gone))
        .map(|p| p.name.as_str())
        .collect()
}
