//! The canvas as plain data: what a layout produces and the sync draws. Layout space has x to
//! the right and y down, with the origin at the top-left of the first zone. Sizes are layout
//! units: the camera only lets the view show text when a unit is at most one screen pixel
//! (`view`), so no text on the canvas is smaller than [`TEXT_SMALL`] pixels when it is read.

use bevy::platform::collections::HashMap;
use bevy::prelude::*;
use orca_sim::elb::TargetState;

use super::card_state::CardState;

pub const CARD_W: f32 = 200.0;
pub const CARD_H: f32 = 52.0;
/// Between cards, and between a host's bars and its first row of cards.
pub const GAP: f32 = 8.0;
/// Inside boxes, around their content.
pub const PAD: f32 = 10.0;
/// Between hosts in a zone; the target-group lines run down the middle of it.
pub const HOST_GAP: f32 = 12.0;
pub const ZONE_GAP: f32 = 16.0;
pub const BAR_H: f32 = 18.0;
pub const BAR_GAP: f32 = 4.0;
/// From the row of target groups (or Services) down to the zones: room for their lines.
pub const GROUP_GAP_Y: f32 = 28.0;
/// Line height as a multiple of the text size.
pub const LINE: f32 = 1.3;

/// The smallest text on the canvas, in layout units.
pub const TEXT_SMALL: f32 = 14.0;
/// Host names and the status lines of cards.
pub const TEXT_NAME: f32 = 15.0;
pub const TEXT_TITLE: f32 = 17.0;
pub const TEXT_GROUP: f32 = 17.0;
/// Both lines of a card.
pub const TEXT_CARD: f32 = 15.0;

/// How long a new card pops in, in simulated ms.
pub(super) const APPEAR_MS: f32 = 700.0;

/// How far a card created at `created` has grown at `now`: a task or pod there when the
/// scenario starts is whole from the first frame (the clock stands still at 0:00 until the
/// learner plays, and a card would otherwise wait there at 60 % of its size).
pub(super) fn card_appear(now: orca_sim::SimTime, created: orca_sim::SimTime) -> f32 {
    if created == orca_sim::SimTime::ZERO {
        return 1.0;
    }
    (now.since(created).0 as f32 / APPEAR_MS).clamp(0.0, 1.0)
}
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
    /// The centre in Bevy's world space (y up).
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
    pub fn intersects(&self, o: &Area) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }
    pub fn contains(&self, o: &Area) -> bool {
        o.x >= self.x
            && o.y >= self.y
            && o.x + o.w <= self.x + self.w
            && o.y + o.h <= self.y + self.h
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

/// Which task or pod a card shows: its index in the world, the same for the whole run, so
/// the canvas keys its entities by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CardKey {
    /// An ECS task (`TaskIdx`).
    Task(u32),
    /// A Kubernetes pod (its index in `Cluster::pods`).
    Pod(u32),
}

/// How much the canvas shows, from the most to the least: the camera takes the most detailed
/// level whose text is legible at its zoom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Detail {
    /// A card per task or pod in each host.
    #[default]
    Cards,
    /// Each host with its bars and, instead of cards, a bar of counts per state.
    Counts,
    /// Each host as a small tile: its name, its status and its counts.
    Tiles,
}

impl Detail {
    pub const ALL: [Detail; 3] = [Detail::Cards, Detail::Counts, Detail::Tiles];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The next level with more detail (zooming in).
    pub fn more(self) -> Option<Detail> {
        self.index().checked_sub(1).map(|i| Detail::ALL[i])
    }

    /// The next level with less detail (zooming out).
    pub fn less(self) -> Option<Detail> {
        Detail::ALL.get(self.index() + 1).copied()
    }
}

/// A task or pod card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub key: CardKey,
    /// Where the card is; without cards, the counts bar of its host.
    pub area: Area,
    pub state: CardState,
    pub stripe: Stripe,
    pub alpha: f32,
    /// 0 → 1 over the first moments after the task was created (drives the pop-in).
    pub appear: f32,
    /// Its host box (an index into [`Scene::hosts`]); None in the waiting area.
    pub host: Option<usize>,
}

/// A host box (an instance, a zone's Fargate lane, a node) or the waiting area.
#[derive(Debug, Clone, PartialEq)]
pub struct HostBox {
    pub key: String,
    pub area: Area,
    /// The x of the gap left of the host, where target-group lines come down.
    pub channel_x: f32,
    /// The y where a line joins the host's counts bar (without cards).
    pub counts_y: f32,
}

/// A line from a target group (or Service) to a target: a card, or without cards a host
/// holding some of its targets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub group: usize,
    pub to: LinkEnd,
    pub state: TargetState,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LinkEnd {
    /// An index into [`Scene::cards`].
    Card(usize),
    /// An index into [`Scene::hosts`].
    Host(usize),
}

/// The whole canvas at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    pub detail: Detail,
    pub prims: Vec<(String, Prim)>,
    pub cards: Vec<Card>,
    pub hosts: Vec<HostBox>,
    /// Target groups or Services.
    pub groups: Vec<Area>,
    pub links: Vec<Link>,
    /// Areas of the objects that can be selected (hosts, zones, groups), by key.
    pub areas: HashMap<String, Area>,
    pub bounds: Option<Area>,
    /// The bounds the scene would have at each level of detail, for the camera to choose.
    pub fit: FitBounds,
}

/// The scene's bounds at each level of detail ([`Detail::ALL`]).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FitBounds(pub [Option<Area>; 3]);

impl FitBounds {
    pub fn of(&self, detail: Detail) -> Option<Area> {
        self.0[detail.index()]
    }
}

pub(super) fn push_rect(scene: &mut Scene, key: String, area: Area, color: Color, z: f32) {
    scene.prims.push((key, Prim::Rect { area, color, z }));
}

pub(super) fn push_text(
    scene: &mut Scene,
    key: String,
    at: Vec2,
    text: String,
    size: f32,
    color: Color,
) {
    scene.prims.push((
        key,
        Prim::Text {
            at,
            text,
            size,
            color,
            z: 5.0,
        },
    ));
}

/// What a card's left stripe says: the task or pod runs its service's (or Deployment's)
/// current revision, an older one, or it is a standalone task (`run-task`) of no service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stripe {
    New,
    Old,
    Standalone,
}

impl Stripe {
    pub fn revision(new: bool) -> Stripe {
        if new { Stripe::New } else { Stripe::Old }
    }
}

#[cfg(test)]
mod tests {
    use super::card_appear;
    use orca_sim::SimTime;

    #[test]
    fn cards_there_at_the_start_are_whole_and_new_ones_grow() {
        // At 0:00, before the learner plays, the first cards are drawn at their full size.
        assert_eq!(card_appear(SimTime::ZERO, SimTime::ZERO), 1.0);
        // A card created later grows over 700 simulated ms.
        assert_eq!(card_appear(SimTime(60_000), SimTime(60_000)), 0.0);
        assert!((card_appear(SimTime(60_350), SimTime(60_000)) - 0.5).abs() < 1e-6);
        assert_eq!(card_appear(SimTime(61_000), SimTime(60_000)), 1.0);
    }
}
