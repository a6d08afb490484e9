//! The playback clock's system: each frame the player advances by the frame's wall time at its
//! speed (`Player::tick`), stopping on its way where the console's command still printing asks
//! (`Stops`). Its own module: the player knows nothing of the console, which depends on it.

use bevy::prelude::*;

use crate::app::AppSystems;
use crate::app::panels::console::ConsoleState;
use crate::app::player::{Player, Stops};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, tick.in_set(AppSystems::Tick));
}

fn tick(time: Res<Time>, mut player: ResMut<Player>, console: Option<ResMut<ConsoleState>>) {
    let mut console = console;
    let stops = console
        .as_deref_mut()
        .filter(|c| c.is_watching())
        .map(|c| c as &mut dyn Stops);
    player.tick(time.delta_secs_f64(), stops);
}
