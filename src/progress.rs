//! The learner's quiz progress: every answer per scenario and quiz, the first attempt kept
//! apart from retakes (the score counts first attempts; retakes are practice).
//!
//! The file (`progress.ron`) is never lost:
//! - it is written atomically — a temporary file in the same folder, flushed to disk, then
//!   renamed over the old one — through a symbolic link to its target;
//! - a file this version cannot read (corrupt, truncated, not UTF-8, not a regular file) is
//!   never overwritten: it is renamed aside with a timestamp and the learner is told;
//! - a file written by a newer Orca is left alone: answers are kept in memory only, and the
//!   learner is told;
//! - a file written by an older Orca loads and is saved in the current format on the next
//!   answer: format 1 (one answer per quiz, no version) as first attempts, format 2 (no
//!   times) with every answer's time unknown.
//!
//! Format 3 adds the time each answer was given (`at`, seconds since the Unix epoch), which
//! the review schedule (`crate::review`) needs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use orca_sim::Scenario;
use serde::{Deserialize, Serialize};

use crate::user_file::{self, Unreadable};

/// The format this version writes. 1 had no `version` field; 2 had no answer times.
pub const FORMAT: u32 = 3;

/// A progress file larger than this is not read (it would be far beyond any real use).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// One answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// The choices ticked, as the author's indices.
    pub picked: Vec<usize>,
    pub correct: bool,
    /// When it was given, in seconds since the Unix epoch; `None` for answers from format 1
    /// or 2 files, which did not keep times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<u64>,
}

/// Everything recorded about one quiz.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuizRecord {
    /// The first answer ever given: what the score counts.
    pub first: Answer,
    /// Answers given again later (practice), oldest first.
    #[serde(default)]
    pub retakes: Vec<Answer>,
    /// The quiz's topic when it was answered, for the progress view.
    #[serde(default)]
    pub topic: Option<String>,
}

impl QuizRecord {
    /// The latest answer.
    pub fn last(&self) -> &Answer {
        self.retakes.last().unwrap_or(&self.first)
    }
}

/// What the file holds (format 3; format 2 is the same without answer times, so it reads
/// as this with every `at` unknown).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct FileV3 {
    version: u32,
    scenarios: BTreeMap<String, BTreeMap<String, QuizRecord>>,
}

/// Format 1: one answer per quiz.
#[derive(Deserialize)]
struct FileV1 {
    scenarios: BTreeMap<String, BTreeMap<String, Answer>>,
}

/// Any file with a version number, to tell a newer format from a corrupt file.
#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

/// Answers per scenario (its progress key) and quiz id, saved in the user's data folder.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    pub scenarios: BTreeMap<String, BTreeMap<String, QuizRecord>>,
    /// Where it is saved; `None` keeps it in memory only.
    pub path: Option<PathBuf>,
    /// The file is from a newer Orca, or could not be set aside: answers are not saved.
    pub read_only: bool,
    /// What the learner should know about the file (shown in the app and on stderr).
    pub last_error: Option<String>,
}

/// `$XDG_DATA_HOME/orca/progress.ron`, else `~/.local/share/orca/progress.ron`.
/// `ORCA_PROGRESS` overrides it (tests use this).
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ORCA_PROGRESS") {
        return Some(PathBuf::from(p));
    }
    user_file::xdg_path("XDG_DATA_HOME", ".local/share", "progress.ron")
}

/// How the learner is told about a progress file that cannot be used.
const WORDS: user_file::Words = user_file::Words {
    noun: "the progress file",
    format: "progress",
    newest: FORMAT,
    kept_back: "answers given now are not saved",
    fresh: "a new one is started",
};

fn read_text(path: &Path) -> Result<Option<String>, Unreadable> {
    user_file::read_text(path, MAX_BYTES)
}

fn parse(text: &str) -> Result<BTreeMap<String, BTreeMap<String, QuizRecord>>, Unreadable> {
    if let Ok(v) = ron::from_str::<VersionOnly>(text) {
        if v.version > FORMAT {
            return Err(Unreadable::Newer(v.version));
        }
        return ron::from_str::<FileV3>(text)
            .map(|f| f.scenarios)
            .map_err(|e| Unreadable::Broken(e.to_string()));
    }
    match ron::from_str::<FileV1>(text) {
        Ok(v1) => Ok(v1
            .scenarios
            .into_iter()
            .map(|(key, answers)| {
                let records = answers
                    .into_iter()
                    .map(|(quiz, first)| {
                        (
                            quiz,
                            QuizRecord {
                                first,
                                ..QuizRecord::default()
                            },
                        )
                    })
                    .collect();
                (key, records)
            })
            .collect()),
        Err(e) => Err(Unreadable::Broken(e.to_string())),
    }
}

/// The wall clock, in seconds since the Unix epoch (0 if the clock is before it).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Progress {
    /// Load from `path`. A missing file starts empty; an unreadable one is set aside (renamed
    /// `progress.ron.unreadable-<unix time>`) and one from a newer Orca is left alone, each
    /// with a message in `last_error`.
    pub fn load(path: Option<PathBuf>) -> Progress {
        let mut p = Progress {
            path: path.clone(),
            ..Progress::default()
        };
        let Some(path) = path else { return p };
        match read_text(&path).and_then(|text| text.map(|t| parse(&t)).transpose()) {
            Ok(Some(scenarios)) => p.scenarios = scenarios,
            Ok(None) => {}
            Err(problem) => {
                let (read_only, message) = user_file::unusable(&path, problem, &WORDS, unix_now());
                p.read_only = read_only;
                p.last_error = Some(message);
            }
        }
        p
    }

    /// Record an answer to `quiz` of the scenario `key`, given now, and save. The first
    /// answer is the one the score counts; later ones are retakes.
    pub fn record(
        &mut self,
        key: &str,
        quiz: &str,
        topic: Option<&str>,
        picked: Vec<usize>,
        correct: bool,
    ) {
        self.record_at(key, quiz, topic, picked, correct, unix_now());
    }

    /// [`Progress::record`] with the time of the answer given (seconds since the Unix epoch).
    pub fn record_at(
        &mut self,
        key: &str,
        quiz: &str,
        topic: Option<&str>,
        picked: Vec<usize>,
        correct: bool,
        at: u64,
    ) {
        let answer = Answer {
            picked,
            correct,
            at: Some(at),
        };
        let records = self.scenarios.entry(key.to_string()).or_default();
        match records.get_mut(quiz) {
            Some(r) => {
                r.retakes.push(answer);
                r.topic = topic.map(str::to_string).or(r.topic.take());
            }
            None => {
                records.insert(
                    quiz.to_string(),
                    QuizRecord {
                        first: answer,
                        retakes: Vec::new(),
                        topic: topic.map(str::to_string),
                    },
                );
            }
        }
        if let Err(e) = self.save() {
            self.last_error = Some(e);
        }
    }

    /// (first-try right, answered) for the quizzes of `scenario` that still exist in it.
    pub fn score(&self, key: &str, scenario: &Scenario) -> (usize, usize) {
        let Some(records) = self.scenarios.get(key) else {
            return (0, 0);
        };
        let mut right = 0;
        let mut answered = 0;
        for q in &scenario.quizzes {
            if let Some(r) = records.get(&q.id) {
                answered += 1;
                right += usize::from(r.first.correct);
            }
        }
        (right, answered)
    }

    /// The first answer to a quiz.
    pub fn answer(&self, key: &str, quiz: &str) -> Option<&Answer> {
        self.record_of(key, quiz).map(|r| &r.first)
    }

    pub fn record_of(&self, key: &str, quiz: &str) -> Option<&QuizRecord> {
        self.scenarios.get(key)?.get(quiz)
    }

    /// How many times the quiz has been answered: 0 before the first attempt.
    pub fn attempts(&self, key: &str, quiz: &str) -> u32 {
        self.record_of(key, quiz).map_or(0, |r| {
            1 + u32::try_from(r.retakes.len()).unwrap_or(u32::MAX - 1)
        })
    }

    /// Forget every answer and save (an empty file).
    pub fn reset(&mut self) -> Result<(), String> {
        self.scenarios.clear();
        self.save()
    }

    /// Write atomically. A symbolic link is followed, so the file it points to is replaced
    /// and the link stays.
    pub fn save(&self) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if self.read_only {
            return Err(format!(
                "{}: not saved, the file there is kept as it is",
                path.display()
            ));
        }
        let file = FileV3 {
            version: FORMAT,
            scenarios: self.scenarios.clone(),
        };
        let text = ron::ser::to_string_pretty(&file, ron::ser::PrettyConfig::default())
            .map_err(|e| format!("cannot encode progress: {e}"))?;
        user_file::write_atomic(path, &text).map_err(|e| format!("{e}: answers not saved"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("orca-progress-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn first_attempts_are_kept_apart_from_retakes_and_round_trip() {
        let dir = temp("round-trip");
        let path = dir.join("progress.ron");
        let mut p = Progress::load(Some(path.clone()));
        p.record("builtin:x", "q1", Some("scaling"), vec![2], false);
        p.record("builtin:x", "q1", Some("scaling"), vec![1], true);
        p.record("builtin:x", "q2", None, vec![0], true);
        assert!(p.last_error.is_none(), "{:?}", p.last_error);
        let again = Progress::load(Some(path.clone()));
        assert_eq!(again.scenarios, p.scenarios);
        let r = again.record_of("builtin:x", "q1").expect("q1");
        assert!(!r.first.correct, "the first attempt is what counts");
        assert_eq!(r.retakes.len(), 1);
        assert!(r.last().correct);
        assert_eq!(again.attempts("builtin:x", "q1"), 2);
        assert_eq!(again.attempts("builtin:x", "q3"), 0);
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.file_name()))
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_format_1_file_loads_as_first_attempts() {
        let dir = temp("v1");
        let path = dir.join("progress.ron");
        fs::write(
            &path,
            "(scenarios: {\"builtin:x\": {\"q1\": (picked: [2], correct: true), \"q2\": (picked: [0], correct: false)}})",
        )
        .expect("write");
        let p = Progress::load(Some(path.clone()));
        assert!(p.last_error.is_none(), "{:?}", p.last_error);
        assert_eq!(p.answer("builtin:x", "q1").map(|a| a.correct), Some(true));
        assert_eq!(p.attempts("builtin:x", "q2"), 1);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_format_2_file_loads_with_times_unknown_and_is_saved_as_format_3() {
        let dir = temp("v2");
        let path = dir.join("progress.ron");
        fs::write(
            &path,
            "(version: 2, scenarios: {\"builtin:x\": {\"q1\": (first: (picked: [2], correct: false), retakes: [(picked: [1], correct: true)], topic: Some(\"scaling\"))}})",
        )
        .expect("write");
        let mut p = Progress::load(Some(path.clone()));
        assert!(p.last_error.is_none(), "{:?}", p.last_error);
        let r = p.record_of("builtin:x", "q1").expect("q1");
        assert_eq!((r.first.correct, r.first.at), (false, None));
        assert_eq!((r.last().correct, r.last().at), (true, None));
        assert_eq!(r.topic.as_deref(), Some("scaling"));
        p.record_at(
            "builtin:x",
            "q1",
            Some("scaling"),
            vec![1],
            true,
            1_700_000_000,
        );
        let text = fs::read_to_string(&path).expect("saved");
        assert!(text.contains("version: 3"), "{text}");
        let again = Progress::load(Some(path));
        let r = again.record_of("builtin:x", "q1").expect("q1");
        assert_eq!(r.retakes.len(), 2);
        assert_eq!(r.first.at, None, "an unknown time stays unknown");
        assert_eq!(r.last().at, Some(1_700_000_000));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_answer_keeps_the_time_it_was_given() {
        let before = unix_now();
        let mut p = Progress::default();
        p.record("builtin:x", "q1", None, vec![0], true);
        let at = p
            .answer("builtin:x", "q1")
            .and_then(|a| a.at)
            .expect("a time");
        assert!(at >= before && at <= unix_now(), "{at}");
    }

    #[test]
    fn a_corrupt_file_is_set_aside_not_overwritten() {
        let dir = temp("corrupt");
        let path = dir.join("progress.ron");
        fs::write(
            &path,
            "(scenarios: {\"builtin:x\": {\"q1\": (picked: [2], corr",
        )
        .expect("write");
        let mut p = Progress::load(Some(path.clone()));
        let msg = p.last_error.clone().expect("the learner is told");
        assert!(
            msg.contains("could not be read") && msg.contains("kept as"),
            "{msg}"
        );
        p.record("builtin:x", "q9", None, vec![0], true);
        let aside: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().contains(".unreadable-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(
            fs::read_to_string(&aside[0]).expect("kept"),
            "(scenarios: {\"builtin:x\": {\"q1\": (picked: [2], corr"
        );
        assert!(
            Progress::load(Some(path))
                .answer("builtin:x", "q9")
                .is_some()
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_newer_file_is_left_alone() {
        let dir = temp("newer");
        let path = dir.join("progress.ron");
        let text = "(version: 99, scenarios: {}, badges: [])";
        fs::write(&path, text).expect("write");
        let mut p = Progress::load(Some(path.clone()));
        assert!(p.read_only);
        assert!(
            p.last_error
                .as_deref()
                .is_some_and(|m| m.contains("newer Orca")),
            "{:?}",
            p.last_error
        );
        p.record("builtin:x", "q1", None, vec![0], true);
        assert_eq!(fs::read_to_string(&path).expect("read"), text);
        assert!(
            p.last_error
                .as_deref()
                .is_some_and(|m| m.contains("not saved"))
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_is_saved_through_the_link() {
        let dir = temp("symlink");
        let real = dir.join("real.ron");
        let link = dir.join("progress.ron");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let mut p = Progress::load(Some(link.clone()));
        p.record("builtin:x", "q1", None, vec![0], true);
        assert!(
            fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        assert!(
            Progress::load(Some(real))
                .answer("builtin:x", "q1")
                .is_some()
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_folder_in_the_way_is_left_alone_and_a_failed_save_is_reported() {
        let dir = temp("dir-in-the-way");
        let path = dir.join("progress.ron");
        fs::create_dir(&path).expect("a folder where the file goes");
        let p = Progress::load(Some(path.clone()));
        assert!(p.read_only && path.is_dir(), "{:?}", p.last_error);
        // A folder that appears after loading makes the save fail, and says so.
        let _ = fs::remove_dir(&path);
        let mut p = Progress::load(Some(path.clone()));
        fs::create_dir(&path).expect("a folder where the file goes");
        p.record("builtin:x", "q1", None, vec![0], true);
        assert!(
            p.last_error
                .as_deref()
                .is_some_and(|m| m.contains("answers not saved")),
            "{:?}",
            p.last_error
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
