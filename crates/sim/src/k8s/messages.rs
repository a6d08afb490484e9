//! Event wording as `kubectl get events` shows it (`docs/rules/k8s-pods.md#event-lines` and
//! `docs/rules/k8s-deployments.md#events`). Orca uses the wording of Kubernetes 1.33
//! throughout (`Scaled up replica set X from A to B`, `Created container: c`, `Successfully
//! pulled image … Image size: N bytes.`).

use crate::time::Millis;

/// `Normal ScalingReplicaSet` (deployment-controller, 1.31+ wording).
pub fn scaled_replica_set(rs: &str, from: u32, to: u32) -> String {
    let dir = if to >= from { "up" } else { "down" };
    format!("Scaled {dir} replica set {rs} from {from} to {to}")
}

/// `Normal SuccessfulCreate` (replicaset-controller).
pub fn created_pod(pod: &str) -> String {
    format!("Created pod: {pod}")
}

/// `Normal SuccessfulDelete` (replicaset-controller).
pub fn deleted_pod(pod: &str) -> String {
    format!("Deleted pod: {pod}")
}

/// `Normal Scheduled` (default-scheduler).
pub fn scheduled(namespace: &str, pod: &str, node: &str) -> String {
    format!("Successfully assigned {namespace}/{pod} to {node}")
}

pub fn pulling(image: &str) -> String {
    format!("Pulling image \"{image}\"")
}

/// The kubelet prints the pull's time as a Go `time.Duration` truncated to milliseconds
/// (`Successfully pulled image %q in %v (%v including waiting)` in
/// `pkg/kubelet/images/image_manager.go`): `3s`, `500ms`, `1m5.5s`.
pub fn pulled(image: &str, took: Millis, size_bytes: u64) -> String {
    let took = go_duration(took);
    format!(
        "Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: {size_bytes} bytes."
    )
}

/// `imagePullPolicy: Never` and no image on the node (`EnsureImageExists`).
pub fn never_pull(image: &str) -> String {
    format!("Container image \"{image}\" is not present with pull policy of Never")
}

/// Go's `time.Duration.String()` of a whole number of milliseconds: `0s`, `500ms`, `3s`,
/// `2.345s`, `1m5s`, `1h0m0s`.
pub fn go_duration(d: Millis) -> String {
    let ms = d.0;
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let secs = ms / 1000;
    let frac = ms % 1000;
    let mut s = format!("{}", secs % 60);
    if frac > 0 {
        let digits = format!("{frac:03}");
        s.push('.');
        s.push_str(digits.trim_end_matches('0'));
    }
    s.push('s');
    let minutes = secs / 60;
    if minutes == 0 {
        return s;
    }
    let hours = minutes / 60;
    if hours == 0 {
        return format!("{minutes}m{s}");
    }
    format!("{hours}h{}m{s}", minutes % 60)
}

pub fn already_present(image: &str) -> String {
    format!("Container image \"{image}\" already present on machine")
}

pub fn failed_pull(image: &str) -> String {
    format!(
        "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": not found"
    )
}

/// `Warning Failed` after a container could not be started: `Error: ErrImagePull`,
/// `Error: ImagePullBackOff` (`startContainer` records the error of `EnsureImageExists`).
pub fn error_reason(reason: &str) -> String {
    format!("Error: {reason}")
}

pub fn back_off_pulling(image: &str) -> String {
    format!("Back-off pulling image \"{image}\"")
}

pub fn created_container(container: &str) -> String {
    format!("Created container: {container}")
}

pub fn started_container(container: &str) -> String {
    format!("Started container {container}")
}

pub fn stopping_container(container: &str) -> String {
    format!("Stopping container {container}")
}

pub fn killing_liveness(container: &str) -> String {
    format!("Container {container} failed liveness probe, will be restarted")
}

/// Which probe failed, for `Warning Unhealthy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

/// `Warning Unhealthy`: `Readiness probe failed: HTTP probe failed with statuscode: 503`.
pub fn probe_failed(kind: ProbeKind, output: &str) -> String {
    let k = match kind {
        ProbeKind::Liveness => "Liveness",
        ProbeKind::Readiness => "Readiness",
        ProbeKind::Startup => "Startup",
    };
    format!("{k} probe failed: {output}")
}

/// The output of an HTTP probe that got a bad status.
pub fn http_status_output(code: u16) -> String {
    format!("HTTP probe failed with statuscode: {code}")
}

/// The output of an HTTP probe whose connection was refused.
pub fn connection_refused_output(ip: &str, port: u16, path: &str) -> String {
    format!("Get \"http://{ip}:{port}{path}\": dial tcp {ip}:{port}: connect: connection refused")
}

/// `Warning FailedCreatePodSandBox` when the VPC CNI finds no free address for the pod
/// [observed: the wording of `aws-cni` when its subnet is exhausted].
pub fn failed_create_sandbox(sandbox_id: &str) -> String {
    format!(
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"{sandbox_id}\": plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign an IP address to container"
    )
}

/// `Warning BackOff` while a container is in CrashLoopBackOff.
pub fn back_off_restarting(container: &str, pod: &str, namespace: &str, uid: &str) -> String {
    format!("Back-off restarting failed container {container} in pod {pod}_{namespace}({uid})")
}

/// `state.waiting.message` during CrashLoopBackOff.
pub fn crash_loop_waiting(
    delay_secs: u64,
    container: &str,
    pod: &str,
    namespace: &str,
    uid: &str,
) -> String {
    let d = if delay_secs >= 60 && delay_secs.is_multiple_of(60) {
        format!("{}m0s", delay_secs / 60)
    } else if delay_secs >= 60 {
        format!("{}m{}s", delay_secs / 60, delay_secs % 60)
    } else {
        format!("{delay_secs}s")
    };
    format!("back-off {d} restarting failed container={container} pod={pod}_{namespace}({uid})")
}

/// `kubectl rollout status` while a rollout is under way, or when it is done.
pub fn rollout_status(
    deployment: &str,
    replicas: u32,
    updated: u32,
    old_pending: u32,
    updated_available: u32,
) -> String {
    if updated < replicas {
        format!(
            "Waiting for deployment \"{deployment}\" rollout to finish: {updated} out of {replicas} new replicas have been updated..."
        )
    } else if old_pending > 0 {
        format!(
            "Waiting for deployment \"{deployment}\" rollout to finish: {old_pending} old replicas are pending termination..."
        )
    } else if updated_available < replicas {
        format!(
            "Waiting for deployment \"{deployment}\" rollout to finish: {updated_available} of {updated} updated replicas are available..."
        )
    } else {
        format!("deployment \"{deployment}\" successfully rolled out")
    }
}

/// `kubectl rollout status` after `progressDeadlineSeconds` without progress.
pub fn progress_deadline_exceeded(deployment: &str) -> String {
    format!("error: deployment \"{deployment}\" exceeded its progress deadline")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_times_read_as_go_durations() {
        for (ms, text) in [
            (0, "0s"),
            (500, "500ms"),
            (3000, "3s"),
            (2345, "2.345s"),
            (1500, "1.5s"),
            (65_000, "1m5s"),
            (3_600_000, "1h0m0s"),
        ] {
            assert_eq!(go_duration(Millis(ms)), text);
        }
        assert_eq!(
            pulled("nginx:1.25", Millis(3000), 71_234_567),
            "Successfully pulled image \"nginx:1.25\" in 3s (3s including waiting). Image size: 71234567 bytes."
        );
        assert_eq!(
            never_pull("myapp:v1.0"),
            "Container image \"myapp:v1.0\" is not present with pull policy of Never"
        );
    }

    #[test]
    fn wording_matches_the_reference() {
        assert_eq!(
            scaled_replica_set("web-7d4b9c8f6d", 0, 3),
            "Scaled up replica set web-7d4b9c8f6d from 0 to 3"
        );
        assert_eq!(
            scaled_replica_set("web-5f6c7d8e9f", 3, 2),
            "Scaled down replica set web-5f6c7d8e9f from 3 to 2"
        );
        assert_eq!(
            scheduled(
                "default",
                "web-7d4b9c8f6d-x2k9p",
                "ip-10-0-1-23.ec2.internal"
            ),
            "Successfully assigned default/web-7d4b9c8f6d-x2k9p to ip-10-0-1-23.ec2.internal"
        );
        assert_eq!(
            probe_failed(ProbeKind::Liveness, &http_status_output(500)),
            "Liveness probe failed: HTTP probe failed with statuscode: 500"
        );
        assert_eq!(
            probe_failed(
                ProbeKind::Readiness,
                &connection_refused_output("10.0.1.5", 8080, "/ready")
            ),
            "Readiness probe failed: Get \"http://10.0.1.5:8080/ready\": dial tcp 10.0.1.5:8080: connect: connection refused"
        );
        assert_eq!(
            killing_liveness("web"),
            "Container web failed liveness probe, will be restarted"
        );
        assert_eq!(
            crash_loop_waiting(40, "web", "web-7d4b9c8f6d-x2k9p", "default", "3f1c"),
            "back-off 40s restarting failed container=web pod=web-7d4b9c8f6d-x2k9p_default(3f1c)"
        );
        assert_eq!(
            crash_loop_waiting(300, "web", "p", "default", "u"),
            "back-off 5m0s restarting failed container=web pod=p_default(u)"
        );
    }

    #[test]
    fn rollout_status_walks_through_its_stages() {
        assert_eq!(
            rollout_status("web", 3, 2, 0, 0),
            "Waiting for deployment \"web\" rollout to finish: 2 out of 3 new replicas have been updated..."
        );
        assert_eq!(
            rollout_status("web", 3, 3, 1, 3),
            "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination..."
        );
        assert_eq!(
            rollout_status("web", 3, 3, 0, 2),
            "Waiting for deployment \"web\" rollout to finish: 2 of 3 updated replicas are available..."
        );
        assert_eq!(
            rollout_status("web", 3, 3, 0, 3),
            "deployment \"web\" successfully rolled out"
        );
    }
}
