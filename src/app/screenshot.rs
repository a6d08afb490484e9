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
    let stem: String = player
        .scenario()
        .title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
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
