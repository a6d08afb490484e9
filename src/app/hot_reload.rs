//! A scenario opened from a file reloads when the file is saved; a broken edit shows its error
//! while the last good version keeps running.

use bevy::prelude::*;

use crate::app::AppSystems;
use crate::app::library;
use crate::app::player::Player;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ReloadTimer>()
        .add_systems(Update, hot_reload.in_set(AppSystems::Reload));
}

/// Seconds between checks of a watched scenario file.
const RELOAD_POLL_SECS: f32 = 0.5;

#[derive(Resource, Default)]
struct ReloadTimer(f32);

fn hot_reload(time: Res<Time>, mut timer: ResMut<ReloadTimer>, mut player: ResMut<Player>) {
    timer.0 += time.delta_secs();
    if timer.0 < RELOAD_POLL_SECS {
        return;
    }
    timer.0 = 0.0;
    let mut source = player.source.clone();
    let result = library::poll_reload(&mut source);
    if source != player.source {
        player.source = source;
    }
    match result {
        Some(Ok(s)) => {
            info!("scenario reloaded");
            player.replace_scenario(s);
        }
        Some(Err(e)) => player.load_error = Some(e),
        None => {}
    }
}
