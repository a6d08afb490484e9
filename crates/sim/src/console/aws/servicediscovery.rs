//! `aws servicediscovery`: the AWS Cloud Map namespaces and services of ECS service discovery
//! and the instances ECS registered in them, in the shapes of the Cloud Map API Reference
//! (ListNamespaces, ListServices, GetService, ListInstances, GetInstancesHealthStatus,
//! DiscoverInstances) and the AWS CLI's examples
//! (<https://github.com/aws/aws-cli/tree/develop/awscli/examples/servicediscovery>). What they
//! show is what the simulation holds (`crate::ecs::cloud_map`), so the console agrees with the
//! log. Orca's own: `CreateDate` (the scenario's start), `InstancesRevision` (the count of
//! registrations, deregistrations and health changes so far).

use serde_json::{Value, json};

use super::args::{self, Param};
use super::exception;
use super::shapes;
use crate::console::{After, Context, Outcome};
use crate::ecs::cloud_map::{CloudMap, DiscoveryService, HealthFilter, Instance};
use crate::event::EventKind;
use crate::scenario::spec::{Action, CustomHealthStatus};

/// The operations of `aws servicediscovery` Orca carries out (the CLI has many more).
pub const SUPPORTED: &[&str] = &[
    "discover-instances",
    "get-instances-health-status",
    "get-namespace",
    "get-service",
    "list-instances",
    "list-namespaces",
    "list-services",
    "update-instance-custom-health-status",
];

/// `aws servicediscovery <words…>`.
pub fn run(words: &[String], cx: &Context) -> Outcome {
    let op = match super::operation(words, SUPPORTED, "AWS Cloud Map") {
        Ok(op) => op,
        Err(o) => return o,
    };
    let empty = CloudMap::default();
    let map = cx.world.ecs.as_ref().map_or(&empty, |e| &e.cloud_map);
    let rest = &words[1..];
    match op {
        "list-namespaces" => list_namespaces(map, rest),
        "get-namespace" => get_namespace(map, rest),
        "list-services" => list_services(map, rest),
        "get-service" => get_service(map, rest),
        "list-instances" => list_instances(map, rest),
        "get-instances-health-status" => health_status(map, rest),
        "update-instance-custom-health-status" => update_health(map, rest),
        _ => discover(map, cx, rest),
    }
}

fn created() -> Value {
    json!(crate::time::SimTime::ZERO.aws_cli())
}

fn namespace_shape(map: &CloudMap, i: usize) -> Value {
    let ns = &map.namespaces[i];
    json!({
        "Id": ns.id.as_str(),
        "Arn": ns.arn,
        "Name": ns.name.as_str(),
        "Type": "DNS_PRIVATE",
        "ServiceCount": map.services.iter().filter(|s| s.namespace == i).count(),
        "Properties": {
            "DnsProperties": {"HostedZoneId": ns.hosted_zone_id.as_str(), "SOA": {}},
            "HttpProperties": {"HttpName": ns.name.as_str()},
        },
        "CreateDate": created(),
    })
}

fn list_namespaces(map: &CloudMap, words: &[String]) -> Outcome {
    if let Err(e) = args::parse(words, &[Param::list("--filters")]) {
        return Outcome::Fail(e);
    }
    let out: Vec<Value> = (0..map.namespaces.len())
        .map(|i| namespace_shape(map, i))
        .collect();
    Outcome::Print(shapes::pretty(&json!({ "Namespaces": out })))
}

fn get_namespace(map: &CloudMap, words: &[String]) -> Outcome {
    let args = match args::parse(words, &[Param::text("--id").required()]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let id = args.one("--id").unwrap_or_default();
    match map
        .namespaces
        .iter()
        .position(|n| n.id.as_str() == id || n.arn == id)
    {
        Some(i) => Outcome::Print(shapes::pretty(
            &json!({ "Namespace": namespace_shape(map, i) }),
        )),
        None => exception(
            "get-namespace",
            "NamespaceNotFound",
            &format!("Namespace not found: {id}"),
        ),
    }
}

fn service_shape(map: &CloudMap, s: &DiscoveryService, full: bool) -> Value {
    let records: Vec<Value> = s
        .records
        .iter()
        .map(|(kind, ttl)| json!({"Type": kind.as_str(), "TTL": ttl}))
        .collect();
    let ns = &map.namespaces[s.namespace];
    let mut v = json!({
        "Id": s.id.as_str(),
        "Arn": s.arn,
        "Name": s.name.as_str(),
        "Type": "DNS_HTTP",
        "InstanceCount": s.instances.len(),
        "DnsConfig": {"RoutingPolicy": "MULTIVALUE", "DnsRecords": records},
        "CreateDate": created(),
    });
    if s.custom_health {
        v["HealthCheckCustomConfig"] = json!({"FailureThreshold": 1});
    }
    if full {
        v["NamespaceId"] = json!(ns.id.as_str());
        v["DnsConfig"]["NamespaceId"] = json!(ns.id.as_str());
    }
    v
}

fn list_services(map: &CloudMap, words: &[String]) -> Outcome {
    let args = match args::parse(words, &[Param::list("--filters")]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    // `--filters Name=NAMESPACE_ID,Values=ns-…,Condition=EQ`: the one filter ListServices has.
    let mut namespace = None;
    for f in args.list("--filters") {
        for part in f.split(',') {
            if let Some(v) = part.strip_prefix("Values=") {
                namespace = Some(v.to_string());
            }
        }
    }
    let out: Vec<Value> = map
        .services
        .iter()
        .filter(|s| {
            namespace
                .as_deref()
                .is_none_or(|n| map.namespaces[s.namespace].id.as_str() == n)
        })
        .map(|s| service_shape(map, s, false))
        .collect();
    Outcome::Print(shapes::pretty(&json!({ "Services": out })))
}

/// The service a `--service-id` (or `--id`) names, by id or ARN.
fn service_by_id<'a>(
    map: &'a CloudMap,
    op: &str,
    id: &str,
) -> Result<&'a DiscoveryService, Outcome> {
    map.services
        .iter()
        .find(|s| s.id.as_str() == id || s.arn == id)
        .ok_or_else(|| exception(op, "ServiceNotFound", &format!("Service not found: {id}")))
}

fn get_service(map: &CloudMap, words: &[String]) -> Outcome {
    let args = match args::parse(words, &[Param::text("--id").required()]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    match service_by_id(map, "get-service", args.one("--id").unwrap_or_default()) {
        Ok(s) => Outcome::Print(shapes::pretty(
            &json!({ "Service": service_shape(map, s, true) }),
        )),
        Err(o) => o,
    }
}

/// An instance's attributes as Cloud Map returns them: the address and port, then the custom
/// attributes ECS adds.
fn attributes(i: &Instance) -> Value {
    let mut a = serde_json::Map::new();
    a.insert("AWS_INSTANCE_IPV4".into(), json!(i.ipv4.as_str()));
    if let Some(p) = i.port {
        a.insert("AWS_INSTANCE_PORT".into(), json!(p.to_string()));
    }
    for (k, v) in &i.attributes {
        a.insert((*k).into(), json!(v.as_str()));
    }
    Value::Object(a)
}

fn list_instances(map: &CloudMap, words: &[String]) -> Outcome {
    let args = match args::parse(words, &[Param::text("--service-id").required()]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let s = match service_by_id(
        map,
        "list-instances",
        args.one("--service-id").unwrap_or_default(),
    ) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let out: Vec<Value> = s
        .instances
        .iter()
        .map(|i| json!({"Id": i.id.as_str(), "Attributes": attributes(i)}))
        .collect();
    Outcome::Print(shapes::pretty(&json!({ "Instances": out })))
}

fn health_status(map: &CloudMap, words: &[String]) -> Outcome {
    const OP: &str = "get-instances-health-status";
    let args = match args::parse(
        words,
        &[
            Param::text("--service-id").required(),
            Param::list("--instances"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let s = match service_by_id(map, OP, args.one("--service-id").unwrap_or_default()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    if !s.custom_health {
        return exception(
            OP,
            "InvalidInput",
            &format!("Service {} doesn't have a health check configured.", s.id),
        );
    }
    let wanted: Vec<&str> = args.list("--instances").collect();
    for w in &wanted {
        if !s.instances.iter().any(|i| i.id.as_str() == *w) {
            return exception(OP, "InstanceNotFound", &format!("Instance not found: {w}"));
        }
    }
    let mut status = serde_json::Map::new();
    for i in &s.instances {
        if wanted.is_empty() || wanted.contains(&i.id.as_str()) {
            status.insert(i.id.to_string(), json!(i.health.as_str()));
        }
    }
    Outcome::Print(shapes::pretty(&json!({ "Status": status })))
}

/// A custom health status sent by hand, as a third-party health checker would: an acting
/// command (`Action::UpdateInstanceCustomHealthStatus`). Cloud Map applies it about 30 s later;
/// the CLI prints nothing.
fn update_health(map: &CloudMap, words: &[String]) -> Outcome {
    const OP: &str = "update-instance-custom-health-status";
    let args = match args::parse(
        words,
        &[
            Param::text("--service-id").required(),
            Param::text("--instance-id").required(),
            Param::text("--status").required(),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let status = match args.one("--status") {
        Some("HEALTHY") => CustomHealthStatus::Healthy,
        Some("UNHEALTHY") => CustomHealthStatus::Unhealthy,
        other => {
            return Outcome::Fail(format!(
                "\nParameter validation failed:\nValue \"{}\" for parameter Status is not one of: HEALTHY, UNHEALTHY\n",
                other.unwrap_or_default()
            ));
        }
    };
    let s = match service_by_id(map, OP, args.one("--service-id").unwrap_or_default()) {
        Ok(s) => s,
        Err(o) => return o,
    };
    let instance = args.one("--instance-id").unwrap_or_default();
    if !s.instances.iter().any(|i| i.id.as_str() == instance) {
        return exception(
            OP,
            "InstanceNotFound",
            &format!("Instance not found: {instance}"),
        );
    }
    if !s.custom_health {
        return exception(
            OP,
            "CustomHealthNotFound",
            "The health check for the instance that's specified by ServiceId and InstanceId isn't a custom health check.",
        );
    }
    Outcome::Act {
        actions: vec![Action::UpdateInstanceCustomHealthStatus {
            registry: s.dns_name.to_string(),
            instance: instance.to_string(),
            status,
        }],
        after: After::Text(String::new()),
    }
}

fn discover(map: &CloudMap, cx: &Context, words: &[String]) -> Outcome {
    const OP: &str = "discover-instances";
    let args = match args::parse(
        words,
        &[
            Param::text("--namespace-name").required(),
            Param::text("--service-name").required(),
            Param::text("--health-status"),
            Param::int("--max-results"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let ns_name = args.one("--namespace-name").unwrap_or_default();
    let svc_name = args.one("--service-name").unwrap_or_default();
    let filter = match args.one("--health-status") {
        None | Some("HEALTHY") => HealthFilter::Healthy,
        Some("UNHEALTHY") => HealthFilter::Unhealthy,
        Some("ALL") => HealthFilter::All,
        Some("HEALTHY_OR_ELSE_ALL") => HealthFilter::HealthyOrElseAll,
        Some(other) => {
            return Outcome::Fail(format!(
                "\nParameter validation failed:\nValue \"{other}\" for parameter HealthStatus is not one of: HEALTHY, UNHEALTHY, ALL, HEALTHY_OR_ELSE_ALL\n"
            ));
        }
    };
    let max = match args.int("--max-results") {
        None => 100,
        Some(Ok(n)) if (1..=1000).contains(&n) => n as usize,
        Some(Ok(n)) => {
            return exception(
                OP,
                "InvalidInput",
                &format!("MaxResults {n} is out of range; valid: 1–1000"),
            );
        }
        Some(Err(e)) => return Outcome::Fail(e),
    };
    let Some(ns) = map
        .namespaces
        .iter()
        .position(|n| n.name.as_str() == ns_name)
    else {
        return exception(
            OP,
            "NamespaceNotFound",
            &format!("Namespace not found: {ns_name}"),
        );
    };
    let Some(s) = map
        .services
        .iter()
        .find(|s| s.namespace == ns && s.name.as_str() == svc_name)
    else {
        return exception(
            OP,
            "ServiceNotFound",
            &format!("Service not found: {svc_name}"),
        );
    };
    let out: Vec<Value> = s
        .discover(filter)
        .into_iter()
        .take(max)
        .map(|i| {
            json!({
                "InstanceId": i.id.as_str(),
                "NamespaceName": ns_name,
                "ServiceName": svc_name,
                "HealthStatus": i.health.as_str(),
                "Attributes": attributes(i),
            })
        })
        .collect();
    Outcome::Print(shapes::pretty(&json!({
        "Instances": out,
        "InstancesRevision": revision(cx, s),
    })))
}

/// A number that changes whenever the service's instances or their health change: Orca
/// counts those events in the log so far.
fn revision(cx: &Context, s: &DiscoveryService) -> usize {
    cx.log
        .iter()
        .filter(|e| match &e.kind {
            EventKind::CloudMapRegistered { registry, .. }
            | EventKind::CloudMapHealthChanged { registry, .. }
            | EventKind::CloudMapDeregistered { registry, .. } => *registry == s.dns_name,
            _ => false,
        })
        .count()
}
