//! The event log: what happened, when, in the words AWS would use, plus a structured form that
//! quizzes match on and `orca run --json` prints.

mod message;
mod subjects;

use crate::name::Name;
use serde::Serialize;

use std::borrow::Cow;

use crate::ecs::{HealthStatus, StopCode, TaskStatus};
use crate::elb::TargetState;
use crate::time::SimTime;

pub use crate::text::text;
pub use message::Message;
pub use subjects::{Subject, Subjects};

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: SimTime,
    pub source: Source,
    pub kind: EventKind,
    /// The message ([`Event::message`]), or what writing it needs beyond the kind.
    text: Message,
    /// The objects the event is about, for selecting and highlighting.
    pub subjects: Subjects,
    /// The rule and numbers behind a decision, when the event records one (shared and one
    /// pointer wide: most events have none, and every byte here is a byte of every event).
    pub why: Option<Name>,
}

// A large run logs 160,000 events (`benches/simulate.rs`): every byte here is 160 kB of log.
// Names are one pointer, and every text field of a kind is a `Name`, so the widest kinds are
// 48 bytes; a written message and a why are `Name`s too (16 and 8 bytes, were 24 each), and
// the subjects are packed names and one-byte kinds (32 bytes, were 48).
const _: () = assert!(std::mem::size_of::<Event>() <= 128);

/// Who reports the event: the log's filterable source column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Source {
    /// `describe-services` events of a service.
    Service(Name),
    /// Target health changes (`describe-target-health`).
    TargetGroup(Name),
    /// Task state changes (as EventBridge "ECS Task State Change" reports them).
    Task(Name),
    /// An Amazon EBS volume ECS manages for a task, by volume id: created, attached, deleted
    /// (Amazon EC2 reports these as "EBS Volume Notification" events; the volume's own row,
    /// not the task's, so the filter shows them without every task state change).
    Volume(Name),
    Instance(Name),
    /// A Kubernetes object as `kubectl get events` names it: `pod/web-7d4b9c8f6d-x2k9p`,
    /// `deployment/web`, `replicaset/web-7d4b9c8f6d`.
    Kube(Name),
    /// Application Auto Scaling and its CloudWatch alarms, per service.
    AutoScaling(Name),
    /// An Amazon ECR repository (pushes, deletions, lifecycle expiry, scans, Inspector
    /// findings).
    Ecr(Name),
    /// A blue/green deployment of a service: CodeDeploy's lifecycle events and traffic shifts,
    /// or those of ECS's BLUE_GREEN / LINEAR / CANARY strategies, and the alarms they watch.
    Deploy(Name),
    /// Timeline actions and notes of the scenario.
    Scenario,
    Quiz,
    /// A challenge's goals: met or failed.
    Goal,
    /// An AWS Config rule's evaluations.
    Config(Name),
    /// GuardDuty findings.
    GuardDuty,
    /// A Cloud Map service of ECS service discovery, by its DNS name (`api.shop.local`):
    /// instances registered, their health, deregistered.
    CloudMap(Name),
}

impl Event {
    /// An event as logged: the one place events are made.
    pub fn new(
        at: SimTime,
        source: Source,
        kind: EventKind,
        message: impl Into<Message>,
        subjects: impl Into<Subjects>,
        why: Option<Name>,
    ) -> Event {
        let text = message.into();
        debug_assert!(
            text.fits(&kind),
            "a deferred text logged with a kind it cannot be written from: {kind:?}"
        );
        Event {
            at,
            source,
            kind,
            text,
            subjects: subjects.into(),
            why,
        }
    }

    /// The message as the real system prints it (`describe-services` wording for service
    /// events); Orca's own wording where AWS shows no message. The messages of task and target
    /// state changes, most of a large run's events, are written here when read, not when
    /// logged ([`Message`]).
    pub fn message(&self) -> Cow<'_, str> {
        self.text.write(&self.kind)
    }

    /// The line `orca run` prints: `[mm:ss] source  message`.
    pub fn log_line(&self) -> String {
        format!(
            "[{}] {:<24} {}",
            self.at,
            self.source.to_string(),
            self.message()
        )
    }
}

/// The fields of the derived form, the message written out.
impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Event", 6)?;
        s.serialize_field("at", &self.at)?;
        s.serialize_field("source", &self.source)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("message", &self.message())?;
        s.serialize_field("subjects", &self.subjects)?;
        s.serialize_field("why", &self.why)?;
        s.end()
    }
}

impl Source {
    /// Short category used by filters: `service`, `target-group`, `task`, ...
    pub fn category(&self) -> &'static str {
        match self {
            Source::Service(_) => "service",
            Source::TargetGroup(_) => "target-group",
            Source::Task(_) => "task",
            Source::Volume(_) => "volume",
            Source::Instance(_) => "instance",
            Source::Kube(object) => match object.split('/').next() {
                Some("pod") => "pod",
                Some("replicaset") => "replicaset",
                Some("node" | "nodeclaim" | "nodepool") => "node",
                _ => "deployment",
            },
            Source::AutoScaling(_) => "autoscaling",
            Source::Ecr(_) => "registry",
            Source::Deploy(_) => "deploy",
            Source::Scenario => "scenario",
            Source::Quiz => "quiz",
            Source::Goal => "goal",
            Source::Config(_) => "config",
            Source::GuardDuty => "guardduty",
            Source::CloudMap(_) => "cloud-map",
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Service(n) => write!(f, "service {n}"),
            Source::TargetGroup(n) => write!(f, "target-group {n}"),
            Source::Task(id) => write!(f, "task {}", crate::ecs::short_task_id(id)),
            // `vol-` and the first 8 of its 17 hex digits, as a task shows 8 of its 32: the
            // message names the whole id.
            Source::Volume(id) => write!(f, "volume {}", &id[..12.min(id.len())]),
            Source::Instance(n) => write!(f, "instance {n}"),
            Source::Kube(object) => f.write_str(object),
            Source::AutoScaling(n) => write!(f, "autoscaling {n}"),
            Source::Ecr(n) => write!(f, "ecr {n}"),
            Source::Deploy(n) => write!(f, "deploy {n}"),
            Source::Scenario => f.write_str("scenario"),
            Source::Quiz => f.write_str("quiz"),
            Source::Goal => f.write_str("goal"),
            Source::Config(rule) => write!(f, "config {rule}"),
            Source::GuardDuty => f.write_str("guardduty"),
            Source::CloudMap(n) => write!(f, "cloud-map {n}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HealthCheckKind {
    Container,
    LoadBalancer,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type")]
pub enum EventKind {
    // --- service events (describe-services)
    TasksStarted {
        service: Name,
        deployment: Name,
        revision: u32,
        tasks: Vec<Name>,
        replaced_unhealthy: u32,
    },
    TasksStopped {
        service: Name,
        tasks: Vec<Name>,
        /// The tasks had reached RUNNING ("has stopped N running tasks").
        running: bool,
    },
    TargetsRegistered {
        service: Name,
        target_group: Name,
        count: u32,
    },
    TargetsDeregistered {
        service: Name,
        target_group: Name,
        count: u32,
    },
    DrainingBegun {
        service: Name,
        deployment: Name,
        count: u32,
    },
    TaskUnhealthy {
        service: Name,
        task: Name,
        revision: u32,
        check: HealthCheckKind,
    },
    UnableToPlace {
        service: Name,
        reason: Name,
    },
    DeploymentStuck {
        service: Name,
    },
    Throttled {
        service: Name,
    },
    DeploymentCompleted {
        service: Name,
        deployment: Name,
        revision: u32,
    },
    DeploymentFailed {
        service: Name,
        deployment: Name,
        revision: u32,
    },
    RollingBack {
        service: Name,
        to_deployment: Name,
        revision: u32,
    },
    SteadyState {
        service: Name,
    },
    // --- task and target state
    TaskStateChanged {
        task: Name,
        service: Option<Name>,
        revision: u32,
        from: Option<TaskStatus>,
        to: TaskStatus,
    },
    TaskStopRequested {
        task: Name,
        service: Option<Name>,
        revision: u32,
        stop_code: StopCode,
        reason: Name,
        /// The task had reached RUNNING.
        was_running: bool,
    },
    TaskHealthChanged {
        task: Name,
        service: Option<Name>,
        revision: u32,
        health: HealthStatus,
    },
    /// The agent restarted an exited container inside its task (container restart policy).
    ContainerRestarted {
        task: Name,
        service: Option<Name>,
        revision: u32,
        container: Name,
        exit_code: i32,
        restart_count: u32,
    },
    /// A container of a task changed state on its own schedule: it started after its
    /// dependencies (`dependsOn`) were met, exited while its task goes on, or gave up waiting.
    ContainerStateChanged {
        task: Name,
        service: Option<Name>,
        revision: u32,
        container: Name,
        to: crate::ecs::ContainerStatus,
        exit_code: Option<i32>,
        essential: bool,
    },
    TargetHealthChanged {
        target_group: Name,
        target: Name,
        task: Name,
        service: Option<Name>,
        revision: u32,
        from: Option<TargetState>,
        to: TargetState,
    },
    InstanceStateChanged {
        instance: Name,
        status: Name,
    },
    ZoneChanged {
        zone: Name,
        outage: bool,
    },
    // --- blue/green deployments (CodeDeploy, ECS BLUE_GREEN / LINEAR / CANARY)
    /// A task set's computed desired count or stability changed (a service event).
    TaskSetUpdated {
        service: Name,
        task_set: Name,
    },
    /// A listener's weights changed: the replacement now gets `replacement_percent`.
    TrafficShifted {
        service: Name,
        deployment: Name,
        listener: u16,
        replacement_percent: f64,
    },
    /// A lifecycle event (CodeDeploy) or stage (ECS) of a deployment changed status.
    LifecycleEvent {
        service: Name,
        deployment: Name,
        stage: Name,
        status: Name,
    },
    /// A blue/green deployment was created or changed status.
    BlueGreenDeployment {
        service: Name,
        deployment: Name,
        status: Name,
    },
    // --- scenario
    ActionApplied {
        description: Name,
    },
    Note {
        text: Name,
    },
    QuizAsked {
        quiz: Name,
        predict: bool,
    },
    /// A challenge goal (index into the scenario's `goals`) is met.
    GoalMet {
        goal: u32,
    },
    /// A challenge goal failed, and why.
    GoalFailed {
        goal: u32,
        reason: Name,
    },
    /// The run reached the most events one run keeps and stopped.
    RunStopped {
        events: usize,
    },
    // --- Application Auto Scaling
    AlarmStateChanged {
        service: Name,
        alarm: Name,
        state: Name,
    },
    ScalingActivity {
        service: Name,
        desired: u32,
        scale_out: bool,
    },
    // --- EC2 Auto Scaling groups behind ECS capacity providers
    CapacityAlarmStateChanged {
        group: Name,
        alarm: Name,
        state: Name,
    },
    InstanceLaunched {
        group: Name,
        instance: Name,
        desired: u32,
    },
    InstanceTerminating {
        group: Name,
        instance: Name,
        desired: u32,
    },
    InstanceLaunchFailed {
        group: Name,
        desired: u32,
    },
    SpotInstanceInterruptionWarning {
        instance: Name,
    },
    // --- Amazon ECR
    /// Something happened to an image of a repository: `what` is `PUSH`, `PUSH_REFUSED`,
    /// `DELETE`, `EXPIRE`, `SCAN` or `FINDING`.
    Ecr {
        repository: Name,
        image_digest: Name,
        what: Name,
    },
    // --- Kubernetes (kubectl get events)
    Kube {
        warning: bool,
        reason: Name,
        object: Name,
        /// The part of the object the event is about (`involvedObject.fieldPath`, the wide
        /// table's SUBOBJECT): the kubelet names the container of a container's events,
        /// `spec.containers{app}` or `spec.initContainers{init}` (`k8s::events::container_ref`).
        #[serde(skip_serializing_if = "Option::is_none")]
        field_path: Option<Name>,
    },
    /// A Kubernetes object's status condition changed (`kubectl describe` lists conditions;
    /// they are not events): a Deployment's `Progressing` turning False with
    /// `ProgressDeadlineExceeded`, or True again.
    KubeCondition {
        object: Name,
        condition: Name,
        status: bool,
        reason: Name,
    },
    // --- IAM
    /// The application of a task or pod made an AWS call, allowed or denied (logged when the
    /// credentials or the verdict change).
    AwsCall {
        /// The task id or pod name.
        workload: Name,
        action: Name,
        resource: Name,
        /// The role whose session made it (none: no credentials).
        role: Option<Name>,
        allowed: bool,
    },
    /// The EBS volume ECS manages for a task was created, attached, failed or deleted
    /// (`status`: `CREATED`, `ATTACHED`, `FAILED`, `DELETED`).
    EbsVolume {
        task: Name,
        service: Option<Name>,
        volume: Name,
        status: Name,
    },
    /// ECS registered a task of `service` as an instance of Cloud Map service `registry` (its
    /// DNS name), with this health.
    CloudMapRegistered {
        service: Name,
        registry: Name,
        task: Name,
        health: crate::ecs::cloud_map::InstanceHealth,
    },
    /// Cloud Map applied a health status ECS reported for a task's instance.
    CloudMapHealthChanged {
        service: Name,
        registry: Name,
        task: Name,
        health: crate::ecs::cloud_map::InstanceHealth,
    },
    /// ECS deregistered a stopping task's instance.
    CloudMapDeregistered {
        service: Name,
        registry: Name,
        task: Name,
    },
    /// An AWS Config rule's verdict on a resource is new or changed.
    ConfigEvaluation {
        rule: Name,
        /// `family:revision`.
        resource: Name,
        compliant: bool,
    },
}

impl EventKind {
    /// The service the event belongs to, if any.
    pub fn service(&self) -> Option<&str> {
        use EventKind::*;
        match self {
            TasksStarted { service, .. }
            | TasksStopped { service, .. }
            | TargetsRegistered { service, .. }
            | TargetsDeregistered { service, .. }
            | DrainingBegun { service, .. }
            | TaskUnhealthy { service, .. }
            | UnableToPlace { service, .. }
            | DeploymentStuck { service }
            | Throttled { service }
            | DeploymentCompleted { service, .. }
            | DeploymentFailed { service, .. }
            | RollingBack { service, .. }
            | SteadyState { service }
            | CloudMapRegistered { service, .. }
            | CloudMapHealthChanged { service, .. }
            | CloudMapDeregistered { service, .. } => Some(service),
            AlarmStateChanged { service, .. } | ScalingActivity { service, .. } => Some(service),
            TaskStateChanged { service, .. }
            | TaskStopRequested { service, .. }
            | TaskHealthChanged { service, .. }
            | ContainerRestarted { service, .. }
            | TargetHealthChanged { service, .. }
            | EbsVolume { service, .. } => service.as_deref(),
            _ => None,
        }
    }
}
