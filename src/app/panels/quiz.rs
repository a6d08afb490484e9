//! The quiz panel: a question (or a prediction) beside the canvas, never on top of it, so what
//! it is about stays in view; the choices, the answer and the explanation.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::palette::ink;
use super::{PanelSystems, Root};
use crate::app::player::Player;
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, show_quiz.in_set(PanelSystems::Quiz));
}

fn show_quiz(mut root: ResMut<Root>, mut player: ResMut<Player>, ui_state: Res<UiState>) {
    if ui_state.presenter {
        // The projector's quiz panel (`projector_quiz.rs`) shows it.
        return;
    }
    let Some(root) = root.ui() else { return };
    quiz_panel(root, &mut player);
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
                .fill(ink(root, egui::Color32::from_rgb(38, 36, 22)))
                .inner_margin(12.0),
        )
        .show(root, |ui| {
            ui.label(
                egui::RichText::new(title)
                    .size(20.0)
                    .strong()
                    .color(ink(ui, egui::Color32::from_rgb(255, 225, 60))),
            );
            ui.weak("The highlighted objects are what the question is about.");
            ui.add_space(6.0);
            ui.label(egui::RichText::new(&quiz.question).size(18.0).strong());
            if quiz.correct.len() > 1 {
                ui.weak("More than one answer is right: tick them all.");
            }
            ui.add_space(6.0);
            // In the shuffled order of this attempt; `i` is the author's index.
            for (shown, &i) in open.order.iter().enumerate() {
                let Some(choice) = quiz.choices.get(i) else {
                    continue;
                };
                let picked = open.picked.contains(&i);
                let mut text = egui::RichText::new(format!("{}  {}", shown + 1, choice)).size(16.0);
                if open.verdict.is_some() {
                    if quiz.correct.contains(&i) {
                        text = egui::RichText::new(format!("✓ {}  {}", shown + 1, choice))
                            .size(16.0)
                            .color(ink(ui, egui::Color32::from_rgb(120, 230, 140)))
                            .strong();
                    } else if picked {
                        text = egui::RichText::new(format!("✗ {}  {}", shown + 1, choice))
                            .size(16.0)
                            .color(ink(ui, egui::Color32::from_rgb(255, 120, 120)));
                    }
                }
                let r = ui.add(egui::Button::selectable(picked, text).wrap());
                if r.clicked() && open.verdict.is_none() {
                    player.pick(shown);
                }
                // Why a wrong pick is wrong, right under it.
                if open.verdict.is_some()
                    && picked
                    && let Some(why) = quiz.why_not.get(&i)
                {
                    ui.indent(("why-not", i), |ui| {
                        ui.label(
                            egui::RichText::new(why)
                                .size(14.0)
                                .color(ink(ui, egui::Color32::from_rgb(255, 190, 170))),
                        );
                    });
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
                            ink(ui, egui::Color32::from_rgb(120, 230, 140))
                        } else {
                            ink(ui, egui::Color32::from_rgb(255, 120, 120))
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
