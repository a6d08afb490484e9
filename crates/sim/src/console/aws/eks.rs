//! `aws eks create-addon` and `describe-addon` for the metrics-server add-on, in the shapes of
//! the Amazon EKS API Reference (CreateAddon, DescribeAddon: an `addon` object with its name,
//! cluster, status, version, health, ARN and times). Rules: docs/rules/k8s-autoscaling.md#hpa-without-a-metric.

use serde_json::json;

use super::args::{self, Param};
use super::shapes::pretty;
use super::{Context, Outcome, USAGE};
use crate::console::After;
use crate::k8s::addons::{self, Addon};
use crate::scenario::spec::Action;
use crate::time::SimTime;

/// The operations of `aws eks` Orca carries out.
pub const OPERATIONS: &[&str] = &[
    "create-addon",
    "create-pod-identity-association",
    "delete-pod-identity-association",
    "describe-addon",
    "describe-cluster",
    "describe-pod-identity-association",
    "list-clusters",
    "list-pod-identity-associations",
    "update-cluster-config",
    "update-kubeconfig",
];

/// `aws eks <words…>`.
pub(super) fn run(words: &[String], cx: &Context) -> Outcome {
    let op = words.first().map(String::as_str).unwrap_or("");
    if !OPERATIONS.contains(&op) {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: argument operation: Invalid choice, valid choices are:\n\n{}\n(the Amazon EKS operations Orca simulates; the real CLI lists every operation here)\n",
            super::two_columns(OPERATIONS)
        ));
    }
    match op {
        "describe-cluster" => return super::eks_cluster::describe_cluster(&words[1..], cx),
        "list-clusters" => return super::eks_cluster::list_clusters(&words[1..], cx),
        "update-kubeconfig" => return super::eks_cluster::update_kubeconfig(&words[1..], cx),
        "update-cluster-config" => {
            return super::eks_cluster::update_cluster_config(&words[1..], cx);
        }
        "list-pod-identity-associations"
        | "describe-pod-identity-association"
        | "create-pod-identity-association"
        | "delete-pod-identity-association" => {
            return super::eks_pod_identity::run(op, &words[1..], cx);
        }
        _ => {}
    }
    let api = if op == "create-addon" {
        "CreateAddon"
    } else {
        "DescribeAddon"
    };
    let args = match args::parse(
        &words[1..],
        &[
            Param::text("--cluster-name").required(),
            Param::text("--addon-name").required(),
            Param::text("--addon-version"),
            Param::text("--resolve-conflicts"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let cluster = args.one("--cluster-name").unwrap_or_default();
    let name = args.one("--addon-name").unwrap_or_default();
    let (Some(eks), Some(spec)) = (cx.world.eks.as_ref(), cx.scenario.world.eks()) else {
        return not_found(api, &format!("No cluster found for name: {cluster}."));
    };
    if spec.cluster.name != cluster {
        return not_found(api, &format!("No cluster found for name: {cluster}."));
    }
    if !addons::INSTALLABLE.contains(&name) {
        return Outcome::Fail(format!(
            "error: Orca's console installs and describes the {} and {} add-ons only, not {name} (EKS's own workloads in kube-system are listed by kubectl get pods -n kube-system)\n",
            addons::METRICS_SERVER,
            addons::CLOUDWATCH_OBSERVABILITY
        ));
    }
    let arn = format!(
        "arn:aws:eks:{}:{}:addon/{cluster}/{name}/{}",
        spec.cluster.region,
        spec.cluster.account_id,
        super::autoscaling::uuid_of(&format!("{cluster}/{name}"))
    );
    let shown = |a: &Addon, now: SimTime| {
        pretty(&json!({"addon": {
            "addonName": name,
            "clusterName": cluster,
            "status": a.status(now),
            "addonVersion": addons::version(name),
            "health": {"issues": []},
            "addonArn": arn,
            "createdAt": a.created_at.aws_cli(),
            "modifiedAt": if now >= a.active_at { a.active_at } else { a.created_at }.aws_cli(),
            "tags": {},
        }}))
    };
    let installed = if name == addons::CLOUDWATCH_OBSERVABILITY {
        eks.cloudwatch_observability
    } else {
        eks.metrics_server
    };
    match (op, installed) {
        ("create-addon", Some(_)) => Outcome::Fail(
            "\nAn error occurred (ResourceInUseException) when calling the CreateAddon operation: Addon already exists.\n"
                .to_string(),
        ),
        ("create-addon", None) => Outcome::Act {
            actions: vec![Action::CreateAddon { name: name.into() }],
            after: After::Text(
                shown(&Addon::created(cx.now), cx.now)
                    .trim_end()
                    .to_string(),
            ),
        },
        (_, Some(a)) => Outcome::Print(shown(&a, cx.now)),
        (_, None) => not_found(
            api,
            &format!("No addon: {name} found in cluster: {cluster}"),
        ),
    }
}

fn not_found(api: &str, message: &str) -> Outcome {
    Outcome::Fail(format!(
        "\nAn error occurred (ResourceNotFoundException) when calling the {api} operation: {message}\n"
    ))
}
