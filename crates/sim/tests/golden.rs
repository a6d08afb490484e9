//! Golden event logs: the full `orca run` output of every built-in scenario. A change in any
//! rule, timing or wording shows up as a reviewed snapshot diff.

mod common;

#[test]
fn golden_event_logs() {
    for (name, s) in common::built_in() {
        let log = common::run_log(&s).join("\n");
        insta::assert_snapshot!(name, log);
    }
}
