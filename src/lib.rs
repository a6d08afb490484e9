//! `orca`: the Bevy app and the command line around the `orca-sim` core.

pub mod app;
pub mod cli;
pub mod handout;
pub mod handout_html;
pub mod import;
pub mod output;
pub mod progress;
pub mod progress_report;
pub mod record;
pub mod record_encode;
pub mod review;
pub mod run_args;
pub mod run_commands;
pub mod scenario_file;
pub mod settings;
pub mod user_file;
