//! A PodDisruptionBudget (policy/v1) read into Orca's [`PdbSpec`]: `minAvailable` or
//! `maxUnavailable` (an integer or a percentage such as "50%") and `selector.matchLabels`.
//! The API server refuses both bounds at once ("minAvailable and maxUnavailable cannot be both
//! set", kubernetes `pkg/apis/policy/validation/validation.go`); so does Orca. Fields Orca does
//! not model (`matchExpressions`, `unhealthyPodEvictionPolicy`) are warnings.

use super::reader::{R, Reader};
use super::yaml::{Node, Pos};
use crate::scenario::spec::PdbSpec;

#[derive(Debug, Clone, PartialEq)]
pub struct PdbManifest {
    pub spec: PdbSpec,
    pub at: Pos,
}

pub(super) fn pdb(r: &mut Reader, name: String, spec: &Node, at: Pos) -> R<PdbManifest> {
    r.map(
        spec,
        "spec",
        &["minAvailable", "maxUnavailable", "selector"],
    )?;
    let min_available = spec
        .get("minAvailable")
        .map(|n| r.amount(n, "spec.minAvailable"))
        .transpose()?;
    let max_unavailable = spec
        .get("maxUnavailable")
        .map(|n| r.amount(n, "spec.maxUnavailable"))
        .transpose()?;
    if let (Some(_), Some(n)) = (min_available, spec.get("maxUnavailable")) {
        return Err(r.err(
            n.at,
            "spec",
            format!("The PodDisruptionBudget \"{name}\" is invalid: minAvailable and maxUnavailable cannot be both set"),
        ));
    }
    let Some(selector) = spec.get("selector") else {
        return Err(r.err(
            spec.at,
            "spec.selector",
            "required by Orca: the pods the budget covers, e.g. selector: {matchLabels: {app: web}} (without it, the Eviction API matches no pod)",
        ));
    };
    r.map(selector, "spec.selector", &["matchLabels"])?;
    let Some(ml) = selector.get("matchLabels") else {
        return Err(r.err(
            selector.at,
            "spec.selector.matchLabels",
            "required by Orca: it selects pods by their labels",
        ));
    };
    let labels = r.labels(ml, "spec.selector.matchLabels")?;
    if labels.is_empty() {
        return Err(r.err(
            ml.at,
            "spec.selector.matchLabels",
            "empty: a budget with an empty selector covers no pod the Eviction API evicts",
        ));
    }
    Ok(PdbManifest {
        spec: PdbSpec {
            name,
            min_available,
            max_unavailable,
            match_labels: labels.into_iter().collect(),
        },
        at,
    })
}
