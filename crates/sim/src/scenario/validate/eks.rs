//! The EKS world: node groups, Fargate profiles, Deployments, images, Services and Karpenter's
//! NodePool.

use std::collections::HashSet;

use super::Problems;
use super::caps::nodes_total;
use super::common::{
    Unique, check_limit, check_status, ecs_name_problem, list, name_problem, unknown_instance_type,
};
use super::load::load;
use crate::aws::instance_types;
use crate::scenario::limits::{
    AFTER_SECONDS, CONSOLIDATE_AFTER, CPU_LIMIT, CPU_MILLICORES, HPA_POLICY_PERIOD,
    HPA_POLICY_VALUE, HPA_REPLICAS, HPA_STABILIZATION, HPA_TARGET, K8S_INT32, K8S_MEMORY_MIB,
    NODE_COUNT, PORT, REPLICAS, STARTUP_SECONDS, SURGE_COUNT, SURGE_PERCENT,
};
use crate::scenario::locate::Path;
use crate::scenario::shown::{escaped, quoted};
use crate::scenario::spec::{
    Amount, EksWorld, HpaPolicySpec, HpaScalingRulesSpec, HpaSpec, K8sContainerSpec,
    K8sDeploymentSpec, NodePoolSpec,
};

/// A Kubernetes object name check, shared with the init containers' validation.
pub(super) use super::common::dns_label_ok;

fn amount_value(a: Amount) -> (u32, bool) {
    match a {
        Amount::Count(n) => (n, false),
        Amount::Percent(p) => (p, true),
    }
}

pub(super) fn eks_world(out: &mut Problems, k: &EksWorld, wp: &Path) {
    super::runtime::spec(out, k, wp);
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
                        "Deployment {} is not defined; {}",
                        quoted(d),
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
                unknown_instance_type(&g.instance_type),
            ));
        }
        check_limit(out, p.field("count"), "count", g.count, NODE_COUNT, "");
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
    }
    nodes_total(out, k, wp);
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
                format!("Deployment {} is defined twice", quoted(&d.name)),
            ));
        }
        if let Some(svc) = &d.service
            && !dns_label_ok(&svc.name)
        {
            out.push((
                p.field("service").field("name"),
                format!("Service name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(&svc.name)),
            ));
        }
        deployment(out, d, &p);
    }
    let dsp = wp.field("daemon_sets");
    let mut ds_names = Unique::new();
    for (i, ds) in k.daemon_sets.iter().enumerate() {
        let p = dsp.index(i);
        if !dns_label_ok(&ds.name) {
            out.push((
                p.field("name"),
                format!(
                    "DaemonSet name \"{}\" is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'",
                    ds.name
                ),
            ));
        }
        ds_names.check(out, p.field("name"), "DaemonSet", &ds.name);
        let (value, percent) = amount_value(ds.max_unavailable);
        if value == 0 {
            out.push((
                p.field("max_unavailable"),
                "max_unavailable may not be 0 for a DaemonSet (it has no surge, so the rollout could never make progress), as Kubernetes validation says".into(),
            ));
        } else if percent && value > 100 {
            out.push((
                p.field("max_unavailable"),
                format!("max_unavailable {value}% is out of range; valid: 1–100 %"),
            ));
        }
        container(out, &ds.container, &p.field("container"));
    }
    images(out, k, wp);
}

/// One Deployment: a valid name, replicas and rollout settings Kubernetes accepts, its HPA, load
/// and container. Also checks the Deployment of a `kubectl apply` in the timeline.
pub(super) fn deployment(out: &mut Problems, d: &K8sDeploymentSpec, p: &Path) {
    if !dns_label_ok(&d.name) {
        out.push((
            p.field("name"),
            format!("Deployment name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(&d.name)),
        ));
    }
    check_limit(
        out,
        p.field("replicas"),
        "replicas",
        d.replicas,
        REPLICAS,
        "",
    );
    let (surge, surge_pct) = amount_value(d.max_surge);
    let (unavail, unavail_pct) = amount_value(d.max_unavailable);
    // A count is an int32 in the Kubernetes API; anything larger would also overflow the
    // rollout's `replicas + maxSurge`.
    for (field, value, pct) in [
        ("max_surge", surge, surge_pct),
        ("max_unavailable", unavail, unavail_pct),
    ] {
        if pct {
            check_limit(
                out,
                p.field(field),
                &format!("{field} percent"),
                value,
                SURGE_PERCENT,
                " %",
            );
        } else {
            check_limit(
                out,
                p.field(field),
                &format!("{field} count"),
                value,
                SURGE_COUNT,
                "",
            );
        }
    }
    for (field, value) in [
        ("min_ready_seconds", d.min_ready_seconds),
        ("progress_deadline_seconds", d.progress_deadline_seconds),
        ("revision_history_limit", d.revision_history_limit),
    ] {
        check_limit(out, p.field(field), field, value, K8S_INT32, "");
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
        hpa(out, h, &p.field("hpa"));
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
    container(out, &d.container, &p.field("container"));
    super::init_containers::init_containers(out, d, p);
    super::sidecars::sidecars(out, d, p);
}

/// A HorizontalPodAutoscaler's bounds, target and `behavior`.
pub(super) fn hpa(out: &mut Problems, h: &HpaSpec, p: &Path) {
    check_limit(
        out,
        p.field("min_replicas"),
        "min_replicas",
        h.min_replicas,
        HPA_REPLICAS,
        "",
    );
    if h.max_replicas < h.min_replicas || h.max_replicas as i128 > HPA_REPLICAS.max {
        out.push((
            p.field("max_replicas"),
            format!(
                "max_replicas {} must be at least min_replicas {} and at most {}",
                h.max_replicas, h.min_replicas, HPA_REPLICAS.max
            ),
        ));
    }
    check_limit(
        out,
        p.field("target_cpu_utilization"),
        "target_cpu_utilization",
        h.target_cpu_utilization,
        HPA_TARGET,
        " %",
    );
    if let Some(b) = &h.behavior {
        let bp = p.field("behavior");
        for (field, rules) in [("scale_up", &b.scale_up), ("scale_down", &b.scale_down)] {
            if let Some(r) = rules {
                hpa_rules(out, r, &bp.field(field));
            }
        }
    }
}

/// A pod template's one container: a valid name, an image, requests and a port.
pub(super) fn container(out: &mut Problems, c: &K8sContainerSpec, cp: &Path) {
    {
        if !dns_label_ok(&c.name) {
            out.push((cp.field("name"), format!("container name {} is not a valid Kubernetes name; use lowercase letters, digits and '-'", quoted(&c.name))));
        }
        if c.image.trim().is_empty() {
            out.push((
                cp.field("image"),
                format!(
                    "the image {} is empty; e.g. \"nginx:1.27\"",
                    escaped(&c.image)
                ),
            ));
        }
        if let Some(cpu) = c.cpu {
            check_limit(
                out,
                cp.field("cpu"),
                "cpu request",
                cpu,
                CPU_MILLICORES,
                " millicores",
            );
        }
        check_limit(
            out,
            cp.field("memory"),
            "memory request",
            c.memory,
            K8S_MEMORY_MIB,
            " MiB",
        );
        if c.port == 0 {
            out.push((
                cp.field("port"),
                "port 0 is not valid; valid: 1–65535".into(),
            ));
        }
    }
}

/// How the images behave: each described once, with valid numbers.
fn images(out: &mut Problems, k: &EksWorld, wp: &Path) {
    let ip = wp.field("images");
    let mut seen = HashSet::new();
    for (i, img) in k.images.iter().enumerate() {
        let p = ip.index(i);
        if img.image.trim().is_empty() {
            out.push((
                p.field("image"),
                format!(
                    "the image {} is empty; e.g. \"nginx:1.27\"",
                    escaped(&img.image)
                ),
            ));
        } else if !seen.insert(&img.image) {
            out.push((
                p.field("image"),
                format!("image {} is described twice", quoted(&img.image)),
            ));
        }
        check_limit(
            out,
            p.field("startup_seconds"),
            "startup_seconds",
            img.startup_seconds,
            STARTUP_SECONDS,
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
        for (field, seconds) in [
            ("crashes_after_seconds", img.crashes_after_seconds),
            ("oom_after_seconds", img.oom_after_seconds),
        ] {
            if let Some(s) = seconds {
                check_limit(out, p.field(field), field, s, AFTER_SECONDS, " s");
            }
        }
    }
    if let Some(svc) = &k.service
        && !dns_label_ok(&svc.name)
    {
        out.push((
            wp.field("service").field("name"),
            format!("Service name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(&svc.name)),
        ));
    }
    let services = k.deployments.iter().enumerate().filter_map(|(i, d)| {
        Some((
            wp.field("deployments").index(i).field("service"),
            d.service.as_ref()?,
        ))
    });
    for (sp, svc) in services.chain(k.service.as_ref().map(|s| (wp.field("service"), s))) {
        check_limit(out, sp.field("port"), "port", svc.port, PORT, "");
    }
}

/// `HPAScalingRules` as Kubernetes validates them: a stabilization window of at most one hour,
/// at least one policy when `policies` is given, each with a positive value and a period of at
/// most 30 minutes, and a tolerance that is not negative.
fn hpa_rules(out: &mut Problems, r: &HpaScalingRulesSpec, p: &Path) {
    if let Some(w) = r.stabilization_window_seconds {
        check_limit(
            out,
            p.field("stabilization_window_seconds"),
            "stabilization_window_seconds",
            w,
            HPA_STABILIZATION,
            " s",
        );
    }
    if let Some(policies) = &r.policies {
        if policies.is_empty() {
            out.push((
                p.field("policies"),
                "policies is empty; give at least one, e.g. [Pods(value: 4, period_seconds: 15)], or leave policies out for the defaults".into(),
            ));
        }
        for (i, policy) in policies.iter().enumerate() {
            let pp = p.field("policies").index(i);
            let (HpaPolicySpec::Pods {
                value,
                period_seconds,
            }
            | HpaPolicySpec::Percent {
                value,
                period_seconds,
            }) = *policy;
            check_limit(out, pp.field("value"), "value", value, HPA_POLICY_VALUE, "");
            check_limit(
                out,
                pp.field("period_seconds"),
                "period_seconds",
                period_seconds,
                HPA_POLICY_PERIOD,
                " s",
            );
        }
    }
    if let Some(t) = r.tolerance
        && !(0.0..=10.0).contains(&t)
    {
        out.push((
            p.field("tolerance"),
            format!("tolerance {t} is out of range; valid: 0–10 (0.1 is 10 %)"),
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
                "NodePool name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'",
                quoted(&np.name)
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
            out.push((tp.index(i), unknown_instance_type(t)));
        }
    }
    if let Some(limit) = np.cpu_limit {
        check_limit(
            out,
            p.field("cpu_limit"),
            "cpu_limit",
            limit,
            CPU_LIMIT,
            " vCPUs",
        );
    }
    check_limit(
        out,
        p.field("consolidate_after"),
        "consolidate_after",
        np.consolidate_after,
        CONSOLIDATE_AFTER,
        " s",
    );
    if let Some(e) = np.expire_after {
        check_limit(
            out,
            p.field("expire_after"),
            "expire_after",
            e,
            crate::scenario::limits::EXPIRE_AFTER,
            " s",
        );
    }
    if !crate::k8s::karpenter::ami_id_ok(&np.ami_id) {
        out.push((p.field("ami_id"), bad_ami(&np.ami_id)));
    }
    if crate::k8s::karpenter::parse_budget(&np.budget_nodes).is_none() {
        out.push((
            p.field("budget_nodes"),
            format!(
                "budget_nodes {} is neither a node count nor a percentage; valid: a whole number such as \"2\", or \"0%\" to \"100%\"",
                quoted(&np.budget_nodes)
            ),
        ));
    }
}

fn bad_ami(ami: &str) -> String {
    format!(
        "ami_id {} is not an AMI id; valid: \"ami-\" and 8 or 17 lowercase hexadecimal digits, e.g. \"ami-0e7f1a2b3c4d5e6f7\"",
        quoted(ami)
    )
}

/// `UpdateEc2NodeClass`: the world has a Karpenter NodePool, and the id is an AMI id.
pub(super) fn update_node_class(
    out: &mut Problems,
    eks: Option<&EksWorld>,
    ami_id: &str,
    p: &Path,
) {
    if eks.is_some_and(|k| k.karpenter.is_none()) {
        out.push((
            p.clone(),
            "UpdateEc2NodeClass changes the EC2NodeClass of the Karpenter NodePool, but the world has no karpenter; add karpenter: (...) to the Eks world".into(),
        ));
    }
    if !crate::k8s::karpenter::ami_id_ok(ami_id) {
        out.push((p.field("ami_id"), bad_ami(ami_id)));
    }
}

/// `SpotInterruptNodeClaim`: the world has a Karpenter NodePool of Spot capacity, and the
/// NodeClaim's number is within what a run can launch.
pub(super) fn spot_interrupt(out: &mut Problems, eks: Option<&EksWorld>, nodeclaim: u32, p: &Path) {
    match eks.map(|k| k.karpenter.as_ref()) {
        Some(None) => out.push((
            p.clone(),
            "SpotInterruptNodeClaim interrupts a Karpenter node, but the world has no karpenter; add karpenter: (spot: true, ...) to the Eks world".into(),
        )),
        Some(Some(np)) if !np.spot => out.push((
            p.clone(),
            "SpotInterruptNodeClaim needs Spot capacity, but the NodePool launches on-demand instances, which EC2 does not interrupt; add spot: true to karpenter".into(),
        )),
        _ => {}
    }
    check_limit(
        out,
        p.field("nodeclaim"),
        "nodeclaim",
        nodeclaim,
        crate::scenario::limits::NODECLAIM_INDEX,
        "",
    );
}
