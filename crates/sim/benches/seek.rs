//! Opening and seeking a large run, as the app does: a one-hour Fargate scenario with 10,000
//! tasks (four services of 2,500 behind their target groups, all updated to a new revision at
//! 1:00 with maximumPercent 120), opened with `Playback::new` (the whole run simulated once,
//! with snapshots along the way), then sought to 200 moments drawn at random (seeded, so every
//! run seeks the same moments).
//!
//! Goals (issue "The canvas for a room and for a big cluster"): opening ≤ 2 s, seek p95 ≤ 50 ms.
//! `cargo bench -p orca-sim --bench seek` prints the opening time, the snapshot count and the
//! seek times' median, p95 and maximum; `TASKS=1000` runs the same with 1,000 tasks.
//!
//! Measured 2026-12-04 on the shared 2-core machine (load 9–13 from other builds, so wall
//! times are several times idle; instruction counts from `valgrind --tool=callgrind`, which do
//! not depend on the load, are the comparison to trust):
//! - before: 10,000 tasks opened in 10.95 s wall (184 snapshots), seek median 50.7 ms, p95
//!   99.1 ms, max 226 ms, 461 MB peak RSS. Instructions for opening and the 200 seeks:
//!   1,000 tasks 1.744 G (open 0.449 G, seeks 1.249 G); 4,000 tasks 8.906 G (open 2.037 G,
//!   seeks 6.664 G).
//! - snapshots every 250 timers instead of 500, and the pass's tally finding its gates in one
//!   walk: 1,000 tasks 1.565 G (open 0.438 G, seeks 1.096 G, −12 %); 4,000 tasks 6.518 G
//!   (open 1.976 G, seeks 4.315 G: −35 %). 10,000 tasks: 365 snapshots, 537 MB peak RSS; wall
//!   times under that load (open 29 s, p95 156 ms) said nothing.
//! - and the health gates of one pass sharing their service's lookups: 1,000 tasks 1.545 G
//!   (open 0.435 G, seeks 1.079 G; the gates 0.351 G, were 0.383 G): −11 % in all since before.
//!   Not measured at 4,000 or 10,000 tasks (no time left).
//!
//! - 2026-12-04 at 22:40 UTC, idle, back to back with the 19:40 build: 10,000 tasks open in
//!   0.68–0.76 s (was 0.91–0.94 s), seek median 3.4–3.6 ms (3.8–4.0), p95 5.0–5.4 ms
//!   (5.4–5.7), peak RSS 373 MB (368 MB). A snapshot does not copy the task briefs
//!   (`ecs::task_table`), so the first pass after a seek rebuilds them (20,000 tasks): that
//!   first made seeks slower (median 4.6 ms) until a task kept whether its deployment id reads
//!   back from its key, which the rebuild had parsed from the id's text. Rebuilding a few
//!   hundred briefs per pass instead measured worse (median 10 ms: the missing briefs are
//!   each computed again on every read).
//! - 2026-12-05, after the changes `benches/simulate.rs` dates the same day (not back to back
//!   with an older build), two runs each: before the events shrank to 240 bytes, open
//!   0.58–0.63 s, seek median 2.3–2.9 ms, p95 3.6–4.4 ms, max 10.5–12.7 ms, peak RSS 364 MB;
//!   after, open 0.64–0.66 s, median 2.4–2.9 ms, p95 3.5–4.1 ms, max 7.2–8.6 ms, 341 MB.
//! - 2026-12-05 at 04:10 UTC, one-pointer names and 168-byte events, back to back with the
//!   build before: open 0.60 s → 0.55 s, seek median 2.7 ms both, p95 3.7 ms both, max 7.2 →
//!   6.9 ms, peak RSS 341 MB → 314 MB.
//! - 2026-12-05 at 06:00 UTC, a new machine, the timer queue a radix heap (`radix_heap.rs`;
//!   snapshots clone it): the build before (four runs) and after (three), alternating: open
//!   0.58–0.80 s and 0.55–0.63 s, seek median 2.3–4.2 ms and 2.2–2.6 ms, p95 3.1–5.9 ms and
//!   2.8–3.9 ms, peak RSS 313 MB both: within the machine's noise, no change measured.
//! - 2026-12-05 at 08:35 UTC, the same machine, quieter, back to back with the 06:00 build
//!   (two runs each, alternating), after the changes `benches/simulate.rs` dates 08:40 (shared
//!   names for a task's, instance's and target's texts, 144-byte events, fewer allocations per
//!   pass): open 0.57–0.59 s → 0.51 s, seek median 2.3–2.6 ms → 2.1–2.2 ms, p95 3.2–3.6 ms →
//!   2.7–2.8 ms, max 5.3–6.2 ms → 4.2–4.5 ms, peak RSS 314 MB → 275 MB; the same 182,622 events
//!   and 184 snapshots. Then with subjects packed (128-byte events), two runs each against
//!   that build: open 0.53–0.56 s (0.51–0.61 s), p95 2.7–2.9 ms (2.4–2.7 ms), peak RSS 270 MB
//!   (275 MB): less memory, the times within the noise.
//! - 2026-12-07 at 15:20 UTC, mimalloc (version 2) as the allocator (the app's now), three runs
//!   alternating with the same code on glibc's: seek median 1.2–1.3 ms (1.7–2.3), **p95
//!   1.7–2.2 ms** (2.5–2.9), max 3.4–16.8 ms (4.3–5.0); opening 0.33–0.92 s (0.43–0.52 s):
//!   quicker when the machine gives the allocator's huge pages quickly, slower when it does
//!   not (system time 0.03–0.61 s against 0.09–0.18 s; a version built without huge pages
//!   opened in 0.42–0.45 s and sought at a p95 of 2.2–2.4 ms, but ran the 10,000-task hour of
//!   `simulate` 17 % slower, so they are kept); peak RSS 283 MB (262 MB).
//!
//! Where the time goes (callgrind, 4,000 tasks): the scheduler's passes are ~80 % of all
//! instructions, opening and seeking alike — the health gate of every live task on every pass
//! (~30 %), the pass's tally and counts (`status`, `refresh_counts`: ~20 %), placement spread
//! counts and stops; restoring snapshots ~3 %, event text a few %. A seek costs the replay of
//! up to `WORK_PER_SNAPSHOT` timers, each pass in it linear in the service's tasks: the goals
//! (open ≤ 2 s, p95 ≤ 50 ms) need passes that do not look at every task again.

/// The allocator the app uses (`src/lib.rs`), so the bench measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::Arc;
use std::time::{Duration, Instant};

use orca_sim::{Playback, SimTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SERVICES: usize = 4;
const SIMULATED_SECS: u64 = 3600;
const SEEKS: usize = 200;

fn scenario_text(tasks_per_service: usize) -> String {
    let mut defs = String::new();
    let mut target_groups = String::new();
    let mut services = String::new();
    let mut timeline = String::new();
    for s in 0..SERVICES {
        for rev in 1..=2 {
            defs += &format!(
                "(family: \"svc{s}\", revision: {rev}, cpu: 256, memory: 512, containers: [(name: \"app\", image: \"app:v{rev}\", port: 80)]),\n"
            );
        }
        target_groups += &format!(
            "(name: \"tg{s}\", port: 80, target_type: Ip, health_check: (path: \"/health\"), deregistration_delay_seconds: 30),\n"
        );
        services += &format!(
            "(name: \"svc{s}\", task_definition: \"svc{s}:1\", desired_count: {tasks_per_service}, launch_type: Fargate,
              deployment_configuration: (minimum_healthy_percent: 100, maximum_percent: 120),
              load_balancers: [(target_group: \"tg{s}\", container_name: \"app\", container_port: 80)]),\n"
        );
        timeline += &format!(
            "(at: 60, action: UpdateService(service: \"svc{s}\", task_definition: \"svc{s}:2\")),\n"
        );
    }
    format!(
        "(version: 1, title: \"seek bench\", description: \"seek bench\", seed: 1, duration: {SIMULATED_SECS},
          world: Ecs(cluster: (name: \"big\"), task_definitions: [{defs}],
                     target_groups: [{target_groups}], services: [{services}]),
          timeline: [{timeline}], quizzes: [])"
    )
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let tasks: usize = std::env::var("TASKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let per_service = (tasks / SERVICES).max(1);
    let scenario = orca_sim::scenario::parse("seek-bench.ron", &scenario_text(per_service))
        .unwrap_or_else(|e| panic!("the bench scenario is refused: {e}"));
    let scenario = Arc::new(scenario);

    let started = Instant::now();
    let mut playback = Playback::new(scenario);
    let opened = started.elapsed();
    println!(
        "{} tasks, 1 simulated hour: opened in {:.2} s ({} events, {} snapshots)",
        per_service * SERVICES,
        opened.as_secs_f64(),
        playback.full_log().len(),
        playback.snapshot_count()
    );

    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let end = playback.end().millis();
    let mut times = Vec::with_capacity(SEEKS);
    for _ in 0..SEEKS {
        let t = SimTime(rng.random_range(0..=end));
        let started = Instant::now();
        playback.seek(t);
        times.push(started.elapsed());
        assert_eq!(playback.now(), t, "seek lands where it was asked");
    }
    times.sort();
    println!(
        "{SEEKS} seeks to random moments: median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        percentile(&times, 1.0).as_secs_f64() * 1e3,
    );
}
