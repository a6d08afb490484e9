//! EFS for ECS tasks: a task in a zone without a mount target fails to start the documented
//! way, the others run, and what they write stays on the file system across replacements.

use crate::common::{self, EcsPart};

use orca_sim::ecs::volumes::file_system_cards;
use orca_sim::ecs::{StopCode, TaskStatus};
use orca_sim::{Playback, SimTime};

fn scenario() -> std::sync::Arc<orca_sim::Scenario> {
    common::built_in_named("ecs-efs-mount-targets")
}

#[test]
fn only_the_tasks_in_the_zone_without_a_mount_target_fail_to_start() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(600));
    let c = p.world().ecs_cluster();
    let failed: Vec<_> = c
        .tasks
        .iter()
        .filter(|t| t.stop_code == Some(StopCode::TaskFailedToStart))
        .collect();
    assert!(failed.len() >= 3, "{}", failed.len());
    for t in &failed {
        assert_eq!(t.availability_zone, "us-east-1c");
        assert!(!t.reached_running);
        let reason = t.stopped_reason.as_deref().unwrap_or_default();
        assert!(
            reason.starts_with("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"fs-0e4a39a0b7bb8b885.efs.us-east-1.amazonaws.com\""),
            "{reason}"
        );
    }
    let running: Vec<_> = c
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running && t.is_live())
        .collect();
    assert_eq!(running.len(), 2);
    assert!(running.iter().all(|t| t.availability_zone != "us-east-1c"));
}

#[test]
fn files_written_by_one_task_stay_for_the_others_after_it_is_replaced() {
    let mut p = Playback::new(scenario());
    let mut seen = Vec::new();
    for s in [0, 60, 179, 181, 300, 600] {
        p.seek(SimTime::from_secs(s));
        let cards = file_system_cards(p.world().ecs_cluster(), p.now());
        assert_eq!(cards.len(), 1);
        seen.push(cards[0].clone());
    }
    assert_eq!(seen[0].files, 1200, "the files there at the start");
    assert_eq!(seen[0].bytes, 1200 * 512 * 1024);
    for w in seen.windows(2) {
        assert!(w[1].files >= w[0].files, "files never disappear: {seen:?}");
    }
    // Two tasks write 6 files a minute each: about 12 more a minute.
    assert!(seen[2].files - seen[1].files >= 22, "{seen:?}");
    assert!(
        seen[5].files > seen[3].files,
        "the replacement keeps writing: {seen:?}"
    );
    assert_eq!(seen[1].mount_targets, vec!["us-east-1a", "us-east-1b"]);
    assert_eq!(seen[1].mounted_by.len(), 2);
}

#[test]
fn a_task_definition_without_ephemeral_storage_gets_twenty_gib() {
    let p = Playback::new(scenario());
    let c = p.world().ecs_cluster();
    assert_eq!(c.task_definitions[0].ephemeral_storage_gib, 40);
    let rolling = Playback::new(common::built_in_named("ecs-rolling-update"));
    assert_eq!(
        rolling.world().ecs_cluster().task_definitions[0].ephemeral_storage_gib,
        20
    );
}
