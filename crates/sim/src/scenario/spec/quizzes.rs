//! Quizzes: questions asked at a moment or when a condition first holds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The topics a quiz can be tagged with (`topic: "scaling"`), with the name the progress view
/// shows. A fixed list, so progress adds up across scenarios written by different people.
pub const TOPICS: &[(&str, &str)] = &[
    ("deployments", "Deployments and rollouts"),
    ("health-checks", "Health checks and probes"),
    ("load-balancing", "Load balancing"),
    ("scaling", "Auto scaling"),
    ("capacity", "Capacity and nodes"),
    ("scheduling", "Scheduling and placement"),
    ("storage", "Storage"),
    ("iam", "IAM"),
    ("registry", "Images and registries"),
    ("security", "Security"),
    ("observability", "Observability"),
];

/// What the progress view calls quizzes without a topic.
pub const NO_TOPIC: &str = "Other";

/// The progress view's name for a topic tag (`NO_TOPIC` for none or an unknown one).
pub fn topic_label(topic: Option<&str>) -> &'static str {
    topic
        .and_then(|t| TOPICS.iter().find(|(name, _)| *name == t))
        .map_or(NO_TOPIC, |(_, label)| label)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    pub id: String,
    pub question: String,
    pub choices: Vec<String>,
    /// Indices (from 0) of the correct choices; more than one makes it "select all that apply".
    pub correct: Vec<usize>,
    /// Why a wrong choice is wrong, by its index: shown when the learner picked it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub why_not: BTreeMap<usize, String>,
    /// Why the right answer is right, shown after answering.
    pub explanation: String,
    /// One of [`TOPICS`], for the progress view.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    pub trigger: Trigger,
    /// Ask just before the trigger's moment plays, so the learner predicts what happens.
    #[serde(default)]
    pub predict: bool,
    /// What to highlight; a `When` trigger highlights what its event names when this is omitted.
    #[serde(default)]
    pub focus: Option<Focus>,
    /// What the presenter may say around this question: shown in the app's presenter view
    /// only, never to the class.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Trigger {
    /// Seconds since the scenario started.
    At(f64),
    /// The first time the condition becomes true.
    When(Condition),
}

/// Moments a quiz can wait for. `service` and `revision` narrow the match when given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    /// A task is launched.
    TaskStarted {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// A task reaches RUNNING.
    TaskRunning {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// A task fails its container or load-balancer health checks.
    TaskUnhealthy {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// ECS decides to stop a task (desired status becomes STOPPED).
    TaskStopped {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// A task fails to start (it stops before reaching RUNNING).
    TaskFailedToStart {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// A target becomes healthy in its target group.
    TargetHealthy {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// The service scheduler cannot place a task.
    PlacementFailed {
        #[serde(default)]
        service: Option<String>,
    },
    /// The deployment configuration allows neither a start nor a stop.
    DeploymentStuck {
        #[serde(default)]
        service: Option<String>,
    },
    /// The deployment circuit breaker marks a deployment FAILED.
    CircuitBreakerTripped {
        #[serde(default)]
        service: Option<String>,
    },
    /// ECS starts rolling back to the last completed deployment.
    RollbackStarted {
        #[serde(default)]
        service: Option<String>,
    },
    /// A deployment reaches COMPLETED.
    DeploymentCompleted {
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        revision: Option<u32>,
    },
    /// The service reports a steady state (after the start of the scenario).
    SteadyState {
        #[serde(default)]
        service: Option<String>,
    },
    /// EKS: a pod's container enters CrashLoopBackOff (the first `BackOff` event).
    PodCrashLoop,
    /// EKS: a readiness probe fails.
    ReadinessFailed,
    /// EKS: a liveness probe fails and the kubelet restarts the container.
    LivenessRestart,
    /// EKS: no node can take a pod (`FailedScheduling`).
    FailedScheduling,
    /// EKS: the Deployment exceeds its progress deadline.
    ProgressDeadlineExceeded,
    /// EKS: the deployment controller scales a ReplicaSet.
    ReplicaSetScaled,
    /// EKS: the HorizontalPodAutoscaler changes the replica count.
    HpaRescaled,
    /// ECS: Application Auto Scaling changes a service's desired count.
    ServiceScaled {
        #[serde(default)]
        service: Option<String>,
    },
    /// EKS: the Cluster Autoscaler asks for more nodes.
    ScaleUpTriggered,
    /// ECS: managed scaling makes an Auto Scaling group launch instances.
    CapacityScaledOut,
    /// ECS: managed scaling makes an Auto Scaling group terminate instances.
    CapacityScaledIn,
    /// EKS: Karpenter nominates a pending pod to a NodeClaim it launches (`Nominated`).
    PodNominated,
    /// EKS: Karpenter starts disrupting a node to consolidate (`DisruptionTerminating`).
    NodeDisrupted,
}

/// What a quiz is about, highlighted on the canvas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Focus {
    Service(String),
    TargetGroup(String),
    Instance(String),
    Zone(String),
    /// The tasks of one revision of a service's task definition.
    Revision {
        service: String,
        revision: u32,
    },
}
