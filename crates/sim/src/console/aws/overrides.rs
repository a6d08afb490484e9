//! `aws ecs run-task --overrides`: the JSON the CLI takes, checked as botocore checks it before
//! sending (`Parameter validation failed`: unknown keys, wrong types), into a
//! [`TaskOverrideSpec`]. What the API itself refuses is `ecs::standalone::refusal`'s.

use serde_json::{Map, Value};

use crate::scenario::spec::{ContainerOverrideSpec, EnvironmentVariableSpec, TaskOverrideSpec};

/// `TaskOverride`'s members in the service model's order (botocore names them in this order).
const TASK_KEYS: &str = "containerOverrides, cpu, inferenceAcceleratorOverrides, executionRoleArn, memory, taskRoleArn, ephemeralStorage";
/// `ContainerOverride`'s members in the service model's order.
const CONTAINER_KEYS: &str = "name, command, environment, environmentFiles, cpu, memory, memoryReservation, resourceRequirements";

fn param_error(message: &str) -> String {
    format!("\nParameter validation failed:\n{message}\n")
}

fn invalid_type(path: &str, value: &Value, valid: &str) -> String {
    let shown = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string);
    param_error(&format!(
        "Invalid type for parameter {path}, value: {shown}, valid types: {valid}"
    ))
}

fn not_simulated(path: &str) -> String {
    format!(
        "Orca does not simulate `--overrides` {path}. It simulates taskRoleArn, executionRoleArn, cpu, memory and containerOverrides (name, command, environment, cpu, memory, memoryReservation).\n"
    )
}

fn text(path: &str, v: &Value) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid_type(path, v, "<class 'str'>"))
}

fn int(path: &str, v: &Value) -> Result<u32, String> {
    match v.as_i64() {
        Some(n) if n < 0 => Err(param_error(&format!(
            "Invalid value for parameter {path}, value: {n}, valid min value: 0"
        ))),
        Some(n) => u32::try_from(n).map_err(|_| invalid_type(path, v, "<class 'int'>")),
        None => Err(invalid_type(path, v, "<class 'int'>")),
    }
}

/// A task-level size: a string of digits (CPU units, MiB), as the API takes it.
fn size(path: &str, v: &Value, unit: &str) -> Result<u32, String> {
    let s = text(path, v)?;
    s.trim().parse::<u32>().map_err(|_| {
        format!("Orca reads {path} as a number of {unit} in a string, e.g. \"512\"; got \"{s}\".\n")
    })
}

fn object<'a>(path: &str, v: &'a Value) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| invalid_type(path, v, "<class 'dict'>"))
}

fn list<'a>(path: &str, v: &'a Value) -> Result<&'a Vec<Value>, String> {
    v.as_array()
        .ok_or_else(|| invalid_type(path, v, "<class 'list'>, <class 'tuple'>"))
}

/// Parse the value of `--overrides`.
pub fn parse(given: &str) -> Result<TaskOverrideSpec, String> {
    if !given.trim_start().starts_with('{') {
        return Err(format!(
            "Orca reads --overrides as JSON, e.g. --overrides '{{\"taskRoleArn\": \"arn:aws:iam::123456789012:role/NAME\"}}' or '{{\"containerOverrides\": [{{\"name\": \"app\", \"command\": [\"echo\", \"hi\"]}}]}}'; got: {given}\n"
        ));
    }
    let value: Value = serde_json::from_str(given).map_err(|e| {
        format!(
            "\nError parsing parameter '--overrides': Invalid JSON: {e}\nJSON received: {given}\n"
        )
    })?;
    let top = object("overrides", &value)?;
    let mut o = TaskOverrideSpec::default();
    for (key, v) in top {
        let path = format!("overrides.{key}");
        match key.as_str() {
            "containerOverrides" => {
                for (i, c) in list(&path, v)?.iter().enumerate() {
                    o.container_overrides
                        .push(container(&format!("{path}[{i}]"), c)?);
                }
            }
            "cpu" => o.cpu = Some(size(&path, v, "CPU units")?),
            "memory" => o.memory = Some(size(&path, v, "MiB")?),
            "taskRoleArn" => o.task_role_arn = Some(text(&path, v)?),
            "executionRoleArn" => o.execution_role_arn = Some(text(&path, v)?),
            "inferenceAcceleratorOverrides" | "ephemeralStorage" => {
                return Err(not_simulated(&path));
            }
            other => {
                return Err(param_error(&format!(
                    "Unknown parameter in overrides: \"{other}\", must be one of: {TASK_KEYS}"
                )));
            }
        }
    }
    Ok(o)
}

fn container(path: &str, v: &Value) -> Result<ContainerOverrideSpec, String> {
    let m = object(path, v)?;
    let mut c = ContainerOverrideSpec::default();
    let mut named = false;
    for (key, v) in m {
        let at = format!("{path}.{key}");
        match key.as_str() {
            "name" => {
                c.name = text(&at, v)?;
                named = true;
            }
            "command" => {
                let words = list(&at, v)?
                    .iter()
                    .enumerate()
                    .map(|(i, w)| text(&format!("{at}[{i}]"), w))
                    .collect::<Result<_, _>>()?;
                c.command = Some(words);
            }
            "environment" => {
                for (i, e) in list(&at, v)?.iter().enumerate() {
                    let ep = format!("{at}[{i}]");
                    let pair = object(&ep, e)?;
                    let mut var = EnvironmentVariableSpec::default();
                    for (k, x) in pair {
                        match k.as_str() {
                            "name" => var.name = text(&format!("{ep}.name"), x)?,
                            "value" => var.value = text(&format!("{ep}.value"), x)?,
                            other => {
                                return Err(param_error(&format!(
                                    "Unknown parameter in {ep}: \"{other}\", must be one of: name, value"
                                )));
                            }
                        }
                    }
                    c.environment.push(var);
                }
            }
            "cpu" => c.cpu = Some(int(&at, v)?),
            "memory" => c.memory = Some(int(&at, v)?),
            "memoryReservation" => c.memory_reservation = Some(int(&at, v)?),
            "environmentFiles" | "resourceRequirements" => return Err(not_simulated(&at)),
            other => {
                return Err(param_error(&format!(
                    "Unknown parameter in {path}: \"{other}\", must be one of: {CONTAINER_KEYS}"
                )));
            }
        }
    }
    if !named {
        // "If a non-empty container override is specified, the name parameter must be
        // included" (Amazon ECS API Reference, ContainerOverride); the wording is Orca's.
        return Err(format!(
            "An error occurred (InvalidParameterException) when calling the RunTask operation: Orca: {path} has no name; a container override names the container it is for.\n"
        ));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_roles_sizes_and_containers() {
        let o = parse(r#"{"taskRoleArn": "arn:aws:iam::1:role/r", "cpu": "512", "memory": "1024", "containerOverrides": [{"name": "app", "command": ["sh", "-c", "echo hi"], "environment": [{"name": "MODE", "value": "batch"}], "memoryReservation": 256}]}"#)
            .expect("valid overrides");
        assert_eq!(o.task_role_arn.as_deref(), Some("arn:aws:iam::1:role/r"));
        assert_eq!((o.cpu, o.memory), (Some(512), Some(1024)));
        let c = o.container("app").expect("app's override");
        assert_eq!(
            c.command.as_deref(),
            Some(&["sh".to_string(), "-c".into(), "echo hi".into()][..])
        );
        assert_eq!(c.environment[0].value, "batch");
        assert_eq!(c.memory_reservation, Some(256));
    }

    #[test]
    fn refuses_as_botocore_does() {
        let e = parse(r#"{"cpu": 512}"#).unwrap_err();
        assert!(
            e.contains(
                "Invalid type for parameter overrides.cpu, value: 512, valid types: <class 'str'>"
            ),
            "{e}"
        );
        let e = parse(r#"{"role": "x"}"#).unwrap_err();
        assert!(
            e.contains(
                "Unknown parameter in overrides: \"role\", must be one of: containerOverrides"
            ),
            "{e}"
        );
        let e =
            parse(r#"{"containerOverrides": [{"name": "app", "command": "echo"}]}"#).unwrap_err();
        assert!(
            e.contains(
                "overrides.containerOverrides[0].command, value: echo, valid types: <class 'list'>"
            ),
            "{e}"
        );
        let e = parse(r#"{"containerOverrides": [{"command": ["echo"]}]}"#).unwrap_err();
        assert!(e.contains("has no name"), "{e}");
        let e = parse(r#"{"ephemeralStorage": {"sizeInGiB": 30}}"#).unwrap_err();
        assert!(
            e.starts_with("Orca does not simulate `--overrides` overrides.ephemeralStorage"),
            "{e}"
        );
        let e = parse("taskRoleArn=x").unwrap_err();
        assert!(e.starts_with("Orca reads --overrides as JSON"), "{e}");
        let e = parse("{\"cpu\": ").unwrap_err();
        assert!(
            e.contains("Error parsing parameter '--overrides': Invalid JSON"),
            "{e}"
        );
    }
}
