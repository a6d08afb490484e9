//! `aws ecs register-task-definition --cli-input-json file://td.json` and
//! `aws ecs create-service --cli-input-json file://svc.json`.
//!
//! Register reads the RegisterTaskDefinition request (AWS CLI `--cli-input-json`, the request's
//! JSON shape; <https://docs.aws.amazon.com/cli/latest/reference/ecs/register-task-definition.html>),
//! numbers the revision as ECS does (the family's latest plus one) and, once registered,
//! prints `{"taskDefinition": …}`. Fields Orca does not model are listed after the JSON.
//!
//! Orca's engine builds an ECS service's scheduler, target group wiring and alarms when the
//! scenario starts and cannot add a service to a running cluster, so create-service checks
//! its input and refuses with the reason (`orca import` builds a scenario from it instead).

use super::EcsContext;
use super::args::{self, Param};
use crate::console::{After, Outcome};
use crate::manifest::{self, ManifestError};
use crate::scenario::spec::Action;
use crate::world::World;

/// The `--cli-input-json` text: `file://path` through the console's file access, else the
/// JSON itself. Returns (name for messages, text).
fn input(
    words: &[String],
    files: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(String, String), Outcome> {
    let args =
        args::parse(words, &[Param::text("--cli-input-json").required()]).map_err(Outcome::Fail)?;
    let given = args.one("--cli-input-json").unwrap_or_default();
    let text = args::paramfile(given, "cli-input-json", files).map_err(Outcome::Fail)?;
    let name = given.strip_prefix("file://").unwrap_or("--cli-input-json");
    Ok((name.to_string(), text))
}

fn invalid(e: &ManifestError) -> Outcome {
    Outcome::Fail(format!(
        "\nError parsing parameter 'cli-input-json': Invalid JSON: {e}\n(nothing was registered)\n"
    ))
}

pub(super) fn register_task_definition(
    cx: &EcsContext,
    words: &[String],
    files: &dyn Fn(&str) -> Result<String, String>,
) -> Outcome {
    let (file, text) = match input(words, files) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let doc = match manifest::read_one(&file, &text) {
        Ok(d) => d,
        Err(e) => return invalid(&e),
    };
    // The CLI checks the input against the request's shape: describe output is not a request.
    for key in ["taskDefinition", "taskDefinitionArn", "revision", "status"] {
        if doc.get(key).is_some() {
            return Outcome::Fail(format!(
                "\nParameter validation failed:\nUnknown parameter in input: \"{key}\", must be one of: family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints, requiresCompatibilities, cpu, memory, tags, pidMode, ipcMode, proxyConfiguration, inferenceAccelerators, ephemeralStorage, runtimePlatform, enableFaultInjection\n"
            ));
        }
    }
    let mut warnings = Vec::new();
    let mut td = match manifest::ecs::task_definition(&file, &doc, &mut warnings) {
        Ok(td) => td,
        Err(e) => return invalid(&e),
    };
    td.revision = cx
        .ecs
        .task_definitions
        .iter()
        .filter(|t| t.family == td.family)
        .map(|t| t.revision)
        .max()
        .unwrap_or(0)
        + 1;
    let action = Action::RegisterTaskDefinition {
        task_definition: td.clone(),
    };
    if let Err(problems) =
        crate::scenario::check_actions(cx.scenario, std::slice::from_ref(&action))
    {
        return cx.exception("ClientException", &problems.join("; "));
    }
    Outcome::Act {
        actions: vec![action],
        after: After::TaskDefinition {
            family: td.family,
            revision: td.revision,
            warnings: warnings.iter().map(|w| w.to_string()).collect(),
        },
    }
}

pub(super) fn create_service(
    cx: &EcsContext,
    words: &[String],
    files: &dyn Fn(&str) -> Result<String, String>,
) -> Outcome {
    let (file, text) = match input(words, files) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let doc = match manifest::read_one(&file, &text) {
        Ok(d) => d,
        Err(e) => return invalid(&e),
    };
    let mut warnings = Vec::new();
    let svc = match manifest::ecs::service(&file, &doc, &mut warnings) {
        Ok(s) => s,
        Err(e) => return invalid(&e),
    };
    if cx.service_named(&svc.name).is_some() {
        return cx.exception(
            "InvalidParameterException",
            "Creation of service was not idempotent.",
        );
    }
    cx.exception(
        "InvalidParameterException",
        &format!(
            "Orca cannot add service {} to a running cluster: its scheduler, load balancer wiring and alarms are built when the scenario starts. Run `orca import {file} <task definition files> -o scenario.ron` to start a scenario with it.",
            svc.name
        ),
    )
}

/// `register-task-definition`'s reply once the revision is registered: `{"taskDefinition": …}`
/// as describe-task-definition prints it, then what Orca ignored.
pub fn reply_task_definition(
    world: &World,
    family: &str,
    revision: u32,
    warnings: &[String],
) -> String {
    let Some(ecs) = world.ecs.as_ref() else {
        return String::new();
    };
    let Some(i) = ecs
        .task_definitions
        .iter()
        .position(|t| t.family == family && t.revision == revision)
    else {
        return String::new();
    };
    let mut out = super::shapes::describe_task_definition(world, ecs, i);
    if !warnings.is_empty() {
        out.push_str("\nOrca does not model these fields (ignored):\n");
        for w in warnings {
            out.push_str(&format!("  {w}\n"));
        }
    }
    out
}
