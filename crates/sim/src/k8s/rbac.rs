//! Kubernetes RBAC as far as Orca's EKS clusters need it: the built-in ClusterRoles and
//! ClusterRoleBindings every cluster has, the bindings the scenario or the learner create, and
//! whether a user may do something (`kubectl auth can-i`).
//!
//! Kubernetes documentation, "Using RBAC Authorization"
//! (<https://kubernetes.io/docs/reference/access-authn-authz/rbac/>), "Default roles and role
//! bindings" and "User-facing roles":
//! - `cluster-admin` allows every action on every resource; the binding of the same name grants
//!   it to the group `system:masters` (the EKS cluster creator's, as `kubernetes-admin`);
//! - `system:basic-user` (a user's own access reviews), `system:discovery` (the API's discovery
//!   endpoints) and `system:public-info-viewer` (`/healthz`, `/version`, …) are bound to
//!   `system:authenticated`, the last also to `system:unauthenticated`;
//! - `admin`, `edit` and `view` are meant for namespaces: `view` reads most objects but not
//!   Secrets, roles or role bindings; `edit` also writes them, reads and writes Secrets and may
//!   exec into pods, but not roles or role bindings; `admin` adds roles and role bindings.
//!   Bound with a ClusterRoleBinding they apply in every namespace.
//! - An anonymous request is the user `system:anonymous` in the group `system:unauthenticated`
//!   ("Authenticating", "Anonymous requests"); every other user is in `system:authenticated`.
//!
//! [model] The resources each user-facing role covers are the built-in ones of the tables in
//! those pages, in the groups Orca models (core, `apps`, `autoscaling`, `batch`, `policy`,
//! `networking.k8s.io`, `discovery.k8s.io`, `rbac.authorization.k8s.io`); non-resource URLs
//! and the many other `system:` roles and bindings are not modelled.

use serde::Serialize;

use crate::time::SimTime;

/// Who a binding grants its role to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Subject {
    User(String),
    Group(String),
}

impl Subject {
    pub fn kind(&self) -> &'static str {
        match self {
            Subject::User(_) => "User",
            Subject::Group(_) => "Group",
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Subject::User(n) | Subject::Group(n) => n,
        }
    }
}

/// A ClusterRoleBinding: `role` (a ClusterRole) for `subjects` in every namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterRoleBinding {
    pub name: String,
    pub role: String,
    pub subjects: Vec<Subject>,
    pub created_at: SimTime,
    /// One of the bindings every cluster is created with.
    pub builtin: bool,
}

/// The built-in ClusterRoles Orca models, in `kubectl get clusterroles`' order.
pub const CLUSTER_ROLES: [&str; 7] = [
    "admin",
    "cluster-admin",
    "edit",
    "system:basic-user",
    "system:discovery",
    "system:public-info-viewer",
    "view",
];

pub const ANONYMOUS: &str = "system:anonymous";
pub const UNAUTHENTICATED: &str = "system:unauthenticated";
pub const AUTHENTICATED: &str = "system:authenticated";
pub const MASTERS: &str = "system:masters";

/// The user the cluster creator's IAM identity maps to, in `system:masters` (the console's
/// kubectl acts as it; the audit log and GuardDuty name it).
pub const CLUSTER_CREATOR: &str = "kubernetes-admin";

/// The bindings a new cluster has.
pub fn defaults() -> Vec<ClusterRoleBinding> {
    let b = |name: &str, subjects: Vec<Subject>| ClusterRoleBinding {
        name: name.into(),
        role: name.into(),
        subjects,
        created_at: SimTime::ZERO,
        builtin: true,
    };
    vec![
        b("cluster-admin", vec![Subject::Group(MASTERS.into())]),
        b(
            "system:basic-user",
            vec![Subject::Group(AUTHENTICATED.into())],
        ),
        b(
            "system:discovery",
            vec![Subject::Group(AUTHENTICATED.into())],
        ),
        b(
            "system:public-info-viewer",
            vec![
                Subject::Group(AUTHENTICATED.into()),
                Subject::Group(UNAUTHENTICATED.into()),
            ],
        ),
    ]
}

/// The groups a user is in: `system:unauthenticated` for the anonymous user,
/// `system:authenticated` for any other, and `system:masters` for the cluster creator
/// (`kubernetes-admin`), plus those given.
pub fn groups_of(user: &str, extra: &[String]) -> Vec<String> {
    let mut g: Vec<String> = if user == ANONYMOUS {
        vec![UNAUTHENTICATED.into()]
    } else if user == CLUSTER_CREATOR {
        vec![MASTERS.into(), AUTHENTICATED.into()]
    } else {
        vec![AUTHENTICATED.into()]
    };
    for e in extra {
        if !g.contains(e) {
            g.push(e.clone());
        }
    }
    g
}

/// A request: a verb on a resource (its plural, API group and subresource).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request<'a> {
    pub verb: &'a str,
    pub resource: &'a str,
    pub group: &'a str,
    pub subresource: Option<&'a str>,
}

const READ: &[&str] = &["get", "list", "watch"];
const WRITE: &[&str] = &["create", "update", "patch", "delete", "deletecollection"];

/// The namespaced resources `view` reads (and `edit` writes), by API group.
const MOST_OBJECTS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "pods",
            "services",
            "endpoints",
            "configmaps",
            "persistentvolumeclaims",
            "replicationcontrollers",
            "serviceaccounts",
            "events",
            "limitranges",
            "resourcequotas",
        ],
    ),
    (
        "apps",
        &[
            "deployments",
            "replicasets",
            "daemonsets",
            "statefulsets",
            "controllerrevisions",
        ],
    ),
    ("autoscaling", &["horizontalpodautoscalers"]),
    ("batch", &["jobs", "cronjobs"]),
    ("policy", &["poddisruptionbudgets"]),
    ("networking.k8s.io", &["ingresses", "networkpolicies"]),
    ("discovery.k8s.io", &["endpointslices"]),
];

fn in_most_objects(r: &Request) -> bool {
    MOST_OBJECTS
        .iter()
        .any(|(g, names)| *g == r.group && names.contains(&r.resource))
}

/// Whether ClusterRole `role` allows request `r`.
pub fn allows(role: &str, r: &Request) -> bool {
    let read = READ.contains(&r.verb);
    let write = WRITE.contains(&r.verb);
    let core = r.group.is_empty();
    let view = || {
        read && match r.subresource {
            None => in_most_objects(r) || (core && r.resource == "namespaces"),
            Some("log" | "status") => core && r.resource == "pods",
            Some("scale") => in_most_objects(r),
            _ => false,
        }
    };
    let edit = || {
        view()
            || (write && r.subresource.is_none() && in_most_objects(r))
            || (core && r.resource == "secrets" && r.subresource.is_none() && (read || write))
            || (core
                && r.resource == "pods"
                && matches!(r.subresource, Some("exec" | "attach" | "portforward"))
                && matches!(r.verb, "create" | "get"))
            || (r.subresource == Some("scale") && in_most_objects(r) && (write || read))
    };
    let rbac_namespaced = r.group == "rbac.authorization.k8s.io"
        && matches!(r.resource, "roles" | "rolebindings")
        && (read || write);
    let self_review = r.group == "authorization.k8s.io"
        && matches!(
            r.resource,
            "selfsubjectaccessreviews" | "selfsubjectrulesreviews"
        )
        && r.verb == "create";
    match role {
        "cluster-admin" => true,
        "admin" => edit() || rbac_namespaced,
        "edit" => edit(),
        "view" => view(),
        "system:basic-user" => self_review,
        _ => false,
    }
}

/// Create ClusterRoleBinding `name` granting `role` to `user` at `now`; false if the name is
/// taken (the API server refuses it).
pub fn create_binding(
    bindings: &mut Vec<ClusterRoleBinding>,
    name: &str,
    role: &str,
    user: &str,
    now: SimTime,
) -> bool {
    if bindings.iter().any(|b| b.name == name) {
        return false;
    }
    bindings.push(ClusterRoleBinding {
        name: name.into(),
        role: role.into(),
        subjects: vec![Subject::User(user.into())],
        created_at: now,
        builtin: false,
    });
    true
}

/// Delete ClusterRoleBinding `name`; false if there is none (NotFound).
pub fn delete_binding(bindings: &mut Vec<ClusterRoleBinding>, name: &str) -> bool {
    let before = bindings.len();
    bindings.retain(|b| b.name != name);
    bindings.len() < before
}

/// Why a request is allowed: the binding and role that allow it, or `None`.
pub fn allowed_by<'a>(
    bindings: &'a [ClusterRoleBinding],
    user: &str,
    groups: &[String],
    r: &Request,
) -> Option<&'a ClusterRoleBinding> {
    bindings.iter().find(|b| {
        b.subjects.iter().any(|s| match s {
            Subject::User(u) => u == user,
            Subject::Group(g) => groups.contains(g),
        }) && allows(&b.role, r)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(verb: &'a str, resource: &'a str, group: &'a str) -> Request<'a> {
        Request {
            verb,
            resource,
            group,
            subresource: None,
        }
    }

    #[test]
    fn the_cluster_creator_may_do_anything_and_anonymous_nothing_by_default() {
        let b = defaults();
        let admin = groups_of(CLUSTER_CREATOR, &[]);
        assert!(allowed_by(&b, CLUSTER_CREATOR, &admin, &req("delete", "nodes", "")).is_some());
        let anon = groups_of(ANONYMOUS, &[]);
        assert_eq!(anon, [UNAUTHENTICATED]);
        assert!(allowed_by(&b, ANONYMOUS, &anon, &req("list", "pods", "")).is_none());
        // Any authenticated user may review its own access.
        let dev = groups_of("dev", &[]);
        let review = req("create", "selfsubjectaccessreviews", "authorization.k8s.io");
        assert_eq!(
            allowed_by(&b, "dev", &dev, &review).map(|b| b.name.as_str()),
            Some("system:basic-user")
        );
        assert!(allowed_by(&b, ANONYMOUS, &anon, &review).is_none());
    }

    #[test]
    fn view_reads_most_objects_but_not_secrets_and_edit_writes_them() {
        assert!(allows("view", &req("list", "pods", "")));
        assert!(allows("view", &req("get", "deployments", "apps")));
        assert!(!allows("view", &req("get", "secrets", "")));
        assert!(!allows("view", &req("delete", "pods", "")));
        assert!(!allows(
            "view",
            &req("list", "rolebindings", "rbac.authorization.k8s.io")
        ));
        assert!(!allows("view", &req("list", "nodes", "")));
        assert!(allows("edit", &req("delete", "pods", "")));
        assert!(allows("edit", &req("get", "secrets", "")));
        assert!(!allows(
            "edit",
            &req("create", "rolebindings", "rbac.authorization.k8s.io")
        ));
        assert!(allows(
            "admin",
            &req("create", "rolebindings", "rbac.authorization.k8s.io")
        ));
        let exec = Request {
            verb: "create",
            resource: "pods",
            group: "",
            subresource: Some("exec"),
        };
        assert!(allows("edit", &exec));
        assert!(!allows("view", &exec));
    }

    #[test]
    fn a_binding_to_the_anonymous_user_opens_the_cluster_to_unauthenticated_callers() {
        let mut b = defaults();
        b.push(ClusterRoleBinding {
            name: "anonymous-view".into(),
            role: "view".into(),
            subjects: vec![Subject::User(ANONYMOUS.into())],
            created_at: SimTime::from_secs(150),
            builtin: false,
        });
        let anon = groups_of(ANONYMOUS, &[]);
        assert_eq!(
            allowed_by(&b, ANONYMOUS, &anon, &req("list", "pods", "")).map(|b| b.name.as_str()),
            Some("anonymous-view")
        );
        assert!(allowed_by(&b, ANONYMOUS, &anon, &req("get", "secrets", "")).is_none());
    }
}
