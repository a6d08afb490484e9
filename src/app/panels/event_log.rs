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
                    world.ecs.as_ref().is_some_and(|c| !c.cloud_map.is_empty()),
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
                if let Some(sel) = &player.selection {
                    ui.separator();
                    ui.checkbox(
                        &mut ui_state.only_selection,
                        format!("only {}", selection_label(sel, player.playback.world())),
                    )
                    .on_hover_text("Show only the events about the selected object; rows about it are marked with a bar either way.");
                }
            });
            ui.separator();
            let log = player.playback.log();
            let selection = player.selection.as_ref();
            let only = selection.filter(|_| ui_state.only_selection);
            let keep: Vec<&Event> = log
                .iter()
                .filter(|e| shown(e, &ui_state.filters, only))
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
                    if let (Some(sel), true) = (only, keep.is_empty()) {
                        ui.weak(format!(
                            "(no event about {} yet)",
                            selection_label(sel, player.playback.world())
                        ));
                    }
                    for e in rows {
                        let about = selection.is_some_and(|sel| is_about(e, sel));
                        if event_row(ui, e, about).clicked() {
                            clicked = row_selection(e, selection);
                        }
                    }
                });
            if clicked.is_some() {
                player.selection = clicked;
            }
        });
}

/// Whether the log shows `e`: its source's filter is on and, with `only` a selection, it
/// names the selected object.
fn shown(e: &Event, filters: &[bool; 17], only: Option<&Selection>) -> bool {
    SOURCES
        .iter()
        .position(|s| *s == e.source.category())
        .is_some_and(|i| filters[i])
        && only.is_none_or(|sel| is_about(e, sel))
}

/// The event names the selected object.
fn is_about(e: &Event, sel: &Selection) -> bool {
    e.subjects.iter().any(|s| sel.is(&s))
}

/// "task 9aa62a88", "pod web-7c9f-x2k4q", "service web": the selection as the log's filter
/// names it in `world`.
fn selection_label(sel: &Selection, world: &orca_sim::World) -> String {
    let (what, name) = match sel {
        Selection::Task(name) if Selection::names_pod(world, name) => ("pod", name.as_str()),
        Selection::Task(id) => ("task", orca_sim::ecs::short_task_id(id)),
        Selection::Instance(n) => ("instance", n.as_str()),
        Selection::Service(n) => ("service", n.as_str()),
        Selection::TargetGroup(n) => ("target group", n.as_str()),
        Selection::Zone(n) => ("zone", n.as_str()),
        Selection::Node(n) => ("node", n.as_str()),
        Selection::Deployment(n) => ("deployment", n.as_str()),
    };
    format!("{what} {name}")
}

/// Room at the left of every row for the bar that marks rows about the selection.
const MARK_WIDTH: f32 = 7.0;

/// One row of the log: time, source and message, wrapped to the log's width; `about` (it
/// names the selected object) marks it with a bar at its left and a faint background. The
/// whole row, text and the room beside it, answers a click (and shows so under the pointer);
/// its text is not selectable, which would take the press for a selection instead.
fn event_row(ui: &mut egui::Ui, e: &Event, about: bool) -> egui::Response {
    let style = ui.style().clone();
    let mut job = egui::text::LayoutJob::default();
    let mut add = |text: egui::RichText| {
        text.append_to(
            &mut job,
            &style,
            egui::FontSelection::Default,
            egui::Align::Center,
        )
    };
    add(egui::RichText::new(format!("[{}] ", e.at)).monospace());
    add(egui::RichText::new(format!("{} ", e.source))
        .color(ink(ui, source_color(e.source.category())))
        .monospace());
    add(egui::RichText::new(&*e.message()).color(ui.visuals().text_color()));
    let width = ui.available_width();
    job.wrap.max_width = (width - MARK_WIDTH).max(1.0);
    let galley = ui.painter().layout_job(job);
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(width, galley.size().y), egui::Sense::click());
    if ui.is_rect_visible(rect) {
        let selection = ui.visuals().selection.bg_fill;
        if response.hovered() {
            let fill = ui.visuals().widgets.hovered.weak_bg_fill;
            ui.painter().rect_filled(rect.expand(1.0), 2.0, fill);
        } else if about {
            ui.painter()
                .rect_filled(rect.expand(1.0), 2.0, selection.gamma_multiply(0.25));
        }
        if about {
            let bar = egui::Rect::from_min_size(rect.min, egui::vec2(3.0, rect.height()));
            ui.painter().rect_filled(bar, 1.0, selection);
        }
        let color = ui.visuals().text_color();
        ui.painter()
            .galley(rect.min + egui::vec2(MARK_WIDTH, 0.0), galley, color);
    }
    response.on_hover_cursor(egui::CursorIcon::PointingHand)
}

/// What a click on the row of `e` selects: the current selection when the event names it (a
/// "has started 4 tasks" row keeps the task it was read for, and the log narrowed to it stays
/// so), else what the event is most about.
fn row_selection(e: &Event, current: Option<&Selection>) -> Option<Selection> {
    match current {
        Some(sel) if is_about(e, sel) => Some(sel.clone()),
        _ => subject_to_select(e),
    }
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

const SOURCES: [&str; 17] = [
    "service",
    "target-group",
    "cloud-map",
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
/// part, both, an ECR registry or not, ECS-managed EBS volumes or not, and Cloud Map
/// namespaces or not (`parts`).
fn relevant_source(
    category: &str,
    (ecs, eks, registry, volumes, cloud_map): (bool, bool, bool, bool, bool),
) -> bool {
    match category {
        "scenario" | "quiz" => true,
        // ECS service discovery: only where the scenario has Cloud Map namespaces.
        "cloud-map" => cloud_map,
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

#[cfg(test)]
mod tests {
    use super::*;
    use orca_sim::SimTime;
    use std::sync::Arc;

    /// A built-in scenario simulated to 2:00.
    fn at_two_minutes(name: &'static str) -> orca_sim::Simulation {
        let scenario = crate::app::library::built_in(name).expect("built-in");
        let mut sim = orca_sim::Simulation::new(Arc::clone(&scenario));
        sim.advance_to(SimTime::from_secs(120));
        sim
    }

    fn rolling_update_log() -> Vec<Event> {
        at_two_minutes("ecs-rolling-update").log().to_vec()
    }

    #[test]
    fn the_filter_names_a_task_by_its_short_id_and_a_pod_by_its_name() {
        let ecs = at_two_minutes("ecs-rolling-update");
        let id = ecs.world().ecs.as_ref().expect("ECS").tasks[0]
            .id
            .to_string();
        let label = selection_label(&Selection::Task(id.clone()), ecs.world());
        assert_eq!(label, format!("task {}", &id[..8]));
        let eks = at_two_minutes("eks-rolling-update");
        let pod = eks.world().eks.as_ref().expect("EKS").pods[0]
            .name
            .to_string();
        let label = selection_label(&Selection::Task(pod.clone()), eks.world());
        assert_eq!(label, format!("pod {pod}"));
    }

    /// `Selection::is` answers what comparing with `Selection::from_subject` would, for every
    /// kind of subject (a pod is a `Task` selection).
    #[test]
    fn a_selection_is_the_subjects_that_select_it() {
        let n = |s: &str| orca_sim::Name::from(s);
        let subjects = [
            Subject::Service(n("a")),
            Subject::Task(n("a")),
            Subject::Instance(n("a")),
            Subject::TargetGroup(n("a")),
            Subject::Zone(n("a")),
            Subject::Pod(n("a")),
            Subject::Node(n("a")),
            Subject::Deployment(n("a")),
            Subject::Task(n("b")),
        ];
        for selected in &subjects {
            let sel = Selection::from_subject(selected);
            for s in &subjects {
                assert_eq!(
                    sel.is(s),
                    Selection::from_subject(s) == sel,
                    "{sel:?} {s:?}"
                );
            }
        }
    }

    /// Lays the rows out in a 900 x 600 screen, with `events` of the pointer in the frame,
    /// and returns each row's rectangle and which rows were clicked.
    fn frame(
        ctx: &egui::Context,
        rows: &[Event],
        events: Vec<egui::Event>,
    ) -> (Vec<egui::Rect>, Vec<usize>) {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(900.0, 600.0),
            )),
            events,
            ..Default::default()
        };
        let mut rects = Vec::new();
        let mut clicked = Vec::new();
        let mut out = ctx.run_ui(input, |ui| {
            for (i, e) in rows.iter().enumerate() {
                let r = event_row(ui, e, i == 1);
                rects.push(r.rect);
                if r.clicked() {
                    clicked.push(i);
                }
            }
        });
        // No painter here: the font atlas's updates are dropped on purpose.
        out.textures_delta.clear();
        (rects, clicked)
    }

    fn press(pos: egui::Pos2, pressed: bool) -> egui::Event {
        egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        }
    }

    /// Clicks `at` (relative to row `row`'s rectangle) and returns the rows that saw the click.
    fn click(rows: &[Event], row: usize, at: impl Fn(egui::Rect) -> egui::Pos2) -> Vec<usize> {
        let ctx = egui::Context::default();
        let (rects, _) = frame(&ctx, rows, vec![]);
        let pos = at(rects[row]);
        let mut seen = Vec::new();
        for events in [
            vec![egui::Event::PointerMoved(pos)],
            vec![press(pos, true)],
            vec![press(pos, false)],
            vec![],
        ] {
            seen.extend(frame(&ctx, rows, events).1);
        }
        seen
    }

    #[test]
    fn only_the_selection_keeps_the_events_that_name_it_within_the_filters() {
        let log = rolling_update_log();
        let task = log
            .iter()
            .flat_map(|e| e.subjects.iter())
            .find_map(|s| match s {
                Subject::Task(id) => Some(id),
                _ => None,
            })
            .expect("the scenario logs task events");
        let sel = Selection::Task(task.to_string());
        let all = [true; 17];
        let about: Vec<&Event> = log.iter().filter(|e| shown(e, &all, Some(&sel))).collect();
        assert!(!about.is_empty());
        assert!(about.len() < log.len(), "other tasks' events are left out");
        for e in &log {
            let names_it = e.subjects.iter().any(|s| s == Subject::Task(task.clone()));
            assert_eq!(shown(e, &all, Some(&sel)), names_it, "{}", e.message());
            assert!(shown(e, &all, None));
        }
        // The source filters still apply: with target-group events off, none of them shows.
        let mut filters = all;
        let tg = SOURCES
            .iter()
            .position(|s| *s == "target-group")
            .expect("a source");
        filters[tg] = false;
        assert!(
            about.iter().any(|e| e.source.category() == "target-group"),
            "the task's target has events"
        );
        assert!(
            log.iter()
                .filter(|e| shown(e, &filters, Some(&sel)))
                .all(|e| e.source.category() != "target-group")
        );
    }

    #[test]
    fn a_click_keeps_a_selection_the_event_names_and_else_picks_its_first_task() {
        let log = rolling_update_log();
        // "has started 4 tasks": the service and its four new tasks.
        let started = log
            .iter()
            .find(|e| {
                e.subjects
                    .iter()
                    .filter(|s| matches!(s, Subject::Task(_)))
                    .count()
                    > 1
            })
            .expect("an event naming several tasks");
        let tasks: Vec<Selection> = started
            .subjects
            .iter()
            .filter(|s| matches!(s, Subject::Task(_)))
            .map(|s| Selection::from_subject(&s))
            .collect();
        let second = &tasks[1];
        assert_eq!(row_selection(started, Some(second)).as_ref(), Some(second));
        assert_eq!(row_selection(started, None).as_ref(), Some(&tasks[0]));
        let elsewhere = Selection::Task("not-in-this-event".into());
        assert_eq!(
            row_selection(started, Some(&elsewhere)).as_ref(),
            Some(&tasks[0])
        );
    }

    #[test]
    fn clicking_a_row_on_its_text_or_beside_it_clicks_that_row() {
        let log = rolling_update_log();
        let rows: Vec<Event> = log.iter().take(6).cloned().collect();
        assert!(
            rows.len() == 6,
            "the scenario logs at least six events by 2:00"
        );
        // On the time stamp, in the middle of the message, and on the empty right of the row.
        assert_eq!(
            click(&rows, 3, |r| r.left_center() + egui::vec2(8.0, 0.0)),
            [3]
        );
        assert_eq!(click(&rows, 4, |r| r.center()), [4]);
        assert_eq!(
            click(&rows, 2, |r| r.right_center() - egui::vec2(4.0, 0.0)),
            [2]
        );
    }
}
