//! `kubectl api-resources` and `kubectl cluster-info`: the resource types the cluster's API
//! server serves, and where its control plane and CoreDNS answer
//! (docs/rules/k8s-pods.md#kubectl-api-resources-and-cluster-info).
//!
//! The table is the built-in API of Kubernetes 1.31 (the server version `kubectl version`
//! reports; the Kubernetes API reference, "API Overview", and `kubectl api-resources` against
//! such a cluster), plus the Metrics API once metrics-server is ACTIVE and Karpenter's
//! resources when the scenario runs Karpenter. [model] The custom resources EKS's own add-ons
//! install (the VPC CNI's `eniconfigs`, `policyendpoints`, …) are not listed. The same table
//! tells a resource type a real cluster serves but Orca does not model from a typo.

use super::table::render;
use super::{Kube, Outcome};

/// One resource type: `kubectl api-resources`' columns.
struct Resource {
    name: &'static str,
    short: &'static [&'static str],
    group: &'static str,
    version: &'static str,
    namespaced: bool,
    kind: &'static str,
    served: Served,
}

/// Which clusters serve a resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// Every cluster of the server's version.
    Always,
    /// Clusters where metrics-server is ACTIVE (it registers the Metrics API).
    MetricsApi,
    /// Clusters that run Karpenter (its custom resource definitions).
    Karpenter,
}

impl Served {
    fn by(self, k: &Kube) -> bool {
        match self {
            Served::Always => true,
            Served::MetricsApi => k.eks.metrics_server.is_some_and(|a| k.now >= a.active_at),
            Served::Karpenter => k.eks.karpenter.is_some(),
        }
    }
}

macro_rules! r {
    ($name:literal, [$($s:literal),*], $group:literal, $version:literal, $ns:literal, $kind:literal) => {
        r!($name, [$($s),*], $group, $version, $ns, $kind, Served::Always)
    };
    ($name:literal, [$($s:literal),*], $group:literal, $version:literal, $ns:literal, $kind:literal, $served:expr) => {
        Resource {
            name: $name,
            short: &[$($s),*],
            group: $group,
            version: $version,
            namespaced: $ns,
            kind: $kind,
            served: $served,
        }
    };
}

/// The resource types, by group (the core group `""` first) and then by name, as kubectl
/// sorts them.
const RESOURCES: &[Resource] = &[
    r!("bindings", [], "", "v1", true, "Binding"),
    r!(
        "componentstatuses",
        ["cs"],
        "",
        "v1",
        false,
        "ComponentStatus"
    ),
    r!("configmaps", ["cm"], "", "v1", true, "ConfigMap"),
    r!("endpoints", ["ep"], "", "v1", true, "Endpoints"),
    r!("events", ["ev"], "", "v1", true, "Event"),
    r!("limitranges", ["limits"], "", "v1", true, "LimitRange"),
    r!("namespaces", ["ns"], "", "v1", false, "Namespace"),
    r!("nodes", ["no"], "", "v1", false, "Node"),
    r!(
        "persistentvolumeclaims",
        ["pvc"],
        "",
        "v1",
        true,
        "PersistentVolumeClaim"
    ),
    r!(
        "persistentvolumes",
        ["pv"],
        "",
        "v1",
        false,
        "PersistentVolume"
    ),
    r!("pods", ["po"], "", "v1", true, "Pod"),
    r!("podtemplates", [], "", "v1", true, "PodTemplate"),
    r!(
        "replicationcontrollers",
        ["rc"],
        "",
        "v1",
        true,
        "ReplicationController"
    ),
    r!("resourcequotas", ["quota"], "", "v1", true, "ResourceQuota"),
    r!("secrets", [], "", "v1", true, "Secret"),
    r!("serviceaccounts", ["sa"], "", "v1", true, "ServiceAccount"),
    r!("services", ["svc"], "", "v1", true, "Service"),
    r!(
        "mutatingwebhookconfigurations",
        [],
        "admissionregistration.k8s.io",
        "v1",
        false,
        "MutatingWebhookConfiguration"
    ),
    r!(
        "validatingadmissionpolicies",
        [],
        "admissionregistration.k8s.io",
        "v1",
        false,
        "ValidatingAdmissionPolicy"
    ),
    r!(
        "validatingadmissionpolicybindings",
        [],
        "admissionregistration.k8s.io",
        "v1",
        false,
        "ValidatingAdmissionPolicyBinding"
    ),
    r!(
        "validatingwebhookconfigurations",
        [],
        "admissionregistration.k8s.io",
        "v1",
        false,
        "ValidatingWebhookConfiguration"
    ),
    r!(
        "customresourcedefinitions",
        ["crd", "crds"],
        "apiextensions.k8s.io",
        "v1",
        false,
        "CustomResourceDefinition"
    ),
    r!(
        "apiservices",
        [],
        "apiregistration.k8s.io",
        "v1",
        false,
        "APIService"
    ),
    r!(
        "controllerrevisions",
        [],
        "apps",
        "v1",
        true,
        "ControllerRevision"
    ),
    r!("daemonsets", ["ds"], "apps", "v1", true, "DaemonSet"),
    r!("deployments", ["deploy"], "apps", "v1", true, "Deployment"),
    r!("replicasets", ["rs"], "apps", "v1", true, "ReplicaSet"),
    r!("statefulsets", ["sts"], "apps", "v1", true, "StatefulSet"),
    r!(
        "selfsubjectreviews",
        [],
        "authentication.k8s.io",
        "v1",
        false,
        "SelfSubjectReview"
    ),
    r!(
        "tokenreviews",
        [],
        "authentication.k8s.io",
        "v1",
        false,
        "TokenReview"
    ),
    r!(
        "localsubjectaccessreviews",
        [],
        "authorization.k8s.io",
        "v1",
        true,
        "LocalSubjectAccessReview"
    ),
    r!(
        "selfsubjectaccessreviews",
        [],
        "authorization.k8s.io",
        "v1",
        false,
        "SelfSubjectAccessReview"
    ),
    r!(
        "selfsubjectrulesreviews",
        [],
        "authorization.k8s.io",
        "v1",
        false,
        "SelfSubjectRulesReview"
    ),
    r!(
        "subjectaccessreviews",
        [],
        "authorization.k8s.io",
        "v1",
        false,
        "SubjectAccessReview"
    ),
    r!(
        "horizontalpodautoscalers",
        ["hpa"],
        "autoscaling",
        "v2",
        true,
        "HorizontalPodAutoscaler"
    ),
    r!("cronjobs", ["cj"], "batch", "v1", true, "CronJob"),
    r!("jobs", [], "batch", "v1", true, "Job"),
    r!(
        "certificatesigningrequests",
        ["csr"],
        "certificates.k8s.io",
        "v1",
        false,
        "CertificateSigningRequest"
    ),
    r!("leases", [], "coordination.k8s.io", "v1", true, "Lease"),
    r!(
        "endpointslices",
        [],
        "discovery.k8s.io",
        "v1",
        true,
        "EndpointSlice"
    ),
    r!("events", ["ev"], "events.k8s.io", "v1", true, "Event"),
    r!(
        "flowschemas",
        [],
        "flowcontrol.apiserver.k8s.io",
        "v1",
        false,
        "FlowSchema"
    ),
    r!(
        "prioritylevelconfigurations",
        [],
        "flowcontrol.apiserver.k8s.io",
        "v1",
        false,
        "PriorityLevelConfiguration"
    ),
    r!(
        "ec2nodeclasses",
        ["ec2nc", "ec2ncs"],
        "karpenter.k8s.aws",
        "v1",
        false,
        "EC2NodeClass",
        Served::Karpenter
    ),
    r!(
        "nodeclaims",
        [],
        "karpenter.sh",
        "v1",
        false,
        "NodeClaim",
        Served::Karpenter
    ),
    r!(
        "nodepools",
        [],
        "karpenter.sh",
        "v1",
        false,
        "NodePool",
        Served::Karpenter
    ),
    r!(
        "nodes",
        [],
        "metrics.k8s.io",
        "v1beta1",
        false,
        "NodeMetrics",
        Served::MetricsApi
    ),
    r!(
        "pods",
        [],
        "metrics.k8s.io",
        "v1beta1",
        true,
        "PodMetrics",
        Served::MetricsApi
    ),
    r!(
        "ingressclasses",
        [],
        "networking.k8s.io",
        "v1",
        false,
        "IngressClass"
    ),
    r!(
        "ingresses",
        ["ing"],
        "networking.k8s.io",
        "v1",
        true,
        "Ingress"
    ),
    r!(
        "networkpolicies",
        ["netpol"],
        "networking.k8s.io",
        "v1",
        true,
        "NetworkPolicy"
    ),
    r!(
        "runtimeclasses",
        [],
        "node.k8s.io",
        "v1",
        false,
        "RuntimeClass"
    ),
    r!(
        "poddisruptionbudgets",
        ["pdb"],
        "policy",
        "v1",
        true,
        "PodDisruptionBudget"
    ),
    r!(
        "clusterrolebindings",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        false,
        "ClusterRoleBinding"
    ),
    r!(
        "clusterroles",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        false,
        "ClusterRole"
    ),
    r!(
        "rolebindings",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        true,
        "RoleBinding"
    ),
    r!("roles", [], "rbac.authorization.k8s.io", "v1", true, "Role"),
    r!(
        "priorityclasses",
        ["pc"],
        "scheduling.k8s.io",
        "v1",
        false,
        "PriorityClass"
    ),
    r!("csidrivers", [], "storage.k8s.io", "v1", false, "CSIDriver"),
    r!("csinodes", [], "storage.k8s.io", "v1", false, "CSINode"),
    r!(
        "csistoragecapacities",
        [],
        "storage.k8s.io",
        "v1",
        true,
        "CSIStorageCapacity"
    ),
    r!(
        "storageclasses",
        ["sc"],
        "storage.k8s.io",
        "v1",
        false,
        "StorageClass"
    ),
    r!(
        "volumeattachments",
        [],
        "storage.k8s.io",
        "v1",
        false,
        "VolumeAttachment"
    ),
];

/// How `kubectl api-resources` was asked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ApiResourcesOptions {
    /// `--namespaced=true|false`.
    pub namespaced: Option<bool>,
    /// `--api-group=G` (`""` for the core group).
    pub api_group: Option<String>,
    /// `-o name`.
    pub name_only: bool,
    pub no_headers: bool,
    /// `--sort-by=name|kind`.
    pub sort_by: Option<SortBy>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Name,
    Kind,
}

/// `kubectl api-resources`.
pub fn api_resources(k: &Kube, o: &ApiResourcesOptions) -> Outcome {
    let mut rows: Vec<&Resource> = RESOURCES
        .iter()
        .filter(|r| r.served.by(k))
        .filter(|r| o.namespaced.is_none_or(|n| r.namespaced == n))
        .filter(|r| o.api_group.as_deref().is_none_or(|g| r.group == g))
        .collect();
    match o.sort_by {
        Some(SortBy::Name) => rows.sort_by_key(|r| r.name),
        Some(SortBy::Kind) => rows.sort_by_key(|r| r.kind),
        None => rows.sort_by_key(|r| r.group),
    }
    if o.name_only {
        return Outcome::Print(
            rows.iter()
                .map(|r| {
                    if r.group.is_empty() {
                        format!("{}\n", r.name)
                    } else {
                        format!("{}.{}\n", r.name, r.group)
                    }
                })
                .collect(),
        );
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let version = if r.group.is_empty() {
                r.version.to_string()
            } else {
                format!("{}/{}", r.group, r.version)
            };
            vec![
                r.name.to_string(),
                r.short.join(","),
                version,
                r.namespaced.to_string(),
                r.kind.to_string(),
            ]
        })
        .collect();
    let table = render(
        &["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"],
        &cells,
    );
    Outcome::Print(if o.no_headers {
        table.lines().skip(1).map(|l| format!("{l}\n")).collect()
    } else {
        table
    })
}

/// The resource type `word` names (its plural, singular or short name, or `plural.group`):
/// its name as kubectl's messages write it (`jobs.batch`) and which clusters serve it; `None`
/// if no cluster of the server's version serves such a type.
pub fn known_type(word: &str) -> Option<(String, Served)> {
    let w = word.to_ascii_lowercase();
    RESOURCES
        .iter()
        .find(|r| {
            r.name == w
                || r.kind.eq_ignore_ascii_case(&w)
                || r.short.contains(&w.as_str())
                || w.strip_prefix(r.name)
                    .and_then(|rest| rest.strip_prefix('.'))
                    .is_some_and(|g| g == r.group)
        })
        .map(|r| {
            let name = if r.group.is_empty() {
                r.name.to_string()
            } else {
                format!("{}.{}", r.name, r.group)
            };
            (name, r.served)
        })
}

/// `kubectl cluster-info`: the control plane's endpoint and CoreDNS's (the one Service in
/// `kube-system` labelled `kubernetes.io/cluster-service=true` on EKS), through the API
/// server's proxy.
pub fn cluster_info(k: &Kube) -> Outcome {
    let (name, region) = match k.cx.scenario.world.eks() {
        Some(spec) => (spec.cluster.name.as_str(), spec.cluster.region.as_str()),
        None => (k.eks.cluster_name.as_str(), "us-east-1"),
    };
    let endpoint = crate::eks_endpoint::api_endpoint(name, region);
    Outcome::Print(format!(
        "Kubernetes control plane is running at {endpoint}\nCoreDNS is running at {endpoint}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_by_group_then_name() {
        for pair in RESOURCES.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(
                (a.group, a.name) < (b.group, b.name),
                "{}.{} before {}.{}",
                a.name,
                a.group,
                b.name,
                b.group
            );
        }
    }

    #[test]
    fn every_short_name_names_one_resource_type() {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for r in RESOURCES {
            for s in r.short {
                // `ev` names both groups' events: the same objects, served twice.
                if let Some((_, other)) = seen.iter().find(|(x, _)| x == s) {
                    assert_eq!(*other, r.name, "{s}");
                }
                seen.push((s, r.name));
            }
        }
    }
}
