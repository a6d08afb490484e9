//! Headless tests of the app: `MinimalPlugins` + Orca's `CorePlugin`, no window or GPU.

mod common;

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

/// Update until `done` holds of the player, failing after `secs` seconds of wall time;
/// returns the longest single update.
fn update_until(app: &mut App, secs: u64, mut done: impl FnMut(&Player) -> bool) -> Duration {
    let started = std::time::Instant::now();
    let mut longest = Duration::ZERO;
    while !done(player(app)) {
        assert!(
            started.elapsed() < Duration::from_secs(secs),
            "not done after {secs} s"
        );
        let t = std::time::Instant::now();
        app.update();
        longest = longest.max(t.elapsed());
        std::thread::sleep(Duration::from_millis(10));
    }
    longest
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
    // The choices are shown shuffled: key N picks the N-th choice shown.
    let open = player(&app).quiz.clone().expect("open");
    assert_eq!(
        open.order,
        orca_sim::rng::choice_order(
            player(&app).scenario().seed,
            &quiz.id,
            0,
            quiz.choices.len()
        ),
        "a first attempt shows the first attempt's order"
    );
    let right = open
        .order
        .iter()
        .position(|&c| c == quiz.correct[0])
        .expect("the right answer is shown");
    act(&mut app, Actions::Pick(right));
    assert_eq!(
        player(&app).quiz.as_ref().map(|q| q.picked.clone()),
        Some(vec![quiz.correct[0]]),
        "picks are kept as the author's numbers"
    );
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
    // The file is watched and reloaded on other threads: give them (real) time.
    update_until(&mut app, 30, |p| p.load_error.is_some());
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
    update_until(&mut app, 30, |p| {
        p.scenario().title.ends_with("edited live")
    });
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
    // EKS's own kube-system pods are counted on their node, not drawn.
    let system = (0..eks.pods.len())
        .filter(|&p| !eks.pods[p].gone && orca_sim::k8s::read::is_system_pod(&eks, p))
        .count();
    assert!(system >= 6, "aws-node and kube-proxy on each of 3 nodes");
    let live = eks.pods.iter().filter(|p| !p.gone).count() - system;
    assert_eq!(
        during.len(),
        live,
        "one card per pod of the scenario's Deployments"
    );
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

/// A scenario that takes seconds to simulate in a debug build, with a small canvas (a frame
/// that draws ten thousand cards is slow for reasons of its own).
fn long_scenario() -> String {
    common::long_eks_scenario(300)
}

#[test]
fn a_large_edit_is_simulated_in_the_background_while_the_old_version_plays() {
    let dir = std::env::temp_dir().join(format!("orca-reload-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("s.ron");
    std::fs::write(&file, library::BUILT_IN[0].1).expect("write");
    let (scenario, source) = library::load_file(&file).expect("loads");
    let mut app = app_for(scenario, source, Progress::default());
    let title = player(&app).scenario().title.clone();
    act(&mut app, Actions::TogglePlay);
    std::fs::write(&file, long_scenario()).expect("write");
    // While it loads, frames go on: the old version plays and the progress is there to show.
    let started = std::time::Instant::now();
    let longest = update_until(&mut app, 60, |p| p.loading.is_some());
    let mut fractions = vec![];
    let longest = longest.max(update_until(&mut app, 600, |p| {
        if let Some(l) = &p.loading {
            assert!(l.reload);
            assert_eq!(p.scenario().title, title, "the old version runs meanwhile");
            fractions.push(l.fraction());
        }
        p.scenario().title == "Long"
    }));
    let load = started.elapsed();
    assert!(
        longest * 3 < load,
        "a frame took {longest:?} of the {load:?} the reload took: the simulation must not run on the main thread"
    );
    assert!(fractions.len() > 3, "the load took several frames");
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert!(player(&app).load_error.is_none());
    assert_eq!(player(&app).end(), SimTime::from_secs(86_400));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn opening_a_large_scenario_shows_it_at_once_and_plays_once_simulated() {
    let dir = std::env::temp_dir().join(format!("orca-open-big-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("long.ron");
    std::fs::write(&file, long_scenario()).expect("write");
    let (scenario, source) = library::load_file(&file).expect("loads");
    let started = std::time::Instant::now();
    let opened = Player::open(scenario.clone(), source.clone(), Progress::default());
    let took = started.elapsed();
    let mut app = App::new();
    app.add_plugins(MinimalPlugins)
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
            100,
        )))
        .insert_resource(ButtonInput::<KeyCode>::default())
        .insert_resource(opened)
        .add_plugins(CorePlugin);
    app.update();
    {
        let p = player(&app);
        assert!(p.opening(), "the run is still being simulated");
        assert_eq!(p.scenario().title, "Long");
        assert_eq!(p.end(), SimTime::from_secs(86_400), "the length to come");
        assert!(
            !cards(&mut app).is_empty(),
            "the cluster at 0:00 is on the canvas"
        );
    }
    // Play pressed while it loads starts once the run is there.
    act(&mut app, Actions::TogglePlay);
    assert_eq!(player(&app).now(), SimTime::ZERO);
    let longest = update_until(&mut app, 600, |p| !p.opening());
    let whole_run = started.elapsed();
    assert!(
        took * 4 < whole_run && longest * 3 < whole_run,
        "opening ({took:?}) and each frame ({longest:?} at most) must not wait for the run ({whole_run:?})"
    );
    assert!(player(&app).playing);
    app.update();
    assert!(player(&app).now() > SimTime::ZERO, "it plays");
    assert_eq!(player(&app).end(), SimTime::from_secs(86_400));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn switching_scenarios_while_one_loads_drops_the_first() {
    let big = Arc::new(orca_sim::scenario::parse("long.ron", &long_scenario()).expect("parses"));
    let mut p = Player::open(big, ScenarioSource::BuiltIn("big"), Progress::default());
    assert!(p.opening());
    let small = library::built_in("ecs-tight-capacity").expect("built-in");
    p.switch_scenario(small, ScenarioSource::BuiltIn("ecs-tight-capacity"));
    let started = std::time::Instant::now();
    while p.finish_loading().is_none() {
        assert!(started.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(p.source, ScenarioSource::BuiltIn("ecs-tight-capacity"));
    assert!(p.loading.is_none());
}

#[test]
fn seeking_past_an_unanswered_prediction_asks_it_first_and_hides_its_moment() {
    let mut app = app_with("ecs-rolling-update", Progress::default());
    let moments = player(&app).playback.quiz_moments().to_vec();
    let first = moments[0].clone();
    assert!(first.predict);
    // Nothing from the question's moment on is shown before it is answered.
    assert_eq!(player(&app).hidden_from(), Some(first.at));
    // Dragging the timeline (or End) past it stops just before its moment and asks it.
    {
        let mut p = app.world_mut().resource_mut::<Player>();
        p.seek_asking(SimTime::from_secs(400));
    }
    app.update();
    let p = player(&app);
    assert_eq!(p.now(), first.pause_at());
    assert_eq!(p.quiz.as_ref().map(|q| q.moment), Some(0));
    assert!(
        p.playback.log().iter().all(|e| e.at < first.at),
        "the log shows nothing from the moment the prediction asks about"
    );
    // Dragging further while it is open keeps it open where it is.
    {
        let mut p = app.world_mut().resource_mut::<Player>();
        p.seek_asking(SimTime::from_secs(500));
    }
    assert_eq!(player(&app).now(), first.pause_at());
    assert!(player(&app).quiz.is_some());
    // Once answered (right or wrong), seeking past it is free, up to the next prediction.
    act(&mut app, Actions::Pick(0));
    act(&mut app, Actions::Confirm);
    act(&mut app, Actions::Confirm);
    let next_prediction = moments.iter().skip(1).find(|m| m.predict).map(|m| m.at);
    assert_eq!(player(&app).hidden_from(), next_prediction);
    {
        let mut p = app.world_mut().resource_mut::<Player>();
        p.playing = false;
        p.seek_asking(SimTime::from_secs(400));
    }
    let p = player(&app);
    match next_prediction {
        Some(at) if at <= SimTime::from_secs(400) => assert!(p.quiz.is_some()),
        _ => {
            assert_eq!(p.now(), SimTime::from_secs(400));
            assert!(p.quiz.is_none());
        }
    }
}

#[test]
fn a_retake_is_practice_the_score_keeps_the_first_attempt() {
    let mut app = app_with("ecs-rolling-update", Progress::default());
    let first = player(&app).playback.quiz_moments()[0].clone();
    let quiz = player(&app).scenario().quizzes[first.quiz].clone();
    let wrong = (0..quiz.choices.len())
        .find(|c| !quiz.correct.contains(c))
        .expect("a wrong choice");
    let answer = |app: &mut App, choice: usize| {
        let shown = player(app)
            .quiz
            .as_ref()
            .and_then(|q| q.order.iter().position(|&c| c == choice))
            .expect("shown");
        act(app, Actions::Pick(shown));
        act(app, Actions::Confirm);
    };
    {
        let mut p = app.world_mut().resource_mut::<Player>();
        p.seek_asking(SimTime::from_secs(400));
    }
    answer(&mut app, wrong);
    assert_eq!(player(&app).score().0, 0);
    // Restart and answer right: a retake, with the next attempt's order.
    act(&mut app, Actions::Confirm);
    act(&mut app, Actions::Restart);
    {
        let mut p = app.world_mut().resource_mut::<Player>();
        p.playing = true;
    }
    update_until(&mut app, 30, |p| p.quiz.is_some());
    assert_eq!(
        player(&app).quiz.as_ref().map(|q| q.order.clone()),
        Some(orca_sim::rng::choice_order(
            player(&app).scenario().seed,
            &quiz.id,
            1,
            quiz.choices.len()
        ))
    );
    answer(&mut app, quiz.correct[0]);
    let p = player(&app);
    assert_eq!(p.score().0, 0, "the first attempt counts");
    let key = ScenarioSource::BuiltIn("ecs-rolling-update").progress_key();
    let record = p.progress.record_of(&key, &quiz.id).expect("recorded");
    assert!(!record.first.correct);
    assert_eq!(record.retakes.len(), 1);
    assert!(record.last().correct);
    assert_eq!(record.topic.as_deref(), Some("deployments"));
}

#[test]
fn an_intervention_then_step_back_and_seek_equals_a_straight_run_with_it() {
    use orca_sim::console::{self, Context, Outcome};
    let mut app = app_with("ecs-sandbox-stuck-rollout", Progress::default());
    player_seek(&mut app, SimTime(95_250));
    // The learner unsticks the rollout from the console, as the panel does.
    let actions = {
        let p = &player(&app).playback;
        let no_files = |path: &str| Err(format!("no such file: {path}"));
        let cx = Context {
            world: p.world(),
            scenario: p.scenario(),
            now: p.now(),
            log: p.log(),
            files: &no_files,
            queries: None,
        };
        match console::execute(
            "aws ecs update-service --cluster demo --service web --deployment-configuration maximumPercent=200",
            &cx,
        ) {
            Outcome::Act { actions, .. } => actions,
            other => panic!("did not act: {other:?}"),
        }
    };
    app.world_mut()
        .resource_mut::<Player>()
        .intervene(actions.clone());
    app.update();
    // Play on, step back past the intervention, then seek forward again.
    player_seek(&mut app, SimTime::from_secs(240));
    let later = player(&app).now();
    while player(&app).now() > SimTime::from_secs(60) {
        act(&mut app, Actions::StepBack);
    }
    player_seek(&mut app, later);
    // A fresh run with the intervention in its timeline, straight to the same moment.
    let scenario = player(&app).playback.scenario().clone();
    let fresh = {
        let s = library::built_in("ecs-sandbox-stuck-rollout").expect("built-in");
        let mut p = orca_sim::Playback::new(s);
        p.seek(SimTime(95_250));
        for a in actions {
            p.intervene(a);
        }
        p.seek(later);
        p
    };
    assert_eq!(player(&app).playback.world(), fresh.world());
    assert_eq!(player(&app).playback.log(), fresh.log());
    // And the saved session is that same timeline: a straight Simulation gives the same world.
    let mut straight = orca_sim::Simulation::new(scenario);
    straight.advance_to(later);
    assert_eq!(player(&app).playback.world(), straight.world());
    assert!(
        player(&app)
            .playback
            .log()
            .iter()
            .any(|e| e.message().contains("web:2")),
        "the rollout moved after the intervention"
    );
}

#[test]
fn a_review_click_opens_the_scenario_at_the_quiz_moment_and_asks_it() {
    use orca::app::actions::Review;
    use orca::progress::unix_now;
    use orca::review;
    let name = "ecs-rolling-update";
    let scenario = library::built_in(name).expect("built-in scenario");
    let key = ScenarioSource::BuiltIn(name).progress_key();
    let moments = orca_sim::Playback::new(scenario.clone())
        .quiz_moments()
        .to_vec();
    assert!(moments.len() >= 2, "a scenario with more than one question");
    // The last question was missed; every other one was right at the first try.
    let target = moments.last().expect("a moment").clone();
    let quiz = scenario.quizzes[target.quiz].clone();
    let wrong = (0..quiz.choices.len())
        .find(|c| !quiz.correct.contains(c))
        .expect("a wrong choice");
    let mut progress = Progress::default();
    for m in &moments {
        let q = &scenario.quizzes[m.quiz];
        let (picked, right) = if q.id == quiz.id {
            (vec![wrong], false)
        } else {
            (q.correct.clone(), true)
        };
        progress.record(&key, &q.id, q.topic.as_deref(), picked, right);
    }
    let due = review::schedule(&progress, unix_now());
    assert_eq!(
        due.due.iter().map(|d| d.quiz.as_str()).collect::<Vec<_>>(),
        [quiz.id.as_str()]
    );
    // Another scenario is shown; the review list's button sends this.
    let mut app = app_with("eks-probes", progress);
    {
        let mut ui = app
            .world_mut()
            .resource_mut::<orca::app::ui_state::UiState>();
        ui.show_progress = true;
        ui.show_picker = true;
    }
    app.world_mut().write_message(Review {
        key: key.clone(),
        quiz: quiz.id.clone(),
    });
    update_until(&mut app, 60, |p| p.quiz.is_some());
    let ui = app.world().resource::<orca::app::ui_state::UiState>();
    assert!(
        !ui.show_progress && !ui.show_picker,
        "nothing covers the quiz"
    );
    let p = player(&app);
    assert_eq!(p.source, ScenarioSource::BuiltIn(name));
    assert_eq!(p.now(), target.pause_at(), "at the question's moment");
    assert!(!p.playing);
    let open = p.quiz.clone().expect("asked");
    assert_eq!(p.scenario().quizzes[moments[open.moment].quiz].id, quiz.id);
    // A retake: the second attempt's order of choices.
    assert_eq!(
        open.order,
        orca_sim::rng::choice_order(scenario.seed, &quiz.id, 1, quiz.choices.len())
    );
    // Answered right, it is recorded as a retake and leaves the list for a day.
    for c in &quiz.correct {
        let shown = open.order.iter().position(|x| x == c).expect("shown");
        act(&mut app, Actions::Pick(shown));
    }
    act(&mut app, Actions::Confirm);
    let p = player(&app);
    let record = p.progress.record_of(&key, &quiz.id).expect("recorded");
    assert!(!record.first.correct, "the first attempt stays what counts");
    assert_eq!(record.retakes.len(), 1);
    assert!(record.last().correct);
    let now = unix_now();
    let after = review::schedule(&p.progress, now);
    assert!(after.due.is_empty(), "{after:?}");
    let next = after.next_due_at.expect("due again later");
    assert!(next > now + review::DAY_SECS - 60 && next <= now + review::DAY_SECS);
    // Reviewing a question of the scenario shown asks it at once, here the first one.
    act(&mut app, Actions::Confirm);
    let first = moments[0].clone();
    let first_id = scenario.quizzes[first.quiz].id.clone();
    app.world_mut().write_message(Review {
        key,
        quiz: first_id.clone(),
    });
    app.update();
    let p = player(&app);
    assert_eq!(p.now(), first.pause_at());
    let open = p.quiz.as_ref().expect("asked at once");
    assert_eq!(p.scenario().quizzes[moments[open.moment].quiz].id, first_id);
}

#[test]
fn t_switches_the_canvas_to_the_light_theme_and_back() {
    use orca::app::canvas::palette::paint;
    use orca::app::ui_state::UiState;
    use orca::settings::Theme;
    let mut app = app_with("ecs-rolling-update", Progress::default());
    player_seek(&mut app, SimTime::from_secs(56));
    let press = |app: &mut App, k: KeyCode| {
        app.world_mut()
            .resource_mut::<ButtonInput<KeyCode>>()
            .press(k);
        app.update();
        let mut input = app.world_mut().resource_mut::<ButtonInput<KeyCode>>();
        input.release(k);
        input.clear();
        app.update();
    };
    // Every card's fill is its state's colour in the theme, as opaque cards show it.
    let fills_match = |app: &mut App, theme: Theme| {
        let mut q = app.world_mut().query::<(&CardAnim, &Sprite)>();
        let mut n = 0;
        for (anim, sprite) in q.iter(app.world()) {
            if sprite.color.alpha() < 1.0 {
                continue;
            }
            let want = paint(theme, anim.state.color()).to_srgba();
            let got = sprite.color.to_srgba();
            assert!(
                (want.red - got.red).abs() < 1e-3
                    && (want.green - got.green).abs() < 1e-3
                    && (want.blue - got.blue).abs() < 1e-3,
                "{:?}: {got:?} is not {want:?}",
                anim.state
            );
            n += 1;
        }
        n
    };
    assert!(fills_match(&mut app, Theme::Dark) > 0);
    press(&mut app, KeyCode::KeyT);
    assert_eq!(app.world().resource::<UiState>().theme, Theme::Light);
    assert!(fills_match(&mut app, Theme::Light) > 0);
    press(&mut app, KeyCode::KeyT);
    assert_eq!(app.world().resource::<UiState>().theme, Theme::Dark);
    assert!(fills_match(&mut app, Theme::Dark) > 0);
}

#[test]
fn a_paused_canvas_moves_its_cards_to_a_new_layout() {
    use orca::app::canvas::sync::Canvas;
    use orca::app::canvas::view::CanvasView;
    // Nothing plays: only the canvas's shape changes, as when the console opens or closes.
    let mut app = app_with("ecs-cluster-auto-scaling", Progress::default());
    // At 4:00 the group has grown: tasks run on hosts after the first of their zone.
    player_seek(&mut app, SimTime::from_secs(240));
    assert!(!player(&app).playing);
    let targets = |app: &App| -> std::collections::HashMap<_, Vec2> {
        let scene = &app.world().resource::<Canvas>().scene;
        scene
            .cards
            .iter()
            .map(|c| (c.key, c.area.center()))
            .collect()
    };
    let shaped = |app: &mut App, size: Vec2| {
        app.world_mut().resource_mut::<CanvasView>().viewport = Some(size);
        // 1.2 s of wall time in steps of 100 ms: more than a card's 0.9 s move.
        for _ in 0..12 {
            app.update();
        }
    };
    shaped(&mut app, Vec2::new(1600.0, 400.0));
    let wide = targets(&app);
    shaped(&mut app, Vec2::new(500.0, 900.0));
    let tall = targets(&app);
    assert!(!tall.is_empty());
    assert!(
        tall.iter().any(|(k, at)| wide.get(k) != Some(at)),
        "the two shapes place the cards differently"
    );
    let mut q = app.world_mut().query::<&CardAnim>();
    for anim in q.iter(app.world()) {
        let target = tall[&anim.key];
        assert!(
            anim.position().distance(target) < 0.01,
            "{} stays at {:?}, its place is {target:?}",
            anim.task_id,
            anim.position()
        );
    }
}
