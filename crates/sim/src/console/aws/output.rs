//! The AWS CLI's global output options, wherever they sit on the line: `--query` (a JMESPath
//! expression applied to the response) and `--output` (`json`, `text`, `table`, `yaml`,
//! `yaml-stream`), and `--no-cli-pager`, which changes nothing here. The CLI applies the query
//! to the whole response, then formats the result (AWS CLI source, `awscli/formatter.py`; the
//! text rules: `awscli/text.py`; user guide, "Filter output in the AWS CLI" and "Setting the
//! output format in the AWS CLI").

use serde_json::Value;

use super::jmespath::Query;
use super::shapes::pretty;
use super::table::{is_scalar, scalar};

/// How to print a response, when it differs from the default (the whole response as JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    query: Option<Query>,
    format: Format,
    /// The API operation (`DescribeServices`): a table's title.
    operation: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Format {
    Json,
    Text,
    Table,
    Yaml,
}

const FORMATS: &[&str] = &["json", "text", "table", "yaml", "yaml-stream"];

/// The global options that take a value.
const GLOBAL: &[&str] = &["--query", "--output", "--region", "--profile"];

/// Take the global options out of `words` (the words after `aws`): the output options, and
/// `--region` (the scenario's own Region, or a note that Orca simulates that one only) and
/// `--profile` (it chooses credentials, which the console does not model). `None` when the
/// response prints as it is; an error reads as the CLI's own.
pub fn take(words: &[String], region: &str) -> Result<(Vec<String>, Option<Shape>), String> {
    let mut rest = Vec::with_capacity(words.len());
    let mut query = None;
    let mut format = Format::Json;
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if GLOBAL.contains(&n) => (n, Some(v.to_string())),
            _ => (w.as_str(), None),
        };
        match name {
            "--region" | "--profile" | "--query" | "--output" => {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        words.get(i).cloned().ok_or_else(|| {
                            format!(
                                "{}\naws: error: argument {name}: expected one argument\n",
                                super::USAGE
                            )
                        })?
                    }
                };
                match name {
                    "--region" if value != region => {
                        return Err(format!(
                            "Orca simulates one Region, {region}: --region {value} would ask another Region, where this scenario has nothing (leave --region out, or give {region}).\n"
                        ));
                    }
                    "--query" => {
                        query = Some(
                            Query::compile(&value)
                                .map_err(|e| format!("\nBad value for --query {value}: {e}\n"))?,
                        );
                    }
                    "--output" => {
                        format = match value.as_str() {
                            "json" => Format::Json,
                            "text" => Format::Text,
                            "yaml" | "yaml-stream" => Format::Yaml,
                            "table" => Format::Table,
                            other => {
                                return Err(format!(
                                    "{}\naws: error: argument --output: Invalid choice, valid choices are:\n\n{}\n\n(You gave: {other})\n",
                                    super::USAGE,
                                    super::two_columns(FORMATS)
                                ));
                            }
                        };
                    }
                    // The scenario's Region, or a profile (credentials are not modelled).
                    _ => {}
                }
            }
            "--no-cli-pager" => {}
            _ => rest.push(w.clone()),
        }
        i += 1;
    }
    let operation = rest
        .get(1)
        .map(|op| super::api_name(op))
        .unwrap_or_default();
    let shape = (query.is_some() || format != Format::Json).then_some(Shape {
        query,
        format,
        operation,
    });
    Ok((rest, shape))
}

impl Shape {
    /// What the CLI prints for `printed`, the response as Orca prints it by default (JSON).
    /// Text that is not a JSON response (help, a message) prints as it is.
    pub fn apply(&self, printed: &str) -> Result<String, String> {
        let Ok(response) = serde_json::from_str::<Value>(printed) else {
            return Ok(printed.to_string());
        };
        let result = match &self.query {
            Some(q) => q.search(&response).map_err(|e| format!("\n{e}\n"))?,
            None => response,
        };
        Ok(match self.format {
            Format::Json => pretty(&result),
            Format::Text => text(&result),
            Format::Table => super::table::render(&self.operation, &result),
            Format::Yaml => crate::console::kubectl::yaml::to_yaml(&result),
        })
    }
}

/// `--output text`: tab-separated lines, as `awscli/text.py` writes them. A dictionary's
/// scalar values go on one line in the order of their sorted keys, after the upper-cased key
/// that led to it; its lists and dictionaries follow, each under its own key. A list of
/// dictionaries shares one set of columns (every scalar key any of them has).
pub fn text(v: &Value) -> String {
    let mut out = String::new();
    text_item(v, None, None, &mut out);
    out
}

fn text_item(v: &Value, identifier: Option<&str>, keys: Option<&[String]>, out: &mut String) {
    match v {
        Value::Object(map) => {
            let (scalars, nested): (Vec<String>, Vec<(&String, &Value)>) = match keys {
                None => {
                    let mut sorted: Vec<(&String, &Value)> = map.iter().collect();
                    sorted.sort_by(|a, b| a.0.cmp(b.0));
                    (
                        sorted
                            .iter()
                            .filter(|(_, v)| is_scalar(v))
                            .map(|(_, v)| scalar(v))
                            .collect(),
                        sorted.into_iter().filter(|(_, v)| !is_scalar(v)).collect(),
                    )
                }
                Some(keys) => {
                    let mut rest: Vec<(&String, &Value)> =
                        map.iter().filter(|(k, _)| !keys.contains(k)).collect();
                    rest.sort_by(|a, b| a.0.cmp(b.0));
                    (
                        keys.iter()
                            .map(|k| map.get(k).map_or_else(String::new, scalar))
                            .collect(),
                        rest,
                    )
                }
            };
            if !scalars.is_empty() {
                let mut line = Vec::with_capacity(scalars.len() + 1);
                if let Some(id) = identifier {
                    line.push(id.to_uppercase());
                }
                line.extend(scalars);
                out.push_str(&line.join("\t"));
                out.push('\n');
            }
            for (k, v) in nested {
                text_item(v, Some(k), None, out);
            }
        }
        Value::Array(items) => {
            if items.is_empty() {
                return;
            }
            if items.iter().any(Value::is_object) {
                let mut keys: Vec<String> = items
                    .iter()
                    .filter_map(Value::as_object)
                    .flat_map(|m| m.iter().filter(|(_, v)| is_scalar(v)).map(|(k, _)| k))
                    .cloned()
                    .collect();
                keys.sort();
                keys.dedup();
                for item in items {
                    text_item(item, identifier, Some(&keys), out);
                }
            } else if items.iter().any(Value::is_array) {
                let scalars: Vec<&Value> = items.iter().filter(|v| is_scalar(v)).collect();
                if !scalars.is_empty() {
                    scalar_list(&scalars, identifier, out);
                }
                for item in items.iter().filter(|v| !is_scalar(v)) {
                    text_item(item, identifier, None, out);
                }
            } else {
                scalar_list(&items.iter().collect::<Vec<_>>(), identifier, out);
            }
        }
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn scalar_list(items: &[&Value], identifier: Option<&str>, out: &mut String) {
    match identifier {
        Some(id) => {
            for v in items {
                out.push_str(&format!("{}\t{}\n", id.to_uppercase(), scalar(v)));
            }
        }
        None => {
            out.push_str(
                &items
                    .iter()
                    .map(|v| scalar(v))
                    .collect::<Vec<_>>()
                    .join("\t"),
            );
            out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    fn take_here(words: &[String]) -> Result<(Vec<String>, Option<Shape>), String> {
        take(words, "us-east-1")
    }

    #[test]
    fn region_and_profile_are_taken_too() {
        let (rest, shape) = take_here(&words(
            "ecs list-tasks --region us-east-1 --profile dev --cluster demo",
        ))
        .expect("the scenario's Region");
        assert_eq!(rest, words("ecs list-tasks --cluster demo"));
        assert_eq!(shape, None);
        let e = take_here(&words("ecs list-tasks --region=eu-west-1")).expect_err("elsewhere");
        assert!(e.starts_with("Orca simulates one Region, us-east-1"), "{e}");
    }

    #[test]
    fn the_options_are_taken_wherever_they_are() {
        let (rest, shape) = take_here(&words(
            "--output text ecs list-tasks --cluster demo --query=taskArns --no-cli-pager",
        ))
        .expect("valid");
        assert_eq!(rest, words("ecs list-tasks --cluster demo"));
        let shape = shape.expect("a shape");
        assert_eq!(shape.format, Format::Text);
        assert!(shape.query.is_some());
        let (rest, shape) =
            take_here(&words("ecs list-tasks --cluster demo --output json")).expect("ok");
        assert_eq!(rest, words("ecs list-tasks --cluster demo"));
        assert_eq!(shape, None, "json without a query prints as it always did");
    }

    #[test]
    fn bad_options_say_what_would_be_valid() {
        let e = take_here(&words("ecs list-tasks --output xml")).expect_err("xml");
        assert!(e.contains("argument --output: Invalid choice"), "{e}");
        assert!(e.contains("yaml-stream"), "{e}");
        let (_, table) = take_here(&words("ecs list-tasks --output table")).expect("table");
        assert_eq!(table.map(|s| s.operation), Some("ListTasks".to_string()));
        let e = take_here(&words("ecs list-tasks --query")).expect_err("no value");
        assert!(e.contains("argument --query: expected one argument"), "{e}");
        let e = take_here(&words("ecs list-tasks --query services[0")).expect_err("syntax");
        assert!(e.starts_with("\nBad value for --query services[0: "), "{e}");
    }

    // The examples of the AWS CLI user guide's "Text output format" page: a list of
    // dictionaries shares its columns (sorted keys); nested lists go under their key.
    #[test]
    fn text_output_follows_the_clis_rules() {
        let v = json!({"taskArns": ["arn:a", "arn:b"]});
        assert_eq!(text(&v), "TASKARNS\tarn:a\nTASKARNS\tarn:b\n");
        let v = json!(["a", "b"]);
        assert_eq!(text(&v), "a\tb\n");
        let v = json!([["web", 2, true], ["api", 3, false]]);
        assert_eq!(text(&v), "web\t2\tTrue\napi\t3\tFalse\n");
        let v = json!({"services": [{"serviceName": "web", "desiredCount": 4, "events": [{"message": "m", "id": "1"}]}]});
        assert_eq!(text(&v), "SERVICES\t4\tweb\nEVENTS\t1\tm\n");
        assert_eq!(text(&json!("web")), "web\n");
        assert_eq!(text(&json!(null)), "None\n");
        assert_eq!(text(&json!([])), "");
    }

    #[test]
    fn a_query_then_a_format() {
        let (_, shape) = take_here(&words(
            "ecs describe-services --query services[0].deployments[].[status,runningCount] --output text",
        ))
        .expect("ok");
        let shape = shape.expect("shape");
        let printed = pretty(&json!({"services": [{"deployments": [
            {"status": "PRIMARY", "runningCount": 0},
            {"status": "ACTIVE", "runningCount": 4}]}]}));
        assert_eq!(
            shape.apply(&printed).expect("ok"),
            "PRIMARY\t0\nACTIVE\t4\n"
        );
        assert_eq!(
            shape.apply("not json").expect("ok"),
            "not json",
            "text that is not a response prints as it is"
        );
    }
}
