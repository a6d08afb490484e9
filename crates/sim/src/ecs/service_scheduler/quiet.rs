//! Quiet passes repeated without looking again.
//!
//! Many scheduler passes of a large rolling update find nothing to do: a task that had already
//! been told to stop reaches STOPPED, its service gets a pass (the scheduler reacts to every
//! task state change), and the pass observes the same live tasks, all counted and healthy, as
//! the pass before, which did nothing either (`benches/simulate.rs`: 436 of the hour's 1,109
//! passes, each reading every live task of its service). Such a pass would do nothing again
//! and record the same [`crate::ecs::SchedulerView`] at a later moment.
//!
//! So a pass that changed nothing, logged nothing, and found every live task settled (counted
//! as healthy and still healthy: its gate does not depend on the time) leaves a [`Memo`] of
//! what it read; the next pass of the service only moves the view's moment when, since then:
//! - no live task of the service was written, none was created for it, and no target of its
//!   tasks changed state ([`crate::ecs::task_table::TaskTable::write_stamp`]; target changes
//!   are counted as writes to their tasks);
//! - no container instance registered or changed status;
//! - the service itself is the same, its tasks and view aside;
//! - what the removal of stopped tasks from the service's list can change did not change: a
//!   deployment that would complete or be dropped now that its older tasks are gone, a steady
//!   state reached, and the steady state's six-hourly repeat is not due.
//!
//! A task that is not live never becomes live again, so the stopped tasks' own writes (and
//! their targets' draining and removal) leave the memo standing. Debug builds, which every
//! test uses, run the full pass anyway whenever a memo says it may be skipped, and check that
//! it changes nothing but the view's moment, logs nothing and starts no timer.
//!
//! The memos are a cache, like the tasks' briefs (`ecs::quiet_memo`): a clone of the cluster (a
//! playback's snapshot) starts without them, and equality ignores them.

use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::ServiceIdx;
use crate::ecs::quiet_memo::{InstancesStamp, Memo, Recorded};
use crate::ecs::task_table::WriteStamp;
use crate::ecs::{SchedulerView, SchedulingStrategy, Service};
use crate::time::SimTime;

/// The stamp of the cluster's container instances now.
fn instances_stamp(w: &EcsCluster) -> InstancesStamp {
    InstancesStamp {
        count: w.instances.len(),
        draining: w.draining_instances,
        changes: w.quiet_passes.instance_changes(),
        task_definitions: w.task_definitions.len(),
        target_groups: w.target_groups.len(),
    }
}

/// What the pass about to run needs to know before it begins, to tell afterwards whether it
/// was quiet.
pub(super) struct Before {
    tasks: Option<WriteStamp>,
    log: usize,
}

pub(super) fn before(ctx: &Ctx, s: ServiceIdx) -> Before {
    Before {
        tasks: ctx.world.tasks.write_stamp(s),
        log: ctx.log.len(),
    }
}

/// Whether the pass due now would repeat the service's last pass, a quiet one, exactly.
pub(super) fn repeats(w: &EcsCluster, now: SimTime, s: ServiceIdx) -> bool {
    let Some(memo) = w.quiet_passes.memo(s) else {
        return false;
    };
    let svc = w.service(s);
    w.tasks.write_stamp(s) == Some(memo.tasks)
        && instances_stamp(w) == memo.instances
        && same_service(&memo.service, svc)
        && !super::status::changed_by_removals(w, now, s, &memo.recorded)
}

/// After a full pass: keep a memo if it was quiet (changed no task and logged nothing, and
/// found every live task settled, nothing failing, nothing to start or stop), else forget.
pub(super) fn remember(
    ctx: &mut Ctx,
    s: ServiceIdx,
    before: Before,
    quiet: bool,
    recorded: Option<Recorded>,
) {
    let w = &*ctx.world;
    let memo = match (recorded, before.tasks) {
        (Some(recorded), Some(stamp))
            if quiet
                && ctx.log.len() == before.log
                && w.tasks.write_stamp(s) == Some(stamp)
                && w.service(s).scheduling_strategy != SchedulingStrategy::Daemon =>
        {
            Some(Memo {
                tasks: stamp,
                instances: instances_stamp(w),
                service: Box::new(inputs_of(w.service(s))),
                recorded,
            })
        }
        _ => None,
    };
    ctx.world.quiet_passes.set(s, memo);
}

/// The repeat of a quiet pass: its view, at this moment. Debug builds run the full pass
/// (`full`) instead and check that it does just that.
pub(super) fn repeat(ctx: &mut Ctx, s: ServiceIdx, full: impl FnOnce(&mut Ctx)) {
    #[cfg(test)]
    tests::REPEATS.with(|n| n.set(n.get() + 1));
    #[cfg(debug_assertions)]
    {
        let mut expected = ctx.world.clone();
        expected.service_mut(s).last_pass.at = ctx.now;
        let (log, timers, rngs) = (ctx.log.len(), ctx.timers.len(), ctx.rngs.clone());
        let net = ctx.net.clone();
        full(ctx);
        let name = &ctx.world.service(s).name;
        let now = ctx.now;
        debug_assert_eq!(
            ctx.log.len(),
            log,
            "the repeat of a quiet pass of {name} at {now} logged"
        );
        debug_assert_eq!(ctx.timers.len(), timers, "… of {name} at {now} set a timer");
        debug_assert!(*ctx.rngs == rngs, "… of {name} at {now} drew a number");
        debug_assert!(*ctx.net == net, "… of {name} at {now} changed the network");
        debug_assert_eq!(
            ctx.world.service(s),
            expected.service(s),
            "… of {name} at {now} changed its service"
        );
        debug_assert!(
            *ctx.world == expected,
            "the repeat of a quiet pass of {name} at {now} changed the cluster"
        );
    }
    #[cfg(not(debug_assertions))]
    {
        let _ = full;
        ctx.world.service_mut(s).last_pass.at = ctx.now;
    }
}

/// The service as the memo keeps it: without its task list (checked by
/// [`super::status::changed_by_removals`]), its last view, and the samples and scaling
/// records that grow with the run, none of which [`same_service`] compares.
fn inputs_of(svc: &Service) -> Service {
    let mut kept = svc.clone();
    kept.tasks = Vec::new();
    kept.last_pass = SchedulerView::default();
    kept.metrics = Vec::new();
    kept.step_scaling = Vec::new();
    kept
}

/// `svc` is `memo` (made by [`inputs_of`]) in every field a pass reads: every field but its task
/// list, its last view and pass moment (what the pass writes), and what Application Auto
/// Scaling keeps beside it (its desired count is compared). The fields are listed whole, so a
/// new one must be placed on one side or the other.
fn same_service(memo: &Service, svc: &Service) -> bool {
    let Service {
        name,
        arn,
        status,
        desired_count,
        running_count,
        pending_count,
        launch_type,
        scheduling_strategy,
        task_definition,
        deployment_configuration,
        health_check_grace_period,
        load_balancers,
        service_registries,
        placement_strategy,
        placement_constraints,
        deployments,
        tasks: _,
        steady,
        last_steady_message_at,
        suppressed,
        unable_to_place_reported,
        consecutive_launch_failures,
        throttled_until,
        last_completed,
        last_pass: _,
        pass_at: _,
        scaling: _,
        step_scaling: _,
        load: _,
        metrics: _,
        capacity_providers,
        blue_green,
        volume_configurations,
        may_have_waiting,
    } = svc;
    // The fields most likely to differ first.
    *desired_count == memo.desired_count
        && *running_count == memo.running_count
        && *pending_count == memo.pending_count
        && *deployments == memo.deployments
        && *steady == memo.steady
        && *suppressed == memo.suppressed
        && *status == memo.status
        && *task_definition == memo.task_definition
        && *deployment_configuration == memo.deployment_configuration
        && *health_check_grace_period == memo.health_check_grace_period
        && *load_balancers == memo.load_balancers
        && *last_steady_message_at == memo.last_steady_message_at
        && *unable_to_place_reported == memo.unable_to_place_reported
        && *consecutive_launch_failures == memo.consecutive_launch_failures
        && *throttled_until == memo.throttled_until
        && *last_completed == memo.last_completed
        && *may_have_waiting == memo.may_have_waiting
        && *scheduling_strategy == memo.scheduling_strategy
        && *launch_type == memo.launch_type
        && *service_registries == memo.service_registries
        && *placement_strategy == memo.placement_strategy
        && *placement_constraints == memo.placement_constraints
        && *capacity_providers == memo.capacity_providers
        && *blue_green == memo.blue_green
        && *volume_configurations == memo.volume_configurations
        && *name == memo.name
        && *arn == memo.arn
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::sync::Arc;

    use crate::engine::Simulation;
    use crate::event::EventKind;
    use crate::time::SimTime;

    thread_local! {
        /// Repeats of quiet passes on this thread (each test runs on its own).
        pub(super) static REPEATS: Cell<u32> = const { Cell::new(0) };
    }

    /// A rolling update of two services whose old tasks drain for different times after they
    /// are told to stop, so they reach STOPPED one by one, each with a pass of its service that
    /// finds everything as the pass before did.
    fn rolling_update() -> Simulation {
        let src = r#"(version: 1, title: "quiet", seed: 9, duration: 900,
    world: Ecs(
        cluster: (name: "c", availability_zones: ["us-east-1a", "us-east-1b"]),
        capacity: (instances: [(name: "node", instance_type: "m5.xlarge", count: 4)]),
        task_definitions: [
            (family: "a", revision: 1, cpu: 256, memory: 512, network_mode: Bridge, containers: [(name: "app", image: "a:1", port: 8080)]),
            (family: "a", revision: 2, cpu: 256, memory: 512, network_mode: Bridge, containers: [(name: "app", image: "a:2", port: 8080)]),
            (family: "b", revision: 1, cpu: 256, memory: 512, network_mode: Bridge, containers: [(name: "app", image: "b:1", port: 8080)]),
            (family: "b", revision: 2, cpu: 256, memory: 512, network_mode: Bridge, containers: [(name: "app", image: "b:2", port: 8080)]),
        ],
        target_groups: [
            (name: "tga", port: 8080, target_type: Instance, health_check: (interval_seconds: 15), deregistration_delay_seconds: 60),
            (name: "tgb", port: 8080, target_type: Instance, health_check: (interval_seconds: 10), deregistration_delay_seconds: 45),
        ],
        services: [
            (name: "a", task_definition: "a:1", desired_count: 6, launch_type: Ec2,
              deployment_configuration: (minimum_healthy_percent: 100, maximum_percent: 200),
              load_balancers: [(target_group: "tga", container_name: "app", container_port: 8080)]),
            (name: "b", task_definition: "b:1", desired_count: 4, launch_type: Ec2,
              deployment_configuration: (minimum_healthy_percent: 50, maximum_percent: 150),
              load_balancers: [(target_group: "tgb", container_name: "app", container_port: 8080)]),
        ],
    ),
    timeline: [
        (at: 30, action: UpdateService(service: "a", task_definition: "a:2")),
        (at: 40, action: UpdateService(service: "b", task_definition: "b:2")),
    ],
)"#;
        let s = crate::scenario::parse("quiet.ron", src).unwrap_or_else(|e| panic!("{e}"));
        Simulation::new(Arc::new(s))
    }

    /// Quiet passes are repeated (and, in the debug builds tests use, each repeat is checked
    /// against the full pass it stands for), both updates still complete, and the run logs the
    /// same events as a run that restarted from a snapshot (whose clone of the cluster has no
    /// memos) halfway.
    #[test]
    fn quiet_passes_are_repeated_and_change_nothing_but_their_moment() {
        REPEATS.with(|n| n.set(0));
        let mut sim = rolling_update();
        sim.advance_to(sim.end());
        let repeats = REPEATS.with(Cell::get);
        assert!(repeats > 0, "no quiet pass was repeated");
        let completed = sim
            .log()
            .iter()
            .filter(|e| matches!(e.kind, EventKind::DeploymentCompleted { revision: 2, .. }))
            .count();
        assert_eq!(completed, 2);

        let mut halfway = rolling_update();
        halfway.advance_to(SimTime::from_secs(150));
        let snapshot = halfway.snapshot();
        let mut resumed = rolling_update();
        resumed.restore_with_log(&snapshot, halfway.log());
        resumed.advance_to(resumed.end());
        assert_eq!(resumed.log(), sim.log());
        assert_eq!(resumed.world(), sim.world());
    }
}
