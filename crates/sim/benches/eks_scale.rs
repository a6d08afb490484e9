//! 100,000 pods on 1,000 EKS nodes for one simulated hour, with ten Deployments rolling out a
//! new image at 1:00. Goal: at least 100× faster than real time (the hour in under 36 s).
//!
//! `cargo bench -p orca-sim --bench eks_scale`; `NODES`, `DEPLOYMENTS`, `REPLICAS` and
//! `SECONDS` shrink it (e.g. to profile a smaller cluster under callgrind, whose instruction
//! counts do not depend on what else the machine is doing).
//!
//! Measured 2026-12-04 on the shared 2-core machine under a load average of about 11, the code
//! before and after the event-driven kubelet and scheduler passes (`k8s/wake.rs`), run in
//! turns: 159–160 s (22–23× real time) before, 70–71 s (51–52×) after, the same 80,080 events
//! and 10/10 rollouts. Instruction counts (callgrind, independent of load): `NODES=100
//! DEPLOYMENTS=100 REPLICAS=100 SECONDS=1200` 4,015 M before, 2,007 M after;
//! `NODES=100 DEPLOYMENTS=10 REPLICAS=1000 SECONDS=300` (every pod replaced: mostly the
//! rollouts' own work) 1,548 M before, 1,362 M after.
//!
//! Measured 2026-12-04 (issue 17), before and after per-ReplicaSet pod counts kept as pods
//! change (`k8s/pod_counts.rs`), per-Deployment ReplicaSet lists, the template hashed only when
//! it changed, the HPA and charts reading the counts, and unschedulable pods filtered again
//! only when the scheduler's view changes; same 80,080 events, 10/10 rollouts. Wall clock on
//! the shared machine (load average about 6, a callgrind run beside it), in turns: 58–68 s
//! (53–62×) before, 1.0–1.2 s (3,000–3,500×) after. Instructions in `tick::on_tick`
//! (callgrind `--toggle-collect`, independent of load): the full size 21,580 M before,
//! 2,537 M after; `NODES=100 DEPLOYMENTS=100 REPLICAS=100 SECONDS=1200`
//! 1,741 M before, 243 M after (the whole program 2,015 M and 483 M). What is left is mostly
//! the rollouts' own work: the scheduler filters and scores every node for each new pod, and
//! the kubelet starts it.
//!
//! 2026-12-06 at 05:25 UTC (load ~1): nodes keep the images they pulled (`k8s/image_pull.rs`),
//! so a pod on a node that has its image reports it already present instead of pulling it:
//! 77,580 events (were 80,080), 10/10 rollouts; three checked runs, the hour in 0.32–0.47 s
//! (7,700–11,300× real time), building the pods 1.8 s.
//!
//! 2026-12-07 at 15:25 UTC, with mimalloc (version 2) as the allocator, as the app has it now,
//! three runs alternating with the same code on glibc's allocator: the hour 289–322 ms
//! (11,200–12,500× real time) against 284–307 ms, building the pods 1.20–1.25 s against
//! 1.15–1.20 s: the same within the machine's noise, or a few percent slower (more system time:
//! 0.19–0.28 s against 0.08–0.09 s, the allocator's huge pages). Goal met either way.

/// The allocator the app uses (`src/lib.rs`), so the bench measures what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// A size from the environment, or its default.
fn size(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let nodes = size("NODES", 1000) as u32;
    let deployments = size("DEPLOYMENTS", 100) as usize;
    let replicas = size("REPLICAS", 1000) as u32;
    let seconds = size("SECONDS", 3600).max(61);
    let rollouts = deployments.min(10);
    let started = Instant::now();
    let it = lookup("m5.4xlarge").unwrap_or_else(|| panic!("m5.4xlarge is a known type"));
    // Every node and pod takes an address of its zone's /20 subnet (4,091 usable): 101,000
    // addresses need at least 25 subnets, so the nodes spread over 30 zones.
    let zones: Vec<String> = (0..30).map(|i| format!("us-east-1-zone{i:02}")).collect();
    let mut net = Network::new("us-east-1", "123456789012", &zones);
    let mut rngs = Rngs::new(7);
    let mut c = EksCluster::new();
    setup::add_node_groups(&mut c, &mut net, &[(it, nodes)]);
    for d in 0..deployments {
        let template = Template {
            container: "app".into(),
            image: format!("app{d}:v1"),
            pull_policy: orca_sim::scenario::spec::ImagePullPolicy::IfNotPresent,
            requests: Requests {
                cpu_millis: 100,
                memory_mib: 128,
            },
            cpu_requested: true,
            own: Requests {
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
            claim: None,
            init_containers: Vec::new(),
            containers: Vec::new(),
        };
        setup::add_deployment(
            &mut c,
            &mut net,
            &mut rngs.names,
            &format!("app{d}"),
            replicas,
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
    let registry = orca_sim::ecr::Registry::default();
    let mut run_to = |c: &mut EksCluster, from: u64, to: u64| {
        for s in from..=to {
            let now = SimTime::from_secs(s);
            let mut ctx = Ctx {
                now,
                world: c,
                net: &mut net,
                registry: &registry,
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
    for d in 0..rollouts {
        c.set_image(d, &format!("app{d}:v2"), SimTime::from_secs(60));
    }
    run_to(&mut c, 61, seconds);
    let wall = run.elapsed();
    let events = log.len();
    let now = SimTime::from_secs(seconds);
    let updated = (0..rollouts)
        .filter(|&d| c.totals(d, now) == (replicas, replicas))
        .count();
    println!(
        "built {pods} scheduled pods on {nodes} nodes in {built:?}; {seconds} simulated seconds with {rollouts} rollouts in {wall:?} = {:.0}× real time; {events} events; {updated}/{rollouts} rollouts complete",
        seconds as f64 / wall.as_secs_f64()
    );
}
