//! Warnings about a valid scenario that `orca check` prints but that do not stop it from
//! running: quizzes a learner could score on without understanding them.
//!
//! - **Length**: in most quizzes the right answer is the longest choice (authors tend to make
//!   the right answer the careful, qualified one), or one answer is far longer than the rest.
//! - **Position**: most right answers sit at the same place in the author's order. The app
//!   shuffles choices (`rng::choice_order`), but the file is what other readers, handouts
//!   and `orca run` see.
//! - **Topic**: a quiz without a topic counts as "Other" in the progress view.
//!
//! Like [`super::parse`] it does no I/O; each warning names `file:line:column`.

use std::fmt;

use super::locate::{Index, Path};
use super::spec::{Quiz, Scenario, TOPICS};

/// A pattern counts when it holds in more than half of the quizzes, and in at least this many.
const MIN_PATTERN: usize = 2;
/// Position patterns need more quizzes: with four choices, two of three quizzes share a position
/// by chance more often than not.
const MIN_POSITION_PATTERN: usize = 3;
/// One answer gives itself away when it is this much longer than the longest wrong choice
/// (both conditions): half as long again, and by at least this many characters.
const FAR_LONGER_RATIO: f64 = 1.5;
const FAR_LONGER_CHARS: usize = 15;

/// A warning about a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: warning: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// The warnings for a scenario that [`super::parse`] accepted from `src`, in file order.
pub fn lint(file: &str, src: &str, s: &Scenario) -> Vec<Warning> {
    let problems = problems(s);
    if problems.is_empty() {
        return Vec::new();
    }
    let index = Index::new(src);
    let mut out: Vec<Warning> = problems
        .into_iter()
        .map(|(path, message)| {
            let at = index.locate(&path).at;
            Warning {
                file: file.to_string(),
                line: at.line,
                column: at.column,
                message,
            }
        })
        .collect();
    out.sort_by_key(|w| (w.line, w.column));
    out
}

/// Each warning with the path it is about.
pub fn problems(s: &Scenario) -> Vec<(Path, String)> {
    let mut out = Vec::new();
    let qp = Path::root().field("quizzes");
    let n = s.quizzes.len();

    let longest: Vec<&Quiz> = s.quizzes.iter().filter(|q| right_is_longest(q)).collect();
    if longest.len() >= MIN_PATTERN && longest.len() * 2 > n {
        out.push((
            qp.clone(),
            format!(
                "in {} of {n} quizzes the right answer is the longest choice ({}); a learner who always picks the longest scores without understanding: make the wrong choices as long and as careful as the right one",
                longest.len(),
                ids(&longest)
            ),
        ));
    }

    // Positions in the author's order, over quizzes with one right answer among 3 or more.
    let mut at: Vec<Vec<&Quiz>> = vec![Vec::new(); 9];
    let mut counted = 0;
    for q in &s.quizzes {
        if let [c] = q.correct[..]
            && q.choices.len() >= 3
            && c < at.len()
        {
            at[c].push(q);
            counted += 1;
        }
    }
    if let Some((pos, qs)) = at.iter().enumerate().max_by_key(|(_, qs)| qs.len())
        && qs.len() >= MIN_POSITION_PATTERN
        && qs.len() * 2 > counted
    {
        out.push((
            qp.clone(),
            format!(
                "the right answer is choice {pos} in {} of {counted} quizzes ({}); the app shuffles the choices, but the file, `orca run` and handouts show this order: spread the right answers over the positions",
                qs.len(),
                ids(qs)
            ),
        ));
    }

    for (i, q) in s.quizzes.iter().enumerate() {
        if let Some((right, wrong)) = far_longer(q) {
            out.push((
                qp.index(i).field("choices"),
                format!(
                    "in quiz \"{}\" the right answer has {right} characters and the longest wrong choice {wrong}: its length gives it away",
                    q.id
                ),
            ));
        }
        if q.topic.is_none() {
            out.push((
                qp.index(i).field("id"),
                format!(
                    "quiz \"{}\" has no topic, so the progress view counts it under \"Other\"; add topic: one of {}",
                    q.id,
                    TOPICS
                        .iter()
                        .map(|(name, _)| format!("\"{name}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    out
}

fn ids(qs: &[&Quiz]) -> String {
    qs.iter()
        .map(|q| format!("\"{}\"", q.id))
        .collect::<Vec<_>>()
        .join(", ")
}

fn chars(s: &str) -> usize {
    s.trim().chars().count()
}

/// Whether a right answer is longer than every other choice (ties do not count).
pub fn right_is_longest(q: &Quiz) -> bool {
    let Some(max) = q.choices.iter().map(|c| chars(c)).max() else {
        return false;
    };
    let at_max: Vec<usize> = (0..q.choices.len())
        .filter(|&i| chars(&q.choices[i]) == max)
        .collect();
    matches!(at_max[..], [i] if q.correct.contains(&i))
}

/// (longest right answer, longest wrong choice) in characters, when the right one is far longer.
fn far_longer(q: &Quiz) -> Option<(usize, usize)> {
    let right = q
        .correct
        .iter()
        .filter_map(|&i| q.choices.get(i))
        .map(|c| chars(c))
        .max()?;
    let wrong = (0..q.choices.len())
        .filter(|i| !q.correct.contains(i))
        .map(|i| chars(&q.choices[i]))
        .max()?;
    (right as f64 >= wrong as f64 * FAR_LONGER_RATIO && right >= wrong + FAR_LONGER_CHARS)
        .then_some((right, wrong))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    /// A valid scenario with these quizzes (each `(choices, correct)`), all with a topic.
    fn scenario(quizzes: &[(&[&str], usize)]) -> String {
        let qs: Vec<String> = quizzes
            .iter()
            .enumerate()
            .map(|(i, (choices, correct))| {
                let choices: Vec<String> = choices.iter().map(|c| format!("{c:?}")).collect();
                format!(
                    "(id: \"q{i}\", question: \"Q?\", choices: [{}], correct: [{correct}], explanation: \"E.\", trigger: At(1), topic: \"scaling\")",
                    choices.join(", ")
                )
            })
            .collect();
        format!(
            "(version: 1, title: \"T\", world: Ecs(cluster: (name: \"c\"), task_definitions: [], services: []),\n quizzes: [\n{}\n])",
            qs.join(",\n")
        )
    }

    fn warnings(src: &str) -> Vec<String> {
        let s = parse("t.ron", src).unwrap_or_else(|e| panic!("{e}"));
        lint("t.ron", src, &s)
            .into_iter()
            .map(|w| w.to_string())
            .collect()
    }

    #[test]
    fn right_answers_that_are_mostly_the_longest_are_a_warning() {
        let src = scenario(&[
            (&["a short answer", "the slightly longer one", "brief"], 1),
            (&["the slightly longer one", "a short answer", "brief"], 0),
            (&["same length a", "same length b", "same length c"], 2),
        ]);
        let w = warnings(&src);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with("t.ron:2:11: warning: in 2 of 3 quizzes the right answer is the longest choice (\"q0\", \"q1\")"),
            "{}",
            w[0]
        );
    }

    #[test]
    fn a_tie_for_the_longest_does_not_count() {
        let src = scenario(&[
            (&["equal one", "equal two", "x"], 0),
            (&["equal one", "equal two", "x"], 1),
        ]);
        assert!(warnings(&src).is_empty());
    }

    #[test]
    fn right_answers_mostly_in_one_position_are_a_warning() {
        let src = scenario(&[
            (&["aa", "bb", "cc"], 0),
            (&["aa", "bb", "cc"], 0),
            (&["aa", "bb", "cc"], 0),
            (&["aa", "bb", "cc"], 2),
        ]);
        let w = warnings(&src);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].contains(
                "the right answer is choice 0 in 3 of 4 quizzes (\"q0\", \"q1\", \"q2\")"
            ),
            "{}",
            w[0]
        );
    }

    #[test]
    fn a_right_answer_far_longer_than_the_rest_is_a_warning_on_its_own() {
        let src = scenario(&[(
            &[
                "Yes",
                "No, because the scheduler only counts requests, never usage",
                "Maybe",
            ],
            1,
        )]);
        let w = warnings(&src);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with("t.ron:3:"),
            "located at the quiz's choices: {}",
            w[0]
        );
        assert!(
            w[0].contains(
                "quiz \"q0\" the right answer has 59 characters and the longest wrong choice 5"
            ),
            "{}",
            w[0]
        );
    }

    #[test]
    fn a_quiz_without_a_topic_is_a_warning() {
        let src = scenario(&[(&["aa", "bb", "cc"], 1)]).replace(", topic: \"scaling\"", "");
        let w = warnings(&src);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("quiz \"q0\" has no topic"), "{}", w[0]);
    }

    #[test]
    fn balanced_quizzes_give_no_warning() {
        let src = scenario(&[
            (&["about as long", "about as long!", "about as lon"], 0),
            (&["about as long", "about as long!", "about as lon"], 2),
            (&["about as long", "about as long!", "about as lon"], 1),
        ]);
        assert!(warnings(&src).is_empty(), "{:?}", warnings(&src));
    }
}
