//! Static provisioning of EFS on EKS (`eks-efs-static-fargate`): a claim binds the smallest
//! matching PersistentVolume written by hand, without an event and without an access point; a
//! claim of no class that none matches gets `FailedBinding`; Fargate pods mount a statically
//! provisioned volume with the driver built in; a One Zone file system is mounted from another
//! zone only with the `az=` mount option. And `kubectl` on it all.

use crate::common;

use std::sync::Arc;

use crate::say::printed;
use orca_sim::k8s::cluster::EksCluster;
use orca_sim::k8s::efs_read::efs_cards;
use orca_sim::scenario::spec::Scenario;
use orca_sim::{Playback, SimTime};

const NAME: &str = "eks-efs-static-fargate";

fn scenario() -> Arc<Scenario> {
    common::built_in_named(NAME)
}

/// The scenario's text with some changes, parsed.
fn variant(changes: &[(&str, &str)]) -> Arc<Scenario> {
    let path = common::scenarios_dir().join(format!("{NAME}.ron"));
    let mut src = std::fs::read_to_string(path).expect("the scenario");
    for (from, to) in changes {
        assert!(src.contains(from), "{from}");
        src = src.replace(from, to);
    }
    common::parse(&src)
}

fn eks(p: &Playback) -> &EksCluster {
    p.world().eks.as_ref().expect("an EKS world")
}

/// (pod name, zone of its node, on Fargate, kubectl STATUS) of the pods of a Deployment.
fn pods_of(c: &EksCluster, deployment: &str) -> Vec<(String, String, bool, String)> {
    c.pods
        .iter()
        .filter(|p| p.counts() && p.name.starts_with(&format!("{deployment}-")))
        .map(|p| {
            let (zone, fargate) = p.node.map_or((String::new(), false), |n| {
                (c.nodes[n].zone.clone(), c.nodes[n].fargate)
            });
            (p.name.clone(), zone, fargate, p.status())
        })
        .collect()
}

#[test]
fn the_claim_binds_the_smallest_pv_that_holds_it_with_no_event_and_no_access_point() {
    let log = common::run_log(&scenario());
    assert!(
        !log.iter()
            .any(|l| l.contains("persistentvolumeclaim/media ")),
        "Kubernetes records no event for binding a claim to a PV written by hand: {log:#?}"
    );
    assert!(!log.iter().any(|l| l.contains("Provision")));
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(2));
    let pv = printed(&p, "kubectl get pv");
    let row = |name: &str| {
        pv.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {pv}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    // NAME CAPACITY ACCESS RECLAIM STATUS CLAIM STORAGECLASS(empty) <unset> AGE
    assert_eq!(
        row("media-pv ")[..6],
        [
            "media-pv",
            "20Gi",
            "RWX",
            "Retain",
            "Bound",
            "default/media"
        ]
    );
    assert_eq!(
        row("media-archive ")[..5],
        ["media-archive", "100Gi", "RWX", "Retain", "Available"]
    );
    let card = &efs_cards(eks(&p))[0];
    assert!(card.access_points.is_empty(), "no access point is made");
    assert_eq!(card.static_volumes.len(), 2);
    let media = &card.static_volumes[1];
    assert_eq!(
        (
            media.volume.as_str(),
            media.claim.as_str(),
            media.path.as_str()
        ),
        ("media-pv", "media", "/media")
    );
    assert_eq!(media.volume_handle, "fs-0c1d2e3f4a5b60719:/media");
}

#[test]
fn ec2_and_fargate_pods_mount_the_static_volume_and_write_to_the_same_files() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(90));
    let uploader = pods_of(eks(&p), "uploader");
    let thumbnailer = pods_of(eks(&p), "thumbnailer");
    assert_eq!(uploader.len(), 2);
    assert_eq!(thumbnailer.len(), 2);
    assert!(
        uploader.iter().all(|(_, _, f, s)| !f && s == "Running"),
        "{uploader:?}"
    );
    assert!(
        thumbnailer.iter().all(|(_, _, f, s)| *f && s == "Running"),
        "{thumbnailer:?}"
    );
    let card = &efs_cards(eks(&p))[0];
    assert_eq!(card.pods.len(), 4);
    assert!(card.pods.iter().all(|x| x.mounted), "{:?}", card.pods);
    // From 1:23 four pods write 2 files a minute each.
    let before = card.files;
    p.seek(SimTime::from_secs(150));
    assert_eq!(efs_cards(eks(&p))[0].files - before, 8);
}

#[test]
fn fargate_pods_mount_without_the_add_on_and_ec2_pods_do_not() {
    let s = variant(&[("efs_csi_driver: true,", "efs_csi_driver: false,")]);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(120));
    let uploader = pods_of(eks(&p), "uploader");
    assert!(
        uploader.iter().all(|(_, _, _, s)| s == "ContainerCreating"),
        "no node plugin on the EC2 nodes: {uploader:?}"
    );
    let thumbnailer = pods_of(eks(&p), "thumbnailer");
    assert!(
        thumbnailer.iter().all(|(_, _, _, s)| s == "Running"),
        "the driver is built into Fargate: {thumbnailer:?}"
    );
}

#[test]
fn a_claim_of_no_class_that_no_pv_matches_gets_failed_binding_and_its_pod_waits() {
    let log = common::run_log(&scenario());
    let reports: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("persistentvolumeclaim/reports"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert!(
        reports[0].ends_with(
            "no persistent volumes available for this claim and no storage class is set"
        )
    );
    assert!(log.iter().any(|l| l.contains("pod/reporter-")
        && l.contains("pod has unbound immediate PersistentVolumeClaims")));
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(200));
    assert!(printed(&p, "kubectl get pvc").contains("reports   Pending"));
    let reporter = pods_of(eks(&p), "reporter");
    assert!(reporter.iter().all(|(_, _, _, s)| s == "Pending"));
    let pod = eks(&p)
        .pods
        .iter()
        .position(|x| x.counts() && x.name.starts_with("reporter-"))
        .expect("the reporter pod");
    let reason = orca_sim::k8s::volumes::pod_volume_reason(eks(&p), pod, p.now())
        .expect("the volume is why it waits");
    assert!(
        reason.contains("no PersistentVolume written by hand matches it"),
        "{reason}"
    );
    // media-archive (ReadWriteMany only) stays Available for the ReadWriteOnce claim.
    assert!(printed(&p, "kubectl get pv media-archive").contains("Available"));
}

#[test]
fn an_access_point_named_in_the_handle_is_mounted_and_shown() {
    let s = variant(&[
        (
            "file_size_kib: 512,",
            "file_size_kib: 512, access_points: [\"fsap-068c22f0246419f75\"],",
        ),
        (
            "volume_handle: \"fs-0c1d2e3f4a5b60719:/media\"",
            "volume_handle: \"fs-0c1d2e3f4a5b60719::fsap-068c22f0246419f75\"",
        ),
    ]);
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(90));
    let card = &efs_cards(eks(&p))[0];
    assert_eq!(
        card.static_volumes[1].access_point_id,
        "fsap-068c22f0246419f75"
    );
    assert!(card.pods.iter().all(|x| x.mounted));
    assert!(
        printed(&p, "kubectl describe pv media-pv")
            .contains("VolumeHandle:      fs-0c1d2e3f4a5b60719::fsap-068c22f0246419f75")
    );
}

/// The file system One Zone in us-east-1a; the nodes are in us-east-1a and us-east-1b.
const ONE_ZONE: (&str, &str) = (
    "files: 1200,",
    "availability_zone_name: \"us-east-1a\", files: 1200,",
);

#[test]
fn a_one_zone_file_system_fails_to_mount_from_another_zone_without_the_az_option() {
    let s = variant(&[ONE_ZONE]);
    let log = common::run_log(&s);
    let failed: Vec<&String> = log
        .iter()
        .filter(|l| l.contains("MountVolume.SetUp failed"))
        .collect();
    assert!(!failed.is_empty());
    assert!(failed[0].contains("-t efs -o tls fs-0c1d2e3f4a5b60719:/media "));
    assert!(failed[0].ends_with("No matching mount target in the az us-east-1b. Please create one mount target in us-east-1b, or try the mount target in another AZ by passing the availability zone name option. Available mount target(s) are in az ['us-east-1a']"));
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(90));
    for (name, zone, _, status) in pods_of(eks(&p), "uploader") {
        let expected = if zone == "us-east-1a" {
            "Running"
        } else {
            "ContainerCreating"
        };
        assert_eq!(status, expected, "{name} in {zone}");
    }
    let e = p
        .log()
        .iter()
        .find(|e| e.message().contains("MountVolume.SetUp failed"))
        .expect("the FailedMount");
    assert!(
        e.why
            .as_ref()
            .is_some_and(|w| w.contains("One Zone file system in us-east-1a")),
        "{:?}",
        e.why
    );
    assert_eq!(
        efs_cards(eks(&p))[0].availability_zone_name.as_deref(),
        Some("us-east-1a")
    );
}

#[test]
fn with_the_az_option_every_zone_mounts_a_one_zone_file_system_through_its_mount_target() {
    let s = variant(&[
        ONE_ZONE,
        (
            "volume_handle: \"fs-0c1d2e3f4a5b60719:/media\"",
            "volume_handle: \"fs-0c1d2e3f4a5b60719:/media\", mount_options: [\"az=us-east-1a\"]",
        ),
    ]);
    let log = common::run_log(&s);
    assert!(!log.iter().any(|l| l.contains("FailedMount")), "{log:#?}");
    let mut p = Playback::new(s);
    p.seek(SimTime::from_secs(90));
    let zones: Vec<String> = pods_of(eks(&p), "uploader")
        .into_iter()
        .chain(pods_of(eks(&p), "thumbnailer"))
        .map(|(_, z, _, s)| {
            assert_eq!(s, "Running");
            z
        })
        .collect();
    assert!(zones.iter().any(|z| z != "us-east-1a"), "{zones:?}");
    assert!(efs_cards(eks(&p))[0].pods.iter().all(|x| x.mounted));
}

#[test]
fn kubectl_shows_the_static_pv_and_its_claim() {
    let mut p = Playback::new(scenario());
    p.seek(SimTime::from_secs(120));
    insta::assert_snapshot!("efs_static_get_pv_pvc", printed(&p, "kubectl get pv,pvc"));
    insta::assert_snapshot!(
        "efs_static_describe_pv",
        printed(&p, "kubectl describe pv media-pv")
    );
    insta::assert_snapshot!(
        "efs_static_describe_pv_available",
        printed(&p, "kubectl describe pv media-archive")
    );
    insta::assert_snapshot!(
        "efs_static_describe_pvc",
        printed(&p, "kubectl describe pvc media")
    );
}
