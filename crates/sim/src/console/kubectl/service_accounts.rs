//! kubectl's commands on ServiceAccounts: `get serviceaccounts`, `describe serviceaccount` and
//! `annotate serviceaccount NAME eks.amazonaws.com/role-arn=ARN`, the annotation IAM roles for
//! service accounts (IRSA) reads (Amazon EKS User Guide, "Assign IAM roles to Kubernetes
//! service accounts": <https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>).
//!
//! Shapes: the table of `pkg/printers/internalversion/printers.go`
//! (`serviceAccountColumnDefinitions`: NAME, SECRETS, AGE; since Kubernetes 1.24 no token
//! Secret is created for a service account, so SECRETS is 0), `describeServiceAccount` of
//! `staging/src/k8s.io/kubectl/pkg/describe/describe.go`, and the rules of
//! `staging/src/k8s.io/kubectl/pkg/cmd/annotate/annotate.go` (`validateNoAnnotationOverwrites`,
//! `validateAnnotations`) with `cmdutil.GetResourcesAndPairs` and `cmdutil.ParsePairs`
//! (`pkg/cmd/util/helpers.go`).
//!
//! Which service accounts exist (Kubernetes documentation, "Service Accounts":
//! <https://kubernetes.io/docs/concepts/security/service-accounts/>): every namespace has its
//! `default`; the scenario's (`iam.service_accounts`) and those its applications' pods run as
//! (`iam.app_calls[].service_account`); in `kube-system` those of the EKS add-ons Orca runs
//! (`aws-node`, `kube-proxy`, `coredns`, and `metrics-server` when installed).

use std::fmt::Write;

use serde_json::{Value, json};

use super::get::age;
use super::jsonpath::{self, Template};
use super::parse::{self, Flags, Output, Parsed, Scope};
use super::table::render;
use crate::console::{After, Context, Outcome};
use crate::k8s::cluster::EksCluster;
use crate::k8s::service_accounts::{ROLE_ARN, ServiceAccount, service_accounts};
use crate::scenario::spec::Action;
use crate::time::SimTime;

/// A word naming the type: `serviceaccounts`, `serviceaccount`, `sa`, alone or as `TYPE/NAME`.
fn is_type(word: &str) -> bool {
    super::kind::names_type(word, &["serviceaccounts", "serviceaccount", "sa"])
}

/// `kubectl get`'s flags (as `parse::parse_line` takes them).
const GET: &[(&str, bool)] = &[
    ("namespace", true),
    ("all-namespaces", false),
    ("output", true),
    ("no-headers", false),
    ("selector", true),
    ("watch", false),
    ("watch-only", false),
    ("output-watch-events", false),
    ("show-labels", false),
    ("sort-by", true),
    ("field-selector", true),
];

const DESCRIBE: &[(&str, bool)] = &[
    ("namespace", true),
    ("all-namespaces", false),
    ("selector", true),
];

/// `kubectl create serviceaccount`'s flags (create_serviceaccount.go's
/// `NewCmdCreateServiceAccount`, with the print, dry-run and apply-annotation flags it adds).
const CREATE: &[(&str, bool)] = &[
    ("namespace", true),
    ("output", true),
    ("dry-run", true),
    ("save-config", false),
    ("validate", true),
    ("field-manager", true),
];

/// `kubectl annotate`'s flags (annotate.go's `NewCmdAnnotate`).
const ANNOTATE: &[(&str, bool)] = &[
    ("namespace", true),
    ("all-namespaces", false),
    ("overwrite", false),
    ("list", false),
    ("dry-run", true),
    ("output", true),
    ("all", false),
    ("selector", true),
    ("field-selector", true),
    ("local", false),
    ("filename", true),
    ("resource-version", true),
    ("field-manager", true),
];

/// The ServiceAccount command `words` is, if it is one; `None` for the other kubectl commands
/// (`kubectl annotate` of another kind keeps the console's answer for it).
pub fn run(words: &[String], cx: &Context) -> Option<Outcome> {
    let words = parse::command_first(words);
    let (verb, rest) = words.split_first()?;
    let known = match verb.as_str() {
        "get" => GET,
        "describe" => DESCRIBE,
        "annotate" => ANNOTATE,
        // `kubectl create`'s subcommand is `serviceaccount`, alias `sa` (not the plural).
        "create"
            if rest
                .first()
                .is_some_and(|w| w == "serviceaccount" || w == "sa") =>
        {
            CREATE
        }
        _ => return None,
    };
    let line = match (Flags { cmd: verb, known }).parse(rest) {
        Ok(l) => l,
        Err(e) => return rest.iter().any(|w| is_type(w)).then_some(Outcome::Fail(e)),
    };
    let first = line.positional.first()?;
    if verb == "get" && first.contains(',') && !first.contains('/') && first.split(',').any(is_type)
    {
        return Some(Outcome::Fail(
            "error: Orca's console lists service accounts on their own (kubectl get serviceaccounts); list the other kinds in another command\n"
                .into(),
        ));
    }
    if !is_type(first) {
        return None;
    }
    Some(super::rbac::with_cluster(cx, |k| match verb.as_str() {
        "get" => get(k, cx.now, &line),
        "describe" => describe(k, &line),
        "create" => create(k, cx, &line),
        _ => annotate(k, cx, &line),
    }))
}

/// The names a command gives: `TYPE NAME…` or `TYPE/NAME…`, each once.
fn names(positional: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |n: &str| {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    };
    if positional.first().is_some_and(|w| w.contains('/')) {
        for w in positional {
            match w.split_once('/') {
                Some((t, n)) if is_type(t) && !n.is_empty() => push(n),
                Some((t, _)) if is_type(t) => {
                    return Err(
                        "error: arguments in resource/name form must have a single resource and name\n"
                            .into(),
                    );
                }
                Some(_) => {
                    return Err(
                        "error: Orca's console reads service accounts on their own: name them as serviceaccount/NAME\n"
                            .into(),
                    );
                }
                None => {
                    return Err(
                        "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n"
                            .into(),
                    );
                }
            }
        }
    } else {
        positional.iter().skip(1).for_each(|n| push(n));
    }
    Ok(out)
}

/// The accounts in scope, those `names` picks (all without names, in the order named), and the
/// NotFound errors of the names not there.
fn pick(k: &EksCluster, scope: &Scope, names: &[String]) -> (Vec<ServiceAccount>, String) {
    let in_scope: Vec<ServiceAccount> = service_accounts(k)
        .into_iter()
        .filter(|s| match scope {
            Scope::All => true,
            Scope::Namespace(ns) => &s.namespace == ns,
        })
        .collect();
    if names.is_empty() {
        return (in_scope, String::new());
    }
    let mut found = Vec::new();
    let mut missing = String::new();
    for n in names {
        match in_scope.iter().find(|s| &s.name == n) {
            Some(s) => found.push(s.clone()),
            None => missing.push_str(&not_found(n)),
        }
    }
    (found, missing)
}

fn not_found(name: &str) -> String {
    format!("Error from server (NotFound): serviceaccounts \"{name}\" not found\n")
}

/// kubectl's answer for an empty list (`get.go`, `describe.go`).
fn no_resources(scope: &Scope) -> String {
    match scope {
        Scope::All => "No resources found\n".into(),
        Scope::Namespace(ns) => format!("No resources found in {ns} namespace.\n"),
    }
}

/// kubectl's resource builder refuses a name with `--all-namespaces` for a namespaced type
/// (k8s.io/cli-runtime `pkg/resource/builder.go`).
const NAME_ACROSS_NAMESPACES: &str =
    "error: a resource cannot be retrieved by name across all namespaces\n";

/// The object `-o yaml|json` prints. `resourceVersion`: [model] a number derived from the
/// account and its annotation, so that it changes when the annotation does.
fn object(s: &ServiceAccount) -> Value {
    let key = format!("{}/{}", s.namespace, s.name);
    let version = crate::hash::fnv(&format!("{key}={}", s.role_arn.as_deref().unwrap_or("")));
    let mut metadata = json!({
        "creationTimestamp": super::objects::ts(s.created),
        "name": s.name,
        "namespace": s.namespace,
        "resourceVersion": (100_000 + version % 900_000).to_string(),
        "uid": super::objects::uid("ServiceAccount", &key),
    });
    if let Some(arn) = &s.role_arn {
        metadata["annotations"] = json!({ ROLE_ARN: arn });
    }
    super::objects::sorted(
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata}),
    )
}

/// The options of `kubectl get` this file does not simulate, and how each is written.
const GET_UNSIMULATED: [(&str, &str); 6] = [
    ("selector", "-l"),
    ("watch", "-w"),
    ("watch-only", "--watch-only"),
    ("show-labels", "--show-labels"),
    ("sort-by", "--sort-by"),
    ("field-selector", "--field-selector"),
];

/// The accounts a command names (all of its namespaces when it names none), where it looks,
/// and how many names it gave; names across every namespace (`-A` with names) are refused, as
/// kubectl refuses them. When none is found: kubectl's NotFound for the names, or "No
/// resources found". Names found are followed by the NotFound lines of those that were not.
struct Picked {
    found: Vec<ServiceAccount>,
    missing: String,
    scope: Scope,
    named: usize,
}

fn picked(k: &EksCluster, line: &Parsed) -> Result<Picked, Outcome> {
    let names = names(&line.positional).map_err(Outcome::Fail)?;
    let scope = parse::scope_of(line);
    if scope == Scope::All && !names.is_empty() {
        return Err(Outcome::Fail(NAME_ACROSS_NAMESPACES.into()));
    }
    let (found, missing) = pick(k, &scope, &names);
    if found.is_empty() {
        return Err(if names.is_empty() {
            Outcome::Print(no_resources(&scope))
        } else {
            Outcome::Fail(missing)
        });
    }
    Ok(Picked {
        found,
        missing,
        scope,
        named: names.len(),
    })
}

/// `kubectl get serviceaccounts [NAME…] [-n NS | -A] [-o …] [--no-headers]`.
fn get(k: &EksCluster, now: SimTime, line: &Parsed) -> Outcome {
    if let Some((_, flag)) = GET_UNSIMULATED.iter().find(|(f, _)| line.get(f).is_some()) {
        return Outcome::Fail(format!(
            "error: Orca's console lists service accounts without {flag}: it takes -n, -A, --no-headers and -o wide|name|yaml|json|jsonpath=…|custom-columns=…\n"
        ));
    }
    let (output, template) = match parse::output(line) {
        Ok(o) => o,
        Err(e) => return Outcome::Fail(e),
    };
    let Picked {
        found,
        missing,
        scope,
        named,
    } = match picked(k, line) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let listed = || {
        let items = found.iter().map(object).collect();
        super::yaml::list_of(items, named == 1)
    };
    let template = template.unwrap_or_default();
    let mut out = match output {
        Output::Name => found
            .iter()
            .map(|s| format!("serviceaccount/{}\n", s.name))
            .collect(),
        Output::Json => super::yaml::json_text(&listed()),
        Output::Yaml => super::yaml::to_yaml(&listed()),
        Output::JsonPath => match Template::parse(&template) {
            Ok(t) => t.execute(&listed()),
            Err(e) => return Outcome::Fail(e),
        },
        Output::CustomColumns => {
            let cols = match jsonpath::columns(&template) {
                Ok(c) => c,
                Err(e) => return Outcome::Fail(e),
            };
            let header: Vec<&str> = cols.iter().map(|(h, _)| h.as_str()).collect();
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|s| {
                    let o = object(s);
                    cols.iter().map(|(_, p)| jsonpath::cell(p, &o)).collect()
                })
                .collect();
            render(&header, &rows)
        }
        // `-o wide` adds no column for service accounts.
        Output::Table | Output::Wide => {
            let rows: Vec<Vec<String>> = found
                .iter()
                .map(|s| {
                    let mut row = vec![s.name.clone(), "0".into(), age(now, s.created)];
                    if scope == Scope::All {
                        row.insert(0, s.namespace.clone());
                    }
                    row
                })
                .collect();
            if scope == Scope::All {
                render(&["NAMESPACE", "NAME", "SECRETS", "AGE"], &rows)
            } else {
                render(&["NAME", "SECRETS", "AGE"], &rows)
            }
        }
    };
    let table = matches!(output, Output::Table | Output::Wide | Output::CustomColumns);
    if table && line.has("no-headers") {
        out = out.lines().skip(1).map(|l| format!("{l}\n")).collect();
    }
    Outcome::Print(out + &missing)
}

/// kubectl's `describeServiceAccount`: the labels and annotations, then the secrets in the
/// order of their headers' names; no events are recorded for a service account.
fn described(s: &ServiceAccount) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "Name:                {}", s.name);
    let _ = writeln!(o, "Namespace:           {}", s.namespace);
    o.push_str("Labels:              <none>\n");
    match &s.role_arn {
        Some(arn) => {
            let _ = writeln!(o, "Annotations:         {ROLE_ARN}: {arn}");
        }
        None => o.push_str("Annotations:         <none>\n"),
    }
    o.push_str("Image pull secrets:  <none>\n");
    o.push_str("Mountable secrets:   <none>\n");
    o.push_str("Tokens:              <none>\n");
    o.push_str("Events:              <none>\n");
    o
}

/// `kubectl describe serviceaccount [NAME…] [-n NS | -A]`: each account, separated as kubectl's
/// `describe.go` separates them (`"\n\n"` before each after the first).
fn describe(k: &EksCluster, line: &Parsed) -> Outcome {
    if line.get("selector").is_some() {
        return Outcome::Fail(
            "error: Orca's console describes service accounts by name or all of a namespace; -l is not simulated\n"
                .into(),
        );
    }
    let p = match picked(k, line) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let out: Vec<String> = p.found.iter().map(described).collect();
    Outcome::Print(out.join("\n\n") + &p.missing)
}

/// An `annotate` command's changes: new values by key (the last of a key wins) and the keys to
/// remove, from `KEY=VALUE` and `KEY-` (`cmdutil.ParsePairs`).
#[derive(Debug, Default, PartialEq)]
struct Changes {
    set: Vec<(String, String)>,
    remove: Vec<String>,
}

/// `cmdutil.GetResourcesAndPairs` then `ParsePairs` and annotate.go's `validateAnnotations`:
/// the resource words and the changes.
fn resources_and_changes(args: &[String]) -> Result<(Vec<String>, Changes), String> {
    let is_pair =
        |s: &str| (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
    let mut resources = Vec::new();
    let mut pairs: Vec<&str> = Vec::new();
    for s in args {
        match (pairs.is_empty(), is_pair(s)) {
            (_, true) => pairs.push(s),
            (true, false) => resources.push(s.clone()),
            (false, false) => {
                return Err(format!(
                    "error: all resources must be specified before annotation changes: {s}\n"
                ));
            }
        }
    }
    let mut changes = Changes::default();
    let mut invalid: Vec<&str> = Vec::new();
    for p in pairs {
        if let Some((key, value)) = p.split_once('=').filter(|_| !p.starts_with('=')) {
            changes.set.retain(|(k, _)| k != key);
            changes.set.push((key.to_string(), value.to_string()));
        } else if let Some(key) = p.strip_suffix('-').filter(|_| p != "-") {
            changes.remove.push(key.to_string());
        } else {
            invalid.push(p);
        }
    }
    if !invalid.is_empty() {
        return Err(format!(
            "error: invalid annotation format: {}\n",
            invalid.join(", ")
        ));
    }
    Ok((resources, changes))
}

/// The options of `kubectl annotate` this file does not simulate.
const ANNOTATE_UNSIMULATED: [(&str, &str); 8] = [
    ("all", "--all"),
    ("all-namespaces", "-A"),
    ("selector", "-l"),
    ("field-selector", "--field-selector"),
    ("local", "--local"),
    ("filename", "-f"),
    ("resource-version", "--resource-version"),
    ("output", "-o"),
];

/// `kubectl annotate serviceaccount NAME… eks.amazonaws.com/role-arn=ARN [--overwrite]` or
/// `… eks.amazonaws.com/role-arn-`: the timeline's AnnotateServiceAccount, which changes only
/// pods created afterwards (the webhook mutates pods at creation).
fn annotate(k: &EksCluster, cx: &Context, line: &Parsed) -> Outcome {
    if let Some((_, flag)) = ANNOTATE_UNSIMULATED
        .iter()
        .find(|(f, _)| line.get(f).is_some())
    {
        return Outcome::Fail(format!(
            "error: Orca's console annotates service accounts by name (kubectl annotate serviceaccount NAME {ROLE_ARN}=ARN [--overwrite]); {flag} is not simulated\n"
        ));
    }
    let dry_run = match parse::DryRun::parse(line.get("dry-run")) {
        Ok(d) => d.map(parse::DryRun::suffix),
        Err(e) => return Outcome::Fail(e),
    };
    let (resources, changes) = match resources_and_changes(&line.positional) {
        Ok(r) => r,
        Err(e) => return Outcome::Fail(e),
    };
    let list = line.has("list");
    // annotate.go's Validate.
    if changes.set.is_empty() && changes.remove.is_empty() && !list {
        return Outcome::Fail("error: at least one annotation update is required\n".into());
    }
    let both: Vec<&str> = changes
        .remove
        .iter()
        .filter(|r| changes.set.iter().any(|(k, _)| k == *r))
        .map(String::as_str)
        .collect();
    if !both.is_empty() {
        return Outcome::Fail(format!(
            "error: can not both modify and remove the following annotation(s) in the same command: {}\n",
            both.join(", ")
        ));
    }
    let names = match names(&resources) {
        Ok(n) => n,
        Err(e) => return Outcome::Fail(e),
    };
    if names.is_empty() {
        return Outcome::Fail(
            "error: resource(s) were provided, but no name was specified\n".into(),
        );
    }
    let keys = changes
        .set
        .iter()
        .map(|(k, _)| k)
        .chain(changes.remove.iter());
    if let Some(other) = keys.clone().find(|k| *k != ROLE_ARN) {
        return Outcome::Fail(format!(
            "error: Orca's console models one annotation of a service account, IRSA's {ROLE_ARN}; {other} is not simulated\n"
        ));
    }
    // The timeline's action names an account of `default` [model].
    let scope = parse::scope_of(line);
    if scope != Scope::default() {
        let ns = match &scope {
            Scope::Namespace(ns) => ns.as_str(),
            Scope::All => "every namespace",
        };
        return Outcome::Fail(format!(
            "error: Orca's console annotates the service accounts of the default namespace, where the scenario's pods run; {ns} is not simulated\n"
        ));
    }
    let (found, missing) = pick(k, &scope, &names);
    // kubectl goes on with the accounts it found; Orca changes none when one is missing [model].
    if !missing.is_empty() {
        return Outcome::Fail(missing);
    }
    if k.iam.is_none() {
        return Outcome::Fail(
            "error: Orca's console changes IRSA's annotation in a scenario that models IAM: this one has no iam section under eks, so no pod's AWS credentials depend on it\n"
                .into(),
        );
    }
    let new_value = changes
        .set
        .iter()
        .find(|(k, _)| k == ROLE_ARN)
        .map(|(_, v)| v);
    let after = |s: &ServiceAccount| {
        new_value.cloned().or_else(|| {
            (!changes.remove.iter().any(|r| r == ROLE_ARN))
                .then(|| s.role_arn.clone())
                .flatten()
        })
    };
    // `--list` changes nothing on the server: it prints the annotations as they would be.
    if list {
        let single = names.len() == 1;
        let mut out = String::new();
        for s in &found {
            let indent = if single {
                ""
            } else {
                let _ = writeln!(out, "Listing annotations for ServiceAccount./{}:", s.name);
                " "
            };
            if let Some(v) = after(s) {
                let _ = writeln!(out, "{indent}{ROLE_ARN}={v}");
            }
        }
        return Outcome::Print(out);
    }
    if !line.has("overwrite")
        && new_value.is_some()
        && let Some(old) = found.iter().find_map(|s| s.role_arn.as_ref())
    {
        // validateNoAnnotationOverwrites: any value already there, even the same one.
        return Outcome::Fail(format!(
            "error: --overwrite is false but found the following declared annotation(s): '{ROLE_ARN}' already has a value ({old})\n"
        ));
    }
    let reply: Vec<String> = found
        .iter()
        .map(|s| {
            format!(
                "serviceaccount/{} annotated{}",
                s.name,
                dry_run.unwrap_or_default()
            )
        })
        .collect();
    let actions: Vec<Action> = found
        .iter()
        .map(|s| Action::AnnotateServiceAccount {
            service_account: s.name.clone(),
            role_arn: after(s),
        })
        .collect();
    // What Orca's scenario checks say of the change (lengths), as of a saved session.
    if let Err(problems) = crate::scenario::check_actions(cx.scenario, &actions) {
        return Outcome::Fail(format!(
            "error: Orca cannot annotate this: {}\n",
            problems.join("; ")
        ));
    }
    if dry_run.is_some() {
        return Outcome::Print(reply.join("\n") + "\n");
    }
    Outcome::Act {
        actions,
        after: After::Text(reply.join("\n")),
    }
}

/// Kubernetes' rule for the names of most objects, a service account's among them: a lowercase
/// RFC 1123 subdomain (apimachinery's `IsDNS1123Subdomain`: at most 253 characters, labels of
/// lowercase letters, digits and `-` separated by `.`, each starting and ending with a letter or
/// digit).
fn is_dns1123_subdomain(name: &str) -> bool {
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    !name.is_empty() && name.len() <= 253 && name.split('.').all(label_ok)
}

/// The ServiceAccount `kubectl create serviceaccount` sends, as `-o yaml|json` prints it: the
/// namespace only when `-n` gave one (`EnforceNamespace`), no creation time in a client dry run.
fn account_object(name: &str, namespace: Option<&str>, created: Option<SimTime>) -> Value {
    let mut metadata = json!({
        "creationTimestamp": created.map(super::objects::ts),
        "name": name,
    });
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": metadata})
}

/// `kubectl create serviceaccount NAME` (or `sa`), with `--dry-run=client|server` (nothing is
/// created; a client dry run does not ask the API server, so neither the name's form nor a
/// taken name stops it) and `-o yaml|json|name`: the timeline's CreateServiceAccount, in the
/// `default` namespace (create_serviceaccount.go; the API server's name rule and its
/// AlreadyExists answer).
fn create(k: &EksCluster, cx: &Context, line: &Parsed) -> Outcome {
    let names = line.positional.get(1..).unwrap_or_default();
    let [name] = names else {
        return Outcome::Fail(format!(
            "error: exactly one NAME is required, got {}\nSee 'kubectl create serviceaccount -h' for help and examples\n",
            names.len()
        ));
    };
    let (dry_run, output) = match super::yaml::create_options(line, "a service account") {
        Ok(o) => o,
        Err(e) => return Outcome::Fail(e),
    };
    let namespace = line.get("namespace").filter(|ns| !ns.is_empty());
    if let Some(ns) = namespace
        && ns != "default"
    {
        return Outcome::Fail(format!(
            "error: Orca's console creates service accounts in the default namespace, where the scenario's pods run; {ns} is not simulated\n"
        ));
    }
    let client = dry_run == Some(parse::DryRun::Client);
    if !client {
        if !is_dns1123_subdomain(name) {
            return Outcome::Fail(format!(
                "error: failed to create serviceaccount: ServiceAccount \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n"
            ));
        }
        let (found, _) = pick(k, &Scope::default(), std::slice::from_ref(name));
        if !found.is_empty() {
            return Outcome::Fail(format!(
                "error: failed to create serviceaccount: serviceaccounts \"{name}\" already exists\n"
            ));
        }
    }
    let created = (!client).then_some(cx.now);
    let shown =
        super::yaml::created_reply(&format!("serviceaccount/{name}"), output, dry_run, || {
            account_object(name, namespace, created)
        });
    if dry_run.is_some() {
        return Outcome::Print(shown);
    }
    if k.iam.is_none() {
        return Outcome::Fail(
            "error: Orca's console creates service accounts in a scenario that models IAM (for IRSA): this one has no iam section under eks\n"
                .into(),
        );
    }
    let actions = vec![Action::CreateServiceAccount {
        service_account: name.clone(),
    }];
    if let Err(problems) = crate::scenario::check_actions(cx.scenario, &actions) {
        return Outcome::Fail(format!(
            "error: Orca cannot create this: {}\n",
            problems.join("; ")
        ));
    }
    Outcome::Act {
        actions,
        after: After::Text(shown.trim_end().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn annotation_changes_follow_kubectls_pair_rules() {
        let (resources, changes) =
            resources_and_changes(&w("sa reports a=1 b- a=2")).expect("valid");
        assert_eq!(resources, ["sa", "reports"]);
        assert_eq!(
            changes,
            Changes {
                set: vec![("a".into(), "2".into())],
                remove: vec!["b".into()],
            }
        );
        assert_eq!(
            resources_and_changes(&w("sa a=1 reports")),
            Err(
                "error: all resources must be specified before annotation changes: reports\n"
                    .into()
            )
        );
        // `=x` is neither a pair nor a resource's name to kubectl: it is a resource word.
        let (resources, _) = resources_and_changes(&w("sa =x k-")).expect("valid");
        assert_eq!(resources, ["sa", "=x"]);
    }

    #[test]
    fn names_come_as_type_and_names_or_type_slash_name() {
        assert_eq!(names(&w("sa a b a")), Ok(vec!["a".into(), "b".into()]));
        assert_eq!(
            names(&w("serviceaccount/a sa/b")),
            Ok(vec!["a".into(), "b".into()])
        );
        assert!(names(&w("sa/a pod/b")).is_err_and(|e| e.contains("on their own")));
        assert!(names(&w("sa/a b")).is_err_and(|e| e.contains("no need to specify")));
        assert!(is_type("ServiceAccounts") && is_type("sa/x") && !is_type("secrets"));
    }

    #[test]
    fn describe_prints_kubectls_fields_with_the_annotation() {
        let s = ServiceAccount {
            namespace: "default".into(),
            name: "reports".into(),
            role_arn: Some("arn:aws:iam::123456789012:role/r".into()),
            created: SimTime::ZERO,
        };
        assert_eq!(
            described(&s),
            "Name:                reports\nNamespace:           default\nLabels:              <none>\nAnnotations:         eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/r\nImage pull secrets:  <none>\nMountable secrets:   <none>\nTokens:              <none>\nEvents:              <none>\n"
        );
        let plain = ServiceAccount {
            role_arn: None,
            ..s.clone()
        };
        assert!(described(&plain).contains("Annotations:         <none>\n"));
        // The version changes with the annotation.
        assert_ne!(
            object(&s)["metadata"]["resourceVersion"],
            object(&plain)["metadata"]["resourceVersion"]
        );
        assert_eq!(object(&plain)["metadata"].get("annotations"), None);
    }
}
