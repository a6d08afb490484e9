//! The cluster: name, Region, account and Availability Zones, shared by the ECS and EKS worlds.

use super::defaults;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    pub name: String,
    #[serde(default = "defaults::region")]
    pub region: String,
    #[serde(default = "defaults::account_id")]
    pub account_id: String,
    /// The Availability Zones the cluster's subnets are in (one subnet per zone).
    #[serde(default = "defaults::zones")]
    pub availability_zones: Vec<String>,
}
