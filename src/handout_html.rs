//! The handout's page, as text: one self-contained HTML file (its style inline, its pictures
//! beside it) that prints well. Every text from the scenario is escaped.

use orca_sim::{Scenario, SimTime};

/// One moment of the handout.
#[derive(Debug, Clone, PartialEq)]
pub struct Moment {
    pub at: SimTime,
    pub kind: MomentKind,
    /// Which picture shows it (an index into the pictures), if any.
    pub picture: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum MomentKind {
    /// The `number`-th question asked (from 1), the scenario's quiz `quiz`.
    Quiz {
        number: usize,
        quiz: usize,
        predict: bool,
    },
    /// One of the scenario's own events, with the event log's wording.
    Event(String),
}

/// `<`, `>`, `&`, `"` and `'` as HTML entities.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Paragraphs (blank-line separated) as `<p>`s, single newlines as `<br>`.
fn paragraphs(s: &str) -> String {
    s.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>\n", escape(p).replace('\n', "<br>\n")))
        .collect()
}

/// A, B, C… for choice `i` (from 0).
fn letter(i: usize) -> char {
    (b'A' + (i % 26) as u8) as char
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #111; background: #fff; line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
.meta { color: #555; margin-top: 0; }
h2 { border-bottom: 2px solid #222; padding-bottom: 0.2rem; margin-top: 2rem; }
h3 { margin-bottom: 0.3rem; }
.at { font-family: 'DejaVu Sans Mono', monospace; color: #444; }
figure { margin: 0.5rem 0 1rem; }
figure img { width: 100%; border: 1px solid #999; }
figcaption { font-size: 0.85rem; color: #555; }
.quiz { border: 2px solid #222; border-radius: 6px; padding: 0.4rem 1rem 0.8rem; margin: 1rem 0; }
.quiz ol { list-style: upper-alpha; }
.quiz li { margin: 0.3rem 0; }
.note { color: #555; font-style: italic; }
.answers { break-before: page; page-break-before: always; }
.answer { margin-bottom: 1.2rem; }
.right { font-weight: bold; }
.moment, .quiz, .answer { break-inside: avoid; page-break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
";

/// The whole page. `names[k]` is the file of picture `k`.
pub fn page(scenario: &Scenario, moments: &[Moment], names: &[String]) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str(&format!(
        "<title>{} — Orca handout</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&scenario.title)
    ));
    h.push_str(&format!("<h1>{}</h1>\n", escape(&scenario.title)));
    let questions = moments
        .iter()
        .filter(|m| matches!(m.kind, MomentKind::Quiz { .. }))
        .count();
    h.push_str(&format!(
        "<p class=\"meta\">A scenario of {} simulated, {} question{}. Made with Orca.</p>\n",
        SimTime::from_secs_f64(scenario.duration),
        questions,
        if questions == 1 { "" } else { "s" }
    ));
    h.push_str(&paragraphs(&scenario.description));
    h.push_str("<h2>What happens</h2>\n");
    let mut shown_picture: Option<usize> = None;
    for m in moments {
        let picture = m.picture.filter(|k| Some(*k) != shown_picture);
        match &m.kind {
            MomentKind::Event(message) => {
                h.push_str(&format!(
                    "<section class=\"moment\">\n<h3><span class=\"at\">[{}]</span> {}</h3>\n",
                    m.at,
                    escape(message)
                ));
                if let Some(k) = picture {
                    h.push_str(&figure(names, k, m.at));
                }
                h.push_str("</section>\n");
            }
            MomentKind::Quiz {
                number,
                quiz,
                predict,
            } => {
                let Some(q) = scenario.quizzes.get(*quiz) else {
                    continue;
                };
                h.push_str(&format!(
                    "<section class=\"quiz\" id=\"q{number}\">\n<h3>{} {number} <span class=\"at\">[{}]</span></h3>\n",
                    if *predict { "Predict" } else { "Question" },
                    m.at
                ));
                if let Some(k) = picture {
                    h.push_str(&figure(names, k, m.at));
                }
                if *predict {
                    h.push_str("<p class=\"note\">Asked just before it happens: what will happen next?</p>\n");
                }
                h.push_str(&format!(
                    "<p><strong>{}</strong></p>\n",
                    escape(&q.question)
                ));
                if q.correct.len() > 1 {
                    h.push_str(
                        "<p class=\"note\">More than one answer is right: tick them all.</p>\n",
                    );
                }
                h.push_str("<ol>\n");
                for c in &q.choices {
                    h.push_str(&format!("<li>{}</li>\n", escape(c)));
                }
                h.push_str("</ol>\n</section>\n");
            }
        }
        if picture.is_some() {
            shown_picture = picture;
        }
    }
    answers(&mut h, scenario, moments);
    h.push_str("</body>\n</html>\n");
    h
}

fn figure(names: &[String], k: usize, at: SimTime) -> String {
    match names.get(k) {
        Some(name) => format!(
            "<figure><img src=\"{}\" alt=\"Orca at {at}\"><figcaption>At {at}</figcaption></figure>\n",
            escape(name)
        ),
        None => String::new(),
    }
}

fn answers(h: &mut String, scenario: &Scenario, moments: &[Moment]) {
    h.push_str("<section class=\"answers\">\n<h2>Answers</h2>\n");
    let mut any = false;
    for m in moments {
        let MomentKind::Quiz { number, quiz, .. } = m.kind else {
            continue;
        };
        let Some(q) = scenario.quizzes.get(quiz) else {
            continue;
        };
        any = true;
        let right: Vec<String> = q
            .correct
            .iter()
            .filter_map(|&i| {
                q.choices
                    .get(i)
                    .map(|c| format!("{}. {}", letter(i), escape(c)))
            })
            .collect();
        h.push_str(&format!(
            "<div class=\"answer\">\n<h3><a href=\"#q{number}\">Question {number}</a></h3>\n<p class=\"right\">{}</p>\n<p>{}</p>\n",
            right.join("<br>\n"),
            escape(&q.explanation)
        ));
        if !q.why_not.is_empty() {
            h.push_str("<ul>\n");
            for (&i, why) in &q.why_not {
                if let Some(c) = q.choices.get(i) {
                    h.push_str(&format!(
                        "<li>Not {}. {}: {}</li>\n",
                        letter(i),
                        escape(c),
                        escape(why)
                    ));
                }
            }
            h.push_str("</ul>\n");
        }
        h.push_str("</div>\n");
    }
    if !any {
        h.push_str("<p>This scenario asks no questions.</p>\n");
    }
    h.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenario_text_is_escaped() {
        assert_eq!(
            escape(r#"<b onclick="x">Tom & 'Jerry'</b>"#),
            "&lt;b onclick=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    fn scenario() -> Scenario {
        let src = crate::app::library::BUILT_IN[0].1;
        let mut s = orca_sim::scenario::parse("s.ron", src).expect("parses");
        s.title = "Rolling <update> & co".into();
        s.description = "First line\nsecond line\n\n<script>alert(1)</script>".into();
        s
    }

    #[test]
    fn the_page_names_every_question_in_the_authors_order_and_the_answers_last() {
        let s = scenario();
        assert!(!s.quizzes.is_empty());
        let moments: Vec<Moment> = (0..s.quizzes.len())
            .map(|i| Moment {
                at: SimTime::from_secs(10 * i as u64),
                kind: MomentKind::Quiz {
                    number: i + 1,
                    quiz: i,
                    predict: false,
                },
                picture: Some(0),
            })
            .collect();
        let html = page(&s, &moments, &["picture-01-at-00-00.png".to_string()]);
        assert!(html.contains("<title>Rolling &lt;update&gt; &amp; co — Orca handout</title>"));
        assert!(html.contains("<p>First line<br>\nsecond line</p>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("<script>"));
        // The picture is shown once, where it first comes.
        assert_eq!(
            html.matches("<img src=\"picture-01-at-00-00.png\"").count(),
            1
        );
        let answers_at = html.find("<h2>Answers</h2>").expect("answers section");
        for (i, q) in s.quizzes.iter().enumerate() {
            let asked = html
                .find(&format!("<strong>{}</strong>", escape(&q.question)))
                .expect("question");
            assert!(asked < answers_at);
            // Choices in the author's order.
            let mut from = asked;
            for c in &q.choices {
                let at = html[from..]
                    .find(&format!("<li>{}</li>", escape(c)))
                    .expect("choice")
                    + from;
                from = at;
            }
            let answer = html.find(&format!("href=\"#q{}\"", i + 1)).expect("answer");
            assert!(answer > answers_at);
            assert!(html[answers_at..].contains(&escape(&q.explanation)));
        }
    }
}
