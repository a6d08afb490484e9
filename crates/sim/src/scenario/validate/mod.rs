//! Checks a deserialized scenario for everything serde cannot: ranges, references between
//! objects, AWS rules (Fargate sizes, network modes and target types) and size caps. Each
//! problem is reported at a [`Path`] into the file so it can be located, quotes the value and
//! says what would be valid.
//!
//! After [`validate`] returns no problems, the engine may assume every reference resolves
//! (services → task definitions and target groups, timeline and quizzes → services, revisions,
//! instances and zones), every zone list is non-empty, and every count is within the caps of
//! [`caps`].
//!
//! [`validate`] reads top-down: the scenario's own fields, the cluster (shared by both worlds),
//! then the ECS or EKS world, the timeline and the quizzes. Each part of the file has its file
//! here, named after the part of the spec it checks.

mod blue_green;
mod caps;
mod cluster;
mod common;
mod container_deps;
mod disruption;
mod ecr;
mod ecs_capacity;
mod ecs_ebs;
mod ecs_index;
mod ecs_run_task;
mod ecs_storage;
mod eks;
mod eks_efs;
mod eks_efs_static;
mod goals;
pub(crate) mod iam;
mod init_containers;
mod load;
mod quizzes;
mod runtime;
mod scheduling;
mod service;
mod service_discovery;
mod service_scaling;
mod sidecars;
mod statefulset;
mod storage;
mod target_group;
mod task_definition;
mod timeline;

use super::locate::Path;
use super::shown::{escaped, quoted};
use super::spec::{CapacitySpec, EcsWorld, EksWorld, Scenario, TimingsSpec, WorldSpec};
use caps::{
    MAX_DURATION, MAX_PROBLEMS, MAX_QUIZZES, MAX_SERVICES, MAX_TARGET_GROUPS, MAX_TASK_DEFINITIONS,
    MAX_TIMELINE,
};
use common::{Unique, check_seconds, ecs_name_problem};
use ecs_index::EcsIndex;

/// A problem: where it is in the file, and the message.
pub(super) type Problems = Vec<(Path, String)>;

/// What is wrong with a `managedEBSVolume` given at run time (the console's
/// `update-service --volume-configurations`), in the words the scenario check uses.
pub(crate) fn managed_ebs_volume_problems(e: &super::spec::ManagedEbsVolumeSpec) -> Vec<String> {
    let mut out = Problems::new();
    ecs_ebs::managed_ebs_volume(&mut out, e, &Path::root());
    out.into_iter().map(|(_, m)| m).collect()
}

/// Problems, each with where it is and what would be valid.
pub(super) fn validate(s: &Scenario) -> Problems {
    let mut out = Vec::new();
    let root = Path::root();
    if s.version != 1 {
        out.push((
            root.field("version"),
            format!(
                "version {} is not supported; Orca reads version 1",
                s.version
            ),
        ));
    }
    if s.title.trim().is_empty() {
        out.push((
            root.field("title"),
            format!(
                "the title {} is empty; give the scenario a name",
                escaped(&s.title)
            ),
        ));
    }
    if !s.duration.is_finite() || s.duration <= 0.0 || s.duration > MAX_DURATION {
        out.push((
            root.field("duration"),
            format!(
                "duration {} is out of range; valid: more than 0 and at most {MAX_DURATION} seconds",
                s.duration
            ),
        ));
    }
    if s.timeline.len() > MAX_TIMELINE {
        out.push((
            root.field("timeline"),
            format!(
                "{} timeline entries; at most {MAX_TIMELINE}",
                s.timeline.len()
            ),
        ));
    }
    if s.quizzes.len() > MAX_QUIZZES {
        out.push((
            root.field("quizzes"),
            format!("{} quizzes; at most {MAX_QUIZZES}", s.quizzes.len()),
        ));
    }
    let wp = root.field("world");
    let cluster_path = match &s.world {
        WorldSpec::Both(_) => wp.field("ecs").field("cluster"),
        _ => wp.field("cluster"),
    };
    cluster::cluster(&mut out, s.world.cluster(), &cluster_path);
    let ecr_spec = s.world.ecr();
    let ecr_path = match &s.world {
        WorldSpec::Both(_) => wp.field("ecs").field("ecr"),
        _ => wp.field("ecr"),
    };
    ecr::ecr(&mut out, ecr_spec, &ecr_path);
    ecr::timeline(&mut out, s, ecr_spec);
    ecr::lifecycle_cost(&mut out, s, ecr_spec, &ecr_path);
    if let WorldSpec::Both(b) = &s.world
        && b.eks.ecr != Default::default()
    {
        out.push((
            wp.field("eks").field("ecr"),
            "a Both world has one account and one registry: declare it once, under ecs".into(),
        ));
    }
    match &s.world {
        WorldSpec::Both(b) => {
            let ep = wp.field("eks");
            cluster::cluster(&mut out, &b.eks.cluster, &ep.field("cluster"));
            cluster::same_network(
                &mut out,
                &b.ecs.cluster,
                &b.eks.cluster,
                &ep.field("cluster"),
            );
            let ix = ecs_part(&mut out, s, &b.ecs, &wp.field("ecs"));
            eks_part(&mut out, &b.eks, &ep);
            timeline::timeline(&mut out, s, &ix, Some(&b.eks));
            quizzes::quizzes(&mut out, s, &ix, Some(&b.eks));
            goals::goals(&mut out, s, &ix, Some(&b.eks));
            let (e, k) = (caps::ecs_peak(s, &b.ecs), caps::eks_peak(s, &b.eks));
            caps::run_cost(&mut out, s, &caps::Peak::both(&e, &k));
        }
        WorldSpec::Ecs(w) => {
            let ix = ecs_part(&mut out, s, w, &wp);
            timeline::timeline(&mut out, s, &ix, None);
            quizzes::quizzes(&mut out, s, &ix, None);
            goals::goals(&mut out, s, &ix, None);
            caps::run_cost(&mut out, s, &caps::ecs_peak(s, w));
        }
        WorldSpec::Eks(k) => {
            // Quizzes may name the cluster's zones; an EKS world has nothing else ECS defines.
            let w = EcsWorld {
                cluster: k.cluster.clone(),
                capacity: CapacitySpec::default(),
                task_definitions: Vec::new(),
                target_groups: Vec::new(),
                services: Vec::new(),
                timings: TimingsSpec::default(),
                ecr: Default::default(),
                service_discovery: Default::default(),
                efs_file_systems: Vec::new(),
                iam: Default::default(),
                config_rules: Vec::new(),
                container_insights: false,
                guardduty: None,
            };
            let ix = EcsIndex::new(&w);
            eks_part(&mut out, k, &wp);
            timeline::timeline(&mut out, s, &ix, Some(k));
            quizzes::quizzes(&mut out, s, &ix, Some(k));
            goals::goals(&mut out, s, &ix, Some(k));
            caps::run_cost(&mut out, s, &caps::eks_peak(s, k));
        }
    }
    if out.len() > MAX_PROBLEMS {
        let more = out.len() - MAX_PROBLEMS;
        out.truncate(MAX_PROBLEMS);
        out.push((
            Path::root(),
            format!("{more} more problems are not shown; fix the {MAX_PROBLEMS} listed first"),
        ));
    }
    out
}

/// Everything of an ECS part that does not depend on the timeline (an ECS world, or a Both
/// world's `ecs`).
fn ecs_part<'a>(out: &mut Problems, s: &'a Scenario, w: &'a EcsWorld, wp: &Path) -> EcsIndex<'a> {
    let ix = ecs_world(out, s, w, wp);
    service_discovery::world(out, &w.service_discovery, &wp.field("service_discovery"));
    ecs_storage::ecs_storage(out, w, wp);
    ecs_ebs::ecs_ebs(out, w, wp);
    ecs_guardduty(out, s, w, wp);
    ix
}

/// GuardDuty on an ECS world: the automated agent configuration for Fargate belongs to Runtime
/// Monitoring, and `UpdateDetector` and `TaskRuntimeActivity` need the detector.
fn ecs_guardduty(out: &mut Problems, s: &Scenario, w: &EcsWorld, wp: &Path) {
    if let Some(g) = &w.guardduty
        && g.ecs_fargate_agent_management
        && !g.runtime_monitoring
    {
        out.push((
            wp.field("guardduty").field("ecs_fargate_agent_management"),
            "ecs_fargate_agent_management is an additional configuration of Runtime Monitoring; set runtime_monitoring: true as well".into(),
        ));
    }
    if w.guardduty.is_some() {
        return;
    }
    for (i, entry) in s.timeline.iter().enumerate() {
        if matches!(
            entry.action,
            crate::scenario::spec::Action::UpdateDetector { .. }
                | crate::scenario::spec::Action::TaskRuntimeActivity { .. }
        ) {
            out.push((
                Path::root().field("timeline").index(i).field("action"),
                "this action needs the account's GuardDuty detector: add guardduty: (runtime_monitoring: false) to the world".into(),
            ));
        }
    }
}

/// Everything of an EKS part that does not depend on the timeline (an EKS world, or a Both
/// world's `eks`).
fn eks_part(out: &mut Problems, k: &EksWorld, wp: &Path) {
    eks::eks_world(out, k, wp);
    disruption::pdbs(out, k, wp);
    storage::eks_storage(out, k, wp);
    eks_efs::eks_efs(out, k, wp);
    statefulset::stateful_sets(out, k, wp);
    iam::iam(
        out,
        &k.iam,
        &wp.field("iam"),
        &k.cluster.account_id,
        iam::Targets::Eks(k.deployments.iter().map(|d| d.name.as_str()).collect()),
    );
}

fn ecs_world<'a>(out: &mut Problems, s: &'a Scenario, w: &'a EcsWorld, wp: &Path) -> EcsIndex<'a> {
    let mut ix = EcsIndex::new(w);
    ix.register(&s.timeline);
    let families: Vec<&str> = w
        .task_definitions
        .iter()
        .map(|t| t.family.as_str())
        .chain(s.timeline.iter().filter_map(|e| match &e.action {
            crate::scenario::spec::Action::RegisterTaskDefinition { task_definition } => {
                Some(task_definition.family.as_str())
            }
            _ => None,
        }))
        .collect();
    iam::iam(
        out,
        &w.iam,
        &wp.field("iam"),
        &w.cluster.account_id,
        iam::Targets::Ecs(families),
    );
    iam::config_rules(out, &w.config_rules, &wp.field("config_rules"));
    ecs_capacity::instances(out, &mut ix, &wp.field("capacity").field("instances"));
    caps::instances_total(out, w, &wp.field("capacity"));
    ecs_capacity::auto_scaling_groups(
        out,
        &mut ix,
        &wp.field("capacity").field("auto_scaling_groups"),
    );

    // Task definitions.
    let tp = wp.field("task_definitions");
    if w.task_definitions.len() > MAX_TASK_DEFINITIONS {
        out.push((
            tp.clone(),
            format!(
                "{} task definitions; at most {MAX_TASK_DEFINITIONS}",
                w.task_definitions.len()
            ),
        ));
    }
    for (i, td) in w.task_definitions.iter().enumerate() {
        let p = tp.index(i);
        task_definition::task_definition(out, td, &p);
        iam::task_definition_roles(out, td, &p, &w.iam, &w.cluster.account_id);
        if ix.task_definitions.get(&(td.family.as_str(), td.revision)) != Some(&i) {
            out.push((
                p.field("revision"),
                format!(
                    "task definition {} is defined twice; give each revision its own number",
                    quoted(&format!("{}:{}", td.family, td.revision))
                ),
            ));
        }
    }

    // Target groups.
    let gp = wp.field("target_groups");
    if w.target_groups.len() > MAX_TARGET_GROUPS {
        out.push((
            gp.clone(),
            format!(
                "{} target groups; at most {MAX_TARGET_GROUPS}",
                w.target_groups.len()
            ),
        ));
    }
    let mut tg_names = Unique::new();
    for (i, tg) in w.target_groups.iter().enumerate() {
        target_group::target_group(out, tg, &gp.index(i));
        tg_names.check(out, gp.index(i).field("name"), "target group", &tg.name);
    }

    // Services.
    let sp = wp.field("services");
    if w.services.len() > MAX_SERVICES {
        out.push((
            sp.clone(),
            format!("{} services; at most {MAX_SERVICES}", w.services.len()),
        ));
    }
    let mut svc_names = Unique::new();
    for (i, svc) in w.services.iter().enumerate() {
        let p = sp.index(i);
        if let Some(e) = ecs_name_problem("service name", &svc.name) {
            out.push((p.field("name"), e));
        }
        svc_names.check(out, p.field("name"), "service", &svc.name);
        service::service(out, &ix, s, svc, &p);
    }
    // CloudWatch alarm names are unique in an account and Region.
    let mut alarm_names = Unique::new();
    for (i, svc) in w.services.iter().enumerate() {
        for (j, policy) in svc
            .auto_scaling
            .iter()
            .flat_map(|a| a.step_scaling.iter())
            .enumerate()
        {
            alarm_names.check(
                out,
                sp.index(i)
                    .field("auto_scaling")
                    .field("step_scaling")
                    .index(j)
                    .field("alarm")
                    .field("name"),
                "CloudWatch alarm",
                &policy.alarm.name,
            );
        }
    }
    caps::tasks_total(out, s, w, &sp);

    timings(out, &w.timings, &wp.field("timings"));
    ix
}

fn timings(out: &mut Problems, t: &TimingsSpec, p: &Path) {
    let ranges = [
        ("provisioning_seconds", t.provisioning_seconds),
        ("image_pull_seconds", t.image_pull_seconds),
        ("activating_seconds", t.activating_seconds),
        ("target_registration_seconds", t.target_registration_seconds),
        ("sigterm_exit_seconds", t.sigterm_exit_seconds),
        ("deprovisioning_seconds", t.deprovisioning_seconds),
        ("instance_launch_seconds", t.instance_launch_seconds),
    ];
    for (name, (lo, hi)) in ranges {
        if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo <= hi && hi <= 3600.0) {
            out.push((
                p.field(name),
                format!("{name} ({lo}, {hi}) is not a range; give (shortest, longest) with 0 ≤ shortest ≤ longest ≤ 3600"),
            ));
        }
    }
    check_seconds(
        out,
        p.field("scheduler_reaction_seconds"),
        "scheduler_reaction_seconds",
        t.scheduler_reaction_seconds,
        600.0,
    );
}
