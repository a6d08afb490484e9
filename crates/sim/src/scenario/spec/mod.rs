//! The scenario file format, version 1. Field names are the AWS (and later Kubernetes) names in
//! snake_case; every default is the AWS API default, so a field a teacher leaves out behaves as it
//! would in `aws ecs create-service`. Unknown fields are rejected.
//!
//! One file per concern; every type is re-exported here, so `spec::ServiceSpec` names it
//! wherever it is defined.

mod blue_green;
mod cluster;
pub mod defaults;
mod disruption;
mod ecr;
mod ecs;
mod ecs_capacity;
mod ecs_storage;
mod eks;
mod goals;
mod iam;
mod load;
mod quizzes;
mod security;
mod service;
mod service_discovery;
mod service_scaling;
mod sidecars;
mod statefulset;
mod storage;
mod target_group;
mod task_definition;
mod task_override;
mod timeline;

pub use blue_green::*;
pub use cluster::*;
pub use disruption::*;
pub use ecr::*;
pub use ecs::*;
pub use ecs_capacity::*;
pub use ecs_storage::*;
pub use eks::*;
pub use goals::*;
pub use iam::*;
pub use load::*;
pub use quizzes::*;
pub use security::*;
pub use service::*;
pub use service_discovery::*;
pub use service_scaling::*;
pub use sidecars::*;
pub use statefulset::*;
pub use storage::*;
pub use target_group::*;
pub use task_definition::*;
pub use task_override::*;
pub use timeline::*;

use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Format version; only 1 exists.
    pub version: u32,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Seeds every random draw (ids, timings, which tasks a fault hits).
    #[serde(default)]
    pub seed: u64,
    /// How long the scenario runs, in seconds.
    #[serde(default = "defaults::duration")]
    pub duration: f64,
    pub world: WorldSpec,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    #[serde(default)]
    pub quizzes: Vec<Quiz>,
    /// A challenge's goals, checked all through the run (none: not a challenge).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    /// A challenge's hints, opened one by one (each lowers the score).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
}

/// What is being simulated. One variant per platform so later platforms add variants without
/// breaking existing files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum WorldSpec {
    Ecs(EcsWorld),
    /// Kubernetes on Amazon EKS: managed node groups and a Deployment.
    Eks(EksWorld),
    /// The same workload on both orchestrators, side by side under one clock, in one VPC:
    /// both parts name the same region, account and Availability Zones (their cluster names
    /// differ as they like).
    Both(Box<BothWorlds>),
}

/// An ECS cluster and an EKS cluster in one scenario (`WorldSpec::Both`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BothWorlds {
    pub ecs: EcsWorld,
    pub eks: EksWorld,
}

impl WorldSpec {
    /// The ECS part, if the world has one.
    pub fn ecs(&self) -> Option<&EcsWorld> {
        match self {
            WorldSpec::Ecs(e) => Some(e),
            WorldSpec::Both(b) => Some(&b.ecs),
            WorldSpec::Eks(_) => None,
        }
    }

    /// The EKS part, if the world has one.
    pub fn eks(&self) -> Option<&EksWorld> {
        match self {
            WorldSpec::Eks(k) => Some(k),
            WorldSpec::Both(b) => Some(&b.eks),
            WorldSpec::Ecs(_) => None,
        }
    }

    /// The ECR registry of the world's account (a Both world declares it under `ecs`).
    pub fn ecr(&self) -> &EcrSpec {
        match self {
            WorldSpec::Ecs(e) => &e.ecr,
            WorldSpec::Eks(k) => &k.ecr,
            WorldSpec::Both(b) => &b.ecs.ecr,
        }
    }

    /// The region, account and zones the world runs in (the ECS part's when there are two:
    /// validation makes the EKS part's the same).
    pub fn cluster(&self) -> &ClusterSpec {
        match self {
            WorldSpec::Ecs(e) => &e.cluster,
            WorldSpec::Eks(k) => &k.cluster,
            WorldSpec::Both(b) => &b.ecs.cluster,
        }
    }
}
