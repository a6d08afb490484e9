//! The CloudWatch Logs Insights query language (CWLI), the part Orca carries out
//! (`aws logs start-query`; Amazon CloudWatch Logs User Guide, "CloudWatch Logs Insights
//! language query syntax",
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax.html>, and its
//! pages on each command, on operations and functions, and on discovered fields):
//! - commands separated by `|`: `fields`, `display`, `filter`, `stats`, `sort`, `limit`,
//!   `dedup`, `parse` (a glob pattern with `*`, or a regular expression with named groups);
//!   `#` starts a comment that runs to the end of the line;
//! - expressions: field names (`@message`, `kubernetes.pod_name`, `` `a field` ``), strings in
//!   double or single quotes, numbers, arithmetic, comparisons (`=`, `!=`, `<`, `<=`, `>`,
//!   `>=`), `like` and `=~` with a regular expression (`/ERROR/`, `/(?i)error/`) or a string
//!   (a substring), `in [a, b]`, `and`, `or`, `not`, and the functions listed in [`FUNCTIONS`];
//! - `stats` with `count`, `count_distinct`, `sum`, `avg`, `min`, `max`, `pct`, `earliest` and
//!   `latest`, grouped `by` fields or `bin(5m)`; `as` names a result.
//!
//! [model] Orca's own subset: the other commands (`unmask`, `unnest`, `lookup`, `anomaly`,
//! `pattern`, `diff`, `filterIndex`, `SOURCE`) and functions are refused with a message naming
//! what Orca carries out.

use regex::Regex;

/// A comparison, as filter patterns have them.
pub use super::filter_pattern::Cmp;

/// The longest query string the API accepts (StartQuery, `queryString`: "Length Constraints:
/// Minimum length of 0. Maximum length of 10000").
pub const MAX_QUERY_LEN: usize = 10_000;

/// The most rows a query returns: the `limit` command's and StartQuery's `limit` ("You can
/// specify a limit value of up to 100,000"; User Guide, "limit"; API Reference, StartQuery).
pub const MAX_LIMIT: usize = 100_000;

/// The rows a query returns without `limit` ("If you omit limit, the query defaults to
/// returning up to 10,000 log events").
pub const DEFAULT_LIMIT: usize = 10_000;

const LIMIT_RANGE: &str = "limit takes a whole number from 1 to 100000";

/// The functions an expression may call.
pub const FUNCTIONS: &[&str] = &[
    "ispresent",
    "isempty",
    "isblank",
    "strlen",
    "tolower",
    "toupper",
    "concat",
    "trim",
    "ltrim",
    "rtrim",
    "substr",
    "replace",
    "strcontains",
    "abs",
    "ceil",
    "floor",
    "sqrt",
    "log",
    "greatest",
    "least",
    "coalesce",
    "bin",
];

/// The aggregate functions of `stats`.
pub const AGGREGATES: &[&str] = &[
    "count",
    "count_distinct",
    "sum",
    "avg",
    "min",
    "max",
    "pct",
    "stddev",
    "earliest",
    "latest",
];

/// Why a query does not compile: what the API's MalformedQueryException carries
/// (`queryCompileError`: the location's start and end character offsets and a message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    pub start: usize,
    pub end: usize,
    pub message: String,
}

/// A parsed query.
#[derive(Debug, Clone)]
pub struct Query {
    pub commands: Vec<Command>,
}

#[derive(Debug, Clone)]
pub enum Command {
    /// `fields a, b as c`: the fields a result row shows (with `display` absent).
    Fields(Vec<Named>),
    /// `display a, b`: exactly the fields a result row shows.
    Display(Vec<Named>),
    Filter(Expr),
    Stats {
        aggregates: Vec<Aggregate>,
        by: Vec<Named>,
    },
    /// `sort a desc, b`: each key with whether it is descending.
    Sort(Vec<(Expr, bool)>),
    Limit(usize),
    Dedup(Vec<Expr>),
    Parse {
        source: Expr,
        how: ParseWith,
    },
}

/// An expression with the name its result goes by (`as`, or the expression's text).
#[derive(Debug, Clone)]
pub struct Named {
    pub expr: Expr,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Aggregate {
    pub function: String,
    /// `None` for `count(*)`.
    pub arg: Option<Expr>,
    /// `pct`'s percentile.
    pub percentile: Option<f64>,
    pub name: String,
}

#[derive(Debug, Clone)]
pub enum ParseWith {
    /// `parse @message "user=* action=*" as user, action`: the literal parts, in order.
    Glob {
        parts: Vec<String>,
        names: Vec<String>,
    },
    /// `parse @message /user=(?<user>\S+)/`.
    Regex(Regex),
}

#[derive(Debug, Clone)]
pub enum Expr {
    Field(String),
    Str(String),
    Num(f64),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, Cmp, Box<Expr>),
    Arith(Box<Expr>, char, Box<Expr>),
    /// `like` or `=~`: a regular expression, or (from a string) a substring; `true` negates.
    Like(Box<Expr>, Pattern, bool),
    /// `in [..]`; `true` negates.
    In(Box<Expr>, Vec<Expr>, bool),
    Call(String, Vec<Expr>),
    /// `bin(5m)`: the start of the period `@timestamp` falls in, in milliseconds.
    Bin(u64),
}

#[derive(Debug, Clone)]
pub enum Pattern {
    Regex(Regex),
    Substring(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(f64),
    Regex(String),
    Sym(&'static str),
}

/// A token and its character offsets in the query.
type Spanned = (Tok, usize, usize);

fn err(start: usize, end: usize, message: impl Into<String>) -> CompileError {
    CompileError {
        start,
        end,
        message: message.into(),
    }
}

const SYMBOLS: &[&str] = &[
    "==", "!=", "<=", ">=", "=~", "|", ",", "(", ")", "[", "]", "=", "<", ">", "+", "-", "*", "/",
    "%", "^",
];

/// Split a query into tokens. A `/` starts a regular expression where an operand is expected
/// (after `like`, `=~`, `(`, `,` or at a command's start), and is division elsewhere.
fn lex(text: &str) -> Result<Vec<Spanned>, CompileError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out: Vec<Spanned> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' {
            while i < chars.len() && chars[i].1 != '\n' {
                i += 1;
            }
            continue;
        }
        let regex_here = c == '/'
            && match out.last() {
                None => true,
                // `parse /re/`, or `parse FIELD /re/`.
                Some((Tok::Word(w), ..)) => {
                    w.eq_ignore_ascii_case("like")
                        || w.eq_ignore_ascii_case("parse")
                        || matches!(out.len().checked_sub(2).map(|i| &out[i].0),
                            Some(Tok::Word(p)) if p.eq_ignore_ascii_case("parse"))
                }
                Some((Tok::Sym(s), ..)) => matches!(*s, "=~" | "(" | "," | "|" | "["),
                _ => false,
            };
        if c == '"' || c == '\'' || c == '`' || regex_here {
            let mut s = String::new();
            let mut j = i + 1;
            let mut closed = false;
            while j < chars.len() {
                let ch = chars[j].1;
                if ch == '\\' && j + 1 < chars.len() {
                    let next = chars[j + 1].1;
                    // A regular expression keeps its escapes; a string unescapes its quote.
                    if regex_here && next != '/' {
                        s.push('\\');
                    }
                    s.push(next);
                    j += 2;
                    continue;
                }
                if ch == c {
                    closed = true;
                    break;
                }
                s.push(ch);
                j += 1;
            }
            let end = chars
                .get(j)
                .map_or(text.len(), |&(p, ch)| p + ch.len_utf8());
            if !closed {
                let what = if regex_here {
                    "regular expression"
                } else {
                    "quoted string"
                };
                return Err(err(at, text.len(), format!("unterminated {what}")));
            }
            let tok = match c {
                '`' => Tok::Word(s),
                '/' => Tok::Regex(s),
                _ => Tok::Str(s),
            };
            out.push((tok, at, end));
            i = j + 1;
            continue;
        }
        if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|n| n.1.is_ascii_digit()))
        {
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_ascii_alphanumeric() || chars[j].1 == '.') {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |p| p.0);
            let word = &text[at..end];
            // `5m` in `bin(5m)` is a period, kept as a word.
            match word.parse::<f64>() {
                Ok(n) => out.push((Tok::Num(n), at, end)),
                Err(_) => out.push((Tok::Word(word.to_string()), at, end)),
            }
            i = j;
            continue;
        }
        if c.is_alphanumeric() || c == '@' || c == '_' || c == '$' {
            let mut j = i;
            while j < chars.len()
                && (chars[j].1.is_alphanumeric() || matches!(chars[j].1, '@' | '_' | '.' | '$'))
            {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |p| p.0);
            out.push((Tok::Word(text[at..end].to_string()), at, end));
            i = j;
            continue;
        }
        let rest = &text[at..];
        match SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            Some(s) => {
                out.push((Tok::Sym(s), at, at + s.len()));
                i += s.chars().count();
            }
            None => {
                return Err(err(
                    at,
                    at + c.len_utf8(),
                    format!("unexpected character '{c}'"),
                ));
            }
        }
    }
    Ok(out)
}

struct Parser<'t> {
    text: &'t str,
    toks: Vec<Spanned>,
    at: usize,
}

/// Parse a query string.
pub fn parse(text: &str) -> Result<Query, CompileError> {
    if text.len() > MAX_QUERY_LEN {
        return Err(err(
            0,
            text.len(),
            format!(
                "the query is {} characters long; the most is {MAX_QUERY_LEN}",
                text.len()
            ),
        ));
    }
    let mut p = Parser {
        text,
        toks: lex(text)?,
        at: 0,
    };
    let mut commands = Vec::new();
    loop {
        if p.toks.get(p.at).is_none() {
            if commands.is_empty() {
                return Err(err(0, text.len(), "the query has no command"));
            }
            break;
        }
        let (start, end) = p.span();
        let command = p.command()?;
        if matches!(commands.last(), Some(Command::Dedup(_)))
            && !matches!(command, Command::Limit(_))
        {
            // "The only query command that you can use in a query after the dedup command is
            // limit." (User Guide, "dedup")
            return Err(err(start, end, "only limit can follow dedup"));
        }
        commands.push(command);
        match p.toks.get(p.at) {
            None => break,
            Some((Tok::Sym("|"), ..)) => p.at += 1,
            Some((t, s, e)) => {
                return Err(err(
                    *s,
                    *e,
                    format!("unexpected {} after a complete command", show(t)),
                ));
            }
        }
    }
    Ok(Query { commands })
}

fn show(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("'{w}'"),
        Tok::Str(s) => format!("\"{s}\""),
        Tok::Num(n) => format!("{n}"),
        Tok::Regex(r) => format!("/{r}/"),
        Tok::Sym(s) => format!("'{s}'"),
    }
}

const COMMANDS: &str = "fields, display, filter, stats, sort, limit, dedup or parse";

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|t| &t.0)
    }

    fn span(&self) -> (usize, usize) {
        self.toks
            .get(self.at)
            .map_or((self.text.len(), self.text.len()), |t| (t.1, t.2))
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Tok::Sym(x)) if *x == s)
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), CompileError> {
        if self.is_sym(s) {
            self.at += 1;
            return Ok(());
        }
        let (a, b) = self.span();
        let found = self.peek().map_or("the end of the query".into(), show);
        Err(err(a, b, format!("expected '{s}' but found {found}")))
    }

    fn command(&mut self) -> Result<Command, CompileError> {
        let (start, end) = self.span();
        let name = match self.peek() {
            Some(Tok::Word(w)) => w.to_ascii_lowercase(),
            Some(t) => {
                return Err(err(
                    start,
                    end,
                    format!("expected a command ({COMMANDS}) but found {}", show(t)),
                ));
            }
            None => return Err(err(start, end, format!("expected a command ({COMMANDS})"))),
        };
        self.at += 1;
        match name.as_str() {
            "fields" => Ok(Command::Fields(self.named_list()?)),
            "display" => Ok(Command::Display(self.named_list()?)),
            "filter" => Ok(Command::Filter(self.or()?)),
            "stats" => self.stats(),
            "sort" => {
                let mut keys = Vec::new();
                loop {
                    let e = self.or()?;
                    let desc = if self.is_word("desc") {
                        self.at += 1;
                        true
                    } else {
                        if self.is_word("asc") {
                            self.at += 1;
                        }
                        false
                    };
                    keys.push((e, desc));
                    if !self.is_sym(",") {
                        break;
                    }
                    self.at += 1;
                }
                Ok(Command::Sort(keys))
            }
            "limit" => match self.toks.get(self.at).cloned() {
                Some((Tok::Num(n), s, e)) => {
                    self.at += 1;
                    if n.fract() != 0.0 || !(1.0..=MAX_LIMIT as f64).contains(&n) {
                        return Err(err(s, e, LIMIT_RANGE));
                    }
                    Ok(Command::Limit(n as usize))
                }
                _ => {
                    let (s, e) = self.span();
                    Err(err(s, e, LIMIT_RANGE))
                }
            },
            "dedup" => {
                let mut keys = vec![self.or()?];
                while self.is_sym(",") {
                    self.at += 1;
                    keys.push(self.or()?);
                }
                Ok(Command::Dedup(keys))
            }
            "parse" => self.parse_command(),
            "unmask" | "unnest" | "lookup" | "anomaly" | "pattern" | "diff" | "filterindex"
            | "source" => Err(err(
                start,
                end,
                format!("Orca does not carry out the {name} command; it carries out {COMMANDS}"),
            )),
            _ => Err(err(
                start,
                end,
                format!("unknown command '{name}': a query's commands are {COMMANDS}"),
            )),
        }
    }

    fn named_list(&mut self) -> Result<Vec<Named>, CompileError> {
        let mut out = Vec::new();
        loop {
            out.push(self.named()?);
            if !self.is_sym(",") {
                return Ok(out);
            }
            self.at += 1;
        }
    }

    /// An expression and its name: `as NAME`, or its own text.
    fn named(&mut self) -> Result<Named, CompileError> {
        let from = self.span().0;
        let expr = self.or()?;
        let to = self
            .toks
            .get(self.at.wrapping_sub(1))
            .map_or(self.text.len(), |t| t.2);
        let mut name = self.text[from..to.max(from)].trim().to_string();
        if let Expr::Field(f) = &expr {
            name = f.clone();
        }
        if self.is_word("as") {
            self.at += 1;
            name = self.alias()?;
        }
        Ok(Named { expr, name })
    }

    fn alias(&mut self) -> Result<String, CompileError> {
        match self.toks.get(self.at).cloned() {
            Some((Tok::Word(w), ..)) => {
                self.at += 1;
                Ok(w)
            }
            _ => {
                let (s, e) = self.span();
                Err(err(s, e, "expected a name after 'as'"))
            }
        }
    }

    fn stats(&mut self) -> Result<Command, CompileError> {
        let mut aggregates = Vec::new();
        loop {
            let (s, e) = self.span();
            let from = s;
            let function = match self.peek() {
                Some(Tok::Word(w)) if AGGREGATES.contains(&w.to_ascii_lowercase().as_str()) => {
                    w.to_ascii_lowercase()
                }
                Some(Tok::Word(w)) => {
                    return Err(err(
                        s,
                        e,
                        format!(
                            "'{w}' is not an aggregate function Orca carries out ({})",
                            AGGREGATES.join(", ")
                        ),
                    ));
                }
                _ => {
                    return Err(err(
                        s,
                        e,
                        "stats expects an aggregate function, such as count(*)",
                    ));
                }
            };
            self.at += 1;
            self.expect_sym("(")?;
            let arg = if function == "count" && self.is_sym("*") {
                self.at += 1;
                None
            } else if function == "count" && self.is_sym(")") {
                None
            } else {
                Some(self.or()?)
            };
            let percentile = if function == "pct" {
                self.expect_sym(",")?;
                match self.toks.get(self.at).cloned() {
                    Some((Tok::Num(n), ..)) if (0.0..=100.0).contains(&n) => {
                        self.at += 1;
                        Some(n)
                    }
                    _ => {
                        let (s, e) = self.span();
                        return Err(err(s, e, "pct takes a percentile from 0 to 100"));
                    }
                }
            } else {
                None
            };
            self.expect_sym(")")?;
            let to = self.toks.get(self.at - 1).map_or(self.text.len(), |t| t.2);
            let mut name = self.text[from..to].to_string();
            if self.is_word("as") {
                self.at += 1;
                name = self.alias()?;
            }
            aggregates.push(Aggregate {
                function,
                arg,
                percentile,
                name,
            });
            if !self.is_sym(",") {
                break;
            }
            self.at += 1;
        }
        let by = if self.is_word("by") {
            self.at += 1;
            self.named_list()?
        } else {
            Vec::new()
        };
        Ok(Command::Stats { aggregates, by })
    }

    fn parse_command(&mut self) -> Result<Command, CompileError> {
        let source = match self.peek() {
            Some(Tok::Word(_)) => self.primary()?,
            _ => Expr::Field("@message".into()),
        };
        match self.toks.get(self.at).cloned() {
            Some((Tok::Str(glob), ..)) => {
                self.at += 1;
                if !self.is_word("as") {
                    let (s, e) = self.span();
                    return Err(err(
                        s,
                        e,
                        "a parse pattern with * needs 'as' and a name for each *",
                    ));
                }
                self.at += 1;
                let mut names = vec![self.alias()?];
                while self.is_sym(",") {
                    self.at += 1;
                    names.push(self.alias()?);
                }
                let parts: Vec<String> = glob.split('*').map(str::to_string).collect();
                if parts.len() - 1 != names.len() {
                    let (s, e) = self.span();
                    return Err(err(
                        s,
                        e,
                        format!(
                            "the pattern has {} '*' but {} names follow 'as'",
                            parts.len() - 1,
                            names.len()
                        ),
                    ));
                }
                Ok(Command::Parse {
                    source,
                    how: ParseWith::Glob { parts, names },
                })
            }
            Some((Tok::Regex(r), s, e)) => {
                self.at += 1;
                let re = regex(&r, s, e)?;
                if re.capture_names().flatten().next().is_none() {
                    return Err(err(
                        s,
                        e,
                        "a parse regular expression names its fields: (?<name>…)",
                    ));
                }
                Ok(Command::Parse {
                    source,
                    how: ParseWith::Regex(re),
                })
            }
            _ => {
                let (s, e) = self.span();
                Err(err(
                    s,
                    e,
                    "parse expects a pattern: \"text * text\" as name, or /(?<name>…)/",
                ))
            }
        }
    }

    fn or(&mut self) -> Result<Expr, CompileError> {
        let mut left = self.and()?;
        while self.is_word("or") {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, CompileError> {
        let mut left = self.not()?;
        while self.is_word("and") {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, CompileError> {
        if self.is_word("not") {
            self.at += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, CompileError> {
        let left = self.sum()?;
        let negated = self.is_word("not");
        if negated {
            self.at += 1;
        }
        if self.is_word("like") || (!negated && self.is_sym("=~")) {
            self.at += 1;
            let pattern = match self.toks.get(self.at).cloned() {
                Some((Tok::Regex(r), s, e)) => Pattern::Regex(regex(&r, s, e)?),
                Some((Tok::Str(s), ..)) => Pattern::Substring(s),
                _ => {
                    let (s, e) = self.span();
                    return Err(err(
                        s,
                        e,
                        "like expects a /regular expression/ or a \"string\"",
                    ));
                }
            };
            self.at += 1;
            return Ok(Expr::Like(Box::new(left), pattern, negated));
        }
        if self.is_word("in") {
            self.at += 1;
            self.expect_sym("[")?;
            let mut items = Vec::new();
            if !self.is_sym("]") {
                items.push(self.sum()?);
                while self.is_sym(",") {
                    self.at += 1;
                    items.push(self.sum()?);
                }
            }
            self.expect_sym("]")?;
            return Ok(Expr::In(Box::new(left), items, negated));
        }
        if negated {
            let (s, e) = self.span();
            return Err(err(s, e, "expected 'like' or 'in' after 'not'"));
        }
        let cmp = match self.peek() {
            Some(Tok::Sym("=" | "==")) => Cmp::Eq,
            Some(Tok::Sym("!=")) => Cmp::Ne,
            Some(Tok::Sym("<")) => Cmp::Lt,
            Some(Tok::Sym("<=")) => Cmp::Le,
            Some(Tok::Sym(">")) => Cmp::Gt,
            Some(Tok::Sym(">=")) => Cmp::Ge,
            _ => return Ok(left),
        };
        self.at += 1;
        let right = self.sum()?;
        Ok(Expr::Compare(Box::new(left), cmp, Box::new(right)))
    }

    fn sum(&mut self) -> Result<Expr, CompileError> {
        let mut left = self.product()?;
        while let Some(Tok::Sym(op @ ("+" | "-"))) = self.peek() {
            let op = if *op == "+" { '+' } else { '-' };
            self.at += 1;
            left = Expr::Arith(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Expr, CompileError> {
        let mut left = self.power()?;
        while let Some(Tok::Sym(op @ ("*" | "/" | "%"))) = self.peek() {
            let op = op.chars().next().unwrap_or('*');
            self.at += 1;
            left = Expr::Arith(Box::new(left), op, Box::new(self.power()?));
        }
        Ok(left)
    }

    /// `a ^ b`, right-associative.
    fn power(&mut self) -> Result<Expr, CompileError> {
        let base = self.unary()?;
        if self.is_sym("^") {
            self.at += 1;
            return Ok(Expr::Arith(Box::new(base), '^', Box::new(self.power()?)));
        }
        Ok(base)
    }

    fn unary(&mut self) -> Result<Expr, CompileError> {
        if self.is_sym("-") {
            self.at += 1;
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, CompileError> {
        let (s, e) = self.span();
        let Some(tok) = self.peek().cloned() else {
            return Err(err(
                s,
                e,
                "expected a field, a value or an expression but the query ends",
            ));
        };
        self.at += 1;
        match tok {
            Tok::Str(v) => Ok(Expr::Str(v)),
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Sym("(") => {
                let inner = self.or()?;
                self.expect_sym(")")?;
                Ok(inner)
            }
            Tok::Word(w) if self.is_sym("(") => self.call(&w, s, e),
            Tok::Word(w) => Ok(Expr::Field(w)),
            other => Err(err(
                s,
                e,
                format!(
                    "expected a field, a value or an expression but found {}",
                    show(&other)
                ),
            )),
        }
    }

    fn call(&mut self, name: &str, s: usize, e: usize) -> Result<Expr, CompileError> {
        let lower = name.to_ascii_lowercase();
        self.at += 1; // (
        if lower == "bin" {
            let period = match self.toks.get(self.at).cloned() {
                Some((Tok::Word(w), ps, pe)) => period(&w).ok_or_else(|| {
                    err(
                        ps,
                        pe,
                        format!(
                            "'{w}' is not a period: give a number and ms, s, m, h, d or w (5m)"
                        ),
                    )
                })?,
                _ => {
                    let (ps, pe) = self.span();
                    return Err(err(ps, pe, "bin takes a period, such as 5m"));
                }
            };
            self.at += 1;
            self.expect_sym(")")?;
            return Ok(Expr::Bin(period));
        }
        if !FUNCTIONS.contains(&lower.as_str()) {
            let hint = if AGGREGATES.contains(&lower.as_str()) {
                " (an aggregate function, used in stats)".to_string()
            } else {
                format!(" (Orca carries out {})", FUNCTIONS.join(", "))
            };
            return Err(err(s, e, format!("unknown function '{name}'{hint}")));
        }
        let mut args = Vec::new();
        if !self.is_sym(")") {
            args.push(self.or()?);
            while self.is_sym(",") {
                self.at += 1;
                args.push(self.or()?);
            }
        }
        self.expect_sym(")")?;
        Ok(Expr::Call(lower, args))
    }
}

/// A regular expression of the query, or the compile error at its place. The `regex` crate
/// runs in time linear in the text, whatever the expression.
fn regex(r: &str, s: usize, e: usize) -> Result<Regex, CompileError> {
    regex::RegexBuilder::new(r)
        .size_limit(1 << 20)
        .build()
        .map_err(|x| {
            let why = x.to_string();
            let last = why.lines().last().unwrap_or("invalid").trim().to_string();
            err(s, e, format!("invalid regular expression /{r}/: {last}"))
        })
}

/// `5m`, `30s`, `1h`, `1d`, `1w`, `100ms` in milliseconds.
pub fn period(text: &str) -> Option<u64> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (n, unit) = text.split_at(digits);
    let n: u64 = n.parse().ok().filter(|n| *n > 0)?;
    let ms = match unit {
        "ms" => 1,
        "s" | "sec" => 1_000,
        "m" | "min" => 60_000,
        "h" | "hr" => 3_600_000,
        "d" => 86_400_000,
        "w" => 604_800_000,
        _ => return None,
    };
    n.checked_mul(ms)
}
