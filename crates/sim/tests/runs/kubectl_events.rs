//! `kubectl events` (oldest first, `Kind/name` objects, repeats as `(xN over …)`, `--for`,
//! `--types`, `-A`, `-o`, `-w`) and the order of kubectl's lists: the API server's, by
//! `<namespace>/<name>`, so `kubectl get events` groups events by object.

use orca_sim::console::script::CommandOutput;
use orca_sim::{Playback, SimTime};
use serde_json::Value;

use crate::common;
use crate::say::{failed, printed};
use crate::watch::outputs;

const SANDBOX: &str = "eks-sandbox-bad-image";

fn at(scenario: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(scenario));
    p.seek(SimTime::from_secs(secs));
    p
}

/// The first column of a table's rows (or the one column of `-o custom-columns`).
fn first_column(text: &str) -> Vec<String> {
    text.lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// The first two words of each line (namespace and name).
fn first_two_columns<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<(String, String)> {
    lines
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.to_string()))
        })
        .collect()
}

#[test]
fn kubectl_events_lists_the_namespace_oldest_first() {
    let p = at(SANDBOX, 120);
    let table = printed(&p, "kubectl events");
    insta::assert_snapshot!("kubectl_events_bad_image", table);
    // Oldest first: the objects' last timestamps never go back.
    let list: Value = serde_json::from_str(&printed(&p, "kubectl events -o json")).expect("json");
    assert_eq!(list["kind"], "EventList");
    let last: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["lastTimestamp"].as_str())
        .collect();
    assert!(last.len() > 10, "{list}");
    assert!(last.windows(2).all(|w| w[0] <= w[1]), "{last:?}");
    // The same events as `kubectl get events`, in another order.
    let names = |line: &str| {
        let mut v: Vec<String> = printed(&p, line).lines().map(str::to_string).collect();
        v.sort();
        v
    };
    assert_eq!(
        names("kubectl events -o name"),
        names("kubectl get events -o name")
    );
    // A repeated event shows its count and the age of its first occurrence; OBJECT is Kind/name.
    let pulling = table
        .lines()
        .find(|l| l.contains("Pulling") && l.contains("Pod/web-54fb59598b-q979g"))
        .expect("the kubelet's pulls");
    assert!(pulling.contains(" (x4 over 90s)"), "{pulling}");
}

#[test]
fn kubectl_events_for_one_object_and_of_one_type() {
    let p = at(SANDBOX, 120);
    let pod = printed(&p, "kubectl events --for pod/web-54fb59598b-q979g");
    let objects: Vec<&str> = pod
        .lines()
        .skip(1)
        .filter_map(|l| {
            l.split("   ")
                .map(str::trim)
                .find(|c| c.starts_with("Pod/"))
        })
        .collect();
    assert!(objects.len() >= 5, "{pod}");
    assert!(
        objects.iter().all(|o| *o == "Pod/web-54fb59598b-q979g"),
        "{pod}"
    );
    let deploy = printed(&p, "kubectl events --for deployment/web");
    assert!(
        deploy
            .lines()
            .skip(1)
            .all(|l| l.contains("ScalingReplicaSet")),
        "{deploy}"
    );
    // `--types` takes either case and a list; the kubelet's failures are Warnings.
    let warnings = printed(&p, "kubectl events --types=warning");
    assert!(warnings.lines().count() > 1, "{warnings}");
    assert!(
        warnings.lines().skip(1).all(|l| l.contains(" Warning ")),
        "{warnings}"
    );
    assert_eq!(
        printed(&p, "kubectl events --types=Normal,Warning"),
        printed(&p, "kubectl events")
    );
    // -A adds the namespace; nothing found is said per namespace.
    assert!(printed(&p, "kubectl events -A").starts_with("NAMESPACE   LAST SEEN"));
    assert_eq!(
        printed(&p, "kubectl events -n kube-system"),
        "No events found in kube-system namespace.\n"
    );
    assert_eq!(
        printed(&p, "kubectl events -A --for pod/nothing"),
        "No events found.\n"
    );
    // kubectl's words for what it refuses.
    assert_eq!(
        failed(&p, "kubectl events --types=Error"),
        "error: valid --types are Normal or Warning\n"
    );
    assert_eq!(
        failed(&p, "kubectl events --for web"),
        "error: --for must be in resource/name form\n"
    );
    assert!(
        failed(&p, "kubectl events -o wide").starts_with(
            "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: go-template,"
        )
    );
    assert_eq!(
        failed(&p, "kubectl events --for widget/web"),
        "error: the server doesn't have a resource type \"widget\"\n"
    );
}

#[test]
fn kubectl_events_w_prints_what_is_there_then_each_new_or_repeated_event() {
    let out: Vec<CommandOutput> =
        outputs(SANDBOX, "0:50 kubectl events -w\n1:10 kubectl get pods\n");
    assert!(out[0].output.starts_with("LAST SEEN "), "{:?}", out[0]);
    let later: Vec<&CommandOutput> = out.iter().filter(|o| o.watched).collect();
    assert!(!later.is_empty(), "{out:?}");
    for o in &later {
        assert!(!o.output.contains("LAST SEEN "), "one header: {o:?}");
        assert!(
            o.at <= SimTime::from_secs(70),
            "stopped by the next command"
        );
        // A repeat prints the event again with its new count, as the watch's MODIFIED.
        for row in o.output.lines() {
            assert!(row.starts_with("0s"), "{row}");
        }
    }
    assert!(
        later
            .iter()
            .any(|o| o.output.lines().any(|l| l.contains("(x"))),
        "{later:?}"
    );
}

#[test]
fn kubectl_lists_objects_by_namespace_then_name() {
    let p = at("eks-rolling-update", 40);
    // Pods by name, not by age: the update's new pods list before the old ones.
    let pods = first_column(&printed(&p, "kubectl get pods"));
    let mut sorted = pods.clone();
    sorted.sort();
    assert_eq!(pods, sorted);
    assert!(pods.len() > 10, "{pods:?}");
    // Namespace by namespace under -A.
    let rows = first_two_columns(printed(&p, "kubectl get pods -A").lines().skip(1));
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted);
    assert_eq!(rows.first().map(|r| r.0.as_str()), Some("default"));
    assert_eq!(rows.last().map(|r| r.0.as_str()), Some("kube-system"));
    // Names given are printed in the order given.
    let asked = [pods[3].as_str(), pods[0].as_str()];
    assert_eq!(
        first_column(&printed(
            &p,
            &format!("kubectl get pods {} {}", asked[0], asked[1])
        )),
        asked
    );
    assert_eq!(
        first_column(&printed(&p, "kubectl get svc web kubernetes")),
        ["web", "kubernetes"]
    );
    assert_eq!(
        first_column(&printed(&p, "kubectl get svc")),
        ["kubernetes", "web"]
    );
    // describe, -o name and the ReplicaSets keep the same order.
    let described: Vec<String> = printed(&p, "kubectl describe pods")
        .lines()
        .filter_map(|l| l.strip_prefix("Name:"))
        .map(|n| n.trim().to_string())
        .collect();
    assert_eq!(described, pods);
    let named: Vec<String> = printed(&p, "kubectl get pods -o name")
        .lines()
        .map(|l| l.trim_start_matches("pod/").to_string())
        .collect();
    assert_eq!(named, pods);
    let rs = first_column(&printed(&p, "kubectl get rs"));
    assert_eq!(rs, ["web-5dd576864b", "web-7988b664b9"]);
    // kubectl get events: by name, so each object's events stay together.
    let objects: Vec<String> = printed(
        &p,
        "kubectl get events -o custom-columns=O:.involvedObject.name",
    )
    .lines()
    .skip(1)
    .map(str::to_string)
    .collect();
    let mut runs = objects.clone();
    runs.dedup();
    let mut distinct = runs.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        runs.len(),
        distinct.len(),
        "one run per object: {objects:?}"
    );
}

#[test]
fn tab_offers_kubectl_events_flags_and_the_objects_for_for() {
    let p = at(SANDBOX, 60);
    let flags = crate::say::completions(&p, "kubectl events ");
    for f in ["--for", "--types=Warning", "-A", "-w"] {
        assert!(flags.iter().any(|c| c == f), "{f}: {flags:?}");
    }
    let objects = crate::say::completions(&p, "kubectl events --for ");
    assert!(objects.iter().any(|c| c == "deployment/web"), "{objects:?}");
    assert!(
        objects.iter().any(|c| c.starts_with("pod/web-54fb59598b-")),
        "{objects:?}"
    );
    assert!(
        crate::say::completions(&p, "kubectl ev")
            .iter()
            .any(|c| c == "events"),
        "the command itself"
    );
}

#[test]
fn kubectl_top_lists_by_name_or_the_most_used_first() {
    let p = at("eks-autoscaling", 300);
    let usage = |line: &str, column: usize| -> Vec<(String, u64)> {
        printed(&p, line)
            .lines()
            .skip(1)
            .filter_map(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                let n = w
                    .get(column)?
                    .trim_end_matches(['m', 'i', 'M'])
                    .parse()
                    .ok()?;
                Some((w.first()?.to_string(), n))
            })
            .collect()
    };
    let by_name = usage("kubectl top pods", 1);
    assert!(by_name.len() > 2, "{by_name:?}");
    assert!(by_name.windows(2).all(|w| w[0].0 < w[1].0), "{by_name:?}");
    let by_cpu = usage("kubectl top pods --sort-by=cpu", 1);
    assert!(by_cpu.windows(2).all(|w| w[0].1 >= w[1].1), "{by_cpu:?}");
    let by_memory = usage("kubectl top pods --sort-by memory", 2);
    assert!(
        by_memory.windows(2).all(|w| w[0].1 >= w[1].1),
        "{by_memory:?}"
    );
    // Under -A, namespace by namespace.
    let all: Vec<String> = first_column(&printed(&p, "kubectl top pods -A"));
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    // -l selects the pods.
    let web = printed(&p, "kubectl top pods -l app=web");
    assert!(web.lines().skip(1).all(|l| l.starts_with("web-")), "{web}");
    let nodes = usage("kubectl top nodes --sort-by=cpu", 1);
    assert!(nodes.windows(2).all(|w| w[0].1 >= w[1].1), "{nodes:?}");
    assert_eq!(
        failed(&p, "kubectl top pods --sort-by=CPU"),
        "error: --sort-by accepts only cpu or memory\n"
    );
    // One pod by name; a name the Metrics API has no metrics for is its NotFound.
    let one = &by_name[0].0;
    let named = printed(&p, &format!("kubectl top pod {one}"));
    assert_eq!(first_column(&named), std::slice::from_ref(one), "{named}");
    assert_eq!(
        failed(&p, "kubectl top pod nothing"),
        "Error from server (NotFound): podmetrics.metrics.k8s.io \"default/nothing\" not found\n"
    );
    assert_eq!(
        failed(&p, "kubectl top pod nothing -l app=web"),
        "error: only one of NAME or --selector can be provided\n"
    );
    assert_eq!(
        failed(&p, "kubectl top node nothing"),
        "Error from server (NotFound): nodemetrics.metrics.k8s.io \"nothing\" not found\n"
    );
}

#[test]
fn kube_dns_fronts_coredns_and_eks_workloads_carry_their_add_ons_labels() {
    let p = at("eks-rolling-update", 120);
    // The Service every pod's DNS goes to, at the address dig asks.
    let svc = printed(&p, "kubectl get svc -n kube-system -o wide");
    let row = svc.lines().nth(1).expect("kube-dns");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(
        cells,
        [
            "kube-dns",
            "ClusterIP",
            "172.20.0.10",
            "<none>",
            "53/UDP,53/TCP,9153/TCP",
            "2m",
            "k8s-app=kube-dns"
        ],
        "{svc}"
    );
    // The Amazon EKS User Guide's way to find CoreDNS's pods.
    let pods = first_column(&printed(
        &p,
        "kubectl get pods -n kube-system -l k8s-app=kube-dns",
    ));
    assert_eq!(pods.len(), 2, "{pods:?}");
    assert!(pods.iter().all(|n| n.starts_with("coredns-")), "{pods:?}");
    // Its endpoints are those pods, port by port.
    let ips: Vec<String> = printed(
        &p,
        "kubectl get pods -n kube-system -l k8s-app=kube-dns -o custom-columns=IP:.status.podIP",
    )
    .lines()
    .skip(1)
    .map(|l| l.trim().to_string())
    .collect();
    let described = printed(&p, "kubectl describe svc kube-dns -n kube-system");
    insta::assert_snapshot!("describe_svc_kube_dns", described);
    let mut sorted = ips.clone();
    sorted.sort();
    let on = |port: u16| {
        sorted
            .iter()
            .map(|ip| format!("{ip}:{port}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    assert!(described.contains(&format!("Port:                     dns  53/UDP\nTargetPort:               53/UDP\nEndpoints:                {}\n", on(53))), "{described}");
    assert!(
        described.contains(&format!("Endpoints:                {}\n", on(9153))),
        "{described}"
    );
    let ep = printed(&p, "kubectl get ep kube-dns -n kube-system -o json");
    let v: Value = serde_json::from_str(&ep).expect("json");
    let ports: Vec<(&str, u64, &str)> = v["subsets"][0]["ports"]
        .as_array()
        .expect("ports")
        .iter()
        .filter_map(|p| {
            Some((
                p["name"].as_str()?,
                p["port"].as_u64()?,
                p["protocol"].as_str()?,
            ))
        })
        .collect();
    assert_eq!(
        ports,
        [
            ("dns", 53, "UDP"),
            ("dns-tcp", 53, "TCP"),
            ("metrics", 9153, "TCP")
        ]
    );
    // The DaemonSets select k8s-app, as the add-ons install them; the scenario's keep app=.
    let ds = printed(&p, "kubectl get ds -n kube-system -o wide");
    assert!(ds.contains("k8s-app=aws-node"), "{ds}");
    assert!(ds.contains("k8s-app=kube-proxy"), "{ds}");
    let web = printed(&p, "kubectl get deploy web -o wide");
    assert!(web.trim_end().ends_with("app=web"), "{web}");
    assert_eq!(
        printed(&p, "kubectl get pods -n kube-system -l app=coredns"),
        "No resources found in kube-system namespace.\n"
    );
    // CoreDNS's Deployment: its selector, and an IntOrString as the API serves it (a number,
    // or a percentage as a string).
    let coredns: Value = serde_json::from_str(&printed(
        &p,
        "kubectl get deploy coredns -n kube-system -o json",
    ))
    .expect("json");
    assert_eq!(
        coredns["spec"]["selector"]["matchLabels"]["k8s-app"],
        "kube-dns"
    );
    let rolling = &coredns["spec"]["strategy"]["rollingUpdate"];
    assert_eq!(rolling["maxUnavailable"], 1);
    assert_eq!(rolling["maxSurge"], "25%");
}

#[test]
fn a_daemonset_pod_is_controlled_by_its_daemonset_and_tolerates_what_the_controller_adds() {
    let p = at("eks-rolling-update", 120);
    let pod = printed(
        &p,
        "kubectl describe pod -n kube-system -l k8s-app=aws-node",
    );
    let first = pod.split("\n\n\n").next().expect("one pod");
    assert!(
        first.contains("Controlled By:    DaemonSet/aws-node\n"),
        "{first}"
    );
    // On the host network, the host port is the container's.
    assert!(
        first.contains("Port:           61678/TCP\n    Host Port:      61678/TCP\n"),
        "{first}"
    );
    let tolerations: Vec<&str> = first
        .lines()
        .skip_while(|l| !l.starts_with("Tolerations:"))
        .take_while(|l| !l.starts_with("Events:"))
        .map(|l| l.trim_start_matches("Tolerations:").trim())
        .collect();
    assert_eq!(tolerations.first(), Some(&"op=Exists"), "{first}");
    assert!(tolerations.contains(&"node.kubernetes.io/network-unavailable:NoSchedule op=Exists"));
    assert!(tolerations.contains(&"node.kubernetes.io/unreachable:NoExecute op=Exists"));
    assert_eq!(tolerations.len(), 8, "{tolerations:?}");
    // The DaemonSet's template: the host port and the toleration of every taint.
    let ds = printed(&p, "kubectl describe ds aws-node -n kube-system");
    assert!(ds.contains("Host Port:  61678/TCP"), "{ds}");
    assert!(ds.contains("Tolerations:     op=Exists"), "{ds}");
    // A Deployment's pod keeps the admission plugin's two, for 300 s.
    let web = printed(&p, "kubectl describe pods -l app=web");
    assert!(
        web.contains("Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n"),
        "{web}"
    );
    let yaml = printed(
        &p,
        "kubectl get pods -n kube-system -l k8s-app=aws-node -o yaml",
    );
    assert!(yaml.contains("kind: DaemonSet\n"), "{yaml}");
}

#[test]
fn describe_node_lists_its_pods_by_namespace_then_name() {
    let p = at("eks-rolling-update", 120);
    let node = printed(&p, "kubectl describe node ip-10-0-0-4.ec2.internal");
    let rows = first_two_columns(
        node.lines()
            .skip_while(|l| !l.starts_with("Non-terminated Pods:"))
            .skip(3)
            .take_while(|l| l.starts_with("  ")),
    );
    let mut sorted = rows.clone();
    sorted.sort();
    assert!(rows.len() >= 5, "{node}");
    assert_eq!(rows, sorted, "{node}");
    assert_eq!(rows[0].0, "default");
    // aws-node requests no memory: a zero quantity prints as 0.
    let aws_node = node
        .lines()
        .find(|l| l.contains("aws-node-"))
        .expect("the VPC CNI's pod");
    assert!(aws_node.contains("25m (1%)"), "{aws_node}");
    assert!(!aws_node.contains("0Mi"), "{aws_node}");
}

#[test]
fn endpointslices_hold_every_pod_with_its_readiness_node_and_zone() {
    let p = at("eks-rolling-update", 40);
    let table = printed(&p, "kubectl get endpointslices -A");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0][..5],
        [
            "default",
            "kubernetes",
            "IPv4",
            "443",
            "10.0.15.254,10.0.31.254"
        ]
    );
    assert!(
        rows[1][1].starts_with("web-") && rows[1][1].len() == "web-".len() + 5,
        "{table}"
    );
    assert_eq!(rows[1][3], "8080");
    assert_eq!(
        rows[2][..4],
        ["kube-system", rows[2][1], "IPv4", "53,53,9153"]
    );
    // Every pod with an address: the ready ones and the update's new pods not ready yet.
    let slice: Value = serde_json::from_str(&printed(
        &p,
        "kubectl get endpointslices -l kubernetes.io/service-name=web -o json",
    ))
    .expect("json");
    let endpoints = slice["items"][0]["endpoints"]
        .as_array()
        .expect("endpoints");
    let ready = endpoints
        .iter()
        .filter(|e| e["conditions"]["ready"] == true)
        .count();
    let eps = printed(&p, "kubectl get ep web -o json");
    let eps: Value = serde_json::from_str(&eps).expect("json");
    let count = |key: &str| eps["subsets"][0][key].as_array().map_or(0, Vec::len);
    assert_eq!(ready, count("addresses"));
    assert_eq!(endpoints.len() - ready, count("notReadyAddresses"));
    assert!(
        endpoints.len() - ready > 0,
        "mid-rollout: some not ready yet"
    );
    for e in endpoints {
        assert!(
            e["zone"]
                .as_str()
                .is_some_and(|z| z.starts_with("us-east-1")),
            "{e}"
        );
        assert_eq!(e["targetRef"]["kind"], "Pod");
    }
    assert_eq!(
        slice["items"][0]["metadata"]["ownerReferences"][0]["kind"],
        "Service"
    );
    // describe matches by prefix, as kubectl's describe does.
    let described = printed(&p, "kubectl describe endpointslice web");
    insta::assert_snapshot!(
        "describe_endpointslice_web_head",
        described.lines().take(20).collect::<Vec<_>>().join("\n")
    );
    assert_eq!(
        failed(&p, "kubectl get endpointslice nope"),
        "Error from server (NotFound): endpointslices.discovery.k8s.io \"nope\" not found\n"
    );
}
