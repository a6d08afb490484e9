//! `dig`: a DNS query for the names of the scenario's Cloud Map namespaces or its Kubernetes
//! Services.
//!
//! A Cloud Map name goes to the VPC's Route 53 Resolver (the VPC's base address plus two),
//! answered as Route 53 answers for the records Cloud Map keeps (`crate::ecs::cloud_map`):
//! multivalue answers of at most eight healthy records, or up to eight unhealthy ones when none
//! is healthy (Amazon ECS Developer Guide, "Service discovery considerations").
//!
//! A Service's name, `<service>.<namespace>.svc.cluster.local`, goes to CoreDNS (the kube-dns
//! Service, `.10` of the service range), as from a pod: one A record, the Service's ClusterIP,
//! whichever pods are ready (readiness changes the Service's endpoints, not its DNS record);
//! TTL 5 s, the kubernetes plugin's default (CoreDNS documentation, "kubernetes" plugin).
//! Headless Services are not simulated. dig searches no domain list, so a short name is NXDOMAIN,
//! as with the real dig.
//!
//! Record values (AWS Cloud Map API Reference, DnsRecord): an A record is the instance's
//! `AWS_INSTANCE_IPV4`; an SRV record is `1 1 <AWS_INSTANCE_PORT> <instance id>.<service>.
//! <namespace>`, and that host name has an A record of its own. The output follows dig 9.18's
//! layout, without its timing lines; `+short` prints the values alone. Orca's resolver knows
//! only the scenario's namespaces: any other name is NXDOMAIN.

use super::{Context, Outcome};
use crate::ecs::cloud_map::{CloudMap, DiscoveryService, Instance};
use crate::scenario::spec::DnsRecordType;

/// The VPC's Route 53 Resolver (VPC 10.0.0.0/16).
const RESOLVER: &str = "10.0.0.2";
/// kube-dns in EKS's default service range 172.20.0.0/16.
const KUBE_DNS: &str = super::kubectl::KUBE_DNS_IP;
/// CoreDNS's kubernetes plugin answers with this TTL unless configured otherwise.
const KUBE_TTL: u32 = 5;

const USAGE: &str = "usage: dig [+short] [@server] name [A|SRV]\n";

/// `dig <words…>`.
pub fn run(words: &[String], cx: &Context) -> Outcome {
    let empty = CloudMap::default();
    let map = cx.world.ecs.as_ref().map_or(&empty, |e| &e.cloud_map);
    let mut short = false;
    let mut name = None;
    let mut kind = None;
    for w in words {
        match w.as_str() {
            "+short" => short = true,
            w if w.starts_with('+') || w.starts_with('@') => {}
            "A" | "a" => kind = Some(DnsRecordType::A),
            "SRV" | "srv" => kind = Some(DnsRecordType::Srv),
            "AAAA" | "CNAME" | "TXT" | "MX" | "NS" | "SOA" | "ANY" => {
                return Outcome::Fail(format!(
                    "dig: Orca answers A and SRV queries (the record types ECS service discovery creates), not {w}\n"
                ));
            }
            w if w.starts_with('-') => {
                return Outcome::Fail(format!("dig: option {w} is not simulated\n{USAGE}"));
            }
            w if name.is_none() => name = Some(w.to_string()),
            w => {
                return Outcome::Fail(format!("dig: one name at a time ({w}?)\n{USAGE}"));
            }
        }
    }
    let Some(name) = name else {
        return Outcome::Fail(USAGE.into());
    };
    let kind = kind.unwrap_or(DnsRecordType::A);
    let fqdn = format!("{}.", name.trim_end_matches('.').to_ascii_lowercase());
    let services = super::kubectl::service_names(cx);
    let kube = fqdn.ends_with(".cluster.local.") && cx.world.eks.is_some();
    let (status, answers) = if kube {
        kube_answer(&services, &fqdn, kind)
    } else {
        answer(map, &fqdn, kind)
    };
    // From a pod (an EKS-only world has no other place to ask from), CoreDNS answers.
    let from_pod = kube || (cx.world.ecs.is_none() && cx.world.eks.is_some());
    let server = if from_pod { KUBE_DNS } else { RESOLVER };
    if short {
        let lines: String = answers.iter().map(|(_, _, v)| format!("{v}\n")).collect();
        return Outcome::Print(lines);
    }
    let mut out = format!(
        "\n; <<>> DiG 9.18 <<>> {name}{}\n;; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: {status}, id: 1\n;; flags: qr rd ra; QUERY: 1, ANSWER: {}, AUTHORITY: 0, ADDITIONAL: 0\n\n;; QUESTION SECTION:\n;{fqdn}\t\t\tIN\t{}\n",
        if kind == DnsRecordType::Srv {
            " SRV"
        } else {
            ""
        },
        answers.len(),
        kind.as_str()
    );
    if !answers.is_empty() {
        out.push_str("\n;; ANSWER SECTION:\n");
        for (owner, ttl, value) in &answers {
            out.push_str(&format!(
                "{owner}\t\t{ttl}\tIN\t{}\t{value}\n",
                kind.as_str()
            ));
        }
    }
    out.push_str(&format!("\n;; SERVER: {server}#53({server}) (UDP)\n"));
    if status == "NXDOMAIN" {
        let known: Vec<&str> = map
            .services
            .iter()
            .map(|s| s.dns_name.as_str())
            .chain(services.iter().map(|(n, _)| n.trim_end_matches('.')))
            .collect();
        out.push_str(&if known.is_empty() {
            "\n(This scenario has no Cloud Map namespace and no Kubernetes Service: Orca's resolver answers only for the names ECS service discovery registers and for Services.)\n".to_string()
        } else {
            format!("\n(Orca's resolver knows these names: {}.)\n", known.join(", "))
        });
    }
    Outcome::Print(out)
}

/// The status and the (owner, TTL, value) of each answer record.
fn answer(
    map: &CloudMap,
    fqdn: &str,
    kind: DnsRecordType,
) -> (&'static str, Vec<(String, u32, String)>) {
    if let Some(svc) = map.by_dns_name(fqdn) {
        let Some(ttl) = svc.ttl(kind) else {
            // The name exists; it has no record of this type.
            return ("NOERROR", Vec::new());
        };
        let records = svc
            .dns_answer()
            .into_iter()
            .map(|i| (fqdn.to_string(), ttl, value(svc, i, kind)))
            .collect();
        return ("NOERROR", records);
    }
    // `<instance id>.<service>.<namespace>`: the host name an SRV record points at.
    if let Some((id, rest)) = fqdn.split_once('.')
        && let Some(svc) = map.by_dns_name(rest)
        && let Some(ttl) = svc.ttl(DnsRecordType::Srv)
        && let Some(i) = svc.instances.iter().find(|i| i.id.as_str() == id)
    {
        if kind != DnsRecordType::A {
            return ("NOERROR", Vec::new());
        }
        return ("NOERROR", vec![(fqdn.to_string(), ttl, i.ipv4.to_string())]);
    }
    ("NXDOMAIN", Vec::new())
}

/// CoreDNS's answer for a Service name: its ClusterIP (no SRV records without named ports).
fn kube_answer(
    services: &[(String, String)],
    fqdn: &str,
    kind: DnsRecordType,
) -> (&'static str, Vec<(String, u32, String)>) {
    match services.iter().find(|(name, _)| name == fqdn) {
        Some((_, ip)) if kind == DnsRecordType::A => {
            ("NOERROR", vec![(fqdn.to_string(), KUBE_TTL, ip.clone())])
        }
        Some(_) => ("NOERROR", Vec::new()),
        None => ("NXDOMAIN", Vec::new()),
    }
}

fn value(svc: &DiscoveryService, i: &Instance, kind: DnsRecordType) -> String {
    match kind {
        DnsRecordType::A => i.ipv4.to_string(),
        DnsRecordType::Srv => format!("1 1 {} {}.{}.", i.port.unwrap_or(0), i.id, svc.dns_name),
    }
}
