//! Images on the node and `imagePullPolicy` (docs/rules/k8s-pods.md#images-on-the-node): a node
//! keeps what it pulled, so a later pod there finds its image (`already present on machine`)
//! unless its policy is `Always`; `Never` never pulls (`ErrImageNeverPull`). Sources:
//! Kubernetes documentation, "Images"; the kubelet's `EnsureImageExists`.

use std::sync::Arc;

use orca_sim::{Playback, SimTime};

/// One m5.large node; Deployment `web` (1 replica, running when the scenario starts) with
/// `container` (RON), scaled to 3 at 0:10 so two new pods start on the same node; `extra` adds
/// deployments, `timeline` more actions.
fn playback_with(container: &str, extra: &str, timeline: &str) -> Playback {
    let src = format!(
        r#"(version: 1, title: "images", seed: 5, duration: 600,
    world: Eks(
        cluster: (name: "demo"),
        node_groups: [(name: "ng-1", instance_type: "m5.large", count: 1)],
        deployments: [(name: "web", replicas: 1, container: {container}), {extra}],
    ),
    timeline: [(at: 10, action: ScaleDeployment(deployment: "web", replicas: 3)), {timeline}],
)"#
    );
    let s = orca_sim::scenario::parse("images.ron", &src).unwrap_or_else(|e| panic!("{e}\n{src}"));
    Playback::new(Arc::new(s))
}

fn messages(p: &Playback) -> Vec<(SimTime, String)> {
    p.log()
        .iter()
        .map(|e| (e.at, e.message().into_owned()))
        .collect()
}

fn count(p: &Playback, prefix: &str) -> usize {
    messages(p)
        .iter()
        .filter(|(_, m)| m.starts_with(prefix))
        .count()
}

fn kubectl(p: &Playback, line: &str) -> String {
    crate::common::console_print(p, line)
}

#[test]
fn a_node_keeps_the_images_it_ran_so_new_pods_there_start_without_a_pull() {
    // nginx:1.27 is a pinned tag: IfNotPresent. The running pod's node has it.
    let mut p = playback_with(
        r#"(name: "web", image: "nginx:1.27", cpu: 100, memory: 128)"#,
        "",
        "",
    );
    p.seek(SimTime::from_secs(15));
    assert_eq!(count(&p, "Pulling image"), 0, "{:?}", messages(&p));
    assert_eq!(
        count(
            &p,
            "Container image \"nginx:1.27\" already present on machine"
        ),
        2
    );
    // Created and Started in the same second the kubelet saw the pod: no pull time.
    let started: Vec<SimTime> = messages(&p)
        .into_iter()
        .filter(|(_, m)| m == "Started container web")
        .map(|(t, _)| t)
        .collect();
    assert_eq!(started.len(), 2);
    assert!(started.iter().all(|t| t.0 <= 12_000), "{started:?}");
    // The event says why the kubelet did not pull.
    let why = p
        .log()
        .iter()
        .find(|e| e.message().contains("already present"))
        .and_then(|e| e.why.as_ref().map(|w| w.to_string()))
        .expect("a why");
    assert!(
        why.contains("pulled nginx:1.27 before") && why.contains("does not pull it again"),
        "{why}"
    );
    let yaml = kubectl(&p, "kubectl get deployment web -o yaml");
    assert!(yaml.contains("imagePullPolicy: IfNotPresent"), "{yaml}");
}

#[test]
fn a_new_image_is_pulled_once_per_node_and_a_rollback_finds_the_old_one() {
    let mut p = playback_with(
        r#"(name: "web", image: "nginx:1.27", cpu: 100, memory: 128)"#,
        "",
        r#"(at: 60, action: SetImage(deployment: "web", image: "nginx:1.28")),
           (at: 200, action: RolloutUndo(deployment: "web"))"#,
    );
    p.seek(SimTime::from_secs(190));
    // Three new pods on the one node: the first pulls nginx:1.28, the ones after find it
    // there once that pull has finished.
    let pulled = count(
        &p,
        "Successfully pulled image \"nginx:1.28\" in 3s (3s including waiting)",
    );
    let present = count(
        &p,
        "Container image \"nginx:1.28\" already present on machine",
    );
    assert!(pulled >= 1, "{:?}", messages(&p));
    assert_eq!(pulled + present, 3, "{:?}", messages(&p));
    // Every pull of one image reports the same size.
    let sizes: std::collections::BTreeSet<String> = messages(&p)
        .into_iter()
        .filter_map(|(_, m)| m.split("Image size: ").nth(1).map(str::to_string))
        .collect();
    assert_eq!(sizes.len(), 1, "{sizes:?}");
    // The rollback's pods run nginx:1.27 again: the node still has it.
    p.seek(SimTime::from_secs(400));
    assert_eq!(count(&p, "Pulling image \"nginx:1.27\""), 0);
    assert!(
        count(
            &p,
            "Container image \"nginx:1.27\" already present on machine"
        ) >= 5
    );
}

#[test]
fn always_pulls_every_time_and_an_image_on_the_node_is_only_resolved() {
    // No tag means latest: the API server defaults imagePullPolicy to Always.
    let mut p = playback_with(
        r#"(name: "web", image: "nginx", cpu: 100, memory: 128)"#,
        "",
        "",
    );
    p.seek(SimTime::from_secs(20));
    assert_eq!(
        count(&p, "Pulling image \"nginx\""),
        2,
        "{:?}",
        messages(&p)
    );
    assert_eq!(
        count(
            &p,
            "Successfully pulled image \"nginx\" in 500ms (500ms including waiting)"
        ),
        2,
        "{:?}",
        messages(&p)
    );
    assert_eq!(count(&p, "Container image \"nginx\" already present"), 0);
    let yaml = kubectl(&p, "kubectl get deployment web -o yaml");
    assert!(yaml.contains("imagePullPolicy: Always"), "{yaml}");
}

#[test]
fn never_waits_with_err_image_never_pull_until_the_image_is_on_the_node() {
    // `batch` never pulls busybox:1.36; `web` pulls it onto the node at 1:00.
    let mut p = playback_with(
        r#"(name: "web", image: "nginx:1.27", cpu: 100, memory: 128)"#,
        r#"(name: "batch", replicas: 0,
            container: (name: "batch", image: "busybox:1.36", image_pull_policy: Never, cpu: 100, memory: 64))"#,
        r#"(at: 20, action: ScaleDeployment(deployment: "batch", replicas: 1)),
           (at: 60, action: SetImage(deployment: "web", image: "busybox:1.36"))"#,
    );
    p.seek(SimTime::from_secs(40));
    let row = batch_row(&p);
    assert!(row.contains("ErrImageNeverPull"), "{row}");
    assert!(row.contains(" 0/1 "), "{row}");
    assert_eq!(
        count(
            &p,
            "Container image \"busybox:1.36\" is not present with pull policy of Never"
        ),
        1
    );
    assert_eq!(count(&p, "Error: ErrImageNeverPull"), 1);
    assert_eq!(count(&p, "Pulling image \"busybox:1.36\""), 0);
    let describe = kubectl(&p, &format!("kubectl describe pod {}", first_word(&row)));
    assert!(
        describe.contains("State:          Waiting\n      Reason:       ErrImageNeverPull"),
        "{describe}"
    );
    // Once web's new pod has pulled busybox:1.36 onto the node, batch starts within a sync.
    p.seek(SimTime::from_secs(90));
    let row = batch_row(&p);
    assert!(row.contains("Running"), "{row}");
    let pulled_at = messages(&p)
        .into_iter()
        .find(|(_, m)| m.starts_with("Successfully pulled image \"busybox:1.36\""))
        .map(|(t, _)| t)
        .expect("web pulled busybox");
    let batch_started = messages(&p)
        .into_iter()
        .find(|(_, m)| m == "Started container batch")
        .map(|(t, _)| t)
        .expect("batch started");
    assert!(batch_started >= pulled_at && batch_started.0 <= pulled_at.0 + 10_000);
}

#[test]
fn fargate_pods_each_pull_their_image() {
    let src = r#"(version: 1, title: "fargate", seed: 5, duration: 300,
    world: Eks(
        cluster: (name: "demo"),
        fargate_profiles: [(name: "fp", deployments: ["web"])],
        deployments: [(name: "web", replicas: 1,
            container: (name: "web", image: "nginx:1.27", cpu: 250, memory: 512))],
    ),
    timeline: [(at: 10, action: ScaleDeployment(deployment: "web", replicas: 3))],
)"#;
    let s = orca_sim::scenario::parse("fargate.ron", src).unwrap_or_else(|e| panic!("{e}"));
    let mut p = Playback::new(Arc::new(s));
    p.seek(SimTime::from_secs(200));
    assert_eq!(
        count(&p, "Pulling image \"nginx:1.27\""),
        2,
        "{:?}",
        messages(&p)
    );
    assert_eq!(
        count(&p, "Container image \"nginx:1.27\" already present"),
        0
    );
}

/// The batch pod's row of `kubectl get pods`.
fn batch_row(p: &Playback) -> String {
    let pods = kubectl(p, "kubectl get pods");
    pods.lines()
        .find(|l| l.starts_with("batch-"))
        .unwrap_or_else(|| panic!("a batch pod: {pods}"))
        .to_string()
}

fn first_word(row: &str) -> &str {
    row.split_whitespace().next().unwrap_or("")
}
