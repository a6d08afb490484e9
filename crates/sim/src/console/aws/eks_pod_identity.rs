//! `aws eks list-pod-identity-associations`, `describe-pod-identity-association`,
//! `create-pod-identity-association` and `delete-pod-identity-association` on the cluster's EKS
//! Pod Identity associations (`crate::iam::Association`), in the shapes of the Amazon EKS API
//! Reference (ListPodIdentityAssociations: `associations` of summaries; Describe-, Create- and
//! DeletePodIdentityAssociation: one `association`, for a deletion the one deleted). An
//! association only reaches pods created afterwards, and only where the Pod Identity Agent runs
//! (EKS User Guide, "EKS Pod Identity"); a deletion likewise: the pods that run keep their role
//! session until it expires (API Reference, DeletePodIdentityAssociation).
//! docs/rules/iam.md#changing-roles-at-the-console.

use serde_json::{Value, json};

use super::api_error as exception;
use super::args::{self, Args, Param};
use super::shapes::pretty;
use super::{After, Context, Outcome};
use crate::iam::{Association, Iam};
use crate::scenario::spec::Action;

/// The EKS cluster `--cluster-name` names and its IAM model (none in a scenario without an
/// `iam` section: no associations then).
struct Cluster<'a> {
    name: &'a str,
    region: &'a str,
    account: &'a str,
    iam: Option<&'a Iam>,
}

fn cluster<'a>(cx: &'a Context, api: &str, name: &str) -> Result<Cluster<'a>, Outcome> {
    match (cx.world.eks.as_ref(), cx.scenario.world.eks()) {
        (Some(k), Some(spec)) if spec.cluster.name == name => Ok(Cluster {
            name: &spec.cluster.name,
            region: &spec.cluster.region,
            account: &spec.cluster.account_id,
            iam: k.iam.as_ref(),
        }),
        _ => Err(exception(
            api,
            "ResourceNotFoundException",
            &format!("No cluster found for name: {name}."),
        )),
    }
}

fn arn(c: &Cluster, a: &Association) -> String {
    format!(
        "arn:aws:eks:{}:{}:podidentityassociation/{}/{}",
        c.region, c.account, c.name, a.id
    )
}

fn summary(c: &Cluster, a: &Association) -> Value {
    json!({
        "clusterName": c.name,
        "namespace": a.namespace,
        "serviceAccount": a.service_account,
        "associationArn": arn(c, a),
        "associationId": a.id,
    })
}

fn whole(c: &Cluster, a: &Association) -> Value {
    json!({
        "clusterName": c.name,
        "namespace": a.namespace,
        "serviceAccount": a.service_account,
        "roleArn": a.role_arn,
        "associationArn": arn(c, a),
        "associationId": a.id,
        "tags": {},
        "createdAt": a.created_at.aws_cli(),
        "modifiedAt": a.created_at.aws_cli(),
        "disableSessionTags": false,
    })
}

/// `aws eks list-pod-identity-associations|describe-pod-identity-association|
/// create-pod-identity-association <words…>`: the options read and the cluster found, then the
/// operation.
pub(super) fn run(op: &str, words: &[String], cx: &Context) -> Outcome {
    let (api, params): (&str, &[Param]) = match op {
        "list-pod-identity-associations" => (
            "ListPodIdentityAssociations",
            &[Param::text("--namespace"), Param::text("--service-account")],
        ),
        "describe-pod-identity-association" => (
            "DescribePodIdentityAssociation",
            &[Param::text("--association-id").required()],
        ),
        "delete-pod-identity-association" => (
            "DeletePodIdentityAssociation",
            &[Param::text("--association-id").required()],
        ),
        _ => (
            "CreatePodIdentityAssociation",
            &[
                Param::text("--namespace").required(),
                Param::text("--service-account").required(),
                Param::text("--role-arn").required(),
            ],
        ),
    };
    let mut all = vec![Param::text("--cluster-name").required()];
    all.extend_from_slice(params);
    let args = match args::parse(words, &all) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let c = match cluster(cx, api, args.one("--cluster-name").unwrap_or_default()) {
        Ok(c) => c,
        Err(e) => return e,
    };
    match op {
        "list-pod-identity-associations" => list(&args, &c),
        "describe-pod-identity-association" => describe(api, &args, &c),
        "delete-pod-identity-association" => delete(api, &args, &c),
        _ => create(api, &args, &c, cx),
    }
}

fn list(args: &Args, c: &Cluster) -> Outcome {
    let (ns, sa) = (args.one("--namespace"), args.one("--service-account"));
    let listed: Vec<Value> = c
        .iam
        .map(|i| i.associations.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|a| ns.is_none_or(|n| a.namespace == n))
        .filter(|a| sa.is_none_or(|s| a.service_account == s))
        .map(|a| summary(c, a))
        .collect();
    Outcome::Print(pretty(&json!({ "associations": listed })))
}

/// The association `--association-id` names, or EKS's ResourceNotFoundException.
fn named<'a>(api: &str, args: &Args, c: &Cluster<'a>) -> Result<&'a Association, Outcome> {
    let id = args.one("--association-id").unwrap_or_default();
    c.iam
        .and_then(|i| i.associations.iter().find(|a| a.id == id))
        .ok_or_else(|| {
            // [inferred] The wording of EKS's ResourceNotFoundException for an unknown id.
            exception(
                api,
                "ResourceNotFoundException",
                &format!("No Pod Identity Association found with id: {id}."),
            )
        })
}

fn describe(api: &str, args: &Args, c: &Cluster) -> Outcome {
    match named(api, args, c) {
        Ok(a) => Outcome::Print(pretty(&json!({ "association": whole(c, a) }))),
        Err(e) => e,
    }
}

/// The association goes; the reply is the association deleted (DeletePodIdentityAssociation's
/// response).
fn delete(api: &str, args: &Args, c: &Cluster) -> Outcome {
    let a = match named(api, args, c) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let reply = pretty(&json!({ "association": whole(c, a) }));
    Outcome::Act {
        actions: vec![Action::DeletePodIdentityAssociation {
            service_account: a.service_account.clone(),
            namespace: a.namespace.clone(),
        }],
        after: After::Text(reply.trim_end().to_string()),
    }
}

fn create(api: &str, args: &Args, c: &Cluster, cx: &Context) -> Outcome {
    let ns = args.one("--namespace").unwrap_or_default();
    let sa = args.one("--service-account").unwrap_or_default();
    let role_arn = args.one("--role-arn").unwrap_or_default();
    let Some(iam) = c.iam else {
        return Outcome::Fail(
            "Orca models EKS Pod Identity in scenarios whose eks part has an iam section; this one has none.\n(nothing was created)\n"
                .into(),
        );
    };
    if ns != "default" {
        return Outcome::Fail(format!(
            "Orca's console creates Pod Identity associations for service accounts of the default namespace, not {ns}.\n(nothing was created)\n"
        ));
    }
    if let Some(a) = iam.association(ns, sa) {
        // [inferred] EKS allows one association per service account; the wording of its
        // ResourceInUseException is Orca's.
        return exception(
            api,
            "ResourceInUseException",
            &format!("Association already exists: {}", a.id),
        );
    }
    if iam.role_by_arn(role_arn).is_none() {
        // [inferred] EKS checks the role when it creates the association (it must be able to
        // pass it); the wording is Orca's.
        return exception(
            api,
            "InvalidParameterException",
            &format!("Role {role_arn} does not exist"),
        );
    }
    // The reply is the association as it will be stored, created now.
    let created = Association {
        namespace: ns.to_string(),
        service_account: sa.to_string(),
        role_arn: role_arn.to_string(),
        id: crate::iam::association_id(ns, sa),
        created_at: cx.now,
    };
    let reply = pretty(&json!({ "association": whole(c, &created) }));
    Outcome::Act {
        actions: vec![Action::CreatePodIdentityAssociation {
            service_account: sa.to_string(),
            role_arn: role_arn.to_string(),
        }],
        after: After::Text(reply.trim_end().to_string()),
    }
}
