//! ServiceAccounts at the console: `kubectl get|describe serviceaccounts` show IRSA's
//! annotation, and `kubectl annotate serviceaccount` changes it under kubectl's rules
//! (`--overwrite`, `KEY-`), as the timeline's AnnotateServiceAccount; pods created afterwards
//! get the new role.

use crate::common;

use crate::say::{act, failed, printed, run};
use orca_sim::console::Outcome;
use orca_sim::{Playback, SimTime};

const REPORTS_ROLE: &str = "arn:aws:iam::123456789012:role/reports-s3-reader";
const OTHER_ROLE: &str = "arn:aws:iam::123456789012:role/reports-v2";

fn at(name: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(name));
    p.seek(SimTime::from_secs(secs));
    p
}

/// The first column of each row of a table (after its header).
fn first_column(table: &str) -> Vec<&str> {
    table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect()
}

#[test]
fn get_lists_the_scenarios_accounts_and_each_namespaces_default() {
    let p = at("eks-irsa-trust-policy", 30);
    let table = printed(&p, "kubectl get sa");
    assert_eq!(
        table
            .lines()
            .next()
            .map(str::split_whitespace)
            .map(Iterator::collect::<Vec<_>>),
        Some(vec!["NAME", "SECRETS", "AGE"]),
        "{table}"
    );
    assert_eq!(first_column(&table), ["default", "reports"], "{table}");
    let reports = table
        .lines()
        .find(|l| l.starts_with("reports "))
        .unwrap_or_else(|| panic!("{table}"));
    assert_eq!(
        reports.split_whitespace().collect::<Vec<_>>(),
        ["reports", "0", "30s"]
    );
    // Every spelling of the type, and the flags before the command.
    for line in [
        "kubectl get serviceaccounts",
        "kubectl get serviceaccount",
        "kubectl -n default get sa",
        "kubectl get sa -n default -o wide",
    ] {
        assert_eq!(printed(&p, line), table, "{line}");
    }
    assert_eq!(
        printed(&p, "kubectl get sa -o name"),
        "serviceaccount/default\nserviceaccount/reports\n"
    );
    assert_eq!(
        printed(&p, "kubectl get sa/reports --no-headers")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["reports", "0", "30s"]
    );
    // The EKS add-ons' accounts are in kube-system; the Pod Identity Agent has none.
    let system = printed(&p, "kubectl get sa -n kube-system");
    assert_eq!(
        first_column(&system),
        [
            "aws-node",
            "coredns",
            "default",
            "kube-proxy",
            "metrics-server"
        ],
        "{system}"
    );
    let all = printed(&p, "kubectl get serviceaccounts -A");
    assert!(all.starts_with("NAMESPACE "), "{all}");
    let rows: Vec<(&str, &str)> = all
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut c = l.split_whitespace();
            Some((c.next()?, c.next()?))
        })
        .collect();
    for want in [
        ("default", "reports"),
        ("kube-system", "aws-node"),
        ("kube-system", "coredns"),
        ("kube-system", "kube-proxy"),
        ("kube-public", "default"),
        ("kube-node-lease", "default"),
    ] {
        assert!(rows.contains(&want), "{want:?} in {all}");
    }
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted, "sorted by namespace, then name");
    assert!(!all.contains("eks-pod-identity-agent"), "{all}");
}

#[test]
fn metrics_servers_account_comes_with_its_add_on() {
    // eks-metrics-server-missing creates the add-on at 4:00.
    let mut p = at("eks-metrics-server-missing", 200);
    let before = printed(&p, "kubectl get sa -n kube-system");
    assert!(!before.contains("metrics-server"), "{before}");
    p.seek(SimTime::from_secs(270));
    let after = printed(
        &p,
        "kubectl get sa metrics-server -n kube-system --no-headers",
    );
    assert_eq!(
        after.split_whitespace().collect::<Vec<_>>(),
        ["metrics-server", "0", "30s"]
    );
}

#[test]
fn yaml_json_and_jsonpath_carry_the_role_annotation() {
    let p = at("eks-irsa-trust-policy", 30);
    let yaml = printed(&p, "kubectl get sa reports -o yaml");
    assert!(
        yaml.starts_with("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains(&format!("    eks.amazonaws.com/role-arn: {REPORTS_ROLE}\n")),
        "{yaml}"
    );
    assert!(
        yaml.contains("  name: reports\n  namespace: default\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  uid: ") && yaml.contains("  resourceVersion: \""),
        "{yaml}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&printed(&p, "kubectl get sa -o json")).expect("JSON");
    assert_eq!(json["kind"], "List");
    let items = json["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["metadata"]["name"], "default");
    assert!(items[0]["metadata"].get("annotations").is_none());
    assert_eq!(
        items[1]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
        REPORTS_ROLE
    );
    assert_eq!(
        printed(
            &p,
            r"kubectl get sa reports -o jsonpath='{.metadata.annotations.eks\.amazonaws\.com/role-arn}'"
        ),
        REPORTS_ROLE
    );
}

#[test]
fn describe_shows_the_annotation_in_kubectls_shape() {
    let p = at("eks-irsa-trust-policy", 30);
    assert_eq!(
        printed(&p, "kubectl describe sa reports"),
        format!(
            "Name:                reports\nNamespace:           default\nLabels:              <none>\nAnnotations:         eks.amazonaws.com/role-arn: {REPORTS_ROLE}\nImage pull secrets:  <none>\nMountable secrets:   <none>\nTokens:              <none>\nEvents:              <none>\n"
        )
    );
    // Every account of the namespace, as kubectl separates them.
    let both = printed(&p, "kubectl describe serviceaccounts");
    assert!(both.starts_with("Name:                default\n"), "{both}");
    assert!(
        both.contains("Events:              <none>\n\n\nName:                reports\n"),
        "{both}"
    );
    assert!(
        printed(&p, "kubectl describe sa aws-node -n kube-system")
            .contains("Namespace:           kube-system\nLabels:              <none>\nAnnotations:         <none>\n")
    );
}

#[test]
fn names_that_are_not_there_are_not_found() {
    let p = at("eks-irsa-trust-policy", 30);
    let nf = "Error from server (NotFound): serviceaccounts \"report\" not found\n";
    assert_eq!(failed(&p, "kubectl get sa report"), nf);
    assert_eq!(failed(&p, "kubectl describe sa report"), nf);
    assert_eq!(
        failed(
            &p,
            "kubectl annotate sa report eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/x"
        ),
        nf
    );
    // reports is in default, not in kube-system.
    assert_eq!(
        failed(&p, "kubectl get sa reports -n kube-system"),
        "Error from server (NotFound): serviceaccounts \"reports\" not found\n"
    );
    // Found and missing names: the found ones, then the errors.
    let mixed = printed(&p, "kubectl get sa reports report");
    assert!(mixed.contains("reports ") && mixed.ends_with(nf), "{mixed}");
    assert_eq!(
        printed(&p, "kubectl get sa -n nothing-here"),
        "No resources found in nothing-here namespace.\n"
    );
    assert_eq!(
        failed(&p, "kubectl get sa reports -A"),
        "error: a resource cannot be retrieved by name across all namespaces\n"
    );
}

#[test]
fn annotate_follows_kubectls_overwrite_rule_and_changes_the_account() {
    let mut p = at("eks-irsa-trust-policy", 30);
    let set =
        format!("kubectl annotate serviceaccount reports eks.amazonaws.com/role-arn={OTHER_ROLE}");
    assert_eq!(
        failed(&p, &set),
        format!(
            "error: --overwrite is false but found the following declared annotation(s): 'eks.amazonaws.com/role-arn' already has a value ({REPORTS_ROLE})\n"
        )
    );
    // The same value is refused too: kubectl checks the key, not the value.
    assert!(
        failed(
            &p,
            &format!("kubectl annotate sa reports eks.amazonaws.com/role-arn={REPORTS_ROLE}")
        )
        .contains("--overwrite is false")
    );
    // --dry-run prints kubectl's reply and changes nothing.
    assert_eq!(
        printed(&p, &format!("{set} --overwrite --dry-run=client")),
        "serviceaccount/reports annotated (dry run)\n"
    );
    assert!(printed(&p, "kubectl describe sa reports").contains(REPORTS_ROLE));
    assert_eq!(
        act(&mut p, &format!("{set} --overwrite")),
        "serviceaccount/reports annotated"
    );
    let described = printed(&p, "kubectl describe sa reports");
    assert!(
        described.contains(&format!(
            "Annotations:         eks.amazonaws.com/role-arn: {OTHER_ROLE}\n"
        )),
        "{described}"
    );
    // The run's log holds the change.
    assert!(
        p.log().iter().any(|e| e.message()
            == format!("kubectl annotate serviceaccount reports eks.amazonaws.com/role-arn={OTHER_ROLE} --overwrite")),
        "the annotation is in the log"
    );
    // Removing needs no --overwrite.
    assert_eq!(
        act(
            &mut p,
            "kubectl annotate sa/reports eks.amazonaws.com/role-arn-"
        ),
        "serviceaccount/reports annotated"
    );
    assert!(printed(&p, "kubectl describe sa reports").contains("Annotations:         <none>\n"));
    assert!(!printed(&p, "kubectl get sa reports -o yaml").contains("annotations"));
    // Removing an annotation that is not there is no error to kubectl.
    assert_eq!(
        act(
            &mut p,
            "kubectl annotate sa reports eks.amazonaws.com/role-arn-"
        ),
        "serviceaccount/reports annotated"
    );
    // Now absent, it is set without --overwrite.
    assert_eq!(act(&mut p, &set), "serviceaccount/reports annotated");
    assert!(printed(&p, "kubectl describe sa reports").contains(OTHER_ROLE));
    // The namespace's default account takes the annotation too, and stays one account.
    assert_eq!(
        act(
            &mut p,
            &format!("kubectl annotate sa default eks.amazonaws.com/role-arn={REPORTS_ROLE}")
        ),
        "serviceaccount/default annotated"
    );
    let table = printed(&p, "kubectl get sa");
    assert_eq!(first_column(&table), ["default", "reports"], "{table}");
    assert!(printed(&p, "kubectl describe sa default").contains(REPORTS_ROLE));
}

#[test]
fn annotate_refuses_what_orca_does_not_model_and_what_kubectl_refuses() {
    let p = at("eks-irsa-trust-policy", 30);
    let key = "eks.amazonaws.com/role-arn";
    let refusals = [
        (
            format!("kubectl annotate sa aws-node -n kube-system {key}={OTHER_ROLE}"),
            "annotates the service accounts of the default namespace",
        ),
        (
            "kubectl annotate sa reports team=analytics".to_string(),
            "models one annotation of a service account",
        ),
        (
            format!("kubectl annotate sa reports {key}=x {key}-"),
            "error: can not both modify and remove the following annotation(s) in the same command: eks.amazonaws.com/role-arn",
        ),
        (
            "kubectl annotate sa reports".to_string(),
            "error: at least one annotation update is required",
        ),
        (
            format!("kubectl annotate sa {key}=x reports"),
            "error: all resources must be specified before annotation changes: reports",
        ),
        (
            format!("kubectl annotate sa {key}=x"),
            "no name was specified",
        ),
    ];
    for (line, why) in refusals {
        let e = failed(&p, &line);
        assert!(e.contains(why), "`{line}`: {e}");
    }
    // Another kind: the console says what it annotates.
    assert!(
        failed(&p, "kubectl annotate deployment reports a=b")
            .contains("annotates service accounts only")
    );
    // A list with other kinds is refused with what to do, not called unmodelled.
    let e = failed(&p, "kubectl get sa,pods");
    assert!(e.contains("on their own"), "{e}");
}

#[test]
fn a_scenario_without_iam_lists_the_default_accounts_and_annotates_none() {
    let p = at("eks-rolling-update", 10);
    let table = printed(&p, "kubectl get sa");
    assert_eq!(first_column(&table), ["default"], "{table}");
    let e = failed(
        &p,
        &format!("kubectl annotate sa default eks.amazonaws.com/role-arn={OTHER_ROLE}"),
    );
    assert!(e.contains("no iam section"), "{e}");
}

#[test]
fn a_new_annotation_reaches_the_pods_created_afterwards_and_names_their_account() {
    // notifier's account has only a Pod Identity association, no IRSA annotation.
    let mut p = at("eks-pod-identity-vs-irsa", 30);
    let listed = printed(&p, "kubectl get sa");
    assert_eq!(first_column(&listed), ["default", "ledger", "notifier"]);
    let pods = |p: &Playback| -> Vec<String> {
        first_column(&printed(p, "kubectl get pods"))
            .into_iter()
            .filter(|n| n.starts_with("notifier-"))
            .map(String::from)
            .collect()
    };
    let before = pods(&p);
    let pod = before.first().expect("a notifier pod");
    // The pod names its account.
    assert!(
        printed(&p, &format!("kubectl describe pod {pod}"))
            .contains("Service Account:  notifier\n")
    );
    assert!(
        printed(&p, &format!("kubectl get pod {pod} -o yaml"))
            .contains("  serviceAccountName: notifier\n")
    );
    let legacy = first_column(&printed(&p, "kubectl get pods"))
        .into_iter()
        .find(|n| n.starts_with("legacy-"))
        .map(String::from)
        .expect("a legacy pod");
    assert!(
        printed(&p, &format!("kubectl describe pod {legacy}"))
            .contains("Service Account:  default\n")
    );
    let arn = "arn:aws:iam::123456789012:role/ledger-dynamodb";
    // No annotation yet: no --overwrite needed.
    assert_eq!(
        act(
            &mut p,
            &format!("kubectl annotate sa notifier eks.amazonaws.com/role-arn={arn}")
        ),
        "serviceaccount/notifier annotated"
    );
    let env_of = |p: &Playback, pod: &str| {
        p.world()
            .eks
            .as_ref()
            .and_then(|k| k.iam.as_ref())
            .and_then(|i| i.pods.get(pod))
            .and_then(|w| w.env.clone())
            .and_then(|e| e.aws_role_arn)
    };
    p.seek(SimTime::from_secs(35));
    assert_eq!(env_of(&p, pod), None, "a running pod keeps what it got");
    let Outcome::Act { actions, .. } = run(&p, "kubectl rollout restart deployment notifier")
    else {
        panic!("rollout restart did not act");
    };
    for a in actions {
        p.intervene(a);
    }
    p.seek(SimTime::from_secs(120));
    let after = pods(&p);
    let new = after
        .iter()
        .find(|n| !before.contains(n))
        .unwrap_or_else(|| panic!("a new notifier pod in {after:?}"));
    assert_eq!(env_of(&p, new).as_deref(), Some(arn));
}

#[test]
fn create_makes_an_account_that_annotate_then_gives_a_role() {
    let mut p = at("eks-irsa-trust-policy", 30);
    // A client dry run writes the manifest and asks the API server nothing: the namespace only
    // when -n gave one, no creation time, and even a taken name goes through.
    assert_eq!(
        printed(
            &p,
            "kubectl create serviceaccount billing --dry-run=client -o yaml"
        ),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  creationTimestamp: null\n  name: billing\n"
    );
    assert_eq!(
        printed(
            &p,
            "kubectl create sa billing -n default --dry-run=client -o yaml"
        ),
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  creationTimestamp: null\n  name: billing\n  namespace: default\n"
    );
    assert_eq!(
        printed(&p, "kubectl create sa reports --dry-run=client"),
        "serviceaccount/reports created (dry run)\n"
    );
    // A server dry run, and the real call, meet the API server's rules.
    assert_eq!(
        failed(&p, "kubectl create sa reports --dry-run=server"),
        "error: failed to create serviceaccount: serviceaccounts \"reports\" already exists\n"
    );
    assert_eq!(
        failed(&p, "kubectl create serviceaccount default"),
        "error: failed to create serviceaccount: serviceaccounts \"default\" already exists\n"
    );
    let invalid = failed(&p, "kubectl create sa Billing_API");
    assert!(
        invalid.starts_with(
            "error: failed to create serviceaccount: ServiceAccount \"Billing_API\" is invalid: metadata.name: Invalid value: \"Billing_API\": a lowercase RFC 1123 subdomain must consist of"
        ),
        "{invalid}"
    );
    assert_eq!(
        printed(&p, "kubectl create sa billing --dry-run=server -o name"),
        "serviceaccount/billing\n"
    );
    assert_eq!(
        failed(&p, "kubectl create serviceaccount"),
        "error: exactly one NAME is required, got 0\nSee 'kubectl create serviceaccount -h' for help and examples\n"
    );
    assert!(failed(&p, "kubectl create sa a b").contains("exactly one NAME is required, got 2"));
    assert!(
        failed(&p, "kubectl create sa billing -n kube-system")
            .contains("default namespace, where the scenario's pods run")
    );
    // Nothing of that created an account.
    assert_eq!(
        first_column(&printed(&p, "kubectl get sa")),
        ["default", "reports"]
    );

    assert_eq!(
        act(&mut p, "kubectl create serviceaccount billing"),
        "serviceaccount/billing created"
    );
    let table = printed(&p, "kubectl get sa");
    assert_eq!(
        first_column(&table),
        ["billing", "default", "reports"],
        "{table}"
    );
    // Its AGE counts from its creation, not from the start of the run.
    p.seek(SimTime::from_secs(120));
    assert_eq!(
        printed(&p, "kubectl get sa billing --no-headers")
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["billing", "0", "90s"]
    );
    assert!(printed(&p, "kubectl describe sa billing").contains("Annotations:         <none>\n"));
    assert_eq!(
        failed(&p, "kubectl create sa billing"),
        "error: failed to create serviceaccount: serviceaccounts \"billing\" already exists\n"
    );
    // IRSA's next step: the annotation.
    assert_eq!(
        act(
            &mut p,
            &format!("kubectl annotate sa billing eks.amazonaws.com/role-arn={OTHER_ROLE}")
        ),
        "serviceaccount/billing annotated"
    );
    assert!(printed(&p, "kubectl describe sa billing").contains(OTHER_ROLE));
    // The log announces the call, and the audit log records it as the API server saw it.
    assert!(
        p.log()
            .iter()
            .any(|e| e.message() == "kubectl create serviceaccount billing"),
        "the creation is in the log"
    );
    let audited = &crate::say::eks_security(&p).audited;
    let created = audited
        .iter()
        .find(|c| c.verb == "create" && c.resource == "serviceaccounts")
        .unwrap_or_else(|| panic!("{audited:?}"));
    assert_eq!(
        (
            created.method,
            created.request_uri.as_str(),
            created.code,
            created.command.as_str()
        ),
        (
            "POST",
            "/api/v1/namespaces/default/serviceaccounts?fieldManager=kubectl-create&fieldValidation=Strict",
            201,
            "kubectl create serviceaccount billing"
        )
    );
}

#[test]
fn the_timeline_checks_a_created_accounts_name_and_world() {
    use orca_sim::scenario::spec::Action;
    common::assert_checks_object_name_and_world(
        "eks-irsa-trust-policy",
        |name| {
            vec![Action::CreateServiceAccount {
                service_account: name.into(),
            }]
        },
        "billing",
        "Billing_API",
    );
}
