//! `orca`: the Bevy app and the command line.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match args.command {
        Some(cli::Command::Check { paths }) => cli::check(&paths),
        Some(cli::Command::Run(run)) => cli::run(&run),
        Some(cli::Command::Shot(_)) | None => {
            eprintln!("The app is not built yet; use `orca check` or `orca run`.");
            ExitCode::from(2)
        }
    }
}
