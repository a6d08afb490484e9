//! A pod template's init containers: valid, distinct names (also distinct from the
//! container's), an image, a bounded run time and an exit code of 0–255. Kubernetes
//! documentation, "Init Containers"; container names are DNS labels (RFC 1123).

use super::Problems;
use super::common::{check_limit, dns_label_ok};
use crate::scenario::limits::{EXIT_CODE, INIT_CONTAINERS, INIT_RUNS};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::K8sDeploymentSpec;

pub(super) fn init_containers(out: &mut Problems, d: &K8sDeploymentSpec, p: &Path) {
    let ip = p.field("init_containers");
    if d.init_containers.len() > INIT_CONTAINERS {
        out.push((
            ip.clone(),
            format!(
                "{} init containers; Orca runs at most {INIT_CONTAINERS} per pod",
                d.init_containers.len()
            ),
        ));
        return;
    }
    for (i, c) in d.init_containers.iter().enumerate() {
        let cp = ip.index(i);
        if !dns_label_ok(&c.name) {
            out.push((
                cp.field("name"),
                format!(
                    "init container name {} is not a valid Kubernetes name; use lowercase letters, digits and '-'",
                    quoted(&c.name)
                ),
            ));
        } else if c.name == d.container.name
            || d.init_containers[..i].iter().any(|o| o.name == c.name)
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
                "the image is empty; e.g. \"busybox:1.36\"".into(),
            ));
        }
        check_limit(
            out,
            cp.field("runs_seconds"),
            "runs_seconds",
            c.runs_seconds,
            INIT_RUNS,
            " s",
        );
        check_limit(
            out,
            cp.field("exit_code"),
            "exit_code",
            c.exit_code,
            EXIT_CODE,
            "",
        );
    }
}
