//! The Amazon EFS CSI driver on EKS as pure rules and wording (`docs/rules/storage.md#efs-on-eks`):
//! its names, defaults and timings, and the messages its provisioner and the kubelet print.
//! Sources: EKS User Guide, "Use elastic file system storage with Amazon EFS"
//! (https://docs.aws.amazon.com/eks/latest/userguide/efs-csi.html); the driver's
//! documentation (https://github.com/kubernetes-sigs/aws-efs-csi-driver, `docs/README.md`,
//! dynamic provisioning parameters); efs-utils, `mount_efs/__init__.py`
//! (`get_mount_target_in_az`, https://github.com/aws/efs-utils).

use super::storage::{EfsSource, Volume};
use crate::efs::FileSystem;
use crate::time::Millis;

/// The EFS CSI driver's name: a StorageClass's provisioner and a PV's `csi.driver`.
pub const EFS_CSI: &str = "efs.csi.aws.com";
/// The `From` of the provisioner's events: the driver's controller pod [model: the real name
/// ends in the pod's random suffix].
pub const EFS_CSI_CONTROLLER: &str = "efs.csi.aws.com_efs-csi-controller-5b6c9d7d8-x4k2p";
/// The only `provisioningMode` the driver documents for EFS: an access point per claim.
pub const PROVISIONING_MODE: &str = "efs-ap";
/// `gidRangeStart` and `gidRangeEnd` when the class leaves them out (the driver's defaults).
pub const EFS_GID_RANGE_START: u32 = 50_000;
pub const EFS_GID_RANGE_END: u32 = 7_000_000;
/// Access points per file system (EKS User Guide, efs-csi: "1000 access points").
pub const ACCESS_POINTS_PER_FILE_SYSTEM: usize = 1000;
/// CreateMountTarget until the mount target is `available` [model: about a minute and a half;
/// the EFS User Guide only says it is `creating` first].
pub const MOUNT_TARGET_CREATE: Millis = Millis::from_secs(90);
/// CreateAccessPoint until the PV is bound [model: a couple of seconds].
pub const PROVISION: Millis = Millis::from_secs(2);

/// The PV's `volumeHandle` for a dynamically provisioned claim: `fs-…::fsap-…`.
pub fn volume_handle(src: &EfsSource) -> String {
    format!("{}::{}", src.file_system_id, src.access_point_id)
}

/// The root directory of the access point made for PV `pv`: `basePath` then the default
/// `subPathPattern` `${.PV.name}`.
pub fn access_point_root(base_path: &str, pv: &str) -> String {
    let base = base_path.trim_end_matches('/');
    format!("{base}/{pv}")
}

/// The GID the provisioner gives the next access point: the lowest of the class's range that
/// no access point of the file system holds [inferred from the driver's GID allocator]. None:
/// the range is used up.
pub fn next_gid(used: &[u32], start: u32, end: u32) -> Option<u32> {
    (start..=end).find(|g| !used.contains(g))
}

/// The mount directory the kubelet gives a CSI volume of a pod.
fn pod_mount_dir(pod_uid: &str, pv: &str) -> String {
    format!("/var/lib/kubelet/pods/{pod_uid}/volumes/kubernetes.io~csi/{pv}/mount")
}

/// efs-utils' error when the node's zone has no mount target (`get_mount_target_in_az`): the
/// node knows its zone from instance metadata, so it does not pick another zone's target.
pub fn no_mount_target_output(fs: &FileSystem, zone: &str, region: &str) -> String {
    let dns = crate::efs::dns_name(&fs.id, region);
    let resolve = format!(
        "Failed to resolve \"{dns}\". The file system mount target ip address cannot be found, please pass mount target ip address via mount options."
    );
    if fs.mount_targets.is_empty() {
        return format!(
            "{resolve} Cannot find mount target for the file system {}, please create a mount target in {zone}.",
            fs.id
        );
    }
    let zones: Vec<String> = fs.mount_targets.iter().map(|z| format!("'{z}'")).collect();
    format!(
        "{resolve} No matching mount target in the az {zone}. Please create one mount target in {zone}, or try the mount target in another AZ by passing the availability zone name option. Available mount target(s) are in az [{}]",
        zones.join(", ")
    )
}

/// `Warning FailedMount` (kubelet) for pod `pod_uid` whose node cannot mount EFS volume `v`
/// (observed wording, as posted in public troubleshooting notes).
/// The source is `fs-…:<path>` (`/` unless a PV written by hand names a directory) and the
/// options those the node plugin passes (`efs_static::mount_args`).
pub fn failed_mount(v: &Volume, src: &EfsSource, pod_uid: &str, output: &str) -> String {
    let dir = pod_mount_dir(pod_uid, &v.name);
    let (path, args) = match &v.manual {
        Some(m) => (
            src.root_directory.as_str(),
            super::efs_static::mount_args(
                Some(src.access_point_id.as_str()).filter(|a| !a.is_empty()),
                m.encrypt_in_transit,
                &m.mount_options,
            ),
        ),
        None => ("/", format!("accesspoint={},tls", src.access_point_id)),
    };
    let source = format!("{}:{path}", src.file_system_id);
    let options = if args.is_empty() {
        String::new()
    } else {
        format!("-o {args} ")
    };
    format!(
        "MountVolume.SetUp failed for volume \"{}\" : rpc error: code = Internal desc = Could not mount \"{source}\" at \"{dir}\": mount failed: exit status 1 Mounting command: mount Mounting arguments: -t efs {options}{source} {dir} Output: {output}",
        v.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs(zones: &[&str]) -> FileSystem {
        FileSystem {
            id: "fs-0263715a9518b3f0c".into(),
            mount_targets: zones.iter().map(|z| z.to_string()).collect(),
            availability_zone_name: None,
            access_points: Vec::new(),
            initial_files: 0,
            files_per_task_minute: 0,
            file_size_kib: 64,
        }
    }

    #[test]
    fn the_missing_mount_target_output_is_efs_utils_own() {
        // The public report: a node in eu-central-1b, one mount target in eu-central-1a.
        assert_eq!(
            no_mount_target_output(&fs(&["eu-central-1a"]), "eu-central-1b", "eu-central-1"),
            "Failed to resolve \"fs-0263715a9518b3f0c.efs.eu-central-1.amazonaws.com\". The file system mount target ip address cannot be found, please pass mount target ip address via mount options. No matching mount target in the az eu-central-1b. Please create one mount target in eu-central-1b, or try the mount target in another AZ by passing the availability zone name option. Available mount target(s) are in az ['eu-central-1a']"
        );
        assert!(
            no_mount_target_output(&fs(&[]), "us-east-1c", "us-east-1").ends_with(
                "Cannot find mount target for the file system fs-0263715a9518b3f0c, please create a mount target in us-east-1c."
            )
        );
        let two = no_mount_target_output(
            &fs(&["us-east-1a", "us-east-1b"]),
            "us-east-1c",
            "us-east-1",
        );
        assert!(two.ends_with("['us-east-1a', 'us-east-1b']"));
    }

    #[test]
    fn each_access_point_gets_the_lowest_free_gid_and_its_own_directory() {
        assert_eq!(
            next_gid(&[], EFS_GID_RANGE_START, EFS_GID_RANGE_END),
            Some(50_000)
        );
        assert_eq!(next_gid(&[50_000, 50_002], 50_000, 50_010), Some(50_001));
        assert_eq!(next_gid(&[7, 8], 7, 8), None);
        assert_eq!(
            access_point_root("/dynamic_provisioning", "pvc-1"),
            "/dynamic_provisioning/pvc-1"
        );
        assert_eq!(access_point_root("", "pvc-1"), "/pvc-1");
        let src = EfsSource {
            file_system_id: "fs-1".into(),
            access_point_id: "fsap-2".into(),
            gid: 50_000,
            root_directory: "/pvc-1".into(),
        };
        assert_eq!(volume_handle(&src), "fs-1::fsap-2");
    }
}
