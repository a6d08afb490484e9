//! Kubernetes manifests (Deployment apps/v1, Service v1, HorizontalPodAutoscaler autoscaling/v2
//! or v1, PodDisruptionBudget policy/v1 in `pdb.rs`) read into Orca's scenario types. Field names and defaults are the Kubernetes API's
//! (API reference, <https://kubernetes.io/docs/reference/kubernetes-api/>): `replicas` 1,
//! `maxSurge`/`maxUnavailable` 25 %, `progressDeadlineSeconds` 600, `revisionHistoryLimit` 10,
//! an HPA's `minReplicas` 1 and, without `metrics`, 80 % average CPU utilization.
//!
//! Every field Orca does not model becomes a [`Warning`] with its path and place; a value Orca
//! cannot use (a wrong type, a number out of range, a selector that does not match its
//! template, a kind Orca does not model) is an error. See docs/importing.md.

use super::Warning;
use super::k8s_containers::dns_label;
use super::reader::{R, Reader, join};
use super::yaml::{Node, Pos, Value};
use crate::scenario::spec::{
    Amount, HpaBehaviorSpec, HpaPolicySpec, HpaScalingRulesSpec, HpaSelectPolicy, HpaSpec,
    K8sDeploymentSpec, K8sServiceSpec, K8sServiceType, K8sStrategy, defaults,
};

/// One object of a manifest.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// Boxed: a Deployment is much larger than the other objects.
    Deployment(Box<DeploymentManifest>),
    Service(ServiceManifest),
    Hpa(HpaManifest),
    Pdb(super::pdb::PdbManifest),
}

impl Object {
    /// kubectl's `<resource>.<group>/<name>`.
    pub fn kubectl_name(&self) -> String {
        match self {
            Object::Deployment(d) => format!("deployment.apps/{}", d.spec.name),
            Object::Service(s) => format!("service/{}", s.spec.name),
            Object::Hpa(h) => format!("horizontalpodautoscaler.autoscaling/{}", h.name),
            Object::Pdb(b) => format!("poddisruptionbudget.policy/{}", b.spec.name),
        }
    }

    pub fn at(&self) -> Pos {
        match self {
            Object::Deployment(d) => d.at,
            Object::Service(s) => s.at,
            Object::Hpa(h) => h.at,
            Object::Pdb(b) => b.at,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentManifest {
    /// `service`, `hpa` and `load` are left out.
    pub spec: K8sDeploymentSpec,
    /// `spec.replicas` was given.
    pub replicas_given: bool,
    /// `spec.template.metadata.labels`, which a Service's selector matches.
    pub labels: Vec<(String, String)>,
    pub at: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceManifest {
    pub spec: K8sServiceSpec,
    /// `spec.selector`.
    pub selector: Vec<(String, String)>,
    pub at: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HpaManifest {
    pub name: String,
    /// `spec.scaleTargetRef.name` (a Deployment).
    pub target: String,
    pub hpa: HpaSpec,
    pub at: Pos,
}

impl Reader<'_> {
    /// An IntOrString count or percentage (`maxSurge: 1`, `maxSurge: "25%"`).
    pub(super) fn amount(&self, n: &Node, path: &str) -> R<Amount> {
        match &n.value {
            Value::Int(_) => Ok(Amount::Count(self.int(n, path, i32::MAX as u32)?)),
            Value::Str(s) => match s.strip_suffix('%').map(str::parse::<u32>) {
                Some(Ok(p)) if p <= 100 => Ok(Amount::Percent(p)),
                _ => Err(self.err(
                    n.at,
                    path,
                    format!("{s:?} is not a count or a percentage such as \"25%\""),
                )),
            },
            v => Err(self.err(
                n.at,
                path,
                format!("expected an integer or a percentage, got {}", v.type_name()),
            )),
        }
    }

    /// `labels`/`matchLabels`/`selector`: a mapping of strings.
    pub(super) fn labels(&self, n: &Node, path: &str) -> R<Vec<(String, String)>> {
        let Value::Map(m) = &n.value else {
            return Err(self.err(
                n.at,
                path,
                format!("expected a mapping, got {}", n.value.type_name()),
            ));
        };
        m.iter()
            .map(|(k, v)| Ok((k.clone(), self.string(v, &join(path, k))?)))
            .collect()
    }

    fn name(&mut self, doc: &Node, kind: &str) -> R<String> {
        let Some(meta) = doc.get("metadata") else {
            return Err(self.err(doc.at, "metadata.name", "required; every object has a name"));
        };
        let known = ["name", "namespace", "labels"];
        self.map(meta, "metadata", &known)?;
        if let Some(ns) = meta.get("namespace") {
            let ns_name = self.string(ns, "metadata.namespace")?;
            if ns_name != "default" {
                return Err(self.err(
                    ns.at,
                    "metadata.namespace",
                    format!("namespace {ns_name:?}: Orca's cluster has only the default namespace"),
                ));
            }
        }
        if let Some(l) = meta.get("labels") {
            self.labels(l, "metadata.labels")?;
            self.warn(
                l.at,
                "metadata.labels".into(),
                "Orca labels its objects app=<name> (ignored)",
            );
        }
        let Some(n) = meta.get("name") else {
            return Err(self.err(
                meta.at,
                "metadata.name",
                "required; every object has a name",
            ));
        };
        let name = self.string(n, "metadata.name")?;
        if !dns_label(&name) {
            return Err(self.err(
                n.at,
                "metadata.name",
                format!("{kind} name {name:?} is not valid: 1–63 lowercase letters, digits and '-', starting and ending with a letter or digit (RFC 1123 label)"),
            ));
        }
        Ok(name)
    }
}

/// Read one document: a Deployment, Service or HPA; any other kind is refused.
pub fn object(file: &str, doc: &Node, warnings: &mut Vec<Warning>) -> R<Object> {
    let mut r = Reader {
        file,
        warnings,
        mapping: "a mapping",
    };
    // `status` is written by the cluster, never applied: it is warned about with the rest.
    r.map(doc, "", &["apiVersion", "kind", "metadata", "spec"])?;
    let field = |key: &str| doc.get(key);
    let Some(kind_node) = field("kind") else {
        return Err(r.err(
            doc.at,
            "kind",
            "required: the object's kind, e.g. Deployment",
        ));
    };
    let kind = r.string(kind_node, "kind")?;
    let Some(api_node) = field("apiVersion") else {
        return Err(r.err(doc.at, "apiVersion", "required, e.g. apps/v1"));
    };
    let api = r.string(api_node, "apiVersion")?;
    let expected: &[&str] = match kind.as_str() {
        "Deployment" => &["apps/v1"],
        "Service" => &["v1"],
        "HorizontalPodAutoscaler" => &["autoscaling/v2", "autoscaling/v1"],
        "PodDisruptionBudget" => &["policy/v1"],
        other => {
            return Err(r.err(
                kind_node.at,
                "kind",
                format!("{other} ({api}) is not modelled by Orca; it reads Deployment (apps/v1), Service (v1), HorizontalPodAutoscaler (autoscaling/v2) and PodDisruptionBudget (policy/v1)"),
            ));
        }
    };
    if !expected.contains(&api.as_str()) {
        return Err(r.err(
            api_node.at,
            "apiVersion",
            format!(
                "no matches for kind \"{kind}\" in version \"{api}\"; Orca reads {kind} as {}",
                expected.join(" or ")
            ),
        ));
    }
    let name = r.name(doc, &kind)?;
    let Some(spec) = field("spec") else {
        return Err(r.err(doc.at, "spec", format!("required: the {kind}'s spec")));
    };
    match kind.as_str() {
        "Deployment" => {
            deployment(&mut r, name, spec, doc.at).map(|d| Object::Deployment(Box::new(d)))
        }
        "Service" => service(&mut r, name, spec, doc.at).map(Object::Service),
        "PodDisruptionBudget" => super::pdb::pdb(&mut r, name, spec, doc.at).map(Object::Pdb),
        _ => hpa(&mut r, name, &api, spec, doc.at).map(Object::Hpa),
    }
}

fn deployment(r: &mut Reader, name: String, spec: &Node, at: Pos) -> R<DeploymentManifest> {
    let known = [
        "replicas",
        "selector",
        "template",
        "strategy",
        "minReadySeconds",
        "progressDeadlineSeconds",
        "revisionHistoryLimit",
    ];
    r.map(spec, "spec", &known)?;
    let replicas = spec
        .get("replicas")
        .map(|n| r.int(n, "spec.replicas", 10_000))
        .transpose()?;
    let int_field = |r: &Reader, key: &str, default: u32| -> R<u32> {
        spec.get(key)
            .map(|n| r.int(n, &format!("spec.{key}"), i32::MAX as u32))
            .transpose()
            .map(|v| v.unwrap_or(default))
    };
    let min_ready_seconds = int_field(r, "minReadySeconds", 0)?;
    let progress_deadline_seconds =
        int_field(r, "progressDeadlineSeconds", defaults::progress_deadline())?;
    let revision_history_limit = int_field(
        r,
        "revisionHistoryLimit",
        defaults::revision_history_limit(),
    )?;
    if progress_deadline_seconds <= min_ready_seconds {
        return Err(r.err(
            spec.at,
            "spec.progressDeadlineSeconds",
            format!("{progress_deadline_seconds} must be greater than minReadySeconds {min_ready_seconds}"),
        ));
    }
    let (strategy, max_surge, max_unavailable) = strategy(r, spec)?;
    let Some(template) = spec.get("template") else {
        return Err(r.err(spec.at, "spec.template", "required: the pod template"));
    };
    r.map(template, "spec.template", &["metadata", "spec"])?;
    let mut labels = Vec::new();
    if let Some(meta) = template.get("metadata") {
        r.map(meta, "spec.template.metadata", &["labels"])?;
        if let Some(l) = meta.get("labels") {
            labels = r.labels(l, "spec.template.metadata.labels")?;
        }
    }
    let Some(selector) = spec.get("selector") else {
        return Err(r.err(spec.at, "spec.selector", "required in apps/v1"));
    };
    r.map(selector, "spec.selector", &["matchLabels"])?;
    let wanted = match selector.get("matchLabels") {
        Some(m) => r.labels(m, "spec.selector.matchLabels")?,
        None => Vec::new(),
    };
    if wanted.is_empty() || !wanted.iter().all(|w| labels.contains(w)) {
        return Err(r.err(
            selector.at,
            "spec.selector",
            "Invalid value: `selector` does not match template `labels` (the API server refuses it)",
        ));
    }
    let Some(pod) = template.get("spec") else {
        return Err(r.err(template.at, "spec.template.spec", "required: the pod spec"));
    };
    let containers = super::k8s_containers::pod_containers(r, pod)?;
    Ok(DeploymentManifest {
        spec: K8sDeploymentSpec {
            name,
            replicas: replicas.unwrap_or(1),
            max_surge,
            max_unavailable,
            min_ready_seconds,
            progress_deadline_seconds,
            strategy,
            revision_history_limit,
            container: containers.first,
            init_containers: containers.init,
            containers: containers.more,
            service: None,
            hpa: None,
            load: None,
            persistent_volume_claim: None,
        },
        replicas_given: replicas.is_some(),
        labels,
        at,
    })
}

fn strategy(r: &mut Reader, spec: &Node) -> R<(K8sStrategy, Amount, Amount)> {
    let mut out = (
        K8sStrategy::RollingUpdate,
        Amount::default(),
        Amount::default(),
    );
    let Some(s) = spec.get("strategy") else {
        return Ok(out);
    };
    r.map(s, "spec.strategy", &["type", "rollingUpdate"])?;
    if let Some(t) = s.get("type") {
        out.0 = match r.string(t, "spec.strategy.type")?.as_str() {
            "RollingUpdate" => K8sStrategy::RollingUpdate,
            "Recreate" => K8sStrategy::Recreate,
            other => {
                return Err(r.err(
                    t.at,
                    "spec.strategy.type",
                    format!("Unsupported value: {other:?}: supported values: \"Recreate\", \"RollingUpdate\""),
                ));
            }
        };
    }
    if let Some(ru) = s.get("rollingUpdate") {
        if out.0 == K8sStrategy::Recreate {
            return Err(r.err(
                ru.at,
                "spec.strategy.rollingUpdate",
                "Forbidden: may not be specified when strategy `type` is 'Recreate'",
            ));
        }
        r.map(
            ru,
            "spec.strategy.rollingUpdate",
            &["maxSurge", "maxUnavailable"],
        )?;
        if let Some(n) = ru.get("maxSurge") {
            out.1 = r.amount(n, "spec.strategy.rollingUpdate.maxSurge")?;
        }
        if let Some(n) = ru.get("maxUnavailable") {
            out.2 = r.amount(n, "spec.strategy.rollingUpdate.maxUnavailable")?;
        }
        let zero = |a: Amount| matches!(a, Amount::Count(0) | Amount::Percent(0));
        if zero(out.1) && zero(out.2) {
            return Err(r.err(
                ru.at,
                "spec.strategy.rollingUpdate.maxUnavailable",
                "Invalid value: may not be 0 when `maxSurge` is 0",
            ));
        }
    }
    Ok(out)
}

fn service(r: &mut Reader, name: String, spec: &Node, at: Pos) -> R<ServiceManifest> {
    r.map(spec, "spec", &["type", "selector", "ports"])?;
    let service_type = match spec.get("type") {
        None => K8sServiceType::ClusterIP,
        Some(t) => match r.string(t, "spec.type")?.as_str() {
            "ClusterIP" => K8sServiceType::ClusterIP,
            "LoadBalancer" => K8sServiceType::LoadBalancer,
            other => {
                return Err(r.err(
                    t.at,
                    "spec.type",
                    format!("type {other:?} is not modelled by Orca; it models ClusterIP and LoadBalancer"),
                ));
            }
        },
    };
    let Some(sel) = spec.get("selector") else {
        return Err(r.err(
            spec.at,
            "spec.selector",
            "Orca models Services that select a Deployment's pods; add a selector",
        ));
    };
    let selector = r.labels(sel, "spec.selector")?;
    let Some(ports) = spec.get("ports") else {
        return Err(r.err(spec.at, "spec.ports", "Required value"));
    };
    let Value::Seq(items) = &ports.value else {
        return Err(r.err(
            ports.at,
            "spec.ports",
            format!("expected a list, got {}", ports.value.type_name()),
        ));
    };
    let Some(first) = items.first() else {
        return Err(r.err(ports.at, "spec.ports", "Required value: at least one port"));
    };
    for (i, extra) in items.iter().enumerate().skip(1) {
        r.warn(
            extra.at,
            format!("spec.ports[{i}]"),
            "Orca models one port per Service (ignored)",
        );
    }
    r.map(
        first,
        "spec.ports[0]",
        &["port", "name", "protocol", "targetPort"],
    )?;
    let Some(pn) = first.get("port") else {
        return Err(r.err(first.at, "spec.ports[0].port", "Required value"));
    };
    let port = r.int(pn, "spec.ports[0].port", 65_535)?;
    if port == 0 {
        return Err(r.err(
            pn.at,
            "spec.ports[0].port",
            "0 is not a port; valid: 1 to 65535",
        ));
    }
    if let Some(t) = first.get("targetPort") {
        r.warn(
            t.at,
            "spec.ports[0].targetPort".into(),
            "Orca sends a Service's traffic to the container's port (ignored)",
        );
    }
    Ok(ServiceManifest {
        spec: K8sServiceSpec {
            name,
            service_type,
            port: port as u16,
        },
        selector,
        at,
    })
}

fn hpa(r: &mut Reader, name: String, api: &str, spec: &Node, at: Pos) -> R<HpaManifest> {
    let v1 = api == "autoscaling/v1";
    let known: &[&str] = if v1 {
        &[
            "scaleTargetRef",
            "minReplicas",
            "maxReplicas",
            "targetCPUUtilizationPercentage",
        ]
    } else {
        &[
            "scaleTargetRef",
            "minReplicas",
            "maxReplicas",
            "metrics",
            "behavior",
        ]
    };
    r.map(spec, "spec", known)?;
    let Some(target) = spec.get("scaleTargetRef") else {
        return Err(r.err(spec.at, "spec.scaleTargetRef", "Required value"));
    };
    r.map(
        target,
        "spec.scaleTargetRef",
        &["apiVersion", "kind", "name"],
    )?;
    if let Some(k) = target.get("kind") {
        let kind = r.string(k, "spec.scaleTargetRef.kind")?;
        if kind != "Deployment" {
            return Err(r.err(
                k.at,
                "spec.scaleTargetRef.kind",
                format!("Orca's HPA scales Deployments, not {kind}"),
            ));
        }
    }
    let Some(tn) = target.get("name") else {
        return Err(r.err(target.at, "spec.scaleTargetRef.name", "Required value"));
    };
    let target_name = r.string(tn, "spec.scaleTargetRef.name")?;
    let min_replicas = spec
        .get("minReplicas")
        .map(|n| r.int(n, "spec.minReplicas", 10_000))
        .transpose()?
        .unwrap_or(1);
    if min_replicas == 0 {
        return Err(r.err(
            spec.at,
            "spec.minReplicas",
            "Invalid value: 0: must be greater than or equal to 1",
        ));
    }
    let Some(mx) = spec.get("maxReplicas") else {
        return Err(r.err(spec.at, "spec.maxReplicas", "Required value"));
    };
    let max_replicas = r.int(mx, "spec.maxReplicas", 10_000)?;
    if max_replicas < min_replicas {
        return Err(r.err(
            mx.at,
            "spec.maxReplicas",
            format!("Invalid value: {max_replicas}: must be greater than or equal to `minReplicas` {min_replicas}"),
        ));
    }
    let mut target_cpu = defaults::hpa_target();
    if v1 {
        if let Some(n) = spec.get("targetCPUUtilizationPercentage") {
            target_cpu = r.int(n, "spec.targetCPUUtilizationPercentage", 1000)?;
        }
    } else if let Some(metrics) = spec.get("metrics") {
        let Value::Seq(items) = &metrics.value else {
            return Err(r.err(
                metrics.at,
                "spec.metrics",
                format!("expected a list, got {}", metrics.value.type_name()),
            ));
        };
        let mut found = false;
        for (i, m) in items.iter().enumerate() {
            let mp = format!("spec.metrics[{i}]");
            match cpu_target(r, m, &mp)? {
                Some(t) if !found => {
                    target_cpu = t;
                    found = true;
                }
                _ => r.warn(
                    m.at,
                    mp,
                    "Orca's HPA scales on average CPU utilization only; this metric is not modelled (ignored)",
                ),
            }
        }
    }
    if !(1..=1000).contains(&target_cpu) {
        return Err(r.err(
            spec.at,
            "spec.metrics",
            format!("a CPU utilization target of {target_cpu} %; valid: 1 to 1000"),
        ));
    }
    Ok(HpaManifest {
        name,
        target: target_name,
        hpa: HpaSpec {
            min_replicas,
            max_replicas,
            target_cpu_utilization: target_cpu,
            behavior: match spec.get("behavior") {
                Some(b) if !v1 => Some(behavior(r, b)?),
                _ => None,
            },
        },
        at,
    })
}

/// `spec.behavior` of an autoscaling/v2 HPA: `scaleUp` and `scaleDown`, each with
/// `stabilizationWindowSeconds`, `selectPolicy`, `policies` and `tolerance`
/// (https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#configurable-scaling-behavior).
/// Ranges are checked with the scenario.
fn behavior(r: &mut Reader, b: &Node) -> R<HpaBehaviorSpec> {
    r.map(b, "spec.behavior", &["scaleUp", "scaleDown"])?;
    let mut rules = |key: &str| -> R<Option<HpaScalingRulesSpec>> {
        let Some(n) = b.get(key) else {
            return Ok(None);
        };
        let path = format!("spec.behavior.{key}");
        r.map(
            n,
            &path,
            &[
                "stabilizationWindowSeconds",
                "selectPolicy",
                "policies",
                "tolerance",
            ],
        )?;
        let stabilization_window_seconds = n
            .get("stabilizationWindowSeconds")
            .map(|w| r.int(w, &join(&path, "stabilizationWindowSeconds"), 3_600))
            .transpose()?;
        let select_policy = match n.get("selectPolicy") {
            None => None,
            Some(sp) => Some(match r.string(sp, &join(&path, "selectPolicy"))?.as_str() {
                "Max" => HpaSelectPolicy::Max,
                "Min" => HpaSelectPolicy::Min,
                "Disabled" => HpaSelectPolicy::Disabled,
                other => {
                    return Err(r.err(
                        sp.at,
                        &join(&path, "selectPolicy"),
                        format!("Unsupported value: \"{other}\": supported values: \"Disabled\", \"Max\", \"Min\""),
                    ));
                }
            }),
        };
        let policies = match n.get("policies") {
            None => None,
            Some(ps) => {
                let Value::Seq(items) = &ps.value else {
                    return Err(r.err(
                        ps.at,
                        &join(&path, "policies"),
                        format!("expected a list, got {}", ps.value.type_name()),
                    ));
                };
                let mut out = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let pp = format!("{path}.policies[{i}]");
                    r.map(item, &pp, &["type", "value", "periodSeconds"])?;
                    let field = |k: &str| {
                        item.get(k)
                            .ok_or_else(|| r.err(item.at, &join(&pp, k), "Required value"))
                    };
                    let ty = r.string(field("type")?, &join(&pp, "type"))?;
                    let value = r.int(field("value")?, &join(&pp, "value"), 100_000)?;
                    let period_seconds =
                        r.int(field("periodSeconds")?, &join(&pp, "periodSeconds"), 1_800)?;
                    out.push(match ty.as_str() {
                        "Pods" => HpaPolicySpec::Pods {
                            value,
                            period_seconds,
                        },
                        "Percent" => HpaPolicySpec::Percent {
                            value,
                            period_seconds,
                        },
                        other => {
                            return Err(r.err(
                                item.at,
                                &join(&pp, "type"),
                                format!("Unsupported value: \"{other}\": supported values: \"Percent\", \"Pods\""),
                            ));
                        }
                    });
                }
                Some(out)
            }
        };
        let tolerance = match n.get("tolerance") {
            None => None,
            Some(t) => Some(match &t.value {
                Value::Float(f) => *f,
                Value::Int(i) => *i as f64,
                Value::Str(q) => q.parse::<f64>().map_err(|_| {
                    r.err(
                        t.at,
                        &join(&path, "tolerance"),
                        format!("a tolerance of {q:?}; Orca reads a plain number such as 0.05"),
                    )
                })?,
                v => {
                    return Err(r.err(
                        t.at,
                        &join(&path, "tolerance"),
                        format!("expected a number such as 0.05, got {}", v.type_name()),
                    ));
                }
            }),
        };
        Ok(Some(HpaScalingRulesSpec {
            stabilization_window_seconds,
            select_policy,
            policies,
            tolerance,
        }))
    };
    let scale_up = rules("scaleUp")?;
    let scale_down = rules("scaleDown")?;
    Ok(HpaBehaviorSpec {
        scale_up,
        scale_down,
    })
}

/// `{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: N}}}`
/// gives N; any other metric gives None.
fn cpu_target(r: &Reader, m: &Node, path: &str) -> R<Option<u32>> {
    let ty = m
        .get("type")
        .map(|t| r.string(t, &join(path, "type")))
        .transpose()?;
    if ty.as_deref() != Some("Resource") {
        return Ok(None);
    }
    let Some(res) = m.get("resource") else {
        return Ok(None);
    };
    let name = res
        .get("name")
        .map(|n| r.string(n, &join(path, "resource.name")))
        .transpose()?;
    let Some(t) = res.get("target") else {
        return Ok(None);
    };
    let tt = t
        .get("type")
        .map(|n| r.string(n, &join(path, "resource.target.type")))
        .transpose()?;
    if name.as_deref() != Some("cpu") || tt.as_deref() != Some("Utilization") {
        return Ok(None);
    }
    t.get("averageUtilization")
        .map(|n| r.int(n, &join(path, "resource.target.averageUtilization"), 1000))
        .transpose()
}
