//! The presenter window's contents (egui in a second window, its own context and schedule):
//! the moment's notes, the open or next quiz with its answer and explanation, the count of
//! hands, and the keys. Nothing here is shown on the projector.

use bevy::prelude::*;
use bevy_egui::{EguiContext, egui};
use orca_sim::SimTime;

use crate::app::panels::palette::ink;
use crate::app::player::Player;
use crate::app::presenter::{MAX_VOTES, Presenter};
use crate::app::presenter_window::{PresenterCamera, PresenterContextPass};
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(PresenterContextPass, show_presenter);
}

/// The keys a presenter uses, for the window's reference card.
pub const PRESENTER_KEYS: &[(&str, &str)] = &[
    ("F5", "leave presenter mode (closes this window)"),
    ("Space", "play / pause"),
    ("→  ←", "step to the next / previous event"),
    ("[  ]", "slower / faster"),
    ("H", "show / hide the count of hands on the projector"),
    ("Enter", "reveal the answer on the projector, then play on"),
    (
        "Ctrl + =  /  Ctrl + -",
        "bigger / smaller text on the projector",
    ),
    ("F", "fit the cluster in view"),
];

fn show_presenter(
    mut ctx: Query<&mut EguiContext, With<PresenterCamera>>,
    player: Res<Player>,
    mut presenter: ResMut<Presenter>,
    mut ui_state: ResMut<UiState>,
    mut fonts_set: Local<bool>,
) {
    let Ok(mut ctx) = ctx.single_mut() else {
        return;
    };
    let ctx = ctx.get_mut().clone();
    if !*fonts_set {
        *fonts_set = true;
        crate::app::panels::install_fonts(&ctx);
    }
    let mut typing = false;
    let mut root = egui::Ui::new(
        ctx.clone(),
        "presenter-root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    );
    egui::CentralPanel::default().show(&mut root, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            contents(ui, &player, &mut presenter, &mut typing);
        });
    });
    // Digits typed into a count must not also pick answers or move the playhead.
    ui_state.presenter_typing = typing;
}

fn heading(ui: &mut egui::Ui, text: &str) {
    ui.add_space(10.0);
    ui.label(
        egui::RichText::new(text)
            .size(20.0)
            .strong()
            .color(ink(ui, egui::Color32::from_rgb(255, 225, 60))),
    );
}

fn contents(ui: &mut egui::Ui, player: &Player, presenter: &mut Presenter, typing: &mut bool) {
    let scenario = player.scenario().clone();
    let now = player.now();
    ui.label(egui::RichText::new(&scenario.title).size(22.0).strong());
    ui.label(
        egui::RichText::new(format!(
            "{now} / {}   {}",
            player.end(),
            if player.playing {
                "▶ playing"
            } else {
                "⏸ paused"
            }
        ))
        .size(18.0)
        .monospace(),
    );

    heading(ui, "Notes for now");
    let notes = current_notes(&scenario, now);
    match notes {
        Some((at, text)) => {
            ui.weak(format!("From the timeline at {at}:"));
            ui.label(egui::RichText::new(text).size(17.0));
        }
        None => {
            ui.weak("No notes for this moment.");
        }
    }

    // The open quiz, or else the next one to come.
    let moments = player.playback.quiz_moments();
    let open = player.quiz.as_ref().map(|q| q.moment);
    let shown = open.or_else(|| {
        moments
            .iter()
            .enumerate()
            .filter(|(_, m)| m.pause_at() >= now)
            .min_by_key(|(_, m)| m.pause_at())
            .map(|(i, _)| i)
    });
    let Some(i) = shown else {
        heading(ui, "No more quizzes");
        keys(ui);
        return;
    };
    let moment = &moments[i];
    let Some(quiz) = scenario.quizzes.get(moment.quiz) else {
        keys(ui);
        return;
    };
    heading(
        ui,
        &if open.is_some() {
            format!("Asking now ({})", moment.pause_at())
        } else {
            format!("Next quiz at {}", moment.pause_at())
        },
    );
    if moment.predict {
        ui.weak("A prediction: asked just before it happens.");
    }
    ui.label(egui::RichText::new(&quiz.question).size(18.0).strong());
    if !quiz.notes.is_empty() {
        ui.label(
            egui::RichText::new(format!("Notes: {}", quiz.notes))
                .size(16.0)
                .italics(),
        );
    }
    let shares = presenter.shares();
    for (c, choice) in quiz.choices.iter().enumerate() {
        let right = quiz.correct.contains(&c);
        ui.horizontal_wrapped(|ui| {
            if open.is_some()
                && let Some(v) = presenter.votes.get_mut(c)
            {
                let r = ui.add(egui::DragValue::new(v).range(0..=MAX_VOTES).speed(0.2));
                *typing |= r.has_focus();
                ui.label(format!("{:>3} %", shares.get(c).copied().unwrap_or(0)));
            }
            let text = format!(
                "{} {}. {}",
                if right { "✓" } else { "  " },
                (b'A' + c as u8) as char,
                choice
            );
            let mut rich = egui::RichText::new(text).size(16.0);
            if right {
                rich = rich
                    .color(ink(ui, egui::Color32::from_rgb(120, 230, 140)))
                    .strong();
            }
            ui.label(rich);
        });
        if let Some(why) = quiz.why_not.get(&c) {
            ui.indent(("why-not", c), |ui| {
                ui.label(
                    egui::RichText::new(why)
                        .size(14.0)
                        .color(ink(ui, egui::Color32::from_rgb(255, 190, 170))),
                );
            });
        }
    }
    ui.add_space(4.0);
    ui.label(egui::RichText::new(&quiz.explanation).size(15.0));
    if open.is_some() {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let hands = if presenter.hands_shown {
                "Hide the count  (H)"
            } else {
                "Show the count on the projector  (H)"
            };
            if ui.button(hands).clicked() {
                presenter.hands_shown = !presenter.hands_shown;
            }
            if !presenter.revealed {
                if ui.button("Reveal the answer  (Enter)").clicked() {
                    presenter.revealed = true;
                }
            } else {
                ui.weak("Revealed. Enter plays on.");
            }
        });
    }
    keys(ui);
}

/// The notes of the latest timeline entry at or before `now` that has some.
pub fn current_notes(scenario: &orca_sim::Scenario, now: SimTime) -> Option<(SimTime, &str)> {
    scenario
        .timeline
        .iter()
        .filter(|e| !e.notes.trim().is_empty() && SimTime::from_secs_f64(e.at) <= now)
        .max_by(|a, b| a.at.total_cmp(&b.at))
        .map(|e| (SimTime::from_secs_f64(e.at), e.notes.as_str()))
}

fn keys(ui: &mut egui::Ui) {
    heading(ui, "Keys");
    egui::Grid::new("presenter-keys")
        .num_columns(2)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for (key, what) in PRESENTER_KEYS {
                ui.label(egui::RichText::new(*key).monospace().strong());
                ui.label(*what);
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notes_shown_are_the_latest_entrys_at_or_before_now() {
        let src = crate::app::library::BUILT_IN[0].1;
        let mut s = orca_sim::scenario::parse("s.ron", src).expect("parses");
        let mut first = s.timeline[0].clone();
        first.at = 10.0;
        first.notes = "first".into();
        let mut second = first.clone();
        second.at = 40.0;
        second.notes = "second".into();
        let mut silent = first.clone();
        silent.at = 50.0;
        silent.notes = String::new();
        s.timeline = vec![first, second, silent];
        assert_eq!(current_notes(&s, SimTime::from_secs(5)), None);
        assert_eq!(
            current_notes(&s, SimTime::from_secs(10)),
            Some((SimTime::from_secs(10), "first"))
        );
        assert_eq!(
            current_notes(&s, SimTime::from_secs(60)),
            Some((SimTime::from_secs(40), "second"))
        );
    }
}
