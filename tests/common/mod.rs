//! Shared by the integration tests: scenarios large enough to take seconds to simulate.

#![allow(dead_code)]

/// An ECS scenario of `services` × `tasks` tasks (bridge mode, each service behind a target
/// group) on `instances` m5.4xlarge instances, with a rolling update of every service at 1:00,
/// lasting `duration` seconds: a debug build takes seconds to simulate it.
pub fn big_scenario(services: usize, tasks: usize, instances: usize, duration: u32) -> String {
    let mut defs = String::new();
    let mut tgs = String::new();
    let mut svcs = String::new();
    let mut timeline = String::new();
    for s in 0..services {
        for rev in 1..=2 {
            defs += &format!(
                "(family: \"svc{s}\", revision: {rev}, cpu: 256, memory: 512, network_mode: Bridge, containers: [(name: \"app\", image: \"app{s}:{rev}\", port: 8080)]),\n"
            );
        }
        tgs += &format!(
            "(name: \"tg{s}\", port: 8080, target_type: Instance, health_check: (interval_seconds: 15), deregistration_delay_seconds: 60),\n"
        );
        svcs += &format!(
            "(name: \"svc{s}\", task_definition: \"svc{s}:1\", desired_count: {tasks}, launch_type: Ec2,
              deployment_configuration: (minimum_healthy_percent: 100, maximum_percent: 200),
              load_balancers: [(target_group: \"tg{s}\", container_name: \"app\", container_port: 8080)]),\n"
        );
        timeline += &format!(
            "(at: 60, action: UpdateService(service: \"svc{s}\", task_definition: \"svc{s}:2\")),\n"
        );
    }
    format!(
        "(version: 1, title: \"Big\", description: \"Many tasks for a long time.\", seed: 42, duration: {duration},
          world: Ecs(
            cluster: (name: \"big\", availability_zones: [\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]),
            capacity: (instances: [(name: \"node\", instance_type: \"m5.4xlarge\", count: {instances})]),
            task_definitions: [{defs}],
            target_groups: [{tgs}],
            services: [{svcs}],
          ),
          timeline: [{timeline}],
          quizzes: [])"
    )
}

/// An EKS scenario of `replicas` pods on twenty m5.4xlarge nodes with a rolling update at
/// 0:30, lasting a day: few cards on the canvas, but seconds to simulate in a debug build
/// (the cluster ticks every second).
pub fn long_eks_scenario(replicas: u32) -> String {
    format!(
        "(version: 1, title: \"Long\", description: \"A day of a Deployment.\", seed: 31, duration: 86400,
          world: Eks(
            cluster: (name: \"demo\"),
            node_groups: [(name: \"ng-1\", instance_type: \"m5.4xlarge\", count: 20)],
            deployments: [(name: \"web\", replicas: {replicas},
              container: (name: \"web\", image: \"nginx:1.27\", cpu: 250, memory: 256, readiness_probe: true))],
            images: [(image: \"nginx:1.28\", startup_seconds: 8)],
            service: (name: \"web\", service_type: LoadBalancer, port: 80),
          ),
          timeline: [(at: 30, action: SetImage(deployment: \"web\", image: \"nginx:1.28\"))],
          quizzes: [])"
    )
}
