//! `aws eks describe-cluster`, `list-clusters`, `update-kubeconfig` and `update-cluster-config
//! --logging`, in the shapes of the Amazon EKS API Reference (DescribeCluster, ListClusters,
//! UpdateClusterConfig) and the AWS CLI (`update-kubeconfig` prints the context it wrote)
//! (docs/rules/delivery-security-storage.md#aws-eks-describe-cluster-list-clusters-and-update-kubeconfig).
//!
//! What the cluster's description reads from the run: its name, Region and account, its
//! Kubernetes version (the one `kubectl version` reports), the subnets of its zones in the
//! VPC the other commands name, its control plane log types, its OIDC issuer (the one IRSA
//! trust policies name) and its API server endpoint (the one `kubectl cluster-info` prints).

use serde_json::{Value, json};

use super::api_error as exception;
use super::args::{self, Param};
use super::ec2_network::{subnet_id, vpc_id};
use super::shapes::pretty;
use super::{Context, Outcome};
use crate::console::After;
use crate::scenario::spec::{Action, ClusterSpec, LogType};
use crate::time::SimTime;

/// `aws eks describe-cluster --name N`.
pub(super) fn describe_cluster(words: &[String], cx: &Context) -> Outcome {
    let args = match args::parse(words, &[Param::text("--name").required()]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let name = args.one("--name").unwrap_or_default();
    match cluster_spec(cx).filter(|c| c.name == name) {
        Some(c) => Outcome::Print(pretty(&json!({ "cluster": cluster(cx, c) }))),
        None => not_found("DescribeCluster", name),
    }
}

/// `aws eks list-clusters`: the scenario's EKS cluster, if it has one.
pub(super) fn list_clusters(words: &[String], cx: &Context) -> Outcome {
    if let Err(e) = args::parse(words, &[]) {
        return Outcome::Fail(e);
    }
    let names: Vec<&str> = cluster_spec(cx)
        .map(|c| c.name.as_str())
        .into_iter()
        .collect();
    Outcome::Print(pretty(&json!({ "clusters": names })))
}

/// `aws eks update-kubeconfig --name N [--kubeconfig PATH]`: the kubeconfig already points at
/// the cluster (the console's `kubectl` talks to it), so the CLI updates the context and says
/// so. (`--region` is the CLI's global option: another Region than the scenario's is refused
/// before this runs.)
pub(super) fn update_kubeconfig(words: &[String], cx: &Context) -> Outcome {
    let args = match args::parse(
        words,
        &[
            Param::text("--name").required(),
            Param::text("--alias"),
            Param::text("--kubeconfig"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let name = args.one("--name").unwrap_or_default();
    let Some(c) = cluster_spec(cx).filter(|c| c.name == name) else {
        return not_found("DescribeCluster", name);
    };
    if args.one("--alias").is_some() {
        return Outcome::Fail(
            "error: Orca's kubectl keeps the context named after the cluster's ARN; run update-kubeconfig without --alias\n"
                .into(),
        );
    }
    // [model] The kubeconfig's path is Orca's: the AWS CLI prints the absolute path of
    // `~/.kube/config` (or of `--kubeconfig`).
    let path = args
        .one("--kubeconfig")
        .unwrap_or("/home/learner/.kube/config");
    Outcome::Print(format!("Updated context {} in {path}\n", arn(c)))
}

/// `aws eks update-cluster-config --name N --logging JSON` (EKS API Reference,
/// UpdateClusterConfig; the JSON as the AWS CLI's example writes it): each entry turns its log
/// types on or off. The reply is the update, `InProgress`. [model] The new setting applies at
/// once; AWS gives no duration for a logging update.
pub(super) fn update_cluster_config(words: &[String], cx: &Context) -> Outcome {
    const API: &str = "UpdateClusterConfig";
    let args = match args::parse(
        words,
        &[
            Param::text("--name").required(),
            Param::text("--logging"),
            Param::text("--resources-vpc-config"),
            Param::text("--access-config"),
            Param::text("--client-request-token"),
        ],
    ) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let name = args.one("--name").unwrap_or_default();
    let Some(c) = cluster_spec(cx).filter(|c| c.name == name) else {
        return not_found(API, name);
    };
    if args.one("--resources-vpc-config").is_some() || args.one("--access-config").is_some() {
        return Outcome::Fail(
            "error: Orca's console changes a cluster's control plane logging only (--logging)\n"
                .into(),
        );
    }
    let Some(text) = args.one("--logging") else {
        // The API needs one kind of change; the wording is Orca's.
        return exception(
            API,
            "InvalidParameterException",
            "The request must change the logging, the endpoint access or the access configuration.",
        );
    };
    let entries = match logging_entries(text) {
        Ok(e) => e,
        Err(message) => return Outcome::Fail(message),
    };
    let now_on: Vec<LogType> = cx
        .world
        .eks
        .as_ref()
        .and_then(|e| e.security.as_ref())
        .map(|s| s.logging.clone())
        .unwrap_or_default();
    let changes = entries
        .iter()
        .any(|(types, on)| types.iter().any(|t| now_on.contains(t) != *on));
    if !changes {
        return exception(
            API,
            "InvalidParameterException",
            "No changes needed for the logging config provided",
        );
    }
    let value = serde_json::to_string(&json!({"clusterLogging": entries
        .iter()
        .map(|(types, on)| json!({"types": types.iter().map(|t| t.as_str()).collect::<Vec<_>>(), "enabled": on}))
        .collect::<Vec<_>>()}))
    .unwrap_or_default();
    let reply = pretty(&json!({"update": {
        "id": super::autoscaling::uuid_of(&format!("{}/logging/{}/{value}", c.name, cx.now.0)),
        "status": "InProgress",
        "type": "LoggingUpdate",
        "params": [{"type": "ClusterLogging", "value": value}],
        "createdAt": cx.now.aws_cli(),
        "errors": [],
    }}));
    Outcome::Act {
        actions: entries
            .into_iter()
            .map(|(types, enabled)| Action::UpdateClusterLogging { types, enabled })
            .collect(),
        after: After::Text(reply.trim_end().to_string()),
    }
}

/// The entries of `--logging`: `{"clusterLogging": [{"types": [...], "enabled": bool}, ...]}`.
fn logging_entries(text: &str) -> Result<Vec<(Vec<LogType>, bool)>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "\nError parsing parameter '--logging': Invalid JSON: {e}\nJSON received: {text}\n(Orca's console takes the JSON form: '{{\"clusterLogging\":[{{\"types\":[\"audit\"],\"enabled\":true}}]}}')\n"
        )
    })?;
    let Some(list) = v.get("clusterLogging").and_then(Value::as_array) else {
        return Err("\nParameter validation failed:\nMissing required parameter in logging: \"clusterLogging\"\n".into());
    };
    let mut out = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let enabled = match entry.get("enabled") {
            Some(Value::Bool(b)) => *b,
            _ => {
                return Err(format!(
                    "\nParameter validation failed:\nInvalid type for parameter logging.clusterLogging[{i}].enabled, value: {}, valid types: <class 'bool'>\n",
                    entry
                        .get("enabled")
                        .map_or("None".to_string(), Value::to_string)
                ));
            }
        };
        let mut types = Vec::new();
        for t in entry
            .get("types")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = t.as_str().unwrap_or_default();
            match LogType::ALL.into_iter().find(|x| x.as_str() == name) {
                Some(x) if !types.contains(&x) => types.push(x),
                Some(_) => {}
                // The API lists the valid values; the wording is Orca's.
                None => {
                    return Err(format!(
                        "\nAn error occurred (InvalidParameterException) when calling the UpdateClusterConfig operation: Unknown log type {name}; valid types are api, audit, authenticator, controllerManager and scheduler.\n"
                    ));
                }
            }
        }
        if !types.is_empty() {
            out.push((types, enabled));
        }
    }
    if out.is_empty() {
        return Err("\nAn error occurred (InvalidParameterException) when calling the UpdateClusterConfig operation: The logging configuration names no log type.\n".into());
    }
    Ok(out)
}

fn cluster_spec<'a>(cx: &Context<'a>) -> Option<&'a ClusterSpec> {
    cx.world.eks.as_ref()?;
    cx.scenario.world.eks().map(|e| &e.cluster)
}

fn arn(c: &ClusterSpec) -> String {
    format!(
        "arn:aws:eks:{}:{}:cluster/{}",
        c.region, c.account_id, c.name
    )
}

/// The `cluster` object of DescribeCluster.
fn cluster(cx: &Context, c: &ClusterSpec) -> Value {
    let on: Vec<LogType> = cx
        .world
        .eks
        .as_ref()
        .and_then(|e| e.security.as_ref())
        .map(|s| s.logging.clone())
        .unwrap_or_default();
    let off: Vec<LogType> = LogType::ALL
        .into_iter()
        .filter(|t| !on.contains(t))
        .collect();
    let names = |types: &[LogType]| types.iter().map(|t| t.as_str()).collect::<Vec<_>>();
    // [inferred] The log types that are on come first, then those that are off, each group
    // in the API's order; a group with no type is left out.
    let mut logging = Vec::new();
    if !on.is_empty() {
        logging.push(json!({"types": names(&on), "enabled": true}));
    }
    if !off.is_empty() {
        logging.push(json!({"types": names(&off), "enabled": false}));
    }
    let subnets: Vec<String> = c
        .availability_zones
        .iter()
        .map(|z| subnet_id(cx.world, z))
        .collect();
    let id = crate::eks_endpoint::cluster_id(&c.name);
    // [model] The security groups' ids are Orca's, derived from the cluster's id.
    let sg = |what: &str| format!("sg-0{:016x}", crate::hash::fnv(&format!("{id}/{what}")));
    let version = crate::console::kubectl::SERVER_VERSION;
    // `v1.31.5-eks-5d632ec` → `1.31`.
    let minor: String = version
        .trim_start_matches('v')
        .split('.')
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    json!({
        "name": c.name,
        "arn": arn(c),
        "createdAt": SimTime::ZERO.aws_cli(),
        "version": minor,
        "endpoint": crate::eks_endpoint::api_endpoint(&c.name, &c.region),
        // [model] The cluster role's name is Orca's (the EKS User Guide's example role).
        "roleArn": format!("arn:aws:iam::{}:role/eksClusterRole", c.account_id),
        "resourcesVpcConfig": {
            "subnetIds": subnets,
            "securityGroupIds": [],
            "clusterSecurityGroupId": sg("cluster"),
            "vpcId": vpc_id(cx.world),
            "endpointPublicAccess": true,
            "endpointPrivateAccess": false,
            "publicAccessCidrs": ["0.0.0.0/0"],
        },
        // EKS's default service range when the VPC is in 10.0.0.0/8, the range the console's
        // Services take their ClusterIPs from.
        "kubernetesNetworkConfig": {
            "serviceIpv4Cidr": "172.20.0.0/16",
            "ipFamily": "ipv4",
        },
        "logging": {"clusterLogging": logging},
        "identity": {"oidc": {"issuer": crate::eks_endpoint::oidc_issuer(&c.name, &c.region)}},
        "status": "ACTIVE",
        "certificateAuthority": {"data": crate::eks_endpoint::certificate_authority(&c.name)},
        "platformVersion": "eks.24",
        "tags": {},
        "health": {"issues": []},
        "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"},
        "upgradePolicy": {"supportType": "STANDARD"},
    })
}

fn not_found(api: &str, name: &str) -> Outcome {
    exception(
        api,
        "ResourceNotFoundException",
        &format!("No cluster found for name: {name}."),
    )
}
