//! Policy evaluation for one request in one account, the part Orca models: identity-based
//! Allow and Deny statements on action and resource patterns.
//!
//! Rules (IAM User Guide, "Policy evaluation logic",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>,
//! and "IAM JSON policy elements: Action / Resource"):
//! - an explicit Deny in any statement that matches wins over every Allow;
//! - otherwise a matching Allow allows;
//! - otherwise the request is implicitly denied;
//! - `*` matches any run of characters and `?` any one character; action names are
//!   case-insensitive, resource ARNs case-sensitive.

use super::Role;

/// How a request was decided, and by which statement (index into the role's statements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Decision {
    Allowed {
        statement: usize,
    },
    ExplicitDeny {
        statement: usize,
    },
    /// No statement allows it.
    ImplicitDeny,
}

impl Decision {
    pub fn allowed(self) -> bool {
        matches!(self, Decision::Allowed { .. })
    }
}

/// Whether `value` matches `pattern` with `*` (any run, also empty) and `?` (one character).
/// Iterative with one backtrack point, so a pattern of many stars costs O(n·m) at worst.
pub fn wildcard_match(pattern: &str, value: &str, ignore_case: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let v: Vec<char> = value.chars().collect();
    let eq = |a: char, b: char| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut vi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && eq(p[pi], v[vi]))) {
            pi += 1;
            vi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, vi));
            pi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The role's answer to `action` on `resource`.
pub fn evaluate(role: &Role, action: &str, resource: &str) -> Decision {
    let matches = |s: &super::Statement| {
        s.actions.iter().any(|a| wildcard_match(a, action, true))
            && s.resources
                .iter()
                .any(|r| wildcard_match(r, resource, false))
    };
    if let Some(i) = role.statements.iter().position(|s| s.deny && matches(s)) {
        return Decision::ExplicitDeny { statement: i };
    }
    match role.statements.iter().position(|s| !s.deny && matches(s)) {
        Some(i) => Decision::Allowed { statement: i },
        None => Decision::ImplicitDeny,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{Role, Statement, Trust};

    fn role(statements: Vec<Statement>) -> Role {
        Role {
            name: "orders-task-role".into(),
            arn: "arn:aws:iam::111122223333:role/orders-task-role".into(),
            trust: Trust::EcsTasks,
            statements,
        }
    }

    fn st(deny: bool, actions: &[&str], resources: &[&str]) -> Statement {
        Statement {
            deny,
            actions: actions.iter().map(|s| s.to_string()).collect(),
            resources: resources.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn wildcards_as_the_iam_user_guide_describes_them() {
        // "s3:Get*" matches every S3 action that starts with Get.
        assert!(wildcard_match("s3:Get*", "s3:GetObject", true));
        assert!(!wildcard_match("s3:Get*", "s3:PutObject", true));
        // Action names are case-insensitive.
        assert!(wildcard_match("S3:getobject", "s3:GetObject", true));
        // `?` is one character.
        assert!(wildcard_match(
            "arn:aws:s3:::log?",
            "arn:aws:s3:::logs",
            false
        ));
        assert!(!wildcard_match(
            "arn:aws:s3:::log?",
            "arn:aws:s3:::log",
            false
        ));
        // A bucket ARN does not cover its objects; `bucket/*` does.
        assert!(!wildcard_match(
            "arn:aws:s3:::orders-bucket",
            "arn:aws:s3:::orders-bucket/in/1.json",
            false
        ));
        assert!(wildcard_match(
            "arn:aws:s3:::orders-bucket/*",
            "arn:aws:s3:::orders-bucket/in/1.json",
            false
        ));
        // Resources are case-sensitive.
        assert!(!wildcard_match(
            "arn:aws:s3:::Orders/*",
            "arn:aws:s3:::orders/a",
            false
        ));
        assert!(wildcard_match("*", "", false));
        assert!(wildcard_match("a*b*c", "axxbyyc", false));
        assert!(!wildcard_match("a*b*c", "axxbyy", false));
    }

    #[test]
    fn explicit_deny_wins_over_allow() {
        let r = role(vec![
            st(false, &["s3:*"], &["arn:aws:s3:::orders-bucket/*"]),
            st(true, &["s3:DeleteObject"], &["*"]),
        ]);
        assert_eq!(
            evaluate(&r, "s3:GetObject", "arn:aws:s3:::orders-bucket/a"),
            Decision::Allowed { statement: 0 }
        );
        assert_eq!(
            evaluate(&r, "s3:DeleteObject", "arn:aws:s3:::orders-bucket/a"),
            Decision::ExplicitDeny { statement: 1 }
        );
        assert_eq!(
            evaluate(&r, "s3:GetObject", "arn:aws:s3:::other/a"),
            Decision::ImplicitDeny
        );
    }

    #[test]
    fn no_statement_is_an_implicit_deny() {
        assert_eq!(
            evaluate(&role(vec![]), "s3:GetObject", "arn:aws:s3:::b/k"),
            Decision::ImplicitDeny
        );
    }
}
