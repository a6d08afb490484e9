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

/// The digest of the image `name` names: `repository:tag`, `repository@sha256:…`, a digest
/// (or its first characters, `sha256:…`), or a tag that only one repository has. The
/// repository is its name or its URI.
pub fn find_image(world: &orca_sim::World, name: &str) -> Option<String> {
    let repos = orca_sim::ecr::read::repositories(world);
    let in_repo =
        |r: &orca_sim::ecr::read::RepositoryRow, repo: &str| r.name == repo || r.uri == repo;
    let mut found: Vec<&str> = if let Some((repo, digest)) = name.split_once('@') {
        repos
            .iter()
            .filter(|r| in_repo(r, repo))
            .flat_map(|r| &r.images)
            .filter(|i| i.digest.starts_with(digest))
            .map(|i| i.digest.as_str())
            .collect()
    } else if name.starts_with("sha256:") {
        repos
            .iter()
            .flat_map(|r| &r.images)
            .filter(|i| i.digest.starts_with(name))
            .map(|i| i.digest.as_str())
            .collect()
    } else {
        let (repo, tag) = name
            .rsplit_once(':')
            .map_or((None, name), |(r, t)| (Some(r), t));
        repos
            .iter()
            .filter(|r| repo.is_none_or(|n| in_repo(r, n)))
            .flat_map(|r| &r.images)
            .filter(|i| i.tags.iter().any(|t| t == tag))
            .map(|i| i.digest.as_str())
            .collect()
    };
    found.dedup();
    // A name that fits several images names none of them.
    match found.as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn world_at(name: &str, secs: u64) -> orca_sim::Playback {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.ron"));
        let src = std::fs::read_to_string(&path).expect("readable");
        let s = orca_sim::scenario::parse(&format!("{name}.ron"), &src).expect("parses");
        let mut p = orca_sim::Playback::new(std::sync::Arc::new(s));
        p.seek(orca_sim::SimTime::from_secs(secs));
        p
    }

    #[test]
    fn an_image_is_found_by_tag_digest_or_repository_and_its_users_listed() {
        let pb = world_at("ecr-continuous-scanning", 60);
        let world = pb.world();
        let repos = orca_sim::ecr::read::repositories(world);
        let repo = &repos[0];
        let image = repo
            .images
            .iter()
            .find(|i| !i.tags.is_empty() && (!i.tasks.is_empty() || !i.pods.is_empty()))
            .expect("a tagged image in use");
        let tag = &image.tags[0];
        let d = Some(image.digest.clone());
        assert_eq!(find_image(world, &format!("{}:{tag}", repo.name)), d);
        assert_eq!(find_image(world, &format!("{}:{tag}", repo.uri)), d);
        assert_eq!(
            find_image(world, &format!("{}@{}", repo.name, image.digest)),
            d
        );
        assert_eq!(find_image(world, &image.digest[..20]), d);
        assert_eq!(
            find_image(world, &format!("{}:no-such-tag", repo.name)),
            None
        );
        assert_eq!(find_image(world, "no-such-repo:latest"), None);
        // Its users are the live tasks and pods the registry's read model names.
        let users = users_of(world, &image.digest);
        assert_eq!(users.len(), image.tasks.len() + image.pods.len());
        assert!(!users.is_empty());
    }
}
