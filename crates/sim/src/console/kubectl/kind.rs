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

/// kubectl's answer for a resource type it does not know.
pub fn unknown_type(t: &str) -> String {
    if let Some(resource) = unmodelled(t) {
        return format!(
            "error: Orca's console does not model {resource}, which a real cluster has: it lists pods, deployments, replicasets, daemonsets, statefulsets, nodes, services, endpoints, namespaces, hpa, pdb, pvc, pv, storageclasses and events (kubectl get all for the workloads)\n"
        );
    }
    format!("error: the server doesn't have a resource type \"{t}\"\n")
}

/// Resource types every EKS cluster serves that Orca does not model, by the names kubectl
/// accepts for them (`kubectl api-resources`): asking for one is not a typo, so the answer
/// says so instead of the API server's "doesn't have a resource type".
fn unmodelled(t: &str) -> Option<&'static str> {
    const REAL: &[(&[&str], &str)] = &[
        (&["configmaps", "configmap", "cm"], "configmaps"),
        (&["secrets", "secret"], "secrets"),
        (
            &["serviceaccounts", "serviceaccount", "sa"],
            "serviceaccounts",
        ),
        (&["ingresses", "ingress", "ing"], "ingresses"),
        (&["jobs", "job"], "jobs"),
        (&["cronjobs", "cronjob", "cj"], "cronjobs"),
        (&["endpointslices", "endpointslice"], "endpointslices"),
        (
            &["networkpolicies", "networkpolicy", "netpol"],
            "networkpolicies",
        ),
        (&["roles", "role"], "roles"),
        (&["rolebindings", "rolebinding"], "rolebindings"),
        (&["clusterroles", "clusterrole"], "clusterroles"),
        (
            &["clusterrolebindings", "clusterrolebinding"],
            "clusterrolebindings",
        ),
        (&["limitranges", "limitrange", "limits"], "limitranges"),
        (
            &["resourcequotas", "resourcequota", "quota"],
            "resourcequotas",
        ),
        (
            &[
                "customresourcedefinitions",
                "customresourcedefinition",
                "crd",
                "crds",
            ],
            "customresourcedefinitions",
        ),
        (
            &["replicationcontrollers", "replicationcontroller", "rc"],
            "replicationcontrollers",
        ),
        (&["leases", "lease"], "leases"),
        (
            &["priorityclasses", "priorityclass", "pc"],
            "priorityclasses",
        ),
        (&["ingressclasses", "ingressclass"], "ingressclasses"),
    ];
    let w = t.to_ascii_lowercase();
    REAL.iter()
        .find(|(names, _)| names.contains(&w.as_str()))
        .map(|&(_, resource)| resource)
}
