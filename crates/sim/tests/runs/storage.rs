//! Storage on EKS: a claim bound in its pod's zone, the pod that cannot leave that zone (with
//! the scheduler's wording for the cluster's Kubernetes version), the Multi-Attach error of a
//! ReadWriteOnce volume, and the `kubectl get|describe` of claims, volumes and classes.

use crate::common;

use std::sync::Arc;

use crate::say::{no_files, printed};
use orca_sim::console::{self, Context, Outcome};
use orca_sim::scenario::spec::Scenario;
use orca_sim::{Playback, SimTime};

fn zone_scenario() -> Arc<Scenario> {
    common::built_in_named("eks-ebs-volume-zone")
}

/// The scenario's text with one change, parsed.
fn variant(from: &str, to: &str) -> Arc<Scenario> {
    let path = common::scenarios_dir().join("eks-ebs-volume-zone.ron");
    let src = std::fs::read_to_string(path).expect("the scenario");
    assert!(src.contains(from), "{from}");
    common::parse(&src.replace(from, to))
}

fn lines_with(log: &[String], text: &str) -> Vec<String> {
    log.iter().filter(|l| l.contains(text)).cloned().collect()
}

#[test]
fn the_claim_waits_for_its_first_consumer_then_binds_in_its_zone() {
    let log = common::run_log(&zone_scenario());
    let claim: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("persistentvolumeclaim/data"))
        .collect();
    assert_eq!(claim.len(), 4, "{claim:#?}");
    assert!(claim[0].ends_with("waiting for first consumer to be created before binding"));
    assert!(claim[1].contains("external provisioner 'ebs.csi.aws.com'"));
    assert!(
        claim[2]
            .ends_with("External provisioner is provisioning volume for claim \"default/data\"")
    );
    assert!(claim[3].contains("Successfully provisioned volume pvc-"));
    // The pod is bound only once its volume exists, then waits for the attach.
    let first = |text: &str| {
        log.iter()
            .position(|l| l.contains(text))
            .unwrap_or_else(|| panic!("no {text}"))
    };
    assert!(first("Successfully provisioned") < first("Successfully assigned default/orders-db"));
    assert!(first("AttachVolume.Attach succeeded") < first("Pulling image \"postgres:16\""));
}

#[test]
fn the_replacement_stays_pending_with_the_volume_affinity_reason_of_its_version() {
    let log = common::run_log(&zone_scenario());
    let failed = lines_with(&log, "0/3 nodes are available");
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(
        failed[0].ends_with("0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match PersistentVolume's node affinity. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."),
        "{}",
        failed[0]
    );
    // Up to 1.32 the reason reads as it did before kubernetes PR #129887.
    let old = common::run_log(&variant(
        "kubernetes_version: \"1.33\"",
        "kubernetes_version: \"1.32\"",
    ));
    let failed = lines_with(&old, "0/3 nodes are available");
    assert!(
        failed[0]
            .contains("1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict."),
        "{}",
        failed[0]
    );
}

#[test]
fn the_pending_pod_explains_its_volume_and_goes_back_to_its_zone() {
    let mut p = Playback::new(zone_scenario());
    p.seek(SimTime::from_secs(200));
    let k = p.world().eks.as_ref().expect("an EKS world");
    let pending: Vec<usize> = (0..k.pods.len())
        .filter(|&i| !k.pods[i].gone && k.pods[i].node.is_none())
        .collect();
    assert_eq!(pending.len(), 1);
    let reason = orca_sim::k8s::volumes::pod_volume_reason(k, pending[0], p.now())
        .expect("the volume is why it waits");
    assert!(
        reason.contains("only a node in us-east-1c can mount it"),
        "{reason}"
    );
    let cards = orca_sim::k8s::volumes::volume_cards(k, p.now());
    assert_eq!(cards.len(), 1);
    assert_eq!(
        (cards[0].zone.as_str(), cards[0].state),
        ("us-east-1c", "Available")
    );
    // Uncordoned at 5:00, the node in us-east-1c takes it back and the volume is attached.
    p.seek(SimTime::from_secs(400));
    let k = p.world().eks.as_ref().expect("an EKS world");
    let cards = orca_sim::k8s::volumes::volume_cards(k, p.now());
    assert_eq!(cards[0].state, "Attached");
    assert_eq!(cards[0].node.as_deref(), Some("ip-10-0-32-4.ec2.internal"));
}

#[test]
fn a_rolling_update_of_a_read_write_once_volume_meets_the_multi_attach_error() {
    // One zone, two nodes: the rollout's surge pod lands on the other node while the old pod
    // still holds the volume, and with maxUnavailable 0 the old pod never goes.
    let s = common::parse(
        r#"(
    version: 1,
    title: "multi-attach",
    seed: 3,
    duration: 120,
    world: Eks(
        cluster: (name: "c", availability_zones: ["us-east-1a"]),
        node_groups: [(name: "ng", instance_type: "m5.large", count: 2)],
        storage_classes: [(name: "gp3", volume_binding_mode: WaitForFirstConsumer, is_default: true)],
        persistent_volume_claims: [(name: "data")],
        deployments: [(
            name: "db", replicas: 1,
            container: (name: "db", image: "db:v1", cpu: 1000, memory: 1024),
            persistent_volume_claim: "data",
        )],
    ),
    timeline: [(at: 20, action: SetImage(deployment: "db", image: "db:v2"))],
)"#,
    );
    let log = common::run_log(&s);
    let multi = lines_with(&log, "Multi-Attach error for volume \"pvc-");
    assert_eq!(multi.len(), 1, "{log:#?}");
    assert!(multi[0].ends_with(
        "Volume is already exclusively attached to one node and can't be attached to another"
    ));
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(120));
    let pods = printed(&p, "kubectl get pods");
    assert_eq!(pods.matches("ContainerCreating").count(), 1, "{pods}");
    assert_eq!(pods.matches("Running").count(), 1, "{pods}");
}

#[test]
fn an_immediate_claim_is_provisioned_at_once_without_waiting_for_a_pod() {
    let s = variant(
        "volume_binding_mode: WaitForFirstConsumer",
        "volume_binding_mode: Immediate",
    );
    let log = common::run_log(&s);
    assert!(lines_with(&log, "waiting for first consumer").is_empty());
    let at = |text: &str| {
        log.iter()
            .find(|l| l.contains(text))
            .unwrap_or_else(|| panic!("no {text}"))
            .clone()
    };
    assert!(at("External provisioner is provisioning").starts_with("[00:01]"));
    assert!(at("Successfully provisioned volume").starts_with("[00:07]"));
}

#[test]
fn kubectl_shows_claims_volumes_and_classes() {
    let mut p = Playback::new(zone_scenario());
    p.seek(SimTime::from_secs(5));
    insta::assert_snapshot!("kubectl_get_pvc_pending", printed(&p, "kubectl get pvc"));
    p.seek(SimTime::from_secs(200));
    insta::assert_snapshot!("kubectl_get_pvc_bound", printed(&p, "kubectl get pvc"));
    insta::assert_snapshot!("kubectl_get_pv", printed(&p, "kubectl get pv"));
    insta::assert_snapshot!(
        "kubectl_get_storageclass",
        printed(&p, "kubectl get storageclass")
    );
    insta::assert_snapshot!(
        "kubectl_describe_pvc",
        printed(&p, "kubectl describe pvc data")
    );
    assert_eq!(
        printed(&p, "kubectl get pvc -o name"),
        "persistentvolumeclaim/data\n"
    );
    let cx = Context {
        world: p.world(),
        scenario: p.scenario(),
        now: p.now(),
        log: p.log(),
        files: &no_files,
        queries: None,
    };
    assert_eq!(
        console::execute("kubectl get pvc nope", &cx),
        Outcome::Fail(
            "Error from server (NotFound): persistentvolumeclaims \"nope\" not found\n".into()
        )
    );
}

#[test]
fn kubectl_apply_of_a_manifest_without_volumes_keeps_the_claim() {
    use orca_sim::scenario::spec::{Action, WorldSpec};
    let s = zone_scenario();
    let WorldSpec::Eks(k) = &s.world else {
        panic!("an EKS scenario")
    };
    let mut spec = k.deployments[0].clone();
    spec.persistent_volume_claim = None;
    spec.replicas = 1;
    spec.container.image = "postgres:17".into();
    let mut p = Playback::new(s.clone());
    p.seek(SimTime::from_secs(60));
    p.intervene(Action::ApplyDeployment {
        spec: Box::new(spec),
        keep_replicas: false,
    });
    // Before the drain at 1:30.
    p.seek(SimTime::from_secs(85));
    let c = p.world().eks.as_ref().expect("an EKS world");
    let d = c.deployment_index("orders-db").expect("orders-db");
    assert_eq!(c.deployments[d].template.image, "postgres:17");
    assert_eq!(c.deployments[d].template.claim.as_deref(), Some("data"));
    // Recreate: the old pod goes first, the new one mounts the same volume in us-east-1c.
    let running: Vec<_> = (0..c.pods.len())
        .filter(|&i| {
            c.pods[i].counts()
                && c.pod_deployment(i) == d
                && c.template_of(i).image == "postgres:17"
        })
        .collect();
    assert_eq!(running.len(), 1);
    let n = c.pods[running[0]].node.expect("bound");
    assert_eq!(c.nodes[n].zone, "us-east-1c");
}
