//! What the canvas camera shows, as the canvas needs to know it: the size of the canvas area
//! (the layout's shape follows it), the part of the layout on screen (only its cards get
//! entities) and the detail (cards, or counts when cards would be too small to read). The
//! camera keeps it; without a window there is none, and everything is drawn with cards.

use bevy::prelude::*;

use super::scene::{Area, Detail, FitBounds, TEXT_SMALL};

/// Text on the canvas is read at this size on screen or larger.
pub const MIN_TEXT_PX: f32 = 14.0;
/// The most layout units per screen pixel at which the canvas's smallest text is still
/// [`MIN_TEXT_PX`] tall: cards are shown only up to this zoom.
pub const LEGIBLE_SCALE: f32 = TEXT_SMALL / MIN_TEXT_PX;
/// Space around the scene when it is fitted, in logical pixels.
pub const FIT_MARGIN: f32 = 10.0;
/// A small cluster is magnified at most this much when fitted (text would look blown up).
pub const MAX_MAGNIFY: f32 = 1.6;
/// The canvas area assumed without a window: the presentation layout of a 1280×720 screen.
pub const DEFAULT_VIEWPORT: Vec2 = Vec2::new(1280.0, 616.0);

#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct CanvasView {
    /// The canvas area in logical pixels.
    pub viewport: Option<Vec2>,
    /// The part of the layout on screen, with a margin; None draws everything.
    pub visible: Option<Area>,
    pub detail: Detail,
}

/// Layout units per pixel that show `bounds` whole in `viewport`, with [`FIT_MARGIN`] around
/// it, or less margin when that keeps the text legible.
pub fn fit_scale(bounds: Area, viewport: Vec2) -> f32 {
    let v = viewport.max(Vec2::splat(1.0));
    let scale =
        |margin: f32| ((bounds.w + 2.0 * margin) / v.x).max((bounds.h + 2.0 * margin) / v.y);
    let with_margin = scale(FIT_MARGIN);
    if with_margin > LEGIBLE_SCALE && scale(0.0) <= LEGIBLE_SCALE {
        LEGIBLE_SCALE
    } else {
        with_margin
    }
}

/// How the camera fits a scene: the most detailed level that is legible whole; if none is, the
/// least detailed one at the legible scale, centred, its edges a pan away (text smaller than
/// [`MIN_TEXT_PX`] is never the answer). Returns the area it centres on and its scale (layout
/// units per pixel).
pub fn fit(bounds: &FitBounds, viewport: Vec2) -> Option<(Detail, Area, f32)> {
    let fits: Vec<(Detail, Area, f32)> = Detail::ALL
        .iter()
        .filter_map(|&d| {
            let b = bounds.of(d)?;
            Some((d, b, fit_scale(b, viewport).max(1.0 / MAX_MAGNIFY)))
        })
        .collect();
    fits.iter()
        .find(|(_, _, s)| *s <= LEGIBLE_SCALE)
        .copied()
        .or_else(|| fits.last().map(|&(d, b, s)| (d, b, s.min(LEGIBLE_SCALE))))
}

/// The layout rectangle a camera at `center` (Bevy world space, y up) and `scale` shows in
/// `viewport`, grown by half its size on each side so panning does not reveal empty space.
pub fn visible_area(center: Vec2, scale: f32, viewport: Vec2) -> Area {
    let half = viewport * scale;
    Area {
        x: center.x - half.x,
        y: -center.y - half.y,
        w: 2.0 * half.x,
        h: 2.0 * half.y,
    }
}
