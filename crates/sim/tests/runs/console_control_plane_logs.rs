//! `aws logs` on an EKS cluster's control plane log group: it exists once a log type has been
//! on, each type writes its own stream in its component's format, the audit log holds one
//! `audit.k8s.io/v1` event per kubectl call (readable with JSON filter patterns), and a type
//! turned off keeps what it sent but gets nothing more.

use crate::common;

use crate::say::{act, completions, failed, printed};
use orca_sim::{Playback, SimTime};
use serde_json::Value;

fn at(name: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(name));
    p.seek(SimTime::from_secs(secs));
    p
}

fn json(p: &Playback, line: &str) -> Value {
    serde_json::from_str(&printed(p, line)).unwrap_or_else(|e| panic!("`{line}`: {e}"))
}

fn logging(cluster: &str, types: &str, enabled: bool) -> String {
    format!(
        r#"aws eks update-cluster-config --name {cluster} --logging '{{"clusterLogging":[{{"types":[{types}],"enabled":{enabled}}}]}}'"#
    )
}

/// The messages of the events `filter-log-events` finds in `/aws/eks/<cluster>/cluster`.
fn messages(p: &Playback, cluster: &str, options: &str) -> Vec<String> {
    let v = json(
        p,
        &format!(
            "aws logs filter-log-events --log-group-name /aws/eks/{cluster}/cluster {options}"
        ),
    );
    v["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["message"].as_str().expect("a message").to_string())
        .collect()
}

#[test]
fn the_group_exists_once_a_log_type_is_on() {
    // eks-guardduty-audit starts with every log type off (the default).
    let mut p = at("eks-guardduty-audit", 30);
    assert_eq!(
        json(&p, "aws logs describe-log-groups")["logGroups"],
        serde_json::json!([])
    );
    assert!(
        failed(
            &p,
            "aws logs filter-log-events --log-group-name /aws/eks/prod/cluster"
        )
        .contains("(ResourceNotFoundException) when calling the FilterLogEvents operation: The specified log group does not exist.")
    );
    act(&mut p, &logging("prod", r#""audit""#, true));
    let groups = json(
        &p,
        "aws logs describe-log-groups --log-group-name-prefix /aws/eks",
    );
    assert_eq!(
        groups["logGroups"][0]["logGroupName"],
        "/aws/eks/prod/cluster"
    );
    // Created when the type was turned on: 0:30 after the scenario's start.
    let start = json(&p, "aws logs describe-log-groups")["logGroups"][0]["creationTime"]
        .as_u64()
        .expect("creationTime");
    p.seek(SimTime::from_secs(45));
    let streams = json(
        &p,
        "aws logs describe-log-streams --log-group-name /aws/eks/prod/cluster",
    );
    let streams = streams["logStreams"].as_array().expect("streams");
    assert_eq!(streams.len(), 1, "{streams:?}");
    assert_eq!(streams[0]["creationTime"].as_u64(), Some(start));
    assert!(
        streams[0]["logStreamName"]
            .as_str()
            .is_some_and(|n| n.starts_with("kube-apiserver-audit-") && n.len() == 21 + 32),
        "{streams:?}"
    );
}

#[test]
fn the_audit_log_holds_each_kubectl_call_as_json_with_the_caller_and_the_object() {
    let mut p = at("eks-guardduty-audit", 30);
    act(&mut p, &logging("prod", r#""audit""#, true));
    p.seek(SimTime::from_secs(200));
    // The exec at 1:00, found by its subresource.
    let exec = messages(
        &p,
        "prod",
        r#"--filter-pattern '{ $.objectRef.subresource = "exec" }'"#,
    );
    assert_eq!(exec.len(), 1, "{exec:?}");
    let e: Value = serde_json::from_str(&exec[0]).expect("one JSON audit event per line");
    assert_eq!(e["kind"], "Event");
    assert_eq!(e["apiVersion"], "audit.k8s.io/v1");
    assert_eq!(e["verb"], "create");
    assert_eq!(e["objectRef"]["namespace"], "kube-system");
    assert_eq!(e["responseStatus"]["code"], 101);
    // The pod is the one the timeline's exec reached (its command line is in the event log).
    let pod = e["objectRef"]["name"].as_str().expect("a pod");
    assert!(
        p.log()
            .iter()
            .any(|ev| ev.message() == format!("kubectl exec -n kube-system {pod} -- sh")),
        "{pod}"
    );
    assert_eq!(
        e["requestURI"],
        format!(
            "/api/v1/namespaces/kube-system/pods/{pod}/exec?command=sh&stderr=true&stdout=true"
        )
    );
    // The caller is the IAM role session the console runs as.
    let me = json(&p, "aws sts get-caller-identity");
    assert_eq!(e["user"]["extra"]["arn"][0], me["Arn"]);
    assert_eq!(e["user"]["username"], "kubernetes-admin");
    // The binding at 2:30: a create in the RBAC group, without a namespace.
    let bindings = messages(
        &p,
        "prod",
        r#"--filter-pattern '{ $.verb = "create" && $.objectRef.resource = clusterrolebindings }'"#,
    );
    assert_eq!(bindings.len(), 1, "{bindings:?}");
    let b: Value = serde_json::from_str(&bindings[0]).expect("JSON");
    assert_eq!(b["objectRef"]["name"], "anonymous-view");
    assert_eq!(b["objectRef"]["apiGroup"], "rbac.authorization.k8s.io");
    assert!(b["objectRef"].get("namespace").is_none());
    // A call the learner makes is audited too, once it is made.
    act(&mut p, "kubectl scale deployment/web --replicas=3");
    let scale = messages(
        &p,
        "prod",
        r#"--filter-pattern '{ $.objectRef.subresource = "scale" }'"#,
    );
    assert_eq!(scale.len(), 1, "{scale:?}");
    assert!(
        scale[0]
            .contains(r#""requestURI":"/apis/apps/v1/namespaces/default/deployments/web/scale""#)
    );
    // Numeric comparisons: of kubectl's calls, the exec's 101 and the binding's 201 are above
    // 100 (the scale's 200 too); the control plane's own requests are there beside them.
    assert_eq!(
        messages(
            &p,
            "prod",
            r#"--filter-pattern '{ $.responseStatus.code > 100 && $.user.username = "kubernetes-admin" }'"#
        )
        .len(),
        3
    );
    assert!(
        messages(
            &p,
            "prod",
            r#"--filter-pattern '{ $.user.username = "system:kube-scheduler" }'"#
        )
        .iter()
        .all(|m| m.contains(r#""subresource":"binding""#))
    );
}

#[test]
fn each_type_writes_its_components_lines_and_a_type_turned_off_gets_nothing_more() {
    // eks-failed-scheduling: at 0:30 the timeline scales batch to 4 and two pods fit nowhere.
    let mut p = at("eks-failed-scheduling", 10);
    act(
        &mut p,
        &logging("demo", r#""api","scheduler","controllerManager""#, true),
    );
    p.seek(SimTime::from_secs(60));
    let sched = messages(&p, "demo", "--log-stream-name-prefix kube-scheduler-");
    assert!(!sched.is_empty());
    assert!(
        sched.iter().all(|l| l.starts_with("I0105 09:00:30.000000")
            && l.contains(r#""Unable to schedule pod; no fit; waiting" pod="default/batch-"#)
            && l.contains("Insufficient cpu")),
        "{sched:?}"
    );
    let cm = messages(
        &p,
        "demo",
        "--log-stream-name-prefix kube-controller-manager- --filter-pattern ScalingReplicaSet",
    );
    assert_eq!(cm.len(), 1, "{cm:?}");
    assert!(
        cm[0].contains(r#""Event occurred" object="default/batch""#),
        "{cm:?}"
    );
    assert!(
        cm[0].contains(r#"kind="Deployment" apiVersion="apps/v1""#),
        "{cm:?}"
    );
    let api = messages(&p, "demo", "--log-stream-name-prefix kube-apiserver-");
    assert_eq!(api.len(), 1, "{api:?}");
    assert!(
        api[0].contains(
            r#""HTTP" verb="PATCH" URI="/apis/apps/v1/namespaces/default/deployments/batch/scale""#
        ) && api[0].ends_with("resp=200"),
        "{api:?}"
    );
    // The api type off, then another call: its stream stays, with the one line it had.
    act(&mut p, &logging("demo", r#""api""#, false));
    act(&mut p, "kubectl scale deployment/batch --replicas=2");
    p.seek(SimTime::from_secs(90));
    assert_eq!(
        messages(&p, "demo", "--log-stream-name-prefix kube-apiserver-"),
        api
    );
    let tail = printed(
        &p,
        "aws logs tail /aws/eks/demo/cluster --since 1h --log-stream-name-prefix kube-controller-manager --filter-pattern '?SuccessfulDelete ?\"Scaled down\"'",
    );
    assert!(tail.contains("Scaled down replica set"), "{tail}");
    assert!(tail.contains(r#"reason="SuccessfulDelete""#), "{tail}");
}

#[test]
fn bad_filter_patterns_are_refused_with_the_reason() {
    let mut p = at("eks-failed-scheduling", 10);
    act(&mut p, &logging("demo", r#""audit""#, true));
    let group = "aws logs filter-log-events --log-group-name /aws/eks/demo/cluster";
    assert!(
        failed(&p, &format!("{group} --filter-pattern '{{ $.verb = }}'")).contains(
            "(InvalidParameterException) when calling the FilterLogEvents operation: Invalid filter pattern: $.verb = needs a value"
        )
    );
    assert!(
        failed(&p, &format!("{group} --filter-pattern '{{ verb = 1 }}'"))
            .contains("is not a selector")
    );
    assert!(
        failed(
            &p,
            "aws logs tail /aws/eks/demo/cluster --filter-pattern '%ERR.R%'"
        )
        .contains("Orca's console does not apply regular expression filter patterns")
    );
}

#[test]
fn tab_offers_the_groups_and_the_named_groups_streams() {
    let mut p = at("eks-guardduty-audit", 30);
    assert_eq!(completions(&p, "aws logs tail "), Vec::<String>::new());
    act(&mut p, &logging("prod", r#""audit","scheduler""#, true));
    assert_eq!(completions(&p, "aws logs tail "), ["/aws/eks/prod/cluster"]);
    let streams = completions(
        &p,
        "aws logs get-log-events --log-group-name /aws/eks/prod/cluster --log-stream-name ",
    );
    assert_eq!(streams.len(), 2, "{streams:?}");
    assert!(
        streams[0].starts_with("kube-apiserver-audit-"),
        "{streams:?}"
    );
    assert!(streams[1].starts_with("kube-scheduler-"), "{streams:?}");
    let ops = completions(&p, "aws logs ");
    assert!(ops.iter().any(|o| o == "filter-log-events"), "{ops:?}");
    let flags = completions(&p, "aws logs filter-log-events ");
    assert!(flags.iter().any(|f| f == "--filter-pattern"), "{flags:?}");
}
