//! The kubelet of every node, one pass per second over the pods bound to it: pull the image,
//! start the container, run its startup, liveness and readiness probes, restart a crashed
//! container after the CrashLoopBackOff delay (`backoff.rs`), and finish a pod's termination
//! once its process exited after SIGTERM. Rules: `docs/rules/k8s-pods.md`.

use rand::Rng;

use super::cluster::{ContainerState, EksCtx};
use super::events;
use super::messages::{self, ProbeKind};
use super::objects;

use crate::time::{Millis, SimTime};

/// Image pull time [model].
pub const PULL_SECONDS: u64 = 3;
/// A pod whose sandbox got no address tries again this much later.
const SANDBOX_RETRY: Millis = Millis::from_secs(10);
/// Probe settings (Kubernetes defaults: period 10 s, failure threshold 3).
const PROBE_PERIOD: u64 = 10;
const FAILURE_THRESHOLD: u32 = 3;
/// Startup probes get a longer window: 30 × 10 s = 300 s.
const STARTUP_FAILURE_THRESHOLD: u32 = 30;

/// One kubelet pass over every pod.
pub fn reconcile(ctx: &mut EksCtx) {
    for p in 0..ctx.world.pods.len() {
        sync_pod(ctx, p);
    }
}

/// The pod's sandbox on its node: with an address the image pull starts; without one (the
/// subnet is full) the pod stays ContainerCreating and the kubelet tries again later.
pub fn start_sandbox(ctx: &mut EksCtx, p: usize) {
    let now: SimTime = ctx.now;
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    match objects::assign_pod_ip(ctx.world, ctx.net, p) {
        Some(_) => {
            ctx.world.pods[p].due = Some(now.plus(Millis::from_secs(PULL_SECONDS)));
            let image = ctx.world.template_of(p).image.clone();
            events::normal(
                ctx,
                "Pulling",
                object,
                messages::pulling(&image),
                subjects,
                None,
            );
        }
        None => {
            // Retried every 10 s [model: the kubelet's sandbox retries back off].
            ctx.world.pods[p].due = Some(now.plus(SANDBOX_RETRY));
            let sandbox = crate::rng::hex(&mut ctx.rngs.names, 64);
            let zone = ctx.world.pods[p]
                .node
                .map(|n| ctx.world.nodes[n].zone.clone())
                .unwrap_or_default();
            let why = format!(
                "the VPC CNI gives each pod an address of its node's subnet, and the subnet of {zone} has none free"
            );
            events::warning(
                ctx,
                "FailedCreatePodSandBox",
                object,
                messages::failed_create_sandbox(&sandbox),
                subjects,
                Some(why),
            );
        }
    }
}

fn emit_pod(ctx: &mut EksCtx, p: usize, warning: bool, reason: &str, message: String) {
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    if warning {
        events::warning(ctx, reason, object, message, subjects, None);
    } else {
        events::normal(ctx, reason, object, message, subjects, None);
    }
}

fn start_container(ctx: &mut EksCtx, p: usize) {
    let now = ctx.now;
    let t = ctx.world.template_of(p).clone();
    emit_pod(
        ctx,
        p,
        false,
        "Created",
        messages::created_container(&t.container),
    );
    emit_pod(
        ctx,
        p,
        false,
        "Started",
        messages::started_container(&t.container),
    );
    let pod = &mut ctx.world.pods[p];
    pod.state = ContainerState::Running { started_at: now };
    pod.due = None;
    pod.readiness_failures = 0;
    pod.liveness_failures = 0;
    pod.startup_failures = 0;
    pod.started = !t.startup_probe;
    if !t.readiness_probe && !t.startup_probe {
        pod.ready = true;
        pod.ready_since = Some(now);
    }
}

fn crash(ctx: &mut EksCtx, p: usize, reason: &str, exit_code: i32) {
    let now = ctx.now;
    let pod = &mut ctx.world.pods[p];
    pod.state = ContainerState::Terminated {
        reason: reason.into(),
        exit_code,
    };
    pod.ready = false;
    pod.ready_since = None;
    let delay = pod.backoff.next_delay(now);
    pod.due = Some(now.plus(delay));
    if delay.0 > 0 {
        let c = &mut *ctx.world;
        let container = c.template_of(p).container.clone();
        let pod = &mut c.pods[p];
        pod.state = ContainerState::Waiting {
            reason: "CrashLoopBackOff".into(),
        };
        let msg = messages::back_off_restarting(&container, &pod.name, &c.namespace, &pod.uid);
        emit_pod(ctx, p, true, "BackOff", msg);
    }
}

fn sync_pod(ctx: &mut EksCtx, p: usize) {
    let now = ctx.now;
    let c = &*ctx.world;
    let pod = &c.pods[p];
    if pod.gone || pod.node.is_none() {
        return;
    }
    // Termination after SIGTERM.
    if pod.deleting_at.is_some() {
        if pod.due.is_none_or(|d| d <= now) {
            let c = &mut *ctx.world;
            objects::pod_gone(c, ctx.net, p);
            // A Fargate node goes with its pod.
            if let Some(n) = c.pods[p].node
                && c.nodes[n].fargate
            {
                objects::node_gone(c, ctx.net, n);
            }
        }
        return;
    }
    // Fast path: a running container with nothing due this second (most pods, most
    // seconds) costs no allocation.
    match &pod.state {
        ContainerState::Running { started_at } => {
            let t = c.template_of(p);
            let up = now.since(*started_at).0 / 1000;
            let b = &t.behavior;
            let crash_due = b.crashes_after_seconds.is_some_and(|a| up >= a)
                || b.oom_after_seconds.is_some_and(|a| up >= a);
            let probes = t.readiness_probe || t.liveness_probe || !pod.started;
            let probe_due = probes && up != 0 && up.is_multiple_of(PROBE_PERIOD);
            if !crash_due && !probe_due {
                return;
            }
        }
        ContainerState::Waiting { .. } | ContainerState::Terminated { .. } => {
            if pod.due.is_some_and(|d| d > now) {
                return;
            }
        }
    }
    let t = c.template_of(p).clone();
    let due = pod.due;
    match pod.state.clone() {
        ContainerState::Waiting { reason } => {
            if pod.ip.is_none() {
                start_sandbox(ctx, p);
                return;
            }
            if t.behavior.image_missing {
                if reason == "ContainerCreating" || reason == "ImagePullBackOff" {
                    emit_pod(ctx, p, true, "Failed", messages::failed_pull(&t.image));
                    let pod = &mut ctx.world.pods[p];
                    let delay = pod.backoff.next_delay(now).max(Millis::from_secs(10));
                    pod.state = ContainerState::Waiting {
                        reason: "ImagePullBackOff".into(),
                    };
                    pod.due = Some(now.plus(delay));
                    emit_pod(
                        ctx,
                        p,
                        false,
                        "BackOff",
                        messages::back_off_pulling(&t.image),
                    );
                }
                return;
            }
            if reason == "ContainerCreating" {
                let bytes = 50_000_000 + ctx.rngs.timing.random_range(0..90_000_000u64);
                let msg = messages::pulled(&t.image, PULL_SECONDS as f64, bytes);
                emit_pod(ctx, p, false, "Pulled", msg);
            } else {
                ctx.world.pods[p].restarts += 1;
                emit_pod(ctx, p, false, "Pulled", messages::already_present(&t.image));
            }
            start_container(ctx, p);
        }
        ContainerState::Terminated { .. } => {
            if due.is_some_and(|d| d <= now) {
                ctx.world.pods[p].restarts += 1;
                emit_pod(ctx, p, false, "Pulled", messages::already_present(&t.image));
                start_container(ctx, p);
            }
        }
        ContainerState::Running { started_at } => {
            let up = now.since(started_at).0 / 1000;
            if let Some(after) = t.behavior.crashes_after_seconds
                && up >= after
            {
                crash(ctx, p, "Error", 1);
                return;
            }
            if let Some(after) = t.behavior.oom_after_seconds
                && up >= after
            {
                crash(ctx, p, "OOMKilled", 137);
                return;
            }
            // Probes every period, counted from the container start.
            if up == 0 || !up.is_multiple_of(PROBE_PERIOD) {
                return;
            }
            let answering = up >= t.behavior.startup_seconds;
            let ip = ctx.world.pods[p].ip.clone().unwrap_or_default();
            if !ctx.world.pods[p].started {
                // Liveness and readiness wait until the startup probe succeeds.
                if answering {
                    let pod = &mut ctx.world.pods[p];
                    pod.started = true;
                    if !t.readiness_probe {
                        pod.ready = true;
                        pod.ready_since = Some(now);
                    }
                } else {
                    ctx.world.pods[p].startup_failures += 1;
                    let out = messages::connection_refused_output(&ip, t.port, "/started");
                    emit_pod(
                        ctx,
                        p,
                        true,
                        "Unhealthy",
                        messages::probe_failed(ProbeKind::Startup, &out),
                    );
                    if ctx.world.pods[p].startup_failures >= STARTUP_FAILURE_THRESHOLD {
                        let msg = format!(
                            "Container {} failed startup probe, will be restarted",
                            t.container
                        );
                        emit_pod(ctx, p, false, "Killing", msg);
                        crash(ctx, p, "Error", 137);
                    }
                }
                return;
            }
            if t.liveness_probe {
                let bad = if !answering {
                    Some(messages::connection_refused_output(&ip, t.port, "/healthz"))
                } else {
                    t.behavior
                        .liveness_fails_with
                        .map(messages::http_status_output)
                };
                match bad {
                    Some(out) => {
                        ctx.world.pods[p].liveness_failures += 1;
                        emit_pod(
                            ctx,
                            p,
                            true,
                            "Unhealthy",
                            messages::probe_failed(ProbeKind::Liveness, &out),
                        );
                        if ctx.world.pods[p].liveness_failures >= FAILURE_THRESHOLD {
                            emit_pod(
                                ctx,
                                p,
                                false,
                                "Killing",
                                messages::killing_liveness(&t.container),
                            );
                            crash(ctx, p, "Error", 137);
                            return;
                        }
                    }
                    None => ctx.world.pods[p].liveness_failures = 0,
                }
            }
            if t.readiness_probe {
                let bad = if !answering {
                    Some(messages::connection_refused_output(&ip, t.port, "/ready"))
                } else {
                    t.behavior
                        .readiness_fails_with
                        .map(messages::http_status_output)
                };
                let pod = &mut ctx.world.pods[p];
                match bad {
                    Some(out) => {
                        pod.readiness_failures += 1;
                        if pod.readiness_failures >= FAILURE_THRESHOLD {
                            pod.ready = false;
                            pod.ready_since = None;
                        }
                        emit_pod(
                            ctx,
                            p,
                            true,
                            "Unhealthy",
                            messages::probe_failed(ProbeKind::Readiness, &out),
                        );
                    }
                    None => {
                        pod.readiness_failures = 0;
                        if !pod.ready {
                            pod.ready = true;
                            pod.ready_since = Some(now);
                        }
                    }
                }
            }
        }
    }
}
