//! `orca import`: a scenario file from the real tools' files.

use std::fs;
use std::io::{self, Write};
use std::process::ExitCode;

use crate::cli::ImportArgs;
use crate::output::note;

/// `orca import FILE… -o OUT.ron`: the scenario the files describe, checked as `orca check`
/// does, written to OUT (never over an existing file). Warnings go to standard error.
pub fn run(args: &ImportArgs) -> ExitCode {
    use orca_sim::manifest::import::{Input, import};
    let mut inputs = Vec::new();
    for f in &args.files {
        let name = f.display().to_string();
        match fs::metadata(f) {
            Ok(m) if m.len() > orca_sim::manifest::yaml::MAX_BYTES as u64 => {
                note(&format!(
                    "{name}: the file is {} bytes; Orca imports files of up to {} bytes",
                    m.len(),
                    orca_sim::manifest::yaml::MAX_BYTES
                ));
                return ExitCode::FAILURE;
            }
            Ok(_) => {}
            Err(e) => {
                note(&format!("{name}: {e}"));
                return ExitCode::FAILURE;
            }
        }
        match fs::read_to_string(f) {
            Ok(text) => inputs.push(Input { name, text }),
            Err(e) => {
                note(&format!("{name}: {e}"));
                return ExitCode::FAILURE;
            }
        }
    }
    let title = args
        .out
        .file_stem()
        .map(|s| s.to_string_lossy().replace(['-', '_'], " "))
        .unwrap_or_else(|| "Imported".into());
    let imported = match import(&inputs, &title) {
        Ok(i) => i,
        Err(e) => {
            note(&format!("{e}"));
            return ExitCode::FAILURE;
        }
    };
    for w in &imported.warnings {
        note(&format!("warning: {w}"));
    }
    let text = match orca_sim::scenario::to_ron(&imported.scenario) {
        Ok(t) => t,
        Err(e) => {
            note(&e);
            return ExitCode::FAILURE;
        }
    };
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    match written {
        Ok(()) => {
            note(&format!(
                "wrote {} ({} warnings); `orca run {}` plays it",
                args.out.display(),
                imported.warnings.len(),
                args.out.display()
            ));
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            note(&format!(
                "{}: the file exists; orca import never overwrites a file (choose another -o)",
                args.out.display()
            ));
            ExitCode::FAILURE
        }
        Err(e) => {
            note(&format!("{}: {e}", args.out.display()));
            ExitCode::FAILURE
        }
    }
}
