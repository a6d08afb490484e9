//! Commands that keep printing while the run plays (`console::watch`), through a command file
//! as `orca run --commands` carries them out: `kubectl get -w` prints the rows that change,
//! `kubectl rollout status` waits for the rollout, `aws logs tail --follow` and `kubectl logs
//! -f` print new lines, `aws ecs wait` fails after its last attempt; the next command stops a
//! watch, and a run that moves back stops it too.

use crate::common;

use orca_sim::SimTime;
use orca_sim::console::commands;
use orca_sim::console::script::{CommandOutput, Script};
use orca_sim::console::watch::Ended;

use crate::say::{no_files, poll, watched};

/// Every output of a command file against a built-in scenario, in order.
pub fn outputs(scenario: &str, file: &str) -> Vec<CommandOutput> {
    let cmds = commands::parse(file).expect("valid command file");
    let mut script = Script::new(common::built_in_named(scenario), cmds);
    let mut out = Vec::new();
    while let Some((_, outputs)) = script.next_moment(&no_files) {
        out.extend(outputs);
    }
    out
}

#[test]
fn get_w_prints_each_pod_again_when_it_changes_and_stops_at_the_next_command() {
    let out = outputs(
        "eks-rolling-update",
        "0:15 kubectl get pods -w\n1:30 kubectl get deploy web\n",
    );
    let first = &out[0];
    assert!(
        !first.watched && first.output.starts_with("NAME "),
        "{first:?}"
    );
    let later: Vec<&CommandOutput> = out.iter().filter(|o| o.watched).collect();
    assert!(
        later.len() > 5,
        "the rollout changes pods many times: {later:?}"
    );
    for o in &later {
        assert_eq!(o.command, "kubectl get pods -w");
        assert!(o.at > SimTime::from_secs(15) && o.at < SimTime::from_secs(90));
        // Rows only: no header again, and every row is a pod.
        for row in o.output.lines() {
            assert!(row.starts_with("web-"), "{row}");
        }
    }
    // The update at 0:30 creates pods: their rows print at once, ContainerCreating.
    let created = later
        .iter()
        .find(|o| o.output.contains("ContainerCreating"))
        .expect("new pods print");
    assert_eq!(created.at, SimTime::from_secs(30));
    // A pod whose only change is its age never prints again: each printed row differs from
    // the row printed before it for the same pod, beyond its AGE, except the last row of a
    // pod that is gone (kubectl prints a deleted object's final state), after which the pod
    // never prints again.
    let mut last: std::collections::HashMap<String, String> = Default::default();
    let mut deleted = std::collections::HashSet::new();
    for o in &later {
        for row in o.output.lines() {
            let cells: Vec<&str> = row.split_whitespace().collect();
            let steady = cells[..cells.len() - 1].join(" ");
            assert!(
                !deleted.contains(cells[0]),
                "{row} printed after its deletion"
            );
            let before = last.insert(cells[0].to_string(), steady.clone());
            if before.as_deref() == Some(steady.as_str()) {
                deleted.insert(cells[0].to_string());
            }
        }
    }
    // The old ReplicaSet's pods were deleted before 1:30, and each deletion printed: a
    // Terminating row, then the same row once more as the pod went.
    assert!(deleted.len() >= 8, "deletions printed: {deleted:?}");
    for pod in &deleted {
        assert!(
            pod.starts_with("web-") && last[pod].contains("Terminating"),
            "{pod}"
        );
    }
    // The next command stopped it: nothing printed after 1:30.
    let last_cmd = out.last().expect("outputs");
    assert_eq!(last_cmd.command, "kubectl get deploy web");
    assert!(later.iter().all(|o| o.at < SimTime::from_secs(90)));
}

#[test]
fn get_w_on_an_empty_list_prints_the_header_with_the_first_row() {
    // The new template's pods (its pod-template-hash, as the golden log of the scenario names
    // it) do not exist before the update at 0:30: kubectl says so and watches on.
    let out = outputs(
        "eks-rolling-update",
        "0:15 kubectl get pods -w -l pod-template-hash=5dd576864b\n0:40 kubectl get pods --watch-only\n1:00 kubectl get deploy\n",
    );
    assert_eq!(out[0].output, "No resources found in default namespace.\n");
    let first = &out[1];
    assert!(
        first.watched && first.at == SimTime::from_secs(30),
        "{first:?}"
    );
    assert!(
        first.output.starts_with("NAME ") && first.output.contains("web-5dd576864b-"),
        "the header comes with the first row: {first:?}"
    );
    assert!(
        out[2..]
            .iter()
            .filter(|o| o.command == out[0].command)
            .all(|o| !o.output.contains("NAME ")),
        "and only then"
    );
    // --watch-only: nothing at first, then only changes, the header with the first of them.
    let only: Vec<&CommandOutput> = out
        .iter()
        .filter(|o| o.command == "kubectl get pods --watch-only")
        .collect();
    assert_eq!(only[0].output, "", "{only:?}");
    let first_change = only
        .iter()
        .find(|o| !o.output.is_empty())
        .expect("a change");
    assert!(first_change.watched);
    assert!(first_change.output.starts_with("NAME "), "{first_change:?}");
    assert_eq!(
        only.iter().filter(|o| o.output.contains("NAME ")).count(),
        1,
        "the header prints once"
    );
}

#[test]
fn get_w_output_watch_events_names_each_change() {
    let out = outputs(
        "eks-rolling-update",
        "0:15 kubectl get pods -w --output-watch-events\n1:30 kubectl get deploy web\n",
    );
    assert!(
        out[0].output.starts_with("EVENT      NAME "),
        "{:?}",
        out[0]
    );
    assert!(
        out[0]
            .output
            .lines()
            .skip(1)
            .all(|l| l.starts_with("ADDED "))
    );
    let later: String = out
        .iter()
        .filter(|o| o.watched)
        .map(|o| o.output.as_str())
        .collect();
    for event in ["ADDED ", "MODIFIED ", "DELETED "] {
        assert!(later.contains(event), "{event} in {later}");
    }
    for line in later.lines() {
        let event = line.split_whitespace().next().unwrap_or("");
        assert!(["ADDED", "MODIFIED", "DELETED"].contains(&event), "{line}");
    }
    // A pod added by the rollout is ContainerCreating; a deleted one was Terminating.
    assert!(
        later
            .lines()
            .any(|l| l.starts_with("ADDED") && l.contains("ContainerCreating"))
    );
    assert!(
        later
            .lines()
            .filter(|l| l.starts_with("DELETED"))
            .all(|l| l.contains("Terminating"))
    );
}

#[test]
fn get_w_with_yaml_json_or_name_prints_each_object_that_changes() {
    let out = outputs(
        "eks-rolling-update",
        "0:29 kubectl get deploy web -o yaml -w\n0:31 kubectl get pods -o name -w\n0:36 kubectl get deploy -o json -w\n0:50 kubectl get deploy\n",
    );
    // The Deployment alone, not a List; the update at 0:30 prints it again after `---`.
    assert!(
        out[0]
            .output
            .starts_with("apiVersion: apps/v1\nkind: Deployment\n"),
        "{:?}",
        out[0]
    );
    assert!(out[0].output.contains("image: nginx:1.27"));
    let updated = &out[1];
    assert!(
        updated.watched && updated.at == SimTime::from_secs(30),
        "{updated:?}"
    );
    assert!(
        updated
            .output
            .starts_with("---\napiVersion: apps/v1\nkind: Deployment\n")
    );
    assert!(updated.output.contains("image: nginx:1.28"));
    // -o name: each pod's name when it changes, and once more when it goes.
    let names: Vec<&CommandOutput> = out
        .iter()
        .filter(|o| o.command == "kubectl get pods -o name -w")
        .collect();
    assert!(names[0].output.lines().all(|l| l.starts_with("pod/web-")));
    let deleted_at_33 = names
        .iter()
        .find(|o| o.at == SimTime::from_secs(33))
        .expect("changes at 0:33");
    assert!(
        deleted_at_33.output.contains("pod/web-7988b664b9-"),
        "an old pod that went prints its name: {deleted_at_33:?}"
    );
    // -o json: one pretty-printed object per change, no separator.
    let json: Vec<&CommandOutput> = out
        .iter()
        .filter(|o| o.command == "kubectl get deploy -o json -w" && o.watched)
        .collect();
    assert!(
        !json.is_empty(),
        "the rollout changes the Deployment's status"
    );
    for o in json {
        let v: serde_json::Value = serde_json::from_str(&o.output).expect(&o.output);
        assert_eq!(v["kind"], "Deployment");
    }
}

#[test]
fn get_w_with_jsonpath_or_watch_events_prints_each_object_or_event() {
    let out = outputs(
        "eks-rolling-update",
        "0:29 kubectl get pods -w -o 'jsonpath={.metadata.name}{\" \"}{.status.phase}{\"\\n\"}'\n0:40 kubectl get pods -w --output-watch-events -o 'jsonpath={.type}{\" \"}{.object.metadata.name}{\"\\n\"}'\n0:45 kubectl get deploy web -w --output-watch-events -o json\n0:50 kubectl get deploy web -w --output-watch-events -o yaml\n0:55 kubectl get deploy\n",
    );
    let of = |command: &str| -> Vec<&CommandOutput> {
        out.iter()
            .filter(|o| o.command.starts_with(command))
            .collect()
    };
    // jsonpath runs on each pod: one line per pod first, then one per change.
    let names = of("kubectl get pods -w -o 'jsonpath=");
    assert!(
        names[0]
            .output
            .lines()
            .all(|l| l.starts_with("web-") && l.ends_with(" Running")),
        "{:?}",
        names[0]
    );
    assert!(
        names.len() > 1 && names[1..].iter().all(|o| o.watched),
        "{names:?}"
    );
    assert!(
        names[1..].iter().any(|o| o.output.contains(" Pending")),
        "a new pod starts Pending: {names:?}"
    );
    // With --output-watch-events the template reads the event: {.type} and {.object}.
    let events = of("kubectl get pods -w --output-watch-events");
    assert!(
        events[0]
            .output
            .lines()
            .all(|l| l.starts_with("ADDED web-")),
        "{:?}",
        events[0]
    );
    let later: String = events[1..].iter().map(|o| o.output.as_str()).collect();
    assert!(
        later.lines().any(|l| l.starts_with("MODIFIED web-")),
        "{later}"
    );
    // -o json: the watch event, type first; -o yaml: its keys sorted, object first.
    let json = of("kubectl get deploy web -w --output-watch-events -o json");
    let v: serde_json::Value = serde_json::from_str(&json[0].output).expect(&json[0].output);
    assert_eq!(v["type"], "ADDED");
    assert_eq!(v["object"]["kind"], "Deployment");
    assert!(
        json[0].output.starts_with("{\n    \"type\": \"ADDED\",\n"),
        "{}",
        json[0].output
    );
    let yaml = of("kubectl get deploy web -w --output-watch-events -o yaml");
    assert!(
        yaml[0]
            .output
            .starts_with("object:\n  apiVersion: apps/v1\n"),
        "{}",
        yaml[0].output
    );
    assert!(
        yaml[0].output.ends_with("type: ADDED\n"),
        "{}",
        yaml[0].output
    );
}

#[test]
fn rollout_status_waits_until_the_rollout_is_done() {
    let out = outputs(
        "eks-rolling-update",
        "0:31 kubectl rollout status deploy/web\n",
    );
    let lines: Vec<&str> = out.iter().map(|o| o.output.trim_end()).collect();
    assert!(lines[0].starts_with("Waiting for deployment \"web\" rollout to finish:"));
    assert_eq!(
        *lines.last().expect("lines"),
        "deployment \"web\" successfully rolled out"
    );
    // Each status line differs from the one before (it prints on change only).
    for w in lines.windows(2) {
        assert_ne!(w[0], w[1]);
    }
    // It ends at the first second the one-shot status says so.
    let done = out.last().expect("lines").at;
    let mut p = orca_sim::Playback::new(common::built_in_named("eks-rolling-update"));
    p.seek(SimTime(done.0 - 1000));
    let (before, _) = watched(&p, "kubectl rollout status deploy/web");
    assert!(before.starts_with("Waiting"), "{before}");
}

#[test]
fn logs_follow_prints_only_new_lines() {
    let out = outputs(
        "ecs-log-router-sidecar",
        "0:30 aws logs tail /ecs/web --follow\n2:00 aws ecs list-services --cluster demo\n",
    );
    let mut seen = std::collections::HashSet::new();
    let mut later = 0;
    for o in out.iter().filter(|o| o.command.starts_with("aws logs")) {
        for line in o.output.lines() {
            // Full lines name the stream and the moment: none prints twice.
            assert!(seen.insert(line.to_string()), "printed twice: {line}");
        }
        if o.watched {
            later += 1;
            assert!(o.at <= SimTime::from_secs(120));
        }
    }
    assert!(later > 0, "new lines printed while the run played");
}

#[test]
fn kubectl_logs_f_follows_the_container() {
    let out = outputs("eks-crashloop", "0:25 kubectl logs deploy/web -f\n");
    let later: Vec<&CommandOutput> = out.iter().filter(|o| o.watched).collect();
    assert!(!later.is_empty());
    assert!(
        later.iter().all(|o| !o.output.contains("Found ")),
        "which pod it reads is said once"
    );
}

#[test]
fn a_waiter_that_is_never_met_fails_after_its_last_attempt() {
    // The stuck rollout never becomes stable: 40 attempts 15 s apart, then the CLI's failure.
    let s = common::built_in_named("ecs-sandbox-stuck-rollout");
    let cluster = s
        .world
        .ecs()
        .map(|w| w.cluster.name.clone())
        .expect("an ECS world");
    let service = s
        .world
        .ecs()
        .map(|w| w.services[0].name.clone())
        .expect("a service");
    let at = 120;
    let file = format!(
        "{}:{:02} aws ecs wait services-stable --cluster {cluster} --services {service}\n",
        at / 60,
        at % 60
    );
    let out = outputs("ecs-sandbox-stuck-rollout", &file);
    let end = out.last().expect("outputs");
    if s.duration >= (at + 600) as f64 {
        assert!(end.watched && end.failed, "{end:?}");
        assert_eq!(
            end.output,
            "\nWaiter ServicesStable failed: Max attempts exceeded\n"
        );
        assert_eq!(end.at, SimTime::from_secs(at + 39 * 15));
    } else {
        // The run ends first: the waiter is still asking when it does.
        assert!(!end.failed, "{end:?}");
    }
}

#[test]
fn a_watch_stops_when_the_run_moves_back() {
    let mut p = orca_sim::Playback::new(common::built_in_named("eks-rolling-update"));
    p.seek(SimTime::from_secs(40));
    let (_, mut w) = watched(&p, "kubectl get pods -w");
    p.seek(SimTime::from_secs(50));
    assert_eq!(poll(&p, &mut w).ended, None);
    p.seek(SimTime::from_secs(20));
    let polled = poll(&p, &mut w);
    assert_eq!(polled.ended, Some(Ended::RunMovedBack));
    assert!(
        polled.output.contains("the run went back to 00:20"),
        "{}",
        polled.output
    );
}
