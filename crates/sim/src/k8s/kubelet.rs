//! The kubelet of every node, one pass per second over the pods bound to it: set up the pod's
//! sandbox (its address), pull the image, start the container, run its startup, liveness and
//! readiness probes, restart a crashed container after the CrashLoopBackOff delay
//! (`backoff.rs`), and finish a pod's termination once its process exited after SIGTERM.
//! Rules: `docs/rules/k8s-pods.md`.
//!
//! Probes are [`Prober`]s over the [`Signal`] of what the application answers
//! ([`app_signal`]): the kubelet visits a pod only when a check fails or changes a verdict, and
//! reports each failed check (`Unhealthy`).

use super::backoff::PullBackoff;
use super::cluster::{ContainerState, EksCtx, Pod, ProbeWorker, Probes, Template};
use super::events;
use super::init_containers;
use super::messages::{self, ProbeKind};
use super::objects;
use super::sidecars;
use crate::probe::{CheckResult, FailMode, Prober, Signal, Thresholds, Transition, Verdict};
use crate::time::{Millis, SimTime};

use super::image_pull::{
    Ensure, ensure, pull_time, report_back_off, report_failed, report_never_pull, report_present,
    report_pulled, report_pulling,
};
pub use super::image_pull::{FAILED_PULL_SECONDS, PULL_SECONDS, SYNC_AFTER_ERROR};
use crate::scenario::spec::ImagePullPolicy;
/// A pod whose sandbox got no address tries again this much later.
const SANDBOX_RETRY: Millis = Millis::from_secs(10);
/// Probe defaults (`SetDefaults_Probe`): periodSeconds 10, timeoutSeconds 1.
pub const PROBE_PERIOD: Millis = Millis::from_secs(10);
pub const PROBE_TIMEOUT: Millis = Millis::from_secs(1);

/// successThreshold 1 and failureThreshold 3; a startup probe gets 30 × 10 s = 300 s
/// (`docs/rules/k8s-pods.md#probes`).
pub fn thresholds(kind: ProbeKind) -> Thresholds {
    let failure = match kind {
        ProbeKind::Startup => 30,
        ProbeKind::Liveness | ProbeKind::Readiness => 3,
    };
    Thresholds {
        healthy_from_initial: 1,
        healthy_from_unhealthy: 1,
        unhealthy_after: failure,
    }
}

/// The HTTP path Orca's probes use.
pub fn path(kind: ProbeKind) -> &'static str {
    match kind {
        ProbeKind::Liveness => "/healthz",
        ProbeKind::Readiness => "/ready",
        ProbeKind::Startup => "/started",
    }
}

/// What the application answers on a probe's path: nothing listens (connection refused) until
/// it is up `startup_seconds` after the container started, then the status it fails with, if
/// any.
pub fn app_signal(started_at: SimTime, startup_seconds: u64, fails_with: Option<u16>) -> Signal {
    Signal::new(Some(FailMode::ConnectionRefused)).then(
        started_at.plus(Millis::from_secs(startup_seconds)),
        fails_with.map(FailMode::Status),
    )
}

/// A probe worker whose first check runs one period after `from` (Orca counts probes from the
/// container's start, or from the startup probe's success).
fn worker(kind: ProbeKind, t: &Template, started_at: SimTime, from: SimTime) -> ProbeWorker {
    let b = &t.behavior;
    let fails_with = match kind {
        ProbeKind::Startup => None,
        ProbeKind::Liveness => b.liveness_fails_with,
        ProbeKind::Readiness => b.readiness_fails_with,
    };
    ProbeWorker {
        kind,
        prober: Prober::new(
            from.plus(PROBE_PERIOD),
            PROBE_PERIOD,
            PROBE_TIMEOUT,
            thresholds(kind),
        ),
        signal: app_signal(started_at, b.startup_seconds, fails_with),
    }
}

/// When the worker next needs the kubelet: its next check, unless the probe is healthy and
/// passes, then the first check after what the application answers changes (`None`: never).
pub fn next_visit(w: &ProbeWorker) -> Option<SimTime> {
    let sent = w.prober.check_sent_at(w.prober.checks_done);
    if w.prober.verdict != Verdict::Healthy || w.signal.at(sent).is_some() {
        return Some(sent);
    }
    let change = w.signal.next_change_after(sent)?;
    let period = w.prober.interval.0;
    let k = (change.0.saturating_sub(w.prober.first_check_at.0)).div_ceil(period);
    Some(w.prober.check_sent_at(k))
}

/// Run a worker's checks up to now: the check sent now, if any, and a verdict change.
fn run(w: &mut ProbeWorker, now: SimTime) -> (Option<CheckResult>, Option<Transition>) {
    if w.prober.check_sent_at(w.prober.checks_done) > now {
        return (None, None);
    }
    let transitions = w.prober.catch_up(now, &w.signal);
    let last = w.prober.last.filter(|c| c.at == now);
    (last, transitions.last().copied())
}

fn probe_due(probes: &Probes, started: bool) -> Option<SimTime> {
    let workers: [&Option<ProbeWorker>; 2] = if started {
        [&probes.liveness, &probes.readiness]
    } else {
        [&probes.startup, &None]
    };
    workers.into_iter().flatten().filter_map(next_visit).min()
}

/// One kubelet pass over the pods that may have something due (`wake.rs`): a pod running
/// with nothing scheduled leaves the set until it is bound or deleted.
pub fn reconcile(ctx: &mut EksCtx) {
    let len = ctx.world.pods.len();
    if ctx.world.wake.visit_all {
        for p in 0..len {
            sync_pod(ctx, p);
            sidecars::sync(ctx, p);
            ctx.world.counts.touch(p);
        }
        return;
    }
    let mut from = 0;
    while let Some(p) = ctx.world.wake.next_for_kubelet(from, len) {
        from = p + 1;
        sync_pod(ctx, p);
        sidecars::sync(ctx, p);
        ctx.world.counts.touch(p);
        if settled(&ctx.world.pods[p]) {
            ctx.world.wake.kubelet.remove(&p);
        }
    }
}

/// Nothing can be due for the pod until something outside the kubelet binds or deletes it: it
/// is gone, not bound yet, or running with no probe visit, exit or termination scheduled. A
/// pod with sidecars or several app containers is never settled: their containers keep
/// timers of their own (`sidecars.rs`), so it is visited every second.
fn settled(pod: &Pod) -> bool {
    pod.gone
        || pod.node.is_none()
        || (pod.deleting_at.is_none()
            && pod.side.is_empty()
            && matches!(pod.state, ContainerState::Running { .. })
            && pod.probe_due.is_none()
            && pod.exits_at.is_none())
}

/// The pod's sandbox on its node: with an address the image pull starts; without one (the
/// subnet is full) the pod stays ContainerCreating and the kubelet tries again later.
pub fn start_sandbox(ctx: &mut EksCtx, p: usize) {
    let now: SimTime = ctx.now;
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    match objects::assign_pod_ip(ctx.world, ctx.net, p) {
        Some(ip) => {
            let n = ctx.world.pods[p].node.unwrap_or_default();
            let node = &ctx.world.nodes[n];
            let text = if node.fargate {
                format!("Pod IP {ip}: the address of its Fargate node")
            } else {
                let subnet = ctx
                    .net
                    .zone(&node.zone)
                    .map(|z| z.subnet_cidr.clone())
                    .unwrap_or_default();
                format!(
                    "Pod IP {ip} from subnet {subnet} of {}: the VPC CNI gives each pod an address of its node's subnet",
                    node.zone
                )
            };
            ctx.world.pods[p].explain(now, text);
            start_pull(ctx, p);
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
            ctx.world.pods[p].explain(
                now,
                format!("ContainerCreating: {why}; the kubelet tries again in 10 s"),
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

/// An event about the pod's (main) container, as the kubelet refers to it.
fn emit_pod(
    ctx: &mut EksCtx,
    p: usize,
    warning: bool,
    reason: &str,
    message: String,
    why: Option<String>,
) {
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    let field_path = events::container_ref(&ctx.world.template_of(p).container, false);
    events::container(
        ctx, warning, reason, object, field_path, message, subjects, why,
    );
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
        None,
    );
    emit_pod(
        ctx,
        p,
        false,
        "Started",
        messages::started_container(&t.container),
        None,
    );
    container_started(&mut ctx.world.pods[p], &t, now);
    sidecars::start_apps(ctx, p);
}

/// The container runs from `now`: its probes start (the startup probe first, if any), and a
/// container without readiness or startup probe is ready at once.
fn container_started(pod: &mut Pod, t: &Template, now: SimTime) {
    pod.state = ContainerState::Running { started_at: now };
    pod.due = None;
    pod.started = !t.startup_probe;
    pod.probes = Probes::default();
    if t.startup_probe {
        pod.probes.startup = Some(worker(ProbeKind::Startup, t, now, now));
    } else {
        start_probes(&mut pod.probes, t, now, now);
    }
    pod.probe_due = probe_due(&pod.probes, pod.started);
    let b = &t.behavior;
    let exit = |after: Option<u64>| after.map(|a| now.plus(Millis::from_secs(a)));
    pod.exits_at = match (exit(b.crashes_after_seconds), exit(b.oom_after_seconds)) {
        (Some(c), Some(o)) if o < c => Some((o, true)),
        (Some(c), _) => Some((c, false)),
        (None, Some(o)) => Some((o, true)),
        (None, None) => None,
    };
    if !t.readiness_probe && !t.startup_probe {
        pod.ready = true;
        pod.ready_since = Some(now);
    }
}

/// A pod of a Deployment already rolled out when the scenario starts: running and ready since
/// `now`, its liveness and readiness probes passing.
pub fn already_running(pod: &mut Pod, t: &Template, now: SimTime) {
    container_started(pod, t, now);
    // Its init containers completed before the scenario started; its sidecars run.
    pod.init_done = t.init_containers.len() as u32;
    pod.side = sidecars::already_running(t, now);
    pod.started = true;
    pod.probes = Probes::default();
    start_probes(&mut pod.probes, t, now, now);
    for w in [&mut pod.probes.liveness, &mut pod.probes.readiness]
        .into_iter()
        .flatten()
    {
        w.prober.verdict = Verdict::Healthy;
    }
    pod.probe_due = probe_due(&pod.probes, true);
    pod.ready = true;
    pod.ready_since = Some(now);
}

/// Liveness and readiness begin (at once, or once the startup probe succeeded).
fn start_probes(probes: &mut Probes, t: &Template, started_at: SimTime, from: SimTime) {
    if t.liveness_probe {
        probes.liveness = Some(worker(ProbeKind::Liveness, t, started_at, from));
    }
    if t.readiness_probe {
        probes.readiness = Some(worker(ProbeKind::Readiness, t, started_at, from));
    }
}

/// The container terminated (`reason`, `exit_code`) because of `cause`; the kubelet restarts
/// it in place, at once the first time, then after the CrashLoopBackOff delay.
fn crash(ctx: &mut EksCtx, p: usize, reason: &str, exit_code: i32, cause: &str) {
    let now = ctx.now;
    let pod = &mut ctx.world.pods[p];
    pod.state = ContainerState::Terminated {
        reason: reason.into(),
        exit_code,
    };
    pod.ready = false;
    pod.ready_since = None;
    pod.probes = Probes::default();
    pod.probe_due = None;
    pod.exits_at = None;
    let delay = pod.backoff.next_delay(now);
    pod.due = Some(now.plus(delay));
    pod.explain(
        now,
        format!(
            "Terminated ({reason}, exit code {exit_code}): {cause}; restartPolicy Always restarts it in this pod {}",
            if delay.0 == 0 {
                "at once".to_string()
            } else {
                format!("after a {} s back-off", delay.0 / 1000)
            }
        ),
    );
    if delay.0 > 0 {
        let c = &mut *ctx.world;
        let container = c.template_of(p).container.clone();
        let namespace = c.namespace_of(p).to_string();
        let pod = &mut c.pods[p];
        pod.state = ContainerState::Waiting {
            reason: "CrashLoopBackOff".into(),
        };
        let msg = messages::back_off_restarting(&container, &pod.name, &namespace, &pod.uid);
        let why = format!(
            "restartPolicy Always: the container exited ({reason}, exit code {exit_code}); after {} restarts the kubelet waits {} s before the next (10 s doubling up to 300 s)",
            pod.restarts,
            delay.0 / 1000
        );

        emit_pod(ctx, p, true, "BackOff", msg, Some(why));
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
        if pod.due.is_none_or(|d| d <= now) && !sidecars::stop_next(ctx, p) {
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
    match &pod.state {
        ContainerState::Running { .. } => {
            // Most pods, most seconds: nothing is due.
            if pod.exits_at.is_some_and(|(t, _)| t <= now) {
                let oom = pod.exits_at.is_some_and(|(_, oom)| oom);
                if oom {
                    let cause = "the process went over its memory limit and the kernel killed it";
                    crash(ctx, p, "OOMKilled", 137, cause);
                } else {
                    crash(ctx, p, "Error", 1, "the process exited with code 1");
                }
            } else if pod.probe_due.is_some_and(|t| t <= now) {
                run_probes(ctx, p);
            }
        }
        ContainerState::Waiting { .. } | ContainerState::Terminated { .. } => {
            // The volume manager: no sandbox before the pod's volume is attached here.
            if pod.ip.is_none() && !super::volumes::ready_on_node(c, p, now) {
                return;
            }
            if pod.due.is_none_or(|d| d <= now) {
                start_or_restart(ctx, p);
            }
        }
    }
}

/// Pull (or find) the image and start the container; or keep backing off a missing image.
fn start_or_restart(ctx: &mut EksCtx, p: usize) {
    let pod = &ctx.world.pods[p];
    if let Some(took) = pod.pulling {
        finish_pull(ctx, p, took);
        return;
    }
    match pod.state.clone() {
        ContainerState::Waiting { reason } => {
            if pod.ip.is_none() {
                start_sandbox(ctx, p);
            } else if pod.init_running {
                if init_containers::finish(ctx, p) {
                    start_pull(ctx, p);
                }
            } else if reason.trim_start_matches("Init:") == "ErrImageNeverPull" {
                resync_never_pull(ctx, p);
            } else if matches!(
                reason.trim_start_matches("Init:"),
                "ErrImagePull" | "ImagePullBackOff"
            ) {
                resync_failed_pull(ctx, p);
            } else if reason.starts_with("Init:") {
                rerun_init(ctx, p);
            } else {
                restart(ctx, p);
            }
        }
        ContainerState::Terminated { .. } => restart(ctx, p),
        ContainerState::Running { .. } => {}
    }
}

/// What the kubelet pulls next for a pod: the image of its next init container (one that runs
/// to completion, or a native sidecar), or else its container's.
struct Pull {
    image: String,
    policy: ImagePullPolicy,
    /// The tag or digest does not exist: the pull fails.
    missing: bool,
    /// The init container it is for.
    init: Option<usize>,
    /// The container's `involvedObject.fieldPath` in the pull's events.
    at: String,
}

impl Pull {
    fn next(ctx: &EksCtx, p: usize) -> Pull {
        let t = ctx.world.template_of(p);
        match init_containers::next(&ctx.world.pods[p], t) {
            Some(i) => {
                let image = t.init_containers[i].image.clone();
                Pull {
                    missing: ctx.registry.missing(&image),
                    image,
                    policy: t.init_containers[i].pull_policy,
                    init: Some(i),
                    at: events::container_ref(&t.init_containers[i].name, true),
                }
            }
            None => Pull {
                image: t.image.clone(),
                policy: t.pull_policy,
                missing: t.behavior.image_missing || ctx.registry.missing(&t.image),
                init: None,
                at: events::container_ref(&t.container, false),
            },
        }
    }

    /// kubectl's STATUS prefixes an init container's waiting reason with `Init:`
    /// (`printPod` in kubectl's `pkg/printers/internalversion/printers.go`).
    fn reason(&self, reason: &str) -> String {
        match self.init {
            Some(_) => format!("Init:{reason}"),
            None => reason.to_string(),
        }
    }

    /// The image is there: the init container runs, or the container starts.
    fn start(&self, ctx: &mut EksCtx, p: usize) {
        match self.init {
            Some(i) => init_containers::run(ctx, p, i),
            None => start_container(ctx, p),
        }
    }
}

/// The kubelet makes sure the image is there before it creates the container, as its
/// `startContainer` does (`EnsureImageExists` first): the node has it (`already present on
/// machine`), or it pulls it (`Pulling image "…"`; the pull ends at `due`), or, with
/// `imagePullPolicy: Never`, the container cannot start (`ErrImageNeverPull`). Init containers
/// come first, one after the other (init_containers.rs).
fn start_pull(ctx: &mut EksCtx, p: usize) {
    let now = ctx.now;
    let pull = Pull::next(ctx, p);
    let cached = match ensure(ctx, p, &pull.image, pull.policy) {
        Ensure::Present => {
            report_present(ctx, p, &pull.at, &pull.image);
            pull.start(ctx, p);
            return;
        }
        Ensure::NeverPull => {
            never_pull(ctx, p, &pull);
            return;
        }
        Ensure::Pull { cached } => cached,
    };
    let of = ctx.world.template_of(p).init_containers.len();
    let pod = &mut ctx.world.pods[p];
    let took = pull_time(pull.missing, cached);
    pod.pulling = Some(took);
    pod.due = Some(now.plus(took));
    // The init container waits for its image (PodInitializing): STATUS `Init:N/M`. A pull
    // after a failed one keeps the failure's reason until it ends, as the kubelet's reason
    // cache does.
    let failed_before = matches!(&pod.state, ContainerState::Waiting { reason }
        if reason.ends_with("ErrImagePull") || reason.ends_with("ImagePullBackOff"));
    if pull.init.is_some() && !failed_before {
        pod.state = ContainerState::Waiting {
            reason: init_containers::status(pod.init_done, of),
        };
    }
    report_pulling(ctx, p, &pull.at, &pull.image);
}

/// A failed init container runs again after its back-off: the kubelet makes sure of its image
/// again (the node kept it, unless the policy is `Always`).
fn rerun_init(ctx: &mut EksCtx, p: usize) {
    start_pull(ctx, p);
}

/// `imagePullPolicy: Never` and the node does not have the image: the container waits with
/// `ErrImageNeverPull` (`Init:ErrImageNeverPull` for an init container). No back-off: the
/// kubelet looks again at each sync of the pod.
fn never_pull(ctx: &mut EksCtx, p: usize, pull: &Pull) {
    let now = ctx.now;
    let reason = pull.reason("ErrImageNeverPull");
    let node = ctx.world.pods[p]
        .node
        .map(|n| ctx.world.nodes[n].name.clone())
        .unwrap_or_default();
    let pod = &mut ctx.world.pods[p];
    pod.state = ContainerState::Waiting {
        reason: reason.clone(),
    };
    pod.due = Some(now.plus(SYNC_AFTER_ERROR));
    let why = format!(
        "imagePullPolicy Never: {node} does not have {} and the kubelet never pulls it; the container starts only once the image is on the node (the kubelet looks again every 10 s)",
        pull.image
    );
    pod.explain(now, format!("{reason}: {why}"));
    report_never_pull(ctx, p, &pull.at, &pull.image, why);
}

/// The pod worker syncs a pod waiting with `ErrImageNeverPull`: the image may be on the node
/// now (another pod pulled it there). The kubelet repeats the two warnings at every sync,
/// which kubectl folds as `(xN over …)`; Orca writes them once [model].
fn resync_never_pull(ctx: &mut EksCtx, p: usize) {
    let pull = Pull::next(ctx, p);
    if ensure(ctx, p, &pull.image, pull.policy) == Ensure::NeverPull {
        let now = ctx.now;
        ctx.world.pods[p].due = Some(now.plus(SYNC_AFTER_ERROR));
        return;
    }
    start_pull(ctx, p);
}

/// The pull is over: the image is there and the container starts, or the tag does not exist
/// (`Failed to pull image`, then `Error: ErrImagePull`) and the pull back-off opens a window.
fn finish_pull(ctx: &mut EksCtx, p: usize, took: Millis) {
    let now = ctx.now;
    let pull = Pull::next(ctx, p);
    ctx.world.pods[p].pulling = None;
    // An image of a modelled ECR repository whose tag or digest is gone fails like a missing
    // tag (docs/rules/ecr.md).
    if !pull.missing {
        report_pulled(ctx, p, &pull.at, &pull.image, took);
        // The kubelet keys its pull back-off by pod and image: the next image starts afresh.
        ctx.world.pods[p].pull_backoff = PullBackoff::default();
        pull.start(ctx, p);
        return;
    }
    let whose = match pull.init {
        Some(i) => format!(
            "init container {}: ",
            ctx.world.template_of(p).init_containers[i].name
        ),
        None => String::new(),
    };
    let pod = &mut ctx.world.pods[p];
    let window = pod.pull_backoff.failed(now);
    let reason = pull.reason("ErrImagePull");
    pod.state = ContainerState::Waiting {
        reason: reason.clone(),
    };
    pod.due = Some(now.plus(SYNC_AFTER_ERROR));
    let why = format!(
        "{whose}the registry has no image {}; the kubelet allows the next pull {} s after this failure (image pull back-off: 10 s, doubling up to 300 s) and syncs the pod again in 10 s",
        pull.image,
        window.0 / 1000
    );
    pod.explain(now, format!("{reason}: {why}"));
    report_failed(ctx, p, &pull.at, &pull.image, why);
}

/// The pod worker syncs a pod whose last pull failed: inside the pull back-off window the
/// kubelet reports `Back-off pulling image` and `Error: ImagePullBackOff` (STATUS
/// ImagePullBackOff); once it is over it pulls again. The kubelet repeats the back-off pair at
/// every sync (every 10 s), which kubectl folds as `(xN over …)`; Orca writes it once per window
/// and visits the pod again when the window closes [model].
fn resync_failed_pull(ctx: &mut EksCtx, p: usize) {
    let now = ctx.now;
    let pull = Pull::next(ctx, p);
    let pod = &mut ctx.world.pods[p];
    if !pod.pull_backoff.in_backoff(now) {
        start_pull(ctx, p);
        return;
    }
    let retry_at = pod.pull_backoff.retry_at().unwrap_or(now);
    pod.due = Some(retry_at);
    let reason = pull.reason("ImagePullBackOff");
    if matches!(&pod.state, ContainerState::Waiting { reason: r } if *r == reason) {
        return;
    }
    pod.state = ContainerState::Waiting {
        reason: reason.clone(),
    };
    let image = &pull.image;
    let why = format!(
        "the last pull of {image} failed and its back-off window runs until {retry_at}; the kubelet does not pull before then"
    );
    pod.explain(now, format!("{reason}: {why}"));
    report_back_off(ctx, p, &pull.at, image, why);
}

/// Restart the container in place after a crash: the kubelet makes sure of its image first
/// (the node kept it, so it is already present, unless the policy is `Always`: then it pulls
/// again).
fn restart(ctx: &mut EksCtx, p: usize) {
    ctx.world.pods[p].restarts += 1;
    start_pull(ctx, p);
}

/// The output of a failed check, as the probe reports it.
fn failure_output(ctx: &EksCtx, p: usize, kind: ProbeKind, mode: FailMode) -> String {
    match mode {
        FailMode::Status(code) => messages::http_status_output(code),
        FailMode::ConnectionRefused | FailMode::Timeout => {
            let ip = ctx.world.pods[p].ip.clone().unwrap_or_default();
            let port = ctx.world.template_of(p).port;
            messages::connection_refused_output(&ip, port, path(kind))
        }
    }
}

/// Run one probe worker now: report a failed check, and return the verdict change.
fn probe(ctx: &mut EksCtx, p: usize, kind: ProbeKind) -> Option<Transition> {
    let now = ctx.now;
    let probes = &mut ctx.world.pods[p].probes;
    let w = match kind {
        ProbeKind::Startup => probes.startup.as_mut(),
        ProbeKind::Liveness => probes.liveness.as_mut(),
        ProbeKind::Readiness => probes.readiness.as_mut(),
    }?;
    let (check, transition) = run(w, now);
    let was_ready = w.prober.verdict == Verdict::Healthy
        || transition.is_some_and(|t| t.from == Verdict::Healthy);
    let failures = w.prober.consecutive_failures;
    let threshold = w.prober.thresholds.unhealthy_after;
    if let Some(mode) = check.and_then(|c| c.failure) {
        let out = failure_output(ctx, p, kind, mode);
        let consequence = match kind {
            ProbeKind::Readiness if failures >= threshold => {
                ": the pod is not ready and is no Service endpoint; probing goes on"
            }
            ProbeKind::Readiness if was_ready => ": the pod stays ready until the threshold",
            ProbeKind::Readiness => ": the pod is not ready yet (it needs one success)",
            ProbeKind::Liveness if failures >= threshold => ": the kubelet kills the container",
            ProbeKind::Liveness => ": the kubelet restarts the container at the threshold",
            ProbeKind::Startup => ": liveness and readiness wait until it succeeds",
        };
        let why = format!(
            "{failures} of failureThreshold {threshold} consecutive failures, one check every {} s{consequence}",
            PROBE_PERIOD.0 / 1000
        );
        let worth_noting = match kind {
            ProbeKind::Startup => failures == 1 || failures == threshold,
            ProbeKind::Liveness | ProbeKind::Readiness => failures <= threshold,
        };
        if worth_noting {
            let name = match kind {
                ProbeKind::Startup => "Startup",
                ProbeKind::Liveness => "Liveness",
                ProbeKind::Readiness => "Readiness",
            };
            ctx.world.pods[p].explain(
                now,
                format!("{name} probe failed {failures}/{threshold} ({out}){consequence}"),
            );
        }
        emit_pod(
            ctx,
            p,
            true,
            "Unhealthy",
            messages::probe_failed(kind, &out),
            Some(why),
        );
    }
    transition
}

fn run_probes(ctx: &mut EksCtx, p: usize) {
    let now = ctx.now;
    let t = ctx.world.template_of(p).clone();
    if !ctx.world.pods[p].started {
        // Liveness and readiness wait until the startup probe succeeds.
        match probe(ctx, p, ProbeKind::Startup).map(|tr| tr.to) {
            Some(Verdict::Healthy) => {
                let pod = &mut ctx.world.pods[p];
                pod.explain(
                    now,
                    "Started: the startup probe passed, so the liveness and readiness probes begin",
                );
                pod.started = true;
                let started_at = match pod.state {
                    ContainerState::Running { started_at } => started_at,
                    _ => now,
                };
                start_probes(&mut pod.probes, &t, started_at, now);
                if !t.readiness_probe {
                    pod.ready = true;
                    pod.ready_since = Some(now);
                }
            }
            Some(Verdict::Unhealthy) => {
                let why = "the startup probe failed 30 times in a row (30 × 10 s = 300 s to start): the kubelet kills the container and restarts it (restartPolicy Always)";
                emit_pod(
                    ctx,
                    p,
                    false,
                    "Killing",
                    format!(
                        "Container {} failed startup probe, will be restarted",
                        t.container
                    ),
                    Some(why.into()),
                );
                crash(
                    ctx,
                    p,
                    "Error",
                    137,
                    "the startup probe failed 30 times in a row",
                );
                return;
            }
            _ => {}
        }
    } else {
        if probe(ctx, p, ProbeKind::Liveness).is_some_and(|tr| tr.to == Verdict::Unhealthy) {
            let why = "the liveness probe failed 3 times in a row (failureThreshold 3, every 10 s): the kubelet kills the container (recorded as Error, exit code 137) and restarts it in the same pod (restartPolicy Always)";
            emit_pod(
                ctx,
                p,
                false,
                "Killing",
                messages::killing_liveness(&t.container),
                Some(why.into()),
            );
            let cause = "the liveness probe failed 3 times in a row (failureThreshold 3) and the kubelet killed it";
            crash(ctx, p, "Error", 137, cause);
            return;
        }
        if let Some(tr) = probe(ctx, p, ProbeKind::Readiness) {
            let pod = &mut ctx.world.pods[p];
            match tr.to {
                Verdict::Healthy => {
                    pod.explain(
                        now,
                        "Ready: the readiness probe passed (successThreshold 1), so the pod is a Service endpoint",
                    );
                    pod.ready = true;
                    pod.ready_since = Some(now);
                }
                Verdict::Unhealthy => {
                    pod.ready = false;
                    pod.ready_since = None;
                }
                Verdict::Initial => {}
            }
        }
    }
    let pod = &mut ctx.world.pods[p];
    pod.probe_due = probe_due(&pod.probes, pod.started);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: u64) -> SimTime {
        SimTime::from_secs(x)
    }

    #[test]
    fn the_app_refuses_connections_until_it_is_up() {
        let sig = app_signal(s(100), 5, Some(503));
        assert_eq!(sig.at(s(104)), Some(FailMode::ConnectionRefused));
        assert_eq!(sig.at(s(105)), Some(FailMode::Status(503)));
        assert_eq!(app_signal(s(100), 5, None).at(s(110)), None);
    }

    #[test]
    fn liveness_kills_after_three_failures_ten_seconds_apart() {
        // The probes example: checks at 10, 20 and 30 s after the start all fail.
        let mut w = ProbeWorker {
            kind: ProbeKind::Liveness,
            prober: Prober::new(
                s(10),
                PROBE_PERIOD,
                PROBE_TIMEOUT,
                thresholds(ProbeKind::Liveness),
            ),
            signal: app_signal(s(0), 0, Some(500)),
        };
        assert_eq!(w.prober.next_transition(&w.signal), Some(s(30)));
        assert_eq!(
            run(&mut w, s(10)).0.and_then(|c| c.failure),
            Some(FailMode::Status(500))
        );
        assert_eq!(run(&mut w, s(20)).1, None);
        assert_eq!(run(&mut w, s(30)).1.map(|t| t.to), Some(Verdict::Unhealthy));
    }

    #[test]
    fn a_startup_probe_allows_300_seconds() {
        let w = ProbeWorker {
            kind: ProbeKind::Startup,
            prober: Prober::new(
                s(10),
                PROBE_PERIOD,
                PROBE_TIMEOUT,
                thresholds(ProbeKind::Startup),
            ),
            signal: app_signal(s(0), 10_000, None),
        };
        assert_eq!(w.prober.next_transition(&w.signal), Some(s(300)));
        // An app up after 60 s: the startup probe succeeds at the 60 s check.
        let w = ProbeWorker {
            signal: app_signal(s(0), 60, None),
            ..w
        };
        assert_eq!(w.prober.next_transition(&w.signal), Some(s(60)));
    }

    #[test]
    fn a_healthy_passing_probe_needs_no_visit() {
        let mut w = ProbeWorker {
            kind: ProbeKind::Readiness,
            prober: Prober::new(
                s(10),
                PROBE_PERIOD,
                PROBE_TIMEOUT,
                thresholds(ProbeKind::Readiness),
            ),
            signal: app_signal(s(0), 5, None),
        };
        assert_eq!(
            next_visit(&w),
            Some(s(10)),
            "the first success makes it ready"
        );
        assert_eq!(run(&mut w, s(10)).1.map(|t| t.to), Some(Verdict::Healthy));
        assert_eq!(next_visit(&w), None);
        // Failing from 95 s on: the next visit is the check at 100 s.
        w.signal.set_from(s(95), Some(FailMode::Status(503)));
        assert_eq!(next_visit(&w), Some(s(100)));
        let (check, _) = run(&mut w, s(100));
        assert_eq!(check.map(|c| c.at), Some(s(100)));
        assert_eq!(w.prober.checks_done, 10, "the passing checks were counted");
    }
}
