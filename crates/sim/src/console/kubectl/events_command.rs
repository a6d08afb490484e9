//! `kubectl events`: the namespace's events oldest first, the command kubectl offers for
//! reading what happened (`kubectl get events` lists events in the API server's order, by
//! name, which groups them by object: `list_order`).
//!
//! Checked against kubectl's `pkg/cmd/events/events.go` and `event_printer.go`
//! (kubernetes/kubectl, the v1.31 client Orca's console plays):
//! - flags: `-A`, `-n`, `--for TYPE/NAME`, `--types Normal,Warning` (case-insensitive;
//!   anything else: `valid --types are Normal or Warning`), `-w`, `--no-headers`, `-o`
//!   (`json`, `yaml`, `name`, `jsonpath=…`: the generic print flags; no `wide` and no
//!   `custom-columns`), `--chunk-size`;
//! - `--for` must be `TYPE/NAME` (`--for must be in resource/name form`), and selects the
//!   events whose `involvedObject` has that kind, API version and name;
//! - the list is sorted by each event's last timestamp (`SortableEvents`, `eventTime`: the
//!   series' last observation, else `lastTimestamp`, else `eventTime`). Go's `sort.Sort` is
//!   not stable; Orca keeps the API server's order among events of the same moment
//!   [inferred];
//! - the table is LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (NAMESPACE first with `-A`).
//!   LAST SEEN is the first occurrence's age, or `<last> (x<count> over <first>)` for a
//!   repeated event; OBJECT is the involved object's `Kind/name` (`Pod/web-…`, where
//!   `kubectl get events` prints `pod/web-…`);
//! - nothing found: `No events found in <ns> namespace.` (`No events found.` with `-A`);
//! - `-w` prints the events the watch starts with (in the API server's order, as a watch
//!   sends its initial objects) and then each event as it is recorded or repeats.

use serde_json::{Value, json};

use super::Kube;
use super::events::{Folded, folded, involved_kind, object};
use super::jsonpath::Template;
use super::list_order;
use super::parse::Kind;
use super::parse::{self, Flags, Parsed, Scope};
use super::yaml::json_text;
use crate::console::watch::Watch;
use crate::console::{Context, Outcome};

/// `kubectl events`' flags (`EventsFlags::AddFlags` and the generic print flags).
const FLAGS: &[(&str, bool)] = &[
    ("namespace", true),
    ("all-namespaces", false),
    ("for", true),
    ("types", true),
    ("watch", false),
    ("no-headers", false),
    ("output", true),
    ("chunk-size", true),
    ("show-managed-fields", false),
    ("template", true),
    ("allow-missing-template-keys", false),
];

/// The formats `kubectl events -o` takes, sorted as kubectl's `NoCompatiblePrinterError`
/// lists them.
const FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

/// `kubectl events …`, if `words` is that command.
pub fn run(words: &[String], cx: &Context) -> Option<Outcome> {
    let words = parse::command_first(words);
    let (verb, rest) = words.split_first()?;
    if verb != "events" {
        return None;
    }
    let line = match (Flags {
        cmd: "events",
        known: FLAGS,
    })
    .parse(rest)
    {
        Ok(l) => l,
        Err(e) => return Some(Outcome::Fail(e)),
    };
    Some(super::rbac::with_cluster(cx, |eks| {
        let k = Kube {
            eks,
            cx,
            now: cx.now,
            scope: parse::scope_of(&line),
        };
        match events(&k, &line) {
            Ok(o) => o,
            Err(e) => Outcome::Fail(e),
        }
    }))
}

/// How `-o` prints.
enum Format {
    Table,
    Json,
    Yaml,
    Name,
    JsonPath(Template),
}

fn format(line: &Parsed) -> Result<Format, String> {
    Ok(match line.get("output") {
        None => Format::Table,
        Some("json") => Format::Json,
        Some("yaml") => Format::Yaml,
        Some("name") => Format::Name,
        Some("jsonpath") => {
            return Err("error: template format specified but no template given\n".into());
        }
        Some(o) if o.starts_with("jsonpath=") => {
            Format::JsonPath(Template::parse(&o["jsonpath=".len()..])?)
        }
        Some(other) => {
            return Err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: {FORMATS}\n"
            ));
        }
    })
}

/// `--for TYPE/NAME`: the involved object's kind, API version and name.
fn for_object(line: &Parsed) -> Result<Option<(&'static str, &'static str, String)>, String> {
    let Some(target) = line.get("for") else {
        return Ok(None);
    };
    let Some((ty, name)) = target.split_once('/') else {
        return Err("error: --for must be in resource/name form\n".into());
    };
    if name.contains('/') {
        return Err(
            "error: arguments in resource/name form may not have more than one slash\n".into(),
        );
    }
    let kind = Kind::from_word(ty).ok_or_else(|| super::kind::unknown_type(ty))?;
    let (kind, version) = match kind {
        Kind::Pod => ("Pod", "v1"),
        Kind::Deployment => ("Deployment", "apps/v1"),
        Kind::ReplicaSet => ("ReplicaSet", "apps/v1"),
        Kind::DaemonSet => ("DaemonSet", "apps/v1"),
        Kind::StatefulSet => ("StatefulSet", "apps/v1"),
        Kind::Node => ("Node", "v1"),
        Kind::Event => ("Event", "v1"),
        Kind::Hpa => ("HorizontalPodAutoscaler", "autoscaling/v2"),
        Kind::Service => ("Service", "v1"),
        Kind::Pdb => ("PodDisruptionBudget", "policy/v1"),
        Kind::PersistentVolumeClaim => ("PersistentVolumeClaim", "v1"),
        Kind::PersistentVolume => ("PersistentVolume", "v1"),
        Kind::StorageClass => ("StorageClass", "storage.k8s.io/v1"),
        Kind::Namespace => ("Namespace", "v1"),
        Kind::Endpoints => ("Endpoints", "v1"),
    };
    Ok(Some((kind, version, name.to_string())))
}

/// `--types`: the event types to print (none: all).
fn types(line: &Parsed) -> Result<Vec<String>, String> {
    let types: Vec<String> = line
        .flags
        .iter()
        .filter(|(n, _)| n == "types")
        .flat_map(|(_, v)| v.split(','))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if types
        .iter()
        .any(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning"))
    {
        return Err("error: valid --types are Normal or Warning\n".into());
    }
    Ok(types)
}

fn events(k: &Kube, line: &Parsed) -> Result<Outcome, String> {
    let format = format(line)?;
    let wanted_types = types(line)?;
    let target = for_object(line)?;
    let mut listed: Vec<(Folded, Value)> = folded(k)
        .into_iter()
        .filter(|f| {
            let kind = if f.warning { "Warning" } else { "Normal" };
            wanted_types.is_empty() || wanted_types.iter().any(|t| t.eq_ignore_ascii_case(kind))
        })
        .filter(|f| {
            target.as_ref().is_none_or(|(kind, version, name)| {
                let (ty, n) = f.object.split_once('/').unwrap_or(("", f.object));
                involved_kind(ty) == (*kind, *version) && n == name
            })
        })
        .map(|f| {
            let o = object(k, &f);
            (f, o)
        })
        .collect();
    // The API server's order first (a watch's first events keep it), then oldest first.
    super::events::in_list_order(k, &mut listed);
    let no_headers = line.has("no-headers");
    if line.has("watch") {
        return Ok(watched(k, &listed, &format, no_headers));
    }
    listed.sort_by_key(|(f, _)| f.last);
    if listed.is_empty() {
        return Ok(Outcome::Print(match &k.scope {
            Scope::All => "No events found.\n".into(),
            Scope::Namespace(ns) => format!("No events found in {ns} namespace.\n"),
        }));
    }
    let items = || listed.iter().map(|(_, o)| o.clone()).collect::<Vec<_>>();
    Ok(Outcome::Print(match format {
        Format::Table => table(k, &listed, no_headers),
        Format::Name => names(&listed),
        Format::Json => json_text(&event_list(k, items())),
        Format::Yaml => super::yaml::to_yaml(&event_list(k, items())),
        Format::JsonPath(t) => t.execute(&event_list(k, items())),
    }))
}

/// The EventList the API server answers. Its `resourceVersion` [model] grows with the
/// cluster's events, as the server's does with every write.
fn event_list(k: &Kube, items: Vec<Value>) -> Value {
    let version = 100_000 + k.kube_events().count();
    json!({
        "apiVersion": "v1",
        "items": items,
        "kind": "EventList",
        "metadata": {"resourceVersion": version.to_string()},
    })
}

fn names(listed: &[(Folded, Value)]) -> String {
    listed
        .iter()
        .map(|(_, o)| format!("event/{}\n", o["metadata"]["name"].as_str().unwrap_or("")))
        .collect()
}

/// The event printer's table (`EventPrinter`).
fn table(k: &Kube, listed: &[(Folded, Value)], no_headers: bool) -> String {
    let all = k.all_namespaces();
    let mut header = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
    if all {
        header.insert(0, "NAMESPACE");
    }
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|(f, o)| {
            let first = k.now.since(f.first).kube_age();
            let interval = if f.count > 1 {
                format!(
                    "{} (x{} over {first})",
                    k.now.since(f.last).kube_age(),
                    f.count
                )
            } else {
                first
            };
            let involved = &o["involvedObject"];
            let mut row = vec![
                interval,
                if f.warning { "Warning" } else { "Normal" }.into(),
                f.reason.into(),
                format!(
                    "{}/{}",
                    involved["kind"].as_str().unwrap_or_default(),
                    involved["name"].as_str().unwrap_or_default()
                ),
                f.message.trim().to_string(),
            ];
            if all {
                row.insert(0, k.event_namespace(f.object).into());
            }
            row
        })
        .collect();
    super::table::render_rows(&header, &rows, no_headers)
}

/// `kubectl events -w`: the events the watch starts with, then each new or repeated one.
fn watched(k: &Kube, listed: &[(Folded, Value)], format: &Format, no_headers: bool) -> Outcome {
    match format {
        Format::Table if listed.is_empty() => {
            let (first, watch) = Watch::rows("", false, false);
            Outcome::Watch { first, watch }
        }
        Format::Table => {
            let keys = listed
                .iter()
                .map(|(f, o)| {
                    let name = o["metadata"]["name"].as_str().unwrap_or_default();
                    (
                        list_order::key(Some(k.event_namespace(f.object)), name),
                        format!("{} {}", f.count, f.last),
                    )
                })
                .collect();
            // The watch reads the columns from the header; `--no-headers` drops it from what
            // is printed first.
            let (first, watch) = Watch::keyed_rows(&table(k, listed, false), keys, false, false);
            let first = if no_headers {
                super::table::rows_only(&first)
            } else {
                first
            };
            Outcome::Watch { first, watch }
        }
        other => {
            let template = match other {
                Format::JsonPath(t) => Some(t),
                _ => None,
            };
            let output = match other {
                Format::Json => parse::Output::Json,
                Format::Yaml => parse::Output::Yaml,
                Format::Name => parse::Output::Name,
                _ => parse::Output::JsonPath,
            };
            let how = parse::GetWatch {
                only: false,
                events: false,
            };
            super::events::watched_objects(k, listed, output, template, how)
        }
    }
}
