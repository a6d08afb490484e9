//! The read model of a pod's containers, one row each, for the inspector: its first app
//! container, its further app containers and its init containers (native sidecars among them),
//! with state, ready, restarts and why (docs/rules/k8s-pods.md#several-containers-and-native-sidecars).

use serde::Serialize;

use super::cluster::{ContainerState, EksCluster};

/// What kind of container a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ContainerKind {
    App,
    /// An init container with `restartPolicy: Always`.
    Sidecar,
    Init,
}

/// One container of a pod as the inspector shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContainerRow {
    pub name: String,
    pub image: String,
    pub kind: ContainerKind,
    /// `Running`, `Waiting (CrashLoopBackOff)`, `Terminated (Completed)`…
    pub state: String,
    pub ready: bool,
    pub restarts: u32,
    /// Why it is as it is, in a sentence.
    pub why: String,
}

fn state_text(s: &ContainerState) -> String {
    match s {
        ContainerState::Running { .. } => "Running".into(),
        ContainerState::Waiting { reason } => format!("Waiting ({reason})"),
        ContainerState::Terminated { reason, .. } => format!("Terminated ({reason})"),
    }
}

/// The pod's containers: app containers first (in spec order), then the init containers.
pub fn pod_containers(c: &EksCluster, p: usize) -> Vec<ContainerRow> {
    let pod = &c.pods[p];
    let t = c.template_of(p);
    let main_ready = pod.main_ready() && pod.deleting_at.is_none();
    let mut rows = vec![ContainerRow {
        name: t.container.clone(),
        image: t.image.clone(),
        kind: ContainerKind::App,
        state: state_text(&pod.state),
        ready: if pod.side.is_empty() {
            pod.ready
        } else {
            main_ready
        },
        restarts: pod.restarts,
        why: pod.why.last().map(|w| w.text.clone()).unwrap_or_default(),
    }];
    let side_row = |name: &str, image: &str, kind: ContainerKind, waiting: &str| match pod
        .side
        .iter()
        .find(|s| s.name == name)
    {
        Some(s) => ContainerRow {
            name: name.to_string(),
            image: image.to_string(),
            kind,
            state: state_text(&s.state),
            ready: s.ready && matches!(s.state, ContainerState::Running { .. }),
            restarts: s.restarts,
            why: match (&s.state, kind) {
                (ContainerState::Running { .. }, _) if !s.ready => {
                    "running but not ready: the pod is not Ready until it is".into()
                }
                (ContainerState::Running { .. }, ContainerKind::Sidecar) => {
                    "running beside the app containers (restartPolicy: Always)".into()
                }
                (ContainerState::Running { .. }, _) => "running".into(),
                _ => format!(
                    "exited {} time(s) and is restarted with the CrashLoopBackOff delay; the other containers keep running",
                    s.restarts + 1
                ),
            },
        },
        None => ContainerRow {
            name: name.to_string(),
            image: image.to_string(),
            kind,
            state: format!("Waiting ({waiting})"),
            ready: false,
            restarts: 0,
            why: "not started yet".into(),
        },
    };
    for x in &t.containers {
        rows.push(side_row(
            &x.name,
            &x.image,
            ContainerKind::App,
            "PodInitializing",
        ));
    }
    for (i, ic) in t.init_containers.iter().enumerate() {
        if ic.sidecar.is_some() {
            rows.push(side_row(
                &ic.name,
                &ic.image,
                ContainerKind::Sidecar,
                "PodInitializing",
            ));
            continue;
        }
        let done = i < pod.init_done as usize;
        let running = i == pod.init_done as usize && pod.init_running;
        rows.push(ContainerRow {
            name: ic.name.clone(),
            image: ic.image.clone(),
            kind: ContainerKind::Init,
            state: if done {
                "Terminated (Completed)".into()
            } else if running {
                "Running".into()
            } else {
                "Waiting (PodInitializing)".into()
            },
            ready: done,
            restarts: 0,
            why: if done {
                "completed (exit code 0) before the app containers started".into()
            } else {
                "runs to completion in its turn, before the app containers".into()
            },
        });
    }
    rows
}
