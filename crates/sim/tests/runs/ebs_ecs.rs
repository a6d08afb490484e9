//! ECS-managed EBS volumes (`docs/rules/storage.md#ecs-managed-ebs`): one new volume per task in
//! the task's zone, attached while the task is PROVISIONING, deleted when the task stops, so a
//! replacement starts empty; the console shows them; an infrastructure role ECS cannot assume
//! fails the task.

use crate::common::{self, EcsPart};
use crate::say::printed;

use orca_sim::ecs::ebs_read::{task_volume, volumes};
use orca_sim::ecs::ids::TaskIdx;
use orca_sim::ecs::{StopCode, TaskStatus};
use orca_sim::{Playback, SimTime};

fn scenario() -> std::sync::Arc<orca_sim::Scenario> {
    common::built_in_named("ecs-managed-ebs")
}

fn idx(p: &Playback, id: &str) -> TaskIdx {
    let c = p.world().ecs_cluster();
    TaskIdx(c.tasks.iter().position(|t| t.id == id).expect("the task") as u32)
}

#[test]
fn every_task_has_its_own_volume_in_its_own_zone() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(60));
    let c = p.world().ecs_cluster();
    let cards: Vec<_> = (0..c.tasks.len())
        .filter_map(|i| task_volume(c, TaskIdx(i as u32), p.now()))
        .collect();
    assert_eq!(cards.len(), 3);
    let mut ids: Vec<_> = cards.iter().map(|v| v.volume_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "one volume per task: {cards:?}");
    for (t, v) in c.tasks.iter().zip(&cards) {
        assert_eq!(v.task, t.id);
        assert_eq!(v.availability_zone, t.availability_zone);
        assert!(v.volume_id.starts_with("vol-") && v.volume_id.len() == 21);
        assert_eq!(
            (v.size_gib, v.volume_type, v.filesystem_type),
            (20, "gp3", "xfs")
        );
        assert_eq!(v.attachment_status, "ATTACHED");
        assert_eq!(v.ec2_state, Some("in-use"));
        // 10 files a minute for a minute.
        assert_eq!(v.files, 10);
    }
}

#[test]
fn the_replacement_of_a_stopped_task_gets_a_new_empty_volume_in_its_zone_and_the_old_one_is_deleted()
 {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(119));
    let c = p.world().ecs_cluster();
    let before: Vec<_> = (0..3)
        .filter_map(|i| task_volume(c, TaskIdx(i), p.now()))
        .collect();
    p.seek(SimTime::from_secs(130));
    let c = p.world().ecs_cluster();
    let stopped = c
        .tasks
        .iter()
        .position(|t| t.stop_code == Some(StopCode::UserInitiated))
        .expect("the stopped task");
    let old = task_volume(c, TaskIdx(stopped as u32), p.now()).expect("its volume");
    assert_eq!(old.attachment_status, "DELETED");
    assert_eq!(old.ec2_state, Some("deleting"));
    assert_eq!(old.files, 0, "its files went with it");
    assert!(before[stopped].files >= 19, "{before:?}");
    let new = c.tasks.last().expect("the replacement");
    let new_idx = idx(&p, &new.id.clone());
    let v = task_volume(c, new_idx, p.now()).expect("a volume for the replacement");
    assert_ne!(v.volume_id, old.volume_id);
    assert_eq!(v.availability_zone, old.availability_zone);
    assert_eq!(v.availability_zone, new.availability_zone);
    // The replacement stays PROVISIONING while its volume is attached.
    assert_eq!(new.last_status, TaskStatus::Provisioning);
    assert_eq!(v.attachment_status, "ATTACHING");
    assert_eq!(v.files, 0);
    p.seek(SimTime::from_secs(140));
    let c = p.world().ecs_cluster();
    assert_eq!(
        task_volume(c, TaskIdx(stopped as u32), p.now()).and_then(|v| v.ec2_state),
        None,
        "gone from EC2 once deleted"
    );
    let v = task_volume(c, new_idx, p.now()).expect("the new volume");
    assert_eq!(v.attachment_status, "ATTACHED");
    assert_eq!(v.files, 0, "it has not written yet");
    p.seek(SimTime::from_secs(290));
    let v = task_volume(p.world().ecs_cluster(), new_idx, p.now()).expect("the new volume");
    assert!(v.files > 0 && v.files < before[stopped].files + 30, "{v:?}");
}

#[test]
fn a_rolling_update_gives_every_new_task_a_new_volume() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(600));
    let c = p.world().ecs_cluster();
    let live = volumes(c, p.now());
    assert_eq!(live.len(), 3, "{live:?}");
    let rev2: Vec<_> = c
        .tasks
        .iter()
        .filter(|t| t.is_live() && c.task_definition(t.task_definition).revision == 2)
        .map(|t| t.id.clone())
        .collect();
    assert_eq!(rev2.len(), 3);
    assert!(live.iter().all(|v| rev2.iter().any(|id| *id == v.task)));
    let deleted = c
        .tasks
        .iter()
        .filter_map(|t| t.ebs.as_deref())
        .filter(|v| v.deleted_at.is_some())
        .count();
    assert_eq!(
        deleted, 4,
        "the first task stopped and the three of ledger:1"
    );
}

#[test]
fn the_console_shows_the_attachment_the_configuration_and_the_volumes() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(60));
    let id = p.world().ecs_cluster().tasks[0].id.clone();
    let vol = task_volume(p.world().ecs_cluster(), TaskIdx(0), p.now())
        .expect("a volume")
        .volume_id;
    let out = printed(
        &p,
        &format!("aws ecs describe-tasks --cluster books --tasks {id}"),
    );
    assert!(
        out.contains("\"type\": \"AmazonElasticBlockStorage\""),
        "{out}"
    );
    assert!(out.contains("\"status\": \"ATTACHED\""), "{out}");
    assert!(out.contains(&format!("\"value\": \"{vol}\"")), "{out}");
    assert!(
        out.find("\"attachments\"") < out.find("\"availabilityZone\""),
        "{out}"
    );
    let out = printed(
        &p,
        "aws ecs describe-services --cluster books --services ledger",
    );
    assert!(out.contains("\"volumeConfigurations\""), "{out}");
    assert!(out.contains("\"managedEBSVolume\""), "{out}");
    assert!(out.contains("\"sizeInGiB\": 20"), "{out}");
    let out = printed(&p, "aws ec2 describe-volumes");
    assert_eq!(out.matches("\"State\": \"in-use\"").count(), 3, "{out}");
    assert!(out.contains(&vol), "{out}");
}

#[test]
fn a_role_ecs_cannot_assume_fails_the_task_before_it_starts() {
    let s = common::parse(
        r#"(
    version: 1,
    title: "EBS role",
    duration: 120,
    world: Ecs(
        cluster: (name: "demo", availability_zones: ["us-east-1a"]),
        iam: (roles: [(name: "appRole")]),
        task_definitions: [(
            family: "app", revision: 1, cpu: 256, memory: 512,
            containers: [(name: "app", image: "app:1")],
            volumes: [(name: "data", configured_at_launch: true)],
        )],
        services: [(
            name: "app", task_definition: "app:1", desired_count: 1, launch_type: Fargate, start: Created,
            volume_configurations: [(name: "data", managed_ebs_volume: (role_arn: "arn:aws:iam::123456789012:role/ecsInfrastructureRole", size_in_gib: 20))],
        )],
    ),
)"#,
    );
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(60));
    let c = p.world().ecs_cluster();
    let t = &c.tasks[0];
    assert_eq!(t.stop_code, Some(StopCode::TaskFailedToStart));
    assert!(!t.reached_running);
    assert_eq!(
        t.stopped_reason.as_deref(),
        Some(
            "ECS was unable to assume the configured ECS Infrastructure Role 'arn:aws:iam::123456789012:role/ecsInfrastructureRole'. Please verify that the role being passed has the proper trust relationship with Amazon ECS"
        )
    );
}

#[test]
fn new_volume_settings_start_a_deployment_whose_tasks_get_volumes_of_the_new_size() {
    use orca_sim::scenario::spec::{Action, ManagedEbsVolumeSpec, ServiceVolumeConfigurationSpec};
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(400));
    let mut config: Vec<ServiceVolumeConfigurationSpec> = p.world().ecs_cluster().services[0]
        .volume_configurations
        .clone();
    let ManagedEbsVolumeSpec { size_in_gib, .. } = &mut config[0].managed_ebs_volume;
    *size_in_gib = Some(40);
    p.intervene(Action::UpdateService {
        service: "ledger".into(),
        task_definition: None,
        desired_count: None,
        force_new_deployment: false,
        minimum_healthy_percent: None,
        maximum_percent: None,
        circuit_breaker: None,
        health_check_grace_period_seconds: None,
        volume_configurations: Some(config),
    });
    p.seek(SimTime::from_secs(600));
    let c = p.world().ecs_cluster();
    let svc = &c.services[0];
    let primary = svc.primary().expect("a primary deployment");
    assert_eq!(
        primary.volume_configurations[0]
            .managed_ebs_volume
            .size_in_gib,
        Some(40)
    );
    let live = volumes(c, p.now());
    assert_eq!(live.len(), 3, "{live:?}");
    assert!(live.iter().all(|v| v.size_gib == 40), "{live:?}");
    let line = p
        .log()
        .iter()
        .find(|e| e.message().contains("--volume-configurations"))
        .map(|e| e.message().into_owned())
        .unwrap_or_default();
    assert!(
        line.contains("name=data,managedEBSVolume={roleArn=arn:aws:iam::123456789012:role/ecsInfrastructureRole,volumeType=gp3,sizeInGiB=40,filesystemType=xfs}"),
        "{line}"
    );
}

#[test]
fn update_service_volume_configurations_from_the_console_rolls_out_bigger_volumes() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(60));
    let reply = crate::say::act(
        &mut p,
        "aws ecs update-service --cluster books --service ledger --volume-configurations 'name=data,managedEBSVolume={roleArn=arn:aws:iam::123456789012:role/ecsInfrastructureRole,volumeType=gp3,sizeInGiB=40}'",
    );
    assert!(reply.contains("\"sizeInGiB\": 40"), "{reply}");
    p.seek(SimTime::from_secs(280));
    let sizes: Vec<u32> = volumes(p.world().ecs_cluster(), p.now())
        .iter()
        .filter(|v| v.attachment_status == "ATTACHED")
        .map(|v| v.size_gib)
        .collect();
    assert!(
        sizes.len() >= 3 && sizes.iter().all(|s| *s == 40),
        "the new deployment's tasks got 40 GiB volumes and the old ones are gone: {sizes:?}"
    );
    // The scenario's write rate carries over: the new volumes fill up too.
    p.seek(SimTime::from_secs(290));
    assert!(
        volumes(p.world().ecs_cluster(), p.now())
            .iter()
            .any(|v| v.files > 0)
    );
}

#[test]
fn update_service_refuses_volume_settings_ecs_would_refuse() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(60));
    let role = "roleArn=arn:aws:iam::123456789012:role/ecsInfrastructureRole";
    let e = crate::say::failed(
        &p,
        &format!(
            "aws ecs update-service --cluster books --service ledger --volume-configurations 'name=logs,managedEBSVolume={{{role},sizeInGiB=40}}'"
        ),
    );
    assert!(
        e.contains("InvalidParameterException") && e.contains("'logs' does not match a volume configured at launch in task definition ledger:1 (it has 'data')"),
        "{e}"
    );
    let e = crate::say::failed(
        &p,
        &format!(
            "aws ecs update-service --cluster books --service ledger --volume-configurations 'name=data,managedEBSVolume={{{role},sizeInGiB=20000}}'"
        ),
    );
    assert!(e.contains("sizeInGiB"), "{e}");
    let e = crate::say::failed(
        &p,
        "aws ecs update-service --cluster books --service ledger --volume-configurations '[{\"name\":\"data\",\"managedEBSVolume\":{\"size\":3}}]'",
    );
    assert!(
        e.contains("Unknown parameter in volumeConfigurations[0].managedEBSVolume: \"size\""),
        "{e}"
    );
}

#[test]
fn volume_events_have_their_own_source_so_the_log_shows_them_without_task_state_changes() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(600));
    let volume_events: Vec<_> = p
        .log()
        .iter()
        .filter(|e| matches!(e.kind, orca_sim::EventKind::EbsVolume { .. }))
        .collect();
    assert!(volume_events.len() >= 6, "{volume_events:?}");
    for e in volume_events {
        let orca_sim::EventKind::EbsVolume { volume, .. } = &e.kind else {
            unreachable!()
        };
        assert_eq!(e.source, orca_sim::Source::Volume(volume.clone()));
        assert_eq!(e.source.category(), "volume");
        // The log's source column shows the id as a task shows its own: shortened.
        assert_eq!(e.source.to_string(), format!("volume {}", &volume[..12]));
        assert!(e.message().contains(volume.as_str()), "{}", e.message());
    }
}
