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

mod functions;
mod lex;
mod parse;
#[cfg(test)]
mod tests;

use serde_json::{Map, Number, Value};

use functions::call;
use lex::{Cmp, Tok, lex};
use parse::Parser;

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
