//! The cluster canvas: a pure layout of the world (zones, instances, Fargate lanes, target
//! groups, task cards) and the systems that mirror it into Bevy 2D entities and animate them.
//!
//! The layout is computed from `Player::playback.world()` every frame; entities are keyed by
//! the object they show, spawned when it appears and despawned when it leaves. Motion is paced
//! by the simulation clock (`Player::frame_sim_dt_ms`), so pausing, speed and seeking act on it.

use bevy::platform::collections::HashMap;

use bevy::prelude::*;
use bevy::sprite::Anchor;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::{DesiredStatus, HealthStatus, Host, InstanceStatus, Task, TaskStatus};
use orca_sim::elb::TargetState;
use orca_sim::scenario::spec::LaunchType;
use orca_sim::world::TaskIdx;
use orca_sim::{SimTime, World};

use super::player::{Player, Selection};

pub const CARD_W: f32 = 200.0;
pub const CARD_H: f32 = 62.0;
const GAP: f32 = 10.0;
const PAD: f32 = 12.0;
/// The narrowest a zone column gets (instance headers and bars need the room).
const MIN_ZONE_W: f32 = 300.0;
const ZONE_GAP: f32 = 28.0;
const ZONE_HEADER: f32 = 44.0;
const INSTANCE_HEADER: f32 = 50.0;
const BAR_H: f32 = 18.0;
const LANE_HEADER: f32 = 30.0;
const TG_W: f32 = 440.0;
const TG_H: f32 = 78.0;
const TG_GAP_Y: f32 = 120.0;
/// How long a STOPPED task stays on the canvas while it fades, in simulated ms.
pub const FADE_MS: u64 = 20_000;
/// Card motion and appearance, in simulated ms.
const MOVE_MS: f32 = 900.0;
const APPEAR_MS: f32 = 700.0;
/// Text is laid out at twice its size and scaled down, so it stays crisp when zoomed in.
const TEXT_OVERSAMPLE: f32 = 2.0;

/// What a card's status reads as. Each state has its own colour *and* its own text and glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardState {
    Provisioning,
    Pending,
    Activating,
    Running,
    Initial,
    Healthy,
    Unhealthy,
    Draining,
    Stopping,
    Deprovisioning,
    Stopped,
}

impl CardState {
    pub const ALL: [CardState; 11] = [
        CardState::Provisioning,
        CardState::Pending,
        CardState::Activating,
        CardState::Running,
        CardState::Initial,
        CardState::Healthy,
        CardState::Unhealthy,
        CardState::Draining,
        CardState::Stopping,
        CardState::Deprovisioning,
        CardState::Stopped,
    ];

    pub fn of(world: &EcsCluster, t: TaskIdx) -> CardState {
        let task = world.task(t);
        let target = world
            .target_groups
            .iter()
            .find_map(|tg| tg.target_of(t).map(|x| x.state));
        match task.last_status {
            TaskStatus::Provisioning => CardState::Provisioning,
            TaskStatus::Pending => CardState::Pending,
            TaskStatus::Activating => CardState::Activating,
            TaskStatus::Running => {
                if task.desired_status == DesiredStatus::Stopped {
                    return CardState::Draining;
                }
                match (target, task.health_status) {
                    (_, HealthStatus::Unhealthy) | (Some(TargetState::Unhealthy), _) => {
                        CardState::Unhealthy
                    }
                    (Some(TargetState::Draining), _) => CardState::Draining,
                    (Some(TargetState::Initial), _) => CardState::Initial,
                    (Some(TargetState::Healthy), _) | (None, HealthStatus::Healthy) => {
                        CardState::Healthy
                    }
                    _ => CardState::Running,
                }
            }
            TaskStatus::Deactivating => CardState::Draining,
            TaskStatus::Stopping => CardState::Stopping,
            TaskStatus::Deprovisioning => CardState::Deprovisioning,
            TaskStatus::Stopped => CardState::Stopped,
        }
    }

    /// Glyph and words on the card.
    pub fn label(self) -> &'static str {
        match self {
            CardState::Provisioning => "◌ PROVISIONING",
            CardState::Pending => "◌ PENDING",
            CardState::Activating => "◔ ACTIVATING",
            CardState::Running => "▶ RUNNING",
            CardState::Initial => "▶ RUNNING · initial",
            CardState::Healthy => "✓ RUNNING · healthy",
            CardState::Unhealthy => "✗ UNHEALTHY",
            CardState::Draining => "⇣ DRAINING",
            CardState::Stopping => "■ STOPPING",
            CardState::Deprovisioning => "■ DEPROVISIONING",
            CardState::Stopped => "✕ STOPPED",
        }
    }

    /// What the legend says about the state.
    pub fn meaning(self) -> &'static str {
        match self {
            CardState::Provisioning => "network interface being set up",
            CardState::Pending => "pulling the image, starting containers",
            CardState::Activating => "registering with the load balancer",
            CardState::Running => "running, no health check",
            CardState::Initial => "target registered, load balancer still checking",
            CardState::Healthy => "passes its health checks",
            CardState::Unhealthy => "running, but failing its health checks",
            CardState::Draining => "deregistering; requests finish",
            CardState::Stopping => "SIGTERM sent, containers stopping",
            CardState::Deprovisioning => "network interface being removed",
            CardState::Stopped => "stopped; fades away",
        }
    }

    pub fn color(self) -> Color {
        match self {
            CardState::Provisioning | CardState::Pending => Color::srgb(0.33, 0.37, 0.46),
            CardState::Activating => Color::srgb(0.27, 0.42, 0.58),
            CardState::Running | CardState::Initial => Color::srgb(0.16, 0.38, 0.70),
            CardState::Healthy => Color::srgb(0.11, 0.50, 0.27),
            CardState::Unhealthy => Color::srgb(0.72, 0.15, 0.15),
            CardState::Draining => Color::srgb(0.72, 0.47, 0.06),
            CardState::Stopping | CardState::Deprovisioning => Color::srgb(0.47, 0.29, 0.13),
            CardState::Stopped => Color::srgb(0.28, 0.28, 0.30),
        }
    }
}

/// Stripe colours: the new (PRIMARY) revision and older ones.
pub const NEW_REVISION: Color = Color::srgb(0.35, 0.88, 0.98);
pub const OLD_REVISION: Color = Color::srgb(0.80, 0.55, 1.0);
pub const CANVAS_BG: Color = Color::srgb(0.07, 0.08, 0.11);
const ZONE_BG: Color = Color::srgb(0.11, 0.13, 0.17);
const ZONE_OUT_BG: Color = Color::srgb(0.22, 0.09, 0.09);
const INSTANCE_BG: Color = Color::srgb(0.17, 0.19, 0.25);
/// An instance an Auto Scaling group launched, before its agent registers it.
pub const INSTANCE_BOOTING_BG: Color = Color::srgb(0.14, 0.2, 0.3);
pub const INSTANCE_GONE_BG: Color = Color::srgb(0.2, 0.13, 0.14);
/// How long a new instance takes to fade in, in simulated ms.
const INSTANCE_APPEAR_MS: u64 = 4_000;
const LANE_BG: Color = Color::srgb(0.14, 0.16, 0.22);
const TG_BG: Color = Color::srgb(0.20, 0.17, 0.30);
const BAR_BG: Color = Color::srgb(0.10, 0.11, 0.14);
const BAR_CPU: Color = Color::srgb(0.25, 0.55, 0.85);
const BAR_MEM: Color = Color::srgb(0.55, 0.40, 0.85);
const TEXT: Color = Color::srgb(0.92, 0.93, 0.95);
const TEXT_DIM: Color = Color::srgb(0.68, 0.71, 0.77);

/// A rectangle in layout space: x right, y down, origin at the top-left of the first zone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Area {
    pub fn center(&self) -> Vec2 {
        Vec2::new(self.x + self.w / 2.0, -(self.y + self.h / 2.0))
    }
    pub fn top_left(&self) -> Vec2 {
        Vec2::new(self.x, -self.y)
    }
    pub fn union(&self, o: &Area) -> Area {
        let x = self.x.min(o.x);
        let y = self.y.min(o.y);
        Area {
            x,
            y,
            w: (self.x + self.w).max(o.x + o.w) - x,
            h: (self.y + self.h).max(o.y + o.h) - y,
        }
    }
}

/// One thing to draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Prim {
    Rect {
        area: Area,
        color: Color,
        z: f32,
    },
    Text {
        /// Top-left corner.
        at: Vec2,
        text: String,
        size: f32,
        color: Color,
        z: f32,
    },
}

/// A task card.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The ECS task (None for a Kubernetes pod).
    pub task: Option<TaskIdx>,
    pub id: String,
    pub area: Area,
    pub state: CardState,
    pub new_revision: bool,
    pub line1: String,
    pub alpha: f32,
    /// 0 → 1 over the first moments after the task was created (drives the pop-in).
    pub appear: f32,
    /// The status line when it is not the state's own label (Kubernetes pods).
    pub label: Option<String>,
}

/// A target group's link to a task card.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub target_group: usize,
    pub task_id: String,
    pub state: TargetState,
}

/// The whole canvas at one moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scene {
    pub prims: Vec<(String, Prim)>,
    pub cards: Vec<Card>,
    pub target_groups: Vec<Area>,
    pub links: Vec<Link>,
    /// Areas of objects that can be selected, for highlights: key → area.
    pub areas: HashMap<String, Area>,
    pub bounds: Option<Area>,
}

fn visible(task: &Task, now: SimTime) -> bool {
    match task.stopped_at {
        Some(at) if task.last_status == TaskStatus::Stopped => now.since(at).0 < FADE_MS,
        _ => true,
    }
}

/// Lay out the world. Pure: the same world always gives the same scene.
/// `cols` is how many cards sit side by side in a host box (see [`columns_for`]).
pub fn layout(world: &World, cols: usize) -> Scene {
    if let Some(eks) = &world.eks {
        return layout_eks(world, eks, cols);
    }
    let Some(ecs) = &world.ecs else {
        return Scene::default();
    };
    let cols = cols.clamp(1, 8);
    let zone_w = zone_width(cols);
    let now = world.now;
    let net = &world.net;
    let world = ecs;
    let mut scene = Scene::default();
    let zones = &net.zones;
    let primary_defs: Vec<_> = world
        .services
        .iter()
        .filter_map(|s| s.primary().map(|d| d.task_definition))
        .collect();
    let fargate_used = world
        .services
        .iter()
        .any(|s| s.launch_type == LaunchType::Fargate)
        || world.tasks.iter().any(|t| t.host == Host::Fargate);

    // Visible tasks by (zone, host): instance index or None for Fargate.
    let mut by_instance: Vec<Vec<TaskIdx>> = vec![Vec::new(); world.instances.len()];
    let mut by_lane: Vec<Vec<TaskIdx>> = vec![Vec::new(); zones.len()];
    let mut waiting: Vec<TaskIdx> = Vec::new();
    for (i, task) in world.tasks.iter().enumerate() {
        if !visible(task, now) {
            continue;
        }
        let t = TaskIdx(i as u32);
        match task.host {
            Host::Instance(inst) => {
                if let Some(v) = by_instance.get_mut(inst.0 as usize) {
                    v.push(t)
                }
            }
            Host::Fargate => {
                let z = net.zone_index(&task.availability_zone).unwrap_or(0);
                if let Some(v) = by_lane.get_mut(z) {
                    v.push(t)
                }
            }
            Host::AwaitingCapacity => waiting.push(t),
        }
    }

    let rows = |n: usize| n.div_ceil(cols).max(1) as f32;
    let cards_h = |n: usize| rows(n) * (CARD_H + GAP) - GAP;

    let mut zone_areas = Vec::new();
    let mut max_h: f32 = 0.0;
    for (zi, zone) in zones.iter().enumerate() {
        let x = zi as f32 * (zone_w + ZONE_GAP);
        let mut y = ZONE_HEADER;
        for (ii, inst) in world.instances.iter().enumerate() {
            if inst.availability_zone != zone.name {
                continue;
            }
            // A terminated instance of an Auto Scaling group leaves once its tasks have faded.
            if inst.auto_scaling_group.is_some()
                && by_instance[ii].is_empty()
                && inst
                    .terminated_at
                    .is_some_and(|at| now.since(at).0 >= FADE_MS)
            {
                continue;
            }
            let tasks = &by_instance[ii];
            let h = INSTANCE_HEADER + 2.0 * (BAR_H + 4.0) + GAP + cards_h(tasks.len()) + PAD;
            let area = Area {
                x: x + PAD,
                y,
                w: zone_w - 2.0 * PAD,
                h,
            };
            let key = format!("inst:{}", inst.name);
            let status = inst.status;
            // An instance an Auto Scaling group just launched fades in over its first seconds.
            let appear = if inst.launched_at > SimTime::ZERO {
                (now.since(inst.launched_at).0 as f32 / INSTANCE_APPEAR_MS as f32).clamp(0.15, 1.0)
            } else {
                1.0
            };
            let bg = match status {
                InstanceStatus::Registering => INSTANCE_BOOTING_BG,
                InstanceStatus::Inactive | InstanceStatus::Draining => INSTANCE_GONE_BG,
                _ => INSTANCE_BG,
            };
            push_rect(&mut scene, &key, area, bg.with_alpha(appear), 1.0);
            push_text(
                &mut scene,
                &format!("{key}/t1"),
                Vec2::new(area.x + PAD, area.y + 6.0),
                format!(
                    "{}  ·  {}{}{}",
                    inst.name,
                    inst.instance_type,
                    if inst.spot { "  ·  Spot" } else { "" },
                    inst.capacity_provider
                        .as_deref()
                        .map(|cp| format!("  ·  {cp}"))
                        .unwrap_or_default()
                ),
                15.0,
                TEXT,
            );
            push_text(
                &mut scene,
                &format!("{key}/t2"),
                Vec2::new(area.x + PAD, area.y + 27.0),
                format!(
                    "{}  ·  {}",
                    inst.ec2_instance_id,
                    match status {
                        InstanceStatus::Inactive => "✕ INACTIVE (terminated)".to_string(),
                        InstanceStatus::Registering => "◔ REGISTERING (booting)".to_string(),
                        InstanceStatus::Draining if inst.terminate_when_drained =>
                            "⇣ DRAINING → terminate".to_string(),
                        InstanceStatus::Draining => "⇣ DRAINING".to_string(),
                        s => s.as_str().to_string(),
                    }
                ),
                12.0,
                TEXT_DIM,
            );
            let bar_y = area.y + INSTANCE_HEADER;
            push_bar(
                &mut scene,
                &format!("{key}/cpu"),
                Area {
                    x: area.x + PAD,
                    y: bar_y,
                    w: area.w - 2.0 * PAD,
                    h: BAR_H,
                },
                inst.used_cpu,
                inst.registered_cpu,
                "CPU",
                "units reserved",
                BAR_CPU,
            );
            push_bar(
                &mut scene,
                &format!("{key}/mem"),
                Area {
                    x: area.x + PAD,
                    y: bar_y + BAR_H + 4.0,
                    w: area.w - 2.0 * PAD,
                    h: BAR_H,
                },
                inst.used_memory,
                inst.registered_memory,
                "MEM",
                "MiB reserved",
                BAR_MEM,
            );
            let top = bar_y + 2.0 * (BAR_H + 4.0) + GAP;
            place_cards(
                &mut scene,
                now,
                world,
                tasks,
                cols,
                area.x + PAD - GAP / 2.0,
                top,
                &primary_defs,
            );
            scene.areas.insert(key, area);
            y += h + GAP;
        }
        if fargate_used {
            let tasks = &by_lane[zi];
            let h = LANE_HEADER + cards_h(tasks.len()) + PAD;
            let area = Area {
                x: x + PAD,
                y,
                w: zone_w - 2.0 * PAD,
                h,
            };
            let key = format!("lane:{}", zone.name);
            push_rect(&mut scene, &key, area, LANE_BG, 1.0);
            push_text(
                &mut scene,
                &format!("{key}/t"),
                Vec2::new(area.x + PAD, area.y + 6.0),
                "Fargate (AWS-managed hosts)".to_string(),
                13.0,
                TEXT_DIM,
            );
            place_cards(
                &mut scene,
                now,
                world,
                tasks,
                cols,
                area.x + PAD - GAP / 2.0,
                area.y + LANE_HEADER,
                &primary_defs,
            );
            y += h + GAP;
        }
        max_h = max_h.max(y);
        zone_areas.push((zone, x));
    }
    // Tasks PROVISIONING while they wait for an Auto Scaling group to bring an instance.
    let waiting_area = (!waiting.is_empty()).then(|| {
        let width = zones.len() as f32 * (zone_w + ZONE_GAP) - ZONE_GAP;
        let per_row = ((width - 2.0 * PAD) / (CARD_W + GAP)).floor().max(1.0) as usize;
        let h = LANE_HEADER + (waiting.len().div_ceil(per_row) as f32) * (CARD_H + GAP) + PAD;
        let area = Area {
            x: 0.0,
            y: max_h + PAD + ZONE_GAP,
            w: width,
            h,
        };
        (area, per_row)
    });
    if let Some((area, per_row)) = waiting_area {
        let mut providers: Vec<&str> = waiting
            .iter()
            .filter_map(|&t| world.task(t).capacity_provider.as_deref())
            .collect();
        providers.dedup();
        push_rect(&mut scene, "lane:waiting", area, ZONE_OUT_BG, 0.0);
        push_text(
            &mut scene,
            "lane:waiting/t",
            Vec2::new(PAD, area.y + 6.0),
            format!(
                "Waiting for capacity (PROVISIONING) · {}: managed scaling adds instances",
                providers.join(", ")
            ),
            14.0,
            TEXT,
        );
        place_cards(
            &mut scene,
            now,
            world,
            &waiting,
            per_row,
            PAD - GAP / 2.0,
            area.y + LANE_HEADER,
            &primary_defs,
        );
        scene.areas.insert("lane:waiting".into(), area);
    }
    for (zone, x) in zone_areas {
        let area = Area {
            x,
            y: 0.0,
            w: zone_w,
            h: max_h + PAD,
        };
        let key = format!("zone:{}", zone.name);
        let out = zone.is_out();
        push_rect(
            &mut scene,
            &key,
            area,
            if out { ZONE_OUT_BG } else { ZONE_BG },
            0.0,
        );
        push_text(
            &mut scene,
            &format!("{key}/t"),
            Vec2::new(x + PAD, 10.0),
            if out {
                format!("{}  ·  ⚠ OUTAGE", zone.name)
            } else {
                format!("{}  ·  {}", zone.name, zone.subnet_cidr)
            },
            17.0,
            if out {
                Color::srgb(1.0, 0.7, 0.7)
            } else {
                TEXT
            },
        );
        scene.areas.insert(key.clone(), area);
        scene.bounds = Some(scene.bounds.map_or(area, |b| b.union(&area)));
    }
    if let Some((area, _)) = waiting_area {
        scene.bounds = Some(scene.bounds.map_or(area, |b| b.union(&area)));
    }

    // Target groups above the cluster.
    let width = scene.bounds.map_or(zone_w, |b| b.w);
    let n = world.target_groups.len() as f32;
    let spacing = (width - n * TG_W) / (n + 1.0);
    for (i, tg) in world.target_groups.iter().enumerate() {
        let area = Area {
            x: spacing.max(0.0) + i as f32 * (TG_W + spacing.max(GAP)),
            y: -TG_GAP_Y - TG_H,
            w: TG_W,
            h: TG_H,
        };
        let key = format!("tg:{}", tg.name);
        push_rect(&mut scene, &key, area, TG_BG, 1.0);
        let count = |s: TargetState| tg.targets.iter().filter(|t| t.state == s).count();
        push_text(
            &mut scene,
            &format!("{key}/t1"),
            Vec2::new(area.x + PAD, area.y + 7.0),
            format!("⚖ {}  →  target group {}", tg.load_balancer, tg.name),
            19.0,
            TEXT,
        );
        push_text(
            &mut scene,
            &format!("{key}/t2"),
            Vec2::new(area.x + PAD, area.y + 42.0),
            format!(
                "✓{} healthy  ▶{} initial  ✗{} unhealthy  ⇣{} draining",
                count(TargetState::Healthy),
                count(TargetState::Initial),
                count(TargetState::Unhealthy),
                count(TargetState::Draining)
            ),
            16.0,
            TEXT_DIM,
        );
        for target in &tg.targets {
            if target.state == TargetState::Unused {
                continue;
            }
            let task = world.task(target.task);
            if visible(task, now) {
                scene.links.push(Link {
                    target_group: i,
                    task_id: task.id.clone(),
                    state: target.state,
                });
            }
        }
        scene.target_groups.push(area);
        scene.areas.insert(key, area);
        scene.bounds = Some(scene.bounds.map_or(area, |b| b.union(&area)));
    }
    scene
}

fn zone_width(cols: usize) -> f32 {
    (cols as f32 * CARD_W + (cols as f32 + 1.0) * GAP + 2.0 * PAD).max(MIN_ZONE_W)
}

/// Cards per row in a host box: enough that the busiest host of the whole run stays roughly
/// square, so the layout does not change shape while the scenario plays.
pub fn columns_for(max_tasks_per_host: usize) -> usize {
    match max_tasks_per_host {
        0..=4 => 1,
        5..=12 => 2,
        13..=30 => 3,
        n => ((n as f32).sqrt().ceil() as usize).min(8),
    }
}

/// The most tasks visible in one host box (an instance, or a zone's Fargate lane).
pub fn busiest_host(world: &World) -> usize {
    if let Some(eks) = &world.eks {
        let mut per_node = vec![0usize; eks.nodes.len() + 1];
        for p in eks.pods.iter().filter(|p| !p.gone) {
            per_node[p.node.unwrap_or(eks.nodes.len())] += 1;
        }
        return per_node.into_iter().max().unwrap_or(0);
    }
    let Some(ecs) = &world.ecs else {
        return 0;
    };
    let now = world.now;
    let net = &world.net;
    let world = ecs;
    let mut per_instance = vec![0usize; world.instances.len()];
    let mut per_lane = vec![0usize; net.zones.len()];
    for task in world.tasks.iter().filter(|t| visible(t, now)) {
        match task.host {
            Host::Instance(i) => {
                if let Some(n) = per_instance.get_mut(i.0 as usize) {
                    *n += 1
                }
            }
            Host::Fargate => {
                let z = net.zone_index(&task.availability_zone).unwrap_or(0);
                if let Some(n) = per_lane.get_mut(z) {
                    *n += 1
                }
            }
            // The waiting lane spans all zones and wraps its own rows.
            Host::AwaitingCapacity => {}
        }
    }
    per_instance.into_iter().chain(per_lane).max().unwrap_or(0)
}

fn push_rect(scene: &mut Scene, key: &str, area: Area, color: Color, z: f32) {
    scene
        .prims
        .push((key.to_string(), Prim::Rect { area, color, z }));
}

fn push_text(scene: &mut Scene, key: &str, at: Vec2, text: String, size: f32, color: Color) {
    scene.prims.push((
        key.to_string(),
        Prim::Text {
            at,
            text,
            size,
            color,
            z: 5.0,
        },
    ));
}

#[allow(clippy::too_many_arguments)]
fn push_bar(
    scene: &mut Scene,
    key: &str,
    area: Area,
    used: u32,
    total: u32,
    name: &str,
    unit: &str,
    color: Color,
) {
    push_rect(scene, &format!("{key}/bg"), area, BAR_BG, 2.0);
    let frac = if total == 0 {
        0.0
    } else {
        (used as f32 / total as f32).clamp(0.0, 1.0)
    };
    if frac > 0.0 {
        push_rect(
            scene,
            &format!("{key}/fill"),
            Area {
                w: area.w * frac,
                ..area
            },
            color,
            3.0,
        );
    }
    push_text(
        scene,
        &format!("{key}/t"),
        Vec2::new(area.x + 6.0, area.y + 1.0),
        format!("{name} {used} / {total} {unit}"),
        12.0,
        TEXT,
    );
}

fn place_cards(
    scene: &mut Scene,
    now: SimTime,
    world: &EcsCluster,
    tasks: &[TaskIdx],
    cols: usize,
    left: f32,
    top: f32,
    primary_defs: &[orca_sim::world::TaskDefIdx],
) {
    for (slot, &t) in tasks.iter().enumerate() {
        let task = world.task(t);
        let col = (slot % cols) as f32;
        let row = (slot / cols) as f32;
        let area = Area {
            x: left + GAP / 2.0 + col * (CARD_W + GAP),
            y: top + row * (CARD_H + GAP),
            w: CARD_W,
            h: CARD_H,
        };
        let state = CardState::of(world, t);
        let alpha = match task.stopped_at {
            Some(at) if state == CardState::Stopped => {
                1.0 - (now.since(at).0 as f32 / FADE_MS as f32).clamp(0.0, 1.0) * 0.85
            }
            _ => 1.0,
        };
        let td = world.task_definition(task.task_definition);
        let new_revision = primary_defs.contains(&task.task_definition);
        scene.cards.push(Card {
            task: Some(t),
            id: task.id.clone(),
            area,
            state,
            new_revision,
            line1: if task.capacity_provider.as_deref() == Some("FARGATE_SPOT") {
                format!("{} {} SPOT", task.short_id(), td.family_revision())
            } else {
                format!("{}  {}", task.short_id(), td.family_revision())
            },
            alpha,
            appear: (now.since(task.created_at).0 as f32 / APPEAR_MS).clamp(0.0, 1.0),
            label: None,
        });
        scene.areas.insert(format!("card:{}", task.id), area);
    }
}

// ---------------------------------------------------------------------------------------------
// Bevy side

/// The key of the object an entity shows.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct CanvasKey(pub String);

/// A task card entity, with its easing state.
#[derive(Component, Debug, Clone)]
pub struct CardAnim {
    pub task_id: String,
    from: Vec2,
    to: Vec2,
    t: f32,
    appear: f32,
    pub state: CardState,
}

impl CardAnim {
    pub fn position(&self) -> Vec2 {
        EasingCurve::new(self.from, self.to, EaseFunction::CubicInOut).sample_clamped(self.t)
    }
}

/// A clickable object and what selecting it selects.
#[derive(Component, Debug, Clone)]
pub struct Selectable(pub Selection);

/// The font canvas text uses (absent in headless tests).
#[derive(Resource, Clone)]
pub struct CanvasFont(pub Handle<Font>);

/// Entities by key, and the last scene.
#[derive(Resource, Default)]
pub struct Canvas {
    pub entities: HashMap<String, Entity>,
    pub scene: Scene,
    /// The scene's bounds changed (a refit may be wanted).
    pub bounds_changed: bool,
}

fn text_font(font: &Option<Res<CanvasFont>>, size: f32) -> TextFont {
    let f = TextFont::from_font_size(size * TEXT_OVERSAMPLE);
    match font {
        Some(h) => f.with_font(h.0.clone()),
        None => f,
    }
}

fn with_alpha(c: Color, a: f32) -> Color {
    c.with_alpha(c.alpha() * a)
}

type PrimQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static mut Transform,
        Option<&'static mut Sprite>,
        Option<&'static mut Text2d>,
        Option<&'static mut TextColor>,
        Option<&'static mut CardAnim>,
    ),
>;

/// Mirror the world into entities: spawn, update and despawn by key.
pub fn sync_canvas(
    mut commands: Commands,
    player: Res<Player>,
    mut canvas: ResMut<Canvas>,
    font: Option<Res<CanvasFont>>,
    mut q: PrimQuery,
) {
    let scene = layout(player.playback.world(), player.layout_cols);
    canvas.bounds_changed = scene.bounds != canvas.scene.bounds;
    let mut seen: HashMap<String, Entity> = HashMap::with_capacity(canvas.entities.len());

    for (key, prim) in &scene.prims {
        let entity = canvas.entities.get(key).copied();
        let e = match prim {
            Prim::Rect { area, color, z } => {
                let pos = area.center().extend(*z);
                let size = Vec2::new(area.w, area.h);
                match entity.and_then(|e| q.get_mut(e).ok().map(|r| (e, r))) {
                    Some((e, (mut tf, Some(mut sprite), _, _, _))) => {
                        if tf.translation != pos {
                            tf.translation = pos;
                        }
                        if sprite.color != *color {
                            sprite.color = *color;
                        }
                        if sprite.custom_size != Some(size) {
                            sprite.custom_size = Some(size);
                        }
                        e
                    }
                    _ => {
                        let mut ec = commands.spawn((
                            CanvasKey(key.clone()),
                            Sprite::from_color(*color, size),
                            Transform::from_translation(pos),
                        ));
                        if let Some(sel) = selection_for_key(key) {
                            ec.insert((Selectable(sel), bevy::picking::Pickable::default()));
                        }
                        ec.id()
                    }
                }
            }
            Prim::Text {
                at,
                text,
                size,
                color,
                z,
            } => {
                let pos = Vec2::new(at.x, -at.y).extend(*z);
                match entity.and_then(|e| q.get_mut(e).ok().map(|r| (e, r))) {
                    Some((e, (mut tf, _, Some(mut t), Some(mut c), _))) => {
                        if tf.translation != pos {
                            tf.translation = pos;
                        }
                        if t.0 != *text {
                            t.0.clone_from(text);
                        }
                        if c.0 != *color {
                            c.0 = *color;
                        }
                        e
                    }
                    _ => commands
                        .spawn((
                            CanvasKey(key.clone()),
                            Text2d::new(text.clone()),
                            text_font(&font, *size),
                            TextColor(*color),
                            Anchor::TOP_LEFT,
                            Transform::from_translation(pos)
                                .with_scale(Vec3::splat(1.0 / TEXT_OVERSAMPLE)),
                        ))
                        .id(),
                }
            }
        };
        seen.insert(key.clone(), e);
    }

    let dt = player.frame_sim_dt_ms as f32;
    for card in &scene.cards {
        let key = format!("card:{}", card.id);
        let target = card.area.center();
        let fill = with_alpha(card.state.color(), card.alpha);
        let stripe = with_alpha(
            if card.new_revision {
                NEW_REVISION
            } else {
                OLD_REVISION
            },
            card.alpha,
        );
        let text_color = with_alpha(TEXT, card.alpha);
        let existing = canvas.entities.get(&key).copied();
        let root = match existing.and_then(|e| q.get_mut(e).ok().map(|r| (e, r))) {
            Some((e, (mut tf, Some(mut sprite), _, _, Some(mut anim)))) => {
                if anim.to != target {
                    anim.from = anim.position();
                    anim.to = target;
                    anim.t = 0.0;
                }
                if player.jumped {
                    anim.t = 1.0;
                } else {
                    anim.t = (anim.t + dt / MOVE_MS).min(1.0);
                }
                anim.appear = card.appear;
                anim.state = card.state;
                let p = anim.position();
                let scale = 0.6 + 0.4 * EaseFunction::BackOut.sample_clamped(anim.appear);
                let tr = p.extend(10.0);
                if tf.translation != tr {
                    tf.translation = tr;
                }
                if tf.scale.x != scale {
                    tf.scale = Vec3::splat(scale);
                }
                if sprite.color != fill {
                    sprite.color = fill;
                }
                e
            }
            _ => {
                let appear = card.appear;
                let scale = 0.6 + 0.4 * EaseFunction::BackOut.sample_clamped(appear);
                commands
                    .spawn((
                        CanvasKey(key.clone()),
                        Sprite::from_color(fill, Vec2::new(CARD_W, CARD_H)),
                        Transform::from_translation(target.extend(10.0))
                            .with_scale(Vec3::splat(scale)),
                        CardAnim {
                            task_id: card.id.clone(),
                            from: target,
                            to: target,
                            t: 1.0,
                            appear,
                            state: card.state,
                        },
                        Selectable(Selection::Task(card.id.clone())),
                        bevy::picking::Pickable::default(),
                    ))
                    .id()
            }
        };
        seen.insert(key.clone(), root);
        // Children: revision stripe and two lines of text, positioned relative to the card.
        let parts: [(String, Option<Color>, Option<(String, f32, Vec2)>); 3] = [
            (format!("{key}/stripe"), Some(stripe), None),
            (
                format!("{key}/l1"),
                None,
                Some((
                    card.line1.clone(),
                    17.0,
                    Vec2::new(-CARD_W / 2.0 + 14.0, CARD_H / 2.0 - 6.0),
                )),
            ),
            (
                format!("{key}/l2"),
                None,
                Some((
                    card.label
                        .clone()
                        .unwrap_or_else(|| card.state.label().to_string()),
                    15.0,
                    Vec2::new(-CARD_W / 2.0 + 14.0, CARD_H / 2.0 - 33.0),
                )),
            ),
        ];
        for (child_key, stripe_color, text) in parts {
            let existing = canvas.entities.get(&child_key).copied();
            let e = match (
                existing.and_then(|e| q.get_mut(e).ok().map(|r| (e, r))),
                stripe_color,
                &text,
            ) {
                (Some((e, (_, Some(mut sprite), _, _, _))), Some(c), _) => {
                    if sprite.color != c {
                        sprite.color = c;
                    }
                    e
                }
                (Some((e, (_, _, Some(mut t), Some(mut tc), _))), None, Some((s, _, _))) => {
                    if t.0 != *s {
                        t.0.clone_from(s);
                    }
                    if tc.0 != text_color {
                        tc.0 = text_color;
                    }
                    e
                }
                (_, Some(c), _) => commands
                    .spawn((
                        CanvasKey(child_key.clone()),
                        Sprite::from_color(c, Vec2::new(7.0, CARD_H)),
                        Transform::from_xyz(-CARD_W / 2.0 + 3.5, 0.0, 0.5),
                        ChildOf(root),
                    ))
                    .id(),
                (_, None, Some((s, size, at))) => commands
                    .spawn((
                        CanvasKey(child_key.clone()),
                        Text2d::new(s.clone()),
                        text_font(&font, *size),
                        TextColor(text_color),
                        Anchor::TOP_LEFT,
                        Transform::from_translation(at.extend(1.0))
                            .with_scale(Vec3::splat(1.0 / TEXT_OVERSAMPLE)),
                        ChildOf(root),
                    ))
                    .id(),
                (_, None, None) => continue,
            };
            seen.insert(child_key, e);
        }
    }

    // Despawn what left the scene (children go with their card).
    for (key, e) in canvas.entities.drain() {
        let card_child = key.starts_with("card:") && key.contains('/');
        if key.starts_with("link:") {
            seen.insert(key, e);
            continue;
        }
        if !seen.contains_key(&key)
            && !card_child
            && let Ok(mut ec) = commands.get_entity(e)
        {
            ec.despawn();
        }
    }
    canvas.entities = seen;
    canvas.scene = scene;
}

/// What clicking the object with this key selects.
pub fn selection_for_key(key: &str) -> Option<Selection> {
    if key.contains('/') {
        return None;
    }
    let (kind, name) = key.split_once(':')?;
    Some(match kind {
        "card" => Selection::Task(name.to_string()),
        "node" => Selection::Node(name.to_string()),
        "inst" => Selection::Instance(name.to_string()),
        "tg" => Selection::TargetGroup(name.to_string()),
        "zone" => Selection::Zone(name.to_string()),
        _ => return None,
    })
}

fn link_color(state: TargetState) -> Color {
    match state {
        TargetState::Healthy => Color::srgb(0.30, 0.80, 0.45),
        TargetState::Initial => Color::srgb(0.55, 0.65, 0.82),
        TargetState::Unhealthy => Color::srgb(0.95, 0.30, 0.30),
        TargetState::Draining | TargetState::Unused => Color::srgb(0.90, 0.65, 0.20),
    }
}

/// Lines from target groups to their targets' cards, drawn as sprites under the cards and
/// all text (z 4.5)
/// and following the cards' animated positions. Unhealthy and draining links are dashed.
pub fn sync_links(
    mut commands: Commands,
    mut canvas: ResMut<Canvas>,
    cards: Query<&CardAnim>,
    mut sprites: Query<(&mut Transform, &mut Sprite), Without<CardAnim>>,
) {
    const WIDTH: f32 = 3.0;
    const DASH: f32 = 14.0;
    const DASH_GAP: f32 = 10.0;
    let mut segments: Vec<(String, Vec2, Vec2, Color)> = Vec::new();
    for link in &canvas.scene.links {
        let Some(tg) = canvas.scene.target_groups.get(link.target_group) else {
            continue;
        };
        let Some(anim) = canvas
            .entities
            .get(&format!("card:{}", link.task_id))
            .and_then(|e| cards.get(*e).ok())
        else {
            continue;
        };
        let from = Vec2::new(tg.x + tg.w / 2.0, -(tg.y + tg.h));
        let to = anim.position() + Vec2::new(0.0, CARD_H / 2.0);
        let color = link_color(link.state);
        let base = format!("link:{}:{}", link.target_group, link.task_id);
        match link.state {
            TargetState::Draining | TargetState::Unhealthy => {
                let len = from.distance(to);
                let dir = (to - from).normalize_or_zero();
                let mut d = 0.0;
                let mut k = 0;
                while d < len {
                    let a = from + dir * d;
                    let b = from + dir * (d + DASH).min(len);
                    segments.push((format!("{base}:{k}"), a, b, color));
                    d += DASH + DASH_GAP;
                    k += 1;
                }
            }
            _ => segments.push((format!("{base}:0"), from, to, color)),
        }
    }
    let mut seen = HashMap::with_capacity(segments.len());
    for (key, a, b, color) in segments {
        let mid = (a + b) / 2.0;
        let len = a.distance(b).max(0.1);
        let angle = (b - a).to_angle();
        let tf = Transform::from_translation(mid.extend(4.5))
            .with_rotation(Quat::from_rotation_z(angle));
        let size = Vec2::new(len, WIDTH);
        let existing = canvas.entities.get(&key).copied();
        let e = match existing.and_then(|e| sprites.get_mut(e).ok().map(|r| (e, r))) {
            Some((e, (mut t, mut sprite))) => {
                if *t != tf {
                    *t = tf;
                }
                if sprite.color != color {
                    sprite.color = color;
                }
                if sprite.custom_size != Some(size) {
                    sprite.custom_size = Some(size);
                }
                e
            }
            None => commands
                .spawn((CanvasKey(key.clone()), Sprite::from_color(color, size), tf))
                .id(),
        };
        seen.insert(key, e);
    }
    let stale: Vec<String> = canvas
        .entities
        .keys()
        .filter(|k| k.starts_with("link:") && !seen.contains_key(*k))
        .cloned()
        .collect();
    for key in stale {
        if let Some(e) = canvas.entities.remove(&key)
            && let Ok(mut ec) = commands.get_entity(e)
        {
            ec.despawn();
        }
    }
    canvas.entities.extend(seen);
}

// ---------------------------------------------------------------------------------------------
// EKS

/// How a pod card reads: colour (via the closest task state) and kubectl-like status text.
pub fn pod_look(pod: &orca_sim::k8s::cluster::Pod) -> (CardState, String) {
    use orca_sim::k8s::cluster::ContainerState;
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
        format!(" · {}/1 ready", u8::from(pod.ready))
    } else {
        String::new()
    };
    (state, format!("{glyph} {status}{ready}{restarts}"))
}

fn layout_eks(world: &World, eks: &orca_sim::k8s::cluster::Cluster, cols: usize) -> Scene {
    let now = world.now;
    let cols = cols.clamp(1, 8);
    let zone_w = zone_width(cols);
    let mut scene = Scene::default();
    let zones = &world.net.zones;
    let rows = |n: usize| n.div_ceil(cols).max(1) as f32;
    let cards_h = |n: usize| rows(n) * (CARD_H + GAP) - GAP;
    let live = |p: &&orca_sim::k8s::cluster::Pod| !p.gone;
    let mut max_h: f32 = 0.0;
    for (zi, zone) in zones.iter().enumerate() {
        let x = zi as f32 * (zone_w + ZONE_GAP);
        let mut y = ZONE_HEADER;
        for (ni, node) in eks.nodes.iter().enumerate() {
            if node.zone != zone.name || node.gone {
                continue;
            }
            let pods: Vec<usize> = (0..eks.pods.len())
                .filter(|&p| live(&&eks.pods[p]) && eks.pods[p].node == Some(ni))
                .collect();
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
            let req = |f: &dyn Fn(&orca_sim::k8s::cluster::Template) -> u32| -> u32 {
                pods.iter()
                    .map(|&p| f(&eks.replica_sets[eks.pods[p].replica_set].template))
                    .sum()
            };
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
                req(&|t| t.requests.cpu_millis),
                node.allocatable_cpu_millis,
                "CPU",
                "m requested",
                BAR_CPU,
            );
            push_bar(
                &mut scene,
                &format!("{key}/mem"),
                bar(1.0),
                req(&|t| t.requests.memory_mib),
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
            if pending.iter().all(|&p| {
                eks.deployments[eks.replica_sets[eks.pods[p].replica_set].deployment].fargate
            }) {
                "Pending: Fargate is provisioning a node for each of these pods".into()
            } else if eks
                .karpenter
                .as_ref()
                .is_some_and(|k| pending.iter().any(|p| k.nominated.contains_key(p)))
            {
                "Pending: Karpenter launches NodeClaims for these pods (Nominated)".into()
            } else {
                "Unscheduled: no node has room (see FailedScheduling)".into()
            },
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
        let endpoints = eks.endpoints(d);
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

#[allow(clippy::too_many_arguments)]
fn place_pods(
    scene: &mut Scene,
    eks: &orca_sim::k8s::cluster::Cluster,
    pods: &[usize],
    cols: usize,
    left: f32,
    top: f32,
    now: orca_sim::SimTime,
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
