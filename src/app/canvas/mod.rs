//! The cluster canvas. A pure layout of the world (`layout`, `layout_ecs`, `layout_eks`) gives
//! a [`scene::Scene`] every frame; `sync` mirrors it into Bevy 2D entities keyed by object and
//! `links` draws the target-group and Service lines. Runs without a window.

pub mod card_state;
pub mod layout;
pub mod layout_ecs;
pub mod layout_eks;
pub mod links;
pub mod palette;
pub mod scene;
pub mod sync;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((sync::plugin, links::plugin));
}
