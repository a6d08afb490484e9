//! Static provisioning of EFS on EKS in a scenario (`docs/rules/storage.md#efs-on-eks`): the
//! PersistentVolumes written by hand (driver, volume handle, file system, access point, class,
//! mount options), which claim each binds when the run starts (as the PV controller would,
//! `k8s::efs_static::best_match`), and One Zone file systems.

use super::Problems;
use super::common::{Unique, check_limit, list};
use super::eks::dns_label_ok;
use crate::k8s::efs_static::{self, Candidate};
use crate::k8s::storage::AccessMode;
use crate::k8s::volumes::EFS_CSI;
use crate::scenario::limits::{CLAIMS, EBS_SIZE_GIB};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{AccessModeSpec, EfsFileSystemSpec, EksWorld};

fn access(a: AccessModeSpec) -> AccessMode {
    match a {
        AccessModeSpec::ReadWriteOnce => AccessMode::ReadWriteOnce,
        AccessModeSpec::ReadWriteMany => AccessMode::ReadWriteMany,
    }
}

/// The class name claim `i` asks for: its own, `""`, or the default class's.
fn claim_class(k: &EksWorld, i: usize) -> String {
    match &k.persistent_volume_claims[i].storage_class {
        Some(n) => n.clone(),
        None => k
            .storage_classes
            .iter()
            .find(|s| s.is_default)
            .map_or(String::new(), |s| s.name.clone()),
    }
}

/// For each claim, the PV written by hand it binds when the run starts, taking the claims in
/// the order written [inferred: the PV controller's order between claims is not documented].
pub(super) fn static_bindings(k: &EksWorld) -> Vec<Option<usize>> {
    let mut bound = vec![false; k.persistent_volumes.len()];
    let classes: Vec<String> = (0..k.persistent_volume_claims.len())
        .map(|i| claim_class(k, i))
        .collect();
    k.persistent_volume_claims
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let candidates: Vec<Candidate<'_>> = k
                .persistent_volumes
                .iter()
                .enumerate()
                .map(|(v, p)| Candidate {
                    class: &p.storage_class,
                    storage_gib: p.storage_gib,
                    access: access(p.access_mode),
                    bound: bound[v],
                })
                .collect();
            let m = efs_static::best_match(
                &classes[i],
                c.storage_gib,
                access(c.access_mode),
                &candidates,
            );
            if let Some(v) = m {
                bound[v] = true;
            }
            m
        })
        .collect()
}

pub(super) fn persistent_volumes(out: &mut Problems, k: &EksWorld, wp: &Path) {
    let vp = wp.field("persistent_volumes");
    check_limit(
        out,
        vp.clone(),
        "number of PersistentVolumes",
        k.persistent_volumes.len() as u32,
        CLAIMS,
        "",
    );
    let mut names = Unique::new();
    for (i, pv) in k.persistent_volumes.iter().enumerate() {
        let p = vp.index(i);
        if !dns_label_ok(&pv.name) {
            out.push((
                p.field("name"),
                format!("PersistentVolume name {} is not a valid Kubernetes name; use 1–63 lowercase letters, digits and '-'", quoted(&pv.name)),
            ));
        }
        names.check(out, p.field("name"), "PersistentVolume", &pv.name);
        check_limit(
            out,
            p.field("storage_gib"),
            "storage_gib",
            pv.storage_gib,
            EBS_SIZE_GIB,
            " GiB",
        );
        if pv.driver != EFS_CSI {
            out.push((
                p.field("driver"),
                format!(
                    "driver {} is not one Orca simulates for a PersistentVolume written by hand; valid: \"{EFS_CSI}\" (the EFS CSI driver)",
                    quoted(&pv.driver)
                ),
            ));
        }
        if !pv.storage_class.is_empty()
            && !k.storage_classes.iter().any(|s| s.name == pv.storage_class)
        {
            out.push((
                p.field("storage_class"),
                format!(
                    "StorageClass {} is not defined; use \"\" for no class; {}",
                    quoted(&pv.storage_class),
                    list(k.storage_classes.iter().map(|s| s.name.as_str()))
                ),
            ));
        }
        handle(out, k, &pv.volume_handle, &p.field("volume_handle"));
        for (j, o) in pv.mount_options.iter().enumerate() {
            let op = p.field("mount_options").index(j);
            match efs_static::az_option(std::slice::from_ref(o)) {
                Some(z) if !k.cluster.availability_zones.iter().any(|c| c == z) => out.push((
                    op,
                    format!(
                        "zone {} is not one of the cluster's; {}",
                        quoted(z),
                        list(&k.cluster.availability_zones)
                    ),
                )),
                Some(_) => {}
                None => out.push((
                    op,
                    format!(
                        "mount option {} is not one Orca models; valid: \"az=<zone>\" (efs-utils mounts through that zone's mount target)",
                        quoted(o)
                    ),
                )),
            }
        }
    }
}

/// A volume handle: the driver's format, a file system of the world, an access point of it.
fn handle(out: &mut Problems, k: &EksWorld, h: &str, p: &Path) {
    let parsed = match efs_static::parse_handle(h) {
        Ok(x) => x,
        Err(e) => {
            const VALID: &str =
                "valid: \"fs-…\", \"fs-…:/dir\", \"fs-…::fsap-…\" or \"fs-…:/dir:fsap-…\"";
            // The driver's words repeat the handle whole: only for one short enough to show.
            let said = if quoted(h).ends_with('"') {
                format!("{e} (the driver's words)")
            } else {
                format!("volume handle {} is not one the driver parses", quoted(h))
            };
            out.push((p.clone(), format!("{said}; {VALID}")));
            return;
        }
    };
    let Some(fs) = k
        .efs_file_systems
        .iter()
        .find(|f| f.file_system_id == parsed.file_system_id)
    else {
        out.push((
            p.clone(),
            format!(
                "EFS file system {} is not defined; {}",
                quoted(&parsed.file_system_id),
                list(k.efs_file_systems.iter().map(|f| f.file_system_id.as_str()))
            ),
        ));
        return;
    };
    if let Some(ap) = &parsed.access_point_id
        && !fs.access_points.contains(ap)
    {
        out.push((
            p.clone(),
            format!(
                "access point {} is not one of file system {}'s access_points; {}",
                quoted(ap),
                quoted(&fs.file_system_id),
                list(&fs.access_points)
            ),
        ));
    }
}

/// A One Zone file system: its zone is one of the cluster's, and its only mount target is
/// there (Amazon EFS User Guide, "Managing mount targets": "For One Zone file systems, you can
/// only create a single mount target in the same Availability Zone as the file system").
pub(super) fn one_zone(out: &mut Problems, fss: &[EfsFileSystemSpec], zones: &[String], fp: &Path) {
    for (i, fs) in fss.iter().enumerate() {
        let Some(az) = &fs.availability_zone_name else {
            continue;
        };
        let p = fp.index(i);
        if !zones.contains(az) {
            out.push((
                p.field("availability_zone_name"),
                format!(
                    "zone {} is not one of the cluster's; {}",
                    quoted(az),
                    list(zones)
                ),
            ));
        }
        if let Some(m) = &fs.mount_targets
            && m.as_slice() != std::slice::from_ref(az)
        {
            out.push((
                p.field("mount_targets"),
                format!(
                    "file system {} is a One Zone file system in {}: it has exactly one mount target, in that zone; write mount_targets: [{}] or leave it out",
                    quoted(&fs.file_system_id),
                    quoted(az),
                    quoted(az)
                ),
            ));
        }
    }
}
