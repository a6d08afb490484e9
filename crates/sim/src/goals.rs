//! Challenge goals, checked at the end of every simulated instant against the world and the
//! events of that instant (the rules are in `docs/challenges.md`). Pure and deterministic: the
//! status of every goal is part of the simulation's state, so seeking and replaying give the
//! same statuses, and each change is logged as an event.

use serde::Serialize;

use crate::ecs::InstanceStatus;
use crate::ecs::ids::{TaskDefIdx, TaskIdx};
use crate::ecs::read::deployment_health;
use crate::event::{Event, EventKind};
use crate::k8s::read::deployment_status;
use crate::scenario::spec::{Goal, Scenario};
use crate::time::SimTime;
use crate::world::World;

/// Where a goal stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum GoalStatus {
    /// Not reached yet (a goal with a deadline), or holding so far (a goal that must hold
    /// until the end).
    NotYet,
    Met {
        at: SimTime,
    },
    Failed {
        at: SimTime,
        reason: String,
    },
}

impl GoalStatus {
    pub fn is_met(&self) -> bool {
        matches!(self, GoalStatus::Met { .. })
    }

    pub fn is_failed(&self) -> bool {
        matches!(self, GoalStatus::Failed { .. })
    }

    /// Settled for good: met or failed.
    pub fn is_decided(&self) -> bool {
        !matches!(self, GoalStatus::NotYet)
    }
}

/// What the goal asks, in a line for the goals panel and the run's report.
pub fn describe(goal: &Goal) -> String {
    match goal {
        Goal::ServiceSteady {
            service,
            revision,
            by,
        } => format!(
            "service {service} reaches a steady state on revision {revision} by {}",
            at(*by)
        ),
        Goal::HealthyTasksAtLeast {
            service,
            count,
            from,
        } => format!(
            "service {service} keeps at least {count} healthy tasks{}",
            since(*from)
        ),
        Goal::NoCircuitBreakerStops { service } => {
            format!("the circuit breaker stops no task of service {service}")
        }
        Goal::DeploymentAvailable {
            deployment,
            from,
            by,
            image,
        } => format!(
            "Deployment {deployment} is available with 0 unavailable{}{} by {}",
            image.as_ref().map_or(String::new(), |i| format!(" on {i}")),
            if *from > 0.0 {
                format!(" after {}", at(*from))
            } else {
                String::new()
            },
            at(*by)
        ),
        Goal::AvailablePodsAtLeast {
            deployment,
            count,
            from,
        } => format!(
            "Deployment {deployment} keeps at least {count} available pods{}",
            since(*from)
        ),
        Goal::CpuBelow {
            deployment,
            percent,
            from,
            to,
        } => format!(
            "CPU of Deployment {deployment} stays below {percent} % from {} to {}",
            at(*from),
            at(*to)
        ),
        Goal::NoPodPendingLonger { seconds } => {
            format!("no pod stays Pending longer than {seconds} s")
        }
        Goal::NodeGroupDrained { node_group, by } => format!(
            "every node of node group {node_group} is cordoned and empty by {}",
            at(*by)
        ),
        Goal::CostBelow { dollars_per_hour } => {
            format!("the cluster's EC2 capacity costs less than ${dollars_per_hour:.2} per hour")
        }
        Goal::AppCallsSucceed { target, by, role } => format!(
            "every AWS call of the running {target} tasks or pods succeeds{} by {}",
            role.as_ref()
                .map_or(String::new(), |r| format!(" as role {r}")),
            at(*by)
        ),
    }
}

fn at(secs: f64) -> SimTime {
    SimTime::from_secs_f64(secs)
}

fn since(from: f64) -> String {
    if from > 0.0 {
        format!(" from {} on", at(from))
    } else {
        String::new()
    }
}

/// The moments a goal must be looked at even if nothing else happens then: its deadline or
/// the start and end of its window.
pub fn moments(goal: &Goal) -> Vec<SimTime> {
    match goal {
        Goal::ServiceSteady { by, .. }
        | Goal::NodeGroupDrained { by, .. }
        | Goal::AppCallsSucceed { by, .. } => vec![at(*by)],
        Goal::DeploymentAvailable { from, by, .. } => vec![at(*from), at(*by)],
        Goal::HealthyTasksAtLeast { from, .. } | Goal::AvailablePodsAtLeast { from, .. } => {
            vec![at(*from)]
        }
        Goal::CpuBelow { from, to, .. } => vec![at(*from), at(*to)],
        Goal::NoCircuitBreakerStops { .. }
        | Goal::NoPodPendingLonger { .. }
        | Goal::CostBelow { .. } => Vec::new(),
    }
}

/// Look at every goal still open at the end of instant `now`; `events` are the events of this
/// instant and `end` the run's end. Returns the goals whose status changed, with the new one.
pub fn check(
    scenario: &Scenario,
    status: &mut [GoalStatus],
    world: &World,
    events: &[Event],
    now: SimTime,
    end: SimTime,
) -> Vec<usize> {
    let mut changed = Vec::new();
    for (i, goal) in scenario.goals.iter().enumerate() {
        if status.get(i).is_none_or(GoalStatus::is_decided) {
            continue;
        }
        if let Some(s) = verdict(scenario, goal, world, events, now, end) {
            status[i] = s;
            changed.push(i);
        }
    }
    changed
}

/// The goal's new status at `now`, if it is decided now.
fn verdict(
    scenario: &Scenario,
    goal: &Goal,
    world: &World,
    events: &[Event],
    now: SimTime,
    end: SimTime,
) -> Option<GoalStatus> {
    let failed = |reason: String| Some(GoalStatus::Failed { at: now, reason });
    let met = Some(GoalStatus::Met { at: now });
    match goal {
        Goal::ServiceSteady {
            service,
            revision,
            by,
        } => {
            let (ok, state) = ecs_steady(world, service, *revision);
            if ok {
                met
            } else if now >= at(*by) {
                failed(format!(
                    "not steady on revision {revision} by {}: {state}",
                    at(*by)
                ))
            } else {
                None
            }
        }
        Goal::HealthyTasksAtLeast {
            service,
            count,
            from,
        } => {
            if now < at(*from) {
                return None;
            }
            let healthy = healthy_tasks(world, service, now);
            if healthy < *count {
                failed(format!(
                    "healthy tasks of {service} fell to {healthy}, below {count}"
                ))
            } else if now >= end {
                met
            } else {
                None
            }
        }
        Goal::NoCircuitBreakerStops { service } => {
            let tripped = events.iter().find_map(|e| match &e.kind {
                EventKind::DeploymentFailed {
                    service: s,
                    deployment,
                    ..
                } if s == service => Some(deployment.clone()),
                _ => None,
            });
            match tripped {
                Some(d) => failed(format!(
                    "the circuit breaker failed deployment {d} of {service} and stops its tasks"
                )),
                None if now >= end => met,
                None => None,
            }
        }
        Goal::DeploymentAvailable {
            deployment,
            from,
            by,
            image,
        } => {
            if now < at(*from) {
                return None;
            }
            let (ok, state) = k8s_available(world, deployment, image.as_deref(), now);
            if ok {
                met
            } else if now >= at(*by) {
                failed(format!("not available by {}: {state}", at(*by)))
            } else {
                None
            }
        }
        Goal::AvailablePodsAtLeast {
            deployment,
            count,
            from,
        } => {
            if now < at(*from) {
                return None;
            }
            let eks = world.eks.as_ref()?;
            let d = eks.deployment_index(deployment)?;
            let available = deployment_status(eks, d, now).available_replicas;
            if available < *count {
                failed(format!(
                    "available pods of {deployment} fell to {available}, below {count}"
                ))
            } else if now >= end {
                met
            } else {
                None
            }
        }
        Goal::CpuBelow {
            deployment,
            percent,
            from,
            to,
        } => {
            if now < at(*from) {
                return None;
            }
            let eks = world.eks.as_ref()?;
            let d = eks.deployment_index(deployment)?;
            let ready = crate::k8s::endpoints::endpoints(eks, d).len() as u32;
            let cpu = eks.deployments[d]
                .load
                .as_ref()
                .map_or(0.0, |l| l.utilization_per_pod(now, ready));
            if cpu >= *percent {
                failed(format!(
                    "CPU of {deployment} reached {cpu:.0} % with {ready} ready pods (limit {percent} %)"
                ))
            } else if now >= at(*to) {
                met
            } else {
                None
            }
        }
        Goal::NoPodPendingLonger { seconds } => {
            let eks = world.eks.as_ref()?;
            let limit = at(*seconds);
            let late = eks.pods.iter().find(|p| {
                p.counts() && p.node.is_none() && now.0.saturating_sub(p.created_at.0) > limit.0
            });
            match late {
                Some(p) => failed(format!(
                    "pod {} has been Pending since {} (more than {seconds} s)",
                    p.name, p.created_at
                )),
                None if now >= end => met,
                None => None,
            }
        }
        Goal::AppCallsSucceed { target, by, role } => {
            let (ok, state) = app_calls_succeed(world, target, role.as_deref());
            if ok {
                met
            } else if now >= at(*by) {
                failed(format!("not met by {}: {state}", at(*by)))
            } else {
                None
            }
        }
        Goal::NodeGroupDrained { node_group, by } => {
            let (ok, state) = group_drained(scenario, world, node_group);
            if ok {
                met
            } else if now >= at(*by) {
                failed(format!("not drained by {}: {state}", at(*by)))
            } else {
                None
            }
        }
        Goal::CostBelow { dollars_per_hour } => {
            let cost = cost_per_hour(world);
            if cost >= *dollars_per_hour {
                failed(format!(
                    "EC2 capacity reached ${cost:.3} per hour (limit ${dollars_per_hour:.2})"
                ))
            } else if now >= end {
                met
            } else {
                None
            }
        }
    }
}

/// Whether the ECS service is steady on `revision`: one deployment (for a blue/green service,
/// one task set), on that revision, with every desired task running, and the steady state
/// reported. Otherwise, what it is.
fn ecs_steady(world: &World, service: &str, revision: u32) -> (bool, String) {
    let Some(ecs) = world.ecs.as_ref() else {
        return (false, "no ECS cluster".into());
    };
    let Some(si) = ecs.service_by_name(service) else {
        return (false, format!("no service {service}"));
    };
    let svc = ecs.service(si);
    // (task definition, running, desired) of each deployment, or of each task set.
    let parts: Vec<(TaskDefIdx, u32, u32)> = match svc.blue_green.as_deref() {
        Some(bg) => bg
            .task_sets
            .iter()
            .map(|t| (t.task_definition, t.running_count, t.computed_desired_count))
            .collect(),
        None => svc
            .deployments
            .iter()
            .map(|d| (d.task_definition, d.running_count, d.desired_count))
            .collect(),
    };
    let revisions: Vec<String> = parts
        .iter()
        .map(|&(td, running, desired)| {
            let td = ecs.task_definition(td);
            format!("{}:{} {running}/{desired} running", td.family, td.revision)
        })
        .collect();
    let on_revision = parts.len() == 1
        && parts.iter().all(|&(td, running, desired)| {
            ecs.task_definition(td).revision == revision && running == desired
        });
    let what = if svc.blue_green.is_some() {
        "task sets"
    } else {
        "deployments"
    };
    let state = if revisions.is_empty() {
        format!("no {}", &what[..what.len() - 1])
    } else {
        format!("{what} {}", revisions.join(", "))
    };
    // A blue/green service reports its steady state from its task sets.
    let steady = svc
        .blue_green
        .as_deref()
        .map_or(svc.steady, |bg| bg.steady_reported);
    (on_revision && steady, state)
}

/// Tasks of the service the scheduler counts as healthy now.
fn healthy_tasks(world: &World, service: &str, now: SimTime) -> u32 {
    let Some(ecs) = world.ecs.as_ref() else {
        return 0;
    };
    let Some(si) = ecs.service_by_name(service) else {
        return 0;
    };
    let tasks: &[TaskIdx] = &ecs.service(si).tasks;
    tasks
        .iter()
        .filter(|&&t| deployment_health(ecs, now, t).is_healthy())
        .count() as u32
}

/// Whether the Deployment is available with 0 unavailable (and on `image`); otherwise what
/// `kubectl get deploy` would show.
fn k8s_available(
    world: &World,
    deployment: &str,
    image: Option<&str>,
    now: SimTime,
) -> (bool, String) {
    let Some(eks) = world.eks.as_ref() else {
        return (false, "no EKS cluster".into());
    };
    let Some(d) = eks.deployment_index(deployment) else {
        return (false, format!("no Deployment {deployment}"));
    };
    let s = deployment_status(eks, d, now);
    let current = &eks.deployments[d].template.image;
    let ok = s.updated_replicas == s.replicas
        && s.available_replicas == s.replicas
        && s.total_replicas == s.replicas
        && image.is_none_or(|i| i == current);
    (
        ok,
        format!(
            "READY {}, UP-TO-DATE {}, AVAILABLE {}, image {current}",
            s.ready_column(),
            s.updated_replicas,
            s.available_replicas
        ),
    )
}

/// Whether every node of the group is cordoned and runs no pod but DaemonSet pods; otherwise
/// what is left.
fn group_drained(scenario: &Scenario, world: &World, group: &str) -> (bool, String) {
    let (Some(eks), Some(spec)) = (world.eks.as_ref(), scenario.world.eks()) else {
        return (false, "no EKS cluster".into());
    };
    // Nodes carry the index of their managed node group in the scenario's list.
    let Some(g) = spec.node_groups.iter().position(|n| n.name == group) else {
        return (false, format!("no node group {group}"));
    };
    let mut uncordoned = 0;
    let mut pods = 0;
    for (n, node) in eks.nodes.iter().enumerate() {
        if node.gone || node.group != Some(g) {
            continue;
        }
        if !node.cordoned {
            uncordoned += 1;
        }
        // DaemonSet pods stay on a drained node: `kubectl drain --ignore-daemonsets` leaves
        // them, as the DaemonSet controller would put them back at once.
        pods += (0..eks.pods.len())
            .filter(|&p| !eks.pods[p].gone && eks.pods[p].node == Some(n) && !eks.is_daemon_pod(p))
            .count();
    }
    (
        uncordoned == 0 && pods == 0,
        format!("{uncordoned} node(s) not cordoned, {pods} pod(s) still there"),
    )
}

/// What the cluster's EC2 capacity costs per hour at on-demand prices: container instances
/// that are not INACTIVE, and nodes that are not gone (Fargate not counted).
pub fn cost_per_hour(world: &World) -> f64 {
    let price =
        |t: &str| crate::aws::instance_types::lookup(t).map_or(0.0, |t| t.on_demand_usd_per_hour());
    let ecs: f64 = world.ecs.as_ref().map_or(0.0, |e| {
        e.instances
            .iter()
            .filter(|i| i.status != InstanceStatus::Inactive)
            .map(|i| price(&i.instance_type))
            .sum()
    });
    let eks: f64 = world.eks.as_ref().map_or(0.0, |k| {
        k.nodes
            .iter()
            .filter(|n| !n.gone && !n.fargate)
            .map(|n| price(&n.instance_type))
            .sum()
    });
    ecs + eks
}

/// The score of a challenge, 0 to 100: each goal met is worth an equal share of 100, and each
/// hint opened takes 10 points off (never below 0).
pub fn score(met: usize, goals: usize, hints_opened: usize) -> u32 {
    if goals == 0 {
        return 0;
    }
    let earned = ((100 * met.min(goals) + goals / 2) / goals) as u32;
    earned.saturating_sub(HINT_COST.saturating_mul(hints_opened.min(100) as u32))
}

/// Points an opened hint costs.
pub const HINT_COST: u32 = 10;

/// Whether every running task or pod of application `target` has made each of its AWS calls
/// and the last attempt of each succeeded (as `role`, when given); if not, what fails (the
/// first failure's result).
fn app_calls_succeed(world: &World, target: &str, role: Option<&str>) -> (bool, String) {
    use crate::iam::{Iam, Workload};
    let check = |iam: &Iam, running: &mut dyn Iterator<Item = Option<&Workload>>| {
        let app = iam.app_for(target)?;
        let (mut seen, mut waiting) = (0, 0);
        for w in running.flatten().filter(|w| w.app == app) {
            seen += 1;
            if w.calls.len() < iam.app_calls[app].calls.len() {
                waiting += 1;
                continue;
            }
            for (call, rec) in iam.app_calls[app].calls.iter().zip(&w.calls) {
                match &rec.last {
                    Some(o) if o.allowed => {
                        let got = o
                            .role_arn
                            .as_deref()
                            .and_then(|a| a.rsplit_once(":role/"))
                            .map_or("no role", |(_, n)| n);
                        if let Some(want) = role.filter(|&r| r != got) {
                            return Some((
                                false,
                                format!("{} succeeds as {got}, not as {want}", call.action),
                            ));
                        }
                    }
                    Some(o) => {
                        return Some((false, format!("{} failed: {}", call.action, o.result)));
                    }
                    None => waiting += 1,
                }
            }
        }
        Some(match (seen, waiting) {
            (0, _) => (
                false,
                format!("no running task or pod of {target} makes its calls"),
            ),
            (_, 0) => (true, String::new()),
            _ => (false, format!("{waiting} call(s) of {target} not made yet")),
        })
    };
    let ecs = world.ecs.as_ref().and_then(|e| {
        let iam = e.iam.as_ref()?;
        let mut running = e
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_live() && t.last_status == crate::ecs::TaskStatus::Running)
            .map(|(i, _)| iam.tasks.get(&(i as u32)));
        check(iam, &mut running)
    });
    let eks = world.eks.as_ref().and_then(|k| {
        let iam = k.iam.as_ref()?;
        let mut running = k
            .pods
            .iter()
            .filter(|p| {
                !p.gone
                    && p.deleting_at.is_none()
                    && matches!(p.state, crate::k8s::cluster::ContainerState::Running { .. })
            })
            .map(|p| iam.pods.get(&p.name));
        check(iam, &mut running)
    });
    ecs.or(eks)
        .unwrap_or_else(|| (false, format!("no application {target} makes AWS calls")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_score_shares_100_among_the_goals_and_hints_cost_10_each() {
        assert_eq!(score(3, 3, 0), 100);
        assert_eq!(score(2, 3, 0), 67);
        assert_eq!(score(3, 3, 2), 80);
        assert_eq!(score(1, 3, 5), 0);
        assert_eq!(score(0, 0, 0), 0);
        assert_eq!(HINT_COST, 10);
    }
}
