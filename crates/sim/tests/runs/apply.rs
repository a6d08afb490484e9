//! `kubectl apply -f FILE` against a running EKS scenario: multi-document manifests, what
//! changes (and what does not), kubectl's replies, and malformed manifests refused with file,
//! line and column and nothing half-applied.

use crate::{common, say};

use std::sync::Arc;

use orca_sim::console::{self, Context, Outcome};
use orca_sim::scenario::spec::{Action, Scenario};
use orca_sim::{Playback, SimTime};

fn scenario(name: &str) -> Arc<Scenario> {
    common::built_in_named(name)
}

/// Run `line` with `files` as the only readable files.
fn run(p: &Playback, line: &str, files: &[(&str, &str)]) -> Outcome {
    let read = |path: &str| -> Result<String, String> {
        files
            .iter()
            .find(|(n, _)| *n == path)
            .map(|(_, t)| t.to_string())
            .ok_or_else(|| format!("open {path}: no such file or directory"))
    };
    let cx = Context {
        world: p.world(),
        scenario: p.scenario(),
        now: p.now(),
        log: p.log(),
        files: &read,
        queries: None,
    };
    console::execute(line, &cx)
}

/// The sandbox's Deployment as a manifest, with `image`, `replicas` and extra text spliced in.
fn web(image: &str, replicas: u32, extra_container: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: {image}
        ports:
        - containerPort: 8080
        resources:
          requests:
            cpu: 250m
            memory: 256Mi
        readinessProbe:
          httpGet:
            path: /
            port: 8080
        livenessProbe:
          httpGet:
            path: /
            port: 8080
{extra_container}"
    )
}

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
  - port: 80
";

const HPA: &str = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 60
";

fn acted(o: Outcome) -> (Vec<Action>, String) {
    match o {
        Outcome::Act { actions, after } => {
            let console::After::Text(t) = after else {
                panic!("a text reply: {after:?}")
            };
            (actions, t)
        }
        other => panic!("did not act: {other:?}"),
    }
}

#[test]
fn applying_the_live_spec_changes_nothing_and_says_unchanged() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(30));
    let file = format!("{}---\n{SERVICE}", web("web:v1", 6, ""));
    let out = run(&p, "kubectl apply -f web.yaml", &[("web.yaml", &file)]);
    assert_eq!(
        out,
        Outcome::Print("deployment.apps/web unchanged\nservice/web unchanged\n".into())
    );
}

#[test]
fn a_new_image_rolls_out_and_scaling_alone_does_not() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(30));
    let file = format!("{}---\n{SERVICE}---\n{HPA}", web("web:v2", 6, ""));
    let (actions, reply) = acted(run(&p, "kubectl apply -f web.yaml", &[("web.yaml", &file)]));
    assert_eq!(
        reply,
        "deployment.apps/web configured\nservice/web unchanged\nhorizontalpodautoscaler.autoscaling/web created"
    );
    assert_eq!(actions.len(), 2, "{actions:?}");
    for a in actions {
        p.intervene(a);
    }
    let eks = p.world().eks.as_ref().expect("EKS");
    assert_eq!(eks.deployments[0].template.image, "web:v2");
    assert_eq!(eks.hpas.len(), 1);
    assert_eq!(eks.hpas[0].max_replicas, 10);
    assert_eq!(eks.hpas[0].target_cpu_utilization, 60.0);
    p.seek(SimTime::from_secs(240));
    let eks = p.world().eks.as_ref().expect("EKS");
    let revisions: Vec<u32> = eks
        .replica_sets
        .iter()
        .filter(|r| !r.deleted)
        .map(|r| r.revision)
        .collect();
    assert!(revisions.contains(&2), "a new ReplicaSet: {revisions:?}");
    let log: Vec<String> = p.log().iter().map(|e| e.message().into_owned()).collect();
    assert!(
        log.iter()
            .any(|m| m.contains("deployment.apps/web configured (a new pod template")),
        "{log:?}"
    );

    // Only the replica count and the rollout settings: no new ReplicaSet.
    let mut q = Playback::new(scenario("eks-sandbox-drain"));
    q.seek(SimTime::from_secs(30));
    let scaled =
        web("web:v1", 3, "").replace("  replicas: 3\n", "  replicas: 3\n  minReadySeconds: 5\n");
    let (actions, reply) = acted(run(
        &q,
        "kubectl apply -f web.yaml",
        &[("web.yaml", &scaled)],
    ));
    assert_eq!(reply, "deployment.apps/web configured");
    for a in actions {
        q.intervene(a);
    }
    q.seek(SimTime::from_secs(120));
    let eks = q.world().eks.as_ref().expect("EKS");
    assert_eq!(eks.deployments[0].replicas, 3);
    assert_eq!(eks.deployments[0].min_ready_seconds, 5);
    assert!(
        eks.replica_sets.iter().all(|r| r.revision == 1),
        "same template, same ReplicaSet"
    );
}

#[test]
fn dry_run_prints_and_changes_nothing() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(30));
    let file = web("web:v2", 6, "");
    let out = run(
        &p,
        "kubectl apply -f web.yaml --dry-run=client",
        &[("web.yaml", &file)],
    );
    assert_eq!(
        out,
        Outcome::Print("deployment.apps/web configured (dry run)\n".into())
    );
    // A server dry run says so, as kubectl's printer does.
    let out = run(
        &p,
        "kubectl apply -f web.yaml --dry-run=server",
        &[("web.yaml", &file)],
    );
    assert_eq!(
        out,
        Outcome::Print("deployment.apps/web configured (server dry run)\n".into())
    );
}

#[test]
fn unmodelled_fields_are_warned_about_with_their_path() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(30));
    let file = web(
        "web:v2",
        6,
        "        env:\n        - name: MODE\n          value: fast\n",
    )
    .replace(
        "            port: 8080\n        livenessProbe",
        "            port: 8080\n          periodSeconds: 5\n        livenessProbe",
    );
    let (_, reply) = acted(run(&p, "kubectl apply -f web.yaml", &[("web.yaml", &file)]));
    insta::assert_snapshot!("apply_warnings", reply);
    assert!(
        reply.contains("spec.template.spec.containers[0].env"),
        "{reply}"
    );
    assert!(
        reply.contains("spec.template.spec.containers[0].readinessProbe.periodSeconds"),
        "{reply}"
    );
}

#[test]
fn malformed_manifests_are_refused_with_a_place_and_nothing_applied() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(30));
    let fail = |file: &str| match run(&p, "kubectl apply -f bad.yaml", &[("bad.yaml", file)]) {
        Outcome::Fail(e) => e,
        other => panic!("not refused: {other:?}"),
    };
    // A good Deployment then a bad Service: nothing is applied.
    let bad_port = format!(
        "{}---\n{}",
        web("web:v2", 6, ""),
        SERVICE.replace("port: 80", "port: eighty")
    );
    let e = fail(&bad_port);
    assert_eq!(
        e,
        "error: bad.yaml:42:11: spec.ports[0].port: expected an integer, got a string\n(nothing was applied)\n"
    );
    let e = fail("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n spec: {}\n");
    assert!(e.starts_with("error: bad.yaml:5:"), "{e}");
    let e = fail(
        &web("web:v2", 6, "").replace("      app: web\n  template", "      app: api\n  template"),
    );
    assert!(
        e.contains("`selector` does not match template `labels`"),
        "{e}"
    );
    let e = fail(&web("web:v2", 6, "").replace("cpu: 250m", "cpu: lots"));
    assert!(
        e.contains("bad.yaml:22:18: spec.template.spec.containers[0].resources.requests.cpu"),
        "{e}"
    );
    // The API server refuses a budget with both bounds.
    let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 2\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\n";
    let e = fail(pdb);
    assert_eq!(
        e,
        "error: bad.yaml:7:19: spec: The PodDisruptionBudget \"web\" is invalid: minAvailable and maxUnavailable cannot be both set\n(nothing was applied)\n"
    );
    let e = fail(
        &pdb.replace("  maxUnavailable: 1\n", "")
            .replace("app: web", "app: api"),
    );
    assert!(e.contains("matches no Deployment's pods"), "{e}");
    let e = fail(
        &pdb.replace("  maxUnavailable: 1\n", "")
            .replace("minAvailable: 2", "minAvailable: \"150%\""),
    );
    assert!(
        e.contains("spec.minAvailable: \"150%\" is not a count or a percentage"),
        "{e}"
    );
    let e = fail(&web("web:v2", 6, "").replace("name: web\nspec", "name: shop\nspec"));
    assert!(e.contains("Orca cannot create a Deployment"), "{e}");
    let e = fail(&HPA.replace("maxReplicas: 10", "maxReplicas: 1"));
    assert!(
        e.contains("must be greater than or equal to `minReplicas` 2"),
        "{e}"
    );
    let e = fail(&SERVICE.replace("app: web", "app: nothing"));
    assert!(e.contains("matches no Deployment"), "{e}");
    match run(&p, "kubectl apply -f missing.yaml", &[]) {
        Outcome::Fail(e) => assert!(
            e.starts_with("error: the path \"missing.yaml\" does not exist"),
            "{e}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn applied_actions_survive_a_save_as_scenario() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(30));
    let file = format!("{}---\n{HPA}", web("web:v2", 6, ""));
    let (actions, _) = acted(run(&p, "kubectl apply -f web.yaml", &[("web.yaml", &file)]));
    for a in actions {
        p.intervene(a);
    }
    let saved = orca_sim::scenario::to_ron(p.scenario()).expect("serializes");
    let back = orca_sim::scenario::parse("saved.ron", &saved)
        .expect("the saved session is a valid scenario");
    assert_eq!(back.timeline, p.scenario().timeline);
}

/// eks-native-sidecar's shop Deployment as a manifest: the shop container and its Fluent Bit
/// log router as a native sidecar, with `extra` spliced into the pod spec's containers.
fn shop(extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      initContainers:
      - name: log-router
        image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable
        restartPolicy: Always
        startupProbe:
          httpGet: {{path: /, port: 2020}}
        readinessProbe:
          httpGet: {{path: /, port: 2020}}
      containers:
      - name: shop
        image: shop:v1
        resources:
          requests: {{cpu: 250m, memory: 256Mi}}
        readinessProbe:
          httpGet: {{path: /, port: 8080}}
{extra}"
    )
}

#[test]
fn a_manifest_with_a_native_sidecar_matches_the_live_deployment_and_keeps_its_behaviour() {
    let mut p = Playback::new(scenario("eks-native-sidecar"));
    p.seek(SimTime::from_secs(10));
    let out = run(
        &p,
        "kubectl apply -f shop.yaml",
        &[("shop.yaml", &shop(""))],
    );
    assert_eq!(
        out,
        Outcome::Print("deployment.apps/shop unchanged\n".into()),
        "the sidecar, its probes and the pod's requests are read from the manifest"
    );
}

#[test]
fn applying_a_second_app_container_rolls_out_pods_that_run_both() {
    let mut p = Playback::new(scenario("eks-native-sidecar"));
    p.seek(SimTime::from_secs(10));
    let extra = "      - name: metrics
        image: exporter:v1
        resources:
          requests: {cpu: 100m, memory: 64Mi}
";
    let file = shop(extra);
    let (actions, reply) = acted(run(
        &p,
        "kubectl apply -f shop.yaml",
        &[("shop.yaml", &file)],
    ));
    assert_eq!(reply, "deployment.apps/shop configured");
    for a in actions {
        p.intervene(a);
    }
    let eks = p.world().eks.as_ref().expect("EKS");
    let t = &eks.deployments[0].template;
    assert_eq!(t.containers.len(), 1);
    assert_eq!(t.containers[0].name, "metrics");
    // The pod requests its app containers and sidecar together: 250m + 100m.
    assert_eq!(t.requests.cpu_millis, 350);
    // The sidecar kept what the scenario says of its process (it turns not ready at 4:00).
    let side = t.init_containers[0]
        .sidecar
        .as_ref()
        .expect("still a sidecar");
    assert_eq!(side.not_ready_after, Some(orca_sim::Millis::from_secs(240)));
    p.seek(SimTime::from_secs(150));
    let pods = say::printed(&p, "kubectl get pods");
    let new: Vec<&str> = pods
        .lines()
        .filter(|l| l.starts_with("shop-") && l.contains("Running"))
        .collect();
    assert!(
        new.len() >= 2 && new.iter().all(|l| l.contains(" 3/3 ")),
        "the new pods run shop, metrics and the log router:\n{pods}"
    );
    // The same containers again (at the replica count the scenario scaled to at 0:20) change
    // nothing.
    let file = file.replace("replicas: 2", "replicas: 3");
    let again = run(&p, "kubectl apply -f shop.yaml", &[("shop.yaml", &file)]);
    assert_eq!(
        again,
        Outcome::Print("deployment.apps/shop unchanged\n".into())
    );
}

#[test]
fn a_manifest_sets_the_image_pull_policy_and_an_unknown_one_is_refused() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(30));
    // The same image with a policy the API server would not have defaulted: a new template.
    let never = web("web:v1", 6, "").replace(
        "        image: web:v1\n",
        "        image: web:v1\n        imagePullPolicy: Never\n",
    );
    let (actions, reply) = acted(run(
        &p,
        "kubectl apply -f web.yaml",
        &[("web.yaml", &never)],
    ));
    assert_eq!(reply, "deployment.apps/web configured");
    for a in actions {
        p.intervene(a);
    }
    let yaml = match run(&p, "kubectl get deployment web -o yaml", &[]) {
        Outcome::Print(s) => s,
        other => panic!("{other:?}"),
    };
    assert!(yaml.contains("imagePullPolicy: Never"), "{yaml}");
    let bad = web("web:v1", 6, "").replace(
        "        image: web:v1\n",
        "        image: web:v1\n        imagePullPolicy: Sometimes\n",
    );
    match run(&p, "kubectl apply -f bad.yaml", &[("bad.yaml", &bad)]) {
        Outcome::Fail(e) => assert_eq!(
            e,
            "error: bad.yaml:18:26: spec.template.spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"IfNotPresent\", \"Never\"\n(nothing was applied)\n"
        ),
        other => panic!("not refused: {other:?}"),
    }
}
