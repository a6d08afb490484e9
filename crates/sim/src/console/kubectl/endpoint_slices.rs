//! `kubectl get|describe endpointslices`: the EndpointSlices (`discovery.k8s.io/v1`) the
//! EndpointSlice controller keeps for each Service, the objects kube-proxy programs traffic
//! from and `kubectl describe svc` reads (Kubernetes documentation, "EndpointSlices").
//!
//! - One slice per Service (a slice holds up to 100 endpoints by default; Orca's Services stay
//!   below that). Its name is the Service's and a five-letter suffix (`generateName`, drawn
//!   here from the Service's namespace and name [model: the API server draws it at random]);
//!   the `kubernetes` Service's slice, which the API server keeps itself, is `kubernetes`.
//! - Labels: the Service's own, `endpointslice.kubernetes.io/managed-by=
//!   endpointslice-controller.k8s.io` and `kubernetes.io/service-name=NAME` (only the last for
//!   `kubernetes` [inferred]); the annotation `endpoints.kubernetes.io/last-change-trigger-time`
//!   [model: the last pod of the slice created or turned ready].
//! - Endpoints: every pod the selector matches that has an address, ready or not
//!   (`conditions.ready`, `serving`; `terminating` false: a terminating pod is no endpoint in
//!   Orca [model]), with its node, zone and `targetRef`; ports are the Service's target ports.
//! - `kubectl get`: NAME, ADDRESSTYPE, PORTS (up to three port numbers), ENDPOINTS (up to three
//!   addresses, then `+ N more...`; `<unset>` when empty), AGE (kubectl's
//!   `printEndpointSlice`, `formatDiscoveryPorts`, `formatDiscoveryEndpoints`); `-o
//!   yaml|json|name`, `-l kubernetes.io/service-name=web`, `-A`.
//! - `kubectl describe` (`describeEndpointSlice`) matches names by prefix, as kubectl's
//!   describe does, so `kubectl describe endpointslice web` shows the Service's slice.

use serde_json::{Value, json};

use super::get::age;
use super::labels::Selector;
use super::namespaces_endpoints::of_service;
use super::objects::{sorted, ts, uid};
use super::parse::{self, Flags, Parsed};
use super::services::{ServiceRow, services};
use super::{Kube, Outcome};
use crate::console::Context;
use crate::time::SimTime;

const GET: &[(&str, bool)] = &[
    ("namespace", true),
    ("all-namespaces", false),
    ("output", true),
    ("selector", true),
    ("no-headers", false),
];

const DESCRIBE: &[(&str, bool)] = &[
    ("namespace", true),
    ("all-namespaces", false),
    ("selector", true),
];

/// A word naming the type, alone or as `TYPE/NAME`.
fn is_type(word: &str) -> bool {
    super::kind::names_type(
        word,
        &[
            "endpointslices",
            "endpointslice",
            "endpointslices.discovery.k8s.io",
            "endpointslice.discovery.k8s.io",
        ],
    )
}

/// `kubectl get|describe endpointslices …`, if `words` is that command.
pub fn run(words: &[String], cx: &Context) -> Option<Outcome> {
    let words = parse::command_first(words);
    let (verb, rest) = words.split_first()?;
    let known = match verb.as_str() {
        "get" => GET,
        "describe" => DESCRIBE,
        _ => return None,
    };
    if !rest.iter().any(|w| !w.starts_with('-') && is_type(w)) {
        return None;
    }
    let line = match (Flags { cmd: verb, known }).parse(rest) {
        Ok(l) => l,
        Err(e) => return Some(Outcome::Fail(e)),
    };
    if !line.positional.first().is_some_and(|w| is_type(w)) {
        return None;
    }
    let names: Vec<String> = line
        .positional
        .iter()
        .enumerate()
        .filter_map(|(i, w)| match w.split_once('/') {
            Some((_, n)) => Some(n.to_string()),
            None if i > 0 => Some(w.clone()),
            None => None,
        })
        .collect();
    Some(super::rbac::with_cluster(cx, |eks| {
        let k = Kube {
            eks,
            cx,
            now: cx.now,
            scope: parse::scope_of(&line),
        };
        let selector = match line.get("selector").map(Selector::parse).transpose() {
            Ok(s) => s,
            Err(e) => return Outcome::Fail(e),
        };
        let slices: Vec<Slice> = services(&k)
            .into_iter()
            .map(|s| Slice::of(&k, s))
            .filter(|s| selector.as_ref().is_none_or(|sel| sel.matches(&s.labels)))
            .collect();
        if verb == "get" {
            get(&k, &slices, &names, &line)
        } else {
            describe(&k, &slices, &names)
        }
    }))
}

/// One endpoint: a pod's address.
struct Endpoint {
    ip: String,
    ready: bool,
    pod: Option<usize>,
}

/// One EndpointSlice.
struct Slice {
    name: String,
    service: ServiceRow,
    labels: Vec<(String, String)>,
    trigger: Option<SimTime>,
    endpoints: Vec<Endpoint>,
}

impl Slice {
    fn of(k: &Kube, service: ServiceRow) -> Slice {
        let eps = of_service(k, &service);
        let endpoints: Vec<Endpoint> = eps
            .ready
            .iter()
            .map(|a| (a, true))
            .chain(eps.not_ready.iter().map(|a| (a, false)))
            .map(|(a, ready)| Endpoint {
                ip: a.ip.clone(),
                ready,
                pod: a.pod,
            })
            .collect();
        let trigger = endpoints
            .iter()
            .filter_map(|e| e.pod)
            .map(|p| {
                let pod = &k.eks.pods[p];
                pod.ready_since
                    .unwrap_or(pod.created_at)
                    .max(pod.created_at)
            })
            .max();
        let (name, labels) = if service.deployment.is_none() {
            let labels = vec![("kubernetes.io/service-name".into(), service.name.clone())];
            (service.name.clone(), labels)
        } else {
            let mut labels = service.labels.clone();
            labels.push((
                "endpointslice.kubernetes.io/managed-by".into(),
                "endpointslice-controller.k8s.io".into(),
            ));
            labels.push(("kubernetes.io/service-name".into(), service.name.clone()));
            labels.sort();
            let name = format!("{}-{}", service.name, suffix(&service));
            (name, labels)
        };
        Slice {
            name,
            service,
            labels,
            trigger,
            endpoints,
        }
    }

    /// The ports: the Service's target ports.
    fn ports(&self) -> impl Iterator<Item = (Option<&'static str>, u16, &'static str)> + '_ {
        self.service
            .port_list
            .iter()
            .map(|p| (p.name, p.target_port, p.protocol))
    }
}

/// A `generateName` suffix: five of the letters and digits the API server draws from
/// (`utilrand.String`: no vowels, no 0, 1 or 3), from the Service's namespace and name.
fn suffix(s: &ServiceRow) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h = crate::hash::fnv(&format!("endpointslice/{}/{}", s.namespace, s.name));
    (0..5)
        .map(|_| {
            let c = ALPHABET[(h % ALPHABET.len() as u64) as usize] as char;
            h /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

/// The slices a command names (all without names), in order, and the NotFound errors.
fn picked<'a>(slices: &'a [Slice], names: &[String], prefix: bool) -> (Vec<&'a Slice>, String) {
    if names.is_empty() {
        return (slices.iter().collect(), String::new());
    }
    let mut found = Vec::new();
    let mut missing = String::new();
    for n in names {
        let exact: Vec<&Slice> = slices.iter().filter(|s| &s.name == n).collect();
        let matched: Vec<&Slice> = if exact.is_empty() && prefix {
            slices
                .iter()
                .filter(|s| s.name.starts_with(n.as_str()))
                .collect()
        } else {
            exact
        };
        if matched.is_empty() {
            missing.push_str(&format!(
                "Error from server (NotFound): endpointslices.discovery.k8s.io \"{n}\" not found\n"
            ));
        }
        found.extend(matched);
    }
    (found, missing)
}

fn get(k: &Kube, slices: &[Slice], names: &[String], line: &Parsed) -> Outcome {
    let (found, missing) = picked(slices, names, false);
    if found.is_empty() {
        return if missing.is_empty() {
            Outcome::Print(k.no_resources())
        } else {
            Outcome::Fail(missing)
        };
    }
    let out = match line.get("output") {
        None => table(k, &found, line.has("no-headers")),
        Some("name") => found
            .iter()
            .map(|s| format!("endpointslice.discovery.k8s.io/{}\n", s.name))
            .collect(),
        Some(o @ ("yaml" | "json")) => {
            let items: Vec<Value> = found.iter().map(|s| object(k, s)).collect();
            let value = super::yaml::list_of(items, names.len() == 1);
            if o == "json" {
                super::yaml::json_text(&value)
            } else {
                super::yaml::to_yaml(&value)
            }
        }
        Some(o) => {
            return Outcome::Fail(format!(
                "error: Orca's console prints endpointslices as a table or with -o yaml, -o json or -o name, not -o {o}\n"
            ));
        }
    };
    Outcome::Print(out + &missing)
}

/// Up to three items, then `+ N more...` (kubectl's `listWithMoreString`).
fn three(items: Vec<String>, empty: &str) -> String {
    if items.is_empty() {
        return empty.into();
    }
    let shown = items[..items.len().min(3)].join(",");
    match items.len() {
        n if n > 3 => format!("{shown} + {} more...", n - 3),
        _ => shown,
    }
}

fn table(k: &Kube, found: &[&Slice], no_headers: bool) -> String {
    let all = k.all_namespaces();
    let mut header = vec!["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"];
    if all {
        header.insert(0, "NAMESPACE");
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|s| {
            let ports = three(
                s.ports().map(|(_, p, _)| p.to_string()).collect(),
                "<unset>",
            );
            let endpoints = three(
                s.endpoints.iter().map(|e| e.ip.clone()).collect(),
                "<unset>",
            );
            let mut row = vec![
                s.name.clone(),
                "IPv4".into(),
                ports,
                endpoints,
                age(k.now, SimTime::ZERO),
            ];
            if all {
                row.insert(0, s.service.namespace.clone());
            }
            row
        })
        .collect();
    super::table::render_rows(&header, &rows, no_headers)
}

/// The EndpointSlice as the API serves it.
fn object(k: &Kube, s: &Slice) -> Value {
    let endpoints: Vec<Value> = s
        .endpoints
        .iter()
        .map(|e| {
            let mut v = json!({
                "addresses": [e.ip],
                "conditions": {"ready": e.ready, "serving": e.ready, "terminating": false},
            });
            if let Some(p) = e.pod {
                let pod = &k.eks.pods[p];
                if let Some(n) = pod.node {
                    v["nodeName"] = json!(k.eks.nodes[n].name);
                    v["zone"] = json!(k.eks.nodes[n].zone);
                }
                v["targetRef"] = json!({"kind": "Pod", "name": pod.name, "namespace": k.pod_namespace(p), "uid": pod.uid});
            }
            v
        })
        .collect();
    let ports: Vec<Value> = s
        .ports()
        .map(|(name, port, protocol)| {
            let mut v = json!({"port": port, "protocol": protocol});
            if let Some(n) = name {
                v["name"] = json!(n);
            }
            v
        })
        .collect();
    let labels: serde_json::Map<String, Value> = s
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let mut metadata = json!({
        "creationTimestamp": ts(SimTime::ZERO),
        "labels": labels,
        "name": s.name,
        "namespace": s.service.namespace,
        "uid": uid("EndpointSlice", &s.name),
    });
    if s.service.deployment.is_some() {
        metadata["generateName"] = json!(format!("{}-", s.service.name));
        metadata["ownerReferences"] = json!([{"apiVersion": "v1", "blockOwnerDeletion": true, "controller": true, "kind": "Service", "name": s.service.name, "uid": uid("Service", &s.service.name)}]);
        if let Some(t) = s.trigger {
            metadata["annotations"] =
                json!({"endpoints.kubernetes.io/last-change-trigger-time": ts(t)});
        }
    }
    sorted(json!({
        "addressType": "IPv4",
        "apiVersion": "discovery.k8s.io/v1",
        "endpoints": endpoints,
        "kind": "EndpointSlice",
        "metadata": metadata,
        "ports": ports,
    }))
}

/// `kubectl describe endpointslice` (`describeEndpointSlice`), with kubectl's tabwriter.
fn describe(k: &Kube, slices: &[Slice], names: &[String]) -> Outcome {
    let (found, missing) = picked(slices, names, true);
    if found.is_empty() {
        return if missing.is_empty() {
            Outcome::Print(k.no_resources())
        } else {
            Outcome::Fail(missing)
        };
    }
    let texts: Vec<String> = found.iter().map(|s| describe_one(k, s)).collect();
    Outcome::Print(texts.join("\n\n") + &missing)
}

fn describe_one(k: &Kube, s: &Slice) -> String {
    let mut o = String::new();
    let mut push = |line: String| {
        o.push_str(&line);
        o.push('\n');
    };
    push(format!("Name:\t{}", s.name));
    push(format!("Namespace:\t{}", s.service.namespace));
    for (i, (key, v)) in s.labels.iter().enumerate() {
        push(format!(
            "{}\t{key}={v}",
            if i == 0 { "Labels:" } else { "" }
        ));
    }
    match s.trigger.filter(|_| s.service.deployment.is_some()) {
        Some(t) => push(format!(
            "Annotations:\tendpoints.kubernetes.io/last-change-trigger-time: {}",
            ts(t)
        )),
        None => push("Annotations:\t<none>".into()),
    }
    push("AddressType:\tIPv4".into());
    push("Ports:".into());
    let ports: Vec<_> = s.ports().collect();
    for line in super::namespaces_endpoints::ports_table("  ", &ports).lines() {
        push(line.to_string());
    }
    push("Endpoints:".into());
    for e in &s.endpoints {
        push(format!("  - Addresses:\t{}", e.ip));
        push("    Conditions:".into());
        push(format!("      Ready:\t{}", e.ready));
        push("    Hostname:\t<unset>".into());
        let pod = e.pod.map(|p| &k.eks.pods[p]);
        if let Some(pod) = pod {
            push(format!("    TargetRef:\tPod/{}", pod.name));
        }
        let node = pod.and_then(|p| p.node).map(|n| &k.eks.nodes[n]);
        push(format!(
            "    NodeName:\t{}",
            node.map_or("<unset>", |n| n.name.as_str())
        ));
        push(format!(
            "    Zone:\t{}",
            node.map_or("<unset>", |n| n.zone.as_str())
        ));
    }
    push("Events:\t<none>".into());
    super::pod_template::aligned(&o)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_then_how_many_more() {
        let v = |n: usize| (1..=n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(three(v(0), "<unset>"), "<unset>");
        assert_eq!(three(v(3), ""), "1,2,3");
        assert_eq!(three(v(5), ""), "1,2,3 + 2 more...");
    }
}
