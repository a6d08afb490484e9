//! `kubectl set resources deployment/<name> [-c NAME] --requests=cpu=250m,memory=256Mi`
//! (kubectl's `pkg/cmd/set/set_resources.go`): new requests for a Deployment's container.

use super::{Command, Flags, Kind, Scope, kind_and_names, scope_of};
use crate::manifest::{cpu_quantity, memory_quantity};

const CMD: &str = "set resources";

/// The command and the namespaces it applies to.
pub(super) fn parse(words: &[String]) -> Result<(Command, Scope), String> {
    let known = [
        ("namespace", true),
        ("containers", true),
        ("requests", true),
        ("limits", true),
    ];
    let p = Flags {
        cmd: CMD,
        known: &known,
    }
    .parse(words)?;
    let scope = scope_of(&p);
    if p.get("limits").is_some() {
        return Err(
            "error: Orca models requests, not limits: use --requests=cpu=<cpu>,memory=<memory>\n"
                .into(),
        );
    }
    let Some(requests) = p.get("requests") else {
        return Err("error: you must specify an update to requests or limits (in the form of --requests/--limits)\n".into());
    };
    let (kind, names) = kind_and_names(&p.positional, CMD)?;
    if kind != Kind::Deployment {
        return Err(format!(
            "error: Orca's console sets resources on Deployments, not {}\n",
            kind.resource()
        ));
    }
    let [name] = names.as_slice() else {
        return Err("error: one Deployment, as deployment/<name>\n".into());
    };
    let (mut cpu, mut memory) = (None, None);
    for pair in requests.split(',').filter(|p| !p.is_empty()) {
        let Some((resource, quantity)) = pair.split_once('=') else {
            return Err(format!(
                "error: invalid argument syntax {pair}, expected <resource>=<value>\n"
            ));
        };
        match resource {
            "cpu" => {
                cpu = Some(cpu_quantity(quantity).ok_or_else(|| {
                    format!("error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (cpu={quantity}; e.g. cpu=250m or cpu=0.5)\n")
                })?)
            }
            "memory" => {
                memory = Some(memory_quantity(quantity).ok_or_else(|| {
                    format!("error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (memory={quantity}; e.g. memory=256Mi)\n")
                })?)
            }
            other => {
                return Err(format!(
                    "error: Orca models cpu and memory requests, not {other}\n"
                ));
            }
        }
    }
    if cpu.is_none() && memory.is_none() {
        return Err("error: you must specify an update to requests or limits (in the form of --requests/--limits)\n".into());
    }
    Ok((
        Command::SetResources {
            name: name.clone(),
            containers: p.get("containers").unwrap_or("*").to_string(),
            cpu,
            memory,
        },
        scope,
    ))
}
