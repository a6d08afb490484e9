//! Task placement: which host a new task goes to.
//!
//! On EC2, ECS keeps the instances with enough CPU, memory and ports, then those that satisfy
//! the placement constraints (binding), then orders the rest by the placement strategies (best
//! effort). With no strategy, a service spreads over Availability Zones and then over instances.
//! Fargate needs no instances: it spreads a service's tasks over the zones of its subnets.

use std::collections::BTreeSet;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::ecs::cluster::EcsCluster;
use crate::ecs::ids::{InstanceIdx, ServiceIdx, TaskDefIdx};
use crate::ecs::messages::PlacementProblem;
use crate::ecs::{ContainerInstance, Host, InstanceStatus, TaskDefinition};
use crate::net::Zone;
use crate::scenario::spec::{
    BinpackField, LaunchType, NetworkMode, PlacementConstraint, PlacementStrategy,
    SchedulingStrategy, SpreadField,
};

/// Where the scheduler put a task: its host, zone and host port. A task waiting for capacity
/// has `Host::AwaitingCapacity` and no zone yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub host: Host,
    pub zone_index: usize,
    pub host_port: Option<u16>,
}

impl Placement {
    /// No host yet: the task waits in PROVISIONING for its capacity provider's Auto Scaling group
    /// to add an instance it fits on ([`waits_for_capacity`]).
    pub fn awaiting_capacity() -> Placement {
        Placement {
            host: Host::AwaitingCapacity,
            zone_index: 0,
            host_port: None,
        }
    }
}

/// Why a task that fits no instance of `provider` waits instead of failing (for its
/// explanation).
pub fn waiting_why(provider: Option<&str>, problem: &PlacementProblem) -> String {
    format!(
        "No instance of capacity provider {} fits it ({}), so it waits in PROVISIONING for managed scaling to add one.",
        provider.unwrap_or_default(),
        problem.reason()
    )
}

/// Live tasks of one service per zone and per instance, kept up to date while a pass places
/// several tasks.
#[derive(Debug, Clone)]
pub struct SpreadCounts {
    pub per_zone: Vec<u32>,
    pub per_instance: Vec<u32>,
    /// Tasks placed through these counts so far.
    placements: u32,
    index: Option<SpreadIndex>,
}

impl SpreadCounts {
    pub fn of(world: &EcsCluster, zones: &[Zone], service: ServiceIdx) -> Self {
        let mut c = SpreadCounts::empty(world, zones);
        for &t in &world.service(service).tasks {
            let task = world.task(t);
            if task.is_live() {
                c.add(task.host, task.zone);
            }
        }
        c
    }

    /// No task counted yet.
    pub fn empty(world: &EcsCluster, zones: &[Zone]) -> Self {
        SpreadCounts::sized(zones.len(), world.instances.len())
    }

    /// No task counted yet, in `zones` zones on `instances` instances.
    pub fn sized(zones: usize, instances: usize) -> Self {
        SpreadCounts {
            per_zone: vec![0; zones],
            per_instance: vec![0; instances],
            placements: 0,
            index: None,
        }
    }

    /// Count one live task on `host` in zone `zone` (a task waiting for capacity is in no
    /// zone yet).
    pub fn add(&mut self, host: Host, zone: usize) {
        match host {
            Host::Instance(i) => self.per_instance[i.0 as usize] += 1,
            Host::Fargate => {}
            Host::AwaitingCapacity => return,
        }
        if let Some(n) = self.per_zone.get_mut(zone) {
            *n += 1;
        }
    }
}

/// Whose task is being placed: a service's (its strategies, constraints and launch type) or a
/// standalone task's (`RunTask`: no constraints, the default strategies, its own launch type;
/// spread counts its task group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placing {
    Service(ServiceIdx),
    /// A `RunTask` task; the size is its CPU units and memory (MiB) when `overrides` change
    /// them from its definition's.
    Standalone(LaunchType, Option<(u32, u32)>),
}

impl Placing {
    fn launch_type(self, world: &EcsCluster) -> LaunchType {
        match self {
            Placing::Service(s) => world.service(s).launch_type,
            Placing::Standalone(l, _) => l,
        }
    }

    fn strategies(self, world: &EcsCluster) -> &[PlacementStrategy] {
        let given: &[PlacementStrategy] = match self {
            Placing::Service(s) => &world.service(s).placement_strategy,
            Placing::Standalone(..) => &[],
        };
        if given.is_empty() {
            &DEFAULT_STRATEGY
        } else {
            given
        }
    }

    fn constraints(self, world: &EcsCluster) -> &[PlacementConstraint] {
        match self {
            Placing::Service(s) => &world.service(s).placement_constraints,
            // "There isn't a default task placement constraint for tasks not in services"
            // (Amazon ECS Developer Guide, "Use strategies to define Amazon ECS task placement").
            Placing::Standalone(..) => &[],
        }
    }

    fn daemon(self, world: &EcsCluster) -> bool {
        match self {
            Placing::Service(s) => {
                world.service(s).scheduling_strategy == SchedulingStrategy::Daemon
            }
            Placing::Standalone(..) => false,
        }
    }
}

/// AWS's default for services without a strategy. A standalone task gets the same [inferred]:
/// the guide says the default "depends on whether you run tasks manually (standalone tasks) or
/// within a service" without naming the standalone one; the console's default template for a
/// task it runs is "AZ balanced spread", and a spread of standalone tasks counts their task
/// group (Amazon ECS Developer Guide, "Task placement strategies").
const DEFAULT_STRATEGY: [PlacementStrategy; 2] = [
    PlacementStrategy::Spread(SpreadField::AvailabilityZone),
    PlacementStrategy::Spread(SpreadField::InstanceId),
];

/// Choose a host for one task of `service` and reserve its resources there. A task of an
/// Auto Scaling group capacity provider goes only on that group's instances.
pub fn place(
    world: &mut EcsCluster,
    zones: &[Zone],
    service: ServiceIdx,
    td: TaskDefIdx,
    provider: Option<&str>,
    counts: &mut SpreadCounts,
    rng: &mut ChaCha8Rng,
) -> Result<Placement, PlacementProblem> {
    place_for(
        world,
        zones,
        Placing::Service(service),
        td,
        provider,
        counts,
        rng,
    )
}

/// Choose a host for one task of a service or a standalone task, and reserve its resources.
pub fn place_for(
    world: &mut EcsCluster,
    zones: &[Zone],
    who: Placing,
    td: TaskDefIdx,
    provider: Option<&str>,
    counts: &mut SpreadCounts,
    rng: &mut ChaCha8Rng,
) -> Result<Placement, PlacementProblem> {
    match who.launch_type(world) {
        LaunchType::Fargate => place_fargate(zones, counts),
        LaunchType::Ec2 => place_ec2(world, zones, who, td, provider, counts, rng),
    }
}

/// Every Fargate task has its own network interface, so it needs a zone that is reachable and
/// whose subnet has a free address.
fn place_fargate(zones: &[Zone], counts: &mut SpreadCounts) -> Result<Placement, PlacementProblem> {
    let zone = zones
        .iter()
        .enumerate()
        .filter(|(_, z)| !z.is_out() && z.has_free_ip())
        .min_by_key(|(i, _)| (counts.per_zone[*i], *i))
        .map(|(i, _)| i)
        .ok_or_else(|| {
            if zones.iter().any(|z| !z.is_out()) {
                PlacementProblem::SubnetOutOfAddresses
            } else {
                PlacementProblem::FargateCapacityUnavailable
            }
        })?;
    counts.per_zone[zone] += 1;
    Ok(Placement {
        host: Host::Fargate,
        zone_index: zone,
        host_port: None,
    })
}

/// The host port a task needs, if its network mode maps one.
fn required_port(td: &TaskDefinition) -> Option<PortNeed> {
    let c = td.containers.iter().find(|c| c.port.is_some())?;
    match td.network_mode {
        NetworkMode::Awsvpc => None,
        NetworkMode::Host => c.port.map(PortNeed::Static),
        NetworkMode::Bridge => Some(match c.host_port {
            Some(0) | None => PortNeed::Dynamic,
            Some(p) => PortNeed::Static(p),
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PortNeed {
    Static(u16),
    Dynamic,
}

/// Which requirement an instance fails (the message is built only for the closest one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    AgentDisconnected,
    InsufficientMemory,
    InsufficientCpu,
    PortInUse,
    /// awsvpc: the instance's zone has no free address for the task's network interface.
    NoFreeAddress,
    Distinct,
    MissingAttribute,
}

impl Problem {
    /// "Closest matching": how far through the checks the instance got (lower is closer).
    fn rank(self) -> u8 {
        match self {
            Problem::InsufficientMemory | Problem::InsufficientCpu => 1,
            Problem::PortInUse | Problem::NoFreeAddress => 2,
            Problem::Distinct | Problem::MissingAttribute => 3,
            Problem::AgentDisconnected => 4,
        }
    }

    fn describe(self, inst: &ContainerInstance) -> PlacementProblem {
        let container_instance = inst.id.clone();
        match self {
            Problem::AgentDisconnected => {
                PlacementProblem::AgentDisconnected { container_instance }
            }
            Problem::InsufficientMemory => {
                PlacementProblem::InsufficientMemory { container_instance }
            }
            Problem::InsufficientCpu => PlacementProblem::InsufficientCpu { container_instance },
            Problem::PortInUse => PlacementProblem::PortInUse { container_instance },
            Problem::NoFreeAddress => PlacementProblem::SubnetOutOfAddresses,
            Problem::Distinct => PlacementProblem::NoInstanceMetRequirements,
            Problem::MissingAttribute => PlacementProblem::MissingAttribute { container_instance },
        }
    }
}

/// The first requirement an instance fails, in the order ECS reports them.
#[inline(always)] // inside `scan`'s walk over every instance, as before `place_on` shared it
fn first_problem(
    world: &EcsCluster,
    zones: &[Zone],
    who: Placing,
    inst: &ContainerInstance,
    i: usize,
    need: &Need,
    counts: &SpreadCounts,
) -> Option<Problem> {
    if !inst.agent_connected || zones[inst.zone].is_out() {
        return Some(Problem::AgentDisconnected);
    }
    if let Some(problem) = resource_problem(inst, need) {
        return Some(problem);
    }
    if need.awsvpc && !zones[inst.zone].has_free_ip() {
        return Some(Problem::NoFreeAddress);
    }
    constraint_problem(world, who, inst, i, counts)
}

/// What one task asks of an instance.
struct Need {
    cpu: u32,
    memory: u32,
    port: Option<PortNeed>,
    /// awsvpc: the task needs a free address in the instance's zone.
    awsvpc: bool,
}

fn resource_problem(inst: &ContainerInstance, need: &Need) -> Option<Problem> {
    if inst.remaining_memory() < need.memory {
        return Some(Problem::InsufficientMemory);
    }
    if inst.remaining_cpu() < need.cpu {
        return Some(Problem::InsufficientCpu);
    }
    if let Some(PortNeed::Static(p)) = need.port
        && inst.reserved_ports.contains(&p)
    {
        return Some(Problem::PortInUse);
    }
    None
}

fn constraint_problem(
    world: &EcsCluster,
    who: Placing,
    inst: &ContainerInstance,
    i: usize,
    counts: &SpreadCounts,
) -> Option<Problem> {
    // A DAEMON service runs exactly one task on each instance (docs/rules/ecs-daemon.md;
    // source: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html#service_scheduler_daemon>):
    // an instance that has one, even one still stopping, takes no other.
    if who.daemon(world) && counts.per_instance[i] > 0 {
        return Some(Problem::Distinct);
    }
    for c in who.constraints(world) {
        match c {
            PlacementConstraint::DistinctInstance => {
                if counts.per_instance[i] > 0 {
                    return Some(Problem::Distinct);
                }
            }
            PlacementConstraint::MemberOf(expr) => {
                if !member_of(expr, inst).unwrap_or(false) {
                    return Some(Problem::MissingAttribute);
                }
            }
        }
    }
    None
}

/// The container instances a DAEMON service runs a task on: ACTIVE ones that meet all of its
/// placement constraints ("exactly one task on each active container instance that meets all
/// of the task placement constraints", Amazon ECS Developer Guide, "Amazon ECS services").
/// Resources do not count: an instance without room still wants its task, which waits.
pub fn daemon_instances(world: &EcsCluster, service: ServiceIdx) -> u32 {
    let constraints = &world.service(service).placement_constraints;
    world
        .instances
        .iter()
        .filter(|inst| inst.status == InstanceStatus::Active)
        .filter(|inst| {
            constraints.iter().all(|c| match c {
                PlacementConstraint::DistinctInstance => true,
                PlacementConstraint::MemberOf(expr) => member_of(expr, inst).unwrap_or(false),
            })
        })
        .count() as u32
}

/// Whether an instance is a candidate for `provider`'s tasks at all.
fn eligible(inst: &ContainerInstance, provider: Option<&str>) -> bool {
    inst.status == InstanceStatus::Active
        && provider.is_none_or(|p| inst.capacity_provider.as_deref() == Some(p))
}

/// The instance requirements that only placements on the instance itself change (everything
/// but the zone's reachability and free addresses, which are checked per zone).
fn fits_instance(
    world: &EcsCluster,
    who: Placing,
    inst: &ContainerInstance,
    i: usize,
    need: &Need,
    counts: &SpreadCounts,
) -> bool {
    inst.agent_connected
        && resource_problem(inst, need).is_none()
        && constraint_problem(world, who, inst, i, counts).is_none()
}

/// The instances that fit a service's tasks, per zone, in the order the spread strategies rank
/// them within a zone. Several tasks placed in a row (a pass starting hundreds of tasks) then
/// cost a lookup each instead of a walk over every instance. Only placements through the same
/// [`SpreadCounts`] may change the instances while it is in use, which holds within a pass.
#[derive(Debug, Clone)]
struct SpreadIndex {
    td: TaskDefIdx,
    provider: Option<String>,
    /// Whether the instance's own task count ranks it (a spread over instance ids).
    by_instance: bool,
    /// Per zone: (the instance's task count if `by_instance`, else 0; instance index).
    per_zone: Vec<BTreeSet<(u32, usize)>>,
}

impl SpreadIndex {
    #[allow(clippy::too_many_arguments)] // the cluster, its zones and what one task needs
    fn build(
        world: &EcsCluster,
        zones: &[Zone],
        who: Placing,
        td: TaskDefIdx,
        provider: Option<&str>,
        need: &Need,
        by_instance: bool,
        counts: &SpreadCounts,
    ) -> Self {
        let mut index = SpreadIndex {
            td,
            provider: provider.map(str::to_string),
            by_instance,
            per_zone: vec![BTreeSet::new(); zones.len()],
        };
        for (i, inst) in world.instances.iter().enumerate() {
            if eligible(inst, provider) && fits_instance(world, who, inst, i, need, counts) {
                let entry = index.entry(i, counts);
                index.per_zone[inst.zone].insert(entry);
            }
        }
        index
    }

    fn entry(&self, i: usize, counts: &SpreadCounts) -> (u32, usize) {
        (
            if self.by_instance {
                counts.per_instance[i]
            } else {
                0
            },
            i,
        )
    }

    /// The instance a walk over all instances would choose (lowest key, then lowest index), or
    /// `None` when no instance fits.
    fn best(
        &self,
        zones: &[Zone],
        need: &Need,
        strategies: &[PlacementStrategy],
        counts: &SpreadCounts,
    ) -> Option<usize> {
        self.per_zone
            .iter()
            .enumerate()
            .filter(|(z, _)| !zones[*z].is_out() && (!need.awsvpc || zones[*z].has_free_ip()))
            .filter_map(|(z, set)| set.first().map(|&(_, i)| (z, i)))
            .map(|(z, i)| (spread_key(strategies, counts, z, i), i))
            .min()
            .map(|(_, i)| i)
    }

    /// Instance `i` just got a task: move it to its new rank, or out if it no longer fits.
    fn placed_on(
        &mut self,
        world: &EcsCluster,
        who: Placing,
        i: usize,
        need: &Need,
        before: u32,
        counts: &SpreadCounts,
    ) {
        let inst = &world.instances[i];
        let old = (if self.by_instance { before } else { 0 }, i);
        self.per_zone[inst.zone].remove(&old);
        if fits_instance(world, who, inst, i, need, counts) {
            let entry = self.entry(i, counts);
            self.per_zone[inst.zone].insert(entry);
        }
    }
}

/// The lexicographic key of spread-only strategies for instance `i` in zone `zone`.
fn spread_key(
    strategies: &[PlacementStrategy],
    counts: &SpreadCounts,
    zone: usize,
    i: usize,
) -> [i64; 8] {
    let mut key = [i64::MAX; 8];
    for (slot, s) in key.iter_mut().zip(strategies.iter()) {
        *slot = match s {
            PlacementStrategy::Spread(SpreadField::AvailabilityZone) => {
                counts.per_zone[zone] as i64
            }
            PlacementStrategy::Spread(SpreadField::InstanceId) => counts.per_instance[i] as i64,
            _ => unreachable!("only spread strategies are indexed"),
        };
    }
    key
}

fn place_ec2(
    world: &mut EcsCluster,
    zones: &[Zone],
    who: Placing,
    td_idx: TaskDefIdx,
    provider: Option<&str>,
    counts: &mut SpreadCounts,
    rng: &mut ChaCha8Rng,
) -> Result<Placement, PlacementProblem> {
    let td = world.task_definition(td_idx);
    let port = required_port(td);
    let (cpu, memory) = match who {
        Placing::Standalone(_, Some(size)) => size,
        _ => (td.reserved_cpu(), td.reserved_memory()),
    };
    let need = Need {
        cpu,
        memory,
        port,
        awsvpc: td.network_mode == NetworkMode::Awsvpc,
    };
    let strategies = who.strategies(world);
    // Spread strategies rank instances by task counts alone (no random draws, no free
    // resources), so from the second task of a pass on an index finds the same instance.
    let spread_only = strategies
        .iter()
        .all(|s| matches!(s, PlacementStrategy::Spread(_)));
    let indexed = spread_only && counts.placements > 0;
    if indexed
        && counts
            .index
            .as_ref()
            .is_none_or(|x| x.td != td_idx || x.provider.as_deref() != provider)
    {
        let by_instance = strategies.contains(&PlacementStrategy::Spread(SpreadField::InstanceId));
        counts.index = Some(SpreadIndex::build(
            world,
            zones,
            who,
            td_idx,
            provider,
            &need,
            by_instance,
            counts,
        ));
    }
    let found = match counts.index.as_ref().filter(|_| indexed) {
        Some(index) => index.best(zones, &need, strategies, counts),
        None => None,
    };
    let i = match found {
        Some(i) => i,
        None => scan(world, zones, who, provider, &need, strategies, counts, rng)?,
    };
    let placement = claim(world, i, &need);
    let zone = placement.zone_index;
    let before = counts.per_instance[i];
    counts.per_zone[zone] += 1;
    counts.per_instance[i] += 1;
    counts.placements += 1;
    if let Some(mut index) = counts.index.take().filter(|_| indexed) {
        index.placed_on(world, who, i, &need, before, counts);
        counts.index = Some(index);
    }
    Ok(placement)
}

/// Reserve on instance `i` what one task needs: its CPU, memory and host port.
#[inline(always)] // as it was inside `place_ec2`, the hot path; `place_on` is rare
fn claim(world: &mut EcsCluster, i: usize, need: &Need) -> Placement {
    let zone = world.instances[i].zone;
    let inst = world.instance_mut(InstanceIdx(i as u32));
    inst.used_cpu += need.cpu;
    inst.used_memory += need.memory;
    let host_port = match need.port {
        None => None,
        Some(PortNeed::Static(p)) => Some(p),
        Some(PortNeed::Dynamic) => {
            // Docker hands out ephemeral host ports from 32768 up.
            let mut p = inst.next_dynamic_port;
            while inst.reserved_ports.contains(&p) {
                p = if p >= 60999 { 32768 } else { p + 1 };
            }
            inst.next_dynamic_port = if p >= 60999 { 32768 } else { p + 1 };
            Some(p)
        }
    };
    if let Some(p) = host_port {
        inst.reserved_ports.push(p);
    }
    Placement {
        host: Host::Instance(InstanceIdx(i as u32)),
        zone_index: zone,
        host_port,
    }
}

/// `StartTask`: one task of `td` on container instance `i`, which the call names: no strategy,
/// no constraint, only whether it fits. `size` is the task's (CPU units, MiB) when overrides
/// change its definition's. An instance that is not ACTIVE takes nothing: `Err(None)` for a
/// DRAINING or INACTIVE one (the caller names the reason), `Err(Some(problem))` for one that
/// is ACTIVE but cannot take the task.
pub fn place_on(
    world: &mut EcsCluster,
    zones: &[Zone],
    i: InstanceIdx,
    td_idx: TaskDefIdx,
    size: Option<(u32, u32)>,
) -> Result<Placement, Option<PlacementProblem>> {
    let td = world.task_definition(td_idx);
    let (cpu, memory) = size.unwrap_or_else(|| (td.reserved_cpu(), td.reserved_memory()));
    let need = Need {
        cpu,
        memory,
        port: required_port(td),
        awsvpc: td.network_mode == NetworkMode::Awsvpc,
    };
    let at = i.0 as usize;
    let inst = &world.instances[at];
    if inst.status != InstanceStatus::Active {
        return Err(None);
    }
    let counts = SpreadCounts::empty(world, zones);
    let who = Placing::Standalone(LaunchType::Ec2, size);
    if let Some(problem) = first_problem(world, zones, who, inst, at, &need, &counts) {
        return Err(Some(problem.describe(inst)));
    }
    Ok(claim(world, at, &need))
}

/// Walk every instance: the filters, then the strategies; on failure the closest match.
#[allow(clippy::too_many_arguments)] // the cluster, its zones and what one task needs
fn scan(
    world: &EcsCluster,
    zones: &[Zone],
    who: Placing,
    provider: Option<&str>,
    need: &Need,
    strategies: &[PlacementStrategy],
    counts: &SpreadCounts,
    rng: &mut ChaCha8Rng,
) -> Result<usize, PlacementProblem> {
    let mut best: Option<([i64; 8], usize)> = None;
    let mut closest: Option<(u8, usize, Problem)> = None;
    let mut any_active = false;
    for (i, inst) in world.instances.iter().enumerate() {
        if !eligible(inst, provider) {
            continue;
        }
        any_active = true;
        if let Some(problem) = first_problem(world, zones, who, inst, i, need, counts) {
            let rank = problem.rank();
            // "Closest matching": the instance that got furthest through the checks, then the
            // one with the most memory free [model].
            let better = match &closest {
                None => true,
                Some((r, j, _)) => {
                    rank < *r
                        || (rank == *r
                            && inst.remaining_memory() > world.instances[*j].remaining_memory())
                }
            };
            if better {
                closest = Some((rank, i, problem));
            }
            continue;
        }
        let zone = inst.zone;
        // Compared lexicographically; placements use at most a handful of strategies.
        let mut key = [i64::MAX; 8];
        for (slot, s) in key.iter_mut().zip(strategies.iter()) {
            *slot = match s {
                PlacementStrategy::Spread(SpreadField::AvailabilityZone) => {
                    counts.per_zone[zone] as i64
                }
                PlacementStrategy::Spread(SpreadField::InstanceId) => counts.per_instance[i] as i64,
                PlacementStrategy::Binpack(BinpackField::Cpu) => {
                    inst.remaining_cpu() as i64 - need.cpu as i64
                }
                PlacementStrategy::Binpack(BinpackField::Memory) => {
                    inst.remaining_memory() as i64 - need.memory as i64
                }
                PlacementStrategy::Random => rng.random_range(0..1_000_000),
            };
        }
        if best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((key, i));
        }
    }
    match best {
        Some((_, i)) => Ok(i),
        None => Err(match closest {
            _ if !any_active => PlacementProblem::NoInstances,
            Some((_, j, problem)) => problem.describe(&world.instances[j]),
            None => PlacementProblem::NoInstances,
        }),
    }
}

/// The subset of the cluster query language Orca understands:
/// `attribute:ecs.instance-type == t3.medium`, `!=`, `=~ t3.*` (wildcards),
/// `attribute:ecs.availability-zone in [us-east-1a, us-east-1b]`, `not_in`, joined with `and`.
pub fn parse_member_of(expr: &str) -> Result<Vec<Clause>, String> {
    expr.split(" and ")
        .map(|clause| {
            let clause = clause.trim();
            let (attr, rest) = clause
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("expected `attribute:<name> <operator> <value>`, got `{clause}`"))?;
            let attribute = match attr {
                "attribute:ecs.instance-type" => Attribute::InstanceType,
                "attribute:ecs.availability-zone" => Attribute::AvailabilityZone,
                other => {
                    return Err(format!(
                        "unsupported attribute `{other}`; Orca knows attribute:ecs.instance-type and attribute:ecs.availability-zone"
                    ))
                }
            };
            let rest = rest.trim();
            let (op, value) = rest
                .split_once(char::is_whitespace)
                .ok_or_else(|| format!("expected an operator and a value after `{attr}`"))?;
            let value = value.trim();
            let list = || -> Result<Vec<String>, String> {
                let inner = value
                    .strip_prefix('[')
                    .and_then(|v| v.strip_suffix(']'))
                    .ok_or_else(|| format!("expected a list like [a, b] after `{op}`, got `{value}`"))?;
                Ok(inner.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect())
            };
            let op = match op {
                "==" | "equals" => Op::Eq(value.to_string()),
                "!=" | "not_equals" => Op::Ne(value.to_string()),
                "=~" | "matches" => Op::Matches(value.to_string()),
                "in" => Op::In(list()?),
                "not_in" => Op::NotIn(list()?),
                other => {
                    return Err(format!(
                        "unsupported operator `{other}`; use ==, !=, =~, in or not_in"
                    ))
                }
            };
            Ok(Clause { attribute, op })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    attribute: Attribute,
    op: Op,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attribute {
    InstanceType,
    AvailabilityZone,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    Eq(String),
    Ne(String),
    Matches(String),
    In(Vec<String>),
    NotIn(Vec<String>),
}

fn glob(pattern: &str, s: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == s,
        Some((head, tail)) => {
            s.starts_with(head)
                && (0..=s.len() - head.len())
                    .any(|k| s.is_char_boundary(head.len() + k) && glob(tail, &s[head.len() + k..]))
        }
    }
}

/// Does the instance satisfy a memberOf expression? Err if the expression does not parse.
pub fn member_of(expr: &str, inst: &ContainerInstance) -> Result<bool, String> {
    Ok(parse_member_of(expr)?.iter().all(|c| {
        let v = match c.attribute {
            Attribute::InstanceType => inst.instance_type.as_str(),
            Attribute::AvailabilityZone => inst.availability_zone.as_str(),
        };
        match &c.op {
            Op::Eq(x) => v == x,
            Op::Ne(x) => v != x,
            Op::Matches(p) => glob(p, v),
            Op::In(xs) => xs.iter().any(|x| x == v),
            Op::NotIn(xs) => !xs.iter().any(|x| x == v),
        }
    }))
}

/// The capacity provider of a strategy (`(name, base, weight)` items) for the next task, given
/// how many tasks each provider has: the provider with a `base` until the base is met, then the
/// one furthest below its share of `weight` (the first of equals); `None` when no item has a
/// weight (Amazon ECS API Reference, `CapacityProviderStrategyItem`).
pub fn pick_provider(items: &[(String, u32, u32)], count: impl Fn(&str) -> f64) -> Option<String> {
    if let Some((p, base, _)) = items.iter().find(|(_, b, _)| *b > 0)
        && count(p) < *base as f64
    {
        return Some(p.clone());
    }
    items
        .iter()
        .filter(|(_, _, w)| *w > 0)
        .min_by(|a, b| {
            // Tasks beyond the base, per unit of weight: the lowest gets the next task.
            let share =
                |(p, base, w): &(String, u32, u32)| (count(p) - *base as f64).max(0.0) / *w as f64;
            share(a).total_cmp(&share(b))
        })
        .map(|(p, _, _)| p.clone())
}

/// Whether a task of `provider` that fits no instance waits in PROVISIONING for the provider's
/// Auto Scaling group to add one (managed scaling on), rather than failing to be placed.
pub fn waits_for_capacity(world: &EcsCluster, provider: Option<&str>) -> bool {
    provider.is_some_and(|p| {
        world
            .auto_scaling_groups
            .iter()
            .any(|g| g.capacity_provider == p && g.managed_scaling.is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_instance_families() {
        assert!(glob("t3.*", "t3.medium"));
        assert!(!glob("t3.*", "m5.large"));
        assert!(glob("*.large", "m5.large"));
        assert!(glob("m*.x*", "m5.xlarge"));
    }

    #[test]
    fn member_of_parses_the_documented_forms() {
        assert!(parse_member_of("attribute:ecs.instance-type =~ t3.*").is_ok());
        assert!(
            parse_member_of("attribute:ecs.availability-zone in [us-east-1a, us-east-1b]").is_ok()
        );
        let err = parse_member_of("attribute:ecs.os-type == linux").unwrap_err();
        assert!(err.contains("unsupported attribute"), "{err}");
        let err = parse_member_of("attribute:ecs.instance-type ~ t3").unwrap_err();
        assert!(err.contains("unsupported operator"), "{err}");
    }
}
