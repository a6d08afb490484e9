//! Whole runs: golden event logs of every built-in scenario, determinism (same seed, same log;
//! seeking equals playing through), properties that hold at every step, and the console's
//! commands against running scenarios. One test binary.

#[path = "../common/mod.rs"]
mod common;

mod apply;
mod challenges;
mod console;
mod console_application_logs;
mod console_control_plane_logs;
mod console_ec2;
mod console_ecs_cluster;
mod console_eks_cluster;
mod console_elbv2;
mod console_iam;
mod console_iam_changes;
mod console_rbac;
mod console_scaling;
mod console_service_accounts;
mod deploy_console;
mod determinism;
mod disruption;
mod ebs_ecs;
mod ecr;
mod efs;
mod efs_eks;
mod efs_static;
mod golden;
mod guardduty_ecs;
mod kubectl_events;
mod kubectl_idioms;
mod kubectl_lists;
mod logs;
mod logs_insights;
mod properties;
mod register;
mod say;
mod script;
mod service_discovery;
mod standalone;
mod statefulset;
mod storage;
mod wake;
mod watch;
