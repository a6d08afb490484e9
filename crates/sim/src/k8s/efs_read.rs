//! What the app and the tests read of EFS on EKS (`docs/rules/storage.md#efs-on-eks`): each
//! file system with its mount-target zones, the files the pods wrote (shared by every pod and
//! kept when pods go), the access points the driver made, and the pods that mount it or fail
//! to.

use serde::Serialize;

use super::cluster::EksCluster;
use super::efs_csi;
use super::volumes;

/// A pod that uses an EFS volume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EfsPod {
    pub pod: String,
    pub node: String,
    pub zone: String,
    /// Its node can mount the volume (else `FailedMount`, ContainerCreating).
    pub mounted: bool,
}

/// An access point the driver made for a claim, with its PersistentVolume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EfsAccessPoint {
    pub access_point_id: String,
    pub volume: String,
    pub claim: String,
    pub volume_handle: String,
    pub gid: u32,
    pub root_directory: String,
}

/// A file system at this moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EfsCard {
    pub id: String,
    pub mount_targets: Vec<String>,
    pub files: u64,
    pub bytes: u64,
    pub access_points: Vec<EfsAccessPoint>,
    pub pods: Vec<EfsPod>,
}

/// Every file system of the cluster.
pub fn efs_cards(c: &EksCluster) -> Vec<EfsCard> {
    c.storage
        .file_systems
        .iter()
        .enumerate()
        .map(|(f, fs)| {
            let seconds = c.storage.efs_writer_seconds.get(f).copied().unwrap_or(0);
            let files = fs.files_after(seconds);
            let access_points = c
                .storage
                .volumes
                .iter()
                .filter_map(|v| v.efs.as_ref().map(|s| (v, s)))
                .filter(|(_, s)| s.file_system_id == fs.id)
                .map(|(v, s)| EfsAccessPoint {
                    access_point_id: s.access_point_id.clone(),
                    volume: v.name.clone(),
                    claim: c.storage.claims[v.claim].name.clone(),
                    volume_handle: efs_csi::volume_handle(s),
                    gid: s.gid,
                    root_directory: s.root_directory.clone(),
                })
                .collect();
            let pods = (0..c.pods.len())
                .filter_map(|p| {
                    let pod = &c.pods[p];
                    let n = pod.node?;
                    let v = volumes::claim_of(c, p)
                        .and_then(|cl| c.storage.claims[cl].volume)
                        .map(|v| &c.storage.volumes[v])?;
                    let src = v.efs.as_ref()?;
                    (pod.counts() && src.file_system_id == fs.id).then(|| EfsPod {
                        pod: pod.name.clone(),
                        node: c.nodes[n].name.clone(),
                        zone: c.nodes[n].zone.clone(),
                        mounted: volumes::efs_mountable(c, v, n),
                    })
                })
                .collect();
            EfsCard {
                id: fs.id.clone(),
                mount_targets: fs.mount_targets.clone(),
                files,
                bytes: fs.bytes_of(files),
                access_points,
                pods,
            }
        })
        .collect()
}
