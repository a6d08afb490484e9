//! The parts of a container definition that tie containers together and send their output
//! somewhere: `dependsOn`, `startTimeout`, `logConfiguration` (the `awslogs` and `awsfirelens`
//! drivers) and `firelensConfiguration` (Amazon ECS API Reference, ContainerDefinition,
//! ContainerDependency, LogConfiguration, FirelensConfiguration). Ranges and names are checked
//! with the scenario, as for every other field.

use super::reader::{R, Reader, join};
use super::yaml::{Node, Value};
use crate::scenario::spec::{
    ContainerDependencySpec, DependencyCondition, FirelensSpec, FirelensType, LogConfigurationSpec,
    LogDriver,
};

/// The container-definition keys this file reads.
pub(super) const KEYS: &[&str] = &[
    "dependsOn",
    "startTimeout",
    "logConfiguration",
    "firelensConfiguration",
];

pub(super) fn depends_on(r: &mut Reader, c: &Node, path: &str) -> R<Vec<ContainerDependencySpec>> {
    let Some(d) = c.get("dependsOn") else {
        return Ok(Vec::new());
    };
    let dp = join(path, "dependsOn");
    let Value::Seq(items) = &d.value else {
        return Err(r.err(
            d.at,
            &dp,
            format!(
                "expected a list such as [{{\"containerName\": \"log_router\", \"condition\": \"START\"}}], got {}",
                d.value.type_name()
            ),
        ));
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let ip = format!("{dp}[{i}]");
        r.map(item, &ip, &["containerName", "condition"])?;
        let Some(name) = item.get("containerName") else {
            return Err(r.err(item.at, &join(&ip, "containerName"), "required"));
        };
        let container_name = r.string(name, &join(&ip, "containerName"))?;
        let Some(cond) = item.get("condition") else {
            return Err(r.err(item.at, &join(&ip, "condition"), "required"));
        };
        let condition = match r.string(cond, &join(&ip, "condition"))?.as_str() {
            "START" => DependencyCondition::Start,
            "COMPLETE" => DependencyCondition::Complete,
            "SUCCESS" => DependencyCondition::Success,
            "HEALTHY" => DependencyCondition::Healthy,
            other => {
                return Err(r.err(
                    cond.at,
                    &join(&ip, "condition"),
                    format!(
                        "\"{other}\" is not a condition; valid: START, COMPLETE, SUCCESS, HEALTHY"
                    ),
                ));
            }
        };
        out.push(ContainerDependencySpec {
            container_name,
            condition,
        });
    }
    Ok(out)
}

pub(super) fn start_timeout(r: &mut Reader, c: &Node, path: &str) -> R<Option<u32>> {
    c.get("startTimeout")
        .map(|n| r.int(n, &join(path, "startTimeout"), 86_400))
        .transpose()
}

pub(super) fn log_configuration(
    r: &mut Reader,
    c: &Node,
    path: &str,
) -> R<Option<LogConfigurationSpec>> {
    let Some(l) = c.get("logConfiguration") else {
        return Ok(None);
    };
    let lp = join(path, "logConfiguration");
    r.map(l, &lp, &["logDriver", "options", "secretOptions"])?;
    let Some(driver) = l.get("logDriver") else {
        return Err(r.err(l.at, &join(&lp, "logDriver"), "required"));
    };
    let log_driver = match r.string(driver, &join(&lp, "logDriver"))?.as_str() {
        "awslogs" => LogDriver::Awslogs,
        "awsfirelens" => LogDriver::Awsfirelens,
        _ => {
            r.warn(
                driver.at,
                join(&lp, "logDriver"),
                "Orca models the awslogs and awsfirelens drivers; this container's output goes nowhere Orca shows (ignored)",
            );
            return Ok(None);
        }
    };
    let (group_key, prefix_key, known): (&str, &str, &[&str]) = match log_driver {
        LogDriver::Awslogs => (
            "awslogs-group",
            "awslogs-stream-prefix",
            &["awslogs-group", "awslogs-region", "awslogs-stream-prefix"],
        ),
        LogDriver::Awsfirelens => (
            "log_group_name",
            "log_stream_prefix",
            &["Name", "region", "log_group_name", "log_stream_prefix"],
        ),
    };
    let op = join(&lp, "options");
    // Without its group the driver cannot start (the group is a required option); Orca keeps
    // the container and says it does not know where the output would go.
    let Some(g) = l.get("options").and_then(|o| o.get(group_key)) else {
        r.warn(
            l.at,
            lp,
            &format!("no options.{group_key}: Orca cannot tell which log group the output goes to (ignored)"),
        );
        return Ok(None);
    };
    let Some(options) = l.get("options") else {
        return Ok(None);
    };
    r.map(options, &op, known)?;
    let group = r.string(g, &join(&op, group_key))?;
    let stream_prefix = options
        .get(prefix_key)
        .map(|n| r.string(n, &join(&op, prefix_key)))
        .transpose()?;
    if log_driver == LogDriver::Awsfirelens
        && let Some(n) = options.get("Name")
        && r.string(n, &join(&op, "Name"))? != "cloudwatch_logs"
    {
        r.warn(
            n.at,
            join(&op, "Name"),
            "Orca models Fluent Bit's cloudwatch_logs output; the lines are shown as if sent to CloudWatch Logs",
        );
    }
    Ok(Some(LogConfigurationSpec {
        log_driver,
        group,
        stream_prefix,
    }))
}

pub(super) fn firelens(r: &mut Reader, c: &Node, path: &str) -> R<Option<FirelensSpec>> {
    let Some(f) = c.get("firelensConfiguration") else {
        return Ok(None);
    };
    let fp = join(path, "firelensConfiguration");
    r.map(f, &fp, &["type", "options"])?;
    let Some(t) = f.get("type") else {
        return Err(r.err(f.at, &join(&fp, "type"), "required"));
    };
    let kind = match r.string(t, &join(&fp, "type"))?.as_str() {
        "fluentbit" => FirelensType::FluentBit,
        "fluentd" => FirelensType::Fluentd,
        other => {
            return Err(r.err(
                t.at,
                &join(&fp, "type"),
                format!("\"{other}\" is not a FireLens type; valid: fluentbit, fluentd"),
            ));
        }
    };
    Ok(Some(FirelensSpec { kind }))
}

#[cfg(test)]
mod tests {
    use crate::manifest::yaml;
    use crate::scenario::spec::{DependencyCondition, FirelensType, LogDriver};

    /// The FireLens example of the Amazon ECS Developer Guide, reduced: a Fluent Bit router
    /// logging with awslogs, and an application sending its output through it.
    #[test]
    fn a_firelens_task_definition_reads_its_router_dependencies_and_log_drivers() {
        let json = r#"{
  "family": "web",
  "containerDefinitions": [
    {"name": "log_router", "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
     "essential": true, "memoryReservation": 50,
     "firelensConfiguration": {"type": "fluentbit"},
     "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/firelens",
       "awslogs-region": "us-east-1", "awslogs-stream-prefix": "firelens"}}},
    {"name": "web", "image": "nginx", "memory": 100, "startTimeout": 60,
     "dependsOn": [{"containerName": "log_router", "condition": "START"}],
     "logConfiguration": {"logDriver": "awsfirelens", "options": {"Name": "cloudwatch_logs",
       "region": "us-east-1", "log_group_name": "/ecs/web", "log_stream_prefix": "web-",
       "auto_create_group": "true"}}}
  ]
}"#;
        let docs = yaml::parse(json).expect("JSON");
        let mut warnings = Vec::new();
        let td = crate::manifest::ecs::task_definition("td.json", &docs[0], &mut warnings)
            .expect("reads");
        let router = &td.containers[0];
        assert_eq!(
            router.firelens_configuration.as_ref().map(|f| f.kind),
            Some(FirelensType::FluentBit)
        );
        let l = router.log_configuration.as_ref().expect("awslogs");
        assert_eq!(
            (l.log_driver, l.group.as_str(), l.stream_prefix.as_deref()),
            (LogDriver::Awslogs, "/ecs/firelens", Some("firelens"))
        );
        let web = &td.containers[1];
        assert_eq!(web.start_timeout, Some(60));
        assert_eq!(web.depends_on[0].container_name, "log_router");
        assert_eq!(web.depends_on[0].condition, DependencyCondition::Start);
        let l = web.log_configuration.as_ref().expect("awsfirelens");
        assert_eq!(
            (l.log_driver, l.group.as_str(), l.stream_prefix.as_deref()),
            (LogDriver::Awsfirelens, "/ecs/web", Some("web-"))
        );
        // auto_create_group is not modelled: a warning with its path, nothing else.
        let paths: Vec<&str> = warnings.iter().map(|w| w.path.as_str()).collect();
        assert!(
            paths.contains(&"containerDefinitions[1].logConfiguration.options.auto_create_group"),
            "{paths:?}"
        );
    }

    #[test]
    fn an_unknown_condition_is_an_error_with_its_place() {
        let json = r#"{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx",
            "memory": 100, "dependsOn": [{"containerName": "db", "condition": "READY"}]}]}"#;
        let docs = yaml::parse(json).expect("JSON");
        let mut warnings = Vec::new();
        let e = crate::manifest::ecs::task_definition("td.json", &docs[0], &mut warnings)
            .expect_err("refused");
        assert!(
            e.message
                .contains("dependsOn[0].condition: \"READY\" is not a condition"),
            "{}",
            e.message
        );
    }
}
