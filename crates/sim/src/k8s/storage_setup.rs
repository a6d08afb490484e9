//! The storage objects of a scenario when it starts: its StorageClasses and claims, and for a
//! claim whose pod already runs, the volume it was bound to in that pod's zone, attached to
//! the pod's node (as a Deployment rolled out before the scenario would have it).

use super::cluster::EksCluster;
use super::efs_static;
use super::volumes::{
    self, AccessMode, Attachment, Claim, EfsParameters, EfsSource, ManualPv, StorageClass, Volume,
};
use crate::rng::Rngs;
use crate::scenario::spec::{
    AccessModeSpec, EksWorld, PersistentVolumeSpec, ReclaimPolicySpec, VolumeBindingMode,
};
use crate::time::SimTime;

/// The scenario's classes and claims (validation guarantees every name resolves).
pub fn add_storage(c: &mut EksCluster, k: &EksWorld) {
    c.storage.minor = volumes::minor_of(k.kubernetes_version.as_deref());
    c.storage.classes = k
        .storage_classes
        .iter()
        .map(|s| StorageClass {
            name: s.name.clone(),
            provisioner: s.provisioner.clone(),
            wait_for_first_consumer: s.volume_binding_mode
                == VolumeBindingMode::WaitForFirstConsumer,
            volume_type: s.volume_type.clone(),
            is_default: s.is_default,
            efs: (s.provisioner == volumes::EFS_CSI).then(|| EfsParameters {
                file_system_id: s.file_system_id.clone().unwrap_or_default(),
                directory_perms: s.directory_perms.clone().unwrap_or_else(|| "700".into()),
                gid_range_start: s.gid_range_start.unwrap_or(volumes::EFS_GID_RANGE_START),
                gid_range_end: s.gid_range_end.unwrap_or(volumes::EFS_GID_RANGE_END),
                base_path: s.base_path.clone().unwrap_or_default(),
            }),
        })
        .collect();
    c.storage.file_systems = k
        .efs_file_systems
        .iter()
        .map(|f| crate::efs::FileSystem::from_spec(f, &k.cluster.availability_zones))
        .collect();
    c.storage.efs_writer_seconds = vec![0; c.storage.file_systems.len()];
    c.storage.efs_driver = k.efs_csi_driver;
    c.storage.region = k.cluster.region.clone();
    let default_class = c.storage.classes.iter().position(|s| s.is_default);
    c.storage.claims = k
        .persistent_volume_claims
        .iter()
        .map(|p| Claim {
            name: p.name.clone(),
            namespace: c.namespace.clone(),
            class: match &p.storage_class {
                Some(n) => c.storage.classes.iter().position(|s| &s.name == n),
                None => default_class,
            },
            storage_gib: p.storage_gib,
            access: access(p.access_mode),
            created_at: SimTime::ZERO,
            volume: None,
            provisioning: None,
            reported_waiting: false,
            selected_node: None,
        })
        .collect();
    c.storage.volumes = k.persistent_volumes.iter().filter_map(manual).collect();
}

fn access(a: AccessModeSpec) -> AccessMode {
    match a {
        AccessModeSpec::ReadWriteOnce => AccessMode::ReadWriteOnce,
        AccessModeSpec::ReadWriteMany => AccessMode::ReadWriteMany,
    }
}

/// A PersistentVolume written by hand: `Available`, bound to no claim yet (validation
/// guarantees its volume handle parses).
fn manual(p: &PersistentVolumeSpec) -> Option<Volume> {
    let h = efs_static::parse_handle(&p.volume_handle).ok()?;
    Some(Volume {
        name: p.name.clone(),
        claim: None,
        zone: String::new(),
        storage_gib: p.storage_gib,
        access: access(p.access_mode),
        volume_id: String::new(),
        volume_type: String::new(),
        created_at: SimTime::ZERO,
        attachment: None,
        efs: Some(EfsSource {
            file_system_id: h.file_system_id,
            access_point_id: h.access_point_id.unwrap_or_default(),
            gid: 0,
            root_directory: h.path,
        }),
        manual: Some(ManualPv {
            storage_class: p.storage_class.clone(),
            reclaim_policy: match p.reclaim_policy {
                ReclaimPolicySpec::Retain => "Retain",
                ReclaimPolicySpec::Delete => "Delete",
            },
            volume_handle: p.volume_handle.clone(),
            mount_options: p.mount_options.clone(),
            encrypt_in_transit: p.encrypt_in_transit,
        }),
    })
}

/// After the first pods are placed: each claim a running pod mounts is bound to a volume in
/// that pod's zone, attached to its node.
pub fn bind_placed(c: &mut EksCluster, rngs: &mut Rngs) {
    for p in 0..c.pods.len() {
        let Some(n) = c.pods[p].node else { continue };
        let Some(cl) = volumes::claim_of(c, p) else {
            continue;
        };
        if c.storage.claims[cl].volume.is_some() {
            continue;
        }
        if volumes::efs_class(c, cl).is_some() {
            // An EFS claim: its access point was made before the scenario; nothing attaches.
            let now = SimTime::ZERO;
            if let Some(v) = super::efs_provision::access_point_volume(c, cl, now, rngs) {
                c.storage.volumes.push(v);
                c.storage.claims[cl].volume = Some(c.storage.volumes.len() - 1);
            }
            continue;
        }
        let claim = &c.storage.claims[cl];
        let volume_type = claim.class.map_or("gp3".to_string(), |k| {
            c.storage.classes[k].volume_type.clone()
        });
        let volume = Volume {
            name: format!("pvc-{}", crate::rng::uuid(&mut rngs.names)),
            claim: Some(cl),
            zone: c.nodes[n].zone.clone(),
            storage_gib: claim.storage_gib,
            access: claim.access,
            volume_id: format!("vol-0{}", crate::rng::hex(&mut rngs.ids, 16)),
            volume_type,
            created_at: SimTime::ZERO,
            attachment: Some(Attachment {
                node: n,
                ready_at: SimTime::ZERO,
                detach_at: None,
            }),
            efs: None,
            manual: None,
        };
        c.storage.volumes.push(volume);
        c.storage.claims[cl].volume = Some(c.storage.volumes.len() - 1);
        let uid = c.pods[p].uid.clone();
        c.storage.reported_attached.push(uid);
    }
}
