//! The canvas's colours (the card states have theirs in `card_state`).

use bevy::prelude::*;

/// Stripe colours: the new (PRIMARY) revision and older ones.
pub const NEW_REVISION: Color = Color::srgb(0.35, 0.88, 0.98);
pub const OLD_REVISION: Color = Color::srgb(0.80, 0.55, 1.0);
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
pub(super) const TEXT: Color = Color::srgb(0.92, 0.93, 0.95);
pub(super) const TEXT_DIM: Color = Color::srgb(0.68, 0.71, 0.77);

// The registry panel's selected image: the outline around the tasks and pods running it.
pub const IMAGE_HIGHLIGHT: Color = Color::srgb(0.95, 0.55, 0.95);

// Blue/green traffic (`layout_traffic`): the bands from the listeners to each target group.
pub const TRAFFIC_PRODUCTION: Color = Color::srgb(0.45, 0.80, 0.95);
pub const TRAFFIC_TEST: Color = Color::srgb(0.75, 0.70, 0.95);
