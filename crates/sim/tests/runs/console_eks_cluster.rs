//! `aws eks describe-cluster | list-clusters | update-kubeconfig`, `aws iam
//! list-open-id-connect-providers`, `kubectl cluster-info` and `kubectl api-resources`: the
//! cluster's endpoint, OIDC issuer, network and log types agree with every other command that
//! names them, and every resource type the API server lists gets an answer that is not "no
//! such type".

use crate::common;

use crate::say::{act, completions, eks_security, failed, printed};
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

#[test]
fn describe_cluster_names_the_issuer_irsa_trusts_and_the_endpoint_kubectl_uses() {
    let p = at("eks-irsa-trust-policy", 30);
    let c = json(&p, "aws eks describe-cluster --name analytics");
    let c = &c["cluster"];
    assert_eq!(c["name"], "analytics");
    assert_eq!(
        c["arn"],
        "arn:aws:eks:us-east-1:123456789012:cluster/analytics"
    );
    assert_eq!(c["status"], "ACTIVE");
    // The version kubectl's server reports (v1.31.5-eks-…).
    let version = printed(&p, "kubectl version");
    let minor = c["version"].as_str().expect("version");
    assert!(
        version.contains(&format!("Server Version: v{minor}.")),
        "{version}"
    );
    // The issuer: the one the IRSA role's trust policy federates, registered as a provider.
    let issuer = c["identity"]["oidc"]["issuer"].as_str().expect("issuer");
    let host = issuer.trim_start_matches("https://");
    let role = json(&p, "aws iam get-role --role-name reports-s3-reader");
    let federated =
        role["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Federated"]
            .as_str()
            .expect("a web identity trust");
    assert_eq!(
        federated,
        format!("arn:aws:iam::123456789012:oidc-provider/{host}")
    );
    let providers = json(&p, "aws iam list-open-id-connect-providers");
    assert_eq!(
        providers["OpenIDConnectProviderList"],
        serde_json::json!([{ "Arn": federated }])
    );
    // The endpoint: the one kubectl cluster-info prints, with the issuer's id.
    let endpoint = c["endpoint"].as_str().expect("endpoint");
    let id = issuer.rsplit('/').next().expect("an id");
    assert!(
        endpoint.starts_with(&format!("https://{id}.")),
        "{endpoint}"
    );
    let info = printed(&p, "kubectl cluster-info");
    assert_eq!(
        info,
        format!(
            "Kubernetes control plane is running at {endpoint}\nCoreDNS is running at {endpoint}/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        )
    );
    // The network: the VPC and subnets describe-vpcs and describe-subnets name.
    let vpcs = json(&p, "aws ec2 describe-vpcs");
    assert_eq!(c["resourcesVpcConfig"]["vpcId"], vpcs["Vpcs"][0]["VpcId"]);
    let subnets = json(&p, "aws ec2 describe-subnets");
    let mut ids: Vec<&str> = subnets["Subnets"]
        .as_array()
        .expect("subnets")
        .iter()
        .filter_map(|s| s["SubnetId"].as_str())
        .collect();
    let mut named: Vec<&str> = c["resourcesVpcConfig"]["subnetIds"]
        .as_array()
        .expect("subnetIds")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    ids.sort_unstable();
    named.sort_unstable();
    assert_eq!(named, ids);
    // The query the EKS User Guide uses to find the issuer.
    let out = printed(
        &p,
        "aws eks describe-cluster --name analytics --query cluster.identity.oidc.issuer --output text",
    );
    assert_eq!(out.trim(), issuer);
}

#[test]
fn logging_shows_the_control_plane_log_types_the_scenario_sends() {
    // eks-guardduty-audit sends none: GuardDuty still sees the audit log.
    let p = at("eks-guardduty-audit", 30);
    let c = json(&p, "aws eks describe-cluster --name prod");
    assert_eq!(
        c["cluster"]["logging"]["clusterLogging"],
        serde_json::json!([{
            "types": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            "enabled": false
        }])
    );
    // The same cluster with two of them on.
    let path = common::scenarios_dir().join("eks-guardduty-audit.ron");
    let text = std::fs::read_to_string(path).expect("the scenario");
    let text = text.replace(
        "security: (guardduty:",
        "security: (control_plane_logging: [Scheduler, Audit], guardduty:",
    );
    let mut p = Playback::new(common::parse(&text));
    p.seek(SimTime::from_secs(30));
    let c = json(&p, "aws eks describe-cluster --name prod");
    assert_eq!(
        c["cluster"]["logging"]["clusterLogging"],
        serde_json::json!([
            {"types": ["audit", "scheduler"], "enabled": true},
            {"types": ["api", "authenticator", "controllerManager"], "enabled": false},
        ])
    );
}

#[test]
fn a_cluster_without_a_registered_provider_lists_none() {
    let p = at("eks-rolling-update", 10);
    let v = json(&p, "aws iam list-open-id-connect-providers");
    assert_eq!(v["OpenIDConnectProviderList"], serde_json::json!([]));
}

#[test]
fn list_clusters_and_update_kubeconfig_name_the_clusters_context() {
    let p = at("eks-rolling-update", 10);
    let v = json(&p, "aws eks list-clusters");
    assert_eq!(v["clusters"], serde_json::json!(["demo"]));
    let context = printed(&p, "kubectl config current-context");
    assert_eq!(
        printed(
            &p,
            "aws eks update-kubeconfig --name demo --region us-east-1"
        ),
        format!(
            "Updated context {} in /home/learner/.kube/config\n",
            context.trim()
        )
    );
    assert!(
        failed(
            &p,
            "aws eks update-kubeconfig --name demo --region eu-west-1"
        )
        .contains("Orca simulates one Region, us-east-1")
    );
    assert!(failed(&p, "aws eks update-kubeconfig --name demo --alias dev").contains("--alias"));
    assert_eq!(
        failed(&p, "aws eks describe-cluster --name prod"),
        "\nAn error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: prod.\n"
    );
    assert!(
        failed(&p, "aws eks describe-cluster")
            .contains("the following arguments are required: --name")
    );
    // An ECS scenario has no EKS cluster.
    let p = at("ecs-rolling-update", 10);
    let v = json(&p, "aws eks list-clusters");
    assert_eq!(v["clusters"], serde_json::json!([]));
}

/// The `name.group` of every resource type `kubectl api-resources` lists.
fn listed(p: &Playback) -> Vec<String> {
    printed(p, "kubectl api-resources -o name")
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn every_listed_resource_type_is_served_or_said_to_be_unmodelled() {
    for scenario in ["eks-rolling-update", "eks-karpenter"] {
        let p = at(scenario, 30);
        let names = listed(&p);
        assert!(names.len() > 50, "{names:?}");
        for name in names {
            let line = format!("kubectl get {name}");
            let answer = match common::console_run(&p, &line) {
                orca_sim::console::Outcome::Print(s) | orca_sim::console::Outcome::Fail(s) => s,
                other => format!("{other:?}"),
            };
            assert!(
                !answer.contains("doesn't have a resource type"),
                "{scenario}: `{line}`: {answer}"
            );
        }
    }
}

#[test]
fn the_metrics_api_and_karpenters_resources_are_listed_when_served() {
    // metrics-server is created at 4:00 and answers a minute later.
    let before = at("eks-metrics-server-missing", 200);
    assert!(
        !listed(&before)
            .iter()
            .any(|n| n.ends_with(".metrics.k8s.io"))
    );
    let after = at("eks-metrics-server-missing", 320);
    let names = listed(&after);
    assert!(
        names.contains(&"nodes.metrics.k8s.io".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"pods.metrics.k8s.io".to_string()),
        "{names:?}"
    );
    assert!(!listed(&before).iter().any(|n| n.ends_with("karpenter.sh")));
    let karpenter = listed(&at("eks-karpenter", 10));
    assert!(karpenter.contains(&"nodepools.karpenter.sh".to_string()));
    assert!(karpenter.contains(&"ec2nodeclasses.karpenter.k8s.aws".to_string()));
    // Without Karpenter, kubectl says what a real cluster would have with it.
    let e = failed(&before, "kubectl get nodepools");
    assert!(e.contains("which a cluster running Karpenter has"), "{e}");
}

#[test]
fn api_resources_filters_and_sorts_as_kubectl_does() {
    let p = at("eks-rolling-update", 30);
    let table = printed(&p, "kubectl api-resources");
    let header = table.lines().next().expect("a header");
    assert!(header.starts_with("NAME"), "{header}");
    for column in ["SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(
        table
            .lines()
            .any(|l| l.split_whitespace().collect::<Vec<_>>()
                == ["deployments", "deploy", "apps/v1", "true", "Deployment"]),
        "{table}"
    );
    let cluster_scoped = printed(&p, "kubectl api-resources --namespaced=false --no-headers");
    assert!(!cluster_scoped.contains("NAMESPACED"));
    for line in cluster_scoped.lines() {
        assert_eq!(
            line.split_whitespace().rev().nth(1),
            Some("false"),
            "{line}"
        );
    }
    assert!(cluster_scoped.lines().any(|l| l.starts_with("nodes ")));
    assert_eq!(
        printed(&p, "kubectl api-resources --api-group=apps -o name"),
        "controllerrevisions.apps\ndaemonsets.apps\ndeployments.apps\nreplicasets.apps\nstatefulsets.apps\n"
    );
    let core = printed(&p, "kubectl api-resources --api-group= -o name");
    assert!(core.lines().all(|l| !l.contains('.')), "{core}");
    assert!(core.lines().any(|l| l == "pods"));
    let by_kind = printed(&p, "kubectl api-resources --sort-by=kind --no-headers");
    let kinds: Vec<&str> = by_kind
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .collect();
    assert!(kinds.is_sorted(), "{kinds:?}");
    assert!(failed(&p, "kubectl api-resources -o wide").contains("-o wide"));
    assert!(failed(&p, "kubectl api-resources --namespaced=maybe").contains("ParseBool"));
    assert!(failed(&p, "kubectl cluster-info dump").contains("cluster-info dump"));
}

#[test]
fn tab_offers_the_new_commands() {
    let p = at("eks-rolling-update", 10);
    let offered = completions(&p, "aws eks ");
    for op in ["describe-cluster", "list-clusters", "update-kubeconfig"] {
        assert!(offered.iter().any(|c| c == op), "{offered:?}");
    }
    let offered = completions(&p, "aws eks describe-cluster --name ");
    assert_eq!(offered, ["demo"]);
    let offered = completions(&p, "kubectl ");
    for cmd in ["cluster-info", "api-resources"] {
        assert!(offered.iter().any(|c| c == cmd), "{offered:?}");
    }
}

const AUDIT_ON: &str = r#"aws eks update-cluster-config --name prod --logging '{"clusterLogging":[{"types":["audit","api"],"enabled":true}]}'"#;

#[test]
fn turning_the_audit_log_on_sends_what_comes_after_to_cloudwatch() {
    // eks-guardduty-audit: an exec at 1:00 with every log type off, a cluster role binding at
    // 2:30.
    let mut p = at("eks-guardduty-audit", 90);
    let reply: Value = serde_json::from_str(&act(&mut p, AUDIT_ON)).expect("JSON");
    assert_eq!(reply["update"]["status"], "InProgress");
    assert_eq!(reply["update"]["type"], "LoggingUpdate");
    assert_eq!(
        reply["update"]["params"][0]["value"],
        r#"{"clusterLogging":[{"types":["audit","api"],"enabled":true}]}"#
    );
    let c = json(&p, "aws eks describe-cluster --name prod");
    assert_eq!(
        c["cluster"]["logging"]["clusterLogging"][0],
        serde_json::json!({"types": ["api", "audit"], "enabled": true})
    );
    // The same again changes nothing, and the API says so.
    assert!(
        failed(&p, AUDIT_ON).contains(
            "(InvalidParameterException) when calling the UpdateClusterConfig operation: No changes needed for the logging config provided"
        )
    );
    p.seek(SimTime::from_secs(160));
    let lines: Vec<String> = p
        .log()
        .iter()
        .filter(|e| e.at >= SimTime::from_secs(60))
        .map(|e| e.message().into_owned())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("audit log → /aws/eks/prod/cluster (stream kube-apiserver-audit-")),
        "{lines:?}"
    );
    assert!(lines.contains(
        &"audit log: not sent to CloudWatch Logs (the audit log type is off)".to_string()
    ));
    // What the panel shows: the binding's entry was sent, the exec's was not.
    let security = eks_security(&p);
    let audit = orca_sim::security::read::log_types(security, p.log(), 10).remove(1);
    assert!(audit.enabled);
    assert_eq!((audit.count, audit.not_sent), (1, 1));
    assert!(
        audit.entries[0]
            .1
            .starts_with("kubectl create clusterrolebinding")
    );
    // Seeking back before the change and forward again replays it.
    let before = p.log().len();
    p.seek(SimTime::from_secs(10));
    p.seek(SimTime::from_secs(160));
    assert_eq!(p.log().len(), before);
    let c = json(&p, "aws eks describe-cluster --name prod");
    assert_eq!(
        c["cluster"]["logging"]["clusterLogging"][0]["enabled"],
        true
    );
}

#[test]
fn update_cluster_config_refuses_what_the_api_and_the_cli_refuse() {
    let p = at("eks-guardduty-audit", 30);
    let e = failed(
        &p,
        r#"aws eks update-cluster-config --name prod --logging '{"clusterLogging":[{"types":["kubelet"],"enabled":true}]}'"#,
    );
    assert!(e.contains("Unknown log type kubelet"), "{e}");
    let e = failed(
        &p,
        "aws eks update-cluster-config --name prod --logging clusterLogging=[{types=[audit],enabled=true}]",
    );
    assert!(
        e.contains("Error parsing parameter '--logging': Invalid JSON"),
        "{e}"
    );
    let e = failed(
        &p,
        r#"aws eks update-cluster-config --name prod --logging '{"clusterLogging":[{"types":["audit"],"enabled":"yes"}]}'"#,
    );
    assert!(
        e.contains("Invalid type for parameter logging.clusterLogging[0].enabled"),
        "{e}"
    );
    let e = failed(
        &p,
        r#"aws eks update-cluster-config --name dev --logging '{"clusterLogging":[{"types":["audit"],"enabled":true}]}'"#,
    );
    assert!(e.contains("No cluster found for name: dev."), "{e}");
    // Turning off what is already off changes nothing.
    let e = failed(
        &p,
        r#"aws eks update-cluster-config --name prod --logging '{"clusterLogging":[{"types":["audit"],"enabled":false}]}'"#,
    );
    assert!(e.contains("No changes needed"), "{e}");
}

#[test]
fn a_scenario_can_turn_control_plane_logging_on_in_its_timeline() {
    let path = common::scenarios_dir().join("eks-guardduty-audit.ron");
    let text = std::fs::read_to_string(path).expect("the scenario");
    let with = |action: &str| {
        text.replace(
            "timeline: [",
            &format!("timeline: [\n        (at: 30, action: {action}),"),
        )
    };
    let mut p = Playback::new(common::parse(&with(
        "UpdateClusterLogging(types: [Audit], enabled: true)",
    )));
    p.seek(SimTime::from_secs(70));
    assert!(
        p.log()
            .iter()
            .any(|e| e.message().starts_with("audit log → /aws/eks/prod/cluster"))
    );
    let errors = orca_sim::scenario::parse(
        "x.ron",
        &with("UpdateClusterLogging(types: [], enabled: true)"),
    )
    .expect_err("no type");
    assert!(errors.to_string().contains("names no log type"), "{errors}");
}

#[test]
fn config_view_shows_the_kubeconfig_update_kubeconfig_writes() {
    let p = at("eks-irsa-trust-policy", 10);
    let context = printed(&p, "kubectl config current-context");
    let context = context.trim();
    let c = json(&p, "aws eks describe-cluster --name analytics");
    let endpoint = c["cluster"]["endpoint"].as_str().expect("endpoint");
    let view = printed(&p, "kubectl config view --minify");
    assert!(
        view.starts_with(
            "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n"
        ),
        "{view}"
    );
    assert!(
        view.contains(&format!("    server: {endpoint}\n  name: {context}\n")),
        "{view}"
    );
    assert!(
        view.contains(&format!("current-context: {context}\n")),
        "{view}"
    );
    // The user authenticates with `aws eks get-token` for this cluster and Region.
    assert!(
        view.contains(
            "      - eks\n      - get-token\n      - --cluster-name\n      - analytics\n"
        ),
        "{view}"
    );
    assert!(view.contains("      command: aws\n"), "{view}");
    // --raw shows the certificate authority's data describe-cluster gives.
    let raw = printed(&p, "kubectl config view --raw");
    let data = c["cluster"]["certificateAuthority"]["data"]
        .as_str()
        .expect("data");
    assert!(
        raw.contains(&format!("certificate-authority-data: {data}\n")),
        "{raw}"
    );
    assert!(failed(&p, "kubectl config view -o json").contains("YAML"));
    assert_eq!(
        completions(&p, "kubectl config "),
        ["current-context", "get-contexts", "view"]
    );
}
