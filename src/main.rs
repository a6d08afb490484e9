//! `orca`: the Bevy app and the command line.

use std::process::ExitCode;

use clap::Parser;
use orca::{app, cli};
use orca_sim::SimTime;

fn main() -> ExitCode {
    app::cold_start::mark_process_start();
    let args = cli::Cli::parse();
    match args.command {
        Some(cli::Command::Check { paths }) => cli::check(&paths),
        Some(cli::Command::Run(run)) => cli::run(&run),
        Some(cli::Command::Progress(args)) => cli::progress(&args),
        Some(cli::Command::Import(import)) => orca::import::run(&import),
        Some(cli::Command::Record(record)) => orca::record::run(&record),
        Some(cli::Command::Handout(handout)) => orca::handout::run(&handout),
        Some(cli::Command::Shot(shot)) => {
            if !(shot.at.is_finite() && shot.at >= 0.0) {
                eprintln!("--at must be a number of seconds ≥ 0; got {}", shot.at);
                return ExitCode::from(2);
            }
            if !(64..=7680).contains(&shot.width) || !(64..=4320).contains(&shot.height) {
                eprintln!(
                    "--width must be 64–7680 and --height 64–4320; got {}×{}",
                    shot.width, shot.height
                );
                return ExitCode::from(2);
            }
            match app::library::load_file(&shot.file) {
                Ok((scenario, source)) => app::run_shot(
                    scenario,
                    source,
                    SimTime::from_secs_f64(shot.at),
                    shot.out.clone(),
                    (shot.width, shot.height),
                    shot.theme,
                    shot.select.clone(),
                ),
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::from(1)
                }
            }
        }
        None => app::run_app(args.file),
    }
}
