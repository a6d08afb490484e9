//! Where scenarios come from: the built-in library embedded in the binary, or a file on disk
//! that is watched for changes. The learner's progress file is `crate::progress`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use orca_sim::Scenario;
use orca_sim::scenario;

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
    ("ecs-daemon", include_str!("../../scenarios/ecs-daemon.ron")),
    (
        "ecs-standalone-task",
        include_str!("../../scenarios/ecs-standalone-task.ron"),
    ),
    (
        "ecs-service-discovery",
        include_str!("../../scenarios/ecs-service-discovery.ron"),
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
        "eks-hpa-missing-request",
        include_str!("../../scenarios/eks-hpa-missing-request.ron"),
    ),
    (
        "eks-metrics-server-missing",
        include_str!("../../scenarios/eks-metrics-server-missing.ron"),
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
        "ecs-sandbox-stuck-rollout",
        include_str!("../../scenarios/ecs-sandbox-stuck-rollout.ron"),
    ),
    (
        "eks-sandbox-bad-image",
        include_str!("../../scenarios/eks-sandbox-bad-image.ron"),
    ),
    (
        "ecr-lifecycle-expires-running-image",
        include_str!("../../scenarios/ecr-lifecycle-expires-running-image.ron"),
    ),
    (
        "ecr-immutable-tag",
        include_str!("../../scenarios/ecr-immutable-tag.ron"),
    ),
    (
        "ecr-continuous-scanning",
        include_str!("../../scenarios/ecr-continuous-scanning.ron"),
    ),
    (
        "eks-pdb-drain",
        include_str!("../../scenarios/eks-pdb-drain.ron"),
    ),
    (
        "eks-karpenter-expiry",
        include_str!("../../scenarios/eks-karpenter-expiry.ron"),
    ),
    (
        "ecs-codedeploy-canary-rollback",
        include_str!("../../scenarios/ecs-codedeploy-canary-rollback.ron"),
    ),
    (
        "ecs-codedeploy-manual-reroute",
        include_str!("../../scenarios/ecs-codedeploy-manual-reroute.ron"),
    ),
    (
        "ecs-guardduty-fargate-agent",
        include_str!("../../scenarios/ecs-guardduty-fargate-agent.ron"),
    ),
    (
        "ecs-linear-bake",
        include_str!("../../scenarios/ecs-linear-bake.ron"),
    ),
    (
        "eks-ebs-volume-zone",
        include_str!("../../scenarios/eks-ebs-volume-zone.ron"),
    ),
    (
        "ecs-efs-mount-targets",
        include_str!("../../scenarios/ecs-efs-mount-targets.ron"),
    ),
    (
        "ecs-managed-ebs",
        include_str!("../../scenarios/ecs-managed-ebs.ron"),
    ),
    (
        "ecs-task-role",
        include_str!("../../scenarios/ecs-task-role.ron"),
    ),
    (
        "eks-irsa-trust-policy",
        include_str!("../../scenarios/eks-irsa-trust-policy.ron"),
    ),
    (
        "ecs-config-privileged",
        include_str!("../../scenarios/ecs-config-privileged.ron"),
    ),
    (
        "eks-pod-identity-vs-irsa",
        include_str!("../../scenarios/eks-pod-identity-vs-irsa.ron"),
    ),
    (
        "eks-guardduty-audit",
        include_str!("../../scenarios/eks-guardduty-audit.ron"),
    ),
    (
        "ecs-log-router-sidecar",
        include_str!("../../scenarios/ecs-log-router-sidecar.ron"),
    ),
    (
        "eks-memory-leak",
        include_str!("../../scenarios/eks-memory-leak.ron"),
    ),
    (
        "eks-karpenter-disruption",
        include_str!("../../scenarios/eks-karpenter-disruption.ron"),
    ),
    (
        "eks-statefulset-rolling-update",
        include_str!("../../scenarios/eks-statefulset-rolling-update.ron"),
    ),
    (
        "eks-statefulset-zone-pending",
        include_str!("../../scenarios/eks-statefulset-zone-pending.ron"),
    ),
    (
        "ecs-native-hooks",
        include_str!("../../scenarios/ecs-native-hooks.ron"),
    ),
    (
        "eks-guardduty-runtime",
        include_str!("../../scenarios/eks-guardduty-runtime.ron"),
    ),
    (
        "eks-efs-shared",
        include_str!("../../scenarios/eks-efs-shared.ron"),
    ),
    (
        "eks-efs-static-fargate",
        include_str!("../../scenarios/eks-efs-static-fargate.ron"),
    ),
    (
        "eks-native-sidecar",
        include_str!("../../scenarios/eks-native-sidecar.ron"),
    ),
    (
        "eks-init-image-missing",
        include_str!("../../scenarios/eks-init-image-missing.ron"),
    ),
    (
        "ecr-ec2-cached-image",
        include_str!("../../scenarios/ecr-ec2-cached-image.ron"),
    ),
    (
        "side-by-side-rolling-update",
        include_str!("../../scenarios/side-by-side-rolling-update.ron"),
    ),
    (
        "side-by-side-failing-health-check",
        include_str!("../../scenarios/side-by-side-failing-health-check.ron"),
    ),
    (
        "side-by-side-load-spike",
        include_str!("../../scenarios/side-by-side-load-spike.ron"),
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
        "challenge-ecs-reroute-traffic",
        include_str!("../../scenarios/challenge-ecs-reroute-traffic.ron"),
    ),
    (
        "challenge-ecs-task-role",
        include_str!("../../scenarios/challenge-ecs-task-role.ron"),
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
        "challenge-eks-hpa-no-request",
        include_str!("../../scenarios/challenge-eks-hpa-no-request.ron"),
    ),
    (
        "challenge-eks-drain",
        include_str!("../../scenarios/challenge-eks-drain.ron"),
    ),
    (
        "challenge-eks-irsa",
        include_str!("../../scenarios/challenge-eks-irsa.ron"),
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

/// The built-ins' quizzes (ids and topics) under their progress keys, for progress summaries.
pub fn known_scenarios() -> Vec<crate::progress_report::KnownScenario> {
    BUILT_IN
        .iter()
        .filter_map(|(name, _)| {
            let s = built_in(name).ok()?;
            Some(crate::progress_report::KnownScenario {
                key: ScenarioSource::BuiltIn(name).progress_key(),
                name: (*name).to_string(),
                quizzes: s
                    .quizzes
                    .iter()
                    .map(|q| (q.id.clone(), q.topic.clone()))
                    .collect(),
            })
        })
        .collect()
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

/// The scenario stored under a progress key (`builtin:NAME` or `file:PATH`), to open it again
/// (review): the built-in of that name, or the file read now.
pub fn open_key(key: &str) -> Result<(Arc<Scenario>, ScenarioSource), String> {
    if let Some(name) = key.strip_prefix("builtin:") {
        let (name, _) = BUILT_IN
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| format!("no built-in scenario called {name:?}"))?;
        return Ok((built_in(name)?, ScenarioSource::BuiltIn(name)));
    }
    match key.strip_prefix("file:") {
        Some(path) => load_file(Path::new(path)),
        None => Err(format!("{key:?} names no scenario Orca can open")),
    }
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
// Progress: see `crate::progress`.

pub use crate::progress::{Answer, Progress, QuizRecord, default_path as default_progress_path};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_progress_key_opens_its_scenario_again() {
        let (s, source) = open_key("builtin:eks-probes").expect("a built-in");
        assert_eq!(source, ScenarioSource::BuiltIn("eks-probes"));
        assert_eq!(source.progress_key(), "builtin:eks-probes");
        assert!(!s.quizzes.is_empty());
        let dir = std::env::temp_dir().join(format!("orca-open-key-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("mine.ron");
        let src = BUILT_IN
            .iter()
            .find(|(n, _)| *n == "eks-probes")
            .map(|(_, s)| *s)
            .expect("source");
        fs::write(&path, src).expect("write");
        let key = ScenarioSource::File {
            path: path.clone(),
            modified: None,
            fingerprint: None,
        }
        .progress_key();
        let (_, source) = open_key(&key).expect("the file");
        assert_eq!(source.progress_key(), key);
        assert!(open_key("builtin:no-such").is_err());
        assert!(open_key(&format!("file:{}", dir.join("gone.ron").display())).is_err());
        assert!(open_key("elsewhere").is_err());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn every_built_in_parses() {
        for (name, _) in BUILT_IN {
            let s = built_in(name).unwrap_or_else(|e| panic!("{e}"));
            // A challenge teaches by its goals; every other scenario asks questions.
            assert!(
                !s.quizzes.is_empty() || !s.goals.is_empty(),
                "{name} has neither quizzes nor goals"
            );
        }
    }

    #[test]
    fn every_scenario_file_is_in_the_library() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut files: Vec<String> = fs::read_dir(&dir)
            .expect("scenarios/")
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_str()
                    .and_then(|n| n.strip_suffix(".ron"))
                    .map(String::from)
            })
            .collect();
        files.sort();
        let mut listed: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(listed, files, "BUILT_IN and scenarios/ differ");
        for (name, text) in BUILT_IN {
            let on_disk = fs::read_to_string(dir.join(format!("{name}.ron"))).expect("readable");
            assert_eq!(*text, on_disk, "{name} embeds another file");
        }
    }
}
