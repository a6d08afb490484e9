//! Kubernetes ServiceAccounts of the simulated EKS cluster: which exist, the IRSA annotation of
//! each, and which one a pod runs as (Kubernetes documentation, "Service Accounts":
//! <https://kubernetes.io/docs/concepts/security/service-accounts/>; Amazon EKS User Guide,
//! "Assign IAM roles to Kubernetes service accounts":
//! <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>).
//!
//! Every namespace has its `default` account; the scenario declares its own
//! (`iam.service_accounts`, the timeline's CreateServiceAccount adds one, its AnnotateServiceAccount
//! changes annotations) and
//! names those its applications' pods run as (`iam.app_calls[].service_account`); in
//! `kube-system` the EKS add-ons Orca runs have theirs. `console/kubectl/service_accounts.rs`
//! prints them.

use super::cluster::EksCluster;
use crate::time::SimTime;

/// The IRSA annotation: the role the pod identity webhook gives the pods of the account.
pub const ROLE_ARN: &str = "eks.amazonaws.com/role-arn";

/// A ServiceAccount as the API server holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceAccount {
    pub namespace: String,
    pub name: String,
    /// [`ROLE_ARN`]'s value.
    pub role_arn: Option<String>,
    pub created: SimTime,
}

/// The EKS add-ons' workloads Orca runs whose pods run as a service account of their own name,
/// as the add-ons' manifests set `serviceAccountName` (amazon-vpc-cni-k8s
/// `config/master/aws-k8s-cni.yaml`; the kube-proxy and CoreDNS add-ons). The EKS Pod Identity
/// Agent calls EKS Auth as the node role (Amazon EKS User Guide, "Set up the Amazon EKS Pod
/// Identity Agent") and gets no account of its own [model].
const ADD_ON_ACCOUNTS: [&str; 3] = ["aws-node", "coredns", "kube-proxy"];

/// Every service account of the cluster, sorted by namespace, then name, as the API server lists
/// them. Their creation (kubectl's AGE) is the start of the run [model: one the timeline's
/// AnnotateServiceAccount creates is dated from the start too], metrics-server's that of its
/// add-on, and one the timeline's CreateServiceAccount made the moment it did.
pub fn service_accounts(k: &EksCluster) -> Vec<ServiceAccount> {
    let mut out: Vec<ServiceAccount> = Vec::new();
    let mut add =
        |namespace: &str, name: &str, role_arn: Option<String>, created: SimTime| match out
            .iter_mut()
            .find(|s| s.namespace == namespace && s.name == name)
        {
            Some(s) => s.role_arn = role_arn.or(s.role_arn.take()),
            None => out.push(ServiceAccount {
                namespace: namespace.to_string(),
                name: name.to_string(),
                role_arn,
                created,
            }),
        };
    for ns in super::read::namespaces(k) {
        add(&ns, "default", None, SimTime::ZERO);
    }
    for d in k.deployments.iter().filter(|d| d.system) {
        if ADD_ON_ACCOUNTS.contains(&d.name.as_str()) {
            add(&d.namespace, &d.name, None, SimTime::ZERO);
        }
    }
    if let Some(a) = k.metrics_server {
        add(
            "kube-system",
            super::addons::METRICS_SERVER,
            None,
            a.created_at,
        );
    }
    if let Some(iam) = &k.iam {
        for s in &iam.service_accounts {
            add(&s.namespace, "default", None, SimTime::ZERO);
            add(&s.namespace, &s.name, s.role_arn.clone(), s.created_at);
        }
        // A pod's service account must exist for the pod to be admitted, so the accounts the
        // applications run as exist even where the scenario does not list them [inferred].
        for a in &iam.app_calls {
            let ns = k
                .deployments
                .iter()
                .find(|d| !d.system && d.name == a.target)
                .map_or(k.namespace.as_str(), |d| d.namespace.as_str());
            add(ns, &a.service_account, None, SimTime::ZERO);
        }
    }
    out.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    out
}

/// The service account pod `p` runs as: an EKS add-on's own, the one the scenario's
/// `app_calls` names for the pod's workload, else `default`.
pub fn of_pod(k: &EksCluster, p: usize) -> String {
    let d = &k.deployments[k.pod_deployment(p)];
    if d.system {
        return ADD_ON_ACCOUNTS
            .iter()
            .find(|a| **a == d.name)
            .map_or("default", |a| a)
            .to_string();
    }
    k.iam
        .as_ref()
        .and_then(|iam| iam.app_for(&d.name).map(|a| &iam.app_calls[a]))
        .map_or_else(|| "default".to_string(), |a| a.service_account.clone())
}
