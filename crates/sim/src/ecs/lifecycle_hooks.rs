//! A deployment lifecycle hook at work: a Lambda function invoked, answering `SUCCEEDED`,
//! `FAILED` or `IN_PROGRESS` (invoked again after `callBackDelay`, 30 s by default), or a
//! `PAUSE` hook waiting for `ContinueServiceDeployment`; both bounded by the hook's
//! `timeoutConfiguration`. Pure data and rules: `codedeploy.rs` starts a run when a stage
//! begins and calls [`step`] when the run is due (docs/rules/ecs-blue-green.md, "Lifecycle
//! hooks").
//!
//! Sources: Amazon ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html>),
//! "Lambda hooks for Amazon ECS service deployments" (lambda-lifecycle-hooks.html), "Pause
//! hooks for Amazon ECS service deployments" (pause-lifecycle-hooks.html); Amazon ECS API
//! Reference, DeploymentLifecycleHook, DeploymentLifecycleHookTimeoutConfiguration,
//! DeploymentLifecycleHookDetail, ContinueServiceDeployment.

use serde::Serialize;

use crate::time::{Millis, SimTime};

/// "By default, the delay is 30 seconds" between an `IN_PROGRESS` answer and the next
/// invocation (lambda-lifecycle-hooks).
pub const DEFAULT_CALL_BACK_DELAY: Millis = Millis::from_secs(30);

/// `timeoutConfiguration.timeoutInMinutes` when left out: 1,440 (24 hours).
pub const DEFAULT_TIMEOUT: Millis = Millis::from_secs(1_440 * 60);

/// `targetType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HookTarget {
    /// `AWS_LAMBDA`.
    Lambda,
    /// `PAUSE`.
    Pause,
}

impl HookTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            HookTarget::Lambda => "AWS_LAMBDA",
            HookTarget::Pause => "PAUSE",
        }
    }
}

/// One answer of a Lambda hook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HookAnswer {
    Succeeded,
    Failed,
    /// No valid `hookStatus`, or the function failed: ECS rolls back.
    Invalid,
    InProgress {
        call_back_delay: Millis,
    },
}

impl HookAnswer {
    pub fn as_str(self) -> &'static str {
        match self {
            HookAnswer::Succeeded => "SUCCEEDED",
            HookAnswer::Failed => "FAILED",
            HookAnswer::Invalid => "no valid hookStatus",
            HookAnswer::InProgress { .. } => "IN_PROGRESS",
        }
    }
}

/// A lifecycle hook as the scenario scripts it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hook {
    pub function: String,
    pub target: HookTarget,
    /// From an invocation to its answer.
    pub duration: Millis,
    /// The answer of each invocation in order; the last repeats. Never empty.
    pub answers: Vec<HookAnswer>,
    pub timeout: Millis,
    /// `timeoutConfiguration.action` CONTINUE (else ROLLBACK).
    pub timeout_continues: bool,
}

impl Hook {
    /// The answer of the `n`-th invocation (1-based).
    pub fn answer(&self, n: u32) -> HookAnswer {
        let i = (n.max(1) - 1) as usize;
        self.answers
            .get(i)
            .or(self.answers.last())
            .copied()
            .unwrap_or(HookAnswer::Succeeded)
    }

    /// The first answer, for a hook that answers once (CodeDeploy's, or a legacy ECS one).
    pub fn succeeds(&self) -> bool {
        self.answer(1) == HookAnswer::Succeeded
    }
}

/// `DeploymentLifecycleHookDetail.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HookStatus {
    AwaitingAction,
    InProgress,
    Succeeded,
    Failed,
    TimedOut,
}

impl HookStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            HookStatus::AwaitingAction => "AWAITING_ACTION",
            HookStatus::InProgress => "IN_PROGRESS",
            HookStatus::Succeeded => "SUCCEEDED",
            HookStatus::Failed => "FAILED",
            HookStatus::TimedOut => "TIMED_OUT",
        }
    }

    pub fn is_done(self) -> bool {
        matches!(
            self,
            HookStatus::Succeeded | HookStatus::Failed | HookStatus::TimedOut
        )
    }
}

/// One hook at one stage of one deployment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HookRun {
    /// `hookId`.
    pub id: String,
    pub status: HookStatus,
    pub started: SimTime,
    /// `expiresAt`: the timeout action is taken then.
    pub expires_at: SimTime,
    /// Invocations so far (Lambda).
    pub invocations: u32,
    /// When the invocation under way answers.
    pub answer_at: Option<SimTime>,
    /// When the function is invoked again after `IN_PROGRESS`.
    pub invoke_at: Option<SimTime>,
    pub ended: Option<SimTime>,
}

impl HookRun {
    /// When the run next needs looking at, if it is not done.
    pub fn due(&self) -> Option<SimTime> {
        if self.status.is_done() {
            return None;
        }
        let next = self.answer_at.or(self.invoke_at).unwrap_or(self.expires_at);
        Some(next.min(self.expires_at))
    }
}

/// What happened in one [`step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookNote {
    /// The invocation answered (with the moment it is invoked again for `IN_PROGRESS`).
    Answered {
        invocation: u32,
        answer: HookAnswer,
        again_at: Option<SimTime>,
    },
    /// The function was invoked again.
    Invoked { invocation: u32 },
    /// Nobody answered in time.
    TimedOut,
}

/// A run of `hook` beginning at `now`: a Lambda function is invoked at once, a pause hook
/// awaits action. `id` is the `hookId`.
pub fn start(hook: &Hook, id: String, now: SimTime) -> HookRun {
    let lambda = hook.target == HookTarget::Lambda;
    HookRun {
        id,
        status: if lambda {
            HookStatus::InProgress
        } else {
            HookStatus::AwaitingAction
        },
        started: now,
        expires_at: now.plus(hook.timeout),
        invocations: u32::from(lambda),
        answer_at: lambda.then(|| now.plus(hook.duration)),
        invoke_at: None,
        ended: None,
    }
}

/// Everything due at `now` or before, in time order (an answer due at the same moment as the
/// timeout counts: it arrived in time [inferred]).
pub fn step(run: &mut HookRun, hook: &Hook, now: SimTime) -> Vec<HookNote> {
    let mut notes = Vec::new();
    // Each round handles one answer, invocation or timeout; the bound keeps a zero-delay
    // script from looping at one instant.
    for _ in 0..64 {
        if run.status.is_done() {
            break;
        }
        match (run.answer_at, run.invoke_at) {
            (Some(at), _) if at <= now && at <= run.expires_at => {
                run.answer_at = None;
                let answer = hook.answer(run.invocations);
                let again_at = match answer {
                    HookAnswer::Succeeded => {
                        finish(run, HookStatus::Succeeded, at);
                        None
                    }
                    HookAnswer::Failed | HookAnswer::Invalid => {
                        finish(run, HookStatus::Failed, at);
                        None
                    }
                    HookAnswer::InProgress { call_back_delay } => {
                        run.invoke_at = Some(at.plus(call_back_delay));
                        run.invoke_at
                    }
                };
                notes.push(HookNote::Answered {
                    invocation: run.invocations,
                    answer,
                    again_at,
                });
            }
            (None, Some(at)) if at <= now && at < run.expires_at => {
                run.invoke_at = None;
                run.invocations += 1;
                run.answer_at = Some(at.plus(hook.duration));
                notes.push(HookNote::Invoked {
                    invocation: run.invocations,
                });
            }
            _ if run.expires_at <= now => {
                finish(run, HookStatus::TimedOut, run.expires_at);
                notes.push(HookNote::TimedOut);
            }
            _ => break,
        }
    }
    notes
}

fn finish(run: &mut HookRun, status: HookStatus, at: SimTime) {
    run.status = status;
    run.ended = Some(at);
    run.answer_at = None;
    run.invoke_at = None;
}

/// `ContinueServiceDeployment` on a run awaiting action: CONTINUE → SUCCEEDED, ROLLBACK →
/// FAILED [inferred: the status a pause hook takes after ROLLBACK is not published]. `false`
/// when the run is not awaiting action.
pub fn resolve(run: &mut HookRun, proceed: bool, now: SimTime) -> bool {
    if run.status != HookStatus::AwaitingAction {
        return false;
    }
    let status = if proceed {
        HookStatus::Succeeded
    } else {
        HookStatus::Failed
    };
    finish(run, status, now);
    true
}

/// A `hookId`: the prefix the Developer Guide's example shows for a pause hook
/// (`ecs-pause-…`, 43 URL-safe characters), `ecs-lambda-…` for a Lambda hook [inferred: no
/// example is published], made from the deployment, the stage and its position so a replay
/// gives the same id without drawing from the random streams.
pub fn hook_id(target: HookTarget, deployment: &str, stage: &str, index: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut h = crate::hash::fnv1a(
        deployment
            .bytes()
            .chain(stage.bytes())
            .chain((index as u64).to_le_bytes()),
    );
    let body: String = (0..43)
        .map(|i| {
            h ^= h >> 29;
            h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9).wrapping_add(i);
            ALPHABET[(h >> 58) as usize] as char
        })
        .collect();
    let prefix = match target {
        HookTarget::Lambda => "ecs-lambda-",
        HookTarget::Pause => "ecs-pause-",
    };
    format!("{prefix}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lambda(answers: Vec<HookAnswer>) -> Hook {
        Hook {
            function: "check".into(),
            target: HookTarget::Lambda,
            duration: Millis::from_secs(5),
            answers,
            timeout: DEFAULT_TIMEOUT,
            timeout_continues: false,
        }
    }

    fn t(s: u64) -> SimTime {
        SimTime::from_secs(s)
    }

    /// Run a hook to the end, returning (moment, note) of everything that happened.
    fn drive(hook: &Hook) -> (HookRun, Vec<(SimTime, HookNote)>) {
        let mut run = start(hook, "h".into(), t(0));
        let mut seen = Vec::new();
        while let Some(at) = run.due() {
            for n in step(&mut run, hook, at) {
                seen.push((at, n));
            }
        }
        (run, seen)
    }

    // lambda-lifecycle-hooks: IN_PROGRESS → "invokes the function again after a delay. By
    // default, the delay is 30 seconds."
    #[test]
    fn in_progress_is_asked_again_after_30_seconds() {
        let d = DEFAULT_CALL_BACK_DELAY;
        let hook = lambda(vec![
            HookAnswer::InProgress { call_back_delay: d },
            HookAnswer::Succeeded,
        ]);
        let (run, seen) = drive(&hook);
        assert_eq!(run.status, HookStatus::Succeeded);
        assert_eq!(run.invocations, 2);
        // Answer at 5 s, invoked again at 35 s, answers SUCCEEDED at 40 s.
        assert_eq!(seen[0].0, t(5));
        assert_eq!(seen[1], (t(35), HookNote::Invoked { invocation: 2 }));
        assert_eq!(run.ended, Some(t(40)));
    }

    // The same page's example: {"hookStatus": "IN_PROGRESS", "callBackDelay": 60}.
    #[test]
    fn call_back_delay_sets_the_next_invocation() {
        let hook = lambda(vec![
            HookAnswer::InProgress {
                call_back_delay: Millis::from_secs(60),
            },
            HookAnswer::Succeeded,
        ]);
        let (run, seen) = drive(&hook);
        assert_eq!(seen[1], (t(65), HookNote::Invoked { invocation: 2 }));
        assert_eq!(run.ended, Some(t(70)));
    }

    #[test]
    fn failed_and_invalid_answers_fail_the_hook() {
        for a in [HookAnswer::Failed, HookAnswer::Invalid] {
            let (run, _) = drive(&lambda(vec![a]));
            assert_eq!(run.status, HookStatus::Failed);
            assert_eq!(run.ended, Some(t(5)));
        }
    }

    // DeploymentLifecycleHookTimeoutConfiguration: "how long Amazon ECS waits for the
    // lifecycle hook to complete before taking the specified timeout action".
    #[test]
    fn a_hook_that_keeps_answering_in_progress_times_out() {
        let mut hook = lambda(vec![HookAnswer::InProgress {
            call_back_delay: DEFAULT_CALL_BACK_DELAY,
        }]);
        hook.timeout = Millis::from_secs(120);
        let (run, seen) = drive(&hook);
        assert_eq!(run.status, HookStatus::TimedOut);
        assert_eq!(run.ended, Some(t(120)));
        // Invocations at 0, 35, 70, 105: four answers of IN_PROGRESS (the fourth at 110).
        assert_eq!(run.invocations, 4);
        assert_eq!(seen.last(), Some(&(t(120), HookNote::TimedOut)));
    }

    #[test]
    fn a_pause_hook_waits_until_continued_or_timed_out() {
        let mut hook = lambda(vec![HookAnswer::Succeeded]);
        hook.target = HookTarget::Pause;
        hook.timeout = Millis::from_secs(600);
        let mut run = start(&hook, "p".into(), t(0));
        assert_eq!(run.status, HookStatus::AwaitingAction);
        assert_eq!(run.invocations, 0);
        assert!(step(&mut run, &hook, t(599)).is_empty());
        assert_eq!(run.due(), Some(t(600)));
        assert!(resolve(&mut run, true, t(300)));
        assert_eq!(run.status, HookStatus::Succeeded);
        assert!(!resolve(&mut run, true, t(301)), "only once");
        let mut run = start(&hook, "p".into(), t(0));
        assert_eq!(step(&mut run, &hook, t(600)), vec![HookNote::TimedOut]);
    }

    #[test]
    fn hook_ids_are_stable_and_distinct() {
        let a = hook_id(HookTarget::Pause, "ecs-svc/1", "POST_TEST_TRAFFIC_SHIFT", 4);
        assert_eq!(
            a,
            hook_id(HookTarget::Pause, "ecs-svc/1", "POST_TEST_TRAFFIC_SHIFT", 4)
        );
        assert!(a.starts_with("ecs-pause-") && a.len() == "ecs-pause-".len() + 43);
        assert_ne!(
            a,
            hook_id(HookTarget::Pause, "ecs-svc/1", "POST_TEST_TRAFFIC_SHIFT", 5)
        );
    }
}
