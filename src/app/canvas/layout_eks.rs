//! The EKS canvas: zones side by side with their nodes (requested CPU and memory against
//! allocatable, and pods against max-pods), pod cards with kubectl's STATUS, an area for pods
//! no node has taken, and each Service above with lines to its ready endpoints.

use bevy::prelude::*;
use orca_sim::elb::TargetState;
use orca_sim::k8s::cluster::{Cluster, ContainerState, Pod, Template};
use orca_sim::{SimTime, World};

use super::card_state::CardState;
use super::palette::{
    BAR_CPU, BAR_MEM, INSTANCE_BG, INSTANCE_BOOTING_BG, INSTANCE_GONE_BG, TEXT, TEXT_DIM, TG_BG,
    ZONE_BG, ZONE_OUT_BG,
};
use super::scene::{
    APPEAR_MS, Area, BAR_H, CARD_H, CARD_W, Card, GAP, INSTANCE_APPEAR_MS, INSTANCE_HEADER,
    LANE_HEADER, Link, PAD, Scene, TG_GAP_Y, TG_H, TG_W, ZONE_GAP, ZONE_HEADER, push_bar,
    push_rect, push_text, zone_width,
};

/// How a pod card reads: colour (via the closest task state) and kubectl-like status text.
pub fn pod_look(pod: &Pod) -> (CardState, String) {
    let restarts = if pod.restarts > 0 {
        format!(" · ↻{}", pod.restarts)
    } else {
        String::new()
    };
    let status = pod.status();
    let state = if pod.deleting_at.is_some() {
        CardState::Draining
    } else if pod.node.is_none() {
        CardState::Pending
    } else {
        match &pod.state {
            ContainerState::Running { .. } if pod.ready => CardState::Healthy,
            ContainerState::Running { .. } => CardState::Initial,
            ContainerState::Waiting { reason } if reason == "ContainerCreating" => {
                CardState::Provisioning
            }
            _ => CardState::Unhealthy,
        }
    };
    let glyph = match state {
        CardState::Healthy => "✓",
        CardState::Initial => "▶",
        CardState::Draining => "⇣",
        CardState::Unhealthy => "✗",
        _ => "◌",
    };
    let ready = if matches!(pod.state, ContainerState::Running { .. }) {
        format!(" · {} ready", ready_column(pod))
    } else {
        String::new()
    };
    (state, format!("{glyph} {status}{ready}{restarts}"))
}

/// Lay out an EKS world. Pure: the same world always gives the same scene.
pub(super) fn layout(world: &World, eks: &Cluster, cols: usize) -> Scene {
    let now = world.now;
    let cols = cols.clamp(1, 8);
    let zone_w = zone_width(cols);
    let mut scene = Scene::default();
    let zones = &world.net.zones;
    let rows = |n: usize| n.div_ceil(cols).max(1) as f32;
    let cards_h = |n: usize| rows(n) * (CARD_H + GAP) - GAP;
    let live = |p: &&Pod| !p.gone;
    let mut max_h: f32 = 0.0;
    for (zi, zone) in zones.iter().enumerate() {
        let x = zi as f32 * (zone_w + ZONE_GAP);
        let mut y = ZONE_HEADER;
        for (ni, node) in eks.nodes.iter().enumerate() {
            if node.zone != zone.name || node.gone {
                continue;
            }
            let pods = pods_on_node(eks, ni);
            let h = INSTANCE_HEADER + 3.0 * (BAR_H + 4.0) + GAP + cards_h(pods.len()) + PAD;
            let area = Area {
                x: x + PAD,
                y,
                w: zone_w - 2.0 * PAD,
                h,
            };
            let key = format!("node:{}", node.name);
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
            push_rect(&mut scene, &key, area, bg.with_alpha(appear), 1.0);
            push_text(
                &mut scene,
                &format!("{key}/t1"),
                Vec2::new(area.x + PAD, area.y + 6.0),
                node.name.clone(),
                15.0,
                TEXT,
            );
            push_text(
                &mut scene,
                &format!("{key}/t2"),
                Vec2::new(area.x + PAD, area.y + 27.0),
                if node.fargate {
                    format!("{} · one pod per node", node.instance_type)
                } else {
                    let state = if node.draining {
                        "✕ disrupted (NoSchedule), draining"
                    } else if node.ready {
                        "Ready"
                    } else {
                        "◔ NotReady: joining"
                    };
                    match &node.nodeclaim {
                        Some(claim) => {
                            format!("{} · nodeclaim/{claim} · {state}", node.instance_type)
                        }
                        None => format!("node · {} · {state}", node.instance_type),
                    }
                },
                12.0,
                TEXT_DIM,
            );
            let (requested_cpu, requested_memory) = requested_on_node(eks, &pods);
            let bar = |i: f32| Area {
                x: area.x + PAD,
                y: area.y + INSTANCE_HEADER + i * (BAR_H + 4.0),
                w: area.w - 2.0 * PAD,
                h: BAR_H,
            };
            push_bar(
                &mut scene,
                &format!("{key}/cpu"),
                bar(0.0),
                requested_cpu,
                node.allocatable_cpu_millis,
                "CPU",
                "m requested",
                BAR_CPU,
            );
            push_bar(
                &mut scene,
                &format!("{key}/mem"),
                bar(1.0),
                requested_memory,
                node.allocatable_memory_mib,
                "MEM",
                "MiB requested",
                BAR_MEM,
            );
            push_bar(
                &mut scene,
                &format!("{key}/pods"),
                bar(2.0),
                pods.len() as u32,
                node.max_pods,
                "PODS",
                "(max-pods)",
                Color::srgb(0.35, 0.6, 0.5),
            );
            let top = area.y + INSTANCE_HEADER + 3.0 * (BAR_H + 4.0) + GAP;
            place_pods(
                &mut scene,
                eks,
                &pods,
                cols,
                area.x + PAD - GAP / 2.0,
                top,
                now,
            );
            scene.areas.insert(key, area);
            y += h + GAP;
        }
        max_h = max_h.max(y);
        let area = Area {
            x,
            y: 0.0,
            w: zone_w,
            h: 0.0,
        };
        scene.areas.insert(format!("zone:{}", zone.name), area);
    }
    for (zi, zone) in zones.iter().enumerate() {
        let x = zi as f32 * (zone_w + ZONE_GAP);
        let area = Area {
            x,
            y: 0.0,
            w: zone_w,
            h: max_h + PAD,
        };
        let key = format!("zone:{}", zone.name);
        push_rect(&mut scene, &key, area, ZONE_BG, 0.0);
        push_text(
            &mut scene,
            &format!("{key}/t"),
            Vec2::new(x + PAD, 10.0),
            format!("{}  ·  {}", zone.name, zone.subnet_cidr),
            17.0,
            TEXT,
        );
        scene.areas.insert(key, area);
        scene.bounds = Some(scene.bounds.map_or(area, |b| b.union(&area)));
    }
    // Pods no node could take, in their own visible area below the zones.
    let pending: Vec<usize> = (0..eks.pods.len())
        .filter(|&p| live(&&eks.pods[p]) && eks.pods[p].node.is_none())
        .collect();
    if !pending.is_empty() {
        let width = scene.bounds.map_or(zone_w, |b| b.w);
        let per_row = ((width - 2.0 * PAD) / (CARD_W + GAP)).floor().max(1.0) as usize;
        let h = LANE_HEADER + (pending.len().div_ceil(per_row) as f32) * (CARD_H + GAP) + PAD;
        let area = Area {
            x: 0.0,
            y: max_h + PAD + ZONE_GAP,
            w: width,
            h,
        };
        push_rect(&mut scene, "lane:unscheduled", area, ZONE_OUT_BG, 0.0);
        push_text(
            &mut scene,
            "lane:unscheduled/t",
            Vec2::new(PAD, area.y + 6.0),
            why_pending(eks, &pending).to_string(),
            14.0,
            TEXT,
        );
        place_pods(
            &mut scene,
            eks,
            &pending,
            per_row,
            PAD - GAP / 2.0,
            area.y + LANE_HEADER,
            now,
        );
        scene.bounds = Some(scene.bounds.map_or(area, |b| b.union(&area)));
    }
    // The Services above, with lines to their endpoints (ready pods).
    let services: Vec<(usize, &(String, String, u16))> = eks
        .deployments
        .iter()
        .enumerate()
        .filter_map(|(d, dep)| dep.service.as_ref().map(|s| (d, s)))
        .collect();
    let width = scene.bounds.map_or(zone_w, |b| b.w);
    let n = services.len() as f32;
    let spacing = ((width - n * TG_W) / (n + 1.0)).max(GAP);
    for (i, (d, (name, kind, port))) in services.into_iter().enumerate() {
        let area = Area {
            x: spacing + i as f32 * (TG_W + spacing),
            y: -TG_GAP_Y - TG_H,
            w: TG_W,
            h: TG_H,
        };
        let key = format!("tg:{name}");
        push_rect(&mut scene, &key, area, TG_BG, 1.0);
        let endpoints = orca_sim::k8s::endpoints::endpoints(eks, d);
        push_text(
            &mut scene,
            &format!("{key}/t1"),
            Vec2::new(area.x + PAD, area.y + 7.0),
            format!("⚖ service/{name}  ({kind}, port {port})"),
            19.0,
            TEXT,
        );
        push_text(
            &mut scene,
            &format!("{key}/t2"),
            Vec2::new(area.x + PAD, area.y + 42.0),
            format!(
                "✓{} endpoints: ready pods of deployment/{}",
                endpoints.len(),
                eks.deployments[d].name
            ),
            16.0,
            TEXT_DIM,
        );
        for p in endpoints {
            scene.links.push(Link {
                target_group: i,
                task_id: eks.pods[p].name.clone(),
                state: TargetState::Healthy,
            });
        }
        scene.target_groups.push(area);
        scene.areas.insert(key, area);
        scene.bounds = Some(scene.bounds.map_or(area, |b| b.union(&area)));
    }
    scene
}

/// Pod cards for `pods` in rows of `cols`, from the top-left corner `(left, top)`.
fn place_pods(
    scene: &mut Scene,
    eks: &Cluster,
    pods: &[usize],
    cols: usize,
    left: f32,
    top: f32,
    now: SimTime,
) {
    for (slot, &p) in pods.iter().enumerate() {
        let pod = &eks.pods[p];
        let col = (slot % cols) as f32;
        let row = (slot / cols) as f32;
        let area = Area {
            x: left + GAP / 2.0 + col * (CARD_W + GAP),
            y: top + row * (CARD_H + GAP),
            w: CARD_W,
            h: CARD_H,
        };
        let (state, label) = pod_look(pod);
        let rs = &eks.replica_sets[pod.replica_set];
        let current = eks.current_replica_set(rs.deployment);
        let suffix = pod.name.rsplit('-').next().unwrap_or(&pod.name);
        let line1 = if eks.deployments.len() > 1 {
            format!(
                "{} {suffix} r{}",
                eks.deployments[rs.deployment].name, rs.revision
            )
        } else {
            format!("{suffix}  rev {}", rs.revision)
        };
        scene.cards.push(Card {
            task: None,
            id: pod.name.clone(),
            area,
            state,
            new_revision: Some(pod.replica_set) == current,
            line1,
            alpha: 1.0,
            appear: (now.since(pod.created_at).0 as f32 / APPEAR_MS).clamp(0.0, 1.0),
            label: Some(label),
        });
        scene.areas.insert(format!("card:{}", pod.name), area);
    }
}

/// The most pods in one host box (a node, or the unscheduled area).
pub(super) fn busiest_host(eks: &Cluster) -> usize {
    let mut per_node = vec![0usize; eks.nodes.len() + 1];
    for p in eks.pods.iter().filter(|p| !p.gone) {
        per_node[p.node.unwrap_or(eks.nodes.len())] += 1;
    }
    per_node.into_iter().max().unwrap_or(0)
}

/// Domain fact decided here until the core provides it: the pods bound to node `ni` (every
/// pod that is not gone, terminating ones included). The core's scheduler counts a node's pods
/// against max-pods itself; it should expose that list or count.
pub fn pods_on_node(eks: &Cluster, ni: usize) -> Vec<usize> {
    (0..eks.pods.len())
        .filter(|&p| !eks.pods[p].gone && eks.pods[p].node == Some(ni))
        .collect()
}

/// Domain fact decided here until the core provides it: a node's requested CPU (millicores)
/// and memory (MiB), summed from the templates of the pods on it. The scheduler's
/// NodeResourcesFit sums the same requests; the core should expose the node's requested
/// resources.
fn requested_on_node(eks: &Cluster, pods: &[usize]) -> (u32, u32) {
    let req = |f: &dyn Fn(&Template) -> u32| -> u32 {
        pods.iter()
            .map(|&p| f(&eks.replica_sets[eks.pods[p].replica_set].template))
            .sum()
    };
    (
        req(&|t| t.requests.cpu_millis),
        req(&|t| t.requests.memory_mib),
    )
}

/// Domain fact decided here until the core provides it: kubectl's READY column for a running
/// pod, written as one container per pod. The core should give ready and total containers.
fn ready_column(pod: &Pod) -> String {
    format!("{}/1", u8::from(pod.ready))
}

/// Domain fact decided here until the core provides it: why the unscheduled pods wait —
/// Fargate making their nodes, Karpenter having nominated them to NodeClaims, or no node
/// with room. The core should give each pending pod its reason (PodScheduled=False with
/// Unschedulable, a nomination, Fargate provisioning).
fn why_pending(eks: &Cluster, pending: &[usize]) -> &'static str {
    if pending
        .iter()
        .all(|&p| eks.deployments[eks.replica_sets[eks.pods[p].replica_set].deployment].fargate)
    {
        "Pending: Fargate is provisioning a node for each of these pods"
    } else if eks
        .karpenter
        .as_ref()
        .is_some_and(|k| pending.iter().any(|p| k.nominated.contains_key(p)))
    {
        "Pending: Karpenter launches NodeClaims for these pods (Nominated)"
    } else {
        "Unscheduled: no node has room (see FailedScheduling)"
    }
}
