//! 10,000 tasks on 500 EC2 instances through a full rolling update and one simulated hour.
//! Goal: at least 10,000× faster than real time (one hour simulated in under 0.36 s).
//!
//! `cargo bench -p orca-sim --bench simulate` prints criterion's timing and the speed-up.

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use orca_sim::{Scenario, Simulation};

const SERVICES: usize = 20;
const TASKS_PER_SERVICE: usize = 500;
const INSTANCES: usize = 500;

fn scenario() -> Arc<Scenario> {
    let mut defs = String::new();
    let mut tgs = String::new();
    let mut services = String::new();
    let mut timeline = String::new();
    for s in 0..SERVICES {
        for rev in 1..=2 {
            defs += &format!(
                "(family: \"svc{s}\", revision: {rev}, cpu: 256, memory: 512, network_mode: Bridge, containers: [(name: \"app\", image: \"app:{rev}\", port: 8080)]),\n"
            );
        }
        tgs += &format!(
            "(name: \"tg{s}\", port: 8080, target_type: Instance, health_check: (interval_seconds: 15), deregistration_delay_seconds: 60),\n"
        );
        services += &format!(
            "(name: \"svc{s}\", task_definition: \"svc{s}:1\", desired_count: {TASKS_PER_SERVICE}, launch_type: Ec2,
              load_balancers: [(target_group: \"tg{s}\", container_name: \"app\", container_port: 8080)]),\n"
        );
        timeline += &format!(
            "(at: 60, action: UpdateService(service: \"svc{s}\", task_definition: \"svc{s}:2\")),\n"
        );
    }
    let src = format!(
        "(version: 1, title: \"10k tasks\", description: \"benchmark\", seed: 42, duration: 3600,
          world: Ecs(
            cluster: (name: \"big\"),
            capacity: (instances: [(name: \"node\", instance_type: \"m5.4xlarge\", count: {INSTANCES})]),
            task_definitions: [{defs}],
            target_groups: [{tgs}],
            services: [{services}],
          ),
          timeline: [{timeline}],
          quizzes: [])"
    );
    Arc::new(orca_sim::scenario::parse("bench.ron", &src).unwrap_or_else(|e| panic!("{e}")))
}

fn run(s: &Arc<Scenario>) -> Simulation {
    let mut sim = Simulation::new(s.clone());
    let end = sim.end();
    sim.advance_to(end);
    sim
}

fn bench(c: &mut Criterion) {
    let s = scenario();
    let mut group = c.benchmark_group("ecs");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("10k_tasks_500_instances_rolling_update_1h", |b| {
        b.iter(|| run(&s))
    });
    group.finish();
}

criterion_group!(benches, bench);

fn main() {
    let s = scenario();
    // One checked run: the update must complete for every service.
    let started = Instant::now();
    let sim = run(&s);
    let wall = started.elapsed();
    let completed = sim
        .log()
        .iter()
        .filter(|e| e.message.ends_with("deployment completed."))
        .count();
    let tasks = sim.world().tasks.len();
    println!(
        "one run: {tasks} tasks launched, {} events, {completed}/{SERVICES} deployments completed, {wall:?} wall for 3600 s simulated = {:.0}× real time",
        sim.log().len(),
        3600.0 / wall.as_secs_f64()
    );
    benches();
    Criterion::default().configure_from_args().final_summary();
}
