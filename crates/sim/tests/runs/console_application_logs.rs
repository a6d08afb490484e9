//! `aws logs` on Container Insights' `/aws/containerinsights/<cluster>/application` group in an
//! EKS world with the CloudWatch Observability add-on: Fluent Bit's streams (one per node,
//! pod, container and run), each line a JSON record with the pod's metadata, kept after the
//! container that wrote it was OOM-killed — where `kubectl logs` only shows the current run and
//! the one before it.

use crate::common;

use crate::say::{act, failed, printed};
use orca_sim::{Playback, SimTime};
use serde_json::Value;

const GROUP: &str = "/aws/containerinsights/demo/application";

fn at(name: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(name));
    p.seek(SimTime::from_secs(secs));
    p
}

fn json(p: &Playback, line: &str) -> Value {
    serde_json::from_str(&printed(p, line)).unwrap_or_else(|e| panic!("`{line}`: {e}"))
}

fn records(p: &Playback, options: &str) -> Vec<Value> {
    json(
        p,
        &format!("aws logs filter-log-events --log-group-name {GROUP} {options}"),
    )["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| serde_json::from_str(e["message"].as_str().expect("a message")).expect("JSON"))
        .collect()
}

#[test]
fn every_run_of_every_container_has_its_stream_and_the_oom_killed_run_stays() {
    // eks-memory-leak: two api pods from the start, OOM-killed at 8:00 and restarted.
    let p = at("eks-memory-leak", 545);
    let groups = json(&p, "aws logs describe-log-groups");
    assert_eq!(groups["logGroups"][0]["logGroupName"], GROUP);
    let streams = json(
        &p,
        &format!("aws logs describe-log-streams --log-group-name {GROUP}"),
    );
    let names: Vec<&str> = streams["logStreams"]
        .as_array()
        .expect("streams")
        .iter()
        .map(|s| s["logStreamName"].as_str().expect("a name"))
        .collect();
    // Two runs of each api pod and one of each CoreDNS pod; aws-node and kube-proxy are left
    // out (Exclude_Path).
    let api: Vec<&&str> = names.iter().filter(|n| n.contains(".api-")).collect();
    assert_eq!(api.len(), 4, "{names:?}");
    assert_eq!(names.iter().filter(|n| n.contains(".coredns-")).count(), 2);
    assert!(
        !names
            .iter()
            .any(|n| n.contains("aws-node") || n.contains("kube-proxy"))
    );
    for n in &names {
        assert!(
            n.starts_with("ip-") && n.contains(".ec2.internal-application.var.log.containers."),
            "{n}"
        );
        assert!(n.ends_with(".log"), "{n}");
    }
    // Each record carries the line and where it came from.
    let pods = printed(&p, "kubectl get pods -o name");
    let pod = pods
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("pod/"))
        .expect("a pod");
    let starting = records(
        &p,
        &format!(
            "--filter-pattern '{{ $.kubernetes.pod_name = \"{pod}\" && $.log = \"*starting*\" }}'"
        ),
    );
    assert_eq!(starting.len(), 2, "two runs: {starting:?}");
    let first = &starting[0];
    assert_eq!(first["stream"], "stdout");
    assert_eq!(first["kubernetes"]["namespace_name"], "default");
    assert_eq!(first["kubernetes"]["container_name"], "api");
    assert_eq!(first["kubernetes"]["container_image"], "api:v2");
    assert_ne!(
        first["kubernetes"]["docker_id"], starting[1]["kubernetes"]["docker_id"],
        "a restarted container is a new container"
    );
    assert_eq!(first["time"], "2026-01-05T09:00:00.000000000Z");
    // The killed run's last line is its last probe answer before 8:00: CloudWatch keeps it, and
    // kubectl logs --previous shows the same run.
    let previous = printed(&p, &format!("kubectl logs {pod} --previous"));
    let killed: Vec<String> = records(
        &p,
        &format!(
            "--filter-pattern '{{ $.kubernetes.pod_name = \"{pod}\" && $.kubernetes.docker_id = \"{}\" }}'",
            first["kubernetes"]["docker_id"].as_str().expect("an id")
        ),
    )
    .iter()
    .map(|r| r["log"].as_str().expect("log").to_string())
    .collect();
    assert_eq!(previous.lines().collect::<Vec<_>>(), killed);
    assert!(killed[0].contains("api starting"), "{killed:?}");
    assert!(
        killed
            .last()
            .is_some_and(|l| l.contains("[2026-01-05T09:08:00.000000Z] \"GET /ready")),
        "{killed:?}"
    );
}

#[test]
fn without_the_add_on_there_is_no_application_group() {
    let p = at("eks-rolling-update", 60);
    assert!(
        failed(&p, "aws logs tail /aws/containerinsights/demo/application")
            .contains("The specified log group does not exist.")
    );
}

#[test]
fn the_add_on_installed_from_the_console_sends_what_is_written_once_it_is_active() {
    // eks-crashloop: at 0:20 web moves to api:v2, which exits 2 s after each start.
    let mut p = at("eks-crashloop", 10);
    let reply: Value = serde_json::from_str(&act(
        &mut p,
        "aws eks create-addon --cluster-name demo --addon-name amazon-cloudwatch-observability",
    ))
    .expect("JSON");
    assert_eq!(reply["addon"]["status"], "CREATING");
    assert_eq!(
        reply["addon"]["addonName"],
        "amazon-cloudwatch-observability"
    );
    assert!(
        failed(
            &p,
            "aws eks create-addon --cluster-name demo --addon-name amazon-cloudwatch-observability"
        )
        .contains("ResourceInUseException")
    );
    // Not collecting while its pods start (ACTIVE a minute after it was created).
    p.seek(SimTime::from_secs(60));
    assert!(failed(&p, &format!("aws logs tail {GROUP}")).contains("does not exist"));
    p.seek(SimTime::from_secs(300));
    let addon = json(
        &p,
        "aws eks describe-addon --cluster-name demo --addon-name amazon-cloudwatch-observability",
    );
    assert_eq!(addon["addon"]["status"], "ACTIVE");
    // Only lines written since 1:10 were read (Read_from_Head Off), and the crashes' last words
    // are there, one stream per run.
    let all = records(&p, "");
    assert!(!all.is_empty());
    assert!(
        all.iter().all(|r| r["time"]
            .as_str()
            .is_some_and(|t| t >= "2026-01-05T09:01:10")),
        "{all:?}"
    );
    let crashes = records(&p, "--filter-pattern '\"exiting with status 1\"'");
    assert!(crashes.len() >= 2, "{crashes:?}");
    let runs: std::collections::BTreeSet<&str> = crashes
        .iter()
        .map(|r| r["kubernetes"]["docker_id"].as_str().expect("an id"))
        .collect();
    assert_eq!(runs.len(), crashes.len(), "each crash is its own run");
    // And Container Insights publishes metrics from then on.
    let metrics = json(
        &p,
        "aws cloudwatch list-metrics --namespace ContainerInsights",
    );
    assert!(
        metrics["Metrics"].as_array().is_some_and(|m| !m.is_empty()),
        "{metrics}"
    );
}
