//! Auto Scaling group capacity providers and ECS managed scaling (cluster auto scaling).
//!
//! Each minute ECS publishes `CapacityProviderReservation` = M / N × 100 for every capacity
//! provider with managed scaling: N instances are in the group, M are needed. With tasks
//! waiting for capacity (PROVISIONING, no instance fits them), M = N + the instances a binpack
//! estimate says those tasks need, bounded by the scaling step sizes; otherwise M counts the
//! instances that run tasks. ECS attaches a target-tracking policy to the ASG with the
//! provider's `targetCapacity` as its target: above it the ASG scales out to
//! ⌈M × 100 / target⌉, below it for 15 minutes it scales in to the same size
//! (docs/rules/ecs-scaling.md#managed-scaling-capacityproviderreservation; source:
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-auto-scaling.html>).
//!
//! Instances the ASG launches register with the cluster after a boot delay; the service
//! scheduler then places the waiting tasks on them.

use crate::aas::AlarmState;
use crate::aas::alarms::AlarmSummary;
use crate::control::EcsTimer;
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{InstanceIdx, ServiceIdx, TaskIdx};
use crate::ecs::task_lifecycle::{self, StopCause};
use crate::ecs::{ContainerInstance, Host, InstanceStatus, TaskDefinition, TaskStatus};
use crate::event::{EventKind, Source, Subject};
use crate::net::{Network, Zone};
use crate::rng::{between, hex};
use crate::scenario::spec::{ComparisonOperator, SchedulingStrategy};
use crate::time::{Millis, SimTime};

// The group's state lives in `auto_scaling_group`; the app names it through this module too.
pub use crate::ecs::auto_scaling_group::{AutoScalingGroup, ReservationSample};

/// A Spot Instance interruption notice comes two minutes before EC2 reclaims the instance.
const SPOT_NOTICE: Millis = Millis::from_secs(120);
/// Managed instance draining gives up after 48 hours and the ASG terminates the instance.
const MAX_DRAIN: Millis = Millis::from_secs(48 * 3600);
/// Datapoints below target before the scale-in alarm fires: 15 of 15
/// (docs/rules/ecs-scaling.md#managed-scaling-scale-out-and-scale-in).
pub const SCALE_IN_DATAPOINTS: u32 = 15;
/// Datapoints above target before the scale-out alarm fires. ECS does not document this for
/// managed scaling; one datapoint matches its "scales out as fast as it can" [inferred].
pub const SCALE_OUT_DATAPOINTS: u32 = 1;

/// The scale-out alarm breaches when the reservation is above the target capacity, the
/// scale-in alarm when it is below.
pub const SCALE_OUT_COMPARISON: ComparisonOperator = ComparisonOperator::GreaterThanThreshold;
pub const SCALE_IN_COMPARISON: ComparisonOperator = ComparisonOperator::LessThanThreshold;
/// The metric ECS publishes for managed scaling.
pub const RESERVATION_METRIC: &str = "CapacityProviderReservation";

/// The two alarms of the target-tracking policy ECS puts on a group with managed scaling
/// (scale out after 1 datapoint above the target capacity, scale in after 15 below), over the
/// group's one-minute samples; `None` without managed scaling.
pub fn alarms(group: &AutoScalingGroup) -> Option<[AlarmSummary; 2]> {
    let target = group.managed_scaling.as_ref()?.target_capacity as f64;
    let history: Vec<f64> = group.samples.iter().map(|x| x.reservation).collect();
    let out = SCALE_OUT_DATAPOINTS as usize;
    let inn = SCALE_IN_DATAPOINTS as usize;
    Some([
        AlarmSummary::over(
            &group.alarm_high,
            group.high,
            RESERVATION_METRIC,
            SCALE_OUT_COMPARISON,
            target,
            (out, out),
            &history,
        ),
        AlarmSummary::over(
            &group.alarm_low,
            group.low,
            RESERVATION_METRIC,
            SCALE_IN_COMPARISON,
            target,
            (inn, inn),
            &history,
        ),
    ])
}

/// The numbers behind one `CapacityProviderReservation` datapoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// N: instances in the group (launching or registered).
    pub in_group: u32,
    /// M: instances needed.
    pub needed: u32,
    /// Tasks waiting for this provider's capacity.
    pub waiting: u32,
    /// New instances the waiting tasks need, before the step-size bounds.
    pub estimate: u32,
}

impl Reservation {
    /// Percent; 200 when the group is empty but tasks wait (the docs: it "always scales out to
    /// 200 %"), 100 when the group is empty and nothing waits.
    pub fn value(&self) -> f64 {
        if self.in_group == 0 {
            if self.needed > 0 { 200.0 } else { 100.0 }
        } else {
            self.needed as f64 * 100.0 / self.in_group as f64
        }
    }
}

/// Which instance to bring up: its name, type and zone.
pub struct NewInstance<'a> {
    pub name: String,
    pub instance_type: &'a str,
    pub zone_index: usize,
}

/// A container instance of `instance_type` in zone `zone_index`, with fresh ids.
#[allow(clippy::too_many_arguments)] // what an instance is made of, from three places
pub fn new_instance(
    cluster: &str,
    net: &mut Network,
    ids: &mut rand_chacha::ChaCha8Rng,
    new: NewInstance,
    status: InstanceStatus,
    now: SimTime,
) -> ContainerInstance {
    let NewInstance {
        name,
        instance_type,
        zone_index,
    } = new;
    let it = crate::aws::instance_types::lookup(instance_type);
    let id = hex(ids, 32);
    let ec2_instance_id = format!("i-0{}", hex(ids, 16));
    let ip = net.allocate_ip(zone_index);
    ContainerInstance {
        name,
        ec2_instance_id: ec2_instance_id.into(),
        arn: format!(
            "arn:aws:ecs:{}:{}:container-instance/{}/{}",
            net.region, net.account_id, cluster, id
        ),
        id,
        instance_type: instance_type.to_string(),
        availability_zone: net.zones[zone_index].name.clone(),
        zone: zone_index,
        private_ip: ip.into(),
        status,
        agent_connected: status == InstanceStatus::Active,
        registered_cpu: it.map_or(0, |t| t.cpu_units()),
        registered_memory: it.map_or(0, |t| t.ecs_registered_memory_mib()),
        used_cpu: 0,
        used_memory: 0,
        reserved_ports: Vec::new(),
        tasks: Vec::new(),
        next_dynamic_port: 32768,
        auto_scaling_group: None,
        capacity_provider: None,
        launched_at: now,
        terminated_at: None,
        drained_since: None,
        terminate_when_drained: false,
        spot: false,
        spot_instance_draining: false,
    }
}

/// The zone an ASG puts its next instance in: of the zones whose subnet has a free address,
/// the one with the fewest of its live instances (an ASG balances its subnets), the first such
/// on a tie. `None` when every subnet is full.
fn next_zone(world: &EcsCluster, zones: &[Zone], g: usize) -> Option<usize> {
    let mut counts = vec![0u32; zones.len()];
    for inst in &world.instances {
        if inst.auto_scaling_group == Some(g as u32)
            && inst.status != InstanceStatus::Inactive
            && let Some(c) = counts.get_mut(inst.zone)
        {
            *c += 1;
        }
    }
    (0..zones.len())
        .filter(|&z| zones[z].has_free_ip())
        .min_by_key(|&z| (counts[z], z))
}

/// Add one instance to group `g`: ACTIVE at once (the scenario's start) or REGISTERING until
/// its agent registers. `None` when no subnet has a free address (EC2 refuses the launch).
pub fn add_instance(
    world: &mut EcsCluster,
    net: &mut Network,
    ids: &mut rand_chacha::ChaCha8Rng,
    g: usize,
    registered: bool,
    now: SimTime,
) -> Option<InstanceIdx> {
    let zone = next_zone(world, &net.zones, g)?;
    let group = &mut world.auto_scaling_groups[g];
    let name = format!("{}-{}", group.name, group.next_number);
    group.next_number += 1;
    let instance_type = group.instance_type.clone();
    let provider = group.capacity_provider.clone();
    let status = if registered {
        InstanceStatus::Active
    } else {
        InstanceStatus::Registering
    };
    let new = NewInstance {
        name,
        instance_type: &instance_type,
        zone_index: zone,
    };
    let mut inst = new_instance(&world.name, net, ids, new, status, now);
    inst.auto_scaling_group = Some(g as u32);
    inst.capacity_provider = Some(provider);
    let idx = InstanceIdx(world.instances.len() as u32);
    world.instances.push(inst);
    Some(idx)
}

/// Tasks that wait for `provider`'s capacity, services' and standalone ones, oldest first.
pub fn waiting_tasks(world: &EcsCluster, provider: &str) -> Vec<TaskIdx> {
    world
        .tasks
        .iter()
        .enumerate()
        .filter(|(_, task)| {
            task.host == Host::AwaitingCapacity
                && task.last_status == TaskStatus::Provisioning
                && task.capacity_provider.as_deref() == Some(provider)
        })
        .map(|(i, _)| TaskIdx(i as u32))
        .collect()
}

/// How many fresh instances of `instance_type` the tasks need, packing the largest first onto
/// the free room of `registering` instances (which will soon take tasks) and then onto new
/// ones — the binpack estimate of docs/rules/ecs-scaling.md#managed-scaling-scale-out-and-scale-in
/// [model: first-fit decreasing on CPU and
/// memory; one task per instance when it asks for a fixed host port].
pub fn estimate_instances(tasks: &[&TaskDefinition], instance_type: &str, registering: u32) -> u32 {
    let sizes: Vec<_> = tasks.iter().map(|td| (*td, None)).collect();
    estimate_sized(&sizes, instance_type, registering)
}

/// [`estimate_instances`] for tasks whose size a `RunTask` override may change: each with its
/// (CPU units, MiB) when it differs from its definition's.
fn estimate_sized(
    tasks: &[(&TaskDefinition, Option<(u32, u32)>)],
    instance_type: &str,
    registering: u32,
) -> u32 {
    let Some(it) = crate::aws::instance_types::lookup(instance_type) else {
        return 0;
    };
    let (cap_cpu, cap_mem) = (it.cpu_units(), it.ecs_registered_memory_mib());
    let mut sizes: Vec<(u32, u32, bool)> = tasks
        .iter()
        .map(|(td, size)| {
            let fixed_port = td
                .containers
                .iter()
                .any(|c| c.host_port.is_some_and(|p| p != 0));
            let (cpu, memory) = size.unwrap_or_else(|| (td.reserved_cpu(), td.reserved_memory()));
            (cpu, memory, fixed_port)
        })
        .filter(|(c, m, _)| *c <= cap_cpu && *m <= cap_mem)
        .collect();
    sizes.sort_by_key(|s| std::cmp::Reverse((s.1, s.0)));
    // (free cpu, free memory, a fixed host port taken)
    let mut bins: Vec<(u32, u32, bool)> = vec![(cap_cpu, cap_mem, false); registering as usize];
    for (cpu, mem, port) in sizes {
        match bins
            .iter_mut()
            .find(|b| b.0 >= cpu && b.1 >= mem && !(port && b.2))
        {
            Some(b) => {
                b.0 -= cpu;
                b.1 -= mem;
                b.2 |= port;
            }
            None => bins.push((cap_cpu - cpu, cap_mem - mem, port)),
        }
    }
    (bins.len() as u32).saturating_sub(registering)
}

/// An instance that runs no task but daemon tasks counts as empty. Managed termination
/// protection does not keep it: "Tasks that are run by a service that uses the DAEMON
/// scheduling strategy are ignored … because all of the instances in the cluster are running
/// these tasks" (Amazon ECS Developer Guide, "Control the instances Amazon ECS terminates",
/// <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-termination-protection.html>).
/// [inferred] For the same reason CapacityProviderReservation does not count it as needed
/// (docs/rules/ecs-daemon.md).
pub fn runs_only_daemon_tasks(world: &EcsCluster, inst: &ContainerInstance) -> bool {
    inst.tasks.iter().all(|&t| {
        world
            .task(t)
            .service
            .is_some_and(|s| world.service(s).scheduling_strategy == SchedulingStrategy::Daemon)
    })
}

/// M and N for group `g` right now.
pub fn reservation(world: &EcsCluster, g: usize) -> Reservation {
    let group = &world.auto_scaling_groups[g];
    let mut in_group = 0;
    let mut busy = 0;
    let mut registering = 0;
    for inst in &world.instances {
        if inst.auto_scaling_group != Some(g as u32) {
            continue;
        }
        match inst.status {
            InstanceStatus::Registering => {
                in_group += 1;
                registering += 1;
            }
            InstanceStatus::Active | InstanceStatus::Draining => {
                in_group += 1;
                if !runs_only_daemon_tasks(world, inst) {
                    busy += 1;
                }
            }
            InstanceStatus::Inactive => {}
        }
    }
    let waiting = waiting_tasks(world, &group.capacity_provider);
    let defs: Vec<(&TaskDefinition, Option<(u32, u32)>)> = waiting
        .iter()
        .map(|&t| {
            let task = world.task(t);
            let td = world.task_definition(task.task_definition);
            (td, task.overrides().is_some().then(|| task.reservation(td)))
        })
        .collect();
    let estimate = estimate_sized(&defs, &group.instance_type, registering);
    let needed = if estimate > 0 {
        let (lo, hi) = group.managed_scaling.as_ref().map_or((1, 10_000), |m| {
            (m.minimum_scaling_step_size, m.maximum_scaling_step_size)
        });
        in_group + estimate.clamp(lo, hi)
    } else {
        busy + registering
    };
    Reservation {
        in_group,
        needed,
        waiting: waiting.len() as u32,
        estimate,
    }
}

/// One minute of managed scaling for every capacity provider that has it.
pub fn on_minute(ctx: &mut Ctx) {
    let now = ctx.now;
    finish_drained(ctx);
    for g in 0..ctx.world.auto_scaling_groups.len() {
        let Some(ms) = ctx.world.auto_scaling_groups[g].managed_scaling.clone() else {
            continue;
        };
        let r = reservation(ctx.world, g);
        let value = r.value();
        let target = ms.target_capacity as f64;
        let group = &mut ctx.world.auto_scaling_groups[g];
        if SCALE_OUT_COMPARISON.breaches(value, target) {
            group.above += 1;
            group.below = 0;
        } else if SCALE_IN_COMPARISON.breaches(value, target) {
            group.below += 1;
            group.above = 0;
        } else {
            group.above = 0;
            group.below = 0;
        }
        let high = if group.above >= SCALE_OUT_DATAPOINTS {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        };
        let low = if group.below >= SCALE_IN_DATAPOINTS {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        };
        let mut changes = Vec::new();
        if high != group.high {
            group.high = high;
            changes.push((group.alarm_high.clone(), high));
        }
        if low != group.low {
            group.low = low;
            changes.push((group.alarm_low.clone(), low));
        }
        let name = group.name.clone();
        for (alarm, state) in changes {
            ctx.emit_why(
                Source::AutoScaling(name.as_str().into()),
                EventKind::CapacityAlarmStateChanged {
                    group: name.as_str().into(),
                    alarm: alarm.as_str().into(),
                    state: state.as_str().into(),
                },
                format!("CloudWatch alarm {alarm} is now {}", state.as_str()),
                Vec::new(),
                Some(format!(
                    "CapacityProviderReservation {value:.0} % (M {} needed / N {} in the group × 100) against a target capacity of {target:.0} %.",
                    r.needed, r.in_group
                )),
            );
        }
        let group = &ctx.world.auto_scaling_groups[g];
        let wanted = ((r.needed as f64 * 100.0 / target).ceil() as u32)
            .clamp(group.min_size, group.max_size);
        let warming = group
            .last_scale_out
            .is_some_and(|t| now < t.plus(ms.instance_warmup));
        let current = group.desired_capacity;
        if group.high == AlarmState::Alarm && wanted > current && !warming {
            scale_out(ctx, g, wanted, value, &r);
        } else if group.low == AlarmState::Alarm && wanted < current {
            scale_in(ctx, g, wanted, value, &r);
        }
        let registered = ctx
            .world
            .instances
            .iter()
            .filter(|i| {
                i.auto_scaling_group == Some(g as u32) && i.status == InstanceStatus::Active
            })
            .count() as u32;
        let group = &mut ctx.world.auto_scaling_groups[g];
        group.samples.push(ReservationSample {
            at: now,
            reservation: value,
            target: ms.target_capacity,
            desired: group.desired_capacity,
            registered,
            waiting: r.waiting,
        });
    }
}

/// `Launching a new EC2 instance` / `Terminating EC2 instance` activities, in the words of
/// `aws autoscaling describe-scaling-activities`.
fn activity_cause(now: SimTime, alarm: &str, policy: &str, from: u32, to: u32) -> String {
    let what = if to > from {
        format!(
            "an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {from} to {to}"
        )
    } else {
        format!(
            "an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from {from} to {to}"
        )
    };
    // AWS prints ISO timestamps; the simulation has only its clock.
    format!(
        "At {now} a monitor alarm {alarm} in state ALARM triggered policy {policy} changing the desired capacity from {from} to {to}. At {now} {what}."
    )
}

fn scale_out(ctx: &mut Ctx, g: usize, wanted: u32, value: f64, r: &Reservation) {
    let now = ctx.now;
    let group = &mut ctx.world.auto_scaling_groups[g];
    let from = group.desired_capacity;
    group.desired_capacity = wanted;
    group.last_scale_out = Some(now);
    let (name, alarm, policy) = (
        group.name.clone(),
        group.alarm_high.clone(),
        group.policy.clone(),
    );
    let launch = between(
        &mut ctx.rngs.timing,
        ctx.timings.instance_launch.0,
        ctx.timings.instance_launch.1,
    );
    let cause = activity_cause(now, &alarm, &policy, from, wanted);
    for k in 0..wanted.saturating_sub(from) {
        let Some(i) = add_instance(ctx.world, ctx.net, &mut ctx.rngs.ids, g, false, now) else {
            // Every subnet is full. The ASG keeps its desired capacity; Orca does not model its
            // launch retries. Wording as EC2 Auto Scaling reports it [inferred from observed
            // activities; the subnet is named by its CIDR here].
            let subnets: Vec<String> = ctx
                .net
                .zones
                .iter()
                .map(|z| format!("'{}' ({})", z.subnet_cidr, z.name))
                .collect();
            ctx.emit(
                Source::AutoScaling(name.as_str().into()),
                EventKind::InstanceLaunchFailed {
                    group: name.as_str().into(),
                    desired: wanted,
                },
                format!(
                    "Launching a new EC2 instance. Status Reason: There are not enough free addresses in subnet {} to satisfy the requested number of instances. Launching EC2 instance failed.",
                    subnets.join(", ")
                ),
                Vec::new(),
            );
            break;
        };
        // Instances of one step boot together, a few seconds apart [model].
        ctx.schedule(
            now.plus(launch).plus(Millis::from_secs(3 * k as u64)),
            EcsTimer::InstanceRegistered(i),
        );
        let inst = ctx.world.instance(i);
        let (iname, ec2) = (inst.name.clone(), inst.ec2_instance_id.clone());
        ctx.emit_why(
            Source::AutoScaling(name.as_str().into()),
            EventKind::InstanceLaunched {
                group: name.as_str().into(),
                instance: iname.as_str().into(),
                desired: wanted,
            },
            format!("Launching a new EC2 instance: {ec2}. Cause: {cause}"),
            vec![Subject::Instance(iname.into())],
            Some(format!(
                "CapacityProviderReservation {value:.0} %: {} tasks wait for capacity and need {} more instance(s) by a binpack estimate; M = {} needed, N = {} in the group, desired ⌈M × 100 / target⌉ = {wanted} (min {}, max {}).",
                r.waiting,
                r.estimate,
                r.needed,
                r.in_group,
                ctx.world.auto_scaling_groups[g].min_size,
                ctx.world.auto_scaling_groups[g].max_size
            )),
        );
    }
}

fn scale_in(ctx: &mut Ctx, g: usize, wanted: u32, value: f64, r: &Reservation) {
    let now = ctx.now;
    let group = &ctx.world.auto_scaling_groups[g];
    let (from, protected) = (group.desired_capacity, group.managed_termination_protection);
    let (name, alarm, policy) = (
        group.name.clone(),
        group.alarm_low.clone(),
        group.policy.clone(),
    );
    // The ASG's default termination policy: balance the zones (take from the zone with the
    // most instances), then the oldest instance. With managed termination protection ECS
    // protects every instance that runs tasks, so only empty ones can go
    // (docs/rules/ecs-scaling.md#managed-scaling-scale-out-and-scale-in).
    let mut victims = Vec::new();
    for _ in 0..from.saturating_sub(wanted) {
        let zones = ctx.net.zones.len().max(1);
        let mut per_zone = vec![0u32; zones];
        let live = |inst: &ContainerInstance| {
            inst.auto_scaling_group == Some(g as u32)
                && matches!(
                    inst.status,
                    InstanceStatus::Active | InstanceStatus::Draining
                )
        };
        for (k, inst) in ctx.world.instances.iter().enumerate() {
            if live(inst) && !victims.contains(&InstanceIdx(k as u32)) {
                per_zone[inst.zone.min(zones - 1)] += 1;
            }
        }
        let pick = ctx
            .world
            .instances
            .iter()
            .enumerate()
            .filter(|(k, inst)| {
                live(inst)
                    && !victims.contains(&InstanceIdx(*k as u32))
                    && (!protected || runs_only_daemon_tasks(ctx.world, inst))
            })
            .min_by_key(|(k, inst)| {
                (
                    std::cmp::Reverse(per_zone[inst.zone.min(zones - 1)]),
                    inst.launched_at,
                    *k,
                )
            })
            .map(|(k, _)| InstanceIdx(k as u32));
        match pick {
            Some(i) => victims.push(i),
            None => break,
        }
    }
    if victims.is_empty() {
        return;
    }
    let to = from - victims.len() as u32;
    ctx.world.auto_scaling_groups[g].desired_capacity = to;
    let cause = activity_cause(now, &alarm, &policy, from, to);
    for i in victims {
        let inst = ctx.world.instance(i);
        let (iname, ec2, busy) = (
            inst.name.clone(),
            inst.ec2_instance_id.clone(),
            inst.tasks.len(),
        );
        ctx.emit_why(
            Source::AutoScaling(name.as_str().into()),
            EventKind::InstanceTerminating {
                group: name.as_str().into(),
                instance: iname.as_str().into(),
                desired: to,
            },
            format!(
                "Terminating EC2 instance: {ec2}. Cause: {cause} At {now} instance {ec2} was selected for termination."
            ),
            vec![Subject::Instance(iname.into())],
            Some(format!(
                "CapacityProviderReservation {value:.0} % below the target for {SCALE_IN_DATAPOINTS} minutes: M = {} needed, N = {} in the group; {}",
                r.needed,
                r.in_group,
                if protected {
                    "managed termination protection lets only instances without tasks go.".to_string()
                } else if busy > 0 {
                    format!("without managed termination protection the ASG picks by zone balance and age, and this instance still runs {busy} task(s): managed instance draining sets it DRAINING and the ASG terminates it once its tasks are replaced.")
                } else {
                    "the ASG picks by zone balance, then the oldest instance.".to_string()
                }
            )),
        );
        if busy > 0 {
            // Managed instance draining (on by default for ASG capacity providers): the ASG's
            // termination waits while ECS drains the instance
            // (docs/rules/ecs-scaling.md#managed-scaling-scale-out-and-scale-in).
            ctx.world.instance_mut(i).terminate_when_drained = true;
            drain_instance(ctx, i);
        } else {
            terminate_instance(ctx, i);
        }
    }
}

/// Instances an Auto Scaling group is terminating after managed draining go once they run no
/// task (checked every minute [model]; AWS gives up draining after 48 hours).
fn finish_drained(ctx: &mut Ctx) {
    let done: Vec<InstanceIdx> = ctx
        .world
        .instances
        .iter()
        .enumerate()
        .filter(|(_, inst)| {
            inst.terminate_when_drained
                && inst.status == InstanceStatus::Draining
                && (inst.tasks.is_empty()
                    || inst
                        .drained_since
                        .is_some_and(|t| ctx.now.since(t) >= MAX_DRAIN))
        })
        .map(|(k, _)| InstanceIdx(k as u32))
        .collect();
    for i in done {
        terminate_instance(ctx, i);
    }
}

/// The container instance turns DRAINING: nothing new is placed on it, and the service
/// scheduler replaces its service tasks within each service's deployment configuration
/// (`service_scheduler`). Only an ACTIVE instance can drain (the API refuses others).
pub fn drain_instance(ctx: &mut Ctx, i: InstanceIdx) {
    if ctx.world.instance(i).status != InstanceStatus::Active {
        return;
    }
    let now = ctx.now;
    let (name, ec2, id) = {
        ctx.world.set_instance_status(i, InstanceStatus::Draining);
        let inst = ctx.world.instance_mut(i);
        inst.drained_since = Some(now);
        (
            inst.name.clone(),
            inst.ec2_instance_id.clone(),
            inst.id.clone(),
        )
    };
    ctx.emit(
        Source::Instance(name.as_str().into()),
        EventKind::InstanceStateChanged {
            instance: name.as_str().into(),
            status: "DRAINING".into(),
        },
        format!("container instance {id} ({ec2}) status DRAINING: no new tasks are placed on it"),
        vec![Subject::Instance(name.into())],
    );
    let mut services: Vec<ServiceIdx> = ctx
        .world
        .instance(i)
        .tasks
        .iter()
        .filter_map(|&t| ctx.world.task(t).service)
        .collect();
    services.sort_unstable();
    services.dedup();
    for s in services {
        ctx.request_pass(s);
    }
}

/// `update-container-instances-state --status ACTIVE`: a DRAINING instance takes tasks again
/// (an instance its Auto Scaling group is terminating stays DRAINING).
pub fn activate_instance(ctx: &mut Ctx, i: InstanceIdx) {
    let inst = ctx.world.instance(i);
    if inst.status != InstanceStatus::Draining || inst.terminate_when_drained {
        return;
    }
    let (name, ec2, id) = {
        ctx.world.set_instance_status(i, InstanceStatus::Active);
        let inst = ctx.world.instance_mut(i);
        inst.drained_since = None;
        (
            inst.name.clone(),
            inst.ec2_instance_id.clone(),
            inst.id.clone(),
        )
    };
    ctx.emit(
        Source::Instance(name.as_str().into()),
        EventKind::InstanceStateChanged {
            instance: name.as_str().into(),
            status: "ACTIVE".into(),
        },
        format!("container instance {id} ({ec2}) status ACTIVE: tasks can be placed on it again"),
        vec![Subject::Instance(name.into())],
    );
    // Services waiting for room may place tasks here now.
    for s in 0..ctx.world.services.len() {
        ctx.request_pass(ServiceIdx(s as u32));
    }
}

/// EC2 will reclaim a Spot Instance in two minutes. With `ECS_ENABLE_SPOT_INSTANCE_DRAINING`
/// its agent sets it DRAINING at once, so the service scheduler moves its tasks in the time
/// left; otherwise they run until the instance is terminated under them.
pub fn spot_interruption(ctx: &mut Ctx, i: InstanceIdx) {
    let now = ctx.now;
    let inst = ctx.world.instance(i);
    if inst.status == InstanceStatus::Inactive {
        return;
    }
    let (name, ec2, drains) = (
        inst.name.clone(),
        inst.ec2_instance_id.clone(),
        inst.spot_instance_draining,
    );
    let at = now.plus(SPOT_NOTICE);
    ctx.emit_why(
        Source::Instance(name.as_str().into()),
        EventKind::SpotInstanceInterruptionWarning {
            instance: name.as_str().into(),
        },
        format!("EC2 Spot Instance Interruption Warning: instance {ec2} will be terminated at {at}"),
        vec![Subject::Instance(name.into())],
        Some(if drains {
            "ECS_ENABLE_SPOT_INSTANCE_DRAINING is true: the agent sets the instance DRAINING now, and the service scheduler has two minutes to replace its tasks elsewhere."
        } else {
            "ECS_ENABLE_SPOT_INSTANCE_DRAINING is not set: ECS keeps the instance ACTIVE, and its tasks stop only when EC2 terminates it."
        }),
    );
    if drains {
        drain_instance(ctx, i);
    }
    ctx.schedule(at, EcsTimer::SpotTermination(i));
}

/// The end of a Spot Instance's two-minute notice.
pub fn on_spot_termination(ctx: &mut Ctx, i: InstanceIdx) {
    if ctx.world.instance(i).status != InstanceStatus::Inactive {
        terminate_instance(ctx, i);
    }
}

/// The EC2 instance is gone: its container instance turns INACTIVE and its tasks stop.
pub fn terminate_instance(ctx: &mut Ctx, i: InstanceIdx) {
    let now = ctx.now;
    let (name, ec2, id, zone, ip) = {
        ctx.world.set_instance_status(i, InstanceStatus::Inactive);
        let inst = ctx.world.instance_mut(i);
        inst.terminated_at = Some(now);
        inst.agent_connected = false;
        (
            inst.name.clone(),
            inst.ec2_instance_id.clone(),
            inst.id.clone(),
            inst.zone,
            inst.private_ip.clone(),
        )
    };
    ctx.emit(
        Source::Instance(name.as_str().into()),
        EventKind::InstanceStateChanged {
            instance: name.as_str().into(),
            status: "INACTIVE".into(),
        },
        format!("container instance {id} ({ec2}) terminated: status INACTIVE"),
        vec![Subject::Instance(name.into())],
    );
    let victims: Vec<TaskIdx> = ctx.world.instance(i).tasks.clone();
    for t in victims {
        task_lifecycle::stop(
            ctx,
            t,
            StopCause::HostTerminated {
                ec2_instance_id: ec2.to_string(),
            },
        );
    }
    // The instance's own address goes back to its subnet (its bridge and host tasks used it).
    ctx.net.release_ip(zone, &ip);
}

/// The ECS agent on a new instance registers it: ACTIVE, and the services whose tasks wait for
/// this provider's capacity get a scheduler pass.
pub fn on_registered(ctx: &mut Ctx, i: InstanceIdx) {
    if ctx.world.instance(i).status != InstanceStatus::Registering {
        return;
    }
    let (name, ec2, id, cpu, mem, provider) = {
        ctx.world.set_instance_status(i, InstanceStatus::Active);
        let inst = ctx.world.instance_mut(i);
        inst.agent_connected = true;
        (
            inst.name.clone(),
            inst.ec2_instance_id.clone(),
            inst.id.clone(),
            inst.registered_cpu,
            inst.registered_memory,
            inst.capacity_provider.clone(),
        )
    };
    ctx.emit(
        Source::Instance(name.as_str().into()),
        EventKind::InstanceStateChanged {
            instance: name.as_str().into(),
            status: "ACTIVE".into(),
        },
        format!(
            "container instance {id} ({ec2}) registered: status ACTIVE, {cpu} CPU units and {mem} MiB available"
        ),
        vec![Subject::Instance(name.into())],
    );
    // "The service scheduler also monitors when new container instances are added to your
    // cluster and adds the daemon tasks to them" (docs/rules/ecs-daemon.md).
    let mut services: Vec<ServiceIdx> = (0..ctx.world.services.len())
        .map(|s| ServiceIdx(s as u32))
        .filter(|&s| ctx.world.service(s).scheduling_strategy == SchedulingStrategy::Daemon)
        .collect();
    if let Some(provider) = provider {
        services.extend(
            waiting_tasks(ctx.world, &provider)
                .into_iter()
                .filter_map(|t| ctx.world.task(t).service),
        );
    }
    services.sort_unstable();
    services.dedup();
    for s in services {
        ctx.request_pass(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_in_alarm_is_15_of_15_below_the_target_capacity() {
        let mut uuid = || "u".to_string();
        let spec: crate::scenario::spec::AutoScalingGroupSpec = ron::from_str(
            "(name: \"asg\", capacity_provider: \"cp\", instance_type: \"m5.large\", min_size: 0, max_size: 10, desired_capacity: 2, managed_scaling: Some((target_capacity: 100)))",
        )
        .expect("a group");
        let mut g = crate::ecs::auto_scaling_group::from_spec(&spec, &mut uuid);
        for (k, r) in [50.0, 150.0, 50.0, 50.0].into_iter().enumerate() {
            g.samples.push(ReservationSample {
                at: SimTime::from_secs(60 * k as u64),
                reservation: r,
                target: 100,
                desired: 2,
                registered: 2,
                waiting: 0,
            });
        }
        let [out, scale_in] = alarms(&g).expect("managed scaling");
        assert_eq!(out.rule(), "1 of 1 datapoints above 100 %");
        assert_eq!((out.datapoints, out.breaching), (1, 0));
        assert_eq!(scale_in.rule(), "15 of 15 datapoints below 100 %");
        assert_eq!((scale_in.datapoints, scale_in.breaching), (4, 3));
    }

    #[test]
    fn reservation_is_m_over_n_and_200_for_an_empty_group_with_waiting_tasks() {
        let r = |in_group, needed| Reservation {
            in_group,
            needed,
            waiting: 0,
            estimate: 0,
        };
        assert_eq!(r(4, 4).value(), 100.0);
        assert_eq!(r(4, 6).value(), 150.0);
        assert_eq!(r(4, 2).value(), 50.0);
        assert_eq!(r(0, 3).value(), 200.0);
        assert_eq!(r(0, 0).value(), 100.0);
    }
}
