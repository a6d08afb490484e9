//! Container Insights on EKS (the memory-leak scenario): pod memory climbs to the limit, the
//! kubelet reports OOMKilled with exit code 137, and the memory starts over after the restart.

use crate::common;

use orca_sim::k8s::cluster::ContainerState;
use orca_sim::{Playback, SimTime};

#[test]
fn pod_memory_climbs_to_its_limit_before_the_oom_kill_and_starts_over() {
    let mut p = Playback::new(common::built_in_named("eks-memory-leak"));
    p.seek(SimTime::from_secs(780));
    let eks = p.world().eks.as_ref().expect("EKS");
    let pod = eks
        .pods
        .iter()
        .find(|q| q.name.starts_with("api-") && !q.gone)
        .expect("an api pod");
    assert_eq!(pod.restarts, 1, "killed once, restarted once");
    let series = eks.insights.series(
        "pod_memory_utilization_over_pod_limit",
        &[
            ("ClusterName", "demo"),
            ("Namespace", "default"),
            ("PodName", "api"),
            ("FullPodName", pod.name.as_str()),
        ],
    );
    // One a minute from 1:00 to 13:00, except 8:00: the container was just OOM-killed then,
    // and a container that is not running has no datapoint.
    assert_eq!(series.len(), 12, "{series:?}");
    assert!(!series.iter().any(|(at, _)| *at == SimTime::from_secs(480)));
    // Before the kill: strictly climbing, under 100 % and above 90 % in the last minute.
    let before: Vec<f64> = series
        .iter()
        .filter(|(at, _)| *at < SimTime::from_secs(480))
        .map(|(_, v)| *v)
        .collect();
    assert_eq!(before.len(), 7);
    assert!(before.windows(2).all(|w| w[1] > w[0]), "{before:?}");
    assert!(before[6] > 90.0 && before[6] < 100.0, "{before:?}");
    // After the restart the memory is back near its start and climbs again.
    let after: Vec<f64> = series
        .iter()
        .filter(|(at, _)| *at > SimTime::from_secs(481))
        .map(|(_, v)| *v)
        .collect();
    assert!(after[0] < before[2], "{after:?} vs {before:?}");
    assert!(after.windows(2).all(|w| w[1] > w[0]), "{after:?}");
    // The agent's other metrics are there too.
    let nodes = eks
        .insights
        .series("cluster_node_count", &[("ClusterName", "demo")]);
    assert_eq!(nodes[0].1, 2.0);
}

#[test]
fn the_kubelet_reports_oom_killed_with_exit_code_137() {
    let mut p = Playback::new(common::built_in_named("eks-memory-leak"));
    // The first kill: 480 s after the containers started at 0:00.
    p.seek(SimTime::from_secs(480));
    let eks = p.world().eks.as_ref().expect("EKS");
    let killed = eks
        .pods
        .iter()
        .filter(|q| q.name.starts_with("api-"))
        .filter(|q| {
            matches!(&q.state, ContainerState::Terminated { reason, exit_code: 137 } if reason == "OOMKilled")
        })
        .count();
    assert_eq!(killed, 2, "both api containers were OOM-killed at 8:00");
}

#[test]
fn without_the_agent_container_insights_stays_empty() {
    let mut p = Playback::new(common::built_in_named("eks-crashloop"));
    p.seek(SimTime::from_secs(300));
    let eks = p.world().eks.as_ref().expect("EKS");
    assert!(!eks.insights.enabled);
    assert!(eks.insights.samples.is_empty());
}
