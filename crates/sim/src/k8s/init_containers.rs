//! Init containers: the kubelet runs a pod's init containers one after the other, each to
//! completion, before it starts the pod's container; kubectl shows `Init:N/M` meanwhile
//! (docs/rules/k8s-pods.md#init-containers). Sources: Kubernetes documentation, "Init
//! Containers" <https://kubernetes.io/docs/concepts/workloads/pods/init-containers/>, and
//! "Debug Init Containers"
//! <https://kubernetes.io/docs/tasks/debug/debug-application/debug-init-containers/>.
//!
//! - Each init container must exit 0 before the next starts; the pod's container starts after
//!   the last one (its STATUS is `Init:N/M` with N completed out of M, the app container
//!   waits with reason `PodInitializing`).
//! - An init container that fails is run again (restartPolicy Always) after the same back-off
//!   as a crashing container; STATUS shows `Init:Error`, then `Init:CrashLoopBackOff` while the
//!   back-off runs; the pod's RESTARTS counts these restarts [kubectl adds the init containers'
//!   restarts to the column].
//! - A restart of the pod's container does not run the init containers again (only a new pod
//!   sandbox would).

use super::cluster::{ContainerState, EksCtx, Pod, Template};
use super::{events, messages, sidecars};

/// The init container a pod must run next, if any is left.
pub fn next(pod: &Pod, t: &Template) -> Option<usize> {
    let i = pod.init_done as usize;
    (i < t.init_containers.len()).then_some(i)
}

/// `Init:N/M`.
pub fn status(done: u32, of: usize) -> String {
    format!("Init:{done}/{of}")
}

impl ContainerState {
    /// Waiting on its way to running, not for a failure: `ContainerCreating`,
    /// `PodInitializing`, or `Init:N/M` while init containers run or their images are pulled
    /// (`Init:ErrImagePull`, `Init:CrashLoopBackOff` and the like are failures).
    pub fn is_starting(&self) -> bool {
        let ContainerState::Waiting { reason } = self else {
            return false;
        };
        match reason.strip_prefix("Init:") {
            Some(progress) => progress
                .split_once('/')
                .is_some_and(|(done, of)| done.parse::<u32>().is_ok() && of.parse::<u32>().is_ok()),
            None => reason == "ContainerCreating" || reason == "PodInitializing",
        }
    }
}

/// Start init container `i`: it runs until `due`.
pub fn run(ctx: &mut EksCtx, p: usize, i: usize) {
    let now = ctx.now;
    let t = ctx.world.template_of(p).clone();
    let Some(ic) = t.init_containers.get(i) else {
        return;
    };
    if ic.sidecar.is_some() {
        let of = t.init_containers.len() as u32;
        let started = sidecars::start(ctx, p, &ic.name, Some((i as u32, of)));
        let pod = &mut ctx.world.pods[p];
        pod.state = ContainerState::Waiting {
            reason: status(pod.init_done, t.init_containers.len()),
        };
        pod.init_running = true;
        pod.due = Some(started);
        return;
    }
    // The kubelet has its image (kubelet.rs: pulled, or already present).
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    let at = events::container_ref(&ic.name, true);
    let created = messages::created_container(&ic.name);
    let started = messages::started_container(&ic.name);
    for (reason, message) in [("Created", created), ("Started", started)] {
        let (object, subjects) = (object.clone(), subjects.clone());
        let at = at.clone();
        events::container(ctx, false, reason, object, at, message, subjects, None);
    }
    let pod = &mut ctx.world.pods[p];
    pod.state = ContainerState::Waiting {
        reason: status(pod.init_done, t.init_containers.len()),
    };
    pod.init_running = true;
    pod.due = Some(now.plus(ic.runs));
    pod.explain(
        now,
        format!(
            "Init container {} ({} of {}) started; the container {} waits (PodInitializing) until every init container has completed",
            ic.name,
            i + 1,
            t.init_containers.len(),
            t.container
        ),
    );
}

/// The running init container exits. True if it completed (exit 0): the kubelet goes on with
/// the next one or the pod's container. Otherwise the pod backs off before running it again.
pub fn finish(ctx: &mut EksCtx, p: usize) -> bool {
    let now = ctx.now;
    let t = ctx.world.template_of(p).clone();
    let i = ctx.world.pods[p].init_done as usize;
    if let Some(ic) = t.init_containers.get(i).filter(|ic| ic.sidecar.is_some()) {
        // A native sidecar's turn ends once it has started; it keeps running.
        if !sidecars::sidecar_started(ctx, p, &ic.name) {
            ctx.world.pods[p].due = Some(now.plus(crate::time::Millis::from_secs(1)));
            return false;
        }
        let pod = &mut ctx.world.pods[p];
        pod.init_running = false;
        pod.init_done += 1;
        pod.state = ContainerState::Waiting {
            reason: if pod.init_done as usize == t.init_containers.len() {
                "PodInitializing".into()
            } else {
                status(pod.init_done, t.init_containers.len())
            },
        };
        return true;
    }
    let namespace = ctx.world.namespace_of(p).to_string();
    let pod = &mut ctx.world.pods[p];
    pod.init_running = false;
    let i = pod.init_done as usize;
    let Some(ic) = t.init_containers.get(i) else {
        return true;
    };
    if ic.exit_code == 0 {
        pod.init_done += 1;
        // The last one done: the pod's container is being created (STATUS PodInitializing).
        pod.state = ContainerState::Waiting {
            reason: if pod.init_done as usize == t.init_containers.len() {
                "PodInitializing".into()
            } else {
                status(pod.init_done, t.init_containers.len())
            },
        };
        pod.explain(
            now,
            format!("Init container {} completed (exit code 0)", ic.name),
        );
        return true;
    }
    let delay = pod.backoff.next_delay(now);
    pod.restarts += 1;
    pod.due = Some(now.plus(delay));
    let code = ic.exit_code;
    pod.explain(
        now,
        format!(
            "Init container {} exited with code {code}: the pod's container cannot start, and the kubelet runs the init container again {}",
            ic.name,
            if delay.0 == 0 {
                "at once".to_string()
            } else {
                format!("after a {} s back-off", delay.0 / 1000)
            }
        ),
    );
    if delay.0 == 0 {
        pod.state = ContainerState::Waiting {
            reason: "Init:Error".into(),
        };
        return false;
    }
    pod.state = ContainerState::Waiting {
        reason: "Init:CrashLoopBackOff".into(),
    };
    let msg = messages::back_off_restarting(&ic.name, &pod.name, &namespace, &pod.uid);
    let why = format!(
        "init container {} exited with code {code}; the kubelet waits {} s before running it again (10 s doubling up to 300 s)",
        ic.name,
        delay.0 / 1000
    );
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    let at = events::container_ref(&ic.name, true);
    events::container(ctx, true, "BackOff", object, at, msg, subjects, Some(why));
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiting(reason: &str) -> ContainerState {
        ContainerState::Waiting {
            reason: reason.into(),
        }
    }

    #[test]
    fn init_progress_is_starting_and_init_failures_are_not() {
        for starting in [
            "ContainerCreating",
            "PodInitializing",
            "Init:0/2",
            "Init:1/2",
        ] {
            assert!(waiting(starting).is_starting(), "{starting}");
        }
        for failing in [
            "Init:ErrImagePull",
            "Init:ImagePullBackOff",
            "Init:CrashLoopBackOff",
            "Init:Error",
            "ErrImagePull",
            "CrashLoopBackOff",
        ] {
            assert!(!waiting(failing).is_starting(), "{failing}");
        }
        assert!(
            !ContainerState::Running {
                started_at: crate::time::SimTime(0)
            }
            .is_starting()
        );
    }
}
