//! EFS on EKS in a scenario (`docs/rules/storage.md#efs-on-eks`): the file systems, the
//! parameters of StorageClasses of the EFS CSI driver (aws-efs-csi-driver `docs/README.md`,
//! dynamic provisioning) and the Deployments that mount their claims.

use super::Problems;
use super::common::list;
use super::ecs_storage::efs_file_systems;
use super::eks_efs_static;
use crate::k8s::efs_csi::{EFS_CSI, PROVISIONING_MODE};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{EksWorld, StorageClassSpec};

/// Is this class one of the EFS CSI driver.
pub(super) fn is_efs(s: &StorageClassSpec) -> bool {
    s.provisioner == EFS_CSI
}

/// The class a claim of `storage_class` gets (named, or the default class).
pub(super) fn class_of<'a>(
    k: &'a EksWorld,
    named: Option<&String>,
) -> Option<&'a StorageClassSpec> {
    match named {
        Some(n) => k.storage_classes.iter().find(|s| &s.name == n),
        None => k.storage_classes.iter().find(|s| s.is_default),
    }
}

pub(super) fn eks_efs(out: &mut Problems, k: &EksWorld, wp: &Path) {
    efs_file_systems(
        out,
        &k.efs_file_systems,
        &k.cluster.availability_zones,
        &wp.field("efs_file_systems"),
    );
    eks_efs_static::persistent_volumes(out, k, wp);
    let bindings = eks_efs_static::static_bindings(k);
    let sp = wp.field("storage_classes");
    for (i, s) in k.storage_classes.iter().enumerate() {
        class(out, k, s, &sp.index(i));
    }
    // A claim of a class without parameters (for PVs written by hand) needs one.
    for (i, c) in k.persistent_volume_claims.iter().enumerate() {
        let static_only = class_of(k, c.storage_class.as_ref()).is_some_and(|s| {
            is_efs(s) && s.provisioning_mode.is_none() && s.file_system_id.is_none()
        });
        if static_only && bindings[i].is_none() {
            out.push((
                wp.field("persistent_volume_claims").index(i),
                format!(
                    "no PersistentVolume binds claim {}: write one in persistent_volumes of class {} holding at least {} GiB with its access mode (the class has no provisioning_mode, so the driver provisions nothing for it)",
                    quoted(&c.name),
                    quoted(c.storage_class.as_deref().unwrap_or_default()),
                    c.storage_gib
                ),
            ));
        }
    }
    // Claims of an EFS class that no PV written by hand binds: each takes a GID of its
    // class's range.
    for (i, s) in k
        .storage_classes
        .iter()
        .enumerate()
        .filter(|(_, s)| is_efs(s))
    {
        let claims = k
            .persistent_volume_claims
            .iter()
            .enumerate()
            .filter(|(j, c)| {
                bindings[*j].is_none()
                    && class_of(k, c.storage_class.as_ref()).is_some_and(|x| x.name == s.name)
            })
            .count() as u64;
        let (start, end) = (
            s.gid_range_start
                .unwrap_or(crate::k8s::efs_csi::EFS_GID_RANGE_START),
            s.gid_range_end
                .unwrap_or(crate::k8s::efs_csi::EFS_GID_RANGE_END),
        );
        if start <= end && claims > u64::from(end - start) + 1 {
            out.push((
                sp.index(i).field("gid_range_end"),
                format!(
                    "StorageClass {} has {claims} claims but its GID range {start}–{end} holds {} access points; widen the range",
                    quoted(&s.name),
                    end - start + 1
                ),
            ));
        }
    }
    for (i, d) in k.deployments.iter().enumerate() {
        let Some(ci) = d
            .persistent_volume_claim
            .as_ref()
            .and_then(|n| k.persistent_volume_claims.iter().position(|c| &c.name == n))
        else {
            continue;
        };
        let claim = &k.persistent_volume_claims[ci];
        if !is_efs_claim(k, ci, &bindings) {
            continue;
        }
        let p = wp.field("deployments").index(i);
        let fargate = k
            .fargate_profiles
            .iter()
            .any(|f| f.deployments.iter().any(|x| x == &d.name));
        if fargate && bindings[ci].is_none() {
            // EKS User Guide, efs-csi: "You can't use dynamic provisioning for persistent
            // volumes with Fargate nodes, but you can use static provisioning."
            out.push((
                p.field("persistent_volume_claim"),
                format!(
                    "Deployment {} runs on Fargate, and claim {} would be provisioned dynamically; Fargate pods mount only statically provisioned EFS volumes: bind the claim to a PersistentVolume written by hand (persistent_volumes, volume_handle \"fs-…\"), or run the Deployment on a node group",
                    quoted(&d.name),
                    quoted(&claim.name)
                ),
            ));
        }
        if d.replicas > 0 {
            out.push((
                p.field("replicas"),
                format!(
                    "Deployment {} mounts the EFS claim {} and starts with {} replicas; Orca starts such a Deployment at 0 replicas (scale it in the timeline to watch the claim bound and each node mount it)",
                    quoted(&d.name),
                    quoted(&claim.name),
                    d.replicas
                ),
            ));
        }
    }
}

/// The claim is one of EFS: of an EFS class, or bound to a PV written by hand (all of EFS).
pub(super) fn is_efs_claim(k: &EksWorld, i: usize, bindings: &[Option<usize>]) -> bool {
    bindings[i].is_some()
        || class_of(k, k.persistent_volume_claims[i].storage_class.as_ref()).is_some_and(is_efs)
}

/// One StorageClass's EFS parameters: required and well formed for an EFS class that
/// provisions, absent for the others; an EFS class with none at all is for PVs written by
/// hand only (the driver's static provisioning example).
fn class(out: &mut Problems, k: &EksWorld, s: &StorageClassSpec, p: &Path) {
    if !is_efs(s) {
        let set = [
            ("provisioning_mode", s.provisioning_mode.is_some()),
            ("file_system_id", s.file_system_id.is_some()),
            ("directory_perms", s.directory_perms.is_some()),
            ("gid_range_start", s.gid_range_start.is_some()),
            ("gid_range_end", s.gid_range_end.is_some()),
            ("base_path", s.base_path.is_some()),
        ];
        for (field, _) in set.iter().filter(|(_, on)| *on) {
            out.push((
                p.field(field),
                format!(
                    "{field} is a parameter of the EFS CSI driver; StorageClass {} is provisioned by {}",
                    quoted(&s.name),
                    quoted(&s.provisioner)
                ),
            ));
        }
        return;
    }
    let none = s.provisioning_mode.is_none()
        && s.file_system_id.is_none()
        && s.directory_perms.is_none()
        && s.gid_range_start.is_none()
        && s.gid_range_end.is_none()
        && s.base_path.is_none();
    if none {
        return;
    }
    match s.provisioning_mode.as_deref() {
        Some(PROVISIONING_MODE) => {}
        Some(m) => out.push((
            p.field("provisioning_mode"),
            format!(
                "provisioning mode {} is not one the EFS CSI driver has; valid: \"{PROVISIONING_MODE}\" (an access point per claim)",
                quoted(m)
            ),
        )),
        None => out.push((
            p.clone(),
            format!(
                "StorageClass {} of {EFS_CSI} needs provisioning_mode: \"{PROVISIONING_MODE}\"",
                quoted(&s.name)
            ),
        )),
    }
    match &s.file_system_id {
        Some(id) if !k.efs_file_systems.iter().any(|f| &f.file_system_id == id) => out.push((
            p.field("file_system_id"),
            format!(
                "EFS file system {} is not defined; {}",
                quoted(id),
                list(k.efs_file_systems.iter().map(|f| f.file_system_id.as_str()))
            ),
        )),
        Some(_) => {}
        None => out.push((
            p.clone(),
            format!(
                "StorageClass {} of {EFS_CSI} needs file_system_id: the file system its access points are made on",
                quoted(&s.name)
            ),
        )),
    }
    if let Some(perms) = &s.directory_perms {
        let octal =
            (3..=4).contains(&perms.len()) && perms.chars().all(|c| ('0'..='7').contains(&c));
        if !octal {
            out.push((
                p.field("directory_perms"),
                format!(
                    "directory permissions {} are not octal; use 3 or 4 digits 0–7, e.g. \"700\"",
                    quoted(perms)
                ),
            ));
        }
    }
    if let Some(b) = &s.base_path
        && !b.starts_with('/')
    {
        out.push((
            p.field("base_path"),
            format!(
                "base path {} is not absolute; start it with '/', e.g. \"/dynamic_provisioning\"",
                quoted(b)
            ),
        ));
    }
    let start = s
        .gid_range_start
        .unwrap_or(crate::k8s::efs_csi::EFS_GID_RANGE_START);
    let end = s
        .gid_range_end
        .unwrap_or(crate::k8s::efs_csi::EFS_GID_RANGE_END);
    if start > end {
        out.push((
            p.field("gid_range_start"),
            format!("gid_range_start {start} is above gid_range_end {end}"),
        ));
    }
}

/// `CreateMountTarget`: a file system of the EKS world, a zone of the cluster that has no
/// mount target of it yet (EFS allows one per Availability Zone).
pub(super) fn create_mount_target(
    out: &mut Problems,
    eks: Option<&EksWorld>,
    file_system_id: &str,
    zone: &str,
    ap: &Path,
) {
    let Some(k) = eks else { return };
    let Some(fs) = k
        .efs_file_systems
        .iter()
        .find(|f| f.file_system_id == file_system_id)
    else {
        out.push((
            ap.field("file_system_id"),
            format!(
                "EFS file system {} is not defined; {}",
                quoted(file_system_id),
                list(k.efs_file_systems.iter().map(|f| f.file_system_id.as_str()))
            ),
        ));
        return;
    };
    let zones = &k.cluster.availability_zones;
    if let Some(az) = &fs.availability_zone_name {
        out.push((
            ap.field("zone"),
            format!(
                "file system {} is a One Zone file system in {}: its one mount target is there, and EFS allows no other",
                quoted(file_system_id),
                quoted(az)
            ),
        ));
    } else if !zones.iter().any(|z| z == zone) {
        out.push((
            ap.field("zone"),
            format!(
                "zone {} is not one of the cluster's; {}",
                quoted(zone),
                list(zones)
            ),
        ));
    } else if fs
        .mount_targets
        .as_ref()
        .is_none_or(|m| m.iter().any(|z| z == zone))
    {
        out.push((
            ap.field("zone"),
            format!(
                "file system {} already has a mount target in {}; EFS allows one per Availability Zone",
                quoted(file_system_id),
                quoted(zone)
            ),
        ));
    }
}
