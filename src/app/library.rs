//! Where scenarios come from: the built-in library embedded in the binary, or a file on disk
//! that is watched for changes. Also the learner's progress file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use orca_sim::Scenario;
use orca_sim::scenario;
use serde::{Deserialize, Serialize};

use crate::scenario_file::{self, Fingerprint};

/// The scenarios shipped inside the binary, so `orca` works from any folder.
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "ecs-rolling-update",
        include_str!("../../scenarios/ecs-rolling-update.ron"),
    ),
    (
        "ecs-failed-health-check",
        include_str!("../../scenarios/ecs-failed-health-check.ron"),
    ),
    (
        "ecs-tight-capacity",
        include_str!("../../scenarios/ecs-tight-capacity.ron"),
    ),
    (
        "ecs-instance-draining",
        include_str!("../../scenarios/ecs-instance-draining.ron"),
    ),
    (
        "ecs-placement-fails",
        include_str!("../../scenarios/ecs-placement-fails.ron"),
    ),
    (
        "ecs-target-tracking",
        include_str!("../../scenarios/ecs-target-tracking.ron"),
    ),
    (
        "ecs-step-scaling",
        include_str!("../../scenarios/ecs-step-scaling.ron"),
    ),
    (
        "ecs-fargate-spot",
        include_str!("../../scenarios/ecs-fargate-spot.ron"),
    ),
    (
        "ecs-cluster-auto-scaling",
        include_str!("../../scenarios/ecs-cluster-auto-scaling.ron"),
    ),
    (
        "eks-rolling-update",
        include_str!("../../scenarios/eks-rolling-update.ron"),
    ),
    (
        "eks-crashloop",
        include_str!("../../scenarios/eks-crashloop.ron"),
    ),
    ("eks-probes", include_str!("../../scenarios/eks-probes.ron")),
    (
        "eks-failed-scheduling",
        include_str!("../../scenarios/eks-failed-scheduling.ron"),
    ),
    (
        "eks-fargate",
        include_str!("../../scenarios/eks-fargate.ron"),
    ),
    (
        "eks-two-deployments",
        include_str!("../../scenarios/eks-two-deployments.ron"),
    ),
    (
        "eks-autoscaling",
        include_str!("../../scenarios/eks-autoscaling.ron"),
    ),
    (
        "eks-karpenter",
        include_str!("../../scenarios/eks-karpenter.ron"),
    ),
    (
        "eks-sandbox-drain",
        include_str!("../../scenarios/eks-sandbox-drain.ron"),
    ),
    (
        "challenge-ecs-unstick-deployment",
        include_str!("../../scenarios/challenge-ecs-unstick-deployment.ron"),
    ),
    (
        "challenge-ecs-placement",
        include_str!("../../scenarios/challenge-ecs-placement.ron"),
    ),
    (
        "challenge-ecs-zone-outage",
        include_str!("../../scenarios/challenge-ecs-zone-outage.ron"),
    ),
    (
        "challenge-eks-bad-image",
        include_str!("../../scenarios/challenge-eks-bad-image.ron"),
    ),
    (
        "challenge-eks-hpa-spike",
        include_str!("../../scenarios/challenge-eks-hpa-spike.ron"),
    ),
    (
        "challenge-eks-drain",
        include_str!("../../scenarios/challenge-eks-drain.ron"),
    ),
];

/// A built-in scenario, parsed. The built-ins are checked by the test suite, so a failure
/// here is a bug in Orca, reported as an error rather than a panic.
pub fn built_in(name: &str) -> Result<Arc<Scenario>, String> {
    let (_, src) = BUILT_IN
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| format!("no built-in scenario called {name:?}"))?;
    scenario::parse(&format!("{name}.ron"), src)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

/// Titles and descriptions of the built-ins, for the picker.
pub fn built_in_list() -> Vec<(&'static str, String, String)> {
    BUILT_IN
        .iter()
        .filter_map(|(name, _)| {
            built_in(name)
                .ok()
                .map(|s| (*name, s.title.clone(), s.description.clone()))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioSource {
    BuiltIn(&'static str),
    File {
        path: PathBuf,
        modified: Option<SystemTime>,
        /// Length and hash of the bytes last loaded (see `poll_reload`).
        fingerprint: Option<Fingerprint>,
    },
}

impl ScenarioSource {
    /// The key answers are stored under in the progress file.
    pub fn progress_key(&self) -> String {
        match self {
            ScenarioSource::BuiltIn(name) => format!("builtin:{name}"),
            ScenarioSource::File { path, .. } => {
                let p = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                format!("file:{}", p.display())
            }
        }
    }

    pub fn label(&self) -> String {
        match self {
            ScenarioSource::BuiltIn(name) => format!("built-in: {name}"),
            ScenarioSource::File { path, .. } => path.display().to_string(),
        }
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Read and validate a scenario file; errors are `file:line:col: message` lines.
pub fn load_file(path: &Path) -> Result<(Arc<Scenario>, ScenarioSource), String> {
    let stamp = modified(path);
    let file = scenario_file::read(path)?;
    Ok((
        Arc::new(file.scenario),
        ScenarioSource::File {
            path: path.to_path_buf(),
            modified: stamp,
            fingerprint: Some(file.fingerprint),
        },
    ))
}

/// If the watched file changed since it was loaded: the new scenario, or the error that keeps
/// the old one running. Updates the stored modification time either way.
pub fn poll_reload(source: &mut ScenarioSource) -> Option<Result<Arc<Scenario>, String>> {
    let ScenarioSource::File {
        path,
        modified: seen,
        fingerprint,
    } = source
    else {
        return None;
    };
    let now = Some(modified(path)?);
    // The modification time alone can miss a save within the file system's time resolution,
    // so a changed length or content counts too.
    let print = scenario_file::fingerprint(path);
    if now == *seen && print == *fingerprint {
        return None;
    }
    *seen = now;
    *fingerprint = print;
    Some(scenario_file::read(path).map(|file| Arc::new(file.scenario)))
}

// ---------------------------------------------------------------------------------------------
// Progress

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub picked: Vec<usize>,
    pub correct: bool,
}

/// Answers per scenario and quiz id, saved in the user's data directory.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub scenarios: BTreeMap<String, BTreeMap<String, Answer>>,
    #[serde(skip)]
    pub path: Option<PathBuf>,
    #[serde(skip)]
    pub last_error: Option<String>,
}

/// `$XDG_DATA_HOME/orca/progress.ron`, else `~/.local/share/orca/progress.ron`.
/// `ORCA_PROGRESS` overrides it (tests use this).
pub fn default_progress_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ORCA_PROGRESS") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("orca").join("progress.ron"))
}

impl Progress {
    /// Load from `path`; a missing or unreadable file starts empty (the problem is kept to show).
    pub fn load(path: Option<PathBuf>) -> Progress {
        let mut p = Progress::default();
        if let Some(path) = &path {
            match fs::read_to_string(path) {
                Ok(text) => match ron::from_str::<Progress>(&text) {
                    Ok(loaded) => p = loaded,
                    Err(e) => {
                        p.last_error = Some(format!(
                            "{}: progress file unreadable ({e}); starting afresh",
                            path.display()
                        ))
                    }
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => p.last_error = Some(format!("{}: {e}", path.display())),
            }
        }
        p.path = path;
        p
    }

    pub fn record(&mut self, scenario: &str, quiz: &str, picked: Vec<usize>, correct: bool) {
        self.scenarios
            .entry(scenario.to_string())
            .or_default()
            .insert(quiz.to_string(), Answer { picked, correct });
        if let Err(e) = self.save() {
            self.last_error = Some(e);
        }
    }

    /// (right, answered) for the quizzes of `scenario` that still exist in it.
    pub fn score(&self, key: &str, scenario: &Scenario) -> (usize, usize) {
        let Some(answers) = self.scenarios.get(key) else {
            return (0, 0);
        };
        let mut right = 0;
        let mut answered = 0;
        for q in &scenario.quizzes {
            if let Some(a) = answers.get(&q.id) {
                answered += 1;
                right += usize::from(a.correct);
            }
        }
        (right, answered)
    }

    pub fn answer(&self, key: &str, quiz: &str) -> Option<&Answer> {
        self.scenarios.get(key)?.get(quiz)
    }

    /// Write atomically: a temporary file in the same folder, then a rename over the old one.
    pub fn save(&self) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| format!("cannot encode progress: {e}"))?;
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let tmp = path.with_extension("ron.tmp");
        fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
        fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_parses() {
        for (name, _) in BUILT_IN {
            let s = built_in(name).unwrap_or_else(|e| panic!("{e}"));
            assert!(!s.quizzes.is_empty(), "{name} has no quizzes");
        }
    }

    #[test]
    fn progress_round_trips_through_an_atomic_write() {
        let dir = std::env::temp_dir().join(format!("orca-progress-{}", std::process::id()));
        let path = dir.join("progress.ron");
        let _ = fs::remove_file(&path);
        let mut p = Progress::load(Some(path.clone()));
        p.record("builtin:x", "q1", vec![2], true);
        p.record("builtin:x", "q2", vec![0], false);
        assert!(p.last_error.is_none(), "{:?}", p.last_error);
        assert!(!path.with_extension("ron.tmp").exists());
        let again = Progress::load(Some(path.clone()));
        assert_eq!(again.scenarios, p.scenarios);
        assert_eq!(
            again.answer("builtin:x", "q1").map(|a| a.correct),
            Some(true)
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_corrupt_progress_file_starts_afresh_with_a_message() {
        let dir = std::env::temp_dir().join(format!("orca-progress-bad-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("progress.ron");
        fs::write(&path, "not ron at all (").expect("write");
        let p = Progress::load(Some(path));
        assert!(p.scenarios.is_empty());
        assert!(p.last_error.is_some());
        let _ = fs::remove_dir_all(&dir);
    }
}
