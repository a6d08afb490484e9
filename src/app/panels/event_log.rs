//! The event log above the timeline: the events up to now, filtered by source, newest or
//! oldest first; clicking one selects what it is about.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};
use orca_sim::{Event, Subject};

use super::console::ConsoleState;
use super::palette::{ink, source_color};
use super::{PanelSystems, Root};
use crate::app::player::{Player, Selection};
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_event_log
            .in_set(PanelSystems::EventLog)
            .run_if(|ui_state: Res<UiState>| !ui_state.presenting),
    );
}

fn show_event_log(
    mut root: ResMut<Root>,
    mut player: ResMut<Player>,
    mut ui_state: ResMut<UiState>,
    console: Res<ConsoleState>,
) {
    let Some(root) = root.ui() else { return };
    event_log(root, &mut player, &mut ui_state, console.open);
}

fn event_log(root: &mut egui::Ui, player: &mut Player, ui_state: &mut UiState, console_open: bool) {
    // With the console open the log gives it room (the console's transcript is the learner's
    // own log then); each layout keeps its own size when resized.
    let (id, size) = if console_open {
        ("log-beside-console", 110.0)
    } else {
        ("log", 190.0)
    };
    egui::Panel::bottom(id)
        .resizable(true)
        .default_size(size)
        .show(root, |ui| {
            ui.horizontal(|ui| {
                ui.strong("Events");
                ui.separator();
                let world = player.playback.world();
                let parts = (
                    world.ecs.is_some(),
                    world.eks.is_some(),
                    !world.ecr.repositories.is_empty(),
                    world.ecs.as_ref().is_some_and(|c| {
                        c.services
                            .iter()
                            .any(|s| !s.volume_configurations.is_empty())
                    }),
                );
                for (i, s) in SOURCES.iter().enumerate() {
                    if !relevant_source(s, parts) {
                        continue;
                    }
                    ui.checkbox(
                        &mut ui_state.filters[i],
                        egui::RichText::new(*s).color(ink(ui, source_color(s))),
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
                                        .color(ink(ui, source_color(e.source.category())))
                                        .monospace(),
                                );
                                ui.label(&*e.message());
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
        .map(|s| Selection::from_subject(&s))
}

const SOURCES: [&str; 16] = [
    "service",
    "target-group",
    "task",
    "volume",
    "instance",
    "autoscaling",
    "deploy",
    "deployment",
    "replicaset",
    "pod",
    "node",
    "registry",
    "config",
    "guardduty",
    "scenario",
    "quiz",
];

/// Whether the filter of a source is worth a checkbox in a world with an ECS part, an EKS
/// part, both, an ECR registry or not, and ECS-managed EBS volumes or not (`parts`).
fn relevant_source(
    category: &str,
    (ecs, eks, registry, volumes): (bool, bool, bool, bool),
) -> bool {
    match category {
        "scenario" | "quiz" => true,
        "registry" => registry,
        // ECS-managed EBS volumes: only where a service configures them.
        "volume" => volumes,
        // CodeDeploy and ECS blue/green deployments.
        "deploy" | "config" => ecs,
        "guardduty" => eks,
        "deployment" | "replicaset" | "pod" | "node" => eks,
        _ => ecs,
    }
}
