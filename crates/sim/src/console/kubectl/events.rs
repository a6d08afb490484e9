//! `kubectl get events`: the run's Kubernetes events as the API server keeps them, one Event
//! object per object, reason and message (a repeat bumps its `count` and `lastTimestamp`), for
//! an hour (the API server's default event TTL).
//!
//! The table lists them in the order of their last occurrence. `--sort-by` takes any path of
//! the object (`.metadata.creationTimestamp`, the common idiom, is the first occurrence;
//! `.lastTimestamp`, `.count`, …), and `-o yaml|json|name|jsonpath|custom-columns` print the
//! objects: `v1` Events with `involvedObject`, `source`, `firstTimestamp`, `lastTimestamp` and
//! `count` as core/v1 writes them (Kubernetes API reference, "Event v1 core"). `-o wide` adds
//! SUBOBJECT (`involvedObject.fieldPath`: the container of a kubelet's container event), SOURCE
//! (`component, host`), FIRST SEEN, COUNT and NAME, as kubectl's `printEvent` does
//! (kubernetes pkg/printers/internalversion/printers.go). An event's name is
//! its object's name and the first occurrence in Unix nanoseconds in hex, as client-go's event
//! recorder names them (`fmt.Sprintf("%v.%x", ref.Name, t.UnixNano())`, client-go
//! tools/record/event.go).

use std::borrow::Cow;

use serde_json::{Value, json};

use super::jsonpath::{self, Template};
use super::list_order;
use super::objects::{self, ts};
use super::parse::{GetWatch, Kind, Output};
use super::select::{FieldSelector, sort_by_path};
use super::table::render;
use super::yaml::{json_text, list_of};
use super::{Kube, Outcome, reporter};
use crate::console::watch::Watch;
use crate::event::EventKind;
use crate::time::{Millis, SimTime};

/// One Event object: the occurrences of one reason and message for one object.
pub(super) struct Folded<'a> {
    pub warning: bool,
    pub reason: &'a str,
    /// `pod/web-…`, as the run's events name their object.
    pub object: &'a str,
    /// The container a kubelet's event is about (`spec.containers{app}`), or empty.
    field_path: &'a str,
    pub message: Cow<'a, str>,
    pub first: SimTime,
    pub last: SimTime,
    pub count: u32,
    /// Objects of this name first seen at the same millisecond before this one (their names
    /// differ in the nanoseconds, as two occurrences a few nanoseconds apart do).
    same_moment: u32,
}

/// The events in scope, folded into objects, in the order of their last occurrence.
pub(super) fn folded<'a>(k: &'a Kube) -> Vec<Folded<'a>> {
    let mut rows: Vec<Folded> = Vec::new();
    for e in k.kube_events() {
        let EventKind::Kube {
            warning,
            reason,
            object,
            field_path,
        } = &e.kind
        else {
            continue;
        };
        if k.now.since(e.at) > Millis::from_secs(3600) || !k.in_scope(k.event_namespace(object)) {
            continue;
        }
        let message = e.message();
        let field_path = field_path.as_deref().unwrap_or_default();
        // The event recorder folds repeats by source, object (its field path included),
        // reason and message (client-go tools/record events_cache.go `getEventKey`).
        match rows.iter_mut().find(|r| {
            r.reason == reason.as_ref()
                && r.object == object.as_ref()
                && r.field_path == field_path
                && r.message == message
        }) {
            Some(r) => {
                r.last = e.at;
                r.count += 1;
            }
            None => {
                let same_moment = rows
                    .iter()
                    .filter(|r| r.first == e.at && r.object == object.as_ref())
                    .count() as u32;
                rows.push(Folded {
                    warning: *warning,
                    reason,
                    object,
                    field_path,
                    message,
                    first: e.at,
                    last: e.at,
                    count: 1,
                    same_moment,
                });
            }
        }
    }
    rows.sort_by_key(|r| r.last);
    rows
}

/// The kind and API version of an event's object (`pod` → `Pod`, `v1`).
pub(super) fn involved_kind(kind: &str) -> (&str, &'static str) {
    match kind {
        "pod" => ("Pod", "v1"),
        "node" => ("Node", "v1"),
        "service" => ("Service", "v1"),
        "persistentvolumeclaim" => ("PersistentVolumeClaim", "v1"),
        "deployment" => ("Deployment", "apps/v1"),
        "replicaset" => ("ReplicaSet", "apps/v1"),
        "statefulset" => ("StatefulSet", "apps/v1"),
        "daemonset" => ("DaemonSet", "apps/v1"),
        "horizontalpodautoscaler" => ("HorizontalPodAutoscaler", "autoscaling/v2"),
        "poddisruptionbudget" => ("PodDisruptionBudget", "policy/v1"),
        "nodeclaim" => ("NodeClaim", "karpenter.sh/v1"),
        "nodepool" => ("NodePool", "karpenter.sh/v1"),
        other => (other, "v1"),
    }
}

/// The Event object of `f`, as `kubectl get events -o json` prints it.
pub(super) fn object(k: &Kube, f: &Folded) -> Value {
    let (kind, name) = f.object.split_once('/').unwrap_or(("", f.object));
    let (kind, api_version) = involved_kind(kind);
    let namespace = k.event_namespace(f.object);
    // A cluster-scoped object's reference has no namespace; its events are in `default`.
    let cluster_scoped = matches!(kind, "Node" | "NodeClaim" | "NodePool");
    let mut involved = json!({"apiVersion": api_version, "kind": kind, "name": name});
    if !cluster_scoped {
        involved["namespace"] = json!(namespace);
    }
    if !f.field_path.is_empty() {
        involved["fieldPath"] = json!(f.field_path);
    }
    let component = reporter(f.reason);
    // The kubelet reports from its node: `source.host` and `reportingInstance` name it.
    let host = (component == "kubelet")
        .then(|| match kind {
            "Node" => Some(name.to_string()),
            "Pod" => k
                .eks
                .pods
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.node)
                .map(|n| k.eks.nodes[n].name.clone()),
            _ => None,
        })
        .flatten();
    let mut source = json!({"component": component});
    if let Some(h) = &host {
        source["host"] = json!(h);
    }
    let nanos = crate::logs::epoch_millis(f.first) * 1_000_000 + u64::from(f.same_moment);
    objects::sorted(json!({
        "apiVersion": "v1",
        "kind": "Event",
        "count": f.count,
        "eventTime": null,
        "firstTimestamp": ts(f.first),
        "lastTimestamp": ts(f.last),
        "involvedObject": involved,
        "message": f.message,
        "metadata": {
            "name": format!("{name}.{nanos:x}"),
            "namespace": namespace,
            "creationTimestamp": ts(f.first),
        },
        "reason": f.reason,
        "reportingComponent": component,
        "reportingInstance": host.unwrap_or_default(),
        "source": source,
        "type": if f.warning { "Warning" } else { "Normal" },
    }))
}

/// `kubectl get events` with `-o` (and its template), `--sort-by`, `--field-selector` and `-w`.
/// A watch prints an event again when it repeats (its count and last timestamp change), as
/// kubectl prints the MODIFIED Event object.
pub(super) fn get(
    k: &Kube,
    output: Output,
    template: Option<&str>,
    sort_by: Option<&str>,
    field_selector: Option<&str>,
    watch: Option<GetWatch>,
) -> Outcome {
    let selector = match field_selector
        .map(|fs| FieldSelector::parse(Kind::Event, fs))
        .transpose()
    {
        Ok(s) => s,
        Err(e) => return Outcome::Fail(e),
    };
    let mut listed: Vec<(Folded, Value)> = folded(k)
        .into_iter()
        .map(|f| {
            let o = object(k, &f);
            (f, o)
        })
        .filter(|(_, o)| selector.as_ref().is_none_or(|s| s.matches(o)))
        .collect();
    in_list_order(k, &mut listed);
    if let Some(expr) = sort_by
        && let Err(e) = sort_by_path(&mut listed, |(_, o)| o.clone(), expr)
    {
        return Outcome::Fail(e);
    }
    let template = template.unwrap_or_default();
    if let Some(how) = watch {
        return watched(k, &listed, output, template, how);
    }
    if listed.is_empty() {
        return Outcome::Print(k.no_resources());
    }
    let objects = || listed.iter().map(|(_, o)| o.clone()).collect::<Vec<_>>();
    Outcome::Print(match output {
        Output::Table => table(k, &listed, false),
        Output::Wide => table(k, &listed, true),
        Output::Name => listed
            .iter()
            .map(|(_, o)| format!("event/{}\n", o["metadata"]["name"].as_str().unwrap_or("")))
            .collect(),
        Output::Json => json_text(&list_of(objects(), false)),
        Output::Yaml => super::yaml::to_yaml(&list_of(objects(), false)),
        Output::JsonPath => match Template::parse(template) {
            Ok(t) => t.execute(&list_of(objects(), false)),
            Err(e) => return Outcome::Fail(e),
        },
        Output::CustomColumns => {
            let cols = match jsonpath::columns(template) {
                Ok(c) => c,
                Err(e) => return Outcome::Fail(e),
            };
            let header: Vec<&str> = cols.iter().map(|(h, _)| h.as_str()).collect();
            let rows: Vec<Vec<String>> = listed
                .iter()
                .map(|(_, o)| cols.iter().map(|(_, p)| jsonpath::cell(p, o)).collect())
                .collect();
            render(&header, &rows)
        }
    })
}

/// `kubectl get events -w`: the table's rows keyed by event object (it has no NAME column), or
/// each object on its own with `-o yaml|json|name|jsonpath`.
fn watched(
    k: &Kube,
    listed: &[(Folded, Value)],
    output: Output,
    template: &str,
    how: GetWatch,
) -> Outcome {
    match output {
        Output::Table | Output::Wide | Output::CustomColumns if listed.is_empty() => {
            let (first, watch) = Watch::rows(&k.no_resources(), how.only, how.events);
            Outcome::Watch { first, watch }
        }
        Output::Table | Output::Wide => {
            let keys = listed
                .iter()
                .map(|(f, o)| {
                    let name = o["metadata"]["name"].as_str().unwrap_or_default();
                    (
                        format!("{}/{name}", k.event_namespace(f.object)),
                        format!("{} {}", f.count, f.last),
                    )
                })
                .collect();
            let wide = matches!(output, Output::Wide);
            let (first, watch) =
                Watch::keyed_rows(&table(k, listed, wide), keys, how.only, how.events);
            Outcome::Watch { first, watch }
        }
        Output::CustomColumns => Outcome::Fail(
            "error: Orca's console watches events as a table or with -o yaml|json|name|jsonpath\n"
                .into(),
        ),
        Output::Json | Output::Yaml | Output::Name | Output::JsonPath => {
            let parsed = match output {
                Output::JsonPath => match Template::parse(template) {
                    Ok(t) => Some(t),
                    Err(e) => return Outcome::Fail(e),
                },
                _ => None,
            };
            watched_objects(k, listed, output, parsed.as_ref(), how)
        }
    }
}

/// The table: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (NAMESPACE first with `-A`); with
/// `-o wide`, SUBOBJECT and SOURCE after OBJECT and FIRST SEEN, COUNT and NAME after MESSAGE.
fn table(k: &Kube, listed: &[(Folded, Value)], wide: bool) -> String {
    let all_namespaces = k.all_namespaces();
    let mut header = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
    if wide {
        header.splice(4..4, ["SUBOBJECT", "SOURCE"]);
        header.extend(["FIRST SEEN", "COUNT", "NAME"]);
    }
    if all_namespaces {
        header.insert(0, "NAMESPACE");
    }
    let rows: Vec<Vec<String>> = listed
        .iter()
        .map(|(r, o)| {
            let mut row = vec![
                k.now.since(r.last).kube_age(),
                if r.warning { "Warning" } else { "Normal" }.into(),
                r.reason.into(),
                r.object.into(),
            ];
            if wide {
                row.push(r.field_path.into());
                row.push(source(o));
            }
            row.push(r.message.to_string());
            if wide {
                row.push(k.now.since(r.first).kube_age());
                row.push(r.count.to_string());
                row.push(o["metadata"]["name"].as_str().unwrap_or_default().into());
            }
            if all_namespaces {
                row.insert(0, k.event_namespace(r.object).into());
            }
            row
        })
        .collect();
    render(&header, &rows)
}

/// SOURCE: the reporting component, then `, ` and its host when it has one (kubectl's
/// `formatEventSource`: `source.component` or else `reportingComponent`, `source.host` or else
/// `reportingInstance`).
fn source(o: &Value) -> String {
    let first = |a: &str, b: &str| {
        [&o["source"][a], &o[b]]
            .into_iter()
            .filter_map(|v| v.as_str())
            .find(|s| !s.is_empty())
            .unwrap_or_default()
            .to_string()
    };
    let (component, host) = (
        first("component", "reportingComponent"),
        first("host", "reportingInstance"),
    );
    if host.is_empty() {
        component
    } else {
        format!("{component}, {host}")
    }
}

/// Events watched one object at a time (`-o yaml|json|name|jsonpath -w`), each named
/// `event/NAME` (shared with `kubectl events -w`).
pub(super) fn watched_objects(
    k: &Kube,
    listed: &[(Folded, Value)],
    output: Output,
    template: Option<&Template>,
    how: GetWatch,
) -> Outcome {
    let objects = listed
        .iter()
        .map(|(_, o)| {
            let name = o["metadata"]["name"].as_str().unwrap_or_default();
            (o.clone(), format!("event/{name}\n"))
        })
        .collect();
    super::watch_objects::watched(k, objects, output, template, how)
}

/// Events in the API server's order: by `<namespace>/<name>`, so an object's events stay
/// together (`list_order`).
pub(super) fn in_list_order(k: &Kube, listed: &mut [(Folded, Value)]) {
    listed.sort_by_cached_key(|(f, o)| {
        let name = o["metadata"]["name"].as_str().unwrap_or_default();
        list_order::key(Some(k.event_namespace(f.object)), name)
    });
}
