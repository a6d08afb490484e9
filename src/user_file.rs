//! Reading and writing the files Orca keeps for the learner (progress, settings) so that they
//! are never lost: reads are bounded and refuse what is not a regular file; writes go to a
//! temporary file in the same folder, are flushed to disk, then renamed over the old file —
//! through symbolic links to the file they point to, so the links stay.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Why a file could not be used.
pub enum Unreadable {
    /// Written by a newer Orca (its format number): leave it alone.
    Newer(u32),
    /// A folder, a FIFO, a device: not ours to read or move.
    NotAFile,
    /// Anything else (too big, not UTF-8, not this format, an I/O error): set it aside.
    Broken(String),
}

/// How a kind of file is spoken of when it cannot be used.
pub struct Words {
    /// "the progress file"
    pub noun: &'static str,
    /// "progress", as in "progress format 4"
    pub format: &'static str,
    /// The newest format this Orca reads.
    pub newest: u32,
    /// What happens while the file is left alone: "answers given now are not saved".
    pub kept_back: &'static str,
    /// What happens once it is set aside: "a new one is started".
    pub fresh: &'static str,
}

/// What a file that could not be used comes to: whether it must be left alone from now on
/// (nothing is saved over it) and what to tell the learner. A broken file is set aside
/// (renamed `<path>.unreadable-<unix_now>`); a newer one, or one that is not a file, is not
/// touched.
pub fn unusable(path: &Path, problem: Unreadable, w: &Words, unix_now: u64) -> (bool, String) {
    let p = path.display();
    let left = format!("it is left as it is and {}", w.kept_back);
    match problem {
        Unreadable::Newer(v) => (
            true,
            format!(
                "{p}: written by a newer Orca ({} format {v}, this one reads up to {}); {left}",
                w.format, w.newest
            ),
        ),
        Unreadable::NotAFile => (true, format!("{p}: not a regular file; {left}")),
        Unreadable::Broken(why) => match set_aside(path, unix_now) {
            Ok(aside) => (
                false,
                format!(
                    "{p}: {} could not be read ({why}); it was kept as {} and {}",
                    w.noun,
                    aside.display(),
                    w.fresh
                ),
            ),
            Err(e) => (
                true,
                format!(
                    "{p}: {} could not be read ({why}) nor set aside ({e}); {left}",
                    w.noun
                ),
            ),
        },
    }
}

/// The text of `path`, `None` when there is no file, at most `max_bytes` long.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<Option<String>, Unreadable> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Unreadable::Broken(e.to_string())),
    };
    if !meta.is_file() {
        // Reading a FIFO would block.
        return Err(Unreadable::NotAFile);
    }
    let file = fs::File::open(path).map_err(|e| Unreadable::Broken(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Unreadable::Broken(e.to_string()))?;
    if bytes.len() as u64 > max_bytes {
        return Err(Unreadable::Broken(if max_bytes >= 1024 * 1024 {
            format!("larger than {} MiB", max_bytes / 1024 / 1024)
        } else {
            format!("larger than {} KiB", max_bytes / 1024)
        }));
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| Unreadable::Broken("not UTF-8 text".into()))
}

/// The file a chain of symbolic links ends at (which need not exist yet), so a save replaces
/// that file and keeps the links.
pub fn link_target(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    // As many links as Linux follows (MAXSYMLINKS); a loop ends there.
    for _ in 0..40 {
        let Ok(meta) = fs::symlink_metadata(&p) else {
            break;
        };
        if !meta.file_type().is_symlink() {
            break;
        }
        let Ok(next) = fs::read_link(&p) else { break };
        p = match p.parent() {
            Some(dir) if next.is_relative() => dir.join(next),
            _ => next,
        };
    }
    p
}

/// Replace the file at `path` (or the file its links end at) with `text`, atomically: a
/// reader sees the old text or the new, never a part. The error names the file.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), String> {
    let target = link_target(path);
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "orca".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &target)?;
        // The rename itself survives a crash once the folder is synced.
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        format!("{}: {e}", target.display())
    })
}

/// `$XDG_<KIND>_HOME/orca/<name>` (an absolute path only, as the XDG spec says), else
/// `~/<fallback>/orca/<name>`; `None` without either.
pub fn xdg_path(kind_var: &str, fallback: &str, name: &str) -> Option<PathBuf> {
    let base = std::env::var_os(kind_var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)))?;
    Some(base.join("orca").join(name))
}

/// `path` renamed aside as `<path>.unreadable-<unix time>`, or why it could not be.
pub fn set_aside(path: &Path, unix_now: u64) -> Result<PathBuf, String> {
    let aside = PathBuf::from(format!("{}.unreadable-{unix_now}", path.display()));
    fs::rename(path, &aside)
        .map(|()| aside)
        .map_err(|e| e.to_string())
}
