//! The network both orchestrators share: the region, its Availability Zones and one subnet per
//! zone from which ECS tasks (awsvpc, Fargate), container instances, EKS nodes and pods take
//! their private addresses.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use serde::Serialize;

use crate::name::Name;
use crate::time::SimTime;

/// Where the scenario runs: one region, one account, its zones with their subnets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    pub region: String,
    pub account_id: String,
    pub zones: Vec<Zone>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zone {
    pub name: Name,
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

/// A /20 subnet has 4,096 addresses; AWS reserves the first four and the last one
/// (Amazon VPC User Guide, "Subnet CIDR blocks").
pub const USABLE_ADDRESSES_PER_SUBNET: u32 = 4096 - 5;

impl Zone {
    /// A zone with a fresh subnet: the i-th zone of the region gets the i-th /20.
    pub fn new(name: &str, index: usize) -> Zone {
        Zone {
            name: name.into(),
            subnet_cidr: subnet_cidr(index),
            outages: Vec::new(),
            next_ip: 0,
            free_ips: BTreeSet::new(),
        }
    }

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

impl Network {
    /// A region with the named zones, each with its subnet.
    pub fn new(region: &str, account_id: &str, zones: &[String]) -> Network {
        Network {
            region: region.to_string(),
            account_id: account_id.to_string(),
            zones: zones
                .iter()
                .enumerate()
                .map(|(i, z)| Zone::new(z, i))
                .collect(),
        }
    }

    pub fn zone(&self, name: &str) -> Option<&Zone> {
        self.zones.iter().find(|z| z.name == name)
    }

    pub fn zone_is_out(&self, name: &str) -> bool {
        self.zone(name).is_some_and(|z| z.is_out())
    }

    pub fn zone_index(&self, name: &str) -> Option<usize> {
        self.zones.iter().position(|z| z.name == name)
    }

    /// A free private IP of a zone's subnet (see [`Zone::take_ip`] for which), never one outside
    /// it; `None` when the subnet is full or there is no such zone.
    pub fn try_allocate_ip(&mut self, zone_index: usize) -> Option<String> {
        let n = self.zones.get_mut(zone_index)?.take_ip()?;
        Some(ip_in_zone(zone_index, n))
    }

    /// [`Network::try_allocate_ip`], or an empty address when the subnet is full. Task placement
    /// checks [`Zone::has_free_ip`] first, so only a container instance can meet a full subnet:
    /// EC2 would refuse that launch (InsufficientFreeAddressesInSubnet), which Orca does not
    /// model; the instance gets no private IP rather than a duplicate or one outside the subnet.
    pub fn allocate_ip(&mut self, zone_index: usize) -> String {
        self.try_allocate_ip(zone_index).unwrap_or_default()
    }

    /// Give an address back to its zone's subnet (a task or pod that stopped, a host that went
    /// away).
    pub fn release_ip(&mut self, zone_index: usize, ip: &str) {
        let Some(zone) = self.zones.get_mut(zone_index) else {
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
        Zone::new("us-east-1a", 0)
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
