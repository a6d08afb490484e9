//! The read model of the ECS side: what the app shows, decided here so the app decides
//! nothing. Each function reads the cluster at a moment and returns plain data, built on the
//! same rules the controllers use:
//! - [`deployment_health`]: a task's health as the service scheduler counts it (its health
//!   gate), with the rules that made it healthy, what it still waits for, or why it fails;
//! - [`task_card`]: the state a task's card shows, from that verdict, the lifecycle and the
//!   load balancer;
//! - [`rollout_bounds`]: a service's rollout bounds with the counts they are held against;
//! - [`service_alarms`] and [`capacity_provider_alarms`]: the datapoint windows of the scaling
//!   alarms ("3 of 3 above", "15 of 15 below") and how many datapoints breach.

use serde::Serialize;

use crate::aas::alarms::{self, AlarmSummary};
use crate::ecs::capacity_provider;
use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::{ServiceIdx, TaskIdx};
use crate::ecs::service_scheduler::{Bounds, Gate, HealthyBy, Waiting, health_gate};
use crate::ecs::{DesiredStatus, TaskStatus, UnhealthyReason};
use crate::elb::TargetState;
use crate::time::SimTime;

/// A task's health as the service scheduler counts it toward the deployment's lower bound.
#[derive(Debug, Clone, PartialEq)]
pub enum DeploymentHealth {
    /// Counts as healthy, by these rules. `since`: when the scheduler first counted it (not
    /// yet if its pass at this very moment has not run).
    Healthy {
        by: HealthyBy,
        since: Option<SimTime>,
    },
    /// Does not count (yet). `until`: the moment a rule decides by itself (the end of the
    /// health check grace period, the 40-second mark), if one does.
    NotYet {
        waiting: Waiting,
        until: Option<SimTime>,
    },
    /// Fails its health checks outside the grace period: the scheduler replaces it.
    Failing { reason: UnhealthyReason },
}

impl DeploymentHealth {
    pub fn is_healthy(&self) -> bool {
        matches!(self, DeploymentHealth::Healthy { .. })
    }

    /// The verdict in words, for the inspector.
    pub fn describe(&self, world: &EcsCluster, t: TaskIdx) -> String {
        match self {
            DeploymentHealth::Healthy { by, .. } => {
                format!("healthy for the deployment: {}", by.describe(world, t))
            }
            DeploymentHealth::NotYet { waiting, until } => {
                format!("not counted as healthy yet: {}", waiting.describe(*until))
            }
            DeploymentHealth::Failing { reason } => match reason {
                UnhealthyReason::ContainerHealthCheck { container } => format!(
                    "failing: essential container {container} reports UNHEALTHY; the service replaces the task"
                ),
                UnhealthyReason::TargetGroup {
                    target_group,
                    reason,
                } => format!(
                    "failing: its target is unhealthy in {} ({reason}); the service replaces the task",
                    world.target_group(*target_group).name
                ),
            },
        }
    }
}

/// A task's health as the service scheduler sees it at `now` (the scheduler's own health gate).
pub fn deployment_health(world: &EcsCluster, now: SimTime, t: TaskIdx) -> DeploymentHealth {
    match health_gate(world, now, t) {
        Gate::Healthy(by) => DeploymentHealth::Healthy {
            by,
            since: world.task(t).healthy_at,
        },
        Gate::NotYet { wake, waiting } => DeploymentHealth::NotYet {
            waiting,
            until: wake,
        },
        Gate::Failing(reason) => DeploymentHealth::Failing { reason },
    }
}

/// What a task's card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TaskCard {
    Provisioning,
    Pending,
    Activating,
    /// RUNNING, not counted as healthy yet: its container checks have not reported, or it
    /// waits for the 40-second rule.
    Running,
    /// RUNNING, its target still `initial` (the load balancer is checking it).
    Initial,
    /// RUNNING and healthy for the deployment.
    Healthy,
    /// RUNNING and failing its health checks (replaced, or held back by the grace period).
    Unhealthy,
    /// On its way out: its target drains, or ECS waits before stopping its containers.
    Draining,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl TaskCard {
    /// The lifecycle and health words, e.g. "RUNNING · healthy".
    pub fn as_str(self) -> &'static str {
        match self {
            TaskCard::Provisioning => "PROVISIONING",
            TaskCard::Pending => "PENDING",
            TaskCard::Activating => "ACTIVATING",
            TaskCard::Running => "RUNNING",
            TaskCard::Initial => "RUNNING · initial",
            TaskCard::Healthy => "RUNNING · healthy",
            TaskCard::Unhealthy => "UNHEALTHY",
            TaskCard::Draining => "DRAINING",
            TaskCard::Stopping => "STOPPING",
            TaskCard::Deprovisioning => "DEPROVISIONING",
            TaskCard::Stopped => "STOPPED",
        }
    }
}

/// The card of a task at `now`: its lifecycle state, and while RUNNING, the scheduler's
/// health verdict ([`deployment_health`]) with the load balancer's view of it.
pub fn task_card(world: &EcsCluster, now: SimTime, t: TaskIdx) -> TaskCard {
    let task = world.task(t);
    match task.last_status {
        TaskStatus::Provisioning => TaskCard::Provisioning,
        TaskStatus::Pending => TaskCard::Pending,
        TaskStatus::Activating => TaskCard::Activating,
        TaskStatus::Running => {
            let targets = target_states(world, t);
            if task.desired_status == DesiredStatus::Stopped
                || targets.contains(&TargetState::Draining)
            {
                return TaskCard::Draining;
            }
            match deployment_health(world, now, t) {
                DeploymentHealth::Healthy { .. } => TaskCard::Healthy,
                DeploymentHealth::Failing { .. } => TaskCard::Unhealthy,
                DeploymentHealth::NotYet { waiting, .. } if waiting.grace_period => {
                    TaskCard::Unhealthy
                }
                DeploymentHealth::NotYet { .. } if targets.contains(&TargetState::Initial) => {
                    TaskCard::Initial
                }
                DeploymentHealth::NotYet { .. } => TaskCard::Running,
            }
        }
        TaskStatus::Deactivating => TaskCard::Draining,
        TaskStatus::Stopping => TaskCard::Stopping,
        TaskStatus::Deprovisioning => TaskCard::Deprovisioning,
        TaskStatus::Stopped => TaskCard::Stopped,
    }
}

/// Whether a task runs its own service's PRIMARY revision (the task definition of the
/// service's PRIMARY deployment): the canvas's "new revision" stripe. A task of no service, or
/// of a service without a PRIMARY deployment, does not.
pub fn runs_primary_revision(world: &EcsCluster, t: TaskIdx) -> bool {
    let task = world.task(t);
    // A blue/green service's primary is its PRIMARY task set (the one serving production).
    if let Some(bg) = task
        .service
        .and_then(|s| world.service(s).blue_green.as_deref())
    {
        return bg
            .primary()
            .is_some_and(|p| p.task_definition == task.task_definition);
    }
    task.service
        .and_then(|s| world.service(s).primary())
        .is_some_and(|d| d.task_definition == task.task_definition)
}

/// The states of a task's targets in its service's target groups.
fn target_states(world: &EcsCluster, t: TaskIdx) -> Vec<TargetState> {
    let Some(s) = world.task(t).service else {
        return Vec::new();
    };
    crate::ecs::task_set_links::target_groups_of(world, s, t)
        .filter_map(|tg| world.target_group(tg).target_of(t))
        .map(|x| x.state)
        .collect()
}

/// A service's rollout bounds at `now`: its desired count and deployment configuration, held
/// against its tasks RUNNING or PENDING and those the health gate counts as healthy — the
/// numbers the scheduler's next pass starts from. (`Service::last_pass.bounds` holds those of
/// its last pass, after it acted.)
pub fn rollout_bounds(world: &EcsCluster, now: SimTime, s: ServiceIdx) -> Bounds {
    let svc = world.service(s);
    let cfg = &svc.deployment_configuration;
    let (mut live, mut healthy) = (0, 0);
    for &t in &svc.tasks {
        if world.task(t).is_live() {
            live += 1;
            healthy += u32::from(matches!(health_gate(world, now, t), Gate::Healthy(_)));
        }
    }
    Bounds::new(
        svc.desired_count,
        cfg.minimum_healthy_percent,
        cfg.maximum_percent,
    )
    .counting(live, healthy)
}

/// The alarms of a service's scaling policies: target tracking's AlarmHigh and AlarmLow, then
/// each step scaling policy's alarm, in file order.
pub fn service_alarms(world: &EcsCluster, s: ServiceIdx) -> Vec<AlarmSummary> {
    let svc = world.service(s);
    let mut out: Vec<AlarmSummary> = svc
        .scaling
        .iter()
        .flat_map(alarms::target_tracking)
        .collect();
    out.extend(svc.step_scaling.iter().map(alarms::step_scaling));
    out
}

/// The scale-out and scale-in alarms of the i-th Auto Scaling group's managed scaling, if it
/// has managed scaling.
pub fn capacity_provider_alarms(world: &EcsCluster, group: usize) -> Option<[AlarmSummary; 2]> {
    capacity_provider::alarms(world.auto_scaling_groups.get(group)?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::engine::Simulation;

    /// One Fargate service `web` of `desired` tasks created at 0:00, every lifecycle step of
    /// fixed length: RUNNING at 0:17, a target registered 10 s later and checked every 10 s.
    fn sim(desired: u32, service_extra: &str, container_extra: &str, with_lb: bool) -> Simulation {
        let (tg, lb) = if with_lb {
            (
                r#"target_groups: [(name: "web-tg", port: 8080, target_type: Ip,
                    health_check: (path: "/health", interval_seconds: 10, timeout_seconds: 5,
                        healthy_threshold_count: 5, unhealthy_threshold_count: 2),
                    deregistration_delay_seconds: 30)],"#,
                r#"load_balancers: [(target_group: "web-tg", container_name: "web", container_port: 8080)],"#,
            )
        } else {
            ("", "")
        };
        let src = format!(
            r#"(version: 1, title: "read", seed: 3, duration: 600,
    world: Ecs(
        cluster: (name: "c", availability_zones: ["us-east-1a", "us-east-1b"]),
        task_definitions: [(family: "web", revision: 1, cpu: 256, memory: 512, network_mode: Awsvpc,
            containers: [(name: "web", image: "web:v1", port: 8080{container_extra})])],
        {tg}
        services: [(name: "web", task_definition: "web:1", desired_count: {desired}, launch_type: Fargate,
            start: Created, {lb} {service_extra})],
        timings: (provisioning_seconds: (5, 5), image_pull_seconds: (10, 10), activating_seconds: (2, 2),
            target_registration_seconds: (10, 10), sigterm_exit_seconds: (2, 2),
            deprovisioning_seconds: (5, 5), scheduler_reaction_seconds: 1),
    ),
)"#
        );
        let s = crate::scenario::parse("read.ron", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
        Simulation::new(Arc::new(s))
    }

    fn at(sim: &mut Simulation, secs: u64) -> &EcsCluster {
        sim.advance_to(SimTime::from_secs(secs));
        sim.world().ecs.as_ref().expect("an ECS world")
    }

    const FIRST: TaskIdx = TaskIdx(0);

    #[test]
    fn without_checks_a_task_waits_for_the_40_second_rule_then_counts_and_its_card_says_so() {
        let mut sim = sim(1, "", "", false);
        let w = at(&mut sim, 20);
        assert_eq!(
            deployment_health(w, SimTime::from_secs(20), FIRST),
            DeploymentHealth::NotYet {
                waiting: Waiting {
                    forty_seconds: true,
                    ..Waiting::default()
                },
                until: Some(SimTime::from_secs(57)),
            }
        );
        assert_eq!(
            task_card(w, SimTime::from_secs(20), FIRST),
            TaskCard::Running
        );
        let w = at(&mut sim, 57);
        let health = deployment_health(w, SimTime::from_secs(57), FIRST);
        assert_eq!(
            health,
            DeploymentHealth::Healthy {
                by: HealthyBy {
                    forty_seconds: true,
                    ..HealthyBy::default()
                },
                since: Some(SimTime::from_secs(57)),
            }
        );
        assert!(health.describe(w, FIRST).contains("RUNNING for 40s"));
        // The app used to show this task as merely RUNNING: it counts as healthy.
        assert_eq!(
            task_card(w, SimTime::from_secs(57), FIRST),
            TaskCard::Healthy
        );
    }

    #[test]
    fn behind_a_load_balancer_the_card_is_initial_until_the_first_passing_check() {
        let mut sim = sim(1, "", "", true);
        let w = at(&mut sim, 20);
        assert_eq!(
            task_card(w, SimTime::from_secs(20), FIRST),
            TaskCard::Initial
        );
        assert!(matches!(
            deployment_health(w, SimTime::from_secs(20), FIRST),
            DeploymentHealth::NotYet { waiting, until: None } if waiting.target
        ));
        let w = at(&mut sim, 30);
        assert!(matches!(
            deployment_health(w, SimTime::from_secs(30), FIRST),
            DeploymentHealth::Healthy { by, .. } if by.load_balancer && !by.forty_seconds
        ));
        assert_eq!(
            task_card(w, SimTime::from_secs(30), FIRST),
            TaskCard::Healthy
        );
    }

    #[test]
    fn the_grace_period_holds_an_unhealthy_target_back_then_the_task_fails_and_drains() {
        let mut sim = sim(
            1,
            "health_check_grace_period_seconds: 60,",
            ", behavior: (fails_health_checks: (after_seconds: 0, response: Status(500)))",
            true,
        );
        // Checks at 0:27 and 0:37 fail: unhealthy at 0:37; the grace period ends at 1:17.
        let w = at(&mut sim, 50);
        let now = SimTime::from_secs(50);
        assert_eq!(
            deployment_health(w, now, FIRST),
            DeploymentHealth::NotYet {
                waiting: Waiting {
                    grace_period: true,
                    ..Waiting::default()
                },
                until: Some(SimTime::from_secs(77)),
            }
        );
        assert_eq!(task_card(w, now, FIRST), TaskCard::Unhealthy);
        let failing = deployment_health(w, SimTime::from_secs(77), FIRST);
        assert!(matches!(
            &failing,
            DeploymentHealth::Failing {
                reason: UnhealthyReason::TargetGroup { .. }
            }
        ));
        assert!(failing.describe(w, FIRST).contains("unhealthy in web-tg"));
        // The pass at 1:17 replaces it: its target drains for 30 s, then SIGTERM (2 s), then
        // its network interface goes (5 s).
        let w = at(&mut sim, 77);
        assert_eq!(
            task_card(w, SimTime::from_secs(77), FIRST),
            TaskCard::Draining
        );
        for (secs, card) in [
            (106, TaskCard::Draining),
            (108, TaskCard::Stopping),
            (110, TaskCard::Deprovisioning),
            (115, TaskCard::Stopped),
        ] {
            let w = at(&mut sim, secs);
            assert_eq!(
                task_card(w, SimTime::from_secs(secs), FIRST),
                card,
                "at {secs} s"
            );
        }
    }

    #[test]
    fn cards_follow_the_lifecycle_before_running() {
        let mut sim = sim(1, "", "", false);
        let w = at(&mut sim, 1);
        assert_eq!(
            task_card(w, SimTime::from_secs(1), FIRST),
            TaskCard::Provisioning
        );
        let w = at(&mut sim, 7);
        assert_eq!(
            task_card(w, SimTime::from_secs(7), FIRST),
            TaskCard::Pending
        );
        let w = at(&mut sim, 16);
        assert_eq!(
            task_card(w, SimTime::from_secs(16), FIRST),
            TaskCard::Activating
        );
    }

    #[test]
    fn rollout_bounds_hold_the_documented_formulas_against_the_tasks_now() {
        let mut sim = sim(4, "", "", false);
        let w = at(&mut sim, 60);
        let b = rollout_bounds(w, SimTime::from_secs(60), ServiceIdx(0));
        // desired 4, defaults min 100 %, max 200 %: upper 8, lower 4; all 4 healthy by 0:57.
        assert_eq!(
            (b.upper, b.lower, b.running_or_pending, b.healthy),
            (8, 4, 4, 4)
        );
        assert_eq!(
            b.explain_room(),
            "upper floor(4 × 200 / 100) = 8, lower ceil(4 × 100 / 100) = 4: 4 running or pending leaves room for 4"
        );
        assert_eq!(w.service(ServiceIdx(0)).last_pass.bounds, b);
    }

    #[test]
    fn target_tracking_alarms_are_3_of_3_above_and_15_of_15_below_90_percent() {
        let mut sim = sim(
            2,
            "auto_scaling: (min_capacity: 2, max_capacity: 10, target_cpu_utilization: 50),
             load: (rps_per_pod: 100, points: [(0, 400)]),",
            "",
            false,
        );
        let w = at(&mut sim, 150);
        let alarms = service_alarms(w, ServiceIdx(0));
        assert_eq!(alarms.len(), 2);
        assert_eq!(alarms[0].rule(), "3 of 3 datapoints above 50 %");
        assert_eq!(alarms[1].rule(), "15 of 15 datapoints below 45 %");
        assert!(alarms[0].datapoints >= 1 && alarms[0].breaching == alarms[0].datapoints);
        assert_eq!(alarms[1].breaching, 0);
        assert_eq!(capacity_provider_alarms(w, 0), None);
    }
}
