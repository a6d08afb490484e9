//! `orca`: the Bevy app and the command line around the `orca-sim` core.

pub mod app;
pub mod cli;
pub mod run_commands;
pub mod scenario_file;
