//! The `iam` part of a world: roles and their statements, the instance role, the
//! application's calls, service accounts and Pod Identity associations, the roles task
//! definitions name, and the IAM timeline actions. Everything is bounded here so that a
//! policy evaluation costs at most a few thousand character comparisons per call.

use super::Problems;
use super::caps::MAX_DURATION;
use super::common::{Unique, list, name_problem};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{Action, IamSpec, StatementSpec, TaskDefinitionSpec, TrustSpec};

/// Orca's caps (IAM's own quotas are larger: 1,000 roles, 10,240 characters of policy).
pub const MAX_ROLES: usize = 50;
pub const MAX_STATEMENTS: usize = 20;
pub const MAX_PATTERNS: usize = 20;
pub const MAX_PATTERN_LEN: usize = 256;
pub const MAX_APPS: usize = 20;
pub const MAX_CALLS: usize = 5;
pub const MAX_SERVICE_ACCOUNTS: usize = 50;
/// Seconds between two calls of the same kind: at least 5 (a call costs about as much as a
/// task's state change, which the run cost assumes happens every few seconds).
pub const MIN_EVERY: f64 = 5.0;

/// What the world around the `iam` part offers: task definition families or Deployments.
pub(super) enum Targets<'a> {
    Ecs(Vec<&'a str>),
    Eks(Vec<&'a str>),
}

fn role_name_problem(name: &str) -> Option<String> {
    name_problem(
        "role name",
        name,
        64,
        |c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c),
        "letters, digits and +=,.@_-",
    )
}

fn statements(out: &mut Problems, list: &[StatementSpec], p: &Path) {
    if list.len() > MAX_STATEMENTS {
        out.push((
            p.clone(),
            format!(
                "{} statements; Orca models at most {MAX_STATEMENTS}",
                list.len()
            ),
        ));
    }
    for (i, s) in list.iter().enumerate() {
        let sp = p.index(i);
        for (field, values) in [("actions", &s.actions), ("resources", &s.resources)] {
            if values.is_empty() || values.len() > MAX_PATTERNS {
                out.push((
                    sp.field(field),
                    format!(
                        "{} {field}; a statement has 1 to {MAX_PATTERNS}",
                        values.len()
                    ),
                ));
            }
            for (k, v) in values.iter().enumerate() {
                if v.is_empty() || v.chars().count() > MAX_PATTERN_LEN {
                    out.push((
                        sp.field(field).index(k),
                        format!(
                            "{field} pattern {} must have 1 to {MAX_PATTERN_LEN} characters",
                            quoted(v)
                        ),
                    ));
                }
            }
        }
        for (k, a) in s.actions.iter().enumerate() {
            if a != "*" && !a.contains(':') {
                out.push((
                    sp.field("actions").index(k),
                    format!(
                        "action {} has no service prefix; e.g. \"s3:GetObject\", \"s3:*\" or \"*\"",
                        quoted(a)
                    ),
                ));
            }
        }
    }
}

pub(super) fn role_ref(
    out: &mut Problems,
    spec: &IamSpec,
    account: &str,
    arn: &str,
    p: Path,
    what: &str,
) {
    let names = spec.roles.iter().map(|r| r.name.as_str());
    let arns: Vec<String> = names
        .clone()
        .map(|n| crate::iam::role_arn(account, n))
        .collect();
    if !arns.iter().any(|a| a == arn) {
        out.push((
            p,
            format!(
                "{what} {} is not a role of the scenario; valid: {}",
                quoted(arn),
                if arns.is_empty() {
                    "none are defined (add roles to iam)".to_string()
                } else {
                    super::common::quoted_names(&arns)
                }
            ),
        ));
    }
}

pub(super) fn iam(out: &mut Problems, spec: &IamSpec, p: &Path, account: &str, targets: Targets) {
    let rp = p.field("roles");
    if spec.roles.len() > MAX_ROLES {
        out.push((
            rp.clone(),
            format!(
                "{} roles; Orca models at most {MAX_ROLES}",
                spec.roles.len()
            ),
        ));
    }
    let mut names = Unique::new();
    for (i, r) in spec.roles.iter().enumerate() {
        let p = rp.index(i);
        if let Some(e) = role_name_problem(&r.name) {
            out.push((p.field("name"), e));
        }
        names.check(out, p.field("name"), "role", &r.name);
        statements(out, &r.statements, &p.field("statements"));
        if let TrustSpec::WebIdentity { sub, aud, .. } = &r.trust {
            for (f, v) in [("sub", sub), ("aud", aud)] {
                if v.is_empty() || v.chars().count() > MAX_PATTERN_LEN {
                    out.push((
                        p.field("trust").field(f),
                        format!("{f} must have 1 to {MAX_PATTERN_LEN} characters"),
                    ));
                }
            }
        }
    }
    if let Some(name) = &spec.instance_role {
        match spec.roles.iter().find(|r| &r.name == name) {
            None => out.push((
                p.field("instance_role"),
                format!(
                    "role {} is not defined; {}",
                    quoted(name),
                    list(spec.roles.iter().map(|r| r.name.as_str()))
                ),
            )),
            Some(r) if r.trust != TrustSpec::Ec2 => out.push((
                p.field("instance_role"),
                format!(
                    "role {} does not trust ec2.amazonaws.com, so no instance profile can use it; give it trust: Ec2",
                    quoted(name)
                ),
            )),
            Some(_) => {}
        }
    }
    let h = spec.instance_metadata.hop_limit;
    if !(1..=64).contains(&h) {
        out.push((
            p.field("instance_metadata").field("hop_limit"),
            format!("hop_limit {h} is out of range; valid: 1–64"),
        ));
    }
    let (eks, target_names) = match &targets {
        Targets::Ecs(n) => (false, n),
        Targets::Eks(n) => (true, n),
    };
    let ap = p.field("app_calls");
    if spec.app_calls.len() > MAX_APPS {
        out.push((
            ap.clone(),
            format!(
                "{} applications; Orca models at most {MAX_APPS}",
                spec.app_calls.len()
            ),
        ));
    }
    for (i, a) in spec.app_calls.iter().enumerate() {
        let p = ap.index(i);
        if !target_names.contains(&a.target.as_str()) {
            out.push((
                p.field("target"),
                format!(
                    "{} {} is not defined; {}",
                    if eks {
                        "Deployment"
                    } else {
                        "task definition family"
                    },
                    quoted(&a.target),
                    list(target_names.iter())
                ),
            ));
        }
        match (&a.service_account, eks) {
            (Some(_), false) => out.push((
                p.field("service_account"),
                "service accounts are Kubernetes objects; an ECS task's identity is its task definition's task_role_arn".into(),
            )),
            (Some(sa), true)
                if sa != "default"
                    && !spec
                        .service_accounts
                        .iter()
                        .any(|s| &s.name == sa && s.namespace == "default") =>
            {
                out.push((
                    p.field("service_account"),
                    format!(
                        "service account {} is not defined in namespace default; {}",
                        quoted(sa),
                        list(
                            std::iter::once("default").chain(
                                spec.service_accounts
                                    .iter()
                                    .filter(|s| s.namespace == "default")
                                    .map(|s| s.name.as_str())
                            )
                        )
                    ),
                ));
            }
            _ => {}
        }
        if a.calls.is_empty() || a.calls.len() > MAX_CALLS {
            out.push((
                p.field("calls"),
                format!(
                    "{} calls; an application makes 1 to {MAX_CALLS}",
                    a.calls.len()
                ),
            ));
        }
        for (k, c) in a.calls.iter().enumerate() {
            let cp = p.field("calls").index(k);
            if !c.action.contains(':') || c.action.contains(['*', '?']) {
                out.push((
                    cp.field("action"),
                    format!(
                        "action {} is not one API action; e.g. \"s3:GetObject\"",
                        quoted(&c.action)
                    ),
                ));
            }
            if c.resource.is_empty() || c.resource.chars().count() > MAX_PATTERN_LEN {
                out.push((
                    cp.field("resource"),
                    format!("resource must have 1 to {MAX_PATTERN_LEN} characters, e.g. \"arn:aws:s3:::orders/in/1.json\""),
                ));
            }
            if !c.every_seconds.is_finite()
                || c.every_seconds < MIN_EVERY
                || c.every_seconds > MAX_DURATION
            {
                out.push((
                    cp.field("every_seconds"),
                    format!(
                        "every_seconds {} is out of range; valid: {MIN_EVERY} to {MAX_DURATION}",
                        c.every_seconds
                    ),
                ));
            }
        }
    }
    let ek = |out: &mut Problems, field: &'static str, n: usize| {
        if n > 0 && !eks {
            out.push((
                p.field(field),
                format!("{field} are EKS objects; this world is Ecs"),
            ));
        }
    };
    ek(out, "service_accounts", spec.service_accounts.len());
    ek(
        out,
        "pod_identity_associations",
        spec.pod_identity_associations.len(),
    );
    let sp = p.field("service_accounts");
    if spec.service_accounts.len() > MAX_SERVICE_ACCOUNTS {
        out.push((
            sp.clone(),
            format!(
                "{} service accounts; at most {MAX_SERVICE_ACCOUNTS}",
                spec.service_accounts.len()
            ),
        ));
    }
    for (i, s) in spec.service_accounts.iter().enumerate() {
        if s.name.is_empty() || s.name.len() > 253 {
            out.push((
                sp.index(i).field("name"),
                "a service account name has 1 to 253 characters".into(),
            ));
        }
        if let Some(arn) = &s.role_arn
            && arn.chars().count() > MAX_PATTERN_LEN
        {
            out.push((
                sp.index(i).field("role_arn"),
                format!("role_arn has at most {MAX_PATTERN_LEN} characters"),
            ));
        }
    }
    let pp = p.field("pod_identity_associations");
    if spec.pod_identity_associations.len() > MAX_SERVICE_ACCOUNTS {
        out.push((
            pp.clone(),
            format!("at most {MAX_SERVICE_ACCOUNTS} associations"),
        ));
    }
    for (i, a) in spec.pod_identity_associations.iter().enumerate() {
        role_ref(
            out,
            spec,
            account,
            &a.role_arn,
            pp.index(i).field("role_arn"),
            "role_arn",
        );
    }
}

/// The roles a task definition names must be the scenario's (when it models IAM).
pub(super) fn task_definition_roles(
    out: &mut Problems,
    td: &TaskDefinitionSpec,
    p: &Path,
    spec: &IamSpec,
    account: &str,
) {
    let has_secrets = td.containers.iter().any(|c| !c.secrets.is_empty());
    if has_secrets && td.execution_role_arn.is_none() {
        out.push((
            p.field("execution_role_arn"),
            "containers with secrets need an execution role: the agent fetches them with it".into(),
        ));
    }
    if spec.is_empty() {
        return;
    }
    for (field, arn) in [
        ("task_role_arn", &td.task_role_arn),
        ("execution_role_arn", &td.execution_role_arn),
    ] {
        if let Some(arn) = arn {
            role_ref(out, spec, account, arn, p.field(field), field);
        }
    }
}

/// An IAM timeline action: the world must model IAM, and what it names must exist.
pub(super) fn action(
    out: &mut Problems,
    a: &Action,
    ap: &Path,
    spec: &IamSpec,
    account: &str,
    eks: bool,
) {
    if spec.is_empty() {
        out.push((
            ap.clone(),
            "this action changes IAM, but the world has no iam section; add iam with its roles"
                .into(),
        ));
        return;
    }
    let role = |out: &mut Problems, name: &str| {
        if !spec.roles.iter().any(|r| r.name == name) {
            out.push((
                ap.field("role"),
                format!(
                    "role {} is not defined; {}",
                    quoted(name),
                    list(spec.roles.iter().map(|r| r.name.as_str()))
                ),
            ));
        }
    };
    match a {
        Action::ModifyInstanceMetadataOptions {
            hop_limit,
            http_tokens,
        } => {
            if let Some(h) = hop_limit
                && !(1..=64).contains(h)
            {
                out.push((
                    ap.field("hop_limit"),
                    format!("hop_limit {h} is out of range; valid: 1–64"),
                ));
            }
            if hop_limit.is_none() && http_tokens.is_none() {
                out.push((
                    ap.clone(),
                    "nothing to modify; give hop_limit, http_tokens or both".into(),
                ));
            }
        }
        Action::PutRolePolicy {
            role: r,
            statements: s,
            ..
        } => {
            role(out, r);
            statements(out, s, &ap.field("statements"));
        }
        Action::UpdateAssumeRolePolicy { role: r, .. } => role(out, r),
        Action::AnnotateServiceAccount {
            service_account,
            role_arn,
        } => {
            if !eks {
                out.push((
                    ap.clone(),
                    "service accounts are EKS objects; this world is Ecs".into(),
                ));
            }
            if service_account.is_empty() || service_account.len() > 253 {
                out.push((
                    ap.field("service_account"),
                    "a service account name has 1 to 253 characters".into(),
                ));
            }
            if role_arn
                .as_ref()
                .is_some_and(|r| r.chars().count() > MAX_PATTERN_LEN)
            {
                out.push((
                    ap.field("role_arn"),
                    format!("role_arn has at most {MAX_PATTERN_LEN} characters"),
                ));
            }
        }
        // Its name's form is checked with the other Kubernetes object names (`timeline.rs`).
        Action::CreateServiceAccount { .. } if !eks => {
            out.push((
                ap.clone(),
                "service accounts are EKS objects; this world is Ecs".into(),
            ));
        }
        Action::DeletePodIdentityAssociation {
            service_account, ..
        } => association_target(out, ap, eks, service_account),
        Action::CreatePodIdentityAssociation {
            service_account,
            role_arn,
        } => {
            association_target(out, ap, eks, service_account);
            role_ref(
                out,
                spec,
                account,
                role_arn,
                ap.field("role_arn"),
                "role_arn",
            );
        }
        _ => {}
    }
}

/// A Pod Identity association's world (EKS) and service account name.
fn association_target(out: &mut Problems, ap: &Path, eks: bool, service_account: &str) {
    if !eks {
        out.push((
            ap.clone(),
            "Pod Identity associations are EKS objects; this world is Ecs".into(),
        ));
    }
    if service_account.is_empty() || service_account.len() > 253 {
        out.push((
            ap.field("service_account"),
            "a service account name has 1 to 253 characters".into(),
        ));
    }
}

/// AWS Config managed rules: ones Orca evaluates, each once.
pub(super) fn config_rules(out: &mut Problems, rules: &[String], p: &Path) {
    let known = crate::compliance::RULES;
    let mut seen = Unique::new();
    for (i, r) in rules.iter().enumerate() {
        if !known.contains(&r.as_str()) {
            out.push((
                p.index(i),
                format!(
                    "{} is not a rule Orca evaluates; valid: {}",
                    quoted(r),
                    super::common::quoted_names(known)
                ),
            ));
        } else {
            seen.check(out, p.index(i), "config rule", r);
        }
    }
}
