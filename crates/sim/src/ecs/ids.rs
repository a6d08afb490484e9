//! Typed indices of ECS objects in the ECS cluster (`EcsCluster`). Objects are never
//! removed from their lists, so an index stays valid for the whole run.

use serde::Serialize;

/// Index of a task in `EcsCluster::tasks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TaskIdx(pub u32);
/// Index of a service in `EcsCluster::services`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ServiceIdx(pub u32);
/// Index of a container instance in `EcsCluster::instances`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct InstanceIdx(pub u32);
/// Index of a target group in `EcsCluster::target_groups`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TargetGroupIdx(pub u32);
/// Index of a task definition in `EcsCluster::task_definitions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TaskDefIdx(pub u32);
