//! GuardDuty Runtime Monitoring in an EKS world and the timeline's `RuntimeActivity`.

use super::Problems;
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{Action, ContainerActivity, EksWorld};

/// The longest domain name (RFC 1035: 253 characters), path or address an activity names.
pub const ACTIVITY_TEXT: usize = 253;

/// `security.guardduty.runtime_monitoring`: managed by GuardDuty or installed by hand, not both.
pub(super) fn spec(out: &mut Problems, k: &EksWorld, wp: &Path) {
    let Some(r) = k
        .security
        .guardduty
        .as_ref()
        .and_then(|g| g.runtime_monitoring.as_ref())
    else {
        return;
    };
    if r.eks_addon_management && r.manual_addon {
        out.push((
            wp.field("security")
                .field("guardduty")
                .field("runtime_monitoring")
                .field("manual_addon"),
            "manual_addon is true while eks_addon_management is on: GuardDuty already installs and manages the aws-guardduty-agent add-on; valid: eks_addon_management: true, or eks_addon_management: false with manual_addon: true".into(),
        ));
    }
}

/// A `RuntimeActivity`: a node group of the world, and a domain, path or address that is
/// neither empty nor over 253 characters.
pub(super) fn action(out: &mut Problems, a: &Action, ap: &Path, eks: Option<&EksWorld>) {
    let Action::RuntimeActivity {
        node_group,
        activity,
        ..
    } = a
    else {
        return;
    };
    if let (Some(g), Some(k)) = (node_group, eks)
        && !k.node_groups.iter().any(|n| &n.name == g)
    {
        let names: Vec<String> = k.node_groups.iter().map(|n| quoted(&n.name)).collect();
        out.push((
            ap.field("node_group"),
            format!(
                "node group {} is not defined; valid: {}",
                quoted(g),
                if names.is_empty() {
                    "none (the world has no node groups)".to_string()
                } else {
                    names.join(", ")
                }
            ),
        ));
    }
    let (what, text) = match activity {
        ContainerActivity::QueryCommandAndControlDomain(d)
        | ContainerActivity::QueryBitcoinDomain(d) => ("domain", d),
        ContainerActivity::RunCryptoMiner(p) | ContainerActivity::RunNewBinary(p) => ("path", p),
        ContainerActivity::OpenReverseShell(r) => ("address", r),
    };
    if text.is_empty() || text.len() > ACTIVITY_TEXT || text.chars().any(char::is_control) {
        out.push((
            ap.field("activity"),
            format!(
                "the activity's {what} {} is empty, too long or has control characters; valid: 1 to {ACTIVITY_TEXT} printable characters",
                quoted(text)
            ),
        ));
    }
}
