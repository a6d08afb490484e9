//! EC2 capacity of an ECS cluster: container instance groups and Auto Scaling groups, and the
//! instance names the timeline may refer to.

use std::collections::HashMap;

use super::Problems;
use super::caps::{MAX_ASG_SIZE, MAX_INSTANCES};
use super::common::{Unique, check_limit, ecs_name_problem, unknown_instance_type};
use super::ecs_index::EcsIndex;
use crate::aws::instance_types;
use crate::scenario::limits::{
    ASG_MAX_SIZE, INSTANCE_COUNT, INSTANCE_WARMUP, SCALING_STEP_SIZE, TARGET_CAPACITY,
};
use crate::scenario::locate::Path;
use crate::scenario::shown::quoted;

pub(super) fn instances(out: &mut Problems, ix: &mut EcsIndex, ip: &Path) {
    let w = ix.w;
    let mut group_names = Unique::new();
    // Which group named each instance, to report collisions like group "node" (count 2) and
    // group "node-1".
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (i, g) in w.capacity.instances.iter().enumerate() {
        let gp = ip.index(i);
        if let Some(e) = ecs_name_problem("instance group name", &g.name) {
            out.push((gp.field("name"), e));
        }
        let unique = group_names.check(out, gp.field("name"), "instance group", &g.name);
        if instance_types::lookup(&g.instance_type).is_none() {
            out.push((
                gp.field("instance_type"),
                unknown_instance_type(&g.instance_type),
            ));
        }
        check_limit(out, gp.field("count"), "count", g.count, INSTANCE_COUNT, "");
        if let Some(z) = &g.availability_zone {
            ix.zone_ref(out, z, gp.field("availability_zone"));
        }
        if !unique {
            continue;
        }
        let mut clash: Option<(String, usize)> = None;
        for n in 0..g.count {
            if ix.instances.len() >= MAX_INSTANCES as usize {
                break;
            }
            let name = if g.count == 1 {
                g.name.clone()
            } else {
                format!("{}-{}", g.name, n + 1)
            };
            match owner.get(&name) {
                Some(&j) => {
                    if clash.is_none() {
                        clash = Some((name, j));
                    }
                }
                None => {
                    owner.insert(name.clone(), i);
                    ix.instance_set.insert(name.clone());
                    if g.spot {
                        ix.spot_instances.insert(name.clone());
                    }
                    ix.instances.push(name);
                }
            }
        }
        if let Some((name, j)) = clash {
            let other = &w.capacity.instances[j];
            out.push((
                gp.field("name"),
                format!(
                    "instance name {} is used twice: by this group and by group {} (instances in a group of more than one are named <group>-1, <group>-2 …); rename one group",
                    quoted(&name),
                    quoted(&other.name)
                ),
            ));
        }
    }
}

pub(super) fn auto_scaling_groups(out: &mut Problems, ix: &mut EcsIndex, ap: &Path) {
    let w = ix.w;
    let mut names = Unique::new();
    let mut providers = Unique::new();
    for (i, g) in w.capacity.auto_scaling_groups.iter().enumerate() {
        let gp = ap.index(i);
        if let Some(e) = ecs_name_problem("Auto Scaling group name", &g.name) {
            out.push((gp.field("name"), e));
        }
        names.check(out, gp.field("name"), "Auto Scaling group", &g.name);
        if let Some(e) = ecs_name_problem("capacity provider name", &g.capacity_provider) {
            out.push((gp.field("capacity_provider"), e));
        } else if ["FARGATE", "FARGATE_SPOT"].contains(&g.capacity_provider.as_str())
            || ["aws", "ecs", "fargate"]
                .iter()
                .any(|p| g.capacity_provider.to_ascii_lowercase().starts_with(p))
        {
            out.push((
                gp.field("capacity_provider"),
                format!(
                    "capacity provider name {} is reserved: names may not start with \"aws\", \"ecs\" or \"fargate\"; use e.g. {}",
                    quoted(&g.capacity_provider),
                    quoted(&format!("cp-{}", g.name))
                ),
            ));
        }
        providers.check(
            out,
            gp.field("capacity_provider"),
            "capacity provider",
            &g.capacity_provider,
        );
        if let Some(clash) = ix.instances.iter().find(|n| {
            n.strip_prefix(g.name.as_str())
                .is_some_and(|r| r.starts_with('-'))
        }) {
            out.push((
                gp.field("name"),
                format!(
                    "the group's instances are named {}, {} …, which clashes with instance {}; rename the group",
                    quoted(&format!("{}-1", g.name)),
                    quoted(&format!("{}-2", g.name)),
                    quoted(clash)
                ),
            ));
        }
        if instance_types::lookup(&g.instance_type).is_none() {
            out.push((
                gp.field("instance_type"),
                unknown_instance_type(&g.instance_type),
            ));
        }
        check_limit(
            out,
            gp.field("max_size"),
            "max_size",
            g.max_size,
            ASG_MAX_SIZE,
            "",
        );
        if g.min_size > g.max_size {
            out.push((
                gp.field("min_size"),
                format!(
                    "min_size {} is above max_size {}; valid: 0–{}",
                    g.min_size, g.max_size, g.max_size
                ),
            ));
        }
        if g.desired_capacity < g.min_size || g.desired_capacity > g.max_size {
            out.push((
                gp.field("desired_capacity"),
                format!(
                    "desired_capacity {} is outside the group's size; valid: min_size {} to max_size {}",
                    g.desired_capacity, g.min_size, g.max_size
                ),
            ));
        }
        match &g.managed_scaling {
            Some(m) => {
                let mp = gp.field("managed_scaling");
                check_limit(out, mp.field("target_capacity"), "target_capacity", m.target_capacity, TARGET_CAPACITY, " %");
                check_limit(out, mp.field("minimum_scaling_step_size"), "minimum_scaling_step_size", m.minimum_scaling_step_size, SCALING_STEP_SIZE, "");
                check_limit(out, mp.field("maximum_scaling_step_size"), "maximum_scaling_step_size", m.maximum_scaling_step_size, SCALING_STEP_SIZE, "");
                if m.minimum_scaling_step_size > m.maximum_scaling_step_size {
                    out.push((
                        mp.field("minimum_scaling_step_size"),
                        format!(
                            "minimum_scaling_step_size {} is above maximum_scaling_step_size {}",
                            m.minimum_scaling_step_size, m.maximum_scaling_step_size
                        ),
                    ));
                }
                check_limit(out, mp.field("instance_warmup_period"), "instance_warmup_period", m.instance_warmup_period, INSTANCE_WARMUP, " s");
            }
            None if g.managed_termination_protection => out.push((
                gp.field("managed_termination_protection"),
                "managed termination protection needs managed scaling; add managed_scaling: () or set managed_termination_protection: false".into(),
            )),
            None => {}
        }
        // The instances the group starts with can be named in the timeline (DrainInstance …).
        for n in 1..=g.desired_capacity.min(g.max_size).min(MAX_ASG_SIZE) {
            let name = format!("{}-{n}", g.name);
            if ix.instance_set.insert(name.clone()) {
                ix.instances.push(name);
            }
        }
    }
}
