//! IAM as a scenario models it: roles with their trust and a few Allow/Deny statements, the
//! instance (or node) role and how reachable instance metadata is, the AWS calls the modelled
//! application makes, and on EKS the OIDC provider, service accounts and Pod Identity
//! associations. Not the IAM policy language: an action and resource pattern with `*` and `?`
//! is all a statement says (docs/rules/iam.md).

use serde::{Deserialize, Serialize};

/// The `iam` part of an ECS or EKS world. Empty (the default), IAM is not modelled and nothing
/// in the run changes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamSpec {
    #[serde(default)]
    pub roles: Vec<RoleSpec>,
    /// The role of the EC2 instances' instance profile: the ECS container instance role or
    /// the EKS node role (a role name from `roles`).
    #[serde(default)]
    pub instance_role: Option<String>,
    /// The instances' metadata options (`aws ec2 modify-instance-metadata-options`).
    #[serde(default)]
    pub instance_metadata: InstanceMetadataSpec,
    /// ECS agent `ECS_AWSVPC_BLOCK_IMDS=true`: awsvpc tasks cannot reach instance metadata.
    #[serde(default)]
    pub ecs_awsvpc_block_imds: bool,
    /// An iptables rule on the instances drops bridge-mode containers' packets to
    /// 169.254.169.254 (`iptables --insert DOCKER-USER 1 --in-interface docker+ --destination
    /// 169.254.169.254/32 --jump DROP`).
    #[serde(default)]
    pub iptables_block_imds: bool,
    /// The application's AWS calls, per task definition family (ECS) or Deployment (EKS).
    #[serde(default)]
    pub app_calls: Vec<AppCallsSpec>,
    /// EKS: the cluster's OIDC issuer is registered as an IAM OIDC identity provider.
    #[serde(default)]
    pub oidc_provider: bool,
    /// EKS: service accounts (the `default` one of each namespace exists without being listed).
    #[serde(default)]
    pub service_accounts: Vec<ServiceAccountSpec>,
    /// EKS: `aws eks create-pod-identity-association`.
    #[serde(default)]
    pub pod_identity_associations: Vec<PodIdentityAssociationSpec>,
}

/// An IAM role: who may assume it and what it allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    pub name: String,
    #[serde(default)]
    pub trust: TrustSpec,
    #[serde(default)]
    pub statements: Vec<StatementSpec>,
}

/// A role's trust policy, as one of the principals containers use.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum TrustSpec {
    /// `Principal.Service: ecs-tasks.amazonaws.com` (task and task execution roles).
    #[default]
    EcsTasks,
    /// `Principal.Service: ec2.amazonaws.com` (instance and node roles).
    Ec2,
    /// `Principal.Service: pods.eks.amazonaws.com` with `sts:AssumeRole` and `sts:TagSession`
    /// (EKS Pod Identity).
    PodsEks,
    /// `Principal.Federated` the cluster's OIDC provider, `sts:AssumeRoleWithWebIdentity`, with
    /// conditions on the token's `sub` and `aud` (IRSA).
    WebIdentity {
        /// `<issuer>:sub`: `system:serviceaccount:<namespace>:<name>`.
        sub: String,
        /// `<issuer>:aud`.
        #[serde(default = "sts_audience")]
        aud: String,
        /// `StringLike` instead of `StringEquals` (so `*` and `?` match).
        #[serde(default)]
        string_like: bool,
    },
}

pub fn sts_audience() -> String {
    "sts.amazonaws.com".into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Effect {
    #[default]
    Allow,
    Deny,
}

/// One statement of the role's identity-based policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementSpec {
    #[serde(default)]
    pub effect: Effect,
    /// `s3:GetObject`, `s3:*`, `ecr:BatchGet*`, ...
    pub actions: Vec<String>,
    /// ARN patterns; `["*"]` when left out.
    #[serde(default = "any_resource")]
    pub resources: Vec<String>,
}

fn any_resource() -> Vec<String> {
    vec!["*".into()]
}

/// `HttpTokens`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum HttpTokens {
    /// IMDSv2 only (Amazon Linux 2023 AMIs launch this way).
    #[default]
    Required,
    /// IMDSv1 is still answered.
    Optional,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceMetadataSpec {
    /// `HttpPutResponseHopLimit`, 1 to 64.
    #[serde(default = "default_hop_limit")]
    pub hop_limit: u8,
    #[serde(default)]
    pub http_tokens: HttpTokens,
}

fn default_hop_limit() -> u8 {
    2
}

impl Default for InstanceMetadataSpec {
    fn default() -> Self {
        InstanceMetadataSpec {
            hop_limit: default_hop_limit(),
            http_tokens: HttpTokens::Required,
        }
    }
}

/// The AWS calls one application makes: the tasks of a task definition family, or the pods
/// of a Deployment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppCallsSpec {
    /// A task definition family (ECS) or a Deployment (EKS).
    pub target: String,
    /// EKS: the pod template's `serviceAccountName` (`default` when left out).
    #[serde(default)]
    pub service_account: Option<String>,
    pub calls: Vec<AwsCallSpec>,
}

/// One call the application repeats, through the AWS SDK's default credential chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsCallSpec {
    /// `service:Action`, e.g. `s3:GetObject`.
    pub action: String,
    /// The ARN it acts on, e.g. `arn:aws:s3:::orders/in/1.json`.
    pub resource: String,
    /// Seconds between calls.
    #[serde(default = "default_every")]
    pub every_seconds: f64,
}

fn default_every() -> f64 {
    10.0
}

/// A Kubernetes ServiceAccount, with the IRSA annotation when it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccountSpec {
    pub name: String,
    #[serde(default = "default_namespace")]
    pub namespace: String,
    /// `eks.amazonaws.com/role-arn`.
    #[serde(default)]
    pub role_arn: Option<String>,
}

fn default_namespace() -> String {
    "default".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PodIdentityAssociationSpec {
    #[serde(default = "default_namespace")]
    pub namespace: String,
    pub service_account: String,
    pub role_arn: String,
}

impl IamSpec {
    /// Nothing about IAM is said: the scenario does not model it.
    pub fn is_empty(&self) -> bool {
        self == &IamSpec::default()
    }
}
