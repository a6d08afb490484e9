//! EFS on EKS: the EFS CSI driver makes one access point per claim and every node whose zone
//! has a mount target mounts the ReadWriteMany claim at once; a node in a zone without one gets
//! efs-utils' error in `FailedMount` and its pod waits in ContainerCreating until a mount
//! target is created there; the files the pods write stay on the file system for every pod;
//! without the driver add-on nothing provisions the claim. And `kubectl` on it all.

use crate::common;

use std::sync::Arc;

use crate::say::printed;
use orca_sim::k8s::cluster::EksCluster;
use orca_sim::k8s::efs_read::efs_cards;
use orca_sim::scenario::spec::Scenario;
use orca_sim::{Playback, SimTime};

const NAME: &str = "eks-efs-shared";

fn scenario() -> Arc<Scenario> {
    common::built_in_named(NAME)
}

/// The scenario's text with one change, parsed.
fn variant(from: &str, to: &str) -> Arc<Scenario> {
    let path = common::scenarios_dir().join(format!("{NAME}.ron"));
    let src = std::fs::read_to_string(path).expect("the scenario");
    assert!(src.contains(from), "{from}");
    common::parse(&src.replace(from, to))
}

fn eks(p: &Playback) -> &EksCluster {
    p.world().eks.as_ref().expect("an EKS world")
}

/// (pod name, zone of its node, kubectl STATUS) of every gallery pod that counts.
fn gallery(c: &EksCluster) -> Vec<(String, String, String)> {
    c.pods
        .iter()
        .filter(|p| p.counts() && p.name.starts_with("gallery-"))
        .map(|p| {
            let zone = p.node.map_or(String::new(), |n| c.nodes[n].zone.clone());
            (p.name.clone(), zone, p.status())
        })
        .collect()
}

#[test]
fn the_driver_makes_an_access_point_for_the_claim_with_the_provisioner_words() {
    let log = common::run_log(&scenario());
    let claim: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("persistentvolumeclaim/shared"))
        .collect();
    assert_eq!(claim.len(), 3, "{claim:#?}");
    assert!(claim[0].contains("external provisioner 'efs.csi.aws.com'"));
    assert!(
        claim[1]
            .ends_with("External provisioner is provisioning volume for claim \"default/shared\"")
    );
    assert!(claim[2].contains("Successfully provisioned volume pvc-"));
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(10));
    let cards = efs_cards(eks(&p));
    assert_eq!(cards.len(), 1);
    let ap = &cards[0].access_points;
    assert_eq!(ap.len(), 1, "one access point per claim");
    assert_eq!(ap[0].claim, "shared");
    assert!(ap[0].access_point_id.starts_with("fsap-0") && ap[0].access_point_id.len() == 22);
    assert_eq!(
        ap[0].volume_handle,
        format!("fs-0a1b2c3d4e5f60718::{}", ap[0].access_point_id)
    );
    // The driver's default GID range starts at 50000; the root is basePath/<PV name>.
    assert_eq!(ap[0].gid, 50_000);
    assert_eq!(
        ap[0].root_directory,
        format!("/dynamic_provisioning/{}", ap[0].volume)
    );
    let describe = printed(&p, "kubectl describe pvc shared");
    assert!(
        describe.contains("efs.csi.aws.com_efs-csi-controller-"),
        "the provisioner's events come from the EFS driver's controller: {describe}"
    );
}

#[test]
fn pods_in_zones_with_a_mount_target_share_the_claim_and_the_other_zone_fails_to_mount() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(60));
    let pods = gallery(eks(&p));
    assert_eq!(pods.len(), 3, "{pods:?}");
    for (name, zone, status) in &pods {
        let expected = if zone == "us-east-1c" {
            "ContainerCreating"
        } else {
            "Running"
        };
        assert_eq!(status, expected, "{name} in {zone}");
    }
    // Pods in two zones mount the one claim at once: no Multi-Attach, no attach at all.
    let log = common::run_log(&scenario());
    assert!(!log.iter().any(|l| l.contains("Multi-Attach")));
    assert!(!log.iter().any(|l| l.contains("AttachVolume")));
    let failed: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("MountVolume.SetUp failed"))
        .collect();
    // The first pod in us-east-1c, then the replacement the scheduler also put there.
    assert_eq!(failed.len(), 2, "{failed:#?}");
    assert!(failed[0].contains(
        ": rpc error: code = Internal desc = Could not mount \"fs-0a1b2c3d4e5f60718:/\""
    ));
    assert!(failed[0].contains("-t efs -o accesspoint=fsap-0"));
    assert!(failed[0].ends_with("No matching mount target in the az us-east-1c. Please create one mount target in us-east-1c, or try the mount target in another AZ by passing the availability zone name option. Available mount target(s) are in az ['us-east-1a', 'us-east-1b']"));
    let cards = efs_cards(eks(&p));
    let unmounted: Vec<_> = cards[0].pods.iter().filter(|x| !x.mounted).collect();
    assert_eq!(unmounted.len(), 1);
    assert_eq!(unmounted[0].zone, "us-east-1c");
}

#[test]
fn a_new_mount_target_lets_the_waiting_pods_start_after_it_is_available() {
    let mut p = Playback::new(scenario());
    // Created at 5:00, available 90 s later.
    p.seek(SimTime::from_secs(389));
    let waiting = gallery(eks(&p))
        .into_iter()
        .filter(|(_, z, s)| z == "us-east-1c" && s == "ContainerCreating")
        .count();
    assert_eq!(waiting, 2);
    p.seek(SimTime::from_secs(420));
    let pods = gallery(eks(&p));
    assert_eq!(pods.len(), 3, "{pods:?}");
    assert!(pods.iter().all(|(_, _, s)| s == "Running"), "{pods:?}");
    let card = &efs_cards(eks(&p))[0];
    assert_eq!(
        card.mount_targets,
        ["us-east-1a", "us-east-1b", "us-east-1c"]
    );
    assert!(card.pods.iter().all(|x| x.mounted));
}

#[test]
fn what_the_pods_write_stays_for_every_pod_and_grows_with_the_writers() {
    let mut p = Playback::new(scenario());
    let mut seen = Vec::new();
    for s in [0, 23, 83, 239, 300, 395, 455] {
        p.seek(SimTime::from_secs(s));
        seen.push(efs_cards(eks(&p))[0].clone());
    }
    assert_eq!(seen[0].files, 500, "the files there at the start");
    assert_eq!(seen[0].bytes, 500 * 256 * 1024);
    for w in seen.windows(2) {
        assert!(w[1].files >= w[0].files, "files never disappear");
    }
    // Two running pods, 4 files a minute each: 8 a minute.
    assert_eq!(seen[2].files - seen[1].files, 8);
    // After the delete only one pod runs (the replacement waits in us-east-1c): 4 a minute.
    assert_eq!(seen[4].files - seen[3].files, 4);
    // Once the mount target is available three pods write: 12 a minute.
    assert_eq!(seen[6].files - seen[5].files, 12);
}

#[test]
fn without_the_driver_add_on_the_claim_stays_pending_and_its_pods_unscheduled() {
    let s = variant("efs_csi_driver: true,", "efs_csi_driver: false,");
    let log = common::run_log(&s);
    let claim: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("persistentvolumeclaim/shared"))
        .collect();
    assert_eq!(claim.len(), 1, "{claim:#?}");
    assert!(claim[0].contains(
        "Waiting for a volume to be created either by the external provisioner 'efs.csi.aws.com'"
    ));
    assert!(log.iter().any(|l| l.ends_with(
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    )));
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(120));
    assert!(gallery(eks(&p)).iter().all(|(_, _, st)| st == "Pending"));
    assert_eq!(efs_cards(eks(&p))[0].files, 500, "nobody writes");
    assert!(printed(&p, "kubectl get pvc").contains("shared   Pending"));
}

#[test]
fn kubectl_shows_the_efs_claim_volume_and_class() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(120));
    insta::assert_snapshot!("efs_kubectl_get_pv", printed(&p, "kubectl get pv"));
    insta::assert_snapshot!("efs_kubectl_get_pvc", printed(&p, "kubectl get pvc"));
    insta::assert_snapshot!("efs_kubectl_get_pv_pvc", printed(&p, "kubectl get pv,pvc"));
    assert_eq!(
        printed(&p, "kubectl get pvc,storageclass -o name"),
        "persistentvolumeclaim/shared\nstorageclass.storage.k8s.io/efs-sc\n"
    );
    insta::assert_snapshot!(
        "efs_kubectl_describe_pvc",
        printed(&p, "kubectl describe pvc shared")
    );
    let pv = efs_cards(eks(&p))[0].access_points[0].volume.clone();
    insta::assert_snapshot!(
        "efs_kubectl_describe_pv",
        printed(&p, &format!("kubectl describe pv {pv}"))
    );
    insta::assert_snapshot!(
        "efs_kubectl_describe_storageclass",
        printed(&p, "kubectl describe storageclass efs-sc")
    );
    let stuck = gallery(eks(&p))
        .into_iter()
        .find(|(_, z, _)| z == "us-east-1c")
        .expect("a pod in us-east-1c")
        .0;
    let pod = printed(&p, &format!("kubectl describe pod {stuck}"));
    assert!(pod.contains("FailedMount"), "{pod}");
}
