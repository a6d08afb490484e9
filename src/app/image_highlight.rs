//! The registry panel's selected image (`RegistryView`) and its mark on the canvas: an
//! outline around every task and pod running it (with counts instead of cards, their hosts),
//! from `orca_sim::ecr::read` (who uses an image is the core's answer).

use bevy::prelude::*;

use crate::app::AppSystems;
use crate::app::camera::fit_camera;
use crate::app::canvas::palette::{IMAGE_HIGHLIGHT, paint};
use crate::app::canvas::sync::{Canvas, CardAnim};
use crate::app::highlights::{Target, boxes_of, card_of_id};
use crate::app::player::Player;

/// What the registry panel has selected: an image, by digest.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct RegistryView {
    pub image: Option<String>,
}

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<RegistryView>().add_systems(
        Update,
        draw_image_users.in_set(AppSystems::View).after(fit_camera),
    );
}

fn draw_image_users(
    view: Res<RegistryView>,
    player: Res<Player>,
    canvas: Res<Canvas>,
    cards: Query<&CardAnim>,
    ui_state: Res<crate::app::ui_state::UiState>,
    mut gizmos: Gizmos,
) {
    let Some(digest) = &view.image else { return };
    let world = player.playback.world();
    let users = users_of(world, digest);
    let keys = users
        .iter()
        .filter_map(|id| card_of_id(world, id))
        .collect();
    for (c, size) in boxes_of(&canvas, &cards, &Target::Cards(keys)) {
        gizmos.rect_2d(
            Isometry2d::from_translation(c),
            size + Vec2::splat(14.0),
            paint(ui_state.theme, IMAGE_HIGHLIGHT),
        );
    }
}

/// The task ids and pod names running the image with this digest.
pub fn users_of(world: &orca_sim::World, digest: &str) -> Vec<String> {
    orca_sim::ecr::read::repositories(world)
        .into_iter()
        .flat_map(|r| r.images)
        .filter(|i| i.digest == digest)
        .flat_map(|i| i.tasks.into_iter().chain(i.pods))
        .collect()
}
