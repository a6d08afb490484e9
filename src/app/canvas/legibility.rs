//! The canvas read from the back of a room: every built-in scenario, at every moment (each
//! 10 s and each quiz), in both layouts of a 1280×720 screen, fitted as the camera fits it.
//! Every text on the canvas, cards included, is at least [`MIN_TEXT_PX`] pixels tall on
//! screen; no text leaves its box or overlaps another text or a card; no target-group line
//! crosses a text or a card.

use super::scene::{Area, CARD_W, Detail, GAP, LinkEnd, PAD, Prim, Scene, TEXT_CARD};
use super::sync::{card_label, card_text};
use super::text_width::text_width;
use super::view::MIN_TEXT_PX;
use bevy::prelude::*;

/// The canvas area of a 1280×720 window, in logical pixels, as the camera measures it (logged
/// at debug level): the normal layout with the side panel and the event log, with a quiz panel
/// instead of the side panel, and the presentation layout (P) without and with a quiz.
pub const VIEWPORTS_1280X720: [(&str, Vec2); 4] = [
    ("normal", Vec2::new(920.0, 426.0)),
    ("normal, quiz", Vec2::new(860.0, 426.0)),
    ("presenting", Vec2::new(1280.0, 616.0)),
    ("presenting, quiz", Vec2::new(860.0, 616.0)),
];

/// Line height Bevy gives a text, as a multiple of its size.
const TEXT_LINE: f32 = 1.2;

/// What is wrong with a fitted scene, if anything: one line per problem.
pub fn problems(scene: &Scene, scale: f32, world: &orca_sim::World) -> Vec<String> {
    let mut out = Vec::new();
    let px = |size: f32| size / scale;
    let mut texts: Vec<(&str, Area)> = Vec::new();
    for (key, prim) in &scene.prims {
        let Prim::Text { at, text, size, .. } = prim else {
            continue;
        };
        if px(*size) < MIN_TEXT_PX - 0.01 {
            out.push(format!("{key} {text:?} is {:.1} px", px(*size)));
        }
        let area = Area {
            x: at.x,
            y: at.y,
            w: text_width(text, *size),
            h: size * TEXT_LINE,
        };
        match owner(scene, key) {
            Some(o) if inside(&o, &area) => {}
            Some(o) => out.push(format!("{key} {text:?} {area:?} leaves its box {o:?}")),
            None => out.push(format!("{key} has no box")),
        }
        texts.push((key, area));
    }
    for (i, (k1, a1)) in texts.iter().enumerate() {
        for (k2, a2) in &texts[i + 1..] {
            if a1.intersects(a2) {
                out.push(format!("{k1} overlaps {k2}"));
            }
        }
    }
    if scene.detail == Detail::Cards {
        if px(TEXT_CARD) < MIN_TEXT_PX - 0.01 {
            out.push(format!("card text is {:.1} px", px(TEXT_CARD)));
        }
        for card in &scene.cards {
            let text = card_text(world, card.key, &card_label(world, card));
            let w = text
                .lines()
                .map(|l| text_width(l, TEXT_CARD))
                .fold(0.0, f32::max);
            if w > CARD_W - 14.0 - 2.0 {
                out.push(format!("card {:?} text {text:?} is {w:.0} wide", card.key));
            }
            for (k, a) in &texts {
                if a.intersects(&card.area) {
                    out.push(format!("{k} overlaps card {:?}", card.key));
                }
            }
        }
    }
    // Lines: each segment, as the links draw them (see `links`), against texts and cards.
    for (a, b) in link_segments(scene) {
        for (k, t) in &texts {
            if segment_hits(a, b, t) {
                out.push(format!("a line {a:?}→{b:?} crosses {k}"));
            }
        }
        if scene.detail == Detail::Cards {
            for card in &scene.cards {
                let inner = Area {
                    y: card.area.y + 1.0,
                    h: card.area.h - 1.0,
                    ..card.area
                };
                if segment_hits(a, b, &inner) {
                    out.push(format!("a line {a:?}→{b:?} crosses card {:?}", card.key));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The box a text belongs to: the rectangle keyed like the text without its last part (or
/// that part's background).
fn owner(scene: &Scene, key: &str) -> Option<Area> {
    let (parent, _) = key.rsplit_once('/')?;
    let bg = format!("{parent}/bg");
    scene.prims.iter().find_map(|(k, p)| match p {
        Prim::Rect { area, .. } if k == parent || *k == bg => Some(*area),
        _ => None,
    })
}

fn inside(outer: &Area, inner: &Area) -> bool {
    const SLACK: f32 = 1.0;
    inner.x >= outer.x - SLACK
        && inner.y >= outer.y - SLACK
        && inner.x + inner.w <= outer.x + outer.w + SLACK
        && inner.y + inner.h <= outer.y + outer.h + SLACK
}

/// The segments of the target-group lines at rest, in layout space (y down).
fn link_segments(scene: &Scene) -> Vec<(Vec2, Vec2)> {
    let mut out = Vec::new();
    for link in &scene.links {
        let (host, turn_y, end) = match link.to {
            LinkEnd::Card(c) => {
                let card = &scene.cards[c];
                let Some(h) = card.host else { continue };
                let y = card.area.y - GAP / 2.0;
                (h, y, Vec2::new(card.area.x + CARD_W / 2.0, y))
            }
            LinkEnd::Host(h) => {
                let host = &scene.hosts[h];
                (
                    h,
                    host.counts_y,
                    Vec2::new(host.area.x + PAD - 2.0, host.counts_y),
                )
            }
        };
        let host = &scene.hosts[host];
        let g = &scene.groups[link.group];
        let x = host.channel_x;
        out.push((Vec2::new(g.x + g.w / 2.0, g.y + g.h), Vec2::new(x, 0.0)));
        out.push((Vec2::new(x, 0.0), Vec2::new(x, turn_y)));
        out.push((Vec2::new(x, turn_y), end));
        if let LinkEnd::Card(c) = link.to {
            // The drop ends on the card's top edge.
            out.push((end, Vec2::new(end.x, scene.cards[c].area.y - 2.0)));
        }
    }
    out.sort_by(|a, b| {
        (a.0.x, a.0.y, a.1.x, a.1.y)
            .partial_cmp(&(b.0.x, b.0.y, b.1.x, b.1.y))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out.dedup();
    out
}

/// Whether the segment a→b (3 units wide) passes through the rectangle.
fn segment_hits(a: Vec2, b: Vec2, r: &Area) -> bool {
    const HALF: f32 = 1.5;
    let steps = ((b - a).length() / 2.0).ceil().max(1.0) as usize;
    (0..=steps).any(|i| {
        let p = a + (b - a) * (i as f32 / steps as f32);
        p.x > r.x - HALF && p.x < r.x + r.w + HALF && p.y > r.y - HALF && p.y < r.y + r.h + HALF
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use orca_sim::{Playback, SimTime};

    use super::super::layout::{arrange, model};
    use super::super::run_shape::{RunStats, choose_shape};
    use super::super::view::fit;
    use super::*;

    fn scenarios() -> Vec<(String, Arc<orca_sim::Scenario>)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("scenarios folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "ron"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| {
                let name = p.file_stem().unwrap().to_string_lossy().to_string();
                let src = std::fs::read_to_string(&p).expect("readable");
                let s = orca_sim::scenario::parse(&format!("{name}.ron"), &src)
                    .unwrap_or_else(|e| panic!("{e}"));
                (name, Arc::new(s))
            })
            .collect()
    }

    #[test]
    fn every_built_in_scenario_is_legible_at_1280x720_in_both_layouts() {
        let mut failures = Vec::new();
        for (name, scenario) in scenarios() {
            let mut playback = Playback::new(scenario);
            let stats = RunStats::of_run(&mut playback);
            let shapes = VIEWPORTS_1280X720.map(|(_, v)| choose_shape(&stats, v));
            let mut moments: Vec<u64> = (0..=playback.end().millis()).step_by(10_000).collect();
            moments.extend(
                playback
                    .quiz_moments()
                    .iter()
                    .map(|m| m.pause_at().millis()),
            );
            moments.sort_unstable();
            moments.dedup();
            let mut worst: Vec<(f32, String)> = Vec::new();
            for t in moments {
                playback.seek(SimTime(t));
                let world = playback.world();
                let m = model(world);
                for ((layout, viewport), shape) in VIEWPORTS_1280X720.iter().zip(shapes) {
                    let cards = arrange(&m, shape, Detail::Cards);
                    let (detail, _, scale) = fit(&cards.fit, *viewport).expect("a scene");
                    let scene = arrange(&m, shape, detail);
                    let found = problems(&scene, scale, world);
                    worst.push((scale, format!("{detail:?}")));
                    if !found.is_empty() {
                        failures.push(format!(
                            "{name} at {} ({layout}, {detail:?}, {:.0} % zoom, {:?}): {} problems: {}",
                            SimTime(t),
                            100.0 / scale,
                            scene.bounds.map(|b| (b.w as i32, b.h as i32)),
                            found.len(),
                            found[..found.len().min(3)].join("; ")
                        ));
                    }
                }
            }
            let max = worst.iter().map(|w| w.0).fold(0.0, f32::max);
            let levels: std::collections::BTreeSet<&String> = worst.iter().map(|w| &w.1).collect();
            println!(
                "{name}: most zoomed out {:.0} %, levels {levels:?}, shapes {shapes:?}",
                100.0 / max
            );
        }
        for f in &failures {
            println!("{f}");
        }
        let shown = failures.len().min(40);
        assert!(
            failures.is_empty(),
            "{} problems, first {shown}:\n{}",
            failures.len(),
            failures[..shown].join("\n")
        );
    }
}
