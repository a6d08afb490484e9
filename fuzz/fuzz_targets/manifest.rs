//! Any file `orca import` or `kubectl apply -f` is given either is refused with a located error
//! or becomes a scenario that `orca check` accepts and that runs: no panic, bounded time. Text
//! that starts with `{` is read as ECS JSON, anything else as Kubernetes YAML, as `orca import`
//! decides; the seed corpus is `crates/sim/tests/import`.
#![no_main]

use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use orca_sim::manifest::import::{Input, import};
use orca_sim::{Simulation, SimTime};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = "fuzz.yaml";
    // What the console's `kubectl apply -f` reads first.
    let _ = orca_sim::manifest::read_k8s(name, text);
    let input = Input {
        name: name.to_string(),
        text: text.to_string(),
    };
    let Ok(imported) = import(&[input], "Fuzz") else {
        return;
    };
    // `import` checked the scenario as `orca check` does; it must also run.
    let mut sim = Simulation::new(Arc::new(imported.scenario)).with_event_limit(20_000);
    sim.advance_to(SimTime::from_secs(120).min(sim.end()));
});
