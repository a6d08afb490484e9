//! The simulated world at one moment: everything the app draws and the inspector shows. Plain
//! data, cheap to clone (the playback keeps snapshots of it), compared whole by the seek tests.
//!
//! One shape for every scenario: the shared network (region, zones, subnets), and an optional
//! ECS part and an optional EKS part — a scenario may hold either or both.

use serde::Serialize;

use crate::ecs::cluster::EcsCluster;
use crate::k8s::cluster::EksCluster;
use crate::net::Network;
use crate::time::SimTime;

pub use crate::ecs::ids::{InstanceIdx, ServiceIdx, TargetGroupIdx, TaskDefIdx, TaskIdx};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct World {
    pub now: SimTime,
    pub net: Network,
    /// The Amazon ECS cluster of the scenario, if it has one.
    pub ecs: Option<EcsCluster>,
    /// The Amazon EKS cluster of the scenario, if it has one.
    pub eks: Option<EksCluster>,
}
