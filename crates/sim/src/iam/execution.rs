//! The task execution role at task start: the agent pulls ECR images and fetches secrets
//! with it (Amazon ECS Developer Guide, "Amazon ECS task execution IAM role"). Without an
//! execution role an EC2 task's ECR pull uses the container instance role (the legacy path,
//! "Amazon ECS container instance IAM role").

use super::policy::{Decision, evaluate};
use super::{Iam, messages};
use crate::ecs::TaskDefinition;

/// `arn:aws:ecr:<region>:<account>:repository/<name>` of an ECR image reference
/// (`<account>.dkr.ecr.<region>.amazonaws.com/<name>[:tag|@digest]`); none for other
/// registries.
pub fn ecr_repository_arn(image: &str) -> Option<String> {
    let (host, path) = image.split_once('/')?;
    let (account, rest) = host.split_once(".dkr.ecr.")?;
    let region = rest.strip_suffix(".amazonaws.com")?;
    let name = path.split(['@', ':']).next()?;
    Some(format!("arn:aws:ecr:{region}:{account}:repository/{name}"))
}

/// Why a task of `td` cannot start for lack of an execution-role (or instance-role)
/// permission: the stopped reason, or none. `execution_role` is the task's (its definition's,
/// or a `RunTask` override's); `task_id` is the execution role's session name; `instance` the
/// EC2 instance id when the task runs on one.
pub fn start_failure(
    iam: &Iam,
    td: &TaskDefinition,
    execution_role: Option<&str>,
    task_id: &str,
    instance: Option<&str>,
) -> Option<String> {
    let exec = execution_role.and_then(|a| iam.role_by_arn(a));
    let exec_principal =
        exec.map(|r| messages::assumed_role_arn(&iam.account_id, &r.name, task_id));
    for c in &td.containers {
        // Secrets first: the agent resolves them before it pulls (both are "resources" it
        // retrieves with the execution role; the order is inferred).
        for secret in &c.secrets {
            let allowed = exec
                .is_some_and(|r| evaluate(r, "secretsmanager:GetSecretValue", secret).allowed());
            if !allowed {
                let p = exec_principal.clone().unwrap_or_default();
                return Some(messages::secret_denied(&p, secret));
            }
        }
        let Some(repo) = ecr_repository_arn(&c.image) else {
            continue;
        };
        let (role, principal, legacy) = match (exec, instance) {
            (Some(r), _) => (r, exec_principal.clone().unwrap_or_default(), false),
            (None, Some(i)) => match iam.instance_role.map(|k| &iam.roles[k]) {
                Some(r) => (
                    r,
                    messages::assumed_role_arn(&iam.account_id, &r.name, i),
                    true,
                ),
                None => return Some(crate::ecs::messages::cannot_pull_access_denied(&c.image)),
            },
            // Fargate without an execution role cannot authenticate to ECR (inferred: the
            // agent's pull is refused as an unauthorized pull).
            (None, None) => return Some(crate::ecs::messages::cannot_pull_access_denied(&c.image)),
        };
        let auth = evaluate(role, "ecr:GetAuthorizationToken", "*");
        if !auth.allowed() {
            return Some(if legacy {
                crate::ecs::messages::cannot_pull_access_denied(&c.image)
            } else {
                messages::registry_auth_denied(&principal, auth)
            });
        }
        let layers = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
            .iter()
            .map(|a| evaluate(role, a, &repo))
            .find(|d| !d.allowed());
        if let Some(Decision::ImplicitDeny | Decision::ExplicitDeny { .. }) = layers {
            return Some(crate::ecs::messages::cannot_pull_access_denied(&c.image));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecr_image_references_name_their_repository() {
        assert_eq!(
            ecr_repository_arn("111122223333.dkr.ecr.us-east-1.amazonaws.com/orders:1.4"),
            Some("arn:aws:ecr:us-east-1:111122223333:repository/orders".into())
        );
        assert_eq!(
            ecr_repository_arn("111122223333.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:ab"),
            Some("arn:aws:ecr:eu-west-1:111122223333:repository/team/api".into())
        );
        assert_eq!(ecr_repository_arn("nginx:1.25"), None);
        assert_eq!(ecr_repository_arn("public.ecr.aws/nginx/nginx:1"), None);
    }
}
