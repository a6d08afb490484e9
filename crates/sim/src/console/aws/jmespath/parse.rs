//! The JMESPath parser: a Pratt parser with the specification's binding powers.

use super::lex::{Tok, Token};
use super::{Ast, MAX_DEPTH};

pub(super) struct Parser<'a> {
    pub(super) text: &'a str,
    pub(super) tokens: Vec<Token>,
    pub(super) at: usize,
    pub(super) depth: usize,
}

/// Tokens with a binding power below this end a projection's right side.
const PROJECTION_STOP: u8 = 10;

impl Parser<'_> {
    fn token(&self) -> &Token {
        // The token list always ends with Eof, and nothing advances past it.
        &self.tokens[self.at.min(self.tokens.len() - 1)]
    }

    pub(super) fn kind(&self) -> &Tok {
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

    pub(super) fn unexpected(&self, what: &str) -> String {
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

    pub(super) fn expression(&mut self, power: u8) -> Result<Ast, String> {
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
