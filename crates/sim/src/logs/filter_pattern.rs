//! CloudWatch Logs filter patterns, as `aws logs filter-log-events` and `tail` apply them
//! (Amazon CloudWatch Logs User Guide, "Filter pattern syntax for metric filters, subscription
//! filters, filter log events, and Live Tail",
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>,
//! with its pages on unstructured and JSON log events):
//! - terms for unstructured lines: every plain term must appear (`ERROR Exception`), a quoted
//!   term is one phrase (`"GET /health"`), `?` terms match when any of them appears
//!   (`?ERROR ?WARN`), `-` terms exclude (`ERROR -Exiting`); terms are case-sensitive;
//! - JSON patterns in braces: `{ $.eventType = "UpdateTrail" }`, `!=`, a `*` wildcard in a
//!   string value (`{ $.sourceIPAddress != 123.123.* }`), numeric comparisons
//!   (`{ $.bandwidth > 75 }`), array elements (`$.users[0].email`), `IS TRUE`, `IS FALSE`,
//!   `IS NULL`, `NOT EXISTS`, and `&&`, `||` with parentheses. A line that is not a JSON object
//!   matches no JSON pattern.
//!
//! [model] Space-delimited patterns (`[ip, user, …]`) and regular expressions (`%…%`) are not
//! simulated: they are refused with a message saying so.

use serde_json::Value;

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternError {
    /// The service would refuse it (InvalidParameterException).
    Invalid(String),
    /// Valid in CloudWatch Logs, but Orca does not apply it.
    Unsupported(&'static str),
}

/// A parsed filter pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterPattern {
    /// Unstructured terms: all of `all`, any of `any` (when there are some), none of `none`.
    Terms {
        all: Vec<String>,
        any: Vec<String>,
        none: Vec<String>,
    },
    Json(Expr),
}

/// A JSON pattern's expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Test(Vec<Step>, Test),
}

/// One step of a selector: a key or an array index.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `=` (true) or `!=` (false) a string, `*` matching any run of characters.
    Text(bool, String),
    /// A numeric comparison.
    Number(Cmp, f64),
    IsBool(bool),
    IsNull,
    NotExists,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl FilterPattern {
    pub fn parse(text: &str) -> Result<FilterPattern, PatternError> {
        let t = text.trim();
        if let Some(body) = t.strip_prefix('{') {
            let Some(body) = body.trim_end().strip_suffix('}') else {
                return Err(PatternError::Invalid(
                    "a JSON pattern must end with }".into(),
                ));
            };
            let tokens = tokens(body)?;
            let mut p = Parser { tokens, at: 0 };
            let e = p.or()?;
            if let Some(extra) = p.tokens.get(p.at) {
                return Err(PatternError::Invalid(format!(
                    "unexpected {extra} after a complete expression"
                )));
            }
            return Ok(FilterPattern::Json(e));
        }
        if t.starts_with('[') {
            return Err(PatternError::Unsupported(
                "space-delimited filter patterns ([field, …])",
            ));
        }
        if t.starts_with('%') {
            return Err(PatternError::Unsupported(
                "regular expression filter patterns (%…%)",
            ));
        }
        let (mut all, mut any, mut none) = (Vec::new(), Vec::new(), Vec::new());
        let mut rest = t;
        while !rest.is_empty() {
            let (list, r) = match rest.as_bytes()[0] {
                b'?' => (&mut any, &rest[1..]),
                b'-' => (&mut none, &rest[1..]),
                _ => (&mut all, rest),
            };
            let (term, r) = if let Some(q) = r.strip_prefix('"') {
                let end = q
                    .find('"')
                    .ok_or_else(|| PatternError::Invalid(format!("unclosed quote in {t}")))?;
                (&q[..end], &q[end + 1..])
            } else {
                let end = r.find(char::is_whitespace).unwrap_or(r.len());
                (&r[..end], &r[end..])
            };
            if !term.is_empty() {
                list.push(term.to_string());
            }
            rest = r.trim_start();
        }
        Ok(FilterPattern::Terms { all, any, none })
    }

    /// Whether a log event's message matches.
    pub fn matches(&self, line: &str) -> bool {
        match self {
            FilterPattern::Terms { all, any, none } => {
                all.iter().all(|t| line.contains(t.as_str()))
                    && (any.is_empty() || any.iter().any(|t| line.contains(t.as_str())))
                    && !none.iter().any(|t| line.contains(t.as_str()))
            }
            FilterPattern::Json(e) => match serde_json::from_str::<Value>(line) {
                Ok(v @ Value::Object(_)) => eval(e, &v),
                _ => false,
            },
        }
    }
}

fn eval(e: &Expr, v: &Value) -> bool {
    match e {
        Expr::And(a, b) => eval(a, v) && eval(b, v),
        Expr::Or(a, b) => eval(a, v) || eval(b, v),
        Expr::Test(path, test) => {
            let mut at = Some(v);
            for step in path {
                at = match (at, step) {
                    (Some(Value::Object(m)), Step::Key(k)) => m.get(k),
                    (Some(Value::Array(a)), Step::Index(i)) => a.get(*i),
                    _ => None,
                };
            }
            match (test, at) {
                (Test::NotExists, found) => found.is_none(),
                (_, None) => false,
                (Test::IsNull, Some(x)) => x.is_null(),
                (Test::IsBool(b), Some(x)) => x.as_bool() == Some(*b),
                (Test::Text(eq, want), Some(x)) => {
                    let have = match x {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => return false,
                    };
                    glob(want, &have) == *eq
                }
                (Test::Number(cmp, want), Some(x)) => x.as_f64().is_some_and(|have| match cmp {
                    Cmp::Eq => have == *want,
                    Cmp::Ne => have != *want,
                    Cmp::Lt => have < *want,
                    Cmp::Le => have <= *want,
                    Cmp::Gt => have > *want,
                    Cmp::Ge => have >= *want,
                }),
            }
        }
    }
}

/// `pattern` with `*` matching any run of characters, against all of `text`.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    if !text.ends_with(last) {
        return false;
    }
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// A JSON pattern's words: `(`, `)`, `&&`, `||`, operators, quoted strings (kept with their
/// quotes) and bare words.
fn tokens(body: &str) -> Result<Vec<String>, PatternError> {
    let mut out = Vec::new();
    let mut chars = body.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' => {
                out.push(c.to_string());
                chars.next();
            }
            '&' | '|' => {
                chars.next();
                if chars.next_if(|&(_, d)| d == c).is_none() {
                    return Err(PatternError::Invalid(format!(
                        "{c} must be doubled ({c}{c})"
                    )));
                }
                out.push(format!("{c}{c}"));
            }
            '=' | '!' | '<' | '>' => {
                chars.next();
                let eq = chars.next_if(|&(_, d)| d == '=').is_some();
                let op = match (c, eq) {
                    ('!', false) => {
                        return Err(PatternError::Invalid("! must be followed by =".into()));
                    }
                    (c, true) if c != '=' => format!("{c}="),
                    (c, _) => c.to_string(),
                };
                out.push(op);
            }
            '"' => {
                chars.next();
                let mut s = String::from('"');
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((_, '\\')) => {
                            if let Some((_, d)) = chars.next() {
                                s.push(d);
                            }
                        }
                        Some((_, d)) => s.push(d),
                        None => {
                            return Err(PatternError::Invalid(format!(
                                "unclosed quote at {}",
                                &body[i..]
                            )));
                        }
                    }
                }
                out.push(s);
            }
            _ => {
                let mut s = String::new();
                while let Some((_, d)) = chars.next_if(|&(_, d)| {
                    !d.is_whitespace()
                        && !matches!(d, '(' | ')' | '=' | '!' | '<' | '>' | '&' | '|')
                }) {
                    s.push(d);
                }
                out.push(s);
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<String>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Option<String> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn or(&mut self) -> Result<Expr, PatternError> {
        let mut e = self.and()?;
        while self.peek() == Some("||") {
            self.at += 1;
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, PatternError> {
        let mut e = self.unary()?;
        while self.peek() == Some("&&") {
            self.at += 1;
            e = Expr::And(Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, PatternError> {
        if self.peek() == Some("(") {
            self.at += 1;
            let e = self.or()?;
            if self.next().as_deref() != Some(")") {
                return Err(PatternError::Invalid("missing )".into()));
            }
            return Ok(e);
        }
        let selector = self
            .next()
            .ok_or_else(|| PatternError::Invalid("a selector ($.field) is missing".into()))?;
        let path = selector_path(&selector)?;
        let op = self.next().ok_or_else(|| {
            PatternError::Invalid(format!(
                "{selector} needs an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS)"
            ))
        })?;
        let test = match op.as_str() {
            "IS" => match self.next().as_deref() {
                Some("TRUE") => Test::IsBool(true),
                Some("FALSE") => Test::IsBool(false),
                Some("NULL") => Test::IsNull,
                other => {
                    return Err(PatternError::Invalid(format!(
                        "IS takes TRUE, FALSE or NULL, not {}",
                        other.unwrap_or("nothing")
                    )));
                }
            },
            "NOT" if self.next().as_deref() == Some("EXISTS") => Test::NotExists,
            "=" | "!=" | "<" | "<=" | ">" | ">=" => {
                let value = self.next().ok_or_else(|| {
                    PatternError::Invalid(format!("{selector} {op} needs a value"))
                })?;
                let quoted = value.strip_prefix('"');
                let number = quoted
                    .is_none()
                    .then(|| value.parse::<f64>().ok())
                    .flatten();
                match (op.as_str(), number) {
                    (_, Some(n)) => Test::Number(
                        match op.as_str() {
                            "=" => Cmp::Eq,
                            "!=" => Cmp::Ne,
                            "<" => Cmp::Lt,
                            "<=" => Cmp::Le,
                            ">" => Cmp::Gt,
                            _ => Cmp::Ge,
                        },
                        n,
                    ),
                    ("=" | "!=", None) => {
                        Test::Text(op == "=", quoted.unwrap_or(&value).to_string())
                    }
                    _ => {
                        return Err(PatternError::Invalid(format!(
                            "{op} compares numbers; {value} is not one"
                        )));
                    }
                }
            }
            other => {
                return Err(PatternError::Invalid(format!(
                    "{other} is not an operator (=, !=, <, <=, >, >=, IS, NOT EXISTS)"
                )));
            }
        };
        Ok(Expr::Test(path, test))
    }
}

/// `$.a.b[0].c` as its steps.
fn selector_path(selector: &str) -> Result<Vec<Step>, PatternError> {
    let bad = || {
        PatternError::Invalid(format!(
            "{selector} is not a selector: start with $. and name keys, e.g. $.user.id or $.users[0].email"
        ))
    };
    let mut rest = selector.strip_prefix('$').ok_or_else(bad)?;
    let mut path = Vec::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            if end == 0 {
                return Err(bad());
            }
            path.push(Step::Key(r[..end].to_string()));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']').ok_or_else(bad)?;
            path.push(Step::Index(r[..end].parse().map_err(|_| bad())?));
            rest = &r[end + 1..];
        } else {
            return Err(bad());
        }
    }
    if path.is_empty() {
        return Err(bad());
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, line: &str) -> bool {
        FilterPattern::parse(pattern)
            .unwrap_or_else(|e| panic!("{pattern}: {e:?}"))
            .matches(line)
    }

    #[test]
    fn terms_need_every_plain_term_any_question_term_and_no_minus_term() {
        assert!(m("", "anything"));
        assert!(m("ERROR", "2026 ERROR boom"));
        assert!(!m("ERROR", "2026 INFO fine"));
        assert!(!m("error", "2026 ERROR boom"), "terms are case-sensitive");
        assert!(m("ERROR 500", "ERROR failed with HTTP 500"));
        assert!(!m("ERROR 503", "ERROR failed with HTTP 500"));
        assert!(m("\"GET /health\"", "\"GET /health HTTP/1.1\" 200"));
        assert!(!m("\"GET /ready\"", "\"GET /health HTTP/1.1\" 200"));
        // The guide's examples: ?ERROR ?Exception, and ERROR -Exiting.
        assert!(m("?ERROR ?Exception", "Exception in thread main"));
        assert!(m("?ERROR ?Exception", "ERROR boom"));
        assert!(!m("?ERROR ?Exception", "INFO fine"));
        assert!(m("ERROR -Exiting", "ERROR boom"));
        assert!(!m("ERROR -Exiting", "ERROR Exiting now"));
        assert!(!m("-ERROR", "ERROR boom"));
        assert!(m("-ERROR", "INFO fine"));
    }

    const TRAIL: &str = r#"{"eventType":"UpdateTrail","sourceIPAddress":"123.123.0.7","bandwidth":80,"latency":30,"user":{"id":1},"users":[{"email":"John.Doe@example.com"}],"ThisFlag":true,"SomeObject":null}"#;

    #[test]
    fn json_patterns_from_the_user_guide() {
        assert!(m(r#"{ $.eventType = "UpdateTrail" }"#, TRAIL));
        assert!(!m(r#"{ $.eventType = "CreateTrail" }"#, TRAIL));
        assert!(m("{ $.eventType = Update* }", TRAIL));
        assert!(!m("{ $.sourceIPAddress != 123.123.* }", TRAIL));
        assert!(m("{ $.sourceIPAddress != 10.0.* }", TRAIL));
        assert!(m("{ $.bandwidth > 75 }", TRAIL));
        assert!(!m("{ $.latency >= 50 }", TRAIL));
        assert!(m(
            r#"{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }"#,
            TRAIL
        ));
        assert!(m(
            r#"{ $.user.id = 2 || $.eventType = "UpdateTrail" }"#,
            TRAIL
        ));
        assert!(!m(
            r#"{ $.user.id = 2 && $.eventType = "UpdateTrail" }"#,
            TRAIL
        ));
        assert!(m("{ $.ThisFlag IS TRUE }", TRAIL));
        assert!(!m("{ $.ThisFlag IS FALSE }", TRAIL));
        assert!(m("{ $.SomeObject IS NULL }", TRAIL));
        assert!(m("{ $.SomeOtherObject NOT EXISTS }", TRAIL));
        assert!(!m("{ $.eventType NOT EXISTS }", TRAIL));
        // A missing field matches neither = nor !=; a line that is not JSON matches nothing.
        assert!(!m("{ $.nothere != x }", TRAIL));
        assert!(!m(
            r#"{ $.eventType = "UpdateTrail" }"#,
            "UpdateTrail as text"
        ));
    }

    #[test]
    fn bad_patterns_say_what_is_wrong_and_unsimulated_ones_say_so() {
        for bad in [
            "{ $.a = 1",
            "{ a = 1 }",
            "{ $.a }",
            "{ $.a ~ 1 }",
            "{ $.a > x }",
            "{ $.a = 1 & $.b = 2 }",
            "{ ($.a = 1 }",
            "{ $.a IS MAYBE }",
            "\"unclosed",
        ] {
            assert!(
                matches!(FilterPattern::parse(bad), Err(PatternError::Invalid(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            FilterPattern::parse("[ip, user]"),
            Err(PatternError::Unsupported(_))
        ));
        assert!(matches!(
            FilterPattern::parse("%ERR.R%"),
            Err(PatternError::Unsupported(_))
        ));
    }
}
