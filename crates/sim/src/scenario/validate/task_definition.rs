//! Task definitions and their containers, health checks and simulated behaviour, and whether a
//! task definition fits the service that runs it (Fargate sizes, network mode, load balancers).

use super::Problems;
use super::caps::MAX_DURATION;
use super::common::{
    Unique, check_fraction, check_limit, check_seconds, check_status, ecs_name_problem,
    quoted_names,
};
use super::ecs_index::EcsIndex;
use crate::aws::fargate;
use crate::scenario::limits::EXIT_CODE;
use crate::scenario::limits::{
    CONTAINER_CPU, FARGATE_STOP_TIMEOUT, HC_INTERVAL, HC_RETRIES, HC_START_PERIOD, HC_TIMEOUT,
    IGNORED_EXIT_CODES, MEMORY_MIB, RESTART_ATTEMPT_PERIOD, REVISION, STOP_TIMEOUT, TASK_CPU,
};
use crate::scenario::locate::Path;
use crate::scenario::shown::{escaped, quoted};
use crate::scenario::spec::{
    ContainerSpec, FailureResponse, HealthCheckSpec, LaunchType, NetworkMode, RestartPolicySpec,
    ServiceSpec, TargetType, TaskDefinitionSpec,
};

/// ECS allows at most 10 containers in a task definition.
pub const MAX_CONTAINERS: usize = 10;
/// Fargate's `stopTimeout` maximum (see [`FARGATE_STOP_TIMEOUT`]).
pub const FARGATE_MAX_STOP_TIMEOUT: u32 = FARGATE_STOP_TIMEOUT.max as u32;

pub(super) fn task_definition(out: &mut Problems, td: &TaskDefinitionSpec, p: &Path) {
    if let Some(e) = ecs_name_problem("family", &td.family) {
        out.push((p.field("family"), e));
    }
    if td.revision == 0 {
        out.push((
            p.field("revision"),
            "revision 0 is not valid; revisions start at 1".into(),
        ));
    } else {
        check_limit(
            out,
            p.field("revision"),
            "revision",
            td.revision,
            REVISION,
            "",
        );
    }
    match td.cpu {
        Some(0) => out.push((
            p.field("cpu"),
            "cpu 0 is not valid; give CPU units (1024 = 1 vCPU) or leave it out".into(),
        )),
        Some(cpu) => check_limit(out, p.field("cpu"), "cpu", cpu, TASK_CPU, " units"),
        None => {}
    }
    match td.memory {
        Some(0) => out.push((
            p.field("memory"),
            "memory 0 is not valid; give MiB or leave it out".into(),
        )),
        Some(m) => check_limit(out, p.field("memory"), "memory", m, MEMORY_MIB, " MiB"),
        None => {}
    }
    let cp = p.field("containers");
    if td.containers.is_empty() {
        out.push((
            cp.clone(),
            format!("no containers; a task definition has 1 to {MAX_CONTAINERS}"),
        ));
    } else if td.containers.len() > MAX_CONTAINERS {
        out.push((
            cp.clone(),
            format!(
                "{} containers; a task definition has at most {MAX_CONTAINERS}",
                td.containers.len()
            ),
        ));
    }
    if !td.containers.is_empty() && !td.containers.iter().any(|c| c.essential) {
        out.push((
            cp.clone(),
            format!(
                "no container is essential ({}); at least one must be (essential: true is the default)",
                td.containers
                    .iter()
                    .map(|c| format!("{} has essential: false", quoted(&c.name)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    super::container_deps::containers_together(out, td, &cp);
    let mut names = Unique::new();
    let mut reserved: u64 = 0;
    let mut cpu: u64 = 0;
    let mut container_above_task = false;
    for (i, c) in td.containers.iter().enumerate() {
        let p = cp.index(i);
        if let Some(e) = ecs_name_problem("container name", &c.name) {
            out.push((p.field("name"), e));
        }
        names.check(out, p.field("name"), "container", &c.name);
        container(out, td, c, &p);
        reserved += c.memory_reservation.or(c.memory).unwrap_or(0) as u64;
        cpu += c.cpu as u64;
        if let (Some(m), Some(task)) = (c.memory, td.memory)
            && m > task
        {
            container_above_task = true;
            out.push((
                p.field("memory"),
                format!(
                    "container memory {m} MiB is more than the task's memory {task} MiB; a container's limit must fit in its task"
                ),
            ));
        }
    }
    // ECS: "the total amount of memory reserved for all containers within a task must be lower
    // than the task memory value", where a container reserves memory_reservation, or memory
    // when no reservation is given. The same holds for cpu.
    if let Some(m) = td.memory
        && reserved > m as u64
        && !container_above_task
    {
        out.push((
            p.field("memory"),
            format!("the containers reserve {reserved} MiB in all (memory_reservation, or memory where there is none), more than the task's memory {m} MiB"),
        ));
    }
    if let Some(task_cpu) = td.cpu
        && cpu > task_cpu as u64
    {
        out.push((
            p.field("cpu"),
            format!(
                "the containers' cpu adds up to {cpu} units, more than the task's cpu {task_cpu}"
            ),
        ));
    }
}

fn container(out: &mut Problems, td: &TaskDefinitionSpec, c: &ContainerSpec, p: &Path) {
    if c.image.trim().is_empty() {
        out.push((
            p.field("image"),
            format!(
                "the image {} is empty; e.g. \"nginx:1.27\" or an ECR URI",
                escaped(&c.image)
            ),
        ));
    }
    if c.port == Some(0) {
        out.push((
            p.field("port"),
            "port 0 is not valid; valid: 1–65535".into(),
        ));
    }
    match (c.host_port, c.port) {
        (Some(0), _) => out.push((
            p.field("host_port"),
            "host_port 0 is not valid; leave it out for a dynamic port, or give 1–65535".into(),
        )),
        (Some(h), None) => out.push((
            p.field("host_port"),
            format!("host_port {h} maps no container port; add port (the port the application listens on)"),
        )),
        (Some(h), Some(port)) if td.network_mode != NetworkMode::Bridge && h != port => {
            out.push((
                p.field("host_port"),
                format!(
                    "with network_mode {:?} the host port must equal the container port ({port}) or be left out; got {h}",
                    td.network_mode
                ),
            ))
        }
        _ => {}
    }
    if td.memory.is_none() && c.memory.is_none() && c.memory_reservation.is_none() {
        out.push((
            p.clone(),
            format!(
                "container {} has no memory: without task-level memory each container needs memory or memory_reservation (MiB)",
                quoted(&c.name)
            ),
        ));
    }
    check_limit(out, p.field("cpu"), "cpu", c.cpu, CONTAINER_CPU, " units");
    match c.memory {
        Some(0) => out.push((
            p.field("memory"),
            "memory 0 MiB is not valid; give the hard limit in MiB or leave it out".into(),
        )),
        Some(m) => check_limit(out, p.field("memory"), "memory", m, MEMORY_MIB, " MiB"),
        None => {}
    }
    match c.memory_reservation {
        Some(0) => out.push((
            p.field("memory_reservation"),
            "memory_reservation 0 MiB is not valid; give MiB or leave it out".into(),
        )),
        Some(r) => check_limit(
            out,
            p.field("memory_reservation"),
            "memory_reservation",
            r,
            MEMORY_MIB,
            " MiB",
        ),
        None => {}
    }
    // On Fargate the tighter limit is checked with the service that runs it.
    if let Some(t) = c.stop_timeout {
        check_limit(
            out,
            p.field("stop_timeout"),
            "stop_timeout",
            t,
            STOP_TIMEOUT,
            " s",
        );
    }
    if let (Some(m), Some(r)) = (c.memory, c.memory_reservation)
        && r >= m
        && m > 0
    {
        out.push((
            p.field("memory_reservation"),
            format!("memory_reservation {r} MiB is not below the container's memory limit {m} MiB; ECS requires memory to be greater than memory_reservation"),
        ));
    }
    if let Some(hc) = &c.health_check {
        health_check(out, hc, &p.field("health_check"));
    }
    if let Some(rp) = &c.restart_policy {
        restart_policy(out, rp, &p.field("restart_policy"));
    }
    let bp = p.field("behavior");
    check_seconds(
        out,
        bp.field("startup_seconds"),
        "startup_seconds",
        c.behavior.startup_seconds,
        3600.0,
    );
    if let Some(f) = &c.behavior.fails_health_checks {
        let fp = bp.field("fails_health_checks");
        check_seconds(
            out,
            fp.field("after_seconds"),
            "after_seconds",
            f.after_seconds,
            MAX_DURATION,
        );
        check_fraction(out, fp.field("fraction"), f.fraction);
        if let FailureResponse::Status(code) = f.response {
            check_status(out, fp.field("response"), code);
        }
    }
    if let Some(e) = &c.behavior.exits {
        let ep = bp.field("exits");
        check_seconds(
            out,
            ep.field("after_seconds"),
            "after_seconds",
            e.after_seconds,
            MAX_DURATION,
        );
        check_fraction(out, ep.field("fraction"), e.fraction);
        check_limit(
            out,
            ep.field("exit_code"),
            "exit_code",
            e.exit_code,
            EXIT_CODE,
            "",
        );
    }
}

/// A container health check, with the ECS ranges (Amazon ECS API Reference, HealthCheck).
fn health_check(out: &mut Problems, hc: &HealthCheckSpec, hp: &Path) {
    match hc.command.first().map(String::as_str) {
        None => out.push((
            hp.field("command"),
            "the command is empty; e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]"
                .into(),
        )),
        Some(first @ ("CMD" | "CMD-SHELL")) if hc.command.len() < 2 => out.push((
            hp.field("command"),
            format!(
                "the command [\"{first}\"] runs nothing; add the command after it, e.g. [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]"
            ),
        )),
        Some("CMD" | "CMD-SHELL" | "NONE") => {}
        Some(first) => out.push((
            hp.field("command").index(0),
            format!(
                "the command starts with {}; it must start with \"CMD\" (run the arguments directly) or \"CMD-SHELL\" (run them with the container's shell)",
                quoted(first)
            ),
        )),
    }
    check_limit(
        out,
        hp.field("interval"),
        "interval",
        hc.interval,
        HC_INTERVAL,
        " s",
    );
    check_limit(
        out,
        hp.field("timeout"),
        "timeout",
        hc.timeout,
        HC_TIMEOUT,
        " s",
    );
    if hc.timeout >= hc.interval
        && HC_TIMEOUT.contains(hc.timeout)
        && HC_INTERVAL.contains(hc.interval)
    {
        out.push((
            hp.field("timeout"),
            format!(
                "timeout {} s is not shorter than interval {} s; a check must end before the next one starts",
                hc.timeout, hc.interval
            ),
        ));
    }
    check_limit(
        out,
        hp.field("retries"),
        "retries",
        hc.retries,
        HC_RETRIES,
        "",
    );
    check_limit(
        out,
        hp.field("start_period"),
        "start_period",
        hc.start_period,
        HC_START_PERIOD,
        " s",
    );
}

/// A container restart policy, with the ECS ranges (Amazon ECS API Reference,
/// ContainerRestartPolicy).
fn restart_policy(out: &mut Problems, rp: &RestartPolicySpec, rp_path: &Path) {
    check_limit(
        out,
        rp_path.field("restart_attempt_period"),
        "restart_attempt_period",
        rp.restart_attempt_period,
        RESTART_ATTEMPT_PERIOD,
        " s",
    );
    let codes = &rp.ignored_exit_codes;
    if codes.len() > IGNORED_EXIT_CODES {
        out.push((
            rp_path
                .field("ignored_exit_codes")
                .index(IGNORED_EXIT_CODES),
            format!(
                "ignored_exit_codes lists {} exit codes; ECS takes at most {IGNORED_EXIT_CODES}",
                codes.len()
            ),
        ));
    }
    for (i, &code) in codes.iter().enumerate() {
        check_limit(
            out,
            rp_path.field("ignored_exit_codes").index(i),
            "exit code",
            code,
            EXIT_CODE,
            "",
        );
    }
}

/// Where [`task_definition_fits`] reports a load balancer that does not fit the task definition.
pub(super) enum FitAt<'p> {
    /// The service's own `load_balancers[j]` fields; the argument is the service's path.
    Service(&'p Path),
    /// An `UpdateService`'s `task_definition`: the new revision is what does not fit.
    Update(&'p Path),
}

/// Checks that `td` can run for `svc`: launch type, network mode, Fargate size and stop
/// timeout, and the service's load balancers (container, port, target type).
pub(super) fn task_definition_fits(
    out: &mut Problems,
    ix: &EcsIndex,
    svc: &ServiceSpec,
    (td_index, td): (usize, &TaskDefinitionSpec),
    at: FitAt,
) {
    let r = quoted(&format!("{}:{}", td.family, td.revision));
    let service = quoted(&svc.name);
    let tdp = Path::root()
        .field("world")
        .field("task_definitions")
        .index(td_index);
    if svc.launch_type == LaunchType::Fargate {
        if td.network_mode != NetworkMode::Awsvpc {
            out.push((
                tdp.field("network_mode"),
                format!(
                    "service {service} runs {r} on Fargate, which supports only network_mode Awsvpc; {r} uses {:?}",
                    td.network_mode
                ),
            ));
        }
        match (td.cpu, td.memory) {
            (Some(cpu), Some(mem)) if cpu > 0 && mem > 0 => {
                if let Err(e) = fargate::validate_task_size(cpu, mem) {
                    let field = match e {
                        fargate::FargateSizeError::Cpu { .. } => "cpu",
                        fargate::FargateSizeError::Memory { .. } => "memory",
                    };
                    out.push((
                        tdp.field(field),
                        format!("{r} runs on Fargate (service {service}): {e}"),
                    ));
                }
            }
            (Some(_), Some(_)) => {}
            (cpu, memory) => {
                for (missing, value) in [("cpu", cpu), ("memory", memory)] {
                    if value.is_none() {
                        out.push((
                            tdp.field(missing),
                            format!(
                                "{r} has no task-level {missing}, which Fargate requires (service {service} runs it on Fargate); e.g. cpu: 256, memory: 512"
                            ),
                        ));
                    }
                }
            }
        }
        for (i, c) in td.containers.iter().enumerate() {
            if let Some(t) = c.stop_timeout
                && t > FARGATE_MAX_STOP_TIMEOUT
            {
                out.push((
                    tdp.field("containers").index(i).field("stop_timeout"),
                    format!(
                        "stop_timeout {t} s is above the Fargate maximum of {FARGATE_MAX_STOP_TIMEOUT} s (service {service} runs {r} on Fargate)"
                    ),
                ));
            }
        }
    }
    for (j, lb) in svc.load_balancers.iter().enumerate() {
        let lbp = match &at {
            FitAt::Service(p) => p.field("load_balancers").index(j),
            FitAt::Update(p) => (*p).clone(),
        };
        let (container_at, port_at, tg_at) = match &at {
            FitAt::Service(_) => (
                lbp.field("container_name"),
                lbp.field("container_port"),
                lbp.field("target_group"),
            ),
            FitAt::Update(_) => (lbp.clone(), lbp.clone(), lbp.clone()),
        };
        match td.containers.iter().find(|c| c.name == lb.container_name) {
            None => out.push((
                container_at,
                format!(
                    "container {} (load balancer of service {service}) is not in {r}; its containers: {}",
                    quoted(&lb.container_name),
                    quoted_names(td.containers.iter().map(|c| c.name.as_str()))
                ),
            )),
            Some(c) if c.port != Some(lb.container_port) => out.push((
                port_at,
                format!(
                    "container {} of {r} does not listen on port {} (load balancer of service {service}); {}",
                    quoted(&c.name),
                    lb.container_port,
                    match c.port {
                        Some(p) => format!("its port is {p}"),
                        None => "it has no port".to_string(),
                    }
                ),
            )),
            Some(_) => {}
        }
        if let Some(tg) = ix.target_group(&lb.target_group) {
            let (want, why) = if td.network_mode == NetworkMode::Awsvpc {
                (
                    TargetType::Ip,
                    "awsvpc tasks get their own IP address, so ECS registers them by IP",
                )
            } else {
                (
                    TargetType::Instance,
                    "bridge and host tasks share their instance's address, so ECS registers the instance and port",
                )
            };
            if tg.target_type != want {
                out.push((
                    tg_at,
                    format!(
                        "target group {} has target_type {:?}, which is incompatible with network_mode {:?} of {r}; {why}: use target_type {want:?}",
                        quoted(&tg.name),
                        tg.target_type,
                        td.network_mode
                    ),
                ));
            }
        }
    }
}
