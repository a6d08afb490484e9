//! What the app shows of a blue/green service (read only): the listeners with each target
//! group's weight, the task sets labelled Blue (the original) and Green (the replacement), the
//! deployment's stage and next traffic shift, and the series of traffic share and of the
//! alarm metric for a chart. The app draws these; it decides nothing
//! (docs/rules/ecs-blue-green.md#read-model).

use serde::Serialize;

use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::ServiceIdx;
use crate::ecs::task_set::{BgDeployment, BlueGreen, Controller, StageKind, StageStatus};
use crate::time::SimTime;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficView {
    pub service: String,
    /// `CODE_DEPLOY` or `ECS`.
    pub controller: &'static str,
    /// The CodeDeploy configuration name, or the ECS strategy (`LINEAR`).
    pub configuration: String,
    /// The production listener first, then the test listener if any.
    pub listeners: Vec<ListenerView>,
    /// Newest last.
    pub task_sets: Vec<TaskSetView>,
    /// The deployment under way, else the last one.
    pub deployment: Option<DeploymentView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListenerView {
    pub production: bool,
    pub port: u16,
    /// (target group, weight in percent) for both target groups.
    pub weights: Vec<(String, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskSetView {
    pub id: String,
    /// `PRIMARY`, `ACTIVE`, `DRAINING`.
    pub status: &'static str,
    /// `Blue` (original), `Green` (replacement), or empty when no deployment names it.
    pub label: &'static str,
    pub target_group: String,
    pub revision: u32,
    pub computed_desired_count: u32,
    pub running: u32,
    pub pending: u32,
    pub steady: bool,
    /// Its target group's production weight.
    pub production_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeploymentView {
    pub id: String,
    /// `InProgress`, `Stopped` (CodeDeploy) or `IN_PROGRESS`, `ROLLBACK_SUCCESSFUL` (ECS).
    pub status: &'static str,
    pub creator: String,
    /// The lifecycle event or stage under way (or where it ended).
    pub stage: String,
    pub stage_status: &'static str,
    /// The replacement's share of production traffic.
    pub replacement_percent: f64,
    /// The next production shift, while traffic is moving.
    pub next_shift_at: Option<SimTime>,
    /// When the current stage next changes by itself (a hook answers, a wait ends).
    pub stage_due: Option<SimTime>,
    pub error: Option<String>,
}

/// The view of service `s`, or `None` for a rolling service.
pub fn traffic_view(world: &EcsCluster, s: ServiceIdx) -> Option<TrafficView> {
    let svc = world.service(s);
    let bg = svc.blue_green.as_deref()?;
    let tg = |i: usize| world.target_group(bg.target_groups[i]).name.clone();
    let mut listeners = vec![ListenerView {
        production: true,
        port: bg.production.port,
        weights: vec![
            (tg(0).to_string(), bg.production.weights[0]),
            (tg(1).to_string(), bg.production.weights[1]),
        ],
    }];
    if let Some(t) = &bg.test {
        listeners.push(ListenerView {
            production: false,
            port: t.port,
            weights: vec![
                (tg(0).to_string(), t.weights[0]),
                (tg(1).to_string(), t.weights[1]),
            ],
        });
    }
    let shown = bg.active().or(bg.deployments.last());
    let task_sets = bg
        .task_sets
        .iter()
        .map(|t| TaskSetView {
            id: t.id.clone(),
            status: t.status.as_str(),
            label: label(shown, &t.id),
            target_group: world.target_group(t.target_group).name.to_string(),
            revision: world.task_definition(t.task_definition).revision,
            computed_desired_count: t.computed_desired_count,
            running: t.running_count,
            pending: t.pending_count,
            steady: t.stability == crate::ecs::task_set::Stability::SteadyState,
            production_weight: bg.production.weights[bg.slot(t.target_group)],
        })
        .collect();
    let (controller, configuration) = match &bg.controller {
        Controller::CodeDeploy { config_name, .. } => ("CODE_DEPLOY", config_name.clone()),
        Controller::Ecs { strategy, .. } => ("ECS", strategy.clone()),
    };
    Some(TrafficView {
        service: svc.name.to_string(),
        controller,
        configuration,
        listeners,
        task_sets,
        deployment: shown.map(|d| deployment_view(bg, d)),
    })
}

fn label(d: Option<&BgDeployment>, id: &str) -> &'static str {
    match d {
        Some(d) if d.blue == id => "Blue",
        Some(d) if d.green.as_deref() == Some(id) => "Green",
        _ => "",
    }
}

fn deployment_view(bg: &BlueGreen, d: &BgDeployment) -> DeploymentView {
    // The stage under way, or the last one that ran.
    let st =
        d.stages
            .get(d.current)
            .filter(|st| st.status != StageStatus::Pending && st.status != StageStatus::Skipped)
            .or_else(|| {
                d.stages.iter().rev().find(|st| {
                    st.status != StageStatus::Pending && st.status != StageStatus::Skipped
                })
            });
    let next_shift_at = st.and_then(|st| match &st.kind {
        StageKind::ProductionTraffic(schedule) if st.status == StageStatus::InProgress => {
            let start = st.start?;
            schedule
                .steps
                .get(st.shifts_done as usize)
                .map(|(at, _)| start.plus(*at))
        }
        // An ECS step: its step bake ends then; the next step's pre-shift hook (if any) runs
        // before its weights move.
        StageKind::ProductionStep {
            hold, last: false, ..
        } if st.status == StageStatus::InProgress => st.start.map(|t| t.plus(*hold)),
        _ => None,
    });
    let replacement_percent = d
        .green
        .as_deref()
        .and_then(|g| bg.task_set(g))
        .map_or(0.0, |t| bg.production.weights[bg.slot(t.target_group)]);
    DeploymentView {
        id: d.id.clone(),
        status: if bg.controller.is_code_deploy() {
            d.code_deploy_status()
        } else {
            d.state.ecs()
        },
        creator: d.creator.clone(),
        stage: st.map(|s| s.name.clone()).unwrap_or_default(),
        stage_status: st.map_or("Pending", |s| s.status.as_str()),
        replacement_percent,
        next_shift_at,
        stage_due: st
            .filter(|s| s.status == StageStatus::InProgress)
            .and_then(|s| s.due),
        error: d
            .error
            .as_ref()
            .map(|e| format!("{}: {}", e.code, e.message)),
    }
}

/// The chart of a blue/green service: production weight of each target group over time and
/// the alarm metric once a minute, with the alarms' thresholds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficChart {
    pub target_groups: [String; 2],
    /// (moment, weight of each target group); a step function, each point holding until the
    /// next.
    pub weights: Vec<(SimTime, [f64; 2])>,
    /// (end of the minute, `HTTPCode_Target_5XX_Count` of that minute).
    pub errors: Vec<(SimTime, f64)>,
    /// (alarm, threshold).
    pub thresholds: Vec<(String, f64)>,
}

pub fn traffic_chart(world: &EcsCluster, s: ServiceIdx) -> Option<TrafficChart> {
    let bg = world.service(s).blue_green.as_deref()?;
    let mut weights: Vec<(SimTime, [f64; 2])> = Vec::new();
    for x in &bg.samples {
        if weights.last().is_none_or(|(_, w)| *w != x.weights) {
            weights.push((x.at, x.weights));
        }
    }
    Some(TrafficChart {
        target_groups: [
            world.target_group(bg.target_groups[0]).name.to_string(),
            world.target_group(bg.target_groups[1]).name.to_string(),
        ],
        weights,
        errors: bg
            .samples
            .iter()
            .filter_map(|x| x.errors.map(|e| (x.at, e)))
            .collect(),
        thresholds: bg
            .alarms
            .iter()
            .map(|a| (a.name.clone(), a.threshold))
            .collect(),
    })
}
