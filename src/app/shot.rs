//! `orca shot`: render the app's view of a scenario at a moment to a PNG, then exit.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;
use orca_sim::{Scenario, SimTime};

use crate::app::graphics;
use crate::app::image_highlight::{RegistryView, find_image};
use crate::app::library::{Progress, ScenarioSource};
use crate::app::player::{Player, Selection};
use crate::app::ui_state::UiState;
use crate::app::window::add_view_plugins;
use crate::settings::Theme;

fn plugin(app: &mut App) {
    app.add_systems(Last, take_shot);
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
    /// Also save the presenter window here.
    presenter_out: Option<PathBuf>,
    /// A count of hands to show on the projector.
    hands: Option<Vec<u32>>,
}

/// `x.png` → `x-presenter.png`.
fn presenter_path(out: &std::path::Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    out.with_file_name(format!("{stem}-presenter.png"))
}

#[derive(Resource, Default, Clone)]
struct ShotDone(Arc<std::sync::atomic::AtomicBool>);

/// Frames rendered before the capture: egui needs a few to settle its layout.
const SHOT_FRAME: u32 = 40;

/// What `--select NAME` selects at this moment: a task id or pod name, exactly or by its first
/// characters (the first live one), else an instance, node, service or Deployment by name.
pub fn find_selection(world: &orca_sim::World, name: &str) -> Option<Selection> {
    if name.is_empty() {
        return None;
    }
    let pods = world
        .eks
        .iter()
        .flat_map(|k| k.pods.iter().filter(|p| !p.gone));
    let tasks = world
        .ecs
        .iter()
        .flat_map(|c| c.tasks.iter().filter(|t| t.is_live()));
    let exact = pods
        .clone()
        .map(|p| p.name.as_str())
        .chain(tasks.clone().map(|t| t.id.as_str()))
        .find(|n| *n == name);
    let prefix = || {
        pods.clone()
            .map(|p| p.name.as_str())
            .chain(tasks.clone().map(|t| t.id.as_str()))
            .find(|n| n.starts_with(name))
    };
    if let Some(id) = exact.or_else(prefix) {
        return Some(Selection::Task(id.to_string()));
    }
    if let Some(ecs) = &world.ecs {
        if ecs.instances.iter().any(|i| i.name == name) {
            return Some(Selection::Instance(name.into()));
        }
        if ecs.services.iter().any(|s| s.name == name) {
            return Some(Selection::Service(name.into()));
        }
    }
    if let Some(eks) = &world.eks {
        if eks.nodes.iter().any(|n| n.name == name) {
            return Some(Selection::Node(name.into()));
        }
        if eks.deployment_index(name).is_some() {
            return Some(Selection::Deployment(name.into()));
        }
    }
    None
}

/// Render the app view of `scenario` at `at` to a PNG.
pub fn run_shot(
    scenario: Arc<Scenario>,
    source: ScenarioSource,
    at: SimTime,
    out: PathBuf,
    size: (u32, u32),
    theme: Theme,
    select: Option<String>,
) -> std::process::ExitCode {
    if let Some(status) = graphics::check() {
        return status;
    }
    let mut player = Player::new(scenario, source, Progress::default());
    player.seek(at);
    player.open_quiz_near(at);
    let mut registry_view = RegistryView::default();
    if let Some(name) = select {
        let world = player.playback.world();
        match (find_selection(world, &name), find_image(world, &name)) {
            (Some(sel), _) => player.selection = Some(sel),
            (None, Some(digest)) => registry_view.image = Some(digest),
            (None, None) => {
                eprintln!(
                    "--select {name}: no task, pod, instance, node, service, Deployment or ECR image (repository:tag, repository@digest, sha256:…) of that name at {at}"
                );
                return std::process::ExitCode::from(2);
            }
        }
    }
    let title = format!("Orca — {}", player.scenario().title);
    let mut app = App::new();
    app.insert_resource(player);
    app.insert_resource(registry_view);
    // For pictures of presenter mode: ORCA_PRESENTER=1 opens the presenter window (saved
    // beside OUT as OUT-presenter.png), ORCA_HANDS=3,10,2 shows that count of hands.
    let presenter = std::env::var("ORCA_PRESENTER").is_ok_and(|v| v == "1");
    app.insert_resource(UiState {
        presenting: presenter || std::env::var("ORCA_PRESENT").is_ok_and(|v| v == "1"),
        presenter,
        theme,
        ..UiState::default()
    });
    let hands: Option<Vec<u32>> = std::env::var("ORCA_HANDS")
        .ok()
        .and_then(|v| v.split(',').map(|n| n.trim().parse().ok()).collect());
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
        presenter_out: presenter.then(|| presenter_path(&out)),
        hands,
    });
    let done = ShotDone::default();
    app.insert_resource(done.clone());
    graphics::install_panic_hook();
    add_view_plugins(&mut app, title, size, true);
    app.add_plugins(plugin);
    app.run();
    use std::io::Write;
    if done.0.load(std::sync::atomic::Ordering::SeqCst) && out.exists() {
        // A closed standard output (`| head`) is no reason to fail: the picture is written.
        let _ = writeln!(std::io::stdout(), "wrote {}", out.display());
        std::process::ExitCode::SUCCESS
    } else {
        let _ = writeln!(std::io::stderr(), "could not render {}", out.display());
        std::process::ExitCode::from(1)
    }
}

fn take_shot(
    mut commands: Commands,
    mut plan: ResMut<ShotPlan>,
    done: Res<ShotDone>,
    mut exit: MessageWriter<AppExit>,
    mut presenter: ResMut<crate::app::presenter::Presenter>,
) {
    use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
    plan.frame += 1;
    if plan.frame == 5
        && let Some(hands) = &plan.hands
    {
        // As many counts as the open quiz has choices.
        let mut votes = hands.clone();
        votes.resize(presenter.votes.len(), 0);
        presenter.votes = votes;
        presenter.hands_shown = true;
    }
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
        if let (Some(path), Some((window, _))) = (plan.presenter_out.clone(), presenter.window) {
            commands
                .spawn(Screenshot::window(window))
                .observe(save_to_disk(path));
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
    let presenter_saved = plan.presenter_out.as_ref().is_none_or(|p| p.exists());
    if finished && plan.out.exists() && presenter_saved || plan.frame > plan.capture_at + 600 {
        exit.write(AppExit::Success);
    }
}
