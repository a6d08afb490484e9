//! The lines from each target group (or Kubernetes Service) to its targets, drawn as gizmos
//! (no entities) each frame. They never cross a card or a text: a line leaves the group's
//! box, comes down the gap left of the target's host (shared by all the targets there, in the
//! group's colour), turns along the gap above the target's row of cards and drops into the
//! card, in the colour of the target's state. Unhealthy and draining targets are dashed. With
//! counts, one line per host ends at its counts bar, in the state that most needs attention.
//!
//! Windowed only: the highlights plugin adds this one (gizmos need the renderer).

use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use orca_sim::elb::TargetState;

use super::palette::{LINK_TRUNK, paint};
use super::scene::{CARD_H, GAP, LinkEnd, PAD};
use super::sync::{Canvas, CardAnim};
use super::view::CanvasView;
use crate::app::AppSystems;
use crate::app::ui_state::UiState;

pub(crate) fn plugin(app: &mut App) {
    app.init_gizmo_group::<LinkGizmos>()
        .init_gizmo_group::<DashedLinkGizmos>()
        .add_systems(Startup, configure)
        .add_systems(Update, draw_links.in_set(AppSystems::View));
}

/// Solid link lines.
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct LinkGizmos;

/// Dashed link lines (unhealthy or draining targets).
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct DashedLinkGizmos;

/// Line width in screen pixels.
const WIDTH: f32 = 3.0;

fn configure(mut store: ResMut<GizmoConfigStore>) {
    let (solid, _) = store.config_mut::<LinkGizmos>();
    solid.line.width = WIDTH;
    let (dashed, _) = store.config_mut::<DashedLinkGizmos>();
    dashed.line.width = WIDTH;
    dashed.line.style = GizmoLineStyle::Dashed {
        gap_scale: 2.5,
        line_scale: 4.0,
    };
}

fn draw_links(
    canvas: Res<Canvas>,
    view: Res<CanvasView>,
    ui_state: Res<UiState>,
    cards: Query<&CardAnim>,
    mut solid: Gizmos<LinkGizmos>,
    mut dashed: Gizmos<DashedLinkGizmos>,
) {
    let scene = &canvas.scene;
    let groups = scene.groups.len().max(1) as f32;
    // Each group's lines come down its own track of the gap, so two groups do not overlap.
    let track = |g: usize| {
        ((g as f32 - (groups - 1.0) / 2.0) * 4.0).clamp(-(PAD / 2.0 - 2.0), PAD / 2.0 - 2.0)
    };
    // The trunks: per group and gap, how far down they go.
    let mut trunks: HashMap<(usize, u32), (f32, f32)> = HashMap::new();
    let visible = |y: f32, x: f32| {
        view.visible
            .is_none_or(|v| x >= v.x && x <= v.x + v.w && y >= v.y - GAP && y <= v.y + v.h + GAP)
    };
    for link in &scene.links {
        let (host, turn_y) = match link.to {
            LinkEnd::Card(c) => {
                let Some(card) = scene.cards.get(c) else {
                    continue;
                };
                let Some(h) = card.host else { continue };
                (h, card.area.y - GAP / 2.0)
            }
            LinkEnd::Host(h) => match scene.hosts.get(h) {
                Some(host) => (h, host.counts_y),
                None => continue,
            },
        };
        let Some(host) = scene.hosts.get(host) else {
            continue;
        };
        let x = host.channel_x + track(link.group);
        let e = trunks
            .entry((link.group, x.to_bits()))
            .or_insert((x, turn_y));
        e.1 = e.1.max(turn_y);
        let color = paint(ui_state.theme, link_color(link.state));
        let is_dashed = matches!(link.state, TargetState::Draining | TargetState::Unhealthy);
        // The branch to the target: along the gap above its row, then down into it.
        let (end, drop_to) = match link.to {
            LinkEnd::Card(c) => {
                let card = &scene.cards[c];
                if !visible(card.area.y, card.area.x) {
                    continue;
                }
                let Some(anim) = canvas
                    .cards
                    .get(&card.key)
                    .and_then(|e| cards.get(e.entity).ok())
                else {
                    continue;
                };
                let p = anim.position();
                let top = p.y + CARD_H / 2.0;
                (Vec2::new(p.x, top + GAP / 2.0), Some(Vec2::new(p.x, top)))
            }
            LinkEnd::Host(_) => (Vec2::new(host.area.x + PAD - 2.0, -turn_y), None),
        };
        let start = Vec2::new(x, end.y);
        if is_dashed {
            dashed.line_2d(start, end, color);
            if let Some(d) = drop_to {
                dashed.line_2d(end, d, color);
            }
        } else {
            solid.line_2d(start, end, color);
            if let Some(d) = drop_to {
                solid.line_2d(end, d, color);
            }
        }
    }
    // From each group down to the top of the gap, and down the gap.
    for (&(g, _), &(x, bottom)) in &trunks {
        let Some(area) = scene.groups.get(g) else {
            continue;
        };
        let from = Vec2::new(area.x + area.w / 2.0, -(area.y + area.h));
        let top = Vec2::new(x, 0.0);
        solid.line_2d(from, top, paint(ui_state.theme, LINK_TRUNK));
        solid.line_2d(
            top,
            Vec2::new(x, -bottom),
            paint(ui_state.theme, LINK_TRUNK),
        );
    }
}

fn link_color(state: TargetState) -> Color {
    match state {
        TargetState::Healthy => Color::srgb(0.30, 0.80, 0.45),
        TargetState::Initial => Color::srgb(0.55, 0.65, 0.82),
        TargetState::Unhealthy => Color::srgb(0.95, 0.30, 0.30),
        TargetState::Draining | TargetState::Unused => Color::srgb(0.90, 0.65, 0.20),
    }
}
