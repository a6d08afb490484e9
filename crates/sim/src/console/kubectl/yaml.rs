//! YAML as kubectl prints it (`-o yaml`): block style, two-space indentation, list items at the
//! indentation of their key, strings quoted only when plain style would change their meaning;
//! and `-o json`'s text, and the `List` both print for several objects.

use serde_json::Value;

pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(_) | Value::Array(_) => block(v, 0, &mut out),
        other => {
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
    out
}

fn block(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                match val {
                    Value::Object(m) if !m.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        block(val, indent + 2, out);
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}{}:\n", key(k)));
                        block(val, indent, out);
                    }
                    other => out.push_str(&format!("{pad}{}: {}\n", key(k), scalar(other))),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        // The first key goes on the dash's line.
                        let mut inner = String::new();
                        block(item, indent + 2, &mut inner);
                        let mut lines = inner.lines();
                        if let Some(first) = lines.next() {
                            out.push_str(&format!("{pad}- {}\n", first.trim_start()));
                        }
                        for line in lines {
                            out.push_str(line);
                            out.push('\n');
                        }
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push_str(&format!("{pad}-\n"));
                        block(item, indent + 2, out);
                    }
                    other => out.push_str(&format!("{pad}- {}\n", scalar(other))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
}

fn key(k: &str) -> String {
    if needs_quotes(k) {
        format!("\"{k}\"")
    } else {
        k.to_string()
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if needs_quotes(s) {
                format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                s.clone()
            }
        }
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// Whether a plain scalar would be read as something else (a number, a boolean, null) or is
/// not valid plain YAML.
fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.parse::<f64>().is_ok()
        || matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
        )
        || s.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"',
            '%', '@', '`',
        ])
        || s.ends_with(' ')
        || s.contains(": ")
        || s.contains(" #")
        || s.contains('\n')
        || looks_like_timestamp(s)
}

/// A YAML 1.1 timestamp (`2026-01-05`, `2026-01-05T09:00:00Z`): plain, it would be read as a
/// timestamp, so kubectl's YAML (go-yaml) quotes it — `creationTimestamp: "2026-01-05T09:00:00Z"`.
fn looks_like_timestamp(s: &str) -> bool {
    let mut parts = s.splitn(3, '-');
    let (Some(year), Some(month), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |p: &str, lo: usize, hi: usize| {
        (lo..=hi).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let day_len = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits(year, 4, 4)
        && digits(month, 1, 2)
        && (1..=2).contains(&day_len)
        && (rest.len() == day_len || rest[day_len..].starts_with(['T', 't', ' ']))
}

/// `-o json` as kubectl prints it: indented by four spaces, with a final newline.
pub(super) fn json_text(value: &serde_json::Value) -> String {
    crate::console::json::pretty(value) + "\n"
}

/// The objects as `-o json|yaml` prints them: the one object when one was named and found,
/// else a `List`.
pub(super) fn list_of(mut items: Vec<serde_json::Value>, one_named: bool) -> serde_json::Value {
    if one_named && items.len() == 1 {
        items.pop().unwrap_or_default()
    } else {
        serde_json::json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
    }
}

/// The `--dry-run` and `-o` of a `kubectl create TYPE NAME` line: the dry run's strategy and
/// the output, one of `yaml`, `json` and `name` (what Orca prints of a created `what`).
pub(super) fn create_options<'a>(
    line: &'a super::parse::Parsed,
    what: &str,
) -> Result<(Option<super::parse::DryRun>, Option<&'a str>), String> {
    let dry_run = super::parse::DryRun::parse(line.get("dry-run"))?;
    let output = line.get("output");
    match output {
        Some(o) if !matches!(o, "yaml" | "json" | "name") => Err(format!(
            "error: Orca's console prints {what} it creates with -o yaml, -o json or -o name, not -o {o}\n"
        )),
        _ => Ok((dry_run, output)),
    }
}

/// What `kubectl create TYPE NAME` prints of the object it created (or would create under
/// `--dry-run`): the object with `-o yaml|json`, `TYPE/NAME` with `-o name`, else `TYPE/NAME
/// created` and the dry run's suffix (cli-runtime's printers; `created` is the operation
/// `NewPrintFlags` is given). `output` is one of those, already checked.
pub(super) fn created_reply(
    type_name: &str,
    output: Option<&str>,
    dry_run: Option<super::parse::DryRun>,
    object: impl FnOnce() -> Value,
) -> String {
    match output {
        Some("yaml") => to_yaml(&object()),
        Some("json") => json_text(&object()),
        Some(_) => format!("{type_name}\n"),
        None => format!(
            "{type_name} created{}\n",
            dry_run.map_or("", super::parse::DryRun::suffix)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_are_quoted_as_kubectl_quotes_them() {
        assert_eq!(
            to_yaml(
                &json!({"creationTimestamp": "2026-01-05T09:00:00Z", "date": "2026-1-5", "image": "web:2026-01", "id": "2026-01-05x"})
            ),
            "creationTimestamp: \"2026-01-05T09:00:00Z\"\ndate: \"2026-1-5\"\nimage: web:2026-01\nid: 2026-01-05x\n"
        );
    }

    #[test]
    fn objects_and_lists_print_in_kubectl_block_style() {
        let v = json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"labels": {"app": "web"}, "name": "web-1"},
            "spec": {"containers": [{"image": "nginx:1.27", "name": "web", "ports": [{"containerPort": 80}]}]},
            "status": {"phase": "Running", "podIP": "10.0.0.4", "ready": "true"}
        });
        assert_eq!(
            to_yaml(&v),
            "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    app: web\n  name: web-1\nspec:\n  containers:\n  - image: nginx:1.27\n    name: web\n    ports:\n    - containerPort: 80\nstatus:\n  phase: Running\n  podIP: 10.0.0.4\n  ready: \"true\"\n"
        );
    }
}
