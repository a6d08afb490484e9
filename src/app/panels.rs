//! Every panel and dialog (egui): the header with playback controls and score, the timeline,
//! the event log, services and the inspector, the quiz dialog, the legend, the shortcut
//! overlay and the scenario picker.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;
use bevy_egui::{EguiContexts, egui};
use orca_sim::ecs::TaskStatus;
use orca_sim::{Event, SimTime, Source, Subject};

use super::canvas::{CardState, NEW_REVISION, OLD_REVISION};
use super::library;
use super::player::{Player, SPEEDS, Selection};
use super::view::{CanvasRect, ViewState};
use super::{Actions, UiState};

const SOURCES: [&str; 11] = [
    "service",
    "target-group",
    "task",
    "instance",
    "autoscaling",
    "deployment",
    "replicaset",
    "pod",
    "node",
    "scenario",
    "quiz",
];

/// The sources that exist in a world: ECS objects or Kubernetes objects, plus the scenario's.
fn relevant_source(category: &str, eks: bool) -> bool {
    match category {
        "scenario" | "quiz" => true,
        "deployment" | "replicaset" | "pod" | "node" => eks,
        _ => !eks,
    }
}

fn c32(c: Color) -> egui::Color32 {
    let s = c.to_srgba();
    egui::Color32::from_rgba_unmultiplied(
        (s.red * 255.0) as u8,
        (s.green * 255.0) as u8,
        (s.blue * 255.0) as u8,
        (s.alpha * 255.0) as u8,
    )
}

fn source_color(category: &str) -> egui::Color32 {
    match category {
        "service" => egui::Color32::from_rgb(110, 180, 255),
        "target-group" => egui::Color32::from_rgb(200, 160, 255),
        "task" => egui::Color32::from_rgb(150, 150, 160),
        "instance" => egui::Color32::from_rgb(240, 170, 90),
        "scenario" => egui::Color32::from_rgb(120, 220, 160),
        "deployment" => egui::Color32::from_rgb(110, 180, 255),
        "replicaset" => egui::Color32::from_rgb(200, 160, 255),
        "pod" => egui::Color32::from_rgb(180, 200, 210),
        "node" => egui::Color32::from_rgb(240, 170, 90),
        "autoscaling" => egui::Color32::from_rgb(255, 150, 120),
        _ => egui::Color32::from_rgb(255, 225, 60),
    }
}

pub fn ui_system(
    mut contexts: EguiContexts,
    mut player: ResMut<Player>,
    mut ui_state: ResMut<UiState>,
    mut rect: ResMut<CanvasRect>,
    mut view: ResMut<ViewState>,
    mut actions: MessageWriter<Actions>,
    window: Query<&Window, With<PrimaryWindow>>,
    mut fonts_set: Local<bool>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    if !*fonts_set {
        *fonts_set = true;
        let mut fonts = egui::FontDefinitions::default();
        fonts.font_data.insert(
            "dejavu".into(),
            std::sync::Arc::new(egui::FontData::from_static(super::FONT_BYTES)),
        );
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            fonts
                .families
                .entry(family)
                .or_default()
                .push("dejavu".into());
        }
        ctx.set_fonts(fonts);
        let mut style = (*ctx.global_style()).clone();
        style
            .text_styles
            .iter_mut()
            .for_each(|(_, f)| f.size += 1.0);
        ctx.set_global_style(style);
    }
    if (ctx.zoom_factor() - ui_state.text_scale).abs() > 0.001 {
        ctx.set_zoom_factor(ui_state.text_scale);
    }
    let mut root = egui::Ui::new(
        ctx.clone(),
        "orca-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );

    header(&mut root, &mut player, &mut ui_state, &mut actions);
    if let Some(err) = player.load_error.clone() {
        egui::Panel::top("error")
            .frame(egui::Frame::default().fill(egui::Color32::from_rgb(110, 25, 25)).inner_margin(6.0))
            .show(&mut root, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(
                        egui::RichText::new(format!(
                            "⚠ The edited file has an error; still showing the last good version.\n{err}"
                        ))
                        .color(egui::Color32::WHITE)
                        .monospace(),
                    );
                });
            });
    }
    timeline(&mut root, &mut player);
    if !ui_state.presenting {
        event_log(&mut root, &mut player, &mut ui_state);
        // While a quiz is open its panel takes the side panel's place.
        if player.quiz.is_none() {
            side_panel(&mut root, &mut player, ui_state.show_legend);
        }
    }

    // A quiz takes a panel beside the canvas (never on top of it), so what it is about stays
    // in view; the canvas refits to the space left.
    quiz_panel(&mut root, &mut player);

    // What is left is the canvas.
    let free = root.available_rect_before_wrap();
    debug!("viewport {:?} free {:?}", ctx.viewport_rect(), free);
    let ppp = ctx.pixels_per_point();
    let window_scale = window.single().map(|w| w.scale_factor()).unwrap_or(1.0);
    let to_logical = ppp / window_scale;
    let new_rect = CanvasRect {
        min: Vec2::new(free.min.x, free.min.y) * to_logical,
        size: Vec2::new(free.width(), free.height()) * to_logical,
        scale: window_scale,
        pointer_over_ui: ctx.pointer_hover_pos().is_none_or(|p| {
            !free.contains(p)
                || ctx
                    .layer_id_at(p)
                    .is_some_and(|l| l.order != egui::Order::Background)
        }),
    };
    if *rect != new_rect {
        *rect = new_rect;
    }

    if ui_state.show_intro && player.quiz.is_none() {
        intro(&ctx, &mut player, &mut ui_state);
    }
    if ui_state.show_help {
        help(&ctx, &mut ui_state);
    }
    if ui_state.show_picker {
        picker(&ctx, &mut player, &mut ui_state, &mut view);
    } else {
        ui_state.typing = false;
    }
    // Buttons never keep the keyboard: Space, Tab and the arrows stay Orca's shortcuts (egui
    // would otherwise move focus between buttons and press the focused one).
    if !ui_state.typing {
        ctx.memory_mut(|m| {
            if let Some(id) = m.focused() {
                m.surrender_focus(id);
            }
        });
    }
    Ok(())
}

fn header(
    root: &mut egui::Ui,
    player: &mut Player,
    ui_state: &mut UiState,
    actions: &mut MessageWriter<Actions>,
) {
    egui::Panel::top("header").show(root, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.heading(egui::RichText::new(&player.scenario().title).strong());
            ui.label(egui::RichText::new(player.source.label()).weak());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let (right, answered, total) = player.score();
                if let Some(shot) = &ui_state.last_screenshot {
                    ui.weak(format!("saved {shot}"));
                }
                ui.label(
                    egui::RichText::new(format!(
                        "Quiz score {right}/{answered} · {total} questions"
                    ))
                    .strong(),
                )
                .on_hover_text(
                    "Right answers out of questions answered; kept in your progress file.",
                );
            });
        });
        ui.horizontal(|ui| {
            let play = if player.playing {
                "⏸ Pause"
            } else {
                "▶ Play"
            };
            if ui.button("⟲ Restart").on_hover_text("R").clicked() {
                actions.write(Actions::Restart);
            }
            if ui
                .button("⏮ Back")
                .on_hover_text("← previous event")
                .clicked()
            {
                actions.write(Actions::StepBack);
            }
            if ui.button(play).on_hover_text("Space").clicked() {
                actions.write(Actions::TogglePlay);
            }
            if ui.button("Next ⏭").on_hover_text("→ next event").clicked() {
                actions.write(Actions::StepForward);
            }
            ui.separator();
            if ui.button("−").on_hover_text("[ slower").clicked() {
                actions.write(Actions::Slower);
            }
            ui.label(egui::RichText::new(format!("{}×", player.speed())).monospace())
                .on_hover_text(format!("Speeds: {SPEEDS:?}"));
            if ui.button("+").on_hover_text("] faster").clicked() {
                actions.write(Actions::Faster);
            }
            ui.separator();
            ui.label(
                egui::RichText::new(format!("{} / {}", player.now(), player.end()))
                    .monospace()
                    .size(18.0),
            );
            ui.separator();
            if ui.button("📂 Scenarios…").on_hover_text("O").clicked() {
                ui_state.show_picker = !ui_state.show_picker;
            }
            if ui
                .button("Fit")
                .on_hover_text("F: fit the cluster in view")
                .clicked()
            {
                actions.write(Actions::Fit);
            }
            if ui.button("A−").on_hover_text("Ctrl+-").clicked() {
                actions.write(Actions::TextSmaller);
            }
            if ui.button("A+").on_hover_text("Ctrl+=").clicked() {
                actions.write(Actions::TextBigger);
            }
            if ui
                .button(if ui_state.presenting {
                    "Panels"
                } else {
                    "Present"
                })
                .on_hover_text("P: hide or show the side panel and the event log")
                .clicked()
            {
                actions.write(Actions::TogglePresenting);
            }
            if ui.button("Legend").on_hover_text("L").clicked() {
                ui_state.show_legend = !ui_state.show_legend;
            }
            if ui.button("? Keys").on_hover_text("?").clicked() {
                ui_state.show_help = !ui_state.show_help;
            }
        });
        ui.add_space(2.0);
    });
}

fn timeline(root: &mut egui::Ui, player: &mut Player) {
    egui::Panel::bottom("timeline")
        .exact_size(44.0)
        .show(root, |ui| {
            let (rect, response) =
                ui.allocate_exact_size(ui.available_size(), egui::Sense::click_and_drag());
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 4.0, egui::Color32::from_rgb(24, 27, 34));
            let end = player.end().millis().max(1) as f32;
            let x_of =
                |t: SimTime| rect.left() + 8.0 + (rect.width() - 16.0) * (t.millis() as f32 / end);
            let mid = rect.center().y;
            for e in player.playback.full_log().iter() {
                if matches!(e.source, Source::Task(_)) {
                    continue;
                }
                let x = x_of(e.at);
                painter.line_segment(
                    [egui::pos2(x, mid - 7.0), egui::pos2(x, mid + 7.0)],
                    egui::Stroke::new(1.0, source_color(e.source.category()).gamma_multiply(0.7)),
                );
            }
            for m in player.playback.quiz_moments() {
                let x = x_of(m.at);
                let c = egui::pos2(x, rect.top() + 8.0);
                let pts = vec![
                    c + egui::vec2(0.0, -6.0),
                    c + egui::vec2(6.0, 0.0),
                    c + egui::vec2(0.0, 6.0),
                    c + egui::vec2(-6.0, 0.0),
                ];
                painter.add(egui::Shape::convex_polygon(
                    pts,
                    egui::Color32::from_rgb(255, 225, 60),
                    egui::Stroke::new(1.0, egui::Color32::BLACK),
                ));
            }
            let x = x_of(player.now());
            painter.line_segment(
                [egui::pos2(x, rect.top()), egui::pos2(x, rect.bottom())],
                egui::Stroke::new(3.0, egui::Color32::WHITE),
            );
            if let Some(p) = response.interact_pointer_pos()
                && (response.clicked() || response.dragged())
            {
                let frac = ((p.x - rect.left() - 8.0) / (rect.width() - 16.0)).clamp(0.0, 1.0);
                let t = SimTime((frac * end) as u64);
                player.playing = false;
                player.seek(t);
            }
            let label_color = egui::Color32::from_gray(170);
            painter.text(
                egui::pos2(rect.left() + 8.0, rect.bottom() - 2.0),
                egui::Align2::LEFT_BOTTOM,
                "00:00",
                egui::FontId::proportional(11.0),
                label_color,
            );
            painter.text(
                egui::pos2(rect.right() - 8.0, rect.bottom() - 2.0),
                egui::Align2::RIGHT_BOTTOM,
                player.end().to_string(),
                egui::FontId::proportional(11.0),
                label_color,
            );
            let hover_text = response.hover_pos().map(|p| {
                let frac = ((p.x - rect.left() - 8.0) / (rect.width() - 16.0)).clamp(0.0, 1.0);
                let t = SimTime((frac * end) as u64);
                let near = player
                    .playback
                    .full_log()
                    .iter()
                    .filter(|e| !matches!(e.source, Source::Task(_)))
                    .min_by_key(|e| e.at.millis().abs_diff(t.millis()));
                match near {
                    Some(e) if (x_of(e.at) - p.x).abs() < 6.0 => {
                        format!("[{}] {}", e.at, e.message)
                    }
                    _ => {
                        format!("{t} — click or drag to move through time. ◆ quiz, ticks = events")
                    }
                }
            });
            if let Some(text) = hover_text {
                response.on_hover_text(text);
            }
        });
}

fn subject_to_select(e: &Event) -> Option<Selection> {
    let rank = |s: &Subject| match s {
        Subject::Task(_) => 0,
        Subject::Instance(_) => 1,
        Subject::TargetGroup(_) => 2,
        Subject::Service(_) => 3,
        Subject::Zone(_) => 4,
        Subject::Pod(_) => 0,
        Subject::Node(_) => 1,
        Subject::Deployment(_) => 3,
    };
    e.subjects
        .iter()
        .min_by_key(|s| rank(s))
        .map(Selection::from_subject)
}

fn event_log(root: &mut egui::Ui, player: &mut Player, ui_state: &mut UiState) {
    egui::Panel::bottom("log")
        .resizable(true)
        .default_size(190.0)
        .show(root, |ui| {
            ui.horizontal(|ui| {
                ui.strong("Events");
                ui.separator();
                let eks = player.playback.world().eks.is_some();
                for (i, s) in SOURCES.iter().enumerate() {
                    if !relevant_source(s, eks) {
                        continue;
                    }
                    ui.checkbox(
                        &mut ui_state.filters[i],
                        egui::RichText::new(*s).color(source_color(s)),
                    );
                }
                ui.separator();
                ui.checkbox(&mut ui_state.newest_first, "newest first");
            });
            ui.separator();
            let log = player.playback.log();
            let keep: Vec<&Event> = log
                .iter()
                .filter(|e| {
                    SOURCES
                        .iter()
                        .position(|s| *s == e.source.category())
                        .is_some_and(|i| ui_state.filters[i])
                })
                .collect();
            let shown = 400.min(keep.len());
            let mut rows: Vec<&Event> = keep[keep.len() - shown..].to_vec();
            if ui_state.newest_first {
                rows.reverse();
            }
            let mut clicked = None;
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .stick_to_bottom(!ui_state.newest_first)
                .show(ui, |ui| {
                    if keep.len() > shown {
                        ui.weak(format!("({} older events not shown)", keep.len() - shown));
                    }
                    for e in rows {
                        let r = ui
                            .horizontal_wrapped(|ui| {
                                ui.label(egui::RichText::new(format!("[{}]", e.at)).monospace());
                                ui.label(
                                    egui::RichText::new(e.source.to_string())
                                        .color(source_color(e.source.category()))
                                        .monospace(),
                                );
                                ui.label(&e.message);
                            })
                            .response
                            .interact(egui::Sense::click());
                        if r.clicked() {
                            clicked = subject_to_select(e);
                        }
                    }
                });
            if clicked.is_some() {
                player.selection = clicked;
            }
        });
}

fn kv(ui: &mut egui::Ui, k: &str, v: impl Into<String>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(k).weak());
        ui.label(egui::RichText::new(v.into()).monospace());
    });
}

fn side_panel(root: &mut egui::Ui, player: &mut Player, show_legend: bool) {
    egui::Panel::right("side")
        .resizable(true)
        .default_size(330.0)
        .show(root, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    services(ui, player);
                    ui.separator();
                    inspector(ui, player);
                    if show_legend {
                        ui.separator();
                        legend(ui);
                    }
                });
        });
}

/// Scaling charts: utilization against the HPA target, and replicas, pods and nodes over time.
/// A fixed chart of the side panel: time on x from 0, no dragging or zooming (the timeline
/// does the navigating).
fn chart<'a>(id: impl egui::AsId, height: f32) -> egui_plot::Plot<'a> {
    egui_plot::Plot::new(id)
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_y(0.0)
}

fn metrics(ui: &mut egui::Ui, eks: &orca_sim::k8s::cluster::Cluster) {
    use egui_plot::{HLine, Legend, Line, PlotPoints, VLine};
    ui.separator();
    ui.heading("Metrics");
    let now = eks.now.secs_f64();
    let series = |f: &dyn Fn(&orca_sim::k8s::cluster::Sample) -> f64| -> PlotPoints<'static> {
        eks.samples
            .iter()
            .map(|s| [s.at.secs_f64(), f(s)])
            .collect::<Vec<_>>()
            .into()
    };
    let name = &eks.deployments[0].name;
    ui.label(egui::RichText::new(format!("deployment/{name}: average CPU, % of request")).weak());
    chart("cpu", 130.0)
        .include_y(100.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("utilization", series(&|s| s.utilization)));
            if let Some(t) = eks.samples.last().and_then(|s| s.target) {
                p.hline(HLine::new("HPA target", t).style(egui_plot::LineStyle::dashed_loose()));
            }
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
    ui.label(egui::RichText::new("pods and nodes").weak());
    chart("counts", 130.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("desired replicas", series(&|s| s.desired as f64)));
            p.line(Line::new("ready pods", series(&|s| s.ready as f64)));
            p.line(Line::new("pending pods", series(&|s| s.pending as f64)));
            p.line(Line::new("nodes", series(&|s| s.nodes as f64)));
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
}

fn deployment_summary(ui: &mut egui::Ui, eks: &orca_sim::k8s::cluster::Cluster, d: usize) {
    let (updated, old, updated_available) = eks.rollout_counts(d);
    let (pods, available) = eks.totals(d);
    let dep = &eks.deployments[d];
    let (surge, unavailable) = orca_sim::k8s::rollout::resolve_fenceposts(
        dep.max_surge,
        dep.max_unavailable,
        dep.replicas,
    );
    ui.label(
        egui::RichText::new(format!(
            "deployment/{}   replicas {} · pods {} · available {}",
            dep.name, dep.replicas, pods, available
        ))
        .strong(),
    );
    ui.label(
        egui::RichText::new(format!(
            "RollingUpdate: maxSurge {surge}, maxUnavailable {unavailable} → between {} and {} pods",
            dep.replicas.saturating_sub(unavailable),
            dep.replicas + surge
        ))
        .weak(),
    );
    let current = eks.current_replica_set(d);
    for (i, rs) in eks.replica_sets.iter().enumerate() {
        if rs.deployment != d || rs.deleted {
            continue;
        }
        let ready = eks
            .pods
            .iter()
            .filter(|p| !p.gone && p.replica_set == i && p.ready)
            .count();
        let have = eks
            .pods
            .iter()
            .filter(|p| !p.gone && p.replica_set == i && p.deleting_at.is_none())
            .count();
        ui.horizontal(|ui| {
            let (r, _) = ui.allocate_exact_size(egui::vec2(8.0, 16.0), egui::Sense::hover());
            ui.painter().rect_filled(
                r,
                1.0,
                c32(if Some(i) == current {
                    NEW_REVISION
                } else {
                    OLD_REVISION
                }),
            );
            ui.label(
                egui::RichText::new(format!(
                    "replicaset/{}  rev {}  desired {} current {} ready {}",
                    rs.name, rs.revision, rs.spec_replicas, have, ready
                ))
                .monospace(),
            );
        });
    }
    let status = if dep.progress_deadline_exceeded {
        orca_sim::k8s::messages::progress_deadline_exceeded(&dep.name)
    } else {
        orca_sim::k8s::messages::rollout_status(
            &dep.name,
            dep.replicas,
            updated,
            old,
            updated_available,
        )
    };
    ui.label(
        egui::RichText::new(format!("$ kubectl rollout status\n{status}"))
            .monospace()
            .italics(),
    );
}

fn pod_inspector(
    ui: &mut egui::Ui,
    player: &Player,
    eks: &orca_sim::k8s::cluster::Cluster,
    name: &str,
) {
    use orca_sim::k8s::cluster::ContainerState;
    let Some(pod) = eks.pods.iter().find(|p| p.name == name) else {
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
    let running = matches!(pod.state, ContainerState::Running { .. });
    kv(
        ui,
        "Conditions",
        format!(
            "PodScheduled {} · Initialized {} · ContainersReady {} · Ready {}",
            if pod.node.is_some() {
                "True"
            } else {
                "False (Unschedulable)"
            },
            if pod.node.is_some() { "True" } else { "False" },
            if pod.ready { "True" } else { "False" },
            if pod.ready { "True" } else { "False" },
        ),
    );
    if !running && pod.node.is_some() && pod.deleting_at.is_none() {
        ui.weak("The container is not running: see its state and the events below.");
    }
    kv(
        ui,
        "Probes",
        format!(
            "readiness {} · liveness {} (period 10s, failureThreshold 3)",
            if rs.template.readiness_probe {
                "http-get"
            } else {
                "none"
            },
            if rs.template.liveness_probe {
                "http-get"
            } else {
                "none"
            }
        ),
    );
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
                ui.label(&e.message);
            });
        }
    }
    if !any {
        ui.weak("<none>");
    }
}

fn services(ui: &mut egui::Ui, player: &mut Player) {
    if let Some(eks) = &player.playback.world().eks {
        ui.heading("Deployments");
        for d in 0..eks.deployments.len() {
            deployment_summary(ui, eks, d);
            ui.add_space(6.0);
        }
        if eks.samples.len() > 1
            && (!eks.hpas.is_empty() || !eks.node_groups.is_empty() || eks.karpenter.is_some())
        {
            metrics(ui, eks);
        }
        return;
    }
    ui.heading("Services");
    let now = player.playback.world().now.secs_f64();
    let Some(world) = &player.playback.world().ecs else {
        return;
    };
    let mut select = None;
    for svc in &world.services {
        let td = world.task_definition(svc.task_definition);
        let r = ui.add(
            egui::Label::new(
                egui::RichText::new(format!(
                    "{}  ({}, {})   desired {} · running {} · pending {}",
                    svc.name,
                    td.family_revision(),
                    match svc.launch_type {
                        orca_sim::scenario::spec::LaunchType::Fargate => "FARGATE",
                        orca_sim::scenario::spec::LaunchType::Ec2 => "EC2",
                    },
                    svc.desired_count,
                    svc.running_count,
                    svc.pending_count
                ))
                .strong(),
            )
            .sense(egui::Sense::click()),
        );
        if r.clicked() {
            select = Some(Selection::Service(svc.name.clone()));
        }
        for d in &svc.deployments {
            let dtd = world.task_definition(d.task_definition);
            let primary = d.status == orca_sim::ecs::DeploymentStatus::Primary;
            ui.horizontal(|ui| {
                let (r, _) = ui.allocate_exact_size(egui::vec2(8.0, 16.0), egui::Sense::hover());
                ui.painter().rect_filled(
                    r,
                    1.0,
                    c32(if primary { NEW_REVISION } else { OLD_REVISION }),
                );
                ui.label(
                    egui::RichText::new(format!(
                        "{:<7} {}  {}  running {} pending {}{}",
                        d.status.as_str(),
                        dtd.family_revision(),
                        d.rollout_state.as_str(),
                        d.running_count,
                        d.pending_count,
                        if d.failed_tasks > 0 {
                            format!("  failed {}", d.failed_tasks)
                        } else {
                            String::new()
                        }
                    ))
                    .monospace(),
                );
            });
        }
        let lp = &svc.last_pass;
        ui.label(
            egui::RichText::new(format!(
                "bounds: min healthy {} ({} %) · max {} ({} %) · healthy now {}",
                lp.lower,
                svc.deployment_configuration.minimum_healthy_percent,
                lp.upper,
                svc.deployment_configuration.maximum_percent,
                lp.healthy
            ))
            .weak(),
        );
        if !lp.decision.is_empty() {
            ui.label(egui::RichText::new(format!("scheduler: {}", lp.decision)).italics());
        }
        ui.add_space(6.0);
    }
    if select.is_some() {
        player.selection = select;
    }
    for svc in &world.services {
        if svc.metrics.len() > 1 {
            service_metrics(ui, svc, now);
        }
    }
    for g in &world.auto_scaling_groups {
        if g.managed_scaling.is_some() && g.samples.len() > 1 {
            capacity_metrics(ui, g, now);
        }
    }
}

/// Managed scaling charts: CapacityProviderReservation against the target capacity, and the
/// group's instances with the tasks waiting for them.
fn capacity_metrics(
    ui: &mut egui::Ui,
    g: &orca_sim::ecs::capacity_provider::AutoScalingGroup,
    now: f64,
) {
    use egui_plot::{HLine, Legend, Line, PlotPoints, VLine};
    ui.separator();
    ui.heading(format!(
        "Capacity provider {} (ASG {})",
        g.capacity_provider, g.name
    ));
    let series = |f: &dyn Fn(&orca_sim::ecs::capacity_provider::ReservationSample) -> f64| -> PlotPoints<'static> {
        g.samples
            .iter()
            .map(|m| [m.at.secs_f64(), f(m)])
            .collect::<Vec<_>>()
            .into()
    };
    let target = g
        .managed_scaling
        .as_ref()
        .map_or(100.0, |m| m.target_capacity as f64);
    ui.label(
        egui::RichText::new("CapacityProviderReservation = M needed / N in group × 100").weak(),
    );
    chart(format!("cpr-{}", g.name), 120.0)
        .include_y(200.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("reservation %", series(&|m| m.reservation)));
            p.hline(
                HLine::new("target capacity", target).style(egui_plot::LineStyle::dashed_loose()),
            );
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
    ui.label(
        egui::RichText::new(format!(
            "scale-out alarm {} · scale-in alarm {} (15 of 15 below {target:.0} %) · desired {} (min {}, max {})",
            g.high.as_str(),
            g.low.as_str(),
            g.desired_capacity,
            g.min_size,
            g.max_size
        ))
        .weak(),
    );
    chart(format!("asg-{}", g.name), 110.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new(
                "desired instances",
                series(&|m| m.desired as f64),
            ));
            p.line(Line::new("registered", series(&|m| m.registered as f64)));
            p.line(Line::new("tasks waiting", series(&|m| m.waiting as f64)));
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
}

/// Target tracking charts: CPU against the target, desired and running tasks.
fn service_metrics(ui: &mut egui::Ui, svc: &orca_sim::ecs::Service, now: f64) {
    use egui_plot::{HLine, Legend, Line, PlotPoints, VLine};
    ui.separator();
    ui.heading(format!("Metrics: {}", svc.name));
    let series = |f: &dyn Fn(&orca_sim::ecs::ServiceSample) -> f64| -> PlotPoints<'static> {
        svc.metrics
            .iter()
            .map(|m| [m.at.secs_f64(), f(m)])
            .collect::<Vec<_>>()
            .into()
    };
    ui.label(egui::RichText::new("ECSServiceAverageCPUUtilization (1-minute datapoints)").weak());
    chart(format!("cpu-{}", svc.name), 130.0)
        .include_y(100.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("CPU %", series(&|m| m.cpu)));
            if svc.metrics.iter().any(|m| m.memory.is_some()) {
                p.line(Line::new(
                    "memory %",
                    series(&|m| m.memory.unwrap_or(f64::NAN)),
                ));
            }
            if let Some(t) = &svc.scaling {
                p.hline(HLine::new("target", t.target).style(egui_plot::LineStyle::dashed_loose()));
            }
            for s in &svc.step_scaling {
                p.hline(
                    HLine::new(s.alarm.clone(), s.threshold)
                        .style(egui_plot::LineStyle::dotted_dense()),
                );
            }
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
    if let Some(t) = &svc.scaling {
        ui.label(
            egui::RichText::new(format!(
                "AlarmHigh {} (3 of 3 above {:.0} %) · AlarmLow {} (15 of 15 below {:.0} %)",
                t.high.as_str(),
                t.target,
                t.low.as_str(),
                t.target * orca_sim::aas::LOW_FACTOR
            ))
            .weak(),
        );
    }
    for s in &svc.step_scaling {
        ui.label(
            egui::RichText::new(format!(
                "{} {} ({} {} {:.0} %, {} of {}) → policy {}",
                s.alarm,
                s.state.as_str(),
                s.metric.as_str(),
                s.comparison.words(),
                s.threshold,
                s.datapoints_to_alarm,
                s.evaluation_periods,
                s.policy
            ))
            .weak(),
        );
    }
    chart(format!("tasks-{}", svc.name), 120.0)
        .legend(Legend::default())
        .show(ui, |p| {
            p.line(Line::new("desired", series(&|m| m.desired as f64)));
            p.line(Line::new("running", series(&|m| m.running as f64)));
            p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
        });
}

fn inspector(ui: &mut egui::Ui, player: &Player) {
    ui.heading("Inspector");
    let world = player.playback.world();
    let Some(sel) = &player.selection else {
        ui.label("Click a task, an instance, a target group or a service (or an event) to see its fields and why it is in its state.");
        return;
    };
    match sel {
        Selection::Task(id) => {
            if let Some(eks) = &world.eks {
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
            kv(
                ui,
                "lastStatus",
                format!(
                    "{}   ({})",
                    task.last_status.as_str(),
                    CardState::of(ecs, orca_sim::world::TaskIdx(ti as u32)).label()
                ),
            );
            kv(ui, "desiredStatus", task.desired_status.as_str());
            kv(ui, "healthStatus", task.health_status.as_str());
            kv(ui, "availabilityZone", &task.availability_zone);
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
            kv(ui, "privateIp", &task.private_ip);
            if let Some(d) = &task.deployment_id {
                kv(ui, "startedBy", d);
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
                kv(ui, "stoppedReason", r);
            }
            for c in &task.containers {
                kv(
                    ui,
                    &format!("container {}", c.name),
                    format!(
                        "{} · health {}{}{}",
                        c.last_status.as_str(),
                        c.health_status.as_str(),
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
            if task.last_status == TaskStatus::Stopped {
                ui.weak("STOPPED tasks fade from the canvas after 20 s.");
            }
            why(ui, task.why.iter().map(|w| (w.at, w.text.as_str())));
        }
        Selection::Instance(name) => {
            let Some(ecs) = &world.ecs else { return };
            let Some(inst) = ecs.instances.iter().find(|i| &i.name == name) else {
                ui.label("No such instance.");
                return;
            };
            ui.strong(format!("Container instance {}", inst.name));
            kv(ui, "ec2InstanceId", &inst.ec2_instance_id);
            kv(ui, "containerInstanceArn", &inst.arn);
            kv(ui, "instanceType", &inst.instance_type);
            kv(ui, "availabilityZone", &inst.availability_zone);
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
            kv(ui, "targetGroupArn", &tg.arn);
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
                    &t.endpoint(),
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
            let pods: Vec<&orca_sim::k8s::cluster::Pod> = eks
                .pods
                .iter()
                .filter(|p| !p.gone && p.node == Some(ni))
                .collect();
            kv(ui, "Non-terminated Pods", pods.len().to_string());
            for p in pods {
                kv(ui, "  pod", format!("{}  {}", p.name, p.status()));
            }
        }
        Selection::Deployment(name) => {
            let Some(eks) = &world.eks else { return };
            match eks.deployment_index(name) {
                Some(d) => deployment_summary(ui, eks, d),
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

fn legend(ui: &mut egui::Ui) {
    egui::CollapsingHeader::new(egui::RichText::new("Legend").heading())
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("legend-grid")
                .num_columns(2)
                .spacing([8.0, 2.0])
                .show(ui, |ui| {
                    for s in CardState::ALL {
                        if s == CardState::Deprovisioning || s == CardState::Activating {
                            continue;
                        }
                        let (r, _) =
                            ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                        ui.painter().rect_filled(r, 2.0, c32(s.color()));
                        ui.label(s.label()).on_hover_text(s.meaning());
                        ui.end_row();
                    }
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                    ui.painter().rect_filled(r, 2.0, c32(NEW_REVISION));
                    ui.label("left stripe: new (PRIMARY) revision");
                    ui.end_row();
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                    ui.painter().rect_filled(r, 2.0, c32(OLD_REVISION));
                    ui.label("left stripe: older revision");
                    ui.end_row();
                    ui.label("— / - -");
                    ui.label("link to target: solid ok, dashed bad/draining");
                    ui.end_row();
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                    ui.painter()
                        .rect_filled(r, 2.0, c32(super::canvas::INSTANCE_BOOTING_BG));
                    ui.label("◔ host booting: REGISTERING instance, NotReady node");
                    ui.end_row();
                    let (r, _) =
                        ui.allocate_exact_size(egui::vec2(18.0, 14.0), egui::Sense::hover());
                    ui.painter()
                        .rect_filled(r, 2.0, c32(super::canvas::INSTANCE_GONE_BG));
                    ui.label("⇣ ✕ host leaving: draining or terminated instance, disrupted node");
                    ui.end_row();
                });
        });
}

fn quiz_panel(root: &mut egui::Ui, player: &mut Player) {
    let Some(open) = player.quiz.clone() else {
        return;
    };
    let moment = player.playback.quiz_moments()[open.moment].clone();
    let Some(quiz) = player.scenario().quizzes.get(moment.quiz).cloned() else {
        return;
    };
    let title = if moment.predict {
        "🔮 Predict: what happens next?"
    } else {
        "❓ Quiz"
    };
    egui::Panel::right("quiz")
        .exact_size(420.0)
        .frame(
            egui::Frame::side_top_panel(root.style())
                .fill(egui::Color32::from_rgb(38, 36, 22))
                .inner_margin(12.0),
        )
        .show(root, |ui| {
            ui.label(
                egui::RichText::new(title)
                    .size(20.0)
                    .strong()
                    .color(egui::Color32::from_rgb(255, 225, 60)),
            );
            ui.weak("The highlighted objects are what the question is about.");
            ui.add_space(6.0);
            ui.label(egui::RichText::new(&quiz.question).size(18.0).strong());
            if quiz.correct.len() > 1 {
                ui.weak("More than one answer is right: tick them all.");
            }
            ui.add_space(6.0);
            for (i, choice) in quiz.choices.iter().enumerate() {
                let picked = open.picked.contains(&i);
                let mut text = egui::RichText::new(format!("{}  {}", i + 1, choice)).size(16.0);
                if open.verdict.is_some() {
                    if quiz.correct.contains(&i) {
                        text = egui::RichText::new(format!("✓ {}  {}", i + 1, choice))
                            .size(16.0)
                            .color(egui::Color32::from_rgb(120, 230, 140))
                            .strong();
                    } else if picked {
                        text = egui::RichText::new(format!("✗ {}  {}", i + 1, choice))
                            .size(16.0)
                            .color(egui::Color32::from_rgb(255, 120, 120));
                    }
                }
                let r = ui.add(egui::Button::selectable(picked, text).wrap());
                if r.clicked() && open.verdict.is_none() {
                    player.pick(i);
                }
            }
            ui.add_space(8.0);
            match open.verdict {
                None => {
                    ui.horizontal(|ui| {
                        let ok = !open.picked.is_empty();
                        if ui
                            .add_enabled(ok, egui::Button::new("Answer  (Enter)"))
                            .clicked()
                        {
                            player.answer();
                        }
                        ui.weak("Pick with the mouse or keys 1–9.");
                    });
                }
                Some(right) => {
                    ui.label(
                        egui::RichText::new(if right {
                            "✓ Right!"
                        } else {
                            "✗ Not quite."
                        })
                        .size(18.0)
                        .strong()
                        .color(if right {
                            egui::Color32::from_rgb(120, 230, 140)
                        } else {
                            egui::Color32::from_rgb(255, 120, 120)
                        }),
                    );
                    ui.label(egui::RichText::new(&quiz.explanation).size(15.0));
                    ui.add_space(6.0);
                    if ui.button("Continue  (Enter)").clicked() {
                        player.continue_after_quiz();
                    }
                }
            }
        });
}

pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space", "play / pause"),
    ("→", "step to the next event"),
    ("←", "step back to the previous event"),
    ("[  ]", "slower / faster (0.25× to 64×)"),
    ("R", "restart from 0:00"),
    ("Home / End", "jump to the start / the end"),
    ("1 – 9, Enter", "pick a quiz answer, answer, continue"),
    ("F", "fit the cluster in view"),
    ("drag, wheel", "pan and zoom the canvas"),
    ("Ctrl + =  /  Ctrl + -", "bigger / smaller text and panels"),
    ("Ctrl + 0", "reset text size"),
    ("L", "show / hide the legend"),
    ("O", "open the scenario picker"),
    ("N", "newest events first / oldest first"),
    ("P", "presentation mode: canvas only (with the timeline)"),
    (
        "Tab / Shift+Tab",
        "select the next / previous task (shown in the inspector)",
    ),
    ("F12", "save a picture of the window (PNG, current folder)"),
    ("Esc", "deselect, close overlays"),
    ("?", "this overlay"),
];

fn intro(ctx: &egui::Context, player: &mut Player, ui_state: &mut UiState) {
    let scenario = player.scenario().clone();
    egui::Window::new(egui::RichText::new(&scenario.title).strong())
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .default_width(560.0)
        .show(ctx, |ui| {
            ui.set_max_width(560.0);
            ui.label(egui::RichText::new(&scenario.description).size(16.0));
            ui.add_space(8.0);
            ui.weak(format!(
                "{} quiz question(s) · {} long · press ? for the keys",
                scenario.quizzes.len(),
                player.end()
            ));
            ui.horizontal(|ui| {
                if ui
                    .button(egui::RichText::new("▶ Start  (Space)").size(16.0))
                    .clicked()
                {
                    ui_state.show_intro = false;
                    player.toggle_play();
                }
                if ui.button("Look around first  (Esc)").clicked() {
                    ui_state.show_intro = false;
                }
            });
        });
}

fn help(ctx: &egui::Context, ui_state: &mut UiState) {
    egui::Window::new("Keyboard shortcuts")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            egui::Grid::new("keys")
                .num_columns(2)
                .spacing([24.0, 6.0])
                .show(ui, |ui| {
                    for (k, what) in SHORTCUTS {
                        ui.label(egui::RichText::new(*k).monospace().strong());
                        ui.label(*what);
                        ui.end_row();
                    }
                });
            if ui.button("Close (Esc)").clicked() {
                ui_state.show_help = false;
            }
        });
}

fn picker(ctx: &egui::Context, player: &mut Player, ui_state: &mut UiState, view: &mut ViewState) {
    let mut open = true;
    let mut typing = false;
    let screen = ctx.content_rect();
    egui::Window::new("Scenarios")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .fixed_size([
            660.0_f32.min(screen.width() - 40.0),
            (screen.height() - 120.0).max(200.0),
        ])
        .show(ctx, |ui| {
            ui.label("Open a scenario file (it reloads when you save it):");
            ui.horizontal(|ui| {
                let field = ui.add(
                    egui::TextEdit::singleline(&mut ui_state.open_path)
                        .hint_text("path/to/scenario.ron")
                        .desired_width(480.0),
                );
                typing = field.has_focus();
                if ui.button("Open").clicked() {
                    let path = std::path::PathBuf::from(ui_state.open_path.trim());
                    match library::load_file(&path) {
                        Ok((s, source)) => {
                            super::switch_scenario(player, s, source);
                            ui_state.show_intro = true;
                            ui_state.show_picker = false;
                            ui_state.picker_error = None;
                            view.fit_requested = true;
                        }
                        Err(e) => ui_state.picker_error = Some(e),
                    }
                }
            });
            if let Some(e) = &ui_state.picker_error {
                ui.label(
                    egui::RichText::new(e)
                        .monospace()
                        .color(egui::Color32::from_rgb(255, 120, 120)),
                );
            }
            ui.separator();
            ui.label("Built in:");
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let mut last_kind = "";
                    for (name, title, description) in library::built_in_list() {
                        let kind = if name.starts_with("eks") {
                            "Amazon EKS (Kubernetes)"
                        } else {
                            "Amazon ECS"
                        };
                        if kind != last_kind {
                            last_kind = kind;
                            ui.add_space(4.0);
                            ui.strong(kind);
                        }
                        ui.group(|ui| {
                            ui.set_width(ui.available_width());
                            if ui
                                .button(egui::RichText::new(&title).strong().size(16.0))
                                .clicked()
                            {
                                match library::built_in(name) {
                                    Ok(s) => {
                                        super::switch_scenario(
                                            player,
                                            s,
                                            library::ScenarioSource::BuiltIn(name),
                                        );
                                        ui_state.show_intro = true;
                                        ui_state.show_picker = false;
                                        view.fit_requested = true;
                                    }
                                    Err(e) => ui_state.picker_error = Some(e),
                                }
                            }
                            ui.label(egui::RichText::new(description).weak());
                        });
                    }
                });
        });
    ui_state.typing = typing;
    if !open {
        ui_state.show_picker = false;
    }
}
