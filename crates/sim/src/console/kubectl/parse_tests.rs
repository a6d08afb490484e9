//! How kubectl command lines parse.
use super::*;

fn p(line: &str) -> Result<Command, String> {
    let words = super::super::super::words::split(line).expect("words");
    parse(&words[1..])
}

#[test]
fn resources_are_named_every_way_kubectl_accepts() {
    for line in [
        "kubectl get deploy web",
        "kubectl get deployments.apps web",
        "kubectl get deployment/web",
    ] {
        assert!(
            matches!(p(line), Ok(Command::Get { kind: Kind::Deployment, ref names, .. }) if names == &["web"]),
            "{line}"
        );
    }
    assert!(matches!(
        p("kubectl get po -owide -l app=web"),
        Ok(Command::Get { kind: Kind::Pod, output: Output::Wide, selector: Some(ref s), .. }) if s == "app=web"
    ));
    assert!(matches!(
        p("kubectl get pods -o=json"),
        Ok(Command::Get {
            output: Output::Json,
            ..
        })
    ));
}

#[test]
fn namespaces_come_from_n_and_a_anywhere_on_the_line() {
    let scope = |line: &str| {
        let words = super::super::super::words::split(line).expect("words");
        parse_line(&words[1..]).map(|(_, s)| s)
    };
    let system = Ok(Scope::Namespace("kube-system".into()));
    assert_eq!(scope("kubectl get pods"), Ok(Scope::default()));
    assert_eq!(scope("kubectl get pods -n kube-system"), system);
    assert_eq!(scope("kubectl get pods --namespace=kube-system"), system);
    assert_eq!(scope("kubectl -n kube-system get pods"), system);
    assert_eq!(
        scope("kubectl describe deploy coredns -nkube-system"),
        system
    );
    assert_eq!(scope("kubectl get pods -A"), Ok(Scope::All));
    assert_eq!(scope("kubectl get pods -n kube-system -A"), Ok(Scope::All));
    assert_eq!(scope("kubectl top pods --all-namespaces"), Ok(Scope::All));
    assert!(
        scope("kubectl scale deploy/web -A --replicas=2")
            .is_err_and(|e| e.starts_with("error: unknown shorthand flag: 'A' in -A\n"))
    );
    assert_eq!(
        p("kubectl get ds aws-node -n kube-system"),
        Ok(Command::Get {
            kind: Kind::DaemonSet,
            names: vec!["aws-node".into()],
            output: Output::Table,
            selector: None,
            template: None,
            sort_by: None,
            field_selector: None,
            watch: None,
            show_labels: false,
            no_headers: false,
        })
    );
}

#[test]
fn acting_commands_parse_in_their_usual_forms() {
    assert_eq!(
        p("kubectl scale deployment/web --replicas=5"),
        Ok(Command::Scale {
            kind: Kind::Deployment,
            name: "web".into(),
            replicas: 5
        })
    );
    assert_eq!(
        p("kubectl scale --replicas 2 deploy web"),
        Ok(Command::Scale {
            kind: Kind::Deployment,
            name: "web".into(),
            replicas: 2
        })
    );
    assert_eq!(
        p("kubectl set image deployment/web web=nginx:1.28"),
        Ok(Command::SetImage {
            name: "web".into(),
            images: vec![("web".into(), "nginx:1.28".into())]
        })
    );
    assert_eq!(
        p("kubectl rollout undo deployment/web --to-revision=2"),
        Ok(Command::Rollout {
            verb: RolloutVerb::Undo,
            name: "web".into(),
            to_revision: Some(2),
            wait: Default::default(),
            dry_run: None,
        })
    );
    assert_eq!(
        p("kubectl rollout undo deployment/web --dry-run=server"),
        Ok(Command::Rollout {
            verb: RolloutVerb::Undo,
            name: "web".into(),
            to_revision: None,
            wait: Default::default(),
            dry_run: Some(DryRun::Server),
        })
    );
    assert_eq!(
        p("kubectl drain ip-10-0-1-23.ec2.internal --ignore-daemonsets"),
        Ok(Command::Drain {
            node: "ip-10-0-1-23.ec2.internal".into(),
            ignore_daemonsets: true
        })
    );
    assert_eq!(
        p("kubectl delete pod web-1 pod-2"),
        Ok(Command::DeletePod {
            names: vec!["web-1".into(), "pod-2".into()],
            selector: None,
            dry_run: None,
        })
    );
    assert_eq!(
        p("kubectl delete pod web-1 --dry-run=server"),
        Ok(Command::DeletePod {
            names: vec!["web-1".into()],
            selector: None,
            dry_run: Some(DryRun::Server),
        })
    );
    assert_eq!(
        p("kubectl delete pod web-1 --dry-run=maybe"),
        Err(
            "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n"
                .into()
        )
    );
    assert_eq!(
        p("kubectl apply -f web.yaml"),
        Ok(Command::Apply {
            file: "web.yaml".into(),
            dry_run: None,
        })
    );
    assert_eq!(
        p("kubectl apply -f web.yaml --dry-run=client"),
        Ok(Command::Apply {
            file: "web.yaml".into(),
            dry_run: Some(DryRun::Client),
        })
    );
    assert!(p("kubectl apply -f web.yaml --dry-run=maybe").is_err());
}

#[test]
fn wrong_input_gets_kubectl_answers() {
    assert_eq!(
        p("kubectl scal deployment/web --replicas=3"),
        Err(
            "error: unknown command \"scal\" for \"kubectl\"\n\nDid you mean this?\n\tscale\n"
                .into()
        )
    );
    assert_eq!(
        p("kubectl get podz"),
        Err("error: the server doesn't have a resource type \"podz\"\n".into())
    );
    assert_eq!(
        p("kubectl scale deployment/web"),
        Err("error: required flag(s) \"replicas\" not set\n".into())
    );
    assert!(
        p("kubectl scale deployment/web --replica=3")
            .is_err_and(|e| e.starts_with("error: unknown flag: --replica\n"))
    );
    assert!(
        p("kubectl get pods -z")
            .is_err_and(|e| e.starts_with("error: unknown shorthand flag: 'z' in -z"))
    );
    assert!(
        p("kubectl get")
            .is_err_and(|e| e.starts_with("error: You must provide one or more resources"))
    );
    assert!(
        p("kubectl rollout undoo deployment/web")
            .is_err_and(|e| e.contains("Did you mean this?\n\tundo"))
    );
    assert!(p("kubectl get pods -o table").is_err_and(|e| e.contains("unable to match a printer")));
    assert!(p("kubectl get pod web-1 -A").is_err_and(
        |e| e == "error: a resource cannot be retrieved by name across all namespaces\n"
    ));
    assert!(
        p("kubectl logs web-1 -A")
            .is_err_and(|e| e.starts_with("error: unknown shorthand flag: 'A' in -A\n"))
    );
    assert!(
        p("kubectl exec web-1 -- sh")
            .is_err_and(|e| e.starts_with("Orca does not simulate `kubectl exec`"))
    );
}

#[test]
fn several_kinds_separated_by_commas_are_one_get() {
    assert!(matches!(
        p("kubectl get pv,pvc"),
        Ok(Command::GetKinds { ref kinds, .. })
            if kinds == &[Kind::PersistentVolume, Kind::PersistentVolumeClaim]
    ));
    assert_eq!(
        p("kubectl get pv,podz").err().as_deref(),
        Some("error: the server doesn't have a resource type \"podz\"\n")
    );
}

#[test]
fn get_all_lists_the_all_category_once_and_takes_no_names() {
    let kinds = |line: &str| match p(line) {
        Ok(Command::GetKinds { kinds, .. }) => Ok(kinds),
        Ok(other) => Err(format!("{other:?}")),
        Err(e) => Err(e),
    };
    assert_eq!(kinds("kubectl get all"), Ok(Kind::ALL.to_vec()));
    assert_eq!(
        kinds("kubectl get ALL -n kube-system"),
        Ok(Kind::ALL.to_vec())
    );
    let mut with_nodes = Kind::ALL.to_vec();
    with_nodes.push(Kind::Node);
    assert_eq!(kinds("kubectl get all,nodes,pods"), Ok(with_nodes));
    assert!(p("kubectl get all web").is_err_and(|e| e.contains("without names")));
    assert!(matches!(
        p("kubectl get pods --show-labels"),
        Ok(Command::Get {
            show_labels: true,
            ..
        })
    ));
    assert!(matches!(
        p("kubectl get ns"),
        Ok(Command::Get {
            kind: Kind::Namespace,
            ..
        })
    ));
    assert!(matches!(
        p("kubectl get ep web"),
        Ok(Command::Get { kind: Kind::Endpoints, ref names, .. }) if names == &["web"]
    ));
}

#[test]
fn a_real_resource_orca_does_not_model_is_not_called_unknown() {
    // Service accounts are read before this parser (`service_accounts.rs`).
    let e = p("kubectl get secrets").expect_err("not modelled");
    assert!(e.contains("does not model secrets"), "{e}");
    let e = p("kubectl get ConfigMaps").expect_err("not modelled");
    assert!(e.contains("does not model configmaps"), "{e}");
    assert_eq!(
        p("kubectl get podz").expect_err("a typo"),
        "error: the server doesn't have a resource type \"podz\"\n"
    );
}
