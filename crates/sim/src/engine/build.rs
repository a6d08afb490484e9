//! Building the world of a scenario at time zero.

use crate::aws::instance_types;
use crate::control::{EcsTimer, EksTimer, Timings};
use crate::ecs::cluster::{Ctx, EcsCluster};
use crate::ecs::ids::{ServiceIdx, TargetGroupIdx};
use crate::ecs::{
    Behavior, ContainerDefinition, ContainerInstance, DeploymentConfiguration, Exit, FailMode,
    HealthCheck, HealthFailure, InstanceStatus, RestartPolicy, Service, ServiceLoadBalancer,
    TaskDefinition, auto_scaling_group, capacity_provider, service_scheduler,
};
use crate::elb::{TargetGroup, TargetGroupHealthCheck};
use crate::engine::WorldCtx;
use crate::k8s::autoscaling::Hpa;
use crate::k8s::cluster::{AppBehavior, DeploymentState, EksCluster, Template};
use crate::k8s::rollout::IntOrPercent;
use crate::k8s::scheduler::Requests;
use crate::name::Name;
use crate::net::Network;
use crate::rng::{Rngs, hex};
use crate::scenario::spec::{
    ClusterSpec, ContainerSpec, EcsWorld, FailureResponse, HpaSpec, ImagePullPolicy,
    K8sContainerSpec, K8sDeploymentSpec, K8sServiceSpec, K8sServiceType, K8sStrategy, Scenario,
    ServiceStart, StepScalingPolicySpec, TaskDefinitionSpec, TimingsSpec,
};
use crate::time::{Millis, SimTime};
use crate::world::World;

/// The ECS part of a scenario, if it has one.
fn ecs_spec(scenario: &Scenario) -> Option<&EcsWorld> {
    scenario.world.ecs()
}

/// The region, account and zones the scenario runs in (validated once, shared by both parts).
fn cluster_spec(scenario: &Scenario) -> &ClusterSpec {
    scenario.world.cluster()
}

pub(super) fn timings(scenario: &Scenario) -> Timings {
    match ecs_spec(scenario) {
        Some(e) => Timings::from(&e.timings),
        None => Timings::from(&TimingsSpec::default()),
    }
}

/// A task definition revision of the scenario (or registered during the run).
pub(super) fn task_definition(
    td: &TaskDefinitionSpec,
    region: &str,
    account_id: &str,
) -> TaskDefinition {
    TaskDefinition {
        family: Name::from(td.family.clone()),
        revision: td.revision,
        arn: format!(
            "arn:aws:ecs:{region}:{account_id}:task-definition/{}:{}",
            td.family, td.revision
        ),
        cpu: td.cpu,
        memory: td.memory,
        network_mode: td.network_mode,
        containers: td.containers.iter().map(container_definition).collect(),
        task_role_arn: td.task_role_arn.clone(),
        efs_volumes: td
            .volumes
            .iter()
            .filter_map(|v| {
                let e = v.efs_volume_configuration.as_ref()?;
                Some(crate::ecs::volumes::EfsVolume {
                    name: v.name.clone(),
                    file_system_id: e.file_system_id.clone(),
                    root_directory: e.root_directory.clone().unwrap_or_else(|| "/".into()),
                    transit_encryption: e.transit_encryption
                        == crate::scenario::spec::TransitEncryption::Enabled,
                    access_point_id: e.access_point_id.clone(),
                    iam: e.iam,
                })
            })
            .collect(),
        configured_at_launch: td
            .volumes
            .iter()
            .find(|v| v.configured_at_launch)
            .map(|v| v.name.clone()),
        ephemeral_storage_gib: crate::ecs::volumes::ephemeral_storage_gib(td.ephemeral_storage_gib),
        execution_role_arn: td.execution_role_arn.clone(),
    }
}

/// The pod template of a Deployment's container, with the behaviour of its image.
pub(super) fn template(c: &K8sContainerSpec, behavior: AppBehavior) -> Template {
    Template {
        container: c.name.clone(),
        image: c.image.clone(),
        pull_policy: ImagePullPolicy::resolve(c.image_pull_policy, &c.image),
        requests: Requests {
            cpu_millis: c.cpu.unwrap_or(0),
            memory_mib: c.memory,
        },
        cpu_requested: c.cpu.is_some(),
        own: Requests {
            cpu_millis: c.cpu.unwrap_or(0),
            memory_mib: c.memory,
        },
        port: c.port,
        readiness_probe: c.readiness_probe,
        liveness_probe: c.liveness_probe,
        startup_probe: c.startup_probe,
        behavior,
        restarted_at: None,
        claim: None,
        init_containers: Vec::new(),
        containers: Vec::new(),
    }
}

/// A Deployment's template with its init containers.
pub(super) fn template_with_init(d: &K8sDeploymentSpec, behavior: AppBehavior) -> Template {
    let mut t = template(&d.container, behavior);
    t.init_containers = d
        .init_containers
        .iter()
        .map(|i| crate::k8s::cluster::InitContainer {
            name: i.name.clone(),
            image: i.image.clone(),
            pull_policy: ImagePullPolicy::resolve(i.image_pull_policy, &i.image),
            runs: Millis::from_secs(u64::from(i.runs_seconds)),
            exit_code: i.exit_code,
            cpu_requested: i.cpu.is_some(),
            sidecar: i.restart_policy.map(|_| {
                side_behavior(
                    (i.startup_probe, i.readiness_probe, i.liveness_probe),
                    i.startup_seconds,
                    i.crashes_after_seconds,
                    (i.not_ready_after_seconds, i.liveness_fails_after_seconds),
                )
            }),
        })
        .collect();
    t.containers = d
        .containers
        .iter()
        .map(|c| crate::k8s::cluster::ExtraContainer {
            name: c.name.clone(),
            image: c.image.clone(),
            pull_policy: ImagePullPolicy::resolve(c.image_pull_policy, &c.image),
            cpu_requested: c.cpu.is_some(),
            behavior: side_behavior(
                (c.startup_probe, c.readiness_probe, c.liveness_probe),
                c.startup_seconds,
                c.crashes_after_seconds,
                (c.not_ready_after_seconds, c.liveness_fails_after_seconds),
            ),
        })
        .collect();
    t.requests = pod_requests(d);
    t
}

/// The pod template `kubectl apply` of `spec` gives a Deployment whose template is now `live`:
/// the manifest's containers, with what a manifest does not say kept from the live template —
/// the `rollout restart` annotation (kubectl's three-way merge leaves fields it never set), the
/// claim the pods mount (Orca's manifest reader does not read `volumes`), and how a sidecar's
/// or further container's process behaves when its name and image are unchanged (Orca model:
/// behaviour belongs to the image, as the first container's does).
pub fn applied_template(
    spec: &K8sDeploymentSpec,
    live: &Template,
    behavior: AppBehavior,
) -> Template {
    let mut t = template_with_init(spec, behavior);
    t.restarted_at = live.restarted_at;
    t.claim = spec
        .persistent_volume_claim
        .clone()
        .or_else(|| live.claim.clone());
    for i in &mut t.init_containers {
        let Some(old) = live
            .init_containers
            .iter()
            .find(|o| o.name == i.name && o.image == i.image)
        else {
            continue;
        };
        i.runs = old.runs;
        i.exit_code = old.exit_code;
        if let (Some(side), Some(was)) = (&mut i.sidecar, &old.sidecar) {
            *side = crate::k8s::cluster::SideBehavior {
                startup_probe: side.startup_probe,
                readiness_probe: side.readiness_probe,
                liveness_probe: side.liveness_probe,
                ..was.clone()
            };
        }
    }
    for c in &mut t.containers {
        if let Some(old) = live
            .containers
            .iter()
            .find(|o| o.name == c.name && o.image == c.image)
        {
            c.behavior = crate::k8s::cluster::SideBehavior {
                startup_probe: c.behavior.startup_probe,
                readiness_probe: c.behavior.readiness_probe,
                liveness_probe: c.behavior.liveness_probe,
                ..old.behavior.clone()
            };
        }
    }
    t
}

/// How a native sidecar's or a further app container's process behaves, from its scenario
/// fields (`probes`: startup, readiness, liveness; `fails_after`: readiness, liveness; times in
/// seconds).
fn side_behavior(
    (startup_probe, readiness_probe, liveness_probe): (bool, bool, bool),
    startup_seconds: u32,
    crashes_after_seconds: Option<u32>,
    (not_ready_after_seconds, liveness_fails_after_seconds): (Option<u32>, Option<u32>),
) -> crate::k8s::cluster::SideBehavior {
    let secs = |s: u32| Millis::from_secs(u64::from(s));
    crate::k8s::cluster::SideBehavior {
        startup_probe,
        readiness_probe,
        startup: secs(startup_seconds),
        crashes_after: crashes_after_seconds.map(secs),
        not_ready_after: not_ready_after_seconds.map(secs),
        liveness_probe,
        liveness_fails_after: liveness_fails_after_seconds.map(secs),
    }
}

/// A pod's requests from its containers', as the scheduler counts them (Kubernetes
/// documentation, "Sidecar Containers", resource sharing within containers): the larger of
/// (a) the sum of the app containers and all native sidecars, which run together, and (b) the
/// effective init request, the largest of each ordinary init container's request plus the
/// sidecars started before it (they run beside it).
pub(super) fn pod_requests(d: &K8sDeploymentSpec) -> Requests {
    let mut running = Requests {
        cpu_millis: d.container.cpu.unwrap_or(0),
        memory_mib: d.container.memory,
    };
    for c in &d.containers {
        running.cpu_millis = running.cpu_millis.saturating_add(c.cpu.unwrap_or(0));
        running.memory_mib = running.memory_mib.saturating_add(c.memory);
    }
    let mut sidecars = Requests {
        cpu_millis: 0,
        memory_mib: 0,
    };
    let mut init = sidecars;
    for i in &d.init_containers {
        if i.restart_policy.is_some() {
            sidecars.cpu_millis = sidecars.cpu_millis.saturating_add(i.cpu.unwrap_or(0));
            sidecars.memory_mib = sidecars.memory_mib.saturating_add(i.memory);
        } else {
            init.cpu_millis = init
                .cpu_millis
                .max(sidecars.cpu_millis.saturating_add(i.cpu.unwrap_or(0)));
            init.memory_mib = init
                .memory_mib
                .max(sidecars.memory_mib.saturating_add(i.memory));
        }
    }
    Requests {
        cpu_millis: running
            .cpu_millis
            .saturating_add(sidecars.cpu_millis)
            .max(init.cpu_millis),
        memory_mib: running
            .memory_mib
            .saturating_add(sidecars.memory_mib)
            .max(init.memory_mib),
    }
}

/// A Deployment's rollout settings from its spec (strategy, surge, minReadySeconds, deadlines).
pub(super) fn rollout_settings(dep: &mut DeploymentState, d: &K8sDeploymentSpec) {
    dep.max_surge = IntOrPercent::from(d.max_surge);
    dep.max_unavailable = IntOrPercent::from(d.max_unavailable);
    dep.min_ready_seconds = d.min_ready_seconds as u64;
    dep.progress_deadline_seconds = d.progress_deadline_seconds as u64;
    dep.recreate = d.strategy == K8sStrategy::Recreate;
    dep.revision_history_limit = d.revision_history_limit;
}

/// A Service as the Deployment keeps it: (name, type, port).
pub(super) fn k8s_service(s: &K8sServiceSpec) -> (String, String, u16) {
    let kind = match s.service_type {
        K8sServiceType::ClusterIP => "ClusterIP",
        K8sServiceType::LoadBalancer => "LoadBalancer",
    };
    (s.name.clone(), kind.to_string(), s.port)
}

/// A HorizontalPodAutoscaler created at `at` (its first sync 15 s later, the controller's
/// `--horizontal-pod-autoscaler-sync-period`).
/// A PodDisruptionBudget of the scenario (or applied with kubectl) in the cluster's
/// `default` namespace.
pub(super) fn pdb(b: &crate::scenario::spec::PdbSpec, at: SimTime) -> crate::k8s::budget::Pdb {
    crate::k8s::budget::Pdb {
        name: b.name.clone(),
        namespace: "default".into(),
        min_available: b.min_available.map(IntOrPercent::from),
        max_unavailable: b.max_unavailable.map(IntOrPercent::from),
        selector: b
            .match_labels
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        created_at: at,
    }
}

pub(super) fn hpa(name: &str, deployment: usize, h: &HpaSpec, at: SimTime) -> Hpa {
    Hpa::new(
        name,
        deployment,
        h.min_replicas,
        h.max_replicas,
        h.target_cpu_utilization as f64,
        h.behavior.as_ref().map(hpa_behavior),
        at.plus(Millis::from_secs(15)),
    )
}

/// The EKS cluster of an EKS scenario: node groups, each Deployment rolled out at revision 1.
fn eks(scenario: &Scenario, net: &mut Network, rngs: &mut Rngs) -> Option<EksCluster> {
    use crate::k8s::setup;
    let k = scenario.world.eks()?;
    let groups: Vec<(&instance_types::InstanceType, u32)> = k
        .node_groups
        .iter()
        .map(|g| {
            let t = instance_types::lookup(&g.instance_type)
                .expect("validated: a node group's instance type is known");
            (t, g.count)
        })
        .collect();
    let mut c = EksCluster::new();
    c.name_seed = scenario.seed;
    let cs = &k.cluster;
    c.cluster_name = cs.name.clone();
    c.security = Some(crate::security::Security::build(&k.security, &cs.name));
    c.iam = crate::iam::Iam::build(&k.iam, &cs.name, &cs.region, &cs.account_id).map(|mut i| {
        i.pod_identity_agent = k.pod_identity_agent;
        i.cluster = cs.name.clone();
        i
    });
    if k.cloudwatch_observability {
        c.insights = crate::insights::Insights::enabled(&k.cluster.name);
        c.cloudwatch_observability = Some(crate::k8s::addons::Addon::from_start());
    }
    if !k.metrics_server {
        c.metrics_server = None;
    }
    setup::add_node_groups(&mut c, net, &groups);
    c.images = k
        .images
        .iter()
        .map(|i| {
            (
                i.image.clone(),
                AppBehavior {
                    startup_seconds: i.startup_seconds as u64,
                    readiness_fails_with: i.readiness_fails_with,
                    liveness_fails_with: i.liveness_fails_with,
                    crashes_after_seconds: i.crashes_after_seconds.map(u64::from),
                    image_missing: i.missing,
                    oom_after_seconds: i.oom_after_seconds.map(u64::from),
                },
            )
        })
        .collect();
    crate::k8s::storage_setup::add_storage(&mut c, k);
    for (i, d) in k.deployments.iter().enumerate() {
        let mut t = template_with_init(d, c.behavior_of(&d.container.image));
        t.claim = d.persistent_volume_claim.clone();
        let di = setup::add_deployment_unplaced(&mut c, &mut rngs.names, &d.name, d.replicas, t);
        rollout_settings(&mut c.deployments[di], d);
        setup::annotate_replica_sets(&mut c, di);
        let dep = &mut c.deployments[di];
        dep.service = d
            .service
            .as_ref()
            .or(if i == 0 { k.service.as_ref() } else { None })
            .map(k8s_service);
        if k.fargate_profiles
            .iter()
            .any(|f| f.deployments.contains(&d.name))
        {
            setup::use_fargate(&mut c, net, di);
        }
        if let Some(l) = &d.load {
            c.deployments[di].load = Some(crate::k8s::autoscaling::Load {
                points: l
                    .points
                    .iter()
                    .map(|(t, v)| (SimTime::from_secs_f64(*t), *v))
                    .collect(),
                rps_per_pod: l.rps_per_pod,
                // Validation rejects a memory model on an EKS load.
                memory: None,
            });
        }
        if let Some(h) = &d.hpa {
            c.hpas.push(hpa(&d.name, di, h, SimTime::ZERO));
        }
    }
    for b in &k.pod_disruption_budgets {
        c.pdbs.push(pdb(b, SimTime::ZERO));
    }
    for ds in &k.daemon_sets {
        let t = template(&ds.container, c.behavior_of(&ds.container.image));
        setup::add_daemon_set(&mut c, &ds.name, t, IntOrPercent::from(ds.max_unavailable));
    }
    for ss in &k.stateful_sets {
        let t = template(&ss.container, c.behavior_of(&ss.container.image));
        crate::k8s::setup_statefulset::add_stateful_set(&mut c, ss, t);
    }
    let ec2_capacity = !k.node_groups.is_empty() || k.karpenter.is_some();
    setup::add_system_workloads(&mut c, &net.region, k.pod_identity_agent, !ec2_capacity);
    setup::place_pods(&mut c, net);
    crate::security::runtime::install_agent(
        &mut c,
        &net.region,
        k.node_groups.iter().map(|g| g.name.clone()).collect(),
    );
    crate::k8s::storage_setup::bind_placed(&mut c, rngs);
    crate::k8s::image_pull::remember_running_images(&mut c);
    if let Some(np) = &k.karpenter {
        use crate::k8s::karpenter::{ConsolidationPolicy, Karpenter, NodePool};
        use crate::scenario::spec::ConsolidationPolicy as Policy;
        c.karpenter = Some(Karpenter::new(NodePool {
            name: np.name.clone(),
            instance_types: np
                .instance_types
                .iter()
                .map(|t| {
                    instance_types::lookup(t)
                        .expect("validated: a NodePool's instance types are known")
                })
                .collect(),
            cpu_limit: np.cpu_limit,
            consolidation_policy: match np.consolidation_policy {
                Policy::WhenEmpty => ConsolidationPolicy::WhenEmpty,
                Policy::WhenEmptyOrUnderutilized => ConsolidationPolicy::WhenEmptyOrUnderutilized,
            },
            consolidate_after: Millis::from_secs(np.consolidate_after as u64),
            budget_nodes: crate::k8s::karpenter::parse_budget(&np.budget_nodes)
                .expect("validated: budget_nodes is a node count or a percentage"),
            expire_after: np.expire_after.map(Millis::from_secs),
            ami_id: np.ami_id.clone(),
            spot: np.spot,
            interruption_queue: np.interruption_queue,
        }));
    }
    if k.cluster_autoscaler {
        for g in &k.node_groups {
            c.node_groups
                .push(crate::k8s::autoscaling::NodeGroupScaling {
                    name: g.name.clone(),
                    asg: crate::k8s::names::node_group_asg(&g.name),
                    min: g.min.unwrap_or(g.count),
                    max: g.max.unwrap_or(g.count),
                    launching: Vec::new(),
                    instance_type: g.instance_type.clone(),
                });
        }
    }
    Some(c)
}

/// An HPA's `spec.behavior` with the API server's defaults filled in.
fn hpa_behavior(b: &crate::scenario::spec::HpaBehaviorSpec) -> crate::k8s::horizontal::Behavior {
    use crate::k8s::horizontal::{Behavior, Policy, RulesOverride, SelectPolicy};
    use crate::scenario::spec::{HpaPolicySpec, HpaScalingRulesSpec, HpaSelectPolicy};
    let rules = |r: &Option<HpaScalingRulesSpec>| {
        let Some(r) = r else {
            return RulesOverride::default();
        };
        RulesOverride {
            stabilization_window: r
                .stabilization_window_seconds
                .map(|s| Millis::from_secs(u64::from(s))),
            select_policy: r.select_policy.map(|p| match p {
                HpaSelectPolicy::Max => SelectPolicy::Max,
                HpaSelectPolicy::Min => SelectPolicy::Min,
                HpaSelectPolicy::Disabled => SelectPolicy::Disabled,
            }),
            policies: r.policies.as_ref().map(|ps| {
                ps.iter()
                    .map(|p| match *p {
                        HpaPolicySpec::Pods {
                            value,
                            period_seconds,
                        } => Policy::Pods {
                            value,
                            period: Millis::from_secs(u64::from(period_seconds)),
                        },
                        HpaPolicySpec::Percent {
                            value,
                            period_seconds,
                        } => Policy::Percent {
                            value,
                            period: Millis::from_secs(u64::from(period_seconds)),
                        },
                    })
                    .collect()
            }),
            tolerance: r.tolerance,
        }
    };
    Behavior::defaulted(rules(&b.scale_up), rules(&b.scale_down))
}

pub(crate) fn fail_mode(r: FailureResponse) -> FailMode {
    match r {
        FailureResponse::Status(code) => FailMode::Status(code),
        FailureResponse::Timeout => FailMode::Timeout,
    }
}

pub(super) fn world(scenario: &Scenario, rngs: &mut Rngs) -> World {
    let c = cluster_spec(scenario);
    let mut net = Network::new(&c.region, &c.account_id, &c.availability_zones);
    let ecs = ecs_spec(scenario).map(|spec| ecs(spec, &mut net, rngs));
    let eks = eks(scenario, &mut net, rngs);
    let ecr_spec = scenario.world.ecr();
    World {
        now: SimTime::ZERO,
        ecr: crate::ecr::Registry::new(ecr_spec, &c.account_id, &c.region),
        net,
        ecs,
        eks,
    }
}

/// Cloud Map at time zero: the namespaces (each with its private hosted zone) and services,
/// with ids in the shapes of the Cloud Map API (`ns-`, `srv-`, 16 characters; the hosted zone's
/// `Z` and 20) drawn from the id stream.
fn cloud_map(
    spec: &crate::scenario::spec::ServiceDiscoverySpec,
    region: &str,
    account_id: &str,
    rngs: &mut Rngs,
) -> crate::ecs::cloud_map::CloudMap {
    use crate::ecs::cloud_map::{CloudMap, DiscoveryService, Namespace};
    let mut map = CloudMap::default();
    for ns in &spec.namespaces {
        let id = format!("ns-{}", crate::rng::hex(&mut rngs.ids, 16));
        map.namespaces.push(Namespace {
            arn: format!("arn:aws:servicediscovery:{region}:{account_id}:namespace/{id}"),
            id: id.into(),
            name: ns.name.as_str().into(),
            hosted_zone_id: format!(
                "Z{}",
                crate::rng::hex(&mut rngs.ids, 20).to_ascii_uppercase()
            )
            .into(),
        });
    }
    for svc in &spec.services {
        let id = format!("srv-{}", crate::rng::hex(&mut rngs.ids, 16));
        map.services.push(DiscoveryService {
            arn: format!("arn:aws:servicediscovery:{region}:{account_id}:service/{id}"),
            id: id.into(),
            name: svc.name.as_str().into(),
            namespace: spec
                .namespaces
                .iter()
                .position(|n| n.name == svc.namespace)
                .expect("validated: a Cloud Map service's namespace is defined"),
            dns_name: svc.dns_name().into(),
            records: svc
                .dns_records
                .iter()
                .map(|r| (r.record_type, r.ttl))
                .collect(),
            custom_health: svc.health_check_custom_config,
            instances: Vec::new(),
        });
    }
    map
}

/// The ECS cluster of a scenario at time zero: instances, task definitions, target groups and
/// services (their tasks start in [`start`]).
fn ecs(spec: &EcsWorld, net: &mut Network, rngs: &mut Rngs) -> EcsCluster {
    let c = &spec.cluster;
    let mut world = EcsCluster::new(&c.name, &c.region, &c.account_id);
    world.file_systems = spec
        .efs_file_systems
        .iter()
        .map(|f| crate::efs::FileSystem::from_spec(f, &c.availability_zones))
        .collect();
    world.cloud_map = cloud_map(&spec.service_discovery, &c.region, &c.account_id, rngs);
    world.iam = crate::iam::Iam::build(&spec.iam, &c.name, &c.region, &c.account_id);
    world.config_rules = spec.config_rules.clone();
    world.image_pull_behavior = spec.capacity.image_pull_behavior;
    if spec.container_insights {
        world.insights = crate::insights::Insights::enabled(&c.name);
    }
    world.guardduty = spec
        .guardduty
        .as_ref()
        .map(|g| crate::ecs::guardduty::build(g, &c.name));
    for group in &spec.capacity.instances {
        for n in 0..group.count {
            let name = if group.count == 1 {
                group.name.clone()
            } else {
                format!("{}-{}", group.name, n + 1)
            };
            let zone_index = match &group.availability_zone {
                Some(z) => net
                    .zone_index(z)
                    .expect("validated: an instance group's zone is one of the cluster's"),
                // Validation requires at least one zone.
                None => n as usize % net.zones.len(),
            };
            let inst = capacity_provider::new_instance(
                &world.name,
                net,
                &mut rngs.ids,
                capacity_provider::NewInstance {
                    name,
                    instance_type: &group.instance_type,
                    zone_index,
                },
                InstanceStatus::Active,
                SimTime::ZERO,
            );
            world.instances.push(ContainerInstance {
                spot: group.spot,
                spot_instance_draining: group.spot_instance_draining,
                ..inst
            });
        }
    }
    for g in &spec.capacity.auto_scaling_groups {
        let mut uuid = || crate::rng::uuid(&mut rngs.ids);
        let group = auto_scaling_group::from_spec(g, &mut uuid);
        world.auto_scaling_groups.push(group);
        let gi = world.auto_scaling_groups.len() - 1;
        for _ in 0..g.desired_capacity {
            // Validation caps the instances far below a subnet's addresses.
            if capacity_provider::add_instance(
                &mut world,
                net,
                &mut rngs.ids,
                gi,
                true,
                SimTime::ZERO,
            )
            .is_none()
            {
                break;
            }
        }
    }

    for td in &spec.task_definitions {
        world
            .task_definitions
            .push(task_definition(td, &c.region, &c.account_id));
    }

    for tg in &spec.target_groups {
        let lb = tg
            .load_balancer
            .clone()
            .unwrap_or_else(|| format!("{}-alb", tg.name.trim_end_matches("-tg")));
        world.target_groups.push(TargetGroup {
            arn: format!(
                "arn:aws:elasticloadbalancing:{}:{}:targetgroup/{}/{}",
                c.region,
                c.account_id,
                tg.name,
                hex(&mut rngs.ids, 16)
            )
            .into(),
            load_balancer_arn: format!(
                "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/app/{}/{}",
                c.region,
                c.account_id,
                lb,
                hex(&mut rngs.ids, 16)
            ),
            load_balancer: lb,
            name: tg.name.clone().into(),
            port: tg.port,
            target_type: tg.target_type,
            health_check: TargetGroupHealthCheck {
                path: tg.health_check.path.clone(),
                interval: Millis::from_secs(tg.health_check.interval_seconds as u64),
                timeout: Millis::from_secs(tg.health_check.timeout_seconds as u64),
                healthy_threshold_count: tg.health_check.healthy_threshold_count,
                unhealthy_threshold_count: tg.health_check.unhealthy_threshold_count,
                matcher: tg.health_check.matcher.clone(),
            },
            deregistration_delay: Millis::from_secs(tg.deregistration_delay_seconds as u64),
            targets: crate::cow_vec::CowVec::new(),
            task_keys: Vec::new(),
            states: Vec::new(),
        });
    }

    for s in &spec.services {
        let td = world
            .task_definition_by_ref(&s.task_definition)
            .expect("validated: a service's task definition is defined");
        let dc = &s.deployment_configuration;
        let load_balancers = s
            .load_balancers
            .iter()
            .map(|lb| {
                let tg = world
                    .target_groups
                    .iter()
                    .position(|t| t.name == lb.target_group)
                    .expect("validated: a service's target groups are defined");
                ServiceLoadBalancer {
                    target_group: TargetGroupIdx(tg as u32),
                    container_name: lb.container_name.as_str().into(),
                    container_port: lb.container_port,
                }
            })
            .collect();
        let service_registries = s
            .service_registries
            .iter()
            .map(|r| crate::ecs::ServiceRegistry {
                service: world
                    .cloud_map
                    .services
                    .iter()
                    .position(|cm| cm.dns_name == r.registry)
                    .expect("validated: a service registry names a Cloud Map service"),
                container_name: r.container_name.as_deref().map(Into::into),
                container_port: r.container_port,
                port: r.port,
            })
            .collect();
        world.services.push(Service {
            name: s.name.clone().into(),
            arn: format!(
                "arn:aws:ecs:{}:{}:service/{}/{}",
                c.region, c.account_id, c.name, s.name
            ),
            status: "ACTIVE".into(),
            // A DAEMON service's desired count follows its eligible instances (set by its
            // first scheduler pass).
            desired_count: s.desired_count.unwrap_or(0),
            scheduling_strategy: s.scheduling_strategy,
            running_count: 0,
            pending_count: 0,
            launch_type: s.launch_type,
            task_definition: td,
            deployment_configuration: DeploymentConfiguration {
                minimum_healthy_percent: dc.minimum_healthy(s.scheduling_strategy),
                maximum_percent: dc.maximum(s.scheduling_strategy),
                circuit_breaker_enable: dc.deployment_circuit_breaker.enable,
                circuit_breaker_rollback: dc.deployment_circuit_breaker.rollback,
            },
            health_check_grace_period: Millis::from_secs(
                s.health_check_grace_period_seconds as u64,
            ),
            load_balancers,
            service_registries,
            placement_strategy: s.placement_strategy.clone(),
            placement_constraints: s.placement_constraints.clone(),
            deployments: Vec::new(),
            tasks: Vec::new(),
            steady: false,
            last_steady_message_at: None,
            unable_to_place_reported: None,
            suppressed: Vec::new(),
            consecutive_launch_failures: 0,
            throttled_until: None,
            last_completed: None,
            last_pass: Default::default(),
            pass_at: None,
            scaling: s.auto_scaling.as_ref().and_then(|a| {
                let target = a.target_cpu_utilization?;
                let mut uuid = || crate::rng::uuid(&mut rngs.ids);
                let prefix = format!("TargetTracking-service/{}/{}", c.name, s.name);
                let cooldown = |c: Option<u32>| {
                    Millis::from_secs(
                        c.unwrap_or_else(crate::scenario::spec::defaults::cooldown) as u64
                    )
                };
                Some(crate::aas::TargetTracking {
                    policy: format!("{}-cpu{}-target-tracking", s.name, target),
                    min: a.min_capacity,
                    max: a.max_capacity,
                    target,
                    scale_out_cooldown: cooldown(a.scale_out_cooldown_seconds),
                    scale_in_cooldown: cooldown(a.scale_in_cooldown_seconds),
                    disable_scale_in: a.disable_scale_in.unwrap_or(false),
                    alarm_high: format!("{prefix}-AlarmHigh-{}", uuid()),
                    alarm_low: format!("{prefix}-AlarmLow-{}", uuid()),
                    high: crate::aas::AlarmState::InsufficientData,
                    low: crate::aas::AlarmState::InsufficientData,
                    datapoints: Vec::new(),
                    last_scale_out: None,
                    last_scale_in: None,
                })
            }),
            step_scaling: s.auto_scaling.as_ref().map_or_else(Vec::new, |a| {
                a.step_scaling
                    .iter()
                    .map(|p| step_scaling(p, a.min_capacity, a.max_capacity))
                    .collect()
            }),
            load: s.load.as_ref().map(|l| crate::k8s::autoscaling::Load {
                points: l
                    .points
                    .iter()
                    .map(|(t, v)| (SimTime::from_secs_f64(*t), *v))
                    .collect(),
                rps_per_pod: l.rps_per_pod,
                memory: l
                    .memory
                    .as_ref()
                    .map(|m| (m.idle_percent, m.percent_at_rps_per_pod)),
            }),
            metrics: Vec::new(),
            capacity_providers: s
                .capacity_provider_strategy
                .iter()
                .map(|i| (i.capacity_provider.as_str().to_string(), i.base, i.weight))
                .collect(),
            blue_green: crate::ecs::deploy_plan::from_spec(s, &world.target_groups),
            volume_configurations: s.volume_configurations.clone(),
            may_have_waiting: false,
        });
    }
    world
}

/// A step scaling policy as the user configured it; its alarm starts with no data.
fn step_scaling(p: &StepScalingPolicySpec, min: u32, max: u32) -> crate::aas::StepScaling {
    let evaluation_periods = p.alarm.evaluation_periods as usize;
    crate::aas::StepScaling {
        policy: p.name.clone(),
        alarm: p.alarm.name.clone(),
        metric: p.alarm.metric,
        threshold: p.alarm.threshold,
        comparison: p.alarm.comparison_operator,
        evaluation_periods,
        // CloudWatch: DatapointsToAlarm defaults to EvaluationPeriods.
        datapoints_to_alarm: p
            .alarm
            .datapoints_to_alarm
            .map_or(evaluation_periods, |m| m as usize),
        aggregation: p.metric_aggregation_type,
        adjustment_type: p.adjustment_type,
        steps: p
            .step_adjustments
            .iter()
            .map(|s| crate::aas::step_scaling::StepAdjustment {
                lower: s.lower_bound,
                upper: s.upper_bound,
                adjustment: s.scaling_adjustment,
            })
            .collect(),
        min_adjustment_magnitude: p.min_adjustment_magnitude,
        cooldown: Millis::from_secs(p.cooldown_seconds as u64),
        min,
        max,
        state: crate::aas::AlarmState::InsufficientData,
        datapoints: Vec::new(),
        last_scale_out: None,
        last_scale_in: None,
    }
}

fn container_definition(c: &ContainerSpec) -> ContainerDefinition {
    ContainerDefinition {
        name: c.name.as_str().into(),
        image: c.image.as_str().into(),
        essential: c.essential,
        cpu: c.cpu,
        memory: c.memory,
        memory_reservation: c.memory_reservation,
        port: c.port,
        host_port: c.host_port,
        health_check: c.health_check.as_ref().map(|h| HealthCheck {
            command: h.command.clone(),
            interval: Millis::from_secs(h.interval as u64),
            timeout: Millis::from_secs(h.timeout as u64),
            retries: h.retries,
            start_period: Millis::from_secs(h.start_period as u64),
        }),
        // ECS_CONTAINER_STOP_TIMEOUT and the Fargate default are both 30 s.
        stop_timeout: Millis::from_secs(c.stop_timeout.unwrap_or(30) as u64),
        // A policy with `enabled: false` is no policy.
        restart_policy: c
            .restart_policy
            .as_ref()
            .filter(|r| r.enabled)
            .map(|r| RestartPolicy {
                ignored_exit_codes: r.ignored_exit_codes.clone(),
                restart_attempt_period: Millis::from_secs(r.restart_attempt_period as u64),
            }),
        privileged: c.privileged,
        readonly_root_filesystem: c.readonly_root_filesystem,
        user: c.user.clone(),
        secrets: c.secrets.clone(),
        depends_on: c
            .depends_on
            .iter()
            .map(|d| (d.container_name.clone(), d.condition))
            .collect(),
        // Without startTimeout the wait is 3 minutes (ContainerDefinition.startTimeout, Amazon
        // ECS API Reference; the agent's ECS_CONTAINER_START_TIMEOUT default on Linux).
        start_timeout: Millis::from_secs(u64::from(c.start_timeout.unwrap_or(180))),
        log: c.log_configuration.clone(),
        firelens: c.firelens_configuration.as_ref().map(|f| f.kind),
        behavior: Behavior {
            startup: Millis::from_secs_f64(c.behavior.startup_seconds),
            fails_health_checks: c
                .behavior
                .fails_health_checks
                .as_ref()
                .map(|f| HealthFailure {
                    after: Millis::from_secs_f64(f.after_seconds),
                    fraction: f.fraction,
                    response: fail_mode(f.response),
                }),
            exits: c.behavior.exits.as_ref().map(|e| Exit {
                after: Millis::from_secs_f64(e.after_seconds),
                exit_code: e.exit_code,
                fraction: e.fraction,
            }),
            image_pull: c.behavior.image_pull,
            ignores_sigterm: c.behavior.ignores_sigterm,
        },
    }
}

/// Start the clocks of each part and create the services' first deployments: already steady,
/// or just created.
pub(super) fn start(ctx: &mut WorldCtx, scenario: &Scenario) {
    crate::ecr::controller::start(&mut ctx.ecr());
    if ctx.world.eks.is_some() {
        // The kubelet and the controllers resync about once a second.
        ctx.schedule(SimTime::from_secs(1), EksTimer::Tick);
    }
    if let (Some(spec), Some(mut ecs)) = (ecs_spec(scenario), ctx.ecs()) {
        start_ecs(&mut ecs, spec);
        crate::compliance::reevaluate::reevaluate(&mut ecs);
    }
}

fn start_ecs(ctx: &mut Ctx, spec: &EcsWorld) {
    if ctx
        .world
        .services
        .iter()
        .any(|s| s.load.is_some() || s.scaling.is_some() || !s.step_scaling.is_empty())
    {
        // CloudWatch one-minute datapoints for ECS service metrics.
        ctx.schedule(SimTime::from_secs(60), EcsTimer::MetricMinute);
    }
    if ctx.world.insights.enabled {
        // Container Insights publishes once a minute.
        ctx.schedule(SimTime::from_secs(60), EcsTimer::InsightsMinute);
    }
    if ctx
        .world
        .auto_scaling_groups
        .iter()
        .any(|g| g.managed_scaling.is_some())
    {
        ctx.schedule(SimTime::from_secs(60), EcsTimer::ManagedScaling);
    }
    for (i, s) in spec.services.iter().enumerate() {
        let service = ServiceIdx(i as u32);
        if ctx.world.service(service).blue_green.is_some() {
            crate::ecs::task_sets::start(ctx, service, s.start == ServiceStart::Steady);
            continue;
        }
        match s.start {
            ServiceStart::Steady => service_scheduler::start_steady(ctx, service),
            ServiceStart::Created => service_scheduler::create(ctx, service),
        }
    }
}
