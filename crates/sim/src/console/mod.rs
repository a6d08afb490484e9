//! The console: a realistic subset of the AWS CLI (`aws ecs …`) and of `kubectl`, carried out
//! against the simulated world. The same language drives the app's console panel, the canvas
//! actions (which echo their command) and `orca run --commands`.
//!
//! A command either reads the world and prints what the real tool prints for this moment, or
//! acts: it becomes an [`Action`] the playback adds to the run's timeline at the current moment
//! (see [`crate::engine::Playback::intervene`]), and the tool's reply is printed once the
//! action has taken effect. Wrong input gets the real tools' answers: usage errors, "did you
//! mean", service exceptions, `NotFound`.
//!
//! Pure: no I/O. A command that names a file (`file://…`, `-f FILE`) gets its text through
//! [`Context::files`].

pub mod aws;
pub mod commands;
pub mod complete;
mod dig;
pub mod json;
pub mod kubectl;
pub mod orca;
pub mod script;
pub mod suggest;
pub mod watch;
pub mod words;

pub use aws::logs_insights::QueryBook;

use crate::event::Event;
use crate::scenario::spec::{Action, Scenario};
use crate::time::SimTime;
use crate::world::World;

/// What a command sees: the world at this moment, the scenario, the log so far, and a way to
/// read the files it names.
pub struct Context<'a> {
    pub world: &'a World,
    pub scenario: &'a Scenario,
    pub now: SimTime,
    /// Every event up to now, oldest first.
    pub log: &'a [Event],
    pub files: &'a dyn Fn(&str) -> Result<String, String>,
    /// The Logs Insights queries of the console session (`aws logs start-query`), when the
    /// caller keeps a session.
    pub queries: Option<&'a QueryBook>,
}

impl<'a> Context<'a> {
    /// What a command sees at the playback's moment.
    pub fn at(
        playback: &'a crate::engine::Playback,
        files: &'a dyn Fn(&str) -> Result<String, String>,
    ) -> Context<'a> {
        Context {
            world: playback.world(),
            scenario: playback.scenario(),
            now: playback.now(),
            log: playback.log(),
            files,
            queries: None,
        }
    }

    /// The same context, with the console session's Logs Insights queries.
    pub fn with_queries(self, queries: &'a QueryBook) -> Context<'a> {
        Context {
            queries: Some(queries),
            ..self
        }
    }
}

/// What a command did.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The command changes the run: do `actions` now, in order, then print [`reply`] of
    /// `after`.
    Act { actions: Vec<Action>, after: After },
    /// The command reads: this is what the tool prints.
    Print(String),
    /// The tool refuses: its error output (it exits non-zero).
    Fail(String),
    /// The command goes on printing while the run plays (`kubectl get -w`, `rollout status`,
    /// `aws logs tail --follow`, `aws ecs wait`): `first` now, then what [`watch::Watch::poll`]
    /// gives, until it ends or is stopped.
    Watch {
        first: String,
        watch: Box<watch::Watch>,
    },
}

/// What an acting command prints once its action has taken effect.
#[derive(Debug, Clone, PartialEq)]
pub enum After {
    /// Fixed text (`deployment.apps/web scaled`).
    Text(String),
    /// `{"service": …}` as `update-service` returns it.
    Service { service: String },
    /// `{"task": …}` as `stop-task` returns it.
    Task { task: String },
    /// `{"containerInstances": …, "failures": []}` as `update-container-instances-state`
    /// returns it.
    ContainerInstances { instances: Vec<String> },
    /// `{"taskDefinition": …}` as `register-task-definition` returns it, then the fields Orca
    /// ignored.
    TaskDefinition {
        family: String,
        revision: u32,
        warnings: Vec<String>,
    },
    /// What `kubectl drain` printed at once (cordon, evictions, refusals); it prints the rest
    /// as it happens, into the log.
    Drain { node: String },
    /// `{"tasks": …, "failures": …}` as `run-task` returns it: the standalone tasks created
    /// after the task list had `before` tasks.
    RunTask { before: usize },
    /// `start-task`: as `RunTask`, with the container instances the command named that the
    /// cluster does not have (the API's `MISSING` failures).
    StartTask { before: usize, missing: Vec<String> },
    /// `{"deploymentId": …}` as `aws deploy create-deployment` returns it (the service's
    /// newest deployment).
    Deployment { service: String },
    /// What `after` prints, through the AWS CLI's `--query` and `--output` options.
    Shaped {
        after: Box<After>,
        shape: Box<aws::output::Shape>,
    },
}

const HELP: &str = "The console carries out, against the run at this moment:
  aws ecs describe-services|describe-tasks|list-tasks|list-services|describe-container-instances|
          list-container-instances|describe-task-definition|list-task-definitions|list-clusters|
          list-task-definition-families|list-attributes --target-type container-instance
  aws ecs describe-clusters [--include STATISTICS SETTINGS ATTACHMENTS TAGS]
  aws ecs update-service|run-task|stop-task|update-container-instances-state
  aws ecs register-task-definition|create-service --cli-input-json file://FILE
  aws …  --query JMESPATH  --output json|text|table|yaml   (the CLI's global options)
  aws deploy get-deployment|get-deployment-target|list-deployments|create-deployment
  aws ec2 describe-instances [--instance-ids ID…] [--filters Name=…,Values=…]|describe-vpcs|
          describe-subnets|describe-volumes|terminate-instances --instance-ids ID
  aws sts get-caller-identity   (who the console acts as: the scenario's account and role)
  aws application-autoscaling describe-scalable-targets|describe-scaling-policies|
          describe-scaling-activities --service-namespace ecs
  aws autoscaling describe-auto-scaling-groups|describe-scaling-activities   (EC2 Auto Scaling)
  aws ecs describe-capacity-providers
  aws cloudwatch describe-alarms|describe-alarm-history|list-metrics|get-metric-statistics
  aws elbv2 describe-target-health --target-group-arn ARN | describe-target-groups|
          describe-load-balancers
  aws ecr describe-repositories|describe-images|list-images|describe-image-scan-findings|
          get-lifecycle-policy|get-lifecycle-policy-preview|get-registry-scanning-configuration|
          put-image|batch-delete-image|start-image-scan
  aws logs describe-log-groups|describe-log-streams|get-log-events|filter-log-events|tail GROUP
  aws logs start-query --log-group-name G --start-time EPOCH --end-time EPOCH --query-string Q
          | get-query-results --query-id ID | describe-queries   (Logs Insights: fields, filter,
          stats … by bin(5m), sort, limit, parse, dedup; Tab offers the run's start and now)
  aws servicediscovery list-namespaces|list-services|get-service|list-instances|
          get-instances-health-status|discover-instances|update-instance-custom-health-status
  dig [+short] NAME [A|SRV]   (Route 53's answer for a Cloud Map name; CoreDNS's for
                              SERVICE.NAMESPACE.svc.cluster.local)
  kubectl get|describe|top|logs|rollout status|rollout history [--revision=N]   (-n NAMESPACE, -A)
  kubectl rollout status deployment/NAME [--watch=false] [--timeout=90s]
  kubectl get events [-A] [--sort-by=.metadata.creationTimestamp] [-o yaml|json|…]
  kubectl get|describe serviceaccounts [NAME]   (IRSA's role in Annotations)
  kubectl annotate serviceaccount NAME eks.amazonaws.com/role-arn=ARN [--overwrite] | …/role-arn-
  kubectl get all|pods,svc|namespaces|endpoints …  --show-labels
  kubectl get … -o wide|yaml|json|name|jsonpath=T|custom-columns=H:P,…  --sort-by=P  --field-selector=K=V
  kubectl version | config current-context|get-contexts|view | cluster-info | api-resources
  kubectl logs POD|deploy/NAME|-l SELECTOR [--tail=N] [--prefix] [-p] [-c CONTAINER]
  kubectl scale|set image|rollout undo|restart|pause|resume|cordon|uncordon|drain
  kubectl delete pod NAME…|-l SELECTOR|--all [--dry-run=client|server]
  kubectl set resources deployment/NAME --requests=cpu=250m[,memory=256Mi]
  aws eks create-addon|describe-addon --cluster-name NAME --addon-name metrics-server
  aws eks list-pod-identity-associations|describe-pod-identity-association|
          create-pod-identity-association|delete-pod-identity-association
          --cluster-name NAME …   (EKS Pod Identity)
  aws eks describe-cluster|update-kubeconfig --name NAME | list-clusters
  aws eks update-cluster-config --name NAME --logging '{\"clusterLogging\":[{\"types\":[\"audit\"],\"enabled\":true}]}'
  aws iam get-role|get-role-policy|list-role-policies|list-attached-role-policies --role-name NAME
          | list-roles | list-open-id-connect-providers
  aws iam put-role-policy|update-assume-role-policy --role-name NAME --policy-document file://FILE
          (or the JSON itself, in single quotes)
  kubectl apply -f FILE [--dry-run=client]   (Deployment, Service, HorizontalPodAutoscaler,
                                              PodDisruptionBudget)
  orca zone-outage|zone-recover|fail-health-checks|crash|heal|set-load   (orca help)
Acting commands change the run from this moment on; Ctrl+Z undoes the last one.
get -w, rollout status, logs -f, aws logs tail --follow and aws ecs wait keep printing while
the run plays, until Ctrl+C or the next command.
";

/// Carry out one command line.
pub fn execute(line: &str, cx: &Context) -> Outcome {
    let words = match words::split(line) {
        Ok(w) => w,
        Err(e) => return Outcome::Fail(format!("orca: {e}")),
    };
    match execute_words(&words, cx) {
        Outcome::Watch { first, watch } => Outcome::Watch {
            first,
            watch: watch.started(&words, cx.now),
        },
        other => other,
    }
}

/// Carry out a command line already split into words.
fn execute_words(words: &[String], cx: &Context) -> Outcome {
    let Some(tool) = words.first() else {
        return Outcome::Print(String::new());
    };
    match tool.as_str() {
        "aws" => aws::run(&words[1..], cx),
        "kubectl" | "k" => kubectl::run(&words[1..], cx),
        "orca" => orca::run(&words[1..], cx),
        "dig" => dig::run(&words[1..], cx),
        "help" => Outcome::Print(HELP.into()),
        _ => {
            let known = ["aws", "kubectl", "orca", "dig", "help"];
            let hint = match suggest::similar(tool, &known).first() {
                Some(s) => format!(" Did you mean `{s}`?"),
                None => String::new(),
            };
            Outcome::Fail(format!(
                "orca: command not found: {tool}.{hint} The console runs `aws ecs …`, `aws ec2 terminate-instances`, `kubectl …`, `dig …` and `orca …` (type help)."
            ))
        }
    }
}

/// What an acting command prints after its action took effect, from the world as it is then
/// and the log up to then.
pub fn reply(after: &After, world: &World, log: &[Event], now: SimTime) -> String {
    match after {
        After::Text(t) => t.clone(),
        After::Service { service } => aws::reply_service(world, log, service),
        After::Task { task } => aws::reply_task(world, now, task),
        After::RunTask { before } => aws::run_task::reply(world, now, *before),
        After::StartTask { before, missing } => {
            aws::run_task::reply_start(world, now, *before, missing)
        }
        After::ContainerInstances { instances } => aws::reply_container_instances(world, instances),
        After::TaskDefinition {
            family,
            revision,
            warnings,
        } => aws::reply_task_definition(world, family, *revision, warnings),
        After::Drain { node } => world
            .eks
            .as_ref()
            .and_then(|c| crate::k8s::drain::first_output(c, node, now))
            .unwrap_or_default(),
        After::Deployment { service } => world
            .ecs
            .as_ref()
            .map(|ecs| aws::reply_deployment(ecs, service))
            .unwrap_or_default(),
        // A query that fails on the reply prints its error where the reply would be.
        After::Shaped { after, shape } => shape
            .apply(&reply(after, world, log, now))
            .unwrap_or_else(|e| e),
    }
}
