//! Storage of ECS tasks: EFS file systems and their mount targets, task definition volumes
//! (`efsVolumeConfiguration`) and Fargate ephemeral storage (`docs/rules/storage.md`).

use super::Problems;
use super::common::{Unique, check_limit, list};
use crate::scenario::limits::{
    EFS_FILE_KIB, EFS_FILES, EFS_FILES_PER_MINUTE, EPHEMERAL_STORAGE_GIB, FILE_SYSTEMS,
    TASK_VOLUMES,
};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{EcsWorld, EfsFileSystemSpec, TaskDefinitionSpec, TransitEncryption};

pub(super) fn hex_id(id: &str, prefix: &str, lengths: &[usize]) -> bool {
    id.strip_prefix(prefix).is_some_and(|h| {
        lengths.contains(&h.len())
            && h.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    })
}

pub(super) fn ecs_storage(out: &mut Problems, w: &EcsWorld, wp: &Path) {
    efs_file_systems(
        out,
        &w.efs_file_systems,
        &w.cluster.availability_zones,
        &wp.field("efs_file_systems"),
    );
    let tp = wp.field("task_definitions");
    for (i, td) in w.task_definitions.iter().enumerate() {
        task_definition_storage(out, w, td, &tp.index(i));
    }
}

/// The EFS file systems of a world (ECS or EKS): ids, mount-target zones, access points and
/// the application's file counts.
pub(super) fn efs_file_systems(
    out: &mut Problems,
    fss: &[EfsFileSystemSpec],
    cluster_zones: &[String],
    fp: &Path,
) {
    let fp = fp.clone();
    super::eks_efs_static::one_zone(out, fss, cluster_zones, &fp);
    check_limit(
        out,
        fp.clone(),
        "number of EFS file systems",
        fss.len() as u32,
        FILE_SYSTEMS,
        "",
    );
    let mut ids = Unique::new();
    for (i, fs) in fss.iter().enumerate() {
        let p = fp.index(i);
        if !hex_id(&fs.file_system_id, "fs-", &[8, 17]) {
            out.push((
                p.field("file_system_id"),
                format!(
                    "file system id {} is not an EFS id; use \"fs-\" and 8 or 17 lowercase hexadecimal digits, e.g. \"fs-0e4a39a0b7bb8b885\"",
                    quoted(&fs.file_system_id)
                ),
            ));
        }
        ids.check(
            out,
            p.field("file_system_id"),
            "EFS file system",
            &fs.file_system_id,
        );
        if let Some(zones) = &fs.mount_targets {
            for (j, z) in zones.iter().enumerate() {
                let zp = p.field("mount_targets").index(j);
                if !cluster_zones.contains(z) {
                    out.push((
                        zp.clone(),
                        format!(
                            "zone {} is not one of the cluster's; {}",
                            quoted(z),
                            list(cluster_zones)
                        ),
                    ));
                }
                if zones[..j].contains(z) {
                    out.push((
                        zp,
                        format!(
                            "zone {} is listed twice; a file system has one mount target per Availability Zone",
                            quoted(z)
                        ),
                    ));
                }
            }
        }
        for (j, ap) in fs.access_points.iter().enumerate() {
            if !hex_id(ap, "fsap-", &[17]) {
                out.push((
                    p.field("access_points").index(j),
                    format!(
                        "access point id {} is not an EFS access point id; use \"fsap-\" and 17 lowercase hexadecimal digits",
                        quoted(ap)
                    ),
                ));
            }
        }
        check_limit(out, p.field("files"), "files", fs.files, EFS_FILES, "");
        check_limit(
            out,
            p.field("files_per_task_minute"),
            "files_per_task_minute",
            fs.files_per_task_minute,
            EFS_FILES_PER_MINUTE,
            "",
        );
        check_limit(
            out,
            p.field("file_size_kib"),
            "file_size_kib",
            fs.file_size_kib,
            EFS_FILE_KIB,
            " KiB",
        );
    }
}

/// The volumes and ephemeral storage of one task definition.
fn task_definition_storage(out: &mut Problems, w: &EcsWorld, td: &TaskDefinitionSpec, p: &Path) {
    if let Some(gib) = td.ephemeral_storage_gib {
        check_limit(
            out,
            p.field("ephemeral_storage_gib"),
            "ephemeral_storage_gib",
            gib,
            EPHEMERAL_STORAGE_GIB,
            " GiB",
        );
    }
    let vp = p.field("volumes");
    check_limit(
        out,
        vp.clone(),
        "number of volumes",
        td.volumes.len() as u32,
        TASK_VOLUMES,
        "",
    );
    let mut names = Unique::new();
    for (i, v) in td.volumes.iter().enumerate() {
        let p = vp.index(i);
        names.check(out, p.field("name"), "volume", &v.name);
        let Some(efs) = &v.efs_volume_configuration else {
            continue;
        };
        let ep = p.field("efs_volume_configuration");
        let Some(fs) = w
            .efs_file_systems
            .iter()
            .find(|f| f.file_system_id == efs.file_system_id)
        else {
            out.push((
                ep.field("file_system_id"),
                format!(
                    "EFS file system {} is not defined; {}",
                    quoted(&efs.file_system_id),
                    list(w.efs_file_systems.iter().map(|f| f.file_system_id.as_str()))
                ),
            ));
            continue;
        };
        let encrypted = efs.transit_encryption == TransitEncryption::Enabled;
        if let Some(ap) = &efs.access_point_id {
            if !fs.access_points.contains(ap) {
                out.push((
                    ep.field("access_point_id"),
                    format!(
                        "access point {} is not one of file system {}; {}",
                        quoted(ap),
                        quoted(&fs.file_system_id),
                        list(&fs.access_points)
                    ),
                ));
            }
            if efs.root_directory.as_deref().is_some_and(|r| r != "/") {
                out.push((
                    ep.field("root_directory"),
                    "with an access point the root directory is the access point's: leave root_directory out or set it to \"/\"".into(),
                ));
            }
        }
        if !encrypted && (efs.access_point_id.is_some() || efs.iam) {
            out.push((
                ep.field("transit_encryption"),
                "an access point or IAM authorization needs transit_encryption: Enabled".into(),
            ));
        }
    }
}
