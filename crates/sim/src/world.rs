//! The simulated world at one moment: everything the app draws and the inspector shows. Plain
//! data, cheap to clone (the playback keeps snapshots of it), compared whole by the seek tests.

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
    /// Private IPs handed out in this zone's subnet so far.
    pub next_ip: u32,
}

impl Zone {
    pub fn is_out(&self) -> bool {
        self.outages.last().is_some_and(|o| o.1.is_none())
    }
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

    /// The next free private IP of a zone's subnet.
    pub fn allocate_ip(&mut self, zone_index: usize) -> String {
        let zone = &mut self.cluster.availability_zones[zone_index];
        let n = zone.next_ip;
        zone.next_ip += 1;
        crate::engine::ip_in_zone(zone_index, n)
    }
}
