//! A side-by-side world (`WorldSpec::Both`: an ECS cluster and an EKS cluster in one VPC): the
//! ECS part's zones on the left, the EKS part's on the right, each zone titled with its
//! orchestrator so the two read apart, each host counted in its own orchestrator's words.

use orca_sim::World;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::k8s::cluster::Cluster;

use super::model::{HostModel, Model};
use super::palette::LANE_BG;
use super::{layout_ecs, layout_eks};

/// The two parts' models in one: ECS first, then EKS with its zones, hosts, cards and
/// Services shifted after the ECS ones.
pub(super) fn model(world: &World, ecs: &EcsCluster, eks: &Cluster) -> Model {
    let mut m = layout_ecs::model(world, ecs);
    let k = layout_eks::model(world, eks);
    for z in &mut m.zones {
        z.part = Some("ECS");
    }
    let zone_base = m.zones.len();
    let card_base = m.cards.len();
    m.eks_zones_from = Some(zone_base);
    m.zones.extend(k.zones.into_iter().map(|mut z| {
        z.part = Some("EKS");
        z
    }));
    m.cards.extend(k.cards);
    let shift = |r: std::ops::Range<usize>| r.start + card_base..r.end + card_base;
    let mut eks_hosts: Vec<HostModel> = k
        .hosts
        .into_iter()
        .map(|mut h| {
            h.zone += zone_base;
            h.cards = shift(h.cards);
            h
        })
        .collect();
    match (&m.waiting, k.waiting) {
        (_, None) => {}
        (None, Some(mut lane)) => {
            lane.cards = shift(lane.cards);
            m.waiting = Some(lane);
            m.waiting_eks = true;
        }
        // Both wait: the ECS part keeps the lane below the zones, the pods no node took are
        // shown first in the EKS part's first zone.
        (Some(_), Some(lane)) => eks_hosts.insert(
            0,
            HostModel {
                key: "lane:eks-unscheduled".into(),
                zone: zone_base,
                title: lane.title,
                notes: lane.notes,
                bars: Vec::new(),
                bg: LANE_BG,
                cards: shift(lane.cards),
                keeps_a_row: false,
            },
        ),
    }
    m.hosts.extend(eks_hosts);
    for mut g in k.groups {
        for t in &mut g.targets {
            t.0 += card_base;
        }
        // A Service named like a target group keeps its own key.
        if m.groups.iter().any(|o| o.key == g.key) {
            g.key = format!("tg:eks/{}", &g.key["tg:".len().min(g.key.len())..]);
        }
        m.groups.push(g);
    }
    m
}
