//! The shape of the canvas for a whole run: the canvas's loads sampled through the run
//! ([`RunStats`]) and the arrangement that shows its busiest moments largest on a canvas of a
//! given size ([`choose_shape`]), so the canvas keeps its shape while the scenario plays.

use bevy::prelude::*;
use orca_sim::{Playback, SimTime};

use super::layout::model;
use super::place::{Loads, Shape, place};
use super::scene::Detail;
use super::view::fit_scale;

/// The canvas's loads at moments through a run, so the shape can be chosen once for the whole
/// run (the busiest moments, at most [`RunStats::KEEP`] of them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunStats {
    pub samples: Vec<Loads>,
}

impl RunStats {
    const KEEP: usize = 64;

    /// Sample a run about 120 times. Leaves `playback` at the start.
    pub fn of_run(playback: &mut Playback) -> RunStats {
        Self::of_run_with_progress(playback, &|_| {})
    }

    /// [`RunStats::of_run`], telling `progress` how far it got (0 to 1).
    pub fn of_run_with_progress(playback: &mut Playback, progress: &dyn Fn(f64)) -> RunStats {
        let end = playback.end().millis();
        let step = (end / 120).max(5_000);
        let mut samples: Vec<Loads> = Vec::new();
        let mut t = 0;
        while t <= end {
            playback.seek(SimTime(t));
            let loads = Loads::of(&model(playback.world()));
            if !samples.contains(&loads) {
                samples.push(loads);
            }
            progress(t as f64 / end.max(1) as f64);
            t += step;
        }
        playback.seek(SimTime::ZERO);
        progress(1.0);
        let weight = |l: &Loads| {
            l.hosts.iter().map(|h| h.cards + 4).sum::<usize>()
                + l.waiting.as_ref().map_or(0, |w| w.cards + 4)
        };
        samples.sort_by_key(|l| std::cmp::Reverse(weight(l)));
        samples.truncate(Self::KEEP);
        RunStats { samples }
    }
}

/// The shape that shows the run's busiest moments largest on a canvas of `viewport` logical
/// pixels: at each level of detail, the arrangement whose worst fitted zoom over the samples
/// is the least zoomed out.
pub fn choose_shape(stats: &RunStats, viewport: Vec2) -> Shape {
    let most_hosts = stats
        .samples
        .iter()
        .flat_map(|l| (0..l.zones).map(move |z| l.hosts.iter().filter(|h| h.zone == z).count()))
        .max()
        .unwrap_or(1)
        .clamp(1, 12);
    let most_cards = stats
        .samples
        .iter()
        .flat_map(|l| l.hosts.iter().map(|h| h.cards))
        .max()
        .unwrap_or(1)
        .max(1);
    let worst = |shape: &Shape, detail: Detail| -> f32 {
        stats
            .samples
            .iter()
            .filter_map(|l| place(l, shape, detail).bounds)
            .map(|b| fit_scale(b, viewport))
            .fold(0.0, f32::max)
    };
    let card_cols: Vec<usize> = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24, 32, 48, 64]
        .into_iter()
        .filter(|&c| c == 1 || c <= most_cards)
        .collect();
    let mut shape = Shape {
        viewport,
        ..Shape::default()
    };
    for detail in Detail::ALL {
        let mut best = f32::INFINITY;
        let cols: &[usize] = if detail == Detail::Cards {
            &card_cols
        } else {
            &[shape.card_cols]
        };
        for k in 1..=most_hosts {
            for &c in cols {
                let mut candidate = shape;
                candidate.card_cols = c;
                candidate.host_cols[detail.index()] = k;
                let s = worst(&candidate, detail);
                if s < best - 1e-4 {
                    best = s;
                    shape = candidate;
                }
            }
        }
    }
    shape
}
