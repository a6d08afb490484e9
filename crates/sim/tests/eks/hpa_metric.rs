//! An HPA that cannot compute its metric (`docs/rules/k8s-autoscaling.md#hpa-without-a-metric`):
//! pods without a CPU request (`calculatePodRequests` in `replica_calculator.go`) and a target
//! scaled to 0 (`reconcileAutoscaler` in `horizontal.go`).

use crate::cluster::{cluster, reason};
use crate::common;

use orca_sim::console::{After, Outcome};
use orca_sim::scenario::spec::Action;
use orca_sim::{Event, EventKind, Playback, SimTime, Simulation};

fn missing_request() -> Simulation {
    Simulation::new(common::built_in_named("eks-hpa-missing-request"))
}

#[test]
fn without_a_cpu_request_the_hpa_warns_on_every_sync_and_scales_nothing() {
    let mut sim = missing_request();
    sim.advance_to(SimTime::from_secs(299));
    let c = cluster(&sim);
    // Five times the load, and still the 2 replicas it started with.
    assert_eq!(c.deployments[0].replicas, 2);
    assert!(reason(&sim, "SuccessfulRescale").is_empty());
    // One pair of warnings per sync: 0:15, 0:30, … 4:45.
    let failed = reason(&sim, "FailedGetResourceMetric");
    let computed = reason(&sim, "FailedComputeMetricsReplicas");
    assert_eq!((failed.len(), computed.len()), (19, 19));
    let first_pod = &c.pods[0].name;
    let error = format!("missing request for cpu in container web of Pod {first_pod}");
    assert_eq!(
        failed[0].message(),
        format!("failed to get cpu utilization: {error}")
    );
    assert_eq!(
        computed[0].message(),
        format!(
            "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: {error}"
        )
    );
    let hpa = &c.hpas[0];
    assert!(!hpa.measured);
    let active = hpa
        .conditions
        .scaling_active
        .as_ref()
        .expect("ScalingActive");
    assert_eq!(
        (active.status, active.reason),
        (false, "FailedGetResourceMetric")
    );
    assert_eq!(
        active.message,
        format!(
            "the HPA was unable to compute the replica count: failed to get cpu utilization: {error}"
        )
    );
    // It has not moved since the first sync.
    assert_eq!(active.since, SimTime::from_secs(15));
    let able = hpa.conditions.able_to_scale.as_ref().expect("AbleToScale");
    assert_eq!((able.status, able.reason), (true, "SucceededGetScale"));
    assert!(hpa.conditions.scaling_limited.is_none());
}

#[test]
fn after_the_request_is_set_the_hpa_waits_for_the_last_pod_without_one() {
    let mut sim = missing_request();
    sim.advance_to(SimTime::from_secs(600));
    let c = cluster(&sim);
    let first_rescale = reason(&sim, "SuccessfulRescale")
        .first()
        .map(|e| e.at)
        .expect("the HPA scales once every pod requests CPU");
    let last_failure = reason(&sim, "FailedGetResourceMetric")
        .last()
        .map(|e| e.at)
        .expect("warnings before the fix");
    // The fix comes at 5:00 and a new pod with the request runs at once, yet the sync of 5:15
    // still fails: an old pod is listed too.
    assert!(last_failure >= SimTime::from_secs(315), "{last_failure:?}");
    assert!(first_rescale > last_failure);
    // Every pod of the old revision was gone before the first rescale.
    let old = c
        .replica_sets
        .iter()
        .position(|rs| !rs.template.cpu_requested);
    let old = old.expect("the first revision has no request");
    for p in c.pods.iter().filter(|p| p.replica_set == old) {
        assert!(p.gone, "{} still there", p.name);
    }
    // ≈150 % of 250m against 60 %: the HPA grows web (the older rule: at most max(2 × 2, 4)).
    assert!(c.deployments[0].replicas > 2);
    let hpa = &c.hpas[0];
    assert!(hpa.measured);
    let active = hpa
        .conditions
        .scaling_active
        .as_ref()
        .expect("ScalingActive");
    assert_eq!((active.status, active.reason), (true, "ValidMetricFound"));
}

#[test]
fn kubectl_shows_unknown_until_the_metric_can_be_computed() {
    let mut p = Playback::new(common::built_in_named("eks-hpa-missing-request"));
    p.seek(SimTime::from_secs(120));
    let get = common::console_print(&p, "kubectl get hpa");
    assert!(get.contains("cpu: <unknown>/60%"), "{get}");
    let describe = common::console_print(&p, "kubectl describe hpa web");
    assert!(
        describe
            .contains("  resource cpu on pods  (as a percentage of request):  <unknown> / 60%\n"),
        "{describe}"
    );
    assert!(
        describe.contains("ScalingActive  False   FailedGetResourceMetric"),
        "{describe}"
    );
    // Repeated warnings are one row each, counted as kubectl counts them.
    assert!(
        describe.contains("(x8 over 105s)  horizontal-pod-autoscaler"),
        "{describe}"
    );
    let yaml = common::console_print(&p, "kubectl get hpa web -o yaml");
    assert!(
        yaml.contains("  currentMetrics:\n  - type: \"\"\n"),
        "{yaml}"
    );
    // The pod's container lists its memory request only.
    let pod = p.world().eks.as_ref().expect("EKS").pods[0].name.clone();
    let pod = common::console_print(&p, &format!("kubectl describe pod {pod}"));
    assert!(
        pod.contains("    Requests:\n      memory:     256Mi\n    Readiness:"),
        "{pod}"
    );
    // kubectl top still reports usage: 150 % of what Orca's default request would be.
    let top = common::console_print(&p, "kubectl top pods");
    assert!(top.contains("   375m   "), "{top}");
    p.seek(SimTime::from_secs(600));
    let get = common::console_print(&p, "kubectl get hpa");
    assert!(!get.contains("<unknown>"), "{get}");
}

#[test]
fn the_console_sets_the_request_and_the_hpa_recovers() {
    let mut p = Playback::new(common::built_in_named("eks-hpa-missing-request"));
    p.seek(SimTime::from_secs(120));
    let line = "kubectl set resources deployment/web --requests=cpu=300m";
    let Outcome::Act { actions, after } = common::console_run(&p, line) else {
        panic!("{line} acts");
    };
    assert_eq!(
        after,
        After::Text("deployment.apps/web resource requirements updated".into())
    );
    assert_eq!(
        actions,
        [Action::SetResources {
            deployment: "web".into(),
            cpu: Some(300),
            memory: None,
        }]
    );
    for a in actions {
        p.intervene(a);
    }
    // The new revision rolls out; once the old pods are gone the HPA computes 300 rps over
    // pods of 300m and scales up, long before the scenario's own fix at 5:00.
    p.seek(SimTime::from_secs(240));
    let eks = p.world().eks.as_ref().expect("EKS");
    assert!(eks.hpas[0].measured);
    assert!(eks.deployments[0].replicas > 2);
    assert_eq!(eks.deployments[0].template.requests.cpu_millis, 300);
    for (line, error) in [
        (
            "kubectl set resources deployment/web --limits=cpu=300m",
            "error: Orca models requests, not limits",
        ),
        (
            "kubectl set resources deployment/web",
            "error: you must specify an update to requests or limits",
        ),
        (
            "kubectl set resources deployment/web -c=db --requests=cpu=1",
            "error: unable to find container named db",
        ),
        (
            "kubectl set resources deployment/web --requests=cpu=lots",
            "error: quantities must match",
        ),
        (
            "kubectl set resources deployment/nope --requests=cpu=1",
            "Error from server (NotFound): deployments.apps \"nope\" not found",
        ),
    ] {
        match common::console_run(&p, line) {
            Outcome::Fail(out) => assert!(out.starts_with(error), "{line}: {out}"),
            other => panic!("{line}: {other:?}"),
        }
    }
}

#[test]
fn a_target_scaled_to_zero_disables_the_hpa() {
    let src = std::fs::read_to_string(common::scenarios_dir().join("eks-autoscaling.ron"))
        .expect("eks-autoscaling");
    let src = src.replacen(
        "quizzes: [",
        "timeline: [(at: 30, action: ScaleDeployment(deployment: \"web\", replicas: 0))],\n    quizzes: [",
        1,
    );
    let mut sim = Simulation::new(common::parse(&src));
    sim.advance_to(SimTime::from_secs(300));
    let c = cluster(&sim);
    // Below minReplicas (2), yet the HPA leaves it at 0.
    assert_eq!(c.deployments[0].replicas, 0);
    assert!(reason(&sim, "SuccessfulRescale").is_empty());
    let hpa = &c.hpas[0];
    let active = hpa
        .conditions
        .scaling_active
        .as_ref()
        .expect("ScalingActive");
    assert_eq!(
        (active.status, active.reason, active.message.as_str()),
        (
            false,
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero"
        )
    );
    assert!(!hpa.measured);
}

const NO_METRICS_API: &str = "unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

#[test]
fn without_metrics_server_neither_kubectl_top_nor_the_hpa_reads_cpu() {
    let mut p = Playback::new(common::built_in_named("eks-metrics-server-missing"));
    p.seek(SimTime::from_secs(200));
    for line in ["kubectl top pods", "kubectl top nodes"] {
        match common::console_run(&p, line) {
            Outcome::Fail(out) => assert_eq!(out, "error: Metrics API not available\n"),
            other => panic!("{line}: {other:?}"),
        }
    }
    let eks = p.world().eks.as_ref().expect("EKS");
    assert_eq!(eks.deployments[0].replicas, 2);
    let active = eks.hpas[0]
        .conditions
        .scaling_active
        .as_ref()
        .expect("ScalingActive");
    assert_eq!(
        active.message,
        format!(
            "the HPA was unable to compute the replica count: failed to get cpu utilization: {NO_METRICS_API}"
        )
    );
    let warnings: Vec<&Event> = p
        .log()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::Kube { reason, .. } if reason == "FailedComputeMetricsReplicas"))
        .collect();
    // Every sync from 0:15 to 3:15.
    assert_eq!(warnings.len(), 13);
    assert_eq!(
        warnings[0].message(),
        format!(
            "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: {NO_METRICS_API}"
        )
    );
    match common::console_run(
        &p,
        "aws eks describe-addon --cluster-name demo --addon-name metrics-server",
    ) {
        Outcome::Fail(out) => assert!(
            out.contains("(ResourceNotFoundException) when calling the DescribeAddon operation: No addon: metrics-server found in cluster: demo"),
            "{out}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_add_on_is_active_a_minute_after_it_is_created_and_the_hpa_scales() {
    let mut p = Playback::new(common::built_in_named("eks-metrics-server-missing"));
    // The scenario creates it at 4:00.
    p.seek(SimTime::from_secs(250));
    let status = |p: &Playback| {
        common::console_print(
            p,
            "aws eks describe-addon --cluster-name demo --addon-name metrics-server --query addon.status --output text",
        )
    };
    assert_eq!(status(&p), "CREATING\n");
    assert!(matches!(
        common::console_run(&p, "kubectl top pods"),
        Outcome::Fail(_)
    ));
    p.seek(SimTime::from_secs(300));
    assert_eq!(status(&p), "ACTIVE\n");
    let top = common::console_print(&p, "kubectl top pods");
    assert!(top.starts_with("NAME "), "{top}");
    // The first sync with metrics (5:00): 150 % of 60 % wants 5, the older rule allows 4.
    let rescales: Vec<&Event> = p
        .log()
        .iter()
        .filter(
            |e| matches!(&e.kind, EventKind::Kube { reason, .. } if reason == "SuccessfulRescale"),
        )
        .collect();
    assert_eq!(rescales.len(), 1);
    assert_eq!(rescales[0].at, SimTime::from_secs(300));
    assert!(rescales[0].message().starts_with("New size: 4;"));
}

#[test]
fn the_console_creates_the_add_on_once() {
    let mut p = Playback::new(common::built_in_named("eks-metrics-server-missing"));
    p.seek(SimTime::from_secs(30));
    let line = "aws eks create-addon --cluster-name demo --addon-name metrics-server";
    let Outcome::Act { actions, after } = common::console_run(&p, line) else {
        panic!("{line} acts");
    };
    let After::Text(shown) = after else {
        panic!("{line}: a reply");
    };
    let v: serde_json::Value = serde_json::from_str(&shown).expect("JSON");
    assert_eq!(v["addon"]["status"], "CREATING");
    assert_eq!(v["addon"]["addonName"], "metrics-server");
    assert!(
        v["addon"]["addonArn"]
            .as_str()
            .is_some_and(|a| a.starts_with("arn:aws:eks:us-east-1:")),
        "{v}"
    );
    for a in actions {
        p.intervene(a);
    }
    match common::console_run(&p, line) {
        Outcome::Fail(out) => assert!(out.contains("ResourceInUseException"), "{out}"),
        other => panic!("{other:?}"),
    }
    // A minute later the Metrics API answers; the HPA's next sync computes a utilization.
    p.seek(SimTime::from_secs(120));
    let eks = p.world().eks.as_ref().expect("EKS");
    assert!(eks.hpas[0].measured);
    // The scenario's own create at 4:00 then finds the add-on there.
    p.seek(SimTime::from_secs(240));
    assert!(p.log().iter().any(|e| {
        e.message()
            .ends_with("→  ResourceInUseException: Addon already exists.")
    }));
}

/// A Deployment `web` with a native sidecar and an ordinary init container, and an HPA; `cpu`
/// of each is given as RON (`None` for no request).
fn with_sidecar(sidecar_cpu: &str, init_cpu: &str) -> std::sync::Arc<orca_sim::Scenario> {
    let src = format!(
        "(version: 1, title: \"t\", seed: 3, duration: 120,
world: Eks(cluster: (name: \"demo\", availability_zones: [\"us-east-1a\"]),
node_groups: [(name: \"ng\", instance_type: \"m5.large\", count: 2)],
deployments: [(name: \"web\", replicas: 2,
    container: (name: \"web\", image: \"web:v1\", cpu: 250),
    init_containers: [
        (name: \"migrate\", image: \"migrate:v1\", runs_seconds: 2, cpu: {init_cpu}),
        (name: \"log-router\", image: \"fluent-bit:3\", restart_policy: Always, cpu: {sidecar_cpu}),
    ],
    hpa: (min_replicas: 2, max_replicas: 4, target_cpu_utilization: 60),
    load: (rps_per_pod: 100, points: [(0, 50)]))]))"
    );
    common::parse(&src)
}

#[test]
fn a_native_sidecar_without_a_request_fails_the_metric_an_init_container_does_not() {
    let mut sim = Simulation::new(with_sidecar("None", "50"));
    sim.advance_to(SimTime::from_secs(60));
    let failed = reason(&sim, "FailedGetResourceMetric");
    assert!(!failed.is_empty());
    assert!(
        failed[0]
            .message()
            .starts_with("failed to get cpu utilization: missing request for cpu in container log-router of Pod web-"),
        "{}",
        failed[0].message()
    );
    // An ordinary init container only runs before the others: its request is not read.
    let mut sim = Simulation::new(with_sidecar("20", "None"));
    sim.advance_to(SimTime::from_secs(60));
    assert!(reason(&sim, "FailedGetResourceMetric").is_empty());
    assert!(cluster(&sim).hpas[0].measured);
    // The console sets the first container's requests only, and says so rather than set them
    // all as kubectl's default `-c '*'` would.
    let mut p = Playback::new(with_sidecar("None", "50"));
    p.seek(SimTime::from_secs(30));
    match common::console_run(
        &p,
        "kubectl set resources deployment/web --requests=cpu=100m",
    ) {
        Outcome::Fail(out) => assert_eq!(
            out,
            "error: this pod also runs migrate, log-router; Orca's console sets one container's requests, the first one's: add -c web\n"
        ),
        other => panic!("{other:?}"),
    }
    match common::console_run(
        &p,
        "kubectl set resources deployment/web -c log-router --requests=cpu=100m",
    ) {
        Outcome::Fail(out) => assert!(out.contains("not of log-router"), "{out}"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        common::console_run(
            &p,
            "kubectl set resources deployment/web -c web --requests=cpu=100m"
        ),
        Outcome::Act { .. }
    ));
}
