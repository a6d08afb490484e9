//! The containers of a Deployment's pod template: `spec.template.spec.containers` (the first is
//! the app container Orca's cards, probes and HPA follow; the others run beside it) and
//! `initContainers` (run to completion in order, or, with `restartPolicy: Always`, native
//! sidecars that keep running). Kubernetes API reference, Container and PodSpec
//! (<https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/>), and the
//! API server's validation (`pkg/apis/core/validation/validation.go`): container names are
//! unique across both lists, a container's own `restartPolicy` is accepted only on an init
//! container and only as `Always`, and an init container without it may not have probes.

use super::reader::{R, Reader, join};
use super::yaml::{Node, Pos, Value};
use crate::scenario::spec::{
    ContainerRestartPolicy, ImagePullPolicy, K8sAppContainerSpec, K8sContainerSpec,
    K8sInitContainerSpec, defaults,
};

/// The containers of one pod template, as Orca's scenario format holds them.
pub(super) struct PodContainers {
    pub first: K8sContainerSpec,
    pub more: Vec<K8sAppContainerSpec>,
    pub init: Vec<K8sInitContainerSpec>,
}

/// Which list a container is in, and where in it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    First,
    More,
    Init,
}

/// What Orca reads of one container.
struct Fields {
    at: Pos,
    name: String,
    image: String,
    pull_policy: Option<ImagePullPolicy>,
    port: Option<u16>,
    cpu: Option<u32>,
    memory: Option<u32>,
    readiness: bool,
    liveness: bool,
    startup: bool,
    restart_always: bool,
}

const PROBES: [&str; 3] = ["readinessProbe", "livenessProbe", "startupProbe"];

pub(super) fn pod_containers(r: &mut Reader, pod: &Node) -> R<PodContainers> {
    r.map(pod, "spec.template.spec", &["containers", "initContainers"])?;
    let Some(list) = pod.get("containers") else {
        return Err(r.err(pod.at, "spec.template.spec.containers", "required"));
    };
    let apps = seq(r, list, "spec.template.spec.containers")?;
    if apps.is_empty() {
        return Err(r.err(
            list.at,
            "spec.template.spec.containers",
            "Required value: a pod has at least one container",
        ));
    }
    let mut read = Vec::new();
    for (i, c) in apps.iter().enumerate() {
        let kind = if i == 0 { Kind::First } else { Kind::More };
        read.push((
            kind,
            fields(r, c, &format!("spec.template.spec.containers[{i}]"), kind)?,
        ));
    }
    if let Some(list) = pod.get("initContainers") {
        for (i, c) in seq(r, list, "spec.template.spec.initContainers")?
            .iter()
            .enumerate()
        {
            read.push((
                Kind::Init,
                fields(
                    r,
                    c,
                    &format!("spec.template.spec.initContainers[{i}]"),
                    Kind::Init,
                )?,
            ));
        }
    }
    // One name space for app and init containers (validation.go, validateInitContainers).
    for (k, (_, f)) in read.iter().enumerate() {
        if read[..k].iter().any(|(_, g)| g.name == f.name) {
            return Err(r.err(
                f.at,
                "spec.template.spec",
                format!(
                    "Duplicate value: {:?}: container names are unique across containers and initContainers",
                    f.name
                ),
            ));
        }
    }
    let mut more = Vec::new();
    let mut init = Vec::new();
    let mut first = None;
    for (kind, f) in read {
        match kind {
            Kind::First => {
                first = Some(K8sContainerSpec {
                    name: f.name,
                    image: f.image,
                    image_pull_policy: f.pull_policy,
                    cpu: f.cpu,
                    memory: f.memory.unwrap_or_else(defaults::memory_request),
                    port: f.port.unwrap_or_else(defaults::k8s_port),
                    readiness_probe: f.readiness,
                    liveness_probe: f.liveness,
                    startup_probe: f.startup,
                })
            }
            Kind::More => more.push(K8sAppContainerSpec {
                name: f.name,
                image: f.image,
                image_pull_policy: f.pull_policy,
                cpu: f.cpu,
                memory: f.memory.unwrap_or(0),
                startup_probe: f.startup,
                readiness_probe: f.readiness,
                startup_seconds: 0,
                crashes_after_seconds: None,
                not_ready_after_seconds: None,
                liveness_probe: f.liveness,
                liveness_fails_after_seconds: None,
            }),
            Kind::Init => init.push(K8sInitContainerSpec {
                name: f.name,
                image: f.image,
                image_pull_policy: f.pull_policy,
                runs_seconds: defaults::init_runs_seconds(),
                exit_code: 0,
                cpu: f.cpu,
                memory: f.memory.unwrap_or(0),
                restart_policy: f.restart_always.then_some(ContainerRestartPolicy::Always),
                startup_probe: f.startup,
                readiness_probe: f.readiness,
                startup_seconds: 0,
                crashes_after_seconds: None,
                not_ready_after_seconds: None,
                liveness_probe: f.liveness,
                liveness_fails_after_seconds: None,
            }),
        }
    }
    let Some(first) = first else {
        return Err(r.err(
            list.at,
            "spec.template.spec.containers",
            "Required value: a pod has at least one container",
        ));
    };
    Ok(PodContainers { first, more, init })
}

fn seq<'n>(r: &Reader, n: &'n Node, path: &str) -> R<&'n [Node]> {
    match &n.value {
        Value::Seq(items) => Ok(items),
        v => Err(r.err(
            n.at,
            path,
            format!("expected a list, got {}", v.type_name()),
        )),
    }
}

fn fields(r: &mut Reader, c: &Node, p: &str, kind: Kind) -> R<Fields> {
    let mut known = vec!["name", "image", "imagePullPolicy", "ports", "resources"];
    known.extend(PROBES);
    if kind == Kind::Init {
        known.push("restartPolicy");
    }
    r.map(c, p, &known)?;
    let name = match c.get("name") {
        Some(n) => r.string(n, &join(p, "name"))?,
        None => return Err(r.err(c.at, &join(p, "name"), "Required value")),
    };
    if !dns_label(&name) {
        return Err(r.err(
            c.at,
            &join(p, "name"),
            format!("{name:?} is not a valid container name (RFC 1123 label)"),
        ));
    }
    let image = match c.get("image") {
        Some(n) => r.string(n, &join(p, "image"))?,
        None => return Err(r.err(c.at, &join(p, "image"), "Required value")),
    };
    if image.trim().is_empty() {
        return Err(r.err(c.at, &join(p, "image"), "Required value: an image"));
    }
    let pull_policy = match c.get("imagePullPolicy") {
        Some(n) => {
            let v = r.string(n, &join(p, "imagePullPolicy"))?;
            Some(ImagePullPolicy::parse(&v).ok_or_else(|| {
                r.err(
                    n.at,
                    &join(p, "imagePullPolicy"),
                    format!(
                        "Unsupported value: {v:?}: supported values: \"Always\", \"IfNotPresent\", \"Never\""
                    ),
                )
            })?)
        }
        None => None,
    };
    let mut restart_always = false;
    if let Some(n) = c.get("restartPolicy") {
        let v = r.string(n, &join(p, "restartPolicy"))?;
        if v != "Always" {
            return Err(r.err(
                n.at,
                &join(p, "restartPolicy"),
                format!("Unsupported value: {v:?}: supported values: \"Always\""),
            ));
        }
        restart_always = true;
    }
    let port = ports(r, c, p, kind)?;
    let (cpu, memory) = requests(r, c, p, kind)?;
    let mut probe = |key: &str| -> R<bool> {
        let Some(n) = c.get(key) else {
            return Ok(false);
        };
        let pp = join(p, key);
        if kind == Kind::Init && !restart_always {
            return Err(r.err(
                n.at,
                &pp,
                "Forbidden: may not be set for init containers without restartPolicy=Always",
            ));
        }
        r.map(n, &pp, &["httpGet", "tcpSocket", "grpc", "exec"])?;
        Ok(true)
    };
    let readiness = probe("readinessProbe")?;
    let liveness = probe("livenessProbe")?;
    let startup = probe("startupProbe")?;
    Ok(Fields {
        at: c.at,
        name,
        image,
        pull_policy,
        port,
        cpu,
        memory,
        readiness,
        liveness,
        startup,
        restart_always,
    })
}

fn ports(r: &mut Reader, c: &Node, p: &str, kind: Kind) -> R<Option<u16>> {
    let Some(ports) = c.get("ports") else {
        return Ok(None);
    };
    let pp = join(p, "ports");
    if kind != Kind::First {
        r.warn(
            ports.at,
            pp,
            "Orca's Service sends traffic to the first container's port only (ignored)",
        );
        return Ok(None);
    }
    let Value::Seq(items) = &ports.value else {
        return Err(r.err(
            ports.at,
            &pp,
            format!("expected a list, got {}", ports.value.type_name()),
        ));
    };
    let mut port = None;
    for (i, item) in items.iter().enumerate() {
        let ip = format!("{pp}[{i}]");
        if i > 0 {
            r.warn(item.at, ip, "Orca models one port per container (ignored)");
            continue;
        }
        r.map(item, &ip, &["containerPort", "name", "protocol"])?;
        if let Some(n) = item.get("containerPort") {
            let v = r.int(n, &join(&ip, "containerPort"), 65_535)?;
            if v == 0 {
                return Err(r.err(
                    n.at,
                    &join(&ip, "containerPort"),
                    "0 is not a port; valid: 1 to 65535",
                ));
            }
            port = Some(v as u16);
        }
        if let Some(proto) = item.get("protocol")
            && r.string(proto, &join(&ip, "protocol"))? != "TCP"
        {
            r.warn(
                proto.at,
                join(&ip, "protocol"),
                "Orca models TCP only (ignored)",
            );
        }
    }
    Ok(port)
}

/// `resources.requests`: a container that names none requests nothing, as Kubernetes counts a
/// container without requests (or limits). The first container gets Orca's default memory
/// request, and a warning for each request it leaves out: without a CPU request an HPA on CPU
/// utilization fails, as in Kubernetes.
fn requests(r: &mut Reader, c: &Node, p: &str, kind: Kind) -> R<(Option<u32>, Option<u32>)> {
    let (mut cpu, mut memory) = (None, None);
    let rp = join(p, "resources");
    if let Some(res) = c.get("resources") {
        r.map(res, &rp, &["requests"])?;
        if let Some(req) = res.get("requests") {
            let qp = join(&rp, "requests");
            r.map(req, &qp, &["cpu", "memory"])?;
            if let Some(n) = req.get("cpu") {
                cpu = Some(cpu_millis(n).ok_or_else(|| {
                    r.err(
                        n.at,
                        &join(&qp, "cpu"),
                        "not a CPU quantity such as \"250m\" or \"0.5\"",
                    )
                })?);
            }
            if let Some(n) = req.get("memory") {
                memory = Some(memory_mib(n).ok_or_else(|| {
                    r.err(
                        n.at,
                        &join(&qp, "memory"),
                        "not a memory quantity such as \"128Mi\" or \"1Gi\"",
                    )
                })?);
            }
        }
    }
    if kind == Kind::First {
        if cpu.is_none() {
            r.warn(
                c.at,
                join(&rp, "requests.cpu"),
                "not set: the container requests no CPU, so the scheduler counts 0m for it and an HPA on CPU utilization cannot work out a utilization (FailedGetResourceMetric: missing request for cpu)",
            );
        }
        if memory.is_none() {
            r.warn(
                c.at,
                join(&rp, "requests.memory"),
                &format!(
                    "not set; Orca gives the container a request of {} MiB",
                    defaults::memory_request()
                ),
            );
        }
    }
    Ok((cpu, memory))
}

pub(super) fn dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A CPU quantity in millicores: `250m`, `0.5`, `1`, `2` (Kubernetes resource units,
/// <https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#resource-units-in-kubernetes>).
pub fn cpu_millis(n: &Node) -> Option<u32> {
    let cores = match &n.value {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::Str(s) => match s.strip_suffix('m') {
            Some(m) => return m.parse::<u32>().ok().filter(|v| *v <= 1_000_000),
            None => s.parse::<f64>().ok()?,
        },
        _ => return None,
    };
    let m = (cores * 1000.0).ceil();
    (m.is_finite() && (0.0..=1_000_000.0).contains(&m)).then_some(m as u32)
}

/// [`cpu_millis`] of a quantity written as text (`kubectl set resources --requests=cpu=250m`).
pub fn cpu_quantity(s: &str) -> Option<u32> {
    cpu_millis(&Node {
        at: Pos::default(),
        value: Value::Str(s.to_string()),
    })
}

/// [`memory_mib`] of a quantity written as text (`--requests=memory=256Mi`).
pub fn memory_quantity(s: &str) -> Option<u32> {
    memory_mib(&Node {
        at: Pos::default(),
        value: Value::Str(s.to_string()),
    })
}

/// A memory quantity in MiB, rounded up: `128Mi`, `1Gi`, `512M`, `1G`, bytes.
pub fn memory_mib(n: &Node) -> Option<u32> {
    let bytes: f64 = match &n.value {
        Value::Int(i) => *i as f64,
        Value::Str(s) => {
            let suffixes: [(&str, f64); 8] = [
                ("Ki", 1024.0),
                ("Mi", 1048576.0),
                ("Gi", 1073741824.0),
                ("Ti", 1099511627776.0),
                ("k", 1e3),
                ("M", 1e6),
                ("G", 1e9),
                ("T", 1e12),
            ];
            match suffixes.iter().find(|(suf, _)| s.ends_with(suf)) {
                Some((suf, mul)) => s[..s.len() - suf.len()].parse::<f64>().ok()? * mul,
                None => s.parse::<f64>().ok()?,
            }
        }
        _ => return None,
    };
    let mib = (bytes / 1048576.0).ceil();
    (mib.is_finite() && (0.0..=16_777_216.0).contains(&mib)).then_some(mib as u32)
}

#[cfg(test)]
mod tests {
    use crate::manifest::k8s::Object;
    use crate::manifest::read_k8s;

    fn deployment(pod_spec: &str) -> Result<crate::manifest::k8s::DeploymentManifest, String> {
        let text = format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: {{app: shop}}\n  template:\n    metadata:\n      labels: {{app: shop}}\n    spec:\n{pod_spec}"
        );
        match read_k8s("shop.yaml", &text) {
            Ok((objects, _)) => match objects.into_iter().next() {
                Some(Object::Deployment(d)) => Ok(*d),
                other => Err(format!("not a Deployment: {other:?}")),
            },
            Err(e) => Err(e.to_string()),
        }
    }

    #[test]
    fn a_container_without_a_cpu_request_requests_none_with_a_warning() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: {app: shop}\n  template:\n    metadata:\n      labels: {app: shop}\n    spec:\n      containers:\n      - name: shop\n        image: shop:v1\n";
        let (objects, warnings) = read_k8s("shop.yaml", text).expect("valid");
        let Some(Object::Deployment(d)) = objects.into_iter().next() else {
            panic!("a Deployment");
        };
        // No CPU request (the HPA then fails, as in Kubernetes); Orca's default memory one.
        assert_eq!((d.spec.container.cpu, d.spec.container.memory), (None, 256));
        let shown: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
        assert!(
            shown.iter().any(|w| w.contains("resources.requests.cpu")
                && w.contains("requests no CPU")
                && w.contains("FailedGetResourceMetric")),
            "{shown:?}"
        );
    }

    #[test]
    fn a_native_sidecar_an_init_container_and_a_second_app_container_are_read() {
        let d = deployment(
            "      initContainers:
      - name: migrate
        image: shop-migrate:v1
      - name: log-router
        image: fluent-bit:3
        restartPolicy: Always
        startupProbe: {httpGet: {path: /, port: 2020}}
        resources: {requests: {cpu: 50m, memory: 64Mi}}
      containers:
      - name: shop
        image: shop:v1
        resources: {requests: {cpu: 250m, memory: 256Mi}}
      - name: metrics
        image: exporter:v1
        readinessProbe: {tcpSocket: {port: 9100}}
        resources: {requests: {cpu: 20m}}
",
        )
        .expect("valid");
        let s = &d.spec;
        assert_eq!(s.container.name, "shop");
        assert_eq!(s.containers.len(), 1);
        assert_eq!(s.containers[0].name, "metrics");
        assert!(s.containers[0].readiness_probe);
        assert_eq!((s.containers[0].cpu, s.containers[0].memory), (Some(20), 0));
        assert_eq!(s.init_containers.len(), 2);
        assert_eq!(s.init_containers[0].restart_policy, None);
        assert_eq!(
            s.init_containers[1].restart_policy,
            Some(crate::scenario::spec::ContainerRestartPolicy::Always)
        );
        assert!(s.init_containers[1].startup_probe);
        assert_eq!(
            (s.init_containers[1].cpu, s.init_containers[1].memory),
            (Some(50), 64)
        );
    }

    #[test]
    fn a_probe_on_a_plain_init_container_is_refused_as_the_api_server_does() {
        let e = deployment(
            "      initContainers:
      - name: migrate
        image: shop-migrate:v1
        readinessProbe: {exec: {command: [ok]}}
      containers:
      - name: shop
        image: shop:v1
",
        )
        .expect_err("refused");
        assert!(
            e.contains("spec.template.spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"),
            "{e}"
        );
    }

    #[test]
    fn an_init_container_restart_policy_other_than_always_is_refused() {
        let e = deployment(
            "      initContainers:
      - name: proxy
        image: envoy:v1
        restartPolicy: OnFailure
      containers:
      - name: shop
        image: shop:v1
",
        )
        .expect_err("refused");
        assert!(
            e.contains("Unsupported value: \"OnFailure\": supported values: \"Always\""),
            "{e}"
        );
    }

    #[test]
    fn container_names_are_unique_across_app_and_init_containers() {
        let e = deployment(
            "      initContainers:
      - name: shop
        image: shop-migrate:v1
      containers:
      - name: shop
        image: shop:v1
",
        )
        .expect_err("refused");
        assert!(e.contains("Duplicate value: \"shop\""), "{e}");
    }
}
