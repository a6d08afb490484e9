//! `kubectl get|describe namespaces` and `kubectl get|describe endpoints`: the namespaces of the
//! simulated cluster, and the addresses each Service sends traffic to (kubectl's printers,
//! `pkg/printers/internalversion/printers.go`: `namespaceColumnDefinitions`,
//! `endpointColumnDefinitions` and `formatEndpoints`; `kubectl describe`'s
//! `NamespaceDescriber` and `EndpointsDescriber`).
//!
//! A Service's endpoints are the ready pods its selector matches: a pod that is Running but
//! not ready is listed under `NotReadyAddresses` and gets no traffic (Kubernetes documentation,
//! "Pod Lifecycle", Pod readiness).

use std::fmt::Write;

use serde_json::{Value, json};

use super::get::age;
use super::parse::{Kind, Output};
use super::services::{ServiceRow, services};
use super::table::render;
use super::{Kube, Outcome};
use crate::k8s::read;
use crate::time::SimTime;

/// Is this a kind this file prints.
pub fn handles(kind: Kind) -> bool {
    matches!(kind, Kind::Namespace | Kind::Endpoints)
}

/// An address behind a Service: the pod's IP and, for a pod, which pod.
pub struct Address {
    pub ip: String,
    pub pod: Option<usize>,
}

/// The addresses behind a Service: its ready pods and the others that run, each sorted by
/// address as the endpoints controller sorts them (`LessEndpointAddress` compares the
/// addresses' bytes: 10.0.0.10 before 10.0.0.9), and the ports they serve (the Service's
/// target ports: name, number, protocol).
pub struct ServiceEndpoints {
    pub ready: Vec<Address>,
    pub not_ready: Vec<Address>,
    pub ports: Vec<(Option<&'static str>, u16, &'static str)>,
}

impl ServiceEndpoints {
    /// `ip:port` of each ready address, port by port, for kubectl's ENDPOINTS column
    /// (`formatEndpoints` walks a subset's ports, then its addresses).
    pub fn ready_with_port(&self) -> Vec<String> {
        self.ports
            .iter()
            .flat_map(|&(_, port, _)| self.ready.iter().map(move |a| format!("{}:{port}", a.ip)))
            .collect()
    }

    /// `ip:port` of each ready address for one port (`kubectl describe svc`'s Endpoints).
    pub fn ready_on(&self, port: u16) -> Vec<String> {
        self.ready
            .iter()
            .map(|a| format!("{}:{port}", a.ip))
            .collect()
    }
}

/// The endpoints of Service `s`. The `kubernetes` Service's are the API server's: the two
/// network interfaces EKS places in the cluster's first two subnets [model: EKS documents
/// that it creates them there (Amazon EKS User Guide, "View Amazon EKS networking
/// requirements for VPC and subnets"); Orca gives them each subnet's last usable address,
/// which it never hands to a task or pod before every other one].
pub fn of_service(k: &Kube, s: &ServiceRow) -> ServiceEndpoints {
    let Some(d) = s.deployment else {
        let ready =
            k.cx.world
                .net
                .zones
                .iter()
                .take(2)
                .filter_map(|z| last_usable(&z.subnet_cidr))
                .map(|ip| Address { ip, pod: None })
                .collect();
        return ServiceEndpoints {
            ready,
            not_ready: Vec::new(),
            ports: vec![(Some("https"), 443, "TCP")],
        };
    };
    let (mut ready, mut not_ready) = (Vec::new(), Vec::new());
    for p in k.pods().filter(|&p| k.eks.pod_deployment(p) == d) {
        let pod = &k.eks.pods[p];
        let Some(ip) = pod.ip.as_ref().filter(|_| pod.counts()) else {
            continue;
        };
        let address = Address {
            ip: ip.clone(),
            pod: Some(p),
        };
        if pod.ready {
            ready.push(address);
        } else {
            not_ready.push(address);
        }
    }
    ready.sort_by(|a, b| a.ip.cmp(&b.ip));
    not_ready.sort_by(|a, b| a.ip.cmp(&b.ip));
    ServiceEndpoints {
        ready,
        not_ready,
        ports: s
            .port_list
            .iter()
            .map(|p| (p.name, p.target_port, p.protocol))
            .collect(),
    }
}

/// kubectl's `formatEndpoints`: the first three ready addresses, then `+ N more...`;
/// `<none>` when no pod is ready.
pub fn summary(addresses: &[String]) -> String {
    const MAX: usize = 3;
    if addresses.is_empty() {
        return "<none>".into();
    }
    let shown = addresses[..addresses.len().min(MAX)].join(",");
    if addresses.len() > MAX {
        format!("{shown} + {} more...", addresses.len() - MAX)
    } else {
        shown
    }
}

/// The last address of a subnet that AWS does not reserve (the one before its broadcast
/// address), e.g. `10.0.15.254` for `10.0.0.0/20`.
fn last_usable(cidr: &str) -> Option<String> {
    let (base, bits) = cidr.split_once('/')?;
    let bits: u32 = bits.parse().ok().filter(|b| (8..=28).contains(b))?;
    let base: std::net::Ipv4Addr = base.parse().ok()?;
    let size = 1u32 << (32 - bits);
    Some(std::net::Ipv4Addr::from(u32::from(base) + size - 2).to_string())
}

/// The names of the objects of `kind` in scope.
fn names_of(k: &Kube, kind: Kind) -> Vec<String> {
    match kind {
        Kind::Namespace => read::namespaces(k.eks),
        _ => services(k).into_iter().map(|s| s.name).collect(),
    }
}

/// `kubectl get namespaces|endpoints [NAME…]`.
pub fn get(k: &Kube, kind: Kind, names: &[String], output: Output) -> Outcome {
    let all = names_of(k, kind);
    let (found, missing) = match k.named(kind, &all, names) {
        Ok(picked) => picked,
        Err(nothing) => return nothing,
    };
    let out = match output {
        Output::Name => found
            .iter()
            .map(|n| format!("{}/{n}\n", kind.prefix()))
            .collect(),
        Output::Json | Output::Yaml => {
            let items = found.iter().map(|n| object(k, kind, n)).collect();
            let value = super::yaml::list_of(items, names.len() == 1);
            if output == Output::Json {
                super::yaml::json_text(&value)
            } else {
                super::yaml::to_yaml(&value)
            }
        }
        _ => table(k, kind, &found),
    };
    Outcome::Print(out + &missing)
}

fn table(k: &Kube, kind: Kind, found: &[&String]) -> String {
    match kind {
        Kind::Namespace => {
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|n| vec![n.to_string(), "Active".into(), age(k.now, SimTime::ZERO)])
                .collect();
            render(&["NAME", "STATUS", "AGE"], &rows)
        }
        _ => {
            let all = services(k);
            let rows: Vec<Vec<String>> = all
                .iter()
                .filter(|s| found.contains(&&s.name))
                .map(|s| {
                    let mut row = vec![
                        s.name.clone(),
                        summary(&of_service(k, s).ready_with_port()),
                        age(k.now, SimTime::ZERO),
                    ];
                    if k.all_namespaces() {
                        row.insert(0, s.namespace.clone());
                    }
                    row
                })
                .collect();
            let mut header = vec!["NAME", "ENDPOINTS", "AGE"];
            if k.all_namespaces() {
                header.insert(0, "NAMESPACE");
            }
            render(&header, &rows)
        }
    }
}

/// The object `-o yaml|json` prints.
fn object(k: &Kube, kind: Kind, name: &str) -> Value {
    let created = super::objects::ts(SimTime::ZERO);
    match kind {
        Kind::Namespace => json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {
                "creationTimestamp": created,
                "labels": {"kubernetes.io/metadata.name": name},
                "name": name,
            },
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        }),
        _ => {
            let Some(s) = services(k).into_iter().find(|s| s.name == name) else {
                return Value::Null;
            };
            let eps = of_service(k, &s);
            // As the API serves it: each address with its node and the pod it points to.
            let addresses = |v: &[Address]| -> Value {
                v.iter()
                    .map(|a| match a.pod {
                        Some(p) => {
                            let pod = &k.eks.pods[p];
                            let mut o = json!({"ip": a.ip});
                            if let Some(n) = pod.node {
                                o["nodeName"] = json!(k.eks.nodes[n].name);
                            }
                            o["targetRef"] = json!({"kind": "Pod", "name": pod.name, "namespace": k.pod_namespace(p)});
                            o
                        }
                        None => json!({"ip": a.ip}),
                    })
                    .collect()
            };
            let mut subset = serde_json::Map::new();
            if !eps.ready.is_empty() {
                subset.insert("addresses".into(), addresses(&eps.ready));
            }
            if !eps.not_ready.is_empty() {
                subset.insert("notReadyAddresses".into(), addresses(&eps.not_ready));
            }
            let ports: Vec<Value> = eps
                .ports
                .iter()
                .map(|&(name, port, protocol)| {
                    let mut p = json!({"port": port, "protocol": protocol});
                    if let Some(n) = name {
                        p["name"] = json!(n);
                    }
                    p
                })
                .collect();
            subset.insert("ports".into(), Value::Array(ports));
            let mut value = json!({
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {"creationTimestamp": created, "name": s.name, "namespace": s.namespace},
            });
            if !eps.ready.is_empty() || !eps.not_ready.is_empty() {
                value["subsets"] = json!([Value::Object(subset)]);
            }
            value
        }
    }
}

/// `kubectl describe namespace|endpoints [NAME…]` (all of them without a name).
pub fn describe(k: &Kube, kind: Kind, names: &[String]) -> Outcome {
    let all = names_of(k, kind);
    let wanted: Vec<&String> = if names.is_empty() {
        all.iter().collect()
    } else {
        names.iter().collect()
    };
    let mut out = Vec::new();
    for name in wanted {
        if !all.contains(name) {
            return Kube::not_found(kind, name);
        }
        let mut o = String::new();
        if kind == Kind::Namespace {
            let _ = writeln!(o, "Name:         {name}");
            let _ = writeln!(o, "Labels:       kubernetes.io/metadata.name={name}");
            o.push_str("Annotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n");
        } else if let Some(s) = services(k).into_iter().find(|s| &s.name == name) {
            let eps = of_service(k, &s);
            let list = |v: &[Address]| -> String {
                if v.is_empty() {
                    "<none>".into()
                } else {
                    v.iter()
                        .map(|a| a.ip.as_str())
                        .collect::<Vec<_>>()
                        .join(",")
                }
            };
            let _ = writeln!(o, "Name:         {}", s.name);
            let _ = writeln!(o, "Namespace:    {}", s.namespace);
            o.push_str("Labels:       <none>\nAnnotations:  <none>\nSubsets:\n");
            let _ = writeln!(o, "  Addresses:          {}", list(&eps.ready));
            let _ = writeln!(o, "  NotReadyAddresses:  {}", list(&eps.not_ready));
            o.push_str("  Ports:\n");
            o.push_str(&ports_table("    ", &eps.ports));
            o.push('\n');
            o.push_str("Events:  <none>\n");
        }
        out.push(o);
    }
    Outcome::Print(out.join("\n\n"))
}

/// `kubectl describe service` (kubectl `pkg/describe/describe.go`, `describeService`, with
/// its tabwriter: every key padded to the widest, `External Traffic Policy:` or `Internal
/// Traffic Policy:`, plus two). Per port: `Port`, `TargetPort`, `NodePort` for a
/// LoadBalancer or NodePort Service, and `Endpoints` from its EndpointSlices (three ready
/// addresses, then how many more; empty when none is ready).
pub fn describe_service(k: &Kube, s: &ServiceRow) -> String {
    const W: usize = 26;
    let mut o = String::new();
    let mut line = |key: &str, value: &str| {
        let key = if key.is_empty() {
            String::new()
        } else {
            format!("{key}:")
        };
        let _ = writeln!(o, "{key:<W$}{value}");
    };
    let multiline = |items: Vec<String>, line: &mut dyn FnMut(&str, &str), key: &str| {
        if items.is_empty() {
            line(key, "<none>");
        }
        for (i, item) in items.iter().enumerate() {
            line(if i == 0 { key } else { "" }, item);
        }
    };
    line("Name", &s.name);
    line("Namespace", &s.namespace);
    let labels = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    multiline(labels, &mut line, "Labels");
    let annotations = s
        .annotations
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    multiline(annotations, &mut line, "Annotations");
    let selector = crate::k8s::cluster::EksCluster::format_labels(&s.selector);
    line(
        "Selector",
        if selector.is_empty() {
            "<none>"
        } else {
            &selector
        },
    );
    line("Type", &s.kind);
    line("IP Family Policy", "SingleStack");
    line("IP Families", "IPv4");
    line("IP", &s.cluster_ip);
    line("IPs", &s.cluster_ip);
    let exposed = s.kind == "LoadBalancer" || s.kind == "NodePort";
    if s.kind == "LoadBalancer" {
        line("LoadBalancer Ingress", &s.external);
    }
    let eps = of_service(k, s);
    for p in &s.port_list {
        let name = p.name.unwrap_or("<unset>");
        line("Port", &format!("{name}  {}/{}", p.port, p.protocol));
        line("TargetPort", &format!("{}/{}", p.target_port, p.protocol));
        if let Some(node_port) = p.node_port {
            line("NodePort", &format!("{name}  {node_port}/{}", p.protocol));
        }
        let ready = eps.ready_on(p.target_port);
        let endpoints = if ready.is_empty() {
            String::new()
        } else {
            summary(&ready)
        };
        line("Endpoints", &endpoints);
    }
    line("Session Affinity", "None");
    if exposed {
        line("External Traffic Policy", "Cluster");
    }
    line("Internal Traffic Policy", "Cluster");
    line("Events", "<none>");
    // (A key with an empty value keeps its padding, as the tabwriter leaves it.)
    o
}

/// A describer's table of ports, `Name  Port  Protocol`, each line after `indent` (kubectl's
/// tabwriter pads describe's tables by two).
pub(super) fn ports_table(indent: &str, ports: &[(Option<&str>, u16, &str)]) -> String {
    let dashes = ["----", "----", "--------"].map(String::from).to_vec();
    let rows: Vec<Vec<String>> = std::iter::once(dashes)
        .chain(ports.iter().map(|&(name, port, protocol)| {
            vec![
                name.unwrap_or("<unset>").to_string(),
                port.to_string(),
                protocol.to_string(),
            ]
        }))
        .collect();
    super::table::render_padded(&["Name", "Port", "Protocol"], &rows, 2)
        .lines()
        .map(|l| format!("{indent}{l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subnets_last_usable_address_is_before_its_broadcast_address() {
        assert_eq!(last_usable("10.0.0.0/20").as_deref(), Some("10.0.15.254"));
        assert_eq!(last_usable("10.0.16.0/20").as_deref(), Some("10.0.31.254"));
        assert_eq!(
            last_usable("192.168.1.0/24").as_deref(),
            Some("192.168.1.254")
        );
        assert_eq!(last_usable("nonsense"), None);
    }

    #[test]
    fn endpoints_list_three_addresses_then_say_how_many_more() {
        let a = |n: usize| {
            (1..=n)
                .map(|i| format!("10.0.0.{i}:80"))
                .collect::<Vec<_>>()
        };
        assert_eq!(summary(&[]), "<none>");
        assert_eq!(summary(&a(2)), "10.0.0.1:80,10.0.0.2:80");
        assert_eq!(summary(&a(3)), "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80");
        assert_eq!(
            summary(&a(5)),
            "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 2 more..."
        );
    }
}
