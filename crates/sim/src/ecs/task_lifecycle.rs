//! The task lifecycle: PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING →
//! DEPROVISIONING → STOPPED, as the ECS agent (or Fargate) walks a task through it.
//!
//! `desiredStatus` is what ECS wants; `lastStatus` is what the agent reported last. When ECS
//! decides to stop a task, `desiredStatus` becomes STOPPED at once while `lastStatus` walks the
//! remaining states. How long each step takes is not published; the ranges in the scenario's
//! `timings` are Orca's model [model].

use crate::control::EcsTimer;
use crate::ecs::cluster::Ctx;
use crate::ecs::ids::{ServiceIdx, TaskDefIdx, TaskIdx};
use crate::ecs::placement::Placement;
use crate::ecs::{
    AppFate, Container, ContainerStatus, DesiredStatus, HealthStatus, Host, StopCode, Task,
    TaskStatus, circuit_breaker, container_deps, container_health, container_restart, deployments,
    messages,
};
use crate::elb::target_health;
use crate::event::{EventKind, Message, Source, Subject, text};
use crate::name::Name;
use crate::rng::{between, chance, hex_name};
use crate::scenario::spec::{ImagePull, NetworkMode, SchedulingStrategy};
use crate::time::Millis;

/// Why a task is being stopped; decides `stopCode`, `stoppedReason` and what the circuit
/// breaker and the service throttle count.
#[derive(Debug, Clone, PartialEq)]
pub enum StopCause {
    /// Rolling deployment, scale-in or replacement decided by the service scheduler.
    Scheduler {
        deployment: Name,
    },
    ContainerHealthCheck,
    LoadBalancerHealthCheck {
        target_group_arn: String,
    },
    EssentialContainerExited,
    ImagePullFailed {
        reason: String,
    },
    User,
    HostTerminated {
        ec2_instance_id: String,
    },
    /// Fargate Spot reclaims the capacity (two-minute warning, SIGTERM).
    SpotInterruption,
}

/// The capacity provider for the next task of a service: the provider with a `base` until the
/// base is met, then the one furthest below its share of `weight`.
pub fn choose_capacity_provider(
    world: &crate::ecs::cluster::EcsCluster,
    service: ServiceIdx,
) -> Option<String> {
    let svc = world.service(service);
    if svc.capacity_providers.is_empty() {
        return None;
    }
    let count = |p: &str| {
        svc.tasks
            .iter()
            .filter(|&&t| {
                let task = world.task(t);
                task.is_live() && task.capacity_provider.as_deref() == Some(p)
            })
            .count() as f64
    };
    super::placement::pick_provider(&svc.capacity_providers, count)
}

/// Whether a task has an address of its own (its awsvpc ENI; every Fargate task is awsvpc)
/// rather than its instance's.
pub fn owns_ip(network_mode: NetworkMode, host: Host) -> bool {
    match host {
        Host::Fargate => true,
        Host::Instance(_) => network_mode == NetworkMode::Awsvpc,
        Host::AwaitingCapacity => false,
    }
}

/// Launch a task of a service deployment on a placement the scheduler chose.
pub fn launch(
    ctx: &mut Ctx,
    service: ServiceIdx,
    deployment_id: &Name,
    td_idx: TaskDefIdx,
    placement: Placement,
    capacity_provider: Option<String>,
    why: String,
) -> TaskIdx {
    let owner = Owner::Deployment {
        service,
        id: deployment_id,
    };
    let idx = create(ctx, owner, td_idx, placement, capacity_provider, why);
    state_changed(ctx, idx, None);
    super::ebs::create_for_task(ctx, idx, true);
    idx
}

/// Who a new task belongs to.
pub enum Owner<'a> {
    /// A service's deployment (or task set) launched it.
    Deployment { service: ServiceIdx, id: &'a Name },
    /// `RunTask` started it: a standalone task of a task group (`family:NAME` unless given),
    /// started by whoever `started_by` names (empty: nobody said).
    Standalone {
        launch_type: crate::scenario::spec::LaunchType,
        group: Name,
        started_by: Name,
        /// `RunTask`'s `overrides`, if the call gave any.
        overrides: Option<crate::scenario::spec::TaskOverrideSpec>,
        /// The call that started it.
        started_with: crate::ecs::StartedWith,
    },
}

/// Launch a standalone task (`RunTask`) on a placement already chosen. No service watches it:
/// it stops when its essential container exits or someone stops it, and is not replaced.
pub fn launch_standalone(
    ctx: &mut Ctx,
    owner: Owner,
    td_idx: TaskDefIdx,
    placement: Placement,
    capacity_provider: Option<String>,
    why: String,
) -> TaskIdx {
    debug_assert!(matches!(owner, Owner::Standalone { .. }));
    let idx = create(ctx, owner, td_idx, placement, capacity_provider, why);
    state_changed(ctx, idx, None);
    idx
}

/// A new task in its first state, on its host, with its first step scheduled; no event yet.
fn create(
    ctx: &mut Ctx,
    owner: Owner,
    td_idx: TaskDefIdx,
    placement: Placement,
    capacity_provider: Option<String>,
    why: String,
) -> TaskIdx {
    let now = ctx.now;
    let network_mode = ctx.world.task_definition(td_idx).network_mode;
    let id = hex_name(&mut ctx.rngs.ids, 32);
    let arn = text(
        ctx.net.region.len() + ctx.net.account_id.len() + ctx.world.name.len() + id.len() + 20,
        format_args!(
            "arn:aws:ecs:{}:{}:task/{}/{}",
            ctx.net.region, ctx.net.account_id, ctx.world.name, id
        ),
    );
    let waiting = placement.host == Host::AwaitingCapacity;
    let zone = if waiting {
        Name::default()
    } else {
        ctx.net.zones[placement.zone_index].name.clone()
    };
    let private_ip = match placement.host {
        Host::AwaitingCapacity => Name::default(),
        Host::Instance(i) if !owns_ip(network_mode, placement.host) => {
            ctx.world.instance(i).private_ip.clone()
        }
        // Placement checked that the zone's subnet has a free address.
        _ => ctx.net.allocate_ip(placement.zone_index).into(),
    };
    let (service, deployment_id, launch_type, standalone, started_by) = match owner {
        Owner::Deployment { service, id } => (
            Some(service),
            Some(id),
            ctx.world.service(service).launch_type,
            None,
            id.clone(),
        ),
        Owner::Standalone {
            launch_type,
            group,
            started_by,
            overrides,
            started_with,
        } => (
            None,
            None,
            launch_type,
            Some(Box::new(crate::ecs::Standalone {
                group,
                overrides,
                started_with,
            })),
            started_by,
        ),
    };
    let mut pull_failure = None;
    let td = ctx.world.task_definition(td_idx);
    let containers: Vec<Container> = td
        .containers
        .iter()
        .map(|c| {
            let b = &c.behavior;
            let fault_hit = b
                .fails_health_checks
                .is_some_and(|f| chance(&mut ctx.rngs.faults, f.fraction));
            let exit_hit = b
                .exits
                .is_some_and(|e| chance(&mut ctx.rngs.faults, e.fraction));
            if pull_failure.is_none() {
                pull_failure = match b.image_pull {
                    ImagePull::Succeeds => None,
                    ImagePull::NotFound => Some(messages::cannot_pull_not_found(&c.image)),
                    ImagePull::AccessDenied => Some(messages::cannot_pull_access_denied(&c.image)),
                };
            }
            Container {
                name: c.name.clone(),
                image: c.image.clone(),
                image_digest: None,
                essential: c.essential,
                last_status: ContainerStatus::Pending,
                health_status: HealthStatus::Unknown,
                exit_code: None,
                reason: None,
                started_at: None,
                health_check: None,
                app: AppFate::default(),
                fault_hit,
                exit_hit,
                restart_count: 0,
                last_restart_at: None,
                stopped_at: None,
            }
        })
        .collect();
    // The execution role (or, without one on EC2, the instance role) must let the agent
    // fetch the task's secrets and pull its ECR images.
    // A task still waiting for an instance is checked as if on EC2 with the instance role
    // unnamed (inferred simplification: the role, not the instance, decides).
    if pull_failure.is_none()
        && let Some(iam) = &ctx.world.iam
    {
        let instance = match placement.host {
            Host::Instance(i) => Some(ctx.world.instance(i).ec2_instance_id.as_str()),
            Host::AwaitingCapacity => Some(""),
            Host::Fargate => None,
        };
        let execution_role = standalone
            .as_ref()
            .and_then(|s| s.overrides.as_ref())
            .and_then(|o| o.execution_role_arn.as_deref())
            .or(td.execution_role_arn.as_deref());
        pull_failure = crate::iam::execution::start_failure(iam, td, execution_role, &id, instance);
    }
    let (first, step) = if network_mode == NetworkMode::Awsvpc || waiting {
        (TaskStatus::Provisioning, ctx.timings.provisioning)
    } else {
        (TaskStatus::Pending, ctx.timings.image_pull)
    };
    // A task that starts PENDING begins its pull now, unless the ECS agent uses the images
    // its instance keeps (`image_cache.rs`: `once`, `prefer-cached`).
    let skip_pull =
        first == TaskStatus::Pending && super::image_cache::prefers_cache(ctx.world) && {
            let images: Vec<&str> = containers.iter().map(|c| c.image.as_ref()).collect();
            super::image_cache::skips_pull(ctx.world, placement.host, &images)
        };
    // A task waiting for capacity draws its provisioning time once it is placed.
    let step = if waiting {
        Millis(0)
    } else if skip_pull {
        super::image_cache::CACHED_START
    } else {
        between(&mut ctx.rngs.timing, step.0, step.1)
    };
    let (deployment_key, key_exact) = match deployment_id {
        Some(d) => {
            let (key, exact) = crate::ecs::task_table::key_of(d);
            (Some(key), exact)
        }
        None => (None, false),
    };
    let task = Task {
        id,
        arn,
        task_definition: td_idx,
        service,
        deployment_id: deployment_id.cloned(),
        deployment_key,
        deployment_key_exact: key_exact,
        started_by,
        standalone,
        launch_type,
        capacity_provider,
        availability_zone: zone,
        zone: placement.zone_index,
        host: placement.host,
        private_ip,
        host_port: placement.host_port,
        last_status: first,
        desired_status: DesiredStatus::Running,
        health_status: HealthStatus::Unknown,
        containers,
        created_at: now,
        pull_started_at: (first == TaskStatus::Pending && !skip_pull).then_some(now),
        started_at: None,
        stopping_at: None,
        stopped_at: None,
        stop_code: None,
        stopped_reason: None,
        healthy_at: None,
        unhealthy_reason: None,
        why: vec![crate::ecs::Why { at: now, text: why }],
        next_step_at: (!waiting).then(|| now.plus(step)),
        health_next_at: None,
        pull_failure,
        reached_running: false,
        ebs: None,
        guardduty_agent: None,
    };
    let mut task = task;
    // GuardDuty Runtime Monitoring attaches its agent when a task starts, if the task's
    // deployment (or task set) started while automated agent configuration was on.
    // A standalone task starts its own "deployment": the setting counts as it launches.
    let deployment_started = match (service, deployment_id) {
        (Some(service), Some(deployment_id)) => {
            let svc = ctx.world.service(service);
            svc.deployment(deployment_id)
                .map(|d| d.created_at)
                .or_else(|| {
                    svc.blue_green
                        .as_deref()
                        .and_then(|bg| bg.task_set(deployment_id))
                        .map(|t| t.created_at)
                })
                .unwrap_or(now)
        }
        _ => now,
    };
    if let Some((agent, why)) = crate::ecs::guardduty::decide(ctx.world, &task, deployment_started)
    {
        task.guardduty_agent = Some(Box::new(agent));
        task.explain(now, why);
    }
    let idx = TaskIdx(ctx.world.tasks.len() as u32);
    ctx.world.tasks.push(task);
    if let Some(service) = service {
        ctx.world.service_mut(service).tasks.push(idx);
    }
    if let Host::Instance(i) = placement.host {
        ctx.world.instance_mut(i).tasks.push(idx);
    }
    if !waiting {
        ctx.schedule(now.plus(step), EcsTimer::TaskStep(idx));
    }
    idx
}

/// A task that waited for capacity gets its instance: it keeps PROVISIONING (its ENI, if
/// awsvpc, is attached now) and walks on from there.
pub fn place_waiting(ctx: &mut Ctx, idx: TaskIdx, placement: Placement) {
    let now = ctx.now;
    let awsvpc = ctx
        .world
        .task_definition(ctx.world.task(idx).task_definition)
        .network_mode
        == NetworkMode::Awsvpc;
    let private_ip = match placement.host {
        Host::Instance(i) if !awsvpc => ctx.world.instance(i).private_ip.clone(),
        // Placement checked that the zone's subnet has a free address.
        _ => ctx.net.allocate_ip(placement.zone_index).into(),
    };
    let zone = ctx.net.zones[placement.zone_index].name.clone();
    let step = if awsvpc {
        between(
            &mut ctx.rngs.timing,
            ctx.timings.provisioning.0,
            ctx.timings.provisioning.1,
        )
    } else {
        Millis(1000)
    };
    if let Host::Instance(i) = placement.host {
        ctx.world.instance_mut(i).tasks.push(idx);
    }
    let instance = match placement.host {
        Host::Instance(i) => ctx.world.instance(i).name.clone(),
        _ => String::new(),
    };
    let t = ctx.world.task_mut(idx);
    t.host = placement.host;
    t.zone = placement.zone_index;
    t.availability_zone = zone;
    t.private_ip = private_ip;
    t.host_port = placement.host_port;
    t.next_step_at = Some(now.plus(step));
    t.explain(
        now,
        format!("Placed on {instance}, which registered with the cluster; provisioning goes on."),
    );
    ctx.schedule(now.plus(step), EcsTimer::TaskStep(idx));
    super::ebs::create_for_task(ctx, idx, true);
}

/// Put an already-running, healthy task in place at time zero (a service that starts steady).
pub fn launch_running(
    ctx: &mut Ctx,
    service: ServiceIdx,
    deployment_id: &Name,
    td: TaskDefIdx,
    placement: Placement,
    capacity_provider: Option<String>,
) -> TaskIdx {
    let owner = Owner::Deployment {
        service,
        id: deployment_id,
    };
    let idx = create(
        ctx,
        owner,
        td,
        placement,
        capacity_provider,
        "Running when the scenario starts.".into(),
    );
    // Its volume was created and attached before the scenario started.
    super::ebs::create_for_task(ctx, idx, false);
    super::ebs::attached_before_start(ctx, idx);
    let now = ctx.now;
    let t = ctx.world.task_mut(idx);
    t.pull_started_at = Some(now);
    t.pull_failure = None;
    // It did not walk PROVISIONING → RUNNING in front of us: it is first seen RUNNING.
    t.last_status = TaskStatus::Running;
    // It pulled its image before the scenario started.
    record_digests(ctx, idx);
    state_changed(ctx, idx, None);
    enter_running(ctx, idx, true);
    idx
}

fn state_changed(ctx: &mut Ctx, idx: TaskIdx, from: Option<TaskStatus>) {
    let t = ctx.world.task(idx);
    let td = ctx.world.task_definition(t.task_definition);
    let service = t.service.map(|s| ctx.world.service(s).name.clone());
    // Every task changes state several times: the text is written when read
    // (`event::task_state_text`).
    let message = Message::TaskState {
        family: td.family.clone(),
        desired: t.desired_status,
    };
    let kind = EventKind::TaskStateChanged {
        task: t.id.clone(),
        service,
        revision: td.revision,
        from,
        to: t.last_status,
    };
    let (source, subject) = (Source::Task(t.id.clone()), Subject::Task(t.id.clone()));
    ctx.emit(source, kind, message, [subject]);
}

fn set_status(ctx: &mut Ctx, idx: TaskIdx, to: TaskStatus, next_in: Option<Millis>) {
    let now = ctx.now;
    let t = ctx.world.task_mut(idx);
    let from = t.last_status;
    t.last_status = to;
    t.next_step_at = next_in.map(|d| now.plus(d));
    if let Some(d) = next_in {
        ctx.schedule(now.plus(d), EcsTimer::TaskStep(idx));
    }
    if from != to {
        state_changed(ctx, idx, Some(from));
    }
}

/// The pull of an image from a modelled ECR repository fails when its tag or digest is no
/// longer there (deleted, or expired by a lifecycle policy): `CannotPullContainerError: … not
/// found` (ECS Developer Guide, "Cannot pull container image errors"; docs/rules/ecr.md).
fn gone_from_registry(ctx: &Ctx, idx: TaskIdx) -> Option<String> {
    ctx.world
        .task(idx)
        .containers
        .iter()
        .find(|c| ctx.registry.missing(&c.image))
        .map(|c| messages::cannot_pull_not_found(&c.image))
}

/// The end of PENDING: why the task cannot start, if it cannot. A pull skipped for the
/// instance's cached images (`pull_started_at` unset) cannot fail as a pull; a failed pull
/// falls back to those images under the agent's `default` behaviour (`image_cache.rs`).
/// Otherwise each container records the digest it runs.
fn pull_failure(ctx: &mut Ctx, idx: TaskIdx) -> Option<String> {
    let t = ctx.world.task(idx);
    let skipped = t.pull_started_at.is_none();
    let failure = t.pull_failure.clone();
    if skipped {
        let failure = failure.filter(|r| !r.starts_with("CannotPullContainerError"));
        if failure.is_none() {
            match super::image_cache::cached_copies(ctx.world, idx) {
                Some(copies) => {
                    let why = super::image_cache::skipped_why(ctx.world, idx);
                    super::image_cache::use_cached(ctx, idx, copies, why);
                }
                None => record_digests(ctx, idx),
            }
        }
        return failure;
    }
    match failure.or_else(|| gone_from_registry(ctx, idx)) {
        Some(reason) if super::image_cache::fall_back(ctx, idx, &reason) => None,
        Some(reason) => Some(reason),
        None => {
            record_digests(ctx, idx);
            None
        }
    }
}

/// The digest each container's image resolved to, when it came from a modelled repository.
fn record_digests(ctx: &mut Ctx, idx: TaskIdx) {
    let registry = ctx.registry;
    for c in &mut ctx.world.task_mut(idx).containers {
        if let crate::ecr::Lookup::Found(r, i) = registry.lookup(&c.image) {
            c.image_digest = Some(registry.repositories[r].images[i].digest.clone());
        }
    }
}

pub fn on_step_due(ctx: &mut Ctx, idx: TaskIdx) {
    let now = ctx.now;
    let t = ctx.world.task(idx);
    if t.next_step_at != Some(now) {
        return;
    }
    let awsvpc = ctx.world.task_definition(t.task_definition).network_mode == NetworkMode::Awsvpc;
    match t.last_status {
        TaskStatus::Provisioning => {
            // The task's volumes are set up before its images are pulled: an EFS volume whose
            // file system has no mount target in the task's zone fails at once
            // (`ecs/volumes.rs`).
            let region = ctx.net.region.clone();
            if let Some(reason) = super::volumes::mount_failure(ctx.world, idx, &region) {
                ctx.world.task_mut(idx).pull_failure = Some(reason);
                ctx.world.task_mut(idx).pull_started_at = Some(now);
                set_status(ctx, idx, TaskStatus::Pending, Some(Millis::from_secs(1)));
                return;
            }
            // An EBS volume configured at deployment is attached next; the task stays
            // PROVISIONING meanwhile (`ecs/ebs.rs`).
            match super::ebs::attach_step(ctx, idx) {
                Ok(Some(wait)) => {
                    set_status(ctx, idx, TaskStatus::Provisioning, Some(wait));
                    return;
                }
                Ok(None) => {}
                Err(reason) => {
                    stop(ctx, idx, StopCause::ImagePullFailed { reason });
                    return;
                }
            }
            let pull = if super::image_cache::skips_pull_of(ctx.world, idx) {
                super::image_cache::CACHED_START
            } else {
                ctx.world.task_mut(idx).pull_started_at = Some(now);
                between(
                    &mut ctx.rngs.timing,
                    ctx.timings.image_pull.0,
                    ctx.timings.image_pull.1,
                )
            };
            set_status(ctx, idx, TaskStatus::Pending, Some(pull));
        }
        TaskStatus::Pending => {
            if let Some(reason) = pull_failure(ctx, idx) {
                for c in &mut ctx.world.task_mut(idx).containers {
                    c.reason = Some(reason.clone());
                }
                stop(ctx, idx, StopCause::ImagePullFailed { reason });
            } else {
                let d = between(
                    &mut ctx.rngs.timing,
                    ctx.timings.activating.0,
                    ctx.timings.activating.1,
                );
                set_status(ctx, idx, TaskStatus::Activating, Some(d));
            }
        }
        TaskStatus::Activating => enter_running(ctx, idx, false),
        TaskStatus::Running => {}
        TaskStatus::Deactivating => {
            // SIGTERM; an application that ignores it is killed after stopTimeout.
            let td = ctx.world.task_definition(t.task_definition);
            let any_alive = t
                .containers
                .iter()
                .any(|c| c.last_status == ContainerStatus::Running);
            let stubborn = td
                .containers
                .iter()
                .filter(|c| c.behavior.ignores_sigterm)
                .map(|c| c.stop_timeout)
                .max();
            let wait = if !any_alive {
                Millis(500)
            } else if let Some(timeout) = stubborn {
                timeout
            } else {
                between(
                    &mut ctx.rngs.timing,
                    ctx.timings.sigterm_exit.0,
                    ctx.timings.sigterm_exit.1,
                )
            };
            set_status(ctx, idx, TaskStatus::Stopping, Some(wait));
        }
        TaskStatus::Stopping => {
            let td_idx = t.task_definition;
            let world = &mut *ctx.world;
            let td = &world.task_definitions[td_idx.0 as usize];
            let t = &mut world.tasks[idx.0 as usize];
            for (c, def) in t.containers.iter_mut().zip(&td.containers) {
                if c.last_status == ContainerStatus::Running {
                    c.last_status = ContainerStatus::Stopped;
                    // SIGKILL after stopTimeout is exit code 137 (128 + 9).
                    c.exit_code = Some(if def.behavior.ignores_sigterm { 137 } else { 0 });
                    c.stopped_at = Some(now);
                }
                c.health_check = None;
            }
            t.health_next_at = None;
            if awsvpc {
                let d = between(
                    &mut ctx.rngs.timing,
                    ctx.timings.deprovisioning.0,
                    ctx.timings.deprovisioning.1,
                );
                set_status(ctx, idx, TaskStatus::Deprovisioning, Some(d));
            } else {
                finish(ctx, idx);
            }
        }
        TaskStatus::Deprovisioning => finish(ctx, idx),
        TaskStatus::Stopped => {}
    }
}

/// ACTIVATING → RUNNING: containers start, health checks begin, targets register.
fn enter_running(ctx: &mut Ctx, idx: TaskIdx, already_healthy: bool) {
    let now = ctx.now;
    {
        let world = &mut *ctx.world;
        let t = &mut world.tasks[idx.0 as usize];
        let td = &world.task_definitions[t.task_definition.0 as usize];
        t.started_at = Some(now);
        t.reached_running = true;
        if already_healthy {
            // Already running when the scenario starts: every container has started.
            for (c, def) in t.containers.iter_mut().zip(&td.containers) {
                container_deps::start_container(c, def, now, true);
            }
        } else {
            // Containers start in `dependsOn` order; the others wait (container_deps.rs).
            container_deps::initial_starts(&td.containers, &mut t.containers, now);
        }
    }
    let exits: Vec<_> = ctx
        .world
        .task(idx)
        .containers
        .iter()
        .filter_map(|c| c.app.exits_at)
        .collect();
    for (at, _) in exits {
        ctx.schedule(at, EcsTimer::ContainerExit(idx));
    }
    // Service discovery registration is part of ACTIVATING: it happens before RUNNING.
    super::service_discovery::register(ctx, idx, already_healthy);
    set_status(ctx, idx, TaskStatus::Running, None);
    crate::iam::ecs_calls::start(ctx, idx);
    container_health::start(ctx, idx, already_healthy);
    // A standalone task has no load balancer, deployment or scheduler to tell.
    if let Some(service) = ctx.world.task(idx).service {
        target_health::register_task(ctx, service, idx, already_healthy);
        deployments::record_launch_success(ctx, service);
        ctx.request_pass(service);
    }
    resolve_dependencies(ctx, idx);
}

/// Start the containers of a running task whose dependencies (`dependsOn`) are now met, and
/// stop the task if an essential one gave up waiting (docs/rules/containers-and-logs.md).
pub fn resolve_dependencies(ctx: &mut Ctx, idx: TaskIdx) {
    if container_deps::resolve(ctx, idx).essential_gave_up {
        stop(ctx, idx, StopCause::EssentialContainerExited);
    }
}

/// An essential (or any) container's process exits on its own. A container whose restart
/// policy restarts it stays in the task; otherwise it stops, and an essential one stops the
/// task.
pub fn on_container_exit_due(ctx: &mut Ctx, idx: TaskIdx) {
    let now = ctx.now;
    let t = ctx.world.task(idx);
    if t.last_status != TaskStatus::Running {
        return;
    }
    let exiting: Vec<(usize, i32)> = t
        .containers
        .iter()
        .enumerate()
        .filter(|(_, c)| c.last_status == ContainerStatus::Running)
        .filter_map(|(i, c)| match c.app.exits_at {
            Some((at, code)) if at == now => Some((i, code)),
            _ => None,
        })
        .collect();
    let mut essential_exited = false;
    for (i, code) in exiting {
        if container_restart::on_exit(ctx, idx, i, code) {
            continue;
        }
        let c = &mut ctx.world.task_mut(idx).containers[i];
        c.last_status = ContainerStatus::Stopped;
        c.exit_code = Some(code);
        c.stopped_at = Some(now);
        c.health_check = None;
        let essential = c.essential;
        essential_exited |= essential;
        if !essential {
            // A container that is not essential may exit; its task goes on (Amazon ECS
            // Developer Guide, task definition parameters, "essential").
            let name = c.name.clone();
            ctx.world.task_mut(idx).explain(
                now,
                format!("Container {name} exited with code {code}. It is not essential, so the task keeps running without it."),
            );
            container_deps::emit(ctx, idx, i);
        }
    }
    if essential_exited {
        stop(ctx, idx, StopCause::EssentialContainerExited);
    } else {
        // A COMPLETE or SUCCESS dependency may be met now.
        resolve_dependencies(ctx, idx);
    }
}

/// ECS decides the task must stop: desiredStatus STOPPED now, lastStatus follows.
pub fn stop(ctx: &mut Ctx, idx: TaskIdx, cause: StopCause) {
    let now = ctx.now;
    let t = ctx.world.task(idx);
    if t.desired_status == DesiredStatus::Stopped {
        return;
    }
    // One `Name`, shared by the task's stoppedReason and the event.
    let (code, reason): (StopCode, Name) = match &cause {
        StopCause::Scheduler { deployment } => (
            StopCode::ServiceSchedulerInitiated,
            messages::scaling_activity(deployment),
        ),
        StopCause::ContainerHealthCheck => (
            StopCode::ServiceSchedulerInitiated,
            messages::FAILED_CONTAINER_HEALTH_CHECKS.into(),
        ),
        StopCause::LoadBalancerHealthCheck { target_group_arn } => (
            StopCode::ServiceSchedulerInitiated,
            messages::failed_elb_health_checks(target_group_arn).into(),
        ),
        StopCause::EssentialContainerExited => (
            StopCode::EssentialContainerExited,
            messages::ESSENTIAL_CONTAINER_EXITED.into(),
        ),
        StopCause::ImagePullFailed { reason } => {
            (StopCode::TaskFailedToStart, reason.as_str().into())
        }
        StopCause::User => (StopCode::UserInitiated, messages::STOPPED_BY_USER.into()),
        StopCause::HostTerminated { ec2_instance_id } => (
            StopCode::TerminationNotice,
            messages::host_terminated(ec2_instance_id).into(),
        ),
        StopCause::SpotInterruption => (
            StopCode::SpotInterruption,
            messages::SPOT_INTERRUPTED.into(),
        ),
    };
    let was_running = t.last_status == TaskStatus::Running;
    let last = t.last_status;
    let service = t.service;
    let deployment = t.deployment_id.clone();
    let became_healthy = t.healthy_at.is_some();
    let revision = ctx.world.task_definition(t.task_definition).revision;
    {
        let t = ctx.world.task_mut(idx);
        t.desired_status = DesiredStatus::Stopped;
        t.stop_code = Some(code);
        t.stopped_reason = Some(reason.clone());
        t.stopping_at = Some(now);
        t.explain(
            now,
            text(
                reason.len() + 40,
                format_args!("Stopping ({}): {reason}", code.as_str()),
            ),
        );
    }
    let t = ctx.world.task(idx);
    let service_name = service.map(|s| ctx.world.service(s).name.clone());
    ctx.emit(
        Source::Task(t.id.clone()),
        EventKind::TaskStopRequested {
            task: t.id.clone(),
            service: service_name,
            revision,
            stop_code: code,
            reason: reason.clone(),
            was_running,
        },
        // Written when read (`event::Message::OfKind`).
        Message::OfKind,
        [Subject::Task(t.id.clone())],
    );

    // What the circuit breaker and the throttle count.
    if let (Some(service), Some(deployment)) = (service, deployment) {
        let failed_to_start = matches!(cause, StopCause::ImagePullFailed { .. });
        // A task stopped by a health check, or whose essential container died before it ever
        // counted as healthy, is a failed task of its deployment [doc + model for crashes].
        let counts = failed_to_start
            || matches!(
                cause,
                StopCause::ContainerHealthCheck | StopCause::LoadBalancerHealthCheck { .. }
            )
            || (cause == StopCause::EssentialContainerExited && !became_healthy);
        if counts {
            circuit_breaker::record_failure(ctx, service, &deployment);
        }
        if failed_to_start {
            deployments::record_launch_failure(ctx, service);
        }
        if matches!(
            cause,
            StopCause::ContainerHealthCheck
                | StopCause::LoadBalancerHealthCheck { .. }
                | StopCause::EssentialContainerExited
                | StopCause::HostTerminated { .. }
        ) && let Some(d) = ctx.world.service_mut(service).deployment_mut(&deployment)
        {
            d.unhealthy_to_replace += 1;
        }
        ctx.request_pass(service);
    }

    if matches!(cause, StopCause::HostTerminated { .. }) {
        // The host is gone: the task is simply gone too. ECS still deregisters its targets and
        // reports it, as for any task that stops.
        if let Some(service) = service {
            target_health::deregister_task(ctx, service, idx, true);
        }
        super::service_discovery::deregister(ctx, idx);
        for c in &mut ctx.world.task_mut(idx).containers {
            if c.last_status == ContainerStatus::Running {
                c.last_status = ContainerStatus::Stopped;
                c.exit_code = Some(137);
                c.stopped_at = Some(now);
            }
            c.health_check = None;
        }
        finish(ctx, idx);
        return;
    }

    if ctx.world.task(idx).host == Host::AwaitingCapacity {
        // Never placed: nothing to tear down.
        finish(ctx, idx);
        return;
    }
    match last {
        TaskStatus::Provisioning | TaskStatus::Pending | TaskStatus::Activating => {
            let awsvpc = ctx
                .world
                .task_definition(ctx.world.task(idx).task_definition)
                .network_mode
                == NetworkMode::Awsvpc;
            if awsvpc {
                let d = between(
                    &mut ctx.rngs.timing,
                    ctx.timings.deprovisioning.0,
                    ctx.timings.deprovisioning.1,
                );
                set_status(ctx, idx, TaskStatus::Deprovisioning, Some(d));
            } else {
                finish(ctx, idx);
            }
        }
        TaskStatus::Running => {
            let crashed = ctx
                .world
                .task(idx)
                .containers
                .iter()
                .all(|c| c.last_status != ContainerStatus::Running || !c.essential);
            let drain_until = match service {
                Some(s) => target_health::deregister_task(ctx, s, idx, crashed),
                None => None,
            };
            super::service_discovery::deregister(ctx, idx);
            // ECS waits for the target to finish draining before it stops the containers
            // (unless they are already dead); without a load balancer DEACTIVATING is brief.
            let wait = match drain_until {
                Some(until) if !crashed => until.since(now),
                _ => Millis(1000),
            };
            set_status(ctx, idx, TaskStatus::Deactivating, Some(wait));
        }
        _ => {}
    }
}

/// The task reaches STOPPED: its resources go back to the instance, the service forgets it.
fn finish(ctx: &mut Ctx, idx: TaskIdx) {
    let now = ctx.now;
    let td = ctx
        .world
        .task_definition(ctx.world.task(idx).task_definition);
    let (cpu, memory) = ctx.world.task(idx).reservation(td);
    let network_mode = td.network_mode;
    let (host, host_port, service) = {
        let t = ctx.world.task_mut(idx);
        t.stopped_at = Some(now);
        t.health_next_at = None;
        for c in &mut t.containers {
            if c.last_status != ContainerStatus::Stopped {
                c.last_status = ContainerStatus::Stopped;
                c.stopped_at = Some(now);
            }
            c.health_check = None;
        }
        (t.host, t.host_port, t.service)
    };
    set_status(ctx, idx, TaskStatus::Stopped, None);
    // A task stops registered only if its stop skipped DEACTIVATING.
    super::service_discovery::deregister(ctx, idx);
    super::ebs::release(ctx, idx);
    // An awsvpc (or Fargate) task's ENI is gone now: its address goes back to the subnet. A
    // bridge or host task used its instance's address, which stays with the instance.
    if owns_ip(network_mode, host) {
        let t = ctx.world.task(idx);
        let (zone, ip) = (t.zone, t.private_ip.clone());
        ctx.net.release_ip(zone, &ip);
    }
    if let Host::Instance(i) = host {
        let inst = ctx.world.instance_mut(i);
        inst.used_cpu = inst.used_cpu.saturating_sub(cpu);
        inst.used_memory = inst.used_memory.saturating_sub(memory);
        inst.tasks.retain(|t| *t != idx);
        if let Some(p) = host_port
            && let Some(pos) = inst.reserved_ports.iter().position(|x| *x == p)
        {
            inst.reserved_ports.remove(pos);
        }
        // Daemon tasks on a DRAINING instance stop after the other tasks there
        // (docs/rules/ecs-daemon.md): each stop there lets their services look again.
        let inst = ctx.world.instance(i);
        if inst.status == crate::ecs::InstanceStatus::Draining {
            let mut daemons: Vec<ServiceIdx> = inst
                .tasks
                .iter()
                .filter_map(|&t| ctx.world.task(t).service)
                .filter(|&s| ctx.world.service(s).scheduling_strategy == SchedulingStrategy::Daemon)
                .collect();
            daemons.sort_unstable();
            daemons.dedup();
            for s in daemons {
                ctx.request_pass(s);
            }
        }
    }
    if let Some(s) = service {
        // A service's task list is in creation (index) order: a task joins it when created.
        let tasks = &mut ctx.world.service_mut(s).tasks;
        debug_assert!(tasks.is_sorted(), "a service's tasks are in index order");
        match tasks.binary_search(&idx) {
            Ok(at) => {
                tasks.remove(at);
            }
            Err(_) => tasks.retain(|t| *t != idx),
        }
        ctx.request_pass(s);
    }
}
