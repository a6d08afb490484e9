//! `kubectl apply -f FILE`: every document of the file is read and checked against the cluster
//! before anything changes (one bad document and nothing is applied); then each object that
//! differs from the live one becomes an action, and kubectl's lines are printed:
//! `deployment.apps/web configured`, `service/web unchanged`,
//! `horizontalpodautoscaler.autoscaling/web created`.
//!
//! Orca's cluster keeps the Deployments of its scenario: applying a Deployment that is not
//! there is refused (`orca import` builds a scenario from the manifest instead). Fields Orca
//! does not model are printed as `Warning:` lines, the way kubectl prints the API server's
//! warnings.

use super::Kube;
use super::parse::DryRun;
use crate::console::{After, Outcome};
use crate::k8s::cluster::DeploymentState;
use crate::k8s::rollout::IntOrPercent;
use crate::manifest::k8s::{DeploymentManifest, HpaManifest, Object, ServiceManifest};
use crate::manifest::pdb::PdbManifest;
use crate::manifest::{self, ManifestError};
use crate::scenario::spec::{Action, K8sDeploymentSpec};
use crate::scenario::spec::{K8sServiceType, K8sStrategy};

pub fn apply(k: &Kube, file: &str, dry_run: Option<DryRun>) -> Outcome {
    let text = match (k.cx.files)(file) {
        Ok(t) => t,
        Err(e) => {
            return Outcome::Fail(format!(
                "error: the path \"{file}\" does not exist\n({e})\n"
            ));
        }
    };
    let (objects, warnings) = match manifest::read_k8s(file, &text) {
        Ok(x) => x,
        Err(e) => return refuse(&e),
    };
    let mut actions = Vec::new();
    let mut out = String::new();
    for w in &warnings {
        out.push_str(&format!("Warning: {w}\n"));
    }
    for o in &objects {
        let change = match o {
            Object::Deployment(d) => deployment(k, d),
            Object::Service(s) => service(k, s, &objects),
            Object::Hpa(h) => hpa(k, h),
            Object::Pdb(b) => pdb(k, b, &objects),
        };
        let (verb, action) = match change {
            Ok(c) => c,
            Err(message) => {
                return refuse(&ManifestError {
                    file: file.to_string(),
                    at: o.at(),
                    message,
                });
            }
        };
        let suffix = dry_run.map_or("", DryRun::suffix);
        out.push_str(&format!("{} {verb}{suffix}\n", o.kubectl_name()));
        actions.extend(action);
    }
    // What Orca's scenario checks say of the changes (caps, ranges), as of a saved session.
    if let Err(problems) = crate::scenario::check_actions(k.cx.scenario, &actions) {
        return Outcome::Fail(format!(
            "error: {file}: Orca cannot apply this: {}
(nothing was applied)
",
            problems.join("; ")
        ));
    }
    if actions.is_empty() || dry_run.is_some() {
        return Outcome::Print(out);
    }
    Outcome::Act {
        actions,
        after: After::Text(out.trim_end().to_string()),
    }
}

fn refuse(e: &ManifestError) -> Outcome {
    Outcome::Fail(format!("error: {e}\n(nothing was applied)\n"))
}

type Change = Result<(&'static str, Option<Action>), String>;

/// Whether the live Deployment already is what the manifest says.
/// Its pod template is the one the engine would make of the manifest (every container, the
/// pod's requests), so a manifest that only adds a sidecar is a change.
fn same(k: &Kube, live: &DeploymentState, d: &K8sDeploymentSpec, replicas_given: bool) -> bool {
    let behavior = k.eks.behavior_of(&d.container.image);
    crate::engine::applied_template(d, &live.template, behavior) == live.template
        && (!replicas_given || live.replicas == d.replicas)
        && live.max_surge == IntOrPercent::from(d.max_surge)
        && live.max_unavailable == IntOrPercent::from(d.max_unavailable)
        && live.min_ready_seconds == d.min_ready_seconds as u64
        && live.progress_deadline_seconds == d.progress_deadline_seconds as u64
        && live.recreate == (d.strategy == K8sStrategy::Recreate)
        && live.revision_history_limit == d.revision_history_limit
}

fn deployment(k: &Kube, d: &DeploymentManifest) -> Change {
    let name = &d.spec.name;
    let Some(i) = k.eks.deployment_index(name) else {
        return Err(format!(
            "deployments.apps \"{name}\": Orca cannot create a Deployment in a running cluster; this scenario has {}. `orca import` builds a scenario from the manifest",
            names(k.eks.deployments.iter().map(|x| x.name.as_str()))
        ));
    };
    if same(k, &k.eks.deployments[i], &d.spec, d.replicas_given) {
        return Ok(("unchanged", None));
    }
    Ok((
        "configured",
        Some(Action::ApplyDeployment {
            spec: Box::new(d.spec.clone()),
            keep_replicas: !d.replicas_given,
        }),
    ))
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<String> = it.map(|n| format!("\"{n}\"")).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// The Deployment a Service's selector picks: one applied in the same file whose template
/// labels it matches, else the live one whose pods carry `app=<name>`.
fn selected(k: &Kube, s: &ServiceManifest, objects: &[Object]) -> Option<usize> {
    let matches = |labels: &[(String, String)]| s.selector.iter().all(|l| labels.contains(l));
    objects
        .iter()
        .find_map(|o| match o {
            Object::Deployment(d) if matches(&d.labels) => k.eks.deployment_index(&d.spec.name),
            _ => None,
        })
        .or_else(|| {
            k.eks
                .deployments
                .iter()
                .position(|d| matches(&[("app".to_string(), d.name.clone())]))
        })
}

fn service(k: &Kube, s: &ServiceManifest, objects: &[Object]) -> Change {
    let Some(d) = selected(k, s, objects) else {
        let sel: Vec<String> = s.selector.iter().map(|(a, b)| format!("{a}={b}")).collect();
        return Err(format!(
            "services \"{}\": its selector {} matches no Deployment's pods (Orca labels them app=<deployment name>)",
            s.spec.name,
            sel.join(",")
        ));
    };
    let dep = &k.eks.deployments[d];
    let kind = match s.spec.service_type {
        K8sServiceType::ClusterIP => "ClusterIP",
        K8sServiceType::LoadBalancer => "LoadBalancer",
    };
    if let Some(other) = k
        .eks
        .deployments
        .iter()
        .find(|x| x.name != dep.name && x.service.as_ref().is_some_and(|v| v.0 == s.spec.name))
    {
        return Err(format!(
            "services \"{}\" selects the pods of {}; Orca keeps a Service on one Deployment",
            s.spec.name, other.name
        ));
    }
    let verb = match &dep.service {
        Some((n, t, p)) if *n == s.spec.name && t == kind && *p == s.spec.port => {
            return Ok(("unchanged", None));
        }
        Some((n, _, _)) if *n == s.spec.name => "configured",
        Some((n, _, _)) => {
            return Err(format!(
                "Deployment {} already has Service {n}; Orca models one Service per Deployment",
                dep.name
            ));
        }
        None => "created",
    };
    Ok((
        verb,
        Some(Action::ApplyService {
            deployment: dep.name.clone(),
            service: s.spec.clone(),
        }),
    ))
}

fn hpa(k: &Kube, h: &HpaManifest) -> Change {
    let Some(d) = k.eks.deployment_index(&h.target) else {
        return Err(format!(
            "horizontalpodautoscalers.autoscaling \"{}\": its scaleTargetRef names Deployment \"{}\", which this scenario does not have ({})",
            h.name,
            h.target,
            names(k.eks.deployments.iter().map(|x| x.name.as_str()))
        ));
    };
    if let Some(other) = k
        .eks
        .hpas
        .iter()
        .find(|x| x.deployment == d && x.name != h.name)
    {
        return Err(format!(
            "Deployment {} is already scaled by HorizontalPodAutoscaler {}; two HPAs on one Deployment fight (AmbiguousSelector)",
            h.target, other.name
        ));
    }
    let verb = match k.eks.hpas.iter().find(|x| x.name == h.name) {
        Some(x)
            if x.deployment == d
                && x.min_replicas == h.hpa.min_replicas
                && x.max_replicas == h.hpa.max_replicas
                && x.target_cpu_utilization == h.hpa.target_cpu_utilization as f64 =>
        {
            return Ok(("unchanged", None));
        }
        Some(_) => "configured",
        None => "created",
    };
    Ok((
        verb,
        Some(Action::ApplyHpa {
            name: h.name.clone(),
            deployment: h.target.clone(),
            hpa: h.hpa.clone(),
        }),
    ))
}

/// A PodDisruptionBudget: its selector must pick the pods of a Deployment (one applied in the
/// same file whose template labels it matches, or a live one whose pods carry `app=<name>`);
/// it is kept as `app=<name>`, the label Orca's pods carry.
fn pdb(k: &Kube, b: &PdbManifest, objects: &[Object]) -> Change {
    let wanted: Vec<(String, String)> = b
        .spec
        .match_labels
        .iter()
        .map(|(a, v)| (a.clone(), v.clone()))
        .collect();
    let matches = |labels: &[(String, String)]| wanted.iter().all(|l| labels.contains(l));
    let d = objects
        .iter()
        .find_map(|o| match o {
            Object::Deployment(d) if matches(&d.labels) => k.eks.deployment_index(&d.spec.name),
            _ => None,
        })
        .or_else(|| {
            k.deployments()
                .find(|&d| matches(&[("app".to_string(), k.eks.deployments[d].name.clone())]))
        });
    let Some(d) = d else {
        let sel: Vec<String> = wanted.iter().map(|(a, v)| format!("{a}={v}")).collect();
        return Err(format!(
            "poddisruptionbudgets.policy \"{}\": its selector {} matches no Deployment's pods (Orca labels them app=<deployment name>)",
            b.spec.name,
            sel.join(",")
        ));
    };
    let mut spec = b.spec.clone();
    spec.match_labels = [("app".to_string(), k.eks.deployments[d].name.clone())].into();
    let live = k.eks.pdbs.iter().find(|x| x.name == spec.name);
    let verb = match live {
        Some(x)
            if x.min_available == spec.min_available.map(IntOrPercent::from)
                && x.max_unavailable == spec.max_unavailable.map(IntOrPercent::from)
                && x.selector
                    == spec
                        .match_labels
                        .iter()
                        .map(|(a, v)| (a.clone(), v.clone()))
                        .collect::<Vec<_>>() =>
        {
            return Ok(("unchanged", None));
        }
        Some(_) => "configured",
        None => "created",
    };
    Ok((verb, Some(Action::ApplyPdb { pdb: spec })))
}
