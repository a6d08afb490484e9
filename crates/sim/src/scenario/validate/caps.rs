//! Caps that keep a hostile or mistaken file from exhausting memory or time: how many objects a
//! file may declare and how many tasks its services may want at once.

use std::collections::{HashMap, HashSet};

use super::Problems;
use crate::aws::instance_types;
use crate::scenario::limits;
use crate::scenario::locate::Path;
use crate::scenario::spec::{
    Action, Amount, EcsWorld, EksWorld, K8sStrategy, Scenario, SchedulingStrategy,
};

/// Container instances in a cluster (instance groups' counts added up): the ECS quota.
pub const MAX_INSTANCES: u32 = limits::INSTANCE_COUNT.max as u32;
/// The ECS quota of tasks per service.
pub const MAX_DESIRED: u32 = limits::DESIRED_COUNT.max as u32;
/// Tasks all services together may want at once: desired counts, auto scaling maximums and
/// timeline updates, whichever is largest for each service.
pub const MAX_TASKS_TOTAL: u64 = 10_000;
pub const MAX_TASK_DEFINITIONS: usize = 1_000;
pub const MAX_SERVICES: usize = 1_000;
pub const MAX_TARGET_GROUPS: usize = 100;
pub const MAX_TIMELINE: usize = 10_000;
pub const MAX_QUIZZES: usize = 500;
/// A day: scenarios are lessons, not soak tests.
pub const MAX_DURATION: f64 = limits::DAY_SECONDS as f64;
/// Problems reported for one file. Each is located by walking the source, so a file full of
/// mistakes would otherwise take minutes to report; nobody fixes more than this at once.
pub const MAX_PROBLEMS: usize = 100;

/// Nodes of an EKS cluster in all (Orca's cap).
pub const MAX_NODES: u64 = limits::NODE_COUNT.max as u64;
/// Tasks or pods, and instances or nodes, that can exist at once, times the duration in
/// seconds: see [`run_cost`].
pub const MAX_RUN_COST: u64 = 200_000_000;

/// Most instances one Auto Scaling group may hold in a scenario (Orca's cap).
pub const MAX_ASG_SIZE: u32 = limits::ASG_MAX_SIZE.max as u32;

/// The most tasks each service may want: its desired count, auto scaling maximum and timeline
/// updates, whichever is largest.
fn peak_desired<'a>(s: &'a Scenario, w: &'a EcsWorld) -> HashMap<&'a str, u64> {
    let mut peak: HashMap<&str, u64> = HashMap::new();
    for svc in &w.services {
        // A DAEMON service wants one task per instance the cluster can hold.
        let own = match svc.scheduling_strategy {
            SchedulingStrategy::Replica => svc.desired_count.unwrap_or(0) as u64,
            SchedulingStrategy::Daemon => ecs_instances(w),
        };
        let most = own.max(
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
    peak
}

/// The most tasks each service may want, added up, against [`MAX_TASKS_TOTAL`].
pub(super) fn tasks_total(out: &mut Problems, s: &Scenario, w: &EcsWorld, sp: &Path) {
    let total: u64 = peak_desired(s, w).values().sum();
    if total > MAX_TASKS_TOTAL {
        out.push((
            sp.clone(),
            format!(
                "the services may want {total} tasks at once (desired counts, auto scaling maximums and timeline updates added up); Orca simulates at most {MAX_TASKS_TOTAL}"
            ),
        ));
    }
}

/// Container instances the cluster can have: every instance group's count and every Auto
/// Scaling group's `max_size` (managed scaling may launch up to it), against the ECS quota of
/// [`MAX_INSTANCES`] per cluster.
pub(super) fn instances_total(out: &mut Problems, w: &EcsWorld, cp: &Path) {
    let total = ecs_instances(w);
    if total > MAX_INSTANCES as u64 {
        let asg = if w.capacity.auto_scaling_groups.is_empty() {
            ""
        } else {
            " (instance group counts and Auto Scaling group max_size added up)"
        };
        out.push((
            cp.clone(),
            format!(
                "{total} container instances in all{asg}; ECS registers at most {MAX_INSTANCES} per cluster"
            ),
        ));
    }
}

fn ecs_instances(w: &EcsWorld) -> u64 {
    let groups: u64 = w.capacity.instances.iter().map(|g| g.count as u64).sum();
    let asgs: u64 = w
        .capacity
        .auto_scaling_groups
        .iter()
        .map(|g| g.max_size as u64)
        .sum();
    groups + asgs
}

/// Nodes the cluster can have: each node group at its `max` (the Cluster Autoscaler may grow it
/// there) or its count, and the nodes Karpenter can launch within `limits.cpu`, against
/// [`MAX_NODES`].
pub(super) fn nodes_total(out: &mut Problems, k: &EksWorld, wp: &Path) {
    let groups = node_group_nodes(k);
    let karpenter = karpenter_nodes(k).unwrap_or(0);
    let total = groups + karpenter;
    if total <= MAX_NODES {
        return;
    }
    let mut how = Vec::new();
    if k.node_groups.iter().any(|g| g.max.is_some()) {
        how.push("node groups at their max".to_string());
    }
    let at = if karpenter > 0 {
        how.push(format!("{karpenter} Karpenter nodes within limits.cpu"));
        wp.field("karpenter").field("cpu_limit")
    } else {
        wp.field("node_groups")
    };
    let how = match how.len() {
        0 => String::new(),
        _ => format!(" ({})", how.join(", and ")),
    };
    out.push((
        at,
        format!("{total} nodes in all{how}; at most {MAX_NODES}"),
    ));
}

fn node_group_nodes(k: &EksWorld) -> u64 {
    k.node_groups
        .iter()
        .map(|g| g.count.max(g.max.unwrap_or(g.count)) as u64)
        .sum()
}

/// The most nodes Karpenter can run within `limits.cpu`: as many of the smallest allowed type
/// as fit. `None` without a limit (the pods it must place bound it then).
fn karpenter_nodes(k: &EksWorld) -> Option<u64> {
    let np = k.karpenter.as_ref()?;
    let limit = np.cpu_limit? as u64;
    let smallest = np
        .instance_types
        .iter()
        .filter_map(|t| instance_types::lookup(t))
        .map(|t| t.vcpu as u64)
        .min()?;
    Some(limit / smallest.max(1))
}

/// What a scenario can have at once: tasks or pods, and the instances or nodes they run on.
pub(super) struct Peak {
    pub work: u64,
    pub hosts: u64,
    /// `("tasks", "instances")` or `("pods", "nodes")`.
    pub nouns: (&'static str, &'static str),
    /// A cap on the counts themselves is already exceeded (and reported): one mistake, one
    /// error.
    pub over_a_cap: bool,
}

/// ECS: each service at its largest desired count, with `maximumPercent` of it running during a
/// deployment (the largest the service or a timeline update sets); and every instance.
impl Peak {
    /// Both parts of a side-by-side world run at once: their work and hosts add up.
    pub(super) fn both(ecs: &Peak, eks: &Peak) -> Peak {
        Peak {
            work: ecs.work.saturating_add(eks.work),
            hosts: ecs.hosts.saturating_add(eks.hosts),
            nouns: ("tasks and pods", "instances and nodes"),
            over_a_cap: ecs.over_a_cap || eks.over_a_cap,
        }
    }
}

pub(super) fn ecs_peak(s: &Scenario, w: &EcsWorld) -> Peak {
    let peak = peak_desired(s, w);
    let mut work = 0u64;
    for svc in &w.services {
        let updates = s.timeline.iter().filter_map(|e| match &e.action {
            Action::UpdateService {
                service,
                maximum_percent: Some(m),
                ..
            } if *service == svc.name => Some(*m),
            _ => None,
        });
        let percent = updates
            .chain([svc
                .deployment_configuration
                .maximum(svc.scheduling_strategy)])
            .max()
            .unwrap_or(100)
            .min(limits::MAXIMUM_PERCENT.max as u32) as u64;
        // A blue/green deployment runs the original and the replacement at full size at once,
        // whatever maximumPercent says.
        let percent = if svc.is_blue_green() {
            percent.max(200)
        } else {
            percent
        };
        let desired = peak.get(svc.name.as_str()).copied().unwrap_or(0);
        work += desired * percent.max(100) / 100;
    }
    let hosts = ecs_instances(w);
    Peak {
        work,
        hosts,
        nouns: ("tasks", "instances"),
        over_a_cap: hosts > MAX_INSTANCES as u64 || peak.values().sum::<u64>() > MAX_TASKS_TOTAL,
    }
}

/// EKS: each Deployment at its largest replica count (replicas, HPA maximum, timeline scaling)
/// plus the surge of a rolling update, which never adds more pods than the Deployment has; and
/// the nodes: node groups at their max, Karpenter's (within `limits.cpu`, else one per pod at
/// most) and one Fargate node per pod on Fargate.
pub(super) fn eks_peak(s: &Scenario, k: &EksWorld) -> Peak {
    let on_fargate: HashSet<&str> = k
        .fargate_profiles
        .iter()
        .flat_map(|f| f.deployments.iter().map(String::as_str))
        .collect();
    let mut work = 0u64;
    let mut fargate_nodes = 0u64;
    for d in &k.deployments {
        let scaled = s.timeline.iter().filter_map(|e| match &e.action {
            Action::ScaleDeployment {
                deployment,
                replicas,
            } if *deployment == d.name => Some(*replicas as u64),
            Action::ApplyDeployment {
                spec,
                keep_replicas: false,
            } if spec.name == d.name => Some(spec.replicas as u64),
            Action::ApplyHpa {
                deployment, hpa, ..
            } if *deployment == d.name => Some(hpa.max_replicas as u64),
            _ => None,
        });
        // Rollout settings: the scenario's, and any a `kubectl apply` sets later.
        let settings: Vec<(K8sStrategy, Amount)> = s
            .timeline
            .iter()
            .filter_map(|e| match &e.action {
                Action::ApplyDeployment { spec, .. } if spec.name == d.name => {
                    Some((spec.strategy, spec.max_surge))
                }
                _ => None,
            })
            .chain([(d.strategy, d.max_surge)])
            .collect();
        let peak = scaled
            .chain([d.replicas as u64])
            .chain(d.hpa.as_ref().map(|h| h.max_replicas as u64))
            .max()
            .unwrap_or(0);
        let surge = settings
            .iter()
            .map(|&(strategy, max_surge)| match (strategy, max_surge) {
                (K8sStrategy::Recreate, _) => 0,
                (_, Amount::Count(n)) => n as u64,
                (_, Amount::Percent(p)) => (peak * p as u64).div_ceil(100),
            })
            .max()
            .unwrap_or(0);
        let pods = peak + surge.min(peak);
        work += pods;
        if on_fargate.contains(d.name.as_str()) {
            fargate_nodes += pods;
        }
    }
    // A StatefulSet replaces one pod at a time and never surges: its largest replica count.
    for set in &k.stateful_sets {
        let scaled = s.timeline.iter().filter_map(|e| match &e.action {
            Action::UpdateStatefulSet {
                stateful_set,
                replicas: Some(n),
                ..
            } if *stateful_set == set.name => Some(*n as u64),
            _ => None,
        });
        work += scaled.chain([set.replicas as u64]).max().unwrap_or(0);
    }
    let karpenter = match &k.karpenter {
        Some(_) => karpenter_nodes(k).unwrap_or(work),
        None => 0,
    };
    Peak {
        work,
        hosts: node_group_nodes(k) + karpenter + fargate_nodes,
        nouns: ("pods", "nodes"),
        over_a_cap: node_group_nodes(k) + karpenter_nodes(k).unwrap_or(0) > MAX_NODES,
    }
}

/// The cost of a run, against [`MAX_RUN_COST`]: everything that can exist at once (tasks or
/// pods, and the instances or nodes under them) times the scenario's duration in seconds, in
/// "object-seconds".
///
/// Why this product: the engine's work and the event log grow with how many objects change
/// state per simulated second, and an object changes state at most every few seconds. Steady
/// services cost little (10,000 tasks for two hours ran in 0.9 s), but crash-looping ones
/// restart every task every ~20 s, and then time and memory grow with tasks × seconds: 1,000
/// for an hour took 7.4 s and 1 GB, 10,000 for ten minutes 13.5 s and 1.5 GB (release build,
/// measured when the cap was chosen), about 2 µs and 250 bytes per object-second.
///
/// Why 200 million: every built-in scenario stays under 0.25 million, the largest test
/// scenario (a subnet filled with 8,198 tasks for 35 minutes) costs 17.2 million and the
/// benchmark (10,000 tasks, 20,000 during its rolling update, on 500 instances for an hour)
/// 74 million, while 10,000 tasks for a day cost 864 million (1.7 billion with the default
/// maximumPercent of 200). At the cap a steady run takes seconds; a file whose every task
/// crash-loops could still take minutes and gigabytes, which the cap on tasks at once
/// ([`MAX_TASKS_TOTAL`]) keeps from growing further.
pub(super) fn run_cost(out: &mut Problems, s: &Scenario, peak: &Peak) {
    if peak.over_a_cap || !s.duration.is_finite() || s.duration <= 0.0 || s.duration > MAX_DURATION
    {
        // Reported on its own.
        return;
    }
    let at_once = peak.work + peak.hosts;
    let seconds = s.duration.ceil() as u64;
    let cost = at_once.saturating_mul(seconds);
    if cost > MAX_RUN_COST {
        let (work, hosts) = peak.nouns;
        let what = [(peak.work, work), (peak.hosts, hosts)]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, noun)| format!("{n} {noun}"))
            .collect::<Vec<_>>()
            .join(" and ");
        out.push((
            Path::root().field("duration"),
            format!(
                "this scenario could run up to {what} at once for {seconds} seconds ({cost} object-seconds); Orca runs at most {MAX_RUN_COST} object-seconds, e.g. {} at once for this duration: shorten the duration or lower the counts",
                MAX_RUN_COST / seconds.max(1)
            ),
        ));
    }
}
