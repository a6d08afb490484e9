//! The lines from each target group (or Kubernetes Service) to its targets' cards: sprites
//! under the cards and all text (z 4.5) that follow the cards' animated positions. Unhealthy
//! and draining links are dashed.

use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use orca_sim::elb::TargetState;

use super::scene::CARD_H;
use super::sync::{Canvas, CanvasKey, CardAnim, sync_canvas};
use crate::app::AppSystems;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        sync_links.in_set(AppSystems::Canvas).after(sync_canvas),
    );
}

/// Spawn, move and despawn the link segments of this frame's scene.
pub fn sync_links(
    mut commands: Commands,
    mut canvas: ResMut<Canvas>,
    cards: Query<&CardAnim>,
    mut sprites: Query<(&mut Transform, &mut Sprite), Without<CardAnim>>,
) {
    const WIDTH: f32 = 3.0;
    const DASH: f32 = 14.0;
    const DASH_GAP: f32 = 10.0;
    let mut segments: Vec<(String, Vec2, Vec2, Color)> = Vec::new();
    for link in &canvas.scene.links {
        let Some(tg) = canvas.scene.target_groups.get(link.target_group) else {
            continue;
        };
        let Some(anim) = canvas
            .entities
            .get(&format!("card:{}", link.task_id))
            .and_then(|e| cards.get(*e).ok())
        else {
            continue;
        };
        let from = Vec2::new(tg.x + tg.w / 2.0, -(tg.y + tg.h));
        let to = anim.position() + Vec2::new(0.0, CARD_H / 2.0);
        let color = link_color(link.state);
        let base = format!("link:{}:{}", link.target_group, link.task_id);
        match link.state {
            TargetState::Draining | TargetState::Unhealthy => {
                let len = from.distance(to);
                let dir = (to - from).normalize_or_zero();
                let mut d = 0.0;
                let mut k = 0;
                while d < len {
                    let a = from + dir * d;
                    let b = from + dir * (d + DASH).min(len);
                    segments.push((format!("{base}:{k}"), a, b, color));
                    d += DASH + DASH_GAP;
                    k += 1;
                }
            }
            _ => segments.push((format!("{base}:0"), from, to, color)),
        }
    }
    let mut seen = HashMap::with_capacity(segments.len());
    for (key, a, b, color) in segments {
        let mid = (a + b) / 2.0;
        let len = a.distance(b).max(0.1);
        let angle = (b - a).to_angle();
        let tf = Transform::from_translation(mid.extend(4.5))
            .with_rotation(Quat::from_rotation_z(angle));
        let size = Vec2::new(len, WIDTH);
        let existing = canvas.entities.get(&key).copied();
        let e = match existing.and_then(|e| sprites.get_mut(e).ok().map(|r| (e, r))) {
            Some((e, (mut t, mut sprite))) => {
                if *t != tf {
                    *t = tf;
                }
                if sprite.color != color {
                    sprite.color = color;
                }
                if sprite.custom_size != Some(size) {
                    sprite.custom_size = Some(size);
                }
                e
            }
            None => commands
                .spawn((CanvasKey(key.clone()), Sprite::from_color(color, size), tf))
                .id(),
        };
        seen.insert(key, e);
    }
    let stale: Vec<String> = canvas
        .entities
        .keys()
        .filter(|k| k.starts_with("link:") && !seen.contains_key(*k))
        .cloned()
        .collect();
    for key in stale {
        if let Some(e) = canvas.entities.remove(&key)
            && let Ok(mut ec) = commands.get_entity(e)
        {
            ec.despawn();
        }
    }
    canvas.entities.extend(seen);
}

fn link_color(state: TargetState) -> Color {
    match state {
        TargetState::Healthy => Color::srgb(0.30, 0.80, 0.45),
        TargetState::Initial => Color::srgb(0.55, 0.65, 0.82),
        TargetState::Unhealthy => Color::srgb(0.95, 0.30, 0.30),
        TargetState::Draining | TargetState::Unused => Color::srgb(0.90, 0.65, 0.20),
    }
}
