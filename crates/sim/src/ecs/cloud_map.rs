//! AWS Cloud Map as ECS service discovery uses it: private DNS namespaces, their services, and
//! the instances ECS registers for a service's tasks. Plain data and the questions the console
//! asks of it (what a DNS query answers, which instances `discover-instances` returns); the
//! controller that registers tasks and reports their health is `service_discovery.rs`. Rules:
//! docs/rules/ecs-service-discovery.md.

use serde::Serialize;

use crate::ecs::ids::TaskIdx;
use crate::name::Name;
use crate::scenario::spec::DnsRecordType;
use crate::time::SimTime;

/// The account's Cloud Map namespaces and services (empty when the scenario has none).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CloudMap {
    pub namespaces: Vec<Namespace>,
    pub services: Vec<DiscoveryService>,
}

/// A private DNS namespace (`DNS_PRIVATE`) and the Route 53 private hosted zone Cloud Map made
/// for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Namespace {
    /// `ns-` and 16 characters.
    pub id: Name,
    pub arn: String,
    pub name: Name,
    pub hosted_zone_id: Name,
}

/// A Cloud Map service: the DNS name `<name>.<namespace>`, its record types, and the instances
/// registered in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscoveryService {
    /// `srv-` and 16 characters.
    pub id: Name,
    pub arn: String,
    pub name: Name,
    /// Position in [`CloudMap::namespaces`].
    pub namespace: usize,
    /// `api.shop.local`.
    pub dns_name: Name,
    /// `DnsConfig.DnsRecords` (routing policy MULTIVALUE), with their TTLs in seconds.
    pub records: Vec<(DnsRecordType, u32)>,
    /// `HealthCheckCustomConfig`: ECS reports each task's health.
    pub custom_health: bool,
    /// In registration order.
    pub instances: Vec<Instance>,
}

/// The health Cloud Map holds for an instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum InstanceHealth {
    Healthy,
    Unhealthy,
    /// The service has no health check: Cloud Map knows nothing of the instance's health.
    Unknown,
}

impl InstanceHealth {
    pub fn as_str(self) -> &'static str {
        match self {
            InstanceHealth::Healthy => "HEALTHY",
            InstanceHealth::Unhealthy => "UNHEALTHY",
            InstanceHealth::Unknown => "UNKNOWN",
        }
    }
}

/// An instance ECS registered for one task; its id is the task's id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instance {
    pub id: Name,
    pub task: TaskIdx,
    /// `AWS_INSTANCE_IPV4`.
    pub ipv4: Name,
    /// `AWS_INSTANCE_PORT`, for SRV records.
    pub port: Option<u16>,
    /// The custom attributes ECS adds (`AVAILABILITY_ZONE`, `ECS_CLUSTER_NAME`, …), in the
    /// order the console prints them.
    pub attributes: Vec<(&'static str, Name)>,
    pub health: InstanceHealth,
    /// A health status ECS reported (`UpdateInstanceCustomHealthStatus`) that Cloud Map has not
    /// applied yet, and when it will.
    pub reported: Option<(InstanceHealth, SimTime)>,
    pub registered_at: SimTime,
}

/// Route 53 answers a multivalue query with at most this many records (Amazon ECS Developer
/// Guide, "Service discovery considerations").
pub const MAX_ANSWERS: usize = 8;

/// How `discover-instances` filters by health (`--health-status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthFilter {
    Healthy,
    Unhealthy,
    All,
    HealthyOrElseAll,
}

impl DiscoveryService {
    /// The longest TTL of the service's records: how long a client may keep an answer.
    pub fn ttl_any(&self) -> u32 {
        self.records.iter().map(|r| r.1).max().unwrap_or(0)
    }

    /// The TTL of a record type, if the service has it.
    pub fn ttl(&self, kind: DnsRecordType) -> Option<u32> {
        self.records.iter().find(|r| r.0 == kind).map(|r| r.1)
    }

    /// The instances a DNS query for the service's name is answered with: the healthy ones
    /// (every one when the service has no health check), at most [`MAX_ANSWERS`]; when none is
    /// healthy, up to [`MAX_ANSWERS`] unhealthy ones. Route 53 picks which eight at random when
    /// there are more; Orca takes them in registration order [model].
    pub fn dns_answer(&self) -> Vec<&Instance> {
        let healthy: Vec<&Instance> = self
            .instances
            .iter()
            .filter(|i| i.health != InstanceHealth::Unhealthy)
            .take(MAX_ANSWERS)
            .collect();
        if !healthy.is_empty() {
            return healthy;
        }
        self.instances.iter().take(MAX_ANSWERS).collect()
    }

    /// The instances `discover-instances` returns. The filter is ignored for a service with no
    /// health check (all are returned).
    pub fn discover(&self, filter: HealthFilter) -> Vec<&Instance> {
        if !self.custom_health {
            return self.instances.iter().collect();
        }
        let of = |h: InstanceHealth| -> Vec<&Instance> {
            self.instances.iter().filter(|i| i.health == h).collect()
        };
        match filter {
            HealthFilter::Healthy => of(InstanceHealth::Healthy),
            HealthFilter::Unhealthy => of(InstanceHealth::Unhealthy),
            HealthFilter::All => self.instances.iter().collect(),
            HealthFilter::HealthyOrElseAll => {
                let healthy = of(InstanceHealth::Healthy);
                if healthy.is_empty() {
                    self.instances.iter().collect()
                } else {
                    healthy
                }
            }
        }
    }
}

impl CloudMap {
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty()
    }

    /// The service a DNS name (with or without the final dot) names.
    pub fn by_dns_name(&self, name: &str) -> Option<&DiscoveryService> {
        let name = name.strip_suffix('.').unwrap_or(name);
        self.services
            .iter()
            .find(|s| s.dns_name.eq_ignore_ascii_case(name))
    }

    /// Every instance registered for task `t`, with its service.
    pub fn instances_of(&self, t: TaskIdx) -> impl Iterator<Item = (&DiscoveryService, &Instance)> {
        self.services.iter().flat_map(move |s| {
            s.instances
                .iter()
                .filter(move |i| i.task == t)
                .map(move |i| (s, i))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(healths: &[InstanceHealth], custom: bool) -> DiscoveryService {
        DiscoveryService {
            id: "srv-1".into(),
            arn: String::new(),
            name: "api".into(),
            namespace: 0,
            dns_name: "api.shop.local".into(),
            records: vec![(DnsRecordType::A, 60)],
            custom_health: custom,
            instances: healths
                .iter()
                .enumerate()
                .map(|(n, &health)| Instance {
                    id: format!("task{n}").into(),
                    task: TaskIdx(n as u32),
                    ipv4: format!("10.0.0.{n}").into(),
                    port: None,
                    attributes: Vec::new(),
                    health,
                    reported: None,
                    registered_at: SimTime::ZERO,
                })
                .collect(),
        }
    }

    fn ids(v: &[&Instance]) -> Vec<String> {
        v.iter().map(|i| i.id.to_string()).collect()
    }

    use InstanceHealth::{Healthy, Unhealthy, Unknown};

    /// "If you have eight or fewer healthy records, Route 53 responds to all DNS queries with
    /// all of the healthy records" (ECS guide, service discovery considerations).
    #[test]
    fn dns_answers_with_the_healthy_records_only() {
        let s = service(&[Healthy, Unhealthy, Healthy], true);
        assert_eq!(ids(&s.dns_answer()), ["task0", "task2"]);
    }

    #[test]
    fn dns_answers_with_at_most_eight_healthy_records() {
        let s = service(&[Healthy; 10], true);
        assert_eq!(s.dns_answer().len(), 8);
    }

    /// "When all records are unhealthy, Route 53 responds to DNS queries with up to eight
    /// unhealthy records."
    #[test]
    fn when_none_is_healthy_dns_answers_with_up_to_eight_unhealthy_records() {
        let s = service(&[Unhealthy; 3], true);
        assert_eq!(s.dns_answer().len(), 3);
        let s = service(&[Unhealthy; 12], true);
        assert_eq!(s.dns_answer().len(), 8);
    }

    #[test]
    fn without_a_health_check_every_instance_is_discovered() {
        let s = service(&[Unknown, Unknown], false);
        assert_eq!(s.discover(HealthFilter::Healthy).len(), 2);
        assert_eq!(s.dns_answer().len(), 2);
    }

    #[test]
    fn healthy_or_else_all_fails_open() {
        let s = service(&[Unhealthy, Unhealthy], true);
        assert!(s.discover(HealthFilter::Healthy).is_empty());
        assert_eq!(s.discover(HealthFilter::HealthyOrElseAll).len(), 2);
        let s = service(&[Unhealthy, Healthy], true);
        assert_eq!(ids(&s.discover(HealthFilter::HealthyOrElseAll)), ["task1"]);
        assert_eq!(ids(&s.discover(HealthFilter::Unhealthy)), ["task0"]);
    }
}
