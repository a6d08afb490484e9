//! Where the boxes go: how much each box of a model holds ([`Loads`]), the arrangement of a
//! canvas ([`Shape`]: cards per row in a host, hosts per row in a zone), the placement of
//! zones, hosts, the waiting area and the target groups for a shape and a level of detail
//! (`run_shape` chooses the shape for a whole run). `layout::arrange` fills the placed boxes
//! with texts, cards and lines.

use bevy::prelude::*;

use super::card_state::CardState;
use super::model::{CardModel, GroupModel, HostModel, LaneModel, Model, Stripe, ZoneModel};
use super::scene::{
    Area, BAR_GAP, BAR_H, CARD_H, CARD_W, Detail, GAP, GROUP_GAP_Y, HOST_GAP, HostBox, LINE, PAD,
    TEXT_GROUP, TEXT_NAME, TEXT_SMALL, TEXT_TITLE, ZONE_GAP,
};
use super::text_width::{clip, flow, text_width, wrap, wrap_phrases};
use super::view::fit_scale;
/// How the canvas is arranged at each level of detail ([`Detail::ALL`]): cards per row in a
/// host and hosts per row in a zone, for a canvas of `viewport` logical pixels (the waiting
/// area goes below the zones or beside them, whichever fits it better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    pub card_cols: usize,
    pub host_cols: [usize; 3],
    pub viewport: Vec2,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            card_cols: 2,
            host_cols: [1; 3],
            viewport: super::view::DEFAULT_VIEWPORT,
        }
    }
}

impl Shape {
    pub(super) fn host_cols(&self, detail: Detail) -> usize {
        self.host_cols[detail.index()].max(1)
    }

    /// A host box's width.
    pub(super) fn host_w(&self, detail: Detail) -> f32 {
        match detail {
            Detail::Cards => cards_w(self.card_cols.max(1)) + 2.0 * PAD,
            Detail::Counts => MIN_HOST_W,
            Detail::Tiles => TILE_W,
        }
    }
}

/// The narrowest host: one column of cards. Host texts wrap to this width whatever the shape,
/// so a host's header is as tall in every shape.
pub(super) const MIN_HOST_W: f32 = CARD_W + 2.0 * PAD;
pub(super) const HOST_TEXT_W: f32 = MIN_HOST_W - 2.0 * PAD;
/// A host as a tile: its name, its status and its counts.
pub(super) const TILE_W: f32 = 164.0;
pub(super) const TILE_PAD: f32 = 8.0;
pub(super) const TILE_TEXT_W: f32 = TILE_W - 2.0 * TILE_PAD;
pub(super) const STATE_BAR_H: f32 = 16.0;
pub(super) const REVISION_BAR_H: f32 = 6.0;
/// Below a zone's last host.
pub(super) const ZONE_BOTTOM: f32 = 8.0;
/// The zone's title, from the zone's top.
pub(super) const ZONE_TITLE_Y: f32 = 8.0;
/// Text of the waiting area's header.
pub(super) const LANE_TEXT: f32 = TEXT_SMALL;
/// Between a group's title and its summary when they share a line.
pub(super) const GROUP_SEP: &str = "   ";
/// The narrowest a target group's box gets when the groups' texts wrap.
const GROUP_MIN_W: f32 = 160.0;

pub(super) fn cards_w(cols: usize) -> f32 {
    cols as f32 * CARD_W + (cols as f32 - 1.0) * GAP
}

pub(super) fn line(size: f32) -> f32 {
    size * LINE
}

// ---------------------------------------------------------------------------------------------
// How much each box holds: all the geometry needs, and what a run is sampled for.

/// The sizes of what a model holds: enough to place it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loads {
    pub zones: usize,
    /// The widest zone title with its subnet on one line.
    pub zone_title_w: f32,
    pub hosts: Vec<HostLoad>,
    pub waiting: Option<LaneLoad>,
    pub groups: Vec<GroupLoad>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostLoad {
    pub zone: usize,
    pub note_lines: usize,
    pub bars: usize,
    pub cards: usize,
    /// Lines of counts in a host, and in a tile.
    pub count_lines: usize,
    pub tile_count_lines: usize,
    /// A tile's name and status share one line.
    pub tile_one_line: bool,
    pub keeps_a_row: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LaneLoad {
    pub cards: usize,
    /// Lines of counts at a host's width and at a tile's.
    pub count_lines: usize,
    pub tile_count_lines: usize,
    /// The header's texts (they wrap to the area's width).
    pub texts: Vec<String>,
}

/// A group's box width with its title and summary on one line, and on two; its texts, to
/// wrap when the boxes do not fit side by side in either form.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupLoad {
    pub one_line: f32,
    pub two_lines: f32,
    pub title: String,
    pub summary: String,
}

impl HostLoad {
    pub(super) fn header_h(&self, detail: Detail) -> f32 {
        match detail {
            Detail::Tiles if self.tile_one_line => TILE_PAD / 2.0 + line(TEXT_NAME),
            Detail::Tiles => TILE_PAD / 2.0 + line(TEXT_NAME) + line(TEXT_SMALL),
            _ => PAD / 2.0 + line(TEXT_NAME) + self.note_lines as f32 * line(TEXT_SMALL),
        }
    }

    /// From the top of the host to its cards or counts.
    pub(super) fn content_dy(&self, detail: Detail) -> f32 {
        if detail == Detail::Tiles {
            return self.header_h(detail) + BAR_GAP;
        }
        let bars = if self.bars == 0 {
            0.0
        } else {
            BAR_GAP + self.bars as f32 * (BAR_H + BAR_GAP) - BAR_GAP
        };
        self.header_h(detail) + bars + GAP
    }

    pub(super) fn height(&self, shape: &Shape, detail: Detail) -> f32 {
        let content = match detail {
            // A box without cards of its own (a volume, a mount target): its texts only.
            _ if self.cards == 0 && !self.keeps_a_row => PAD / 2.0,
            Detail::Cards => {
                let rows = self.cards.div_ceil(shape.card_cols.max(1));
                let rows = if self.keeps_a_row { rows.max(1) } else { rows };
                (rows as f32 * (CARD_H + GAP) - GAP).max(0.0) + PAD
            }
            Detail::Counts => counts_h(self.count_lines, detail) + PAD,
            Detail::Tiles => counts_h(self.tile_count_lines, detail) + TILE_PAD / 2.0,
        };
        self.content_dy(detail) + content
    }
}

/// The height of a counts block: the state bar, the revision bar (not in a tile) and its
/// lines of counts.
pub(super) fn counts_h(lines: usize, detail: Detail) -> f32 {
    let revisions = if detail == Detail::Tiles {
        0.0
    } else {
        REVISION_BAR_H + 3.0
    };
    STATE_BAR_H + 3.0 + revisions + lines as f32 * line(TEXT_SMALL)
}

/// The waiting area's header: its title and notes (only the title in a tile), wrapped.
pub(super) fn lane_lines(texts: &[String], width: f32, detail: Detail) -> Vec<String> {
    let n = if detail == Detail::Tiles {
        1
    } else {
        texts.len()
    };
    texts[..n.min(texts.len())]
        .iter()
        .flat_map(|t| wrap(t, LANE_TEXT, width))
        .collect()
}

pub(super) fn lane_texts(lane: &LaneModel) -> Vec<String> {
    let mut texts = vec![lane.title.clone()];
    texts.extend(lane.notes.iter().cloned());
    texts
}

/// The counts of each state among some cards, and of new and old revisions.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Counts {
    pub(super) states: [usize; CardState::ALL.len()],
    pub(super) new: usize,
    pub(super) old: usize,
}

impl Counts {
    pub(super) fn of(cards: &[CardModel]) -> Counts {
        let mut c = Counts::default();
        for card in cards {
            c.states[card.state as usize] += 1;
            // A standalone task is of no revision: its state counts, not its age.
            match card.stripe {
                Stripe::New => c.new += 1,
                Stripe::Old => c.old += 1,
                Stripe::Standalone => {}
            }
        }
        c
    }

    /// "✓ 12 healthy" for each state present, in the order of the lifecycle.
    pub(super) fn entries(&self, eks: bool) -> Vec<String> {
        CardState::ALL
            .iter()
            .filter(|s| self.states[**s as usize] > 0)
            .map(|s| {
                format!(
                    "{} {} {}",
                    s.glyph(),
                    self.states[*s as usize],
                    s.short(eks)
                )
            })
            .collect()
    }

    /// The counts in lines of `width`; the revisions too unless in a tile.
    pub(super) fn lines(&self, eks: bool, width: f32, detail: Detail) -> Vec<String> {
        let mut lines = flow(&self.entries(eks), "   ", TEXT_SMALL, width);
        if self.old > 0 && detail != Detail::Tiles {
            let both = format!("{} new revision · {} older", self.new, self.old);
            let short = format!("{} new · {} older", self.new, self.old);
            lines.push(if text_width(&both, TEXT_SMALL) <= width {
                both
            } else {
                clip(&short, TEXT_SMALL, width)
            });
        }
        // An empty host keeps its line, so hosts do not change height as they empty.
        if lines.is_empty() {
            lines.push(if eks { "no pods" } else { "no tasks" }.to_string());
        }
        lines
    }
}

/// A zone's title and subnet (or outage), and how wide they are on one line.
pub(super) fn zone_title(z: &ZoneModel) -> (String, String, f32) {
    let second = if z.out {
        "⚠ OUTAGE".to_string()
    } else {
        z.subnet.clone()
    };
    let name = match z.part {
        Some(part) => format!("{part} · {}", z.name),
        None => z.name.clone(),
    };
    let one_line = text_width(&name, TEXT_TITLE)
        + text_width(GROUP_SEP, TEXT_SMALL)
        + text_width(&second, TEXT_SMALL);
    (name, second, one_line)
}

impl GroupLoad {
    pub(super) fn of(g: &GroupModel) -> GroupLoad {
        let title = text_width(&g.title, TEXT_GROUP);
        let summary = text_width(&g.summary, TEXT_NAME);
        GroupLoad {
            one_line: title + text_width(GROUP_SEP, TEXT_GROUP) + summary + 2.0 * PAD + 2.0,
            two_lines: title.max(summary) + 2.0 * PAD + 2.0,
            title: g.title.clone(),
            summary: g.summary.clone(),
        }
    }
}

/// `text`, or when it is too wide its words before a parenthesis or an arrow ("◔ REGISTERING
/// (booting)" → "◔ REGISTERING").
pub(super) fn shortest_fit(text: &str, width: f32) -> String {
    if text_width(text, TEXT_SMALL) <= width {
        return text.to_string();
    }
    text.split([' '])
        .take_while(|w| !w.starts_with('(') && *w != "→")
        .collect::<Vec<_>>()
        .join(" ")
}

/// A tile's name and status share a line when they fit.
pub(super) fn tile_one_line(h: &HostModel) -> bool {
    let status = h.notes.first().map_or(0.0, |n| text_width(n, TEXT_SMALL));
    text_width(&h.title, TEXT_NAME) + text_width(GROUP_SEP, TEXT_SMALL) + status <= TILE_TEXT_W
}

impl Loads {
    pub fn of(m: &Model) -> Loads {
        let lane_w = HOST_TEXT_W;
        Loads {
            zones: m.zones.len(),
            zone_title_w: m.zones.iter().map(|z| zone_title(z).2).fold(0.0, f32::max),
            hosts: m
                .hosts
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let counts = Counts::of(&m.cards[h.cards.clone()]);
                    let eks = m.eks_words(Some(i));
                    HostLoad {
                        zone: h.zone,
                        note_lines: host_notes(h).1.len(),
                        bars: h.bars.len(),
                        cards: h.cards.len(),
                        count_lines: counts.lines(eks, HOST_TEXT_W, Detail::Counts).len(),
                        tile_count_lines: counts.lines(eks, TILE_TEXT_W, Detail::Tiles).len(),
                        tile_one_line: tile_one_line(h),
                        keeps_a_row: h.keeps_a_row,
                    }
                })
                .collect(),
            waiting: m.waiting.as_ref().map(|l| {
                let counts = Counts::of(&m.cards[l.cards.clone()]);
                LaneLoad {
                    cards: l.cards.len(),
                    count_lines: counts
                        .lines(m.eks_words(None), lane_w, Detail::Counts)
                        .len(),
                    tile_count_lines: counts
                        .lines(m.eks_words(None), TILE_TEXT_W, Detail::Tiles)
                        .len(),
                    texts: lane_texts(l),
                }
            }),
            groups: m.groups.iter().map(GroupLoad::of).collect(),
        }
    }
}

/// A host's notes in lines of a host's width: the first line after the name when both fit,
/// the others below.
pub(super) fn host_notes(h: &HostModel) -> (Option<String>, Vec<String>) {
    let mut lines = flow(&h.notes, " · ", TEXT_SMALL, HOST_TEXT_W);
    let beside = lines.first().is_some_and(|first| {
        text_width(&h.title, TEXT_NAME)
            + text_width(GROUP_SEP, TEXT_SMALL)
            + text_width(first, TEXT_SMALL)
            <= HOST_TEXT_W
    });
    let first = beside.then(|| lines.remove(0));
    (first, lines)
}

// ---------------------------------------------------------------------------------------------
// Placing boxes.

/// Where the boxes go for one shape and detail.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Placement {
    pub(super) zone_w: f32,
    /// The zones' titles and subnets share a line.
    pub(super) zone_one_line: bool,
    pub(super) zone_h: f32,
    pub(super) hosts: Vec<HostBox>,
    pub(super) lane: Option<LanePlace>,
    pub(super) groups: Vec<Area>,
    /// The groups' title and summary share a line.
    pub(super) groups_one_line: bool,
    /// Each group's title and summary, in lines.
    pub(super) group_texts: Vec<(Vec<String>, Vec<String>)>,
    pub(super) bounds: Option<Area>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct LanePlace {
    pub(super) area: Area,
    pub(super) lines: Vec<String>,
    /// Where its cards or counts start, and how wide they may be.
    pub(super) content: Area,
    pub(super) per_row: usize,
}

pub(super) fn place(loads: &Loads, shape: &Shape, detail: Detail) -> Placement {
    let hw = shape.host_w(detail);
    let busiest_zone = (0..loads.zones)
        .map(|z| loads.hosts.iter().filter(|h| h.zone == z).count())
        .max()
        .unwrap_or(0);
    let cols = shape.host_cols(detail).min(busiest_zone).max(1);
    let zone_w = 2.0 * PAD + cols as f32 * hw + (cols as f32 - 1.0) * HOST_GAP;
    // A zone's title stays over its first column of hosts: the lines come down beside it.
    let zone_one_line = loads.zone_title_w <= hw;
    let zone_header =
        ZONE_TITLE_Y + line(TEXT_TITLE) + if zone_one_line { 0.0 } else { line(TEXT_SMALL) } + 4.0;
    let mut p = Placement {
        zone_w,
        zone_one_line,
        ..Placement::default()
    };
    let mut zone_h: f32 = zone_header + ZONE_BOTTOM;
    let mut i = 0;
    for z in 0..loads.zones {
        let x = z as f32 * (zone_w + ZONE_GAP);
        let mut y = zone_header;
        while i < loads.hosts.len() && loads.hosts[i].zone == z {
            // One row of hosts: as tall as its tallest.
            let row: Vec<usize> = (i..loads.hosts.len())
                .take_while(|&j| loads.hosts[j].zone == z)
                .take(cols)
                .collect();
            let row_h = row
                .iter()
                .map(|&j| loads.hosts[j].height(shape, detail))
                .fold(0.0, f32::max);
            for (col, &j) in row.iter().enumerate() {
                let h = &loads.hosts[j];
                let hx = x + PAD + col as f32 * (hw + HOST_GAP);
                p.hosts.push(HostBox {
                    key: String::new(),
                    area: Area {
                        x: hx,
                        y,
                        w: hw,
                        h: h.height(shape, detail),
                    },
                    channel_x: if col == 0 {
                        x + PAD / 2.0
                    } else {
                        hx - HOST_GAP / 2.0
                    },
                    counts_y: y + h.content_dy(detail) + STATE_BAR_H / 2.0,
                });
            }
            i += row.len();
            y += row_h + HOST_GAP;
        }
        zone_h = zone_h.max(y - HOST_GAP + ZONE_BOTTOM);
    }
    p.zone_h = zone_h;
    let zones_w = (loads.zones as f32 * (zone_w + ZONE_GAP) - ZONE_GAP).max(zone_w);
    let mut bounds = (loads.zones > 0).then_some(Area {
        x: 0.0,
        y: 0.0,
        w: zones_w,
        h: zone_h,
    });
    if let Some(lane) = &loads.waiting {
        // Below the zones or beside them, whichever shows the whole larger.
        let below = place_lane(lane, detail, hw, zones_w, zone_h, false);
        let beside = place_lane(lane, detail, hw, zones_w, zone_h, true);
        let fits = |l: &LanePlace| {
            let b = bounds.map_or(l.area, |b| b.union(&l.area));
            fit_scale(b, shape.viewport)
        };
        let lane = if fits(&beside) < fits(&below) {
            beside
        } else {
            below
        };
        bounds = Some(bounds.map_or(lane.area, |b| b.union(&lane.area)));
        p.lane = Some(lane);
    }
    // Target groups (or Services) in a row above, centred: title and summary on one line when
    // they all fit so, else on two, else wrapped into boxes that share the width.
    let width = bounds.map_or(zones_w, |b| b.w);
    let row_w = |w: &dyn Fn(&GroupLoad) -> f32| {
        loads.groups.iter().map(|g| w(g) + ZONE_GAP).sum::<f32>() - ZONE_GAP
    };
    p.groups_one_line = row_w(&|g| g.one_line) <= width;
    let whole = |g: &GroupLoad| (vec![g.title.clone()], vec![g.summary.clone()]);
    let widths: Vec<f32> = if p.groups_one_line {
        p.group_texts = loads.groups.iter().map(whole).collect();
        loads.groups.iter().map(|g| g.one_line).collect()
    } else if row_w(&|g| g.two_lines) <= width {
        p.group_texts = loads.groups.iter().map(whole).collect();
        loads.groups.iter().map(|g| g.two_lines).collect()
    } else {
        let n = loads.groups.len() as f32;
        let each = ((width - (n - 1.0) * ZONE_GAP) / n).max(GROUP_MIN_W);
        let text_w = each - 2.0 * PAD - 2.0;
        p.group_texts = loads
            .groups
            .iter()
            .map(|g| {
                (
                    wrap_phrases(&g.title, TEXT_GROUP, text_w),
                    wrap_phrases(&g.summary, TEXT_NAME, text_w),
                )
            })
            .collect();
        p.group_texts
            .iter()
            .map(|(t, s)| {
                let widest = |lines: &[String], size: f32| {
                    lines
                        .iter()
                        .map(|l| text_width(l, size))
                        .fold(0.0, f32::max)
                };
                widest(t, TEXT_GROUP).max(widest(s, TEXT_NAME)) + 2.0 * PAD + 2.0
            })
            .collect()
    };
    let group_h = if p.groups_one_line {
        PAD + line(TEXT_GROUP)
    } else {
        PAD + p
            .group_texts
            .iter()
            .map(|(t, s)| t.len() as f32 * line(TEXT_GROUP) + s.len() as f32 * line(TEXT_NAME))
            .fold(0.0, f32::max)
    };
    // One row: a line from a box in an upper row would cross the boxes below it.
    let total: f32 = widths.iter().map(|w| w + ZONE_GAP).sum::<f32>() - ZONE_GAP;
    let mut x = ((width - total) / 2.0).max(0.0);
    for w in widths {
        let area = Area {
            x,
            y: -GROUP_GAP_Y - group_h,
            w,
            h: group_h,
        };
        bounds = Some(bounds.map_or(area, |b| b.union(&area)));
        p.groups.push(area);
        x += w + ZONE_GAP;
    }
    p.bounds = bounds;
    p
}

/// The waiting area below the zones (as wide as they are), or beside them (as wide as a host).
pub(super) fn place_lane(
    lane: &LaneLoad,
    detail: Detail,
    host_w: f32,
    zones_w: f32,
    zone_h: f32,
    beside: bool,
) -> LanePlace {
    let (x, y, w) = if beside {
        (zones_w + ZONE_GAP, 0.0, host_w)
    } else {
        (0.0, zone_h + ZONE_GAP, zones_w)
    };
    let pad = if detail == Detail::Tiles {
        TILE_PAD
    } else {
        PAD
    };
    let lines = lane_lines(&lane.texts, w - 2.0 * pad, detail);
    let header = pad / 2.0 + lines.len() as f32 * line(LANE_TEXT) + GAP;
    let per_row = lane_per_row(w);
    let content_h = match detail {
        Detail::Cards => lane.cards.div_ceil(per_row).max(1) as f32 * (CARD_H + GAP) - GAP,
        Detail::Counts => counts_h(lane.count_lines, detail),
        Detail::Tiles => counts_h(lane.tile_count_lines, detail),
    };
    let text_w = if detail == Detail::Tiles {
        TILE_TEXT_W
    } else {
        HOST_TEXT_W
    };
    let mut area = Area {
        x,
        y,
        w,
        h: header + content_h + pad,
    };
    if beside {
        area.h = area.h.max(zone_h);
    }
    LanePlace {
        area,
        lines,
        content: Area {
            x: x + pad,
            y: y + header,
            w: text_w.min(w - 2.0 * pad),
            h: content_h,
        },
        per_row,
    }
}

pub(super) fn lane_per_row(width: f32) -> usize {
    ((width - 2.0 * PAD + GAP) / (CARD_W + GAP))
        .floor()
        .max(1.0) as usize
}
