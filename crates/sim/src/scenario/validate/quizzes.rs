//! Quizzes: ids, questions, choices and answers, triggers and their conditions, focus.

use std::collections::HashSet;

use super::Problems;
use super::common::{list, scenario_end};
use super::ecs_index::EcsIndex;
use crate::scenario::locate::Path;
use crate::scenario::shown::{escaped, quoted};
use crate::scenario::spec::{
    Condition, EksWorld, Focus, Quiz, Scenario, TOPICS, Trigger, WorldSpec,
};

/// Keys 1–9 pick a quiz answer.
pub const MAX_CHOICES: usize = 9;

/// `eks`: the world is EKS only; `both`: it has both parts, so either kind of condition.
fn condition(out: &mut Problems, ix: &EcsIndex, c: &Condition, p: Path, eks: bool, both: bool) {
    let k8s_condition = matches!(
        c,
        Condition::PodCrashLoop
            | Condition::ReadinessFailed
            | Condition::LivenessRestart
            | Condition::FailedScheduling
            | Condition::ProgressDeadlineExceeded
            | Condition::ReplicaSetScaled
            | Condition::HpaRescaled
            | Condition::ScaleUpTriggered
            | Condition::PodNominated
            | Condition::NodeDisrupted
    );
    if k8s_condition != eks && !both {
        out.push((
            p,
            if eks {
                "this condition watches ECS services, but the scenario's world is Eks; use PodCrashLoop, ReadinessFailed, LivenessRestart, FailedScheduling, ProgressDeadlineExceeded, ReplicaSetScaled, HpaRescaled, ScaleUpTriggered, PodNominated or NodeDisrupted".into()
            } else {
                "this condition watches Kubernetes objects, but the scenario's world is Ecs".into()
            },
        ));
        return;
    }
    let (service, revision) = match c {
        Condition::TaskStarted { service, revision }
        | Condition::TaskRunning { service, revision }
        | Condition::TaskUnhealthy { service, revision }
        | Condition::TaskStopped { service, revision }
        | Condition::TaskFailedToStart { service, revision }
        | Condition::TargetHealthy { service, revision }
        | Condition::DeploymentCompleted { service, revision } => (service, *revision),
        Condition::PodCrashLoop
        | Condition::ReadinessFailed
        | Condition::LivenessRestart
        | Condition::FailedScheduling
        | Condition::ProgressDeadlineExceeded
        | Condition::ReplicaSetScaled
        | Condition::HpaRescaled
        | Condition::ScaleUpTriggered
        | Condition::PodNominated
        | Condition::NodeDisrupted => return,
        Condition::CapacityScaledOut | Condition::CapacityScaledIn => {
            if ix.w.capacity.auto_scaling_groups.is_empty() {
                out.push((
                    p,
                    "this condition watches Auto Scaling groups, but the cluster has none; add capacity: (auto_scaling_groups: [...])".into(),
                ));
            }
            return;
        }
        Condition::ServiceScaled { service }
        | Condition::PlacementFailed { service }
        | Condition::DeploymentStuck { service }
        | Condition::CircuitBreakerTripped { service }
        | Condition::RollbackStarted { service }
        | Condition::SteadyState { service } => (service, None),
    };
    let svc = match service {
        Some(name) => ix.service_ref(out, name, p.field("service")),
        None => None,
    };
    if let (Some(svc), Some(r)) = (svc, revision) {
        ix.revision_ref(out, svc, r, p.field("revision"));
    }
}

/// `why_not` texts belong to wrong choices that exist, and say something.
fn why_not(out: &mut Problems, q: &Quiz, p: &Path) {
    let n = q.choices.len();
    for (&choice, text) in &q.why_not {
        let at = p.field("why_not").key(choice.to_string());
        if choice >= n {
            out.push((
                at,
                format!(
                    "why_not names choice {choice}, which does not exist; this quiz has {n} choices, numbered from 0"
                ),
            ));
        } else if q.correct.contains(&choice) {
            out.push((
                at,
                format!(
                    "why_not names choice {choice}, which is a correct answer; why_not is for wrong choices (the explanation says why the right ones are right)"
                ),
            ));
        } else if text.trim().is_empty() {
            out.push((
                at,
                format!(
                    "why_not for choice {choice} {} is empty; say why that choice is wrong, or leave it out",
                    escaped(text)
                ),
            ));
        }
    }
}

pub(super) fn quizzes(out: &mut Problems, s: &Scenario, ix: &EcsIndex, eks: Option<&EksWorld>) {
    let qp = Path::root().field("quizzes");
    let end = scenario_end(s);
    let mut ids = HashSet::new();
    for (i, q) in s.quizzes.iter().enumerate() {
        let p = qp.index(i);
        if q.id.trim().is_empty() {
            out.push((
                p.field("id"),
                format!(
                    "quiz id {} is empty; give each quiz an id of its own (answers are saved under it)",
                    escaped(&q.id)
                ),
            ));
        } else if !ids.insert(&q.id) {
            out.push((
                p.field("id"),
                format!(
                    "quiz id {} is used twice; each quiz needs its own id (answers are saved under it)",
                    quoted(&q.id)
                ),
            ));
        }
        super::common::notes(out, &q.notes, p.field("notes"));
        if q.question.trim().is_empty() {
            out.push((
                p.field("question"),
                format!("the question {} is empty", escaped(&q.question)),
            ));
        }
        let n = q.choices.len();
        if !(2..=MAX_CHOICES).contains(&n) {
            out.push((
                p.field("choices"),
                match n {
                    0 => format!(
                        "no choices; a quiz has 2 to {MAX_CHOICES} (keys 1–{MAX_CHOICES} pick them)"
                    ),
                    1 => format!(
                        "only 1 choice; a quiz has 2 to {MAX_CHOICES} (keys 1–{MAX_CHOICES} pick them)"
                    ),
                    n => format!(
                        "{n} choices; a quiz has 2 to {MAX_CHOICES} (keys 1–{MAX_CHOICES} pick them)"
                    ),
                },
            ));
        }
        for (j, c) in q.choices.iter().enumerate() {
            if c.trim().is_empty() {
                out.push((
                    p.field("choices").index(j),
                    format!(
                        "choice {j} {} is empty; write the answer the learner picks",
                        escaped(c)
                    ),
                ));
            }
        }
        if q.correct.is_empty() {
            out.push((
                p.field("correct"),
                "no correct choice; list the right one(s) by number, counting from 0".into(),
            ));
        }
        let mut seen = HashSet::new();
        for (j, c) in q.correct.iter().enumerate() {
            if *c >= n {
                out.push((
                    p.field("correct").index(j),
                    format!(
                        "choice {c} does not exist; this quiz has {n} choices, numbered from 0"
                    ),
                ));
            } else if !seen.insert(c) {
                out.push((
                    p.field("correct").index(j),
                    format!("choice {c} is listed twice"),
                ));
            }
        }
        why_not(out, q, &p);
        if let Some(t) = &q.topic
            && !TOPICS.iter().any(|(name, _)| name == t)
        {
            out.push((
                p.field("topic"),
                format!(
                    "topic {} is not one of Orca's topics; use {}",
                    quoted(t),
                    TOPICS
                        .iter()
                        .map(|(name, _)| format!("\"{name}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if q.explanation.trim().is_empty() {
            out.push((
                p.field("explanation"),
                format!("the explanation {} is empty; say why the answer is right — it is what the learner reads after answering", escaped(&q.explanation)),
            ));
        }
        match &q.trigger {
            Trigger::At(t) => {
                if !t.is_finite() || *t < 0.0 || *t > end {
                    out.push((
                        p.field("trigger"),
                        format!(
                            "At({t}) is outside the scenario; valid: 0 to the duration, {end} seconds"
                        ),
                    ));
                }
            }
            Trigger::When(c) => condition(
                out,
                ix,
                c,
                p.field("trigger"),
                eks.is_some(),
                matches!(s.world, WorldSpec::Both(_)),
            ),
        }
        if let Some(f) = &q.focus {
            let fp = p.field("focus");
            match f {
                Focus::Service(n) => {
                    ix.service_ref(out, n, fp);
                }
                Focus::TargetGroup(n) => {
                    if ix.target_group(n).is_none() {
                        out.push((
                            fp,
                            format!(
                                "target group {} is not defined; {}",
                                quoted(n),
                                list(ix.w.target_groups.iter().map(|t| t.name.as_str()))
                            ),
                        ));
                    }
                }
                Focus::Instance(n) => ix.instance_ref(out, n, fp),
                Focus::Zone(z) => ix.zone_ref(out, z, fp),
                Focus::Revision { service, revision } => {
                    if let Some(svc) = ix.service_ref(out, service, fp.field("service")) {
                        ix.revision_ref(out, svc, *revision, fp.field("revision"));
                    }
                }
            }
        }
    }
}
