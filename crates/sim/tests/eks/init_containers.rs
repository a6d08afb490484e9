//! Init containers (docs/rules/k8s-pods.md#init-containers): they run in order, each to
//! completion, before the pod's container; kubectl shows `Init:N/M`; a failing one backs off
//! as `Init:CrashLoopBackOff`. Source: Kubernetes documentation, "Init Containers".

use std::sync::Arc;

use orca_sim::console::Outcome;
use orca_sim::event::Source;
use orca_sim::k8s::cluster::ContainerState;
use orca_sim::k8s::kubelet::PULL_SECONDS;
use orca_sim::{Playback, SimTime};

/// Deployment `web` (1 replica, steady) with `init` (RON list); scaled to 2 at 0:10, so the
/// new pod runs its init containers in front of us, on the second node, which has none of its
/// images yet (the first keeps those of the running pod).
fn playback(init: &str) -> Playback {
    let src = format!(
        r#"(version: 1, title: "init", seed: 3, duration: 600,
    world: Eks(
        cluster: (name: "demo"),
        node_groups: [(name: "ng-1", instance_type: "m5.large", count: 2)],
        deployments: [(name: "web", replicas: 1,
            container: (name: "web", image: "nginx:1.27", cpu: 100, memory: 128),
            init_containers: [{init}])],
    ),
    timeline: [(at: 10, action: ScaleDeployment(deployment: "web", replicas: 2))],
)"#
    );
    let s = orca_sim::scenario::parse("init.ron", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    Playback::new(Arc::new(s))
}

/// The `Init Containers:` section of `kubectl describe pod`.
fn init_section(describe: &str) -> &str {
    describe
        .split("Init Containers:")
        .nth(1)
        .and_then(|s| s.split("\nContainers:").next())
        .expect("an Init Containers section")
}

/// The new pod's STATUS second by second over `seconds`, each change once.
fn statuses_over(p: &mut Playback, seconds: std::ops::Range<u64>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for s in seconds {
        p.seek(SimTime::from_secs(s));
        let (_, status) = new_pod_status(p);
        if seen.last() != Some(&status) {
            seen.push(status);
        }
    }
    seen
}

/// The second web pod runs an init container now (rather than pulling its image).
fn init_running(p: &Playback) -> bool {
    let eks = p.world().eks.as_ref().expect("EKS");
    let (name, _) = new_pod_status(p);
    eks.pods.iter().any(|q| q.name == name && q.init_running)
}

fn kubectl(p: &Playback, line: &str) -> String {
    crate::common::console_print(p, line)
}

/// The new pod (the second one) and its STATUS.
fn new_pod_status(p: &Playback) -> (String, String) {
    let eks = p.world().eks.as_ref().expect("EKS");
    let pod = eks
        .pods
        .iter()
        .filter(|q| q.name.starts_with("web-"))
        .nth(1)
        .expect("a second web pod");
    (pod.name.clone(), pod.status())
}

const TWO: &str = r#"(name: "wait-for-db", image: "busybox:1.36", runs_seconds: 20),
    (name: "migrate", image: "migrate:v1", runs_seconds: 30)"#;

#[test]
fn init_containers_run_in_order_then_the_container_starts() {
    let mut p = playback(TWO);
    let seen = statuses_over(&mut p, 10..120);
    let statuses: Vec<&str> = seen.iter().map(String::as_str).collect();
    assert!(
        statuses.ends_with(&["Init:0/2", "Init:1/2", "PodInitializing", "Running"]),
        "{statuses:?}"
    );
    // The second init container starts when the first completes, 20 s later; the container
    // 30 s after that.
    let starts: Vec<(SimTime, String)> = p
        .log()
        .iter()
        .filter(|e| e.message().starts_with("Started container"))
        .map(|e| (e.at, e.message().into_owned()))
        .collect();
    let at = |what: &str| {
        starts
            .iter()
            .rev()
            .find(|(_, m)| m.ends_with(what))
            .map(|(t, _)| *t)
            .expect(what)
    };
    // Each image is pulled before its container starts (none is cached on the node): the
    // second init container starts when the first completes and its image is pulled.
    let pull = PULL_SECONDS * 1000;
    let first = at("wait-for-db");
    assert_eq!(at("migrate"), SimTime(first.0 + 20_000 + pull));
    assert!(at(" web") >= SimTime(first.0 + 50_000 + 2 * pull));
    let messages: Vec<String> = p.log().iter().map(|e| e.message().into_owned()).collect();
    let index = |m: &str| messages.iter().rposition(|x| x == m).expect(m);
    assert!(index("Pulling image \"migrate:v1\"") < index("Started container migrate"));
    assert!(
        messages.iter().any(|m| m.starts_with(
            "Successfully pulled image \"busybox:1.36\" in 3s (3s including waiting)"
        )),
        "the init container's image is pulled, not found on a fresh node"
    );
}

#[test]
fn get_and_describe_show_the_init_phase() {
    let mut p = playback(TWO);
    // Find a moment while the second init container runs.
    let mut t = 11;
    p.seek(SimTime::from_secs(t));
    // (Its image is pulled first, with the same STATUS.)
    while !(new_pod_status(&p).1 == "Init:1/2" && init_running(&p)) && t < 200 {
        t += 1;
        p.seek(SimTime::from_secs(t));
    }
    let (name, _) = new_pod_status(&p);
    let get = kubectl(&p, "kubectl get pods");
    let row = get.lines().find(|l| l.starts_with(&name)).expect("row");
    assert!(row.contains("0/1") && row.contains("Init:1/2"), "{row}");
    let describe = kubectl(&p, &format!("kubectl describe pod {name}"));
    let init = init_section(&describe);
    insta::assert_snapshot!("describe_pod_init_containers", init);
    assert!(
        describe.contains("Initialized                 False"),
        "{describe}"
    );
    assert!(
        describe.contains("Reason:       PodInitializing"),
        "{describe}"
    );
}

#[test]
fn a_failing_init_container_backs_off_and_the_container_never_starts() {
    let mut p =
        playback(r#"(name: "wait-for-db", image: "busybox:1.36", runs_seconds: 5, exit_code: 1)"#);
    p.seek(SimTime::from_secs(200));
    let (name, status) = new_pod_status(&p);
    assert!(
        status == "Init:CrashLoopBackOff" || status == "Init:0/1" || status == "Init:Error",
        "{status}"
    );
    let eks = p.world().eks.as_ref().expect("EKS");
    let pod = eks.pods.iter().find(|q| q.name == name).expect("pod");
    assert!(pod.restarts >= 3, "{}", pod.restarts);
    assert!(!matches!(pod.state, ContainerState::Running { .. }));
    assert!(
        p.log().iter().any(|e| e.message()
            == format!(
                "Back-off restarting failed container wait-for-db in pod {name}_default({})",
                pod.uid
            )),
        "a BackOff event names the init container"
    );
    assert!(
        !p.log()
            .iter()
            .any(|e| e.message() == "Started container web" && e.at > SimTime::from_secs(10))
    );
}

/// Deployment `web` (1 replica) whose init container runs `migrate:v2` from the ECR repository
/// `migrate`, which holds only v1 until CI pushes v2 at 1:30.
fn missing_init_image() -> Playback {
    let registry = "123456789012.dkr.ecr.us-east-1.amazonaws.com";
    let src = format!(
        r#"(version: 1, title: "init pull", seed: 5, duration: 400,
    world: Eks(
        cluster: (name: "demo"),
        node_groups: [(name: "ng-1", instance_type: "m5.large", count: 2)],
        deployments: [(name: "web", replicas: 1,
            container: (name: "web", image: "nginx:1.27", cpu: 100, memory: 128),
            init_containers: [(name: "migrate", image: "{registry}/migrate:v2", runs_seconds: 5)])],
        ecr: (repositories: [(name: "migrate", images: [(tags: ["v1"], pushed_days_ago: 2, size_mib: 40)])]),
    ),
    timeline: [(at: 10, action: ScaleDeployment(deployment: "web", replicas: 2)),
               (at: 90, action: PushImage(repository: "migrate", tag: "v2", size_mib: 41))],
)"#
    );
    let s =
        orca_sim::scenario::parse("init-pull.ron", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    Playback::new(Arc::new(s))
}

#[test]
fn an_init_container_whose_image_is_missing_backs_off_pulling_until_it_is_pushed() {
    let mut p = missing_init_image();
    let seen = statuses_over(&mut p, 10..200);
    let statuses: Vec<&str> = seen.iter().map(String::as_str).collect();
    // kubectl prefixes an init container's waiting reason with `Init:`.
    let failing = statuses
        .iter()
        .position(|s| *s == "Init:ErrImagePull")
        .expect("Init:ErrImagePull");
    assert!(
        statuses[failing..].contains(&"Init:ImagePullBackOff"),
        "{statuses:?}"
    );
    // A new pull keeps the failure's reason until it ends.
    assert_eq!(statuses[..failing], ["Init:0/1"], "{statuses:?}");
    assert!(
        statuses.ends_with(&["Init:0/1", "PodInitializing", "Running"]),
        "once v2 is pushed the next pull succeeds: {statuses:?}"
    );

    // While it backs off: the events, describe, logs.
    p.seek(SimTime::from_secs(60));
    let (name, status) = new_pod_status(&p);
    assert_eq!(status, "Init:ImagePullBackOff");
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/migrate:v2";
    let log: Vec<String> = p
        .log()
        .iter()
        .filter(|e| e.source == Source::Kube(format!("pod/{name}").as_str().into()))
        .map(|e| e.message().into_owned())
        .collect();
    for expected in [
        format!("Pulling image \"{image}\""),
        format!(
            "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": not found"
        ),
        "Error: ErrImagePull".to_string(),
        format!("Back-off pulling image \"{image}\""),
        "Error: ImagePullBackOff".to_string(),
    ] {
        assert!(log.contains(&expected), "{expected}\n{log:#?}");
    }
    assert!(
        !log.iter().any(|m| m.starts_with("Started container")),
        "{log:#?}"
    );
    let describe = kubectl(&p, &format!("kubectl describe pod {name}"));
    let init = init_section(&describe);
    assert!(
        init.contains("State:          Waiting\n      Reason:       ImagePullBackOff"),
        "{init}"
    );
    assert!(
        init.contains("Restart Count:  0"),
        "a failed pull is no restart: {init}"
    );
    assert!(!init.contains("Last State"), "it never ran: {init}");
    let logs = |line: &str| match crate::common::console_run(&p, line) {
        Outcome::Fail(s) | Outcome::Print(s) => s,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        logs(&format!("kubectl logs {name} -c migrate")),
        format!(
            "Error from server (BadRequest): container \"migrate\" in pod \"{name}\" is waiting to start: trying and failing to pull image\n"
        )
    );
    let main = logs(&format!("kubectl logs {name}"));
    assert!(
        main.ends_with(&format!("Error from server (BadRequest): container \"web\" in pod \"{name}\" is waiting to start: PodInitializing\n")),
        "{main}"
    );
    let eks = p.world().eks.as_ref().expect("EKS");
    let pod = eks.pods.iter().find(|q| q.name == name).expect("pod");
    assert_eq!(pod.restarts, 0);
}
