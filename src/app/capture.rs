//! Render the app's view (what `orca shot` renders) at a list of moments and hand the pictures
//! back, for `orca record` and `orca handout`: one window, one moment after the other — seek,
//! let the canvas and the panels settle, capture the window, next.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use bevy::prelude::*;
use orca_sim::{Scenario, SimTime};

use crate::app::graphics;
use crate::app::library::{Progress, ScenarioSource};
use crate::app::player::Player;
use crate::app::ui_state::UiState;
use crate::app::window::add_view_plugins;
use crate::record_encode::Picture;

fn plugin(app: &mut App) {
    app.add_systems(Last, capture_next);
}

/// Frames before the first capture: egui needs a few to settle its layout (as `orca shot`).
const WARM_UP: u32 = 40;
/// Frames drawn after each seek before the capture: the canvas refits and the panels follow.
const SETTLE: u32 = 4;
/// A capture that has not arrived after this many frames is given up.
const PATIENCE: u32 = 600;

#[derive(Resource)]
struct CapturePlan {
    moments: Vec<SimTime>,
    /// The moment being captured.
    next: usize,
    step: Step,
    /// Frames since the current step began.
    frames: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    WarmUp,
    Settle,
    Waiting,
    Failed,
}

/// The pictures so far, in the order of the moments (written by the screenshot observers).
#[derive(Resource, Clone, Default)]
struct Captured(Arc<Mutex<Vec<Picture>>>);

/// Render `scenario` at each of `moments` in a window of `size` (in the presentation layout if
/// `present`); the pictures in that order,
/// or the exit status after the reason was printed.
pub fn capture(
    scenario: Arc<Scenario>,
    source: ScenarioSource,
    moments: Vec<SimTime>,
    size: (u32, u32),
    present: bool,
) -> Result<Vec<Picture>, ExitCode> {
    if let Some(status) = graphics::check() {
        return Err(status);
    }
    let expected = moments.len();
    let player = Player::new(scenario, source, Progress::default());
    let title = format!("Orca — {}", player.scenario().title);
    let mut app = App::new();
    app.insert_resource(player);
    app.insert_resource(UiState {
        presenting: present,
        ..UiState::default()
    });
    app.insert_resource(CapturePlan {
        moments,
        next: 0,
        step: Step::WarmUp,
        frames: 0,
    });
    let captured = Captured::default();
    app.insert_resource(captured.clone());
    graphics::install_panic_hook();
    add_view_plugins(&mut app, title, size, true);
    app.add_plugins(plugin);
    app.run();
    let pictures = std::mem::take(&mut *captured.0.lock().unwrap_or_else(|e| e.into_inner()));
    if pictures.len() == expected {
        Ok(pictures)
    } else {
        crate::output::note(&format!(
            "could not render: {} of {expected} pictures were captured",
            pictures.len()
        ));
        Err(ExitCode::from(1))
    }
}

fn capture_next(
    mut commands: Commands,
    mut plan: ResMut<CapturePlan>,
    mut player: ResMut<Player>,
    captured: Res<Captured>,
    mut exit: MessageWriter<AppExit>,
) {
    use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
    plan.frames += 1;
    let have = captured.0.lock().map(|c| c.len()).unwrap_or(0);
    match plan.step {
        Step::WarmUp | Step::Settle => {
            let wait = if plan.step == Step::WarmUp {
                WARM_UP
            } else {
                SETTLE
            };
            if plan.frames == 1 {
                player.playing = false;
                player.seek(plan.moments[plan.next]);
            }
            if plan.frames >= wait {
                let sink = captured.0.clone();
                commands.spawn(Screenshot::primary_window()).observe(
                    move |shot: On<ScreenshotCaptured>| {
                        let picture = match shot.image.clone().try_into_dynamic() {
                            Ok(image) => {
                                let rgb = image.to_rgb8();
                                Picture {
                                    width: rgb.width(),
                                    height: rgb.height(),
                                    rgb: rgb.into_raw(),
                                }
                            }
                            Err(e) => {
                                error!("cannot read the captured window: {e}");
                                return;
                            }
                        };
                        if let Ok(mut all) = sink.lock() {
                            all.push(picture);
                        }
                    },
                );
                plan.step = Step::Waiting;
                plan.frames = 0;
            }
        }
        Step::Waiting => {
            if have > plan.next {
                plan.next += 1;
                plan.frames = 0;
                if plan.next == plan.moments.len() {
                    exit.write(AppExit::Success);
                } else {
                    plan.step = Step::Settle;
                    // Seek now; the next frames draw the new moment.
                    player.seek(plan.moments[plan.next]);
                    plan.frames = 1;
                }
            } else if plan.frames > PATIENCE {
                plan.step = Step::Failed;
                exit.write(AppExit::error());
            }
        }
        Step::Failed => {}
    }
}
