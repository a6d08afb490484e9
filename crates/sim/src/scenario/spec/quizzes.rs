//! Quizzes: questions asked at a moment or when a condition first holds.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    pub id: String,
    pub question: String,
    pub choices: Vec<String>,
    /// Indices (from 0) of the correct choices.
    pub correct: Vec<usize>,
    pub explanation: String,
    pub trigger: Trigger,
    /// Ask just before the trigger's moment plays, so the learner predicts what happens.
    #[serde(default)]
    pub predict: bool,
    /// What to highlight; a `When` trigger highlights what its event names when this is omitted.
    #[serde(default)]
    pub focus: Option<Focus>,
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
