//! The console's language: every `aws ecs` command's parse and its errors, a golden of each
//! reading command's output, and acting commands carried out through the playback.

use crate::common;

use std::sync::Arc;

use crate::say::{act, completions, failed, poll, printed, watched};
use orca_sim::console::After;
use orca_sim::scenario::spec::{Action, Scenario};
use orca_sim::{Playback, SimTime};

fn scenario(name: &str) -> Arc<Scenario> {
    common::built_in_named(name)
}

#[test]
fn describe_services_prints_the_service_its_deployments_and_events_newest_first() {
    let mut p = Playback::new(scenario("ecs-rolling-update"));
    p.seek(SimTime::from_secs(90));
    let out = printed(
        &p,
        "aws ecs describe-services --cluster demo --services web",
    );
    insta::assert_snapshot!("describe_services_mid_rollout", out);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let deployments = v["services"][0]["deployments"]
        .as_array()
        .expect("deployments");
    assert_eq!(deployments.len(), 2, "PRIMARY and ACTIVE mid-rollout");
    assert_eq!(deployments[0]["status"], "PRIMARY");
    assert_eq!(deployments[0]["rolloutState"], "IN_PROGRESS");
    let events = v["services"][0]["events"].as_array().expect("events");
    let times: Vec<&str> = events
        .iter()
        .map(|e| e["createdAt"].as_str().unwrap_or(""))
        .collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    assert!(out.starts_with("{\n    \"services\": [\n        {\n            \"serviceArn\""));
}

#[test]
fn a_missing_service_is_a_failure_not_an_error() {
    let p = Playback::new(scenario("ecs-rolling-update"));
    let out = printed(
        &p,
        "aws ecs describe-services --cluster demo --services nope",
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["services"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        v["failures"][0]["arn"],
        "arn:aws:ecs:us-east-1:123456789012:service/demo/nope"
    );
    assert_eq!(v["failures"][0]["reason"], "MISSING");
}

#[test]
fn tasks_list_and_describe_as_the_api_returns_them() {
    let mut p = Playback::new(scenario("ecs-rolling-update"));
    p.seek(SimTime::from_secs(120));
    let list = printed(&p, "aws ecs list-tasks --cluster demo --service-name web");
    let v: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    let arns: Vec<String> = v["taskArns"]
        .as_array()
        .expect("arns")
        .iter()
        .map(|a| a.as_str().unwrap_or("").to_string())
        .collect();
    assert!(!arns.is_empty());
    let id = arns[0].rsplit('/').next().expect("id").to_string();
    let out = printed(
        &p,
        &format!("aws ecs describe-tasks --cluster demo --tasks {id} bogus"),
    );
    insta::assert_snapshot!("describe_tasks_one_found_one_missing", out);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["tasks"][0]["group"], "service:web");
    assert_eq!(v["failures"][0]["arn"], "bogus");
    assert_eq!(v["failures"][0]["reason"], "MISSING");
    let stopped = printed(
        &p,
        "aws ecs list-tasks --cluster demo --desired-status STOPPED",
    );
    assert!(stopped.contains("\"taskArns\""));
}

#[test]
fn task_definitions_container_instances_and_clusters_describe_themselves() {
    let mut p = Playback::new(scenario("ecs-instance-draining"));
    p.seek(SimTime::from_secs(30));
    let cluster = {
        let ecs = p.world().ecs.as_ref().expect("ECS");
        ecs.name.clone()
    };
    let td = printed(&p, "aws ecs describe-task-definition --task-definition web");
    insta::assert_snapshot!("describe_task_definition_latest_revision", td);
    let list = printed(
        &p,
        &format!("aws ecs list-container-instances --cluster {cluster}"),
    );
    let v: serde_json::Value = serde_json::from_str(&list).expect("JSON");
    let first = v["containerInstanceArns"][0]
        .as_str()
        .expect("arn")
        .to_string();
    let ci = printed(
        &p,
        &format!(
            "aws ecs describe-container-instances --cluster {cluster} --container-instances {first}"
        ),
    );
    insta::assert_snapshot!("describe_container_instances", ci);
    let cl = printed(
        &p,
        &format!("aws ecs describe-clusters --clusters {cluster} other"),
    );
    let v: serde_json::Value = serde_json::from_str(&cl).expect("JSON");
    assert_eq!(v["clusters"][0]["clusterName"], cluster.as_str());
    assert_eq!(v["failures"][0]["reason"], "MISSING");
}

#[test]
fn wrong_input_gets_the_aws_cli_answers() {
    let p = Playback::new(scenario("ecs-rolling-update"));
    let e = failed(&p, "aws ecs describe-service --cluster demo --services web");
    assert!(e.contains("aws: error: argument operation: Invalid choice, valid choices are:"));
    // The CLI's list includes continue-service-deployment (2025), so describe-services ends
    // a row.
    assert!(e.contains("describe-service-revisions               | describe-services"));
    let e = failed(
        &p,
        "aws ecs update-service --cluster demo --desired-count 3",
    );
    assert!(
        e.ends_with("aws: error: the following arguments are required: --service\n"),
        "{e}"
    );
    let e = failed(
        &p,
        "aws ecs update-service --cluster demo --service web --desired-cont 3",
    );
    assert!(e.ends_with("Unknown options: --desired-cont, 3\n"), "{e}");
    let e = failed(
        &p,
        "aws ecs update-service --cluster demo --service api --desired-count 3",
    );
    assert_eq!(
        e,
        "\nAn error occurred (ServiceNotFoundException) when calling the UpdateService operation: \n"
    );
    let e = failed(&p, "aws ecs update-service --service web --desired-count 3");
    assert_eq!(
        e,
        "\nAn error occurred (ClusterNotFoundException) when calling the UpdateService operation: Cluster not found.\n",
        "without --cluster the CLI uses the cluster called default"
    );
    let e = failed(
        &p,
        "aws ecs stop-task --cluster demo --task 0123456789abcdef0123456789abcdef",
    );
    assert!(e.contains("(InvalidParameterException) when calling the StopTask operation: The referenced task was not found."));
    let e = failed(
        &p,
        "aws ecs update-service --cluster demo --service web --task-definition web:9",
    );
    assert!(e.contains("TaskDefinition not found."));
    let e = failed(
        &p,
        "aws ecs update-service --cluster demo --service web --desired-count four",
    );
    assert!(e.contains("argument --desired-count: invalid int value: 'four'"));
    let e = failed(&p, "aws ecss describe-services");
    assert!(e.contains("aws: error: argument command: Invalid choice"));
    assert!(e.contains("Did you mean `ecs`?"));
    let e = failed(&p, "kubctl get pods");
    assert!(e.contains("command not found: kubctl"));
    let e = failed(&p, "aws ecs describe-services --services 'web");
    assert!(e.contains("unexpected EOF"));
}

#[test]
fn update_service_acts_at_the_current_moment_and_replies_with_the_new_deployment() {
    let mut p = Playback::new(scenario("ecs-rolling-update"));
    p.seek(SimTime::from_secs(200));
    let reply = act(
        &mut p,
        "aws ecs update-service --cluster demo --service web --desired-count 6 --deployment-configuration maximumPercent=150,minimumHealthyPercent=50,deploymentCircuitBreaker={enable=true,rollback=true}",
    );
    let v: serde_json::Value = serde_json::from_str(&reply).expect("JSON");
    let svc = &v["service"];
    assert_eq!(svc["desiredCount"], 6);
    assert_eq!(svc["deploymentConfiguration"]["maximumPercent"], 150);
    assert_eq!(svc["deploymentConfiguration"]["minimumHealthyPercent"], 50);
    assert_eq!(
        svc["deploymentConfiguration"]["deploymentCircuitBreaker"]["enable"],
        true
    );
    assert_eq!(p.now(), SimTime::from_secs(200));
    let logged = p
        .log()
        .iter()
        .rev()
        .find(|e| e.at == SimTime::from_secs(200))
        .expect("logged at the moment");
    assert!(
        logged.message().starts_with(
            "aws ecs update-service --cluster demo --service web --desired-count 6 --deployment-configuration minimumHealthyPercent=50,maximumPercent=150,deploymentCircuitBreaker={enable=true,rollback=true}"
        ),
        "{}",
        logged.message()
    );
    // The service reaches six tasks later in the run.
    p.seek(p.end());
    let ecs = p.world().ecs.as_ref().expect("ECS");
    assert_eq!(ecs.services[0].running_count, 6);
    // A new revision starts a new deployment; `--task-definition web` means the latest.
    p.seek(SimTime::from_secs(300));
    let reply = act(
        &mut p,
        "aws ecs update-service --cluster demo --service web --task-definition web:1",
    );
    let v: serde_json::Value = serde_json::from_str(&reply).expect("JSON");
    assert_eq!(v["service"]["deployments"][0]["status"], "PRIMARY");
    assert_eq!(
        v["service"]["deployments"][0]["rolloutState"],
        "IN_PROGRESS"
    );
    assert!(
        v["service"]["taskDefinition"]
            .as_str()
            .is_some_and(|a| a.ends_with("task-definition/web:1"))
    );
}

#[test]
fn stop_task_stops_that_task_and_the_service_replaces_it() {
    let mut p = Playback::new(scenario("ecs-rolling-update"));
    p.seek(SimTime::from_secs(20));
    let id = {
        let ecs = p.world().ecs.as_ref().expect("ECS");
        ecs.tasks
            .iter()
            .find(|t| t.is_live())
            .expect("a task")
            .id
            .clone()
    };
    let reply = act(
        &mut p,
        &format!("aws ecs stop-task --cluster demo --task {id} --reason 'patching'"),
    );
    let v: serde_json::Value = serde_json::from_str(&reply).expect("JSON");
    assert_eq!(v["task"]["desiredStatus"], "STOPPED");
    let Action::StopTaskById { task, reason } = &p.interventions()[0].action else {
        panic!("a stop by id");
    };
    assert_eq!(
        (task.as_str(), reason.as_deref()),
        (id.as_str(), Some("patching"))
    );
    p.seek(SimTime::from_secs(29));
    let ecs = p.world().ecs.as_ref().expect("ECS");
    assert!(
        ecs.tasks.iter().filter(|t| t.is_live()).count() >= 4,
        "a replacement is on its way"
    );
}

#[test]
fn draining_and_reactivating_an_instance_through_the_console() {
    let mut p = Playback::new(scenario("ecs-instance-draining"));
    p.seek(SimTime::from_secs(20));
    let (cluster, id) = {
        let ecs = p.world().ecs.as_ref().expect("ECS");
        (ecs.name.clone(), ecs.instances[0].id.clone())
    };
    let reply = act(
        &mut p,
        &format!(
            "aws ecs update-container-instances-state --cluster {cluster} --container-instances {id} --status DRAINING"
        ),
    );
    let v: serde_json::Value = serde_json::from_str(&reply).expect("JSON");
    assert_eq!(v["containerInstances"][0]["status"], "DRAINING");
    p.seek(SimTime::from_secs(25));
    let reply = act(
        &mut p,
        &format!(
            "aws ecs update-container-instances-state --cluster {cluster} --container-instances {id} --status ACTIVE"
        ),
    );
    let v: serde_json::Value = serde_json::from_str(&reply).expect("JSON");
    assert_eq!(v["containerInstances"][0]["status"], "ACTIVE");
    assert!(matches!(
        p.interventions()[1].action,
        Action::ActivateInstance { .. }
    ));
    let e = failed(
        &p,
        &format!(
            "aws ecs update-container-instances-state --cluster {cluster} --container-instances {id} --status PAUSED"
        ),
    );
    assert!(e.contains("InvalidParameterException"));
}

#[test]
fn a_session_saved_as_a_scenario_reproduces_its_log() {
    let s = scenario("ecs-rolling-update");
    let mut p = Playback::new(s.clone());
    p.seek(SimTime::from_secs(150));
    act(
        &mut p,
        "aws ecs update-service --cluster demo --service web --desired-count 2",
    );
    p.seek(SimTime::from_secs(400));
    act(
        &mut p,
        "aws ecs update-service --cluster demo --service web --desired-count 5",
    );
    let saved = orca_sim::scenario::to_ron(p.scenario()).expect("serializes");
    let again = orca_sim::scenario::parse("saved.ron", &saved).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(&again, p.scenario().as_ref());
    let mut sim = orca_sim::Simulation::new(Arc::new(again));
    sim.advance_to(sim.end());
    assert_eq!(sim.log(), p.full_log().as_slice());
    let _ = After::Text(String::new());
}

/// The first live pod of a Deployment whose name starts with `prefix`, by status.
/// A pod of the scenario's (in `default`, not EKS's own) with this STATUS.
fn pod_with_status(p: &Playback, status: &str) -> String {
    let eks = p.world().eks.as_ref().expect("EKS");
    (0..eks.pods.len())
        .find(|&i| {
            !eks.pods[i].gone && eks.pods[i].status() == status && eks.namespace_of(i) == "default"
        })
        .map(|i| eks.pods[i].name.clone())
        .unwrap_or_else(|| panic!("a {status} pod"))
}

#[test]
fn kubectl_get_prints_kubectl_tables() {
    let mut p = Playback::new(scenario("eks-rolling-update"));
    p.seek(SimTime::from_secs(45));
    insta::assert_snapshot!(
        "kubectl_get_pods_mid_rollout",
        printed(&p, "kubectl get pods")
    );
    insta::assert_snapshot!(
        "kubectl_get_pods_wide",
        printed(&p, "kubectl get pods -o wide")
    );
    insta::assert_snapshot!("kubectl_get_deploy", printed(&p, "kubectl get deploy"));
    insta::assert_snapshot!("kubectl_get_rs", printed(&p, "kubectl get rs -o wide"));
    // AGE counts from each ReplicaSet's creation: the first one (web-7988b664b9) is as old as
    // the scenario (45 s), the update's one (web-5dd576864b, listed first: lists are by name)
    // was created at 0:30 (it once read the first event naming it, which made the first
    // ReplicaSet look younger than its pods).
    let rs = printed(&p, "kubectl get rs");
    let ages: Vec<(&str, &str)> = rs
        .lines()
        .skip(1)
        .filter_map(|l| Some((l.split_whitespace().next()?, l.split_whitespace().nth(4)?)))
        .collect();
    assert_eq!(
        ages,
        [("web-5dd576864b", "15s"), ("web-7988b664b9", "45s")],
        "{rs}"
    );
    insta::assert_snapshot!("kubectl_get_nodes", printed(&p, "kubectl get nodes"));
    insta::assert_snapshot!("kubectl_get_events", printed(&p, "kubectl get events"));
    let deploy = printed(&p, "kubectl get deploy web");
    assert!(
        deploy.starts_with("NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    "),
        "{deploy}"
    );
    // Labels select; `-o name` lists kind/name.
    let names = printed(&p, "kubectl get pods -l app=web -o name");
    assert!(names.lines().all(|l| l.starts_with("pod/web-")), "{names}");
    assert_eq!(
        printed(&p, "kubectl get pods -l app=api"),
        "No resources found in default namespace.\n"
    );
    let e = failed(&p, "kubectl get deploy nope");
    assert_eq!(
        e,
        "Error from server (NotFound): deployments.apps \"nope\" not found\n"
    );
}

#[test]
fn kubectl_objects_print_as_yaml_and_json() {
    let mut p = Playback::new(scenario("eks-rolling-update"));
    p.seek(SimTime::from_secs(200));
    let pod = pod_with_status(&p, "Running");
    let yaml = printed(&p, &format!("kubectl get pod {pod} -o yaml"));
    assert!(
        yaml.starts_with("apiVersion: v1\nkind: Pod\nmetadata:\n"),
        "{yaml}"
    );
    assert!(yaml.contains("  phase: Running\n"), "{yaml}");
    let json = printed(&p, "kubectl get deploy web -o json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["kind"], "Deployment");
    assert_eq!(v["spec"]["strategy"]["rollingUpdate"]["maxSurge"], "25%");
    assert_eq!(v["status"]["availableReplicas"], 10);
    insta::assert_snapshot!(
        "kubectl_get_deploy_yaml",
        printed(&p, "kubectl get deploy web -o yaml")
    );
}

#[test]
fn kubectl_describe_shows_fields_conditions_and_events() {
    let mut p = Playback::new(scenario("eks-crashloop"));
    p.seek(SimTime::from_secs(240));
    let pod = pod_with_status(&p, "CrashLoopBackOff");
    let out = printed(&p, &format!("kubectl describe pod {pod}"));
    assert!(
        out.contains("    State:          Waiting\n      Reason:       CrashLoopBackOff\n"),
        "{out}"
    );
    assert!(out.contains("Controlled By:    ReplicaSet/web-"), "{out}");
    assert!(
        out.contains("Back-off restarting failed container"),
        "{out}"
    );
    assert!(out.contains(" (x"), "repeated events are folded: {out}");
    insta::assert_snapshot!("kubectl_describe_crashlooping_pod", out);
    insta::assert_snapshot!(
        "kubectl_describe_deploy_stuck",
        printed(&p, "kubectl describe deploy web")
    );
    let node = {
        let eks = p.world().eks.as_ref().expect("EKS");
        eks.nodes[0].name.clone()
    };
    let node_out = printed(&p, &format!("kubectl describe node {node}"));
    assert!(node_out.contains("Non-terminated Pods:"), "{node_out}");
    assert!(node_out.contains("Allocated resources:"), "{node_out}");
    // kubectl waits for the rollout: the status so far, then it keeps printing.
    let (status, _) = watched(&p, "kubectl rollout status deployment/web");
    assert!(
        status.starts_with("Waiting for deployment \"web\" rollout to finish: "),
        "{status}"
    );
    // Past the progress deadline, rollout status fails as kubectl does.
    p.seek(SimTime::from_secs(650));
    assert_eq!(
        failed(&p, "kubectl rollout status deployment/web"),
        "error: deployment \"web\" exceeded its progress deadline\n"
    );
    let history = printed(&p, "kubectl rollout history deployment/web");
    assert!(
        history.starts_with(
            "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n"
        ),
        "{history}"
    );
    let logs = printed(&p, &format!("kubectl logs {pod} --previous"));
    assert!(
        logs.lines()
            .last()
            .is_some_and(|l| l.contains("exiting with status 1")),
        "{logs}"
    );
}

#[test]
fn kubectl_top_reads_the_load_model() {
    let mut p = Playback::new(scenario("eks-autoscaling"));
    p.seek(SimTime::from_secs(300));
    let pods = printed(&p, "kubectl top pods");
    assert!(pods.starts_with("NAME"), "{pods}");
    assert!(
        pods.lines()
            .skip(1)
            .all(|l| l.contains("m ") && l.ends_with("Mi")),
        "{pods}"
    );
    let nodes = printed(&p, "kubectl top nodes");
    assert!(nodes.starts_with("NAME"), "{nodes}");
    let hpa = printed(&p, "kubectl get hpa");
    assert!(
        hpa.contains("Deployment/web") && hpa.contains("/60%"),
        "{hpa}"
    );
    let svc = printed(&p, "kubectl get svc");
    assert!(
        svc.contains("kubernetes") && svc.contains("LoadBalancer"),
        "{svc}"
    );
}

#[test]
fn kubectl_acts_and_the_cluster_follows() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(60));
    assert_eq!(
        act(&mut p, "kubectl scale deployment/web --replicas=4"),
        "deployment.apps/web scaled"
    );
    p.seek(SimTime::from_secs(120));
    let st = printed(&p, "kubectl get deploy web");
    assert!(st.contains("web    4/4"), "{st}");
    // Delete a pod: its ReplicaSet replaces it.
    let pod = pod_with_status(&p, "Running");
    assert_eq!(
        act(&mut p, &format!("kubectl delete pod {pod}")),
        format!("pod \"{pod}\" deleted")
    );
    p.seek(SimTime::from_secs(180));
    assert!(printed(&p, "kubectl get deploy web").contains("web    4/4"));
    assert!(
        !printed(&p, "kubectl get pods").contains(&pod),
        "the deleted pod is gone"
    );
    // Cordon a node: its status says so, and cordoning again changes nothing.
    let node = {
        let eks = p.world().eks.as_ref().expect("EKS");
        let busy = eks
            .pods
            .iter()
            .find(|x| !x.gone && x.node.is_some())
            .expect("a pod");
        eks.nodes[busy.node.unwrap_or(0)].name.clone()
    };
    assert_eq!(
        act(&mut p, &format!("kubectl cordon {node}")),
        format!("node/{node} cordoned")
    );
    assert!(printed(&p, "kubectl get nodes").contains("Ready,SchedulingDisabled"));
    assert_eq!(
        printed(&p, &format!("kubectl cordon {node}")),
        format!("node/{node} already cordoned\n")
    );
    // Drain it without --ignore-daemonsets: kubectl (the node already cordoned) stops at the
    // DaemonSet pods and evicts nothing.
    p.seek(SimTime::from_secs(200));
    let refused = failed(&p, &format!("kubectl drain {node}"));
    assert!(
        refused.starts_with(&format!(
            "node/{node} already cordoned\nerror: unable to drain node \"{node}\" due to error:cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): kube-system/aws-node-"
        )),
        "{refused}"
    );
    assert!(
        refused.ends_with(&format!(
            ", continuing command...\nThere are pending nodes to be drained:\n {node}\n{}",
            refused
                .lines()
                .last()
                .map(|l| format!("{l}\n"))
                .unwrap_or_default()
        )),
        "{refused}"
    );
    assert!(!refused.contains("evicting"), "{refused}");
    // With it: the DaemonSet pods stay (a warning names them), the others go elsewhere.
    let reply = act(&mut p, &format!("kubectl drain {node} --ignore-daemonsets"));
    // kubectl waits for the evicted pods to be gone: `drained` comes later, in the log.
    assert!(!reply.contains("drained"), "{reply}");
    assert!(
        reply.contains("\nWarning: ignoring DaemonSet-managed Pods: kube-system/aws-node-"),
        "{reply}"
    );
    assert!(reply.contains("evicting pod default/web-"), "{reply}");
    assert!(
        !reply.contains("evicting pod kube-system/aws-node-"),
        "{reply}"
    );
    p.seek(SimTime::from_secs(300));
    let drained = format!("kubectl drain {node}: node/{node} drained");
    assert!(
        p.log().iter().any(|e| e.message() == drained),
        "the drain finishes in the log"
    );
    {
        let eks = p.world().eks.as_ref().expect("EKS");
        let n = eks.nodes.iter().position(|x| x.name == node).expect("node");
        let left: Vec<usize> = (0..eks.pods.len())
            .filter(|&i| !eks.pods[i].gone && eks.pods[i].node == Some(n))
            .collect();
        assert!(!left.is_empty(), "the DaemonSet pods stay");
        assert!(
            left.iter().all(|&i| eks.is_daemon_pod(i)),
            "only DaemonSet pods remain on the drained node"
        );
    }
    assert!(printed(&p, "kubectl get deploy web").contains("web    4/4"));
    assert_eq!(
        act(&mut p, &format!("kubectl uncordon {node}")),
        format!("node/{node} uncordoned")
    );
    // A restart rolls out a new ReplicaSet of the same image; pause holds a new image back.
    assert_eq!(
        act(&mut p, "kubectl rollout restart deployment/web"),
        "deployment.apps/web restarted"
    );
    p.seek(SimTime::from_secs(500));
    let history = printed(&p, "kubectl rollout history deployment/web");
    assert!(history.contains("\n2         <none>\n"), "{history}");
    assert_eq!(
        act(&mut p, "kubectl rollout pause deployment/web"),
        "deployment.apps/web paused"
    );
    assert_eq!(
        failed(&p, "kubectl rollout pause deployment/web"),
        "error: deployments.apps \"web\" is already paused\n"
    );
    assert_eq!(
        act(&mut p, "kubectl set image deployment/web web=web:v2"),
        "deployment.apps/web image updated"
    );
    p.seek(SimTime::from_secs(600));
    let rs = printed(&p, "kubectl get rs");
    assert_eq!(
        rs.lines().count(),
        3,
        "no new ReplicaSet while paused: {rs}"
    );
    assert_eq!(
        act(&mut p, "kubectl rollout resume deployment/web"),
        "deployment.apps/web resumed"
    );
    p.seek(SimTime::from_secs(900));
    let rs = printed(&p, "kubectl get rs");
    assert_eq!(
        rs.lines().count(),
        4,
        "the new image rolls out after resume: {rs}"
    );
    assert!(printed(&p, "kubectl get deploy web").contains("web    4/4"));
    // Undo to a given revision.
    assert_eq!(
        act(
            &mut p,
            "kubectl rollout undo deployment/web --to-revision=1"
        ),
        "deployment.apps/web rolled back"
    );
    // The whole session replays from its saved scenario.
    let saved = orca_sim::scenario::to_ron(p.scenario()).expect("serializes");
    let again = orca_sim::scenario::parse("saved.ron", &saved).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = orca_sim::Simulation::new(Arc::new(again));
    sim.advance_to(sim.end());
    assert_eq!(sim.log(), p.full_log().as_slice());
}

#[test]
fn wrong_kubectl_input_gets_kubectl_answers() {
    let p = Playback::new(scenario("eks-rolling-update"));
    assert_eq!(
        failed(&p, "kubectl scal deployment/web --replicas=3"),
        "error: unknown command \"scal\" for \"kubectl\"\n\nDid you mean this?\n\tscale\n"
    );
    assert_eq!(
        failed(&p, "kubectl scale deployment/api --replicas=3"),
        "Error from server (NotFound): deployments.apps \"api\" not found\n"
    );
    assert_eq!(
        failed(&p, "kubectl set image deployment/web app=nginx:1.29"),
        "error: unable to find container named \"app\"\n"
    );
    assert_eq!(
        failed(&p, "kubectl rollout undo deployment/web"),
        "error: no rollout history found for deployment \"web\"\n"
    );
    assert_eq!(
        failed(&p, "kubectl delete pod nope"),
        "Error from server (NotFound): pods \"nope\" not found\n"
    );
    assert!(
        failed(&p, "kubectl logs nope").starts_with("Error from server (NotFound): pods \"nope\"")
    );
    let ecs = Playback::new(scenario("ecs-rolling-update"));
    assert!(failed(&ecs, "kubectl get pods").contains("no EKS cluster"));
}

/// What Tab offers after `kubectl get KIND `: get's flags, then the names given (sorted).
fn get_flags_then(names: &[&str]) -> Vec<String> {
    let flags = [
        "--output-watch-events",
        "--show-labels",
        "--sort-by",
        "--watch-only",
        "-A",
        "-l",
        "-n",
        "-o",
        "-w",
    ];
    flags.iter().chain(names).map(|s| s.to_string()).collect()
}

#[test]
fn tab_completes_commands_flags_and_object_names() {
    let mut ecs = Playback::new(scenario("ecs-rolling-update"));
    ecs.seek(SimTime::from_secs(10));
    assert_eq!(completions(&ecs, "ku"), ["kubectl"]);
    assert_eq!(completions(&ecs, "aws ecs update-s"), ["update-service"]);
    assert_eq!(
        completions(&ecs, "aws ecs update-service --clu"),
        ["--cluster"]
    );
    assert_eq!(
        completions(&ecs, "aws ecs update-service --cluster "),
        ["demo"]
    );
    assert_eq!(
        completions(&ecs, "aws ecs update-service --cluster demo --service w"),
        ["web"]
    );
    assert_eq!(
        completions(
            &ecs,
            "aws ecs update-service --cluster demo --service web --task-definition "
        ),
        ["web:1", "web:2"]
    );
    // run-task offers one strategy item per capacity provider of the cluster.
    let asg = Playback::new(scenario("ecs-cluster-auto-scaling"));
    assert_eq!(
        completions(
            &asg,
            "aws ecs run-task --task-definition api:1 --capacity-provider-strategy "
        ),
        [
            "capacityProvider=FARGATE,weight=1",
            "capacityProvider=FARGATE_SPOT,weight=1",
            "capacityProvider=cp-api,weight=1"
        ]
    );
    let eks = Playback::new(scenario("eks-sandbox-drain"));
    let nodes = completions(&eks, "kubectl drain ip-");
    assert_eq!(nodes.len(), 3, "{nodes:?}");
    assert_eq!(completions(&eks, "kubectl get deploy"), ["deployments"]);
    assert_eq!(completions(&eks, "kubectl scale deployment/"), ["web"]);
    assert_eq!(
        completions(&eks, "kubectl set image deployment/web "),
        ["web="]
    );
    assert_eq!(completions(&eks, "kubectl rollout u"), ["undo"]);
    // Names come from the default namespace unless -n or -A says otherwise.
    assert_eq!(
        completions(&eks, "kubectl get deploy "),
        get_flags_then(&["web"])
    );
    assert_eq!(
        completions(&eks, "kubectl get deploy -n kube-system "),
        get_flags_then(&["coredns"])
    );
    assert_eq!(
        completions(&eks, "kubectl get ds -n kube-system "),
        get_flags_then(&["aws-node", "kube-proxy"])
    );
    assert_eq!(completions(&eks, "kubectl get ds "), get_flags_then(&[]));
    assert!(
        completions(&eks, "kubectl get pods ")
            .iter()
            .all(|n| n.starts_with('-') || n.starts_with("web-")),
        "no kube-system pods by default"
    );
    assert!(
        completions(&eks, "kubectl get pods -A ")
            .iter()
            .any(|n| n.starts_with("coredns-"))
    );
    assert_eq!(completions(&eks, "kubectl get da"), ["daemonsets"]);
    // Every cluster's namespaces, not only those with workloads.
    assert_eq!(
        completions(&eks, "kubectl get pods -n ku"),
        ["kube-node-lease", "kube-public", "kube-system"]
    );
    let c = orca_sim::console::complete::Completion {
        from: 0,
        candidates: vec!["describe-services".into(), "describe-tasks".into()],
    };
    assert_eq!(c.common_prefix(), "describe-");
}

#[test]
fn orca_commands_break_heal_and_move_load() {
    // Heal the failing revision: its new tasks turn healthy and the rollout completes.
    let s = scenario("ecs-failed-health-check");
    let mut p = Playback::new(s.clone());
    p.seek(SimTime::from_secs(40));
    assert_eq!(
        act(&mut p, "orca heal web 2"),
        "web: the application answers again"
    );
    p.seek(p.end());
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let web = &ecs.services[0];
    assert_eq!(
        ecs.task_definition(web.task_definition).revision,
        2,
        "healed, web:2 rolls out instead of rolling back"
    );
    assert!(
        p.full_log().iter().any(|e| matches!(
            e.kind,
            orca_sim::EventKind::DeploymentCompleted { revision: 2, .. }
        )),
        "the web:2 deployment completes"
    );
    // Zones go down and come back.
    let mut p = Playback::new(scenario("ecs-rolling-update"));
    p.seek(SimTime::from_secs(10));
    assert_eq!(
        act(&mut p, "orca zone-outage us-east-1a"),
        "us-east-1a: outage begins"
    );
    assert!(p.world().net.zone_is_out("us-east-1a"));
    assert_eq!(
        printed(&p, "orca zone-outage us-east-1a"),
        "us-east-1a is already out\n"
    );
    assert!(failed(&p, "orca zone-outage mars-1a").contains("the zones are: us-east-1a"));
    assert_eq!(
        act(&mut p, "orca zone-recover us-east-1a"),
        "us-east-1a: recovered"
    );
    // Breaking health checks and crashing tasks.
    p.seek(SimTime::from_secs(20));
    act(&mut p, "orca fail-health-checks web --status 503");
    act(&mut p, "orca crash web 2");
    assert!(failed(&p, "orca crash api").contains("no service called \"api\""));
    // The load moves.
    let mut p = Playback::new(scenario("ecs-target-tracking"));
    p.seek(SimTime::from_secs(60));
    let reply = act(&mut p, "orca set-load web 5");
    assert!(
        reply.ends_with("load ramps to 5 requests per second over 10 s"),
        "{reply}"
    );
    assert!(
        failed(
            &Playback::new(scenario("ecs-rolling-update")),
            "orca set-load web 10"
        )
        .contains("no load model")
    );
    assert!(printed(&p, "orca help").contains("zone-outage"));
}

#[test]
fn terminating_an_ec2_instance_from_the_console() {
    let mut p = Playback::new(scenario("ecs-instance-draining"));
    p.seek(SimTime::from_secs(30));
    let id = {
        let ecs = p.world().ecs.as_ref().expect("ECS");
        ecs.instances[0].ec2_instance_id.clone()
    };
    let reply = act(
        &mut p,
        &format!("aws ec2 terminate-instances --instance-ids {id}"),
    );
    let v: serde_json::Value = serde_json::from_str(&reply).expect("JSON");
    assert_eq!(
        v["TerminatingInstances"][0]["CurrentState"]["Name"],
        "shutting-down"
    );
    p.seek(SimTime::from_secs(40));
    let ecs = p.world().ecs.as_ref().expect("ECS");
    assert_eq!(
        ecs.instances[0].status,
        orca_sim::ecs::InstanceStatus::Inactive
    );
    let e = failed(&p, "aws ec2 terminate-instances --instance-ids i-0123");
    assert!(e.contains("InvalidInstanceID.NotFound"), "{e}");
}

#[test]
fn the_stuck_rollout_sandbox_moves_once_the_learner_gives_it_room() {
    let mut p = Playback::new(scenario("ecs-sandbox-stuck-rollout"));
    p.seek(SimTime::from_secs(120));
    let stuck = printed(
        &p,
        "aws ecs describe-services --cluster demo --services web",
    );
    assert!(
        stuck.contains("unable to stop or start tasks during a deployment"),
        "{stuck}"
    );
    assert!(stuck.contains("\"runningCount\": 4"), "{stuck}");
    // Left alone, nothing moves to the end.
    let mut untouched = Playback::new(scenario("ecs-sandbox-stuck-rollout"));
    untouched.seek(untouched.end());
    let ecs = untouched.world().ecs.as_ref().expect("ECS");
    assert!(
        ecs.tasks
            .iter()
            .all(|t| ecs.task_definition(t.task_definition).family_revision() == "web:1"),
        "no web:2 task starts by itself"
    );
    act(
        &mut p,
        "aws ecs update-service --cluster demo --service web --deployment-configuration maximumPercent=200",
    );
    p.seek(SimTime::from_secs(600));
    let done = printed(
        &p,
        "aws ecs describe-services --cluster demo --services web",
    );
    assert!(done.contains("has reached a steady state"), "{done}");
    let ecs = p.world().ecs.as_ref().expect("ECS");
    let running: Vec<String> = ecs
        .tasks
        .iter()
        .filter(|t| t.last_status == orca_sim::ecs::TaskStatus::Running)
        .map(|t| ecs.task_definition(t.task_definition).family_revision())
        .collect();
    assert_eq!(running, vec!["web:2"; 4], "every running task is web:2");
}

#[test]
fn the_bad_image_sandbox_recovers_with_rollout_undo() {
    let mut p = Playback::new(scenario("eks-sandbox-bad-image"));
    p.seek(SimTime::from_secs(120));
    let pods = printed(&p, "kubectl get pods");
    assert!(
        pods.contains("ImagePullBackOff") || pods.contains("ErrImagePull"),
        "{pods}"
    );
    assert!(printed(&p, "kubectl get deploy web").contains("web    3/4"));
    assert_eq!(
        act(&mut p, "kubectl rollout undo deployment/web"),
        "deployment.apps/web rolled back"
    );
    p.seek(SimTime::from_secs(300));
    assert!(printed(&p, "kubectl get deploy web").contains("web    4/4"));
    let pods = printed(&p, "kubectl get pods");
    assert!(
        !pods.contains("ImagePullBackOff") && !pods.contains("ErrImagePull"),
        "the broken pods are gone: {pods}"
    );
}

#[test]
fn kubectl_namespaces_separate_eks_own_workloads() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(60));
    // The default namespace holds the scenario's pods only.
    let default = printed(&p, "kubectl get pods");
    assert!(default.contains("\nweb-"), "{default}");
    for system in ["aws-node-", "kube-proxy-", "coredns-"] {
        assert!(!default.contains(system), "{default}");
    }
    // kube-system holds EKS's own.
    let system = printed(&p, "kubectl get pods -n kube-system");
    for name in ["\naws-node-", "\nkube-proxy-", "\ncoredns-"] {
        assert!(system.contains(name), "{system}");
    }
    assert!(!system.contains("web-"), "{system}");
    assert_eq!(
        system,
        printed(&p, "kubectl get pods --namespace=kube-system")
    );
    // -A: every namespace, each row with its own.
    let all = printed(&p, "kubectl get pods -A");
    assert!(all.starts_with("NAMESPACE     NAME "), "{all}");
    assert!(all.contains("\ndefault       web-"), "{all}");
    assert!(all.contains("\nkube-system   aws-node-"), "{all}");
    // A pod of another namespace is not found; an empty namespace says so.
    let coredns = system
        .lines()
        .find(|l| l.starts_with("coredns-"))
        .and_then(|l| l.split_whitespace().next())
        .expect("a coredns pod")
        .to_string();
    assert_eq!(
        failed(&p, &format!("kubectl get pod {coredns}")),
        format!("Error from server (NotFound): pods \"{coredns}\" not found\n")
    );
    assert!(
        printed(
            &p,
            &format!("kubectl describe pod {coredns} -n kube-system")
        )
        .contains("\nNamespace:        kube-system\n")
    );
    assert_eq!(
        printed(&p, "kubectl get pods -n monitoring"),
        "No resources found in monitoring namespace.\n"
    );
    // Deployments are Deployments: coredns in kube-system, no DaemonSet among them.
    assert!(!printed(&p, "kubectl get deploy").contains("coredns"));
    let deploy = printed(&p, "kubectl get deploy -n kube-system");
    assert!(deploy.contains("\ncoredns "), "{deploy}");
    assert!(!deploy.contains("aws-node"), "{deploy}");
    assert!(!printed(&p, "kubectl get rs -A").contains("aws-node"));
    assert!(
        printed(&p, "kubectl get deploy coredns -n kube-system -o json")
            .contains("\"namespace\": \"kube-system\"")
    );
    // EKS's own Deployment is read-only here.
    assert!(
        failed(
            &p,
            "kubectl scale deploy coredns -n kube-system --replicas=3"
        )
        .starts_with("error: Orca's console does not change EKS's own workloads")
    );
    assert!(
        printed(&p, "kubectl rollout status deploy/coredns -n kube-system")
            .contains("successfully rolled out")
    );
    insta::assert_snapshot!(
        "kubectl_get_ds_kube_system",
        printed(&p, "kubectl get ds -n kube-system")
    );
    assert_eq!(
        printed(&p, "kubectl get ds"),
        "No resources found in default namespace.\n"
    );
    let ds = printed(&p, "kubectl describe ds aws-node -n kube-system");
    assert!(
        ds.contains("\nDesired Number of Nodes Scheduled: 3\n"),
        "{ds}"
    );
    assert_eq!(
        failed(&p, "kubectl get pod web -A"),
        "error: a resource cannot be retrieved by name across all namespaces\n"
    );
}

#[test]
fn describe_services_shows_a_daemon_service_and_update_service_refuses_its_desired_count() {
    let mut p = Playback::new(scenario("ecs-daemon"));
    p.seek(SimTime::from_secs(300));
    let out = printed(
        &p,
        "aws ecs describe-services --cluster shop --services log-router web",
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let daemon = &v["services"][0];
    assert_eq!(daemon["schedulingStrategy"], "DAEMON");
    // One task on each of the four ACTIVE instances, and the 0/100 daemon defaults.
    assert_eq!(daemon["desiredCount"], 4);
    assert_eq!(daemon["deploymentConfiguration"]["maximumPercent"], 100);
    assert_eq!(
        daemon["deploymentConfiguration"]["minimumHealthyPercent"],
        0
    );
    assert_eq!(v["services"][1]["schedulingStrategy"], "REPLICA");
    let refused = failed(
        &p,
        "aws ecs update-service --cluster shop --service log-router --desired-count 6",
    );
    assert!(
        refused.contains("(InvalidParameterException)") && refused.contains("DAEMON"),
        "{refused}"
    );
    let refused = failed(
        &p,
        "aws ecs update-service --cluster shop --service log-router --deployment-configuration maximumPercent=200,minimumHealthyPercent=0",
    );
    assert!(refused.contains("maximumPercent must be 100"), "{refused}");
}

/// A paused Deployment is still scaled (the controller's `sync` without a rollout), but a new
/// image waits for `resume`
/// (<https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#pausing-and-resuming-a-deployment>).
#[test]
fn a_paused_deployment_scales_but_does_not_roll_out_until_resumed() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(20));
    act(&mut p, "kubectl rollout pause deployment/web");
    act(&mut p, "kubectl scale deployment/web --replicas=8");
    act(&mut p, "kubectl set image deployment/web web=web:v2");
    p.seek(SimTime::from_secs(80));
    let rs = printed(&p, "kubectl get rs");
    let lines: Vec<&str> = rs.lines().skip(1).collect();
    assert_eq!(lines.len(), 1, "no new ReplicaSet while paused:\n{rs}");
    assert!(
        lines[0].split_whitespace().nth(1) == Some("8"),
        "scaled to 8:\n{rs}"
    );
    act(&mut p, "kubectl rollout resume deployment/web");
    p.seek(SimTime::from_secs(140));
    let rs = printed(&p, "kubectl get rs");
    assert_eq!(
        rs.lines().skip(1).count(),
        2,
        "the rollout starts on resume:\n{rs}"
    );
}

/// `checkPausedConditions` (kubernetes `pkg/controller/deployment/sync.go`): a paused
/// Deployment's `Progressing` condition is Unknown with reason `DeploymentPaused`; resumed, the
/// controller estimates progress again.
#[test]
fn a_paused_deployment_shows_progressing_unknown() {
    let mut p = Playback::new(scenario("eks-sandbox-drain"));
    p.seek(SimTime::from_secs(30));
    assert_eq!(
        act(&mut p, "kubectl rollout pause deployment/web"),
        "deployment.apps/web paused"
    );
    p.seek(SimTime::from_secs(40));
    let out = printed(&p, "kubectl describe deployment web");
    assert!(
        out.contains("  Progressing    Unknown DeploymentPaused\n"),
        "{out}"
    );
    let eks = p.world().eks.as_ref().expect("EKS");
    let conds = orca_sim::k8s::read::deployment_conditions(eks, 0, p.now());
    let prog = conds
        .iter()
        .find(|c| c.kind == "Progressing")
        .expect("Progressing");
    assert!(prog.unknown, "{prog:?}");
    assert_eq!(
        (prog.reason.as_str(), prog.message.as_str()),
        ("DeploymentPaused", "Deployment is paused")
    );
    assert_eq!(
        act(&mut p, "kubectl rollout resume deployment/web"),
        "deployment.apps/web resumed"
    );
    p.seek(SimTime::from_secs(50));
    let out = printed(&p, "kubectl describe deployment web");
    assert!(
        out.contains("  Progressing    True    NewReplicaSetAvailable\n"),
        "{out}"
    );
}

#[test]
fn describe_daemonset_names_the_daemonset_controller_as_the_reporter_of_its_pods() {
    // Karpenter launches nodes; aws-node's controller creates a pod on each.
    let mut p = Playback::new(scenario("eks-karpenter"));
    p.seek(SimTime::from_secs(600));
    let ds = printed(&p, "kubectl describe ds aws-node -n kube-system");
    let created: Vec<&str> = ds
        .lines()
        .filter(|l| l.contains("SuccessfulCreate"))
        .collect();
    assert!(!created.is_empty(), "{ds}");
    assert!(
        created
            .iter()
            .all(|l| l.contains("daemonset-controller") && l.contains("Created pod: aws-node-")),
        "{ds}"
    );
}

#[test]
fn a_node_the_cluster_autoscaler_removes_carries_its_taint_with_the_time_it_was_added() {
    // eks-autoscaling: at 21:51 the Cluster Autoscaler marks an idle node for deletion.
    let mut p = Playback::new(scenario("eks-autoscaling"));
    p.seek(SimTime::from_secs(21 * 60 + 52));
    let eks = p.world().eks.as_ref().expect("EKS");
    let (n, node) = eks
        .nodes
        .iter()
        .enumerate()
        .find(|(_, n)| n.draining && !n.gone)
        .expect("a node the autoscaler is removing");
    let at = node.to_be_deleted_at.expect("marked");
    assert_eq!(at, SimTime::from_secs(21 * 60 + 51));
    let value = orca_sim::time::START_UNIX_SECS + 21 * 60 + 51;
    // The scheduler's TaintToleration reason names the taint and its value; the node is not
    // cordoned, so it is not "unschedulable".
    let view = &eks.node_views()[n];
    assert!(!view.unschedulable);
    assert_eq!(
        view.taint.as_deref(),
        Some(
            format!("node(s) had untolerated taint {{ToBeDeletedByClusterAutoscaler: {value}}}")
                .as_str()
        )
    );
    let out = printed(&p, &format!("kubectl describe node {}", node.name));
    assert!(
        out.contains(&format!(
            "ToBeDeletedByClusterAutoscaler={value}:NoSchedule"
        )),
        "{out}"
    );
}

#[test]
fn aws_query_and_output_shape_what_the_cli_prints() {
    let mut p = Playback::new(scenario("ecs-sandbox-stuck-rollout"));
    p.seek(SimTime::from_secs(45));
    // The stuck rollout at a glance: both deployments, one line each.
    assert_eq!(
        printed(
            &p,
            "aws ecs describe-services --cluster demo --services web --query 'services[0].deployments[].[status,runningCount,rolloutState]' --output text"
        ),
        "PRIMARY\t0\tIN_PROGRESS\nACTIVE\t4\tCOMPLETED\n"
    );
    // A filter with the CLI examples' backtick string, then a pipe.
    assert_eq!(
        printed(
            &p,
            "aws ecs describe-services --cluster demo --services web --query 'services[0].deployments[?status==`PRIMARY`] | [0].runningCount'"
        ),
        "0"
    );
    // The global options may come before the service; text output of a list names its key.
    let arns = printed(
        &p,
        "aws --output text ecs list-tasks --cluster demo --service-name web",
    );
    assert_eq!(arns.lines().count(), 4, "{arns}");
    assert!(
        arns.lines()
            .all(|l| l.starts_with("TASKARNS\tarn:aws:ecs:")),
        "{arns}"
    );
    assert_eq!(
        printed(
            &p,
            "aws ecs describe-services --cluster demo --services web --query 'services[0].{desired: desiredCount, running: runningCount}' --output yaml"
        ),
        "desired: 4\nrunning: 4\n"
    );
    // Errors read as the CLI's and say what would be valid.
    let e = failed(
        &p,
        "aws ecs describe-services --cluster demo --services web --query 'services[0'",
    );
    assert!(
        e.starts_with("\nBad value for --query services[0: ") && e.contains("column 10"),
        "{e}"
    );
    let e = failed(&p, "aws ecs list-tasks --cluster demo --output xml");
    assert!(e.contains("valid choices are"), "{e}");
    // An acting command's reply goes through the query too.
    let reply = act(
        &mut p,
        "aws ecs update-service --cluster demo --service web --deployment-configuration maximumPercent=200 --query service.deploymentConfiguration.maximumPercent",
    );
    assert_eq!(reply, "200");
    // Tab completion offers the global options and the formats.
    assert!(completions(&p, "aws ecs list-tasks --").contains(&"--query".to_string()));
    assert_eq!(
        completions(&p, "aws ecs list-tasks --output "),
        ["json", "table", "text", "yaml", "yaml-stream"]
    );
}

#[test]
fn kubectl_jsonpath_and_sort_by_print_what_kubectl_prints() {
    let mut p = Playback::new(scenario("eks-rolling-update"));
    p.seek(SimTime::from_secs(46));
    // One line per pod, as the Kubernetes docs' range example prints.
    let lines = printed(
        &p,
        r#"kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}'"#,
    );
    let table = printed(&p, "kubectl get pods -o name");
    assert_eq!(lines.lines().count(), table.lines().count(), "{lines}");
    assert!(
        lines.lines().all(
            |l| l.starts_with("web-") && (l.ends_with("\tRunning") || l.ends_with("\tPending"))
        ),
        "{lines}"
    );
    // Results of one action are separated by spaces; a filter picks the InternalIP.
    assert_eq!(
        printed(
            &p,
            r#"kubectl get nodes -o jsonpath='{.items[*].status.addresses[?(@.type=="InternalIP")].address}'"#
        ),
        "10.0.0.4 10.0.16.4 10.0.32.4"
    );
    let ready = printed(
        &p,
        "kubectl get deploy web -o jsonpath='{.status.readyReplicas}/{.spec.replicas}'",
    );
    assert!(ready.ends_with("/10"), "{ready}");
    // --sort-by orders the table by the field (strings as text).
    let by_ip = printed(&p, "kubectl get pods --sort-by=.status.podIP -o wide");
    let ips: Vec<&str> = by_ip
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(5))
        .collect();
    let mut sorted = ips.clone();
    sorted.sort();
    assert!(ips.len() > 5, "{by_ip}");
    assert_eq!(ips, sorted, "{by_ip}");
    // Events are listed as the API server keeps them, by name (`<object>.<hex time>`), which
    // groups them by object; `--sort-by=.lastTimestamp` puts them in time order.
    let column = |line: &str| -> Vec<String> {
        printed(&p, line)
            .lines()
            .skip(1)
            .map(|l| l.trim().to_string())
            .collect()
    };
    let names = column("kubectl get events -o custom-columns=N:.metadata.name");
    let mut sorted = names.clone();
    sorted.sort();
    assert!(names.len() > 10, "{names:?}");
    assert_eq!(names, sorted);
    let times =
        column("kubectl get events --sort-by=.lastTimestamp -o custom-columns=T:.lastTimestamp");
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted);
    let unsorted = column("kubectl get events -o custom-columns=T:.lastTimestamp");
    assert_ne!(
        unsorted, sorted,
        "by name is not by time in a rolling update"
    );
    // Wrong input gets kubectl's words.
    assert_eq!(
        failed(&p, "kubectl get pods --sort-by=.foo"),
        "error: couldn't find any field with path \"{.foo}\" in the list of objects\n"
    );
    assert_eq!(
        failed(&p, "kubectl get pods -o jsonpath='{.items'"),
        "error: error parsing jsonpath {.items, unclosed action\n"
    );
    assert!(failed(&p, "kubectl get pods -o go-template={{.kind}}").contains("not simulated"));
    // custom-columns: a header per column, a cell per pod (several values joined by commas).
    let cols = printed(
        &p,
        "kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,IMAGES:.spec.containers[*].image",
    );
    let mut lines = cols.lines();
    assert_eq!(
        lines
            .next()
            .map(|h| h.split_whitespace().collect::<Vec<_>>()),
        Some(vec!["NAME", "NODE", "IMAGES"]),
        "{cols}"
    );
    assert_eq!(lines.count(), table.lines().count(), "{cols}");
    assert!(cols.contains(".ec2.internal   nginx:1.2"), "{cols}");
    assert!(failed(&p, "kubectl get pv -o jsonpath='{.items}'").contains("as a table only"));
}

#[test]
fn kubectl_logs_of_a_workload_or_a_selector_and_field_selectors() {
    let mut p = Playback::new(scenario("eks-crashloop"));
    p.seek(SimTime::from_secs(90));
    // A Deployment stands for one of its pods: a Running, ready one, and kubectl says which.
    let out = printed(&p, "kubectl logs deploy/web");
    let first = out.lines().next().unwrap_or_default();
    let chosen = first
        .strip_prefix("Found 5 pods, using pod/")
        .unwrap_or_else(|| panic!("{out}"));
    let running = printed(
        &p,
        "kubectl get pods --field-selector=status.phase=Running -o name",
    );
    assert!(running.contains(&format!("pod/{chosen}\n")), "{running}");
    let ready_one = printed(&p, "kubectl get pods -o wide");
    let row = ready_one
        .lines()
        .find(|l| l.starts_with(chosen))
        .unwrap_or_default();
    assert!(row.contains(" 1/1 "), "a ready pod is chosen first: {row}");
    assert_eq!(
        out.lines().skip(1).collect::<Vec<_>>(),
        printed(&p, &format!("kubectl logs {chosen}"))
            .lines()
            .collect::<Vec<_>>()
    );
    // A selector: every matching pod, 10 lines each at most, prefixed on request.
    let all = printed(&p, "kubectl logs -l app=web --prefix");
    assert!(all.lines().all(|l| l.starts_with("[pod/web-")), "{all}");
    let pods = printed(&p, "kubectl get pods -l app=web -o name");
    for pod in pods.lines() {
        let n = all
            .lines()
            .filter(|l| l.starts_with(&format!("[{pod}/api] ")))
            .count();
        assert!((1..=10).contains(&n), "{pod}: {n} lines\n{all}");
    }
    assert_eq!(
        failed(&p, "kubectl logs web -l app=web"),
        "error: only a selector (-l) or a POD name is allowed\n"
    );
    assert!(
        failed(&p, "kubectl logs node/ip-10-0-0-4.ec2.internal").contains("cannot get the logs")
    );
    // -w prints the list, then keeps printing what changes (runs/watch.rs).
    let (first, _) = watched(&p, "kubectl get pods -w");
    assert_eq!(first, printed(&p, "kubectl get pods"));
    // -o name|yaml|json|jsonpath are watched object by object: a jsonpath template runs on
    // each object, so one written for a list prints nothing.
    let (names, _) = watched(&p, "kubectl get pods -w -o name");
    assert_eq!(names, printed(&p, "kubectl get pods -o name"));
    let (each, _) = watched(&p, "kubectl get pods -w -o jsonpath={.metadata.name}");
    let listed = printed(&p, "kubectl get pods -o jsonpath={.items[*].metadata.name}");
    assert_eq!(
        each.split_whitespace().collect::<Vec<_>>(),
        listed.split_whitespace().collect::<Vec<_>>()
    );
    let (nothing, _) = watched(
        &p,
        "kubectl get pods -w -o jsonpath={.items[*].metadata.name}",
    );
    assert_eq!(nothing.trim(), "");
    // Field selectors: the phase, the node, and what is not a field label.
    let crashing = printed(
        &p,
        "kubectl get pods --field-selector status.phase!=Running",
    );
    assert_eq!(
        crashing, "No resources found in default namespace.\n",
        "crash-looping pods are Running"
    );
    let on_node = printed(
        &p,
        "kubectl get pods -o name --field-selector spec.nodeName=ip-10-0-0-4.ec2.internal",
    );
    let wide = printed(&p, "kubectl get pods -o wide");
    let expected = wide
        .lines()
        .filter(|l| l.contains(" ip-10-0-0-4.ec2.internal "))
        .count();
    assert_eq!(on_node.lines().count(), expected, "{on_node}\n{wide}");
    assert!(
        failed(&p, "kubectl get pods --field-selector spec.containers=web")
            .contains("field label not supported: spec.containers")
    );
    // No node is cordoned: all of them are schedulable.
    assert_eq!(
        printed(
            &p,
            "kubectl get nodes --field-selector spec.unschedulable=false -o name"
        ),
        printed(&p, "kubectl get nodes -o name")
    );
}

#[test]
fn elbv2_describe_target_health_shows_what_the_log_shows() {
    let mut p = Playback::new(scenario("ecs-failed-health-check"));
    p.seek(SimTime::from_secs(150));
    let arn = printed(
        &p,
        "aws elbv2 describe-target-groups --names web-tg --query TargetGroups[0].TargetGroupArn --output text",
    );
    let arn = arn.trim();
    assert!(
        arn.starts_with("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-tg/"),
        "{arn}"
    );
    let rows = printed(
        &p,
        &format!(
            "aws elbv2 describe-target-health --target-group-arn {arn} --query 'TargetHealthDescriptions[].[Target.Id,TargetHealth.State,TargetHealth.Reason]' --output text"
        ),
    );
    // Every target of the group, with the state and reason the simulation keeps.
    let world = p.world().ecs.as_ref().expect("ECS");
    let tg = world
        .target_groups
        .iter()
        .find(|g| g.name.as_str() == "web-tg")
        .expect("web-tg");
    let expected: Vec<String> = tg
        .targets
        .iter()
        .map(|t| {
            format!(
                "{}\t{}\t{}",
                t.id,
                t.state.as_str(),
                t.reason.map_or("None", |r| r.code())
            )
        })
        .collect();
    assert_eq!(rows.lines().collect::<Vec<_>>(), expected, "{rows}");
    assert!(
        rows.contains("draining\tTarget.DeregistrationInProgress"),
        "the failing task's target drains: {rows}"
    );
    // Errors as the API gives them: a name where an ARN belongs, an unknown ARN.
    assert_eq!(
        failed(
            &p,
            "aws elbv2 describe-target-health --target-group-arn web-tg"
        ),
        "\nAn error occurred (ValidationError) when calling the DescribeTargetHealth operation: 'web-tg' is not a valid target group ARN\n"
    );
    assert!(
        failed(
            &p,
            "aws elbv2 describe-target-health --target-group-arn arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/nope/1"
        )
        .contains("(TargetGroupNotFound)")
    );
    // Tab offers the group's ARN.
    assert_eq!(
        completions(&p, "aws elbv2 describe-target-health --target-group-arn "),
        [arn.to_string()]
    );
}

#[test]
fn aws_ecs_wait_answers_with_the_clis_waiters_at_this_moment() {
    let mut p = Playback::new(scenario("ecs-rolling-update"));
    p.seek(SimTime::from_secs(10));
    // Steady before the update: the waiter succeeds and prints nothing.
    assert_eq!(
        printed(
            &p,
            "aws ecs wait services-stable --cluster demo --services web"
        ),
        ""
    );
    // Mid-rollout: two deployments, so not stable yet; the waiter asks again every 15 s and
    // returns, printing nothing, at the first ask after the service is steady.
    p.seek(SimTime::from_secs(75));
    let (first, mut waiter) = watched(
        &p,
        "aws ecs wait services-stable --cluster demo --services web",
    );
    assert_eq!(first, "");
    let steady = p
        .full_log()
        .iter()
        .filter(|e| {
            matches!(e.kind, orca_sim::EventKind::SteadyState { .. })
                && e.at > SimTime::from_secs(75)
        })
        .map(|e| e.at)
        .next()
        .expect("the rollout ends in a steady state");
    let ended_at = loop {
        let asked = waiter.next_poll();
        assert_eq!(
            (asked.0 - 75_000) % 15_000,
            0,
            "asks fall on the delay: {asked}"
        );
        p.seek(asked);
        let polled = poll(&p, &mut waiter);
        if let Some(ended) = polled.ended {
            assert_eq!(ended, orca_sim::console::watch::Ended::Done);
            assert_eq!(polled.output, "");
            break asked;
        }
        assert!(asked < steady, "not done at {asked}, steady at {steady}");
    };
    assert!(
        ended_at >= steady && ended_at.0 - steady.0 < 15_000,
        "{ended_at} vs {steady}"
    );
    p.seek(SimTime::from_secs(75));
    // A missing service is a terminal failure, in the CLI's words.
    assert_eq!(
        failed(
            &p,
            "aws ecs wait services-stable --cluster demo --services nope"
        ),
        "\nWaiter ServicesStable failed: Waiter encountered a terminal failure state: For expression \"failures[].reason\" we matched expected path: \"MISSING\" at least once\n"
    );
    // tasks-running succeeds on a running task.
    let arn = printed(
        &p,
        "aws ecs list-tasks --cluster demo --service-name web --query taskArns[0] --output text",
    );
    assert_eq!(
        printed(
            &p,
            &format!(
                "aws ecs wait tasks-running --cluster demo --tasks {}",
                arn.trim()
            )
        ),
        ""
    );
    assert!(failed(&p, "aws ecs wait soon").contains("services-stable"));
    assert_eq!(
        completions(&p, "aws ecs wait "),
        ["services-stable", "tasks-running", "tasks-stopped"]
    );
}

#[test]
fn aws_output_table_draws_the_clis_boxes() {
    let mut p = Playback::new(scenario("ecs-sandbox-stuck-rollout"));
    p.seek(SimTime::from_secs(45));
    let out = printed(
        &p,
        "aws ecs describe-services --cluster demo --services web --query 'services[0].deployments[].{id:id,status:status,running:runningCount}' --output table",
    );
    let lines: Vec<&str> = out.lines().collect();
    let width = lines[0].chars().count();
    assert!(lines.iter().all(|l| l.chars().count() == width), "{out}");
    assert!(lines[1].contains("DescribeServices"), "{out}");
    let header: Vec<&str> = lines[3]
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(header, ["id", "running", "status"], "sorted keys: {out}");
    assert!(
        lines[5].contains("|  0 ") && lines[5].contains("|  PRIMARY "),
        "{out}"
    );
    assert!(
        lines[6].contains("|  4 ") && lines[6].contains("|  ACTIVE "),
        "{out}"
    );
}

#[test]
fn kubectl_get_events_takes_field_selectors() {
    let mut p = Playback::new(scenario("eks-init-image-missing"));
    p.seek(SimTime::from_secs(60));
    let pod = pod_with_status(&p, "Init:ErrImagePull");
    let all = printed(&p, "kubectl get events");
    let mine = printed(
        &p,
        &format!("kubectl get events --field-selector involvedObject.name={pod}"),
    );
    let rows: Vec<&str> = mine.lines().skip(1).collect();
    assert!(!rows.is_empty(), "{mine}");
    assert!(
        rows.iter().all(|r| r.contains(&format!("pod/{pod}"))),
        "{mine}"
    );
    assert!(rows.len() < all.lines().count() - 1, "{all}");
    // Several terms are ANDed; != excludes.
    let warnings = printed(
        &p,
        &format!(
            "kubectl get events --field-selector involvedObject.kind=Pod,involvedObject.name={pod},type=Warning"
        ),
    );
    assert!(
        warnings.lines().skip(1).all(|r| r.contains("Warning"))
            && warnings.contains("ErrImagePull"),
        "{warnings}"
    );
    let normal = printed(
        &p,
        &format!("kubectl get events --field-selector involvedObject.name={pod},type!=Warning"),
    );
    assert!(
        normal.contains("Pulling") && !normal.contains("Warning"),
        "{normal}"
    );
    let scaled = printed(
        &p,
        "kubectl get events --field-selector reason=ScalingReplicaSet",
    );
    assert!(
        scaled.contains("deployment/web") && !scaled.contains("pod/"),
        "{scaled}"
    );
    assert_eq!(
        printed(
            &p,
            "kubectl get events --field-selector involvedObject.kind=Node"
        ),
        "No resources found in default namespace.\n"
    );
    assert!(
        failed(&p, "kubectl get events --field-selector source=kubelet").starts_with(
            "error: Orca's console does not simulate the field selector source for events"
        )
    );
    assert!(
        failed(&p, "kubectl get events --field-selector spec.nodeName=x")
            .contains("field label not supported: spec.nodeName"),
    );
    // Events are objects too (`kubectl_idioms` checks their fields).
    assert!(
        printed(&p, "kubectl get events -o jsonpath={.items[*].kind}")
            .split_whitespace()
            .all(|k| k == "Event")
    );
}
