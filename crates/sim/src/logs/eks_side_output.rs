//! What a pod's native sidecar or further app container wrote in one run (the read model
//! behind `kubectl logs POD -c NAME`) [model: Orca's applications, as `eks_output.rs` for the
//! first container]: the process starting, the kubelet's probe requests every 10 s answered as
//! its behaviour says (200, then 503 once its readiness fails), and an error line before it
//! exits.

use crate::k8s::cluster::{EksCluster, SideStatus};
use crate::k8s::sidecars;
use crate::time::{Millis, SimTime};

/// The lines of container `s` of pod `p`: its current run, or with `previous` the run before.
pub fn run_lines(
    eks: &EksCluster,
    now: SimTime,
    p: usize,
    s: &SideStatus,
    previous: bool,
) -> Vec<String> {
    let pod = &eks.pods[p];
    let t = eks.template_of(p);
    let Some((image, b)) = sidecars::behavior(t, &s.name) else {
        return Vec::new();
    };
    let (start, end) = match (previous, s.previous_start) {
        (true, Some(prev)) => (prev, s.started_at),
        _ => (s.started_at, now),
    };
    let run = sidecars::plan(b, start);
    let end = run.exits.map_or(end, |e| e.min(end));
    let stamp = SimTime::iso8601_micro_z;
    let node_ip = pod.node.map_or_else(
        || "10.0.0.1".to_string(),
        |n| eks.nodes[n].private_ip.clone(),
    );
    let mut lines = vec![format!(
        "{} INFO  {} starting (image {image})",
        stamp(start),
        s.name
    )];
    let up = start.plus(b.startup);
    if up <= end {
        lines.push(format!("{} INFO  {} running", stamp(up), s.name));
    }
    let failing_from = b.not_ready_after.map(|a| start.plus(a));
    let probes = [(b.startup_probe, "/started"), (b.readiness_probe, "/ready")];
    let mut at = start.plus(Millis::from_secs(10));
    while at <= end && lines.len() < crate::logs::MAX_LINES {
        if at >= up {
            for (on, path) in probes {
                // The startup probe stops once it has passed.
                let asked = on && (path != "/started" || at <= run.started);
                if asked {
                    let code = if path == "/ready" && failing_from.is_some_and(|f| at >= f) {
                        503
                    } else {
                        200
                    };
                    lines.push(format!(
                        "{node_ip} - - [{}] \"GET {path} HTTP/1.1\" {code} {} \"-\" \"kube-probe/1.31\"",
                        stamp(at),
                        if code == 200 { 2 } else { 21 }
                    ));
                }
            }
        }
        at = at.plus(Millis::from_secs(10));
    }
    if let Some(e) = run.exits.filter(|&e| e <= end) {
        lines.push(format!(
            "{} ERROR {}: unrecoverable error; exiting with status 1",
            stamp(e),
            s.name
        ));
    }
    lines
}
