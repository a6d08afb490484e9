//! The progress view (G): the questions due for review (`crate::review`), each one click from
//! its scenario's moment; every scenario and topic with questions answered, right at the
//! first try, missed and retaken; the score counts first attempts only.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::{PanelSystems, Root};
use std::collections::BTreeMap;

use super::palette::ink;
use crate::app::actions::Review;
use crate::app::library;
use crate::app::player::Player;
use crate::app::ui_state::UiState;
use crate::progress::{QuizRecord, unix_now};
use crate::progress_report::{self, KnownScenario, Tally};
use crate::review::{self, ReviewRow};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_progress_view
            .in_set(PanelSystems::Picker)
            .run_if(|ui_state: Res<UiState>| ui_state.show_progress),
    );
}

/// What the view shows, worked out again only when the answers change or a minute passes
/// (scenario files are read for their titles and questions).
#[derive(Default)]
struct Cache {
    /// The built-ins' quizzes, for the tallies (they do not change while Orca runs).
    known: Option<Vec<KnownScenario>>,
    answers: BTreeMap<String, BTreeMap<String, QuizRecord>>,
    minute: Option<u64>,
    due: Vec<ReviewRow>,
    /// Seconds from now until the next question not due yet is due.
    next_in: Option<u64>,
}

impl Cache {
    fn refresh(&mut self, player: &Player) {
        let now = unix_now();
        if self.minute == Some(now / 60) && self.answers == player.progress.scenarios {
            return;
        }
        self.minute = Some(now / 60);
        self.answers = player.progress.scenarios.clone();
        let schedule = review::schedule(&player.progress, now);
        self.next_in = schedule.next_due_at.map(|at| at.saturating_sub(now));
        self.due = review::rows(schedule.due, |key| library::open_key(key).map(|(s, _)| s));
    }
}

fn show_progress_view(
    mut root: ResMut<Root>,
    player: Res<Player>,
    mut ui_state: ResMut<UiState>,
    mut cache: Local<Cache>,
    mut reviews: MessageWriter<Review>,
) {
    let Some(root) = root.ui() else { return };
    let ctx = root.ctx().clone();
    cache.refresh(&player);
    let known = cache.known.get_or_insert_with(library::known_scenarios);
    let summary = progress_report::summary(&player.progress, known);
    egui::Window::new("Your progress")
        .collapsible(false)
        .resizable(true)
        .default_size([640.0, 480.0])
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(&ctx, |ui| {
            ui.label(
                egui::RichText::new(format!(
                    "{} right at the first try out of {} answered ({} questions known)",
                    summary.overall.first_right,
                    summary.overall.answered,
                    summary.overall.questions
                ))
                .strong(),
            );
            ui.weak("The score counts first attempts; answering again is practice (retakes).");
            if let Some(e) = &player.progress.last_error {
                ui.colored_label(
                    ink(ui, egui::Color32::from_rgb(255, 190, 120)),
                    format!("⚠ {e}"),
                );
            }
            // Room for the lines above and below, so the window fits the screen.
            let list_height = (ctx.content_rect().height() - 260.0).max(120.0);
            egui::ScrollArea::vertical()
                .max_height(list_height)
                .show(ui, |ui| {
                    review_list(ui, &cache, &mut reviews);
                    ui.add_space(8.0);
                    table(ui, "by-topic", "Topic", &summary.topics);
                    ui.add_space(8.0);
                    table(ui, "by-scenario", "Scenario", &summary.scenarios);
                });
            ui.add_space(6.0);
            ui.weak("`orca progress --export FILE.csv` writes every answer for a teacher.");
            if ui.button("Close (G or Esc)").clicked() {
                ui_state.show_progress = false;
            }
        });
}

/// "Review N due questions": each with its scenario, topic and why, and a button that opens
/// the scenario at the question's moment and asks it.
fn review_list(ui: &mut egui::Ui, cache: &Cache, reviews: &mut MessageWriter<Review>) {
    let n = cache.due.len();
    let heading = match n {
        0 => "Review: nothing due".to_string(),
        1 => "Review 1 due question".to_string(),
        n => format!("Review {n} due questions"),
    };
    egui::CollapsingHeader::new(egui::RichText::new(heading).strong())
        .id_salt("review")
        .default_open(true)
        .show(ui, |ui| {
            if n == 0 {
                ui.label(match cache.next_in {
                    Some(secs) => format!(
                        "Nothing to review now. The next question is due in {}.",
                        review::span(secs)
                    ),
                    None => "Nothing to review. A question you miss comes back here, sooner \
                             than one you got right at a retake."
                        .to_string(),
                });
                return;
            }
            ui.weak(
                "Missed ones first, then the most overdue. A right answer here brings the \
                 question back after 1, 3, 7, then 21 days; a wrong one keeps it due.",
            );
            for (i, row) in cache.due.iter().enumerate() {
                ui.push_id(("review-row", i), |ui| {
                    ui.horizontal(|ui| {
                        let ask = ui
                            .add_enabled(row.openable, egui::Button::new("Ask again ▶"))
                            .on_hover_text("Open the scenario at this question's moment");
                        if ask.clicked() {
                            reviews.write(Review {
                                key: row.key.clone(),
                                quiz: row.quiz.clone(),
                            });
                        }
                        // Why first: the title and topic are what a narrow window cuts.
                        ui.label(
                            egui::RichText::new(&row.why)
                                .strong()
                                .color(ink(ui, egui::Color32::from_rgb(255, 190, 120))),
                        );
                        ui.add(
                            egui::Label::new(
                                egui::RichText::new(format!("{}  ·  {}", row.title, row.topic))
                                    .strong(),
                            )
                            .truncate(),
                        );
                    });
                    ui.add(egui::Label::new(egui::RichText::new(&row.question).weak()).truncate());
                    ui.add_space(4.0);
                });
            }
        });
}

fn table(ui: &mut egui::Ui, id: &str, what: &str, rows: &[(String, Tally)]) {
    egui::Grid::new(id)
        .num_columns(5)
        .striped(true)
        .spacing([18.0, 4.0])
        .show(ui, |ui| {
            for h in [what, "Answered", "Right first try", "Missed", "Retakes"] {
                ui.label(egui::RichText::new(h).strong());
            }
            ui.end_row();
            for (name, t) in rows {
                ui.label(name);
                ui.label(format!("{} / {}", t.answered, t.questions));
                ui.label(t.first_right.to_string());
                ui.label(t.missed.to_string());
                ui.label(t.retakes.to_string());
                ui.end_row();
            }
        });
}
