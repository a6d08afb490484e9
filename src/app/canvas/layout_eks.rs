//! The EKS canvas, as a [`Model`]: zones with their nodes (requested CPU and memory against
//! allocatable, and pods against max-pods), pod cards with kubectl's STATUS, an area for pods
//! no node has taken, and each Service with its ready endpoints.

use bevy::prelude::*;
use orca_sim::elb::TargetState;
use orca_sim::k8s::cluster::{Cluster, ContainerState, Pod};
use orca_sim::k8s::read::{self, PendingReason, node_usage};
use orca_sim::{SimTime, World};

use super::card_state::CardState;
use super::model::{
    BarModel, CardModel, GroupModel, HostModel, LaneModel, Model, Stripe, ZoneModel,
};
use super::palette::{
    BAR_CPU, BAR_MEM, BAR_PODS, INSTANCE_BG, INSTANCE_BOOTING_BG, INSTANCE_GONE_BG,
};
use super::scene::{CardKey, INSTANCE_APPEAR_MS, card_appear};

/// What an EKS world shows. Pure: the same world always gives the same model.
pub(super) fn model(world: &World, eks: &Cluster) -> Model {
    let now = world.now;
    let mut m = Model {
        eks: true,
        ..Model::default()
    };
    // The pods on each node (and, last, those on none), in creation order.
    // EKS's own kube-system pods on a node are counted in its notes, not drawn as cards.
    let mut by_node: Vec<Vec<usize>> = vec![Vec::new(); eks.nodes.len() + 1];
    let mut system_on: Vec<u32> = vec![0; eks.nodes.len()];
    for (p, pod) in eks.pods.iter().enumerate() {
        if pod.gone {
            continue;
        }
        match pod.node {
            Some(n) if read::is_system_pod(eks, p) => system_on[n] += 1,
            Some(n) => by_node[n].push(p),
            None => by_node[eks.nodes.len()].push(p),
        }
    }
    let mut card_of: Vec<u32> = vec![u32::MAX; eks.pods.len()];
    let mut push_cards = |m: &mut Model, pods: &[usize]| {
        let from = m.cards.len();
        for &p in pods {
            card_of[p] = m.cards.len() as u32;
            m.cards.push(card(eks, p, now));
        }
        from..m.cards.len()
    };
    for (zi, zone) in world.net.zones.iter().enumerate() {
        m.zones.push(ZoneModel {
            name: zone.name.to_string(),
            subnet: zone.subnet_cidr.clone(),
            out: zone.is_out(),
            part: None,
        });
        for (ni, node) in eks.nodes.iter().enumerate() {
            if node.zone != zone.name || node.gone {
                continue;
            }
            // A node that just joined fades in; one not Ready yet looks like a booting instance.
            let appear = if node.created_at > SimTime::ZERO {
                (now.since(node.created_at).0 as f32 / INSTANCE_APPEAR_MS as f32).clamp(0.15, 1.0)
            } else {
                1.0
            };
            let bg = if node.draining {
                INSTANCE_GONE_BG
            } else if node.ready {
                INSTANCE_BG
            } else {
                INSTANCE_BOOTING_BG
            };
            let notes = if node.fargate {
                vec![node.instance_type.clone(), "one pod per node".into()]
            } else {
                let state = if node.draining {
                    "✕ disrupted (NoSchedule), draining"
                } else if node.cordoned && node.ready {
                    "Ready,SchedulingDisabled"
                } else if node.ready {
                    "Ready"
                } else {
                    "◔ NotReady: joining"
                };
                let kind = match system_on[ni] {
                    0 => node.instance_type.clone(),
                    1 => format!("{} · 1 kube-system pod", node.instance_type),
                    k => format!("{} · {k} kube-system pods", node.instance_type),
                };
                let mut notes = vec![state.to_string(), kind];
                notes.extend(node.nodeclaim.as_ref().map(|c| format!("nodeclaim/{c}")));
                notes
            };
            let usage = node_usage(eks, ni);
            let cards = push_cards(&mut m, &by_node[ni]);
            m.hosts.push(HostModel {
                key: format!("node:{}", node.name),
                zone: zi,
                title: node.name.clone(),
                notes,
                bars: vec![
                    BarModel {
                        name: "CPU",
                        used: usage.requested_cpu_millis,
                        total: usage.allocatable_cpu_millis,
                        unit: "m requested",
                        color: BAR_CPU,
                    },
                    BarModel {
                        name: "MEM",
                        used: usage.requested_memory_mib,
                        total: usage.allocatable_memory_mib,
                        unit: "MiB requested",
                        color: BAR_MEM,
                    },
                    BarModel {
                        name: "PODS",
                        used: usage.pods,
                        total: usage.max_pods,
                        unit: "(max-pods)",
                        color: BAR_PODS,
                    },
                ],
                bg: bg.with_alpha(appear),
                cards,
                keeps_a_row: true,
            });
        }
    }
    // Pods no node could take, in their own area below the zones.
    let pending = &by_node[eks.nodes.len()];
    if !pending.is_empty() {
        let cards = push_cards(&mut m, pending);
        let (title, note) = why_pending(eks, pending);
        m.waiting = Some(LaneModel {
            key: "lane:unscheduled",
            title: title.to_string(),
            notes: vec![note.to_string()],
            cards,
        });
    }
    // The Services, with their endpoints (ready pods).
    for (d, dep) in eks.deployments.iter().enumerate() {
        let Some((name, kind, port)) = &dep.service else {
            continue;
        };
        let endpoints = orca_sim::k8s::endpoints::endpoints(eks, d);
        m.groups.push(GroupModel {
            key: format!("tg:{name}"),
            title: format!("⚖ service/{name}  ({kind}, port {port})"),
            summary: format!(
                "✓{} endpoints: ready pods of deployment/{}",
                endpoints.len(),
                dep.name
            ),
            targets: endpoints
                .into_iter()
                .filter_map(|p| {
                    let c = *card_of.get(p)?;
                    (c != u32::MAX).then_some((c as usize, TargetState::Healthy))
                })
                .collect(),
        });
    }
    super::layout_volumes::add_eks(&mut m, eks, now);
    m
}

fn card(eks: &Cluster, p: usize, now: SimTime) -> CardModel {
    let pod = &eks.pods[p];
    let rs = &eks.replica_sets[pod.replica_set];
    CardModel {
        key: CardKey::Pod(p as u32),
        state: pod_state(pod),
        stripe: Stripe::revision(Some(pod.replica_set) == eks.current_replica_set(rs.deployment)),
        alpha: 1.0,
        appear: card_appear(now, pod.created_at),
    }
}

/// The first line of a pod's card: its name's suffix and revision, with its Deployment when
/// there are several, and its restarts.
pub fn card_title(eks: &Cluster, p: usize) -> String {
    let pod = &eks.pods[p];
    let rs = &eks.replica_sets[pod.replica_set];
    let suffix = pod.name.rsplit('-').next().unwrap_or(&pod.name);
    let restarts = if pod.restarts > 0 {
        format!(" · ↻{}", pod.restarts)
    } else {
        String::new()
    };
    if eks.deployments.len() > 1 {
        format!(
            "{} {suffix} r{}{restarts}",
            eks.deployments[rs.deployment].name, rs.revision
        )
    } else {
        format!("{suffix}  rev {}{restarts}", rs.revision)
    }
}

/// The colour a pod's card takes (through the closest task state).
fn pod_state(pod: &Pod) -> CardState {
    if pod.deleting_at.is_some() {
        CardState::Draining
    } else if pod.node.is_none() {
        CardState::Pending
    } else {
        match &pod.state {
            ContainerState::Running { .. } if pod.ready => CardState::Healthy,
            ContainerState::Running { .. } => CardState::Initial,
            // Creating, or running its init containers: on its way, not failing.
            state if state.is_starting() => CardState::Provisioning,
            _ => CardState::Unhealthy,
        }
    }
}

/// How a pod card reads: colour (via the closest task state) and kubectl-like status text
/// (the restarts are on the card's first line).
pub fn pod_look(eks: &Cluster, p: usize) -> (CardState, String) {
    let pod = &eks.pods[p];
    let state = pod_state(pod);
    let glyph = match state {
        CardState::Healthy => "✓",
        CardState::Initial => "▶",
        CardState::Draining => "⇣",
        CardState::Unhealthy => "✗",
        _ => "◌",
    };
    let ready = if matches!(pod.state, ContainerState::Running { .. }) {
        let (ready, total) = read::ready_containers(eks, p);
        format!(" · {ready}/{total} ready")
    } else {
        String::new()
    };
    (state, format!("{glyph} {}{ready}", pod.status()))
}

/// What the unscheduled lane says about its pods, from the core's reason for each: all on
/// Fargate, some nominated by Karpenter, or no node with room.
fn why_pending(eks: &Cluster, pending: &[usize]) -> (&'static str, &'static str) {
    let reasons: Vec<PendingReason> = pending
        .iter()
        .map(|&p| read::pending_reason(eks, p))
        .collect();
    if reasons
        .iter()
        .all(|r| *r == PendingReason::FargateProvisioning)
    {
        (
            "Pending: Fargate is provisioning",
            "a node for each of these pods",
        )
    } else if reasons.contains(&PendingReason::Nominated) {
        (
            "Pending: Karpenter launches NodeClaims",
            "for these pods (Nominated)",
        )
    } else if pending.iter().all(|&p| {
        orca_sim::k8s::volumes::claim_of(eks, p)
            .is_some_and(|c| eks.storage.claims[c].volume.is_some())
    }) {
        // A bound EBS claim's PersistentVolume limits the pod to the volume's zone.
        (
            "Unscheduled: held to its EBS volume's zone",
            "no node there can take it",
        )
    } else {
        ("Unscheduled: no node has room", "see FailedScheduling")
    }
}
