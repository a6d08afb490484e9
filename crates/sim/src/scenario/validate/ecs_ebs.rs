//! Amazon EBS volumes configured at deployment (`docs/rules/storage.md#ecs-managed-ebs`): the
//! task definition's `configured_at_launch` volume and the service's `volume_configurations`
//! (ECS API `Volume`, `ServiceVolumeConfiguration`, `ServiceManagedEBSVolumeConfiguration`).

use super::Problems;
use super::common::{check_range, list};
use super::ecs_index::EcsIndex;
use super::ecs_storage::hex_id;
use crate::ecs::ebs::{THROUGHPUT, iops_range, iops_required, size_range};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;
use crate::scenario::spec::{
    EbsVolumeType, EcsWorld, ManagedEbsVolumeSpec, SchedulingStrategy, ServiceSpec,
    ServiceVolumeConfigurationSpec, TaskDefinitionSpec,
};

/// The task definitions' volumes configured at launch, and every service's volume
/// configurations.
pub(super) fn ecs_ebs(out: &mut Problems, w: &EcsWorld, wp: &Path) {
    let tp = wp.field("task_definitions");
    for (i, td) in w.task_definitions.iter().enumerate() {
        let p = tp.index(i).field("volumes");
        for (j, v) in td.volumes.iter().enumerate() {
            if !v.configured_at_launch {
                continue;
            }
            // "Each volume ... may only specify a name and one of either configuredAtLaunch,
            // dockerVolumeConfiguration, efsVolumeConfiguration, ..." (ECS API, Volume).
            if v.efs_volume_configuration.is_some() {
                out.push((
                    p.index(j).field("configured_at_launch"),
                    format!(
                        "volume {} is both configured_at_launch and an EFS volume; a task definition volume is one or the other",
                        quoted(&v.name)
                    ),
                ));
            }
            // "Each task definition revision may only have one volume configured at launch."
            if td.volumes[..j].iter().any(|o| o.configured_at_launch) {
                out.push((
                    p.index(j).field("configured_at_launch"),
                    format!(
                        "task definition {}:{} already has a volume configured at launch; ECS allows one per revision",
                        td.family, td.revision
                    ),
                ));
            }
        }
    }
    let sp = wp.field("services");
    for (i, svc) in w.services.iter().enumerate() {
        service(out, w, svc, &sp.index(i));
    }
}

fn task_definition<'a>(w: &'a EcsWorld, reference: &str) -> Option<&'a TaskDefinitionSpec> {
    w.task_definitions
        .iter()
        .find(|td| format!("{}:{}", td.family, td.revision) == reference)
}

fn service(out: &mut Problems, w: &EcsWorld, svc: &ServiceSpec, p: &Path) {
    let Some(td) = task_definition(w, &svc.task_definition) else {
        return;
    };
    let at_launch = td.volumes.iter().find(|v| v.configured_at_launch);
    let vp = p.field("volume_configurations");
    if svc.volume_configurations.is_empty() {
        // Orca model (inferred): ECS has nothing to create the volume from, so the service
        // cannot run the task definition without a configuration.
        if let Some(v) = at_launch {
            out.push((
                p.field("task_definition"),
                format!(
                    "task definition {} has volume {} configured_at_launch, but service {} has no volume_configurations for it; add volume_configurations: [(name: {}, managed_ebs_volume: (role_arn: \"arn:aws:iam::123456789012:role/ecsInfrastructureRole\", size_in_gib: 20))]",
                    svc.task_definition,
                    quoted(&v.name),
                    svc.name,
                    quoted(&v.name)
                ),
            ));
        }
        return;
    }
    configurations(out, svc, td, &svc.volume_configurations, &vp);
}

/// An `UpdateService` timeline entry with `volume_configurations`: they configure the volume
/// of the task definition the service runs after the update.
pub(super) fn update_service(
    out: &mut Problems,
    ix: &EcsIndex,
    svc: &ServiceSpec,
    task_definition: Option<&str>,
    configs: &[ServiceVolumeConfigurationSpec],
    ap: &Path,
) {
    let reference = task_definition.unwrap_or(&svc.task_definition);
    if let Ok((_, td)) = ix.find_td(reference) {
        configurations(out, svc, td, configs, &ap.field("volume_configurations"));
    }
}

/// The volume configurations `configs` of service `svc` running task definition `td`.
fn configurations(
    out: &mut Problems,
    svc: &ServiceSpec,
    td: &TaskDefinitionSpec,
    configs: &[ServiceVolumeConfigurationSpec],
    vp: &Path,
) {
    let at_launch = td.volumes.iter().find(|v| v.configured_at_launch);
    // ECS developer guide (ebs-volumes.html): volumes configured at deployment are for
    // REPLICA services; Orca models them for rolling (ECS controller) deployments only.
    if svc.scheduling_strategy == SchedulingStrategy::Daemon {
        out.push((
            vp.clone(),
            format!(
                "service {} uses scheduling_strategy Daemon; EBS volumes configured at deployment are for REPLICA services only",
                svc.name
            ),
        ));
    }
    if svc.is_blue_green() {
        out.push((
            vp.clone(),
            format!(
                "service {} deploys blue/green; Orca models EBS volumes configured at deployment for rolling updates (deployment_controller Ecs, strategy Rolling) only",
                svc.name
            ),
        ));
    }
    if configs.len() > 1 {
        out.push((
            vp.index(1),
            "a service configures one volume (its task definition may have one volume configured at launch)".into(),
        ));
    }
    for (i, c) in configs.iter().enumerate() {
        let cp = vp.index(i);
        if at_launch.is_none_or(|v| v.name != c.name) {
            out.push((
                cp.field("name"),
                format!(
                    "volume {} is not a volume configured at launch in task definition {}; {}",
                    quoted(&c.name),
                    td.family.clone() + ":" + &td.revision.to_string(),
                    list(
                        td.volumes
                            .iter()
                            .filter(|v| v.configured_at_launch)
                            .map(|v| v.name.as_str())
                    )
                ),
            ));
        }
        managed_ebs_volume(out, &c.managed_ebs_volume, &cp.field("managed_ebs_volume"));
    }
}

pub(super) fn managed_ebs_volume(out: &mut Problems, e: &ManagedEbsVolumeSpec, p: &Path) {
    let t = e.volume_type;
    if !is_role_arn(&e.role_arn) {
        out.push((
            p.field("role_arn"),
            format!(
                "role_arn {} is not an IAM role ARN; the infrastructure role ECS assumes to manage the volumes, e.g. \"arn:aws:iam::123456789012:role/ecsInfrastructureRole\"",
                quoted(&e.role_arn)
            ),
        ));
    }
    match (e.size_in_gib, &e.snapshot_id) {
        (None, None) => out.push((
            p.clone(),
            "managed_ebs_volume needs size_in_gib or snapshot_id (a new, empty volume of that size, or one made from the snapshot)".into(),
        )),
        (Some(gib), _) => {
            let (lo, hi) = size_range(t);
            check_range(
                out,
                p.field("size_in_gib"),
                &format!("{} size_in_gib", t.as_str()),
                gib,
                lo,
                hi,
                " GiB",
            );
        }
        (None, Some(_)) => {}
    }
    if let Some(s) = &e.snapshot_id
        && !hex_id(s, "snap-", &[8, 17])
    {
        out.push((
            p.field("snapshot_id"),
            format!(
                "snapshot id {} is not an EBS snapshot id; use \"snap-\" and 8 or 17 lowercase hexadecimal digits",
                quoted(s)
            ),
        ));
    }
    match (e.iops, iops_range(t)) {
        (None, _) if iops_required(t) => out.push((
            p.clone(),
            format!("volume_type {t:?} needs iops (io1 and io2 are provisioned IOPS volumes)"),
        )),
        (Some(_), None) => out.push((
            p.field("iops"),
            format!("volume_type {t:?} takes no iops; iops is set for Gp3, Io1 and Io2 volumes"),
        )),
        (Some(n), Some((lo, hi))) => check_range(
            out,
            p.field("iops"),
            &format!("{} iops", t.as_str()),
            n,
            lo,
            hi,
            "",
        ),
        (None, _) => {}
    }
    if let Some(mib) = e.throughput {
        if t == EbsVolumeType::Gp3 {
            check_range(
                out,
                p.field("throughput"),
                "throughput",
                mib,
                THROUGHPUT.0,
                THROUGHPUT.1,
                " MiB/s",
            );
        } else {
            out.push((
                p.field("throughput"),
                format!(
                    "volume_type {t:?} takes no throughput; throughput is set for Gp3 volumes only"
                ),
            ));
        }
    }
}

/// `arn:aws:iam::<12 digits>:role/<name>`.
fn is_role_arn(arn: &str) -> bool {
    let Some(rest) = arn.strip_prefix("arn:aws:iam::") else {
        return false;
    };
    let Some((account, name)) = rest.split_once(":role/") else {
        return false;
    };
    account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) && !name.is_empty()
}
