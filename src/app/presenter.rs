//! Presenter mode (F5): a second window for the teacher — notes, the next quiz with its
//! answer, the count of hands, the keys — while the main window, on the projector, shows the
//! canvas, the timeline and the question only. On the projector the answer stays hidden
//! until the presenter reveals it (Enter); before that, H shows the hands counted per choice.
//! Closing the presenter window leaves presenter mode.

use bevy::prelude::*;

use crate::app::AppSystems;
use crate::app::actions::Actions;
use crate::app::player::Player;
use crate::app::ui_state::UiState;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Presenter>().add_systems(
        Update,
        (follow_quiz, presenter_actions, open_or_close)
            .chain()
            .in_set(AppSystems::ApplyActions),
    );
}

/// The class's answer to the open quiz, as the presenter counts it.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Presenter {
    /// The presenter window and its camera, while open.
    pub window: Option<(Entity, Entity)>,
    /// The quiz moment the count belongs to.
    pub moment: Option<usize>,
    /// Hands per choice, in the author's order.
    pub votes: Vec<u32>,
    /// The projector shows the count.
    pub hands_shown: bool,
    /// The projector shows the answer and the explanation.
    pub revealed: bool,
}

impl Presenter {
    /// The share of hands for each choice, in per cent (all zero when no hand is counted).
    pub fn shares(&self) -> Vec<u32> {
        let total: u64 = self.votes.iter().map(|&v| v as u64).sum();
        self.votes
            .iter()
            .map(|&v| (v as u64 * 100 + total / 2).checked_div(total).unwrap_or(0) as u32)
            .collect()
    }
}

/// The most hands one choice may count: a lecture hall, not a stadium.
pub const MAX_VOTES: u32 = 9_999;

/// A new quiz opens: a fresh count, nothing shown.
fn follow_quiz(player: Res<Player>, mut presenter: ResMut<Presenter>) {
    let moment = player.quiz.as_ref().map(|q| q.moment);
    if presenter.moment == moment {
        return;
    }
    let choices = moment
        .and_then(|m| player.playback.quiz_moments().get(m))
        .and_then(|m| player.scenario().quizzes.get(m.quiz))
        .map_or(0, |q| q.choices.len());
    *presenter = Presenter {
        window: presenter.window,
        moment,
        votes: vec![0; choices],
        hands_shown: false,
        revealed: false,
    };
}

/// In presenter mode Enter reveals the answer on the projector, then plays on; H shows or
/// hides the count of hands. No answer is recorded: the class answered, not the learner
/// whose progress file this is.
fn presenter_actions(
    mut actions: MessageReader<Actions>,
    ui: Res<UiState>,
    mut player: ResMut<Player>,
    mut presenter: ResMut<Presenter>,
) {
    for a in actions.read() {
        if !ui.presenter || player.quiz.is_none() {
            continue;
        }
        match a {
            Actions::Confirm if !presenter.revealed => presenter.revealed = true,
            Actions::Confirm => player.continue_unanswered(),
            Actions::ShowHands => presenter.hands_shown = !presenter.hands_shown,
            _ => {}
        }
    }
}

/// Open the presenter window when presenter mode starts, close it when it ends, and end
/// presenter mode when its window was closed.
fn open_or_close(
    mut commands: Commands,
    mut ui: ResMut<UiState>,
    mut presenter: ResMut<Presenter>,
    windows: Query<(), With<Window>>,
) {
    if let Some((window, camera)) = presenter.window {
        if !ui.presenter {
            commands.entity(camera).despawn();
            if windows.get(window).is_ok() {
                commands.entity(window).despawn();
            }
            presenter.window = None;
        } else if windows.get(window).is_err() {
            // Closed by its close button.
            commands.entity(camera).despawn();
            presenter.window = None;
            ui.presenter = false;
            ui.presenting = false;
        }
        return;
    }
    if ui.presenter {
        let (window, camera) = crate::app::presenter_window::spawn_window(&mut commands);
        presenter.window = Some((window, camera));
        // The projector shows the canvas, the timeline and the question only.
        ui.presenting = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::library::{self, Progress, ScenarioSource};

    /// The presenter's systems headless, on the first built-in scenario with its first quiz
    /// open and presenter mode on.
    fn app_at_first_quiz() -> App {
        let (name, _) = library::BUILT_IN[0];
        let scenario = library::built_in(name).expect("built-in");
        let mut player = Player::new(scenario, ScenarioSource::BuiltIn(name), Progress::default());
        let first = player.playback.quiz_moments()[0].pause_at();
        assert!(player.open_quiz_near(first));
        let mut app = App::new();
        app.add_plugins(MinimalPlugins)
            .add_message::<Actions>()
            .insert_resource(player)
            .insert_resource(UiState {
                presenter: true,
                ..UiState::default()
            })
            .add_plugins(plugin);
        app.update();
        app
    }

    fn act(app: &mut App, a: Actions) {
        app.world_mut().write_message(a);
        app.update();
    }

    #[test]
    fn hands_then_reveal_then_play_on_without_recording_an_answer() {
        let mut app = app_at_first_quiz();
        let p = app.world().resource::<Presenter>().clone();
        let player = app.world().resource::<Player>();
        let quiz = &player.scenario().quizzes[player.playback.quiz_moments()[0].quiz];
        let quiz_id = quiz.id.clone();
        assert_eq!(p.votes.len(), quiz.choices.len());
        assert!(p.window.is_some(), "the presenter window opens");
        assert!(app.world().resource::<UiState>().presenting);
        act(&mut app, Actions::ShowHands);
        assert!(app.world().resource::<Presenter>().hands_shown);
        act(&mut app, Actions::Confirm);
        assert!(app.world().resource::<Presenter>().revealed);
        assert!(
            app.world().resource::<Player>().quiz.is_some(),
            "still asked"
        );
        act(&mut app, Actions::Confirm);
        let player = app.world().resource::<Player>();
        assert!(player.quiz.is_none() && player.playing);
        let key = player.source.progress_key();
        assert!(player.progress.answer(&key, &quiz_id).is_none());
        // The count belongs to that quiz: it is gone with it.
        app.update();
        let p = app.world().resource::<Presenter>();
        assert!(p.votes.is_empty() && !p.revealed && !p.hands_shown);
    }

    #[test]
    fn leaving_presenter_mode_closes_its_window() {
        let mut app = app_at_first_quiz();
        let (window, _) = app.world().resource::<Presenter>().window.expect("open");
        app.world_mut().resource_mut::<UiState>().presenter = false;
        app.update();
        app.update();
        assert_eq!(app.world().resource::<Presenter>().window, None);
        assert!(app.world().get_entity(window).is_err());
    }

    #[test]
    fn shares_are_rounded_per_cents_of_the_hands_counted() {
        let p = Presenter {
            votes: vec![1, 2, 0],
            ..Presenter::default()
        };
        assert_eq!(p.shares(), [33, 67, 0]);
        let none = Presenter {
            votes: vec![0, 0],
            ..Presenter::default()
        };
        assert_eq!(none.shares(), [0, 0]);
    }
}
