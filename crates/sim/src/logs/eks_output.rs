//! What a pod's container wrote in one run (the read model behind `kubectl logs` and a future
//! logs panel) [model: Orca's applications]: the app starting, the kubelet's probe requests
//! every 10 s answered as the app's behaviour says, and how the run ended (an error line before
//! a crash; nothing on an OOM kill, which the kernel ends with SIGKILL).

use super::LogLine;
use crate::event::{Event, Source};
use crate::k8s::cluster::{ContainerState, EksCluster};
use crate::time::{Millis, SimTime};

/// The Kubernetes events of `object` (`pod/<name>`), oldest first.
fn events_of<'a>(log: &'a [Event], object: &'a str) -> impl Iterator<Item = &'a Event> + 'a {
    log.iter()
        .filter(move |e| matches!(&e.source, Source::Kube(o) if o == object))
}

/// When each run of pod `p`'s container started, oldest first, up to `now`: its `Started`
/// events, and the moment the pod was created when it was running from the scenario's start
/// (such a pod has no `Started` event for its first run; its restarts tell that it ran).
pub fn run_starts(eks: &EksCluster, log: &[Event], p: usize, now: SimTime) -> Vec<SimTime> {
    let pod = &eks.pods[p];
    let object = format!("pod/{}", pod.name);
    let mut starts: Vec<SimTime> = events_of(log, &object)
        .take_while(|e| e.at <= now)
        .filter(|e| matches!(&e.kind, crate::event::EventKind::Kube { reason, .. } if reason == "Started"))
        .map(|e| e.at)
        .collect();
    let ran = pod.restarts > 0 || !matches!(pod.state, ContainerState::Waiting { .. });
    if ran && starts.len() < pod.restarts as usize + 1 && pod.created_at <= now {
        starts.insert(0, pod.created_at);
    }
    starts
}

/// When the container's previous run started: the run before the current one.
pub fn previous_start(eks: &EksCluster, log: &[Event], p: usize, now: SimTime) -> SimTime {
    let starts = run_starts(eks, log, p, now);
    match starts.len() {
        0 => SimTime::ZERO,
        1 => starts[0],
        n => starts[n - 2],
    }
}

/// The lines one run of the container wrote from `start`, each with when it was written: the
/// app starting, the kubelet's probes every 10 s answered as the app's behaviour says, and the
/// end of the run if it ended. A previous run ends at the next `Started` event (or `now`).
pub fn run_lines(
    eks: &EksCluster,
    log: &[Event],
    now: SimTime,
    p: usize,
    start: SimTime,
    previous: bool,
) -> Vec<LogLine> {
    let pod = &eks.pods[p];
    let t = eks.template_of(p);
    let b = &t.behavior;
    let stamp = SimTime::iso8601_micro_z;
    let node_ip = pod.node.map_or_else(
        || "10.0.0.1".to_string(),
        |n| eks.nodes[n].private_ip.clone(),
    );
    let mut lines = vec![LogLine {
        at: start,
        text: format!(
            "{} INFO  {} starting (image {})",
            stamp(start),
            t.container,
            t.image
        ),
    }];
    let up = start.plus(Millis::from_secs(b.startup_seconds));
    // The run ends at the next restart (previous run) or now.
    let next_start = if previous {
        let object = format!("pod/{}", pod.name);
        events_of(log, &object)
            .filter(|e| matches!(&e.kind, crate::event::EventKind::Kube { reason, .. } if reason == "Started"))
            .map(|e| e.at)
            .find(|&at| at > start)
            .unwrap_or(now)
    } else {
        now
    };
    let crash = b
        .crashes_after_seconds
        .map(|s| start.plus(Millis::from_secs(s)))
        .filter(|&at| at <= next_start);
    let oom = b
        .oom_after_seconds
        .map(|s| start.plus(Millis::from_secs(s)))
        .filter(|&at| at <= next_start);
    let end = [crash, oom]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(next_start);
    if up <= end {
        lines.push(LogLine {
            at: up,
            text: format!(
                "{} INFO  listening on :{} (started in {}s)",
                stamp(up),
                t.port,
                b.startup_seconds
            ),
        });
    }
    let mut at = start.plus(Millis::from_secs(10));
    while at <= end && lines.len() < 2000 {
        if at >= up {
            let probes = [
                (t.readiness_probe, "/ready", b.readiness_fails_with),
                (t.liveness_probe, "/healthz", b.liveness_fails_with),
            ];
            for (on, path, fails) in probes {
                if on {
                    let code = fails.unwrap_or(200);
                    lines.push(LogLine {
                        at,
                        text: format!(
                            "{node_ip} - - [{}] \"GET {path} HTTP/1.1\" {code} {} \"-\" \"kube-probe/1.31\"",
                            stamp(at),
                            if code == 200 { 2 } else { 21 }
                        ),
                    });
                }
            }
        }
        at = at.plus(Millis::from_secs(10));
    }
    if let Some(c) = crash
        && Some(c) == [crash, oom].into_iter().flatten().min()
    {
        lines.push(LogLine {
            at: c,
            text: format!(
                "{} ERROR configuration invalid: cannot start {}; exiting with status 1",
                stamp(c),
                t.container
            ),
        });
    }
    // An OOM kill leaves no last words: the kernel ends the process.
    lines
}
