//! The EFS CSI driver at work in the cluster, one pass per second from the volume controller
//! (`docs/rules/storage.md#efs-on-eks`): its external provisioner makes one access point per
//! claim of an `efs-ap` StorageClass and binds a `pvc-<uid>` PersistentVolume to it; its node
//! plugin mounts the file system through the mount target in the node's own zone, and where
//! there is none the kubelet reports `FailedMount` and the pod stays `ContainerCreating`; the
//! pods that run with the volume write the application's files to the shared file system.
//! Sources: EKS User Guide, "Use elastic file system storage with Amazon EFS"
//! (https://docs.aws.amazon.com/eks/latest/userguide/efs-csi.html); aws-efs-csi-driver
//! `docs/README.md` (dynamic provisioning); efs-utils `get_mount_target_in_az`.

use super::cluster::{ContainerState, EksCluster, EksCtx};
use super::efs_csi;
use super::events;
use super::volume_binding::{self, claim_object};
use super::volumes::{self, EfsSource, Provisioning, Volume};
use crate::event::Subject;
use crate::rng::Rngs;
use crate::time::SimTime;

/// The PersistentVolume the provisioner makes for EFS claim `cl`: a new access point on the
/// class's file system with the next GID of its range. None: the class's GID range is used
/// up (validation keeps claims within it).
pub fn access_point_volume(
    c: &EksCluster,
    cl: usize,
    now: SimTime,
    rngs: &mut Rngs,
) -> Option<Volume> {
    let e = volumes::efs_class(c, cl)?;
    let used: Vec<u32> = c
        .storage
        .volumes
        .iter()
        .filter_map(|v| v.efs.as_ref())
        .filter(|s| s.file_system_id == e.file_system_id)
        .map(|s| s.gid)
        .collect();
    let gid = efs_csi::next_gid(&used, e.gid_range_start, e.gid_range_end)?;
    let name = format!("pvc-{}", crate::rng::uuid(&mut rngs.names));
    let access_point_id = format!("fsap-0{}", crate::rng::hex(&mut rngs.ids, 16));
    let claim = &c.storage.claims[cl];
    Some(Volume {
        name: name.clone(),
        claim: Some(cl),
        zone: String::new(),
        storage_gib: claim.storage_gib,
        access: claim.access,
        volume_id: String::new(),
        volume_type: String::new(),
        created_at: now,
        attachment: None,
        efs: Some(EfsSource {
            file_system_id: e.file_system_id.clone(),
            access_point_id,
            gid,
            root_directory: efs_csi::access_point_root(&e.base_path, &name),
        }),
        manual: None,
    })
}

/// One step of an EFS claim that is not bound yet.
pub fn claim(ctx: &mut EksCtx, cl: usize) {
    let now = ctx.now;
    let c = &*ctx.world;
    let claim = &c.storage.claims[cl];
    if volumes::efs_class(c, cl).is_some_and(|e| e.file_system_id.is_empty()) {
        // A class without parameters is for PVs written by hand only (validation gives each
        // of its claims one): the driver's provisioner has nothing to make.
        return;
    }
    match &claim.provisioning {
        Some(p) if p.done_at <= now => provisioned(ctx, cl),
        Some(_) => {}
        None if !c.storage.efs_driver => {
            // Nothing answers for efs.csi.aws.com: the claim stays Pending and the
            // persistentvolume-controller keeps waiting (Kubernetes repeats the event; once
            // here).
            if claim.reported_waiting {
                return;
            }
            ctx.world.storage.claims[cl].reported_waiting = true;
            let (object, subjects) = claim_object(&ctx.world.storage.claims[cl].name, "");
            events::normal(
                ctx,
                "ExternalProvisioning",
                object,
                volumes::external_provisioning(efs_csi::EFS_CSI),
                subjects,
                Some(format!(
                    "no efs-csi-controller runs in the cluster: the aws-efs-csi-driver add-on is not installed, so no provisioner answers for {}, and the claim stays Pending",
                    efs_csi::EFS_CSI
                )),
            );
        }
        None => {
            ctx.world.storage.claims[cl].provisioning = Some(Provisioning {
                node: None,
                zone: String::new(),
                done_at: now.plus(efs_csi::PROVISION),
            });
            volume_binding::start_provisioning(ctx, cl, None);
        }
    }
}

/// The access point exists: its PV is bound to the claim.
fn provisioned(ctx: &mut EksCtx, cl: usize) {
    let now = ctx.now;
    let Some(v) = access_point_volume(ctx.world, cl, now, ctx.rngs) else {
        return;
    };
    let c = &mut *ctx.world;
    c.storage.claims[cl].provisioning = None;
    let claim_name = c.storage.claims[cl].name.clone();
    let src = v.efs.clone().expect("an access point volume");
    let name = v.name.clone();
    let perms = volumes::efs_class(c, cl).map_or(String::new(), |e| e.directory_perms.clone());
    c.storage.volumes.push(v);
    c.storage.claims[cl].volume = Some(c.storage.volumes.len() - 1);
    let (object, subjects) = claim_object(&claim_name, "");
    events::normal(
        ctx,
        "ProvisioningSucceeded",
        object,
        volumes::provisioning_succeeded(&name),
        subjects,
        Some(format!(
            "CreateAccessPoint made {} on {} (root {} with permissions {perms}, owned by uid and gid {}); its PersistentVolume {name} has volumeHandle {}, ReadWriteMany and no node affinity: any node whose zone has a mount target can mount it",
            src.access_point_id,
            src.file_system_id,
            src.root_directory,
            src.gid,
            efs_csi::volume_handle(&src)
        )),
    );
}

/// Pods bound to a node that cannot mount their EFS volume: the kubelet's `FailedMount` (once
/// per pod; Kubernetes repeats it while it retries).
pub fn report_mounts(ctx: &mut EksCtx) {
    let now = ctx.now;
    for p in 0..ctx.world.pods.len() {
        let c = &*ctx.world;
        let pod = &c.pods[p];
        let Some(n) = pod.node else { continue };
        if !pod.counts() || pod.ip.is_some() || c.storage.reported_mount_failed.contains(&pod.uid) {
            continue;
        }
        let Some(v) = volumes::claim_of(c, p).and_then(|cl| c.storage.claims[cl].volume) else {
            continue;
        };
        let vol = &c.storage.volumes[v];
        let Some(src) = &vol.efs else { continue };
        if !volumes::efs_driver_on(c, n) || volumes::efs_mountable(c, vol, n) {
            continue;
        }
        let Some(f) = c.storage.file_system(&src.file_system_id) else {
            continue;
        };
        let fs = &c.storage.file_systems[f];
        let (node, zone) = (c.nodes[n].name.clone(), c.nodes[n].zone.clone());
        let target_zone = volumes::efs_mount_zone(c, vol, n).to_string();
        let output = efs_csi::no_mount_target_output(fs, &target_zone, &c.storage.region);
        let message = efs_csi::failed_mount(vol, src, &pod.uid, &output);
        let targets = if fs.mount_targets.is_empty() {
            "none".to_string()
        } else {
            fs.mount_targets.join(", ")
        };
        let why = if target_zone != zone {
            format!(
                "the PersistentVolume's mount option az={target_zone} sends {node} (in {zone}) to the mount target in {target_zone}, and {} has none there (mount targets: {targets}); the pod stays ContainerCreating while the kubelet retries",
                fs.id
            )
        } else {
            let one_zone = fs.availability_zone_name.as_ref().map_or(String::new(), |z| {
                format!(" {} is a One Zone file system in {z}: a node in another zone mounts it only with the mount option az={z};", fs.id)
            });
            format!(
                "{node} is in {zone}, where {} has no mount target (mount targets: {targets}); efs-utils on the node looks up the mount target of its own zone and does not fall back to another zone's;{one_zone} so the pod stays ContainerCreating while the kubelet retries",
                fs.id
            )
        };
        let (uid, pod_name) = (pod.uid.clone(), pod.name.clone());
        ctx.world.storage.reported_mount_failed.push(uid);
        ctx.world.pods[p].explain(now, format!("ContainerCreating: {why}"));
        let (object, mut subjects) = events::pod(&pod_name);
        subjects.push(Subject::Node(node.into()));
        subjects.push(Subject::Zone(zone.into()));
        events::warning(ctx, "FailedMount", object, message, subjects, Some(why));
    }
}

/// `aws efs create-mount-target` in `zone` (the action): `creating` now, `available` later.
pub fn create_mount_target(ctx: &mut EksCtx, file_system_id: &str, zone: &str) {
    let now = ctx.now;
    let s = &mut ctx.world.storage;
    let Some(f) = s.file_system(file_system_id) else {
        return;
    };
    if s.file_systems[f].reachable_from(zone)
        || s.creating_mount_targets
            .iter()
            .any(|(g, z, _)| *g == f && z == zone)
    {
        return;
    }
    let ready = now.plus(efs_csi::MOUNT_TARGET_CREATE);
    s.creating_mount_targets.push((f, zone.to_string(), ready));
    let line = format!(
        "aws efs create-mount-target --file-system-id {file_system_id} (a subnet of {zone}): LifeCycleState creating, available in {} s",
        efs_csi::MOUNT_TARGET_CREATE.0 / 1000
    );
    ctx.emit(
        crate::event::Source::Scenario,
        crate::event::EventKind::ActionApplied {
            description: line.as_str().into(),
        },
        line,
        vec![Subject::Zone(zone.into())],
    );
}

/// Mount targets whose creation is done become `available`: nodes in their zone can mount the
/// file system from now on (a pod waiting there mounts at the kubelet's next retry).
pub fn mount_targets_available(c: &mut EksCluster, now: SimTime) {
    let s = &mut c.storage;
    if s.creating_mount_targets.is_empty() {
        return;
    }
    let (done, waiting): (Vec<_>, Vec<_>) = std::mem::take(&mut s.creating_mount_targets)
        .into_iter()
        .partition(|(_, _, t)| *t <= now);
    s.creating_mount_targets = waiting;
    for (f, zone, _) in done {
        s.file_systems[f].mount_targets.push(zone);
        s.file_systems[f].mount_targets.sort();
    }
}

/// One second of the applications' writing: every running pod that mounts an EFS volume adds
/// a second to its file system's count [Orca model: a file count, not contents].
pub fn write_second(c: &mut EksCluster) {
    for p in 0..c.pods.len() {
        let pod = &c.pods[p];
        if !pod.counts() || !matches!(pod.state, ContainerState::Running { .. }) {
            continue;
        }
        let Some(v) = volumes::claim_of(c, p).and_then(|cl| c.storage.claims[cl].volume) else {
            continue;
        };
        let Some(src) = &c.storage.volumes[v].efs else {
            continue;
        };
        if let Some(f) = c.storage.file_system(&src.file_system_id) {
            c.storage.efs_writer_seconds[f] += 1;
        }
    }
}
