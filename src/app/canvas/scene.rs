//! The canvas as plain data: what a layout produces and the sync draws. Layout space has x to
//! the right and y down, with the origin at the top-left of the first zone.

use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use orca_sim::elb::TargetState;
use orca_sim::world::TaskIdx;

use super::card_state::CardState;
use super::palette::{BAR_BG, TEXT};

pub const CARD_W: f32 = 200.0;
pub const CARD_H: f32 = 62.0;
pub(super) const GAP: f32 = 10.0;
pub(super) const PAD: f32 = 12.0;
/// The narrowest a zone column gets (instance headers and bars need the room).
const MIN_ZONE_W: f32 = 300.0;
pub(super) const ZONE_GAP: f32 = 28.0;
pub(super) const ZONE_HEADER: f32 = 44.0;
pub(super) const INSTANCE_HEADER: f32 = 50.0;
pub(super) const BAR_H: f32 = 18.0;
pub(super) const LANE_HEADER: f32 = 30.0;
pub(super) const TG_W: f32 = 440.0;
pub(super) const TG_H: f32 = 78.0;
pub(super) const TG_GAP_Y: f32 = 120.0;
/// How long a new card pops in, in simulated ms.
pub(super) const APPEAR_MS: f32 = 700.0;
/// How long a new instance or node takes to fade in, in simulated ms.
pub(super) const INSTANCE_APPEAR_MS: u64 = 4_000;

/// A rectangle in layout space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Area {
    pub fn center(&self) -> Vec2 {
        Vec2::new(self.x + self.w / 2.0, -(self.y + self.h / 2.0))
    }
    pub fn top_left(&self) -> Vec2 {
        Vec2::new(self.x, -self.y)
    }
    pub fn union(&self, o: &Area) -> Area {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        Area {
            x,
            y,
            w: (self.x + self.w).max(o.x + o.w) - x,
            h: (self.y + self.h).max(o.y + o.h) - y,
        }
    }
}

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Prim {
    Rect {
        area: Area,
        color: Color,
        z: f32,
    },
    Text {
        /// Top-left corner.
        at: Vec2,
        text: String,
        size: f32,
        color: Color,
        z: f32,
    },
}

/// A task card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The ECS task (None for a Kubernetes pod).
    pub task: Option<TaskIdx>,
    pub id: String,
    pub area: Area,
    pub state: CardState,
    pub new_revision: bool,
    pub line1: String,
    pub alpha: f32,
    /// 0 → 1 over the first moments after the task was created (drives the pop-in).
    pub appear: f32,
    /// The status line when it is not the state's own label (Kubernetes pods).
    pub label: Option<String>,
}

/// A target group's link to a task card.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub target_group: usize,
    pub task_id: String,
    pub state: TargetState,
}

/// The whole canvas at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    pub prims: Vec<(String, Prim)>,
    pub cards: Vec<Card>,
    pub target_groups: Vec<Area>,
    pub links: Vec<Link>,
    /// Areas of objects that can be selected, for highlights: key → area.
    pub areas: HashMap<String, Area>,
    pub bounds: Option<Area>,
}

/// The width of a zone column holding `cols` cards side by side.
pub(super) fn zone_width(cols: usize) -> f32 {
    (cols as f32 * CARD_W + (cols as f32 + 1.0) * GAP + 2.0 * PAD).max(MIN_ZONE_W)
}

pub(super) fn push_rect(scene: &mut Scene, key: &str, area: Area, color: Color, z: f32) {
    scene
        .prims
        .push((key.to_string(), Prim::Rect { area, color, z }));
}

pub(super) fn push_text(
    scene: &mut Scene,
    key: &str,
    at: Vec2,
    text: String,
    size: f32,
    color: Color,
) {
    scene.prims.push((
        key.to_string(),
        Prim::Text {
            at,
            text,
            size,
            color,
            z: 5.0,
        },
    ));
}

/// A labelled bar: `used` of `total`, e.g. an instance's reserved CPU.
#[allow(clippy::too_many_arguments)]
pub(super) fn push_bar(
    scene: &mut Scene,
    key: &str,
    area: Area,
    used: u32,
    total: u32,
    name: &str,
    unit: &str,
    color: Color,
) {
    push_rect(scene, &format!("{key}/bg"), area, BAR_BG, 2.0);
    let frac = if total == 0 {
        0.0
    } else {
        (used as f32 / total as f32).clamp(0.0, 1.0)
    };
    if frac > 0.0 {
        push_rect(
            scene,
            &format!("{key}/fill"),
            Area {
                w: area.w * frac,
                ..area
            },
            color,
            3.0,
        );
    }
    push_text(
        scene,
        &format!("{key}/t"),
        Vec2::new(area.x + 6.0, area.y + 1.0),
        format!("{name} {used} / {total} {unit}"),
        12.0,
        TEXT,
    );
}
