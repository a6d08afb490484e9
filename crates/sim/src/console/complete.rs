//! Tab completion: the commands, subcommands, flags and object names that can follow what was
//! typed, from the world as it is now.

use super::Context;
use super::kubectl::parse::{Kind, Scope};

/// What Tab can put in place of the last word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset in the line where the word being completed starts.
    pub from: usize,
    /// The words that fit, sorted, without duplicates.
    pub candidates: Vec<String>,
}

impl Completion {
    /// The longest start all candidates share (what Tab inserts when several fit).
    pub fn common_prefix(&self) -> String {
        let Some(first) = self.candidates.first() else {
            return String::new();
        };
        let mut end = first.len();
        for c in &self.candidates[1..] {
            end = end.min(
                first
                    .char_indices()
                    .zip(c.chars())
                    .take_while(|((_, a), b)| a == b)
                    .map(|((i, a), _)| i + a.len_utf8())
                    .last()
                    .unwrap_or(0),
            );
        }
        first[..end].to_string()
    }
}

/// The completions of the last word of `line` (the word under the cursor at its end).
pub fn complete(line: &str, cx: &Context) -> Completion {
    let from = line.rfind([' ', '=', '/']).map_or(0, |i| i + 1);
    let typed = &line[from..];
    let words: Vec<&str> = line[..from].split_whitespace().collect();
    // `--flag=` and `kind/` complete their value.
    let before = &line[..from];
    let mut options: Vec<String> = if before.ends_with('=') {
        let flag = before
            .trim_end_matches('=')
            .rsplit(' ')
            .next()
            .unwrap_or_default();
        values(flag, &words, cx)
    } else if before.ends_with('/') {
        let kind = before
            .trim_end_matches('/')
            .rsplit(' ')
            .next()
            .unwrap_or_default();
        names_of_kind(kind, &scope_of_line(&words), cx)
    } else {
        next_words(&words, cx)
    };
    options.retain(|o| o.starts_with(typed));
    options.sort();
    options.dedup();
    Completion {
        from,
        candidates: options,
    }
}

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The words that may come after `words`.
fn next_words(words: &[&str], cx: &Context) -> Vec<String> {
    match words {
        [] => owned(&["aws", "kubectl", "dig"]),
        ["aws"] => owned(super::aws::SERVICES),
        ["aws", "ecs"] => owned(super::aws::SUPPORTED),
        ["aws", "ecr"] => owned(super::aws::ECR_SUPPORTED),
        ["aws", "ecr", op, rest @ ..] => match rest.last() {
            Some(&"--repository-name" | &"--repository-names") => cx
                .world
                .ecr
                .repositories
                .iter()
                .map(|r| r.name.clone())
                .collect(),
            Some(&"--output") => owned(OUTPUT_FORMATS),
            Some(flag) if flag.starts_with("--") => Vec::new(),
            _ => with_global_flags(owned(super::aws::ecr_flags(op))),
        },
        ["aws", "logs"] => owned(super::aws::logs::SUPPORTED),
        ["aws", "logs", op, rest @ ..] => logs_next(op, rest, cx),
        ["aws", "elbv2"] => owned(super::aws::elbv2::SUPPORTED),
        ["aws", "sts"] => owned(super::aws::STS_SUPPORTED),
        ["aws", "sts", _, rest @ ..] => match rest.last() {
            Some(&"--output") => owned(OUTPUT_FORMATS),
            _ => owned(&["--output", "--query"]),
        },
        ["aws", "ec2"] => owned(super::aws::EC2_SUPPORTED),
        ["aws", "ec2", op, rest @ ..] => ec2_next(op, rest.last().copied(), cx),
        ["aws", "application-autoscaling"] => owned(super::aws::AUTOSCALING_SUPPORTED),
        ["aws", "application-autoscaling", op, rest @ ..] => match rest.last() {
            Some(&"--service-namespace") => owned(&["ecs"]),
            Some(&"--scalable-dimension") => owned(&["ecs:service:DesiredCount"]),
            Some(&"--output") => owned(OUTPUT_FORMATS),
            Some(flag) if flag.starts_with("--") => Vec::new(),
            _ => with_global_flags(owned(match *op {
                "describe-scalable-targets" => &["--service-namespace", "--resource-ids"],
                "describe-scaling-policies" => {
                    &["--service-namespace", "--resource-id", "--policy-names"]
                }
                _ => &["--service-namespace", "--resource-id"],
            })),
        },
        ["aws", "eks"] => owned(super::aws::EKS_SUPPORTED),
        ["aws", "eks", op, rest @ ..] => match rest.last() {
            Some(&"--cluster-name" | &"--name") => cx
                .world
                .eks
                .iter()
                .map(|e| e.cluster_name.clone())
                .collect(),
            Some(&"--addon-name") => owned(&crate::k8s::addons::INSTALLABLE),
            Some(&("--namespace" | "--service-account" | "--role-arn" | "--association-id")) => {
                iam_values(rest.last().copied().unwrap_or_default(), cx)
            }
            Some(&"--output") => owned(OUTPUT_FORMATS),
            Some(flag) if flag.starts_with("--") => Vec::new(),
            _ => with_global_flags(owned(match *op {
                "describe-cluster" => &["--name"],
                "update-kubeconfig" => &["--name", "--kubeconfig"],
                "update-cluster-config" => &["--name", "--logging"],
                "list-clusters" => &[],
                "list-pod-identity-associations" => {
                    &["--cluster-name", "--namespace", "--service-account"]
                }
                "describe-pod-identity-association" | "delete-pod-identity-association" => {
                    &["--cluster-name", "--association-id"]
                }
                "create-pod-identity-association" => &[
                    "--cluster-name",
                    "--namespace",
                    "--service-account",
                    "--role-arn",
                ],
                _ => &["--cluster-name", "--addon-name"],
            })),
        },
        ["aws", "iam"] => owned(super::aws::IAM_SUPPORTED),
        ["aws", "iam", op, rest @ ..] => match rest.last() {
            Some(&("--role-name" | "--policy-name")) => {
                iam_values(rest.last().copied().unwrap_or_default(), cx)
            }
            Some(&"--policy-document") => owned(&["file://"]),
            Some(&"--output") => owned(OUTPUT_FORMATS),
            Some(flag) if flag.starts_with("--") => Vec::new(),
            _ => with_global_flags(owned(match *op {
                "list-roles" | "list-open-id-connect-providers" => &[],
                "get-role-policy" => &["--role-name", "--policy-name"],
                "put-role-policy" => &["--role-name", "--policy-name", "--policy-document"],
                "update-assume-role-policy" => &["--role-name", "--policy-document"],
                _ => &["--role-name"],
            })),
        },
        ["aws", "autoscaling"] => owned(super::aws::EC2_AUTOSCALING_SUPPORTED),
        ["aws", "autoscaling", op, rest @ ..] => match rest.last() {
            Some(&"--auto-scaling-group-name" | &"--auto-scaling-group-names") => cx
                .world
                .ecs
                .iter()
                .flat_map(|e| e.auto_scaling_groups.iter().map(|g| g.name.clone()))
                .collect(),
            Some(&"--output") => owned(OUTPUT_FORMATS),
            Some(flag) if flag.starts_with("--") => Vec::new(),
            _ => with_global_flags(owned(match *op {
                "describe-auto-scaling-groups" => &["--auto-scaling-group-names"],
                _ => &["--auto-scaling-group-name"],
            })),
        },
        ["aws", "cloudwatch"] => owned(super::aws::CLOUDWATCH_SUPPORTED),
        ["aws", "cloudwatch", op, rest @ ..] => match rest.last() {
            Some(&"--state-value") => owned(&["OK", "ALARM", "INSUFFICIENT_DATA"]),
            Some(&"--history-item-type") => owned(&["StateUpdate", "ConfigurationUpdate"]),
            Some(&"--output") => owned(OUTPUT_FORMATS),
            Some(&"--namespace") => owned(&[
                "AWS/ECS",
                "AWS/ECS/ManagedScaling",
                "AWS/ApplicationELB",
                "ECS/ContainerInsights",
                "ContainerInsights",
            ]),
            Some(&"--statistics") => {
                owned(&["Average", "Sum", "Minimum", "Maximum", "SampleCount"])
            }
            Some(flag) if flag.starts_with("--") => Vec::new(),
            _ => with_global_flags(owned(match *op {
                "list-metrics" => &["--namespace", "--metric-name", "--dimensions"],
                "get-metric-statistics" => &[
                    "--namespace",
                    "--metric-name",
                    "--dimensions",
                    "--start-time",
                    "--end-time",
                    "--period",
                    "--statistics",
                ],
                "describe-alarm-history" => &["--alarm-name", "--history-item-type"],
                _ => &["--alarm-names", "--alarm-name-prefix", "--state-value"],
            })),
        },
        ["aws", "servicediscovery"] => owned(super::aws::servicediscovery::SUPPORTED),
        ["aws", "servicediscovery", op, rest @ ..] => {
            let map = cx.world.ecs.as_ref().map(|e| &e.cloud_map);
            let services = map.into_iter().flat_map(|m| m.services.iter());
            match rest.last() {
                Some(&"--service-id") => services.map(|s| s.id.to_string()).collect(),
                Some(&"--id") if *op == "get-service" => {
                    services.map(|s| s.id.to_string()).collect()
                }
                Some(&"--id") => map
                    .into_iter()
                    .flat_map(|m| m.namespaces.iter().map(|n| n.id.to_string()))
                    .collect(),
                Some(&"--namespace-name") => map
                    .into_iter()
                    .flat_map(|m| m.namespaces.iter().map(|n| n.name.to_string()))
                    .collect(),
                Some(&"--service-name") => services.map(|s| s.name.to_string()).collect(),
                Some(&"--instances") => services
                    .flat_map(|s| s.instances.iter().map(|i| i.id.to_string()))
                    .collect(),
                Some(&"--health-status") => {
                    owned(&["HEALTHY", "UNHEALTHY", "ALL", "HEALTHY_OR_ELSE_ALL"])
                }
                Some(&"--status") => owned(&["HEALTHY", "UNHEALTHY"]),
                Some(&"--instance-id") => services
                    .flat_map(|s| s.instances.iter().map(|i| i.id.to_string()))
                    .collect(),
                Some(&"--output") => owned(OUTPUT_FORMATS),
                _ => with_global_flags(owned(match *op {
                    "get-namespace" | "get-service" => &["--id"],
                    "list-instances" => &["--service-id"],
                    "get-instances-health-status" => &["--service-id", "--instances"],
                    "update-instance-custom-health-status" => {
                        &["--service-id", "--instance-id", "--status"]
                    }
                    "discover-instances" => &[
                        "--namespace-name",
                        "--service-name",
                        "--health-status",
                        "--max-results",
                    ],
                    "list-services" => &["--filters"],
                    _ => &[],
                })),
            }
        }
        ["dig"] | ["dig", ..] => cx
            .world
            .ecs
            .iter()
            .flat_map(|e| e.cloud_map.services.iter().map(|s| s.dns_name.to_string()))
            .chain(
                super::kubectl::service_names(cx)
                    .into_iter()
                    .map(|(n, _)| n.trim_end_matches('.').to_string()),
            )
            .chain(owned(&["+short", "A", "SRV"]))
            .collect(),
        ["aws", "elbv2", op, rest @ ..] => match rest.last() {
            Some(&"--target-group-arn" | &"--target-group-arns") => cx
                .world
                .ecs
                .iter()
                .flat_map(|e| e.target_groups.iter().map(|g| g.arn.to_string()))
                .collect(),
            Some(&"--names") if *op == "describe-load-balancers" => cx
                .world
                .ecs
                .iter()
                .flat_map(|e| super::aws::elbv2::load_balancers(&e.target_groups))
                .map(|lb| lb.name.to_string())
                .collect(),
            Some(&"--names") => cx
                .world
                .ecs
                .iter()
                .flat_map(|e| e.target_groups.iter().map(|g| g.name.to_string()))
                .collect(),
            Some(&"--load-balancer-arns" | &"--load-balancer-arn") => cx
                .world
                .ecs
                .iter()
                .flat_map(|e| super::aws::elbv2::load_balancers(&e.target_groups))
                .map(|lb| lb.arn.to_string())
                .collect(),
            Some(&"--output") => owned(OUTPUT_FORMATS),
            _ => with_global_flags(owned(match *op {
                "describe-target-health" => &["--target-group-arn", "--targets"],
                "describe-target-groups" => {
                    &["--names", "--target-group-arns", "--load-balancer-arn"]
                }
                "describe-load-balancers" => &["--names", "--load-balancer-arns"],
                _ => &[],
            })),
        },
        ["aws", "deploy"] => owned(super::aws::DEPLOY_SUPPORTED),
        ["aws", "deploy", op, rest @ ..] => match rest.last() {
            Some(&"--output") => owned(OUTPUT_FORMATS),
            _ => with_global_flags(owned(super::aws::deploy_flags(op))),
        },
        ["aws", "ecs", "wait"] => owned(super::aws::WAITERS),
        ["aws", "ecs", "wait", waiter, rest @ ..] => match rest.last() {
            Some(flag) if flag.starts_with("--") && *flag != "--output" => values(flag, words, cx),
            Some(&"--output") => owned(OUTPUT_FORMATS),
            _ => owned(match *waiter {
                "services-stable" => &["--cluster", "--services"],
                _ => &["--cluster", "--tasks"],
            }),
        },
        ["aws", "ecs", op, rest @ ..] => match rest.last() {
            Some(flag) if flag.starts_with("--") && takes_value(op, flag) => {
                values(flag, words, cx)
            }
            _ => aws_flags(op),
        },
        ["kubectl" | "k"] => owned(super::kubectl::parse::SUPPORTED),
        ["kubectl" | "k", cmd, rest @ ..] => kubectl_next(cmd, rest, cx),
        _ => Vec::new(),
    }
}

/// What may follow `aws logs OP … rest`: the groups that exist after a group's flag (and as
/// `tail`'s group), the named group's streams after a stream's flag, or the operation's flags.
fn logs_next(op: &str, rest: &[&str], cx: &Context) -> Vec<String> {
    use super::aws::{logs, logs_insights};
    match (op, rest.last()) {
        ("tail", None)
        | (
            _,
            Some(
                &("--log-group-name"
                | "--log-group-identifier"
                | "--log-group-name-prefix"
                | "--log-group-names"
                | "--log-group-identifiers"),
            ),
        ) => logs::group_names(cx),
        // Logs Insights takes epoch seconds: the run's start, and this moment.
        (_, Some(&"--start-time")) => vec![logs_insights::epoch_seconds(cx.now).0.to_string()],
        (_, Some(&"--end-time")) => vec![logs_insights::epoch_seconds(cx.now).1.to_string()],
        (_, Some(&"--query-id")) => cx.queries.map(|q| q.ids()).unwrap_or_default(),
        ("describe-queries", Some(&"--status")) => owned(&["Complete", "Running", "Cancelled"]),
        (_, Some(&("--log-stream-name" | "--log-stream-names" | "--log-stream-name-prefix"))) => {
            let named = rest
                .windows(2)
                .find(|w| matches!(w[0], "--log-group-name" | "--log-group-identifier"))
                .map(|w| w[1])
                .or(if op == "tail" {
                    rest.first().copied()
                } else {
                    None
                });
            named.map_or_else(Vec::new, |g| logs::stream_names(cx, g))
        }
        ("tail", Some(&"--format")) => owned(&["detailed", "short"]),
        (_, Some(&"--output")) => owned(OUTPUT_FORMATS),
        (_, Some(flag))
            if flag.starts_with("--") && !matches!(*flag, "--follow" | "--start-from-head") =>
        {
            Vec::new()
        }
        _ => with_global_flags(owned(match logs::flags(op) {
            [] => logs_insights::flags(op),
            flags => flags,
        })),
    }
}

/// What may follow `aws ec2 OP … last`: the instance ids EC2 lists (ECS container instances and
/// EKS nodes on EC2), the filters' usual starts, or the operation's flags.
fn ec2_next(op: &str, last: Option<&str>, cx: &Context) -> Vec<String> {
    match last {
        Some("--instance-ids" | "--instance-id") => {
            let ecs = cx.world.ecs.iter().flat_map(|e| {
                e.instances
                    .iter()
                    .filter(|i| i.status != crate::ecs::InstanceStatus::Inactive)
                    .map(|i| i.ec2_instance_id.to_string())
            });
            let eks = cx.world.eks.iter().flat_map(|k| {
                k.nodes
                    .iter()
                    .filter(|n| !n.fargate && !n.gone)
                    .map(|n| crate::iam::eks_calls::node_instance_id(&n.name))
            });
            ecs.chain(eks).collect()
        }
        Some("--filters") => [
            "instance-state-name",
            "instance-type",
            "availability-zone",
            "tag:Name",
            "instance-id",
            "vpc-id",
            "subnet-id",
        ]
        .iter()
        .map(|f| format!("Name={f},Values="))
        .collect(),
        Some("--output") => owned(OUTPUT_FORMATS),
        Some(flag) if flag.starts_with("--") => Vec::new(),
        _ => with_global_flags(owned(match op {
            "describe-instances" => &["--instance-ids", "--filters"],
            "describe-vpcs" => &["--vpc-ids", "--filters"],
            "describe-subnets" => &["--subnet-ids", "--filters"],
            "terminate-instances" => &["--instance-ids"],
            "modify-instance-metadata-options" => &[
                "--instance-id",
                "--http-put-response-hop-limit",
                "--http-tokens",
            ],
            _ => &[],
        })),
    }
}

fn aws_flags(op: &str) -> Vec<String> {
    let flags: &[&str] = match op {
        "describe-services" => &["--cluster", "--services"],
        "describe-tasks" => &["--cluster", "--tasks"],
        "list-tasks" => &[
            "--cluster",
            "--service-name",
            "--desired-status",
            "--container-instance",
            "--family",
            "--started-by",
        ],
        "list-services" => &["--cluster"],
        "describe-container-instances" => &["--cluster", "--container-instances"],
        "list-container-instances" => &["--cluster", "--status"],
        "describe-task-definition" => &["--task-definition"],
        "describe-clusters" => &["--clusters", "--include"],
        "list-attributes" => &[
            "--cluster",
            "--target-type",
            "--attribute-name",
            "--attribute-value",
        ],
        "list-task-definition-families" => &["--family-prefix", "--status"],
        "update-service" => &[
            "--cluster",
            "--service",
            "--desired-count",
            "--task-definition",
            "--force-new-deployment",
            "--deployment-configuration",
            "--health-check-grace-period-seconds",
        ],
        "run-task" => &[
            "--cluster",
            "--task-definition",
            "--count",
            "--launch-type",
            "--capacity-provider-strategy",
            "--group",
            "--started-by",
            "--network-configuration",
            "--overrides",
        ],
        "start-task" => &[
            "--cluster",
            "--task-definition",
            "--container-instances",
            "--group",
            "--started-by",
            "--network-configuration",
            "--overrides",
        ],
        "stop-task" => &["--cluster", "--task", "--reason"],
        "update-container-instances-state" => &["--cluster", "--container-instances", "--status"],
        _ => &[],
    };
    with_global_flags(owned(flags))
}

/// The formats `--output` offers.
const OUTPUT_FORMATS: &[&str] = &["json", "table", "text", "yaml", "yaml-stream"];

/// An operation's flags and the CLI's global `--query` and `--output` (none for an unknown
/// operation).
/// The values of an IAM flag: role names (and their inline policies' names), role ARNs, the
/// service accounts and namespaces IRSA and Pod Identity know, association ids.
fn iam_values(flag: &str, cx: &Context) -> Vec<String> {
    let iams = cx
        .world
        .ecs
        .iter()
        .filter_map(|e| e.iam.as_ref())
        .chain(cx.world.eks.iter().filter_map(|k| k.iam.as_ref()));
    let mut v: Vec<String> = iams
        .flat_map(|i| -> Vec<String> {
            match flag {
                "--role-name" => i.roles.iter().map(|r| r.name.clone()).collect(),
                "--policy-name" => i
                    .roles
                    .iter()
                    .map(|r| format!("{}-policy", r.name))
                    .collect(),
                "--role-arn" => i.roles.iter().map(|r| r.arn.clone()).collect(),
                "--service-account" => i.service_accounts.iter().map(|s| s.name.clone()).collect(),
                "--namespace" => i
                    .service_accounts
                    .iter()
                    .map(|s| s.namespace.clone())
                    .collect(),
                _ => i.associations.iter().map(|a| a.id.clone()).collect(),
            }
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

fn with_global_flags(mut flags: Vec<String>) -> Vec<String> {
    if !flags.is_empty() {
        flags.extend(["--output".to_string(), "--query".to_string()]);
    }
    flags
}

fn takes_value(_op: &str, flag: &str) -> bool {
    !matches!(flag, "--force-new-deployment")
}

/// Values a flag takes: names of the objects it names.
fn values(flag: &str, words: &[&str], cx: &Context) -> Vec<String> {
    let ecs = cx.world.ecs.as_ref();
    match flag {
        "--output" if words.first() == Some(&"aws") => owned(OUTPUT_FORMATS),
        "--cluster" | "--clusters" => ecs.map(|e| vec![e.name.clone()]).unwrap_or_default(),
        "--service" | "--services" | "--service-name" => ecs
            .map(|e| e.services.iter().map(|s| s.name.to_string()).collect())
            .unwrap_or_default(),
        "--task" | "--tasks" => ecs
            .map(|e| {
                e.tasks
                    .iter()
                    .filter(|t| t.is_live())
                    .map(|t| t.id.to_string())
                    .collect()
            })
            .unwrap_or_default(),
        "--container-instances" | "--container-instance" => ecs
            .map(|e| {
                e.instances
                    .iter()
                    .filter(|i| i.status != crate::ecs::InstanceStatus::Inactive)
                    .map(|i| i.id.clone())
                    .collect()
            })
            .unwrap_or_default(),
        "--task-definition" | "--family" => ecs
            .map(|e| {
                e.task_definitions
                    .iter()
                    .map(|t| t.family_revision())
                    .collect()
            })
            .unwrap_or_default(),
        "--status" if words.get(2) == Some(&"list-task-definition-families") => {
            owned(&["ACTIVE", "INACTIVE", "ALL"])
        }
        "--family-prefix" => ecs
            .map(|e| {
                e.task_definitions
                    .iter()
                    .map(|t| t.family.to_string())
                    .collect()
            })
            .unwrap_or_default(),
        "--status" => owned(&["ACTIVE", "DRAINING"]),
        "--include" if words.get(2) == Some(&"describe-clusters") => owned(&[
            "ATTACHMENTS",
            "CONFIGURATIONS",
            "SETTINGS",
            "STATISTICS",
            "TAGS",
        ]),
        "--target-type" => owned(&["container-instance"]),
        "--attribute-name" => owned(&["ecs.availability-zone", "ecs.instance-type", "ecs.os-type"]),
        "--launch-type" => owned(&["EC2", "FARGATE"]),
        // One shorthand item per capacity provider the cluster has.
        "--capacity-provider-strategy" => ["FARGATE", "FARGATE_SPOT"]
            .into_iter()
            .map(str::to_string)
            .chain(ecs.into_iter().flat_map(|e| {
                e.auto_scaling_groups
                    .iter()
                    .map(|g| g.capacity_provider.clone())
            }))
            .map(|p| format!("capacityProvider={p},weight=1"))
            .collect(),
        "--desired-status" => owned(&["RUNNING", "STOPPED"]),
        "-o" | "--output" => owned(&[
            "wide",
            "yaml",
            "json",
            "name",
            "jsonpath=",
            "custom-columns=",
        ]),
        "-n" | "--namespace" => namespaces(cx),
        "--replicas" => owned(&["0", "1", "2", "3", "4", "5", "6", "8", "10"]),
        _ => Vec::new(),
    }
}

/// The namespaces of the cluster: `default` and those of its workloads.
fn namespaces(cx: &Context) -> Vec<String> {
    match cx.world.eks.as_ref() {
        Some(eks) => crate::k8s::read::namespaces(eks),
        None => vec!["default".to_string()],
    }
}

/// The namespaces a kubectl line so far applies to: `-n NS`/`--namespace[=]NS`, `-A`, or
/// `default`.
fn scope_of_line(words: &[&str]) -> Scope {
    let mut scope = Scope::default();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        i += 1;
        if w == "-A" || w == "--all-namespaces" || w == "--all-namespaces=true" {
            return Scope::All;
        }
        let ns = if w == "-n" || w == "--namespace" {
            i += 1;
            words.get(i - 1).copied()
        } else if let Some(v) = w.strip_prefix("--namespace=") {
            Some(v)
        } else if let Some(v) = w.strip_prefix("-n").filter(|v| !v.is_empty()) {
            Some(v.strip_prefix('=').unwrap_or(v))
        } else {
            None
        };
        if let Some(ns) = ns {
            scope = Scope::Namespace(ns.to_string());
        }
    }
    scope
}

/// Object names of a kubectl kind (`deploy`, `pods`…) in the namespaces of the line.
fn names_of_kind(kind: &str, scope: &Scope, cx: &Context) -> Vec<String> {
    use crate::k8s::cluster::WorkloadKind;
    let Some(eks) = cx.world.eks.as_ref() else {
        return Vec::new();
    };
    let in_scope = |ns: &str| match scope {
        Scope::All => true,
        Scope::Namespace(n) => n == ns,
    };
    let workloads = |kind: WorkloadKind| -> Vec<String> {
        eks.deployments
            .iter()
            .filter(|d| d.kind == kind && in_scope(&d.namespace))
            .map(|d| d.name.clone())
            .collect()
    };
    match Kind::from_word(kind) {
        Some(Kind::Pod) => (0..eks.pods.len())
            .filter(|&p| !eks.pods[p].gone && in_scope(eks.namespace_of(p)))
            .map(|p| eks.pods[p].name.clone())
            .collect(),
        Some(Kind::Deployment) => workloads(WorkloadKind::Deployment),
        Some(Kind::DaemonSet) => workloads(WorkloadKind::DaemonSet),
        Some(Kind::ReplicaSet) => eks
            .replica_sets
            .iter()
            .filter(|r| {
                let w = &eks.deployments[r.deployment];
                !r.deleted && w.kind == WorkloadKind::Deployment && in_scope(&w.namespace)
            })
            .map(|r| r.name.clone())
            .collect(),
        Some(Kind::Node) => eks
            .nodes
            .iter()
            .filter(|n| !n.gone)
            .map(|n| n.name.clone())
            .collect(),
        Some(Kind::PersistentVolumeClaim) => eks
            .storage
            .claims
            .iter()
            .filter(|c| in_scope(&c.namespace))
            .map(|c| c.name.clone())
            .collect(),
        Some(Kind::PersistentVolume) => {
            eks.storage.volumes.iter().map(|v| v.name.clone()).collect()
        }
        Some(Kind::StorageClass) => eks.storage.classes.iter().map(|c| c.name.clone()).collect(),
        Some(Kind::Namespace) => crate::k8s::read::namespaces(eks),
        Some(Kind::Hpa) => eks
            .hpas
            .iter()
            .filter(|h| in_scope(&eks.deployments[h.deployment].namespace))
            .map(|h| h.name.clone())
            .collect(),
        _ if matches!(kind, "serviceaccounts" | "serviceaccount" | "sa") => {
            let mut v: Vec<String> = crate::k8s::service_accounts::service_accounts(eks)
                .into_iter()
                .filter(|s| in_scope(&s.namespace))
                .map(|s| s.name)
                .collect();
            v.dedup();
            v
        }
        _ => Vec::new(),
    }
}

fn kubectl_next(cmd: &str, rest: &[&str], cx: &Context) -> Vec<String> {
    use crate::k8s::cluster::WorkloadKind;
    let kinds = owned(&[
        "pods",
        "deployments",
        "replicasets",
        "daemonsets",
        "nodes",
        "events",
        "hpa",
        "services",
        "pvc",
        "pv",
        "storageclasses",
        "namespaces",
        "endpoints",
        "endpointslices",
        "serviceaccounts",
    ]);
    if rest.last().is_some_and(|w| *w == "-o") {
        return values("-o", rest, cx);
    }
    if rest
        .last()
        .is_some_and(|w| *w == "-n" || *w == "--namespace")
    {
        return namespaces(cx);
    }
    let scope = scope_of_line(rest);
    // Words that are a flag's value are not positionals.
    let positional: Vec<&str> = rest
        .iter()
        .enumerate()
        .filter(|&(i, w)| {
            let flag_value = i > 0 && matches!(rest[i - 1], "-n" | "--namespace" | "-o" | "-l");
            !w.starts_with('-') && !flag_value
        })
        .map(|(_, w)| *w)
        .collect();
    let names_of_kind = |kind: &str, cx: &Context| names_of_kind(kind, &scope, cx);
    match cmd {
        "get" | "describe" => match positional.as_slice() {
            // `kubectl get all`: the category of workloads, pods, Services and HPAs.
            [] if cmd == "get" => kinds
                .into_iter()
                .chain(owned(&["all", "clusterrolebindings", "clusterroles"]))
                .collect(),
            [] => kinds,
            [kind, ..] => {
                let mut v = names_of_kind(kind, cx);
                if cmd == "get" {
                    v.extend(owned(&[
                        "-o",
                        "-l",
                        "-A",
                        "-n",
                        "-w",
                        "--sort-by",
                        "--show-labels",
                        "--watch-only",
                        "--output-watch-events",
                    ]));
                }
                v
            }
        },
        // `kubectl events --for TYPE/NAME`: the objects whose events it can show.
        "events" if rest.last().is_some_and(|w| *w == "--for") => {
            ["pod", "deployment", "replicaset", "node"]
                .into_iter()
                .flat_map(|kind| {
                    names_of_kind(kind, cx)
                        .into_iter()
                        .map(move |n| format!("{kind}/{n}"))
                })
                .collect()
        }
        "events" => owned(&[
            "--for",
            "--types=Warning",
            "--types=Normal",
            "-A",
            "-n",
            "-w",
            "-o",
        ]),
        "scale" => match positional.as_slice() {
            [] => names_of_kind("deployment", cx)
                .into_iter()
                .map(|n| format!("deployment/{n}"))
                .collect(),
            _ => owned(&["--replicas="]),
        },
        "autoscale" => match positional.as_slice() {
            [] => names_of_kind("deployment", cx)
                .into_iter()
                .map(|n| format!("deployment/{n}"))
                .collect(),
            _ => owned(&["--min=", "--max=", "--cpu-percent="]),
        },
        "set" => match positional.as_slice() {
            [] => owned(&["image", "resources"]),
            ["image" | "resources"] => names_of_kind("deployment", cx)
                .into_iter()
                .map(|n| format!("deployment/{n}"))
                .collect(),
            ["image", target, ..] => {
                let name = target.trim_start_matches("deployment/");
                cx.world
                    .eks
                    .as_ref()
                    .and_then(|e| {
                        e.deployments
                            .iter()
                            .find(|d| d.name == name && d.kind == WorkloadKind::Deployment)
                    })
                    .map(|d| vec![format!("{}=", d.template.container)])
                    .unwrap_or_default()
            }
            ["resources", _, ..] => owned(&["--requests=cpu=", "--requests=memory=", "-c="]),
            _ => Vec::new(),
        },
        "rollout" => match positional.as_slice() {
            [] => owned(&["history", "pause", "restart", "resume", "status", "undo"]),
            [_] => names_of_kind("deployment", cx)
                .into_iter()
                .map(|n| format!("deployment/{n}"))
                .collect(),
            [verb, _] if *verb == "undo" => owned(&["--dry-run=client", "--to-revision="]),
            [verb, _] if *verb == "status" => owned(&["--timeout=", "--watch=false"]),
            _ => Vec::new(),
        },
        "delete" => match positional.as_slice() {
            [] => owned(&["pod", "clusterrolebinding"]),
            ["clusterrolebinding" | "clusterrolebindings"] => cx
                .world
                .eks
                .iter()
                .flat_map(|k| k.cluster_role_bindings.iter().filter(|b| !b.builtin))
                .map(|b| b.name.clone())
                .collect(),
            _ => names_of_kind("pod", cx),
        },
        "annotate" => match positional.as_slice() {
            [] => owned(&["serviceaccount"]),
            [_] => names_of_kind("serviceaccounts", cx),
            _ => owned(&[
                &format!("{}=", crate::k8s::service_accounts::ROLE_ARN),
                &format!("{}-", crate::k8s::service_accounts::ROLE_ARN),
                "--overwrite",
            ]),
        },
        "auth" => match positional.as_slice() {
            [] => owned(&["can-i", "whoami"]),
            ["can-i", ..] => owned(&["--as=system:anonymous", "--as-group=", "--subresource="]),
            _ => Vec::new(),
        },
        "create" => match positional.as_slice() {
            [] => owned(&["clusterrolebinding", "serviceaccount"]),
            ["serviceaccount" | "sa", _, ..] => owned(&["--dry-run=client", "-o"]),
            [_, _, ..] => owned(&["--clusterrole=", "--user="]),
            _ => Vec::new(),
        },
        "config" => match positional.as_slice() {
            [] => owned(&["current-context", "get-contexts", "view"]),
            [sub] if *sub == "view" => owned(&["--minify", "--raw"]),
            _ => Vec::new(),
        },
        "cordon" | "uncordon" | "drain" => match positional.as_slice() {
            [] => names_of_kind("node", cx),
            _ if cmd == "drain" => owned(&["--ignore-daemonsets", "--delete-emptydir-data"]),
            _ => Vec::new(),
        },
        "top" => match positional.as_slice() {
            [] => owned(&["pods", "nodes"]),
            _ => Vec::new(),
        },
        "logs" => match positional.as_slice() {
            [] => names_of_kind("pod", cx),
            _ => owned(&["--previous", "--tail="]),
        },
        "apply" => owned(&["-f"]),
        _ => Vec::new(),
    }
}
