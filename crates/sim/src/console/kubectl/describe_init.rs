//! The `Init Containers:` section of `kubectl describe pod`: each init container's image and
//! state — Terminated/Completed once it has run, Running while it runs, Waiting
//! (PodInitializing) before its turn, Waiting (ErrImagePull, ImagePullBackOff) while its image
//! cannot be pulled, and after a failure Waiting (CrashLoopBackOff) with its last termination
//! (Kubernetes documentation, "Debug Init Containers",
//! <https://kubernetes.io/docs/tasks/debug/debug-application/debug-init-containers/>).

use std::fmt::Write;

use crate::k8s::cluster::{ContainerState, Pod, Template};

pub fn init_containers(o: &mut String, pod: &Pod, t: &Template) {
    if t.init_containers.is_empty() {
        return;
    }
    let _ = writeln!(o, "Init Containers:");
    let done = pod.init_done as usize;
    let failing = matches!(&pod.state, ContainerState::Waiting { reason }
        if reason == "Init:Error" || reason == "Init:CrashLoopBackOff");
    // Its image could not be pulled: it waits, and has never run.
    let pull_failed = match &pod.state {
        ContainerState::Waiting { reason }
            if reason == "Init:ErrImagePull" || reason == "Init:ImagePullBackOff" =>
        {
            Some(reason.trim_start_matches("Init:"))
        }
        _ => None,
    };
    for (i, ic) in t.init_containers.iter().enumerate() {
        if ic.sidecar.is_some() {
            // A native sidecar: its own state, running beside the app containers.
            let s = pod.side.iter().find(|s| s.name == ic.name);
            let waiting = pull_failed
                .filter(|_| i == done)
                .unwrap_or("PodInitializing");
            super::describe_side::container(o, &ic.name, &ic.image, s, waiting);
            continue;
        }
        let _ = writeln!(o, "  {}:", ic.name);
        let _ = writeln!(o, "    Image:          {}", ic.image);
        let mut restarts = 0;
        let ready = if i < done {
            let _ = writeln!(o, "    State:          Terminated");
            let _ = writeln!(o, "      Reason:       Completed");
            let _ = writeln!(o, "      Exit Code:    0");
            true
        } else if i == done && pod.init_running {
            let _ = writeln!(o, "    State:          Running");
            if let Some(due) = pod.due {
                let started = due.0.saturating_sub(ic.runs.0);
                let _ = writeln!(
                    o,
                    "      Started:      {}",
                    crate::time::SimTime(started).rfc1123()
                );
            }
            restarts = pod.restarts;
            false
        } else if let Some(reason) = pull_failed.filter(|_| i == done) {
            let _ = writeln!(o, "    State:          Waiting");
            let _ = writeln!(o, "      Reason:       {reason}");
            false
        } else if i == done && failing {
            let reason = match &pod.state {
                ContainerState::Waiting { reason } => reason.trim_start_matches("Init:"),
                _ => "Error",
            };
            let _ = writeln!(o, "    State:          Waiting");
            let _ = writeln!(o, "      Reason:       {reason}");
            let _ = writeln!(o, "    Last State:     Terminated");
            let _ = writeln!(o, "      Reason:       Error");
            let _ = writeln!(o, "      Exit Code:    {}", ic.exit_code);
            restarts = pod.restarts;
            false
        } else {
            let _ = writeln!(o, "    State:          Waiting");
            let _ = writeln!(o, "      Reason:       PodInitializing");
            false
        };
        let _ = writeln!(
            o,
            "    Ready:          {}",
            if ready { "True" } else { "False" }
        );
        let _ = writeln!(o, "    Restart Count:  {restarts}");
    }
}
