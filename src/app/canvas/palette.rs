//! The canvas's colours (the card states have theirs in `card_state`).

use bevy::prelude::*;

use crate::settings::Theme;

/// Stripe colours: the new (PRIMARY) revision and older ones.
pub const NEW_REVISION: Color = Color::srgb(0.35, 0.88, 0.98);
pub const OLD_REVISION: Color = Color::srgb(0.80, 0.55, 1.0);
/// The stripe of a standalone task (`run-task`), which belongs to no service and no revision.
pub const STANDALONE: Color = Color::srgb(0.93, 0.93, 0.90);
pub const CANVAS_BG: Color = Color::srgb(0.07, 0.08, 0.11);
pub(super) const ZONE_BG: Color = Color::srgb(0.11, 0.13, 0.17);
pub(super) const ZONE_OUT_BG: Color = Color::srgb(0.22, 0.09, 0.09);
pub(super) const INSTANCE_BG: Color = Color::srgb(0.17, 0.19, 0.25);
/// An instance an Auto Scaling group launched, before its agent registers it.
pub const INSTANCE_BOOTING_BG: Color = Color::srgb(0.14, 0.2, 0.3);
pub const INSTANCE_GONE_BG: Color = Color::srgb(0.2, 0.13, 0.14);
pub(super) const LANE_BG: Color = Color::srgb(0.14, 0.16, 0.22);
pub(super) const TG_BG: Color = Color::srgb(0.20, 0.17, 0.30);
pub(super) const BAR_BG: Color = Color::srgb(0.10, 0.11, 0.14);
pub(super) const BAR_CPU: Color = Color::srgb(0.25, 0.55, 0.85);
pub(super) const BAR_MEM: Color = Color::srgb(0.55, 0.40, 0.85);
pub(super) const BAR_PODS: Color = Color::srgb(0.35, 0.6, 0.5);
/// The shared part of the lines from a target group or Service down to its targets.
pub(super) const LINK_TRUNK: Color = Color::srgb(0.58, 0.52, 0.80);
/// The rule between a side-by-side world's ECS and EKS parts.
pub(super) const PART_RULE: Color = Color::srgb(0.55, 0.58, 0.66);
/// The outline of what a quiz is about.
pub const HIGHLIGHT: Color = Color::srgb(1.0, 0.90, 0.20);
/// The outline of the selection.
pub const SELECTION: Color = Color::WHITE;
pub(super) const TEXT: Color = Color::srgb(0.92, 0.93, 0.95);
pub(super) const TEXT_DIM: Color = Color::srgb(0.68, 0.71, 0.77);

/// A colour of the dark palette (the one every layout and panel is written in) as the theme
/// paints it. The light theme turns each colour's lightness around (dark boxes become light,
/// light text dark) keeping its hue and saturation, then makes sure of the contrast: what
/// turned dark (text, lines, markers) is darkened until it reads on white at 5.5:1 or more,
/// what turned light (boxes, card fills) is lightened until black text reads on it at 5:1.
/// Boxes that hold text go through [`paint_fill`].
/// One rule, so every colour, including ones added later, has its light counterpart.
pub fn paint(theme: Theme, c: Color) -> Color {
    match theme {
        Theme::Dark => c,
        Theme::Light => {
            let hsla = Hsla::from(c);
            let l = 1.0 - hsla.lightness;
            if l < 0.5 {
                darken_to(
                    Hsla {
                        lightness: l,
                        ..hsla
                    },
                    5.5,
                )
            } else {
                lighten_to(
                    Hsla {
                        lightness: l,
                        ..hsla
                    },
                    5.0,
                )
            }
        }
    }
}

/// A box of the canvas big enough to hold text (a host, a bar, a group) as the theme paints
/// it: in the light theme always light enough for black text at 5:1, whatever its lightness
/// was (the dark theme's bars are mid-tones under white text).
pub fn paint_fill(theme: Theme, c: Color) -> Color {
    match theme {
        Theme::Dark => c,
        Theme::Light => {
            let hsla = Hsla::from(c);
            let l = (1.0 - hsla.lightness).max(hsla.lightness);
            lighten_to(
                Hsla {
                    lightness: l,
                    ..hsla
                },
                5.0,
            )
        }
    }
}

/// Darker until it reads on white at `ratio` (at most 50 steps; black always passes).
fn darken_to(mut c: Hsla, ratio: f32) -> Color {
    while contrast(Color::Hsla(c), Color::WHITE) < ratio && c.lightness > 0.0 {
        c.lightness = (c.lightness - 0.02).max(0.0);
    }
    Color::Hsla(c)
}

/// Lighter until black reads on it at `ratio` (at most 50 steps; white always passes).
fn lighten_to(mut c: Hsla, ratio: f32) -> Color {
    while contrast(Color::Hsla(c), Color::BLACK) < ratio && c.lightness < 1.0 {
        c.lightness = (c.lightness + 0.02).min(1.0);
    }
    Color::Hsla(c)
}

/// WCAG's contrast ratio of two opaque colours (1 to 21).
pub fn contrast(a: Color, b: Color) -> f32 {
    let lum = |c: Color| {
        let l = LinearRgba::from(c);
        0.2126 * l.red + 0.7152 * l.green + 0.0722 * l.blue
    };
    let (x, y) = (lum(a), lum(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

// Storage (EBS volumes and EFS mount targets, `layout_volumes`).
/// An EBS volume's box in its zone.
pub const EBS_BG: Color = Color::srgb(0.15, 0.21, 0.20);
/// An EBS volume a pod cannot have (Multi-Attach).
pub const EBS_BLOCKED_BG: Color = Color::srgb(0.25, 0.14, 0.12);
/// A zone's EFS mount target.
pub const EFS_MOUNT_BG: Color = Color::srgb(0.13, 0.19, 0.22);
/// A zone without an EFS mount target.
pub const EFS_NO_MOUNT_BG: Color = Color::srgb(0.22, 0.12, 0.12);
// The credential path overlay (`credential_path.rs`).
/// The workload's own role: task role, IRSA, Pod Identity.
pub(super) const CRED_SCOPED: Color = Color::srgb(0.35, 0.88, 0.62);
/// The fallback to the instance or node role through instance metadata.
pub const CRED_FALLBACK: Color = Color::srgb(1.0, 0.72, 0.25);
/// No credentials, or STS refused the token.
pub(super) const CRED_BROKEN: Color = Color::srgb(1.0, 0.42, 0.42);
pub(super) const CRED_BOX_BG: Color = Color::srgba(0.05, 0.06, 0.09, 0.94);
// The registry panel's selected image: the outline around the tasks and pods running it.
pub const IMAGE_HIGHLIGHT: Color = Color::srgb(0.95, 0.55, 0.95);

// Blue/green traffic (`layout_traffic`): the bands from the listeners to each target group.
pub const TRAFFIC_PRODUCTION: Color = Color::srgb(0.45, 0.80, 0.95);
pub const TRAFFIC_TEST: Color = Color::srgb(0.75, 0.70, 0.95);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::canvas::card_state::CardState;

    const BACKGROUNDS: [Color; 6] = [
        CANVAS_BG,
        ZONE_BG,
        INSTANCE_BG,
        INSTANCE_BOOTING_BG,
        LANE_BG,
        TG_BG,
    ];

    #[test]
    fn the_light_theme_keeps_text_readable_at_high_contrast() {
        let text = paint(Theme::Light, TEXT);
        let dim = paint(Theme::Light, TEXT_DIM);
        for bg in BACKGROUNDS {
            let bg = paint(Theme::Light, bg);
            // WCAG AAA for normal text is 7:1; dimmed text keeps AA's 4.5:1.
            assert!(contrast(text, bg) >= 7.0, "{bg:?}: {}", contrast(text, bg));
            assert!(contrast(dim, bg) >= 4.5, "{bg:?}: {}", contrast(dim, bg));
        }
        for bar in [BAR_CPU, BAR_MEM, BAR_PODS, BAR_BG, TG_BG] {
            let fill = paint_fill(Theme::Light, bar);
            assert!(
                contrast(text, fill) >= 4.5,
                "{bar:?}: {}",
                contrast(text, fill)
            );
        }
        for s in CardState::ALL {
            let fill = paint(Theme::Light, s.color());
            assert!(
                contrast(text, fill) >= 4.5,
                "{s:?}: {}",
                contrast(text, fill)
            );
        }
    }

    #[test]
    fn the_light_theme_turns_backgrounds_light_and_text_dark() {
        let bg = Hsla::from(paint(Theme::Light, CANVAS_BG));
        let text = Hsla::from(paint(Theme::Light, TEXT));
        assert!(
            bg.lightness > 0.85 && text.lightness < 0.1,
            "{bg:?} {text:?}"
        );
        // Boxes inside boxes stay apart: canvas, zone, instance get darker in that order.
        let l = |c| Hsla::from(paint(Theme::Light, c)).lightness;
        assert!(l(CANVAS_BG) > l(ZONE_BG) && l(ZONE_BG) > l(INSTANCE_BG));
        assert_eq!(paint(Theme::Dark, TEXT), TEXT);
    }
}
