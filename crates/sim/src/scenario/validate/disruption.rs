//! PodDisruptionBudgets: what the API server's validation refuses
//! (kubernetes `pkg/apis/policy/validation/validation.go`, `ValidatePodDisruptionBudgetSpec`),
//! and what Orca needs (a non-empty `matchLabels`, a bounded number of budgets).

use super::Problems;
use super::common::{Unique, check_limit};
use super::eks::dns_label_ok;
use crate::scenario::limits::K8S_INT32;
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{Amount, EksWorld, PdbSpec};

/// At most this many PodDisruptionBudgets in a scenario (each eviction reads them all).
pub const MAX_PDBS: usize = 100;

pub(super) fn pdbs(out: &mut Problems, k: &EksWorld, wp: &Path) {
    let bp = wp.field("pod_disruption_budgets");
    if k.pod_disruption_budgets.len() > MAX_PDBS {
        out.push((
            bp.clone(),
            format!(
                "{} PodDisruptionBudgets; at most {MAX_PDBS}",
                k.pod_disruption_budgets.len()
            ),
        ));
        return;
    }
    let mut names = Unique::new();
    for (i, b) in k.pod_disruption_budgets.iter().enumerate() {
        let p = bp.index(i);
        names.check(out, p.field("name"), "PodDisruptionBudget", &b.name);
        pdb(out, b, &p);
    }
}

/// One budget.
pub(super) fn pdb(out: &mut Problems, b: &PdbSpec, p: &Path) {
    if !dns_label_ok(&b.name) {
        out.push((
            p.field("name"),
            format!("PodDisruptionBudget name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(&b.name)),
        ));
    }
    if b.min_available.is_some() && b.max_unavailable.is_some() {
        out.push((
            p.field("max_unavailable"),
            "minAvailable and maxUnavailable cannot be both set; keep one of min_available and max_unavailable".into(),
        ));
    }
    for (field, v) in [
        ("min_available", b.min_available),
        ("max_unavailable", b.max_unavailable),
    ] {
        match v {
            Some(Amount::Percent(pc)) if pc > 100 => out.push((
                p.field(field),
                format!("{field} Percent({pc}) must not be greater than 100%"),
            )),
            Some(Amount::Count(n)) => check_limit(out, p.field(field), field, n, K8S_INT32, ""),
            _ => {}
        }
    }
    if b.match_labels.is_empty() {
        out.push((
            p.field("match_labels"),
            "match_labels is empty; Orca's budgets select pods by label, e.g. match_labels: {\"app\": \"web\"} (the pods of Deployment web)".into(),
        ));
    }
    for (k, v) in &b.match_labels {
        if k.is_empty() || k.len() > 253 || v.len() > 63 {
            out.push((
                p.field("match_labels"),
                format!(
                    "label {}: {} is not a valid label; a key of 1–253 characters and a value of at most 63",
                    quoted(k),
                    quoted(v)
                ),
            ));
        }
    }
}
