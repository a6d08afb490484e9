//! World lookups and bookkeeping the rules rely on: task definition references and the private
//! IP addresses of each zone's subnet.

mod common;

use orca_sim::Simulation;

fn fargate_web(desired: u32) -> String {
    format!(
        r#"(
    version: 1, title: "world", seed: 5, duration: 600,
    world: Ecs(
        cluster: (name: "c", availability_zones: ["us-east-1a"]),
        task_definitions: [
            (family: "web", revision: 1, cpu: 256, memory: 512, network_mode: Awsvpc,
                containers: [(name: "web", image: "web:v1", port: 8080)]),
            (family: "web", revision: 2, cpu: 256, memory: 512, network_mode: Awsvpc,
                containers: [(name: "web", image: "web:v2", port: 8080)]),
            (family: "web-api", revision: 1, cpu: 256, memory: 512, network_mode: Awsvpc,
                containers: [(name: "api", image: "api:v1", port: 8080)]),
        ],
        services: [(name: "web", task_definition: "web:2", desired_count: {desired}, launch_type: Fargate)],
    ),
)"#
    )
}

#[test]
fn a_task_definition_reference_is_compared_as_family_and_revision() {
    let sim = Simulation::new(common::parse(&fargate_web(1)));
    let w = sim.world();
    let found = |r: &str| {
        w.task_definition_by_ref(r).map(|i| {
            (
                w.task_definition(i).family.as_str(),
                w.task_definition(i).revision,
            )
        })
    };
    assert_eq!(found("web:2"), Some(("web", 2)));
    assert_eq!(found("web:1"), Some(("web", 1)));
    assert_eq!(found("web-api:1"), Some(("web-api", 1)));
    // The revision is a number, not text.
    assert_eq!(found("web:02"), Some(("web", 2)));
    assert_eq!(found("web:3"), None);
    assert_eq!(found("web-api:2"), None);
    assert_eq!(found("web"), None);
    assert_eq!(found("web:two"), None);
    assert_eq!(found("api:1"), None);
    // The service was built on the revision it names, not on the first definition.
    let svc = &w.services[0];
    assert_eq!(w.task_definition(svc.task_definition).revision, 2);
}
