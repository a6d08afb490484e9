//! EKS behaviour over whole scenarios: the HPA and the Cluster Autoscaler (reference §12–§13).

mod common;

use common::EcsPart;

use orca_sim::{SimTime, Simulation};

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
    let rescales: Vec<(SimTime, &str)> = sim
        .log()
        .iter()
        .filter(|e| e.source.to_string() == "horizontalpodautoscaler/web")
        .map(|e| (e.at, e.message.as_str()))
        .collect();
    assert!(rescales.len() >= 3, "{rescales:?}");
    // 2 pods at 300 % of a 60 % target want 10; the first step is capped at max(2+4, 2×2) = 6.
    assert!(
        rescales[0]
            .1
            .starts_with("New size: 6; reason: cpu resource utilization")
    );
    assert!(rescales[1].1.starts_with("New size: 10;"));
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
        .find(|e| e.message.starts_with("pod triggered scale-up:"))
        .expect("scale-up");
    // Four pending 500m pods fit three to an m5.large (1,930m allocatable): two new nodes.
    assert!(
        trigger.message.ends_with("2->4 (max: 5)}]"),
        "{}",
        trigger.message
    );
    let registered: Vec<SimTime> = log
        .iter()
        .filter(|e| e.message.contains("Registered Node"))
        .map(|e| e.at)
        .collect();
    assert_eq!(registered.len(), 2);
    assert!(registered.iter().all(|t| t.since(trigger.at).0 >= 75_000));
    let removed = log
        .iter()
        .filter(|e| e.message == "node removed by cluster autoscaler")
        .count();
    assert_eq!(removed, 2, "back to the group minimum of 2, never below");
    let eks = sim.world().eks.as_ref().expect("EKS world");
    assert_eq!(eks.nodes.iter().filter(|n| !n.gone).count(), 2);
    assert_eq!(eks.totals(0), (2, 2));
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
    let activities: Vec<(SimTime, &str)> = sim
        .log()
        .iter()
        .filter(|e| e.message.starts_with("Setting desired count to"))
        .map(|e| (e.at, e.message.as_str()))
        .collect();
    assert!(activities.len() >= 2, "{activities:?}");
    // The spike starts at 5:00; the high alarm needs 3 one-minute datapoints above target.
    let first = activities[0];
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
