//! `aws ecs …` as AWS CLI v2 takes and answers it: options `--name value` (or `--name=value`),
//! lists as several words, JSON output indented by four spaces, usage errors and service
//! exceptions in the CLI's wording (AWS CLI User Guide, "Command structure"; the output shapes
//! follow the ECS API Reference and the CLI's examples — docs/rules/delivery-security-storage.md,
//! "CLI output shapes").
//!
//! Without `--cluster` the CLI uses the cluster called `default`, as the real one does.

mod args;
mod autoscaling;
mod blue_green_shape;
mod cloudwatch;
mod cloudwatch_metrics;
mod config;
mod control_plane_audit;
mod control_plane_logs;
mod deploy;
mod ebs;
mod ec2_autoscaling;
mod ec2_filters;
mod ec2_instances;
mod ec2_network;
mod ecr;
mod ecs_cluster;
mod ecs_lists;
mod ecs_operations;
mod eks;
mod eks_cluster;
mod eks_pod_identity;
pub mod elbv2;
mod guardduty;
mod guardduty_ecs;
mod guardduty_runtime;
mod iam;
mod iam_policies;
mod iam_roles;
mod jmespath;
pub(crate) mod logs;
pub mod logs_insights;
pub mod output;
mod overrides;
mod register;
pub mod run_task;
mod service_deployments;
pub mod servicediscovery;
mod shapes;
mod sts;
pub(crate) use sts::{ROLE as STS_ROLE, SESSION as STS_SESSION};
mod table;
mod volume_args;
mod wait;

pub use ecs_operations::SUPPORTED;
pub use wait::WAITERS;

use args::{Args, Param};
use ecs_operations::ECS_OPERATIONS;

use super::{After, Context, Outcome, suggest};
use crate::ecs::cluster::EcsCluster;
use crate::ecs::{DesiredStatus, InstanceStatus, TaskStatus};
use crate::scenario::spec::{Action, SchedulingStrategy};
use crate::time::SimTime;
use crate::world::World;

pub use autoscaling::SUPPORTED as AUTOSCALING_SUPPORTED;
pub use cloudwatch::SUPPORTED as CLOUDWATCH_SUPPORTED;
pub use deploy::{SUPPORTED as DEPLOY_SUPPORTED, flags as deploy_flags, reply_deployment};
pub use ec2_autoscaling::SUPPORTED as EC2_AUTOSCALING_SUPPORTED;
pub use ec2_instances::SUPPORTED as EC2_SUPPORTED;
pub use ecr::{SUPPORTED as ECR_SUPPORTED, flags as ecr_flags};
pub use eks::OPERATIONS as EKS_SUPPORTED;
pub use iam::OPERATIONS as IAM_SUPPORTED;
pub use register::reply_task_definition;
pub use shapes::{reply_container_instances, reply_service, reply_task};
pub use sts::SUPPORTED as STS_SUPPORTED;

pub(super) const USAGE: &str =
    "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]
To see help text, you can run:

  aws help
  aws <command> help
  aws <command> <subcommand> help
";

/// The services `aws` answers for.
pub const SERVICES: &[&str] = &[
    "application-autoscaling",
    "autoscaling",
    "cloudwatch",
    "configservice",
    "deploy",
    "ec2",
    "ecr",
    "ecs",
    "eks",
    "elbv2",
    "guardduty",
    "iam",
    "logs",
    "servicediscovery",
    "sts",
];

/// `aws <words…>`.
pub fn run(words: &[String], cx: &Context) -> Outcome {
    // `--query`, `--output`, `--region`, `--profile` and `--no-cli-pager` are the CLI's global
    // options: taken out first, wherever they are; the output ones apply to what it prints.
    let (words, shape) = match output::take(words, &cx.world.net.region) {
        Ok(found) => found,
        Err(e) => return Outcome::Fail(e),
    };
    let outcome = run_command(&words, cx);
    let Some(shape) = shape else {
        return outcome;
    };
    match outcome {
        Outcome::Print(printed) => match shape.apply(&printed) {
            Ok(shaped) => Outcome::Print(shaped),
            Err(e) => Outcome::Fail(e),
        },
        Outcome::Act { actions, after } => Outcome::Act {
            actions,
            after: After::Shaped {
                after: Box::new(after),
                shape: Box::new(shape),
            },
        },
        failed @ Outcome::Fail(_) => failed,
        // What keeps printing (log lines, a waiter's silence) is not JSON to shape.
        watch @ Outcome::Watch { .. } => watch,
    }
}

fn run_command(words: &[String], cx: &Context) -> Outcome {
    let Some(service) = words.first() else {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: the following arguments are required: command\n"
        ));
    };
    let rest = &words[1..];
    match service.as_str() {
        "application-autoscaling" => return autoscaling::run(rest, cx),
        "autoscaling" => return ec2_autoscaling::run(rest, cx),
        "cloudwatch" => return cloudwatch::run(rest, cx),
        "ec2" => return ec2_instances::run(rest, cx),
        "ecr" => return ecr::run(rest, cx),
        "eks" => return eks::run(rest, cx),
        "deploy" => return deploy::run(rest, cx),
        "iam" => return iam::run(rest, cx),
        "configservice" => return config::run(rest, cx),
        "guardduty" => return guardduty::run(rest, cx),
        "logs" => {
            return match rest.first().map(String::as_str) {
                Some(
                    op @ ("start-query" | "get-query-results" | "describe-queries" | "stop-query"),
                ) => logs_insights::run(op, &rest[1..], cx),
                _ => logs::run(rest, cx),
            };
        }
        "elbv2" => return elbv2::run(rest, cx),
        "servicediscovery" => return servicediscovery::run(rest, cx),
        "sts" => return sts::run(rest, cx),
        _ => {}
    }
    if service != "ecs" {
        let hint = match suggest::similar(service, SERVICES).first() {
            Some(s) => format!("\n\nDid you mean `{s}`?"),
            None => String::new(),
        };
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: argument command: Invalid choice, valid choices are:\n\n{}\n\n(Orca's console simulates these: Amazon ECS, Application Auto Scaling, EC2 Auto Scaling groups and CloudWatch alarms for ECS, ECR, EKS add-ons (metrics-server), CodeDeploy for ECS, EC2 instances, VPC, subnets and volumes, target groups, target health and load balancers in Elastic Load Balancing, IAM roles, CloudWatch Logs, AWS Config, GuardDuty, Cloud Map (service discovery) and STS (who the console acts as); the real CLI lists every AWS service here){hint}\n",
            two_columns(SERVICES)
        ));
    }
    let Some(op) = words.get(1) else {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: the following arguments are required: operation\n"
        ));
    };
    let rest = &words[2..];
    if !ECS_OPERATIONS.contains(&op.as_str()) {
        return Outcome::Fail(format!(
            "{USAGE}\naws: error: argument operation: Invalid choice, valid choices are:\n\n{}\n",
            two_columns(ECS_OPERATIONS)
        ));
    }
    let Some(ecs) = cx.world.ecs.as_ref() else {
        return Outcome::Fail(format!(
            "\nAn error occurred (ClusterNotFoundException) when calling the {} operation: Cluster not found.\n\n(This scenario has no ECS cluster: try kubectl.)\n",
            api_name(op)
        ));
    };
    let ecs_cx = EcsContext {
        ecs,
        world: cx.world,
        now: cx.now,
        log: cx.log,
        op: op.as_str(),
        scenario: cx.scenario,
    };
    match op.as_str() {
        "describe-services" => describe_services(&ecs_cx, rest),
        "describe-tasks" => describe_tasks(&ecs_cx, rest),
        "list-tasks" => list_tasks(&ecs_cx, rest),
        "list-services" => list_services(&ecs_cx, rest),
        "describe-container-instances" => describe_container_instances(&ecs_cx, rest),
        "list-container-instances" => list_container_instances(&ecs_cx, rest),
        "describe-task-definition" => describe_task_definition(&ecs_cx, rest),
        "describe-clusters" => ecs_cluster::describe_clusters(&ecs_cx, rest),
        "list-attributes" => ecs_cluster::list_attributes(&ecs_cx, rest),
        "list-clusters" => ecs_lists::list_clusters(&ecs_cx, rest),
        "describe-capacity-providers" => {
            ec2_autoscaling::describe_capacity_providers(&ecs_cx, rest)
        }
        "list-task-definitions" => ecs_lists::list_task_definitions(&ecs_cx, rest),
        "list-task-definition-families" => ecs_lists::list_task_definition_families(&ecs_cx, rest),
        "update-service" => update_service(&ecs_cx, rest),
        "run-task" => run_task::run_task(&ecs_cx, rest),
        "start-task" => run_task::start_task(&ecs_cx, rest),
        "stop-task" => stop_task(&ecs_cx, rest),
        "update-container-instances-state" => update_container_instances_state(&ecs_cx, rest),
        "register-task-definition" => register::register_task_definition(&ecs_cx, rest, cx.files),
        "create-service" => register::create_service(&ecs_cx, rest, cx.files),
        "list-service-deployments" => service_deployments::list(&ecs_cx, rest),
        "describe-service-deployments" => service_deployments::describe(&ecs_cx, rest),
        "stop-service-deployment" => service_deployments::stop(&ecs_cx, rest),
        "continue-service-deployment" => service_deployments::continue_(&ecs_cx, rest),
        "wait" => wait::run(&ecs_cx, rest),
        "help" => Outcome::Print(help()),
        other => Outcome::Fail(format!(
            "Orca does not simulate `aws ecs {other}`. The console carries out: {}.\n",
            SUPPORTED.join(", ")
        )),
    }
}

fn help() -> String {
    format!(
        "aws ecs — Orca simulates these operations:\n\n{}\n\nExample: aws ecs describe-services --cluster <name> --services <service>\n",
        SUPPORTED
            .iter()
            .map(|o| format!("  {o}"))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// The operation of `aws SERVICE OPERATION …` when Orca carries it out, else the CLI's usage
/// error listing `supported` and a note naming the service (`CloudWatch Logs`).
fn operation<'a>(
    words: &'a [String],
    supported: &[&str],
    service: &str,
) -> Result<&'a str, Outcome> {
    let Some(op) = words.first() else {
        return Err(Outcome::Fail(format!(
            "{USAGE}\naws: error: the following arguments are required: operation\n"
        )));
    };
    if !supported.contains(&op.as_str()) {
        return Err(Outcome::Fail(format!(
            "{USAGE}\naws: error: argument operation: Invalid choice, valid choices are:\n\n{}\n\n(Orca simulates these {service} operations; the real CLI lists every one here.)\n",
            two_columns(supported)
        )));
    }
    Ok(op)
}

/// Two columns as the CLI lists choices: `name<pad to 41>| name`.
fn two_columns(items: &[&str]) -> String {
    items
        .chunks(2)
        .map(|pair| match pair {
            [a, b] => format!("{a:<41}| {b}"),
            [a] => a.to_string(),
            _ => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The API operation an `aws ecs` subcommand calls: `update-service` → `UpdateService`.
/// The error the CLI prints for an API exception of operation `op` (the CLI's name, e.g.
/// `list-instances`).
fn exception(op: &str, code: &str, message: &str) -> Outcome {
    api_error(&api_name(op), code, message)
}

/// The error the CLI prints for an exception `code` of API operation `api` (`GetRole`).
pub(super) fn api_error(api: &str, code: &str, message: &str) -> Outcome {
    Outcome::Fail(format!(
        "\nAn error occurred ({code}) when calling the {api} operation: {message}\n"
    ))
}

fn api_name(op: &str) -> String {
    op.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// An ECS operation's view of the world.
struct EcsContext<'a> {
    ecs: &'a EcsCluster,
    world: &'a World,
    now: SimTime,
    log: &'a [crate::event::Event],
    op: &'a str,
    scenario: &'a crate::scenario::spec::Scenario,
}

impl EcsContext<'_> {
    /// A service exception as the CLI prints it.
    fn exception(&self, code: &str, message: &str) -> Outcome {
        exception(self.op, code, message)
    }

    /// The `--cluster` value names this cluster (by name or ARN; `default` when left out).
    fn check_cluster(&self, args: &Args) -> Result<(), Outcome> {
        let given = args.one("--cluster").unwrap_or("default");
        if given == self.ecs.name || given == self.ecs.arn {
            Ok(())
        } else {
            Err(self.exception("ClusterNotFoundException", "Cluster not found."))
        }
    }

    fn service_named(&self, given: &str) -> Option<usize> {
        self.ecs
            .services
            .iter()
            .position(|s| s.name == given || s.arn == given)
    }

    fn task_named(&self, given: &str) -> Option<usize> {
        self.ecs
            .tasks
            .iter()
            .position(|t| t.id == given || t.arn == given)
    }

    fn instance_named(&self, given: &str) -> Option<usize> {
        self.ecs.instances.iter().position(|i| {
            i.id == given || i.arn == given || i.ec2_instance_id == given || i.name == given
        })
    }

    /// `family`, `family:revision` or an ARN → the task definition (the latest revision for a
    /// family alone).
    fn task_definition_named(&self, given: &str) -> Option<usize> {
        let given = given
            .rsplit_once(":task-definition/")
            .map_or(given, |(_, r)| r);
        match given.rsplit_once(':') {
            Some((family, rev)) => {
                let rev: u32 = rev.parse().ok()?;
                self.ecs
                    .task_definitions
                    .iter()
                    .position(|t| t.family == family && t.revision == rev)
            }
            None => self
                .ecs
                .task_definitions
                .iter()
                .enumerate()
                .filter(|(_, t)| t.family == given)
                .max_by_key(|(_, t)| t.revision)
                .map(|(i, _)| i),
        }
    }
}

fn parse(cx: &EcsContext, words: &[String], params: &[Param]) -> Result<Args, Outcome> {
    let args = args::parse(words, params).map_err(Outcome::Fail)?;
    cx.check_cluster(&args)?;
    Ok(args)
}

fn describe_services(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::list("--services").required(),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for given in args.list("--services") {
        match cx.service_named(given) {
            Some(s) => found.push(s),
            None => failures.push(shapes::failure(
                &shapes::service_arn(cx.world, cx.ecs, given),
                "MISSING",
            )),
        }
    }
    Outcome::Print(shapes::describe_services(cx, &found, failures))
}

fn describe_tasks(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match parse(
        cx,
        words,
        &[Param::text("--cluster"), Param::list("--tasks").required()],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for given in args.list("--tasks") {
        match cx.task_named(given) {
            Some(t) => found.push(t),
            None => failures.push(shapes::failure(given, "MISSING")),
        }
    }
    Outcome::Print(shapes::describe_tasks(cx, &found, failures))
}

fn list_tasks(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::text("--service-name"),
            Param::text("--desired-status"),
            Param::text("--container-instance"),
            Param::text("--family"),
            Param::text("--started-by"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let want = match args.one("--desired-status").unwrap_or("RUNNING") {
        "RUNNING" => DesiredStatus::Running,
        "STOPPED" => DesiredStatus::Stopped,
        other => {
            return cx.exception(
                "InvalidParameterException",
                &format!("Invalid desired status: {other}. Valid values are RUNNING, STOPPED."),
            );
        }
    };
    let service = match args.one("--service-name") {
        Some(name) => match cx.service_named(name) {
            Some(s) => Some(s),
            None => return cx.exception("ServiceNotFoundException", "Service not found."),
        },
        None => None,
    };
    let instance = match args.one("--container-instance") {
        Some(name) => match cx.instance_named(name) {
            Some(i) => Some(i),
            None => {
                return cx.exception(
                    "InvalidParameterException",
                    "The referenced container instance was not found.",
                );
            }
        },
        None => None,
    };
    let family = args.one("--family");
    let started_by = args.one("--started-by");
    let arns: Vec<String> = cx
        .ecs
        .tasks
        .iter()
        .filter(|t| {
            // A stopped task stays listed for at least an hour (ECS Developer Guide, "Task
            // lifecycle").
            let shown = t.desired_status == want
                && t.stopped_at
                    .is_none_or(|at| cx.now.since(at) < crate::time::Millis::from_secs(3600));
            shown
                && service.is_none_or(|s| t.service.map(|x| x.0 as usize) == Some(s))
                && instance.is_none_or(
                    |i| matches!(t.host, crate::ecs::Host::Instance(x) if x.0 as usize == i),
                )
                && family.is_none_or(|f| cx.ecs.task_definition(t.task_definition).family == f)
                && started_by.is_none_or(|b| t.started_by == b)
        })
        .map(|t| t.arn.clone())
        .collect();
    Outcome::Print(shapes::pretty(&serde_json::json!({ "taskArns": arns })))
}

fn list_services(cx: &EcsContext, words: &[String]) -> Outcome {
    if let Err(o) = parse(
        cx,
        words,
        &[Param::text("--cluster"), Param::text("--launch-type")],
    ) {
        return o;
    }
    let arns: Vec<&str> = cx.ecs.services.iter().map(|s| s.arn.as_str()).collect();
    Outcome::Print(shapes::pretty(&serde_json::json!({ "serviceArns": arns })))
}

fn list_container_instances(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match parse(
        cx,
        words,
        &[Param::text("--cluster"), Param::text("--status")],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let status = args.one("--status");
    let arns: Vec<&str> = cx
        .ecs
        .instances
        .iter()
        .filter(|i| {
            i.status != InstanceStatus::Inactive
                && i.status != InstanceStatus::Registering
                && status.is_none_or(|s| s == i.status.as_str())
        })
        .map(|i| i.arn.as_str())
        .collect();
    Outcome::Print(shapes::pretty(
        &serde_json::json!({ "containerInstanceArns": arns }),
    ))
}

fn describe_container_instances(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::list("--container-instances").required(),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for given in args.list("--container-instances") {
        match cx.instance_named(given) {
            Some(i) => found.push(i),
            None => failures.push(shapes::failure(given, "MISSING")),
        }
    }
    Outcome::Print(shapes::describe_container_instances(
        cx.ecs, &found, failures,
    ))
}

fn describe_task_definition(cx: &EcsContext, words: &[String]) -> Outcome {
    // describe-task-definition takes no --cluster.
    let args = match args::parse(words, &[Param::text("--task-definition").required()]) {
        Ok(a) => a,
        Err(e) => return Outcome::Fail(e),
    };
    let given = args.one("--task-definition").unwrap_or_default();
    match cx.task_definition_named(given) {
        Some(td) => Outcome::Print(shapes::describe_task_definition(cx.world, cx.ecs, td)),
        None => cx.exception("ClientException", "Unable to describe task definition."),
    }
}

fn update_service(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::text("--service").required(),
            Param::int("--desired-count"),
            Param::text("--task-definition"),
            Param::flag("--force-new-deployment"),
            Param::text("--deployment-configuration"),
            Param::int("--health-check-grace-period-seconds"),
            Param::text("--volume-configurations"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let Some(s) = args.one("--service").and_then(|n| cx.service_named(n)) else {
        return cx.exception("ServiceNotFoundException", "");
    };
    let service = cx.ecs.services[s].name.clone();
    let volume_configurations = match args.one("--volume-configurations") {
        Some(text) => match volume_configurations(cx, s, args.one("--task-definition"), text) {
            Ok(v) => Some(v),
            Err(o) => return o,
        },
        None => None,
    };
    // A CODE_DEPLOY service's task definition changes only through CodeDeploy (observed
    // error: boto/boto3#1936, terraform-provider-aws#8005).
    let code_deploy = cx.ecs.services[s]
        .blue_green
        .as_deref()
        .is_some_and(|bg| bg.controller.is_code_deploy());
    if code_deploy && args.one("--task-definition").is_some() {
        return cx.exception(
            "InvalidParameterException",
            "Unable to update task definition on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.",
        );
    }
    if code_deploy && args.flag("--force-new-deployment") {
        return cx.exception(
            "InvalidParameterException",
            "Cannot force a new deployment on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment.",
        );
    }
    let task_definition = match args.one("--task-definition") {
        Some(given) => match cx.task_definition_named(given) {
            Some(td) => Some(cx.ecs.task_definitions[td].family_revision()),
            None => {
                return cx.exception("InvalidParameterException", "TaskDefinition not found.");
            }
        },
        None => None,
    };
    let desired_count = match args.int("--desired-count") {
        Some(Ok(n)) if (0..=5000).contains(&n) => Some(n as u32),
        // The UpdateService API takes 0 to the service quota (5,000 tasks per service).
        Some(Ok(n)) => {
            return cx.exception(
                "InvalidParameterException",
                &format!("Invalid desired count: {n}. Desired count must be between 0 and 5000."),
            );
        }
        Some(Err(e)) => return Outcome::Fail(e),
        None => None,
    };
    let config = match args.one("--deployment-configuration") {
        Some(text) => match args::deployment_configuration(text) {
            Ok(c) => c,
            Err(e) => return Outcome::Fail(e),
        },
        None => Default::default(),
    };
    if let Some(max) = config.maximum_percent
        && !(100..=200).contains(&max)
        && max != 0
    {
        // ECS accepts maximumPercent from the minimum healthy percent to 200 for REPLICA
        // services behind a rolling update (UpdateService API, DeploymentConfiguration).
        return cx.exception(
            "InvalidParameterException",
            "maximumPercent must be between 100 and 200 for a rolling update.",
        );
    }
    if let Some(min) = config.minimum_healthy_percent
        && min > 100
    {
        return cx.exception(
            "InvalidParameterException",
            "minimumHealthyPercent must be between 0 and 100.",
        );
    }
    // A DAEMON service's desired count is the number of instances that can run it, and its
    // maximumPercent must be 100 (Amazon ECS Developer Guide, "Amazon ECS services", Daemon).
    // [inferred] The exception's wording is Orca's; AWS does not document it.
    if cx.ecs.services[s].scheduling_strategy == SchedulingStrategy::Daemon {
        if desired_count.is_some() {
            return cx.exception(
                "InvalidParameterException",
                "The desired count cannot be set for a service that uses the DAEMON scheduling strategy.",
            );
        }
        if config.maximum_percent.is_some_and(|m| m != 100) {
            return cx.exception(
                "InvalidParameterException",
                "maximumPercent must be 100 for a service that uses the DAEMON scheduling strategy.",
            );
        }
    }
    let grace = match args.int("--health-check-grace-period-seconds") {
        Some(Ok(n)) if (0..=i64::from(i32::MAX)).contains(&n) => Some(n as u32),
        Some(Ok(_)) => {
            return cx.exception(
                "InvalidParameterException",
                "healthCheckGracePeriodSeconds must be between 0 and 2147483647.",
            );
        }
        Some(Err(e)) => return Outcome::Fail(e),
        None => None,
    };
    Outcome::Act {
        actions: vec![Action::UpdateService {
            service: service.to_string(),
            task_definition,
            desired_count,
            force_new_deployment: args.flag("--force-new-deployment"),
            minimum_healthy_percent: config.minimum_healthy_percent,
            maximum_percent: config.maximum_percent,
            circuit_breaker: config.circuit_breaker,
            health_check_grace_period_seconds: grace,
            volume_configurations,
        }],
        after: After::Service {
            service: service.to_string(),
        },
    }
}

/// `--volume-configurations` for service `s`: read as the CLI reads it, then checked against
/// the task definition the service will run (its volume configured at launch) and the
/// scenario's EBS rules. The API's exception texts here are Orca's [inferred]: AWS documents
/// the constraints, not the messages.
fn volume_configurations(
    cx: &EcsContext,
    s: usize,
    task_definition: Option<&str>,
    text: &str,
) -> Result<Vec<crate::scenario::spec::ServiceVolumeConfigurationSpec>, Outcome> {
    let mut configs = volume_args::volume_configurations(text).map_err(Outcome::Fail)?;
    let svc = &cx.ecs.services[s];
    let invalid = |m: &str| cx.exception("InvalidParameterException", m);
    if svc.scheduling_strategy == SchedulingStrategy::Daemon {
        return Err(invalid(
            "Volume configurations are only supported for services that use the REPLICA scheduling strategy.",
        ));
    }
    if svc.blue_green.is_some() {
        return Err(invalid(
            "Orca models EBS volumes configured at deployment for rolling updates only.",
        ));
    }
    let td = task_definition
        .and_then(|t| cx.task_definition_named(t))
        .unwrap_or(svc.task_definition.0 as usize);
    let td = &cx.ecs.task_definitions[td];
    for c in &mut configs {
        if td.configured_at_launch.as_deref() != Some(c.name.as_str()) {
            return Err(invalid(&format!(
                "The volume configuration '{}' does not match a volume configured at launch in task definition {}{}.",
                c.name,
                td.family_revision(),
                td.configured_at_launch
                    .as_deref()
                    .map(|n| format!(" (it has '{n}')"))
                    .unwrap_or_else(|| " (it has none)".to_string())
            )));
        }
        if let Some(problem) =
            crate::scenario::managed_ebs_volume_problems(&c.managed_ebs_volume).first()
        {
            // The scenario's words for the fields, in the API's spelling.
            let mut m = problem.clone();
            for (ours, api) in [
                ("managed_ebs_volume", "managedEBSVolume"),
                ("size_in_gib", "sizeInGiB"),
                ("snapshot_id", "snapshotId"),
                ("role_arn", "roleArn"),
                ("volume_type", "volumeType"),
            ] {
                m = m.replace(ours, api);
            }
            return Err(invalid(&m));
        }
        // How the application writes to its volume stays the scenario's.
        c.managed_ebs_volume.files_per_task_minute = svc
            .volume_configurations
            .iter()
            .find(|o| o.name == c.name)
            .map_or(0, |o| o.managed_ebs_volume.files_per_task_minute);
    }
    Ok(configs)
}

fn stop_task(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::text("--task").required(),
            Param::text("--reason"),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let given = args.one("--task").unwrap_or_default();
    let Some(t) = cx.task_named(given) else {
        return cx.exception(
            "InvalidParameterException",
            "The referenced task was not found.",
        );
    };
    let task = &cx.ecs.tasks[t];
    if task.last_status == TaskStatus::Stopped || task.desired_status == DesiredStatus::Stopped {
        // Stopping a task that is already stopping changes nothing; the CLI prints the task.
        return Outcome::Print(reply_task(cx.world, cx.now, &task.id));
    }
    Outcome::Act {
        actions: vec![Action::StopTaskById {
            task: task.id.to_string(),
            reason: args.one("--reason").map(str::to_string),
        }],
        after: After::Task {
            task: task.id.to_string(),
        },
    }
}

fn update_container_instances_state(cx: &EcsContext, words: &[String]) -> Outcome {
    let args = match parse(
        cx,
        words,
        &[
            Param::text("--cluster"),
            Param::list("--container-instances").required(),
            Param::text("--status").required(),
        ],
    ) {
        Ok(a) => a,
        Err(o) => return o,
    };
    let status = args.one("--status").unwrap_or_default();
    let draining = match status {
        "DRAINING" => true,
        "ACTIVE" => false,
        other => {
            return cx.exception(
                "InvalidParameterException",
                &format!(
                    "Container instance status can be updated to ACTIVE or DRAINING, not {other}."
                ),
            );
        }
    };
    let mut names = Vec::new();
    for given in args.list("--container-instances") {
        match cx.instance_named(given) {
            Some(i) => names.push(cx.ecs.instances[i].name.clone()),
            None => {
                return cx.exception(
                    "InvalidParameterException",
                    "The referenced container instance was not found.",
                );
            }
        }
    }
    // One timeline entry per instance, applied in the order given.
    let actions = names
        .iter()
        .map(|instance| {
            let instance = instance.clone();
            if draining {
                Action::DrainInstance { instance }
            } else {
                Action::ActivateInstance { instance }
            }
        })
        .collect();
    Outcome::Act {
        actions,
        after: After::ContainerInstances { instances: names },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_map_to_their_api_names_and_list_in_two_columns() {
        assert_eq!(api_name("update-service"), "UpdateService");
        assert_eq!(
            api_name("update-container-instances-state"),
            "UpdateContainerInstancesState"
        );
        assert_eq!(
            two_columns(&["create-capacity-provider", "create-cluster", "wait"]),
            "create-capacity-provider                 | create-cluster\nwait"
        );
    }
}
