//! Explanations the core records on the objects it decides about (an ECS task, a Kubernetes
//! pod): why it started, where it went, why it is (un)healthy, why it restarted or stopped.
//! The inspector shows them; the view never composes them.

use serde::Serialize;

use crate::time::SimTime;

/// One explanation, with the moment it was recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Why {
    pub at: SimTime,
    pub text: String,
}
