//! `kubectl describe pod` for a pod's native sidecars (in `Init Containers:`) and its further
//! app containers (in `Containers:`): image, state, last state, ready, restart count, as
//! kubectl's `describeContainers` prints every container (`describeContainerBasicInfo`,
//! `describeContainerState` in kubectl's `pkg/describe/describe.go`). Sidecars and the pod's
//! further containers have no ports in Orca's model.

use std::fmt::Write;

use crate::k8s::cluster::{ContainerState, SideStatus};

/// One container's section; `None` before the kubelet created it (it waits).
pub fn container(o: &mut String, name: &str, image: &str, s: Option<&SideStatus>, waiting: &str) {
    let _ = writeln!(o, "  {name}:");
    let _ = writeln!(o, "    Image:          {image}");
    let _ = writeln!(o, "    Port:           <none>");
    let _ = writeln!(o, "    Host Port:      <none>");
    let Some(s) = s else {
        let _ = writeln!(o, "    State:          Waiting");
        let _ = writeln!(o, "      Reason:       {waiting}");
        let _ = writeln!(o, "    Ready:          False");
        let _ = writeln!(o, "    Restart Count:  0");
        return;
    };
    match &s.state {
        ContainerState::Running { started_at } => {
            let _ = writeln!(o, "    State:          Running");
            let _ = writeln!(o, "      Started:      {}", started_at.rfc1123());
        }
        ContainerState::Waiting { reason } => {
            let _ = writeln!(o, "    State:          Waiting");
            let _ = writeln!(o, "      Reason:       {reason}");
        }
        ContainerState::Terminated { reason, exit_code } => {
            let _ = writeln!(o, "    State:          Terminated");
            let _ = writeln!(o, "      Reason:       {reason}");
            let _ = writeln!(o, "      Exit Code:    {exit_code}");
        }
    }
    if let Some((reason, code)) = &s.last {
        let _ = writeln!(o, "    Last State:     Terminated");
        let _ = writeln!(o, "      Reason:       {reason}");
        let _ = writeln!(o, "      Exit Code:    {code}");
    }
    let ready = s.ready && matches!(s.state, ContainerState::Running { .. });
    let _ = writeln!(
        o,
        "    Ready:          {}",
        if ready { "True" } else { "False" }
    );
    let _ = writeln!(o, "    Restart Count:  {}", s.restarts);
}
