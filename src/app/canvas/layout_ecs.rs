//! The ECS canvas: zones side by side, each with its container instances (CPU and memory bars)
//! and a Fargate lane, the task cards inside them, a lane for tasks waiting for an Auto Scaling
//! group's capacity, and the target groups above with their links to the cards.

use bevy::prelude::*;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::{Host, InstanceStatus, Task, TaskStatus};
use orca_sim::elb::TargetState;
use orca_sim::scenario::spec::LaunchType;
use orca_sim::world::{TaskDefIdx, TaskIdx};
use orca_sim::{SimTime, World};

use super::card_state::CardState;
use super::palette::{
    BAR_CPU, BAR_MEM, INSTANCE_BG, INSTANCE_BOOTING_BG, INSTANCE_GONE_BG, LANE_BG, TEXT, TEXT_DIM,
    TG_BG, ZONE_BG, ZONE_OUT_BG,
};
use super::scene::{
    APPEAR_MS, Area, BAR_H, CARD_H, CARD_W, Card, GAP, INSTANCE_APPEAR_MS, INSTANCE_HEADER,
    LANE_HEADER, Link, PAD, Scene, TG_GAP_Y, TG_H, TG_W, ZONE_GAP, ZONE_HEADER, push_bar,
    push_rect, push_text, zone_width,
};

/// How long a STOPPED task stays on the canvas while it fades, in simulated ms.
pub const FADE_MS: u64 = 20_000;

/// Lay out an ECS world. Pure: the same world always gives the same scene.
pub(super) fn layout(world: &World, ecs: &EcsCluster, cols: usize) -> Scene {
    let cols = cols.clamp(1, 8);
    let zone_w = zone_width(cols);
    let now = world.now;
    let net = &world.net;
    let world = ecs;
    let mut scene = Scene::default();
    let zones = &net.zones;
    let primary_defs = primary_task_definitions(world);
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
        if !on_canvas(task, now) {
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
            if on_canvas(task, now) {
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

/// The most tasks visible in one host box (an instance, or a zone's Fargate lane).
pub(super) fn busiest_host(world: &World, ecs: &EcsCluster) -> usize {
    let now = world.now;
    let net = &world.net;
    let world = ecs;
    let mut per_instance = vec![0usize; world.instances.len()];
    let mut per_lane = vec![0usize; net.zones.len()];
    for task in world.tasks.iter().filter(|t| on_canvas(t, now)) {
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

/// Whether a task has a card: every task that has not stopped, and a stopped one while it
/// fades.
pub fn on_canvas(task: &Task, now: SimTime) -> bool {
    match task.stopped_at {
        Some(at) if task.last_status == TaskStatus::Stopped => now.since(at).0 < FADE_MS,
        _ => true,
    }
}

/// Domain fact decided here until the core provides it: which tasks show the new revision's
/// stripe. A task counts as new when its task definition is that of *any* service's PRIMARY
/// deployment, not by the deployment that started it; the core should say per task whether
/// it belongs to its service's PRIMARY deployment.
fn primary_task_definitions(ecs: &EcsCluster) -> Vec<TaskDefIdx> {
    ecs.services
        .iter()
        .filter_map(|s| s.primary().map(|d| d.task_definition))
        .collect()
}

/// Cards for `tasks` in rows of `cols`, from the top-left corner `(left, top)`.
fn place_cards(
    scene: &mut Scene,
    now: SimTime,
    world: &EcsCluster,
    tasks: &[TaskIdx],
    cols: usize,
    left: f32,
    top: f32,
    primary_defs: &[TaskDefIdx],
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
        let state = CardState::of(world, now, t);
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
