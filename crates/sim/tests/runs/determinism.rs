//! Same scenario and seed → same run; another seed → other ids; seeking, snapshots and
//! stepping give exactly what playing straight through gives.

use crate::common;

use common::EcsPart;

use std::collections::BTreeSet;
use std::sync::Arc;

use orca_sim::{Event, Playback, Scenario, SimTime, Simulation, Subject};

fn run_to(s: &Arc<Scenario>, t: SimTime) -> Simulation {
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(t);
    sim
}

fn json(log: &[Event]) -> String {
    serde_json::to_string(log).expect("events serialize")
}

/// Task ids (ECS) and pod names (EKS) a log names.
fn ids(log: &[Event]) -> BTreeSet<String> {
    log.iter()
        .flat_map(|e| e.subjects.iter())
        .filter_map(|s| match s {
            Subject::Task(id) => Some(id.to_string()),
            Subject::Pod(id) => Some(id.to_string()),
            _ => None,
        })
        .collect()
}

/// Moments to seek to: forward in steps, backward, around snapshot boundaries, out of range
/// and pseudo-random (xorshift, fixed seed).
fn seek_times(end: u64) -> Vec<u64> {
    let mut times: Vec<u64> = (0..=40).map(|i| end * i / 40).collect();
    times.extend((0..=40).rev().map(|i| (end * i / 40 + 777).min(end)));
    times.extend([31_000, 5, 999_999_999, 45_678, 12_345, 0, end, end - 1, 1]);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..40 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        times.push(x % (end + 1));
    }
    times
}

#[test]
fn the_same_scenario_gives_the_same_log_and_world_every_time() {
    for (name, s) in common::built_in() {
        let end = SimTime::from_secs_f64(s.duration);
        let a = run_to(&s, end);
        // A fresh parse of the same text, not just the same Arc.
        let b = run_to(&Arc::new((*s).clone()), end);
        assert!(!a.log().is_empty(), "{name}: nothing happened");
        assert_eq!(json(a.log()), json(b.log()), "{name}: logs differ");
        assert_eq!(a.world(), b.world(), "{name}: worlds differ");
        assert_eq!(
            serde_json::to_string(a.world()).expect("world serializes"),
            serde_json::to_string(b.world()).expect("world serializes"),
            "{name}: serialized worlds differ"
        );
    }
}

#[test]
fn another_seed_gives_other_task_ids() {
    for (name, s) in common::built_in() {
        let end = SimTime::from_secs_f64(s.duration);
        let mut other = (*s).clone();
        other.seed = other.seed.wrapping_add(1);
        let a = run_to(&s, end);
        let b = run_to(&Arc::new(other), end);
        let (ia, ib) = (ids(a.log()), ids(b.log()));
        if matches!(s.world, orca_sim::scenario::spec::WorldSpec::Ecs(_)) {
            assert!(!ia.is_empty(), "{name}: no task ids");
            assert!(
                ia.is_disjoint(&ib),
                "{name}: task ids shared across seeds: {:?}",
                ia.intersection(&ib).collect::<Vec<_>>()
            );
            let world_ids = |sim: &Simulation| -> BTreeSet<String> {
                sim.world()
                    .ecs_cluster()
                    .tasks
                    .iter()
                    .map(|t| t.id.to_string())
                    .collect()
            };
            assert!(world_ids(&a).is_disjoint(&world_ids(&b)), "{name}");
        } else {
            // Pods a log may not name (a sandbox logs none until the learner acts): compare
            // the world's. A StatefulSet's pods have stable names (`web-0`) whatever the
            // seed: their uids must differ instead.
            let pods = |sim: &Simulation| -> BTreeSet<String> {
                let eks = sim.world().eks.as_ref().expect("an EKS scenario");
                (0..eks.pods.len())
                    .map(|p| match orca_sim::k8s::statefulset::ordinal(eks, p) {
                        Some(_) => format!("uid {}", eks.pods[p].uid),
                        None => eks.pods[p].name.clone(),
                    })
                    .collect()
            };
            assert!(!pods(&a).is_empty(), "{name}: no pods");
            assert!(
                pods(&a).is_disjoint(&pods(&b)),
                "{name}: the same pod names with another seed"
            );
        }
    }
}

#[test]
fn seeking_anywhere_in_any_order_equals_a_straight_run() {
    for (name, s) in common::built_in() {
        let mut playback = Playback::new(s.clone());
        let end = playback.end();
        let full = playback.full_log().clone();
        for t in seek_times(end.millis()) {
            let t = SimTime(t.min(end.millis()));
            playback.seek(t);
            let straight = run_to(&s, t);
            assert_eq!(playback.now(), t, "{name} @ {t}");
            assert_eq!(playback.world(), straight.world(), "{name}: world @ {t}");
            assert_eq!(playback.log(), straight.log(), "{name}: log @ {t}");
            // The log so far is exactly the prefix of the whole run up to and including `t`.
            let n = full.partition_point(|e| e.at <= t);
            assert_eq!(playback.log(), &full[..n], "{name}: log prefix @ {t}");
        }
        // Seeking past the end clamps to the end.
        playback.seek(SimTime(u64::MAX));
        assert_eq!(playback.now(), end, "{name}");
        assert_eq!(playback.log(), &full[..], "{name}");
    }
}

#[test]
fn snapshot_restore_then_continue_equals_a_straight_run() {
    for (name, s) in common::built_in() {
        let end = SimTime::from_secs_f64(s.duration).millis();
        for (at, wander, to) in [
            (end / 10, end / 2, end),
            (end / 3, end, end * 2 / 3),
            (0, end / 4, end / 5),
        ] {
            let (at, wander, to) = (SimTime(at), SimTime(wander), SimTime(to));
            let mut sim = run_to(&s, at);
            let snap = sim.snapshot();
            assert_eq!(snap.at(), at);
            sim.advance_to(wander);
            sim.restore(&snap);
            assert_eq!(sim.now(), at, "{name}");
            sim.advance_to(to);
            let straight = run_to(&s, to);
            assert_eq!(
                sim.world(),
                straight.world(),
                "{name}: {at} → {wander} → {to}"
            );
            assert_eq!(sim.log(), straight.log(), "{name}: {at} → {wander} → {to}");
        }
    }
}

#[test]
fn restoring_a_later_snapshot_refills_the_log_from_the_full_run() {
    for (name, s) in common::built_in() {
        let end = SimTime::from_secs_f64(s.duration);
        let full = run_to(&s, end);
        let mid = SimTime(end.millis() * 3 / 4);
        let later = run_to(&s, mid).snapshot();
        let mut sim = run_to(&s, SimTime(end.millis() / 4));
        sim.restore_with_log(&later, full.log());
        let straight = run_to(&s, mid);
        assert_eq!(sim.world(), straight.world(), "{name}");
        assert_eq!(sim.log(), straight.log(), "{name}");
        sim.advance_to(end);
        assert_eq!(sim.world(), full.world(), "{name}");
        assert_eq!(sim.log(), full.log(), "{name}");
    }
}

#[test]
fn stepping_instant_by_instant_equals_advancing_at_once() {
    for (name, s) in common::built_in() {
        let end = SimTime::from_secs_f64(s.duration);
        let mut stepped = Simulation::new(s.clone());
        let mut last = SimTime::ZERO;
        while stepped.next_due().is_some_and(|t| t <= end) {
            let at = stepped.step().expect("something was due");
            assert!(at >= last, "{name}: time went back from {last} to {at}");
            last = at;
        }
        stepped.advance_to(end);
        let once = run_to(&s, end);
        assert_eq!(stepped.world(), once.world(), "{name}");
        assert_eq!(stepped.log(), once.log(), "{name}");

        let mut by_event = Simulation::new(s.clone());
        while by_event.advance_to_next_event(end).is_some() {}
        assert_eq!(by_event.now(), end, "{name}");
        assert_eq!(by_event.world(), once.world(), "{name}");
        assert_eq!(by_event.log(), once.log(), "{name}");
    }
}

#[test]
fn advancing_in_small_steps_equals_advancing_at_once() {
    for (name, s) in common::built_in() {
        let end = SimTime::from_secs_f64(s.duration);
        let mut sim = Simulation::new(s.clone());
        let mut t = SimTime::ZERO;
        while t < end {
            // 7.3 s: steps that fall between, on and across event instants.
            t = SimTime((t.millis() + 7_300).min(end.millis()));
            sim.advance_to(t);
            assert_eq!(sim.now(), t);
        }
        let once = run_to(&s, end);
        assert_eq!(sim.world(), once.world(), "{name}");
        assert_eq!(sim.log(), once.log(), "{name}");
    }
}

/// The scenario with `entries` added to the end of its timeline.
fn with_timeline(
    s: &Scenario,
    entries: &[(SimTime, orca_sim::scenario::spec::Action)],
) -> Arc<Scenario> {
    let mut s = s.clone();
    for (at, action) in entries {
        s.timeline.push(orca_sim::scenario::spec::TimelineEntry {
            at: at.secs_f64(),
            action: action.clone(),
            notes: String::new(),
        });
    }
    Arc::new(s)
}

fn scale_web(n: u32) -> orca_sim::scenario::spec::Action {
    orca_sim::scenario::spec::Action::UpdateService {
        service: "web".into(),
        task_definition: None,
        desired_count: Some(n),
        force_new_deployment: false,
        minimum_healthy_percent: None,
        maximum_percent: None,
        circuit_breaker: None,
        health_check_grace_period_seconds: None,
        volume_configurations: None,
    }
}

#[test]
fn an_intervention_gives_what_a_fresh_run_with_it_in_the_timeline_gives() {
    let s = common::built_in()
        .into_iter()
        .find(|(n, _)| n == "ecs-rolling-update")
        .map(|(_, s)| s)
        .expect("built-in scenario");
    let mut playback = Playback::new(s.clone());
    // Two interventions at moments that are not on a snapshot boundary.
    let (t1, t2) = (SimTime(47_321), SimTime(93_004));
    playback.seek(t1);
    playback.intervene(scale_web(6));
    assert_eq!(playback.now(), t1, "playback stays at the moment");
    playback.seek(t2);
    playback.intervene(scale_web(2));
    let fresh = with_timeline(&s, &[(t1, scale_web(6)), (t2, scale_web(2))]);
    let mut straight = Simulation::new(fresh.clone());
    straight.advance_to(straight.end());
    assert_eq!(
        playback.full_log().as_slice(),
        straight.log(),
        "the whole run equals a fresh run with the interventions in its timeline"
    );
    assert!(
        straight
            .log()
            .iter()
            .any(|e| e.at == t1 && e.message().contains("--desired-count 6")),
        "the intervention is logged at its moment"
    );
    for t in seek_times(playback.end().millis()) {
        let t = SimTime(t);
        playback.seek(t);
        let direct = run_to(&fresh, t.min(playback.end()));
        assert_eq!(playback.world(), direct.world(), "world @ {t}");
        assert_eq!(playback.log(), direct.log(), "log @ {t}");
    }
}

#[test]
fn undoing_the_last_intervention_gives_back_the_run_without_it() {
    for (name, s) in common::built_in() {
        let mut playback = Playback::new(s.clone());
        let original = playback.full_log().clone();
        let at = SimTime(playback.end().millis() / 3);
        playback.seek(at);
        playback.intervene(orca_sim::scenario::spec::Action::Note(
            "learner note".into(),
        ));
        assert_eq!(playback.interventions().len(), 1);
        assert_ne!(playback.full_log(), &original, "{name}: the note is logged");
        let undone = playback.undo_intervention().expect("one to undo");
        assert_eq!(undone.at, at);
        assert_eq!(playback.full_log(), &original, "{name}");
        assert_eq!(playback.scenario().timeline, s.timeline, "{name}");
        let mut straight = run_to(&s, at);
        playback.seek(at);
        assert_eq!(playback.world(), straight.world(), "{name}");
        straight.advance_to(playback.end());
        playback.seek(playback.end());
        assert_eq!(playback.world(), straight.world(), "{name}");
        assert!(playback.undo_intervention().is_none());
    }
}

#[test]
fn an_intervention_at_time_zero_equals_a_fresh_run_with_it() {
    let s = common::built_in()
        .into_iter()
        .find(|(n, _)| n == "ecs-rolling-update")
        .map(|(_, s)| s)
        .expect("built-in scenario");
    let mut playback = Playback::new(s.clone());
    playback.intervene(scale_web(5));
    let fresh = with_timeline(&s, &[(SimTime::ZERO, scale_web(5))]);
    let mut straight = Simulation::new(fresh);
    straight.advance_to(straight.end());
    assert_eq!(playback.full_log().as_slice(), straight.log());
    assert!(
        playback
            .full_log()
            .iter()
            .any(|e| e.at == SimTime::ZERO && e.message().contains("--desired-count 5"))
    );
}

#[test]
fn a_run_stops_at_the_event_limit_and_says_so() {
    let s = common::built_in()
        .into_iter()
        .find(|(n, _)| n == "ecs-rolling-update")
        .map(|(_, s)| s)
        .expect("built-in scenario");
    let mut full = Simulation::new(s.clone());
    full.advance_to(full.end());
    let limit = full.log().len() / 2;
    let mut sim = Simulation::new(s.clone()).with_event_limit(limit);
    sim.advance_to(sim.end());
    let halted = sim.halted_at().expect("the run stopped early");
    assert_eq!(sim.end(), halted);
    let last = sim.log().last().expect("events");
    assert!(matches!(last.kind, orca_sim::EventKind::RunStopped { events } if events == limit));
    assert!(
        last.message()
            .starts_with(&format!("Orca stopped this run at {halted}"))
    );
    // Up to the stop, the run is the full run.
    assert_eq!(
        sim.log()[..sim.log().len() - 1],
        full.log()[..sim.log().len() - 1]
    );
    // Playback ends there too and seeks stay within it.
    let mut playback = Playback::of(Simulation::new(s).with_event_limit(limit));
    assert_eq!(playback.end(), halted);
    playback.seek(SimTime(u64::MAX / 4));
    assert_eq!(playback.now(), halted);
    assert_eq!(playback.log(), sim.log());
}

#[test]
fn snapshots_thin_out_within_their_budget_and_seeking_still_equals_a_straight_run() {
    let s = common::built_in()
        .into_iter()
        .find(|(n, _)| n == "ecs-rolling-update")
        .map(|(_, s)| s)
        .expect("built-in scenario");
    // A snapshot every 20 timers: many of them, sharing most of their tasks.
    let roomy = Playback::with_snapshots(Simulation::new(s.clone()), usize::MAX, 20);
    let one = {
        let mut sim = Simulation::new(s.clone());
        sim.advance_to(sim.end());
        sim.snapshot().approx_bytes()
    };
    assert!(
        roomy.snapshot_bytes() < one * roomy.snapshot_count() / 2,
        "{} snapshots share what nothing wrote to: {} bytes, {one} each alone",
        roomy.snapshot_count(),
        roomy.snapshot_bytes()
    );
    // Room for a third of them.
    let budget = roomy.snapshot_bytes() / 3;
    let mut tight = Playback::with_snapshots(Simulation::new(s.clone()), budget, 20);
    assert!(
        tight.snapshot_bytes() <= budget && tight.snapshot_count() < roomy.snapshot_count(),
        "{} snapshots ({} bytes) within {budget} bytes, {} without",
        tight.snapshot_count(),
        tight.snapshot_bytes(),
        roomy.snapshot_count()
    );
    for t in seek_times(tight.end().millis()) {
        let t = SimTime(t);
        tight.seek(t);
        let direct = run_to(&s, t.min(tight.end()));
        assert_eq!(tight.world(), direct.world(), "world @ {t}");
        assert_eq!(tight.log(), direct.log(), "log @ {t}");
    }
}
