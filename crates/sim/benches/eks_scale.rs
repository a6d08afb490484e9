//! 100,000 pods on 1,000 EKS nodes for one simulated hour, with ten Deployments rolling out a
//! new image at 1:00. Goal: at least 100× faster than real time (the hour in under 36 s).
//!
//! `cargo bench -p orca-sim --bench eks_scale`

use std::time::Instant;

use orca_sim::SimTime;
use orca_sim::aws::instance_types::lookup;
use orca_sim::control::{Ctx, Timers, Timings};
use orca_sim::k8s::cluster::{AppBehavior, EksCluster, Template};
use orca_sim::k8s::scheduler::Requests;
use orca_sim::k8s::{setup, tick};
use orca_sim::net::Network;
use orca_sim::rng::Rngs;
use orca_sim::scenario::spec::TimingsSpec;

fn main() {
    let started = Instant::now();
    let it = lookup("m5.4xlarge").unwrap_or_else(|| panic!("m5.4xlarge is a known type"));
    // Every node and pod takes an address of its zone's /20 subnet (4,091 usable): 101,000
    // addresses need at least 25 subnets, so the nodes spread over 30 zones.
    let zones: Vec<String> = (0..30).map(|i| format!("us-east-1-zone{i:02}")).collect();
    let mut net = Network::new("us-east-1", "123456789012", &zones);
    let mut rngs = Rngs::new(7);
    let mut c = EksCluster::new();
    setup::add_node_groups(&mut c, &mut net, &[(it, 1000)]);
    for d in 0..100 {
        let template = Template {
            container: "app".into(),
            image: format!("app{d}:v1"),
            requests: Requests {
                cpu_millis: 100,
                memory_mib: 128,
            },
            port: 8080,
            readiness_probe: true,
            liveness_probe: true,
            startup_probe: false,
            behavior: AppBehavior {
                startup_seconds: 5,
                ..AppBehavior::default()
            },
            restarted_at: None,
            init_containers: Vec::new(),
        };
        setup::add_deployment(
            &mut c,
            &mut net,
            &mut rngs.names,
            &format!("app{d}"),
            1000,
            template,
        );
    }
    let built = started.elapsed();
    let pods = c
        .pods
        .iter()
        .filter(|p| !p.gone && p.node.is_some())
        .count();
    let mut timers = Timers::default();
    let mut log = Vec::new();
    let timings = Timings::from(&TimingsSpec::default());
    let mut run_to = |c: &mut EksCluster, from: u64, to: u64| {
        for s in from..=to {
            let now = SimTime::from_secs(s);
            let mut ctx = Ctx {
                now,
                world: c,
                net: &mut net,
                timers: &mut timers,
                rngs: &mut rngs,
                log: &mut log,
                timings: &timings,
            };
            tick::on_tick(&mut ctx);
            while timers.pop_due(SimTime::MAX).is_some() {}
        }
    };
    let run = Instant::now();
    run_to(&mut c, 1, 60);
    for d in 0..10 {
        c.set_image(d, &format!("app{d}:v2"), SimTime::from_secs(60));
    }
    run_to(&mut c, 61, 3600);
    let wall = run.elapsed();
    let events = log.len();
    let now = SimTime::from_secs(3600);
    let updated = (0..10)
        .filter(|&d| c.totals(d, now) == (1000, 1000))
        .count();
    println!(
        "built {pods} scheduled pods on 1000 nodes in {built:?}; one simulated hour with 10 rollouts in {wall:?} = {:.0}× real time; {events} events; {updated}/10 rollouts complete",
        3600.0 / wall.as_secs_f64()
    );
}
