//! The quiz part of the format: optional fields keep older files loading, new fields are read.

use orca_sim::scenario::{self, spec::topic_label};

/// A valid ECS scenario with one quiz whose extra fields are `extra` (", topic: …").
fn with_quiz(extra: &str) -> String {
    format!(
        "(version: 1, title: \"T\", world: Ecs(cluster: (name: \"c\"), task_definitions: [], services: []),\n quizzes: [(id: \"q\", question: \"Which?\", choices: [\"a\", \"b\", \"c\"], correct: [0, 2], explanation: \"Because.\", trigger: At(1){extra})])"
    )
}

#[test]
fn a_quiz_without_why_not_or_topic_still_loads() {
    let s = scenario::parse("old.ron", &with_quiz("")).unwrap_or_else(|e| panic!("{e}"));
    let q = &s.quizzes[0];
    assert!(q.why_not.is_empty());
    assert_eq!(q.topic, None);
    assert_eq!(topic_label(q.topic.as_deref()), "Other");
}

#[test]
fn why_not_texts_topic_and_several_correct_choices_are_read() {
    let src = with_quiz(", why_not: {1: \"b is wrong because…\"}, topic: \"health-checks\"");
    let s = scenario::parse("new.ron", &src).unwrap_or_else(|e| panic!("{e}"));
    let q = &s.quizzes[0];
    assert_eq!(q.correct, vec![0, 2]);
    assert_eq!(
        q.why_not.get(&1).map(String::as_str),
        Some("b is wrong because…")
    );
    assert_eq!(q.topic.as_deref(), Some("health-checks"));
    assert_eq!(topic_label(q.topic.as_deref()), "Health checks and probes");
}

use crate::common;

#[test]
fn the_built_in_quizzes_give_nothing_away_and_all_have_a_topic_and_why_nots() {
    for (name, s) in common::built_in() {
        let path = common::scenarios_dir().join(format!("{name}.ron"));
        let src = std::fs::read_to_string(&path).expect("read scenario");
        let warnings = scenario::lint::lint(&name, &src, &s);
        assert!(warnings.is_empty(), "{name}: {warnings:?}");
        for q in &s.quizzes {
            assert!(q.topic.is_some(), "{name}: quiz {} has no topic", q.id);
            for wrong in (0..q.choices.len()).filter(|c| !q.correct.contains(c)) {
                assert!(
                    q.why_not.contains_key(&wrong),
                    "{name}: quiz {} says nothing about choice {wrong}",
                    q.id
                );
            }
        }
        // Each quiz is checked against a source named in a comment just above it.
        let sources = src.matches("// Source: ").count();
        assert_eq!(sources, s.quizzes.len(), "{name}: one source per quiz");
    }
}
