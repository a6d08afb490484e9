//! IAM changed at the console: `aws iam update-assume-role-policy` and `put-role-policy` take
//! effect at the pods' next call, malformed documents are refused with IAM's message and change
//! nothing, the listing operations show what the account holds, and EKS Pod Identity
//! associations are listed, described and created.

use crate::common;

use crate::say::{act, completions, failed, printed};
use orca_sim::{Playback, SimTime};

fn at(name: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(name));
    p.seek(SimTime::from_secs(secs));
    p
}

/// The log lines since `from` seconds.
fn lines_since(p: &Playback, from: u64) -> Vec<String> {
    p.log()
        .iter()
        .filter(|e| e.at >= SimTime::from_secs(from))
        .map(|e| e.log_line())
        .collect()
}

/// The IRSA trust policy of the EKS User Guide for `sub`, on the scenario's cluster issuer.
fn irsa_trust(p: &Playback, sub: &str) -> String {
    let issuer = printed(
        p,
        "aws eks describe-cluster --name analytics --query cluster.identity.oidc.issuer --output text",
    );
    let issuer = issuer.trim().trim_start_matches("https://");
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/{issuer}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"{issuer}:sub":"{sub}","{issuer}:aud":"sts.amazonaws.com"}}}}}}]}}"#
    )
}

#[test]
fn a_trust_policy_fixed_at_the_console_lets_the_next_call_through() {
    // eks-irsa-trust-policy's trust names ...:default:report until the timeline fixes it at 2:00.
    let mut p = at("eks-irsa-trust-policy", 30);
    let sub = "aws iam get-role --role-name reports-s3-reader";
    assert!(printed(&p, sub).contains("\"system:serviceaccount:default:report\""));
    let doc = irsa_trust(&p, "system:serviceaccount:default:reports");
    let reply = act(
        &mut p,
        &format!(
            "aws iam update-assume-role-policy --role-name reports-s3-reader --policy-document '{doc}'"
        ),
    );
    assert_eq!(reply, "", "update-assume-role-policy prints nothing");
    assert!(printed(&p, sub).contains("\"system:serviceaccount:default:reports\""));
    p.seek(SimTime::from_secs(50));
    let since = lines_since(&p, 30);
    // The log shows the command as it was typed, the document included.
    let typed = format!(
        "aws iam update-assume-role-policy --role-name reports-s3-reader --policy-document '{doc}'"
    );
    assert!(since.iter().any(|l| l.contains(&typed)), "{since:#?}");
    // The pods' next calls (every 15 s) succeed without a restart.
    let ok: Vec<&String> = since
        .iter()
        .filter(|l| {
            l.contains(
                "200 OK as arn:aws:iam::123456789012:role/reports-s3-reader (web identity token)",
            )
        })
        .collect();
    assert_eq!(ok.len(), 2, "one success per pod: {since:#?}");
}

#[test]
fn a_permissions_policy_replaced_at_the_console_decides_the_next_call() {
    // After 2:00 the trust is right and the role may read the bucket.
    let mut p = at("eks-irsa-trust-policy", 150);
    let typed = r#"aws iam put-role-policy --role-name reports-s3-reader --policy-name reports-s3-reader-policy --policy-document '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::reports-bucket"}}'"#;
    act(&mut p, typed);
    let policy = printed(
        &p,
        "aws iam get-role-policy --role-name reports-s3-reader --policy-name reports-s3-reader-policy --query PolicyDocument.Statement",
    );
    let v: serde_json::Value = serde_json::from_str(&policy).expect("JSON");
    assert_eq!(v[0]["Action"], "s3:ListBucket");
    assert_eq!(v.as_array().map(Vec::len), Some(1));
    p.seek(SimTime::from_secs(170));
    let since = lines_since(&p, 150);
    assert!(since.iter().any(|l| l.contains(typed)), "{since:#?}");
    assert!(
        since.iter().any(|l| l.contains(
            "is not authorized to perform: s3:GetObject on resource: \"arn:aws:s3:::reports-bucket/2026/12/summary.csv\" because no identity-based policy allows the s3:GetObject action"
        )),
        "{since:#?}"
    );
}

#[test]
fn malformed_documents_are_refused_with_iams_message_and_change_nothing() {
    let p = at("eks-irsa-trust-policy", 30);
    let before = printed(&p, "aws iam get-role --role-name reports-s3-reader");
    let put = |doc: &str| {
        failed(
            &p,
            &format!(
                "aws iam put-role-policy --role-name reports-s3-reader --policy-name reports-s3-reader-policy --policy-document '{doc}'"
            ),
        )
    };
    assert_eq!(
        put(r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject"}}"#),
        "\nAn error occurred (MalformedPolicyDocument) when calling the PutRolePolicy operation: Policy statement must contain resources.\n"
    );
    assert_eq!(
        put("{not json"),
        "\nAn error occurred (MalformedPolicyDocument) when calling the PutRolePolicy operation: Syntax errors in policy.\n"
    );
    let trust = |doc: &str| {
        failed(
            &p,
            &format!(
                "aws iam update-assume-role-policy --role-name reports-s3-reader --policy-document '{doc}'"
            ),
        )
    };
    assert_eq!(
        trust(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}"#
        ),
        "\nAn error occurred (MalformedPolicyDocument) when calling the UpdateAssumeRolePolicy operation: Has prohibited field Resource\n"
    );
    assert_eq!(
        trust(
            r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}}"#
        ),
        "\nAn error occurred (MalformedPolicyDocument) when calling the UpdateAssumeRolePolicy operation: AssumeRole policy may only specify STS AssumeRole actions.\n"
    );
    // Valid IAM that Orca does not model, a policy name Orca does not keep, a missing role, a
    // missing file.
    assert!(trust(r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}}"#)
        .contains("nothing was changed"));
    assert!(
        failed(&p, r#"aws iam put-role-policy --role-name reports-s3-reader --policy-name extra --policy-document '{}'"#)
            .contains("named reports-s3-reader-policy")
    );
    assert_eq!(
        failed(
            &p,
            "aws iam update-assume-role-policy --role-name nobody --policy-document '{}'"
        ),
        "\nAn error occurred (NoSuchEntity) when calling the UpdateAssumeRolePolicy operation: The role with name nobody cannot be found.\n"
    );
    assert!(
        failed(&p, "aws iam update-assume-role-policy --role-name reports-s3-reader --policy-document file://trust.json")
            .starts_with("\nError parsing parameter '--policy-document': Unable to load paramfile file://trust.json:")
    );
    assert_eq!(
        printed(&p, "aws iam get-role --role-name reports-s3-reader"),
        before
    );
}

#[test]
fn the_listing_operations_show_the_accounts_roles() {
    let p = at("eks-irsa-trust-policy", 10);
    assert_eq!(
        printed(
            &p,
            "aws iam list-roles --query 'Roles[].RoleName' --output text"
        ),
        "eksNodeRole\treports-s3-reader\n"
    );
    let roles: serde_json::Value =
        serde_json::from_str(&printed(&p, "aws iam list-roles")).expect("JSON");
    assert!(roles["Roles"][1].get("AssumeRolePolicyDocument").is_some());
    assert!(
        roles["Roles"][1].get("RoleLastUsed").is_none(),
        "ListRoles leaves it out"
    );
    assert_eq!(
        printed(
            &p,
            "aws iam list-role-policies --role-name reports-s3-reader --query PolicyNames --output text"
        ),
        "reports-s3-reader-policy\n"
    );
    assert_eq!(
        printed(
            &p,
            "aws iam list-attached-role-policies --role-name reports-s3-reader"
        ),
        "{\n    \"AttachedPolicies\": []\n}"
    );
    assert!(failed(&p, "aws iam list-role-policies --role-name nobody").contains("(NoSuchEntity)"));
    assert!(failed(&p, "aws iam list-users").contains("update-assume-role-policy"));
}

#[test]
fn pod_identity_associations_are_listed_described_and_created() {
    let mut p = at("eks-pod-identity-vs-irsa", 30);
    let list = "aws eks list-pod-identity-associations --cluster-name payments --query 'associations[].serviceAccount' --output text";
    assert_eq!(printed(&p, list), "ledger\tnotifier\n");
    let id = printed(
        &p,
        "aws eks list-pod-identity-associations --cluster-name payments --service-account notifier --query 'associations[0].associationId' --output text",
    );
    let id = id.trim();
    assert!(id.starts_with("a-") && id.len() == 19, "{id}");
    let described: serde_json::Value = serde_json::from_str(&printed(
        &p,
        &format!("aws eks describe-pod-identity-association --cluster-name payments --association-id {id}"),
    ))
    .expect("JSON");
    assert_eq!(
        described["association"]["roleArn"],
        "arn:aws:iam::123456789012:role/notifier-sqs"
    );
    assert_eq!(
        described["association"]["associationArn"],
        format!("arn:aws:eks:us-east-1:123456789012:podidentityassociation/payments/{id}")
    );
    assert!(
        failed(&p, "aws eks create-pod-identity-association --cluster-name payments --namespace default --service-account ledger --role-arn arn:aws:iam::123456789012:role/ledger-pi")
            .contains("(ResourceInUseException)")
    );
    assert!(
        failed(&p, "aws eks create-pod-identity-association --cluster-name payments --namespace default --service-account legacy --role-arn arn:aws:iam::123456789012:role/nobody")
            .contains("(InvalidParameterException)")
    );
    assert!(
        failed(&p, "aws eks create-pod-identity-association --cluster-name payments --namespace tools --service-account legacy --role-arn arn:aws:iam::123456789012:role/notifier-sqs")
            .contains("default namespace")
    );
    assert!(
        failed(
            &p,
            "aws eks list-pod-identity-associations --cluster-name other"
        )
        .contains("(ResourceNotFoundException)")
    );
    let reply = act(
        &mut p,
        "aws eks create-pod-identity-association --cluster-name payments --namespace default --service-account legacy --role-arn arn:aws:iam::123456789012:role/notifier-sqs",
    );
    let created: serde_json::Value = serde_json::from_str(&reply).expect("JSON");
    assert_eq!(created["association"]["serviceAccount"], "legacy");
    assert_eq!(
        created["association"]["createdAt"],
        "2026-01-05T09:00:30+00:00"
    );
    assert_eq!(printed(&p, list), "ledger\tnotifier\tlegacy\n");
    // The reply names the association as it was stored.
    let stored = printed(
        &p,
        "aws eks list-pod-identity-associations --cluster-name payments --service-account legacy --query 'associations[0].associationId' --output text",
    );
    assert_eq!(created["association"]["associationId"], stored.trim());
}

#[test]
fn tab_completes_iam_and_pod_identity() {
    let p = at("eks-pod-identity-vs-irsa", 10);
    assert!(completions(&p, "aws iam ").contains(&"update-assume-role-policy".to_string()));
    assert!(completions(&p, "aws iam get-role --role-name ").contains(&"ledger-pi".to_string()));
    assert!(
        completions(
            &p,
            "aws iam put-role-policy --role-name ledger-pi --policy-name "
        )
        .contains(&"ledger-pi-policy".to_string())
    );
    assert!(
        completions(
            &p,
            "aws eks create-pod-identity-association --cluster-name payments --service-account "
        )
        .contains(&"notifier".to_string())
    );
    assert!(completions(&p, "kubectl get ").contains(&"serviceaccounts".to_string()));
    assert!(completions(&p, "kubectl annotate serviceaccount ").contains(&"ledger".to_string()));
    assert!(
        completions(&p, "kubectl annotate serviceaccount ledger ")
            .contains(&"eks.amazonaws.com/role-arn=".to_string())
    );
    assert!(
        failed(&p, "kubectl annotate deployment ledger team=payments")
            .contains("annotates service accounts only")
    );
    let ids = completions(
        &p,
        "aws eks describe-pod-identity-association --cluster-name payments --association-id ",
    );
    assert_eq!(ids.len(), 2, "{ids:?}");
}

#[test]
fn describe_pod_shows_what_the_webhook_injected() {
    let p = at("eks-pod-identity-vs-irsa", 30);
    // `-l` picks the ledger pods only (it used to describe every pod).
    let ledger = printed(&p, "kubectl describe pods -l app=ledger");
    assert_eq!(
        ledger.matches("\nName:").count() + usize::from(ledger.starts_with("Name:")),
        2,
        "{ledger}"
    );
    assert!(
        !ledger.contains("notifier-") && !ledger.contains("legacy-"),
        "{ledger}"
    );
    // ledger's service account has the IRSA annotation and a Pod Identity association: both
    // sets of variables, and IRSA's wins in the SDK's chain.
    for want in [
        "      AWS_ROLE_ARN:                            arn:aws:iam::123456789012:role/ledger-dynamodb\n",
        "      AWS_WEB_IDENTITY_TOKEN_FILE:             /var/run/secrets/eks.amazonaws.com/serviceaccount/token\n",
        "      AWS_CONTAINER_CREDENTIALS_FULL_URI:      http://169.254.170.23/v1/credentials\n",
        "      /var/run/secrets/eks.amazonaws.com/serviceaccount from aws-iam-token (ro)\n",
        "  aws-iam-token:\n    Type:                    Projected",
    ] {
        assert!(ledger.contains(want), "{want:?} in\n{ledger}");
    }
    let notifier = printed(&p, "kubectl describe pods -l app=notifier");
    assert!(notifier.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE:"));
    assert!(!notifier.contains("AWS_ROLE_ARN"), "{notifier}");
    let legacy = printed(&p, "kubectl describe pods -l app=legacy");
    assert!(legacy.contains("    Environment:    <none>\n"), "{legacy}");
    assert!(
        legacy.contains("Volumes:                     <none>\n"),
        "{legacy}"
    );
    assert_eq!(
        failed(&p, "kubectl describe pod x -l app=legacy"),
        "error: name cannot be provided when a selector is specified"
    );
    assert_eq!(
        printed(&p, "kubectl describe pods -l app=none"),
        "No resources found in default namespace.\n"
    );
}

#[test]
fn an_annotation_made_at_the_console_is_in_the_audit_log() {
    let mut p = at("eks-irsa-trust-policy", 20);
    act(
        &mut p,
        r#"aws eks update-cluster-config --name analytics --logging '{"clusterLogging":[{"types":["audit"],"enabled":true}]}'"#,
    );
    act(
        &mut p,
        "kubectl annotate serviceaccount reports eks.amazonaws.com/role-arn=arn:aws:iam::123456789012:role/reports-s3-reader --overwrite",
    );
    p.seek(SimTime::from_secs(40));
    let found: serde_json::Value = serde_json::from_str(&printed(
        &p,
        r#"aws logs filter-log-events --log-group-name /aws/eks/analytics/cluster --filter-pattern '{ $.objectRef.resource = "serviceaccounts" }'"#,
    ))
    .expect("JSON");
    let events = found["events"].as_array().expect("events");
    assert_eq!(events.len(), 1, "{found}");
    let audit: serde_json::Value =
        serde_json::from_str(events[0]["message"].as_str().expect("a message")).expect("JSON");
    assert_eq!(audit["verb"], "patch");
    assert_eq!(
        audit["requestURI"],
        "/api/v1/namespaces/default/serviceaccounts/reports?fieldManager=kubectl-annotate"
    );
    assert_eq!(audit["objectRef"]["name"], "reports");
}

#[test]
fn a_deleted_pod_identity_association_reaches_only_new_pods() {
    let mut p = at("eks-pod-identity-vs-irsa", 30);
    let id = printed(
        &p,
        "aws eks list-pod-identity-associations --cluster-name payments --service-account notifier --query 'associations[0].associationId' --output text",
    );
    let id = id.trim().to_string();
    let delete = format!(
        "aws eks delete-pod-identity-association --cluster-name payments --association-id {id}"
    );
    // The reply is the association deleted.
    let deleted: serde_json::Value = serde_json::from_str(&act(&mut p, &delete)).expect("JSON");
    assert_eq!(deleted["association"]["associationId"], id.as_str());
    assert_eq!(deleted["association"]["serviceAccount"], "notifier");
    assert_eq!(
        deleted["association"]["roleArn"],
        "arn:aws:iam::123456789012:role/notifier-sqs"
    );
    let list = "aws eks list-pod-identity-associations --cluster-name payments --query 'associations[].serviceAccount' --output text";
    assert_eq!(printed(&p, list), "ledger\n");
    for gone in [
        delete.clone(),
        format!(
            "aws eks describe-pod-identity-association --cluster-name payments --association-id {id}"
        ),
    ] {
        assert!(
            failed(&p, &gone).contains("(ResourceNotFoundException)"),
            "{gone}"
        );
    }
    // The pod that runs keeps what the webhook gave it; a pod created now gets nothing.
    act(&mut p, "kubectl scale deployment/notifier --replicas=2");
    p.seek(SimTime::from_secs(60));
    let notifier = printed(&p, "kubectl describe pods -l app=notifier");
    assert_eq!(
        notifier
            .matches("AWS_CONTAINER_CREDENTIALS_FULL_URI:")
            .count(),
        1,
        "{notifier}"
    );
    assert_eq!(
        notifier.matches("    Environment:    <none>\n").count(),
        1,
        "{notifier}"
    );
    assert!(
        completions(
            &p,
            "aws eks delete-pod-identity-association --cluster-name payments --association-id "
        )
        .len()
            == 1
    );
    // The session's log line, and the whole session replays from its saved scenario.
    assert!(
        p.full_log().iter().any(|e| e.message().contains(&format!(
            "aws eks delete-pod-identity-association --cluster-name payments --association-id {id}"
        ))),
        "the log line"
    );
    let saved = orca_sim::scenario::to_ron(p.scenario()).expect("serializes");
    let again = orca_sim::scenario::parse("saved.ron", &saved).unwrap_or_else(|e| panic!("{e}"));
    let mut sim = orca_sim::Simulation::new(std::sync::Arc::new(again));
    sim.advance_to(sim.end());
    assert_eq!(sim.log(), p.full_log().as_slice());
}

#[test]
fn the_timeline_checks_a_deleted_associations_namespace_and_world() {
    use orca_sim::scenario::spec::Action;
    common::assert_checks_object_name_and_world(
        "eks-pod-identity-vs-irsa",
        |namespace| {
            vec![Action::DeletePodIdentityAssociation {
                service_account: "notifier".into(),
                namespace: namespace.into(),
            }]
        },
        "default",
        "Team_A",
    );
}
