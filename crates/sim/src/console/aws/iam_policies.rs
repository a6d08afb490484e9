//! `aws iam list-roles`, `list-role-policies` and `list-attached-role-policies`, which show what
//! the account holds, and `put-role-policy` and `update-assume-role-policy`, which change a
//! role's permissions or trust from now on (IAM API Reference: ListRoles, ListRolePolicies,
//! ListAttachedRolePolicies, PutRolePolicy, UpdateAssumeRolePolicy; the documents are read by
//! `crate::iam::policy_document`). docs/rules/iam.md#changing-roles-at-the-console.

use serde_json::{Value, json};

use super::api_error as exception;
use super::args::{self, Param};
use super::iam_roles::{get_role, model};
use super::shapes::pretty;
use super::{After, Context, Outcome};
use crate::iam::policy_document::{self, Refusal};
use crate::iam::{Iam, Role};
use crate::scenario::spec::Action;

/// The API operation's name, for errors.
fn api(op: &str) -> &'static str {
    match op {
        "list-roles" => "ListRoles",
        "list-role-policies" => "ListRolePolicies",
        "list-attached-role-policies" => "ListAttachedRolePolicies",
        "put-role-policy" => "PutRolePolicy",
        _ => "UpdateAssumeRolePolicy",
    }
}

fn no_such_role(op: &str, name: &str) -> Outcome {
    exception(
        api(op),
        "NoSuchEntity",
        &format!("The role with name {name} cannot be found."),
    )
}

/// The account and the role `--role-name` names, or IAM's `NoSuchEntity`.
fn role<'a>(op: &str, iam: Option<&'a Iam>, name: &str) -> Result<(&'a Iam, &'a Role), Outcome> {
    iam.and_then(|i| Some((i, i.role_by_name(name)?)))
        .ok_or_else(|| no_such_role(op, name))
}

/// The listing operations.
pub(super) fn list(op: &str, words: &[String], cx: &Context) -> Outcome {
    let iam = model(cx);
    if op == "list-roles" {
        if let Err(e) = args::parse(words, &[]) {
            return Outcome::Fail(e);
        }
        // ListRoles leaves out RoleLastUsed, tags and the permissions boundary; IAM lists roles
        // in alphabetical order of their names [observed].
        let mut roles: Vec<&Role> = iam.map(|i| i.roles.iter().collect()).unwrap_or_default();
        roles.sort_by_key(|r| r.name.to_ascii_lowercase());
        let listed: Vec<Value> = roles
            .iter()
            .filter_map(|r| {
                let mut v = get_role(iam?, r);
                v.as_object_mut()?.remove("RoleLastUsed");
                Some(v)
            })
            .collect();
        return Outcome::Print(pretty(&json!({ "Roles": listed })));
    }
    let args = match args::parse(words, &[Param::text("--role-name").required()]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let name = args.one("--role-name").unwrap_or_default();
    let r = match role(op, iam, name) {
        Ok((_, r)) => r,
        Err(e) => return e,
    };
    if op == "list-role-policies" {
        // [model] A role's statements are its one inline policy, `<role>-policy`.
        let names: Vec<String> = if r.statements.is_empty() {
            Vec::new()
        } else {
            vec![r.policy_name()]
        };
        return Outcome::Print(pretty(&json!({ "PolicyNames": names })));
    }
    // [model] Orca's roles hold their permissions as that inline policy, none attached.
    Outcome::Print(pretty(&json!({ "AttachedPolicies": [] })))
}

/// `put-role-policy` and `update-assume-role-policy`: the document read and checked, then the
/// change as a timeline action. Both print nothing when they succeed, as the CLI does.
pub(super) fn change(op: &str, words: &[String], cx: &Context) -> Outcome {
    let mut params = vec![
        Param::text("--role-name").required(),
        Param::text("--policy-document").required(),
    ];
    if op == "put-role-policy" {
        params.push(Param::text("--policy-name").required());
    }
    let args = match args::parse(words, &params) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let name = args.one("--role-name").unwrap_or_default();
    let (iam, r) = match role(op, model(cx), name) {
        Ok(found) => found,
        Err(e) => return e,
    };
    let given = args.one("--policy-document").unwrap_or_default();
    let text = match args::paramfile(given, "--policy-document", cx.files) {
        Ok(t) => t,
        Err(e) => return Outcome::Fail(e),
    };
    let refused = |r: Refusal| match r {
        Refusal::Iam { code, message } => exception(api(op), code, &message),
        Refusal::Unmodelled(why) => Outcome::Fail(format!(
            "{why}\n(Orca's model of IAM; nothing was changed)\n"
        )),
    };
    let action = if op == "put-role-policy" {
        let policy = args.one("--policy-name").unwrap_or_default();
        if policy != r.policy_name() {
            return Outcome::Fail(format!(
                "Orca keeps one inline policy per role, named {} (aws iam list-role-policies --role-name {name}); put-role-policy with that name replaces it.\n(nothing was changed)\n",
                r.policy_name()
            ));
        }
        match policy_document::identity_policy(name, &text) {
            Ok(statements) => Action::PutRolePolicy {
                role: name.to_string(),
                statements,
                document: Some(given.to_string()),
            },
            Err(e) => return refused(e),
        }
    } else {
        match policy_document::trust_policy(iam, &text) {
            Ok(trust) => Action::UpdateAssumeRolePolicy {
                role: name.to_string(),
                trust,
                document: Some(given.to_string()),
            },
            Err(e) => return refused(e),
        }
    };
    Outcome::Act {
        actions: vec![action],
        after: After::Text(String::new()),
    }
}
