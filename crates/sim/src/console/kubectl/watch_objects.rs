//! `kubectl get … -o yaml|json|name|jsonpath -w`: each object on its own, as a watch prints it
//! (a jsonpath template runs on each object, not on a list), and the watch that goes on from
//! them (`console::watch::Watch::objects`); an empty list says so first, as a table's does.
//! With `--output-watch-events` each is printed as the watch event kubectl prints, `{"type":
//! "ADDED", "object": {…}}`, which a template reads as `{.type}` and `{.object.…}`. Shared by
//! `get.rs` and `events.rs`.

use super::jsonpath::Template;
use super::parse::{GetWatch, Output};
use super::yaml::json_text;
use super::{Kube, Outcome};
use crate::console::watch::{ObjectText, Watch};

/// The watch of `objects`: each object and its `-o name` line.
pub(super) fn watched(
    k: &Kube,
    objects: Vec<(serde_json::Value, String)>,
    output: Output,
    template: Option<&Template>,
    how: GetWatch,
) -> Outcome {
    if how.events && output == Output::Name {
        return Outcome::Fail(
            "error: Orca's console prints --output-watch-events as a table's EVENT column or as the watch event of -o json|yaml|jsonpath; -o name -w prints each name as it changes\n".into(),
        );
    }
    let render = |value: &serde_json::Value| match output {
        Output::Json => json_text(value),
        Output::Yaml => super::yaml::to_yaml(value),
        _ => template.map_or_else(String::new, |t| t.execute(value)),
    };
    let empty = objects.is_empty();
    let objects = objects
        .into_iter()
        .map(|(value, name_line)| {
            let meta = &value["metadata"];
            let key = format!(
                "{}/{}",
                meta["namespace"].as_str().unwrap_or_default(),
                meta["name"].as_str().unwrap_or_default()
            );
            let text = if output == Output::Name {
                ObjectText::Plain(name_line)
            } else if how.events {
                // kubectl's watch event: `type` first in JSON; YAML keys come sorted.
                let event = |t: &str| {
                    let wrapped = if output == Output::Yaml {
                        serde_json::json!({ "object": value, "type": t })
                    } else {
                        serde_json::json!({ "type": t, "object": value })
                    };
                    render(&wrapped)
                };
                ObjectText::PerEvent([event("ADDED"), event("MODIFIED"), event("DELETED")])
            } else {
                ObjectText::Plain(render(&value))
            };
            (key, value.to_string(), text)
        })
        .collect();
    let (first, watch) = Watch::objects(objects, output == Output::Yaml, how.only);
    let first = if empty && !how.only {
        k.no_resources()
    } else {
        first
    };
    Outcome::Watch { first, watch }
}
