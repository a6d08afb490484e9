//! Kubernetes (EKS) rules, as pure functions with the reference's worked examples as tests.
//!
//! This is the first part of the EKS model: the deployment controller's rollout arithmetic,
//! CrashLoopBackOff timing, the scheduler's filter/score and its `FailedScheduling` message,
//! object names and the kubectl event wording. The EKS world (nodes, ReplicaSets, pods) that
//! drives them over time is not built yet; see ARCHITECTURE.md.

pub mod backoff;
pub mod messages;
pub mod names;
pub mod rollout;
pub mod scheduler;
