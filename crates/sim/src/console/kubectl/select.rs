//! What `kubectl get` picks and orders by the objects' fields: `--field-selector` and
//! `--sort-by` (shared by `get.rs` and `events.rs`).

use super::jsonpath::SortPath;
use super::parse::Kind;

/// `--sort-by` on any items, each read as the object `object` gives: in the order of the field
/// the path finds (numbers by value, strings and timestamps as text; items without it first),
/// kept in their order on ties. A path no item has is kubectl's error.
pub(super) fn sort_by_path<T>(
    items: &mut Vec<T>,
    object: impl Fn(&T) -> serde_json::Value,
    expr: &str,
) -> Result<(), String> {
    let path = SortPath::relaxed(expr)?;
    let mut keys: Vec<(T, Option<serde_json::Value>)> = items
        .drain(..)
        .map(|i| {
            let key = path.first(&object(&i));
            (i, key)
        })
        .collect();
    if !keys.is_empty() && keys.iter().all(|(_, v)| v.is_none()) {
        return Err(format!(
            "error: couldn't find any field with path \"{}\" in the list of objects\n",
            path.text
        ));
    }
    keys.sort_by(|(_, a), (_, b)| match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(std::cmp::Ordering::Equal),
            _ => match (x.as_str(), y.as_str()) {
                (Some(p), Some(q)) => p.cmp(q),
                _ => x.to_string().cmp(&y.to_string()),
            },
        },
    });
    items.extend(keys.into_iter().map(|(i, _)| i));
    Ok(())
}

/// `--field-selector key=value,key!=value`: the fields the API server lets a list be filtered
/// by (Kubernetes documentation, "Field Selectors": every kind takes `metadata.name` and
/// `metadata.namespace`; pods also `spec.nodeName`, `spec.restartPolicy`,
/// `spec.schedulerName`, `spec.serviceAccountName`, `status.phase`, `status.podIP`,
/// `status.nominatedNodeName`; nodes `spec.unschedulable`). A field an object does not have
/// compares as empty (`spec.nodeName=` finds unscheduled pods).
/// Field selectors of events that Orca answers.
const EVENT_FIELDS: [&str; 6] = [
    "involvedObject.kind",
    "involvedObject.name",
    "involvedObject.namespace",
    "involvedObject.fieldPath",
    "reason",
    "type",
];

/// Field selectors the API server accepts for events but Orca does not answer.
const UNSIMULATED_EVENT_FIELDS: [&str; 6] = [
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "reportingComponent",
    "source",
    "metadata.name",
];

pub(super) struct FieldSelector {
    terms: Vec<(String, bool, String)>,
}

impl FieldSelector {
    pub(super) fn parse(kind: Kind, text: &str) -> Result<FieldSelector, String> {
        let mut allowed = vec!["metadata.name", "metadata.namespace"];
        match kind {
            Kind::Pod => allowed.extend([
                "spec.nodeName",
                "spec.restartPolicy",
                "spec.schedulerName",
                "spec.serviceAccountName",
                "status.phase",
                "status.podIP",
                "status.nominatedNodeName",
            ]),
            Kind::Node => allowed.push("spec.unschedulable"),
            // The event field labels Orca's events carry (core/v1 `EventToSelectableFields`).
            Kind::Event => allowed.extend(EVENT_FIELDS),
            _ => {}
        }
        let mut terms = Vec::new();
        for term in text.split(',').filter(|t| !t.is_empty()) {
            let (key, equal, value) = if let Some((k, v)) = term.split_once("!=") {
                (k, false, v)
            } else if let Some((k, v)) = term.split_once("==") {
                (k, true, v)
            } else if let Some((k, v)) = term.split_once('=') {
                (k, true, v)
            } else {
                return Err(format!(
                    "error: invalid field selector: '{text}'; expected key=value, key==value or key!=value\n"
                ));
            };
            if kind == Kind::Event && UNSIMULATED_EVENT_FIELDS.contains(&key) {
                return Err(format!(
                    "error: Orca's console does not simulate the field selector {key} for events; it simulates {}\n",
                    EVENT_FIELDS.join(", ")
                ));
            }
            if !allowed.contains(&key) {
                return Err(format!(
                    "Error from server (BadRequest): Unable to find \"{}\" that match label selector \"\", field selector \"{text}\": field label not supported: {key}\n",
                    kind.resource()
                ));
            }
            terms.push((key.to_string(), equal, value.to_string()));
        }
        Ok(FieldSelector { terms })
    }

    pub(super) fn matches(&self, object: &serde_json::Value) -> bool {
        self.terms.iter().all(|(key, equal, value)| {
            let mut v = object;
            for part in key.split('.') {
                v = v.get(part).unwrap_or(&serde_json::Value::Null);
            }
            let actual = match v {
                // A schedulable node has no `unschedulable` field; it reads as false.
                serde_json::Value::Null if key == "spec.unschedulable" => "false".to_string(),
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (actual == *value) == *equal
        })
    }
}
