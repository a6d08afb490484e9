//! Untrusted YAML (Kubernetes manifests) read into a small tree whose every node knows its line
//! and column, so a manifest's mistakes are reported where they are.
//!
//! Parsing is serde-saphyr's (<https://docs.rs/serde-saphyr>), with its budget set well below
//! its defaults: a manifest is small, so the size, depth, node, alias and document counts are
//! bounded, and a "billion laughs" of aliases is refused before it grows.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Options, Spanned};

/// The largest manifest file read, in bytes.
pub const MAX_BYTES: usize = 1 << 20;

/// Where a node is: 1-based line and column (0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: u64,
    pub column: u64,
}

/// A YAML node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub at: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in the file's order (duplicates are refused by the parser).
    Map(Vec<(String, Node)>),
}

impl Value {
    /// The YAML type, for "expected …, got …".
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A YAML syntax error or a budget exceeded: where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub at: Pos,
    pub message: String,
}

/// Parse every document of a YAML stream (`---` separated). Empty documents are skipped.
pub fn parse(text: &str) -> Result<Vec<Node>, SyntaxError> {
    if text.len() > MAX_BYTES {
        return Err(SyntaxError {
            at: Pos { line: 1, column: 1 },
            message: format!(
                "the file is {} bytes; Orca reads manifests of up to {MAX_BYTES} bytes",
                text.len()
            ),
        });
    }
    let mut budget = Budget::default();
    budget.max_depth = 32;
    budget.max_documents = 64;
    budget.max_nodes = 20_000;
    budget.max_events = 50_000;
    budget.max_aliases = 100;
    budget.max_anchors = 100;
    budget.max_total_scalar_bytes = MAX_BYTES;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    let docs: Vec<Option<Spanned<Value>>> = serde_saphyr::from_multiple_with_options(text, options)
        .map_err(|e| {
            let at = e
                .location()
                .map(|l| Pos {
                    line: l.line(),
                    column: l.column(),
                })
                .unwrap_or_default();
            SyntaxError {
                at,
                message: e.to_string(),
            }
        })?;
    Ok(docs
        .into_iter()
        .flatten()
        .filter(|d| d.value != Value::Null)
        .map(node)
        .collect())
}

fn node(s: Spanned<Value>) -> Node {
    Node {
        at: Pos {
            line: s.referenced.line(),
            column: s.referenced.column(),
        },
        value: s.value,
    }
}

/// A mapping key: any scalar, as text.
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
                Ok(Key("null".into()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
                Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
                Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
                Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
                Ok(Value::Str(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Value, D2::Error> {
                Value::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<Value>>()? {
                    items.push(node(item));
                }
                Ok(Value::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(Key(k)) = map.next_key::<Key>()? {
                    let v = map.next_value::<Spanned<Value>>()?;
                    entries.push((k, node(v)));
                }
                Ok(Value::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_their_line_and_column() {
        let docs = parse("a: 1\nb:\n  - x\n  - 'y'\n---\nc: true\n").expect("parses");
        assert_eq!(docs.len(), 2);
        let b = docs[0].get("b").expect("b");
        let Value::Seq(items) = &b.value else {
            panic!("a list: {b:?}")
        };
        assert_eq!(items[1].value, Value::Str("y".into()));
        assert_eq!(items[1].at, Pos { line: 4, column: 5 });
        assert_eq!(docs[0].get("a").map(|n| &n.value), Some(&Value::Int(1)));
        assert_eq!(docs[1].get("c").map(|n| &n.value), Some(&Value::Bool(true)));
    }

    #[test]
    fn syntax_errors_and_budgets_are_refused_with_a_place() {
        let e = parse("a: [1, 2\nb: 3\n").expect_err("unclosed flow list");
        assert!(e.at.line >= 1, "{e:?}");
        let deep = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&deep).is_err(), "depth is bounded");
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..12 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            laughs.push_str(&format!(
                "l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(parse(&laughs).is_err(), "alias expansion is bounded");
        assert!(parse("a: 1\na: 2\n").is_err(), "duplicate keys are refused");
        assert!(parse(&"x".repeat(MAX_BYTES + 1)).is_err());
    }
}
