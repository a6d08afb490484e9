//! Storage on the canvas, added to a [`Model`] after its hosts: an EBS volume is a box in its
//! zone (a volume cannot leave it) saying to which node it is attached, in which state, and
//! which pods use it — a pod held back by Multi-Attach is named under it; an EFS file system
//! is a box in the row above the zones with the data its tasks share and a line to each task
//! mounting it, and each zone shows whether it has a mount target for it. An ECS-managed EBS
//! volume (one per task, configured at deployment) is a box in its task's zone naming the task,
//! its attachment and the files on it; a zone with more than a few becomes one summary box.
//!
//! The boxes are read from the simulation's read models (`k8s::volumes::volume_cards`,
//! `ecs::volumes::file_system_cards`), so every volume the simulation has is drawn. States are
//! words and symbols, not colours alone.

use bevy::prelude::*;
use orca_sim::SimTime;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::ebs_read::{EbsVolumeCard, volumes as ebs_volumes};
use orca_sim::ecs::volumes::{FileSystemCard, file_system_cards};
use orca_sim::elb::TargetState;
use orca_sim::k8s::cluster::Cluster;
use orca_sim::k8s::efs_read::efs_cards;
use orca_sim::k8s::volumes::{VolumeCard, volume_cards};

use super::model::{GroupModel, HostModel, Model};
use super::palette::{EBS_BG, EBS_BLOCKED_BG, EFS_MOUNT_BG, EFS_NO_MOUNT_BG};
use super::scene::CardKey;

/// The EKS cluster's EBS volumes, each in its zone after the zone's nodes, and its EFS file
/// systems.
pub(super) fn add_eks(m: &mut Model, eks: &Cluster, now: SimTime) {
    for card in volume_cards(eks, now) {
        let Some(zone) = m.zones.iter().position(|z| z.name == card.zone) else {
            continue;
        };
        let blocked: Vec<String> = multi_attach_blocked(eks, &card)
            .iter()
            .map(|n| pod_label(eks, n))
            .collect();
        let mut card = card;
        card.pods = card.pods.iter().map(|n| pod_label(eks, n)).collect();
        insert_host(m, ebs_host(&card, &blocked, zone));
    }
    add_eks_file_systems(m, eks);
}

/// The ECS cluster's EFS file systems: one box each above the zones with lines to the tasks
/// that mount it, and a mount-target marker (or its absence) in every zone.
pub(super) fn add_ecs(m: &mut Model, ecs: &EcsCluster, now: SimTime) {
    add_ecs_ebs(m, &ebs_volumes(ecs, now));
    let cards = file_system_cards(ecs, now);
    add_file_systems(m, &cards, "task", |id| {
        ecs.tasks
            .iter()
            .position(|t| t.id == id)
            .map(|t| CardKey::Task(t as u32))
    });
}

/// Above this many EBS volumes in a zone, the zone shows one summary box instead of one box
/// per volume (a service of hundreds of tasks would otherwise fill the canvas with boxes).
const EBS_BOXES_PER_ZONE: usize = 4;

/// ECS-managed EBS volumes, each in its task's zone (a volume never leaves its zone).
fn add_ecs_ebs(m: &mut Model, cards: &[EbsVolumeCard]) {
    for zone in 0..m.zones.len() {
        let here: Vec<&EbsVolumeCard> = cards
            .iter()
            .filter(|c| c.availability_zone == m.zones[zone].name)
            .collect();
        if here.len() > EBS_BOXES_PER_ZONE {
            insert_host(m, ecs_ebs_summary(&here, zone));
        } else {
            for c in here {
                insert_host(m, ecs_ebs_host(c, zone));
            }
        }
    }
}

/// An attachment or EC2 state in words, with a symbol (never colour alone).
fn ebs_state(c: &EbsVolumeCard) -> &'static str {
    match (c.attachment_status, c.ec2_state) {
        ("FAILED", _) => "✕ attach failed",
        (_, Some("deleting")) | ("DELETED", _) => "⇣ deleting (task stopped)",
        (_, Some("creating")) => "◔ creating",
        ("ATTACHING", _) => "◔ attaching",
        ("ATTACHED", _) => "● attached",
        _ => "○ not attached",
    }
}

/// One task's EBS volume: its state first (a tile shows only the first note), the task it
/// belongs to, size and type, and the files on it — a new volume starts with none.
pub fn ecs_ebs_host(c: &EbsVolumeCard, zone: usize) -> HostModel {
    let task = &c.task[..8.min(c.task.len())];
    HostModel {
        key: format!("ebs:{}", c.volume_id),
        zone,
        title: format!("⛁ EBS {}", c.name),
        // Short, so a zone's boxes leave its cards room: the volume id and file system type
        // are in the inspector and `aws ec2 describe-volumes`.
        notes: vec![
            ebs_state(c).to_string(),
            format!("task {task}"),
            format!("{} GiB {}", c.size_gib, c.volume_type),
            format!("{} files", c.files),
        ],
        bars: Vec::new(),
        bg: if c.attachment_status == "FAILED" {
            EBS_BLOCKED_BG
        } else {
            EBS_BG
        },
        cards: 0..0,
        keeps_a_row: false,
    }
}

/// A zone's many EBS volumes as one box: how many in each state.
fn ecs_ebs_summary(cards: &[&EbsVolumeCard], zone: usize) -> HostModel {
    let mut states: Vec<(&'static str, usize)> = Vec::new();
    for c in cards {
        let s = ebs_state(c);
        match states.iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => states.push((s, 1)),
        }
    }
    // What needs attention first.
    states.sort_by_key(|(k, _)| !k.starts_with('✕'));
    let failed = states.iter().any(|(k, _)| k.starts_with('✕'));
    HostModel {
        key: format!("ebs-zone:{zone}"),
        zone,
        title: format!("⛁ {} EBS volumes, one per task", cards.len()),
        notes: states.iter().map(|(k, n)| format!("{n} {k}")).collect(),
        bars: Vec::new(),
        bg: if failed { EBS_BLOCKED_BG } else { EBS_BG },
        cards: 0..0,
        keeps_a_row: false,
    }
}

/// The EKS cluster's EFS file systems (through the EFS CSI driver), drawn as ECS's are: the
/// box above the zones with lines to the pods that mounted it, and each zone's mount target.
fn add_eks_file_systems(m: &mut Model, eks: &Cluster) {
    let cards: Vec<FileSystemCard> = efs_cards(eks)
        .into_iter()
        .map(|c| FileSystemCard {
            id: c.id,
            mount_targets: c.mount_targets,
            files: c.files,
            bytes: c.bytes,
            mounted_by: c
                .pods
                .into_iter()
                .filter(|p| p.mounted)
                .map(|p| p.pod)
                .collect(),
        })
        .collect();
    add_file_systems(m, &cards, "pod", |name| {
        eks.pods
            .iter()
            .position(|p| !p.gone && p.name == name)
            .map(|p| CardKey::Pod(p as u32))
    });
}

/// File systems' boxes with a line to the card of each task or pod (`card_of` its id or name)
/// that mounts them, and a mount-target marker (or its absence) in every zone.
fn add_file_systems(
    m: &mut Model,
    cards: &[FileSystemCard],
    who: &str,
    card_of: impl Fn(&str) -> Option<CardKey>,
) {
    for fs in cards {
        let targets = fs
            .mounted_by
            .iter()
            .filter_map(|id| {
                let key = card_of(id)?;
                let c = m.cards.iter().position(|c| c.key == key)?;
                // A mount is drawn as a neutral (blue-grey) line, not a target's health.
                Some((c, TargetState::Initial))
            })
            .collect();
        m.groups.push(efs_group(fs, targets, who));
    }
    if cards.is_empty() {
        return;
    }
    for zone in 0..m.zones.len() {
        let name = m.zones[zone].name.clone();
        insert_host(m, mount_target_host(cards, &name, zone, who));
    }
}

/// Pods that use a volume but sit on another node than the one it is attached to: the
/// attach/detach controller refuses them (Multi-Attach) until it is detached.
fn multi_attach_blocked(eks: &Cluster, card: &VolumeCard) -> Vec<String> {
    let Some(attached) = &card.node else {
        return Vec::new();
    };
    card.pods
        .iter()
        .filter(|name| {
            eks.pods
                .iter()
                .any(|p| &p.name == *name && p.node.is_some_and(|n| &eks.nodes[n].name != attached))
        })
        .cloned()
        .collect()
}

/// A pod as the volume box names it: its Deployment and name suffix, like its card, and
/// "Pending" while no node has it.
fn pod_label(eks: &Cluster, name: &str) -> String {
    let Some(p) = eks.pods.iter().position(|p| !p.gone && p.name == name) else {
        return name.to_string();
    };
    let pod = &eks.pods[p];
    let deployment = &eks.deployments[eks.pod_deployment(p)].name;
    let suffix = name.rsplit('-').next().unwrap_or(name);
    if pod.node.is_none() {
        format!("{deployment} {suffix} (Pending)")
    } else {
        format!("{deployment} {suffix}")
    }
}

/// An EBS volume's box: the claim, size and type, its attachment in words, its pods.
pub fn ebs_host(card: &VolumeCard, blocked: &[String], zone: usize) -> HostModel {
    // What needs attention first: a tile shows only the first note.
    let mut notes = Vec::new();
    if !blocked.is_empty() {
        notes.push("✕ Multi-Attach blocks a pod".to_string());
    }
    notes.push(
        match card.state {
            "Attaching" => "◔ attaching",
            "Attached" => "● attached",
            "Detaching" => "⇣ detaching",
            _ => "○ not attached",
        }
        .to_string(),
    );
    if let Some(n) = &card.node {
        notes.push(format!("node {}", short_node(n)));
    }
    notes.push(format!("{} GiB {}", card.size_gib, card.volume_type));
    for p in &card.pods {
        if blocked.contains(p) {
            notes.push(format!("✕ {p} waits"));
        } else {
            notes.push(format!("pod {p}"));
        }
    }
    HostModel {
        key: format!("ebs:{}", card.volume),
        zone,
        title: format!("⛁ EBS {}", card.claim),
        notes,
        bars: Vec::new(),
        bg: if blocked.is_empty() {
            EBS_BG
        } else {
            EBS_BLOCKED_BG
        },
        cards: 0..0,
        keeps_a_row: false,
    }
}

/// `ip-10-0-32-4.ec2.internal` → `ip-10-0-32-4`: the node's name without its DNS domain, so
/// it fits a box.
fn short_node(name: &str) -> &str {
    name.split_once('.').map_or(name, |(host, _)| host)
}

/// Whether `zone` has a mount target for each file system, in one box.
/// `who` is what mounts: `task` or `pod`.
pub fn mount_target_host(cards: &[FileSystemCard], zone: &str, zi: usize, who: &str) -> HostModel {
    let missing: Vec<&str> = cards
        .iter()
        .filter(|fs| !fs.mount_targets.iter().any(|z| z == zone))
        .map(|fs| fs.id.as_str())
        .collect();
    let (title, bg) = if missing.is_empty() {
        ("⛁ EFS mount target ✓", EFS_MOUNT_BG)
    } else {
        ("✕ no EFS mount target", EFS_NO_MOUNT_BG)
    };
    let notes = if missing.is_empty() {
        cards.iter().map(|fs| fs.id.clone()).collect()
    } else {
        let mut n: Vec<String> = missing.iter().map(|id| id.to_string()).collect();
        n.push(format!("{who}s here fail to mount"));
        n
    };
    HostModel {
        key: format!("efsmt:{zone}"),
        zone: zi,
        title: title.to_string(),
        notes,
        bars: Vec::new(),
        bg,
        cards: 0..0,
        keeps_a_row: false,
    }
}

/// A file system's box above the zones: what its tasks share, and lines to the tasks.
pub fn efs_group(fs: &FileSystemCard, targets: Vec<(usize, TargetState)>, who: &str) -> GroupModel {
    GroupModel {
        key: format!("efs:{}", fs.id),
        title: format!("⛁ EFS {} (shared)", fs.id),
        summary: format!(
            "{} files · {} · mounted by {} {who}{}",
            fs.files,
            size(fs.bytes),
            fs.mounted_by.len(),
            if fs.mounted_by.len() == 1 { "" } else { "s" }
        ),
        targets,
    }
}

/// `4.8 MiB`, `512 KiB`, `12 B`.
pub fn size(bytes: u64) -> String {
    const KIB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KIB * KIB * KIB {
        format!("{:.1} GiB", b / (KIB * KIB * KIB))
    } else if b >= KIB * KIB {
        format!("{:.1} MiB", b / (KIB * KIB))
    } else if b >= KIB {
        format!("{:.0} KiB", b / KIB)
    } else {
        format!("{bytes} B")
    }
}

/// Put a box after the last host of its zone, keeping the hosts in zone order; it has no
/// cards (an empty run at the end of the cards).
fn insert_host(m: &mut Model, mut h: HostModel) {
    let end = m.cards.len();
    h.cards = end..end;
    let at = m
        .hosts
        .iter()
        .rposition(|o| o.zone <= h.zone)
        .map_or(0, |i| i + 1);
    m.hosts.insert(at, h);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::canvas::model::ZoneModel;

    fn volume(state: &'static str, node: Option<&str>, pods: &[&str]) -> VolumeCard {
        VolumeCard {
            volume: "pvc-0a1b".into(),
            claim: "data".into(),
            zone: "us-east-1a".into(),
            size_gib: 10,
            volume_type: "gp3".into(),
            state,
            node: node.map(str::to_string),
            pods: pods.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn an_ebs_volume_says_its_attachment_in_words() {
        let h = ebs_host(&volume("Attaching", Some("node-a"), &["web-0"]), &[], 0);
        assert_eq!(h.title, "⛁ EBS data");
        assert_eq!(h.notes[..2], ["◔ attaching", "node node-a"]);
        assert!(h.notes.contains(&"pod web-0".to_string()));
        let h = ebs_host(
            &volume("Detaching", Some("ip-10-0-32-4.ec2.internal"), &[]),
            &[],
            0,
        );
        assert_eq!(h.notes[..2], ["⇣ detaching", "node ip-10-0-32-4"]);
        let h = ebs_host(&volume("Available", None, &[]), &[], 0);
        assert_eq!(h.notes[0], "○ not attached");
    }

    #[test]
    fn a_pod_held_by_multi_attach_is_named_and_the_box_changes() {
        let card = volume("Attached", Some("node-a"), &["web-0"]);
        let h = ebs_host(&card, &["web-0".to_string()], 0);
        assert_eq!(
            h.notes[..3],
            ["✕ Multi-Attach blocks a pod", "● attached", "node node-a"]
        );
        assert!(h.notes.contains(&"✕ web-0 waits".to_string()));
        assert!(!h.notes.contains(&"pod web-0".to_string()));
        assert_eq!(h.bg, EBS_BLOCKED_BG);
    }

    fn ebs(task: &str, attachment: &'static str, ec2: Option<&'static str>) -> EbsVolumeCard {
        EbsVolumeCard {
            volume_id: "vol-0123456789abcdef0".into(),
            task: task.into(),
            name: "data".into(),
            size_gib: 20,
            volume_type: "gp3",
            filesystem_type: "xfs",
            availability_zone: "us-east-1a".into(),
            attachment_status: attachment,
            ec2_state: ec2,
            files: 7,
        }
    }

    #[test]
    fn an_ecs_ebs_volume_names_its_task_state_and_files() {
        let h = ecs_ebs_host(&ebs("1a2b3c4d5e6f", "ATTACHED", Some("in-use")), 0);
        assert_eq!(h.title, "⛁ EBS data");
        assert_eq!(h.notes[1], "task 1a2b3c4d");
        assert_eq!(h.notes[0], "● attached");
        assert!(h.notes.contains(&"20 GiB gp3".to_string()));
        assert!(h.notes.contains(&"7 files".to_string()));
        let gone = ecs_ebs_host(&ebs("1a2b3c4d", "DELETED", Some("deleting")), 0);
        assert_eq!(gone.notes[0], "⇣ deleting (task stopped)");
    }

    #[test]
    fn many_ecs_ebs_volumes_in_a_zone_become_one_box_that_keeps_a_failure_first() {
        let mut m = Model {
            zones: vec![ZoneModel {
                name: "us-east-1a".into(),
                subnet: String::new(),
                out: false,
                part: None,
            }],
            ..Model::default()
        };
        let mut cards: Vec<EbsVolumeCard> = (0..6)
            .map(|i| ebs(&format!("task{i}"), "ATTACHED", Some("in-use")))
            .collect();
        cards.push(ebs("taskx", "FAILED", Some("available")));
        add_ecs_ebs(&mut m, &cards);
        assert_eq!(m.hosts.len(), 1, "one summary box");
        assert_eq!(m.hosts[0].title, "⛁ 7 EBS volumes, one per task");
        assert_eq!(m.hosts[0].notes[0], "1 ✕ attach failed");
        assert_eq!(m.hosts[0].notes[1], "6 ● attached");
        // A few volumes: one box each.
        let mut few = Model {
            zones: m.zones.clone(),
            ..Model::default()
        };
        add_ecs_ebs(&mut few, &cards[..3]);
        assert_eq!(few.hosts.len(), 3);
    }

    #[test]
    fn a_zone_without_a_mount_target_says_so() {
        let fs = FileSystemCard {
            id: "fs-1".into(),
            mount_targets: vec!["a".into(), "b".into()],
            files: 10,
            bytes: 10 * 4096,
            mounted_by: vec!["t1".into()],
        };
        let yes = mount_target_host(std::slice::from_ref(&fs), "a", 0, "task");
        assert_eq!(yes.title, "⛁ EFS mount target ✓");
        let no = mount_target_host(std::slice::from_ref(&fs), "c", 2, "task");
        assert_eq!(no.title, "✕ no EFS mount target");
        assert_eq!(no.notes[0], "fs-1");
        assert_eq!(no.notes[1], "tasks here fail to mount");
        let g = efs_group(&fs, vec![], "task");
        assert_eq!(g.summary, "10 files · 40 KiB · mounted by 1 task");
        let pods = mount_target_host(std::slice::from_ref(&fs), "c", 2, "pod");
        assert_eq!(pods.notes[1], "pods here fail to mount");
        assert_eq!(
            efs_group(&fs, vec![], "pod").summary,
            "10 files · 40 KiB · mounted by 1 pod"
        );
    }

    #[test]
    fn boxes_go_after_their_zone_s_hosts() {
        let host = |key: &str, zone| HostModel {
            key: key.into(),
            zone,
            title: String::new(),
            notes: vec![],
            bars: vec![],
            bg: EBS_BG,
            cards: 0..0,
            keeps_a_row: true,
        };
        let mut m = Model {
            zones: vec![
                ZoneModel {
                    name: "a".into(),
                    subnet: String::new(),
                    out: false,
                    part: None,
                };
                3
            ],
            hosts: vec![host("n1", 0), host("n2", 0), host("n3", 2)],
            ..Model::default()
        };
        insert_host(&mut m, host("v0", 0));
        insert_host(&mut m, host("v1", 1));
        insert_host(&mut m, host("v2", 2));
        let keys: Vec<&str> = m.hosts.iter().map(|h| h.key.as_str()).collect();
        assert_eq!(keys, ["n1", "n2", "v0", "v1", "n3", "v2"]);
        assert_eq!(size(5 * 1024 * 1024 + 300_000), "5.3 MiB");
    }

    /// The runs test's Multi-Attach case: one zone, two nodes; the rollout's surge pod lands
    /// on the other node while the old pod holds the volume.
    #[test]
    fn a_rolling_update_of_a_read_write_once_volume_shows_the_waiting_pod_on_the_volume() {
        let src = r#"(
    version: 1, title: "multi-attach", seed: 3, duration: 120,
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
)"#;
        let s = orca_sim::scenario::parse("multi-attach.ron", src).expect("parses");
        let mut p = orca_sim::Playback::new(std::sync::Arc::new(s));
        p.seek(SimTime::from_secs(60));
        let m = crate::app::canvas::layout::model(p.world());
        let ebs = m.hosts.iter().find(|h| h.key.starts_with("ebs:")).unwrap();
        assert_eq!(ebs.title, "⛁ EBS data");
        assert_eq!(
            ebs.notes[..2],
            ["✕ Multi-Attach blocks a pod", "● attached"]
        );
        assert_eq!(
            ebs.notes.iter().filter(|n| n.ends_with(" waits")).count(),
            1
        );
        assert_eq!(
            ebs.notes
                .iter()
                .filter(|n| n.starts_with("pod db "))
                .count(),
            1
        );
        // Drawn in its zone, after the zone's two nodes.
        assert_eq!(
            m.hosts.last().map(|h| h.key.as_str()),
            Some(ebs.key.as_str())
        );
    }
}
