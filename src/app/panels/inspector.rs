//! The inspector: every field of the selected task, pod, instance, node, service, Deployment,
//! target group or zone, in the API's own words, and why it is in its state.

use bevy_egui::egui;
use orca_sim::ecs::TaskStatus;
use orca_sim::k8s::cluster::Cluster;
use orca_sim::k8s::read;
use orca_sim::probe::Verdict;
use orca_sim::{SimTime, Source};

use super::services::deployment_summary;
use crate::app::canvas::card_state::CardState;
use crate::app::canvas::layout_ecs::FADE_MS;
use crate::app::player::{Player, Selection};

pub(super) fn inspector(ui: &mut egui::Ui, player: &Player) {
    let world = player.playback.world();
    ui.horizontal(|ui| {
        ui.heading("Inspector");
        if player.selection.is_some() {
            ui.weak("Esc clears the selection");
        }
    });
    let Some(sel) = &player.selection else {
        ui.label("Click a task, an instance, a target group or a service (or an event) to see its fields and why it is in its state.");
        return;
    };
    match sel {
        Selection::Task(id) => {
            // A pod's name, or (ECS, or a side-by-side world's ECS part) a task's id.
            if let Some(eks) = &world.eks
                && Selection::names_pod(world, id)
            {
                pod_inspector(ui, player, eks, id);
                return;
            }
            let Some(ecs) = &world.ecs else { return };
            let Some((ti, task)) = ecs.tasks.iter().enumerate().find(|(_, t)| &t.id == id) else {
                ui.label("This task does not exist at this moment.");
                return;
            };
            let td = ecs.task_definition(task.task_definition);
            ui.strong(format!("Task {}", task.short_id()));
            kv(ui, "taskArn", &task.arn);
            kv(ui, "taskDefinition", td.family_revision());
            // A standalone task (`run-task`, `start-task`): its task group and who started it, as
            // `describe-tasks` shows them; no service keeps it.
            if let Some(standalone) = &task.standalone {
                let call = standalone.started_with.command();
                kv(
                    ui,
                    "group",
                    format!("{}   ({call}: no service)", standalone.group),
                );
                if !task.started_by.is_empty() {
                    kv(ui, "startedBy", task.started_by.as_str());
                }
            }
            kv(
                ui,
                "lastStatus",
                format!(
                    "{}   ({})",
                    task.last_status.as_str(),
                    CardState::of(ecs, world.now, orca_sim::world::TaskIdx(ti as u32)).label()
                ),
            );
            // The service scheduler's verdict, in the words the card and the log use.
            if task.service.is_some() && task.last_status == TaskStatus::Running {
                let t = orca_sim::world::TaskIdx(ti as u32);
                kv(
                    ui,
                    "deployment health",
                    orca_sim::ecs::read::deployment_health(ecs, world.now, t).describe(ecs, t),
                );
            }
            kv(ui, "desiredStatus", task.desired_status.as_str());
            kv(ui, "healthStatus", task.health_status.as_str());
            kv(ui, "availabilityZone", task.availability_zone.as_str());
            if let Some(cp) = &task.capacity_provider {
                kv(ui, "capacityProviderName", cp);
            }
            kv(
                ui,
                "host",
                match task.host {
                    orca_sim::ecs::Host::Fargate => "Fargate".to_string(),
                    orca_sim::ecs::Host::AwaitingCapacity => {
                        "none yet: waiting for capacity".to_string()
                    }
                    orca_sim::ecs::Host::Instance(i) => {
                        let inst = ecs.instance(i);
                        format!("{} ({})", inst.name, inst.ec2_instance_id)
                    }
                },
            );
            kv(ui, "privateIp", task.private_ip.as_str());
            if let Some(d) = &task.deployment_id {
                kv(ui, "startedBy", d.as_str());
            }
            kv(ui, "createdAt", task.created_at.to_string());
            if let Some(t) = task.started_at {
                kv(ui, "startedAt", t.to_string());
            }
            if let Some(t) = task.stopping_at {
                kv(ui, "stoppingAt", t.to_string());
            }
            if let Some(t) = task.stopped_at {
                kv(ui, "stoppedAt", t.to_string());
            }
            if let Some(c) = task.stop_code {
                kv(ui, "stopCode", c.as_str());
            }
            if let Some(r) = &task.stopped_reason {
                kv(ui, "stoppedReason", r.as_str());
            }
            for c in &task.containers {
                kv(
                    ui,
                    &format!("container {}", c.name),
                    format!(
                        "{} · health {}{}{}{}",
                        c.last_status.as_str(),
                        c.health_status.as_str(),
                        // What the task metadata endpoint reports as RestartCount.
                        if c.restart_count > 0 {
                            format!(" · restarted {}×", c.restart_count)
                        } else {
                            String::new()
                        },
                        c.exit_code
                            .map(|x| format!(" · exit {x}"))
                            .unwrap_or_default(),
                        c.reason
                            .as_ref()
                            .map(|r| format!(" · {r}"))
                            .unwrap_or_default()
                    ),
                );
            }
            for tg in &ecs.target_groups {
                if let Some(t) = tg.target_of(orca_sim::world::TaskIdx(ti as u32)) {
                    kv(
                        ui,
                        &format!("target in {}", tg.name),
                        format!(
                            "{} {}{}",
                            t.endpoint(),
                            t.state.as_str(),
                            t.reason
                                .as_ref()
                                .map(|r| format!(" ({}: {})", r.code(), r.description()))
                                .unwrap_or_default()
                        ),
                    );
                }
            }
            // ECS service discovery: the task's Cloud Map instance and its health there.
            for (svc, inst) in ecs
                .cloud_map
                .instances_of(orca_sim::world::TaskIdx(ti as u32))
            {
                kv(
                    ui,
                    &format!("instance in {}", svc.dns_name),
                    format!(
                        "{}{} {}{}",
                        inst.ipv4,
                        inst.port.map(|p| format!(":{p}")).unwrap_or_default(),
                        inst.health.as_str(),
                        inst.reported
                            .map(|(h, at)| format!(
                                " (ECS reported {}; Cloud Map applies it at {at})",
                                h.as_str()
                            ))
                            .unwrap_or_default()
                    ),
                );
            }
            super::inspector_identity::task_identity(
                ui,
                player,
                orca_sim::world::TaskIdx(ti as u32),
            );
            if task.last_status == TaskStatus::Stopped {
                ui.weak(format!(
                    "STOPPED tasks fade from the canvas after {} s.",
                    FADE_MS / 1000
                ));
            }
            super::inspector_containers::task_containers(
                ui,
                ecs,
                orca_sim::world::TaskIdx(ti as u32),
                world.now,
            );
            why(ui, task.why.iter().map(|w| (w.at, w.text.as_str())));
        }
        Selection::Instance(name) => {
            let Some(ecs) = &world.ecs else { return };
            let Some(inst) = ecs.instances.iter().find(|i| &i.name == name) else {
                ui.label("No such instance.");
                return;
            };
            ui.strong(format!("Container instance {}", inst.name));
            kv(ui, "ec2InstanceId", inst.ec2_instance_id.as_str());
            kv(ui, "containerInstanceArn", &inst.arn);
            kv(ui, "instanceType", &inst.instance_type);
            kv(ui, "availabilityZone", inst.availability_zone.as_str());
            kv(ui, "status", inst.status.as_str());
            kv(ui, "agentConnected", inst.agent_connected.to_string());
            kv(
                ui,
                "CPU",
                format!(
                    "registered {} · reserved {} · remaining {}",
                    inst.registered_cpu,
                    inst.used_cpu,
                    inst.remaining_cpu()
                ),
            );
            kv(
                ui,
                "memory (MiB)",
                format!(
                    "registered {} · reserved {} · remaining {}",
                    inst.registered_memory,
                    inst.used_memory,
                    inst.remaining_memory()
                ),
            );
            kv(ui, "runningTasksCount", inst.tasks.len().to_string());
        }
        Selection::Service(name) => {
            let Some(ecs) = &world.ecs else { return };
            let Some(svc) = ecs.services.iter().find(|s| &s.name == name) else {
                ui.label("No such service.");
                return;
            };
            ui.strong(format!("Service {}", svc.name));
            kv(ui, "serviceArn", &svc.arn);
            kv(ui, "desiredCount", svc.desired_count.to_string());
            kv(ui, "runningCount", svc.running_count.to_string());
            kv(ui, "pendingCount", svc.pending_count.to_string());
            let dc = &svc.deployment_configuration;
            kv(
                ui,
                "deploymentConfiguration",
                format!(
                    "minimumHealthyPercent {} · maximumPercent {} · circuit breaker {}{}",
                    dc.minimum_healthy_percent,
                    dc.maximum_percent,
                    if dc.circuit_breaker_enable {
                        "on"
                    } else {
                        "off"
                    },
                    if dc.circuit_breaker_rollback {
                        " (rollback)"
                    } else {
                        ""
                    }
                ),
            );
            kv(
                ui,
                "healthCheckGracePeriodSeconds",
                format!("{}", svc.health_check_grace_period.secs_f64()),
            );
            for d in &svc.deployments {
                kv(
                    ui,
                    &format!("deployment {}", d.status.as_str()),
                    format!(
                        "{} · {} · {} · desired {} running {} pending {} failedTasks {}\n{}",
                        d.id,
                        ecs.task_definition(d.task_definition).family_revision(),
                        d.rollout_state.as_str(),
                        d.desired_count,
                        d.running_count,
                        d.pending_count,
                        d.failed_tasks,
                        d.rollout_state_reason
                    ),
                );
            }
            let lp = &svc.last_pass;
            if !lp.decision.is_empty() {
                why(ui, std::iter::once((lp.at, lp.decision.as_str())));
            }
        }
        Selection::TargetGroup(name) => {
            let Some(ecs) = &world.ecs else { return };
            let Some(tg) = ecs.target_groups.iter().find(|t| &t.name == name) else {
                ui.label("No such target group.");
                return;
            };
            ui.strong(format!("Target group {}", tg.name));
            kv(ui, "targetGroupArn", tg.arn.as_str());
            kv(ui, "loadBalancer", &tg.load_balancer);
            let hc = &tg.health_check;
            kv(
                ui,
                "health check",
                format!(
                    "{} every {} s, timeout {} s, healthy after {}, unhealthy after {}, matcher {}",
                    hc.path,
                    hc.interval.secs_f64(),
                    hc.timeout.secs_f64(),
                    hc.healthy_threshold_count,
                    hc.unhealthy_threshold_count,
                    hc.matcher
                ),
            );
            kv(
                ui,
                "deregistration_delay",
                format!("{} s", tg.deregistration_delay.secs_f64()),
            );
            for t in &tg.targets {
                kv(
                    ui,
                    t.endpoint(),
                    format!(
                        "{}{}",
                        t.state.as_str(),
                        t.reason
                            .as_ref()
                            .map(|r| format!(" ({}: {})", r.code(), r.description()))
                            .unwrap_or_default()
                    ),
                );
            }
        }
        Selection::Node(name) => {
            let Some(eks) = &world.eks else { return };
            let Some((ni, node)) = eks.nodes.iter().enumerate().find(|(_, n)| &n.name == name)
            else {
                ui.label("No such node.");
                return;
            };
            ui.strong(format!("Node {}", node.name));
            kv(ui, "instance type", &node.instance_type);
            kv(ui, "topology.kubernetes.io/zone", &node.zone);
            kv(
                ui,
                "allocatable cpu",
                format!("{}m", node.allocatable_cpu_millis),
            );
            kv(
                ui,
                "allocatable memory",
                format!("{}Mi", node.allocatable_memory_mib),
            );
            kv(ui, "allocatable pods", node.max_pods.to_string());
            let pods = read::pods_on_node(eks, ni);
            kv(ui, "Non-terminated Pods", pods.len().to_string());
            for p in pods.into_iter().map(|p| &eks.pods[p]) {
                kv(ui, "  pod", format!("{}  {}", p.name, p.status()));
            }
        }
        Selection::Deployment(name) => {
            let Some(eks) = &world.eks else { return };
            match eks.deployment_index(name) {
                Some(d) => deployment_summary(ui, eks, d, world.now),
                None => {
                    ui.label("No such Deployment.");
                }
            }
        }
        Selection::Zone(name) => {
            let Some(z) = world.net.zones.iter().find(|z| &z.name == name) else {
                ui.label("No such zone.");
                return;
            };
            ui.strong(format!("Availability Zone {}", z.name));
            kv(ui, "subnet", &z.subnet_cidr);
            kv(ui, "state", if z.is_out() { "OUTAGE" } else { "available" });
        }
    }
}

fn pod_inspector(ui: &mut egui::Ui, player: &Player, eks: &Cluster, name: &str) {
    use orca_sim::k8s::cluster::ContainerState;
    let Some((p, pod)) = eks.pods.iter().enumerate().find(|(_, p)| p.name == name) else {
        ui.label("This pod does not exist at this moment.");
        return;
    };
    let rs = &eks.replica_sets[pod.replica_set];
    ui.strong(format!("Pod {}", pod.name));
    kv(ui, "Namespace", &eks.namespace);
    kv(
        ui,
        "Node",
        pod.node
            .map_or("<none>".to_string(), |n| eks.nodes[n].name.clone()),
    );
    kv(ui, "Status", pod.status());
    kv(
        ui,
        "Controlled By",
        format!("ReplicaSet/{} (revision {})", rs.name, rs.revision),
    );
    kv(ui, "Image", &rs.template.image);
    kv(
        ui,
        "Requests",
        format!(
            "cpu {}m, memory {}Mi",
            rs.template.requests.cpu_millis, rs.template.requests.memory_mib
        ),
    );
    let state = match &pod.state {
        ContainerState::Waiting { reason } => format!("Waiting (Reason: {reason})"),
        ContainerState::Running { started_at } => format!("Running (Started: {started_at})"),
        ContainerState::Terminated { reason, exit_code } => {
            format!("Terminated (Reason: {reason}, Exit Code: {exit_code})")
        }
    };
    kv(ui, "State", state);
    kv(ui, "Ready", pod.ready.to_string());
    kv(ui, "Restart Count", pod.restarts.to_string());
    super::inspector_containers::pod_container_rows(ui, eks, p);
    ui.add_space(4.0);
    let running = matches!(pod.state, ContainerState::Running { .. });
    kv(
        ui,
        "Conditions",
        read::pod_conditions(pod)
            .iter()
            .map(|c| match (c.status, c.reason) {
                (true, _) => format!("{} True", c.kind),
                (false, Some(reason)) => format!("{} False ({reason})", c.kind),
                (false, None) => format!("{} False", c.kind),
            })
            .collect::<Vec<_>>()
            .join(" · "),
    );
    if !running && pod.node.is_some() && pod.deleting_at.is_none() {
        ui.weak("The container is not running: see its state and the events below.");
    }
    let probes = read::probe_settings(eks, p);
    if probes.is_empty() {
        kv(ui, "Probes", "none");
    }
    for probe in probes {
        let progress = match probe.verdict {
            None => "not running yet".to_string(),
            Some(v) => format!(
                "{} · {} of {} failures in a row",
                match v {
                    Verdict::Initial => "no verdict yet",
                    Verdict::Healthy => "passing",
                    Verdict::Unhealthy => "failing",
                },
                probe.consecutive_failures,
                probe.failure_threshold
            ),
        };
        kv(
            ui,
            probe.name(),
            format!("{} ({progress})", probe.describe()),
        );
    }
    super::inspector_containers::pod_volumes_and_logs(
        ui,
        eks,
        p,
        player.playback.log(),
        player.playback.world().now,
    );
    super::inspector_identity::pod_identity(ui, player, p);
    ui.add_space(4.0);
    ui.strong("Events");
    let object = format!("pod/{}", pod.name);
    let mut any = false;
    for e in player
        .playback
        .log()
        .iter()
        .rev()
        .filter(|e| matches!(&e.source, Source::Kube(o) if *o == object))
        .take(12)
    {
        any = true;
        if let orca_sim::EventKind::Kube {
            warning, reason, ..
        } = &e.kind
        {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    egui::RichText::new(format!(
                        "[{}] {} {reason}",
                        e.at,
                        if *warning { "Warning" } else { "Normal" }
                    ))
                    .monospace(),
                );
                ui.label(&*e.message());
            });
        }
    }
    if !any {
        ui.weak("<none>");
    }
}

fn kv(ui: &mut egui::Ui, k: &str, v: impl Into<String>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(k).weak());
        ui.label(egui::RichText::new(v.into()).monospace());
    });
}

fn why<'a>(ui: &mut egui::Ui, items: impl Iterator<Item = (SimTime, &'a str)>) {
    ui.add_space(4.0);
    ui.strong("Why");
    for (at, text) in items {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(format!("[{at}]")).monospace());
            ui.label(text);
        });
    }
}
