//! Quiz triggers: a moment in time, or the first event that matches a condition.

use crate::ecs::{StopCode, TaskStatus};
use crate::elb::TargetState;
use crate::engine::WorldCtx as Ctx;
use crate::event::{Event, EventKind, Source, Subject};
use crate::scenario::spec::{Condition, Focus, Quiz, Scenario, Trigger};

/// Check the events of the instant just processed against the quizzes not yet asked.
pub fn check(ctx: &mut Ctx, scenario: &Scenario, fired: &mut [bool], log_start: usize) {
    let end = ctx.log.len();
    for (i, quiz) in scenario.quizzes.iter().enumerate() {
        if fired.get(i).copied().unwrap_or(true) {
            continue;
        }
        let Trigger::When(cond) = &quiz.trigger else {
            continue;
        };
        let hit = ctx.log[log_start..end]
            .iter()
            .find(|e| matches(cond, e))
            .map(|e| e.subjects.to_vec());
        if let Some(subjects) = hit {
            fired[i] = true;
            ask(ctx, quiz, subjects);
        }
    }
}

/// A quiz with an `At` trigger is due.
pub fn ask_at(ctx: &mut Ctx, scenario: &Scenario, i: usize) {
    if let Some(quiz) = scenario.quizzes.get(i) {
        ask(ctx, quiz, Vec::new());
    }
}

fn ask(ctx: &mut Ctx, quiz: &Quiz, event_subjects: Vec<Subject>) {
    let subjects = match &quiz.focus {
        Some(f) => focus_subjects(ctx, f),
        None => event_subjects,
    };
    ctx.emit(
        Source::Quiz,
        EventKind::QuizAsked {
            quiz: quiz.id.as_str().into(),
            predict: quiz.predict,
        },
        quiz.question.clone(),
        subjects,
    );
}

fn focus_subjects(ctx: &Ctx, focus: &Focus) -> Vec<Subject> {
    match focus {
        Focus::Service(s) => vec![Subject::Service(s.as_str().into())],
        Focus::TargetGroup(t) => vec![Subject::TargetGroup(t.as_str().into())],
        Focus::Instance(i) => vec![Subject::Instance(i.as_str().into())],
        Focus::Zone(z) => vec![Subject::Zone(z.as_str().into())],
        Focus::Revision { service, revision } => {
            // The revision's tasks; the whole service when none exists yet (a prediction
            // asked before they start).
            let mut out = vec![Subject::Service(service.as_str().into())];
            if let Some(ecs) = &ctx.world.ecs
                && let Some(s) = ecs.service_by_name(service)
            {
                for &t in &ecs.service(s).tasks {
                    let task = ecs.task(t);
                    if ecs.task_definition(task.task_definition).revision == *revision {
                        out.push(Subject::Task(task.id.clone()));
                    }
                }
            }
            out
        }
    }
}

fn service_ok(want: &Option<String>, got: Option<&str>) -> bool {
    want.as_deref().is_none_or(|w| Some(w) == got)
}

fn revision_ok(want: &Option<u32>, got: u32) -> bool {
    want.is_none_or(|w| w == got)
}

/// Does this event make the condition true?
pub fn matches(cond: &Condition, e: &Event) -> bool {
    let svc = e.kind.service();
    match (cond, &e.kind) {
        (
            Condition::TaskStarted { service, revision },
            EventKind::TasksStarted { revision: r, .. },
        ) => service_ok(service, svc) && revision_ok(revision, *r),
        (
            Condition::TaskRunning { service, revision },
            EventKind::TaskStateChanged {
                revision: r,
                to: TaskStatus::Running,
                ..
            },
        ) => service_ok(service, svc) && revision_ok(revision, *r),
        (
            Condition::TaskUnhealthy { service, revision },
            EventKind::TaskUnhealthy { revision: r, .. },
        ) => service_ok(service, svc) && revision_ok(revision, *r),
        (
            Condition::TaskStopped { service, revision },
            EventKind::TaskStopRequested { revision: r, .. },
        ) => service_ok(service, svc) && revision_ok(revision, *r),
        (
            Condition::TaskFailedToStart { service, revision },
            EventKind::TaskStopRequested {
                revision: r,
                stop_code: StopCode::TaskFailedToStart,
                ..
            },
        ) => service_ok(service, svc) && revision_ok(revision, *r),
        (
            Condition::TargetHealthy { service, revision },
            EventKind::TargetHealthChanged {
                revision: r,
                to: TargetState::Healthy,
                from: Some(_),
                ..
            },
        ) => service_ok(service, svc) && revision_ok(revision, *r),
        (Condition::PlacementFailed { service }, EventKind::UnableToPlace { .. })
        | (Condition::DeploymentStuck { service }, EventKind::DeploymentStuck { .. })
        | (Condition::CircuitBreakerTripped { service }, EventKind::DeploymentFailed { .. })
        | (Condition::RollbackStarted { service }, EventKind::RollingBack { .. }) => {
            service_ok(service, svc)
        }
        (Condition::PodCrashLoop, EventKind::Kube { reason, object, .. }) => {
            reason == "BackOff"
                && e.message().starts_with("Back-off restarting")
                && object.starts_with("pod/")
        }
        (Condition::ReadinessFailed, EventKind::Kube { reason, .. }) => {
            reason == "Unhealthy" && e.message().starts_with("Readiness probe failed")
        }
        (Condition::LivenessRestart, EventKind::Kube { reason, .. }) => {
            reason == "Killing"
                && e.message()
                    .ends_with("failed liveness probe, will be restarted")
        }
        (Condition::FailedScheduling, EventKind::Kube { reason, .. }) => {
            reason == "FailedScheduling"
        }
        (
            Condition::ProgressDeadlineExceeded,
            EventKind::KubeCondition {
                condition,
                status,
                reason,
                ..
            },
        ) => condition == "Progressing" && !status && reason == "ProgressDeadlineExceeded",
        (Condition::ReplicaSetScaled, EventKind::Kube { reason, .. }) => {
            reason == "ScalingReplicaSet"
        }
        (Condition::HpaRescaled, EventKind::Kube { reason, .. }) => reason == "SuccessfulRescale",
        (Condition::ServiceScaled { service }, EventKind::ScalingActivity { .. }) => {
            service_ok(service, svc)
        }
        (Condition::CapacityScaledOut, EventKind::InstanceLaunched { .. }) => true,
        (Condition::CapacityScaledIn, EventKind::InstanceTerminating { .. }) => true,
        (Condition::ScaleUpTriggered, EventKind::Kube { reason, .. }) => {
            reason == "TriggeredScaleUp"
        }
        (Condition::PodNominated, EventKind::Kube { reason, .. }) => reason == "Nominated",
        (Condition::NodeDisrupted, EventKind::Kube { reason, object, .. }) => {
            reason == "DisruptionTerminating" && object.starts_with("node/")
        }
        (Condition::SteadyState { service }, EventKind::SteadyState { .. }) => {
            e.at.millis() > 0 && service_ok(service, svc)
        }
        (
            Condition::DeploymentCompleted { service, revision },
            EventKind::DeploymentCompleted { revision: r, .. },
        ) => service_ok(service, svc) && revision_ok(revision, *r),
        _ => false,
    }
}
