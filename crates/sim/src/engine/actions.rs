//! Timeline actions: what the scenario does at a moment (an `update-service`, a fault).

use crate::ecs::cluster::Ctx;
use crate::ecs::ids::{ServiceIdx, TaskIdx};
use crate::ecs::task_lifecycle::{self, StopCause};
use crate::ecs::{ContainerStatus, FailWindow, InstanceStatus, TaskStatus, container_health};
use crate::elb::target_health;
use crate::engine::WorldCtx;
use crate::engine::build::{self, fail_mode};
use crate::engine::update_service::announce;
use crate::event::{EventKind, Source, Subject};
use crate::k8s::interventions;
use crate::k8s::rollout::IntOrPercent;
use crate::k8s::tick::EksCtx;
use crate::rng::chance;
use crate::scenario::spec::Action;
use crate::time::SimTime;

/// Running tasks of a service (optionally of one revision), oldest first.
fn running_tasks(ctx: &Ctx, s: ServiceIdx, revision: Option<u32>) -> Vec<TaskIdx> {
    ctx.world
        .service(s)
        .tasks
        .iter()
        .copied()
        .filter(|&t| {
            let task = ctx.world.task(t);
            task.is_live()
                && task.last_status == TaskStatus::Running
                && revision
                    .is_none_or(|r| ctx.world.task_definition(task.task_definition).revision == r)
        })
        .collect()
}

fn role_names(iam: &crate::iam::Iam) -> Vec<String> {
    iam.roles.iter().map(|r| r.name.clone()).collect()
}

fn str_refs(names: &Option<Vec<String>>) -> Option<Vec<&str>> {
    names
        .as_ref()
        .map(|n| n.iter().map(String::as_str).collect())
}

/// Carry out a timeline action: on the network, the ECS part or the EKS part.
pub fn apply(ctx: &mut WorldCtx, action: &Action) {
    match action {
        Action::Note(text) => {
            ctx.emit(
                Source::Scenario,
                EventKind::Note {
                    text: text.as_str().into(),
                },
                text.clone(),
                Vec::new(),
            );
        }
        Action::ZoneOutage { zone } | Action::ZoneRecovers { zone } => {
            zone_changed(ctx, zone, matches!(action, Action::ZoneOutage { .. }));
        }
        a if a.is_ecr() => crate::ecr::controller::on_action(&mut ctx.ecr(), action),
        a if a.is_iam() => {
            // kubectl's calls are audited as the API server saw them before the change.
            let audited = matches!(
                action,
                Action::AnnotateServiceAccount { .. } | Action::CreateServiceAccount { .. }
            )
            .then(|| super::audited::kubectl_call(ctx, action))
            .flatten();
            // A side-by-side world: the part (or parts) the action names.
            let crate::world::World { ecs, eks, .. } = &mut *ctx.world;
            let ecs_iam = ecs.as_mut().and_then(|c| c.iam.as_mut());
            let eks_iam = eks.as_mut().and_then(|k| k.iam.as_mut());
            let ecs_roles = ecs_iam.as_deref().map(role_names);
            let eks_roles = eks_iam.as_deref().map(role_names);
            let (ecs_refs, eks_refs) = (str_refs(&ecs_roles), str_refs(&eks_roles));
            let parts =
                crate::iam::actions::route(action, ecs_refs.as_deref(), eks_refs.as_deref());
            let mut line = None;
            let now = ctx.now;
            if let Ok(parts) = parts {
                if parts.ecs
                    && let Some(i) = ecs_iam
                {
                    line = crate::iam::actions::apply(i, action, now).or(line);
                }
                if parts.eks
                    && let Some(i) = eks_iam
                {
                    line = crate::iam::actions::apply(i, action, now).or(line);
                }
            }
            if let Some(line) = line {
                if let Some(call) = audited {
                    super::audited::record_iam_kubectl(ctx, call, &line);
                }
                ctx.emit(
                    Source::Scenario,
                    EventKind::ActionApplied {
                        description: line.as_str().into(),
                    },
                    line,
                    Vec::new(),
                );
            }
        }
        a if a.is_audited() => super::audited::timeline_call(ctx, action),
        a if a.is_eks() => {
            if let Some(mut c) = ctx.eks() {
                super::audited::kubectl(&mut c, action, eks);
            }
        }
        // A load names a service or a Deployment.
        Action::SetLoad { target, .. }
            if ctx
                .world
                .eks
                .as_ref()
                .is_some_and(|k| k.deployment_index(target).is_some()) =>
        {
            if let Some(mut c) = ctx.eks() {
                eks(&mut c, action);
            }
        }
        _ => {
            if let Some(mut c) = ctx.ecs() {
                ecs(&mut c, action);
                if matches!(action, Action::RegisterTaskDefinition { .. }) {
                    crate::compliance::reevaluate::reevaluate(&mut c);
                }
            }
        }
    }
}

fn eks(ctx: &mut EksCtx, action: &Action) {
    match action {
        Action::SetImage { deployment, image } => {
            let now = ctx.now;
            let c = &mut *ctx.world;
            let Some(d) = c.deployment_index(deployment) else {
                return;
            };
            let container = c.deployments[d].template.container.clone();
            c.set_image(d, image, now);
            kubectl(
                ctx,
                deployment,
                format!("kubectl set image deployment/{deployment} {container}={image}"),
            );
        }
        Action::SetResources {
            deployment,
            cpu,
            memory,
        } => {
            if let Some(command) = interventions::set_resources(ctx, deployment, *cpu, *memory) {
                kubectl(ctx, deployment, command);
            }
        }
        Action::CreateAddon { name } => interventions::create_addon(ctx, name),
        Action::DeleteClusterRoleBinding { name } => {
            let deleted =
                crate::k8s::rbac::delete_binding(&mut ctx.world.cluster_role_bindings, name);
            let mut line = format!("kubectl delete clusterrolebinding {name}");
            if !deleted {
                line.push_str(&format!(
                    "  →  Error from server (NotFound): clusterrolebindings.rbac.authorization.k8s.io \"{name}\" not found"
                ));
            }
            applied(ctx, line, Vec::new());
        }
        Action::UpdateClusterLogging { types, enabled } => {
            let at_ms = ctx.now.0;
            let line = ctx
                .world
                .security
                .as_mut()
                .map(|s| crate::security::update_logging(s, types, *enabled, at_ms));
            if let Some(line) = line {
                applied(ctx, line, Vec::new());
            }
        }
        Action::ScaleDeployment {
            deployment,
            replicas,
        } => {
            let c = &mut *ctx.world;
            let Some(d) = c.deployment_index(deployment) else {
                return;
            };
            c.scale(d, *replicas);
            kubectl(
                ctx,
                deployment,
                format!("kubectl scale deployment/{deployment} --replicas={replicas}"),
            );
        }
        Action::Autoscale {
            deployment,
            min_replicas,
            max_replicas,
            target_cpu_utilization,
        } => {
            let now = ctx.now;
            let c = &mut *ctx.world;
            let Some(d) = c.deployment_index(deployment) else {
                return;
            };
            interventions::autoscale(
                c,
                d,
                (*min_replicas, *max_replicas),
                f64::from(*target_cpu_utilization),
                now,
            );
            kubectl(
                ctx,
                deployment,
                format!(
                    "kubectl autoscale deployment/{deployment} --min={min_replicas} --max={max_replicas} --cpu-percent={target_cpu_utilization}"
                ),
            );
        }
        Action::RolloutUndo {
            deployment,
            to_revision,
        } => {
            let now = ctx.now;
            let c = &mut *ctx.world;
            let Some(d) = c.deployment_index(deployment) else {
                return;
            };
            let outcome = match interventions::rollout_undo_to(c, d, *to_revision, now) {
                Ok(m) | Err(m) => m,
            };
            let to = to_revision.map_or(String::new(), |r| format!(" --to-revision={r}"));
            kubectl(
                ctx,
                deployment,
                format!("kubectl rollout undo deployment/{deployment}{to}  →  {outcome}"),
            );
        }
        Action::RolloutRestart { deployment }
        | Action::RolloutPause { deployment }
        | Action::RolloutResume { deployment } => {
            let now = ctx.now;
            let c = &mut *ctx.world;
            let Some(d) = c.deployment_index(deployment) else {
                return;
            };
            let verb = match action {
                Action::RolloutRestart { .. } => {
                    interventions::rollout_restart(c, d, now);
                    "restart"
                }
                Action::RolloutPause { .. } => {
                    c.deployments[d].paused = true;
                    paused_condition(&mut c.deployments[d], now, true);
                    "pause"
                }
                _ => {
                    c.deployments[d].paused = false;
                    // Progress is measured from the resume: the controller rewrites the
                    // Progressing condition when a paused Deployment resumes.
                    paused_condition(&mut c.deployments[d], now, false);
                    "resume"
                }
            };
            kubectl(
                ctx,
                deployment,
                format!("kubectl rollout {verb} deployment/{deployment}"),
            );
        }
        Action::ApplyDeployment {
            spec,
            keep_replicas,
        } => {
            let now = ctx.now;
            let c = &mut *ctx.world;
            let Some(d) = c.deployment_index(&spec.name) else {
                return;
            };
            let behavior = c.behavior_of(&spec.container.image);
            let t = build::applied_template(spec, &c.deployments[d].template, behavior);
            build::rollout_settings(&mut c.deployments[d], spec);
            if !keep_replicas {
                c.scale(d, spec.replicas);
            }
            let rolls = t != c.deployments[d].template;
            if rolls {
                c.set_template(d, t, now);
            }
            let what = if rolls {
                "a new pod template: a new ReplicaSet rolls out"
            } else {
                "the same pod template: no new ReplicaSet"
            };
            kubectl(
                ctx,
                &spec.name,
                format!(
                    "kubectl apply -f …  →  deployment.apps/{} configured ({what})",
                    spec.name
                ),
            );
        }
        Action::ApplyService {
            deployment,
            service,
        } => {
            let c = &mut *ctx.world;
            let Some(d) = c.deployment_index(deployment) else {
                return;
            };
            c.deployments[d].service = Some(build::k8s_service(service));
            kubectl(
                ctx,
                deployment,
                format!(
                    "kubectl apply -f …  →  service/{} now selects the pods of {deployment}",
                    service.name
                ),
            );
        }
        Action::ApplyHpa {
            name,
            deployment,
            hpa,
        } => {
            let now = ctx.now;
            let c = &mut *ctx.world;
            let Some(d) = c.deployment_index(deployment) else {
                return;
            };
            match c.hpas.iter_mut().find(|h| h.name == *name) {
                Some(h) => {
                    h.deployment = d;
                    h.min_replicas = hpa.min_replicas;
                    h.max_replicas = hpa.max_replicas;
                    h.target_cpu_utilization = hpa.target_cpu_utilization as f64;
                    h.behavior = build::hpa(name, d, hpa, now).behavior;
                }
                None => c.hpas.push(build::hpa(name, d, hpa, now)),
            }
            kubectl(
                ctx,
                deployment,
                format!(
                    "kubectl apply -f …  →  horizontalpodautoscaler.autoscaling/{name}: {deployment} between {} and {} replicas at {} % CPU",
                    hpa.min_replicas, hpa.max_replicas, hpa.target_cpu_utilization
                ),
            );
        }
        Action::ApplyPdb { pdb } => {
            let now = ctx.now;
            let c = &mut *ctx.world;
            let made = build::pdb(pdb, now);
            let verb = match c.pdbs.iter_mut().find(|b| b.name == pdb.name) {
                Some(b) => {
                    // The object keeps its creation time; its spec changes.
                    let created_at = b.created_at;
                    *b = crate::k8s::budget::Pdb { created_at, ..made };
                    "configured"
                }
                None => {
                    c.pdbs.push(made);
                    "created"
                }
            };
            let bound = match (pdb.min_available, pdb.max_unavailable) {
                (Some(m), _) => format!("minAvailable {}", IntOrPercent::from(m)),
                (None, Some(m)) => format!("maxUnavailable {}", IntOrPercent::from(m)),
                (None, None) => "no bound".into(),
            };
            ctx.emit(
                Source::Scenario,
                EventKind::ActionApplied {
                    description: format!("kubectl apply -f … poddisruptionbudget/{}", pdb.name)
                        .into(),
                },
                format!(
                    "kubectl apply -f …  →  poddisruptionbudget.policy/{} {verb} ({bound})",
                    pdb.name
                ),
                Vec::new(),
            );
        }
        Action::UpdateEc2NodeClass { ami_id } => {
            crate::k8s::karpenter_disruption::update_node_class(ctx, ami_id);
        }
        Action::SpotInterruptNodeClaim { nodeclaim } => {
            crate::k8s::karpenter_interruption::warning(ctx, *nodeclaim as usize);
        }
        Action::RuntimeActivity { .. } => crate::security::runtime::act(ctx, action),
        Action::UpdateStatefulSet {
            stateful_set,
            image,
            replicas,
            partition,
        } => {
            let now = ctx.now;
            let Some(d) = ctx.world.stateful_set_index(stateful_set) else {
                return;
            };
            let subject = || Subject::Deployment(stateful_set.as_str().into());
            if let Some(n) = partition {
                if let Some(s) = crate::k8s::statefulset::of_workload(ctx.world, d) {
                    ctx.world.stateful_sets[s].partition = *n;
                }
                announce_kube(
                    ctx,
                    format!(
                        "kubectl patch statefulset {stateful_set} -p '{{\"spec\":{{\"updateStrategy\":{{\"type\":\"RollingUpdate\",\"rollingUpdate\":{{\"partition\":{n}}}}}}}}}'"
                    ),
                    subject(),
                );
            }
            if let Some(image) = image {
                let container = ctx.world.deployments[d].template.container.clone();
                ctx.world.set_image(d, image, now);
                announce_kube(
                    ctx,
                    format!("kubectl set image statefulset/{stateful_set} {container}={image}"),
                    subject(),
                );
            }
            if let Some(n) = replicas {
                ctx.world.scale(d, *n);
                announce_kube(
                    ctx,
                    format!("kubectl scale statefulset/{stateful_set} --replicas={n}"),
                    subject(),
                );
            }
        }
        Action::CreateMountTarget {
            file_system_id,
            zone,
        } => {
            crate::k8s::efs_provision::create_mount_target(ctx, file_system_id, zone);
        }
        Action::DeletePod { pod } => {
            let Some(p) = ctx
                .world
                .pods
                .iter()
                .position(|x| !x.gone && &x.name == pod)
            else {
                return;
            };
            announce_kube(
                ctx,
                format!("kubectl delete pod {pod}"),
                Subject::Pod(pod.as_str().into()),
            );
            interventions::delete_pod(ctx, p);
        }
        Action::SetLoad { target, rps } => {
            let now = ctx.now;
            let c = &mut *ctx.world;
            let Some(d) = c.deployment_index(target) else {
                return;
            };
            if let Some(load) = c.deployments[d].load.as_mut() {
                interventions::set_load(load, now, *rps);
            }
            announce_kube(
                ctx,
                format!("Load: {target} now receives {rps} requests per second."),
                Subject::Deployment(target.as_str().into()),
            );
        }
        Action::CordonNode { node }
        | Action::UncordonNode { node }
        | Action::DrainNode { node } => {
            let Some(n) = ctx
                .world
                .nodes
                .iter()
                .position(|x| !x.gone && &x.name == node)
            else {
                return;
            };
            let verb = match action {
                Action::CordonNode { .. } => "cordon",
                Action::UncordonNode { .. } => "uncordon",
                _ => "drain",
            };
            announce_kube(
                ctx,
                format!("kubectl {verb} {node}"),
                Subject::Node(node.as_str().into()),
            );
            match action {
                Action::CordonNode { .. } => interventions::cordon(ctx, n, true),
                Action::UncordonNode { .. } => interventions::cordon(ctx, n, false),
                _ => crate::k8s::drain::start(ctx, n),
            }
        }
        _ => {}
    }
}

/// ECS timeline actions.
fn ecs(ctx: &mut Ctx, action: &Action) {
    let cluster = ctx.world.name.clone();
    match action {
        Action::RegisterTaskDefinition {
            task_definition: td,
        } => {
            // The cluster's ARN, arn:aws:ecs:<region>:<account>:cluster/<name>, gives the
            // region and account the new revision's ARN carries.
            let parts: Vec<&str> = ctx.world.arn.split(':').collect();
            let (region, account) = match parts.as_slice() {
                [_, _, _, region, account, ..] => (region.to_string(), account.to_string()),
                _ => (String::new(), String::new()),
            };
            if ctx
                .world
                .task_definitions
                .iter()
                .any(|t| t.family == td.family && t.revision == td.revision)
            {
                return;
            }
            let def = build::task_definition(td, &region, &account);
            let text = format!(
                "aws ecs register-task-definition  →  {} registered",
                def.family_revision()
            );
            ctx.world.task_definitions.push(def);
            announce(ctx, text, Vec::new());
        }
        Action::UpdateService { .. } => super::update_service::apply(ctx, &cluster, action),
        Action::CreateDeployment {
            service,
            task_definition,
        } => {
            let Some(s) = ctx.world.service_by_name(service) else {
                return;
            };
            announce(
                ctx,
                crate::ecs::deploy_plan::create_deployment_cli(&cluster, service, task_definition),
                vec![Subject::Service(service.as_str().into())],
            );
            let result = match ctx.world.task_definition_by_ref(task_definition) {
                Some(td) => crate::ecs::codedeploy::create_deployment(ctx, s, td),
                None => Err(crate::ecs::deploy_plan::Refused {
                    code: "InvalidRevisionException",
                    message: format!("Task definition {task_definition} does not exist."),
                }),
            };
            if let Err(e) = result {
                announce(ctx, e.cli_error("CreateDeployment"), Vec::new());
            }
        }
        Action::RunTask { .. } => {
            let Some(run) = crate::ecs::standalone::RunTask::of(action) else {
                return;
            };
            let cli = run.cli(&cluster);
            announce(ctx, cli, Vec::new());
            if let Some(line) = crate::ecs::standalone::apply(ctx, &run) {
                announce(ctx, line, Vec::new());
            }
        }
        Action::StartTask { .. } => {
            let Some(call) = crate::ecs::standalone::StartTask::of(action) else {
                return;
            };
            let cli = call.cli(ctx.world);
            announce(ctx, cli, Vec::new());
            if let Some(line) = crate::ecs::standalone::apply_start(ctx, &call) {
                announce(ctx, line, Vec::new());
            }
        }
        Action::StopTask { service, count } => {
            let Some(s) = ctx.world.service_by_name(service) else {
                return;
            };
            let victims: Vec<TaskIdx> = running_tasks(ctx, s, None)
                .into_iter()
                .take(*count as usize)
                .collect();
            for t in victims {
                let id = ctx.world.task(t).id.clone();
                announce(
                    ctx,
                    format!("aws ecs stop-task --cluster {cluster} --task {id}"),
                    vec![Subject::Task(id.clone())],
                );
                task_lifecycle::stop(ctx, t, StopCause::User);
            }
        }
        Action::FailHealthChecks {
            service,
            revision,
            fraction,
            response,
            recover_after,
        } => {
            let Some(s) = ctx.world.service_by_name(service) else {
                return;
            };
            let now = ctx.now;
            let until = recover_after.map(|r| now.plus(crate::time::Millis::from_secs_f64(r)));
            let mut hit = Vec::new();
            for t in running_tasks(ctx, s, *revision) {
                if !chance(&mut ctx.rngs.faults, *fraction) {
                    continue;
                }
                for c in &mut ctx.world.task_mut(t).containers {
                    if c.last_status == ContainerStatus::Running {
                        c.app.failing.push(FailWindow {
                            from: now,
                            until,
                            mode: fail_mode(*response),
                        });
                    }
                }
                hit.push(t);
            }
            let subjects = hit
                .iter()
                .map(|&t| Subject::Task(ctx.world.task(t).id.clone()))
                .collect();
            let recovery = match recover_after {
                Some(r) => format!(" for {}", crate::time::Millis::from_secs_f64(*r)),
                None => String::new(),
            };
            announce(
                ctx,
                format!(
                    "Fault: the application in {} of {service}'s running tasks starts failing its health checks{recovery}.",
                    hit.len()
                ),
                subjects,
            );
            // The probers see the recovery time in the signal, so no extra timer is needed.
            for t in hit {
                container_health::update(ctx, t);
                target_health::refresh_task(ctx, t);
            }
        }
        Action::ContainerExits {
            service,
            count,
            exit_code,
        } => {
            let Some(s) = ctx.world.service_by_name(service) else {
                return;
            };
            let now = ctx.now;
            let victims: Vec<TaskIdx> = running_tasks(ctx, s, None)
                .into_iter()
                .take(*count as usize)
                .collect();
            let subjects = victims
                .iter()
                .map(|&t| Subject::Task(ctx.world.task(t).id.clone()))
                .collect();
            announce(
                ctx,
                format!(
                    "Fault: the essential container of {} {service} task(s) exits with code {exit_code}.",
                    victims.len()
                ),
                subjects,
            );
            for t in victims {
                if let Some(c) = ctx
                    .world
                    .task_mut(t)
                    .containers
                    .iter_mut()
                    .find(|c| c.essential && c.last_status == ContainerStatus::Running)
                {
                    c.app.exits_at = Some((now, *exit_code));
                }
                task_lifecycle::on_container_exit_due(ctx, t);
            }
        }
        Action::RecoverHealthChecks { service, revision } => {
            let Some(s) = ctx.world.service_by_name(service) else {
                return;
            };
            let now = ctx.now;
            // The revision's own behaviour is fixed for the tasks it starts from now on.
            let defs: Vec<usize> = (0..ctx.world.task_definitions.len())
                .filter(|&i| {
                    let td = &ctx.world.task_definitions[i];
                    Some(td.family.as_str())
                        == Some(
                            ctx.world
                                .task_definition(ctx.world.service(s).task_definition)
                                .family
                                .as_str(),
                        )
                        && revision.is_none_or(|r| td.revision == r)
                })
                .collect();
            for i in defs {
                for c in &mut ctx.world.task_definitions[i].containers {
                    c.behavior.fails_health_checks = None;
                    c.behavior.exits = None;
                }
            }
            // Running tasks answer again from now on.
            let healed = running_tasks(ctx, s, *revision);
            for &t in &healed {
                for c in &mut ctx.world.task_mut(t).containers {
                    for w in &mut c.app.failing {
                        if w.until.is_none_or(|u| u > now) {
                            w.until = Some(now);
                        }
                    }
                    if c.app.exits_at.is_some_and(|(at, _)| at > now) {
                        c.app.exits_at = None;
                    }
                }
            }
            let which = revision.map_or_else(String::new, |r| format!(" (revision {r})"));
            announce(
                ctx,
                format!(
                    "Fix: the application of {service}{which} answers its health checks again."
                ),
                vec![Subject::Service(service.as_str().into())],
            );
            for t in healed {
                container_health::update(ctx, t);
                target_health::refresh_task(ctx, t);
            }
            ctx.request_pass(s);
        }
        Action::SetLoad { target, rps } => {
            let Some(s) = ctx.world.service_by_name(target) else {
                return;
            };
            let now = ctx.now;
            if let Some(load) = ctx.world.service_mut(s).load.as_mut() {
                crate::k8s::interventions::set_load(load, now, *rps);
            }
            announce(
                ctx,
                format!("Load: {target} now receives {rps} requests per second."),
                vec![Subject::Service(target.as_str().into())],
            );
        }
        Action::UpdateInstanceCustomHealthStatus {
            registry,
            instance,
            status,
        } => {
            let service_id = ctx
                .world
                .cloud_map
                .by_dns_name(registry)
                .map(|s| s.id.to_string())
                .unwrap_or_default();
            announce(
                ctx,
                format!(
                    "aws servicediscovery update-instance-custom-health-status --service-id {service_id} --instance-id {instance} --status {}   # {registry}",
                    status.as_str()
                ),
                vec![Subject::Task(instance.as_str().into())],
            );
            crate::ecs::service_discovery::custom_health_request(ctx, registry, instance, *status);
        }
        Action::StopTaskById { task, reason } => {
            let Some(t) = ctx.world.task_by_id(task) else {
                return;
            };
            let mut cli = format!("aws ecs stop-task --cluster {cluster} --task {task}");
            if let Some(r) = reason {
                cli.push_str(&format!(" --reason \"{r}\""));
            }
            announce(ctx, cli, vec![Subject::Task(task.as_str().into())]);
            task_lifecycle::stop(ctx, t, StopCause::User);
        }
        Action::ActivateInstance { instance } => {
            let Some(i) = ctx.world.instance_by_name(instance) else {
                return;
            };
            let id = ctx.world.instance(i).id.clone();
            announce(
                ctx,
                format!(
                    "aws ecs update-container-instances-state --cluster {cluster} --container-instances {id} --status ACTIVE   # {instance}"
                ),
                vec![Subject::Instance(instance.as_str().into())],
            );
            crate::ecs::capacity_provider::activate_instance(ctx, i);
        }
        Action::DrainInstance { instance } => {
            let Some(i) = ctx.world.instance_by_name(instance) else {
                return;
            };
            let inst = ctx.world.instance(i);
            let id = inst.id.clone();
            announce(
                ctx,
                format!(
                    "aws ecs update-container-instances-state --cluster {} --container-instances {id} --status DRAINING   # {instance}",
                    ctx.world.name
                ),
                vec![Subject::Instance(instance.as_str().into())],
            );
            crate::ecs::capacity_provider::drain_instance(ctx, i);
        }
        Action::SpotInstanceInterruption { instance } => {
            let Some(i) = ctx.world.instance_by_name(instance) else {
                return;
            };
            announce(
                ctx,
                format!("EC2 reclaims Spot capacity: interruption notice for {instance}"),
                vec![Subject::Instance(instance.as_str().into())],
            );
            crate::ecs::capacity_provider::spot_interruption(ctx, i);
        }
        Action::TerminateInstance { instance } => {
            let Some(i) = ctx.world.instance_by_name(instance) else {
                return;
            };
            let ec2 = ctx.world.instance(i).ec2_instance_id.clone();
            announce(
                ctx,
                format!("aws ec2 terminate-instances --instance-ids {ec2}   # {instance}"),
                vec![Subject::Instance(instance.as_str().into())],
            );
            crate::ecs::capacity_provider::terminate_instance(ctx, i);
        }
        Action::SpotInterruption { service, count } => {
            let Some(s) = ctx.world.service_by_name(service) else {
                return;
            };
            let victims: Vec<TaskIdx> = running_tasks(ctx, s, None)
                .into_iter()
                .filter(|&t| ctx.world.task(t).capacity_provider.as_deref() == Some("FARGATE_SPOT"))
                .take(*count as usize)
                .collect();
            announce(
                ctx,
                format!(
                    "Fargate Spot reclaims capacity: {} FARGATE_SPOT task(s) of {service} get a two-minute warning",
                    victims.len()
                ),
                vec![Subject::Service(service.as_str().into())],
            );
            for t in victims {
                task_lifecycle::stop(ctx, t, StopCause::SpotInterruption);
            }
        }
        a if a.is_deploy_control() => crate::ecs::deploy_control::on_action(ctx, a),
        Action::UpdateDetector { .. } => crate::ecs::guardduty::on_action(ctx, action),
        Action::TaskRuntimeActivity { service, activity } => {
            crate::ecs::guardduty::runtime_activity(ctx, service, activity)
        }
        _ => {}
    }
}

/// A line the action writes in the log as what was applied, about `subjects`.
fn applied(ctx: &mut EksCtx, line: String, subjects: Vec<Subject>) {
    ctx.emit(
        Source::Scenario,
        EventKind::ActionApplied {
            description: line.as_str().into(),
        },
        line,
        subjects,
    );
}

/// Log a kubectl command about a pod or a node.
fn announce_kube(ctx: &mut EksCtx, command: String, subject: Subject) {
    applied(ctx, command, vec![subject]);
}

fn kubectl(ctx: &mut EksCtx, deployment: &str, command: String) {
    applied(
        ctx,
        command,
        vec![Subject::Deployment(deployment.to_string().into())],
    );
}

/// An Availability Zone loses connectivity or gets it back.
fn zone_changed(ctx: &mut WorldCtx, zone: &str, outage: bool) {
    let now: SimTime = ctx.now;
    let Some(zi) = ctx.world.net.zone_index(zone) else {
        return;
    };
    {
        let z = &mut ctx.world.net.zones[zi];
        if outage == z.is_out() {
            return;
        }
        if outage {
            z.outages.push((now, None));
        } else if let Some(last) = z.outages.last_mut() {
            last.1 = Some(now);
        }
    }
    let text = if outage {
        format!(
            "Fault: Availability Zone {zone} loses connectivity. Load balancer health checks to it time out and nothing new is placed there."
        )
    } else {
        format!("Availability Zone {zone} recovers.")
    };
    ctx.emit(
        Source::Scenario,
        EventKind::ZoneChanged {
            zone: zone.into(),
            outage,
        },
        text,
        vec![Subject::Zone(zone.into())],
    );
    let Some(mut ctx) = ctx.ecs() else {
        return;
    };
    let ctx = &mut ctx;
    for inst in &mut ctx.world.instances {
        if inst.availability_zone == zone && inst.status == InstanceStatus::Active {
            inst.agent_connected = !outage;
        }
    }
    target_health::refresh_zone(ctx, zone);
    let services: Vec<ServiceIdx> = (0..ctx.world.services.len())
        .map(|i| ServiceIdx(i as u32))
        .collect();
    for s in services {
        ctx.request_pass(s);
    }
}

/// `checkPausedConditions` of the deployment controller (`progress::paused_condition`):
/// pausing and resuming set the `Progressing` condition to Unknown, and the progress deadline
/// counts from the resume.
fn paused_condition(
    d: &mut crate::k8s::cluster::DeploymentState,
    now: crate::time::SimTime,
    paused: bool,
) {
    if let Some(cond) = crate::k8s::progress::paused_condition(d.progressing.as_ref(), paused, now)
    {
        d.progressing = Some(cond);
    }
}
