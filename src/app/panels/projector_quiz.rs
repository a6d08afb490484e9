//! The quiz on the projector in presenter mode: the question and its choices in the author's
//! order (A, B, C…, as on the handout), in type that reads from the back of a room; the
//! count of hands once the presenter shows it; the answer and the explanation only once the
//! presenter reveals them.

use bevy::prelude::*;
use bevy_egui::{EguiPrimaryContextPass, egui};

use super::palette::ink;
use super::{PanelSystems, Root};
use crate::app::player::Player;
use crate::app::presenter::Presenter;
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        show_projector_quiz
            .in_set(PanelSystems::Quiz)
            .run_if(|ui_state: Res<UiState>| ui_state.presenter),
    );
}

const YELLOW: egui::Color32 = egui::Color32::from_rgb(255, 225, 60);
const GREEN: egui::Color32 = egui::Color32::from_rgb(120, 230, 140);

fn show_projector_quiz(
    mut root: ResMut<Root>,
    player: Res<Player>,
    presenter: Option<Res<Presenter>>,
) {
    let Some(root) = root.ui() else { return };
    let Some(open) = player.quiz.as_ref() else {
        return;
    };
    let Some(moment) = player.playback.quiz_moments().get(open.moment) else {
        return;
    };
    let Some(quiz) = player.scenario().quizzes.get(moment.quiz) else {
        return;
    };
    let presenter = presenter.map(|p| p.clone()).unwrap_or_default();
    let shares = presenter.shares();
    egui::Panel::right("projector-quiz")
        .exact_size(520.0)
        .frame(
            egui::Frame::side_top_panel(root.style())
                .fill(ink(root, egui::Color32::from_rgb(38, 36, 22)))
                .inner_margin(14.0),
        )
        .show(root, |ui| {
            ui.label(
                egui::RichText::new(if moment.predict {
                    "🔮 Predict: what happens next?"
                } else {
                    "❓ Question"
                })
                .size(26.0)
                .strong()
                .color(ink(ui, YELLOW)),
            );
            ui.add_space(8.0);
            ui.label(egui::RichText::new(&quiz.question).size(24.0).strong());
            if quiz.correct.len() > 1 {
                ui.label(egui::RichText::new("More than one answer is right.").size(18.0));
            }
            ui.add_space(8.0);
            for (c, choice) in quiz.choices.iter().enumerate() {
                let right = presenter.revealed && quiz.correct.contains(&c);
                let mark = if right { "✓ " } else { "" };
                let mut text =
                    egui::RichText::new(format!("{mark}{}. {choice}", (b'A' + c as u8) as char))
                        .size(22.0);
                if right {
                    text = text.color(ink(ui, GREEN)).strong();
                } else if presenter.revealed {
                    text = text.weak();
                }
                ui.label(text);
                if presenter.hands_shown {
                    let share = shares.get(c).copied().unwrap_or(0);
                    let votes = presenter.votes.get(c).copied().unwrap_or(0);
                    let width = ui.available_width() - 120.0;
                    ui.horizontal(|ui| {
                        let (rect, _) = ui.allocate_exact_size(
                            egui::vec2(width.max(40.0), 18.0),
                            egui::Sense::hover(),
                        );
                        ui.painter()
                            .rect_filled(rect, 3.0, ink(ui, egui::Color32::from_gray(60)));
                        let mut filled = rect;
                        filled.set_width(rect.width() * share as f32 / 100.0);
                        ui.painter().rect_filled(
                            filled,
                            3.0,
                            ink(ui, if right { GREEN } else { YELLOW }),
                        );
                        ui.label(egui::RichText::new(format!("{votes} · {share} %")).size(18.0));
                    });
                }
                ui.add_space(6.0);
            }
            if presenter.revealed {
                ui.add_space(6.0);
                ui.label(egui::RichText::new(&quiz.explanation).size(19.0));
            }
        });
}
