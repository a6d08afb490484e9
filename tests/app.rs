//! Headless tests of the app: `MinimalPlugins` + Orca's `CorePlugin`, no window or GPU.

use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use orca::app::CorePlugin;
use orca::app::actions::Actions;
use orca::app::canvas::card_state::CardState;
use orca::app::canvas::layout::{Shape, layout};
use orca::app::canvas::scene::{Detail, Prim, Scene};
use orca::app::canvas::sync::{CardAnim, card_id};
use orca::app::library::{self, Progress, ScenarioSource};
use orca::app::player::Player;
use orca_sim::SimTime;

fn app_with(name: &'static str, progress: Progress) -> App {
    let scenario = library::built_in(name).expect("built-in scenario");
    app_for(scenario, ScenarioSource::BuiltIn(name), progress)
}

fn app_for(scenario: Arc<orca_sim::Scenario>, source: ScenarioSource, progress: Progress) -> App {
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
            100,
        )))
        .insert_resource(ButtonInput::<KeyCode>::default())
        .insert_resource(Player::new(scenario, source, progress))
        .add_plugins(CorePlugin);
    app.update();
    app
}

fn player(app: &App) -> &Player {
    app.world().resource::<Player>()
}

fn act(app: &mut App, a: Actions) {
    app.world_mut().write_message(a);
    app.update();
}

/// (task id, state) of every card entity, sorted.
fn cards(app: &mut App) -> Vec<(String, CardState)> {
    let mut q = app.world_mut().query::<&CardAnim>();
    let mut v: Vec<_> = q
        .iter(app.world())
        .map(|a| (a.task_id.clone(), a.state))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn expected_cards(app: &App) -> Vec<(String, CardState)> {
    let p = player(app);
    let world = p.playback.world();
    let scene = layout(world, Shape::default(), Detail::Cards);
    let mut v: Vec<_> = scene
        .cards
        .iter()
        .map(|c| (card_id(world, c.key).to_string(), c.state))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn canvas_has_one_card_per_visible_task_and_follows_state_changes() {
    let mut app = app_with("ecs-rolling-update", Progress::default());
    // At 0:00 the four web:1 tasks are running.
    assert_eq!(cards(&mut app).len(), 4);
    assert_eq!(cards(&mut app), expected_cards(&app));
    // Step event by event through the update; the entities mirror the world every time.
    let mut states_seen = std::collections::HashSet::new();
    for _ in 0..40 {
        act(&mut app, Actions::StepForward);
        if player(&app).quiz.is_some() {
            act(&mut app, Actions::Pick(0));
            act(&mut app, Actions::Confirm);
            act(&mut app, Actions::Confirm);
            act(&mut app, Actions::TogglePlay); // continue resumed play; pause again
        }
        app.update();
        let got = cards(&mut app);
        assert_eq!(got, expected_cards(&app), "at {}", player(&app).now());
        states_seen.extend(got.into_iter().map(|(_, s)| s));
    }
    for s in [
        CardState::Provisioning,
        CardState::Initial,
        CardState::Healthy,
    ] {
        assert!(states_seen.contains(&s), "never saw {s:?}: {states_seen:?}");
    }
    // More tasks than desired exist mid-deployment (100/200 starts 4 new before stopping).
    assert!(player(&app).now() > SimTime::from_secs(30));
}

#[test]
fn a_quiz_pauses_playback_and_an_answer_resumes_it() {
    let dir = std::env::temp_dir().join(format!("orca-app-test-{}", std::process::id()));
    let path = dir.join("progress.ron");
    let mut app = app_with("ecs-rolling-update", Progress::load(Some(path.clone())));
    let first = player(&app).playback.quiz_moments()[0].clone();
    act(&mut app, Actions::Faster);
    act(&mut app, Actions::Faster);
    act(&mut app, Actions::TogglePlay);
    for _ in 0..2000 {
        if player(&app).quiz.is_some() {
            break;
        }
        app.update();
    }
    let p = player(&app);
    assert!(p.quiz.is_some(), "no quiz opened by {}", p.now());
    assert!(!p.playing);
    assert_eq!(
        p.now(),
        first.pause_at(),
        "paused exactly at the quiz moment"
    );
    // A predict quiz pauses before its moment: the new tasks have not started yet.
    assert!(first.predict);
    let before = p.now();
    for _ in 0..10 {
        app.update();
    }
    assert_eq!(
        player(&app).now(),
        before,
        "time must not move while the quiz is open"
    );
    // Space does not unpause an unanswered quiz.
    act(&mut app, Actions::TogglePlay);
    assert!(!player(&app).playing);

    let quiz = player(&app).scenario().quizzes[first.quiz].clone();
    let right = quiz.correct[0];
    act(&mut app, Actions::Pick(right));
    act(&mut app, Actions::Confirm);
    assert_eq!(
        player(&app).quiz.as_ref().and_then(|q| q.verdict),
        Some(true)
    );
    assert_eq!(player(&app).score().0, 1);
    act(&mut app, Actions::Confirm);
    assert!(player(&app).quiz.is_none());
    assert!(player(&app).playing);
    for _ in 0..5 {
        app.update();
    }
    assert!(player(&app).now() > before, "playback resumed");
    // The answer is in the progress file.
    let saved = Progress::load(Some(path));
    let key = ScenarioSource::BuiltIn("ecs-rolling-update").progress_key();
    assert_eq!(saved.answer(&key, &quiz.id).map(|a| a.correct), Some(true));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn step_back_restores_the_earlier_world_and_canvas() {
    let mut app = app_with("ecs-failed-health-check", Progress::default());
    player_seek(&mut app, SimTime::from_secs(80));
    let world_then = player(&app).playback.world().clone();
    let cards_then = cards(&mut app);
    let t = player(&app).now();
    for _ in 0..6 {
        act(&mut app, Actions::StepForward);
        if player(&app).quiz.is_some() {
            act(&mut app, Actions::Pick(0));
            act(&mut app, Actions::Confirm);
            act(&mut app, Actions::Confirm);
            act(&mut app, Actions::TogglePlay);
        }
    }
    assert!(player(&app).now() > t);
    assert_ne!(player(&app).playback.world(), &world_then);
    // Step back until we are at or before t, then forward to exactly t again.
    while player(&app).now() > t {
        act(&mut app, Actions::StepBack);
    }
    player_seek(&mut app, t);
    assert_eq!(player(&app).playback.world(), &world_then);
    assert_eq!(cards(&mut app), cards_then);
}

fn player_seek(app: &mut App, t: SimTime) {
    app.world_mut().resource_mut::<Player>().seek(t);
    app.update();
}

#[test]
fn keyboard_space_toggles_play_and_brackets_change_speed() {
    let mut app = app_with("ecs-tight-capacity", Progress::default());
    let press = |app: &mut App, k: KeyCode| {
        app.world_mut()
            .resource_mut::<ButtonInput<KeyCode>>()
            .press(k);
        app.update();
        let mut input = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        input.release(k);
        input.clear();
    };
    assert!(!player(&app).playing);
    press(&mut app, KeyCode::Space);
    assert!(player(&app).playing);
    let speed = player(&app).speed();
    press(&mut app, KeyCode::BracketRight);
    assert_eq!(player(&app).speed(), speed * 2.0);
    press(&mut app, KeyCode::BracketLeft);
    press(&mut app, KeyCode::BracketLeft);
    assert_eq!(player(&app).speed(), speed / 2.0);
    press(&mut app, KeyCode::Space);
    assert!(!player(&app).playing);
}

#[test]
fn a_broken_edit_keeps_the_last_good_scenario_and_a_fix_reloads() {
    let dir = std::env::temp_dir().join(format!("orca-reload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("s.ron");
    let good = library::BUILT_IN[0].1;
    std::fs::write(&file, good).expect("write");
    let (scenario, source) = library::load_file(&file).expect("loads");
    let mut app = app_for(scenario, source, Progress::default());
    player_seek(&mut app, SimTime::from_secs(40));
    let title = player(&app).scenario().title.clone();

    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&file, good.replace("desired_count: 4", "desired_count: -4")).expect("write");
    for _ in 0..8 {
        app.update();
    }
    let err = player(&app).load_error.clone().expect("the error is shown");
    assert!(err.contains("s.ron:"), "{err}");
    assert_eq!(
        player(&app).scenario().title,
        title,
        "the old scenario keeps running"
    );
    assert_eq!(player(&app).now(), SimTime::from_secs(40));

    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&file, good.replace("the happy path", "edited live")).expect("write");
    for _ in 0..8 {
        app.update();
    }
    assert!(player(&app).load_error.is_none());
    assert!(player(&app).scenario().title.ends_with("edited live"));
    assert_eq!(
        player(&app).now(),
        SimTime::from_secs(40),
        "reload keeps the moment"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tab_walks_the_selection_through_the_tasks_on_the_canvas() {
    use orca::app::player::Selection;
    let mut app = app_with("ecs-rolling-update", Progress::default());
    act(&mut app, Actions::SelectNext);
    let first = player(&app).selection.clone();
    let Some(Selection::Task(first_id)) = first.clone() else {
        panic!("Tab selects a task: {first:?}")
    };
    let visible = cards(&mut app);
    assert!(visible.iter().any(|(id, _)| *id == first_id));
    for _ in 0..visible.len() {
        act(&mut app, Actions::SelectNext);
    }
    assert_eq!(
        player(&app).selection,
        first,
        "wraps around after every card"
    );
    act(&mut app, Actions::SelectPrevious);
    assert_ne!(player(&app).selection, first);
    act(&mut app, Actions::Escape);
    assert_eq!(player(&app).selection, None);
}

#[test]
fn eks_cards_mirror_the_pods() {
    let mut app = app_with("eks-rolling-update", Progress::default());
    assert_eq!(cards(&mut app).len(), 10, "ten pods before the rollout");
    player_seek(&mut app, SimTime::from_secs(33));
    let during = cards(&mut app);
    assert_eq!(during, expected_cards(&app));
    let eks = player(&app)
        .playback
        .world()
        .eks
        .clone()
        .expect("an EKS world");
    let live = eks.pods.iter().filter(|p| !p.gone).count();
    assert_eq!(during.len(), live, "one card per pod that exists");
    assert!(live > 10, "surge pods exist mid-rollout");
    player_seek(&mut app, SimTime::from_secs(200));
    assert_eq!(cards(&mut app).len(), 10);
    assert!(
        cards(&mut app)
            .iter()
            .all(|(_, s)| *s == CardState::Healthy)
    );
}

/// The texts of the scene, by prim key.
fn scene_text(scene: &Scene, key: &str) -> Option<String> {
    scene.prims.iter().find_map(|(k, p)| match p {
        Prim::Text { text, .. } if k == key => Some(text.clone()),
        _ => None,
    })
}

#[test]
fn cluster_auto_scaling_shows_waiting_tasks_booting_instances_and_removes_terminated_ones() {
    let mut app = app_with("ecs-cluster-auto-scaling", Progress::default());
    // 2:40: six tasks wait for capacity in their own lane, below the zones.
    player_seek(&mut app, SimTime::from_secs(160));
    let p = player(&app);
    let scene = layout(p.playback.world(), Shape::default(), Detail::Cards);
    let lane = *scene.areas.get("lane:waiting").expect("a waiting lane");
    let zone = scene.areas.get("zone:us-east-1a").expect("a zone");
    assert!(lane.y >= zone.y + zone.h, "the lane sits below the zones");
    let waiting: Vec<_> = scene
        .cards
        .iter()
        .filter(|c| c.state == CardState::Provisioning)
        .collect();
    assert_eq!(waiting.len(), 6);
    for c in &waiting {
        assert!(
            c.area.y >= lane.y && c.area.y + c.area.h <= lane.y + lane.h,
            "card {:?} inside the lane",
            c.key
        );
    }
    assert!(
        scene_text(&scene, "lane:waiting/t")
            .is_some_and(|t| t.contains("PROVISIONING") && t.contains("cp-api"))
    );
    // 4:20: the three launched instances are on the canvas, still registering.
    player_seek(&mut app, SimTime::from_secs(260));
    let p = player(&app);
    let scene = layout(p.playback.world(), Shape::default(), Detail::Cards);
    for n in 3..=5 {
        let t = scene_text(&scene, &format!("inst:asg-api-{n}/t2")).expect("instance text");
        assert!(t.contains("REGISTERING"), "{t}");
    }
    // 6:00: every task runs; the lane is gone.
    player_seek(&mut app, SimTime::from_secs(360));
    let p = player(&app);
    let scene = layout(p.playback.world(), Shape::default(), Detail::Cards);
    assert!(!scene.areas.contains_key("lane:waiting"));
    // 28:00: the two empty instances terminated at 27:00 have left the canvas.
    player_seek(&mut app, SimTime::from_secs(28 * 60));
    let p = player(&app);
    let scene = layout(p.playback.world(), Shape::default(), Detail::Cards);
    assert!(!scene.areas.contains_key("inst:asg-api-1"));
    assert!(!scene.areas.contains_key("inst:asg-api-2"));
    assert!(scene.areas.contains_key("inst:asg-api-3"));
}
