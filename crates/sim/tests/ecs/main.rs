//! ECS rules, each from its documented example: the service scheduler (deployment bounds,
//! health gates, placement, the circuit breaker, draining), capacity providers and managed
//! scaling, step scaling, and the world's addresses. One test binary (one link step).

#[path = "../common/mod.rs"]
mod common;

mod capacity_provider;
mod scheduler_rules;
mod step_scaling;
mod world;
