//! What the progress adds up to, for the app's progress view and `orca progress`: per
//! scenario and per topic, questions answered, right at the first try, missed (wrong at the
//! first try) and retakes; and the per-question rows a teacher exports as CSV or JSON.

use std::collections::BTreeMap;

use orca_sim::scenario::spec::topic_label;
use serde::Serialize;

use crate::progress::Progress;

/// Counts over a set of questions. The score is `first_right` out of `answered`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Questions in the scenario(s), when known (built-ins); answered ones otherwise.
    pub questions: usize,
    pub answered: usize,
    pub first_right: usize,
    /// Wrong at the first try.
    pub missed: usize,
    /// Answers given again after the first (practice; not in the score).
    pub retakes: usize,
}

impl Tally {
    fn add(&mut self, row: &Row) {
        self.answered += 1;
        self.first_right += usize::from(row.first_correct);
        self.missed += usize::from(!row.first_correct);
        self.retakes += row.attempts.saturating_sub(1) as usize;
    }
}

/// A scenario the learner can know about: its progress key, a name to show, and its quizzes
/// (id and topic), for the built-ins whose questions are known before any is answered.
pub struct KnownScenario {
    pub key: String,
    pub name: String,
    pub quizzes: Vec<(String, Option<String>)>,
}

/// One answered question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub scenario: String,
    pub quiz: String,
    pub topic: String,
    pub first_correct: bool,
    /// The first answer's choices, as the author's numbers from 0.
    pub first_picked: Vec<usize>,
    pub attempts: u32,
    pub retakes_correct: usize,
    pub last_correct: bool,
}

/// Per scenario (in the order: known scenarios, then others by key), per topic (in the order
/// of `TOPICS`, then "Other"), and over everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub scenarios: Vec<(String, Tally)>,
    pub topics: Vec<(String, Tally)>,
    pub overall: Tally,
}

/// A progress key as a name: `builtin:ecs-rolling-update` → `ecs-rolling-update`.
pub fn display_name(key: &str) -> String {
    key.strip_prefix("builtin:")
        .or_else(|| key.strip_prefix("file:"))
        .unwrap_or(key)
        .to_string()
}

/// Every answered question, scenario by scenario. A record without a topic (written by an
/// older Orca) takes its quiz's topic from `known`.
pub fn rows(progress: &Progress, known: &[KnownScenario]) -> Vec<Row> {
    let mut out = Vec::new();
    for (key, records) in &progress.scenarios {
        let known_here = known.iter().find(|k| &k.key == key);
        for (quiz, r) in records {
            let topic = r.topic.clone().or_else(|| {
                known_here.and_then(|k| {
                    k.quizzes
                        .iter()
                        .find(|(id, _)| id == quiz)
                        .and_then(|(_, t)| t.clone())
                })
            });
            out.push(Row {
                scenario: display_name(key),
                quiz: quiz.clone(),
                topic: topic_label(topic.as_deref()).to_string(),
                first_correct: r.first.correct,
                first_picked: r.first.picked.clone(),
                attempts: 1 + u32::try_from(r.retakes.len()).unwrap_or(u32::MAX - 1),
                retakes_correct: r.retakes.iter().filter(|a| a.correct).count(),
                last_correct: r.last().correct,
            });
        }
    }
    out
}

pub fn summary(progress: &Progress, known: &[KnownScenario]) -> Summary {
    let rows = rows(progress, known);
    let mut scenarios: Vec<(String, Tally)> = known
        .iter()
        .map(|k| {
            (
                k.name.clone(),
                Tally {
                    questions: k.quizzes.len(),
                    ..Tally::default()
                },
            )
        })
        .collect();
    let mut topics: BTreeMap<&'static str, Tally> = BTreeMap::new();
    for k in known {
        for (_, t) in &k.quizzes {
            topics
                .entry(topic_label(t.as_deref()))
                .or_default()
                .questions += 1;
        }
    }
    let mut overall = Tally {
        questions: known.iter().map(|k| k.quizzes.len()).sum(),
        ..Tally::default()
    };
    for row in &rows {
        let i = match scenarios.iter().position(|(n, _)| *n == row.scenario) {
            Some(i) => i,
            None => {
                scenarios.push((row.scenario.clone(), Tally::default()));
                scenarios.len() - 1
            }
        };
        let is_known = known.iter().any(|k| k.name == row.scenario);
        let s = &mut scenarios[i].1;
        s.add(row);
        let t = topics.entry(label_of(&row.topic)).or_default();
        t.add(row);
        overall.add(row);
        if !is_known {
            // Questions of a scenario file count once answered.
            s.questions += 1;
            t.questions += 1;
            overall.questions += 1;
        }
    }
    let order = |label: &str| {
        orca_sim::scenario::spec::TOPICS
            .iter()
            .position(|(_, l)| *l == label)
            .unwrap_or(usize::MAX)
    };
    let mut topics: Vec<(String, Tally)> = topics
        .into_iter()
        .map(|(l, t)| (l.to_string(), t))
        .collect();
    topics.sort_by_key(|(l, _)| order(l));
    Summary {
        scenarios,
        topics,
        overall,
    }
}

/// The `&'static` label a row's topic label is (rows carry labels already).
fn label_of(label: &str) -> &'static str {
    orca_sim::scenario::spec::TOPICS
        .iter()
        .map(|(_, l)| *l)
        .find(|l| *l == label)
        .unwrap_or(orca_sim::scenario::spec::NO_TOPIC)
}

/// A line per scenario and per topic, for `orca progress`.
pub fn summary_text(s: &Summary) -> String {
    let line = |name: &str, t: &Tally| {
        format!(
            "  {name:<32} {:>3}/{:<3} answered  {:>3} right first try  {:>3} missed  {:>3} retakes",
            t.answered, t.questions, t.first_right, t.missed, t.retakes
        )
    };
    let mut out = String::new();
    out.push_str(&format!(
        "Score: {} right at the first try out of {} answered ({} questions known)\n\nBy scenario:\n",
        s.overall.first_right, s.overall.answered, s.overall.questions
    ));
    for (name, t) in &s.scenarios {
        out.push_str(&line(name, t));
        out.push('\n');
    }
    out.push_str("\nBy topic:\n");
    for (name, t) in &s.topics {
        out.push_str(&line(name, t));
        out.push('\n');
    }
    out
}

/// Quote a CSV field when it needs it (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Per-question rows as CSV, with a header line.
pub fn to_csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "scenario,quiz,topic,first_correct,first_picked,attempts,retakes_correct,last_correct\n",
    );
    for r in rows {
        let picked: Vec<String> = r.first_picked.iter().map(|c| c.to_string()).collect();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\n",
            csv_field(&r.scenario),
            csv_field(&r.quiz),
            csv_field(&r.topic),
            r.first_correct,
            csv_field(&picked.join(" ")),
            r.attempts,
            r.retakes_correct,
            r.last_correct
        ));
    }
    out
}

/// Per-question rows as a JSON array.
pub fn to_json(rows: &[Row]) -> Result<String, String> {
    serde_json::to_string_pretty(rows).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress() -> Progress {
        let mut p = Progress::default();
        p.record("builtin:a", "q1", Some("scaling"), vec![1], false);
        p.record("builtin:a", "q1", Some("scaling"), vec![2], true);
        p.record("builtin:a", "q2", Some("iam"), vec![0], true);
        p.record("file:/tmp/x, y.ron", "z", None, vec![0, 2], true);
        p
    }

    fn known() -> Vec<KnownScenario> {
        vec![
            KnownScenario {
                key: "builtin:a".into(),
                name: "a".into(),
                quizzes: vec![
                    ("q1".into(), Some("scaling".into())),
                    ("q2".into(), Some("iam".into())),
                    ("q3".into(), Some("scaling".into())),
                ],
            },
            KnownScenario {
                key: "builtin:b".into(),
                name: "b".into(),
                quizzes: vec![("p".into(), None)],
            },
        ]
    }

    #[test]
    fn the_score_counts_first_attempts_and_retakes_are_practice() {
        let s = summary(&progress(), &known());
        let a = s.scenarios.iter().find(|(n, _)| n == "a").expect("a").1;
        assert_eq!(
            a,
            Tally {
                questions: 3,
                answered: 2,
                first_right: 1,
                missed: 1,
                retakes: 1
            }
        );
        let b = s.scenarios.iter().find(|(n, _)| n == "b").expect("b").1;
        assert_eq!(b.answered, 0);
        assert_eq!(b.questions, 1);
        let scaling = s
            .topics
            .iter()
            .find(|(n, _)| n == "Auto scaling")
            .expect("scaling")
            .1;
        assert_eq!(
            (scaling.questions, scaling.answered, scaling.missed),
            (2, 1, 1)
        );
        assert_eq!(s.overall.answered, 3);
        assert_eq!(s.overall.first_right, 2);
        // Topics in the order of the list, "Other" last.
        assert_eq!(s.topics.last().map(|(n, _)| n.as_str()), Some("Other"));
    }

    #[test]
    fn csv_and_json_have_one_row_per_question() {
        let rows = rows(&progress(), &known());
        let csv = to_csv(&rows);
        assert_eq!(csv.lines().count(), 4);
        assert!(
            csv.contains("a,q1,Auto scaling,false,1,2,1,true\n"),
            "{csv}"
        );
        assert!(
            csv.contains("\"/tmp/x, y.ron\",z,Other,true,0 2,1,0,true\n"),
            "{csv}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&to_json(&rows).expect("json")).expect("parses");
        assert_eq!(json.as_array().map(Vec::len), Some(3));
        assert_eq!(json[0]["first_correct"], serde_json::json!(false));
    }
}
