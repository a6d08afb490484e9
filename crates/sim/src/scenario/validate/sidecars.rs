//! Native sidecars and a pod's further app containers: `restart_policy` and the behaviour
//! fields belong to sidecars (an ordinary init container runs to completion), a sidecar keeps
//! running (no `exit_code`) and must start before it can exit, a failing readiness or liveness
//! endpoint needs its probe, and the further containers have valid, distinct names. Kubernetes
//! documentation, "Sidecar Containers"; container names are DNS labels (RFC 1123).

use super::Problems;
use super::common::{check_limit, dns_label_ok};
use crate::scenario::limits::{APP_CONTAINERS, SIDE_AFTER, SIDE_STARTUP};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::K8sDeploymentSpec;

/// The behaviour fields a sidecar and a further app container share.
struct Behaviour {
    startup_probe: bool,
    readiness_probe: bool,
    startup_seconds: u32,
    crashes_after_seconds: Option<u32>,
    not_ready_after_seconds: Option<u32>,
    liveness_probe: bool,
    liveness_fails_after_seconds: Option<u32>,
}

pub(super) fn sidecars(out: &mut Problems, d: &K8sDeploymentSpec, p: &Path) {
    let ip = p.field("init_containers");
    for (i, c) in d.init_containers.iter().enumerate() {
        let cp = ip.index(i);
        let b = Behaviour {
            startup_probe: c.startup_probe,
            readiness_probe: c.readiness_probe,
            startup_seconds: c.startup_seconds,
            crashes_after_seconds: c.crashes_after_seconds,
            not_ready_after_seconds: c.not_ready_after_seconds,
            liveness_probe: c.liveness_probe,
            liveness_fails_after_seconds: c.liveness_fails_after_seconds,
        };
        if c.restart_policy.is_none() {
            let set = [
                ("startup_probe", c.startup_probe),
                ("readiness_probe", c.readiness_probe),
                ("startup_seconds", c.startup_seconds != 0),
                ("crashes_after_seconds", c.crashes_after_seconds.is_some()),
                (
                    "not_ready_after_seconds",
                    c.not_ready_after_seconds.is_some(),
                ),
                ("liveness_probe", c.liveness_probe),
                (
                    "liveness_fails_after_seconds",
                    c.liveness_fails_after_seconds.is_some(),
                ),
            ];
            for (field, _) in set.iter().filter(|(_, on)| *on) {
                out.push((
                    cp.field(field),
                    format!(
                        "{field} describes a native sidecar, and init container {} is an ordinary one that runs to completion; add restart_policy: Always, or use runs_seconds and exit_code",
                        quoted(&c.name)
                    ),
                ));
            }
            continue;
        }
        if c.exit_code != 0 {
            out.push((
                cp.field("exit_code"),
                format!(
                    "native sidecar {} keeps running, so exit_code does not apply; to make it exit, use crashes_after_seconds",
                    quoted(&c.name)
                ),
            ));
        }
        behaviour(out, &b, &cp, true);
    }
    let ap = p.field("containers");
    if d.containers.len() > APP_CONTAINERS {
        out.push((
            ap,
            format!(
                "{} further containers; Orca runs at most {APP_CONTAINERS} per pod beside the first",
                d.containers.len()
            ),
        ));
        return;
    }
    for (i, c) in d.containers.iter().enumerate() {
        let cp = ap.index(i);
        if !dns_label_ok(&c.name) {
            out.push((
                cp.field("name"),
                format!(
                    "container name {} is not a valid Kubernetes name; use lowercase letters, digits and '-'",
                    quoted(&c.name)
                ),
            ));
        } else if c.name == d.container.name
            || d.init_containers.iter().any(|o| o.name == c.name)
            || d.containers[..i].iter().any(|o| o.name == c.name)
        {
            out.push((
                cp.field("name"),
                format!(
                    "the name {} is already used in this pod; every container and init container of a pod needs its own name",
                    quoted(&c.name)
                ),
            ));
        }
        if c.image.trim().is_empty() {
            out.push((
                cp.field("image"),
                "the image is empty; e.g. \"public.ecr.aws/aws-observability/aws-for-fluent-bit:stable\"".into(),
            ));
        }
        let b = Behaviour {
            startup_probe: c.startup_probe,
            readiness_probe: c.readiness_probe,
            startup_seconds: c.startup_seconds,
            crashes_after_seconds: c.crashes_after_seconds,
            not_ready_after_seconds: c.not_ready_after_seconds,
            liveness_probe: c.liveness_probe,
            liveness_fails_after_seconds: c.liveness_fails_after_seconds,
        };
        behaviour(out, &b, &cp, false);
    }
}

fn behaviour(out: &mut Problems, b: &Behaviour, cp: &Path, sidecar: bool) {
    check_limit(
        out,
        cp.field("startup_seconds"),
        "startup_seconds",
        b.startup_seconds,
        SIDE_STARTUP,
        " s",
    );
    for (field, v) in [
        ("crashes_after_seconds", b.crashes_after_seconds),
        ("not_ready_after_seconds", b.not_ready_after_seconds),
        (
            "liveness_fails_after_seconds",
            b.liveness_fails_after_seconds,
        ),
    ] {
        if let Some(v) = v {
            check_limit(out, cp.field(field), field, v, SIDE_AFTER, " s");
        }
    }
    if b.not_ready_after_seconds.is_some() && !b.readiness_probe {
        out.push((
            cp.field("not_ready_after_seconds"),
            "without a readiness probe nothing notices a failing readiness endpoint; add readiness_probe: true".into(),
        ));
    }
    if b.liveness_fails_after_seconds.is_some() && !b.liveness_probe {
        out.push((
            cp.field("liveness_fails_after_seconds"),
            "without a liveness probe nothing notices a failing liveness endpoint; add liveness_probe: true".into(),
        ));
    }
    // A sidecar's turn among the init containers ends when it has started: it must not exit
    // before (its startup probe's first check after the process answers, at least 10 s).
    if sidecar
        && b.startup_probe
        && let Some(c) = b.crashes_after_seconds
    {
        let started = u64::from(b.startup_seconds).div_ceil(10).max(1) * 10;
        if u64::from(c) <= started {
            out.push((
                cp.field("crashes_after_seconds"),
                format!(
                    "the sidecar would exit at {c} s, before its startup probe passes (at {started} s); Orca needs a sidecar to start first, so use more than {started}"
                ),
            ));
        }
    }
}
