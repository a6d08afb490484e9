//! The `Requests:` block `kubectl describe` prints for a pod's container.

use std::fmt::Write;

use crate::k8s::cluster::Template;

/// A container's `Requests:` block: the CPU line only when the container names a CPU request,
/// the memory line only when it requests memory, no block when it requests neither (kubectl's
/// `describeContainerResource`).
pub(super) fn requests_block(o: &mut String, t: &Template) {
    let memory = t.requests.memory_mib > 0;
    if !t.cpu_requested && !memory {
        return;
    }
    let _ = writeln!(o, "    Requests:");
    if t.cpu_requested {
        let _ = writeln!(o, "      cpu:        {}m", t.requests.cpu_millis);
    }
    if memory {
        let _ = writeln!(o, "      memory:     {}Mi", t.requests.memory_mib);
    }
}
