//! Kubernetes (EKS) rules, as pure functions with the reference's worked examples as tests.
//!
//! This is the first part of the EKS model: the deployment controller's rollout arithmetic,
//! CrashLoopBackOff timing, the scheduler's filter/score and its `FailedScheduling` message,
//! object names, the kubectl event wording, and a first time-driven cluster (`cluster.rs`)
//! that runs them for one Deployment. Scenario files, playback and the canvas do not use it
//! yet; see ARCHITECTURE.md.

pub mod autoscaling;
pub mod backoff;
pub mod cluster;
pub mod karpenter;
pub mod messages;
pub mod names;
pub mod rollout;
pub mod scheduler;
pub mod tick;
