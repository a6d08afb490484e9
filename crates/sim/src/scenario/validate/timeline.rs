//! Timeline entries: when they happen, and whether each action fits the world and names what
//! exists.

use super::Problems;
use super::caps::{MAX_DESIRED, MAX_DURATION};
use super::common::{check_fraction, check_limit, check_status, list, scenario_end};
use super::ecs_index::EcsIndex;
use super::task_definition::{FitAt, task_definition_fits};
use crate::scenario::limits::{CPU_MILLICORES, K8S_MEMORY_MIB};
use crate::scenario::limits::{EXIT_CODE, HPA_REPLICAS, HPA_TARGET, K8S_REVISION};
use crate::scenario::limits::{
    GRACE_PERIOD, MAXIMUM_PERCENT, MINIMUM_HEALTHY_PERCENT, PORT, REPLICAS, TASK_ACTION_COUNT,
};
use crate::scenario::locate::Path;
use crate::scenario::shown::{escaped, quoted};
use crate::scenario::spec::{
    Action, CapacityProvider, EksWorld, FailureResponse, Scenario, WorldSpec,
};

pub(super) fn timeline(out: &mut Problems, s: &Scenario, ix: &EcsIndex, eks: Option<&EksWorld>) {
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
        super::common::notes(out, &entry.notes, p.field("notes"));
        let ap = p.field("action");
        let is_eks_action = entry.action.is_eks();
        if entry.action.is_either() {
            action(out, ix, eks, &entry.action, &ap);
            continue;
        }
        let is_note = matches!(entry.action, Action::Note(_));
        // A side-by-side world takes the actions of both orchestrators.
        let both = matches!(s.world, WorldSpec::Both(_));
        match (eks, is_eks_action) {
            _ if both => {}
            (Some(_), false) if !is_note => {
                out.push((
                    ap.clone(),
                    "this action works on ECS services, but the scenario's world is Eks; use SetImage, SetResources, CreateAddon, UpdateClusterLogging, ScaleDeployment, RolloutUndo, Autoscale, RolloutRestart, RolloutPause, RolloutResume, DeletePod, CreateMountTarget, UpdateStatefulSet, CordonNode, UncordonNode, DrainNode, ApplyDeployment, ApplyService, ApplyHpa, DeleteClusterRoleBinding or Note".into(),
                ));
                continue;
            }
            (None, true) => {
                out.push((
                    ap.clone(),
                    "this action works on an EKS Deployment, but the scenario's world is Ecs; use UpdateService, CreateDeployment, RegisterTaskDefinition, RunTask, StartTask, StopTask, StopTaskById, UpdateInstanceCustomHealthStatus, FailHealthChecks, ContainerExits, SpotInterruption, TerminateInstance, DrainInstance, ActivateInstance, SpotInstanceInterruption, ZoneOutage, ZoneRecovers or Note"
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
                    "Deployment {} is not defined; {}",
                    quoted(name),
                    list(deployments.iter().map(|d| d.name.as_str()))
                ),
            ));
        }
    };
    match a {
        Action::UpdateStatefulSet {
            stateful_set,
            image,
            replicas,
            partition,
        } => super::statefulset::update(
            out,
            eks,
            ap,
            stateful_set,
            image.as_deref(),
            *replicas,
            *partition,
        ),
        Action::SetImage { deployment, image } => {
            deployment_ref(out, deployment);
            if image.trim().is_empty() {
                out.push((
                    ap.field("image"),
                    format!("the image {} is empty; e.g. \"nginx:1.28\"", escaped(image)),
                ));
            }
        }
        Action::SetResources {
            deployment,
            cpu,
            memory,
        } => {
            deployment_ref(out, deployment);
            if cpu.is_none() && memory.is_none() {
                out.push((
                    ap.clone(),
                    "names no request; give cpu (millicores), memory (MiB) or both, e.g. SetResources(deployment: \"web\", cpu: 250)".into(),
                ));
            }
            if let Some(cpu) = cpu {
                check_limit(
                    out,
                    ap.field("cpu"),
                    "cpu",
                    *cpu,
                    CPU_MILLICORES,
                    " millicores",
                );
            }
            if let Some(memory) = memory {
                check_limit(
                    out,
                    ap.field("memory"),
                    "memory",
                    *memory,
                    K8S_MEMORY_MIB,
                    " MiB",
                );
            }
        }
        Action::UpdateClusterLogging { types, .. } => {
            if types.is_empty() {
                out.push((
                    ap.field("types"),
                    "names no log type; give one or more of Api, Audit, Authenticator, ControllerManager, Scheduler".into(),
                ));
            }
        }
        Action::CreateAddon { name } => {
            if !crate::k8s::addons::INSTALLABLE.contains(&name.as_str()) {
                out.push((
                    ap.field("name"),
                    format!(
                        "Orca installs the add-ons {} and {} only, not {}",
                        quoted(crate::k8s::addons::METRICS_SERVER),
                        quoted(crate::k8s::addons::CLOUDWATCH_OBSERVABILITY),
                        quoted(name)
                    ),
                ));
            }
        }
        Action::ScaleDeployment {
            deployment,
            replicas,
        } => {
            deployment_ref(out, deployment);
            check_limit(
                out,
                ap.field("replicas"),
                "replicas",
                *replicas,
                REPLICAS,
                "",
            );
        }
        Action::RolloutUndo {
            deployment,
            to_revision,
        } => {
            deployment_ref(out, deployment);
            if let Some(r) = to_revision {
                check_limit(
                    out,
                    ap.field("to_revision"),
                    "to_revision",
                    *r,
                    K8S_REVISION,
                    "",
                );
            }
        }
        Action::Autoscale {
            deployment,
            min_replicas,
            max_replicas,
            target_cpu_utilization,
        } => {
            deployment_ref(out, deployment);
            check_limit(
                out,
                ap.field("min_replicas"),
                "min_replicas",
                *min_replicas,
                HPA_REPLICAS,
                "",
            );
            if max_replicas < min_replicas || *max_replicas as i128 > HPA_REPLICAS.max {
                out.push((
                    ap.field("max_replicas"),
                    format!(
                        "max_replicas {max_replicas} must be at least min_replicas {min_replicas} and at most {}",
                        HPA_REPLICAS.max
                    ),
                ));
            }
            check_limit(
                out,
                ap.field("target_cpu_utilization"),
                "target_cpu_utilization",
                *target_cpu_utilization,
                HPA_TARGET,
                " %",
            );
        }
        Action::RolloutRestart { deployment }
        | Action::RolloutPause { deployment }
        | Action::RolloutResume { deployment } => deployment_ref(out, deployment),
        Action::ApplyDeployment { spec, .. } => {
            let sp = ap.field("spec");
            if !eks.is_some_and(|k| k.deployments.iter().any(|d| d.name == spec.name)) {
                out.push((
                    sp.field("name"),
                    format!(
                        "Deployment {} is not defined; an applied Deployment changes one of the scenario's: {}",
                        quoted(&spec.name),
                        list(eks.map_or(&[][..], |k| k.deployments.as_slice()).iter().map(|d| d.name.as_str()))
                    ),
                ));
            }
            super::eks::deployment(out, spec, &sp);
            for (field, set) in [
                ("service", spec.service.is_some()),
                ("hpa", spec.hpa.is_some()),
                ("load", spec.load.is_some()),
            ] {
                if set {
                    out.push((
                        sp.field(field),
                        format!("an applied Deployment leaves {field} out; apply a Service with ApplyService, an HPA with ApplyHpa, and change the load with SetLoad"),
                    ));
                }
            }
        }
        Action::RegisterTaskDefinition {
            task_definition: td,
        } => {
            let tp = ap.field("task_definition");
            super::task_definition::task_definition(out, td, &tp);
            super::iam::task_definition_roles(out, td, &tp, &ix.w.iam, &ix.w.cluster.account_id);
            if ix
                .w
                .task_definitions
                .iter()
                .any(|t| t.family == td.family && t.revision == td.revision)
            {
                out.push((
                    tp.field("revision"),
                    format!(
                        "task definition {} is already defined; a registered revision is the family's next number",
                        quoted(&format!("{}:{}", td.family, td.revision))
                    ),
                ));
            }
        }
        Action::ApplyService {
            deployment,
            service,
        } => {
            deployment_ref(out, deployment);
            let sp = ap.field("service");
            if !super::eks::dns_label_ok(&service.name) {
                out.push((
                    sp.field("name"),
                    format!("Service name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(&service.name)),
                ));
            }
            check_limit(out, sp.field("port"), "port", service.port, PORT, "");
        }
        Action::ApplyHpa {
            name,
            deployment,
            hpa,
        } => {
            deployment_ref(out, deployment);
            if !super::eks::dns_label_ok(name) {
                out.push((
                    ap.field("name"),
                    format!("HorizontalPodAutoscaler name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(name)),
                ));
            }
            super::eks::hpa(out, hpa, &ap.field("hpa"));
        }
        Action::ApplyPdb { pdb } => super::disruption::pdb(out, pdb, &ap.field("pdb")),
        Action::UpdateEc2NodeClass { ami_id } => {
            super::eks::update_node_class(out, eks, ami_id, ap)
        }
        Action::SpotInterruptNodeClaim { nodeclaim } => {
            super::eks::spot_interrupt(out, eks, *nodeclaim, ap)
        }
        Action::DeletePod { pod } => dns_name(out, ap.field("pod"), "pod", pod),
        Action::CreateMountTarget {
            file_system_id,
            zone,
        } => super::eks_efs::create_mount_target(out, eks, file_system_id, zone, ap),
        Action::CordonNode { node }
        | Action::UncordonNode { node }
        | Action::DrainNode { node } => dns_name(out, ap.field("node"), "node", node),
        Action::CreateDeployment {
            service,
            task_definition,
        } => super::blue_green::create_deployment(out, ix, service, task_definition, ap),
        Action::ContinueServiceDeployment { .. }
        | Action::StopServiceDeployment { .. }
        | Action::StopDeployment { .. }
        | Action::ContinueDeployment { .. } => super::blue_green::deploy_control(out, ix, a, ap),
        Action::UpdateService {
            service,
            task_definition,
            desired_count,
            minimum_healthy_percent,
            maximum_percent,
            health_check_grace_period_seconds,
            force_new_deployment,
            volume_configurations,
            ..
        } => {
            let svc = ix.service_ref(out, service, ap.field("service"));
            if let (Some(svc), Some(v)) = (svc, volume_configurations) {
                super::ecs_ebs::update_service(out, ix, svc, task_definition.as_deref(), v, ap);
            }
            if let Some(svc) = svc {
                super::scheduling::daemon_update(out, svc, ap, *desired_count, *maximum_percent);
                super::blue_green::update_service(
                    out,
                    svc,
                    task_definition.as_deref(),
                    *force_new_deployment,
                    ap,
                );
            }
            if let Some(g) = health_check_grace_period_seconds {
                check_limit(
                    out,
                    ap.field("health_check_grace_period_seconds"),
                    "health_check_grace_period_seconds",
                    *g,
                    GRACE_PERIOD,
                    "",
                );
            }
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
                check_limit(
                    out,
                    ap.field("minimum_healthy_percent"),
                    "minimum_healthy_percent",
                    *m,
                    MINIMUM_HEALTHY_PERCENT,
                    "",
                );
            }
            if let Some(m) = maximum_percent {
                check_limit(
                    out,
                    ap.field("maximum_percent"),
                    "maximum_percent",
                    *m,
                    MAXIMUM_PERCENT,
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
                    format!("service {} runs no FARGATE_SPOT tasks; give it a capacity_provider_strategy with FargateSpot", quoted(service)),
                ));
            }
            check_limit(
                out,
                ap.field("count"),
                "count",
                *count,
                TASK_ACTION_COUNT,
                "",
            );
        }
        Action::RunTask { .. } => {
            if let Some(run) = crate::ecs::standalone::RunTask::of(a) {
                super::ecs_run_task::run_task(out, ix, run, ap);
            }
        }
        Action::StartTask { .. } => {
            if let Some(call) = crate::ecs::standalone::StartTask::of(a) {
                super::ecs_run_task::start_task(out, ix, call, ap);
            }
        }
        Action::StopTask { service, count } => {
            ix.service_ref(out, service, ap.field("service"));
            check_limit(
                out,
                ap.field("count"),
                "count",
                *count,
                TASK_ACTION_COUNT,
                "",
            );
        }
        Action::ContainerExits {
            service,
            count,
            exit_code,
        } => {
            ix.service_ref(out, service, ap.field("service"));
            check_limit(
                out,
                ap.field("count"),
                "count",
                *count,
                TASK_ACTION_COUNT,
                "",
            );
            check_limit(
                out,
                ap.field("exit_code"),
                "exit_code",
                *exit_code,
                EXIT_CODE,
                "",
            );
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
        Action::TerminateInstance { instance }
        | Action::DrainInstance { instance }
        | Action::ActivateInstance { instance } => {
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
                        "instance {} is an On-Demand instance; only Spot Instances get interruption notices (set spot: true on its instance group)",
                        quoted(instance)
                    ),
                ));
            }
        }
        Action::ZoneOutage { zone } | Action::ZoneRecovers { zone } => {
            ix.zone_ref(out, zone, ap.field("zone"));
        }
        Action::RecoverHealthChecks { service, revision } => {
            if let Some(svc) = ix.service_ref(out, service, ap.field("service"))
                && let Some(r) = revision
            {
                ix.revision_ref(out, svc, *r, ap.field("revision"));
            }
        }
        Action::SetLoad { target, rps } => {
            let is_deployment =
                eks.is_some_and(|k| k.deployments.iter().any(|d| &d.name == target));
            if !is_deployment {
                ix.service_ref(out, target, ap.field("target"));
            }
            if !rps.is_finite() || *rps < 0.0 || *rps > 1_000_000.0 {
                out.push((
                    ap.field("rps"),
                    format!("rps {rps} is out of range; valid: 0 to 1000000 requests per second"),
                ));
            }
        }
        Action::UpdateInstanceCustomHealthStatus {
            registry, instance, ..
        } => super::service_discovery::custom_health_action(out, ix, registry, instance, ap),
        Action::StopTaskById { task, .. } => {
            // Task ids come from the run (the same scenario and seed give the same ids), so
            // only their form can be checked here.
            if task.len() != 32 || !task.bytes().all(|b| b.is_ascii_hexdigit()) {
                out.push((
                    ap.field("task"),
                    format!(
                        "task {} is not a task id; valid: the 32 hex digits ECS gives a task (as `orca run` prints them)",
                        quoted(task)
                    ),
                ));
            }
        }
        // The registry's actions are checked against its repositories in `ecr.rs`.
        Action::PushImage { .. } | Action::DeleteImage { .. } | Action::StartImageScan { .. } => {}
        Action::ModifyInstanceMetadataOptions { .. }
        | Action::PutRolePolicy { .. }
        | Action::UpdateAssumeRolePolicy { .. }
        | Action::AnnotateServiceAccount { .. }
        | Action::CreateServiceAccount { .. }
        | Action::CreatePodIdentityAssociation { .. }
        | Action::DeletePodIdentityAssociation { .. } => {
            if let Action::CreateServiceAccount { service_account } = a {
                dns_name(
                    out,
                    ap.field("service_account"),
                    "service account",
                    service_account,
                );
            }
            if let Action::DeletePodIdentityAssociation { namespace, .. } = a {
                dns_name(out, ap.field("namespace"), "namespace", namespace);
            }
            let (spec, account) = match eks {
                // A side-by-side world whose ECS part models IAM: the part the action names.
                Some(k) if !ix.w.iam.is_empty() => {
                    let ecs_roles = role_names(&ix.w.iam);
                    let eks_roles = (!k.iam.is_empty()).then(|| role_names(&k.iam));
                    match crate::iam::actions::route(a, Some(&ecs_roles), eks_roles.as_deref()) {
                        Err(e) => {
                            let at = match a {
                                Action::PutRolePolicy { .. }
                                | Action::UpdateAssumeRolePolicy { .. } => ap.field("role"),
                                _ => ap.clone(),
                            };
                            out.push((at, e));
                            return;
                        }
                        Ok(parts) if parts.eks => (&k.iam, &k.cluster.account_id),
                        Ok(_) => (&ix.w.iam, &ix.w.cluster.account_id),
                    }
                }
                Some(k) => (&k.iam, &k.cluster.account_id),
                None => (&ix.w.iam, &ix.w.cluster.account_id),
            };
            super::iam::action(out, a, ap, spec, account, eks.is_some());
        }
        Action::ExecIntoPod { pod, namespace } => {
            if eks.is_none() {
                out.push((
                    ap.clone(),
                    "kubectl exec works on an EKS cluster; the scenario's world is Ecs".into(),
                ));
            }
            let name = pod
                .strip_prefix("deploy/")
                .or_else(|| pod.strip_prefix("deployment/"))
                .unwrap_or(pod);
            dns_name(out, ap.field("pod"), "pod", name);
            dns_name(out, ap.field("namespace"), "namespace", namespace);
        }
        Action::CreateClusterRoleBinding {
            name,
            cluster_role,
            user,
        } => {
            if eks.is_none() {
                out.push((
                    ap.clone(),
                    "cluster role bindings are Kubernetes objects; the scenario's world is Ecs"
                        .into(),
                ));
            }
            dns_name(out, ap.field("name"), "binding", name);
            for (field, v) in [("cluster_role", cluster_role), ("user", user)] {
                if v.is_empty() || v.len() > 253 {
                    out.push((ap.field(field), format!("{field} has 1 to 253 characters")));
                }
            }
        }
        Action::DeleteClusterRoleBinding { name } => {
            dns_name(out, ap.field("name"), "binding", name);
        }
        Action::RuntimeActivity { pod, namespace, .. } => {
            let name = pod
                .strip_prefix("deploy/")
                .or_else(|| pod.strip_prefix("deployment/"))
                .unwrap_or(pod);
            dns_name(out, ap.field("pod"), "pod", name);
            dns_name(out, ap.field("namespace"), "namespace", namespace);
            super::runtime::action(out, a, ap, eks);
        }
        // Checked with the world's detector (`ecs_guardduty`).
        Action::UpdateDetector { .. } => {}
        Action::TaskRuntimeActivity { service, .. } => {
            ix.service_ref(out, service, ap.field("service"));
        }
        Action::Note(_) => {}
    }
}

/// Pod and node names come from the run (the same scenario and seed give the same names), so
/// only their form is checked: a DNS subdomain name (lowercase letters, digits, `-` and `.`, at
/// most 253 characters) — Kubernetes, "Object Names and IDs".
fn role_names(s: &crate::scenario::spec::IamSpec) -> Vec<&str> {
    s.roles.iter().map(|r| r.name.as_str()).collect()
}

fn dns_name(out: &mut Problems, p: Path, what: &str, name: &str) {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !ok {
        out.push((
            p,
            format!(
                "{what} {} is not a Kubernetes object name; valid: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit (as `orca run` prints the {what}'s name)",
                quoted(name)
            ),
        ));
    }
}
