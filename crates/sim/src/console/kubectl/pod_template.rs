//! The `Pod Template:` block kubectl prints for a Deployment, a ReplicaSet, a DaemonSet or a
//! StatefulSet (`kubectl describe`) and for a revision (`kubectl rollout history --revision`,
//! `rollout undo --dry-run=client`): kubectl's `DescribePodTemplate` (`pkg/describe/
//! describe.go`) for Orca's one-container templates — labels, the container's image, port and
//! host port, its requests, probes, environment and mounts, then the template's volumes, node
//! selectors and tolerations (Orca's templates set none of those).
//!
//! kubectl writes a tab between a key and its value. `describe` sends its output through a
//! tabwriter ([`aligned`]); `rollout history` prints the tabs as they are, which a terminal
//! expands to the next multiple of eight.

use crate::k8s::cluster::{DeploymentState, Template};

/// The block with kubectl's tabs, its first line `Pod Template:`, of a template of workload
/// `w`: on the host network the API server defaults each container port's `hostPort` to the
/// port (`SetDefaults_PodSpec`, pkg/apis/core/v1/defaults.go), and a workload that tolerates
/// every taint (EKS's VPC CNI and kube-proxy) lists the toleration `op=Exists`.
pub(super) fn tabbed(labels: &[String], t: &Template, w: &DeploymentState) -> String {
    let mut o = String::from("Pod Template:\n");
    // printLabelsMultiline: the first label after the title, the others under it.
    for (i, l) in labels.iter().enumerate() {
        let head = if i == 0 { "  Labels:" } else { "" };
        o.push_str(&format!("{head}\t{l}\n"));
    }
    o.push_str("  Containers:\n");
    o.push_str(&format!("   {}:\n", t.container));
    o.push_str(&format!("    Image:\t{}\n", t.image));
    o.push_str(&format!("    Port:\t{}/TCP\n", t.port));
    let host_port = if w.host_network { t.port } else { 0 };
    o.push_str(&format!("    Host Port:\t{host_port}/TCP\n"));
    // describeContainerResource: the CPU line only when the container names a CPU request.
    let memory = t.requests.memory_mib > 0;
    if t.cpu_requested || memory {
        o.push_str("    Requests:\n");
        if t.cpu_requested {
            o.push_str(&format!("      cpu:\t{}m\n", t.requests.cpu_millis));
        }
        if memory {
            o.push_str(&format!("      memory:\t{}Mi\n", t.requests.memory_mib));
        }
    }
    // describeContainerProbe.
    for probe in crate::k8s::read::template_probes(t) {
        o.push_str(&format!("    {}:\t{}\n", probe.name(), probe.describe()));
    }
    o.push_str("    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n");
    let tolerations = if w.tolerates_all_taints {
        "op=Exists"
    } else {
        "<none>"
    };
    o.push_str(&format!(
        "  Node-Selectors:\t<none>\n  Tolerations:\t{tolerations}\n"
    ));
    o
}

/// The block as `kubectl describe` prints it.
pub(super) fn described(labels: &[String], t: &Template, w: &DeploymentState) -> String {
    aligned(&tabbed(labels, t, w))
}

/// Go's `text/tabwriter` as kubectl's describers set it up (padding 2, spaces) for text whose
/// lines hold at most one tab: the lines of a run that all have one are padded to the widest
/// key of the run, plus two; a line without a tab ends the run.
pub(super) fn aligned(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len() + 64);
    let mut i = 0;
    while i < lines.len() {
        if !lines[i].contains('\t') {
            out.push_str(lines[i]);
            i += 1;
            continue;
        }
        let end = (i..lines.len())
            .find(|&j| !lines[j].contains('\t'))
            .unwrap_or(lines.len());
        let width = lines[i..end]
            .iter()
            .filter_map(|l| l.split_once('\t'))
            .map(|(key, _)| key.chars().count())
            .max()
            .unwrap_or(0)
            + 2;
        for l in &lines[i..end] {
            if let Some((key, value)) = l.split_once('\t') {
                out.push_str(&format!("{key:<width$}{value}"));
            }
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::aligned;

    #[test]
    fn a_run_of_tabbed_lines_aligns_to_its_widest_key_and_a_plain_line_ends_it() {
        let text = "Pod Template:\n  Labels:\tapp=web\n\tpod-template-hash=1a\n  Containers:\n    Image:\tweb:v1\n    Requests:\n      cpu:\t250m\n  Node-Selectors:\t<none>\n";
        assert_eq!(
            aligned(text),
            "Pod Template:\n  Labels:  app=web\n           pod-template-hash=1a\n  Containers:\n    Image:  web:v1\n    Requests:\n      cpu:         250m\n  Node-Selectors:  <none>\n"
        );
    }
}
