//! The cold-start measurement (`ORCA_COLD_START=1 orca FILE`): the app notes on standard error
//! when its first frame has been drawn and when the scenario's run is ready to play, counted
//! from the start of `main`, then quits. `cargo bench --bench cold_start` runs the release
//! binary this way under Xvfb.

use std::sync::OnceLock;
use std::time::Instant;

use bevy::diagnostic::FrameCount;
use bevy::prelude::*;

use crate::app::player::Player;

static STARTED: OnceLock<Instant> = OnceLock::new();

/// Called first thing in `main`.
pub fn mark_process_start() {
    STARTED.get_or_init(Instant::now);
}

/// Whether this run measures its cold start.
pub fn requested() -> bool {
    std::env::var("ORCA_COLD_START").is_ok_and(|v| v == "1")
}

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Last, report);
}

fn ms() -> u128 {
    STARTED.get().map_or(0, |t| t.elapsed().as_millis())
}

/// With pipelined rendering a frame is drawn while the next one updates, so the first frame
/// has been presented once the third update ends.
fn report(
    frames: Res<FrameCount>,
    player: Res<Player>,
    mut first: Local<Option<u128>>,
    mut exit: MessageWriter<AppExit>,
) {
    if frames.0 >= 2 && first.is_none() {
        *first = Some(ms());
        eprintln!("cold start: first frame drawn at {} ms", ms());
    }
    if let Some(f) = *first
        && !player.opening()
    {
        eprintln!(
            "cold start: scenario ready at {} ms (first frame {f} ms)",
            ms().max(f)
        );
        exit.write(AppExit::Success);
    }
}
