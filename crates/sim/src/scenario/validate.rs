//! Checks a deserialized scenario for everything serde cannot: ranges, references between
//! objects, AWS rules (Fargate sizes, network modes and target types) and size caps. Each
//! problem is reported at a [`Path`] into the file so it can be located, quotes the value and
//! says what would be valid.

use std::collections::HashSet;

use super::locate::Path;
use super::spec::*;
use crate::aws::{fargate, instance_types};
use crate::ecs::placement;

/// Caps that keep a hostile or mistaken file from exhausting memory.
pub const MAX_INSTANCES: u32 = 5_000;
/// The ECS quota of tasks per service.
pub const MAX_DESIRED: u32 = 5_000;
pub const MAX_TASKS_TOTAL: u64 = 50_000;
pub const MAX_TASK_DEFINITIONS: usize = 1_000;
pub const MAX_SERVICES: usize = 1_000;
pub const MAX_TARGET_GROUPS: usize = 100;
pub const MAX_TIMELINE: usize = 10_000;
pub const MAX_QUIZZES: usize = 500;
/// A day: scenarios are lessons, not soak tests.
pub const MAX_DURATION: f64 = 86_400.0;
/// ECS allows at most 10 containers in a task definition.
pub const MAX_CONTAINERS: usize = 10;

type Problems = Vec<(Path, String)>;

fn list(names: impl IntoIterator<Item = String>) -> String {
    let mut v: Vec<String> = Vec::new();
    for n in names {
        let quoted = format!("\"{n}\"");
        if !v.contains(&quoted) {
            v.push(quoted);
        }
    }
    if v.is_empty() {
        "none are defined".into()
    } else {
        format!("defined: {}", v.join(", "))
    }
}

fn aws_name_ok(name: &str, max: usize) -> bool {
    !name.is_empty()
        && name.len() <= max
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn check_range<T: PartialOrd + std::fmt::Display>(
    out: &mut Problems,
    path: Path,
    what: &str,
    value: T,
    lo: T,
    hi: T,
    unit: &str,
) {
    if value < lo || value > hi {
        out.push((
            path,
            format!("{what} {value}{unit} is out of range; valid: {lo}–{hi}{unit}"),
        ));
    }
}

fn check_fraction(out: &mut Problems, path: Path, value: f64) {
    if !(0.0..=1.0).contains(&value) || value.is_nan() {
        out.push((
            path,
            format!("fraction {value} is not a share; valid: 0.0 to 1.0 (1.0 = every task)"),
        ));
    }
}

fn check_seconds(out: &mut Problems, path: Path, what: &str, value: f64, max: f64) {
    if !value.is_finite() || value < 0.0 || value > max {
        out.push((
            path,
            format!("{what} {value} is out of range; valid: 0 to {max} seconds"),
        ));
    }
}

/// Problems, each with where it is and what would be valid.
pub fn validate(s: &Scenario) -> Problems {
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
            "the title is empty; give the scenario a name".into(),
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
    match &s.world {
        WorldSpec::Ecs(w) => {
            let names = ecs_world(&mut out, w, &wp);
            timeline(&mut out, s, w, &names, None);
            quizzes(&mut out, s, w, &names, None);
        }
        WorldSpec::Eks(k) => {
            // The cluster section is shared with ECS; the rest of an ECS world is empty here.
            let w = EcsWorld {
                cluster: k.cluster.clone(),
                capacity: CapacitySpec::default(),
                task_definitions: Vec::new(),
                target_groups: Vec::new(),
                services: Vec::new(),
                timings: TimingsSpec::default(),
            };
            let names = ecs_world(&mut out, &w, &wp);
            eks_world(&mut out, k, &wp);
            timeline(&mut out, s, &w, &names, Some(k));
            quizzes(&mut out, s, &w, &names, Some(k));
        }
    }
    out
}

/// A Kubernetes object name (RFC 1123 label): lowercase letters, digits and '-', 1–63
/// characters, starting and ending with a letter or digit.
fn dns_label_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn amount_value(a: Amount) -> (u32, bool) {
    match a {
        Amount::Count(n) => (n, false),
        Amount::Percent(p) => (p, true),
    }
}

fn eks_world(out: &mut Problems, k: &EksWorld, wp: &Path) {
    let gp = wp.field("node_groups");
    let on_fargate = |d: &str| {
        k.fargate_profiles
            .iter()
            .any(|f| f.deployments.iter().any(|x| x == d))
    };
    let fp = wp.field("fargate_profiles");
    let mut profile_names = HashSet::new();
    for (i, f) in k.fargate_profiles.iter().enumerate() {
        if !aws_name_ok(&f.name, 63) || !profile_names.insert(&f.name) {
            out.push((
                fp.index(i).field("name"),
                format!(
                    "Fargate profile name \"{}\" is empty, invalid or used twice",
                    f.name
                ),
            ));
        }
        for (j, d) in f.deployments.iter().enumerate() {
            if !k.deployments.iter().any(|x| &x.name == d) {
                out.push((
                    fp.index(i).field("deployments").index(j),
                    format!(
                        "Deployment \"{d}\" is not defined; {}",
                        list(k.deployments.iter().map(|x| x.name.clone()))
                    ),
                ));
            }
        }
    }
    if k.node_groups.is_empty() && !k.deployments.iter().all(|d| on_fargate(&d.name)) {
        out.push((
            gp.clone(),
            "no node groups; add one, e.g. node_groups: [(name: \"ng-1\", instance_type: \"m5.large\", count: 3)]".into(),
        ));
    }
    let mut names = HashSet::new();
    let mut total: u64 = 0;
    for (i, g) in k.node_groups.iter().enumerate() {
        let p = gp.index(i);
        if !aws_name_ok(&g.name, 63) || !names.insert(&g.name) {
            out.push((
                p.field("name"),
                format!(
                    "node group name \"{}\" is empty, invalid or used twice",
                    g.name
                ),
            ));
        }
        if instance_types::lookup(&g.instance_type).is_none() {
            out.push((
                p.field("instance_type"),
                instance_types::unknown_type_message(&g.instance_type),
            ));
        }
        check_range(out, p.field("count"), "count", g.count, 1, 1000, "");
        let (min, max) = (g.min.unwrap_or(g.count), g.max.unwrap_or(g.count));
        if min > g.count || g.count > max {
            out.push((
                p.field("count"),
                format!("count {} must lie between min {min} and max {max}", g.count),
            ));
        }
        if max > 1000 {
            out.push((
                p.field("max"),
                format!("max {max} is out of range; valid: up to 1000"),
            ));
        }
        total += g.count as u64;
    }
    if total > 1000 {
        out.push((gp, format!("{total} nodes in all; at most 1000")));
    }
    let dp = wp.field("deployments");
    if k.deployments.is_empty() || k.deployments.len() > 20 {
        out.push((
            dp.clone(),
            format!(
                "{} Deployments; an EKS scenario has 1 to 20",
                k.deployments.len()
            ),
        ));
    }
    let mut deployment_names = HashSet::new();
    for (i, d) in k.deployments.iter().enumerate() {
        let p = dp.index(i);
        if !deployment_names.insert(&d.name) {
            out.push((
                p.field("name"),
                format!("Deployment \"{}\" is defined twice", d.name),
            ));
        }
        if let Some(svc) = &d.service
            && !dns_label_ok(&svc.name)
        {
            out.push((
                p.field("service").field("name"),
                format!(
                    "Service name \"{}\" is not a valid Kubernetes name",
                    svc.name
                ),
            ));
        }
        if !dns_label_ok(&d.name) {
            out.push((
                p.field("name"),
                format!("Deployment name \"{}\" is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", d.name),
            ));
        }
        check_range(
            out,
            p.field("replicas"),
            "replicas",
            d.replicas,
            0,
            1000,
            "",
        );
        let (surge, surge_pct) = amount_value(d.max_surge);
        let (unavail, unavail_pct) = amount_value(d.max_unavailable);
        if surge_pct {
            check_range(
                out,
                p.field("max_surge"),
                "max_surge percent",
                surge,
                0,
                100,
                " %",
            );
        }
        if unavail_pct {
            check_range(
                out,
                p.field("max_unavailable"),
                "max_unavailable percent",
                unavail,
                0,
                100,
                " %",
            );
        }
        if surge == 0 && unavail == 0 {
            out.push((
                p.field("max_unavailable"),
                "max_unavailable may not be 0 when max_surge is 0 (the rollout could never make progress), as Kubernetes validation says".into(),
            ));
        }
        if d.progress_deadline_seconds <= d.min_ready_seconds {
            out.push((
                p.field("progress_deadline_seconds"),
                format!(
                    "progress_deadline_seconds {} must be greater than min_ready_seconds {}",
                    d.progress_deadline_seconds, d.min_ready_seconds
                ),
            ));
        }
        if let Some(h) = &d.hpa {
            let hp = p.field("hpa");
            check_range(
                out,
                hp.field("min_replicas"),
                "min_replicas",
                h.min_replicas,
                1,
                1000,
                "",
            );
            if h.max_replicas < h.min_replicas || h.max_replicas > 1000 {
                out.push((
                    hp.field("max_replicas"),
                    format!(
                        "max_replicas {} must be at least min_replicas {} and at most 1000",
                        h.max_replicas, h.min_replicas
                    ),
                ));
            }
            check_range(
                out,
                hp.field("target_cpu_utilization"),
                "target_cpu_utilization",
                h.target_cpu_utilization,
                1,
                1000,
                " %",
            );
        }
        if let Some(l) = &d.load {
            let lp = p.field("load");
            if !(l.rps_per_pod.is_finite() && l.rps_per_pod > 0.0) {
                out.push((
                    lp.field("rps_per_pod"),
                    format!("rps_per_pod {} must be a positive number", l.rps_per_pod),
                ));
            }
            if l.points.is_empty() || l.points.len() > 1000 {
                out.push((
                    lp.field("points"),
                    "give 1 to 1000 (seconds, requests per second) points".into(),
                ));
            }
            let mut last = -1.0;
            for (j, (t, v)) in l.points.iter().enumerate() {
                if !(t.is_finite() && v.is_finite()) || *t < last || *v < 0.0 {
                    out.push((
                        lp.field("points").index(j),
                        format!(
                            "point ({t}, {v}): times must not go backwards and rates must be ≥ 0"
                        ),
                    ));
                }
                last = *t;
            }
        }
        let cp = p.field("container");
        let c = &d.container;
        if !dns_label_ok(&c.name) {
            out.push((cp.field("name"), format!("container name \"{}\" is not a valid Kubernetes name; use lowercase letters, digits and '-'", c.name)));
        }
        if c.image.trim().is_empty() {
            out.push((
                cp.field("image"),
                "the image is empty; e.g. \"nginx:1.27\"".into(),
            ));
        }
        check_range(
            out,
            cp.field("cpu"),
            "cpu request",
            c.cpu,
            1,
            64_000,
            " millicores",
        );
        check_range(
            out,
            cp.field("memory"),
            "memory request",
            c.memory,
            4,
            512_000,
            " MiB",
        );
        if c.port == 0 {
            out.push((
                cp.field("port"),
                "port 0 is not valid; valid: 1–65535".into(),
            ));
        }
    }
    let ip = wp.field("images");
    let mut seen = HashSet::new();
    for (i, img) in k.images.iter().enumerate() {
        let p = ip.index(i);
        if img.image.trim().is_empty() || !seen.insert(&img.image) {
            out.push((
                p.field("image"),
                format!("image \"{}\" is empty or described twice", img.image),
            ));
        }
        check_range(
            out,
            p.field("startup_seconds"),
            "startup_seconds",
            img.startup_seconds,
            0,
            3600,
            "",
        );
        for (field, code) in [
            ("readiness_fails_with", img.readiness_fails_with),
            ("liveness_fails_with", img.liveness_fails_with),
        ] {
            if let Some(code) = code {
                check_range(out, p.field(field), "HTTP status", code, 100, 599, "");
            }
        }
    }
    if let Some(svc) = &k.service
        && !dns_label_ok(&svc.name)
    {
        out.push((
            wp.field("service").field("name"),
            format!(
                "Service name \"{}\" is not a valid Kubernetes name",
                svc.name
            ),
        ));
    }
}

/// Names the rest of the file may refer to.
struct Names {
    zones: Vec<String>,
    instances: Vec<String>,
}

fn ecs_world(out: &mut Problems, w: &EcsWorld, wp: &Path) -> Names {
    // Cluster and zones.
    let cp = wp.field("cluster");
    if !aws_name_ok(&w.cluster.name, 255) {
        out.push((
            cp.field("name"),
            format!(
                "cluster name \"{}\" is not valid; use 1–255 letters, digits, hyphens or underscores",
                w.cluster.name
            ),
        ));
    }
    let zones = &w.cluster.availability_zones;
    if zones.is_empty() || zones.len() > 6 {
        out.push((
            cp.field("availability_zones"),
            format!(
                "{} Availability Zones listed; list 1 to 6, e.g. [\"us-east-1a\", \"us-east-1b\"]",
                zones.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    for (i, z) in zones.iter().enumerate() {
        if z.trim().is_empty() || !seen.insert(z) {
            out.push((
                cp.field("availability_zones").index(i),
                format!("zone \"{z}\" is empty or listed twice; each zone once"),
            ));
        }
    }

    // Instances.
    let ip = wp.field("capacity").field("instances");
    let mut instance_names = Vec::new();
    let mut group_names = HashSet::new();
    let mut total: u64 = 0;
    for (i, g) in w.capacity.instances.iter().enumerate() {
        let gp = ip.index(i);
        if !aws_name_ok(&g.name, 200) || !group_names.insert(g.name.clone()) {
            out.push((
                gp.field("name"),
                format!(
                    "instance group name \"{}\" is empty, invalid or used twice; use letters, digits, hyphens or underscores, unique",
                    g.name
                ),
            ));
        }
        if instance_types::lookup(&g.instance_type).is_none() {
            out.push((
                gp.field("instance_type"),
                instance_types::unknown_type_message(&g.instance_type),
            ));
        }
        if g.count == 0 || g.count > MAX_INSTANCES {
            out.push((
                gp.field("count"),
                format!(
                    "count {} is out of range; valid: 1–{MAX_INSTANCES}",
                    g.count
                ),
            ));
        }
        if let Some(z) = &g.availability_zone
            && !zones.contains(z)
        {
            out.push((
                gp.field("availability_zone"),
                format!(
                    "zone \"{z}\" is not one of the cluster's availability_zones ({})",
                    zones.join(", ")
                ),
            ));
        }
        total += g.count as u64;
        for n in 0..g.count.min(MAX_INSTANCES) {
            instance_names.push(if g.count == 1 {
                g.name.clone()
            } else {
                format!("{}-{}", g.name, n + 1)
            });
        }
    }
    if total > MAX_INSTANCES as u64 {
        out.push((
            ip,
            format!("{total} container instances in all; at most {MAX_INSTANCES}"),
        ));
    }

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
    let mut refs = HashSet::new();
    for (i, td) in w.task_definitions.iter().enumerate() {
        task_definition(out, td, &tp.index(i));
        let r = format!("{}:{}", td.family, td.revision);
        if !refs.insert(r.clone()) {
            out.push((
                tp.index(i).field("revision"),
                format!(
                    "task definition \"{r}\" is defined twice; give each revision its own number"
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
    let mut tg_names = HashSet::new();
    for (i, tg) in w.target_groups.iter().enumerate() {
        target_group(out, tg, &gp.index(i));
        if !tg_names.insert(&tg.name) {
            out.push((
                gp.index(i).field("name"),
                format!("target group \"{}\" is defined twice", tg.name),
            ));
        }
    }

    // Services.
    let sp = wp.field("services");
    if w.services.len() > MAX_SERVICES {
        out.push((
            sp.clone(),
            format!("{} services; at most {MAX_SERVICES}", w.services.len()),
        ));
    }
    let mut svc_names = HashSet::new();
    let mut tasks_total: u64 = 0;
    for (i, svc) in w.services.iter().enumerate() {
        let p = sp.index(i);
        if !aws_name_ok(&svc.name, 255) || !svc_names.insert(&svc.name) {
            out.push((
                p.field("name"),
                format!(
                    "service name \"{}\" is empty, invalid or used twice; use 1–255 letters, digits, hyphens or underscores, unique in the cluster",
                    svc.name
                ),
            ));
        }
        service(out, w, svc, &p);
        tasks_total += svc.desired_count as u64;
    }
    if tasks_total > MAX_TASKS_TOTAL {
        out.push((
            sp,
            format!("{tasks_total} tasks desired in all; Orca simulates at most {MAX_TASKS_TOTAL}"),
        ));
    }

    timings(out, &w.timings, &wp.field("timings"));
    Names {
        zones: zones.clone(),
        instances: instance_names,
    }
}

fn task_definition(out: &mut Problems, td: &TaskDefinitionSpec, p: &Path) {
    if !aws_name_ok(&td.family, 255) {
        out.push((
            p.field("family"),
            format!(
                "family \"{}\" is not valid; use 1–255 letters, digits, hyphens or underscores",
                td.family
            ),
        ));
    }
    if td.revision == 0 {
        out.push((
            p.field("revision"),
            "revision 0 is not valid; revisions start at 1".into(),
        ));
    }
    if td.cpu == Some(0) {
        out.push((
            p.field("cpu"),
            "cpu 0 is not valid; give CPU units (1024 = 1 vCPU) or leave it out".into(),
        ));
    }
    if td.memory == Some(0) {
        out.push((
            p.field("memory"),
            "memory 0 is not valid; give MiB or leave it out".into(),
        ));
    }
    let cp = p.field("containers");
    if td.containers.is_empty() || td.containers.len() > MAX_CONTAINERS {
        out.push((
            cp.clone(),
            format!(
                "{} containers; a task definition has 1 to {MAX_CONTAINERS}",
                td.containers.len()
            ),
        ));
    }
    if !td.containers.is_empty() && !td.containers.iter().any(|c| c.essential) {
        out.push((
            cp.clone(),
            "no container is essential; at least one must be (essential: true is the default)"
                .into(),
        ));
    }
    let mut names = HashSet::new();
    let mut hard_sum: u64 = 0;
    for (i, c) in td.containers.iter().enumerate() {
        let p = cp.index(i);
        if c.name.is_empty() || !names.insert(&c.name) {
            out.push((
                p.field("name"),
                format!(
                    "container name \"{}\" is empty or used twice in this task definition",
                    c.name
                ),
            ));
        }
        if c.image.trim().is_empty() {
            out.push((
                p.field("image"),
                "the image is empty; e.g. \"nginx:1.27\" or an ECR URI".into(),
            ));
        }
        if c.port == Some(0) {
            out.push((
                p.field("port"),
                "port 0 is not valid; valid: 1–65535".into(),
            ));
        }
        if c.host_port == Some(0) {
            out.push((
                p.field("host_port"),
                "host_port 0 is not valid; leave it out for a dynamic port, or give 1–65535".into(),
            ));
        }
        if td.network_mode == NetworkMode::Awsvpc
            && let (Some(h), Some(cport)) = (c.host_port, c.port)
            && h != cport
        {
            out.push((
                p.field("host_port"),
                format!("with network_mode Awsvpc the host port must equal the container port ({cport}); got {h}"),
            ));
        }
        if td.memory.is_none() && c.memory.is_none() && c.memory_reservation.is_none() {
            out.push((
                p,
                format!(
                    "container \"{}\" has no memory: without task-level memory each container needs memory or memory_reservation (MiB)",
                    c.name
                ),
            ));
            continue;
        }
        if let (Some(m), Some(r)) = (c.memory, c.memory_reservation)
            && r > m
        {
            out.push((
                p.field("memory_reservation"),
                format!("memory_reservation {r} MiB is above the container's memory limit {m} MiB; it must be lower or equal"),
            ));
        }
        hard_sum += c.memory.unwrap_or(0) as u64;
        if let Some(hc) = &c.health_check {
            let hp = p.field("health_check");
            check_range(
                out,
                hp.field("interval"),
                "interval",
                hc.interval,
                5,
                300,
                " s",
            );
            check_range(out, hp.field("timeout"), "timeout", hc.timeout, 2, 60, " s");
            check_range(out, hp.field("retries"), "retries", hc.retries, 1, 10, "");
            check_range(
                out,
                hp.field("start_period"),
                "start_period",
                hc.start_period,
                0,
                300,
                " s",
            );
        }
        let bp = p.field("behavior");
        check_seconds(
            out,
            bp.field("startup_seconds"),
            "startup_seconds",
            c.behavior.startup_seconds,
            3600.0,
        );
        if let Some(f) = &c.behavior.fails_health_checks {
            let fp = bp.field("fails_health_checks");
            check_seconds(
                out,
                fp.field("after_seconds"),
                "after_seconds",
                f.after_seconds,
                MAX_DURATION,
            );
            check_fraction(out, fp.field("fraction"), f.fraction);
            if let FailureResponse::Status(code) = f.response {
                check_range(out, fp.field("response"), "HTTP status", code, 100, 599, "");
            }
        }
        if let Some(e) = &c.behavior.exits {
            let ep = bp.field("exits");
            check_seconds(
                out,
                ep.field("after_seconds"),
                "after_seconds",
                e.after_seconds,
                MAX_DURATION,
            );
            check_fraction(out, ep.field("fraction"), e.fraction);
        }
    }
    if let Some(m) = td.memory
        && hard_sum > m as u64
    {
        out.push((
            p.field("memory"),
            format!("the containers' memory limits add up to {hard_sum} MiB, more than the task's memory {m} MiB"),
        ));
    }
}

fn target_group(out: &mut Problems, tg: &TargetGroupSpec, p: &Path) {
    let ok = !tg.name.is_empty()
        && tg.name.len() <= 32
        && tg
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !tg.name.starts_with('-')
        && !tg.name.ends_with('-');
    if !ok {
        out.push((
            p.field("name"),
            format!(
                "target group name \"{}\" is not valid; use 1–32 letters, digits and hyphens, not starting or ending with a hyphen",
                tg.name
            ),
        ));
    }
    if tg.port == 0 {
        out.push((
            p.field("port"),
            "port 0 is not valid; valid: 1–65535".into(),
        ));
    }
    let hp = p.field("health_check");
    let hc = &tg.health_check;
    check_range(
        out,
        hp.field("interval_seconds"),
        "interval_seconds",
        hc.interval_seconds,
        5,
        300,
        "",
    );
    check_range(
        out,
        hp.field("timeout_seconds"),
        "timeout_seconds",
        hc.timeout_seconds,
        2,
        120,
        "",
    );
    if hc.timeout_seconds >= hc.interval_seconds {
        out.push((
            hp.field("timeout_seconds"),
            format!(
                "timeout_seconds {} must be smaller than interval_seconds {}",
                hc.timeout_seconds, hc.interval_seconds
            ),
        ));
    }
    check_range(
        out,
        hp.field("healthy_threshold_count"),
        "healthy_threshold_count",
        hc.healthy_threshold_count,
        2,
        10,
        "",
    );
    check_range(
        out,
        hp.field("unhealthy_threshold_count"),
        "unhealthy_threshold_count",
        hc.unhealthy_threshold_count,
        2,
        10,
        "",
    );
    if !hc.path.starts_with('/') {
        out.push((
            hp.field("path"),
            format!("health check path \"{}\" must start with /", hc.path),
        ));
    }
    if let Err(e) = matcher(&hc.matcher) {
        out.push((hp.field("matcher"), e));
    }
    check_range(
        out,
        p.field("deregistration_delay_seconds"),
        "deregistration_delay_seconds",
        tg.deregistration_delay_seconds,
        0,
        3600,
        "",
    );
}

/// An ALB HTTP success matcher: codes 200–499, as "200", "200,302" or "200-299".
pub fn matcher(m: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "matcher \"{m}\" is not valid; use HTTP codes 200–499 like \"200\", \"200,302\" or \"200-299\""
        )
    };
    if m.trim().is_empty() {
        return Err(bad());
    }
    for part in m.split(',') {
        let code = |s: &str| -> Result<u16, String> {
            let c: u16 = s.trim().parse().map_err(|_| bad())?;
            if (200..=499).contains(&c) {
                Ok(c)
            } else {
                Err(bad())
            }
        };
        match part.split_once('-') {
            Some((a, b)) => {
                if code(a)? > code(b)? {
                    return Err(bad());
                }
            }
            None => {
                code(part)?;
            }
        }
    }
    Ok(())
}

/// Checks that `td` can run for `svc` (launch type, network mode, Fargate size).
fn task_definition_fits(
    out: &mut Problems,
    w: &EcsWorld,
    svc: &ServiceSpec,
    (td_index, td): (usize, &TaskDefinitionSpec),
    p: Path,
) {
    let r = format!("{}:{}", td.family, td.revision);
    let tdp = Path::root()
        .field("world")
        .field("task_definitions")
        .index(td_index);
    if svc.launch_type == LaunchType::Fargate {
        if td.network_mode != NetworkMode::Awsvpc {
            out.push((
                tdp.field("network_mode"),
                format!("service \"{}\" runs on Fargate, which requires network_mode Awsvpc, but \"{r}\" uses {:?}", svc.name, td.network_mode),
            ));
        }
        match (td.cpu, td.memory) {
            (Some(cpu), Some(mem)) => {
                if let Err(e) = fargate::validate_task_size(cpu, mem) {
                    let at = match e {
                        fargate::FargateSizeError::Cpu { .. } => tdp.field("cpu"),
                        fargate::FargateSizeError::Memory { .. } => tdp.field("memory"),
                    };
                    out.push((at, format!("\"{r}\" runs on Fargate (service \"{}\"): {e}", svc.name)));
                }
            }
            _ => out.push((
                tdp.clone(),
                format!("\"{r}\" has no task-level cpu and memory, which Fargate requires (e.g. cpu: 256, memory: 512)"),
            )),
        }
    }
    for lb in &svc.load_balancers {
        match td.containers.iter().find(|c| c.name == lb.container_name) {
            None => out.push((
                p.clone(),
                format!(
                    "load balancer container \"{}\" is not in \"{r}\"; its containers: {}",
                    lb.container_name,
                    td.containers
                        .iter()
                        .map(|c| format!("\"{}\"", c.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Some(c) if c.port != Some(lb.container_port) => out.push((
                p.clone(),
                format!(
                    "container \"{}\" of \"{r}\" does not expose port {} (its port: {})",
                    c.name,
                    lb.container_port,
                    c.port.map_or("none".to_string(), |x| x.to_string())
                ),
            )),
            Some(_) => {}
        }
        if let Some(tg) = w.target_groups.iter().find(|t| t.name == lb.target_group) {
            let want = if td.network_mode == NetworkMode::Awsvpc {
                TargetType::Ip
            } else {
                TargetType::Instance
            };
            if tg.target_type != want {
                out.push((
                    p.clone(),
                    format!(
                        "target group \"{}\" has target_type {:?}, but \"{r}\" uses network_mode {:?}, which needs target_type {:?} (awsvpc tasks have their own IP; bridge and host tasks are reached through the instance)",
                        tg.name, tg.target_type, td.network_mode, want
                    ),
                ));
            }
        }
    }
}

fn find_td<'a>(w: &'a EcsWorld, r: &str) -> Result<(usize, &'a TaskDefinitionSpec), String> {
    let Some((family, rev)) = r.rsplit_once(':') else {
        return Err(format!(
            "task definition \"{r}\" is not of the form \"family:revision\", e.g. \"web:1\""
        ));
    };
    let Ok(rev) = rev.parse::<u32>() else {
        return Err(format!(
            "task definition \"{r}\" has no revision number after the colon, e.g. \"{family}:1\""
        ));
    };
    w.task_definitions
        .iter()
        .enumerate()
        .find(|(_, t)| t.family == family && t.revision == rev)
        .ok_or_else(|| {
            format!(
                "task definition \"{r}\" is not defined; {}",
                list(
                    w.task_definitions
                        .iter()
                        .map(|t| format!("{}:{}", t.family, t.revision))
                )
            )
        })
}

fn service(out: &mut Problems, w: &EcsWorld, svc: &ServiceSpec, p: &Path) {
    match find_td(w, &svc.task_definition) {
        Ok(td) => task_definition_fits(out, w, svc, td, p.field("task_definition")),
        Err(e) => out.push((p.field("task_definition"), e)),
    }
    if svc.desired_count > MAX_DESIRED {
        out.push((
            p.field("desired_count"),
            format!(
                "desired_count {} is above the ECS limit of {MAX_DESIRED} tasks per service",
                svc.desired_count
            ),
        ));
    }
    let dp = p.field("deployment_configuration");
    let dc = &svc.deployment_configuration;
    check_range(
        out,
        dp.field("minimum_healthy_percent"),
        "minimum_healthy_percent",
        dc.minimum_healthy_percent,
        0,
        100,
        "",
    );
    // Inferred: ECS rejects a maximumPercent below 100 for REPLICA rolling deployments; 1000 is
    // Orca's own cap.
    check_range(
        out,
        dp.field("maximum_percent"),
        "maximum_percent",
        dc.maximum_percent,
        100,
        1000,
        "",
    );
    if svc.launch_type == LaunchType::Fargate {
        if !svc.placement_strategy.is_empty() {
            out.push((
                p.field("placement_strategy"),
                "Fargate does not take placement strategies (it spreads tasks across Availability Zones itself); remove them or use launch_type: Ec2".into(),
            ));
        }
        if !svc.placement_constraints.is_empty() {
            out.push((
                p.field("placement_constraints"),
                "Fargate does not take placement constraints; remove them or use launch_type: Ec2"
                    .into(),
            ));
        }
    } else if w.capacity.instances.is_empty() {
        out.push((
            p.field("launch_type"),
            format!(
                "service \"{}\" uses launch_type Ec2 but the cluster has no instances; add capacity: (instances: [(name: \"node\", instance_type: \"m5.large\", count: 2)])",
                svc.name
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
        if let PlacementConstraint::MemberOf(expr) = c
            && let Err(e) = placement::parse_member_of(expr)
        {
            out.push((
                p.field("placement_constraints").index(i),
                format!("memberOf expression \"{expr}\": {e}"),
            ));
        }
    }
    let cps = &svc.capacity_provider_strategy;
    if !cps.is_empty() {
        let cp = p.field("capacity_provider_strategy");
        if svc.launch_type != LaunchType::Fargate {
            out.push((
                cp.clone(),
                "FARGATE and FARGATE_SPOT capacity providers need launch_type: Fargate".into(),
            ));
        }
        if cps.iter().filter(|i| i.base > 0).count() > 1 {
            out.push((
                cp.clone(),
                "only one capacity provider may set a base".into(),
            ));
        }
        if cps.iter().all(|i| i.weight == 0) {
            out.push((
                cp.clone(),
                "at least one capacity provider needs a weight above 0".into(),
            ));
        }
        let mut seen = HashSet::new();
        for (i, item) in cps.iter().enumerate() {
            if !seen.insert(item.capacity_provider) {
                out.push((
                    cp.index(i),
                    format!("{} is listed twice", item.capacity_provider.as_str()),
                ));
            }
            check_range(
                out,
                cp.index(i).field("base"),
                "base",
                item.base,
                0,
                100_000,
                "",
            );
            check_range(
                out,
                cp.index(i).field("weight"),
                "weight",
                item.weight,
                0,
                1000,
                "",
            );
        }
    }
    if let Some(a) = &svc.auto_scaling {
        let ap = p.field("auto_scaling");
        if a.min_capacity > a.max_capacity || a.max_capacity > MAX_DESIRED {
            out.push((
                ap.field("max_capacity"),
                format!(
                    "max_capacity {} must be at least min_capacity {} and at most {MAX_DESIRED}",
                    a.max_capacity, a.min_capacity
                ),
            ));
        }
        if !(a.target_cpu_utilization.is_finite()
            && a.target_cpu_utilization > 0.0
            && a.target_cpu_utilization <= 100.0)
        {
            out.push((
                ap.field("target_cpu_utilization"),
                format!("target_cpu_utilization {} is out of range; valid: more than 0 and at most 100 (percent)", a.target_cpu_utilization),
            ));
        }
        check_range(
            out,
            ap.field("scale_out_cooldown_seconds"),
            "scale_out_cooldown_seconds",
            a.scale_out_cooldown_seconds,
            0,
            86_400,
            "",
        );
        check_range(
            out,
            ap.field("scale_in_cooldown_seconds"),
            "scale_in_cooldown_seconds",
            a.scale_in_cooldown_seconds,
            0,
            86_400,
            "",
        );
        if svc.load.is_none() {
            out.push((
                ap.clone(),
                "auto scaling needs a load: (rps_per_pod, points) to produce CPU utilization"
                    .into(),
            ));
        }
    }
    if let Some(l) = &svc.load {
        let lp = p.field("load");
        if !(l.rps_per_pod.is_finite() && l.rps_per_pod > 0.0) {
            out.push((
                lp.field("rps_per_pod"),
                format!("rps_per_pod {} must be a positive number", l.rps_per_pod),
            ));
        }
        if l.points.is_empty() || l.points.len() > 1000 {
            out.push((
                lp.field("points"),
                "give 1 to 1000 (seconds, requests per second) points".into(),
            ));
        }
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
        if !w.target_groups.iter().any(|t| t.name == lb.target_group) {
            out.push((
                lp.index(i).field("target_group"),
                format!(
                    "target group \"{}\" is not defined; {}",
                    lb.target_group,
                    list(w.target_groups.iter().map(|t| t.name.clone()))
                ),
            ));
        }
    }
}

fn timings(out: &mut Problems, t: &TimingsSpec, p: &Path) {
    let ranges = [
        ("provisioning_seconds", t.provisioning_seconds),
        ("image_pull_seconds", t.image_pull_seconds),
        ("activating_seconds", t.activating_seconds),
        ("target_registration_seconds", t.target_registration_seconds),
        ("sigterm_exit_seconds", t.sigterm_exit_seconds),
        ("deprovisioning_seconds", t.deprovisioning_seconds),
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

fn service_ref<'a>(
    out: &mut Problems,
    w: &'a EcsWorld,
    name: &str,
    p: Path,
) -> Option<&'a ServiceSpec> {
    let found = w.services.iter().find(|s| s.name == name);
    if found.is_none() {
        out.push((
            p,
            format!(
                "service \"{name}\" is not defined; {}",
                list(w.services.iter().map(|s| s.name.clone()))
            ),
        ));
    }
    found
}

/// The revisions defined for a service's family.
fn revisions_of(w: &EcsWorld, svc: &ServiceSpec) -> Vec<u32> {
    let family = svc.task_definition.rsplit_once(':').map_or("", |x| x.0);
    w.task_definitions
        .iter()
        .filter(|t| t.family == family)
        .map(|t| t.revision)
        .collect()
}

fn revision_ref(out: &mut Problems, w: &EcsWorld, svc: &ServiceSpec, rev: u32, p: Path) {
    if find_td(w, &svc.task_definition).is_err() {
        // The service's own reference is already reported; its family is unknown.
        return;
    }
    let mut revs = revisions_of(w, svc);
    revs.sort_unstable();
    revs.dedup();
    if !revs.contains(&rev) {
        out.push((
            p,
            format!(
                "revision {rev} of service \"{}\"'s family is not defined; defined revisions: {}",
                svc.name,
                revs.iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
}

fn timeline(out: &mut Problems, s: &Scenario, w: &EcsWorld, names: &Names, eks: Option<&EksWorld>) {
    let tp = Path::root().field("timeline");
    for (i, entry) in s.timeline.iter().enumerate() {
        let p = tp.index(i);
        if !entry.at.is_finite() || entry.at < 0.0 || entry.at > s.duration {
            out.push((
                p.field("at"),
                format!(
                    "at {} is outside the scenario; valid: 0 to the duration, {} seconds",
                    entry.at, s.duration
                ),
            ));
        }
        let ap = p.field("action");
        let is_eks_action = matches!(
            entry.action,
            Action::SetImage { .. } | Action::ScaleDeployment { .. } | Action::RolloutUndo { .. }
        );
        let is_note = matches!(entry.action, Action::Note(_));
        match (eks, is_eks_action) {
            (Some(_), false) if !is_note => {
                out.push((
                    ap.clone(),
                    "this action works on ECS services, but the scenario's world is Eks; use SetImage, ScaleDeployment, RolloutUndo or Note".into(),
                ));
                continue;
            }
            (None, true) => {
                out.push((
                    ap.clone(),
                    "this action works on an EKS Deployment, but the scenario's world is Ecs"
                        .into(),
                ));
                continue;
            }
            _ => {}
        }
        let deployment_ok =
            |name: &str| eks.is_some_and(|k| k.deployments.iter().any(|d| d.name == name));
        let deployments = || {
            list(
                eks.map(|k| {
                    k.deployments
                        .iter()
                        .map(|d| d.name.clone())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
            )
        };
        match &entry.action {
            Action::SetImage { deployment, image } => {
                if !deployment_ok(deployment) {
                    out.push((
                        ap.field("deployment"),
                        format!(
                            "Deployment \"{deployment}\" is not defined; {}",
                            deployments()
                        ),
                    ));
                }
                if image.trim().is_empty() {
                    out.push((ap.field("image"), "the image is empty".into()));
                }
            }
            Action::ScaleDeployment {
                deployment,
                replicas,
            } => {
                if !deployment_ok(deployment) {
                    out.push((
                        ap.field("deployment"),
                        format!(
                            "Deployment \"{deployment}\" is not defined; {}",
                            deployments()
                        ),
                    ));
                }
                check_range(
                    out,
                    ap.field("replicas"),
                    "replicas",
                    *replicas,
                    0,
                    1000,
                    "",
                );
            }
            Action::RolloutUndo { deployment } => {
                if !deployment_ok(deployment) {
                    out.push((
                        ap.field("deployment"),
                        format!(
                            "Deployment \"{deployment}\" is not defined; {}",
                            deployments()
                        ),
                    ));
                }
            }
            Action::UpdateService {
                service,
                task_definition,
                desired_count,
                minimum_healthy_percent,
                maximum_percent,
                ..
            } => {
                let svc = service_ref(out, w, service, ap.field("service"));
                if let Some(r) = task_definition {
                    match find_td(w, r) {
                        Ok(td) => {
                            if let Some(svc) = svc {
                                task_definition_fits(out, w, svc, td, ap.field("task_definition"));
                            }
                        }
                        Err(e) => out.push((ap.field("task_definition"), e)),
                    }
                }
                if let Some(d) = desired_count
                    && *d > MAX_DESIRED
                {
                    out.push((
                        ap.field("desired_count"),
                        format!("desired_count {d} is above the ECS limit of {MAX_DESIRED}"),
                    ));
                }
                if let Some(m) = minimum_healthy_percent {
                    check_range(
                        out,
                        ap.field("minimum_healthy_percent"),
                        "minimum_healthy_percent",
                        *m,
                        0,
                        100,
                        "",
                    );
                }
                if let Some(m) = maximum_percent {
                    check_range(
                        out,
                        ap.field("maximum_percent"),
                        "maximum_percent",
                        *m,
                        100,
                        1000,
                        "",
                    );
                }
            }
            Action::SpotInterruption { service, count } => {
                if let Some(svc) = service_ref(out, w, service, ap.field("service"))
                    && !svc
                        .capacity_provider_strategy
                        .iter()
                        .any(|i| i.capacity_provider == CapacityProvider::FargateSpot)
                {
                    out.push((
                        ap.field("service"),
                        format!("service \"{service}\" runs no FARGATE_SPOT tasks; give it a capacity_provider_strategy with FargateSpot"),
                    ));
                }
                check_range(out, ap.field("count"), "count", *count, 1, MAX_DESIRED, "");
            }
            Action::StopTask { service, count } | Action::ContainerExits { service, count, .. } => {
                service_ref(out, w, service, ap.field("service"));
                check_range(out, ap.field("count"), "count", *count, 1, MAX_DESIRED, "");
            }
            Action::FailHealthChecks {
                service,
                revision,
                fraction,
                response,
                recover_after,
            } => {
                if let Some(svc) = service_ref(out, w, service, ap.field("service"))
                    && let Some(r) = revision
                {
                    revision_ref(out, w, svc, *r, ap.field("revision"));
                }
                check_fraction(out, ap.field("fraction"), *fraction);
                if let FailureResponse::Status(code) = response {
                    check_range(
                        out,
                        ap.field("response"),
                        "HTTP status",
                        *code,
                        100,
                        599,
                        "",
                    );
                }
                if let Some(r) = recover_after
                    && (!r.is_finite() || *r <= 0.0 || *r > MAX_DURATION)
                {
                    out.push((
                        ap.field("recover_after"),
                        format!("recover_after {r} is out of range; valid: more than 0 and at most {MAX_DURATION} seconds"),
                    ));
                }
            }
            Action::TerminateInstance { instance } => {
                if !names.instances.contains(instance) {
                    let shown: Vec<String> = names.instances.iter().take(20).cloned().collect();
                    out.push((
                        ap.field("instance"),
                        format!("instance \"{instance}\" does not exist; {}", list(shown)),
                    ));
                }
            }
            Action::ZoneOutage { zone } | Action::ZoneRecovers { zone } => {
                if !names.zones.contains(zone) {
                    out.push((
                        ap.field("zone"),
                        format!(
                            "zone \"{zone}\" is not one of the cluster's availability_zones ({})",
                            names.zones.join(", ")
                        ),
                    ));
                }
            }
            Action::Note(_) => {}
        }
    }
}

fn condition(out: &mut Problems, w: &EcsWorld, c: &Condition, p: Path, eks: bool) {
    let k8s_condition = matches!(
        c,
        Condition::PodCrashLoop
            | Condition::ReadinessFailed
            | Condition::LivenessRestart
            | Condition::FailedScheduling
            | Condition::ProgressDeadlineExceeded
            | Condition::ReplicaSetScaled
            | Condition::HpaRescaled
            | Condition::ScaleUpTriggered
    );
    if k8s_condition != eks {
        out.push((
            p,
            if eks {
                "this condition watches ECS services, but the scenario's world is Eks; use PodCrashLoop, ReadinessFailed, LivenessRestart, FailedScheduling, ProgressDeadlineExceeded, ReplicaSetScaled, HpaRescaled or ScaleUpTriggered".into()
            } else {
                "this condition watches Kubernetes objects, but the scenario's world is Ecs".into()
            },
        ));
        return;
    }
    let (service, revision) = match c {
        Condition::TaskStarted { service, revision }
        | Condition::TaskRunning { service, revision }
        | Condition::TaskUnhealthy { service, revision }
        | Condition::TaskStopped { service, revision }
        | Condition::TaskFailedToStart { service, revision }
        | Condition::TargetHealthy { service, revision }
        | Condition::DeploymentCompleted { service, revision } => (service, *revision),
        Condition::PodCrashLoop
        | Condition::ReadinessFailed
        | Condition::LivenessRestart
        | Condition::FailedScheduling
        | Condition::ProgressDeadlineExceeded
        | Condition::ReplicaSetScaled
        | Condition::HpaRescaled
        | Condition::ScaleUpTriggered => return,
        Condition::ServiceScaled { service }
        | Condition::PlacementFailed { service }
        | Condition::DeploymentStuck { service }
        | Condition::CircuitBreakerTripped { service }
        | Condition::RollbackStarted { service }
        | Condition::SteadyState { service } => (service, None),
    };
    let svc = match service {
        Some(name) => service_ref(out, w, name, p.field("service")),
        None => None,
    };
    if let (Some(svc), Some(r)) = (svc, revision) {
        revision_ref(out, w, svc, r, p.field("revision"));
    }
}

fn quizzes(out: &mut Problems, s: &Scenario, w: &EcsWorld, names: &Names, eks: Option<&EksWorld>) {
    let qp = Path::root().field("quizzes");
    let mut ids = HashSet::new();
    for (i, q) in s.quizzes.iter().enumerate() {
        let p = qp.index(i);
        if q.id.trim().is_empty() || !ids.insert(&q.id) {
            out.push((
                p.field("id"),
                format!(
                    "quiz id \"{}\" is empty or used twice; each quiz needs its own id",
                    q.id
                ),
            ));
        }
        if q.question.trim().is_empty() {
            out.push((p.field("question"), "the question is empty".into()));
        }
        if q.choices.len() < 2 || q.choices.len() > 9 {
            out.push((
                p.field("choices"),
                match q.choices.len() {
                    0 => "no choices; a quiz has 2 to 9 (keys 1–9 pick them)".to_string(),
                    1 => "only 1 choice; a quiz has 2 to 9 (keys 1–9 pick them)".to_string(),
                    n => format!("{n} choices; a quiz has 2 to 9 (keys 1–9 pick them)"),
                },
            ));
        }
        if q.correct.is_empty() {
            out.push((
                p.field("correct"),
                "no correct choice; list the right one(s) by number, counting from 0".into(),
            ));
        }
        let mut seen = HashSet::new();
        for (j, c) in q.correct.iter().enumerate() {
            if *c >= q.choices.len() {
                out.push((
                    p.field("correct").index(j),
                    format!(
                        "choice {c} does not exist; this quiz has {} choices, numbered from 0",
                        q.choices.len()
                    ),
                ));
            } else if !seen.insert(c) {
                out.push((
                    p.field("correct").index(j),
                    format!("choice {c} is listed twice"),
                ));
            }
        }
        if q.explanation.trim().is_empty() {
            out.push((
                p.field("explanation"),
                "the explanation is empty; say why the answer is right — it is what the learner reads after answering".into(),
            ));
        }
        match &q.trigger {
            Trigger::At(t) => {
                if !t.is_finite() || *t < 0.0 || *t > s.duration {
                    out.push((
                        p.field("trigger"),
                        format!(
                            "At({t}) is outside the scenario; valid: 0 to the duration, {} seconds",
                            s.duration
                        ),
                    ));
                }
            }
            Trigger::When(c) => condition(out, w, c, p.field("trigger"), eks.is_some()),
        }
        if let Some(f) = &q.focus {
            let fp = p.field("focus");
            match f {
                Focus::Service(n) => {
                    service_ref(out, w, n, fp);
                }
                Focus::TargetGroup(n) => {
                    if !w.target_groups.iter().any(|t| &t.name == n) {
                        out.push((
                            fp,
                            format!(
                                "target group \"{n}\" is not defined; {}",
                                list(w.target_groups.iter().map(|t| t.name.clone()))
                            ),
                        ));
                    }
                }
                Focus::Instance(n) => {
                    if !names.instances.contains(n) {
                        out.push((
                            fp,
                            format!(
                                "instance \"{n}\" does not exist; {}",
                                list(names.instances.iter().take(20).cloned())
                            ),
                        ));
                    }
                }
                Focus::Zone(z) => {
                    if !names.zones.contains(z) {
                        out.push((
                            fp,
                            format!(
                                "zone \"{z}\" is not one of the cluster's availability_zones ({})",
                                names.zones.join(", ")
                            ),
                        ));
                    }
                }
                Focus::Revision { service, revision } => {
                    if let Some(svc) = service_ref(out, w, service, fp.field("service")) {
                        revision_ref(out, w, svc, *revision, fp.field("revision"));
                    }
                }
            }
        }
    }
}

/// ron's message, with a hint for the terse ones. Unknown fields and variants keep ron's
/// wording: it already names them and lists what is valid.
pub fn describe_ron_error(code: &ron::Error) -> String {
    use ron::Error as E;
    let hint = match code {
        E::ExpectedComma => {
            "; fields and list items are separated by commas, and brackets must match"
        }
        E::ExpectedInteger => "; this field takes a whole number, e.g. 4 (no quotes)",
        E::ExpectedFloat => "; this field takes a number, e.g. 30 or 2.5",
        E::ExpectedBoolean => "; this field takes true or false",
        E::ExpectedString => "; this field takes text in double quotes, e.g. \"web\"",
        E::IntegerOutOfBounds => {
            "; the number is out of range for this field (counts, sizes and ports cannot be negative)"
        }
        E::ExpectedArray => "; this field takes a list in square brackets, e.g. [\"a\", \"b\"]",
        E::Eof => "; the file ends too early: a bracket or parenthesis is not closed",
        E::ExpectedStringEnd => "; a string is not closed with a double quote",
        E::TrailingCharacters => "; there is text after the scenario's closing parenthesis",
        _ => "",
    };
    format!("{code}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matchers_follow_the_alb_rules() {
        assert!(matcher("200").is_ok());
        assert!(matcher("200,302").is_ok());
        assert!(matcher("200-299").is_ok());
        assert!(matcher("500").is_err());
        assert!(matcher("299-200").is_err());
        assert!(matcher("ok").is_err());
        assert!(matcher("").is_err());
    }
}
