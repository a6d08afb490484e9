//! The ECS canvas, as a [`Model`]: zones with their container instances (CPU and memory bars)
//! and a Fargate lane, the task cards on them, a lane for tasks waiting for an Auto Scaling
//! group's capacity, and the target groups with their targets.

use bevy::prelude::*;
use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::{Host, InstanceStatus, Task, TaskStatus};
use orca_sim::elb::TargetState;
use orca_sim::scenario::spec::LaunchType;
use orca_sim::world::TaskIdx;
use orca_sim::{SimTime, World};

use super::card_state::CardState;
use super::model::{
    BarModel, CardModel, GroupModel, HostModel, LaneModel, Model, Stripe, ZoneModel,
};
use super::palette::{
    BAR_CPU, BAR_MEM, INSTANCE_BG, INSTANCE_BOOTING_BG, INSTANCE_GONE_BG, LANE_BG,
};
use super::scene::{CardKey, INSTANCE_APPEAR_MS, card_appear};

/// How long a STOPPED task stays on the canvas while it fades, in simulated ms.
pub const FADE_MS: u64 = 20_000;

/// What an ECS world shows. Pure: the same world always gives the same model.
pub(super) fn model(world: &World, ecs: &EcsCluster) -> Model {
    let now = world.now;
    let net = &world.net;
    let fargate_used = ecs
        .services
        .iter()
        .any(|s| s.launch_type == LaunchType::Fargate)
        || ecs.tasks.iter().any(|t| t.host == Host::Fargate);

    // Tasks on the canvas by host: each instance, each zone's Fargate lane, or waiting.
    let mut by_instance: Vec<Vec<TaskIdx>> = vec![Vec::new(); ecs.instances.len()];
    let mut by_lane: Vec<Vec<TaskIdx>> = vec![Vec::new(); net.zones.len()];
    let mut waiting: Vec<TaskIdx> = Vec::new();
    for (i, task) in ecs.tasks.iter().enumerate() {
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

    let mut m = Model::default();
    // Where each task's card is, for the target groups' links.
    let mut card_of: Vec<u32> = vec![u32::MAX; ecs.tasks.len()];
    let mut push_cards = |m: &mut Model, tasks: &[TaskIdx]| {
        let from = m.cards.len();
        for &t in tasks {
            card_of[t.0 as usize] = m.cards.len() as u32;
            m.cards.push(card(ecs, t, now));
        }
        from..m.cards.len()
    };
    for (zi, zone) in net.zones.iter().enumerate() {
        m.zones.push(ZoneModel {
            name: zone.name.to_string(),
            subnet: zone.subnet_cidr.clone(),
            out: zone.is_out(),
            part: None,
        });
        for (ii, inst) in ecs.instances.iter().enumerate() {
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
            // An instance an Auto Scaling group just launched fades in over its first seconds.
            let appear = if inst.launched_at > SimTime::ZERO {
                (now.since(inst.launched_at).0 as f32 / INSTANCE_APPEAR_MS as f32).clamp(0.15, 1.0)
            } else {
                1.0
            };
            let bg = match inst.status {
                InstanceStatus::Registering => INSTANCE_BOOTING_BG,
                InstanceStatus::Inactive | InstanceStatus::Draining => INSTANCE_GONE_BG,
                _ => INSTANCE_BG,
            };
            let status = match inst.status {
                InstanceStatus::Inactive => "✕ INACTIVE (terminated)".to_string(),
                InstanceStatus::Registering => "◔ REGISTERING (booting)".to_string(),
                InstanceStatus::Draining if inst.terminate_when_drained => {
                    "⇣ DRAINING → terminate".to_string()
                }
                InstanceStatus::Draining => "⇣ DRAINING".to_string(),
                s => s.as_str().to_string(),
            };
            let mut notes = vec![status, inst.instance_type.to_string()];
            if inst.spot {
                notes.push("Spot".into());
            }
            notes.extend(inst.capacity_provider.clone());
            notes.push(inst.ec2_instance_id.to_string());
            let cards = push_cards(&mut m, &by_instance[ii]);
            m.hosts.push(HostModel {
                key: format!("inst:{}", inst.name),
                zone: zi,
                title: inst.name.clone(),
                notes,
                bars: vec![
                    BarModel {
                        name: "CPU",
                        used: inst.used_cpu,
                        total: inst.registered_cpu,
                        unit: "units reserved",
                        color: BAR_CPU,
                    },
                    BarModel {
                        name: "MEM",
                        used: inst.used_memory,
                        total: inst.registered_memory,
                        unit: "MiB reserved",
                        color: BAR_MEM,
                    },
                ],
                bg: bg.with_alpha(appear),
                cards,
                keeps_a_row: true,
            });
        }
        if fargate_used {
            let cards = push_cards(&mut m, &by_lane[zi]);
            m.hosts.push(HostModel {
                key: format!("lane:{}", zone.name),
                zone: zi,
                title: "Fargate".into(),
                notes: vec!["AWS-managed hosts".into()],
                bars: Vec::new(),
                bg: LANE_BG,
                cards,
                keeps_a_row: true,
            });
        }
    }
    // Tasks PROVISIONING while they wait for an Auto Scaling group to bring an instance.
    if !waiting.is_empty() {
        let mut providers: Vec<&str> = waiting
            .iter()
            .filter_map(|&t| ecs.task(t).capacity_provider.as_deref())
            .collect();
        providers.sort_unstable();
        providers.dedup();
        let cards = push_cards(&mut m, &waiting);
        m.waiting = Some(LaneModel {
            key: "lane:waiting",
            title: format!(
                "Waiting for capacity (PROVISIONING) · {}",
                providers.join(", ")
            ),
            notes: vec!["managed scaling adds instances".into()],
            cards,
        });
    }
    for tg in &ecs.target_groups {
        let count = |s: TargetState| tg.targets.iter().filter(|t| t.state == s).count();
        m.groups.push(GroupModel {
            key: format!("tg:{}", tg.name),
            title: format!("⚖ {}  →  target group {}", tg.load_balancer, tg.name),
            summary: format!(
                "✓{} healthy  ▶{} initial  ✗{} unhealthy  ⇣{} draining",
                count(TargetState::Healthy),
                count(TargetState::Initial),
                count(TargetState::Unhealthy),
                count(TargetState::Draining)
            ),
            targets: tg
                .targets
                .iter()
                .filter(|t| t.state != TargetState::Unused)
                .filter_map(|t| {
                    let c = *card_of.get(t.task.0 as usize)?;
                    (c != u32::MAX).then_some((c as usize, t.state))
                })
                .collect(),
        });
    }
    super::layout_volumes::add_ecs(&mut m, ecs, now);
    super::layout_traffic::annotate(ecs, now, &mut m);
    m
}

fn card(ecs: &EcsCluster, t: TaskIdx, now: SimTime) -> CardModel {
    let task = ecs.task(t);
    let state = CardState::of(ecs, now, t);
    let alpha = match task.stopped_at {
        Some(at) if state == CardState::Stopped => {
            1.0 - (now.since(at).0 as f32 / FADE_MS as f32).clamp(0.0, 1.0) * 0.85
        }
        _ => 1.0,
    };
    CardModel {
        key: CardKey::Task(t.0),
        state,
        stripe: if task.service.is_none() {
            Stripe::Standalone
        } else {
            Stripe::revision(orca_sim::ecs::read::runs_primary_revision(ecs, t))
        },
        alpha,
        appear: card_appear(now, task.created_at),
    }
}

/// The first line of a task's card: its short id and task definition, SPOT for a
/// FARGATE_SPOT task, and where GuardDuty Runtime Monitoring is on whether the task runs its
/// security agent (GD✓) or not (GD✗); for a task registered in Cloud Map, whether its instance
/// there is healthy (DNS✓) or not (DNS✗).
pub fn card_title(ecs: &EcsCluster, t: TaskIdx) -> String {
    let task = ecs.task(t);
    let td = ecs.task_definition(task.task_definition);
    let mut title = if task.capacity_provider.as_deref() == Some("FARGATE_SPOT") {
        format!("{} {} SPOT", task.short_id(), td.family_revision())
    } else {
        format!("{}  {}", task.short_id(), td.family_revision())
    };
    // First, so a long family name clips the revision rather than the mark.
    if let Some(watched) = orca_sim::ecs::guardduty::watched(ecs, task) {
        let mark = if watched { "GD✓" } else { "GD✗" };
        title = format!("{mark} {}", title.replacen("  ", " ", 1));
    }
    // A task registered in Cloud Map (ECS service discovery): whether its instance is healthy
    // there, which is what Route 53 answers by.
    if let Some((_, inst)) = ecs.cloud_map.instances_of(t).next() {
        let mark = match inst.health {
            orca_sim::ecs::cloud_map::InstanceHealth::Unhealthy => "DNS✗",
            _ => "DNS✓",
        };
        title = format!("{mark} {}", title.replacen("  ", " ", 1));
    }
    title
}

/// Whether a task has a card: every task that has not stopped, and a stopped one while it
/// fades.
pub fn on_canvas(task: &Task, now: SimTime) -> bool {
    match task.stopped_at {
        Some(at) if task.last_status == TaskStatus::Stopped => now.since(at).0 < FADE_MS,
        _ => true,
    }
}
