//! Same scenario and seed → same run; seeking anywhere equals playing straight through.

mod common;

use std::sync::Arc;

use orca_sim::{Playback, SimTime, Simulation};

#[test]
fn the_same_scenario_gives_the_same_log_and_world_every_time() {
    for (name, s) in common::built_in() {
        let mut a = Simulation::new(s.clone());
        let mut b = Simulation::new(s.clone());
        let end = a.end();
        a.advance_to(end);
        b.advance_to(end);
        let ja = serde_json::to_string(a.log()).expect("json");
        let jb = serde_json::to_string(b.log()).expect("json");
        assert_eq!(ja, jb, "{name}: logs differ");
        assert_eq!(a.world(), b.world(), "{name}: worlds differ");
    }
}

#[test]
fn another_seed_gives_other_task_ids() {
    let (_, s) = common::built_in().remove(0);
    let mut other = (*s).clone();
    other.seed = other.seed.wrapping_add(1);
    let a = common::run_log(&s);
    let b = common::run_log(&Arc::new(other));
    assert_ne!(a, b);
}

#[test]
fn seeking_anywhere_equals_a_straight_run() {
    for (name, s) in common::built_in() {
        let mut playback = Playback::new(s.clone());
        let end = playback.end().millis();
        // Forward, backward and scattered moments, including snapshot boundaries and the end.
        let mut times: Vec<u64> = (0..=40).map(|i| end * i / 40).collect();
        times.extend((0..=40).rev().map(|i| end * i / 40 + 777));
        times.extend([31_000, 5, 999_999_999, 45_678, 12_345, 0, end]);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..40 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            times.push(x % (end + 1));
        }
        for t in times {
            let t = SimTime(t.min(end));
            playback.seek(t);
            let mut straight = Simulation::new(s.clone());
            straight.advance_to(t);
            assert_eq!(playback.now(), t, "{name} @ {t}");
            assert_eq!(playback.world(), straight.world(), "{name}: world @ {t}");
            assert_eq!(playback.log(), straight.log(), "{name}: log @ {t}");
        }
    }
}

#[test]
fn snapshot_restore_then_continue_equals_a_straight_run() {
    let (_, s) = common::built_in().remove(1);
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(SimTime::from_secs(50));
    let snap = sim.snapshot();
    sim.advance_to(SimTime::from_secs(200));
    sim.restore(&snap);
    assert_eq!(sim.now(), SimTime::from_secs(50));
    sim.advance_to(SimTime::from_secs(300));
    let mut straight = Simulation::new(s);
    straight.advance_to(SimTime::from_secs(300));
    assert_eq!(sim.world(), straight.world());
    assert_eq!(sim.log(), straight.log());
}

#[test]
fn stepping_event_by_event_equals_advancing_at_once() {
    let (_, s) = common::built_in().remove(2);
    let mut stepped = Simulation::new(s.clone());
    let end = stepped.end();
    while stepped.advance_to_next_event(end).is_some() {}
    stepped.advance_to(end);
    let mut once = Simulation::new(s);
    once.advance_to(end);
    assert_eq!(stepped.world(), once.world());
    assert_eq!(stepped.log(), once.log());
}
