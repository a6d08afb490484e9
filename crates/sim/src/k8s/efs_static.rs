//! Static provisioning of EFS volumes as pure rules (`docs/rules/storage.md#efs-on-eks`): the
//! `volumeHandle` of a PersistentVolume written by hand, the PV controller's choice of a PV for
//! a claim, and the zone whose mount target a node mounts through.
//! Sources: aws-efs-csi-driver `pkg/driver/node.go` (`parseVolumeId`, `NodePublishVolume`) and
//! `examples/kubernetes/efs/static_provisioning`, `volume_path`, `access_points`
//! (https://github.com/kubernetes-sigs/aws-efs-csi-driver); Kubernetes
//! `pkg/controller/volume/persistentvolume/pv_controller.go` (`syncUnboundClaim`) and
//! `component-helpers/storage/volume` (`FindMatchingVolume`); efs-utils
//! `mount_efs/dns_resolver.py` and `get_mount_target_in_az` (https://github.com/aws/efs-utils);
//! Amazon EFS User Guide, "Mounting One Zone file systems"
//! (https://docs.aws.amazon.com/efs/latest/ug/mounting-one-zone.html).

use super::storage::AccessMode;

/// `Normal FailedBinding` (persistentvolume-controller) on a claim of no class that no PV
/// matches (`syncUnboundClaim`; Kubernetes repeats it at each resync, Orca writes it once).
pub const NO_VOLUME_NO_CLASS: &str =
    "no persistent volumes available for this claim and no storage class is set";

/// A parsed `volumeHandle`: `fs-…[:path[:fsap-…]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle {
    pub file_system_id: String,
    /// The directory mounted (`/` when none).
    pub path: String,
    /// The access point, if the handle names one.
    pub access_point_id: Option<String>,
}

fn hex_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|h| {
        (8..=40).contains(&h.len()) && h.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
    })
}

/// The driver's `parseVolumeId` for the format without a type prefix: at most three fields
/// separated by `:`, a file system id `fs-[0-9a-f]{8,40}`, an optional path and an optional
/// access point `fsap-[0-9a-f]{8,40}`. Err: the driver's own `InvalidArgument` text.
pub fn parse_handle(handle: &str) -> Result<Handle, String> {
    let tokens: Vec<&str> = handle.split(':').collect();
    if tokens.len() > 3 {
        return Err(format!(
            "volume ID '{handle}' is invalid: Expected at most three fields separated by ':'"
        ));
    }
    let fs = tokens[0];
    if !hex_id(fs, "fs-") {
        return Err(format!(
            "volume ID '{handle}' is invalid: Expected a file system ID of the form 'fs-[0-9a-f]{{8,40}}'"
        ));
    }
    let path = match tokens.get(1) {
        Some(p) if !p.is_empty() => clean(p),
        _ => "/".to_string(),
    };
    let access_point_id = match tokens.get(2) {
        Some(a) if !a.is_empty() => {
            if !hex_id(a, "fsap-") {
                return Err(format!(
                    "volume ID '{handle}' has an invalid access point ID '{a}': Expected it to be of the form 'fsap-[0-9a-f]{{8,40}}'"
                ));
            }
            Some(a.to_string())
        }
        _ => None,
    };
    Ok(Handle {
        file_system_id: fs.to_string(),
        path,
        access_point_id,
    })
}

/// Go's `path.Clean` for the paths a handle holds: no empty or `.` segments, no trailing `/`.
fn clean(p: &str) -> String {
    let abs = p.starts_with('/');
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let joined = parts.join("/");
    match (abs, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// A PersistentVolume as the PV controller compares it with a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<'a> {
    pub class: &'a str,
    pub storage_gib: u32,
    pub access: AccessMode,
    /// Already bound to a claim.
    pub bound: bool,
}

/// The PV the controller binds a claim of class `class` (`""`: none) asking for `gib` and
/// `access` to: among unbound PVs of the same class whose access modes include the claim's and
/// whose capacity is at least the request, the smallest (`FindMatchingVolume`); between equal
/// sizes, the first written [inferred: Kubernetes takes the first of its index]. None: the
/// claim stays Pending (no class: `FailedBinding`; a class: dynamic provisioning).
pub fn best_match(
    class: &str,
    gib: u32,
    access: AccessMode,
    pvs: &[Candidate<'_>],
) -> Option<usize> {
    pvs.iter()
        .enumerate()
        .filter(|(_, v)| !v.bound && v.class == class && v.access == access && v.storage_gib >= gib)
        .min_by_key(|(i, v)| (v.storage_gib, *i))
        .map(|(i, _)| i)
}

/// The `az=` mount option (efs-utils): the zone whose mount target to use.
pub fn az_option(mount_options: &[String]) -> Option<&str> {
    mount_options.iter().find_map(|o| o.strip_prefix("az="))
}

/// The zone whose mount target a node in `node_zone` mounts through: the `az=` option's, or
/// its own (efs-utils takes the option first, then instance metadata).
pub fn mount_zone<'a>(mount_options: &'a [String], node_zone: &'a str) -> &'a str {
    az_option(mount_options).unwrap_or(node_zone)
}

/// The mount helper's `-o` options the node plugin passes (`NodePublishVolume`): the access
/// point and `tls` first, `tls` alone when encryption in transit is on, then the PV's mount
/// options.
pub fn mount_args(access_point: Option<&str>, tls: bool, mount_options: &[String]) -> String {
    let mut o: Vec<String> = Vec::new();
    if let Some(ap) = access_point {
        o.push(format!("accesspoint={ap}"));
        o.push("tls".into());
    } else if tls {
        o.push("tls".into());
    }
    for m in mount_options {
        if !o.contains(m) {
            o.push(m.clone());
        }
    }
    o.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_volume_handle_formats_of_the_driver_parse_and_a_bad_one_gets_its_error() {
        let h = parse_handle("fs-0a1b2c3d4e5f60718").unwrap();
        assert_eq!((h.path.as_str(), h.access_point_id), ("/", None));
        let h = parse_handle("fs-0a1b2c3d4e5f60718::fsap-068c22f0246419f75").unwrap();
        assert_eq!(h.access_point_id.as_deref(), Some("fsap-068c22f0246419f75"));
        assert_eq!(h.path, "/");
        let h = parse_handle("fs-0a1b2c3d4e5f60718:/data/./shared/").unwrap();
        assert_eq!(h.path, "/data/shared");
        assert_eq!(
            parse_handle("fs-xyz").unwrap_err(),
            "volume ID 'fs-xyz' is invalid: Expected a file system ID of the form 'fs-[0-9a-f]{8,40}'"
        );
        assert_eq!(
            parse_handle("fs-0a1b2c3d:/a:fsap-1:x").unwrap_err(),
            "volume ID 'fs-0a1b2c3d:/a:fsap-1:x' is invalid: Expected at most three fields separated by ':'"
        );
        assert!(
            parse_handle("fs-0a1b2c3d::ap-1")
                .unwrap_err()
                .contains("invalid access point ID 'ap-1'")
        );
    }

    #[test]
    fn a_claim_binds_the_smallest_unbound_pv_of_its_class_and_mode_that_holds_it() {
        let rwx = AccessMode::ReadWriteMany;
        let pv = |class, storage_gib, bound| Candidate {
            class,
            storage_gib,
            access: rwx,
            bound,
        };
        let pvs = [
            pv("", 100, false),
            pv("", 5, true),
            pv("", 10, false),
            pv("efs-sc", 5, false),
        ];
        assert_eq!(best_match("", 5, rwx, &pvs), Some(2));
        assert_eq!(best_match("efs-sc", 5, rwx, &pvs), Some(3));
        assert_eq!(best_match("efs-sc", 6, rwx, &pvs), None);
        assert_eq!(best_match("", 5, AccessMode::ReadWriteOnce, &pvs), None);
    }

    #[test]
    fn the_az_option_names_the_mount_target_zone_and_the_mount_options_follow_the_driver() {
        let opts = vec!["az=us-east-1a".to_string()];
        assert_eq!(mount_zone(&opts, "us-east-1b"), "us-east-1a");
        assert_eq!(mount_zone(&[], "us-east-1b"), "us-east-1b");
        assert_eq!(mount_args(None, true, &opts), "tls,az=us-east-1a");
        assert_eq!(
            mount_args(Some("fsap-1"), false, &[]),
            "accesspoint=fsap-1,tls"
        );
        assert_eq!(mount_args(None, false, &[]), "");
    }
}
