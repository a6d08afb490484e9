//! Saving a session as a scenario (Ctrl+S): the scenario with the learner's actions as timeline
//! entries, written next to where Orca was started as `<scenario>-session.ron` (never over an
//! existing file: `-session-2.ron`, `-3` … instead). Teachers build scenarios by playing.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::library::ScenarioSource;
use crate::app::player::Player;

/// Write the session; returns the path written.
pub fn save(player: &Player) -> Result<String, String> {
    if player.intervention_count() == 0 {
        return Err("no actions yet: act from the console (C) or the canvas (A) first".into());
    }
    let text = player.session_as_ron()?;
    let stem = match &player.source {
        ScenarioSource::BuiltIn(name) => name.to_string(),
        ScenarioSource::File { path, .. } => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into()),
    };
    let path = free_path(Path::new("."), &stem);
    write_new(&path, &text)?;
    Ok(path.display().to_string())
}

/// `<dir>/<stem>-session.ron`, or the first of `-session-2.ron`, `-session-3.ron` … that does
/// not exist yet.
fn free_path(dir: &Path, stem: &str) -> PathBuf {
    let first = dir.join(format!("{stem}-session.ron"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| dir.join(format!("{stem}-session-{n}.ron")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Create the file (failing if it appeared meanwhile) and write it whole.
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_never_overwrites_a_file() {
        let dir = std::env::temp_dir().join(format!("orca-session-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let a = free_path(&dir, "web");
        assert_eq!(a, dir.join("web-session.ron"));
        write_new(&a, "x").expect("written");
        assert!(write_new(&a, "y").is_err(), "an existing file is kept");
        assert_eq!(std::fs::read_to_string(&a).expect("read"), "x");
        assert_eq!(free_path(&dir, "web"), dir.join("web-session-2.ron"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
