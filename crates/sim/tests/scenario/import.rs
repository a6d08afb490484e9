//! `orca import`: scenarios built from public examples, written from the documented shapes
//! into `tests/import/`:
//! - `fargate-task-definition.json`: the Fargate web server of the Amazon ECS Developer Guide,
//!   "Example Amazon ECS task definitions",
//!   <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/example_task_definitions.html>;
//! - `fargate-service.json`: the AWS CLI reference's create-service "Example 1: To create a
//!   service with a Fargate task", as `--cli-input-json`,
//!   <https://docs.aws.amazon.com/cli/latest/reference/ecs/create-service.html>;
//! - `nginx-deployment.yaml`: the Kubernetes "Deployments" page,
//!   <https://kubernetes.io/docs/concepts/workloads/controllers/deployment/>;
//! - `php-apache.yaml`: the Kubernetes "HorizontalPodAutoscaler Walkthrough",
//!   <https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/>;
//! - `sidecar-deployment.yaml`: the Deployment with a `logshipper` native sidecar of the
//!   Kubernetes "Sidecar Containers" page,
//!   <https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/>.

use orca_sim::manifest::import::{Input, import};
use orca_sim::scenario::spec::{LaunchType, WorldSpec};

fn input(name: &str) -> Input {
    let path = format!("{}/tests/import/{name}", env!("CARGO_MANIFEST_DIR"));
    Input {
        name: name.to_string(),
        text: std::fs::read_to_string(&path).expect("fixture"),
    }
}

fn passes_orca_check(s: &orca_sim::Scenario) {
    let text = orca_sim::scenario::to_ron(s).expect("RON");
    let back = orca_sim::scenario::parse("imported.ron", &text).expect("orca check accepts it");
    assert_eq!(&back, s, "the written file reads back as the same scenario");
}

#[test]
fn ecs_task_and_service_definitions_import() {
    let got = import(
        &[
            input("fargate-task-definition.json"),
            input("fargate-service.json"),
        ],
        "Fargate web server",
    )
    .expect("imports");
    passes_orca_check(&got.scenario);
    let WorldSpec::Ecs(w) = &got.scenario.world else {
        panic!("an ECS world")
    };
    assert_eq!(w.task_definitions[0].family, "fargate-task-definition");
    assert_eq!(w.task_definitions[0].revision, 1);
    assert_eq!(w.task_definitions[0].cpu, Some(256));
    assert_eq!(w.task_definitions[0].containers[0].port, Some(80));
    // The execution role is modelled (docs/rules/iam.md), so it is read rather than warned about.
    assert!(w.task_definitions[0].execution_role_arn.is_some());
    assert_eq!(w.services[0].name, "MyService");
    assert_eq!(w.services[0].task_definition, "fargate-task-definition:1");
    assert_eq!(w.services[0].desired_count, Some(2));
    assert_eq!(w.services[0].launch_type, LaunchType::Fargate);
    // Its awslogs logConfiguration is read (docs/rules/containers-and-logs.md), not warned
    // about.
    assert!(
        w.task_definitions[0].containers[0]
            .log_configuration
            .is_some()
    );
    let paths: Vec<&str> = got.warnings.iter().map(|w| w.path.as_str()).collect();
    for p in [
        "containerDefinitions[0].command",
        "containerDefinitions[0].entryPoint",
        "runtimePlatform",
        "platformVersion",
        "networkConfiguration",
    ] {
        assert!(paths.contains(&p), "{p} is warned about: {paths:?}");
    }
    // It runs: the service reaches its desired count.
    let mut sim = orca_sim::Simulation::new(std::sync::Arc::new(got.scenario.clone()));
    sim.advance_to(orca_sim::SimTime::from_secs(300));
    let ecs = sim.world().ecs.as_ref().expect("ECS");
    assert_eq!(ecs.tasks.iter().filter(|t| t.is_live()).count(), 2);
}

#[test]
fn kubernetes_manifests_import() {
    let got = import(
        &[input("nginx-deployment.yaml"), input("php-apache.yaml")],
        "Two Deployments",
    )
    .expect("imports");
    passes_orca_check(&got.scenario);
    let WorldSpec::Eks(k) = &got.scenario.world else {
        panic!("an EKS world")
    };
    assert_eq!(k.deployments.len(), 2);
    let nginx = &k.deployments[0];
    assert_eq!(nginx.replicas, 3);
    assert_eq!(nginx.container.image, "nginx:1.14.2");
    assert_eq!(nginx.container.port, 80);
    let php = &k.deployments[1];
    assert_eq!(php.replicas, 1, "replicas left out: the API default");
    assert_eq!(php.container.cpu, Some(200));
    assert_eq!(php.service.as_ref().map(|s| s.port), Some(80));
    let hpa = php.hpa.as_ref().expect("the HPA");
    assert_eq!(
        (
            hpa.min_replicas,
            hpa.max_replicas,
            hpa.target_cpu_utilization
        ),
        (1, 10, 50)
    );
    let shown: Vec<String> = got.warnings.iter().map(|w| w.to_string()).collect();
    assert!(
        shown
            .iter()
            .any(|w| w.contains("nginx-deployment.yaml:8:5: metadata.labels")),
        "{shown:#?}"
    );
    assert!(
        shown.contains(&"php-apache.yaml:24:13: spec.template.spec.containers[0].resources.limits: not modelled by Orca (ignored)".to_string()),
        "{shown:#?}"
    );
    assert!(
        shown
            .iter()
            .any(|w| w.starts_with("php-apache.yaml:18:9:")
                && w.contains("requests.memory: not set")),
        "{shown:#?}"
    );
}

#[test]
fn mixed_or_broken_inputs_are_refused_with_a_place() {
    let e = import(
        &[
            input("nginx-deployment.yaml"),
            input("fargate-service.json"),
        ],
        "mixed",
    )
    .err()
    .expect("refused");
    assert!(e.message.contains("a scenario is either ECS"), "{e}");
    let e = import(&[input("fargate-service.json")], "no task definition")
        .err()
        .expect("refused");
    assert!(e.message.contains("no task definition"), "{e}");
    let broken = Input {
        name: "broken.yaml".into(),
        text: input("nginx-deployment.yaml")
            .text
            .replace("replicas: 3", "replicas: three"),
    };
    let e = import(&[broken], "broken").err().expect("refused");
    assert_eq!(
        e.to_string(),
        "broken.yaml:10:13: spec.replicas: expected an integer, got a string"
    );
}

/// An autoscaling/v2 HPA's `behavior` comes across; without it the HPA takes the controller's
/// legacy path. The example is the "Scaling Policies" one of the Kubernetes HPA page
/// (<https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#scaling-policies>).
#[test]
fn an_hpa_behavior_imports() {
    use orca_sim::scenario::spec::{HpaPolicySpec, HpaSelectPolicy};
    let hpa = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
      selectPolicy: Min
      policies:
      - type: Pods
        value: 4
        periodSeconds: 60
      - type: Percent
        value: 10
        periodSeconds: 60
";
    let deployment = input("php-apache.yaml");
    let deployment = Input {
        name: deployment.name,
        text: deployment
            .text
            .split("\n---")
            .next()
            .expect("the Deployment")
            .to_string(),
    };
    let got = import(
        &[
            deployment,
            Input {
                name: "hpa.yaml".into(),
                text: hpa.into(),
            },
        ],
        "Behavior",
    )
    .expect("imports");
    passes_orca_check(&got.scenario);
    let WorldSpec::Eks(k) = &got.scenario.world else {
        panic!("an EKS world")
    };
    let b = k.deployments[0]
        .hpa
        .as_ref()
        .and_then(|h| h.behavior.as_ref())
        .expect("the behavior");
    assert!(b.scale_up.is_none());
    let down = b.scale_down.as_ref().expect("scaleDown");
    assert_eq!(down.stabilization_window_seconds, Some(60));
    assert_eq!(down.select_policy, Some(HpaSelectPolicy::Min));
    assert_eq!(
        down.policies.as_deref(),
        Some(
            &[
                HpaPolicySpec::Pods {
                    value: 4,
                    period_seconds: 60
                },
                HpaPolicySpec::Percent {
                    value: 10,
                    period_seconds: 60
                }
            ][..]
        )
    );
}

#[test]
fn a_daemon_service_imports_without_a_desired_count() {
    let td = || {
        Input {
        name: "agent.json".into(),
        text: r#"{
            "family": "agent",
            "networkMode": "bridge",
            "requiresCompatibilities": ["EC2"],
            "containerDefinitions": [
                {"name": "agent", "image": "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest",
                 "cpu": 128, "memory": 256, "essential": true}
            ]
        }"#
        .into(),
    }
    };
    let svc = |strategy: &str| Input {
        name: "agent-service.json".into(),
        text: format!(
            r#"{{"serviceName": "agent", "taskDefinition": "agent", "launchType": "EC2", "schedulingStrategy": "{strategy}"}}"#
        ),
    };
    let got = import(&[td(), svc("DAEMON")], "CloudWatch agent").expect("imports");
    passes_orca_check(&got.scenario);
    let WorldSpec::Ecs(w) = &got.scenario.world else {
        panic!("an ECS world")
    };
    assert_eq!(
        w.services[0].scheduling_strategy,
        orca_sim::scenario::spec::SchedulingStrategy::Daemon
    );
    assert_eq!(w.services[0].desired_count, None);
    assert!(import(&[td(), svc("SOMETIMES")], "x").is_err());
}

/// `nginx-pdb.yaml`: the `zk-pdb` example of "Specifying a Disruption Budget for your
/// Application" (<https://kubernetes.io/docs/tasks/run-application/configure-pdb/>) with its
/// selector on the nginx Deployment's pods.
#[test]
fn a_pod_disruption_budget_imports_with_the_deployment_it_selects() {
    let got = import(
        &[input("nginx-deployment.yaml"), input("nginx-pdb.yaml")],
        "nginx with a budget",
    )
    .expect("imports");
    passes_orca_check(&got.scenario);
    let WorldSpec::Eks(w) = &got.scenario.world else {
        panic!("an EKS world")
    };
    let b = &w.pod_disruption_budgets[0];
    assert_eq!(b.name, "nginx-pdb");
    assert_eq!(
        b.min_available,
        Some(orca_sim::scenario::spec::Amount::Count(2))
    );
    assert_eq!(b.max_unavailable, None);
    // Orca labels the Deployment's pods app=<name>: the selector follows, with a warning.
    let dep = &w.deployments[0].name;
    assert_eq!(
        b.match_labels.iter().collect::<Vec<_>>(),
        vec![(&"app".to_string(), dep)]
    );
    assert!(
        got.warnings
            .iter()
            .any(|x| x.path == "spec.selector.matchLabels"),
        "the relabelling is said"
    );
}

#[test]
fn a_deployment_with_a_native_sidecar_imports_and_runs_both_containers() {
    let got = import(&[input("sidecar-deployment.yaml")], "A sidecar").expect("imports");
    passes_orca_check(&got.scenario);
    let WorldSpec::Eks(k) = &got.scenario.world else {
        panic!("an EKS world")
    };
    let d = &k.deployments[0];
    assert_eq!(d.container.name, "myapp");
    assert_eq!(d.init_containers.len(), 1);
    assert_eq!(d.init_containers[0].name, "logshipper");
    assert!(
        d.init_containers[0].restart_policy.is_some(),
        "a native sidecar"
    );
    let paths: Vec<&str> = got.warnings.iter().map(|w| w.path.as_str()).collect();
    for p in [
        "spec.template.spec.initContainers[0].command",
        "spec.template.spec.volumes",
    ] {
        assert!(paths.contains(&p), "{p} is warned about: {paths:?}");
    }
    // It runs: the pod shows both containers ready, as kubectl would.
    let mut p = orca_sim::Playback::new(std::sync::Arc::new(got.scenario.clone()));
    p.seek(orca_sim::SimTime::from_secs(120));
    let none = |path: &str| -> Result<String, String> { Err(format!("no file {path}")) };
    let cx = orca_sim::console::Context {
        world: p.world(),
        scenario: p.scenario(),
        now: p.now(),
        log: p.log(),
        files: &none,
        queries: None,
    };
    let orca_sim::console::Outcome::Print(pods) =
        orca_sim::console::execute("kubectl get pods", &cx)
    else {
        panic!("kubectl get pods prints")
    };
    let row = pods
        .lines()
        .find(|l| l.starts_with("myapp-"))
        .unwrap_or_else(|| panic!("a myapp pod:\n{pods}"));
    assert!(row.contains(" 2/2 ") && row.contains("Running"), "{pods}");
}
