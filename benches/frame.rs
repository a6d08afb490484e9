//! Main-thread update time per frame of the app with 2,000 tasks on the canvas (headless:
//! `MinimalPlugins` + Orca's `CorePlugin`, no rendering). Goal: ≤ 8 ms per frame.
//!
//! Run with `cargo bench --bench frame`. Prints mean, median and 95th percentile.

use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use orca::app::CorePlugin;
use orca::app::actions::Actions;
use orca::app::library::{Progress, ScenarioSource};
use orca::app::player::Player;

/// Four Fargate services of 500 tasks each, updated to a new revision at 0:30.
fn scenario_text() -> String {
    let mut defs = String::new();
    let mut services = String::new();
    let mut timeline = String::new();
    for s in 0..4 {
        for rev in 1..=2 {
            defs += &format!(
                "(family: \"svc{s}\", revision: {rev}, cpu: 256, memory: 512, containers: [(name: \"app\", image: \"app:v{rev}\", port: 80)]),\n"
            );
        }
        services += &format!(
            "(name: \"svc{s}\", task_definition: \"svc{s}:1\", desired_count: 500, launch_type: Fargate),\n"
        );
        timeline += &format!(
            "(at: 30, action: UpdateService(service: \"svc{s}\", task_definition: \"svc{s}:2\")),\n"
        );
    }
    format!(
        "(version: 1, title: \"2,000 tasks\", description: \"frame bench\", seed: 1, duration: 600,
          world: Ecs(cluster: (name: \"big\"), task_definitions: [{defs}], services: [{services}]),
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
    app.world_mut().write_message(Actions::TogglePlay);
    app.update();
    let mut times = Vec::new();
    let mut max_cards = 0;
    for _ in 0..600 {
        let t = Instant::now();
        app.update();
        times.push(t.elapsed());
        let cards = app
            .world()
            .resource::<orca::app::canvas::sync::Canvas>()
            .scene
            .cards
            .len();
        max_cards = max_cards.max(cards);
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    let median = times[times.len() / 2];
    let p95 = times[times.len() * 95 / 100];
    println!(
        "frames: {} · cards on canvas at most: {max_cards} · mean {mean:?} · median {median:?} · p95 {p95:?} (goal ≤ 8 ms)",
        times.len()
    );
}
