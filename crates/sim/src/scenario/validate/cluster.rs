//! The cluster (name, Region, account, Availability Zones), shared by the ECS and EKS worlds
//! and validated once for either.

use std::collections::HashSet;

use super::Problems;
use super::common::ecs_name_problem;
use crate::scenario::locate::Path;
use crate::scenario::shown::{bare, quoted};
use crate::scenario::spec::ClusterSpec;

/// A region has at most 6 Availability Zones (us-east-1 has the most).
pub const MAX_ZONES: usize = 6;

/// `us-east-1`, `eu-west-2`, `us-gov-west-1`, `ap-southeast-4`.
fn region_ok(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

pub(super) fn cluster(out: &mut Problems, c: &ClusterSpec, cp: &Path) {
    if let Some(e) = ecs_name_problem("cluster name", &c.name) {
        out.push((cp.field("name"), e));
    }
    let region_valid = region_ok(&c.region);
    if !region_valid {
        out.push((
            cp.field("region"),
            format!(
                "region {} is not a region name; use one like \"us-east-1\" or \"eu-west-2\"",
                quoted(&c.region)
            ),
        ));
    }
    if c.account_id.len() != 12 || !c.account_id.chars().all(|ch| ch.is_ascii_digit()) {
        out.push((
            cp.field("account_id"),
            format!(
                "account_id {} is not an AWS account ID; use 12 digits, e.g. \"123456789012\"",
                quoted(&c.account_id)
            ),
        ));
    }
    let zp = cp.field("availability_zones");
    let zones = &c.availability_zones;
    if zones.is_empty() {
        out.push((
            zp.clone(),
            format!(
                "no Availability Zones; list 1 to {MAX_ZONES}, e.g. [\"{r}a\", \"{r}b\"]",
                r = if region_valid {
                    bare(&c.region)
                } else {
                    "us-east-1".into()
                }
            ),
        ));
    } else if zones.len() > MAX_ZONES {
        out.push((
            zp.clone(),
            format!(
                "{} Availability Zones; a region has at most {MAX_ZONES}",
                zones.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    for (i, z) in zones.iter().enumerate() {
        let in_region = z
            .strip_prefix(c.region.as_str())
            .is_some_and(|rest| rest.len() == 1 && rest.chars().all(|ch| ch.is_ascii_lowercase()));
        if !seen.insert(z) {
            out.push((
                zp.index(i),
                format!("zone {} is listed twice; list each zone once", quoted(z)),
            ));
        } else if region_valid && !in_region {
            out.push((
                zp.index(i),
                format!(
                    "zone {} is not in the cluster's region \"{r}\"; its zones are named \"{r}a\", \"{r}b\", \"{r}c\" …",
                    quoted(z),
                    r = bare(&c.region)
                ),
            ));
        }
    }
}

/// The two parts of a side-by-side world share one VPC: the EKS cluster names the ECS
/// cluster's region, account and Availability Zones (in any order).
pub(super) fn same_network(out: &mut Problems, ecs: &ClusterSpec, eks: &ClusterSpec, kp: &Path) {
    if eks.region != ecs.region {
        out.push((
            kp.field("region"),
            format!(
                "region {} differs from the ECS cluster's {}; both parts of a Both world run in one region",
                quoted(&eks.region),
                quoted(&ecs.region)
            ),
        ));
    }
    if eks.account_id != ecs.account_id {
        out.push((
            kp.field("account_id"),
            format!(
                "account {} differs from the ECS cluster's {}; both parts of a Both world run in one account",
                quoted(&eks.account_id),
                quoted(&ecs.account_id)
            ),
        ));
    }
    let mut a: Vec<&str> = ecs.availability_zones.iter().map(String::as_str).collect();
    let mut b: Vec<&str> = eks.availability_zones.iter().map(String::as_str).collect();
    a.sort_unstable();
    b.sort_unstable();
    if a != b {
        out.push((
            kp.field("availability_zones"),
            format!(
                "the zones [{}] differ from the ECS cluster's [{}]; both parts of a Both world share one VPC and its subnets, so name the same zones",
                b.iter().map(|z| quoted(z)).collect::<Vec<_>>().join(", "),
                a.iter().map(|z| quoted(z)).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_look_like_aws_regions() {
        for ok in ["us-east-1", "eu-west-2", "us-gov-west-1", "ap-southeast-4"] {
            assert!(region_ok(ok), "{ok}");
        }
        for bad in ["", "us-east", "us_east_1", "US-EAST-1", "useast1", "us--1"] {
            assert!(!region_ok(bad), "{bad}");
        }
    }
}
