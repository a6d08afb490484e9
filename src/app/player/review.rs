//! Review (from the progress view): open the scenario a question belongs to and ask that
//! question at its moment. The answer is then recorded as a retake, as any answer after the
//! first is.

use crate::app::library;

use super::Player;

impl Player {
    /// Ask the quiz `quiz` of the scenario with the progress key `key`: at once if that
    /// scenario is the one shown, else once it has been opened and simulated (see
    /// [`Player::take_pending_review`]). Errors when the scenario cannot be opened.
    pub fn review(&mut self, key: &str, quiz: &str) -> Result<(), String> {
        if self.source.progress_key() == key {
            if self.opening() {
                self.pending_review = Some(quiz.to_string());
                return Ok(());
            }
            return if self.ask_quiz(quiz) {
                Ok(())
            } else {
                Err(no_longer_there(quiz))
            };
        }
        let (scenario, source) = library::open_key(key)?;
        self.switch_scenario(scenario, source);
        self.pending_review = Some(quiz.to_string());
        Ok(())
    }

    /// Once a scenario opened for review is simulated: ask the question it was opened for.
    /// `None` when there was none; an error when the scenario no longer has that question.
    pub fn take_pending_review(&mut self) -> Option<Result<(), String>> {
        if self.opening() {
            return None;
        }
        let quiz = self.pending_review.take()?;
        Some(if self.ask_quiz(&quiz) {
            Ok(())
        } else {
            Err(no_longer_there(&quiz))
        })
    }

    /// Go to the moment of the quiz with this id (its first moment) and ask it. A prediction
    /// never answered before that moment is asked first, as when seeking (`seek_asking`);
    /// playing on from it reaches this quiz. Returns whether the scenario has the quiz.
    pub fn ask_quiz(&mut self, quiz: &str) -> bool {
        let scenario = self.scenario().clone();
        let Some(moment) = self
            .playback
            .quiz_moments()
            .iter()
            .position(|m| scenario.quizzes.get(m.quiz).is_some_and(|q| q.id == quiz))
        else {
            return false;
        };
        let at = self.playback.quiz_moments()[moment].pause_at();
        self.playing = false;
        self.seek_asking(at);
        if self.quiz.is_none() {
            self.open_quiz(moment);
        }
        true
    }
}

fn no_longer_there(quiz: &str) -> String {
    format!("the question {quiz:?} is no longer in this scenario")
}
