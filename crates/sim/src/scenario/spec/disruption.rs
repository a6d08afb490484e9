//! PodDisruptionBudgets (policy/v1) of the EKS world: how many of the pods a selector picks must
//! stay available, or may be unavailable, while the Eviction API disrupts them.

use std::collections::BTreeMap;

use super::Amount;
use serde::{Deserialize, Serialize};

/// A `PodDisruptionBudget` in the `default` namespace. Exactly one of `min_available` and
/// `max_unavailable` is set (the API server refuses both, and a budget with neither allows no
/// disruption it could check).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdbSpec {
    /// `metadata.name`.
    pub name: String,
    /// `spec.minAvailable`: a count (`Count(2)`) or a percentage of the expected pods
    /// (`Percent(50)`, rounded up).
    #[serde(default)]
    pub min_available: Option<Amount>,
    /// `spec.maxUnavailable`: a count or a percentage of the expected pods (rounded up).
    #[serde(default)]
    pub max_unavailable: Option<Amount>,
    /// `spec.selector.matchLabels`: Orca's pods carry `app: <deployment name>` and
    /// `pod-template-hash`.
    pub match_labels: BTreeMap<String, String>,
}
