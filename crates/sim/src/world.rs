//! The simulated world at one moment: everything the app draws and the inspector shows. Plain
//! data, cheap to clone (the playback keeps snapshots of it), compared whole by the seek tests.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use serde::Serialize;

use crate::ecs::{ContainerInstance, Service, Task, TaskDefinition};
use crate::elb::TargetGroup;
use crate::time::SimTime;

/// Index of a task in [`World::tasks`]; tasks are never removed, so indices stay valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TaskIdx(pub u32);
/// Index of a service in [`World::services`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ServiceIdx(pub u32);
/// Index of a container instance in [`World::instances`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct InstanceIdx(pub u32);
/// Index of a target group in [`World::target_groups`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TargetGroupIdx(pub u32);
/// Index of a task definition in [`World::task_definitions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TaskDefIdx(pub u32);

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    pub name: String,
    pub arn: String,
    pub region: String,
    pub account_id: String,
    pub availability_zones: Vec<Zone>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zone {
    pub name: String,
    /// The zone's subnet, e.g. `10.0.0.0/20`.
    pub subnet_cidr: String,
    /// Outages (from, until); the last one is open while the zone is cut off. Kept whole so
    /// health checks from any moment can be recomputed.
    pub outages: Vec<(SimTime, Option<SimTime>)>,
    /// Addresses of the subnet (offsets past the 4 that AWS reserves) from here on have never
    /// been handed out.
    pub next_ip: u32,
    /// Addresses given back by stopped tasks, handed out again lowest first once the never-used
    /// ones run out.
    pub free_ips: BTreeSet<u32>,
}

/// A /20 subnet has 4,096 addresses; AWS reserves the first four and the last one.
pub const USABLE_ADDRESSES_PER_SUBNET: u32 = 4096 - 5;

impl Zone {
    pub fn is_out(&self) -> bool {
        self.outages.last().is_some_and(|o| o.1.is_none())
    }

    /// Whether the subnet still has an address for one more network interface.
    pub fn has_free_ip(&self) -> bool {
        self.next_ip < USABLE_ADDRESSES_PER_SUBNET || !self.free_ips.is_empty()
    }

    /// The offset of the next address to hand out: never-used addresses first, in order, then
    /// the lowest one given back. `None` when the subnet is full.
    fn take_ip(&mut self) -> Option<u32> {
        if self.next_ip < USABLE_ADDRESSES_PER_SUBNET {
            self.next_ip += 1;
            Some(self.next_ip - 1)
        } else {
            self.free_ips.pop_first()
        }
    }
}

/// The subnet of the i-th zone: `10.0.0.0/20`, `10.0.16.0/20`, ...
fn subnet_base(zone_index: usize) -> u32 {
    (10 << 24) | ((zone_index as u32 * 16) << 8)
}

/// The CIDR of the i-th zone's subnet.
pub fn subnet_cidr(zone_index: usize) -> String {
    format!("{}/20", Ipv4Addr::from(subnet_base(zone_index)))
}

/// The n-th usable address of the i-th zone's subnet.
pub fn ip_in_zone(zone_index: usize, n: u32) -> String {
    // Skip the 4 addresses AWS reserves at the start of each subnet.
    Ipv4Addr::from(subnet_base(zone_index) + 4 + n).to_string()
}

/// Which usable address of the i-th zone's subnet `ip` is, if it is one.
pub fn ip_offset_in_zone(zone_index: usize, ip: &str) -> Option<u32> {
    let addr = u32::from(ip.parse::<Ipv4Addr>().ok()?);
    let n = addr.checked_sub(subnet_base(zone_index) + 4)?;
    (n < USABLE_ADDRESSES_PER_SUBNET).then_some(n)
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct World {
    pub now: SimTime,
    pub cluster: Cluster,
    pub instances: Vec<ContainerInstance>,
    pub task_definitions: Vec<TaskDefinition>,
    pub services: Vec<Service>,
    pub tasks: Vec<Task>,
    pub target_groups: Vec<TargetGroup>,
    /// EC2 Auto Scaling groups behind capacity providers.
    pub auto_scaling_groups: Vec<crate::ecs::capacity_provider::AutoScalingGroup>,
    /// The Kubernetes side of an EKS scenario.
    #[serde(skip)]
    pub eks: Option<crate::k8s::cluster::Cluster>,
}

impl World {
    pub fn task(&self, i: TaskIdx) -> &Task {
        &self.tasks[i.0 as usize]
    }
    pub fn task_mut(&mut self, i: TaskIdx) -> &mut Task {
        &mut self.tasks[i.0 as usize]
    }
    pub fn service(&self, i: ServiceIdx) -> &Service {
        &self.services[i.0 as usize]
    }
    pub fn service_mut(&mut self, i: ServiceIdx) -> &mut Service {
        &mut self.services[i.0 as usize]
    }
    pub fn instance(&self, i: InstanceIdx) -> &ContainerInstance {
        &self.instances[i.0 as usize]
    }
    pub fn instance_mut(&mut self, i: InstanceIdx) -> &mut ContainerInstance {
        &mut self.instances[i.0 as usize]
    }
    pub fn target_group(&self, i: TargetGroupIdx) -> &TargetGroup {
        &self.target_groups[i.0 as usize]
    }
    pub fn target_group_mut(&mut self, i: TargetGroupIdx) -> &mut TargetGroup {
        &mut self.target_groups[i.0 as usize]
    }
    pub fn task_definition(&self, i: TaskDefIdx) -> &TaskDefinition {
        &self.task_definitions[i.0 as usize]
    }

    pub fn service_by_name(&self, name: &str) -> Option<ServiceIdx> {
        self.services
            .iter()
            .position(|s| s.name == name)
            .map(|i| ServiceIdx(i as u32))
    }
    pub fn instance_by_name(&self, name: &str) -> Option<InstanceIdx> {
        self.instances
            .iter()
            .position(|s| s.name == name)
            .map(|i| InstanceIdx(i as u32))
    }
    /// The task definition a `family:revision` reference names. The reference is parsed and
    /// compared as (family, revision), not as text; `None` if it is not of that form or names
    /// no registered revision.
    pub fn task_definition_by_ref(&self, family_revision: &str) -> Option<TaskDefIdx> {
        let (family, revision) = family_revision.rsplit_once(':')?;
        let revision: u32 = revision.parse().ok()?;
        self.task_definitions
            .iter()
            .position(|t| t.family == family && t.revision == revision)
            .map(|i| TaskDefIdx(i as u32))
    }
    pub fn task_by_id(&self, id: &str) -> Option<TaskIdx> {
        self.tasks
            .iter()
            .position(|t| t.id == id)
            .map(|i| TaskIdx(i as u32))
    }
    pub fn zone(&self, name: &str) -> Option<&Zone> {
        self.cluster
            .availability_zones
            .iter()
            .find(|z| z.name == name)
    }
    pub fn zone_is_out(&self, name: &str) -> bool {
        self.zone(name).is_some_and(|z| z.is_out())
    }

    pub fn zone_index(&self, name: &str) -> Option<usize> {
        self.cluster
            .availability_zones
            .iter()
            .position(|z| z.name == name)
    }

    /// A free private IP of a zone's subnet (see [`Zone::take_ip`] for which), never one outside
    /// it; `None` when the subnet is full.
    pub fn try_allocate_ip(&mut self, zone_index: usize) -> Option<String> {
        let n = self.cluster.availability_zones[zone_index].take_ip()?;
        Some(ip_in_zone(zone_index, n))
    }

    /// [`World::try_allocate_ip`], or an empty address when the subnet is full. Task placement
    /// checks [`Zone::has_free_ip`] first, so only a container instance can meet a full subnet:
    /// EC2 would refuse that launch (InsufficientFreeAddressesInSubnet), which Orca does not
    /// model; the instance gets no private IP rather than a duplicate or one outside the subnet.
    pub fn allocate_ip(&mut self, zone_index: usize) -> String {
        self.try_allocate_ip(zone_index).unwrap_or_default()
    }

    /// Give a task's own address (awsvpc, Fargate) back to its zone's subnet when it stops.
    pub fn release_ip(&mut self, zone_index: usize, ip: &str) {
        let Some(zone) = self.cluster.availability_zones.get_mut(zone_index) else {
            return;
        };
        if let Some(n) = ip_offset_in_zone(zone_index, ip)
            && n < zone.next_ip
        {
            zone.free_ips.insert(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> Zone {
        Zone {
            name: "us-east-1a".into(),
            subnet_cidr: subnet_cidr(0),
            outages: Vec::new(),
            next_ip: 0,
            free_ips: BTreeSet::new(),
        }
    }

    #[test]
    fn a_slash_20_subnet_has_4091_usable_addresses_after_the_5_aws_reserves() {
        assert_eq!(subnet_cidr(0), "10.0.0.0/20");
        assert_eq!(subnet_cidr(1), "10.0.16.0/20");
        assert_eq!(ip_in_zone(0, 0), "10.0.0.4");
        assert_eq!(
            ip_in_zone(0, USABLE_ADDRESSES_PER_SUBNET - 1),
            "10.0.15.254"
        );
        assert_eq!(ip_in_zone(1, 0), "10.0.16.4");
        assert_eq!(ip_offset_in_zone(0, "10.0.15.254"), Some(4090));
        assert_eq!(ip_offset_in_zone(0, "10.0.15.255"), None, "broadcast");
        assert_eq!(ip_offset_in_zone(0, "10.0.0.3"), None, "reserved");
        assert_eq!(ip_offset_in_zone(0, "10.0.16.4"), None, "the next zone's");
        assert_eq!(ip_offset_in_zone(0, ""), None);
    }

    #[test]
    fn a_full_subnet_hands_out_given_back_addresses_lowest_first_and_nothing_else() {
        let mut z = zone();
        for n in 0..USABLE_ADDRESSES_PER_SUBNET {
            assert_eq!(z.take_ip(), Some(n), "never-used addresses first, in order");
        }
        assert!(!z.has_free_ip());
        assert_eq!(z.take_ip(), None, "never past the subnet");
        z.free_ips.extend([700, 12, 3000]);
        assert!(z.has_free_ip());
        assert_eq!(z.take_ip(), Some(12));
        assert_eq!(z.take_ip(), Some(700));
        assert_eq!(z.take_ip(), Some(3000));
        assert_eq!(z.take_ip(), None);
    }

    #[test]
    fn given_back_addresses_wait_until_the_never_used_ones_run_out() {
        let mut z = zone();
        assert_eq!(z.take_ip(), Some(0));
        assert_eq!(z.take_ip(), Some(1));
        z.free_ips.insert(0);
        assert_eq!(z.take_ip(), Some(2));
    }
}
