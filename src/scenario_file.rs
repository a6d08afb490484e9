//! Reading a scenario file from disk: the one way the command line (`check`, `run`, `shot`)
//! and the app (opening a file, the picker, hot reload) get a scenario from a path.
//!
//! [`read_bytes`] is the only function that reads a scenario file, so the size cap and any
//! further checks on the file belong there and nowhere else.

use std::fs;
use std::hash::{Hash, Hasher};
use std::path::Path;

use orca_sim::Scenario;
use orca_sim::scenario::{self, ScenarioErrors};

/// Length and hash of a file's bytes. Hot reload compares them as well as the modification
/// time, which can miss a save within the file system's time resolution.
pub type Fingerprint = (u64, u64);

/// A scenario read from disk and the fingerprint of the bytes it was parsed from.
#[derive(Debug)]
pub struct ScenarioFile {
    pub scenario: Scenario,
    pub fingerprint: Fingerprint,
}

/// Read, parse and validate a scenario file; errors are `file:line:col: message` lines.
pub fn read(path: &Path) -> Result<ScenarioFile, String> {
    let name = path.display().to_string();
    let bytes = read_bytes(path)?;
    let fingerprint = fingerprint_of(&bytes);
    let src = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{name}: the file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    let scenario = scenario::parse(&name, &src).map_err(|e: ScenarioErrors| e.to_string())?;
    Ok(ScenarioFile {
        scenario,
        fingerprint,
    })
}

/// The fingerprint of the file as it is now; `None` if it cannot be read.
pub fn fingerprint(path: &Path) -> Option<Fingerprint> {
    read_bytes(path).ok().map(|bytes| fingerprint_of(&bytes))
}

/// The file's bytes, refusing a file over the scenario size cap before reading it.
fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    let name = path.display().to_string();
    let meta = fs::metadata(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    if meta.len() > scenario::MAX_FILE_BYTES as u64 {
        return Err(format!(
            "{name}:1:1: the file is {:.1} MiB; scenario files are limited to {} MiB",
            meta.len() as f64 / (1024.0 * 1024.0),
            scenario::MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    fs::read(path).map_err(|e| format!("{name}: cannot read: {e}"))
}

fn fingerprint_of(bytes: &[u8]) -> Fingerprint {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    (bytes.len() as u64, h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_size_cap_is_refused_with_its_size() {
        let dir = std::env::temp_dir().join(format!("orca-scenario-file-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("big.ron");
        fs::write(&path, vec![b' '; scenario::MAX_FILE_BYTES + 1]).expect("write");
        let err = read(&path).expect_err("too big");
        assert!(err.contains("big.ron:1:1: the file is"), "{err}");
        assert!(err.contains("MiB; scenario files are limited to"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_fingerprint_is_of_the_bytes_that_were_parsed() {
        let dir = std::env::temp_dir().join(format!("orca-scenario-fp-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("s.ron");
        let src = include_str!("../scenarios/ecs-rolling-update.ron");
        fs::write(&path, src).expect("write");
        let file = read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(Some(file.fingerprint), fingerprint(&path));
        assert_eq!(file.fingerprint.0, src.len() as u64);
        let _ = fs::remove_dir_all(&dir);
    }
}
