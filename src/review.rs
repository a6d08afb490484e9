//! The review schedule: which answered questions to ask again, and in what order — missed
//! ones sooner (spaced repetition with Leitner boxes). Pure: the wall-clock time is passed in.
//!
//! The rule, replayed over each question's answers in the order they were given:
//! - a question right at the first try is learned and never due (unless a retake is wrong);
//! - a wrong answer — the first or a retake — puts it in box 0: due at once;
//! - a right retake moves it up one box, to at most box 4; in box 1, 2, 3 or 4 it is due 1, 3,
//!   7 or 21 days after that answer ([`INTERVAL_DAYS`]).
//!
//! Due questions come in this order: the missed ones (last answer wrong, box 0) first, the
//! oldest miss first; then the others, the most overdue first. An answer from a progress file
//! that kept no times (format 1 or 2) counts as given long ago: due, and first in its group.

use std::cmp::Ordering;

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
    let mut box_: Option<usize> = if record.first.correct { None } else { Some(0) };
    for answer in &record.retakes {
        box_ = if answer.correct {
            box_.map(|b| (b + 1).min(TOP_BOX))
        } else {
            Some(0)
        };
    }
    let box_ = box_?;
    let last = record.last().at;
    let due_at = match box_ {
        0 => last,
        b => last.map(|t| t.saturating_add(INTERVAL_DAYS[b - 1] * DAY_SECS)),
    };
    Some(Standing { box_, due_at })
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
    fn each_right_retake_moves_up_a_box_due_after_1_3_7_21_days() {
        let mut answers = vec![(false, 0)];
        for (i, days) in INTERVAL_DAYS.iter().enumerate() {
            let at = (i as u64 + 1) * 100;
            answers.push((true, at));
            let r = record(&answers);
            let st = standing(&r).expect("in a box");
            assert_eq!(st.box_, i + 1);
            assert_eq!(st.due_at, Some(T0 + at + days * DAY_SECS));
            let p = progress(&[("builtin:x", "q1", r)]);
            // Not due a second before, due at the time.
            let s = schedule(&p, T0 + at + days * DAY_SECS - 1);
            assert!(s.due.is_empty(), "box {}: {s:?}", i + 1);
            assert_eq!(s.next_due_at, st.due_at);
            let s = schedule(&p, T0 + at + days * DAY_SECS);
            assert_eq!(due_ids(&s), ["q1"], "box {}", i + 1);
        }
        // The top box stays the top box: 21 days again.
        answers.push((true, 1000));
        let st = standing(&record(&answers)).expect("in a box");
        assert_eq!(st.box_, TOP_BOX);
        assert_eq!(st.due_at, Some(T0 + 1000 + 21 * DAY_SECS));
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
    fn spans_read_as_days_hours_or_minutes() {
        assert_eq!(span(3 * DAY_SECS + 5), "3 days");
        assert_eq!(span(DAY_SECS), "1 day");
        assert_eq!(span(5 * 3600), "5 hours");
        assert_eq!(span(3600), "1 hour");
        assert_eq!(span(59), "a few minutes");
    }
}
