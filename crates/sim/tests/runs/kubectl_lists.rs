//! The kubectl commands a learner types first on a new cluster: `kubectl get all`,
//! `--show-labels`, `get namespaces`, `get endpoints` (which pods a Service sends traffic to),
//! `rollout history --revision`, `version` and `config current-context`.

use std::sync::Arc;

use crate::common;
use crate::say::{failed, printed};
use orca_sim::scenario::spec::Scenario;
use orca_sim::{Playback, SimTime};

fn scenario(name: &str) -> Arc<Scenario> {
    common::built_in_named(name)
}

/// eks-rolling-update at 0:40: ten old pods, the update's new ones partly ready.
fn mid_rollout() -> Playback {
    let mut p = Playback::new(scenario("eks-rolling-update"));
    p.seek(SimTime::from_secs(40));
    p
}

/// The tables of a multi-kind `kubectl get`, by the prefix of their first name.
fn sections(text: &str) -> Vec<String> {
    text.split("\n\n")
        .filter_map(|t| t.lines().nth(1))
        .filter_map(|row| {
            row.split_whitespace()
                .find(|w| w.contains('/'))
                .and_then(|w| w.split_once('/'))
                .map(|(kind, _)| kind.to_string())
        })
        .collect()
}

/// Every line of a table has its column `header` (not the first) start at the same place,
/// three spaces or more after the column before.
fn column_aligned(table: &str, header: &str) -> bool {
    let Some(at) = table
        .lines()
        .next()
        .and_then(|h| h.find(&format!("   {header}")))
        .map(|i| i + 3)
    else {
        return false;
    };
    table.lines().skip(1).all(|l| {
        l.get(at.saturating_sub(3)..at) == Some("   ")
            && l.get(at..at + 1).is_some_and(|c| c != " ")
    })
}

#[test]
fn get_all_lists_pods_services_and_workloads_of_the_namespace() {
    let p = mid_rollout();
    let all = printed(&p, "kubectl get all");
    assert_eq!(
        sections(&all),
        ["pod", "service", "deployment.apps", "replicaset.apps"],
        "no DaemonSet, StatefulSet or HPA in default:\n{all}"
    );
    let eks = p.world().eks.as_ref().expect("EKS");
    let pods = (0..eks.pods.len())
        .filter(|&i| !eks.pods[i].gone && eks.namespace_of(i) == "default")
        .count();
    assert_eq!(all.matches("\npod/web-").count(), pods, "{all}");
    for table in all.split("\n\n") {
        let second = table
            .lines()
            .next()
            .and_then(|h| h.split_whitespace().nth(1));
        assert!(column_aligned(table, second.unwrap_or("?")), "{table}");
    }
    // Under -A each table keeps its NAMESPACE column first; EKS's DaemonSets appear.
    let everywhere = printed(&p, "kubectl get all -A");
    assert_eq!(
        sections(&everywhere),
        [
            "pod",
            "service",
            "daemonset.apps",
            "deployment.apps",
            "replicaset.apps"
        ]
    );
    for table in everywhere.split("\n\n") {
        assert!(table.starts_with("NAMESPACE "), "{table}");
        assert!(column_aligned(table, "NAME"), "{table}");
    }
    assert!(everywhere.contains("\nkube-system   daemonset.apps/aws-node "));
    assert!(
        failed(&p, "kubectl get all web").contains("without names"),
        "names are refused with a note"
    );
    assert_eq!(
        printed(&p, "kubectl get all -n nowhere"),
        "No resources found in nowhere namespace.\n"
    );
}

#[test]
fn show_labels_adds_each_objects_labels_last() {
    let p = mid_rollout();
    let table = printed(&p, "kubectl get pods --show-labels");
    assert!(column_aligned(&table, "LABELS"), "{table}");
    let eks = p.world().eks.as_ref().expect("EKS");
    for row in table.lines().skip(1) {
        let name = row.split_whitespace().next().unwrap_or_default();
        let labels = row.split_whitespace().last().unwrap_or_default();
        let pod = eks
            .pods
            .iter()
            .position(|x| x.name == name)
            .expect("a listed pod");
        let hash = &eks.replica_sets[eks.pods[pod].replica_set].pod_template_hash;
        assert_eq!(labels, format!("app=web,pod-template-hash={hash}"), "{row}");
        assert!(name.contains(hash.as_str()), "{row}");
    }
    let nodes = printed(&p, "kubectl get nodes --show-labels");
    assert!(
        nodes
            .lines()
            .skip(1)
            .all(|l| l.contains("kubernetes.io/os=linux,node.kubernetes.io/instance-type=")),
        "sorted by key:\n{nodes}"
    );
    let ns = printed(&p, "kubectl get ns kube-system --show-labels");
    assert!(
        ns.ends_with("   kubernetes.io/metadata.name=kube-system\n"),
        "{ns}"
    );
}

#[test]
fn namespaces_are_the_four_of_every_cluster_and_the_workloads() {
    let p = mid_rollout();
    let names: Vec<String> = printed(&p, "kubectl get namespaces")
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        names,
        [
            "default Active",
            "kube-node-lease Active",
            "kube-public Active",
            "kube-system Active"
        ]
    );
    let yaml = printed(&p, "kubectl get ns kube-system -o yaml");
    assert!(
        yaml.starts_with("apiVersion: v1\nkind: Namespace\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("    kubernetes.io/metadata.name: kube-system\n"),
        "{yaml}"
    );
    assert_eq!(
        failed(&p, "kubectl get ns nope"),
        "Error from server (NotFound): namespaces \"nope\" not found\n"
    );
    let described = printed(&p, "kubectl describe namespace default");
    assert!(described.contains("Status:       Active\n"), "{described}");
}

#[test]
fn endpoints_are_the_ready_pods_and_not_ready_ones_get_no_traffic() {
    let p = mid_rollout();
    let eks = p.world().eks.as_ref().expect("EKS");
    let ips = |ready: bool| -> Vec<String> {
        let mut v: Vec<String> = (0..eks.pods.len())
            .filter(|&i| {
                let pod = &eks.pods[i];
                !pod.gone && pod.counts() && pod.ready == ready && eks.namespace_of(i) == "default"
            })
            .filter_map(|i| eks.pods[i].ip.clone())
            .collect();
        v.sort();
        v
    };
    let (ready, not_ready) = (ips(true), ips(false));
    assert!(ready.len() > 3 && !not_ready.is_empty(), "mid-rollout");
    let json = printed(&p, "kubectl get endpoints web -o json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let listed = |key: &str| -> Vec<String> {
        v["subsets"][0][key]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["ip"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(listed("addresses"), ready);
    assert_eq!(listed("notReadyAddresses"), not_ready);
    assert_eq!(v["subsets"][0]["ports"][0]["port"], 8080);
    // The table shows three, then how many more; describe svc says the same.
    let table = printed(&p, "kubectl get ep");
    let row = table
        .lines()
        .find(|l| l.starts_with("web "))
        .expect("a row for web");
    let shown = format!(
        "{} + {} more...",
        ready[..3]
            .iter()
            .map(|ip| format!("{ip}:8080"))
            .collect::<Vec<_>>()
            .join(","),
        ready.len() - 3
    );
    assert!(row.contains(&shown), "{row}");
    let svc = printed(&p, "kubectl describe svc web");
    assert!(
        svc.contains(&format!("Endpoints:                {shown}\n")),
        "{svc}"
    );
    let kubernetes = table
        .lines()
        .find(|l| l.starts_with("kubernetes "))
        .expect("the API server's endpoints");
    assert!(kubernetes.contains(":443,"), "{kubernetes}");
    let described = printed(&p, "kubectl describe endpoints web");
    assert!(
        described.contains(&format!("  NotReadyAddresses:  {}\n", not_ready.join(","))),
        "{described}"
    );
}

#[test]
fn rollout_history_shows_a_revisions_pod_template() {
    let mut p = Playback::new(scenario("eks-rolling-update"));
    p.seek(SimTime::from_secs(120));
    let first = printed(&p, "kubectl rollout history deployment/web --revision=1");
    assert!(
        first.starts_with("deployment.apps/web with revision #1\nPod Template:\n"),
        "{first}"
    );
    assert!(first.contains("    Image:      nginx:1.27\n"), "{first}");
    let second = printed(&p, "kubectl rollout history deployment web --revision=2");
    assert!(second.contains("    Image:      nginx:1.28\n"), "{second}");
    let eks = p.world().eks.as_ref().expect("EKS");
    let hash = &eks
        .replica_sets
        .iter()
        .find(|r| r.revision == 2)
        .expect("revision 2")
        .pod_template_hash;
    assert!(
        second.contains(&format!("\n        pod-template-hash={hash}\n")),
        "{second}"
    );
    assert_eq!(
        failed(&p, "kubectl rollout history deployment/web --revision=9"),
        "error: unable to find the specified revision\n"
    );
    // Without --revision, the list of revisions.
    assert!(printed(&p, "kubectl rollout history deployment/web").contains("REVISION"));
}

#[test]
fn version_and_context_name_the_eks_cluster() {
    let p = mid_rollout();
    let version = printed(&p, "kubectl version");
    assert!(
        version.ends_with("Server Version: v1.31.5-eks-5d632ec\n"),
        "{version}"
    );
    assert_eq!(
        printed(&p, "kubectl config current-context"),
        "arn:aws:eks:us-east-1:123456789012:cluster/demo\n"
    );
    let contexts = printed(&p, "kubectl config get-contexts");
    assert!(
        contexts
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("*   ")),
        "{contexts}"
    );
    assert!(failed(&p, "kubectl config use-context other").contains("not simulated"));
}

#[test]
fn tab_offers_all_namespaces_and_endpoints() {
    let p = mid_rollout();
    let offered = |line: &str| crate::say::completions(&p, line);
    assert_eq!(offered("kubectl get al"), ["all"]);
    assert_eq!(offered("kubectl get endp"), ["endpoints", "endpointslices"]);
    assert_eq!(offered("kubectl get namespaces kube-s"), ["kube-system"]);
    assert!(
        offered("kubectl describe al").is_empty(),
        "describe all is not offered"
    );
}

#[test]
fn no_headers_prints_the_rows_alone() {
    let p = mid_rollout();
    let with = printed(&p, "kubectl get pods");
    let without = printed(&p, "kubectl get pods --no-headers");
    assert_eq!(without, with.split_once('\n').map_or("", |(_, rows)| rows));
    let all = printed(&p, "kubectl get all --no-headers");
    assert!(
        all.lines().all(|l| l.is_empty() || !l.starts_with("NAME")),
        "{all}"
    );
    assert_eq!(
        all.split("\n\n").count(),
        4,
        "the tables stay apart:\n{all}"
    );
}

#[test]
fn a_deployment_object_carries_its_conditions() {
    let p = mid_rollout();
    let json = printed(&p, "kubectl get deploy web -o json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let conditions = v["status"]["conditions"].as_array().expect("conditions");
    let kinds: Vec<&str> = conditions
        .iter()
        .filter_map(|c| c["type"].as_str())
        .collect();
    assert_eq!(kinds, ["Available", "Progressing"]);
    assert_eq!(conditions[1]["reason"], "ReplicaSetUpdated", "mid-rollout");
    assert_eq!(
        printed(
            &p,
            "kubectl get deploy web -o jsonpath={.status.conditions[*].type}"
        ),
        "Available Progressing"
    );
    // Unavailable pods are counted only when there are some, as the API omits a zero.
    let mut done = Playback::new(scenario("eks-rolling-update"));
    done.seek(SimTime::from_secs(600));
    let v: serde_json::Value =
        serde_json::from_str(&printed(&done, "kubectl get deploy web -o json")).expect("JSON");
    assert!(v["status"].get("unavailableReplicas").is_none(), "{v}");
    assert_eq!(
        v["status"]["conditions"][1]["reason"],
        "NewReplicaSetAvailable"
    );
}
