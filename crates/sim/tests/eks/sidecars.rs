//! Several containers per pod and native sidecars
//! (docs/rules/k8s-pods.md#several-containers-and-native-sidecars): the start order, READY
//! `n/m`, STATUS, RESTARTS, readiness and endpoints, restarts of one container, the stop
//! order, `kubectl describe pod` and `kubectl logs -c`. Sources: Kubernetes documentation,
//! "Sidecar Containers" and "Pod Lifecycle"; kubectl's `printPod`.

use std::sync::Arc;

use orca_sim::console::Outcome;
use orca_sim::k8s::cluster::ContainerState;
use orca_sim::{Playback, SimTime};

fn playback_of(src: &str) -> Playback {
    let s = orca_sim::scenario::parse("sidecars.ron", src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    Playback::new(Arc::new(s))
}

/// `web` (1 replica, steady) with `init` and `containers`; scaled to 2 at 0:10 so the new pod
/// starts in front of us, on the second node, which has none of its images yet (the first
/// keeps those of the running pod); `timeline` entries after that.
fn playback(init: &str, containers: &str, timeline: &str) -> Playback {
    playback_of(&format!(
        r#"(version: 1, title: "sidecars", seed: 3, duration: 900,
    world: Eks(
        cluster: (name: "demo"),
        node_groups: [(name: "ng-1", instance_type: "m5.large", count: 2)],
        deployments: [(name: "web", replicas: 1,
            container: (name: "web", image: "nginx:1.27", cpu: 100, memory: 128, readiness_probe: true),
            init_containers: [{init}],
            containers: [{containers}],
            service: (name: "web", port: 80))],
    ),
    timeline: [(at: 10, action: ScaleDeployment(deployment: "web", replicas: 2)){timeline}],
)"#
    ))
}

fn run(p: &Playback, line: &str) -> Outcome {
    crate::common::console_run(p, line)
}

fn kubectl(p: &Playback, line: &str) -> String {
    match run(p, line) {
        Outcome::Print(s) => s,
        other => panic!("`{line}` did not print: {other:?}"),
    }
}

/// The pod `n` of web (0: the one there at the start, 1: the new one).
fn pod(p: &Playback, n: usize) -> orca_sim::k8s::cluster::Pod {
    let eks = p.world().eks.as_ref().expect("EKS");
    eks.pods
        .iter()
        .filter(|q| q.name.starts_with("web-") && !q.gone)
        .nth(n)
        .expect("a web pod")
        .clone()
}

/// The `Endpoints:` line of `kubectl describe service web`.
fn endpoint_line(p: &Playback) -> String {
    kubectl(p, "kubectl describe service web")
        .lines()
        .find(|l| l.starts_with("Endpoints:"))
        .expect("an Endpoints line")
        .to_string()
}

fn row(p: &Playback, name: &str) -> String {
    kubectl(p, "kubectl get pods")
        .lines()
        .find(|l| l.starts_with(name))
        .expect("a row")
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ")
}

const LOG_ROUTER: &str = r#"(name: "log-router", image: "fluent-bit:3.1", restart_policy: Always, startup_probe: true, startup_seconds: 15)"#;
const MIGRATE: &str = r#"(name: "migrate", image: "migrate:v1", runs_seconds: 20)"#;

#[test]
fn the_next_init_container_starts_once_the_sidecar_has_started() {
    // Sidecar first, then an ordinary init container: the startup probe passes at its check
    // 20 s after the start (the process answers from 15 s), then migrate's image is pulled and
    // it runs 20 s.
    let mut p = playback(&format!("{LOG_ROUTER}, {MIGRATE}"), "", "");
    p.seek(SimTime::from_secs(120));
    let started = |what: &str| {
        p.log()
            .iter()
            .filter(|e| e.message() == format!("Started container {what}"))
            .map(|e| e.at)
            .next_back()
            .expect(what)
    };
    let sidecar = started("log-router");
    let migrate = started("migrate");
    let web = started("web");
    // The kubelet goes on at its next pass after the probe's success (1 s) [Orca model], and
    // pulls migrate's image first.
    let pull = orca_sim::k8s::kubelet::PULL_SECONDS * 1000;
    assert!(
        migrate.0 >= sidecar.0 + 20_000 + pull && migrate.0 <= sidecar.0 + 21_000 + pull,
        "{sidecar:?} {migrate:?}"
    );
    assert!(web.0 >= migrate.0 + 20_000, "{migrate:?} {web:?}");
    // It is still running beside web, and counts in READY; migrate does not.
    let new = pod(&p, 1);
    assert_eq!(row(&p, &new.name).split(' ').nth(1), Some("2/2"));
    assert!(matches!(new.side[0].state, ContainerState::Running { .. }));
}

#[test]
fn kubectl_shows_init_then_pod_initializing_then_ready_two_of_two() {
    let mut p = playback(LOG_ROUTER, "", "");
    let mut seen: Vec<String> = Vec::new();
    for s in 10..80 {
        p.seek(SimTime::from_secs(s));
        let name = pod(&p, 1).name;
        let r = row(&p, &name);
        let r = r.split(' ').skip(1).take(2).collect::<Vec<_>>().join(" ");
        if seen.last() != Some(&r) {
            seen.push(r);
        }
    }
    let seen: Vec<&str> = seen.iter().map(String::as_str).collect();
    assert!(
        seen.ends_with(&[
            "0/2 Init:0/1",
            "0/2 PodInitializing",
            "1/2 Running",
            "2/2 Running"
        ]) || seen.ends_with(&[
            "0/2 Init:0/1",
            "1/2 PodInitializing",
            "1/2 Running",
            "2/2 Running"
        ]),
        "{seen:?}"
    );
}

#[test]
fn a_sidecar_that_is_not_ready_makes_the_pod_not_ready() {
    let sidecar = r#"(name: "log-router", image: "fluent-bit:3.1", restart_policy: Always, readiness_probe: true, not_ready_after_seconds: 200)"#;
    let mut p = playback(sidecar, "", "");
    p.seek(SimTime::from_secs(150));
    let first = pod(&p, 0);
    assert!(first.ready);
    assert_eq!(row(&p, &first.name).split(' ').nth(1), Some("2/2"));
    assert!(endpoint_line(&p).contains(first.ip.as_deref().unwrap_or("?")));
    // The pod at the start: its sidecar's checks fail at 200, 210 and 220 s.
    p.seek(SimTime::from_secs(219));
    assert!(pod(&p, 0).ready, "ready until the third failure");
    p.seek(SimTime::from_secs(220));
    let first = pod(&p, 0);
    assert!(!first.ready, "{:?}", first.why.last());
    let r = row(&p, &first.name);
    assert_eq!(r.split(' ').nth(1), Some("1/2"), "{r}");
    assert_eq!(r.split(' ').nth(2), Some("Running"), "{r}");
    // No longer a Service endpoint; the web container still runs, nothing restarted.
    let eps = endpoint_line(&p);
    assert!(!eps.contains(first.ip.as_deref().unwrap_or("?")), "{eps}");
    assert!(matches!(first.state, ContainerState::Running { .. }));
    assert_eq!(first.restarts_total(), 0);
}

#[test]
fn one_crashing_app_container_backs_off_alone_and_the_pod_leaves_the_service() {
    let exporter = r#"(name: "exporter", image: "exporter:v1", crashes_after_seconds: 30)"#;
    let mut p = playback("", exporter, "");
    p.seek(SimTime::from_secs(300));
    let first = pod(&p, 0);
    let exporter = &first.side[0];
    assert!(exporter.restarts >= 3, "{}", exporter.restarts);
    // The web container never restarted: restarts belong to the exporter.
    assert_eq!(first.restarts, 0);
    assert!(matches!(first.state, ContainerState::Running { .. }));
    // Back-offs 0, 10, 20, 40 s… between runs of 30 s.
    let backoffs: Vec<String> = p
        .log()
        .iter()
        .filter(|e| {
            e.message()
                .starts_with("Back-off restarting failed container exporter in pod")
                && e.message().contains(&first.name)
        })
        .map(|e| e.message().into_owned())
        .collect();
    assert!(!backoffs.is_empty());
    // While it backs off: 1/2 CrashLoopBackOff; the pod is not Ready, not an endpoint.
    let mut t = 300;
    while !matches!(pod(&p, 0).side[0].state, ContainerState::Waiting { .. }) && t < 900 {
        t += 1;
        p.seek(SimTime::from_secs(t));
    }
    let first = pod(&p, 0);
    let r = row(&p, &first.name);
    assert!(r.contains(" 1/2 CrashLoopBackOff "), "{r}");
    assert_eq!(
        r.split(' ').nth(3),
        Some(first.side[0].restarts.to_string().as_str()),
        "RESTARTS sums the containers' restarts"
    );
    assert!(!first.ready);
    let eps = endpoint_line(&p);
    assert!(!eps.contains(first.ip.as_deref().unwrap_or("?")), "{eps}");
}

#[test]
fn a_crashing_sidecar_shows_as_an_init_container_and_is_restarted() {
    // kubectl's printPod: a sidecar that has not started again reads Init:<reason>.
    let sidecar = r#"(name: "log-router", image: "fluent-bit:3.1", restart_policy: Always, crashes_after_seconds: 30)"#;
    let mut p = playback(sidecar, "", "");
    let mut statuses = Vec::new();
    for s in (100..400).step_by(1) {
        p.seek(SimTime::from_secs(s));
        let st = pod(&p, 0).status();
        if !statuses.contains(&st) {
            statuses.push(st);
        }
    }
    assert!(
        statuses.contains(&"Init:CrashLoopBackOff".to_string()),
        "{statuses:?}"
    );
    assert!(statuses.contains(&"Running".to_string()), "{statuses:?}");
    assert!(pod(&p, 0).side[0].restarts >= 3);
}

#[test]
fn at_deletion_app_containers_stop_first_then_sidecars_last_first() {
    let two = r#"(name: "log-router", image: "fluent-bit:3.1", restart_policy: Always),
        (name: "otel", image: "adot:v1", restart_policy: Always)"#;
    let exporter = r#"(name: "exporter", image: "exporter:v1")"#;
    let mut p = playback(
        two,
        exporter,
        r#", (at: 100, action: ScaleDeployment(deployment: "web", replicas: 1))"#,
    );
    p.seek(SimTime::from_secs(140));
    let stops: Vec<(u64, String)> = p
        .log()
        .iter()
        .filter(|e| {
            e.message().starts_with("Stopping container") && e.at >= SimTime::from_secs(100)
        })
        .map(|e| {
            (
                e.at.0 / 1000,
                e.message()
                    .trim_start_matches("Stopping container ")
                    .to_string(),
            )
        })
        .collect();
    let names: Vec<&str> = stops.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(
        names,
        ["web", "exporter", "otel", "log-router"],
        "{stops:?}"
    );
    // The app containers together, then each sidecar after the one before has exited (2 s).
    assert_eq!(stops[0].0, stops[1].0);
    assert_eq!(stops[2].0, stops[0].0 + 2);
    assert_eq!(stops[3].0, stops[0].0 + 4);
}

#[test]
fn kubectl_logs_needs_no_c_on_one_container_and_defaults_to_the_first() {
    let exporter = r#"(name: "exporter", image: "exporter:v1")"#;
    let mut p = playback(LOG_ROUTER, exporter, "");
    p.seek(SimTime::from_secs(120));
    let name = pod(&p, 0).name;
    let out = kubectl(&p, &format!("kubectl logs {name}"));
    assert!(
        out.starts_with("Defaulted container \"web\" out of: web, exporter, log-router (init)\n"),
        "{out}"
    );
    let side = kubectl(&p, &format!("kubectl logs {name} -c log-router"));
    assert!(
        side.contains("log-router starting (image fluent-bit:3.1)"),
        "{side}"
    );
    assert!(!side.contains("Defaulted"), "{side}");
    match run(&p, &format!("kubectl logs {name} -c nope")) {
        Outcome::Fail(e) => assert_eq!(
            e,
            format!(
                "error: container nope is not valid for pod {name} out of: web, exporter, log-router (init)\n"
            )
        ),
        other => panic!("{other:?}"),
    }
    insta::assert_snapshot!("logs_sidecar", side);
}

#[test]
fn describe_pod_lists_the_sidecar_among_init_containers_and_every_app_container() {
    let exporter = r#"(name: "exporter", image: "exporter:v1", crashes_after_seconds: 30)"#;
    let mut p = playback(LOG_ROUTER, exporter, "");
    p.seek(SimTime::from_secs(95));
    let name = pod(&p, 0).name;
    let d = kubectl(&p, &format!("kubectl describe pod {name}"));
    let containers = d
        .split("Init Containers:")
        .nth(1)
        .and_then(|s| s.split("\nConditions:").next())
        .expect("sections");
    insta::assert_snapshot!("describe_pod_sidecar", containers);
}

#[test]
fn the_read_model_gives_each_container_its_state_ready_and_restarts() {
    use orca_sim::k8s::read::{ContainerKind, pod_containers};
    let exporter = r#"(name: "exporter", image: "exporter:v1", crashes_after_seconds: 30)"#;
    let mut p = playback(&format!("{LOG_ROUTER}, {MIGRATE}"), exporter, "");
    p.seek(SimTime::from_secs(200));
    let eks = p.world().eks.as_ref().expect("EKS");
    let first = eks
        .pods
        .iter()
        .position(|q| q.name.starts_with("web-"))
        .expect("pod");
    let rows = pod_containers(eks, first);
    let names: Vec<(&str, ContainerKind)> =
        rows.iter().map(|r| (r.name.as_str(), r.kind)).collect();
    assert_eq!(
        names,
        [
            ("web", ContainerKind::App),
            ("exporter", ContainerKind::App),
            ("log-router", ContainerKind::Sidecar),
            ("migrate", ContainerKind::Init),
        ]
    );
    assert!(rows[0].ready && rows[0].restarts == 0);
    assert!(rows[1].restarts >= 2, "{:?}", rows[1]);
    assert_eq!(
        rows[1].restarts,
        eks.pods[first]
            .side
            .iter()
            .find(|s| s.name == "exporter")
            .map_or(0, |s| s.restarts)
    );
    assert!(rows[2].ready && rows[2].state == "Running");
    assert_eq!(rows[3].state, "Terminated (Completed)");
}

/// The cluster and the index of its first `web` pod.
fn first_web_pod(p: &Playback) -> (&orca_sim::k8s::cluster::EksCluster, usize) {
    let eks = p.world().eks.as_ref().expect("eks");
    let web = (0..eks.pods.len())
        .find(|&i| eks.pods[i].name.starts_with("web-"))
        .expect("a web pod");
    (eks, web)
}

/// The pod's requests as the scheduler counts them: every app container and native sidecar
/// together (they run together), or an ordinary init container with the sidecars started
/// before it, whichever is larger ("Sidecar Containers", resource sharing within containers).
#[test]
fn a_pod_requests_its_app_containers_and_sidecars_together_and_the_larger_init_phase() {
    let p = playback(
        r#"(name: "log-router", image: "fluent-bit:3.1", restart_policy: Always, cpu: 200, memory: 64)"#,
        r#"(name: "exporter", image: "exporter:1", cpu: 50, memory: 32)"#,
        "",
    );
    let (eks, web) = first_web_pod(&p);
    let r = eks.requests_of(web);
    // web 100m/128Mi + log-router 200m/64Mi + exporter 50m/32Mi.
    assert_eq!((r.cpu_millis, r.memory_mib), (350, 224));
    // The node's allocated CPU includes them (its other pods are EKS's own).
    let node = eks.pods[web].node.expect("bound");
    let describe = kubectl(
        &p,
        &format!("kubectl describe node {}", eks.nodes[node].name),
    );
    assert!(describe.contains("350m"), "{describe}");

    // An ordinary init container after the sidecar needs 1,000m while it runs, beside the
    // sidecar's 200m: the init phase's 1,200m is larger than the 350m that runs after it.
    let p = playback(
        r#"(name: "log-router", image: "fluent-bit:3.1", restart_policy: Always, cpu: 200, memory: 64),
           (name: "migrate", image: "migrate:1", runs_seconds: 5, cpu: 1000, memory: 100)"#,
        r#"(name: "exporter", image: "exporter:1", cpu: 50, memory: 32)"#,
        "",
    );
    let (eks, web) = first_web_pod(&p);
    let r = eks.requests_of(web);
    assert_eq!((r.cpu_millis, r.memory_mib), (1200, 224));
}

#[test]
fn a_sidecar_failing_its_liveness_probe_is_killed_and_restarted_alone() {
    // Probe defaults (periodSeconds 10, failureThreshold 3) and the kubelet's words: three
    // `Liveness probe failed` warnings, then `Killing … failed liveness probe, will be
    // restarted`; the app container is not touched (Kubernetes "Sidecar Containers": a
    // sidecar has its own probes and restarts on its own).
    let sidecar = r#"(name: "log-router", image: "fluent-bit:3.1", restart_policy: Always, liveness_probe: true, liveness_fails_after_seconds: 45)"#;
    let mut p = playback(sidecar, "", "");
    p.seek(SimTime::from_secs(200));
    let mine: Vec<(u64, String)> = p
        .log()
        .iter()
        .filter(|e| e.message().contains("log-router") || e.message().starts_with("Liveness"))
        .filter(|e| e.source.to_string().contains(&pod(&p, 0).name))
        .map(|e| (e.at.secs(), e.message().into_owned()))
        .collect();
    let failures: Vec<u64> = mine
        .iter()
        .filter(|(_, m)| m == "Liveness probe failed: HTTP probe failed with statuscode: 503")
        .map(|(t, _)| *t)
        .collect();
    assert!(failures.len() >= 3, "{mine:#?}");
    // The first check at or after 45 s from the sidecar's start, then every 10 s.
    assert_eq!(failures[1] - failures[0], 10, "{mine:#?}");
    assert_eq!(failures[2] - failures[1], 10, "{mine:#?}");
    let killed = mine
        .iter()
        .find(|(_, m)| m == "Container log-router failed liveness probe, will be restarted")
        .unwrap_or_else(|| panic!("a Killing event: {mine:#?}"));
    assert_eq!(killed.0, failures[2], "killed at the third failure");
    let q = pod(&p, 0);
    assert!(q.side[0].restarts >= 1, "the sidecar restarted");
    assert_eq!(q.restarts, 0, "the app container was not touched");
    assert_eq!(q.side[0].last, Some(("Error".to_string(), 137)));
}

#[test]
fn a_failing_liveness_endpoint_without_a_probe_is_refused() {
    let src = r#"(version: 1, title: "x", seed: 1, duration: 60,
    world: Eks(cluster: (name: "demo"), node_groups: [(name: "ng", instance_type: "m5.large", count: 1)],
        deployments: [(name: "web", replicas: 1, container: (name: "web", image: "nginx:1.27"),
            init_containers: [(name: "proxy", image: "envoy:1", restart_policy: Always, liveness_fails_after_seconds: 30)])]),
)"#;
    let e = orca_sim::scenario::parse("liveness.ron", src)
        .expect_err("refused")
        .to_string();
    assert!(
        e.contains("without a liveness probe nothing notices a failing liveness endpoint"),
        "{e}"
    );
}

#[test]
fn a_sidecar_whose_image_is_missing_holds_the_pod_at_init_image_pull_back_off() {
    // log-router's tag is not in the ECR repository `fluent-bit`: the kubelet pulls a native
    // sidecar's image in its turn among the init containers, so the pod stops there.
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/fluent-bit:3.2";
    let mut p = playback_of(&format!(
        r#"(version: 1, title: "sidecar pull", seed: 3, duration: 300,
    world: Eks(
        cluster: (name: "demo"),
        node_groups: [(name: "ng-1", instance_type: "m5.large", count: 2)],
        deployments: [(name: "web", replicas: 1,
            container: (name: "web", image: "nginx:1.27", cpu: 100, memory: 128),
            init_containers: [(name: "log-router", image: "{image}", restart_policy: Always)])],
        ecr: (repositories: [(name: "fluent-bit", images: [(tags: ["3.1"], pushed_days_ago: 9, size_mib: 70)])]),
    ),
    timeline: [(at: 10, action: ScaleDeployment(deployment: "web", replicas: 2))],
)"#
    ));
    p.seek(SimTime::from_secs(60));
    let new = pod(&p, 1);
    let row = kubectl(&p, "kubectl get pods")
        .lines()
        .find(|l| l.starts_with(&new.name))
        .expect("a row")
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        row == format!("{} 0/2 Init:ImagePullBackOff 0", new.name)
            || row == format!("{} 0/2 Init:ErrImagePull 0", new.name),
        "{row}"
    );
    assert!(new.side.is_empty(), "the sidecar never started");
    let describe = kubectl(&p, &format!("kubectl describe pod {}", new.name));
    let sidecar = describe
        .split("  log-router:")
        .nth(1)
        .and_then(|s| s.split("\nContainers:").next())
        .expect("the sidecar under Init Containers");
    assert!(
        sidecar.contains("State:          Waiting\n      Reason:       ImagePullBackOff")
            || sidecar.contains("State:          Waiting\n      Reason:       ErrImagePull"),
        "{sidecar}"
    );
    let messages: Vec<String> = p.log().iter().map(|e| e.message().into_owned()).collect();
    assert!(messages.contains(&format!("Pulling image \"{image}\"")));
    assert!(messages.contains(&"Error: ErrImagePull".to_string()));
    assert!(
        !messages
            .iter()
            .any(|m| m == &format!("Container image \"{image}\" already present on machine")),
        "the missing image is not reported present"
    );
    assert!(!messages.contains(&"Started container log-router".to_string()));
}

#[test]
fn a_further_app_container_pulls_its_image_after_the_first_container_starts() {
    let exporter = r#"(name: "exporter", image: "exporter:v1")"#;
    let mut p = playback("", exporter, "");
    p.seek(SimTime::from_secs(60));
    let new = pod(&p, 1);
    let events: Vec<(SimTime, String)> = p
        .log()
        .iter()
        .filter(|e| e.source == orca_sim::event::Source::Kube(format!("pod/{}", new.name).into()))
        .map(|e| (e.at, e.message().into_owned()))
        .collect();
    let at = |m: &str| {
        events
            .iter()
            .find(|(_, x)| x.starts_with(m))
            .map(|(t, _)| *t)
            .unwrap_or_else(|| panic!("{m}: {events:#?}"))
    };
    let web = at("Started container web");
    let pull = orca_sim::k8s::kubelet::PULL_SECONDS * 1000;
    assert_eq!(at("Pulling image \"exporter:v1\""), web);
    assert_eq!(
        at("Successfully pulled image \"exporter:v1\""),
        SimTime(web.0 + pull)
    );
    assert_eq!(at("Started container exporter"), SimTime(web.0 + pull));
    assert!(
        !events
            .iter()
            .any(|(_, m)| m == "Container image \"exporter:v1\" already present on machine"),
        "a fresh node does not have it: {events:#?}"
    );
    assert!(row(&p, &new.name).contains(" 2/2 Running "));
}

#[test]
fn a_further_app_container_whose_image_is_missing_waits_while_the_first_one_runs() {
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/exporter:v9";
    let mut p = playback_of(&format!(
        r#"(version: 1, title: "app pull", seed: 3, duration: 300,
    world: Eks(
        cluster: (name: "demo"),
        node_groups: [(name: "ng-1", instance_type: "m5.large", count: 2)],
        deployments: [(name: "web", replicas: 1,
            container: (name: "web", image: "nginx:1.27", cpu: 100, memory: 128),
            containers: [(name: "exporter", image: "{image}")])],
        ecr: (repositories: [(name: "exporter", images: [(tags: ["v8"], pushed_days_ago: 9, size_mib: 20)])]),
    ),
    timeline: [(at: 10, action: ScaleDeployment(deployment: "web", replicas: 2))],
)"#
    ));
    p.seek(SimTime::from_secs(90));
    let new = pod(&p, 1);
    assert!(
        matches!(new.state, ContainerState::Running { .. }),
        "web runs"
    );
    assert!(!new.ready, "a pod is Ready only when every container is");
    let r = row(&p, &new.name);
    assert!(
        r.contains(" 1/2 ImagePullBackOff 0") || r.contains(" 1/2 ErrImagePull 0"),
        "{r}"
    );
    let describe = kubectl(&p, &format!("kubectl describe pod {}", new.name));
    let exporter = describe
        .split("  exporter:")
        .nth(1)
        .expect("the exporter in describe");
    assert!(
        exporter.contains("State:          Waiting\n      Reason:       ImagePullBackOff")
            || exporter.contains("State:          Waiting\n      Reason:       ErrImagePull"),
        "{exporter}"
    );
    match run(&p, &format!("kubectl logs {} -c exporter", new.name)) {
        Outcome::Fail(s) => assert_eq!(
            s,
            format!(
                "Error from server (BadRequest): container \"exporter\" in pod \"{}\" is waiting to start: trying and failing to pull image\n",
                new.name
            )
        ),
        other => panic!("{other:?}"),
    }
    let messages: Vec<String> = p.log().iter().map(|e| e.message().into_owned()).collect();
    for expected in [
        format!("Back-off pulling image \"{image}\""),
        "Error: ImagePullBackOff".to_string(),
        "Error: ErrImagePull".to_string(),
    ] {
        assert!(messages.contains(&expected), "{expected}");
    }
    assert!(!messages.contains(&"Started container exporter".to_string()));
}
