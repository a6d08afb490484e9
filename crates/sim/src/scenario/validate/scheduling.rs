//! A service's scheduling strategy: what a REPLICA service must say (its desired count) and
//! what a DAEMON service may not (docs/rules/ecs-daemon.md; source: Amazon ECS Developer Guide,
//! "Amazon ECS services", Daemon,
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html#service_scheduler_daemon>).

use super::Problems;
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{LaunchType, SchedulingStrategy, ServiceSpec};

/// The only `maximumPercent` a DAEMON service takes: "If a deployment configuration is
/// specified, the maximum percent parameter must be 100" (same section).
pub const DAEMON_MAXIMUM_PERCENT: u32 = 100;

pub(super) fn scheduling(out: &mut Problems, svc: &ServiceSpec, p: &Path) {
    let name = quoted(&svc.name);
    match svc.scheduling_strategy {
        SchedulingStrategy::Replica => {
            if svc.desired_count.is_none() {
                out.push((
                    p.clone(),
                    format!(
                        "service {name} has no desired_count; a REPLICA service keeps that many tasks running (e.g. desired_count: 2), or write scheduling_strategy: Daemon for one task on each container instance"
                    ),
                ));
            }
        }
        SchedulingStrategy::Daemon => daemon(out, svc, p, &name),
    }
}

fn daemon(out: &mut Problems, svc: &ServiceSpec, p: &Path, name: &str) {
    // "Fargate tasks do not support the DAEMON scheduling strategy."
    if svc.launch_type == LaunchType::Fargate {
        out.push((
            p.field("scheduling_strategy"),
            format!(
                "service {name} uses scheduling_strategy Daemon, which Fargate does not support (launch_type is Fargate, the default); write launch_type: Ec2"
            ),
        ));
    }
    // [inferred] The guide says a daemon service needs no desired count ("ECS sets it to the
    // instances that can run the task"); CreateService requires desiredCount only for REPLICA.
    // Orca refuses one rather than ignore it, so the file says what runs.
    if let Some(n) = svc.desired_count {
        out.push((
            p.field("desired_count"),
            format!(
                "service {name} uses scheduling_strategy Daemon, so ECS sets its desired count to the number of container instances that can run it; remove desired_count: {n}"
            ),
        ));
    }
    if let Some(m) = svc.deployment_configuration.maximum_percent
        && m != DAEMON_MAXIMUM_PERCENT
    {
        out.push((
            p.field("deployment_configuration").field("maximum_percent"),
            format!(
                "maximum_percent {m} is not valid for the DAEMON service {name}; a daemon service's maximum_percent must be 100 (the default)"
            ),
        ));
    }
    // "When using this strategy, there is no need to specify a desired number of tasks, a task
    // placement strategy, or use Service Auto Scaling policies." [inferred: refused, as Orca
    // has nothing to do with them.]
    if svc.auto_scaling.is_some() {
        out.push((
            p.field("auto_scaling"),
            format!(
                "service {name} uses scheduling_strategy Daemon, whose task count follows the container instances; Service Auto Scaling does not apply, remove auto_scaling"
            ),
        ));
    }
    if !svc.placement_strategy.is_empty() {
        out.push((
            p.field("placement_strategy"),
            format!(
                "service {name} uses scheduling_strategy Daemon, which places one task on every container instance; placement strategies do not apply, remove placement_strategy (placement_constraints still choose the instances)"
            ),
        ));
    }
    // [inferred] Orca places a daemon's tasks on the cluster's instances directly; a capacity
    // provider strategy would make it wait for capacity the daemon itself asks for.
    if !svc.capacity_provider_strategy.is_empty() {
        out.push((
            p.field("capacity_provider_strategy"),
            format!(
                "service {name} uses scheduling_strategy Daemon, which runs on every registered container instance; Orca takes no capacity_provider_strategy for it, remove it"
            ),
        ));
    }
}

/// An `UpdateService` entry on a DAEMON service: no desired count, and maximum_percent 100.
pub(super) fn daemon_update(
    out: &mut Problems,
    svc: &ServiceSpec,
    ap: &Path,
    desired_count: Option<u32>,
    maximum_percent: Option<u32>,
) {
    if svc.scheduling_strategy != SchedulingStrategy::Daemon {
        return;
    }
    let name = quoted(&svc.name);
    if desired_count.is_some() {
        out.push((
            ap.field("desired_count"),
            format!(
                "service {name} uses scheduling_strategy Daemon: ECS sets its desired count to the container instances that can run it, so an update cannot change it"
            ),
        ));
    }
    if let Some(m) = maximum_percent
        && m != DAEMON_MAXIMUM_PERCENT
    {
        out.push((
            ap.field("maximum_percent"),
            format!(
                "maximum_percent {m} is not valid for the DAEMON service {name}; a daemon service's maximum_percent must be 100"
            ),
        ));
    }
}
