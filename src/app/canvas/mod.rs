//! The cluster canvas. The world is read into a [`model::Model`] (`layout_ecs`, `layout_eks`)
//! and placed by a pure layout (`layout`) into a [`scene::Scene`] every frame, with cards or,
//! zoomed out, counts (`view`); `sync` mirrors it into Bevy 2D entities (cards only for the
//! part on screen) and `links` draws the target-group and Service lines. Runs without a
//! window (everything with cards, no lines).

pub mod card_state;
pub mod credential_path;
pub mod layout;
pub mod layout_both;
pub mod layout_ecs;
pub mod layout_eks;
pub mod layout_traffic;
pub mod layout_volumes;
pub mod legibility;
pub mod links;
pub mod model;
pub mod palette;
pub mod place;
pub mod run_shape;
pub mod scene;
pub mod sync;
pub mod text_width;
pub mod view;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins(sync::plugin);
}
