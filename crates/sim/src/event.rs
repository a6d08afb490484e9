//! The event log: what happened, when, in the words AWS would use, plus a structured form that
//! quizzes match on and `orca run --json` prints.

use crate::name::Name;
use serde::Serialize;

use std::borrow::Cow;

use crate::ecs::{DesiredStatus, HealthStatus, StopCode, TaskStatus};
use crate::elb::{TargetReason, TargetState};
use crate::time::SimTime;

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: SimTime,
    pub source: Source,
    pub kind: EventKind,
    /// The message ([`Event::message`]), or what writing it needs beyond the kind.
    text: Message,
    /// The objects the event is about, for selecting and highlighting.
    pub subjects: Subjects,
    /// The rule and numbers behind a decision, when the event records one.
    pub why: Option<String>,
}

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
    Volume(String),
    Instance(String),
    /// A Kubernetes object as `kubectl get events` names it: `pod/web-7d4b9c8f6d-x2k9p`,
    /// `deployment/web`, `replicaset/web-7d4b9c8f6d`.
    Kube(String),
    /// Application Auto Scaling and its CloudWatch alarms, per service.
    AutoScaling(String),
    /// An Amazon ECR repository (pushes, deletions, lifecycle expiry, scans, Inspector
    /// findings).
    Ecr(String),
    /// A blue/green deployment of a service: CodeDeploy's lifecycle events and traffic shifts,
    /// or those of ECS's BLUE_GREEN / LINEAR / CANARY strategies, and the alarms they watch.
    Deploy(String),
    /// Timeline actions and notes of the scenario.
    Scenario,
    Quiz,
    /// A challenge's goals: met or failed.
    Goal,
    /// An AWS Config rule's evaluations.
    Config(String),
    /// GuardDuty findings.
    GuardDuty,
}

impl Event {
    /// An event as logged: the one place events are made.
    pub fn new(
        at: SimTime,
        source: Source,
        kind: EventKind,
        message: impl Into<Message>,
        subjects: impl Into<Subjects>,
        why: Option<String>,
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
        match (&self.text, &self.kind) {
            (Message::Written(text), _) => Cow::Borrowed(text),
            (
                Message::TaskState { family, desired },
                EventKind::TaskStateChanged {
                    task,
                    revision,
                    from,
                    to,
                    ..
                },
            ) => Cow::Owned(task_state_text(
                family, *revision, task, *from, *to, *desired,
            )),
            (
                Message::TargetState { family, reason },
                EventKind::TargetHealthChanged {
                    target,
                    task,
                    revision,
                    from,
                    to,
                    ..
                },
            ) => Cow::Owned(target_state_text(
                target, task, family, *revision, *from, *to, *reason,
            )),
            (
                Message::TargetRemoved { family },
                EventKind::TargetHealthChanged {
                    target,
                    task,
                    revision,
                    ..
                },
            ) => Cow::Owned(target_removed_text(target, task, family, *revision)),
            // `Event::new` checks (debug builds) that a deferred text comes with its kind.
            _ => Cow::Borrowed(""),
        }
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

/// An event's message: written when the event is logged, or, for the events a large run logs
/// by the hundred thousand (task and target state changes), the little the event's kind does
/// not hold, so that [`Event::message`] writes it only when someone reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Written(String),
    /// The text of an [`EventKind::TaskStateChanged`].
    TaskState {
        family: Name,
        desired: DesiredStatus,
    },
    /// The text of an [`EventKind::TargetHealthChanged`] that changes a registered target's
    /// state.
    TargetState {
        family: Name,
        reason: Option<TargetReason>,
    },
    /// The text of an [`EventKind::TargetHealthChanged`] that removes a target whose draining
    /// finished.
    TargetRemoved {
        family: Name,
    },
}

impl Message {
    /// Whether [`Event::message`] can write this text from an event of `kind`.
    fn fits(&self, kind: &EventKind) -> bool {
        match self {
            Message::Written(_) => true,
            Message::TaskState { .. } => matches!(kind, EventKind::TaskStateChanged { .. }),
            Message::TargetState { .. } | Message::TargetRemoved { .. } => {
                matches!(kind, EventKind::TargetHealthChanged { .. })
            }
        }
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::Written(text)
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
        s.serialize_field("subjects", &self.subjects[..])?;
        s.serialize_field("why", &self.why)?;
        s.end()
    }
}

/// The message of a task state change (`EventKind::TaskStateChanged`): its task definition
/// `family:revision`, the change, and the desired status then.
fn task_state_text(
    family: &str,
    revision: u32,
    task: &str,
    from: Option<TaskStatus>,
    to: TaskStatus,
    desired: DesiredStatus,
) -> String {
    // Written in one buffer.
    let capacity = family.len() + task.len() + 80;
    match from {
        // Only a task already running when the scenario starts is first seen RUNNING.
        None if to == TaskStatus::Running => text(
            capacity,
            format_args!(
                "{family}:{revision} task {task} already RUNNING when the scenario starts (desiredStatus {})",
                desired.as_str()
            ),
        ),
        None => text(
            capacity,
            format_args!(
                "{family}:{revision} task {task} created: lastStatus {}, desiredStatus {}",
                to.as_str(),
                desired.as_str()
            ),
        ),
        Some(f) => text(
            capacity,
            format_args!(
                "{family}:{revision} lastStatus {} → {} (desiredStatus {})",
                f.as_str(),
                to.as_str(),
                desired.as_str()
            ),
        ),
    }
}

/// The message of a registered target's state change (`EventKind::TargetHealthChanged`):
/// "registered target 10.0.1.5:8080 (task 1a2b3c4d, web:2): initial (Elb.…: …)" or
/// "target … : initial → healthy", with the reason code and description if any.
fn target_state_text(
    endpoint: &str,
    task: &str,
    family: &str,
    revision: u32,
    from: Option<TargetState>,
    to: TargetState,
    reason: Option<TargetReason>,
) -> String {
    let short = short_id(task);
    let description = reason.as_ref().map(|r| r.description());
    let reason_len = description.as_ref().map_or(0, |d| d.len() + 40);
    // Written in one buffer.
    let capacity = endpoint.len() + family.len() + reason_len + 80;
    match (from, &reason, &description) {
        (None, Some(r), Some(d)) => text(
            capacity,
            format_args!(
                "registered target {endpoint} (task {short}, {family}:{revision}): {} ({}: {d})",
                to.as_str(),
                r.code(),
            ),
        ),
        (None, _, _) => text(
            capacity,
            format_args!(
                "registered target {endpoint} (task {short}, {family}:{revision}): {}",
                to.as_str(),
            ),
        ),
        (Some(f), Some(r), Some(d)) => text(
            capacity,
            format_args!(
                "target {endpoint} (task {short}, {family}:{revision}): {} → {} ({}: {d})",
                f.as_str(),
                to.as_str(),
                r.code(),
            ),
        ),
        (Some(f), _, _) => text(
            capacity,
            format_args!(
                "target {endpoint} (task {short}, {family}:{revision}): {} → {}",
                f.as_str(),
                to.as_str()
            ),
        ),
    }
}

/// The first 8 characters of a task id, as target messages name a task.
fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// The message of a target removed once its draining finished.
fn target_removed_text(endpoint: &str, task: &str, family: &str, revision: u32) -> String {
    text(
        endpoint.len() + family.len() + 70,
        format_args!(
            "target {endpoint} (task {}, {family}:{revision}): draining finished, deregistered",
            short_id(task)
        ),
    )
}

/// `format_args!` written into one buffer of `capacity` bytes: the event and explanation text
/// of hot paths (thousands per simulated minute) is built with one allocation instead of the
/// several a `format!` whose capacity guess is too small grows through. Give a capacity at
/// least the text's length (the literal parts plus the arguments' lengths) so nothing grows.
pub fn text(capacity: usize, args: std::fmt::Arguments<'_>) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(capacity);
    // Writing into a String cannot fail.
    let _ = out.write_fmt(args);
    out
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
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Service(n) => write!(f, "service {n}"),
            Source::TargetGroup(n) => write!(f, "target-group {n}"),
            Source::Task(id) => write!(f, "task {}", &id[..8.min(id.len())]),
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
        }
    }
}

/// An object an event names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Subject {
    Service(Name),
    /// A task by its 32-digit id.
    Task(Name),
    /// A container instance by its scenario name.
    Instance(String),
    TargetGroup(Name),
    Zone(String),
    /// A Kubernetes pod by name.
    Pod(String),
    /// A Kubernetes node by name.
    Node(String),
    /// A Kubernetes Deployment by name.
    Deployment(String),
}

/// The subjects of an event, a slice to read (`Deref`). Nearly every event names one to three
/// objects; those are kept inside the event, so logging one allocates nothing for them (a
/// large run logs hundreds of thousands of events). Build it from an array or a `Vec`.
#[derive(Clone)]
pub struct Subjects(Few);

/// Up to three inline; `Many` holds four or more.
#[derive(Clone)]
enum Few {
    Zero,
    One([Subject; 1]),
    Two([Subject; 2]),
    Three([Subject; 3]),
    Many(Vec<Subject>),
}

impl Subjects {
    pub const fn new() -> Subjects {
        Subjects(Few::Zero)
    }
}

impl Default for Subjects {
    fn default() -> Subjects {
        Subjects::new()
    }
}

impl std::ops::Deref for Subjects {
    type Target = [Subject];
    fn deref(&self) -> &[Subject] {
        match &self.0 {
            Few::Zero => &[],
            Few::One(s) => s,
            Few::Two(s) => s,
            Few::Three(s) => s,
            Few::Many(s) => s,
        }
    }
}

impl PartialEq for Subjects {
    fn eq(&self, other: &Subjects) -> bool {
        self[..] == other[..]
    }
}

impl std::fmt::Debug for Subjects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl From<Vec<Subject>> for Subjects {
    fn from(v: Vec<Subject>) -> Subjects {
        let v = match <[Subject; 1]>::try_from(v) {
            Ok(a) => return a.into(),
            Err(v) => v,
        };
        let v = match <[Subject; 2]>::try_from(v) {
            Ok(a) => return a.into(),
            Err(v) => v,
        };
        let v = match <[Subject; 3]>::try_from(v) {
            Ok(a) => return a.into(),
            Err(v) => v,
        };
        if v.is_empty() {
            Subjects::new()
        } else {
            Subjects(Few::Many(v))
        }
    }
}

impl From<[Subject; 0]> for Subjects {
    fn from(_: [Subject; 0]) -> Subjects {
        Subjects::new()
    }
}

impl From<[Subject; 1]> for Subjects {
    fn from(a: [Subject; 1]) -> Subjects {
        Subjects(Few::One(a))
    }
}

impl From<[Subject; 2]> for Subjects {
    fn from(a: [Subject; 2]) -> Subjects {
        Subjects(Few::Two(a))
    }
}

impl From<[Subject; 3]> for Subjects {
    fn from(a: [Subject; 3]) -> Subjects {
        Subjects(Few::Three(a))
    }
}

impl From<Subjects> for Vec<Subject> {
    fn from(s: Subjects) -> Vec<Subject> {
        match s.0 {
            Few::Zero => Vec::new(),
            Few::One(a) => a.into(),
            Few::Two(a) => a.into(),
            Few::Three(a) => a.into(),
            Few::Many(v) => v,
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
        reason: String,
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
        to_deployment: String,
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
        reason: String,
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
        container: String,
        exit_code: i32,
        restart_count: u32,
    },
    /// A container of a task changed state on its own schedule: it started after its
    /// dependencies (`dependsOn`) were met, exited while its task goes on, or gave up waiting.
    ContainerStateChanged {
        task: Name,
        service: Option<Name>,
        revision: u32,
        container: String,
        to: crate::ecs::ContainerStatus,
        exit_code: Option<i32>,
        essential: bool,
    },
    TargetHealthChanged {
        target_group: Name,
        target: String,
        task: Name,
        service: Option<Name>,
        revision: u32,
        from: Option<TargetState>,
        to: TargetState,
    },
    InstanceStateChanged {
        instance: String,
        status: String,
    },
    ZoneChanged {
        zone: String,
        outage: bool,
    },
    // --- blue/green deployments (CodeDeploy, ECS BLUE_GREEN / LINEAR / CANARY)
    /// A task set's computed desired count or stability changed (a service event).
    TaskSetUpdated {
        service: Name,
        task_set: String,
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
        stage: String,
        status: String,
    },
    /// A blue/green deployment was created or changed status.
    BlueGreenDeployment {
        service: Name,
        deployment: Name,
        status: String,
    },
    // --- scenario
    ActionApplied {
        description: String,
    },
    Note {
        text: String,
    },
    QuizAsked {
        quiz: String,
        predict: bool,
    },
    /// A challenge goal (index into the scenario's `goals`) is met.
    GoalMet {
        goal: u32,
    },
    /// A challenge goal failed, and why.
    GoalFailed {
        goal: u32,
        reason: String,
    },
    /// The run reached the most events one run keeps and stopped.
    RunStopped {
        events: usize,
    },
    // --- Application Auto Scaling
    AlarmStateChanged {
        service: Name,
        alarm: String,
        state: String,
    },
    ScalingActivity {
        service: Name,
        desired: u32,
        scale_out: bool,
    },
    // --- EC2 Auto Scaling groups behind ECS capacity providers
    CapacityAlarmStateChanged {
        group: String,
        alarm: String,
        state: String,
    },
    InstanceLaunched {
        group: String,
        instance: String,
        desired: u32,
    },
    InstanceTerminating {
        group: String,
        instance: String,
        desired: u32,
    },
    InstanceLaunchFailed {
        group: String,
        desired: u32,
    },
    SpotInstanceInterruptionWarning {
        instance: String,
    },
    // --- Amazon ECR
    /// Something happened to an image of a repository: `what` is `PUSH`, `PUSH_REFUSED`,
    /// `DELETE`, `EXPIRE`, `SCAN` or `FINDING`.
    Ecr {
        repository: String,
        image_digest: String,
        what: String,
    },
    // --- Kubernetes (kubectl get events)
    Kube {
        warning: bool,
        reason: String,
        object: String,
    },
    /// A Kubernetes object's status condition changed (`kubectl describe` lists conditions;
    /// they are not events): a Deployment's `Progressing` turning False with
    /// `ProgressDeadlineExceeded`, or True again.
    KubeCondition {
        object: String,
        condition: String,
        status: bool,
        reason: String,
    },
    // --- IAM
    /// The application of a task or pod made an AWS call, allowed or denied (logged when the
    /// credentials or the verdict change).
    AwsCall {
        /// The task id or pod name.
        workload: String,
        action: String,
        resource: String,
        /// The role whose session made it (none: no credentials).
        role: Option<String>,
        allowed: bool,
    },
    /// The EBS volume ECS manages for a task was created, attached, failed or deleted
    /// (`status`: `CREATED`, `ATTACHED`, `FAILED`, `DELETED`).
    EbsVolume {
        task: Name,
        service: Option<Name>,
        volume: String,
        status: String,
    },
    /// An AWS Config rule's verdict on a resource is new or changed.
    ConfigEvaluation {
        rule: String,
        /// `family:revision`.
        resource: String,
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
            | SteadyState { service } => Some(service),
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
