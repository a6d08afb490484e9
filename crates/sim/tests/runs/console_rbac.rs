//! Kubernetes RBAC at the console: the binding GuardDuty reports as AnonymousAccessGranted is
//! a ClusterRoleBinding the learner can list, describe, test with `kubectl auth can-i --as`
//! and delete — after which anonymous callers are refused again and the audit log holds the
//! deletion.

use crate::common;

use crate::say::{act, completions, eks_security, failed, printed};
use orca_sim::{Playback, SimTime};

fn at(name: &str, secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(name));
    p.seek(SimTime::from_secs(secs));
    p
}

const ANONYMOUS_LISTS_PODS: &str = "kubectl auth can-i list pods --as=system:anonymous";

#[test]
fn the_anonymous_binding_opens_reads_until_it_is_deleted() {
    // eks-guardduty-audit binds view to system:anonymous at 2:30.
    let mut p = at("eks-guardduty-audit", 60);
    assert_eq!(printed(&p, ANONYMOUS_LISTS_PODS), "no\n");
    // The cluster creator may do anything (system:masters is bound to cluster-admin).
    assert_eq!(printed(&p, "kubectl auth can-i '*' '*'"), "yes\n");
    assert_eq!(printed(&p, "kubectl auth can-i delete nodes"), "yes\n");
    p.seek(SimTime::from_secs(170));
    assert_eq!(printed(&p, ANONYMOUS_LISTS_PODS), "yes\n");
    // view reads most objects, not Secrets, and changes nothing.
    for (line, answer) in [
        (
            "kubectl auth can-i get deployments.apps --as=system:anonymous",
            "yes\n",
        ),
        (
            "kubectl auth can-i get secrets --as=system:anonymous",
            "no\n",
        ),
        (
            "kubectl auth can-i delete pods --as=system:anonymous",
            "no\n",
        ),
        (
            "kubectl auth can-i create pods --subresource=exec --as=system:anonymous",
            "no\n",
        ),
    ] {
        assert_eq!(printed(&p, line), answer, "{line}");
    }
    let table = printed(&p, "kubectl get clusterrolebindings -o wide");
    let row = table
        .lines()
        .find(|l| l.starts_with("anonymous-view "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        row.contains("ClusterRole/view") && row.contains("20s") && row.contains("system:anonymous"),
        "{row}"
    );
    let described = printed(&p, "kubectl describe clusterrolebinding anonymous-view");
    assert!(
        described.contains("Role:\n  Kind:  ClusterRole\n  Name:  view\n"),
        "{described}"
    );
    assert!(
        described.contains("  User  system:anonymous"),
        "{described}"
    );
    // Tab offers the binding the scenario made, not the built-in ones.
    assert_eq!(
        completions(&p, "kubectl delete clusterrolebinding "),
        ["anonymous-view"]
    );
    // Remediation: delete it.
    assert_eq!(
        act(&mut p, "kubectl delete clusterrolebinding anonymous-view"),
        "clusterrolebinding.rbac.authorization.k8s.io \"anonymous-view\" deleted"
    );
    assert_eq!(printed(&p, ANONYMOUS_LISTS_PODS), "no\n");
    assert!(
        failed(&p, "kubectl delete clusterrolebinding anonymous-view").contains(
            "Error from server (NotFound): clusterrolebindings.rbac.authorization.k8s.io \"anonymous-view\" not found"
        )
    );
    // The deletion is an audited call.
    let security = eks_security(&p);
    let last = security.audited.last().expect("audited calls");
    assert_eq!(
        (last.verb, last.resource, last.name.as_str(), last.code),
        ("delete", "clusterrolebindings", "anonymous-view", 200)
    );
}

#[test]
fn a_binding_created_at_the_console_is_a_finding_and_a_grant() {
    let mut p = at("eks-guardduty-audit", 30);
    assert_eq!(
        act(
            &mut p,
            "kubectl create clusterrolebinding oops --clusterrole=edit --user=system:anonymous"
        ),
        "clusterrolebinding.rbac.authorization.k8s.io/oops created"
    );
    assert_eq!(
        printed(&p, "kubectl auth can-i delete pods --as=system:anonymous"),
        "yes\n"
    );
    assert!(
        p.log().iter().any(|e| e
            .message()
            .starts_with("GuardDuty finding Policy:Kubernetes/AnonymousAccessGranted")),
        "GuardDuty's EKS Protection sees the console's binding too"
    );
    assert!(
        failed(
            &p,
            "kubectl create clusterrolebinding oops --clusterrole=view --user=x"
        )
        .contains("already exists")
    );
    assert!(
        failed(&p, "kubectl create clusterrolebinding x --user=y")
            .contains("required flag(s) \"clusterrole\" not set")
    );
    // Another user is authenticated: the default bindings let it review its own access only.
    assert_eq!(
        printed(
            &p,
            "kubectl auth can-i create selfsubjectaccessreviews --as=dev"
        ),
        "yes\n"
    );
    assert_eq!(printed(&p, "kubectl auth can-i list pods --as=dev"), "no\n");
    let me = printed(&p, "kubectl auth whoami");
    assert!(
        me.contains("Username              kubernetes-admin"),
        "{me}"
    );
    assert!(
        me.contains("arn:aws:sts::123456789012:assumed-role/orca-teacher/learner"),
        "{me}"
    );
}
