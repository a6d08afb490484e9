//! ECS service discovery: Cloud Map namespaces and services, and each ECS service's
//! `serviceRegistries` (docs/rules/ecs-service-discovery.md). The rules are the "Service discovery
//! considerations" of the Amazon ECS Developer Guide and the Cloud Map API's limits.

use super::Problems;
use super::common::{Unique, check_limit, list};
use super::ecs_index::EcsIndex;
use crate::scenario::limits::{DISCOVERY_SERVICES, DISCOVERY_TASKS, DNS_TTL, NAMESPACES};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{
    DnsRecordType, EcsWorld, NetworkMode, ServiceDiscoverySpec, ServiceSpec, TaskDefinitionSpec,
};

/// A namespace's name: DNS labels of lowercase letters, digits and hyphens joined by dots, at
/// most 253 characters (a Route 53 domain name; Orca asks for lowercase so names compare as
/// DNS compares them).
fn domain_ok(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(super::common::dns_label_ok)
}

/// The namespaces and services of the world.
pub(super) fn world(out: &mut Problems, sd: &ServiceDiscoverySpec, wp: &Path) {
    let np = wp.field("namespaces");
    check_limit(
        out,
        np.clone(),
        "number of Cloud Map namespaces",
        sd.namespaces.len() as u32,
        NAMESPACES,
        "",
    );
    let mut names = Unique::new();
    for (i, ns) in sd.namespaces.iter().enumerate() {
        let p = np.index(i).field("name");
        if !domain_ok(&ns.name) {
            out.push((
                p.clone(),
                format!(
                    "namespace name {} is not a DNS domain name; use labels of lowercase letters, digits and hyphens joined by dots, e.g. \"shop.local\"",
                    quoted(&ns.name)
                ),
            ));
        }
        names.check(out, p, "namespace", &ns.name);
    }
    let sp = wp.field("services");
    check_limit(
        out,
        sp.clone(),
        "number of Cloud Map services",
        sd.services.len() as u32,
        DISCOVERY_SERVICES,
        "",
    );
    let mut dns_names = std::collections::HashSet::new();
    for (i, svc) in sd.services.iter().enumerate() {
        let p = sp.index(i);
        if !super::common::dns_label_ok(&svc.name) {
            out.push((
                p.field("name"),
                format!(
                    "Cloud Map service name {} is not a DNS label; use lowercase letters, digits and hyphens, e.g. \"api\"",
                    quoted(&svc.name)
                ),
            ));
        }
        if !sd.namespaces.iter().any(|n| n.name == svc.namespace) {
            out.push((
                p.field("namespace"),
                format!(
                    "namespace {} is not defined; {}",
                    quoted(&svc.namespace),
                    list(sd.namespaces.iter().map(|n| n.name.as_str()))
                ),
            ));
        }
        if !dns_names.insert(svc.dns_name()) {
            out.push((
                p.field("name"),
                format!(
                    "Cloud Map service {} is defined twice in namespace {}; each needs its own name",
                    quoted(&svc.name),
                    quoted(&svc.namespace)
                ),
            ));
        }
        let rp = p.field("dns_records");
        if svc.dns_records.is_empty() {
            out.push((
                rp.clone(),
                "a service in a DNS namespace needs at least one DNS record; e.g. dns_records: [(type: A, ttl: 60)]".into(),
            ));
        }
        for (j, r) in svc.dns_records.iter().enumerate() {
            if svc.dns_records[..j]
                .iter()
                .any(|o| o.record_type == r.record_type)
            {
                out.push((
                    rp.index(j).field("type"),
                    format!(
                        "a second {} record; a service has at most one record of each type",
                        r.record_type.as_str()
                    ),
                ));
            }
            check_limit(
                out,
                rp.index(j).field("ttl"),
                "ttl",
                r.ttl,
                DNS_TTL,
                " seconds",
            );
        }
    }
}

/// An ECS service's `serviceRegistries`, against every task definition it may run.
pub(super) fn service(
    out: &mut Problems,
    ix: &EcsIndex,
    tds: &[&TaskDefinitionSpec],
    svc: &ServiceSpec,
    p: &Path,
) {
    let w: &EcsWorld = ix.w;
    let rp = p.field("service_registries");
    if svc.service_registries.len() > 1 {
        out.push((
            rp.clone(),
            format!(
                "{} service registries; an ECS service takes at most one",
                svc.service_registries.len()
            ),
        ));
    }
    let sd = &w.service_discovery;
    for (i, reg) in svc.service_registries.iter().enumerate() {
        let p = rp.index(i);
        let Some(target) = sd.services.iter().find(|s| s.dns_name() == reg.registry) else {
            out.push((
                p.field("registry"),
                format!(
                    "Cloud Map service {} is not defined; {}",
                    quoted(&reg.registry),
                    list(sd.services.iter().map(|s| s.dns_name()))
                ),
            ));
            continue;
        };
        for (field, value) in [("container_port", reg.container_port), ("port", reg.port)] {
            if value == Some(0) {
                out.push((
                    p.field(field),
                    format!("{field} 0 is not valid; valid: 1–65535"),
                ));
            }
        }
        if reg.container_name.is_some() != reg.container_port.is_some() {
            out.push((
                p.clone(),
                "container_name and container_port go together: give both (the container and port of the SRV record) or neither".into(),
            ));
        }
        if reg.port.is_some() && reg.container_name.is_some() {
            out.push((
                p.field("port"),
                "give either port or container_name and container_port, not both".into(),
            ));
        }
        let srv = target
            .dns_records
            .iter()
            .any(|r| r.record_type == DnsRecordType::Srv);
        let only_srv = target
            .dns_records
            .iter()
            .all(|r| r.record_type == DnsRecordType::Srv);
        for td in tds {
            let rev = format!("{}:{}", td.family, td.revision);
            if let Some(name) = &reg.container_name {
                match td.containers.iter().find(|c| &c.name == name) {
                    None => out.push((
                        p.field("container_name"),
                        format!(
                            "task definition {rev} has no container {}; {}",
                            quoted(name),
                            list(td.containers.iter().map(|c| c.name.as_str()))
                        ),
                    )),
                    Some(c) if reg.container_port.is_some() && c.port != reg.container_port => {
                        out.push((
                            p.field("container_port"),
                            format!(
                                "container {} of task definition {rev} has no port mapping for container port {}",
                                quoted(name),
                                reg.container_port.unwrap_or_default()
                            ),
                        ))
                    }
                    Some(_) => {}
                }
            }
            match td.network_mode {
                NetworkMode::Bridge | NetworkMode::Host => {
                    if !only_srv {
                        out.push((
                            p.field("registry"),
                            format!(
                                "task definition {rev} uses the {} network mode, where SRV is the only DNS record type service discovery supports; give {} dns_records: [(type: SRV, ttl: 60)]",
                                td.network_mode.as_str(),
                                quoted(&reg.registry)
                            ),
                        ));
                    }
                    if reg.container_name.is_none() {
                        out.push((
                            p.clone(),
                            format!(
                                "task definition {rev} uses the {} network mode: the SRV record needs container_name and container_port from the task definition",
                                td.network_mode.as_str()
                            ),
                        ));
                    }
                }
                NetworkMode::Awsvpc => {
                    if srv && reg.container_name.is_none() && reg.port.is_none() {
                        out.push((
                            p.clone(),
                            format!(
                                "{} has an SRV record, which needs a port: give port, or container_name and container_port",
                                quoted(&reg.registry)
                            ),
                        ));
                    }
                }
            }
        }
    }
    if svc.service_registries.is_empty() {
        return;
    }
    let most = svc
        .desired_count
        .unwrap_or(0)
        .max(svc.auto_scaling.as_ref().map_or(0, |a| a.max_capacity));
    if i128::from(most) > DISCOVERY_TASKS {
        out.push((
            p.field("desired_count"),
            format!(
                "service {} may run {most} tasks; a service that uses service discovery runs at most {DISCOVERY_TASKS} (a Route 53 quota)",
                quoted(&svc.name)
            ),
        ));
    }
}

/// `UpdateInstanceCustomHealthStatus`: a Cloud Map service with a custom health check, and an
/// instance id of the form ECS gives a task (which task exists is known only when it runs).
pub(super) fn custom_health_action(
    out: &mut Problems,
    ix: &EcsIndex,
    registry: &str,
    instance: &str,
    ap: &Path,
) {
    let sd = &ix.w.service_discovery;
    match sd.services.iter().find(|s| s.dns_name() == registry) {
        None => out.push((
            ap.field("registry"),
            format!(
                "Cloud Map service {} is not defined; {}",
                quoted(registry),
                list(sd.services.iter().map(|s| s.dns_name()))
            ),
        )),
        Some(s) if !s.health_check_custom_config => out.push((
            ap.field("registry"),
            format!(
                "Cloud Map service {} has no custom health check (health_check_custom_config: false): Cloud Map refuses custom health statuses for it",
                quoted(registry)
            ),
        )),
        Some(_) => {}
    }
    if instance.len() != 32 || !instance.bytes().all(|b| b.is_ascii_hexdigit()) {
        out.push((
            ap.field("instance"),
            format!(
                "instance {} is not a task id; ECS registers each task under its 32 hex digits (as `orca run` prints them)",
                quoted(instance)
            ),
        ));
    }
}
