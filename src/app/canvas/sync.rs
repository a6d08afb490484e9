//! Mirrors the [`Scene`] into Bevy 2D entities: boxes and texts keyed by the object they show,
//! and a card entity (box, revision stripe, one text of two lines) for each card on screen,
//! keyed by its task or pod number. Entities are spawned when their object appears, touched
//! only when what they show changes, and despawned when it leaves (or, for cards, leaves the
//! screen or gives way to counts). Cards ease to their new place and pop in, paced by the
//! simulated clock (`Player::frame_sim_dt_ms`), so pausing, speed and seeking act on the
//! motion too.

use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use bevy::sprite::Anchor;
use orca_sim::World;
use orca_sim::world::TaskIdx;

use super::card_state::CardState;
use super::layout::{Shape, arrange, model};
use super::layout_ecs;
use super::layout_eks;
use super::palette::{NEW_REVISION, OLD_REVISION, STANDALONE, TEXT, paint, paint_fill};
use super::run_shape::{RunStats, choose_shape};
use super::scene::Stripe;
use super::scene::{CARD_H, CARD_W, Card, CardKey, Detail, Prim, Scene, TEXT_CARD};
use super::text_width::clip;
use super::view::{CanvasView, DEFAULT_VIEWPORT};
use crate::app::AppSystems;
use crate::app::font::CanvasFont;
use crate::app::player::{Player, Selection};
use crate::app::ui_state::UiState;
use crate::settings::Theme;

/// Card motion to a new place, in simulated ms while the clock runs, in wall-clock ms while it
/// stands (the layout can change then too: the console opening or closing, a resize, A+/A−).
const MOVE_MS: f32 = 900.0;
/// Text is laid out at twice its size and scaled down, so it stays crisp when zoomed in.
const TEXT_OVERSAMPLE: f32 = 2.0;
/// A card's text starts this far from its left edge (right of the stripe).
const CARD_TEXT_X: f32 = 14.0;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Canvas>()
        .init_resource::<CanvasView>()
        .add_systems(Update, sync_canvas.in_set(AppSystems::Canvas));
}

/// The canvas's entities and its last scene.
#[derive(Resource, Default)]
pub struct Canvas {
    /// Boxes and texts by key (zones, hosts, bars, groups: tens to hundreds).
    pub entities: HashMap<String, Entity>,
    /// The card entities, by task or pod.
    pub cards: HashMap<CardKey, CardEntity>,
    pub scene: Scene,
    /// The scene's fit bounds changed (a refit may be wanted).
    pub bounds_changed: bool,
    /// The shape chosen for a run's samples and a canvas size.
    shape: Option<(RunStats, Vec2, Shape)>,
    frame: u32,
    /// The theme the entities are painted in.
    theme: Theme,
}

/// A card's entities and what they show now.
#[derive(Debug, Clone)]
pub struct CardEntity {
    pub entity: Entity,
    stripe: Entity,
    text: Entity,
    text_shown: String,
    stripe_shown: Stripe,
    alpha: f32,
    seen: u32,
}

impl Canvas {
    /// The shape for these samples and canvas size, chosen once for each.
    fn shape_for(&mut self, stats: &RunStats, viewport: Vec2) -> Shape {
        match &self.shape {
            Some((s, v, shape)) if *v == viewport && s == stats => *shape,
            _ => {
                let shape = choose_shape(stats, viewport);
                self.shape = Some((stats.clone(), viewport, shape));
                shape
            }
        }
    }
}

/// The key of the object an entity shows.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct CanvasKey(pub String);

/// A task card entity, with its easing state.
#[derive(Component, Debug, Clone)]
pub struct CardAnim {
    pub key: CardKey,
    pub task_id: String,
    from: Vec2,
    to: Vec2,
    t: f32,
    pub state: CardState,
}

impl CardAnim {
    pub fn position(&self) -> Vec2 {
        EasingCurve::new(self.from, self.to, EaseFunction::CubicInOut).sample_clamped(self.t)
    }
}

/// A clickable object and what selecting it selects.
#[derive(Component, Debug, Clone)]
pub struct Selectable(pub Selection);

type PrimQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static mut Transform,
        Option<&'static mut Sprite>,
        Option<&'static mut Text2d>,
        Option<&'static mut TextColor>,
        Option<&'static mut CardAnim>,
    ),
>;

/// Mirror the world into entities.
pub fn sync_canvas(
    mut commands: Commands,
    player: Res<Player>,
    view: Res<CanvasView>,
    mut canvas: ResMut<Canvas>,
    font: Option<Res<CanvasFont>>,
    ui_state: Res<UiState>,
    time: Res<Time>,
    mut q: PrimQuery,
) {
    let theme = ui_state.theme;
    if canvas.theme != theme {
        // Everything is painted anew in the other theme's colours.
        for e in canvas
            .entities
            .values()
            .chain(canvas.cards.values().map(|c| &c.entity))
        {
            if let Ok(mut ec) = commands.get_entity(*e) {
                ec.despawn();
            }
        }
        canvas.entities.clear();
        canvas.cards.clear();
        canvas.scene = Scene::default();
        canvas.theme = theme;
    }
    let world = player.playback.world();
    let shape = canvas.shape_for(
        &player.layout_run,
        view.viewport.unwrap_or(DEFAULT_VIEWPORT),
    );
    let scene = arrange(&model(world), shape, view.detail);
    canvas.bounds_changed = scene.fit != canvas.scene.fit;
    if scene.prims != canvas.scene.prims {
        sync_prims(&mut commands, &mut canvas, &scene, &font, &mut q);
    }
    canvas.frame = canvas.frame.wrapping_add(1);
    let frame = canvas.frame;
    if scene.detail == Detail::Cards {
        // A card moves with the simulated clock, so that at 64× a move is as quick as the
        // change it shows; while the clock stands, only the layout moves cards, and they go to
        // their new places in wall-clock time instead of staying where the old layout had them.
        let dt = if player.frame_sim_dt_ms > 0.0 {
            player.frame_sim_dt_ms as f32
        } else {
            time.delta_secs() * 1000.0
        };
        for card in &scene.cards {
            if view.visible.is_some_and(|v| !v.intersects(&card.area)) {
                continue;
            }
            sync_card(
                &mut commands,
                &mut canvas,
                world,
                card,
                (dt, player.jumped),
                frame,
                &font,
                &mut q,
            );
        }
    }
    // Cards that left the scene or the screen go, with their children.
    canvas.cards.retain(|_, c| {
        if c.seen == frame {
            return true;
        }
        if let Ok(mut ec) = commands.get_entity(c.entity) {
            ec.despawn();
        }
        false
    });
    canvas.scene = scene;
}

/// Boxes and texts: spawn, update and despawn by key.
fn sync_prims(
    commands: &mut Commands,
    canvas: &mut Canvas,
    scene: &Scene,
    font: &Option<Res<CanvasFont>>,
    q: &mut PrimQuery,
) {
    let mut seen: HashMap<String, Entity> = HashMap::with_capacity(scene.prims.len());
    for (key, prim) in &scene.prims {
        let entity = canvas.entities.remove(key);
        let e = match prim {
            Prim::Rect { area, color, z } => {
                // Boxes that can hold text stay light under the light theme's black text;
                // thin strips and ticks keep their hue's contrast against the background.
                let color = &if area.w.min(area.h) >= 12.0 {
                    paint_fill(canvas.theme, *color)
                } else {
                    paint(canvas.theme, *color)
                };
                let pos = area.center().extend(*z);
                let size = Vec2::new(area.w, area.h);
                match entity.and_then(|e| q.get_mut(e).ok().map(|r| (e, r))) {
                    Some((e, (mut tf, Some(mut sprite), _, _, _))) => {
                        if tf.translation != pos {
                            tf.translation = pos;
                        }
                        if sprite.color != *color {
                            sprite.color = *color;
                        }
                        if sprite.custom_size != Some(size) {
                            sprite.custom_size = Some(size);
                        }
                        e
                    }
                    _ => {
                        let mut ec = commands.spawn((
                            CanvasKey(key.clone()),
                            Sprite::from_color(*color, size),
                            Transform::from_translation(pos),
                        ));
                        if let Some(sel) = selection_for_key(key) {
                            ec.insert((Selectable(sel), bevy::picking::Pickable::default()));
                        }
                        ec.id()
                    }
                }
            }
            Prim::Text {
                at,
                text,
                size,
                color,
                z,
            } => {
                let color = &paint(canvas.theme, *color);
                let pos = Vec2::new(at.x, -at.y).extend(*z);
                match entity.and_then(|e| q.get_mut(e).ok().map(|r| (e, r))) {
                    Some((e, (mut tf, _, Some(mut t), Some(mut c), _))) => {
                        if tf.translation != pos {
                            tf.translation = pos;
                        }
                        if t.0 != *text {
                            t.0.clone_from(text);
                        }
                        if c.0 != *color {
                            c.0 = *color;
                        }
                        e
                    }
                    _ => commands
                        .spawn((
                            CanvasKey(key.clone()),
                            Text2d::new(text.clone()),
                            text_font(font, *size),
                            TextColor(*color),
                            Anchor::TOP_LEFT,
                            Transform::from_translation(pos)
                                .with_scale(Vec3::splat(1.0 / TEXT_OVERSAMPLE)),
                        ))
                        .id(),
                }
            }
        };
        seen.insert(key.clone(), e);
    }
    // What is left in the old map left the scene.
    for (_, e) in canvas.entities.drain() {
        if let Ok(mut ec) = commands.get_entity(e) {
            ec.despawn();
        }
    }
    canvas.entities = seen;
}

/// One card: spawn it, or ease it and update what changed.
fn sync_card(
    commands: &mut Commands,
    canvas: &mut Canvas,
    world: &World,
    card: &Card,
    (dt, jumped): (f32, bool),
    frame: u32,
    font: &Option<Res<CanvasFont>>,
    q: &mut PrimQuery,
) {
    let target = card.area.center();
    // A fading card changes colour in steps, so it is not touched every frame.
    let alpha = (card.alpha * 32.0).round() / 32.0;
    let theme = canvas.theme;
    let fill = with_alpha(paint(theme, card.state.color()), alpha);
    let stripe = with_alpha(paint(theme, stripe_color(card.stripe)), alpha);
    let text_color = with_alpha(paint(theme, TEXT), alpha);
    let Some(existing) = canvas.cards.get_mut(&card.key) else {
        let scale = pop_in(card.appear);
        let task_id = card_id(world, card.key);
        let text_shown = card_text(world, card.key, &card_label(world, card));
        let root = commands
            .spawn((
                Sprite::from_color(fill, Vec2::new(CARD_W, CARD_H)),
                Transform::from_translation(target.extend(10.0)).with_scale(Vec3::splat(scale)),
                CardAnim {
                    key: card.key,
                    task_id: task_id.to_string(),
                    from: target,
                    to: target,
                    t: 1.0,
                    state: card.state,
                },
                Selectable(Selection::Task(task_id.to_string())),
                bevy::picking::Pickable::default(),
            ))
            .id();
        let stripe = commands
            .spawn((
                Sprite::from_color(stripe, Vec2::new(7.0, CARD_H)),
                Transform::from_xyz(-CARD_W / 2.0 + 3.5, 0.0, 0.5),
                ChildOf(root),
            ))
            .id();
        let text = commands
            .spawn((
                Text2d::new(text_shown.clone()),
                text_font(font, TEXT_CARD),
                TextColor(text_color),
                Anchor::TOP_LEFT,
                Transform::from_xyz(
                    -CARD_W / 2.0 + CARD_TEXT_X,
                    CARD_H / 2.0 - (CARD_H - 2.0 * 1.2 * TEXT_CARD) / 2.0,
                    1.0,
                )
                .with_scale(Vec3::splat(1.0 / TEXT_OVERSAMPLE)),
                ChildOf(root),
            ))
            .id();
        canvas.cards.insert(
            card.key,
            CardEntity {
                entity: root,
                stripe,
                text,
                text_shown,
                stripe_shown: card.stripe,
                alpha,
                seen: frame,
            },
        );
        return;
    };
    existing.seen = frame;
    if let Ok((mut tf, Some(mut sprite), _, _, Some(mut anim))) = q.get_mut(existing.entity) {
        if anim.to != target {
            anim.from = anim.position();
            anim.to = target;
            anim.t = 0.0;
        }
        anim.t = if jumped {
            1.0
        } else {
            (anim.t + dt / MOVE_MS).min(1.0)
        };
        if anim.state != card.state {
            anim.state = card.state;
        }
        let tr = anim.position().extend(10.0);
        if tf.translation != tr {
            tf.translation = tr;
        }
        let scale = pop_in(card.appear);
        if tf.scale.x != scale {
            tf.scale = Vec3::splat(scale);
        }
        if sprite.color != fill {
            sprite.color = fill;
        }
    }
    if existing.stripe_shown != card.stripe || existing.alpha != alpha {
        existing.stripe_shown = card.stripe;
        if let Ok((_, Some(mut sprite), _, _, _)) = q.get_mut(existing.stripe) {
            sprite.color = stripe;
        }
    }
    let text = card_text(world, card.key, &card_label(world, card));
    let retext = existing.text_shown != text;
    if retext || existing.alpha != alpha {
        if let Ok((_, _, Some(mut t), Some(mut c), _)) = q.get_mut(existing.text) {
            if retext {
                t.0.clone_from(&text);
            }
            c.0 = text_color;
        }
        existing.text_shown = text;
        existing.alpha = alpha;
    }
}

/// A new card grows from 60 % to its size.
fn pop_in(appear: f32) -> f32 {
    0.6 + 0.4 * EaseFunction::BackOut.sample_clamped(appear)
}

fn stripe_color(stripe: Stripe) -> Color {
    match stripe {
        Stripe::New => NEW_REVISION,
        Stripe::Old => OLD_REVISION,
        Stripe::Standalone => STANDALONE,
    }
}

/// The task id or pod name a card shows.
pub fn card_id(world: &World, key: CardKey) -> &str {
    match key {
        CardKey::Task(t) => world
            .ecs
            .as_ref()
            .map_or("", |ecs| ecs.task(TaskIdx(t)).id.as_str()),
        CardKey::Pod(p) => world
            .eks
            .as_ref()
            .map_or("", |eks| eks.pods[p as usize].name.as_str()),
    }
}

/// A card's status line: the state's words for a task (and the call that started a standalone
/// one, `run-task` or `start-task`, whose stripe alone would say it by colour), kubectl's
/// STATUS for a pod.
pub(super) fn card_label(world: &World, card: &Card) -> String {
    match (card.key, &world.eks) {
        (CardKey::Pod(p), Some(eks)) => layout_eks::pod_look(eks, p as usize).1,
        (CardKey::Task(t), _) if card.stripe == Stripe::Standalone => {
            let call = world
                .ecs
                .as_ref()
                .and_then(|ecs| ecs.tasks.get(t as usize))
                .and_then(|task| task.standalone.as_ref())
                .map_or("run-task", |s| s.started_with.command());
            format!("{} · {call}", card.state.label())
        }
        _ => card.state.label().to_string(),
    }
}

/// Both lines of a card, each cut to the card's width.
pub(super) fn card_text(world: &World, key: CardKey, label: &str) -> String {
    let room = CARD_W - CARD_TEXT_X - 4.0;
    let title = match key {
        CardKey::Task(t) => world
            .ecs
            .as_ref()
            .map(|ecs| layout_ecs::card_title(ecs, TaskIdx(t))),
        CardKey::Pod(p) => world
            .eks
            .as_ref()
            .map(|eks| layout_eks::card_title(eks, p as usize)),
    };
    format!(
        "{}\n{}",
        clip(&title.unwrap_or_default(), TEXT_CARD, room),
        clip(label, TEXT_CARD, room)
    )
}

/// What clicking the object with this key selects.
pub fn selection_for_key(key: &str) -> Option<Selection> {
    if key.contains('/') {
        return None;
    }
    let (kind, name) = key.split_once(':')?;
    Some(match kind {
        "node" => Selection::Node(name.to_string()),
        "inst" => Selection::Instance(name.to_string()),
        "tg" => Selection::TargetGroup(name.to_string()),
        "zone" | "ekszone" => Selection::Zone(name.to_string()),
        _ => return None,
    })
}

fn text_font(font: &Option<Res<CanvasFont>>, size: f32) -> TextFont {
    let f = TextFont::from_font_size(size * TEXT_OVERSAMPLE);
    match font {
        Some(h) => f.with_font(h.0.clone()),
        None => f,
    }
}

fn with_alpha(c: Color, a: f32) -> Color {
    c.with_alpha(c.alpha() * a)
}
