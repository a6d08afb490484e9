//! kubectl's STATUS column of a pod (`printPod` in kubectl's
//! `pkg/printers/internalversion/printers.go`), from the kubelet's record of its containers.

use super::cluster::{ContainerState, Pod};

impl Pod {
    /// kubectl's STATUS column.
    pub fn status(&self) -> String {
        if self.deleting_at.is_some() {
            return "Terminating".into();
        }
        if self.node.is_none() {
            return "Pending".into();
        }
        if !self.side.is_empty() {
            return self.status_of_several();
        }
        match &self.state {
            ContainerState::Waiting { reason } => reason.clone(),
            ContainerState::Running { .. } => "Running".into(),
            ContainerState::Terminated { reason, .. } => reason.clone(),
        }
    }

    /// kubectl's STATUS of a pod with several containers (`printPod` in kubectl's
    /// `pkg/printers/internalversion/printers.go`): a native sidecar that has not started (yet,
    /// or again after an exit) shows as an init container (`Init:1/2`, `Init:CrashLoopBackOff`);
    /// then the app containers are read last to first, so the first one with a waiting or
    /// terminated reason names the status; `Completed` beside a running container reads
    /// `Running`, or `NotReady` when the pod is not Ready.
    fn status_of_several(&self) -> String {
        let mut reason = match &self.state {
            // Still initializing: the first container's waiting reason carries `Init:N/M`.
            ContainerState::Waiting { reason }
                if reason.starts_with("Init:") || reason == "PodInitializing" =>
            {
                return reason.clone();
            }
            _ => "Running".to_string(),
        };
        for s in &self.side {
            let Some((i, of)) = s.init_index else {
                continue;
            };
            if s.started {
                continue;
            }
            reason = match &s.state {
                ContainerState::Terminated { reason, .. } => format!("Init:{reason}"),
                ContainerState::Waiting { reason } => format!("Init:{reason}"),
                ContainerState::Running { .. } => format!("Init:{i}/{of}"),
            };
            break;
        }
        let apps = std::iter::once(&self.state).chain(
            self.side
                .iter()
                .filter(|s| s.init_index.is_none())
                .map(|s| &s.state),
        );
        let states: Vec<&ContainerState> = apps.collect();
        let mut has_running = false;
        for state in states.into_iter().rev() {
            match state {
                ContainerState::Waiting { reason: r }
                | ContainerState::Terminated { reason: r, .. } => reason = r.clone(),
                ContainerState::Running { .. } => has_running = true,
            }
        }
        if reason == "Completed" && has_running {
            reason = if self.ready { "Running" } else { "NotReady" }.into();
        }
        reason
    }
}
