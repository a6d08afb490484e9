//! What the canvas points out: clicking a card, instance, node, zone or target group selects
//! it (outlined in white), and the objects the open quiz is about are outlined in yellow (with
//! counts instead of cards, the hosts of the tasks or pods it is about). The target-group lines
//! are gizmos too, so this plugin adds theirs.

use bevy::platform::collections::HashSet;
use bevy::prelude::*;
use orca_sim::{Subject, World};

use crate::app::AppSystems;
use crate::app::camera::{CanvasRect, fit_camera};
use crate::app::canvas::palette::{HIGHLIGHT, SELECTION, paint};
use crate::app::canvas::scene::{Area, CARD_H, CARD_W, CardKey, Detail};
use crate::app::canvas::sync::{Canvas, CardAnim, Selectable};
use crate::app::player::{Player, Selection};
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins(crate::app::canvas::links::plugin)
        .add_plugins(crate::app::canvas::credential_path::plugin)
        .add_systems(Startup, thick_outlines)
        .add_systems(
            Update,
            draw_highlights.in_set(AppSystems::View).after(fit_camera),
        )
        .add_observer(select_on_click);
}

fn thick_outlines(mut store: ResMut<GizmoConfigStore>) {
    let (config, _) = store.config_mut::<DefaultGizmoConfigGroup>();
    config.line.width = 3.0;
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
    ui_state: Res<UiState>,
    cards: Query<&CardAnim>,
    mut solid: Gizmos,
) {
    let world = player.playback.world();
    let highlight = paint(ui_state.theme, HIGHLIGHT);
    // A quiz about particular tasks highlights those, not every task of their service.
    let names_tasks = player
        .quiz_subjects()
        .iter()
        .any(|s| matches!(s, Subject::Task(_)));
    for s in player.quiz_subjects() {
        if names_tasks && matches!(s, Subject::Service(_)) {
            continue;
        }
        for (c, size) in boxes_of(&canvas, &cards, &Target::of_subject(world, s)) {
            outline(&mut solid, c, size + Vec2::splat(10.0), highlight);
            outline(
                &mut solid,
                c,
                size + Vec2::splat(18.0),
                highlight.with_alpha(0.5),
            );
        }
    }
    if let Some(sel) = &player.selection {
        let target = match sel {
            Selection::Task(id) => Target::Cards(card_of_id(world, id).into_iter().collect()),
            Selection::Instance(n) => Target::Area(format!("inst:{n}")),
            Selection::TargetGroup(n) => Target::Area(format!("tg:{n}")),
            Selection::Zone(n) => Target::Area(format!("zone:{n}")),
            Selection::Node(n) => Target::Area(format!("node:{n}")),
            Selection::Service(n) => Target::of_subject(world, &Subject::Service(n.into())),
            Selection::Deployment(_) => Target::Cards(Vec::new()),
        };
        for (c, size) in boxes_of(&canvas, &cards, &target) {
            outline(
                &mut solid,
                c,
                size + Vec2::splat(6.0),
                paint(ui_state.theme, SELECTION),
            );
        }
    }
}

/// What an outline goes around: a box of the scene by key, or cards.
pub(crate) enum Target {
    Area(String),
    Cards(Vec<CardKey>),
}

impl Target {
    fn of_subject(world: &World, s: &Subject) -> Target {
        match s {
            Subject::Task(id) => Target::Cards(card_of_id(world, id).into_iter().collect()),
            Subject::Pod(id) => Target::Cards(card_of_id(world, id).into_iter().collect()),
            Subject::Instance(n) => Target::Area(format!("inst:{n}")),
            Subject::TargetGroup(n) => Target::Area(format!("tg:{n}")),
            Subject::Zone(n) => Target::Area(format!("zone:{n}")),
            Subject::Node(n) => Target::Area(format!("node:{n}")),
            Subject::Deployment(name) => Target::Cards(
                pods_of_deployment(world, name)
                    .into_iter()
                    .map(|p| CardKey::Pod(p as u32))
                    .collect(),
            ),
            Subject::Service(n) => Target::Cards(
                world
                    .ecs
                    .iter()
                    .flat_map(|ecs| ecs.services.iter())
                    .filter(|svc| &svc.name == n)
                    .flat_map(|svc| svc.tasks.iter())
                    .map(|t| CardKey::Task(t.0))
                    .collect(),
            ),
        }
    }
}

/// The card of a task id or a pod name.
pub(crate) fn card_of_id(world: &World, id: &str) -> Option<CardKey> {
    if let Some(eks) = &world.eks
        && let Some(p) = eks.pods.iter().position(|p| p.name == id)
    {
        return Some(CardKey::Pod(p as u32));
    }
    let ecs = world.ecs.as_ref()?;
    ecs.tasks
        .iter()
        .position(|t| t.id == id)
        .map(|t| CardKey::Task(t as u32))
}

/// Centre and size of each box to outline. Cards are outlined where they are drawn (on
/// screen, easing); with counts, the hosts that hold them.
pub(crate) fn boxes_of(
    canvas: &Canvas,
    cards: &Query<&CardAnim>,
    target: &Target,
) -> Vec<(Vec2, Vec2)> {
    let scene = &canvas.scene;
    let area_box = |a: &Area| (a.center(), Vec2::new(a.w, a.h));
    match target {
        Target::Area(key) => scene.areas.get(key).map(area_box).into_iter().collect(),
        Target::Cards(keys) if scene.detail == Detail::Cards => keys
            .iter()
            .filter_map(|k| canvas.cards.get(k))
            .filter_map(|e| cards.get(e.entity).ok())
            .map(|a| (a.position(), Vec2::new(CARD_W, CARD_H)))
            .collect(),
        Target::Cards(keys) => {
            let wanted: HashSet<&CardKey> = keys.iter().collect();
            let mut boxes: Vec<(Vec2, Vec2)> = Vec::new();
            for c in scene.cards.iter().filter(|c| wanted.contains(&c.key)) {
                let area = c
                    .host
                    .and_then(|h| scene.hosts.get(h))
                    .map_or(c.area, |h| h.area);
                let b = area_box(&area);
                if !boxes.contains(&b) {
                    boxes.push(b);
                }
            }
            boxes
        }
    }
}

fn outline(gizmos: &mut Gizmos, center: Vec2, size: Vec2, color: Color) {
    gizmos.rect_2d(Isometry2d::from_translation(center), size, color);
}

/// The pods of the named Deployment (through its ReplicaSets, from the core's read model).
fn pods_of_deployment(world: &World, deployment: &str) -> Vec<usize> {
    world
        .eks
        .iter()
        .flat_map(|c| {
            c.deployments
                .iter()
                .position(|d| d.name == deployment)
                .map(|d| orca_sim::k8s::read::pods_of_deployment(c, d))
                .unwrap_or_default()
        })
        .collect()
}
