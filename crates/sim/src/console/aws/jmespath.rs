//! JMESPath, the query language of the AWS CLI's `--query` option
//! (<https://jmespath.org/specification.html>), over `serde_json` values so that objects keep
//! the order of the API's response, as the CLI's Python dictionaries do.
//!
//! The grammar and the rules of projections, filters, slices, comparisons and truthiness follow
//! the specification; the parser is a Pratt parser with the specification's binding powers, as
//! the reference implementation (`jmespath.py`, which the AWS CLI uses) is. Every built-in
//! function of the specification is here. Errors name the column and the token, as the
//! CLI's `Bad value for --query …` does. Nesting deeper than [`MAX_DEPTH`] is refused instead
//! of risking the stack (a console line is short; real queries nest a few levels).

use serde_json::{Map, Number, Value};

/// How deep expressions may nest (brackets, parentheses, sub-expressions).
pub const MAX_DEPTH: usize = 64;

/// A compiled query.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    ast: Ast,
}

impl Query {
    /// Compile `text`; the error reads as jmespath.py's parse errors do.
    pub fn compile(text: &str) -> Result<Query, String> {
        let tokens = lex(text)?;
        let mut p = Parser {
            text,
            tokens,
            at: 0,
            depth: 0,
        };
        let ast = p.expression(0)?;
        if p.kind() != &Tok::Eof {
            return Err(p.unexpected("Unexpected token"));
        }
        Ok(Query { ast })
    }

    /// Evaluate against `data`; an error is a type or arity error of a function.
    pub fn search(&self, data: &Value) -> Result<Value, String> {
        eval(&self.ast, data)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Dot,
    Star,
    Current,
    Flatten,
    Filter,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    LParen,
    RParen,
    Comma,
    Colon,
    Pipe,
    Or,
    And,
    Expref,
    Not,
    Cmp(Cmp),
    Number(i64),
    Ident(String),
    QuotedIdent(String),
    Literal(Value),
    Eof,
}

impl Tok {
    /// The name jmespath.py gives the token in its errors.
    fn name(&self) -> &'static str {
        match self {
            Tok::Dot => "dot",
            Tok::Star => "star",
            Tok::Current => "current",
            Tok::Flatten => "flatten",
            Tok::Filter => "filter",
            Tok::LBracket => "lbracket",
            Tok::RBracket => "rbracket",
            Tok::LBrace => "lbrace",
            Tok::RBrace => "rbrace",
            Tok::LParen => "lparen",
            Tok::RParen => "rparen",
            Tok::Comma => "comma",
            Tok::Colon => "colon",
            Tok::Pipe => "pipe",
            Tok::Or => "or",
            Tok::And => "and",
            Tok::Expref => "expref",
            Tok::Not => "not",
            Tok::Cmp(_) => "comparator",
            Tok::Number(_) => "number",
            Tok::Ident(_) => "unquoted_identifier",
            Tok::QuotedIdent(_) => "quoted_identifier",
            Tok::Literal(_) => "literal",
            Tok::Eof => "eof",
        }
    }

    /// Binding power (the specification's precedence; jmespath.py's table).
    fn power(&self) -> u8 {
        match self {
            Tok::Pipe => 1,
            Tok::Or => 2,
            Tok::And => 3,
            Tok::Cmp(_) => 5,
            Tok::Flatten => 9,
            Tok::Star => 20,
            Tok::Filter => 21,
            Tok::Dot => 40,
            Tok::Not => 45,
            Tok::LBrace => 50,
            Tok::LBracket => 55,
            Tok::LParen => 60,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    tok: Tok,
    /// Column of its first character (0-based, in characters).
    col: usize,
    /// Its text, for errors.
    text: String,
}

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |col: usize, what: &str| -> String {
        format!(
            "{what}: Parse error at column {col}, for expression:\n\"{text}\"\n{}^",
            " ".repeat(col + 1)
        )
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let next = chars.get(i + 1).copied();
        // Punctuation: the token and how many characters it takes.
        let punct = match (c, next) {
            (' ' | '\t' | '\n' | '\r', _) => {
                i += 1;
                continue;
            }
            ('.', _) => Some((Tok::Dot, 1)),
            ('*', _) => Some((Tok::Star, 1)),
            ('@', _) => Some((Tok::Current, 1)),
            (']', _) => Some((Tok::RBracket, 1)),
            ('{', _) => Some((Tok::LBrace, 1)),
            ('}', _) => Some((Tok::RBrace, 1)),
            ('(', _) => Some((Tok::LParen, 1)),
            (')', _) => Some((Tok::RParen, 1)),
            (',', _) => Some((Tok::Comma, 1)),
            (':', _) => Some((Tok::Colon, 1)),
            ('[', Some(']')) => Some((Tok::Flatten, 2)),
            ('[', Some('?')) => Some((Tok::Filter, 2)),
            ('[', _) => Some((Tok::LBracket, 1)),
            ('|', Some('|')) => Some((Tok::Or, 2)),
            ('|', _) => Some((Tok::Pipe, 1)),
            ('&', Some('&')) => Some((Tok::And, 2)),
            ('&', _) => Some((Tok::Expref, 1)),
            ('!', Some('=')) => Some((Tok::Cmp(Cmp::Ne), 2)),
            ('!', _) => Some((Tok::Not, 1)),
            ('=', Some('=')) => Some((Tok::Cmp(Cmp::Eq), 2)),
            ('=', _) => return Err(err(i, "Unknown token '='")),
            ('<', Some('=')) => Some((Tok::Cmp(Cmp::Lte), 2)),
            ('<', _) => Some((Tok::Cmp(Cmp::Lt), 1)),
            ('>', Some('=')) => Some((Tok::Cmp(Cmp::Gte), 2)),
            ('>', _) => Some((Tok::Cmp(Cmp::Gt), 1)),
            _ => None,
        };
        if let Some((tok, len)) = punct {
            out.push(Token {
                tok,
                col: start,
                text: chars[start..start + len].iter().collect(),
            });
            i += len;
            continue;
        }
        match c {
            '-' | '0'..='9' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                let digits: String = chars[i..j].iter().collect();
                let n = digits
                    .parse::<i64>()
                    .map_err(|_| err(i, &format!("Invalid number '{digits}'")))?;
                out.push(Token {
                    tok: Tok::Number(n),
                    col: start,
                    text: digits,
                });
                i = j;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                let name: String = chars[i..j].iter().collect();
                out.push(Token {
                    tok: Tok::Ident(name.clone()),
                    col: start,
                    text: name,
                });
                i = j;
            }
            '"' | '\'' | '`' => {
                // Up to the matching delimiter; a backslash escapes the next character.
                let mut j = i + 1;
                let mut body = String::new();
                loop {
                    match chars.get(j) {
                        None => return Err(err(i, &format!("Unclosed {c} delimiter"))),
                        Some('\\') if j + 1 < chars.len() => {
                            body.push('\\');
                            body.push(chars[j + 1]);
                            j += 2;
                        }
                        Some(&d) if d == c => break,
                        Some(&d) => {
                            body.push(d);
                            j += 1;
                        }
                    }
                }
                let tok = match c {
                    '"' => {
                        let s: String = serde_json::from_str(&format!("\"{body}\""))
                            .map_err(|e| err(i, &format!("Invalid quoted identifier: {e}")))?;
                        Tok::QuotedIdent(s)
                    }
                    // A raw string: only \' is an escape.
                    '\'' => Tok::Literal(Value::String(body.replace("\\'", "'"))),
                    _ => {
                        let json = body.replace("\\`", "`");
                        // Not JSON: read as a string, as jmespath.py still does (JEP 12's
                        // deprecated form, common in AWS examples: `running`).
                        let v: Value = serde_json::from_str(json.trim())
                            .or_else(|_| {
                                serde_json::from_str(&format!("\"{}\"", json.trim_start()))
                            })
                            .map_err(|e| err(i, &format!("Bad token {json}: {e}")))?;
                        Tok::Literal(v)
                    }
                };
                out.push(Token {
                    tok,
                    col: start,
                    text: chars[i..=j].iter().collect(),
                });
                i = j + 1;
            }
            other => return Err(err(i, &format!("Unknown token '{other}'"))),
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        col: chars.len(),
        text: String::new(),
    });
    Ok(out)
}

#[derive(Debug, Clone, PartialEq)]
enum Ast {
    Identity,
    Field(String),
    Sub(Box<Ast>, Box<Ast>),
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    /// The left side, then an index or slice on its result.
    IndexOn(Box<Ast>, Box<Ast>),
    /// Evaluate the left side; if it is an array, the right side on each element (nulls
    /// dropped).
    Projection(Box<Ast>, Box<Ast>),
    /// Like a projection, over an object's values.
    ValueProjection(Box<Ast>, Box<Ast>),
    /// A projection over the elements whose condition is truthy.
    Filter(Box<Ast>, Box<Ast>, Box<Ast>),
    Flatten(Box<Ast>),
    Compare(Cmp, Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
    And(Box<Ast>, Box<Ast>),
    Not(Box<Ast>),
    Pipe(Box<Ast>, Box<Ast>),
    MultiList(Vec<Ast>),
    MultiHash(Vec<(String, Ast)>),
    Literal(Value),
    Function(String, Vec<Ast>),
    Expref(Box<Ast>),
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

/// Tokens with a binding power below this end a projection's right side.
const PROJECTION_STOP: u8 = 10;

impl Parser<'_> {
    fn token(&self) -> &Token {
        // The token list always ends with Eof, and nothing advances past it.
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    fn kind(&self) -> &Tok {
        &self.token().tok
    }

    fn kind_at(&self, ahead: usize) -> &Tok {
        &self.tokens[(self.at + ahead).min(self.tokens.len() - 1)].tok
    }

    fn advance(&mut self) {
        if self.at < self.tokens.len() - 1 {
            self.at += 1;
        }
    }

    fn unexpected(&self, what: &str) -> String {
        let t = self.token();
        let shown = if t.tok == Tok::Eof { "" } else { &t.text };
        format!(
            "{what}: Parse error at column {}, token \"{shown}\" ({}), for expression:\n\"{}\"\n{}^",
            t.col,
            t.tok.name().to_uppercase(),
            self.text,
            " ".repeat(t.col + 1)
        )
    }

    fn expect(&mut self, want: &Tok) -> Result<(), String> {
        if self.kind() == want {
            self.advance();
            Ok(())
        } else {
            Err(self.unexpected(&format!("Expected {}", want.name())))
        }
    }

    fn expression(&mut self, power: u8) -> Result<Ast, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.unexpected(&format!("Nested more than {MAX_DEPTH} levels deep")));
        }
        let token = self.token().clone();
        self.advance();
        let mut left = self.nud(token)?;
        while power < self.kind().power() {
            let token = self.token().clone();
            self.advance();
            left = self.led(token, left)?;
        }
        self.depth -= 1;
        Ok(left)
    }

    fn nud(&mut self, token: Token) -> Result<Ast, String> {
        match token.tok {
            Tok::Literal(v) => Ok(Ast::Literal(v)),
            Tok::Ident(name) | Tok::QuotedIdent(name) => Ok(Ast::Field(name)),
            Tok::Star => {
                let right = self.projection_rhs(Tok::Star.power())?;
                Ok(Ast::ValueProjection(
                    Box::new(Ast::Identity),
                    Box::new(right),
                ))
            }
            Tok::Filter => self.filter(Ast::Identity),
            Tok::LBrace => self.multi_hash(),
            Tok::LParen => {
                let e = self.expression(0)?;
                self.expect(&Tok::RParen)?;
                Ok(e)
            }
            Tok::Flatten => {
                let left = Ast::Flatten(Box::new(Ast::Identity));
                let right = self.projection_rhs(Tok::Flatten.power())?;
                Ok(Ast::Projection(Box::new(left), Box::new(right)))
            }
            Tok::Not => {
                let e = self.expression(Tok::Not.power())?;
                Ok(Ast::Not(Box::new(e)))
            }
            Tok::LBracket => match (self.kind(), self.kind_at(1)) {
                (Tok::Number(_) | Tok::Colon, _) => {
                    let index = self.index_or_slice()?;
                    self.project_if_slice(Ast::Identity, index)
                }
                (Tok::Star, Tok::RBracket) => {
                    self.advance();
                    self.advance();
                    let right = self.projection_rhs(Tok::Star.power())?;
                    Ok(Ast::Projection(Box::new(Ast::Identity), Box::new(right)))
                }
                _ => self.multi_list(),
            },
            Tok::Current => Ok(Ast::Identity),
            Tok::Expref => {
                let e = self.expression(Tok::Expref.power())?;
                Ok(Ast::Expref(Box::new(e)))
            }
            _ => {
                // Report the token that could not begin an expression.
                self.at = self.at.saturating_sub(1);
                Err(self.unexpected("Invalid token"))
            }
        }
    }

    fn led(&mut self, token: Token, left: Ast) -> Result<Ast, String> {
        match token.tok {
            Tok::Dot => {
                if self.kind() == &Tok::Star {
                    self.advance();
                    let right = self.projection_rhs(Tok::Dot.power())?;
                    Ok(Ast::ValueProjection(Box::new(left), Box::new(right)))
                } else {
                    let right = self.dot_rhs(Tok::Dot.power())?;
                    Ok(Ast::Sub(Box::new(left), Box::new(right)))
                }
            }
            Tok::Pipe => {
                let right = self.expression(Tok::Pipe.power())?;
                Ok(Ast::Pipe(Box::new(left), Box::new(right)))
            }
            Tok::Or => {
                let right = self.expression(Tok::Or.power())?;
                Ok(Ast::Or(Box::new(left), Box::new(right)))
            }
            Tok::And => {
                let right = self.expression(Tok::And.power())?;
                Ok(Ast::And(Box::new(left), Box::new(right)))
            }
            Tok::LParen => {
                let Ast::Field(name) = left else {
                    self.at = self.at.saturating_sub(1);
                    return Err(self.unexpected("Invalid function name"));
                };
                let mut args = Vec::new();
                while self.kind() != &Tok::RParen {
                    args.push(self.expression(0)?);
                    if self.kind() == &Tok::Comma {
                        self.advance();
                    } else if self.kind() != &Tok::RParen {
                        return Err(self.unexpected("Expected comma or rparen"));
                    }
                }
                self.advance();
                Ok(Ast::Function(name, args))
            }
            Tok::Filter => self.filter(left),
            Tok::Flatten => {
                let left = Ast::Flatten(Box::new(left));
                let right = self.projection_rhs(Tok::Flatten.power())?;
                Ok(Ast::Projection(Box::new(left), Box::new(right)))
            }
            Tok::LBracket => match self.kind() {
                Tok::Number(_) | Tok::Colon => {
                    let index = self.index_or_slice()?;
                    self.project_if_slice(left, index)
                }
                _ => {
                    self.expect(&Tok::Star)?;
                    self.expect(&Tok::RBracket)?;
                    let right = self.projection_rhs(Tok::Star.power())?;
                    Ok(Ast::Projection(Box::new(left), Box::new(right)))
                }
            },
            Tok::Cmp(cmp) => {
                let right = self.expression(Tok::Cmp(cmp).power())?;
                Ok(Ast::Compare(cmp, Box::new(left), Box::new(right)))
            }
            _ => {
                self.at = self.at.saturating_sub(1);
                Err(self.unexpected("Invalid token"))
            }
        }
    }

    /// After `[?`: the condition, `]`, then what is projected.
    fn filter(&mut self, left: Ast) -> Result<Ast, String> {
        let condition = self.expression(0)?;
        self.expect(&Tok::RBracket)?;
        let right = if self.kind() == &Tok::Flatten {
            Ast::Identity
        } else {
            self.projection_rhs(Tok::Filter.power())?
        };
        Ok(Ast::Filter(
            Box::new(left),
            Box::new(right),
            Box::new(condition),
        ))
    }

    /// After `[`: a number and `]`, or up to three slice parts separated by `:` and `]`.
    fn index_or_slice(&mut self) -> Result<Ast, String> {
        let mut parts: [Option<i64>; 3] = [None; 3];
        let mut slot = 0;
        loop {
            match self.kind().clone() {
                Tok::RBracket => {
                    self.advance();
                    break;
                }
                Tok::Colon if slot < 2 => {
                    slot += 1;
                    self.advance();
                }
                Tok::Number(n) if parts[slot].is_none() => {
                    parts[slot] = Some(n);
                    self.advance();
                }
                _ => return Err(self.unexpected("Expected colon, number or rbracket")),
            }
        }
        if slot == 0 {
            // `[n]`: an index (a bare `[]` is the flatten token).
            match parts[0] {
                Some(n) => Ok(Ast::Index(n)),
                None => Err(self.unexpected("Expected a number")),
            }
        } else {
            if parts[2] == Some(0) {
                return Err(self.unexpected("Invalid slice, step cannot be 0"));
            }
            Ok(Ast::Slice(parts[0], parts[1], parts[2]))
        }
    }

    fn project_if_slice(&mut self, left: Ast, index: Ast) -> Result<Ast, String> {
        let slice = matches!(index, Ast::Slice(..));
        let on = Ast::IndexOn(Box::new(left), Box::new(index));
        if slice {
            let right = self.projection_rhs(Tok::Star.power())?;
            Ok(Ast::Projection(Box::new(on), Box::new(right)))
        } else {
            Ok(on)
        }
    }

    fn projection_rhs(&mut self, power: u8) -> Result<Ast, String> {
        match self.kind() {
            t if t.power() < PROJECTION_STOP => Ok(Ast::Identity),
            Tok::LBracket | Tok::Filter => self.expression(power),
            Tok::Dot => {
                self.advance();
                self.dot_rhs(power)
            }
            _ => Err(self.unexpected("Syntax error")),
        }
    }

    fn dot_rhs(&mut self, power: u8) -> Result<Ast, String> {
        match self.kind() {
            Tok::Ident(_) | Tok::QuotedIdent(_) | Tok::Star => self.expression(power),
            Tok::LBracket => {
                self.advance();
                self.multi_list()
            }
            Tok::LBrace => {
                self.advance();
                self.multi_hash()
            }
            _ => Err(self.unexpected("Expected identifier, lbracket or lbrace")),
        }
    }

    /// After `[`: expressions separated by commas, then `]`.
    fn multi_list(&mut self) -> Result<Ast, String> {
        let mut items = Vec::new();
        loop {
            items.push(self.expression(0)?);
            match self.kind() {
                Tok::Comma => self.advance(),
                Tok::RBracket => {
                    self.advance();
                    return Ok(Ast::MultiList(items));
                }
                _ => return Err(self.unexpected("Expected comma or rbracket")),
            }
        }
    }

    /// After `{`: `key: expression` pairs separated by commas, then `}`.
    fn multi_hash(&mut self) -> Result<Ast, String> {
        let mut pairs = Vec::new();
        loop {
            let key = match self.kind().clone() {
                Tok::Ident(k) | Tok::QuotedIdent(k) => k,
                _ => return Err(self.unexpected("Expected a key name")),
            };
            self.advance();
            self.expect(&Tok::Colon)?;
            let value = self.expression(0)?;
            pairs.push((key, value));
            match self.kind() {
                Tok::Comma => self.advance(),
                Tok::RBrace => {
                    self.advance();
                    return Ok(Ast::MultiHash(pairs));
                }
                _ => return Err(self.unexpected("Expected comma or rbrace")),
            }
        }
    }
}

/// False for null, false, an empty string, array or object; true otherwise (0 included).
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Number(_) => true,
    }
}

/// Equality as the specification has it: numbers by value (1 == 1.0), booleans never equal
/// to numbers, arrays and objects element by element.
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| equal(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| equal(v, w)))
        }
        _ => a == b,
    }
}

fn eval(ast: &Ast, v: &Value) -> Result<Value, String> {
    Ok(match ast {
        Ast::Identity => v.clone(),
        Ast::Field(name) => v.get(name.as_str()).cloned().unwrap_or(Value::Null),
        Ast::Sub(left, right) => {
            let l = eval(left, v)?;
            eval(right, &l)?
        }
        Ast::Index(i) => match v {
            Value::Array(a) => index(a, *i).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        Ast::Slice(start, stop, step) => match v {
            Value::Array(a) => Value::Array(slice(a, *start, *stop, *step)),
            _ => Value::Null,
        },
        Ast::IndexOn(left, index) => {
            let l = eval(left, v)?;
            eval(index, &l)?
        }
        Ast::Projection(left, right) => match eval(left, v)? {
            Value::Array(items) => project(items.iter(), right)?,
            _ => Value::Null,
        },
        Ast::ValueProjection(left, right) => match eval(left, v)? {
            Value::Object(map) => project(map.values(), right)?,
            _ => Value::Null,
        },
        Ast::Filter(left, right, condition) => match eval(left, v)? {
            Value::Array(items) => {
                let mut kept = Vec::new();
                for item in &items {
                    if truthy(&eval(condition, item)?) {
                        kept.push(item);
                    }
                }
                project(kept.into_iter(), right)?
            }
            _ => Value::Null,
        },
        Ast::Flatten(inner) => match eval(inner, v)? {
            Value::Array(items) => {
                let mut flat = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::Array(inner) => flat.extend(inner),
                        other => flat.push(other),
                    }
                }
                Value::Array(flat)
            }
            _ => Value::Null,
        },
        Ast::Compare(cmp, left, right) => {
            let (l, r) = (eval(left, v)?, eval(right, v)?);
            match cmp {
                Cmp::Eq => Value::Bool(equal(&l, &r)),
                Cmp::Ne => Value::Bool(!equal(&l, &r)),
                // Ordering compares numbers only; anything else gives null.
                _ => match (l.as_f64(), r.as_f64()) {
                    (Some(a), Some(b)) if l.is_number() && r.is_number() => {
                        Value::Bool(match cmp {
                            Cmp::Lt => a < b,
                            Cmp::Lte => a <= b,
                            Cmp::Gt => a > b,
                            _ => a >= b,
                        })
                    }
                    _ => Value::Null,
                },
            }
        }
        Ast::Or(left, right) => {
            let l = eval(left, v)?;
            if truthy(&l) { l } else { eval(right, v)? }
        }
        Ast::And(left, right) => {
            let l = eval(left, v)?;
            if truthy(&l) { eval(right, v)? } else { l }
        }
        Ast::Not(inner) => Value::Bool(!truthy(&eval(inner, v)?)),
        Ast::Pipe(left, right) => {
            let l = eval(left, v)?;
            eval(right, &l)?
        }
        Ast::MultiList(items) => {
            if v.is_null() {
                return Ok(Value::Null);
            }
            Value::Array(items.iter().map(|e| eval(e, v)).collect::<Result<_, _>>()?)
        }
        Ast::MultiHash(pairs) => {
            if v.is_null() {
                return Ok(Value::Null);
            }
            let mut map = Map::new();
            for (k, e) in pairs {
                map.insert(k.clone(), eval(e, v)?);
            }
            Value::Object(map)
        }
        Ast::Literal(l) => l.clone(),
        Ast::Function(name, args) => call(name, args, v)?,
        // An expression reference means something only as a function's argument.
        Ast::Expref(_) => Value::Null,
    })
}

fn project<'a>(items: impl Iterator<Item = &'a Value>, right: &Ast) -> Result<Value, String> {
    let mut out = Vec::new();
    for item in items {
        let r = eval(right, item)?;
        if !r.is_null() {
            out.push(r);
        }
    }
    Ok(Value::Array(out))
}

fn index(a: &[Value], i: i64) -> Option<&Value> {
    let n = a.len() as i64;
    let at = if i < 0 { n + i } else { i };
    (0..n).contains(&at).then(|| &a[at as usize])
}

/// Python's slice semantics (what the specification prescribes).
fn slice(a: &[Value], start: Option<i64>, stop: Option<i64>, step: Option<i64>) -> Vec<Value> {
    let n = a.len() as i64;
    let step = step.unwrap_or(1);
    let adjust = |i: i64| -> i64 {
        if i < 0 {
            let i = i + n;
            if i < 0 {
                if step < 0 { -1 } else { 0 }
            } else {
                i
            }
        } else if i >= n {
            if step < 0 { n - 1 } else { n }
        } else {
            i
        }
    };
    let start = start.map_or(if step < 0 { n - 1 } else { 0 }, adjust);
    let stop = stop.map_or(if step < 0 { -1 } else { n }, adjust);
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        if let Some(v) = usize::try_from(i).ok().and_then(|i| a.get(i)) {
            out.push(v.clone());
        }
        // A step past the end of `i64` has left the array anyway.
        let Some(next) = i.checked_add(step) else {
            break;
        };
        i = next;
    }
    out
}

/// The specification's type names.
fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        Value::Number(Number::from(f as i64))
    } else {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

fn call(name: &str, args: &[Ast], v: &Value) -> Result<Value, String> {
    let arity = |n: usize| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "Expected {n} argument{} for function {name}(), received {}",
                if n == 1 { "" } else { "s" },
                args.len()
            ))
        }
    };
    let bad = |arg: &Value, expected: &str| -> String {
        format!(
            "In function {name}(), invalid type for value: {}, expected one of: {expected}, received: \"{}\"",
            serde_json::to_string(arg).unwrap_or_default(),
            type_of(arg)
        )
    };
    // An expression reference argument, for sort_by, max_by, min_by and map.
    let expref = |i: usize| -> Result<&Ast, String> {
        match args.get(i) {
            Some(Ast::Expref(e)) => Ok(e),
            _ => Err(format!(
                "In function {name}(), invalid type for value: argument {}, expected one of: ['expref']",
                i + 1
            )),
        }
    };
    let arg = |i: usize| -> Result<Value, String> {
        match args.get(i) {
            Some(a) => eval(a, v),
            None => Ok(Value::Null),
        }
    };
    let numbers = |a: &Value| -> Result<Vec<f64>, String> {
        match a {
            Value::Array(items) if items.iter().all(Value::is_number) => {
                Ok(items.iter().filter_map(Value::as_f64).collect())
            }
            other => Err(bad(other, "['array-number']")),
        }
    };
    Ok(match name {
        "abs" | "ceil" | "floor" => {
            arity(1)?;
            let a = arg(0)?;
            let f = a
                .as_f64()
                .filter(|_| a.is_number())
                .ok_or_else(|| bad(&a, "['number']"))?;
            match name {
                "abs" if a.is_i64() => Value::from(a.as_i64().unwrap_or(0).saturating_abs()),
                "abs" => number(f.abs()),
                "ceil" => number(f.ceil()),
                _ => number(f.floor()),
            }
        }
        "avg" | "sum" => {
            arity(1)?;
            let xs = numbers(&arg(0)?)?;
            let total: f64 = xs.iter().sum();
            if name == "sum" {
                number(total)
            } else if xs.is_empty() {
                Value::Null
            } else {
                Number::from_f64(total / xs.len() as f64).map_or(Value::Null, Value::Number)
            }
        }
        "contains" => {
            arity(2)?;
            let (subject, search) = (arg(0)?, arg(1)?);
            match &subject {
                Value::Array(items) => Value::Bool(items.iter().any(|x| equal(x, &search))),
                Value::String(s) => Value::Bool(search.as_str().is_some_and(|t| s.contains(t))),
                other => return Err(bad(other, "['array', 'string']")),
            }
        }
        "starts_with" | "ends_with" => {
            arity(2)?;
            let (s, prefix) = (arg(0)?, arg(1)?);
            let (Some(s), Some(p)) = (s.as_str(), prefix.as_str()) else {
                let wrong = if s.is_string() { &prefix } else { &s };
                return Err(bad(wrong, "['string']"));
            };
            Value::Bool(if name == "starts_with" {
                s.starts_with(p)
            } else {
                s.ends_with(p)
            })
        }
        "join" => {
            arity(2)?;
            let (glue, list) = (arg(0)?, arg(1)?);
            let glue = glue.as_str().ok_or_else(|| bad(&glue, "['string']"))?;
            match &list {
                Value::Array(items) if items.iter().all(Value::is_string) => Value::String(
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(glue),
                ),
                other => return Err(bad(other, "['array-string']")),
            }
        }
        "keys" | "values" => {
            arity(1)?;
            match arg(0)? {
                Value::Object(map) if name == "keys" => {
                    Value::Array(map.keys().cloned().map(Value::String).collect())
                }
                Value::Object(map) => Value::Array(map.values().cloned().collect()),
                other => return Err(bad(&other, "['object']")),
            }
        }
        "length" => {
            arity(1)?;
            match arg(0)? {
                Value::String(s) => Value::from(s.chars().count()),
                Value::Array(a) => Value::from(a.len()),
                Value::Object(o) => Value::from(o.len()),
                other => return Err(bad(&other, "['string', 'array', 'object']")),
            }
        }
        "map" => {
            arity(2)?;
            let e = expref(0)?;
            match arg(1)? {
                Value::Array(items) => {
                    Value::Array(items.iter().map(|x| eval(e, x)).collect::<Result<_, _>>()?)
                }
                other => return Err(bad(&other, "['array']")),
            }
        }
        "max" | "min" => {
            arity(1)?;
            let a = arg(0)?;
            let items = match &a {
                Value::Array(items) => items,
                other => return Err(bad(other, "['array-number', 'array-string']")),
            };
            if items.iter().all(Value::is_number) {
                let pick = items.iter().max_by(|x, y| {
                    let o = x
                        .as_f64()
                        .partial_cmp(&y.as_f64())
                        .unwrap_or(std::cmp::Ordering::Equal);
                    if name == "max" { o } else { o.reverse() }
                });
                pick.cloned().unwrap_or(Value::Null)
            } else if items.iter().all(Value::is_string) {
                let pick = items.iter().max_by(|x, y| {
                    let o = x.as_str().cmp(&y.as_str());
                    if name == "max" { o } else { o.reverse() }
                });
                pick.cloned().unwrap_or(Value::Null)
            } else {
                return Err(bad(&a, "['array-number', 'array-string']"));
            }
        }
        "max_by" | "min_by" | "sort_by" => {
            arity(2)?;
            let e = expref(1)?;
            let items = match arg(0)? {
                Value::Array(items) => items,
                other => return Err(bad(&other, "['array']")),
            };
            let mut keyed = Vec::with_capacity(items.len());
            for item in items {
                let key = eval(e, &item)?;
                if !(key.is_number() || key.is_string()) {
                    return Err(bad(&key, "['number', 'string']"));
                }
                keyed.push((key, item));
            }
            if !(keyed.iter().all(|(k, _)| k.is_number())
                || keyed.iter().all(|(k, _)| k.is_string()))
            {
                return Err(format!(
                    "In function {name}(), the expression's values must all be numbers or all strings"
                ));
            }
            let order = |a: &Value, b: &Value| match (a, b) {
                (Value::String(x), Value::String(y)) => x.cmp(y),
                _ => a
                    .as_f64()
                    .partial_cmp(&b.as_f64())
                    .unwrap_or(std::cmp::Ordering::Equal),
            };
            match name {
                "sort_by" => {
                    keyed.sort_by(|(a, _), (b, _)| order(a, b));
                    Value::Array(keyed.into_iter().map(|(_, item)| item).collect())
                }
                "max_by" => keyed
                    .into_iter()
                    .max_by(|(a, _), (b, _)| order(a, b))
                    .map_or(Value::Null, |(_, item)| item),
                _ => keyed
                    .into_iter()
                    .min_by(|(a, _), (b, _)| order(a, b))
                    .map_or(Value::Null, |(_, item)| item),
            }
        }
        "merge" => {
            let mut map = Map::new();
            for i in 0..args.len() {
                match arg(i)? {
                    Value::Object(o) => map.extend(o),
                    other => return Err(bad(&other, "['object']")),
                }
            }
            Value::Object(map)
        }
        "not_null" => {
            if args.is_empty() {
                return Err(format!(
                    "Expected at least 1 argument for function {name}(), received 0"
                ));
            }
            for i in 0..args.len() {
                let a = arg(i)?;
                if !a.is_null() {
                    return Ok(a);
                }
            }
            Value::Null
        }
        "reverse" => {
            arity(1)?;
            match arg(0)? {
                Value::Array(mut a) => {
                    a.reverse();
                    Value::Array(a)
                }
                Value::String(s) => Value::String(s.chars().rev().collect()),
                other => return Err(bad(&other, "['array', 'string']")),
            }
        }
        "sort" => {
            arity(1)?;
            let a = arg(0)?;
            match a {
                Value::Array(mut items) if items.iter().all(Value::is_string) => {
                    items.sort_by(|x, y| x.as_str().cmp(&y.as_str()));
                    Value::Array(items)
                }
                Value::Array(mut items) if items.iter().all(Value::is_number) => {
                    items.sort_by(|x, y| {
                        x.as_f64()
                            .partial_cmp(&y.as_f64())
                            .unwrap_or(std::cmp::Ordering::Equal)
                    });
                    Value::Array(items)
                }
                other => return Err(bad(&other, "['array-number', 'array-string']")),
            }
        }
        "to_array" => {
            arity(1)?;
            match arg(0)? {
                Value::Array(a) => Value::Array(a),
                other => Value::Array(vec![other]),
            }
        }
        "to_number" => {
            arity(1)?;
            match arg(0)? {
                Value::Number(n) => Value::Number(n),
                Value::String(s) => match s.parse::<i64>() {
                    Ok(i) => Value::from(i),
                    Err(_) => s
                        .parse::<f64>()
                        .ok()
                        .and_then(Number::from_f64)
                        .map_or(Value::Null, Value::Number),
                },
                _ => Value::Null,
            }
        }
        "to_string" => {
            arity(1)?;
            match arg(0)? {
                Value::String(s) => Value::String(s),
                other => Value::String(serde_json::to_string(&other).unwrap_or_default()),
            }
        }
        "type" => {
            arity(1)?;
            Value::String(type_of(&arg(0)?).to_string())
        }
        _ => return Err(format!("Unknown function: {name}()")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(expr: &str, data: &Value) -> Value {
        Query::compile(expr)
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
            .search(data)
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    // The examples of the JMESPath specification and tutorial (jmespath.org).
    #[test]
    fn the_specifications_examples() {
        let d = json!({"a": {"b": {"c": {"d": "value"}}}});
        assert_eq!(q("a.b.c.d", &d), json!("value"));
        let d = json!(["a", "b", "c", "d", "e", "f"]);
        assert_eq!(q("[1]", &d), json!("b"));
        assert_eq!(q("[-1]", &d), json!("f"));
        assert_eq!(q("[0:3]", &d), json!(["a", "b", "c"]));
        assert_eq!(q("[::2]", &d), json!(["a", "c", "e"]));
        assert_eq!(q("[::-1]", &d), json!(["f", "e", "d", "c", "b", "a"]));
        assert_eq!(q("[5:1:-2]", &d), json!(["f", "d"]));
        assert_eq!(q("[10]", &d), Value::Null);
        let d = json!({"people": [{"first": "James", "last": "d"}, {"first": "Jacob", "last": "e"}, {"first": "Jayden", "last": "f"}, {"missing": "different"}], "foo": {"bar": "baz"}});
        assert_eq!(
            q("people[*].first", &d),
            json!(["James", "Jacob", "Jayden"])
        );
        assert_eq!(q("people[:2].first", &d), json!(["James", "Jacob"]));
        let d = json!({"ops": {"functionA": {"numArgs": 2}, "functionB": {"numArgs": 3}, "functionC": {"variadic": true}}});
        assert_eq!(q("ops.*.numArgs", &d), json!([2, 3]));
        let d = json!({"reservations": [{"instances": [{"state": "running"}, {"state": "stopped"}]}, {"instances": [{"state": "terminated"}, {"state": "running"}]}]});
        assert_eq!(
            q("reservations[*].instances[*].state", &d),
            json!([["running", "stopped"], ["terminated", "running"]])
        );
        assert_eq!(
            q("reservations[].instances[].state", &d),
            json!(["running", "stopped", "terminated", "running"])
        );
        let d = json!([[0, 1], 2, [3], 4, [5, [6, 7]]]);
        assert_eq!(q("[]", &d), json!([0, 1, 2, 3, 4, 5, [6, 7]]));
        let d = json!({"machines": [{"name": "a", "state": "running"}, {"name": "b", "state": "stopped"}, {"name": "c", "state": "running"}]});
        assert_eq!(q("machines[?state=='running'].name", &d), json!(["a", "c"]));
        let d = json!({"people": [{"name": "a", "state": {"name": "up"}}, {"name": "b", "state": {"name": "down"}}]});
        assert_eq!(
            q("people[].{Name: name, State: state.name}", &d),
            json!([{"Name": "a", "State": "up"}, {"Name": "b", "State": "down"}])
        );
        assert_eq!(
            q("people[].[name, state.name]", &d),
            json!([["a", "up"], ["b", "down"]])
        );
        let d = json!({"foo": {"bar": {"baz": [0, 1, 2, 3, 4]}}});
        assert_eq!(q("foo.bar.baz[2]", &d), json!(2));
        let d = json!({"foo": [{"bar": [{"baz": "one"}, {"baz": "two"}]}, {"bar": [{"baz": "three"}]}]});
        assert_eq!(q("foo[*].bar[*].baz | [0]", &d), json!(["one", "two"]));
        assert_eq!(q("foo[].bar[].baz", &d), json!(["one", "two", "three"]));
    }

    #[test]
    fn comparisons_truthiness_and_logic() {
        let d = json!({"a": 1, "b": 1.0, "t": true, "e": "", "z": 0, "l": [1, 2]});
        assert_eq!(q("a == b", &d), json!(true), "numbers compare by value");
        assert_eq!(q("t == `1`", &d), json!(false), "booleans are not numbers");
        assert_eq!(q("a < `2`", &d), json!(true));
        assert_eq!(q("e < `2`", &d), Value::Null, "ordering needs numbers");
        assert_eq!(q("e || 'x'", &d), json!("x"), "an empty string is falsy");
        assert_eq!(q("z || 'x'", &d), json!(0), "zero is truthy");
        assert_eq!(q("!e", &d), json!(true));
        assert_eq!(q("t && l", &d), json!([1, 2]));
        assert_eq!(q("l == `[1, 2]`", &d), json!(true));
        // A literal that is not JSON is a string (jmespath.py, as the AWS CLI's examples use).
        assert_eq!(q("`running` == 'running'", &d), json!(true));
        assert!(
            Query::compile("'it''s'").is_err(),
            "two raw strings side by side"
        );
        assert_eq!(q(r"'it\'s'", &json!(null)), json!("it's"));
        assert_eq!(q("\"with space\"", &json!({"with space": 5})), json!(5));
    }

    #[test]
    fn functions() {
        let d = json!({"xs": [3, 1, 2], "ss": ["b", "a"], "people": [{"n": "x", "age": 30}, {"n": "y", "age": 20}], "o": {"k": 1, "j": 2}});
        assert_eq!(q("length(xs)", &d), json!(3));
        assert_eq!(q("sort(xs)", &d), json!([1, 2, 3]));
        assert_eq!(q("sort(ss)", &d), json!(["a", "b"]));
        assert_eq!(q("max(xs)", &d), json!(3));
        assert_eq!(q("min(ss)", &d), json!("a"));
        assert_eq!(q("sum(xs)", &d), json!(6));
        assert_eq!(q("avg(xs)", &d), json!(2.0));
        assert_eq!(q("sort_by(people, &age)[].n", &d), json!(["y", "x"]));
        assert_eq!(q("max_by(people, &age).n", &d), json!("x"));
        assert_eq!(q("min_by(people, &age).n", &d), json!("y"));
        assert_eq!(q("map(&n, people)", &d), json!(["x", "y"]));
        assert_eq!(
            q("keys(o)", &d),
            json!(["k", "j"]),
            "objects keep their order"
        );
        assert_eq!(q("values(o)", &d), json!([1, 2]));
        assert_eq!(q("join(', ', ss)", &d), json!("b, a"));
        assert_eq!(q("contains(ss, 'a')", &d), json!(true));
        assert_eq!(q("starts_with('ecs-svc/1', 'ecs-svc/')", &d), json!(true));
        assert_eq!(q("reverse(xs)", &d), json!([2, 1, 3]));
        assert_eq!(q("to_string(xs)", &d), json!("[3,1,2]"));
        assert_eq!(q("to_number('42')", &d), json!(42));
        assert_eq!(q("type(o)", &d), json!("object"));
        assert_eq!(q("not_null(missing, xs[0])", &d), json!(3));
        assert_eq!(q("length(people[?age > `25`])", &d), json!(1));
        let e = Query::compile("length(`5`)")
            .and_then(|x| x.search(&d))
            .expect_err("length of a number");
        assert!(e.contains("invalid type for value: 5"), "{e}");
        let e = Query::compile("nope(xs)")
            .and_then(|x| x.search(&d))
            .expect_err("unknown");
        assert_eq!(e, "Unknown function: nope()");
    }

    #[test]
    fn errors_name_the_column_and_never_panic() {
        let e = Query::compile("services[0").expect_err("unclosed");
        assert!(e.contains("Parse error at column 10"), "{e}");
        assert!(e.contains("\"services[0\""), "{e}");
        for bad in [
            "", "[", "]", "a.", "a[", "a[?", "{", "{a", "{a:", "a |", "(", "a(", "`", "'", "\"",
            "a[1:2:0]", "a = b", "a[?b==]", "&", "!", "a..b", "[:::]", "a[*", "@@",
        ] {
            assert!(Query::compile(bad).is_err(), "{bad:?} should not compile");
        }
        let deep = "(".repeat(200) + "a" + &")".repeat(200);
        assert!(Query::compile(&deep).is_err(), "nesting is bounded");
    }

    proptest::proptest! {
        // Whatever a learner types compiles or is refused, and a compiled query evaluates or
        // reports an error: never a panic.
        #[test]
        fn any_text_compiles_or_is_refused(text in "[a-z0-9\\[\\]{}()*@.|&!=<>?:,'`\" -]{0,24}") {
            if let Ok(query) = Query::compile(&text) {
                let data = json!({"a": [1, {"b": [2, 3]}, "c"], "b": {"c": true}, "c": null});
                let _ = query.search(&data);
            }
        }
    }

    #[test]
    fn huge_slice_steps_and_indices_stay_in_bounds() {
        let d = json!([0, 1, 2]);
        assert_eq!(q("[1::9223372036854775807]", &d), json!([1]));
        assert_eq!(q("[::-9223372036854775807]", &d), json!([2]));
        assert_eq!(q("[-9223372036854775807]", &d), Value::Null);
    }

    #[test]
    fn an_ecs_query_a_learner_types() {
        let d = json!({"services": [{"serviceName": "web", "deployments": [
            {"id": "ecs-svc/1", "status": "PRIMARY", "runningCount": 2},
            {"id": "ecs-svc/2", "status": "ACTIVE", "runningCount": 4}],
            "events": [{"message": "m1"}, {"message": "m2"}, {"message": "m3"}]}]});
        assert_eq!(
            q(
                "services[0].deployments[?status=='PRIMARY'].runningCount | [0]",
                &d
            ),
            json!(2)
        );
        assert_eq!(q("services[0].events[:2].message", &d), json!(["m1", "m2"]));
        assert_eq!(
            q("services[].deployments[].[status, runningCount]", &d),
            json!([["PRIMARY", 2], ["ACTIVE", 4]])
        );
    }
}
