//! EKS rules, each from its documented example: the controllers of the cluster (Deployments,
//! ReplicaSets, scheduler, kubelet, HPA, Cluster Autoscaler) and Karpenter. One test binary.

#[path = "../common/mod.rs"]
mod common;

mod cluster;
mod daemonsets;
mod disruption;
mod hpa_conditions;
mod hpa_metric;
mod iam;
mod image_cache;
mod init_containers;
mod insights;
mod karpenter;
mod karpenter_methods;
mod runtime_monitoring;
mod sidecars;
