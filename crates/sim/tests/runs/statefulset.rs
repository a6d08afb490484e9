//! StatefulSets (docs/rules/k8s-statefulsets.md): pods created in order with stable names, a
//! claim per pod made before it that follows it back, the rolling update from the highest
//! ordinal down with a partition, Parallel pod management, scaling down from the top, the read
//! model, and `kubectl get|describe statefulsets`. Source: Kubernetes documentation,
//! "StatefulSets"; `pkg/controller/statefulset/stateful_pod_control.go` for the wording.

use std::sync::Arc;

use crate::common;
use crate::say::printed;
use orca_sim::k8s::statefulset_read;
use orca_sim::scenario::spec::Scenario;
use orca_sim::{Playback, SimTime};

const NAME: &str = "eks-statefulset-rolling-update";

/// The scenario's text with one change, parsed.
fn variant(from: &str, to: &str) -> Arc<Scenario> {
    let path = common::scenarios_dir().join(format!("{NAME}.ron"));
    let src = std::fs::read_to_string(path).expect("the scenario");
    assert!(src.contains(from), "{from}");
    common::parse(&src.replace(from, to))
}

/// The time `[mm:ss]` of a log line.
fn secs(line: &str) -> u64 {
    let m: u64 = line[1..3].parse().expect("minutes");
    let s: u64 = line[4..6].parse().expect("seconds");
    m * 60 + s
}

fn first(log: &[String], text: &str) -> usize {
    log.iter()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no {text}"))
}

fn count(log: &[String], text: &str) -> usize {
    log.iter().filter(|l| l.contains(text)).count()
}

#[test]
fn pods_start_in_order_each_after_its_claim() {
    let log = common::run_log(&common::built_in_named(NAME));
    for i in 0..3 {
        let claim = first(
            &log,
            &format!("create Claim data-web-{i} Pod web-{i} in StatefulSet web success"),
        );
        let pod = first(
            &log,
            &format!("create Pod web-{i} in StatefulSet web successful"),
        );
        assert!(claim < pod, "the claim comes before its pod");
    }
    // web-1 is created only after web-0 has started and passed its readiness probe
    // (startup 8 s, probe period 10 s), web-2 only after web-1 did.
    for (before, after) in [(0, 1), (1, 2)] {
        let started = &log[first(&log, &format!("pod/web-{before}                Started"))];
        let created = &log[first(&log, &format!("create Pod web-{after} "))];
        assert!(secs(created) >= secs(started) + 8, "{started}\n{created}");
    }
}

#[test]
fn parallel_creates_every_pod_at_once() {
    let s = variant(
        "replicas: 3,\n                service_name",
        "replicas: 3,\n                pod_management_policy: Parallel,\n                service_name",
    );
    let log = common::run_log(&s);
    for i in 0..3 {
        let line = &log[first(&log, &format!("create Pod web-{i} in StatefulSet web"))];
        assert_eq!(secs(line), 1, "{line}");
    }
}

#[test]
fn the_partition_updates_only_the_ordinals_above_it_from_the_top_down() {
    let log = common::run_log(&common::built_in_named(NAME));
    let deletes: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("in StatefulSet web successful") && l.contains("delete Pod"))
        .collect();
    assert_eq!(deletes.len(), 3, "{deletes:#?}");
    // Partition 2 at 3:00: web-2 alone; partition 0 at 4:30: web-1, then web-0 once web-1 is
    // Running and Ready again.
    assert!(deletes[0].contains("web-2") && secs(deletes[0]) == 180);
    assert!(deletes[1].contains("web-1") && secs(deletes[1]) == 270);
    assert!(deletes[2].contains("web-0") && secs(deletes[2]) > 270 + 8);
    // Between 3:00 and 4:30 web-0 and web-1 keep queue:v1.
    let mut p = Playback::new(common::built_in_named(NAME));
    p.seek(SimTime::from_secs(260));
    let rows = statefulset_read::rows(p.world().eks.as_ref().expect("eks"), p.now());
    let updated: Vec<bool> = rows[0].ordinals.iter().map(|o| o.updated).collect();
    assert_eq!(updated, vec![false, false, true]);
    assert_eq!(rows[0].partition, 2);
}

#[test]
fn a_deleted_pod_comes_back_with_its_name_claim_volume_and_zone() {
    let s = common::built_in_named(NAME);
    let mut p = Playback::new(s.clone());
    p.seek(SimTime::from_secs(410));
    let eks = p.world().eks.as_ref().expect("eks");
    let before = statefulset_read::rows(eks, p.now())[0].ordinals[1].clone();
    p.seek(SimTime::from_secs(500));
    let eks = p.world().eks.as_ref().expect("eks");
    let after = statefulset_read::rows(eks, p.now())[0].ordinals[1].clone();
    assert_eq!(after.pod, "web-1");
    assert_eq!(after.claim.as_deref(), Some("data-web-1"));
    assert!(after.volume.is_some());
    assert_eq!(
        (&after.volume, &after.zone, &after.node),
        (&before.volume, &before.zone, &before.node)
    );
    assert_eq!(after.status.as_deref(), Some("Running"));
    // Each claim was created once, and never deleted with its pod: three claims, three volumes.
    let log = common::run_log(&s);
    for i in 0..3 {
        assert_eq!(count(&log, &format!("create Claim data-web-{i} ")), 1);
    }
    assert_eq!(eks.storage.claims.len(), 3);
    assert_eq!(eks.storage.volumes.len(), 3);
    // Which volume each pod mounts.
    let mounts = statefulset_read::pod_volumes(eks);
    assert!(mounts.iter().any(|(pod, claim, volume)| pod == "web-1"
        && claim == "data-web-1"
        && volume == &before.volume));
}

#[test]
fn scaling_down_removes_the_highest_ordinal_first_and_keeps_the_claims() {
    let s = variant(
        "(at: 420, action: DeletePod(pod: \"web-1\")),",
        "(at: 420, action: UpdateStatefulSet(stateful_set: \"web\", replicas: 1)),",
    );
    let log = common::run_log(&s);
    let two = first(&log, "delete Pod web-2 in StatefulSet web successful");
    let one = first(&log, "delete Pod web-1 in StatefulSet web successful");
    assert!(two < one);
    assert!(
        secs(&log[one]) > secs(&log[two]),
        "one at a time: web-1 waits for web-2 to go"
    );
    assert!(
        log.iter()
            .any(|l| l.ends_with("kubectl scale statefulset/web --replicas=1"))
    );
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(500));
    let pvc = printed(&p, "kubectl get pvc");
    for i in 0..3 {
        assert!(pvc.contains(&format!("data-web-{i} ")), "{pvc}");
    }
    insta::assert_snapshot!(
        "kubectl_get_sts_scaled_down",
        printed(&p, "kubectl get sts")
    );
}

#[test]
fn kubectl_get_and_describe_statefulsets() {
    let mut p = Playback::new(common::built_in_named(NAME));
    p.seek(SimTime::from_secs(45));
    insta::assert_snapshot!(
        "kubectl_get_statefulsets_starting",
        printed(&p, "kubectl get statefulsets")
    );
    insta::assert_snapshot!(
        "kubectl_get_pods_starting",
        printed(&p, "kubectl get pods -l app=web")
    );
    p.seek(SimTime::from_secs(260));
    insta::assert_snapshot!(
        "kubectl_get_sts_wide",
        printed(&p, "kubectl get sts -o wide")
    );
    insta::assert_snapshot!(
        "kubectl_describe_sts",
        printed(&p, "kubectl describe statefulset web")
    );
}

#[test]
fn an_ordered_set_waits_behind_a_pod_its_volume_pins_to_a_drained_zone() {
    let s = common::built_in_named("eks-statefulset-zone-pending");
    let log = common::run_log(&s);
    let pending = first(&log, "pod/db-1                 0/3 nodes are available");
    assert!(log[pending].ends_with("0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match PersistentVolume's node affinity. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."), "{}", log[pending]);
    // Scaled to 4 at 2:30, db-3 appears only after the uncordon at 5:00 and db-1's return.
    let db3 = first(&log, "create Pod db-3 in StatefulSet db successful");
    let back = log
        .iter()
        .rposition(|l| l.contains("pod/db-1                 Started container"))
        .expect("db-1 starts again");
    assert!(secs(&log[back]) > 300 && db3 > back);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(200));
    let rows = statefulset_read::rows(p.world().eks.as_ref().expect("eks"), p.now());
    assert_eq!(rows[0].status.replicas, 4);
    assert_eq!(rows[0].status.current, 3);
    assert_eq!(rows[0].waiting_for, Some(1));
    assert_eq!(rows[0].ordinals.len(), 4);
    assert_eq!(rows[0].ordinals[1].status.as_deref(), Some("Pending"));
    assert_eq!(rows[0].ordinals[3].status, None);
    insta::assert_snapshot!(
        "kubectl_describe_sts_waiting",
        printed(&p, "kubectl describe sts db")
    );
}

#[test]
fn kubectl_rollout_status_follows_the_partition_and_the_revisions() {
    let mut p = Playback::new(common::built_in_named(NAME));
    let at = |p: &mut Playback, t: u64| {
        p.seek(SimTime::from_secs(t));
        printed(p, "kubectl rollout status statefulset/web")
    };
    assert_eq!(at(&mut p, 45), "Waiting for 2 pods to be ready...\n");
    // Partition 2: web-2 replaced and Ready again.
    assert_eq!(
        at(&mut p, 260),
        "partitioned roll out complete: 1 new pods have been updated...\n"
    );
    // Partition 0 at 4:30: web-1 is recreated and not Ready yet.
    assert_eq!(at(&mut p, 285), "Waiting for 1 pods to be ready...\n");
    assert_eq!(
        at(&mut p, 400),
        "partitioned roll out complete: 3 new pods have been updated...\n"
    );
}
