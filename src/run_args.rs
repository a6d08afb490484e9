//! The options of `orca run`, shared by the plain run (`cli.rs`) and the run driven by a
//! command file (`run_commands.rs`).

use std::path::PathBuf;

use clap::Args;

#[derive(Args, Debug)]
pub struct RunArgs {
    pub file: PathBuf,
    /// Stop at this many seconds instead of the scenario's end (at most its duration).
    #[arg(long, value_name = "SECS")]
    pub until: Option<f64>,
    /// Print one JSON object per event instead of text.
    #[arg(long)]
    pub json: bool,
    /// Only print events from these sources (service, target-group, task, instance, autoscaling,
    /// deployment, replicaset, pod, node, scenario, quiz, goal).
    #[arg(long, value_delimiter = ',', value_name = "SOURCES")]
    pub only: Vec<String>,
    /// A command file: lines `<time> <command>` (time as m:ss or seconds, `#` comments), each
    /// run at its moment as the app's console runs it; their output goes into the log.
    #[arg(long, value_name = "CMDS")]
    pub commands: Option<PathBuf>,
    /// With --commands: write the session as a scenario file (never over an existing file).
    #[arg(long, value_name = "OUT.ron", requires = "commands")]
    pub save: Option<PathBuf>,
}
