//! Any text either is refused with errors or runs to its end: no panic, no overflow (the
//! release profile here keeps overflow checks and debug assertions on), bounded time.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use orca_sim::{Playback, Simulation};

/// Fewer events than a real run may log, so each input takes milliseconds.
const EVENTS: usize = 20_000;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        // Non-UTF-8 files are refused with a located message; the parser sees only text.
        return;
    };
    let Ok(scenario) = orca_sim::scenario::parse("fuzz.ron", src) else {
        return;
    };
    let scenario = Arc::new(scenario);
    let mut sim = Simulation::new(scenario.clone()).with_event_limit(EVENTS);
    sim.advance_to(sim.end());
    // Seeking back and forth must agree with the straight run.
    let mut playback = Playback::of(Simulation::new(scenario).with_event_limit(EVENTS));
    let end = playback.end();
    playback.seek(end);
    assert_eq!(playback.world(), sim.world());
    playback.seek(orca_sim::SimTime(end.millis() / 2));
});
