//! Main-thread update time per frame of the app with 10,000 tasks on the canvas in the middle
//! of a rolling deployment (headless: `MinimalPlugins` + Orca's `CorePlugin`, no rendering).
//! Goal: p95 ≤ 8 ms per frame.
//!
//! Without a window there is no camera, so the bench tells the canvas what a camera over a
//! 1280×616 canvas area would (`CanvasView`), in two views: fitted, as the app opens (the
//! whole cluster, as counts per host), and zoomed in to legible cards (only the cards on
//! screen get entities).
//!
//! Run with `cargo bench --bench frame` (`FRAMES=n` for fewer than 600 frames per view).
//! Prints mean, median and 95th percentile for each view.
//!
//! 2026-12-07 at 15:55 UTC (README has the history): the p95 had risen from 3.3–3.6 ms
//! (2026-12-04 afternoon) to 7.6–8.7 ms, the model from 1.7 ms to 6.0–6.8 ms a frame. A task's
//! health gate looked its target up by stepping forward from the group's first target
//! (`elb::first_from`, a cursor meant for a pass that asks in task order), and the canvas asks
//! for one task at a time. With the forward search galloping: p95 2.7 ms fitted and 2.8 ms
//! zoomed in, the model 1.4 ms.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use orca::app::CorePlugin;
use orca::app::actions::Actions;
use orca::app::canvas::layout;
use orca::app::canvas::place::Shape;
use orca::app::canvas::scene::Detail;
use orca::app::canvas::sync::Canvas;
use orca::app::canvas::view::{self, CanvasView};
use orca::app::library::{Progress, ScenarioSource};
use orca::app::player::Player;
use orca_sim::SimTime;

/// Four Fargate services of 2,500 tasks each behind their target groups, all updated to a new
/// revision at 1:00 (maximumPercent 120, so about 500 new tasks each at a time). The busiest
/// stretch of the deployment, where thousands of cards change state at once, starts at 1:20.
fn scenario_text() -> String {
    let mut defs = String::new();
    let mut target_groups = String::new();
    let mut services = String::new();
    let mut timeline = String::new();
    for s in 0..4 {
        for rev in 1..=2 {
            defs += &format!(
                "(family: \"svc{s}\", revision: {rev}, cpu: 256, memory: 512, containers: [(name: \"app\", image: \"app:v{rev}\", port: 80)]),\n"
            );
        }
        target_groups += &format!(
            "(name: \"tg{s}\", port: 80, target_type: Ip, health_check: (path: \"/health\"), deregistration_delay_seconds: 30),\n"
        );
        services += &format!(
            "(name: \"svc{s}\", task_definition: \"svc{s}:1\", desired_count: 2500, launch_type: Fargate,
              deployment_configuration: (minimum_healthy_percent: 100, maximum_percent: 120),
              load_balancers: [(target_group: \"tg{s}\", container_name: \"app\", container_port: 80)]),\n"
        );
        timeline += &format!(
            "(at: 60, action: UpdateService(service: \"svc{s}\", task_definition: \"svc{s}:2\")),\n"
        );
    }
    format!(
        "(version: 1, title: \"10,000 tasks\", description: \"frame bench\", seed: 1, duration: 600,
          world: Ecs(cluster: (name: \"big\"), task_definitions: [{defs}],
                     target_groups: [{target_groups}], services: [{services}]),
          timeline: [{timeline}], quizzes: [])"
    )
}

fn main() {
    let scenario =
        orca_sim::scenario::parse("bench.ron", &scenario_text()).unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let player = Player::new(
        std::sync::Arc::new(scenario),
        ScenarioSource::BuiltIn("bench"),
        Progress::default(),
    );
    println!("scenario run + layout sampling: {:?}", started.elapsed());
    let frames: usize = std::env::var("FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(600);
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
            16,
        )))
        .insert_resource(player)
        .add_plugins(CorePlugin);
    app.update();
    app.world_mut().write_message(Actions::Faster); // 2×
    app.world_mut().write_message(Actions::Faster); // 4×
    app.update();
    for zoomed_in in [false, true] {
        measure(&mut app, zoomed_in, frames);
    }
    parts(&app);
}

/// Where a frame's canvas time goes: reading the world into a model and arranging it into a
/// scene, each timed on its own (the world as the last frame left it).
fn parts(app: &App) {
    let player = app.world().resource::<Player>();
    let world = player.playback.world();
    let mut model_t = Vec::new();
    let mut arrange_t = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let m = layout::model(world);
        model_t.push(t.elapsed());
        let t = Instant::now();
        let scene = layout::arrange(&m, Shape::default(), Detail::Counts);
        arrange_t.push(t.elapsed());
        std::hint::black_box(scene);
    }
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    println!(
        "of a frame: model {:?}, arrange (counts) {:?} (medians)",
        median(model_t),
        median(arrange_t)
    );
}

/// From 1:15, the deployment under way, play `frames` frames of 16 ms at 4× (600 frames play
/// 1:15 → 1:53) and print the update times.
fn measure(app: &mut App, zoomed_in: bool, frames: usize) {
    {
        let mut player = app.world_mut().resource_mut::<Player>();
        player.seek(SimTime(75_000));
        player.playing = false;
    }
    app.update();
    // What the camera would tell the canvas: the fit of the scene, or legible cards around
    // the middle of it.
    let viewport = view::DEFAULT_VIEWPORT;
    let fit = app.world().resource::<Canvas>().scene.fit;
    let (detail, bounds, scale) = view::fit(&fit, viewport).expect("a scene");
    let (detail, scale) = if zoomed_in {
        (Detail::Cards, view::LEGIBLE_SCALE)
    } else {
        (detail, scale)
    };
    *app.world_mut().resource_mut::<CanvasView>() = CanvasView {
        viewport: Some(viewport),
        visible: Some(view::visible_area(bounds.center(), scale, viewport)),
        detail,
    };
    app.world_mut().write_message(Actions::TogglePlay);
    app.update();
    let mut times = Vec::new();
    let mut max_cards = 0;
    for _ in 0..frames {
        let t = Instant::now();
        app.update();
        times.push(t.elapsed());
        max_cards = max_cards.max(app.world().resource::<Canvas>().cards.len());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    println!(
        "{}: {detail:?} · frames: {} · card entities at most: {max_cards} · mean {mean:?} · median {median:?} · p95 {p95:?} (goal ≤ 8 ms)",
        if zoomed_in { "zoomed in" } else { "fitted" },
        times.len()
    );
}
