//! ECS rules, each from its documented example: the service scheduler (deployment bounds,
//! health gates, placement, the circuit breaker, draining), container restart policies,
//! capacity providers and managed scaling, step scaling, and the world's addresses; and the
//! read model's health verdict against the scheduler's. One test binary (one link step).

#[path = "../common/mod.rs"]
mod common;

mod blue_green;
mod blue_green_hooks;
mod capacity_provider;
mod circuit_breaker_placement;
mod container_deps;
mod daemon;
mod guardduty;
mod health_verdict;
mod iam;
mod image_cache;
mod restart_policy;
mod scheduler_rules;
mod step_scaling;
mod world;
