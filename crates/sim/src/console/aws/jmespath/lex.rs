//! The JMESPath lexer: tokens with their columns, for the parser and its errors.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
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
    pub(super) fn name(&self) -> &'static str {
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
    pub(super) fn power(&self) -> u8 {
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
pub(super) enum Cmp {
    Eq,
    Ne,
    Lt,
    Lte,
    Gt,
    Gte,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub(super) tok: Tok,
    /// Column of its first character (0-based, in characters).
    pub(super) col: usize,
    /// Its text, for errors.
    pub(super) text: String,
}

pub(super) fn lex(text: &str) -> Result<Vec<Token>, String> {
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
