//! Console commands against a playback's moment, shared by the console test files: `run` one
//! line, expect it to `printed` or `failed`, or `act` it (its actions become interventions).

use orca_sim::Playback;
use orca_sim::console::{self, Context, Outcome};

/// Files the tests' commands may read: none.
pub fn no_files(path: &str) -> Result<String, String> {
    Err(format!("no such file: {path}"))
}

/// What Tab offers for `line` at the playback's moment.
pub fn completions(p: &Playback, line: &str) -> Vec<String> {
    let cx = Context::at(p, &no_files);
    console::complete::complete(line, &cx).candidates
}

pub fn run(p: &Playback, line: &str) -> Outcome {
    let cx = Context::at(p, &no_files);
    console::execute(line, &cx)
}

pub fn printed(p: &Playback, line: &str) -> String {
    match run(p, line) {
        Outcome::Print(s) => s,
        other => panic!("`{line}` did not print: {other:?}"),
    }
}

/// A command that keeps printing: what it printed at once, and its watch.
pub fn watched(p: &Playback, line: &str) -> (String, console::watch::Watch) {
    match run(p, line) {
        Outcome::Watch { first, watch } => (first, *watch),
        other => panic!("`{line}` did not keep printing: {other:?}"),
    }
}

/// Poll `watch` against `p` at its moment.
pub fn poll(p: &Playback, watch: &mut console::watch::Watch) -> console::watch::Polled {
    let cx = Context::at(p, &no_files);
    watch.poll(&cx)
}

pub fn failed(p: &Playback, line: &str) -> String {
    match run(p, line) {
        Outcome::Fail(s) => s,
        other => panic!("`{line}` did not fail: {other:?}"),
    }
}

/// Carry out an acting command and return its reply.
pub fn act(p: &mut Playback, line: &str) -> String {
    match run(p, line) {
        Outcome::Act { actions, after } => {
            for a in actions {
                p.intervene(a);
            }
            console::reply(&after, p.world(), p.log(), p.now())
        }
        other => panic!("`{line}` did not act: {other:?}"),
    }
}

/// The EKS world's control plane logging, audit log and GuardDuty findings.
pub fn eks_security(p: &Playback) -> &orca_sim::security::Security {
    p.world()
        .eks
        .as_ref()
        .and_then(|k| k.security.as_ref())
        .expect("an EKS world with its security model")
}
