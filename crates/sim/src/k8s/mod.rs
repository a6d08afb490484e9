//! Kubernetes on Amazon EKS: the cluster's state (`cluster.rs`), one reconcile step per
//! controller, each in its own file and run in the order `tick.rs` shows, and the pure rules
//! they call, tested with the worked examples of `docs/rules/k8s-*.md`.
//!
//! Pure rules: `rollout.rs` (fenceposts, one `rolloutRolling` sync), `scheduler.rs` (filter,
//! score, `FailedScheduling`), `backoff.rs` (CrashLoopBackOff), `autoscaling.rs` (load model,
//! HPA formula), `karpenter.rs` (packing, cheapest fit, replacement, budgets), `names.rs`,
//! `messages.rs` (kubectl wording). Controllers: `hpa.rs`, `cluster_autoscaler.rs`,
//! `karpenter_controller.rs` (with `karpenter_disruption.rs`, `karpenter_interruption.rs`,
//! `karpenter_actions.rs`), `deployment_controller.rs`, `replicaset_controller.rs`,
//! `scheduler_binding.rs`, `kubelet.rs`. For the app: a Service's endpoints (`endpoints.rs`)
//! and the read model (`read.rs`: pod conditions and probes, ReplicaSet and Deployment status,
//! node usage).

pub mod addons;
pub mod autoscaling;
pub mod backoff;
pub mod budget;
pub mod cluster;
pub mod cluster_autoscaler;
pub mod daemonset_controller;
pub mod deployment_controller;
pub mod drain;
pub mod efs_csi;
pub mod efs_provision;
pub mod efs_read;
pub mod efs_static;
pub mod endpoints;
pub mod events;
pub mod eviction;
pub mod horizontal;
pub mod hpa;
pub mod hpa_conditions;
pub mod image_pull;
pub mod init_containers;
pub mod interventions;
pub mod karpenter;
pub mod karpenter_actions;
pub mod karpenter_controller;
pub mod karpenter_disruption;
pub mod karpenter_interruption;
pub mod kubelet;
pub mod messages;
pub mod metrics;
pub mod names;
pub mod objects;
pub mod pod_counts;
pub mod pod_status;
pub mod progress;
pub mod proportional;
pub mod rbac;
pub mod read;
pub mod read_containers;
pub mod replicaset_controller;
pub mod rollout;
pub mod scheduler;
pub mod scheduler_binding;
pub mod service_accounts;
pub mod setup;
pub mod setup_statefulset;
pub mod sidecars;
pub mod statefulset;
pub mod statefulset_controller;
pub mod statefulset_read;
pub mod statefulset_state;
pub mod static_binding;
pub mod storage;
pub mod storage_setup;
pub mod tick;
pub mod volume_binding;
pub mod volume_controller;
pub mod volumes;
pub mod wake;
pub mod workload_labels;
