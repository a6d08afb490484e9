//! The actions menu: right-click a task, pod, instance, node, service or Deployment (or press A
//! on the selection) for what can be done to it. Each entry is a console command — choosing it
//! runs it in the console, so the learner sees its CLI form and the tool's reply.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiPrimaryContextPass, egui};
use orca_sim::ecs::InstanceStatus;

use super::console::ConsoleState;
use super::{PanelSystems, Root};
use crate::app::AppSystems;
use crate::app::actions::Actions;
use crate::app::camera::CanvasRect;
use crate::app::canvas::sync::Selectable;
use crate::app::player::{Player, Selection};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ActionsMenu>()
        .add_systems(
            EguiPrimaryContextPass,
            show_menu
                .in_set(PanelSystems::Picker)
                .run_if(|m: Res<ActionsMenu>| m.open),
        )
        .add_systems(Update, open_on_key.in_set(AppSystems::ApplyActions))
        .add_observer(open_on_right_click);
}

/// The actions menu key opens the selection's menu at the window's centre.
fn open_on_key(
    mut actions: MessageReader<Actions>,
    mut menu: ResMut<ActionsMenu>,
    player: Res<Player>,
) {
    for a in actions.read() {
        if *a == Actions::ActionsMenu {
            menu.open_for_selection(&player, None);
        }
    }
}

#[derive(Resource, Debug, Default)]
pub struct ActionsMenu {
    pub open: bool,
    /// Where the menu opens, in logical window pixels (`None`: the window's centre).
    at: Option<Vec2>,
}

impl ActionsMenu {
    /// Open the menu of the selected object (nothing happens without a selection).
    pub fn open_for_selection(&mut self, player: &Player, at: Option<Vec2>) {
        if player.selection.is_some() {
            self.open = true;
            self.at = at;
        }
    }
}

/// Right-clicking an object selects it and opens its menu.
fn open_on_right_click(
    click: On<Pointer<Click>>,
    q: Query<&Selectable>,
    mut player: ResMut<Player>,
    mut menu: ResMut<ActionsMenu>,
    rect: Res<CanvasRect>,
    window: Query<&Window, With<PrimaryWindow>>,
) {
    if rect.pointer_over_ui || click.button != PointerButton::Secondary {
        return;
    }
    if let Ok(sel) = q.get(click.entity) {
        player.selection = Some(sel.0.clone());
        let at = window.single().ok().and_then(|w| w.cursor_position());
        menu.open_for_selection(&player, at);
    }
}

/// The commands that act on (or read) an object, labelled for a learner.
pub fn commands_for(player: &Player, sel: &Selection) -> Vec<(String, String)> {
    let world = player.playback.world();
    let mut out = Vec::new();
    // In a side-by-side world a task id goes on to the ECS commands below.
    let ecs_task = |id: &str| {
        world
            .ecs
            .as_ref()
            .is_some_and(|e| e.tasks.iter().any(|t| t.id == id))
    };
    let ecs_side = match sel {
        Selection::Task(id) => ecs_task(id),
        Selection::Instance(_) | Selection::Service(_) | Selection::TargetGroup(_) => true,
        _ => false,
    };
    if let Some(eks) = world
        .eks
        .as_ref()
        .filter(|_| world.ecs.is_none() || !ecs_side)
    {
        match sel {
            Selection::Task(pod) => {
                // EKS's own pods live in kube-system: kubectl finds them with -n.
                let ns = eks
                    .pods
                    .iter()
                    .position(|p| p.name == *pod)
                    .map(|i| eks.namespace_of(i))
                    .filter(|ns| *ns != "default")
                    .map(|ns| format!(" -n {ns}"))
                    .unwrap_or_default();
                out.push((
                    "Delete the pod (its ReplicaSet replaces it)".into(),
                    format!("kubectl delete pod {pod}{ns}"),
                ));
                out.push((
                    "Describe it".into(),
                    format!("kubectl describe pod {pod}{ns}"),
                ));
                out.push(("Show its logs".into(), format!("kubectl logs {pod}{ns}")));
            }
            Selection::Node(node) => {
                let cordoned = eks.nodes.iter().any(|n| &n.name == node && n.cordoned);
                if cordoned {
                    out.push((
                        "Uncordon (schedule pods here again)".into(),
                        format!("kubectl uncordon {node}"),
                    ));
                } else {
                    out.push((
                        "Cordon (no new pods here)".into(),
                        format!("kubectl cordon {node}"),
                    ));
                }
                out.push((
                    "Drain (cordon and evict its pods)".into(),
                    format!("kubectl drain {node} --ignore-daemonsets"),
                ));
                out.push((
                    "Describe it".into(),
                    format!("kubectl describe node {node}"),
                ));
            }
            Selection::Deployment(d) => {
                if let Some(dep) = eks.deployments.iter().find(|x| &x.name == d) {
                    let n = dep.replicas;
                    out.push((
                        format!("Scale up to {}", n + 1),
                        format!("kubectl scale deployment/{d} --replicas={}", n + 1),
                    ));
                    if n > 0 {
                        out.push((
                            format!("Scale down to {}", n - 1),
                            format!("kubectl scale deployment/{d} --replicas={}", n - 1),
                        ));
                    }
                    out.push((
                        "Restart the rollout (new pods, same image)".into(),
                        format!("kubectl rollout restart deployment/{d}"),
                    ));
                    out.push((
                        "Roll back to the previous revision".into(),
                        format!("kubectl rollout undo deployment/{d}"),
                    ));
                    if dep.paused {
                        out.push((
                            "Resume the rollout".into(),
                            format!("kubectl rollout resume deployment/{d}"),
                        ));
                    } else {
                        out.push((
                            "Pause the rollout".into(),
                            format!("kubectl rollout pause deployment/{d}"),
                        ));
                    }
                    out.push((
                        "Rollout status".into(),
                        format!("kubectl rollout status deployment/{d}"),
                    ));
                }
            }
            Selection::Zone(z) => zone_commands(world, z, &mut out),
            _ => {}
        }
        return out;
    }
    let Some(ecs) = &world.ecs else {
        return out;
    };
    let cluster = &ecs.name;
    match sel {
        Selection::Task(id) => {
            if ecs.tasks.iter().any(|t| &t.id == id && t.is_live()) {
                out.push((
                    "Stop the task (the service replaces it)".into(),
                    format!("aws ecs stop-task --cluster {cluster} --task {id}"),
                ));
            }
            out.push((
                "Describe it".into(),
                format!("aws ecs describe-tasks --cluster {cluster} --tasks {id}"),
            ));
        }
        Selection::Instance(name) => {
            if let Some(inst) = ecs.instances.iter().find(|i| &i.name == name) {
                match inst.status {
                    InstanceStatus::Active => out.push((
                        "Drain (move its tasks away)".into(),
                        format!("aws ecs update-container-instances-state --cluster {cluster} --container-instances {} --status DRAINING", inst.id),
                    )),
                    InstanceStatus::Draining => out.push((
                        "Set ACTIVE again".into(),
                        format!("aws ecs update-container-instances-state --cluster {cluster} --container-instances {} --status ACTIVE", inst.id),
                    )),
                    _ => {}
                }
                if inst.status != InstanceStatus::Inactive {
                    out.push((
                        "Terminate the EC2 instance".into(),
                        format!(
                            "aws ec2 terminate-instances --instance-ids {}",
                            inst.ec2_instance_id
                        ),
                    ));
                }
                out.push(("Describe it".into(), format!("aws ecs describe-container-instances --cluster {cluster} --container-instances {}", inst.id)));
            }
        }
        Selection::Service(s) => {
            if let Some(svc) = ecs.services.iter().find(|x| &x.name == s) {
                let n = svc.desired_count;
                out.push((format!("Scale out to {}", n + 1), format!("aws ecs update-service --cluster {cluster} --service {s} --desired-count {}", n + 1)));
                if n > 0 {
                    out.push((format!("Scale in to {}", n - 1), format!("aws ecs update-service --cluster {cluster} --service {s} --desired-count {}", n - 1)));
                }
                out.push(("Force a new deployment".into(), format!("aws ecs update-service --cluster {cluster} --service {s} --force-new-deployment")));
                out.push(("Turn on the circuit breaker with rollback".into(), format!("aws ecs update-service --cluster {cluster} --service {s} --deployment-configuration deploymentCircuitBreaker={{enable=true,rollback=true}}")));
                out.push((
                    "Break the app: health checks fail".into(),
                    format!("orca fail-health-checks {s}"),
                ));
                out.push(("Heal the app".into(), format!("orca heal {s}")));
                out.push((
                    "Describe it".into(),
                    format!("aws ecs describe-services --cluster {cluster} --services {s}"),
                ));
            }
        }
        Selection::Zone(z) => zone_commands(world, z, &mut out),
        _ => {}
    }
    out
}

fn zone_commands(world: &orca_sim::World, zone: &str, out: &mut Vec<(String, String)>) {
    if world.net.zone_is_out(zone) {
        out.push((
            "Bring the zone back".into(),
            format!("orca zone-recover {zone}"),
        ));
    } else {
        out.push((
            "Take the zone down (an outage)".into(),
            format!("orca zone-outage {zone}"),
        ));
    }
}

fn show_menu(
    mut root: ResMut<Root>,
    mut menu: ResMut<ActionsMenu>,
    mut player: ResMut<Player>,
    mut console: ResMut<ConsoleState>,
) {
    let Some(root) = root.ui() else { return };
    let ctx = root.ctx().clone();
    let Some(sel) = player.selection.clone() else {
        menu.open = false;
        return;
    };
    let commands = commands_for(&player, &sel);
    let zoom = ctx.zoom_factor();
    let pos = menu
        .at
        .map(|p| egui::pos2(p.x / zoom, p.y / zoom))
        .unwrap_or_else(|| ctx.content_rect().center());
    let mut chosen = None;
    let mut close = false;
    egui::Window::new("Actions")
        .id(egui::Id::new("actions-menu"))
        .collapsible(false)
        .resizable(false)
        .title_bar(true)
        .default_pos(pos)
        .show(&ctx, |ui| {
            if commands.is_empty() {
                ui.label("Nothing to do to this object from here.");
            }
            for (label, command) in &commands {
                let r = ui.add(egui::Button::new(label).min_size(egui::vec2(260.0, 0.0)));
                let r = r.on_hover_text(egui::RichText::new(command).monospace());
                if r.clicked() {
                    chosen = Some(command.clone());
                }
            }
            ui.separator();
            ui.weak("Each action runs as a console command (C).");
            if ui.button("Close (Esc)").clicked() || ui.input(|i| i.key_pressed(egui::Key::Escape))
            {
                close = true;
            }
        });
    if let Some(command) = chosen {
        console.open = true;
        console.run(&mut player, &command);
        close = true;
    }
    if close {
        menu.open = false;
    }
}
