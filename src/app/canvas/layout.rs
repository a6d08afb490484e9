//! `layout(world, shape, detail) -> Scene`: where everything on the canvas goes.
//!
//! Zones are columns side by side. A zone's hosts flow into `host_cols` columns, row by row,
//! so a cluster with many hosts uses the canvas's width instead of one tall stack. A host
//! holds its cards in rows of `card_cols` ([`Detail::Cards`]), or a bar of counts per state
//! ([`Detail::Counts`]), or is a small tile with its name, status and counts
//! ([`Detail::Tiles`]). Tasks waiting for capacity (or pods no node took) get an area below
//! the zones or beside them; target groups (or Services) sit in a row above, with lines down
//! the gaps between hosts to their targets.
//!
//! The [`Shape`] is chosen for the canvas's size from samples of the whole run
//! (`run_shape`), so the canvas keeps its shape while the scenario plays.

use bevy::prelude::*;
use orca_sim::World;
use orca_sim::elb::TargetState;

use super::card_state::CardState;
use super::model::{BarModel, GroupModel, HostModel, LaneModel, Model};
use super::palette::{
    BAR_BG, NEW_REVISION, OLD_REVISION, PART_RULE, TEXT, TEXT_DIM, TG_BG, ZONE_BG, ZONE_OUT_BG,
};
use super::scene::{
    Area, BAR_GAP, BAR_H, CARD_H, CARD_W, Card, Detail, FitBounds, GAP, HostBox, Link, LinkEnd,
    PAD, Scene, TEXT_GROUP, TEXT_NAME, TEXT_SMALL, TEXT_TITLE, ZONE_GAP, push_rect, push_text,
};
use super::text_width::{clip, text_width};
use super::{layout_both, layout_ecs, layout_eks};

use super::place::*;
pub use super::place::{Loads, Shape};

/// Lay out the world. Pure: the same world, shape and detail always give the same scene.
pub fn layout(world: &World, shape: Shape, detail: Detail) -> Scene {
    arrange(&model(world), shape, detail)
}

/// What the world shows, before it is placed.
pub fn model(world: &World) -> Model {
    match (&world.ecs, &world.eks) {
        (Some(ecs), Some(eks)) => layout_both::model(world, ecs, eks),
        (None, Some(eks)) => layout_eks::model(world, eks),
        (Some(ecs), None) => layout_ecs::model(world, ecs),
        (None, None) => Model::default(),
    }
}

// ---------------------------------------------------------------------------------------------
// The scene.

/// Place a model: boxes, texts, cards and links.
pub fn arrange(m: &Model, shape: Shape, detail: Detail) -> Scene {
    let loads = Loads::of(m);
    let placements = Detail::ALL.map(|d| place(&loads, &shape, d));
    let p = &placements[detail.index()];
    let mut scene = Scene {
        detail,
        fit: FitBounds(placements.each_ref().map(|p| p.bounds)),
        bounds: p.bounds,
        ..Scene::default()
    };
    push_zones(&mut scene, m, p, shape.host_w(detail));
    for (hi, (h, placed)) in m.hosts.iter().zip(&p.hosts).enumerate() {
        push_host(&mut scene, m, h, placed, &loads.hosts[hi], shape, detail);
    }
    if let (Some(lane), Some(placed)) = (&m.waiting, &p.lane) {
        push_lane(&mut scene, m, lane, placed, detail);
    }
    for (gi, (g, area)) in m.groups.iter().zip(&p.groups).enumerate() {
        push_group(&mut scene, g, *area, p.groups_one_line, &p.group_texts[gi]);
        push_links(&mut scene, gi, g);
    }
    super::layout_traffic::push_bands(&mut scene, m);
    scene
}

/// Zones: a column each, behind their hosts.
fn push_zones(scene: &mut Scene, m: &Model, p: &Placement, host_w: f32) {
    for (zi, z) in m.zones.iter().enumerate() {
        let area = Area {
            x: zi as f32 * (p.zone_w + ZONE_GAP),
            y: 0.0,
            w: p.zone_w,
            h: p.zone_h,
        };
        let key = z.key();
        push_rect(
            scene,
            key.clone(),
            area,
            if z.out { ZONE_OUT_BG } else { ZONE_BG },
            0.0,
        );
        // The title stays over the first column of hosts: the lines come down beside it.
        let (name, second, _) = zone_title(z);
        let one_line = p.zone_one_line;
        let room = host_w.min(area.w - 2.0 * PAD);
        let name = clip(&name, TEXT_TITLE, room);
        let second_at = if one_line {
            Vec2::new(
                area.x + PAD + text_width(&name, TEXT_TITLE) + text_width(GROUP_SEP, TEXT_SMALL),
                ZONE_TITLE_Y + (line(TEXT_TITLE) - line(TEXT_SMALL)) / 2.0,
            )
        } else {
            Vec2::new(area.x + PAD, ZONE_TITLE_Y + line(TEXT_TITLE))
        };
        push_text(
            scene,
            format!("{key}/t"),
            Vec2::new(area.x + PAD, ZONE_TITLE_Y),
            name,
            TEXT_TITLE,
            TEXT,
        );
        push_text(
            scene,
            format!("{key}/t2"),
            second_at,
            clip(&second, TEXT_SMALL, room),
            TEXT_SMALL,
            if z.out {
                Color::srgb(1.0, 0.7, 0.7)
            } else {
                TEXT_DIM
            },
        );
        scene.areas.insert(key, area);
    }
    // A side-by-side world: a rule down the gap between the ECS part's zones and the EKS
    // part's, so the two read as two clusters.
    if let Some(k) = m.eks_zones_from.filter(|k| *k > 0 && *k < m.zones.len()) {
        let x = k as f32 * (p.zone_w + ZONE_GAP) - ZONE_GAP / 2.0;
        push_rect(
            scene,
            "divider:parts".into(),
            Area {
                x: x - PART_RULE_W / 2.0,
                y: 0.0,
                w: PART_RULE_W,
                h: p.zone_h,
            },
            PART_RULE,
            0.0,
        );
    }
}

/// The width of the rule between a side-by-side world's two parts.
const PART_RULE_W: f32 = 4.0;

/// A host: its box, name, notes and bars, and its cards or counts.
fn push_host(
    scene: &mut Scene,
    m: &Model,
    h: &HostModel,
    placed: &HostBox,
    load: &HostLoad,
    shape: Shape,
    detail: Detail,
) {
    let area = placed.area;
    push_rect(scene, h.key.clone(), area, h.bg, 1.0);
    let pad = if detail == Detail::Tiles {
        TILE_PAD
    } else {
        PAD
    };
    let text_w = area.w - 2.0 * pad;
    let top = area.y + pad / 2.0;
    let title = clip(&h.title, TEXT_NAME, text_w);
    let notes: Vec<(Vec2, String)> = match detail {
        // A tile keeps the first note, the status: after the name, or under it.
        Detail::Tiles => h
            .notes
            .first()
            .map(|n| {
                if load.tile_one_line {
                    let x = area.x
                        + pad
                        + text_width(&title, TEXT_NAME)
                        + text_width(GROUP_SEP, TEXT_SMALL);
                    (
                        Vec2::new(x, top + (line(TEXT_NAME) - line(TEXT_SMALL)) / 2.0),
                        n.clone(),
                    )
                } else {
                    (
                        Vec2::new(area.x + pad, top + line(TEXT_NAME)),
                        clip(&shortest_fit(n, text_w), TEXT_SMALL, text_w),
                    )
                }
            })
            .into_iter()
            .collect(),
        _ => {
            let (first, below) = host_notes(h);
            let beside = first.map(|n| {
                let x = area.x
                    + pad
                    + text_width(&title, TEXT_NAME)
                    + text_width(GROUP_SEP, TEXT_SMALL);
                (
                    Vec2::new(x, top + (line(TEXT_NAME) - line(TEXT_SMALL)) / 2.0),
                    n,
                )
            });
            beside
                .into_iter()
                .chain(below.into_iter().enumerate().map(|(n, note)| {
                    (
                        Vec2::new(
                            area.x + pad,
                            top + line(TEXT_NAME) + n as f32 * line(TEXT_SMALL),
                        ),
                        note,
                    )
                }))
                .collect()
        }
    };
    push_text(
        scene,
        format!("{}/t1", h.key),
        Vec2::new(area.x + pad, top),
        title,
        TEXT_NAME,
        TEXT,
    );
    for (n, (at, note)) in notes.into_iter().enumerate() {
        push_text(
            scene,
            format!("{}/t{}", h.key, n + 2),
            at,
            note,
            TEXT_SMALL,
            TEXT_DIM,
        );
    }
    if detail != Detail::Tiles {
        let bars_y = area.y + load.header_h(detail) + BAR_GAP;
        for (b, bar) in h.bars.iter().enumerate() {
            push_bar(
                scene,
                &format!("{}/{}", h.key, bar.name),
                Area {
                    x: area.x + PAD,
                    y: bars_y + b as f32 * (BAR_H + BAR_GAP),
                    w: area.w - 2.0 * PAD,
                    h: BAR_H,
                },
                bar,
            );
        }
    }
    let content = Area {
        x: area.x + pad,
        y: area.y + load.content_dy(detail),
        w: text_w,
        h: 0.0,
    };
    let host = scene.hosts.len();
    scene.hosts.push(HostBox {
        key: h.key.clone(),
        ..placed.clone()
    });
    match detail {
        Detail::Cards => place_cards(
            scene,
            m,
            h.cards.clone(),
            shape.card_cols,
            content,
            Some(host),
        ),
        // A box without cards of its own (a volume, a mount target) has no counts.
        _ if h.cards.is_empty() && !h.keeps_a_row => {}
        _ => push_counts(
            scene,
            m,
            &h.key,
            h.cards.clone(),
            content,
            Some(host),
            detail,
        ),
    }
    if h.key.starts_with("inst:") || h.key.starts_with("node:") {
        scene.areas.insert(h.key.clone(), area);
    }
}

/// Tasks or pods waiting for a host.
fn push_lane(scene: &mut Scene, m: &Model, lane: &LaneModel, placed: &LanePlace, detail: Detail) {
    let area = placed.area;
    push_rect(scene, lane.key.to_string(), area, ZONE_OUT_BG, 0.0);
    let pad = placed.content.x - area.x;
    for (n, text) in placed.lines.iter().enumerate() {
        let key = if n == 0 {
            format!("{}/t", lane.key)
        } else {
            format!("{}/t{}", lane.key, n + 1)
        };
        push_text(
            scene,
            key,
            Vec2::new(
                area.x + pad,
                area.y + pad / 2.0 + n as f32 * line(LANE_TEXT),
            ),
            text.clone(),
            LANE_TEXT,
            if n == 0 { TEXT } else { TEXT_DIM },
        );
    }
    match detail {
        Detail::Cards => place_cards(
            scene,
            m,
            lane.cards.clone(),
            placed.per_row,
            placed.content,
            None,
        ),
        _ => push_counts(
            scene,
            m,
            lane.key,
            lane.cards.clone(),
            placed.content,
            None,
            detail,
        ),
    }
    scene.areas.insert(lane.key.to_string(), area);
}

/// A target group (or Service): its box, title and summary.
fn push_group(
    scene: &mut Scene,
    g: &GroupModel,
    area: Area,
    one_line: bool,
    (title, summary): &(Vec<String>, Vec<String>),
) {
    push_rect(scene, g.key.clone(), area, TG_BG, 1.0);
    let top = area.y + PAD / 2.0;
    if one_line {
        push_text(
            scene,
            format!("{}/t1", g.key),
            Vec2::new(area.x + PAD, top),
            g.title.clone(),
            TEXT_GROUP,
            TEXT,
        );
        push_text(
            scene,
            format!("{}/t2", g.key),
            Vec2::new(
                area.x + PAD + text_width(&g.title, TEXT_GROUP) + text_width(GROUP_SEP, TEXT_GROUP),
                top + (line(TEXT_GROUP) - line(TEXT_NAME)) / 2.0,
            ),
            g.summary.clone(),
            TEXT_NAME,
            TEXT_DIM,
        );
    } else {
        // The first line of each keeps the key of the whole text (t1, t2).
        let key = |part: &str, n: usize| match n {
            0 => format!("{}/{part}", g.key),
            n => format!("{}/{part}.{n}", g.key),
        };
        let mut y = top;
        for (n, l) in title.iter().enumerate() {
            push_text(
                scene,
                key("t1", n),
                Vec2::new(area.x + PAD, y),
                l.clone(),
                TEXT_GROUP,
                TEXT,
            );
            y += line(TEXT_GROUP);
        }
        for (n, l) in summary.iter().enumerate() {
            push_text(
                scene,
                key("t2", n),
                Vec2::new(area.x + PAD, y),
                l.clone(),
                TEXT_NAME,
                TEXT_DIM,
            );
            y += line(TEXT_NAME);
        }
    }
    scene.groups.push(area);
    scene.areas.insert(g.key.clone(), area);
}

/// A group's lines: to each target's card, or without cards one per host holding targets, in
/// the state that most needs attention.
fn push_links(scene: &mut Scene, group: usize, g: &GroupModel) {
    if scene.detail == Detail::Cards {
        for &(card, state) in &g.targets {
            if scene.cards.get(card).is_some_and(|c| c.host.is_some()) {
                scene.links.push(Link {
                    group,
                    to: LinkEnd::Card(card),
                    state,
                });
            }
        }
        return;
    }
    let mut worst: Vec<Option<TargetState>> = vec![None; scene.hosts.len()];
    for &(card, state) in &g.targets {
        if let Some(h) = scene.cards.get(card).and_then(|c| c.host) {
            let w = &mut worst[h];
            if w.is_none_or(|w| severity(state) > severity(w)) {
                *w = Some(state);
            }
        }
    }
    for (h, w) in worst.into_iter().enumerate() {
        if let Some(state) = w {
            scene.links.push(Link {
                group,
                to: LinkEnd::Host(h),
                state,
            });
        }
    }
}

/// Which target state a host's single line shows when its targets differ: the one that needs
/// attention.
fn severity(s: TargetState) -> u8 {
    match s {
        TargetState::Healthy | TargetState::Unused => 0,
        TargetState::Initial => 1,
        TargetState::Draining => 2,
        TargetState::Unhealthy => 3,
    }
}

/// Cards in rows of `cols` from the top-left of `content`.
fn place_cards(
    scene: &mut Scene,
    m: &Model,
    cards: std::ops::Range<usize>,
    cols: usize,
    content: Area,
    host: Option<usize>,
) {
    let cols = cols.max(1);
    for (slot, i) in cards.enumerate() {
        let c = &m.cards[i];
        let col = (slot % cols) as f32;
        let row = (slot / cols) as f32;
        scene.cards.push(Card {
            key: c.key,
            area: Area {
                x: content.x + col * (CARD_W + GAP),
                y: content.y + row * (CARD_H + GAP),
                w: CARD_W,
                h: CARD_H,
            },
            state: c.state,
            stripe: c.stripe,
            alpha: c.alpha,
            appear: c.appear,
            host,
        });
    }
}

/// Tasks as counts: a bar split by state (every state present gets a visible piece, however
/// few its tasks), a thin bar of new and old revisions (not in a tile), and the counts in words.
fn push_counts(
    scene: &mut Scene,
    m: &Model,
    key: &str,
    cards: std::ops::Range<usize>,
    content: Area,
    host: Option<usize>,
    detail: Detail,
) {
    let counts = Counts::of(&m.cards[cards.clone()]);
    let bar = Area {
        h: STATE_BAR_H,
        ..content
    };
    push_rect(scene, format!("{key}/states"), bar, BAR_BG, 2.0);
    let present: Vec<(Color, usize)> = CardState::ALL
        .iter()
        .filter(|s| counts.states[**s as usize] > 0)
        .map(|s| (s.color(), counts.states[*s as usize]))
        .collect();
    for (n, piece) in split(bar, &present).into_iter().enumerate() {
        push_rect(scene, format!("{key}/state{n}"), piece.0, piece.1, 3.0);
    }
    let mut lines_y = bar.y + STATE_BAR_H + 3.0;
    if detail != Detail::Tiles {
        let rev = Area {
            y: lines_y,
            h: REVISION_BAR_H,
            ..content
        };
        let revisions: Vec<(Color, usize)> =
            [(NEW_REVISION, counts.new), (OLD_REVISION, counts.old)]
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .collect();
        for (n, piece) in split(rev, &revisions).into_iter().enumerate() {
            push_rect(scene, format!("{key}/rev{n}"), piece.0, piece.1, 3.0);
        }
        lines_y += REVISION_BAR_H + 3.0;
    }
    for (n, text) in counts
        .lines(m.eks_words(host), content.w, detail)
        .into_iter()
        .enumerate()
    {
        push_text(
            scene,
            format!("{key}/count{n}"),
            Vec2::new(content.x, lines_y + n as f32 * line(TEXT_SMALL)),
            text,
            TEXT_SMALL,
            if n == 0 { TEXT } else { TEXT_DIM },
        );
    }
    for i in cards {
        let c = &m.cards[i];
        scene.cards.push(Card {
            key: c.key,
            area: bar,
            state: c.state,
            stripe: c.stripe,
            alpha: c.alpha,
            appear: c.appear,
            host,
        });
    }
}

/// `bar` split into pieces in proportion to the counts; a piece is never thinner than a few
/// units, so one unhealthy task among thousands still shows.
fn split(bar: Area, counts: &[(Color, usize)]) -> Vec<(Area, Color)> {
    const MIN_PIECE: f32 = 6.0;
    let total: usize = counts.iter().map(|c| c.1).sum();
    if total == 0 {
        return Vec::new();
    }
    let min = MIN_PIECE.min(bar.w / counts.len() as f32);
    let spare = (bar.w - min * counts.len() as f32).max(0.0);
    let mut x = bar.x;
    let mut out = Vec::new();
    for &(color, n) in counts {
        let w = min + spare * n as f32 / total as f32;
        out.push((Area { x, w, ..bar }, color));
        x += w;
    }
    out
}

/// A labelled bar: `used` of `total`, with the longest label that fits.
fn push_bar(scene: &mut Scene, key: &str, area: Area, bar: &BarModel) {
    push_rect(scene, format!("{key}/bg"), area, BAR_BG, 2.0);
    let frac = if bar.total == 0 {
        0.0
    } else {
        (bar.used as f32 / bar.total as f32).clamp(0.0, 1.0)
    };
    if frac > 0.0 {
        push_rect(
            scene,
            format!("{key}/fill"),
            Area {
                w: area.w * frac,
                ..area
            },
            bar.color,
            3.0,
        );
    }
    let room = area.w - 12.0;
    let first_word = bar.unit.split(' ').next().unwrap_or("");
    let label = [
        bar.label(),
        format!("{} {} / {} {first_word}", bar.name, bar.used, bar.total),
        format!("{} {}/{}", bar.name, bar.used, bar.total),
    ]
    .into_iter()
    .find(|l| text_width(l, TEXT_SMALL) <= room)
    .unwrap_or_else(|| clip(&bar.label(), TEXT_SMALL, room));
    push_text(
        scene,
        format!("{key}/t"),
        Vec2::new(area.x + 6.0, area.y + (BAR_H - line(TEXT_SMALL)) / 2.0),
        label,
        TEXT_SMALL,
        TEXT,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::canvas::model::{CardModel, ZoneModel};
    use crate::app::canvas::scene::{CardKey, Prim, ZONE_GAP};

    /// Three zones with one Fargate host each holding `per_host` healthy tasks, one of which
    /// (in the first host) is unhealthy, behind four target groups with long names.
    fn big_model(per_host: usize) -> Model {
        let mut m = Model::default();
        for z in 0..3 {
            m.zones.push(ZoneModel {
                name: format!("us-east-1{}", ['a', 'b', 'c'][z]),
                subnet: format!("10.0.{}.0/20", 16 * z),
                out: false,
                part: None,
            });
            let start = m.cards.len();
            for i in 0..per_host {
                let state = if z == 0 && i == 7 {
                    CardState::Unhealthy
                } else {
                    CardState::Healthy
                };
                m.cards.push(CardModel {
                    key: CardKey::Task(m.cards.len() as u32),
                    state,
                    stripe: crate::app::canvas::scene::Stripe::Old,
                    alpha: 1.0,
                    appear: 1.0,
                });
            }
            m.hosts.push(HostModel {
                key: format!("lane:{z}"),
                zone: z,
                title: "Fargate".into(),
                notes: vec!["AWS-managed hosts".into()],
                bars: vec![],
                bg: ZONE_BG,
                cards: start..m.cards.len(),
                keeps_a_row: false,
            });
        }
        for g in 0..4 {
            m.groups.push(GroupModel {
                key: format!("tg:tg{g}"),
                title: format!("⚖ tg{g}-alb  →  target group tg{g}"),
                summary: format!("✓{per_host} healthy  ▶0 initial  ✗1 unhealthy  ⇣0 draining"),
                targets: vec![],
            });
        }
        m
    }

    fn texts(scene: &Scene) -> Vec<&str> {
        scene
            .prims
            .iter()
            .filter_map(|(_, p)| match p {
                Prim::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn counts_keep_one_unhealthy_task_among_thousands_visible() {
        let scene = arrange(&big_model(3_333), Shape::default(), Detail::Counts);
        assert!(scene.cards.iter().all(|c| c.area.w > 0.0));
        assert!(texts(&scene).iter().any(|t| t.contains("✗ 1 unhealthy")));
        let red = CardState::Unhealthy.color();
        let piece = scene
            .prims
            .iter()
            .find_map(|(_, p)| match p {
                Prim::Rect { area, color, .. } if *color == red => Some(*area),
                _ => None,
            })
            .expect("a piece of the state bar for the unhealthy task");
        assert!(piece.w >= 6.0, "{piece:?}");
    }

    #[test]
    fn target_groups_too_wide_for_a_row_wrap_into_boxes_as_wide_as_the_zones() {
        for detail in [Detail::Counts, Detail::Tiles] {
            let scene = arrange(&big_model(3_333), Shape::default(), detail);
            let zones_right = scene
                .hosts
                .iter()
                .map(|h| h.area.x + h.area.w)
                .fold(0.0, f32::max);
            let groups_right = scene.groups.iter().map(|g| g.x + g.w).fold(0.0, f32::max);
            // Four boxes share the zones' width (none narrower than 160 units); on one line
            // each they would take over 2,000 units.
            let room = (zones_right + PAD).max(4.0 * 160.0 + 3.0 * ZONE_GAP);
            assert!(
                groups_right <= room + 1.0,
                "{detail:?}: groups end at {groups_right}, room {room}"
            );
            // Titles broke at their arrows, summaries at their phrases.
            let t = texts(&scene);
            assert!(
                t.contains(&"target group tg0") || t.contains(&"target group"),
                "{t:?}"
            );
            assert!(t.iter().any(|l| l.starts_with("✓3333 healthy")), "{t:?}");
        }
    }
}
