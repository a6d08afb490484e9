//! The built-in functions of the JMESPath specification.

use serde_json::{Map, Number, Value};

use super::{Ast, equal, eval, number, type_of};

pub(super) fn call(name: &str, args: &[Ast], v: &Value) -> Result<Value, String> {
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
