//! kubectl's RBAC commands on the cluster's ClusterRoles and ClusterRoleBindings
//! (`crate::k8s::rbac`): `auth can-i`, `auth whoami`, `create clusterrolebinding`, `delete
//! clusterrolebinding`, `get clusterrolebindings|clusterroles` and `describe
//! clusterrolebinding`, in kubectl's shapes (`pkg/cmd/auth/cani.go`, `whoami.go`,
//! `pkg/cmd/create/create_clusterrolebinding.go`, the printers of `kubectl get` and
//! `kubectl describe`). docs/rules/security-monitoring.md#kubernetes-rbac.

use std::fmt::Write;

use serde_json::{Value, json};

use super::get::age;
use super::objects::ts;
use super::parse::{DryRun, Flags, Parsed};
use super::table::{render, render_padded};
use crate::console::{After, Context, Outcome};
use crate::k8s::cluster::EksCluster;
use crate::k8s::rbac::{self, ClusterRoleBinding, Request, Subject};
use crate::scenario::spec::Action;
use crate::time::SimTime;

const GROUP: &str = "rbac.authorization.k8s.io";

/// The user kubectl runs as: the IAM role mapped to the cluster creator.
const ME: &str = rbac::CLUSTER_CREATOR;

/// `words` parsed with kubectl's flag parser: `known` lists each long flag and whether it takes
/// a value (`-n`, `-o`, `-A` are its shorthands).
fn parse(cmd: &str, words: &[String], known: &[(&str, bool)]) -> Result<Parsed, String> {
    Flags { cmd, known }.parse(words)
}

/// Every value of a repeated flag (`--as-group a --as-group b`).
fn all(p: &Parsed, name: &str) -> Vec<String> {
    p.flags
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The RBAC command `words` is, if it is one; `None` for the other kubectl commands.
pub fn run(words: &[String], cx: &Context) -> Option<Outcome> {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let kind = |word: &str| -> Option<bool> {
        // Some(true): bindings; Some(false): roles.
        match word.split('/').next().unwrap_or_default() {
            "clusterrolebinding" | "clusterrolebindings" => Some(true),
            "clusterrolebindings.rbac.authorization.k8s.io" => Some(true),
            "clusterrole" | "clusterroles" | "clusterroles.rbac.authorization.k8s.io" => {
                Some(false)
            }
            _ => None,
        }
    };
    let outcome = match w.as_slice() {
        ["auth", "can-i", ..] => with_cluster(cx, |k| can_i(k, &words[2..])),
        ["auth", "whoami", ..] => with_cluster(cx, |_| whoami(cx, &words[2..])),
        ["auth", ..] => Outcome::Fail(
            "Orca's console carries out kubectl auth can-i and kubectl auth whoami\n".into(),
        ),
        ["create", "clusterrolebinding", ..] => {
            with_cluster(cx, |k| create(k, cx.now, &words[2..]))
        }
        // `service_accounts.rs` creates those.
        ["create", "serviceaccount" | "sa", ..] => return None,
        ["create", ..] => Outcome::Fail(
            "error: Orca's console creates cluster role bindings and service accounts only (kubectl create clusterrolebinding NAME --clusterrole=ROLE --user=USER, kubectl create serviceaccount NAME); apply -f creates workloads\n"
                .into(),
        ),
        ["delete", what, ..] if kind(what) == Some(true) => {
            with_cluster(cx, |k| delete(k, &words[1..]))
        }
        ["get", what, ..] if kind(what).is_some() => {
            with_cluster(cx, |k| get(k, cx.now, &words[1..]))
        }
        ["describe", what, ..] if kind(what) == Some(true) => {
            with_cluster(cx, |k| describe(k, &words[1..]))
        }
        _ => return None,
    };
    Some(outcome)
}

pub(super) fn with_cluster(cx: &Context, f: impl FnOnce(&EksCluster) -> Outcome) -> Outcome {
    match cx.world.eks.as_ref() {
        Some(k) => f(k),
        None => Outcome::Fail(
            "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n\n(This scenario has no EKS cluster: try aws ecs.)\n"
                .into(),
        ),
    }
}

/// `TYPE[/NAME]` as a resource and its group, or the type as given when the server has none
/// such (kubectl warns and asks anyway).
fn resource_of(word: &str) -> (String, String, bool) {
    let ty = word.split('/').next().unwrap_or_default();
    if ty == "*" {
        return ("*".into(), "*".into(), true);
    }
    match super::api_resources::known_type(ty) {
        Some((name, _)) => match name.split_once('.') {
            Some((r, g)) => (r.to_string(), g.to_string(), true),
            None => (name, String::new(), true),
        },
        None => (ty.to_string(), String::new(), false),
    }
}

/// `kubectl auth can-i VERB TYPE[/NAME] [--subresource=S] [--as=USER] [--as-group=G]…`.
fn can_i(k: &EksCluster, words: &[String]) -> Outcome {
    let line = match parse(
        "auth can-i",
        words,
        &[
            ("as", true),
            ("as-group", true),
            ("subresource", true),
            ("namespace", true),
            ("all-namespaces", false),
            ("quiet", false),
            ("list", false),
            ("no-headers", false),
        ],
    ) {
        Ok(l) => l,
        Err(e) => return Outcome::Fail(e),
    };
    if line.has("list") {
        return Outcome::Fail(
            "error: Orca's console answers kubectl auth can-i VERB TYPE; --list is not simulated\n"
                .into(),
        );
    }
    let [verb, what] = line.positional.as_slice() else {
        return Outcome::Fail(
            "error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples\n"
                .into(),
        );
    };
    let (resource, group, known) = resource_of(what);
    let user = line.get("as").unwrap_or(ME);
    let groups = rbac::groups_of(user, &all(&line, "as-group"));
    let subresource = line.get("subresource");
    let request = Request {
        verb,
        resource: &resource,
        group: &group,
        subresource,
    };
    let allowed = if resource == "*" || verb == "*" {
        // Only a role that allows everything answers yes for every verb or type.
        k.cluster_role_bindings.iter().any(|b| {
            b.role == "cluster-admin"
                && b.subjects.iter().any(|s| match s {
                    Subject::User(u) => u == user,
                    Subject::Group(g) => groups.contains(g),
                })
        })
    } else {
        rbac::allowed_by(&k.cluster_role_bindings, user, &groups, &request).is_some()
    };
    let mut out = String::new();
    if !known {
        let _ = writeln!(
            out,
            "Warning: the server doesn't have a resource type '{resource}'"
        );
    }
    out.push_str(if allowed { "yes\n" } else { "no\n" });
    Outcome::Print(out)
}

/// `kubectl auth whoami`: the user the API server sees.
fn whoami(cx: &Context, words: &[String]) -> Outcome {
    if let Some(extra) = words.first() {
        return Outcome::Fail(format!(
            "error: Orca's console prints kubectl auth whoami as a table; {extra} is not simulated\n"
        ));
    }
    let account = cx.world.net.account_id.as_str();
    let rows = vec![
        vec!["Username".to_string(), ME.to_string()],
        vec![
            "Groups".into(),
            format!("[{} {}]", rbac::MASTERS, rbac::AUTHENTICATED),
        ],
        vec![
            "Extra: arn".into(),
            format!(
                "[arn:aws:sts::{account}:assumed-role/{}/{}]",
                crate::console::aws::STS_ROLE,
                crate::console::aws::STS_SESSION
            ),
        ],
        vec![
            "Extra: canonicalArn".into(),
            format!(
                "[{}]",
                crate::iam::role_arn(account, crate::console::aws::STS_ROLE)
            ),
        ],
        vec![
            "Extra: sessionName".into(),
            format!("[{}]", crate::console::aws::STS_SESSION),
        ],
    ];
    Outcome::Print(render(&["ATTRIBUTE", "VALUE"], &rows))
}

fn exists(k: &EksCluster, name: &str) -> bool {
    k.cluster_role_bindings.iter().any(|b| b.name == name)
}

/// The ClusterRoleBinding `kubectl create clusterrolebinding` makes, as `-o yaml|json` prints
/// it: a client dry run has no creation time yet (`creationTimestamp: null`).
fn binding_object(name: &str, role: &str, user: &str, created: Option<SimTime>) -> Value {
    json!({
        "apiVersion": format!("{GROUP}/v1"),
        "kind": "ClusterRoleBinding",
        "metadata": {
            "creationTimestamp": created.map(ts),
            "name": name,
        },
        "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": role},
        "subjects": [{"apiGroup": GROUP, "kind": "User", "name": user}],
    })
}

/// `kubectl create clusterrolebinding NAME --clusterrole=ROLE --user=USER`, with
/// `--dry-run=client|server` (nothing is created; a client dry run does not ask the API server,
/// so it does not see a binding of that name either) and `-o yaml|json|name` (the common way to
/// write a manifest: `--dry-run=client -o yaml`).
fn create(k: &EksCluster, now: SimTime, words: &[String]) -> Outcome {
    let line = match parse(
        "create clusterrolebinding",
        words,
        &[
            ("clusterrole", true),
            ("user", true),
            ("group", true),
            ("serviceaccount", true),
            ("output", true),
            ("dry-run", true),
        ],
    ) {
        Ok(l) => l,
        Err(e) => return Outcome::Fail(e),
    };
    let Some(name) = line.positional.first() else {
        return Outcome::Fail("error: exactly one NAME is required, got 0\nSee 'kubectl create clusterrolebinding -h' for help and examples\n".into());
    };
    let Some(role) = line.get("clusterrole") else {
        return Outcome::Fail("error: required flag(s) \"clusterrole\" not set\n".into());
    };
    if line.get("group").is_some() || line.get("serviceaccount").is_some() {
        return Outcome::Fail(
            "error: Orca's console binds a role to a user (--user=NAME); --group and --serviceaccount are not simulated\n"
                .into(),
        );
    }
    let Some(user) = line.get("user") else {
        return Outcome::Fail(
            "error: Orca's console binds a role to a user: give --user=NAME\n".into(),
        );
    };
    let (dry_run, output) = match super::yaml::create_options(&line, "a binding") {
        Ok(o) => o,
        Err(e) => return Outcome::Fail(e),
    };
    if dry_run != Some(DryRun::Client) && exists(k, name) {
        return Outcome::Fail(format!(
            "error: failed to create clusterrolebinding: clusterrolebindings.{GROUP} \"{name}\" already exists\n"
        ));
    }
    let created = (dry_run != Some(DryRun::Client)).then_some(now);
    let shown = super::yaml::created_reply(
        &format!("clusterrolebinding.{GROUP}/{name}"),
        output,
        dry_run,
        || binding_object(name, role, user, created),
    );
    if dry_run.is_some() {
        return Outcome::Print(shown);
    }
    Outcome::Act {
        actions: vec![Action::CreateClusterRoleBinding {
            name: name.clone(),
            cluster_role: role.to_string(),
            user: user.to_string(),
        }],
        after: After::Text(shown.trim_end().to_string()),
    }
}

/// The names a command gives: `TYPE NAME…` or `TYPE/NAME`.
fn names(positional: &[String]) -> Vec<String> {
    let mut out: Vec<String> = positional
        .first()
        .and_then(|w| w.split_once('/'))
        .map(|(_, n)| vec![n.to_string()])
        .unwrap_or_default();
    out.extend(positional.iter().skip(1).cloned());
    out
}

/// `kubectl delete clusterrolebinding NAME…`.
fn delete(k: &EksCluster, words: &[String]) -> Outcome {
    let line = match parse(
        "delete",
        words,
        &[
            ("grace-period", true),
            ("now", false),
            ("wait", false),
            ("dry-run", true),
        ],
    ) {
        Ok(l) => l,
        Err(e) => return Outcome::Fail(e),
    };
    let dry_run = match DryRun::parse(line.get("dry-run")) {
        Ok(d) => d,
        Err(e) => return Outcome::Fail(e),
    };
    let names = names(&line.positional);
    if names.is_empty() {
        return Outcome::Fail(
            "error: resource(s) were provided, but no name was specified\n".into(),
        );
    }
    if let Some(missing) = names.iter().find(|n| !exists(k, n)) {
        return Outcome::Fail(format!(
            "Error from server (NotFound): clusterrolebindings.{GROUP} \"{missing}\" not found\n"
        ));
    }
    let suffix = dry_run.map_or("", DryRun::suffix);
    let said = names
        .iter()
        .map(|n| format!("clusterrolebinding.{GROUP} \"{n}\" deleted{suffix}"))
        .collect::<Vec<_>>()
        .join("\n");
    if dry_run.is_some() {
        return Outcome::Print(format!("{said}\n"));
    }
    Outcome::Act {
        actions: names
            .iter()
            .map(|n| Action::DeleteClusterRoleBinding { name: n.clone() })
            .collect(),
        after: After::Text(said),
    }
}

fn subjects_of(b: &ClusterRoleBinding, kind: &str) -> String {
    b.subjects
        .iter()
        .filter(|s| s.kind() == kind)
        .map(Subject::name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `kubectl get clusterrolebindings|clusterroles [NAME…] [-o wide|name]`.
fn get(k: &EksCluster, now: SimTime, words: &[String]) -> Outcome {
    // Cluster-scoped: a namespace given is ignored, as kubectl ignores it.
    let line = match parse(
        "get",
        words,
        &[
            ("output", true),
            ("no-headers", false),
            ("namespace", true),
            ("all-namespaces", false),
        ],
    ) {
        Ok(l) => l,
        Err(e) => return Outcome::Fail(e),
    };
    let bindings = line
        .positional
        .first()
        .is_some_and(|w| w.starts_with("clusterrolebinding"));
    let wanted = names(&line.positional);
    let output = line.get("output").unwrap_or("");
    if !matches!(output, "" | "wide" | "name") {
        return Outcome::Fail(format!(
            "error: Orca's console prints cluster roles and their bindings as a table, -o wide or -o name, not -o {output}\n"
        ));
    }
    let resource = if bindings {
        "clusterrolebindings"
    } else {
        "clusterroles"
    };
    let all: Vec<String> = if bindings {
        k.cluster_role_bindings
            .iter()
            .map(|b| b.name.clone())
            .collect()
    } else {
        rbac::CLUSTER_ROLES.iter().map(|r| r.to_string()).collect()
    };
    if let Some(missing) = wanted.iter().find(|n| !all.contains(n)) {
        return Outcome::Fail(format!(
            "Error from server (NotFound): {resource}.{GROUP} \"{missing}\" not found\n"
        ));
    }
    let mut shown: Vec<String> = all
        .into_iter()
        .filter(|n| wanted.is_empty() || wanted.contains(n))
        .collect();
    shown.sort();
    if output == "name" {
        let singular = resource.trim_end_matches('s');
        return Outcome::Print(
            shown
                .iter()
                .map(|n| format!("{singular}.{GROUP}/{n}\n"))
                .collect(),
        );
    }
    let mut out = if bindings {
        let rows: Vec<Vec<String>> = shown
            .iter()
            .filter_map(|n| k.cluster_role_bindings.iter().find(|b| &b.name == n))
            .map(|b| {
                let mut row = vec![
                    b.name.clone(),
                    format!("ClusterRole/{}", b.role),
                    age(now, b.created_at),
                ];
                if output == "wide" {
                    row.push(subjects_of(b, "User"));
                    row.push(subjects_of(b, "Group"));
                    row.push(String::new());
                }
                row
            })
            .collect();
        if output == "wide" {
            render(
                &["NAME", "ROLE", "AGE", "USERS", "GROUPS", "SERVICEACCOUNTS"],
                &rows,
            )
        } else {
            render(&["NAME", "ROLE", "AGE"], &rows)
        }
    } else {
        let created = SimTime::ZERO.iso8601();
        let created = format!("{}Z", &created[..19]);
        let rows: Vec<Vec<String>> = shown
            .iter()
            .map(|n| vec![n.clone(), created.clone()])
            .collect();
        render(&["NAME", "CREATED AT"], &rows)
    };
    if line.has("no-headers") {
        out = out.lines().skip(1).map(|l| format!("{l}\n")).collect();
    }
    Outcome::Print(out)
}

/// `kubectl describe clusterrolebinding NAME…`.
fn describe(k: &EksCluster, words: &[String]) -> Outcome {
    let line = match parse("describe", words, &[]) {
        Ok(l) => l,
        Err(e) => return Outcome::Fail(e),
    };
    let wanted = names(&line.positional);
    let mut out = String::new();
    let shown: Vec<&ClusterRoleBinding> = if wanted.is_empty() {
        k.cluster_role_bindings.iter().collect()
    } else {
        let mut v = Vec::new();
        for n in &wanted {
            match k.cluster_role_bindings.iter().find(|b| &b.name == n) {
                Some(b) => v.push(b),
                None => {
                    return Outcome::Fail(format!(
                        "Error from server (NotFound): clusterrolebindings.{GROUP} \"{n}\" not found\n"
                    ));
                }
            }
        }
        v
    };
    for (i, b) in shown.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "Name:         {}", b.name);
        let labels = if b.builtin {
            "kubernetes.io/bootstrapping=rbac-defaults"
        } else {
            "<none>"
        };
        let _ = writeln!(out, "Labels:       {labels}");
        let _ = writeln!(out, "Annotations:  <none>");
        let _ = writeln!(out, "Role:\n  Kind:  ClusterRole\n  Name:  {}", b.role);
        out.push_str("Subjects:\n");
        let mut rows = vec![vec![
            "----".to_string(),
            "----".to_string(),
            "---------".to_string(),
        ]];
        rows.extend(
            b.subjects
                .iter()
                .map(|s| vec![s.kind().to_string(), s.name().to_string(), String::new()]),
        );
        for l in render_padded(&["Kind", "Name", "Namespace"], &rows, 2).lines() {
            let _ = writeln!(out, "  {}", l.trim_end());
        }
    }
    Outcome::Print(out)
}
