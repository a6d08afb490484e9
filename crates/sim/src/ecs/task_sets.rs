//! The service scheduler for blue/green services: each task set keeps `computedDesiredCount`
//! tasks (`ceil(desiredCount × scale / 100)`), replaces tasks that fail their health checks,
//! and reports `STEADY_STATE` when its tasks are running and healthy
//! (docs/rules/ecs-blue-green.md#task-sets). Unlike a rolling deployment there are no
//! minimum/maximum bounds: CodeDeploy decides how many tasks each set runs through its scale,
//! and ECS's maximum/minimum percentages are not used for Fargate CODE_DEPLOY services
//! (Amazon ECS API Reference, DeploymentConfiguration).
//!
//! Event wording: AWS CLI example `ecs/describe-services` (a service with a task set) and
//! public CodeDeploy logs: `(service web, taskSet ecs-svc/…) has started 2 tasks: …`,
//! `(service web) updated computedDesiredCount for taskSet ecs-svc/… to 2.`,
//! `(service web, taskSet ecs-svc/…) updated state to STEADY_STATE.`

use crate::control::EcsTimer;
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TaskDefIdx, TaskIdx};
use crate::ecs::placement::{self, SpreadCounts};
use crate::ecs::service_scheduler::health_gate::{self, Gate};
use crate::ecs::task_lifecycle::{self, StopCause};
use crate::ecs::task_set::{Stability, TaskSet, TaskSetStatus, computed_desired_count};
use crate::ecs::task_set_links::service_label;
use crate::ecs::{UnhealthyReason, deployment_key, messages};
use crate::event::{EventKind, Source, Subject};
use crate::name::Name;
use crate::rng::digits;
use crate::time::{Millis, SimTime};

/// How long the scheduler waits before trying again to place a task that did not fit [model,
/// as for rolling services].
const PLACEMENT_RETRY: Millis = Millis::from_secs(15);

/// The service's first task set when the scenario starts: PRIMARY, scale 100 %, in the first
/// target group; its tasks already run (a steady service) or start now.
pub fn start(ctx: &mut Ctx, s: ServiceIdx, steady: bool) {
    let td = ctx.world.service(s).task_definition;
    let tg = match ctx.world.service(s).blue_green.as_deref() {
        Some(bg) => bg.target_groups[0],
        None => return,
    };
    let id = new_id(ctx);
    let id_name = Name::from(&id);
    create(
        ctx,
        s,
        &id,
        td,
        tg,
        TaskSetStatus::Primary,
        100.0,
        None,
        !steady,
    );
    let now = ctx.now;
    if steady {
        let desired = ctx.world.service(s).desired_count;
        let mut counts = SpreadCounts::of(ctx.world, &ctx.net.zones, s);
        for _ in 0..desired {
            let provider = task_lifecycle::choose_capacity_provider(ctx.world, s);
            let Ok(p) = placement::place(
                ctx.world,
                &ctx.net.zones,
                s,
                td,
                provider.as_deref(),
                &mut counts,
                &mut ctx.rngs.placement,
            ) else {
                break;
            };
            let t = task_lifecycle::launch_running(ctx, s, &id_name, td, p, provider);
            ctx.world.task_mut(t).healthy_at = Some(now);
        }
        if let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() {
            bg.steady_reported = true;
            if let Some(set) = bg.task_set_mut(&id) {
                set.stability = Stability::SteadyState;
            }
        }
    }
    crate::ecs::task_set_links::record_sample(ctx.world, s, now);
    ctx.schedule(SimTime::from_secs(60), EcsTimer::BlueGreenMinute(s));
    ctx.request_pass_at(s, now);
}

/// A task set id: `ecs-svc/` and 19 digits.
pub fn new_id(ctx: &mut Ctx) -> String {
    format!("ecs-svc/{}", digits(&mut ctx.rngs.ids, 19))
}

/// A new task set `id` of `td` in target group `tg` at `scale` percent; reports its computed
/// desired count when `report` is set.
#[allow(clippy::too_many_arguments)]
pub fn create(
    ctx: &mut Ctx,
    s: ServiceIdx,
    id: &str,
    td: TaskDefIdx,
    tg: crate::ecs::ids::TargetGroupIdx,
    status: TaskSetStatus,
    scale: f64,
    external_id: Option<String>,
    report: bool,
) {
    let now = ctx.now;
    let desired = ctx.world.service(s).desired_count;
    let computed = computed_desired_count(desired, scale);
    let svc = ctx.world.service_mut(s);
    svc.task_definition = td;
    if let Some(bg) = svc.blue_green.as_deref_mut() {
        bg.task_sets.push(TaskSet {
            id: id.to_string(),
            status,
            task_definition: td,
            target_group: tg,
            scale,
            computed_desired_count: computed,
            running_count: 0,
            pending_count: 0,
            stability: Stability::Stabilizing,
            external_id,
            created_at: now,
            updated_at: now,
        });
        bg.steady_reported = false;
    }
    if report {
        report_computed(ctx, s, id, computed);
    }
    ctx.request_pass(s);
}

/// Set a task set's scale (percent); its computed desired count follows and is reported when
/// it changes.
pub fn set_scale(ctx: &mut Ctx, s: ServiceIdx, id: &str, scale: f64) {
    let now = ctx.now;
    let desired = ctx.world.service(s).desired_count;
    let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() else {
        return;
    };
    let Some(set) = bg.task_set_mut(id) else {
        return;
    };
    let computed = computed_desired_count(desired, scale);
    set.scale = scale;
    set.updated_at = now;
    let changed = set.computed_desired_count != computed;
    set.computed_desired_count = computed;
    if changed {
        set.stability = Stability::Stabilizing;
        bg.steady_reported = false;
        report_computed(ctx, s, id, computed);
    }
    ctx.request_pass(s);
}

/// A new desired count: every task set's computed desired count follows its scale.
pub fn set_desired(ctx: &mut Ctx, s: ServiceIdx, n: u32) {
    ctx.world.service_mut(s).desired_count = n;
    let sets: Vec<(String, f64)> = ctx
        .world
        .service(s)
        .blue_green
        .as_deref()
        .map(|bg| {
            bg.task_sets
                .iter()
                .map(|t| (t.id.clone(), t.scale))
                .collect()
        })
        .unwrap_or_default();
    for (id, scale) in sets {
        set_scale(ctx, s, &id, scale);
    }
}

/// `(service web) updated computedDesiredCount for taskSet … to N.` — a task set is a
/// CodeDeploy (or EXTERNAL) object; ECS's own strategies report their revisions' tasks with the
/// rolling formats only [inferred: no public wording for them].
fn report_computed(ctx: &mut Ctx, s: ServiceIdx, id: &str, computed: u32) {
    let code_deploy = ctx
        .world
        .service(s)
        .blue_green
        .as_deref()
        .is_some_and(|bg| bg.controller.is_code_deploy());
    if !code_deploy {
        return;
    }
    let name = ctx.world.service(s).name.clone();
    let desired = ctx.world.service(s).desired_count;
    let scale = ctx
        .world
        .service(s)
        .blue_green
        .as_deref()
        .and_then(|bg| bg.task_set(id))
        .map_or(0.0, |t| t.scale);
    ctx.emit_why(
        Source::Service(name.clone()),
        EventKind::TaskSetUpdated {
            service: name.clone(),
            task_set: id.into(),
        },
        format!("(service {name}) updated computedDesiredCount for taskSet {id} to {computed}."),
        vec![Subject::Service(name)],
        Some(format!(
            "computedDesiredCount = ceil(desiredCount {desired} × scale {scale} % / 100) = {computed}, always rounded up."
        )),
    );
}

/// One pass over a blue/green service: every task set gets its computed desired count of
/// healthy tasks; stability and counts are recorded.
pub fn pass(ctx: &mut Ctx, s: ServiceIdx) {
    if ctx.world.service(s).status != "ACTIVE" {
        return;
    }
    let sets: Vec<(String, TaskDefIdx, u32)> = match ctx.world.service(s).blue_green.as_deref() {
        Some(bg) => bg
            .task_sets
            .iter()
            .map(|t| (t.id.clone(), t.task_definition, t.computed_desired_count))
            .collect(),
        None => return,
    };
    let live: Vec<TaskIdx> = live_tasks(ctx.world, s);
    let gates = health_gate::evaluate(ctx.world, ctx.now, &live);
    health_gate::record(ctx, s, &gates);
    let failing: Vec<TaskIdx> = gates
        .iter()
        .filter(|(_, g)| matches!(g, Gate::Failing(_)))
        .map(|(t, _)| *t)
        .collect();
    let mut counts = SpreadCounts::of(ctx.world, &ctx.net.zones, s);
    for (id, td, computed) in &sets {
        let key = deployment_key(id);
        let mine: Vec<TaskIdx> = live
            .iter()
            .copied()
            .filter(|&t| ctx.world.task(t).deployment_key == Some(key))
            .collect();
        // Failing tasks stop; their replacements start in the same pass.
        for &t in mine.iter().filter(|t| failing.contains(t)) {
            let cause = failing_cause(ctx.world, t);
            task_lifecycle::stop(ctx, t, cause);
        }
        let keep: Vec<TaskIdx> = mine
            .iter()
            .copied()
            .filter(|t| !failing.contains(t))
            .collect();
        let have = keep.len() as u32;
        if have < *computed {
            launch(ctx, s, id, *td, computed - have, &mut counts);
        } else if have > *computed {
            scale_in(ctx, s, id, &keep, have - computed);
        }
    }
    record(ctx, s, &sets);
}

/// Live tasks of the service, in task order.
fn live_tasks(world: &EcsCluster, s: ServiceIdx) -> Vec<TaskIdx> {
    let mut live: Vec<TaskIdx> = world
        .service(s)
        .tasks
        .iter()
        .copied()
        .filter(|&t| world.task(t).is_live())
        .collect();
    live.sort_unstable();
    live
}

fn failing_cause(world: &EcsCluster, t: TaskIdx) -> StopCause {
    match &world.task(t).unhealthy_reason {
        Some(UnhealthyReason::TargetGroup { target_group, .. }) => {
            StopCause::LoadBalancerHealthCheck {
                target_group_arn: world.target_group(*target_group).arn.to_string(),
            }
        }
        _ => StopCause::ContainerHealthCheck,
    }
}

fn launch(
    ctx: &mut Ctx,
    s: ServiceIdx,
    set: &str,
    td: TaskDefIdx,
    need: u32,
    counts: &mut SpreadCounts,
) {
    let mut ids = Vec::new();
    let mut tasks = Vec::new();
    let set_id = Name::from(set);
    for _ in 0..need {
        let provider = task_lifecycle::choose_capacity_provider(ctx.world, s);
        let placed = placement::place(
            ctx.world,
            &ctx.net.zones,
            s,
            td,
            provider.as_deref(),
            counts,
            &mut ctx.rngs.placement,
        );
        match placed {
            Ok(p) => {
                let why = format!(
                    "Started for task set {set}: it runs fewer tasks than its computedDesiredCount."
                );
                let t = task_lifecycle::launch(ctx, s, &set_id, td, p, provider, why);
                ids.push(ctx.world.task(t).id.clone());
                tasks.push(t);
            }
            Err(problem) => {
                let name = ctx.world.service(s).name.clone();
                let message = messages::unable_to_place(&name, &problem);
                ctx.emit(
                    Source::Service(name.clone()),
                    EventKind::UnableToPlace {
                        service: name.clone(),
                        reason: message.as_str().into(),
                    },
                    message,
                    vec![Subject::Service(name)],
                );
                ctx.request_pass_at(s, ctx.now.plus(PLACEMENT_RETRY));
                break;
            }
        }
    }
    let Some(&first) = tasks.first() else {
        return;
    };
    let label = service_label(ctx.world, s, first);
    let name = ctx.world.service(s).name.clone();
    let revision = ctx.world.task_definition(td).revision;
    let mut subjects = vec![Subject::Service(name.clone())];
    subjects.extend(ids.iter().map(|i| Subject::Task(i.clone())));
    ctx.emit_why(
        Source::Service(name.clone()),
        EventKind::TasksStarted {
            service: name,
            deployment: set.into(),
            revision,
            tasks: ids.clone(),
            replaced_unhealthy: 0,
        },
        messages::started_tasks(&label, &ids, 0),
        subjects,
        Some(format!(
            "Task set {set} needed {need} more tasks to reach its computedDesiredCount."
        )),
    );
}

/// Stop `n` of a task set's tasks (its scale went down): tasks not yet running first, then the
/// newest.
fn scale_in(ctx: &mut Ctx, s: ServiceIdx, set: &str, keep: &[TaskIdx], n: u32) {
    let mut order: Vec<TaskIdx> = keep.to_vec();
    order.sort_by_key(|&t| {
        let task = ctx.world.task(t);
        (!task.last_status.is_starting(), std::cmp::Reverse(t))
    });
    let chosen: Vec<TaskIdx> = order.into_iter().take(n as usize).collect();
    let Some(&first) = chosen.first() else {
        return;
    };
    let label = service_label(ctx.world, s, first);
    let name = ctx.world.service(s).name.clone();
    let running: Vec<Name> = chosen
        .iter()
        .filter(|&&t| !ctx.world.task(t).last_status.is_starting())
        .map(|&t| ctx.world.task(t).id.clone())
        .collect();
    let pending = chosen.len() - running.len();
    for &t in &chosen {
        task_lifecycle::stop(
            ctx,
            t,
            StopCause::Scheduler {
                deployment: set.into(),
            },
        );
    }
    let mut subjects = vec![Subject::Service(name.clone())];
    subjects.extend(running.iter().map(|i| Subject::Task(i.clone())));
    let why = Some(format!(
        "Task set {set} runs more tasks than its computedDesiredCount, so {} stop.",
        chosen.len()
    ));
    if !running.is_empty() {
        ctx.emit_why(
            Source::Service(name.clone()),
            EventKind::TasksStopped {
                service: name.clone(),
                tasks: running.clone(),
                running: true,
            },
            messages::stopped_running_tasks(&label, &running),
            subjects,
            why.clone(),
        );
    }
    if pending > 0 {
        ctx.emit_why(
            Source::Service(name.clone()),
            EventKind::TasksStopped {
                service: name.clone(),
                tasks: Vec::new(),
                running: false,
            },
            messages::stopped_pending_tasks(&label, pending),
            vec![Subject::Service(name)],
            why,
        );
    }
}

/// Counts, stability (`STEADY_STATE` when running equals the computed count, nothing is
/// pending and every task is healthy) and the service's steady state.
fn record(ctx: &mut Ctx, s: ServiceIdx, sets: &[(String, TaskDefIdx, u32)]) {
    let now = ctx.now;
    let live = live_tasks(ctx.world, s);
    let mut changes = Vec::new();
    let (mut running_all, mut pending_all) = (0, 0);
    for (id, _, computed) in sets {
        let key = deployment_key(id);
        let (mut running, mut pending, mut healthy) = (0u32, 0u32, true);
        for &t in &live {
            let task = ctx.world.task(t);
            if task.deployment_key != Some(key) {
                continue;
            }
            if task.last_status.is_starting() {
                pending += 1;
                healthy = false;
            } else {
                running += 1;
                healthy &= matches!(
                    health_gate::health_gate(ctx.world, now, t),
                    Gate::Healthy(_)
                );
            }
        }
        running_all += running;
        pending_all += pending;
        let steady = running == *computed && pending == 0 && healthy;
        if let Some(set) = ctx
            .world
            .service_mut(s)
            .blue_green
            .as_deref_mut()
            .and_then(|bg| bg.task_set_mut(id))
        {
            set.running_count = running;
            set.pending_count = pending;
            let to = if steady {
                Stability::SteadyState
            } else {
                Stability::Stabilizing
            };
            if set.stability != to {
                set.stability = to;
                set.updated_at = now;
                // A draining task set is on its way out: it reports no steady state.
                if to == Stability::SteadyState && set.status != TaskSetStatus::Draining {
                    changes.push(id.clone());
                }
            }
        }
    }
    let svc = ctx.world.service_mut(s);
    svc.running_count = running_all;
    svc.pending_count = pending_all;
    let name = svc.name.clone();
    let code_deploy = svc
        .blue_green
        .as_deref()
        .is_some_and(|bg| bg.controller.is_code_deploy());
    for id in &changes {
        // The task set's own STEADY_STATE line is CodeDeploy's wording (a task set is a
        // CodeDeploy object); ECS's strategies report the service's steady state only.
        if code_deploy {
            ctx.emit(
                Source::Service(name.clone()),
                EventKind::TaskSetUpdated {
                    service: name.clone(),
                    task_set: id.as_str().into(),
                },
                format!("(service {name}, taskSet {id}) updated state to STEADY_STATE."),
                vec![Subject::Service(name.clone())],
            );
        }
    }
    // A draining task set whose last task is gone can be deleted: the engine looks.
    let emptied = ctx
        .world
        .service(s)
        .blue_green
        .as_deref()
        .is_some_and(|bg| {
            bg.task_sets.iter().any(|set| {
                set.status == TaskSetStatus::Draining
                    && set.running_count == 0
                    && set.pending_count == 0
            })
        });
    if !changes.is_empty() || emptied {
        crate::ecs::task_set_links::request_step(ctx, s, now);
    }
    let Some(bg) = ctx.world.service(s).blue_green.as_deref() else {
        return;
    };
    let all_steady = bg
        .task_sets
        .iter()
        .all(|t| t.stability == Stability::SteadyState);
    if all_steady && bg.active().is_none() && !bg.steady_reported {
        if let Some(bg) = ctx.world.service_mut(s).blue_green.as_deref_mut() {
            bg.steady_reported = true;
        }
        ctx.emit_why(
            Source::Service(name.clone()),
            EventKind::SteadyState {
                service: name.clone(),
            },
            messages::steady_state(&name),
            vec![Subject::Service(name)],
            Some(Name::from("Every task set runs its computed desired count of healthy tasks and no deployment is under way.")),
        );
    }
}
