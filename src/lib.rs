//! `orca`: the Bevy app and the command line around the `orca-sim` core.

/// The app's memory allocator, for every binary built on this crate (the app, its tests and
/// benches): mimalloc (<https://github.com/microsoft/mimalloc>). A large simulation allocates
/// and frees a few small objects per event, and its memory grows by tens of megabytes in a run:
/// mimalloc's allocations are cheaper than the C library's, and on Linux it asks for
/// transparent huge pages, so such a run takes a few hundred page faults instead of tens of
/// thousands. The 10,000-task hour of `crates/sim/benches/simulate.rs` measured about a fifth
/// faster with it (README, "Speed"); that bench declares the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
