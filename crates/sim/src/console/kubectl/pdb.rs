//! `kubectl get pdb`, `describe pdb` and `-o json|yaml` of a PodDisruptionBudget, with the
//! status the disruption controller computes (`k8s/eviction.rs`). Columns and fields as kubectl
//! prints them: `NAME  MIN AVAILABLE  MAX UNAVAILABLE  ALLOWED DISRUPTIONS  AGE` with `N/A` for
//! the bound not set (kubectl `pkg/printers/internalversion/printers.go`,
//! `printPodDisruptionBudget`), and `describePodDisruptionBudgetV1` (kubectl
//! `pkg/describe/describe.go`).

use serde_json::{Value, json};

use super::Kube;
use super::table::render;
use crate::k8s::eviction;
use crate::k8s::rollout::IntOrPercent;

/// The budgets in scope whose name is wanted.
pub fn list(k: &Kube, wanted: &dyn Fn(&str) -> bool) -> Vec<usize> {
    (0..k.eks.pdbs.len())
        .filter(|&b| k.in_scope(&k.eks.pdbs[b].namespace) && wanted(&k.eks.pdbs[b].name))
        .collect()
}

pub fn named(k: &Kube, name: &str) -> Option<usize> {
    list(k, &|n| n == name).into_iter().next()
}

fn bound(v: Option<IntOrPercent>) -> String {
    v.map_or_else(|| "N/A".into(), |v| v.to_string())
}

pub fn table(k: &Kube, found: &[usize], all_namespaces: bool) -> String {
    let mut h = Vec::new();
    if all_namespaces {
        h.push("NAMESPACE");
    }
    h.extend([
        "NAME",
        "MIN AVAILABLE",
        "MAX UNAVAILABLE",
        "ALLOWED DISRUPTIONS",
        "AGE",
    ]);
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|&b| {
            let pdb = &k.eks.pdbs[b];
            let st = eviction::status(k.eks, b);
            let mut r = Vec::new();
            if all_namespaces {
                r.push(pdb.namespace.clone());
            }
            r.extend([
                pdb.name.clone(),
                bound(pdb.min_available),
                bound(pdb.max_unavailable),
                st.disruptions_allowed.to_string(),
                k.now.since(pdb.created_at).kube_age(),
            ]);
            r
        })
        .collect();
    render(&h, &rows)
}

/// Lines `key:\tvalue` aligned as kubectl's tabwriter aligns one block (padding 2).
fn block(out: &mut String, indent: &str, lines: &[(&str, String)]) {
    let width = lines
        .iter()
        .map(|(key, _)| indent.len() + key.len())
        .max()
        .unwrap_or(0)
        + 2;
    for (key, value) in lines {
        let cell = format!("{indent}{key}");
        out.push_str(&format!("{cell:<width$}{value}\n"));
    }
}

pub fn describe(k: &Kube, b: usize) -> String {
    let pdb = &k.eks.pdbs[b];
    let st = eviction::status(k.eks, b);
    let mut out = String::new();
    let mut head = vec![
        ("Name:", pdb.name.clone()),
        ("Namespace:", pdb.namespace.clone()),
    ];
    if let Some(m) = pdb.min_available {
        head.push(("Min available:", m.to_string()));
    } else if let Some(m) = pdb.max_unavailable {
        head.push(("Max unavailable:", m.to_string()));
    }
    head.push(("Selector:", pdb.selector_text()));
    block(&mut out, "", &head);
    out.push_str("Status:\n");
    // The status lines and `Events:` are one block for the tabwriter.
    let width = "    Allowed disruptions:".len() + 2;
    for (key, value) in [
        ("    Allowed disruptions:", st.disruptions_allowed),
        ("    Current:", st.current_healthy),
        ("    Desired:", st.desired_healthy),
        ("    Total:", st.expected_pods),
    ] {
        out.push_str(&format!("{key:<width$}{value}\n"));
    }
    out.push_str(&format!("{:<width$}<none>\n", "Events:"));
    out
}

/// The object as the API server returns it.
pub fn object(k: &Kube, b: usize) -> Value {
    let pdb = &k.eks.pdbs[b];
    let st = eviction::status(k.eks, b);
    let amount = |v: IntOrPercent| match v {
        IntOrPercent::Int(n) => json!(n),
        IntOrPercent::Percent(p) => json!(format!("{p}%")),
    };
    let mut spec = serde_json::Map::new();
    if let Some(m) = pdb.min_available {
        spec.insert("minAvailable".into(), amount(m));
    }
    if let Some(m) = pdb.max_unavailable {
        spec.insert("maxUnavailable".into(), amount(m));
    }
    let labels: serde_json::Map<String, Value> = pdb
        .selector
        .iter()
        .map(|(a, v)| (a.clone(), json!(v)))
        .collect();
    spec.insert("selector".into(), json!({ "matchLabels": labels }));
    // The `DisruptionAllowed` condition (kubernetes `pkg/apis/policy/helper`:
    // `SufficientPods` / `InsufficientPods`).
    let (status, reason) = if st.disruptions_allowed > 0 {
        ("True", "SufficientPods")
    } else {
        ("False", "InsufficientPods")
    };
    json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": pdb.name, "namespace": pdb.namespace},
        "spec": Value::Object(spec),
        "status": {
            "conditions": [{"reason": reason, "status": status, "type": "DisruptionAllowed"}],
            "currentHealthy": st.current_healthy,
            "desiredHealthy": st.desired_healthy,
            "disruptionsAllowed": st.disruptions_allowed,
            "expectedPods": st.expected_pods,
        },
    })
}
