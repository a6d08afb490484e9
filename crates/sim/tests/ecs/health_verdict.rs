//! A task's health as the deployment sees it is the service scheduler's verdict (its health
//! gate: grace period, the 40-second rule, every target group), and what the app shows says
//! the same thing: the read model's `deployment_health` and `task_card`, and the log (the
//! scheduler's "Counts as healthy for the deployment: …" explanation and its "failed … health
//! checks" service events). Checked at every instant of every built-in ECS scenario
//! (docs/rules/ecs-deployments.md#health-gate-when-a-new-task-counts-as-healthy).

use orca_sim::ecs::TaskStatus;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::ids::TaskIdx;
use orca_sim::ecs::read::{DeploymentHealth, TaskCard, deployment_health, task_card};
use orca_sim::ecs::service_scheduler::{Gate, health_gate};
use orca_sim::{EventKind, SimTime, Simulation};

/// Does the read model say what the gate says, and does the card show it?
fn check_task(w: &EcsCluster, now: SimTime, t: TaskIdx, at: &str) {
    let gate = health_gate(w, now, t);
    let health = deployment_health(w, now, t);
    let same = match (&gate, &health) {
        (Gate::Healthy(by), DeploymentHealth::Healthy { by: b, since }) => {
            by == b && *since == w.task(t).healthy_at
        }
        (Gate::NotYet { wake, waiting }, DeploymentHealth::NotYet { waiting: w2, until }) => {
            wake == until && waiting == w2
        }
        (Gate::Failing(r), DeploymentHealth::Failing { reason }) => r == reason,
        _ => false,
    };
    assert!(same, "{at}: gate {gate:?}, read model {health:?}");
    let task = w.task(t);
    let card = task_card(w, now, t);
    if task.last_status == TaskStatus::Running && task.is_live() && card != TaskCard::Draining {
        let expected = match &gate {
            Gate::Healthy(_) => vec![TaskCard::Healthy],
            Gate::Failing(_) => vec![TaskCard::Unhealthy],
            Gate::NotYet { waiting, .. } if waiting.grace_period => vec![TaskCard::Unhealthy],
            Gate::NotYet { .. } => vec![TaskCard::Running, TaskCard::Initial],
        };
        assert!(
            expected.contains(&card),
            "{at}: gate {gate:?} but the card shows {card:?}"
        );
    } else {
        assert_ne!(
            card,
            TaskCard::Healthy,
            "{at}: a task that is not a live RUNNING task shows healthy"
        );
    }
}

/// The scheduler's record at `now` agrees with the read model: a task it counted healthy at
/// this instant is healthy by the rules its explanation names.
fn check_recorded(w: &EcsCluster, now: SimTime, t: TaskIdx, at: &str) -> bool {
    let task = w.task(t);
    if task.healthy_at != Some(now) || !task.is_live() || task.last_status != TaskStatus::Running {
        return false;
    }
    let DeploymentHealth::Healthy { by, .. } = deployment_health(w, now, t) else {
        panic!("{at}: the scheduler counted the task healthy, the read model does not");
    };
    let said = format!(
        "Counts as healthy for the deployment: {}.",
        by.describe(w, t)
    );
    assert!(
        task.why.iter().any(|y| y.at == now && y.text == said),
        "{at}: the log's explanation differs from {said:?}: {:?}",
        task.why
    );
    true
}

#[test]
fn card_read_model_and_log_agree_with_the_scheduler_in_every_ecs_scenario() {
    let (mut checked, mut recorded, mut reported) = (0usize, 0usize, 0usize);
    for (name, scenario) in crate::common::built_in() {
        let mut sim = Simulation::new(scenario);
        if sim.world().ecs.is_none() {
            continue;
        }
        let end = sim.end();
        let mut seen = 0;
        while sim.next_due().is_some_and(|t| t <= end) {
            sim.step();
            let now = sim.now();
            let w = sim.world().ecs.as_ref().expect("an ECS world");
            // The targets' lookup index is in step with the targets.
            for tg in &w.target_groups {
                let tasks: Vec<u32> = tg.targets.iter().map(|x| x.task.0).collect();
                assert_eq!(tg.task_keys, tasks, "{name} at {now}: {}", tg.name);
            }
            for t in (0..w.tasks.len()).map(|i| TaskIdx(i as u32)) {
                let at = format!("{name} at {now}, task {}", w.task(t).short_id());
                check_task(w, now, t, &at);
                recorded += usize::from(check_recorded(w, now, t, &at));
                checked += 1;
            }
            // A task the scheduler reported failing at this instant and that still runs (its
            // replacement starts first) shows as failing.
            for e in &sim.log()[seen..] {
                if let EventKind::TaskUnhealthy { task, .. } = &e.kind {
                    let t = w.task_by_id(task).expect("task");
                    if w.task(t).is_live() {
                        reported += 1;
                        assert_eq!(
                            task_card(w, now, t),
                            TaskCard::Unhealthy,
                            "{name} at {now}: task {task} reported failing"
                        );
                    }
                }
            }
            seen = sim.log().len();
        }
    }
    assert!(checked > 5_000, "only {checked} task checks");
    // Every built-in replaces a failing task by stopping it first, so `reported` may be 0.
    assert!(
        recorded > 20,
        "{recorded} healthy records, {reported} failing reports checked"
    );
}
