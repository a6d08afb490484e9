//! What is on the canvas, before anything is placed: zones, their hosts with the cards on
//! them, the area of tasks or pods no host has taken, and the target groups (or Services)
//! with their targets. `layout_ecs` and `layout_eks` read a world into a [`Model`];
//! `layout::arrange` places it. Cards carry no text: the sync writes the words of the few
//! cards on screen.

use std::ops::Range;

use bevy::prelude::*;
use orca_sim::elb::TargetState;

use super::card_state::CardState;
use super::scene::CardKey;
pub use super::scene::Stripe;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Model {
    pub zones: Vec<ZoneModel>,
    /// In zone order, each zone's hosts in the order they are drawn.
    pub hosts: Vec<HostModel>,
    /// Tasks waiting for capacity (ECS) or pods no node has taken (EKS).
    pub waiting: Option<LaneModel>,
    /// Target groups (ECS) or Services (EKS).
    pub groups: Vec<GroupModel>,
    /// Every card, each host's (and the waiting area's) in one run.
    pub cards: Vec<CardModel>,
    /// Kubernetes words for the states (ready, terminating…).
    pub eks: bool,
    /// A side-by-side world: the zones from this index on are the EKS part's (Kubernetes
    /// words there, ECS words before).
    pub eks_zones_from: Option<usize>,
    /// The waiting lane holds pods (a side-by-side world whose ECS part waits for nothing).
    pub waiting_eks: bool,
    /// Blue/green services' listeners and bands (`layout_traffic`).
    pub traffic: Vec<TrafficModel>,
}

impl Model {
    /// Whether a host (`None`: the waiting lane) is counted in Kubernetes' words.
    pub fn eks_words(&self, host: Option<usize>) -> bool {
        self.eks
            || match host {
                Some(h) => self
                    .eks_zones_from
                    .is_some_and(|z| self.hosts.get(h).is_some_and(|h| h.zone >= z)),
                None => self.waiting_eks,
            }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ZoneModel {
    pub name: String,
    pub subnet: String,
    pub out: bool,
    /// In a side-by-side world, the orchestrator whose part of the zone this is ("ECS",
    /// "EKS"), said in the title.
    pub part: Option<&'static str>,
}

impl ZoneModel {
    /// The scene key: `zone:NAME`, or `ekszone:NAME` for a side-by-side world's EKS part (the
    /// same zone, a second box).
    pub fn key(&self) -> String {
        match self.part {
            Some("EKS") => format!("ekszone:{}", self.name),
            _ => format!("zone:{}", self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HostModel {
    /// `inst:NAME`, `node:NAME` or `lane:ZONE`.
    pub key: String,
    pub zone: usize,
    pub title: String,
    /// Parts of the second line, joined with " · " and wrapped to the box.
    pub notes: Vec<String>,
    pub bars: Vec<BarModel>,
    pub bg: Color,
    pub cards: Range<usize>,
    /// An empty host keeps a row for cards (an instance); a lane does not need to.
    pub keeps_a_row: bool,
}

/// A labelled bar: `used` of `total`, e.g. an instance's reserved CPU.
#[derive(Debug, Clone, PartialEq)]
pub struct BarModel {
    pub name: &'static str,
    pub used: u32,
    pub total: u32,
    pub unit: &'static str,
    pub color: Color,
}

impl BarModel {
    pub fn label(&self) -> String {
        format!("{} {} / {} {}", self.name, self.used, self.total, self.unit)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LaneModel {
    pub key: &'static str,
    pub title: String,
    pub notes: Vec<String>,
    pub cards: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupModel {
    /// `tg:NAME`.
    pub key: String,
    pub title: String,
    pub summary: String,
    /// Targets as indices into [`Model::cards`], with their state.
    pub targets: Vec<(usize, TargetState)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CardModel {
    pub key: CardKey,
    pub state: CardState,
    pub stripe: Stripe,
    pub alpha: f32,
    pub appear: f32,
}

/// A blue/green service's place in the row of groups, for its bands.
#[derive(Debug, Clone, PartialEq)]
pub struct TrafficModel {
    /// Indices into [`Model::groups`]: the first target group, the listeners, the second.
    pub left: usize,
    pub listeners: usize,
    pub right: usize,
    /// Production weights of the two target groups (eased), and the test listener's.
    pub production: [f64; 2],
    pub test: Option<[f64; 2]>,
}
