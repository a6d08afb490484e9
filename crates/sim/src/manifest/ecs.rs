//! Amazon ECS task definitions in the JSON shapes of the AWS CLI: the input of
//! `aws ecs register-task-definition --cli-input-json` (the RegisterTaskDefinition request,
//! <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html>)
//! and the output of `aws ecs describe-task-definition` (`{"taskDefinition": {…}}`).
//!
//! JSON is read with the YAML reader (JSON is YAML 1.2), so every value knows its line and
//! column. Fields Orca does not model are warnings with their path; see docs/importing.md.

use super::Warning;
use super::reader::{R, Reader, join};
use super::yaml::{Node, Value};
use crate::scenario::spec::{
    BehaviorSpec, ContainerSpec, DeploymentConfigurationSpec, HealthCheckSpec, LaunchType,
    NetworkMode, RestartPolicySpec, SchedulingStrategy, ServiceSpec, ServiceStart,
    TaskDefinitionSpec, defaults,
};

impl Reader<'_> {
    /// Task-level `cpu`/`memory`: a string in the API ("256", "1 vCPU", "0.5 GB"), a number
    /// in JSON written by hand.
    fn units(&self, n: &Node, path: &str, per_unit: f64, unit: &str) -> R<u32> {
        let bad = || {
            self.err(
                n.at,
                path,
                format!("not a size such as \"512\" or \"1 {unit}\""),
            )
        };
        let v = match &n.value {
            Value::Int(i) if *i >= 0 => *i as f64,
            Value::Str(s) => {
                let t = s.trim();
                match t
                    .strip_suffix(unit)
                    .or_else(|| t.strip_suffix(&unit.to_lowercase()))
                {
                    Some(x) => x.trim().parse::<f64>().map_err(|_| bad())? * per_unit,
                    None => t.parse::<f64>().map_err(|_| bad())?,
                }
            }
            _ => return Err(bad()),
        };
        if !(0.0..=1_000_000.0).contains(&v) {
            return Err(bad());
        }
        Ok(v.round() as u32)
    }
}

/// Fields the API returns that describe a registered revision; reading them back is not a loss.
const DESCRIBED: &[&str] = &[
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "registeredBy",
    "deregisteredAt",
];

/// A task definition document: the register input, or describe output (`taskDefinition`
/// inside). Returns the spec with `revision` as given by describe output, else 0 (the caller
/// numbers it).
pub fn task_definition(
    file: &str,
    doc: &Node,
    warnings: &mut Vec<Warning>,
) -> R<TaskDefinitionSpec> {
    let mut r = Reader {
        file,
        warnings,
        mapping: "an object",
    };
    let (td, base) = match doc.get("taskDefinition") {
        Some(inner) => {
            r.map_with(doc, "", &["taskDefinition"], &["tags"])?;
            (inner, "taskDefinition")
        }
        None => (doc, ""),
    };
    let known = [
        "family",
        "taskRoleArn",
        "executionRoleArn",
        "networkMode",
        "containerDefinitions",
        "cpu",
        "memory",
        "requiresCompatibilities",
    ];
    r.map_with(td, base, &known, DESCRIBED)?;
    let p = |k: &str| join(base, k);
    let Some(f) = td.get("family") else {
        return Err(r.err(td.at, &p("family"), "required"));
    };
    let family = r.string(f, &p("family"))?;
    if family.is_empty()
        || family.len() > 255
        || !family
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(r.err(
            f.at,
            &p("family"),
            "Family contains invalid characters: up to 255 letters (uppercase and lowercase), numbers, hyphens and underscores",
        ));
    }
    let revision = match td.get("revision") {
        Some(n) => r.int(n, &p("revision"), 1_000_000)?,
        None => 0,
    };
    let network_mode = match td.get("networkMode") {
        None => NetworkMode::Bridge,
        Some(n) => match r.string(n, &p("networkMode"))?.as_str() {
            "awsvpc" => NetworkMode::Awsvpc,
            "bridge" => NetworkMode::Bridge,
            "host" => NetworkMode::Host,
            other => {
                return Err(r.err(
                    n.at,
                    &p("networkMode"),
                    format!("{other:?} is not modelled by Orca; it models awsvpc, bridge and host"),
                ));
            }
        },
    };
    let cpu = td
        .get("cpu")
        .map(|n| r.units(n, &p("cpu"), 1024.0, "vCPU"))
        .transpose()?;
    let memory = td
        .get("memory")
        .map(|n| r.units(n, &p("memory"), 1024.0, "GB"))
        .transpose()?;
    let task_role_arn = td
        .get("taskRoleArn")
        .map(|n| r.string(n, &p("taskRoleArn")))
        .transpose()?;
    let execution_role_arn = td
        .get("executionRoleArn")
        .map(|n| r.string(n, &p("executionRoleArn")))
        .transpose()?;
    if let Some(n) = td.get("requiresCompatibilities") {
        // Which launch types the definition is valid for; the service's launch type or
        // capacity provider decides where it runs in Orca.
        let Value::Seq(_) = &n.value else {
            return Err(r.err(n.at, &p("requiresCompatibilities"), "expected a list"));
        };
    }
    let Some(list) = td.get("containerDefinitions") else {
        return Err(r.err(td.at, &p("containerDefinitions"), "required"));
    };
    let Value::Seq(items) = &list.value else {
        return Err(r.err(
            list.at,
            &p("containerDefinitions"),
            format!("expected a list, got {}", list.value.type_name()),
        ));
    };
    if items.is_empty() || items.len() > 10 {
        return Err(r.err(
            list.at,
            &p("containerDefinitions"),
            "a task definition has 1 to 10 containers",
        ));
    }
    let mut containers = Vec::new();
    for (i, c) in items.iter().enumerate() {
        containers.push(container(
            &mut r,
            c,
            &format!("{}[{i}]", p("containerDefinitions")),
        )?);
    }
    Ok(TaskDefinitionSpec {
        family,
        revision,
        cpu,
        memory,
        network_mode,
        containers,
        task_role_arn,
        volumes: Vec::new(),
        ephemeral_storage_gib: None,
        execution_role_arn,
    })
}

fn container(r: &mut Reader, c: &Node, path: &str) -> R<ContainerSpec> {
    let known = [
        "name",
        "image",
        "essential",
        "cpu",
        "memory",
        "memoryReservation",
        "portMappings",
        "healthCheck",
        "stopTimeout",
        "restartPolicy",
        "privileged",
        "readonlyRootFilesystem",
        "user",
        "secrets",
    ];
    let known: Vec<&str> = known
        .iter()
        .chain(super::ecs_containers::KEYS)
        .copied()
        .collect();
    r.map_with(c, path, &known, &[])?;
    let p = |k: &str| join(path, k);
    let name = match c.get("name") {
        Some(n) => r.string(n, &p("name"))?,
        None => return Err(r.err(c.at, &p("name"), "required")),
    };
    let image = match c.get("image") {
        Some(n) => r.string(n, &p("image"))?,
        None => return Err(r.err(c.at, &p("image"), "required")),
    };
    let essential = match c.get("essential") {
        None => true,
        Some(n) => match n.value {
            Value::Bool(b) => b,
            ref v => {
                return Err(r.err(
                    n.at,
                    &p("essential"),
                    format!("expected true or false, got {}", v.type_name()),
                ));
            }
        },
    };
    let flag = |r: &Reader, k: &str| -> R<bool> {
        match c.get(k) {
            None => Ok(false),
            Some(n) => match n.value {
                Value::Bool(b) => Ok(b),
                ref v => Err(r.err(
                    n.at,
                    &p(k),
                    format!("expected true or false, got {}", v.type_name()),
                )),
            },
        }
    };
    let privileged = flag(r, "privileged")?;
    let readonly_root_filesystem = flag(r, "readonlyRootFilesystem")?;
    let user = c.get("user").map(|n| r.string(n, &p("user"))).transpose()?;
    let mut secrets = Vec::new();
    if let Some(s) = c.get("secrets") {
        let Value::Seq(items) = &s.value else {
            return Err(r.err(s.at, &p("secrets"), "expected a list of {name, valueFrom}"));
        };
        for (i, item) in items.iter().enumerate() {
            let sp = format!("{}[{i}]", p("secrets"));
            r.map_with(item, &sp, &["name", "valueFrom"], &[])?;
            match item.get("valueFrom") {
                Some(v) => secrets.push(r.string(v, &join(&sp, "valueFrom"))?),
                None => return Err(r.err(item.at, &join(&sp, "valueFrom"), "required")),
            }
        }
    }
    let opt = |r: &Reader, k: &str, max: u32| c.get(k).map(|n| r.int(n, &p(k), max)).transpose();
    let cpu = opt(r, "cpu", 196_608)?.unwrap_or(0);
    let memory = opt(r, "memory", 4_194_304)?;
    let memory_reservation = opt(r, "memoryReservation", 4_194_304)?;
    let stop_timeout = opt(r, "stopTimeout", 120)?;
    let (mut port, mut host_port) = (None, None);
    if let Some(pm) = c.get("portMappings") {
        let Value::Seq(items) = &pm.value else {
            return Err(r.err(pm.at, &p("portMappings"), "expected a list"));
        };
        for (i, m) in items.iter().enumerate() {
            let mp = format!("{}[{i}]", p("portMappings"));
            if i > 0 {
                r.warnings.push(Warning {
                    file: r.file.to_string(),
                    at: m.at,
                    path: mp,
                    why: "Orca models one port per container (ignored)".into(),
                });
                continue;
            }
            r.map_with(m, &mp, &["containerPort", "hostPort", "protocol"], &[])?;
            if let Some(n) = m.get("containerPort") {
                port = Some(r.int(n, &join(&mp, "containerPort"), 65_535)? as u16);
            }
            if let Some(n) = m.get("hostPort") {
                host_port = Some(r.int(n, &join(&mp, "hostPort"), 65_535)? as u16);
            }
        }
    }
    let health_check = match c.get("healthCheck") {
        None => None,
        Some(h) => {
            let hp = p("healthCheck");
            r.map_with(
                h,
                &hp,
                &["command", "interval", "timeout", "retries", "startPeriod"],
                &[],
            )?;
            let Some(cmd) = h.get("command") else {
                return Err(r.err(h.at, &join(&hp, "command"), "required"));
            };
            let Value::Seq(words) = &cmd.value else {
                return Err(r.err(cmd.at, &join(&hp, "command"), "expected a list such as [\"CMD-SHELL\", \"curl -f http://localhost/ || exit 1\"]"));
            };
            let command = words
                .iter()
                .map(|w| r.string(w, &join(&hp, "command")))
                .collect::<R<Vec<_>>>()?;
            let get = |r: &Reader, k: &str, d: u32, max: u32| {
                h.get(k)
                    .map(|n| r.int(n, &join(&hp, k), max))
                    .transpose()
                    .map(|v| v.unwrap_or(d))
            };
            Some(HealthCheckSpec {
                command,
                interval: get(r, "interval", defaults::hc_interval(), 300)?,
                timeout: get(r, "timeout", defaults::hc_timeout(), 120)?,
                retries: get(r, "retries", defaults::hc_retries(), 10)?,
                start_period: get(r, "startPeriod", 0, 300)?,
            })
        }
    };
    Ok(ContainerSpec {
        name,
        image,
        essential,
        cpu,
        memory,
        memory_reservation,
        port,
        host_port,
        health_check,
        stop_timeout,
        restart_policy: restart_policy(r, c, path)?,
        privileged,
        readonly_root_filesystem,
        user,
        secrets,
        depends_on: super::ecs_containers::depends_on(r, c, path)?,
        start_timeout: super::ecs_containers::start_timeout(r, c, path)?,
        log_configuration: super::ecs_containers::log_configuration(r, c, path)?,
        firelens_configuration: super::ecs_containers::firelens(r, c, path)?,
        behavior: BehaviorSpec::default(),
    })
}

/// A container's `restartPolicy`: `{enabled, ignoredExitCodes, restartAttemptPeriod}`
/// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/container-restart-policy.html).
/// The ranges are checked with the scenario, as for every other field.
fn restart_policy(r: &mut Reader, c: &Node, path: &str) -> R<Option<RestartPolicySpec>> {
    let Some(rp) = c.get("restartPolicy") else {
        return Ok(None);
    };
    let path = join(path, "restartPolicy");
    r.map_with(
        rp,
        &path,
        &["enabled", "ignoredExitCodes", "restartAttemptPeriod"],
        &[],
    )?;
    let enabled = match rp.get("enabled") {
        None => return Err(r.err(rp.at, &join(&path, "enabled"), "required")),
        Some(n) => match n.value {
            Value::Bool(b) => b,
            ref v => {
                return Err(r.err(
                    n.at,
                    &join(&path, "enabled"),
                    format!("expected true or false, got {}", v.type_name()),
                ));
            }
        },
    };
    let mut ignored_exit_codes = Vec::new();
    if let Some(codes) = rp.get("ignoredExitCodes") {
        let Value::Seq(items) = &codes.value else {
            return Err(r.err(
                codes.at,
                &join(&path, "ignoredExitCodes"),
                format!(
                    "expected a list of exit codes such as [0], got {}",
                    codes.value.type_name()
                ),
            ));
        };
        for (i, n) in items.iter().enumerate() {
            let code = r.int(n, &format!("{path}.ignoredExitCodes[{i}]"), 255)?;
            ignored_exit_codes.push(code as i32);
        }
    }
    let restart_attempt_period = match rp.get("restartAttemptPeriod") {
        Some(n) => r.int(n, &join(&path, "restartAttemptPeriod"), 1_800)?,
        None => defaults::restart_attempt_period(),
    };
    Ok(Some(RestartPolicySpec {
        enabled,
        ignored_exit_codes,
        restart_attempt_period,
    }))
}

/// A service definition as `aws ecs create-service --cli-input-json` takes it (the
/// CreateService request,
/// <https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html>).
/// `loadBalancers` are warned about: a target group is Orca's own object, made by the import
/// from the service's container and port (see docs/importing.md).
pub fn service(file: &str, doc: &Node, warnings: &mut Vec<Warning>) -> R<ServiceSpec> {
    let mut r = Reader {
        file,
        warnings,
        mapping: "an object",
    };
    let known = [
        "serviceName",
        "taskDefinition",
        "desiredCount",
        "launchType",
        "schedulingStrategy",
        "deploymentConfiguration",
        "healthCheckGracePeriodSeconds",
        "cluster",
    ];
    r.map_with(doc, "", &known, &[])?;
    let Some(n) = doc.get("serviceName") else {
        return Err(r.err(doc.at, "serviceName", "required"));
    };
    let name = r.string(n, "serviceName")?;
    if name.is_empty()
        || name.len() > 255
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(r.err(
            n.at,
            "serviceName",
            "up to 255 letters (uppercase and lowercase), numbers, underscores and hyphens",
        ));
    }
    let Some(t) = doc.get("taskDefinition") else {
        return Err(r.err(
            doc.at,
            "taskDefinition",
            "required: family or family:revision",
        ));
    };
    let task_definition = r.string(t, "taskDefinition")?;
    let task_definition = task_definition
        .rsplit_once(":task-definition/")
        .map_or(task_definition.clone(), |(_, x)| x.to_string());
    let scheduling_strategy = match doc.get("schedulingStrategy") {
        None => SchedulingStrategy::Replica,
        Some(n) => match r.string(n, "schedulingStrategy")?.as_str() {
            "REPLICA" => SchedulingStrategy::Replica,
            "DAEMON" => SchedulingStrategy::Daemon,
            other => {
                return Err(r.err(
                    n.at,
                    "schedulingStrategy",
                    format!("{other:?} is not a scheduling strategy; use REPLICA or DAEMON"),
                ));
            }
        },
    };
    // A DAEMON service's desired count is set by ECS (docs/rules/ecs-daemon.md); one given
    // anyway is kept, and the scenario check refuses it.
    let desired_count = match (doc.get("desiredCount"), scheduling_strategy) {
        (Some(n), _) => Some(r.int(n, "desiredCount", 5_000)?),
        (None, SchedulingStrategy::Replica) => Some(1),
        (None, SchedulingStrategy::Daemon) => None,
    };
    let launch_type = match doc.get("launchType") {
        None => LaunchType::Ec2,
        Some(n) => match r.string(n, "launchType")?.as_str() {
            "FARGATE" => LaunchType::Fargate,
            "EC2" => LaunchType::Ec2,
            other => {
                return Err(r.err(
                    n.at,
                    "launchType",
                    format!("{other:?} is not modelled by Orca; it models FARGATE and EC2"),
                ));
            }
        },
    };
    let mut deployment_configuration = DeploymentConfigurationSpec::default();
    if let Some(dc) = doc.get("deploymentConfiguration") {
        let p = "deploymentConfiguration";
        r.map_with(
            dc,
            p,
            &[
                "minimumHealthyPercent",
                "maximumPercent",
                "deploymentCircuitBreaker",
            ],
            &[],
        )?;
        if let Some(n) = dc.get("minimumHealthyPercent") {
            deployment_configuration.minimum_healthy_percent =
                Some(r.int(n, &join(p, "minimumHealthyPercent"), 100)?);
        }
        if let Some(n) = dc.get("maximumPercent") {
            deployment_configuration.maximum_percent =
                Some(r.int(n, &join(p, "maximumPercent"), 200)?);
        }
        if let Some(cb) = dc.get("deploymentCircuitBreaker") {
            let cp = join(p, "deploymentCircuitBreaker");
            r.map_with(cb, &cp, &["enable", "rollback"], &[])?;
            let flag = |r: &Reader, k: &str| -> R<bool> {
                match cb.get(k) {
                    None => Ok(false),
                    Some(Node {
                        value: Value::Bool(b),
                        ..
                    }) => Ok(*b),
                    Some(n) => Err(r.err(n.at, &join(&cp, k), "expected true or false")),
                }
            };
            deployment_configuration.deployment_circuit_breaker.enable = flag(&r, "enable")?;
            deployment_configuration.deployment_circuit_breaker.rollback = flag(&r, "rollback")?;
        }
    }
    let health_check_grace_period_seconds = match doc.get("healthCheckGracePeriodSeconds") {
        Some(n) => r.int(n, "healthCheckGracePeriodSeconds", 2_147_483_647)?,
        None => 0,
    };
    Ok(ServiceSpec {
        name,
        task_definition,
        scheduling_strategy,
        desired_count,
        launch_type,
        deployment_configuration,
        health_check_grace_period_seconds,
        load_balancers: Vec::new(),
        placement_strategy: Vec::new(),
        placement_constraints: Vec::new(),
        start: ServiceStart::Steady,
        auto_scaling: None,
        load: None,
        capacity_provider_strategy: Vec::new(),
        deployment_controller: Default::default(),
        traffic_shift: None,
        volume_configurations: Vec::new(),
        service_registries: Vec::new(),
    })
}
