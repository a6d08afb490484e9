//! A scenario opened from a file reloads when the file is saved; a broken edit shows its error
//! while the last good version keeps running.
//!
//! Nothing here reads the file on the main thread. A watcher thread learns of changes from the
//! file system (inotify, through `notify`; where that fails, by checking the file every half
//! second) and compares the file's fingerprint with the last one it saw, so a `touch` or an
//! editor's extra events cost nothing. A change starts [`Player::start_reload`], which reads,
//! parses and simulates on another thread; the running version plays on until it is ready.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use bevy::prelude::*;
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher as _};

use crate::app::AppSystems;
use crate::app::library::ScenarioSource;
use crate::app::player::Player;
use crate::scenario_file::{self, Fingerprint};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Watch>().add_systems(
        Update,
        hot_reload
            .in_set(AppSystems::Reload)
            .after(super::loading::finish_loading),
    );
}

/// Without file-system notifications, how often the watcher looks at the file.
const POLL: Duration = Duration::from_millis(500);
/// With them, how often it still compares the file's modification time and length, for file
/// systems whose notifications never come (some network and container mounts).
const SAFETY_POLL: Duration = Duration::from_secs(5);
/// Events closer together than this are one save (editors write, rename and chmod).
const QUIET: Duration = Duration::from_millis(100);
/// How long a file must stay empty before its emptiness counts as a change.
const EMPTY_SETTLE: Duration = Duration::from_millis(300);

/// Whether to read the file now, and since when it has been empty: an empty file is read only
/// once it has been empty for [`EMPTY_SETTLE`] (a save in place truncates first).
fn settle(empty: bool, empty_since: Option<Instant>, now: Instant) -> (bool, Option<Instant>) {
    match (empty, empty_since) {
        (false, _) => (true, None),
        (true, None) => (false, Some(now)),
        (true, Some(t)) if now.duration_since(t) >= EMPTY_SETTLE => (true, None),
        (true, Some(t)) => (false, Some(t)),
    }
}

/// The watcher of the player's file, and whether a change waits for the current load to end.
#[derive(Resource, Default)]
struct Watch {
    watcher: Option<FileWatcher>,
    pending: bool,
}

fn hot_reload(mut watch: ResMut<Watch>, mut player: ResMut<Player>) {
    let watched = match &player.source {
        ScenarioSource::File {
            path, fingerprint, ..
        } => Some((path, *fingerprint)),
        ScenarioSource::BuiltIn(_) => None,
    };
    if watch.watcher.as_ref().map(|w| &w.path) != watched.map(|(p, _)| p) {
        watch.watcher = watched.map(|(p, print)| FileWatcher::start(p.clone(), print, false));
        watch.pending = false;
    }
    if watch.watcher.as_ref().is_some_and(FileWatcher::changed) {
        watch.pending = true;
    }
    // One load at a time: a save during a reload is picked up when that one is done.
    if watch.pending && player.loading.is_none() {
        watch.pending = false;
        player.start_reload();
    }
}

/// A thread that watches one file and raises a flag when its content changes.
pub struct FileWatcher {
    path: PathBuf,
    changed: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    /// The thread fell back to polling (no file-system notifications).
    polling: Arc<AtomicBool>,
}

impl FileWatcher {
    /// Watch `path`, whose content was last seen with fingerprint `seen`. `poll` skips
    /// file-system notifications (tests of the fallback).
    pub fn start(path: PathBuf, seen: Option<Fingerprint>, poll: bool) -> FileWatcher {
        let w = FileWatcher {
            path: path.clone(),
            changed: Arc::new(AtomicBool::new(false)),
            stop: Arc::new(AtomicBool::new(false)),
            polling: Arc::new(AtomicBool::new(poll)),
        };
        let (changed, stop, polling) = (w.changed.clone(), w.stop.clone(), w.polling.clone());
        let spawned = std::thread::Builder::new()
            .name("orca-watch".into())
            .spawn(move || watch_file(&path, seen, &changed, &stop, &polling));
        if let Err(e) = spawned {
            warn!("cannot watch {}: {e}", w.path.display());
        }
        w
    }

    /// Whether the file changed since the last call.
    pub fn changed(&self) -> bool {
        self.changed.swap(false, Ordering::SeqCst)
    }

    /// Whether it checks the file every half second (no file-system notifications).
    #[cfg(test)]
    pub fn polling(&self) -> bool {
        self.polling.load(Ordering::SeqCst)
    }
}

impl Drop for FileWatcher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// The names an event about `path` may carry: the path itself, and where a symbolic link
/// points (editing the target changes what the link reads).
fn targets(path: &Path) -> Vec<PathBuf> {
    let mut v = vec![absolute(path)];
    if let Ok(real) = std::fs::canonicalize(path)
        && !v.contains(&real)
    {
        v.push(real);
    }
    v
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The modification time and length: a cheap first look.
fn stamp(path: &Path) -> Option<(Option<SystemTime>, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok(), m.len()))
}

fn watch_file(
    path: &Path,
    mut seen: Option<Fingerprint>,
    changed: &AtomicBool,
    stop: &AtomicBool,
    polling: &AtomicBool,
) {
    let (tx, rx) = mpsc::channel::<notify::Result<notify::Event>>();
    // Kept so that the channel stays open (and `recv_timeout` waits) without a watcher.
    let _keep = tx.clone();
    let names = targets(path);
    let mut watcher = None;
    if !polling.load(Ordering::SeqCst) {
        match watch_folders(&names, tx) {
            Ok(w) => watcher = Some(w),
            Err(e) => {
                warn!(
                    "cannot watch {} for changes ({e}); checking it every half second instead",
                    path.display()
                );
                polling.store(true, Ordering::SeqCst);
            }
        }
    }
    let every = if watcher.is_some() { SAFETY_POLL } else { POLL };
    let mut last_stamp = stamp(path);
    let mut last_look = Instant::now();
    // A save between the read and the watch's start is caught by looking once at once.
    let mut look = true;
    // When an empty file was first seen: an editor that saves in place truncates the file
    // before writing it, so an empty file counts only once it has stayed empty a moment.
    let mut empty_since: Option<Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        if let Some(t) = empty_since
            && t.elapsed() >= EMPTY_SETTLE
        {
            look = true;
        }
        if look {
            look = false;
            last_stamp = stamp(path);
            let empty = last_stamp.is_some_and(|(_, len)| len == 0);
            let read;
            (read, empty_since) = settle(empty, empty_since, Instant::now());
            if read {
                // An unreadable file (gone for a moment while an editor replaces it) is not a
                // change: the next event or poll looks again.
                if let Some(print) = scenario_file::fingerprint(path)
                    && Some(print) != seen
                {
                    seen = Some(print);
                    changed.store(true, Ordering::SeqCst);
                }
            }
        }
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Ok(event)) if concerns(&event, &names) => {
                // Let the save finish: wait until the events stop for a moment.
                let until = Instant::now() + Duration::from_secs(1);
                while Instant::now() < until {
                    match rx.recv_timeout(QUIET) {
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
                look = true;
            }
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if last_look.elapsed() >= every {
            last_look = Instant::now();
            // Polling reads the file (its fingerprint catches a save within the file system's
            // time resolution); the safety net behind notifications only compares the stamp.
            look |= watcher.is_none() || stamp(path) != last_stamp;
        }
    }
}

/// A notify watcher on the folders of `names` (a file replaced by a rename is a new file, so
/// the folder is watched, not the file).
fn watch_folders(
    names: &[PathBuf],
    tx: mpsc::Sender<notify::Result<notify::Event>>,
) -> notify::Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(tx)?;
    let mut folders: Vec<&Path> = names.iter().filter_map(|n| n.parent()).collect();
    folders.dedup();
    for folder in folders {
        watcher.watch(folder, RecursiveMode::NonRecursive)?;
    }
    Ok(watcher)
}

/// Whether `event` may have changed one of `names`. Opening and reading the file (which the
/// watcher itself does) are not changes.
fn concerns(event: &notify::Event, names: &[PathBuf]) -> bool {
    let access = matches!(event.kind, EventKind::Access(kind)
        if kind != AccessKind::Close(AccessMode::Write));
    !access && event.paths.iter().any(|p| names.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_counts_only_once_it_stays_empty() {
        let t0 = Instant::now();
        // First seen empty: not read; a moment later still empty: still not read.
        assert_eq!(settle(true, None, t0), (false, Some(t0)));
        let soon = t0 + Duration::from_millis(100);
        assert_eq!(settle(true, Some(t0), soon), (false, Some(t0)));
        // Written meanwhile (the save's second half): read at once, the wait forgotten.
        assert_eq!(settle(false, Some(t0), soon), (true, None));
        // Still empty after the settling time: a real change to an empty file.
        let later = t0 + EMPTY_SETTLE;
        assert_eq!(settle(true, Some(t0), later), (true, None));
    }

    fn wait_for(w: &FileWatcher, secs: u64) -> bool {
        let until = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < until {
            if w.changed() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    fn check_watcher(poll: bool) {
        let dir = std::env::temp_dir().join(format!(
            "orca-watch-{}-{}",
            std::process::id(),
            if poll { "poll" } else { "notify" }
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("s.ron");
        std::fs::write(&file, "one").expect("write");
        let seen = scenario_file::fingerprint(&file);
        let w = FileWatcher::start(file.clone(), seen, poll);
        assert_eq!(w.polling(), poll);
        // Reading and touching the file is not a change.
        let _ = scenario_file::fingerprint(&file);
        // Touch without truncating: a rewrite through `fs::write` empties the file for an
        // instant, which a poll may catch (a real save in place can do the same).
        std::fs::OpenOptions::new()
            .write(true)
            .open(&file)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()))
            .expect("touch");
        assert!(!wait_for(&w, 1), "no change yet");
        // A save of the same length within the same second is.
        std::fs::write(&file, "two").expect("write");
        assert!(wait_for(&w, 5), "the edit is seen");
        // So is an editor's save through a rename.
        let tmp = dir.join(".s.ron.tmp");
        std::fs::write(&tmp, "three").expect("write");
        std::fs::rename(&tmp, &file).expect("rename");
        assert!(wait_for(&w, 5), "the rename is seen");
        assert!(!wait_for(&w, 1), "one change, one signal");
        drop(w);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn notifications_report_each_change_of_content_once() {
        check_watcher(false);
    }

    #[test]
    fn polling_is_the_fallback_and_sees_the_same_changes() {
        check_watcher(true);
    }
}
