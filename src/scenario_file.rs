//! Reading a scenario file from disk: the one way the command line (`check`, `run`, `shot`)
//! and the app (opening a file, the picker, hot reload) get a scenario from a path.
//!
//! [`read_bytes`] is the only function that reads a scenario file, so the size cap and any
//! further checks on the file belong there and nowhere else.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Read;
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
    /// What `orca check` warns about (`file:line:col: warning: …`): quizzes that length or
    /// position give away, quizzes without a topic. They do not stop the scenario.
    pub warnings: Vec<String>,
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
    let warnings = scenario::lint::lint(&name, &src, &scenario)
        .iter()
        .map(ToString::to_string)
        .collect();
    Ok(ScenarioFile {
        scenario,
        fingerprint,
        warnings,
    })
}

/// The text of a file a console command names (`file://…`, `kubectl apply -f`), with the same
/// checks and size cap as a scenario file.
pub fn read_text(path: &Path) -> Result<String, String> {
    let name = path.display().to_string();
    String::from_utf8(read_bytes(path)?).map_err(|_| format!("{name}: the file is not UTF-8 text"))
}

/// The fingerprint of the file as it is now; `None` if it cannot be read.
pub fn fingerprint(path: &Path) -> Option<Fingerprint> {
    read_bytes(path).ok().map(|bytes| fingerprint_of(&bytes))
}

/// The file's bytes, refusing anything that is not a regular file and anything over the
/// scenario size cap.
///
/// Neither check trusts the size the file system reports: a FIFO or a device (`/dev/zero`)
/// reports 0 bytes, and so do the files of `/proc`. Named pipes are opened without blocking
/// (a FIFO with no writer would otherwise hang the open), the type is checked on the opened
/// handle, and at most one byte over the cap is read whatever the metadata says.
fn read_bytes(path: &Path) -> Result<Vec<u8>, String> {
    let name = path.display().to_string();
    // The type first, from the path (following symlinks): this cannot block, and it keeps
    // sockets (which cannot be opened) and folders from a confusing open error.
    let meta = fs::metadata(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    not_regular(&name, &meta.file_type())?;
    let file = open_without_blocking(path).map_err(|e| format!("{name}: cannot read: {e}"))?;
    // Again from the handle: the path may have been replaced since.
    let meta = file
        .metadata()
        .map_err(|e| format!("{name}: cannot read: {e}"))?;
    not_regular(&name, &meta.file_type())?;
    let too_big = |len: u64| {
        format!(
            "{name}:1:1: the file is {:.1} MiB; scenario files are limited to {} MiB",
            len as f64 / (1024.0 * 1024.0),
            scenario::MAX_FILE_BYTES / (1024 * 1024)
        )
    };
    if meta.len() > scenario::MAX_FILE_BYTES as u64 {
        return Err(too_big(meta.len()));
    }
    let bytes = read_capped(file, scenario::MAX_FILE_BYTES)
        .map_err(|e| format!("{name}: cannot read: {e}"))?;
    if bytes.len() > scenario::MAX_FILE_BYTES {
        // The file reported a size under the cap but holds more (or grew while read).
        return Err(format!(
            "{name}:1:1: the file holds more than {} MiB; scenario files are limited to {} MiB",
            scenario::MAX_FILE_BYTES / (1024 * 1024),
            scenario::MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    Ok(bytes)
}

/// At most `cap + 1` bytes of `reader`: one more than allowed tells the caller it was too
/// much, without reading an endless source to its end.
fn read_capped(reader: impl Read, cap: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(cap as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Open for reading; on Unix with `O_NONBLOCK`, so that opening a FIFO returns at once.
/// Reads of a regular file are not affected by the flag.
fn open_without_blocking(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// `Err` with a message naming what the file is, unless it is a regular file.
fn not_regular(name: &str, kind: &fs::FileType) -> Result<(), String> {
    if kind.is_file() {
        return Ok(());
    }
    Err(format!(
        "{name}: not a regular file ({}); scenario files are regular files",
        describe(kind)
    ))
}

/// What a file that is not a regular file is, in a few words.
fn describe(kind: &fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
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

    /// `f()` on another thread, failing (instead of hanging the test run) if it takes longer
    /// than a few seconds.
    fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(5))
            .expect("reading must not block")
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_at_once_without_blocking() {
        let dir = std::env::temp_dir().join(format!("orca-scenario-fifo-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("pipe.ron");
        let _ = fs::remove_file(&path);
        let c = std::ffi::CString::new(path.to_str().expect("utf-8 path")).expect("no NUL");
        // SAFETY: a valid NUL-terminated path; mkfifo only creates the file.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
        let p = path.clone();
        let err = within_seconds(move || read(&p)).expect_err("a FIFO is not a scenario");
        assert!(
            err.ends_with(
                "pipe.ron: not a regular file (a FIFO); scenario files are regular files"
            ),
            "{err}"
        );
        let p = path.clone();
        assert_eq!(within_seconds(move || fingerprint(&p)), None);
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_device_that_never_ends_is_refused() {
        let err = within_seconds(|| read(Path::new("/dev/zero"))).expect_err("not a file");
        assert_eq!(
            err,
            "/dev/zero: not a regular file (a character device); scenario files are regular files"
        );
    }

    #[test]
    fn a_folder_is_refused_by_name() {
        let err = read(Path::new(env!("CARGO_MANIFEST_DIR"))).expect_err("a folder");
        assert!(err.contains("not a regular file (a folder)"), "{err}");
    }

    #[test]
    fn reading_stops_one_byte_past_the_cap_whatever_the_source() {
        let bytes = read_capped(std::io::repeat(b' '), 10).expect("reads");
        assert_eq!(bytes.len(), 11);
        let bytes = read_capped(&b"abc"[..], 10).expect("reads");
        assert_eq!(bytes, b"abc");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_reports_a_wrong_size_is_still_capped() {
        // /proc files are regular files that report a length of 0; kallsyms holds megabytes.
        let path = Path::new("/proc/kallsyms");
        let Ok(meta) = fs::metadata(path) else {
            return;
        };
        let mut actual = Vec::new();
        let big = fs::File::open(path)
            .and_then(|f| f.take(2 << 20).read_to_end(&mut actual))
            .is_ok_and(|n| n > scenario::MAX_FILE_BYTES);
        if meta.len() != 0 || !big {
            return;
        }
        let err = read(path).expect_err("kallsyms is not a scenario");
        assert!(err.contains("holds more than 1 MiB"), "{err}");
    }
}
