//! `kubectl drain NODE --ignore-daemonsets` as a process that runs in the cluster's time
//! (`docs/rules/k8s-disruption.md#kubectl-drain`): kubectl cordons the node, lists its pods,
//! and evicts each through the Eviction API; a refusal (429: a PodDisruptionBudget allows no
//! more disruption) is printed and retried 5 s later, for ever; an evicted pod is printed
//! `pod/NAME evicted` once its object is gone; the node is `drained` when every pod is.
//!
//! Sources: kubectl `pkg/drain/drain.go` (`evictPods`: `evicting pod NS/NAME`, `error when
//! evicting pods/"NAME" -n "NS" (will retry after 5s): …`, `waitForDelete`), `pkg/cmd/drain/
//! drain.go` (`EvictErrorRetryDelay: 5 * time.Second`, `node/NAME drained`). kubectl evicts
//! the pods concurrently, one goroutine each; Orca tries them in the order kubectl listed them
//! (namespace, then name) within one instant [model]. kubectl prints `evicting pod` again
//! before each retry; Orca's log shows the retry's error line only [model: shorter log].

use super::budget::{DrainPod, EVICT_RETRY_SECONDS, NodeDrain};
use super::cluster::EksCtx;
use super::eviction::{self, Refusal};
use super::interventions;
use crate::event::{EventKind, Source, Subject};
use crate::time::{Millis, SimTime};

/// Start a drain of node `n`: cordon it, list its pods (all but DaemonSet pods, which kubectl
/// leaves with `--ignore-daemonsets`) and try to evict each.
pub fn start(ctx: &mut EksCtx, n: usize) {
    let now = ctx.now;
    let name = ctx.world.nodes[n].name.clone();
    let mut out = Vec::new();
    if ctx.world.nodes[n].cordoned {
        out.push(format!("node/{name} already cordoned"));
    } else {
        out.push(format!("node/{name} cordoned"));
    }
    interventions::cordon(ctx, n, true);
    let c = &*ctx.world;
    let mut on: Vec<(String, String, usize)> = (0..c.pods.len())
        .filter(|&p| {
            let pod = &c.pods[p];
            !pod.gone && pod.node == Some(n) && pod.deleting_at.is_none()
        })
        .map(|p| (c.namespace_of(p).to_string(), c.pods[p].name.clone(), p))
        .collect();
    on.sort();
    let daemon: Vec<String> = on
        .iter()
        .filter(|(_, _, p)| c.is_daemon_pod(*p))
        .map(|(ns, pod, _)| format!("{ns}/{pod}"))
        .collect();
    if !daemon.is_empty() {
        out.push(format!(
            "Warning: ignoring DaemonSet-managed Pods: {}",
            daemon.join(", ")
        ));
    }
    let pods: Vec<(usize, DrainPod)> = on
        .iter()
        .filter(|(_, _, p)| !c.is_daemon_pod(*p))
        .map(|(_, _, p)| (*p, DrainPod::RetryAt(now)))
        .collect();
    ctx.world.drains.push(NodeDrain {
        node: n,
        started_at: now,
        pods,
        first_output: Vec::new(),
        finished: false,
    });
    let d = ctx.world.drains.len() - 1;
    for line in out {
        say(ctx, d, line);
    }
    step(ctx, d);
}

/// One second of every running drain.
pub fn reconcile(ctx: &mut EksCtx) {
    for d in 0..ctx.world.drains.len() {
        if !ctx.world.drains[d].finished {
            step(ctx, d);
        }
    }
}

/// Print one line of kubectl's output into the log (at the drain's first instant it is also
/// the console command's reply).
fn say(ctx: &mut EksCtx, d: usize, line: String) {
    let drain = &mut ctx.world.drains[d];
    if drain.started_at == ctx.now {
        drain.first_output.push(line.clone());
    }
    let node = ctx.world.nodes[drain.node].name.clone();
    ctx.emit(
        Source::Scenario,
        EventKind::Note {
            text: line.as_str().into(),
        },
        format!("kubectl drain {node}: {line}"),
        vec![Subject::Node(node.into())],
    );
}

fn step(ctx: &mut EksCtx, d: usize) {
    let now = ctx.now;
    let n = ctx.world.drains[d].node;
    let node = ctx.world.nodes[n].name.clone();
    for i in 0..ctx.world.drains[d].pods.len() {
        let (p, state) = ctx.world.drains[d].pods[i];
        let pod = ctx.world.pods[p].name.clone();
        let ns = ctx.world.namespace_of(p).to_string();
        match state {
            DrainPod::RetryAt(t) if t <= now => {
                if t == ctx.world.drains[d].started_at {
                    say(ctx, d, format!("evicting pod {ns}/{pod}"));
                }
                let why = format!(
                    "Evicted by kubectl drain of {node}; its ReplicaSet creates a replacement on another node."
                );
                let next = match eviction::evict_and_kill(ctx, p, why) {
                    Ok(()) => DrainPod::Evicted,
                    Err(r @ Refusal::Budget { .. }) => {
                        say(
                            ctx,
                            d,
                            format!(
                                "error when evicting pods/\"{pod}\" -n \"{ns}\" (will retry after {EVICT_RETRY_SECONDS}s): {}",
                                r.message()
                            ),
                        );
                        DrainPod::RetryAt(now.plus(Millis::from_secs(EVICT_RETRY_SECONDS)))
                    }
                    Err(r @ Refusal::MoreThanOne) => {
                        // Not a 429: kubectl gives up on this pod and the drain ends in error.
                        say(
                            ctx,
                            d,
                            format!(
                                "error when evicting pods/\"{pod}\" -n \"{ns}\": {}",
                                r.message()
                            ),
                        );
                        DrainPod::Failed
                    }
                };
                ctx.world.drains[d].pods[i].1 = next;
                if next == DrainPod::Evicted && ctx.world.pods[p].gone {
                    ctx.world.drains[d].pods[i].1 = DrainPod::Done;
                    say(ctx, d, format!("pod/{pod} evicted"));
                }
            }
            DrainPod::Evicted if ctx.world.pods[p].gone => {
                ctx.world.drains[d].pods[i].1 = DrainPod::Done;
                say(ctx, d, format!("pod/{pod} evicted"));
            }
            _ => {}
        }
    }
    let pods = &ctx.world.drains[d].pods;
    if pods
        .iter()
        .all(|(_, s)| matches!(s, DrainPod::Done | DrainPod::Failed))
    {
        let failed = pods
            .iter()
            .find(|(_, s)| *s == DrainPod::Failed)
            .map(|(p, _)| *p);
        ctx.world.drains[d].finished = true;
        match failed {
            None => say(ctx, d, format!("node/{node} drained")),
            Some(p) => {
                let pod = ctx.world.pods[p].name.clone();
                let ns = ctx.world.namespace_of(p).to_string();
                say(
                    ctx,
                    d,
                    format!(
                        "error: unable to drain node \"{node}\" due to error: error when evicting pods/\"{pod}\" -n \"{ns}\": {}, continuing command...",
                        eviction::MORE_THAN_ONE
                    ),
                );
                say(ctx, d, "There are pending nodes to be drained:".into());
                say(ctx, d, format!(" {node}"));
            }
        }
    }
}

/// What the drain of node `node` printed when it started at `at` (the command's reply).
pub fn first_output(c: &super::cluster::EksCluster, node: &str, at: SimTime) -> Option<String> {
    c.drains
        .iter()
        .rev()
        .find(|d| d.started_at == at && c.nodes[d.node].name == node)
        .map(|d| d.first_output.join("\n"))
}
