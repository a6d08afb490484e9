//! `aws ecs update-service` as a timeline action or a learner's command: the CLI line it
//! announces, the service settings it changes at once, and the deployment it starts (through
//! `ecs::deployments::update_service`, or CodeDeploy for a blue/green service); and
//! `announce`, the log line of every ECS action, which `actions.rs` uses too.

use crate::ecs::cluster::Ctx;
use crate::ecs::deployments;
use crate::event::{EventKind, Source, Subject};
use crate::scenario::spec::Action;

/// A timeline or console action's line in the log (`Source::Scenario`).
pub(super) fn announce(ctx: &mut Ctx, description: String, subjects: Vec<Subject>) {
    ctx.emit(
        Source::Scenario,
        EventKind::ActionApplied {
            description: description.as_str().into(),
        },
        description,
        subjects,
    );
}

pub(super) fn apply(ctx: &mut Ctx, cluster: &str, action: &Action) {
    let Action::UpdateService {
        service,
        task_definition,
        desired_count,
        force_new_deployment,
        minimum_healthy_percent,
        maximum_percent,
        circuit_breaker,
        health_check_grace_period_seconds,
        volume_configurations,
    } = action
    else {
        return;
    };
    let Some(s) = ctx.world.service_by_name(service) else {
        return;
    };
    let td = task_definition
        .as_deref()
        .and_then(|r| ctx.world.task_definition_by_ref(r));
    let mut cli = format!("aws ecs update-service --cluster {cluster} --service {service}");
    if let Some(r) = task_definition {
        cli.push_str(&format!(" --task-definition {r}"));
    }
    if let Some(n) = desired_count {
        cli.push_str(&format!(" --desired-count {n}"));
    }
    if minimum_healthy_percent.is_some() || maximum_percent.is_some() || circuit_breaker.is_some() {
        let cfg = &ctx.world.service(s).deployment_configuration;
        cli.push_str(&format!(
            " --deployment-configuration minimumHealthyPercent={},maximumPercent={}",
            minimum_healthy_percent.unwrap_or(cfg.minimum_healthy_percent),
            maximum_percent.unwrap_or(cfg.maximum_percent)
        ));
        if let Some(cb) = circuit_breaker {
            cli.push_str(&format!(
                ",deploymentCircuitBreaker={{enable={},rollback={}}}",
                cb.enable, cb.rollback
            ));
        }
    }
    if let Some(g) = health_check_grace_period_seconds {
        cli.push_str(&format!(" --health-check-grace-period-seconds {g}"));
    }
    if let Some(v) = volume_configurations {
        cli.push_str(&format!(
            " --volume-configurations {}",
            crate::ecs::ebs::cli_shorthand(v)
        ));
    }
    if *force_new_deployment {
        cli.push_str(" --force-new-deployment");
    }
    announce(ctx, cli, vec![Subject::Service(service.clone().into())]);
    // The new settings apply from this pass on (they are part of the service, not of a
    // deployment).
    let svc = ctx.world.service_mut(s);
    if let Some(cb) = circuit_breaker {
        svc.deployment_configuration.circuit_breaker_enable = cb.enable;
        svc.deployment_configuration.circuit_breaker_rollback = cb.rollback;
    }
    // New volume settings are a change of the deployment's tasks: a new deployment launches
    // tasks with them (ECS API UpdateService, volumeConfigurations).
    let new_volumes = volume_configurations
        .as_ref()
        .is_some_and(|v| *v != svc.volume_configurations);
    if let Some(v) = volume_configurations {
        svc.volume_configurations = v.clone();
    }
    if let Some(g) = health_check_grace_period_seconds {
        svc.health_check_grace_period = crate::time::Millis::from_secs(u64::from(*g));
    }
    if svc.blue_green.is_some() {
        if let Err(e) = crate::ecs::codedeploy::update_service(
            ctx,
            s,
            td,
            *desired_count,
            *force_new_deployment,
        ) {
            announce(ctx, e.cli_error("UpdateService"), Vec::new());
        }
        return;
    }
    deployments::update_service(
        ctx,
        s,
        td,
        *desired_count,
        *force_new_deployment || new_volumes,
        *minimum_healthy_percent,
        *maximum_percent,
    );
}
