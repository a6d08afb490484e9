//! A pod's containers besides its first app container: native sidecars (init containers with
//! `restartPolicy: Always`) and further app containers. The kubelet starts a sidecar in its
//! turn among the init containers and goes on with the next once it has started (its startup
//! probe passed, if it has one); it keeps running beside the app containers, its readiness
//! counts in the pod's `Ready`, and it is restarted with the CrashLoopBackOff delay whenever
//! it exits. At termination the app containers get SIGTERM first; the sidecars are stopped
//! after them, in the reverse of their order in the spec. Rules:
//! `docs/rules/k8s-pods.md#several-containers-and-native-sidecars`.
//!
//! Sources: Kubernetes documentation, "Sidecar Containers"
//! <https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/>, "Init Containers"
//! <https://kubernetes.io/docs/concepts/workloads/pods/init-containers/> and "Pod Lifecycle"
//! <https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/>.
//!
//! [Orca model] These containers' probes are not probe workers: one run of a container is
//! planned from its start (`plan`) with the probe defaults (a check every 10 s, the first one
//! 10 s after the start; readiness fails after 3 consecutive failures).

use super::backoff::{Backoff, PullBackoff};
use super::cluster::{ContainerState, EksCtx, SideBehavior, SideStatus, Template};
use super::events;
use super::image_pull::{self, Ensure};
use super::messages::{self, ProbeKind};
use crate::scenario::spec::ImagePullPolicy;
use crate::time::{Millis, SimTime};

/// `periodSeconds` default (`SetDefaults_Probe`).
const PERIOD: Millis = Millis::from_secs(10);
/// Readiness `failureThreshold` default.
const READINESS_FAILURES: u64 = 3;
/// Liveness `failureThreshold` default (`SetDefaults_Probe`: 3 for every probe).
const LIVENESS_FAILURES: u64 = 3;
/// [Orca model] A well-behaved process exits this long after SIGTERM (as the app container's
/// `SIGTERM_EXIT_SECONDS`).
const SIGTERM_EXIT: Millis = Millis::from_secs(2);

/// What one run of a container does, counted from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// Its startup probe passes (its start, without one).
    pub started: SimTime,
    /// Its readiness probe first passes (`None`: never in this run).
    pub ready: Option<SimTime>,
    /// Its readiness checks start failing at this check…
    pub first_failure: Option<SimTime>,
    /// …and it is not ready from this one, the third in a row.
    pub unready: Option<SimTime>,
    /// Its process exits (code 1).
    pub exits: Option<SimTime>,
    /// Its liveness checks start failing at this check…
    pub liveness_failure: Option<SimTime>,
    /// …and at the third failure in a row the kubelet kills it (exit code 137).
    pub killed: Option<SimTime>,
}

/// The first probe check at or after `at` of a probe whose checks run every period from
/// `from` (the first one a period after it).
fn first_check(from: SimTime, at: SimTime) -> SimTime {
    let k = at.0.saturating_sub(from.0).div_ceil(PERIOD.0).max(1);
    SimTime(from.0 + k * PERIOD.0)
}

/// One run of a container started at `t0`: a startup probe passes at its first check after the
/// process answers; readiness (checked from the start, or from the startup probe's success)
/// passes at its first check after that; from `not_ready_after` the readiness checks fail and
/// the third failure makes the container not ready.
pub fn plan(b: &SideBehavior, t0: SimTime) -> Run {
    let up = t0.plus(b.startup);
    let started = if b.startup_probe {
        first_check(t0, up)
    } else {
        t0
    };
    let from = if b.startup_probe { started } else { t0 };
    let mut ready = if !b.readiness_probe {
        Some(started)
    } else {
        Some(first_check(from, up.max(from)))
    };
    let mut first_failure = None;
    let mut unready = None;
    if b.readiness_probe
        && let Some(after) = b.not_ready_after
    {
        let f = first_check(from, t0.plus(after));
        if ready.is_some_and(|r| f <= r) {
            // It fails before its first success: it never becomes ready.
            ready = None;
        } else {
            first_failure = Some(f);
            unready = Some(f.plus(Millis(PERIOD.0 * (READINESS_FAILURES - 1))));
        }
    }
    // Liveness is checked once the container has started (after its startup probe's success),
    // and passes until the endpoint fails: only failures count towards the threshold.
    let liveness_failure = if b.liveness_probe {
        b.liveness_fails_after
            .map(|after| first_check(from, t0.plus(after).max(from)))
    } else {
        None
    };
    Run {
        started,
        ready,
        first_failure,
        unready,
        exits: b.crashes_after.map(|a| t0.plus(a)),
        liveness_failure,
        killed: liveness_failure.map(|f| f.plus(Millis(PERIOD.0 * (LIVENESS_FAILURES - 1)))),
    }
}

/// The behaviour of the pod's container `name` (a sidecar or a further app container).
pub fn behavior<'a>(t: &'a Template, name: &str) -> Option<(&'a str, &'a SideBehavior)> {
    t.init_containers
        .iter()
        .filter_map(|i| i.sidecar.as_ref().map(|b| (i.image.as_str(), &i.name, b)))
        .chain(
            t.containers
                .iter()
                .map(|c| (c.image.as_str(), &c.name, &c.behavior)),
        )
        .find(|(_, n, _)| n.as_str() == name)
        .map(|(image, _, b)| (image, b))
}

/// The next moment after `now` that the kubelet must look at a container in this run.
fn next_due(s: &SideStatus, run: &Run, now: SimTime) -> Option<SimTime> {
    let failures = run
        .first_failure
        .map(|f| (0..READINESS_FAILURES).map(move |k| f.plus(Millis(PERIOD.0 * k))));
    let liveness = run
        .liveness_failure
        .map(|f| (0..LIVENESS_FAILURES).map(move |k| f.plus(Millis(PERIOD.0 * k))));
    [
        run.exits,
        (!s.started).then_some(run.started),
        if s.ready { None } else { run.ready },
    ]
    .into_iter()
    .flatten()
    .chain(failures.into_iter().flatten())
    .chain(liveness.into_iter().flatten())
    .filter(|&t| t > now)
    .min()
}

fn new_status(name: &str, init_index: Option<(u32, u32)>, now: SimTime) -> SideStatus {
    SideStatus {
        name: name.to_string(),
        init_index,
        state: ContainerState::Running { started_at: now },
        started_at: now,
        started: false,
        ready: false,
        restarts: 0,
        backoff: Backoff::default(),
        due: None,
        last: None,
        previous_start: None,
        stopping: false,
        pulling: None,
        pull_backoff: PullBackoff::default(),
    }
}

/// Start container `name` now (its first run): `Pulled`, `Created`, `Started`, and the kubelet
/// follows its run from here. Returns when it will have started. A native sidecar's image was
/// pulled in its turn among the init containers (`kubelet::Pull`), which reported it; a further
/// app container started here finds its image on the node (`start_apps`).
pub fn start(ctx: &mut EksCtx, p: usize, name: &str, init_index: Option<(u32, u32)>) -> SimTime {
    start_with(ctx, p, name, init_index, init_index.is_none())
}

/// Start container `name` whose pull was just reported (`Successfully pulled`).
fn start_reported(ctx: &mut EksCtx, p: usize, name: &str, init_index: Option<(u32, u32)>) {
    start_with(ctx, p, name, init_index, false);
}

fn start_with(
    ctx: &mut EksCtx,
    p: usize,
    name: &str,
    init_index: Option<(u32, u32)>,
    present: bool,
) -> SimTime {
    let now = ctx.now;
    let t = ctx.world.template_of(p).clone();
    let Some((image, b)) = behavior(&t, name) else {
        return now;
    };
    emit_start(ctx, p, name, image, present);
    let run = plan(b, now);
    let mut s = new_status(name, init_index, now);
    s.started = run.started <= now;
    s.ready = run.ready.is_some_and(|r| r <= now);
    s.due = next_due(&s, &run, now);
    let pod = &mut ctx.world.pods[p];
    match pod.side.iter().position(|o| o.name == name) {
        Some(i) => pod.side[i] = s,
        None => pod.side.push(s),
    }
    let what = if init_index.is_some() {
        "native sidecar (restartPolicy: Always): it keeps running beside the app containers"
    } else {
        "app container: it runs beside the pod's first container"
    };
    pod.explain(now, format!("Container {name} started, a {what}"));
    run.started
}

/// `Pulled` (already present, unless the pull was just reported), `Created`, `Started`.
fn emit_start(ctx: &mut EksCtx, p: usize, name: &str, image: &str, present: bool) {
    if present {
        let at = container_at(ctx, p, name);
        image_pull::report_present(ctx, p, &at, image);
    }
    let rest = [
        ("Created", messages::created_container(name)),
        ("Started", messages::started_container(name)),
    ];
    for (reason, message) in rest {
        emit(ctx, p, name, (false, reason), message, None);
    }
}

/// How the kubelet's events locate container `name` of pod `p` (`involvedObject.fieldPath`): a
/// native sidecar is one of the spec's init containers, a further app container one of its
/// containers.
fn container_at(ctx: &EksCtx, p: usize, name: &str) -> String {
    let t = ctx.world.template_of(p);
    let init = t.init_containers.iter().any(|c| c.name == name);
    events::container_ref(name, init)
}

/// An event of the kubelet about container `name` of pod `p`.
fn emit(
    ctx: &mut EksCtx,
    p: usize,
    name: &str,
    (warning, reason): (bool, &str),
    message: String,
    why: Option<String>,
) {
    let at = container_at(ctx, p, name);
    let (object, subjects) = events::pod(&ctx.world.pods[p].name);
    events::container(ctx, warning, reason, object, at, message, subjects, why);
}

/// The pod's first container has started: the kubelet goes on with its further app containers
/// (once; a restart of the first one leaves them running), making sure of each one's image
/// first as it did for the first (`image_pull::ensure`). [Orca model] They are pulled side by
/// side, not one after the other.
pub fn start_apps(ctx: &mut EksCtx, p: usize) {
    let names: Vec<(String, String, ImagePullPolicy)> = ctx
        .world
        .template_of(p)
        .containers
        .iter()
        .map(|c| (c.name.clone(), c.image.clone(), c.pull_policy))
        .collect();
    for (name, image, policy) in names {
        if ctx.world.pods[p].side.iter().any(|s| s.name == name) {
            continue;
        }
        let ensure = image_pull::ensure(ctx, p, &image, policy);
        if ensure == Ensure::Present {
            start(ctx, p, &name, None);
            continue;
        }
        let status = new_status(&name, None, ctx.now);
        let side = &mut ctx.world.pods[p].side;
        side.push(status);
        let s = side.len() - 1;
        match ensure {
            Ensure::Pull { cached } => pull(ctx, p, s, &image, cached),
            _ => never_pull(ctx, p, s, &name, &image),
        }
    }
}

/// `imagePullPolicy: Never` and the node lacks container `s`'s image: it waits with
/// `ErrImageNeverPull`, and the kubelet looks again every 10 s (the warnings are written once
/// [model], as for the pod's first container).
fn never_pull(ctx: &mut EksCtx, p: usize, s: usize, name: &str, image: &str) {
    let now = ctx.now;
    let c = &mut ctx.world.pods[p].side[s];
    c.state = ContainerState::Waiting {
        reason: "ErrImageNeverPull".into(),
    };
    c.due = Some(now.plus(image_pull::SYNC_AFTER_ERROR));
    let why = format!(
        "container {name}: imagePullPolicy Never and the node does not have {image}, which the kubelet never pulls; the pod's other containers keep running"
    );
    ctx.world.pods[p].explain(now, format!("ErrImageNeverPull: {why}"));
    let at = container_at(ctx, p, name);
    image_pull::report_never_pull(ctx, p, &at, image, why);
}

/// Begin a pull of container `s`'s image (`cached`: the node has it; `Always` asks anyway): it
/// waits (ContainerCreating the first time, the last failure's reason after one) until the
/// pull ends at `due`.
fn pull(ctx: &mut EksCtx, p: usize, s: usize, image: &str, cached: bool) {
    let took = image_pull::pull_time(ctx.registry.missing(image), cached);
    let due = ctx.now.plus(took);
    let c = &mut ctx.world.pods[p].side[s];
    if !matches!(&c.state, ContainerState::Waiting { reason }
        if reason == "ErrImagePull" || reason == "ImagePullBackOff")
    {
        c.state = ContainerState::Waiting {
            reason: "ContainerCreating".into(),
        };
    }
    c.pulling = Some(took);
    c.due = Some(due);
    let name = c.name.clone();
    let at = container_at(ctx, p, &name);
    image_pull::report_pulling(ctx, p, &at, image);
}

/// The kubelet looks at further app container `s` whose image is not there yet: a pull ends
/// (the container starts, or `ErrImagePull`), or the pull back-off window closes (pull again;
/// `ImagePullBackOff` meanwhile) — the same rules as the pod's first container (kubelet.rs).
fn pull_step(ctx: &mut EksCtx, p: usize, s: usize, name: &str, image: &str) {
    let now = ctx.now;
    let missing = ctx.registry.missing(image);
    let policy = ctx
        .world
        .template_of(p)
        .containers
        .iter()
        .find(|c| c.name == name)
        .map_or(ImagePullPolicy::IfNotPresent, |c| c.pull_policy);
    if matches!(&ctx.world.pods[p].side[s].state,
        ContainerState::Waiting { reason } if reason == "ErrImageNeverPull")
    {
        match image_pull::ensure(ctx, p, image, policy) {
            Ensure::NeverPull => {
                ctx.world.pods[p].side[s].due = Some(now.plus(image_pull::SYNC_AFTER_ERROR));
            }
            _ => {
                start(ctx, p, name, None);
            }
        }
        return;
    }
    if let Some(took) = ctx.world.pods[p].side[s].pulling
        && !missing
    {
        let at = container_at(ctx, p, name);
        image_pull::report_pulled(ctx, p, &at, image, took);
        start_reported(ctx, p, name, None);
        return;
    }
    let c = &mut ctx.world.pods[p].side[s];
    if c.pulling.is_some() {
        c.pulling = None;
        let window = c.pull_backoff.failed(now);
        c.state = ContainerState::Waiting {
            reason: "ErrImagePull".into(),
        };
        c.due = Some(now.plus(image_pull::SYNC_AFTER_ERROR));
        let why = format!(
            "container {name}: the registry has no image {image}; the kubelet allows the next pull {} s after this failure (image pull back-off: 10 s, doubling up to 300 s); the pod's other containers keep running",
            window.0 / 1000
        );
        ctx.world.pods[p].explain(now, format!("ErrImagePull: {why}"));
        let at = container_at(ctx, p, name);
        image_pull::report_failed(ctx, p, &at, image, why);
        return;
    }
    if !c.pull_backoff.in_backoff(now) {
        // The image may have reached the node meanwhile (another pod pulled it).
        match image_pull::ensure(ctx, p, image, policy) {
            Ensure::Pull { cached } => pull(ctx, p, s, image, cached),
            _ => {
                start(ctx, p, name, None);
            }
        }
        return;
    }
    let retry_at = c.pull_backoff.retry_at().unwrap_or(now);
    c.due = Some(retry_at);
    if matches!(&c.state, ContainerState::Waiting { reason } if reason == "ImagePullBackOff") {
        return;
    }
    c.state = ContainerState::Waiting {
        reason: "ImagePullBackOff".into(),
    };
    let why = format!(
        "container {name}: the last pull of {image} failed and its back-off window runs until {retry_at}; the kubelet does not pull before then"
    );
    let at = container_at(ctx, p, name);
    image_pull::report_back_off(ctx, p, &at, image, why);
}

/// A sidecar's turn among the init containers is over once it has started: true then (the
/// kubelet goes on with the next init container), with the startup probe's success noted.
pub fn sidecar_started(ctx: &mut EksCtx, p: usize, name: &str) -> bool {
    let now = ctx.now;
    let t = ctx.world.template_of(p).clone();
    let Some((_, b)) = behavior(&t, name) else {
        return true;
    };
    let pod = &mut ctx.world.pods[p];
    let Some(s) = pod.side.iter_mut().find(|s| s.name == name) else {
        return true;
    };
    let ContainerState::Running { started_at } = s.state else {
        return false;
    };
    if plan(b, started_at).started > now {
        return false;
    }
    let first = !s.started;
    s.started = true;
    if first && b.startup_probe {
        pod.explain(
            now,
            format!(
                "Sidecar {name} started: its startup probe passed, so the kubelet goes on with the next init container"
            ),
        );
    }
    true
}

/// The containers at time zero of a pod already running: every sidecar and further app
/// container runs, has started and is ready.
pub fn already_running(t: &Template, now: SimTime) -> Vec<SideStatus> {
    let n = t.init_containers.len() as u32;
    let sidecars = t.init_containers.iter().enumerate().filter_map(|(i, c)| {
        c.sidecar
            .as_ref()
            .map(|b| (c.name.as_str(), Some((i as u32, n)), b))
    });
    let apps = t
        .containers
        .iter()
        .map(|c| (c.name.as_str(), None, &c.behavior));
    sidecars
        .chain(apps)
        .map(|(name, index, b)| {
            let mut s = new_status(name, index, now);
            s.started = true;
            s.ready = true;
            // Its readiness keeps passing; only an exit or a failing readiness is ahead.
            let run = Run {
                started: now,
                ready: Some(now),
                ..plan(b, now)
            };
            s.due = next_due(&s, &run, now);
            s
        })
        .collect()
}

/// One kubelet pass over the pod's further containers: whatever is due in each run, then the
/// pod's `Ready` (every container ready).
pub fn sync(ctx: &mut EksCtx, p: usize) {
    let now = ctx.now;
    let pod = &ctx.world.pods[p];
    if pod.side.is_empty() || pod.gone || pod.node.is_none() || pod.deleting_at.is_some() {
        return;
    }
    for s in 0..pod.side.len() {
        if ctx.world.pods[p].side[s].due.is_some_and(|d| d <= now) {
            step(ctx, p, s);
        }
    }
    let pod = &mut ctx.world.pods[p];
    let waiting: Vec<String> = pod
        .side
        .iter()
        .filter(|s| !(s.ready && matches!(s.state, ContainerState::Running { .. })))
        .map(|s| s.name.clone())
        .collect();
    let main_ready = pod.main_ready();
    let want = main_ready && waiting.is_empty();
    if want != pod.ready {
        pod.ready = want;
        pod.ready_since = want.then_some(now);
        if want {
            pod.explain(
                now,
                "Ready: every container of the pod is ready (sidecars included), so the pod is a Service endpoint",
            );
        } else if main_ready {
            pod.explain(
                now,
                format!(
                    "Not ready: container {} is not ready, and a pod is Ready only when all its containers are (native sidecars included); it leaves the Service's endpoints while its other containers keep running",
                    waiting.join(", ")
                ),
            );
        }
    }
}

fn step(ctx: &mut EksCtx, p: usize, s: usize) {
    let now = ctx.now;
    let t = ctx.world.template_of(p).clone();
    let name = ctx.world.pods[p].side[s].name.clone();
    let Some((image, b)) = behavior(&t, &name) else {
        return;
    };
    let c = &ctx.world.pods[p].side[s];
    if c.pulling.is_some()
        || matches!(&c.state, ContainerState::Waiting { reason }
            if reason == "ErrImagePull" || reason == "ImagePullBackOff" || reason == "ErrImageNeverPull")
    {
        pull_step(ctx, p, s, &name, image);
        return;
    }
    let ContainerState::Running { started_at } = ctx.world.pods[p].side[s].state else {
        restart(ctx, p, s, image, b);
        return;
    };
    let run = plan(b, started_at);
    let killed = run
        .killed
        .filter(|&k| k <= now && run.exits.is_none_or(|e| e > k));
    if run.exits.is_some_and(|e| e <= now) && killed.is_none() {
        crash(ctx, p, s, 1, "terminated (Error, exit code 1)".into());
        return;
    }
    if let Some(f) = run.liveness_failure
        && f <= now
        && now < f.plus(Millis(PERIOD.0 * LIVENESS_FAILURES))
        && (now.0 - f.0).is_multiple_of(PERIOD.0)
    {
        let failures = (now.0 - f.0) / PERIOD.0 + 1;
        let msg = messages::probe_failed(ProbeKind::Liveness, &messages::http_status_output(503));
        let why = format!(
            "container {name}: liveness {failures} of failureThreshold {LIVENESS_FAILURES} consecutive failures, one check every 10 s{}",
            if failures >= LIVENESS_FAILURES {
                ": the kubelet kills this container and restarts it in the pod"
            } else {
                ": nothing happens until the threshold"
            }
        );
        emit(ctx, p, &name, (true, "Unhealthy"), msg, Some(why));
    }
    if killed.is_some() {
        let why = format!(
            "the liveness probe of container {name} failed 3 times in a row (failureThreshold 3, every 10 s): the kubelet kills it (Error, exit code 137) and restarts it; the pod's other containers keep running"
        );
        let message = messages::killing_liveness(&name);
        emit(ctx, p, &name, (false, "Killing"), message, Some(why));
        crash(
            ctx,
            p,
            s,
            137,
            "was killed after its liveness probe failed 3 times in a row (Error, exit code 137)"
                .into(),
        );
        return;
    }
    if let Some(f) = run.first_failure
        && f <= now
        && now < f.plus(Millis(PERIOD.0 * READINESS_FAILURES))
        && (now.0 - f.0).is_multiple_of(PERIOD.0)
    {
        let failures = (now.0 - f.0) / PERIOD.0 + 1;
        let why = format!(
            "container {name}: {failures} of failureThreshold {READINESS_FAILURES} consecutive failures, one check every 10 s{}",
            if failures >= READINESS_FAILURES {
                ": the container is not ready, so neither is the pod; probing goes on"
            } else {
                ": it stays ready until the threshold"
            }
        );
        let msg = messages::probe_failed(ProbeKind::Readiness, &messages::http_status_output(503));
        emit(ctx, p, &name, (true, "Unhealthy"), msg, Some(why));
    }
    let pod = &mut ctx.world.pods[p];
    let c = &mut pod.side[s];
    if !c.started && run.started <= now {
        c.started = true;
    }
    if !c.ready && run.ready.is_some_and(|r| r <= now) && run.unready.is_none_or(|u| u > now) {
        c.ready = true;
        pod.explain(
            now,
            format!("Container {name} is ready (its readiness probe passed)"),
        );
    }
    let c = &mut pod.side[s];
    if c.ready && run.unready.is_some_and(|u| u <= now) {
        c.ready = false;
        pod.explain(
            now,
            format!(
                "Container {name} is not ready: its readiness probe failed 3 times in a row (failureThreshold 3, every 10 s)"
            ),
        );
    }
    let c = &mut pod.side[s];
    c.due = next_due(c, &run, now);
}

/// The container's process exited (code 1): restartPolicy Always (a sidecar's own, or the
/// pod's) restarts it in place, at once the first time, then after the CrashLoopBackOff delay;
/// the pod's other containers keep running.
fn crash(ctx: &mut EksCtx, p: usize, s: usize, exit_code: i32, what: String) {
    let now = ctx.now;
    let c = &mut *ctx.world;
    let namespace = c.namespace_of(p).to_string();
    let pod = &mut c.pods[p];
    let side = &mut pod.side[s];
    side.state = ContainerState::Terminated {
        reason: "Error".into(),
        exit_code,
    };
    side.last = Some(("Error".into(), exit_code));
    side.ready = false;
    side.started = false;
    let delay = side.backoff.next_delay(now);
    side.due = Some(now.plus(delay));
    let name = side.name.clone();
    let restarts = side.restarts;
    let kind = if side.init_index.is_some() {
        "native sidecar"
    } else {
        "app container"
    };
    pod.explain(
        now,
        format!(
            "Container {name} ({kind}) {what}; it is restarted in this pod {}, while the pod's other containers keep running",
            if delay.0 == 0 {
                "at once".to_string()
            } else {
                format!("after a {} s back-off", delay.0 / 1000)
            }
        ),
    );
    if delay.0 > 0 {
        pod.side[s].state = ContainerState::Waiting {
            reason: "CrashLoopBackOff".into(),
        };
        let msg = messages::back_off_restarting(&name, &pod.name, &namespace, &pod.uid);
        let why = format!(
            "restartPolicy Always: container {name} exited (Error, exit code {exit_code}); after {restarts} restarts the kubelet waits {} s before the next (10 s doubling up to 300 s)",
            delay.0 / 1000
        );
        emit(ctx, p, &name, (true, "BackOff"), msg, Some(why));
    }
}

fn restart(ctx: &mut EksCtx, p: usize, s: usize, image: &str, b: &SideBehavior) {
    let now = ctx.now;
    let name = ctx.world.pods[p].side[s].name.clone();
    emit_start(ctx, p, &name, image, true);
    let run = plan(b, now);
    let c = &mut ctx.world.pods[p].side[s];
    c.restarts += 1;
    c.previous_start = Some(c.started_at);
    c.started_at = now;
    c.state = ContainerState::Running { started_at: now };
    c.started = run.started <= now;
    c.ready = run.ready.is_some_and(|r| r <= now);
    c.due = next_due(c, &run, now);
}

/// The pod is deleted: its further app containers get SIGTERM with the first one (`Killing`).
pub fn sigterm_apps(ctx: &mut EksCtx, p: usize) {
    let due = ctx.now.plus(SIGTERM_EXIT);
    let names: Vec<String> = ctx.world.pods[p]
        .side
        .iter()
        .filter(|s| s.init_index.is_none() && matches!(s.state, ContainerState::Running { .. }))
        .map(|s| s.name.clone())
        .collect();
    for name in names {
        stop(ctx, p, &name, due);
    }
}

fn stop(ctx: &mut EksCtx, p: usize, name: &str, due: SimTime) {
    let pod = &mut ctx.world.pods[p];
    if let Some(s) = pod.side.iter_mut().find(|s| s.name == name) {
        s.stopping = true;
        s.ready = false;
        s.due = Some(due);
    }
    let message = messages::stopping_container(name);
    emit(ctx, p, name, (false, "Killing"), message, None);
}

/// The terminating pod's app containers have exited: the containers that got SIGTERM have
/// exited now, and the next native sidecar (the last in the spec first) gets its SIGTERM.
/// True while one is stopping (the pod is not gone yet; the kubelet comes back at `due`).
pub fn stop_next(ctx: &mut EksCtx, p: usize) -> bool {
    let now = ctx.now;
    let pod = &mut ctx.world.pods[p];
    for s in pod.side.iter_mut().filter(|s| s.stopping) {
        s.stopping = false;
        s.due = None;
        s.state = ContainerState::Terminated {
            reason: "Completed".into(),
            exit_code: 0,
        };
    }
    let Some(name) = pod
        .side
        .iter()
        .rev()
        .find(|s| s.init_index.is_some() && matches!(s.state, ContainerState::Running { .. }))
        .map(|s| s.name.clone())
    else {
        return false;
    };
    let due = now.plus(SIGTERM_EXIT);
    pod.due = Some(due);
    pod.explain(
        now,
        format!(
            "The app containers have exited; the kubelet stops native sidecar {name} now (sidecars stop after the app containers, the last one in the spec first)"
        ),
    );
    stop(ctx, p, &name, due);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: u64) -> SimTime {
        SimTime::from_secs(x)
    }

    fn b() -> SideBehavior {
        SideBehavior::default()
    }

    #[test]
    fn without_probes_a_container_is_started_and_ready_at_once() {
        let r = plan(&b(), s(100));
        assert_eq!((r.started, r.ready), (s(100), Some(s(100))));
        assert_eq!(r.exits, None);
    }

    #[test]
    fn a_startup_probe_passes_at_its_first_check_after_the_process_answers() {
        // Up 15 s after the start: checks at 10 s (refused) and 20 s (passes).
        let sb = SideBehavior {
            startup_probe: true,
            readiness_probe: true,
            startup: Millis::from_secs(15),
            ..b()
        };
        let r = plan(&sb, s(0));
        assert_eq!(r.started, s(20));
        // Readiness is checked from the startup probe's success: first check 10 s later.
        assert_eq!(r.ready, Some(s(30)));
    }

    #[test]
    fn readiness_fails_after_three_checks_in_a_row() {
        let sb = SideBehavior {
            readiness_probe: true,
            startup: Millis::from_secs(5),
            not_ready_after: Some(Millis::from_secs(95)),
            ..b()
        };
        let r = plan(&sb, s(0));
        assert_eq!(r.ready, Some(s(10)));
        // Failing from 95 s: checks at 100, 110 and 120 s fail; not ready at 120 s.
        assert_eq!(r.first_failure, Some(s(100)));
        assert_eq!(r.unready, Some(s(120)));
    }

    #[test]
    fn failing_before_its_first_success_it_is_never_ready() {
        let sb = SideBehavior {
            readiness_probe: true,
            startup: Millis::from_secs(30),
            not_ready_after: Some(Millis::from_secs(10)),
            ..b()
        };
        let r = plan(&sb, s(0));
        assert_eq!((r.ready, r.unready), (None, None));
    }
}
