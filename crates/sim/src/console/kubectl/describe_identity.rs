//! What the EKS Pod Identity webhook put into a pod when it was created, as `kubectl describe
//! pod` shows it: the environment the AWS SDK reads and the projected token's mount and volume.
//! IRSA (EKS User Guide, "IAM roles for service accounts": `AWS_ROLE_ARN`,
//! `AWS_WEB_IDENTITY_TOKEN_FILE`, the region variables; the token in the `aws-iam-token`
//! projected volume, 86,400 s) and EKS Pod Identity ("EKS Pod Identity":
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI`, `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, the
//! `eks-pod-identity-token` volume). A pod created before an annotation or association has
//! none of it: the webhook mutates pods only when they are created.

use std::fmt::Write;

use crate::k8s::cluster::{EksCluster, Pod};

const IRSA_TOKEN_DIR: &str = "/var/run/secrets/eks.amazonaws.com/serviceaccount";
const POD_IDENTITY_TOKEN_DIR: &str = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount";

/// The environment, mounts and volumes the webhooks injected into `pod`.
#[derive(Default)]
pub(super) struct Injected {
    env: Vec<(&'static str, String)>,
    mounts: Vec<String>,
    volumes: Vec<&'static str>,
}

pub(super) fn injected(k: &EksCluster, pod: &Pod) -> Injected {
    let mut out = Injected::default();
    let Some(iam) = k.iam.as_ref() else {
        return out;
    };
    let Some(env) = iam.pods.get(&pod.name).and_then(|w| w.env.as_ref()) else {
        return out;
    };
    if let Some(arn) = &env.aws_role_arn {
        out.env.extend([
            ("AWS_DEFAULT_REGION", iam.region.clone()),
            ("AWS_REGION", iam.region.clone()),
            ("AWS_ROLE_ARN", arn.clone()),
            (
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                format!("{IRSA_TOKEN_DIR}/token"),
            ),
        ]);
        out.mounts
            .push(format!("{IRSA_TOKEN_DIR} from aws-iam-token (ro)"));
        out.volumes.push("aws-iam-token");
    }
    if env.pod_identity_role.is_some() {
        out.env.extend([
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://169.254.170.23/v1/credentials".to_string(),
            ),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                format!("{POD_IDENTITY_TOKEN_DIR}/eks-pod-identity-token"),
            ),
        ]);
        out.mounts.push(format!(
            "{POD_IDENTITY_TOKEN_DIR} from eks-pod-identity-token (ro)"
        ));
        out.volumes.push("eks-pod-identity-token");
    }
    out
}

impl Injected {
    /// The container's `Environment:` and `Mounts:` lines.
    pub(super) fn container_lines(&self, o: &mut String) {
        if self.env.is_empty() {
            let _ = writeln!(o, "    Environment:    <none>");
        } else {
            let _ = writeln!(o, "    Environment:");
            let width = self.env.iter().map(|(n, _)| n.len()).max().unwrap_or(0) + 3;
            for (name, value) in &self.env {
                let _ = writeln!(o, "      {:<width$}{value}", format!("{name}:"));
            }
        }
        if self.mounts.is_empty() {
            let _ = writeln!(o, "    Mounts:         <none>");
        } else {
            let _ = writeln!(o, "    Mounts:");
            for m in &self.mounts {
                let _ = writeln!(o, "      {m}");
            }
        }
    }

    /// The pod's `Volumes:` lines.
    pub(super) fn volume_lines(&self, o: &mut String) {
        if self.volumes.is_empty() {
            let _ = writeln!(o, "Volumes:                     <none>");
            return;
        }
        let _ = writeln!(o, "Volumes:");
        for v in &self.volumes {
            let _ = writeln!(o, "  {v}:");
            let _ = writeln!(
                o,
                "    Type:                    Projected (a volume that contains injected data from multiple sources)"
            );
            let _ = writeln!(o, "    TokenExpirationSeconds:  86400");
        }
    }
}
