//! Things the user can ask for, from the keyboard or a button, and what they do to playback
//! and the panels.

use bevy::prelude::*;
use orca_sim::SimTime;

use crate::app::AppSystems;
use crate::app::player::Player;
use crate::app::ui_state::UiState;
use crate::settings::{TEXT_SCALE_MAX, TEXT_SCALE_MIN};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<Actions>()
        .add_message::<Review>()
        .add_systems(
            Update,
            (
                keyboard_actions.in_set(AppSystems::RecordInput),
                (apply_actions, apply_review)
                    .chain()
                    .in_set(AppSystems::ApplyActions),
            ),
        );
}

/// Ask a question again (a button of the progress view's review list): open the scenario
/// stored under the progress key `key` and ask its quiz `quiz` at the quiz's moment.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub key: String,
    pub quiz: String,
}

/// Things the user can ask for, from the keyboard or a button.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actions {
    TogglePlay,
    StepForward,
    StepBack,
    Faster,
    Slower,
    Restart,
    ToStart,
    ToEnd,
    Pick(usize),
    Confirm,
    Fit,
    TextBigger,
    TextSmaller,
    TextReset,
    ToggleLegend,
    /// The logs window of the selected task or pod (K).
    ToggleLogs,
    ToggleHelp,
    TogglePicker,
    ToggleProgress,
    ToggleOrder,
    TogglePresenting,
    /// Presenter mode: a second window for the teacher (F5).
    TogglePresenter,
    /// Presenter mode: show or hide the count of hands on the projector (H).
    ShowHands,
    /// Save a picture of the window (F12).
    Screenshot,
    /// Switch between the dark and the light, high-contrast theme (T).
    ToggleTheme,
    /// Open or close the console (C).
    ToggleConsole,
    /// Take the learner's last action back (Ctrl+Z).
    Undo,
    /// Stop the console command still printing (Ctrl+C), as at a terminal.
    Interrupt,
    /// Save the session (the scenario with the learner's actions) as a scenario file (Ctrl+S).
    SaveSession,
    /// Open the actions menu of the selected object (A).
    ActionsMenu,
    /// Select the next / previous task card (Tab / Shift+Tab), for keyboard-only use.
    SelectNext,
    SelectPrevious,
    Escape,
}

fn keyboard_actions(
    keys: Option<Res<ButtonInput<KeyCode>>>,
    ui: Res<UiState>,
    mut out: MessageWriter<Actions>,
) {
    let Some(keys) = keys else { return };
    // Typing a path in the scenario picker or a command: the keys are text, not shortcuts
    // (F12, which types nothing, still takes a picture).
    if ui.typing || ui.console_focus || ui.presenter_typing {
        if keys.just_pressed(KeyCode::F12) {
            out.write(Actions::Screenshot);
        }
        return;
    }
    let ctrl = keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight]);
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    for key in keys.get_just_pressed() {
        let action = match key {
            KeyCode::Equal | KeyCode::NumpadAdd if ctrl => Actions::TextBigger,
            KeyCode::Minus | KeyCode::NumpadSubtract if ctrl => Actions::TextSmaller,
            KeyCode::Digit0 if ctrl => Actions::TextReset,
            KeyCode::KeyZ if ctrl => Actions::Undo,
            KeyCode::KeyC if ctrl => Actions::Interrupt,
            KeyCode::KeyS if ctrl => Actions::SaveSession,
            KeyCode::KeyC | KeyCode::Backquote => Actions::ToggleConsole,
            KeyCode::KeyA => Actions::ActionsMenu,
            KeyCode::Slash if shift => Actions::ToggleHelp,
            KeyCode::Space => Actions::TogglePlay,
            KeyCode::ArrowRight => Actions::StepForward,
            KeyCode::ArrowLeft => Actions::StepBack,
            KeyCode::BracketRight => Actions::Faster,
            KeyCode::BracketLeft => Actions::Slower,
            KeyCode::KeyR => Actions::Restart,
            KeyCode::Home => Actions::ToStart,
            KeyCode::End => Actions::ToEnd,
            KeyCode::Enter | KeyCode::NumpadEnter => Actions::Confirm,
            KeyCode::KeyF => Actions::Fit,
            KeyCode::KeyL => Actions::ToggleLegend,
            KeyCode::KeyK => Actions::ToggleLogs,
            KeyCode::KeyO => Actions::TogglePicker,
            KeyCode::KeyG => Actions::ToggleProgress,
            KeyCode::KeyN => Actions::ToggleOrder,
            KeyCode::KeyP => Actions::TogglePresenting,
            KeyCode::KeyT => Actions::ToggleTheme,
            KeyCode::F12 => Actions::Screenshot,
            KeyCode::F5 => Actions::TogglePresenter,
            KeyCode::KeyH if ui.presenter => Actions::ShowHands,
            KeyCode::Tab if shift => Actions::SelectPrevious,
            KeyCode::Tab => Actions::SelectNext,
            KeyCode::Escape => Actions::Escape,
            k => match digit(*k) {
                Some(d) if d >= 1 => Actions::Pick(d - 1),
                _ => continue,
            },
        };
        out.write(action);
    }
}

fn apply_actions(
    mut actions: MessageReader<Actions>,
    mut player: ResMut<Player>,
    mut ui: ResMut<UiState>,
) {
    for a in actions.read() {
        match a {
            // The console panel and the actions menu act on these (`panels::console`,
            // `panels::actions_menu`): undo names the command it undid from the transcript.
            Actions::ToggleConsole | Actions::Undo | Actions::Interrupt | Actions::ActionsMenu => {}
            Actions::SaveSession => {
                ui.notice = Some(match crate::app::session::save(&player) {
                    Ok(path) => format!("session saved as {path}"),
                    Err(e) => format!("not saved: {e}"),
                });
            }
            Actions::TogglePlay if ui.show_intro => {
                ui.show_intro = false;
                player.toggle_play();
            }
            Actions::TogglePlay => player.toggle_play(),
            Actions::StepForward => player.step_forward(),
            Actions::StepBack => player.step_back(),
            Actions::Faster => player.faster(),
            Actions::Slower => player.slower(),
            Actions::Restart => player.restart(),
            Actions::ToStart => {
                player.playing = false;
                player.seek(SimTime::ZERO);
            }
            Actions::ToEnd => {
                player.playing = false;
                let end = player.end();
                player.seek_asking(end);
            }
            // In presenter mode the class answers by hands, counted in the presenter window;
            // Enter reveals (`presenter.rs`).
            Actions::Pick(_) | Actions::Confirm | Actions::ShowHands if ui.presenter => {}
            Actions::ShowHands => {}
            Actions::Pick(i) => player.pick(*i),
            Actions::Confirm if ui.show_intro => ui.show_intro = false,
            Actions::Confirm => match player.quiz.as_ref().map(|q| q.verdict.is_some()) {
                Some(false) => {
                    player.answer();
                }
                Some(true) => player.continue_after_quiz(),
                None => {}
            },
            // The canvas camera refits (see `camera`).
            Actions::Fit => {}
            Actions::TextBigger => ui.text_scale = (ui.text_scale + 0.125).min(TEXT_SCALE_MAX),
            Actions::TextSmaller => ui.text_scale = (ui.text_scale - 0.125).max(TEXT_SCALE_MIN),
            Actions::TextReset => ui.text_scale = 1.0,
            Actions::ToggleLegend => ui.show_legend = !ui.show_legend,
            Actions::ToggleLogs => ui.show_logs = !ui.show_logs,
            Actions::ToggleHelp => ui.show_help = !ui.show_help,
            Actions::TogglePicker => ui.show_picker = !ui.show_picker,
            Actions::ToggleProgress => ui.show_progress = !ui.show_progress,
            Actions::ToggleOrder => ui.newest_first = !ui.newest_first,
            Actions::TogglePresenting => ui.presenting = !ui.presenting,
            Actions::ToggleTheme => ui.theme = ui.theme.other(),
            Actions::TogglePresenter => {
                ui.presenter = !ui.presenter;
                if !ui.presenter {
                    ui.presenting = false;
                }
            }
            Actions::Screenshot => ui.screenshot_requested = true,
            Actions::SelectNext | Actions::SelectPrevious => {
                let forward = *a == Actions::SelectNext;
                player.select_adjacent_task(forward);
            }
            Actions::Escape => {
                if ui.show_help
                    || ui.show_picker
                    || ui.show_intro
                    || ui.show_progress
                    || ui.show_logs
                {
                    ui.show_help = false;
                    ui.show_logs = false;
                    ui.show_picker = false;
                    ui.show_progress = false;
                    ui.show_intro = false;
                } else {
                    player.selection = None;
                }
            }
        }
    }
}

fn apply_review(
    mut reviews: MessageReader<Review>,
    mut player: ResMut<Player>,
    mut ui: ResMut<UiState>,
) {
    for r in reviews.read() {
        // The question is asked beside the canvas: nothing stays on top of it.
        ui.show_progress = false;
        ui.show_picker = false;
        ui.show_intro = false;
        if let Err(e) = player.review(&r.key, &r.quiz) {
            ui.notice = Some(format!("cannot review: {e}"));
        }
    }
}

fn digit(k: KeyCode) -> Option<usize> {
    Some(match k {
        KeyCode::Digit0 | KeyCode::Numpad0 => 0,
        KeyCode::Digit1 | KeyCode::Numpad1 => 1,
        KeyCode::Digit2 | KeyCode::Numpad2 => 2,
        KeyCode::Digit3 | KeyCode::Numpad3 => 3,
        KeyCode::Digit4 | KeyCode::Numpad4 => 4,
        KeyCode::Digit5 | KeyCode::Numpad5 => 5,
        KeyCode::Digit6 | KeyCode::Numpad6 => 6,
        KeyCode::Digit7 | KeyCode::Numpad7 => 7,
        KeyCode::Digit8 | KeyCode::Numpad8 => 8,
        KeyCode::Digit9 | KeyCode::Numpad9 => 9,
        _ => return None,
    })
}
