//! `aws ecs update-service --volume-configurations`: the EBS volume each new task of the
//! service gets (ECS API `ServiceVolumeConfiguration`, `ServiceManagedEBSVolumeConfiguration`),
//! as JSON (`'[{"name":"data","managedEBSVolume":{…}}]'`) or the AWS CLI's shorthand
//! (`name=data,managedEBSVolume={roleArn=…,sizeInGiB=30}`). Unknown keys and wrong types are
//! refused as the AWS CLI's parameter validation refuses them (botocore's
//! `ParamValidationError` wording); the values are then checked with the scenario's own rules.

use serde_json::{Map, Value};

use crate::scenario::spec::{
    EbsFilesystemType, EbsVolumeType, ManagedEbsVolumeSpec, ServiceVolumeConfigurationSpec,
};

const VOLUME_KEYS: &[&str] = &["name", "managedEBSVolume"];
const EBS_KEYS: &[&str] = &[
    "roleArn",
    "volumeType",
    "sizeInGiB",
    "snapshotId",
    "iops",
    "throughput",
    "filesystemType",
    "encrypted",
    "kmsKeyId",
    "tagSpecifications",
    "volumeInitializationRate",
];

fn param_error(message: &str) -> String {
    format!("\nParameter validation failed:\n{message}\n")
}

/// The configurations, or the CLI's error text.
pub fn volume_configurations(text: &str) -> Result<Vec<ServiceVolumeConfigurationSpec>, String> {
    let text = text.trim();
    let value = if text.starts_with('[') || text.starts_with('{') {
        serde_json::from_str::<Value>(text).map_err(|e| {
            format!("\nError parsing parameter '--volume-configurations': Invalid JSON: {e}\nJSON received: {text}\n")
        })?
    } else {
        Value::Array(vec![shorthand(text)?])
    };
    let items = match value {
        Value::Array(items) => items,
        Value::Object(_) => vec![value],
        _ => {
            return Err(param_error(
                "Invalid type for parameter volumeConfigurations, valid types: <class 'list'>, <class 'tuple'>",
            ));
        }
    };
    items
        .iter()
        .enumerate()
        .map(|(i, v)| configuration(i, v))
        .collect()
}

/// `a=1,b={c=2,d=3}` as a JSON object of strings (nested braces as nested objects).
fn shorthand(text: &str) -> Result<Value, String> {
    let mut out = Map::new();
    let mut depth = 0i32;
    let mut part = String::new();
    let mut parts = Vec::new();
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            parts.push(std::mem::take(&mut part));
        } else {
            part.push(c);
        }
    }
    if depth != 0 {
        return Err(format!(
            "\nError parsing parameter '--volume-configurations': Expected: '}}', received: EOF for input:\n{text}\n"
        ));
    }
    parts.push(part);
    for p in parts.iter().filter(|p| !p.trim().is_empty()) {
        let Some((k, v)) = p.split_once('=') else {
            return Err(format!(
                "\nError parsing parameter '--volume-configurations': Expected: '=', received: EOF for input:\n{text}\n"
            ));
        };
        let v = v.trim();
        let value = match v.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
            Some(inner) => shorthand(inner)?,
            None => Value::String(v.to_string()),
        };
        out.insert(k.trim().to_string(), value);
    }
    Ok(Value::Object(out))
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object().ok_or_else(|| {
        param_error(&format!(
            "Invalid type for parameter {path}, value: {v}, valid types: <class 'dict'>"
        ))
    })
}

fn known(m: &Map<String, Value>, path: &str, keys: &[&str]) -> Result<(), String> {
    match m.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => Err(param_error(&format!(
            "Unknown parameter in {path}: \"{k}\", must be one of: {}",
            keys.join(", ")
        ))),
        None => Ok(()),
    }
}

fn string(m: &Map<String, Value>, key: &str, path: &str) -> Result<Option<String>, String> {
    match m.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(v) => Err(param_error(&format!(
            "Invalid type for parameter {path}.{key}, value: {v}, valid types: <class 'str'>"
        ))),
    }
}

fn int(m: &Map<String, Value>, key: &str, path: &str) -> Result<Option<u32>, String> {
    let bad = |v: &Value| {
        param_error(&format!(
            "Invalid type for parameter {path}.{key}, value: {v}, valid types: <class 'int'>"
        ))
    };
    match m.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| bad(&Value::Number(n.clone()))),
        // The shorthand gives every value as text.
        Some(Value::String(s)) => s
            .parse::<u32>()
            .map(Some)
            .map_err(|_| bad(&Value::String(s.clone()))),
        Some(v) => Err(bad(v)),
    }
}

fn configuration(i: usize, v: &Value) -> Result<ServiceVolumeConfigurationSpec, String> {
    let path = format!("volumeConfigurations[{i}]");
    let m = object(v, &path)?;
    known(m, &path, VOLUME_KEYS)?;
    let Some(name) = string(m, "name", &path)? else {
        return Err(param_error(&format!(
            "Missing required parameter in {path}: \"name\""
        )));
    };
    let Some(ebs) = m.get("managedEBSVolume") else {
        return Err(param_error(&format!(
            "Missing required parameter in {path}: \"managedEBSVolume\""
        )));
    };
    let ep = format!("{path}.managedEBSVolume");
    let e = object(ebs, &ep)?;
    known(e, &ep, EBS_KEYS)?;
    let Some(role_arn) = string(e, "roleArn", &ep)? else {
        return Err(param_error(&format!(
            "Missing required parameter in {ep}: \"roleArn\""
        )));
    };
    let volume_type = match string(e, "volumeType", &ep)? {
        None => EbsVolumeType::default(),
        Some(t) => {
            let all = [
                EbsVolumeType::Gp2,
                EbsVolumeType::Gp3,
                EbsVolumeType::Io1,
                EbsVolumeType::Io2,
                EbsVolumeType::St1,
                EbsVolumeType::Sc1,
                EbsVolumeType::Standard,
            ];
            all.into_iter().find(|x| x.as_str() == t).ok_or_else(|| {
                // The API's answer to an unknown type [inferred wording].
                format!(
                    "\nAn error occurred (InvalidParameterException) when calling the UpdateService operation: Invalid volumeType {t:?}: valid values are gp2, gp3, io1, io2, st1, sc1, standard.\n"
                )
            })?
        }
    };
    let filesystem_type = match string(e, "filesystemType", &ep)? {
        None => EbsFilesystemType::default(),
        Some(t) => [
            EbsFilesystemType::Ext3,
            EbsFilesystemType::Ext4,
            EbsFilesystemType::Xfs,
        ]
        .into_iter()
        .find(|x| x.as_str() == t)
        .ok_or_else(|| {
            format!(
                "\nAn error occurred (InvalidParameterException) when calling the UpdateService operation: Invalid filesystemType {t:?}: valid values are ext3, ext4, xfs.\n"
            )
        })?,
    };
    let encrypted = match e.get("encrypted") {
        None => true,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
        Some(v) => {
            return Err(param_error(&format!(
                "Invalid type for parameter {ep}.encrypted, value: {v}, valid types: <class 'bool'>"
            )));
        }
    };
    Ok(ServiceVolumeConfigurationSpec {
        name,
        managed_ebs_volume: ManagedEbsVolumeSpec {
            role_arn,
            volume_type,
            size_in_gib: int(e, "sizeInGiB", &ep)?,
            snapshot_id: string(e, "snapshotId", &ep)?,
            iops: int(e, "iops", &ep)?,
            throughput: int(e, "throughput", &ep)?,
            filesystem_type,
            encrypted,
            // How the application behaves is the scenario's, not the API's: set by the caller
            // from the service's current configuration.
            files_per_task_minute: 0,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_shorthand_read_the_same() {
        let json = volume_configurations(
            r#"[{"name":"data","managedEBSVolume":{"roleArn":"arn:aws:iam::123456789012:role/ecsInfrastructureRole","volumeType":"gp3","sizeInGiB":40,"throughput":250}}]"#,
        )
        .expect("JSON");
        let short = volume_configurations(
            "name=data,managedEBSVolume={roleArn=arn:aws:iam::123456789012:role/ecsInfrastructureRole,volumeType=gp3,sizeInGiB=40,throughput=250}",
        )
        .expect("shorthand");
        assert_eq!(json, short);
        assert_eq!(json[0].managed_ebs_volume.size_in_gib, Some(40));
        assert_eq!(json[0].managed_ebs_volume.throughput, Some(250));
        assert!(json[0].managed_ebs_volume.encrypted, "encrypted by default");
        assert_eq!(
            json[0].managed_ebs_volume.filesystem_type,
            EbsFilesystemType::Xfs
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_refused_as_the_cli_does() {
        let e = volume_configurations(
            r#"[{"name":"data","managedEBSVolume":{"roleArn":"r","size":3}}]"#,
        )
        .expect_err("refused");
        assert!(
            e.contains("Unknown parameter in volumeConfigurations[0].managedEBSVolume: \"size\", must be one of: roleArn"),
            "{e}"
        );
        let e = volume_configurations(
            r#"[{"name":"data","managedEBSVolume":{"roleArn":"r","sizeInGiB":"big"}}]"#,
        )
        .expect_err("refused");
        assert!(
            e.contains(
                "Invalid type for parameter volumeConfigurations[0].managedEBSVolume.sizeInGiB"
            ),
            "{e}"
        );
        let e = volume_configurations(r#"[{"name":"data"}]"#).expect_err("refused");
        assert!(
            e.contains(
                "Missing required parameter in volumeConfigurations[0]: \"managedEBSVolume\""
            ),
            "{e}"
        );
    }
}
