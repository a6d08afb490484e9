//! Container output in CloudWatch Logs: `aws logs` against the sidecar log router scenario
//! (a FireLens router that is not essential crashes; the task runs on and its application's
//! lines stop reaching CloudWatch), and the read model behind it.

use crate::common;

use crate::say::{failed, printed};
use orca_sim::ecs::ContainerStatus;
use orca_sim::ecs::ids::TaskIdx;
use orca_sim::logs::{cloudwatch, epoch_millis};
use orca_sim::{Playback, SimTime};

fn at(secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named("ecs-log-router-sidecar"));
    p.seek(SimTime::from_secs(secs));
    p
}

#[test]
fn a_crashed_router_that_is_not_essential_leaves_the_task_running_and_its_logs_stop() {
    let p = at(280);
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let first = TaskIdx(0);
    let t = ecs.task(first);
    assert_eq!(t.last_status.as_str(), "RUNNING", "the task runs on");
    assert_eq!(t.containers[0].name, "log_router");
    assert_eq!(t.containers[0].last_status, ContainerStatus::Stopped);
    assert_eq!(t.containers[0].exit_code, Some(139));
    assert_eq!(t.containers[1].last_status, ContainerStatus::Running);
    let crash = t.containers[0].stopped_at.expect("stopped at");
    assert_eq!(crash, SimTime::from_secs(180));

    let streams = printed(
        &p,
        "aws logs describe-log-streams --log-group-name /ecs/web",
    );
    insta::assert_snapshot!("describe_log_streams_web", streams);
    let name = format!("web-web-firelens-{}", t.id);
    assert!(streams.contains(&name), "{streams}");

    // CloudWatch holds web's lines up to the crash only; the application wrote on.
    let out = printed(
        &p,
        &format!(
            "aws logs get-log-events --log-group-name /ecs/web --log-stream-name {name} --limit 5"
        ),
    );
    insta::assert_snapshot!("get_log_events_web_after_router_crash", out);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let events = v["events"].as_array().expect("events");
    assert_eq!(events.len(), 5);
    let last = events
        .last()
        .and_then(|e| e["timestamp"].as_u64())
        .expect("ts");
    assert!(
        last < epoch_millis(crash),
        "nothing after the crash reaches CloudWatch"
    );
    let stream = cloudwatch::streams(ecs, p.now())
        .into_iter()
        .find(|s| s.name == name)
        .expect("stream");
    assert!(
        cloudwatch::lost(ecs, &stream, p.now()) > 0,
        "lines were lost"
    );
    let why = cloudwatch::why_absent(ecs, first, 1, p.now()).expect("a reason");
    assert!(why.contains("log router log_router stopped"), "{why}");

    // The router's own output went through awslogs and shows how it started.
    let router = printed(
        &p,
        &format!(
            "aws logs get-log-events --log-group-name /ecs/firelens --log-stream-name firelens/log_router/{} --start-from-head",
            t.id
        ),
    );
    assert!(router.contains("Fluent Bit v1.9.10"), "{router}");
    assert!(router.contains("worker #0 started"), "{router}");
}

#[test]
fn filter_log_events_searches_every_stream_of_the_group() {
    let p = at(170);
    let out = printed(
        &p,
        "aws logs filter-log-events --log-group-name /ecs/web --filter-pattern \"served\" --limit 4",
    );
    insta::assert_snapshot!("filter_log_events_served", out);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let events = v["events"].as_array().expect("events");
    assert_eq!(events.len(), 4);
    // 40 requests per second shared by two tasks: 1,200 a minute each.
    assert!(
        events.iter().all(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.contains("served 1200 requests"))),
        "{out}"
    );
}

#[test]
fn missing_groups_and_streams_are_resource_not_found() {
    let p = at(100);
    insta::assert_snapshot!(
        "logs_errors",
        [
            failed(
                &p,
                "aws logs get-log-events --log-group-name /ecs/nope --log-stream-name x"
            ),
            failed(
                &p,
                "aws logs get-log-events --log-group-name /ecs/web --log-stream-name web/web/0"
            ),
            failed(&p, "aws logs get-log-events --log-stream-name x"),
            failed(
                &p,
                "aws logs get-log-events --log-group-name /ecs/web --log-stream-name x --limit 0"
            ),
            failed(&p, "aws logs filter-log-events --log-group-name /ecs/nope"),
            failed(&p, "aws logs tail /ecs/nope"),
            failed(&p, "aws logs tail"),
            failed(&p, "aws logs tail /ecs/web --since 5x"),
            failed(&p, "aws logs mystery"),
        ]
        .join("\n---\n")
    );
}

#[test]
fn a_container_without_a_log_configuration_has_no_stream_and_the_read_model_says_why() {
    // ecs-rolling-update's containers have no logConfiguration.
    let mut p = Playback::new(common::built_in_named("ecs-rolling-update"));
    p.seek(SimTime::from_secs(20));
    let ecs = p.world().ecs.as_ref().expect("ECS");
    assert!(cloudwatch::streams(ecs, p.now()).is_empty());
    let why = cloudwatch::why_absent(ecs, TaskIdx(0), 0, p.now()).expect("a reason");
    assert!(why.contains("no logConfiguration"), "{why}");
    let groups = printed(&p, "aws logs describe-log-groups");
    assert_eq!(groups.trim(), "{\n    \"logGroups\": []\n}");
}

/// Container Insights on ECS (cluster setting enabled in the sidecar scenario): the service's
/// task counts and its CPU from the load, once a minute.
#[test]
fn ecs_container_insights_publishes_service_metrics_once_a_minute() {
    let p = at(600);
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let i = &ecs.insights;
    assert!(i.enabled);
    let running = i.series(
        "RunningTaskCount",
        &[("ClusterName", "demo"), ("ServiceName", "web")],
    );
    assert_eq!(running.len(), 10, "one a minute from 1:00 to 10:00");
    assert_eq!(running[0], (SimTime::from_secs(60), 2.0));
    // 40 requests per second over 2 tasks of 512 CPU units at 100 per task at 100 %: 20 % each.
    let cpu = i.series(
        "CpuUtilized",
        &[("ClusterName", "demo"), ("ServiceName", "web")],
    );
    assert_eq!(cpu[0].1, 204.8);
    let reserved = i.series(
        "CpuReserved",
        &[("ClusterName", "demo"), ("ServiceName", "web")],
    );
    assert_eq!(reserved[0].1, 1024.0);
    assert!(
        i.metrics().iter().any(|(m, d)| *m == "MemoryUtilized"
            && d.len() == 2
            && d[1].0 == "TaskDefinitionFamily")
    );
    // Without the setting nothing is published.
    let mut q = Playback::new(common::built_in_named("ecs-target-tracking"));
    q.seek(SimTime::from_secs(600));
    let other = q.world().ecs.as_ref().expect("ECS");
    assert!(!other.insights.enabled);
    assert!(other.insights.samples.is_empty());
}

#[test]
fn describe_task_definition_and_describe_tasks_show_the_sidecar() {
    let p = at(280);
    let td = printed(
        &p,
        "aws ecs describe-task-definition --task-definition web:1",
    );
    insta::assert_snapshot!("describe_task_definition_sidecar", td);
    let v: serde_json::Value = serde_json::from_str(&td).expect("JSON");
    let c = &v["taskDefinition"]["containerDefinitions"];
    assert_eq!(c[0]["firelensConfiguration"]["type"], "fluentbit");
    assert_eq!(c[1]["dependsOn"][0]["condition"], "START");
    assert_eq!(c[1]["logConfiguration"]["logDriver"], "awsfirelens");
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let id = ecs.tasks[0].id.clone();
    let tasks = printed(
        &p,
        &format!("aws ecs describe-tasks --cluster demo --tasks {id}"),
    );
    let v: serde_json::Value = serde_json::from_str(&tasks).expect("JSON");
    let t = &v["tasks"][0];
    assert_eq!(t["lastStatus"], "RUNNING");
    assert_eq!(t["containers"][0]["name"], "log_router");
    assert_eq!(t["containers"][0]["lastStatus"], "STOPPED");
    assert_eq!(t["containers"][0]["exitCode"], 139);
    assert_eq!(t["containers"][1]["lastStatus"], "RUNNING");
}

#[test]
fn logs_tail_prints_the_last_minutes_one_line_per_event() {
    let p = at(100);
    // Detailed: ISO time, stream, message; only the events of the last --since.
    let all = printed(&p, "aws logs tail /ecs/web --since 10m");
    let last = printed(&p, "aws logs tail /ecs/web --since 30s");
    assert!(
        !last.is_empty() && last.lines().count() < all.lines().count(),
        "{last}"
    );
    for line in last.lines() {
        let mut parts = line.splitn(3, ' ');
        let (at, stream, message) = (parts.next(), parts.next(), parts.next());
        let at = at.unwrap_or_default();
        // 1:40 into a run that starts at 09:00:00: the last 30 s begin at 09:01:10.
        let time_of_day = at.get(11..19).unwrap_or_default();
        assert!(
            at.ends_with("+00:00") && time_of_day >= "09:01:10",
            "{line}"
        );
        assert!(stream.is_some_and(|s| s.starts_with("web-")), "{line}");
        assert!(message.is_some(), "{line}");
    }
    // An ISO 8601 timestamp instead: 1:40 into the run, 09:01:10 is 30 s ago; a date before
    // the run began takes every event.
    assert_eq!(
        printed(&p, "aws logs tail /ecs/web --since 2026-01-05T09:01:10Z"),
        last
    );
    assert_eq!(
        printed(
            &p,
            "aws logs tail /ecs/web --since 2026-01-05T10:01:10+01:00"
        ),
        last
    );
    assert_eq!(
        printed(&p, "aws logs tail /ecs/web --since 2026-01-05"),
        all
    );
    // The same events as filter-log-events, in the same order.
    let filtered = printed(&p, "aws logs filter-log-events --log-group-name /ecs/web");
    let v: serde_json::Value = serde_json::from_str(&filtered).expect("json");
    let messages: Vec<&str> = v["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["message"].as_str())
        .collect();
    let tailed: Vec<&str> = all
        .lines()
        .filter_map(|l| l.splitn(3, ' ').nth(2))
        .collect();
    assert_eq!(tailed, messages);
    // Short: the time to the second and the message; a filter pattern narrows it.
    let short = printed(
        &p,
        "aws logs tail /ecs/web --format short --filter-pattern served",
    );
    assert!(
        short.lines().count() > 0
            && short
                .lines()
                .all(|l| l.len() > 20 && &l[19..20] == " " && l.contains("served 1200 requests")),
        "{short}"
    );
    // --follow prints the same lines, then keeps printing new ones (runs/watch.rs).
    let (follow, _) = crate::say::watched(&p, "aws logs tail /ecs/web --follow");
    assert_eq!(follow, printed(&p, "aws logs tail /ecs/web"));
}
