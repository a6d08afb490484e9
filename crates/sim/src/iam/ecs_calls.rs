//! The AWS calls an ECS task's application makes, one reconcile step per due moment: find the
//! credentials the SDK's chain finds in this task (task role, else instance metadata when it
//! answers), decide the call with that role's policy, record it, log it when the credentials
//! or the verdict change.

use crate::control::EcsTimer;
use crate::ecs::cluster::Ctx;
use crate::ecs::ids::TaskIdx;
use crate::ecs::{Host, TaskStatus};
use crate::event::{EventKind, Source, Subject};
use crate::name::Name;
use crate::time::SimTime;

use super::chain::{self, ChainInput, ContainerSource, Runs};
use super::{CallOutcome, Workload, changed, decide};

/// A task reached RUNNING: its application starts calling (the first call at once).
pub fn start(ctx: &mut Ctx, idx: TaskIdx) {
    let now = ctx.now;
    let family = {
        let t = ctx.world.task(idx);
        ctx.world.task_definition(t.task_definition).family.clone()
    };
    let Some(iam) = ctx.world.iam.as_mut() else {
        return;
    };
    let Some(app) = iam.app_for(&family) else {
        return;
    };
    let calls = iam.records(app, now);
    iam.tasks.insert(
        idx.0,
        Workload {
            app,
            env: None,
            calls,
        },
    );
    ctx.schedule(now, EcsTimer::AppCalls(idx));
}

/// The task's credentials as its SDK finds them now.
pub fn credentials(
    cluster: &crate::ecs::cluster::EcsCluster,
    idx: TaskIdx,
) -> Option<(Result<chain::Found, String>, String)> {
    let iam = cluster.iam.as_ref()?;
    let t = cluster.task(idx);
    let td = cluster.task_definition(t.task_definition);
    let (runs, instance_id) = match t.host {
        Host::Instance(i) => (
            Runs::EcsEc2(td.network_mode),
            Some(cluster.instance(i).ec2_instance_id.clone()),
        ),
        _ => (Runs::Fargate, None),
    };
    let imds = chain::imds_reachable(runs, &iam.imds).map(|how| (iam.instance_role_arn(), how));
    let input = ChainInput {
        web_identity: None,
        container: t
            .task_role_arn(td)
            .map(|r| (r.to_string(), ContainerSource::EcsTaskRole)),
        imds,
    };
    let found = chain::resolve(&input);
    // The task role's session is named after the task; instance metadata's after the instance.
    let session = match &found {
        Ok(f) if f.step == chain::ChainStep::InstanceMetadata => instance_id.unwrap_or_default(),
        _ => t.id.clone(),
    };
    Some((found, session.to_string()))
}

/// Make the task's due calls and come back when the next one is due.
pub fn on_due(ctx: &mut Ctx, idx: TaskIdx) {
    let now = ctx.now;
    if ctx.world.task(idx).last_status != TaskStatus::Running {
        return;
    }
    let Some((found, session)) = credentials(ctx.world, idx) else {
        return;
    };
    let Some(iam) = ctx.world.iam.as_ref() else {
        return;
    };
    let Some(w) = iam.tasks.get(&idx.0) else {
        return;
    };
    let app = &iam.app_calls[w.app];
    let mut outcomes: Vec<(usize, CallOutcome, bool)> = Vec::new();
    for (i, rec) in w.calls.iter().enumerate() {
        if rec.next_at > now {
            continue;
        }
        let o = decide(iam, found.clone(), &session, &app.calls[i]);
        let log = changed(rec.last.as_ref(), &o);
        outcomes.push((i, o, log));
    }
    let calls = app.calls.clone();
    let task_id = ctx.world.task(idx).id.clone();
    let mut next: Option<SimTime> = None;
    let mut to_log = Vec::new();
    if let Some(w) = ctx.world.iam.as_mut().and_then(|m| m.tasks.get_mut(&idx.0)) {
        for (i, o, log) in outcomes {
            let rec = &mut w.calls[i];
            rec.made += 1;
            if !o.allowed {
                rec.denied += 1;
            }
            rec.next_at = now.plus(calls[i].every);
            if log {
                to_log.push((i, o.clone()));
            }
            rec.last = Some(o);
        }
        next = w.calls.iter().map(|r| r.next_at).min();
    }
    for (i, o) in to_log {
        let call = &calls[i];
        let message = super::log_line(call, &o);
        ctx.emit_why(
            Source::Task(task_id.clone()),
            EventKind::AwsCall {
                workload: task_id.clone(),
                action: call.action.as_str().into(),
                resource: call.resource.as_str().into(),
                role: o.role_arn.as_deref().map(Name::from),
                allowed: o.allowed,
            },
            message,
            vec![Subject::Task(task_id.clone())],
            Some(o.why.clone()),
        );
    }
    if let Some(at) = next {
        ctx.schedule(at, EcsTimer::AppCalls(idx));
    }
}
