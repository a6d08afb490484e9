//! What the app and the tests read of EFS on EKS (`docs/rules/storage.md#efs-on-eks`): each
//! file system with its mount-target zones, the files the pods wrote (shared by every pod and
//! kept when pods go), the access points the driver made, the PersistentVolumes written by
//! hand on it, and the pods that mount it or fail to.

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

/// A PersistentVolume written by hand on the file system (static provisioning): no access
/// point was made for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EfsStaticVolume {
    pub volume: String,
    /// The claim bound to it (empty while it is `Available`).
    pub claim: String,
    pub volume_handle: String,
    /// The directory it mounts (`/`: the whole file system).
    pub path: String,
    /// The access point its handle names (empty: none).
    pub access_point_id: String,
    pub mount_options: Vec<String>,
}

/// A file system at this moment. Its pods are those of dynamically provisioned claims and of
/// PVs written by hand alike, Fargate pods included.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EfsCard {
    pub id: String,
    pub mount_targets: Vec<String>,
    /// A One Zone file system's zone.
    pub availability_zone_name: Option<String>,
    pub files: u64,
    pub bytes: u64,
    /// Access points the driver made for claims (dynamic provisioning).
    pub access_points: Vec<EfsAccessPoint>,
    pub static_volumes: Vec<EfsStaticVolume>,
    pub pods: Vec<EfsPod>,
}

fn claim_name(c: &EksCluster, v: &volumes::Volume) -> String {
    v.claim
        .map_or(String::new(), |cl| c.storage.claims[cl].name.clone())
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
                .filter(|(v, s)| s.file_system_id == fs.id && v.manual.is_none())
                .map(|(v, s)| EfsAccessPoint {
                    access_point_id: s.access_point_id.clone(),
                    volume: v.name.clone(),
                    claim: claim_name(c, v),
                    volume_handle: efs_csi::volume_handle(s),
                    gid: s.gid,
                    root_directory: s.root_directory.clone(),
                })
                .collect();
            let static_volumes = c
                .storage
                .volumes
                .iter()
                .filter_map(|v| Some((v, v.efs.as_ref()?, v.manual.as_ref()?)))
                .filter(|(_, s, _)| s.file_system_id == fs.id)
                .map(|(v, s, m)| EfsStaticVolume {
                    volume: v.name.clone(),
                    claim: claim_name(c, v),
                    volume_handle: m.volume_handle.clone(),
                    path: s.root_directory.clone(),
                    access_point_id: s.access_point_id.clone(),
                    mount_options: m.mount_options.clone(),
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
                availability_zone_name: fs.availability_zone_name.clone(),
                access_points,
                static_volumes,
                pods,
            }
        })
        .collect()
}
