//! `overrides` of `aws ecs run-task` (Amazon ECS API Reference, `TaskOverride` and
//! `ContainerOverride`): what one standalone task runs with instead of its task definition's
//! values. Orca simulates the roles (the application's credentials, the agent's image pulls and
//! secrets) and the sizes (what the task reserves on its instance); a command and environment
//! variables are kept and shown, as `describe-tasks` shows them, but the simulated application
//! behaves as its task definition says.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskOverrideSpec {
    /// Per container, by name: a container left out keeps its definition.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub container_overrides: Vec<ContainerOverrideSpec>,
    /// The task's CPU units instead of the task definition's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    /// The task's memory (MiB) instead of the task definition's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<u32>,
    /// The role the application's AWS calls use instead of the task definition's task role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_role_arn: Option<String>,
    /// The role the agent pulls images and fetches secrets with instead of the task
    /// definition's execution role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_role_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerOverrideSpec {
    /// The container of the task definition this override is for.
    pub name: String,
    /// The command the container runs instead of its image's or definition's (kept and shown;
    /// the simulated application behaves as its definition says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// Environment variables added or replaced (kept and shown, like `command`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub environment: Vec<EnvironmentVariableSpec>,
    /// CPU units reserved for the container.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u32>,
    /// Hard memory limit (MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<u32>,
    /// Soft memory reservation (MiB).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reservation: Option<u32>,
}

/// One environment variable (`KeyValuePair`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentVariableSpec {
    pub name: String,
    pub value: String,
}

impl TaskOverrideSpec {
    /// The override of container `name`, if any.
    pub fn container(&self, name: &str) -> Option<&ContainerOverrideSpec> {
        self.container_overrides.iter().find(|c| c.name == name)
    }

    /// Nothing is overridden (`{}` or only empty container overrides).
    pub fn is_empty(&self) -> bool {
        self.cpu.is_none()
            && self.memory.is_none()
            && self.task_role_arn.is_none()
            && self.execution_role_arn.is_none()
            && self.container_overrides.iter().all(|c| {
                c.command.is_none()
                    && c.environment.is_empty()
                    && c.cpu.is_none()
                    && c.memory.is_none()
                    && c.memory_reservation.is_none()
            })
    }
}
