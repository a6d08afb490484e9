//! `aws ecs list-clusters`, `list-task-definitions` and `list-task-definition-families`, in the
//! shapes of the ECS API Reference (ListClusters, ListTaskDefinitions,
//! ListTaskDefinitionFamilies): ARNs or family names only. A scenario has one cluster, and
//! every task definition it registered is ACTIVE (Orca does not deregister revisions). The
//! wording of a refused `--status` or `--sort` value is Orca's: the API documents the valid
//! values, not the message.

use serde_json::json;

use super::args::{self, Param};
use super::shapes::pretty;
use super::{EcsContext, Outcome};

/// `list-clusters`: the cluster's ARN.
pub(super) fn list_clusters(cx: &EcsContext, words: &[String]) -> Outcome {
    if let Err(e) = args::parse(words, &[]) {
        return Outcome::Fail(e);
    }
    Outcome::Print(pretty(&json!({ "clusterArns": [cx.ecs.arn] })))
}

/// `list-task-definitions [--family-prefix F] [--status ACTIVE|INACTIVE|DELETE_IN_PROGRESS]
/// [--sort ASC|DESC]`: ordered by family, then revision.
pub(super) fn list_task_definitions(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--family-prefix"),
            Param::text("--status"),
            Param::text("--sort"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let status = args.one("--status").unwrap_or("ACTIVE");
    if !["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"].contains(&status) {
        return super::exception(
            cx.op,
            "InvalidParameterException",
            &format!(
                "Invalid status: {status}. Valid values are ACTIVE, INACTIVE and DELETE_IN_PROGRESS."
            ),
        );
    }
    let descending = match args.one("--sort").unwrap_or("ASC") {
        "ASC" => false,
        "DESC" => true,
        other => {
            return super::exception(
                cx.op,
                "InvalidParameterException",
                &format!("Invalid sort: {other}. Valid values are ASC and DESC."),
            );
        }
    };
    let prefix = args.one("--family-prefix");
    let mut defs: Vec<_> = cx
        .ecs
        .task_definitions
        .iter()
        .filter(|_| status == "ACTIVE")
        .filter(|d| prefix.is_none_or(|p| d.family.starts_with(p)))
        .collect();
    defs.sort_by(|a, b| a.family.cmp(&b.family).then(a.revision.cmp(&b.revision)));
    if descending {
        defs.reverse();
    }
    let arns: Vec<&str> = defs.iter().map(|d| d.arn.as_str()).collect();
    Outcome::Print(pretty(&json!({ "taskDefinitionArns": arns })))
}

/// `list-task-definition-families [--family-prefix P] [--status ACTIVE|INACTIVE|ALL]`: the
/// families' names, sorted. A family is ACTIVE while one of its revisions is, INACTIVE once
/// all of them are (ALL: both).
pub(super) fn list_task_definition_families(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match args::parse(
        words,
        &[Param::text("--family-prefix"), Param::text("--status")],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let status = args.one("--status").unwrap_or("ACTIVE");
    if !["ACTIVE", "INACTIVE", "ALL"].contains(&status) {
        return super::exception(
            cx.op,
            "InvalidParameterException",
            &format!("Invalid status: {status}. Valid values are ACTIVE, INACTIVE and ALL."),
        );
    }
    let prefix = args.one("--family-prefix");
    let mut families: Vec<&str> = cx
        .ecs
        .task_definitions
        .iter()
        .map(|d| d.family.as_str())
        .filter(|f| prefix.is_none_or(|p| f.starts_with(p)))
        .collect();
    families.sort_unstable();
    families.dedup();
    // Every revision is ACTIVE (see above), so every family is ACTIVE and none INACTIVE.
    if status == "INACTIVE" {
        families.clear();
    }
    Outcome::Print(pretty(&json!({ "families": families })))
}
