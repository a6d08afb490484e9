//! AWS Config's change trigger: the rules run again when a task definition is registered.

use super::{ComplianceType, Evaluation, evaluate_all};

/// Evaluate the cluster's enabled rules again (a task definition was registered, or the run
/// starts) and log each verdict that is new or changed.
pub fn reevaluate(ctx: &mut crate::ecs::cluster::Ctx) {
    if ctx.world.config_rules.is_empty() {
        return;
    }
    let now = evaluate_all(&ctx.world.config_rules, &ctx.world.task_definitions);
    let changed: Vec<Evaluation> = now
        .iter()
        .filter(|e| {
            !ctx.world.config_evaluations.iter().any(|o| {
                o.rule == e.rule
                    && o.resource.split(':').next() == e.resource.split(':').next()
                    && o.compliance == e.compliance
            })
        })
        .cloned()
        .collect();
    ctx.world.config_evaluations = now;
    for e in changed {
        let message = if e.annotation.is_empty() {
            format!("{}: {} {}", e.rule, e.resource, e.compliance.as_str())
        } else {
            format!(
                "{}: {} {} ({})",
                e.rule,
                e.resource,
                e.compliance.as_str(),
                e.annotation
            )
        };
        ctx.emit_why(
            crate::event::Source::Config(e.rule.as_str().into()),
            crate::event::EventKind::ConfigEvaluation {
                rule: e.rule.as_str().into(),
                resource: e.resource.as_str().into(),
                compliant: e.compliance == ComplianceType::Compliant,
            },
            message,
            Vec::new(),
            Some(format!(
                "AWS Config evaluates {} on the latest revision of each task definition family whenever one is registered.",
                e.rule
            )),
        );
    }
}
