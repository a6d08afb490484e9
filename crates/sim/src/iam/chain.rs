//! Which credentials the AWS SDK inside a container finds: the default credential provider
//! chain, and whether instance metadata is reachable from where the container runs.
//!
//! Chain order (botocore `credentials.py`, `create_credential_resolver`,
//! <https://github.com/boto/botocore/blob/develop/botocore/credentials.py>): environment keys →
//! assume-role profile → **web identity** (`AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE`) → SSO
//! → shared credentials file → login → `credential_process` → config-file keys → legacy boto
//! files → **container provider** (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` or `…_FULL_URI`)
//! → **instance metadata**. The first provider that has credentials answers; a provider that
//! is configured but fails (web identity refused by STS) raises, it does not fall through.
//! Orca's containers carry no keys or files, so only the three steps in bold occur.
//!
//! Instance metadata from a container (Amazon ECS Developer Guide, "Task IAM role", Amazon
//! EC2 instance additional configuration; Amazon EKS User Guide, "Amazon Linux 2023"; EC2 User
//! Guide, "Configure the instance metadata options"): Fargate has none; `ECS_AWSVPC_BLOCK_IMDS`
//! blocks awsvpc tasks; an iptables DROP in `DOCKER-USER` blocks bridge containers; a container
//! one network hop from the instance does not get the IMDSv2 token's PUT response when the hop
//! limit is 1, and then the SDK falls back to IMDSv1, which answers only if tokens are optional.

use serde::Serialize;

use crate::scenario::spec::{HttpTokens, InstanceMetadataSpec, NetworkMode};

/// A step of the chain that can answer in Orca, numbered as in botocore's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ChainStep {
    /// 3: `AssumeRoleWithWebIdentity` with the projected service account token (IRSA).
    WebIdentity,
    /// 11: the container credentials endpoint (ECS task role, EKS Pod Identity).
    ContainerProvider,
    /// 12: instance metadata, the instance profile's role.
    InstanceMetadata,
}

impl ChainStep {
    pub fn number(self) -> u8 {
        match self {
            ChainStep::WebIdentity => 3,
            ChainStep::ContainerProvider => 11,
            ChainStep::InstanceMetadata => 12,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ChainStep::WebIdentity => "web identity token",
            ChainStep::ContainerProvider => "container credentials endpoint",
            ChainStep::InstanceMetadata => "instance metadata",
        }
    }
}

/// Where a container runs, as far as instance metadata is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runs {
    /// ECS on Fargate or an EKS pod on Fargate: no EC2 instance metadata.
    Fargate,
    /// An ECS task on an EC2 container instance, in this network mode.
    EcsEc2(NetworkMode),
    /// An EKS pod on an EC2 node (pod networking: one hop from the node).
    EksEc2Pod,
}

/// The instance-side settings that decide whether metadata answers a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImdsSettings {
    pub options: InstanceMetadataSpec,
    pub ecs_awsvpc_block_imds: bool,
    pub iptables_block_imds: bool,
}

/// Whether the SDK in a container gets an answer from instance metadata: `Ok(why)` or
/// `Err(why not)`.
pub fn imds_reachable(runs: Runs, s: &ImdsSettings) -> Result<String, String> {
    let one_hop = match runs {
        Runs::Fargate => {
            return Err("Fargate gives no access to EC2 instance metadata.".into());
        }
        Runs::EcsEc2(NetworkMode::Host) => false,
        Runs::EcsEc2(NetworkMode::Awsvpc) if s.ecs_awsvpc_block_imds => {
            return Err(
                "ECS_AWSVPC_BLOCK_IMDS=true: the agent blocks awsvpc tasks from 169.254.169.254."
                    .into(),
            );
        }
        Runs::EcsEc2(NetworkMode::Bridge) if s.iptables_block_imds => {
            return Err(
                "An iptables DROP rule in DOCKER-USER stops bridge containers' packets to 169.254.169.254."
                    .into(),
            );
        }
        // Inferred: an awsvpc task's own network namespace is one hop from the instance, as
        // the bridge is; AWS documents the agent setting, not the hop count, for awsvpc.
        Runs::EcsEc2(_) | Runs::EksEc2Pod => true,
    };
    let hop_limit = s.options.hop_limit;
    if one_hop && hop_limit < 2 {
        return match s.options.http_tokens {
            HttpTokens::Required => Err(format!(
                "Hop limit {hop_limit}: the IMDSv2 token's PUT response does not reach the container one hop away, and IMDSv1 is refused (HttpTokens required)."
            )),
            HttpTokens::Optional => Ok(format!(
                "Hop limit {hop_limit} stops the IMDSv2 token, but the SDK falls back to IMDSv1, which the instance still answers (HttpTokens optional)."
            )),
        };
    }
    Ok(if one_hop {
        format!(
            "169.254.169.254 answers: the container is one hop away and the hop limit is {hop_limit}."
        )
    } else {
        "169.254.169.254 answers: host networking is the instance's own network.".into()
    })
}

/// What the SDK in one container can see, in chain order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainInput {
    /// IRSA: the role ARN in `AWS_ROLE_ARN` (the webhook injected it at pod creation).
    pub web_identity: Option<String>,
    /// ECS task role (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`) or Pod Identity
    /// (`AWS_CONTAINER_CREDENTIALS_FULL_URI`): the role the endpoint hands out, and which.
    pub container: Option<(String, ContainerSource)>,
    /// Instance metadata: the instance profile role if reachable, or why not.
    pub imds: Result<(Option<String>, String), String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ContainerSource {
    EcsTaskRole,
    PodIdentity,
}

/// The provider that answered, the role it names and why it (and not an earlier one) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    pub step: ChainStep,
    pub role_arn: String,
    pub why: String,
}

/// Walk the chain: the first provider with credentials answers. `Err(why)` when none has any
/// (the SDK's "Unable to locate credentials").
pub fn resolve(input: &ChainInput) -> Result<Found, String> {
    if let Some(role) = &input.web_identity {
        return Ok(Found {
            step: ChainStep::WebIdentity,
            role_arn: role.clone(),
            why: "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE are set (IRSA); web identity comes before every later provider.".into(),
        });
    }
    if let Some((role, source)) = &input.container {
        let why = match source {
            ContainerSource::EcsTaskRole => {
                "The task has a task role: the agent set AWS_CONTAINER_CREDENTIALS_RELATIVE_URI, and the container provider comes before instance metadata."
            }
            ContainerSource::PodIdentity => {
                "A Pod Identity association: AWS_CONTAINER_CREDENTIALS_FULL_URI points at the agent (169.254.170.23), and the container provider comes before instance metadata."
            }
        };
        return Ok(Found {
            step: ChainStep::ContainerProvider,
            role_arn: role.clone(),
            why: why.into(),
        });
    }
    match &input.imds {
        Ok((Some(role), how)) => Ok(Found {
            step: ChainStep::InstanceMetadata,
            role_arn: role.clone(),
            why: format!(
                "No web identity and no container credentials, so the SDK asks instance metadata for the instance profile's role. {how}"
            ),
        }),
        Ok((None, how)) => Err(format!(
            "No web identity, no container credentials, and the instance has no instance profile. {how}"
        )),
        Err(why_not) => Err(format!(
            "No web identity, no container credentials, and instance metadata does not answer: {why_not}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(hop_limit: u8, tokens: HttpTokens) -> ImdsSettings {
        ImdsSettings {
            options: InstanceMetadataSpec {
                hop_limit,
                http_tokens: tokens,
            },
            ecs_awsvpc_block_imds: false,
            iptables_block_imds: false,
        }
    }

    #[test]
    fn hop_limit_one_blocks_containers_only_with_imdsv2_required() {
        let bridge = Runs::EcsEc2(NetworkMode::Bridge);
        assert!(imds_reachable(bridge, &settings(2, HttpTokens::Required)).is_ok());
        assert!(imds_reachable(bridge, &settings(1, HttpTokens::Required)).is_err());
        // IMDSv1 fallback: the hop limit applies to the token's PUT response only.
        assert!(imds_reachable(bridge, &settings(1, HttpTokens::Optional)).is_ok());
        // Host networking is zero hops away.
        assert!(
            imds_reachable(
                Runs::EcsEc2(NetworkMode::Host),
                &settings(1, HttpTokens::Required)
            )
            .is_ok()
        );
        assert!(imds_reachable(Runs::EksEc2Pod, &settings(1, HttpTokens::Required)).is_err());
    }

    #[test]
    fn agent_and_iptables_blocks_apply_to_their_network_modes() {
        let mut s = settings(2, HttpTokens::Required);
        s.ecs_awsvpc_block_imds = true;
        assert!(imds_reachable(Runs::EcsEc2(NetworkMode::Awsvpc), &s).is_err());
        // ECS_AWSVPC_BLOCK_IMDS does nothing for bridge mode.
        assert!(imds_reachable(Runs::EcsEc2(NetworkMode::Bridge), &s).is_ok());
        s.iptables_block_imds = true;
        assert!(imds_reachable(Runs::EcsEc2(NetworkMode::Bridge), &s).is_err());
        // Host mode is not blockable either way.
        assert!(imds_reachable(Runs::EcsEc2(NetworkMode::Host), &s).is_ok());
        assert!(imds_reachable(Runs::Fargate, &settings(2, HttpTokens::Optional)).is_err());
    }

    #[test]
    fn first_provider_with_credentials_wins() {
        let node = Ok((Some("arn:aws:iam::1:role/node".to_string()), String::new()));
        let all = ChainInput {
            web_identity: Some("arn:aws:iam::1:role/irsa".into()),
            container: Some((
                "arn:aws:iam::1:role/pi".into(),
                ContainerSource::PodIdentity,
            )),
            imds: node.clone(),
        };
        // IRSA's web identity comes before Pod Identity's container provider.
        let f = resolve(&all).unwrap();
        assert_eq!(f.step, ChainStep::WebIdentity);
        assert_eq!(f.role_arn, "arn:aws:iam::1:role/irsa");
        let no_irsa = ChainInput {
            web_identity: None,
            ..all.clone()
        };
        assert_eq!(
            resolve(&no_irsa).unwrap().step,
            ChainStep::ContainerProvider
        );
        let bare = ChainInput {
            web_identity: None,
            container: None,
            imds: node,
        };
        let f = resolve(&bare).unwrap();
        assert_eq!(
            (f.step, f.role_arn.as_str()),
            (ChainStep::InstanceMetadata, "arn:aws:iam::1:role/node")
        );
        let blocked = ChainInput {
            imds: Err("blocked".into()),
            ..bare
        };
        assert!(resolve(&blocked).is_err());
    }
}
