//! A challenge's goals and hints: each goal names what exists in the scenario's world (ECS
//! goals in an ECS world, EKS goals in an EKS one), its moments lie within the run, and its
//! numbers are in range; hints are text.

use super::Problems;
use super::common::{check_seconds, list, scenario_end};
use super::ecs_index::EcsIndex;
use crate::scenario::locate::Path;
use crate::scenario::shown::{escaped, quoted};
use crate::scenario::spec::{EksWorld, Goal, Scenario, WorldSpec};

/// At most this many goals and hints per scenario (the goals panel lists them all).
pub const MAX_GOALS: usize = 20;
pub const MAX_HINTS: usize = 20;

/// Goals that watch ECS services; the others watch an EKS cluster (or, for the cost, either).
fn is_ecs(g: &Goal) -> Option<bool> {
    match g {
        Goal::ServiceSteady { .. }
        | Goal::HealthyTasksAtLeast { .. }
        | Goal::NoCircuitBreakerStops { .. } => Some(true),
        Goal::DeploymentAvailable { .. }
        | Goal::AvailablePodsAtLeast { .. }
        | Goal::CpuBelow { .. }
        | Goal::NoPodPendingLonger { .. }
        | Goal::NodeGroupDrained { .. } => Some(false),
        Goal::CostBelow { .. } | Goal::AppCallsSucceed { .. } => None,
    }
}

pub(super) fn goals(out: &mut Problems, s: &Scenario, ix: &EcsIndex, eks: Option<&EksWorld>) {
    let gp = Path::root().field("goals");
    let end = scenario_end(s);
    if s.goals.len() > MAX_GOALS {
        out.push((
            gp.clone(),
            format!("{} goals; at most {MAX_GOALS}", s.goals.len()),
        ));
    }
    for (i, g) in s.goals.iter().enumerate() {
        let p = gp.index(i);
        match (is_ecs(g), eks.is_some()) {
            // A side-by-side world has both kinds of goal.
            _ if matches!(s.world, WorldSpec::Both(_)) => {}
            (Some(false), false) => {
                out.push((
                    p,
                    "this goal watches an EKS cluster, but the scenario's world is Ecs; use ServiceSteady, HealthyTasksAtLeast, NoCircuitBreakerStops, AppCallsSucceed or CostBelow".into(),
                ));
                continue;
            }
            (Some(true), true) => {
                out.push((
                    p,
                    "this goal watches ECS services, but the scenario's world is Eks; use DeploymentAvailable, AvailablePodsAtLeast, CpuBelow, NoPodPendingLonger, NodeGroupDrained, AppCallsSucceed or CostBelow".into(),
                ));
                continue;
            }
            _ => {}
        }
        if let Goal::AppCallsSucceed { target, by, role } = g {
            app_target(out, s, target, &p);
            if let Some(r) = role {
                app_role(out, s, r, &p);
            }
            check_seconds(out, p.field("by"), "by", *by, end);
            continue;
        }
        goal(out, ix, eks, g, &p, end);
    }
    let hp = Path::root().field("hints");
    if s.hints.len() > MAX_HINTS {
        out.push((
            hp.clone(),
            format!("{} hints; at most {MAX_HINTS}", s.hints.len()),
        ));
    }
    if !s.hints.is_empty() && s.goals.is_empty() {
        out.push((
            hp.clone(),
            "hints belong to a challenge, but the scenario has no goals; add goals: [...] or leave the hints out".into(),
        ));
    }
    for (i, h) in s.hints.iter().enumerate() {
        if h.trim().is_empty() {
            out.push((
                hp.index(i),
                format!(
                    "hint {i} {} is empty; write what the learner reads when opening it",
                    escaped(h)
                ),
            ));
        }
    }
}

fn goal(out: &mut Problems, ix: &EcsIndex, eks: Option<&EksWorld>, g: &Goal, p: &Path, end: f64) {
    let deployment_ref = |out: &mut Problems, name: &str| {
        let deployments = eks.map_or(&[][..], |k| k.deployments.as_slice());
        if !deployments.iter().any(|d| d.name == name) {
            out.push((
                p.field("deployment"),
                format!(
                    "Deployment {} is not defined; {}",
                    quoted(name),
                    list(deployments.iter().map(|d| d.name.as_str()))
                ),
            ));
        }
    };
    let positive = |out: &mut Problems, field: &'static str, what: &str, value: f64, max: f64| {
        if !value.is_finite() || value <= 0.0 || value > max {
            out.push((
                p.field(field),
                format!("{what} {value} is out of range; valid: more than 0 and at most {max}"),
            ));
        }
    };
    match g {
        Goal::ServiceSteady {
            service,
            revision,
            by,
        } => {
            if let Some(svc) = ix.service_ref(out, service, p.field("service")) {
                ix.revision_ref(out, svc, *revision, p.field("revision"));
            }
            check_seconds(out, p.field("by"), "by", *by, end);
        }
        Goal::HealthyTasksAtLeast {
            service,
            count,
            from,
        } => {
            ix.service_ref(out, service, p.field("service"));
            if *count == 0 {
                out.push((
                    p.field("count"),
                    "count 0 always holds; valid: 1 or more".into(),
                ));
            }
            check_seconds(out, p.field("from"), "from", *from, end);
        }
        Goal::NoCircuitBreakerStops { service } => {
            ix.service_ref(out, service, p.field("service"));
        }
        Goal::DeploymentAvailable {
            deployment,
            from,
            by,
            image,
        } => {
            deployment_ref(out, deployment);
            check_seconds(out, p.field("from"), "from", *from, end);
            check_seconds(out, p.field("by"), "by", *by, end);
            if from.is_finite() && by.is_finite() && by < from {
                out.push((
                    p.field("by"),
                    format!("by {by} is before from {from}; the goal could never be met"),
                ));
            }
            if let Some(image) = image
                && image.trim().is_empty()
            {
                out.push((
                    p.field("image"),
                    format!(
                        "image {} is empty; name the image the Deployment must run, or leave image out",
                        escaped(image)
                    ),
                ));
            }
        }
        Goal::AvailablePodsAtLeast {
            deployment,
            count,
            from,
        } => {
            deployment_ref(out, deployment);
            if *count == 0 {
                out.push((
                    p.field("count"),
                    "count 0 always holds; valid: 1 or more".into(),
                ));
            }
            check_seconds(out, p.field("from"), "from", *from, end);
        }
        Goal::CpuBelow {
            deployment,
            percent,
            from,
            to,
        } => {
            deployment_ref(out, deployment);
            positive(out, "percent", "percent", *percent, 1000.0);
            check_seconds(out, p.field("from"), "from", *from, end);
            check_seconds(out, p.field("to"), "to", *to, end);
            if from.is_finite() && to.is_finite() && to <= from {
                out.push((
                    p.field("to"),
                    format!("to {to} is not after from {from}; the window needs a length"),
                ));
            }
        }
        Goal::NoPodPendingLonger { seconds } => {
            positive(out, "seconds", "seconds", *seconds, end);
        }
        Goal::NodeGroupDrained { node_group, by } => {
            let groups = eks.map_or(&[][..], |k| k.node_groups.as_slice());
            if !groups.iter().any(|g| &g.name == node_group) {
                out.push((
                    p.field("node_group"),
                    format!(
                        "node group {} is not defined; {}",
                        quoted(node_group),
                        list(groups.iter().map(|g| g.name.as_str()))
                    ),
                ));
            }
            check_seconds(out, p.field("by"), "by", *by, end);
        }
        Goal::AppCallsSucceed { .. } => {}
        Goal::CostBelow { dollars_per_hour } => {
            positive(
                out,
                "dollars_per_hour",
                "dollars_per_hour",
                *dollars_per_hour,
                1_000_000.0,
            );
        }
    }
}

/// The `iam` sections of the scenario's world (one per part).
fn iam_sections(s: &Scenario) -> impl Iterator<Item = &crate::scenario::spec::IamSpec> {
    let ecs = s.world.ecs().map(|e| &e.iam);
    let eks = s.world.eks().map(|k| &k.iam);
    ecs.into_iter().chain(eks)
}

/// `target` of `AppCallsSucceed` names an application whose calls an `iam` section lists.
fn app_target(out: &mut Problems, s: &Scenario, target: &str, p: &Path) {
    let targets: Vec<&str> = iam_sections(s)
        .flat_map(|i| i.app_calls.iter().map(|a| a.target.as_str()))
        .collect();
    if !targets.contains(&target) {
        out.push((
            p.field("target"),
            format!(
                "no application {} makes AWS calls; {}",
                quoted(target),
                if targets.is_empty() {
                    "add iam: (app_calls: [...]) to the world".to_string()
                } else {
                    list(targets.iter().copied())
                }
            ),
        ));
    }
}

/// `role` of `AppCallsSucceed` names a role an `iam` section declares.
fn app_role(out: &mut Problems, s: &Scenario, role: &str, p: &Path) {
    let roles: Vec<&str> = iam_sections(s)
        .flat_map(|i| i.roles.iter().map(|r| r.name.as_str()))
        .collect();
    if !roles.contains(&role) {
        out.push((
            p.field("role"),
            format!(
                "role {} is not defined; {}",
                quoted(role),
                list(roles.iter().copied())
            ),
        ));
    }
}
