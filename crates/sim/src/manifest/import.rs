//! `orca import FILE… -o OUT.ron`: a scenario built from real artifacts. ECS: task definitions
//! (register-task-definition input or describe-task-definition output) and services
//! (create-service input). EKS: Kubernetes manifests (Deployment, Service, HPA). One platform
//! per scenario. What the artifacts do not say (the cluster, where tasks or pods run) Orca
//! adds and says so in a warning; every field it does not model is a warning with its path.
//! The result passes the same checks as `orca check`. See docs/importing.md.

use super::k8s::Object;
use super::yaml::Pos;
use super::{ManifestError, Warning, ecs, read_k8s, read_one};
use crate::scenario::spec::{
    ClusterSpec, EcsWorld, EksWorld, InstanceGroupSpec, LaunchType, NodeGroupSpec, Scenario,
    ServiceSpec, TaskDefinitionSpec, TimingsSpec, WorldSpec, defaults,
};

/// A file's name and text.
pub struct Input {
    pub name: String,
    pub text: String,
}

/// The scenario, and what Orca ignored or assumed.
pub struct Imported {
    pub scenario: Scenario,
    pub warnings: Vec<Warning>,
}

fn err(file: &str, at: Pos, message: impl Into<String>) -> ManifestError {
    ManifestError {
        file: file.to_string(),
        at,
        message: message.into(),
    }
}

fn assumed(file: &str, path: &str, why: String) -> Warning {
    Warning {
        file: file.to_string(),
        at: Pos { line: 1, column: 1 },
        path: path.to_string(),
        why,
    }
}

/// A JSON file (an ECS artifact) rather than YAML manifests.
fn is_json(i: &Input) -> bool {
    i.name.ends_with(".json") || i.text.trim_start().starts_with('{')
}

pub fn import(inputs: &[Input], title: &str) -> Result<Imported, ManifestError> {
    let Some(first) = inputs.first() else {
        return Err(err("orca import", Pos::default(), "no files given"));
    };
    if let Some(other) = inputs.iter().find(|i| is_json(i) != is_json(first)) {
        return Err(err(
            &other.name,
            Pos { line: 1, column: 1 },
            format!(
                "{} is {} but {} is {}; a scenario is either ECS (task and service definitions, JSON) or EKS (Kubernetes manifests, YAML)",
                other.name,
                if is_json(other) { "JSON" } else { "YAML" },
                first.name,
                if is_json(first) { "JSON" } else { "YAML" },
            ),
        ));
    }
    let mut warnings = Vec::new();
    let world = if is_json(first) {
        WorldSpec::Ecs(ecs_world(inputs, &mut warnings)?)
    } else {
        WorldSpec::Eks(eks_world(inputs, &mut warnings)?)
    };
    let scenario = Scenario {
        version: 1,
        title: title.to_string(),
        description: format!(
            "Imported by `orca import` from {}.",
            inputs
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        seed: 1,
        duration: defaults::duration(),
        world,
        timeline: Vec::new(),
        quizzes: Vec::new(),
        goals: Vec::new(),
        hints: Vec::new(),
    };
    // The same checks as `orca check`, on the text that will be written.
    let text =
        crate::scenario::to_ron(&scenario).map_err(|e| err(&first.name, Pos::default(), e))?;
    if let Err(e) = crate::scenario::parse("imported.ron", &text) {
        return Err(err(
            &first.name,
            Pos::default(),
            format!("the imported scenario does not pass Orca's checks:\n{e}"),
        ));
    }
    Ok(Imported { scenario, warnings })
}

fn cluster(name: &str) -> ClusterSpec {
    ClusterSpec {
        name: name.to_string(),
        region: defaults::region(),
        account_id: defaults::account_id(),
        availability_zones: defaults::zones(),
    }
}

fn ecs_world(inputs: &[Input], warnings: &mut Vec<Warning>) -> Result<EcsWorld, ManifestError> {
    let mut tds: Vec<TaskDefinitionSpec> = Vec::new();
    let mut services: Vec<(String, ServiceSpec)> = Vec::new();
    for i in inputs {
        let doc = read_one(&i.name, &i.text)?;
        if doc.get("serviceName").is_some() {
            services.push((i.name.clone(), ecs::service(&i.name, &doc, warnings)?));
        } else {
            let mut td = ecs::task_definition(&i.name, &doc, warnings)?;
            if td.revision == 0 {
                // Register input: the family's next revision, as ECS numbers them.
                td.revision = tds
                    .iter()
                    .filter(|t| t.family == td.family)
                    .map(|t| t.revision)
                    .max()
                    .unwrap_or(0)
                    + 1;
            }
            if tds
                .iter()
                .any(|t| t.family == td.family && t.revision == td.revision)
            {
                return Err(err(
                    &i.name,
                    doc.at,
                    format!(
                        "task definition {}:{} is given twice",
                        td.family, td.revision
                    ),
                ));
            }
            tds.push(td);
        }
    }
    if tds.is_empty() {
        return Err(err(
            &inputs[0].name,
            Pos::default(),
            "no task definition: give one as register-task-definition takes it or describe-task-definition prints it",
        ));
    }
    if services.is_empty() {
        return Err(err(
            &inputs[0].name,
            Pos::default(),
            "no service definition: give one as create-service --cli-input-json takes it (serviceName, taskDefinition, desiredCount)",
        ));
    }
    let mut out = Vec::new();
    let mut needs_instances = false;
    for (file, mut s) in services {
        // `family` alone names the latest ACTIVE revision.
        if !s.task_definition.contains(':') {
            let latest = tds
                .iter()
                .filter(|t| t.family == s.task_definition)
                .map(|t| t.revision)
                .max();
            let Some(rev) = latest else {
                return Err(err(
                    &file,
                    Pos::default(),
                    format!(
                        "taskDefinition: no task definition of family {:?} was given",
                        s.task_definition
                    ),
                ));
            };
            s.task_definition = format!("{}:{rev}", s.task_definition);
        }
        needs_instances |= s.launch_type == LaunchType::Ec2;
        out.push(s);
    }
    let mut capacity = crate::scenario::spec::CapacitySpec::default();
    if needs_instances {
        warnings.push(assumed(
            &inputs[0].name,
            "(cluster)",
            "an EC2 service needs container instances: Orca adds 3 m5.large instances, one per zone".into(),
        ));
        capacity.instances.push(InstanceGroupSpec {
            name: "ecs-node".into(),
            instance_type: "m5.large".into(),
            availability_zone: None,
            count: 3,
            spot: false,
            spot_instance_draining: false,
        });
    }
    warnings.push(assumed(
        &inputs[0].name,
        "(cluster)",
        format!(
            "the cluster is Orca's: \"imported\" in {} over {}",
            defaults::region(),
            defaults::zones().join(", ")
        ),
    ));
    Ok(EcsWorld {
        cluster: cluster("imported"),
        capacity,
        task_definitions: tds,
        target_groups: Vec::new(),
        services: out,
        timings: TimingsSpec::default(),
        ecr: Default::default(),
        service_discovery: Default::default(),
        efs_file_systems: Vec::new(),
        iam: Default::default(),
        config_rules: Vec::new(),
        container_insights: false,
        guardduty: None,
    })
}

fn eks_world(inputs: &[Input], warnings: &mut Vec<Warning>) -> Result<EksWorld, ManifestError> {
    let mut objects: Vec<(String, Object)> = Vec::new();
    for i in inputs {
        let (os, ws) = read_k8s(&i.name, &i.text)?;
        warnings.extend(ws);
        objects.extend(os.into_iter().map(|o| (i.name.clone(), o)));
    }
    let mut deployments = Vec::new();
    let mut labels = Vec::new();
    for (_, o) in &objects {
        if let Object::Deployment(d) = o {
            deployments.push(d.spec.clone());
            labels.push(d.labels.clone());
        }
    }
    if deployments.is_empty() {
        return Err(err(
            &inputs[0].name,
            Pos::default(),
            "no Deployment: an EKS scenario runs at least one",
        ));
    }
    let mut pod_disruption_budgets: Vec<crate::scenario::spec::PdbSpec> = Vec::new();
    for (file, o) in &objects {
        match o {
            Object::Deployment(_) => {}
            Object::Pdb(b) => {
                // Orca labels a Deployment's pods app=<name>: the budget selects the pods of the
                // Deployment whose template labels its selector matches.
                let d = labels.iter().position(|l| {
                    b.spec
                        .match_labels
                        .iter()
                        .all(|(k, v)| l.contains(&(k.clone(), v.clone())))
                });
                let Some(d) = d else {
                    return Err(err(
                        file,
                        b.at,
                        format!(
                            "poddisruptionbudget {}: its selector matches no Deployment's pod template labels",
                            b.spec.name
                        ),
                    ));
                };
                let mut spec = b.spec.clone();
                let app: std::collections::BTreeMap<String, String> =
                    [("app".to_string(), deployments[d].name.clone())].into();
                if spec.match_labels != app {
                    warnings.push(assumed(
                        file,
                        "spec.selector.matchLabels",
                        format!(
                            "Orca labels the pods of Deployment {} app={}: the budget {} selects them by that label",
                            deployments[d].name, deployments[d].name, spec.name
                        ),
                    ));
                    spec.match_labels = app;
                }
                if pod_disruption_budgets.iter().any(|x| x.name == spec.name) {
                    return Err(err(
                        file,
                        b.at,
                        format!("poddisruptionbudget {} is defined twice", spec.name),
                    ));
                }
                pod_disruption_budgets.push(spec);
            }
            Object::Service(s) => {
                let d = labels
                    .iter()
                    .position(|l| s.selector.iter().all(|x| l.contains(x)));
                let Some(d) = d else {
                    return Err(err(
                        file,
                        s.at,
                        format!(
                            "service {}: its selector matches no Deployment's pod template labels",
                            s.spec.name
                        ),
                    ));
                };
                if deployments[d].service.is_some() {
                    return Err(err(
                        file,
                        s.at,
                        format!(
                            "service {}: Deployment {} already has a Service; Orca models one per Deployment",
                            s.spec.name, deployments[d].name
                        ),
                    ));
                }
                deployments[d].service = Some(s.spec.clone());
            }
            Object::Hpa(h) => {
                let Some(d) = deployments.iter().position(|x| x.name == h.target) else {
                    return Err(err(
                        file,
                        h.at,
                        format!(
                            "horizontalpodautoscaler {}: scaleTargetRef names Deployment {:?}, which no file defines",
                            h.name, h.target
                        ),
                    ));
                };
                if deployments[d].hpa.is_some() {
                    return Err(err(
                        file,
                        h.at,
                        format!("Deployment {} has two HorizontalPodAutoscalers", h.target),
                    ));
                }
                if h.name != h.target {
                    warnings.push(assumed(
                        file,
                        "metadata.name",
                        format!(
                            "Orca names a Deployment's HPA after the Deployment: {} becomes {}",
                            h.name, h.target
                        ),
                    ));
                }
                deployments[d].hpa = Some(h.hpa.clone());
            }
        }
    }
    warnings.push(assumed(
        &inputs[0].name,
        "(cluster)",
        format!(
            "manifests do not say where pods run: Orca adds the managed node group ng-1 of 3 m5.large nodes in {} over {}",
            defaults::region(),
            defaults::zones().join(", ")
        ),
    ));
    Ok(EksWorld {
        cluster: cluster("imported"),
        node_groups: vec![NodeGroupSpec {
            name: "ng-1".into(),
            instance_type: "m5.large".into(),
            count: 3,
            min: None,
            max: None,
        }],
        fargate_profiles: Vec::new(),
        deployments,
        images: Vec::new(),
        service: None,
        cluster_autoscaler: false,
        karpenter: None,
        daemon_sets: Vec::new(),
        stateful_sets: Vec::new(),
        pod_identity_agent: false,
        metrics_server: true,
        ecr: Default::default(),
        pod_disruption_budgets,
        kubernetes_version: None,
        storage_classes: Vec::new(),
        efs_file_systems: Vec::new(),
        efs_csi_driver: false,
        persistent_volume_claims: Vec::new(),
        persistent_volumes: Vec::new(),
        iam: Default::default(),
        security: Default::default(),
        cloudwatch_observability: false,
    })
}
