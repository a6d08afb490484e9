//! Checks a deserialized scenario for everything serde cannot: ranges, references between
//! objects, AWS rules (Fargate sizes, network modes and target types) and size caps. Each
//! problem is reported at a [`Path`] into the file so it can be located, quotes the value and
//! says what would be valid.
//!
//! After [`validate`] returns no problems, the engine may assume every reference resolves
//! (services → task definitions and target groups, timeline and quizzes → services, revisions,
//! instances and zones), every zone list is non-empty, and every count is within the caps below.

use std::collections::{HashMap, HashSet};

use super::locate::Path;
use super::spec::*;
use crate::aws::{fargate, instance_types};
use crate::ecs::placement;

/// Caps that keep a hostile or mistaken file from exhausting memory.
pub const MAX_INSTANCES: u32 = 5_000;
/// The ECS quota of tasks per service.
pub const MAX_DESIRED: u32 = 5_000;
/// Tasks all services together may want at once: desired counts, auto scaling maximums and
/// timeline updates, whichever is largest for each service.
pub const MAX_TASKS_TOTAL: u64 = 10_000;
pub const MAX_TASK_DEFINITIONS: usize = 1_000;
pub const MAX_SERVICES: usize = 1_000;
pub const MAX_TARGET_GROUPS: usize = 100;
pub const MAX_TIMELINE: usize = 10_000;
pub const MAX_QUIZZES: usize = 500;
/// A day: scenarios are lessons, not soak tests.
pub const MAX_DURATION: f64 = 86_400.0;
/// ECS allows at most 10 containers in a task definition.
pub const MAX_CONTAINERS: usize = 10;
/// Keys 1–9 pick a quiz answer.
pub const MAX_CHOICES: usize = 9;
/// `healthCheckGracePeriodSeconds` is a 32-bit signed integer in the ECS API.
pub const MAX_GRACE_PERIOD: u32 = i32::MAX as u32;
/// A region has at most 6 Availability Zones (us-east-1 has the most).
pub const MAX_ZONES: usize = 6;
/// Fargate's `stopTimeout` maximum (reference §3).
pub const FARGATE_MAX_STOP_TIMEOUT: u32 = 120;
/// Names listed in one message; the rest are counted.
const MAX_LISTED: usize = 20;
/// Problems reported for one file. Each is located by walking the source, so a file full of
/// mistakes would otherwise take minutes to report; nobody fixes more than this at once.
pub const MAX_PROBLEMS: usize = 100;

type Problems = Vec<(Path, String)>;

// ---------------------------------------------------------------------------------------------
// Message helpers

/// `"a", "b", "c"` (each once, in order), cut after [`MAX_LISTED`] names.
fn quoted<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    let mut seen = HashSet::new();
    let mut shown: Vec<String> = Vec::new();
    let mut more = 0usize;
    for n in names {
        let n = n.as_ref();
        if !seen.insert(n.to_string()) {
            continue;
        }
        if shown.len() < MAX_LISTED {
            shown.push(format!("\"{n}\""));
        } else {
            more += 1;
        }
    }
    let mut s = shown.join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

/// `defined: "a", "b"` or `none are defined`.
fn list<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    let q = quoted(names);
    if q.is_empty() {
        "none are defined".into()
    } else {
        format!("defined: {q}")
    }
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
    if !(0.0..=1.0).contains(&value) {
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

fn check_status(out: &mut Problems, path: Path, code: u16) {
    check_range(out, path, "HTTP status", code, 100, 599, "");
}

/// Why `name` is not a valid AWS-style name of at most `max` characters, where `allowed` says
/// which characters may appear (`allowed_text` in words).
fn name_problem(
    what: &str,
    name: &str,
    max: usize,
    allowed: impl Fn(char) -> bool,
    allowed_text: &str,
) -> Option<String> {
    if name.is_empty() {
        return Some(format!("{what} is empty; use 1–{max} {allowed_text}"));
    }
    let len = name.chars().count();
    if len > max {
        return Some(format!(
            "{what} \"{name}\" is {len} characters long; at most {max}"
        ));
    }
    name.chars()
        .find(|&c| !allowed(c))
        .map(|c| format!("{what} \"{name}\" contains {c:?}; use only {allowed_text}"))
}

/// ECS names (clusters, services, task definition families, containers): up to 255 letters,
/// digits, hyphens and underscores.
fn ecs_name_problem(what: &str, name: &str) -> Option<String> {
    name_problem(
        what,
        name,
        255,
        |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
        "letters, digits, hyphens and underscores",
    )
}

/// Target group and load balancer names: up to 32 letters, digits and hyphens, not starting or
/// ending with a hyphen.
fn elb_name_problem(what: &str, name: &str) -> Option<String> {
    name_problem(
        what,
        name,
        32,
        |c| c.is_ascii_alphanumeric() || c == '-',
        "letters, digits and hyphens",
    )
    .or_else(|| {
        (name.starts_with('-') || name.ends_with('-'))
            .then(|| format!("{what} \"{name}\" may not start or end with a hyphen"))
    })
}

/// `us-east-1`, `eu-west-2`, `us-gov-west-1`, `ap-southeast-4`.
fn region_ok(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Records names and reports the second use of one.
struct Unique<'a> {
    seen: HashSet<&'a str>,
}

impl<'a> Unique<'a> {
    fn new() -> Self {
        Unique {
            seen: HashSet::new(),
        }
    }

    /// False (and a problem) when `name` was seen before. Empty names are left to the name check.
    fn check(&mut self, out: &mut Problems, path: Path, what: &str, name: &'a str) -> bool {
        if name.is_empty() || self.seen.insert(name) {
            return true;
        }
        out.push((
            path,
            format!("{what} \"{name}\" is defined twice; each needs its own name"),
        ));
        false
    }
}

// ---------------------------------------------------------------------------------------------
// The scenario

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
            format!("the title {:?} is empty; give the scenario a name", s.title),
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
            let ix = ecs_world(&mut out, s, w, &wp);
            timeline(&mut out, s, &ix, None);
            quizzes(&mut out, s, &ix, None);
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
            let ix = ecs_world(&mut out, s, &w, &wp);
            eks_world(&mut out, k, &wp);
            timeline(&mut out, s, &ix, Some(k));
            quizzes(&mut out, s, &ix, Some(k));
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

// ---------------------------------------------------------------------------------------------
// EKS

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

fn load(out: &mut Problems, l: &LoadSpec, lp: &Path) {
    if !(l.rps_per_pod.is_finite() && l.rps_per_pod > 0.0) {
        out.push((
            lp.field("rps_per_pod"),
            format!("rps_per_pod {} must be a positive number", l.rps_per_pod),
        ));
    }
    if l.points.is_empty() || l.points.len() > 1000 {
        out.push((
            lp.field("points"),
            format!(
                "{} points; give 1 to 1000 (seconds, requests per second) points",
                l.points.len()
            ),
        ));
    }
    let mut last = 0.0;
    for (j, (t, v)) in l.points.iter().enumerate() {
        if !(t.is_finite() && v.is_finite()) || *t < last || *t < 0.0 || *v < 0.0 {
            out.push((
                lp.field("points").index(j),
                format!(
                    "point ({t}, {v}): times start at 0 and must not go backwards, and rates must be ≥ 0"
                ),
            ));
        }
        if t.is_finite() {
            last = t.max(last);
        }
    }
    if let Some(m) = &l.memory {
        let mp = lp.field("memory");
        for (field, v) in [
            ("idle_percent", m.idle_percent),
            ("percent_at_rps_per_pod", m.percent_at_rps_per_pod),
        ] {
            if !(v.is_finite() && (0.0..=100.0).contains(&v)) {
                out.push((
                    mp.field(field),
                    format!("{field} {v} is out of range; valid: 0 to 100 (percent of the task's memory)"),
                ));
            }
        }
    }
}

fn eks_world(out: &mut Problems, k: &EksWorld, wp: &Path) {
    let gp = wp.field("node_groups");
    let deployment_set: HashSet<&str> = k.deployments.iter().map(|d| d.name.as_str()).collect();
    let on_fargate: HashSet<&str> = k
        .fargate_profiles
        .iter()
        .flat_map(|f| f.deployments.iter().map(String::as_str))
        .collect();
    let fp = wp.field("fargate_profiles");
    let mut profile_names = Unique::new();
    for (i, f) in k.fargate_profiles.iter().enumerate() {
        let p = fp.index(i);
        if let Some(e) = ecs_name_problem("Fargate profile name", &f.name) {
            out.push((p.field("name"), e));
        }
        profile_names.check(out, p.field("name"), "Fargate profile", &f.name);
        for (j, d) in f.deployments.iter().enumerate() {
            if !deployment_set.contains(d.as_str()) {
                out.push((
                    p.field("deployments").index(j),
                    format!(
                        "Deployment \"{d}\" is not defined; {}",
                        list(k.deployments.iter().map(|x| x.name.as_str()))
                    ),
                ));
            }
        }
    }
    if k.node_groups.is_empty()
        && k.karpenter.is_none()
        && !k
            .deployments
            .iter()
            .all(|d| on_fargate.contains(d.name.as_str()))
    {
        out.push((
            gp.clone(),
            "no node groups; add one, e.g. node_groups: [(name: \"ng-1\", instance_type: \"m5.large\", count: 3)]".into(),
        ));
    }
    let mut names = Unique::new();
    let mut total: u64 = 0;
    for (i, g) in k.node_groups.iter().enumerate() {
        let p = gp.index(i);
        if let Some(e) = name_problem(
            "node group name",
            &g.name,
            63,
            |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
            "letters, digits, hyphens and underscores",
        ) {
            out.push((p.field("name"), e));
        }
        names.check(out, p.field("name"), "node group", &g.name);
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
    if let Some(np) = &k.karpenter {
        node_pool(out, k, np, &wp.field("karpenter"));
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
                    "Service name \"{}\" is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'",
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
            load(out, l, &p.field("load"));
            if l.memory.is_some() {
                out.push((
                    p.field("load").field("memory"),
                    "memory utilization is modelled for ECS services only; the HPA here scales on CPU, so leave memory out".into(),
                ));
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
                format!("the image {:?} is empty; e.g. \"nginx:1.27\"", c.image),
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
        if img.image.trim().is_empty() {
            out.push((
                p.field("image"),
                format!("the image {:?} is empty; e.g. \"nginx:1.27\"", img.image),
            ));
        } else if !seen.insert(&img.image) {
            out.push((
                p.field("image"),
                format!("image \"{}\" is described twice", img.image),
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
                check_status(out, p.field(field), code);
            }
        }
    }
    if let Some(svc) = &k.service
        && !dns_label_ok(&svc.name)
    {
        out.push((
            wp.field("service").field("name"),
            format!(
                "Service name \"{}\" is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'",
                svc.name
            ),
        ));
    }
}

/// A Karpenter NodePool: a valid name, known instance types, a budget Karpenter accepts, and
/// no Cluster Autoscaler beside it.
fn node_pool(out: &mut Problems, k: &EksWorld, np: &NodePoolSpec, p: &Path) {
    if k.cluster_autoscaler {
        out.push((
            p.clone(),
            "Karpenter and the Cluster Autoscaler would both add and remove nodes for the same pending pods; use karpenter or cluster_autoscaler: true, not both".into(),
        ));
    }
    if !dns_label_ok(&np.name) {
        out.push((
            p.field("name"),
            format!(
                "NodePool name \"{}\" is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'",
                np.name
            ),
        ));
    }
    let tp = p.field("instance_types");
    if np.instance_types.is_empty() {
        out.push((
            tp.clone(),
            format!(
                "no instance types; list at least one, e.g. [\"c5.large\", \"m5.large\"]; Orca knows {}",
                instance_types::all()
                    .iter()
                    .map(|t| t.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    for (i, t) in np.instance_types.iter().enumerate() {
        if instance_types::lookup(t).is_none() {
            out.push((tp.index(i), instance_types::unknown_type_message(t)));
        }
    }
    if let Some(limit) = np.cpu_limit {
        check_range(
            out,
            p.field("cpu_limit"),
            "cpu_limit",
            limit,
            0,
            100_000,
            " vCPUs",
        );
    }
    check_range(
        out,
        p.field("consolidate_after"),
        "consolidate_after",
        np.consolidate_after,
        0,
        86_400,
        " s",
    );
    if crate::k8s::karpenter::parse_budget(&np.budget_nodes).is_none() {
        out.push((
            p.field("budget_nodes"),
            format!(
                "budget_nodes \"{}\" is neither a node count nor a percentage; valid: a whole number such as \"2\", or \"0%\" to \"100%\"",
                np.budget_nodes
            ),
        ));
    }
}

// ---------------------------------------------------------------------------------------------
// ECS

/// What the rest of the file may refer to, indexed so that large files stay linear.
struct EcsIndex<'a> {
    w: &'a EcsWorld,
    /// (family, revision) → index of its first definition.
    task_definitions: HashMap<(&'a str, u32), usize>,
    /// family → its revisions, sorted.
    revisions: HashMap<&'a str, Vec<u32>>,
    services: HashMap<&'a str, usize>,
    target_groups: HashMap<&'a str, usize>,
    zones: Vec<String>,
    /// Container instance names in order (`<group>` or `<group>-<n>`), at most
    /// [`MAX_INSTANCES`] of them.
    instances: Vec<String>,
    instance_set: HashSet<String>,
    /// Names of the instances whose group has `spot: true`.
    spot_instances: HashSet<String>,
}

impl<'a> EcsIndex<'a> {
    fn new(w: &'a EcsWorld) -> Self {
        let mut task_definitions = HashMap::new();
        let mut revisions: HashMap<&str, Vec<u32>> = HashMap::new();
        for (i, td) in w.task_definitions.iter().enumerate() {
            task_definitions
                .entry((td.family.as_str(), td.revision))
                .or_insert(i);
            revisions
                .entry(td.family.as_str())
                .or_default()
                .push(td.revision);
        }
        for r in revisions.values_mut() {
            r.sort_unstable();
            r.dedup();
        }
        let mut services = HashMap::new();
        for (i, s) in w.services.iter().enumerate() {
            services.entry(s.name.as_str()).or_insert(i);
        }
        let mut target_groups = HashMap::new();
        for (i, t) in w.target_groups.iter().enumerate() {
            target_groups.entry(t.name.as_str()).or_insert(i);
        }
        EcsIndex {
            w,
            task_definitions,
            revisions,
            services,
            target_groups,
            zones: w.cluster.availability_zones.clone(),
            instances: Vec::new(),
            instance_set: HashSet::new(),
            spot_instances: HashSet::new(),
        }
    }

    fn td_refs(&self) -> Vec<String> {
        self.w
            .task_definitions
            .iter()
            .map(|t| format!("{}:{}", t.family, t.revision))
            .collect()
    }

    /// The task definition a `family:revision` string names.
    fn find_td(&self, r: &str) -> Result<(usize, &'a TaskDefinitionSpec), String> {
        let Some((family, rev)) = r.rsplit_once(':') else {
            return Err(format!(
                "task definition \"{r}\" is not of the form \"family:revision\", e.g. \"{}:1\"; {}",
                if r.is_empty() { "web" } else { r },
                list(self.td_refs())
            ));
        };
        let Ok(rev) = rev.parse::<u32>() else {
            return Err(format!(
                "task definition \"{r}\" has no revision number after the colon, e.g. \"{family}:1\"; {}",
                list(self.td_refs())
            ));
        };
        // The engine compares (family, revision), so "web:01" would find revision 1; asking for
        // the canonical spelling keeps the reference the same in the file, the log and the CLI.
        let canonical = format!("{family}:{rev}");
        if canonical != r {
            return Err(format!(
                "task definition \"{r}\" writes its revision with a sign or leading zeros; write \"{canonical}\""
            ));
        }
        match self.task_definitions.get(&(family, rev)) {
            Some(&i) => Ok((i, &self.w.task_definitions[i])),
            None => Err(format!(
                "task definition \"{r}\" is not defined; {}",
                list(self.td_refs())
            )),
        }
    }

    fn service(&self, name: &str) -> Option<&'a ServiceSpec> {
        self.services.get(name).map(|&i| &self.w.services[i])
    }

    fn target_group(&self, name: &str) -> Option<&'a TargetGroupSpec> {
        self.target_groups
            .get(name)
            .map(|&i| &self.w.target_groups[i])
    }

    /// The service called `name`, or a problem at `p` listing those that exist.
    fn service_ref(&self, out: &mut Problems, name: &str, p: Path) -> Option<&'a ServiceSpec> {
        let found = self.service(name);
        if found.is_none() {
            out.push((
                p,
                format!(
                    "service \"{name}\" is not defined; {}",
                    list(self.w.services.iter().map(|s| s.name.as_str()))
                ),
            ));
        }
        found
    }

    /// Checks that `rev` is a revision of the family `svc` runs.
    fn revision_ref(&self, out: &mut Problems, svc: &ServiceSpec, rev: u32, p: Path) {
        if self.find_td(&svc.task_definition).is_err() {
            // The service's own reference is already reported; its family is unknown.
            return;
        }
        let family = svc.task_definition.rsplit_once(':').map_or("", |x| x.0);
        let revs = self.revisions.get(family).cloned().unwrap_or_default();
        if !revs.contains(&rev) {
            out.push((
                p,
                format!(
                    "revision {rev} of service \"{}\"'s family \"{family}\" is not defined; defined revisions: {}",
                    svc.name,
                    revs.iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }

    fn zone_ref(&self, out: &mut Problems, zone: &str, p: Path) {
        // An empty zone list is reported on its own.
        if !self.zones.is_empty() && !self.zones.iter().any(|z| z == zone) {
            out.push((
                p,
                format!(
                    "zone \"{zone}\" is not one of the cluster's availability_zones; valid: {}",
                    quoted(&self.zones)
                ),
            ));
        }
    }

    fn instance_ref(&self, out: &mut Problems, name: &str, p: Path) {
        if !self.instance_set.contains(name) {
            out.push((
                p,
                format!(
                    "instance \"{name}\" does not exist; {}",
                    list(&self.instances)
                ),
            ));
        }
    }
}

fn ecs_world<'a>(out: &mut Problems, s: &Scenario, w: &'a EcsWorld, wp: &Path) -> EcsIndex<'a> {
    let mut ix = EcsIndex::new(w);
    cluster(out, &w.cluster, &wp.field("cluster"));
    instances(out, &mut ix, &wp.field("capacity").field("instances"));
    auto_scaling_groups(
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
        task_definition(out, td, &p);
        if ix.task_definitions.get(&(td.family.as_str(), td.revision)) != Some(&i) {
            out.push((
                p.field("revision"),
                format!(
                    "task definition \"{}:{}\" is defined twice; give each revision its own number",
                    td.family, td.revision
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
        target_group(out, tg, &gp.index(i));
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
        service(out, &ix, s, svc, &p);
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
    tasks_total(out, s, w, &sp);

    timings(out, &w.timings, &wp.field("timings"));
    ix
}

fn cluster(out: &mut Problems, c: &ClusterSpec, cp: &Path) {
    if let Some(e) = ecs_name_problem("cluster name", &c.name) {
        out.push((cp.field("name"), e));
    }
    let region_valid = region_ok(&c.region);
    if !region_valid {
        out.push((
            cp.field("region"),
            format!(
                "region \"{}\" is not a region name; use one like \"us-east-1\" or \"eu-west-2\"",
                c.region
            ),
        ));
    }
    if c.account_id.len() != 12 || !c.account_id.chars().all(|ch| ch.is_ascii_digit()) {
        out.push((
            cp.field("account_id"),
            format!(
                "account_id \"{}\" is not an AWS account ID; use 12 digits, e.g. \"123456789012\"",
                c.account_id
            ),
        ));
    }
    let zp = cp.field("availability_zones");
    let zones = &c.availability_zones;
    if zones.is_empty() {
        out.push((
            zp.clone(),
            format!(
                "no Availability Zones; list 1 to {MAX_ZONES}, e.g. [\"{r}a\", \"{r}b\"]",
                r = if region_valid {
                    c.region.as_str()
                } else {
                    "us-east-1"
                }
            ),
        ));
    } else if zones.len() > MAX_ZONES {
        out.push((
            zp.clone(),
            format!(
                "{} Availability Zones; a region has at most {MAX_ZONES}",
                zones.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    for (i, z) in zones.iter().enumerate() {
        let in_region = z
            .strip_prefix(c.region.as_str())
            .is_some_and(|rest| rest.len() == 1 && rest.chars().all(|ch| ch.is_ascii_lowercase()));
        if !seen.insert(z) {
            out.push((
                zp.index(i),
                format!("zone \"{z}\" is listed twice; list each zone once"),
            ));
        } else if region_valid && !in_region {
            out.push((
                zp.index(i),
                format!(
                    "zone \"{z}\" is not in the cluster's region \"{r}\"; its zones are named \"{r}a\", \"{r}b\", \"{r}c\" …",
                    r = c.region
                ),
            ));
        }
    }
}

fn instances(out: &mut Problems, ix: &mut EcsIndex, ip: &Path) {
    let w = ix.w;
    let mut group_names = Unique::new();
    // Which group named each instance, to report collisions like group "node" (count 2) and
    // group "node-1".
    let mut owner: HashMap<String, usize> = HashMap::new();
    let mut total: u64 = 0;
    for (i, g) in w.capacity.instances.iter().enumerate() {
        let gp = ip.index(i);
        if let Some(e) = ecs_name_problem("instance group name", &g.name) {
            out.push((gp.field("name"), e));
        }
        let unique = group_names.check(out, gp.field("name"), "instance group", &g.name);
        if instance_types::lookup(&g.instance_type).is_none() {
            out.push((
                gp.field("instance_type"),
                instance_types::unknown_type_message(&g.instance_type),
            ));
        }
        check_range(
            out,
            gp.field("count"),
            "count",
            g.count,
            1,
            MAX_INSTANCES,
            "",
        );
        if let Some(z) = &g.availability_zone {
            ix.zone_ref(out, z, gp.field("availability_zone"));
        }
        total += g.count as u64;
        if !unique {
            continue;
        }
        let mut clash: Option<(String, usize)> = None;
        for n in 0..g.count {
            if ix.instances.len() >= MAX_INSTANCES as usize {
                break;
            }
            let name = if g.count == 1 {
                g.name.clone()
            } else {
                format!("{}-{}", g.name, n + 1)
            };
            match owner.get(&name) {
                Some(&j) => {
                    if clash.is_none() {
                        clash = Some((name, j));
                    }
                }
                None => {
                    owner.insert(name.clone(), i);
                    ix.instance_set.insert(name.clone());
                    if g.spot {
                        ix.spot_instances.insert(name.clone());
                    }
                    ix.instances.push(name);
                }
            }
        }
        if let Some((name, j)) = clash {
            let other = &w.capacity.instances[j];
            out.push((
                gp.field("name"),
                format!(
                    "instance name \"{name}\" is used twice: by this group and by group \"{}\" (instances in a group of more than one are named <group>-1, <group>-2 …); rename one group",
                    other.name
                ),
            ));
        }
    }
    if total > MAX_INSTANCES as u64 {
        out.push((
            ip.clone(),
            format!("{total} container instances in all; at most {MAX_INSTANCES}"),
        ));
    }
}

/// Most instances one Auto Scaling group may hold in a scenario (Orca's cap).
pub const MAX_ASG_SIZE: u32 = 1_000;

fn auto_scaling_groups(out: &mut Problems, ix: &mut EcsIndex, ap: &Path) {
    let w = ix.w;
    let mut names = Unique::new();
    let mut providers = Unique::new();
    for (i, g) in w.capacity.auto_scaling_groups.iter().enumerate() {
        let gp = ap.index(i);
        if let Some(e) = ecs_name_problem("Auto Scaling group name", &g.name) {
            out.push((gp.field("name"), e));
        }
        names.check(out, gp.field("name"), "Auto Scaling group", &g.name);
        if let Some(e) = ecs_name_problem("capacity provider name", &g.capacity_provider) {
            out.push((gp.field("capacity_provider"), e));
        } else if ["FARGATE", "FARGATE_SPOT"].contains(&g.capacity_provider.as_str())
            || ["aws", "ecs", "fargate"]
                .iter()
                .any(|p| g.capacity_provider.to_ascii_lowercase().starts_with(p))
        {
            out.push((
                gp.field("capacity_provider"),
                format!(
                    "capacity provider name \"{}\" is reserved: names may not start with \"aws\", \"ecs\" or \"fargate\"; use e.g. \"cp-{}\"",
                    g.capacity_provider, g.name
                ),
            ));
        }
        providers.check(
            out,
            gp.field("capacity_provider"),
            "capacity provider",
            &g.capacity_provider,
        );
        if let Some(clash) = ix.instances.iter().find(|n| {
            n.strip_prefix(g.name.as_str())
                .is_some_and(|r| r.starts_with('-'))
        }) {
            out.push((
                gp.field("name"),
                format!(
                    "the group's instances are named \"{}-1\", \"{}-2\" …, which clashes with instance \"{clash}\"; rename the group",
                    g.name, g.name
                ),
            ));
        }
        if instance_types::lookup(&g.instance_type).is_none() {
            out.push((
                gp.field("instance_type"),
                instance_types::unknown_type_message(&g.instance_type),
            ));
        }
        check_range(
            out,
            gp.field("max_size"),
            "max_size",
            g.max_size,
            1,
            MAX_ASG_SIZE,
            "",
        );
        if g.min_size > g.max_size {
            out.push((
                gp.field("min_size"),
                format!(
                    "min_size {} is above max_size {}; valid: 0–{}",
                    g.min_size, g.max_size, g.max_size
                ),
            ));
        }
        if g.desired_capacity < g.min_size || g.desired_capacity > g.max_size {
            out.push((
                gp.field("desired_capacity"),
                format!(
                    "desired_capacity {} is outside the group's size; valid: min_size {} to max_size {}",
                    g.desired_capacity, g.min_size, g.max_size
                ),
            ));
        }
        match &g.managed_scaling {
            Some(m) => {
                let mp = gp.field("managed_scaling");
                check_range(
                    out,
                    mp.field("target_capacity"),
                    "target_capacity",
                    m.target_capacity,
                    1,
                    100,
                    " %",
                );
                check_range(
                    out,
                    mp.field("minimum_scaling_step_size"),
                    "minimum_scaling_step_size",
                    m.minimum_scaling_step_size,
                    1,
                    10_000,
                    "",
                );
                check_range(
                    out,
                    mp.field("maximum_scaling_step_size"),
                    "maximum_scaling_step_size",
                    m.maximum_scaling_step_size,
                    1,
                    10_000,
                    "",
                );
                if m.minimum_scaling_step_size > m.maximum_scaling_step_size {
                    out.push((
                        mp.field("minimum_scaling_step_size"),
                        format!(
                            "minimum_scaling_step_size {} is above maximum_scaling_step_size {}",
                            m.minimum_scaling_step_size, m.maximum_scaling_step_size
                        ),
                    ));
                }
                check_range(
                    out,
                    mp.field("instance_warmup_period"),
                    "instance_warmup_period",
                    m.instance_warmup_period,
                    0,
                    10_000,
                    " s",
                );
            }
            None if g.managed_termination_protection => out.push((
                gp.field("managed_termination_protection"),
                "managed termination protection needs managed scaling; add managed_scaling: () or set managed_termination_protection: false".into(),
            )),
            None => {}
        }
        // The instances the group starts with can be named in the timeline (DrainInstance …).
        for n in 1..=g.desired_capacity.min(g.max_size).min(MAX_ASG_SIZE) {
            let name = format!("{}-{n}", g.name);
            if ix.instance_set.insert(name.clone()) {
                ix.instances.push(name);
            }
        }
    }
}

fn task_definition(out: &mut Problems, td: &TaskDefinitionSpec, p: &Path) {
    if let Some(e) = ecs_name_problem("family", &td.family) {
        out.push((p.field("family"), e));
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
    if td.containers.is_empty() {
        out.push((
            cp.clone(),
            format!("no containers; a task definition has 1 to {MAX_CONTAINERS}"),
        ));
    } else if td.containers.len() > MAX_CONTAINERS {
        out.push((
            cp.clone(),
            format!(
                "{} containers; a task definition has at most {MAX_CONTAINERS}",
                td.containers.len()
            ),
        ));
    }
    if !td.containers.is_empty() && !td.containers.iter().any(|c| c.essential) {
        out.push((
            cp.clone(),
            format!(
                "no container is essential ({}); at least one must be (essential: true is the default)",
                td.containers
                    .iter()
                    .map(|c| format!("\"{}\" has essential: false", c.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    let mut names = Unique::new();
    let mut reserved: u64 = 0;
    let mut cpu: u64 = 0;
    let mut container_above_task = false;
    for (i, c) in td.containers.iter().enumerate() {
        let p = cp.index(i);
        if let Some(e) = ecs_name_problem("container name", &c.name) {
            out.push((p.field("name"), e));
        }
        names.check(out, p.field("name"), "container", &c.name);
        container(out, td, c, &p);
        reserved += c.memory_reservation.or(c.memory).unwrap_or(0) as u64;
        cpu += c.cpu as u64;
        if let (Some(m), Some(task)) = (c.memory, td.memory)
            && m > task
        {
            container_above_task = true;
            out.push((
                p.field("memory"),
                format!(
                    "container memory {m} MiB is more than the task's memory {task} MiB; a container's limit must fit in its task"
                ),
            ));
        }
    }
    // ECS: "the total amount of memory reserved for all containers within a task must be lower
    // than the task memory value", where a container reserves memory_reservation, or memory
    // when no reservation is given. The same holds for cpu.
    if let Some(m) = td.memory
        && reserved > m as u64
        && !container_above_task
    {
        out.push((
            p.field("memory"),
            format!("the containers reserve {reserved} MiB in all (memory_reservation, or memory where there is none), more than the task's memory {m} MiB"),
        ));
    }
    if let Some(task_cpu) = td.cpu
        && cpu > task_cpu as u64
    {
        out.push((
            p.field("cpu"),
            format!(
                "the containers' cpu adds up to {cpu} units, more than the task's cpu {task_cpu}"
            ),
        ));
    }
}

fn container(out: &mut Problems, td: &TaskDefinitionSpec, c: &ContainerSpec, p: &Path) {
    if c.image.trim().is_empty() {
        out.push((
            p.field("image"),
            format!(
                "the image {:?} is empty; e.g. \"nginx:1.27\" or an ECR URI",
                c.image
            ),
        ));
    }
    if c.port == Some(0) {
        out.push((
            p.field("port"),
            "port 0 is not valid; valid: 1–65535".into(),
        ));
    }
    match (c.host_port, c.port) {
        (Some(0), _) => out.push((
            p.field("host_port"),
            "host_port 0 is not valid; leave it out for a dynamic port, or give 1–65535".into(),
        )),
        (Some(h), None) => out.push((
            p.field("host_port"),
            format!("host_port {h} maps no container port; add port (the port the application listens on)"),
        )),
        (Some(h), Some(port)) if td.network_mode != NetworkMode::Bridge && h != port => {
            out.push((
                p.field("host_port"),
                format!(
                    "with network_mode {:?} the host port must equal the container port ({port}) or be left out; got {h}",
                    td.network_mode
                ),
            ))
        }
        _ => {}
    }
    if td.memory.is_none() && c.memory.is_none() && c.memory_reservation.is_none() {
        out.push((
            p.clone(),
            format!(
                "container \"{}\" has no memory: without task-level memory each container needs memory or memory_reservation (MiB)",
                c.name
            ),
        ));
    }
    if c.memory == Some(0) {
        out.push((
            p.field("memory"),
            "memory 0 MiB is not valid; give the hard limit in MiB or leave it out".into(),
        ));
    }
    if c.memory_reservation == Some(0) {
        out.push((
            p.field("memory_reservation"),
            "memory_reservation 0 MiB is not valid; give MiB or leave it out".into(),
        ));
    }
    if let (Some(m), Some(r)) = (c.memory, c.memory_reservation)
        && r >= m
        && m > 0
    {
        out.push((
            p.field("memory_reservation"),
            format!("memory_reservation {r} MiB is not below the container's memory limit {m} MiB; ECS requires memory to be greater than memory_reservation"),
        ));
    }
    if let Some(hc) = &c.health_check {
        health_check(out, hc, &p.field("health_check"));
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
            check_status(out, fp.field("response"), code);
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

/// A container health check, with the ECS ranges (reference §4).
fn health_check(out: &mut Problems, hc: &HealthCheckSpec, hp: &Path) {
    match hc.command.first().map(String::as_str) {
        None => out.push((
            hp.field("command"),
            "the command is empty; e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]"
                .into(),
        )),
        Some(first @ ("CMD" | "CMD-SHELL")) if hc.command.len() < 2 => out.push((
            hp.field("command"),
            format!(
                "the command [\"{first}\"] runs nothing; add the command after it, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]"
            ),
        )),
        Some("CMD" | "CMD-SHELL" | "NONE") => {}
        Some(first) => out.push((
            hp.field("command").index(0),
            format!(
                "the command starts with \"{first}\"; it must start with \"CMD\" (run the arguments directly) or \"CMD-SHELL\" (run them with the container's shell)"
            ),
        )),
    }
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
    if hc.timeout >= hc.interval
        && (2..=60).contains(&hc.timeout)
        && (5..=300).contains(&hc.interval)
    {
        out.push((
            hp.field("timeout"),
            format!(
                "timeout {} s is not shorter than interval {} s; a check must end before the next one starts",
                hc.timeout, hc.interval
            ),
        ));
    }
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

fn target_group(out: &mut Problems, tg: &TargetGroupSpec, p: &Path) {
    if let Some(e) = elb_name_problem("target group name", &tg.name) {
        out.push((p.field("name"), e));
    }
    if let Some(lb) = &tg.load_balancer
        && let Some(e) = elb_name_problem("load balancer name", lb)
    {
        out.push((p.field("load_balancer"), e));
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
    if !hc.path.starts_with('/') || hc.path.len() > 1024 {
        out.push((
            hp.field("path"),
            format!(
                "health check path \"{}\" must start with / and be at most 1024 characters",
                hc.path
            ),
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

/// Where [`task_definition_fits`] reports a load balancer that does not fit the task definition.
enum FitAt<'p> {
    /// The service's own `load_balancers[j]` fields; the argument is the service's path.
    Service(&'p Path),
    /// An `UpdateService`'s `task_definition`: the new revision is what does not fit.
    Update(&'p Path),
}

/// Checks that `td` can run for `svc`: launch type, network mode, Fargate size and stop
/// timeout, and the service's load balancers (container, port, target type).
fn task_definition_fits(
    out: &mut Problems,
    ix: &EcsIndex,
    svc: &ServiceSpec,
    (td_index, td): (usize, &TaskDefinitionSpec),
    at: FitAt,
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
                format!(
                    "service \"{}\" runs \"{r}\" on Fargate, which supports only network_mode Awsvpc; \"{r}\" uses {:?}",
                    svc.name, td.network_mode
                ),
            ));
        }
        match (td.cpu, td.memory) {
            (Some(cpu), Some(mem)) if cpu > 0 && mem > 0 => {
                if let Err(e) = fargate::validate_task_size(cpu, mem) {
                    let field = match e {
                        fargate::FargateSizeError::Cpu { .. } => "cpu",
                        fargate::FargateSizeError::Memory { .. } => "memory",
                    };
                    out.push((
                        tdp.field(field),
                        format!("\"{r}\" runs on Fargate (service \"{}\"): {e}", svc.name),
                    ));
                }
            }
            (Some(_), Some(_)) => {}
            (cpu, memory) => {
                for (missing, value) in [("cpu", cpu), ("memory", memory)] {
                    if value.is_none() {
                        out.push((
                            tdp.field(missing),
                            format!(
                                "\"{r}\" has no task-level {missing}, which Fargate requires (service \"{}\" runs it on Fargate); e.g. cpu: 256, memory: 512",
                                svc.name
                            ),
                        ));
                    }
                }
            }
        }
        for (i, c) in td.containers.iter().enumerate() {
            if let Some(t) = c.stop_timeout
                && t > FARGATE_MAX_STOP_TIMEOUT
            {
                out.push((
                    tdp.field("containers").index(i).field("stop_timeout"),
                    format!(
                        "stop_timeout {t} s is above the Fargate maximum of {FARGATE_MAX_STOP_TIMEOUT} s (service \"{}\" runs \"{r}\" on Fargate)",
                        svc.name
                    ),
                ));
            }
        }
    }
    for (j, lb) in svc.load_balancers.iter().enumerate() {
        let lbp = match &at {
            FitAt::Service(p) => p.field("load_balancers").index(j),
            FitAt::Update(p) => (*p).clone(),
        };
        let (container_at, port_at, tg_at) = match &at {
            FitAt::Service(_) => (
                lbp.field("container_name"),
                lbp.field("container_port"),
                lbp.field("target_group"),
            ),
            FitAt::Update(_) => (lbp.clone(), lbp.clone(), lbp.clone()),
        };
        match td.containers.iter().find(|c| c.name == lb.container_name) {
            None => out.push((
                container_at,
                format!(
                    "container \"{}\" (load balancer of service \"{}\") is not in \"{r}\"; its containers: {}",
                    lb.container_name,
                    svc.name,
                    quoted(td.containers.iter().map(|c| c.name.as_str()))
                ),
            )),
            Some(c) if c.port != Some(lb.container_port) => out.push((
                port_at,
                format!(
                    "container \"{}\" of \"{r}\" does not listen on port {} (load balancer of service \"{}\"); {}",
                    c.name,
                    lb.container_port,
                    svc.name,
                    match c.port {
                        Some(p) => format!("its port is {p}"),
                        None => "it has no port".to_string(),
                    }
                ),
            )),
            Some(_) => {}
        }
        if let Some(tg) = ix.target_group(&lb.target_group) {
            let (want, why) = if td.network_mode == NetworkMode::Awsvpc {
                (
                    TargetType::Ip,
                    "awsvpc tasks get their own IP address, so ECS registers them by IP",
                )
            } else {
                (
                    TargetType::Instance,
                    "bridge and host tasks share their instance's address, so ECS registers the instance and port",
                )
            };
            if tg.target_type != want {
                out.push((
                    tg_at,
                    format!(
                        "target group \"{}\" has target_type {:?}, which is incompatible with network_mode {:?} of \"{r}\"; {why}: use target_type {want:?}",
                        tg.name, tg.target_type, td.network_mode
                    ),
                ));
            }
        }
    }
}

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

fn service(out: &mut Problems, ix: &EcsIndex, s: &Scenario, svc: &ServiceSpec, p: &Path) {
    let w = ix.w;
    match ix.find_td(&svc.task_definition) {
        Ok(td) => task_definition_fits(out, ix, svc, td, FitAt::Service(p)),
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
    // ECS requires maximumPercent ≥ 100 for REPLICA rolling deployments; AWS documents no upper
    // bound, 1000 is Orca's own cap.
    check_range(
        out,
        dp.field("maximum_percent"),
        "maximum_percent",
        dc.maximum_percent,
        100,
        1000,
        "",
    );
    grace_period(out, ix, s, svc, p);
    if svc.launch_type == LaunchType::Fargate {
        if !svc.placement_strategy.is_empty() {
            out.push((
                p.field("placement_strategy"),
                format!(
                    "service \"{}\" runs on Fargate, which takes no placement strategies (it spreads tasks across Availability Zones itself); remove them or use launch_type: Ec2",
                    svc.name
                ),
            ));
        }
        if !svc.placement_constraints.is_empty() {
            out.push((
                p.field("placement_constraints"),
                format!(
                    "service \"{}\" runs on Fargate, which takes no placement constraints; remove them or use launch_type: Ec2",
                    svc.name
                ),
            ));
        }
    } else if w.capacity.instances.is_empty() && w.capacity.auto_scaling_groups.is_empty() {
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
                    "target group \"{}\" is not defined; {}",
                    lb.target_group,
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
}

/// Application Auto Scaling policies per scalable target (AAS quota).
pub const MAX_SCALING_POLICIES: usize = 50;
/// Steps in one step scaling policy: Orca's cap (AWS documents none).
pub const MAX_STEPS: usize = 20;
/// CloudWatch: `EvaluationPeriods × Period` may not exceed one day.
pub const MAX_EVALUATION_PERIODS: u32 = 1_440;

fn auto_scaling(out: &mut Problems, svc: &ServiceSpec, a: &ServiceAutoScalingSpec, ap: &Path) {
    if a.min_capacity > a.max_capacity {
        out.push((
            ap.field("min_capacity"),
            format!(
                "min_capacity {} is above max_capacity {}",
                a.min_capacity, a.max_capacity
            ),
        ));
    }
    if a.max_capacity > MAX_DESIRED {
        out.push((
            ap.field("max_capacity"),
            format!(
                "max_capacity {} is above the ECS limit of {MAX_DESIRED} tasks per service",
                a.max_capacity
            ),
        ));
    }
    match a.target_cpu_utilization {
        Some(t) if !(t.is_finite() && t > 0.0 && t <= 100.0) => {
            out.push((
                ap.field("target_cpu_utilization"),
                format!("target_cpu_utilization {t} is out of range; valid: more than 0 and at most 100 (percent)"),
            ));
        }
        Some(_) => {}
        None => {
            // The three target-tracking settings mean nothing without the policy.
            let orphans: [(&'static str, bool, &str); 3] = [
                (
                    "scale_out_cooldown_seconds",
                    a.scale_out_cooldown_seconds.is_some(),
                    "a step policy has its own cooldown_seconds",
                ),
                (
                    "scale_in_cooldown_seconds",
                    a.scale_in_cooldown_seconds.is_some(),
                    "a step policy has its own cooldown_seconds",
                ),
                (
                    "disable_scale_in",
                    a.disable_scale_in.is_some(),
                    "a step policy scales in only through steps that remove tasks",
                ),
            ];
            for (field, set, instead) in orphans {
                if set {
                    out.push((
                        ap.field(field),
                        format!(
                            "{field} belongs to the target-tracking policy, and there is none; set target_cpu_utilization, or leave {field} out ({instead})"
                        ),
                    ));
                }
            }
            if a.step_scaling.is_empty() {
                out.push((
                    ap.clone(),
                    "auto scaling has no policy; set target_cpu_utilization (target tracking) or add step_scaling policies".into(),
                ));
            }
        }
    }
    for (field, value) in [
        ("scale_out_cooldown_seconds", a.scale_out_cooldown_seconds),
        ("scale_in_cooldown_seconds", a.scale_in_cooldown_seconds),
    ] {
        if let Some(v) = value {
            check_range(out, ap.field(field), field, v, 0, 86_400, "");
        }
    }
    if svc.load.is_none() {
        out.push((
            ap.clone(),
            "auto scaling needs a load: (rps_per_pod, points) to produce CPU utilization".into(),
        ));
    }
    let sp = ap.field("step_scaling");
    if a.step_scaling.len() > MAX_SCALING_POLICIES {
        out.push((
            sp.clone(),
            format!(
                "{} step scaling policies; Application Auto Scaling allows at most {MAX_SCALING_POLICIES} per service",
                a.step_scaling.len()
            ),
        ));
    }
    let mut names = Unique::new();
    for (i, policy) in a.step_scaling.iter().enumerate() {
        let pp = sp.index(i);
        if let Some(e) = name_problem(
            "policy name",
            &policy.name,
            256,
            |c| !c.is_control(),
            "printable characters",
        ) {
            out.push((pp.field("name"), e));
        }
        names.check(out, pp.field("name"), "step scaling policy", &policy.name);
        step_policy(out, svc, policy, &pp);
    }
}

fn step_policy(out: &mut Problems, svc: &ServiceSpec, p: &StepScalingPolicySpec, pp: &Path) {
    let alarm = &p.alarm;
    let alp = pp.field("alarm");
    if let Some(e) = name_problem(
        "alarm name",
        &alarm.name,
        255,
        |c| !c.is_control(),
        "printable characters",
    ) {
        out.push((alp.field("name"), e));
    }
    if alarm.period_seconds != 60 {
        out.push((
            alp.field("period_seconds"),
            format!(
                "period_seconds {} is not modelled; ECS publishes CPUUtilization and MemoryUtilization every minute and Orca's alarms use that period: valid: 60",
                alarm.period_seconds
            ),
        ));
    }
    check_range(
        out,
        alp.field("evaluation_periods"),
        "evaluation_periods",
        alarm.evaluation_periods,
        1,
        MAX_EVALUATION_PERIODS,
        " (one day of one-minute periods)",
    );
    if let Some(m) = alarm.datapoints_to_alarm
        && (m == 0 || m > alarm.evaluation_periods)
    {
        out.push((
            alp.field("datapoints_to_alarm"),
            format!(
                "datapoints_to_alarm {m} is out of range; valid: 1 to evaluation_periods ({})",
                alarm.evaluation_periods
            ),
        ));
    }
    if !(alarm.threshold.is_finite() && (0.0..=100.0).contains(&alarm.threshold)) {
        out.push((
            alp.field("threshold"),
            format!(
                "threshold {} is out of range; {} is a percentage: valid: 0 to 100",
                alarm.threshold,
                alarm.metric.as_str()
            ),
        ));
    }
    if alarm.metric == AlarmMetric::MemoryUtilization
        && svc.load.as_ref().is_some_and(|l| l.memory.is_none())
    {
        out.push((
            alp.field("metric"),
            "MemoryUtilization needs a memory model; add memory: (idle_percent: …, percent_at_rps_per_pod: …) to the service's load".into(),
        ));
    }
    if let Some(m) = p.min_adjustment_magnitude {
        if p.adjustment_type != AdjustmentType::PercentChangeInCapacity {
            out.push((
                pp.field("min_adjustment_magnitude"),
                format!(
                    "min_adjustment_magnitude {m} applies only to adjustment_type PercentChangeInCapacity, not {:?}; leave it out",
                    p.adjustment_type
                ),
            ));
        } else if m == 0 {
            out.push((
                pp.field("min_adjustment_magnitude"),
                "min_adjustment_magnitude 0 changes nothing; valid: 1 or more tasks, or leave it out".into(),
            ));
        }
    }
    check_range(
        out,
        pp.field("cooldown_seconds"),
        "cooldown_seconds",
        p.cooldown_seconds,
        0,
        86_400,
        "",
    );
    step_adjustments(out, p, pp);
}

/// The step adjustment rules of `PutScalingPolicy`, plus Orca's rule that the steps cover
/// exactly the side of the threshold on which the alarm fires.
fn step_adjustments(out: &mut Problems, p: &StepScalingPolicySpec, pp: &Path) {
    let sp = pp.field("step_adjustments");
    let steps = &p.step_adjustments;
    if steps.is_empty() || steps.len() > MAX_STEPS {
        out.push((
            sp.clone(),
            format!("{} step adjustments; give 1 to {MAX_STEPS}", steps.len()),
        ));
        return;
    }
    let fmt = |b: Option<f64>| b.map_or("none".to_string(), |v| v.to_string());
    let mut shape_ok = true;
    for (j, st) in steps.iter().enumerate() {
        let stp = sp.index(j);
        for (field, b) in [
            ("lower_bound", st.lower_bound),
            ("upper_bound", st.upper_bound),
        ] {
            if b.is_some_and(|v| !v.is_finite()) {
                out.push((
                    stp.field(field),
                    format!("{field} {} is not a number", fmt(b)),
                ));
                shape_ok = false;
            }
        }
        match (st.lower_bound, st.upper_bound) {
            (None, None) => {
                out.push((
                    stp.clone(),
                    "a step needs a lower_bound or an upper_bound (AAS: they cannot both be null in one step)".into(),
                ));
                shape_ok = false;
            }
            (Some(l), Some(u)) if l >= u => {
                out.push((
                    stp.field("upper_bound"),
                    format!("upper_bound {u} is not above lower_bound {l}"),
                ));
                shape_ok = false;
            }
            _ => {}
        }
        if p.adjustment_type == AdjustmentType::ExactCapacity && st.scaling_adjustment < 0 {
            out.push((
                stp.field("scaling_adjustment"),
                format!(
                    "scaling_adjustment {} is a desired count with ExactCapacity; valid: 0 or more",
                    st.scaling_adjustment
                ),
            ));
        }
    }
    for (field, missing) in [
        (
            "lower_bound",
            (|s| s.lower_bound.is_none()) as fn(&StepAdjustmentSpec) -> bool,
        ),
        ("upper_bound", |s| s.upper_bound.is_none()),
    ] {
        let open: Vec<usize> = (0..steps.len()).filter(|&j| missing(&steps[j])).collect();
        if let Some(&second) = open.get(1) {
            out.push((
                sp.index(second),
                format!(
                    "steps {} both leave out {field}; at most one step may be unbounded on that side",
                    open.iter().map(|j| j.to_string()).collect::<Vec<_>>().join(" and ")
                ),
            ));
            shape_ok = false;
        }
    }
    if !shape_ok {
        return;
    }
    // Ordered from the lowest range up; each must start where the previous one ends.
    let mut order: Vec<usize> = (0..steps.len()).collect();
    order.sort_by(|&x, &y| {
        let key = |j: usize| steps[j].lower_bound.unwrap_or(f64::NEG_INFINITY);
        key(x).total_cmp(&key(y))
    });
    for w in order.windows(2) {
        let (a, b) = (&steps[w[0]], &steps[w[1]]);
        let (Some(end), Some(start)) = (a.upper_bound, b.lower_bound) else {
            // An unbounded upper end below another step always overlaps it.
            out.push((
                sp.index(w[1]),
                format!(
                    "this step (lower_bound {}) overlaps step {}, which has no upper_bound",
                    fmt(b.lower_bound),
                    w[0]
                ),
            ));
            return;
        };
        if start != end {
            let what = if start > end { "a gap" } else { "an overlap" };
            out.push((
                sp.index(w[1]).field("lower_bound"),
                format!(
                    "lower_bound {start} leaves {what} after step {} (upper_bound {end}); step ranges must meet exactly, so start this step at {end}",
                    w[0]
                ),
            ));
            return;
        }
    }
    let (first, last) = (order[0], order[order.len() - 1]);
    let threshold = p.alarm.threshold;
    let metric = p.alarm.metric.as_str();
    let op = p.alarm.comparison_operator;
    if op.above() {
        for (j, st) in steps.iter().enumerate() {
            for (field, b) in [
                ("lower_bound", st.lower_bound),
                ("upper_bound", st.upper_bound),
            ] {
                if let Some(v) = b.filter(|v| *v < 0.0) {
                    out.push((
                        sp.index(j).field(field),
                        format!(
                            "{field} {v} is below the threshold, but alarm \"{}\" ({op:?}) fires only when {metric} is {} {threshold}; bounds are relative to the threshold and must be 0 or more",
                            p.alarm.name,
                            op.words()
                        ),
                    ));
                    return;
                }
            }
        }
        if let Some(l) = steps[first].lower_bound.filter(|l| *l > 0.0) {
            out.push((
                sp.index(first).field("lower_bound"),
                format!(
                    "the lowest step starts at lower_bound {l}, so a metric between {threshold} and {} would match no step; start it at 0",
                    threshold + l
                ),
            ));
        }
        if let Some(u) = steps[last].upper_bound {
            out.push((
                sp.index(last).field("upper_bound"),
                format!(
                    "the highest step ends at upper_bound {u}, so a metric of {} or more would match no step; leave out its upper_bound",
                    threshold + u
                ),
            ));
        }
    } else {
        for (j, st) in steps.iter().enumerate() {
            for (field, b) in [
                ("lower_bound", st.lower_bound),
                ("upper_bound", st.upper_bound),
            ] {
                if let Some(v) = b.filter(|v| *v > 0.0) {
                    out.push((
                        sp.index(j).field(field),
                        format!(
                            "{field} {v} is above the threshold, but alarm \"{}\" ({op:?}) fires only when {metric} is {} {threshold}; bounds are relative to the threshold and must be 0 or less",
                            p.alarm.name,
                            op.words()
                        ),
                    ));
                    return;
                }
            }
        }
        if let Some(u) = steps[last].upper_bound.filter(|u| *u < 0.0) {
            out.push((
                sp.index(last).field("upper_bound"),
                format!(
                    "the highest step ends at upper_bound {u}, so a metric between {} and {threshold} would match no step; end it at 0",
                    threshold + u
                ),
            ));
        }
        if let Some(l) = steps[first].lower_bound {
            out.push((
                sp.index(first).field("lower_bound"),
                format!(
                    "the lowest step starts at lower_bound {l}, so a metric of {} or less would match no step; leave out its lower_bound",
                    threshold + l
                ),
            ));
        }
    }
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
                "health_check_grace_period_seconds {grace} has no effect: service \"{}\" has no load balancer, and no essential container of \"{}\" has a health_check (ECS: \"Health check grace period is only valid for services configured to use load balancers\"); add load_balancers or a health_check, or remove it",
                svc.name, svc.task_definition
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
                "service \"{}\" uses launch_type {:?}; the FARGATE and FARGATE_SPOT capacity providers need launch_type: Fargate",
                svc.name, svc.launch_type
            ),
        ));
    } else if fargate == 0 && svc.launch_type != LaunchType::Ec2 {
        out.push((
            p.field("launch_type"),
            format!(
                "service \"{}\" uses Auto Scaling group capacity providers, which run tasks on EC2 container instances; set launch_type: Ec2",
                svc.name
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
                        "no capacity provider \"{name}\": the cluster has no auto_scaling_groups; add one under capacity with capacity_provider: \"{name}\""
                    )
                } else {
                    format!(
                        "no capacity provider \"{name}\"; valid: {}",
                        asg_names
                            .iter()
                            .map(|n| format!("Asg(\"{n}\")"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ));
        }
    }
    let bases: Vec<&str> = cps
        .iter()
        .filter(|i| i.base > 0)
        .map(|i| i.capacity_provider.as_str())
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

/// The most tasks each service may want (desired count, auto scaling maximum, timeline
/// updates), added up, against [`MAX_TASKS_TOTAL`].
fn tasks_total(out: &mut Problems, s: &Scenario, w: &EcsWorld, sp: &Path) {
    let mut peak: HashMap<&str, u64> = HashMap::new();
    for svc in &w.services {
        let most = (svc.desired_count as u64).max(
            svc.auto_scaling
                .as_ref()
                .map_or(0, |a| a.max_capacity as u64),
        );
        let e = peak.entry(svc.name.as_str()).or_insert(0);
        *e = (*e).max(most);
    }
    for entry in &s.timeline {
        if let Action::UpdateService {
            service,
            desired_count: Some(d),
            ..
        } = &entry.action
            && let Some(e) = peak.get_mut(service.as_str())
        {
            *e = (*e).max(*d as u64);
        }
    }
    let total: u64 = peak.values().sum();
    if total > MAX_TASKS_TOTAL {
        out.push((
            sp.clone(),
            format!(
                "the services may want {total} tasks at once (desired counts, auto scaling maximums and timeline updates added up); Orca simulates at most {MAX_TASKS_TOTAL}"
            ),
        ));
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

// ---------------------------------------------------------------------------------------------
// Timeline

/// The end of the scenario that times are checked against; when the duration itself is invalid
/// (and reported), the longest allowed, so one mistake gives one error.
fn scenario_end(s: &Scenario) -> f64 {
    if s.duration.is_finite() && s.duration > 0.0 && s.duration <= MAX_DURATION {
        s.duration
    } else {
        MAX_DURATION
    }
}

fn timeline(out: &mut Problems, s: &Scenario, ix: &EcsIndex, eks: Option<&EksWorld>) {
    let tp = Path::root().field("timeline");
    let end = scenario_end(s);
    for (i, entry) in s.timeline.iter().enumerate() {
        let p = tp.index(i);
        if !entry.at.is_finite() || entry.at < 0.0 || entry.at > end {
            out.push((
                p.field("at"),
                format!(
                    "at {} is outside the scenario; valid: 0 to the duration, {} seconds",
                    entry.at, end
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
                    "this action works on an EKS Deployment, but the scenario's world is Ecs; use UpdateService, StopTask, FailHealthChecks, ContainerExits, SpotInterruption, TerminateInstance, DrainInstance, SpotInstanceInterruption, ZoneOutage, ZoneRecovers or Note"
                        .into(),
                ));
                continue;
            }
            _ => {}
        }
        action(out, ix, eks, &entry.action, &ap);
    }
}

fn action(out: &mut Problems, ix: &EcsIndex, eks: Option<&EksWorld>, a: &Action, ap: &Path) {
    let deployment_ref = |out: &mut Problems, name: &str| {
        let deployments = eks.map_or(&[][..], |k| k.deployments.as_slice());
        if !deployments.iter().any(|d| d.name == name) {
            out.push((
                ap.field("deployment"),
                format!(
                    "Deployment \"{name}\" is not defined; {}",
                    list(deployments.iter().map(|d| d.name.as_str()))
                ),
            ));
        }
    };
    match a {
        Action::SetImage { deployment, image } => {
            deployment_ref(out, deployment);
            if image.trim().is_empty() {
                out.push((
                    ap.field("image"),
                    format!("the image {image:?} is empty; e.g. \"nginx:1.28\""),
                ));
            }
        }
        Action::ScaleDeployment {
            deployment,
            replicas,
        } => {
            deployment_ref(out, deployment);
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
        Action::RolloutUndo { deployment } => deployment_ref(out, deployment),
        Action::UpdateService {
            service,
            task_definition,
            desired_count,
            minimum_healthy_percent,
            maximum_percent,
            ..
        } => {
            let svc = ix.service_ref(out, service, ap.field("service"));
            if let Some(r) = task_definition {
                let tp = ap.field("task_definition");
                match ix.find_td(r) {
                    Ok(td) => {
                        if let Some(svc) = svc {
                            task_definition_fits(out, ix, svc, td, FitAt::Update(&tp));
                        }
                    }
                    Err(e) => out.push((tp, e)),
                }
            }
            if let Some(d) = desired_count
                && *d > MAX_DESIRED
            {
                out.push((
                    ap.field("desired_count"),
                    format!(
                        "desired_count {d} is above the ECS limit of {MAX_DESIRED} tasks per service"
                    ),
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
            if let Some(svc) = ix.service_ref(out, service, ap.field("service"))
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
            ix.service_ref(out, service, ap.field("service"));
            check_range(out, ap.field("count"), "count", *count, 1, MAX_DESIRED, "");
        }
        Action::FailHealthChecks {
            service,
            revision,
            fraction,
            response,
            recover_after,
        } => {
            if let Some(svc) = ix.service_ref(out, service, ap.field("service"))
                && let Some(r) = revision
            {
                ix.revision_ref(out, svc, *r, ap.field("revision"));
            }
            check_fraction(out, ap.field("fraction"), *fraction);
            if let FailureResponse::Status(code) = response {
                check_status(out, ap.field("response"), *code);
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
        Action::TerminateInstance { instance } | Action::DrainInstance { instance } => {
            ix.instance_ref(out, instance, ap.field("instance"));
        }
        Action::SpotInstanceInterruption { instance } => {
            ix.instance_ref(out, instance, ap.field("instance"));
            if ix.instance_set.contains(instance.as_str())
                && !ix.spot_instances.contains(instance.as_str())
            {
                out.push((
                    ap.field("instance"),
                    format!(
                        "instance \"{instance}\" is an On-Demand instance; only Spot Instances get interruption notices (set spot: true on its instance group)"
                    ),
                ));
            }
        }
        Action::ZoneOutage { zone } | Action::ZoneRecovers { zone } => {
            ix.zone_ref(out, zone, ap.field("zone"));
        }
        Action::Note(_) => {}
    }
}

// ---------------------------------------------------------------------------------------------
// Quizzes

fn condition(out: &mut Problems, ix: &EcsIndex, c: &Condition, p: Path, eks: bool) {
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
            | Condition::PodNominated
            | Condition::NodeDisrupted
    );
    if k8s_condition != eks {
        out.push((
            p,
            if eks {
                "this condition watches ECS services, but the scenario's world is Eks; use PodCrashLoop, ReadinessFailed, LivenessRestart, FailedScheduling, ProgressDeadlineExceeded, ReplicaSetScaled, HpaRescaled, ScaleUpTriggered, PodNominated or NodeDisrupted".into()
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
        | Condition::ScaleUpTriggered
        | Condition::PodNominated
        | Condition::NodeDisrupted => return,
        Condition::CapacityScaledOut | Condition::CapacityScaledIn => {
            if ix.w.capacity.auto_scaling_groups.is_empty() {
                out.push((
                    p,
                    "this condition watches Auto Scaling groups, but the cluster has none; add capacity: (auto_scaling_groups: [...])".into(),
                ));
            }
            return;
        }
        Condition::ServiceScaled { service }
        | Condition::PlacementFailed { service }
        | Condition::DeploymentStuck { service }
        | Condition::CircuitBreakerTripped { service }
        | Condition::RollbackStarted { service }
        | Condition::SteadyState { service } => (service, None),
    };
    let svc = match service {
        Some(name) => ix.service_ref(out, name, p.field("service")),
        None => None,
    };
    if let (Some(svc), Some(r)) = (svc, revision) {
        ix.revision_ref(out, svc, r, p.field("revision"));
    }
}

fn quizzes(out: &mut Problems, s: &Scenario, ix: &EcsIndex, eks: Option<&EksWorld>) {
    let qp = Path::root().field("quizzes");
    let end = scenario_end(s);
    let mut ids = HashSet::new();
    for (i, q) in s.quizzes.iter().enumerate() {
        let p = qp.index(i);
        if q.id.trim().is_empty() {
            out.push((
                p.field("id"),
                format!(
                    "quiz id {:?} is empty; give each quiz an id of its own (answers are saved under it)",
                    q.id
                ),
            ));
        } else if !ids.insert(&q.id) {
            out.push((
                p.field("id"),
                format!(
                    "quiz id \"{}\" is used twice; each quiz needs its own id (answers are saved under it)",
                    q.id
                ),
            ));
        }
        if q.question.trim().is_empty() {
            out.push((
                p.field("question"),
                format!("the question {:?} is empty", q.question),
            ));
        }
        let n = q.choices.len();
        if !(2..=MAX_CHOICES).contains(&n) {
            out.push((
                p.field("choices"),
                match n {
                    0 => format!(
                        "no choices; a quiz has 2 to {MAX_CHOICES} (keys 1–{MAX_CHOICES} pick them)"
                    ),
                    1 => format!(
                        "only 1 choice; a quiz has 2 to {MAX_CHOICES} (keys 1–{MAX_CHOICES} pick them)"
                    ),
                    n => format!(
                        "{n} choices; a quiz has 2 to {MAX_CHOICES} (keys 1–{MAX_CHOICES} pick them)"
                    ),
                },
            ));
        }
        for (j, c) in q.choices.iter().enumerate() {
            if c.trim().is_empty() {
                out.push((
                    p.field("choices").index(j),
                    format!("choice {j} {c:?} is empty; write the answer the learner picks"),
                ));
            }
        }
        if q.correct.is_empty() {
            out.push((
                p.field("correct"),
                "no correct choice; list the right one(s) by number, counting from 0".into(),
            ));
        }
        let mut seen = HashSet::new();
        for (j, c) in q.correct.iter().enumerate() {
            if *c >= n {
                out.push((
                    p.field("correct").index(j),
                    format!(
                        "choice {c} does not exist; this quiz has {n} choices, numbered from 0"
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
                format!("the explanation {:?} is empty; say why the answer is right — it is what the learner reads after answering", q.explanation),
            ));
        }
        match &q.trigger {
            Trigger::At(t) => {
                if !t.is_finite() || *t < 0.0 || *t > end {
                    out.push((
                        p.field("trigger"),
                        format!(
                            "At({t}) is outside the scenario; valid: 0 to the duration, {end} seconds"
                        ),
                    ));
                }
            }
            Trigger::When(c) => condition(out, ix, c, p.field("trigger"), eks.is_some()),
        }
        if let Some(f) = &q.focus {
            let fp = p.field("focus");
            match f {
                Focus::Service(n) => {
                    ix.service_ref(out, n, fp);
                }
                Focus::TargetGroup(n) => {
                    if ix.target_group(n).is_none() {
                        out.push((
                            fp,
                            format!(
                                "target group \"{n}\" is not defined; {}",
                                list(ix.w.target_groups.iter().map(|t| t.name.as_str()))
                            ),
                        ));
                    }
                }
                Focus::Instance(n) => ix.instance_ref(out, n, fp),
                Focus::Zone(z) => ix.zone_ref(out, z, fp),
                Focus::Revision { service, revision } => {
                    if let Some(svc) = ix.service_ref(out, service, fp.field("service")) {
                        ix.revision_ref(out, svc, *revision, fp.field("revision"));
                    }
                }
            }
        }
    }
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

    #[test]
    fn regions_look_like_aws_regions() {
        for ok in ["us-east-1", "eu-west-2", "us-gov-west-1", "ap-southeast-4"] {
            assert!(region_ok(ok), "{ok}");
        }
        for bad in ["", "us-east", "us_east_1", "US-EAST-1", "useast1", "us--1"] {
            assert!(!region_ok(bad), "{bad}");
        }
    }

    #[test]
    fn long_lists_are_cut() {
        let names: Vec<String> = (0..25).map(|i| format!("n{i}")).collect();
        let s = list(&names);
        assert!(s.starts_with("defined: \"n0\", \"n1\""), "{s}");
        assert!(s.ends_with("\"n19\" and 5 more"), "{s}");
        assert_eq!(list(Vec::<String>::new()), "none are defined");
    }
}
