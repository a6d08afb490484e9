//! The audit log's entries for the control plane's own requests: most of a real cluster's
//! audit log is its controllers, its scheduler and its kubelets talking to the API server,
//! not people. Each is read from the Kubernetes event that records the request's effect:
//!
//! - `SuccessfulCreate` / `SuccessfulDelete` of a ReplicaSet, DaemonSet or StatefulSet: the
//!   controller's `create` of a pod (`POST …/pods`, no name in `objectRef`: the server
//!   generates it) or `delete` of one, as `system:serviceaccount:kube-system:<controller>`;
//! - `Scheduled`: kube-scheduler's `create` of the pod's `binding` subresource, as
//!   `system:kube-scheduler`;
//! - `ScalingReplicaSet`: the deployment controller's `update` of the ReplicaSet;
//! - the kubelet's `Started`: its `patch` of the pod's `status`, as `system:node:<node>`.
//!
//! The shapes follow published audit events of controller-created pods (user, groups,
//! `userAgent` `kube-controller-manager/<version> (linux/amd64) kubernetes/<commit>/<account>`,
//! the RBAC decision's reason naming the `system:controller:<name>` binding) [inferred from
//! public examples; Kubernetes documentation, "Auditing", and "Using RBAC Authorization",
//! "Default roles and role bindings", name the users, groups and bindings]. [model] The
//! request takes place at the event's moment; the kubelet's many other status updates, lease
//! renewals, watches and the API server's own requests are not written.

use serde_json::{Value, json};

use crate::console::Context;
use crate::event::EventKind;
use crate::logs::LogLine;
use crate::time::{Millis, SimTime};

/// How long the API server takes to answer a controller's request. [model]
const LATENCY: Millis = Millis(4);

/// Where the controller manager and the scheduler reach the API server from: the control
/// plane's own address [model].
const CONTROL_PLANE_IP: &str = "10.0.0.1";

/// Who made a request.
struct Who {
    username: String,
    groups: Vec<String>,
    user_agent: String,
    /// The RBAC decision's reason (empty for the Node authorizer's).
    reason: String,
    source_ip: String,
}

/// The `<version> (linux/amd64) kubernetes/<commit>` part of a component's user agent, from
/// the server's version (`v1.31.5-eks-5d632ec`).
fn build() -> String {
    let v = crate::console::kubectl::SERVER_VERSION;
    let (version, commit) = v.split_once("-eks-").unwrap_or((v, "0000000"));
    format!("{version} (linux/amd64) kubernetes/{commit}")
}

fn controller(name: &str) -> Who {
    let account = format!("system:serviceaccount:kube-system:{name}");
    Who {
        groups: vec![
            "system:serviceaccounts".into(),
            "system:serviceaccounts:kube-system".into(),
            "system:authenticated".into(),
        ],
        user_agent: format!("kube-controller-manager/{}/{account}", build()),
        reason: format!(
            "RBAC: allowed by ClusterRoleBinding \"system:controller:{name}\" of ClusterRole \"system:controller:{name}\" to ServiceAccount \"{name}/kube-system\""
        ),
        username: account,
        source_ip: CONTROL_PLANE_IP.into(),
    }
}

fn scheduler() -> Who {
    Who {
        username: "system:kube-scheduler".into(),
        groups: vec!["system:authenticated".into()],
        user_agent: format!("kube-scheduler/{}/scheduler", build()),
        reason: "RBAC: allowed by ClusterRoleBinding \"system:kube-scheduler\" of ClusterRole \"system:kube-scheduler\" to User \"system:kube-scheduler\"".into(),
        source_ip: CONTROL_PLANE_IP.into(),
    }
}

fn kubelet(node: &str, ip: &str) -> Who {
    Who {
        username: format!("system:node:{node}"),
        groups: vec!["system:nodes".into(), "system:authenticated".into()],
        user_agent: format!("kubelet/{}", build()),
        reason: String::new(),
        source_ip: ip.into(),
    }
}

/// One request.
struct Request<'a> {
    verb: &'a str,
    resource: &'a str,
    api_group: &'a str,
    namespace: &'a str,
    /// None for a create whose name the server generates.
    name: Option<&'a str>,
    subresource: Option<&'a str>,
    code: u16,
}

impl Request<'_> {
    fn uri(&self) -> String {
        let base = if self.api_group.is_empty() {
            "/api/v1".to_string()
        } else {
            format!("/apis/{}/v1", self.api_group)
        };
        let mut uri = format!("{base}/namespaces/{}/{}", self.namespace, self.resource);
        if let Some(n) = self.name {
            uri = format!("{uri}/{n}");
        }
        if let Some(s) = self.subresource {
            uri = format!("{uri}/{s}");
        }
        uri
    }
}

fn event(at: SimTime, who: &Who, r: &Request) -> String {
    let uri = r.uri();
    let mut object = json!({ "resource": r.resource, "namespace": r.namespace });
    if let Some(n) = r.name {
        object["name"] = json!(n);
    }
    if !r.api_group.is_empty() {
        object["apiGroup"] = json!(r.api_group);
    }
    object["apiVersion"] = json!("v1");
    if let Some(s) = r.subresource {
        object["subresource"] = json!(s);
    }
    let id = super::autoscaling::uuid_of(&format!("audit/{}/{}/{}", at.0, r.verb, uri));
    let user: Value = json!({ "username": who.username, "groups": who.groups });
    json!({
        "kind": "Event",
        "apiVersion": "audit.k8s.io/v1",
        "level": "Metadata",
        "auditID": id,
        "stage": "ResponseComplete",
        "requestURI": uri,
        "verb": r.verb,
        "user": user,
        "sourceIPs": [who.source_ip],
        "userAgent": who.user_agent,
        "objectRef": object,
        "responseStatus": { "metadata": {}, "code": r.code },
        "requestReceivedTimestamp": at.iso8601_micro_z(),
        "stageTimestamp": at.plus(LATENCY).iso8601_micro_z(),
        "annotations": {
            "authorization.k8s.io/decision": "allow",
            "authorization.k8s.io/reason": who.reason,
        },
    })
    .to_string()
}

/// The audit events of the control plane's requests, oldest first.
pub(super) fn requests(cx: &Context) -> Vec<LogLine> {
    let Some(eks) = cx.world.eks.as_ref() else {
        return Vec::new();
    };
    let node_of = |pod: &str| {
        eks.pods
            .iter()
            .find(|p| p.name == pod)
            .and_then(|p| p.node)
            .map(|n| &eks.nodes[n])
    };
    let mut out = Vec::new();
    for e in cx.log {
        let EventKind::Kube { reason, object, .. } = &e.kind else {
            continue;
        };
        let Some((kind, name)) = object.split_once('/') else {
            continue;
        };
        let namespace = crate::console::kubectl::event_namespace(cx, object);
        let namespace = namespace.as_str();
        let message = e.message();
        let pod_request = |verb, name, code| Request {
            verb,
            resource: "pods",
            api_group: "",
            namespace,
            name,
            subresource: None,
            code,
        };
        let (who, request) = match (reason.as_str(), kind) {
            (
                "SuccessfulCreate" | "SuccessfulDelete",
                "replicaset" | "daemonset" | "statefulset",
            ) => {
                let by = match kind {
                    "replicaset" => "replicaset-controller",
                    "daemonset" => "daemon-set-controller",
                    _ => "statefulset-controller",
                };
                let request = if reason.as_str() == "SuccessfulCreate" {
                    pod_request("create", None, 201)
                } else {
                    let Some(pod) = message.strip_prefix("Deleted pod: ") else {
                        continue;
                    };
                    pod_request("delete", Some(pod), 200)
                };
                (controller(by), request)
            }
            ("Scheduled", "pod") => (
                scheduler(),
                Request {
                    subresource: Some("binding"),
                    ..pod_request("create", Some(name), 201)
                },
            ),
            ("ScalingReplicaSet", "deployment") => {
                let Some(rs) = message
                    .split_once("replica set ")
                    .and_then(|(_, rest)| rest.split_whitespace().next())
                else {
                    continue;
                };
                (
                    controller("deployment-controller"),
                    Request {
                        verb: "update",
                        resource: "replicasets",
                        api_group: "apps",
                        namespace,
                        name: Some(rs),
                        subresource: None,
                        code: 200,
                    },
                )
            }
            ("Started", "pod") => {
                let Some(node) = node_of(name) else { continue };
                (
                    kubelet(&node.name, &node.private_ip),
                    Request {
                        subresource: Some("status"),
                        ..pod_request("patch", Some(name), 200)
                    },
                )
            }
            _ => continue,
        };
        out.push(LogLine {
            at: e.at,
            text: event(e.at, &who, &request),
        });
    }
    out
}
