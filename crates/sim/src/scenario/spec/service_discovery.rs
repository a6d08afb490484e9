//! ECS service discovery: AWS Cloud Map private DNS namespaces and their services, which an ECS
//! service's tasks register in (`serviceRegistries`). Field names follow the Cloud Map API
//! (`CreatePrivateDnsNamespace`, `CreateService`: `DnsConfig.DnsRecords`,
//! `HealthCheckCustomConfig`) and the ECS API (`ServiceRegistry`). Rules:
//! `docs/rules/ecs-service-discovery.md`.

use serde::{Deserialize, Serialize};

/// Cloud Map in the ECS world: its namespaces and services.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDiscoverySpec {
    /// Private DNS namespaces (each a Route 53 private hosted zone in the cluster's VPC).
    #[serde(default)]
    pub namespaces: Vec<NamespaceSpec>,
    /// Cloud Map services, each in one namespace.
    #[serde(default)]
    pub services: Vec<DiscoveryServiceSpec>,
}

impl ServiceDiscoverySpec {
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty() && self.services.is_empty()
    }
}

/// A private DNS namespace, e.g. `shop.local`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamespaceSpec {
    pub name: String,
}

/// A Cloud Map service: the DNS name `<name>.<namespace>` and the records Route 53 answers
/// with for each registered instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiscoveryServiceSpec {
    pub name: String,
    /// The namespace's name.
    pub namespace: String,
    /// `DnsConfig.DnsRecords` (routing policy MULTIVALUE). Default: one `A` record, TTL 60.
    #[serde(default = "default_records")]
    pub dns_records: Vec<DnsRecordSpec>,
    /// `HealthCheckCustomConfig`: ECS reports each task's health to Cloud Map (the setting the
    /// ECS guide recommends). Without it Cloud Map knows no health: every instance is
    /// returned, its status UNKNOWN.
    #[serde(default = "yes")]
    pub health_check_custom_config: bool,
}

impl DiscoveryServiceSpec {
    /// The DNS name the service answers for.
    pub fn dns_name(&self) -> String {
        format!("{}.{}", self.name, self.namespace)
    }
}

fn default_records() -> Vec<DnsRecordSpec> {
    vec![DnsRecordSpec {
        record_type: DnsRecordType::A,
        ttl: 60,
    }]
}

fn yes() -> bool {
    true
}

/// One record type of a Cloud Map service, with its TTL in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsRecordSpec {
    #[serde(rename = "type")]
    pub record_type: DnsRecordType,
    #[serde(default = "default_ttl")]
    pub ttl: u32,
}

fn default_ttl() -> u32 {
    60
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DnsRecordType {
    /// The task's IPv4 address.
    A,
    /// The task's address and port (the only type for `bridge` and `host` network modes).
    #[serde(rename = "SRV")]
    Srv,
}

impl DnsRecordType {
    pub fn as_str(self) -> &'static str {
        match self {
            DnsRecordType::A => "A",
            DnsRecordType::Srv => "SRV",
        }
    }
}

/// `serviceRegistries[]` of an ECS service: the Cloud Map service its tasks register in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceRegistrySpec {
    /// The Cloud Map service by its DNS name, e.g. `"api.shop.local"` (the API takes its ARN).
    pub registry: String,
    /// For SRV records: the container and port (required in `bridge` and `host` modes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_port: Option<u16>,
    /// For SRV records in `awsvpc` mode: the port, when no container is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// A custom health status (`UpdateInstanceCustomHealthStatus`' `Status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CustomHealthStatus {
    Healthy,
    Unhealthy,
}

impl CustomHealthStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CustomHealthStatus::Healthy => "HEALTHY",
            CustomHealthStatus::Unhealthy => "UNHEALTHY",
        }
    }
}
