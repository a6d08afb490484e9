//! A challenge's goals at the top of the side panel, each as it stands at the displayed moment
//! (met, not yet, failed with the reason and the moment), its hints opened one by one, and the
//! result window at the end of the run: goals, time, hints used, the commands given, the score
//! (`orca_sim::goals::score`; rules in docs/challenges.md).

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};
use orca_sim::goals::{self, GoalStatus, HINT_COST};

use super::console::ConsoleState;
use super::palette::{self, ink};
use super::{PanelSystems, Root};
use crate::app::player::Player;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_result
            .in_set(PanelSystems::Intro)
            .run_if(|player: Res<Player>| result_due(&player)),
    );
}

/// The result window shows once the run has reached its end (and until it is closed).
fn result_due(player: &Player) -> bool {
    !player.scenario().goals.is_empty()
        && !player.result_dismissed
        && player.quiz.is_none()
        && player.loading.is_none()
        && player.now() >= player.end()
}

/// Mark, colour and words of a goal's status.
fn status_line(s: &GoalStatus) -> (&'static str, egui::Color32, String) {
    match s {
        GoalStatus::Met { at } => ("✓", palette::OK, format!("met at {at}")),
        GoalStatus::NotYet => ("…", palette::MUTED, "not yet".into()),
        GoalStatus::Failed { at, reason } => {
            ("✗", palette::BAD, format!("failed at {at}: {reason}"))
        }
    }
}

fn goal_rows(ui: &mut egui::Ui, player: &Player) {
    let scenario = player.scenario();
    for (i, (g, s)) in scenario
        .goals
        .iter()
        .zip(player.playback.goals())
        .enumerate()
    {
        let (mark, colour, words) = status_line(s);
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(mark).strong().color(ink(ui, colour)));
            ui.label(format!("{}. {}", i + 1, goals::describe(g)));
        });
        ui.indent(("goal", i), |ui| {
            ui.label(egui::RichText::new(words).color(ink(ui, colour)));
        });
    }
}

/// The goals section of the side panel (nothing for a scenario without goals).
pub fn goals_section(ui: &mut egui::Ui, player: &mut Player) {
    let goal_count = player.scenario().goals.len();
    if goal_count == 0 {
        return;
    }
    let met = player
        .playback
        .goals()
        .iter()
        .filter(|s| s.is_met())
        .count();
    ui.heading(format!("Goals — {met} of {goal_count} met"));
    goal_rows(ui, player);
    let hint_count = player.scenario().hints.len();
    if hint_count > 0 {
        ui.add_space(4.0);
        let opened = player.hints_opened.min(hint_count);
        for (i, h) in player.scenario().hints.iter().take(opened).enumerate() {
            ui.label(egui::RichText::new(format!("Hint {}: {h}", i + 1)).italics());
        }
        if opened < hint_count
            && ui
                .button(format!(
                    "Open hint {} of {hint_count} (−{HINT_COST} points)",
                    opened + 1
                ))
                .clicked()
        {
            player.hints_opened = opened + 1;
        }
    }
    let score = goals::score(met, goal_count, player.hints_opened);
    ui.weak(format!(
        "Score now: {score} of 100 · hints opened: {}",
        player.hints_opened
    ));
}

fn show_result(mut root: ResMut<Root>, mut player: ResMut<Player>, console: Res<ConsoleState>) {
    let Some(root) = root.ui() else { return };
    let ctx = root.ctx().clone();
    let scenario = player.scenario().clone();
    let status = player.playback.goals().to_vec();
    let met = status.iter().filter(|s| s.is_met()).count();
    let all = met == scenario.goals.len();
    let score = goals::score(met, scenario.goals.len(), player.hints_opened);
    let mut close = false;
    egui::Window::new(egui::RichText::new(format!("Result: {}", scenario.title)).strong())
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .default_width(560.0)
        .show(&ctx, |ui| {
            ui.set_max_width(560.0);
            let (headline, colour) = if all {
                ("Challenge complete", palette::OK)
            } else {
                ("Challenge not met", palette::BAD)
            };
            ui.label(
                egui::RichText::new(headline)
                    .size(20.0)
                    .strong()
                    .color(ink(ui, colour)),
            );
            ui.label(
                egui::RichText::new(format!("Score {score} of 100"))
                    .size(16.0)
                    .strong(),
            );
            ui.add_space(6.0);
            goal_rows(ui, &player);
            ui.add_space(6.0);
            let decided = status
                .iter()
                .filter_map(|s| match s {
                    GoalStatus::Met { at } | GoalStatus::Failed { at, .. } => Some(*at),
                    GoalStatus::NotYet => None,
                })
                .max();
            ui.label(format!(
                "Time: the run ended at {}{}",
                player.end(),
                decided.map_or(String::new(), |t| format!(
                    "; the last goal was decided at {t}"
                ))
            ));
            ui.label(format!(
                "Hints used: {} of {} (−{} points)",
                player.hints_opened,
                scenario.hints.len(),
                HINT_COST as usize * player.hints_opened
            ));
            let acted = console.acted();
            ui.label(format!("Commands given: {}", acted.len()));
            for c in acted {
                ui.label(egui::RichText::new(format!("  $ {c}")).monospace());
            }
            ui.add_space(6.0);
            if ui
                .button("Close  (step back or undo to try again)")
                .clicked()
            {
                close = true;
            }
        });
    if close {
        player.result_dismissed = true;
    }
}
