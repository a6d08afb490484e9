//! AWS Config managed rules on the scenario's ECS task definitions: each rule a pure function
//! of a task definition, evaluated on the latest ACTIVE revision of each family (the rules'
//! pages: "This rule only evaluates the latest active revision"), again whenever a revision is
//! registered (the rules are triggered by configuration changes). Rules in
//! docs/rules/security-monitoring.md; sources: AWS Config Developer Guide,
//! `https://docs.aws.amazon.com/config/latest/developerguide/<rule-name>.html`.

pub mod reevaluate;

use serde::Serialize;

use crate::ecs::TaskDefinition;
use crate::scenario::spec::NetworkMode;

/// The managed rules Orca evaluates, by their rule names.
pub const RULES: &[&str] = &[
    "ecs-containers-nonprivileged",
    "ecs-containers-readonly-access",
    "ecs-task-definition-user-for-host-mode-check",
    "ecs-task-definition-memory-hard-limit",
    "ecs-awsvpc-networking-enabled",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ComplianceType {
    Compliant,
    NonCompliant,
}

impl ComplianceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ComplianceType::Compliant => "COMPLIANT",
            ComplianceType::NonCompliant => "NON_COMPLIANT",
        }
    }
}

/// One rule's verdict on one task definition revision, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub rule: String,
    /// `family:revision`.
    pub resource: String,
    pub compliance: ComplianceType,
    pub annotation: String,
}

fn root_or_empty(user: Option<&str>) -> bool {
    // `user` may be `name`, `uid`, `name:group` …; root is `root` or uid 0 (inferred reading).
    user.is_none_or(|u| {
        let who = u.split(':').next().unwrap_or("");
        who.is_empty() || who == "root" || who == "0"
    })
}

/// `rule` on `td`; none for a rule Orca does not know.
pub fn evaluate(rule: &str, td: &TaskDefinition) -> Option<Evaluation> {
    let offending = |pred: &dyn Fn(&crate::ecs::ContainerDefinition) -> bool| -> Vec<String> {
        td.containers
            .iter()
            .filter(|c| pred(c))
            .map(|c| c.name.to_string())
            .collect()
    };
    let (bad, why): (bool, String) = match rule {
        "ecs-containers-nonprivileged" => {
            let names = offending(&|c| c.privileged);
            (
                !names.is_empty(),
                format!("privileged is true in container(s): {}", names.join(", ")),
            )
        }
        "ecs-containers-readonly-access" => {
            let names = offending(&|c| !c.readonly_root_filesystem);
            (
                !names.is_empty(),
                format!(
                    "readonlyRootFilesystem is not true in container(s): {}",
                    names.join(", ")
                ),
            )
        }
        "ecs-task-definition-user-for-host-mode-check" => {
            let names = offending(&|c| !c.privileged && root_or_empty(c.user.as_deref()));
            (
                td.network_mode == NetworkMode::Host && !names.is_empty(),
                format!(
                    "networkMode is host and container(s) {} run as root without privileged",
                    names.join(", ")
                ),
            )
        }
        "ecs-task-definition-memory-hard-limit" => {
            let names = offending(&|c| c.memory.is_none());
            (
                !names.is_empty(),
                format!("no memory limit in container(s): {}", names.join(", ")),
            )
        }
        "ecs-awsvpc-networking-enabled" => (
            td.network_mode != NetworkMode::Awsvpc,
            format!("networkMode is {}", td.network_mode.as_str()),
        ),
        _ => return None,
    };
    Some(Evaluation {
        rule: rule.to_string(),
        resource: td.family_revision(),
        compliance: if bad {
            ComplianceType::NonCompliant
        } else {
            ComplianceType::Compliant
        },
        annotation: if bad { why } else { String::new() },
    })
}

/// The latest revision of each family, in the order families first appear.
pub fn latest_revisions(tds: &[TaskDefinition]) -> Vec<&TaskDefinition> {
    let mut out: Vec<&TaskDefinition> = Vec::new();
    for td in tds {
        match out.iter_mut().find(|t| t.family == td.family) {
            Some(t) if t.revision < td.revision => *t = td,
            Some(_) => {}
            None => out.push(td),
        }
    }
    out
}

/// Every enabled rule on every family's latest revision.
pub fn evaluate_all(rules: &[String], tds: &[TaskDefinition]) -> Vec<Evaluation> {
    let latest = latest_revisions(tds);
    rules
        .iter()
        .flat_map(|r| latest.iter().filter_map(move |td| evaluate(r, td)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ecs::{Behavior, ContainerDefinition};
    use crate::time::Millis;

    fn container(
        name: &str,
        privileged: bool,
        ro: bool,
        user: Option<&str>,
        memory: Option<u32>,
    ) -> ContainerDefinition {
        ContainerDefinition {
            name: name.into(),
            image: "web:1".into(),
            essential: true,
            cpu: 0,
            memory,
            memory_reservation: None,
            port: None,
            host_port: None,
            health_check: None,
            stop_timeout: Millis(30_000),
            restart_policy: None,
            privileged,
            readonly_root_filesystem: ro,
            user: user.map(String::from),
            secrets: vec![],
            depends_on: Vec::new(),
            start_timeout: Millis(180_000),
            log: None,
            firelens: None,
            behavior: Behavior {
                startup: Millis(0),
                fails_health_checks: None,
                exits: None,
                image_pull: crate::scenario::spec::ImagePull::Succeeds,
                ignores_sigterm: false,
            },
        }
    }

    fn td(mode: NetworkMode, containers: Vec<ContainerDefinition>) -> TaskDefinition {
        TaskDefinition {
            family: "web".into(),
            revision: 2,
            arn: String::new(),
            cpu: None,
            memory: None,
            network_mode: mode,
            containers,
            task_role_arn: None,
            execution_role_arn: None,
            efs_volumes: Vec::new(),
            configured_at_launch: None,
            ephemeral_storage_gib: 20,
        }
    }

    fn verdict(rule: &str, t: &TaskDefinition) -> ComplianceType {
        evaluate(rule, t).unwrap().compliance
    }

    #[test]
    fn a_privileged_container_makes_the_task_definition_non_compliant() {
        let t = td(
            NetworkMode::Awsvpc,
            vec![container("web", true, true, Some("1000"), Some(512))],
        );
        let e = evaluate("ecs-containers-nonprivileged", &t).unwrap();
        assert_eq!(e.compliance, ComplianceType::NonCompliant);
        assert_eq!(e.annotation, "privileged is true in container(s): web");
        let ok = td(
            NetworkMode::Awsvpc,
            vec![container("web", false, true, None, Some(512))],
        );
        assert_eq!(
            verdict("ecs-containers-nonprivileged", &ok),
            ComplianceType::Compliant
        );
    }

    #[test]
    fn host_mode_needs_a_non_root_user_or_privileged() {
        // The rule's documented condition: host mode, privileged false or empty, user root or empty.
        let root = td(
            NetworkMode::Host,
            vec![container("web", false, true, None, Some(512))],
        );
        assert_eq!(
            verdict("ecs-task-definition-user-for-host-mode-check", &root),
            ComplianceType::NonCompliant
        );
        let uid0 = td(
            NetworkMode::Host,
            vec![container("web", false, true, Some("0:0"), Some(512))],
        );
        assert_eq!(
            verdict("ecs-task-definition-user-for-host-mode-check", &uid0),
            ComplianceType::NonCompliant
        );
        let user = td(
            NetworkMode::Host,
            vec![container("web", false, true, Some("app"), Some(512))],
        );
        assert_eq!(
            verdict("ecs-task-definition-user-for-host-mode-check", &user),
            ComplianceType::Compliant
        );
        let bridge = td(
            NetworkMode::Bridge,
            vec![container("web", false, true, None, Some(512))],
        );
        assert_eq!(
            verdict("ecs-task-definition-user-for-host-mode-check", &bridge),
            ComplianceType::Compliant
        );
        assert_eq!(
            verdict("ecs-awsvpc-networking-enabled", &bridge),
            ComplianceType::NonCompliant
        );
    }

    #[test]
    fn readonly_root_and_memory_limits_per_container() {
        let t = td(
            NetworkMode::Awsvpc,
            vec![
                container("web", false, true, None, Some(512)),
                container("sidecar", false, false, None, None),
            ],
        );
        let e = evaluate("ecs-containers-readonly-access", &t).unwrap();
        assert_eq!(
            e.annotation,
            "readonlyRootFilesystem is not true in container(s): sidecar"
        );
        assert_eq!(
            verdict("ecs-task-definition-memory-hard-limit", &t),
            ComplianceType::NonCompliant
        );
        assert!(evaluate("no-such-rule", &t).is_none());
    }

    #[test]
    fn only_the_latest_revision_of_each_family_is_evaluated() {
        let mut old = td(
            NetworkMode::Awsvpc,
            vec![container("web", true, true, None, Some(1))],
        );
        old.revision = 1;
        let new = td(
            NetworkMode::Awsvpc,
            vec![container("web", false, true, None, Some(1))],
        );
        let all = [old, new];
        let latest = latest_revisions(&all);
        assert_eq!(latest.len(), 1);
        assert_eq!(latest[0].revision, 2);
        let ev = evaluate_all(&["ecs-containers-nonprivileged".into()], &all);
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].compliance, ComplianceType::Compliant);
    }
}
