//! The Kubernetes API calls the cluster's audit log records: who asked, what for, and what the
//! API server answered. One record per call made with kubectl, by the scenario's timeline or by
//! the learner at the console (the calls of the controllers and the kubelet are not recorded).
//!
//! A record holds what an audit event of the `audit.k8s.io/v1` API carries (Kubernetes
//! documentation, "Auditing", <https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/>:
//! `verb`, `requestURI`, `objectRef` with its resource, namespace, name, subresource, API group
//! and version, `responseStatus.code`). The verb each kubectl command sends follows the
//! Kubernetes API's request verbs (`create` for POST, `patch` for PATCH, `delete` for DELETE,
//! "Authorization Overview", <https://kubernetes.io/docs/reference/access-authn-authz/authorization/>).
//! [inferred] The request URI's query parameters are those kubectl sends for each command
//! (`fieldManager`), as read from kubectl's requests at `-v=8`; `kubectl exec` without `-it`
//! asks for stdout and stderr only.

use serde::Serialize;

use crate::k8s::cluster::EksCluster;
use crate::scenario::spec::Action;

/// One audited API call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiCall {
    /// When the API server received it (milliseconds into the run).
    pub at_ms: u64,
    /// The kubectl command line it stands for.
    pub command: String,
    /// `create`, `patch`, `delete`, … (the request verb).
    pub verb: &'static str,
    /// HTTP method of the request (the api log's `verb`).
    pub method: &'static str,
    /// `pods`, `deployments`, `clusterrolebindings`, …
    pub resource: &'static str,
    /// The API group (`""` for the core group).
    pub api_group: &'static str,
    pub namespace: Option<String>,
    pub name: String,
    pub subresource: Option<&'static str>,
    pub request_uri: String,
    /// The HTTP status the API server answered (101 for an exec's upgraded stream).
    pub code: u16,
}

impl ApiCall {
    /// `v1` for the core group and the groups Orca's calls use.
    pub fn api_version(&self) -> &'static str {
        "v1"
    }
}

/// The namespace of Deployment (or DaemonSet, StatefulSet) `name`, if the cluster has it.
fn workload_namespace(k: &EksCluster, name: &str) -> Option<String> {
    k.deployment_index(name)
        .map(|d| k.deployments[d].namespace.clone())
}

/// The kubectl command line of a call only the audit log announces (an exec, a role binding);
/// the other calls' lines are those the engine announces as it applies them.
pub fn command(action: &Action) -> String {
    match action {
        Action::ExecIntoPod { pod, namespace } => {
            format!("kubectl exec -n {namespace} {pod} -- sh")
        }
        Action::CreateClusterRoleBinding {
            name,
            cluster_role,
            user,
        } => format!(
            "kubectl create clusterrolebinding {name} --clusterrole={cluster_role} --user={user}"
        ),
        _ => String::new(),
    }
}

/// The call `action` makes at `at_ms`, if it is a kubectl call Orca audits, with the lookups
/// done in `k` before the action changes it (a deleted pod's namespace).
pub fn call_of(action: &Action, k: &EksCluster, at_ms: u64) -> Option<ApiCall> {
    let command = command(action);
    let call = |verb: &'static str,
                resource: &'static str,
                api_group: &'static str,
                namespace: Option<String>,
                name: &str,
                sub: Option<&'static str>,
                code: u16| {
        let base = if api_group.is_empty() {
            "/api/v1".to_string()
        } else {
            format!("/apis/{api_group}/v1")
        };
        let ns = namespace
            .as_deref()
            .map_or_else(String::new, |n| format!("/namespaces/{n}"));
        let mut uri = format!("{base}{ns}/{resource}");
        if verb != "create" || sub.is_some() {
            uri.push('/');
            uri.push_str(name);
        }
        if let Some(s) = sub {
            uri.push('/');
            uri.push_str(s);
        }
        let method = match verb {
            "create" => "POST",
            "delete" => "DELETE",
            "update" => "PUT",
            _ => "PATCH",
        };
        ApiCall {
            at_ms,
            command: command.clone(),
            verb,
            method,
            resource,
            api_group,
            namespace,
            name: name.to_string(),
            subresource: sub,
            request_uri: uri,
            code,
        }
    };
    let with_query = |mut c: ApiCall, query: &str| {
        c.request_uri.push('?');
        c.request_uri.push_str(query);
        c
    };
    Some(match action {
        Action::ExecIntoPod { pod, namespace } => with_query(
            call(
                "create",
                "pods",
                "",
                Some(namespace.clone()),
                pod,
                Some("exec"),
                101,
            ),
            "command=sh&stderr=true&stdout=true",
        ),
        Action::CreateClusterRoleBinding { name, .. } => with_query(
            call(
                "create",
                "clusterrolebindings",
                "rbac.authorization.k8s.io",
                None,
                name,
                None,
                201,
            ),
            "fieldManager=kubectl-create&fieldValidation=Strict",
        ),
        Action::ScaleDeployment { deployment, .. } => call(
            "patch",
            "deployments",
            "apps",
            workload_namespace(k, deployment),
            deployment,
            Some("scale"),
            200,
        ),
        Action::SetImage { deployment, .. }
        | Action::SetResources { deployment, .. }
        | Action::RolloutUndo { deployment, .. }
        | Action::RolloutRestart { deployment }
        | Action::RolloutPause { deployment }
        | Action::RolloutResume { deployment } => with_query(
            call(
                "patch",
                "deployments",
                "apps",
                workload_namespace(k, deployment),
                deployment,
                None,
                200,
            ),
            if matches!(
                action,
                Action::SetImage { .. } | Action::SetResources { .. }
            ) {
                "fieldManager=kubectl-set"
            } else {
                "fieldManager=kubectl-rollout"
            },
        ),
        Action::UpdateStatefulSet { stateful_set, .. } => with_query(
            call(
                "patch",
                "statefulsets",
                "apps",
                workload_namespace(k, stateful_set),
                stateful_set,
                None,
                200,
            ),
            "fieldManager=kubectl-patch",
        ),
        Action::DeletePod { pod } => {
            let p = k.pods.iter().position(|x| !x.gone && &x.name == pod)?;
            call(
                "delete",
                "pods",
                "",
                Some(k.namespace_of(p).to_string()),
                pod,
                None,
                200,
            )
        }
        Action::Autoscale { deployment, .. } => with_query(
            call(
                "create",
                "horizontalpodautoscalers",
                "autoscaling",
                workload_namespace(k, deployment),
                deployment,
                None,
                201,
            ),
            "fieldManager=kubectl-autoscale",
        ),
        // A binding that is not there: the API server answers NotFound.
        Action::DeleteClusterRoleBinding { name } => call(
            "delete",
            "clusterrolebindings",
            "rbac.authorization.k8s.io",
            None,
            name,
            None,
            if k.cluster_role_bindings.iter().any(|b| &b.name == name) {
                200
            } else {
                404
            },
        ),
        Action::CordonNode { node }
        | Action::UncordonNode { node }
        | Action::DrainNode { node } => call("patch", "nodes", "", None, node, None, 200),
        // `kubectl create serviceaccount` in `default`: 409 Conflict when the name is taken (the
        // console refuses it first; a scenario's timeline may still ask).
        Action::CreateServiceAccount { service_account } => {
            let taken = crate::k8s::service_accounts::service_accounts(k)
                .iter()
                .any(|s| s.namespace == "default" && s.name == *service_account);
            with_query(
                call(
                    "create",
                    "serviceaccounts",
                    "",
                    Some("default".into()),
                    service_account,
                    None,
                    if taken { 409 } else { 201 },
                ),
                "fieldManager=kubectl-create&fieldValidation=Strict",
            )
        }
        // `kubectl annotate serviceaccount` (IRSA's annotation, always in `default`).
        Action::AnnotateServiceAccount {
            service_account, ..
        } => with_query(
            call(
                "patch",
                "serviceaccounts",
                "",
                Some("default".into()),
                service_account,
                None,
                200,
            ),
            "fieldManager=kubectl-annotate",
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exec_is_a_create_of_the_pods_exec_subresource_answered_101() {
        let k = EksCluster::new();
        let a = Action::ExecIntoPod {
            pod: "coredns-1".into(),
            namespace: "kube-system".into(),
        };
        let c = call_of(&a, &k, 60_000).expect("audited");
        assert_eq!(c.command, "kubectl exec -n kube-system coredns-1 -- sh");
        assert_eq!(c.verb, "create");
        assert_eq!(c.method, "POST");
        assert_eq!(
            c.request_uri,
            "/api/v1/namespaces/kube-system/pods/coredns-1/exec?command=sh&stderr=true&stdout=true"
        );
        assert_eq!(
            (c.resource, c.subresource, c.code),
            ("pods", Some("exec"), 101)
        );
    }

    #[test]
    fn a_cluster_role_binding_is_created_in_the_rbac_group_without_a_namespace() {
        let k = EksCluster::new();
        let a = Action::CreateClusterRoleBinding {
            name: "anonymous-view".into(),
            cluster_role: "view".into(),
            user: "system:anonymous".into(),
        };
        let c = call_of(&a, &k, 0).expect("audited");
        assert_eq!(
            c.request_uri,
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?fieldManager=kubectl-create&fieldValidation=Strict"
        );
        assert_eq!(c.namespace, None);
        assert_eq!(c.code, 201);
        let cordon = call_of(
            &Action::CordonNode {
                node: "ip-1".into(),
            },
            &k,
            0,
        )
        .expect("audited");
        assert_eq!(
            (cordon.verb, cordon.request_uri.as_str()),
            ("patch", "/api/v1/nodes/ip-1")
        );
        assert!(call_of(&Action::Note("x".into()), &k, 0).is_none());
    }
}
