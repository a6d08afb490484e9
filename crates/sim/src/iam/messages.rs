//! The exact wording of what the SDK, STS and the ECS agent say about credentials and access.

use super::policy::Decision;

/// The error code a service returns for an access denial (IAM User Guide, "Troubleshoot
/// access denied error messages"): `AccessDenied` for S3 and STS, `UnauthorizedOperation` for
/// EC2, `AccessDeniedException` for the JSON APIs (DynamoDB, Secrets Manager, ECR, ...).
pub fn error_code(action: &str) -> &'static str {
    match service(action) {
        "s3" | "sts" => "AccessDenied",
        "ec2" => "UnauthorizedOperation",
        _ => "AccessDeniedException",
    }
}

fn service(action: &str) -> &str {
    action.split(':').next().unwrap_or("")
}

/// `GetObject` of `s3:GetObject`: the operation botocore names in its error.
pub fn operation(action: &str) -> &str {
    action.split_once(':').map_or(action, |(_, op)| op)
}

/// `arn:aws:sts::<account>:assumed-role/<role>/<session>`: the principal a role session is.
pub fn assumed_role_arn(account: &str, role: &str, session: &str) -> String {
    format!("arn:aws:sts::{account}:assumed-role/{role}/{session}")
}

/// The message of an access denial (IAM User Guide, "Troubleshoot access denied error
/// messages"): `User: <principal> is not authorized to perform: <action> on resource:
/// <resource> because no identity-based policy allows the <action> action`, or `… with an
/// explicit deny in an identity-based policy`. S3 quotes the resource (observed); EC2's
/// message begins "You are not authorized to perform this operation."
pub fn access_denied(principal: &str, action: &str, resource: &str, decision: Decision) -> String {
    let shown = if service(action) == "s3" {
        format!("\"{resource}\"")
    } else {
        resource.to_string()
    };
    let because = match decision {
        Decision::ExplicitDeny { .. } => {
            "with an explicit deny in an identity-based policy".to_string()
        }
        _ => format!("because no identity-based policy allows the {action} action"),
    };
    let core = format!(
        "User: {principal} is not authorized to perform: {action} on resource: {shown} {because}"
    );
    if service(action) == "ec2" {
        format!("You are not authorized to perform this operation. {core}")
    } else {
        core
    }
}

/// botocore's `ClientError`: `An error occurred (<Code>) when calling the <Operation>
/// operation: <message>` (botocore `exceptions.py`).
pub fn client_error(code: &str, operation: &str, message: &str) -> String {
    format!("An error occurred ({code}) when calling the {operation} operation: {message}")
}

/// The SDK's error for a denied call.
pub fn sdk_access_denied(principal: &str, action: &str, resource: &str, d: Decision) -> String {
    client_error(
        error_code(action),
        operation(action),
        &access_denied(principal, action, resource, d),
    )
}

/// botocore `NoCredentialsError`: no provider in the chain had credentials.
pub const NO_CREDENTIALS: &str =
    "botocore.exceptions.NoCredentialsError: Unable to locate credentials";

/// STS refuses the web identity token: the trust policy does not name this provider, subject
/// or audience, or the role does not exist (observed; Knowledge Center
/// "eks-troubleshoot-irsa-errors").
pub fn web_identity_access_denied() -> String {
    client_error(
        "AccessDenied",
        "AssumeRoleWithWebIdentity",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    )
}

/// The cluster's OIDC issuer is not an IAM identity provider of the account.
pub fn no_oidc_provider(issuer: &str) -> String {
    client_error(
        "InvalidIdentityToken",
        "AssumeRoleWithWebIdentity",
        &format!("No OpenIDConnect provider found in your account for {issuer}"),
    )
}

/// The annotation's role ARN is not an ARN.
pub fn invalid_role_arn() -> String {
    client_error(
        "ValidationError",
        "AssumeRoleWithWebIdentity",
        "Request ARN is invalid",
    )
}

/// The agent could not fetch a secret with the task execution role (Knowledge Center
/// "ecs-unable-to-pull-secrets"; the SDK's request details between "retried 1 time(s):" and
/// "api error" are left out — inferred shortening).
pub fn secret_denied(principal: &str, secret: &str) -> String {
    format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): api error AccessDeniedException: {}",
        access_denied(
            principal,
            "secretsmanager:GetSecretValue",
            secret,
            Decision::ImplicitDeny
        )
    )
}

/// The agent could not get an ECR authorization token with the task execution role.
/// Inferred: the same form as the secrets failure with ECR's action.
pub fn registry_auth_denied(principal: &str, d: Decision) -> String {
    format!(
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): api error AccessDeniedException: {}",
        access_denied(principal, "ecr:GetAuthorizationToken", "*", d)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_iam_user_guide_example_of_an_s3_denial() {
        let p = assumed_role_arn("111122223333", "orders-task-role", "3f2e9c1d");
        assert_eq!(
            sdk_access_denied(
                &p,
                "s3:PutObject",
                "arn:aws:s3:::orders-bucket/in/1.json",
                Decision::ImplicitDeny
            ),
            "An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:sts::111122223333:assumed-role/orders-task-role/3f2e9c1d is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::orders-bucket/in/1.json\" because no identity-based policy allows the s3:PutObject action"
        );
    }

    #[test]
    fn codes_per_service_and_explicit_deny() {
        assert_eq!(error_code("dynamodb:GetItem"), "AccessDeniedException");
        assert_eq!(error_code("sts:AssumeRole"), "AccessDenied");
        assert!(
            sdk_access_denied("p", "ec2:DescribeInstances", "*", Decision::ImplicitDeny)
                .starts_with("An error occurred (UnauthorizedOperation) when calling the DescribeInstances operation: You are not authorized to perform this operation.")
        );
        assert!(
            access_denied(
                "p",
                "dynamodb:GetItem",
                "arn:aws:dynamodb:us-east-1:1:table/t",
                Decision::ExplicitDeny { statement: 0 }
            )
            .ends_with("on resource: arn:aws:dynamodb:us-east-1:1:table/t with an explicit deny in an identity-based policy")
        );
    }

    #[test]
    fn the_knowledge_center_secrets_failure() {
        let m = secret_denied(
            "arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/a20b735e9bbc41598825b6f0269f6fef",
            "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
        );
        assert!(m.starts_with("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s):"));
        assert!(m.ends_with("api error AccessDeniedException: User: arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/a20b735e9bbc41598825b6f0269f6fef is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf because no identity-based policy allows the secretsmanager:GetSecretValue action"));
    }
}
