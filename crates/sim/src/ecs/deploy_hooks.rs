//! The lifecycle hook of a deployment's current stage, as the lifecycle engine sees it: start
//! it when the stage begins, look at it when it is due (answers, re-invocations, timeout) and
//! write each of its moments in the deployment's log; `ContinueServiceDeployment` on a pause
//! hook (docs/rules/ecs-blue-green.md, "Lifecycle hooks"). The rules themselves are the pure
//! functions of `lifecycle_hooks.rs`.
//!
//! Sources: Amazon ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments",
//! "Lambda hooks …", "Pause hooks …" and "Continuing service deployments"
//! (<https://docs.aws.amazon.com/AmazonECS/latest/developerguide/continue-service-deployment.html>).

use crate::ecs::cluster::Ctx;
use crate::ecs::deploy_traffic::{active_mut, lifecycle_event};
use crate::ecs::ids::ServiceIdx;
use crate::ecs::lifecycle_hooks::{
    self, Hook, HookAnswer, HookNote, HookRun, HookStatus, HookTarget,
};
use crate::ecs::task_set_links::request_step;
use crate::time::SimTime;

/// What the current stage's hook lets the stage do.
pub(super) enum HookCheck {
    /// No hook, or it is done (SUCCEEDED, or TIMED_OUT with action CONTINUE).
    Proceed,
    /// Look again then.
    Wait(Option<SimTime>),
    Failed {
        code: &'static str,
        message: String,
    },
}

/// The stage under way begins: if it has a hook, invoke it (Lambda) or pause (PAUSE).
pub(super) fn start(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    let Some(d) = active_mut(ctx, s) else {
        return;
    };
    let i = d.current;
    let id = d.id.clone();
    let Some(st) = d.stages.get_mut(i) else {
        return;
    };
    let Some(hook) = st.hook.clone() else {
        return;
    };
    let name = st.name.clone();
    let run = lifecycle_hooks::start(
        &hook,
        lifecycle_hooks::hook_id(hook.target, &id, &name, i),
        now,
    );
    st.due = run.due();
    let expires = run.expires_at;
    st.run = Some(run);
    match hook.target {
        HookTarget::Lambda => lifecycle_event(
            ctx,
            s,
            &id,
            &name,
            "InProgress",
            format!("{id} {name}: InProgress, hook {} invoked.", hook.function),
            Some(script_why(&hook)),
        ),
        HookTarget::Pause => lifecycle_event(
            ctx,
            s,
            &id,
            &name,
            "AwaitingAction",
            format!(
                "{id} {name}: AWAITING_ACTION, the pause hook waits for ContinueServiceDeployment until {expires}."
            ),
            Some(format!(
                "A PAUSE hook stops the deployment here until someone calls ContinueServiceDeployment with its hookId (CONTINUE or ROLLBACK). Unanswered, it times out after {} and ECS takes the timeout action {}.",
                hook.timeout,
                timeout_action(&hook)
            )),
        ),
    }
}

/// The why of an invocation: what the scripted function will answer.
fn script_why(hook: &Hook) -> String {
    if hook.answers.len() == 1 {
        let word = match hook.answers[0] {
            HookAnswer::Succeeded => "Succeeded",
            HookAnswer::Failed => "Failed",
            HookAnswer::InProgress { .. } => "IN_PROGRESS, again and again",
            HookAnswer::Invalid => "no valid hookStatus",
        };
        return format!(
            "The hook is a Lambda function; it answers after {} with {word}.",
            hook.duration
        );
    }
    let answers: Vec<String> = hook
        .answers
        .iter()
        .map(|a| match a {
            HookAnswer::InProgress { call_back_delay } => {
                format!("IN_PROGRESS (callBackDelay {call_back_delay})")
            }
            other => other.as_str().to_string(),
        })
        .collect();
    format!(
        "The hook is a Lambda function; each invocation answers after {}: {}. After IN_PROGRESS ECS invokes it again when the callBackDelay has passed (30s unless the answer sets it); the hook times out after {} (action {}).",
        hook.duration,
        answers.join(", then "),
        hook.timeout,
        timeout_action(hook)
    )
}

fn timeout_action(hook: &Hook) -> &'static str {
    if hook.timeout_continues {
        "CONTINUE"
    } else {
        "ROLLBACK"
    }
}

/// Look at the current stage's hook at `now`: record what happened since and say whether the
/// stage may go on.
pub(super) fn check(ctx: &mut Ctx, s: ServiceIdx) -> HookCheck {
    let now = ctx.now;
    let Some(d) = active_mut(ctx, s) else {
        return HookCheck::Proceed;
    };
    let i = d.current;
    let id = d.id.clone();
    let Some(st) = d.stages.get_mut(i) else {
        return HookCheck::Proceed;
    };
    let (Some(hook), Some(run)) = (st.hook.clone(), st.run.as_mut()) else {
        return HookCheck::Proceed;
    };
    let notes = lifecycle_hooks::step(run, &hook, now);
    let run = run.clone();
    st.due = run.due();
    let name = st.name.clone();
    for note in notes {
        record(ctx, s, &id, &name, &hook, &run, note);
    }
    match run.status {
        HookStatus::Succeeded => HookCheck::Proceed,
        HookStatus::TimedOut if hook.timeout_continues => HookCheck::Proceed,
        HookStatus::TimedOut => HookCheck::Failed {
            code: "HOOK_TIMED_OUT",
            message: format!(
                "The {name} hook did not complete within {}; timeoutConfiguration action ROLLBACK.",
                hook.timeout
            ),
        },
        HookStatus::Failed if hook.target == HookTarget::Pause => HookCheck::Failed {
            code: "ROLLBACK_REQUESTED",
            message: format!(
                "ContinueServiceDeployment with action ROLLBACK at the {name} pause hook."
            ),
        },
        HookStatus::Failed => HookCheck::Failed {
            code: "HOOK_EXECUTION_FAILURE",
            message: match hook.answer(run.invocations) {
                HookAnswer::Invalid => format!(
                    "The {name} lifecycle hook {} returned no valid hookStatus.",
                    hook.function
                ),
                _ => format!(
                    "The {name} lifecycle event hook {} returned Failed.",
                    hook.function
                ),
            },
        },
        HookStatus::InProgress | HookStatus::AwaitingAction => HookCheck::Wait(run.due()),
    }
}

fn record(
    ctx: &mut Ctx,
    s: ServiceIdx,
    id: &str,
    name: &str,
    hook: &Hook,
    run: &HookRun,
    note: HookNote,
) {
    let f = &hook.function;
    let (status, message, why) = match note {
        HookNote::Answered {
            answer: HookAnswer::InProgress { call_back_delay },
            again_at: Some(at),
            invocation,
        } => (
            "InProgress",
            format!(
                "{id} {name}: hook {f} answered IN_PROGRESS (invocation {invocation}); it is invoked again at {at}."
            ),
            Some(format!(
                "IN_PROGRESS tells ECS the check is not finished: ECS invokes the function again after the callBackDelay ({call_back_delay}); the stage waits meanwhile."
            )),
        ),
        // A one-shot answer is told by the stage's own Succeeded or Failed line.
        HookNote::Answered { invocation: 1, .. } => return,
        HookNote::Answered {
            answer, invocation, ..
        } => (
            "InProgress",
            format!(
                "{id} {name}: hook {f} answered {} (invocation {invocation}).",
                answer.as_str()
            ),
            None,
        ),
        HookNote::Invoked { invocation } => (
            "InProgress",
            format!("{id} {name}: hook {f} invoked again (invocation {invocation})."),
            None,
        ),
        HookNote::TimedOut => (
            "TimedOut",
            format!(
                "{id} {name}: hook {} TIMED_OUT after {}; action {}.",
                if hook.target == HookTarget::Pause {
                    run.id.as_str()
                } else {
                    f.as_str()
                },
                hook.timeout,
                timeout_action(hook)
            ),
            Some(if hook.timeout_continues {
                "timeoutConfiguration action CONTINUE: the deployment goes on to the next stage as if the hook had succeeded.".to_string()
            } else {
                "timeoutConfiguration action ROLLBACK (the default): the deployment rolls back to the previous revision.".to_string()
            }),
        ),
    };
    lifecycle_event(ctx, s, id, name, status, message, why);
}

/// `ContinueServiceDeployment`: the pause hook awaiting action at the current stage resolves
/// (CONTINUE or ROLLBACK) and the engine looks at the stage at once. `Err` with the hook's
/// state when nothing awaits action.
pub fn resolve_pause(
    ctx: &mut Ctx,
    s: ServiceIdx,
    hook_id: Option<&str>,
    proceed: bool,
) -> Result<(), String> {
    let now = ctx.now;
    let Some(d) = active_mut(ctx, s) else {
        return Err("The service has no deployment in progress.".into());
    };
    let i = d.current;
    let id = d.id.clone();
    let Some(st) = d.stages.get_mut(i) else {
        return Err("The service deployment is not paused at a lifecycle hook.".into());
    };
    let name = st.name.clone();
    let Some(run) = st.run.as_mut() else {
        return Err("The service deployment is not paused at a lifecycle hook.".into());
    };
    if hook_id.is_some_and(|h| h != run.id) {
        return Err(format!(
            "The hook {} is not awaiting action.",
            hook_id.unwrap_or_default()
        ));
    }
    if !lifecycle_hooks::resolve(run, proceed, now) {
        return Err(format!(
            "The hook {} is {}, not AWAITING_ACTION.",
            run.id,
            run.status.as_str()
        ));
    }
    let word = if proceed { "CONTINUE" } else { "ROLLBACK" };
    lifecycle_event(
        ctx,
        s,
        &id,
        &name,
        if proceed { "Succeeded" } else { "Failed" },
        format!("{id} {name}: ContinueServiceDeployment action {word}."),
        Some(if proceed {
            "The pause hook is released: the deployment goes on to the next lifecycle stage.".into()
        } else {
            "ROLLBACK at a pause hook rolls the deployment back to the previous revision.".into()
        }),
    );
    request_step(ctx, s, now);
    Ok(())
}
