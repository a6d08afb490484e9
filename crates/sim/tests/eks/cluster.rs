//! EKS behaviour over whole scenarios: rollouts (`docs/rules/k8s-deployments.md`), the kubelet
//! (`docs/rules/k8s-pods.md`), scheduling and Fargate (`docs/rules/k8s-scheduling.md`), the
//! HPA and the Cluster Autoscaler (`docs/rules/k8s-autoscaling.md`).

use crate::common;

use common::EcsPart;

use orca_sim::k8s::cluster::{EksCluster, Pod};
use orca_sim::{Event, EventKind, SimTime, Simulation};

/// An EKS scenario of `world` (the inside of `Eks(...)`) and `timeline` entries, not run yet.
fn eks_sim(world: &str, timeline: &str, duration: u32) -> Simulation {
    let src = format!(
        "(version: 1, title: \"eks test\", seed: 7, duration: {duration},
world: Eks(cluster: (name: \"demo\", availability_zones: [\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]), {world}),
timeline: [{timeline}],
)"
    );
    Simulation::new(common::parse(&src))
}

/// Three m5.large nodes and a Deployment `web` of `replicas` pods of 250m / 256 MiB with both
/// probes; `extra` goes inside the Deployment and `images` after it.
fn web(replicas: u32, extra: &str, images: &str) -> String {
    format!(
        "node_groups: [(name: \"ng-1\", instance_type: \"m5.large\", count: 3)],
deployments: [(name: \"web\", replicas: {replicas}, {extra}
    container: (name: \"web\", image: \"nginx:1.27\", cpu: 250, memory: 256, readiness_probe: true, liveness_probe: true))],
images: [{images}],"
    )
}

pub(crate) fn cluster(sim: &Simulation) -> &EksCluster {
    sim.world().eks.as_ref().expect("an EKS world")
}

pub(crate) fn reason<'a>(sim: &'a Simulation, r: &str) -> Vec<&'a Event> {
    sim.log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Kube { reason, .. } if reason == r))
        .collect()
}

fn secs(s: u64) -> SimTime {
    SimTime::from_secs(s)
}

/// Live pods of the Deployment's current ReplicaSet.
fn current_pods(c: &EksCluster) -> Vec<&Pod> {
    let rs = c.current_replica_set(0).expect("a current ReplicaSet");
    c.pods
        .iter()
        .filter(|p| p.replica_set == rs && !p.gone)
        .collect()
}

#[test]
fn a_rollout_of_10_replicas_stays_between_8_and_13_pods() {
    let mut sim = eks_sim(
        &web(10, "", ""),
        "(at: 0, action: SetImage(deployment: \"web\", image: \"nginx:1.28\"))",
        300,
    );
    for t in 1..=300 {
        sim.advance_to(secs(t));
        let (pods, available) = cluster(&sim).totals(0, sim.now());
        assert!(pods <= 13, "{pods} pods at {}", sim.now());
        assert!(available >= 8, "{available} available at {}", sim.now());
    }
    let first = reason(&sim, "ScalingReplicaSet")[0];
    assert!(
        first.message().starts_with("Scaled up replica set web-")
            && first.message().ends_with(" from 0 to 3"),
        "{}",
        first.message()
    );
    assert_eq!(
        first.why.as_deref(),
        Some(
            "maxSurge 25% of 10 rounds up to 3, so up to 13 pods; maxUnavailable 25% of 10 rounds down to 2, so at least 8 available: the ReplicaSets ask for 10 of at most 13 pods, so the new one grows by min(13 − 10, 10 − 0) = 3"
        )
    );
    let c = cluster(&sim);
    let new_rs = c.current_replica_set(0).expect("new RS");
    assert_eq!(
        c.rs_state(new_rs, sim.now()).available,
        10,
        "rollout completes"
    );
    assert_eq!(c.replica_sets[new_rs].revision, 2);
    let web_pods = (0..c.pods.len())
        .filter(|&p| !c.pods[p].gone && c.pod_deployment(p) == 0)
        .count();
    assert_eq!(web_pods, 10, "old pods are gone");
}

#[test]
fn a_crashing_version_loops_with_growing_back_off_and_undo_restores() {
    let mut sim = eks_sim(
        &web(
            3,
            "",
            "(image: \"nginx:bad-config\", crashes_after_seconds: 2)",
        ),
        "(at: 0, action: SetImage(deployment: \"web\", image: \"nginx:bad-config\")),
         (at: 701, action: RolloutUndo(deployment: \"web\"))",
        800,
    );
    sim.advance_to(secs(400));
    let crashing = current_pods(cluster(&sim));
    assert!(!crashing.is_empty());
    assert!(
        crashing.iter().all(|p| p.restarts >= 4),
        "restarts: {:?}",
        crashing.iter().map(|p| p.restarts).collect::<Vec<_>>()
    );
    assert!(reason(&sim, "BackOff").iter().any(|e| {
        e.message()
            .starts_with("Back-off restarting failed container web in pod web-")
    }));
    // maxUnavailable 0 for 3 replicas: the old pods keep serving.
    assert_eq!(cluster(&sim).totals(0, sim.now()).1, 3);
    // After 600 s without progress the deadline passes; Kubernetes does not roll back.
    sim.advance_to(secs(700));
    // The controller sets Progressing=False (ProgressDeadlineExceeded) and records no event.
    let dep = &cluster(&sim).deployments[0];
    assert!(dep.progress_deadline_exceeded);
    let cond = dep.progressing.as_ref().expect("a Progressing condition");
    assert_eq!(
        (cond.status, cond.reason.as_str()),
        (false, "ProgressDeadlineExceeded")
    );
    assert!(
        reason(&sim, "ProgressDeadlineExceeded").is_empty(),
        "not an event"
    );
    let changes: Vec<&Event> = sim
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::KubeCondition { status: false, .. }))
        .collect();
    assert_eq!(changes.len(), 1);
    assert!(
        changes[0]
            .message()
            .starts_with("Progressing=False (ProgressDeadlineExceeded): ReplicaSet \"web-"),
        "{}",
        changes[0].message()
    );
    sim.advance_to(secs(800));
    assert!(
        sim.log()
            .iter()
            .any(|e| e.message().ends_with("→  deployment.apps/web rolled back"))
    );
    let c = cluster(&sim);
    assert_eq!(c.totals(0, sim.now()), (3, 3));
    assert!(
        c.pods
            .iter()
            .filter(|p| !p.gone)
            .all(|p| p.status() == "Running")
    );
}

#[test]
fn a_missing_image_alternates_err_image_pull_and_image_pull_back_off() {
    // The kubelet's image manager (pkg/kubelet/images/image_manager.go, EnsureImageExists):
    // a failed pull records `Failed to pull image "…": …` and opens a back-off window
    // (Next); startContainer then records `Error: ErrImagePull`. A sync inside the window
    // records `Back-off pulling image "…"` and `Error: ImagePullBackOff`. The pod worker
    // resyncs a failed pod every 10 s; windows are 10, 20, 40 … 300 s.
    let mut sim = eks_sim(
        &web(
            1,
            "max_surge: Count(1), max_unavailable: Count(0),",
            "(image: \"nginx:1.99\", missing: true)",
        ),
        "(at: 0, action: SetImage(deployment: \"web\", image: \"nginx:1.99\"))",
        200,
    );
    let mut statuses = Vec::new();
    for t in 0..=200 {
        sim.advance_to(secs(t));
        if cluster(&sim).current_replica_set(0).is_none() {
            continue;
        }
        if let Some(p) = current_pods(cluster(&sim)).first() {
            let s = p.status();
            if statuses
                .last()
                .is_none_or(|(_, last): &(u64, String)| *last != s)
            {
                statuses.push((t, s));
            }
        }
    }
    let pod = current_pods(cluster(&sim))[0].name.clone();
    let lines: Vec<(u64, String)> = sim
        .log()
        .iter()
        .filter(|e| {
            e.subjects
                .contains(&orca_sim::event::Subject::Pod(pod.as_str().into()))
        })
        .filter(|e| matches!(&e.kind, EventKind::Kube { object, .. } if object.starts_with("pod/")))
        .map(|e| (e.at.millis() / 1000, e.message().into_owned()))
        .collect();
    let bound = lines[0].0;
    let rel: Vec<(u64, &str)> = lines.iter().map(|(t, m)| (t - bound, m.as_str())).collect();
    let failed = "Failed to pull image \"nginx:1.99\": rpc error: code = NotFound desc = failed to pull and unpack image \"nginx:1.99\": not found";
    assert_eq!(
        rel[1..12],
        [
            (0, "Pulling image \"nginx:1.99\""),
            (1, failed),
            (1, "Error: ErrImagePull"),
            (11, "Pulling image \"nginx:1.99\""),
            (12, failed),
            (12, "Error: ErrImagePull"),
            (22, "Back-off pulling image \"nginx:1.99\""),
            (22, "Error: ImagePullBackOff"),
            (32, "Pulling image \"nginx:1.99\""),
            (33, failed),
            (33, "Error: ErrImagePull"),
        ]
    );
    assert_eq!(rel[12], (43, "Back-off pulling image \"nginx:1.99\""));
    assert_eq!(
        rel[14],
        (73, "Pulling image \"nginx:1.99\""),
        "a 40 s window"
    );
    let shown: Vec<&str> = statuses.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        shown[..7],
        [
            "ContainerCreating",
            "ErrImagePull",
            "ImagePullBackOff",
            "ErrImagePull",
            "ImagePullBackOff",
            "ErrImagePull",
            "ImagePullBackOff"
        ]
    );
    let p = current_pods(cluster(&sim))[0];
    assert_eq!(p.restarts, 0, "no container ever started");
}

#[test]
fn scaling_a_stuck_rollout_shares_the_new_replicas_in_proportion() {
    // The Deployments documentation, "Proportional scaling"
    // (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#proportional-scaling):
    // 10 replicas, maxSurge 3, maxUnavailable 2, a new image that cannot be pulled: the rollout
    // stops with the old ReplicaSet at 8 and the new one at 5. Scaled to 15, the controller
    // adds 3 to the old ReplicaSet and 2 to the new one.
    let world = web(
        10,
        "max_surge: Count(3), max_unavailable: Count(2),",
        "(image: \"nginx:unresolvable\", missing: true)",
    )
    .replace("count: 3", "count: 4");
    let mut sim = eks_sim(
        &world,
        "(at: 0, action: SetImage(deployment: \"web\", image: \"nginx:unresolvable\")),
         (at: 60, action: ScaleDeployment(deployment: \"web\", replicas: 15))",
        120,
    );
    sim.advance_to(secs(59));
    let c = cluster(&sim);
    let new_rs = c.current_replica_set(0).expect("the new ReplicaSet");
    let old_rs = (0..c.replica_sets.len())
        .find(|&i| i != new_rs && c.replica_sets[i].deployment == 0)
        .expect("the old ReplicaSet");
    let specs = |c: &EksCluster| {
        (
            c.replica_sets[old_rs].spec_replicas,
            c.replica_sets[new_rs].spec_replicas,
        )
    };
    assert_eq!(specs(c), (8, 5), "stuck");
    sim.advance_to(secs(61));
    let c = cluster(&sim);
    assert_eq!(specs(c), (11, 7));
    let scaled: Vec<String> = reason(&sim, "ScalingReplicaSet")
        .iter()
        .filter(|e| e.at == secs(60))
        .map(|e| e.message().into_owned())
        .collect();
    let (old_name, new_name) = (&c.replica_sets[old_rs].name, &c.replica_sets[new_rs].name);
    assert_eq!(
        scaled,
        [
            format!("Scaled up replica set {old_name} from 8 to 11"),
            format!("Scaled up replica set {new_name} from 5 to 7")
        ]
    );
    sim.advance_to(secs(120));
    let c = cluster(&sim);
    assert_eq!(specs(c), (11, 7), "still stuck, at the new size");
    assert_eq!(c.totals(0, sim.now()).1, 11, "the old pods serve");
}

#[test]
fn readiness_failures_keep_pods_running_but_out_of_service() {
    let mut sim = eks_sim(
        &web(3, "", "(image: \"nginx:1.28\", readiness_fails_with: 503)"),
        "(at: 0, action: SetImage(deployment: \"web\", image: \"nginx:1.28\"))",
        120,
    );
    sim.advance_to(secs(120));
    let pods = current_pods(cluster(&sim));
    assert!(!pods.is_empty());
    assert!(
        pods.iter()
            .all(|p| p.status() == "Running" && !p.ready && p.restarts == 0)
    );
    assert!(
        reason(&sim, "Unhealthy").iter().any(
            |e| e.message() == "Readiness probe failed: HTTP probe failed with statuscode: 503"
        )
    );
}

#[test]
fn a_pod_too_big_for_any_node_fails_scheduling() {
    let world = web(2, "", "").replace("cpu: 250", "cpu: 4000");
    let mut sim = eks_sim(&world, "", 30);
    sim.advance_to(secs(30));
    let e = reason(&sim, "FailedScheduling")[0];
    assert_eq!(
        e.message(),
        "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    );
    assert!(
        cluster(&sim)
            .pods
            .iter()
            .any(|p| !p.gone && p.status() == "Pending")
    );
}

#[test]
fn recreate_stops_every_old_pod_before_starting_new_ones() {
    let mut sim = eks_sim(
        &web(4, "strategy: Recreate,", ""),
        "(at: 0, action: SetImage(deployment: \"web\", image: \"nginx:1.28\"))",
        120,
    );
    let mut saw_gap = false;
    for t in 1..=120 {
        sim.advance_to(secs(t));
        let c = cluster(&sim);
        let new = c.current_replica_set(0).expect("new RS");
        let web = |p: &&Pod| !p.gone && c.replica_sets[p.replica_set].deployment == 0;
        let old_alive = c.pods.iter().filter(web).any(|p| p.replica_set != new);
        let new_alive = c.pods.iter().filter(web).any(|p| p.replica_set == new);
        assert!(
            !(old_alive && new_alive),
            "old and new pods together at {}",
            sim.now()
        );
        saw_gap |= !old_alive && !new_alive;
    }
    assert!(saw_gap, "Recreate has a moment with no pods");
    assert_eq!(cluster(&sim).totals(0, sim.now()), (4, 4));
    let scaling: Vec<String> = reason(&sim, "ScalingReplicaSet")
        .iter()
        .map(|e| e.message().into_owned())
        .collect();
    assert!(
        scaling[0].ends_with("from 4 to 0") && scaling[1].ends_with("from 0 to 4"),
        "{scaling:?}"
    );
}

#[test]
fn a_startup_probe_holds_liveness_back_and_oom_restarts() {
    // The app needs 60 s to start; liveness alone (3 × 10 s) would kill it first.
    let world = web(
        1,
        "",
        "(image: \"slow:v2\", startup_seconds: 60), (image: \"leaky:v3\", oom_after_seconds: 20)",
    )
    .replace(
        "liveness_probe: true",
        "liveness_probe: true, startup_probe: true",
    );
    let mut sim = eks_sim(
        &world,
        "(at: 0, action: SetImage(deployment: \"web\", image: \"slow:v2\")),
         (at: 121, action: SetImage(deployment: \"web\", image: \"leaky:v3\"))",
        200,
    );
    sim.advance_to(secs(120));
    let unhealthy = reason(&sim, "Unhealthy");
    assert!(
        unhealthy
            .iter()
            .any(|e| e.message().starts_with("Startup probe failed:"))
    );
    assert!(
        !sim.log()
            .iter()
            .any(|e| e.message().contains("failed liveness probe"))
    );
    assert!(
        current_pods(cluster(&sim))
            .iter()
            .any(|p| p.ready && p.restarts == 0)
    );
    sim.advance_to(secs(200));
    let leaky = current_pods(cluster(&sim));
    assert!(leaky[0].restarts >= 1);
}

#[test]
fn on_fargate_every_pod_gets_its_own_node() {
    let world = "fargate_profiles: [(name: \"fp\", deployments: [\"web\"])],
deployments: [(name: \"web\", replicas: 3,
    container: (name: \"web\", image: \"nginx:1.27\", cpu: 250, memory: 256, readiness_probe: true))],";
    let mut sim = eks_sim(
        world,
        "(at: 0, action: SetImage(deployment: \"web\", image: \"nginx:1.28\"))",
        200,
    );
    {
        // Three pods of web, and CoreDNS's two: with no EC2 capacity, CoreDNS runs on
        // Fargate too.
        let c = cluster(&sim);
        assert_eq!(c.nodes.iter().filter(|n| !n.gone).count(), 5);
        assert!(
            c.nodes
                .iter()
                .all(|n| n.fargate && n.max_pods == 1 && n.name.starts_with("fargate-ip-"))
        );
    }
    sim.advance_to(secs(200));
    let c = cluster(&sim);
    assert_eq!(c.totals(0, sim.now()), (3, 3));
    let live: Vec<_> = c.nodes.iter().filter(|n| !n.gone).collect();
    assert_eq!(live.len(), 5, "old pods' Fargate nodes went away with them");
    // 250m / 256 MiB rounds up to 0.25 vCPU with 512 MiB (256 MiB request + 256 MiB overhead).
    assert!(
        live.iter()
            .all(|n| n.allocatable_cpu_millis == 250 && n.allocatable_memory_mib == 512)
    );
}

#[test]
fn revision_history_limit_deletes_the_oldest_empty_replica_sets() {
    let timeline: Vec<String> = (2..=6)
        .map(|v| {
            format!(
                "(at: {}, action: SetImage(deployment: \"web\", image: \"nginx:1.{v}\"))",
                (v - 2) * 120
            )
        })
        .chain(["(at: 600, action: RolloutUndo(deployment: \"web\"))".to_string()])
        .collect();
    let mut sim = eks_sim(
        &web(2, "revision_history_limit: 2,", ""),
        &timeline.join(", "),
        720,
    );
    sim.advance_to(secs(599));
    let kept: Vec<u32> = cluster(&sim)
        .replica_sets
        .iter()
        .filter(|r| !r.deleted && r.deployment == 0)
        .map(|r| r.revision)
        .collect();
    assert_eq!(
        kept,
        vec![4, 5, 6],
        "current revision 6 plus the 2 newest old ones"
    );
    // Undo goes to the newest kept revision, which takes the next revision number.
    sim.advance_to(secs(720));
    let c = cluster(&sim);
    let current = c.current_replica_set(0).expect("rs");
    assert_eq!(c.replica_sets[current].template.image, "nginx:1.5");
    assert_eq!(c.replica_sets[current].revision, 7);
}

#[test]
fn deployments_roll_out_independently() {
    let world = "node_groups: [(name: \"ng-1\", instance_type: \"m5.large\", count: 2)],
deployments: [
    (name: \"web\", replicas: 3, container: (name: \"app\", image: \"web:1\", cpu: 100, memory: 128, readiness_probe: true)),
    (name: \"api\", replicas: 2, container: (name: \"app\", image: \"api:1\", cpu: 100, memory: 128, readiness_probe: true)),
],";
    let mut sim = eks_sim(
        world,
        "(at: 0, action: SetImage(deployment: \"web\", image: \"web:2\"))",
        120,
    );
    sim.advance_to(secs(120));
    let c = cluster(&sim);
    let now = sim.now();
    assert_eq!((c.totals(0, now), c.totals(1, now)), ((3, 3), (2, 2)));
    let rs = |d| c.current_replica_set(d).expect("rs");
    assert_eq!(c.replica_sets[rs(0)].revision, 2);
    assert_eq!(c.replica_sets[rs(1)].revision, 1, "api untouched");
    assert!(
        sim.log()
            .iter()
            .all(|e| !e.message().contains("replica set api-"))
    );
}

fn run(name: &str) -> Simulation {
    let s = common::built_in()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s)
        .expect("built-in scenario");
    let mut sim = Simulation::new(s);
    let end = sim.end();
    sim.advance_to(end);
    sim
}

#[test]
fn hpa_scales_up_in_limited_steps_and_down_after_stabilization() {
    let sim = run("eks-autoscaling");
    let rescales: Vec<(SimTime, String)> = sim
        .log()
        .iter()
        .filter(|e| e.source.to_string() == "horizontalpodautoscaler/web")
        .map(|e| (e.at, e.message().into_owned()))
        .collect();
    assert!(rescales.len() >= 4, "{rescales:?}");
    // 2 pods at 300 % of a 60 % target want 10. The HPA has no behavior section: each sync
    // may reach at most max(2 × current, 4) (horizontal.go, calculateScaleUpLimit): 4, 8, 10.
    assert!(
        rescales[0]
            .1
            .starts_with("New size: 4; reason: cpu resource utilization")
    );
    assert!(rescales[1].1.starts_with("New size: 8;"));
    assert!(rescales[2].1.starts_with("New size: 10;"));
    // Traffic drops at 7:30; the scale-down waits for the 300 s window.
    let first_down = rescales
        .iter()
        .find(|(_, m)| m.ends_with("All metrics below target"))
        .expect("scales down");
    assert!(
        first_down.0 >= SimTime::from_secs(420 + 300),
        "{}",
        first_down.0
    );
    assert!(
        rescales
            .last()
            .is_some_and(|(_, m)| m.starts_with("New size: 2;"))
    );
}

#[test]
fn the_cluster_autoscaler_adds_nodes_for_pending_pods_and_removes_idle_ones() {
    let sim = run("eks-autoscaling");
    let log = sim.log();
    let trigger = log
        .iter()
        .find(|e| e.message().starts_with("pod triggered scale-up:"))
        .expect("scale-up");
    // Two pending 500m pods (the HPA's step to 8) fit one m5.large (1,930m allocatable); the
    // step to 10 leaves four pending, which need two: one more.
    assert!(
        trigger.message().ends_with("2->3 (max: 5)}]"),
        "{}",
        trigger.message()
    );
    assert!(
        log.iter()
            .any(|e| e.message().starts_with("pod triggered scale-up:")
                && e.message().ends_with("3->4 (max: 5)}]"))
    );
    let registered: Vec<SimTime> = log
        .iter()
        .filter(|e| e.message().contains("Registered Node"))
        .map(|e| e.at)
        .collect();
    assert_eq!(registered.len(), 2);
    assert!(registered.iter().all(|t| t.since(trigger.at).0 >= 75_000));
    let removed = log
        .iter()
        .filter(|e| e.message() == "node removed by cluster autoscaler")
        .count();
    assert_eq!(removed, 2, "back to the group minimum of 2, never below");
    let eks = sim.world().eks.as_ref().expect("EKS world");
    assert_eq!(eks.nodes.iter().filter(|n| !n.gone).count(), 2);
    assert_eq!(eks.totals(0, sim.now()), (2, 2));
}

#[test]
fn replicas_stay_within_the_hpa_bounds() {
    let s = common::built_in()
        .into_iter()
        .find(|(n, _)| n == "eks-autoscaling")
        .map(|(_, s)| s)
        .expect("scenario");
    let mut sim = Simulation::new(s);
    let end = sim.end();
    while sim.advance_to_next_event(end).is_some() {
        let eks = sim.world().eks.as_ref().expect("EKS world");
        let r = eks.deployments[0].replicas;
        assert!((2..=10).contains(&r), "replicas {r} at {}", sim.now());
    }
}

#[test]
fn ecs_target_tracking_waits_for_its_alarms() {
    let sim = run("ecs-target-tracking");
    let activities: Vec<(SimTime, String)> = sim
        .log()
        .iter()
        .filter(|e| e.message().starts_with("Setting desired count to"))
        .map(|e| (e.at, e.message().into_owned()))
        .collect();
    assert!(activities.len() >= 2, "{activities:?}");
    // The spike starts at 5:00; the high alarm needs 3 one-minute datapoints above target.
    let first = &activities[0];
    assert!(first.0 >= SimTime::from_secs(300 + 3 * 60), "{}", first.0);
    assert!(first.1.contains("-AlarmHigh-") && first.1.contains("in state ALARM triggered policy"));
    assert!(
        first.1.starts_with("Setting desired count to 4."),
        "{}",
        first.1
    );
    // After the spike (15:00) the low alarm needs 15 datapoints well below the target.
    let scale_in = activities
        .iter()
        .find(|(_, m)| m.contains("-AlarmLow-"))
        .expect("scales in");
    assert!(
        scale_in.0 >= SimTime::from_secs(900 + 15 * 60),
        "{}",
        scale_in.0
    );
    assert!(scale_in.1.starts_with("Setting desired count to 2."));
    let svc = &sim.world().ecs_cluster().services[0];
    assert!(svc.metrics.iter().all(|m| (2..=10).contains(&m.desired)));
    assert_eq!(svc.desired_count, 2);
}

#[test]
fn capacity_providers_split_by_base_then_weight_and_spot_tasks_are_replaced() {
    let s = common::built_in()
        .into_iter()
        .find(|(n, _)| n == "ecs-fargate-spot")
        .map(|(_, s)| s)
        .expect("scenario");
    let count = |sim: &Simulation, provider: &str| {
        sim.world()
            .ecs_cluster()
            .tasks
            .iter()
            .filter(|t| t.is_live() && t.capacity_provider.as_deref() == Some(provider))
            .count()
    };
    let mut sim = Simulation::new(s);
    sim.advance_to(SimTime::from_secs(60));
    // Base 2 on FARGATE, then the other 4 split 1:3.
    assert_eq!(
        (count(&sim, "FARGATE"), count(&sim, "FARGATE_SPOT")),
        (3, 3)
    );
    sim.advance_to(SimTime::from_secs(400));
    let interrupted: Vec<_> = sim
        .world()
        .ecs_cluster()
        .tasks
        .iter()
        .filter(|t| t.stop_code.map(|c| c.as_str()) == Some("SpotInterruption"))
        .collect();
    assert_eq!(interrupted.len(), 2);
    assert!(
        interrupted
            .iter()
            .all(|t| t.stopped_reason.as_deref() == Some("Your Spot Task was interrupted."))
    );
    assert_eq!(
        (count(&sim, "FARGATE"), count(&sim, "FARGATE_SPOT")),
        (3, 3),
        "replaced by the same strategy"
    );
}

/// Every live node and pod holds an address of its zone's subnet, no two share one (a pod on
/// Fargate shares its own node's), and each subnet has handed out exactly the addresses that
/// are in use: nothing leaks when pods and nodes go.
fn assert_addresses(sim: &Simulation, name: &str) {
    let net = &sim.world().net;
    let c = cluster(sim);
    let mut live: Vec<std::collections::BTreeSet<String>> =
        vec![Default::default(); net.zones.len()];
    let mut claim = |zone: &str, ip: &str, what: &str| {
        let z = net.zone_index(zone).expect("a zone of the network");
        assert!(
            orca_sim::net::ip_offset_in_zone(z, ip).is_some(),
            "{name} at {}: {what} has {ip:?}, outside {}",
            sim.now(),
            net.zones[z].subnet_cidr
        );
        assert!(
            live[z].insert(ip.to_string()),
            "{name} at {}: {ip} is used twice ({what})",
            sim.now()
        );
    };
    for n in c.nodes.iter().filter(|n| !n.gone) {
        claim(&n.zone, &n.private_ip, &n.name);
    }
    for (p_index, p) in c.pods.iter().enumerate().filter(|(_, p)| !p.gone) {
        let (Some(ip), Some(n)) = (&p.ip, p.node) else {
            assert!(
                p.ip.is_none(),
                "{name}: {} has an address but no node",
                p.name
            );
            continue;
        };
        let node = &c.nodes[n];
        let host_network = c.deployments[c.pod_deployment(p_index)].host_network;
        if node.fargate || host_network {
            assert_eq!(
                ip, &node.private_ip,
                "{name}: a Fargate pod, or a pod on the host network, has its node's address"
            );
        } else {
            claim(&node.zone, ip, &p.name);
        }
    }
    for (z, zone) in net.zones.iter().enumerate() {
        assert_eq!(
            zone.next_ip as usize - zone.free_ips.len(),
            live[z].len(),
            "{name} at {}: {} hands out addresses nobody uses",
            sim.now(),
            zone.subnet_cidr
        );
    }
}

#[test]
fn nodes_and_pods_take_unique_addresses_of_their_subnets_and_give_them_back() {
    for (name, s) in common::built_in() {
        if !name.starts_with("eks-") {
            continue;
        }
        let mut sim = Simulation::new(s);
        let end = sim.end();
        assert_addresses(&sim, &name);
        while sim.advance_to_next_event(end).is_some() {
            assert_addresses(&sim, &name);
        }
        // Node names follow their addresses.
        for n in &cluster(&sim).nodes {
            let host = format!("ip-{}", n.private_ip.replace('.', "-"));
            assert!(n.name.contains(&host), "{name}: {} is not {host}", n.name);
        }
    }
}

#[test]
fn a_pod_without_a_free_address_waits_in_container_creating() {
    // One zone: its /20 subnet has 4,091 addresses for 20 nodes, CoreDNS and 4,080 pods.
    let deployments: Vec<String> = (0..5)
        .map(|i| {
            format!(
                "(name: \"web{i}\", replicas: 816, container: (name: \"web\", image: \"web:v1\", cpu: 50, memory: 64, readiness_probe: true))"
            )
        })
        .collect();
    let world = format!(
        "node_groups: [(name: \"ng-1\", instance_type: \"m5.4xlarge\", count: 20)], deployments: [{}],",
        deployments.join(", ")
    );
    let src = format!(
        "(version: 1, title: \"full subnet\", seed: 1, duration: 30,
world: Eks(cluster: (name: \"demo\", availability_zones: [\"us-east-1a\"]), {world}),
timeline: [],
)"
    );
    let mut sim = Simulation::new(common::parse(&src));
    sim.advance_to(secs(30));
    assert_addresses(&sim, "full subnet");
    let c = cluster(&sim);
    let waiting: Vec<&Pod> = c
        .pods
        .iter()
        .filter(|p| p.node.is_some() && p.ip.is_none())
        .collect();
    // CoreDNS's two pods take addresses too; aws-node and kube-proxy use their node's.
    assert_eq!(
        waiting.len(),
        4080 + 20 + 2 - 4091,
        "the pods past the subnet's end"
    );
    assert!(waiting.iter().all(|p| p.status() == "ContainerCreating"));
    let failed = reason(&sim, "FailedCreatePodSandBox");
    assert!(!failed.is_empty());
    assert!(failed[0].message().ends_with(
        "plugin type=\"aws-cni\" name=\"aws-cni\" failed (add): add cmd: failed to assign an IP address to container"
    ));
}

/// A built-in scenario run to `t`.
fn built_in_at(name: &str, t: u64) -> Simulation {
    let s = common::built_in()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s)
        .expect("built-in scenario");
    let mut sim = Simulation::new(s);
    sim.advance_to(secs(t));
    sim
}

/// Every pod's explanations, joined per pod.
fn whys(sim: &Simulation) -> Vec<String> {
    cluster(sim)
        .pods
        .iter()
        .map(|p| {
            p.why
                .iter()
                .map(|w| format!("[{}] {}", w.at, w.text))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect()
}

#[test]
fn a_pod_says_where_it_was_bound_and_which_address_it_got() {
    let sim = built_in_at("eks-rolling-update", 600);
    let whys = whys(&sim);
    let bound = whys
        .iter()
        .find(|w| w.contains("Bound to ip-"))
        .expect("a pod bound during the rollout");
    assert!(
        bound.contains("nodes fit 250m CPU and 256 MiB;")
            && bound.contains("scored highest (")
            && bound.contains("LeastAllocated + BalancedAllocation"),
        "{bound}"
    );
    assert!(
        bound.contains("Pod IP 10.0.") && bound.contains("the VPC CNI gives each pod an address"),
        "{bound}"
    );
}

#[test]
fn a_deleted_pod_says_which_scale_down_removed_it() {
    let sim = built_in_at("eks-rolling-update", 600);
    let deleted = whys(&sim)
        .into_iter()
        .find(|w| w.contains("Deleted by the ReplicaSet controller"))
        .expect("an old pod deleted by the rollout");
    assert!(
        deleted.contains("(the deployment controller scaled it ")
            && deleted.contains("maxSurge ")
            && deleted.contains("maxScaledDown = ")
            && deleted.contains("then pods that are not ready, then the newest"),
        "{deleted}"
    );
}

#[test]
fn a_restarted_pod_says_its_liveness_probe_failed_three_times() {
    let sim = built_in_at("eks-probes", 480);
    let restarted = whys(&sim)
        .into_iter()
        .find(|w| w.contains("Liveness probe failed 3/3"))
        .expect("a pod killed by its liveness probe");
    assert!(
        restarted.contains("Liveness probe failed 1/3 (HTTP probe failed with statuscode: 500)"),
        "{restarted}"
    );
    assert!(
        restarted.contains(
            "Terminated (Error, exit code 137): the liveness probe failed 3 times in a row"
        ),
        "{restarted}"
    );
    let killing = reason(&sim, "Killing")
        .into_iter()
        .find(|e| {
            e.message()
                .ends_with("failed liveness probe, will be restarted")
        })
        .expect("Killing");
    assert!(killing.why.as_deref().is_some_and(|w| w.starts_with(
        "the liveness probe failed 3 times in a row (failureThreshold 3, every 10 s)"
    )));
    // A v2 pod never passes readiness: it is not ready after 3 failures and says so.
    let sim = built_in_at("eks-probes", 120);
    let not_ready = whys(&sim)
        .into_iter()
        .find(|w| w.contains("Readiness probe failed 3/3"))
        .expect("a pod that is not ready");
    assert!(
        not_ready.contains("the pod is not ready and is no Service endpoint"),
        "{not_ready}"
    );
}

#[test]
fn a_pending_pod_carries_the_schedulers_message() {
    let sim = built_in_at("eks-failed-scheduling", 60);
    let event = &reason(&sim, "FailedScheduling")[0];
    let pending = whys(&sim)
        .into_iter()
        .find(|w| w.contains("Pending: "))
        .expect("a pending pod");
    assert!(pending.contains(&*event.message()), "{pending}");
}

#[test]
fn scale_decisions_explain_their_numbers() {
    let sim = built_in_at("eks-autoscaling", 1800);
    let rescale = reason(&sim, "SuccessfulRescale")[0];
    assert!(
        rescale
            .why
            .as_deref()
            .is_some_and(|w| w.contains("desiredReplicas = ceil(2 × ")
                && w.contains(
                    "the HPA has no behavior section, so the controller's older rule allows at most max(2 × 2, 4) = 4 per sync"
                )),
        "{:?}",
        rescale.why
    );
    let trigger = reason(&sim, "TriggeredScaleUp")[0];
    assert!(
        trigger
            .why
            .as_deref()
            .is_some_and(|w| w.contains("pack first fit onto 1")),
        "{:?}",
        trigger.why
    );
    let marked = reason(&sim, "ScaleDown")[0];
    assert!(
        marked
            .why
            .as_deref()
            .is_some_and(|w| w.contains("under the 50% threshold")),
        "{:?}",
        marked.why
    );
}

#[test]
fn karpenter_decisions_explain_their_numbers() {
    let sim = built_in_at("eks-karpenter", 1800);
    let nominated = reason(&sim, "Nominated")[0];
    assert!(
        nominated
            .why
            .as_deref()
            .is_some_and(|w| w.contains("is the cheapest allowed type that fits")),
        "{:?}",
        nominated.why
    );
    let disrupted = reason(&sim, "DisruptionTerminating")[0];
    assert!(
        disrupted
            .why
            .as_deref()
            .is_some_and(|w| w.contains("the budget nodes ")),
        "{:?}",
        disrupted.why
    );
    assert!(
        whys(&sim)
            .iter()
            .any(|w| w.contains("Evicted by Karpenter"))
    );
}

#[test]
fn the_eks_state_serializes_like_the_ecs_state() {
    for name in ["eks-karpenter", "eks-probes", "eks-fargate"] {
        let sim = built_in_at(name, 300);
        let json = serde_json::to_value(sim.world()).expect("the world serializes");
        let eks = &json["eks"];
        let pods = eks["pods"].as_array().expect("pods");
        assert!(!pods.is_empty(), "{name}");
        let live = pods
            .iter()
            .find(|p| p["gone"] == false && p["node"].is_number())
            .expect("a running pod");
        assert!(live["why"].is_array() && live["ip"].is_string(), "{name}");
        assert!(eks["nodes"][0]["private_ip"].is_string(), "{name}");
    }
    let sim = built_in_at("eks-karpenter", 300);
    let json = serde_json::to_value(sim.world()).expect("the world serializes");
    let claim = &json["eks"]["karpenter"]["claims"][0];
    assert!(claim["instance_type"].is_string(), "{claim}");
    assert!(json["eks"]["karpenter"]["pool"]["instance_types"][0].is_string());
}

#[test]
fn kubectl_get_deploy_stays_within_the_rollout_bounds() {
    use orca_sim::k8s::read;
    let mut sim = built_in_at("eks-rolling-update", 0);
    let end = sim.end().0 / 1000;
    let mut saw_partial = false;
    for t in 1..=end {
        sim.advance_to(secs(t));
        let c = cluster(&sim);
        let b = read::rollout_bounds(c, 0);
        let st = read::deployment_status(c, 0, sim.now());
        assert!(st.total_replicas <= b.max_pods, "{st:?} at {}", sim.now());
        assert!(
            st.available_replicas >= b.min_available,
            "{st:?} at {}",
            sim.now()
        );
        assert!(st.updated_replicas <= st.total_replicas);
        saw_partial |= st.updated_replicas > 0 && st.updated_replicas < st.replicas;
    }
    assert!(saw_partial, "the rollout was seen half way");
    let c = cluster(&sim);
    let st = read::deployment_status(c, 0, sim.now());
    assert_eq!(st.ready_column(), format!("{0}/{0}", st.replicas));
    assert_eq!(
        read::rollout_status(c, 0, sim.now()),
        format!(
            "deployment \"{}\" successfully rolled out",
            c.deployments[0].name
        )
    );
}

#[test]
fn an_hpa_behavior_section_is_read_and_checked() {
    let world = |behavior: &str| {
        format!(
            "node_groups: [(name: \"ng-1\", instance_type: \"m5.large\", count: 3)],
deployments: [(name: \"web\", replicas: 2,
    container: (name: \"web\", image: \"web:v1\", cpu: 500, memory: 512),
    hpa: (min_replicas: 2, max_replicas: 10, target_cpu_utilization: 60{behavior}),
    load: (rps_per_pod: 100, points: [(0, 600)]))],"
        )
    };
    let src = |w: String| {
        format!(
            "(version: 1, title: \"hpa\", seed: 7, duration: 60,
world: Eks(cluster: (name: \"demo\"), {w}))"
        )
    };
    // With a behavior section (defaults filled in) the first step reaches max(2 + 4, 2 × 2).
    let s = common::parse(&src(world(", behavior: ()")));
    let mut sim = Simulation::new(s);
    sim.advance_to(secs(15));
    assert!(
        reason(&sim, "SuccessfulRescale")[0]
            .message()
            .starts_with("New size: 6;")
    );
    // Scale-up disabled: the HPA never grows.
    let off = ", behavior: (scale_up: (select_policy: Some(Disabled)))";
    let mut sim = Simulation::new(common::parse(&src(world(off))));
    sim.advance_to(secs(60));
    assert!(reason(&sim, "SuccessfulRescale").is_empty());
    // Kubernetes validation: a period of 0 s and an empty policy list are refused.
    let bad = ", behavior: (scale_down: (policies: Some([Pods(value: 1, period_seconds: 0)])), scale_up: (policies: Some([])))";
    let err = orca_sim::scenario::parse("bad.ron", &src(world(bad)))
        .expect_err("invalid")
        .to_string();
    assert!(
        err.contains("period_seconds 0 s is out of range; valid: 1–1800 s"),
        "{err}"
    );
    assert!(err.contains("policies is empty"), "{err}");
}
