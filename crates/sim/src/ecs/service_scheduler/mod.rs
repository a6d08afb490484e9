//! The ECS service scheduler for services with the rolling-update (`ECS`) deployment
//! controller: keeps `desiredCount` tasks running, rolls deployments within the
//! `minimumHealthyPercent` / `maximumPercent` bounds, and replaces unhealthy tasks. A DAEMON
//! service takes the same pass with its desired count set from the instances first (`daemon`,
//! docs/rules/ecs-daemon.md).
//!
//! The bounds, the health gates and the event wording are documented; the pass-by-pass
//! algorithm is not, so each pass follows Orca's model of it [model]
//! (docs/rules/ecs-deployments.md#orcas-scheduler-pass; the bounds and the health gate:
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html>).
//! [`pass`] observes, takes one bounded step and records, one file per part:
//! - `observe`: the bounds (`bounds`: `upper = floor(desired × max% / 100)` caps RUNNING +
//!   PENDING tasks of all deployments, `lower = ceil(desired × min% / 100)` is the floor on
//!   RUNNING *and healthy* tasks) and every live task's health gate (`health_gate`);
//! - `starts`: unhealthy tasks are replaced — start first when `upper` leaves room, else stop
//!   one first — and each deployment gets up to `upper − (running + pending)` of the tasks it
//!   still needs;
//! - `stops`: old tasks that are not healthy stop freely; healthy ones (and tasks on DRAINING
//!   instances) only while `healthy − lower` stays positive;
//! - `status`: when the new deployment has all its tasks healthy and no old task is left, it
//!   is COMPLETED and the service reports a steady state; a deployment that cannot move is
//!   reported stuck.

pub mod bounds;
mod daemon;
pub mod health_gate;
mod observe;
mod quiet;
mod starts;
mod status;
mod stops;

pub use bounds::Bounds;
pub use health_gate::{Gate, HealthyBy, NO_HEALTH_CHECK_RULE, Waiting, health_gate};

use crate::ecs::cluster::Ctx;
use crate::ecs::ids::ServiceIdx;
use crate::ecs::placement::{self, SpreadCounts};
use crate::ecs::{RolloutState, deployments, messages, task_lifecycle};
use observe::Pass;

/// A service whose tasks are already running and healthy when the scenario starts.
pub fn start_steady(ctx: &mut Ctx, s: ServiceIdx) {
    let td = ctx.world.service(s).task_definition;
    let id = deployments::new_deployment(ctx, s, td, None);
    daemon::follow_instances(ctx, s);
    let now = ctx.now;
    {
        let d = ctx
            .world
            .service_mut(s)
            .deployment_mut(&id)
            .expect("just created");
        d.rollout_state = RolloutState::Completed;
        d.rollout_state_reason = messages::rollout_completed(&id);
    }
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
        let t = task_lifecycle::launch_running(ctx, s, &id, td, p, provider);
        ctx.world.task_mut(t).healthy_at = Some(now);
    }
    let svc = ctx.world.service_mut(s);
    svc.last_completed = Some((id, td));
    ctx.request_pass_at(s, now);
}

/// A service created when the scenario starts: its first deployment launches every task.
pub fn create(ctx: &mut Ctx, s: ServiceIdx) {
    let td = ctx.world.service(s).task_definition;
    deployments::new_deployment(ctx, s, td, None);
    daemon::follow_instances(ctx, s);
    let now = ctx.now;
    ctx.request_pass_at(s, now);
}

pub fn on_pass_due(ctx: &mut Ctx, s: ServiceIdx) {
    if ctx.world.service(s).pass_at != Some(ctx.now) {
        return;
    }
    ctx.world.service_mut(s).pass_at = None;
    if ctx.world.service(s).blue_green.is_some() {
        // Blue/green services keep task sets, not a rolling deployment.
        crate::ecs::task_sets::pass(ctx, s);
        return;
    }
    pass(ctx, s);
}

/// One pass over a service: observe, act on the health gates, take one bounded step (starts
/// within the upper bound, stops within the lower bound), record. A pass that would repeat
/// the service's last pass, a quiet one, only moves its view's moment (`quiet`).
fn pass(ctx: &mut Ctx, s: ServiceIdx) {
    if quiet::repeats(ctx.world, ctx.now, s) {
        quiet::repeat(ctx, s, |ctx| {
            full_pass(ctx, s);
        });
        return;
    }
    let before = quiet::before(ctx, s);
    let outcome = full_pass(ctx, s);
    let (quiet, recorded) = outcome.map_or((false, None), |(q, r)| (q, Some(r)));
    quiet::remember(ctx, s, before, quiet, recorded);
}

/// [`pass`], observing every live task; with what it recorded and whether it found nothing to
/// do (every live task settled, none failing, nothing started or stopped) when it got as far
/// as recording.
fn full_pass(ctx: &mut Ctx, s: ServiceIdx) -> Option<(bool, crate::ecs::quiet_memo::Recorded)> {
    if ctx.world.service(s).status != "ACTIVE" {
        return None;
    }
    // Tasks that waited for capacity go onto instances that registered since; tasks still
    // starting on a DRAINING instance stop at once. The pass then sees the result.
    starts::place_waiting(ctx, s);
    stops::stop_starting_on_draining(ctx, s);
    daemon::follow_instances(ctx, s);

    // The pass reads the briefs of the service's tasks (`ecs::task_table`). It refreshes them
    // here and not again until `status::record`, which reads again only the tasks written
    // in between (`TaskTable::written_since_refresh`).
    ctx.world.tasks.refresh();
    let mut pass = Pass::observe(ctx.world, ctx.now, s)?;
    // The gates of tasks that already counted as healthy and still are were not kept: they
    // have nothing to record.
    health_gate::record(ctx, s, &pass.gates);
    pass.failing_noticed();

    if let Some(stop) = starts::stop_first_for_replacement(ctx.world, &pass) {
        pass.stopped(stop.t);
        stops::execute(ctx, &pass.name, vec![stop]);
        pass.bounds.running_or_pending -= 1;
        pass.progressed = true;
        pass.failing.clear();
    }
    starts::launch(ctx, &mut pass);
    let chosen = stops::choose(ctx.world, &ctx.net.zones, &mut pass);
    stops::apply(ctx, &mut pass, chosen);

    let recorded = status::record(ctx, &pass);
    let quiet = pass.all_settled
        && pass.failing.is_empty()
        && pass.launched.is_empty()
        && !pass.progressed
        && !pass.placement_failed
        && pass.throttled.is_none();
    Some((quiet, recorded))
}
