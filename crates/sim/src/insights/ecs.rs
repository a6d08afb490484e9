//! Container Insights on ECS: with the cluster setting `containerInsights` enabled, ECS
//! publishes in the namespace `ECS/ContainerInsights` (Amazon CloudWatch User Guide, "Amazon
//! ECS Container Insights metrics",
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Container-Insights-metrics-ECS.html>)
//! with the dimensions `ClusterName`, `ClusterName, ServiceName` and
//! `ClusterName, TaskDefinitionFamily`: `CpuUtilized` and `CpuReserved` (CPU units),
//! `MemoryUtilized` and `MemoryReserved` (MB), `RunningTaskCount`, `PendingTaskCount`,
//! `DesiredTaskCount`, `DeploymentCount` (services), `TaskCount` and `ServiceCount` (cluster).
//!
//! What a task uses is Orca's model: CPU from its service's load (the utilization target
//! tracking sees), 10 % of its reservation without a load; memory from the load's memory model,
//! 30 % of its reservation without one [model].

use super::series::{Datum, MAX_OBJECTS, PERIOD, Sample, TaskDatum};
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::TaskIdx;
use crate::ecs::{DeploymentStatus, Task, TaskStatus};
use crate::time::SimTime;

/// CPU (units) and memory (MiB) a RUNNING task uses at `now`: (used, reserved) of each.
pub fn task_usage(ecs: &EcsCluster, t: &Task, now: SimTime) -> ((f64, f64), (f64, f64)) {
    let (cpu_res, mem_res) = t.reservation(ecs.task_definition(t.task_definition));
    let (cpu_res, mem_res) = (f64::from(cpu_res), f64::from(mem_res));
    let load = t.service.and_then(|s| ecs.service(s).load.as_ref());
    let running = t.service.map_or(1, |s| {
        ecs.service(s)
            .tasks
            .iter()
            .filter(|&&o| ecs.task(o).last_status == TaskStatus::Running)
            .count() as u32
    });
    let cpu_pct = load.map_or(10.0, |l| {
        l.utilization_per_pod(now, running.max(1)).min(100.0)
    });
    let mem_pct = load
        .and_then(|l| l.memory_per_task(now, running.max(1)))
        .unwrap_or(30.0);
    (
        (cpu_res * cpu_pct / 100.0, cpu_res),
        (mem_res * mem_pct / 100.0, mem_res),
    )
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn push(
    data: &mut Vec<Datum>,
    dims: &[(&'static str, String)],
    metric: &'static str,
    v: f64,
    unit: &'static str,
) {
    data.push(Datum {
        metric,
        dimensions: dims.to_vec(),
        value: v,
        unit,
    });
}

fn usage_data(data: &mut Vec<Datum>, dims: &[(&'static str, String)], u: [f64; 4]) {
    push(data, dims, "CpuUtilized", round1(u[0]), "None");
    push(data, dims, "CpuReserved", round1(u[1]), "None");
    push(data, dims, "MemoryUtilized", round1(u[2]), "Megabytes");
    push(data, dims, "MemoryReserved", round1(u[3]), "Megabytes");
}

/// The datapoints of one minute.
pub fn sample(ecs: &EcsCluster, now: SimTime) -> Vec<Datum> {
    let cl = || ("ClusterName", ecs.name.clone());
    let mut data = Vec::new();
    let running: Vec<&Task> = ecs
        .tasks
        .iter()
        .filter(|t| t.last_status == TaskStatus::Running)
        .collect();
    let sum = |tasks: &[&Task]| {
        tasks.iter().fold([0.0; 4], |mut acc, t| {
            let ((cu, cr), (mu, mr)) = task_usage(ecs, t, now);
            acc[0] += cu;
            acc[1] += cr;
            acc[2] += mu;
            acc[3] += mr;
            acc
        })
    };
    let cluster = vec![cl()];
    usage_data(&mut data, &cluster, sum(&running));
    push(
        &mut data,
        &cluster,
        "TaskCount",
        running.len() as f64,
        "Count",
    );
    push(
        &mut data,
        &cluster,
        "ServiceCount",
        ecs.services.len() as f64,
        "Count",
    );
    for (k, svc) in ecs.services.iter().enumerate() {
        let mine: Vec<&Task> = running
            .iter()
            .copied()
            .filter(|t| t.service.is_some_and(|s| s.0 as usize == k))
            .collect();
        let pending = svc
            .tasks
            .iter()
            .filter(|&&t| ecs.task(t).last_status.is_starting())
            .count();
        let dims = vec![cl(), ("ServiceName", svc.name.to_string())];
        usage_data(&mut data, &dims, sum(&mine));
        push(
            &mut data,
            &dims,
            "RunningTaskCount",
            mine.len() as f64,
            "Count",
        );
        push(
            &mut data,
            &dims,
            "PendingTaskCount",
            pending as f64,
            "Count",
        );
        push(
            &mut data,
            &dims,
            "DesiredTaskCount",
            f64::from(svc.desired_count),
            "Count",
        );
        let deployments = svc
            .deployments
            .iter()
            .filter(|d| d.status != DeploymentStatus::Inactive)
            .count();
        push(
            &mut data,
            &dims,
            "DeploymentCount",
            deployments as f64,
            "Count",
        );
    }
    let mut families: Vec<&str> = running
        .iter()
        .map(|t| ecs.task_definition(t.task_definition).family.as_str())
        .collect();
    families.sort_unstable();
    families.dedup();
    for f in families {
        let mine: Vec<&Task> = running
            .iter()
            .copied()
            .filter(|t| ecs.task_definition(t.task_definition).family == f)
            .collect();
        let dims = vec![cl(), ("TaskDefinitionFamily", f.to_string())];
        usage_data(&mut data, &dims, sum(&mine));
    }
    data
}

/// What each RUNNING task uses at `now` (the first [`MAX_OBJECTS`] by creation), for the
/// performance log events.
pub fn task_data(ecs: &EcsCluster, now: SimTime) -> Vec<TaskDatum> {
    (0..ecs.tasks.len())
        .map(|i| TaskIdx(i as u32))
        .filter(|&i| ecs.task(i).last_status == TaskStatus::Running)
        .take(MAX_OBJECTS)
        .map(|i| {
            let ((cpu, _), (memory, _)) = task_usage(ecs, ecs.task(i), now);
            TaskDatum {
                task: i,
                cpu: round1(cpu),
                memory: memory.round(),
            }
        })
        .collect()
}

/// Once a minute, when the cluster setting is enabled: take a sample and wait for the next.
pub fn on_minute(ctx: &mut Ctx) {
    if !ctx.world.insights.enabled {
        return;
    }
    let data = sample(ctx.world, ctx.now);
    let tasks = task_data(ctx.world, ctx.now);
    let at = ctx.now;
    ctx.world.insights.push(Sample { at, data, tasks });
    ctx.schedule(
        ctx.now.plus(PERIOD),
        crate::control::EcsTimer::InsightsMinute,
    );
}
