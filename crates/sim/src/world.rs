//! The simulated world at one moment: everything the app draws and the inspector shows. Plain
//! data, cheap to clone (the playback keeps snapshots of it), compared whole by the seek tests.
//!
//! One shape for every scenario: the shared network (region, zones, subnets), and an optional
//! ECS part and an optional EKS part — a scenario may hold either or both.

use serde::Serialize;

use crate::ecr::Registry;
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
    /// The account's Amazon ECR registry (empty when the scenario models none).
    pub ecr: Registry,
}

impl World {
    /// A rough size of the world in bytes: the objects that grow with a run (tasks, pods,
    /// targets, metric samples) at a typical size each. The playback keeps its snapshots
    /// within a budget with it.
    pub fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        // Strings, containers and explanations a task or pod carries besides its own struct.
        const TASK_EXTRA: usize = 1024;
        const POD_EXTRA: usize = 512;
        let ecs = self.ecs.as_ref().map_or(0, |e| {
            e.tasks.len() * (size_of::<crate::ecs::Task>() + TASK_EXTRA)
                + e.instances.len() * (size_of::<crate::ecs::ContainerInstance>() + 512)
                + e.target_groups
                    .iter()
                    .map(|g| g.targets.len() * 256)
                    .sum::<usize>()
                + e.services
                    .iter()
                    .map(|s| s.metrics.len() * 96 + s.tasks.len() * 4)
                    .sum::<usize>()
        });
        let eks = self.eks.as_ref().map_or(0, |k| {
            k.pods.len() * (size_of::<crate::k8s::cluster::Pod>() + POD_EXTRA)
                + k.nodes.len() * 1024
                + k.replica_sets.len() * 1024
                + k.samples.len() * 64
        });
        let ecr = self
            .ecr
            .repositories
            .iter()
            .map(|r| r.images.len() * 512)
            .sum::<usize>();
        size_of::<World>() + ecs + eks + ecr
    }
}
