//! F12 saves a picture of the window as `orca-<scenario>-<mm-ss>.png` in the working directory.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};

use crate::app::player::Player;
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Last, save_screenshot);
}

fn save_screenshot(mut commands: Commands, mut ui: ResMut<UiState>, player: Res<Player>) {
    if !ui.screenshot_requested {
        return;
    }
    ui.screenshot_requested = false;
    // "Challenge (EKS): a bad image" → "challenge-eks-a-bad-image": one dash per gap.
    let mut stem = String::new();
    for c in player.scenario().title.chars() {
        if c.is_ascii_alphanumeric() {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.ends_with('-') {
            stem.push('-');
        }
    }
    let name = format!(
        "orca-{}-{}.png",
        stem.trim_matches('-'),
        player.now().to_string().replace(':', "-")
    );
    info!("saving a screenshot to {name}");
    ui.last_screenshot = Some(name.clone());
    commands
        .spawn(Screenshot::primary_window())
        .observe(save_to_disk(PathBuf::from(name)));
}
