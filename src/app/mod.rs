//! The desktop app: a Bevy window with the animated cluster canvas (Bevy 2D) and egui panels.
//!
//! [`CorePlugin`] holds everything that works without a window or GPU (playback, keyboard
//! actions, hot reload, the canvas entities), so tests run it under `MinimalPlugins`.
//! [`run_app`] and [`run_shot`] add rendering, egui and the camera on top.

pub mod canvas;
pub mod library;
pub mod panels;
pub mod player;
pub mod view;

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;
use orca_sim::{Scenario, SimTime};

use canvas::sync::Canvas;
use library::{Progress, ScenarioSource};
use player::Player;

/// Things the user can ask for, from the keyboard or a button.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actions {
    TogglePlay,
    StepForward,
    StepBack,
    Faster,
    Slower,
    Restart,
    ToStart,
    ToEnd,
    Pick(usize),
    Confirm,
    Fit,
    TextBigger,
    TextSmaller,
    TextReset,
    ToggleLegend,
    ToggleHelp,
    TogglePicker,
    ToggleOrder,
    TogglePresenting,
    /// Save a picture of the window (F12).
    Screenshot,
    /// Select the next / previous task card (Tab / Shift+Tab), for keyboard-only use.
    SelectNext,
    SelectPrevious,
    Escape,
}

/// Panel and overlay state that is not part of playback.
#[derive(Resource, Debug, Clone)]
pub struct UiState {
    pub show_help: bool,
    pub show_picker: bool,
    pub show_legend: bool,
    /// The scenario's title and description, shown when it opens.
    pub show_intro: bool,
    /// Presentation mode: hide the side panel and the event log for a bigger canvas.
    pub presenting: bool,
    pub newest_first: bool,
    /// service, target-group, task, instance, autoscaling, deployment, replicaset, pod,
    /// scenario, quiz
    pub filters: [bool; 11],
    pub text_scale: f32,
    pub open_path: String,
    pub picker_error: Option<String>,
    /// F12 was pressed: the view saves a PNG of the window.
    pub screenshot_requested: bool,
    /// A text field has the keyboard (shortcuts are off meanwhile).
    pub typing: bool,
    /// Where the last screenshot went, shown in the header for a while.
    pub last_screenshot: Option<String>,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            show_help: false,
            show_picker: false,
            show_legend: true,
            show_intro: false,
            presenting: false,
            newest_first: true,
            filters: [
                true, true, false, true, true, true, true, true, true, true, true,
            ],
            text_scale: 1.0,
            open_path: String::new(),
            picker_error: None,
            screenshot_requested: false,
            typing: false,
            last_screenshot: None,
        }
    }
}

/// Replace the scenario being shown, keeping the learner's progress.
pub fn switch_scenario(player: &mut Player, scenario: Arc<Scenario>, source: ScenarioSource) {
    let progress = std::mem::take(&mut player.progress);
    *player = Player::new(scenario, source, progress);
}

/// Seconds between checks of a watched scenario file.
const RELOAD_POLL_SECS: f32 = 0.5;

#[derive(Resource, Default)]
struct ReloadTimer(f32);

/// Playback, actions, hot reload and the canvas entities: no window or GPU needed.
pub struct CorePlugin;

impl Plugin for CorePlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<Actions>()
            .init_resource::<UiState>()
            .init_resource::<Canvas>()
            .init_resource::<ReloadTimer>()
            .init_resource::<view::ViewState>()
            .init_resource::<view::CanvasRect>()
            .add_systems(
                Update,
                (
                    keyboard_actions,
                    apply_actions,
                    hot_reload,
                    tick,
                    canvas::sync::sync_canvas,
                    canvas::links::sync_links,
                    end_frame,
                )
                    .chain(),
            );
    }
}

fn end_frame(mut player: ResMut<Player>) {
    if player.jumped {
        player.end_frame();
    }
}

fn tick(time: Res<Time>, mut player: ResMut<Player>) {
    player.tick(time.delta_secs_f64());
}

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

fn keyboard_actions(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    ui: Res<UiState>,
    mut out: MessageWriter<Actions>,
) {
    let Some(keys) = keys else { return };
    // Typing a path in the scenario picker: the keys are text, not shortcuts.
    if ui.typing {
        return;
    }
    let ctrl = keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight]);
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    for key in keys.get_just_pressed() {
        let action = match key {
            KeyCode::Equal | KeyCode::NumpadAdd if ctrl => Actions::TextBigger,
            KeyCode::Minus | KeyCode::NumpadSubtract if ctrl => Actions::TextSmaller,
            KeyCode::Digit0 if ctrl => Actions::TextReset,
            KeyCode::Slash if shift => Actions::ToggleHelp,
            KeyCode::Space => Actions::TogglePlay,
            KeyCode::ArrowRight => Actions::StepForward,
            KeyCode::ArrowLeft => Actions::StepBack,
            KeyCode::BracketRight => Actions::Faster,
            KeyCode::BracketLeft => Actions::Slower,
            KeyCode::KeyR => Actions::Restart,
            KeyCode::Home => Actions::ToStart,
            KeyCode::End => Actions::ToEnd,
            KeyCode::Enter | KeyCode::NumpadEnter => Actions::Confirm,
            KeyCode::KeyF => Actions::Fit,
            KeyCode::KeyL => Actions::ToggleLegend,
            KeyCode::KeyO => Actions::TogglePicker,
            KeyCode::KeyN => Actions::ToggleOrder,
            KeyCode::KeyP => Actions::TogglePresenting,
            KeyCode::F12 => Actions::Screenshot,
            KeyCode::Tab if shift => Actions::SelectPrevious,
            KeyCode::Tab => Actions::SelectNext,
            KeyCode::Escape => Actions::Escape,
            k => match digit(*k) {
                Some(d) if d >= 1 => Actions::Pick(d - 1),
                _ => continue,
            },
        };
        out.write(action);
    }
}

fn digit(k: KeyCode) -> Option<usize> {
    Some(match k {
        KeyCode::Digit0 | KeyCode::Numpad0 => 0,
        KeyCode::Digit1 | KeyCode::Numpad1 => 1,
        KeyCode::Digit2 | KeyCode::Numpad2 => 2,
        KeyCode::Digit3 | KeyCode::Numpad3 => 3,
        KeyCode::Digit4 | KeyCode::Numpad4 => 4,
        KeyCode::Digit5 | KeyCode::Numpad5 => 5,
        KeyCode::Digit6 | KeyCode::Numpad6 => 6,
        KeyCode::Digit7 | KeyCode::Numpad7 => 7,
        KeyCode::Digit8 | KeyCode::Numpad8 => 8,
        KeyCode::Digit9 | KeyCode::Numpad9 => 9,
        _ => return None,
    })
}

fn apply_actions(
    mut actions: MessageReader<Actions>,
    mut player: ResMut<Player>,
    mut ui: ResMut<UiState>,
    mut view: ResMut<view::ViewState>,
) {
    for a in actions.read() {
        match a {
            Actions::TogglePlay if ui.show_intro => {
                ui.show_intro = false;
                player.toggle_play();
            }
            Actions::TogglePlay => player.toggle_play(),
            Actions::StepForward => player.step_forward(),
            Actions::StepBack => player.step_back(),
            Actions::Faster => player.faster(),
            Actions::Slower => player.slower(),
            Actions::Restart => player.restart(),
            Actions::ToStart => {
                player.playing = false;
                player.seek(SimTime::ZERO);
            }
            Actions::ToEnd => {
                player.playing = false;
                let end = player.end();
                player.seek(end);
            }
            Actions::Pick(i) => player.pick(*i),
            Actions::Confirm if ui.show_intro => ui.show_intro = false,
            Actions::Confirm => match player.quiz.as_ref().map(|q| q.verdict.is_some()) {
                Some(false) => {
                    player.answer();
                }
                Some(true) => player.continue_after_quiz(),
                None => {}
            },
            Actions::Fit => {
                view.fit_requested = true;
                view.user_moved = false;
            }
            Actions::TextBigger => ui.text_scale = (ui.text_scale + 0.125).min(3.0),
            Actions::TextSmaller => ui.text_scale = (ui.text_scale - 0.125).max(0.75),
            Actions::TextReset => ui.text_scale = 1.0,
            Actions::ToggleLegend => ui.show_legend = !ui.show_legend,
            Actions::ToggleHelp => ui.show_help = !ui.show_help,
            Actions::TogglePicker => ui.show_picker = !ui.show_picker,
            Actions::ToggleOrder => ui.newest_first = !ui.newest_first,
            Actions::TogglePresenting => {
                ui.presenting = !ui.presenting;
                view.fit_requested = true;
            }
            Actions::Screenshot => ui.screenshot_requested = true,
            Actions::SelectNext | Actions::SelectPrevious => {
                let forward = *a == Actions::SelectNext;
                player.select_adjacent_task(forward);
            }
            Actions::Escape => {
                if ui.show_help || ui.show_picker || ui.show_intro {
                    ui.show_help = false;
                    ui.show_picker = false;
                    ui.show_intro = false;
                } else {
                    player.selection = None;
                }
            }
        }
    }
}

/// The font shipped with Orca (Bevy's built-in font is ASCII only; the canvas uses ✓ ✗ ⇣ ◌).
pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

fn load_font(mut fonts: ResMut<Assets<Font>>, mut commands: Commands) {
    let handle = fonts.add(Font::from_bytes(FONT_BYTES.to_vec()));
    commands.insert_resource(canvas::sync::CanvasFont(handle));
}

/// Window, rendering, egui, camera and picking on top of [`CorePlugin`].
fn add_view_plugins(app: &mut App, title: String, size: (u32, u32), shot: bool) {
    use bevy::window::{PresentMode, WindowResolution};
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title,
                    resolution: WindowResolution::new(size.0, size.1),
                    present_mode: if shot {
                        PresentMode::AutoNoVsync
                    } else {
                        PresentMode::AutoVsync
                    },
                    ..default()
                }),
                ..default()
            })
            .set(bevy::render::RenderPlugin {
                synchronous_pipeline_compilation: true,
                ..default()
            })
            // INFO and above unless RUST_LOG asks for more (its directives are added to these).
            .set(bevy::log::LogPlugin {
                filter: "wgpu=error,naga=warn,bevy_render=warn,bevy_winit=warn".into(),
                level: bevy::log::Level::INFO,
                ..default()
            }),
    )
    .add_plugins(bevy_egui::EguiPlugin::default())
    .add_plugins(CorePlugin)
    .init_gizmo_group::<view::DashedGizmos>()
    .add_systems(Startup, (view::setup_camera, load_font))
    .add_systems(bevy_egui::EguiPrimaryContextPass, panels::ui_system)
    .add_systems(
        Update,
        (view::pan_zoom, view::fit_camera, view::draw_overlays)
            .chain()
            .after(canvas::links::sync_links),
    )
    .add_observer(view::on_click)
    .add_systems(Last, save_screenshot);
    if shot {
        app.insert_resource(bevy::winit::WinitSettings::continuous());
    } else {
        app.insert_resource(bevy::winit::WinitSettings::game());
    }
}

/// Open the window on a scenario (a file, or the first built-in with the picker open).
pub fn run_app(file: Option<PathBuf>) -> std::process::ExitCode {
    let progress = Progress::load(library::default_progress_path());
    let (scenario, source, show_picker) = match file {
        Some(path) => match library::load_file(&path) {
            Ok((s, src)) => (s, src, false),
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::from(1);
            }
        },
        None => match library::built_in(library::BUILT_IN[0].0) {
            Ok(s) => (s, ScenarioSource::BuiltIn(library::BUILT_IN[0].0), true),
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::from(1);
            }
        },
    };
    let title = format!("Orca — {}", scenario.title);
    let mut app = App::new();
    let player = Player::new(scenario, source, progress);
    app.insert_resource(player);
    app.insert_resource(UiState {
        show_picker,
        show_intro: !show_picker,
        ..default()
    });
    add_view_plugins(&mut app, title, (1280, 800), false);
    app.run();
    std::process::ExitCode::SUCCESS
}

/// F12: save the window as `orca-<scenario>-<mm-ss>.png` in the working directory.
fn save_screenshot(mut commands: Commands, mut ui: ResMut<UiState>, player: Res<Player>) {
    use bevy::render::view::screenshot::{Screenshot, save_to_disk};
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

/// Counts frames for `orca shot` and exits once the screenshot is written.
#[derive(Resource)]
struct ShotPlan {
    out: PathBuf,
    frame: u32,
    requested: bool,
    /// Frames to render before the capture (`ORCA_SHOT_FRAMES`, default [`SHOT_FRAME`]).
    capture_at: u32,
    started: Option<std::time::Instant>,
}

#[derive(Resource, Default, Clone)]
struct ShotDone(Arc<std::sync::atomic::AtomicBool>);

/// Frames rendered before the capture: egui needs a few to settle its layout.
const SHOT_FRAME: u32 = 40;

/// Render the app view of `scenario` at `at` to a PNG.
pub fn run_shot(
    scenario: Arc<Scenario>,
    source: ScenarioSource,
    at: SimTime,
    out: PathBuf,
    size: (u32, u32),
) -> std::process::ExitCode {
    let mut player = Player::new(scenario, source, Progress::default());
    player.seek(at);
    player.open_quiz_near(at);
    let title = format!("Orca — {}", player.scenario().title);
    let mut app = App::new();
    app.insert_resource(player);
    app.insert_resource(UiState::default());
    let capture_at = std::env::var("ORCA_SHOT_FRAMES")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|n| (SHOT_FRAME..=100_000).contains(n))
        .unwrap_or(SHOT_FRAME);
    app.insert_resource(ShotPlan {
        out: out.clone(),
        frame: 0,
        requested: false,
        capture_at,
        started: None,
    });
    let done = ShotDone::default();
    app.insert_resource(done.clone());
    add_view_plugins(&mut app, title, size, true);
    app.add_systems(Last, take_shot);
    app.run();
    if done.0.load(std::sync::atomic::Ordering::SeqCst) && out.exists() {
        println!("wrote {}", out.display());
        std::process::ExitCode::SUCCESS
    } else {
        eprintln!("could not render {}", out.display());
        std::process::ExitCode::from(1)
    }
}

fn take_shot(
    mut commands: Commands,
    mut plan: ResMut<ShotPlan>,
    done: Res<ShotDone>,
    mut exit: MessageWriter<AppExit>,
) {
    use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
    plan.frame += 1;
    if plan.frame == 5 {
        plan.started = Some(std::time::Instant::now());
    }
    if plan.frame == plan.capture_at && !plan.requested {
        plan.requested = true;
        if let Some(t) = plan.started {
            let frames = plan.capture_at - 5;
            let secs = t.elapsed().as_secs_f64();
            info!(
                "rendered {frames} frames in {secs:.2} s: {:.1} frames per second",
                frames as f64 / secs.max(1e-9)
            );
        }
        let path = plan.out.clone();
        let flag = done.0.clone();
        commands
            .spawn(Screenshot::primary_window())
            .observe(save_to_disk(path))
            .observe(move |_: On<ScreenshotCaptured>| {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
            });
    }
    let finished = done.0.load(std::sync::atomic::Ordering::SeqCst);
    if finished && plan.out.exists() || plan.frame > plan.capture_at + 600 {
        exit.write(AppExit::Success);
    }
}
