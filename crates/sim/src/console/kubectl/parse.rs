//! kubectl's command line: the command tree, resource type names and their short names,
//! `TYPE NAME` or `TYPE/NAME`, and flags (`--flag=value`, `--flag value`, `-o wide`, `-owide`),
//! with kubectl's own error texts (kubectl reference, kubernetes.io/docs/reference/kubectl/).

mod info;
mod rollout;
mod set_resources;
mod top;

use super::super::suggest;

pub use super::kind::Kind;

/// Which namespaces a command reads or acts in: `-n/--namespace NS` (kubectl's default is
/// `default`, the namespace of the kubeconfig context) or `-A/--all-namespaces`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    Namespace(String),
    All,
}

impl Default for Scope {
    fn default() -> Self {
        Scope::Namespace("default".into())
    }
}

/// `-o` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    #[default]
    Table,
    Wide,
    Yaml,
    Json,
    Name,
    /// `-o jsonpath=TEMPLATE` (the template is the command's `template`).
    JsonPath,
    /// `-o custom-columns=HEADER:PATH,…` (the spec is the command's `template`).
    CustomColumns,
}

/// How `kubectl get` watches (`-w`, `--watch-only`, `--output-watch-events`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GetWatch {
    /// `--watch-only`: no list first, only the changes.
    pub only: bool,
    /// `--output-watch-events`: an EVENT column (ADDED, MODIFIED, DELETED) before each row.
    pub events: bool,
}

/// A parsed kubectl command line.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Get {
        kind: Kind,
        names: Vec<String>,
        output: Output,
        selector: Option<String>,
        /// The template of `-o jsonpath=…`.
        template: Option<String>,
        /// `--sort-by`'s JSONPath.
        sort_by: Option<String>,
        /// `--field-selector`.
        field_selector: Option<String>,
        /// `-w` (or `--watch-only`): kubectl goes on printing changes.
        watch: Option<GetWatch>,
        /// `--show-labels`: a LABELS column last.
        show_labels: bool,
        /// `--no-headers`: the table without its header line.
        no_headers: bool,
    },
    /// `kubectl get pv,pvc` or `kubectl get all`: several kinds, every object of each.
    GetKinds {
        kinds: Vec<Kind>,
        output: Output,
        selector: Option<String>,
        show_labels: bool,
        no_headers: bool,
    },
    Describe {
        kind: Kind,
        names: Vec<String>,
        /// `-l`: describe the objects whose labels match, instead of named ones.
        selector: Option<String>,
    },
    Scale {
        kind: Kind,
        name: String,
        replicas: u32,
    },
    /// `kubectl autoscale deployment NAME --max=M [--min=N] [--cpu-percent=P]`.
    Autoscale {
        name: String,
        min: Option<u32>,
        max: u32,
        cpu_percent: Option<u32>,
    },
    SetImage {
        name: String,
        /// (container, image) pairs.
        images: Vec<(String, String)>,
    },
    /// `kubectl set resources deployment/<name> [-c NAME] --requests=cpu=…,memory=…`.
    SetResources {
        name: String,
        /// `--containers` (`*` for all).
        containers: String,
        cpu: Option<u32>,
        memory: Option<u32>,
    },
    /// `kubectl rollout status statefulset/<name>`.
    StatefulSetRolloutStatus {
        name: String,
    },
    Rollout {
        verb: RolloutVerb,
        name: String,
        to_revision: Option<u32>,
        /// `rollout status`: `--watch` (default true) and `--timeout` (none: wait for ever).
        wait: rollout::Wait,
        /// `rollout undo --dry-run=client|server`.
        dry_run: Option<DryRun>,
    },
    DeletePod {
        names: Vec<String>,
        /// `-l SELECTOR` (with `--all`: none, every pod in scope).
        selector: Option<String>,
        /// `--dry-run=client|server`: say what would be deleted, delete nothing.
        dry_run: Option<DryRun>,
    },
    Cordon {
        node: String,
    },
    Uncordon {
        node: String,
    },
    Drain {
        node: String,
        ignore_daemonsets: bool,
    },
    Top {
        kind: Kind,
        /// `kubectl top pod NAME`: one object's usage.
        name: Option<String>,
        /// `-l`: the objects to show.
        selector: Option<String>,
        /// `--sort-by cpu|memory`: the most used first; without it, by namespace and name.
        sort_by: Option<String>,
    },
    Logs {
        /// `POD`, `pod/POD` or `TYPE/NAME` (a workload: one of its pods); empty with `-l`.
        pod: String,
        /// `-c NAME`: the container (without it, the pod's first).
        container: Option<String>,
        previous: bool,
        tail: Option<usize>,
        /// `-l`: every matching pod's logs, one pod after another.
        selector: Option<String>,
        /// `--prefix`: each line begins with `[pod/NAME/CONTAINER]`.
        prefix: bool,
        /// `-f`: keep printing new lines (`console::watch`).
        follow: bool,
    },
    Apply {
        file: String,
        /// `--dry-run=client|server`: print what would change, change nothing.
        dry_run: Option<DryRun>,
    },
    /// `kubectl version`.
    Version,
    /// `kubectl cluster-info`.
    ClusterInfo,
    /// `kubectl api-resources`.
    ApiResources(super::api_resources::ApiResourcesOptions),
    /// `kubectl config current-context|get-contexts`.
    Config {
        /// `get-contexts`, else `current-context`.
        list: bool,
    },
    /// `kubectl config view [--minify] [--raw]`.
    ConfigView {
        /// `--raw` (or `--flatten`): the certificate authority's data, not `DATA+OMITTED`.
        raw: bool,
    },
}

/// kubectl's `--dry-run` strategies that act (`none` is the same as no flag): the object is
/// not changed and the line that says what happened ends in ` (dry run)` or ` (server dry run)`
/// (`DeleteOptions.PrintObj`, `staging/src/k8s.io/kubectl/pkg/cmd/delete/delete.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    Client,
    Server,
}

impl DryRun {
    /// The flag's value: `client`, `server`, `none` (or no flag: `None`); anything else is
    /// kubectl's error.
    pub fn parse(value: Option<&str>) -> Result<Option<DryRun>, String> {
        match value {
            None | Some("none") => Ok(None),
            Some("client") => Ok(Some(DryRun::Client)),
            Some("server") => Ok(Some(DryRun::Server)),
            Some(other) => Err(format!(
                "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\".\n"
            )),
        }
    }

    /// What kubectl appends to the operation.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RolloutVerb {
    Status,
    History,
    Undo,
    Restart,
    Pause,
    Resume,
}

/// kubectl's top-level commands, for "Did you mean this?".
const COMMANDS: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "api-resources",
    "api-versions",
    "config",
    "plugin",
    "version",
];

/// The commands Orca carries out.
pub const SUPPORTED: &[&str] = &[
    "annotate",
    "auth",
    "create",
    "get",
    "describe",
    "events",
    "scale",
    "autoscale",
    "set",
    "rollout",
    "delete",
    "cordon",
    "uncordon",
    "drain",
    "top",
    "logs",
    "apply",
    "version",
    "config",
    "cluster-info",
    "api-resources",
];

fn unknown_command(cmd: &str) -> String {
    let mut out = format!("error: unknown command \"{cmd}\" for \"kubectl\"");
    let close = suggest::similar(cmd, COMMANDS);
    if !close.is_empty() {
        out.push_str("\n\nDid you mean this?");
        for c in close {
            out.push_str(&format!("\n\t{c}"));
        }
    }
    out.push('\n');
    out
}

fn usage_hint(cmd: &str) -> String {
    format!("See 'kubectl {cmd} -h' for help and examples")
}

/// Flags a command takes: name → whether it takes a value.
pub(super) struct Flags<'a> {
    pub(super) cmd: &'a str,
    pub(super) known: &'a [(&'a str, bool)],
}

/// Words after the command: positionals, and flags by long name.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub(super) positional: Vec<String>,
    pub(super) flags: Vec<(String, String)>,
}

impl Parsed {
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
    pub(super) fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, v)| n == name && v != "false")
    }
}

/// Short flags and the long names they stand for.
const SHORT: &[(char, &str)] = &[
    ('o', "output"),
    ('l', "selector"),
    ('n', "namespace"),
    ('A', "all-namespaces"),
    ('f', "filename"),
    ('f', "follow"),
    ('c', "container"),
    ('c', "containers"),
    ('p', "previous"),
    ('w', "watch"),
];

impl Flags<'_> {
    pub(super) fn parse(&self, words: &[String]) -> Result<Parsed, String> {
        let mut out = Parsed::default();
        let mut i = 0;
        while i < words.len() {
            let w = &words[i];
            i += 1;
            let (name, inline) = if let Some(long) = w.strip_prefix("--") {
                match long.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (long.to_string(), None),
                }
            } else if let Some(short) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
                let mut chars = short.chars();
                let c = chars.next().unwrap_or('-');
                // A shorthand the command does not take is unknown as a shorthand (`logs -A`).
                let Some((_, long)) = SHORT
                    .iter()
                    .find(|(s, l)| *s == c && self.known.iter().any(|(n, _)| n == l))
                else {
                    return Err(format!(
                        "error: unknown shorthand flag: '{c}' in {w}\n{}\n",
                        usage_hint(self.cmd)
                    ));
                };
                let rest: String = chars.collect();
                let rest = rest.strip_prefix('=').map(str::to_string).unwrap_or(rest);
                (long.to_string(), (!rest.is_empty()).then_some(rest))
            } else {
                out.positional.push(w.clone());
                continue;
            };
            let Some((_, takes_value)) = self.known.iter().find(|(n, _)| *n == name) else {
                return Err(format!(
                    "error: unknown flag: --{name}\n{}\n",
                    usage_hint(self.cmd)
                ));
            };
            let value = match (takes_value, inline) {
                (true, Some(v)) => v,
                (true, None) => match words.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => {
                        return Err(format!(
                            "error: flag needs an argument: --{name}\n{}\n",
                            usage_hint(self.cmd)
                        ));
                    }
                },
                (false, Some(v)) => v,
                (false, None) => "true".into(),
            };
            out.flags.push((name, value));
        }
        Ok(out)
    }
}

/// `TYPE NAME…` or `TYPE/NAME…`: the kind and the names.
fn kind_and_names(words: &[String], cmd: &str) -> Result<(Kind, Vec<String>), String> {
    let Some(first) = words.first() else {
        return Err(
            "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n"
            .into());
    };
    if first.contains('/') {
        let mut kind = None;
        let mut names = Vec::new();
        for w in words {
            let Some((k, n)) = w.split_once('/') else {
                return Err(format!(
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl {cmd} resource/<resource_name>' instead of 'kubectl {cmd} resource resource/<resource_name>'\n"
                ));
            };
            let k = Kind::from_word(k).ok_or_else(|| unknown_type(k))?;
            kind = Some(k);
            names.push(n.to_string());
        }
        return Ok((kind.unwrap_or(Kind::Pod), names));
    }
    let kind = Kind::from_word(first).ok_or_else(|| unknown_type(first))?;
    Ok((kind, words[1..].to_vec()))
}

fn unknown_type(t: &str) -> String {
    super::kind::unknown_type(t)
}

/// `-o`'s format, and the template of `-o jsonpath=TEMPLATE`.
pub(super) fn output(p: &Parsed) -> Result<(Output, Option<String>), String> {
    Ok(match p.get("output") {
        None => (Output::Table, None),
        Some("wide") => (Output::Wide, None),
        Some("yaml") => (Output::Yaml, None),
        Some("json") => (Output::Json, None),
        Some("name") => (Output::Name, None),
        Some("jsonpath") => {
            return Err("error: template format specified but no template given\n".into());
        }
        Some(other) if other.starts_with("jsonpath=") => {
            let template = &other["jsonpath=".len()..];
            super::jsonpath::Template::parse(template)?;
            (Output::JsonPath, Some(template.to_string()))
        }
        Some("custom-columns") => {
            return Err(
                "error: custom-columns format specified but no custom columns given\n".into(),
            );
        }
        Some(other) if other.starts_with("custom-columns=") => {
            let spec = &other["custom-columns=".len()..];
            super::jsonpath::columns(spec)?;
            (Output::CustomColumns, Some(spec.to_string()))
        }
        Some(other) => {
            // kubectl's own formats that Orca does not print get a note saying so.
            let real = [
                "custom-columns-file",
                "go-template",
                "jsonpath-as-json",
                "jsonpath-file",
                "template",
            ]
            .iter()
            .any(|f| other.starts_with(f));
            let note = if real {
                "(Orca's console prints -o wide, yaml, json, name, jsonpath=… and custom-columns=…; this kubectl format is not simulated.)\n"
            } else {
                ""
            };
            return Err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n{note}"
            ));
        }
    })
}

/// The namespaces the flags select. `-A` wins over `-n`, as in kubectl (`--namespace` is
/// ignored with `--all-namespaces`).
pub(super) fn scope_of(p: &Parsed) -> Scope {
    if p.has("all-namespaces") {
        return Scope::All;
    }
    match p.get("namespace") {
        None | Some("") => Scope::default(),
        Some(ns) => Scope::Namespace(ns.to_string()),
    }
}

/// kubectl's resource builder refuses a name with `--all-namespaces` for a namespaced kind
/// (k8s.io/cli-runtime `pkg/resource/builder.go`, `visitByName`).
fn check_names_in_scope(kind: Kind, names: &[String], scope: &Scope) -> Result<(), String> {
    if *scope == Scope::All && kind.namespaced() && !names.is_empty() {
        return Err("error: a resource cannot be retrieved by name across all namespaces\n".into());
    }
    Ok(())
}

/// Parse `kubectl <words…>`.
pub fn parse(words: &[String]) -> Result<Command, String> {
    parse_line(words).map(|(c, _)| c)
}

/// The words with the flags that come before the command moved behind it (`kubectl -n
/// kube-system get pods`): cobra parses them against the command found after them.
pub(super) fn command_first(words: &[String]) -> Vec<String> {
    let mut leading = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i).filter(|w| w.starts_with('-')) {
        leading.push(w.clone());
        i += 1;
        if matches!(w.as_str(), "-n" | "--namespace")
            && let Some(v) = words.get(i)
        {
            leading.push(v.clone());
            i += 1;
        }
    }
    if leading.is_empty() || i >= words.len() {
        words.to_vec()
    } else {
        words[i..].iter().cloned().chain(leading).collect()
    }
}

/// Parse `kubectl <words…>`: the command and the namespaces it applies to.
pub fn parse_line(words: &[String]) -> Result<(Command, Scope), String> {
    let reordered = command_first(words);
    let words = &reordered[..];
    let Some(cmd) = words.first() else {
        return Err("kubectl controls the Kubernetes cluster manager.\n\nOrca's console takes: kubectl get|describe|scale|autoscale|set image|set resources|rollout|delete pod|cordon|uncordon|drain|top|logs|apply -f|version|config|cluster-info|api-resources\n".into());
    };
    let rest = &words[1..];
    let cmd = cmd.as_str();
    // `--namespace` is one of kubectl's global flags; `--all-namespaces` belongs to the
    // commands that list (get, describe, delete, top pod).
    let global = [("namespace", true)];
    let all = ("all-namespaces", false);
    let mut scope = Scope::default();
    let with = |extra: &[(&'static str, bool)]| -> Vec<(&'static str, bool)> {
        global.iter().chain(extra).copied().collect()
    };
    let command = match cmd {
        "get" => {
            let known = with(&[
                ("output", true),
                ("selector", true),
                ("watch", false),
                ("watch-only", false),
                ("output-watch-events", false),
                ("show-labels", false),
                ("no-headers", false),
                ("sort-by", true),
                ("field-selector", true),
                all,
            ]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            scope = scope_of(&p);
            let is_all = |w: &str| w.eq_ignore_ascii_case("all");
            if let [first, _, ..] = p.positional.as_slice()
                && first.split(',').any(is_all)
            {
                Err("error: Orca's console lists `kubectl get all` without names; name one kind to get one object (kubectl get deployment web)\n".into())
            } else if let [one] = p.positional.as_slice()
                && (one.contains(',') || is_all(one))
                && !one.contains('/')
            {
                one.split(',')
                    .map(|w| {
                        if is_all(w) {
                            Ok(Kind::ALL.to_vec())
                        } else {
                            Kind::from_word(w)
                                .map(|k| vec![k])
                                .ok_or_else(|| unknown_type(w))
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(|lists| {
                        let mut kinds: Vec<Kind> = Vec::new();
                        for k in lists.into_iter().flatten() {
                            if !kinds.contains(&k) {
                                kinds.push(k);
                            }
                        }
                        kinds
                    })
                    .and_then(|kinds| {
                        let (output, _) = output(&p)?;
                        if matches!(output, Output::JsonPath | Output::CustomColumns)
                            || p.get("sort-by").is_some()
                            || p.get("field-selector").is_some()
                        {
                            return Err("error: Orca's console takes -o jsonpath, --sort-by and --field-selector with one resource type at a time (kubectl get pods -o jsonpath=…)\n".into());
                        }
                        Ok(Command::GetKinds {
                            kinds,
                            output,
                            selector: p.get("selector").map(str::to_string),
                            show_labels: p.has("show-labels"),
                            no_headers: p.has("no-headers"),
                        })
                    })
            } else {
                let (kind, names) = kind_and_names(&p.positional, cmd)?;
                check_names_in_scope(kind, &names, &scope)?;
                let (output, template) = output(&p)?;
                Ok(Command::Get {
                    kind,
                    names,
                    output,
                    selector: p.get("selector").map(str::to_string),
                    template,
                    sort_by: p.get("sort-by").map(str::to_string),
                    field_selector: p.get("field-selector").map(str::to_string),
                    watch: (p.has("watch") || p.has("watch-only")).then(|| GetWatch {
                        only: p.has("watch-only"),
                        events: p.has("output-watch-events"),
                    }),
                    show_labels: p.has("show-labels"),
                    no_headers: p.has("no-headers"),
                })
            }
        }
        "describe" => {
            let known = with(&[("selector", true), all]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            scope = scope_of(&p);
            let (kind, names) = kind_and_names(&p.positional, cmd)?;
            check_names_in_scope(kind, &names, &scope)?;
            let selector = p.get("selector").map(str::to_string);
            // kubectl's describe (`pkg/cmd/describe/describe.go`) takes names or a selector.
            if selector.is_some() && !names.is_empty() {
                return Err("error: name cannot be provided when a selector is specified".into());
            }
            Ok(Command::Describe {
                kind,
                names,
                selector,
            })
        }
        "scale" => {
            let known = with(&[("replicas", true), ("current-replicas", true)]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            scope = scope_of(&p);
            let (kind, names) = kind_and_names(&p.positional, cmd)?;
            let Some(replicas) = p.get("replicas") else {
                return Err("error: required flag(s) \"replicas\" not set\n".into());
            };
            // kubectl sends an int32; a negative count is refused before anything is sent.
            let replicas: u32 = match replicas.parse::<i64>() {
                Ok(n) if (0..=i64::from(i32::MAX)).contains(&n) => n as u32,
                Ok(_) => return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n".into()),
                Err(_) => {
                    return Err(format!(
                        "error: invalid argument \"{replicas}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{replicas}\": invalid syntax\n{}\n",
                        usage_hint(cmd)
                    ));
                }
            };
            if kind != Kind::Deployment && kind != Kind::ReplicaSet {
                return Err(format!(
                    "error: cannot scale {}: this resource type cannot be scaled\n",
                    kind.resource()
                ));
            }
            let [name] = names.as_slice() else {
                return Err("error: resource(s) were provided, but no name was specified\n".into());
            };
            Ok(Command::Scale {
                kind,
                name: name.clone(),
                replicas,
            })
        }
        "autoscale" => {
            let known = with(&[
                ("min", true),
                ("max", true),
                ("cpu-percent", true),
                ("name", true),
            ]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            scope = scope_of(&p);
            let (kind, names) = kind_and_names(&p.positional, cmd)?;
            if kind != Kind::Deployment {
                return Err(format!(
                    "error: cannot autoscale a {}: Orca's console autoscales Deployments\n",
                    kind.resource()
                ));
            }
            let [name] = names.as_slice() else {
                return Err("error: resource(s) were provided, but no name was specified\n".into());
            };
            // kubectl's flags are int32s; -1 (the default) leaves the server's default.
            let number = |flag: &str| -> Result<Option<i64>, String> {
                match p.get(flag) {
                    None => Ok(None),
                    Some(v) => v.parse::<i64>().map(Some).map_err(|_| {
                        format!(
                            "error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\n{}\n",
                            usage_hint(cmd)
                        )
                    }),
                }
            };
            let max = number("max")?.unwrap_or(-1);
            let min = number("min")?.filter(|m| *m != -1);
            if max < 1 {
                return Err(format!(
                    "error: --max=MAXPODS is required and must be at least 1, max: {max}\n"
                ));
            }
            if let Some(m) = min
                && m > max
            {
                return Err(format!(
                    "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {m}\n"
                ));
            }
            let in_range = |v: i64| u32::try_from(v.clamp(0, i64::from(i32::MAX))).unwrap_or(0);
            Ok(Command::Autoscale {
                name: name.clone(),
                min: min.map(in_range),
                max: in_range(max),
                cpu_percent: number("cpu-percent")?.filter(|c| *c != -1).map(in_range),
            })
        }
        "set" => {
            let Some(sub) = rest.first() else {
                return Err("error: Required resource not specified.\nUse \"kubectl set image -h\" for help.\n".into());
            };
            if sub == "resources" {
                let (command, s) = set_resources::parse(&rest[1..])?;
                scope = s;
                return Ok((command, scope));
            }
            if sub != "image" {
                return Err(format!(
                    "error: unknown command \"{sub}\" for \"kubectl set\"\n\nOrca's console takes: kubectl set image deployment/<name> <container>=<image>, kubectl set resources deployment/<name> --requests=cpu=<cpu>,memory=<memory>\n"
                ));
            }
            let known = with(&[]);
            let p = Flags {
                cmd: "set image",
                known: &known,
            }
            .parse(&rest[1..])?;
            scope = scope_of(&p);
            let (specs, targets): (Vec<&String>, Vec<&String>) =
                p.positional.iter().partition(|w| w.contains('='));
            let targets: Vec<String> = targets.into_iter().cloned().collect();
            let (kind, names) = kind_and_names(&targets, "set image")?;
            if kind != Kind::Deployment {
                return Err(format!(
                    "error: Orca's console sets images on Deployments, not {}\n",
                    kind.resource()
                ));
            }
            let [name] = names.as_slice() else {
                return Err("error: one Deployment, as deployment/<name>\n".into());
            };
            if specs.is_empty() {
                return Err("error: at least one image update is required\n".into());
            }
            let images = specs
                .into_iter()
                .filter_map(|s| {
                    s.split_once('=')
                        .map(|(c, i)| (c.to_string(), i.to_string()))
                })
                .collect();
            Ok(Command::SetImage {
                name: name.clone(),
                images,
            })
        }
        "rollout" => return rollout::parse(rest),
        "delete" => {
            let known = with(&[
                ("grace-period", true),
                ("force", false),
                ("now", false),
                ("selector", true),
                ("all", false),
                ("dry-run", true),
                all,
            ]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            scope = scope_of(&p);
            let (kind, names) = kind_and_names(&p.positional, cmd)?;
            check_names_in_scope(kind, &names, &scope)?;
            if kind != Kind::Pod {
                return Err(format!(
                    "error: Orca's console deletes pods only (kubectl delete pod <name>), not {}\n",
                    kind.resource()
                ));
            }
            // kubectl's own checks (the resource builder, `staging/src/k8s.io/cli-runtime/pkg/
            // resource/builder.go`): `--all` with a selector fails first (`SelectAllParam`);
            // `--all` is the everything selector, so names with it or with `-l` fail alike
            // (`visitBySelector`); a type alone names nothing (`visitorResult`).
            let selector = p.get("selector").map(str::to_string);
            let every = p.has("all");
            match (names.is_empty(), selector.is_some(), every) {
                (_, true, true) => {
                    return Err("error: setting 'all' parameter but found a non empty selector. \n".into());
                }
                (false, true, false) | (false, false, true) => {
                    return Err("error: name cannot be provided when a selector is specified\n".into());
                }
                (true, false, false) => {
                    return Err("error: resource(s) were provided, but no name was specified\n".into());
                }
                _ => {}
            }
            let dry_run = DryRun::parse(p.get("dry-run"))?;
            Ok(Command::DeletePod {
                names,
                selector,
                dry_run,
            })
        }
        "cordon" | "uncordon" | "drain" => {
            let known = with(&[
                ("ignore-daemonsets", false),
                ("delete-emptydir-data", false),
                ("force", false),
                ("grace-period", true),
                ("timeout", true),
            ]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            let [node] = p.positional.as_slice() else {
                return Err(format!(
                    "error: USAGE: {cmd} NODE [flags]\n{}\n",
                    usage_hint(cmd)
                ));
            };
            let node = node.strip_prefix("node/").unwrap_or(node).to_string();
            Ok(match cmd {
                "cordon" => Command::Cordon { node },
                "uncordon" => Command::Uncordon { node },
                _ => Command::Drain {
                    node,
                    ignore_daemonsets: p.has("ignore-daemonsets"),
                },
            })
        }
        "top" => {
            let known = with(&[
                ("selector", true),
                ("containers", false),
                ("sort-by", true),
                all,
            ]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            scope = scope_of(&p);
            top::command(&p)
        }
        "logs" => {
            let known = with(&[
                ("container", true),
                ("previous", false),
                ("tail", true),
                ("follow", false),
                ("timestamps", false),
                ("selector", true),
                ("prefix", false),
            ]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            scope = scope_of(&p);
            let selector = p.get("selector").map(str::to_string);
            let pod = match (p.positional.first(), &selector) {
                (Some(_), Some(_)) => {
                    return Err("error: only a selector (-l) or a POD name is allowed\n".into());
                }
                (Some(target), None) => target.strip_prefix("pod/").unwrap_or(target).to_string(),
                (None, Some(_)) => String::new(),
                (None, None) => {
                    return Err("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\n".into());
                }
            };
            let tail = match p.get("tail") {
                Some(t) => match t.parse::<i64>() {
                    Ok(n) if n < 0 => None,
                    Ok(n) => Some(n as usize),
                    Err(_) => {
                        return Err(format!(
                            "error: invalid argument \"{t}\" for \"--tail\" flag\n"
                        ));
                    }
                },
                None => None,
            };
            Ok(Command::Logs {
                pod,
                container: p.get("container").map(str::to_string),
                previous: p.has("previous"),
                tail,
                selector,
                prefix: p.has("prefix"),
                follow: p.has("follow"),
            })
        }
        "apply" => {
            let known = with(&[
                ("filename", true),
                ("dry-run", true),
                ("server-side", false),
            ]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            scope = scope_of(&p);
            let Some(file) = p.get("filename") else {
                return Err("error: must specify one of -f and -k\n".into());
            };
            let dry_run = DryRun::parse(p.get("dry-run"))?;
            Ok(Command::Apply {
                file: file.to_string(),
                dry_run,
            })
        }
        "version" => {
            let known = with(&[("client", false), ("output", true)]);
            let p = Flags { cmd, known: &known }.parse(rest)?;
            if p.get("output").is_some() || p.has("client") {
                return Err("error: Orca's console prints `kubectl version` as text, client and server\n".into());
            }
            Ok(Command::Version)
        }
        "cluster-info" => info::cluster_info(rest),
        "api-resources" => info::api_resources(rest),
        "config" => match rest.first().map(String::as_str) {
            Some("current-context") => Ok(Command::Config { list: false }),
            Some("get-contexts") => Ok(Command::Config { list: true }),
            Some("view") => info::config_view(&rest[1..]),
            Some(other) => Err(format!(
                "error: Orca's console reads the kubeconfig with `kubectl config current-context`, `get-contexts` and `view`; `kubectl config {other}` is not simulated (the scenario's kubeconfig is the one `aws eks update-kubeconfig` writes)\n"
            )),
            None => Err("Modify kubeconfig files using subcommands like \"kubectl config set current-context my-context\".\n\nOrca's console takes: kubectl config current-context|get-contexts|view\n".into()),
        },
        // Service accounts are annotated in `service_accounts.rs`, before this parser.
        "annotate" => Err("error: Orca's console annotates service accounts only: kubectl annotate serviceaccount NAME eks.amazonaws.com/role-arn=ARN [--overwrite]\n".into()),
        other if COMMANDS.contains(&other) => Err(format!(
            "Orca does not simulate `kubectl {other}`. The console carries out: kubectl {}.\n",
            SUPPORTED.join(", ")
        )),
        other => Err(unknown_command(other)),
    };
    Ok((command?, scope))
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
