//! ECS services: task definition, deployment configuration, grace period, placement, capacity
//! providers and load balancers.

use std::collections::HashSet;

use super::Problems;
use super::caps::MAX_DESIRED;
use super::common::{check_limit, list};
use super::ecs_index::EcsIndex;
use super::load::load;
use super::scheduling::scheduling;
use super::service_scaling::auto_scaling;
use super::task_definition::{FitAt, task_definition_fits};
use crate::ecs::placement;
use crate::scenario::limits::{
    CP_BASE, CP_WEIGHT, GRACE_PERIOD, MAXIMUM_PERCENT, MINIMUM_HEALTHY_PERCENT,
};
use crate::scenario::locate::Path;
use crate::scenario::shown::{self, bare, quoted};
use crate::scenario::spec::{
    Action, CapacityProvider, EcsWorld, LaunchType, PlacementConstraint, Scenario, ServiceSpec,
    TaskDefinitionSpec,
};

/// `healthCheckGracePeriodSeconds` is a 32-bit signed integer in the ECS API.
pub const MAX_GRACE_PERIOD: u32 = GRACE_PERIOD.max as u32;

/// A placement constraint's expression: "The maximum length is 2000 characters" (Amazon ECS
/// API Reference, PlacementConstraint).
pub const MAX_EXPRESSION: usize = 2_000;

/// Task definitions `svc` may run: its own and those the timeline updates it to.
fn service_task_definitions<'a>(
    ix: &EcsIndex<'a>,
    s: &'a Scenario,
    svc: &'a ServiceSpec,
) -> Vec<&'a TaskDefinitionSpec> {
    let updates = s.timeline.iter().filter_map(|e| match &e.action {
        Action::UpdateService {
            service,
            task_definition: Some(r),
            ..
        } if *service == svc.name => Some(r.as_str()),
        _ => None,
    });
    std::iter::once(svc.task_definition.as_str())
        .chain(updates)
        .filter_map(|r| ix.find_td(r).ok().map(|(_, td)| td))
        .collect()
}

pub(super) fn service(
    out: &mut Problems,
    ix: &EcsIndex,
    s: &Scenario,
    svc: &ServiceSpec,
    p: &Path,
) {
    let w = ix.w;
    match ix.find_td(&svc.task_definition) {
        // The timeline's revisions come after the world's in the index: they do not exist yet
        // when the scenario creates its services (CreateService refuses a task definition
        // that is not registered).
        Ok((i, _)) if i >= w.task_definitions.len() => out.push((
            p.field("task_definition"),
            format!(
                "task definition {} is registered by the timeline, after the service is created; a service starts with one of the world's task_definitions; {}",
                quoted(&svc.task_definition),
                list(
                    w.task_definitions
                        .iter()
                        .map(|t| format!("{}:{}", t.family, t.revision))
                )
            ),
        )),
        Ok(td) => task_definition_fits(out, ix, svc, td, FitAt::Service(p)),
        Err(e) => out.push((p.field("task_definition"), e)),
    }
    if let Some(d) = svc.desired_count
        && d > MAX_DESIRED
    {
        out.push((
            p.field("desired_count"),
            format!("desired_count {d} is above the ECS limit of {MAX_DESIRED} tasks per service"),
        ));
    }
    scheduling(out, svc, p);
    let dp = p.field("deployment_configuration");
    let dc = &svc.deployment_configuration;
    check_limit(
        out,
        dp.field("minimum_healthy_percent"),
        "minimum_healthy_percent",
        dc.minimum_healthy(svc.scheduling_strategy),
        MINIMUM_HEALTHY_PERCENT,
        "",
    );
    // ECS requires maximumPercent ≥ 100 for REPLICA rolling deployments; AWS documents no upper
    // bound, 1000 is Orca's own cap.
    check_limit(
        out,
        dp.field("maximum_percent"),
        "maximum_percent",
        dc.maximum(svc.scheduling_strategy),
        MAXIMUM_PERCENT,
        "",
    );
    grace_period(out, ix, s, svc, p);
    if svc.launch_type == LaunchType::Fargate {
        if !svc.placement_strategy.is_empty() {
            out.push((
                p.field("placement_strategy"),
                format!(
                    "service {} runs on Fargate, which takes no placement strategies (it spreads tasks across Availability Zones itself); remove them or use launch_type: Ec2",
                    quoted(&svc.name)
                ),
            ));
        }
        if !svc.placement_constraints.is_empty() {
            out.push((
                p.field("placement_constraints"),
                format!(
                    "service {} runs on Fargate, which takes no placement constraints; remove them or use launch_type: Ec2",
                    quoted(&svc.name)
                ),
            ));
        }
    } else if w.capacity.instances.is_empty() && w.capacity.auto_scaling_groups.is_empty() {
        out.push((
            p.field("launch_type"),
            format!(
                "service {} uses launch_type Ec2 but the cluster has no instances; add capacity: (instances: [(name: \"node\", instance_type: \"m5.large\", count: 2)])",
                quoted(&svc.name)
            ),
        ));
    }
    if svc.placement_strategy.len() > 5 {
        out.push((
            p.field("placement_strategy"),
            format!(
                "{} placement strategies; ECS takes at most 5",
                svc.placement_strategy.len()
            ),
        ));
    }
    if svc.placement_constraints.len() > 10 {
        out.push((
            p.field("placement_constraints"),
            format!(
                "{} placement constraints; ECS takes at most 10",
                svc.placement_constraints.len()
            ),
        ));
    }
    for (i, c) in svc.placement_constraints.iter().enumerate() {
        let PlacementConstraint::MemberOf(expr) = c else {
            continue;
        };
        let len = expr.chars().count();
        // The parser's errors quote parts of the expression, so a long one is refused first.
        let problem = if len > MAX_EXPRESSION {
            Err(format!(
                "{len} characters long; ECS takes at most {MAX_EXPRESSION}"
            ))
        } else {
            placement::parse_member_of(expr).map(|_| ())
        };
        if let Err(e) = problem {
            out.push((
                p.field("placement_constraints").index(i),
                format!("memberOf expression {}: {e}", shown::quoted_start(expr)),
            ));
        }
    }
    capacity_providers(out, w, svc, p);
    if let Some(a) = &svc.auto_scaling {
        auto_scaling(out, svc, a, &p.field("auto_scaling"));
    }
    if let Some(l) = &svc.load {
        load(out, l, &p.field("load"));
    }
    let lp = p.field("load_balancers");
    if svc.load_balancers.len() > 5 {
        out.push((
            lp.clone(),
            format!(
                "{} load balancers; a service takes at most 5",
                svc.load_balancers.len()
            ),
        ));
    }
    for (i, lb) in svc.load_balancers.iter().enumerate() {
        if ix.target_group(&lb.target_group).is_none() {
            out.push((
                lp.index(i).field("target_group"),
                format!(
                    "target group {} is not defined; {}",
                    quoted(&lb.target_group),
                    list(w.target_groups.iter().map(|t| t.name.as_str()))
                ),
            ));
        }
        if lb.container_port == 0 {
            out.push((
                lp.index(i).field("container_port"),
                "container_port 0 is not valid; valid: 1–65535".into(),
            ));
        }
    }
    super::blue_green::service(out, ix, svc, p);
    let tds = service_task_definitions(ix, s, svc);
    super::service_discovery::service(out, ix, &tds, svc, p);
}

/// `healthCheckGracePeriodSeconds`: ECS holds back unhealthy verdicts of load balancer and
/// container health checks for this long. The 2023 API rejected it without a load balancer
/// ("Health check grace period is only valid for services configured to use load balancers");
/// today it also covers container health checks, and is unused when there is neither.
fn grace_period(out: &mut Problems, ix: &EcsIndex, s: &Scenario, svc: &ServiceSpec, p: &Path) {
    let grace = svc.health_check_grace_period_seconds;
    let gp = p.field("health_check_grace_period_seconds");
    if grace > MAX_GRACE_PERIOD {
        out.push((
            gp,
            format!(
                "health_check_grace_period_seconds {grace} is out of range; valid: 0–{MAX_GRACE_PERIOD}"
            ),
        ));
        return;
    }
    if grace == 0 || !svc.load_balancers.is_empty() {
        return;
    }
    let tds = service_task_definitions(ix, s, svc);
    if tds.is_empty() {
        // The task definition reference is reported on its own.
        return;
    }
    let checked = tds.iter().any(|td| {
        td.containers
            .iter()
            .any(|c| c.essential && c.health_check.is_some())
    });
    if !checked {
        out.push((
            gp,
            format!(
                "health_check_grace_period_seconds {grace} has no effect: service {} has no load balancer, and no essential container of {} has a health_check (ECS: \"Health check grace period is only valid for services configured to use load balancers\"); add load_balancers or a health_check, or remove it",
                quoted(&svc.name),
                quoted(&svc.task_definition)
            ),
        ));
    }
}

fn capacity_providers(out: &mut Problems, w: &EcsWorld, svc: &ServiceSpec, p: &Path) {
    let cps = &svc.capacity_provider_strategy;
    if cps.is_empty() {
        return;
    }
    let cp = p.field("capacity_provider_strategy");
    let fargate = cps
        .iter()
        .filter(|i| i.capacity_provider.is_fargate())
        .count();
    let asg_names: Vec<&str> = w
        .capacity
        .auto_scaling_groups
        .iter()
        .map(|g| g.capacity_provider.as_str())
        .collect();
    if fargate > 0 && fargate < cps.len() {
        out.push((
            cp.clone(),
            "the strategy mixes Fargate and Auto Scaling group capacity providers; a strategy uses one kind only".into(),
        ));
    } else if fargate > 0 && svc.launch_type != LaunchType::Fargate {
        out.push((
            cp.clone(),
            format!(
                "service {} uses launch_type {:?}; the FARGATE and FARGATE_SPOT capacity providers need launch_type: Fargate",
                quoted(&svc.name),
                svc.launch_type
            ),
        ));
    } else if fargate == 0 && svc.launch_type != LaunchType::Ec2 {
        out.push((
            p.field("launch_type"),
            format!(
                "service {} uses Auto Scaling group capacity providers, which run tasks on EC2 container instances; set launch_type: Ec2",
                quoted(&svc.name)
            ),
        ));
    }
    for (i, item) in cps.iter().enumerate() {
        if let CapacityProvider::Asg(name) = &item.capacity_provider
            && !asg_names.contains(&name.as_str())
        {
            out.push((
                cp.index(i).field("capacity_provider"),
                if asg_names.is_empty() {
                    format!(
                        "no capacity provider {n}: the cluster has no auto_scaling_groups; add one under capacity with capacity_provider: {n}",
                        n = quoted(name)
                    )
                } else {
                    format!(
                        "no capacity provider {}; valid: {}",
                        quoted(name),
                        asg_names
                            .iter()
                            .map(|n| format!("Asg({})", quoted(n)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ));
        }
    }
    let bases: Vec<String> = cps
        .iter()
        .filter(|i| i.base > 0)
        .map(|i| bare(i.capacity_provider.as_str()))
        .collect();
    if bases.len() > 1 {
        out.push((
            cp.clone(),
            format!(
                "{} all set a base; only one capacity provider may",
                bases.join(" and ")
            ),
        ));
    }
    if cps.iter().all(|i| i.weight == 0) {
        out.push((
            cp.clone(),
            "every weight is 0; at least one capacity provider needs a weight above 0".into(),
        ));
    }
    let mut seen = HashSet::new();
    for (i, item) in cps.iter().enumerate() {
        if !seen.insert(&item.capacity_provider) {
            out.push((
                cp.index(i).field("capacity_provider"),
                format!("{} is listed twice", bare(item.capacity_provider.as_str())),
            ));
        }
        check_limit(
            out,
            cp.index(i).field("base"),
            "base",
            item.base,
            CP_BASE,
            "",
        );
        check_limit(
            out,
            cp.index(i).field("weight"),
            "weight",
            item.weight,
            CP_WEIGHT,
            "",
        );
    }
}
