//! The review schedule: which answered questions to ask again, and in what order — missed
//! ones sooner (spaced repetition with Leitner boxes). Pure: the wall-clock time is passed in.
//!
//! The rule, replayed over each question's answers in the order they were given:
//! - a question right at the first try is learned and never due (unless a retake is wrong);
//! - a wrong answer — the first or a retake — puts it in box 0: due at once;
//! - a right retake given when the question was due moves it up one box, to at most box 4; in
//!   box 1, 2, 3 or 4 it is due 1, 3, 7 or 21 days after that answer ([`INTERVAL_DAYS`]);
//! - a right retake given before the question was due (the learner replayed the scenario, or
//!   answered it twice in a row) is practice: it keeps the box and the due time, so a box is
//!   climbed one interval at a time, never by answering again and again in one sitting. This is
//!   the Leitner system's rule that a card moves up only when it is reviewed on its due day
//!   (Sebastian Leitner, *So lernt man lernen*, 1972; as described in
//!   <https://en.wikipedia.org/wiki/Leitner_system>).
//!
//! Due questions come in this order: the missed ones (last answer wrong, box 0) first, the
//! oldest miss first; then the others, the most overdue first. An answer from a progress file
//! that kept no times (format 1 or 2) counts as given long ago: due, and first in its group.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use orca_sim::Scenario;
use orca_sim::scenario::spec::topic_label;

use crate::progress::{Progress, QuizRecord};

/// Days until a question in box 1, 2, 3, 4 is due again, after its last (right) answer.
pub const INTERVAL_DAYS: [u64; 4] = [1, 3, 7, 21];

/// The highest box.
pub const TOP_BOX: usize = INTERVAL_DAYS.len();

pub const DAY_SECS: u64 = 24 * 60 * 60;

/// Where a question stands: its box and when it is due (seconds since the Unix epoch; `None`
/// when the time of the last answer is unknown, which counts as long ago).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// 0 (last answer wrong) to [`TOP_BOX`].
    pub box_: usize,
    pub due_at: Option<u64>,
}

/// Why a question is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Wrong at the first try and never answered again.
    MissedFirstTry,
    /// The last retake was wrong.
    WrongAtLastRetake,
    /// Right at the last retake, and that box's interval has passed: due for this many
    /// seconds (`None`: the time of the last answer is unknown).
    Overdue(Option<u64>),
}

impl Why {
    /// "missed at first try", "wrong at the last retake", "due since 3 days".
    pub fn describe(self) -> String {
        match self {
            Why::MissedFirstTry => "missed at first try".into(),
            Why::WrongAtLastRetake => "wrong at the last retake".into(),
            Why::Overdue(None) => "due (answered before Orca kept times)".into(),
            Why::Overdue(Some(secs)) => format!("due since {}", span(secs)),
        }
    }
}

/// A duration the way the review list says it: "3 days", "1 day", "5 hours", "a few minutes".
pub fn span(secs: u64) -> String {
    let days = secs / DAY_SECS;
    let hours = secs / 3600;
    match (days, hours) {
        (1, _) => "1 day".into(),
        (d, _) if d > 1 => format!("{d} days"),
        (_, 1) => "1 hour".into(),
        (_, h) if h > 1 => format!("{h} hours"),
        _ => "a few minutes".into(),
    }
}

/// A question due for review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueQuestion {
    /// The scenario's progress key (`builtin:NAME` or `file:PATH`).
    pub key: String,
    pub quiz: String,
    pub topic: Option<String>,
    pub standing: Standing,
    pub why: Why,
}

/// What to review now, and when the next question not yet due will be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    pub due: Vec<DueQuestion>,
    /// The earliest time a question not due now becomes due (seconds since the Unix epoch).
    pub next_due_at: Option<u64>,
}

/// A question's box and due time from its answers, or `None` if it is learned (right at the
/// first try and at every retake since).
pub fn standing(record: &QuizRecord) -> Option<Standing> {
    let mut current: Option<Standing> = (!record.first.correct).then_some(Standing {
        box_: 0,
        due_at: record.first.at,
    });
    for answer in &record.retakes {
        current = if !answer.correct {
            Some(Standing {
                box_: 0,
                due_at: answer.at,
            })
        } else {
            match current {
                // Learned at the first try and right since: still learned.
                None => None,
                // Due when answered (an unknown time on either side counts as due): up a box.
                Some(st) if was_due(st, answer.at) => {
                    let box_ = (st.box_ + 1).min(TOP_BOX);
                    Some(Standing {
                        box_,
                        due_at: answer
                            .at
                            .map(|t| t.saturating_add(INTERVAL_DAYS[box_ - 1] * DAY_SECS)),
                    })
                }
                // Answered again before it was due: practice, the box and due time stay.
                Some(st) => Some(st),
            }
        };
    }
    current
}

/// Whether a question standing at `st` was due at `at` (box 0 always is; an unknown time counts
/// as long ago, so as due).
fn was_due(st: Standing, at: Option<u64>) -> bool {
    st.box_ == 0
        || match (st.due_at, at) {
            (Some(due), Some(at)) => at >= due,
            _ => true,
        }
}

/// The questions of `progress` to review at `now` (seconds since the Unix epoch), in order.
pub fn schedule(progress: &Progress, now: u64) -> Schedule {
    let mut out = Schedule::default();
    for (key, records) in &progress.scenarios {
        for (quiz, record) in records {
            let Some(standing) = standing(record) else {
                continue;
            };
            let why = match (standing.box_, standing.due_at) {
                (0, _) if record.retakes.is_empty() => Why::MissedFirstTry,
                (0, _) => Why::WrongAtLastRetake,
                (_, None) => Why::Overdue(None),
                (_, Some(at)) if at <= now => Why::Overdue(Some(now - at)),
                (_, Some(at)) => {
                    out.next_due_at = Some(out.next_due_at.map_or(at, |n| n.min(at)));
                    continue;
                }
            };
            out.due.push(DueQuestion {
                key: key.clone(),
                quiz: quiz.clone(),
                topic: record.topic.clone(),
                standing,
                why,
            });
        }
    }
    out.due.sort_by(order);
    out
}

/// One due question as the review list (G) and `orca progress` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub key: String,
    pub quiz: String,
    /// The scenario's title (its name when the file cannot be read).
    pub title: String,
    /// The question on one line (or why it cannot be shown).
    pub question: String,
    pub topic: &'static str,
    pub why: String,
    /// The scenario can be opened (a built-in, or a file that reads).
    pub openable: bool,
}

/// The due questions with their scenario's title and question text; `open` reads a scenario
/// by its progress key (each is read once).
pub fn rows(
    due: Vec<DueQuestion>,
    mut open: impl FnMut(&str) -> Result<Arc<Scenario>, String>,
) -> Vec<ReviewRow> {
    let mut opened: BTreeMap<String, Result<Arc<Scenario>, String>> = BTreeMap::new();
    due.into_iter()
        .map(|d| {
            let scenario = opened.entry(d.key.clone()).or_insert_with(|| open(&d.key));
            // An answer kept by an older Orca has no topic: the quiz's own then.
            let mut topic = d.topic.clone();
            let (title, question, openable) = match scenario {
                Ok(s) => match s.quizzes.iter().find(|q| q.id == d.quiz) {
                    Some(q) => {
                        topic = topic.or_else(|| q.topic.clone());
                        (s.title.clone(), one_line(&q.question), true)
                    }
                    None => (
                        s.title.clone(),
                        format!("(question {:?} is no longer in this scenario)", d.quiz),
                        false,
                    ),
                },
                Err(e) => (
                    crate::progress_report::display_name(&d.key),
                    format!("(cannot open: {})", one_line(e)),
                    false,
                ),
            };
            ReviewRow {
                title,
                question,
                openable,
                topic: topic_label(topic.as_deref()),
                why: d.why.describe(),
                key: d.key,
                quiz: d.quiz,
            }
        })
        .collect()
}

/// What `orca progress` says about review: the due questions, or when the next one is due.
pub fn due_text(rows: &[ReviewRow], next_in: Option<u64>) -> String {
    let mut out = match rows.len() {
        0 => "Review: nothing due".to_string(),
        1 => "Review: 1 question due (missed first, then the most overdue)".to_string(),
        n => format!("Review: {n} questions due (missed first, then the most overdue)"),
    };
    out.push('\n');
    for (i, r) in rows.iter().enumerate() {
        out.push_str(&format!(
            "  {:>2}. {}  ·  {}  ·  {}\n      {}\n",
            i + 1,
            r.why,
            r.title,
            r.topic,
            r.question
        ));
    }
    match (rows.is_empty(), next_in) {
        (_, Some(secs)) => out.push_str(&format!(
            "  The next question not due yet is due in {}.\n",
            span(secs)
        )),
        (true, None) => out.push_str(
            "  A question you miss comes back here, sooner than one you got right at a retake.\n",
        ),
        (false, None) => {}
    }
    if !rows.is_empty() {
        out.push_str("  Open Orca and press G to review them, each at its scenario's moment.\n");
    }
    out
}

/// Text on one line: runs of white space (line breaks included) become one space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Missed (box 0) first, then the earliest due time (an unknown one first), then by scenario
/// and quiz so the order is stable.
fn order(a: &DueQuestion, b: &DueQuestion) -> Ordering {
    let missed = |q: &DueQuestion| q.standing.box_ != 0;
    missed(a)
        .cmp(&missed(b))
        .then(a.standing.due_at.cmp(&b.standing.due_at))
        .then_with(|| a.key.cmp(&b.key))
        .then_with(|| a.quiz.cmp(&b.quiz))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Answer;

    const T0: u64 = 1_700_000_000;

    fn answer(correct: bool, at: u64) -> Answer {
        Answer {
            picked: vec![0],
            correct,
            at: Some(at),
        }
    }

    /// A record from answers (right?, seconds after T0), the first one first.
    fn record(answers: &[(bool, u64)]) -> QuizRecord {
        let mut it = answers.iter().map(|&(c, t)| answer(c, T0 + t));
        QuizRecord {
            first: it.next().expect("an answer"),
            retakes: it.collect(),
            topic: Some("scaling".into()),
        }
    }

    fn progress(records: &[(&str, &str, QuizRecord)]) -> Progress {
        let mut p = Progress::default();
        for (key, quiz, r) in records {
            p.scenarios
                .entry((*key).to_string())
                .or_default()
                .insert((*quiz).to_string(), r.clone());
        }
        p
    }

    fn due_ids(s: &Schedule) -> Vec<&str> {
        s.due.iter().map(|d| d.quiz.as_str()).collect()
    }

    #[test]
    fn a_question_right_at_the_first_try_is_never_due() {
        let r = record(&[(true, 0), (true, 10)]);
        assert_eq!(standing(&r), None);
        let p = progress(&[("builtin:x", "q1", r)]);
        for days in [0, 1, 30, 10_000] {
            let s = schedule(&p, T0 + days * DAY_SECS);
            assert!(s.due.is_empty(), "due after {days} days: {s:?}");
            assert_eq!(s.next_due_at, None);
        }
    }

    #[test]
    fn a_missed_question_is_due_at_once() {
        let p = progress(&[("builtin:x", "q1", record(&[(false, 0)]))]);
        let s = schedule(&p, T0);
        assert_eq!(due_ids(&s), ["q1"]);
        assert_eq!(s.due[0].why, Why::MissedFirstTry);
        assert_eq!(s.due[0].standing.box_, 0);
        assert_eq!(s.due[0].why.describe(), "missed at first try");
    }

    #[test]
    fn each_right_retake_on_its_due_day_moves_up_a_box_due_after_1_3_7_21_days() {
        let mut answers = vec![(false, 0)];
        // Box 0 is due at once: the first right retake may come a minute later.
        let mut at = 60;
        for (i, days) in INTERVAL_DAYS.iter().enumerate() {
            answers.push((true, at));
            let r = record(&answers);
            let st = standing(&r).expect("in a box");
            assert_eq!(st.box_, i + 1);
            let due = at + days * DAY_SECS;
            assert_eq!(st.due_at, Some(T0 + due));
            let p = progress(&[("builtin:x", "q1", r)]);
            // Not due a second before, due at the time.
            let s = schedule(&p, T0 + due - 1);
            assert!(s.due.is_empty(), "box {}: {s:?}", i + 1);
            assert_eq!(s.next_due_at, st.due_at);
            let s = schedule(&p, T0 + due);
            assert_eq!(due_ids(&s), ["q1"], "box {}", i + 1);
            // The next retake is answered an hour after it fell due.
            at = due + 3600;
        }
        // The top box stays the top box: 21 days again.
        answers.push((true, at));
        let st = standing(&record(&answers)).expect("in a box");
        assert_eq!(st.box_, TOP_BOX);
        assert_eq!(st.due_at, Some(T0 + at + 21 * DAY_SECS));
    }

    #[test]
    fn right_retakes_before_the_due_time_are_practice_and_climb_nothing() {
        // Missed, then right five times in one sitting: box 1, due a day after the first.
        let r = record(&[
            (false, 0),
            (true, 10),
            (true, 20),
            (true, 30),
            (true, 40),
            (true, 50),
        ]);
        assert_eq!(
            standing(&r),
            Some(Standing {
                box_: 1,
                due_at: Some(T0 + 10 + DAY_SECS)
            })
        );
        // Answered again on its due day, it goes up to box 2, due three days later.
        let mut answers = vec![(false, 0), (true, 10), (true, 20)];
        answers.push((true, 10 + DAY_SECS));
        assert_eq!(
            standing(&record(&answers)),
            Some(Standing {
                box_: 2,
                due_at: Some(T0 + 10 + DAY_SECS + 3 * DAY_SECS)
            })
        );
        // A wrong answer, due or not, still sends it back to box 0.
        answers.push((false, 10 + DAY_SECS + 5));
        assert_eq!(standing(&record(&answers)).map(|s| s.box_), Some(0));
    }

    #[test]
    fn retakes_without_times_count_as_due_and_climb() {
        let mut r = record(&[(false, 0), (true, 0), (true, 0)]);
        for a in std::iter::once(&mut r.first).chain(r.retakes.iter_mut()) {
            a.at = None;
        }
        assert_eq!(
            standing(&r),
            Some(Standing {
                box_: 2,
                due_at: None
            })
        );
    }

    #[test]
    fn a_wrong_retake_sends_it_back_to_box_0_due_again_at_once() {
        let r = record(&[(false, 0), (true, 10), (true, 20), (false, 30)]);
        assert_eq!(
            standing(&r),
            Some(Standing {
                box_: 0,
                due_at: Some(T0 + 30)
            })
        );
        let s = schedule(&progress(&[("builtin:x", "q1", r)]), T0 + 31);
        assert_eq!(due_ids(&s), ["q1"]);
        assert_eq!(s.due[0].why, Why::WrongAtLastRetake);
        // Even a question first right is due again once a retake is wrong, then climbs from 0.
        let r = record(&[(true, 0), (false, 10), (true, 20)]);
        assert_eq!(standing(&r).map(|s| s.box_), Some(1));
    }

    #[test]
    fn missed_questions_come_first_then_the_most_overdue() {
        let day = DAY_SECS;
        let p = progress(&[
            // Box 1 since day 0: due on day 1.
            ("builtin:a", "overdue-9", record(&[(false, 0), (true, 0)])),
            // Box 1 since day 5: due on day 6.
            (
                "builtin:a",
                "overdue-4",
                record(&[(false, 0), (true, 5 * day)]),
            ),
            // Missed on day 8, and wrong at a retake on day 2.
            ("builtin:b", "missed-new", record(&[(false, 8 * day)])),
            (
                "builtin:b",
                "wrong-old",
                record(&[(false, 0), (false, 2 * day)]),
            ),
            // Box 2 since day 9: due on day 12, not yet.
            (
                "builtin:c",
                "later",
                record(&[(false, 0), (true, 8 * day), (true, 9 * day)]),
            ),
            ("builtin:c", "learned", record(&[(true, 0)])),
        ]);
        let now = T0 + 10 * day;
        let s = schedule(&p, now);
        assert_eq!(
            due_ids(&s),
            ["wrong-old", "missed-new", "overdue-9", "overdue-4"]
        );
        assert_eq!(s.due[2].why, Why::Overdue(Some(9 * day)));
        assert_eq!(s.due[2].why.describe(), "due since 9 days");
        assert_eq!(s.due[3].why.describe(), "due since 4 days");
        assert_eq!(s.next_due_at, Some(T0 + 12 * day));
    }

    #[test]
    fn answers_without_a_time_count_as_long_ago() {
        let mut r = record(&[(false, 0), (true, 0)]);
        for a in std::iter::once(&mut r.first).chain(r.retakes.iter_mut()) {
            a.at = None;
        }
        let with_time = record(&[(false, 0), (true, 0)]);
        let p = progress(&[("builtin:a", "timed", with_time), ("builtin:b", "old", r)]);
        let s = schedule(&p, T0 + 2 * DAY_SECS);
        assert_eq!(due_ids(&s), ["old", "timed"]);
        assert_eq!(s.due[0].why, Why::Overdue(None));
    }

    #[test]
    fn the_due_list_names_title_question_and_topic_or_says_when_the_next_is_due() {
        let mut r = record(&[(false, 0)]);
        r.topic = None;
        let p = progress(&[("builtin:x", "when-old-stops", r)]);
        let scenario = crate::app::library::built_in("ecs-rolling-update").expect("built in");
        let rows = rows(schedule(&p, T0).due, |_| Ok(scenario.clone()));
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].title, "ECS rolling update: the happy path");
        assert!(rows[0].question.starts_with("A web:2 task is RUNNING"));
        // The record has no topic (an older Orca's): the quiz's own.
        assert_eq!(rows[0].topic, "Load balancing");
        let text = due_text(&rows, None);
        assert!(text.starts_with("Review: 1 question due"), "{text}");
        assert!(
            text.contains("missed at first try  ·  ECS rolling update: the happy path"),
            "{text}"
        );
        // A scenario that cannot be read still lists the question, by its file's name.
        let rows2 = super::rows(schedule(&p, T0).due, |_| Err("gone".into()));
        assert_eq!(rows2[0].title, "x");
        assert!(!rows2[0].openable);
        // Nothing due: when the next one is.
        let text = due_text(&[], Some(3 * DAY_SECS));
        assert_eq!(
            text,
            "Review: nothing due\n  The next question not due yet is due in 3 days.\n"
        );
    }

    #[test]
    fn spans_read_as_days_hours_or_minutes() {
        assert_eq!(span(3 * DAY_SECS + 5), "3 days");
        assert_eq!(span(DAY_SECS), "1 day");
        assert_eq!(span(5 * 3600), "5 hours");
        assert_eq!(span(3600), "1 hour");
        assert_eq!(span(59), "a few minutes");
    }
}
