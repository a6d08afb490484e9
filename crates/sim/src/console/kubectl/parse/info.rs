//! `kubectl cluster-info`, `kubectl api-resources [--namespaced=B] [--api-group=G]
//! [-o name] [--no-headers] [--sort-by=name|kind]` and `kubectl config view [--minify] [--raw]`
//! (kubectl's `pkg/cmd/clusterinfo`, `pkg/cmd/apiresources` and `pkg/cmd/config/view.go`).

use super::super::api_resources::{ApiResourcesOptions, SortBy};
use super::{Command, Flags};

/// `kubectl cluster-info [dump]`.
pub(super) fn cluster_info(words: &[String]) -> Result<Command, String> {
    let known = [("namespace", true)];
    let p = Flags {
        cmd: "cluster-info",
        known: &known,
    }
    .parse(words)?;
    match p.positional.first().map(String::as_str) {
        None => Ok(Command::ClusterInfo),
        Some("dump") => Err("Orca does not simulate `kubectl cluster-info dump` (every object of the cluster as JSON, and the pods' logs): kubectl get, describe and logs show them one kind at a time.\n".into()),
        Some(other) => Err(format!(
            "error: unknown command \"{other}\" for \"kubectl cluster-info\"\n"
        )),
    }
}

/// `kubectl api-resources …`.
pub(super) fn api_resources(words: &[String]) -> Result<Command, String> {
    let known = [
        ("namespace", true),
        ("namespaced", false),
        ("api-group", true),
        ("output", true),
        ("no-headers", false),
        ("sort-by", true),
        ("cached", false),
        ("verbs", true),
        ("categories", true),
    ];
    let p = Flags {
        cmd: "api-resources",
        known: &known,
    }
    .parse(words)?;
    if let Some(extra) = p.positional.first() {
        return Err(format!(
            "error: unexpected arguments: [{extra}]\nSee 'kubectl api-resources -h' for help and examples\n"
        ));
    }
    if p.get("verbs").is_some() || p.get("categories").is_some() {
        return Err(
            "error: Orca's console lists api-resources without --verbs or --categories\n".into(),
        );
    }
    let namespaced = match p.get("namespaced") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            return Err(format!(
                "error: invalid argument \"{other}\" for \"--namespaced\" flag: strconv.ParseBool: parsing \"{other}\": invalid syntax\n"
            ));
        }
    };
    let name_only = match p.get("output") {
        None => false,
        Some("name") => true,
        Some("wide") => {
            return Err("error: Orca's console prints api-resources without -o wide (its VERBS and CATEGORIES columns)\n".into());
        }
        Some(other) => {
            return Err(format!("error: --output {other} is not available\n"));
        }
    };
    let sort_by = match p.get("sort-by") {
        None => None,
        Some("name") => Some(SortBy::Name),
        Some("kind") => Some(SortBy::Kind),
        Some(other) => {
            return Err(format!(
                "error: --sort-by accepts only name or kind, got {other}\n"
            ));
        }
    };
    Ok(Command::ApiResources(ApiResourcesOptions {
        namespaced,
        api_group: p.get("api-group").map(str::to_string),
        name_only,
        no_headers: p.has("no-headers"),
        sort_by,
    }))
}

/// `kubectl config view [--minify] [--raw|--flatten] [-o yaml]`.
pub(super) fn config_view(words: &[String]) -> Result<Command, String> {
    let known = [
        ("namespace", true),
        ("minify", false),
        ("raw", false),
        ("flatten", false),
        ("output", true),
    ];
    let p = Flags {
        cmd: "config view",
        known: &known,
    }
    .parse(words)?;
    if let Some(extra) = p.positional.first() {
        return Err(format!(
            "error: unexpected arguments: [{extra}]\nSee 'kubectl config view -h' for help and examples\n"
        ));
    }
    match p.get("output") {
        None | Some("yaml") => {}
        Some(_) => {
            return Err("error: Orca's console prints the kubeconfig as YAML (-o yaml)\n".into());
        }
    }
    Ok(Command::ConfigView {
        raw: p.has("raw") || p.has("flatten"),
    })
}
