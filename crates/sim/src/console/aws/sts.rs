//! `aws sts get-caller-identity`: who the console's commands run as, in the shape of the AWS STS
//! API Reference (GetCallerIdentity: `UserId`, `Account`, `Arn`) and the AWS CLI's example.
//!
//! [model] The console acts as the role the scenario's objects name as their creator
//! (`createdBy` of a service, `registeredBy` of a task definition: `orca-teacher` in the
//! scenario's account), through an assumed-role session Orca calls `learner`. An assumed role's
//! `UserId` is the role's unique id and the session name, `AROA…:learner`; its ARN is
//! `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (IAM User Guide, "IAM identifiers":
//! unique IDs and the ARNs of assumed-role sessions).

use serde_json::json;

use super::args;
use super::shapes::pretty;
use super::{Context, Outcome};

/// The operations of `aws sts` Orca carries out.
pub const SUPPORTED: &[&str] = &["get-caller-identity"];

/// The role the console acts as (the one `describe-services` names in `createdBy`).
pub const ROLE: &str = "orca-teacher";

/// The name of the console's role session, Orca's choice: the person at the console.
pub const SESSION: &str = "learner";

/// `aws sts <words…>`.
pub(super) fn run(words: &[String], cx: &Context) -> Outcome {
    if let Err(refused) = super::operation(words, SUPPORTED, "AWS STS") {
        return refused;
    }
    if let Err(e) = args::parse(&words[1..], &[]) {
        return Outcome::Fail(e);
    }
    // The scenario's account (`cluster.account_id`, which the network carries).
    let account = cx.world.net.account_id.as_str();
    let role_arn = crate::iam::role_arn(account, ROLE);
    Outcome::Print(pretty(&json!({
        "UserId": format!("{}:{SESSION}", super::iam_roles::role_id(&role_arn, ROLE)),
        "Account": account,
        "Arn": format!("arn:aws:sts::{account}:assumed-role/{ROLE}/{SESSION}"),
    })))
}
