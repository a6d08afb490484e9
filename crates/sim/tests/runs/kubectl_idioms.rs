//! kubectl idioms learners type first, checked in the bad-image sandbox (at 0:30 someone sets a
//! tag that does not exist): `kubectl get events --sort-by=.metadata.creationTimestamp` and the
//! events as objects (`-o yaml|json|name|jsonpath|custom-columns`); `kubectl rollout status`
//! with `--watch=false` and `--timeout`; `kubectl delete pods -l SELECTOR|--all`; the
//! `rollout history` table as kubectl pads it; `kubectl get events -w`; timestamps quoted in YAML
//! as kubectl quotes them; `--dry-run=client|server` on delete and create clusterrolebinding.

use crate::common;

use orca_sim::console::script::CommandOutput;
use orca_sim::{Playback, SimTime};
use serde_json::Value;

use crate::say::{act, failed, printed, watched};
use crate::watch::outputs;

const SANDBOX: &str = "eks-sandbox-bad-image";

fn at(secs: u64) -> Playback {
    let mut p = Playback::new(common::built_in_named(SANDBOX));
    p.seek(SimTime::from_secs(secs));
    p
}

fn json(p: &Playback, line: &str) -> Value {
    let text = printed(p, line);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{line}: {e}\n{text}"))
}

#[test]
fn events_are_objects_with_counts_first_and_last_timestamps() {
    let p = at(60);
    let list = json(&p, "kubectl get events -o json");
    assert_eq!(list["kind"], "List");
    let items = list["items"].as_array().expect("items");
    assert!(items.len() > 5, "{list}");
    for e in items {
        assert_eq!(e["apiVersion"], "v1");
        assert_eq!(e["kind"], "Event");
        assert_eq!(e["metadata"]["creationTimestamp"], e["firstTimestamp"]);
        assert!(
            e["firstTimestamp"].as_str() <= e["lastTimestamp"].as_str(),
            "{e}"
        );
        assert!(e["count"].as_u64().is_some_and(|c| c >= 1), "{e}");
        // Named after the object and the first occurrence in nanoseconds, in hex.
        let name = e["metadata"]["name"].as_str().expect("a name");
        let object = e["involvedObject"]["name"].as_str().expect("an object");
        let suffix = name
            .strip_prefix(object)
            .and_then(|s| s.strip_prefix('.'))
            .unwrap_or_else(|| panic!("{name} is not {object}.<hex>"));
        assert!(u64::from_str_radix(suffix, 16).is_ok(), "{name}");
    }
    // Names are unique, even for two events of one pod in the same millisecond.
    let mut names: Vec<&str> = items
        .iter()
        .filter_map(|e| e["metadata"]["name"].as_str())
        .collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before);
    // The kubelet retries the pull: one object per reason and message, its count going up.
    let pulling = items
        .iter()
        .find(|e| e["reason"] == "Pulling" && e["count"].as_u64() > Some(1))
        .unwrap_or_else(|| panic!("a repeated pull: {list}"));
    assert!(pulling["firstTimestamp"].as_str() < pulling["lastTimestamp"].as_str());
    assert_eq!(pulling["source"]["component"], "kubelet");
    assert_eq!(pulling["involvedObject"]["kind"], "Pod");
    let node = pulling["source"]["host"].as_str().expect("the pod's node");
    assert!(node.ends_with(".ec2.internal"), "{node}");
    assert_eq!(pulling["reportingInstance"], node);
    // A controller's event: its component, no host.
    let scaled = items
        .iter()
        .find(|e| e["reason"] == "ScalingReplicaSet")
        .expect("the rollout scaled");
    assert_eq!(
        scaled["source"],
        serde_json::json!({"component": "deployment-controller"})
    );
    assert_eq!(scaled["involvedObject"]["apiVersion"], "apps/v1");
    assert_eq!(scaled["involvedObject"]["kind"], "Deployment");
}

#[test]
fn events_sort_by_creation_and_other_paths() {
    let p = at(60);
    let created = json(
        &p,
        "kubectl get events -o json --sort-by=.metadata.creationTimestamp",
    );
    let firsts: Vec<&str> = created["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["firstTimestamp"].as_str())
        .collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]), "{firsts:?}");
    // The table in that order: a repeated pull, last seen recently, sorts by its first time.
    let by_creation = printed(
        &p,
        "kubectl get events --sort-by=.metadata.creationTimestamp",
    );
    let by_last = printed(&p, "kubectl get events");
    assert_ne!(by_creation, by_last, "the retried pulls move");
    let mut a: Vec<&str> = by_creation.lines().collect();
    let mut b: Vec<&str> = by_last.lines().collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b, "the same rows");
    // Numbers sort by value; a path no event has is kubectl's error.
    let counts = printed(
        &p,
        "kubectl get events -o jsonpath={.items[*].count} --sort-by=.count",
    );
    let counts: Vec<u64> = counts
        .split_whitespace()
        .map(|c| c.parse().expect("a count"))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    assert_eq!(
        failed(&p, "kubectl get events --sort-by=.spec.nothing"),
        "error: couldn't find any field with path \"{.spec.nothing}\" in the list of objects\n"
    );
}

#[test]
fn events_print_as_yaml_names_and_custom_columns_with_field_selectors() {
    let p = at(60);
    let yaml = printed(
        &p,
        "kubectl get events -o yaml --field-selector type=Warning",
    );
    assert!(
        yaml.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  type: Warning\n") && !yaml.contains("type: Normal"),
        "{yaml}"
    );
    // Timestamps are quoted, as kubectl's YAML quotes them.
    assert!(
        yaml.contains("  firstTimestamp: \"2026-01-05T09:00:"),
        "{yaml}"
    );
    let names = printed(&p, "kubectl get ev -o name --field-selector reason=Killing");
    assert!(
        names.lines().all(|l| l.starts_with("event/web-")) && !names.is_empty(),
        "{names}"
    );
    let columns = printed(
        &p,
        "kubectl get events -o custom-columns=REASON:.reason,COUNT:.count,FROM:.source.component --field-selector reason=Scheduled",
    );
    let rows: Vec<Vec<&str>> = columns
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows[0], ["REASON", "COUNT", "FROM"]);
    assert!(rows.len() > 1);
    for r in &rows[1..] {
        assert_eq!(r, &["Scheduled", "1", "default-scheduler"]);
    }
    // Kinds Orca lists as tables only still say so.
    assert!(failed(&p, "kubectl get pv -o jsonpath={.items}").contains("as a table only"));
}

#[test]
fn rollout_status_once_or_until_a_timeout() {
    let p = at(40);
    // --watch=false: the status once, and the command ends (exit 0).
    let once = printed(&p, "kubectl rollout status deployment/web --watch=false");
    assert!(
        once.starts_with("Waiting for deployment \"web\" rollout to finish"),
        "{once}"
    );
    let (first, _) = watched(&p, "kubectl rollout status deployment/web");
    assert_eq!(first, once);
    // A timeout without a unit is Go's error.
    assert_eq!(
        failed(&p, "kubectl rollout status deploy/web --timeout=5"),
        "error: invalid argument \"5\" for \"--timeout\" flag: time: missing unit in duration \"5\"\n"
    );
    // --timeout=20s: kubectl gives up 20 seconds later, as the wait package words it.
    let out = outputs(
        SANDBOX,
        "0:40 kubectl rollout status deploy/web --timeout=20s\n",
    );
    let last = out.last().expect("outputs");
    assert!(last.watched && last.failed, "{out:?}");
    assert_eq!(last.at, SimTime::from_secs(60));
    assert!(
        last.output
            .ends_with("error: timed out waiting for the condition\n"),
        "{last:?}"
    );
    // Without a timeout it waits until the progress deadline (10 minutes after the update).
    let out = outputs(SANDBOX, "0:40 kubectl rollout status deploy/web\n");
    let last = out.last().expect("outputs");
    assert!(last.at > SimTime::from_secs(600), "{last:?}");
    assert!(
        last.output.contains("exceeded its progress deadline"),
        "{last:?}"
    );
}

#[test]
fn delete_pods_by_selector_or_all() {
    let mut p = at(45);
    let new_pods: Vec<String> =
        printed(&p, "kubectl get pods -o jsonpath={.items[*].metadata.name}")
            .split_whitespace()
            .filter(|n| {
                printed(&p, &format!("kubectl get pod {n} -o yaml")).contains("web:v2-typo")
            })
            .map(str::to_string)
            .collect();
    assert_eq!(new_pods.len(), 2, "two pods of the bad image at 0:45");
    let hash = new_pods[0].split('-').nth(1).expect("a template hash");
    let reply = act(
        &mut p,
        &format!("kubectl delete pods -l app=web,pod-template-hash={hash}"),
    );
    let expected: String = new_pods
        .iter()
        .map(|n| format!("pod \"{n}\" deleted\n"))
        .collect();
    assert_eq!(format!("{reply}\n"), expected);
    assert_eq!(
        printed(&p, "kubectl delete pods -l app=nothing"),
        "No resources found\n"
    );
    assert_eq!(
        failed(&p, "kubectl delete pod web-1 -l app=web"),
        "error: name cannot be provided when a selector is specified\n"
    );
    assert!(failed(&p, "kubectl delete pods").contains("no name was specified"));
    // `--all` is the everything selector: names with it fail as with `-l`, and `--all` with
    // `-l` fails first.
    assert_eq!(
        failed(&p, "kubectl delete pod web-1 --all"),
        "error: name cannot be provided when a selector is specified\n"
    );
    assert_eq!(
        failed(&p, "kubectl delete pod web-1 --all -l app=web"),
        "error: setting 'all' parameter but found a non empty selector. \n"
    );
    // --all: every pod in the namespace.
    let all = printed(&p, "kubectl get pods -o name").lines().count();
    let reply = act(&mut p, "kubectl delete pods --all");
    assert_eq!(reply.lines().count(), all, "{reply}");
}

#[test]
fn rollout_history_is_padded_by_two_and_yaml_timestamps_are_quoted() {
    let p = at(40);
    assert_eq!(
        printed(&p, "kubectl rollout history deployment/web"),
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n"
    );
    let yaml = printed(&p, "kubectl get deploy web -o yaml");
    assert!(
        yaml.contains("  creationTimestamp: \"2026-01-05T09:00:00Z\"\n"),
        "{yaml}"
    );
}

#[test]
fn get_events_w_prints_new_events_and_each_repeat_again() {
    let out = outputs(
        SANDBOX,
        "0:25 kubectl get events -w --field-selector involvedObject.kind=Pod\n1:00 kubectl get pods\n",
    );
    // Nothing at 0:25; the first rows come with their header when the update starts pods.
    assert_eq!(out[0].output, "No resources found in default namespace.\n");
    let later: Vec<&CommandOutput> = out.iter().filter(|o| o.watched).collect();
    assert_eq!(later[0].at, SimTime::from_secs(30));
    assert!(
        later[0].output.starts_with("LAST SEEN   TYPE"),
        "{:?}",
        later[0]
    );
    for o in &later[1..] {
        assert!(!o.output.contains("LAST SEEN"), "no second header: {o:?}");
        assert!(o.at < SimTime::from_secs(60), "stopped by the next command");
    }
    // The kubelet retries the pull: the same event object prints again when it repeats.
    let pulls: Vec<SimTime> = later
        .iter()
        .filter(|o| {
            o.output
                .lines()
                .any(|l| l.contains("Pulling") && l.contains("q979g"))
        })
        .map(|o| o.at)
        .collect();
    assert!(pulls.len() >= 2, "{later:?}");
    // Every printed row is new at its moment.
    for o in &later {
        for row in o.output.lines().filter(|l| !l.starts_with("LAST SEEN")) {
            assert!(row.starts_with("0s "), "{row}");
        }
    }
}

#[test]
fn dry_runs_say_what_would_happen_and_change_nothing() {
    let mut p = at(45);
    let pod = printed(&p, "kubectl get pods -o jsonpath={.items[0].metadata.name}");
    assert_eq!(
        printed(&p, &format!("kubectl delete pod {pod} --dry-run=client")),
        format!("pod \"{pod}\" deleted (dry run)\n")
    );
    assert_eq!(
        printed(&p, &format!("kubectl delete pod {pod} --dry-run=server")),
        format!("pod \"{pod}\" deleted (server dry run)\n")
    );
    assert!(printed(&p, &format!("kubectl get pod {pod}")).contains(&pod));
    assert_eq!(
        failed(&p, &format!("kubectl delete pod {pod} --dry-run=yes")),
        "error: Invalid dry-run value (yes). Must be \"none\", \"server\", or \"client\".\n"
    );
    // The manifest idiom: a client dry run printed as YAML, nothing created.
    let create = "kubectl create clusterrolebinding readers --clusterrole=view --user=alice";
    assert_eq!(
        printed(&p, &format!("{create} --dry-run=client -o yaml")),
        "apiVersion: rbac.authorization.k8s.io/v1\n\
         kind: ClusterRoleBinding\n\
         metadata:\n  creationTimestamp: null\n  name: readers\n\
         roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\n\
         subjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: alice\n"
    );
    assert_eq!(
        printed(&p, &format!("{create} --dry-run=server")),
        "clusterrolebinding.rbac.authorization.k8s.io/readers created (server dry run)\n"
    );
    assert!(failed(&p, "kubectl get clusterrolebindings readers").contains("NotFound"));
    assert_eq!(
        act(&mut p, &format!("{create} -o name")),
        "clusterrolebinding.rbac.authorization.k8s.io/readers"
    );
    assert!(printed(&p, "kubectl get clusterrolebindings readers").contains("ClusterRole/view"));
    // A client dry run does not ask the API server, so it does not see the binding; a server
    // dry run does.
    assert!(printed(&p, &format!("{create} --dry-run=client")).ends_with("created (dry run)\n"));
    assert!(failed(&p, &format!("{create} --dry-run=server")).contains("already exists"));
    assert_eq!(
        printed(
            &p,
            "kubectl delete clusterrolebinding readers --dry-run=client"
        ),
        "clusterrolebinding.rbac.authorization.k8s.io \"readers\" deleted (dry run)\n"
    );
    assert!(printed(&p, "kubectl get clusterrolebindings readers").contains("readers"));
}

#[test]
fn events_wide_name_the_container_and_who_reported_them() {
    let p = at(60);
    let wide = printed(&p, "kubectl get events -o wide");
    let mut lines = wide.lines();
    let header: Vec<&str> = lines
        .next()
        .expect("a header")
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "LAST SEEN",
            "TYPE",
            "REASON",
            "OBJECT",
            "SUBOBJECT",
            "SOURCE",
            "MESSAGE",
            "FIRST SEEN",
            "COUNT",
            "NAME"
        ]
    );
    let list = json(&p, "kubectl get events -o json");
    let items = list["items"].as_array().expect("items");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), items.len(), "{wide}");
    // The kubelet's pull of the container's image names the container and the node.
    let pulling = items
        .iter()
        .find(|e| e["reason"] == "Pulling")
        .unwrap_or_else(|| panic!("a Pulling event: {list}"));
    let field_path = pulling["involvedObject"]["fieldPath"]
        .as_str()
        .expect("a container's event has a field path");
    assert!(
        field_path.starts_with("spec.containers{") && field_path.ends_with('}'),
        "{field_path}"
    );
    let host = pulling["source"]["host"].as_str().expect("the node");
    let name = pulling["metadata"]["name"].as_str().expect("a name");
    let row = rows
        .iter()
        .find(|r| r.contains(name))
        .unwrap_or_else(|| panic!("{name} in\n{wide}"));
    assert!(row.contains(field_path), "{row}");
    assert!(row.contains(&format!("kubelet, {host}")), "{row}");
    // The scheduler's event is about the pod itself: no field path, no host.
    let scheduled = items
        .iter()
        .find(|e| e["reason"] == "Scheduled")
        .expect("a Scheduled event");
    assert!(
        scheduled["involvedObject"].get("fieldPath").is_none(),
        "{scheduled}"
    );
    let name = scheduled["metadata"]["name"].as_str().expect("a name");
    let row = rows.iter().find(|r| r.contains(name)).expect("its row");
    assert!(row.contains("default-scheduler"), "{row}");
    assert!(!row.contains("spec.containers"), "{row}");
    // The field path is a field selector too.
    let selected = json(
        &p,
        &format!(
            "kubectl get events -o json --field-selector involvedObject.fieldPath={field_path}"
        ),
    );
    let selected = selected["items"].as_array().expect("items");
    assert!(!selected.is_empty());
    assert!(
        selected
            .iter()
            .all(|e| e["involvedObject"]["fieldPath"] == field_path),
        "{selected:?}"
    );
}

#[test]
fn a_native_sidecar_is_an_init_container_in_its_events() {
    let mut p = Playback::new(common::built_in_named("eks-native-sidecar"));
    p.seek(SimTime::from_secs(90));
    let list = json(
        &p,
        "kubectl get events -o json --field-selector reason=Started",
    );
    let items = list["items"].as_array().expect("items");
    let path_of = |container: &str| {
        items
            .iter()
            .find(|e| e["message"] == format!("Started container {container}"))
            .and_then(|e| e["involvedObject"]["fieldPath"].as_str())
            .unwrap_or_else(|| panic!("Started container {container} in {list}"))
            .to_string()
    };
    assert_eq!(path_of("log-router"), "spec.initContainers{log-router}");
    assert_eq!(path_of("shop"), "spec.containers{shop}");
    assert_eq!(
        path_of("metrics-exporter"),
        "spec.containers{metrics-exporter}"
    );
}

#[test]
fn rollout_undo_dry_runs_skips_and_refuses_a_paused_deployment() {
    // At 2:00 revision 2 (the tag that does not exist) is the current one.
    let mut p = at(120);
    let history = printed(&p, "kubectl rollout history deployment/web");
    let template = printed(&p, "kubectl rollout history deployment/web --revision=1");
    let template = template
        .strip_prefix("deployment.apps/web with revision #1\n")
        .and_then(|t| t.strip_suffix('\n'))
        .unwrap_or_else(|| panic!("{template}"));
    assert!(
        template.starts_with("Pod Template:\n  Labels:"),
        "{template}"
    );
    // kubectl prints DescribePodTemplate's tabs as they are, to the terminal's stops of 8,
    // down to the node selectors and tolerations Orca's templates leave empty.
    assert!(
        template.trim_end().ends_with(
            "    Environment:        <none>\n    Mounts:     <none>\n  Volumes:      <none>\n  Node-Selectors:       <none>\n  Tolerations:  <none>"
        ),
        "{template}"
    );
    // A client dry run prints the template it would roll back to, and nothing changes.
    assert_eq!(
        printed(&p, "kubectl rollout undo deployment/web --dry-run=client"),
        format!("deployment.apps/web {template} (dry run)\n")
    );
    assert_eq!(
        printed(&p, "kubectl rollout undo deployment/web --dry-run=server"),
        "deployment.apps/web rolled back (server dry run)\n"
    );
    assert_eq!(
        printed(&p, "kubectl rollout history deployment/web"),
        history
    );
    // The current revision's template is already the Deployment's.
    assert_eq!(
        printed(&p, "kubectl rollout undo deployment/web --to-revision=2"),
        "deployment.apps/web skipped rollback (current template already matches revision 2)\n"
    );
    assert_eq!(
        failed(&p, "kubectl rollout undo deployment/web --to-revision=7"),
        "error: unable to find specified revision 7 in history\n"
    );
    // Paused: refused, though a client dry run still shows the template.
    assert_eq!(
        act(&mut p, "kubectl rollout pause deployment/web"),
        "deployment.apps/web paused"
    );
    assert_eq!(
        failed(&p, "kubectl rollout undo deployment/web"),
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/web' and try again\n"
    );
    assert!(
        printed(&p, "kubectl rollout undo deployment/web --dry-run=client")
            .ends_with(" (dry run)\n")
    );
    assert_eq!(
        failed(&p, "kubectl rollout undo deployment/web --dry-run=maybe"),
        "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n"
    );
}
