//! The AWS CLI's options: `--name value` or `--name=value`, lists as several words up to the
//! next option, boolean flags with their `--no-` twin, and the shorthand syntax of structure
//! options (`maximumPercent=200,minimumHealthyPercent=50`) or JSON.

use std::collections::BTreeMap;

use super::USAGE;
use crate::scenario::spec::{CapacityProvider, CapacityProviderItem, CircuitBreakerSpec};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    List,
    Flag,
}

/// An option an operation takes.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    name: &'static str,
    kind: Kind,
    required: bool,
}

impl Param {
    pub fn text(name: &'static str) -> Param {
        Param {
            name,
            kind: Kind::Text,
            required: false,
        }
    }
    pub fn int(name: &'static str) -> Param {
        Param {
            kind: Kind::Int,
            ..Param::text(name)
        }
    }
    pub fn list(name: &'static str) -> Param {
        Param {
            kind: Kind::List,
            ..Param::text(name)
        }
    }
    pub fn flag(name: &'static str) -> Param {
        Param {
            kind: Kind::Flag,
            ..Param::text(name)
        }
    }
    pub fn required(self) -> Param {
        Param {
            required: true,
            ..self
        }
    }
}

/// The options given, by name.
#[derive(Debug, Default)]
pub struct Args {
    values: BTreeMap<&'static str, Vec<String>>,
    flags: BTreeMap<&'static str, bool>,
}

impl Args {
    pub fn one(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    pub fn list(&self, name: &str) -> impl Iterator<Item = &str> {
        self.values
            .get(name)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.get(name).copied().unwrap_or(false)
    }

    /// An integer option: its value, or the CLI's error for a value that is not a number.
    pub fn int(&self, name: &str) -> Option<Result<i64, String>> {
        let v = self.one(name)?;
        Some(
            v.parse::<i64>()
                .map_err(|_| format!("\naws: error: argument {name}: invalid int value: '{v}'\n")),
        )
    }
}

/// Read the words after the operation against the options it takes. Errors are the CLI's
/// usage errors, usage text included.
pub fn parse(words: &[String], params: &[Param]) -> Result<Args, String> {
    let mut args = Args::default();
    let mut unknown: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i].as_str();
        let (name, inline) = match word.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v)),
            _ => (word, None),
        };
        let negated = name.strip_prefix("--no-").map(|n| format!("--{n}"));
        let param = params.iter().find(|p| p.name == name).or_else(|| {
            negated
                .as_deref()
                .and_then(|n| params.iter().find(|p| p.name == n && p.kind == Kind::Flag))
        });
        let Some(param) = param else {
            unknown.push(word);
            i += 1;
            continue;
        };
        i += 1;
        match param.kind {
            Kind::Flag => {
                args.flags.insert(param.name, negated.is_none());
            }
            Kind::Text | Kind::Int => {
                let value = match inline {
                    Some(v) => v.to_string(),
                    None => match words.get(i) {
                        Some(v) if !v.starts_with("--") => {
                            i += 1;
                            v.clone()
                        }
                        _ => {
                            return Err(format!(
                                "{USAGE}\naws: error: argument {}: expected one argument\n",
                                param.name
                            ));
                        }
                    },
                };
                args.values.insert(param.name, vec![value]);
            }
            Kind::List => {
                let mut values: Vec<String> = inline.map(str::to_string).into_iter().collect();
                while let Some(v) = words.get(i).filter(|v| !v.starts_with("--")) {
                    values.push(v.clone());
                    i += 1;
                }
                if values.is_empty() {
                    return Err(format!(
                        "{USAGE}\naws: error: argument {}: expected at least one argument\n",
                        param.name
                    ));
                }
                args.values.entry(param.name).or_default().extend(values);
            }
        }
    }
    let missing: Vec<&str> = params
        .iter()
        .filter(|p| {
            p.required && !args.values.contains_key(p.name) && !args.flags.contains_key(p.name)
        })
        .map(|p| p.name)
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{USAGE}\naws: error: the following arguments are required: {}\n",
            missing.join(", ")
        ));
    }
    if !unknown.is_empty() {
        return Err(format!(
            "{USAGE}\nUnknown options: {}\n",
            unknown.join(", ")
        ));
    }
    Ok(args)
}

/// The parts of `--deployment-configuration` Orca models.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DeploymentConfiguration {
    pub maximum_percent: Option<u32>,
    pub minimum_healthy_percent: Option<u32>,
    pub circuit_breaker: Option<CircuitBreakerSpec>,
}

/// `--deployment-configuration` in shorthand
/// (`maximumPercent=200,minimumHealthyPercent=100,deploymentCircuitBreaker={enable=true,rollback=true}`)
/// or JSON.
pub fn deployment_configuration(text: &str) -> Result<DeploymentConfiguration, String> {
    let text = text.trim();
    let pairs: Vec<(String, String)> = if text.starts_with('{') {
        json_pairs(text)?
    } else {
        shorthand_pairs(text, "--deployment-configuration")?
    };
    let mut out = DeploymentConfiguration::default();
    for (key, value) in pairs {
        match key.as_str() {
            "maximumPercent" => out.maximum_percent = Some(number(&key, &value)?),
            "minimumHealthyPercent" => out.minimum_healthy_percent = Some(number(&key, &value)?),
            "deploymentCircuitBreaker" => {
                let inner = value.trim().trim_start_matches('{').trim_end_matches('}');
                let mut cb = CircuitBreakerSpec::default();
                for (k, v) in shorthand_pairs(inner, "--deployment-configuration")? {
                    let b = match v.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(param_error(&format!(
                                "Invalid type for parameter deploymentConfiguration.deploymentCircuitBreaker.{k}, value: {v}, valid types: <class 'bool'>"
                            )));
                        }
                    };
                    match k.as_str() {
                        "enable" => cb.enable = b,
                        "rollback" => cb.rollback = b,
                        _ => return Err(unknown_key(&format!("deploymentCircuitBreaker.{k}"))),
                    }
                }
                out.circuit_breaker = Some(cb);
            }
            // Accepted by the API; Orca does not model them.
            "alarms" | "strategy" | "bakeTimeInMinutes" | "lifecycleHooks" => {}
            other => return Err(unknown_key(other)),
        }
    }
    Ok(out)
}

/// `--capacity-provider-strategy`: each word `capacityProvider=NAME,weight=N,base=N`
/// (shorthand), or one JSON list of such objects.
pub fn capacity_provider_strategy(words: &[&str]) -> Result<Vec<CapacityProviderItem>, String> {
    const FIELD: &str = "capacityProviderStrategy";
    let items: Vec<Vec<(String, String)>> = match words {
        [one] if one.trim_start().starts_with('[') => {
            let value: serde_json::Value = serde_json::from_str(one).map_err(|e| {
                format!("\nError parsing parameter '--capacity-provider-strategy': Invalid JSON: {e}\nJSON received: {one}\n")
            })?;
            let Some(list) = value.as_array() else {
                return Err(param_error(&format!(
                    "Invalid type for parameter {FIELD}, valid types: <class 'list'>, <class 'tuple'>"
                )));
            };
            let mut items = Vec::new();
            for (n, v) in list.iter().enumerate() {
                let Some(obj) = v.as_object() else {
                    return Err(param_error(&format!(
                        "Invalid type for parameter {FIELD}[{n}], valid types: <class 'dict'>"
                    )));
                };
                items.push(
                    obj.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), str::to_string)))
                        .collect(),
                );
            }
            items
        }
        _ => words
            .iter()
            .map(|w| shorthand_pairs(w, "--capacity-provider-strategy"))
            .collect::<Result<_, _>>()?,
    };
    let mut out = Vec::new();
    for (n, pairs) in items.into_iter().enumerate() {
        let mut provider = None;
        let (mut base, mut weight) = (0, 0);
        for (key, value) in pairs {
            let int = |v: &str| {
                let bad = || {
                    param_error(&format!(
                        "Invalid type for parameter {FIELD}[{n}].{key}, value: {v}, valid types: <class 'int'>"
                    ))
                };
                match v.trim().parse::<i64>() {
                    Ok(x) if x < 0 => Err(param_error(&format!(
                        "Invalid value for parameter {FIELD}[{n}].{key}, value: {x}, valid min value: 0"
                    ))),
                    Ok(x) => u32::try_from(x).map_err(|_| bad()),
                    Err(_) => Err(bad()),
                }
            };
            match key.as_str() {
                "capacityProvider" => {
                    provider = Some(match value.as_str() {
                        "FARGATE" => CapacityProvider::Fargate,
                        "FARGATE_SPOT" => CapacityProvider::FargateSpot,
                        name => CapacityProvider::Asg(name.to_string()),
                    })
                }
                "weight" => weight = int(&value)?,
                "base" => base = int(&value)?,
                other => {
                    return Err(param_error(&format!(
                        "Unknown parameter in {FIELD}[{n}]: \"{other}\", must be one of: capacityProvider, weight, base"
                    )));
                }
            }
        }
        let Some(capacity_provider) = provider else {
            return Err(param_error(&format!(
                "Missing required parameter in {FIELD}[{n}]: \"capacityProvider\""
            )));
        };
        out.push(CapacityProviderItem {
            capacity_provider,
            base,
            weight,
        });
    }
    Ok(out)
}

fn param_error(message: &str) -> String {
    format!("\nParameter validation failed:\n{message}\n")
}

fn unknown_key(key: &str) -> String {
    param_error(&format!(
        "Unknown parameter in deploymentConfiguration: \"{key}\", must be one of: deploymentCircuitBreaker, maximumPercent, minimumHealthyPercent, alarms, strategy, bakeTimeInMinutes, lifecycleHooks"
    ))
}

fn number(key: &str, value: &str) -> Result<u32, String> {
    value.trim().parse::<u32>().map_err(|_| {
        param_error(&format!(
            "Invalid type for parameter deploymentConfiguration.{key}, value: {value}, valid types: <class 'int'>"
        ))
    })
}

/// `a=1,b={c=2,d=3}` → [(a, 1), (b, {c=2,d=3})]: commas inside braces stay.
fn shorthand_pairs(text: &str, option: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes: Vec<char> = text.chars().collect();
    let mut parts = Vec::new();
    for (i, c) in bytes.iter().enumerate() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(bytes[start..i].iter().collect::<String>());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(bytes[start..].iter().collect::<String>());
    for part in parts {
        if part.trim().is_empty() {
            continue;
        }
        let Some((k, v)) = part.split_once('=') else {
            return Err(format!(
                "\nError parsing parameter '{option}': Expected: '=', received: 'EOF' for input:\n{text}\n"
            ));
        };
        out.push((k.trim().to_string(), v.trim().to_string()));
    }
    Ok(out)
}

/// The top-level members of a JSON object, values as shorthand text.
fn json_pairs(text: &str) -> Result<Vec<(String, String)>, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        format!("\nError parsing parameter '--deployment-configuration': Invalid JSON: {e}\nJSON received: {text}\n")
    })?;
    let Some(obj) = value.as_object() else {
        return Err(param_error(
            "Invalid type for parameter deploymentConfiguration, valid types: <class 'dict'>",
        ));
    };
    Ok(obj
        .iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::Object(inner) => format!(
                    "{{{}}}",
                    inner
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect())
}

/// A parameter's value as the CLI reads it: `file://path` loads the file (through the console's
/// file access), anything else is the value itself. `param` names it in the CLI's error
/// (`--policy-document`; `cli-input-json` is written without dashes there).
pub fn paramfile(
    given: &str,
    param: &str,
    files: &dyn Fn(&str) -> Result<String, String>,
) -> Result<String, String> {
    match given.strip_prefix("file://") {
        Some(path) => files(path).map_err(|e| {
            format!("\nError parsing parameter '{param}': Unable to load paramfile {given}: {e}\n")
        }),
        None => Ok(given.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn options_take_values_lists_and_flags() {
        let params = [
            Param::text("--cluster"),
            Param::list("--services").required(),
            Param::flag("--force-new-deployment"),
        ];
        let a = parse(
            &words("--cluster=demo --services web api --force-new-deployment"),
            &params,
        )
        .expect("valid");
        assert_eq!(a.one("--cluster"), Some("demo"));
        assert_eq!(a.list("--services").collect::<Vec<_>>(), ["web", "api"]);
        assert!(a.flag("--force-new-deployment"));
        let a = parse(&words("--services web --no-force-new-deployment"), &params).expect("valid");
        assert!(!a.flag("--force-new-deployment"));
    }

    #[test]
    fn usage_errors_read_like_the_cli() {
        let params = [
            Param::text("--service").required(),
            Param::int("--desired-count"),
        ];
        let e = parse(&words("--desired-cont 3"), &params).expect_err("invalid");
        assert!(
            e.ends_with("aws: error: the following arguments are required: --service\n"),
            "{e}"
        );
        let e = parse(&words("--service web --desired-cont 3"), &params).expect_err("invalid");
        assert!(e.ends_with("\nUnknown options: --desired-cont, 3\n"), "{e}");
        assert!(e.starts_with("usage: aws [options] <command> <subcommand>"));
        let a = parse(&words("--service web --desired-count four"), &params).expect("parses");
        assert_eq!(
            a.int("--desired-count"),
            Some(Err(
                "\naws: error: argument --desired-count: invalid int value: 'four'\n".into()
            ))
        );
    }

    #[test]
    fn deployment_configuration_reads_shorthand_and_json() {
        let c = deployment_configuration(
            "maximumPercent=150,minimumHealthyPercent=50,deploymentCircuitBreaker={enable=true,rollback=true}",
        )
        .expect("valid");
        assert_eq!(c.maximum_percent, Some(150));
        assert_eq!(c.minimum_healthy_percent, Some(50));
        assert_eq!(
            c.circuit_breaker,
            Some(CircuitBreakerSpec {
                enable: true,
                rollback: true
            })
        );
        let j = deployment_configuration(
            r#"{"maximumPercent": 200, "deploymentCircuitBreaker": {"enable": false, "rollback": false}}"#,
        )
        .expect("valid");
        assert_eq!(j.maximum_percent, Some(200));
        assert_eq!(j.circuit_breaker.map(|c| c.enable), Some(false));
        assert!(deployment_configuration("maximumPercent=lots").is_err());
        assert!(deployment_configuration("maxPercent=100").is_err());
    }
}
