//! GuardDuty Runtime Monitoring for ECS on Fargate (docs/rules/security-monitoring.md,
//! "GuardDuty Runtime Monitoring (ECS on Fargate)"). Sources: GuardDuty User Guide, "How
//! Runtime Monitoring works with Fargate (Amazon ECS only)" (no agent in a running task),
//! "Managing automated security agent for Fargate" (a service needs a new deployment), "Runtime
//! coverage and troubleshooting for Fargate" (issue texts); Amazon ECS Developer Guide,
//! "Troubleshooting Runtime Monitoring" (no execution role: no sidecar).

use crate::common;

use common::EcsPart;

use std::sync::Arc;

use orca_sim::ecs::cluster::EcsCluster;
use orca_sim::ecs::guardduty::{AGENT_PREFIX, Agent, Missing, coverage};
use orca_sim::{Scenario, SimTime, Simulation};

const SCENARIO: &str = "ecs-guardduty-fargate-agent";

fn at(s: &Arc<Scenario>, secs: u64) -> Simulation {
    let mut sim = Simulation::new(s.clone());
    sim.advance_to(SimTime::from_secs(secs));
    sim
}

/// (service, agent) of every RUNNING task.
fn agents(ecs: &EcsCluster) -> Vec<(String, Option<Agent>)> {
    ecs.services
        .iter()
        .flat_map(|s| s.tasks.iter().map(move |&t| (s.name.to_string(), t)))
        .filter(|(_, t)| ecs.task(*t).last_status == orca_sim::ecs::TaskStatus::Running)
        .map(|(s, t)| (s, ecs.task(t).guardduty_agent.as_deref().cloned()))
        .collect()
}

#[test]
fn running_tasks_get_no_agent_and_only_a_new_deployment_with_an_execution_role_brings_it() {
    let s = common::built_in_named(SCENARIO);
    // 2:00: Runtime Monitoring has been on for a minute; the five tasks predate it.
    let sim = at(&s, 120);
    let ecs = sim.world().ecs_cluster();
    assert!(
        agents(ecs).iter().all(|(_, a)| a.is_none()),
        "{:?}",
        agents(ecs)
    );
    let c = coverage(ecs).expect("Runtime Monitoring is on");
    assert_eq!((c.status, c.covered, c.tasks), ("UNHEALTHY", 0, 5));
    assert_eq!(
        c.issues,
        [
            "Services deployed before enabling Automated Agent Configuration are not covered. Impacted service name(s): 'web', 'report'"
        ]
    );
    assert_eq!(c.management, "AUTO_MANAGED");

    // 5:00: both services were redeployed at 3:00.
    let sim = at(&s, 300);
    let ecs = sim.world().ecs_cluster();
    for (service, agent) in agents(ecs) {
        match (service.as_str(), agent) {
            ("web", Some(Agent::Added(name))) => {
                assert!(
                    name.starts_with(AGENT_PREFIX) && name.len() == AGENT_PREFIX.len() + 6,
                    "{name}"
                );
            }
            ("report", Some(Agent::Missing(Missing::NoExecutionRole))) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    let c = coverage(ecs).expect("Runtime Monitoring is on");
    assert_eq!((c.status, c.covered, c.tasks), ("UNHEALTHY", 3, 5));
    assert_eq!(
        c.issues,
        ["TaskExecutionRole missing from TaskDefinition - 'report:1'"]
    );
}

// A task launched after enablement for a deployment that started before it (here the
// replacement of a stopped task) still gets no agent: the service needs a new deployment.
#[test]
fn a_replacement_task_of_an_older_deployment_gets_no_agent() {
    let src = std::fs::read_to_string(common::scenarios_dir().join(format!("{SCENARIO}.ron")))
        .expect("the scenario")
        .replace(
            r#"(at: 180, action: UpdateService(service: "web", force_new_deployment: true)),"#,
            r#"(at: 90, action: StopTask(service: "web", count: 1)),"#,
        );
    let s = common::parse(&src);
    let sim = at(&s, 170);
    let ecs = sim.world().ecs_cluster();
    let web: Vec<Option<Agent>> = agents(ecs)
        .into_iter()
        .filter(|(s, _)| s == "web")
        .map(|(_, a)| a)
        .collect();
    assert_eq!(web.len(), 3);
    assert_eq!(
        web.iter()
            .filter(|a| **a == Some(Agent::Missing(Missing::DeployedBefore)))
            .count(),
        1,
        "the replacement: {web:?}"
    );
    let replacement = ecs
        .services
        .iter()
        .flat_map(|s| s.tasks.iter())
        .map(|&t| ecs.task(t))
        .find(|t| t.guardduty_agent.is_some())
        .expect("the replacement");
    assert!(
        replacement.why.iter().any(|w| w
            .text
            .contains("before automated agent configuration for Fargate was turned on")),
        "its why says so"
    );
}

// Runtime findings come from the agent inside the task (GuardDuty User Guide, "How Runtime
// Monitoring works with Fargate"): the web task's miner is found a minute later (Orca's delay,
// as on EKS); the report task has no agent, so nothing is found there.
#[test]
fn only_a_task_with_the_agent_gives_a_runtime_finding() {
    let s = common::built_in_named(SCENARIO);
    let before = at(&s, 419);
    let gd = before
        .world()
        .ecs_cluster()
        .guardduty
        .as_ref()
        .expect("a detector");
    assert_eq!(gd.findings.len(), 1, "one event seen, by web's agent");
    assert!(
        gd.findings[0].at > SimTime::from_secs(419),
        "not published yet"
    );
    let sim = at(&s, 420);
    let gd = sim
        .world()
        .ecs_cluster()
        .guardduty
        .as_ref()
        .expect("a detector");
    let f = &gd.findings[0];
    assert_eq!(f.finding_type, "Impact:Runtime/CryptoMinerExecuted");
    assert_eq!(
        (f.service.as_str(), f.seen_at, f.at),
        ("web", SimTime::from_secs(360), SimTime::from_secs(420))
    );
    assert!(
        sim.log().iter().any(|e| e.at == SimTime::from_secs(360)
            && e.message()
                .starts_with("GuardDuty sees nothing of it: task")
            && e.message().contains("no task execution role")),
        "report's miner goes unseen, and the log says why"
    );
}
