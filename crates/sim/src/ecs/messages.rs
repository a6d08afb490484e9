//! Service event messages with the exact wording `aws ecs describe-services` returns
//! (docs/rules/ecs-service-events.md; source:
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html>). Kept together so the wording can be checked against the table in one place.

use crate::name::Name;
use crate::text::text;

fn task_list(ids: &[Name]) -> String {
    // One buffer for the whole list (a rollout starts and stops thousands of tasks).
    let mut out = String::with_capacity(ids.iter().map(|id| id.len() + 8).sum());
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str("(task ");
        out.push_str(id);
        out.push(')');
    }
    out
}

pub fn steady_state(service: &str) -> String {
    format!("(service {service}) has reached a steady state.")
}

pub fn deployment_completed(service: &str, deployment: &str) -> String {
    format!("(service {service}) (deployment {deployment}) deployment completed.")
}

pub fn started_tasks(service: &str, ids: &[Name], replaced_unhealthy: u32) -> String {
    let list = task_list(ids);
    let mut m = text(
        service.len() + list.len() + 120,
        format_args!(
            "(service {service}) has started {} tasks: {list}.",
            ids.len()
        ),
    );
    if replaced_unhealthy > 0 {
        m.push_str(&format!(
            " Amazon ECS replaced {replaced_unhealthy} tasks due to an unhealthy status."
        ));
    }
    m
}

pub fn stopped_running_tasks(service: &str, ids: &[Name]) -> String {
    let list = task_list(ids);
    text(
        service.len() + list.len() + 50,
        format_args!(
            "(service {service}) has stopped {} running tasks: {list}.",
            ids.len()
        ),
    )
}

/// Tasks stopped before they reached RUNNING get the short form.
pub fn stopped_pending_tasks(service: &str, count: usize) -> String {
    format!("(service {service}) stopped {count} pending tasks.")
}

/// No trailing period: that is how ECS prints it.
pub fn registered_targets(service: &str, count: u32, target_group_arn: &str) -> String {
    text(
        service.len() + target_group_arn.len() + 60,
        format_args!(
            "(service {service}) registered {count} targets in (target-group {target_group_arn})"
        ),
    )
}

pub fn deregistered_targets(service: &str, count: u32, target_group_arn: &str) -> String {
    text(
        service.len() + target_group_arn.len() + 60,
        format_args!(
            "(service {service}) deregistered {count} targets in (target-group {target_group_arn})"
        ),
    )
}

pub fn draining(service: &str, task_set: &str, count: u32) -> String {
    text(
        service.len() + task_set.len() + 80,
        format_args!(
            "(service {service}, taskSet {task_set}) has begun draining connections on {count} tasks."
        ),
    )
}

pub fn failed_container_health_checks(service: &str, task: &str) -> String {
    format!("(service {service}) (task {task}) failed container health checks.")
}

/// Fargate/awsvpc targets are named by task and port; EC2 instance targets also by instance.
pub fn unhealthy_in_target_group(
    service: &str,
    task: &str,
    instance: Option<&str>,
    port: u16,
    target_group_arn: &str,
    reason: &str,
) -> String {
    match instance {
        Some(i) => format!(
            "(service {service}) (task {task}) (instance {i}) (port {port}) is unhealthy in (target-group {target_group_arn}) due to (reason {reason})"
        ),
        None => format!(
            "(service {service}) (task {task}) (port {port}) is unhealthy in (target-group {target_group_arn}) due to (reason {reason})"
        ),
    }
}

/// Why no container instance could take a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlacementProblem {
    NoInstances,
    InsufficientMemory {
        container_instance: String,
    },
    InsufficientCpu {
        container_instance: String,
    },
    PortInUse {
        container_instance: String,
    },
    MissingAttribute {
        container_instance: String,
    },
    AgentDisconnected {
        container_instance: String,
    },
    /// Constraints such as distinctInstance ruled every instance out. AWS documents no closer
    /// wording for this case; Orca prints the general sentence alone [model].
    NoInstanceMetRequirements,
    FargateCapacityUnavailable,
    /// The task needs its own network interface (awsvpc, Fargate) and the subnet of every zone
    /// it could go to has no free address left.
    SubnetOutOfAddresses,
}

impl PlacementProblem {
    /// A few words for explanations: "insufficient memory on the closest instance".
    pub fn reason(&self) -> &'static str {
        match self {
            PlacementProblem::NoInstances => "no instances yet",
            PlacementProblem::InsufficientMemory { .. } => "insufficient memory",
            PlacementProblem::InsufficientCpu { .. } => "insufficient CPU units",
            PlacementProblem::PortInUse { .. } => "its host port is taken",
            PlacementProblem::MissingAttribute { .. } => "a missing attribute",
            PlacementProblem::AgentDisconnected { .. } => "agent disconnected",
            PlacementProblem::NoInstanceMetRequirements => "no instance met its requirements",
            PlacementProblem::FargateCapacityUnavailable => "no Fargate capacity",
            PlacementProblem::SubnetOutOfAddresses => "no free IP address in the subnets",
        }
    }
}

pub fn unable_to_place(service: &str, problem: &PlacementProblem) -> String {
    const HEAD: &str =
        "was unable to place a task because no container instance met all of its requirements.";
    const TAIL: &str =
        "For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";
    match problem {
        PlacementProblem::NoInstances => format!(
            "(service {service}) was unable to place a task. Reason: No Container Instances were found in your cluster."
        ),
        PlacementProblem::FargateCapacityUnavailable => format!(
            "(service {service}) was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone."
        ),
        // AWS documents no service event for a full subnet [inferred]: the task's network
        // interface cannot be created, and EC2 answers CreateNetworkInterface with the error
        // quoted here (seen in public logs). Orca reports it in the documented "Reason:" frame.
        PlacementProblem::SubnetOutOfAddresses => format!(
            "(service {service}) was unable to place a task. Reason: InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request."
        ),
        PlacementProblem::NoInstanceMetRequirements => format!("(service {service}) {HEAD} {TAIL}"),
        PlacementProblem::InsufficientMemory { container_instance } => format!(
            "(service {service}) {HEAD} The closest matching (container-instance {container_instance}) has insufficient memory available. {TAIL}"
        ),
        PlacementProblem::InsufficientCpu { container_instance } => format!(
            "(service {service}) {HEAD} The closest matching (container-instance {container_instance}) has insufficient CPU units available. {TAIL}"
        ),
        PlacementProblem::PortInUse { container_instance } => format!(
            "(service {service}) {HEAD} The closest matching (container-instance {container_instance}) is already using a port required by your task. {TAIL}"
        ),
        PlacementProblem::MissingAttribute { container_instance } => format!(
            "(service {service}) {HEAD} The closest matching (container-instance {container_instance}) is missing an attribute required by your task. {TAIL}"
        ),
        PlacementProblem::AgentDisconnected { container_instance } => format!(
            "(service {service}) {HEAD} The closest matching (container-instance {container_instance}) encountered error \"AGENT\". {TAIL}"
        ),
    }
}

pub fn deployment_stuck(service: &str) -> String {
    format!(
        "(service {service}) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
    )
}

pub fn throttled(service: &str) -> String {
    format!("(service {service}) is unable to consistently start tasks successfully.")
}

pub fn deployment_failed(service: &str, deployment: &str) -> String {
    format!(
        "(service {service}) (deployment {deployment}) deployment failed: tasks failed to start."
    )
}

pub fn rolling_back(service: &str, to_deployment: &str) -> String {
    format!("(service {service}) rolling back to deployment {to_deployment}.")
}

// --- stoppedReason strings

pub const ESSENTIAL_CONTAINER_EXITED: &str = "Essential container in task exited";
pub const FAILED_CONTAINER_HEALTH_CHECKS: &str = "Task failed container health checks";
pub const STOPPED_BY_USER: &str = "Task stopped by user";
pub const SPOT_INTERRUPTED: &str = "Your Spot Task was interrupted.";

pub fn failed_elb_health_checks(target_group_arn: &str) -> String {
    format!("Task failed ELB health checks in (target-group {target_group_arn})")
}

/// A `Name`: it is every scheduler-stopped task's stoppedReason and its event's reason.
pub fn scaling_activity(deployment: &str) -> Name {
    Name::format(format_args!(
        "Scaling activity initiated by (deployment {deployment})"
    ))
}

/// No trailing period, as ECS writes it (docs/rules/ecs-tasks.md#stopped-reasons).
pub fn host_terminated(ec2_instance_id: &str) -> String {
    format!("Host EC2 (instance {ec2_instance_id}) stopped/terminated")
}

pub fn cannot_pull_not_found(image: &str) -> String {
    format!(
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: {image}: not found"
    )
}

pub fn cannot_pull_access_denied(image: &str) -> String {
    format!(
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: pull access denied, repository does not exist or may require authorization"
    )
}

// --- rolloutStateReason strings

pub fn rollout_in_progress(deployment: &str) -> String {
    format!("ECS deployment {deployment} in progress.")
}

pub fn rollout_completed(deployment: &str) -> String {
    format!("ECS deployment {deployment} completed.")
}

pub const ROLLOUT_BREAKER_FAILED: &str = "ECS deployment circuit breaker: tasks failed to start.";

pub fn rollout_rolling_back(to_deployment: &str) -> String {
    format!("ECS deployment circuit breaker: rolling back to deploymentId {to_deployment}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn started_after_unhealthy_matches_aws_wording() {
        assert_eq!(
            started_tasks("web", &["f35b3ede97d9476a915fb83787526c65".into()], 1),
            "(service web) has started 1 tasks: (task f35b3ede97d9476a915fb83787526c65). Amazon ECS replaced 1 tasks due to an unhealthy status."
        );
    }

    #[test]
    fn started_two_tasks_lists_both() {
        assert_eq!(
            started_tasks(
                "web",
                &[
                    "2c47373308424022880765916ed57a9d".into(),
                    "916b9b68e6b441d9a1049958af5c0833".into()
                ],
                0
            ),
            "(service web) has started 2 tasks: (task 2c47373308424022880765916ed57a9d) (task 916b9b68e6b441d9a1049958af5c0833)."
        );
    }

    #[test]
    fn registered_targets_has_no_trailing_period() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/a12a24f1cb3ecdb0";
        assert_eq!(
            registered_targets("web", 1, arn),
            format!("(service web) registered 1 targets in (target-group {arn})")
        );
    }

    #[test]
    fn ec2_unhealthy_target_names_instance_and_port() {
        assert_eq!(
            unhealthy_in_target_group(
                "web",
                "abc",
                Some("i-0abc"),
                32768,
                "arn:tg",
                "Request timed out"
            ),
            "(service web) (task abc) (instance i-0abc) (port 32768) is unhealthy in (target-group arn:tg) due to (reason Request timed out)"
        );
    }

    #[test]
    fn insufficient_memory_names_the_closest_instance() {
        assert_eq!(
            unable_to_place(
                "web",
                &PlacementProblem::InsufficientMemory {
                    container_instance: "5ed586c73a7748a8aa66067ee6ea4017".into()
                }
            ),
            "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 5ed586c73a7748a8aa66067ee6ea4017) has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
        );
    }

    #[test]
    fn breaker_messages_match_aws_wording() {
        assert_eq!(
            deployment_failed("web", "ecs-svc/3468368874827011691"),
            "(service web) (deployment ecs-svc/3468368874827011691) deployment failed: tasks failed to start."
        );
        assert_eq!(
            rolling_back("web", "ecs-svc/4744463545704487209"),
            "(service web) rolling back to deployment ecs-svc/4744463545704487209."
        );
        assert_eq!(
            rollout_rolling_back("ecs-svc/6405940160831029548"),
            "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/6405940160831029548."
        );
    }
}

/// One task `RunTask` could not start, as its `failures` list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunTaskFailure {
    /// The container instance that came closest, when one did.
    pub arn: Option<String>,
    pub reason: String,
}
