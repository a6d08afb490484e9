//! The kinds of object kubectl names, with the words it accepts for them.

/// The kinds of object the console knows, with the names kubectl accepts for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pod,
    Deployment,
    ReplicaSet,
    DaemonSet,
    StatefulSet,
    Node,
    Event,
    Hpa,
    Service,
    Pdb,
    PersistentVolumeClaim,
    PersistentVolume,
    StorageClass,
    Namespace,
    Endpoints,
}

impl Kind {
    /// `pods`, `pod`, `po` …
    pub fn from_word(w: &str) -> Option<Kind> {
        let w = w.to_ascii_lowercase();
        Some(match w.as_str() {
            "pods" | "pod" | "po" => Kind::Pod,
            "deployments" | "deployment" | "deploy" | "deployments.apps" | "deployment.apps" => {
                Kind::Deployment
            }
            "replicasets" | "replicaset" | "rs" | "replicasets.apps" => Kind::ReplicaSet,
            "daemonsets" | "daemonset" | "ds" | "daemonsets.apps" | "daemonset.apps" => {
                Kind::DaemonSet
            }
            "statefulsets" | "statefulset" | "sts" | "statefulsets.apps" | "statefulset.apps" => {
                Kind::StatefulSet
            }
            "nodes" | "node" | "no" => Kind::Node,
            "events" | "event" | "ev" => Kind::Event,
            "horizontalpodautoscalers" | "horizontalpodautoscaler" | "hpa" => Kind::Hpa,
            "services" | "service" | "svc" => Kind::Service,
            "poddisruptionbudgets" | "poddisruptionbudget" | "pdb" => Kind::Pdb,
            "persistentvolumeclaims" | "persistentvolumeclaim" | "pvc" => {
                Kind::PersistentVolumeClaim
            }
            "persistentvolumes" | "persistentvolume" | "pv" => Kind::PersistentVolume,
            "storageclasses" | "storageclass" | "sc" | "storageclasses.storage.k8s.io" => {
                Kind::StorageClass
            }
            "namespaces" | "namespace" | "ns" => Kind::Namespace,
            "endpoints" | "endpoint" | "ep" => Kind::Endpoints,
            _ => return None,
        })
    }

    /// What `kubectl get all` lists: the kinds of the `all` category that Orca models, in
    /// kubectl's order (pods, services, daemonsets, deployments, replicasets, statefulsets,
    /// horizontalpodautoscalers; jobs and cronjobs are not modelled).
    pub const ALL: [Kind; 7] = [
        Kind::Pod,
        Kind::Service,
        Kind::DaemonSet,
        Kind::Deployment,
        Kind::ReplicaSet,
        Kind::StatefulSet,
        Kind::Hpa,
    ];

    /// The plural resource name the API server uses in messages (`deployments.apps`).
    pub fn resource(self) -> &'static str {
        match self {
            Kind::Pod => "pods",
            Kind::Deployment => "deployments.apps",
            Kind::ReplicaSet => "replicasets.apps",
            Kind::DaemonSet => "daemonsets.apps",
            Kind::StatefulSet => "statefulsets.apps",
            Kind::Node => "nodes",
            Kind::Event => "events",
            Kind::Hpa => "horizontalpodautoscalers.autoscaling",
            Kind::Service => "services",
            Kind::Pdb => "poddisruptionbudgets.policy",
            Kind::PersistentVolumeClaim => "persistentvolumeclaims",
            Kind::PersistentVolume => "persistentvolumes",
            Kind::StorageClass => "storageclasses.storage.k8s.io",
            Kind::Namespace => "namespaces",
            Kind::Endpoints => "endpoints",
        }
    }

    /// The `kind/name` prefix kubectl prints (`deployment.apps/web`).
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Pod => "pod",
            Kind::Deployment => "deployment.apps",
            Kind::ReplicaSet => "replicaset.apps",
            Kind::DaemonSet => "daemonset.apps",
            Kind::StatefulSet => "statefulset.apps",
            Kind::Node => "node",
            Kind::Event => "event",
            Kind::Hpa => "horizontalpodautoscaler.autoscaling",
            Kind::Service => "service",
            Kind::Pdb => "poddisruptionbudget.policy",
            Kind::PersistentVolumeClaim => "persistentvolumeclaim",
            Kind::PersistentVolume => "persistentvolume",
            Kind::StorageClass => "storageclass.storage.k8s.io",
            Kind::Namespace => "namespace",
            Kind::Endpoints => "endpoints",
        }
    }
}

impl Kind {
    /// Objects of this kind live in a namespace (nodes do not).
    pub fn namespaced(self) -> bool {
        !matches!(
            self,
            Kind::Node | Kind::PersistentVolume | Kind::StorageClass | Kind::Namespace
        )
    }
}

/// kubectl's answer for a resource type it does not know: a type a real cluster serves but
/// Orca does not model is not a typo, so the answer says so instead of the API server's
/// "doesn't have a resource type" (`api_resources` lists them).
pub fn unknown_type(t: &str) -> String {
    use super::api_resources::{Served, known_type};
    const MODELLED: &str = "it lists pods, deployments, replicasets, daemonsets, statefulsets, nodes, services, endpoints, endpointslices, namespaces, serviceaccounts, hpa, pdb, pvc, pv, storageclasses and events (kubectl get all for the workloads)";
    match known_type(t) {
        Some((resource, Served::Karpenter)) => format!(
            "error: Orca's console does not model {resource}, which a cluster running Karpenter has: {MODELLED}\n"
        ),
        Some((resource, _)) => format!(
            "error: Orca's console does not model {resource}, which a real cluster has: {MODELLED}\n"
        ),
        None => format!("error: the server doesn't have a resource type \"{t}\"\n"),
    }
}

/// Whether `word`, alone or as `TYPE/NAME`, names one of `types` (in any case): for the
/// commands that read their own arguments (service accounts, EndpointSlices).
pub fn names_type(word: &str, types: &[&str]) -> bool {
    let t = word
        .split('/')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    types.contains(&t.as_str())
}
