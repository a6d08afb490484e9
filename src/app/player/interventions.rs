//! What the learner does to the run from the console or the canvas: each action becomes a
//! timeline entry at the current moment (the playback simulates the run again from there), the
//! last one can be undone, and the session can be saved as a scenario.

use orca_sim::scenario::spec::Action;

use super::Player;

impl Player {
    /// Do `actions` now, in order. Playback stays at this moment, which now shows their effect;
    /// quizzes whose moment already passed are not asked again.
    pub fn intervene(&mut self, actions: Vec<Action>) {
        for a in actions {
            self.playback.intervene(a);
        }
        self.after_rerun();
    }

    /// Take the last action back. Returns it, or `None` when there is none.
    pub fn undo_intervention(&mut self) -> Option<Action> {
        let undone = self.playback.undo_intervention()?;
        self.after_rerun();
        Some(undone.action)
    }

    /// How many actions the learner took in this run.
    pub fn intervention_count(&self) -> usize {
        self.playback.interventions().len()
    }

    /// The run was simulated again: its quiz moments may have moved.
    fn after_rerun(&mut self) {
        let now = self.now();
        self.asked = self
            .playback
            .quiz_moments()
            .iter()
            .map(|m| m.pause_at() <= now)
            .collect();
        if let Some(q) = &self.quiz
            && q.moment >= self.asked.len()
        {
            self.quiz = None;
        }
        self.clock_ms = now.millis() as f64;
        self.jumped = true;
    }

    /// The session as a scenario file: the scenario with the learner's actions as timeline
    /// entries. `orca check` accepts it and `orca run` reproduces this run's log.
    pub fn session_as_ron(&self) -> Result<String, String> {
        orca_sim::scenario::to_ron(self.playback.scenario())
    }
}
