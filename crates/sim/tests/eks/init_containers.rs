//! Init containers (docs/rules/k8s-pods.md#init-containers): they run in order, each to
//! completion, before the pod's container; kubectl shows `Init:N/M`; a failing one backs off
//! as `Init:CrashLoopBackOff`. Source: Kubernetes documentation, "Init Containers".

use std::sync::Arc;

use orca_sim::console::{self, Context, Outcome};
use orca_sim::k8s::cluster::ContainerState;
use orca_sim::{Playback, SimTime};

/// Deployment `web` (1 replica, steady) with `init` (RON list); scaled to 2 at 0:10, so the
/// new pod runs its init containers in front of us.
fn playback(init: &str) -> Playback {
    let src = format!(
        r#"(version: 1, title: "init", seed: 3, duration: 600,
    world: Eks(
        cluster: (name: "demo"),
        node_groups: [(name: "ng-1", instance_type: "m5.large", count: 1)],
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

fn no_files(path: &str) -> Result<String, String> {
    Err(format!("no such file: {path}"))
}

fn kubectl(p: &Playback, line: &str) -> String {
    let cx = Context {
        world: p.world(),
        scenario: p.scenario(),
        now: p.now(),
        log: p.log(),
        files: &no_files,
    };
    match console::execute(line, &cx) {
        Outcome::Print(s) => s,
        other => panic!("`{line}` did not print: {other:?}"),
    }
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
    let mut seen = Vec::new();
    for s in 10..120 {
        p.seek(SimTime::from_secs(s));
        let (_, status) = new_pod_status(&p);
        if seen.last() != Some(&status) {
            seen.push(status);
        }
    }
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
    let first = at("wait-for-db");
    assert_eq!(at("migrate"), SimTime(first.0 + 20_000));
    assert!(at(" web") >= SimTime(first.0 + 50_000));
}

#[test]
fn get_and_describe_show_the_init_phase() {
    let mut p = playback(TWO);
    // Find a moment while the second init container runs.
    let mut t = 11;
    p.seek(SimTime::from_secs(t));
    while new_pod_status(&p).1 != "Init:1/2" && t < 200 {
        t += 1;
        p.seek(SimTime::from_secs(t));
    }
    let (name, _) = new_pod_status(&p);
    let get = kubectl(&p, "kubectl get pods");
    let row = get.lines().find(|l| l.starts_with(&name)).expect("row");
    assert!(row.contains("0/1") && row.contains("Init:1/2"), "{row}");
    let describe = kubectl(&p, &format!("kubectl describe pod {name}"));
    let init = describe
        .split("Init Containers:")
        .nth(1)
        .and_then(|s| s.split("\nContainers:").next())
        .expect("an Init Containers section");
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
