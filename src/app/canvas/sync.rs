//! Mirrors the [`Scene`] into Bevy 2D entities keyed by the object they show: spawned when it
//! appears, updated in place, despawned when it leaves. Cards ease to their new place and pop
//! in, paced by the simulated clock (`Player::frame_sim_dt_ms`), so pausing, speed and
//! seeking act on the motion too.

use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use bevy::sprite::Anchor;

use super::card_state::CardState;
use super::layout::layout;
use super::palette::{NEW_REVISION, OLD_REVISION, TEXT};
use super::scene::{CARD_H, CARD_W, Prim, Scene};
use crate::app::AppSystems;
use crate::app::font::CanvasFont;
use crate::app::player::{Player, Selection};

/// Card motion to a new place, in simulated ms.
const MOVE_MS: f32 = 900.0;
/// Text is laid out at twice its size and scaled down, so it stays crisp when zoomed in.
const TEXT_OVERSAMPLE: f32 = 2.0;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Canvas>()
        .add_systems(Update, sync_canvas.in_set(AppSystems::Canvas));
}

/// Entities by key, and the last scene.
#[derive(Resource, Default)]
pub struct Canvas {
    pub entities: HashMap<String, Entity>,
    pub scene: Scene,
    /// The scene's bounds changed (a refit may be wanted).
    pub bounds_changed: bool,
}

/// The key of the object an entity shows.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct CanvasKey(pub String);

/// A task card entity, with its easing state.
#[derive(Component, Debug, Clone)]
pub struct CardAnim {
    pub task_id: String,
    from: Vec2,
    to: Vec2,
    t: f32,
    appear: f32,
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

/// Mirror the world into entities: spawn, update and despawn by key.
pub fn sync_canvas(
    mut commands: Commands,
    player: Res<Player>,
    mut canvas: ResMut<Canvas>,
    font: Option<Res<CanvasFont>>,
    mut q: PrimQuery,
) {
    let scene = layout(player.playback.world(), player.layout_cols);
    canvas.bounds_changed = scene.bounds != canvas.scene.bounds;
    let mut seen: HashMap<String, Entity> = HashMap::with_capacity(canvas.entities.len());

    for (key, prim) in &scene.prims {
        let entity = canvas.entities.get(key).copied();
        let e = match prim {
            Prim::Rect { area, color, z } => {
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
                            text_font(&font, *size),
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

    let dt = player.frame_sim_dt_ms as f32;
    for card in &scene.cards {
        let key = format!("card:{}", card.id);
        let target = card.area.center();
        let fill = with_alpha(card.state.color(), card.alpha);
        let stripe = with_alpha(
            if card.new_revision {
                NEW_REVISION
            } else {
                OLD_REVISION
            },
            card.alpha,
        );
        let text_color = with_alpha(TEXT, card.alpha);
        let existing = canvas.entities.get(&key).copied();
        let root = match existing.and_then(|e| q.get_mut(e).ok().map(|r| (e, r))) {
            Some((e, (mut tf, Some(mut sprite), _, _, Some(mut anim)))) => {
                if anim.to != target {
                    anim.from = anim.position();
                    anim.to = target;
                    anim.t = 0.0;
                }
                if player.jumped {
                    anim.t = 1.0;
                } else {
                    anim.t = (anim.t + dt / MOVE_MS).min(1.0);
                }
                anim.appear = card.appear;
                anim.state = card.state;
                let p = anim.position();
                let scale = 0.6 + 0.4 * EaseFunction::BackOut.sample_clamped(anim.appear);
                let tr = p.extend(10.0);
                if tf.translation != tr {
                    tf.translation = tr;
                }
                if tf.scale.x != scale {
                    tf.scale = Vec3::splat(scale);
                }
                if sprite.color != fill {
                    sprite.color = fill;
                }
                e
            }
            _ => {
                let appear = card.appear;
                let scale = 0.6 + 0.4 * EaseFunction::BackOut.sample_clamped(appear);
                commands
                    .spawn((
                        CanvasKey(key.clone()),
                        Sprite::from_color(fill, Vec2::new(CARD_W, CARD_H)),
                        Transform::from_translation(target.extend(10.0))
                            .with_scale(Vec3::splat(scale)),
                        CardAnim {
                            task_id: card.id.clone(),
                            from: target,
                            to: target,
                            t: 1.0,
                            appear,
                            state: card.state,
                        },
                        Selectable(Selection::Task(card.id.clone())),
                        bevy::picking::Pickable::default(),
                    ))
                    .id()
            }
        };
        seen.insert(key.clone(), root);
        // Children: revision stripe and two lines of text, positioned relative to the card.
        let parts: [(String, Option<Color>, Option<(String, f32, Vec2)>); 3] = [
            (format!("{key}/stripe"), Some(stripe), None),
            (
                format!("{key}/l1"),
                None,
                Some((
                    card.line1.clone(),
                    17.0,
                    Vec2::new(-CARD_W / 2.0 + 14.0, CARD_H / 2.0 - 6.0),
                )),
            ),
            (
                format!("{key}/l2"),
                None,
                Some((
                    card.label
                        .clone()
                        .unwrap_or_else(|| card.state.label().to_string()),
                    15.0,
                    Vec2::new(-CARD_W / 2.0 + 14.0, CARD_H / 2.0 - 33.0),
                )),
            ),
        ];
        for (child_key, stripe_color, text) in parts {
            let existing = canvas.entities.get(&child_key).copied();
            let e = match (
                existing.and_then(|e| q.get_mut(e).ok().map(|r| (e, r))),
                stripe_color,
                &text,
            ) {
                (Some((e, (_, Some(mut sprite), _, _, _))), Some(c), _) => {
                    if sprite.color != c {
                        sprite.color = c;
                    }
                    e
                }
                (Some((e, (_, _, Some(mut t), Some(mut tc), _))), None, Some((s, _, _))) => {
                    if t.0 != *s {
                        t.0.clone_from(s);
                    }
                    if tc.0 != text_color {
                        tc.0 = text_color;
                    }
                    e
                }
                (_, Some(c), _) => commands
                    .spawn((
                        CanvasKey(child_key.clone()),
                        Sprite::from_color(c, Vec2::new(7.0, CARD_H)),
                        Transform::from_xyz(-CARD_W / 2.0 + 3.5, 0.0, 0.5),
                        ChildOf(root),
                    ))
                    .id(),
                (_, None, Some((s, size, at))) => commands
                    .spawn((
                        CanvasKey(child_key.clone()),
                        Text2d::new(s.clone()),
                        text_font(&font, *size),
                        TextColor(text_color),
                        Anchor::TOP_LEFT,
                        Transform::from_translation(at.extend(1.0))
                            .with_scale(Vec3::splat(1.0 / TEXT_OVERSAMPLE)),
                        ChildOf(root),
                    ))
                    .id(),
                (_, None, None) => continue,
            };
            seen.insert(child_key, e);
        }
    }

    // Despawn what left the scene (children go with their card).
    for (key, e) in canvas.entities.drain() {
        let card_child = key.starts_with("card:") && key.contains('/');
        if key.starts_with("link:") {
            seen.insert(key, e);
            continue;
        }
        if !seen.contains_key(&key)
            && !card_child
            && let Ok(mut ec) = commands.get_entity(e)
        {
            ec.despawn();
        }
    }
    canvas.entities = seen;
    canvas.scene = scene;
}

/// What clicking the object with this key selects.
pub fn selection_for_key(key: &str) -> Option<Selection> {
    if key.contains('/') {
        return None;
    }
    let (kind, name) = key.split_once(':')?;
    Some(match kind {
        "card" => Selection::Task(name.to_string()),
        "node" => Selection::Node(name.to_string()),
        "inst" => Selection::Instance(name.to_string()),
        "tg" => Selection::TargetGroup(name.to_string()),
        "zone" => Selection::Zone(name.to_string()),
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
