//! What a blue/green deployment does to the listeners, and how it is recorded: the test
//! listener's switch, the production listener's weights step by step, the swap of PRIMARY, a
//! rollback's reroute, and the deployment's lifecycle lines in the event log
//! (docs/rules/ecs-blue-green.md). Listener weights: Elastic Load Balancing, "Listener rules
//! for your Application Load Balancer", forward actions with weighted target groups
//! (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html>).

use crate::ecs::cluster::Ctx;
use crate::ecs::deploy_plan::{fmt_percent, weights_for};
use crate::ecs::ids::ServiceIdx;
use crate::ecs::task_set::{BgDeployment, BlueGreen, DeploymentState, TaskSetStatus};
use crate::ecs::task_set_links::record_sample;
use crate::event::{EventKind, Source, Subject};
use crate::time::SimTime;

/// ("Deployment" | "Service deployment", the status word of the active deployment).
pub(super) fn deployment_words(bg: &BlueGreen) -> (&'static str, String) {
    let last = bg.deployments.last();
    let state = last.map_or(DeploymentState::InProgress, |d| d.state);
    if bg.controller.is_code_deploy() {
        let status = last.map_or(state.code_deploy(), BgDeployment::code_deploy_status);
        ("Deployment", status.to_string())
    } else {
        ("Service deployment", state.ecs().to_string())
    }
}

pub(super) fn deploy_event(
    ctx: &mut Ctx,
    s: ServiceIdx,
    id: &str,
    message: String,
    status: String,
    why: Option<String>,
) {
    let name = ctx.world.service(s).name.clone();
    ctx.emit_why(
        Source::Deploy(name.clone()),
        EventKind::BlueGreenDeployment {
            service: name.clone(),
            deployment: id.into(),
            status: status.into(),
        },
        message,
        vec![Subject::Service(name)],
        why,
    );
}

pub(super) fn active_mut<'a>(ctx: &'a mut Ctx, s: ServiceIdx) -> Option<&'a mut BgDeployment> {
    ctx.world
        .service_mut(s)
        .blue_green
        .as_deref_mut()?
        .active_mut()
}

pub(super) fn lifecycle_event(
    ctx: &mut Ctx,
    s: ServiceIdx,
    id: &str,
    stage: &str,
    status: &str,
    message: String,
    why: Option<String>,
) {
    let name = ctx.world.service(s).name.clone();
    ctx.emit_why(
        Source::Deploy(name.clone()),
        EventKind::LifecycleEvent {
            service: name.clone(),
            deployment: id.into(),
            stage: stage.into(),
            status: status.into(),
        },
        message,
        vec![Subject::Service(name)],
        why,
    );
}

pub(super) fn green_of(ctx: &Ctx, s: ServiceIdx) -> String {
    ctx.world
        .service(s)
        .blue_green
        .as_deref()
        .and_then(|bg| bg.active())
        .and_then(|d| d.green.clone())
        .unwrap_or_default()
}

/// AllowTestTraffic / TEST_TRAFFIC_SHIFT: the test listener forwards to the replacement.
pub(super) fn route_test(ctx: &mut Ctx, s: ServiceIdx, dep: &str) {
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    let Some(slot) = green_slot(bg) else {
        return;
    };
    let Some(test) = bg.test.as_mut() else {
        return;
    };
    test.weights = weights_for(slot, 100.0);
    let port = test.port;
    let tg = bg.target_groups[slot];
    let tg_name = ctx.world.target_group(tg).name.clone();
    let name = ctx.world.service(s).name.clone();
    ctx.emit_why(
        Source::Deploy(name.clone()),
        EventKind::TrafficShifted {
            service: name.clone(),
            deployment: dep.into(),
            listener: port,
            replacement_percent: 100.0,
        },
        format!("{dep} test listener :{port} → {tg_name} 100 %."),
        vec![Subject::Service(name), Subject::TargetGroup(tg_name)],
        Some(crate::name::Name::from("The test listener sends its requests to the replacement so hooks can check it before any production traffic moves.")),
    );
}

/// Which target group slot the active deployment's replacement uses.
pub(super) fn green_slot(bg: &BlueGreen) -> Option<usize> {
    let d = bg.active()?;
    let green = bg.task_set(d.green.as_deref()?)?;
    Some(bg.slot(green.target_group))
}

/// AllowTraffic / PRODUCTION_TRAFFIC_SHIFT: move the production listener's weights.
pub(super) fn shift_production(
    ctx: &mut Ctx,
    s: ServiceIdx,
    dep: &str,
    percent: f64,
    next: Option<SimTime>,
) {
    let now = ctx.now;
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    let Some(slot) = green_slot(bg) else {
        return;
    };
    bg.production.weights = weights_for(slot, percent);
    let port = bg.production.port;
    let tgs = bg.target_groups;
    record_sample(ctx.world, s, now);
    let names = [
        ctx.world.target_group(tgs[0]).name.clone(),
        ctx.world.target_group(tgs[1]).name.clone(),
    ];
    let w = weights_for(slot, percent);
    let name = ctx.world.service(s).name.clone();
    let why = match next {
        Some(at) => format!(
            "The deployment configuration's schedule: {percent} % to the replacement now; the next shift is due at {at}."
        ),
        None => "The schedule's last step: all production traffic goes to the replacement.".into(),
    };
    ctx.emit_why(
        Source::Deploy(name.clone()),
        EventKind::TrafficShifted {
            service: name.clone(),
            deployment: dep.into(),
            listener: port,
            replacement_percent: percent,
        },
        format!(
            "{dep} production listener :{port} → {} {} %, {} {} %.",
            names[0],
            fmt_percent(w[0]),
            names[1],
            fmt_percent(w[1])
        ),
        vec![
            Subject::Service(name),
            Subject::TargetGroup(names[0].clone()),
            Subject::TargetGroup(names[1].clone()),
        ],
        Some(why),
    );
}

/// After the full shift the replacement serves production: it becomes PRIMARY, the original
/// ACTIVE [inferred: the moment of the swap is not documented; it follows "PRIMARY serves
/// production traffic"].
pub(super) fn make_primary(ctx: &mut Ctx, s: ServiceIdx) {
    let now = ctx.now;
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    let Some(d) = bg.active() else {
        return;
    };
    let (blue, green) = (d.blue.clone(), d.green.clone());
    if let Some(t) = bg.task_set_mut(&blue) {
        t.status = TaskSetStatus::Active;
        t.updated_at = now;
    }
    if let Some(t) = green.as_deref().and_then(|g| bg.task_set_mut(g)) {
        t.status = TaskSetStatus::Primary;
        t.updated_at = now;
    }
}

/// Both listeners back to the task set `to` (a rollback), which becomes PRIMARY again.
pub(super) fn reroute_to(ctx: &mut Ctx, s: ServiceIdx, dep: &str, to: &str) {
    let now = ctx.now;
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    let Some(tg) = bg.task_set(to).map(|t| t.target_group) else {
        return;
    };
    let slot = bg.slot(tg);
    let w = weights_for(slot, 100.0);
    bg.production.weights = w;
    if let Some(test) = bg.test.as_mut() {
        test.weights = w;
    }
    for t in &mut bg.task_sets {
        if t.id == to {
            t.status = TaskSetStatus::Primary;
        } else if t.status == TaskSetStatus::Primary {
            t.status = TaskSetStatus::Active;
        }
        t.updated_at = now;
    }
    let port = bg.production.port;
    record_sample(ctx.world, s, now);
    let tg_name = ctx.world.target_group(tg).name.clone();
    let name = ctx.world.service(s).name.clone();
    ctx.emit_why(
        Source::Deploy(name.clone()),
        EventKind::TrafficShifted {
            service: name.clone(),
            deployment: dep.into(),
            listener: port,
            replacement_percent: 0.0,
        },
        format!("{dep} production listener :{port} → {tg_name} 100 % (rollback to task set {to})."),
        vec![Subject::Service(name), Subject::TargetGroup(tg_name)],
        Some(crate::name::Name::from("A rollback reroutes all traffic to the original task set at once; no schedule applies.")),
    );
}
